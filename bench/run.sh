#!/usr/bin/env bash
# Usage: bench/run.sh [quality|extraction|scale|all|tune] [bench.py options...]
# Builds the release binary, makes sure bench/.venv exists, runs bench/bench.py.
# SKIP_BUILD=1 skips the cargo build (e.g. to benchmark a binary you built yourself).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
section="${1:-all}"
[ $# -gt 0 ] && shift
if [ "${SKIP_BUILD:-0}" != "1" ]; then
    # A failed build is not fatal: the baselines still run and every storyweave step then
    # reports the missing binary.
    if ! (cd "$repo" && cargo build --release -p storyweave-cli); then
        echo "run.sh: cargo build --release -p storyweave-cli failed; continuing" >&2
    fi
fi
"$here/setup.sh"
cd "$repo"
exec "$here/.venv/bin/python" "$here/bench.py" "$section" "$@"
