//! Load-balanced splits (`Route::split`): alternatives, not independent calls.

mod common;

use common::{read_route, reads_only};
use faultline_core::scenario::{simple_topology, Scenario};
use faultline_core::sim::{Action, Sim};

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
