#!/usr/bin/env bash
# Runs the browser tests: Debian's chromium driven by Playwright against `storyweave serve`.
# Skips (saying why, exit 0) when node or chromium is missing; scripts/setup.sh installs both.
# Builds the storyweave binary when it is missing or older than the sources, unless
# STORYWEAVE_BIN names one. Extra arguments go to `playwright test` (e.g. -g search).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "skipping the browser tests: node/npm are not installed (scripts/setup.sh installs them)"
  exit 0
fi
if [ "$(node -p 'parseInt(process.versions.node, 10)')" -lt 20 ]; then
  echo "skipping the browser tests: Playwright needs Node.js 20 or later, this is $(node --version)"
  exit 0
fi
chromium="${STORYWEAVE_CHROMIUM:-}"
if [ -z "$chromium" ]; then
  for c in /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -x "$c" ]; then chromium="$c"; break; fi
  done
fi
if [ -z "$chromium" ] || [ ! -x "$chromium" ]; then
  echo "skipping the browser tests: chromium is not installed (scripts/setup.sh installs Debian's chromium)"
  exit 0
fi
export STORYWEAVE_CHROMIUM="$chromium"

# Playwright must never try to download a browser of its own: it cannot be reached here.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d node_modules/@playwright/test ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ -z "${STORYWEAVE_BIN:-}" ]; then
  target="${CARGO_TARGET_DIR:-$root/target}"
  case "$target" in /*) ;; *) target="$root/$target" ;; esac
  bin="$target/debug/storyweave"
  # Rebuilt when missing, or when a source or web asset changed since it was built.
  if [ ! -x "$bin" ] || [ -n "$(find "$root/crates" -newer "$bin" -type f \( -name '*.rs' -o -path '*/assets/*' -o -name Cargo.toml \) -print -quit)" ]; then
    (cd "$root" && cargo build -p storyweave-cli)
  fi
  export STORYWEAVE_BIN="$bin"
fi

exec npx --no-install playwright test "$@"
