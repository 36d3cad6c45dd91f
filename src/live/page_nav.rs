//! Ways through a long page, in the sticky bar: the map, the levers (kill
//! switches, traffic and retries), the charts and the event log; and the
//! list of the page's keyboard shortcuts (`?`).
//!
//! On a laptop the page is four or five screens tall: the map alone is
//! taller than the window. The bar stays in view, so it is where a way to
//! each part belongs; the page's `scroll-padding-top` (see
//! [`sticky_bar`](super::sticky_bar)) keeps what it scrolls to clear of it.

use leptos::prelude::*;

use super::Live;

/// The parts of the page, as (label, selector, tooltip).
const PARTS: [(&str, &str, &str); 4] = [
    (
        "Map",
        "section.diagram-pane",
        "Go to the failure-domain map",
    ),
    (
        "Levers",
        "div.live-controls",
        "Go to the kill switches, breakers, load shedding, traffic and the clients' retry policy",
    ),
    (
        "Charts",
        "section.live-charts",
        "The service-level indicators over time",
    ),
    (
        "Log",
        "section.live-events",
        "The event log: what happened and why",
    ),
];

/// One button per part of the page; each scrolls it to just under the bar.
#[component]
pub fn PageNav() -> impl IntoView {
    let buttons = PARTS
        .iter()
        .map(|&(label, selector, title)| {
            view! {
                <button
                    type="button"
                    class="link"
                    data-go=label.to_lowercase()
                    title=title
                    on:click=move |ev| go_to(&ev, selector)
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    let keys = use_context::<Live>().map(|live| {
        view! {
            <span class="page-nav-sep" aria-hidden="true">"·"</span>
            <button
                type="button"
                class="link"
                data-action="keys"
                title="The keyboard shortcuts (?)"
                aria-haspopup="dialog"
                on:click=move |_| live.keys_help.update(|open| *open = !*open)
            >
                "Keys"
            </button>
            <KeysHelp live=live />
        }
    });
    view! {
        <nav class="page-nav" aria-label="Parts of the page">
            {buttons}
            {keys}
        </nav>
    }
}

/// The page's keyboard shortcuts, as (keys, what they do).
const KEYS: [(&str, &str); 8] = [
    ("Space", "Play or pause"),
    ("→", "Step forward one sample interval"),
    ("←", "Step back one sample interval (not in a drill)"),
    ("+  −", "Faster, slower"),
    ("← → Home End", "On the timeline: move along the run"),
    ("Tab, Enter", "On the map: move to a component, select it"),
    ("Esc", "Clear the selection; close this list"),
    ("?", "Open or close this list"),
];

/// The list of keyboard shortcuts, over the page while it is open; it
/// takes the focus so that a keyboard user is in it, and Escape, its
/// button or a click beside it closes it.
#[component]
fn KeysHelp(live: Live) -> impl IntoView {
    let close_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if live.keys_help.get() {
            if let Some(b) = close_button.get() {
                let _ = b.focus();
            }
        }
    });
    let rows = KEYS
        .iter()
        .map(|&(keys, what)| {
            view! {
                <dt><kbd>{keys}</kbd></dt>
                <dd>{what}</dd>
            }
        })
        .collect_view();
    view! {
        <div
            class="keys-help-backdrop"
            hidden=move || !live.keys_help.get()
            on:click=move |_| live.keys_help.set(false)
        >
            <div
                class="keys-help"
                role="dialog"
                aria-modal="true"
                aria-labelledby="keys-help-title"
                on:click=|e| e.stop_propagation()
            >
                <h2 id="keys-help-title">"Keyboard shortcuts"</h2>
                <dl>{rows}</dl>
                <button
                    type="button"
                    data-action="close-keys"
                    node_ref=close_button
                    on:click=move |_| live.keys_help.set(false)
                >
                    "Close"
                </button>
            </div>
        </div>
    }
}

/// Scrolls the part of the page matching `selector` to the top of the
/// window: the one in the page (`div.app`) the clicked button is in.
fn go_to(ev: &leptos::ev::MouseEvent, selector: &str) {
    if let Some(el) = crate::dom::find_from(ev, "div.app", selector) {
        el.scroll_into_view();
    }
}
