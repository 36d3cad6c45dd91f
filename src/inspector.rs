//! The side panel: everything the map knows about the selected component —
//! its seed facts, blast radius, what it depends on, what depends on it, and
//! where its load goes when it fails. Related components are buttons, so a
//! trainee can walk the failure paths from the keyboard.

use std::sync::Arc;

use faultline_core::scenario::{route_summary, Scenario};
use faultline_core::{DependencyKind, Topology};
use leptos::prelude::*;

use crate::live::driver::Live;
use crate::Selection;

/// One related component in a list: a button that selects it, plus a note.
/// Related through dependency `edge`, the item lights that edge on the
/// live map while pointed at or focused.
fn related(
    topology: &Topology,
    selection: Selection,
    index: usize,
    edge: Option<usize>,
    note: String,
) -> impl IntoView {
    let name = topology.components[index].name.clone();
    let id = topology.components[index].id.clone();
    let light = edge.map(crate::live::edge_hover::RowLight::new);
    let on = move || {
        if let Some(l) = light {
            l.on();
        }
    };
    let off = move || {
        if let Some(l) = light {
            l.off();
        }
    };
    view! {
        <li
            on:mouseenter=move |_| on()
            on:mouseleave=move |_| off()
            on:focusin=move |_| on()
            on:focusout=move |_| off()
        >
            <button class="link" data-target=id on:click=move |_| selection.0.set(Some(index))>
                {name}
            </button>
            {(!note.is_empty()).then(|| view! { <span class="note">{note}</span> })}
        </li>
    }
}

/// How long a node located on the map stays highlighted (matches the
/// `fl-locate` animation in `assets/style.css`).
const LOCATE_FLASH_MS: u32 = 1600;

/// "Show on the map": scrolls the component's node into the middle of the
/// window and flashes it. The inspector stays in view as the page scrolls,
/// so a component chosen from the event log, a *Why* step or the debrief
/// may be far from where its node is drawn.
#[component]
fn LocateButton(id: String) -> impl IntoView {
    let locate = move |ev: leptos::ev::MouseEvent| {
        let selector = format!("[data-component=\"{id}\"]");
        let Some(node) = crate::dom::find_from(&ev, "main.workspace", &selector) else {
            return;
        };
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        options.set_inline(web_sys::ScrollLogicalPosition::Nearest);
        node.scroll_into_view_with_scroll_into_view_options(&options);
        crate::dom::flash(node, "data-located", LOCATE_FLASH_MS);
    };
    view! {
        <button
            class="link locate"
            data-action="locate"
            title="Scroll the map to this component and flash it"
            on:click=locate
        >
            "Show on the map"
        </button>
    }
}

/// A titled list of related components, or nothing when the list is empty.
fn section(title: &'static str, class: &'static str, items: Vec<AnyView>) -> Option<AnyView> {
    (!items.is_empty()).then(|| {
        view! {
            <section class=format!("rel {class}")>
                <h3>{title}</h3>
                <ul>{items}</ul>
            </section>
        }
        .into_any()
    })
}

/// The inspector panel for the current selection.
#[component]
pub fn Inspector(topology: Arc<Topology>) -> impl IntoView {
    let selection = expect_context::<Selection>();
    move || {
        match selection.0.get() {
        None => view! {
            <div class="inspector-empty">
                <h2>"Inspector"</h2>
                <p>"Select a component to see its facts, blast radius, dependencies and failover paths."</p>
                // Worded for a mouse, or for a finger where the screen
                // cannot hover (`.for-mouse`/`.for-touch` in style.css).
                <p class="hint for-mouse">
                    "Click a node, or move to it with " <kbd>"Tab"</kbd> " and press " <kbd>"Enter"</kbd>
                    ". " <kbd>"Esc"</kbd> " clears the selection."
                </p>
                <p class="hint for-touch">"Tap a node."</p>
                {use_context::<Live>().map(|_| view! {
                    <p class="hint for-mouse">
                        "Point at a line between two components for what it carries now; click it for the caller."
                    </p>
                    <p class="hint for-touch">
                        "Tap a line between two components for what it carries now; tap it again for the caller."
                    </p>
                })}
            </div>
        }
        .into_any(),
        Some(i) => details(&topology, selection, i).into_any(),
    }
    }
}

/// The panel's content for component `i`.
fn details(t: &Topology, selection: Selection, i: usize) -> impl IntoView {
    let Some(c) = t.components.get(i) else {
        return view! { <p class="error">"Unknown component."</p> }.into_any();
    };
    let plane = t
        .plane(c.plane)
        .map_or(c.plane.as_str().to_string(), |p| p.title.clone());
    let color = t
        .plane(c.plane)
        .map_or("#999".to_string(), |p| p.color.clone());
    let domain = t
        .domains
        .get(c.domain)
        .map_or(String::new(), |d| d.title.clone());

    // What each call edge carries in the scenario running (none without
    // the live sandbox, or if the scenario draws another topology).
    let scenario: Option<std::sync::Arc<Scenario>> = use_context::<Live>()
        .map(|l| l.scenario.get())
        .filter(|s| s.topology.dependencies == t.dependencies);
    let carries = |e: usize, kind: DependencyKind| -> String {
        match (&scenario, kind) {
            (Some(s), DependencyKind::Call) => s
                .routes
                .get(e)
                .map(|r| route_summary(r, &s.topology))
                .unwrap_or_default(),
            _ => String::new(),
        }
    };
    let edges_from = |kind: DependencyKind| -> Vec<AnyView> {
        t.dependencies
            .iter()
            .enumerate()
            .filter(|(_, d)| d.from == i && d.kind == kind)
            .map(|(e, d)| related(t, selection, d.to, Some(e), carries(e, kind)).into_any())
            .collect()
    };
    let edges_to = |kind: DependencyKind| -> Vec<AnyView> {
        t.dependencies
            .iter()
            .enumerate()
            .filter(|(_, d)| d.to == i && d.kind == kind)
            .map(|(e, d)| related(t, selection, d.from, Some(e), carries(e, kind)).into_any())
            .collect()
    };
    let fails_to: Vec<AnyView> = t
        .failovers
        .iter()
        .filter(|f| f.from == i)
        .map(|f| related(t, selection, f.to, None, f.label.join(" · ")).into_any())
        .collect();
    let takes_from: Vec<AnyView> = t
        .failovers
        .iter()
        .filter(|f| f.to == i)
        .map(|f| related(t, selection, f.from, None, f.label.join(" · ")).into_any())
        .collect();

    let facts = c
        .facts
        .iter()
        .map(|f| view! { <li>{f.clone()}</li> })
        .collect_view();
    let added = c.added.then(|| {
        view! {
            <p class="added-note">
                <strong>"Added by Faultline"</strong>
                " — not drawn in the seed's map. Source: "
                {c.source.clone()}
            </p>
        }
    });
    view! {
        <article class="inspector-detail" data-selected=c.id.clone() style=format!("--plane: {color}")>
            <h2>{c.name.clone()}</h2>
            <p class="ident">
                <code>{c.id.clone()}</code>
                " "
                <LocateButton id=c.id.clone() />
            </p>
            <dl class="where">
                <dt>"Plane"</dt>
                <dd>{plane}</dd>
                <dt>"Failure domain"</dt>
                <dd>{domain}</dd>
            </dl>
            <section class="blast">
                <h3>"Blast radius"</h3>
                <p class="blast-radius">{c.blast_radius.clone()}</p>
            </section>
            {added}
            <crate::live::ComponentActions index=i />
            <section class="facts">
                <h3>"Facts"</h3>
                <ul>{facts}</ul>
            </section>
            {section("If it fails, load moves to", "failover-out", fails_to)}
            {section("Takes over when these fail", "failover-in", takes_from)}
            {section("Calls (depends on)", "deps-out", edges_from(DependencyKind::Call))}
            {section("Called by (its dependents)", "deps-in", edges_to(DependencyKind::Call))}
            {section("Controls", "control-out", edges_from(DependencyKind::Control))}
            {section("Controlled by", "control-in", edges_to(DependencyKind::Control))}
            {section("Hosts", "hosts-out", edges_from(DependencyKind::Hosts))}
            {section("Hosted on", "hosts-in", edges_to(DependencyKind::Hosts))}
            <button class="clear" on:click=move |_| selection.0.set(None)>
                "Clear selection (Esc)"
            </button>
        </article>
    }
    .into_any()
}
