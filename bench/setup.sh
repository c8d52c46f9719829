#!/usr/bin/env bash
# Creates bench/.venv (git-ignored) and installs the baselines' packages into it.
# Idempotent: re-running only installs what requirements.txt gained since the last run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="${PYTHON:-python3.11}"
command -v "$py" >/dev/null 2>&1 || py=python3
if [ ! -x "$here/.venv/bin/python" ]; then
    "$py" -m venv "$here/.venv"
fi
stamp="$here/.venv/.requirements.stamp"
if [ ! -f "$stamp" ] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    "$here/.venv/bin/python" -m pip install --quiet --upgrade pip
    "$here/.venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
fi
