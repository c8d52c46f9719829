#!/usr/bin/env python3
"""A realistic synthetic news stream built from the dev data, for the serve benchmarks.

Real streams are mostly small stories: a few reports of each event, many singletons. Reusing
each dev text dozens of times (as the older `scale` corpus does) builds huge stories that make
every update expensive and no real feed looks like that. So, as issue 9 asks:

- each dev text (SemEval-22 articles and WMT16 documents) is used at most three times, each
  time with its sentences shuffled (the title kept), so copies are related but not identical;
- every other article is made of sentences drawn from *different* dev articles of one
  language: it reads like news in that language but reports no single event, so it stays
  alone or in a small story.

Deterministic for a given seed, size and data folder. Usage:

    python3 bench/stream_corpus.py --data ../shared/data --n 200000 --out bench/out/stream-200000.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from pathlib import Path
from typing import Iterable, Iterator

# Same seed as the other synthetic corpora of the harness.
SEED = 20160101
# Dates spread over one year: the clusterer's 30-day window then sees a realistic share of it.
START = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
YEAR_S = 365 * 24 * 3600
# How often one dev text may come back (the "at most three times").
MAX_USES = 3
# Share of the stream made of real dev texts (shuffled); the rest is sentence mixes. With
# ~2,800 dev texts used up to 3 times, 200,000 articles are about 4% real texts.
MIXED_SENTENCES = (6, 18)
# A sentence-ish split that works for the dev languages with spaces; unspaced scripts (zh)
# split on their own full stops.
SPLIT = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield json.loads(line)


def pool(data: Path) -> list[dict]:
    """Distinct dev articles: {"title","text","lang"}."""
    seen: dict[str, dict] = {}
    for p in read_jsonl(data / "semeval2022-t8" / "pairs.dev.jsonl"):
        for side in ("a", "b"):
            art = p[side]
            seen.setdefault(art["id"], {"title": "", "text": art["text"], "lang": art["lang"]})
    out = list(seen.values())
    for d in read_jsonl(data / "wmt16-enfi" / "docs.jsonl"):
        body = d["text"].split("\n", 1)[1] if "\n" in d["text"] else d["text"]
        out.append({"title": d["title"], "text": body, "lang": d["lang"]})
    return out


def sentences(text: str) -> list[str]:
    parts = [s.strip() for s in SPLIT.split(text.replace("\n", " "))]
    return [s for s in parts if len(s) >= 20]


def records(data: Path, n: int, seed: int = SEED, prefix: str = "st") -> Iterable[dict]:
    rng = random.Random(seed)
    texts = pool(data)
    split = [sentences(t["text"]) for t in texts]
    by_lang: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        if len(split[i]) >= 2:
            by_lang.setdefault(t["lang"], []).append(i)
    langs = sorted(by_lang)
    weights = [len(by_lang[lang]) for lang in langs]
    uses = [0] * len(texts)
    real_order = [i for i in rng.sample(range(len(texts)), len(texts)) for _ in range(MAX_USES)]
    rng.shuffle(real_order)
    # Spread the real texts evenly through the stream.
    every = max(1, n // max(1, len(real_order)))
    for k in range(n):
        when = START + dt.timedelta(seconds=rng.randrange(YEAR_S))
        rec: dict
        if k % every == 0 and real_order:
            i = real_order.pop()
            uses[i] += 1
            body = split[i][:] or [texts[i]["text"]]
            rng.shuffle(body)
            rec = {"title": texts[i]["title"], "text": " ".join(body), "lang": texts[i]["lang"]}
        else:
            lang = rng.choices(langs, weights)[0]
            donors = rng.sample(by_lang[lang], min(len(by_lang[lang]), rng.randint(*MIXED_SENTENCES)))
            body = [rng.choice(split[d]) for d in donors]
            rec = {"title": "", "text": " ".join(body), "lang": lang}
        yield {"id": f"{prefix}{k:07d}", **rec, "published": when.strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert max(uses) <= MAX_USES


def write(data: Path, n: int, out: Path, seed: int = SEED, prefix: str = "st") -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for r in records(data, n, seed, prefix):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / ".." / "shared" / "data")
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--prefix", default="st", help="article id prefix (two corpora to ingest one after the other need different ones)")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    write(a.data, a.n, a.out, a.seed, a.prefix)
    print(a.out)


if __name__ == "__main__":
    main()
