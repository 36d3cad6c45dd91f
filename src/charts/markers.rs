//! Markers: moments (simulation events and user actions) drawn on every
//! chart as thin vertical lines.

/// What a marker records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// Something the simulation did (a failure, a breaker trip, a failover).
    Event,
    /// Something the user did (a kill, a kill switch, a traffic spike).
    UserAction,
}

/// A moment worth pointing at on every chart, drawn as a thin vertical line.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// Simulated time since the start of the run, in milliseconds.
    pub t_ms: u64,
    /// What happened, in plain words.
    pub label: String,
    /// Whether the simulation or the user did it.
    pub kind: MarkerKind,
}

/// The markers inside `range`, in their given order.
pub fn markers_in(markers: &[Marker], range: (u64, u64)) -> impl Iterator<Item = &Marker> {
    markers
        .iter()
        .filter(move |m| m.t_ms >= range.0 && m.t_ms <= range.1)
}

/// The marker closest to `t_ms` within `tolerance_ms`, if any.
pub fn nearest_marker(markers: &[Marker], t_ms: u64, tolerance_ms: u64) -> Option<&Marker> {
    markers
        .iter()
        .filter(|m| m.t_ms.abs_diff(t_ms) <= tolerance_ms)
        .min_by_key(|m| m.t_ms.abs_diff(t_ms))
}
