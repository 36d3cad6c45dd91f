//! The sticky bar above the map: the vitals line (each indicator's value
//! now, a way to its chart), the ways to the parts of the page and the
//! bar's measured height.

use super::*;

/// The vital's value and the chart header's, for every indicator, with
/// whether each is marked as breaking its objective.
fn vitals_and_headers(root: &web_sys::Element) -> Vec<(String, String, String, String)> {
    let vitals = root.query_selector_all("[data-vital]").unwrap();
    assert_eq!(vitals.length(), 8, "one vital per indicator");
    (0..vitals.length())
        .map(|n| {
            let vital: web_sys::Element = vitals.item(n).unwrap().dyn_into().unwrap();
            let key = vital.get_attribute("data-vital").unwrap();
            let header = query(root, &format!(".fl-chart-value[data-key={key}]"));
            (
                query(&vital, ".vital-value").text_content().unwrap(),
                header.text_content().unwrap(),
                vital.get_attribute("data-breach").unwrap(),
                header.get_attribute("data-breach").unwrap(),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn the_vitals_say_what_the_charts_say_and_turn_red_with_them() {
    let (root, live) = mount_live(|| view! { <live::LiveTop /> <live::LiveCharts /> });
    let live = live.get().unwrap();
    for _ in 0..3 {
        live.step();
    }
    leptos::task::tick().await;
    let calm = vitals_and_headers(&root);
    for (vital, header, vital_breach, header_breach) in &calm {
        assert_eq!(vital, header);
        assert_eq!(vital_breach, header_breach);
    }
    assert!(
        calm.iter().all(|(_, _, b, _)| b == "false"),
        "a calm evening breaks no objective: {calm:?}"
    );
    let api = query(&root, "[data-vital=api_success]");
    assert_eq!(
        query(&api, ".vital-name").text_content().unwrap(),
        "API",
        "short names"
    );
    let title = api.get_attribute("title").unwrap();
    assert!(
        title.starts_with("API success rate: ") && title.contains("(SLO ≥ 99.95%)"),
        "{title}"
    );

    // The API gateway killed: API calls fail, and the line says so in red.
    live.act(Action::Kill {
        component: "API_Gateway".into(),
    })
    .unwrap();
    for _ in 0..3 {
        live.step();
    }
    leptos::task::tick().await;
    let failing = vitals_and_headers(&root);
    for (vital, header, vital_breach, header_breach) in &failing {
        assert_eq!(vital, header);
        assert_eq!(vital_breach, header_breach);
    }
    assert_eq!(api.get_attribute("data-breach").as_deref(), Some("true"));
    assert!(api
        .get_attribute("title")
        .unwrap()
        .contains("objective broken"));
    let broken_now = query(&api, ".vital-value").text_content().unwrap();

    // Monitoring down: the line keeps the last figures seen, marked stale,
    // as the charts do, while the run goes on.
    kill_monitoring(&live);
    live.step();
    leptos::task::tick().await;
    let frozen = vitals_and_headers(&root);
    live.act(Action::Revive {
        component: "API_Gateway".into(),
    })
    .unwrap();
    for _ in 0..6 {
        live.step();
    }
    leptos::task::tick().await;
    assert_eq!(vitals_and_headers(&root), frozen, "frozen while blind");
    assert_eq!(
        query(&api, ".vital-value").text_content().unwrap(),
        broken_now
    );
    assert!(api.class_list().contains("stale"));
    assert!(api
        .get_attribute("title")
        .unwrap()
        .contains("monitoring is down, last seen at"));
    root.remove();
}

#[wasm_bindgen_test]
async fn a_vital_brings_its_chart_into_view_and_flashes_it() {
    let (root, live) = mount_live(|| {
        view! {
            <live::LiveTop />
            // The map and the panels between the bar and the charts.
            <div style="height: 4000px"></div>
            <live::LiveCharts />
        }
    });
    let live = live.get().unwrap();
    live.step();
    leptos::task::tick().await;
    // The page has one chart panel; earlier tests leave theirs mounted.
    let panels = document().query_selector_all("section.fl-charts").unwrap();
    for n in 0..panels.length() {
        let panel: web_sys::Element = panels.item(n).unwrap().dyn_into().unwrap();
        if !root.contains(Some(&panel)) {
            panel.remove();
        }
    }
    let window = web_sys::window().unwrap();
    window.scroll_to_with_x_and_y(0.0, 0.0);
    let height = window.inner_height().unwrap().as_f64().unwrap();
    let chart = query(&root, "figure.fl-chart[data-key=db_query]");
    let top = || chart.get_bounding_client_rect().top();
    assert!(top() > height, "the chart starts out of view ({})", top());
    click(&query(&root, "[data-vital=db_query]"));
    let (t, shown) = (top(), chart.has_attribute("data-flash"));
    assert!(
        t >= 0.0 && t < height,
        "the chart is in view ({t} of {height})"
    );
    assert!(shown, "the chart flashes");
    // The flash ends on its own.
    gloo_timers::future::TimeoutFuture::new(1600).await;
    assert!(!chart.has_attribute("data-flash"));
    window.scroll_to_with_x_and_y(0.0, 0.0);
    root.remove();
}

#[wasm_bindgen_test]
async fn the_bar_publishes_its_height_as_it_grows() {
    let (root, live) = mount_live(|| view! { <live::LiveTop /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let bar: web_sys::HtmlElement = query(&root, "section.live-top").dyn_into().unwrap();
    let published = || {
        let root_el: web_sys::HtmlElement =
            document().document_element().unwrap().dyn_into().unwrap();
        root_el
            .style()
            .get_property_value(live::sticky_bar::HEIGHT_PROPERTY)
            .unwrap()
    };
    assert_eq!(published(), format!("{}px", bar.offset_height()));
    let before = bar.offset_height();
    // A notice makes the bar taller; the observer reports it after layout.
    live.notice.set(Some(live::Notice {
        error: true,
        text: "A notice long enough to take a line of its own. ".repeat(8),
    }));
    leptos::task::tick().await;
    gloo_timers::future::TimeoutFuture::new(100).await;
    assert!(bar.offset_height() > before, "the notice takes room");
    assert_eq!(published(), format!("{}px", bar.offset_height()));
    root.remove();
}

#[wasm_bindgen_test]
async fn the_bar_leads_to_each_part_of_the_page() {
    let (root, _live) = mount_live(|| {
        view! {
            <div class="app">
                <live::LiveTop />
                <section class="diagram-pane" style="height: 2500px">"the map"</section>
                <div class="live-controls" style="height: 1500px"><SwitchesPanel /></div>
                <live::LiveCharts />
                <EventLog />
                // Room below, so that the log too can reach the top.
                <div style="height: 3000px"></div>
            </div>
        }
    });
    leptos::task::tick().await;
    let window = web_sys::window().unwrap();
    let height = window.inner_height().unwrap().as_f64().unwrap();
    let mut tops = Vec::new();
    for (go, part) in [
        ("log", "section.live-events"),
        ("levers", "div.live-controls"),
        ("charts", "section.live-charts"),
        ("map", "section.diagram-pane"),
    ] {
        let target = query(&root, part);
        window.scroll_to_with_x_and_y(0.0, 0.0);
        let before = target.get_bounding_client_rect().top();
        click(&query(&root, &format!("nav.page-nav button[data-go={go}]")));
        let after = target.get_bounding_client_rect().top();
        assert!(
            after.abs() < 2.0 || before.abs() < 2.0,
            "{go}: {part} at the top of the window ({before} before, {after} after)"
        );
        assert!(after >= -2.0 && after < height, "{go}: in view ({after})");
        tops.push(before);
    }
    // Every part but the map started out of view: the test moved each.
    assert!(tops[..3].iter().all(|&t| t > height), "{tops:?}");
    window.scroll_to_with_x_and_y(0.0, 0.0);
    root.remove();
}

#[wasm_bindgen_test]
async fn keys_in_the_bar_lists_the_shortcuts_with_the_focus_in_the_list() {
    let (root, live) = mount_live(|| view! { <live::LiveTop /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    let backdrop = query(&root, ".keys-help-backdrop");
    assert!(backdrop.has_attribute("hidden"), "closed at first");
    click(&query(&root, "button[data-action=keys]"));
    leptos::task::tick().await;
    assert!(live.keys_help.get_untracked());
    assert!(!backdrop.has_attribute("hidden"));
    let rows = backdrop.query_selector_all("dt").unwrap().length();
    assert_eq!(rows, 8, "one row per shortcut");
    let text = backdrop.text_content().unwrap();
    for key in [
        "Play or pause",
        "Step back one sample interval",
        "Open or close this list",
    ] {
        assert!(text.contains(key), "{key}: {text}");
    }
    let focused = document().active_element().unwrap();
    assert_eq!(
        focused.get_attribute("data-action").as_deref(),
        Some("close-keys")
    );
    // A click inside the list keeps it; one beside it, or Close, closes it.
    click(&query(&root, ".keys-help dl"));
    leptos::task::tick().await;
    assert!(live.keys_help.get_untracked());
    click(&backdrop);
    leptos::task::tick().await;
    assert!(backdrop.has_attribute("hidden"));
    click(&query(&root, "button[data-action=keys]"));
    leptos::task::tick().await;
    click(&query(&root, "button[data-action=close-keys]"));
    leptos::task::tick().await;
    assert!(!live.keys_help.get_untracked());
    root.remove();
}
