//! Browser tests of the live sandbox (wasm-bindgen-test in headless Chromium):
//! mount the panels over a running simulation, act through the buttons,
//! step, let Leptos settle and read the DOM; plus the pure view model and
//! URL fragment codec.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p faultline-app --test live`

use faultline_app::live;
use faultline_app::Selection;

use faultline_core::sim::{BreakerMode, Health, KillSwitch};
use faultline_core::{Action, Scenario};
use leptos::prelude::*;
use live::driver::Live;
use live::url_state::{self, RunState};
use live::view_model::{self, RetryChoice};
use live::{ComponentActions, EventLog, PlaybackBar, SwitchesPanel, TrafficPanel};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "live/drill.rs"]
mod drill;

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container in the body.
fn container() -> web_sys::HtmlElement {
    let el = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el.dyn_into().unwrap()
}

fn query(root: &web_sys::Element, sel: &str) -> web_sys::Element {
    root.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches `{sel}`"))
}

/// Clicks any element (HTML or SVG) with a bubbling click, as a pointer would.
fn click(el: &web_sys::Element) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&ev).unwrap();
}

/// Sets a form control's value and fires `event` (`input` or `change`), as
/// typing or picking would.
fn set_value(el: &web_sys::Element, value: &str, event: &str) {
    js_sys::Reflect::set(el, &"value".into(), &value.into()).unwrap();
    el.dispatch_event(&web_sys::Event::new(event).unwrap())
        .unwrap();
}

fn steady() -> Scenario {
    Scenario::bundled_steady_state().expect("bundled scenario")
}

/// Mounts `f`'s view with a fresh [`Live`] of the steady state and a
/// selection in context; returns the root and the handle.
fn mount_live<V: IntoView + 'static>(
    f: impl Fn() -> V + 'static,
) -> (
    web_sys::HtmlElement,
    std::rc::Rc<std::cell::Cell<Option<Live>>>,
) {
    mount_live_with("steady_state", steady(), 7, f)
}

/// [`mount_live`] for another scenario and seed.
fn mount_live_with<V: IntoView + 'static>(
    key: &'static str,
    scenario: Scenario,
    seed: u64,
    f: impl Fn() -> V + 'static,
) -> (
    web_sys::HtmlElement,
    std::rc::Rc<std::cell::Cell<Option<Live>>>,
) {
    let root = container();
    let slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let s2 = slot.clone();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let live = Live::new(key, scenario.clone(), seed, 60.0).expect("sim");
        provide_context(live);
        provide_context(Selection(RwSignal::new(None)));
        s2.set(Some(live));
        f()
    });
    handle.forget();
    (root, slot)
}

fn index_of(id: &str) -> usize {
    steady().topology.component_index(id).unwrap()
}

#[wasm_bindgen_test]
async fn kill_button_takes_redis_sessions_down_after_a_step() {
    let i = index_of("Redis_Sessions");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let health = query(&root, ".live-health");
    assert_eq!(
        health.get_attribute("data-health").as_deref(),
        Some("healthy")
    );
    click(&query(&root, "button[data-action=kill]"));
    live.step();
    leptos::task::tick().await;
    let health = query(&root, ".live-health");
    assert_eq!(health.get_attribute("data-health").as_deref(), Some("down"));
    // The action is in the operator's log with its simulated time, and in the event log.
    let log = live.user_actions.get_untracked();
    assert_eq!(log.len(), 1);
    assert!(matches!(&log[0].1, Action::Kill { component } if component == "Redis_Sessions"));
    assert!(live
        .events
        .get_untracked()
        .iter()
        .any(|e| e.component.as_deref() == Some("Redis_Sessions")));
}

#[wasm_bindgen_test]
async fn slow_tail_button_slows_a_share_of_the_database_and_the_p99_jumps() {
    let i = index_of("ScyllaDB_Primary");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    live.step();
    leptos::task::tick().await;
    let before = live.snapshot.get_untracked().sli.delivery_latency_p99_ms;
    let set = |sel: &str, v: &str, event: &str| set_value(&query(&root, sel), v, event);
    set("input[data-control=latency_ms]", "1500", "input");
    set("select[data-control=tail_share]", "5", "change");
    click(&query(&root, "button[data-action=slow_tail]"));
    live.step();
    leptos::task::tick().await;
    let log = live.user_actions.get_untracked();
    assert_eq!(
        log.last().map(|x| &x.1),
        Some(&Action::SlowTail {
            component: "ScyllaDB_Primary".into(),
            share: 0.05,
            ms: 1500.0,
        })
    );
    let after = live.snapshot.get_untracked().sli;
    assert!(
        after.delivery_latency_p99_ms > before + 1000.0,
        "p99 {before} → {}",
        after.delivery_latency_p99_ms
    );
    assert!(after.api_success > 0.99, "{after:?}");
    assert_eq!(
        query(&root, ".live-health")
            .get_attribute("data-health")
            .as_deref(),
        Some("degraded")
    );
    assert!(live
        .events
        .get_untracked()
        .iter()
        .any(|e| e.message.contains("slow 5.0% of") && e.message.contains("by 1500 ms")));
}

/// The component `id`'s figures in the simulation's own snapshot.
fn comp_state(live: &Live, id: &str) -> faultline_core::sim::ComponentState {
    live.with_sim(|s| s.snapshot().components[index_of(id)])
}

/// A form control's current `value` property.
fn value_of(el: &web_sys::Element) -> String {
    js_sys::Reflect::get(el, &"value".into())
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
async fn rate_limit_row_raises_the_gateways_quota_and_refuses_a_negative_one() {
    let i = index_of("API_Gateway");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let now = || {
        query(&root, "[data-now=rate_limit]")
            .text_content()
            .unwrap()
    };
    let input = query(&root, "input[data-control=rate_limit]");
    assert_eq!(
        now(),
        "now 83.3/s per server",
        "the scenario's 5,000 req/min"
    );
    assert_eq!(value_of(&input), "83.3", "prefilled with the current limit");
    assert_eq!(
        input.get_attribute("aria-label").as_deref(),
        Some("Rate limit, requests per second per server")
    );
    // Seed 001, 17:05: quotas raised.
    set_value(&input, "333.3", "input");
    click(&query(&root, "button[data-action=set_rate_limit]"));
    leptos::task::tick().await;
    assert_eq!(
        comp_state(&live, "API_Gateway").rate_limit_per_server,
        333.3
    );
    assert_eq!(now(), "now 333.3/s per server");
    let log = live.user_actions.get_untracked();
    assert!(matches!(
        log.last().map(|x| &x.1),
        Some(Action::SetRateLimit { component, per_server })
            if component == "API_Gateway" && *per_server == 333.3
    ));
    assert!(live.notice.get_untracked().is_none());
    // A negative limit and an empty box are refused with a notice, not a panic.
    for bad in ["-5", ""] {
        live.notice.set(None);
        set_value(&input, bad, "input");
        click(&query(&root, "button[data-action=set_rate_limit]"));
        leptos::task::tick().await;
        let n = live.notice.get_untracked().expect("a refusal notice");
        assert!(n.error && n.text.contains("set_rate_limit"), "{}", n.text);
        assert!(n.text.contains("per_server"), "{}", n.text);
    }
    assert_eq!(live.user_actions.get_untracked().len(), log.len());
    assert_eq!(
        comp_state(&live, "API_Gateway").rate_limit_per_server,
        333.3
    );
    assert_eq!(now(), "now 333.3/s per server");
}

#[wasm_bindgen_test]
async fn queue_limit_row_cuts_the_gateways_queue_limit_and_refuses_a_negative_one() {
    let i = index_of("API_Gateway");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let now = || {
        query(&root, "[data-now=queue_limit]")
            .text_content()
            .unwrap()
    };
    let input = query(&root, "input[data-control=queue_limit]");
    assert_eq!(now(), "now 2,000,000");
    assert_eq!(value_of(&input), "2000000");
    set_value(&input, "5000", "input");
    click(&query(&root, "button[data-action=set_queue_limit]"));
    live.step();
    leptos::task::tick().await;
    let gw = comp_state(&live, "API_Gateway");
    assert_eq!(gw.queue_limit, 5000.0);
    assert!(gw.queue <= 5000.0, "{}", gw.queue);
    assert_eq!(now(), "now 5,000");
    assert!(matches!(
        live.user_actions.get_untracked().last().map(|x| &x.1),
        Some(Action::SetQueueLimit { component, limit })
            if component == "API_Gateway" && *limit == 5000.0
    ));
    set_value(&input, "-1", "input");
    click(&query(&root, "button[data-action=set_queue_limit]"));
    leptos::task::tick().await;
    let n = live.notice.get_untracked().expect("a refusal notice");
    assert!(n.error && n.text.contains("set_queue_limit"), "{}", n.text);
    assert_eq!(comp_state(&live, "API_Gateway").queue_limit, 5000.0);
    assert_eq!(live.user_actions.get_untracked().len(), 1);
}

#[wasm_bindgen_test]
async fn only_rate_limited_components_get_a_rate_limit_row() {
    let i = index_of("Redis_Sessions");
    assert_eq!(steady().params[i].rate_limit_per_server, 0.0);
    let (root, _live) = mount_live(move || view! { <ComponentActions index=i /> });
    leptos::task::tick().await;
    assert!(root
        .query_selector("input[data-control=rate_limit]")
        .unwrap()
        .is_none());
    query(&root, "input[data-control=queue_limit]");
    query(&root, "button[data-action=set_queue_limit]");
}

#[wasm_bindgen_test]
async fn a_retry_policy_can_roll_out_to_the_clients_like_an_app_update() {
    let (root, live) = mount_live(|| view! { <TrafficPanel /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    assert!(
        root.query_selector("[data-figure=retry_adoption]")
            .unwrap()
            .is_none(),
        "no rollout under way: no note"
    );
    let set = |sel: &str, v: &str| set_value(&query(&root, sel), v, "change");
    set("select[data-control=retry_rollout]", "14400000");
    set("select[data-control=retry_policy]", "full_jitter");
    leptos::task::tick().await;
    let log = live.user_actions.get_untracked();
    assert_eq!(
        log.last().map(|x| &x.1),
        Some(&Action::SetRetryPolicy {
            policy: RetryChoice::FullJitter.policy(),
            rollout_ms: 14_400_000.0,
        })
    );
    assert!(live.events.get_untracked().iter().any(|e| e
        .message
        .contains("rolling out to clients (63% within 240 min)")));
    // The link keeps the rollout.
    let frag = url_state::encode(&live.run_state());
    assert_eq!(url_state::decode(&frag).unwrap().unwrap().actions, log);
    // A minute on, the panel says how far the new policy has reached.
    for _ in 0..6 {
        live.step();
    }
    leptos::task::tick().await;
    let reached = live.snapshot.get_untracked().retry_policy_adoption;
    assert!(reached > 0.0 && reached < 0.01, "{reached}");
    let note = query(&root, "[data-figure=retry_adoption]")
        .text_content()
        .unwrap();
    assert_eq!(
        note,
        format!(
            "The new policy has reached {:.0}% of clients; the rest retry the old way.",
            reached * 100.0
        )
    );
}

#[wasm_bindgen_test]
async fn chart_markers_tell_the_scenario_timeline_from_the_trainees_actions() {
    use faultline_app::charts::MarkerKind;
    let scenario = faultline_core::scenario::library::bundled()
        .iter()
        .find(|b| b.key == "compaction_storm_2024")
        .unwrap()
        .load()
        .unwrap();
    let (_, live) = mount_live_with("compaction_storm_2024", scenario, 1, || ());
    let live = live.get().unwrap();
    // The compaction begins at 02:00, ten minutes (60 samples) in.
    for _ in 0..61 {
        live.step();
    }
    live.act(Action::Kill {
        component: "Redis_Sessions".into(),
    })
    .unwrap();
    live.step();
    leptos::task::tick().await;
    let marks = live.markers.get_untracked();
    let scripted = marks
        .iter()
        .find(|m| m.label.contains("slow 2.0% of"))
        .expect("the scenario's 02:00 compaction is marked");
    assert_eq!(scripted.kind, MarkerKind::Event, "{scripted:?}");
    let mine = marks
        .iter()
        .find(|m| m.label.contains("kill Redis Sessions"))
        .expect("the trainee's kill is marked");
    assert_eq!(mine.kind, MarkerKind::UserAction, "{mine:?}");
}

#[wasm_bindgen_test]
async fn breaker_toggle_changes_the_edge_state() {
    let topo = steady().topology;
    // The first call edge of the API gateway (or any component with one).
    let (j, d) = topo
        .dependencies
        .iter()
        .enumerate()
        .find(|(_, d)| d.kind == faultline_core::DependencyKind::Call)
        .unwrap();
    let (from, to) = (
        topo.components[d.from].id.clone(),
        topo.components[d.to].id.clone(),
    );
    let ci = d.from;
    let (root, live) = mount_live(move || view! { <ComponentActions index=ci /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let sel = format!("li.live-breaker[data-edge=\"{from}>{to}\"]");
    let row = query(&root, &sel);
    assert_eq!(row.get_attribute("data-breaker").as_deref(), Some("closed"));
    click(&query(&row, "button[data-mode=force_open]"));
    live.step();
    leptos::task::tick().await;
    let row = query(&root, &sel);
    assert_eq!(row.get_attribute("data-breaker").as_deref(), Some("open"));
    assert_eq!(
        query(&row, "button[data-mode=force_open]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    let c = view_model::controls(&steady(), &live.applied.get_untracked());
    assert_eq!(c.breaker_modes[j], BreakerMode::ForceOpen);
}

#[wasm_bindgen_test]
async fn kill_switch_reaches_the_simulation() {
    let (root, live) = mount_live(|| view! { <SwitchesPanel /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let input = query(
        &root,
        "label[data-switch=enable_read_only_mode] input[type=checkbox]",
    );
    click(&input);
    leptos::task::tick().await;
    let on = live.with_sim(|s| {
        s.snapshot()
            .kill_switches
            .iter()
            .any(|x| x.switch == KillSwitch::EnableReadOnlyMode && x.on)
    });
    assert!(on, "the simulation's snapshot shows read-only mode on");
    let label = query(&root, "label[data-switch=enable_read_only_mode]");
    assert!(label.class_list().contains("on"));
}

#[wasm_bindgen_test]
async fn playback_steps_and_event_log_names_the_action() {
    let i = index_of("Redis_Sessions");
    let (root, live) = mount_live(move || {
        view! {
            <PlaybackBar />
            <ComponentActions index=i />
            <EventLog />
        }
    });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let clock0 = query(&root, "[data-clock]").text_content().unwrap();
    assert_eq!(clock0, "19:00:01", "the first tick is computed at load");
    click(&query(&root, "button[data-action=step]"));
    leptos::task::tick().await;
    assert_eq!(
        query(&root, "[data-clock]").text_content().unwrap(),
        "19:00:10"
    );
    click(&query(&root, "button[data-action=kill]"));
    live.step();
    leptos::task::tick().await;
    let first = query(&root, "ol.events li");
    let text = first.text_content().unwrap();
    assert!(!text.is_empty());
    let all = query(&root, "ol.events").text_content().unwrap();
    assert!(all.contains("operator"), "log mentions the operator: {all}");
    assert!(all.contains("Redis"), "log names Redis Sessions: {all}");
}

#[wasm_bindgen_test]
async fn event_log_folds_a_probing_breakers_repeats_into_one_row() {
    // Guilds has no backup: the breakers in front of it open, probe every
    // 30 s and reopen, over and over.
    let i = index_of("Guilds_Service");
    let (root, live) = mount_live(move || {
        view! {
            <ComponentActions index=i />
            <EventLog />
        }
    });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    click(&query(&root, "button[data-action=kill]"));
    for _ in 0..24 {
        live.step();
    }
    leptos::task::tick().await;
    let total = live.events.with_untracked(|e| e.len());
    let items = root.query_selector_all("ol.events li").unwrap();
    let mut texts = Vec::new();
    for k in 0..items.length() {
        let li: web_sys::Element = items.item(k).unwrap().dyn_into().unwrap();
        let what = query(&li, ".what").text_content().unwrap();
        let who = li.get_attribute("data-event-component").unwrap_or_default();
        assert!(
            !texts.contains(&(who.clone(), what.clone())),
            "`{what}` ({who}) has one row"
        );
        texts.push((who, what));
    }
    assert!(
        (items.length() as usize) < total,
        "{} rows for {total} events",
        items.length()
    );
    let probing = root
        .query_selector("li[data-event-component=Sessions_Service] .repeats")
        .unwrap()
        .expect("the Sessions → Guilds breaker's repeats are counted");
    let n: usize = probing
        .get_attribute("data-repeats")
        .unwrap()
        .parse()
        .unwrap();
    assert!(n >= 3, "probed and reopened every 30 s for 4 minutes: ×{n}");
    let label = probing.text_content().unwrap();
    assert!(label.starts_with(&format!("×{n} since 19:00:")), "{label}");
}

#[wasm_bindgen_test]
fn refused_action_is_a_message_not_a_panic() {
    let (_root, live) = mount_live(|| ());
    let live = live.get().unwrap();
    let r = live.act(Action::Kill {
        component: "No_Such_Thing".into(),
    });
    assert!(r.is_err());
    let n = live.notice.get_untracked().unwrap();
    assert!(n.error && n.text.contains("No_Such_Thing"), "{}", n.text);
}

#[wasm_bindgen_test]
fn malformed_fragments_name_what_is_wrong() {
    let e = url_state::decode("#s=steady_state&seed=banana").unwrap_err();
    assert_eq!(e.field, "seed");
    assert!(e.to_string().contains("banana"));
    let e = url_state::decode("#s=nowhere").unwrap_err();
    assert!(e.to_string().contains("unknown scenario `nowhere`"));
    let e = url_state::decode("#s=steady_state&a=%%%").unwrap_err();
    assert_eq!(e.field, "a");
    let e = url_state::decode("#garbage").unwrap_err();
    assert_eq!(e.field, "fragment");
    let bad = url_state::b64_encode(br#"[[0,{"type":"kill","component":"Nope"}]]"#);
    let e = url_state::decode(&format!("s=steady_state&a={bad}")).unwrap_err();
    assert!(e.problem.contains("Nope"), "{}", e.problem);
    assert_eq!(url_state::decode("").unwrap(), None);
}

#[wasm_bindgen_test]
fn fragment_round_trips_an_action_log() {
    let run = RunState {
        scenario: "steady_state".into(),
        seed: 42,
        speed: 600.0,
        t_ms: 120_000,
        actions: vec![
            (
                30_000,
                Action::Kill {
                    component: "Redis_Sessions".into(),
                },
            ),
            (
                60_000,
                Action::SetKillSwitch {
                    switch: KillSwitch::DisableFileUploads,
                    on: true,
                },
            ),
            (
                90_000,
                Action::SetRetryPolicy {
                    policy: RetryChoice::JitterBudget.policy(),
                    rollout_ms: 0.0,
                },
            ),
            (
                100_000,
                Action::SetFailureMode {
                    from: "Sessions_Service".into(),
                    to: "Presence_Service".into(),
                    mode: faultline_core::scenario::OnFailure::Ignore,
                },
            ),
        ],
        counterfactuals: Vec::new(),
        drill: false,
    };
    let frag = url_state::encode(&run);
    assert!(!frag.contains('{') && !frag.contains(' '), "{frag}");
    assert_eq!(url_state::decode(&frag).unwrap(), Some(run));
}

#[wasm_bindgen_test]
fn base64url_round_trips_every_length() {
    for n in 0..40u8 {
        let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
        let enc = url_state::b64_encode(&data);
        assert_eq!(url_state::b64_decode(&enc).unwrap(), data);
    }
    assert!(url_state::b64_decode("a").is_none());
    assert!(url_state::b64_decode("ab*c").is_none());
}

#[wasm_bindgen_test]
fn replay_reproduces_the_same_run() {
    let (_root, live) = mount_live(|| ());
    let live = live.get().unwrap();
    live.advance(60_000.0);
    live.act(Action::Kill {
        component: "Redis_Sessions".into(),
    })
    .unwrap();
    live.advance(120_000.0);
    let run = live.run_state();
    let before = live.snapshot.get_untracked();
    let events = live.events.get_untracked().len();
    live.reset(run.seed);
    assert_eq!(live.now_ms(), 1000, "a reset computes the first tick");
    live.replay(&run);
    assert_eq!(live.snapshot.get_untracked(), before);
    assert_eq!(live.events.get_untracked().len(), events);
    assert_eq!(live.user_actions.get_untracked(), run.actions);
}

#[wasm_bindgen_test]
fn view_model_words_glyphs_and_edges() {
    let sc = steady();
    let mut sim = faultline_core::Sim::new(&sc, 3).unwrap();
    sim.step_until(30_000);
    let v = view_model::diagram_view(&sc.topology, &sim.snapshot());
    assert_eq!(v.nodes.len(), sc.topology.components.len());
    assert_eq!(v.edges.len(), sc.topology.dependencies.len());
    assert!(
        v.edges.iter().any(|e| e.flow == 4),
        "the busiest edge flows fastest"
    );
    let words: Vec<_> = [
        Health::Healthy,
        Health::Degraded,
        Health::Overloaded,
        Health::Down,
        Health::FailingOver,
        Health::Recovering,
    ]
    .iter()
    .map(|h| (view_model::health_word(*h), view_model::health_glyph(*h)))
    .collect();
    let mut glyphs: Vec<_> = words.iter().map(|w| w.1).collect();
    glyphs.sort();
    glyphs.dedup();
    assert_eq!(glyphs.len(), 6, "each health has its own shape");
    assert_eq!(words[4].0, "failing-over");
    assert_eq!(view_model::rate(12_345.0), "12k/s");
}

#[wasm_bindgen_test]
async fn whole_app_kill_from_the_inspector_turns_the_node_down() {
    // A clean URL: no run to replay from an earlier test.
    web_sys::window().unwrap().location().replace("#").unwrap();
    let root = container();
    let slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let s2 = slot.clone();
    leptos::mount::mount_to(root.clone(), move || {
        let v = view! { <faultline_app::App /> };
        s2.set(use_context::<Live>());
        v
    })
    .forget();
    leptos::task::tick().await;
    let node = query(&root, ".node[data-component=Redis_Sessions]");
    assert_eq!(
        node.get_attribute("data-health").as_deref(),
        Some("healthy")
    );
    click(&node);
    leptos::task::tick().await;
    click(&query(&root, ".inspector button[data-action=kill]"));
    click(&query(&root, "button[data-action=step]"));
    leptos::task::tick().await;
    let node = query(&root, ".node[data-component=Redis_Sessions]");
    assert_eq!(node.get_attribute("data-health").as_deref(), Some("down"));
    assert_eq!(
        query(&node, ".live-badge text").text_content().as_deref(),
        Some("✕")
    );
    // Forcing a breaker open shows on the diagram's edge overlay.
    let sessions = query(&root, ".node[data-component=Sessions_Service]");
    click(&sessions);
    leptos::task::tick().await;
    click(&query(&root,
        "li.live-breaker[data-edge=\"Sessions_Service>Redis_Sessions\"] button[data-mode=force_open]",
    ));
    click(&query(&root, "button[data-action=step]"));
    leptos::task::tick().await;
    let edge = query(
        &root,
        "path.live-edge[data-live-from=Sessions_Service][data-live-to=Redis_Sessions]",
    );
    assert_eq!(edge.get_attribute("data-breaker").as_deref(), Some("open"));
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert!(hash.contains("&a="), "the action log is in the URL: {hash}");
}

#[wasm_bindgen_test]
async fn the_inspector_says_what_each_dependency_carries() {
    web_sys::window().unwrap().location().replace("#").unwrap();
    let root = container();
    leptos::mount::mount_to(root.clone(), || view! { <faultline_app::App /> }).forget();
    leptos::task::tick().await;
    click(&query(&root, ".node[data-component=API_RateLimiter]"));
    leptos::task::tick().await;
    let note = |target: &str| {
        let sel = format!(".inspector .deps-out button.link[data-target={target}]");
        let li = query(&root, &sel).parent_element().unwrap();
        query(&li, ".note").text_content().unwrap()
    };
    // Half the messages each, but the large guilds' members are 5% of users.
    let large = note("MessageRouter_Large");
    assert!(
        large.contains("50% of the requests, 5% of the users"),
        "{large}"
    );
    assert!(note("MessageRouter_Primary").contains("95% of the users"));
    // The other side reads the same edge from the callee.
    click(&query(&root, ".node[data-component=Presence_Service]"));
    leptos::task::tick().await;
    let li = query(
        &root,
        ".inspector .deps-in button.link[data-target=Sessions_Service]",
    )
    .parent_element()
    .unwrap();
    let text = query(&li, ".note").text_content().unwrap();
    assert!(text.contains("held in memory while it fails"), "{text}");
}

#[wasm_bindgen_test]
fn panic_overlay_shows_the_message() {
    live::panic_overlay::show("index out of bounds <oops>");
    let el = document().get_element_by_id("fl-panic").expect("overlay");
    assert_eq!(el.get_attribute("role").as_deref(), Some("alert"));
    let text = el.text_content().unwrap();
    assert!(text.contains("Something went wrong"), "{text}");
    assert!(
        text.contains("index out of bounds <oops>"),
        "escaped, shown: {text}"
    );
    assert!(
        el.query_selector("button").unwrap().is_some(),
        "a reload button"
    );
    el.remove();
}

#[wasm_bindgen_test]
async fn partition_and_heal_from_the_inspector() {
    let i = index_of("Sessions_Service");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let sel = "li.live-breaker[data-edge=\"Sessions_Service>Redis_Sessions\"]";
    let row = query(&root, sel);
    assert_eq!(
        row.get_attribute("data-partitioned").as_deref(),
        Some("false")
    );
    let button = query(&row, "button.cut");
    assert_eq!(
        button.get_attribute("aria-label").as_deref(),
        Some("Partition Sessions from Redis Sessions"),
        "an accessible name that says what the button does"
    );
    assert_eq!(
        button.tag_name().to_ascii_lowercase(),
        "button",
        "keyboard reachable"
    );
    click(&button);
    leptos::task::tick().await;
    let row = query(&root, sel);
    assert_eq!(
        row.get_attribute("data-partitioned").as_deref(),
        Some("true")
    );
    let edge =
        view_model::edge_index(&steady().topology, "Sessions_Service", "Redis_Sessions").unwrap();
    assert!(live.with_sim(|s| s.snapshot().edges[edge].partitioned));
    let button = query(&row, "button.cut");
    assert_eq!(button.get_attribute("data-action").as_deref(), Some("heal"));
    assert_eq!(
        button.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    click(&button);
    leptos::task::tick().await;
    assert!(!live.with_sim(|s| s.snapshot().edges[edge].partitioned));
    // Both are operator actions: in the log kept for links, and in the event log.
    let log = live.user_actions.get_untracked();
    assert!(
        matches!(&log[0].1, Action::Partition { component, dependency }
        if component == "Sessions_Service" && dependency == "Redis_Sessions")
    );
    assert!(matches!(&log[1].1, Action::Heal { .. }));
    let frag = url_state::encode(&live.run_state());
    assert_eq!(url_state::decode(&frag).unwrap().unwrap().actions, log);
    assert!(live
        .events
        .get_untracked()
        .iter()
        .any(|e| e.kind == faultline_core::sim::EventKind::Action));
}

#[wasm_bindgen_test]
async fn failure_mode_select_ignores_presence_and_logs_it() {
    use faultline_core::scenario::OnFailure;
    let i = index_of("Sessions_Service");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let value = |el: &web_sys::Element| {
        js_sys::Reflect::get(el, &"value".into())
            .unwrap()
            .as_string()
            .unwrap()
    };
    let row = query(
        &root,
        "li.live-breaker[data-edge=\"Sessions_Service>Presence_Service\"]",
    );
    let select = query(&row, "select[data-control=failure_mode]");
    // The platform's route: sessions buffer what presence fails (seed 004).
    assert_eq!(value(&select), "buffer");
    assert_eq!(
        select.get_attribute("aria-label").as_deref(),
        Some("When a call to Presence fails")
    );
    set_value(&select, "ignore", "change");
    leptos::task::tick().await;
    let log = live.user_actions.get_untracked();
    assert_eq!(
        log.last().map(|x| &x.1),
        Some(&Action::SetFailureMode {
            from: "Sessions_Service".into(),
            to: "Presence_Service".into(),
            mode: OnFailure::Ignore,
        })
    );
    let c = view_model::controls(&steady(), &live.applied.get_untracked());
    let edge =
        view_model::edge_index(&steady().topology, "Sessions_Service", "Presence_Service").unwrap();
    assert_eq!(c.failure_modes[edge], OnFailure::Ignore);
    assert_eq!(
        value(&query(&row, "select[data-control=failure_mode]")),
        "ignore"
    );
    // In the event log, in words, and in the link.
    assert!(live.events.get_untracked().iter().any(|e| {
        e.kind == faultline_core::sim::EventKind::Action
            && e.message
                .contains("Sessions → Presence: failed calls now ignored")
    }));
    let frag = url_state::encode(&live.run_state());
    assert_eq!(url_state::decode(&frag).unwrap().unwrap().actions, log);
}

#[wasm_bindgen_test]
async fn breaker_preset_select_reaches_the_simulation_and_the_link() {
    use faultline_core::sim::BreakerPreset;
    let (root, live) = mount_live(|| view! { <SwitchesPanel /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let select = query(&root, "select[data-control=breaker_preset]");
    let value = |el: &web_sys::Element| {
        js_sys::Reflect::get(el, &"value".into())
            .unwrap()
            .as_string()
            .unwrap()
    };
    assert_eq!(value(&select), "seed");
    assert!(select.get_attribute("aria-label").is_some());
    set_value(&select, "hystrix", "change");
    leptos::task::tick().await;
    let log = live.user_actions.get_untracked();
    assert_eq!(
        log.last().map(|x| &x.1),
        Some(&Action::SetBreakerPreset {
            preset: BreakerPreset::Hystrix
        })
    );
    // The preset the run now has, and the help text under the menu.
    let now = || {
        let c = view_model::controls(&steady(), &live.applied.get_untracked());
        let help = query(&root, "[data-help=breaker_preset]").text_content();
        (c.breaker_preset, help.unwrap())
    };
    let (preset, help) = now();
    assert_eq!(preset, BreakerPreset::Hystrix);
    assert!(help.contains("Hystrix"), "{help}");
    let frag = url_state::encode(&live.run_state());
    assert_eq!(url_state::decode(&frag).unwrap().unwrap().actions, log);
    // "No breakers" is on the menu too, and says so (the 2017 scenarios
    // start with it; the menu used to show "Seed" for them).
    set_value(&select, "none", "change");
    leptos::task::tick().await;
    assert_eq!(value(&select), "none");
    let (preset, help) = now();
    assert_eq!(preset, BreakerPreset::None);
    assert!(help.contains("No breakers"), "{help}");
}

#[wasm_bindgen_test]
fn a_fresh_run_opens_on_live_figures() {
    let (_root, live) = mount_live(|| ());
    let live = live.get().unwrap();
    let snap = live.snapshot.get_untracked();
    assert!(snap.t_ms > 0, "the first tick is computed at load");
    assert!(
        snap.edges.iter().any(|e| e.traffic > 0.0),
        "traffic flows before Play"
    );
    assert!(live.view.get_untracked().edges.iter().any(|e| e.flow > 0));
    // A reset lands on the same warmed-up state, and a link replays it.
    let run = live.run_state();
    live.reset(run.seed);
    assert_eq!(live.snapshot.get_untracked(), snap);
    live.replay(&run);
    assert_eq!(live.snapshot.get_untracked(), snap);
}

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
    assert!(card.get_attribute("aria-label").is_some());
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
    assert!(own[0].starts_with("pass api_success"), "{own:?}");
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
        both[1].starts_with("pass voice_success") && both[1].contains(", with “Calm breakers”"),
        "{both:?}"
    );
    // The run's own band is shown for comparison, not judged: the run
    // with a fix on is not the incident.
    let own = query(&root, ".debrief .bands li");
    assert_eq!(own.get_attribute("data-pass").as_deref(), Some("compare"));
    assert!(both[0].starts_with("api_success ≥ 99.0%"), "{both:?}");
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
