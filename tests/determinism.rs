//! The simulation core compiled to wasm32 and run in headless Chromium must
//! reproduce the native run bit for bit, and this is where the browser's
//! speed is measured against the native bench.
//!
//! `reference_run_matches_native_hash` runs with every `scripts/test.sh`.
//! `bench_four_hours` is ignored by default; `scripts/bench.sh` runs it with
//! `--include-ignored` and prints the browser-to-native ratio.

#![cfg(target_arch = "wasm32")]

use faultline_core::sim::{reference, Sim};
use faultline_core::Scenario;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn reference_run_matches_native_hash() {
    let hash = reference::run();
    assert_eq!(
        hash,
        reference::NATIVE_HASH,
        "wasm32 run hash {hash:#018x} differs from the native {:#018x}",
        reference::NATIVE_HASH
    );
}

#[wasm_bindgen_test]
fn same_seed_twice_gives_the_same_samples_in_the_browser() {
    let mut s = Scenario::bundled_steady_state().expect("bundled scenario loads");
    s.duration_ms = 10 * 60_000;
    let run = |seed| {
        let mut sim = Sim::new(&s, seed).expect("sim builds");
        sim.run_to_end();
        faultline_core::sim::run_hash(sim.samples())
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4), "a different seed must give different noise");
}

/// Four simulated hours of the full topology, timed with `performance.now()`,
/// best of three after a warm-up (the first run after page load is slower
/// while the engine warms up). Same workload as `faultline bench`.
#[wasm_bindgen_test]
#[ignore]
fn bench_four_hours() {
    const FOUR_HOURS_MS: u64 = 4 * 3_600_000;
    let perf = web_sys::window()
        .expect("window")
        .performance()
        .expect("performance");
    for tick_ms in [1_000u64, 100] {
        let mut s = Scenario::bundled_steady_state().expect("bundled scenario loads");
        s.tick_ms = tick_ms;
        s.duration_ms = FOUR_HOURS_MS;
        let mut best = f64::INFINITY;
        for rep in 0..4 {
            let mut sim = Sim::new(&s, 1).expect("sim builds");
            let t0 = perf.now();
            sim.step_until(FOUR_HOURS_MS);
            let ms = perf.now() - t0;
            if rep > 0 {
                best = best.min(ms);
            }
        }
        console_log!("browser-bench tick_ms={tick_ms} four_hours_ms={best:.1}");
    }
}
