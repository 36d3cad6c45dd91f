//! Users who give up during an outage: affected while the platform would fail
//! them, away (not affected) once it works again.

use faultline_core::scenario::{library, Scenario};
use faultline_core::sim::{Action, Event, EventKind, Sim};

const GATEWAYS: [&str; 3] = ["Gateway_Primary", "Gateway_Secondary", "Gateway_EU"];

#[test]
fn users_who_gave_up_count_as_affected_only_while_the_outage_lasts() {
    let mut s = Scenario::bundled_steady_state().unwrap();
    // Users give up after a minute of failed reconnects and stay away for
    // half an hour on average, so many are still away after the repair.
    s.traffic.give_up_ms = 60_000.0;
    s.traffic.return_ms = 1_800_000.0;
    let mut sim = Sim::new(&s, 3).unwrap();
    sim.step_until(60_000);
    for g in GATEWAYS {
        sim.apply(Action::Kill {
            component: g.into(),
        })
        .unwrap();
    }
    sim.step_until(600_000);
    let during = sim.snapshot();
    let total = during.users.connected + during.users.reconnecting + during.users.offline;
    assert!(
        during.users.offline > 0.2 * total,
        "users give up while every gateway is down: {:?}",
        during.users
    );
    assert!(
        during.sli.users_affected > 0.95 * total,
        "everyone is affected while no gateway answers, those who gave up included: {} of {total}",
        during.sli.users_affected
    );
    for g in GATEWAYS {
        sim.apply(Action::Revive {
            component: g.into(),
        })
        .unwrap();
    }
    sim.step_until(900_000);
    let after = sim.snapshot();
    assert!(
        after.users.offline > 0.1 * total,
        "most who gave up have not come back five minutes after the repair: {:?}",
        after.users
    );
    assert!(
        after.sli.users_affected < 0.05 * total,
        "once the gateways answer, users who are away are not affected: {} of {total} ({:?})",
        after.sli.users_affected,
        after.users
    );
}

/// The steady state with Gateway EU killed at 19:05 and revived at 19:20,
/// the gateways' reconnect admission set to `admission` at the start if
/// given (the scenario's own is 250k/s): the worst share of users affected
/// while it is down, and the share ten minutes after it is back.
fn gateway_eu_lost(admission: Option<f64>) -> (f64, f64) {
    let mut s = Scenario::bundled_steady_state().unwrap();
    s.duration_ms = 30 * 60_000;
    if let Some(a) = admission {
        s.traffic.reconnect_admission = a;
    }
    let users = s.traffic.users;
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(5 * 60_000);
    sim.apply(Action::Kill {
        component: "Gateway_EU".into(),
    })
    .unwrap();
    sim.step_until(20 * 60_000);
    let worst = sim
        .samples()
        .iter()
        .map(|x| x.sli.users_affected)
        .fold(0.0, f64::max);
    sim.apply(Action::Revive {
        component: "Gateway_EU".into(),
    })
    .unwrap();
    sim.run_to_end();
    (worst / users, sim.snapshot().sli.users_affected / users)
}

/// Seed 000 gives Gateway EU "Regional isolation, blast radius 12.5%".
/// With the reconnect admission the platform has had since 2017 (seeds
/// 003 and 004), its users reconnect without a herd and the damage stays
/// near its region; without it, their reconnects overload a dependency
/// every session needs, the other regions' users drop too, and their own
/// reconnects keep it overloaded after the gateway is back.
#[test]
fn reconnect_admission_keeps_a_lost_gateway_to_its_region() {
    let (worst, after) = gateway_eu_lost(None);
    assert!((0.1..0.3).contains(&worst), "worst {worst}");
    assert!(after < 0.01, "ten minutes after the revive {after}");
    let (worst, after) = gateway_eu_lost(Some(0.0));
    assert!(worst > 0.9, "without admission, worst {worst}");
    assert!(after > 0.3, "without admission, after the revive {after}");
}

/// The log's `users` events of a run of bundled scenario `key` at seed 1,
/// with the whole log.
fn users_news(key: &str) -> (Vec<Event>, Vec<usize>) {
    let s = library::load(key).unwrap();
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.run_to_end();
    let events = sim.events().to_vec();
    let users = (0..events.len())
        .filter(|&i| events[i].kind == EventKind::Users)
        .collect();
    (events, users)
}

#[test]
fn the_log_tells_a_reconnect_herd_and_blames_the_overload_it_causes_on_it() {
    // July 2024: the surge overloads the gateways, the edges fail
    // heartbeats, users drop in every region and their reconnects overload
    // Guilds, which none of its dependencies explains.
    let (events, users) = users_news("gateway_overload_2024");
    let begins: Vec<&Event> = users
        .iter()
        .map(|&i| &events[i])
        .filter(|e| e.message.starts_with("Users losing their connections"))
        .collect();
    assert!(!begins.is_empty(), "no herd in the log");
    for e in &begins {
        assert!(
            e.message.contains("of heartbeats failing at Cloudflare"),
            "{}",
            e.message
        );
        let cause = &events[e.cause.expect("a herd names its cause")];
        assert_eq!(cause.kind, EventKind::Health, "{}", cause.message);
        assert!(cause.message.starts_with("Cloudflare"), "{}", cause.message);
    }
    assert_eq!(begins.len(), 1, "the regions drop together");
    assert!(
        begins[0].message.contains(" in every region ("),
        "{}",
        begins[0].message
    );
    let guilds = events
        .iter()
        .find(|e| e.component.as_deref() == Some("Guilds_Service") && e.kind == EventKind::Health)
        .unwrap();
    assert!(guilds.message.contains("overloaded"), "{}", guilds.message);
    let blamed = &events[guilds.cause.expect("the overload names a cause")];
    assert_eq!(
        blamed.kind,
        EventKind::Users,
        "Guilds blames {}",
        blamed.message
    );
    // Each region's herd ends once, after the 14:50 scaling, naming the
    // event that began it.
    let ends: Vec<usize> = users
        .iter()
        .copied()
        .filter(|&i| events[i].message.starts_with("Reconnect herd over"))
        .collect();
    for region in ["United States", "Europe", "Asia-Pacific", "Rest of world"] {
        assert_eq!(
            ends.iter()
                .filter(|&&i| events[i].message.contains(region)
                    || events[i].message.contains("every region"))
                .count(),
            1,
            "{region}'s herd ends once"
        );
    }
    for &i in &ends {
        assert!(events[i].t_ms > 30 * 60_000, "{}", events[i].message);
        let began = events[i].cause.expect("an end names its beginning");
        assert!(events[began]
            .message
            .starts_with("Users losing their connections"));
    }
}

#[test]
fn users_dropped_by_crashing_session_servers_blame_the_sessions() {
    // March 2017: Sessions servers run out of memory and take their users'
    // sockets down with them; heartbeats at the edges do not fail.
    let (events, users) = users_news("presence_herd_2017");
    let first = &events[users[0]];
    assert!(
        first
            .message
            .contains("Sessions servers crashed under them"),
        "{}",
        first.message
    );
    let cause = &events[first.cause.expect("the herd names its cause")];
    assert_eq!(
        cause.component.as_deref(),
        Some("Sessions_Service"),
        "{}",
        cause.message
    );
    // Every herd that begins also ends (the run closes calm), in turn.
    let mut going = false;
    for &i in &users {
        let begins = events[i].message.starts_with("Users losing");
        assert_ne!(begins, going, "herds alternate: {}", events[i].message);
        going = begins;
    }
    assert!(!going, "the last herd ended");
}

#[test]
fn a_calm_evening_has_no_herd() {
    let mut s = Scenario::bundled_steady_state().unwrap();
    s.duration_ms = 3_600_000;
    let mut sim = Sim::new(&s, 2).unwrap();
    sim.run_to_end();
    assert!(
        sim.events().iter().all(|e| e.kind != EventKind::Users),
        "{:?}",
        sim.events()
    );
}
