//! How the trouble spread: for the debrief, each component's first trouble
//! of the run in the order it came, with what the log blames it on.
//!
//! Every component starts healthy, so its first health or crash event is
//! its first trouble. In that order the list reads as the cascade's path
//! across the map ("16:47:12 API Gateway overloaded, because traffic × 10;
//! 16:47:40 Voice Service US overloaded ..."), which is what a post-mortem
//! timeline starts from.

use std::collections::HashSet;

use faultline_core::scenario::time::format_clock;
use faultline_core::sim::EventKind;
use faultline_core::Event;

use super::event_log::cause_chain;

/// Components listed at most; the rest are counted.
pub const SPREAD_SHOWN: usize = 15;

/// One component's first trouble.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpreadLine {
    /// The incident's clock at the event.
    pub clock: String,
    /// What happened (the event's message, which names the component).
    pub message: String,
    /// The nearest cause the log gives that is not `hidden`, if any.
    pub because: Option<String>,
}

/// The first troubles of at most `shown` components, oldest first, and how
/// many components were in trouble in all. `hidden` events (a drill's
/// scripted causes) are never named as a cause; the nearest visible one
/// further back is.
pub fn spread(
    events: &[Event],
    start_clock_ms: u64,
    shown: usize,
    hidden: impl Fn(&Event) -> bool + Copy,
) -> (Vec<SpreadLine>, usize) {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut lines = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if !matches!(e.kind, EventKind::Health | EventKind::Crash) {
            continue;
        }
        let Some(id) = e.component.as_deref() else {
            continue;
        };
        if !seen.insert(id) || lines.len() >= shown {
            continue;
        }
        let because = cause_chain(events, i, hidden)
            .last()
            .map(|&c| events[c].message.clone());
        lines.push(SpreadLine {
            clock: format_clock(start_clock_ms, e.t_ms),
            message: e.message.clone(),
            because,
        });
    }
    (lines, seen.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::driver::is_scripted;

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
        let (drill, _) = spread(&events, 0, 15, is_scripted);
        assert_eq!(drill[0].because, None);
        assert_eq!(drill[1].because.as_deref(), Some("Redis down"));
        // Past the cap the components are counted, not listed.
        let (two, total) = spread(&events, 0, 2, |_| false);
        assert_eq!((two.len(), total), (2, 3));
    }
}
