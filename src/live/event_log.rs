//! The event log: what happened, newest first, in plain words with the
//! scenario's clock, each entry with its cause chain ("Redis Sessions down
//! → ... → this"). Clicking an entry selects the component it concerns.
//! Operator actions are events too (the simulation logs every applied action).
//!
//! Repeats fold into one row: a breaker that probes and reopens every few
//! seconds, or a failover that flaps, would otherwise push everything else
//! out of the list. The row stands where the latest repeat happened and says
//! how many there were since when ("×12 since 17:20:05").
//!
//! A menu narrows the log to one group of kinds (actions, health,
//! breakers, failovers) and a checkbox to the component selected on the
//! map; the cause chains still name whatever the filter leaves out.

use std::borrow::Cow;
use std::collections::HashMap;

use faultline_core::sim::EventKind;
use faultline_core::Event;
use leptos::prelude::*;

use super::driver::{drill_hidden, Live};
use crate::Selection;

/// Rows shown (the full log stays in memory).
const SHOWN: usize = 150;

/// Longest cause chain written out.
pub const CHAIN: usize = 4;

/// How many of the newest events are searched for repeats of a row: enough
/// for an hour of a fleet of breakers probing every 5 s, small enough to
/// redo every frame.
const LOOK_BACK: usize = 5_000;

/// One row of the log: `count` events with the same kind, component and
/// message among the newest ones, the latest at index `latest` and the
/// earliest at `first`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogRow {
    /// Index of the newest of the repeats (the one shown).
    pub latest: usize,
    /// Index of the oldest repeat within the look-back.
    pub first: usize,
    /// How many times it happened within the look-back.
    pub count: usize,
}

/// A message with its figures blanked ("degraded: 66.1% errors, 18 ms" and
/// "degraded: 50.0% errors, 2.4 s" are the same news with other numbers). A
/// figure's magnitude suffix (`3.11M`, `850k`) and its time unit (`ms` or
/// `s`) are part of the figure: the core writes each figure in the unit
/// that reads best, so the unit changes with the number.
fn message_shape(message: &str) -> Cow<'_, str> {
    if !message.bytes().any(|b| b.is_ascii_digit()) {
        return Cow::Borrowed(message);
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(ch) = rest.chars().next() {
        if !ch.is_ascii_digit() {
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
            continue;
        }
        // Digits, with a decimal point only when a digit follows it (a
        // full stop after a number is not part of it).
        let bytes = rest.as_bytes();
        let mut end = 0;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit()
                || (bytes[end] == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
        {
            end += 1;
        }
        rest = &rest[end..];
        let word_ends = |s: &str| !s.chars().next().is_some_and(char::is_alphanumeric);
        for suffix in ["k", "M", "B"] {
            if let Some(after) = rest.strip_prefix(suffix) {
                if word_ends(after) {
                    rest = after;
                    break;
                }
            }
        }
        out.push('#');
        for unit in [" ms", " s"] {
            if let Some(after) = rest.strip_prefix(unit) {
                if word_ends(after) {
                    rest = after;
                    out.push_str(" t");
                    break;
                }
            }
        }
    }
    Cow::Owned(out)
}

/// The log's rows, newest first: at most `shown` distinct events (same
/// kind, component and message, figures aside, fold into one row) among
/// the last `look_back` events, leaving out the `hidden` ones; a row shows
/// its latest event's figures.
pub fn fold_repeats(
    events: &[Event],
    shown: usize,
    look_back: usize,
    hidden: impl Fn(&Event) -> bool,
) -> Vec<LogRow> {
    let n = events.len();
    let mut rows: Vec<LogRow> = Vec::with_capacity(shown.min(n));
    let mut seen: HashMap<(&str, Option<&str>, Cow<str>), usize> = HashMap::new();
    for i in (n.saturating_sub(look_back)..n).rev() {
        let e = &events[i];
        if hidden(e) {
            continue;
        }
        let key = (
            kind_word(e.kind),
            e.component.as_deref(),
            message_shape(&e.message),
        );
        if let Some(&r) = seen.get(&key) {
            rows[r].first = i;
            rows[r].count += 1;
        } else if rows.len() < shown {
            seen.insert(key, rows.len());
            rows.push(LogRow {
                latest: i,
                first: i,
                count: 1,
            });
        }
    }
    rows
}

/// The causes of event `i` the log writes out, oldest first: at most
/// [`CHAIN`], leaving out the `hidden` ones (see
/// [`faultline_core::sim::event::cause_chain`]).
pub fn cause_chain(events: &[Event], i: usize, hidden: impl Fn(&Event) -> bool) -> Vec<usize> {
    faultline_core::sim::event::cause_chain(events, i, CHAIN, hidden)
}

/// Whether monitoring, down since `blind_since`, holds event `e` back:
/// what happened to the platform after it went down (health, breakers,
/// failovers, crashes...) is not seen until it returns; actions, switches,
/// triggers and the control plane's own news still are.
pub fn held_back(e: &Event, blind_since: Option<u64>) -> bool {
    blind_since.is_some_and(|t| {
        e.t_ms > t
            && !matches!(
                e.kind,
                EventKind::Action | EventKind::KillSwitch | EventKind::Trigger | EventKind::Control
            )
    })
}

/// Which kinds of event the log shows: everything, or one group. Every
/// kind belongs to exactly one group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFilter {
    /// Every event.
    All,
    /// Operators' and the scenario's actions, kill switches, automatic
    /// triggers and the autoscaler: what someone or something did.
    Actions,
    /// Health changes, crashes, restarts, caches, users and the control
    /// plane: what happened to the platform.
    Health,
    /// Circuit breakers opening, probing and closing.
    Breakers,
    /// Failovers beginning, progressing and ending.
    Failovers,
}

impl LogFilter {
    /// Every choice, as the menu lists them.
    pub const ALL: [LogFilter; 5] = [
        LogFilter::All,
        LogFilter::Actions,
        LogFilter::Health,
        LogFilter::Breakers,
        LogFilter::Failovers,
    ];

    /// The menu's value.
    pub fn key(self) -> &'static str {
        match self {
            LogFilter::All => "all",
            LogFilter::Actions => "actions",
            LogFilter::Health => "health",
            LogFilter::Breakers => "breakers",
            LogFilter::Failovers => "failovers",
        }
    }

    /// The menu's label.
    pub fn label(self) -> &'static str {
        match self {
            LogFilter::All => "everything",
            LogFilter::Actions => "actions, switches, triggers, scaling, deploys",
            LogFilter::Health => "health, users, retries, crashes, restarts",
            LogFilter::Breakers => "breakers",
            LogFilter::Failovers => "failovers",
        }
    }

    /// From a menu value.
    pub fn from_key(key: &str) -> Option<LogFilter> {
        LogFilter::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Whether an event of kind `k` is shown.
    pub fn keeps(self, k: EventKind) -> bool {
        use EventKind as K;
        match self {
            LogFilter::All => true,
            LogFilter::Actions => {
                matches!(
                    k,
                    K::Action | K::KillSwitch | K::Trigger | K::Autoscale | K::Deploy
                )
            }
            LogFilter::Health => matches!(
                k,
                K::Health | K::Crash | K::Restart | K::Cache | K::Users | K::Retries | K::Control
            ),
            LogFilter::Breakers => k == K::Breaker,
            LogFilter::Failovers => k == K::Failover,
        }
    }
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
        EventKind::Retries => "retries",
        EventKind::Autoscale => "autoscale",
        EventKind::Control => "control",
        EventKind::Cache => "cache",
        EventKind::Deploy => "deploy",
    }
}

/// The event log panel.
#[component]
pub fn EventLog() -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let selection = use_context::<Selection>();
    let filter = RwSignal::new(LogFilter::All);
    let only_selected = RwSignal::new(false);
    // The selected component's id, while "only the selected component" is on.
    let one = Memo::new(move |_| {
        if !only_selected.get() {
            return None;
        }
        let i = selection.and_then(|s| s.0.get())?;
        live.scenario
            .with(|s| s.topology.components.get(i).map(|c| c.id.clone()))
    });
    // Rows as (fold, event, cause messages); keyed so only new rows render.
    let rows = move || {
        // A drill keeps the scenario's scripted actions (the cause to find)
        // out of the log and out of the cause chains; blind monitoring
        // holds back what happened to the platform since it went down.
        let drilled = drill_hidden(live.drill.get());
        let since = live.blind_since.get();
        let hidden = move |e: &Event| drilled(e) || held_back(e, since);
        let (filter, one) = (filter.get(), one.get());
        let narrowed = filter != LogFilter::All || one.is_some();
        // Rows the filter leaves out; their events still explain others.
        let left_out = |e: &Event| {
            hidden(e)
                || !filter.keeps(e.kind)
                || one
                    .as_deref()
                    .is_some_and(|id| e.component.as_deref() != Some(id))
        };
        // A narrowed log looks through the whole run, so a rare kind (a
        // failover at the start of a long incident) is still found.
        let look_back = if narrowed { usize::MAX } else { LOOK_BACK };
        live.events.with(|events| {
            fold_repeats(events, SHOWN, look_back, left_out)
                .into_iter()
                .map(|row| {
                    let chain = cause_chain(events, row.latest, hidden)
                        .into_iter()
                        .map(|c| events[c].message.clone())
                        .collect::<Vec<_>>();
                    let since = (row.count > 1).then(|| events[row.first].t_ms);
                    (row, events[row.latest].clone(), chain, since)
                })
                .collect::<Vec<_>>()
        })
    };
    let row = move |(fold, e, chain, since): (LogRow, Event, Vec<String>, Option<u64>)| {
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
        let repeats = since.map(|t| {
            let first = faultline_core::scenario::time::format_clock(start, t);
            let title = format!(
                "{} times since {first}; the time shown is the latest",
                fold.count
            );
            view! {
                <span class="repeats" data-repeats=fold.count title=title>
                    {format!("×{} since {first}", fold.count)}
                </span>
            }
        });
        // The time goes back to the moment (see `timeline`): the map, the
        // charts and this log as they were then. A drill only runs forward.
        let t_ms = e.t_ms;
        let go_title = format!("Go back to {clock}: the run as it was at this moment");
        view! {
            <li class=format!("ev ev-{}", kind_word(e.kind)) data-event-component=target.unwrap_or_default()>
                <button
                    class="ev-go"
                    data-action="go-to"
                    data-t=t_ms
                    title=go_title
                    disabled=move || live.drill.get()
                    on:click=move |_| {
                        let _ = live.seek(t_ms);
                    }
                >
                    <time>{clock}</time>
                </button>
                <button class="ev-row" on:click=select disabled=index.is_none()>
                    <span class="kind">{kind_word(e.kind)}</span>
                    <span class="msg">{because}<span class="what">{e.message.clone()}</span>{repeats}</span>
                </button>
            </li>
        }
    };
    view! {
        <section class="live-panel live-events" aria-label="Event log">
            <div class="live-events-head">
                <h2>
                    "Event log "
                    <span class="count">{move || format!("({})", live.events.with(|e| e.len()))}</span>
                </h2>
                <label>
                    "Show "
                    <select
                        data-control="log_filter"
                        aria-label="Which events the log shows"
                        on:change=move |e| {
                            if let Some(f) = LogFilter::from_key(&event_target_value(&e)) {
                                filter.set(f);
                            }
                        }
                    >
                        {LogFilter::ALL
                            .into_iter()
                            .map(|f| view! { <option value=f.key() prop:selected=move || filter.get() == f>{f.label()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label title="Only the events of the component selected on the map">
                    <input
                        type="checkbox"
                        data-control="log_selected"
                        prop:checked=move || only_selected.get()
                        on:change=move |e| only_selected.set(event_target_checked(&e))
                    />
                    " only the selected component"
                </label>
            </div>
            {move || {
                live.blind_since.get().map(|t| {
                    let held = live.events.with(|events| {
                        events.iter().filter(|e| held_back(e, Some(t))).count()
                    });
                    view! {
                        <p class="live-blind" data-held-back=held>
                            {format!(
                                "Monitoring is down: {held} event{} since {} held back until it returns.",
                                if held == 1 { "" } else { "s" },
                                live.clock_at(t)
                            )}
                        </p>
                    }
                })
            }}
            <ol class="events">
                <For each=rows key=|(fold, _, _, _)| (fold.latest, fold.first, fold.count) children=row />
            </ol>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t_ms: u64, kind: EventKind, component: &str, message: &str) -> Event {
        Event {
            t_ms,
            kind,
            component: Some(component.to_string()),
            message: message.to_string(),
            cause: None,
        }
    }

    #[test]
    fn every_kind_of_event_is_in_exactly_one_group() {
        let kinds = EventKind::ALL;
        for k in kinds {
            assert!(LogFilter::All.keeps(k));
            let groups: Vec<_> = LogFilter::ALL[1..].iter().filter(|f| f.keeps(k)).collect();
            assert_eq!(groups.len(), 1, "{k:?} is in {groups:?}");
        }
        for f in LogFilter::ALL {
            assert_eq!(LogFilter::from_key(f.key()), Some(f));
        }
        assert_eq!(LogFilter::from_key("nonsense"), None);
    }

    #[test]
    fn repeats_fold_into_their_latest_row_and_count() {
        let probe = "breaker A → B half-open: probing";
        let reopen = "breaker A → B reopened: a probe failed";
        let events = vec![
            ev(0, EventKind::Action, "B", "operator: kill B"),
            ev(5_000, EventKind::Breaker, "A", probe),
            ev(5_000, EventKind::Breaker, "A", reopen),
            ev(10_000, EventKind::Breaker, "A", probe),
            ev(10_000, EventKind::Breaker, "A", reopen),
            ev(12_000, EventKind::Health, "B", "B down"),
            ev(15_000, EventKind::Breaker, "A", probe),
            ev(15_000, EventKind::Breaker, "A", reopen),
        ];
        let rows = fold_repeats(&events, 150, 5_000, |_| false);
        assert_eq!(
            rows,
            vec![
                LogRow {
                    latest: 7,
                    first: 2,
                    count: 3
                },
                LogRow {
                    latest: 6,
                    first: 1,
                    count: 3
                },
                LogRow {
                    latest: 5,
                    first: 5,
                    count: 1
                },
                LogRow {
                    latest: 0,
                    first: 0,
                    count: 1
                },
            ]
        );
        // Figures aside, the same news folds; other news does not.
        let health = vec![
            ev(
                0,
                EventKind::Health,
                "B",
                "B degraded: 66.1% errors, 18 ms (was healthy)",
            ),
            ev(
                1_000,
                EventKind::Health,
                "B",
                "B degraded: 50.0% errors, 2.4 s (was healthy)",
            ),
            ev(
                2_000,
                EventKind::Health,
                "B",
                "B overloaded: 12 req/s arriving (was degraded)",
            ),
        ];
        let rows = fold_repeats(&health, 150, 5_000, |_| false);
        assert_eq!(
            rows,
            vec![
                LogRow {
                    latest: 2,
                    first: 2,
                    count: 1
                },
                LogRow {
                    latest: 1,
                    first: 0,
                    count: 2
                },
            ]
        );
        assert_eq!(message_shape("x 1.5 ms, 3. y"), "x # t, #. y");
        assert_eq!(
            message_shape("A overloaded: 3.11M req/s arriving for 850k req/s, 17 s"),
            message_shape("A overloaded: 2.05k req/s arriving for 950 req/s, 45 ms")
        );
        // A word that merely starts like a suffix or a unit stays.
        assert_eq!(message_shape("2 Mbps in 3 sets"), "# Mbps in # sets");
        // The same message from another component is another row.
        let mut more = events.clone();
        more.push(ev(16_000, EventKind::Breaker, "C", probe));
        assert_eq!(fold_repeats(&more, 150, 5_000, |_| false).len(), 5);
    }

    #[test]
    fn rows_are_capped_and_the_look_back_bounds_the_count() {
        let events: Vec<Event> = (0..10)
            .map(|i| {
                ev(
                    i * 1000,
                    EventKind::Health,
                    "X",
                    ["ma", "mb", "mc", "md"][i as usize % 4],
                )
            })
            .collect();
        let rows = fold_repeats(&events, 2, 5_000, |_| false);
        assert_eq!(rows.len(), 2, "at most `shown` rows");
        assert_eq!(
            rows[0],
            LogRow {
                latest: 9,
                first: 1,
                count: 3
            }
        );
        assert_eq!(
            rows[1],
            LogRow {
                latest: 8,
                first: 0,
                count: 3
            }
        );
        // Only the last 5 events are searched: mb at 9 and 5, ma at 8.
        let rows = fold_repeats(&events, 150, 5, |_| false);
        assert_eq!(
            rows[0],
            LogRow {
                latest: 9,
                first: 5,
                count: 2
            }
        );
        assert_eq!(rows.iter().map(|r| r.count).sum::<usize>(), 5);
        assert!(fold_repeats(&[], 150, 5_000, |_| false).is_empty());
    }

    #[test]
    fn hidden_events_leave_the_rows_and_the_cause_chains() {
        let mut events = vec![
            ev(0, EventKind::Action, "R", "scenario: kill R"),
            ev(1_000, EventKind::Health, "R", "R down"),
            ev(2_000, EventKind::Breaker, "A", "breaker A → R opened"),
            ev(3_000, EventKind::Action, "R", "operator: revive R"),
        ];
        events[1].cause = Some(0);
        events[2].cause = Some(1);
        let drill = Event::is_scripted;
        let rows = fold_repeats(&events, 150, 5_000, drill);
        let shown: Vec<usize> = rows.iter().map(|r| r.latest).collect();
        assert_eq!(shown, [3, 2, 1], "the scripted kill is not listed");
        assert_eq!(cause_chain(&events, 2, drill), [1]);
        assert_eq!(cause_chain(&events, 2, |_| false), [0, 1]);
        assert_eq!(fold_repeats(&events, 150, 5_000, |_| false).len(), 4);
    }
}
