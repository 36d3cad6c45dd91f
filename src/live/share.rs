//! *Share*, in the playback bar: the run's two links, ready to copy.
//!
//! - **This moment**: the address bar's link (the run, its actions and its
//!   clock), for carrying a run to another machine or a colleague.
//! - **From the start**: the same scenario, seed, switches, drill and
//!   instructor's surprises at 0:00, with nobody's actions yet. It is the
//!   link an instructor hands the trainees after trying a drill out: the
//!   address bar would also hand them the instructor's own moves.
//!
//! Copying uses the asynchronous clipboard where the browser offers it (a
//! secure context: https or localhost). A static site served over plain
//! http has none, so the link is then selected in its field for the
//! user's own Ctrl+C, and the page says so.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::compare::Comparison;
use super::driver::Live;
use super::url_state::{self, RunState};

/// The page's address without its fragment, followed by `run`'s fragment.
pub fn link_to(run: &RunState) -> String {
    let location = window().location();
    format!(
        "{}{}#{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        url_state::encode(run)
    )
}

/// `run` from its beginning: the same scenario, seed, speed, switches,
/// drill and surprises at 0:00, with nobody's actions, hints or earlier
/// branch (and so no comparison with that branch).
pub fn from_the_start(run: &RunState) -> RunState {
    RunState {
        t_ms: 0,
        actions: Vec::new(),
        hints: Vec::new(),
        branch: None,
        compare: run.compare.clone().filter(|c| *c != Comparison::Branch),
        ..run.clone()
    }
}

/// Which of the two links.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Now,
    Start,
}

/// The *Share* menu.
#[component]
pub fn Share() -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    // The links as they were when the menu was opened or last copied (the
    // clock moves on while it plays; a copy takes the link afresh).
    let now_link = RwSignal::new(String::new());
    let start_link = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let now_field = NodeRef::<leptos::html::Input>::new();
    let start_field = NodeRef::<leptos::html::Input>::new();
    let refresh = move || {
        let run = live.run_state();
        start_link.set(link_to(&from_the_start(&run)));
        now_link.set(link_to(&run));
    };
    let copy = move |which: Which| {
        refresh();
        let (text, field) = match which {
            Which::Now => (now_link.get_untracked(), now_field),
            Which::Start => (start_link.get_untracked(), start_field),
        };
        copy_text(text, field, status);
    };
    let start_words = move || {
        if live.drill.get() {
            "The drill from the start, for your trainees: with your surprises, without your own moves."
        } else {
            "From the start: the same scenario, seed and switches at 0:00, before anyone acts."
        }
    };
    view! {
        <details
            class="share"
            // Escape closes the panel, as other pop-ups close (and goes no
            // further: the app's Escape would also clear the selection).
            on:keydown=move |e| {
                if e.key() == "Escape" {
                    if let Some(d) = e
                        .current_target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                    {
                        if d.open() {
                            d.set_open(false);
                            e.prevent_default();
                            e.stop_propagation();
                            if let Some(s) = d.first_element_child().and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok()) {
                                let _ = s.focus();
                            }
                        }
                    }
                }
            }
            on:toggle=move |e| {
                let open = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                    .is_some_and(|d| d.open());
                if open {
                    status.set(String::new());
                    refresh();
                }
            }
        >
            <summary data-action="share">"Share"</summary>
            <div class="share-panel">
                <p class="share-row">
                    <span>"This moment: the run, your moves and its clock, as the address bar holds it."</span>
                    <span class="share-link">
                        <input id="share-now" node_ref=now_field type="text" readonly aria-label="Link to this moment" prop:value=move || now_link.get() />
                        <button data-action="copy-now" on:click=move |_| copy(Which::Now)>"Copy"</button>
                    </span>
                </p>
                <p class="share-row">
                    <span>{start_words}</span>
                    <span class="share-link">
                        <input id="share-start" node_ref=start_field type="text" readonly aria-label="Link from the start" prop:value=move || start_link.get() />
                        <button data-action="copy-start" on:click=move |_| copy(Which::Start)>"Copy"</button>
                    </span>
                </p>
                <p class="share-status" role="status" data-share-status="">{move || status.get()}</p>
            </div>
        </details>
    }
    .into_any()
}

/// Copies `text` with the asynchronous clipboard if the browser offers it;
/// otherwise, or if the browser refuses, selects it in `field` for the
/// user's own Ctrl+C. `status` says which happened.
fn copy_text(text: String, field: NodeRef<leptos::html::Input>, status: RwSignal<String>) {
    let select_instead = move |why: &str| {
        if let Some(input) = field.get_untracked() {
            let _ = input.focus();
            input.select();
        }
        status.set(format!(
            "{why} The link is selected: press Ctrl+C (⌘C on a Mac) to copy it."
        ));
    };
    let navigator = window().navigator();
    // Only a secure context (https, localhost) has `navigator.clipboard`;
    // calling into it where it is missing would throw.
    let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .is_ok_and(|c| !c.is_undefined() && !c.is_null());
    if !has_clipboard {
        select_instead(
            "This browser does not let the page copy here (the page is not served over https).",
        );
        return;
    }
    let promise = navigator.clipboard().write_text(&text);
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => status.set("Copied the link.".into()),
            Err(_) => select_instead("The browser did not let the page copy."),
        }
    });
}
