//! The indicators: what each is called, how its values are written, how its
//! axis is scaled, and its objective (from seed `002`) or normal level (from
//! seed `001`).

use faultline_core::scenario::Indicator;
use faultline_core::units;

/// Which side of the objective is good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The value must stay at or above the objective (success rates).
    AtLeast,
    /// The value must stay below the objective (latencies).
    AtMost,
}

/// A service-level objective drawn as a dashed line on its chart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slo {
    /// The objective, in the indicator's own unit.
    pub value: f64,
    /// Which side of `value` is good.
    pub direction: Direction,
    /// Where the figure comes from (seed and passage), shown to the user.
    pub source: &'static str,
}

/// Relative difference below which a value is on its objective: far above
/// float rounding (1e-16) and far below any figure a chart shows (0.01%).
const ROUNDING: f64 = 1e-9;

impl Slo {
    /// Whether `value` breaks the objective. "No data" (`NaN`) is not a
    /// breach, and neither is a value on the objective but for the last
    /// bits of floating-point rounding: a platform answering exactly 99.95%
    /// meets "≥ 99.95%", though its share may be computed as
    /// 99.94999999999999.
    pub fn is_breached(&self, value: f64) -> bool {
        if value.is_nan() {
            return false;
        }
        let rounding = ROUNDING * self.value.abs().max(1.0);
        match self.direction {
            Direction::AtLeast => value < self.value - rounding,
            Direction::AtMost => value >= self.value - rounding,
        }
    }

    /// The objective in words, e.g. `≥ 99.95%` or `< 100 ms`.
    pub fn describe(&self, format: ValueFormat) -> String {
        let sign = match self.direction {
            Direction::AtLeast => "≥",
            Direction::AtMost => "<",
        };
        format!("{sign} {}", format.format(self.value))
    }
}

/// A normal (pre-incident) level, drawn as a faint dotted line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Baseline {
    /// The normal value, in the indicator's own unit.
    pub value: f64,
    /// Where the figure comes from (seed and passage).
    pub source: &'static str,
}

/// How an indicator's values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueFormat {
    /// A percentage in 0–100, e.g. `99.95%`.
    Percent,
    /// A duration in milliseconds, e.g. `75 ms` or `2.4 s`.
    Millis,
    /// A count to three significant digits, e.g. `950`, `12.5k`, `200M`.
    Count,
}

impl ValueFormat {
    /// The value as shown next to the chart's title.
    pub fn format(self, value: f64) -> String {
        if !value.is_finite() {
            return "—".to_string();
        }
        match self {
            ValueFormat::Percent => units::percent(value),
            ValueFormat::Millis => units::millis(value),
            ValueFormat::Count => units::count(value),
        }
    }
}

impl ValueFormat {
    /// A compact axis label: no trailing zeros, e.g. `100%`, `1 s`, `2M`.
    pub fn format_tick(self, value: f64) -> String {
        if !value.is_finite() {
            return String::new();
        }
        let short = |v: f64, max: usize| {
            let s = units::trim_decimals(v, max);
            s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
        };
        match self {
            ValueFormat::Percent => format!("{}%", short(value, 3)),
            ValueFormat::Millis if value >= 1000.0 => format!("{} s", short(value / 1000.0, 1)),
            ValueFormat::Millis => format!("{} ms", short(value, 2)),
            ValueFormat::Count if value.abs() >= 1_000_000.0 => {
                format!("{}M", short(value / 1_000_000.0, 2))
            }
            ValueFormat::Count if value.abs() >= 1000.0 => format!("{}k", short(value / 1000.0, 1)),
            ValueFormat::Count => short(value, 0),
        }
    }
}

/// How the y axis maps values to height.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxisScale {
    /// A percentage axis whose bottom zooms in steps (99.9, 99.5, 99, 98, 95,
    /// 90, 80, 50, 0) to the lowest value shown, so 99.95% and 99.99% stay
    /// apart in normal times and a fall to 40% still fits.
    Percent,
    /// Logarithmic by whole decades, at least 10 ms to 1 s; reads 50 ms and
    /// 30 s on the same chart.
    Log,
    /// Linear from zero to a round number above the highest value.
    Linear,
}

/// One indicator: what it is called, how it is written and its objective.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesSpec {
    /// A stable identifier, e.g. `"api_p95"` (see [`keys`]).
    pub key: &'static str,
    /// The chart's title.
    pub title: &'static str,
    /// A word or two for the vitals line above the map ("API p95").
    pub short: &'static str,
    /// What it measures, in a sentence (the title's tooltip).
    pub meaning: &'static str,
    /// The unit in words, e.g. `"%"` or `"ms"`.
    pub unit: &'static str,
    /// The objective, drawn dashed, with the region breaking it tinted.
    pub slo: Option<Slo>,
    /// The normal level, drawn dotted.
    pub baseline: Option<Baseline>,
    /// How values are written.
    pub format: ValueFormat,
    /// How the y axis is scaled.
    pub scale: AxisScale,
}

/// The keys of the default indicators, for the app to find their columns.
pub mod keys {
    /// API request success rate, percent.
    pub const API_SUCCESS: &str = "api_success";
    /// API response time, 95th percentile, milliseconds.
    pub const API_P95: &str = "api_p95";
    /// WebSocket connection success rate, percent.
    pub const WS_CONNECT: &str = "ws_connect";
    /// Voice connection success rate, percent.
    pub const VOICE_CONNECT: &str = "voice_connect";
    /// Message delivery success rate, percent.
    pub const DELIVERY_RATE: &str = "delivery_rate";
    /// Message delivery latency, 99th percentile, milliseconds.
    pub const DELIVERY_P99: &str = "delivery_p99";
    /// Database query time, milliseconds.
    pub const DB_QUERY: &str = "db_query";
    /// Users affected, a count.
    pub const USERS_AFFECTED: &str = "users_affected";
}

/// The default indicator set, with objectives from seed `002` (Discord's
/// monthly SLOs and WebSocket targets) and normal levels from seed `001`'s
/// key-metrics table.
pub fn default_indicators() -> Vec<SeriesSpec> {
    let at_least = |value, source| {
        Some(Slo {
            value,
            direction: Direction::AtLeast,
            source,
        })
    };
    let at_most = |value, source| {
        Some(Slo {
            value,
            direction: Direction::AtMost,
            source,
        })
    };
    vec![
        SeriesSpec {
            key: keys::API_SUCCESS,
            title: Indicator::ApiSuccess.title(),
            short: "API",
            meaning: Indicator::ApiSuccess.meaning(),
            unit: "%",
            slo: at_least(
                99.95,
                "seed 002 SLOs: availability 99.95% (seed 001: normal 99.95%)",
            ),
            baseline: None,
            format: ValueFormat::Percent,
            scale: AxisScale::Percent,
        },
        SeriesSpec {
            key: keys::API_P95,
            title: Indicator::ApiLatencyP95Ms.title(),
            short: "API p95",
            meaning: Indicator::ApiLatencyP95Ms.meaning(),
            unit: "ms",
            slo: at_most(100.0, "seed 002 SLOs: REST API response time p95 <100ms"),
            baseline: None,
            format: ValueFormat::Millis,
            scale: AxisScale::Log,
        },
        SeriesSpec {
            key: keys::WS_CONNECT,
            title: Indicator::WsConnectRate.title(),
            short: "WebSocket",
            meaning: Indicator::WsConnectRate.meaning(),
            unit: "%",
            slo: at_least(99.9, "seed 002: WebSocket connection success >99.9%"),
            baseline: None,
            format: ValueFormat::Percent,
            scale: AxisScale::Percent,
        },
        SeriesSpec {
            key: keys::VOICE_CONNECT,
            title: Indicator::VoiceSuccess.title(),
            short: "Voice",
            meaning: Indicator::VoiceSuccess.meaning(),
            unit: "%",
            slo: at_least(99.95, "seed 002 SLOs: voice connection success 99.95%"),
            baseline: None,
            format: ValueFormat::Percent,
            scale: AxisScale::Percent,
        },
        SeriesSpec {
            key: keys::DELIVERY_RATE,
            title: Indicator::DeliveryRate.title(),
            short: "Delivery",
            meaning: Indicator::DeliveryRate.meaning(),
            unit: "%",
            slo: at_least(99.99, "seed 002 SLOs: 99.99% message delivery"),
            baseline: None,
            format: ValueFormat::Percent,
            scale: AxisScale::Percent,
        },
        SeriesSpec {
            key: keys::DELIVERY_P99,
            title: Indicator::DeliveryLatencyP99Ms.title(),
            short: "Delivery p99",
            meaning: Indicator::DeliveryLatencyP99Ms.meaning(),
            unit: "ms",
            slo: at_most(200.0, "seed 002 SLOs: message latency p99 <200ms globally"),
            baseline: None,
            format: ValueFormat::Millis,
            scale: AxisScale::Log,
        },
        SeriesSpec {
            key: keys::DB_QUERY,
            title: Indicator::DbQueryMs.title(),
            short: "DB query",
            meaning: Indicator::DbQueryMs.meaning(),
            unit: "ms",
            slo: None,
            baseline: Some(Baseline {
                value: 50.0,
                source: "seed 001 key metrics: database query time normal 50ms",
            }),
            format: ValueFormat::Millis,
            scale: AxisScale::Log,
        },
        SeriesSpec {
            key: keys::USERS_AFFECTED,
            title: Indicator::UsersAffected.title(),
            short: "Affected",
            meaning: Indicator::UsersAffected.meaning(),
            unit: "users",
            slo: None,
            baseline: None,
            format: ValueFormat::Count,
            scale: AxisScale::Linear,
        },
    ]
}
