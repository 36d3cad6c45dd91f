//! The event log: what happened, in plain words, and what caused it.
//!
//! Every event may point at its cause: an earlier event's index in the log
//! (a breaker opened because the database's error rate rose, which began
//! when an operator killed a node). The chain answers "why is this red".

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
    /// The autoscaler added or removed capacity.
    Autoscale,
    /// Monitoring, configuration or orchestration capability changed.
    Control,
    /// A cache went cold or warmed back up.
    Cache,
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
