#!/usr/bin/env bash
# Installs whatever Faultline's build and tests need and is missing on this
# machine. Idempotent: every step checks first, so a warm run takes seconds.
# Versions are pinned to what ../shared/TOOLCHAIN.md found to work together.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132.0.0
PLAYWRIGHT_VERSION=1.64.1
AXE_VERSION=4.14.1

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Trunk 0.22 needs a newer rustc than this machine has, so pin 0.21.
if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 5 minutes on 2 cores)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# The CLI must match the wasm-bindgen crate exactly; --locked fails for this
# version (its lock file names a crate the registry lacks), so it is left off.
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# Debian's Chromium; a test tool must never download its own browser here.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing chromium and chromium-driver from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# npm packages: wasm-opt 132 (Debian's 108 produces a blank page),
# playwright-core for the end-to-end tests and axe-core for their
# accessibility check. Installed into tools/node_modules.
if [ ! -x tools/node_modules/.bin/wasm-opt ] || [ ! -d tools/node_modules/playwright-core ] \
  || [ ! -f tools/node_modules/axe-core/axe.min.js ]; then
  say "installing npm tools (binaryen $BINARYEN_VERSION, playwright-core $PLAYWRIGHT_VERSION, axe-core $AXE_VERSION)"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --loglevel=error)
fi

# Trunk builds with offline = true, so the crate sources must be present.
if [ -f Cargo.lock ]; then
  cargo fetch --locked >/dev/null 2>&1 || cargo fetch
fi
say "all tools present"
