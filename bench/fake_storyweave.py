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


def config(argv):
    cfg = {}
    if "--config" in argv:
        i = argv.index("--config")
        with open(argv[i + 1], "rb") as f:
            cfg = tomllib.load(f)
        del argv[i:i + 2]
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


def main():
    argv = sys.argv[1:]
    cfg = config(argv)
    cmd, rest = argv[0], argv[1:]
    if cmd == "cluster":
        bucket = int(cfg.get("cluster", {}).get("threshold", 0.5) * 1000) or 1
        for a in lines(rest[0]):
            print(json.dumps({"id": a["id"], "story": f"s{len(a['text']) // bucket}"}))
    elif cmd == "similarity":
        for p in lines(rest[0]):
            wa, wb = words(p["a"]), words(p["b"])
            sim = len(wa & wb) / max(1, len(wa | wb))
            print(json.dumps({"id": p["id"], "similarity": sim, "relation": "related"}))
    elif cmd == "clean":
        for path in rest:
            html = open(path, "rb").read().decode("utf-8", "replace")
            text = re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style).*?</\1>", "", html))
            print(json.dumps({"file": path, "title": "", "text": " ".join(text.split()),
                              "lang": None, "published": None, "byline": None}))
    elif cmd == "ingest":
        db = rest[rest.index("--db") + 1]
        con = sqlite3.connect(db)
        con.execute("create table a (id text)")
        con.executemany("insert into a values (?)", ((a["id"],) for a in lines(rest[0])))
        con.commit()
    else:
        sys.exit(f"error: unknown command {cmd}")


if __name__ == "__main__":
    main()
