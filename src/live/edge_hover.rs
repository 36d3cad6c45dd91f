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

use leptos::prelude::*;

use super::driver::Live;
use super::view_model::{rate, EdgeView};
use crate::layout::EdgeRoute;
use crate::Selection;
use faultline_core::sim::BreakerState;
use faultline_core::{DependencyKind, Topology};

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

/// Where a pointer event falls in the map (the `.diagram-stack` holding
/// its target), and where its readout goes in the part of the map in the
/// window (a phone scrolls a map wider than itself inside its frame).
fn locate(ev: &web_sys::PointerEvent, edge: usize) -> Option<EdgeHover> {
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
                    let key = format!(
                        "{}>{}",
                        topology.components[d.from].id, topology.components[d.to].id
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
    view! {
        <path
            class="live-edge-hit"
            d=path
            data-key=key.clone()
            on:pointerenter=point
            on:pointermove=point
            on:pointerleave=leave
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

/// The edge pointed at, drawn over the others so that it can be followed
/// through the crossings.
#[component]
pub fn EdgeHighlight(routes: Vec<EdgeRoute>) -> impl IntoView {
    let Some(hovered) = use_context::<HoveredEdge>() else {
        return ().into_any();
    };
    let edge = Memo::new(move |_| hovered.0.with(|h| h.map(|h| h.edge)));
    let path = move || {
        let e = edge.get()?;
        let route = routes.iter().find(|r| r.edge == e)?;
        Some(view! { <path class="live-edge-hovered" d=route.path.clone()></path> })
    };
    path.into_any()
}

/// What the readout says of an edge: its figures, then what stands in the
/// way of its calls, if anything.
pub fn readout_lines(e: &EdgeView) -> (String, Option<&'static str>) {
    let calls = if e.traffic < 0.5 {
        "no calls now".to_string()
    } else {
        format!("{} calls/s", rate(e.traffic).trim_end_matches("/s"))
    };
    let errors = if e.error_rate >= 0.0005 {
        format!("{:.1}% failing", e.error_rate * 100.0)
    } else {
        "none failing".to_string()
    };
    let in_the_way = if e.partitioned {
        Some("Partitioned: no call gets through; they are held and delivered when it heals.")
    } else {
        match e.breaker {
            BreakerState::Closed => None,
            BreakerState::Open => Some("Breaker open: calls fail at once, without reaching it."),
            BreakerState::HalfOpen => Some("Breaker half-open: a few trial calls go through."),
        }
    };
    // Calls waiting on the edge: a partition's, or those a caller keeps
    // in memory while the callee fails (seed 004's sessions).
    let held = if e.held >= 1.0 {
        format!(" · {} held", rate(e.held).trim_end_matches("/s"))
    } else {
        String::new()
    };
    (format!("{calls} · {errors}{held}"), in_the_way)
}

/// The caller's and callee's names of edge `edge`.
fn names(t: &Topology, edge: usize) -> Option<(String, String, String, String)> {
    let d = t.dependencies.get(edge)?;
    let (from, to) = (t.components.get(d.from)?, t.components.get(d.to)?);
    Some((
        from.name.clone(),
        to.name.clone(),
        from.id.clone(),
        to.id.clone(),
    ))
}

/// The readout beside the pointer: the edge's ends and live figures. Mouse
/// help only (hidden from screen readers): the inspector's dependency rows
/// say the same for the keyboard.
#[component]
pub fn EdgeReadout() -> impl IntoView {
    let (Some(live), Some(hovered)) = (use_context::<Live>(), use_context::<HoveredEdge>()) else {
        return ().into_any();
    };
    // Only an edge pointed at on the map has a readout; one lit from its
    // inspector row has its figures there already.
    let edge = Memo::new(move |_| {
        hovered
            .0
            .with(|h| h.and_then(|h| h.at.is_some().then_some(h.edge)))
    });
    let ends = Memo::new(move |_| {
        let e = edge.get()?;
        live.scenario.with(|s| names(&s.topology, e))
    });
    // The figures, only while an edge is pointed at.
    let figures = Memo::new(move |_| {
        let e = edge.get()?;
        live.view.with(|v| v.edges.get(e).map(readout_lines))
    });
    let touch = Memo::new(move |_| {
        hovered
            .0
            .with(|h| h.and_then(|h| h.at).is_some_and(|p| p.touch))
    });
    let position = move || {
        hovered.0.with(|h| {
            h.and_then(|h| h.at)
                .map(|h| {
                    let top = h.y + 16.0;
                    match h.place {
                        Place::From(left) => format!("left:{left:.0}px;top:{top:.0}px"),
                        Place::Until(right) => {
                            format!("right:calc(100% - {right:.0}px);top:{top:.0}px")
                        }
                    }
                })
                .unwrap_or_default()
        })
    };
    view! {
        {move || {
            let (from, to, from_id, to_id) = ends.get()?;
            let (line, in_the_way) = figures.get()?;
            let stale = live.blind_since.get().map(|t| {
                format!("Last seen at {}: monitoring is down.", live.clock_at(t))
            });
            Some(view! {
                <div
                    class="edge-readout"
                    aria-hidden="true"
                    data-from=from_id
                    data-to=to_id
                    style=position
                >
                    <strong>{from}" → "{to}</strong>
                    <span class="figures">{line}</span>
                    {in_the_way.map(|w| view! { <span class="in-the-way">{w}</span> })}
                    {stale.map(|s| view! { <span class="stale">{s}</span> })}
                    <span class="hint">
                        {move || if touch.get() { "Tap it again" } else { "Click" }}
                        " for the caller's breakers and partitions."
                    </span>
                </div>
            })
        }}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(traffic: f64, error_rate: f64, breaker: BreakerState, partitioned: bool) -> EdgeView {
        EdgeView {
            traffic,
            width: 2.0,
            flow: 2,
            error_rate,
            failing: error_rate > 0.05,
            breaker,
            partitioned,
            held: 0.0,
        }
    }

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

    #[test]
    fn the_readout_gives_the_calls_the_failing_share_and_what_is_in_the_way() {
        let (line, way) = readout_lines(&edge(52_300.0, 0.0, BreakerState::Closed, false));
        assert_eq!(line, "52k calls/s · none failing");
        assert_eq!(way, None);
        let (line, way) = readout_lines(&edge(1_200_000.0, 0.4567, BreakerState::Open, false));
        assert_eq!(line, "1.2M calls/s · 45.7% failing");
        assert!(way.unwrap().starts_with("Breaker open"));
        let mut cut = edge(0.2, 0.0, BreakerState::HalfOpen, true);
        cut.held = 1_234_567.0;
        let (line, way) = readout_lines(&cut);
        assert_eq!(line, "no calls now · none failing · 1.2M held");
        assert!(
            way.unwrap().starts_with("Partitioned"),
            "a partition is what stands in the way first"
        );
    }
}
