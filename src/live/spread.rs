//! How the trouble spread: for the debrief, each component's first trouble
//! of the run in the order it came, with what the log blames it on.
//!
//! Every component starts healthy, so its first health or crash event is
//! its first trouble. In that order the list reads as the cascade's path
//! across the map ("16:47:12 API Gateway overloaded, because traffic × 10;
//! 16:47:40 Voice Service US overloaded ..."), which is what a post-mortem
//! timeline starts from.

use faultline_core::scenario::time::format_clock;
use faultline_core::sim::event::{first_troubles, trouble_roots};
use faultline_core::Event;

/// Components listed at most; the rest are counted.
pub const SPREAD_SHOWN: usize = 15;

/// One component's first trouble.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpreadLine {
    /// When, simulated ms (what the debrief goes back to).
    pub t_ms: u64,
    /// The incident's clock at the event.
    pub clock: String,
    /// What happened (the event's message, which names the component).
    pub message: String,
    /// The nearest cause the log gives that is not `hidden`, if any.
    pub because: Option<String>,
}

/// The first troubles of at most `shown` components, oldest first, and how
/// many components were in trouble in all (see
/// [`faultline_core::sim::event::first_troubles`]), with the incident's
/// clock and the messages.
pub fn spread(
    events: &[Event],
    start_clock_ms: u64,
    shown: usize,
    hidden: impl Fn(&Event) -> bool + Copy,
) -> (Vec<SpreadLine>, usize) {
    let (firsts, total) = first_troubles(events, shown, hidden);
    let lines = firsts
        .into_iter()
        .map(|f| SpreadLine {
            t_ms: events[f.event].t_ms,
            clock: format_clock(start_clock_ms, events[f.event].t_ms),
            message: events[f.event].message.clone(),
            because: f.because.map(|c| events[c].message.clone()),
        })
        .collect();
    (lines, total)
}

/// Where the trouble began: one thing done (or, in a drill, the first
/// trouble shown of what the scenario did), with how many components'
/// first troubles trace back to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpreadRoot {
    /// The incident's clock at the event.
    pub clock: String,
    /// What it was and how many it led to
    /// ([`faultline_core::sim::event::TroubleRoot::words`]).
    pub words: String,
}

impl SpreadRoot {
    /// "19:55:00 scenario: kill ScyllaDB Primary: 13 components".
    pub fn line(&self) -> String {
        format!("{} {}", self.clock, self.words)
    }
}

/// The beginnings of the trouble, oldest first (see
/// [`faultline_core::sim::event::trouble_roots`]), with the incident's
/// clock.
pub fn roots(
    events: &[Event],
    start_clock_ms: u64,
    hidden: impl Fn(&Event) -> bool + Copy,
) -> Vec<SpreadRoot> {
    trouble_roots(events, hidden)
        .into_iter()
        .map(|r| SpreadRoot {
            clock: format_clock(start_clock_ms, events[r.event].t_ms),
            words: r.words(events),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_core::sim::EventKind;

    fn ev(
        t_ms: u64,
        kind: EventKind,
        comp: Option<&str>,
        message: &str,
        cause: Option<usize>,
    ) -> Event {
        Event {
            t_ms,
            kind,
            component: comp.map(str::to_string),
            message: message.into(),
            cause,
        }
    }

    #[test]
    fn each_component_once_in_the_order_its_trouble_began() {
        let events = vec![
            ev(
                0,
                EventKind::Action,
                Some("Redis"),
                "scenario: kill Redis",
                None,
            ),
            ev(
                1_000,
                EventKind::Health,
                Some("Redis"),
                "Redis down",
                Some(0),
            ),
            ev(
                2_000,
                EventKind::Health,
                Some("Api"),
                "Api degraded",
                Some(1),
            ),
            ev(
                3_000,
                EventKind::Breaker,
                Some("Api"),
                "breaker Api → Redis opened",
                Some(2),
            ),
            ev(
                4_000,
                EventKind::Health,
                Some("Api"),
                "Api healthy again",
                Some(2),
            ),
            ev(
                5_000,
                EventKind::Crash,
                Some("Sessions"),
                "Sessions: 3 servers ran out of memory",
                None,
            ),
            ev(
                6_000,
                EventKind::Health,
                Some("Api"),
                "Api overloaded",
                None,
            ),
        ];
        let (lines, total) = spread(&events, 0, 15, |_| false);
        assert_eq!(total, 3);
        let said: Vec<_> = lines
            .iter()
            .map(|l| (l.clock.as_str(), l.message.as_str(), l.because.as_deref()))
            .collect();
        assert_eq!(
            said,
            [
                ("00:00:01", "Redis down", Some("scenario: kill Redis")),
                ("00:00:02", "Api degraded", Some("Redis down")),
                ("00:00:05", "Sessions: 3 servers ran out of memory", None),
            ]
        );
        // A drill never names the scripted cause.
        let (drill, _) = spread(&events, 0, 15, Event::is_scripted);
        assert_eq!(drill[0].because, None);
        assert_eq!(drill[1].because.as_deref(), Some("Redis down"));
        // Past the cap the components are counted, not listed.
        let (two, total) = spread(&events, 0, 2, |_| false);
        assert_eq!((two.len(), total), (2, 3));
        // Where it began: the kill led to two components' troubles; the
        // crash, with no cause, is its own beginning.
        let lines: Vec<String> = roots(&events, 0, |_| false)
            .iter()
            .map(SpreadRoot::line)
            .collect();
        assert_eq!(
            lines,
            [
                "00:00:00 scenario: kill Redis: 2 components",
                "00:00:05 Sessions: 3 servers ran out of memory: 1 component"
            ]
        );
    }
}
