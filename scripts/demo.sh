#!/usr/bin/env bash
# Builds storyweave, ingests the bundled demo corpus into the default store, shows the stories.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked -p storyweave-cli
bin=target/release/storyweave
"$bin" ingest demo/ || [ $? -eq 3 ]
"$bin" stories
