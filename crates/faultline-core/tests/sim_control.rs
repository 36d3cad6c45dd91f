//! Rate limits, bulkheads, kill switches, automatic triggers, degradation
//! modes, the control plane (monitoring, config, orchestrator), autoscaling
//! and rolling restarts.

mod common;

use common::*;
use faultline_core::scenario::{simple_topology, Autoscale, Compartment, Role, Scenario};
use faultline_core::sim::{
    Action, ActionError, BreakerMode, EventKind, Health, KillSwitch, RequestClass, Sim,
};

fn closed(s: &Scenario) -> Sim {
    let mut sim = Sim::new(s, 1).unwrap();
    for (f, t) in [("Edge", "Api"), ("Api", "Db")] {
        if sim.topology().component_index(t).is_some()
            && sim.topology().component_index(f).is_some()
        {
            let _ = sim.apply(Action::SetBreaker {
                from: f.into(),
                to: t.into(),
                mode: BreakerMode::ForceClosed,
            });
        }
    }
    sim
}

#[test]
fn rate_limits_answer_429_at_once_and_aggressive_mode_halves_them() {
    let mut s = edge_api(10.0, 10.0);
    reads_only(&mut s, 800.0);
    s.params_mut("Api").unwrap().rate_limit_per_server = 50.0; // 500 req/s
    let mut sim = closed(&s);
    sim.step_until(30_000);
    let v = sim.snapshot().sli;
    assert!((v.api_success - 500.0 / 800.0).abs() < 0.02, "{v:?}");
    assert!(v.api_latency_p95_ms < 200.0, "429s are fast: {v:?}");
    sim.apply(Action::SetKillSwitch {
        switch: KillSwitch::EnableAggressiveRateLimiting,
        on: true,
    })
    .unwrap();
    sim.step_until(60_000);
    let v = sim.snapshot().sli;
    assert!((v.api_success - 250.0 / 800.0).abs() < 0.02, "{v:?}");
}

#[test]
fn a_refusal_still_takes_the_round_trip_to_the_edge() {
    // Nearly everything refused with a 429: the p95 is a refusal's time,
    // which is the users' round trip to the edge, not 0 ms.
    let mut s = edge_api(10.0, 10.0);
    reads_only(&mut s, 800.0);
    s.params_mut("Edge").unwrap().base_latency_ms = 25.0;
    s.params_mut("Api").unwrap().rate_limit_per_server = 1.0; // 10 req/s
    let mut sim = closed(&s);
    sim.step_until(30_000);
    let v = sim.snapshot().sli;
    assert!(v.api_success < 0.05, "{v:?}");
    assert!((v.api_latency_p95_ms - 25.0).abs() < 1e-9, "{v:?}");
    // With the API down the same: refused at once, one round trip.
    sim.apply(Action::Kill {
        component: "Api".into(),
    })
    .unwrap();
    sim.step_until(40_000);
    let v = sim.snapshot().sli;
    assert_eq!(v.api_success, 0.0, "{v:?}");
    assert!((v.api_latency_p95_ms - 25.0).abs() < 1e-9, "{v:?}");
}

fn bulkheaded(split: bool) -> Sim {
    let t = simple_topology(
        &["Edge", "Api", "Db"],
        &[("Edge", "Api"), ("Api", "Db")],
        &[],
    );
    let mut s = Scenario::with_topology("bulkhead", t);
    reads_only(&mut s, 400.0);
    s.traffic.per_user.message_send = 2000.0 / 100_000.0; // a write flood
    for id in ["Edge", "Api", "Db"] {
        let p = s.params_mut(id).unwrap();
        p.servers = 100.0;
        p.service_ms = 1.0;
        p.deadline_ms = 2000.0;
    }
    let db = s.params_mut("Db").unwrap();
    db.servers = 20.0;
    db.service_ms = 10.0; // 2000 req/s for 2400 req/s of demand
    db.queue_limit = 50_000.0;
    if split {
        db.bulkheads = vec![
            Compartment {
                name: "read".into(),
                share: 0.6,
                classes: vec![RequestClass::MessageRead],
            },
            Compartment {
                name: "write".into(),
                share: 0.4,
                classes: vec![RequestClass::MessageSend],
            },
        ];
    }
    let mut sim = closed(&s);
    sim.step_until(120_000);
    sim
}

#[test]
fn bulkheads_keep_reads_alive_during_a_write_flood() {
    let shared = bulkheaded(false).snapshot().sli;
    let split = bulkheaded(true).snapshot().sli;
    // Shared pool: the write flood fills the one queue and reads time out with it.
    assert!(shared.api_success < 0.2, "{shared:?}");
    // Seed 000's split: reads have their own servers and queue.
    let reads_ok = split.api_success - split.delivery_rate * (2000.0 / 2400.0);
    assert!(
        reads_ok > 0.16,
        "reads should all succeed (400 of 2400): {split:?}"
    );
}

#[test]
fn read_only_mode_refuses_writes_without_retries() {
    let t = simple_topology(&["Edge", "Api"], &[("Edge", "Api")], &[]);
    let mut s = Scenario::with_topology("ro", t);
    reads_only(&mut s, 500.0);
    s.traffic.per_user.message_send = 100.0 / 100_000.0;
    s.client_retry = faultline_core::sim::RetryPolicy::seed_broken();
    for id in ["Edge", "Api"] {
        s.params_mut(id).unwrap().servers = 100.0;
    }
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.apply(Action::SetKillSwitch {
        switch: KillSwitch::EnableReadOnlyMode,
        on: true,
    })
    .unwrap();
    sim.step_until(60_000);
    let v = sim.snapshot().sli;
    assert_eq!(v.delivery_rate, 0.0);
    assert!((v.api_success - 500.0 / 600.0).abs() < 0.01, "{v:?}");
    assert!(v.retry_share < 1e-9, "refusals are final answers: {v:?}");
}

fn with_control() -> Scenario {
    let t = simple_topology(
        &["Edge", "Api", "Monitoring", "Config", "Orchestrator"],
        &[("Edge", "Api")],
        &[],
    );
    let mut s = Scenario::with_topology("control", t);
    reads_only(&mut s, 500.0);
    for id in ["Edge", "Api"] {
        let p = s.params_mut(id).unwrap();
        p.servers = 20.0;
        p.service_ms = 10.0;
        p.restart_ms = 5_000;
        p.restart_batch = 0.5;
    }
    s.params_mut("Monitoring").unwrap().role = Role::Monitoring;
    s.params_mut("Config").unwrap().role = Role::Config;
    s.params_mut("Orchestrator").unwrap().role = Role::Orchestrator;
    s
}

#[test]
fn monitoring_loss_blinds_the_dashboards() {
    let mut sim = closed(&with_control());
    sim.step_until(30_000);
    sim.apply(Action::Kill {
        component: "Monitoring".into(),
    })
    .unwrap();
    sim.step_until(40_000);
    sim.apply(Action::Kill {
        component: "Api".into(),
    })
    .unwrap();
    sim.step_until(60_000);
    let snap = sim.snapshot();
    assert!(snap.monitoring_blind);
    assert!(
        snap.sli_as_of_ms <= 31_000,
        "stale since the loss: {}",
        snap.sli_as_of_ms
    );
    assert!(
        snap.sli.api_success > 0.99,
        "the dashboard still shows the old figures"
    );
    assert!(
        snap.sli_true.api_success < 0.01,
        "while users see the outage"
    );
    // The map goes stale with the dashboards: Api still shows as last
    // seen, though the operators' own settings are current.
    let api = comp(&sim, &snap, "Api");
    assert_eq!(api.health, Health::Healthy, "{api:?}");
    assert!(api.servers > 0.0, "{api:?}");
    sim.apply(Action::SetQueueLimit {
        component: "Api".into(),
        limit: 123.0,
    })
    .unwrap();
    assert_eq!(comp(&sim, &sim.snapshot(), "Api").queue_limit, 123.0);
    // Monitoring back: the map catches up.
    sim.apply(Action::Revive {
        component: "Monitoring".into(),
    })
    .unwrap();
    sim.step_until(180_000);
    let snap = sim.snapshot();
    assert!(!snap.monitoring_blind);
    assert_eq!(comp(&sim, &snap, "Api").health, Health::Down);
}

#[test]
fn config_loss_blocks_flag_changes() {
    let mut sim = Sim::new(&with_control(), 1).unwrap();
    sim.apply(Action::Kill {
        component: "Config".into(),
    })
    .unwrap();
    sim.step();
    let r = sim.apply(Action::SetKillSwitch {
        switch: KillSwitch::DisableFileUploads,
        on: true,
    });
    assert_eq!(r, Err(ActionError::ConfigUnavailable));
    assert!(sim.snapshot().config_blocked);
}

/// The operator's kill, revive and rolling restart of `id`.
fn kill(sim: &mut Sim, id: &str) {
    sim.apply(Action::Kill {
        component: id.into(),
    })
    .unwrap();
}

fn revive(sim: &mut Sim, id: &str) {
    sim.apply(Action::Revive {
        component: id.into(),
    })
    .unwrap();
}

fn rolling_restart(sim: &mut Sim, id: &str) {
    sim.apply(Action::RollingRestart {
        component: id.into(),
    })
    .unwrap();
}

#[test]
fn orchestrator_loss_stops_restarts_until_it_returns() {
    let mut sim = closed(&with_control());
    kill(&mut sim, "Orchestrator");
    kill(&mut sim, "Api");
    sim.step_until(1000);
    assert!(
        !comp(&sim, &sim.snapshot(), "Api").waits_for_orchestrator,
        "killed: nothing is due to restart"
    );
    revive(&mut sim, "Api");
    sim.step_until(60_000);
    assert!(sim.snapshot().orchestrator_down);
    assert!(comp(&sim, &sim.snapshot(), "Api").waits_for_orchestrator);
    assert_eq!(
        comp(&sim, &sim.snapshot(), "Api").servers,
        0.0,
        "nobody reschedules the pods"
    );
    // The operator is told why the revive did nothing yet.
    let revive_event = sim
        .events()
        .iter()
        .position(|e| e.message == "operator: revive Api")
        .expect("the revive is logged");
    let note = waiting_notes(&sim);
    assert_eq!(note.len(), 1, "{note:?}");
    assert_eq!(
        note[0].message,
        "Api: its servers restart once the orchestrator is back (every orchestrator is down)"
    );
    assert_eq!(note[0].cause, Some(revive_event));
    revive(&mut sim, "Orchestrator");
    sim.step_until(200_000);
    assert_eq!(comp(&sim, &sim.snapshot(), "Api").servers, 20.0);
    assert!(sim.snapshot().sli.api_success > 0.99);
}

/// The log's notes that an order waits for the orchestrator.
fn waiting_notes(sim: &Sim) -> Vec<&faultline_core::sim::Event> {
    sim.events()
        .iter()
        .filter(|e| e.message.contains("once the orchestrator is back"))
        .collect()
}

#[test]
fn orders_for_the_orchestrator_wait_for_it_and_the_log_says_so() {
    let mut sim = closed(&with_control());
    kill(&mut sim, "Orchestrator");
    sim.step_until(1000);
    // A rolling restart and more servers, with nobody to carry them out.
    rolling_restart(&mut sim, "Api");
    sim.apply(Action::Scale {
        component: "Edge".into(),
        factor: 2.0,
        provision_ms: 10_000.0,
    })
    .unwrap();
    sim.step_until(60_000);
    let v = sim.snapshot();
    assert_eq!(comp(&sim, &v, "Api").servers, 20.0, "no batch taken out");
    assert_eq!(comp(&sim, &v, "Edge").servers, 20.0, "the order waits");
    assert!(comp(&sim, &v, "Api").waits_for_orchestrator);
    assert!(comp(&sim, &v, "Edge").waits_for_orchestrator);
    let notes: Vec<_> = waiting_notes(&sim)
        .iter()
        .map(|e| (e.component.clone().unwrap(), e.kind))
        .collect();
    assert_eq!(
        notes,
        [
            ("Api".to_string(), EventKind::Control),
            ("Edge".to_string(), EventKind::Control)
        ]
    );
    // Once it is back, both go ahead.
    revive(&mut sim, "Orchestrator");
    sim.step_until(300_000);
    assert!(!sim.snapshot().orchestrator_down);
    assert_eq!(
        comp(&sim, &sim.snapshot(), "Edge").servers,
        40.0,
        "the ordered servers"
    );
    assert!(sim
        .events()
        .iter()
        .any(|e| e.message == "Api: rolling restart complete"));
    assert_eq!(comp(&sim, &sim.snapshot(), "Api").servers, 20.0);
    assert!(!comp(&sim, &sim.snapshot(), "Api").waits_for_orchestrator);
}

#[test]
fn an_order_given_in_the_same_instant_as_the_orchestrators_kill_is_noted_too() {
    let mut sim = closed(&with_control());
    kill(&mut sim, "Orchestrator");
    kill(&mut sim, "Api");
    revive(&mut sim, "Api");
    assert_eq!(waiting_notes(&sim).len(), 1);
    assert!(
        comp(&sim, &sim.snapshot(), "Api").waits_for_orchestrator,
        "a paused run shows it waiting"
    );
    // Every action-time check reads the control plane the same way.
    assert!(matches!(
        sim.apply(Action::Deploy {
            component: "Api".into(),
            error_rate: 0.0,
            extra_ms: 0.0,
            strategy: None,
        }),
        Err(ActionError::Deploy(_))
    ));
    kill(&mut sim, "Config");
    assert_eq!(
        sim.apply(Action::SetKillSwitch {
            switch: KillSwitch::DisableFileUploads,
            on: true,
        }),
        Err(ActionError::ConfigUnavailable)
    );
}

#[test]
fn with_the_orchestrator_up_nothing_waits_and_no_note_is_logged() {
    let mut sim = closed(&with_control());
    kill(&mut sim, "Api");
    sim.step_until(1000);
    revive(&mut sim, "Api");
    rolling_restart(&mut sim, "Edge");
    sim.step_until(30_000);
    assert!(waiting_notes(&sim).is_empty());
    assert_eq!(comp(&sim, &sim.snapshot(), "Api").servers, 20.0);
}

#[test]
fn autoscaler_adds_capacity_after_its_delay() {
    let mut s = edge_api(10.0, 10.0);
    reads_only(&mut s, 850.0);
    s.params_mut("Api").unwrap().autoscale = Some(Autoscale {
        target: 0.7,
        after_ms: 60_000,
        step: 0.25,
        provision_ms: 120_000,
        max_factor: 2.0,
    });
    let mut sim = closed(&s);
    sim.step_until(179_000);
    assert_eq!(
        comp(&sim, &sim.snapshot(), "Api").servers,
        10.0,
        "not before 60 s + 120 s"
    );
    sim.step_until(182_000);
    assert_eq!(comp(&sim, &sim.snapshot(), "Api").servers, 12.5);
    assert!(sim.events().iter().any(|e| e.kind == EventKind::Autoscale));
    assert!(comp(&sim, &sim.snapshot(), "Api").utilisation < 0.7);
}

#[test]
fn rolling_restart_takes_batches_out_in_turn() {
    let mut s = edge_api(20.0, 10.0);
    reads_only(&mut s, 500.0);
    let a = s.params_mut("Api").unwrap();
    a.restart_ms = 30_000;
    a.restart_batch = 0.25;
    let mut sim = closed(&s);
    sim.step_until(10_000);
    sim.apply(Action::RollingRestart {
        component: "Api".into(),
    })
    .unwrap();
    sim.step_until(20_000);
    assert_eq!(comp(&sim, &sim.snapshot(), "Api").servers, 15.0);
    sim.step_until(140_000);
    assert!(sim
        .events()
        .iter()
        .any(|e| e.message.contains("rolling restart complete")));
    assert_eq!(comp(&sim, &sim.snapshot(), "Api").servers, 20.0);
}

/// Edge → Api of 20 servers whose instances restart in `restart_ms`, a
/// `batch` at a time (or the default share); and its configured error rate.
fn restartable_api(restart_ms: u64, batch: Option<f64>) -> (Scenario, f64) {
    let mut s = edge_api(20.0, 10.0);
    reads_only(&mut s, 100.0);
    let a = s.params_mut("Api").unwrap();
    a.restart_ms = restart_ms;
    if let Some(b) = batch {
        a.restart_batch = b;
    }
    let configured = a.base_error_rate;
    (s, configured)
}

/// Instances mishandle a failover (seed 003): 40% of Api's answers fail.
fn misbehave(sim: &mut Sim) {
    sim.apply(Action::SetErrorRate {
        component: "Api".into(),
        rate: 0.4,
    })
    .unwrap();
}

#[test]
fn a_rolling_restart_replaces_misbehaving_instances_batch_by_batch() {
    let (s, configured) = restartable_api(30_000, Some(0.25));
    let mut sim = closed(&s);
    misbehave(&mut sim);
    sim.step_until(60_000);
    let errors = |sim: &Sim| comp(sim, &sim.snapshot(), "Api").error_rate;
    assert!((errors(&sim) - 0.4).abs() < 0.02, "{}", errors(&sim));
    sim.apply(Action::RollingRestart {
        component: "Api".into(),
    })
    .unwrap();
    // After the first batch (30 s out), a quarter of the instances are new.
    sim.step_until(95_000);
    let after_one = errors(&sim);
    assert!((after_one - 0.3).abs() < 0.03, "{after_one}");
    sim.step_until(200_000);
    assert!(
        errors(&sim) <= configured + 0.005,
        "every instance restarted: {}",
        errors(&sim)
    );
    // A restart of healthy instances changes nothing.
    let mut calm = closed(&s);
    calm.apply(Action::RollingRestart {
        component: "Api".into(),
    })
    .unwrap();
    calm.step_until(200_000);
    assert!(errors(&calm) <= configured + 0.005);
}

#[test]
fn a_kill_and_revive_brings_back_fresh_instances_too() {
    let (s, configured) = restartable_api(10_000, None);
    let mut sim = closed(&s);
    misbehave(&mut sim);
    sim.step_until(30_000);
    for a in [
        Action::Kill {
            component: "Api".into(),
        },
        Action::Revive {
            component: "Api".into(),
        },
    ] {
        sim.apply(a).unwrap();
        sim.step();
    }
    sim.step_until(300_000);
    let snap = sim.snapshot();
    let api = comp(&sim, &snap, "Api");
    assert_eq!(api.servers, 20.0, "every server restarted");
    assert!(api.error_rate <= configured + 0.005, "{}", api.error_rate);
}

#[test]
fn sustained_errors_fire_the_error_rate_trigger() {
    let mut s = edge_api(10.0, 10.0);
    reads_only(&mut s, 500.0);
    let mut sim = closed(&s);
    sim.apply(Action::Degrade {
        component: "Api".into(),
        capacity_fraction: 0.3,
    })
    .unwrap();
    sim.step_until(200_000);
    let fired = sim
        .events()
        .iter()
        .position(|e| e.kind == EventKind::Trigger)
        .expect("trigger fired");
    assert!(sim.events()[fired].message.contains("Error rate > 5%"));
    assert!(sim.snapshot().kill_switches[KillSwitch::EnableAggressiveRateLimiting as usize].on);
    // And with the trigger disarmed, nothing fires.
    let mut sim = closed(&s);
    sim.apply(Action::SetAutoTrigger {
        trigger: faultline_core::sim::AutoTrigger::ErrorRate,
        enabled: false,
    })
    .unwrap();
    sim.apply(Action::Degrade {
        component: "Api".into(),
        capacity_fraction: 0.3,
    })
    .unwrap();
    sim.step_until(200_000);
    assert!(sim.events().iter().all(|e| e.kind != EventKind::Trigger));
}

#[test]
fn rate_and_queue_limits_and_class_multipliers_change_at_run_time() {
    let mut s = edge_api(10.0, 10.0);
    reads_only(&mut s, 800.0);
    s.params_mut("Api").unwrap().rate_limit_per_server = 50.0; // 500 req/s
    s.triggers = [false; 4];
    let mut sim = closed(&s);
    sim.step_until(30_000);
    assert!((sim.snapshot().sli.api_success - 0.625).abs() < 0.02);
    let limit = |sim: &Sim| comp(sim, &sim.snapshot(), "Api").rate_limit_per_server;
    assert_eq!(limit(&sim), 50.0, "the snapshot shows the configured limit");
    assert_eq!(
        comp(&sim, &sim.snapshot(), "Edge").rate_limit_per_server,
        0.0
    );
    // Seed 001, 17:05: quotas raised.
    sim.apply(Action::SetRateLimit {
        component: "Api".into(),
        per_server: 100.0,
    })
    .unwrap();
    assert_eq!(
        limit(&sim),
        100.0,
        "the snapshot shows the new limit at once"
    );
    sim.step_until(60_000);
    assert!(sim.snapshot().sli.api_success > 0.99);
    assert_eq!(limit(&sim), 100.0);
    // Only message reads flow here: tripling another class changes nothing,
    // tripling reads overloads the Api's 1000 req/s.
    sim.apply(Action::SetClassMultiplier {
        class: RequestClass::Search,
        multiplier: 3.0,
    })
    .unwrap();
    sim.step_until(90_000);
    let api = |sim: &Sim| comp(sim, &sim.snapshot(), "Api").arrivals;
    assert!((api(&sim) - 800.0).abs() < 40.0, "{}", api(&sim));
    sim.apply(Action::SetClassMultiplier {
        class: RequestClass::MessageRead,
        multiplier: 3.0,
    })
    .unwrap();
    sim.step_until(95_000);
    assert!((api(&sim) - 2400.0).abs() < 120.0, "{}", api(&sim));
    // A queue limit cut to 100 bounds the backlog at once.
    sim.apply(Action::SetQueueLimit {
        component: "Api".into(),
        limit: 100.0,
    })
    .unwrap();
    sim.step_until(96_000);
    assert!(comp(&sim, &sim.snapshot(), "Api").queue <= 100.0 + 1e-6);
    // A bad deploy: a share of answers fail at once.
    sim.apply(Action::SetQueueLimit {
        component: "Api".into(),
        limit: 10_000.0,
    })
    .unwrap();
    sim.apply(Action::SetClassMultiplier {
        class: RequestClass::MessageRead,
        multiplier: 1.0,
    })
    .unwrap();
    sim.apply(Action::SetErrorRate {
        component: "Api".into(),
        rate: 0.3,
    })
    .unwrap();
    sim.step_until(130_000);
    let v = sim.snapshot().sli;
    assert!((v.api_success - 0.7).abs() < 0.03, "{v:?}");
    assert!(sim
        .apply(Action::SetErrorRate {
            component: "Api".into(),
            rate: 1.5,
        })
        .is_err());
    // Out of range or unknown: refused.
    assert!(matches!(
        sim.apply(Action::SetRateLimit {
            component: "Nope".into(),
            per_server: 1.0
        }),
        Err(ActionError::UnknownComponent(_))
    ));
    assert!(matches!(
        sim.apply(Action::SetClassMultiplier {
            class: RequestClass::Upload,
            multiplier: -1.0
        }),
        Err(ActionError::OutOfRange { .. })
    ));
}

#[test]
fn database_query_time_with_no_query_reaching_a_database_is_what_one_would_take() {
    // Edge → Api → Db: the Db's queries take its 20 ms base plus 10 ms of
    // service. With the breaker in front of it forced open nothing reaches
    // it, and the dashboard shows what a query would take now, not 0 ms.
    let t = simple_topology(
        &["Edge", "Api", "Db"],
        &[("Edge", "Api"), ("Api", "Db")],
        &[],
    );
    let mut s = Scenario::with_topology("idle-db", t);
    reads_only(&mut s, 100.0);
    let db = s.params_mut("Db").unwrap();
    db.role = Role::Database;
    db.base_latency_ms = 20.0;
    db.service_ms = 10.0;
    let mut sim = closed(&s);
    sim.step_until(30_000);
    let busy = sim.snapshot().sli.db_query_ms;
    assert!((busy - 30.0).abs() < 2.0, "{busy}");
    sim.apply(Action::SetBreaker {
        from: "Api".into(),
        to: "Db".into(),
        mode: BreakerMode::ForceOpen,
    })
    .unwrap();
    sim.step_until(60_000);
    let v = sim.snapshot();
    assert_eq!(comp(&sim, &v, "Db").throughput, 0.0, "nothing reaches it");
    assert_eq!(v.sli.api_success, 0.0);
    let idle = v.sli.db_query_ms;
    assert!((idle - 30.0).abs() < 2.0, "{idle}");
}
