#!/usr/bin/env bash
# Installs what storyweave needs on a fresh machine, from the project's own files.
# Rust comes from rustup (rust-toolchain.toml pins nothing newer than stable); SQLite is built
# in (rusqlite's bundled feature), so there is no system library to install. The C compiler
# for SQLite and the Python used by bench/ are checked, and installed with apt where missing.
# The browser tests (tests/e2e) need Debian's chromium and Node.js with npm (apt where
# missing), then the pinned npm packages of tests/e2e (npm ci; Playwright downloads no
# browser of its own: the tests drive /usr/bin/chromium).
set -euo pipefail
need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-venv)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
  else
    echo "setup: please install: ${need_apt[*]}" >&2; exit 1
  fi
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: installing the Rust toolchain with rustup" >&2
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
# The browser tests' npm packages, exactly as locked; again only when the lock changed.
e2e="$(dirname "$0")/../tests/e2e"
if command -v npm >/dev/null 2>&1 && [ -f "$e2e/package-lock.json" ]; then
  if [ ! -d "$e2e/node_modules/@playwright/test" ] || [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
    (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
