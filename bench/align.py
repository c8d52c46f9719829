#!/usr/bin/env python3
"""Sentence alignment and translation detection on WMT16 en–fi, storyweave beside baselines.

    python3 bench/align.py alignment [--model DIR]     # alignment quality, as is and perturbed
    python3 bench/align.py translation [--model DIR]   # the `translation` relation, WMT + SemEval
    python3 bench/align.py all [--model DIR]
    python3 bench/align.py tune --grid relate.align.without_model.min_score=0.05,0.1 [--model DIR]

**Alignment.** Each translated WMT16 document against its original (215 pairs: 79 Finnish
originals with their English translation, 68 English originals with two Finnish ones); the
segment order is the gold one-to-one alignment. Every pair is measured as is and perturbed
(seeded, per pair): on the translation's side, 10% of the segments are merged with the next
one (gold 2-1 groups), then 20% of the resulting segments are deleted (gold 1-0 groups).
`storyweave compare --pairs FILE --lines --mode monotone` aligns them (each segment one
sentence; translations are aligned in order). Scores:
- pairs: precision, recall and F1 of aligned sentence pairs (every (i, j) inside a group);
- strict and lax F1 as vecalign and Bertalign count them: a predicted group is a strict hit
  when it equals a gold group (1-0 and 0-1 groups included), a lax hit when it overlaps a gold
  group on both sides (an empty side only hits strictly); recall the same way over gold
  groups.
Baseline, same run, same pairs: a length-only Gale–Church aligner (1993; character lengths,
variance 6.8, their priors, the pair's own length ratio as the mean), written here.

**Translation.** The 215 pairs above as positives; as hard negatives, for each document the
closest document of another WMT group in the other language by TF-IDF cosine of character
3–5-grams (lower-cased text) — the plain measure; `storyweave compare --pairs` on the full
articles (cleaned, titles, sentence splitting) gives the relation. Precision and recall of
`translation`. SemEval-2022 Task 8 dev pairs in two languages: how many are called
`translation`, by rating (none rated 2 or more should be).

WMT groups are split in two halves by a hash of the group id: parameters were tuned on half A
only; half B is the held-out report. Sentence vectors are cached in `--vector-cache` (the
store's vector table), so only the first run with a model encodes.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"

# Perturbation of the translation side: share of segments merged with the next one, then share
# of the resulting segments deleted (the brief's 10% and 20%).
MERGE_SHARE = 0.10
DELETE_SHARE = 0.20
SEED = 20160101

# Gale & Church (1993): variance of the length difference per character, and the type
# penalties of their program (PENALTY01 = 450, PENALTY21 = 230, PENALTY22 = 440, in units of
# -100 ln P).
GC_VARIANCE = 6.8
GC_PENALTIES = {(1, 1): 0.0, (1, 0): 4.5, (0, 1): 4.5, (2, 1): 2.3, (1, 2): 2.3, (2, 2): 4.4}


# ---------------------------------------------------------------- data

def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def half_of(group: str) -> str:
    """Half "A" (tuning) or "B" (held out) of a WMT group, by a stable hash."""
    return "A" if hashlib.sha1(group.encode()).digest()[0] % 2 == 0 else "B"


def segments(doc: dict) -> list[str]:
    return [s.strip() for s in doc["text"].split("\n") if s.strip()]


def translation_pairs(docs: list[dict]) -> list[tuple[dict, dict]]:
    """(original, translation) for every translation of every WMT group."""
    by_group: dict[str, list[dict]] = defaultdict(list)
    for d in docs:
        by_group[d["group"]].append(d)
    out = []
    for g in sorted(by_group):
        orig = [d for d in by_group[g] if d["role"] == "original"]
        for o in orig:
            out.extend((o, t) for t in by_group[g] if t["role"] == "translation" and t["lang"] != o["lang"])
    return out


def perturb(lines: list[str], rng: random.Random) -> tuple[list[str], list[list[int]]]:
    """Merges MERGE_SHARE of the lines with their successor, then deletes DELETE_SHARE of the
    units. Returns the new lines and, for each, the original line indices it holds."""
    n = len(lines)
    starts = sorted(rng.sample(range(n - 1), min(n - 1, round(MERGE_SHARE * n)))) if n > 1 else []
    units: list[list[int]] = []
    i = 0
    merge = set(starts)
    while i < n:
        if i in merge and i + 1 < n:
            units.append([i, i + 1])
            i += 2
        else:
            units.append([i])
            i += 1
    drop = set(rng.sample(range(len(units)), round(DELETE_SHARE * len(units))))
    kept = [u for k, u in enumerate(units) if k not in drop]
    return [" ".join(lines[i] for i in u) for u in kept], kept


def gold_groups(n_a: int, b_units: list[list[int]]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Gold groups when `b` unit k holds original lines b_units[k] (a's lines are the originals)."""
    groups = [(tuple(u), (k,)) for k, u in enumerate(b_units)]
    covered = {i for u in b_units for i in u}
    groups += [((i,), ()) for i in range(n_a) if i not in covered]
    return groups


# ---------------------------------------------------------------- metrics

def links(groups) -> set[tuple[int, int]]:
    return {(i, j) for a, b in groups for i in a for j in b}


def prf(tp: float, n_pred: float, n_gold: float) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


class Scores:
    """Pooled counts over pairs."""

    def __init__(self) -> None:
        self.c = Counter()

    def add(self, gold, pred) -> None:
        gold = [(tuple(a), tuple(b)) for a, b in gold]
        pred = [(tuple(a), tuple(b)) for a, b in pred if a or b]
        gl, pl = links(gold), links(pred)
        self.c["link_tp"] += len(gl & pl)
        self.c["link_pred"] += len(pl)
        self.c["link_gold"] += len(gl)
        gold_set, pred_set = set(gold), set(pred)

        def lax(x, others):
            a, b = x
            if not a or not b:
                return x in others
            return any(set(a) & set(oa) and set(b) & set(ob) for oa, ob in others)

        self.c["strict_pred_hit"] += sum(p in gold_set for p in pred)
        self.c["strict_gold_hit"] += sum(g in pred_set for g in gold)
        self.c["lax_pred_hit"] += sum(lax(p, gold) for p in pred)
        self.c["lax_gold_hit"] += sum(lax(g, pred) for g in gold)
        self.c["pred"] += len(pred)
        self.c["gold"] += len(gold)
        self.c["pairs"] += 1

    def result(self) -> dict:
        c = self.c

        def f(hp, hg):
            p = c[hp] / c["pred"] if c["pred"] else 0.0
            r = c[hg] / c["gold"] if c["gold"] else 0.0
            return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}

        return {
            "pairs": prf(c["link_tp"], c["link_pred"], c["link_gold"]),
            "strict": f("strict_pred_hit", "strict_gold_hit"),
            "lax": f("lax_pred_hit", "lax_gold_hit"),
            "n_pairs": c["pairs"],
            "gold_groups": c["gold"],
        }


# ---------------------------------------------------------------- Gale–Church baseline

def _norm_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def gale_church(a: list[str], b: list[str]) -> list[tuple[list[int], list[int]]]:
    """Length-only monotone alignment as in Gale & Church's (1993) published program: cost of a
    group = -ln P(δ) of its character lengths (a deletion too, against length 0) + the type
    penalty (their integer penalties / 100); the mean ratio is the pair's own."""
    la = [max(len(s), 1) for s in a]
    lb = [max(len(s), 1) for s in b]
    c = sum(lb) / max(sum(la), 1)

    def cost(x: float, y: float, t: tuple[int, int]) -> float:
        mean = (x + y / c) / 2
        delta = abs(c * x - y) / math.sqrt(GC_VARIANCE * mean)
        p = max(2 * (1 - _norm_cdf(delta)), 1e-300)
        return GC_PENALTIES[t] - math.log(p)

    n, m = len(a), len(b)
    inf = float("inf")
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            for (ka, kb) in GC_PENALTIES:
                if ka > i or kb > j or best[i - ka][j - kb] == inf:
                    continue
                v = best[i - ka][j - kb] + cost(sum(la[i - ka:i]), sum(lb[j - kb:j]), (ka, kb))
                if v < best[i][j]:
                    best[i][j] = v
                    back[i][j] = (ka, kb)
    out = []
    i, j = n, m
    while i > 0 or j > 0:
        ka, kb = back[i][j]
        out.append((list(range(i - ka, i)), list(range(j - kb, j))))
        i, j = i - ka, j - kb
    return out[::-1]


# ---------------------------------------------------------------- storyweave

def run_compare(args, pairs: list[dict], lines: bool, config: Path | None, model: bool,
                mode: str = "auto") -> dict[str, dict]:
    """`storyweave compare --pairs` over `pairs`; result per pair id."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, dir=OUT, encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
        path = f.name
    argv = [str(args.bin), "-q", "--db", str(args.vector_cache)]
    if model:
        argv += ["--model", str(args.model)]
    if config:
        argv += ["--config", str(config)]
    argv += ["compare", "--pairs", path, "--mode", mode] + (["--lines"] if lines else [])
    t = time.time()
    proc = subprocess.run(argv, capture_output=True, text=True)
    os.unlink(path)
    if proc.returncode not in (0, 3):
        raise SystemExit(f"`{' '.join(argv)}` failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")
    res = {r["id"]: r for r in map(json.loads, proc.stdout.splitlines()) if r}
    print(f"  {len(res)} pairs compared in {time.time() - t:.1f}s ({'model' if model else 'no model'})", file=sys.stderr)
    return res


def alignment_cases(docs: list[dict]) -> list[dict]:
    """Every (original, translation) pair as is and perturbed, with gold groups and half."""
    cases = []
    for o, t in translation_pairs(docs):
        a, b = segments(o), segments(t)
        if len(a) != len(b):
            continue  # not segment-parallel: no gold
        rng = random.Random(f"{SEED}:{o['id']}:{t['id']}")
        pb, units = perturb(b, rng)
        for kind, lines_b, gold in (("as is", b, gold_groups(len(a), [[k] for k in range(len(b))])),
                                    ("perturbed", pb, gold_groups(len(a), units))):
            cases.append({"id": f"{kind}|{o['id']}|{t['id']}", "kind": kind, "half": half_of(o["group"]),
                          "a": a, "b": lines_b, "gold": gold, "lang_a": o["lang"], "lang_b": t["lang"]})
    return cases


def score_alignment(cases: list[dict], predicted: dict[str, list]) -> dict:
    out: dict = {}
    for c in cases:
        pred = predicted.get(c["id"])
        if pred is None:
            continue
        for key in (c["kind"] + " " + c["half"], c["kind"] + " all"):
            out.setdefault(key, Scores()).add(c["gold"], pred)
    return {k: v.result() for k, v in out.items()}


def storyweave_alignment(args, cases: list[dict], config: Path | None, model: bool) -> dict[str, list]:
    pairs = [{"id": c["id"], "a": {"id": c["id"] + "|a", "text": "\n".join(c["a"]), "lang": c["lang_a"]},
              "b": {"id": c["id"] + "|b", "text": "\n".join(c["b"]), "lang": c["lang_b"]}} for c in cases]
    # Translations are aligned in order: the mode is given, not left to the relation.
    res = run_compare(args, pairs, True, config, model, mode="monotone")
    return {k: [(g["a"], g["b"]) for g in r["alignment"]] for k, r in res.items()}


# ---------------------------------------------------------------- translation detection

def char_ngrams(text: str) -> Counter:
    t = " ".join(text.lower().split())
    return Counter(t[i:i + n] for n in (3, 4, 5) for i in range(len(t) - n + 1))


def hard_negatives(docs: list[dict]) -> list[tuple[dict, dict]]:
    """For each document, the closest document of another group in the other language by
    TF-IDF cosine of character 3–5-grams."""
    grams = [char_ngrams(d["text"]) for d in docs]
    df = Counter(g for c in grams for g in c)
    n = len(docs)
    vecs = []
    for c in grams:
        v = {g: (1 + math.log(tf)) * math.log((1 + n) / (1 + df[g])) for g, tf in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({g: x / norm for g, x in v.items()})
    seen = set()
    out = []
    for i, d in enumerate(docs):
        best, arg = -1.0, None
        for j, e in enumerate(docs):
            if e["group"] == d["group"] or e["lang"] == d["lang"]:
                continue
            small, big = (vecs[i], vecs[j]) if len(vecs[i]) < len(vecs[j]) else (vecs[j], vecs[i])
            s = sum(x * big.get(g, 0.0) for g, x in small.items())
            if s > best:
                best, arg = s, j
        key = tuple(sorted((i, arg)))
        if arg is not None and key not in seen:
            seen.add(key)
            out.append((d, docs[arg]))
    return out


def art(d: dict) -> dict:
    return {"id": d["id"], "title": d["title"], "text": d["text"], "lang": d["lang"]}


def translation_section(args, docs: list[dict], semeval: list[dict], config: Path | None, model: bool) -> dict:
    pos = translation_pairs(docs)
    neg = hard_negatives(docs)
    pairs, truth, half = [], {}, {}
    for k, (x, y) in enumerate(pos + neg):
        pid = f"{'pos' if k < len(pos) else 'neg'}{k}"
        pairs.append({"id": pid, "a": art(x), "b": art(y)})
        truth[pid] = k < len(pos)
        half[pid] = half_of(x["group"])
    res = run_compare(args, pairs, False, config, model)
    out = {}
    for h in ("A", "B", "all"):
        tp = fp = fn = 0
        for pid, is_tr in truth.items():
            if h != "all" and half[pid] != h:
                continue
            said = res.get(pid, {}).get("relation") == "translation"
            tp += is_tr and said
            fp += said and not is_tr
            fn += is_tr and not said
        out[h] = {**prf(tp, tp + fp, tp + fn), "tp": tp, "fp": fp, "fn": fn}
    out["positives"], out["negatives"] = len(pos), len(neg)
    if semeval:
        # Only pairs in two languages can be translations (same-language pairs are compared by
        # shingles and called near-copies at most).
        sem_pairs = [{"id": p["id"], "a": p["a"], "b": p["b"]} for p in semeval
                     if p["a"].get("lang") != p["b"].get("lang")]
        sres = run_compare(args, sem_pairs, False, config, model)
        rating = {p["id"]: p["overall"] for p in semeval}
        called = [rating[i] for i, r in sres.items() if r.get("relation") == "translation"]
        out["semeval"] = {"pairs": len(sres), "translation_rated_below_2": sum(r < 2 for r in called),
                          "translation_rated_2_or_more": sum(r >= 2 for r in called)}
    return out


# ---------------------------------------------------------------- report

def fmt(v: float) -> str:
    return f"{v:.3f}"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |" for r in rows]


def machine() -> str:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count()
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return (f"- date: {time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n- machine: {cpus} CPUs ({model}), "
            f"{platform.platform()}\n- storyweave commit: {commit}{'-dirty' if dirty else ''}")


def alignment_rows(results: dict[str, dict], keys: list[str]) -> list[str]:
    lines = []
    for key in keys:
        rows = []
        for system, res in results.items():
            r = res.get(key)
            if not r:
                continue
            rows.append([system, fmt(r["pairs"]["precision"]), fmt(r["pairs"]["recall"]), fmt(r["pairs"]["f1"]),
                         fmt(r["strict"]["f1"]), fmt(r["lax"]["f1"])])
        n = next((r[key]["n_pairs"] for r in results.values() if key in r), 0)
        lines += ["", f"**{key}** ({n} document pairs)", ""]
        lines += table(["aligner", "pair precision", "pair recall", "pair F1", "strict F1", "lax F1"], rows)
    return lines


def section_alignment(args, docs, config) -> list[str]:
    cases = alignment_cases(docs)
    results = {"Gale–Church (length only, baseline)": score_alignment(
        cases, {c["id"]: gale_church(c["a"], c["b"]) for c in cases})}
    results["storyweave, no model"] = score_alignment(cases, storyweave_alignment(args, cases, config, False))
    if args.model:
        results[f"storyweave, {args.model.name}"] = score_alignment(cases, storyweave_alignment(args, cases, config, True))
    (OUT / "align.json").write_text(json.dumps(results, indent=1))
    keys = [f"{k} {h}" for k in ("as is", "perturbed") for h in ("A", "B", "all")]
    return ["### Sentence alignment, WMT16 en–fi (translation against original)"] + alignment_rows(results, keys)


def section_translation(args, docs, semeval, config) -> list[str]:
    runs = {"storyweave, no model": translation_section(args, docs, semeval, config, False)}
    if args.model:
        runs[f"storyweave, {args.model.name}"] = translation_section(args, docs, semeval, config, True)
    (OUT / "align-translation.json").write_text(json.dumps(runs, indent=1))
    rows = []
    for system, r in runs.items():
        for h in ("A", "B", "all"):
            x = r[h]
            rows.append([system, h, fmt(x["precision"]), fmt(x["recall"]), fmt(x["f1"]), str(x["fp"]), str(x["fn"])])
    some = next(iter(runs.values()))
    lines = ["### The `translation` relation, WMT16 en–fi translations against hard negatives", "",
             f"{some['positives']} translation pairs, {some['negatives']} hard negatives "
             "(per document: the closest document of another group in the other language, TF-IDF char 3–5-grams).", ""]
    lines += table(["system", "half", "precision", "recall", "F1", "false translations", "missed"], rows)
    sem = [[s, str(r["semeval"]["pairs"]), str(r["semeval"]["translation_rated_below_2"]),
            str(r["semeval"]["translation_rated_2_or_more"])] for s, r in runs.items() if "semeval" in r]
    if sem:
        lines += ["", "SemEval-2022 Task 8 dev cross-language pairs called `translation`, by overall rating "
                  "(1 = very similar; none is known to be a translation):", ""]
        lines += table(["system", "cross-language pairs", "rated < 2", "rated ≥ 2"], sem)
    return lines


def section_tune(args, docs, semeval) -> list[str]:
    grid = []
    for spec in args.grid:
        key, _, values = spec.partition("=")
        grid.append((key, [v for v in values.split(",") if v]))
    cases = alignment_cases(docs)
    rows = []
    for point in itertools.product(*[vals for _, vals in grid]):
        sections: dict[str, dict[str, str]] = defaultdict(dict)
        for (key, _), v in zip(grid, point):
            section, _, name = key.rpartition(".")
            sections[section][name] = v
        toml = "".join(f"[{s}]\n" + "".join(f"{k} = {v}\n" for k, v in kv.items()) for s, kv in sections.items())
        # One file per process: two tunes running at once must not read each other's point.
        cfg = OUT / f"align-point-{os.getpid()}.toml"
        OUT.mkdir(parents=True, exist_ok=True)
        cfg.write_text(toml)
        row = [" ".join(f"{k.rsplit('.', 1)[1]}={v}" for (k, _), v in zip(grid, point))]
        if args.what in ("alignment", "all"):
            r = score_alignment(cases, storyweave_alignment(args, cases, cfg, bool(args.model)))
            row += [fmt(r[f"{k} {h}"][m]["f1"]) for k in ("as is", "perturbed") for h in ("A", "B") for m in ("strict", "pairs")]
        if args.what in ("translation", "all"):
            t = translation_section(args, docs, semeval if args.semeval else [], cfg, bool(args.model))
            row += [f"{fmt(t[h]['precision'])}/{fmt(t[h]['recall'])}" for h in ("A", "B")]
            if "semeval" in t:
                row.append(str(t["semeval"]["translation_rated_2_or_more"]))
        print(" ".join(row), file=sys.stderr, flush=True)
        rows.append(row)
    header = ["point"]
    if args.what in ("alignment", "all"):
        header += [f"{k} {h} {m}" for k in ("as is", "perturbed") for h in ("A", "B") for m in ("strict F1", "pair F1")]
    if args.what in ("translation", "all"):
        header += ["translation P/R A", "translation P/R B"] + (["SemEval 2+ called"] if args.semeval else [])
    return table(header, rows)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("section", choices=["alignment", "translation", "all", "tune"])
    p.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    p.add_argument("--bin", type=Path, default=REPO / "target" / "release" / "storyweave")
    p.add_argument("--model", type=Path)
    p.add_argument("--vector-cache", type=Path, default=OUT / "vector-cache.db")
    p.add_argument("--config", type=Path, help="TOML passed to every storyweave run")
    p.add_argument("--grid", action="append", default=[], help="tune: KEY=V1,V2 (repeatable)")
    p.add_argument("--what", choices=["alignment", "translation", "all"], default="alignment", help="tune: what to score")
    p.add_argument("--semeval", action="store_true", help="tune: also count SemEval pairs called translation")
    args = p.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    docs = read_jsonl(args.data / "wmt16-enfi" / "docs.jsonl")
    semeval = read_jsonl(args.data / "semeval2022-t8" / "pairs.dev.jsonl")
    lines = [machine(), ""]
    if args.section == "tune":
        lines += section_tune(args, docs, semeval)
    if args.section in ("alignment", "all"):
        lines += section_alignment(args, docs, args.config) + [""]
    if args.section in ("translation", "all"):
        lines += section_translation(args, docs, semeval, args.config)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
