//! The four-plane diagram as SVG: plane bands, failure domains, component
//! nodes, dependency and failover edges. Geometry comes from [`crate::layout`];
//! this module only turns it into elements and wires selection.
//!
//! Every node is a keyboard-reachable button (`role="button"`, `tabindex="0"`)
//! carrying `data-component="<id>"`, which tests, drills and shared links rely
//! on. Nodes take a [`NodeStatus`] signal so the simulation can later colour
//! them by health and load without touching the drawing code.

use std::sync::Arc;

use faultline_core::{DependencyKind, Topology};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::layout::{self, EdgeRoute, Layout, NodeBox, ADDED_BADGE_W, NODE_H};
use crate::Selection;

/// How a component is doing, as far as the diagram shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Health {
    /// No live data: the static map.
    #[default]
    Unknown,
    /// Serving normally.
    Healthy,
    /// Serving, but slowly or partially.
    Degraded,
    /// Not serving.
    Down,
}

impl Health {
    /// CSS class suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Unknown => "unknown",
            Health::Healthy => "healthy",
            Health::Degraded => "degraded",
            Health::Down => "down",
        }
    }
}

/// Live figures for one node; the static map uses the default (unknown, no load bar).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NodeStatus {
    /// Health colour of the node.
    pub health: Health,
    /// Utilisation in `0..=1` drawn as a bar along the node's bottom, when known.
    pub load: Option<f64>,
}

/// Markers (arrowheads) shared by all edges. Written as markup because the
/// marker attributes are camel-case SVG and never change.
const MARKERS: &str = r##"<marker id="fl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 1 L10 5 L0 9 z" fill="#8a94a6"/></marker><marker id="fl-arrow-out" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 1 L10 5 L0 9 z" fill="#1f3b73"/></marker><marker id="fl-arrow-in" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 1 L10 5 L0 9 z" fill="#0f766e"/></marker><marker id="fl-arrow-fo" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 1 L10 5 L0 9 z" fill="#7c3aed"/></marker>"##;

/// Rounds a coordinate for an attribute.
fn px(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// The whole diagram. `width` is the drawing width in CSS pixels; `status`
/// optionally feeds live health and load per component (indexed like
/// `topology.components`); `show_all_edges` also draws control and hosting
/// edges, which otherwise appear only for the selected component.
#[component]
pub fn Diagram(
    topology: Arc<Topology>,
    #[prop(into)] width: Signal<f64>,
    #[prop(optional, into)] status: Option<Signal<Vec<NodeStatus>>>,
    #[prop(optional, into)] show_all_edges: Option<Signal<bool>>,
) -> impl IntoView {
    let topo = topology.clone();
    let layout = Memo::new(move |_| Arc::new(layout::layout(&topo, width.get())));
    let selection = expect_context::<Selection>();
    let show_all = show_all_edges.unwrap_or_else(|| Signal::from(false));
    let why = crate::live::diagram_feed::why_chain(selection);
    let compared = crate::live::diagram_feed::compared_health();
    crate::live::edge_hover::provide();
    let tap_away = crate::live::edge_hover::tap_away();
    move || {
        let l = layout.get();
        let t = topology.clone();
        // The four layers share one size.
        let (w, h) = (px(l.width), px(l.height));
        let view_box = format!("0 0 {w} {h}");
        view! {
            // Four SVGs laid exactly over each other, each composited as a
            // layer of its own, so what changes many times a second while
            // playing repaints alone: the map underneath (bands, domains,
            // static edges: changes on selection), the live traffic (dash
            // flow and widths), the nodes with their labels (change with
            // health), and the load/queue/memory bars on top. The z-order
            // is the single drawing's: edges, flows, nodes, labels, bars.
            <div
                class="diagram-stack"
                on:pointerdown=move |ev| {
                    if let Some(f) = tap_away {
                        f(ev);
                    }
                }
                class:has-selection=move || selection.0.get().is_some()
                class:show-all=move || show_all.get()
            >
            <svg
                class="diagram-base"
                xmlns="http://www.w3.org/2000/svg"
                width=w.clone()
                height=h.clone()
                viewBox=view_box.clone()
                aria-hidden="true"
            >
                <defs inner_html=MARKERS></defs>
                {bands(&t, &l)}
                <g class="edges deps">{dependency_edges(&t, &l, selection)}</g>
                <g class="edges failovers">{failover_edges(&l, selection, false)}</g>
                <g class="edge-hits">{crate::live::edge_hover::hit_paths(&t, &l.dependencies)}</g>
            </svg>
            <svg
                class="diagram-layer diagram-flows"
                xmlns="http://www.w3.org/2000/svg"
                width=w.clone()
                height=h.clone()
                viewBox=view_box.clone()
                aria-hidden="true"
            >
                <g class="edges live-flows">{crate::live::diagram_feed::edge_overlays(&l.dependencies)}</g>
                <g class="edges live-failovers">{crate::live::diagram_feed::failover_overlays(&l.failovers)}</g>
                <g class="edge-hover">
                    <crate::live::edge_hover::EdgeHighlight routes=l.dependencies.clone() />
                </g>
            </svg>
            <svg
                class="diagram diagram-layer"
                class:has-selection=move || selection.0.get().is_some()
                class:show-all=move || show_all.get()
                xmlns="http://www.w3.org/2000/svg"
                width=w.clone()
                height=h.clone()
                viewBox=view_box.clone()
                role="group"
                aria-label="Failure-domain diagram: planes, failure domains and components"
            >
                <g class="nodes">
                    {l
                        .nodes
                        .iter()
                        .map(|n| {
                            let i = n.component;
                            let st = status
                                .map(|s| Signal::derive(move || s.with(|v| v.get(i).copied().unwrap_or_default())))
                                .unwrap_or_else(|| Signal::from(NodeStatus::default()));
                            let in_why = Signal::derive(move || why.is_some_and(|w| w.with(|c| c.contains(&i))));
                            let differs = Signal::derive(move || {
                                compared.and_then(|m| m.with(|v| v.get(i).copied().flatten()))
                            });
                            view! { <Node topology=t.clone() node=n.clone() status=st in_why differs /> }
                        })
                        .collect_view()}
                </g>
                <g class="edge-labels">{failover_edges(&l, selection, true)}</g>
            </svg>
            <svg
                class="diagram-layer diagram-bars"
                xmlns="http://www.w3.org/2000/svg"
                width=w.clone()
                height=h.clone()
                viewBox=view_box.clone()
                aria-hidden="true"
            >
                <g class="live-node-bars">{crate::live::diagram_feed::node_bars(&l.nodes, NODE_H)}</g>
            </svg>
            <crate::live::edge_hover::EdgeReadout />
            </div>
        }
    }
}

/// Plane bands with their rotated titles, and the domain boxes inside them.
fn bands(t: &Topology, l: &Layout) -> impl IntoView {
    let planes = l
        .planes
        .iter()
        .map(|p| {
            let plane = t.plane(p.plane);
            let stroke = plane.map_or("#999".to_string(), |x| x.stroke.clone());
            let text = plane.map_or("#fff".to_string(), |x| x.text_color.clone());
            let (cx, cy) = (p.title_strip.cx(), p.title_strip.cy());
            view! {
                <g class="plane" data-plane=p.plane.as_str()>
                    <rect
                        class="plane-band"
                        x=px(p.rect.x)
                        y=px(p.rect.y)
                        width=px(p.rect.w)
                        height=px(p.rect.h)
                        rx="8"
                        fill=stroke.clone()
                        stroke=stroke.clone()
                    ></rect>
                    <rect
                        class="plane-strip"
                        x=px(p.title_strip.x)
                        y=px(p.title_strip.y)
                        width=px(p.title_strip.w)
                        height=px(p.title_strip.h)
                        rx="8"
                        fill=p.color.clone()
                        stroke=stroke
                    ></rect>
                    <text
                        class="plane-title"
                        x=px(cx)
                        y=px(cy)
                        fill=text
                        text-anchor="middle"
                        dominant-baseline="central"
                        transform=format!("rotate(-90 {} {})", px(cx), px(cy))
                    >
                        {p.title.clone()}
                    </text>
                </g>
            }
        })
        .collect_view();
    let domains = l
        .domains
        .iter()
        .map(|d| {
            let dom = &t.domains[d.domain];
            let color = t.plane(d.plane).map_or("#999".to_string(), |x| x.stroke.clone());
            view! {
                <g class="domain" class:added=dom.added data-domain=dom.id.clone()>
                    <rect
                        class="domain-box"
                        x=px(d.rect.x)
                        y=px(d.rect.y)
                        width=px(d.rect.w)
                        height=px(d.rect.h)
                        rx="6"
                        stroke=color.clone()
                    ></rect>
                    <text class="domain-title" x=px(d.rect.x + 8.0) y=px(d.rect.y + 14.0) fill=color>
                        {d.title.clone()}
                    </text>
                    <title>{dom.title.clone()}</title>
                </g>
            }
        })
        .collect_view();
    (planes, domains)
}

/// Dependency edges: call edges always, control and hosting edges when
/// `show-all` is on or an endpoint is selected (CSS decides, classes say which).
fn dependency_edges(t: &Topology, l: &Layout, selection: Selection) -> impl IntoView {
    l.dependencies
        .iter()
        .map(|e: &EdgeRoute| {
            let (from, to) = (e.from, e.to);
            let kind = t.dependencies[e.edge].kind;
            let kind_class = match kind {
                DependencyKind::Call => "dep kind-call",
                DependencyKind::Control => "dep kind-control",
                DependencyKind::Hosts => "dep kind-hosts",
            };
            let out = move || selection.0.get() == Some(from);
            let inc = move || selection.0.get() == Some(to);
            view! {
                <path
                    class=kind_class
                    class:out=out
                    class:in=inc
                    d=e.path.clone()
                    data-from=t.components[from].id.clone()
                    data-to=t.components[to].id.clone()
                    marker-end=move || {
                        if out() {
                            "url(#fl-arrow-out)"
                        } else if inc() {
                            "url(#fl-arrow-in)"
                        } else {
                            "url(#fl-arrow)"
                        }
                    }
                ></path>
            }
        })
        .collect_view()
}

/// Failover edges (dashed), or, with `labels`, their labels drawn above the nodes.
fn failover_edges(l: &Layout, selection: Selection, labels: bool) -> impl IntoView {
    l.failovers
        .iter()
        .map(|e| {
            let (from, to) = (e.from, e.to);
            let active = move || selection.0.get().is_some_and(|s| s == from || s == to);
            if labels {
                let label = e.label.clone().unwrap_or(layout::LabelBox {
                    rect: layout::Rect { x: 0.0, y: 0.0, w: 0.0, h: 0.0 },
                    lines: Vec::new(),
                });
                let r = label.rect;
                let lines = label
                    .lines
                    .iter()
                    .enumerate()
                    .map(|(k, line)| {
                        view! {
                            <text
                                x=px(r.cx())
                                y=px(r.y + 2.0 + layout::LABEL_LINE_PX * (k as f64 + 0.5))
                                text-anchor="middle"
                                dominant-baseline="central"
                            >
                                {line.clone()}
                            </text>
                        }
                    })
                    .collect_view();
                // Live: filled while the failover is under way, and a
                // tooltip saying where it stands.
                let live = crate::live::diagram_feed::failover_label(e.edge, label.lines.join(" · "));
                let underway = live.map(|(u, _)| u);
                let title = live.map(|(_, t)| view! { <title>{t}</title> });
                view! {
                    <g
                        class="failover-label"
                        data-failover=e.edge
                        class:active=active
                        class:underway=move || underway.is_some_and(|u| u.get())
                    >
                        {title}
                        <rect x=px(r.x) y=px(r.y) width=px(r.w) height=px(r.h) rx="4"></rect>
                        {lines}
                    </g>
                }
                .into_any()
            } else {
                view! { <path class="failover" class:active=active d=e.path.clone() marker-end="url(#fl-arrow-fo)"></path> }
                    .into_any()
            }
        })
        .collect_view()
}

/// One component: a focusable button inside the SVG.
#[component]
fn Node(
    topology: Arc<Topology>,
    node: NodeBox,
    #[prop(into)] status: Signal<NodeStatus>,
    /// Whether the selected component's trouble came through this one.
    #[prop(into)]
    in_why: Signal<bool>,
    /// Its health in the run the charts compare with, where that differs.
    #[prop(into)]
    differs: Signal<Option<&'static str>>,
) -> impl IntoView {
    let selection = expect_context::<Selection>();
    let index = node.component;
    let c = &topology.components[index];
    let plane = topology.plane(c.plane);
    let accent = plane.map_or("#999".to_string(), |p| p.color.clone());
    let stroke = plane.map_or("#999".to_string(), |p| p.stroke.clone());
    let plane_title = plane.map_or(c.plane.as_str().to_string(), |p| p.title.clone());
    let domain_title = topology
        .domains
        .get(c.domain)
        .map_or(String::new(), |d| d.title.clone());
    // The name a screen reader reads and a speech user says starts with
    // the words on the node (its name, then its fact line), then says what
    // the node's colour and badge show: its health.
    let aria_start = format!(
        "{} {}{}",
        node.name,
        node.fact,
        if c.added { " (added by Faultline)" } else { "" },
    );
    let aria_rest = format!(
        "{}, {}. Blast radius: {}.",
        plane_title, domain_title, c.blast_radius
    );
    let tooltip = format!(
        "{}\n{}\nBlast radius: {}",
        c.name,
        c.facts.join("\n"),
        c.blast_radius
    );
    let r = node.rect;
    let live_health = crate::live::diagram_feed::node_health(index);
    let health_word = move || live_health.map_or_else(|| status.get().health.as_str(), |h| h.get());
    let selected = move || selection.0.get() == Some(index);
    let select = move || selection.0.set(Some(index));
    let on_key = move |ev: KeyboardEvent| {
        if matches!(ev.key().as_str(), "Enter" | " " | "Spacebar") {
            ev.prevent_default();
            select();
        }
    };
    let badge = c.added.then(|| {
        view! {
            <g class="added-badge" aria-hidden="true">
                <circle cx=px(r.w - ADDED_BADGE_W / 2.0 - 3.0) cy="10" r="6"></circle>
                <text x=px(r.w - ADDED_BADGE_W / 2.0 - 3.0) y="10" text-anchor="middle" dominant-baseline="central">
                    "+"
                </text>
            </g>
        }
    });
    view! {
        <g
            class="node"
            class:selected=selected
            class:why=move || in_why.get()
            class:differs=move || differs.get().is_some()
            data-compared=move || differs.get()
            class:added=c.added
            data-health=health_word
            data-component=c.id.clone()
            role="button"
            tabindex="0"
            aria-label=move || format!("{aria_start}: {}. {aria_rest}", health_word().replace('-', " "))
            aria-pressed=move || if selected() { "true" } else { "false" }
            transform=format!("translate({} {})", px(r.x), px(r.y))
            on:click=move |_| select()
            on:keydown=on_key
        >
            <title>{tooltip}</title>
            <rect class="node-halo" x="-4" y="-4" width=px(r.w + 8.0) height=px(NODE_H + 8.0) rx="9"></rect>
            <rect class="node-box" width=px(r.w) height=px(NODE_H) rx="6" stroke=stroke></rect>
            <rect class="node-accent" x="0" y="0" width="5" height=px(NODE_H) rx="2" fill=accent></rect>
            <text class="node-name" x="11" y="16">
                {node.name.clone()}
            </text>
            // SVG draws no text between elements, but assistive tools read
            // it: without it the name and the fact run together as one word
            // ("Cloudflare US100+ PoPs") and no longer match the label.
            " "
            <text class="node-fact" x="11" y="31">
                {node.fact.clone()}
            </text>
            {badge}
            <crate::live::diagram_feed::NodeDecor index=index width=r.w height=NODE_H />
            {move || {
                status
                    .get()
                    .load
                    .map(|load| {
                        view! {
                            <rect
                                class="node-load"
                                x="5"
                                y=px(NODE_H - 4.0)
                                width=px((r.w - 5.0) * load.clamp(0.0, 1.0))
                                height="3"
                            ></rect>
                        }
                    })
            }}
        </g>
    }
}
