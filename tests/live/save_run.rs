//! Saving a run as a scenario file, and the file loaded back replaying it.

use super::drill::{log_rows, mount_permission_cache};
use super::*;

#[wasm_bindgen_test]
async fn a_saved_run_loads_back_as_a_scenario_that_replays_it() {
    let (_, scenario, root, live) = mount_permission_cache();
    leptos::task::tick().await;
    assert!(
        root.query_selector("button[data-action=save-run]")
            .unwrap()
            .is_none(),
        "nothing to save before the operator acts"
    );
    // The instructor plays the variation: presence dies at 19:10, and the
    // traffic rises at 19:12.
    live.advance(600_000.0);
    live.act(Action::Kill {
        component: "Presence_Service".into(),
    })
    .unwrap();
    live.advance(120_000.0);
    live.act(Action::SetTrafficMultiplier {
        multiplier: 1.5,
        ramp_s: 0.0,
    })
    .unwrap();
    live.advance(180_000.0);
    leptos::task::tick().await;
    let played = live.with_sim(|s| s.samples().to_vec());
    let now = live.now_ms();

    click(&query(&root, "button[data-action=save-run]"));
    let notice = live.notice.get_untracked().expect("a notice");
    assert!(!notice.error, "{}", notice.text);
    assert!(
        notice.text.starts_with(
            "Saved permission_cache_failure-variation.toml: this scenario at seed 1 with 2 actions"
        ),
        "{}",
        notice.text
    );
    let saved = live.run_as_scenario_file().unwrap();
    assert_eq!(saved.name, "permission_cache_failure-variation.toml");
    assert!(
        saved
            .text
            .contains("\n# kill Presence\n[[at]]\nt = \"19:10:00\"\n"),
        "{}",
        saved.text
    );

    // Loaded back, the file is the scenario with the actions scripted: the
    // same run, bit for bit, with nobody acting.
    live.load_user_file(&saved.name, &saved.text).unwrap();
    leptos::task::tick().await;
    assert_eq!(live.scenario_key.get_untracked(), url_state::USER_SCENARIO);
    assert_eq!(
        live.scenario.with_untracked(|s| s.title.clone()),
        format!("{} (variation)", scenario.title)
    );
    assert!(live.user_actions.get_untracked().is_empty());
    live.advance((now - live.now_ms()) as f64);
    leptos::task::tick().await;
    assert_eq!(live.now_ms(), now);
    let replayed = live.with_sim(|s| s.samples().to_vec());
    assert!(
        replayed == played,
        "the file replays the run it was saved from"
    );
    let rows = log_rows(&root);
    assert!(
        rows.iter()
            .any(|r| r.contains("19:10:00") && r.contains("scenario: kill Presence")),
        "{rows:?}"
    );
    // Nothing was done by hand in it yet: nothing to save.
    assert!(root
        .query_selector("button[data-action=save-run]")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn a_drill_does_not_offer_to_save_and_a_surprise_is_saved_after_the_timeline() {
    let (_, _, root, live) = mount_permission_cache();
    live.advance(600_000.0);
    let kill = Action::Kill {
        component: "Presence_Service".into(),
    };
    live.act(kill.clone()).unwrap();
    leptos::task::tick().await;
    click(&query(&root, "button[data-action=drill-with-injects]"));
    leptos::task::tick().await;
    assert!(live.drill.get_untracked());
    assert!(
        root.query_selector("button[data-action=save-run]")
            .unwrap()
            .is_none(),
        "a drill's file would give the incident away"
    );
    // Out of the drill the surprise is there to save, on its own.
    live.set_drill(false);
    leptos::task::tick().await;
    assert_eq!(live.injects.get_untracked(), vec![(600_000, kill)]);
    click(&query(&root, "button[data-action=save-run]"));
    let saved = live.run_as_scenario_file().unwrap();
    assert_eq!(saved.actions, 1);
    let tail = &saved.text[saved.text.rfind("[[at]]").unwrap()..];
    assert!(
        tail.contains("t = \"19:10:00\"") && tail.contains("injected by the instructor"),
        "{tail}"
    );
    let s = Scenario::from_toml_str(&saved.text, "saved.toml").unwrap();
    assert_eq!(s.injects().count(), 1);
}
