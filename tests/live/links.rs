//! The run in the URL fragment: its codec, bad links named field by field, and replay.

use super::*;

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
fn a_query_link_is_read_when_there_is_no_fragment() {
    // The fragment wins; without one the query is read, `?` and all.
    assert_eq!(url_state::link_text("#s=a", "?s=b"), ("s=a", false));
    assert_eq!(url_state::link_text("", "?s=b"), ("s=b", true));
    assert_eq!(url_state::link_text("#", "?s=b"), ("s=b", true));
    assert_eq!(url_state::link_text("", ""), ("", false));
    let run = url_state::decode("?scenario=api_cascade_2022&seed=3")
        .unwrap()
        .expect("a run");
    assert_eq!(run.scenario, "api_cascade_2022");
    assert_eq!(run.seed, 3);
    // A bad query is named like a bad fragment.
    let e = url_state::decode("?scenario=nowhere").unwrap_err();
    assert_eq!(e.field, "s");
    assert!(e.to_string().contains("unknown scenario `nowhere`"));
    let e = url_state::decode("?sceanrio=api_cascade_2022").unwrap_err();
    assert!(
        e.problem.contains("unknown key `sceanrio`"),
        "{}",
        e.problem
    );
}

#[wasm_bindgen_test]
fn garbage_links_never_panic() {
    // Pieces of real links and of broken ones, glued at random (a fixed
    // LCG, so a failure replays): every result is a run or a named error.
    let pieces = [
        "#",
        "?",
        "s=",
        "seed=",
        "x=",
        "t=",
        "a=",
        "inj=",
        "cb=",
        "branch",
        "cf=",
        "h=",
        "drill=",
        "cmp=",
        "switch:",
        "nobody",
        "scenario=",
        "&",
        "=",
        "steady_state",
        "api_cascade_2022",
        "user",
        "1",
        "-3",
        "1e309",
        "NaN",
        "0.05",
        ",",
        "%",
        "%E2%9C%95",
        "W1swLHsi",
        "dHlwZSI6ImtpbGwi",
        "client_backoff_fix",
        "🙂",
        " ",
    ];
    let mut state: u64 = 0x5eed;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % n
    };
    for _ in 0..3000 {
        let len = 1 + next(12);
        let link: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
        match url_state::decode(&link) {
            Ok(_) => {}
            Err(e) => assert!(
                !e.problem.is_empty() && !e.field.is_empty(),
                "{link}: {e:?}"
            ),
        }
        // Opened leniently, what is kept is a run the page itself could
        // have written, and what is left out is named.
        match link_open::open(&link) {
            Ok(None) => assert_eq!(url_state::decode(&link), Ok(None), "{link}"),
            Ok(Some(opened)) => {
                let again = url_state::decode(&url_state::encode(&opened.run));
                assert_eq!(again, Ok(Some(opened.run.clone())), "{link}");
                assert!(opened.left_out.iter().all(|e| !e.problem.is_empty()));
            }
            Err(e) => assert!(!e.problem.is_empty(), "{link}: {e:?}"),
        }
    }
}

#[wasm_bindgen_test]
fn a_link_opens_as_far_as_it_is_usable() {
    let scenario = url_state::load_scenario("api_cascade_2022").unwrap();
    // A seed typed as a word: the scenario opens at its own seed.
    let opened = link_open::open("#s=api_cascade_2022&seed=banana&x=600")
        .unwrap()
        .expect("a run");
    assert_eq!(opened.run.scenario, "api_cascade_2022");
    assert_eq!(opened.run.seed, scenario.seed);
    assert_eq!(opened.run.speed, 600.0);
    let notice = opened.left_out_notice().expect("a notice");
    assert!(
        notice.contains("`seed`") && notice.contains("banana"),
        "{notice}"
    );
    assert!(
        notice.ends_with("Opened the rest of the link without it."),
        "{notice}"
    );
    // A time past the end: the actions are kept, the clock starts at 0.
    let kill = url_state::b64_encode(br#"[[60000,{"type":"kill","component":"Redis_Sessions"}]]"#);
    let link = format!("s=api_cascade_2022&seed=3&t=999999999&a={kill}&zoom=2&oops");
    let opened = link_open::open(&link).unwrap().expect("a run");
    assert_eq!((opened.run.seed, opened.run.t_ms), (3, 0));
    assert_eq!(opened.run.actions.len(), 1);
    let fields: Vec<&str> = opened.left_out.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["fragment", "fragment", "t"]);
    let notice = opened.left_out_notice().unwrap();
    assert!(
        notice.contains("zoom") && notice.contains("oops"),
        "{notice}"
    );
    assert!(notice.ends_with("without them."), "{notice}");
    // A fault in one piece takes that piece alone: the good seed stays.
    let opened = link_open::open("s=steady_state&seed=5&seed=banana")
        .unwrap()
        .unwrap();
    assert_eq!(opened.run.seed, 5);
    assert_eq!(opened.left_out.len(), 1);
    // A comparison that needs a piece the link lacks goes; the run stays.
    let opened = link_open::open("s=steady_state&seed=2&cmp=branch")
        .unwrap()
        .unwrap();
    assert_eq!((opened.run.seed, opened.run.compare.clone()), (2, None));
    // A usable link opens exactly as the strict reading does, with no notice.
    let link = "s=api_cascade_2022&seed=4&x=60&t=120000&cmp=nobody";
    let opened = link_open::open(link).unwrap().unwrap();
    assert_eq!(Some(opened.run.clone()), url_state::decode(link).unwrap());
    assert_eq!(opened.left_out_notice(), None);
    assert_eq!(link_open::open("").unwrap(), None);
}

#[wasm_bindgen_test]
fn a_drill_link_with_a_slip_opens_without_naming_the_incident() {
    let hidden = url_state::b64_encode(b"api_cascade_2022");
    let opened = link_open::open(&format!("hs={hidden}&drill=1&seed=2&cf=nope"))
        .unwrap()
        .expect("a run");
    assert!(opened.run.drill);
    assert_eq!(
        (opened.run.scenario.as_str(), opened.run.seed),
        ("api_cascade_2022", 2)
    );
    let notice = opened.left_out_notice().unwrap();
    assert!(notice.contains("unknown counterfactual `nope`"), "{notice}");
    for giveaway in ["api_cascade", "client_backoff_fix", "gateway_breakers"] {
        assert!(!notice.contains(giveaway), "{notice}");
    }
    // Outside a drill the same slip lists the switches, to help.
    let opened = link_open::open("s=api_cascade_2022&cf=nope")
        .unwrap()
        .unwrap();
    assert!(opened
        .left_out_notice()
        .unwrap()
        .contains("client_backoff_fix"));
}

#[wasm_bindgen_test]
fn a_link_without_a_usable_scenario_does_not_open() {
    let e = link_open::open("s=nowhere&seed=2").unwrap_err();
    assert_eq!(e.field, "s");
    // A drill is never opened as a plain run: that would show its name.
    let e = link_open::open("s=api_cascade_2022&drill=maybe").unwrap_err();
    assert_eq!(e.field, "drill");
    // A misspelt key leaves no scenario: every fault is named.
    let e = link_open::open("?sceanrio=api_cascade_2022&seed=banana").unwrap_err();
    assert_eq!(e.field, "s");
    let text = e.to_string();
    assert!(text.contains("no scenario named"), "{text}");
    let e = link_open::open("#garbage").unwrap_err();
    assert!(
        e.to_string().contains("`garbage` is not a key=value pair"),
        "{e}"
    );
    assert!(
        text.contains("no scenario named") && text.contains("sceanrio"),
        "{text}"
    );
    assert!(text.contains("banana"), "{text}");
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
            (
                110_000,
                Action::Surge {
                    component: "Gateway_EU".into(),
                    factor: 3.0,
                    ramp_s: 300.0,
                },
            ),
        ],
        counterfactuals: Vec::new(),
        drill: false,
        hints: Vec::new(),
        compare: Some(live::compare::Comparison::Scripted),
        injects: vec![(
            45_000,
            Action::Kill {
                component: "Monitoring_Primary".into(),
            },
        )],
        branch: Some(vec![(
            20_000,
            Action::Kill {
                component: "Guilds_Service".into(),
            },
        )]),
    };
    let frag = url_state::encode(&run);
    assert!(!frag.contains('{') && !frag.contains(' '), "{frag}");
    assert!(frag.contains("&cmp=scripted"), "{frag}");
    assert_eq!(url_state::decode(&frag).unwrap(), Some(run));
}

#[wasm_bindgen_test]
fn a_link_names_the_run_the_charts_compare_with_and_a_bad_one_is_refused() {
    use live::compare::Comparison;
    let run = url_state::decode("s=api_cascade_2022&seed=2&cmp=switch:client_backoff_fix")
        .unwrap()
        .unwrap();
    assert_eq!(
        run.compare,
        Some(Comparison::Switch("client_backoff_fix".into()))
    );
    for (link, problem) in [
        (
            "s=api_cascade_2022&cmp=everything",
            "`everything` names no run",
        ),
        (
            "s=api_cascade_2022&cmp=switch:no_such_fix",
            "cannot be compared with `switch:no_such_fix`",
        ),
        (
            "s=api_cascade_2022&cf=client_backoff_fix&cmp=switch:client_backoff_fix",
            "a switch already on",
        ),
        // The steady state scripts no responders to leave out.
        (
            "s=steady_state&cmp=nobody",
            "cannot be compared with `nobody`",
        ),
        (
            "s=api_cascade_2022&drill=1&cmp=scripted",
            "a drill compares with nothing until its end",
        ),
    ] {
        let e = url_state::decode(link).unwrap_err();
        assert_eq!(e.field, "cmp", "{link}");
        assert!(e.problem.contains(problem), "{link}: {}", e.problem);
    }
    // A drill's debrief may compare: the incident is no longer hidden.
    let ended = url_state::decode("s=api_cascade_2022&drill=1&t=13500000&cmp=scripted")
        .unwrap()
        .unwrap();
    assert_eq!(ended.compare, Some(Comparison::Scripted));
    // A link that only compares is not a fresh start: the page replays it.
    let only = url_state::decode("s=steady_state&cmp=scripted")
        .unwrap()
        .unwrap();
    assert!(!live::driver::is_fresh(&only));
    assert!(live::driver::is_fresh(&RunState {
        compare: None,
        ..only
    }));
    // Replayed, the link's comparison is drawn: the page opens comparing.
    let (_root, live) = mount_live(|| ());
    let live = live.get().unwrap();
    live.replay(&run);
    assert_eq!(live.comparison.get_untracked(), run.compare);
    assert!(live.run_state().compare.is_some(), "and stays in the link");
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
fn a_link_pasted_into_the_open_pages_address_bar_opens_and_a_bad_one_keeps_the_run() {
    let (_root, live) = mount_live(|| ());
    let live = live.get().unwrap();
    live.advance(60_000.0);
    live.save_url();
    // As the address bar would leave it (no event: the test calls the
    // listener's work itself).
    let set_address = |frag: &str| {
        window()
            .history()
            .unwrap()
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{frag}")))
            .unwrap();
    };
    let hash = || window().location().hash().unwrap();
    // Chrome ignores a page's address changes past 200 in 10 s (IPC flooding
    // protection); this suite makes that many, so `webdriver.json` starts
    // the test browser with the protection off. Without it the rewrite
    // above is dropped and the address still holds an older run.
    assert!(
        live.wrote_link(&hash()),
        "the browser dropped the page's address rewrite (is webdriver.json's \
         --disable-ipc-flooding-protection in effect?)"
    );
    // The page's own rewrite of the address is not a link to open.
    live.notice.set(None);
    let before = live.run_state();
    live.follow_address();
    assert_eq!(live.notice.get_untracked(), None);
    assert_eq!(live.run_state(), before);

    // A pasted link opens as it would on load.
    set_address("s=redis_failover_2017&seed=3&t=120000");
    live.follow_address();
    assert_eq!(live.scenario_key.get_untracked(), "redis_failover_2017");
    assert_eq!(live.seed.get_untracked(), 3);
    assert_eq!(live.now_ms(), 120_000);
    assert_eq!(
        live.notice.get_untracked().map(|n| (n.error, n.text)),
        Some((
            false,
            "Replayed the run from the link. Press Play (or Space) to continue.".into()
        ))
    );
    assert!(
        live.wrote_link(&hash()),
        "the address names the run: {}",
        hash()
    );

    // One naming no usable scenario keeps the run and writes it back.
    set_address("s=nowhere&seed=5");
    live.follow_address();
    assert_eq!(live.scenario_key.get_untracked(), "redis_failover_2017");
    assert_eq!((live.seed.get_untracked(), live.now_ms()), (3, 120_000));
    let notice = live.notice.get_untracked().expect("a notice");
    assert!(notice.error);
    assert!(
        notice.text.contains("unknown scenario `nowhere`")
            && notice.text.ends_with("Kept the run you had."),
        "{}",
        notice.text
    );
    assert!(hash().contains("s=redis_failover_2017"), "{}", hash());

    // A slip in a usable link is left out and named, the rest opens.
    set_address("s=steady_state&seed=banana");
    live.follow_address();
    assert_eq!(live.scenario_key.get_untracked(), "steady_state");
    let notice = live.notice.get_untracked().expect("a notice");
    assert!(
        notice.error && notice.text.contains("banana"),
        "{}",
        notice.text
    );

    // A fresh link says it was opened (nothing to replay).
    set_address("s=permission_cache_failure&seed=9");
    live.follow_address();
    assert_eq!(
        live.scenario_key.get_untracked(),
        "permission_cache_failure"
    );
    assert_eq!(live.seed.get_untracked(), 9);
    assert_eq!(
        live.notice.get_untracked().map(|n| n.text),
        Some("Opened the link from the address bar.".into())
    );
}

/// The value of the text field `id` under `root`.
fn field_value(root: &web_sys::Element, id: &str) -> String {
    query(root, &format!("#{id}"))
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap()
        .value()
}

/// The run a full link (address and fragment) opens.
fn run_of(link: &str) -> RunState {
    let frag = &link[link.find('#').expect("a fragment")..];
    url_state::decode(frag).unwrap().expect("a run")
}

#[wasm_bindgen_test]
async fn share_offers_this_moment_and_the_drill_from_the_start() {
    let key = "permission_cache_failure";
    let scenario = url_state::load_scenario(key).unwrap();
    let (root, live) = mount_live_with(key, scenario, 1, || view! { <PlaybackBar /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    // An instructor adds a surprise and starts the drill with it, then
    // tries the drill out: a move of their own and a hint.
    live.advance(600_000.0);
    let surprise = Action::Kill {
        component: "Presence_Service".into(),
    };
    live.act(surprise.clone()).unwrap();
    live.drill_with_injects();
    live.advance(120_000.0);
    let own_move = Action::Revive {
        component: "Memcached_Guilds".into(),
    };
    live.act(own_move.clone()).unwrap();
    live.take_hint();
    live.advance(60_000.0);
    leptos::task::tick().await;

    click(&query(&root, "details.share > summary"));
    gloo_timers::future::TimeoutFuture::new(50).await;
    leptos::task::tick().await;
    // This moment: the address bar's run, moves, hint and clock included.
    let now = run_of(&field_value(&root, "share-now"));
    assert_eq!(now, live.run_state());
    assert!(now.t_ms > 0 && !now.actions.is_empty() && !now.hints.is_empty());
    // From the start: the same drill with the surprise, at 0:00, without
    // the instructor's move or hint; and it opens without a complaint.
    let link = field_value(&root, "share-start");
    let start = run_of(&link);
    assert_eq!(start.scenario, key);
    assert_eq!(start.seed, 1);
    assert!(start.drill);
    assert_eq!(start.injects, vec![(600_000, surprise)]);
    assert_eq!(start.t_ms, 0);
    assert!(start.actions.is_empty() && start.hints.is_empty());
    let opened = link_open::open(&link[link.find('#').unwrap()..])
        .unwrap()
        .expect("a run");
    assert!(opened.left_out.is_empty());
    assert!(query(&root, "details.share")
        .text_content()
        .unwrap()
        .contains("for your trainees"));

    // Copy: the clipboard takes it, or the link is selected for Ctrl+C.
    click(&query(&root, "button[data-action=copy-start]"));
    gloo_timers::future::TimeoutFuture::new(200).await;
    leptos::task::tick().await;
    let status = query(&root, "[data-share-status]").text_content().unwrap();
    let field = query(&root, "#share-start");
    let selected = document().active_element().is_some_and(|e| e == field);
    assert!(
        status == "Copied the link." || (status.contains("press Ctrl+C") && selected),
        "{status:?} (field selected: {selected})"
    );
    // Escape closes the panel.
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let esc = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    query(&root, "#share-start").dispatch_event(&esc).unwrap();
    assert!(query(&root, "details.share")
        .get_attribute("open")
        .is_none());
}
