//! Breakers, caches, session buffers, reconnect herds and failovers, each
//! driven only by a trigger; everything after it comes from the mechanisms.

mod common;

use common::*;
use faultline_core::scenario::{simple_topology, CacheKind, OnFailure, Role, Scenario};
use faultline_core::sim::{
    Action, BreakerMode, BreakerPreset, BreakerState, EventKind, RequestClass, Sim,
};

fn api_db() -> Scenario {
    let t = simple_topology(
        &["Edge", "Api", "Db"],
        &[("Edge", "Api"), ("Api", "Db")],
        &[],
    );
    let mut s = Scenario::with_topology("api-db", t);
    reads_only(&mut s, 500.0);
    for id in ["Edge", "Api", "Db"] {
        let p = s.params_mut(id).unwrap();
        p.servers = 20.0;
        p.service_ms = 10.0;
        p.deadline_ms = 2000.0;
        p.restart_ms = 1000;
        p.restart_batch = 1.0;
    }
    s
}

#[test]
fn breaker_opens_rejects_probes_and_closes() {
    let s = api_db();
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(30_000);
    sim.apply(Action::Kill {
        component: "Db".into(),
    })
    .unwrap();
    sim.step_until(35_000);
    let snap = sim.snapshot();
    assert_eq!(snap.edges[1].breaker, BreakerState::Open);
    // While open the database sees no calls at all: rejected at the caller.
    assert_eq!(comp(&sim, &snap, "Db").arrivals, 0.0);
    let opened = sim
        .events()
        .iter()
        .find(|e| e.message.contains("Api → Db opened"))
        .unwrap()
        .t_ms;
    assert!(opened <= 32_000, "opened at {opened}");
    // 30 s later it probes; the database is still dead, so it reopens.
    sim.step_until(opened + 31_000);
    let ev: Vec<_> = sim
        .events()
        .iter()
        .filter(|e| e.kind == EventKind::Breaker)
        .map(|e| (e.t_ms, e.message.clone()))
        .collect();
    assert!(
        ev.iter()
            .any(|(t, m)| m.contains("half-open") && *t == opened + 30_000),
        "{ev:?}"
    );
    assert!(ev.iter().any(|(_, m)| m.contains("reopened")), "{ev:?}");
    // Bring the database back: the next probes succeed and the breaker closes.
    sim.apply(Action::Revive {
        component: "Db".into(),
    })
    .unwrap();
    sim.step_until(opened + 95_000);
    let ev: Vec<_> = sim
        .events()
        .iter()
        .filter(|e| e.kind == EventKind::Breaker)
        .map(|e| e.message.clone())
        .collect();
    assert!(ev.last().unwrap().contains("closed"), "{ev:?}");
    assert_eq!(sim.snapshot().edges[1].breaker, BreakerState::Closed);
    assert!(sim.snapshot().sli.api_success > 0.99);
    // The breaker event names the database's failure as its cause.
    let b = sim
        .events()
        .iter()
        .find(|e| e.message.contains("Api → Db opened"))
        .unwrap();
    let cause = &sim.events()[b.cause.expect("cause")];
    assert_eq!(cause.component.as_deref(), Some("Db"));
}

/// Api reads through a cache with hit rate 0.9 in front of a database.
fn cached(kind: CacheKind, pool: f64) -> Scenario {
    let t = simple_topology(
        &["Edge", "Api", "Cache", "Db"],
        &[("Edge", "Api"), ("Api", "Cache"), ("Api", "Db")],
        &[],
    );
    let mut s = Scenario::with_topology("cache", t);
    reads_only(&mut s, 1000.0);
    for id in ["Edge", "Api", "Cache", "Db"] {
        let p = s.params_mut(id).unwrap();
        p.servers = 100.0;
        p.service_ms = 1.0;
        p.deadline_ms = 1000.0;
        p.restart_ms = 1000;
        p.restart_batch = 1.0;
    }
    let c = s.params_mut("Cache").unwrap();
    c.hit_rate = 0.9;
    c.cache_kind = kind;
    c.warm_ms = 60_000.0;
    let d = s.params_mut("Db").unwrap();
    d.servers = 15.0;
    d.service_ms = 20.0; // 750 req/s: 13% busy with 100 misses/s, overloaded by 1000/s
    d.pool = pool;
    d.role = Role::Database;
    d.queue_limit = 5000.0;
    let mut r = read_route("Api", "Db");
    r.miss_of = Some("Cache".into());
    s.set_route(&r).unwrap();
    // A failed cache read is just a miss.
    let mut c = read_route("Api", "Cache");
    c.on_failure = OnFailure::Ignore;
    s.set_route(&c).unwrap();
    s
}

/// Users keep calling the Api whatever happens (the edge's breaker is held
/// closed), so only the Api → Db breaker decides.
fn cached_sim(s: &Scenario) -> Sim {
    let mut sim = Sim::new(s, 1).unwrap();
    sim.apply(Action::SetBreaker {
        from: "Edge".into(),
        to: "Api".into(),
        mode: BreakerMode::ForceClosed,
    })
    .unwrap();
    sim
}

#[test]
fn losing_a_cache_multiplies_database_load_by_one_over_one_minus_h() {
    let s = cached(CacheKind::LookAside, 0.0);
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(20_000);
    let before = comp(&sim, &sim.snapshot(), "Db").arrivals;
    sim.apply(Action::SetBreaker {
        from: "Api".into(),
        to: "Db".into(),
        mode: faultline_core::sim::BreakerMode::ForceClosed,
    })
    .unwrap();
    sim.apply(Action::Kill {
        component: "Cache".into(),
    })
    .unwrap();
    sim.step_until(22_000);
    let after = comp(&sim, &sim.snapshot(), "Db").arrivals;
    let ratio = after / before;
    assert!(
        (ratio - 10.0).abs() < 0.5,
        "×{ratio} (expected 1/(1−0.9) = 10)"
    );
}

#[test]
fn a_lost_cache_exhausts_the_pool_unless_the_breaker_sheds() {
    let run = |mode| {
        let s = cached(CacheKind::LookAside, 15.0);
        let mut sim = cached_sim(&s);
        sim.step_until(20_000);
        assert!(comp(&sim, &sim.snapshot(), "Db").pool_in_use < 0.2);
        sim.apply(Action::SetBreaker {
            from: "Api".into(),
            to: "Db".into(),
            mode,
        })
        .unwrap();
        sim.apply(Action::Kill {
            component: "Cache".into(),
        })
        .unwrap();
        sim.step_until(80_000);
        sim
    };
    use faultline_core::sim::BreakerMode;
    let held = run(BreakerMode::ForceClosed);
    let snap = held.snapshot();
    let db = comp(&held, &snap, "Db");
    assert!(db.pool_in_use > 0.99, "pool {}", db.pool_in_use);
    assert!(db.error_rate > 0.5, "db errors {}", db.error_rate);
    // With the seed's breaker the database's callers stop calling it: the
    // database survives (low utilisation) while reads fail fast.
    let auto = run(BreakerMode::Auto);
    let snap = auto.snapshot();
    assert!(auto
        .events()
        .iter()
        .any(|e| e.message.contains("Api → Db opened")));
    assert!(comp(&auto, &snap, "Db").arrivals < 0.5 * comp(&held, &held.snapshot(), "Db").arrivals);
}

#[test]
fn look_aside_cache_stays_cold_under_load_read_through_refills() {
    let run = |kind| {
        let s = cached(kind, 0.0);
        let mut sim = cached_sim(&s);
        sim.apply(Action::SetBreaker {
            from: "Api".into(),
            to: "Db".into(),
            mode: faultline_core::sim::BreakerMode::ForceClosed,
        })
        .unwrap();
        sim.step_until(20_000);
        sim.apply(Action::Kill {
            component: "Cache".into(),
        })
        .unwrap();
        sim.step_until(40_000);
        sim.apply(Action::Revive {
            component: "Cache".into(),
        })
        .unwrap();
        sim.step_until(600_000);
        let snap = sim.snapshot();
        (
            comp(&sim, &snap, "Cache").hit_rate,
            snap.sli.api_success,
            sim.events().to_vec(),
        )
    };
    let (h_la, ok_la, log_la) = run(CacheKind::LookAside);
    let (h_rt, ok_rt, log_rt) = run(CacheKind::ReadThrough);
    assert!(h_la < 0.1, "look-aside refilled to {h_la}");
    assert!(ok_la < 0.5);
    assert!(h_rt > 0.85, "read-through only at {h_rt}");
    assert!(ok_rt > 0.99);
    // The log: both went cold when the cache died; only the read-through
    // one says it is warm again, naming when it went cold.
    let news = |log: &[faultline_core::sim::Event]| -> Vec<usize> {
        (0..log.len())
            .filter(|&i| log[i].kind == EventKind::Cache)
            .collect()
    };
    for log in [&log_la, &log_rt] {
        let cold = news(log)[0];
        assert!(
            log[cold].message.starts_with(
                "Cache went cold: hit rate 0.0% of its usual 90.0%; its misses fall to Db"
            ),
            "{}",
            log[cold].message
        );
        assert_eq!(log[cold].t_ms, 20_000);
        assert!(log[log[cold].cause.unwrap()]
            .message
            .starts_with("Cache down"));
    }
    assert_eq!(news(&log_la).len(), 1, "the look-aside cache never warms");
    let rt = news(&log_rt);
    assert_eq!(rt.len(), 2);
    assert!(
        log_rt[rt[1]]
            .message
            .starts_with("Cache warm again: hit rate"),
        "{}",
        log_rt[rt[1]].message
    );
    assert_eq!(log_rt[rt[1]].cause, Some(rt[0]));
    // Once the read-through cache answers again (healthy, but still
    // filling), the database's next change of health is blamed on the
    // cache gone cold.
    let healthy = log_rt
        .iter()
        .position(|e| e.message.starts_with("Cache healthy again"))
        .expect("the revived cache answers");
    let db_next = log_rt[healthy..]
        .iter()
        .find(|e| e.component.as_deref() == Some("Db") && e.kind == EventKind::Health)
        .expect("the database's overload ends as the cache warms");
    assert_eq!(db_next.cause, Some(rt[0]), "{db_next:?}");
}

/// Gateway → Sessions → Presence; sessions buffer presence events in memory.
fn sessions() -> Scenario {
    let t = simple_topology(
        &["Gateway", "Sessions", "Presence"],
        &[("Gateway", "Sessions"), ("Sessions", "Presence")],
        &[],
    );
    let mut s = Scenario::with_topology("sessions", t);
    s.traffic.users = 1_000_000.0;
    s.traffic.noise = 0.0;
    s.traffic.per_user = Default::default();
    s.traffic.per_user.message_send = 0.0;
    s.traffic.per_user.message_read = 0.0;
    s.traffic.per_user.voice_join = 0.0;
    s.traffic.per_user.search = 0.0;
    s.traffic.per_user.upload = 0.0;
    s.traffic.per_user.presence = 0.01; // plus heartbeats: ~34k events/s
    for id in ["Gateway", "Sessions", "Presence"] {
        let p = s.params_mut(id).unwrap();
        p.servers = 100.0;
        p.service_ms = 1.0;
        p.deadline_ms = 5000.0;
        p.restart_ms = 10_000;
        p.restart_batch = 0.2;
        p.queue_limit = 1e6;
    }
    let ses = s.params_mut("Sessions").unwrap();
    ses.memory_mb = 1024.0;
    ses.base_memory_mb = 512.0;
    ses.item_kb = 4.0;
    s.params_mut("Presence").unwrap().servers = 45.0; // 45k/s: 75% busy
    s.set_route(&common::route(
        "Sessions",
        "Presence",
        &[RequestClass::Presence],
        OnFailure::Buffer,
    ))
    .unwrap();
    s
}

/// Sessions with no fast-fail towards presence (2017's, seed 004) run a
/// minute, then presence loses a node: a third of its capacity.
fn presence_loses_a_node(s: &Scenario) -> Sim {
    let mut sim = Sim::new(s, 1).unwrap();
    sim.apply(Action::SetBreaker {
        from: "Sessions".into(),
        to: "Presence".into(),
        mode: BreakerMode::ForceClosed,
    })
    .unwrap();
    sim.step_until(60_000);
    sim.apply(Action::Degrade {
        component: "Presence".into(),
        capacity_fraction: 0.66,
    })
    .unwrap();
    sim
}

#[test]
fn sessions_crash_when_buffers_reach_memory_at_headroom_over_rate_times_size() {
    let s = sessions();
    let mut sim = presence_loses_a_node(&s);
    // Presence's queue grows until waits pass the 5 s deadline, then calls fail.
    sim.step_until(150_000);
    let snap = sim.snapshot();
    let e = &snap.edges[1];
    assert!(e.error_rate > 0.05, "presence should be failing: {e:?}");
    // Predict: each of 100 servers has 512 MB of headroom, part of it
    // already used, and buffers (calls × failure share / servers) events per
    // second of 4 KB each: crash after headroom ÷ (event rate × event size).
    let per_server_rate = e.traffic * e.error_rate / 100.0;
    let used_kb = e.held / 100.0 * 4.0;
    let left_s = (512.0 * 1024.0 - used_kb) / (per_server_rate * 4.0);
    let expect = 150_000.0 + left_s * 1000.0;
    sim.step_until(3_600_000);
    let crash = sim
        .events()
        .iter()
        .find(|x| x.kind == EventKind::Crash)
        .expect("sessions crash");
    let got = crash.t_ms as f64;
    assert!(
        (got - expect).abs() < 0.1 * (expect - 150_000.0),
        "crash at {got} ms, predicted {expect:.0} ms"
    );
    assert_eq!(crash.component.as_deref(), Some("Sessions"));
}

/// The first tick in which session servers crash in a `sessions()` run
/// after presence loses a node, with their loads spread by `spread`: when,
/// how many servers are left, and the share of connected users lost then.
fn first_sessions_crash(spread: f64) -> (u64, f64, f64) {
    let mut s = sessions();
    let ses = s.params_mut("Sessions").unwrap();
    ses.role = Role::Sessions;
    ses.memory_spread = spread;
    let mut sim = presence_loses_a_node(&s);
    let mut t = 60_000;
    loop {
        let before = sim.snapshot().users.connected;
        t += 1000;
        assert!(t < 3_600_000, "no crash within the hour");
        sim.step_until(t);
        let snap = sim.snapshot();
        let live = comp(&sim, &snap, "Sessions").servers;
        if live < 100.0 - 1e-9 {
            return (t, live, 1.0 - snap.users.connected / before);
        }
    }
}

#[test]
fn with_a_load_spread_the_most_loaded_sessions_crash_first_taking_their_users() {
    let (t_all, live_all, dropped_all) = first_sessions_crash(0.0);
    assert_eq!(live_all, 0.0, "identical servers all crash at once");
    assert!(
        dropped_all > 0.95,
        "and every user's socket closes: {dropped_all}"
    );
    let (t, live, dropped) = first_sessions_crash(0.3);
    // The most loaded hold 1.3x the mean: they fill well before the rest.
    assert!(
        (t as f64) < 60_000.0 + 0.9 * (t_all - 60_000) as f64,
        "first crash at {t} ms, all at once at {t_all} ms"
    );
    // A few servers, not the fleet...
    assert!(live > 90.0, "{live} of 100 servers left");
    // ...and their users' sockets close with them.
    let crashed = (100.0 - live) / 100.0;
    assert!(
        (dropped - crashed).abs() < 0.1 * crashed,
        "dropped {dropped}, crashed {crashed}"
    );
}

fn herd(admission: f64, backoff: bool) -> (f64, u64, f64) {
    let mut s = sessions();
    s.traffic.give_up_ms = 1e12; // users keep trying for the whole test
    if !backoff {
        // Clients that retry every ~5 s however often they fail.
        s.traffic.reconnect_cap_ms = s.traffic.reconnect_ms;
    }
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(30_000);
    if admission > 0.0 {
        sim.apply(Action::SetReconnectAdmission {
            per_second: admission,
        })
        .unwrap();
    }
    // Everyone is disconnected at once (seeds 003/004: "a full service restart").
    sim.apply(Action::Kill {
        component: "Sessions".into(),
    })
    .unwrap();
    sim.step_until(90_000);
    sim.apply(Action::Revive {
        component: "Sessions".into(),
    })
    .unwrap();
    let mut peak: f64 = 0.0;
    let mut back = 0;
    while sim.now_ms() < 1_800_000 {
        sim.step();
        let snap = sim.snapshot();
        peak = peak.max(comp(&sim, &snap, "Gateway").arrivals);
        if back == 0 && snap.users.connected > 0.95e6 {
            back = sim.now_ms();
        }
    }
    (peak, back, sim.snapshot().users.connected)
}

#[test]
fn a_reconnect_herd_is_flattened_by_admission_control() {
    // Without admission control the herd (1M users retrying every ~5 s)
    // exceeds the gateway's capacity; its queue fills past the deadline and
    // every connect times out: metastable, nobody gets back in.
    let (peak_free, back_free, connected_free) = herd(0.0, false);
    assert_eq!(back_free, 0);
    assert!(connected_free < 0.5e6, "{connected_free}");
    // Admitting 5,000 connects a second keeps the gateway under capacity:
    // everyone is back within minutes (seed 004: "under 16 minutes").
    let (peak_adm, back_adm, _) = herd(5_000.0, false);
    assert!(
        back_adm > 0 && back_adm < 90_000 + 16 * 60_000,
        "back at {back_adm}"
    );
    assert!(peak_adm < 0.7 * peak_free, "peak {peak_adm} vs {peak_free}");
}

/// A run of `s` at seed 1 with component `id` killed one minute in.
fn killed_at_one_minute(s: &Scenario, id: &str) -> Sim {
    let mut sim = Sim::new(s, 1).unwrap();
    sim.step_until(60_000);
    sim.apply(Action::Kill {
        component: id.into(),
    })
    .unwrap();
    sim
}

/// Edge → Primary, failover Primary → Backup (undersized), seed timings;
/// no breakers, so the failover's own timings show.
fn failover(backup_servers: f64, database: bool) -> Scenario {
    let t = simple_topology(
        &["Edge", "Primary", "Backup"],
        &[("Edge", "Primary")],
        &[("Primary", "Backup")],
    );
    let mut s = Scenario::with_topology("failover", t);
    s.breaker = BreakerPreset::None;
    reads_only(&mut s, 800.0);
    s.traffic.per_user.message_send = 200.0 / 100_000.0;
    for id in ["Edge", "Primary", "Backup"] {
        let p = s.params_mut(id).unwrap();
        p.servers = 20.0;
        p.service_ms = 10.0; // 2000 req/s, 50% busy with 1000 req/s
        p.deadline_ms = 2000.0;
    }
    s.params_mut("Backup").unwrap().servers = backup_servers;
    if database {
        let p = s.params_mut("Primary").unwrap();
        p.role = Role::Database;
        p.failover_promote_ms = 300_000;
    }
    s
}

#[test]
fn failover_follows_the_seed_timings_and_an_undersized_backup_overloads() {
    let s = failover(8.0, false); // 800 req/s of capacity for 1000 req/s
    let mut sim = killed_at_one_minute(&s, "Primary");
    sim.step_until(89_000);
    assert!(
        !sim.snapshot().failovers[0].active,
        "health check still pending"
    );
    sim.step_until(92_000);
    let began = sim
        .events()
        .iter()
        .find(|e| e.message.contains("failover begins"))
        .unwrap()
        .t_ms;
    assert!(
        (90_000..=91_000).contains(&began),
        "began at {began} (30 s health check)"
    );
    sim.step_until(began + 60_000);
    let m = sim.snapshot().failovers[0].moved;
    assert!(
        (m - 0.5).abs() < 0.02,
        "half migrated after 1 of 2 minutes: {m}"
    );
    sim.step_until(began + 125_000);
    let snap = sim.snapshot();
    assert_eq!(snap.failovers[0].moved, 1.0);
    let b = comp(&sim, &snap, "Backup");
    assert_eq!(b.health, faultline_core::sim::Health::Overloaded, "{b:?}");
    assert!(snap.sli.api_success < 0.9);

    // A backup of the right size carries the load.
    let mut sim = killed_at_one_minute(&failover(20.0, false), "Primary");
    sim.step_until(300_000);
    assert!(sim.snapshot().sli.api_success > 0.99);
}

#[test]
fn a_failover_to_a_backup_that_is_down_says_so_in_the_log() {
    let s = failover(20.0, false);
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.apply(Action::Kill {
        component: "Backup".into(),
    })
    .unwrap();
    sim.step_until(60_000);
    sim.apply(Action::Kill {
        component: "Primary".into(),
    })
    .unwrap();
    sim.step_until(300_000);
    let log: Vec<_> = sim
        .events()
        .iter()
        .filter(|e| e.message.starts_with("failover"))
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(
        log,
        [
            "failover Primary → Backup: health check failed: failover begins, load migrating, \
             but the backup is down: what moves there fails",
            "failover Primary → Backup: connections migrated to the backup, \
             but the backup is down: what moves there fails",
        ]
    );
    assert_eq!(sim.snapshot().sli.api_success, 0.0, "nothing answers");
    // A live backup's failover reads as before.
    let mut sim = killed_at_one_minute(&s, "Primary");
    sim.step_until(300_000);
    assert!(!sim
        .events()
        .iter()
        .any(|e| e.message.contains("backup is down")));
}

#[test]
fn a_health_check_sees_the_primary_itself_not_its_dependencies() {
    // Edge → Primary → Db, failover Primary → Backup. Killing the database
    // makes every call through the primary fail, but the primary's own
    // health check (a shallow probe) passes: failing over to a backup
    // would not help, and the primary stays put.
    let t = simple_topology(
        &["Edge", "Primary", "Backup", "Db"],
        &[("Edge", "Primary"), ("Primary", "Db")],
        &[("Primary", "Backup")],
    );
    let mut s = Scenario::with_topology("deep", t);
    s.breaker = BreakerPreset::None;
    reads_only(&mut s, 800.0);
    for id in ["Edge", "Primary", "Backup", "Db"] {
        let p = s.params_mut(id).unwrap();
        p.servers = 20.0;
        p.service_ms = 10.0;
        p.deadline_ms = 2000.0;
    }
    let mut sim = killed_at_one_minute(&s, "Db");
    sim.step_until(300_000);
    let snap = sim.snapshot();
    assert!(snap.sli.api_success < 0.05, "{:?}", snap.sli);
    assert!(comp(&sim, &snap, "Primary").error_rate > 0.9);
    assert!(
        !snap.failovers[0].active,
        "a dependency's failure is not the primary's: {:?}",
        sim.events()
            .iter()
            .filter(|e| e.kind == EventKind::Failover)
            .collect::<Vec<_>>()
    );
    // Its own overload is: at a tenth of its capacity it fails its probes.
    sim.apply(Action::Revive {
        component: "Db".into(),
    })
    .unwrap();
    sim.apply(Action::Degrade {
        component: "Primary".into(),
        capacity_fraction: 0.1,
    })
    .unwrap();
    sim.step_until(400_000);
    assert!(sim.snapshot().failovers[0].active);
}

#[test]
fn an_overloaded_primary_does_not_flap_between_itself_and_its_backup() {
    // At 40% of its capacity the primary fails its health check; once its
    // load has moved to the backup it passes again, and with the load back
    // it fails. The health check's verdict must hold for its 30 s before the
    // failover turns, so it swings at a health check's pace, not every tick.
    let mut s = failover(20.0, false);
    s.params_mut("Primary").unwrap().failover_migrate_ms = 10_000;
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(60_000);
    sim.apply(Action::Degrade {
        component: "Primary".into(),
        capacity_fraction: 0.4,
    })
    .unwrap();
    sim.step_until(60_000 + 30 * 60_000);
    let turns: Vec<u64> = sim
        .events()
        .iter()
        .filter(|e| e.message.contains("failover begins") || e.message.contains("failing back"))
        .map(|e| e.t_ms)
        .collect();
    assert!(turns.len() >= 3, "it does swing: {turns:?}");
    for w in turns.windows(2) {
        assert!(w[1] - w[0] >= 30_000, "turned at {} and {}", w[0], w[1]);
    }
}

#[test]
fn a_breaker_guards_the_calls_its_failover_moved() {
    // With the seed's breakers on Edge → Primary, the calls moved to an
    // undersized backup pass through the same breaker: when the backup
    // overloads and fails, the breaker sheds them, as a client-side breaker
    // around "the Primary service" would wherever DNS now points.
    let mut s = failover(8.0, false);
    s.breaker = BreakerPreset::Seed;
    let mut sim = killed_at_one_minute(&s, "Primary");
    sim.step_until(900_000);
    let opened_after_migration = sim.events().iter().any(|e| {
        e.kind == EventKind::Breaker && e.t_ms > 60_000 + 150_000 && e.message.contains("opened")
    });
    assert!(
        opened_after_migration,
        "the breaker judged the backup's answers"
    );
    // Without breakers the overloaded backup gets every call.
    let backup_load = |s: &Scenario| {
        let mut sim = killed_at_one_minute(s, "Primary");
        let mut total = 0.0;
        for t in (300_000..=900_000).step_by(10_000) {
            sim.step_until(t);
            total += comp(&sim, &sim.snapshot(), "Backup").arrivals;
        }
        total
    };
    let guarded = backup_load(&s);
    let unguarded = backup_load(&failover(8.0, false));
    assert!(
        guarded < 0.9 * unguarded,
        "breakers shed load off the backup: {guarded:.0} vs {unguarded:.0}"
    );
}

#[test]
fn database_failover_is_read_only_until_promotion() {
    let mut sim = killed_at_one_minute(&failover(20.0, true), "Primary");
    // Health check 30 s + migration 2 min: reads work, writes wait for promotion.
    sim.step_until(60_000 + 30_000 + 125_000);
    let snap = sim.snapshot();
    assert!(
        snap.sli.delivery_rate < 0.05,
        "writes should fail before promotion: {:?}",
        snap.sli
    );
    let reads_ok = {
        let s = snap.sli;
        // API success mixes reads (working) and writes (failing): 800 of 1000.
        s.api_success
    };
    assert!((reads_ok - 0.8).abs() < 0.05, "{reads_ok}");
    // Promotion 5 minutes after the failover began.
    sim.step_until(60_000 + 30_000 + 300_000 + 2_000);
    assert!(sim
        .events()
        .iter()
        .any(|e| e.message.contains("replica promoted")));
    sim.step_until(60_000 + 30_000 + 300_000 + 10_000);
    assert!(sim.snapshot().sli.delivery_rate > 0.99);
    let _ = RequestClass::MessageSend;
}

#[test]
fn a_fast_fail_breaker_towards_presence_prevents_the_crash() {
    // Seed 004's fix: "a fast-fail mechanism to this dependency".
    let s = sessions();
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(60_000);
    sim.apply(Action::Degrade {
        component: "Presence".into(),
        capacity_fraction: 0.66,
    })
    .unwrap();
    sim.step_until(1_800_000);
    assert!(sim.events().iter().all(|e| e.kind != EventKind::Crash));
    assert!(sim
        .events()
        .iter()
        .any(|e| e.message.contains("Sessions → Presence opened")));
}

/// Failover with a rebuild: the backup (a database) takes every moved lookup
/// at first, then only the misses of the rebuilt cache, provided its answers
/// come back in time to rebuild it.
fn rebuild_run(backup_servers: f64, rebuild_hit: f64) -> (f64, f64, bool) {
    let mut s = failover(backup_servers, false);
    let p = s.params_mut("Primary").unwrap();
    p.failover_rebuild_hit = rebuild_hit;
    p.failover_rebuild_ms = 20_000.0;
    p.failover_migrate_ms = 45_000;
    let mut sim = killed_at_one_minute(&s, "Primary");
    // Detection (30 s) and migration (45 s) done, the rebuild under way.
    sim.step_until(60_000 + 30_000 + 45_000 + 5_000);
    let early = comp(&sim, &sim.snapshot(), "Backup").arrivals;
    sim.step_until(60_000 + 300_000);
    let late = comp(&sim, &sim.snapshot(), "Backup").arrivals;
    let logged = sim
        .events()
        .iter()
        .any(|e| e.message.contains("cache rebuilt"));
    (early, late, logged)
}

#[test]
fn a_rebuilt_cache_takes_its_hit_share_off_the_backup_unless_the_backup_is_too_slow() {
    // Without a rebuild the backup keeps all 1000 req/s.
    let (_, late, logged) = rebuild_run(20.0, 0.0);
    assert!((late - 1000.0).abs() < 30.0, "{late}");
    assert!(!logged);
    // With one, 95% are answered by the rebuilt cache within minutes.
    let (early, late, logged) = rebuild_run(20.0, 0.95);
    eprintln!("rebuild: {early:.0} req/s on the backup just after migration, {late:.0} later");
    assert!(
        early > 2.0 * late,
        "the rebuild starts cold: {early} vs {late}"
    );
    assert!((late - 50.0).abs() < 10.0, "{late}");
    assert!(logged);
    // A backup with 1% of the capacity it needs answers almost nothing in
    // time, so almost nothing is rebuilt: it stays swamped (metastable).
    let (_, late, _) = rebuild_run(0.2, 0.95);
    assert!(late > 700.0, "{late}");
}

#[test]
fn a_callees_429s_do_not_trip_the_callers_breaker_but_its_failures_do() {
    // Edge → Api → Db with the Api allowing 125 of 500 req/s: at 25 calls
    // per caller instance per second, 75% failures make runs of 5 certain.
    let mut s = api_db();
    s.params_mut("Api").unwrap().rate_limit_per_server = 6.25;
    // Not the automatic "errors > 5%" trigger, which would halve the limit.
    s.triggers = [false; 4];
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(120_000);
    let snap = sim.snapshot();
    assert_eq!(snap.edges[0].breaker, BreakerState::Closed);
    assert!(
        (snap.sli.api_success - 0.25).abs() < 0.03,
        "three calls in four shed, the rest served: {}",
        snap.sli.api_success
    );
    // The same failure share from errors opens it.
    let mut s = api_db();
    s.params_mut("Api").unwrap().base_error_rate = 0.75;
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(120_000);
    assert!(sim
        .events()
        .iter()
        .any(|e| e.message.contains("Edge → Api opened")));
}

#[test]
fn losing_redis_sessions_on_the_platform_fails_over_rebuilds_and_recovers() {
    // Seed 000, "Redis Session Cache Failure": failover to the backup
    // cluster, sessions rebuilt from the database, 30-60 s recovery (here
    // also the 30 s health check and the 30 s the edge breakers stay open).
    let s = Scenario::bundled_steady_state().unwrap();
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(240_000);
    let db = |sim: &Sim| comp(sim, &sim.snapshot(), "ScyllaDB_Primary").throughput;
    let before = db(&sim);
    sim.apply(Action::Kill {
        component: "Redis_Sessions".into(),
    })
    .unwrap();
    sim.step_until(250_000);
    assert!(
        sim.snapshot().sli.api_success < 0.5,
        "the API needs sessions"
    );
    let mut peak: f64 = 0.0;
    let mut recovered_at = None;
    while sim.now_ms() < 240_000 + 600_000 {
        sim.step();
        peak = peak.max(db(&sim));
        if recovered_at.is_none() && sim.snapshot().sli.api_success > 0.99 {
            recovered_at = Some(sim.now_ms());
        }
    }
    let after = db(&sim);
    let recovered_at = recovered_at.expect("the API recovers");
    eprintln!(
        "database {before:.0} → peak {peak:.0} → {after:.0} req/s; API back {} s after the kill",
        (recovered_at - 240_000) / 1000
    );
    assert!(recovered_at < 240_000 + 240_000, "{recovered_at}");
    assert!(peak > 1.5 * before, "the rebuild loads the database");
    assert!(after > 1.05 * before && after < peak, "misses stay on it");
    assert!(sim.snapshot().sli.api_success > 0.99);
}

#[test]
fn client_reconnect_backoff_lets_a_herd_drain_without_admission_control() {
    // The same herd with jittered exponential backoff (5 s ×3 per failure,
    // capped at 60 s): failed attempts thin out until the gateway copes.
    let (peak_flat, _, _) = herd(0.0, false);
    let (peak_backoff, back_backoff, _) = herd(0.0, true);
    let (_, back_adm, _) = herd(5_000.0, true);
    eprintln!(
        "herd: peak {peak_flat:.0} without backoff, {peak_backoff:.0} with; back at {back_backoff} ms (with admission {back_adm} ms)"
    );
    assert!(back_backoff > 0, "backoff alone drains the herd");
    assert!(back_adm > 0);
    assert!(peak_backoff <= peak_flat);
}

/// [`sessions`] with message sends that also need presence (seed 004's
/// "implicit requirement in sessions on data in presence"): 39k calls/s to
/// a presence sized for 52k/s, so losing a third of it overloads it.
fn sessions_with_sends() -> Scenario {
    let mut s = sessions();
    s.traffic.per_user.message_send = 0.005;
    s.params_mut("Presence").unwrap().servers = 52.0;
    s.set_route(&common::route(
        "Sessions",
        "Presence",
        &[RequestClass::Presence, RequestClass::MessageSend],
        OnFailure::Buffer,
    ))
    .unwrap();
    s
}

/// Seed 004's 14:54: sessions stalled on a soft-locked presence, then told
/// to `mode` at 200 s. Returns the sim at `until` ms and the sessions'
/// memory share just before and 10 s after the switch.
fn stalled_sessions_then(mode: Option<OnFailure>, until: u64) -> (Sim, f64, f64) {
    let mut sim = presence_loses_a_node(&sessions_with_sends());
    sim.step_until(150_000);
    let mem_150 = sim.snapshot().components[1].memory_fraction;
    sim.step_until(200_000);
    let before = sim.snapshot().components[1].memory_fraction;
    assert!(
        before > mem_150 + 0.01,
        "buffering sessions' memory climbs: {mem_150} → {before}"
    );
    assert!(sim.snapshot().edges[1].held > 0.0);
    if let Some(mode) = mode {
        sim.apply(Action::SetFailureMode {
            from: "Sessions".into(),
            to: "Presence".into(),
            mode,
        })
        .unwrap();
    }
    sim.step_until(210_000);
    let after = sim.snapshot().components[1].memory_fraction;
    sim.step_until(until);
    (sim, before, after)
}

#[test]
fn ignoring_a_stalled_dependency_drops_the_buffer_and_sessions_survive() {
    // Control: buffering on, the sessions run out of memory and crash.
    let (buf, _, _) = stalled_sessions_then(None, 1_800_000);
    assert!(
        buf.events()
            .iter()
            .any(|e| e.kind == EventKind::Crash && e.component.as_deref() == Some("Sessions")),
        "buffering sessions should crash within 30 min"
    );
    // Seed 004, 14:54: "ignore the presence cluster for the time being".
    let (sim, before, after) = stalled_sessions_then(Some(OnFailure::Ignore), 1_800_000);
    assert!(
        after < before - 0.01,
        "memory falls once the backlog is dropped: {before} → {after}"
    );
    let snap = sim.snapshot();
    assert!(sim.events().iter().all(|e| e.kind != EventKind::Crash));
    assert_eq!(snap.edges[1].held, 0.0, "nothing is held for presence");
    assert!(
        snap.components[1].memory_fraction <= after + 1e-9,
        "memory stops climbing: {after} → {}",
        snap.components[1].memory_fraction
    );
    // Presence is still failing, and its failures no longer reach users.
    assert!(snap.edges[1].error_rate > 0.05, "{:?}", snap.edges[1]);
    assert!(
        snap.sli.delivery_rate > 0.99,
        "delivery no longer depends on presence: {:?}",
        snap.sli
    );
    let ev = sim
        .events()
        .iter()
        .find(|e| e.kind == EventKind::Action && e.message.contains("ignored"))
        .expect("the switch is logged");
    assert!(
        ev.message
            .contains("Sessions → Presence: failed calls now ignored")
            && ev.message.contains("held calls dropped"),
        "{}",
        ev.message
    );
}

#[test]
fn failing_on_a_stalled_dependency_fails_the_requests_instead_of_buffering() {
    let (sim, before, after) = stalled_sessions_then(Some(OnFailure::Fail), 210_000);
    let snap = sim.snapshot();
    // No new buffering: the backlog held at the switch is kept, not grown.
    assert!(after <= before + 1e-9, "{before} → {after}");
    assert!(snap.components[1].memory_fraction <= before + 1e-9);
    assert!(sim.events().iter().all(|e| e.kind != EventKind::Crash));
    // The failures reach users instead: sends (and heartbeats) fail with
    // presence (and the gateway's breaker towards sessions opens).
    assert!(
        snap.sli.delivery_rate < 0.99,
        "sends fail with presence: {:?}",
        snap.sli
    );
}

/// Load that moved to a component names where it came from: the
/// permission cache's misses flood PostgreSQL in the tick the cache dies,
/// and the database's overload is blamed on the cache going down (and
/// through it on the kill), not left without a cause.
#[test]
fn a_database_flooded_by_a_dead_caches_misses_blames_the_cache() {
    let scenario = faultline_core::scenario::library::load("permission_cache_failure").unwrap();
    let mut sim = Sim::new(&scenario, 1).unwrap();
    sim.step_until(7 * 60_000);
    let events = sim.events();
    let flooded = events
        .iter()
        .find(|e| e.message.starts_with("PostgreSQL Cluster overloaded"))
        .expect("the misses overload the database");
    let cause = &events[flooded.cause.expect("a cause")];
    assert!(
        cause.message.starts_with("Memcached Guilds down"),
        "blamed on {:?}",
        cause.message
    );
    let root = &events[cause.cause.expect("the cache's own cause")];
    assert!(root.message.contains("kill Memcached Guilds"), "{root:?}");
    // The cache's news comes first in the log, though the two are the
    // same tick's.
    assert!(
        events
            .iter()
            .position(|e| e.message.starts_with("Memcached Guilds down"))
            < events.iter().position(|e| std::ptr::eq(e, flooded))
    );
}
