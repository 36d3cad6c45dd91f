//! Expected outcomes (`[[expect]]` bands) and checking a run against them.
//!
//! A band names one service-level indicator (or one component's
//! utilisation, queue, memory or error rate), a window of the run, what to
//! measure in it and the figure the source document gives, with a tolerance
//! and a one-line justification:
//!
//! | `kind` | measured in the window | passes when |
//! |---|---|---|
//! | `min` | lowest value | `|measured − value| ≤ tolerance` |
//! | `max` | highest value | `|measured − value| ≤ tolerance` |
//! | `mean` | mean value | `|measured − value| ≤ tolerance` |
//! | `final` | last value | `|measured − value| ≤ tolerance` |
//! | `at_least` | lowest value | `measured ≥ value − tolerance` |
//! | `at_most` | highest value | `measured ≤ value + tolerance` |
//! | `breaks` | first time on the bad side of `value` | `|measured − at| ≤ tolerance` (a duration) |
//! | `recovers` | start of the final stretch on the good side of `value` | `|measured − at| ≤ tolerance` (a duration) |
//!
//! The bad side is below `value` for success rates, above it for latencies,
//! query times, users affected and retry share. The calibration test
//! (`crates/faultline-core/tests/calibration.rs`) runs every bundled
//! scenario and asserts every band with [`check`].

use serde::{Deserialize, Serialize};

use crate::sim::{ComponentSample, Sample};
use crate::topology::Topology;

use super::story::{fmt_dur, time_in_run};
use super::time::format_clock;
use super::Scenario;

pub use super::impact::users_affected_minutes;

/// An indicator a band can measure: the keys of the samples' `sli` object
/// (seed 001's key metrics), plus `users_affected_share`, and the figures
/// of one component ([`Indicator::COMPONENT`]) for a band that names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Share of API requests that succeed, `0..=1`.
    ApiSuccess,
    /// API latency, 95th percentile, ms.
    ApiLatencyP95Ms,
    /// Share of WebSocket connection attempts that succeed.
    WsConnectRate,
    /// Share of voice joins that succeed.
    VoiceSuccess,
    /// Share of the messages sent that are delivered, retries included.
    DeliveryRate,
    /// Message delivery latency, 99th percentile, ms.
    DeliveryLatencyP99Ms,
    /// Message load (read) latency, 99th percentile, ms.
    MessageLoadP99Ms,
    /// Mean database query time, ms.
    DbQueryMs,
    /// Users who cannot use the platform normally.
    UsersAffected,
    /// Users affected as a share of all users (connected, reconnecting, offline).
    UsersAffectedShare,
    /// User requests per second at the edge, retries included.
    RequestRate,
    /// Share of those requests that are retries.
    RetryShare,
    /// A component's utilisation, `0..=1` (needs `component`).
    Utilisation,
    /// A component's queue length, requests (needs `component`).
    Queue,
    /// A component's memory in use as a share of its limit (needs `component`).
    Memory,
    /// A component's error rate, `0..=1` (needs `component`).
    ErrorRate,
}

impl Indicator {
    /// Every indicator, in the order reports list them.
    pub const ALL: [Indicator; 12] = [
        Indicator::ApiSuccess,
        Indicator::ApiLatencyP95Ms,
        Indicator::WsConnectRate,
        Indicator::VoiceSuccess,
        Indicator::DeliveryRate,
        Indicator::DeliveryLatencyP99Ms,
        Indicator::MessageLoadP99Ms,
        Indicator::DbQueryMs,
        Indicator::UsersAffected,
        Indicator::UsersAffectedShare,
        Indicator::RequestRate,
        Indicator::RetryShare,
    ];

    /// The indicators of one component, for bands that name a `component`
    /// (seed figures such as "US-East: 95% CPU" or "memory exhausted").
    pub const COMPONENT: [Indicator; 4] = [
        Indicator::Utilisation,
        Indicator::Queue,
        Indicator::Memory,
        Indicator::ErrorRate,
    ];

    /// True for an indicator of one component rather than of the platform.
    pub fn is_component(self) -> bool {
        Indicator::COMPONENT.contains(&self)
    }

    /// The key as written in files and in the samples' `sli` object.
    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::ApiSuccess => "api_success",
            Indicator::ApiLatencyP95Ms => "api_latency_p95_ms",
            Indicator::WsConnectRate => "ws_connect_rate",
            Indicator::VoiceSuccess => "voice_success",
            Indicator::DeliveryRate => "delivery_rate",
            Indicator::DeliveryLatencyP99Ms => "delivery_latency_p99_ms",
            Indicator::MessageLoadP99Ms => "message_load_p99_ms",
            Indicator::DbQueryMs => "db_query_ms",
            Indicator::UsersAffected => "users_affected",
            Indicator::UsersAffectedShare => "users_affected_share",
            Indicator::RequestRate => "request_rate",
            Indicator::RetryShare => "retry_share",
            Indicator::Utilisation => "utilisation",
            Indicator::Queue => "queue",
            Indicator::Memory => "memory",
            Indicator::ErrorRate => "error_rate",
        }
    }

    /// The indicator's name for people, as the page's charts title it
    /// ("API success rate"), where [`Indicator::as_str`] is the file's key.
    pub fn title(self) -> &'static str {
        match self {
            Indicator::ApiSuccess => "API success rate",
            Indicator::ApiLatencyP95Ms => "API latency p95",
            Indicator::WsConnectRate => "WebSocket connection rate",
            Indicator::VoiceSuccess => "Voice connection success",
            Indicator::DeliveryRate => "Message delivery rate",
            Indicator::DeliveryLatencyP99Ms => "Message delivery p99",
            Indicator::MessageLoadP99Ms => "Message load p99",
            Indicator::DbQueryMs => "Database query time",
            Indicator::UsersAffected => "Users affected",
            Indicator::UsersAffectedShare => "Share of users affected",
            Indicator::RequestRate => "Request rate",
            Indicator::RetryShare => "Share of requests that are retries",
            Indicator::Utilisation => "Utilisation",
            Indicator::Queue => "Queue",
            Indicator::Memory => "Memory in use",
            Indicator::ErrorRate => "Error rate",
        }
    }

    /// What the indicator measures, in one sentence for people (the
    /// charts' tooltips).
    pub fn meaning(self) -> &'static str {
        match self {
            Indicator::ApiSuccess => "Share of API requests answered without an error, counting every attempt: a request retried three times counts four times.",
            Indicator::ApiLatencyP95Ms => "95th percentile of API response time, refusals (a round trip to the edge) and timeouts (at the clients' deadline) included.",
            Indicator::WsConnectRate => "Share of gateway (WebSocket) connection attempts that succeed, reconnects included.",
            Indicator::VoiceSuccess => "Share of voice channel joins that succeed.",
            Indicator::DeliveryRate => "Share of the messages sent that reach their recipients: counted per message, so a send the client retries in time is delivered, and one given up, refused or held behind a stalled session is not.",
            Indicator::DeliveryLatencyP99Ms => "99th percentile time to answer a message send, refusals (a round trip to the edge) and timeouts included.",
            Indicator::MessageLoadP99Ms => "99th percentile time to load messages (reads), refusals (a round trip to the edge) and timeouts included.",
            Indicator::DbQueryMs => "Mean query time of the slowest database that answers; while no query reaches any, the time one would take.",
            Indicator::UsersAffected => "Users who cannot use the platform normally: reconnecting, or connected but with failing API calls, undelivered messages or failing voice joins, or away while the platform would still fail them.",
            Indicator::UsersAffectedShare => "Users affected as a share of all users.",
            Indicator::RequestRate => "User requests per second at the edge, retries included.",
            Indicator::RetryShare => "Share of the requests at the edge that are retries.",
            Indicator::Utilisation => "The component's busy share of its capacity.",
            Indicator::Queue => "Requests waiting at the component.",
            Indicator::Memory => "The component's memory in use as a share of its limit.",
            Indicator::ErrorRate => "Share of the component's answers that are errors.",
        }
    }

    /// The indicator's value in one sample (NaN for a component indicator:
    /// see [`Indicator::of_component`]).
    pub fn of(self, s: &Sample) -> f64 {
        let v = &s.sli;
        match self {
            Indicator::ApiSuccess => v.api_success,
            Indicator::ApiLatencyP95Ms => v.api_latency_p95_ms,
            Indicator::WsConnectRate => v.ws_connect_rate,
            Indicator::VoiceSuccess => v.voice_success,
            Indicator::DeliveryRate => v.delivery_rate,
            Indicator::DeliveryLatencyP99Ms => v.delivery_latency_p99_ms,
            Indicator::MessageLoadP99Ms => v.message_load_p99_ms,
            Indicator::DbQueryMs => v.db_query_ms,
            Indicator::UsersAffected => v.users_affected,
            Indicator::UsersAffectedShare => {
                let all = s.users.connected + s.users.reconnecting + s.users.offline;
                if all > 0.0 {
                    v.users_affected / all
                } else {
                    0.0
                }
            }
            Indicator::RequestRate => v.request_rate,
            Indicator::RetryShare => v.retry_share,
            Indicator::Utilisation
            | Indicator::Queue
            | Indicator::Memory
            | Indicator::ErrorRate => f64::NAN,
        }
    }

    /// A component indicator's value in one component's sample (NaN for a
    /// platform indicator).
    pub fn of_component(self, c: &ComponentSample) -> f64 {
        match self {
            Indicator::Utilisation => c.utilisation,
            Indicator::Queue => c.queue,
            Indicator::Memory => c.memory_fraction,
            Indicator::ErrorRate => c.error_rate,
            _ => f64::NAN,
        }
    }

    /// True for success rates (a drop is bad), false for latencies, query
    /// times, users affected, request rate and retry share (a rise is bad).
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            Indicator::ApiSuccess
                | Indicator::WsConnectRate
                | Indicator::VoiceSuccess
                | Indicator::DeliveryRate
        )
    }

    /// True if `v` is on the good side of `threshold` (equal counts as good).
    pub fn is_good(self, v: f64, threshold: f64) -> bool {
        if self.higher_is_better() {
            v >= threshold
        } else {
            v <= threshold
        }
    }

    /// The value formatted for people: shares as percentages, times in ms or s.
    pub fn format(self, v: f64) -> String {
        if !v.is_finite() {
            return "-".into();
        }
        match self {
            // Success rates live near 100%, where 99.95% and 99.99% differ.
            Indicator::ApiSuccess
            | Indicator::WsConnectRate
            | Indicator::VoiceSuccess
            | Indicator::DeliveryRate => crate::units::percent(v * 100.0),
            Indicator::UsersAffectedShare
            | Indicator::RetryShare
            | Indicator::Utilisation
            | Indicator::Memory
            | Indicator::ErrorRate => format!("{:.1}%", v * 100.0),
            Indicator::ApiLatencyP95Ms
            | Indicator::DeliveryLatencyP99Ms
            | Indicator::MessageLoadP99Ms
            | Indicator::DbQueryMs => {
                if v >= 1000.0 {
                    format!("{:.1} s", v / 1000.0)
                } else {
                    format!("{v:.0} ms")
                }
            }
            Indicator::UsersAffected | Indicator::RequestRate | Indicator::Queue => si(v),
        }
    }
}

/// A count with a k/M/G suffix.
pub fn si(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.2}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.0}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// What a band measures in its window (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BandKind {
    /// The lowest value is `value ± tolerance` (a trough: "API success fell to 40%").
    Min,
    /// The highest value is `value ± tolerance` (a peak: "API latency reached 30 s").
    Max,
    /// The mean is `value ± tolerance`.
    Mean,
    /// The last value in the window is `value ± tolerance`.
    Final,
    /// Every value is at least `value − tolerance` (a floor: "recovered to > 99%").
    AtLeast,
    /// Every value is at most `value + tolerance` (a ceiling).
    AtMost,
    /// The indicator first goes to the bad side of `value` at `at ± tolerance`.
    Breaks,
    /// The indicator is back on the good side of `value`, for good, at `at ± tolerance`.
    Recovers,
}

impl BandKind {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            BandKind::Min => "min",
            BandKind::Max => "max",
            BandKind::Mean => "mean",
            BandKind::Final => "final",
            BandKind::AtLeast => "at_least",
            BandKind::AtMost => "at_most",
            BandKind::Breaks => "breaks",
            BandKind::Recovers => "recovers",
        }
    }

    /// True for the kinds that measure a time (`breaks`, `recovers`).
    pub fn measures_time(self) -> bool {
        matches!(self, BandKind::Breaks | BandKind::Recovers)
    }
}

/// The component a band measures, for a component indicator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BandComponent {
    /// Its id.
    pub id: String,
    /// Its index in the topology (and in each sample's `components`).
    pub index: usize,
}

/// One validated `[[expect]]` band.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expectation {
    /// What is measured.
    pub indicator: Indicator,
    /// Whose: the component, for a component indicator (`utilisation`,
    /// `queue`, `memory`, `error_rate`); `None` for the platform's.
    pub component: Option<BandComponent>,
    /// How.
    pub kind: BandKind,
    /// The figure (or, for `breaks`/`recovers`, the threshold).
    pub value: f64,
    /// Allowed distance: in the indicator's unit, or ms for `breaks`/`recovers`.
    pub tolerance: f64,
    /// Expected time for `breaks`/`recovers`, ms since the start.
    pub at_ms: Option<u64>,
    /// Window start, ms since the start.
    pub from_ms: u64,
    /// Window end, ms since the start (inclusive).
    pub to_ms: u64,
    /// Why this figure and tolerance (one line).
    pub why: String,
    /// Where the figure comes from (seed document and section).
    pub source: String,
    /// A known model gap: the model does not reach this figure yet, and
    /// this says why (see the scenario README). The band keeps the source's
    /// figure; the calibration test reports it instead of failing on it.
    pub gap: Option<String>,
    /// The counterfactual switch (its key) this band describes: the source
    /// gives the figure for the platform *with* that measure in place (seed
    /// 000's recovery strategies, for example). Such a band is checked on
    /// the run with that switch on, not on the scenario's own run.
    pub with: Option<String>,
}

impl Expectation {
    /// The measured quantity's value in one sample.
    pub fn value_in(&self, s: &Sample) -> f64 {
        match &self.component {
            Some(c) => s
                .components
                .get(c.index)
                .map_or(f64::NAN, |x| self.indicator.of_component(x)),
            None => self.indicator.of(s),
        }
    }

    /// What is measured, as written: `api_success`, or for a component
    /// `VoiceService_US utilisation`.
    pub fn measured_name(&self) -> String {
        match &self.component {
            Some(c) => format!("{} {}", c.id, self.indicator.as_str()),
            None => self.indicator.as_str().to_string(),
        }
    }

    /// True if a measurement (in the band's unit; for `breaks`/`recovers` a
    /// time in ms since the start, NaN for never) lands inside the band.
    pub fn admits(&self, measured: f64) -> bool {
        let m = measured;
        if !m.is_finite() {
            return false;
        }
        match self.kind {
            BandKind::Min | BandKind::Max | BandKind::Mean | BandKind::Final => {
                (m - self.value).abs() <= self.tolerance
            }
            BandKind::AtLeast => m >= self.value - self.tolerance,
            BandKind::AtMost => m <= self.value + self.tolerance,
            BandKind::Breaks | BandKind::Recovers => {
                (m - self.at_ms.unwrap_or(0) as f64).abs() <= self.tolerance
            }
        }
    }

    /// The band in words, with clock times, e.g.
    /// `api_success min 40.0% ± 15.0% in 16:47:12–17:45:00`.
    pub fn describe(&self, start_clock_ms: u64) -> String {
        let win = format!(
            "{}–{}",
            format_clock(start_clock_ms, self.from_ms),
            format_clock(start_clock_ms, self.to_ms)
        );
        let i = self.indicator;
        let name = self.measured_name();
        let band = match self.kind {
            BandKind::Breaks | BandKind::Recovers => format!(
                "{} {} {} at {} ± {} in {win}",
                name,
                self.kind.as_str(),
                i.format(self.value),
                format_clock(start_clock_ms, self.at_ms.unwrap_or(0)),
                fmt_dur(self.tolerance as u64)
            ),
            BandKind::AtLeast => format!(
                "{} ≥ {} in {win}",
                name,
                i.format(self.value - self.tolerance)
            ),
            BandKind::AtMost => format!(
                "{} ≤ {} in {win}",
                name,
                i.format(self.value + self.tolerance)
            ),
            _ => format!(
                "{} {} {} ± {} in {win}",
                name,
                self.kind.as_str(),
                i.format(self.value),
                i.format(self.tolerance)
            ),
        };
        match &self.with {
            Some(k) => format!("{band}, with {k}"),
            None => band,
        }
    }
}

/// A band checked against a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BandResult {
    /// The band.
    pub expectation: Expectation,
    /// What the run gave: a value in the indicator's unit, or for
    /// `breaks`/`recovers` a time in ms since the start (NaN: never).
    pub measured: f64,
    /// When the measured value occurred (for `min`, `max`, `final`,
    /// `at_least`, `at_most`), ms since the start.
    pub measured_at_ms: Option<u64>,
    /// True if the run landed inside the band.
    pub pass: bool,
    /// For a band judged over an ensemble of runs ([`super::ensemble`]):
    /// each run's measurement, in seed order (`measured` is their median);
    /// empty for a single run.
    pub per_run: Vec<f64>,
}

impl BandResult {
    /// One line: pass/FAIL, the band, what was measured and when.
    pub fn describe(&self, start_clock_ms: u64) -> String {
        let e = &self.expectation;
        let verdict = match (self.pass, &e.gap) {
            (true, _) => "pass",
            (false, None) => "FAIL",
            (false, Some(_)) => "GAP ",
        };
        format!("{verdict} {}", self.describe_measured(start_clock_ms))
    }

    /// The band, what was measured and when, and why, without a verdict:
    /// for showing the incident's figures beside a run they do not
    /// describe (one with a counterfactual switch on).
    pub fn describe_measured(&self, start_clock_ms: u64) -> String {
        let runs = self
            .per_run_measured(start_clock_ms)
            .map_or(String::new(), |(n, each)| {
                format!(", the median of {n} seeds: {each}")
            });
        format!(
            "{}: measured {}{runs} ({})",
            self.expectation.describe(start_clock_ms),
            self.measured_when(start_clock_ms),
            self.expectation.why
        )
    }

    /// What the run measured, and for a value when it occurred (a time is
    /// its own answer): "0.0% at 17:05:21", "16:47:21", "never".
    pub(super) fn measured_when(&self, start_clock_ms: u64) -> String {
        let got = self.format_measured(self.measured, start_clock_ms);
        match self.measured_at_ms {
            Some(t) if !self.expectation.kind.measures_time() => {
                format!("{got} at {}", format_clock(start_clock_ms, t))
            }
            _ => got,
        }
    }

    /// For a band judged over several runs: how many, and each run's
    /// measurement in seed order, joined: `(3, "16:47:21, 16:47:31, never")`.
    pub(super) fn per_run_measured(&self, start_clock_ms: u64) -> Option<(usize, String)> {
        (self.per_run.len() > 1).then(|| {
            let each: Vec<String> = self
                .per_run
                .iter()
                .map(|&v| self.format_measured(v, start_clock_ms))
                .collect();
            (self.per_run.len(), each.join(", "))
        })
    }

    /// One measurement in the band's unit: a clock time (or "never") for
    /// `breaks`/`recovers`, a value otherwise.
    fn format_measured(&self, v: f64, start_clock_ms: u64) -> String {
        if self.expectation.kind.measures_time() {
            if v.is_finite() {
                format_clock(start_clock_ms, v as u64)
            } else {
                "never".into()
            }
        } else {
            self.expectation.indicator.format(v)
        }
    }
}

/// Checks the bands of `scenario` that describe its own run (no `with`)
/// against that run's samples, in file order.
pub fn check(scenario: &Scenario, samples: &[Sample]) -> Vec<BandResult> {
    check_with(scenario, None, samples)
}

/// Checks the bands that describe the run with counterfactual switch `key`
/// on (`with = "key"`; `None`: the scenario's own run) against the samples
/// of that run, in file order.
pub fn check_with(scenario: &Scenario, key: Option<&str>, samples: &[Sample]) -> Vec<BandResult> {
    scenario
        .expectations
        .iter()
        .filter(|e| e.with.as_deref() == key)
        .map(|e| check_one(e, samples))
        .collect()
}

/// Checks one band against a run's samples.
pub fn check_one(e: &Expectation, samples: &[Sample]) -> BandResult {
    let win: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.t_ms >= e.from_ms && s.t_ms <= e.to_ms)
        .collect();
    let i = e.indicator;
    let fold = |lowest: bool| -> (f64, Option<u64>) {
        let mut best = (f64::NAN, None);
        for s in &win {
            let v = e.value_in(s);
            if best.1.is_none() || (lowest && v < best.0) || (!lowest && v > best.0) {
                best = (v, Some(s.t_ms));
            }
        }
        best
    };
    let (measured, at) = match e.kind {
        BandKind::Min | BandKind::AtLeast => fold(true),
        BandKind::Max | BandKind::AtMost => fold(false),
        BandKind::Mean => {
            let m = if win.is_empty() {
                f64::NAN
            } else {
                win.iter().map(|s| e.value_in(s)).sum::<f64>() / win.len() as f64
            };
            (m, None)
        }
        BandKind::Final => win
            .last()
            .map_or((f64::NAN, None), |s| (e.value_in(s), Some(s.t_ms))),
        BandKind::Breaks | BandKind::Recovers => {
            let bad = |s: &&Sample| !i.is_good(e.value_in(s), e.value);
            let t = if e.kind == BandKind::Breaks {
                win.iter().find(|s| bad(s)).map(|s| s.t_ms)
            } else {
                // The start of the final good stretch, if the window ends good
                // and was bad at some point before.
                match win.iter().rposition(bad) {
                    Some(k) => win.get(k + 1).map(|s| s.t_ms),
                    None => None,
                }
            };
            (t.map_or(f64::NAN, |t| t as f64), None)
        }
    };
    BandResult {
        expectation: e.clone(),
        measured,
        measured_at_ms: at,
        pass: e.admits(measured),
        per_run: Vec::new(),
    }
}

/// `[[expect]]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExpect {
    indicator: Indicator,
    #[serde(default)]
    component: Option<String>,
    kind: BandKind,
    #[serde(default)]
    value: Option<f64>,
    #[serde(default)]
    tolerance: Option<toml::Value>,
    #[serde(default)]
    at: Option<toml::Value>,
    #[serde(default)]
    from: Option<toml::Value>,
    #[serde(default)]
    to: Option<toml::Value>,
    #[serde(default)]
    why: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    gap: Option<String>,
    #[serde(default)]
    with: Option<String>,
}

impl RawExpect {
    /// Validates a band against the run's clock; the error says what is wrong.
    pub(super) fn resolve(
        self,
        topology: &Topology,
        start_clock_ms: u64,
        duration_ms: u64,
    ) -> Result<Expectation, String> {
        let name = match &self.component {
            Some(c) => format!(
                "expect {c} {} {}",
                self.indicator.as_str(),
                self.kind.as_str()
            ),
            None => format!("expect {} {}", self.indicator.as_str(), self.kind.as_str()),
        };
        let component = match (&self.component, self.indicator.is_component()) {
            (Some(id), true) => Some(BandComponent {
                id: id.clone(),
                index: topology
                    .component_index(id)
                    .ok_or_else(|| format!("{name}: {}", super::unknown_component(topology, id)))?,
            }),
            (None, true) => {
                return Err(format!(
                "{name}: `{}` is a component's figure: name the component (`component = \"...\"`)",
                self.indicator.as_str()
            ))
            }
            (Some(_), false) => {
                return Err(format!(
                    "{name}: `component` only applies to a component's figures ({})",
                    Indicator::COMPONENT.map(Indicator::as_str).join(", ")
                ))
            }
            (None, false) => None,
        };
        let value = self
            .value
            .ok_or_else(|| format!("{name}: missing `value`"))?;
        if !value.is_finite() {
            return Err(format!("{name}: value must be a finite number"));
        }
        let tol = self.tolerance.ok_or_else(|| {
            format!("{name}: a band needs a `tolerance` (how far the run may land from the figure, and why in `why`)")
        })?;
        let tolerance = if self.kind.measures_time() {
            match &tol {
                toml::Value::String(s) => super::time::parse_duration(s)
                    .map_err(|m| format!("{name}: tolerance: {m}"))?
                    as f64,
                toml::Value::Integer(i) if *i >= 0 => *i as f64,
                _ => {
                    return Err(format!(
                        "{name}: the tolerance of a `{}` band is a duration like \"10m\"",
                        self.kind.as_str()
                    ))
                }
            }
        } else {
            match &tol {
                toml::Value::Float(f) => *f,
                toml::Value::Integer(i) => *i as f64,
                _ => {
                    return Err(format!(
                        "{name}: tolerance must be a number in the indicator's unit"
                    ))
                }
            }
        };
        if !(tolerance.is_finite() && tolerance >= 0.0) {
            return Err(format!("{name}: tolerance must be ≥ 0"));
        }
        if self.why.trim().is_empty() {
            return Err(format!(
                "{name}: a band needs `why`, one line justifying its figure and tolerance"
            ));
        }
        let at_ms = match (&self.at, self.kind.measures_time()) {
            (Some(v), true) => Some(time_in_run(v, start_clock_ms, duration_ms, &format!("{name}: at"))?),
            (None, true) => {
                return Err(format!(
                    "{name}: a `{}` band needs `at`, the time it should happen",
                    self.kind.as_str()
                ))
            }
            (Some(_), false) => {
                return Err(format!(
                    "{name}: `at` only applies to `breaks` and `recovers` bands (use `from`/`to` for the window)"
                ))
            }
            (None, false) => None,
        };
        let from_ms = match &self.from {
            Some(v) => time_in_run(v, start_clock_ms, duration_ms, &format!("{name}: from"))?,
            None => 0,
        };
        let to_ms = match &self.to {
            Some(v) => time_in_run(v, start_clock_ms, duration_ms, &format!("{name}: to"))?,
            None => duration_ms,
        };
        if from_ms >= to_ms {
            return Err(format!(
                "{name}: the window is empty (from {} is not before to {})",
                format_clock(start_clock_ms, from_ms),
                format_clock(start_clock_ms, to_ms)
            ));
        }
        Ok(Expectation {
            indicator: self.indicator,
            component,
            kind: self.kind,
            value,
            tolerance,
            at_ms,
            from_ms,
            to_ms,
            why: self.why,
            source: self.source,
            gap: self.gap.filter(|g| !g.trim().is_empty()),
            with: self.with,
        })
    }
}
