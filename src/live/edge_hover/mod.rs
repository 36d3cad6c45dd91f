//! What a call edge of the live map carries, read by pointing at it.
//!
//! A hundred and forty edges cross the map; a red or dotted one says that
//! something is wrong but not between what. Each call edge has a wide,
//! invisible hit path ([`HitPath`]) over its drawn line. Pointing at it
//! lights the edge ([`EdgeHighlight`]) and shows a small readout beside
//! the pointer ([`EdgeReadout`]): the caller and the callee, the calls a
//! second, the share failing, and the breaker or partition in the way.
//! The hit paths lie in the map's base layer ([`hit_paths`]), under the
//! moving traffic, so they add nothing to what repaints as it moves.
//! A click opens the caller in the inspector, where that breaker and that
//! partition are set. The other way round, pointing at or focusing one of
//! the inspector's call rows lights its edge on the map ([`RowLight`]).
//!
//! A finger cannot point without touching: on a touch screen the first tap
//! on an edge shows its readout, which stays until the next tap, and a
//! second tap on the same edge opens its caller ([`tap_away`] puts the
//! readout out when the tap lands elsewhere on the map).
//!
//! One signal holds the edge pointed at ([`HoveredEdge`]), so the readout
//! is the only thing that follows the figures while the run plays, not a
//! tooltip per edge.
//!
//! The parts: the shared state here, where the readout goes
//! ([`place`]), the hit paths and what a tap or click on them does
//! ([`hit`]), and what pointing shows ([`readout`]).

use leptos::prelude::*;

use super::driver::Live;
use crate::Selection;

mod hit;
mod place;
mod readout;

pub use hit::{hit_paths, tap_away, HitPath};
pub use place::{Anchor, Place};
pub use readout::{readout_lines, EdgeHighlight, EdgeReadout};

/// Where the pointer is on the map, in px from its top left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pointer {
    /// From the map's left edge.
    pub x: f64,
    /// From the map's top edge.
    pub y: f64,
    /// Where the readout goes.
    pub place: Place,
    /// A finger, not a mouse: a second tap opens the caller.
    pub touch: bool,
}

/// The call edge lit on the map: pointed at on the map itself (with the
/// pointer's place, for the readout), or through its row in the inspector.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgeHover {
    /// Index into the topology's dependencies.
    pub edge: usize,
    /// The pointer, when it is on the edge itself.
    pub at: Option<Pointer>,
}

/// The edge lit, shared by the map's hit paths, its highlight and its
/// readout, and the inspector's call rows (context).
#[derive(Clone, Copy, Debug)]
pub struct HoveredEdge(pub RwSignal<Option<EdgeHover>>);

/// The hover state of the workspace being built: the one already in
/// context, or a new one provided here. `None` (and nothing provided)
/// without a running sandbox: the static map has no traffic to read.
pub fn provide() -> Option<HoveredEdge> {
    use_context::<Live>()?;
    if let Some(hovered) = use_context::<HoveredEdge>() {
        return Some(hovered);
    }
    let hovered = HoveredEdge(RwSignal::new(None));
    provide_context(hovered);
    // A click in the inspector that selects another component redraws
    // its rows: the row pointed at goes without a leave, so its light
    // goes with the selection.
    if let Some(selection) = use_context::<Selection>() {
        Effect::new(move |_| {
            selection.0.track();
            if hovered.0.get_untracked().is_some_and(|h| h.at.is_none()) {
                hovered.0.set(None);
            }
        });
    }
    Some(hovered)
}

/// Lights one edge on the map while the inspector's row of it is pointed
/// at or holds the focus; does nothing where no map shares the hover
/// state.
#[derive(Clone, Copy, Debug)]
pub struct RowLight {
    edge: usize,
    hovered: Option<HoveredEdge>,
}

impl RowLight {
    /// For the row of edge `edge` (index into the topology's dependencies).
    pub fn new(edge: usize) -> Self {
        Self {
            edge,
            hovered: use_context::<HoveredEdge>(),
        }
    }

    /// The row is pointed at or focused: light its edge.
    pub fn on(self) {
        if let Some(h) = self.hovered {
            h.0.set(Some(EdgeHover {
                edge: self.edge,
                at: None,
            }));
        }
    }

    /// The row is left: put its edge out, unless the map has lit another
    /// one (or this one, under the pointer) since.
    pub fn off(self) {
        if let Some(h) = self.hovered {
            if h.0
                .get_untracked()
                .is_some_and(|h| h.edge == self.edge && h.at.is_none())
            {
                h.0.set(None);
            }
        }
    }
}
