#!/usr/bin/env python3
"""Serve benchmarks (issue 9): start-up, one article through POST, ingest at 100,000, reads
under load. Each figure beside a named baseline measured in the same run.

    python3 bench/serve_bench.py --bin target/release/storyweave --baseline-bin OLD_BINARY \
        [--model DIR] [--n 100000] [--skip ingest,reads]

The store is built from the realistic stream corpus of `stream_corpus.py` (each dev text used
at most three times, sentences shuffled, the rest sentence mixes of one language): the first
half is the store, the second half the "further" articles. Stores are cached under
bench/out/serve/ (delete them to rebuild). Prints a markdown block and writes
bench/out/serve.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out" / "serve"
sys.path.insert(0, str(BENCH))
import stream_corpus  # noqa: E402

# Latency of one POST: this many single-article posts, one after another.
POSTS = 200
# Reads under load: wrk for this long, with this many connections and threads, while another
# client posts this many articles per second.
READ_SECONDS = 30
READ_CONNECTIONS = 8
WRITE_RATE = 50


def sh(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kw)


def machine() -> str:
    cpus = len(os.sched_getaffinity(0))
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    return f"{cpus} CPUs ({model}), {mem:.1f} GiB RAM, {platform.platform()}"


def corpora(data: Path, n: int) -> tuple[Path, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    base, further = OUT / f"base-{n}.jsonl", OUT / f"further-{n}.jsonl"
    if not base.exists() or not further.exists():
        lines = [json.dumps(r, ensure_ascii=False) for r in stream_corpus.records(data, 2 * n)]
        base.write_text("\n".join(lines[:n]) + "\n")
        further.write_text("\n".join(lines[n:]) + "\n")
    return base, further


def remove_store(path: Path) -> None:
    """Deletes a store file with its WAL files and its index folder, if there."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.rmtree(Path(str(path) + ".index"), ignore_errors=True)


def copy_store(src: Path, dst: Path, index: bool = True) -> None:
    """Replaces `dst` by a copy of the store `src` (with its index folder unless `index` is false)."""
    remove_store(dst)
    for suffix in ("", "-wal", "-shm"):
        s = Path(str(src) + suffix)
        if s.exists():
            shutil.copyfile(s, Path(str(dst) + suffix))
    idx_src = Path(str(src) + ".index")
    if index and idx_src.exists():
        shutil.copytree(idx_src, Path(str(dst) + ".index"))


def timed_ingest(binary: Path, db: Path, path: Path, extra: list[str]) -> dict:
    start = time.perf_counter()
    res = subprocess.run([str(binary), "--db", str(db), "-q", *extra, "ingest", str(path)],
                         capture_output=True, text=True)
    wall = time.perf_counter() - start
    if res.returncode not in (0, 3):
        raise RuntimeError(f"ingest failed: {res.stderr[-2000:]}")
    n = sum(1 for _ in path.open())
    return {"seconds": wall, "articles": n, "per_s": n / wall, "stdout": res.stdout.strip()}


def http(method: str, url: str, body: bytes | None = None, timeout: float = 60) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method=method, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Server:
    def __init__(self, binary: Path, db: Path, extra: list[str]):
        self.start_time = time.perf_counter()
        self.proc = subprocess.Popen([str(binary), "--db", str(db), *extra, "serve", "--addr", "127.0.0.1:0"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.base = None
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            if "serving on " in line:
                self.base = line.split("serving on ", 1)[1].split()[0].rstrip("/")
                break
        if self.base is None:
            raise RuntimeError("the server did not start")
        # Keep draining the request log so the pipe never fills; requests slower than a second
        # are kept, to say what the slowest ones were.
        self.slow: list[dict] = []

        def drain() -> None:
            for line in self.proc.stderr:
                if line.startswith("{"):
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue
                    if entry.get("ms", 0) >= 1000:
                        self.slow.append(entry)

        threading.Thread(target=drain, daemon=True).start()

    def wait_ready(self, poll: float) -> dict:
        """Waits until the story state is loaded (a POST waits for it); returns the health's state."""
        while True:
            _, body = http("GET", self.base + "/api/health")
            state = json.loads(body)["state"]
            if state["how"]:
                return state
            time.sleep(poll)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=300)


def bench_startup(binary: Path, store: Path, extra: list[str]) -> dict:
    db = OUT / "startup.db"
    copy_store(store, db)
    start = time.perf_counter()
    srv = Server(binary, db, extra)
    first = None
    while first is None:
        status, _ = http("GET", srv.base + "/api/stories?limit=20")
        if status == 200:
            first = time.perf_counter() - start
    state = srv.wait_ready(0.01)
    ready = time.perf_counter() - start
    srv.stop()
    return {"first_answer_s": first, "ready_s": ready, "load": state}


def bench_post(binary: Path, store: Path, further: Path, extra: list[str]) -> dict:
    db = OUT / "post.db"
    copy_store(store, db)
    srv = Server(binary, db, extra)
    http("GET", srv.base + "/api/health")
    lines = further.read_text().splitlines()[:POSTS + 20]
    # Warm-up posts (state load, caches), then the measured ones.
    for line in lines[:20]:
        http("POST", srv.base + "/api/articles", line.encode())
    lat = []
    for line in lines[20:]:
        t = time.perf_counter()
        status, _ = http("POST", srv.base + "/api/articles", line.encode())
        lat.append((time.perf_counter() - t) * 1000)
        assert status == 200, status
    srv.stop()
    lat.sort()
    return {"median_ms": statistics.median(lat), "p90_ms": lat[int(0.9 * len(lat))], "p99_ms": lat[int(0.99 * len(lat)) - 1], "n": len(lat)}


def bench_baseline_one(baseline: Path, base_store: Path, further: Path) -> dict:
    """The old CLI: one article into the 100,000 store (it reloads the whole store)."""
    db = OUT / "baseline-one.db"
    copy_store(base_store, db)
    one = OUT / "one.jsonl"
    one.write_text(further.read_text().splitlines()[0] + "\n")
    return timed_ingest(baseline, db, one, [])


WRK_LUA = """
ids = {%IDS%}
counter = 0
request = function()
  counter = counter + 1
  if counter % 2 == 0 then
    return wrk.format("GET", "/api/stories?limit=20")
  end
  local id = ids[(counter * 7919) % #ids + 1]
  return wrk.format("GET", "/api/stories/" .. id)
end
"""


def bench_reads(binary: Path, store: Path, further: Path, extra: list[str]) -> dict:
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    db = OUT / "reads.db"
    copy_store(store, db)
    srv = Server(binary, db, extra)
    script = OUT / "reads.lua"
    # Story ids that exist (merges leave gaps): a 404 would be a right answer, not a read.
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ids = [r[0] for r in con.execute("SELECT id FROM stories")]
    con.close()
    random.Random(7).shuffle(ids)
    script.write_text(WRK_LUA.replace("%IDS%", ",".join(str(i) for i in ids[:5000])))
    lines = further.read_text().splitlines()[1000:1000 + WRITE_RATE * (READ_SECONDS + 10)]
    posted = {"ok": 0, "err": 0}
    stop = threading.Event()

    def writer() -> None:
        i = 0
        next_t = time.perf_counter()
        while not stop.is_set() and i < len(lines):
            status, _ = http("POST", srv.base + "/api/articles", lines[i].encode())
            posted["ok" if status == 200 else "err"] += 1
            i += 1
            next_t += 1.0 / WRITE_RATE
            time.sleep(max(0.0, next_t - time.perf_counter()))

    t = threading.Thread(target=writer)
    t.start()
    res = subprocess.run(["wrk", "-t2", f"-c{READ_CONNECTIONS}", f"-d{READ_SECONDS}s", "--latency", "-s", str(script), srv.base],
                         capture_output=True, text=True)
    stop.set()
    t.join()
    srv.stop()
    out = res.stdout
    rps = float(out.split("Requests/sec:")[1].split()[0])
    p99 = out.split("99%")[1].split()[0]
    p99_ms = float(p99[:-2]) if p99.endswith("ms") else float(p99[:-2]) / 1000 if p99.endswith("us") else float(p99[:-1]) * 1000
    errors = 0
    for key in ("Non-2xx or 3xx responses:", "Socket errors:"):
        if key in out:
            seg = out.split(key)[1].split("\n")[0]
            errors += sum(int(x) for x in seg.replace(",", " ").split() if x.isdigit())
    return {"requests_per_s": rps, "p99_ms": p99_ms, "errors": errors, "posted": posted, "slow": srv.slow, "wrk": out}


def synthetic_vector_store(binary: Path, model: Path, plain: Path, further: Path, dst: Path) -> dict:
    """The no-model store with a random unit vector for every article, under the model's id.

    Encoding 100,000 articles with e5-small takes about five hours on this machine; start-up
    with vectors measures loading the vector index, which does not depend on what the vectors
    say. The model's id is read from a one-article store, so the engine takes these vectors as
    its own. The first start builds the index files (the vector index over every article);
    the start-up benchmark then measures a start that reopens them.
    """
    import numpy as np

    copy_store(plain, dst, index=False)
    probe = OUT / "model-id.db"
    remove_store(probe)
    one = OUT / "model-id.jsonl"
    one.write_text(further.read_text().splitlines()[0] + "\n")
    sh([str(binary), "--db", str(probe), "--model", str(model), "-q", "ingest", str(one)], stdout=subprocess.DEVNULL)
    con = sqlite3.connect(probe)
    (model_id,) = con.execute("SELECT model FROM vectors WHERE key LIKE 'a:%' LIMIT 1").fetchone()
    dim = len(con.execute("SELECT data FROM vectors WHERE key LIKE 'a:%' LIMIT 1").fetchone()[0]) // 4
    con.close()
    con = sqlite3.connect(dst)
    ids = [r[0] for r in con.execute("SELECT id FROM articles")]
    rng = np.random.default_rng(7)
    for start in range(0, len(ids), 10_000):
        chunk = ids[start:start + 10_000]
        v = rng.standard_normal((len(chunk), dim)).astype("<f4")
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        con.executemany("INSERT OR REPLACE INTO vectors (model, key, data) VALUES (?, ?, ?)",
                        [(model_id, f"a:{i}", v[k].tobytes()) for k, i in enumerate(chunk)])
    con.commit()
    con.close()
    # First start: the state is rebuilt from the store (every vector read, the vector index
    # built) and the index files written; it ends when the state is ready.
    start = time.perf_counter()
    srv = Server(binary, dst, ["--model", str(model)])
    srv.wait_ready(0.5)
    built = time.perf_counter() - start
    srv.stop()
    return {"model_id": model_id, "dim": dim, "articles": len(ids), "first_start_s": built}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", type=Path, default=REPO / "target" / "release" / "storyweave")
    ap.add_argument("--baseline-bin", type=Path, help="storyweave before the long-lived engine (6d65302)")
    ap.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data")
    ap.add_argument("--model", type=Path)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--skip", default="", help="comma-separated: startup,post,ingest,reads")
    ap.add_argument("--synthetic-vectors", action="store_true",
                    help="with --model: give the no-model store's articles random unit vectors under the model's id "
                         "instead of encoding them (hours); for start-up with vectors, not for quality")
    a = ap.parse_args()
    skip = set(filter(None, a.skip.split(",")))
    extra = ["--model", str(a.model)] if a.model else []
    base, further = corpora(a.data, a.n)
    tag = ("synvec" if a.synthetic_vectors else "model") if a.model else "nomodel"
    store = OUT / f"store-{a.n}-{tag}.db"
    res: dict = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "machine": machine(), "n": a.n, "model": str(a.model) if a.model else None}
    if a.model and a.synthetic_vectors:
        store = OUT / f"store-{a.n}-synvec.db"
        if not store.exists():
            plain = OUT / f"store-{a.n}-nomodel.db"
            if not plain.exists():
                raise SystemExit(f"{plain} is missing: run without --model first")
            print(f"[serve] giving the {a.n} articles synthetic vectors", file=sys.stderr)
            res["synthetic_vectors"] = synthetic_vector_store(a.bin, a.model, plain, further, store)
            print(f"[serve] {res['synthetic_vectors']}", file=sys.stderr)
    if not store.exists():
        print(f"[serve] building the {a.n}-article store", file=sys.stderr)
        res["build_store"] = timed_ingest(a.bin, store, base, extra)
    if "startup" not in skip:
        res["startup"] = bench_startup(a.bin, store, extra)
        print(f"[serve] startup {res['startup']}", file=sys.stderr)
    if "post" not in skip:
        res["post"] = bench_post(a.bin, store, further, extra)
        print(f"[serve] post {res['post']}", file=sys.stderr)
    if a.baseline_bin and not a.model and "post" not in skip:
        bstore = OUT / f"baseline-store-{a.n}.db"
        if not bstore.exists():
            res["baseline_build_store"] = timed_ingest(a.baseline_bin, bstore, base, [])
        res["baseline_one"] = bench_baseline_one(a.baseline_bin, bstore, further)
        print(f"[serve] baseline one {res['baseline_one']}", file=sys.stderr)
    if "ingest" not in skip and not a.model:
        db = OUT / "ingest.db"
        copy_store(store, db)
        res["ingest"] = timed_ingest(a.bin, db, further, extra)
        print(f"[serve] ingest {res['ingest']}", file=sys.stderr)
        if a.baseline_bin:
            bdb = OUT / "baseline-ingest.db"
            copy_store(OUT / f"baseline-store-{a.n}.db", bdb)
            res["baseline_ingest"] = timed_ingest(a.baseline_bin, bdb, further, [])
            print(f"[serve] baseline ingest {res['baseline_ingest']}", file=sys.stderr)
    if "reads" not in skip:
        res["reads"] = bench_reads(a.bin, store, further, extra)
        print(f"[serve] reads {({k: v for k, v in res['reads'].items() if k != 'wrk'})}", file=sys.stderr)
    (BENCH / "out").mkdir(exist_ok=True)
    (BENCH / "out" / f"serve-{tag}.json").write_text(json.dumps(res, indent=1))
    print(json.dumps({k: v for k, v in res.items() if k != "reads"} | {"reads": {k: v for k, v in res.get("reads", {}).items() if k != "wrk"}}, indent=1))


if __name__ == "__main__":
    main()
