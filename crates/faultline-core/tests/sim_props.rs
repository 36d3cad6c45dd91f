//! Invariants under random seeds and random action sequences: users are
//! conserved, no figure is NaN or negative, queues and memory stay within
//! their limits, nothing panics. The Api may hold sessions whose servers'
//! loads are spread (they crash node by node, dropping their users), and
//! its two dependencies may be a load-balanced split with users shares.

mod common;

use faultline_core::scenario::{simple_topology, OnFailure, Role, Scenario};
use faultline_core::sim::checkpoint::PER_RUN;
use faultline_core::sim::deploy::DeployStrategy;
use faultline_core::sim::event::cause_chain;
use faultline_core::sim::{
    Action, BreakerMode, Checkpoints, EventKind, KillSwitch, RequestClass, RetryPolicy, RunSpec,
    Sim,
};
use proptest::prelude::*;

const IDS: [&str; 4] = ["Edge", "Api", "Db", "Cache"];

/// The four-component platform; `spread` makes the Api a sessions fleet
/// with that load spread, `split_users` makes Api → Db and Api → Cache a
/// split (half the requests each) with those users shares.
fn scenario(spread: f64, split_users: Option<f64>) -> Scenario {
    let t = simple_topology(
        &IDS,
        &[("Edge", "Api"), ("Api", "Db"), ("Api", "Cache")],
        &[("Db", "Cache")],
    );
    let mut s = Scenario::with_topology("props", t);
    s.traffic.users = 200_000.0;
    s.traffic.noise = 0.1;
    for id in IDS {
        let p = s.params_mut(id).unwrap();
        p.servers = 20.0;
        p.service_ms = 5.0;
        p.deadline_ms = 3000.0;
        p.queue_limit = 20_000.0;
        p.restart_ms = 5000;
        p.memory_mb = 512.0;
        p.base_memory_mb = 256.0;
        p.item_kb = 64.0;
    }
    s.params_mut("Cache").unwrap().hit_rate = 0.8;
    s.params_mut("Db").unwrap().pool = 30.0;
    s.set_route(&common::route("Api", "Cache", &[], OnFailure::Buffer))
        .unwrap();
    if spread > 0.0 {
        let api = s.params_mut("Api").unwrap();
        api.role = Role::Sessions;
        api.memory_spread = spread;
    }
    if let Some(u) = split_users {
        for (to, users) in [("Db", u), ("Cache", 1.0 - u)] {
            let mut r = common::route("Api", to, &[], OnFailure::Fail);
            r.calls = 0.5;
            r.split = Some("backends".into());
            r.users = Some(users);
            s.set_route(&r).unwrap();
        }
    }
    s
}

fn action() -> impl Strategy<Value = Action> {
    let comp = proptest::sample::select(IDS.to_vec()).prop_map(String::from);
    prop_oneof![
        comp.clone()
            .prop_map(|component| Action::Kill { component }),
        comp.clone()
            .prop_map(|component| Action::Revive { component }),
        (comp.clone(), 0.01f64..1.0).prop_map(|(component, capacity_fraction)| Action::Degrade {
            component,
            capacity_fraction
        }),
        (comp.clone(), 0.0f64..5000.0)
            .prop_map(|(component, ms)| Action::AddLatency { component, ms }),
        (comp.clone(), 0.0f64..1.0, 0.0f64..60_000.0).prop_map(|(component, share, ms)| {
            Action::SlowTail {
                component,
                share,
                ms,
            }
        }),
        (
            comp.clone(),
            0.1f64..5.0,
            prop_oneof![Just(0.0), 0.0f64..600_000.0]
        )
            .prop_map(|(component, factor, provision_ms)| Action::Scale {
                component,
                factor,
                provision_ms,
            }),
        (
            comp.clone(),
            1.0f64..5.0,
            prop_oneof![Just(0.0), 0.0f64..600.0]
        )
            .prop_map(|(component, factor, ramp_s)| Action::Surge {
                component,
                factor,
                ramp_s,
            }),
        comp.clone()
            .prop_map(|component| Action::RollingRestart { component }),
        (comp.clone(), 0.0f64..1.0, 0.0f64..2000.0, any::<bool>()).prop_map(
            |(component, error_rate, extra_ms, canary)| Action::Deploy {
                component,
                error_rate,
                extra_ms,
                strategy: if canary {
                    Some(DeployStrategy::Canary)
                } else {
                    Some(DeployStrategy::Rolling)
                },
            }
        ),
        comp.clone()
            .prop_map(|component| Action::Rollback { component }),
        Just(Action::Partition {
            component: "Api".into(),
            dependency: "Db".into()
        }),
        Just(Action::Heal {
            component: "Api".into(),
            dependency: "Db".into()
        }),
        Just(Action::Partition {
            component: "Api".into(),
            dependency: "Cache".into()
        }),
        Just(Action::Heal {
            component: "Api".into(),
            dependency: "Cache".into()
        }),
        (
            proptest::sample::select(vec!["Db", "Cache"]),
            prop_oneof![
                Just(OnFailure::Fail),
                Just(OnFailure::Ignore),
                Just(OnFailure::Buffer)
            ]
        )
            .prop_map(|(to, mode)| Action::SetFailureMode {
                from: "Api".into(),
                to: to.into(),
                mode
            }),
        (0.0f64..20.0, prop_oneof![Just(0.0), 0.0f64..600.0])
            .prop_map(|(multiplier, ramp_s)| Action::SetTrafficMultiplier { multiplier, ramp_s }),
        (0.0f64..1.0).prop_map(|fraction| Action::ShedLoad { fraction }),
        prop_oneof![
            Just(RetryPolicy::none()),
            Just(RetryPolicy::seed_broken()),
            Just(RetryPolicy::seed_fixed())
        ]
        .prop_map(|policy| Action::SetRetryPolicy {
            policy,
            rollout_ms: 0.0,
        }),
        (
            proptest::sample::select(KillSwitch::ALL.to_vec()),
            any::<bool>()
        )
            .prop_map(|(switch, on)| Action::SetKillSwitch { switch, on }),
        prop_oneof![
            Just(BreakerMode::Auto),
            Just(BreakerMode::ForceOpen),
            Just(BreakerMode::ForceClosed)
        ]
        .prop_map(|mode| Action::SetBreaker {
            from: "Api".into(),
            to: "Db".into(),
            mode
        }),
        any::<bool>().prop_map(|disabled| Action::DisableMessageSending { disabled }),
        (0.0f64..10_000.0).prop_map(|per_second| Action::SetReconnectAdmission { per_second }),
        (comp.clone(), any::<bool>())
            .prop_map(|(component, on)| Action::SetDeadlineCheck { component, on }),
        (comp.clone(), 0.0f64..1000.0).prop_map(|(component, per_server)| {
            Action::SetRateLimit {
                component,
                per_server,
            }
        }),
        (comp.clone(), 0.0f64..0.99)
            .prop_map(|(component, rate)| Action::SetErrorRate { component, rate }),
        (comp, 0.0f64..100_000.0)
            .prop_map(|(component, limit)| Action::SetQueueLimit { component, limit }),
        (
            proptest::sample::select(RequestClass::ALL.to_vec()),
            0.0f64..20.0
        )
            .prop_map(|(class, multiplier)| Action::SetClassMultiplier { class, multiplier }),
    ]
}

fn finite(x: f64, what: &str) {
    assert!(x.is_finite() && x >= 0.0, "{what} = {x}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn invariants_hold(seed in any::<u64>(), tick in prop_oneof![Just(100u64), Just(1000u64)],
                       spread in prop_oneof![Just(0.0f64), 0.05f64..0.95],
                       split_users in proptest::option::of(0.0f64..1.0),
                       plan in proptest::collection::vec((1u64..60_000, action()), 0..12)) {
        let mut s = scenario(spread, split_users);
        s.tick_ms = tick;
        let total = s.traffic.users;
        let mut sim = Sim::new(&s, seed).unwrap();
        for (gap, a) in plan {
            let until = sim.now_ms() + gap;
            while sim.now_ms() < until {
                sim.step();
                let snap = sim.snapshot();
                let u = snap.users;
                finite(u.connected, "connected");
                finite(u.reconnecting, "reconnecting");
                finite(u.offline, "offline");
                prop_assert!(((u.connected + u.reconnecting + u.offline) - total).abs() < 1e-6 * total);
                for (i, c) in snap.components.iter().enumerate() {
                    for (x, n) in [(c.utilisation, "util"), (c.queue, "queue"), (c.memory_fraction, "mem"),
                                   (c.error_rate, "err"), (c.throughput, "tput"), (c.capacity, "cap"),
                                   (c.arrivals, "arr"), (c.latency_ms, "lat"), (c.servers, "servers"),
                                   (c.hit_rate, "hit"), (c.pool_in_use, "pool")] {
                        finite(x, &format!("{} {n}", IDS[i]));
                    }
                    prop_assert!(c.queue <= c.queue_limit * (1.0 + 1e-9) + 1e-6, "{} queue {} > {}", IDS[i], c.queue, c.queue_limit);
                    prop_assert!(c.memory_fraction <= 1.0);
                    prop_assert!(c.utilisation <= 1.0 + 1e-9);
                    prop_assert!(c.error_rate <= 1.0 + 1e-9);
                }
                for e in &snap.edges {
                    finite(e.traffic, "edge traffic");
                    finite(e.error_rate, "edge error");
                    finite(e.held, "held");
                }
                let v = snap.sli;
                for x in [v.api_success, v.api_latency_p95_ms, v.ws_connect_rate, v.voice_success, v.delivery_rate,
                          v.delivery_latency_p99_ms, v.message_load_p99_ms, v.db_query_ms, v.users_affected, v.request_rate, v.retry_share] {
                    finite(x, "sli");
                }
                prop_assert!(v.api_success <= 1.0 + 1e-9);
                prop_assert!(v.users_affected <= total * (1.0 + 1e-9), "{} affected of {total}", v.users_affected);
            }
            let _ = sim.apply(a);
        }
    }
}

/// Steps `sim` to `t_ms` applying the operator's `actions` (in time order)
/// at their times, as the page's replay does (each after stepping to its
/// time; a refused one is skipped), offering checkpoints on the way if any.
fn replay(sim: &mut Sim, actions: &[(u64, Action)], t_ms: u64, mut cps: Option<&mut Checkpoints>) {
    for (t, a) in actions {
        match cps.as_deref_mut() {
            Some(c) => c.step_until(sim, *t),
            None => sim.step_until(*t),
        }
        let _ = sim.apply(a.clone());
    }
    match cps {
        Some(c) => c.step_until(sim, t_ms),
        None => sim.step_until(t_ms),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// Going back through a checkpoint is going back by a replay from
    /// t = 0, bit for bit, for the run that kept the checkpoints (`variant`
    /// 0) and for runs that differ from it (1: one of its actions dropped;
    /// 2: another seed), which a checkpoint either refuses or serves
    /// exactly; going forward again with the run left behind is too; and
    /// the two go on alike to the end.
    #[test]
    fn a_run_resumed_from_a_checkpoint_is_the_run_replayed(
        seed in any::<u64>(), tick in prop_oneof![Just(100u64), Just(1000u64)],
        times in proptest::collection::vec(0u64..600_000, 0..8),
        plan in proptest::collection::vec(action(), 8),
        back in 1u64..600_000, forward in 0.0f64..1.0, variant in 0u8..3,
        drop in any::<proptest::sample::Index>()) {
        let mut s = scenario(0.0, None);
        s.tick_ms = tick;
        s.duration_ms = 600_000;
        let mut times = times;
        times.sort_unstable();
        let actions: Vec<(u64, Action)> = times.into_iter().zip(plan).collect();
        let mut history = Sim::new(&s, seed).unwrap();
        let mut cps = Checkpoints::for_scenario(&s, s.sample_ms);
        replay(&mut history, &actions, s.duration_ms, Some(&mut cps));
        // One on each multiple of `every_ms` (the end's included), which is
        // 1/PER_RUN of the run rounded up to the sample interval.
        prop_assert_eq!(cps.len() as u64, s.duration_ms / cps.every_ms());
        prop_assert!(cps.every_ms() < s.duration_ms / PER_RUN + s.sample_ms);

        // The run to go back in: the history's accepted actions, changed
        // as `variant` says.
        let mut run = history.operator_actions().to_vec();
        let run_seed = if variant == 2 { seed ^ 1 } else { seed };
        if variant == 1 && !run.is_empty() {
            run.remove(drop.index(run.len()));
        }
        let done: Vec<(u64, Action)> = run.iter().filter(|(t, _)| *t <= back).cloned().collect();
        let mut fresh = Sim::new(&s, run_seed).unwrap();
        replay(&mut fresh, &done, back, None);
        match cps.resume(&history, RunSpec::new(&s, run_seed, &done), back) {
            Some((mut resumed, applied)) => {
                prop_assert!(variant != 2, "a checkpoint served a run of another seed");
                replay(&mut resumed, &done[applied..], back, None);
                prop_assert_eq!(resumed.now_ms(), fresh.now_ms());
                prop_assert!(resumed.snapshot() == fresh.snapshot(), "snapshots differ at {}", back);
                prop_assert!(resumed.events() == fresh.events(), "event logs differ");
                prop_assert!(resumed.samples() == fresh.samples(), "samples differ");
                // Forward again to `ahead` with the history left behind:
                // the run that kept the checkpoints jumps there, a changed
                // one at most to where it agrees with it.
                let ahead = back + ((s.duration_ms - back) as f64 * forward) as u64;
                let upto: Vec<(u64, Action)> = run.iter().filter(|(t, _)| *t <= ahead).cloned().collect();
                let mut fresh_ahead = Sim::new(&s, run_seed).unwrap();
                replay(&mut fresh_ahead, &upto, ahead, None);
                cps.leave(history, back);
                if let Some((mut jumped, n)) = cps.resume(&resumed, RunSpec::new(&s, run_seed, &upto), ahead) {
                    prop_assert!(variant != 0 || jumped.now_ms() + cps.every_ms() > ahead);
                    replay(&mut jumped, &upto[n..], ahead, None);
                    prop_assert!(jumped.snapshot() == fresh_ahead.snapshot(), "forward again: snapshots differ at {}", ahead);
                    prop_assert!(jumped.samples() == fresh_ahead.samples(), "forward again: samples differ");
                    prop_assert!(jumped.events() == fresh_ahead.events(), "forward again: event logs differ");
                }
                resumed.run_to_end();
                fresh.run_to_end();
                prop_assert!(resumed.samples() == fresh.samples(), "the runs part after {}", back);
            }
            None => prop_assert!(variant != 0 || back < cps.every_ms(),
                "no checkpoint served the run that kept them, at {} (every {} ms)", back, cps.every_ms()),
        }
    }
}

/// Found by `invariants_hold` (its minimal case): a bad build's errors on
/// top of instances already misbehaving (`set_error_rate`) once summed past
/// 1 and made an indicator negative; they combine as independent failures.
#[test]
fn a_bad_build_on_misbehaving_instances_fails_at_most_everything() {
    let mut s = scenario(0.0, Some(0.0));
    s.tick_ms = 100;
    let mut sim = Sim::new(&s, 0).unwrap();
    let plan = [
        (
            21_001,
            Action::Deploy {
                component: "Edge".into(),
                error_rate: 0.8965,
                extra_ms: 0.0,
                strategy: Some(DeployStrategy::Rolling),
            },
        ),
        (
            31_101,
            Action::SetErrorRate {
                component: "Edge".into(),
                rate: 0.2637,
            },
        ),
        (
            52_401,
            Action::RollingRestart {
                component: "Api".into(),
            },
        ),
        (
            45_501,
            Action::Kill {
                component: "Edge".into(),
            },
        ),
    ];
    for (gap, a) in plan {
        let until = sim.now_ms() + gap;
        while sim.now_ms() < until {
            sim.step();
            let v = sim.snapshot().sli;
            for x in [
                v.api_success,
                v.delivery_rate,
                v.users_affected,
                v.retry_share,
            ] {
                assert!(x.is_finite() && x >= 0.0, "{v:?}");
            }
            assert!(sim.snapshot().components[0].error_rate <= 1.0 + 1e-9);
        }
        sim.apply(a).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// The platform is calm until acted on, so every line of the log but
    /// the actions names a cause that leads back to one of them, whatever
    /// they were (the bundled scenarios' version of this is in
    /// `sim_causes`).
    #[test]
    fn every_line_traces_back_to_an_action(seed in any::<u64>(), tick in prop_oneof![Just(100u64), Just(1000u64)],
                       spread in prop_oneof![Just(0.0f64), 0.05f64..0.95],
                       split_users in proptest::option::of(0.0f64..1.0),
                       plan in proptest::collection::vec((1u64..60_000, action()), 0..12)) {
        let mut s = scenario(spread, split_users);
        s.tick_ms = tick;
        // Headroom enough that nothing is in trouble until acted on.
        for id in IDS {
            s.params_mut(id).unwrap().servers = 200.0;
        }
        s.params_mut("Db").unwrap().pool = 300.0;
        let mut sim = Sim::new(&s, seed).unwrap();
        for (gap, a) in plan {
            sim.step_until(sim.now_ms() + gap);
            let _ = sim.apply(a);
        }
        sim.step_until(sim.now_ms() + 60_000);
        let log = sim.events();
        for (i, e) in log.iter().enumerate().filter(|(_, e)| e.kind != EventKind::Action) {
            let root = cause_chain(log, i, usize::MAX, |_| false).first().copied();
            prop_assert!(root.is_some_and(|r| log[r].kind == EventKind::Action),
                "\"{}\" at {} ms traces back to {:?}; the log:\n{}",
                e.message, e.t_ms, root.map(|r| &log[r].message), listing(log));
        }
    }
}

/// The log one event a line, with each event's index and cause.
fn listing(log: &[faultline_core::sim::Event]) -> String {
    let line = |(i, e): (usize, &faultline_core::sim::Event)| {
        format!(
            "{i}: {} ms {:?} {} <- {:?}",
            e.t_ms, e.kind, e.message, e.cause
        )
    };
    log.iter()
        .enumerate()
        .map(line)
        .collect::<Vec<_>>()
        .join("\n")
}
