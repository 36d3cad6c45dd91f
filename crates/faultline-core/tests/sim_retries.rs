//! Retry storms: metastable overload, recovery with capped or budgeted
//! retries, shedding, and synchronised waves without jitter.

mod common;

use common::*;
use faultline_core::scenario::Scenario;
use faultline_core::sim::{Action, BreakerMode, EventKind, Jitter, RetryBudget, RetryPolicy, Sim};

/// Api of 1000 req/s at 40% load; clients give up after 2 s; a 3× spike for
/// a minute at t = 60 s.
fn spiky(policy: RetryPolicy) -> Scenario {
    let mut s = edge_api(10.0, 10.0);
    reads_only(&mut s, 400.0);
    for id in ["Api", "Edge"] {
        let p = s.params_mut(id).unwrap();
        p.deadline_ms = 2000.0;
    }
    s.params_mut("Api").unwrap().queue_limit = 20_000.0;
    s.client_retry = policy;
    s
}

/// The breaker is held closed so that only the retry mechanism acts.
fn start(s: &Scenario) -> Sim {
    let mut sim = Sim::new(s, 1).unwrap();
    sim.apply(Action::SetBreaker {
        from: "Edge".into(),
        to: "Api".into(),
        mode: BreakerMode::ForceClosed,
    })
    .unwrap();
    sim
}

fn run_spike(policy: RetryPolicy, minutes_after: u64) -> Sim {
    let s = spiky(policy);
    let mut sim = start(&s);
    sim.step_until(60_000);
    sim.apply(Action::SetTrafficMultiplier {
        multiplier: 3.0,
        ramp_s: 0.0,
    })
    .unwrap();
    sim.step_until(120_000);
    sim.apply(Action::SetTrafficMultiplier {
        multiplier: 1.0,
        ramp_s: 0.0,
    })
    .unwrap();
    sim.step_until(120_000 + minutes_after * 60_000);
    sim
}

#[test]
fn aggressive_retries_keep_the_system_overloaded_after_the_spike() {
    let sim = run_spike(RetryPolicy::seed_broken(), 10);
    let snap = sim.snapshot();
    // Ten minutes after the trigger is gone, the load is back to half the
    // capacity, yet nearly nothing succeeds: retries of timed-out requests
    // keep the queue full and servers busy with work nobody waits for.
    assert!(snap.sli.api_success < 0.2, "{:?}", snap.sli);
    let api = comp(&sim, &snap, "Api");
    assert!(api.utilisation > 0.99);
    assert!(snap.sli.retry_share > 0.5, "{:?}", snap.sli);
}

#[test]
fn capped_or_budgeted_retries_recover_after_the_same_spike() {
    let capped = RetryPolicy {
        max_attempts: 2,
        ..RetryPolicy::exponential(1000, 60_000, 2, Jitter::Full)
    };
    let budget = RetryPolicy {
        budget: Some(RetryBudget {
            ratio: 0.1,
            max_tokens: 1000.0,
        }),
        ..RetryPolicy::seed_broken()
    };
    for p in [capped, budget, RetryPolicy::none()] {
        let sim = run_spike(p, 10);
        let snap = sim.snapshot();
        assert!(snap.sli.api_success > 0.99, "{p:?}: {:?}", snap.sli);
        assert!(comp(&sim, &snap, "Api").utilisation < 0.7);
    }
}

#[test]
fn shedding_load_ends_the_metastable_state() {
    let mut sim = run_spike(RetryPolicy::seed_broken(), 5);
    assert!(sim.snapshot().sli.api_success < 0.2);
    // Shed 90% of requests at the edge for two minutes, then stop shedding.
    let t = sim.now_ms();
    sim.apply(Action::ShedLoad { fraction: 0.9 }).unwrap();
    sim.step_until(t + 120_000);
    sim.apply(Action::ShedLoad { fraction: 0.0 }).unwrap();
    sim.step_until(t + 600_000);
    let snap = sim.snapshot();
    assert!(snap.sli.api_success > 0.99, "{:?}", snap.sli);
}

/// The snapshot tells how much of a component's load is retries: none
/// before the spike, most of it while the storm outlives the spike, none
/// at all without retries.
#[test]
fn the_snapshot_tells_the_retries_in_a_components_load() {
    let api_retries = |sim: &Sim| comp(sim, &sim.snapshot(), "Api").retry_share;
    let s = spiky(RetryPolicy::seed_broken());
    let mut sim = start(&s);
    sim.step_until(50_000);
    assert!(api_retries(&sim) < 0.01, "calm: {}", api_retries(&sim));
    let storm = run_spike(RetryPolicy::seed_broken(), 5);
    let share = api_retries(&storm);
    assert!(share > 0.5, "the storm after the spike: {share}");
    let snap = storm.snapshot();
    let api = comp(&storm, &snap, "Api");
    // Users ask for 400 req/s again; their retries are many times that.
    let retried = api.arrivals * share;
    assert!(retried > 5.0 * 400.0, "retries at {retried} req/s");
    let none = run_spike(RetryPolicy::none(), 0);
    assert_eq!(api_retries(&none), 0.0);
}

/// The log's `retries` events of `sim`, by index.
fn storm_news(sim: &Sim) -> Vec<usize> {
    (0..sim.events().len())
        .filter(|&i| sim.events()[i].kind == EventKind::Retries)
        .collect()
}

#[test]
fn the_log_tells_the_storm_its_cause_and_when_shedding_ends_it() {
    let mut sim = run_spike(RetryPolicy::seed_broken(), 5);
    let t = sim.now_ms();
    sim.apply(Action::ShedLoad { fraction: 0.9 }).unwrap();
    sim.step_until(t + 120_000);
    sim.apply(Action::ShedLoad { fraction: 0.0 }).unwrap();
    sim.step_until(t + 600_000);
    let events = sim.events();
    let news = storm_news(&sim);
    assert_eq!(news.len(), 2, "{news:?}");
    let (began, over) = (&events[news[0]], &events[news[1]]);
    assert!(
        began
            .message
            .starts_with("Retry storm: the clients' retries are"),
        "{}",
        began.message
    );
    assert!(
        (60_000..120_000).contains(&began.t_ms),
        "during the spike: {began:?}"
    );
    // Its cause chain goes back to the spike: the trouble the retried
    // requests met, and what brought that.
    let mut chain = Vec::new();
    let mut cause = began.cause;
    while let Some(c) = cause {
        chain.push(events[c].message.as_str());
        cause = events[c].cause;
    }
    assert!(
        chain
            .last()
            .is_some_and(|m| m.starts_with("operator: traffic × 3")),
        "{chain:?}"
    );
    assert!(
        over.message.starts_with("Retry storm over after"),
        "{}",
        over.message
    );
    assert_eq!(over.cause, Some(news[0]));
    assert!(
        over.t_ms > t,
        "the storm outlived the spike and ended with the shedding"
    );
    // Without retries there is no storm; with capped ones it dies down
    // within minutes of the spike, without anyone shedding.
    assert!(storm_news(&run_spike(RetryPolicy::none(), 10)).is_empty());
    let capped = RetryPolicy {
        max_attempts: 2,
        ..RetryPolicy::exponential(1000, 60_000, 2, Jitter::Full)
    };
    let calmed = run_spike(capped, 10);
    let news = storm_news(&calmed);
    assert_eq!(news.len() % 2, 0, "every storm is over");
    assert!(news
        .iter()
        .all(|&i| calmed.events()[i].t_ms < 120_000 + 5 * 60_000));
}

/// Dropping expired work and serving the newest requests first (adaptive
/// LIFO with deadline checks, as the SRE book's "Handling Overload" and
/// Facebook's queueing advice recommend) turns the same storm into a
/// recovery: fresh requests succeed, so retries die out.
#[test]
fn lifo_with_deadline_checks_recovers_from_the_same_storm() {
    let mut s = spiky(RetryPolicy::seed_broken());
    let a = s.params_mut("Api").unwrap();
    a.deadline_check = true;
    a.discipline = faultline_core::scenario::Discipline::Lifo;
    let mut sim = start(&s);
    sim.step_until(60_000);
    sim.apply(Action::SetTrafficMultiplier {
        multiplier: 3.0,
        ramp_s: 0.0,
    })
    .unwrap();
    sim.step_until(120_000);
    sim.apply(Action::SetTrafficMultiplier {
        multiplier: 1.0,
        ramp_s: 0.0,
    })
    .unwrap();
    sim.step_until(720_000);
    assert!(
        sim.snapshot().sli.api_success > 0.99,
        "{:?}",
        sim.snapshot().sli
    );
}

/// A 1 s outage of the Api at 90% load, then back at full capacity with a
/// small queue: the requests of that second all failed together.
fn outage(jitter: Jitter) -> (f64, f64, Vec<f64>) {
    let mut s = edge_api(10.0, 10.0);
    reads_only(&mut s, 900.0);
    s.tick_ms = 100;
    s.sample_ms = 100;
    let a = s.params_mut("Api").unwrap();
    a.queue_limit = 100.0;
    a.restart_ms = 100;
    a.restart_batch = 1.0;
    s.client_retry = RetryPolicy::exponential(4000, 64_000, 6, jitter);
    let mut sim = start(&s);
    sim.step_until(10_000);
    sim.apply(Action::Kill {
        component: "Api".into(),
    })
    .unwrap();
    sim.step_until(11_000);
    sim.apply(Action::Revive {
        component: "Api".into(),
    })
    .unwrap();
    sim.step_until(90_000);
    let rates: Vec<f64> = sim.samples().iter().map(|x| x.sli.request_rate).collect();
    let peak = rates[110..].iter().cloned().fold(0.0, f64::max);
    let total: f64 = rates.iter().map(|r| r * 0.1).sum();
    (peak, total, rates)
}

#[test]
fn retries_without_jitter_come_back_in_waves_and_full_jitter_flattens_them() {
    let (peak_none, total_none, rates) = outage(Jitter::None);
    let (peak_full, total_full, _) = outage(Jitter::Full);
    // Waves: blocks of doubled arrivals at the retry instants (4, 12, 28 s
    // after the outage) separated by quiet stretches at the 900/s baseline.
    let high: Vec<bool> = rates[110..600].iter().map(|&r| r > 1.3 * 900.0).collect();
    let waves = high.windows(2).filter(|w| !w[0] && w[1]).count();
    assert!(
        waves >= 2,
        "expected separate retry waves, got {waves}: {:?}",
        &rates[100..400]
    );
    assert!(
        peak_full < 0.75 * peak_none,
        "peak {peak_full} vs {peak_none}"
    );
    assert!(
        total_full < total_none,
        "attempts {total_full} vs {total_none}"
    );
}

/// Retries per second while half the Api's answers fail, at `at_ms`, after
/// the clients are told at 60 s to stop retrying, over `rollout_ms`.
fn retries_after_fix(rollout_ms: f64, at_ms: u64) -> f64 {
    let mut s = edge_api(100.0, 1.0);
    reads_only(&mut s, 400.0);
    s.client_retry = RetryPolicy::seed_broken();
    let mut sim = start(&s);
    sim.apply(Action::SetErrorRate {
        component: "Api".into(),
        rate: 0.5,
    })
    .unwrap();
    sim.step_until(60_000);
    sim.apply(Action::SetRetryPolicy {
        policy: RetryPolicy::none(),
        rollout_ms,
    })
    .unwrap();
    sim.step_until(at_ms);
    let sli = sim.snapshot().sli;
    sli.request_rate * sli.retry_share
}

#[test]
fn a_client_fix_that_rolls_out_slowly_leaves_the_old_clients_retrying() {
    let before = retries_after_fix(0.0, 59_000);
    assert!(
        before > 200.0,
        "the broken clients retry half the failures: {before}"
    );
    // At once: nobody retries any more.
    let at_once = retries_after_fix(0.0, 90_000);
    assert!(at_once < 1.0, "{at_once}");
    // Over a 2-minute rollout: a minute in, ~61% of clients still retry.
    let rolling = retries_after_fix(120_000.0, 120_000);
    let share = rolling / before;
    assert!((0.45..0.75).contains(&share), "{share} of the retries left");
    // Ten time constants later it has reached nearly everyone.
    let done = retries_after_fix(120_000.0, 60_000 + 1_200_000);
    assert!(done < 0.01 * before, "{done}");
}

#[test]
fn a_rollout_longer_than_a_week_is_refused() {
    let mut sim = start(&spiky(RetryPolicy::none()));
    let e = sim
        .apply(Action::SetRetryPolicy {
            policy: RetryPolicy::none(),
            rollout_ms: 1e12,
        })
        .unwrap_err()
        .to_string();
    assert!(e.contains("rollout_ms"), "{e}");
}

#[test]
fn the_snapshot_says_how_far_a_rollout_has_reached() {
    let mut sim = start(&spiky(RetryPolicy::seed_broken()));
    sim.step_until(10_000);
    assert_eq!(sim.snapshot().retry_policy_adoption, 1.0);
    sim.apply(Action::SetRetryPolicy {
        policy: RetryPolicy::none(),
        rollout_ms: 120_000.0,
    })
    .unwrap();
    sim.step_until(70_000);
    let reached = sim.snapshot().retry_policy_adoption;
    // 1 − e^(−60/120) ≈ 39%.
    assert!((reached - 0.393).abs() < 0.01, "{reached}");
    sim.step_until(10_000 + 1_200_000);
    assert_eq!(sim.snapshot().retry_policy_adoption, 1.0);
}

#[test]
fn the_2017_failovers_retries_are_a_storm_that_the_overloads_name() {
    // October 2017: half the API's answers are errors from 14:01; the
    // clients' retries of them overload Push, Guilds and the routers near
    // their evening peak, in the tick the storm begins.
    let s = faultline_core::scenario::library::load("redis_failover_2017").unwrap();
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(10 * 60_000);
    let events = sim.events();
    let news = storm_news(&sim);
    assert_eq!(news.len(), 1, "the storm is still going at 14:05");
    let guilds = events
        .iter()
        .find(|e| e.component.as_deref() == Some("Guilds_Service") && e.kind == EventKind::Health)
        .expect("Guilds overloaded");
    assert!(guilds.message.contains("overloaded"), "{}", guilds.message);
    assert_eq!(guilds.cause, Some(news[0]), "{guilds:?}");
    assert_eq!(guilds.t_ms, events[news[0]].t_ms, "in the same tick");
}
