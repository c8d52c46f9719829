#!/usr/bin/env python3
"""A stand-in for the storyweave binary with the same command-line interface, for
test_harness.py only: it lets the harness's wiring be tested without a Rust build. Its
answers are deliberately crude (word-set Jaccard, length buckets); never benchmark it.
"""

import json
import re
import sqlite3
import sys
import tomllib

KNOWN = {"cluster": {"threshold"}, "similarity": {"w_entities"}}


def option(argv, name):
    """Removes `name VALUE` from argv (global options may stand anywhere); returns VALUE."""
    if name not in argv:
        return None
    i = argv.index(name)
    value = argv[i + 1]
    del argv[i:i + 2]
    return value


def config(argv):
    cfg = {}
    path = option(argv, "--config")
    if path:
        with open(path, "rb") as f:
            cfg = tomllib.load(f)
        for section, keys in cfg.items():
            unknown = set(keys) - KNOWN.get(section, set())
            if unknown:
                sys.exit(f"error: unknown config key {section}.{sorted(unknown)[0]}")
    return cfg


def lines(path):
    f = sys.stdin if path == "-" else open(path, encoding="utf-8")
    return [json.loads(line) for line in f if line.strip()]


def words(a):
    return set(re.findall(r"\w+", a["text"].lower()))


def vector(a, dim=16):
    """A crude "encoder": hashed bag of words, L2-normalised."""
    v = [0.0] * dim
    for w in words(a):
        v[sum(w.encode()) % dim] += 1.0
    n = sum(x * x for x in v) ** 0.5 or 1.0
    return [x / n for x in v]


def main():
    argv = sys.argv[1:]
    cfg = config(argv)
    model = option(argv, "--model")
    db = option(argv, "--db")
    for flag in ("-q", "--quiet"):
        while flag in argv:
            argv.remove(flag)
    if model:
        # The harness must pair a model with a vector cache (never the default store).
        if not db:
            sys.exit("error: fake: --model without --db")
        print(f"fake: model={model} db={db}", file=sys.stderr)
    cmd, rest = argv[0], argv[1:]
    if cmd == "cluster":
        bucket = int(cfg.get("cluster", {}).get("threshold", 0.5) * 1000) or 1
        for a in lines(rest[0]):
            story = f"s{len(a['text']) // bucket}"
            if model:
                story += f"-{max(range(16), key=lambda i: vector(a)[i])}"
            print(json.dumps({"id": a["id"], "story": story}))
    elif cmd == "similarity":
        for p in lines(rest[0]):
            wa, wb = words(p["a"]), words(p["b"])
            sim = len(wa & wb) / max(1, len(wa | wb))
            if model:
                sim = (sim + sum(x * y for x, y in zip(vector(p["a"]), vector(p["b"])))) / 2
            print(json.dumps({"id": p["id"], "similarity": sim, "relation": "related"}))
    elif cmd == "embed":
        if not model:
            sys.exit("error: `embed` needs a model")
        for a in lines(rest[0]):
            print(json.dumps({"id": a["id"], "vector": vector(a)}))
    elif cmd == "clean":
        for path in rest:
            html = open(path, "rb").read().decode("utf-8", "replace")
            text = re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style).*?</\1>", "", html))
            print(json.dumps({"file": path, "title": "", "text": " ".join(text.split()),
                              "lang": None, "published": None, "byline": None}))
    elif cmd == "ingest":
        con = sqlite3.connect(db)
        con.execute("create table a (id text)")
        con.executemany("insert into a values (?)", ((a["id"],) for a in lines(rest[0])))
        con.commit()
    else:
        sys.exit(f"error: unknown command {cmd}")


if __name__ == "__main__":
    main()
