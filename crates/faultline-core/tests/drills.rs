//! Incident drills: timeline entries are triggers or responses, a drill
//! keeps only the triggers, and what the real responders did shows in the
//! model's outcome rather than being assumed.

use faultline_core::scenario::{library, users_affected_minutes, TimelineRole};
use faultline_core::sim::Sim;
use faultline_core::Action;

mod common;

use common::load_tiny as load;

const TIMELINE: &str = r#"
[[at]]
t = "11:35"
action = { type = "kill", component = "Redis_Sessions" }
note = "the cache dies"
[[at]]
t = "11:40"
action = { type = "revive", component = "Redis_Sessions" }
role = "response"
note = "on call restarts it"
[[at]]
t = "11:45"
action = { type = "set_traffic_multiplier", multiplier = 1.5 }
role = "trigger"
"#;

#[test]
fn entries_are_triggers_unless_marked_as_responses() {
    let s = load(TIMELINE).unwrap();
    let roles: Vec<TimelineRole> = s.timeline.iter().map(|a| a.role).collect();
    assert_eq!(
        roles,
        [
            TimelineRole::Trigger,
            TimelineRole::Response,
            TimelineRole::Trigger
        ]
    );
    assert!(s.has_responses());
    let responses: Vec<&str> = s.responses().map(|a| a.note.as_str()).collect();
    assert_eq!(responses, ["on call restarts it"]);
}

#[test]
fn an_unknown_role_is_refused_at_its_line() {
    let e = load("[[at]]\nt = \"11:35\"\naction = { type = \"kill\", component = \"Redis_Sessions\" }\nrole = \"operator\"\n")
        .unwrap_err();
    // TINY has 5 lines (a leading blank one), so `role` is on line 9.
    assert!(e.starts_with("tiny.toml:9:"), "{e}");
    assert!(e.contains("operator") && e.contains("response"), "{e}");
}

#[test]
fn a_drill_keeps_the_triggers_and_drops_the_responses() {
    let s = load(TIMELINE).unwrap();
    let d = s.drill();
    assert_eq!(d.timeline.len(), 2);
    assert!(d.timeline.iter().all(|a| a.role == TimelineRole::Trigger));
    assert!(!d.has_responses());
    // Everything else is the scenario's own.
    assert_eq!(d.name, s.name);
    assert_eq!(d.duration_ms, s.duration_ms);
    assert_eq!(d.messages, s.messages);
    assert_eq!(d.expectations, s.expectations);
    // Without the restart the cache stays down to the end of the run.
    let replay = Sim::run_samples(&s, 7).unwrap();
    let drill = Sim::run_samples(&d, 7).unwrap();
    let last = |v: &[faultline_core::sim::Sample]| v.last().unwrap().components.clone();
    let redis = s.topology.component_index("Redis_Sessions").unwrap();
    assert_ne!(
        last(&replay)[redis].health,
        faultline_core::sim::Health::Down
    );
    assert_eq!(
        last(&drill)[redis].health,
        faultline_core::sim::Health::Down
    );
}

#[test]
fn an_instructors_injects_are_triggers_that_a_drill_keeps() {
    let s = load(TIMELINE).unwrap();
    let kill_guilds = Action::Kill {
        component: "Guilds_Service".into(),
    };
    let with = s.with_injects(&[(120_000, kill_guilds.clone())]).unwrap();
    assert_eq!(with.timeline.len(), s.timeline.len() + 1);
    assert!(with.timeline.windows(2).all(|w| w[0].t_ms <= w[1].t_ms));
    let inject: Vec<_> = with.drill().injects().cloned().collect();
    assert_eq!(inject.len(), 1, "the drill keeps the inject");
    assert_eq!(
        (inject[0].t_ms, &inject[0].action, inject[0].role),
        (120_000, &kill_guilds, TimelineRole::Trigger)
    );
    assert_eq!(s.injects().count(), 0);
    // It happens at its time, as the scenario's own (scripted) action.
    let mut sim = Sim::new(&with.drill(), 5).unwrap();
    sim.step_until(130_000);
    let e = sim
        .events()
        .iter()
        .find(|e| e.message.contains("kill Guilds"))
        .expect("the inject is applied");
    assert!(e.is_scripted() && e.t_ms == 120_000, "{e:?}");
    // The same run without it differs.
    assert_ne!(
        Sim::run_samples(&with, 5).unwrap(),
        Sim::run_samples(&s, 5).unwrap()
    );
    // Bad injects are named.
    let late = s.with_injects(&[(s.duration_ms + 1, kill_guilds.clone())]);
    assert!(late
        .unwrap_err()
        .contains("inject #1 (kill) is after the scenario's end"));
    let unknown = s.with_injects(&[
        (0, kill_guilds),
        (
            10,
            Action::Kill {
                component: "Nope".into(),
            },
        ),
    ]);
    let e = unknown.unwrap_err();
    assert!(
        e.starts_with("inject #2 (kill):") && e.contains("Nope"),
        "{e}"
    );
}

#[test]
fn a_drill_is_deterministic_and_a_trainees_action_replays() {
    let d = load(TIMELINE).unwrap().drill();
    let run = || {
        let mut sim = Sim::new(&d, 3).unwrap();
        sim.step_until(6 * 60_000);
        sim.apply(Action::Revive {
            component: "Redis_Sessions".into(),
        })
        .unwrap();
        sim.run_to_end();
        sim.samples().to_vec()
    };
    assert_eq!(run(), run());
}

#[test]
fn the_replayed_incidents_mark_their_responders_actions() {
    // The incidents whose timelines script what engineers did, and the
    // what-ifs whose playbooks do; the rest (and steady state) script
    // triggers only.
    let with_responses = [
        "api_cascade_2022",
        "redis_failover_2017",
        "presence_herd_2017",
        "compaction_storm_2024",
        "gateway_overload_2024",
        "large_guild_cascade_2023",
        "permission_cache_failure",
        "us_east_region_failure",
        "bad_deploy",
    ];
    for b in library::bundled() {
        let s = b.load().unwrap();
        assert_eq!(
            s.has_responses(),
            with_responses.contains(&b.key),
            "{}: responses {:?}",
            b.key,
            s.responses().map(|a| a.t_ms).collect::<Vec<_>>()
        );
        if b.key != "steady_state" {
            assert!(
                !s.drill().timeline.is_empty(),
                "{}: a drill with no trigger has nothing to respond to",
                b.key
            );
        }
    }
}

#[test]
fn where_the_responders_acted_doing_nothing_costs_more() {
    // Emergent, not assumed: without the restarts, the cache restart and
    // the added router and gateway capacity the incidents run on, and the
    // rollback of the bad deploy (a rolling push never rolls itself back), users
    // affected × minutes grows. (In us_east_region_failure the autoscaler
    // gets there before the manual scaling, so a drill that does nothing
    // does as well as the replay: not asserted either way. In
    // gateway_overload_2024 the tournament's crowd outgrows the
    // autoscaler's one step, so only the manual scaling ends it.)
    for (key, at_least) in [
        ("redis_failover_2017", 2.0),
        ("permission_cache_failure", 3.0),
        ("large_guild_cascade_2023", 1.3),
        ("gateway_overload_2024", 1.6),
        ("bad_deploy", 2.0),
    ] {
        let s = library::load(key).unwrap();
        let seed = s.seed;
        let replay = users_affected_minutes(&Sim::run_samples(&s, seed).unwrap());
        let drill = users_affected_minutes(&Sim::run_samples(&s.drill(), seed).unwrap());
        println!(
            "{key}: replay {replay:.3e}, nobody acting {drill:.3e} ({:.2}x)",
            drill / replay
        );
        assert!(
            drill > at_least * replay,
            "{key}: replay {replay:.3e}, drill {drill:.3e}"
        );
    }
}

#[test]
fn a_drill_briefing_does_not_announce_the_triggers() {
    use faultline_core::scenario::time::format_clock;
    // Scheduled events the on-call team knows about in advance: the
    // compaction window (02:00) and the tournament's start (14:30).
    let announced = ["compaction_storm_2024", "gateway_overload_2024"];
    for b in library::bundled() {
        let s = b.load().unwrap();
        let briefing = s.briefing_for_drill();
        for a in s.drill().timeline.iter().filter(|a| a.t_ms > 0) {
            let hhmm = &format_clock(s.start_clock_ms, a.t_ms)[..5];
            let named =
                briefing.contains(&format!("{hhmm} ")) || briefing.contains(&format!("{hhmm}:"));
            assert!(
                !named || announced.contains(&b.key),
                "{}: the drill briefing announces the {} at {hhmm}",
                b.key,
                a.action.kind()
            );
        }
    }
    let s = library::load("permission_cache_failure").unwrap();
    assert!(s.narrative.contains("19:05"));
    assert_ne!(s.briefing_for_drill(), s.narrative);
}
