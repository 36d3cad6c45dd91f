//! Scenarios: which platform, which traffic, what happens when.
//!
//! A scenario is a TOML file (format documented in `scenarios/README.md`):
//! a name and source citation, the topology (`"bundled"` or an inline
//! `[topology]` table in the topology file's own format), model-parameter
//! overrides (`[params.<component>]`, `[[route]]`), the traffic profile, the
//! clients' retry policy, breaker preset, automatic triggers, the clock
//! (`start`, `time_zone`), `duration`, `tick` and `sample` lengths, and a
//! timeline of `[[at]]` entries each holding one [`Action`].
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

pub mod counterfactual;
pub mod expect;
pub mod impact;
pub mod library;
pub mod params;
pub mod story;
pub mod time;

use serde::{Deserialize, Serialize};

use crate::sim::action::{Action, AutoTrigger};
use crate::sim::breaker::BreakerPreset;
use crate::sim::class::{RequestClass, NCLASS};
use crate::sim::retry::RetryPolicy;
use crate::source::{SourceError, SourceSpan};
use crate::topology::{DependencyKind, RawTopology, Topology};

pub use counterfactual::Counterfactual;
pub use expect::{BandKind, BandResult, Expectation, Indicator};
pub use impact::users_affected_minutes;
pub use params::{
    Autoscale, CacheKind, Compartment, ComponentParams, Discipline, EdgeRoute, OnFailure, Role,
    Route, ServiceDist,
};
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
        }
    }
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
    /// Messages shown as the clock passes their times, sorted by time.
    pub messages: Vec<StoryMessage>,
    /// The post-mortem's account, shown after the run beside its figures.
    pub what_happened: String,
    /// Expected outcomes (bands), in file order.
    pub expectations: Vec<Expectation>,
    /// Counterfactual switches, off by default, in file order.
    pub counterfactuals: Vec<Counterfactual>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    topology: Option<toml::Value>,
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    time_zone: Option<String>,
    duration: toml::Value,
    #[serde(default)]
    tick: Option<toml::Value>,
    #[serde(default)]
    sample: Option<toml::Value>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    traffic: Option<Traffic>,
    #[serde(default)]
    client_retry: Option<RetryPolicy>,
    #[serde(default)]
    breaker: Option<BreakerPreset>,
    #[serde(default)]
    triggers: Option<RawTriggers>,
    #[serde(default)]
    params: Option<toml::Table>,
    #[serde(default)]
    route: Vec<Route>,
    #[serde(default)]
    at: Vec<RawAt>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<toml::Spanned<String>>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    difficulty: Option<Difficulty>,
    #[serde(default)]
    narrative: String,
    #[serde(default)]
    message: Vec<toml::Spanned<story::RawMessage>>,
    #[serde(default)]
    what_happened: String,
    #[serde(default)]
    expect: Vec<toml::Spanned<expect::RawExpect>>,
    #[serde(default)]
    counterfactual: Vec<toml::Spanned<counterfactual::RawCounterfactual>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawTriggers {
    database_cpu: Option<bool>,
    queue_depth: Option<bool>,
    error_rate: Option<bool>,
    storage: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAt {
    t: toml::Value,
    action: Action,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
struct InlineTopology {
    topology: RawTopology,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlatform {
    #[serde(default)]
    defaults: Option<toml::Table>,
    #[serde(default)]
    component: toml::Table,
    #[serde(default)]
    route: Vec<Route>,
}

fn toml_err(e: &toml::de::Error, text: &str, file: &str) -> SourceError {
    let msg = e.message().trim().to_string();
    match e.span() {
        Some(r) => SourceError::at(file, SourceSpan::from_offset(text, r.start), msg),
        None => SourceError::whole(file, msg),
    }
}

/// The line of the first occurrence of `needle` in `text`, for errors about merged tables.
fn find(text: &str, needle: &str) -> Option<SourceSpan> {
    text.find(needle).map(|o| SourceSpan::from_offset(text, o))
}

fn err_near(file: &str, text: &str, needle: &str, msg: String) -> SourceError {
    match find(text, needle) {
        Some(s) => SourceError::at(file, s, msg),
        None => SourceError::whole(file, msg),
    }
}

fn duration_of(v: &toml::Value, what: &str) -> Result<u64, String> {
    match v {
        toml::Value::Integer(i) if *i >= 0 => Ok(*i as u64),
        toml::Value::String(s) => time::parse_duration(s),
        _ => Err(format!(
            "{what} must be a duration like \"4h\", \"90s\", \"100ms\" or an integer of ms"
        )),
    }
}

impl Scenario {
    /// The bundled evening-peak steady state over the bundled topology.
    pub fn bundled_steady_state() -> Result<Scenario, Vec<SourceError>> {
        Scenario::from_toml_str(STEADY_STATE_TOML, "bundled:steady_state.toml")
    }

    /// Parses and validates a scenario file; `file` names it in errors.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Scenario, Vec<SourceError>> {
        let raw: RawScenario = toml::from_str(text).map_err(|e| vec![toml_err(&e, text, file)])?;
        let mut errors = Vec::new();
        let (topology, topology_source) = match &raw.topology {
            None => (Topology::bundled()?, TopologySource::Bundled),
            Some(toml::Value::String(s)) if s == "bundled" => {
                (Topology::bundled()?, TopologySource::Bundled)
            }
            Some(toml::Value::Table(_)) => {
                let inline: InlineTopology =
                    toml::from_str(text).map_err(|e| vec![toml_err(&e, text, file)])?;
                (
                    crate::topology::validate_raw(inline.topology, text, file)?,
                    TopologySource::Inline,
                )
            }
            Some(_) => {
                return Err(vec![err_near(
                    file,
                    text,
                    "topology",
                    "topology must be \"bundled\" or an inline [topology] table".into(),
                )])
            }
        };
        let use_platform = match raw.platform.as_deref() {
            None => topology_source == TopologySource::Bundled,
            Some("bundled") => true,
            Some("none") => false,
            Some(other) => {
                return Err(vec![err_near(
                    file,
                    text,
                    "platform",
                    format!("platform must be \"bundled\" or \"none\", got `{other}`"),
                )])
            }
        };
        let (mut params, mut routes) = if use_platform {
            resolve_platform(&topology, PLATFORM_TOML, "bundled:platform.toml")?
        } else {
            default_params(&topology)
        };
        // Scenario overrides.
        if let Some(over) = &raw.params {
            for (id, v) in over {
                let Some(i) = topology.component_index(id) else {
                    errors.push(err_near(
                        file,
                        text,
                        &format!("params.{id}"),
                        unknown_component(&topology, id),
                    ));
                    continue;
                };
                let toml::Value::Table(t) = v else {
                    errors.push(err_near(
                        file,
                        text,
                        &format!("params.{id}"),
                        format!("params.{id} must be a table"),
                    ));
                    continue;
                };
                match overlay(&params[i], t) {
                    Ok(p) => params[i] = p,
                    Err(m) => errors.push(err_near(
                        file,
                        text,
                        &format!("params.{id}"),
                        format!("params.{id}: {m}"),
                    )),
                }
            }
        }
        for r in &raw.route {
            match resolve_route(&topology, r) {
                Ok((e, er)) => merge_route(&mut routes[e], er, !r.classes.is_empty()),
                Err(m) => errors.push(err_near(file, text, &format!("\"{}\"", r.to), m)),
            }
        }
        if let Err(m) = check_splits(&topology, &routes) {
            errors.push(err_near(file, text, "split =", m));
        }
        for (i, p) in params.iter().enumerate() {
            if let Err(m) = p.validate() {
                errors.push(err_near(
                    file,
                    text,
                    &topology.components[i].id,
                    format!("{}: {m}", topology.components[i].id),
                ));
            }
        }
        let start_clock_ms = match raw.start.as_deref().map(time::parse_clock).transpose() {
            Ok(v) => v.unwrap_or(0),
            Err(m) => {
                errors.push(err_near(file, text, "start", m));
                0
            }
        };
        let dur = |v: Option<&toml::Value>,
                   what: &str,
                   default: u64,
                   errors: &mut Vec<SourceError>|
         -> u64 {
            match v.map(|v| duration_of(v, what)).transpose() {
                Ok(x) => x.unwrap_or(default),
                Err(m) => {
                    errors.push(err_near(file, text, what, m));
                    default
                }
            }
        };
        let duration_ms = dur(Some(&raw.duration), "duration", 3_600_000, &mut errors);
        let tick_ms = dur(raw.tick.as_ref(), "tick", 1000, &mut errors);
        let sample_ms = dur(raw.sample.as_ref(), "sample", 10_000, &mut errors);
        if tick_ms == 0 || tick_ms > 60_000 {
            errors.push(err_near(
                file,
                text,
                "tick",
                format!("tick must be between 1 ms and 60 s, got {tick_ms} ms"),
            ));
        }
        if sample_ms < tick_ms.max(1) {
            errors.push(err_near(
                file,
                text,
                "sample",
                "sample must be at least one tick".into(),
            ));
        }
        if duration_ms == 0 || duration_ms > 7 * 86_400_000 {
            errors.push(err_near(
                file,
                text,
                "duration",
                "duration must be between 1 ms and 7 days".into(),
            ));
        }
        let traffic = raw.traffic.unwrap_or_default();
        if let Err(m) = check_traffic(&traffic) {
            errors.push(err_near(file, text, "[traffic", m));
        }
        let client_retry = raw.client_retry.unwrap_or_default();
        if let Err(m) = client_retry.validate() {
            errors.push(err_near(file, text, "client_retry", m));
        }
        let t = raw.triggers.unwrap_or_default();
        let triggers = [
            t.database_cpu.unwrap_or(true),
            t.queue_depth.unwrap_or(true),
            t.error_rate.unwrap_or(true),
            t.storage.unwrap_or(true),
        ];
        let mut timeline = Vec::new();
        for a in raw.at {
            let when = match &a.t {
                toml::Value::Integer(i) if *i >= 0 => Ok(*i as u64),
                toml::Value::String(s) => time::parse_at(s, start_clock_ms),
                _ => Err("t must be \"HH:MM:SS\", \"+5m\" or an integer of ms".into()),
            };
            match when {
                Ok(t_ms) if t_ms > duration_ms => errors.push(err_near(
                    file,
                    text,
                    &format!("\"{}\"", action_anchor(&a.action)),
                    format!(
                        "timeline action `{}` at {} is outside the run (it lasts {})",
                        a.action.kind(),
                        story::fmt_dur(t_ms),
                        story::fmt_dur(duration_ms)
                    ),
                )),
                Ok(t_ms) => {
                    if let Err(m) = crate::sim::check_action(&topology, &a.action) {
                        errors.push(err_near(
                            file,
                            text,
                            &format!("\"{}\"", action_anchor(&a.action)),
                            m.to_string(),
                        ));
                    }
                    timeline.push(TimedAction {
                        t_ms,
                        action: a.action,
                        note: a.note,
                    });
                }
                Err(m) => errors.push(SourceError::whole(file, m)),
            }
        }
        timeline.sort_by_key(|a| a.t_ms);
        let at = |span: std::ops::Range<usize>| SourceSpan::from_offset(text, span.start);
        let mut messages = Vec::new();
        for m in raw.message {
            let span = m.span();
            let m = m.into_inner();
            match story::time_in_run(&m.t, start_clock_ms, duration_ms, "message t") {
                Ok(_) if m.text.trim().is_empty() => {
                    errors.push(SourceError::at(file, at(span), "message has no text"));
                }
                Ok(t_ms) => messages.push(StoryMessage { t_ms, text: m.text }),
                Err(e) => errors.push(SourceError::at(file, at(span), e)),
            }
        }
        messages.sort_by_key(|m| m.t_ms);
        let mut expectations = Vec::new();
        // Where each band naming a switch is, to check the key once the
        // counterfactuals are read.
        let mut band_switches = Vec::new();
        for e in raw.expect {
            let span = e.span();
            match e.into_inner().resolve(start_clock_ms, duration_ms) {
                Ok(x) => {
                    if let Some(k) = &x.with {
                        band_switches.push((span, k.clone()));
                    }
                    expectations.push(x)
                }
                Err(m) => errors.push(SourceError::at(file, at(span), m)),
            }
        }
        if let Some(d) = &raw.date {
            if !story::valid_date(d.get_ref()) {
                errors.push(SourceError::at(
                    file,
                    at(d.span()),
                    format!("date must be YYYY-MM-DD, got `{}`", d.get_ref()),
                ));
            }
        }
        // Counterfactuals are checked against the scenario even when it has
        // other problems, so every error is reported at once.
        let title = raw.title.unwrap_or_else(|| raw.name.clone());
        let mut scenario = Scenario {
            name: raw.name,
            source: raw.source,
            description: raw.description,
            topology_source,
            topology,
            params,
            routes,
            traffic,
            client_retry,
            breaker: raw.breaker.unwrap_or(BreakerPreset::Seed),
            triggers,
            timeline,
            start_clock_ms,
            time_zone: raw.time_zone.unwrap_or_else(|| "UTC".into()),
            duration_ms,
            tick_ms,
            sample_ms,
            seed: raw.seed.unwrap_or(1),
            title,
            date: raw.date.map(|d| d.into_inner()).unwrap_or_default(),
            summary: raw.summary,
            difficulty: raw.difficulty.unwrap_or_default(),
            narrative: raw.narrative,
            messages,
            what_happened: raw.what_happened,
            expectations,
            counterfactuals: Vec::new(),
        };
        let mut keys: Vec<String> = Vec::new();
        for c in raw.counterfactual {
            let span = c.span();
            let c = c.into_inner();
            if keys.iter().any(|k| k == c.key()) {
                errors.push(SourceError::at(
                    file,
                    at(span.clone()),
                    format!("counterfactual `{}` is defined twice", c.key()),
                ));
            }
            keys.push(c.key().to_string());
            match c.resolve(&scenario) {
                Ok(x) => scenario.counterfactuals.push(x),
                Err(ms) => errors.extend(
                    ms.into_iter()
                        .map(|m| SourceError::at(file, at(span.clone()), m)),
                ),
            }
        }
        for (span, k) in band_switches {
            if !keys.contains(&k) {
                let known = if keys.is_empty() {
                    "this scenario has no [[counterfactual]] switches".to_string()
                } else {
                    format!("its switches are: {}", keys.join(", "))
                };
                errors.push(SourceError::at(
                    file,
                    at(span),
                    format!("expect: with = \"{k}\" names no counterfactual switch ({known})"),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(scenario)
    }

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
            triggers: [true; 4],
            timeline: Vec::new(),
            start_clock_ms: 0,
            time_zone: "UTC".into(),
            duration_ms: 3_600_000,
            tick_ms: 1000,
            sample_ms: 10_000,
            seed: 1,
            title: name.into(),
            date: String::new(),
            summary: String::new(),
            difficulty: Difficulty::Intro,
            narrative: String::new(),
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

fn action_anchor(a: &Action) -> String {
    match a {
        Action::Kill { component }
        | Action::Revive { component }
        | Action::Degrade { component, .. }
        | Action::AddLatency { component, .. }
        | Action::SlowTail { component, .. }
        | Action::Partition { component, .. }
        | Action::Heal { component, .. }
        | Action::Scale { component, .. }
        | Action::RollingRestart { component }
        | Action::SetDeadlineCheck { component, .. } => component.clone(),
        Action::SetBreaker { to, .. } | Action::SetFailureMode { to, .. } => to.clone(),
        _ => a.kind().to_string(),
    }
}

fn check_traffic(t: &Traffic) -> Result<(), String> {
    let vals = [
        ("users", t.users),
        ("multiplier", t.multiplier),
        ("noise", t.noise),
        ("heartbeat_ms", t.heartbeat_ms),
        ("reconnect_ms", t.reconnect_ms),
        ("reconnect_cap_ms", t.reconnect_cap_ms),
        ("give_up_ms", t.give_up_ms),
        ("return_ms", t.return_ms),
        ("session_ms", t.session_ms),
    ];
    for (n, v) in vals {
        if !(v.is_finite() && v >= 0.0) {
            return Err(format!("traffic.{n} must be a finite number ≥ 0, got {v}"));
        }
    }
    for (n, v) in [
        ("heartbeat_ms", t.heartbeat_ms),
        ("reconnect_ms", t.reconnect_ms),
        ("reconnect_cap_ms", t.reconnect_cap_ms),
        ("session_ms", t.session_ms),
    ] {
        if v < 1.0 {
            return Err(format!("traffic.{n} must be at least 1 ms"));
        }
    }
    if !t.daily_curve.is_empty() && t.daily_curve.len() != 24 {
        return Err(format!(
            "traffic.daily_curve needs 24 hourly values, got {}",
            t.daily_curve.len()
        ));
    }
    if t.daily_curve.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
        return Err("traffic.daily_curve values must be finite and ≥ 0".into());
    }
    if t.per_user
        .lanes()
        .iter()
        .any(|v| !(v.is_finite() && *v >= 0.0))
    {
        return Err("traffic.per_user rates must be finite and ≥ 0".into());
    }
    Ok(())
}

fn unknown_component(t: &Topology, id: &str) -> String {
    let near = t
        .components
        .iter()
        .map(|c| (crate::topology::load::edit_distance(&c.id, id), &c.id))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default();
    format!("unknown component `{id}`{near}")
}

fn default_params(t: &Topology) -> (Vec<ComponentParams>, Vec<EdgeRoute>) {
    let params = vec![ComponentParams::default(); t.components.len()];
    let routes = t
        .dependencies
        .iter()
        .map(|d| {
            if d.kind == DependencyKind::Call {
                EdgeRoute::all()
            } else {
                EdgeRoute::none()
            }
        })
        .collect();
    (params, routes)
}

fn overlay(base: &ComponentParams, over: &toml::Table) -> Result<ComponentParams, String> {
    let mut t = toml::Table::try_from(base).map_err(|e| e.to_string())?;
    for (k, v) in over {
        t.insert(k.clone(), v.clone());
    }
    t.try_into::<ComponentParams>()
        .map_err(|e| e.message().trim().to_string())
}

/// A later `[[route]]` for the same edge naming classes updates only those lanes.
fn merge_route(old: &mut EdgeRoute, new: EdgeRoute, only_listed: bool) {
    if only_listed {
        for k in 0..NCLASS {
            if new.calls[k] > 0.0 {
                old.calls[k] = new.calls[k];
            }
        }
        old.miss_of = new.miss_of.or(old.miss_of);
        old.on_failure = new.on_failure;
        old.split = new.split;
    } else {
        *old = new;
    }
}

fn resolve_route(t: &Topology, r: &Route) -> Result<(usize, EdgeRoute), String> {
    let from = t
        .component_index(&r.from)
        .ok_or_else(|| unknown_component(t, &r.from))?;
    let to = t
        .component_index(&r.to)
        .ok_or_else(|| unknown_component(t, &r.to))?;
    let e = t
        .dependencies
        .iter()
        .position(|d| d.from == from && d.to == to)
        .ok_or_else(|| {
            format!(
                "route {} → {}: the topology has no such dependency edge",
                r.from, r.to
            )
        })?;
    if !(r.calls.is_finite() && r.calls >= 0.0 && r.calls <= 100.0) {
        return Err(format!(
            "route {} → {}: calls must be in [0, 100]",
            r.from, r.to
        ));
    }
    let mut calls = [0.0; NCLASS];
    if r.classes.is_empty() {
        calls = [r.calls; NCLASS];
    } else {
        for c in &r.classes {
            calls[c.lane()] = r.calls;
        }
    }
    let miss_of = match &r.miss_of {
        None => None,
        Some(id) => Some(
            t.component_index(id)
                .ok_or_else(|| unknown_component(t, id))?,
        ),
    };
    let split = match r.split.as_deref() {
        None => 0,
        Some("") => return Err(format!("route {} → {}: split needs a name", r.from, r.to)),
        Some(name) => params::split_id(name),
    };
    Ok((
        e,
        EdgeRoute {
            calls,
            miss_of,
            on_failure: r.on_failure,
            split,
        },
    ))
}

/// Load-balanced splits ([`Route::split`]) one caller may have: the tick
/// keeps a fixed-size accumulator per split.
pub const MAX_SPLITS: usize = 2;

/// A caller has at most [`MAX_SPLITS`] load-balanced splits, and a split's
/// shares of a class add up to at most all of it.
pub fn check_splits(t: &Topology, routes: &[EdgeRoute]) -> Result<(), String> {
    for (c, comp) in t.components.iter().enumerate() {
        let mut ids: Vec<u32> = Vec::new();
        for (e, d) in t.dependencies.iter().enumerate() {
            let sp = routes.get(e).map_or(0, |r| r.split);
            if d.from == c && sp != 0 && !ids.contains(&sp) {
                ids.push(sp);
            }
        }
        if ids.len() > MAX_SPLITS {
            return Err(format!(
                "`{}` has {} load-balanced splits; at most {MAX_SPLITS}",
                comp.id,
                ids.len()
            ));
        }
        for &sp in &ids {
            for (k, class) in RequestClass::ALL.iter().enumerate() {
                let total: f64 = t
                    .dependencies
                    .iter()
                    .enumerate()
                    .filter(|(e, d)| d.from == c && routes[*e].split == sp)
                    .map(|(e, _)| routes[e].calls[k])
                    .sum();
                if total > 1.0 + 1e-6 {
                    return Err(format!(
                        "`{}`: the shares of one split add up to {total:.3} of its {} requests (at most 1)",
                        comp.id,
                        class.as_str()
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Resolves a platform file (defaults, per-component tables, routes) against a topology.
pub fn resolve_platform(
    t: &Topology,
    text: &str,
    file: &str,
) -> Result<(Vec<ComponentParams>, Vec<EdgeRoute>), Vec<SourceError>> {
    let raw: RawPlatform = toml::from_str(text).map_err(|e| vec![toml_err(&e, text, file)])?;
    let mut errors = Vec::new();
    let base = match &raw.defaults {
        Some(d) => overlay(&ComponentParams::default(), d).unwrap_or_else(|m| {
            errors.push(err_near(file, text, "[defaults]", format!("defaults: {m}")));
            ComponentParams::default()
        }),
        None => ComponentParams::default(),
    };
    let (_, mut routes) = default_params(t);
    let mut params = vec![base.clone(); t.components.len()];
    for (id, v) in &raw.component {
        let Some(i) = t.component_index(id) else {
            errors.push(err_near(
                file,
                text,
                &format!("component.{id}]"),
                unknown_component(t, id),
            ));
            continue;
        };
        let toml::Value::Table(tab) = v else {
            errors.push(err_near(
                file,
                text,
                id,
                format!("component.{id} must be a table"),
            ));
            continue;
        };
        match overlay(&base, tab) {
            Ok(p) => params[i] = p,
            Err(m) => errors.push(err_near(
                file,
                text,
                &format!("component.{id}]"),
                format!("{id}: {m}"),
            )),
        }
    }
    // Call edges without a route in the platform file carry nothing unless
    // listed: the bundled platform is explicit about every flow.
    for (e, d) in t.dependencies.iter().enumerate() {
        if d.kind == DependencyKind::Call {
            routes[e] = EdgeRoute {
                calls: [0.0; NCLASS],
                miss_of: None,
                on_failure: OnFailure::Fail,
                split: 0,
            };
        }
    }
    for r in &raw.route {
        match resolve_route(t, r) {
            Ok((e, er)) => merge_route(&mut routes[e], er, !r.classes.is_empty()),
            Err(m) => errors.push(err_near(file, text, &format!("to = \"{}\"", r.to), m)),
        }
    }
    if let Err(m) = check_splits(t, &routes) {
        errors.push(err_near(file, text, "split =", m));
    }
    if errors.is_empty() {
        Ok((params, routes))
    } else {
        Err(errors)
    }
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
