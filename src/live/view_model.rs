//! From a simulation [`Snapshot`] to what the diagram draws: one
//! [`NodeView`] per component, one [`EdgeView`] per dependency edge and one
//! [`FailoverView`] per failover edge. Pure data, no web types, so the
//! mapping is tested without a browser.
//!
//! Health is shown three ways at once, so nobody has to tell red from green:
//! the `data-health` word, a fill colour and a glyph badge with its own shape.

use faultline_core::scenario::OnFailure;
use faultline_core::sim::{BreakerMode, BreakerPreset, BreakerState, Health};
use faultline_core::{Action, Scenario, Snapshot, Topology};

/// A component's mean latency as shown: `—` while it is down (nothing
/// answers; the core's figure is 0 then, which would read as fast).
pub fn latency_text(c: &faultline_core::sim::ComponentState) -> String {
    if c.health == Health::Down {
        "—".to_string()
    } else {
        faultline_core::units::millis(c.latency_ms)
    }
}

/// A component's error rate as shown, naming the part that is a down
/// shard's "unavailable" (final answers: not retried, not counted by the
/// breakers), so a trainee sees why half the API failing trips nothing.
pub fn errors_text(error_rate: f64, unavailable: f64) -> String {
    let all = format!("{:.2}%", error_rate * 100.0);
    if unavailable >= 0.0005 {
        format!(
            "{all} ({:.1}% \u{201c}unavailable\u{201d}: a shard is down)",
            unavailable * 100.0
        )
    } else {
        all
    }
}

/// The word for a health state, as written into `data-health`.
pub fn health_word(h: Health) -> &'static str {
    match h {
        Health::Healthy => "healthy",
        Health::Degraded => "degraded",
        Health::Overloaded => "overloaded",
        Health::Down => "down",
        Health::FailingOver => "failing-over",
        Health::Recovering => "recovering",
    }
}

/// A glyph whose shape alone tells the health (for colour-blind readers).
pub fn health_glyph(h: Health) -> &'static str {
    match h {
        Health::Healthy => "✓",
        Health::Degraded => "!",
        Health::Overloaded => "▲",
        Health::Down => "✕",
        Health::FailingOver => "⇄",
        Health::Recovering => "↻",
    }
}

/// The colour of a health state (badge fill and node tint).
pub fn health_color(h: Health) -> &'static str {
    match h {
        Health::Healthy => "#15803d",
        Health::Degraded => "#b45309",
        Health::Overloaded => "#c2410c",
        Health::Down => "#b91c1c",
        Health::FailingOver => "#7c3aed",
        Health::Recovering => "#1d4ed8",
    }
}

/// A breaker state in words.
pub fn breaker_word(b: BreakerState) -> &'static str {
    match b {
        BreakerState::Closed => "closed",
        BreakerState::Open => "open",
        BreakerState::HalfOpen => "half-open",
    }
}

/// What one component node shows.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    /// Health state.
    pub health: Health,
    /// `data-health` word.
    pub word: &'static str,
    /// Shape badge.
    pub glyph: &'static str,
    /// Colour.
    pub color: &'static str,
    /// Utilisation bar, `0..=1`.
    pub load: f64,
    /// Queue bar: queue over its limit, `0..=1`.
    pub queue: f64,
    /// Memory bar, `0..=1`.
    pub memory: f64,
    /// Error share, `0..=1`.
    pub error_rate: f64,
    /// Outgoing dependency breakers not closed (open or half-open).
    pub breakers_tripped: usize,
    /// A one-line summary for tooltips and screen readers.
    pub summary: String,
    /// The tab a deploy on it shows ([`deploy_tag`]), and whether it is
    /// rolling back.
    pub deploy: Option<(String, bool)>,
}

/// How the page names a call edge in its attributes (`data-edge` on the
/// inspector's call rows, `data-key` on the map's hit paths), so that a
/// click on the map finds its row: `"<caller id>><callee id>"`.
pub fn edge_key(from_id: &str, to_id: &str) -> String {
    format!("{from_id}>{to_id}")
}

/// The share of failing calls above which an edge is drawn red.
pub const FAILING_EDGE_SHARE: f64 = 0.05;

/// What one dependency edge shows.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeView {
    /// Calls per second.
    pub traffic: f64,
    /// Stroke width in px, growing with the logarithm of traffic.
    pub width: f64,
    /// Flow level `0..=4`: 0 = no traffic (no animation), 4 = the busiest edges (fastest dash flow).
    pub flow: u8,
    /// Error share, `0..=1`.
    pub error_rate: f64,
    /// Errors above [`FAILING_EDGE_SHARE`]: drawn red.
    pub failing: bool,
    /// Breaker state.
    pub breaker: BreakerState,
    /// Partitioned.
    pub partitioned: bool,
    /// Calls held on the edge (by a partition, or in the caller's memory
    /// while the callee fails), to be delivered later.
    pub held: f64,
}

impl EdgeView {
    /// CSS classes for the edge path (`live-flow-N`, `live-failing`, `brk-open`, ...).
    pub fn classes(&self) -> String {
        let mut c = format!("live-flow-{}", self.flow);
        if self.failing {
            c.push_str(" live-failing");
        }
        match self.breaker {
            BreakerState::Closed => {}
            BreakerState::Open => c.push_str(" brk-open"),
            BreakerState::HalfOpen => c.push_str(" brk-half"),
        }
        if self.partitioned {
            c.push_str(" live-partitioned");
        }
        c
    }
}

/// What one failover edge shows.
#[derive(Clone, Debug, PartialEq)]
pub struct FailoverView {
    /// The failover has begun.
    pub active: bool,
    /// Share of load moved, `0..=1`.
    pub moved: f64,
    /// Phase in words.
    pub phase: &'static str,
}

impl FailoverView {
    /// Where the failover stands, in words for its label's tooltip:
    /// "moving the load to the backup: 40% of the load moved". `phase` is
    /// one of the core's `failover::Phase::name` words.
    pub fn words(&self) -> String {
        let moved = format!("{:.0}% of the load moved", self.moved * 100.0);
        match self.phase {
            "idle" => "not in use".to_string(),
            "detecting" => "the primary is failing its health checks".to_string(),
            "migrating" => format!("moving the load to the backup: {moved}"),
            "promoting" => format!("promoting the replica for writes: {moved}"),
            "active" => format!("in use: {moved}"),
            "restored" => format!("in use, the backup scaled to full strength: {moved}"),
            "failing back" => format!("the primary is healthy again, load moving back: {moved}"),
            other => format!("{other}: {moved}"),
        }
    }
}

/// The whole diagram's live state.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct DiagramView {
    /// Per component, topology order.
    pub nodes: Vec<NodeView>,
    /// Per dependency edge, topology order.
    pub edges: Vec<EdgeView>,
    /// Per failover edge, topology order.
    pub failovers: Vec<FailoverView>,
}

fn clamp01(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// A multiplier to two decimals at most: `5`, `2.3`, `1.47`.
pub fn multiplier(f: f64) -> String {
    let s = format!("{f:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A rate in short words: `850/s`, `12k/s`, `3.4M/s`.
pub fn rate(x: f64) -> String {
    let x = if x.is_finite() { x.max(0.0) } else { 0.0 };
    if x >= 1e6 {
        format!("{:.1}M/s", x / 1e6)
    } else if x >= 1e4 {
        format!("{:.0}k/s", x / 1e3)
    } else if x >= 1e3 {
        format!("{:.1}k/s", x / 1e3)
    } else {
        format!("{x:.0}/s")
    }
}

/// A component's load as shown: its busy share, and where more arrives
/// than it can serve, the demand against its capacity (`100% · demand
/// 208%`), which says how far over it is when the busy share cannot.
pub fn load_text(utilisation: f64, arrivals: f64, capacity: f64) -> String {
    let busy = format!("{:.0}%", clamp01(utilisation) * 100.0);
    let demand = arrivals / capacity;
    if capacity > 0.0 && demand.is_finite() && demand > 1.005 {
        format!("{busy} · demand {:.0}%", demand * 100.0)
    } else {
        busy
    }
}

/// The clients' retries among a component's arrivals as shown (`49.7% of
/// arrivals · 27k/s`), or nothing while they are under 1% (the row would
/// only be noise in a calm run) or under one a second (a share of next to
/// nothing: a component its callers' breakers keep calls from, where "75%
/// of arrivals · 0/s" would only puzzle).
pub fn retries_text(retry_share: f64, arrivals: f64) -> Option<String> {
    let share = if retry_share.is_finite() {
        clamp01(retry_share)
    } else {
        0.0
    };
    let per_second = if arrivals.is_finite() {
        share * arrivals
    } else {
        0.0
    };
    (share >= 0.01 && per_second >= 1.0).then(|| {
        format!(
            "{:.1}% of arrivals · {}",
            share * 100.0,
            rate(share * arrivals)
        )
    })
}

/// A component's servers as shown: live of configured, the share of
/// their capacity they keep when it is degraded (`500 of 500 · 67%
/// capacity`), which server counts alone do not show, and whether the
/// servers it is due wait for the orchestrator (a revive that brings
/// nothing back would otherwise look like a broken button).
pub fn servers_text(
    servers: f64,
    target: f64,
    capacity_fraction: f64,
    waits_for_orchestrator: bool,
) -> String {
    let mut text = format!(
        "{} of {}",
        grouped(servers.round()),
        grouped(target.round())
    );
    if capacity_fraction < 0.995 {
        text += &format!(" · {:.0}% capacity", clamp01(capacity_fraction) * 100.0);
    }
    if waits_for_orchestrator {
        text += " · waiting for the orchestrator";
    }
    text
}

/// `x` to one decimal without a trailing `.0`, thousands grouped:
/// `83.3`, `100`, `2,000,000`.
pub fn grouped(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "—".into()
        } else {
            "∞".into()
        };
    }
    let x = (x * 10.0).round() / 10.0;
    let whole = x.trunc().abs() as u64;
    let mut digits = whole.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    let frac = ((x.abs() - whole as f64) * 10.0).round() as u64;
    let sign = if x < 0.0 { "-" } else { "" };
    if frac == 0 {
        format!("{sign}{digits}{grouped}")
    } else {
        format!("{sign}{digits}{grouped}.{frac}")
    }
}

/// Maps a snapshot over its topology to the diagram's view model.
pub fn diagram_view(t: &Topology, s: &Snapshot) -> DiagramView {
    let max_traffic = s
        .edges
        .iter()
        .map(|e| e.traffic)
        .filter(|x| x.is_finite())
        .fold(0.0_f64, f64::max);
    let edges: Vec<EdgeView> = s
        .edges
        .iter()
        .map(|e| {
            let traffic = if e.traffic.is_finite() {
                e.traffic.max(0.0)
            } else {
                0.0
            };
            let rel = if max_traffic > 0.0 {
                libm_ln1p(traffic) / libm_ln1p(max_traffic)
            } else {
                0.0
            };
            let flow = if traffic < 0.5 {
                0
            } else {
                1 + ((rel * 3.999).floor() as u8).min(3)
            };
            let error_rate = clamp01(e.error_rate);
            EdgeView {
                traffic,
                width: 1.0 + 3.0 * rel,
                flow,
                error_rate,
                failing: error_rate > FAILING_EDGE_SHARE,
                breaker: e.breaker,
                partitioned: e.partitioned,
                held: if e.held.is_finite() {
                    e.held.max(0.0)
                } else {
                    0.0
                },
            }
        })
        .collect();
    let nodes = s
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let tripped = t
                .dependencies
                .iter()
                .enumerate()
                .filter(|(j, d)| {
                    d.from == i
                        && s.edges
                            .get(*j)
                            .is_some_and(|e| e.breaker != BreakerState::Closed)
                })
                .count();
            let queue = if c.queue_limit > 0.0 {
                clamp01(c.queue / c.queue_limit)
            } else {
                0.0
            };
            let summary = format!(
                "{}: load {:.0}%, queue {:.0}%, memory {:.0}%, errors {:.1}%, {}",
                health_word(c.health),
                clamp01(c.utilisation) * 100.0,
                queue * 100.0,
                clamp01(c.memory_fraction) * 100.0,
                clamp01(c.error_rate) * 100.0,
                rate(c.throughput)
            );
            NodeView {
                health: c.health,
                word: health_word(c.health),
                glyph: health_glyph(c.health),
                color: health_color(c.health),
                load: clamp01(c.utilisation),
                queue,
                memory: clamp01(c.memory_fraction),
                error_rate: clamp01(c.error_rate),
                breakers_tripped: tripped,
                summary,
                deploy: c.deploy.as_ref().and_then(deploy_tag),
            }
        })
        .collect();
    let failovers = s
        .failovers
        .iter()
        .map(|f| FailoverView {
            active: f.active,
            moved: clamp01(f.moved),
            phase: f.phase,
        })
        .collect();
    DiagramView {
        nodes,
        edges,
        failovers,
    }
}

/// `ln(1 + x)` (display only; not part of the deterministic core).
fn libm_ln1p(x: f64) -> f64 {
    x.max(0.0).ln_1p()
}

/// The retry policies offered in the traffic panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryChoice {
    /// Seed 001's broken backoff (85% retry after 1 s forever).
    Broken,
    /// Exponential backoff without jitter (synchronised waves).
    Exponential,
    /// Exponential backoff with full jitter, 4 attempts (seed 001's fix).
    FullJitter,
    /// Full jitter plus a retry budget of 10% of successes.
    JitterBudget,
}

impl RetryChoice {
    /// All choices, in menu order.
    pub const ALL: [RetryChoice; 4] = [
        RetryChoice::Broken,
        RetryChoice::Exponential,
        RetryChoice::FullJitter,
        RetryChoice::JitterBudget,
    ];

    /// Stable key (select value).
    pub fn key(self) -> &'static str {
        match self {
            RetryChoice::Broken => "broken",
            RetryChoice::Exponential => "exponential",
            RetryChoice::FullJitter => "full_jitter",
            RetryChoice::JitterBudget => "jitter_budget",
        }
    }

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            RetryChoice::Broken => "Broken backoff (seed 001 bug)",
            RetryChoice::Exponential => "Exponential, no jitter",
            RetryChoice::FullJitter => "Exponential + full jitter",
            RetryChoice::JitterBudget => "Full jitter + retry budget",
        }
    }

    /// From a select value.
    pub fn from_key(k: &str) -> Option<RetryChoice> {
        RetryChoice::ALL.into_iter().find(|c| c.key() == k)
    }

    /// The policy it stands for.
    pub fn policy(self) -> faultline_core::sim::RetryPolicy {
        use faultline_core::sim::{Jitter, RetryBudget, RetryPolicy};
        match self {
            RetryChoice::Broken => RetryPolicy::seed_broken(),
            RetryChoice::Exponential => RetryPolicy::exponential(1000, 60_000, 4, Jitter::None),
            RetryChoice::FullJitter => RetryPolicy::seed_fixed(),
            RetryChoice::JitterBudget => RetryPolicy {
                budget: Some(RetryBudget {
                    ratio: 0.1,
                    max_tokens: 1000.0,
                }),
                ..RetryPolicy::seed_fixed()
            },
        }
    }

    /// The closest choice to a policy.
    pub fn of(p: &faultline_core::sim::RetryPolicy) -> RetryChoice {
        use faultline_core::sim::{Backoff, Jitter};
        match (p.backoff, p.jitter, p.budget.is_some()) {
            (Backoff::Broken, _, _) => RetryChoice::Broken,
            (_, _, true) => RetryChoice::JitterBudget,
            (_, Jitter::None, _) => RetryChoice::Exponential,
            _ => RetryChoice::FullJitter,
        }
    }
}

/// The operator controls' current settings, folded from the scenario's
/// defaults and every action applied so far (so a replayed link restores
/// the panels too).
#[derive(Clone, Debug, PartialEq)]
pub struct Controls {
    /// Breaker override per dependency edge (topology order).
    pub breaker_modes: Vec<BreakerMode>,
    /// Whether each of the four automatic triggers is armed.
    pub triggers: [bool; 4],
    /// Global message sending disabled.
    pub sending_disabled: bool,
    /// Reconnect admission cap per second (0 = none).
    pub reconnect_admission: f64,
    /// Traffic multiplier.
    pub multiplier: f64,
    /// Client retry policy.
    pub retry: RetryChoice,
    /// Load shed share.
    pub shed: f64,
    /// The breakers' semantics.
    pub breaker_preset: BreakerPreset,
    /// What each dependency edge's caller does when a call fails
    /// (topology order): the scenario's route, then `set_failure_mode`.
    pub failure_modes: Vec<OnFailure>,
}

/// Folds `actions` over the scenario's defaults.
pub fn controls(s: &Scenario, actions: &[(u64, Action)]) -> Controls {
    let t = &s.topology;
    let mut c = Controls {
        breaker_modes: vec![BreakerMode::Auto; t.dependencies.len()],
        triggers: s.triggers,
        sending_disabled: false,
        reconnect_admission: s.traffic.reconnect_admission,
        multiplier: s.traffic.multiplier,
        retry: RetryChoice::of(&s.client_retry),
        shed: 0.0,
        breaker_preset: s.breaker,
        failure_modes: s.routes.iter().map(|r| r.on_failure).collect(),
    };
    for (_, a) in actions {
        match a {
            Action::SetBreaker { from, to, mode } => {
                if let Some(j) = edge_index(t, from, to) {
                    c.breaker_modes[j] = *mode;
                }
            }
            Action::SetFailureMode { from, to, mode } => {
                if let Some(j) = edge_index(t, from, to) {
                    if let Some(m) = c.failure_modes.get_mut(j) {
                        *m = *mode;
                    }
                }
            }
            Action::SetAutoTrigger { trigger, enabled } => {
                c.triggers[*trigger as usize] = *enabled;
            }
            Action::DisableMessageSending { disabled } => c.sending_disabled = *disabled,
            Action::SetReconnectAdmission { per_second } => c.reconnect_admission = *per_second,
            Action::SetTrafficMultiplier { multiplier, .. } => c.multiplier = *multiplier,
            Action::SetRetryPolicy { policy, .. } => c.retry = RetryChoice::of(policy),
            Action::ShedLoad { fraction } => c.shed = *fraction,
            Action::SetBreakerPreset { preset } => c.breaker_preset = *preset,
            _ => {}
        }
    }
    c
}

/// The breaker presets offered, in menu order: stable key, label, and what
/// the preset means (seed 000's breaker, Hystrix and Resilience4j defaults,
/// or none at all, as the 2017 scenarios run).
pub const BREAKER_PRESETS: [(BreakerPreset, &str, &str, &str); 4] = [
    (
        BreakerPreset::Seed,
        "seed",
        "Seed (5 failures, 30 s open, 3 probes)",
        "Seed 000's breaker: opens after 5 consecutive failures, stays open 30 s, closes after 3 successful probes.",
    ),
    (
        BreakerPreset::Hystrix,
        "hystrix",
        "Hystrix (50% of ≥20 calls in 10 s, 5 s sleep)",
        "Hystrix defaults: at least 20 calls in a rolling 10 s window, opens at 50% errors, sleeps 5 s, one trial call.",
    ),
    (
        BreakerPreset::Resilience4j,
        "resilience4j",
        "Resilience4j (50% of last 100 calls, 60 s wait)",
        "Resilience4j defaults: a 100-call window, opens at 50% failures, waits 60 s, judges 10 probe calls by their failure rate.",
    ),
    (
        BreakerPreset::None,
        "none",
        "None (no circuit breakers)",
        "No breakers: every call is attempted however its callee fares, as on the 2017 platform (seed 004 added a fast-fail afterwards).",
    ),
];

/// The failure modes offered per dependency, in menu order: the mode, its
/// stable key (the scenario format's `on_failure`) and its label.
pub const FAILURE_MODES: [(OnFailure, &str, &str); 3] = [
    (OnFailure::Fail, "fail", "fail the request"),
    (OnFailure::Ignore, "ignore", "ignore (drop the call)"),
    (OnFailure::Buffer, "buffer", "buffer in memory"),
];

/// The failure mode with menu key `key`.
pub fn failure_mode_from_key(key: &str) -> Option<OnFailure> {
    FAILURE_MODES.iter().find(|x| x.1 == key).map(|x| x.0)
}

/// The menu key of a breaker preset.
pub fn breaker_preset_key(p: BreakerPreset) -> &'static str {
    BREAKER_PRESETS
        .iter()
        .find(|x| x.0 == p)
        .map_or("seed", |x| x.1)
}

/// The breaker preset for a menu key.
pub fn breaker_preset_from_key(k: &str) -> Option<BreakerPreset> {
    BREAKER_PRESETS.iter().find(|x| x.1 == k).map(|x| x.0)
}

/// The dependency edge from `from` to `to`, by component ids.
pub fn edge_index(t: &Topology, from: &str, to: &str) -> Option<usize> {
    let (f, g) = (t.component_index(from)?, t.component_index(to)?);
    t.dependency_index(f, g)
}

/// The tab a node shows while a deploy is on it: "deploy 25%" as the new
/// build goes out, "new build" once it runs everywhere, "rollback 60%"
/// (true) as the old build comes back; nothing once rolled back.
pub fn deploy_tag(d: &faultline_core::sim::deploy::DeployView) -> Option<(String, bool)> {
    use faultline_core::sim::deploy::DeployStatus as S;
    let pct = (d.share * 100.0).round();
    match d.status {
        S::RollingOut => Some((format!("deploy {pct:.0}%"), false)),
        S::Complete => Some(("new build".to_string(), false)),
        S::RollingBack { .. } => Some((format!("rollback {pct:.0}%"), true)),
        S::RolledBack => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{errors_text, grouped, load_text, retries_text, servers_text, FailoverView};

    #[test]
    fn a_failover_says_where_it_stands_and_how_much_has_moved() {
        let at = |phase, moved| {
            FailoverView {
                active: phase != "idle",
                moved,
                phase,
            }
            .words()
        };
        assert_eq!(at("idle", 0.0), "not in use");
        assert_eq!(
            at("migrating", 0.404),
            "moving the load to the backup: 40% of the load moved"
        );
        assert_eq!(at("active", 1.0), "in use: 100% of the load moved");
        assert!(at("failing back", 0.5).starts_with("the primary is healthy again"));
    }

    #[test]
    fn errors_name_a_down_shards_unavailable_part() {
        assert_eq!(errors_text(0.1834, 0.0), "18.34%");
        assert_eq!(
            errors_text(0.4823, 0.4712),
            "48.23% (47.1% \u{201c}unavailable\u{201d}: a shard is down)"
        );
    }

    #[test]
    fn servers_show_the_capacity_kept_only_when_degraded() {
        assert_eq!(servers_text(500.0, 500.0, 1.0, false), "500 of 500");
        assert_eq!(
            servers_text(500.0, 500.0, 0.67, false),
            "500 of 500 · 67% capacity"
        );
        assert_eq!(
            servers_text(1499.6, 1500.0, 0.25, false),
            "1,500 of 1,500 · 25% capacity"
        );
    }

    #[test]
    fn servers_say_when_they_wait_for_the_orchestrator() {
        assert_eq!(
            servers_text(0.0, 33.0, 1.0, true),
            "0 of 33 · waiting for the orchestrator"
        );
        assert_eq!(
            servers_text(10.0, 33.0, 0.5, true),
            "10 of 33 · 50% capacity · waiting for the orchestrator"
        );
    }

    #[test]
    fn load_shows_the_demand_only_when_it_exceeds_capacity() {
        assert_eq!(load_text(0.52, 520.0, 1000.0), "52%");
        assert_eq!(load_text(1.0, 2080.0, 1000.0), "100% · demand 208%");
        assert_eq!(load_text(1.0, 1001.0, 1000.0), "100%", "noise at the limit");
        assert_eq!(
            load_text(0.0, 50.0, 0.0),
            "0%",
            "a down component has no capacity"
        );
        assert_eq!(load_text(f64::NAN, 1.0, 1.0), "0%");
    }

    #[test]
    fn retries_show_once_they_are_a_percent_of_the_load() {
        assert_eq!(retries_text(0.0, 50_000.0), None);
        assert_eq!(retries_text(0.009, 50_000.0), None, "churn");
        assert_eq!(
            retries_text(0.497, 53_300.0).as_deref(),
            Some("49.7% of arrivals · 26k/s")
        );
        assert_eq!(retries_text(f64::NAN, 1.0), None);
        // A share of next to nothing is not shown.
        assert_eq!(retries_text(0.75, 0.0), None, "no arrivals");
        assert_eq!(retries_text(0.75, 1.2), None, "under one a second");
        assert_eq!(
            retries_text(0.5, 10.0).as_deref(),
            Some("50.0% of arrivals · 5/s")
        );
    }

    #[test]
    fn grouped_numbers_read_at_a_glance() {
        assert_eq!(grouped(83.333), "83.3");
        assert_eq!(grouped(100.0), "100");
        assert_eq!(grouped(2_000_000.0), "2,000,000");
        assert_eq!(grouped(24_000.0), "24,000");
        assert_eq!(grouped(-1_234.5), "-1,234.5");
        assert_eq!(grouped(0.04), "0");
        assert_eq!(grouped(f64::INFINITY), "∞");
        assert_eq!(grouped(f64::NAN), "—");
    }
}
