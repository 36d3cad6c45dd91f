#!/usr/bin/env bash
# One command from a fresh machine to every test: installs whatever is missing,
# then runs formatting and lint checks, the native tests (core, CLI and the
# app's pure layout and chart code), the browser tests (wasm-bindgen-test in
# headless Chromium) and the end-to-end tests (Playwright driving Chromium
# against the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# wasm-bindgen-test-runner gives a whole browser test binary 20 s by default,
# not each test; the live suite takes ~18 s on two idle cores and timed out
# on a busy machine. Its tests stay fast; the limit is for a hung browser.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "lint (native core and CLI, wasm app)"
cargo clippy --locked -p faultline-core -p faultline-cli --all-targets -- -D warnings
cargo clippy --locked --target wasm32-unknown-unknown -p faultline-app --all-targets -- -D warnings

step "native tests (core, CLI)"
cargo test --locked -p faultline-core -p faultline-cli

# The app's pure parts (diagram layout geometry, chart series) have plain
# #[test]s: wasm-bindgen-test-runner skips those, so they run natively.
step "native unit tests of the app's pure parts (layout, chart series)"
cargo test --locked -p faultline-app --lib

step "browser tests (wasm-bindgen-test, headless Chromium)"
cargo test --locked --target wasm32-unknown-unknown -p faultline-app

step "release build"
trunk build --release

step "end-to-end tests (Playwright + Chromium against dist/)"
node --test tests/e2e/
