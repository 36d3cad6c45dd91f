//! The timeline: going back replays the run to the chosen time, the
//! operator's later actions stay recorded and happen again, acting anew
//! drops them, and a drill only runs forward.

use super::*;

fn kill(id: &str) -> Action {
    Action::Kill {
        component: id.into(),
    }
}

/// The steady state with Redis Sessions killed at 19:01 and Guilds at
/// 19:03, run to 19:05.
fn run_with_two_kills(live: &Live) {
    live.advance(60_000.0);
    live.act(kill("Redis_Sessions")).unwrap();
    live.advance(120_000.0);
    live.act(kill("Guilds_Service")).unwrap();
    live.advance(120_000.0);
    assert_eq!(live.now_ms(), 300_000);
}

/// Waits for a move along the timeline to be done (on an animation frame).
async fn settle(live: &Live) {
    for _ in 0..200 {
        leptos::task::tick().await;
        if !live.seeking() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    panic!("the timeline never got there");
}

/// The playback bar over the steady state two minutes in, and its slider.
async fn playback_two_minutes_in() -> (web_sys::HtmlElement, Live, web_sys::Element) {
    let (root, live) = mount_live(|| view! { <PlaybackBar /> });
    let live = live.get().unwrap();
    live.advance(120_000.0);
    leptos::task::tick().await;
    let slider = query(&root, "input[data-control=timeline]");
    (root, live, slider)
}

/// Where the timeline's thumb is (its value).
fn thumb(slider: &web_sys::Element) -> String {
    slider
        .dyn_ref::<web_sys::HtmlInputElement>()
        .unwrap()
        .value()
}

fn samples(live: &Live) -> Vec<faultline_core::sim::Sample> {
    live.with_sim(|s| s.samples().to_vec())
}

#[wasm_bindgen_test]
async fn going_back_on_the_timeline_and_playing_on_gives_the_same_run() {
    let (root, live) = mount_live(|| view! { <PlaybackBar /> });
    let live = live.get().unwrap();
    run_with_two_kills(&live);
    let snapshot = live.snapshot.get_untracked();
    let samples_then = samples(&live);
    let events_then = live.events.get_untracked().len();
    leptos::task::tick().await;
    assert_eq!(
        root.query_selector_all(".live-timeline .mark:not(.ahead)")
            .unwrap()
            .length(),
        2,
        "both actions are marked on the timeline"
    );

    // Back to 19:02:00, between the two kills, with the slider.
    let slider = query(&root, "input[data-control=timeline]");
    assert_eq!(slider.get_attribute("max").as_deref(), Some("14400000"));
    set_value(&slider, "120000", "change");
    assert!(live.seeking(), "the move waits for the next frame");
    settle(&live).await;
    assert_eq!(live.now_ms(), 120_000);
    assert_eq!(
        query(&root, "[data-clock]").text_content().unwrap(),
        "19:02:00"
    );
    assert_eq!(
        live.user_actions.get_untracked(),
        vec![(60_000, kill("Redis_Sessions"))]
    );
    assert_eq!(
        live.ahead.get_untracked(),
        vec![(180_000, kill("Guilds_Service"))]
    );
    assert_eq!(
        samples(&live),
        samples_then[..samples(&live).len()].to_vec(),
        "the run up to there is the same run"
    );
    let last = samples(&live).last().map_or(0, |s| s.t_ms);
    assert!(
        (110_000..=120_000).contains(&last),
        "the charts end at the clock: {last}"
    );
    let guilds = index_of("Guilds_Service");
    assert_ne!(
        live.snapshot.get_untracked().components[guilds].health,
        Health::Down,
        "Guilds is up again: its kill is ahead of the clock"
    );
    assert_eq!(
        query(&root, "[data-recorded]")
            .get_attribute("data-recorded")
            .as_deref(),
        Some("1")
    );
    assert_eq!(
        root.query_selector_all(".live-timeline .mark.ahead")
            .unwrap()
            .length(),
        1
    );
    let notice = live.notice.get_untracked().expect("a notice explains");
    assert!(
        !notice.error && notice.text.contains("Back at 19:02:00"),
        "{notice:?}"
    );
    // The link keeps the whole recording and the clock.
    let run = live.run_state();
    assert_eq!((run.t_ms, run.actions.len()), (120_000, 2));
    let back = url_state::decode(&url_state::encode(&run))
        .unwrap()
        .unwrap();
    assert_eq!(back, run, "the link keeps the recording ahead of the clock");

    // Forward again: the recorded kill happens at its time.
    live.seek(300_000).unwrap();
    leptos::task::tick().await;
    assert!(live.ahead.get_untracked().is_empty());
    assert_eq!(live.snapshot.get_untracked(), snapshot);
    assert_eq!(samples(&live), samples_then, "bit for bit the same run");
    assert_eq!(live.events.get_untracked().len(), events_then);
    assert!(root.query_selector("[data-recorded]").unwrap().is_none());
}

/// The steady state (seed 7, as mounted) replayed from t = 0 to `t_ms`
/// with `actions` applied at their times: what going back must give.
fn replayed_from_the_start(actions: &[(u64, Action)], t_ms: u64) -> faultline_core::Sim {
    let mut sim = faultline_core::Sim::new(&steady(), 7).unwrap();
    for (t, a) in actions {
        sim.step_until(*t);
        sim.apply(a.clone()).unwrap();
    }
    sim.step_until(t_ms);
    sim
}

#[wasm_bindgen_test]
async fn going_back_resumes_from_the_checkpoint_before_and_gives_the_same_run() {
    let (root, live) = mount_live(|| view! { <PlaybackBar /> });
    let live = live.get().unwrap();
    live.advance(60_000.0);
    live.act(kill("Redis_Sessions")).unwrap();
    live.advance(2_640_000.0);
    assert_eq!(live.now_ms(), 2_700_000, "19:45");
    // One every 10 minutes (1/24 of the four hours) as the run passed it.
    assert_eq!(
        live.checkpoint_times(),
        vec![600_000, 1_200_000, 1_800_000, 2_400_000]
    );

    // Back to 19:25 with the slider: resumed at 19:20, the same run.
    set_value(
        &query(&root, "input[data-control=timeline]"),
        "1500000",
        "change",
    );
    settle(&live).await;
    assert_eq!(live.now_ms(), 1_500_000);
    assert_eq!(live.replayed_from(), 1_200_000);
    let sessions = vec![(60_000, kill("Redis_Sessions"))];
    let fresh = replayed_from_the_start(&sessions, 1_500_000);
    assert_eq!(live.snapshot.get_untracked(), fresh.snapshot());
    assert_eq!(samples(&live), fresh.samples());
    assert_eq!(live.events.get_untracked(), fresh.events());
    assert_eq!(
        query(&root, "[data-clock]").text_content().unwrap(),
        "19:25:00"
    );

    // Forward again to 19:42: the run has been there, so it jumps from
    // its 19:40 checkpoint instead of simulating the way; then back to
    // 19:25 by the slider.
    live.seek(2_520_000).unwrap();
    assert_eq!(live.replayed_from(), 2_400_000);
    let fresh = replayed_from_the_start(&sessions, 2_520_000);
    assert_eq!(live.snapshot.get_untracked(), fresh.snapshot());
    assert_eq!(samples(&live), fresh.samples());
    assert_eq!(live.events.get_untracked(), fresh.events());
    live.seek(1_500_000).unwrap();
    assert_eq!(live.replayed_from(), 1_200_000);

    // Acting there starts a new branch: the checkpoints after 19:25 were
    // the old one's. Forward to 19:35 and back to 19:32: resumed at the
    // new branch's own 19:30.
    live.act(kill("Guilds_Service")).unwrap();
    assert_eq!(live.checkpoint_times(), vec![600_000, 1_200_000]);
    live.seek(2_100_000).unwrap();
    assert_eq!(live.checkpoint_times(), vec![600_000, 1_200_000, 1_800_000]);
    live.seek(1_920_000).unwrap();
    assert_eq!(live.replayed_from(), 1_800_000);
    let both = vec![
        (60_000, kill("Redis_Sessions")),
        (1_500_000, kill("Guilds_Service")),
    ];
    let fresh = replayed_from_the_start(&both, 1_920_000);
    assert_eq!(live.snapshot.get_untracked(), fresh.snapshot());
    assert_eq!(samples(&live), fresh.samples());

    // Another seed is another run: from t = 0.
    live.reset(8);
    live.advance(700_000.0);
    live.seek(650_000).unwrap();
    assert_eq!(live.replayed_from(), 600_000);
    assert_eq!(live.checkpoint_times(), vec![600_000]);
}

#[wasm_bindgen_test]
async fn the_compared_run_goes_back_with_the_run_from_its_own_checkpoint() {
    use live::compare::Comparison;
    let (_root, live) = mount_live(|| ());
    let live = live.get().unwrap();
    live.advance(60_000.0);
    live.act(kill("Redis_Sessions")).unwrap();
    live.set_comparison(Some(Comparison::Scripted));
    live.advance(2_640_000.0);
    live.follow_comparison(f64::INFINITY);
    let minutes = faultline_core::scenario::users_affected_minutes;
    let compared = || live.compared_minutes().unwrap().1;
    assert_eq!(
        compared(),
        minutes(replayed_from_the_start(&[], 2_700_000).samples())
    );

    // Back to 19:25: the scripted run (nobody's actions) goes back too,
    // from its own checkpoint at 19:20, and is the scripted run.
    live.seek(1_500_000).unwrap();
    assert_eq!(live.comparison.get_untracked(), Some(Comparison::Scripted));
    assert_eq!(live.compare_replayed_from(), 1_200_000);
    assert_eq!(
        compared(),
        minutes(replayed_from_the_start(&[], 1_500_000).samples())
    );
    // Forward again to 19:42: the compared run jumps with the run, from
    // its 19:40 checkpoint.
    live.seek(2_520_000).unwrap();
    assert_eq!(live.compare_replayed_from(), 2_400_000);
    assert_eq!(
        compared(),
        minutes(replayed_from_the_start(&[], 2_520_000).samples())
    );
    live.seek(1_500_000).unwrap();
    // Nobody acting is, in the steady state (no responders), the very
    // same run, so it goes on from the same checkpoint; another seed is
    // another run, compared from t = 0.
    live.set_comparison(Some(Comparison::NobodyActing));
    assert_eq!(live.compare_replayed_from(), 1_200_000);
    live.set_comparison(Some(Comparison::Scripted));
    live.reset(8);
    assert_eq!(live.comparison.get_untracked(), Some(Comparison::Scripted));
    assert_eq!(live.compare_replayed_from(), 0);
}

#[wasm_bindgen_test]
async fn acting_after_going_back_starts_a_new_branch() {
    let (root, live) = mount_live(|| view! { <PlaybackBar /> });
    let live = live.get().unwrap();
    run_with_two_kills(&live);
    live.seek(30_000).unwrap();
    assert_eq!(live.ahead.get_untracked().len(), 2);
    assert!(live.user_actions.get_untracked().is_empty());
    live.act(kill("Presence_Service")).unwrap();
    leptos::task::tick().await;
    assert!(
        live.ahead.get_untracked().is_empty(),
        "the recording is dropped"
    );
    let notice = live.notice.get_untracked().unwrap();
    assert!(
        !notice.error
            && notice.text.contains("new branch from 19:00:30")
            && notice.text.contains("2 recorded actions"),
        "{notice:?}"
    );
    assert_eq!(
        live.run_state().actions,
        vec![(30_000, kill("Presence_Service"))]
    );
    live.seek(400_000).unwrap();
    let redis = index_of("Redis_Sessions");
    assert_ne!(
        live.snapshot.get_untracked().components[redis].health,
        Health::Down,
        "the dropped kill does not happen"
    );
    // Forgetting a recording by hand.
    live.seek(10_000).unwrap();
    leptos::task::tick().await;
    click(&query(&root, "button[data-action=forget-recording]"));
    leptos::task::tick().await;
    assert!(live.ahead.get_untracked().is_empty());
    assert!(live.run_state().actions.is_empty());
}

#[wasm_bindgen_test]
async fn the_step_back_button_goes_back_one_sample_interval() {
    let (root, live) = mount_live(|| view! { <PlaybackBar /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    click(&query(&root, "button[data-action=step]"));
    click(&query(&root, "button[data-action=step]"));
    leptos::task::tick().await;
    assert_eq!(live.now_ms(), 20_000);
    click(&query(&root, "button[data-action=step-back]"));
    settle(&live).await;
    assert_eq!(live.now_ms(), 10_000);
    assert_eq!(
        query(&root, "[data-clock]").text_content().unwrap(),
        "19:00:10"
    );
    assert!(!live.playing.get_untracked());
    assert!(
        live.notice.get_untracked().is_none(),
        "nothing recorded, nothing to say"
    );
}

#[wasm_bindgen_test]
async fn a_links_actions_after_its_clock_happen_when_the_clock_reaches_them() {
    let (_root, live) = mount_live(|| ());
    let live = live.get().unwrap();
    let run = url_state::decode(&url_state::encode(&RunState {
        t_ms: 0,
        actions: vec![(90_000, kill("Redis_Sessions"))],
        ..live.fresh_run()
    }))
    .unwrap()
    .unwrap();
    assert_eq!(run.t_ms, 0, "the clock is not moved to the last action");
    live.replay(&run);
    assert_eq!(live.now_ms(), 1_000);
    assert_eq!(live.ahead.get_untracked().len(), 1);
    live.advance(120_000.0);
    assert_eq!(
        live.user_actions.get_untracked(),
        vec![(90_000, kill("Redis_Sessions"))],
        "applied at its own time, not at a frame's"
    );
    assert_logged(&live, &["Redis Sessions"]);
}

#[wasm_bindgen_test]
async fn a_drill_only_runs_forward() {
    let (root, live) = mount_live(|| view! { <PlaybackBar /> });
    let live = live.get().unwrap();
    live.replay(&RunState {
        drill: true,
        ..live.fresh_run()
    });
    live.advance(120_000.0);
    leptos::task::tick().await;
    let back = query(&root, "button[data-action=step-back]");
    assert!(back
        .dyn_ref::<web_sys::HtmlButtonElement>()
        .unwrap()
        .disabled());
    assert_eq!(
        query(&root, ".live-timeline")
            .get_attribute("data-forward-only")
            .as_deref(),
        Some("true")
    );
    let slider = query(&root, "input[data-control=timeline]");
    // Dragging does not scrub a drill: its clock cannot come back.
    set_value(&slider, "30000", "input");
    assert!(!live.seeking(), "no move while the thumb is dragged");
    set_value(&slider, "30000", "change");
    assert!(!live.seeking(), "a refusal is said at once");
    leptos::task::tick().await;
    assert_eq!(live.now_ms(), 121_000, "the clock did not go back");
    assert_eq!(
        thumb(&slider),
        "120000",
        "the thumb goes back to the clock (on the slider's 10-s steps)"
    );
    let notice = live.notice.get_untracked().unwrap();
    assert!(
        notice.error && notice.text.contains("only runs forward"),
        "{notice:?}"
    );
    // Forward is fine.
    set_value(&slider, "600000", "change");
    settle(&live).await;
    assert_eq!(live.now_ms(), 600_000);
}

#[wasm_bindgen_test]
async fn an_events_time_in_the_log_takes_the_run_back_to_it() {
    let (root, live) = mount_live(|| view! { <EventLog /> });
    let live = live.get().unwrap();
    run_with_two_kills(&live);
    leptos::task::tick().await;
    let go = root
        .query_selector_all("li.ev button[data-action=go-to]")
        .unwrap();
    let mut kill_row = None;
    for k in 0..go.length() {
        let b: web_sys::Element = go.item(k).unwrap().dyn_into().unwrap();
        let li = b.parent_element().unwrap();
        if li
            .text_content()
            .unwrap()
            .contains("operator: kill Redis Sessions")
        {
            kill_row = Some(b);
        }
    }
    let button = kill_row.expect("the kill's row has a time to go to");
    assert_eq!(button.get_attribute("data-t").as_deref(), Some("60000"));
    click(&button);
    leptos::task::tick().await;
    assert_eq!(live.now_ms(), 60_000);
    assert_eq!(
        live.ahead.get_untracked(),
        vec![(180_000, kill("Guilds_Service"))]
    );
    let text = query(&root, "ol.events").text_content().unwrap();
    assert!(
        text.contains("kill Redis Sessions") && !text.contains("kill Guilds"),
        "the log is as it was then: {text}"
    );
    // A drill's log keeps its times, but they do not go back.
    live.replay(&RunState {
        drill: true,
        ..live.fresh_run()
    });
    live.advance(60_000.0);
    live.act(kill("Redis_Sessions")).unwrap();
    leptos::task::tick().await;
    let go = query(&root, "li.ev button[data-action=go-to]");
    assert!(go
        .dyn_ref::<web_sys::HtmlButtonElement>()
        .unwrap()
        .disabled());
}

/// Clicks `el` at `fraction` of its width, halfway down.
fn click_at(el: &web_sys::Element, fraction: f64) {
    let rect = el.get_bounding_client_rect();
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_client_x((rect.left() + rect.width() * fraction) as i32);
    init.set_client_y((rect.top() + rect.height() / 2.0) as i32);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn a_click_on_a_chart_takes_the_run_back_to_that_moment() {
    let (root, live) = mount_live(|| view! { <live::LiveCharts /> });
    let live = live.get().unwrap();
    run_with_two_kills(&live);
    leptos::task::tick().await;
    leptos::task::tick().await;
    let canvas = query(&root, "canvas.fl-chart-canvas[data-key=api_success]");
    assert!(canvas.class_list().contains("pickable"));
    // The last hour's axis is an hour wide: nothing to go to after 19:05.
    click_at(&canvas, 0.8);
    leptos::task::tick().await;
    assert_eq!(
        live.now_ms(),
        300_000,
        "a click past the last sample does nothing"
    );
    // The whole run spans the samples so far (19:00:01 to 19:05); its
    // middle is about 19:02:30, between the two kills.
    click(&query(&root, "button[data-window=WholeRun]"));
    for _ in 0..200 {
        leptos::task::tick().await;
        if canvas.get_attribute("data-window").as_deref() == Some("WholeRun") {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    assert_eq!(
        canvas.get_attribute("data-window").as_deref(),
        Some("WholeRun")
    );
    click_at(&canvas, 0.55);
    leptos::task::tick().await;
    let now = live.now_ms();
    assert!((100_000..=200_000).contains(&now), "went back to {now}");
    assert_eq!(live.user_actions.get_untracked().len(), 1);
    assert_eq!(live.ahead.get_untracked().len(), 1);
    // The left edge is the first sample.
    click_at(&canvas, 0.0);
    leptos::task::tick().await;
    assert!(live.now_ms() <= 2_000, "went back to {}", live.now_ms());
    assert_eq!(live.ahead.get_untracked().len(), 2);
    // A drill's charts are not clickable.
    live.replay(&RunState {
        drill: true,
        ..live.fresh_run()
    });
    live.advance(120_000.0);
    leptos::task::tick().await;
    let canvas = query(&root, "canvas.fl-chart-canvas[data-key=api_success]");
    assert!(!canvas.class_list().contains("pickable"));
    let before = live.now_ms();
    click_at(&canvas, 0.3);
    leptos::task::tick().await;
    assert_eq!(live.now_ms(), before, "the drill's clock did not move");
    assert!(
        !live.notice.get_untracked().is_some_and(|n| n.error),
        "and nothing to refuse"
    );
}

#[wasm_bindgen_test]
async fn the_earlier_branch_is_compared_with_the_new_one_bit_for_bit() {
    use live::compare::Comparison;
    let (_root, live) = mount_live(|| ());
    let live = live.get().unwrap();
    run_with_two_kills(&live);
    let first = faultline_core::scenario::users_affected_minutes(&samples(&live));
    assert!(
        !live
            .comparisons()
            .iter()
            .any(|(c, _)| *c == Comparison::Branch),
        "no branch yet"
    );
    // Back to 19:02, and this time the presence cluster is killed.
    live.seek(120_000).unwrap();
    live.act(kill("Presence_Service")).unwrap();
    let notice = live.notice.get_untracked().unwrap();
    assert!(notice.text.contains("your earlier branch"), "{notice:?}");
    assert_eq!(
        live.branch.get_untracked(),
        Some(vec![
            (60_000, kill("Redis_Sessions")),
            (180_000, kill("Guilds_Service"))
        ])
    );
    let (choice, label) = live.comparisons().remove(0);
    assert_eq!(choice, Comparison::Branch);
    assert_eq!(
        label,
        "your earlier branch (2 actions, before you went back)"
    );
    live.set_comparison(Some(Comparison::Branch));
    live.seek(300_000).unwrap();
    let (shown, theirs) = live.compared_minutes().unwrap();
    assert_eq!(shown, label);
    assert_eq!(
        theirs, first,
        "the earlier branch is the first run, bit for bit"
    );
    let ours = faultline_core::scenario::users_affected_minutes(&samples(&live));
    assert_ne!(ours, first, "the new branch differs");
    // The link keeps both; a reload compares again.
    let run = live.run_state();
    assert_eq!(run.compare, Some(Comparison::Branch));
    assert_eq!(
        url_state::decode(&url_state::encode(&run)).unwrap(),
        Some(run.clone())
    );
    live.replay(&run);
    assert_eq!(live.compared_minutes().map(|(_, m)| m), Some(first));
    // A reset forgets the branch, and with it the comparison.
    live.reset(run.seed);
    assert_eq!(live.branch.get_untracked(), None);
    assert_eq!(live.comparison.get_untracked(), None);
    // A link comparing with a branch it does not carry is refused.
    let e = url_state::decode("s=steady_state&cmp=branch").unwrap_err();
    assert_eq!(e.field, "cmp");
    assert!(e.problem.contains("no earlier branch"), "{}", e.problem);
}

#[wasm_bindgen_test]
async fn the_debriefs_spread_takes_the_run_back_to_a_components_first_trouble() {
    let key = "permission_cache_failure";
    let scenario = url_state::load_scenario(key).unwrap();
    let end = scenario.duration_ms;
    let (root, live) = mount_live_with(key, scenario, 1, || view! { <live::ScenarioPanel /> });
    let live = live.get().unwrap();
    live.seek(end).unwrap();
    leptos::task::tick().await;
    let first = query(&root, ".debrief ol.spread li button[data-action=go-to]");
    let t: u64 = first.get_attribute("data-t").unwrap().parse().unwrap();
    assert!(t > 0 && t < end, "{t}");
    click(&first);
    leptos::task::tick().await;
    assert_eq!(live.now_ms(), t, "back at the first trouble");
    assert!(
        root.query_selector(".debrief").unwrap().is_none(),
        "the debrief waits for the end again"
    );
}

#[wasm_bindgen_test]
async fn held_down_steps_back_coalesce_into_one_replay_a_frame() {
    let (_root, live) = mount_live(|| ());
    let live = live.get().unwrap();
    live.advance(600_000.0);
    let events_before = live.events.get_untracked().len();
    // Twelve key repeats before the next frame: one move, twelve steps back.
    for _ in 0..12 {
        live.step_back();
    }
    assert_eq!(live.now_ms(), 600_000, "nothing yet");
    settle(&live).await;
    assert_eq!(live.now_ms(), 600_000 - 12 * 10_000);
    assert!(live.events.get_untracked().len() <= events_before);
}

#[wasm_bindgen_test]
async fn a_dragged_thumb_stays_under_the_pointer_while_the_clock_moves() {
    let (root, live, slider) = playback_two_minutes_in().await;
    let value = || thumb(&slider);
    set_value(&slider, "30000", "input");
    leptos::task::tick().await;
    assert_eq!(
        query(&root, "[data-dragged]").text_content().unwrap(),
        "→ 19:00:30"
    );
    // Scrubbing: the run follows the thumb while it is dragged, back and
    // forth, before it is let go.
    settle(&live).await;
    assert_eq!(live.now_ms(), 30_000);
    set_value(&slider, "90000", "input");
    settle(&live).await;
    assert_eq!(live.now_ms(), 90_000);
    set_value(&slider, "30000", "input");
    settle(&live).await;
    assert_eq!(live.now_ms(), 30_000);
    assert!(root.query_selector("[data-dragged]").unwrap().is_some());
    // A playing run moves on under the drag: the thumb does not follow the
    // clock.
    live.advance(60_000.0);
    leptos::task::tick().await;
    assert_eq!(value(), "30000");
    // Let go: the run goes there.
    slider
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle(&live).await;
    assert_eq!(live.now_ms(), 30_000);
    assert!(root.query_selector("[data-dragged]").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn key_presses_on_the_timeline_before_a_frame_step_on_from_each_other() {
    let (_root, live, slider) = playback_two_minutes_in().await;
    let value = || thumb(&slider);
    // A key press: input, then change. Before the frame the thumb stays
    // where the press put it, so the next press steps on from there.
    for want in ["110000", "100000", "90000"] {
        let next = (value().parse::<u64>().unwrap() - 10_000).to_string();
        assert_eq!(next, want);
        set_value(&slider, &next, "input");
        set_value(&slider, &next, "change");
        leptos::task::tick().await;
        assert_eq!(value(), want, "the thumb waits with the move");
    }
    settle(&live).await;
    assert_eq!(live.now_ms(), 90_000, "three presses, one move");
}

#[wasm_bindgen_test]
async fn pause_at_updates_stops_the_clock_at_each_incident_update() {
    let key = "api_cascade_2022";
    let scenario = url_state::load_scenario(key).unwrap();
    let updates: Vec<u64> = scenario.messages.iter().map(|m| m.t_ms).collect();
    let (root, live) = mount_live_with(key, scenario, 1, || view! { <PlaybackBar /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    // Off by default: the clock runs through the updates.
    live.advance(600_000.0);
    let passed = updates
        .iter()
        .filter(|&&t| t > 1000 && t <= live.now_ms())
        .count();
    assert!(
        passed >= 1,
        "the first ten minutes hold an update: {updates:?}"
    );
    // On: each advance stops at the next update and pauses.
    let toggle = query(&root, "input[data-control=pause-at-updates]");
    js_sys::Reflect::set(&toggle, &"checked".into(), &true.into()).unwrap();
    toggle
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    assert!(live.pause_at_updates.get_untracked());
    for _ in 0..2 {
        let from = live.now_ms();
        let next = *updates.iter().find(|&&t| t > from).expect("a later update");
        live.playing.set(true);
        live.advance(3_600_000.0);
        assert_eq!(
            live.now_ms(),
            next,
            "stopped at the update due at {next} ms"
        );
        assert!(!live.playing.get_untracked());
        // The notice tells the update itself: its banner may be out of view.
        let text = live.scenario.with_untracked(|s| {
            s.messages
                .iter()
                .find(|m| m.t_ms == next)
                .unwrap()
                .text
                .clone()
        });
        assert_eq!(
            live.notice.get_untracked().map(|n| n.text),
            Some(format!(
                "Paused at the incident update of {}: {text} Press Play (or Space) to go on.",
                live.clock_at(next)
            ))
        );
    }
    // A move along the timeline goes where it is asked, past updates.
    let from = live.now_ms();
    let past: Vec<u64> = updates
        .iter()
        .copied()
        .filter(|&t| t > from)
        .take(2)
        .collect();
    assert_eq!(past.len(), 2, "two more updates: {updates:?}");
    live.seek(past[1] + 60_000).unwrap();
    assert_eq!(live.now_ms(), past[1] + 60_000);
    // A drill holds its updates back: no stop, and no checkbox.
    live.set_drill(true);
    leptos::task::tick().await;
    assert!(root
        .query_selector("input[data-control=pause-at-updates]")
        .unwrap()
        .is_none());
    live.advance(3_600_000.0);
    assert!(live.now_ms() > 3_600_000);
}
