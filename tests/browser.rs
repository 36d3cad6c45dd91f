//! Browser tests: mount the page into a fresh element in headless Chromium,
//! then click, type and read the DOM as a user would.
//!
//! Run with `cargo test --target wasm32-unknown-unknown -p faultline-app`
//! (the runner in `.cargo/config.toml` is `wasm-bindgen-test-runner`, which
//! finds `chromedriver` on the PATH and runs it headless).

#![cfg(target_arch = "wasm32")]

use faultline_app::{App, Page};
use faultline_core::{parse_topology, Topology};
use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit, MouseEvent, MouseEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// A new, empty element appended to the body, so every test starts clean.
fn fresh_root() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

fn node(root: &HtmlElement, id: &str) -> Element {
    root.query_selector(&format!("[data-component=\"{id}\"]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no node for {id}"))
}

fn panel_text(root: &HtmlElement) -> String {
    root.query_selector(".inspector")
        .unwrap()
        .expect("inspector panel")
        .text_content()
        .unwrap_or_default()
}

fn click(el: &Element) {
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    el.dispatch_event(&MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap())
        .unwrap();
}

fn key(el: &Element, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    el.dispatch_event(&KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap())
        .unwrap();
}

fn selected_ids(root: &HtmlElement) -> Vec<String> {
    let list = root.query_selector_all(".node.selected").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .filter_map(|e| e.get_attribute("data-component"))
        .collect()
}

#[wasm_bindgen_test]
async fn one_node_per_component() {
    let topology = Topology::bundled().expect("bundled topology loads");
    let root = fresh_root();
    let _app = mount_to(root.clone(), App);
    leptos::task::tick().await;

    let nodes = root.query_selector_all("[data-component]").unwrap();
    assert_eq!(nodes.length() as usize, topology.components.len());
    for c in &topology.components {
        let el = node(&root, &c.id);
        assert_eq!(
            el.get_attribute("role").as_deref(),
            Some("button"),
            "{}",
            c.id
        );
        assert_eq!(
            el.get_attribute("tabindex").as_deref(),
            Some("0"),
            "{}",
            c.id
        );
        let label = el.get_attribute("aria-label").unwrap_or_default();
        assert!(label.contains(&c.name), "{} aria-label {label:?}", c.id);
        assert!(
            el.text_content().unwrap_or_default().len() > 3,
            "{} shows no text",
            c.id
        );
    }
    // Five plane bands, every failure domain drawn, every edge drawn.
    assert_eq!(root.query_selector_all("[data-plane]").unwrap().length(), 5);
    assert_eq!(
        root.query_selector_all("[data-domain]").unwrap().length() as usize,
        topology.domains.len()
    );
    assert_eq!(
        root.query_selector_all("path.dep").unwrap().length() as usize,
        topology.dependencies.len()
    );
    assert_eq!(
        root.query_selector_all("path.failover").unwrap().length() as usize,
        topology.failovers.len()
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn clicking_a_node_shows_its_facts_and_blast_radius() {
    let root = fresh_root();
    let _app = mount_to(root.clone(), App);
    leptos::task::tick().await;
    assert!(panel_text(&root).contains("Select a component"));

    click(&node(&root, "Redis_Sessions"));
    leptos::task::tick().await;
    let text = panel_text(&root);
    for expected in [
        "Redis Sessions",
        "Re-authentication",
        "200M+ sessions",
        "15-min TTL",
        "State Plane",
        "Cache Domain",
    ] {
        assert!(text.contains(expected), "panel lacks {expected:?}: {text}");
    }
    // Its failover path (seed: "Cache failure / Database fallback") and a caller.
    assert!(
        text.contains("ScyllaDB Primary") && text.contains("Database fallback"),
        "{text}"
    );
    assert!(text.contains("Gateway Primary"), "{text}");
    assert_eq!(selected_ids(&root), vec!["Redis_Sessions".to_string()]);

    // Following a related component from the panel selects it.
    let link = root
        .query_selector(".inspector button.link[data-target=\"ScyllaDB_Primary\"]")
        .unwrap()
        .expect("link");
    click(&link);
    leptos::task::tick().await;
    assert!(panel_text(&root).contains("Message persistence"));
    assert_eq!(selected_ids(&root), vec!["ScyllaDB_Primary".to_string()]);
    root.remove();
}

#[wasm_bindgen_test]
async fn show_on_the_map_brings_the_selected_node_into_view_and_flashes_it() {
    let root = fresh_root();
    let _app = mount_to(root.clone(), App);
    leptos::task::tick().await;
    // Chosen (as from the event log or a Why step) while the page is
    // scrolled to the top: its node, in the last plane, is out of view.
    let aws = node(&root, "AWS_Secondary");
    click(&aws);
    leptos::task::tick().await;
    let window = web_sys::window().unwrap();
    root.scroll_into_view();
    let height = window.inner_height().unwrap().as_f64().unwrap();
    let centre = || {
        let r = aws.get_bounding_client_rect();
        (r.top() + r.bottom()) / 2.0
    };
    assert!(
        centre() > height,
        "out of view first: {} of {height}",
        centre()
    );
    let locate = root
        .query_selector(".inspector button[data-action=locate]")
        .unwrap()
        .expect("the Show on the map button");
    click(&locate);
    let c = centre();
    assert!(
        (c - height / 2.0).abs() < 40.0,
        "the node is in the middle of the window: {c} of {height}"
    );
    assert!(aws.has_attribute("data-located"), "the node flashes");
    gloo_timers::future::TimeoutFuture::new(1800).await;
    assert!(!aws.has_attribute("data-located"), "the flash ends");
    window.scroll_to_with_x_and_y(0.0, 0.0);
    root.remove();
}

/// Waits for the browser to send the scroll events of a scroll just made.
async fn scrolled() {
    gloo_timers::future::TimeoutFuture::new(120).await;
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn the_dock_names_the_selection_while_the_inspector_is_out_of_sight_and_takes_you_there() {
    let root = fresh_root();
    let _app = mount_to(root.clone(), App);
    leptos::task::tick().await;
    let window = web_sys::window().unwrap();
    let dock = || root.query_selector(".selection-dock").unwrap();
    let inspector = root.query_selector("aside.inspector").unwrap().unwrap();

    // Nothing selected: no dock, wherever the page is.
    root.scroll_into_view();
    scrolled().await;
    assert!(dock().is_none());

    // Selected at the top of the map, the inspector far below it.
    click(&node(&root, "Gateway_Primary"));
    scrolled().await;
    let height = window.inner_height().unwrap().as_f64().unwrap();
    assert!(
        inspector.get_bounding_client_rect().top() > height,
        "the inspector is below the window"
    );
    let shown = dock().expect("the dock shows while the inspector is out of sight");
    assert_eq!(
        shown
            .query_selector(".name")
            .unwrap()
            .unwrap()
            .text_content()
            .as_deref(),
        Some("Gateway Primary")
    );
    let details = shown.query_selector("button.details").unwrap().unwrap();
    assert_eq!(details.text_content().as_deref(), Some("Details ↓"));

    // Details: the inspector comes into view and flashes; the dock goes.
    click(&details);
    scrolled().await;
    let top = inspector.get_bounding_client_rect().top();
    assert!(
        top.abs() < 20.0,
        "the inspector is at the window's top: {top}"
    );
    assert!(inspector.has_attribute("data-flash"));
    assert!(dock().is_none(), "the inspector in sight, no dock");

    // Scrolled back up to the map, the dock clears the selection.
    root.scroll_into_view();
    scrolled().await;
    let clear = dock()
        .expect("out of sight again")
        .query_selector("button.clear")
        .unwrap()
        .unwrap();
    click(&clear);
    leptos::task::tick().await;
    assert!(selected_ids(&root).is_empty());
    assert!(dock().is_none());
    window.scroll_to_with_x_and_y(0.0, 0.0);
    root.remove();
}

#[wasm_bindgen_test]
async fn enter_and_space_select_escape_clears() {
    let root = fresh_root();
    let _app = mount_to(root.clone(), App);
    leptos::task::tick().await;

    key(&node(&root, "Gateway_Primary"), "Enter");
    leptos::task::tick().await;
    let text = panel_text(&root);
    assert!(
        text.contains("Gateway Primary") && text.contains("50% users"),
        "{text}"
    );
    assert_eq!(selected_ids(&root), vec!["Gateway_Primary".to_string()]);

    key(&node(&root, "CloudFlare_EU"), " ");
    leptos::task::tick().await;
    assert!(panel_text(&root).contains("EU users"));
    assert_eq!(selected_ids(&root), vec!["CloudFlare_EU".to_string()]);

    key(&node(&root, "CloudFlare_EU"), "Escape");
    leptos::task::tick().await;
    assert!(panel_text(&root).contains("Select a component"));
    assert!(selected_ids(&root).is_empty());
    root.remove();
}

#[wasm_bindgen_test]
async fn added_components_are_marked_and_cite_their_source() {
    let topology = Topology::bundled().expect("bundled topology loads");
    let added = topology
        .components
        .iter()
        .find(|c| c.added)
        .expect("the map has added components");
    let root = fresh_root();
    let _app = mount_to(root.clone(), App);
    leptos::task::tick().await;

    let el = node(&root, &added.id);
    assert!(el.class_list().contains("added"));
    assert!(
        root.query_selector_all(".node.added").unwrap().length() as usize
            == topology.components.iter().filter(|c| c.added).count()
    );
    click(&el);
    leptos::task::tick().await;
    let text = panel_text(&root);
    assert!(text.contains("Added by Faultline"), "{text}");
    assert!(text.contains(&added.source), "{text}");
    root.remove();
}

#[wasm_bindgen_test]
async fn page_has_about_line_and_sources() {
    let root = fresh_root();
    let _app = mount_to(root.clone(), App);
    leptos::task::tick().await;
    let about = root
        .query_selector(".about")
        .unwrap()
        .expect("about line")
        .text_content()
        .unwrap();
    assert!(about.contains("independent teaching tool"));
    assert!(about.contains("not affiliated"));
    for n in ["000", "001", "002", "003", "004"] {
        assert!(about.contains(n), "about line does not cite {n}");
    }
    root.remove();
}

#[wasm_bindgen_test]
async fn a_broken_topology_shows_its_errors_instead_of_panicking() {
    let root = fresh_root();
    let broken = parse_topology("name = \"x\"\n[[component]]\nid = 3\n", "broken.toml");
    assert!(broken.is_err());
    let _app = mount_to(root.clone(), move || view! { <Page topology=broken /> });
    leptos::task::tick().await;
    let errors = root
        .query_selector(".load-errors")
        .unwrap()
        .expect("error list shown")
        .text_content()
        .unwrap();
    assert!(errors.contains("broken.toml"), "{errors}");
    assert_eq!(
        root.query_selector_all("[data-component]")
            .unwrap()
            .length(),
        0
    );
    // The rest of the page still works.
    assert!(root.query_selector(".about").unwrap().is_some());
    root.remove();
}

#[wasm_bindgen_test]
async fn selection_highlights_its_edges_and_the_toggle_shows_all_links() {
    let root = fresh_root();
    let _app = mount_to(root.clone(), App);
    leptos::task::tick().await;
    let svg = root
        .query_selector("svg.diagram")
        .unwrap()
        .expect("diagram");
    assert!(!svg.class_list().contains("show-all"));

    click(&node(&root, "Gateway_Primary"));
    leptos::task::tick().await;
    assert!(svg.class_list().contains("has-selection"));
    let outgoing = root.query_selector_all("path.dep.out").unwrap().length();
    let incoming = root.query_selector_all("path.dep.in").unwrap().length();
    assert!(
        outgoing > 0 && incoming > 0,
        "out {outgoing}, in {incoming}"
    );
    assert!(
        root.query_selector_all("path.dep.out[data-from=\"Gateway_Primary\"]")
            .unwrap()
            .length()
            == outgoing
    );
    assert!(
        root.query_selector_all(".failover.active")
            .unwrap()
            .length()
            >= 2
    );

    let toggle = root
        .query_selector(".legend input[type=checkbox]")
        .unwrap()
        .expect("toggle");
    click(&toggle);
    leptos::task::tick().await;
    assert!(svg.class_list().contains("show-all"));
    root.remove();
}
