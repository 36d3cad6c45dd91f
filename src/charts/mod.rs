//! Live charts of the service-level indicators over simulated time.
//!
//! The panel does not know the simulation's types: the app owns a
//! [`ChartHistory`] in a signal, pushes one sample (the simulated time and one
//! value per indicator, in the order of [`ChartHistory::specs`]) per sample
//! interval, and hands the panel that signal, the markers (events and user
//! actions) and whether monitoring is blind.
//!
//! - [`spec`]: the indicators, their formats and objectives, with no web
//!   types; [`axes`]: y axes and the scenario clock's time ticks;
//!   [`markers`]: events and user actions; [`series`]: samples in a bounded
//!   two-tier history, windows and reduction to the canvas's pixel columns.
//! - [`draw`]: one chart on one canvas, with plotters.
//! - [`component`]: the [`ChartPanel`] Leptos component: the window selector,
//!   one reused canvas per indicator, current values and the blind overlay.
//!
//! Percentages are pushed as 0–100 (the core's `Sli` holds shares, 0–1),
//! latencies in milliseconds, users as a count; `NaN` means "no data".
//!
//! ```ignore
//! let history = RwSignal::new(ChartHistory::default());
//! // once per sample interval, in the order of `default_indicators()`:
//! let s = &snapshot.sli;
//! history.update(|h| {
//!     h.push(t_ms, &[
//!         s.api_success * 100.0, s.api_latency_p95_ms, s.ws_connect_rate * 100.0,
//!         s.voice_success * 100.0, s.delivery_rate * 100.0,
//!         s.delivery_latency_p99_ms, s.db_query_ms, s.users_affected,
//!     ]);
//! });
//! view! { <ChartPanel history=history markers=markers blind=blind
//!                    clock=ScenarioClock::starting_at(16, 47, 0) /> }
//! ```

pub mod axes;
pub mod component;
pub mod draw;
pub mod markers;
pub mod series;
pub mod spec;

pub use axes::{ScenarioClock, YAxis};
pub use component::ChartPanel;
pub use markers::{
    count_near, group_markers, markers_in, nearest_marker, Marker, MarkerGroup, MarkerKind,
};
pub use series::{breach_spans, ChartFrame, ChartHistory, ChartPoint, Reading, Window};
pub use spec::{
    default_indicators, keys, AxisScale, Baseline, Direction, SeriesSpec, Slo, ValueFormat,
};
