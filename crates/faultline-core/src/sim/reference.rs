//! The reference run: one fixed scenario, seed and action log whose
//! [`run_hash`](super::run_hash()) must be the same on every platform.
//!
//! The native test suite checks [`run`] against [`NATIVE_HASH`]; a browser
//! test (wasm-bindgen-test in headless Chromium) checks the same, so a
//! difference between x86_64 and wasm32 arithmetic shows up as a failing
//! test rather than as two students seeing different runs. When the model
//! changes on purpose, update [`NATIVE_HASH`] to the value the native test
//! prints.

use crate::scenario::Scenario;

use super::{run_hash, Action, Sim};

/// `run_hash` of [`run`] as computed natively (x86_64).
pub const NATIVE_HASH: u64 = 0xf90b_9b25_fee3_9b30;

/// Thirty minutes of the bundled steady state at seed 7, with the hot message
/// cache killed at five minutes and traffic doubled, at ten minutes a surge
/// on the EU gateway building to 3x over two minutes, and at fifteen a bad
/// build of the API (5% errors, 100 ms slower) through the canary, which
/// rolls it back: queueing, cache misses, retries, breakers, a ramp, a
/// deploy's slow tail and noise all take part.
pub fn run() -> u64 {
    let Ok(mut s) = Scenario::bundled_steady_state() else {
        return 0;
    };
    s.duration_ms = 30 * 60_000;
    let Ok(mut sim) = Sim::new(&s, 7) else {
        return 0;
    };
    sim.step_until(300_000);
    let _ = sim.apply(Action::Kill {
        component: "Redis_Messages".into(),
    });
    let _ = sim.apply(Action::SetTrafficMultiplier {
        multiplier: 2.0,
        ramp_s: 0.0,
    });
    sim.step_until(600_000);
    let _ = sim.apply(Action::Surge {
        component: "Gateway_EU".into(),
        factor: 3.0,
        ramp_s: 120.0,
    });
    sim.step_until(900_000);
    let _ = sim.apply(Action::Deploy {
        component: "API_Gateway".into(),
        error_rate: 0.05,
        extra_ms: 100.0,
        strategy: Some(super::deploy::DeployStrategy::Canary),
    });
    sim.run_to_end();
    run_hash(sim.samples())
}
