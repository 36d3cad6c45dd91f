//! The live map's call edges: the readout of the edge pointed at, and a
//! click on one opening its caller at that edge's row.

use super::*;

/// Sends `kind` (`pointerenter`, `pointermove`, `pointerleave`) to `el`,
/// the pointer at client x `x`, halfway down `el`'s box. (The readout
/// goes by the pointer's place alone; the end-to-end tests point with a
/// real mouse.)
fn point(el: &web_sys::Element, kind: &str, x: f64) {
    let send = js_sys::Function::new_with_args(
        "el, kind, x",
        "const r = el.getBoundingClientRect();
         el.dispatchEvent(new PointerEvent(kind, {clientX: x, clientY: r.top + r.height / 2}));",
    );
    send.call3(&wasm_bindgen::JsValue::NULL, el, &kind.into(), &x.into())
        .unwrap();
}

#[wasm_bindgen_test]
async fn pointing_at_a_call_edge_reads_what_it_carries_as_the_run_goes_on() {
    let root = container();
    let live = mount_app(&root);
    for _ in 0..3 {
        live.step();
    }
    leptos::task::tick().await;
    let key = "Sessions_Service>Redis_Sessions";
    let hit = query(&root, &format!("path.live-edge-hit[data-key=\"{key}\"]"));
    let readout = || root.query_selector(".edge-readout").unwrap();
    let lit = || root.query_selector("path.live-edge-hovered").unwrap();
    assert!(readout().is_none() && lit().is_none(), "nothing pointed at");

    let stack = query(&root, ".diagram-stack").get_bounding_client_rect();
    let x = stack.left() + 200.0;
    point(&hit, "pointerenter", x);
    leptos::task::tick().await;
    let box_ = readout().expect("a readout for the edge pointed at");
    assert_eq!(
        box_.get_attribute("data-from").as_deref(),
        Some("Sessions_Service")
    );
    assert_eq!(
        box_.get_attribute("data-to").as_deref(),
        Some("Redis_Sessions")
    );
    let text = box_.text_content().unwrap();
    assert!(text.starts_with("Sessions → Redis Sessions"), "{text}");
    // Its figure is the simulation's: the calls a second on that edge.
    let j = live.scenario.with_untracked(|s| {
        view_model::edge_index(&s.topology, "Sessions_Service", "Redis_Sessions").unwrap()
    });
    let traffic = live.snapshot.with_untracked(|s| s.edges[j].traffic);
    assert!(traffic > 1_000.0, "sessions read their cache: {traffic}");
    let calls = format!(
        "{} calls/s",
        view_model::rate(traffic).trim_end_matches("/s")
    );
    assert!(
        text.contains(&format!("{calls} · none failing")),
        "{text} / {calls}"
    );
    assert!(!text.contains("Breaker"), "{text}");
    assert!(
        lit().is_some(),
        "the edge pointed at is drawn over the others"
    );
    // Beside the pointer, to its right. The style sheet, which places it
    // from these, is the end-to-end tests' to check.
    let style = || readout().unwrap().get_attribute("style").unwrap();
    assert!(style().starts_with("left:214px;"), "{}", style());

    // The readout follows the run while the pointer stays: the breaker
    // forced open on that very edge shows at the next step.
    live.act(Action::SetBreaker {
        from: "Sessions_Service".into(),
        to: "Redis_Sessions".into(),
        mode: BreakerMode::ForceOpen,
    })
    .unwrap();
    live.step();
    leptos::task::tick().await;
    let text = readout().unwrap().text_content().unwrap();
    assert!(text.contains("Breaker open: calls fail at once"), "{text}");

    // The pointer moving on moves the readout with it; near the map's
    // right edge the readout goes on the pointer's left, to stay in it.
    point(&hit, "pointermove", x + 30.0);
    leptos::task::tick().await;
    assert!(style().starts_with("left:244px;"), "{}", style());
    point(&hit, "pointermove", stack.right() - 100.0);
    leptos::task::tick().await;
    let right = format!("right:calc(100% - {:.0}px);", stack.width() - 114.0);
    assert!(style().starts_with(&right), "{} / {right}", style());

    // Another edge's leave does not close this one's readout; its own does.
    let other = query(
        &root,
        "path.live-edge-hit[data-key=\"Gateway_Primary>Sessions_Service\"]",
    );
    point(&other, "pointerleave", x);
    leptos::task::tick().await;
    assert!(readout().is_some(), "still on the sessions' edge");
    point(&hit, "pointerleave", x);
    leptos::task::tick().await;
    assert!(
        readout().is_none() && lit().is_none(),
        "gone with the pointer"
    );
}

#[wasm_bindgen_test]
async fn a_click_on_an_edge_opens_its_caller_at_that_edges_row() {
    let root = container();
    let live = mount_app(&root);
    live.step();
    leptos::task::tick().await;
    // The router's last call edge: its row is far down the inspector.
    let key = "MessageRouter_Primary>Push_Service";
    let hit = query(&root, &format!("path.live-edge-hit[data-key=\"{key}\"]"));
    click(&hit);
    leptos::task::tick().await;
    assert_eq!(
        query(&root, ".inspector h2").text_content().as_deref(),
        Some("Message Router 1"),
        "the caller is selected"
    );
    // The row is reached once the inspector has drawn it.
    gloo_timers::future::TimeoutFuture::new(30).await;
    let row = query(
        &root,
        &format!(".inspector li.live-breaker[data-edge=\"{key}\"]"),
    );
    assert!(row.has_attribute("data-flash"), "the edge's row flashes");
    let flashing = root.query_selector_all("[data-flash]").unwrap().length();
    assert_eq!(flashing, 1, "that row alone");
    // The row gives the edge's figures too, as the map's readout does: the
    // keyboard's way to them.
    let flow = query(&row, "[data-figure=edge-flow]")
        .text_content()
        .unwrap();
    let hit_rect = hit.get_bounding_client_rect();
    point(&hit, "pointerenter", hit_rect.left() + 2.0);
    leptos::task::tick().await;
    let readout = query(&root, ".edge-readout .figures")
        .text_content()
        .unwrap();
    assert_eq!(flow, readout);
    assert!(flow.ends_with("calls/s · none failing"), "{flow}");
}

#[wasm_bindgen_test]
async fn pointing_at_or_focusing_an_inspector_call_row_lights_its_edge_on_the_map() {
    let root = container();
    let live = mount_app(&root);
    live.step();
    leptos::task::tick().await;
    click(&query(&root, ".node[data-component=MessageRouter_Primary]"));
    leptos::task::tick().await;
    let key = "MessageRouter_Primary>Push_Service";
    let row = query(
        &root,
        &format!(".inspector li.live-breaker[data-edge=\"{key}\"]"),
    );
    let lit = || {
        root.query_selector("path.live-edge-hovered")
            .unwrap()
            .and_then(|p| p.get_attribute("d"))
    };
    let edge_path = query(&root, &format!("path.live-edge-hit[data-key=\"{key}\"]"))
        .get_attribute("d")
        .unwrap();
    assert_eq!(lit(), None);
    let send =
        js_sys::Function::new_with_args("el, kind", "el.dispatchEvent(new MouseEvent(kind));");
    send.call2(&wasm_bindgen::JsValue::NULL, &row, &"mouseenter".into())
        .unwrap();
    leptos::task::tick().await;
    assert_eq!(lit(), Some(edge_path.clone()), "the row's own edge is lit");
    assert!(
        root.query_selector(".edge-readout").unwrap().is_none(),
        "no readout: the row gives the figures"
    );
    send.call2(&wasm_bindgen::JsValue::NULL, &row, &"mouseleave".into())
        .unwrap();
    leptos::task::tick().await;
    assert_eq!(lit(), None);
    // The keyboard: a control of the row taking the focus lights it too.
    let button: web_sys::HtmlElement = query(&row, "button[data-mode=force_open]")
        .dyn_into()
        .unwrap();
    button.focus().unwrap();
    leptos::task::tick().await;
    assert_eq!(lit(), Some(edge_path));
    button.blur().unwrap();
    leptos::task::tick().await;
    assert_eq!(lit(), None);
}

#[wasm_bindgen_test]
async fn the_inspectors_dependency_links_light_their_edge_until_one_is_followed() {
    let root = container();
    let live = mount_app(&root);
    live.step();
    leptos::task::tick().await;
    click(&query(&root, ".node[data-component=Presence_Service]"));
    leptos::task::tick().await;
    // Presence's callers: the sessions' edge into it.
    let item = query(
        &root,
        ".inspector .deps-in button.link[data-target=Sessions_Service]",
    )
    .parent_element()
    .unwrap();
    let lit = || {
        root.query_selector("path.live-edge-hovered")
            .unwrap()
            .and_then(|p| p.get_attribute("d"))
    };
    let edge_path = query(
        &root,
        "path.live-edge-hit[data-key=\"Sessions_Service>Presence_Service\"]",
    )
    .get_attribute("d")
    .unwrap();
    let send =
        js_sys::Function::new_with_args("el, kind", "el.dispatchEvent(new MouseEvent(kind));");
    send.call2(&wasm_bindgen::JsValue::NULL, &item, &"mouseenter".into())
        .unwrap();
    leptos::task::tick().await;
    assert_eq!(lit(), Some(edge_path));
    // Followed: the sessions are selected, the list redrawn under the
    // pointer without a leave, and the light goes with it.
    click(&query(&item, "button.link"));
    leptos::task::tick().await;
    assert_eq!(
        query(&root, ".inspector h2").text_content().as_deref(),
        Some("Sessions")
    );
    assert_eq!(lit(), None);
}

#[wasm_bindgen_test]
async fn a_partitioned_edge_reads_as_cut_with_the_calls_it_holds() {
    let root = container();
    let live = mount_app(&root);
    live.act(Action::Partition {
        component: "Sessions_Service".into(),
        dependency: "Presence_Service".into(),
    })
    .unwrap();
    for _ in 0..3 {
        live.step();
    }
    leptos::task::tick().await;
    let j = live.scenario.with_untracked(|s| {
        view_model::edge_index(&s.topology, "Sessions_Service", "Presence_Service").unwrap()
    });
    let held = live.snapshot.with_untracked(|s| s.edges[j].held);
    assert!(
        held >= 1.0,
        "the partition holds the sessions' calls: {held}"
    );
    let hit = query(
        &root,
        "path.live-edge-hit[data-key=\"Sessions_Service>Presence_Service\"]",
    );
    let x = hit.get_bounding_client_rect().left() + 2.0;
    point(&hit, "pointerenter", x);
    leptos::task::tick().await;
    let text = query(&root, ".edge-readout").text_content().unwrap();
    let count = view_model::rate(held);
    assert!(
        text.contains(&format!(" · {} held", count.trim_end_matches("/s"))),
        "{text} / {held}"
    );
    assert!(
        text.contains("Partitioned: no call gets through; they are held"),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn a_failover_label_fills_while_its_failover_is_under_way_and_says_how_far() {
    let (root, live) = mount_live(|| {
        let topology = std::sync::Arc::new(steady().topology.clone());
        view! { <faultline_app::diagram::Diagram topology width=1200.0 /> }
    });
    let live = live.get().unwrap();
    let index = steady()
        .topology
        .failovers
        .iter()
        .position(|f| steady().topology.components[f.from].id == "Gateway_Primary")
        .expect("the primary gateway's failover");
    live.step();
    leptos::task::tick().await;
    let label = query(
        &root,
        &format!(".failover-label[data-failover=\"{index}\"]"),
    );
    let title = || query(&label, "title").text_content().unwrap();
    assert!(!label.class_list().contains("underway"));
    assert_eq!(
        title(),
        "Connection failure · WebSocket migration: not in use"
    );

    live.act(Action::Kill {
        component: "Gateway_Primary".into(),
    })
    .unwrap();
    live.advance(90_000.0);
    leptos::task::tick().await;
    let f = live.view.with_untracked(|v| v.failovers[index].clone());
    assert!(f.active, "the health check has failed by now: {f:?}");
    assert!(label.class_list().contains("underway"));
    assert_eq!(
        title(),
        format!("Connection failure · WebSocket migration: {}", f.words())
    );
    assert!(title().contains("% of the load moved"), "{}", title());
}

#[wasm_bindgen_test]
async fn while_monitoring_is_down_the_readout_gives_the_last_figures_seen_and_says_so() {
    let root = container();
    let live = mount_app(&root);
    for _ in 0..3 {
        live.step();
    }
    leptos::task::tick().await;
    let hit = query(
        &root,
        "path.live-edge-hit[data-key=\"Sessions_Service>Redis_Sessions\"]",
    );
    let x = hit.get_bounding_client_rect().left() + 2.0;
    point(&hit, "pointerenter", x);
    leptos::task::tick().await;
    let figures = || {
        query(&root, ".edge-readout .figures")
            .text_content()
            .unwrap()
    };
    assert!(root
        .query_selector(".edge-readout .stale")
        .unwrap()
        .is_none());
    kill_monitoring(&live);
    live.step();
    leptos::task::tick().await;
    let seen = figures();
    // The cache killed while nobody watches: its callers' calls fail, but
    // the readout keeps what was last seen.
    live.act(Action::Kill {
        component: "Redis_Sessions".into(),
    })
    .unwrap();
    for _ in 0..3 {
        live.step();
    }
    leptos::task::tick().await;
    assert_eq!(figures(), seen, "frozen while blind");
    let stale = query(&root, ".edge-readout .stale").text_content().unwrap();
    assert!(
        stale.starts_with("Last seen at ") && stale.ends_with(": monitoring is down."),
        "{stale}"
    );
}

/// Sends a finger's `kind` event to `el` at client x `x`.
fn touch(el: &web_sys::Element, kind: &str, x: f64) {
    let send = js_sys::Function::new_with_args(
        "el, kind, x",
        "const r = el.getBoundingClientRect();
         el.dispatchEvent(new PointerEvent(kind, {pointerType: 'touch', clientX: x, clientY: r.top + r.height / 2, bubbles: kind === 'pointerdown'}));",
    );
    send.call3(&wasm_bindgen::JsValue::NULL, el, &kind.into(), &x.into())
        .unwrap();
}

/// A tap as a phone sends it: enter, down, leave as the finger lifts, then
/// the click.
async fn tap(el: &web_sys::Element, x: f64) {
    touch(el, "pointerenter", x);
    touch(el, "pointerdown", x);
    touch(el, "pointerleave", x);
    click(el);
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn on_a_touch_screen_a_tap_shows_the_readout_and_a_second_tap_opens_the_caller() {
    let root = container();
    let live = mount_app(&root);
    live.step();
    leptos::task::tick().await;
    let key = "Sessions_Service>Redis_Sessions";
    let hit = query(&root, &format!("path.live-edge-hit[data-key=\"{key}\"]"));
    let x = hit.get_bounding_client_rect().left() + 2.0;
    let readout = || root.query_selector(".edge-readout").unwrap();
    let selected = || {
        root.query_selector(".inspector h2")
            .unwrap()
            .and_then(|h| h.text_content())
    };

    tap(&hit, x).await;
    let shown = readout().expect("the first tap shows the readout");
    assert!(
        shown
            .text_content()
            .unwrap()
            .contains("Tap it again for the caller's"),
        "{:?}",
        shown.text_content()
    );
    assert_eq!(
        selected().as_deref(),
        Some("Inspector"),
        "nothing opened yet"
    );

    tap(&hit, x).await;
    assert_eq!(
        selected().as_deref(),
        Some("Sessions"),
        "the second tap opens the caller"
    );

    // A finger that lands on an edge to scroll the map: the browser
    // cancels the touch, and the readout goes with it.
    let base = query(&root, "svg.diagram-base");
    touch(&base, "pointerdown", x);
    leptos::task::tick().await;
    touch(&hit, "pointerenter", x);
    leptos::task::tick().await;
    assert!(readout().is_some(), "the touch shows the readout");
    touch(&hit, "pointercancel", x);
    leptos::task::tick().await;
    assert!(readout().is_none(), "a scroll is not a tap");
    tap(&hit, x).await;

    // A tap elsewhere on the map puts the readout out.
    assert!(readout().is_some());
    touch(&base, "pointerdown", x);
    leptos::task::tick().await;
    assert!(readout().is_none());
    // And a tap on another edge after one on this is a first tap there.
    tap(&hit, x).await;
    let other = query(
        &root,
        "path.live-edge-hit[data-key=\"Gateway_Primary>Sessions_Service\"]",
    );
    let ox = other.get_bounding_client_rect().left() + 2.0;
    tap(&other, ox).await;
    assert_eq!(
        readout().unwrap().get_attribute("data-from").as_deref(),
        Some("Gateway_Primary")
    );
    assert_eq!(
        selected().as_deref(),
        Some("Sessions"),
        "still the sessions"
    );
}

#[wasm_bindgen_test]
async fn the_keys_written_out_give_every_badge_and_line_its_meaning_as_the_keys_tooltips_do() {
    let root = container();
    let _live = mount_app(&root);
    leptos::task::tick().await;
    let meanings = query(&root, "details.key-meanings");
    assert!(!meanings.has_attribute("open"), "folded until asked for");
    // Each item of both keys, by its data attribute, with its tooltip.
    let keyed = |selector: &str, attribute: &str| -> Vec<(String, String)> {
        let list = root.query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
            .map(|e| {
                (
                    e.get_attribute(attribute).unwrap(),
                    e.get_attribute("title").unwrap_or_default(),
                )
            })
            .collect()
    };
    let states = keyed(".live-legend .live-key[data-health]", "data-health");
    let lines = keyed(".edge-key .live-key[data-edge-key]", "data-edge-key");
    assert_eq!(states.len(), 6, "{states:?}");
    assert_eq!(lines.len(), 6, "{lines:?}");
    for (selector, attribute, items) in [
        ("dt[data-health]", "data-health", &states),
        ("dt[data-edge-key]", "data-edge-key", &lines),
    ] {
        let terms = meanings.query_selector_all(selector).unwrap();
        assert_eq!(terms.length() as usize, items.len(), "{selector}");
        for (i, (key, title)) in items.iter().enumerate() {
            let dt: web_sys::Element = terms.item(i as u32).unwrap().dyn_into().unwrap();
            assert_eq!(dt.get_attribute(attribute).as_ref(), Some(key));
            let dd = dt.next_element_sibling().expect("its meaning");
            assert_eq!(dd.tag_name(), "DD");
            assert_eq!(&dd.text_content().unwrap(), title, "{key}");
            assert!(!title.is_empty(), "{key} has a meaning");
        }
    }
    // The bars, in the map's order and drawn with its classes.
    let bars = meanings.query_selector_all("dt[data-bar]").unwrap();
    let on_map = query(&root, ".live-bars");
    for (i, (key, class)) in [
        ("load", "bar-load"),
        ("queue", "bar-queue"),
        ("memory", "bar-mem"),
    ]
    .into_iter()
    .enumerate()
    {
        let dt: web_sys::Element = bars.item(i as u32).unwrap().dyn_into().unwrap();
        assert_eq!(dt.get_attribute("data-bar").as_deref(), Some(key));
        let sample = query(&dt, "rect.live-bar");
        assert!(sample.class_list().contains(class), "{key}");
        let drawn = on_map.query_selector_all("rect.live-bar").unwrap();
        let nth: web_sys::Element = drawn.item(i as u32).unwrap().dyn_into().unwrap();
        assert!(
            nth.class_list().contains(class),
            "the map's bar {i} is {key}"
        );
        assert!(!dt
            .next_element_sibling()
            .unwrap()
            .text_content()
            .unwrap()
            .is_empty());
    }
}
