//! The invisible hit paths over the call edges, and what pointing,
//! tapping and clicking on them does.

use leptos::prelude::*;

use super::place::locate;
use super::HoveredEdge;
use crate::layout::EdgeRoute;
use crate::Selection;
use faultline_core::{DependencyKind, Topology};

/// For the map's `pointerdown`: a tap that lands elsewhere than on an
/// edge puts out the readout a tap left up (a finger sends no leave that
/// counts; see [`HitPath`]). `None` without the hover state.
pub fn tap_away() -> Option<impl Fn(web_sys::PointerEvent) + Copy> {
    let hovered = use_context::<HoveredEdge>()?;
    Some(move |ev: web_sys::PointerEvent| {
        use wasm_bindgen::JsCast;
        if ev.pointer_type() != "touch" {
            return;
        }
        let on_edge = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| el.closest(".live-edge-hit").ok().flatten().is_some());
        if !on_edge && hovered.0.get_untracked().is_some_and(|h| h.at.is_some()) {
            hovered.0.set(None);
        }
    })
}

/// How long the inspector's row of a clicked edge flashes, in ms.
const ROW_FLASH_MS: u32 = 1400;

/// Brings the inspector's row of the edge `key` (`"<from id>><to id>"`),
/// in the workspace the click `ev` came from, into view and flashes it.
/// Run once the inspector has drawn the caller just selected: the
/// reactive system redraws in a microtask, before any timeout.
fn show_row_after_redraw(ev: &web_sys::MouseEvent, key: String) {
    let workspace = ev
        .current_target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .and_then(|el| el.closest("main.workspace").ok().flatten());
    let Some(workspace) = workspace else {
        return;
    };
    gloo_timers::callback::Timeout::new(0, move || {
        let selector = format!(".inspector li.live-breaker[data-edge=\"{key}\"]");
        let Ok(Some(row)) = workspace.query_selector(&selector) else {
            return;
        };
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        row.scroll_into_view_with_scroll_into_view_options(&options);
        crate::dom::flash(row, "data-flash", ROW_FLASH_MS);
    })
    .forget();
}

/// The hit paths of every call edge among `routes`, for the map's base
/// layer: it repaints only when the selection changes, where the traffic
/// layer above repaints with the moving dashes many times a second, and
/// the layers above it let the pointer through to it. Nothing without a
/// running sandbox.
pub fn hit_paths(topology: &Topology, routes: &[EdgeRoute]) -> impl IntoView {
    let live = use_context::<HoveredEdge>().is_some();
    live.then(|| {
        routes
            .iter()
            .filter_map(|r| {
                let d = topology.dependencies.get(r.edge)?;
                (d.kind == DependencyKind::Call).then(|| {
                    let key = crate::live::view_model::edge_key(
                        &topology.components[d.from].id,
                        &topology.components[d.to].id,
                    );
                    view! { <HitPath edge=r.edge from=d.from key path=r.path.clone() /> }
                })
            })
            .collect_view()
    })
}

/// The invisible, pointer-catching twin of call edge `edge` along `path`:
/// pointing at it shows the readout; a click opens its caller, `from`, in
/// the inspector, and brings that edge's row (its breaker, partition and
/// failure mode) into view there.
#[component]
pub fn HitPath(
    /// Index into the topology's dependencies.
    edge: usize,
    /// The caller's component index.
    from: usize,
    /// The edge as the inspector's rows name it: `"<from id>><to id>"`.
    key: String,
    /// The edge's SVG path.
    path: String,
) -> impl IntoView {
    let Some(hovered) = use_context::<HoveredEdge>() else {
        return ().into_any();
    };
    let selection = use_context::<Selection>();
    // The last pointer to come onto this edge was a finger; and it came
    // while this edge's readout was already up (a second tap).
    let touch = StoredValue::new(false);
    let second_tap = StoredValue::new(false);
    let point = move |ev: web_sys::PointerEvent| {
        if ev.type_() == "pointerenter" {
            let finger = ev.pointer_type() == "touch";
            touch.set_value(finger);
            second_tap.set_value(
                finger
                    && hovered
                        .0
                        .get_untracked()
                        .is_some_and(|h| h.edge == edge && h.at.is_some()),
            );
        }
        if let Some(h) = locate(&ev, edge) {
            hovered.0.set(Some(h));
        }
    };
    let leave = move |ev: web_sys::PointerEvent| {
        // A finger leaves as soon as it lifts: its readout stays until the
        // next tap.
        if ev.pointer_type() == "touch" {
            return;
        }
        // Only this edge's own readout goes: the pointer may already be on
        // the next edge, whose enter can come first.
        if hovered.0.get_untracked().is_some_and(|h| h.edge == edge) {
            hovered.0.set(None);
        }
    };
    // A finger that lands on the edge to scroll the map, not to tap it:
    // the browser takes the touch and cancels it, and the readout it
    // brought up goes.
    let cancel = move |_: web_sys::PointerEvent| {
        if hovered.0.get_untracked().is_some_and(|h| h.edge == edge) {
            hovered.0.set(None);
        }
    };
    view! {
        <path
            class="live-edge-hit"
            d=path
            data-key=key.clone()
            on:pointerenter=point
            on:pointermove=point
            on:pointerleave=leave
            on:pointercancel=cancel
            on:click=move |ev| {
                // A first tap only shows the readout.
                if touch.get_value() && !second_tap.get_value() {
                    return;
                }
                if let Some(s) = selection {
                    s.0.set(Some(from));
                    show_row_after_redraw(&ev, key.clone());
                }
            }
        ></path>
    }
    .into_any()
}
