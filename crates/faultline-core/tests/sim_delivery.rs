//! Message delivery counts messages that reach recipients now: a send
//! retried after a failure is delivered, a send accepted but held in a
//! session's buffer for a stalled dependency is not delivered yet.

mod common;

use common::reads_only;
use faultline_core::scenario::{simple_topology, OnFailure, Scenario};
use faultline_core::sim::{Action, Jitter, RequestClass, RetryPolicy, Sim};

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

/// The delivery rate a run settles at when one send attempt in five fails,
/// with the clients retrying by `policy`; and its API success.
fn settled_with_failing_sends(policy: RetryPolicy) -> (f64, f64) {
    let mut s = sessions_on_presence();
    s.client_retry = policy;
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.apply(Action::SetErrorRate {
        component: "Api".into(),
        rate: 0.2,
    })
    .unwrap();
    sim.step_until(120_000);
    let sli = sim.snapshot().sli;
    (sli.delivery_rate, sli.api_success)
}

#[test]
fn delivery_counts_messages_so_a_retried_send_is_delivered() {
    // Without retries every failed attempt is a lost message.
    let (delivered, api) = settled_with_failing_sends(RetryPolicy::none());
    assert!((0.75..0.85).contains(&delivered), "{delivered}");
    assert!((0.75..0.85).contains(&api), "{api}");
    // With three retries a message is lost only when all four attempts
    // fail (0.2^4 = 0.16%), though each attempt still fails one time in five.
    let (delivered, api) =
        settled_with_failing_sends(RetryPolicy::exponential(100, 1000, 4, Jitter::Full));
    assert!(delivered > 0.99, "{delivered}");
    assert!((0.75..0.85).contains(&api), "{api}");
}

#[test]
fn a_total_outage_delivers_nothing_while_its_failed_sends_wait_for_retries() {
    // The first seconds of an outage: every send fails and every failure
    // is retried, so no send has met its fate yet; none arrives either.
    let mut s = sessions_on_presence();
    s.client_retry = RetryPolicy::exponential(1000, 10_000, 4, Jitter::Full);
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(30_000);
    sim.apply(Action::Kill {
        component: "Api".into(),
    })
    .unwrap();
    for t in 1..=10 {
        sim.step_until(30_000 + t * 1000);
        let sli = sim.snapshot().sli;
        assert_eq!(sli.api_success, 0.0, "{t} s");
        assert_eq!(sli.delivery_rate, 0.0, "{t} s into the outage");
    }
}
