//! The simulation engine: a deterministic, aggregate (fluid) model of the
//! platform, advanced in fixed integer-millisecond ticks.
//!
//! Each tick:
//! 1. timeline actions due are applied; breakers past their open timeout
//!    move to half-open; failovers advance;
//! 2. users by region (see [`users`]) generate request rates per class at
//!    their region's edge; retries due this tick come out of the ring;
//! 3. **forward pass**, callers before callees (topological order): each
//!    component applies its rate limit (429s), queues the rest per bulkhead
//!    compartment (see `flow.rs`), serves what its live capacity allows, and
//!    sends the served requests' calls down its dependency edges through
//!    each edge's breaker, partition and cache-miss factor;
//! 4. **backward pass**, callees before callers: success, fast-failure
//!    share and latency per class combine each component's own queueing
//!    (timeouts against its deadline) with its dependencies' outcomes;
//! 5. outcomes at the edges drive users' connection states and schedule
//!    client retries into future ticks; memory, crashes, restarts,
//!    autoscaling, caches, triggers and health are updated; a sample is
//!    taken every sample interval.
//!
//! # Where each mechanism lives
//! | Mechanism | Module | Defaults from |
//! |---|---|---|
//! | users by region, connected / reconnecting / offline | [`users`] | seed 000 shares, seed 002 heartbeat 41.25 s |
//! | request classes as lanes on every edge | [`class`] | seed 000/002 volumes (`scenarios/platform.toml`) |
//! | M/M/c and M/D/c waiting, Little's law | [`queueing`] | textbook (Erlang C, Allen–Cunneen) |
//! | capacity, queues, deadlines, wasted work, LIFO, pools, rate limits (429), bulkheads, buffers, partitions | `flow` (private; documented there) | seed 000 pool splits, seed 001 limits and pool |
//! | client retries and the ring of future ticks | [`retry`] | AWS backoff and jitter; seed 001 broken backoff and fix |
//! | circuit breakers | [`breaker`] | seed 000 (5, 30 s, 3); Hystrix; Resilience4j |
//! | caches and their database fallback | [`cache`] | seed 000 "5-10 minutes for full recovery" |
//! | memory, buffering, crash at the limit | [`memory`] | seed 004 timeline, seed 000 Dec 2023 |
//! | failover edges | [`failover`] | seed 000 playbook: 30 s, 2 min, 5 min, 15 min |
//! | kill switches, automatic triggers, degradation modes | [`action`] + `flow` | seed 000 emergency flags and triggers |
//! | monitoring / config / orchestrator loss, autoscaling, rolling restarts, crash restarts in batches | `flow` | seed 002 autoscaling rules |
//! | the event log with causes | [`event`] | |
//! | the portable generator | [`rng`] | PCG32 (O'Neill 2014) |
//! | cross-platform reference run | [`mod@reference`] | |
//! | checkpoints, so going back in a run need not replay it from t = 0 | [`checkpoint`] | |
//!
//! Everything is in fixed-size vectors allocated by [`Sim::new`]; nothing is
//! allocated per tick except event messages. Iteration order is the
//! topology's order; maths goes through `libm`; the random generator is the
//! simulation's own [`rng::Pcg32`]: the same scenario, seed and actions give
//! a bit-identical run on every platform.

pub mod action;
pub mod breaker;
pub mod cache;
pub mod checkpoint;
pub mod class;
pub mod csv;
pub mod deploy;
pub mod event;
pub mod failover;
pub mod fleet;
mod flow;
pub mod memory;
pub mod percentile;
pub mod queueing;
pub mod reference;
pub mod retry;
pub mod rng;
pub mod snapshot;
pub mod users;

pub use action::{Action, ActionError, AutoTrigger, BreakerMode, KillSwitch};
pub use breaker::{BreakerConfig, BreakerPreset, BreakerState, BreakerWindow};
pub use checkpoint::{Checkpoint, Checkpoints, RunSpec};
pub use class::{RequestClass, NCLASS};
pub use event::{Event, EventKind};
pub use flow::run_hash;
pub use retry::{Backoff, Jitter, RetryBudget, RetryPolicy};
pub use snapshot::{
    ComponentSample, ComponentState, EdgeState, FailoverState, Health, Sample, Sli, Snapshot,
    SwitchState, Users, MAX_REGIONS,
};

use crate::scenario::Scenario;
use crate::topology::Topology;

/// Most bulkhead compartments per component.
pub const MAX_POOLS: usize = 4;

/// Why a simulation could not be built.
#[derive(Clone, Debug, PartialEq)]
pub enum SimError {
    /// The scenario is inconsistent (message in plain words).
    Invalid(String),
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimError::Invalid(m) => write!(f, "cannot simulate this scenario: {m}"),
        }
    }
}

impl std::error::Error for SimError {}

/// A running simulation. Build with [`Sim::new`], advance with [`Sim::step`]
/// or [`Sim::step_until`], read with [`Sim::snapshot`], [`Sim::events`] and
/// [`Sim::samples`], intervene with [`Sim::apply`].
pub struct Sim {
    pub(crate) st: flow::State,
}

impl Sim {
    /// A simulation of `scenario` with random seed `seed`, at t = 0.
    pub fn new(scenario: &Scenario, seed: u64) -> Result<Sim, SimError> {
        Ok(Sim {
            st: flow::State::new(scenario, seed)?,
        })
    }

    /// Advances one tick (`scenario.tick_ms`).
    pub fn step(&mut self) {
        self.st.step();
    }

    /// Advances whole ticks until `now_ms() >= t_ms`.
    pub fn step_until(&mut self, t_ms: u64) {
        while self.st.now_ms < t_ms {
            self.st.step();
        }
    }

    /// Runs to the scenario's end.
    pub fn run_to_end(&mut self) {
        let end = self.st.scenario.duration_ms;
        self.step_until(end);
    }

    /// True once the scenario's duration has elapsed.
    pub fn finished(&self) -> bool {
        self.st.now_ms >= self.st.scenario.duration_ms
    }

    /// Simulated time, ms since the start.
    pub fn now_ms(&self) -> u64 {
        self.st.now_ms
    }

    /// The platform's state now.
    pub fn snapshot(&self) -> Snapshot {
        self.st.snapshot()
    }

    /// Applies an action now. Unknown names and out-of-range values are refused.
    pub fn apply(&mut self, action: Action) -> Result<(), ActionError> {
        let t = self.st.now_ms;
        self.st.apply(action.clone(), "operator")?;
        self.st.operator_log.push((t, action));
        Ok(())
    }

    /// The operator's actions accepted so far ([`Sim::apply`]), with their
    /// times: what a replay applies again (the scenario's own timeline is
    /// not among them; [`Sim::action_log`] has both).
    pub fn operator_actions(&self) -> &[(u64, Action)] {
        &self.st.operator_log
    }

    /// The whole event log.
    pub fn events(&self) -> &[Event] {
        &self.st.events
    }

    /// Events from index `from` on (for incremental UIs).
    pub fn events_since(&self, from: usize) -> &[Event] {
        &self.st.events[from.min(self.st.events.len())..]
    }

    /// Samples taken so far, one per sample interval.
    pub fn samples(&self) -> &[Sample] {
        &self.st.samples
    }

    /// Runs `scenario` at `seed` from start to end with no operator actions
    /// beyond its own timeline and returns every sample (reports,
    /// calibration, band checks).
    pub fn run_samples(scenario: &Scenario, seed: u64) -> Result<Vec<Sample>, SimError> {
        let mut sim = Sim::new(scenario, seed)?;
        sim.run_to_end();
        Ok(std::mem::take(&mut sim.st.samples))
    }

    /// Runs `scenario` at `seed` from start to end, applying an operator's
    /// `actions` at their times (in time order) as a replayed link does:
    /// one the run refuses is skipped. Returns every sample; with no
    /// actions this is [`Sim::run_samples`].
    pub fn run_samples_with(
        scenario: &Scenario,
        seed: u64,
        actions: &[(u64, Action)],
    ) -> Result<Vec<Sample>, SimError> {
        let mut sim = Sim::new(scenario, seed)?;
        for (t, a) in actions {
            sim.step_until(*t);
            // Refused here as it was refused (or would be) in the page.
            let _ = sim.apply(a.clone());
        }
        sim.run_to_end();
        Ok(std::mem::take(&mut sim.st.samples))
    }

    /// The topology simulated.
    pub fn topology(&self) -> &Topology {
        &self.st.scenario.topology
    }

    /// The scenario simulated.
    pub fn scenario(&self) -> &Scenario {
        &self.st.scenario
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.st.seed
    }

    /// Actions applied so far with their times (timeline and operator), for replay links.
    pub fn action_log(&self) -> &[(u64, Action)] {
        &self.st.action_log
    }
}

/// Checks an action's names and ranges against a topology without applying it.
pub fn check_action(t: &Topology, a: &Action) -> Result<(), ActionError> {
    flow::check_action(t, a).map(|_| ())
}

/// An action in plain words with the components' names, as the event log
/// writes it after `operator:` or `scenario:` (e.g. "kill Redis Sessions").
pub fn describe_action(t: &Topology, a: &Action) -> String {
    flow::describe(t, a)
}
