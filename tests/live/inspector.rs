//! The inspector's live part: figures, the component's actions (kill, slow tail, limits), what each dependency carries, partitions and failure modes.

use super::*;

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
    // Nothing answers, so there is no latency to show (not "0.0 ms").
    assert_eq!(
        query(&root, "[data-figure=latency]")
            .text_content()
            .as_deref(),
        Some("—")
    );
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
async fn the_figures_show_the_retries_in_a_components_load() {
    let (edge, push) = (index_of("CloudFlare_US"), index_of("Push_Service"));
    let (root, live) = mount_live(move || {
        view! {
            <div class="edge"><ComponentActions index=edge /></div>
            <div class="push"><ComponentActions index=push /></div>
        }
    });
    let live = live.get().unwrap();
    live.step();
    leptos::task::tick().await;
    assert!(
        root.query_selector("[data-figure=retries]")
            .unwrap()
            .is_none(),
        "a calm evening has no retries to show"
    );
    // Message sends fail without the database; the clients retry them, and
    // the edge, which every attempt reaches, shows their share.
    live.act(Action::Kill {
        component: "ScyllaDB_Primary".into(),
    })
    .unwrap();
    live.step();
    leptos::task::tick().await;
    let text = query(&root, ".edge [data-figure=retries]")
        .text_content()
        .unwrap();
    let pct: f64 = text.split('%').next().unwrap().parse().unwrap();
    assert!(pct > 20.0 && text.contains("% of arrivals · "), "{text}");
    // Behind the API, whose callers' breakers keep every call away now,
    // Push receives nothing: no share of nothing is shown.
    let s = live.snapshot.get_untracked();
    assert!(
        s.components[push].arrivals < 1.0,
        "{}",
        s.components[push].arrivals
    );
    assert!(s.components[push].retry_share > 0.3, "the estimate alone");
    assert!(root
        .query_selector(".push [data-figure=retries]")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn why_traces_a_callers_trouble_back_to_the_kill_that_began_it() {
    let (cache, api) = (index_of("Redis_Sessions"), index_of("API_Gateway"));
    let selected = std::rc::Rc::new(std::cell::Cell::new(None));
    let keep = selected.clone();
    let (root, live) = mount_live(move || {
        keep.set(use_context::<Selection>());
        view! {
            <ComponentActions index=cache />
            <ComponentActions index=api />
        }
    });
    let live = live.get().unwrap();
    live.step();
    leptos::task::tick().await;
    assert!(
        root.query_selector("[data-why]").unwrap().is_none(),
        "healthy components have nothing to explain"
    );
    let why = |i: usize| {
        root.query_selector(&format!("[data-why='{i}'] ol"))
            .unwrap()
            .map(|ol| {
                let items = ol.children();
                (0..items.length())
                    .map(|k| items.item(k).unwrap().text_content().unwrap())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    click(&query(
        &root,
        "[data-live-component=Redis_Sessions] button[data-action=kill]",
    ));
    for _ in 0..3 {
        live.step();
    }
    leptos::task::tick().await;
    let cache_why = why(cache);
    assert_eq!(cache_why.len(), 2, "{cache_why:?}");
    assert!(
        cache_why[0].contains("operator: kill Redis Sessions"),
        "{cache_why:?}"
    );
    assert!(
        cache_why[1].contains("Redis Sessions down"),
        "{cache_why:?}"
    );
    // The API authenticates against the sessions cache: its trouble
    // names the cache's, and through it the kill.
    let api_why = why(api);
    assert!(api_why.len() >= 3, "{api_why:?}");
    assert!(
        api_why[0].contains("operator: kill Redis Sessions"),
        "{api_why:?}"
    );
    assert!(
        api_why.iter().any(|s| s.contains("Redis Sessions down")),
        "{api_why:?}"
    );
    assert!(
        api_why.last().unwrap().contains("API Gateway"),
        "{api_why:?}"
    );
    // A step on another component opens it: the chain can be walked
    // upstream. The kill and the cache going down are the cache's; the
    // API's own step is text.
    let upstream = root
        .query_selector_all(&format!("[data-why='{api}'] button.why-step"))
        .unwrap();
    assert_eq!(upstream.length(), 2, "{api_why:?}");
    for k in 0..2 {
        let step = upstream.item(k).unwrap();
        let step = step.dyn_ref::<web_sys::Element>().unwrap();
        assert_eq!(
            step.get_attribute("data-why-component"),
            Some(cache.to_string())
        );
    }
    let to_cache = upstream.item(1).unwrap();
    to_cache.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
    assert_eq!(selected.take().unwrap().0.get_untracked(), Some(cache));
    // Each step carries the incident's clock.
    let killed_at = live
        .events
        .get_untracked()
        .iter()
        .find(|e| e.message.contains("kill Redis Sessions"))
        .unwrap()
        .t_ms;
    assert!(
        api_why[0].starts_with(&live.clock_at(killed_at)),
        "{api_why:?}"
    );
    // Revived and calm again, the answer goes away.
    click(&query(
        &root,
        "[data-live-component=Redis_Sessions] button[data-action=revive]",
    ));
    for _ in 0..60 {
        live.step();
    }
    leptos::task::tick().await;
    assert!(why(cache).is_empty(), "{:?}", why(cache));
}

/// Monitoring down: the inspector (like the map and the charts) shows the
/// last figures seen, and a line above the map says so and since when.
#[wasm_bindgen_test]
async fn with_monitoring_down_the_inspector_shows_the_last_figures_seen() {
    let api = index_of("API_Gateway");
    let (root, live) = mount_live(move || {
        view! {
            <live::BlindNotice />
            <ComponentActions index=api />
            <EventLog />
        }
    });
    let live = live.get().unwrap();
    for _ in 0..3 {
        live.step();
    }
    leptos::task::tick().await;
    assert!(root.query_selector(".live-blind").unwrap().is_none());
    kill_monitoring(&live);
    live.step();
    let blind_at = live.clock_at(live.snapshot.get_untracked().sli_as_of_ms);
    live.act(Action::Kill {
        component: "API_Gateway".into(),
    })
    .unwrap();
    live.step();
    leptos::task::tick().await;
    let notice = query(&root, ".live-blind").text_content().unwrap();
    assert!(notice.contains("Monitoring is down."), "{notice}");
    assert!(notice.contains(&format!("as of {blind_at}")), "{notice}");
    let health = || {
        query(&root, ".live-health")
            .get_attribute("data-health")
            .unwrap()
    };
    assert_eq!(health(), "healthy", "the kill is not seen while blind");
    // The sparklines end where the dashboards did.
    let spark = || {
        query(&root, ".spark-load polyline")
            .get_attribute("points")
            .unwrap()
    };
    let before = spark();
    for _ in 0..3 {
        live.step();
    }
    leptos::task::tick().await;
    assert_eq!(spark(), before, "no new samples drawn while blind");
    assert!(live.with_sim(|s| s.snapshot().sli_true.api_success) < 0.01);
    // The log shows the operator's kill but holds back what it did.
    let log = || query(&root, "ol.events").text_content().unwrap();
    assert!(log().contains("operator: kill API Gateway"), "{}", log());
    assert!(!log().contains("API Gateway down"), "{}", log());
    let held = query(&root, ".live-events .live-blind");
    let n: usize = held
        .get_attribute("data-held-back")
        .unwrap()
        .parse()
        .unwrap();
    assert!(n >= 1, "{}", held.text_content().unwrap());
    // Back: the notice goes and the inspector catches up.
    for m in ["Monitoring_Primary", "Monitoring_Backup"] {
        live.act(Action::Revive {
            component: m.into(),
        })
        .unwrap();
    }
    for _ in 0..18 {
        live.step();
    }
    leptos::task::tick().await;
    assert!(root.query_selector(".live-blind").unwrap().is_none());
    assert_eq!(health(), "down");
    assert!(log().contains("API Gateway down"), "{}", log());
}

/// With every orchestrator down, Revive cannot restart anything yet: the
/// log says why, and the servers come once an orchestrator is back.
#[wasm_bindgen_test]
async fn revive_without_an_orchestrator_says_it_waits_for_one() {
    let presence = index_of("Presence_Service");
    let (root, live) = mount_live(move || {
        view! {
            <ComponentActions index=presence />
            <EventLog />
        }
    });
    let live = live.get().unwrap();
    for k in ["K8s_Primary", "K8s_Secondary", "Presence_Service"] {
        live.act(Action::Kill {
            component: k.into(),
        })
        .unwrap();
    }
    live.step();
    leptos::task::tick().await;
    click(&query(&root, "button[data-action=revive]"));
    for _ in 0..3 {
        live.step();
    }
    leptos::task::tick().await;
    let log = || query(&root, "ol.events").text_content().unwrap();
    assert!(
        log().contains("Presence: its servers restart once the orchestrator is back"),
        "{}",
        log()
    );
    let health = || {
        query(&root, ".live-health")
            .get_attribute("data-health")
            .unwrap()
    };
    assert_eq!(health(), "down", "nothing restarts yet");
    let servers = || {
        query(&root, "[data-figure=servers]")
            .text_content()
            .unwrap()
    };
    assert_eq!(servers(), "0 of 33 · waiting for the orchestrator");
    live.act(Action::Revive {
        component: "K8s_Primary".into(),
    })
    .unwrap();
    for _ in 0..40 {
        live.step();
    }
    leptos::task::tick().await;
    assert_ne!(health(), "down", "restarted once the orchestrator is back");
    assert!(!servers().contains("orchestrator"), "{}", servers());
}

/// The map rings the components the selected one's trouble came through.
#[wasm_bindgen_test]
async fn the_map_rings_what_the_selected_components_trouble_came_through() {
    let (cache, api) = (index_of("Redis_Sessions"), index_of("API_Gateway"));
    let selected = std::rc::Rc::new(std::cell::Cell::new(None));
    let keep = selected.clone();
    let (root, live) = mount_live(move || {
        keep.set(use_context::<Selection>());
        let topology = std::sync::Arc::new(steady().topology.clone());
        view! { <faultline_app::diagram::Diagram topology width=1200.0 /> }
    });
    let live = live.get().unwrap();
    let selection = selected.take().unwrap();
    let ringed = || {
        let list = root.query_selector_all(".node.why").unwrap();
        (0..list.length())
            .map(|k| {
                list.item(k)
                    .unwrap()
                    .dyn_ref::<web_sys::Element>()
                    .unwrap()
                    .get_attribute("data-component")
                    .unwrap()
            })
            .collect::<Vec<_>>()
    };
    selection.0.set(Some(api));
    live.step();
    leptos::task::tick().await;
    assert!(ringed().is_empty(), "a healthy selection rings nothing");
    live.act(Action::Kill {
        component: "Redis_Sessions".into(),
    })
    .unwrap();
    live.step();
    leptos::task::tick().await;
    assert_eq!(ringed(), ["Redis_Sessions"]);
    // The cache's own trouble began with the kill on itself: nothing else
    // to ring, and it is the selection, not ringed.
    selection.0.set(Some(cache));
    leptos::task::tick().await;
    assert!(ringed().is_empty(), "{:?}", ringed());
}

/// While playing, the log's events go out at most every 250 ms of wall
/// time but the snapshot every frame, so the snapshot can name a trouble
/// event the page does not have yet: the answer must come when it does.
#[wasm_bindgen_test]
async fn why_appears_once_the_events_catch_up_with_the_snapshot() {
    let cache = index_of("Redis_Sessions");
    let (root, live) = mount_live(move || view! { <ComponentActions index=cache /> });
    let live = live.get().unwrap();
    live.act(Action::Kill {
        component: "Redis_Sessions".into(),
    })
    .unwrap();
    live.playing.set(true);
    // Within 250 ms of the kill's publication: the snapshot only.
    live.advance(3_000.0);
    leptos::task::tick().await;
    let trouble = live.snapshot.get_untracked().components[cache].health_event;
    let known = live.events.get_untracked().len();
    assert!(
        trouble.is_some_and(|ev| ev >= known),
        "the snapshot runs ahead of the published log: {trouble:?} of {known}"
    );
    gloo_timers::future::TimeoutFuture::new(300).await;
    live.advance(3_000.0);
    leptos::task::tick().await;
    live.playing.set(false);
    let steps = root.query_selector_all("[data-why] li").unwrap().length();
    assert_eq!(steps, 2, "the kill and the node going down");
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
async fn whole_app_kill_from_the_inspector_turns_the_node_down() {
    let root = container();
    mount_app(&root);
    leptos::task::tick().await;
    let node = query(&root, ".node[data-component=Redis_Sessions]");
    assert_eq!(
        node.get_attribute("data-health").as_deref(),
        Some("healthy")
    );
    let status = query(&root, "[data-testid=selection-status]");
    assert_eq!(status.get_attribute("role").as_deref(), Some("status"));
    assert_eq!(status.text_content().unwrap(), "");
    click(&node);
    leptos::task::tick().await;
    // The selection is announced once; the inspector's figures, which
    // change every frame, are not a live region.
    assert_eq!(
        status.text_content().unwrap(),
        "Redis Sessions selected: its facts, figures and actions are in the inspector."
    );
    assert_eq!(
        query(&root, "aside.inspector").get_attribute("aria-live"),
        None
    );
    click(&query(&root, ".inspector button[data-action=kill]"));
    click(&query(&root, "button[data-action=step]"));
    leptos::task::tick().await;
    let node = query(&root, ".node[data-component=Redis_Sessions]");
    assert_eq!(node.get_attribute("data-health").as_deref(), Some("down"));
    // A screen reader hears it too: the node's name says its health.
    let label = node.get_attribute("aria-label").unwrap();
    assert!(
        label.starts_with("Redis Sessions User session cache: down. State Plane"),
        "{label}"
    );
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
async fn a_down_shards_unavailable_answers_are_named_in_the_callers_errors() {
    let i = index_of("API_RateLimiter");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let errors = || {
        query(&root, "[data-figure=errors]")
            .text_content()
            .unwrap_or_default()
    };
    assert!(!errors().contains("unavailable"), "{}", errors());
    live.act(Action::Kill {
        component: "MessageRouter_Large".into(),
    })
    .unwrap();
    live.advance(20_000.0);
    leptos::task::tick().await;
    // The router's half of the messages is answered "unavailable" (the
    // rate limiter also carries search and uploads, which still succeed).
    let text = errors();
    assert!(
        text.contains("\u{201c}unavailable\u{201d}: a shard is down"),
        "{text}"
    );
    let c = comp_state(&live, "API_RateLimiter");
    assert!(
        c.unavailable > 0.3 && c.unavailable <= c.error_rate,
        "{c:?}"
    );
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
async fn the_map_marks_what_differs_from_the_compared_run() {
    let (root, live) = mount_live(move || {
        let topology = std::sync::Arc::new(steady().topology.clone());
        view! {
            <live::HealthLegend />
            <faultline_app::diagram::Diagram topology width=1200.0 />
        }
    });
    let live = live.get().unwrap();
    let differing = || {
        let list = root.query_selector_all(".node.differs").unwrap();
        (0..list.length())
            .map(|k| {
                let e = list.item(k).unwrap();
                let e = e.dyn_ref::<web_sys::Element>().unwrap();
                (
                    e.get_attribute("data-component").unwrap(),
                    e.get_attribute("data-compared").unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>()
    };
    let key = || root.query_selector("[data-testid=compared-key]").unwrap();
    live.set_comparison(Some(live::compare::Comparison::Scripted));
    live.step();
    live.follow_comparison(f64::INFINITY);
    leptos::task::tick().await;
    assert!(key().is_some(), "the health key explains the grey ring");
    assert!(differing().is_empty(), "nothing done: {:?}", differing());
    // The trainee's kill is not in the compared run: the cache (and what
    // its loss troubles) differ, and the ring says how it is there.
    live.act(Action::Kill {
        component: "Redis_Sessions".into(),
    })
    .unwrap();
    live.step();
    live.follow_comparison(f64::INFINITY);
    leptos::task::tick().await;
    let marked = differing();
    assert!(
        marked.contains(&("Redis_Sessions".to_string(), "healthy".to_string())),
        "{marked:?}"
    );
    // No comparison: no rings, no key.
    live.set_comparison(None);
    leptos::task::tick().await;
    assert!(differing().is_empty());
    assert!(key().is_none());
    root.remove();
}
