//! Message delivery counts what reaches recipients now: a send accepted but
//! held in a session's buffer for a stalled dependency is not delivered yet.

mod common;

use common::reads_only;
use faultline_core::scenario::{simple_topology, OnFailure, Scenario};
use faultline_core::sim::{Action, RequestClass, Sim};

/// Api → Sessions → Presence; sessions buffer sends while presence fails.
fn sessions_on_presence() -> Scenario {
    let t = simple_topology(
        &["Api", "Sessions", "Presence"],
        &[("Api", "Sessions"), ("Sessions", "Presence")],
        &[],
    );
    let mut s = Scenario::with_topology("delivery", t);
    reads_only(&mut s, 0.0);
    s.traffic.per_user.message_send = 1000.0 / s.traffic.users;
    for id in ["Api", "Sessions", "Presence"] {
        let p = s.params_mut(id).unwrap();
        p.servers = 100.0;
        p.service_ms = 1.0;
    }
    let sessions = s.params_mut("Sessions").unwrap();
    sessions.memory_mb = 1e6;
    sessions.item_kb = 1.0;
    s.set_route(&common::route(
        "Sessions",
        "Presence",
        &[RequestClass::MessageSend],
        OnFailure::Buffer,
    ))
    .unwrap();
    s
}

#[test]
fn buffered_sends_are_accepted_but_not_delivered_until_the_buffer_is_let_go() {
    let mut sim = Sim::new(&sessions_on_presence(), 1).unwrap();
    sim.step_until(10_000);
    let before = sim.snapshot().sli;
    assert!(before.delivery_rate > 0.99, "{before:?}");
    sim.apply(Action::Kill {
        component: "Presence".into(),
    })
    .unwrap();
    sim.step_until(30_000);
    let stalled = sim.snapshot().sli;
    assert!(
        stalled.api_success > 0.99,
        "the send itself is accepted: {stalled:?}"
    );
    assert!(
        stalled.delivery_rate < 0.01,
        "but it sits in the session's buffer: {stalled:?}"
    );
    assert!(
        stalled.users_affected > 0.99 * 100_000.0,
        "users whose events are held are affected: {stalled:?}"
    );
    // Operators stop waiting for presence: sends go straight through.
    sim.apply(Action::SetFailureMode {
        from: "Sessions".into(),
        to: "Presence".into(),
        mode: OnFailure::Ignore,
    })
    .unwrap();
    sim.step_until(40_000);
    let ignored = sim.snapshot().sli;
    assert!(ignored.delivery_rate > 0.99, "{ignored:?}");
}
