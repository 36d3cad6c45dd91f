//! The event log: what happened, newest first, in plain words with the
//! scenario's clock, each entry with its cause chain ("Redis Sessions down
//! → ... → this"). Clicking an entry selects the component it concerns.
//! Operator actions are events too (the simulation logs every applied action).

use faultline_core::sim::EventKind;
use faultline_core::Event;
use leptos::prelude::*;

use super::driver::Live;
use crate::Selection;

/// Rows shown (the full log stays in memory).
const SHOWN: usize = 150;

/// Longest cause chain written out.
const CHAIN: usize = 4;

/// The causes of event `i`, oldest first, not including `i` itself.
pub fn cause_chain(events: &[Event], i: usize) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut cur = events.get(i).and_then(|e| e.cause);
    while let Some(c) = cur {
        if c >= i || chain.contains(&c) || chain.len() >= CHAIN {
            break;
        }
        chain.push(c);
        cur = events.get(c).and_then(|e| e.cause);
    }
    chain.reverse();
    chain
}

/// Short word for an event kind (CSS class and badge).
pub fn kind_word(k: EventKind) -> &'static str {
    match k {
        EventKind::Action => "action",
        EventKind::Health => "health",
        EventKind::Crash => "crash",
        EventKind::Restart => "restart",
        EventKind::Breaker => "breaker",
        EventKind::Failover => "failover",
        EventKind::KillSwitch => "switch",
        EventKind::Trigger => "trigger",
        EventKind::Users => "users",
        EventKind::Autoscale => "autoscale",
        EventKind::Control => "control",
        EventKind::Cache => "cache",
    }
}

/// The event log panel.
#[component]
pub fn EventLog() -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let selection = use_context::<Selection>();
    // Rows as (index, event, cause messages); keyed so only new rows render.
    let rows = move || {
        live.events.with(|events| {
            let n = events.len();
            (n.saturating_sub(SHOWN)..n)
                .rev()
                .map(|i| {
                    let chain = cause_chain(events, i)
                        .into_iter()
                        .map(|c| events[c].message.clone())
                        .collect::<Vec<_>>();
                    (i, events[i].clone(), chain)
                })
                .collect::<Vec<_>>()
        })
    };
    let row = move |(_, e, chain): (usize, Event, Vec<String>)| {
        let start = live.scenario.with_untracked(|s| s.start_clock_ms);
        let clock = faultline_core::scenario::time::format_clock(start, e.t_ms);
        let target = e.component.clone();
        let index = target.as_ref().and_then(|id| {
            live.scenario
                .with_untracked(|s| s.topology.component_index(id))
        });
        let select = move |_| {
            if let (Some(sel), Some(i)) = (selection, index) {
                sel.0.set(Some(i));
            }
        };
        let because = (!chain.is_empty())
            .then(|| view! { <span class="because">{chain.join(" → ")} " → "</span> });
        view! {
            <li class=format!("ev ev-{}", kind_word(e.kind)) data-event-component=target.unwrap_or_default()>
                <button class="ev-row" on:click=select disabled=index.is_none()>
                    <time>{clock}</time>
                    <span class="kind">{kind_word(e.kind)}</span>
                    <span class="msg">{because}<span class="what">{e.message.clone()}</span></span>
                </button>
            </li>
        }
    };
    view! {
        <section class="live-panel live-events" aria-label="Event log">
            <h2>
                "Event log "
                <span class="count">{move || format!("({})", live.events.with(|e| e.len()))}</span>
            </h2>
            <ol class="events">
                <For each=rows key=|(i, e, _)| (*i, e.t_ms, e.message.clone()) children=row />
            </ol>
        </section>
    }
    .into_any()
}
