#!/usr/bin/env python3
"""Test setup: fetches feedparser's test suite (its source package on PyPI) as a feed corpus.

    python3 scripts/feedparser_corpus.py [--out DIR]

Puts into DIR (default: target/corpora/feedparser, git-ignored with the rest of target/):
  feedparser-VERSION/tests/**/*.xml   the 2,242 test feeds, as shipped
  expected.tsv                        per feed: path, entries feedparser finds, those with a
                                      body, with >= MIN_BODY_CHARS characters of body (as markup),
                                      and with >= MIN_BODY_CHARS characters of body text (tags
                                      stripped, entities decoded)
Run again, it does nothing once expected.tsv exists. Offline (the package index unreachable)
it prints why and exits 0 without expected.tsv, so the test that reads it skips.

The expected counts come from running feedparser itself (from the fetched source, with its one
dependency feedparser-sgmllib installed into DIR/pylib) on each file as bytes, the way storyweave reads a
file: no HTTP headers, so an encoding stated only in a test's `Header:` comment is not seen.
"""

import argparse
import html
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

# Pinned so the counts stay comparable between runs; the 6.0 series' test suite is the corpus
# issue 12 names (2,242 feeds).
FEEDPARSER_VERSION = "6.0.14"
# An entry with less body text than this is a stub (a title-only item, an empty summary);
# the regression corpus asserts only entries that carry real text.
MIN_BODY_CHARS = 20

ROOT = Path(__file__).resolve().parent.parent
TAG = re.compile(r"<[^>]*>")


def skip(reason: str) -> None:
    print(f"skipping: {reason}")
    sys.exit(0)


def pip(*args: str) -> bool:
    # Short timeouts: offline, the test that runs this should skip in seconds, not minutes.
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q",
           "--timeout", "20", "--retries", "1", *args]
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def fetch(out: Path) -> Path:
    src = out / f"feedparser-{FEEDPARSER_VERSION}"
    if (src / "tests").is_dir():
        return src
    out.mkdir(parents=True, exist_ok=True)
    if not pip("download", "--no-binary", ":all:", "--no-deps", "-d", str(out),
               f"feedparser=={FEEDPARSER_VERSION}"):
        skip(f"could not download feedparser {FEEDPARSER_VERSION} from the package index (offline?)")
    with tarfile.open(out / f"feedparser-{FEEDPARSER_VERSION}.tar.gz") as tar:
        tar.extractall(out, filter="data")
    return src


def body(entry) -> str:
    """The entry's body as feedparser gives it: its first non-blank content, else summary."""
    for c in entry.get("content") or []:
        if (c.get("value") or "").strip():
            return c["value"].strip()
    return (entry.get("summary") or "").strip()


def text(markup: str) -> str:
    return html.unescape(TAG.sub(" ", markup)).strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "target/corpora/feedparser")
    args = ap.parse_args()
    out = args.out.resolve()
    expected = out / "expected.tsv"
    if expected.exists():
        print(f"{expected} exists")
        return
    src = fetch(out)
    pylib = out / "pylib"
    if not (pylib / "feedparser_sgmllib.py").exists() and not pip(
            "install", "--target", str(pylib), "feedparser-sgmllib>=2,<3"):
        skip("could not install feedparser-sgmllib (feedparser's dependency) from the package index")
    sys.path[:0] = [str(src), str(pylib)]
    import feedparser  # noqa: E402  (from the fetched source, not an installed copy)

    rows = []
    for path in sorted((src / "tests").rglob("*.xml")):
        parsed = feedparser.parse(path.read_bytes())
        entries = parsed.get("entries") or []
        bodies = [body(e) for e in entries]
        counts = [
            len(entries),
            sum(1 for b in bodies if b),
            sum(1 for b in bodies if len(b) >= MIN_BODY_CHARS),
            sum(1 for b in bodies if len(text(b)) >= MIN_BODY_CHARS),
        ]
        rows.append("\t".join([str(path.relative_to(src)), *map(str, counts)]) + "\n")
    tmp = expected.with_suffix(".tmp")
    tmp.write_text(f"# feedparser {FEEDPARSER_VERSION}\tentries\twith body\tbody >= "
                   f"{MIN_BODY_CHARS} chars\ttext >= {MIN_BODY_CHARS} chars\n" + "".join(rows))
    os.replace(tmp, expected)
    totals = [sum(int(r.split("\t")[i]) for r in rows) for i in (1, 2, 3, 4)]
    print(f"{len(rows)} feeds; entries: {totals[0]}, with body: {totals[1]}, body >= "
          f"{MIN_BODY_CHARS} chars: {totals[2]}, text >= {MIN_BODY_CHARS} chars: {totals[3]} "
          f"-> {expected}")


if __name__ == "__main__":
    main()
