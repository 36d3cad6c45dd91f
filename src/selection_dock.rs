//! The selection dock: a bar at the bottom of the window that names the
//! selected component while the inspector is out of sight.
//!
//! Below 900 px the inspector goes under the map, a long scroll away on a
//! phone (the map alone is some 2,400 px tall there). A component tapped
//! on the map, or chosen from the event log further down, is selected, but
//! what the inspector says of it cannot be seen. The dock says which
//! component it is and takes the reader to its details, up or down, or
//! clears the selection. On a wide window the inspector stays in view
//! beside the map as it scrolls; the dock shows there only past the map,
//! where the charts and the event log are.

use std::sync::Arc;

use faultline_core::Topology;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use crate::Selection;

/// How much of the inspector must show in the window, in px, for it to
/// count as in sight (its heading and a line or two).
const SEEN_PX: f64 = 80.0;

/// How long the inspector flashes once the dock has brought it into view,
/// in ms (the `fl-flash` animation in `assets/live.css`).
const INSPECTOR_FLASH_MS: u32 = 1400;

/// Where the inspector is, seen from the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sight {
    /// At least [`SEEN_PX`] of it in the window.
    InView,
    /// Above the window (the reader has scrolled past it).
    Above,
    /// Below the window.
    Below,
}

/// Where a box from `top` to `bottom` (window px) is, for a window
/// `height` px tall.
pub fn sight(top: f64, bottom: f64, height: f64) -> Sight {
    if top > height - SEEN_PX {
        Sight::Below
    } else if bottom < SEEN_PX {
        Sight::Above
    } else {
        Sight::InView
    }
}

/// The dock for the inspector `inspector`, naming the selected component
/// of `topology`.
#[component]
pub fn SelectionDock(topology: Arc<Topology>, inspector: NodeRef<html::Aside>) -> impl IntoView {
    let selection = expect_context::<Selection>();
    let where_it_is = RwSignal::new(Sight::InView);
    let look = move || {
        // Nothing selected, nothing to show: no layout read on each scroll.
        if selection.0.get_untracked().is_none() {
            return;
        }
        let Some(aside) = inspector.get_untracked() else {
            return;
        };
        let height = window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        let r = aside.get_bounding_client_rect();
        let now = sight(r.top(), r.bottom(), height);
        if where_it_is.get_untracked() != now {
            where_it_is.set(now);
        }
    };
    let scroll = window_event_listener(ev::scroll, move |_| look());
    let resize = window_event_listener(ev::resize, move |_| look());
    on_cleanup(move || {
        scroll.remove();
        resize.remove();
    });
    // A new selection redraws the inspector, and its height with it: look
    // once that is done. Cleared, it forgets where the inspector was, so
    // that the next selection cannot show the dock for a frame on a stale
    // look.
    Effect::new(move |_| {
        if selection.0.get().is_some() {
            request_animation_frame(look);
        } else {
            where_it_is.set(Sight::InView);
        }
    });
    let go = move |_| {
        let Some(aside) = inspector.get_untracked() else {
            return;
        };
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Start);
        aside.scroll_into_view_with_scroll_into_view_options(&options);
        crate::dom::flash(aside.into(), "data-flash", INSPECTOR_FLASH_MS);
    };
    move || {
        let i = selection.0.get()?;
        let name = topology.components.get(i)?.name.clone();
        let arrow = match where_it_is.get() {
            Sight::InView => return None,
            Sight::Above => "↑",
            Sight::Below => "↓",
        };
        Some(view! {
            <div class="selection-dock" role="region" aria-label="Selected component">
                <span class="name">{name}</span>
                <button type="button" class="details" data-action="to-inspector" on:click=go>
                    "Details " <span aria-hidden="true">{arrow}</span>
                </button>
                <button
                    type="button"
                    class="clear"
                    aria-label="Clear the selection"
                    title="Clear the selection (Esc)"
                    on:click=move |_| selection.0.set(None)
                >
                    "×"
                </button>
            </div>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inspector_is_in_sight_once_its_heading_and_a_line_show() {
        // A phone 844 px tall, the inspector 1,400 px down the page.
        assert_eq!(sight(1400.0, 2000.0, 844.0), Sight::Below);
        assert_eq!(sight(800.0, 1400.0, 844.0), Sight::Below);
        assert_eq!(sight(700.0, 1300.0, 844.0), Sight::InView);
        assert_eq!(sight(-500.0, 100.0, 844.0), Sight::InView);
        // Scrolled past it, to the event log.
        assert_eq!(sight(-900.0, 40.0, 844.0), Sight::Above);
    }
}
