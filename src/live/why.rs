//! "Why is this red?": the inspector's answer for the selected component.
//!
//! The simulation remembers, per component, the event that put it in its
//! present trouble ([`ComponentState::health_event`]), and every event
//! names its cause. This panel walks that chain back to where the trouble
//! began, oldest first, with the incident's clock: "16:47:00 traffic × 10 →
//! 16:47:12 API Gateway overloaded → 16:47:20 Voice Service US degraded".
//! The event log shows the same chains for every row; here it is the one
//! a trainee asks about when a node turns red, and a step on another
//! component opens that one, to follow the trouble upstream.
//!
//! [`ComponentState::health_event`]: faultline_core::sim::ComponentState::health_event

use faultline_core::scenario::time::format_clock;
use faultline_core::Event;
use leptos::prelude::*;

use super::driver::{drill_hidden, Live};
use super::event_log::cause_chain;
use crate::Selection;

/// One step of the answer: when, what happened, and to which component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhyStep {
    /// The incident's clock at the event.
    pub clock: String,
    /// The event's message.
    pub message: String,
    /// The component the event concerns, by id, if any (a platform-wide
    /// action concerns none).
    pub component: Option<String>,
}

/// The steps that led to event `trouble`, oldest first, ending with it;
/// `hidden` events (a drill's scripted causes) are left out, and the
/// chain goes on through them. Empty if `trouble` is not in the log.
pub fn why_steps(
    events: &[Event],
    trouble: usize,
    start_clock_ms: u64,
    hidden: impl Fn(&Event) -> bool + Copy,
) -> Vec<WhyStep> {
    let Some(last) = events.get(trouble) else {
        return Vec::new();
    };
    cause_chain(events, trouble, hidden)
        .into_iter()
        .map(|i| &events[i])
        .chain(std::iter::once(last))
        .map(|e| WhyStep {
            clock: format_clock(start_clock_ms, e.t_ms),
            message: e.message.clone(),
            component: e.component.clone(),
        })
        .collect()
}

/// The "Why" block for component `index`: nothing while it is healthy.
#[component]
pub fn WhyPanel(
    /// Index into the topology's components.
    index: usize,
) -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let selection = use_context::<Selection>();
    // The steps are rebuilt when the event index changes or the log grows
    // (while playing, the snapshot goes out every frame but the events at
    // most every 250 ms, so the index can name an event the page does not
    // have yet), not on every snapshot; the memo touches the page only
    // when they differ.
    let trouble = Memo::new(move |_| {
        live.snapshot
            .with(|s| s.components.get(index).and_then(|c| c.health_event))
    });
    let steps = Memo::new(move |_| {
        let trouble = trouble.get()?;
        let start = live.scenario.with_untracked(|s| s.start_clock_ms);
        let hidden = drill_hidden(live.drill.get());
        let steps = live
            .events
            .with(|events| why_steps(events, trouble, start, hidden));
        (!steps.is_empty()).then_some(steps)
    });
    view! {
        {move || {
            steps.get().map(|steps| {
                let n = steps.len();
                let items = steps
                    .into_iter()
                    .enumerate()
                    .map(|(k, s)| {
                        // A step on another component selects it, so the
                        // chain can be walked upstream in the inspector.
                        let target = s.component.as_deref().and_then(|id| {
                            live.scenario.with_untracked(|sc| sc.topology.component_index(id))
                        });
                        let step = view! {
                            <time>{s.clock}</time>
                            " "
                            <span class="msg">{s.message}</span>
                        };
                        let body = match (target, selection) {
                            (Some(j), Some(sel)) if j != index => view! {
                                <button
                                    class="why-step"
                                    data-why-component=j
                                    title="Inspect this component"
                                    on:click=move |_| sel.0.set(Some(j))
                                >
                                    {step}
                                </button>
                            }
                            .into_any(),
                            _ => step.into_any(),
                        };
                        view! { <li class:now=k + 1 == n>{body}</li> }
                    })
                    .collect_view();
                view! {
                    <div class="live-why" data-why=index>
                        <h3>"Why " <span class="why-note">"· ringed on the map"</span></h3>
                        <ol>{items}</ol>
                    </div>
                }
            })
        }}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_core::sim::EventKind;

    fn ev(t_ms: u64, kind: EventKind, message: &str, cause: Option<usize>) -> Event {
        Event {
            t_ms,
            kind,
            component: None,
            message: message.into(),
            cause,
        }
    }

    #[test]
    fn the_answer_runs_from_the_first_cause_to_the_trouble() {
        let events = vec![
            ev(0, EventKind::Action, "scenario: kill Presence", None),
            ev(1_000, EventKind::Health, "Presence down", Some(0)),
            ev(2_000, EventKind::Health, "Guilds healthy again", None),
            ev(61_000, EventKind::Health, "Sessions degraded", Some(1)),
        ];
        let start = 19 * 3_600_000;
        let steps = why_steps(&events, 3, start, |_| false);
        let clocks: Vec<_> = steps.iter().map(|s| s.clock.as_str()).collect();
        assert_eq!(clocks, ["19:00:00", "19:00:01", "19:01:01"]);
        assert_eq!(steps[0].message, "scenario: kill Presence");
        assert_eq!(steps[2].message, "Sessions degraded");
        // A drill keeps the scripted cause out of the answer.
        let drill = why_steps(&events, 3, start, Event::is_scripted);
        assert_eq!(drill.len(), 2);
        assert_eq!(drill[0].message, "Presence down");
        // An index past the log (a log cleared by a reset) answers nothing.
        assert!(why_steps(&events, 9, start, |_| false).is_empty());
    }
}
