//! A slow tail (`slow_tail`): a small share of a database's queries much
//! slower moves the p99 and counts slow answers' users as affected, while
//! the mean, the success rate and the connection pool barely notice.

mod common;

use common::{comp, reads_only};
use faultline_core::scenario::{simple_topology, Scenario};
use faultline_core::sim::{Action, BreakerPreset, Sim};

/// Api → Db, sends only (the delivery p99 is the sends' p99), with plenty of
/// capacity everywhere.
fn api_on_db() -> Scenario {
    let t = simple_topology(&["Api", "Db"], &[("Api", "Db")], &[]);
    let mut s = Scenario::with_topology("tail", t);
    reads_only(&mut s, 0.0);
    s.traffic.per_user.message_send = 1000.0 / s.traffic.users;
    for id in ["Api", "Db"] {
        let p = s.params_mut(id).unwrap();
        p.servers = 100.0;
        p.service_ms = 5.0;
        p.base_latency_ms = 20.0;
    }
    s
}

fn tail(share: f64, ms: f64) -> Action {
    Action::SlowTail {
        component: "Db".into(),
        share,
        ms,
    }
}

#[test]
fn a_slow_tail_moves_the_p99_by_its_delay_once_its_share_passes_one_percent() {
    let mut sim = Sim::new(&api_on_db(), 1).unwrap();
    sim.step_until(10_000);
    let normal = sim.snapshot();
    let p99 = normal.sli.delivery_latency_p99_ms;
    let db_lat = comp(&sim, &normal, "Db").latency_ms;
    assert!(p99 > 40.0 && p99 < 200.0, "{:?}", normal.sli);

    // Half a percent of queries 1.5 s slower: under the p99's 1%.
    sim.apply(tail(0.005, 1500.0)).unwrap();
    sim.step_until(20_000);
    let few = sim.snapshot().sli;
    assert!(
        few.delivery_latency_p99_ms < p99 + 50.0,
        "p99 {p99} → {}",
        few.delivery_latency_p99_ms
    );

    // Three percent: the p99 is one of the slow ones, ~1.5 s later.
    sim.apply(tail(0.03, 1500.0)).unwrap();
    sim.step_until(30_000);
    let snap = sim.snapshot();
    let many = snap.sli;
    let rise = many.delivery_latency_p99_ms - p99;
    assert!(rise > 1400.0 && rise < 1600.0, "p99 {p99} → {many:?}");
    // The mean moves by share × delay only (45 ms), and nothing fails.
    let mean_rise = comp(&sim, &snap, "Db").latency_ms - db_lat;
    assert!(
        (mean_rise - 45.0).abs() < 5.0,
        "Db mean latency rose by {mean_rise} ms"
    );
    assert!(many.api_success > 0.99, "{many:?}");
    // Answers slower than a second count their users as affected: ~3%.
    let share = many.users_affected / 100_000.0;
    assert!((0.025..0.04).contains(&share), "{share} affected: {many:?}");
    assert!(
        normal.sli.users_affected / 100_000.0 < 0.005,
        "{:?}",
        normal.sli
    );

    // Removing it restores the normal p99.
    sim.apply(tail(0.0, 0.0)).unwrap();
    sim.step_until(40_000);
    let back = sim.snapshot().sli;
    assert!((back.delivery_latency_p99_ms - p99).abs() < 5.0, "{back:?}");
}

#[test]
fn the_message_load_p99_is_the_reads_p99() {
    // The same Api → Db, carrying message loads (reads) instead of sends.
    let mut s = api_on_db();
    reads_only(&mut s, 1000.0);
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(10_000);
    let normal = sim.snapshot().sli;
    let p99 = normal.message_load_p99_ms;
    assert!(p99 > 40.0 && p99 < 200.0, "{normal:?}");
    sim.apply(tail(0.03, 1500.0)).unwrap();
    sim.step_until(20_000);
    let slow = sim.snapshot().sli;
    let rise = slow.message_load_p99_ms - p99;
    assert!(rise > 1400.0 && rise < 1600.0, "p99 {p99} → {slow:?}");
    // No message was sent: the sends' p99 has nothing to show.
    assert_eq!(slow.delivery_latency_p99_ms, 0.0, "{slow:?}");
}

#[test]
fn a_tail_longer_than_the_deadline_times_out_instead() {
    let mut s = api_on_db();
    s.params_mut("Db").unwrap().deadline_ms = 1000.0;
    // No breaker: it would trip at these failures and cut more calls.
    s.breaker = BreakerPreset::None;
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.apply(tail(0.2, 5000.0)).unwrap();
    sim.step_until(10_000);
    let sli = sim.snapshot().sli;
    assert!(
        (sli.api_success - 0.8).abs() < 0.02,
        "a fifth of queries outlive the database's deadline: {sli:?}"
    );
}

#[test]
fn slow_tail_values_are_checked() {
    let mut sim = Sim::new(&api_on_db(), 1).unwrap();
    let e = sim.apply(tail(1.5, 100.0)).unwrap_err().to_string();
    assert!(e.contains("share"), "{e}");
    let e = sim.apply(tail(0.1, -1.0)).unwrap_err().to_string();
    assert!(e.contains("ms"), "{e}");
    let e = sim
        .apply(Action::SlowTail {
            component: "Nope".into(),
            share: 0.1,
            ms: 100.0,
        })
        .unwrap_err()
        .to_string();
    assert!(e.contains("Nope"), "{e}");
}

mod mixture {
    use faultline_core::sim::percentile::{quantile, share_slower_than, Refused, Tail};
    use proptest::prelude::*;

    proptest! {
        /// The two-mode quantile grows with q and with the tail, stays
        /// between the fixed part and the slow mode's own quantile, and is
        /// the inverse of `share_slower_than`.
        #[test]
        fn quantiles_of_the_mixture_are_consistent(
            fixed in 0.0f64..200.0,
            variable in 0.1f64..100.0,
            share in 0.0f64..0.5,
            ms in 0.0f64..5000.0,
            q in 0.5f64..0.999,
        ) {
            let tail = Tail { share, ms };
            let at = |q: f64| quantile(q, Refused::NONE, 1.0, fixed, variable, tail, 1e9);
            let p = at(q);
            prop_assert!(p >= fixed - 1e-9);
            prop_assert!(p <= fixed + ms + variable * (1.0 / (1.0 - q)).ln() + 1e-6);
            prop_assert!(at((q + 0.0005).min(0.9995)) >= p - 1e-6);
            let longer = quantile(q, Refused::NONE, 1.0, fixed, variable, Tail { share, ms: ms + 100.0 }, 1e9);
            prop_assert!(longer >= p - 1e-6);
            // share_slower_than(p) is 1 − q, up to the bisection's precision.
            let above = share_slower_than(p, fixed, variable, tail);
            prop_assert!((above - (1.0 - q)).abs() < 1e-6, "{} vs {}", above, 1.0 - q);
        }
    }
}
