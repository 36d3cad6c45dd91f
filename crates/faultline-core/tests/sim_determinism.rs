//! Same scenario, seed and actions ⇒ the same run, bit for bit; a different
//! seed gives different noise; a fine and a coarse tick agree.
//!
//! Tick tolerance: with a 100 ms and a 1 s tick the time-averaged indicators
//! of the same run agree within 1% (steady state) and the share of requests
//! lost to an outage within 2 points, because every rate is per second and
//! queues integrate over the tick; what differs is only how finely a change
//! is resolved in time.

mod common;

use common::*;
use faultline_core::scenario::Scenario;
use faultline_core::sim::{run_hash, Action, RetryPolicy, Sim};

fn bundled_run(seed: u64) -> u64 {
    let mut s = Scenario::bundled_steady_state().unwrap();
    s.duration_ms = 30 * 60_000;
    let mut sim = Sim::new(&s, seed).unwrap();
    sim.step_until(300_000);
    sim.apply(Action::Kill {
        component: "Redis_Messages".into(),
    })
    .unwrap();
    sim.apply(Action::SetTrafficMultiplier {
        multiplier: 2.0,
        ramp_s: 0.0,
    })
    .unwrap();
    sim.run_to_end();
    run_hash(sim.samples())
}

#[test]
fn same_seed_same_run_different_seed_different_noise() {
    let a = bundled_run(42);
    let b = bundled_run(42);
    let c = bundled_run(43);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

/// The reference run's hash is pinned: if this fails the model changed
/// (update `sim::reference::NATIVE_HASH` deliberately) or determinism broke.
/// The wasm32 build must produce the same value.
#[test]
fn reference_run_hash_is_pinned() {
    let h = faultline_core::sim::reference::run();
    println!("reference run_hash = {h:#018x}");
    assert_eq!(h, faultline_core::sim::reference::run());
    assert_eq!(
        h,
        faultline_core::sim::reference::NATIVE_HASH,
        "reference run_hash is now {h:#018x}"
    );
}

fn mean_sli(tick_ms: u64, f: impl Fn(&mut Sim)) -> (f64, f64) {
    let mut s = edge_api(10.0, 10.0);
    reads_only(&mut s, 500.0);
    s.client_retry = RetryPolicy::seed_fixed();
    for id in ["Edge", "Api"] {
        let p = s.params_mut(id).unwrap();
        p.deadline_ms = 2000.0;
        p.restart_ms = 10_000;
        p.restart_batch = 0.5;
    }
    s.tick_ms = tick_ms;
    s.sample_ms = 1000;
    let mut sim = Sim::new(&s, 1).unwrap();
    f(&mut sim);
    let n = sim.samples().len() as f64;
    let ok = sim.samples().iter().map(|x| x.sli.api_success).sum::<f64>() / n;
    let i = sim.topology().component_index("Api").unwrap();
    let lat = sim
        .samples()
        .iter()
        .map(|x| x.components[i].latency_ms)
        .sum::<f64>()
        / n;
    (ok, lat)
}

#[test]
fn fine_and_coarse_ticks_agree() {
    let steady = |sim: &mut Sim| sim.step_until(600_000);
    let (ok_c, lat_c) = mean_sli(1000, steady);
    let (ok_f, lat_f) = mean_sli(100, steady);
    assert!((ok_c - ok_f).abs() < 0.01);
    assert!((lat_c - lat_f).abs() < 0.01 * lat_f, "{lat_c} vs {lat_f}");
    let outage = |sim: &mut Sim| {
        sim.step_until(60_000);
        sim.apply(Action::Kill {
            component: "Api".into(),
        })
        .unwrap();
        sim.step_until(90_000);
        sim.apply(Action::Revive {
            component: "Api".into(),
        })
        .unwrap();
        sim.step_until(600_000);
    };
    let (ok_c, _) = mean_sli(1000, outage);
    let (ok_f, _) = mean_sli(100, outage);
    assert!(
        ok_c < 0.97 && ok_f < 0.97,
        "the outage shows: {ok_c} {ok_f}"
    );
    assert!((ok_c - ok_f).abs() < 0.02, "coarse {ok_c} vs fine {ok_f}");
}

#[test]
fn a_run_with_an_operators_actions_is_the_run_they_made() {
    let mut s = Scenario::bundled_steady_state().unwrap();
    s.duration_ms = 10 * 60_000;
    let kill = Action::Kill {
        component: "Redis_Sessions".into(),
    };
    // By hand: step to 2 minutes, kill, run on.
    let mut sim = Sim::new(&s, 3).unwrap();
    sim.step_until(120_000);
    sim.apply(kill.clone()).unwrap();
    sim.run_to_end();
    let by_hand = sim.samples().to_vec();
    let unknown = Action::Kill {
        component: "No_Such_Component".into(),
    };
    // The same from the log; an action the run refuses is skipped.
    let replayed = Sim::run_samples_with(&s, 3, &[(60_000, unknown), (120_000, kill)]).unwrap();
    assert_eq!(replayed, by_hand);
    assert_eq!(
        Sim::run_samples_with(&s, 3, &[]).unwrap(),
        Sim::run_samples(&s, 3).unwrap()
    );
    assert_ne!(replayed, Sim::run_samples(&s, 3).unwrap(), "the kill shows");
}
