//! Model parameters: per component (capacity, queue, deadline, memory,
//! cache, pool, failover timings...) and per dependency edge (which request
//! classes it carries and how).
//!
//! The bundled figures live in `scenarios/platform.toml`, each with a comment
//! citing the seed it comes from; a scenario overrides any of them under
//! `[params.<component id>]` or adds `[[route]]` tables. Anything left out
//! takes the defaults below, which describe a generic small service.

use serde::{Deserialize, Serialize};

use crate::sim::class::{RequestClass, NCLASS};

/// Service-time distribution of a component's servers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceDist {
    /// Exponential service times (M/M/c).
    Exponential,
    /// Constant service times (M/D/c: half the queueing delay, Allen–Cunneen).
    Constant,
}

/// Queue discipline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discipline {
    /// Oldest first: a backlog serves stale work first.
    Fifo,
    /// Newest first: fresh requests succeed, stale ones time out in the queue.
    Lifo,
}

/// A component's special role for the control-plane mechanisms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Nothing special.
    Service,
    /// A database: its utilisation feeds the read-only trigger, its latency the DB-query SLI.
    Database,
    /// Monitoring: when every monitoring component is down, dashboards go blind.
    Monitoring,
    /// Configuration: when every config component is down, flags cannot change.
    Config,
    /// Orchestrator: when every orchestrator is down, no autoscaling or restarts.
    Orchestrator,
    /// A message queue/router: its queue feeds the queue-depth trigger.
    MessageQueue,
    /// Session servers (count for the reconnect herd).
    Sessions,
}

/// How a look-aside or read-through cache refills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheKind {
    /// The caller fills the cache, only from database answers that arrive in time.
    LookAside,
    /// The cache fetches misses itself and fills from every answer, even late ones.
    ReadThrough,
}

/// Autoscaling rule (seed 002: "CPU > 70% for 5 minutes: add 25% capacity").
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Autoscale {
    /// Utilisation above which to scale up.
    #[serde(default = "d_07")]
    pub target: f64,
    /// How long it must stay above, ms.
    #[serde(default = "d_300000")]
    pub after_ms: u64,
    /// Growth per step (0.25 = +25%).
    #[serde(default = "d_025")]
    pub step: f64,
    /// Time for new servers to come up, ms.
    #[serde(default = "d_120000")]
    pub provision_ms: u64,
    /// Largest multiple of the configured servers.
    #[serde(default = "d_4")]
    pub max_factor: f64,
}

fn d_07() -> f64 {
    0.7
}
fn d_300000() -> u64 {
    300_000
}
fn d_025() -> f64 {
    0.25
}
fn d_120000() -> u64 {
    120_000
}
fn d_4() -> f64 {
    4.0
}

/// A bulkhead compartment: a share of the servers reserved for some classes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compartment {
    /// Name (e.g. "read", "write", "analytics", "admin").
    pub name: String,
    /// Share of servers, `(0, 1]`.
    pub share: f64,
    /// Classes served by this compartment (ids as in data files).
    #[serde(default)]
    pub classes: Vec<RequestClass>,
}

/// Every model parameter of one component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ComponentParams {
    /// Servers (instances, nodes, workers) at full strength.
    pub servers: f64,
    /// Mean service time per request, ms.
    pub service_ms: f64,
    /// Service-time distribution.
    pub service_dist: ServiceDist,
    /// Most requests that can wait (the rest are rejected at once).
    pub queue_limit: f64,
    /// Queue discipline.
    pub discipline: Discipline,
    /// Callers give up after this long, ms.
    pub deadline_ms: f64,
    /// Whether servers drop requests whose caller already gave up.
    pub deadline_check: bool,
    /// Errors even when healthy (the seeds' "normal" failure rates).
    pub base_error_rate: f64,
    /// Network/processing latency added to every answer, ms.
    pub base_latency_ms: f64,
    /// Per-server rate limit in requests/s (0 = none); beyond it, 429.
    pub rate_limit_per_server: f64,
    /// Memory limit per server, MB (0 = not modelled).
    pub memory_mb: f64,
    /// Memory in use at idle, MB per server.
    pub base_memory_mb: f64,
    /// Memory held per queued request or buffered event, KB.
    pub item_kb: f64,
    /// Load imbalance between servers, `[0, 1)`: their shares of the queued
    /// and buffered work spread evenly from `1 − spread` to `1 + spread`
    /// times the mean, so the most loaded run out of memory first and the
    /// rest follow as the backlog grows (0: all at once).
    pub memory_spread: f64,
    /// Cache: steady hit rate (0 = not a cache).
    pub hit_rate: f64,
    /// Cache refill policy.
    pub cache_kind: CacheKind,
    /// Cache warm-up time constant, ms (seed 000: "5-10 minutes for full recovery").
    pub warm_ms: f64,
    /// Database connection pool size (0 = no pool limit).
    pub pool: f64,
    /// Service-level retries of failed calls to dependencies (immediate).
    pub service_retries: u32,
    /// Time for one crashed server to restart, ms.
    pub restart_ms: u64,
    /// Share of servers restarted per batch.
    pub restart_batch: f64,
    /// Bulkhead compartments (empty = one shared pool).
    pub bulkheads: Vec<Compartment>,
    /// Autoscaling rule, if any.
    pub autoscale: Option<Autoscale>,
    /// Control-plane role.
    pub role: Role,
    /// Storage capacity, GB (0 = not modelled); uploads fill it.
    pub storage_gb: f64,
    /// Storage in use at the start, GB.
    pub storage_used_gb: f64,
    /// Failover: health-check detection time, ms (seed 000: 30 s).
    pub failover_detect_ms: u64,
    /// Failover: connection migration time, ms (seed 000: 2 minutes).
    pub failover_migrate_ms: u64,
    /// Failover: replica promotion before writes move, ms (seed 000: 5 minutes; 0 = not a database).
    pub failover_promote_ms: u64,
    /// Failover: full restoration (backup scaled up), ms (seed 000: 15 minutes).
    pub failover_restore_ms: u64,
    /// Failover: share of the load the migration can move, `(0, 1]`: less
    /// than 1 when some clients cannot follow it (no fallback endpoint) and
    /// stay on the failed primary until it returns.
    pub failover_reach: f64,
    /// Factor the backup is scaled by at full restoration ("capacity scaling if needed").
    pub failover_restore_scale: f64,
    /// Failover with rebuild: the share of the moved lookups a rebuilt cache
    /// answers once it is warm (0 = none: the backup takes every moved call).
    /// Seed 000's Redis session cache: "automatic failover to backup Redis
    /// cluster; session rebuild from database".
    pub failover_rebuild_hit: f64,
    /// Failover with rebuild: warming time constant, ms (see `sim::cache`).
    pub failover_rebuild_ms: f64,
    /// Extra latency of every call the backup serves, ms: the round trip to
    /// another datacenter or region (seed 000: "200ms increase in message
    /// load times" when ScyllaDB fails over across datacenters).
    pub failover_latency_ms: f64,
}

impl Default for ComponentParams {
    fn default() -> Self {
        ComponentParams {
            servers: 10.0,
            service_ms: 10.0,
            service_dist: ServiceDist::Exponential,
            queue_limit: 10_000.0,
            discipline: Discipline::Fifo,
            deadline_ms: 10_000.0,
            deadline_check: false,
            base_error_rate: 0.0,
            base_latency_ms: 0.0,
            rate_limit_per_server: 0.0,
            memory_mb: 0.0,
            base_memory_mb: 0.0,
            item_kb: 1.0,
            memory_spread: 0.0,
            hit_rate: 0.0,
            cache_kind: CacheKind::LookAside,
            warm_ms: 150_000.0,
            pool: 0.0,
            service_retries: 0,
            restart_ms: 60_000,
            restart_batch: 0.25,
            bulkheads: Vec::new(),
            autoscale: None,
            role: Role::Service,
            storage_gb: 0.0,
            storage_used_gb: 0.0,
            failover_detect_ms: 30_000,
            failover_migrate_ms: 120_000,
            failover_promote_ms: 0,
            failover_restore_ms: 900_000,
            failover_reach: 1.0,
            failover_restore_scale: 1.0,
            failover_rebuild_hit: 0.0,
            failover_rebuild_ms: 30_000.0,
            failover_latency_ms: 0.0,
        }
    }
}

impl ComponentParams {
    /// Checks ranges; returns a message naming the first bad field.
    pub fn validate(&self) -> Result<(), String> {
        let pos = |name: &str, v: f64| -> Result<(), String> {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(format!("{name} must be a finite number ≥ 0, got {v}"))
            }
        };
        pos("servers", self.servers)?;
        if self.service_ms <= 0.0 || !self.service_ms.is_finite() {
            return Err(format!("service_ms must be > 0, got {}", self.service_ms));
        }
        pos("queue_limit", self.queue_limit)?;
        if self.deadline_ms <= 0.0 || !self.deadline_ms.is_finite() {
            return Err(format!("deadline_ms must be > 0, got {}", self.deadline_ms));
        }
        for (n, v) in [
            ("base_error_rate", self.base_error_rate),
            ("hit_rate", self.hit_rate),
            ("failover_rebuild_hit", self.failover_rebuild_hit),
            ("memory_spread", self.memory_spread),
        ] {
            if !(0.0..1.0).contains(&v) {
                return Err(format!("{n} must be in [0, 1), got {v}"));
            }
        }
        if !(self.failover_reach > 0.0 && self.failover_reach <= 1.0) {
            return Err(format!(
                "failover_reach must be in (0, 1], got {}",
                self.failover_reach
            ));
        }
        if !(self.restart_batch > 0.0 && self.restart_batch <= 1.0) {
            return Err(format!(
                "restart_batch must be in (0, 1], got {}",
                self.restart_batch
            ));
        }
        for (n, v) in [
            ("base_latency_ms", self.base_latency_ms),
            ("rate_limit_per_server", self.rate_limit_per_server),
            ("memory_mb", self.memory_mb),
            ("base_memory_mb", self.base_memory_mb),
            ("item_kb", self.item_kb),
            ("warm_ms", self.warm_ms),
            ("pool", self.pool),
            ("storage_gb", self.storage_gb),
            ("storage_used_gb", self.storage_used_gb),
            ("failover_restore_scale", self.failover_restore_scale),
            ("failover_rebuild_ms", self.failover_rebuild_ms),
            ("failover_latency_ms", self.failover_latency_ms),
        ] {
            pos(n, v)?;
        }
        if self.memory_mb > 0.0 && self.base_memory_mb >= self.memory_mb {
            return Err("base_memory_mb must be below memory_mb".into());
        }
        let mut total = 0.0;
        for c in &self.bulkheads {
            if !(c.share > 0.0 && c.share <= 1.0) {
                return Err(format!("bulkhead `{}` share must be in (0, 1]", c.name));
            }
            total += c.share;
        }
        if total > 1.0 + 1e-9 {
            return Err(format!("bulkhead shares sum to {total}, more than 1"));
        }
        if self.bulkheads.len() > crate::sim::MAX_POOLS {
            return Err(format!(
                "at most {} bulkhead compartments",
                crate::sim::MAX_POOLS
            ));
        }
        Ok(())
    }
}

/// What a caller does when a call along an edge fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    /// The caller's request fails too.
    Fail,
    /// The caller carries on without it (an optional feature).
    Ignore,
    /// The caller buffers the call in memory and delivers it later (sessions → presence, seed 004).
    Buffer,
}

/// How one dependency edge carries traffic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Caller id.
    pub from: String,
    /// Callee id.
    pub to: String,
    /// Classes carried (empty = every class the caller receives).
    #[serde(default)]
    pub classes: Vec<RequestClass>,
    /// Calls per request handled by the caller (a share when below 1).
    #[serde(default = "d_one")]
    pub calls: f64,
    /// If set, this edge is the database fallback of that cache: its calls are
    /// multiplied by the cache's miss rate `(1 - h)`.
    #[serde(default)]
    pub miss_of: Option<String>,
    /// What a failure of this call does to the caller's request.
    #[serde(default = "d_fail")]
    pub on_failure: OnFailure,
    /// Names a load-balanced split: routes from the same caller with the same
    /// `split` are alternatives, and each request takes exactly one of them
    /// (`calls` is its share), so it fails only if the one it took fails.
    /// Without it a share below 1 is an optional call made independently of
    /// the caller's other calls.
    #[serde(default)]
    pub split: Option<String>,
    /// For a member of a `split`: the share of the caller's *users* whose
    /// requests take it, when that differs from its share of requests
    /// (`calls`). Seed 000's large-guild router carries half the messages
    /// but only the members of large guilds, so its crash affects those
    /// users, not half of everyone. Without it users follow requests.
    /// Only the users-affected figures read it; every request-based
    /// indicator still weighs members by `calls`.
    #[serde(default)]
    pub users: Option<f64>,
    /// For a member of a `split`: the split is by key (a guild's shard), so
    /// while the member is down a request that needs it gets "unavailable"
    /// at once (unless a failover backup answers it): a final answer, like
    /// a kill switch's refusal, that the clients do not retry (seed 003's
    /// "unavailable guilds"), and one that, like a callee's 429, the
    /// breakers above the split do not count as a failure (seed 000:
    /// circuit breakers "prevent cascade failures to other shards"). Every
    /// member of a split says the same.
    #[serde(default)]
    pub sharded: bool,
}

fn d_one() -> f64 {
    1.0
}
fn d_fail() -> OnFailure {
    OnFailure::Fail
}

/// Per-edge routing, resolved to lanes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgeRoute {
    /// Calls per request, per class lane (0 = the lane is not carried).
    pub calls: [f64; NCLASS],
    /// Index of the cache component whose misses this edge carries.
    pub miss_of: Option<usize>,
    /// Failure handling.
    pub on_failure: OnFailure,
    /// The load-balanced split this edge belongs to, as [`split_id`] of its
    /// name (0: none; see [`Route::split`]).
    pub split: u32,
    /// Share of the caller's users who take this split member, if it
    /// differs from its share of requests (see [`Route::users`]).
    pub users: Option<f64>,
    /// The split is by key: a down member's answers are final "unavailable"
    /// answers (see [`Route::sharded`]).
    pub sharded: bool,
}

/// A stable non-zero id for a split name (FNV-1a), so routes resolved in
/// different files agree on it.
pub fn split_id(name: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h.max(1)
}

impl EdgeRoute {
    /// Every class, one call each.
    pub fn all() -> Self {
        EdgeRoute {
            calls: [1.0; NCLASS],
            miss_of: None,
            on_failure: OnFailure::Fail,
            split: 0,
            users: None,
            sharded: false,
        }
    }

    /// No traffic (control and hosting edges).
    pub fn none() -> Self {
        EdgeRoute {
            calls: [0.0; NCLASS],
            miss_of: None,
            on_failure: OnFailure::Ignore,
            split: 0,
            users: None,
            sharded: false,
        }
    }
}
