//! The indicators' samples over the run, with no web types so the model can
//! be reasoned about (and tested) apart from the canvas.
//!
//! The app pushes one sample per sample interval: a simulated time and one
//! value per indicator, in the order of [`ChartHistory::specs`]. Memory is
//! bounded by two tiers:
//!
//! - a ring of the most recent samples at full resolution (enough for the
//!   "Last hour" window at a one-second sample interval by default), and
//! - a whole-run tier of time buckets keeping each indicator's minimum,
//!   maximum and last value; when it fills up, neighbouring buckets merge and
//!   the bucket length doubles, so a run of any length fits in a fixed number
//!   of buckets and a short spike is never averaged away.
//!
//! Drawing never walks more data than the canvas can show:
//! [`ChartHistory::frame`] reduces the chosen window to at most two points
//! (the minimum and the maximum) per pixel column.

use std::collections::VecDeque;

use super::axes::YAxis;
use super::spec::{default_indicators, SeriesSpec, Slo};

/// One value of one indicator at one simulated time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartPoint {
    /// Simulated time since the start of the run, in milliseconds.
    pub t_ms: u64,
    /// The indicator's value; `NaN` means "no data" and breaks the line.
    pub value: f64,
}

/// The time span a chart shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Window {
    /// The last five simulated minutes.
    Last5Min,
    /// The last simulated hour.
    #[default]
    LastHour,
    /// Everything since the run started.
    WholeRun,
}

impl Window {
    /// Every window, in the order the selector shows them.
    pub const ALL: [Window; 3] = [Window::Last5Min, Window::LastHour, Window::WholeRun];

    /// The selector button's text.
    pub fn label(self) -> &'static str {
        match self {
            Window::Last5Min => "Last 5 minutes",
            Window::LastHour => "Last hour",
            Window::WholeRun => "Whole run",
        }
    }

    /// The window's length, or `None` for the whole run.
    pub fn span_ms(self) -> Option<u64> {
        match self {
            Window::Last5Min => Some(5 * 60_000),
            Window::LastHour => Some(60 * 60_000),
            Window::WholeRun => None,
        }
    }
}

/// Everything needed to draw one indicator's chart over one window: the
/// reduced points, the axis, and where the objective was broken.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartFrame {
    /// The time range shown, inclusive, in simulated milliseconds.
    pub range: (u64, u64),
    /// At most two points per pixel column, in time order; `NaN` values are
    /// gaps.
    pub points: Vec<ChartPoint>,
    /// The fitted y axis.
    pub axis: YAxis,
    /// Time spans in which the objective was broken, in time order.
    pub breaches: Vec<(u64, u64)>,
}

/// Spans of consecutive points that break `slo`: each runs from the first
/// breaking point to the next point that keeps it (or the last point).
pub fn breach_spans(points: &[ChartPoint], slo: &Slo) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut open: Option<u64> = None;
    let mut last_t = 0;
    for p in points {
        if slo.is_breached(p.value) {
            open.get_or_insert(p.t_ms);
        } else if let Some(start) = open.take() {
            out.push((start, p.t_ms));
        }
        last_t = p.t_ms;
    }
    if let Some(start) = open {
        out.push((start, last_t));
    }
    out
}

/// One whole-run bucket of one indicator.
#[derive(Clone, Copy, Debug)]
struct Extremes {
    min: f64,
    t_min: u64,
    max: f64,
    t_max: u64,
}

impl Extremes {
    const EMPTY: Extremes = Extremes {
        min: f64::NAN,
        t_min: 0,
        max: f64::NAN,
        t_max: 0,
    };

    fn point(t: u64, v: f64) -> Extremes {
        Extremes {
            min: v,
            t_min: t,
            max: v,
            t_max: t,
        }
    }

    /// Folds `other` (later in time) into `self`; `NaN` only when both are.
    fn merge(&mut self, other: Extremes) {
        if other.min.is_nan() {
            return;
        }
        if self.min.is_nan() || other.min < self.min {
            self.min = other.min;
            self.t_min = other.t_min;
        }
        if self.max.is_nan() || other.max > self.max {
            self.max = other.max;
            self.t_max = other.t_max;
        }
    }
}

/// The whole-run tier: fixed-capacity buckets, each `bucket_ms` long.
#[derive(Clone, Debug, PartialEq)]
struct Coarse {
    bucket_ms: u64,
    /// Bucket index (`t / bucket_ms`) of each bucket.
    ids: Vec<u64>,
    /// Per indicator, one entry per bucket.
    columns: Vec<Vec<Extremes>>,
}

impl PartialEq for Extremes {
    fn eq(&self, o: &Self) -> bool {
        self.min.to_bits() == o.min.to_bits()
            && self.max.to_bits() == o.max.to_bits()
            && self.t_min == o.t_min
            && self.t_max == o.t_max
    }
}

impl Coarse {
    fn push(&mut self, t: u64, values: &[f64], capacity: usize) {
        let id = t / self.bucket_ms;
        if self.ids.last() != Some(&id) {
            self.ids.push(id);
            for col in &mut self.columns {
                col.push(Extremes::EMPTY);
            }
        }
        for (col, v) in self.columns.iter_mut().zip(values) {
            if let Some(e) = col.last_mut() {
                if !v.is_nan() {
                    e.merge(Extremes::point(t, *v));
                }
            }
        }
        if self.ids.len() > capacity {
            self.compact(capacity);
        }
    }

    /// Doubles the bucket length until the buckets fit, merging buckets that
    /// then share an index.
    fn compact(&mut self, capacity: usize) {
        while self.ids.len() > capacity {
            self.bucket_ms *= 2;
            let old_ids = std::mem::take(&mut self.ids);
            for col in &mut self.columns {
                let mut ids: Vec<u64> = Vec::with_capacity(old_ids.len() / 2 + 1);
                let mut merged: Vec<Extremes> = Vec::with_capacity(old_ids.len() / 2 + 1);
                for (id, e) in old_ids.iter().zip(col.iter()) {
                    match merged.last_mut() {
                        Some(last) if ids.last() == Some(&(id / 2)) => last.merge(*e),
                        _ => {
                            ids.push(id / 2);
                            merged.push(*e);
                        }
                    }
                }
                *col = merged;
            }
            self.ids = old_ids.iter().map(|id| id / 2).collect();
            self.ids.dedup();
        }
    }
}

/// Samples of every indicator over the run, bounded in memory.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartHistory {
    specs: Vec<SeriesSpec>,
    recent_capacity: usize,
    coarse_capacity: usize,
    recent_t: VecDeque<u64>,
    recent: Vec<VecDeque<f64>>,
    coarse: Coarse,
    first_t: Option<u64>,
    revision: u64,
}

impl Default for ChartHistory {
    fn default() -> Self {
        ChartHistory::new(default_indicators())
    }
}

/// An indicator's figure as written over its chart (see
/// [`ChartHistory::reading`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The value shown, formatted ("—" for none).
    pub value: String,
    /// Whether it breaks the indicator's objective.
    pub breached: bool,
    /// The compared run's value at the same time, formatted, if any.
    pub compared: Option<String>,
}

impl ChartHistory {
    /// Full-resolution samples kept by [`ChartHistory::new`]: a little over
    /// an hour at one sample per simulated second.
    pub const DEFAULT_RECENT: usize = 3_700;
    /// Whole-run buckets kept by [`ChartHistory::new`].
    pub const DEFAULT_BUCKETS: usize = 1_024;

    /// An empty history of `specs` with the default capacities.
    pub fn new(specs: Vec<SeriesSpec>) -> Self {
        Self::with_capacity(specs, Self::DEFAULT_RECENT, Self::DEFAULT_BUCKETS)
    }

    /// An empty history keeping `recent` full-resolution samples and at most
    /// `buckets` whole-run buckets (each at least 2).
    pub fn with_capacity(specs: Vec<SeriesSpec>, recent: usize, buckets: usize) -> Self {
        let n = specs.len();
        ChartHistory {
            specs,
            recent_capacity: recent.max(2),
            coarse_capacity: buckets.max(2),
            recent_t: VecDeque::new(),
            recent: vec![VecDeque::new(); n],
            coarse: Coarse {
                bucket_ms: 1000,
                ids: Vec::new(),
                columns: vec![Vec::new(); n],
            },
            first_t: None,
            revision: 0,
        }
    }

    /// The indicators, in column order.
    pub fn specs(&self) -> &[SeriesSpec] {
        &self.specs
    }

    /// The column of the indicator called `key`.
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.specs.iter().position(|s| s.key == key)
    }

    /// Forgets every sample (for a reset), keeping the indicators.
    pub fn clear(&mut self) {
        *self = ChartHistory::with_capacity(
            std::mem::take(&mut self.specs),
            self.recent_capacity,
            self.coarse_capacity,
        );
    }

    /// Adds one sample: `values` in column order; missing values count as
    /// "no data", extra ones are ignored. A sample earlier than the last one
    /// is refused (returns `false`): call [`ChartHistory::clear`] on a reset.
    pub fn push(&mut self, t_ms: u64, values: &[f64]) -> bool {
        if self.recent_t.back().is_some_and(|last| t_ms < *last) {
            return false;
        }
        let n = self.specs.len();
        let value = |i: usize| values.get(i).copied().unwrap_or(f64::NAN);
        if self.recent_t.len() == self.recent_capacity {
            self.recent_t.pop_front();
            for col in &mut self.recent {
                col.pop_front();
            }
        }
        self.recent_t.push_back(t_ms);
        for (i, col) in self.recent.iter_mut().enumerate() {
            col.push_back(value(i));
        }
        if n == values.len() {
            self.coarse.push(t_ms, values, self.coarse_capacity);
        } else {
            let padded: Vec<f64> = (0..n).map(value).collect();
            self.coarse.push(t_ms, &padded, self.coarse_capacity);
        }
        self.first_t.get_or_insert(t_ms);
        self.revision += 1;
        true
    }

    /// How many samples have been pushed since creation or the last clear;
    /// changes whenever the data does, so a drawing can be skipped when equal.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Whether no sample has been pushed.
    pub fn is_empty(&self) -> bool {
        self.recent_t.is_empty()
    }

    /// The number of full-resolution samples held.
    pub fn recent_len(&self) -> usize {
        self.recent_t.len()
    }

    /// The number of whole-run buckets held (never more than the capacity).
    pub fn bucket_count(&self) -> usize {
        self.coarse.ids.len()
    }

    /// The time of the first and the last sample.
    pub fn time_span(&self) -> Option<(u64, u64)> {
        Some((self.first_t?, *self.recent_t.back()?))
    }

    /// The latest sample of column `series` (its value may be `NaN`).
    pub fn latest(&self, series: usize) -> Option<ChartPoint> {
        Some(ChartPoint {
            t_ms: *self.recent_t.back()?,
            value: *self.recent.get(series)?.back()?,
        })
    }

    /// The last sample of column `series` at or before `t_ms`, if still held
    /// at full resolution.
    pub fn value_at(&self, series: usize, t_ms: u64) -> Option<ChartPoint> {
        let i = self
            .recent_t
            .partition_point(|t| *t <= t_ms)
            .checked_sub(1)?;
        Some(ChartPoint {
            t_ms: self.recent_t[i],
            value: *self.recent.get(series)?.get(i)?,
        })
    }

    /// What a chart's header (and the vitals line above the map) says of
    /// column `series` described by `spec`: the latest sample, or while
    /// monitoring is blind the last one at or before `seen_until`, with
    /// whether it breaks the objective and the `compared` run's figure at
    /// the same time.
    pub fn reading(
        &self,
        series: usize,
        spec: &SeriesSpec,
        seen_until: Option<u64>,
        compared: Option<&ChartHistory>,
    ) -> Reading {
        let shown = match seen_until {
            Some(t) => self.value_at(series, t),
            None => self.latest(series),
        };
        let Some(p) = shown else {
            return Reading {
                value: spec.format.format(f64::NAN),
                breached: false,
                compared: None,
            };
        };
        Reading {
            value: spec.format.format(p.value),
            breached: spec.slo.is_some_and(|s| s.is_breached(p.value)),
            compared: compared
                .and_then(|c| c.value_at(series, p.t_ms))
                .map(|c| spec.format.format(c.value)),
        }
    }

    /// The time range `window` shows: it ends at the latest sample, except
    /// that while the run is shorter than the window it starts at the first
    /// sample and keeps the window's length, so the axis does not stretch.
    pub fn window_range(&self, window: Window) -> Option<(u64, u64)> {
        let (first, last) = self.time_span()?;
        Some(match window.span_ms() {
            Some(span) if last - first >= span => (last - span, last),
            Some(span) => (first, first + span),
            None => (first, last.max(first + 1)),
        })
    }

    /// Column `series` over `range`, reduced to at most two points (the
    /// minimum and the maximum, in time order) per each of `columns` pixel
    /// columns. Uses full-resolution samples when they reach back far enough
    /// and the whole-run buckets otherwise.
    pub fn downsample(&self, series: usize, range: (u64, u64), columns: usize) -> Vec<ChartPoint> {
        let mut out = Vec::new();
        if series >= self.specs.len() || columns == 0 || range.1 < range.0 {
            return out;
        }
        let mut reducer = Reducer::new(range, columns, &mut out);
        let recent_covers = match (self.recent_t.front(), self.first_t) {
            (Some(front), Some(first)) => *front <= range.0 || *front == first,
            _ => false,
        };
        if recent_covers {
            let start = self.recent_t.partition_point(|t| *t < range.0);
            for i in start..self.recent_t.len() {
                let t = self.recent_t[i];
                if t > range.1 {
                    break;
                }
                reducer.add(t, Extremes::point(t, self.recent[series][i]));
            }
        } else {
            let col = &self.coarse.columns[series];
            let bucket_ms = self.coarse.bucket_ms;
            for (id, e) in self.coarse.ids.iter().zip(col) {
                let t = id * bucket_ms;
                if t + bucket_ms <= range.0 {
                    continue;
                }
                if t > range.1 {
                    break;
                }
                reducer.add(t.max(range.0), *e);
            }
        }
        reducer.finish();
        out
    }

    /// Column `series` prepared for drawing over `window` at `columns`
    /// pixel columns; `None` before the first sample.
    pub fn frame(&self, series: usize, window: Window, columns: usize) -> Option<ChartFrame> {
        let spec = self.specs.get(series)?;
        let range = self.window_range(window)?;
        let points = self.downsample(series, range, columns);
        let axis = YAxis::fit(spec, &points);
        let breaches = spec
            .slo
            .map(|slo| breach_spans(&points, &slo))
            .unwrap_or_default();
        Some(ChartFrame {
            range,
            points,
            axis,
            breaches,
        })
    }

    /// Column `series` of this history drawn beside `frame` (another run's
    /// chart of the same indicator): its points over the frame's range at
    /// `columns` pixel columns, and the frame's axis refitted so both lines
    /// fit. Empty (and the axis untouched) when nothing falls in the range.
    pub fn compare_into(
        &self,
        frame: &mut ChartFrame,
        series: usize,
        columns: usize,
    ) -> Vec<ChartPoint> {
        let Some(spec) = self.specs.get(series) else {
            return Vec::new();
        };
        let points = self.downsample(series, frame.range, columns);
        if points.iter().any(|p| p.value.is_finite()) {
            let both: Vec<ChartPoint> = frame.points.iter().chain(&points).copied().collect();
            frame.axis = YAxis::fit(spec, &both);
        }
        points
    }
}

/// Folds time-ordered extremes into pixel columns.
struct Reducer<'a> {
    range: (u64, u64),
    /// Columns per millisecond (f64: 128-bit division is slow in wasm).
    scale: f64,
    last_column: u64,
    current: Option<(u64, Extremes)>,
    out: &'a mut Vec<ChartPoint>,
}

impl<'a> Reducer<'a> {
    fn new(range: (u64, u64), columns: usize, out: &'a mut Vec<ChartPoint>) -> Self {
        let span = (range.1 - range.0).max(1);
        Reducer {
            range,
            scale: columns as f64 / span as f64,
            last_column: columns as u64 - 1,
            current: None,
            out,
        }
    }

    fn column_of(&self, t: u64) -> u64 {
        let offset = t.saturating_sub(self.range.0) as f64;
        ((offset * self.scale) as u64).min(self.last_column)
    }

    /// Adds extremes first seen at `t` (`t` never decreases between calls).
    fn add(&mut self, t: u64, e: Extremes) {
        let col = self.column_of(t);
        match &mut self.current {
            Some((c, acc)) if *c == col => acc.merge(e),
            _ => {
                self.flush();
                let mut acc = Extremes::EMPTY;
                acc.merge(e);
                // Remember a gap's time so the line breaks in the right place.
                if acc.min.is_nan() {
                    acc.t_min = t;
                }
                self.current = Some((col, acc));
            }
        }
    }

    fn flush(&mut self) {
        let Some((_, e)) = self.current.take() else {
            return;
        };
        if e.min.is_nan() {
            self.out.push(ChartPoint {
                t_ms: e.t_min,
                value: f64::NAN,
            });
            return;
        }
        let clamp = |t: u64| t.clamp(self.range.0, self.range.1);
        let (a, b) = if e.t_min <= e.t_max {
            ((e.t_min, e.min), (e.t_max, e.max))
        } else {
            ((e.t_max, e.max), (e.t_min, e.min))
        };
        self.out.push(ChartPoint {
            t_ms: clamp(a.0),
            value: a.1,
        });
        if a.0 != b.0 && a.1 != b.1 {
            self.out.push(ChartPoint {
                t_ms: clamp(b.0),
                value: b.1,
            });
        }
    }

    fn finish(mut self) {
        self.flush();
    }
}

// Native only: the app's tests run in the browser, where `tests/charts.rs`
// checks the same behaviour; these run with a native `cargo test` of the lib.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::charts::axes::ScenarioClock;
    use crate::charts::spec::{keys, ValueFormat};

    fn spec(key: &'static str) -> SeriesSpec {
        default_indicators()
            .into_iter()
            .find(|s| s.key == key)
            .unwrap()
    }

    #[test]
    fn a_reading_is_the_latest_figure_or_the_last_seen_and_the_compared_one() {
        let spec = spec(keys::API_SUCCESS);
        let mut h = ChartHistory::new(vec![spec.clone()]);
        let none = h.reading(0, &spec, None, None);
        assert_eq!((none.value.as_str(), none.breached), ("—", false));
        h.push(10_000, &[99.99]);
        h.push(20_000, &[40.0]);
        let mut other = ChartHistory::new(vec![spec.clone()]);
        other.push(10_000, &[99.95]);
        other.push(20_000, &[99.96]);
        let now = h.reading(0, &spec, None, Some(&other));
        assert_eq!(
            now,
            Reading {
                value: "40.0%".into(),
                breached: true,
                compared: Some("99.96%".into()),
            }
        );
        // Blind since 15 s: the figure seen at 10 s, and the compared
        // run's at that same time.
        let seen = h.reading(0, &spec, Some(15_000), Some(&other));
        assert_eq!(seen.value, "99.99%");
        assert!(!seen.breached);
        assert_eq!(seen.compared.as_deref(), Some("99.95%"));
    }

    #[test]
    fn formats() {
        assert_eq!(ValueFormat::Percent.format(99.95), "99.95%");
        assert_eq!(ValueFormat::Percent.format(40.0), "40.0%");
        assert_eq!(ValueFormat::Percent.format(99.985), "99.985%");
        assert_eq!(ValueFormat::Percent.format(95.123), "95.12%");
        assert_eq!(ValueFormat::Percent.format(49.985), "50.0%");
        assert_eq!(ValueFormat::Percent.format(0.595), "0.6%");
        assert_eq!(ValueFormat::Millis.format(75.4), "75 ms");
        assert_eq!(ValueFormat::Millis.format(30_000.0), "30 s");
        assert_eq!(ValueFormat::Millis.format(2_400.0), "2.4 s");
        assert_eq!(ValueFormat::Count.format(12_500.0), "12.5k");
        assert_eq!(ValueFormat::Count.format(f64::NAN), "—");
        assert_eq!(ValueFormat::Percent.format_tick(100.0), "100%");
        assert_eq!(ValueFormat::Percent.format_tick(99.95), "99.95%");
        assert_eq!(ValueFormat::Millis.format_tick(1000.0), "1 s");
        assert_eq!(ValueFormat::Millis.format_tick(10.0), "10 ms");
        assert_eq!(ValueFormat::Count.format_tick(2_000_000.0), "2M");
        assert_eq!(ValueFormat::Count.format_tick(0.0), "0");
    }

    #[test]
    fn ring_and_buckets_stay_bounded_and_keep_spikes() {
        let mut h = ChartHistory::with_capacity(vec![spec(keys::API_P95)], 100, 16);
        for s in 0..10_000u64 {
            let v = if s == 7_777 { 30_000.0 } else { 60.0 };
            assert!(h.push(s * 1000, &[v]));
        }
        assert_eq!(h.recent_len(), 100);
        assert!(h.bucket_count() <= 16);
        let f = h.frame(0, Window::WholeRun, 50).unwrap();
        assert!(f.points.iter().any(|p| p.value == 30_000.0));
        assert!(f.points.len() <= 100);
        assert!(f.axis.hi >= 30_000.0 && f.axis.log);
        assert_eq!(f.breaches.len(), 1);
        assert!(!h.push(5, &[1.0]));
    }

    #[test]
    fn windows_and_ticks() {
        let mut h = ChartHistory::new(default_indicators());
        for s in 0..600u64 {
            h.push(s * 1000, &[99.99; 8]);
        }
        assert_eq!(h.window_range(Window::Last5Min), Some((299_000, 599_000)));
        assert_eq!(h.window_range(Window::LastHour), Some((0, 3_600_000)));
        let c = ScenarioClock::starting_at(16, 47, 30);
        assert_eq!(c.label(0), "16:47:30");
        let (ticks, step) = c.ticks((0, 300_000), 6);
        assert_eq!(step, 60_000);
        assert_eq!(c.tick_label(ticks[0], step), "16:48");
        assert_eq!(ticks[0], 30_000);
    }

    #[test]
    fn axes() {
        let pts = |v: &[f64]| -> Vec<ChartPoint> {
            v.iter()
                .enumerate()
                .map(|(i, v)| ChartPoint {
                    t_ms: i as u64,
                    value: *v,
                })
                .collect()
        };
        let a = YAxis::fit(&spec(keys::API_SUCCESS), &pts(&[99.97, 99.99]));
        assert_eq!((a.lo, a.hi), (99.9, 100.0));
        let a = YAxis::fit(&spec(keys::API_SUCCESS), &pts(&[40.0]));
        assert_eq!(a.lo, 0.0);
        let a = YAxis::fit(&spec(keys::API_P95), &pts(&[50.0, 30_000.0]));
        assert_eq!((a.lo, a.hi), (10.0, 100_000.0));
        assert!((a.normalize(100.0) - 0.25).abs() < 1e-9);
        assert_eq!(a.ticks().len(), 5);
        // Every one of 200M users affected: a 250M axis, not 500M.
        let a = YAxis::fit(&spec(keys::USERS_AFFECTED), &pts(&[0.0, 200_000_000.0]));
        assert_eq!((a.lo, a.hi), (0.0, 250_000_000.0));
        assert_eq!(a.ticks()[1], 125_000_000.0);
    }

    #[test]
    fn a_compared_run_is_drawn_over_the_same_range_and_the_axis_fits_both() {
        let specs = vec![spec(keys::API_P95)];
        let (mut ours, mut theirs) = (
            ChartHistory::new(specs.clone()),
            ChartHistory::new(specs.clone()),
        );
        for s in 0..120u64 {
            ours.push(s * 10_000, &[80.0]);
            // The other run is slower, and only reaches the first 60 samples.
            if s < 60 {
                theirs.push(s * 10_000, &[30_000.0]);
            }
        }
        let mut frame = ours.frame(0, Window::WholeRun, 100).unwrap();
        let calm_top = frame.axis.hi;
        assert!(
            calm_top < 30_000.0,
            "our run alone fits under 30 s: {calm_top}"
        );
        let points = theirs.compare_into(&mut frame, 0, 100);
        assert!(!points.is_empty());
        assert!(points
            .iter()
            .all(|p| p.t_ms >= frame.range.0 && p.t_ms <= 590_000));
        assert!(frame.axis.hi >= 30_000.0, "refitted: {:?}", frame.axis);
        assert!(frame.axis.lo <= 80.0, "still fits ours: {:?}", frame.axis);
        // Nothing to compare: the axis is left alone.
        let mut frame = ours.frame(0, Window::WholeRun, 100).unwrap();
        let empty = ChartHistory::new(specs);
        assert!(empty.compare_into(&mut frame, 0, 100).is_empty());
        assert_eq!(frame.axis.hi, calm_top);
    }
}
