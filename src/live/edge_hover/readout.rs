//! What pointing at an edge shows: the edge lit over the others, and the
//! readout of its live figures beside the pointer.

use leptos::prelude::*;

use super::HoveredEdge;
use crate::layout::EdgeRoute;
use crate::live::driver::Live;
use crate::live::view_model::{rate, EdgeView};
use faultline_core::sim::BreakerState;
use faultline_core::Topology;

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
                .map(|h| h.place.across.css("left", "right") + &h.place.down.css("top", "bottom"))
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
