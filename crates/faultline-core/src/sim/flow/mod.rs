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
//! through the breakers (four cohorts of caller instances, see
//! [`super::fleet`]), a partition (calls held and delivered as a backlog
//! when healed) or a buffer (failed calls kept in the caller's memory and
//! retransmitted when the callee recovers; seed 004's sessions). Backlogs
//! drain at most at half the callee's spare capacity (flow control). A
//! breaker ignores its callee's own 429s (a healthy service shedding load):
//! it judges only real failures. Failover edges move a share of the calls to
//! the backup, which adds its `failover_latency_ms` round trip; the caller's
//! breaker guards the moved calls too and judges them by the backup's
//! answers (it wraps the call to the service, wherever DNS now points). A
//! failover judges its primary by a health check's shallow probe
//! (`Comp::probe_err`): the primary's own rejections, timeouts and errors,
//! not its dependencies' failures nor its own 429s, so a failing database
//! does not fail its callers over to backups that need it too; with a
//! rebuild (seed 000's session cache) a cache rebuilt from the backup's
//! timely answers takes its hit share off the backup again. A dead component
//! whose traffic failed over answers with its backup's outcome; an idle one
//! reports the error rate a call would meet now. A sharded split
//! (`Route::sharded`: seed 000's guild shards) answers the requests of a
//! down member that fail at once "unavailable" (`Comp::unavail`, carried up
//! the callers): the breakers above judge it as they do a 429 (neither
//! success nor failure), so one shard's outage does not trip them into
//! failing every shard.
//!
//! # At the clients
//! Failed requests are retried by the client policy into future ticks of a
//! per-region ring (a retry returns where it failed), except a down shard's
//! "unavailable", after which the client shows the guild as unavailable
//! until it is back (seed 003); latency percentiles
//! come from the fast-failure, answered (fixed part + exponential tail) and
//! timed-out shares ([`super::percentile`]); users reconnect with backoff
//! ([`super::users`]).
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
//!   for 30 minutes it scales back (seed 002). An operator's `scale` with a
//!   `provision_ms` is an order of the same kind.
//! - **Surges**: extra load from outside the modelled users, fixed in the
//!   tick after it is set at `factor − 1` times the arrivals then; it comes
//!   through the callers' breakers and partitions as their calls do, shares
//!   the users' fate at its component (rate limit, queue, capacity) and
//!   goes no further, and it keeps coming when the users leave, which is
//!   why an autoscaler's step that would clear lost capacity may not clear
//!   a crowd (seed 002, July 15 2024).
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
//!   the base rate, reduced capacity, added latency, memory above 90%); worse
//!   news shows at once, "healthy again" after 5 s of calm.
//! - **Causes** (`blame`): every event but an action names the event that
//!   led to it, so every chain ends at an action: the action on the
//!   component itself, else the earliest failing dependency's health
//!   event, else the load cause (a spike, a reconnect herd, a retry storm),
//!   else for an overload the failures its retries come back from, and for
//!   other trouble the nearest trouble further down, else the last action
//!   that struck the component or one behind it.
//! - **Retry storms** (`storms`): a `retries` event when the clients'
//!   retries come to 15% of all requests and one when they have calmed;
//!   the storm is the load cause of the classes it is made of.
//! - **Caches** (`warmth`): a `cache` event when a cache goes cold and when
//!   it is warm again; a database a cold cache floods blames it.
//! - **Herds** (`herds`): a `users` event when regions' users start dropping
//!   (heartbeats failing at their edge, or their session servers crashing)
//!   and one when their reconnect herd is over; the herd is the load cause
//!   of the connects it brings.

// Lanes, compartments and regions are indexed in parallel arrays on purpose:
// fixed-size arrays in a fixed order are what keeps the tick fast and portable.
#![allow(clippy::needless_range_loop)]

use super::action::{Action, ActionError, AutoTrigger, BreakerMode, KillSwitch};
use super::breaker::{BreakerConfig, BreakerState, Transition};
use super::cache;
use super::class::{RequestClass, NCLASS};
use super::deploy::{Build, DeployStrategy};
use super::event::{Event, EventKind};
use super::failover::{Change, Failover, Phase, Timings};
use super::fleet::BreakerFleet;
use super::memory;
use super::percentile::{self, Refused, Tail};
use super::queueing::ErlangTable;
use super::retry::{RetryPolicy, RetryRing, ATTEMPT_BUCKETS, RING_LANES};
use super::rng::Pcg32;
use super::snapshot::*;
use super::users::{self, UserRates};
use super::{SimError, MAX_POOLS};
use crate::scenario::{
    CacheKind, ComponentParams, Discipline, EdgeRoute, OnFailure, Role, Scenario, ServiceDist,
};
use crate::topology::{DependencyKind, Topology};
use ramp::Ramp;

mod apply;
pub(crate) use apply::{check_action, describe};
mod backward;
mod blame;
mod build;
mod control;
mod deploys;
mod forward;
mod health;
mod herds;
mod maintenance;
mod outcomes;
mod ramp;
mod retries;
mod sample;
mod storms;
mod warmth;

/// Share of message sends that go to large guilds (seed 000: the large-guild
/// router carries 7B+ of the 14B+ messages a day).
pub const LARGE_GUILD_SHARE: f64 = 0.5;
/// An API answer slower than this counts its user as affected, like a
/// failure, ms: the 1-second limit for a user's flow of thought (Nielsen,
/// "Response Times: The 3 Important Limits", 1993); a chat message that
/// takes longer to send or load is felt as broken.
pub const SLOW_ANSWER_MS: f64 = 1000.0;

// Indices into `State::role_comps`: the components with each role, and
// (the last) those that store uploads.
const ROLE_MONITORING: usize = 0;
const ROLE_CONFIG: usize = 1;
const ROLE_ORCHESTRATOR: usize = 2;
const ROLE_DATABASE: usize = 3;
const ROLE_MESSAGE_QUEUE: usize = 4;
const ROLE_STORAGE: usize = 5;

/// Calm needed before a troubled component is shown healthy again, ms.
pub const HEALTHY_HOLD_MS: u64 = 5_000;
pub use crate::scenario::MAX_SPLITS;
/// Mean voice call length, s (seed 000's 4M concurrent voice users at the
/// bundled join rate).
pub const VOICE_CALL_S: f64 = 1800.0;
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
    /// Load multiplier of a surge (`Action::Surge`): the one in effect
    /// now and the one set, 1 without a surge.
    pub surge: Ramp,
    /// The users' arrivals per class in the first tick after a surge was
    /// set, the unit it multiplies, then fixed, because the surge's crowd
    /// keeps coming whatever happens to ours.
    pub surge_base: [f64; NCLASS],
    /// The surge's extra arrivals per second per class:
    /// `surge.now − 1` times `surge_base`.
    pub surge_extra: [f64; NCLASS],
    /// A surge was set and its extra arrivals are measured in the next tick.
    pub surge_pending: bool,
    /// The surge's extra arrivals this tick, after its callers' breakers.
    pub surge_now: f64,
    /// Calls its callers offered it this tick (forward edges, before their
    /// breakers and partitions) and the share of them they let through.
    pub calls_offered: f64,
    pub calls_admitted: f64,
    pub extra_ms: f64,
    /// Its own requests' slow tail, before its calls': the operator's
    /// (`set_tail`) with a deploy's new build on its share of instances.
    pub own_tail: Tail,
    /// The slow tail set by `slow_tail`.
    pub set_tail: Tail,
    /// A deploy on it (see `deploys`), while it lasts.
    pub deploy: Option<Box<deploys::ActiveDeploy>>,
    /// The errors a deploy's new build adds: its error rate times its
    /// share of the instances (0 without one).
    pub build_err: f64,
    pub deadline_check: bool,
    pub queue: [f64; MAX_POOLS],
    pub warm: f64,
    /// The `cache` event that said it went cold, while it is (see `warmth`).
    pub cold_event: Option<usize>,
    pub storage_used: f64,
    pub rolling_left: f64,
    pub rolling_down: f64,
    pub rolling_timer: i64,
    pub above_ms: u64,
    pub below_ms: u64,
    /// The autoscaler's order: when it arrives, the server count then, and
    /// the trouble that made it scale (when it ordered; by the time the
    /// servers arrive the component may be healthy again).
    pub pending_scale: Option<(u64, f64, Option<usize>)>,
    /// An operator's provisioned scale-up (`Action::Scale` with
    /// `provision_ms`), arriving on its own clock beside the autoscaler's.
    pub ordered_scale: Option<OrderedScale>,
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
    /// Share of requests answered with their effects delivered now: `ok`
    /// less what a buffering dependency holds back for later (a message
    /// accepted but queued in memory for a stalled session is not yet in
    /// anyone's client).
    pub del: [f64; NCLASS],
    pub fast: [f64; NCLASS],
    /// Share of requests answered "unavailable" at once because a sharded
    /// split member they needed, here or further down, is down: a final
    /// answer, which clients do not retry and breakers do not count.
    pub unavail: [f64; NCLASS],
    pub lat: [f64; NCLASS],
    /// The fixed part of `lat` (network, added delay, backlog wait,
    /// constant service), per lane: the rest is the exponential tail.
    pub fix: [f64; NCLASS],
    /// Share of answered requests, per lane, that met a slow tail somewhere
    /// along their calls (see [`super::percentile`]); their mean extra
    /// delay is `slow_ms`, already part of `lat`.
    pub slow: [f64; NCLASS],
    /// Mean extra delay of the slow share, ms.
    pub slow_ms: [f64; NCLASS],
    /// `ok` and `lat` as the caller's *users* meet them: load-balanced
    /// splits weigh their members by users instead of requests
    /// ([`crate::scenario::Route::users`]). The same as `ok` and `lat`
    /// unless a split below says otherwise; only the users-affected
    /// figures read them.
    pub uok: [f64; NCLASS],
    /// See `uok`.
    pub ulat: [f64; NCLASS],
    pub own_lat: f64,
    /// How long a request waits in this component's own queues (the
    /// backlog and the servers' or connection pool's queueing), ms: the
    /// longest of its pools.
    pub own_wait_ms: f64,
    pub util: f64,
    pub err: f64,
    /// The error rate a health check's probe sees: the component's own
    /// rejections, timeouts and errors, not its dependencies' failures nor
    /// its own 429s. Failovers judge a primary by it (kept for failover
    /// primaries only).
    pub probe_err: f64,
    pub throughput: f64,
    pub capacity: f64,
    pub arrivals: f64,
    pub latency: f64,
    pub pool_in_use: f64,
    pub waiting: f64,
    pub mem_frac: f64,
    /// With `memory_spread`: the live servers' loads sit at positions
    /// `x ∈ (−1, mem_front)` (load `1 + spread·x` times the mean); servers
    /// above the front have run out of memory since the load was last
    /// rebalanced (a restart brings the front back to 1).
    pub mem_front: f64,
    /// Servers crashed by the spread since the last crash event.
    pub mem_crash_pending: f64,
    pub down: bool,
    pub health: Health,
    /// How long the component has looked healthy while shown otherwise, ms.
    pub calm_ms: u64,
    /// The action that struck this component, until it is healthy again.
    pub cause: Option<usize>,
    /// The last action that struck it, kept after it is healthy again:
    /// what its own trouble is put down to when nothing else explains it
    /// (a component scaled down that overloads again at the next bump).
    pub struck: Option<usize>,
    pub health_event: Option<usize>,
}

#[derive(Clone, Debug)]
pub(crate) struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: DependencyKind,
    pub route: EdgeRoute,
    pub carries: bool,
    pub breaker: BreakerFleet,
    pub mode: BreakerMode,
    /// The action that partitioned it, while it is partitioned (what a
    /// breaker that finds the dependency unreachable blames).
    pub partitioned: Option<usize>,
    /// The breaker's last opening (what its half-open probing follows from).
    pub opened_event: Option<usize>,
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
    /// Calls per second of each lane sent to the backup instead (before the
    /// breaker, which guards them too).
    pub moved: [f64; NCLASS],
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

/// One lane's outcome as a caller sees it: success share, fast-failure
/// share, mean latency and its fixed part (ms).
#[derive(Clone, Copy, Debug)]
pub(crate) struct LaneOutcome {
    pub ok: f64,
    pub fast: f64,
    pub lat: f64,
    /// `ok` and `lat` as users meet them (see [`Comp::uok`]).
    pub uok: f64,
    pub ulat: f64,
    pub fix: f64,
    pub slow: f64,
    pub slow_ms: f64,
}

impl LaneOutcome {
    fn tail(&self) -> Tail {
        Tail {
            share: self.slow,
            ms: self.slow_ms,
        }
    }
}

impl Comp {
    /// Share of this tick's requests answered "unavailable" (`unavail`
    /// weighed by arrivals, as `err` is): part of `err`.
    fn unavailable_share(&self) -> f64 {
        let (mut un, mut n) = (0.0, 0.0);
        for k in 0..NCLASS {
            un += self.arr[k] * self.unavail[k];
            n += self.arr[k];
        }
        if n > 0.0 {
            (un / n).min(1.0)
        } else {
            0.0
        }
    }

    /// Brings `n` more servers up (a restart batch, a scale-up, a backup's
    /// restoration). They take connections, so the load is spread over every
    /// live server again: a `memory_spread` crash front starts over.
    fn add_servers(&mut self, n: f64) {
        self.live += n;
        self.mem_front = 1.0;
    }

    /// A `share` of the instances that misbehave (answering errors beyond
    /// the `configured` rate, [`Action::SetErrorRate`]) is replaced by fresh
    /// ones: by a restart batch, a kill, a crash. Their extra errors go with
    /// them.
    fn replace_instances(&mut self, share: f64, configured: f64) {
        let kept = (1.0 - share).clamp(0.0, 1.0);
        self.p.base_error_rate = configured + (self.p.base_error_rate - configured) * kept;
    }

    /// The sum of `v` over the lanes compartment `g` serves, in lane order
    /// (with one compartment, every lane).
    #[inline(always)]
    fn pool_sum(&self, g: usize, v: &[f64; NCLASS]) -> f64 {
        let mut sum = 0.0;
        for k in 0..NCLASS {
            if self.npools == 1 || self.class_pool[k] == g {
                sum += v[k];
            }
        }
        sum
    }

    /// Mean delay added to its own requests while they hold a server or a
    /// connection: `add_latency` plus its slow tail's mean (a slow request
    /// holds on until its deadline at most).
    fn added_ms(&self) -> f64 {
        self.extra_ms + self.own_tail.share * self.own_tail.ms.min(self.p.deadline_ms)
    }

    /// Lane `k`'s slow tail, through the whole call chain.
    fn tail(&self, k: usize) -> Tail {
        Tail {
            share: self.slow[k],
            ms: self.slow_ms[k],
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
    /// The event that said this failover began, while it goes on (what its
    /// later steps follow from once the primary is healthy again).
    pub began_event: Option<usize>,
}

impl Fo {
    /// Share of moved calls that still miss the rebuilt cache and go on to
    /// the backup.
    fn miss(&self) -> f64 {
        1.0 - self.rebuilt
    }
}

/// The whole mutable state of a run.
#[derive(Clone)]
pub(crate) struct State {
    /// Shared, not copied, by the run's checkpoints (it never changes).
    pub scenario: std::sync::Arc<Scenario>,
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
    /// Reconnecting users of each region by backoff stage.
    pub reconnect_stages: Vec<users::Stages>,
    pub region_entry: Vec<(usize, usize)>,
    pub ring: RetryRing,
    pub tokens: f64,
    pub retry: RetryPolicy,
    /// The clients' policy before the latest change, still run by those
    /// the rollout has not reached.
    pub retry_prev: RetryPolicy,
    /// When the latest policy change began, ms.
    pub retry_since_ms: u64,
    /// Its rollout time constant, ms (0 = every client at once).
    pub retry_rollout_ms: f64,
    /// The users' traffic multiplier (`set_traffic_multiplier`): the one
    /// in effect now and the one last set.
    pub multiplier: Ramp,
    /// Per-class traffic multipliers on top of `multiplier`.
    pub class_multiplier: [f64; NCLASS],
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
    /// The operator's accepted actions (through [`super::Sim::apply`]),
    /// with their times: the part of `action_log` a replay applies.
    pub operator_log: Vec<(u64, Action)>,
    pub next_sample: u64,
    /// Per request class, the action event blamed for load trouble that no
    /// failing dependency explains: the latest action that added load of
    /// that class (see `blame_for_load`).
    pub load_cause: [Option<usize>; NCLASS],
    /// Per region, the `users` event that began its reconnect herd, while
    /// the herd lasts (see `herds`).
    pub herd_event: Vec<Option<usize>>,
    /// The session servers that last crashed and dropped their users, and
    /// when (see `herds`).
    pub sessions_crashed: Option<(usize, u64)>,
    /// The `retries` event that began the retry storm going on, if any,
    /// and how long its retries have been calm (see `storms`).
    pub storm_event: Option<usize>,
    pub storm_calm_ms: u64,
    // Per-tick entry bookkeeping, per region and class.
    pub att: Vec<[f64; NCLASS]>,
    pub refused: Vec<[f64; NCLASS]>,
    pub first: [f64; NCLASS],
    /// Client attempts per second (all regions) that failed this tick and
    /// will be tried again: neither delivered nor lost yet.
    pub retrying: [f64; NCLASS],
    /// Retries due this tick by region (they return where they failed), per second.
    pub region_due: Vec<[[f64; ATTEMPT_BUCKETS]; NCLASS]>,
    /// First attempts this tick by region, per second.
    pub region_first: Vec<[f64; NCLASS]>,
    pub sli: Sli,
    pub sli_shown: Sli,
    pub sli_as_of: u64,
    pub blind: bool,
    /// While monitoring is down, the platform as it was last seen (the
    /// snapshot's measured figures come from here).
    pub last_seen: Option<Box<Snapshot>>,
    pub config_blocked: bool,
    pub orch_down: bool,
    /// Components by role or trait, ascending (parameters never change),
    /// indexed by the `ROLE_*` constants.
    pub role_comps: [Vec<usize>; 6],
    /// Per client cohort (current, previous policy).
    pub retry_windows: [RetryWindows; 2],
    /// False only when no breaker in automatic mode is open (nothing to poll).
    pub maybe_open: bool,
}

pub(crate) enum Target {
    None,
    Comp(usize),
    Edge(usize),
}

/// `x^n` for a real exponent `n ≥ 0`, without `pow`: integer part by
/// multiplication, fractional part linearly (`x^f ≈ 1 − f(1 − x)`, exact at
/// the ends, within 3% of the true value for x ≥ 0.5).
/// The slot of split `id` among a caller's splits, claiming a free one for
/// a split not seen yet this tick (the build checks there are at most
/// [`MAX_SPLITS`] per caller).
#[inline]
fn split_slot(ids: &mut [u32; MAX_SPLITS], id: u32) -> usize {
    for (g, slot) in ids.iter_mut().enumerate() {
        if *slot == id || *slot == 0 {
            *slot = id;
            return g;
        }
    }
    MAX_SPLITS - 1
}

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
    pub(super) fn ideal_sli(&self) -> Sli {
        Sli {
            api_success: 1.0,
            ws_connect_rate: 1.0,
            voice_success: 1.0,
            delivery_rate: 1.0,
            ..Sli::default()
        }
    }

    pub(super) fn push_event(
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

    pub(super) fn name(&self, i: usize) -> &str {
        &self.scenario.topology.components[i].name
    }

    pub fn step(&mut self) {
        while self.timeline_idx < self.scenario.timeline.len()
            && self.scenario.timeline[self.timeline_idx].t_ms <= self.now_ms
        {
            let a = self.scenario.timeline[self.timeline_idx].action.clone();
            self.timeline_idx += 1;
            // The log line then reads "scenario: ...", which
            // `Event::is_scripted` recognises.
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
        self.connection_news();
        self.cache_news();
        // Capabilities follow this tick's health, so an action right after
        // the step sees them.
        self.control_plane();
        self.now_ms += self.scenario.tick_ms;
        self.tick += 1;
        // Deploy pipelines read this tick's figures at its end.
        self.deploys();
        if self.now_ms >= self.next_sample {
            self.take_sample();
            self.next_sample = self.now_ms + self.scenario.sample_ms;
        }
    }

    pub(super) fn curve(&self) -> f64 {
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

    pub(super) fn user_rates(&self) -> UserRates {
        let t = &self.scenario.traffic;
        UserRates {
            heartbeat_ok: 1.0,
            connect_ok: 1.0,
            heartbeat_s: t.heartbeat_ms / 1000.0,
            reconnect_s: t.reconnect_ms / 1000.0,
            reconnect_cap_s: t.reconnect_cap_ms / 1000.0,
            give_up_s: t.give_up_ms.max(1.0) / 1000.0,
            return_s: t.return_ms.max(1.0) / 1000.0,
            session_s: t.session_ms / 1000.0,
        }
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

/// Servers an operator ordered (`Action::Scale` with `provision_ms`),
/// arriving together.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OrderedScale {
    /// When they arrive, ms.
    pub at: u64,
    /// The server count then.
    pub servers: f64,
    /// The action event that ordered them.
    pub cause: usize,
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
