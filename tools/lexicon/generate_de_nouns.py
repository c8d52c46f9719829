#!/usr/bin/env python3
"""Writes crates/entities/data/de_nouns.txt and de_proper.txt from the German Wiktionary.

German capitalises every noun, so case cannot tell a common noun ("Regierung", "Leasing")
from a name ("Merkel"). The name finder asks this list instead. Source: the PyPI package
german-nouns (~100,000 nouns with their inflected forms, compiled from de.wiktionary.org,
CC BY-SA 4.0; see crates/entities/data/LICENSE-de-lexicon.md).

- de_nouns.txt: the lemma and nominative plural of every entry whose part of speech is a
  common noun only (nominalised adjectives included), lower-cased, one per line, sorted.
- de_proper.txt: every form of an entry that Wiktionary marks as a proper name (Toponym,
  Vorname, Nachname, Eigenname). A word in both lists ("Müller": miller and surname;
  "Berlin") is left out of de_nouns.txt, so it can still be a name.

Usage: python3 tools/lexicon/generate_de_nouns.py [--csv PATH/nouns.csv]
Without --csv, german-nouns is installed into a temporary virtualenv with pip.
"""
import argparse
import csv
import pathlib
import subprocess
import sys
import tempfile

PROPER = {"Toponym", "Vorname", "Nachname", "Eigenname"}
# Common nouns, including nominalised adjectives ("der Angestellte", "die Deutsche").
COMMON = {"Substantiv", "adjektivische Deklination"}
OUT = pathlib.Path(__file__).resolve().parents[2] / "crates" / "entities" / "data"


def find_csv() -> pathlib.Path:
    tmp = pathlib.Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp), "german-nouns==1.2.5"], check=True)
    wheel = next(tmp.glob("german_nouns-*.whl"))
    subprocess.run([sys.executable, "-m", "zipfile", "-e", str(wheel), str(tmp / "x")], check=True)
    return tmp / "x" / "german_nouns" / "nouns.csv"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", type=pathlib.Path)
    args = ap.parse_args()
    path = args.csv or find_csv()
    nouns, proper = set(), set()
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            pos = set(row["pos"].split(","))
            forms = {row["lemma"]}
            # Lemma and nominative plural; the name finder strips case endings (-s, -es, -n,
            # -en) itself, which keeps the list a third of the size of all forms.
            forms.update(v for k, v in row.items() if k and k.startswith("nominativ plural") and v)
            forms = {w.strip().lower() for w in forms if w and w[:1].isupper() and " " not in w.strip() and "-" not in w}
            (proper if pos & PROPER else nouns if pos <= COMMON else set()).update(forms)
    nouns -= proper
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "de_nouns.txt").write_text("".join(w + "\n" for w in sorted(nouns)), encoding="utf-8")
    (OUT / "de_proper.txt").write_text("".join(w + "\n" for w in sorted(proper)), encoding="utf-8")
    print(f"{len(nouns)} noun forms, {len(proper)} proper-name forms -> {OUT}")


if __name__ == "__main__":
    main()
