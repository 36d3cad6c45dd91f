//! The public API: building, stepping, snapshots, actions and their errors.

use faultline_core::scenario::{simple_topology, OnFailure, Scenario};
use faultline_core::sim::{Action, ActionError, BreakerMode, KillSwitch, RetryPolicy, Sim};

fn small() -> Scenario {
    let t = simple_topology(
        &["Edge", "Api", "Db"],
        &[("Edge", "Api"), ("Api", "Db")],
        &[],
    );
    let mut s = Scenario::with_topology("small", t);
    s.traffic.users = 100_000.0;
    for p in &mut s.params {
        p.servers = 100.0;
    }
    s
}

#[test]
fn steps_snapshots_and_samples() {
    let s = small();
    let mut sim = Sim::new(&s, 7).unwrap();
    sim.step_until(60_000);
    assert_eq!(sim.now_ms(), 60_000);
    let snap = sim.snapshot();
    assert_eq!(snap.components.len(), 3);
    assert_eq!(snap.edges.len(), 2);
    assert!(snap.sli.api_success > 0.99, "{:?}", snap.sli);
    assert!(snap.components[2].throughput > 0.0);
    assert_eq!(sim.samples().len(), 6);
}

#[test]
fn actions_check_names_and_ranges() {
    let mut sim = Sim::new(&small(), 1).unwrap();
    assert_eq!(
        sim.apply(Action::Kill {
            component: "Nope".into()
        }),
        Err(ActionError::UnknownComponent("Nope".into()))
    );
    assert!(matches!(
        sim.apply(Action::Degrade {
            component: "Api".into(),
            capacity_fraction: 1.5
        }),
        Err(ActionError::OutOfRange { .. })
    ));
    assert!(matches!(
        sim.apply(Action::SetTrafficMultiplier {
            multiplier: f64::NAN,
            ramp_s: 0.0,
        }),
        Err(ActionError::OutOfRange { .. })
    ));
    assert!(matches!(
        sim.apply(Action::SetTrafficMultiplier {
            multiplier: 2.0,
            ramp_s: -5.0,
        }),
        Err(ActionError::OutOfRange {
            field: "ramp_s",
            ..
        })
    ));
    assert!(matches!(
        sim.apply(Action::SetBreaker {
            from: "Db".into(),
            to: "Edge".into(),
            mode: BreakerMode::ForceOpen
        }),
        Err(ActionError::UnknownEdge { .. })
    ));
    // A failure mode names an edge: an unknown component or a missing edge
    // is refused with the names, as partitions and breakers are.
    let mode = |from: &str, to: &str| Action::SetFailureMode {
        from: from.into(),
        to: to.into(),
        mode: OnFailure::Ignore,
    };
    let e = sim.apply(mode("Api", "Nope")).unwrap_err();
    assert_eq!(e, ActionError::UnknownComponent("Nope".into()));
    assert_eq!(e.to_string(), "unknown component `Nope`");
    let e = sim.apply(mode("Db", "Edge")).unwrap_err();
    assert_eq!(e.to_string(), "`Db` has no dependency on `Edge`");
    sim.apply(mode("Api", "Db")).unwrap();
    assert!(sim.events().iter().any(|e| e.message
        == "operator: Api → Db: failed calls now ignored (dropped; the caller carries on)"));
    // Back to the default, so the kill below fails the API's requests.
    sim.apply(Action::SetFailureMode {
        from: "Api".into(),
        to: "Db".into(),
        mode: OnFailure::Fail,
    })
    .unwrap();
    sim.apply(Action::SetKillSwitch {
        switch: KillSwitch::EnableReadOnlyMode,
        on: true,
    })
    .unwrap();
    sim.apply(Action::SetRetryPolicy {
        policy: RetryPolicy::seed_broken(),
        rollout_ms: 0.0,
    })
    .unwrap();
    sim.apply(Action::Kill {
        component: "Db".into(),
    })
    .unwrap();
    sim.step_until(30_000);
    let snap = sim.snapshot();
    assert!(snap.sli.api_success < 0.5);
    assert!(sim.events().iter().any(|e| e.message.contains("kill Db")));
    // Health events name a cause.
    let down = sim
        .events()
        .iter()
        .find(|e| e.message.starts_with("Db down"))
        .expect("Db down event");
    assert!(down.cause.is_some());
}

#[test]
fn a_kill_shows_in_the_snapshot_at_once_and_its_event_at_the_next_tick() {
    use faultline_core::sim::Health;
    let mut sim = Sim::new(&small(), 3).unwrap();
    sim.step_until(10_000);
    let db = 2;
    assert_eq!(sim.snapshot().components[db].health, Health::Healthy);
    sim.apply(Action::Kill {
        component: "Db".into(),
    })
    .unwrap();
    // A paused page shows the kill before the clock moves.
    assert_eq!(sim.snapshot().components[db].health, Health::Down);
    assert!(!sim
        .events()
        .iter()
        .any(|e| e.message.starts_with("Db down")));
    sim.step_until(11_000);
    assert!(sim
        .events()
        .iter()
        .any(|e| e.message.starts_with("Db down")));
    sim.apply(Action::Revive {
        component: "Db".into(),
    })
    .unwrap();
    sim.step_until(600_000);
    assert_ne!(sim.snapshot().components[db].health, Health::Down);
}

#[test]
fn scenario_errors_name_file_line_and_problem() {
    let text = "name = \"x\"\nduration = \"1h\"\n\n[params.Gateway_Primry]\nservers = 3\n\n[[at]]\nt = \"+5m\"\naction = { type = \"kill\", component = \"Nope\" }\n";
    let errs = Scenario::from_toml_str(text, "bad.toml").unwrap_err();
    let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert!(
        all.iter()
            .any(|e| e.starts_with("bad.toml:4:") && e.contains("did you mean `Gateway_Primary`")),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|e| e.starts_with("bad.toml:9:") && e.contains("unknown component `Nope`")),
        "{all:?}"
    );

    let errs =
        Scenario::from_toml_str("name = \"x\"\nduration = \"5 parsecs\"\n", "d.toml").unwrap_err();
    assert!(errs[0].to_string().starts_with("d.toml:2:"), "{errs:?}");

    let errs = Scenario::from_toml_str(
        "name = \"x\"\nduration = \"1h\"\n[[at]]\nt = 5\naction = { type = \"explode\" }\n",
        "a.toml",
    )
    .unwrap_err();
    assert!(errs[0].to_string().starts_with("a.toml:5:"), "{errs:?}");
}

#[test]
fn bundled_steady_state_parses_with_every_component_parameterised() {
    let s = Scenario::bundled_steady_state().unwrap();
    assert_eq!(s.params.len(), s.topology.components.len());
    assert_eq!(s.tick_ms, 1000);
    assert_eq!(s.duration_ms, 4 * 3_600_000);
    let pg = s.params_of("PostgreSQL_Main").unwrap();
    assert_eq!(pg.pool, 5000.0, "seed 001: 5K connection pool");
    assert_eq!(
        pg.bulkheads.len(),
        4,
        "seed 000: read/write/analytics/admin"
    );
}
