"""Grid over the encoder's translation rule ([relate] model_align_cosine, model_align_margin,
model_translation_coverage), scored on the dev data.

For each point, `storyweave similarity --model DIR` runs over
- every WMT16 en×fi document pair: a pair is a translation when both documents share a WMT
  `group`; recall and precision of the `translation` relation over all pairs;
- the SemEval-2022 dev pairs: none is known to be a translation, and a pair rated 2 or more
  (not "very similar") surely is not, so those called `translation` are false alarms.

Sentence vectors are cached in the vector cache (`--vector-cache`, by default the one
`bench/run.sh quality --model` fills), so after the first point each one takes seconds.

    bench/.venv/bin/python bench/tune_translation.py --model models/e5-small \\
        --cosine 0.82,0.84,0.85 --margin 1.0,1.02,1.03 --coverage 0.4,0.5,0.6
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import bench


def floats(s: str) -> list[str]:
    out = [v.strip() for v in s.split(",") if v.strip()]
    for v in out:
        float(v)  # fail early on a typo
    return out


def run_similarity(binary: Path, pairs: Path, config: Path, model: Path, cache: Path) -> dict:
    """Relation per pair id from `storyweave similarity`."""
    argv = [str(binary), "--db", str(cache), "--model", str(model), "-q", "similarity",
            str(pairs), "--config", str(config)]
    proc = subprocess.run(argv, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"`{' '.join(argv)}` failed: {proc.stderr.strip()[-500:]}")
    return {r["id"]: r.get("relation") for r in map(json.loads, proc.stdout.splitlines()) if r}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--data", type=Path, default=bench.REPO.parent / "shared" / "data")
    p.add_argument("--bin", type=Path, default=bench.REPO / "target" / "release" / "storyweave")
    p.add_argument("--vector-cache", type=Path, default=bench.OUT / "vector-cache.db")
    p.add_argument("--cosine", type=floats, default=floats("0.8,0.82,0.84,0.85,0.88"))
    p.add_argument("--margin", type=floats, default=floats("1.0,1.02,1.03"))
    p.add_argument("--coverage", type=floats, default=floats("0.4,0.5,0.6"))
    args = p.parse_args(argv)
    q = bench.load_quality_inputs(args.data, bench.OUT)
    rating = {pair["id"]: pair["overall"] for pair in q.semeval_pairs}
    group = {d["id"]: d["group"] for d in q.wmt_docs}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "point.toml"
        for cos, margin, cov in itertools.product(args.cosine, args.margin, args.coverage):
            cfg.write_text(f"[relate]\nmodel_align_cosine = {cos}\nmodel_align_margin = {margin}\n"
                           f"model_translation_coverage = {cov}\n")
            wmt = run_similarity(args.bin, q.wmt_pairs, cfg, args.model, args.vector_cache)
            tp = fp = fn = 0
            for pid, (a, b) in q.wmt_pair_index.items():
                gold = group[a] == group[b]
                said = wmt.get(pid) == "translation"
                tp += gold and said
                fp += said and not gold
                fn += gold and not said
            sem = run_similarity(args.bin, q.semeval_pairs_file, cfg, args.model,
                                 args.vector_cache)
            called = [rating[i] for i, rel in sem.items() if rel == "translation"]
            row = [cos, margin, cov, bench.fmt(tp / max(tp + fp, 1)), bench.fmt(tp / max(tp + fn, 1)),
                   str(fp), str(sum(r < 1.5 for r in called)), str(sum(r >= 1.5 for r in called))]
            print(" ".join(row), file=sys.stderr)
            rows.append(row)
    print("\n".join(bench.table(
        ["model_align_cosine", "model_align_margin", "model_translation_coverage",
         "WMT precision", "WMT recall", "WMT false translations",
         "SemEval called translation (rated 1)", "SemEval called translation (rated 2+)"],
        rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
