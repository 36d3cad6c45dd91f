//! What the diagram draws from the live simulation, as small pieces it can
//! call per node and per edge. Each reads the [`Live`] from context and
//! draws nothing without one, so the static map keeps working alone.
//!
//! - [`node_health`]: the `data-health` word of a node.
//! - [`NodeDecor`]: the health badge (its shape tells the state without
//!   colour) and three bars (load, queue, memory) along the node's foot.
//! - [`EdgeFlow`]: an overlay on a dependency edge with dash flow whose
//!   speed and width follow traffic, red with errors, and the breaker's
//!   state as a badge at the caller's end when it is not closed.
//! - [`FailoverFlow`]: an overlay on a failover edge, lit while in use.

use leptos::prelude::*;

use super::driver::Live;
use super::view_model::breaker_word;
use faultline_core::sim::BreakerState;
use faultline_core::DependencyKind;

/// The live health word of component `index`, if the sandbox is running.
pub fn node_health(index: usize) -> Option<Signal<&'static str>> {
    let live = use_context::<Live>()?;
    Some(Signal::derive(move || {
        live.view
            .with(|v| v.nodes.get(index).map(|n| n.word).unwrap_or("unknown"))
    }))
}

/// The first point of an SVG path (`M x y` or `M x,y`).
pub fn path_start(d: &str) -> Option<(f64, f64)> {
    let rest = d.trim_start().strip_prefix('M')?;
    let mut nums = rest
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty());
    let x = nums.next()?.parse().ok()?;
    let y = nums.next()?.parse().ok()?;
    Some((x, y))
}

/// The badge and bars drawn inside node `index` (SVG, node-local coordinates).
#[component]
pub fn NodeDecor(
    /// Component index.
    index: usize,
    /// Node width.
    width: f64,
    /// Node height.
    height: f64,
) -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let node = Memo::new(move |_| live.view.with(|v| v.nodes.get(index).cloned()));
    let third = (width - 8.0) / 3.0;
    let bar = move |k: usize, class: &'static str, value: Box<dyn Fn() -> f64 + Send + Sync>| {
        let x = 6.0 + k as f64 * third;
        view! {
            <rect class="live-bar-bg" x=x y=height - 4.0 width=third - 2.0 height="3"></rect>
            <rect class=format!("live-bar {class}") x=x y=height - 4.0 width=move || ((third - 2.0) * value()).max(0.0) height="3"></rect>
        }
    };
    view! {
        <g class="live-decor" aria-hidden="true">
            {bar(0, "bar-load", Box::new(move || node.with(|n| n.as_ref().map_or(0.0, |n| n.load))))}
            {bar(1, "bar-queue", Box::new(move || node.with(|n| n.as_ref().map_or(0.0, |n| n.queue))))}
            {bar(2, "bar-mem", Box::new(move || node.with(|n| n.as_ref().map_or(0.0, |n| n.memory))))}
            <g class="live-badge" transform=format!("translate({} {})", width - 1.0, height / 2.0)>
                <circle r="8" fill=move || node.with(|n| n.as_ref().map_or("#888", |n| n.color))></circle>
                <text text-anchor="middle" dominant-baseline="central">
                    {move || node.with(|n| n.as_ref().map_or("", |n| n.glyph))}
                </text>
            </g>
            <title>{move || node.with(|n| n.as_ref().map(|n| n.summary.clone()).unwrap_or_default())}</title>
        </g>
    }
    .into_any()
}

/// The live overlay of dependency edge `edge` drawn along `path`.
#[component]
pub fn EdgeFlow(
    /// Index into the topology's dependencies.
    edge: usize,
    /// The edge's SVG path.
    path: String,
) -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    // Only call edges carry request traffic; control and hosting links stay static.
    let Some((from, to)) = live.scenario.with_untracked(|s| {
        let d = s.topology.dependencies.get(edge)?;
        (d.kind == DependencyKind::Call).then(|| {
            (
                s.topology.components[d.from].id.clone(),
                s.topology.components[d.to].id.clone(),
            )
        })
    }) else {
        return ().into_any();
    };
    let ev = Memo::new(move |_| live.view.with(|v| v.edges.get(edge).cloned()));
    let start = path_start(&path);
    let badge = move || {
        let e = ev.get()?;
        let (x, y) = start?;
        let glyph = match e.breaker {
            BreakerState::Closed => return None,
            BreakerState::Open => "⊘",
            BreakerState::HalfOpen => "◐",
        };
        Some(view! {
            <g class="live-breaker-badge" transform=format!("translate({x:.1} {y:.1})")>
                <circle r="7"></circle>
                <text text-anchor="middle" dominant-baseline="central">{glyph}</text>
            </g>
        })
    };
    view! {
        <path
            class=move || ev.with(|e| format!("live-edge {}", e.as_ref().map(|e| e.classes()).unwrap_or_default()))
            d=path.clone()
            data-live-from=from
            data-live-to=to
            data-breaker=move || ev.with(|e| e.as_ref().map_or("closed", |e| breaker_word(e.breaker)))
            style=move || ev.with(|e| format!("stroke-width:{:.1}px", e.as_ref().map_or(1.0, |e| e.width)))
        ></path>
        {badge}
    }
    .into_any()
}

/// The live overlay of failover edge `index` along `path`: lit while the failover is under way.
#[component]
pub fn FailoverFlow(
    /// Index into the topology's failovers.
    index: usize,
    /// The edge's SVG path.
    path: String,
) -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let fv = Memo::new(move |_| live.view.with(|v| v.failovers.get(index).cloned()));
    view! {
        <path
            class="live-failover"
            class:lit=move || fv.with(|f| f.as_ref().is_some_and(|f| f.active))
            data-phase=move || fv.with(|f| f.as_ref().map_or("idle", |f| f.phase))
            d=path
        ></path>
    }
    .into_any()
}

/// Live overlays for every dependency edge route (draw after the static edges).
pub fn edge_overlays(routes: &[crate::layout::EdgeRoute]) -> impl IntoView {
    routes
        .iter()
        .map(|e| view! { <EdgeFlow edge=e.edge path=e.path.clone() /> })
        .collect_view()
}

/// Live overlays for every failover edge route.
pub fn failover_overlays(routes: &[crate::layout::EdgeRoute]) -> impl IntoView {
    routes
        .iter()
        .map(|e| view! { <FailoverFlow index=e.edge path=e.path.clone() /> })
        .collect_view()
}
