//! The engine's state and its tick: request flow through components and
//! edges, queueing outcomes, and every slower mechanism (memory, crashes,
//! restarts, autoscaling, caches, failovers, triggers, health).
//!
//! # Per component and compartment (one tick of `dt` s)
//! `cap = live · (1000 / service_ms) · capacity_fraction · host_availability`
//! (limited by `pool / R` for a connection pool: connections are held for
//! the whole response time `R`, so a slow database exhausts its pool);
//! `offered = λ·dt + Q`, `served = min(offered, cap·dt)`, the rest queues up
//! to the queue limit (overflow is rejected at once). With deadline checks
//! on, queued requests older than the deadline are dropped without using
//! capacity (`Q ≤ cap · deadline`); without them, servers keep working on
//! requests whose caller has given up, and those answers are wasted.
//! Waiting = backlog `Q / cap` (FIFO; LIFO serves fresh requests first) plus
//! the stationary M/M/c wait `C(c, ρ) / (cap − λ)` from the Erlang table
//! (half for constant service times). A served request times out when
//! backlog + service + queueing tail + its dependencies' latency exceed the
//! deadline: `P = C·e^{−(cap−λ)·slack}` combined with the exponential
//! service-time tail `e^{−slack/service}`.
//!
//! # Along an edge
//! `calls = served · calls_per_request · (1 − h)` (for a cache's database
//! fallback, `h` = the cache's current hit rate) `· (1 − qⁿ⁺¹)/(1 − q)` (n
//! immediate service retries against last tick's failure share `q`), then
//! through the breaker (one representative caller instance), a partition
//! (calls held and delivered as a backlog when healed) or a buffer (failed
//! calls kept in the caller's memory and retransmitted when the callee
//! recovers; seed 004's sessions). A breaker ignores its callee's own 429s
//! (a healthy service shedding load): it judges only real failures.
//! Failover edges move a share of the calls to the backup; with a rebuild
//! (seed 000's session cache) a cache rebuilt from the backup's timely
//! answers takes its hit share off the backup again.
//!
//! # Around the flow
//! - **Rate limits**: beyond `rate_limit_per_server × live` (halved by
//!   `enable_aggressive_rate_limiting`) requests get a 429 at once.
//! - **Bulkheads**: each compartment has its share of servers, pool and queue,
//!   so one class's flood cannot starve another (seed 000's 60/30/8/2 split).
//! - **Edge refusals** (final answers, never retried): read-only mode, upload
//!   and voice switches, large-guild share, message sending disabled, load
//!   shedding, reconnect admission (connects above the cap are told to wait).
//! - **Crashes and restarts**: a server whose memory reaches its limit
//!   crashes with everything it held; crashed servers come back in batches
//!   every `restart_ms` (only while an orchestrator is up). The load balancer
//!   only sends to live servers, so the survivors of a crash take the whole
//!   load: the reason a broken service must see load fall well below where it
//!   broke before it comes back (hysteresis).
//! - **Autoscaling**: above `target` utilisation for `after_ms`, `step` more
//!   servers arrive `provision_ms` later (needs the orchestrator); below 40%
//!   for 30 minutes it scales back (seed 002).
//! - **Rolling restarts**: `restart_batch` of the servers at a time, each
//!   batch out for `restart_ms`, their queued work dropped.
//! - **Control plane**: all monitoring components down blinds the dashboards
//!   (the snapshot's `sli` freezes while `sli_true` moves on); all config
//!   components down blocks flag changes and automatic triggers; all
//!   orchestrators down stops autoscaling and restarts.
//! - **Automatic triggers** (seed 000): database utilisation > 90% for 5
//!   minutes, message-queue depth > 1M, API errors > 5% (for a minute, to
//!   ignore noise), storage > 95%.
//! - **Health** for the diagram: down, failing over, overloaded (demand above
//!   capacity or queue half full), recovering, degraded (errors above 1% over
//!   the base rate, reduced capacity, added latency, memory above 90%).
//! - **Causes**: every event names the event that led to it: the action on
//!   the component itself, else the earliest failing dependency's health
//!   event, else the last load-changing action.

// Lanes, compartments and regions are indexed in parallel arrays on purpose:
// fixed-size arrays in a fixed order are what keeps the tick fast and portable.
#![allow(clippy::needless_range_loop)]

use super::action::{Action, ActionError, AutoTrigger, BreakerMode, KillSwitch};
use super::breaker::{Breaker, BreakerConfig, BreakerState, Transition};
use super::cache;
use super::class::{RequestClass, NCLASS};
use super::event::{Event, EventKind};
use super::failover::{Change, Failover, Phase, Timings};
use super::memory;
use super::queueing::ErlangTable;
use super::retry::{RetryPolicy, RetryRing, ATTEMPT_BUCKETS};
use super::rng::Pcg32;
use super::snapshot::*;
use super::users::{self, UserRates};
use super::{SimError, MAX_POOLS};
use crate::scenario::{
    CacheKind, ComponentParams, Discipline, EdgeRoute, OnFailure, Role, Scenario, ServiceDist,
};
use crate::topology::{DependencyKind, Topology};

/// Share of message sends that go to large guilds (seed 000: the large-guild
/// router carries 7B+ of the 14B+ messages a day).
pub const LARGE_GUILD_SHARE: f64 = 0.5;
/// Megabytes stored per upload.
pub const UPLOAD_MB: f64 = 1.0;
/// Longest retry delay the ring holds, ms (client timeout plus a 60 s cap, with margin).
pub const MAX_RETRY_DELAY_MS: u64 = 200_000;

#[derive(Clone, Debug)]
pub(crate) struct Comp {
    pub p: ComponentParams,
    pub pos: usize,
    pub npools: usize,
    pub pool_share: [f64; MAX_POOLS],
    pub class_pool: [usize; NCLASS],
    pub tables: Vec<ErlangTable>,
    pub table_for: [f64; MAX_POOLS],
    /// Failover whose primary this component is, if any.
    pub fo_from: Option<usize>,
    pub out_edges: Vec<usize>,
    pub hosts: Vec<usize>,
    pub fallback_edges: Vec<usize>,
    // Runtime state.
    pub target: f64,
    pub live: f64,
    pub crashed: f64,
    pub killed: bool,
    pub restart_timer: i64,
    pub cap_frac: f64,
    pub extra_ms: f64,
    pub deadline_check: bool,
    pub queue: [f64; MAX_POOLS],
    pub warm: f64,
    pub storage_used: f64,
    pub rolling_left: f64,
    pub rolling_down: f64,
    pub rolling_timer: i64,
    pub above_ms: u64,
    pub below_ms: u64,
    pub pending_scale: Option<(u64, f64)>,
    pub avail: f64,
    // Per-tick figures.
    pub arr: [f64; NCLASS],
    pub carry: [f64; NCLASS],
    pub mix: [f64; NCLASS],
    pub served_k: [f64; NCLASS],
    pub rl: f64,
    pub pool_lambda: [f64; MAX_POOLS],
    pub pool_cap: [f64; MAX_POOLS],
    pub pool_wb: [f64; MAX_POOLS],
    pub pool_c: [f64; MAX_POOLS],
    pub pool_rate: [f64; MAX_POOLS],
    pub pool_wq: [f64; MAX_POOLS],
    pub pool_rej: [f64; MAX_POOLS],
    pub pool_exp: [f64; MAX_POOLS],
    pub ok: [f64; NCLASS],
    pub fast: [f64; NCLASS],
    pub lat: [f64; NCLASS],
    pub own_lat: f64,
    pub util: f64,
    pub err: f64,
    pub throughput: f64,
    pub capacity: f64,
    pub arrivals: f64,
    pub latency: f64,
    pub pool_in_use: f64,
    pub waiting: f64,
    pub mem_frac: f64,
    pub down: bool,
    pub health: Health,
    pub cause: Option<usize>,
    pub health_event: Option<usize>,
}

#[derive(Clone, Debug)]
pub(crate) struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: DependencyKind,
    pub route: EdgeRoute,
    pub carries: bool,
    pub breaker: Breaker,
    pub mode: BreakerMode,
    pub partitioned: bool,
    pub held: [f64; NCLASS],
    pub calls: [f64; NCLASS],
    pub eff_calls: [f64; NCLASS],
    pub adm: f64,
    pub q_prev: f64,
    pub ok: [f64; NCLASS],
    pub err: f64,
    pub traffic: f64,
    /// The failover whose primary this edge calls, if any.
    pub fo: Option<usize>,
    /// Share of each lane the failover currently sends to the backup instead.
    pub fo_share: [f64; NCLASS],
    /// The lanes this edge carries (`route.calls[k] > 0`), first `nl` entries.
    pub lanes: [u8; NCLASS],
    /// How many lanes it carries.
    pub nl: usize,
}

/// A retry delay window in ticks, for failures noticed at once (fast) and at
/// the class's timeout (slow): `(lo, hi)` with `1 ≤ lo ≤ hi`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TickWindow {
    pub share: f64,
    pub ticks: [(u64, u64); 2],
}

/// The delay windows of every class and retry number, in ticks, for one
/// client policy and set of class timeouts (rebuilt when either changes).
#[derive(Clone, Debug)]
pub(crate) struct RetryWindows {
    pub key: Option<(RetryPolicy, [f64; NCLASS])>,
    pub w: [[[Option<TickWindow>; 2]; ATTEMPT_BUCKETS + 1]; NCLASS],
}

impl RetryWindows {
    fn new(policy: RetryPolicy, timeout_ms: [f64; NCLASS], tick_ms: u64) -> Self {
        let mut w = [[[None; 2]; ATTEMPT_BUCKETS + 1]; NCLASS];
        for k in 0..NCLASS {
            for nb in 0..=ATTEMPT_BUCKETS {
                for (i, win) in policy.windows(nb as u32 + 1).into_iter().enumerate() {
                    w[k][nb][i] = win.map(|win| {
                        let ticks = [0.0, timeout_ms[k]].map(|detect| {
                            let lo = ((detect + win.lo_ms as f64) / tick_ms as f64)
                                .ceil()
                                .max(1.0) as u64;
                            let hi = ((detect + win.hi_ms as f64) / tick_ms as f64)
                                .ceil()
                                .max(1.0) as u64;
                            (lo, hi.max(lo))
                        });
                        TickWindow {
                            share: win.share,
                            ticks,
                        }
                    });
                }
            }
        }
        RetryWindows {
            key: Some((policy, timeout_ms)),
            w,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Fo {
    pub from: usize,
    pub to: usize,
    pub f: Failover,
    /// Warmth of the rebuilt cache that answers moved lookups (0 without a
    /// rebuild): the share of moved calls that never reach the backup.
    pub rebuilt: f64,
    /// Moved calls sent to the backup this tick (they rebuild the cache).
    pub sent: f64,
    /// Whether "rebuilt" has been logged since the failover began.
    pub rebuilt_logged: bool,
}

impl Fo {
    /// Share of moved calls that still miss the rebuilt cache and go on to
    /// the backup.
    fn miss(&self) -> f64 {
        1.0 - self.rebuilt
    }
}

/// The whole mutable state of a run.
pub(crate) struct State {
    pub scenario: Scenario,
    pub seed: u64,
    pub now_ms: u64,
    pub tick: u64,
    pub dt: f64,
    pub rng: Pcg32,
    pub comps: Vec<Comp>,
    pub edges: Vec<Edge>,
    pub fos: Vec<Fo>,
    pub order: Vec<usize>,
    pub users: Vec<Users>,
    pub region_entry: Vec<(usize, usize)>,
    pub region_share: Vec<f64>,
    pub ring: RetryRing,
    pub tokens: f64,
    pub retry: RetryPolicy,
    pub multiplier: f64,
    pub switches: [bool; 6],
    pub armed: [bool; 4],
    pub trigger_ms: [u64; 4],
    pub sending_disabled: bool,
    pub admission: f64,
    pub shed: f64,
    pub timeline_idx: usize,
    pub events: Vec<Event>,
    pub samples: Vec<Sample>,
    pub action_log: Vec<(u64, Action)>,
    pub next_sample: u64,
    pub load_cause: Option<usize>,
    // Per-tick entry bookkeeping, per region and class.
    pub att: Vec<[f64; NCLASS]>,
    pub refused: Vec<[f64; NCLASS]>,
    pub first: [f64; NCLASS],
    pub retry_due: [[f64; ATTEMPT_BUCKETS]; NCLASS],
    pub sli: Sli,
    pub sli_shown: Sli,
    pub sli_as_of: u64,
    pub blind: bool,
    pub config_blocked: bool,
    pub orch_down: bool,
    /// Components by role or trait, ascending (parameters never change):
    /// monitoring, config, orchestrator, database, message queue, with storage.
    pub role_comps: [Vec<usize>; 6],
    pub retry_windows: RetryWindows,
    /// False only when no breaker in automatic mode is open (nothing to poll).
    pub maybe_open: bool,
}

pub(crate) enum Target {
    None,
    Comp(usize),
    Edge(usize),
}

fn comp_idx(t: &Topology, id: &str) -> Result<usize, ActionError> {
    t.component_index(id)
        .ok_or_else(|| ActionError::UnknownComponent(id.to_string()))
}

fn edge_idx(t: &Topology, from: &str, to: &str) -> Result<usize, ActionError> {
    let f = comp_idx(t, from)?;
    let g = comp_idx(t, to)?;
    t.dependencies
        .iter()
        .position(|d| d.from == f && d.to == g)
        .ok_or_else(|| ActionError::UnknownEdge {
            from: from.into(),
            to: to.into(),
        })
}

fn range(
    field: &'static str,
    v: f64,
    lo: f64,
    hi: f64,
    lo_open: bool,
    allowed: &'static str,
) -> Result<(), ActionError> {
    let ok = v.is_finite() && v <= hi && if lo_open { v > lo } else { v >= lo };
    if ok {
        Ok(())
    } else {
        Err(ActionError::OutOfRange {
            field,
            value: v,
            allowed,
        })
    }
}

pub(crate) fn check_action(t: &Topology, a: &Action) -> Result<Target, ActionError> {
    Ok(match a {
        Action::Kill { component }
        | Action::Revive { component }
        | Action::RollingRestart { component }
        | Action::SetDeadlineCheck { component, .. } => Target::Comp(comp_idx(t, component)?),
        Action::Degrade {
            component,
            capacity_fraction,
        } => {
            let i = comp_idx(t, component)?;
            range(
                "capacity_fraction",
                *capacity_fraction,
                0.0,
                1.0,
                true,
                "0 < fraction ≤ 1",
            )?;
            Target::Comp(i)
        }
        Action::AddLatency { component, ms } => {
            let i = comp_idx(t, component)?;
            range("ms", *ms, 0.0, 600_000.0, false, "0 ≤ ms ≤ 600000")?;
            Target::Comp(i)
        }
        Action::Scale { component, factor } => {
            let i = comp_idx(t, component)?;
            range("factor", *factor, 0.0, 100.0, true, "0 < factor ≤ 100")?;
            Target::Comp(i)
        }
        Action::Partition {
            component,
            dependency,
        }
        | Action::Heal {
            component,
            dependency,
        } => Target::Edge(edge_idx(t, component, dependency)?),
        Action::SetBreaker { from, to, .. } => Target::Edge(edge_idx(t, from, to)?),
        Action::SetTrafficMultiplier { multiplier } => {
            range(
                "multiplier",
                *multiplier,
                0.0,
                100.0,
                false,
                "0 ≤ multiplier ≤ 100",
            )?;
            Target::None
        }
        Action::SetRetryPolicy { policy } => {
            policy.validate().map_err(ActionError::BadPolicy)?;
            Target::None
        }
        Action::ShedLoad { fraction } => {
            range("fraction", *fraction, 0.0, 1.0, false, "0 ≤ fraction ≤ 1")?;
            Target::None
        }
        Action::SetReconnectAdmission { per_second } => {
            range(
                "per_second",
                *per_second,
                0.0,
                1e12,
                false,
                "≥ 0 (0 removes the cap)",
            )?;
            Target::None
        }
        Action::SetKillSwitch { .. }
        | Action::SetAutoTrigger { .. }
        | Action::SetBreakerPreset { .. }
        | Action::DisableMessageSending { .. } => Target::None,
    })
}

/// `x^n` for a real exponent `n ≥ 0`, without `pow`: integer part by
/// multiplication, fractional part linearly (`x^f ≈ 1 − f(1 − x)`, exact at
/// the ends, within 3% of the true value for x ≥ 0.5).
fn pow_calls(x: f64, n: f64) -> f64 {
    let whole = n as u32;
    let mut r = 1.0;
    for _ in 0..whole.min(64) {
        r *= x;
    }
    let f = n - whole as f64;
    r * (1.0 - f * (1.0 - x))
}

#[inline]
fn powi(x: f64, n: u32) -> f64 {
    let mut r = 1.0;
    for _ in 0..n {
        r *= x;
    }
    r
}

impl State {
    pub fn new(s: &Scenario, seed: u64) -> Result<State, SimError> {
        let t = &s.topology;
        let n = t.components.len();
        if n == 0 {
            return Err(SimError::Invalid("the topology has no components".into()));
        }
        if s.params.len() != n || s.routes.len() != t.dependencies.len() {
            return Err(SimError::Invalid(
                "parameters do not match the topology".into(),
            ));
        }
        if s.tick_ms == 0 {
            return Err(SimError::Invalid("tick must be at least 1 ms".into()));
        }
        for (i, p) in s.params.iter().enumerate() {
            p.validate()
                .map_err(|m| SimError::Invalid(format!("{}: {m}", t.components[i].id)))?;
        }
        s.client_retry.validate().map_err(SimError::Invalid)?;
        let order = topo_order(t);
        let mut pos = vec![0; n];
        for (k, &i) in order.iter().enumerate() {
            pos[i] = k;
        }
        let mut comps: Vec<Comp> = (0..n)
            .map(|i| {
                let p = s.params[i].clone();
                let mut pool_share = [0.0; MAX_POOLS];
                let mut class_pool = [0usize; NCLASS];
                let npools;
                if p.bulkheads.is_empty() {
                    npools = 1;
                    pool_share[0] = 1.0;
                } else {
                    npools = p.bulkheads.len();
                    for (g, c) in p.bulkheads.iter().enumerate() {
                        pool_share[g] = c.share;
                        for cl in &c.classes {
                            class_pool[cl.lane()] = g;
                        }
                    }
                }
                let tables = (0..npools)
                    .map(|g| ErlangTable::new(p.servers * pool_share[g]))
                    .collect();
                Comp {
                    pos: pos[i],
                    npools,
                    pool_share,
                    class_pool,
                    tables,
                    table_for: [-1.0; MAX_POOLS],
                    fo_from: t.failovers.iter().position(|f| f.from == i),
                    out_edges: Vec::new(),
                    hosts: Vec::new(),
                    fallback_edges: Vec::new(),
                    target: p.servers,
                    live: p.servers,
                    crashed: 0.0,
                    killed: false,
                    restart_timer: 0,
                    cap_frac: 1.0,
                    extra_ms: 0.0,
                    deadline_check: p.deadline_check,
                    queue: [0.0; MAX_POOLS],
                    warm: p.hit_rate,
                    storage_used: p.storage_used_gb,
                    rolling_left: 0.0,
                    rolling_down: 0.0,
                    rolling_timer: 0,
                    above_ms: 0,
                    below_ms: 0,
                    pending_scale: None,
                    avail: 1.0,
                    arr: [0.0; NCLASS],
                    carry: [0.0; NCLASS],
                    mix: [1.0 / NCLASS as f64; NCLASS],
                    served_k: [0.0; NCLASS],
                    rl: 0.0,
                    pool_lambda: [0.0; MAX_POOLS],
                    pool_cap: [0.0; MAX_POOLS],
                    pool_wb: [0.0; MAX_POOLS],
                    pool_c: [0.0; MAX_POOLS],
                    pool_rate: [1.0; MAX_POOLS],
                    pool_wq: [0.0; MAX_POOLS],
                    pool_rej: [0.0; MAX_POOLS],
                    pool_exp: [0.0; MAX_POOLS],
                    ok: [1.0; NCLASS],
                    fast: [0.0; NCLASS],
                    lat: [0.0; NCLASS],
                    own_lat: p.service_ms,
                    util: 0.0,
                    err: 0.0,
                    throughput: 0.0,
                    capacity: 0.0,
                    arrivals: 0.0,
                    latency: 0.0,
                    pool_in_use: 0.0,
                    waiting: 0.0,
                    mem_frac: 0.0,
                    down: false,
                    health: Health::Healthy,
                    cause: None,
                    health_event: None,
                    p,
                }
            })
            .collect();
        let bcfg = BreakerConfig::preset(s.breaker);
        let edges: Vec<Edge> = t
            .dependencies
            .iter()
            .enumerate()
            .map(|(e, d)| {
                let route = s.routes[e];
                let carries =
                    d.kind == DependencyKind::Call && route.calls.iter().any(|&c| c > 0.0);
                Edge {
                    from: d.from,
                    to: d.to,
                    kind: d.kind,
                    route,
                    carries,
                    breaker: Breaker::new(bcfg),
                    mode: BreakerMode::Auto,
                    partitioned: false,
                    held: [0.0; NCLASS],
                    calls: [0.0; NCLASS],
                    eff_calls: [0.0; NCLASS],
                    adm: 1.0,
                    q_prev: 0.0,
                    ok: [1.0; NCLASS],
                    err: 0.0,
                    traffic: 0.0,
                    fo: t.failovers.iter().position(|f| f.from == d.to),
                    fo_share: [0.0; NCLASS],
                    lanes: {
                        let mut l = [0u8; NCLASS];
                        let mut n = 0;
                        for k in 0..NCLASS {
                            if route.calls[k] > 0.0 {
                                l[n] = k as u8;
                                n += 1;
                            }
                        }
                        l
                    },
                    nl: route.calls.iter().filter(|&&c| c > 0.0).count(),
                }
            })
            .collect();
        for (e, d) in edges.iter().enumerate() {
            if d.carries {
                comps[d.from].out_edges.push(e);
                if let Some(c) = d.route.miss_of {
                    comps[c].fallback_edges.push(e);
                }
            }
            if d.kind == DependencyKind::Hosts {
                comps[d.to].hosts.push(d.from);
            }
        }
        let fos = t
            .failovers
            .iter()
            .map(|f| Fo {
                from: f.from,
                to: f.to,
                f: Failover::default(),
                rebuilt: 0.0,
                sent: 0.0,
                rebuilt_logged: false,
            })
            .collect();
        let (region_entry, region_share): (Vec<(usize, usize)>, Vec<f64>) = if t.regions.is_empty()
        {
            (vec![(order[0], order[0])], vec![1.0])
        } else {
            t.regions
                .iter()
                .take(MAX_REGIONS)
                .map(|r| ((r.edge, r.voice_edge), r.share))
                .unzip()
        };
        let users = region_share
            .iter()
            .map(|sh| Users {
                connected: s.traffic.users * sh,
                reconnecting: 0.0,
                offline: 0.0,
            })
            .collect::<Vec<_>>();
        let nr = users.len();
        let ring_ticks = (MAX_RETRY_DELAY_MS / s.tick_ms) as usize + 2;
        let which = |f: &dyn Fn(&Comp) -> bool| -> Vec<usize> {
            (0..n).filter(|&i| f(&comps[i])).collect()
        };
        let role_comps = [
            which(&|c| c.p.role == Role::Monitoring),
            which(&|c| c.p.role == Role::Config),
            which(&|c| c.p.role == Role::Orchestrator),
            which(&|c| c.p.role == Role::Database),
            which(&|c| c.p.role == Role::MessageQueue),
            which(&|c| c.p.storage_gb > 0.0),
        ];
        let mut st = State {
            scenario: s.clone(),
            seed,
            now_ms: 0,
            tick: 0,
            dt: s.tick_ms as f64 / 1000.0,
            rng: Pcg32::new(seed, 0x0fa1_7115),
            comps,
            edges,
            fos,
            order,
            users,
            region_entry,
            region_share,
            ring: RetryRing::new(ring_ticks),
            tokens: s.client_retry.budget.map_or(0.0, |b| b.max_tokens),
            retry: s.client_retry,
            multiplier: s.traffic.multiplier,
            switches: [false; 6],
            armed: s.triggers,
            trigger_ms: [0; 4],
            sending_disabled: false,
            admission: 0.0,
            shed: 0.0,
            timeline_idx: 0,
            events: Vec::new(),
            samples: Vec::new(),
            action_log: Vec::new(),
            next_sample: 0,
            load_cause: None,
            att: vec![[0.0; NCLASS]; nr],
            refused: vec![[0.0; NCLASS]; nr],
            first: [0.0; NCLASS],
            retry_due: [[0.0; ATTEMPT_BUCKETS]; NCLASS],
            sli: Sli::default(),
            sli_shown: Sli::default(),
            sli_as_of: 0,
            blind: false,
            config_blocked: false,
            orch_down: false,
            role_comps,
            retry_windows: RetryWindows {
                key: None,
                w: [[[None; 2]; ATTEMPT_BUCKETS + 1]; NCLASS],
            },
            maybe_open: true,
        };
        st.sli = st.ideal_sli();
        st.sli_shown = st.sli;
        Ok(st)
    }

    fn ideal_sli(&self) -> Sli {
        Sli {
            api_success: 1.0,
            ws_connect_rate: 1.0,
            voice_success: 1.0,
            delivery_rate: 1.0,
            ..Sli::default()
        }
    }

    fn push_event(
        &mut self,
        kind: EventKind,
        comp: Option<usize>,
        message: String,
        cause: Option<usize>,
    ) -> usize {
        let component = comp.map(|i| self.scenario.topology.components[i].id.clone());
        self.events.push(Event {
            t_ms: self.now_ms,
            kind,
            component,
            message,
            cause,
        });
        self.events.len() - 1
    }

    fn name(&self, i: usize) -> &str {
        &self.scenario.topology.components[i].name
    }

    // ----------------------------------------------------------------- actions

    pub fn apply(&mut self, a: Action, who: &str) -> Result<(), ActionError> {
        let target = check_action(&self.scenario.topology, &a)?;
        if matches!(a, Action::SetKillSwitch { .. }) && self.config_blocked {
            return Err(ActionError::ConfigUnavailable);
        }
        let text = describe(&self.scenario.topology, &a);
        let ev = self.push_event(
            EventKind::Action,
            comp_of(&target),
            format!("{who}: {text}"),
            None,
        );
        self.action_log.push((self.now_ms, a.clone()));
        match (&a, target) {
            (Action::Kill { .. }, Target::Comp(i)) => {
                let c = &mut self.comps[i];
                c.killed = true;
                c.crashed = c.target;
                c.live = 0.0;
                c.queue = [0.0; MAX_POOLS];
                c.rolling_left = 0.0;
                c.rolling_down = 0.0;
                if c.p.hit_rate > 0.0 {
                    c.warm = 0.0;
                }
                c.cause = Some(ev);
                for &e in &c.out_edges.clone() {
                    self.edges[e].held = [0.0; NCLASS];
                }
            }
            (Action::Revive { .. }, Target::Comp(i)) => {
                let c = &mut self.comps[i];
                c.killed = false;
                c.crashed = (c.target - c.live).max(0.0);
                c.restart_timer = c.p.restart_ms as i64;
                c.cause = Some(ev);
            }
            (
                Action::Degrade {
                    capacity_fraction, ..
                },
                Target::Comp(i),
            ) => {
                self.comps[i].cap_frac = *capacity_fraction;
                self.comps[i].cause = Some(ev);
            }
            (Action::AddLatency { ms, .. }, Target::Comp(i)) => {
                self.comps[i].extra_ms = *ms;
                self.comps[i].cause = Some(ev);
            }
            (Action::Scale { factor, .. }, Target::Comp(i)) => {
                let c = &mut self.comps[i];
                let new = c.p.servers * factor;
                if new > c.target {
                    if !c.killed {
                        c.live += new - c.target;
                    }
                } else {
                    let cut = c.target - new;
                    let from_crashed = cut.min(c.crashed);
                    c.crashed -= from_crashed;
                    c.live = (c.live - (cut - from_crashed)).max(0.0);
                }
                c.target = new;
                c.cause = Some(ev);
            }
            (Action::RollingRestart { .. }, Target::Comp(i)) => {
                let c = &mut self.comps[i];
                c.rolling_left = 1.0;
                c.cause = Some(ev);
            }
            (Action::SetDeadlineCheck { on, .. }, Target::Comp(i)) => {
                self.comps[i].deadline_check = *on;
            }
            (Action::Partition { .. }, Target::Edge(e)) => {
                self.edges[e].partitioned = true;
                let f = self.edges[e].from;
                self.comps[f].cause = Some(ev);
            }
            (Action::Heal { .. }, Target::Edge(e)) => {
                self.edges[e].partitioned = false;
            }
            (Action::SetBreaker { mode, .. }, Target::Edge(e)) => {
                self.maybe_open = true;
                let now = self.now_ms;
                let edge = &mut self.edges[e];
                edge.mode = *mode;
                match mode {
                    BreakerMode::ForceOpen => edge.breaker.force(BreakerState::Open, now),
                    BreakerMode::ForceClosed | BreakerMode::Auto => {
                        edge.breaker.force(BreakerState::Closed, now)
                    }
                }
            }
            (Action::SetBreakerPreset { preset }, _) => {
                self.maybe_open = true;
                let cfg = BreakerConfig::preset(*preset);
                let now = self.now_ms;
                for e in &mut self.edges {
                    e.breaker = Breaker::new(cfg);
                    if e.mode == BreakerMode::ForceOpen {
                        e.breaker.force(BreakerState::Open, now);
                    }
                }
            }
            (Action::SetKillSwitch { switch, on }, _) => {
                self.switches[*switch as usize] = *on;
                self.load_cause = Some(ev);
            }
            (Action::SetAutoTrigger { trigger, enabled }, _) => {
                self.armed[*trigger as usize] = *enabled;
            }
            (Action::SetTrafficMultiplier { multiplier }, _) => {
                self.multiplier = *multiplier;
                self.load_cause = Some(ev);
            }
            (Action::SetRetryPolicy { policy }, _) => {
                self.retry = *policy;
                self.tokens = policy.budget.map_or(0.0, |b| b.max_tokens);
                self.load_cause = Some(ev);
            }
            (Action::DisableMessageSending { disabled }, _) => {
                self.sending_disabled = *disabled;
                self.load_cause = Some(ev);
            }
            (Action::SetReconnectAdmission { per_second }, _) => {
                self.admission = *per_second;
            }
            (Action::ShedLoad { fraction }, _) => {
                self.shed = *fraction;
                self.load_cause = Some(ev);
            }
            _ => {}
        }
        Ok(())
    }

    // ------------------------------------------------------------------- tick

    pub fn step(&mut self) {
        while self.timeline_idx < self.scenario.timeline.len()
            && self.scenario.timeline[self.timeline_idx].t_ms <= self.now_ms
        {
            let a = self.scenario.timeline[self.timeline_idx].action.clone();
            self.timeline_idx += 1;
            if let Err(e) = self.apply(a, "scenario") {
                self.push_event(
                    EventKind::Action,
                    None,
                    format!("scenario action refused: {e}"),
                    None,
                );
            }
        }
        self.poll_breakers();
        self.advance_failovers();
        self.inject();
        self.forward();
        self.backward();
        self.outcomes();
        self.maintenance();
        // Capabilities follow this tick's health, so an action right after
        // the step sees them.
        self.control_plane();
        self.now_ms += self.scenario.tick_ms;
        self.tick += 1;
        if self.now_ms >= self.next_sample {
            self.take_sample();
            self.next_sample = self.now_ms + self.scenario.sample_ms;
        }
    }

    #[inline(never)]
    fn control_plane(&mut self) {
        let all_down = |r: usize| {
            let of_role = &self.role_comps[r];
            !of_role.is_empty() && of_role.iter().all(|&i| self.comps[i].down)
        };
        let blind = all_down(0);
        let config = all_down(1);
        let orch = all_down(2);
        if blind != self.blind {
            self.blind = blind;
            let m = if blind {
                "monitoring is down: dashboards are blind and show stale figures"
            } else {
                "monitoring is back: dashboards are live again"
            };
            self.push_event(EventKind::Control, None, m.into(), None);
        }
        if config != self.config_blocked {
            self.config_blocked = config;
            let m = if config {
                "configuration services are down: flags and automatic triggers cannot change"
            } else {
                "configuration services are back: flags can change"
            };
            self.push_event(EventKind::Control, None, m.into(), None);
        }
        if orch != self.orch_down {
            self.orch_down = orch;
            let m = if orch {
                "orchestrator is down: no autoscaling, crashed servers are not rescheduled"
            } else {
                "orchestrator is back: autoscaling and restarts resume"
            };
            self.push_event(EventKind::Control, None, m.into(), None);
        }
    }

    #[inline(never)]
    fn poll_breakers(&mut self) {
        // Only an open breaker in automatic mode can change here.
        if !self.maybe_open {
            return;
        }
        let now = self.now_ms;
        let mut any_open = false;
        for e in 0..self.edges.len() {
            if self.edges[e].mode != BreakerMode::Auto {
                continue;
            }
            let polled = self.edges[e].breaker.poll(now);
            any_open |= self.edges[e].breaker.state() == BreakerState::Open;
            if let Some(Transition::HalfOpened) = polled {
                let (f, t) = (self.edges[e].from, self.edges[e].to);
                let m = format!(
                    "breaker {} → {} half-open: probing",
                    self.name(f),
                    self.name(t)
                );
                self.push_event(EventKind::Breaker, Some(f), m, None);
            }
        }
        self.maybe_open = any_open;
    }

    #[inline(never)]
    fn advance_failovers(&mut self) {
        let now = self.now_ms;
        self.rebuild_caches();
        for k in 0..self.fos.len() {
            let (from, to) = (self.fos[k].from, self.fos[k].to);
            let primary_bad = self.comps[from].down || self.comps[from].err > 0.5;
            if !primary_bad && self.fos[k].f.phase == Phase::Idle {
                // Idle with a healthy primary: `advance` would change nothing.
                continue;
            }
            let p = &self.comps[from].p;
            let timings = Timings {
                detect_ms: p.failover_detect_ms,
                migrate_ms: p.failover_migrate_ms,
                promote_ms: p.failover_promote_ms,
                restore_ms: p.failover_restore_ms,
            };
            let scale = p.failover_restore_scale;
            let msg = match self.fos[k].f.advance(now, primary_bad, &timings) {
                Change::None => continue,
                Change::Began => "health check failed: failover begins, load migrating",
                Change::Promoted => "replica promoted: writes redirected to the backup",
                Change::Migrated => "connections migrated to the backup",
                Change::Restored => {
                    if scale > 1.0 {
                        let b = &mut self.comps[to];
                        let add = b.target * (scale - 1.0);
                        b.target += add;
                        if !b.killed {
                            b.live += add;
                        }
                    }
                    "full restoration: backup scaled for the failed-over load"
                }
                Change::FailingBack => "primary healthy again: failing back",
                Change::FailedBack => "failback complete",
            };
            let cause = self.comps[from].health_event;
            let text = format!("failover {} → {}: {msg}", self.name(from), self.name(to));
            self.push_event(EventKind::Failover, Some(from), text, cause);
        }
    }

    /// Failovers with a rebuild (seed 000's Redis session cache: "session
    /// rebuild from database"): the moved lookups that reached the backup
    /// last tick and came back in time rebuild the cache (look-aside, see
    /// `sim::cache`), which then answers them itself. A backup too slow to
    /// answer rebuilds nothing, and the failover stays on the database.
    fn rebuild_caches(&mut self) {
        for k in 0..self.fos.len() {
            let from = self.fos[k].from;
            let (hit, tau) = {
                let p = &self.comps[from].p;
                (p.failover_rebuild_hit, p.failover_rebuild_ms)
            };
            if hit <= 0.0 {
                continue;
            }
            let fo = &mut self.fos[k];
            if fo.f.phase == Phase::Idle {
                // The primary is back (or never left): the next failover
                // starts from an empty cache again.
                fo.rebuilt = 0.0;
                fo.sent = 0.0;
                fo.rebuilt_logged = false;
                continue;
            }
            let fill = if fo.sent > 0.0 {
                1.0 - self.comps[fo.to].err
            } else {
                0.0
            };
            fo.sent = 0.0;
            let tick = self.scenario.tick_ms as f64;
            fo.rebuilt = cache::warm_step(fo.rebuilt, hit, fill, tick, tau);
            if !fo.rebuilt_logged && fo.rebuilt >= 0.9 * hit {
                fo.rebuilt_logged = true;
                let (to, pct) = (fo.to, 100.0 * fo.rebuilt);
                let text = format!(
                    "failover {} → {}: cache rebuilt, {pct:.0}% of lookups answered without {}",
                    self.name(from),
                    self.name(to),
                    self.name(to)
                );
                let cause = self.comps[from].health_event;
                self.push_event(EventKind::Failover, Some(from), text, cause);
            }
        }
    }

    fn curve(&self) -> f64 {
        let c = &self.scenario.traffic.daily_curve;
        if c.len() != 24 {
            return 1.0;
        }
        let ms = (self.scenario.start_clock_ms + self.now_ms) % 86_400_000;
        let h = ms as f64 / 3_600_000.0;
        let i = h as usize % 24;
        let f = h - i as f64;
        c[i] + (c[(i + 1) % 24] - c[i]) * f
    }

    fn user_rates(&self) -> UserRates {
        let t = &self.scenario.traffic;
        UserRates {
            heartbeat_ok: 1.0,
            connect_ok: 1.0,
            heartbeat_s: t.heartbeat_ms / 1000.0,
            reconnect_s: t.reconnect_ms / 1000.0,
            give_up_s: t.give_up_ms.max(1.0) / 1000.0,
            return_s: t.return_ms.max(1.0) / 1000.0,
            session_s: t.session_ms / 1000.0,
        }
    }

    #[inline(never)]
    fn inject(&mut self) {
        for c in &mut self.comps {
            c.arr = c.carry;
            c.carry = [0.0; NCLASS];
        }
        let dt = self.dt;
        let due = self.ring.take(self.tick);
        for k in 0..NCLASS {
            for b in 0..ATTEMPT_BUCKETS {
                self.retry_due[k][b] = due[k * ATTEMPT_BUCKETS + b] / dt;
            }
        }
        // Retries due per class (same summation order as everywhere they are used).
        let mut due_sum = [0.0; NCLASS];
        for k in 0..NCLASS {
            due_sum[k] = self.retry_due[k].iter().sum::<f64>();
        }
        let per_user = self.scenario.traffic.per_user.lanes();
        let scale = self.curve() * self.multiplier;
        let ur = self.user_rates();
        let hb = 1.0 / ur.heartbeat_s;
        let noise = self.scenario.traffic.noise;
        // Base (first-attempt) rates per region.
        let nr = self.users.len();
        let mut total_first = [0.0; NCLASS];
        let mut connects = 0.0;
        for r in 0..nr {
            let u = self.users[r];
            let mut base = [0.0; NCLASS];
            for k in 0..NCLASS {
                base[k] = u.connected * per_user[k] * scale;
            }
            base[RequestClass::Presence.lane()] += u.connected * hb;
            base[RequestClass::GatewayConnect.lane()] = users::connect_attempts(&u, &ur);
            connects += base[RequestClass::GatewayConnect.lane()];
            for k in 0..NCLASS {
                total_first[k] += base[k];
            }
            self.att[r] = base;
        }
        self.first = [0.0; NCLASS];
        let sw = self.switches;
        let admit_connect = if self.admission > 0.0 && connects > self.admission {
            self.admission / connects
        } else {
            1.0
        };
        // Refusals and first-attempt shares per class (the same for every region).
        let mut refuse_k = [0.0f64; NCLASS];
        let mut first_share_k = [1.0f64; NCLASS];
        for k in 0..NCLASS {
            let mut refuse: f64 = 0.0;
            match RequestClass::ALL[k] {
                RequestClass::MessageSend => {
                    if self.sending_disabled || sw[KillSwitch::EnableReadOnlyMode as usize] {
                        refuse = 1.0;
                    } else if sw[KillSwitch::DisableLargeGuildMessages as usize] {
                        refuse = LARGE_GUILD_SHARE;
                    }
                }
                RequestClass::Upload
                    if sw[KillSwitch::EnableReadOnlyMode as usize]
                        || sw[KillSwitch::DisableFileUploads as usize] =>
                {
                    refuse = 1.0;
                }
                RequestClass::VoiceJoin if sw[KillSwitch::DisableVoiceConnections as usize] => {
                    refuse = 1.0
                }
                RequestClass::GatewayConnect => refuse = 1.0 - admit_connect,
                _ => {}
            }
            // Load shedding at the edge: a final "try later" answer for a
            // share of every request, retries included (heartbeats are kept).
            if k != RequestClass::Presence.lane() {
                refuse = 1.0 - (1.0 - refuse) * (1.0 - self.shed);
            }
            refuse_k[k] = refuse;
            first_share_k[k] = {
                let due: f64 = due_sum[k];
                let t = total_first[k];
                if t + due > 0.0 {
                    t / (t + due)
                } else {
                    1.0
                }
            };
        }
        for r in 0..nr {
            let mut tot = 0.0;
            for k in 0..NCLASS {
                let share = if total_first[k] > 0.0 {
                    self.att[r][k] / total_first[k]
                } else {
                    self.region_share[r]
                };
                let retries: f64 = due_sum[k] * share;
                self.att[r][k] += retries;
                tot += self.att[r][k];
            }
            // Rate noise, one draw per region per tick. Poisson variability within a
            // tick is already in the M/M/c formulas, so only the scenario's extra
            // relative noise (bursty users) moves the rate.
            let _ = tot;
            let cv = noise;
            let f = (1.0 + cv * self.rng.noise()).max(0.0);
            let (edge, voice) = self.region_entry[r];
            for k in 0..NCLASS {
                self.att[r][k] *= f;
                let refuse = refuse_k[k];
                self.refused[r][k] = refuse;
                let admitted = self.att[r][k] * (1.0 - refuse);
                let entry = if k == RequestClass::VoiceJoin.lane() {
                    voice
                } else {
                    edge
                };
                self.comps[entry].arr[k] += admitted;
                self.first[k] += self.att[r][k] * first_share_k[k];
            }
        }
    }

    fn deliver(&mut self, from_pos: usize, to: usize, k: usize, rate: f64) {
        if self.comps[to].pos > from_pos {
            self.comps[to].arr[k] += rate;
        } else {
            self.comps[to].carry[k] += rate;
        }
    }

    #[inline(never)]
    fn forward(&mut self) {
        let dt = self.dt;
        let aggressive = self.switches[KillSwitch::EnableAggressiveRateLimiting as usize];
        let bypass = self.switches[KillSwitch::EnableMessageQueueBypass as usize];
        for oi in 0..self.order.len() {
            let i = self.order[oi];
            // Failover: move the primary's share to the backup first.
            // Failovers before `fo_from` (the first whose primary is `i`) are not `i`'s.
            let fo_first = self.comps[i].fo_from.unwrap_or(self.fos.len());
            for f in fo_first..self.fos.len() {
                let fo = &self.fos[f];
                if fo.from != i || fo.f.moved <= 0.0 {
                    continue;
                }
                let (to, m, w) = (fo.to, fo.f.moved, fo.f.writes_moved);
                let miss = fo.miss();
                for k in 0..NCLASS {
                    let share = if RequestClass::ALL[k].is_write() && !w {
                        0.0
                    } else {
                        m
                    };
                    let mv = self.comps[i].arr[k] * share;
                    self.comps[i].arr[k] -= mv;
                    self.fos[f].sent += mv * miss;
                    self.deliver(oi, to, k, mv * miss);
                }
            }
            let mut avail: f64 = 1.0;
            for &h in &self.comps[i].hosts {
                let hc = &self.comps[h];
                avail = avail.min(if hc.target > 0.0 {
                    hc.live / hc.target
                } else {
                    0.0
                });
            }
            let c = &mut self.comps[i];
            c.avail = avail;
            let live = (c.live - c.rolling_down).max(0.0) * avail;
            c.down = live <= 1e-9;
            let total: f64 = c.arr.iter().sum();
            c.arrivals = total;
            if total > 0.0 {
                let inv = 1.0 / total;
                for k in 0..NCLASS {
                    c.mix[k] = c.arr[k] * inv;
                }
            }
            if c.down {
                c.rl = 1.0;
                c.served_k = [0.0; NCLASS];
                c.util = 0.0;
                c.throughput = 0.0;
                c.capacity = 0.0;
                c.pool_in_use = 0.0;
                c.waiting = c.queue.iter().sum();
                continue;
            }
            let lim = c.p.rate_limit_per_server * live * if aggressive { 0.5 } else { 1.0 };
            c.rl = if lim > 0.0 && total > lim {
                1.0 - lim / total
            } else {
                0.0
            };
            let mu = 1000.0 / c.p.service_ms;
            let down_prev = (c.latency - c.own_lat).max(0.0);
            let mut served_tot = 0.0;
            let mut cap_tot = 0.0;
            let mut in_use = 0.0;
            let mut waiting = 0.0;
            c.served_k = [0.0; NCLASS];
            for g in 0..c.npools {
                let mut lam = 0.0;
                // One compartment (the common case): every lane, no filter.
                let single = c.npools == 1;
                if single {
                    for k in 0..NCLASS {
                        lam += c.arr[k];
                    }
                } else {
                    for k in 0..NCLASS {
                        if c.class_pool[k] == g {
                            lam += c.arr[k];
                        }
                    }
                }
                lam *= 1.0 - c.rl;
                let servers = live * c.pool_share[g];
                let mut cap = servers * mu * c.cap_frac;
                if c.p.pool > 0.0 {
                    let r_s = (c.p.service_ms + c.extra_ms + c.pool_wq[g] * 1000.0) / 1000.0;
                    let pool_cap = c.p.pool * c.pool_share[g] / r_s;
                    in_use += (lam * r_s / (c.p.pool * c.pool_share[g])).min(1.0) * c.pool_share[g];
                    cap = cap.min(pool_cap);
                }
                let offered = lam * dt + c.queue[g];
                let served = offered.min(cap * dt);
                let mut q = offered - served;
                let mq_lim = if bypass && c.p.role == Role::MessageQueue {
                    cap
                } else {
                    f64::INFINITY
                };
                let qlim = (c.p.queue_limit * c.pool_share[g]).min(mq_lim);
                let rejected = (q - qlim).max(0.0);
                q -= rejected;
                let mut expired = 0.0;
                if c.deadline_check {
                    // Requests that cannot finish before their caller gives up
                    // (remaining time under twice the expected service and
                    // downstream time) are dropped without being worked on.
                    let need =
                        2.0 * (c.p.service_ms + c.extra_ms + c.p.base_latency_ms + down_prev);
                    let maxq = cap * (c.p.deadline_ms - need).max(0.0) / 1000.0;
                    if q > maxq {
                        expired = q - maxq;
                        q = maxq;
                    }
                }
                c.queue[g] = q;
                let new = lam * dt;
                c.pool_rej[g] = if new > 0.0 {
                    (rejected / new).min(1.0)
                } else {
                    0.0
                };
                c.pool_exp[g] = if new > 0.0 {
                    (expired / new).min(1.0)
                } else {
                    0.0
                };
                c.pool_lambda[g] = lam;
                c.pool_cap[g] = cap;
                c.pool_wb[g] = if cap > 0.0 {
                    q / cap
                } else {
                    c.p.deadline_ms / 500.0
                };
                let rho = if cap > 0.0 { lam / cap } else { 1.0 };
                if c.table_for[g] != servers {
                    c.table_for[g] = servers;
                    c.tables[g].ensure(servers);
                }
                let cw = c.tables[g].at(rho.min(0.999));
                let rate = (cap - lam).max(0.02 * cap).max(1e-9);
                c.pool_c[g] = cw;
                c.pool_rate[g] = rate;
                let factor = if c.p.service_dist == ServiceDist::Constant {
                    0.5
                } else {
                    1.0
                };
                c.pool_wq[g] = cw / rate * factor;
                // Little's law: the stationary queue is λ·W_q, on top of any backlog.
                waiting += (q + lam * c.pool_wq[g]).min(qlim);
                let srate = served / dt;
                served_tot += srate;
                cap_tot += cap;
                // Served mix follows the arrival mix of the compartment.
                let mut mix_sum = 0.0;
                if single {
                    for k in 0..NCLASS {
                        mix_sum += c.mix[k];
                    }
                } else {
                    for k in 0..NCLASS {
                        if c.class_pool[k] == g {
                            mix_sum += c.mix[k];
                        }
                    }
                }
                if mix_sum > 0.0 {
                    let share = srate / mix_sum;
                    for k in 0..NCLASS {
                        if single || c.class_pool[k] == g {
                            c.served_k[k] = share * c.mix[k];
                        }
                    }
                }
            }
            c.throughput = served_tot;
            c.capacity = cap_tot;
            c.util = if cap_tot > 0.0 {
                (served_tot / cap_tot).min(1.0)
            } else {
                0.0
            };
            c.pool_in_use = in_use;
            c.waiting = waiting;
            if c.p.role == Role::Database || c.p.storage_gb > 0.0 {
                c.storage_used += c.served_k[RequestClass::Upload.lane()] * UPLOAD_MB / 1024.0 * dt;
            }
            // Calls down the dependency edges.
            let caller_live = live.max(1.0);
            let retries = c.p.service_retries;
            for ei in 0..self.comps[i].out_edges.len() {
                let e = self.comps[i].out_edges[ei];
                let miss = match self.edges[e].route.miss_of {
                    Some(j) => {
                        let cj = &self.comps[j];
                        cache::miss_share(cj.warm, cj.err)
                    }
                    None => 1.0,
                };
                let q = self.edges[e].q_prev;
                let mult = if retries > 0 && q > 0.0 {
                    (1.0 - powi(q, retries + 1)) / (1.0 - q)
                } else {
                    1.0
                };
                // Failover: the caller's load balancer sends the moved share
                // straight to the backup (past this edge's breaker).
                let mut fo_share = [0.0; NCLASS];
                let mut backup = None;
                if let Some(f) = self.edges[e].fo {
                    let fo = &self.fos[f];
                    if fo.f.moved > 0.0 {
                        backup = Some((f, fo.to, fo.miss()));
                        for k in 0..NCLASS {
                            let w = RequestClass::ALL[k].is_write() && !fo.f.writes_moved;
                            fo_share[k] = if w { 0.0 } else { fo.f.moved };
                        }
                    }
                }
                if self.edges[e].fo.is_some() {
                    // Edges without a failover keep their all-zero shares.
                    self.edges[e].fo_share = fo_share;
                }
                let mut total_calls = 0.0;
                let mut offered = 0.0;
                let (lanes, nl) = (self.edges[e].lanes, self.edges[e].nl);
                for k in lanes[..nl].iter().map(|&k| k as usize) {
                    let per = self.edges[e].route.calls[k] * miss;
                    self.edges[e].eff_calls[k] = per;
                    let all = self.comps[i].served_k[k] * per * mult;
                    offered += all;
                    let via_backup = all * fo_share[k];
                    if let Some((f, b, miss)) = backup {
                        if via_backup > 0.0 {
                            // A rebuilt cache answers `1 − miss` of them.
                            self.fos[f].sent += via_backup * miss;
                            self.deliver(oi, b, k, via_backup * miss);
                        }
                    }
                    let calls = all - via_backup;
                    self.edges[e].calls[k] = calls;
                    total_calls += calls;
                }
                let edge = &mut self.edges[e];
                edge.traffic = offered;
                edge.adm = match edge.mode {
                    BreakerMode::ForceOpen => 0.0,
                    BreakerMode::ForceClosed => 1.0,
                    BreakerMode::Auto => {
                        let per_inst = total_calls * dt / caller_live;
                        if per_inst > 0.0 {
                            edge.breaker.admit(per_inst) / per_inst
                        } else if edge.breaker.state() == BreakerState::Open {
                            0.0
                        } else {
                            1.0
                        }
                    }
                };
                let to = edge.to;
                let adm = edge.adm;
                let buffer = edge.route.on_failure == OnFailure::Buffer;
                if edge.partitioned {
                    for k in lanes[..nl].iter().map(|&k| k as usize) {
                        edge.held[k] += edge.calls[k] * adm * dt;
                    }
                    continue;
                }
                let callee = &self.comps[to];
                let callee_ok = callee.err < 0.05 && !callee.down;
                let forward = callee.pos > oi;
                let release = callee_ok && edge.held.iter().any(|&h| h > 0.0);
                let mut sends = [0.0; NCLASS];
                for k in lanes[..nl].iter().map(|&k| k as usize) {
                    let s = edge.calls[k] * adm;
                    if buffer && !callee_ok {
                        edge.held[k] += s * q * dt;
                    }
                    sends[k] = s;
                    if release {
                        sends[k] += edge.held[k] / dt;
                        edge.held[k] = 0.0;
                    }
                }
                let callee = &mut self.comps[to];
                let into = if forward {
                    &mut callee.arr
                } else {
                    &mut callee.carry
                };
                for k in lanes[..nl].iter().map(|&k| k as usize) {
                    into[k] += sends[k];
                }
            }
        }
    }

    #[inline(never)]
    fn backward(&mut self) {
        let now = self.now_ms;
        let dt = self.dt;
        for oi in (0..self.order.len()).rev() {
            let i = self.order[oi];
            if self.comps[i].down {
                let c = &mut self.comps[i];
                c.ok = [0.0; NCLASS];
                c.fast = [1.0; NCLASS];
                c.lat = [1.0; NCLASS];
                c.err = if c.arrivals > 0.0 {
                    1.0
                } else {
                    c.err.max(1.0)
                };
                c.latency = 0.0;
                c.own_lat = 0.0;
                continue;
            }
            let mut dep_ok = [1.0; NCLASS];
            let mut dep_fast = [0.0; NCLASS];
            let mut d = [0.0; NCLASS];
            let retries = self.comps[i].p.service_retries;
            let caller_live = self.comps[i].live.max(1.0);
            for ei in 0..self.comps[i].out_edges.len() {
                let e = self.comps[i].out_edges[ei];
                let to = self.edges[e].to;
                let t_e = self.comps[to].p.deadline_ms;
                let adm = self.edges[e].adm;
                let part = self.edges[e].partitioned;
                let on_fail = self.edges[e].route.on_failure;
                let (mut w_ok, mut w_n, mut w_q) = (0.0, 0.0, 0.0);
                let (lanes, nl) = (self.edges[e].lanes, self.edges[e].nl);
                for k in lanes[..nl].iter().map(|&k| k as usize) {
                    let per = self.edges[e].eff_calls[k];
                    if per <= 0.0 {
                        continue;
                    }
                    let callee = &self.comps[to];
                    let q = (1.0 - callee.ok[k]).clamp(0.0, 1.0);
                    let ok_r = 1.0 - powi(q, retries + 1);
                    let (mut e_ok, mut e_fast, mut lat) = if part {
                        (0.0, 0.0, t_e)
                    } else {
                        // A fast failure stays fast through n retries: q^n · fast.
                        (
                            adm * ok_r,
                            (1.0 - adm) + adm * powi(q, retries) * callee.fast[k],
                            adm * callee.lat[k].min(t_e),
                        )
                    };
                    // The share sent to a failover backup gets the backup's outcome.
                    let sh = self.edges[e].fo_share[k];
                    if let (true, Some(f)) = (sh > 0.0, self.edges[e].fo) {
                        let (b_ok, b_fast, b_lat) = self.backup_outcome(f, k, true);
                        e_ok = (1.0 - sh) * e_ok + sh * b_ok;
                        e_fast = (1.0 - sh) * e_fast + sh * b_fast;
                        lat = (1.0 - sh) * lat + sh * b_lat;
                    }
                    self.edges[e].ok[k] = e_ok;
                    d[k] += per * lat;
                    if on_fail == OnFailure::Fail {
                        // Sequential required calls: the request survives this
                        // one with probability e_ok^calls; the absolute chance
                        // of failing fast here is counted only if it got here.
                        let through = pow_calls(e_ok, per);
                        dep_fast[k] += dep_ok[k] * (e_fast * per).min(1.0 - through);
                        dep_ok[k] *= through;
                    }
                    let c = self.edges[e].calls[k] * adm;
                    w_n += c;
                    w_ok += c * ok_r;
                    w_q += c * q;
                }
                // The callee's own 429s: a deliberate answer from a healthy
                // service protecting itself, which a breaker ignores (neither
                // success nor failure). Counting them would turn a partial
                // shed into a total outage, and, since a fleet's breakers
                // trip and probe together, into a retry storm that never ends.
                let shed = if self.comps[to].down {
                    0.0
                } else {
                    self.comps[to].rl
                };
                let edge = &mut self.edges[e];
                let total = edge.traffic;
                edge.err = if total > 0.0 && w_n > 0.0 {
                    1.0 - (w_ok / w_n) * adm
                } else if total > 0.0 {
                    1.0 - adm
                } else {
                    0.0
                };
                if part && total > 0.0 {
                    edge.err = 1.0;
                }
                edge.q_prev = if w_n > 0.0 { w_q / w_n } else { edge.q_prev };
                if edge.mode == BreakerMode::Auto && w_n > 0.0 && !part && shed < 1.0 {
                    let per_inst = w_n * (1.0 - shed) * dt / caller_live;
                    let p = ((w_q / w_n - shed) / (1.0 - shed)).clamp(0.0, 1.0);
                    let rec = edge.breaker.record(now, per_inst, p, &mut self.rng);
                    self.maybe_open |= edge.breaker.state() == BreakerState::Open;
                    if let Some(tr) = rec {
                        let (f, t) = (edge.from, edge.to);
                        let what = match tr {
                            Transition::Opened => {
                                "opened: failures reached the threshold; calls now rejected at once"
                            }
                            Transition::Reopened => "reopened: a probe failed",
                            Transition::Closed => "closed: probes succeeded",
                            Transition::HalfOpened => "half-open",
                        };
                        let m = format!("breaker {} → {} {what}", self.name(f), self.name(t));
                        let cause = self.comps[t].health_event.or(self.comps[t].cause);
                        self.push_event(EventKind::Breaker, Some(f), m, cause);
                    }
                } else if part && edge.mode == BreakerMode::Auto && total > 0.0 {
                    let per_inst = total * dt / caller_live;
                    let rec = edge.breaker.record(now, per_inst, 1.0, &mut self.rng);
                    self.maybe_open |= edge.breaker.state() == BreakerState::Open;
                    if let Some(Transition::Opened | Transition::Reopened) = rec {
                        let (f, t) = (edge.from, edge.to);
                        let m = format!(
                            "breaker {} → {} opened: the dependency is unreachable",
                            self.name(f),
                            self.name(t)
                        );
                        let cause = self.comps[f].cause;
                        self.push_event(EventKind::Breaker, Some(f), m, cause);
                    }
                }
            }
            let c = &mut self.comps[i];
            let mut own_ok = [1.0; MAX_POOLS];
            let mut own_fast = [0.0; MAX_POOLS];
            let mut own_lat = [0.0; MAX_POOLS];
            let base = c.p.service_ms + c.extra_ms + c.p.base_latency_ms;
            for g in 0..c.npools {
                let (mut dm, mut wsum) = (0.0, 0.0);
                if c.npools == 1 {
                    for k in 0..NCLASS {
                        dm += d[k] * c.arr[k];
                        wsum += c.arr[k];
                    }
                } else {
                    for k in 0..NCLASS {
                        if c.class_pool[k] == g {
                            dm += d[k] * c.arr[k];
                            wsum += c.arr[k];
                        }
                    }
                }
                let dmean = if wsum > 0.0 { dm / wsum } else { 0.0 };
                let wb = if c.p.discipline == Discipline::Lifo {
                    0.0
                } else {
                    c.pool_wb[g]
                };
                let slack = c.p.deadline_ms - (wb * 1000.0 + base + dmean);
                let pt = if slack <= 0.0 {
                    1.0
                } else {
                    // e^-x below 1e-17 for x > 40: skip the call (the common case).
                    let xq = c.pool_rate[g] * slack / 1000.0;
                    let queue_tail = if xq > 40.0 || c.pool_c[g] <= 0.0 {
                        0.0
                    } else {
                        (c.pool_c[g] * libm::exp(-xq)).min(1.0)
                    };
                    let xs = slack / c.p.service_ms;
                    let svc_tail = if c.p.service_dist == ServiceDist::Exponential && xs <= 40.0 {
                        libm::exp(-xs)
                    } else {
                        0.0
                    };
                    1.0 - (1.0 - queue_tail) * (1.0 - svc_tail)
                };
                let accepted = (1.0 - c.pool_rej[g] - c.pool_exp[g]).max(0.0);
                own_ok[g] = (1.0 - c.rl) * accepted * (1.0 - pt) * (1.0 - c.p.base_error_rate);
                own_fast[g] = c.rl
                    + (1.0 - c.rl) * (c.pool_rej[g] + accepted * (1.0 - pt) * c.p.base_error_rate);
                own_lat[g] = base + (wb + c.pool_wq[g]) * 1000.0;
            }
            let deadline = c.p.deadline_ms;
            if c.npools == 1 {
                // One compartment: the same per-lane formulas with g = 0.
                let (o_ok, o_fast, o_lat) = (own_ok[0], own_fast[0], own_lat[0]);
                for k in 0..NCLASS {
                    let ok = o_ok * dep_ok[k];
                    c.ok[k] = ok;
                    c.fast[k] = (o_fast + o_ok * dep_fast[k]).min(1.0 - ok).max(0.0);
                    c.lat[k] = (o_lat + d[k]).min(deadline);
                }
            } else {
                for k in 0..NCLASS {
                    let g = c.class_pool[k];
                    let ok = own_ok[g] * dep_ok[k];
                    c.ok[k] = ok;
                    c.fast[k] = (own_fast[g] + own_ok[g] * dep_fast[k])
                        .min(1.0 - ok)
                        .max(0.0);
                    c.lat[k] = (own_lat[g] + d[k]).min(deadline);
                }
            }
            // Each accumulator sums the lanes in order, as before.
            let (mut okw, mut latw, mut n) = (0.0, 0.0, 0.0);
            for k in 0..NCLASS {
                okw += c.arr[k] * c.ok[k];
                latw += c.arr[k] * c.lat[k];
                n += c.arr[k];
            }
            c.own_lat = own_lat[0];
            if n > 0.0 {
                c.err = (1.0 - okw / n).clamp(0.0, 1.0);
                c.latency = latw / n;
            } else {
                c.err = 0.0;
                c.latency = own_lat[0];
            }
            // Failover: the moved share's outcome is the backup's.
            // Failovers before `fo_from` (the first whose primary is `i`) are not `i`'s.
            let fo_first = self.comps[i].fo_from.unwrap_or(self.fos.len());
            for f in fo_first..self.fos.len() {
                let fo = &self.fos[f];
                if fo.from != i || fo.f.moved <= 0.0 {
                    continue;
                }
                let (m, w) = (fo.f.moved, fo.f.writes_moved);
                for k in 0..NCLASS {
                    let s = if RequestClass::ALL[k].is_write() && !w {
                        0.0
                    } else {
                        m
                    };
                    let (bok, bfast, blat) = self.backup_outcome(f, k, false);
                    let c = &mut self.comps[i];
                    c.ok[k] = c.ok[k] * (1.0 - s) + bok * s;
                    c.fast[k] = c.fast[k] * (1.0 - s) + bfast * s;
                    c.lat[k] = c.lat[k] * (1.0 - s) + blat * s;
                }
            }
        }
    }

    /// Outcome (success, fast failure, latency) of a call moved over
    /// failover `f` in lane `k`: the rebuilt cache answers its share at the
    /// primary's own speed, the backup the rest (its latency capped at its
    /// deadline when `cap`, as a caller sees it).
    fn backup_outcome(&self, f: usize, k: usize, cap: bool) -> (f64, f64, f64) {
        let fo = &self.fos[f];
        let b = &self.comps[fo.to];
        let b_lat = if cap {
            b.lat[k].min(b.p.deadline_ms)
        } else {
            b.lat[k]
        };
        let hit = fo.rebuilt;
        if hit <= 0.0 {
            // No rebuild: exactly the backup's outcome.
            return (b.ok[k], b.fast[k], b_lat);
        }
        let p = &self.comps[fo.from].p;
        let hit_lat = p.service_ms + p.base_latency_ms;
        let miss = 1.0 - hit;
        (
            hit + miss * b.ok[k],
            miss * b.fast[k],
            hit * hit_lat + miss * b_lat,
        )
    }

    #[inline(never)]
    fn outcomes(&mut self) {
        let dt = self.dt;
        let nr = self.users.len();
        let ur = self.user_rates();
        let tick_ms = self.scenario.tick_ms;
        let policy = self.retry;
        // Per class: attempts, successes, failures (fast/slow) across regions.
        let mut att = [0.0; NCLASS];
        let mut okn = [0.0; NCLASS];
        let mut fastn = [0.0; NCLASS];
        let mut latw = [0.0; NCLASS];
        let mut region_ok_api = [0.0; MAX_REGIONS];
        let mut region_feature = [[1.0f64; 4]; MAX_REGIONS];
        let mut timeout_ms = [0.0; NCLASS];
        for r in 0..nr {
            let (edge, voice) = self.region_entry[r];
            let (mut a_api, mut ok_api) = (0.0, 0.0);
            let mut rates = ur;
            for k in 0..NCLASS {
                let entry = if k == RequestClass::VoiceJoin.lane() {
                    voice
                } else {
                    edge
                };
                let c = &self.comps[entry];
                let a = self.att[r][k];
                let refuse = self.refused[r][k];
                let ok = c.ok[k] * (1.0 - refuse);
                att[k] += a;
                okn[k] += a * ok;
                fastn[k] += a * (refuse + (1.0 - refuse) * c.fast[k]);
                // What a dashboard measures: successes at their latency,
                // timeouts at the deadline, fast failures at ~0.
                let slow = (1.0 - ok - (refuse + (1.0 - refuse) * c.fast[k])).max(0.0);
                latw[k] += a * (ok * c.lat[k] + slow * c.p.deadline_ms);
                timeout_ms[k] = c.p.deadline_ms;
                if RequestClass::ALL[k].is_api() {
                    a_api += a;
                    ok_api += a * ok;
                }
                match RequestClass::ALL[k] {
                    RequestClass::Presence => rates.heartbeat_ok = c.ok[k],
                    RequestClass::GatewayConnect => rates.connect_ok = ok,
                    RequestClass::MessageSend => {
                        region_feature[r][0] = region_feature[r][0].min(ok)
                    }
                    RequestClass::MessageRead => {
                        region_feature[r][0] = region_feature[r][0].min(ok)
                    }
                    RequestClass::VoiceJoin => region_feature[r][1] = ok,
                    RequestClass::Search => region_feature[r][2] = ok,
                    RequestClass::Upload => region_feature[r][3] = ok,
                }
            }
            region_ok_api[r] = if a_api > 0.0 { ok_api / a_api } else { 1.0 };
            let before = self.users[r].connected;
            let (dropped, _back) = users::advance(&mut self.users[r], &rates, dt);
            if dropped > 0.01 * before.max(1.0) && dropped * 100.0 > before * dt {
                // Large drops are reported once per burst via health events; keep the log readable.
            }
        }
        // Client retries.
        let mut want = 0.0;
        let mut sched: [[f64; ATTEMPT_BUCKETS + 1]; NCLASS] = [[0.0; ATTEMPT_BUCKETS + 1]; NCLASS];
        for k in 0..NCLASS {
            let cls = RequestClass::ALL[k];
            if matches!(cls, RequestClass::GatewayConnect | RequestClass::Presence) || att[k] <= 0.0
            {
                continue;
            }
            let fail_share = 1.0 - okn[k] / att[k];
            // Refused requests are final answers, not retried.
            let mut refused_share = 0.0;
            for r in 0..nr {
                refused_share += self.att[r][k] * self.refused[r][k];
            }
            refused_share /= att[k];
            let retryable = (fail_share - refused_share).max(0.0);
            let first = self.first[k];
            // Bucket b of sched = failures that would become retry number b+1.
            sched[k][0] = first * retryable;
            let due_sum: f64 = self.retry_due[k].iter().sum::<f64>();
            for b in 0..ATTEMPT_BUCKETS {
                let due = self.retry_due[k][b] * (att[k] / (first + due_sum).max(1e-12));
                let nb = (b + 1).min(ATTEMPT_BUCKETS);
                // The last bucket pools retry #4 and later; under a cap of m
                // attempts a request leaves it after about m − 4 more tries
                // (geometric approximation of the deterministic cap).
                let cont = if b + 1 >= ATTEMPT_BUCKETS && policy.max_attempts > 0 {
                    let left = policy.max_attempts as f64 - ATTEMPT_BUCKETS as f64;
                    if left > 1.0 {
                        1.0 - 1.0 / left
                    } else {
                        0.0
                    }
                } else {
                    1.0
                };
                sched[k][nb] += due * retryable * cont;
            }
        }
        for k in 0..NCLASS {
            for (nb, &f) in sched[k].iter().enumerate() {
                // nb = retry number − 1; attempts already made = nb + 1.
                if f > 0.0 && policy.allows_retry(nb as u32 + 1) {
                    want += f;
                }
            }
        }
        let mut allow = 1.0;
        if let Some(b) = policy.budget {
            let successes: f64 = okn.iter().sum();
            self.tokens = (self.tokens + b.ratio * successes * dt).min(b.max_tokens);
            let want_n = want * dt;
            if want_n > self.tokens {
                allow = if want_n > 0.0 {
                    self.tokens / want_n
                } else {
                    0.0
                };
                self.tokens = 0.0;
            } else {
                self.tokens -= want_n;
            }
        }
        if self.retry_windows.key != Some((policy, timeout_ms)) {
            self.retry_windows = RetryWindows::new(policy, timeout_ms, tick_ms);
        }
        for k in 0..NCLASS {
            let fast = if att[k] > okn[k] {
                (fastn[k] / (att[k] - okn[k])).min(1.0)
            } else {
                1.0
            };
            for (nb, &f) in sched[k].iter().enumerate() {
                let n = nb as u32 + 1;
                if f <= 0.0 || !policy.allows_retry(n) {
                    continue;
                }
                let count = f * dt * allow;
                let bucket = nb.min(ATTEMPT_BUCKETS - 1);
                let lane = k * ATTEMPT_BUCKETS + bucket;
                for w in self.retry_windows.w[k][nb].into_iter().flatten() {
                    for (share, (lo, hi)) in [(fast, w.ticks[0]), (1.0 - fast, w.ticks[1])] {
                        let x = count * w.share * share;
                        if x <= 0.0 {
                            continue;
                        }
                        self.ring.schedule(lane, self.tick, lo, hi, x);
                    }
                }
            }
        }
        // Indicators.
        let ratio = |a: f64, b: f64, d: f64| if b > 0.0 { a / b } else { d };
        let (mut a_api, mut ok_api, mut lat_api) = (0.0, 0.0, 0.0);
        for k in (0..NCLASS).filter(|&k| RequestClass::ALL[k].is_api()) {
            a_api += att[k];
            ok_api += okn[k];
            lat_api += latw[k];
        }
        let send = RequestClass::MessageSend.lane();
        // The slowest database's mean query time: what a dashboard's "DB query time" shows first.
        let mut db_lat: f64 = 0.0;
        for &i in &self.role_comps[3] {
            let c = &self.comps[i];
            if !c.down && c.throughput > 0.0 {
                db_lat = db_lat.max(c.latency);
            }
        }
        let mut s = Sli {
            api_success: ratio(ok_api, a_api, 1.0),
            // Percentiles from the mean of an exponential-like response
            // time (p95 ≈ 3·mean, p99 ≈ 4.6·mean), never beyond the deadline.
            api_latency_p95_ms: (ratio(lat_api, a_api, 0.0) * 3.0)
                .min(timeout_ms[1].max(timeout_ms[0])),
            ws_connect_rate: ratio(okn[2], att[2], 1.0),
            voice_success: ratio(okn[3], att[3], 1.0),
            delivery_rate: ratio(okn[send], att[send], 1.0),
            delivery_latency_p99_ms: (ratio(latw[send], att[send], 0.0) * 4.6)
                .min(timeout_ms[send]),
            db_query_ms: db_lat,
            ..Sli::default()
        };
        let mut total_att = 0.0;
        let mut retries = 0.0;
        for k in 0..NCLASS {
            total_att += att[k];
            retries += (att[k] - self.first[k]).max(0.0);
        }
        s.request_rate = total_att;
        s.retry_share = ratio(retries, total_att, 0.0);
        for r in 0..nr {
            let u = self.users[r];
            let affected = u.reconnecting + u.offline + u.connected * (1.0 - region_ok_api[r]);
            s.users_affected_by_region[r] = affected;
            s.users_affected += affected;
            for f in 0..4 {
                s.users_affected_by_feature[f] +=
                    u.reconnecting + u.offline + u.connected * (1.0 - region_feature[r][f]);
            }
        }
        self.sli = s;
        if !self.blind {
            self.sli_shown = s;
            self.sli_as_of = self.now_ms;
        }
    }

    fn blame(&self, i: usize) -> Option<usize> {
        if let Some(c) = self.comps[i].cause {
            return Some(c);
        }
        let mut best: Option<usize> = None;
        for &e in &self.comps[i].out_edges {
            let to = self.edges[e].to;
            if self.comps[to].health != Health::Healthy {
                if let Some(h) = self.comps[to].health_event.or(self.comps[to].cause) {
                    best = Some(best.map_or(h, |b: usize| b.min(h)));
                }
            }
        }
        best.or(self.load_cause)
    }

    #[inline(never)]
    fn maintenance(&mut self) {
        let tick = self.scenario.tick_ms;
        let now = self.now_ms;
        let dt = self.dt;
        for i in 0..self.comps.len() {
            // Memory: queued requests and buffered calls, spread over live servers.
            let mut items: f64 = self.comps[i].queue.iter().sum();
            for &e in &self.comps[i].out_edges {
                items += self.edges[e].held.iter().sum::<f64>();
            }
            let c = &self.comps[i];
            if c.p.memory_mb > 0.0 && c.live > 0.0 {
                let mem = memory::per_server_mb(c.p.base_memory_mb, items, c.p.item_kb, c.live);
                let frac = mem / c.p.memory_mb;
                self.comps[i].mem_frac = frac.min(1.0);
                if frac >= 1.0 {
                    let cause = self.comps[i].health_event.or_else(|| self.blame(i));
                    let c = &mut self.comps[i];
                    let n = c.live;
                    c.crashed += n;
                    c.live = 0.0;
                    c.queue = [0.0; MAX_POOLS];
                    c.restart_timer = c.p.restart_ms as i64;
                    if c.p.hit_rate > 0.0 {
                        c.warm = 0.0;
                    }
                    let out = c.out_edges.clone();
                    for e in out {
                        self.edges[e].held = [0.0; NCLASS];
                    }
                    let m = format!(
                        "{}: {n:.0} servers ran out of memory ({} MB) and crashed; their buffered work is lost",
                        self.name(i),
                        self.comps[i].p.memory_mb
                    );
                    let ev = self.push_event(EventKind::Crash, Some(i), m, cause);
                    self.comps[i].health_event = Some(ev);
                }
            } else if c.live > 0.0 || c.p.memory_mb == 0.0 {
                self.comps[i].mem_frac = if c.p.memory_mb > 0.0 {
                    (c.p.base_memory_mb / c.p.memory_mb).min(1.0)
                } else {
                    0.0
                };
            }
            // Restarts in batches (need the orchestrator).
            let orch = self.orch_down;
            let c = &mut self.comps[i];
            // The orchestrator reschedules crashed servers; its own come back by
            // the provider's hand.
            if c.crashed > 0.0 && !c.killed && (!orch || c.p.role == Role::Orchestrator) {
                c.restart_timer -= tick as i64;
                if c.restart_timer <= 0 {
                    let b = (c.p.restart_batch * c.target).max(1.0).min(c.crashed);
                    c.live += b;
                    c.crashed -= b;
                    if c.crashed < 1e-9 {
                        c.crashed = 0.0;
                    }
                    c.restart_timer = c.p.restart_ms as i64;
                    let m = format!(
                        "{}: {b:.0} servers restarted ({:.0} still down)",
                        self.name(i),
                        self.comps[i].crashed
                    );
                    let cause = self.comps[i].health_event;
                    self.push_event(EventKind::Restart, Some(i), m, cause);
                }
            }
            // Rolling restart.
            let c = &mut self.comps[i];
            if c.rolling_left > 0.0 {
                if c.rolling_down <= 0.0 {
                    let batch = c.p.restart_batch.min(c.rolling_left);
                    c.rolling_down = (batch * c.target).min(c.live);
                    for g in 0..c.npools {
                        c.queue[g] *= 1.0 - batch;
                    }
                    c.rolling_timer = c.p.restart_ms as i64;
                } else {
                    c.rolling_timer -= tick as i64;
                    if c.rolling_timer <= 0 {
                        let batch = c.p.restart_batch.min(c.rolling_left);
                        c.rolling_left -= batch;
                        c.rolling_down = 0.0;
                        if c.rolling_left <= 1e-9 {
                            c.rolling_left = 0.0;
                            let m = format!("{}: rolling restart complete", self.name(i));
                            let cause = self.comps[i].cause;
                            self.push_event(EventKind::Restart, Some(i), m, cause);
                        }
                    }
                }
            }
            // Autoscaling.
            let c = &mut self.comps[i];
            if let (Some(a), false) = (c.p.autoscale, orch) {
                if let Some((at, new)) = c.pending_scale {
                    if now >= at {
                        c.pending_scale = None;
                        if !c.killed {
                            c.live += new - c.target;
                        }
                        c.target = new;
                        let m = format!(
                            "{}: autoscaler added capacity, now {new:.0} servers",
                            self.name(i)
                        );
                        let cause = self.comps[i].health_event;
                        self.push_event(EventKind::Autoscale, Some(i), m, cause);
                    }
                } else if c.util > a.target && !c.down {
                    c.above_ms += tick;
                    c.below_ms = 0;
                    if c.above_ms >= a.after_ms && c.target < c.p.servers * a.max_factor {
                        let new = (c.target * (1.0 + a.step)).min(c.p.servers * a.max_factor);
                        c.pending_scale = Some((now + a.provision_ms, new));
                        c.above_ms = 0;
                    }
                } else {
                    c.above_ms = 0;
                    if c.util < 0.4 && c.target > c.p.servers {
                        c.below_ms += tick;
                        if c.below_ms >= 1_800_000 {
                            let new = (c.target * 0.8).max(c.p.servers);
                            c.live = (c.live - (c.target - new)).max(0.0);
                            c.target = new;
                            c.below_ms = 0;
                        }
                    }
                }
            }
            // Cache warmth: fills toward the hit rate from timely (look-aside) or any (read-through) answers.
            let c = &self.comps[i];
            if c.p.hit_rate > 0.0 {
                if c.down {
                    self.comps[i].warm = 0.0;
                } else {
                    let mut fill = 1.0;
                    let mut n = 0.0;
                    let mut acc = 0.0;
                    for &e in &c.fallback_edges {
                        let edge = &self.edges[e];
                        let db = &self.comps[edge.to];
                        let w: f64 = edge.calls.iter().sum();
                        let got = match c.p.cache_kind {
                            CacheKind::LookAside => {
                                let mut s = 0.0;
                                let mut ws = 0.0;
                                for k in 0..NCLASS {
                                    s += edge.calls[k] * edge.ok[k];
                                    ws += edge.calls[k];
                                }
                                if ws > 0.0 {
                                    s / ws
                                } else {
                                    1.0
                                }
                            }
                            CacheKind::ReadThrough => {
                                // The cache fetches misses itself and keeps late answers too.
                                if db.down {
                                    0.0
                                } else {
                                    edge.adm
                                }
                            }
                        };
                        acc += got * w.max(1e-9);
                        n += w.max(1e-9);
                    }
                    if n > 0.0 {
                        fill = acc / n;
                    }
                    let w = cache::warm_step(c.warm, c.p.hit_rate, fill, dt * 1000.0, c.p.warm_ms);
                    self.comps[i].warm = w;
                }
            }
        }
        self.triggers();
        self.health();
    }

    fn set_switch_auto(&mut self, t: AutoTrigger, why: String) {
        let s = t.switch() as usize;
        if self.switches[s] || self.config_blocked {
            return;
        }
        self.switches[s] = true;
        let cause = self.load_cause;
        let ev = self.push_event(
            EventKind::Trigger,
            None,
            format!("automatic trigger: {} ({why})", t.rule()),
            cause,
        );
        self.push_event(
            EventKind::KillSwitch,
            None,
            format!("{} turned on", t.switch().as_str()),
            Some(ev),
        );
    }

    #[inline(never)]
    fn triggers(&mut self) {
        let tick = self.scenario.tick_ms;
        // Database CPU > 90% for 5 minutes.
        let hot = self.role_comps[3].iter().any(|&i| self.comps[i].util > 0.9);
        self.trigger_ms[0] = if hot { self.trigger_ms[0] + tick } else { 0 };
        if self.armed[0] && self.trigger_ms[0] >= 300_000 {
            self.set_switch_auto(
                AutoTrigger::DatabaseCpu,
                "database utilisation above 90% for 5 minutes".into(),
            );
        }
        // Message queue depth > 1M.
        let depth: f64 = self.role_comps[4]
            .iter()
            .map(|&i| self.comps[i].queue.iter().sum::<f64>())
            .sum();
        if self.armed[1] && depth > 1e6 {
            self.set_switch_auto(AutoTrigger::QueueDepth, format!("queue depth {depth:.0}"));
        }
        // Error rate > 5% (sustained for a minute, to ignore noise).
        let bad = 1.0 - self.sli.api_success > 0.05;
        self.trigger_ms[2] = if bad { self.trigger_ms[2] + tick } else { 0 };
        if self.armed[2] && self.trigger_ms[2] >= 60_000 {
            let e = (1.0 - self.sli.api_success) * 100.0;
            self.set_switch_auto(AutoTrigger::ErrorRate, format!("API error rate {e:.1}%"));
        }
        // Storage > 95%.
        let full = self.role_comps[5].iter().any(|&i| {
            let c = &self.comps[i];
            c.storage_used / c.p.storage_gb > 0.95
        });
        if self.armed[3] && full {
            self.set_switch_auto(AutoTrigger::Storage, "storage above 95%".into());
        }
    }

    fn classify(&self, i: usize) -> Health {
        let c = &self.comps[i];
        if c.down {
            return if c.crashed > 0.0 && !c.killed && !self.orch_down {
                Health::Recovering
            } else {
                Health::Down
            };
        }
        if c.fo_from.is_some_and(|first| {
            self.fos[first..]
                .iter()
                .any(|f| f.from == i && f.f.moved > 0.0 && f.f.phase != Phase::FailingBack)
        }) {
            return Health::FailingOver;
        }
        let qmax: f64 = c.p.queue_limit;
        let q: f64 = c.queue.iter().sum();
        if c.arrivals * (1.0 - c.rl) > c.capacity * 1.0001 || (qmax > 0.0 && q > 0.5 * qmax) {
            return Health::Overloaded;
        }
        if c.crashed > 0.0 || c.rolling_down > 0.0 {
            return Health::Recovering;
        }
        if c.err > 0.01 + c.p.base_error_rate
            || c.cap_frac < 1.0
            || c.extra_ms > 0.0
            || c.mem_frac > 0.9
        {
            return Health::Degraded;
        }
        Health::Healthy
    }

    #[inline(never)]
    fn health(&mut self) {
        for oi in (0..self.order.len()).rev() {
            let i = self.order[oi];
            let h = self.classify(i);
            if h == self.comps[i].health {
                continue;
            }
            let old = self.comps[i].health;
            self.comps[i].health = h;
            let cause = if h == Health::Healthy {
                self.comps[i].health_event
            } else {
                self.blame(i)
            };
            let why = match h {
                Health::Healthy => "healthy again".to_string(),
                Health::Degraded => format!(
                    "degraded: {:.1}% errors, {:.0} ms",
                    self.comps[i].err * 100.0,
                    self.comps[i].latency
                ),
                Health::Overloaded => format!(
                    "overloaded: {:.0} req/s arriving for {:.0} req/s of capacity",
                    self.comps[i].arrivals, self.comps[i].capacity
                ),
                Health::Down => "down: no live servers".to_string(),
                Health::FailingOver => "failing over to its backup".to_string(),
                Health::Recovering => "recovering: servers restarting".to_string(),
            };
            let m = format!("{} {why} (was {})", self.name(i), health_word(old));
            let ev = self.push_event(EventKind::Health, Some(i), m, cause);
            if h == Health::Healthy {
                self.comps[i].cause = None;
                self.comps[i].health_event = None;
            } else {
                self.comps[i].health_event = Some(ev);
            }
        }
    }

    fn take_sample(&mut self) {
        let comps = self
            .comps
            .iter()
            .map(|c| ComponentSample {
                health: c.health,
                utilisation: c.util,
                queue: c.waiting,
                memory_fraction: c.mem_frac,
                error_rate: c.err,
                throughput: c.throughput,
                latency_ms: c.latency,
            })
            .collect();
        let users = self.total_users();
        self.samples.push(Sample {
            t_ms: self.now_ms,
            sli: self.sli,
            users,
            components: comps,
        });
    }

    fn total_users(&self) -> Users {
        let mut u = Users::default();
        for r in &self.users {
            u.connected += r.connected;
            u.reconnecting += r.reconnecting;
            u.offline += r.offline;
        }
        u
    }

    pub fn snapshot(&self) -> Snapshot {
        let components = self
            .comps
            .iter()
            .map(|c| ComponentState {
                health: c.health,
                utilisation: c.util,
                queue: c.waiting,
                queue_limit: c.p.queue_limit,
                memory_fraction: c.mem_frac,
                error_rate: c.err,
                throughput: c.throughput,
                capacity: c.capacity,
                arrivals: c.arrivals,
                latency_ms: c.latency,
                servers: (c.live - c.rolling_down).max(0.0),
                target_servers: c.target,
                hit_rate: c.warm,
                pool_in_use: c.pool_in_use,
            })
            .collect();
        let edges = self
            .edges
            .iter()
            .map(|e| EdgeState {
                traffic: e.traffic,
                error_rate: e.err,
                breaker: e.breaker.state(),
                partitioned: e.partitioned,
                held: e.held.iter().sum(),
            })
            .collect();
        let failovers = self
            .fos
            .iter()
            .map(|f| FailoverState {
                active: f.f.phase != Phase::Idle && f.f.phase != Phase::Detecting,
                moved: f.f.moved,
                phase: f.f.phase.name(),
            })
            .collect();
        let mut ks = [SwitchState {
            switch: KillSwitch::ALL[0],
            on: false,
        }; 6];
        for (i, s) in KillSwitch::ALL.iter().enumerate() {
            ks[i] = SwitchState {
                switch: *s,
                on: self.switches[i],
            };
        }
        Snapshot {
            t_ms: self.now_ms,
            sli: self.sli_shown,
            sli_true: self.sli,
            components,
            edges,
            failovers,
            kill_switches: ks,
            users: self.total_users(),
            users_by_region: self.users.clone(),
            monitoring_blind: self.blind,
            sli_as_of_ms: self.sli_as_of,
            config_blocked: self.config_blocked,
            orchestrator_down: self.orch_down,
            traffic_multiplier: self.multiplier,
        }
    }
}

fn health_word(h: Health) -> &'static str {
    match h {
        Health::Healthy => "healthy",
        Health::Degraded => "degraded",
        Health::Overloaded => "overloaded",
        Health::Down => "down",
        Health::FailingOver => "failing over",
        Health::Recovering => "recovering",
    }
}

fn comp_of(t: &Target) -> Option<usize> {
    match t {
        Target::Comp(i) => Some(*i),
        _ => None,
    }
}

fn describe(t: &Topology, a: &Action) -> String {
    let n = |id: &str| t.component(id).map_or(id.to_string(), |c| c.name.clone());
    match a {
        Action::Kill { component } => format!("kill {}", n(component)),
        Action::Revive { component } => format!("revive {}", n(component)),
        Action::Degrade {
            component,
            capacity_fraction,
        } => {
            format!(
                "degrade {} to {:.0}% capacity",
                n(component),
                capacity_fraction * 100.0
            )
        }
        Action::AddLatency { component, ms } => {
            format!("add {ms:.0} ms latency to {}", n(component))
        }
        Action::Partition {
            component,
            dependency,
        } => format!("partition {} from {}", n(component), n(dependency)),
        Action::Heal {
            component,
            dependency,
        } => format!("heal partition {} ↔ {}", n(component), n(dependency)),
        Action::SetBreaker { from, to, mode } => {
            format!("breaker {} → {} set to {mode:?}", n(from), n(to))
        }
        Action::SetBreakerPreset { preset } => format!("breakers use the {preset:?} preset"),
        Action::SetKillSwitch { switch, on } => format!("{} = {on}", switch.as_str()),
        Action::SetAutoTrigger { trigger, enabled } => format!(
            "trigger `{}` {}",
            trigger.rule(),
            if *enabled { "armed" } else { "disarmed" }
        ),
        Action::SetTrafficMultiplier { multiplier } => format!("traffic × {multiplier}"),
        Action::SetRetryPolicy { policy } => format!(
            "client retry policy: {:?} backoff, {:?} jitter, max {} attempts",
            policy.backoff, policy.jitter, policy.max_attempts
        ),
        Action::Scale { component, factor } => {
            format!("scale {} to {factor}× its servers", n(component))
        }
        Action::RollingRestart { component } => format!("rolling restart of {}", n(component)),
        Action::DisableMessageSending { disabled } => {
            if *disabled {
                "message sending disabled globally".into()
            } else {
                "message sending enabled".into()
            }
        }
        Action::SetReconnectAdmission { per_second } => {
            if *per_second > 0.0 {
                format!("admit at most {per_second:.0} reconnects/s")
            } else {
                "reconnect admission unlimited".into()
            }
        }
        Action::ShedLoad { fraction } => {
            format!(
                "shed {:.0}% of incoming requests at the edge",
                fraction * 100.0
            )
        }
        Action::SetDeadlineCheck { component, on } => format!(
            "deadline checks on {} {}",
            n(component),
            if *on { "on" } else { "off" }
        ),
    }
}

/// Kahn's algorithm over call and hosting edges, ties broken by file order;
/// components on a cycle (none in a valid topology) are appended in file order.
fn topo_order(t: &Topology) -> Vec<usize> {
    let n = t.components.len();
    let mut indeg = vec![0usize; n];
    for d in &t.dependencies {
        indeg[d.to] += 1;
    }
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    loop {
        let next = (0..n).find(|&i| !done[i] && indeg[i] == 0);
        match next {
            Some(i) => {
                done[i] = true;
                order.push(i);
                for d in &t.dependencies {
                    if d.from == i {
                        indeg[d.to] -= 1;
                    }
                }
            }
            None => break,
        }
    }
    for (i, d) in done.iter().enumerate() {
        if !d {
            order.push(i);
        }
    }
    order
}

/// FNV-1a over every sample's indicator and per-component `f64` bits: equal
/// hashes mean bit-identical runs (compare native with wasm32).
pub fn run_hash(samples: &[Sample]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |x: u64| {
        for b in x.to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for s in samples {
        eat(s.t_ms);
        let v = &s.sli;
        for x in [
            v.api_success,
            v.api_latency_p95_ms,
            v.ws_connect_rate,
            v.voice_success,
            v.delivery_rate,
            v.delivery_latency_p99_ms,
            v.db_query_ms,
            v.users_affected,
            v.request_rate,
            s.users.connected,
            s.users.reconnecting,
            s.users.offline,
        ] {
            eat(x.to_bits());
        }
        for c in &s.components {
            for x in [
                c.utilisation,
                c.queue,
                c.memory_fraction,
                c.error_rate,
                c.throughput,
                c.latency_ms,
            ] {
                eat(x.to_bits());
            }
        }
    }
    h
}
