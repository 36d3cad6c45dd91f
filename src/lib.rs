//! # faultline-app
//!
//! The browser side of Faultline: a Leptos (client-side rendered) page that
//! draws the platform's four-plane failure-domain map from the bundled
//! topology and lets you inspect every component. The simulation lives in
//! `faultline-core`; this crate only reads it and draws.
//!
//! - [`layout`]: pure geometry (plane bands, domain boxes, nodes, edge routes),
//!   unit-tested natively.
//! - [`diagram`]: the SVG drawing and node selection.
//! - [`inspector`]: the side panel for the selected component;
//!   [`selection_dock`]: the bar naming it while the panel is out of sight.
//! - [`charts`]: live SLI charts (plotters on canvas).
//! - [`app`]: the page around them.
//! - [`dom`]: small DOM helpers the panels share.

pub mod app;
pub mod charts;
pub mod diagram;
pub mod dom;
pub mod inspector;
pub mod layout;
pub mod live;
pub mod selection_dock;

pub use app::{App, Page};

use leptos::prelude::*;

/// The selected component (index into `Topology::components`), shared by the
/// diagram and the inspector through Leptos context.
#[derive(Clone, Copy, Debug)]
pub struct Selection(pub RwSignal<Option<usize>>);

/// Mounts the app into the page's `#app` element (or the body), replacing the
/// loading indicator that `index.html` shows until the wasm has started.
pub fn start() {
    live::panic_overlay::install();
    let document = document();
    let target = document
        .get_element_by_id("app")
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        .or_else(|| document.body());
    let Some(target) = target else {
        return;
    };
    target.set_inner_html("");
    leptos::mount::mount_to(target, App).forget();
}
