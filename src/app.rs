//! The page: header, about line, the diagram with its legend, and the
//! inspector. Loads the bundled topology and shows its errors instead of the
//! diagram if it does not validate.

use std::sync::Arc;

use faultline_core::{SourceError, Topology};
use leptos::ev;
use leptos::prelude::*;

use crate::diagram::Diagram;
use crate::inspector::Inspector;
use crate::Selection;

/// Width of the inspector column, in CSS pixels (must match `assets/style.css`).
const INSPECTOR_W: f64 = 320.0;
/// Below this window width the inspector goes under the diagram (matches the CSS breakpoint).
const STACK_BELOW: f64 = 900.0;

/// Width available to the drawing for the current window size.
fn diagram_width() -> f64 {
    let inner = window()
        .inner_width()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(1280.0);
    // Page padding (2 × 16), the gap between columns (16), a scrollbar (16)
    // and the pane's own padding (2 × 8).
    let chrome = 32.0 + 16.0 + 16.0 + 16.0;
    if inner < STACK_BELOW {
        inner - 32.0 - 16.0 - 16.0
    } else {
        inner - INSPECTOR_W - chrome
    }
}

/// The whole application, drawing the bundled topology.
#[component]
pub fn App() -> impl IntoView {
    // The live sandbox (simulation, frame loop, shortcuts) in context; the
    // map stays static if it cannot start, and says why.
    let live_error = crate::live::start_live().err().map(|e| {
        view! { <p class="live-notice error" role="alert">{format!("The simulation could not start: {e}")}</p> }
    });
    view! {
        {live_error}
        <Page topology=Topology::bundled() />
    }
}

/// The page for a topology as loaded: the diagram and inspector when it
/// validated, the list of its errors (file, line, problem) when it did not.
#[component]
pub fn Page(topology: Result<Topology, Vec<SourceError>>) -> impl IntoView {
    let selection = Selection(RwSignal::new(None));
    provide_context(selection);
    // Escape clears the selection wherever the focus is.
    let esc = window_event_listener(ev::keydown, move |e| {
        if e.key() == "Escape" {
            selection.0.set(None);
        }
    });
    let width = RwSignal::new(diagram_width());
    let resize = window_event_listener(ev::resize, move |_| {
        let w = diagram_width();
        if (w - width.get_untracked()).abs() >= 1.0 {
            width.set(w);
        }
    });
    on_cleanup(move || {
        esc.remove();
        resize.remove();
    });

    let body = match topology {
        Ok(t) => view! { <Workspace topology=Arc::new(t) width=width.into() /> }.into_any(),
        Err(errors) => view! { <LoadErrors errors=errors /> }.into_any(),
    };
    view! {
        <div class="app">
            // The banner holds the independence notice too, so every part
            // of the page sits in a landmark a screen reader can jump to.
            <header>
                <div class="topbar">
                    <img class="logo" src="favicon.svg" alt="" width="28" height="28" />
                    <h1>"Faultline"</h1>
                    <span class="tagline">"failure-domain sandbox for a real-time chat platform"</span>
                </div>
                <About />
            </header>
            <crate::live::ScenarioPanel />
            <crate::live::LiveTop />
            {body}
            <crate::live::LiveDock />
        </div>
    }
}

/// The independence notice and the source documents.
#[component]
fn About() -> impl IntoView {
    view! {
        <p class="about">
            "Faultline is an independent teaching tool. It is not affiliated with or endorsed by Discord, "
            "whose publicly described architecture and incidents it models. Sources: "
            <span class="src">"000 the failure-domain map"</span> ", "
            <span class="src">"001 the January 2022 API cascade"</span> ", "
            <span class="src">"002 the production operations view"</span> ", "
            <span class="src">"003 the October 2017 Redis failover cascade"</span> " and "
            <span class="src">"004 the March 2017 presence thundering herd"</span> "."
        </p>
    }
}

/// Diagram, legend and inspector side by side.
#[component]
fn Workspace(topology: Arc<Topology>, width: Signal<f64>) -> impl IntoView {
    let show_all = RwSignal::new(false);
    let inspector = NodeRef::<leptos::html::Aside>::new();
    // The edge lit on the map, shared with the inspector's call rows.
    crate::live::edge_hover::provide();
    let counts = format!(
        "{} components in {} failure domains · {} dependencies · {} failover paths",
        topology.components.len(),
        topology.domains.len(),
        topology.dependencies.len(),
        topology.failovers.len()
    );
    view! {
        <main class="workspace">
            <section class="diagram-pane" aria-label="Failure-domain map">
                // The keys to the badges and to the live edges' looks, with
                // the live sandbox (a static map has neither).
                {use_context::<crate::live::Live>().map(|_| view! {
                    <crate::live::HealthLegend />
                    <crate::live::EdgeKey />
                    <crate::live::KeyMeanings />
                })}
                <div class="legend" aria-label="Legend">
                    <span class="key key-call">"calls"</span>
                    <span class="key key-failover">"fails over to"</span>
                    <span class="key key-added">"added by Faultline (not in the seed map)"</span>
                    <label class="toggle">
                        <input
                            type="checkbox"
                            prop:checked=move || show_all.get()
                            on:change=move |e| show_all.set(event_target_checked(&e))
                        />
                        " show control and hosting links"
                    </label>
                    <span class="counts">{counts}</span>
                </div>
                <Diagram topology=topology.clone() width=width show_all_edges=show_all />
            </section>
            // Not a live region itself: its figures change many times a
            // second while the run plays, which a screen reader would read
            // out without end. The selection alone is announced.
            <aside class="inspector" aria-label="Inspector" node_ref=inspector>
                <Inspector topology=topology.clone() />
            </aside>
            <SelectionAnnouncer topology=topology.clone() />
            <crate::selection_dock::SelectionDock topology=topology inspector=inspector />
        </main>
    }
}

/// What the page shows when the bundled topology does not validate.
#[component]
fn LoadErrors(errors: Vec<SourceError>) -> impl IntoView {
    view! {
        <section class="load-errors" role="alert">
            <h2>"The topology could not be loaded"</h2>
            <p>"Fix these problems in the data file and reload:"</p>
            <ul>{errors.into_iter().map(|e| view! { <li><code>{e.to_string()}</code></li> }).collect_view()}</ul>
        </section>
    }
}

/// A visually hidden status line that tells a screen reader which component
/// was selected ("Redis Sessions selected: its facts, figures and actions
/// are in the inspector"), once per selection.
#[component]
fn SelectionAnnouncer(topology: Arc<Topology>) -> impl IntoView {
    let selection = expect_context::<Selection>();
    let said = move || {
        selection
            .0
            .get()
            .and_then(|i| topology.components.get(i))
            .map(|c| {
                format!(
                    "{} selected: its facts, figures and actions are in the inspector.",
                    c.name
                )
            })
    };
    view! {
        <p class="sr-only" role="status" data-testid="selection-status">{said}</p>
    }
}
