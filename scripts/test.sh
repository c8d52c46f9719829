#!/usr/bin/env bash
# The project's test command (README, and .ci/run calls it).
set -euo pipefail
cd "$(dirname "$0")/.."
# `--slow` also runs the data-heavy checks (minutes each; not in CI's default run).
if [ "${1:-}" = "--slow" ]; then
    export STORYWEAVE_SLOW_TESTS=1
    shift
fi
scripts/setup.sh
# The real multilingual-e5-small, when ../shared can build it; its tests skip (saying why)
# otherwise. Unit tests use a tiny random model they write themselves.
if [ -z "${STORYWEAVE_TEST_MODEL:-}" ]; then
    model="$(scripts/model.sh || true)"
    if [ -n "$model" ]; then export STORYWEAVE_TEST_MODEL="$PWD/$model"; fi
fi
cargo test --workspace --locked "$@"
# The web page in headless Chromium against the binary `cargo test` just built (skips, saying
# why, when chromium, Node.js or ../shared/samples is missing).
bin="${CARGO_TARGET_DIR:-$PWD/target}/debug/storyweave"
if [ -z "${STORYWEAVE_BIN:-}" ] && [ -x "$bin" ]; then export STORYWEAVE_BIN="$bin"; fi
tests/e2e/run.sh
