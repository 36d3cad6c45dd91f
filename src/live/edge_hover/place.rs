//! Where the readout goes beside the pointer, in the part of the map in
//! view.

use super::{EdgeHover, Pointer};

/// The room the readout needs beside the pointer, in px (its widest,
/// with a margin).
const READOUT_ROOM_PX: f64 = 300.0;

/// The map frame's border and padding, in px (`.diagram-pane`).
const FRAME_INSET_PX: f64 = 9.0;

/// How far from the pointer the readout starts, in px.
const READOUT_GAP_PX: f64 = 14.0;

/// Where the readout goes, in px from the map's left edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Place {
    /// Its left edge here: right of the pointer, or, where neither side
    /// has room (a phone), wherever it fits in the visible part of the map.
    From(f64),
    /// Its right edge here: left of the pointer, near the right edge.
    Until(f64),
}

/// Where the readout goes for a pointer at `x` (map px) when the part of
/// the map in view runs from `visible_left` to `visible_right`.
pub fn place(x: f64, visible_left: f64, visible_right: f64) -> Place {
    if visible_right - (x + READOUT_GAP_PX) >= READOUT_ROOM_PX {
        Place::From(x + READOUT_GAP_PX)
    } else if (x - READOUT_GAP_PX) - visible_left >= READOUT_ROOM_PX {
        Place::Until(x - READOUT_GAP_PX)
    } else {
        Place::From((visible_right - READOUT_ROOM_PX).max(visible_left + 4.0))
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
    let window_right = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .unwrap_or(f64::INFINITY);
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
    let visible_left = (frame_left.max(0.0) - rect.left()).max(0.0);
    let visible_right = rect
        .width()
        .min(frame_right.min(window_right) - rect.left());
    let y = f64::from(ev.client_y()) - rect.top();
    Some(EdgeHover {
        edge,
        at: Some(Pointer {
            x,
            y,
            place: place(x, visible_left, visible_right),
            touch: ev.pointer_type() == "touch",
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readout_goes_right_of_the_pointer_else_left_else_where_it_fits() {
        // A wide map: right of the pointer, or left of it near the edge.
        assert_eq!(place(200.0, 0.0, 1000.0), Place::From(214.0));
        assert_eq!(place(900.0, 0.0, 1000.0), Place::Until(886.0));
        // A phone shows 360 px of a wider map: no side has the room, so it
        // starts where it fits, inside the part in view.
        assert_eq!(place(170.0, 0.0, 360.0), Place::From(60.0));
        assert_eq!(place(560.0, 500.0, 860.0), Place::From(560.0));
        // Narrower than the readout: from the left of the view.
        assert_eq!(place(100.0, 20.0, 300.0), Place::From(24.0));
    }
}
