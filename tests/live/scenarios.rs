//! The scenario panel: the picker, story messages, a user's own file, counterfactual switches and the debrief.

use super::*;

/// A short scenario file of a user's own (two minutes, one story message).
const USER_TOML: &str = r#"name = "Two-minute drill"
title = "Two-minute drill"
summary = "A quiet two minutes, for trying the page."
narrative = "Watch the platform for two minutes."
what_happened = "Nothing happened: this is a practice file."
start = "10:00:00"
duration = "2m"
seed = 5

[[message]]
t = "+30s"
text = "Thirty seconds in: all quiet."
"#;

#[wasm_bindgen_test]
async fn picker_lists_the_library_and_choosing_one_resets_the_run() {
    use faultline_core::scenario::library;
    let (root, live) = mount_live(|| {
        view! {
            <live::ScenarioPanel />
            <PlaybackBar />
        }
    });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    live.act(Action::Kill {
        component: "Redis_Sessions".into(),
    })
    .unwrap();
    live.advance(60_000.0);
    let cards = root
        .query_selector_all(".scenario-list .scenario-card[data-scenario]")
        .unwrap();
    assert_eq!(cards.length() as usize, library::bundled().len());
    let card = query(&root, ".scenario-card[data-scenario=api_cascade_2022]");
    let text = card.text_content().unwrap();
    for part in ["2022-01-25", "intermediate", "3:45:00", "retry"] {
        assert!(text.contains(part), "the card shows `{part}`: {text}");
    }
    click(&card);
    leptos::task::tick().await;
    assert_eq!(live.scenario_key.get_untracked(), "api_cascade_2022");
    assert!(live.user_actions.get_untracked().is_empty(), "a fresh run");
    assert_eq!(live.now_ms(), 1000);
    assert_eq!(
        query(&root, "[data-clock]").text_content().unwrap(),
        "16:45:01"
    );
    assert_eq!(
        query(&root, "[data-current-scenario]")
            .get_attribute("data-current-scenario")
            .as_deref(),
        Some("api_cascade_2022")
    );
    let card = query(&root, ".scenario-card[data-scenario=api_cascade_2022]");
    assert_eq!(card.get_attribute("aria-pressed").as_deref(), Some("true"));
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert!(hash.contains("s=api_cascade_2022"), "{hash}");
    // The link names it, and replays it.
    let run = url_state::decode(&hash).unwrap().unwrap();
    assert_eq!(run.scenario, "api_cascade_2022");
    // The briefing is shown, and folds away once playback starts.
    assert!(!query(&root, ".briefing .narrative")
        .text_content()
        .unwrap()
        .is_empty());
    let is_open = || {
        js_sys::Reflect::get(&query(&root, ".briefing"), &"open".into())
            .unwrap()
            .as_bool()
    };
    assert_eq!(is_open(), Some(true));
    live.toggle();
    leptos::task::tick().await;
    assert_eq!(is_open(), Some(false));
    live.toggle();
}

#[wasm_bindgen_test]
async fn story_messages_appear_as_the_clock_passes_them() {
    let (root, live) = mount_live(|| view! { <live::ScenarioPanel /> });
    let live = live.get().unwrap();
    live.choose_scenario("api_cascade_2022");
    leptos::task::tick().await;
    let first = live.scenario.with_untracked(|s| s.messages[0].clone());
    assert!(root
        .query_selector(".story-banner.waiting")
        .unwrap()
        .is_some());
    live.advance((first.t_ms - live.now_ms()) as f64);
    leptos::task::tick().await;
    let banner = query(&root, ".story-banner");
    assert_eq!(
        banner.get_attribute("data-story-t"),
        Some(first.t_ms.to_string())
    );
    assert!(banner.text_content().unwrap().contains(&first.text));
    assert_eq!(banner.get_attribute("role").as_deref(), Some("status"));
}

#[wasm_bindgen_test]
async fn an_update_due_out_of_sight_is_told_in_the_sticky_bar() {
    let (root, live) = mount_live(|| {
        view! {
            <live::ScenarioPanel />
            <live::LiveTop />
            // The map, the panels and the charts below the bar.
            <div style="height: 6000px"></div>
        }
    });
    let live = live.get().unwrap();
    live.choose_scenario("api_cascade_2022");
    leptos::task::tick().await;
    let messages = live.scenario.with_untracked(|s| s.messages.clone());
    assert!(messages.len() >= 4, "{}", messages.len());
    let window = web_sys::window().unwrap();
    let story = query(&root, ".story-slot");
    let bar = query(&root, "section.live-top");
    let go_to = |t: u64| {
        live.advance((t - live.now_ms()) as f64);
    };
    let notice = || live.notice.get_untracked().map(|n| n.text);

    // The banner in view: the update is read there, not repeated above.
    story.scroll_into_view();
    go_to(messages[0].t_ms);
    leptos::task::tick().await;
    assert_eq!(notice(), None);

    // Scrolled down to the charts, the bar stuck to the top: the next one
    // is told in the bar's notice line, with its time and words.
    window.scroll_to_with_x_and_y(
        0.0,
        bar.get_bounding_client_rect().top() + window.scroll_y().unwrap() + 3000.0,
    );
    assert!(
        story.get_bounding_client_rect().bottom() < 0.0,
        "the banner is out of sight"
    );
    go_to(messages[1].t_ms);
    leptos::task::tick().await;
    let at = live.clock_at(messages[1].t_ms);
    assert_eq!(
        notice(),
        Some(format!("Incident update {at}: {}", messages[1].text))
    );

    // A move along the timeline past two at once tells the latest.
    live.seek(messages[3].t_ms).unwrap();
    leptos::task::tick().await;
    let at = live.clock_at(messages[3].t_ms);
    assert_eq!(
        notice(),
        Some(format!(
            "Incident update {at}, the latest of 2: {}",
            messages[3].text
        ))
    );

    // A problem shown in the line is not pushed out by an update.
    let problem = live::Notice {
        error: true,
        text: "A problem.".into(),
    };
    live.notice.set(Some(problem.clone()));
    if let Some(next) = messages.get(4) {
        go_to(next.t_ms);
        leptos::task::tick().await;
        assert_eq!(live.notice.get_untracked(), Some(problem));
    }
    window.scroll_to_with_x_and_y(0.0, 0.0);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_users_file_runs_and_the_debrief_follows_the_end() {
    let (root, live) = mount_live(|| view! { <live::ScenarioPanel /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    live.load_user_file("drill.toml", USER_TOML).unwrap();
    leptos::task::tick().await;
    assert_eq!(live.scenario_key.get_untracked(), url_state::USER_SCENARIO);
    assert_eq!(live.seed.get_untracked(), 5);
    assert!(root.query_selector(".debrief").unwrap().is_none());
    // Its link replays from this browser's copy.
    let run = url_state::decode(&url_state::encode(&live.run_state()))
        .unwrap()
        .unwrap();
    assert_eq!(run.scenario, "user");
    live.advance(200_000.0);
    leptos::task::tick().await;
    let debrief = query(&root, ".debrief");
    let text = debrief.text_content().unwrap();
    assert!(text.contains("What actually happened"), "{text}");
    assert!(
        text.contains("Nothing happened: this is a practice file."),
        "{text}"
    );
    assert!(
        debrief
            .query_selector("[data-figure=users_affected_minutes]")
            .unwrap()
            .is_some(),
        "the run's own figures beside it"
    );
    for indicator in ["api_success", "message_load_p99_ms"] {
        assert!(
            debrief
                .query_selector(&format!("tr[data-indicator={indicator}]"))
                .unwrap()
                .is_some(),
            "the debrief's worst {indicator}"
        );
    }
    assert!(query(&root, ".story-banner")
        .text_content()
        .unwrap()
        .contains("Thirty seconds in"));
}

/// Mounts the scenario panel, loads the user's file `toml` (named `name`)
/// and runs it past its end, so the debrief shows.
async fn debrief_of(name: &str, toml: &str) -> (web_sys::HtmlElement, Live) {
    let (root, live) = mount_live(|| view! { <live::ScenarioPanel /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    live.load_user_file(name, toml).unwrap();
    leptos::task::tick().await;
    live.advance(100_000.0);
    leptos::task::tick().await;
    (root, live)
}

/// A drill whose one band the quiet platform cannot meet, marked as a
/// known model gap.
const GAP_TOML: &str = r#"name = "Gap drill"
start = "10:00:00"
duration = "1m"
seed = 5

[[expect]]
indicator = "api_success"
kind = "max"
value = 0.2
tolerance = 0.1
why = "A figure the quiet platform cannot reach."
source = "test"
gap = "the model stays healthy here"
"#;

#[wasm_bindgen_test]
async fn the_debrief_marks_a_missed_known_gap_band_as_such() {
    let (root, _live) = debrief_of("gap.toml", GAP_TOML).await;
    let band = query(&root, ".debrief .bands li");
    assert_eq!(band.get_attribute("data-pass").as_deref(), Some("false"));
    let class = band.class_name();
    assert!(class.contains("gap") && !class.contains("miss"), "{class}");
    assert!(
        band.text_content()
            .unwrap()
            .contains("Known model gap: the model stays healthy here"),
        "{:?}",
        band.text_content()
    );
    assert!(
        band.text_content()
            .unwrap()
            .starts_with("Missed: API success rate at its highest 20.0%, give or take 10.0%"),
        "{:?}",
        band.text_content()
    );
}

#[wasm_bindgen_test]
fn a_malformed_user_file_names_file_and_line_and_the_run_goes_on() {
    let (_root, live) = mount_live(|| ());
    let live = live.get().unwrap();
    live.act(Action::Kill {
        component: "Redis_Sessions".into(),
    })
    .unwrap();
    live.advance(30_000.0);
    let before = (
        live.scenario_key.get_untracked(),
        live.now_ms(),
        live.user_actions.get_untracked(),
        live.snapshot.get_untracked(),
    );
    let bad = "name = \"Broken\"\nduration = \"banana\"\n";
    let err = live.load_user_file("broken.toml", bad).unwrap_err();
    assert!(err.contains("broken.toml:2"), "names file and line: {err}");
    assert!(err.contains("duration"), "names the problem: {err}");
    let n = live.notice.get_untracked().unwrap();
    assert!(n.error && n.text.contains("broken.toml:2"), "{}", n.text);
    assert_eq!(
        (
            live.scenario_key.get_untracked(),
            live.now_ms(),
            live.user_actions.get_untracked(),
            live.snapshot.get_untracked(),
        ),
        before,
        "the current run is untouched"
    );
}

#[wasm_bindgen_test]
async fn a_counterfactual_switch_restarts_the_run_with_it_and_the_link_names_it() {
    let (root, live) = mount_live(|| view! { <live::ScenarioPanel /> });
    let live = live.get().unwrap();
    live.choose_scenario("api_cascade_2022");
    leptos::task::tick().await;
    let (key, base) = live.scenario.with_untracked(|s| {
        (
            s.counterfactuals
                .first()
                .expect("the 2022 cascade has counterfactuals")
                .key
                .clone(),
            Scenario::clone(s),
        )
    });
    live.advance(60_000.0);
    let sel = format!("label[data-counterfactual={key}] input");
    let input = query(&root, &sel);
    click(&input);
    leptos::task::tick().await;
    assert_eq!(live.counterfactuals.get_untracked(), vec![key.clone()]);
    assert_eq!(live.now_ms(), 1000, "the run starts again");
    assert_eq!(
        *live.scenario.get_untracked(),
        base.with_counterfactual(&key).unwrap(),
        "the running scenario has the switch on"
    );
    let frag = url_state::encode(&live.run_state());
    assert!(frag.contains(&format!("cf={key}")), "{frag}");
    let run = url_state::decode(&frag).unwrap().unwrap();
    assert_eq!(run.counterfactuals, vec![key.clone()]);
    // Off again: back to the scenario as written.
    click(&query(&root, &sel));
    leptos::task::tick().await;
    assert!(live.counterfactuals.get_untracked().is_empty());
    assert_eq!(*live.scenario.get_untracked(), base);
    // An unknown switch in a link is named.
    let e = url_state::decode("#s=api_cascade_2022&cf=no_such_fix").unwrap_err();
    assert_eq!(e.field, "cf");
    assert!(e.problem.contains("no_such_fix"), "{}", e.problem);
}

/// A drill with one band for its own run and one for the run with its
/// switch on (`with = "calm"`).
const WITH_TOML: &str = r#"name = "Switch drill"
start = "10:00:00"
duration = "1m"
seed = 5

[[expect]]
indicator = "api_success"
kind = "at_least"
value = 0.99
tolerance = 0.0
why = "The quiet platform's own run."
source = "test"
[[expect]]
indicator = "voice_success"
kind = "at_least"
value = 0.99
tolerance = 0.0
why = "The figure the source gives with the measure in place."
source = "test"
with = "calm"

[[counterfactual]]
key = "calm"
label = "Calm breakers"
breaker = "hystrix"
"#;

#[wasm_bindgen_test]
async fn the_debrief_adds_a_switchs_own_bands_when_that_switch_is_on() {
    let (root, live) = debrief_of("with.toml", WITH_TOML).await;
    let texts = |root: &web_sys::Element| -> Vec<String> {
        let list = root.query_selector_all(".debrief .bands li").unwrap();
        (0..list.length())
            .map(|k| list.item(k).unwrap().text_content().unwrap())
            .collect()
    };
    let own = texts(&root);
    assert_eq!(own.len(), 1, "{own:?}");
    // The band in words, with its verdict first.
    assert!(
        own[0].starts_with("Met: API success rate never below"),
        "{own:?}"
    );
    // The switch's own figure is named, not judged, while it is off.
    let hint = query(&root, ".debrief [data-note=with-switch]");
    assert!(
        hint.text_content()
            .unwrap()
            .contains("with “Calm breakers” in place"),
        "{:?}",
        hint.text_content()
    );
    click(&query(&root, "label[data-counterfactual=calm] input"));
    leptos::task::tick().await;
    assert_eq!(
        live.counterfactuals.get_untracked(),
        vec!["calm".to_string()]
    );
    live.advance(100_000.0);
    leptos::task::tick().await;
    let both = texts(&root);
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(
        both[1].starts_with("Met: Voice connection success never below")
            && both[1].contains(", with “Calm breakers”"),
        "{both:?}"
    );
    // The run's own band is shown for comparison, not judged: the run
    // with a fix on is not the incident.
    let own = query(&root, ".debrief .bands li");
    assert_eq!(own.get_attribute("data-pass").as_deref(), Some("compare"));
    assert!(
        both[0].starts_with("API success rate never below 99.0%"),
        "{both:?}"
    );
    assert!(query(&root, ".debrief .bands-note")
        .text_content()
        .unwrap()
        .contains("not the incident as it happened"));
    assert!(
        root.query_selector(".debrief [data-note=with-switch]")
            .unwrap()
            .is_none(),
        "no hint once the switch is on"
    );
}

/// A quiet platform that loses its API gateway at 10:00:10; the switch
/// revives it ten seconds later (natively: -65.5%, helping at 5 of 5 seeds).
const REVIVE_TOML: &str = r#"name = "Revive drill"
start = "10:00:00"
duration = "5m"
seed = 5

[[at]]
t = "10:00:10"
action = { type = "kill", component = "API_Gateway" }

[[counterfactual]]
key = "revive"
label = "Quick revival"
[[counterfactual.at]]
t = "10:00:20"
action = { type = "revive", component = "API_Gateway" }
"#;

#[wasm_bindgen_test]
async fn the_debrief_says_what_a_switch_bought_at_this_seed_and_over_the_seeds() {
    let (root, live) = debrief_of("revive.toml", REVIVE_TOML).await;
    live.advance(300_000.0);
    leptos::task::tick().await;
    assert!(root.query_selector(".debrief").unwrap().is_some());
    // Without a switch on there is nothing to compare.
    assert!(root
        .query_selector(".debrief [data-action=measure_switches]")
        .unwrap()
        .is_none());
    click(&query(&root, "label[data-counterfactual=revive] input"));
    leptos::task::tick().await;
    live.advance(400_000.0);
    leptos::task::tick().await;
    let same = query(&root, ".debrief [data-figure=same_seed]")
        .text_content()
        .unwrap();
    assert!(
        same.starts_with("Without the switch, same seed: ")
            && same.contains("At this seed the switch cut it by"),
        "{same}"
    );
    // Over the five calibration seeds, one at a time.
    let button = query(&root, ".debrief [data-action=measure_switches]");
    assert_eq!(
        button.text_content().unwrap(),
        "Measure over the 5 calibration seeds"
    );
    click(&button);
    leptos::task::tick().await;
    let over = || {
        query(&root, ".debrief [data-figure=over_seeds]")
            .text_content()
            .unwrap()
    };
    assert!(over().starts_with("Measuring: 0 of 5"), "{}", over());
    for _ in 0..200 {
        if over().starts_with("Over ") {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
        leptos::task::tick().await;
    }
    // The same figures the CLI's report computes, here in the browser.
    let base = url_state::load_run_scenario(url_state::USER_SCENARIO, &[], &[], false).unwrap();
    let with = base.with_counterfactual("revive").unwrap();
    let mut tally = faultline_core::scenario::ensemble::SwitchTally::default();
    for seed in 5..10 {
        let score = |s: &Scenario| {
            faultline_core::scenario::users_affected_minutes(
                &faultline_core::Sim::run_samples(s, seed).unwrap(),
            )
        };
        tally.push(score(&base), score(&with));
    }
    assert_eq!(tally.helped(), 5);
    assert_eq!(
        over(),
        format!(
            "Over the scenario's calibration seeds 5-9, without operator actions (as faultline report), the switch changed users affected × minutes by {:+.1}% on average and helped at 5 of 5 seeds (a cut of 1% or more against the same seed without it).",
            tally.change() * 100.0
        )
    );
    // A measure the trainee walks away from stops quietly: switching the
    // fix off restarts the run, and the debrief (and its figures) go.
    click(&query(&root, ".debrief [data-action=measure_switches]"));
    leptos::task::tick().await;
    assert!(over().starts_with("Measuring"), "{}", over());
    click(&query(&root, "label[data-counterfactual=revive] input"));
    leptos::task::tick().await;
    for _ in 0..10 {
        gloo_timers::future::TimeoutFuture::new(20).await;
        leptos::task::tick().await;
    }
    assert!(live.counterfactuals.get_untracked().is_empty());
    assert!(root.query_selector(".debrief").unwrap().is_none());
}
