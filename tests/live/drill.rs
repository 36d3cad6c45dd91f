//! Drill mode in the page: the link, what the trainees do not see, and the
//! debrief that reveals it.

use super::*;

#[wasm_bindgen_test]
fn a_drill_link_round_trips_and_a_bad_value_is_named() {
    let run = RunState {
        scenario: "permission_cache_failure".into(),
        seed: 3,
        speed: 60.0,
        t_ms: 0,
        actions: Vec::new(),
        counterfactuals: Vec::new(),
        drill: true,
        hints: vec![90_000, 600_000],
        compare: None,
        injects: Vec::new(),
        branch: None,
    };
    let frag = url_state::encode(&run);
    assert!(
        frag.contains("drill=1") && frag.contains("h=90000,600000"),
        "{frag}"
    );
    // The address bar does not spoil the incident: its name is hidden.
    assert!(
        frag.starts_with("hs=") && !frag.contains("permission_cache_failure"),
        "{frag}"
    );
    let e = url_state::decode("#hs=%%%&drill=1").unwrap_err();
    assert_eq!(e.field, "hs");
    let e = url_state::decode(&format!("#hs={}", url_state::b64_encode(b"nowhere"))).unwrap_err();
    assert_eq!(e.field, "hs");
    assert!(
        e.problem.contains("unknown scenario `nowhere`"),
        "{}",
        e.problem
    );
    // The run reaches its last hint at least.
    let back = url_state::decode(&frag).unwrap().unwrap();
    assert_eq!(back.t_ms, 600_000);
    assert_eq!(RunState { t_ms: 0, ..back }, run);
    for (bad, says) in [
        ("#s=permission_cache_failure&drill=1&h=abc", "abc"),
        (
            "#s=permission_cache_failure&drill=1&h=600000,90000",
            "back in time",
        ),
        (
            "#s=permission_cache_failure&drill=1&h=99999999",
            "after the scenario's end",
        ),
        ("#s=permission_cache_failure&h=90000", "drill=1"),
    ] {
        let e = url_state::decode(bad).unwrap_err();
        assert_eq!(e.field, "h", "{bad}");
        assert!(e.problem.contains(says), "{bad}: {}", e.problem);
    }
    let plain = url_state::decode("#s=steady_state").unwrap().unwrap();
    assert!(!plain.drill);
    let e = url_state::decode("#s=steady_state&drill=maybe").unwrap_err();
    assert_eq!(e.field, "drill");
    assert!(e.problem.contains("maybe"), "{}", e.problem);
}

/// Texts of the event log's rows.
pub(super) fn log_rows(root: &web_sys::Element) -> Vec<String> {
    let rows = root.query_selector_all(".live-events li").unwrap();
    (0..rows.length())
        .filter_map(|i| rows.item(i).and_then(|n| n.text_content()))
        .collect()
}

/// The permission-cache what-if at seed 1 with its scenario panel and
/// event log: the key, the scenario, the root and the sandbox.
pub(super) fn mount_permission_cache() -> (&'static str, Scenario, web_sys::HtmlElement, Live) {
    let key = "permission_cache_failure";
    let scenario = url_state::load_scenario(key).unwrap();
    let (root, live) = mount_live_with(key, scenario.clone(), 1, || {
        view! { <live::ScenarioPanel /> <EventLog /> }
    });
    (key, scenario, root, live.get().unwrap())
}

#[wasm_bindgen_test]
async fn a_drill_holds_back_the_cause_and_the_debrief_reveals_it() {
    let (_, scenario, root, live) = mount_permission_cache();
    leptos::task::tick().await;
    assert_eq!(
        document().title(),
        format!("{} — Faultline", scenario.title),
        "the tab names the scenario"
    );
    // Before the drill: the scenario shows its name, summary, switches and
    // its what-if briefing, which says what will fail and when.
    assert!(query(&root, ".briefing")
        .text_content()
        .unwrap()
        .contains("19:05"));
    assert!(root.query_selector(".scenario-summary").unwrap().is_some());
    assert!(root.query_selector(".counterfactuals").unwrap().is_some());
    live.advance(60_000.0);

    click(&query(&root, "input[data-control=drill]"));
    leptos::task::tick().await;
    assert!(live.drill.get_untracked());
    assert_eq!(live.now_ms(), 1000, "the drill starts from the beginning");
    assert_eq!(
        live.scenario.get_untracked().timeline.len(),
        scenario.drill().timeline.len(),
        "the responders' actions are gone"
    );
    let frag = url_state::encode(&live.run_state());
    assert!(frag.contains("drill=1"), "{frag}");
    let shown = query(&root, "[data-current-scenario]")
        .text_content()
        .unwrap();
    assert_eq!(shown.trim(), "Incident drill");
    assert_eq!(document().title(), "Incident drill — Faultline");
    assert!(root.query_selector(".scenario-summary").unwrap().is_none());
    assert!(root.query_selector(".counterfactuals").unwrap().is_none());
    assert!(root.query_selector(".story").unwrap().is_none());
    let briefing = query(&root, ".briefing").text_content().unwrap();
    assert!(
        !briefing.contains("19:05"),
        "the drill briefing does not announce the failure: {briefing}"
    );
    assert!(query(&root, "[data-drill-note]")
        .text_content()
        .unwrap()
        .contains("held back"));

    // 19:05 the cache is killed: its consequences show, the kill does not.
    live.advance(8.0 * 60_000.0);
    leptos::task::tick().await;
    let rows = log_rows(&root);
    assert!(
        rows.iter().any(|r| r.contains("Memcached")),
        "the cache's failure is in the log: {rows:?}"
    );
    assert!(
        rows.iter().all(|r| !r.contains("scenario:")),
        "no scripted action in the log: {rows:?}"
    );
    assert!(live
        .markers
        .get_untracked()
        .iter()
        .all(|m| !m.label.starts_with("scenario:")));

    // At 19:08:01 a hint reveals the updates due so far (four of five)
    // and goes into the link.
    click(&query(&root, "button[data-action=hint]"));
    leptos::task::tick().await;
    let hinted = query(&root, ".drill-hints").text_content().unwrap();
    assert!(hinted.contains("19:05:00"), "{hinted}");
    assert!(!hinted.contains("19:15:00"), "only what is due: {hinted}");
    assert!(query(&root, "[data-drill-note]")
        .text_content()
        .unwrap()
        .contains("One incident update is held back"));
    assert!(url_state::encode(&live.run_state()).contains("&h="));

    // The team restarts the cache at 19:08 (the real responders: 19:06).
    live.act(Action::Revive {
        component: "Memcached_Guilds".into(),
    })
    .unwrap();
    live.advance(60.0 * 60_000.0);
    leptos::task::tick().await;
    let debrief = query(&root, ".drill-debrief");
    let text = debrief.text_content().unwrap();
    assert!(
        text.contains(&scenario.title),
        "the scenario is revealed: {text}"
    );
    let team = query(&debrief, "[data-drill=team]").text_content().unwrap();
    assert!(team.contains("19:08") && team.contains("revive"), "{team}");
    assert_eq!(
        query(&debrief, "[data-hints]")
            .get_attribute("data-hints")
            .as_deref(),
        Some("1")
    );
    let real = query(&debrief, "[data-drill=real]").text_content().unwrap();
    assert!(real.contains("19:06") && real.contains("revive"), "{real}");
    assert!(
        debrief
            .query_selector(".drill-timeline li")
            .unwrap()
            .is_some(),
        "the held-back updates are listed"
    );
    let score = |who: &str| -> f64 {
        query(&debrief, &format!("tr[data-score={who}] td"))
            .get_attribute("data-value")
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no figure for {who}"))
    };
    let (team, replay, nobody) = (score("team"), score("replay"), score("nobody"));
    // Restarting two minutes later than the real responders: worse than
    // them, much better than nobody acting (emergent, not scripted).
    assert!(replay < team && team < nobody, "{replay} {team} {nobody}");
    // The download says what the page says.
    assert!(root
        .query_selector("button[data-action=download_debrief]")
        .unwrap()
        .is_some());
    let facts = live::debrief::gather(&live);
    let md = live::debrief::markdown(&facts, Some(&live::drill::gather(&live)));
    assert!(md.starts_with("# Drill debrief: "), "{md}");
    assert!(md.contains("- 19:08:01 revive Memcached Guilds\n"), "{md}");
    assert!(md.contains("| Your team | "), "{md}");
    assert!(
        md.contains(&format!(
            "#hs={}&seed=1",
            url_state::b64_encode(b"permission_cache_failure")
        )) && md.contains("&drill=1&h="),
        "the file links back to the run: {md}"
    );
    assert_eq!(
        live::debrief::file_name(&facts),
        "faultline-permission_cache_failure-drill-seed1.md"
    );
    // The bands are compared, not judged: the team, not the replay, ran it.
    assert!(query(&root, ".debrief .bands-note")
        .text_content()
        .unwrap()
        .contains("drill"));
    assert!(root.query_selector(".debrief li.miss").unwrap().is_none());
    // How it spread: the killed cache first (it was struck; the rest
    // followed through it), then what it took down, and never the
    // scripted kill as a cause.
    let spread = root.query_selector_all(".debrief ol.spread li").unwrap();
    let lines: Vec<String> = (0..spread.length())
        .map(|k| spread.item(k).unwrap().text_content().unwrap())
        .collect();
    assert!(lines.len() >= 2, "{lines:?}");
    assert!(lines[0].starts_with("19:05:"), "{lines:?}");
    assert!(lines[0].contains("Memcached Guilds"), "{lines:?}");
    assert!(lines.iter().all(|l| !l.contains("scenario:")), "{lines:?}");
    assert!(
        lines[1..]
            .iter()
            .any(|l| l.contains("because: Memcached Guilds")),
        "{lines:?}"
    );
    assert!(md.contains("## How it spread"), "{md}");
    // Where it began: the scripted kill stays hidden, so the trouble
    // begins where it shows, with the cache going down.
    let roots = root.query_selector_all(".debrief ul.roots li").unwrap();
    let roots: Vec<String> = (0..roots.length())
        .map(|k| roots.item(k).unwrap().text_content().unwrap())
        .collect();
    assert!(
        roots[0].starts_with("19:05:00 Memcached Guilds down") && roots[0].ends_with(" components"),
        "{roots:?}"
    );
    assert!(roots.iter().all(|l| !l.contains("scenario:")), "{roots:?}");
    // A drill's clock only runs forward: its times do not go back.
    let go = query(&root, ".debrief ol.spread li button[data-action=go-to]");
    assert!(go
        .dyn_ref::<web_sys::HtmlButtonElement>()
        .unwrap()
        .disabled());
}

#[wasm_bindgen_test]
fn the_reference_runs_carry_the_drills_switches() {
    use live::drill::reference_scores;
    let key = "permission_cache_failure";
    let (replay, nobody) = reference_scores(key, &[], &[], 1).unwrap();
    assert!(replay < nobody, "{replay} vs {nobody}");
    let fix = vec!["prioritised_rebuild".to_string()];
    let (fixed_replay, _) = reference_scores(key, &fix, &[], 1).unwrap();
    assert!(fixed_replay < replay, "{fixed_replay} vs {replay}");
    let e = reference_scores(key, &["no_such_fix".to_string()], &[], 1).unwrap_err();
    assert!(e.contains("no_such_fix"), "{e}");
}

#[wasm_bindgen_test]
async fn the_steady_state_offers_no_drill_nothing_happens_in_it() {
    let (root, live) = mount_live(|| view! { <live::ScenarioPanel /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    assert!(root
        .query_selector("input[data-control=drill]")
        .unwrap()
        .is_none());
    live.choose_scenario("voice_edge_failure");
    leptos::task::tick().await;
    assert!(root
        .query_selector("input[data-control=drill]")
        .unwrap()
        .is_some());
}

#[wasm_bindgen_test]
async fn an_instructors_actions_become_a_drills_surprises() {
    let (key, scenario, root, live) = mount_permission_cache();
    leptos::task::tick().await;
    assert!(root
        .query_selector("button[data-action=drill-with-injects]")
        .unwrap()
        .is_none());
    // The instructor prepares a surprise: the presence cluster dies at
    // 19:10, five minutes into the cache's failure.
    live.advance(600_000.0);
    let kill = Action::Kill {
        component: "Presence_Service".into(),
    };
    live.act(kill.clone()).unwrap();
    leptos::task::tick().await;
    let start = query(&root, "button[data-action=drill-with-injects]");
    assert!(
        start.text_content().unwrap().contains("my 1 action"),
        "{:?}",
        start.text_content()
    );
    click(&start);
    leptos::task::tick().await;
    assert!(live.drill.get_untracked());
    assert_eq!(live.now_ms(), 1000, "the drill starts from the beginning");
    assert!(live.user_actions.get_untracked().is_empty());
    assert_eq!(live.injects.get_untracked(), vec![(600_000, kill.clone())]);
    assert!(url_state::encode(&live.run_state()).contains("&inj="));
    assert!(
        root.query_selector(".drill-injects").unwrap().is_none(),
        "the trainees do not see the surprises"
    );
    // At 19:10 the presence cluster goes down, and the log does not say why.
    live.advance(11.0 * 60_000.0);
    leptos::task::tick().await;
    let presence = scenario
        .topology
        .component_index("Presence_Service")
        .unwrap();
    assert_eq!(
        live.snapshot.get_untracked().components[presence].health,
        Health::Down
    );
    let rows = log_rows(&root);
    assert!(
        rows.iter().all(|r| !r.contains("kill Presence")),
        "the inject is held back like the scenario's triggers: {rows:?}"
    );
    // The debrief reveals it, and the references met it too.
    live.advance(2.0 * 3_600_000.0);
    leptos::task::tick().await;
    let debrief = query(&root, ".drill-debrief");
    let injects = query(&debrief, "[data-drill=injects]")
        .text_content()
        .unwrap();
    assert!(
        injects.contains("19:10:00") && injects.contains("Presence"),
        "{injects}"
    );
    let (replay, _) = live::drill::reference_scores(key, &[], &[], 1).unwrap();
    let (replay_with, _) =
        live::drill::reference_scores(key, &[], &live.injects.get_untracked(), 1).unwrap();
    let shown: f64 = query(&debrief, "tr[data-score=replay] td")
        .get_attribute("data-value")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(shown, replay_with);
    assert!(replay_with > replay, "{replay_with} vs {replay}");
    // After the drill the instructor sees the surprises and can remove them.
    let listed = query(&root, ".drill-injects");
    assert_eq!(listed.get_attribute("data-injects").as_deref(), Some("1"));
    click(&query(&listed, "button[data-action=clear-injects]"));
    leptos::task::tick().await;
    assert!(live.injects.get_untracked().is_empty());
    assert_eq!(live.now_ms(), 1000);
    assert!(root.query_selector(".drill-injects").unwrap().is_none());
}

#[wasm_bindgen_test]
fn a_link_with_bad_injects_is_refused_with_the_field_named() {
    for (link, problem) in [
        ("#s=steady_state&inj=%%%", "not valid base64url"),
        (
            &*format!(
                "#s=steady_state&inj={}",
                url_state::b64_encode(br#"[[5000,{"type":"kill","component":"Nope"}]]"#)
            ),
            "inject #1 (kill)",
        ),
        (
            &*format!(
                "#s=steady_state&inj={}",
                url_state::b64_encode(
                    br#"[[9000,{"type":"kill","component":"Guilds_Service"}],[5000,{"type":"kill","component":"Guilds_Service"}]]"#
                )
            ),
            "go back in time",
        ),
    ] {
        let e = url_state::decode(link).unwrap_err();
        assert_eq!(e.field, "inj", "{link}");
        assert!(e.problem.contains(problem), "{link}: {}", e.problem);
    }
}
