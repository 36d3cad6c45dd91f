//! The public API: building, stepping, snapshots, actions and their errors.

use faultline_core::scenario::{simple_topology, Scenario};
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
            multiplier: f64::NAN
        }),
        Err(ActionError::OutOfRange { .. })
    ));
    assert!(matches!(
        sim.apply(Action::SetBreaker {
            from: "Db".into(),
            to: "Edge".into(),
            mode: BreakerMode::ForceOpen
        }),
        Err(ActionError::UnknownEdge { .. })
    ));
    sim.apply(Action::SetKillSwitch {
        switch: KillSwitch::EnableReadOnlyMode,
        on: true,
    })
    .unwrap();
    sim.apply(Action::SetRetryPolicy {
        policy: RetryPolicy::seed_broken(),
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
