//! The inspector's limit rows for one component: its rate limit (requests
//! per second per server, only where there is one) and its queue limit,
//! each a number set through [`Live::act`]. Seed 001's responders did both:
//! "17:05 rate limit tuning, increased API quotas", "17:20 queue depth
//! limits".
//!
//! The typed number goes to the core as it is; an empty, negative or
//! out-of-range one comes back as the core's refusal notice, as the extra
//! latency input does.

use faultline_core::Action;
use leptos::html;
use leptos::prelude::*;

use super::driver::{live_and_component, Live};
use super::view_model::grouped;

/// What one limit row says and how the page and tests find it.
struct Row {
    label: &'static str,
    /// `data-control` of the input.
    control: &'static str,
    aria: &'static str,
    /// `data-action` of the button (the action's kind).
    action: &'static str,
    button: &'static str,
    /// The current limit as text.
    now: fn(f64) -> String,
}

const RATE: Row = Row {
    label: "Rate limit ",
    control: "rate_limit",
    aria: "Rate limit, requests per second per server",
    action: "set_rate_limit",
    button: "Set rate limit",
    now: |x| {
        if x > 0.0 {
            format!("now {}/s per server", grouped(x))
        } else {
            "now no limit".into()
        }
    },
};

const QUEUE: Row = Row {
    label: "Queue limit ",
    control: "queue_limit",
    aria: "Queue limit, requests waiting at most",
    action: "set_queue_limit",
    button: "Set queue limit",
    now: |x| format!("now {}", grouped(x)),
};

/// The rate-limit row (only for a component with a rate limit in the
/// scenario or set since) and the queue-limit row for component `index`.
#[component]
pub fn LimitControls(
    /// Index into the topology's components.
    index: usize,
) -> impl IntoView {
    let Some((live, id)) = live_and_component(index) else {
        return ().into_any();
    };
    let (i1, i2) = (id.clone(), id);
    // The current limits, memoised: the rows change only when a limit does.
    let rate = Memo::new(move |_| {
        live.snapshot.with(|s| {
            s.components
                .get(index)
                .map_or(0.0, |c| c.rate_limit_per_server)
        })
    });
    let queue = Memo::new(move |_| {
        live.snapshot
            .with(|s| s.components.get(index).map_or(0.0, |c| c.queue_limit))
    });
    // A rate-limit row only where one means something: a limit at load or set since.
    let limited = Memo::new(move |_| {
        rate.get() > 0.0
            || live.scenario.with(|s| {
                s.params
                    .get(index)
                    .is_some_and(|p| p.rate_limit_per_server > 0.0)
            })
    });
    let set_rate = move || {
        let component = i1.clone();
        move |per_server| Action::SetRateLimit {
            component: component.clone(),
            per_server,
        }
    };
    view! {
        <Show when=move || limited.get()>{limit_row(live, &RATE, rate, set_rate())}</Show>
        {limit_row(live, &QUEUE, queue, move |limit| Action::SetQueueLimit { component: i2.clone(), limit })}
    }
    .into_any()
}

/// One "label [number] now … [button]" row: the input shows the current
/// limit (and again whenever it changes); the button sends what is typed,
/// through `make`.
fn limit_row(
    live: Live,
    row: &'static Row,
    current: Memo<f64>,
    make: impl Fn(f64) -> Action + 'static,
) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let set = move |_| {
        let typed = input
            .get_untracked()
            .map(|el| el.value())
            .unwrap_or_default();
        // Empty or not a number: NaN, which the core refuses with a notice.
        let _ = live.act(make(typed.trim().parse().unwrap_or(f64::NAN)));
    };
    view! {
        <div class="live-row" data-limit=row.control>
            <label>
                {row.label}
                <input
                    type="number"
                    min="0"
                    step="any"
                    node_ref=input
                    data-control=row.control
                    aria-label=row.aria
                    prop:value=move || current.get().to_string()
                />
            </label>
            <span class="now" data-now=row.control>{move || (row.now)(current.get())}</span>
            <button data-action=row.action on:click=set>{row.button}</button>
        </div>
    }
}
