//! The event log: what happened, in plain words, and what caused it.
//!
//! Every event may point at its cause: an earlier event's index in the log
//! (a breaker opened because the database's error rate rose, which began
//! when an operator killed a node). The chain answers "why is this red".
//!
//! Two readings of a log live here, for the page and the CLI alike:
//! [`cause_chain`] (what led to one event) and [`first_troubles`] (each
//! component's first trouble in order: how the trouble spread).

use serde::{Deserialize, Serialize};

/// What kind of thing happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// An operator's or the scenario's action was applied.
    Action,
    /// A component changed health (healthy, degraded, overloaded, down...).
    Health,
    /// Servers crashed (overload, memory).
    Crash,
    /// Servers came back.
    Restart,
    /// A circuit breaker changed state.
    Breaker,
    /// A failover began, progressed or ended.
    Failover,
    /// A kill switch flipped (by hand or trigger).
    KillSwitch,
    /// An automatic trigger fired.
    Trigger,
    /// Users lost or regained connections in numbers.
    Users,
    /// The clients' retries became a storm, or calmed down.
    Retries,
    /// The autoscaler added or removed capacity.
    Autoscale,
    /// Monitoring, configuration or orchestration capability changed.
    Control,
    /// A cache went cold or warmed back up.
    Cache,
    /// A deploy moved on: canary promoted or held, complete, rolled back.
    Deploy,
}

impl EventKind {
    /// Every kind, in declaration order: for views that group or count
    /// them (`every_kind_is_listed` keeps it whole).
    pub const ALL: [EventKind; 14] = [
        EventKind::Action,
        EventKind::Health,
        EventKind::Crash,
        EventKind::Restart,
        EventKind::Breaker,
        EventKind::Failover,
        EventKind::KillSwitch,
        EventKind::Trigger,
        EventKind::Users,
        EventKind::Retries,
        EventKind::Autoscale,
        EventKind::Control,
        EventKind::Cache,
        EventKind::Deploy,
    ];
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Simulated time, ms since the start.
    pub t_ms: u64,
    /// What kind of event.
    pub kind: EventKind,
    /// The component concerned, by id, if any.
    pub component: Option<String>,
    /// What happened, in plain words.
    pub message: String,
    /// Index in the event log of the event (often an action) that led to this one.
    pub cause: Option<usize>,
}

impl Event {
    /// True for the scenario's own timeline actions, which the simulation
    /// logs as "scenario: ..." (an operator's read "operator: ...").
    pub fn is_scripted(&self) -> bool {
        self.kind == EventKind::Action && self.message.starts_with(SCRIPTED_PREFIX)
    }

    /// True for the line that says users started dropping in numbers (a
    /// reconnect herd begins), not the one that says the herd is over.
    pub fn begins_herd(&self) -> bool {
        self.kind == EventKind::Users && self.message.starts_with(HERD_BEGINS_PREFIX)
    }

    /// True for the line that says a retry storm began, not the one that
    /// says it is over.
    pub fn begins_storm(&self) -> bool {
        self.kind == EventKind::Retries && self.message.starts_with(STORM_BEGINS_PREFIX)
    }
}

/// How the simulation begins the log line of a scenario's own action.
const SCRIPTED_PREFIX: &str = "scenario:";

/// The causes of event `i`, oldest first, at most `max` of them, not
/// including `i` itself nor the `hidden` ones (the chain goes on through
/// them to their causes). A cause must come before what it causes, so a
/// malformed log cannot loop.
pub fn cause_chain(
    events: &[Event],
    i: usize,
    max: usize,
    hidden: impl Fn(&Event) -> bool,
) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut walked = Vec::new();
    let mut cur = events.get(i).and_then(|e| e.cause);
    while let Some(c) = cur {
        if c >= i || walked.contains(&c) || chain.len() >= max {
            break;
        }
        walked.push(c);
        if !events.get(c).is_some_and(&hidden) {
            chain.push(c);
        }
        cur = events.get(c).and_then(|e| e.cause);
    }
    chain.reverse();
    chain
}

/// One component's first trouble: its event, and the nearest cause the
/// log gives for it that is not hidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FirstTrouble {
    /// Index of the component's first health or crash event.
    pub event: usize,
    /// Index of the nearest visible cause, if any.
    pub because: Option<usize>,
}

/// How the simulation begins the log line of users starting to drop in
/// numbers (a reconnect herd begins; [`Event::begins_herd`]).
pub(crate) const HERD_BEGINS_PREFIX: &str = "Users losing their connections";

/// How the simulation begins the log line of a retry storm
/// ([`Event::begins_storm`]).
pub(crate) const STORM_BEGINS_PREFIX: &str = "Retry storm:";

/// Each component's first trouble in the order it came, at most `shown`
/// of them, and how many components were in trouble in all. Every
/// component starts healthy, so its first health or crash event is its
/// first trouble. The users' first reconnect herd is told in its place too
/// (every region that begins dropping before any herd is over), and so is
/// the first retry storm: they are how trouble spreads through the clients,
/// though they are no component. `hidden` events (a drill's scripted
/// causes) are never named as a cause; the nearest visible one further
/// back is.
pub fn first_troubles(
    events: &[Event],
    shown: usize,
    hidden: impl Fn(&Event) -> bool + Copy,
) -> (Vec<FirstTrouble>, usize) {
    let mut seen: Vec<&str> = Vec::new();
    let mut firsts = Vec::new();
    let mut tell = |i: usize| {
        if firsts.len() < shown {
            firsts.push(FirstTrouble {
                event: i,
                because: cause_chain(events, i, usize::MAX, hidden).last().copied(),
            });
        }
    };
    let (mut a_herd_ended, mut storm_told) = (false, false);
    for (i, e) in events.iter().enumerate() {
        match e.kind {
            EventKind::Users if !a_herd_ended => {
                if e.begins_herd() {
                    tell(i);
                } else {
                    a_herd_ended = true;
                }
            }
            EventKind::Retries if !storm_told && e.begins_storm() => {
                storm_told = true;
                tell(i);
            }
            EventKind::Health | EventKind::Crash => {
                let Some(id) = e.component.as_deref() else {
                    continue;
                };
                if !seen.contains(&id) {
                    seen.push(id);
                    tell(i);
                }
            }
            _ => {}
        }
    }
    (firsts, seen.len())
}

/// Where the trouble began: an event the components' first troubles trace
/// back to, and how many of them do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TroubleRoot {
    /// Index of the event: an action, or in a drill the earliest cause in
    /// the chain that is not hidden (a component's trouble with no cause
    /// at all is its own beginning).
    pub event: usize,
    /// How many components' first troubles lead back to it.
    pub components: usize,
}

impl TroubleRoot {
    /// The beginning in words, for the debrief and the CLI: "scenario:
    /// kill ScyllaDB Primary: 13 components".
    pub fn words(&self, events: &[Event]) -> String {
        let n = self.components;
        let s = if n == 1 { "" } else { "s" };
        format!("{}: {n} component{s}", events[self.event].message)
    }
}

/// The beginnings of the components' first troubles (see
/// [`first_troubles`]), each with how many lead back to it, oldest first:
/// the blast radius of each thing that was done ("kill ScyllaDB Primary:
/// 13 components"). Herds and storms are how trouble travels, not a
/// component, and are not counted.
pub fn trouble_roots(events: &[Event], hidden: impl Fn(&Event) -> bool + Copy) -> Vec<TroubleRoot> {
    let (firsts, _) = first_troubles(events, usize::MAX, hidden);
    let mut roots: Vec<TroubleRoot> = Vec::new();
    for f in firsts {
        if !matches!(events[f.event].kind, EventKind::Health | EventKind::Crash) {
            continue;
        }
        let event = cause_chain(events, f.event, usize::MAX, hidden)
            .first()
            .copied()
            .unwrap_or(f.event);
        match roots.iter_mut().find(|r| r.event == event) {
            Some(r) => r.components += 1,
            None => roots.push(TroubleRoot {
                event,
                components: 1,
            }),
        }
    }
    roots.sort_by_key(|r| r.event);
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: EventKind, comp: Option<&str>, message: &str, cause: Option<usize>) -> Event {
        Event {
            t_ms: 0,
            kind,
            component: comp.map(str::to_string),
            message: message.into(),
            cause,
        }
    }

    /// A scripted kill of Redis, Redis going down, and Api degraded by it.
    fn redis_killed() -> Vec<Event> {
        vec![
            ev(
                EventKind::Action,
                Some("Redis"),
                "scenario: kill Redis",
                None,
            ),
            ev(EventKind::Health, Some("Redis"), "Redis down", Some(0)),
            ev(EventKind::Health, Some("Api"), "Api degraded", Some(1)),
        ]
    }

    #[test]
    fn every_kind_is_listed() {
        // Adding a kind breaks this match until it has a place in ALL.
        let place = |k: EventKind| match k {
            EventKind::Action => 0,
            EventKind::Health => 1,
            EventKind::Crash => 2,
            EventKind::Restart => 3,
            EventKind::Breaker => 4,
            EventKind::Failover => 5,
            EventKind::KillSwitch => 6,
            EventKind::Trigger => 7,
            EventKind::Users => 8,
            EventKind::Retries => 9,
            EventKind::Autoscale => 10,
            EventKind::Control => 11,
            EventKind::Cache => 12,
            EventKind::Deploy => 13,
        };
        for (i, k) in EventKind::ALL.into_iter().enumerate() {
            assert_eq!(place(k), i, "{k:?}");
        }
    }

    #[test]
    fn chains_run_oldest_first_and_skip_what_is_hidden() {
        let mut events = redis_killed();
        // A cause pointing forward (a corrupt log) ends the walk.
        events.push(ev(EventKind::Health, Some("Web"), "Web degraded", Some(5)));
        assert_eq!(cause_chain(&events, 2, 4, |_| false), [0, 1]);
        assert_eq!(cause_chain(&events, 2, 1, |_| false), [1]);
        assert!(events[0].is_scripted() && !events[1].is_scripted());
        assert_eq!(cause_chain(&events, 2, 4, Event::is_scripted), [1]);
        assert!(cause_chain(&events, 3, 4, |_| false).is_empty());
        assert!(cause_chain(&events, 9, 4, |_| false).is_empty());
    }

    #[test]
    fn trouble_roots_count_the_components_each_beginning_led_to() {
        let mut log = redis_killed();
        log.push(ev(EventKind::Action, Some("Db"), "scenario: kill Db", None));
        log.push(ev(EventKind::Health, Some("Db"), "Db down", Some(3)));
        // A herd is no component; Api's second trouble is not its first.
        log.push(ev(
            EventKind::Users,
            None,
            &format!("{HERD_BEGINS_PREFIX} everywhere"),
            Some(2),
        ));
        log.push(ev(EventKind::Health, Some("Api"), "Api down", Some(4)));
        log.push(ev(EventKind::Crash, Some("Edge"), "Edge crashed", None));
        let roots = |hidden: fn(&Event) -> bool| -> Vec<(usize, usize)> {
            trouble_roots(&log, hidden)
                .iter()
                .map(|r| (r.event, r.components))
                .collect()
        };
        assert_eq!(roots(|_| false), [(0, 2), (3, 1), (7, 1)]);
        // A drill hides the scripted kills: the troubles begin where they
        // show.
        assert_eq!(roots(Event::is_scripted), [(1, 2), (4, 1), (7, 1)]);
        let words: Vec<String> = trouble_roots(&log, |_| false)
            .iter()
            .map(|r| r.words(&log))
            .collect();
        assert_eq!(
            words,
            [
                "scenario: kill Redis: 2 components",
                "scenario: kill Db: 1 component",
                "Edge crashed: 1 component"
            ]
        );
    }

    #[test]
    fn first_troubles_name_each_component_once_in_order() {
        let mut events = redis_killed();
        events.extend([
            ev(
                EventKind::Breaker,
                Some("Api"),
                "breaker Api → Redis opened",
                Some(2),
            ),
            ev(EventKind::Health, Some("Api"), "Api healthy again", Some(2)),
            ev(
                EventKind::Crash,
                Some("Sessions"),
                "Sessions: out of memory",
                None,
            ),
        ]);
        let (firsts, total) = first_troubles(&events, 10, |_| false);
        assert_eq!(total, 3);
        assert_eq!(
            firsts,
            [
                FirstTrouble {
                    event: 1,
                    because: Some(0)
                },
                FirstTrouble {
                    event: 2,
                    because: Some(1)
                },
                FirstTrouble {
                    event: 5,
                    because: None
                },
            ]
        );
        assert_eq!(
            first_troubles(&events, 10, Event::is_scripted).0[0].because,
            None
        );
        assert_eq!(first_troubles(&events, 2, |_| false).0.len(), 2);
    }

    #[test]
    fn first_troubles_tell_the_users_first_herd_but_count_only_components() {
        let herd = |m: &str, cause| ev(EventKind::Users, None, m, cause);
        let mut events = redis_killed();
        events.extend([
            herd(
                "Users losing their connections (x): Europe 1M reconnecting",
                Some(2),
            ),
            herd(
                "Users losing their connections (x): Asia 1M reconnecting",
                Some(2),
            ),
            ev(
                EventKind::Health,
                Some("Guilds"),
                "Guilds overloaded",
                Some(3),
            ),
            herd("Reconnect herd over (Europe, Asia)", Some(3)),
            herd(
                "Users losing their connections (x): Europe 2M reconnecting",
                Some(5),
            ),
        ]);
        let (firsts, total) = first_troubles(&events, 10, |_| false);
        assert_eq!(total, 3, "Redis, Api and Guilds");
        let told: Vec<usize> = firsts.iter().map(|f| f.event).collect();
        assert_eq!(
            told,
            [1, 2, 3, 4, 5],
            "the first herd's regions, not the later herd"
        );
        assert_eq!(firsts[2].because, Some(2));
        assert_eq!(firsts[4].because, Some(3), "Guilds blames the herd");
        // The first retry storm is told too, once.
        events.push(ev(EventKind::Retries, None, "Retry storm: x", Some(2)));
        events.push(ev(
            EventKind::Retries,
            None,
            "Retry storm over after 5 min",
            Some(8),
        ));
        events.push(ev(EventKind::Retries, None, "Retry storm: y", Some(2)));
        let (firsts, total) = first_troubles(&events, 10, |_| false);
        assert_eq!(total, 3);
        assert_eq!(firsts.last().map(|f| f.event), Some(8));
    }
}
