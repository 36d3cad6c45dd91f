//! Scenarios: which platform, which traffic, what happens when.
//!
//! A scenario is a TOML file (format documented in `scenarios/README.md`):
//! a name and source citation, the topology (`"bundled"` or an inline
//! `[topology]` table in the topology file's own format), model-parameter
//! overrides (`[params.<component>]`, `[[route]]`), the traffic profile, the
//! clients' retry policy, breaker preset, automatic triggers, the clock
//! (`start`, `time_zone`), `duration`, `tick` and `sample` lengths, and a
//! timeline of `[[at]]` entries each holding one [`Action`] and a
//! [`TimelineRole`]: a trigger (the world) or a response (the people on
//! call), so that a drill ([`Scenario::drill`]) can leave the responses to
//! the trainees.
//!
//! Around the model, a scenario tells a story ([`story`]: title, date,
//! summary, difficulty, narrative, timed messages, what really happened),
//! states the outcomes its source reports ([`expect`]: bands checked by the
//! calibration test), and offers counterfactual switches for the
//! post-mortem's action items ([`counterfactual`]). The bundled files are in
//! [`library`].
//!
//! [`Scenario::from_toml_str`] reports every problem as a [`SourceError`]
//! with the file, line and column.

mod band_words;
pub mod counterfactual;
mod drill;
pub mod ensemble;
pub mod expect;
pub mod impact;
pub mod library;
pub mod params;
mod parse;
pub mod route_summary;
mod routes;
pub mod save_run;
pub mod story;
pub mod time;

use serde::{Deserialize, Serialize};

use crate::sim::action::{Action, AutoTrigger};
use crate::sim::breaker::BreakerPreset;
use crate::sim::class::{RequestClass, NCLASS};
use crate::sim::deploy::DeployStrategy;
use crate::sim::retry::RetryPolicy;
use crate::source::{SourceError, SourceSpan};
use crate::topology::{DependencyKind, RawTopology, Topology};

pub use band_words::duration_in_words;
pub use counterfactual::Counterfactual;
pub use expect::{BandKind, BandResult, Expectation, Indicator};
pub use impact::users_affected_minutes;
pub use params::{
    Autoscale, CacheKind, Compartment, ComponentParams, Discipline, EdgeRoute, OnFailure, Role,
    Route, ServiceDist,
};
use parse::{RawAt, RawTriggers};
pub use route_summary::route_summary;
pub use routes::{check_splits, resolve_platform, MAX_SPLITS};
use routes::{default_params, overlay, resolve_route};
pub use story::{Difficulty, StoryMessage};

/// The bundled model parameters (`scenarios/platform.toml`).
pub const PLATFORM_TOML: &str = include_str!("../../../../scenarios/platform.toml");
/// The bundled steady-state scenario (`scenarios/steady_state.toml`).
pub const STEADY_STATE_TOML: &str = include_str!("../../../../scenarios/steady_state.toml");

/// Where a scenario's topology comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TopologySource {
    /// `scenarios/topology.toml`, embedded in the build.
    Bundled,
    /// An inline `[topology]` table.
    Inline,
}

/// Traffic profile: who is online and what they send.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Traffic {
    /// Concurrent users (the population whose connections are modelled).
    pub users: f64,
    /// Multiplier on all request rates (a spike is 10).
    pub multiplier: f64,
    /// Relative activity per hour of the scenario's clock (24 values, linearly interpolated); empty = flat.
    pub daily_curve: Vec<f64>,
    /// Requests per connected user per second, by class.
    pub per_user: PerUser,
    /// Relative per-tick noise on arrivals beyond Poisson (coefficient of variation).
    pub noise: f64,
    /// Gateway heartbeat interval, ms (seed 002: 41.25 s); a failed heartbeat drops the connection.
    pub heartbeat_ms: f64,
    /// Mean wait before a disconnected client tries to reconnect, ms.
    pub reconnect_ms: f64,
    /// Longest wait between reconnect attempts, ms: clients back off
    /// exponentially (×3 per failed attempt, jittered) from `reconnect_ms`
    /// up to this cap.
    pub reconnect_cap_ms: f64,
    /// Mean time a reconnecting user keeps trying before giving up, ms.
    pub give_up_ms: f64,
    /// Mean time before an offline user comes back, ms.
    pub return_ms: f64,
    /// Mean connection lifetime, ms (natural reconnects).
    pub session_ms: f64,
    /// The gateways' reconnect admission from the start: at most this
    /// many (re)connections a second, the rest wait their turn (0 = no
    /// cap; an operator can change it with `set_reconnect_admission`).
    pub reconnect_admission: f64,
}

/// Per-user request rates (per second) for the user-driven classes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PerUser {
    /// Messages sent.
    pub message_send: f64,
    /// Message loads.
    pub message_read: f64,
    /// Voice joins.
    pub voice_join: f64,
    /// Searches.
    pub search: f64,
    /// Uploads.
    pub upload: f64,
    /// Presence updates besides heartbeats.
    pub presence: f64,
}

impl Default for PerUser {
    fn default() -> Self {
        PerUser {
            message_send: 0.002,
            message_read: 0.01,
            voice_join: 0.0002,
            search: 0.0002,
            upload: 0.0002,
            presence: 0.0,
        }
    }
}

impl PerUser {
    /// As a lane array (gateway connect is driven by the user model, so 0).
    pub fn lanes(&self) -> [f64; NCLASS] {
        let mut a = [0.0; NCLASS];
        a[RequestClass::MessageSend.lane()] = self.message_send;
        a[RequestClass::MessageRead.lane()] = self.message_read;
        a[RequestClass::VoiceJoin.lane()] = self.voice_join;
        a[RequestClass::Search.lane()] = self.search;
        a[RequestClass::Upload.lane()] = self.upload;
        a[RequestClass::Presence.lane()] = self.presence;
        a
    }
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic {
            users: 1_000_000.0,
            multiplier: 1.0,
            daily_curve: Vec::new(),
            per_user: PerUser::default(),
            noise: 0.02,
            heartbeat_ms: 41_250.0,
            reconnect_ms: 5_000.0,
            reconnect_cap_ms: 60_000.0,
            give_up_ms: 600_000.0,
            return_ms: 1_800_000.0,
            session_ms: 3_600_000.0,
            reconnect_admission: 0.0,
        }
    }
}

/// Who makes a timeline entry happen: the world, or the people on call.
///
/// A drill ([`Scenario::drill`]) keeps the triggers and leaves the
/// responses to the trainees, so an instructor can compare what the team
/// did with what the real responders did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineRole {
    /// Something that happens to the platform: a failure, a surge, a
    /// network issue healing, traffic easing (the default).
    #[default]
    Trigger,
    /// What the real responders did: tuning, shedding, restarts, scaling,
    /// a client fix.
    Response,
}

/// One timed entry of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimedAction {
    /// When, ms since the start.
    pub t_ms: u64,
    /// What.
    pub action: Action,
    /// Why, as the scenario says (e.g. the seed's timeline entry).
    pub note: String,
    /// A trigger (the world) or a response (the people on call).
    pub role: TimelineRole,
}

/// A complete, validated scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// Name.
    pub name: String,
    /// The source it follows (seed document, post-mortem).
    pub source: String,
    /// What it shows, in a few sentences.
    pub description: String,
    /// Where the topology came from.
    pub topology_source: TopologySource,
    /// The topology.
    #[serde(skip)]
    pub topology: Topology,
    /// Parameters per component, in topology order.
    #[serde(skip)]
    pub params: Vec<ComponentParams>,
    /// Routing per dependency edge, in topology order.
    #[serde(skip)]
    pub routes: Vec<EdgeRoute>,
    /// Traffic profile.
    pub traffic: Traffic,
    /// Client retry policy at the start.
    pub client_retry: RetryPolicy,
    /// Breaker semantics.
    pub breaker: BreakerPreset,
    /// How a deploy rolls out when its action does not say: the platform's
    /// pipeline (`canary`, seed 002's, by default).
    pub deploy_strategy: DeployStrategy,
    /// Automatic triggers armed at the start (seed order).
    pub triggers: [bool; 4],
    /// The timeline, sorted by time (equal times keep file order).
    pub timeline: Vec<TimedAction>,
    /// Wall-clock time at t = 0, ms since midnight.
    pub start_clock_ms: u64,
    /// Time zone of the clock, e.g. "UTC" or "PDT".
    pub time_zone: String,
    /// Length of the run, ms.
    pub duration_ms: u64,
    /// Simulation step, ms.
    pub tick_ms: u64,
    /// Sampling interval, ms.
    pub sample_ms: u64,
    /// Suggested seed.
    pub seed: u64,
    /// How many seeds the calibration runs it at, odd (default
    /// [`ensemble::CALIBRATION_RUNS`]): more for an incident whose course
    /// is chaotic, so its bands' medians and its switches' means are not
    /// one lucky draw.
    pub calibration_runs: u64,
    /// Title for the scenario picker (defaults to `name`).
    pub title: String,
    /// Date of the incident, `YYYY-MM-DD` (empty for what-if scenarios).
    pub date: String,
    /// One line for the scenario picker.
    pub summary: String,
    /// How hard it is.
    pub difficulty: Difficulty,
    /// The trainee's briefing, shown before the run.
    pub narrative: String,
    /// The briefing for a drill, where the narrative would give the
    /// trigger away (a what-if that says what will fail); empty to use
    /// the narrative.
    pub drill_briefing: String,
    /// Messages shown as the clock passes their times, sorted by time.
    pub messages: Vec<StoryMessage>,
    /// The post-mortem's account, shown after the run beside its figures.
    pub what_happened: String,
    /// Expected outcomes (bands), in file order.
    pub expectations: Vec<Expectation>,
    /// Counterfactual switches, off by default, in file order.
    pub counterfactuals: Vec<Counterfactual>,
}

impl Scenario {
    /// A scenario over a hand-built topology with default parameters
    /// (every call edge carries every class); for tests and tools.
    pub fn with_topology(name: &str, topology: Topology) -> Scenario {
        let (params, routes) = default_params(&topology);
        Scenario {
            name: name.into(),
            source: String::new(),
            description: String::new(),
            topology_source: TopologySource::Inline,
            topology,
            params,
            routes,
            traffic: Traffic::default(),
            client_retry: RetryPolicy::none(),
            breaker: BreakerPreset::Seed,
            deploy_strategy: DeployStrategy::Canary,
            triggers: [true; 4],
            timeline: Vec::new(),
            start_clock_ms: 0,
            time_zone: "UTC".into(),
            duration_ms: 3_600_000,
            tick_ms: 1000,
            sample_ms: 10_000,
            seed: 1,
            calibration_runs: ensemble::CALIBRATION_RUNS,
            title: name.into(),
            date: String::new(),
            summary: String::new(),
            difficulty: Difficulty::Intro,
            narrative: String::new(),
            drill_briefing: String::new(),
            messages: Vec::new(),
            what_happened: String::new(),
            expectations: Vec::new(),
            counterfactuals: Vec::new(),
        }
    }

    /// Index of a component's parameters, by id.
    pub fn params_of(&self, id: &str) -> Option<&ComponentParams> {
        self.topology.component_index(id).map(|i| &self.params[i])
    }

    /// Mutable parameters of a component, by id (for tests and tools).
    pub fn params_mut(&mut self, id: &str) -> Option<&mut ComponentParams> {
        self.topology
            .component_index(id)
            .map(move |i| &mut self.params[i])
    }

    /// Replaces the route of the edge `from → to`; false if there is no such edge.
    pub fn set_route(&mut self, route: &Route) -> Result<(), String> {
        let (e, r) = resolve_route(&self.topology, route)?;
        self.routes[e] = r;
        Ok(())
    }
}

pub(super) fn unknown_component(t: &Topology, id: &str) -> String {
    let near = t
        .components
        .iter()
        .map(|c| (crate::topology::names::edit_distance(&c.id, id), &c.id))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default();
    format!("unknown component `{id}`{near}")
}

/// True if the automatic trigger is armed in this scenario.
pub fn trigger_armed(s: &Scenario, t: AutoTrigger) -> bool {
    s.triggers[t as usize]
}

/// A small topology built in code: components in one service-plane domain,
/// `calls` as call edges (`from`, `to`), `failovers` as failover edges, and
/// one region (all users) entering at the first component for both text and
/// voice. For tests, examples and one-service experiments.
///
/// # Panics
/// If an edge names a component not in `components` (a programming error).
pub fn simple_topology(
    components: &[&str],
    calls: &[(&str, &str)],
    failovers: &[(&str, &str)],
) -> Topology {
    use crate::topology::{
        Component, DependencyEdge, Domain, FailoverEdge, Plane, PlaneId, Region,
    };
    let idx = |id: &str| {
        components
            .iter()
            .position(|c| *c == id)
            .unwrap_or_else(|| panic!("no component `{id}`"))
    };
    Topology {
        name: "hand-built".into(),
        source: String::new(),
        planes: vec![Plane::new(PlaneId::Service, "Service Plane", "#00AA00")],
        domains: vec![Domain::new("Main", "Main", PlaneId::Service)],
        components: components
            .iter()
            .map(|id| Component {
                id: id.to_string(),
                name: id.to_string(),
                domain: 0,
                plane: PlaneId::Service,
                facts: Vec::new(),
                blast_radius: String::new(),
                added: true,
                source: String::new(),
            })
            .collect(),
        dependencies: calls
            .iter()
            .map(|(f, t)| DependencyEdge::call(idx(f), idx(t), "test"))
            .collect(),
        failovers: failovers
            .iter()
            .map(|(f, t)| FailoverEdge::new(idx(f), idx(t), vec![]))
            .collect(),
        regions: vec![Region {
            id: "ALL".into(),
            name: "Everyone".into(),
            share: 1.0,
            edge: 0,
            voice_edge: 0,
        }],
        topo_order: Vec::new(),
    }
}
