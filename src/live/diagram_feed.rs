//! What the diagram draws from the live simulation, as small pieces it can
//! call per node and per edge. Each reads the [`Live`] from context and
//! draws nothing without one, so the static map keeps working alone.
//!
//! - [`node_health`]: the `data-health` word of a node.
//! - [`NodeDecor`]: the health badge (its shape tells the state without
//!   colour) and, while a deploy is on the component, a tab saying how far
//!   it has gone ([`super::view_model::deploy_tag`]); [`NodeBars`]: three
//!   bars (load, queue, memory) along the node's foot, drawn on the traffic
//!   layer because they change often.
//! - [`EdgeFlow`]: an overlay on a dependency edge with dash flow whose
//!   speed and width follow traffic, red with errors, and the breaker's
//!   state as a badge at the caller's end when it is not closed.
//! - [`FailoverFlow`]: an overlay on a failover edge, lit while in use.
//! - [`why_chain`]: the components the selected one's trouble came
//!   through, which the map rings.
//! - [`compared_health`]: where the run the charts compare with differs,
//!   which the map rings in their grey.

use leptos::prelude::*;

use super::driver::Live;
use super::view_model::breaker_word;
use faultline_core::sim::BreakerState;
use faultline_core::DependencyKind;

/// The live health word of component `index`, if the sandbox is running.
pub fn node_health(index: usize) -> Option<Signal<&'static str>> {
    let live = use_context::<Live>()?;
    // A memo, so the attribute is written only when the word changes.
    let word = Memo::new(move |_| {
        live.view
            .with(|v| v.nodes.get(index).map(|n| n.word).unwrap_or("unknown"))
    });
    Some(word.into())
}

/// The components upstream of the selected one's trouble, by index: the
/// ones its *Why* names (see [`super::why`]), which the map rings. Empty
/// while the selection is healthy or nothing is selected; `None` without a
/// running sandbox. One memo for the whole map: a node reads whether it is
/// in the list, and repaints only when the list changes.
pub fn why_chain(selection: crate::Selection) -> Option<Memo<Vec<usize>>> {
    let live = use_context::<Live>()?;
    let trouble = Memo::new(move |_| {
        let i = selection.0.get()?;
        live.snapshot
            .with(|s| s.components.get(i).and_then(|c| c.health_event))
    });
    Some(Memo::new(move |_| {
        let Some(ev) = trouble.get() else {
            return Vec::new();
        };
        let hidden = super::driver::drill_hidden(live.drill.get());
        let ids: Vec<String> = live.events.with(|events| {
            super::event_log::cause_chain(events, ev, hidden)
                .into_iter()
                .filter_map(|c| events[c].component.clone())
                .collect()
        });
        let selected = selection.0.get_untracked();
        let mut chain: Vec<usize> = live.scenario.with_untracked(|s| {
            ids.iter()
                .filter_map(|id| s.topology.component_index(id))
                .filter(|&j| Some(j) != selected)
                .collect()
        });
        chain.sort_unstable();
        chain.dedup();
        chain
    }))
}

/// Per component, the health word of the run the charts compare with
/// where it differs from this run's (see
/// [`Live::health_differences`]); `None` without a running sandbox. One
/// memo for the whole map, refreshed with the diagram: a node repaints
/// only when its own entry changes.
pub fn compared_health() -> Option<Memo<Vec<Option<&'static str>>>> {
    let live = use_context::<Live>()?;
    Some(Memo::new(move |_| {
        // The run's side changes with the diagram (an action while paused
        // changes it alone).
        live.view.track();
        live.health_differences()
            .into_iter()
            .map(|h| h.map(super::view_model::health_word))
            .collect()
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

/// The health badge drawn inside node `index` (SVG, node-local
/// coordinates). It changes only when the health does, so it stays on the
/// map's layer; the bars, which change all the time, are [`NodeBars`] on
/// the traffic layer.
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
    let look = Memo::new(move |_| {
        live.view
            .with(|v| v.nodes.get(index).map(|n| (n.glyph, n.color)))
    });
    // From the view model, which follows the snapshot at the diagram's
    // pace rather than every frame.
    let deploy = Memo::new(move |_| {
        live.view
            .with(|v| v.nodes.get(index).and_then(|n| n.deploy.clone()))
    });
    view! {
        <g class="live-decor" aria-hidden="true">
            <g class="live-badge" transform=format!("translate({} {})", width - 1.0, height / 2.0)>
                <circle r="8" fill=move || look.with(|l| l.map_or("#888", |l| l.1))></circle>
                <text text-anchor="middle" dominant-baseline="central">
                    {move || look.with(|l| l.map_or("", |l| l.0))}
                </text>
            </g>
            {move || {
                deploy.get().map(|(words, back)| {
                    // A tab on the node's top edge, right of its name.
                    let w = 7.0 * words.chars().count() as f64 + 10.0;
                    let attr = words.clone();
                    view! {
                        <g
                            class=if back { "live-deploy back" } else { "live-deploy" }
                            data-deploy=attr
                            transform=format!("translate({:.1} -8)", width - 14.0 - w)
                        >
                            <rect width=format!("{w:.1}") height="15" rx="7"></rect>
                            <text x=format!("{:.1}", w / 2.0) y="7.5" text-anchor="middle" dominant-baseline="central">
                                {words}
                            </text>
                        </g>
                    }
                })
            }}
        </g>
    }
    .into_any()
}

/// Three bars (load, queue, memory) along the foot of node `index`, drawn
/// on the traffic layer at the node's position `(x, y)`.
#[component]
pub fn NodeBars(
    /// Component index.
    index: usize,
    /// Node's left edge on the map.
    x: f64,
    /// Node's top edge on the map.
    y: f64,
    /// Node width.
    width: f64,
    /// Node height.
    height: f64,
) -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    // Quantised (2% bar steps) so the DOM changes only when the picture does.
    let look = Memo::new(move |_| {
        live.view.with(|v| {
            v.nodes.get(index).map(|n| {
                let q = |x: f64| (x * 50.0).round() as u8;
                (q(n.load), q(n.queue), q(n.memory))
            })
        })
    });
    let third = (width - 8.0) / 3.0;
    let bar = move |k: usize, class: &'static str| {
        let x = 6.0 + k as f64 * third;
        let value = move || {
            look.with(|l| {
                l.map_or(0, |l| match k {
                    0 => l.0,
                    1 => l.1,
                    _ => l.2,
                })
            }) as f64
                / 50.0
        };
        view! {
            <rect class="live-bar-bg" x=x y=height - 4.0 width=third - 2.0 height="3"></rect>
            <rect
                class=format!("live-bar {class}")
                x=x
                y=height - 4.0
                width=move || format!("{:.1}", ((third - 2.0) * value()).max(0.0))
                height="3"
            ></rect>
        }
    };
    view! {
        <g class="live-bars" data-bars-for=index transform=format!("translate({x:.1} {y:.1})")>
            {bar(0, "bar-load")}
            {bar(1, "bar-queue")}
            {bar(2, "bar-mem")}
        </g>
    }
    .into_any()
}

/// Live bars for every node (on the traffic layer).
pub fn node_bars(nodes: &[crate::layout::NodeBox], height: f64) -> impl IntoView {
    nodes
        .iter()
        .map(|n| {
            view! { <NodeBars index=n.component x=n.rect.x y=n.rect.y width=n.rect.w height=height /> }
        })
        .collect_view()
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
    // What the edge looks like, quantised (half-pixel widths) so the DOM
    // changes only when the picture does, not on every traffic wobble.
    let look = Memo::new(move |_| {
        live.view.with(|v| {
            v.edges
                .get(edge)
                .map(|e| (e.classes(), (e.width * 2.0).round() as u8, e.breaker))
        })
    });
    let start = path_start(&path);
    let badge = move || {
        let breaker = look.with(|l| l.as_ref().map(|l| l.2))?;
        let (x, y) = start?;
        let glyph = match breaker {
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
            class=move || look.with(|l| format!("live-edge {}", l.as_ref().map(|l| l.0.as_str()).unwrap_or_default()))
            d=path.clone()
            data-live-from=from
            data-live-to=to
            data-breaker=move || look.with(|l| l.as_ref().map_or("closed", |l| breaker_word(l.2)))
            style=move || look.with(|l| format!("stroke-width:{:.1}px", l.as_ref().map_or(2.0, |l| l.1 as f64) / 2.0))
        ></path>
        {badge}
    }
    .into_any()
}

/// Failover `index`'s live state, for its path and its label: changes
/// only when the failover's does.
fn failover_view(live: Live, index: usize) -> Memo<Option<super::view_model::FailoverView>> {
    Memo::new(move |_| live.view.with(|v| v.failovers.get(index).cloned()))
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
    let fv = failover_view(live, index);
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

/// The live state of failover `index` for its label on the map: whether it
/// is under way (the label is then drawn filled) and its tooltip, the
/// static label followed by where it stands. `None` without a running
/// sandbox.
pub fn failover_label(index: usize, label: String) -> Option<(Signal<bool>, Signal<String>)> {
    let live = use_context::<Live>()?;
    let fv = failover_view(live, index);
    let underway = Signal::derive(move || fv.with(|f| f.as_ref().is_some_and(|f| f.active)));
    let title = Memo::new(move |_| {
        fv.with(|f| match f {
            Some(f) => format!("{label}: {}", f.words()),
            None => label.clone(),
        })
    });
    Some((underway, title.into()))
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
