//! Where the readout goes beside the pointer, in the part of the map in
//! view.

use super::{EdgeHover, Pointer};

/// The room the readout needs beside the pointer, in px (its widest,
/// with a margin).
const READOUT_ROOM_PX: f64 = 300.0;

/// The room it needs above or below the pointer, in px (its tallest: the
/// ends, the figures, what is in the way, a stale note and the hint).
const READOUT_HEIGHT_PX: f64 = 140.0;

/// The map frame's border and padding, in px (`.diagram-pane`).
const FRAME_INSET_PX: f64 = 9.0;

/// How far from the pointer the readout starts sideways, in px.
const READOUT_GAP_PX: f64 = 14.0;

/// How far below the pointer it starts, in px (clear of the cursor).
const READOUT_BELOW_PX: f64 = 16.0;

/// How far above the pointer it ends, when it goes above, in px.
const READOUT_ABOVE_PX: f64 = 10.0;

/// Where the readout's box goes along one axis, in px from the map's
/// left (or top) edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Anchor {
    /// Its left (top) edge here: after the pointer, or, where neither
    /// side has room (a phone), wherever it fits in the part in view.
    Start(f64),
    /// Its right (bottom) edge here: before the pointer, near the far edge
    /// of the part in view.
    End(f64),
}

impl Anchor {
    /// The CSS placing a box's `start` side (`left`/`top`) or its
    /// opposite (`right`/`bottom`) at this anchor.
    pub fn css(self, start: &str, end: &str) -> String {
        match self {
            Anchor::Start(v) => format!("{start}:{v:.0}px;"),
            Anchor::End(v) => format!("{end}:calc(100% - {v:.0}px);"),
        }
    }
}

/// Where the readout goes: beside the pointer, and below or above it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    /// Right of the pointer, else left of it, else where it fits.
    pub across: Anchor,
    /// Below the pointer, else above it (near the window's bottom).
    pub down: Anchor,
}

/// Where a box needing `room` goes along one axis for a pointer at `at`,
/// when the part in view runs from `lo` to `hi`: `after` past the pointer
/// if it fits there, else ending `before` short of it, else wherever it
/// fits in view.
fn fit(at: f64, after: f64, before: f64, room: f64, lo: f64, hi: f64) -> Anchor {
    if hi - (at + after) >= room {
        Anchor::Start(at + after)
    } else if (at - before) - lo >= room {
        Anchor::End(at - before)
    } else {
        Anchor::Start((hi - room).max(lo + 4.0))
    }
}

/// Where the readout goes for a pointer at (`x`, `y`) (map px) when the
/// part of the map in view runs across from `left` to `right` and down
/// from `top` to `bottom`.
pub fn place(x: f64, y: f64, (left, right): (f64, f64), (top, bottom): (f64, f64)) -> Place {
    Place {
        across: fit(
            x,
            READOUT_GAP_PX,
            READOUT_GAP_PX,
            READOUT_ROOM_PX,
            left,
            right,
        ),
        down: fit(
            y,
            READOUT_BELOW_PX,
            READOUT_ABOVE_PX,
            READOUT_HEIGHT_PX,
            top,
            bottom,
        ),
    }
}

/// Where a pointer event falls in the map (the `.diagram-stack` holding
/// its target), and where its readout goes in the part of the map in the
/// window (a phone scrolls a map wider than itself inside its frame).
pub(super) fn locate(ev: &web_sys::PointerEvent, edge: usize) -> Option<EdgeHover> {
    use wasm_bindgen::JsCast;
    let target: web_sys::Element = ev.current_target()?.dyn_into().ok()?;
    let stack = target.closest(".diagram-stack").ok()??;
    let rect = stack.get_bounding_client_rect();
    let window = web_sys::window();
    let window_size = |size: Option<wasm_bindgen::JsValue>| size.and_then(|v| v.as_f64());
    let window_right =
        window_size(window.as_ref().and_then(|w| w.inner_width().ok())).unwrap_or(f64::INFINITY);
    let window_bottom =
        window_size(window.as_ref().and_then(|w| w.inner_height().ok())).unwrap_or(f64::INFINITY);
    // The map's frame (inside its border and padding), which scrolls it
    // sideways where it is wider, and the window.
    let (frame_left, frame_right) = stack
        .closest(".diagram-pane")
        .ok()
        .flatten()
        .map(|pane| {
            let r = pane.get_bounding_client_rect();
            (r.left() + FRAME_INSET_PX, r.right() - FRAME_INSET_PX)
        })
        .unwrap_or((0.0, window_right));
    let x = f64::from(ev.client_x()) - rect.left();
    let y = f64::from(ev.client_y()) - rect.top();
    let across = (
        (frame_left.max(0.0) - rect.left()).max(0.0),
        rect.width()
            .min(frame_right.min(window_right) - rect.left()),
    );
    // The map runs down past the window: the part of it in the window.
    let down = (
        (-rect.top()).max(0.0),
        rect.height().min(window_bottom - rect.top()),
    );
    Some(EdgeHover {
        edge,
        at: Some(Pointer {
            x,
            y,
            place: place(x, y, across, down),
            touch: ev.pointer_type() == "touch",
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readout_goes_right_of_the_pointer_else_left_else_where_it_fits() {
        let across = |x, left, right| place(x, 100.0, (left, right), (0.0, 900.0)).across;
        // A wide map: right of the pointer, or left of it near the edge.
        assert_eq!(across(200.0, 0.0, 1000.0), Anchor::Start(214.0));
        assert_eq!(across(900.0, 0.0, 1000.0), Anchor::End(886.0));
        // A phone shows 360 px of a wider map: no side has the room, so it
        // starts where it fits, inside the part in view.
        assert_eq!(across(170.0, 0.0, 360.0), Anchor::Start(60.0));
        assert_eq!(across(560.0, 500.0, 860.0), Anchor::Start(560.0));
        // Narrower than the readout: from the left of the view.
        assert_eq!(across(100.0, 20.0, 300.0), Anchor::Start(24.0));
    }

    #[test]
    fn the_readout_goes_below_the_pointer_else_above_it_near_the_windows_bottom() {
        let down = |y, top, bottom| place(100.0, y, (0.0, 1000.0), (top, bottom)).down;
        assert_eq!(down(400.0, 0.0, 900.0), Anchor::Start(416.0));
        // 25 px above the window's bottom: above the pointer.
        assert_eq!(down(2875.0, 2000.0, 2900.0), Anchor::End(2865.0));
        // A window too short for either: where it fits.
        assert_eq!(down(60.0, 0.0, 120.0), Anchor::Start(4.0));
    }
}
