//! Browser tests of the live sandbox (wasm-bindgen-test in headless Chromium):
//! mount the panels over a running simulation, act through the buttons,
//! step, let Leptos settle and read the DOM; plus the pure view model and
//! URL fragment codec. The shared helpers are here; the tests are in
//! `tests/live/`, a module per area (inspector, panels, links, scenarios,
//! drill, timeline, save_run, deploy, vitals, edges).
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p faultline-app --test live`

use faultline_app::live;
use faultline_app::Selection;

use faultline_core::sim::{BreakerMode, Health, KillSwitch};
use faultline_core::{Action, Scenario};
use leptos::prelude::*;
use live::driver::Live;
use live::link_open;
use live::url_state::{self, RunState};
use live::view_model::{self, RetryChoice};
use live::{ComponentActions, EventLog, PlaybackBar, SwitchesPanel, TrafficPanel};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "live/deploy.rs"]
mod deploy;
#[path = "live/drill.rs"]
mod drill;
#[path = "live/edges.rs"]
mod edges;
#[path = "live/inspector.rs"]
mod inspector;
#[path = "live/links.rs"]
mod links;
#[path = "live/load.rs"]
mod load;
#[path = "live/panels.rs"]
mod panels;
#[path = "live/save_run.rs"]
mod save_run;
#[path = "live/scenarios.rs"]
mod scenarios;
#[path = "live/timeline.rs"]
mod timeline;
#[path = "live/vitals.rs"]
mod vitals;

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container in the body.
fn container() -> web_sys::HtmlElement {
    let el = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el.dyn_into().unwrap()
}

/// Mounts the whole page into `root` from a clean address (no run to
/// replay from an earlier test) and gives its sandbox.
fn mount_app(root: &web_sys::HtmlElement) -> Live {
    web_sys::window().unwrap().location().replace("#").unwrap();
    let slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let s2 = slot.clone();
    leptos::mount::mount_to(root.clone(), move || {
        let v = view! { <faultline_app::App /> };
        s2.set(use_context::<Live>());
        v
    })
    .forget();
    slot.get().expect("the app runs the sandbox")
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

/// Kills both monitoring systems: the dashboards go blind.
fn kill_monitoring(live: &Live) {
    for id in ["Monitoring_Primary", "Monitoring_Backup"] {
        live.act(Action::Kill {
            component: id.into(),
        })
        .unwrap();
    }
}

/// Asserts the event log has a message containing each of `wanted`.
fn assert_logged(live: &Live, wanted: &[&str]) {
    let words: Vec<String> = live
        .events
        .get_untracked()
        .iter()
        .map(|e| e.message.clone())
        .collect();
    for w in wanted {
        assert!(words.iter().any(|m| m.contains(w)), "{w:?} in {words:?}");
    }
}
