#!/usr/bin/env python3
"""Extraction F1 on the two fixed halves of the dev pages, beside trafilatura in the same run.

    bench/.venv/bin/python bench/extraction_halves.py LABEL=TEXTS.jsonl [LABEL=TEXTS.jsonl ...]
        [--data DIR] [--halves bench/extraction_halves.tsv]

Each TEXTS.jsonl holds one line `{"file","title","text"}` per page (`eval_extraction --texts`,
or `storyweave clean` output); pages are scored on title + text, as `bench/run.sh extraction`
scores `storyweave clean`. trafilatura is run here, in-process, with the settings of
bench.py's extraction section. The halves (`extraction_halves.tsv`: SHA-1 order of the file
names, first half A) are fixed, so that rules fitted on one half can be scored on the other.
"""
from __future__ import annotations

import argparse
import json
import sys
import tarfile
from pathlib import Path

import metrics

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def read_halves(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("file\t") or not line.strip():
            continue
        f, h = line.split("\t")
        out[f] = h.strip()
    return out


def score_by_half(cases: list[dict], texts: list[str | None], halves: dict[str, str]) -> dict:
    """Pooled precision/recall/F1 per half and for all pages."""
    groups: dict[str, metrics.ExtractionCounts] = {}
    for case, text in zip(cases, texts):
        for g in (halves.get(case["file"], "?"), "all"):
            groups.setdefault(g, metrics.ExtractionCounts()).add(text, case["with"], case["without"])
    return {g: c.prf().as_dict() for g, c in sorted(groups.items())}


def title_text(rec: dict | None) -> str | None:
    if rec is None:
        return None
    title, text = rec.get("title") or "", rec.get("text") or ""
    return f"{title}\n{text}" if title else text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="LABEL=TEXTS.jsonl")
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--halves", type=Path, default=HERE / "extraction_halves.tsv")
    args = ap.parse_args()
    import trafilatura

    cases = [json.loads(line) for line in (args.data / "extraction" / "cases.dev.jsonl").open()]
    halves = read_halves(args.halves)
    rows = []
    for run in args.runs:
        label, path = run.split("=", 1)
        recs = {r["file"]: r for r in map(json.loads, Path(path).read_text().splitlines())}
        rows.append((label, score_by_half(cases, [title_text(recs.get(c["file"])) for c in cases], halves)))
    with tarfile.open(args.data / "extraction" / "pages.dev.tar.gz") as tar:
        htmls = [tar.extractfile(c["file"]).read() for c in cases]
    # bench.py's settings: trafilatura's own evaluation defaults, comments excluded.
    texts = [trafilatura.extract(h, include_comments=False) for h in htmls]
    rows.append((f"trafilatura {trafilatura.__version__}", score_by_half(cases, texts, halves)))
    print("| extractor | half A F1 | half B F1 | all F1 | A P/R | B P/R |")
    print("|---|---|---|---|---|---|")
    for label, r in rows:
        a, b, al = r.get("A", {}), r.get("B", {}), r["all"]
        print(f"| {label} | {a.get('f1', 0):.3f} | {b.get('f1', 0):.3f} | {al['f1']:.3f} | "
              f"{a.get('precision', 0):.3f}/{a.get('recall', 0):.3f} | "
              f"{b.get('precision', 0):.3f}/{b.get('recall', 0):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
