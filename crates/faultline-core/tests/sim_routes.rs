//! Load-balanced splits (`Route::split`): alternatives, not independent calls.

mod common;

use common::{read_route, reads_only};
use faultline_core::scenario::{simple_topology, Route, Scenario};
use faultline_core::sim::{Action, BreakerPreset, BreakerState, Jitter, RetryPolicy, Sim};

/// Edge → A and Edge → B, each carrying half of the reads, as a split when
/// `split` is set and as two independent optional calls when not.
fn two_backends(split: bool) -> Scenario {
    let t = simple_topology(&["Edge", "A", "B"], &[("Edge", "A"), ("Edge", "B")], &[]);
    let mut s = Scenario::with_topology("split", t);
    reads_only(&mut s, 1000.0);
    for id in ["Edge", "A", "B"] {
        let p = s.params_mut(id).unwrap();
        p.servers = 100.0;
        p.service_ms = 1.0;
    }
    for to in ["A", "B"] {
        let mut r = read_route("Edge", to);
        r.calls = 0.5;
        r.split = split.then(|| "backends".to_string());
        s.set_route(&r).unwrap();
    }
    s
}

fn success_after_killing(split: bool, dead: &[&str]) -> f64 {
    let mut sim = Sim::new(&two_backends(split), 1).unwrap();
    sim.step_until(10_000);
    for id in dead {
        sim.apply(Action::Kill {
            component: id.to_string(),
        })
        .unwrap();
    }
    sim.step_until(30_000);
    sim.snapshot().sli.api_success
}

#[test]
fn a_split_fails_a_request_only_when_the_member_it_took_fails() {
    // One member down: half the requests went to it, in both readings.
    let one = success_after_killing(true, &["A"]);
    assert!((one - 0.5).abs() < 0.02, "one of two down: {one}");
    // Both down: every request took a dead member.
    let both = success_after_killing(true, &["A", "B"]);
    assert!(both < 0.001, "both members down: {both}");
    // Without the split the two halves are independent optional calls, so a
    // quarter of requests call neither and succeed: what the split fixes.
    let independent = success_after_killing(false, &["A", "B"]);
    assert!(
        (independent - 0.25).abs() < 0.02,
        "independent calls: {independent}"
    );
}

#[test]
fn a_split_whose_shares_exceed_the_whole_is_refused() {
    let mut s = two_backends(true);
    let mut r = read_route("Edge", "A");
    r.calls = 0.7;
    r.split = Some("backends".into());
    s.set_route(&r).unwrap();
    let e = Sim::new(&s, 1).err().expect("shares 0.7 + 0.5 are refused");
    assert!(
        e.to_string().contains(
            "`Edge`: the shares of one split add up to 1.200 of its message_read requests"
        ),
        "{e}"
    );
}

/// A member of `two_backends`' split: half the requests, `users` of the users.
fn member(to: &str, users: Option<f64>) -> Route {
    let mut r = read_route("Edge", to);
    r.calls = 0.5;
    r.split = Some("backends".into());
    r.users = users;
    r
}

/// `two_backends` with its members' users shares: A takes `users_a` of the
/// users, B the rest, while each still takes half the requests.
fn two_backends_with_users(users_a: f64) -> Scenario {
    let mut s = two_backends(true);
    s.set_route(&member("A", Some(users_a))).unwrap();
    s.set_route(&member("B", Some(1.0 - users_a))).unwrap();
    s
}

/// Why the simulation refuses `s`, with B's route replaced by `b`.
fn refused_with(mut s: Scenario, b: Route) -> String {
    s.set_route(&b).unwrap();
    Sim::new(&s, 1).err().expect("refused").to_string()
}

/// API success and the share of users affected 20 s after `act` at 10 s.
fn after(s: &Scenario, act: Action) -> (f64, f64) {
    let mut sim = Sim::new(s, 1).unwrap();
    sim.step_until(10_000);
    sim.apply(act).unwrap();
    sim.step_until(30_000);
    let snap = sim.snapshot();
    (
        snap.sli.api_success,
        snap.sli.users_affected / s.traffic.users,
    )
}

fn kill(id: &str) -> Action {
    Action::Kill {
        component: id.to_string(),
    }
}

#[test]
fn a_failing_member_affects_its_own_users_not_its_share_of_requests() {
    // B takes half the requests but a tenth of the users.
    let s = two_backends_with_users(0.9);
    let (ok, affected) = after(&s, kill("B"));
    assert!(
        (ok - 0.5).abs() < 0.02,
        "half the requests still fail: {ok}"
    );
    assert!((affected - 0.1).abs() < 0.02, "B's users only: {affected}");
    let (_, affected) = after(&s, kill("A"));
    assert!((affected - 0.9).abs() < 0.02, "A's users: {affected}");
    // Without users shares, users follow requests: half are affected.
    let (_, affected) = after(&two_backends(true), kill("B"));
    assert!(
        (affected - 0.5).abs() < 0.02,
        "users follow requests: {affected}"
    );
}

#[test]
fn a_slow_member_affects_its_own_users_whole() {
    // Answers through B take 3 s more: slower than a user tolerates (1 s).
    let slow_b = Action::AddLatency {
        component: "B".into(),
        ms: 3000.0,
    };
    let (ok, affected) = after(&two_backends_with_users(0.9), slow_b.clone());
    assert!(ok > 0.99, "nothing fails: {ok}");
    assert!(
        (affected - 0.1).abs() < 0.02,
        "B's tenth of the users wait too long, and only they do: {affected}"
    );
    // Read by requests, the mean answer (1.5 s) is late for everyone.
    let (_, affected) = after(&two_backends(true), slow_b);
    assert!(affected > 0.9, "{affected}");
}

#[test]
fn users_shares_are_checked() {
    let e = refused_with(two_backends(true), member("B", Some(0.3)));
    assert!(
        e.contains(
            "either every member of a split gives its share of users, or none does (1 of 2 do)"
        ),
        "{e}"
    );
    let e = refused_with(two_backends_with_users(0.9), member("B", Some(0.3)));
    assert!(
        e.contains("the users shares of one split add up to 1.200 (at most 1)"),
        "{e}"
    );
    let mut r = read_route("Edge", "A");
    r.users = Some(0.5);
    let e = two_backends(false).set_route(&r).expect_err("no split");
    assert!(e.contains("this route has no split"), "{e}");
}

/// Edge → Api → A | B: the Api splits reads between A (40% of the
/// requests, 90% of the users) and B (60% of the requests, from 10% of
/// the users: a shard of busy guilds), `sharded` or not; clients retry
/// three times and every edge has Hystrix's breaker (50% failures).
fn sharded_backends(sharded: bool) -> Scenario {
    let t = simple_topology(
        &["Edge", "Api", "A", "B"],
        &[("Edge", "Api"), ("Api", "A"), ("Api", "B")],
        &[],
    );
    let mut s = Scenario::with_topology("shards", t);
    reads_only(&mut s, 1000.0);
    s.client_retry = RetryPolicy::exponential(1000, 8000, 4, Jitter::Full);
    s.breaker = BreakerPreset::Hystrix;
    for id in ["Edge", "Api", "A", "B"] {
        let p = s.params_mut(id).unwrap();
        p.servers = 100.0;
        p.service_ms = 1.0;
    }
    for (to, calls, users) in [("A", 0.4, 0.9), ("B", 0.6, 0.1)] {
        let mut r = read_route("Api", to);
        r.calls = calls;
        r.split = Some("shards".into());
        r.users = Some(users);
        r.sharded = sharded;
        s.set_route(&r).unwrap();
    }
    s
}

/// Two minutes after B is killed: API success, users affected (share),
/// retries' share of the attempts and the Edge → Api breaker's state.
fn shard_b_down(sharded: bool) -> (f64, f64, f64, BreakerState) {
    let s = sharded_backends(sharded);
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(10_000);
    sim.apply(kill("B")).unwrap();
    sim.step_until(130_000);
    let snap = sim.snapshot();
    let edge_api = sim.topology().dependency_index(0, 1).unwrap();
    (
        snap.sli.api_success,
        snap.sli.users_affected / s.traffic.users,
        snap.sli.retry_share,
        snap.edges[edge_api].breaker,
    )
}

#[test]
fn a_down_shard_is_unavailable_not_retried_and_trips_no_breaker_above_it() {
    let (ok, affected, retries, breaker) = shard_b_down(true);
    // B's 60% of the requests are answered "unavailable"; A's are fine.
    assert!((ok - 0.4).abs() < 0.02, "{ok}");
    assert!((affected - 0.1).abs() < 0.02, "B's users only: {affected}");
    assert!(retries < 0.01, "unavailable is not retried: {retries}");
    assert_eq!(breaker, BreakerState::Closed, "the edge does not judge it");
    // The same split unsharded: B's failures are retried, and 60% of the
    // Api's answers are failures, past Hystrix's 50%, so the breaker in
    // front of it opens and fails A's requests too.
    let (ok, affected, retries, breaker) = shard_b_down(false);
    assert!(retries > 0.2, "failures are retried: {retries}");
    assert_ne!(breaker, BreakerState::Closed);
    assert!(ok < 0.4, "{ok}");
    assert!(affected > 0.5, "every shard's users: {affected}");
}

#[test]
fn sharded_is_checked() {
    let mut r = read_route("Edge", "A");
    r.sharded = true;
    let e = two_backends(false).set_route(&r).expect_err("no split");
    assert!(
        e.contains("sharded describes a split (its members are shards); this route has no split"),
        "{e}"
    );
    let mut b = member("B", None);
    b.sharded = true;
    let e = refused_with(two_backends(true), b);
    assert!(
        e.contains("either every member of a split is sharded, or none is (1 of 2 are)"),
        "{e}"
    );
}
