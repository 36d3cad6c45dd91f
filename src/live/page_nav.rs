//! Ways through a long page, in the sticky bar: the map, the levers (kill
//! switches, traffic and retries), the charts and the event log.
//!
//! On a laptop the page is four or five screens tall: the map alone is
//! taller than the window. The bar stays in view, so it is where a way to
//! each part belongs; the page's `scroll-padding-top` (see
//! [`sticky_bar`](super::sticky_bar)) keeps what it scrolls to clear of it.

use leptos::prelude::*;

/// The parts of the page, as (label, selector, tooltip).
const PARTS: [(&str, &str, &str); 4] = [
    ("Map", "section.diagram-pane", "The failure-domain map"),
    (
        "Levers",
        "div.live-controls",
        "Kill switches, breakers, load shedding, traffic and the clients' retry policy",
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
    view! {
        <nav class="page-nav" aria-label="Parts of the page">
            <span class="page-nav-label" aria-hidden="true">"Go to"</span>
            {buttons}
        </nav>
    }
}

/// Scrolls the part of the page matching `selector` to the top of the
/// window: the one in the page (`div.app`) the clicked button is in.
fn go_to(ev: &leptos::ev::MouseEvent, selector: &str) {
    if let Some(el) = crate::dom::find_from(ev, "div.app", selector) {
        el.scroll_into_view();
    }
}
