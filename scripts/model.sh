#!/usr/bin/env bash
# Builds multilingual-e5-small into models/e5-small (or $1) with ../shared/models/build_e5_small.py
# when that script is there (the model hub is unreachable here; elsewhere, point --model at a
# Hugging Face download of intfloat/multilingual-e5-small instead). Prints the directory, or
# nothing when the script is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-models/e5-small}"
script="../shared/models/build_e5_small.py"
if [ -f "$out/model.safetensors" ]; then echo "$out"; exit 0; fi
if [ ! -f "$script" ]; then
    echo "scripts/model.sh: $script not found; the real-model tests will skip" >&2
    exit 0
fi
python3 -m pip install --quiet numpy safetensors >&2
python3 "$script" --download --out "$out" >&2
echo "$out"
