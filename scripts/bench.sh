#!/usr/bin/env bash
# Speed figures, printed (never asserted): the native core (`faultline bench`),
# and the same workload compiled to wasm32 in headless Chromium, with the
# browser-to-native ratio for each tick length, and the page's frame rate and
# per-frame work at full speed (tests/e2e/bench_fps.mjs), and the timeline's
# seek times (tests/e2e/bench_seek.mjs). Run after scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

native=$(cargo run --locked -q --profile bench-native -p faultline-cli -- bench)
echo "$native"

# The release profile is the one the page ships (size-optimised, +simd128).
browser=$(cargo test --locked --release --target wasm32-unknown-unknown -p faultline-app \
  --test determinism -- --include-ignored --nocapture bench_four_hours 2>&1 | grep 'browser-bench' || true)
[ -n "$browser" ] || { echo "bench: the browser benchmark printed nothing" >&2; exit 1; }

for tick in 1000 100; do
  n=$(printf '%s\n' "$native" | awk -v t="$tick" '$1=="tick" && $2==t {print $8}')
  b=$(printf '%s\n' "$browser" | sed -n "s/.*tick_ms=$tick four_hours_ms=\([0-9.]*\).*/\1/p")
  awk -v t="$tick" -v n="$n" -v b="$b" 'BEGIN {
    printf "tick %5d ms: browser 4 h in %9.2f ms | native %9.2f ms | browser speed = %.2f of native\n", t, b, n, n / b }'
done

# Frames per second of the release page playing the default scenario at full
# speed in headless Chromium (30 s per speed; tests/e2e/bench_fps.mjs says what
# each figure means). Builds dist/ unless FAULTLINE_DIST names a build.
if [ -z "${FAULTLINE_DIST:-}" ]; then
  trunk build --release >/dev/null
fi
fps=$(node tests/e2e/bench_fps.mjs 2>&1 | grep 'fps-bench' || true)
[ -n "$fps" ] || { echo "bench: the frame-rate benchmark printed nothing" >&2; exit 1; }
echo "$fps"

# The timeline: going forward, going back (a replay from t = 0) and one step
# back, from the slider's change to the next painted frame
# (tests/e2e/bench_seek.mjs).
seek=$(node tests/e2e/bench_seek.mjs 2>&1 | grep 'seek-bench' || true)
[ -n "$seek" ] || { echo "bench: the timeline benchmark printed nothing" >&2; exit 1; }
echo "$seek"
