#!/usr/bin/env bash
# The project's test command (README, and .ci/run calls it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --workspace --locked "$@"
