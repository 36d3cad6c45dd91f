//! Saving a run as a scenario file: the scenario's own text with the run's
//! seed, a variation title and its actions as triggers, which replays the
//! run when loaded back.

use faultline_core::scenario::save_run::{save_run, variation_title, SavedRun, SAVED_NOTE};
use faultline_core::scenario::{library, Scenario};
use faultline_core::sim::Sim;
use faultline_core::Action;

mod common;

use common::TINY;

fn kill(c: &str) -> Action {
    Action::Kill {
        component: c.into(),
    }
}

/// `text` (named `file`) saved with a run at `seed` of the operator's
/// `actions`, no surprises and no switch on.
fn save(text: &str, file: &str, seed: u64, actions: &[(u64, Action)]) -> Result<String, String> {
    save_run(
        text,
        file,
        &SavedRun {
            seed,
            actions,
            surprises: &[],
            switches_on: &[],
        },
    )
}

/// Runs `s` at `seed`, applying `actions` by hand as an operator would,
/// each when the clock reaches its time.
fn run_by_hand(
    s: &Scenario,
    seed: u64,
    actions: &[(u64, Action)],
) -> Vec<faultline_core::sim::Sample> {
    let mut sim = Sim::new(s, seed).unwrap();
    for (t, a) in actions {
        sim.step_until(*t);
        sim.apply(a.clone()).unwrap();
    }
    sim.run_to_end();
    sim.samples().to_vec()
}

#[test]
fn every_bundled_scenario_saves_with_actions_and_reads_back() {
    for b in library::bundled() {
        let s = b.load().unwrap();
        let third = (s.duration_ms / 3) / 1000 * 1000;
        // One with a nested table (the retry policy) and one with a float.
        let policy: Action = toml::from_str(
            "type = \"set_retry_policy\"\nrollout_ms = 60000.0\n\
             policy = { backoff = \"exponential\", base_ms = 1000, cap_ms = 60000, jitter = \"full\", max_attempts = 4 }",
        )
        .unwrap();
        let actions = [
            (0, policy),
            (third, kill("Redis_Sessions")),
            (
                third + 60_000,
                Action::Degrade {
                    component: "Presence_Service".into(),
                    capacity_fraction: 0.5,
                },
            ),
        ];
        let text = save(b.toml, &b.source_name(), 42, &actions)
            .unwrap_or_else(|e| panic!("{}: {e}", b.key));
        let saved = Scenario::from_toml_str(&text, "saved.toml").unwrap();
        assert_eq!(saved.seed, 42, "{}", b.key);
        assert_eq!(saved.title, variation_title(&s.title), "{}", b.key);
        assert_eq!(saved.timeline.len(), s.timeline.len() + 3, "{}", b.key);
        let added: Vec<(u64, &Action)> = saved
            .timeline
            .iter()
            .filter(|a| a.note == SAVED_NOTE)
            .map(|a| (a.t_ms, &a.action))
            .collect();
        assert_eq!(
            added,
            actions.iter().map(|(t, a)| (*t, a)).collect::<Vec<_>>(),
            "{}",
            b.key
        );
        // Everything else is the file as written: its story, bands,
        // switches, and the comments citing the seeds.
        assert_eq!(saved.expectations, s.expectations, "{}", b.key);
        assert_eq!(saved.messages, s.messages, "{}", b.key);
        assert_eq!(
            saved.counterfactuals.len(),
            s.counterfactuals.len(),
            "{}",
            b.key
        );
        assert!(
            text.starts_with(b.toml.lines().next().unwrap()),
            "{}",
            b.key
        );
        let comments = |t: &str| {
            t.lines()
                .filter(|l| l.trim_start().starts_with('#'))
                .count()
        };
        assert!(comments(&text) > comments(b.toml), "{}", b.key);
    }
}

#[test]
fn the_saved_file_replays_the_run_it_was_saved_from() {
    let b = library::find("permission_cache_failure").unwrap();
    let s = b.load().unwrap();
    let actions = [
        (10 * 60_000, kill("Presence_Service")),
        (
            12 * 60_000,
            Action::SetTrafficMultiplier {
                multiplier: 1.5,
                ramp_s: 0.0,
            },
        ),
        (
            15 * 60_000,
            Action::Revive {
                component: "Presence_Service".into(),
            },
        ),
    ];
    let seed = 9;
    let text = save(b.toml, "p.toml", seed, &actions).unwrap();
    let saved = Scenario::from_toml_str(&text, "saved.toml").unwrap();
    let by_hand = run_by_hand(&s, seed, &actions);
    let replayed = Sim::run_samples(&saved, saved.seed).unwrap();
    assert!(replayed == by_hand, "the saved file replays the run");
    // ... and the actions mattered: the scenario alone runs otherwise.
    assert!(
        Sim::run_samples(&s, seed).unwrap() != by_hand,
        "the actions matter"
    );
}

#[test]
fn a_file_without_title_or_seed_gets_them_after_its_name() {
    let actions = [(5 * 60_000, kill("Redis_Sessions"))];
    let text = save_run(
        TINY,
        "tiny.toml",
        &SavedRun {
            seed: 7,
            actions: &actions,
            surprises: &[],
            switches_on: &["Faster health checks".into()],
        },
    )
    .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        &lines[1..4],
        [
            "name = \"Tiny\"",
            "title = \"Tiny (variation)\"",
            "seed = 7"
        ]
    );
    assert!(text.contains("t = \"11:35:00\""), "{text}");
    assert!(
        text.contains(
            "# kill Redis Sessions\n[[at]]\nt = \"11:35:00\"\n\
             action = { type = \"kill\", component = \"Redis_Sessions\" }\n"
        ),
        "{text}"
    );
    // A switch cannot be turned on by a file: the comment names it.
    assert!(
        text.contains("on again after loading it): Faster health checks."),
        "{text}"
    );
    let s = Scenario::from_toml_str(&text, "t.toml").unwrap();
    assert_eq!((s.seed, s.timeline[0].t_ms), (7, 5 * 60_000));
}

#[test]
fn saving_a_variation_again_keeps_one_mark_and_both_runs_actions() {
    let first = save(TINY, "tiny.toml", 1, &[(60_000, kill("Redis_Sessions"))]).unwrap();
    let second = save(
        &first,
        "tiny-variation.toml",
        2,
        &[(120_000, kill("Guilds_Service"))],
    )
    .unwrap();
    let s = Scenario::from_toml_str(&second, "t.toml").unwrap();
    assert_eq!(s.title, "Tiny (variation)");
    assert_eq!(s.seed, 2);
    let times: Vec<u64> = s.timeline.iter().map(|a| a.t_ms).collect();
    assert_eq!(times, [60_000, 120_000]);
}

#[test]
fn a_moment_the_clock_cannot_name_is_written_as_an_offset() {
    // Sub-second: a run with a 100 ms tick can act between seconds.
    let text = save(
        &format!("{TINY}tick = \"100ms\"\n"),
        "tiny.toml",
        1,
        &[(90_500, kill("Redis_Sessions"))],
    )
    .unwrap();
    assert!(text.contains("t = \"+90500ms\""), "{text}");
    let s = Scenario::from_toml_str(&text, "t.toml").unwrap();
    assert_eq!(s.timeline[0].t_ms, 90_500);
}

#[test]
fn what_cannot_be_saved_is_refused_with_the_reason() {
    let bad_file = save("name = \"x\"\n", "x.toml", 1, &[]).unwrap_err();
    assert!(
        bad_file.contains("x.toml") && bad_file.contains("duration"),
        "{bad_file}"
    );
    let unknown = save(TINY, "tiny.toml", 1, &[(60_000, kill("Nope"))]).unwrap_err();
    assert!(
        unknown.contains("nothing was saved") && unknown.contains("Nope"),
        "{unknown}"
    );
    let late = save(
        TINY,
        "tiny.toml",
        1,
        &[(2 * 3_600_000, kill("Redis_Sessions"))],
    )
    .unwrap_err();
    assert!(late.contains("nothing was saved"), "{late}");
}

#[test]
fn actions_at_a_scripted_moment_keep_the_runs_order() {
    // presence_herd_2017 forces the sessions -> presence breaker closed at
    // +0s, degrades presence at 11:38 and restores it at 13:45. In a run
    // the operator's action at such a moment comes first (the scripted one
    // applies as the clock moves on, and wins) and an instructor's
    // surprise comes after it (and wins): the file must keep both orders
    // for its replay to be the run.
    let b = library::find("presence_herd_2017").unwrap();
    let s = b.load().unwrap();
    let degrade = |f: f64| Action::Degrade {
        component: "Presence_Service".into(),
        capacity_fraction: f,
    };
    let force_open: Action = toml::from_str(
        "type = \"set_breaker\"\nfrom = \"Sessions_Service\"\nto = \"Presence_Service\"\nmode = \"force_open\"",
    )
    .unwrap();
    let actions = [(0, force_open), (8 * 60_000, degrade(0.9))];
    let surprises = [(135 * 60_000, degrade(0.5))];
    let seed = 4;
    let save_with = |actions: &[(u64, Action)], surprises: &[(u64, Action)]| {
        let text = save_run(
            b.toml,
            "p.toml",
            &SavedRun {
                seed,
                actions,
                surprises,
                switches_on: &[],
            },
        )
        .unwrap();
        let saved = Scenario::from_toml_str(&text, "saved.toml").unwrap();
        (text, Sim::run_samples(&saved, seed).unwrap(), saved)
    };
    let live = run_by_hand(&s.with_injects(&surprises).unwrap(), seed, &actions);
    let (text, replayed, saved) = save_with(&actions, &surprises);
    assert!(replayed == live, "the saved file replays the run");
    // The order is what makes it so: the operator's actions written after
    // the scripted ones, or the surprises before them, replay other runs.
    let appended = Sim::run_samples(
        &s.with_injects(&[actions.to_vec(), surprises.to_vec()].concat())
            .unwrap(),
        seed,
    )
    .unwrap();
    assert!(appended != live, "the operator's actions were overridden");
    let (_, surprises_first, _) = save_with(&[actions.to_vec(), surprises.to_vec()].concat(), &[]);
    assert!(surprises_first != live, "the surprise was overridden");
    // The operator's block sits before the timeline, the surprises' after.
    let first_scripted = text.find("t = \"+0s\"").unwrap();
    assert!(text.find(SAVED_NOTE).unwrap() < first_scripted);
    assert!(text.rfind("injected by the instructor").unwrap() > text.rfind("Seed 004").unwrap());
    assert_eq!(saved.injects().count(), 1);
}
