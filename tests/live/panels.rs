//! The panels around the diagram: traffic and retry policy, breakers and kill switches, playback, the event log, chart markers, the view model and the panic overlay.

use super::*;

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
async fn a_traffic_spike_chosen_to_build_over_a_minute_climbs_to_its_multiplier() {
    let (root, live) = mount_live(|| view! { <TrafficPanel /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    set_value(
        &query(&root, "select[data-control=traffic_ramp]"),
        "60",
        "change",
    );
    click(&query(&root, "button[data-action=spike]"));
    assert_eq!(
        live.user_actions.get_untracked().last().map(|x| &x.1),
        Some(&Action::SetTrafficMultiplier {
            multiplier: 10.0,
            ramp_s: 60.0,
        })
    );
    // Half a minute on: half way, ×5.5 (one tick either side).
    live.advance(30_000.0);
    leptos::task::tick().await;
    let s = live.snapshot.get_untracked();
    assert!(
        (s.traffic_multiplier - 5.5).abs() < 0.2,
        "{}",
        s.traffic_multiplier
    );
    assert_eq!(s.traffic_multiplier_target, 10.0);
    let now = query(&root, "[data-now=traffic]").text_content().unwrap();
    assert!(now.starts_with("now ×") && now.ends_with(" → ×10"), "{now}");
    live.advance(31_000.0);
    leptos::task::tick().await;
    assert_eq!(live.snapshot.get_untracked().traffic_multiplier, 10.0);
    assert!(root.query_selector("[data-now=traffic]").unwrap().is_none());
    assert_logged(&live, &["traffic × 10 over 1 min"]);
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
async fn the_samples_download_counts_the_run_and_goes_dark_with_monitoring() {
    let (root, live) = mount_live(|| view! { <live::LiveCharts /> });
    let live = live.get().unwrap();
    for _ in 0..6 {
        live.step();
    }
    leptos::task::tick().await;
    let button = query(&root, "button[data-action=download_samples]");
    assert!(
        !button.has_attribute("disabled"),
        "the figures can be taken"
    );
    let n = live.with_sim(|s| s.samples().len());
    assert!(n >= 6, "{n} samples");
    let count = query(&root, ".chart-tools .now").text_content().unwrap();
    assert_eq!(count, format!("{n} samples so far"));
    // The file is the core's CSV of this very run: a header and a row per sample.
    let text = live.with_sim(faultline_core::sim::csv::samples_csv);
    assert!(text.starts_with("t_ms,clock,api_success,"), "{text}");
    assert_eq!(text.lines().count(), n + 1);
    // With every monitoring component down the dashboards are blind, and
    // the file would show what they cannot.
    kill_monitoring(&live);
    live.step();
    leptos::task::tick().await;
    assert!(live.snapshot.get_untracked().monitoring_blind);
    assert!(button.has_attribute("disabled"), "no download while blind");
    assert!(button
        .get_attribute("title")
        .unwrap()
        .contains("Monitoring is down"));
    // A drill's file does not name the incident it hides.
    assert_eq!(
        live::download::samples_file_name("api_cascade_2022", 3, true),
        "faultline-drill-seed3-samples.csv"
    );
    assert_eq!(
        live::download::samples_file_name("api_cascade_2022", 3, false),
        "faultline-api_cascade_2022-seed3-samples.csv"
    );
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
async fn the_reconnects_row_shows_the_scenarios_admission_and_sets_another() {
    let (root, live) = mount_live(|| view! { <SwitchesPanel /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    // The steady state's own setting (traffic.reconnect_admission).
    let now = || query(&root, "button[data-action=reconnect_admission] + .now").text_content();
    assert_eq!(now().as_deref(), Some("now 250,000/s"));
    // An empty box is no cap: the herd of 2017.
    click(&query(&root, "button[data-action=reconnect_admission]"));
    leptos::task::tick().await;
    assert_eq!(now().as_deref(), Some("now no cap"));
    assert_eq!(
        live.applied.get_untracked().last().map(|(_, a)| a.clone()),
        Some(Action::SetReconnectAdmission { per_second: 0.0 })
    );
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
async fn event_log_narrows_to_one_kind_or_the_selected_component() {
    let guilds = index_of("Guilds_Service");
    let selected = std::rc::Rc::new(std::cell::Cell::new(None));
    let keep = selected.clone();
    let (root, live) = mount_live(move || {
        keep.set(use_context::<Selection>());
        view! {
            <ComponentActions index=guilds />
            <EventLog />
        }
    });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    click(&query(&root, "button[data-action=kill]"));
    for _ in 0..12 {
        live.step();
    }
    leptos::task::tick().await;
    // Each row's kind and component, as shown.
    let rows = || {
        let items = root.query_selector_all("ol.events li").unwrap();
        (0..items.length())
            .map(|k| {
                let li: web_sys::Element = items.item(k).unwrap().dyn_into().unwrap();
                (
                    li.class_name(),
                    li.get_attribute("data-event-component").unwrap_or_default(),
                    li.text_content().unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>()
    };
    let everything = rows();
    assert!(everything.iter().any(|r| r.0.contains("ev-breaker")));
    assert!(everything.iter().any(|r| r.0.contains("ev-health")));
    let show = |key: &str| {
        set_value(
            &query(&root, "select[data-control=log_filter]"),
            key,
            "change",
        )
    };
    show("breakers");
    leptos::task::tick().await;
    let breakers = rows();
    assert!(!breakers.is_empty());
    assert!(
        breakers.iter().all(|r| r.0.contains("ev-breaker")),
        "{breakers:?}"
    );
    show("actions");
    leptos::task::tick().await;
    // The kill, and the error-rate trigger it set off with its switch.
    let actions = rows();
    let kinds: Vec<_> = actions.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        kinds,
        ["ev ev-switch", "ev ev-trigger", "ev ev-action"],
        "{actions:?}"
    );
    assert!(
        actions[2].2.contains("operator: kill Guilds"),
        "{actions:?}"
    );
    // Only the selected component: Guilds' own events, of every kind.
    show("all");
    selected.take().unwrap().0.set(Some(guilds));
    let only = query(&root, "input[data-control=log_selected]");
    only.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
    leptos::task::tick().await;
    let own = rows();
    assert!(own.len() >= 2, "{own:?}");
    assert!(own.iter().all(|r| r.1 == "Guilds_Service"), "{own:?}");
    assert!(own.len() < everything.len());
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
    let words: Vec<_> = Health::ALL
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
async fn the_health_key_explains_each_state_on_hover() {
    let (root, _live) = mount_live(|| view! { <live::HealthLegend /> });
    leptos::task::tick().await;
    for h in Health::ALL {
        let word = view_model::health_word(h);
        let key = query(&root, &format!("[data-health={word}]"));
        assert_eq!(key.get_attribute("title").as_deref(), Some(h.meaning()));
    }
    let degraded = query(&root, "[data-health=degraded]").get_attribute("title");
    assert!(
        degraded.unwrap().contains("double its response time"),
        "a slow bottleneck is named as degraded"
    );
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

#[wasm_bindgen_test]
async fn the_charts_compare_the_run_with_a_fix_at_the_same_seed() {
    use faultline_core::scenario::library;
    let key = "api_cascade_2022";
    let scenario = library::load(key).unwrap();
    let (root, live) = mount_live_with(key, scenario.clone(), 1, || {
        view! { <live::vitals::Vitals /> <live::LiveCharts /> }
    });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let select = query(&root, "select[data-control=compare]");
    let offered: Vec<String> = {
        let list = select.query_selector_all("option").unwrap();
        (0..list.length())
            .map(|i| {
                list.item(i)
                    .unwrap()
                    .unchecked_into::<web_sys::HtmlOptionElement>()
                    .value()
            })
            .collect()
    };
    for want in ["", "scripted", "nobody", "switch:client_backoff_fix"] {
        assert!(offered.iter().any(|v| v == want), "{want:?} in {offered:?}");
    }
    assert!(root
        .query_selector("[data-testid=compare-legend]")
        .unwrap()
        .is_none());

    // Two hours in (past the 18:45 client fix's rollout start), compare with
    // the fix in place from the start: the compared run catches up with the
    // run's clock.
    live.advance(2.0 * 3_600_000.0);
    set_value(&select, "switch:client_backoff_fix", "change");
    live.follow_comparison(f64::INFINITY);
    leptos::task::tick().await;
    let now = live.now_ms();
    let last = |h: &faultline_app::charts::ChartHistory| h.time_span().map(|(_, t)| t);
    let ours = live.history.with_untracked(last);
    assert_eq!(live.compare_history.with_untracked(last), ours);
    // Its figures are those of the scenario with the switch, run natively
    // at the same seed: the same engine, the same numbers.
    let fixed = scenario.with_counterfactual("client_backoff_fix").unwrap();
    let mut alone = faultline_core::Sim::new(&fixed, 1).unwrap();
    alone.step_until(now);
    let api = |sli: &faultline_core::sim::Sli| live::driver::indicator_value("api_success", sli);
    let expected = api(&alone.samples().last().unwrap().sli);
    let i = live
        .history
        .with_untracked(|h| h.index_of("api_success").unwrap());
    let shown = live
        .compare_history
        .with_untracked(|h| h.latest(i).unwrap().value);
    assert_eq!(shown.to_bits(), expected.to_bits());
    // With the fix the API is back by now; without it, it is not.
    let text = |sel: &str| query(&root, sel).text_content().unwrap();
    assert_eq!(
        text(".fl-chart-compare[data-key=api_success]"),
        "compared: 99.95%"
    );
    let mut base = faultline_core::Sim::new(&scenario, 1).unwrap();
    base.step_until(now);
    let unfixed = api(&base.samples().last().unwrap().sli);
    assert!(unfixed < 50.0, "the run still fails: {unfixed}");
    let ours = query(&root, ".fl-chart-value[data-key=api_success]");
    assert_eq!(ours.get_attribute("data-breach").as_deref(), Some("true"));
    assert_eq!(
        ours.text_content().unwrap(),
        faultline_core::units::percent(unfixed)
    );
    assert!(text("[data-testid=compare-legend]").contains("Fixed client backoff"));
    // The vital above the map names the compared figure in its tooltip.
    let vital = query(&root, "[data-vital=api_success]")
        .get_attribute("title")
        .unwrap();
    assert!(vital.contains("; compared run: 99.95%"), "{vital}");

    // A reset keeps the comparison, from the start again.
    live.reset(1);
    leptos::task::tick().await;
    assert_eq!(
        live.comparison.get_untracked(),
        Some(live::compare::Comparison::Switch(
            "client_backoff_fix".into()
        ))
    );
    assert!(live.compare_history.with_untracked(|h| h.recent_len()) <= 1);
    // Turning the same switch on in the run itself ends the comparison.
    live.set_counterfactual("client_backoff_fix", true);
    leptos::task::tick().await;
    assert_eq!(live.comparison.get_untracked(), None);
    assert!(root
        .query_selector("[data-testid=compare-legend]")
        .unwrap()
        .is_none());
    // A drill closes the menu: the scripted run would show the responders.
    set_value(&select, "scripted", "change");
    leptos::task::tick().await;
    assert!(live.comparison.get_untracked().is_some());
    live.set_drill(true);
    leptos::task::tick().await;
    assert_eq!(live.comparison.get_untracked(), None);
    assert!(query(&root, "select[data-control=compare]").has_attribute("disabled"));
    // At the drill's end the debrief may compare the team with the real
    // responders.
    live.advance(4.0 * 3_600_000.0);
    leptos::task::tick().await;
    let select = query(&root, "select[data-control=compare]");
    assert!(!select.has_attribute("disabled"));
    set_value(&select, "scripted", "change");
    leptos::task::tick().await;
    assert!(text("[data-testid=compare-legend]").contains("the real responders"));
    assert!(live.run_state().compare.is_some());
    // The debrief sets the team (who did nothing) beside the responders.
    let facts = live::debrief::gather(&live);
    let line = facts
        .compared_run
        .expect("the debrief names the compared run");
    assert!(
        line.starts_with("Compared with the real responders (the replay), same seed: ")
            && line.contains("Against it this run raised it by"),
        "{line}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn the_inspector_says_how_the_selected_component_fares_in_the_compared_run() {
    use faultline_core::scenario::library;
    let key = "api_cascade_2022";
    let scenario = library::load(key).unwrap();
    let limiter = scenario
        .topology
        .component_index("API_RateLimiter")
        .unwrap();
    let (root, live) = mount_live_with(key, scenario, 1, move || {
        view! { <ComponentActions index=limiter /> }
    });
    let live = live.get().unwrap();
    live.advance(2.0 * 3_600_000.0);
    leptos::task::tick().await;
    let line = || {
        root.query_selector("[data-figure=compared]")
            .unwrap()
            .map(|e| e.text_content().unwrap())
    };
    assert_eq!(line(), None, "nothing compared: no line");
    live.set_comparison(Some(live::compare::Comparison::Switch(
        "client_backoff_fix".into(),
    )));
    live.follow_comparison(f64::INFINITY);
    leptos::task::tick().await;
    // The line is the component as it stands in the compared run now; with
    // the fix in place from the start the broken clients' retries never
    // come, and the limiter's load differs from the run's.
    let text = line().expect("the compared line");
    let theirs = live.compared_component(limiter).unwrap();
    assert_eq!(text, live::compare::component_line(&theirs));
    assert!(text.starts_with("In the compared run: "), "{text}");
    let ours = live.snapshot.get_untracked().components[limiter].utilisation;
    assert!(
        (ours - theirs.utilisation).abs() > 0.05,
        "run {ours} vs compared {}",
        theirs.utilisation
    );
    // Blind monitoring hides it with the rest of the figures.
    kill_monitoring(&live);
    live.step();
    leptos::task::tick().await;
    assert_eq!(line(), None);
    root.remove();
}

#[wasm_bindgen_test]
async fn event_log_tells_the_reconnect_herd_and_the_overload_it_brings() {
    // July 2024: the tournament's surge makes the edges fail heartbeats, so
    // users drop and reconnect in every region, and the herd overloads
    // Guilds, whose row names the herd as its cause.
    let scenario =
        faultline_core::scenario::library::load("gateway_overload_2024").expect("bundled scenario");
    let (root, live) = mount_live_with("gateway_overload_2024", scenario, 1, || {
        view! { <EventLog /> }
    });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    // To 14:30:15: the herd began at 14:30:00, Guilds overloaded three
    // seconds later, and the log's rows still reach back to them.
    live.advance(10.25 * 60_000.0);
    leptos::task::tick().await;
    let items = root.query_selector_all("ol.events li.ev-users").unwrap();
    assert!(items.length() >= 1, "a users row");
    // Regions that begin together share a row.
    let herd: web_sys::Element = items.item(0).unwrap().dyn_into().unwrap();
    let what = query(&herd, ".what").text_content().unwrap();
    assert!(
        what.starts_with("Users losing their connections in every region ("),
        "{what}"
    );
    let because = query(&herd, ".because").text_content().unwrap();
    assert!(
        because.contains("Cloudflare"),
        "the edge failing heartbeats: {because}"
    );
    let guilds = root
        .query_selector_all("li[data-event-component=Guilds_Service]")
        .unwrap();
    let chains: Vec<String> = (0..guilds.length())
        .filter_map(|k| {
            let li: web_sys::Element = guilds.item(k)?.dyn_into().ok()?;
            li.query_selector(".because").ok()??.text_content()
        })
        .collect();
    assert!(
        chains
            .iter()
            .any(|c| c.contains("Users losing their connections")),
        "Guilds' overload is the herd's: {chains:?}"
    );
    // The health filter keeps the users' rows.
    set_value(
        &query(&root, "select[data-control=log_filter]"),
        "health",
        "change",
    );
    leptos::task::tick().await;
    assert!(root
        .query_selector("ol.events li.ev-users")
        .unwrap()
        .is_some());
}

#[wasm_bindgen_test]
async fn event_log_tells_the_retry_storm_with_its_chain_back_to_the_spike() {
    let scenario =
        faultline_core::scenario::library::load("api_cascade_2022").expect("bundled scenario");
    let (root, live) = mount_live_with("api_cascade_2022", scenario, 1, || {
        view! { <EventLog /> }
    });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    // 16:45 to 16:47:30: the spike came at 16:47:12, the storm a second
    // later.
    live.advance(150_000.0);
    leptos::task::tick().await;
    let storm = root
        .query_selector("ol.events li.ev-retries")
        .unwrap()
        .expect("a retries row");
    let what = query(&storm, ".what").text_content().unwrap();
    assert!(
        what.starts_with("Retry storm: the clients' retries are"),
        "{what}"
    );
    assert_eq!(query(&storm, ".kind").text_content().unwrap(), "retries");
    let chain = query(&storm, ".because").text_content().unwrap();
    assert!(chain.contains("traffic × 10"), "{chain}");
}
