#!/usr/bin/env python3
"""Generates crates/entities/data/gazetteer.tsv from CLDR.

Country/territory names (cldr-localenames-full, `territories.json`, including the
`alt="short"` / `alt="variant"` forms) and major city names (cldr-dates-full, time-zone
exemplar cities) in the languages that whatlang can detect, plus Tagalog (`fil`, written
as `tl`) and Serbian in both scripts (`sr`, `sr-Latn`). Hand-written extras such as
acronyms (DPRK / DVRK / КНДР) come from `aliases.tsv` beside this script.

Each output row is `key<TAB>lang<TAB>name`: `@kp` for territories (ISO 3166 code, lower
case) and `@city:moscow` for cities (the last part of the time-zone id, lower case).

A name that CLDR gives to two different territories (in any two languages) is dropped,
because the matcher cannot tell them apart; a city name that is also a territory name
(Singapore, Kuwait) keeps only the territory.

Usage: python3 tools/gazetteer/generate.py [--version 48.2.0]
Needs `npm` (packages are fetched with `npm pack`, nothing is installed).
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "crates", "entities", "data", "gazetteer.tsv")
ALIASES = os.path.join(HERE, "aliases.tsv")

# whatlang's languages as CLDR locales -> the code written in the TSV (what
# `storyweave_model::Lang` uses; script subtags kept where one language has two scripts).
LOCALES = {
    "af": "af", "ak": "ak", "am": "am", "ar": "ar", "az": "az", "be": "be", "bg": "bg",
    "bn": "bn", "ca": "ca", "cs": "cs", "cy": "cy", "da": "da", "de": "de", "el": "el",
    "en": "en", "eo": "eo", "es": "es", "et": "et", "fa": "fa", "fi": "fi", "fil": "tl",
    "fr": "fr", "gu": "gu", "he": "he", "hi": "hi", "hr": "hr", "hu": "hu", "hy": "hy",
    "id": "id", "it": "it", "ja": "ja", "jv": "jv", "ka": "ka", "km": "km", "kn": "kn",
    "ko": "ko", "lt": "lt", "lv": "lv", "mk": "mk", "ml": "ml", "mr": "mr", "my": "my",
    "nb": "nb", "ne": "ne", "nl": "nl", "or": "or", "pa": "pa", "pl": "pl", "pt": "pt",
    "ro": "ro", "ru": "ru", "si": "si", "sk": "sk", "sl": "sl", "sn": "sn", "sr": "sr",
    "sr-Latn": "sr-Latn", "sv": "sv", "ta": "ta", "te": "te", "th": "th", "tk": "tk",
    "tr": "tr", "uk": "uk", "ur": "ur", "uz": "uz", "vi": "vi", "yi": "yi", "zh": "zh",
    "zh-Hant": "zh-Hant", "zu": "zu",
}

# Territory codes that are not places a story happens in (unknown region, pseudo
# locales, the euro area, outlying Oceania).
SKIP_TERRITORIES = {"ZZ", "QO", "EZ", "XA", "XB"}

# Time-zone "cities" that are research stations, islands named after people or feasts,
# or small towns whose names are common words or given names: as entities they would
# only add noise (Easter, Stanley, Darwin, Regina, Resolute...).
SKIP_ZONE_CITIES = {
    "Easter", "Stanley", "Darwin", "Regina", "Resolute", "Nome", "Knox", "Marengo",
    "Vevay", "Winamac", "Tell_City", "Swift_Current", "Christmas", "Wake", "Midway",
    "Lord_Howe", "Lindeman", "Eucla", "Broken_Hill", "Dawson", "Thule", "Boise",
    "Santa_Isabel", "Chatham", "Johnston", "Currie", "Macquarie", "Petersburg",
    "Monticello", "Louisville", "Vincennes", "Center", "New_Salem", "Beulah", "Glace_Bay",
    "Goose_Bay", "Rainy_River", "Thunder_Bay", "Creston", "Fort_Nelson", "Inuvik",
    "Rankin_Inlet", "Cambridge_Bay", "Coral_Harbour", "Atikokan", "Blanc-Sablon",
    "Kralendijk", "Lower_Princes", "Bahia_Banderas", "Metlakatla", "Sitka", "Yakutat",
    "Juneau", "Adak", "Noronha", "Enderbury", "Kanton", "Kiritimati", "Norfolk", "Truk",
    "Chuuk", "Ponape", "Pohnpei", "Kosrae", "Kwajalein", "Majuro", "Tarawa", "Funafuti",
    "Wallis", "Fakaofo", "Niue", "Rarotonga", "Gambier", "Marquesas", "Pitcairn",
    "Unknown", "Famagusta", "Busingen", "Mariehamn", "Longyearbyen", "Danmarkshavn",
    "Scoresbysund", "Miquelon", "Grand_Turk", "Marigot", "St_Barthelemy", "Mahe",
    "Kerguelen", "Chagos", "Cocos", "Maldives", "Reunion", "Mayotte", "Comoro",
}


def npm_pack(package, version, workdir):
    """Downloads an npm package tarball into workdir and returns its path."""
    spec = f"{package}@{version}" if version else package
    out = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=workdir, check=True,
        capture_output=True, text=True,
    )
    name = out.stdout.strip().splitlines()[-1]
    return os.path.join(workdir, name)


def read_json(tar, member):
    try:
        f = tar.extractfile(member)
    except KeyError:
        return None
    if f is None:
        return None
    return json.load(io.TextIOWrapper(f, encoding="utf-8"))


def clean(name):
    """A usable name, or None: no parenthesised qualifiers ("Congo (DRC)")."""
    name = " ".join(name.split())
    if not name or "(" in name or "（" in name:
        return None
    return name


def territories(tar, locale):
    data = read_json(tar, f"package/main/{locale}/territories.json")
    if data is None:
        return []
    terr = data["main"][locale]["localeDisplayNames"]["territories"]
    rows = []
    for code, name in terr.items():
        base, _, alt = code.partition("-alt-")
        if alt not in ("", "short", "variant"):
            continue
        if len(base) != 2 or not base.isalpha() or base in SKIP_TERRITORIES:
            continue
        name = clean(name)
        if name:
            rows.append((f"@{base.lower()}", name))
    return rows


def zones(tree, prefix=""):
    """(zone id, node) for every zone in CLDR's nested zone table."""
    for k, v in tree.items():
        if not isinstance(v, dict):
            continue
        zid = f"{prefix}/{k}" if prefix else k
        if v.get("_type") == "zone" or "exemplarCity" in v:
            yield zid, v
        else:
            yield from zones(v, zid)


def cities(tar, locale):
    data = read_json(tar, f"package/main/{locale}/timeZoneNames.json")
    if data is None:
        return []
    tz = data["main"][locale]["dates"]["timeZoneNames"]["zone"]
    rows = []
    for zid, node in zones(tz):
        area, _, city = zid.rpartition("/")
        if area.split("/")[0] in ("Etc", "Antarctica") or city in SKIP_ZONE_CITIES:
            continue
        key = f"@city:{city.lower()}"
        if locale == "en":
            # The zone id itself is the English name when CLDR gives none.
            rows.append((key, city.replace("_", " ")))
        name = clean(node.get("exemplarCity", ""))
        if name:
            rows.append((key, name))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--version", default="48.2.0", help="CLDR npm package version")
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()

    rows = set()
    with tempfile.TemporaryDirectory() as tmp:
        names_tgz = npm_pack("cldr-localenames-full", args.version, tmp)
        dates_tgz = npm_pack("cldr-dates-full", args.version, tmp)
        with tarfile.open(names_tgz) as t:
            for loc, lang in LOCALES.items():
                rows.update((k, lang, n) for k, n in territories(t, loc))
        with tarfile.open(dates_tgz) as t:
            for loc, lang in LOCALES.items():
                rows.update((k, lang, n) for k, n in cities(t, loc))

    aliases = set()
    with open(ALIASES, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, lang, name = line.split("\t")
            aliases.add((key, lang, name))

    # Ambiguity: a lower-cased name owned by two territories is dropped; a city name that
    # is a territory name stays a territory only.
    owners = defaultdict(set)
    for key, _, name in rows:
        owners[name.lower()].add(key)
    ambiguous = set()
    kept = set()
    for key, lang, name in rows:
        keys = owners[name.lower()]
        countries = {k for k in keys if not k.startswith("@city:")}
        if len(countries) > 1 or (not countries and len(keys) > 1):
            ambiguous.add(name)
            continue
        if countries and key.startswith("@city:"):
            continue
        kept.add((key, lang, name))
    kept |= aliases  # hand-written rows win over the ambiguity filter

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# generated by tools/gazetteer/generate.py from CLDR {args.version} "
                "(cldr-localenames-full, cldr-dates-full) and tools/gazetteer/aliases.tsv; "
                "do not edit\n")
        for key, lang, name in sorted(kept):
            f.write(f"{key}\t{lang}\t{name}\n")
    size = os.path.getsize(args.out)
    print(f"wrote {len(kept)} rows ({size} bytes) to {args.out}; "
          f"dropped {len(ambiguous)} ambiguous names", file=sys.stderr)


if __name__ == "__main__":
    main()
