//! The log's causes: every line of a bundled scenario's log but its
//! actions names what led to it, back to one of the actions, so "how it
//! spread" and the log's chains never stop at a component that fell over
//! (or a breaker, failover or autoscaler that acted) for no stated reason. And the ways a cause is found when no failing dependency
//! is next to the component: errors passed on through a healthy service,
//! an overload made of retries, one trouble turning into another.

use faultline_core::scenario::library;
use faultline_core::sim::event::{cause_chain, trouble_roots};
use faultline_core::sim::{Event, EventKind, Sim};
use faultline_core::SourceError;

/// The log of bundled scenario `key` run to its end at `seed`.
fn log_of(key: &str, seed: u64) -> Vec<Event> {
    let s = library::load(key).unwrap_or_else(|e| panic!("{}", SourceError::join(&e, "\n")));
    let mut sim = Sim::new(&s, seed).unwrap();
    sim.run_to_end();
    sim.events().to_vec()
}

/// The first event of `log` about `component` whose message starts with
/// `prefix`.
fn find(log: &[Event], component: &str, prefix: &str) -> usize {
    log.iter()
        .position(|e| e.component.as_deref() == Some(component) && e.message.starts_with(prefix))
        .unwrap_or_else(|| panic!("no \"{prefix}…\" line for {component}"))
}

/// The lines in the logs of bundled scenarios `keys` (at seeds 1 and 2)
/// whose causes do not lead back to an action, in words.
fn untraced_lines(keys: &[&str]) -> Vec<String> {
    let mut failures = Vec::new();
    for &key in keys {
        for seed in [1, 2] {
            let log = log_of(key, seed);
            for (i, e) in log
                .iter()
                .enumerate()
                .filter(|(_, e)| e.kind != EventKind::Action)
            {
                let root = cause_chain(&log, i, usize::MAX, |_| false).first().copied();
                if !root.is_some_and(|r| log[r].kind == EventKind::Action) {
                    let root = root.map_or("nothing".into(), |r| log[r].message.clone());
                    failures.push(format!(
                        "{key} seed {seed}, {} ms: \"{}\" traces back to {root}",
                        e.t_ms, e.message
                    ));
                }
            }
        }
    }
    failures
}

#[test]
fn every_line_of_every_bundled_scenario_traces_back_to_an_action() {
    let keys: Vec<&str> = library::bundled().iter().map(|b| b.key).collect();
    // Two threads: the runs are independent and the machine has two cores.
    let (first, second) = keys.split_at(keys.len() / 2);
    let failures = std::thread::scope(|sc| {
        let other = sc.spawn(|| untraced_lines(first));
        let mut failures = untraced_lines(second);
        failures.extend(other.join().unwrap());
        failures
    });
    assert!(
        failures.is_empty(),
        "{} lines without an action behind them:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn errors_a_healthy_service_passes_on_blame_the_trouble_behind_it() {
    // Killing the permission cache fails Guilds' permission checks; the
    // sessions stay healthy but pass the failed guild lookups on to the
    // gateways, which blame Guilds, two calls down.
    let log = log_of("permission_cache_failure", 1);
    let gateway = find(&log, "Gateway_Primary", "Gateway Primary degraded");
    let cause = log[gateway]
        .cause
        .expect("the gateway's errors name a cause");
    assert_eq!(log[cause].component.as_deref(), Some("Guilds_Service"));
    let sessions = find(&log, "Sessions_Service", "Sessions degraded");
    assert!(gateway < sessions, "the sessions were still healthy then");
}

#[test]
fn an_overload_made_of_retries_says_so_and_blames_what_is_retried() {
    // Losing the ScyllaDB primary fails message sends at the API; the
    // clients retry them and double Push's load within a second, before
    // the retries amount to a storm.
    let log = log_of("scylla_failure_ladder", 1);
    let push = find(&log, "Push_Service", "Push overloaded");
    assert!(
        log[push].message.contains("of it retries"),
        "{}",
        log[push].message
    );
    let chain = cause_chain(&log, push, usize::MAX, |_| false);
    assert_eq!(log[chain[0]].message, "scenario: kill ScyllaDB Primary");
    assert!(
        chain
            .iter()
            .any(|&c| log[c].message.starts_with("Cloudflare US degraded")),
        "the retried requests fail at the edge: {:?}",
        chain.iter().map(|&c| &log[c].message).collect::<Vec<_>>()
    );
    let storm = log.iter().position(Event::begins_storm).unwrap();
    assert!(push < storm);
}

#[test]
fn a_trouble_turning_into_another_goes_on_from_the_first() {
    // Push's overload ends while its queue still makes it slow: the slow
    // spell has nothing new to blame and goes on from the overload.
    let log = log_of("permission_cache_failure", 1);
    let overload = find(&log, "Push_Service", "Push overloaded");
    let slow = find(&log, "Push_Service", "Push degraded: 0.0% errors");
    assert!(overload < slow);
    assert_eq!(log[slow].cause, Some(overload));
}

#[test]
fn servers_added_are_never_blamed_for_the_trouble_they_meet() {
    // The 2023 large-guild cascade: the responders scale the crashing
    // router at 19:55 while its failover is still going on. Everything
    // that went wrong traces back to the surge, none of it to the fix.
    let log = log_of("large_guild_cascade_2023", 1);
    let roots = trouble_roots(&log, |_| false);
    let said: Vec<&str> = roots
        .iter()
        .map(|r| log[r.event].message.as_str())
        .collect();
    assert_eq!(
        said,
        ["scenario: surge: Message Router 2 gets 2.5× its load over 4 min"]
    );
    assert!(log
        .iter()
        .any(|e| e.message == "scenario: scale Message Router 2 to 2.5× its servers"));
}
