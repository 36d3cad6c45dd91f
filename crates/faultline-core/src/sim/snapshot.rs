//! What the UI and the CLI read: the platform's state at one instant.
//!
//! Index order matches the topology: `components[i]` is
//! `topology.components[i]`, `edges[j]` is `topology.dependencies[j]`,
//! `failovers[k]` is `topology.failovers[k]`.

use serde::{Deserialize, Serialize};

use super::action::KillSwitch;
use super::breaker::BreakerState;

/// A component's health, as the diagram colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// Within its limits.
    Healthy,
    /// Working but slow or erroring: error rate > 1%, its queues more than
    /// double its unloaded response time, capacity reduced, added latency
    /// or a slow tail, or memory above 90%.
    Degraded,
    /// Demand above capacity: the queue grows, requests time out.
    Overloaded,
    /// No live server.
    Down,
    /// Its load is moving to a backup along a failover edge.
    FailingOver,
    /// Servers restarting after a crash or kill.
    Recovering,
}

impl Health {
    /// Every state, from well to worst-but-recovering, as legends list them.
    pub const ALL: [Health; 6] = [
        Health::Healthy,
        Health::Degraded,
        Health::Overloaded,
        Health::Down,
        Health::FailingOver,
        Health::Recovering,
    ];

    /// What the state means, in a sentence for the page's legend.
    pub fn meaning(self) -> &'static str {
        match self {
            Health::Healthy => "Within its limits.",
            Health::Degraded => {
                "Working but slow or erroring: over 1% errors, queues that more than double \
                 its response time, reduced capacity, added latency or a slow tail, or memory \
                 above 90%."
            }
            Health::Overloaded => {
                "More arrives than it can serve, or its queue is over half full: requests \
                 wait, overflow and time out."
            }
            Health::Down => "No live server: every call to it fails.",
            Health::FailingOver => "Its load is moving to its backup along a failover edge.",
            Health::Recovering => "Servers restarting after a crash or a kill.",
        }
    }
}

/// Service-level indicators, as in seed 001's key-metrics table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sli {
    /// Share of API requests (send, read, search, upload) that succeed (normal 0.9995).
    pub api_success: f64,
    /// 95th percentile API latency, ms (normal ~150 ms; SLO p95 < 100 ms per seed 002).
    pub api_latency_p95_ms: f64,
    /// Share of WebSocket connection attempts that succeed (normal 0.98).
    pub ws_connect_rate: f64,
    /// Share of voice joins that succeed (normal 0.998).
    pub voice_success: f64,
    /// Share of the messages users send that reach their recipients, the
    /// clients' retries of failed sends included: messages, not attempts
    /// (seed 001's "user message delivery", normal 99.9%; seed 002's SLO
    /// 99.99%). A send given up after its last retry, refused, or held
    /// behind a stalled session is not delivered.
    pub delivery_rate: f64,
    /// 99th percentile message delivery latency, ms (SLO p99 < 200 ms).
    pub delivery_latency_p99_ms: f64,
    /// 99th percentile message load (read) latency as users meet it, ms:
    /// the message_read lane's answers, fast failures and timeouts, as
    /// `delivery_latency_p99_ms` is for sends (seed 000: "message load
    /// times"; "Read Impact: p99 latency").
    #[serde(default)]
    pub message_load_p99_ms: f64,
    /// Mean database query time, ms (normal 50 ms).
    pub db_query_ms: f64,
    /// Users who cannot use the platform normally: reconnecting, failing
    /// requests, or gone offline while it would still fail them.
    pub users_affected: f64,
    /// The same, per region, in the topology's region order.
    pub users_affected_by_region: [f64; MAX_REGIONS],
    /// Users affected per feature: [messaging, voice, search, uploads].
    pub users_affected_by_feature: [f64; 4],
    /// User requests per second reaching the edge, all classes, retries included.
    pub request_rate: f64,
    /// Share of those requests that are retries.
    pub retry_share: f64,
}

/// The default of figures that are 1 when nothing acts on them (a whole
/// capacity, no surge), for snapshots saved before they existed.
fn one() -> f64 {
    1.0
}

/// Regions tracked (the seed has four).
pub const MAX_REGIONS: usize = 8;

/// One component's live figures.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentState {
    /// Health.
    pub health: Health,
    /// Busy share of live capacity, `0..=1`.
    pub utilisation: f64,
    /// Requests waiting.
    pub queue: f64,
    /// Queue capacity.
    pub queue_limit: f64,
    /// Rate limit in requests per second per server, as configured or last
    /// set by `set_rate_limit` (0 = no limit); the aggressive rate-limiting
    /// kill switch halves it in effect but not here.
    #[serde(default)]
    pub rate_limit_per_server: f64,
    /// Memory in use as a share of the limit, `0..=1`.
    pub memory_fraction: f64,
    /// Share of requests that fail (errors, rejections, timeouts).
    pub error_rate: f64,
    /// The part of `error_rate` answered "unavailable" at once because a
    /// shard they need further down is down (`Route::sharded`): final
    /// answers, which clients do not retry and breakers do not count.
    #[serde(default)]
    pub unavailable: f64,
    /// Requests per second completed (including wasted work).
    pub throughput: f64,
    /// Requests per second it can serve now.
    pub capacity: f64,
    /// Requests per second arriving, a surge's extra load included.
    pub arrivals: f64,
    /// Share of `arrivals` that are the clients' retries: each request
    /// class's retries among its attempts, weighted by the class's share
    /// of the arrivals here (retries that double Push's load show here
    /// before they amount to a storm).
    #[serde(default)]
    pub retry_share: f64,
    /// Share of its capacity it keeps (`Action::Degrade`: a soft-locked
    /// host, failed nodes), 1 when whole.
    #[serde(default = "one")]
    pub capacity_fraction: f64,
    /// Load multiplier of a surge on it now (`Action::Surge`), 1 without
    /// one; on its way to `surge_target` while a ramp lasts.
    #[serde(default = "one")]
    pub surge: f64,
    /// The multiplier the surge was set to, 1 without one.
    #[serde(default = "one")]
    pub surge_target: f64,
    /// The surge's extra requests per second (in `arrivals`), 0 without one.
    #[serde(default)]
    pub surge_rate: f64,
    /// Mean latency of requests it answers, ms (own queueing plus its dependencies).
    pub latency_ms: f64,
    /// Live servers.
    pub servers: f64,
    /// Configured (target) servers.
    pub target_servers: f64,
    /// Cache components: current hit rate; others 0.
    pub hit_rate: f64,
    /// Connection-pool components: connections in use as a share of the pool.
    pub pool_in_use: f64,
    /// The event (an index into the event log) that put it in its present
    /// trouble, whose cause chain says why it is not healthy; `None` while
    /// it is healthy.
    #[serde(default)]
    pub health_event: Option<usize>,
    /// Its deploy, while one is in progress or its build runs everywhere.
    #[serde(default)]
    pub deploy: Option<super::deploy::DeployView>,
    /// True while work the orchestrator does for it (restarting crashed or
    /// revived servers, starting servers ordered, a rolling restart) waits
    /// because every orchestrator is down.
    #[serde(default)]
    pub waits_for_orchestrator: bool,
}

impl ComponentState {
    /// These settings with the figures monitoring measures taken from
    /// `seen` (what the dashboards last showed): health, load, queue,
    /// memory, errors (and the unavailable part), throughput, capacity,
    /// arrivals (and the retries among them), the surge's present
    /// level, latency, live servers, hit rate, pool use and the trouble's
    /// event. The operators' own settings (limits, capacity kept, the
    /// surge's target, servers ordered) stay as they are now.
    pub fn measured_as(&self, seen: &ComponentState) -> ComponentState {
        ComponentState {
            queue_limit: self.queue_limit,
            rate_limit_per_server: self.rate_limit_per_server,
            capacity_fraction: self.capacity_fraction,
            surge_target: self.surge_target,
            target_servers: self.target_servers,
            // The pipeline's and the orchestrator's state are their own
            // systems', not monitoring's.
            deploy: self.deploy,
            waits_for_orchestrator: self.waits_for_orchestrator,
            ..*seen
        }
    }
}

/// One dependency edge's live figures.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EdgeState {
    /// Calls per second offered along the edge (before the breaker).
    pub traffic: f64,
    /// Share of calls failing (including breaker rejections).
    pub error_rate: f64,
    /// Breaker state.
    pub breaker: BreakerState,
    /// True while partitioned.
    pub partitioned: bool,
    /// Calls held by a partition, waiting to be delivered.
    pub held: f64,
}

/// One failover edge's live figures.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailoverState {
    /// True once the failover has begun (health check failed).
    pub active: bool,
    /// Share of the primary's load now on the backup, `0..=1`.
    pub moved: f64,
    /// Phase in words: "idle", "detecting", "migrating", "promoting", "active", "restored".
    pub phase: &'static str,
}

/// Users by connection state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Users {
    /// Connected (a live WebSocket).
    pub connected: f64,
    /// Trying to reconnect.
    pub reconnecting: f64,
    /// Gave up for now.
    pub offline: f64,
}

/// A kill switch and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchState {
    /// Which switch.
    pub switch: KillSwitch,
    /// Its value.
    pub on: bool,
}

/// The whole platform at one instant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    /// Simulated time, ms since the start.
    pub t_ms: u64,
    /// What the dashboards show (stale while monitoring is blind).
    pub sli: Sli,
    /// The true indicators (for debriefs; the UI hides them while blind).
    pub sli_true: Sli,
    /// Per component, in topology order. While monitoring is blind the
    /// measured figures are the last seen (see
    /// [`ComponentState::measured_as`]); the operators' settings are current.
    pub components: Vec<ComponentState>,
    /// Per dependency edge, in topology order (the last seen while blind,
    /// partitions aside).
    pub edges: Vec<EdgeState>,
    /// Per failover edge, in topology order (the last seen while blind).
    pub failovers: Vec<FailoverState>,
    /// The six kill switches.
    pub kill_switches: [SwitchState; 6],
    /// Users by connection state (the last seen while blind).
    pub users: Users,
    /// Users by connection state per region (topology region order; the
    /// last seen while blind).
    pub users_by_region: Vec<Users>,
    /// True when both monitoring systems are down: `sli`, the measured
    /// figures of `components`, `edges`, `failovers` and the users are
    /// stale, as of `sli_as_of_ms`.
    pub monitoring_blind: bool,
    /// Time the dashboards' figures date from.
    pub sli_as_of_ms: u64,
    /// True when flags cannot be changed (configuration services down).
    pub config_blocked: bool,
    /// True when the orchestrator is down (no autoscaling, no restarts).
    pub orchestrator_down: bool,
    /// Traffic multiplier in force (on its way to
    /// `traffic_multiplier_target` while a ramp lasts).
    pub traffic_multiplier: f64,
    /// The traffic multiplier last set.
    #[serde(default = "one")]
    pub traffic_multiplier_target: f64,
    /// Share of clients running the latest retry policy: below 1 while a
    /// `set_retry_policy` with `rollout_ms` is still reaching them.
    pub retry_policy_adoption: f64,
}

/// One row of the timeline, taken every sample interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sample {
    /// Simulated time, ms.
    pub t_ms: u64,
    /// True indicators.
    pub sli: Sli,
    /// Users by state.
    pub users: Users,
    /// Per-component compact figures.
    pub components: Vec<ComponentSample>,
}

/// Per-component figures in a [`Sample`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ComponentSample {
    /// Health.
    pub health: Health,
    /// Utilisation `0..=1`.
    pub utilisation: f64,
    /// Queue length.
    pub queue: f64,
    /// Memory share.
    pub memory_fraction: f64,
    /// Error rate.
    pub error_rate: f64,
    /// The part of `error_rate` answered "unavailable" (a down shard below:
    /// see [`ComponentState::unavailable`]).
    #[serde(default)]
    pub unavailable: f64,
    /// Throughput, requests/s.
    pub throughput: f64,
    /// Latency, ms.
    pub latency_ms: f64,
}
