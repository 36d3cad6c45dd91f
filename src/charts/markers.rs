//! Markers: moments (simulation events and user actions) drawn on every
//! chart as thin vertical lines. A burst (markers closer together than a few
//! pixels) is drawn as one line where it starts and a bar along the top for
//! as long as it lasts, so a flood of events cannot paint over the data.

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

/// Markers of one kind that lie close together on a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarkerGroup {
    /// Whether these are the user's actions or the simulation's events.
    pub kind: MarkerKind,
    /// The first marker's time.
    pub first_ms: u64,
    /// The last marker's time.
    pub last_ms: u64,
    /// How many markers the group holds.
    pub count: usize,
}

/// The markers of `kind` inside `range`, in time order, chained into groups:
/// a marker within `gap_ms` of the previous one joins its group.
pub fn group_markers(
    markers: &[Marker],
    kind: MarkerKind,
    range: (u64, u64),
    gap_ms: u64,
) -> Vec<MarkerGroup> {
    let mut times: Vec<u64> = markers_in(markers, range)
        .filter(|m| m.kind == kind)
        .map(|m| m.t_ms)
        .collect();
    times.sort_unstable();
    let mut groups: Vec<MarkerGroup> = Vec::new();
    for t in times {
        match groups.last_mut() {
            Some(g) if t - g.last_ms <= gap_ms => {
                g.last_ms = t;
                g.count += 1;
            }
            _ => groups.push(MarkerGroup {
                kind,
                first_ms: t,
                last_ms: t,
                count: 1,
            }),
        }
    }
    groups
}

/// How many markers lie within `tolerance_ms` of `t_ms`.
pub fn count_near(markers: &[Marker], t_ms: u64, tolerance_ms: u64) -> usize {
    markers
        .iter()
        .filter(|m| m.t_ms.abs_diff(t_ms) <= tolerance_ms)
        .count()
}
