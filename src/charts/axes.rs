//! Axes: the y axis fitted to the values shown (zoomed percentages,
//! logarithmic latencies, linear counts) and the time axis in the scenario's
//! own clock.

use super::series::ChartPoint;
use super::spec::{AxisScale, SeriesSpec};

/// The scenario's own wall clock: what time of day simulated time zero is,
/// so a chart of an incident that began at 16:47 is labelled 16:47.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ScenarioClock {
    /// Milliseconds after midnight at simulated time zero.
    pub start_ms_of_day: u64,
}

const DAY_MS: u64 = 24 * 3_600_000;

impl ScenarioClock {
    /// A clock whose simulated time zero reads `hours:minutes:seconds`.
    pub fn starting_at(hours: u64, minutes: u64, seconds: u64) -> Self {
        ScenarioClock {
            start_ms_of_day: ((hours * 60 + minutes) * 60 + seconds) * 1000 % DAY_MS,
        }
    }

    /// Milliseconds after midnight at simulated time `t_ms`.
    pub fn ms_of_day(&self, t_ms: u64) -> u64 {
        (self.start_ms_of_day + t_ms) % DAY_MS
    }

    /// The time of day at `t_ms` as `HH:MM:SS`.
    pub fn label(&self, t_ms: u64) -> String {
        let s = self.ms_of_day(t_ms) / 1000;
        format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }

    /// An axis label at `t_ms` for ticks `step_ms` apart: `HH:MM` when the
    /// ticks fall on whole minutes, `HH:MM:SS` otherwise.
    pub fn tick_label(&self, t_ms: u64, step_ms: u64) -> String {
        let full = self.label(t_ms);
        if step_ms.is_multiple_of(60_000) {
            full[..5].to_string()
        } else {
            full
        }
    }

    /// Tick times in `range` (inclusive), on round times of this clock, at
    /// most `max_ticks` of them, with the step they are apart.
    pub fn ticks(&self, range: (u64, u64), max_ticks: usize) -> (Vec<u64>, u64) {
        const STEPS: [u64; 20] = [
            1_000,
            2_000,
            5_000,
            10_000,
            15_000,
            30_000,
            60_000,
            120_000,
            300_000,
            600_000,
            900_000,
            1_200_000,
            1_800_000,
            3_600_000,
            7_200_000,
            10_800_000,
            21_600_000,
            43_200_000,
            86_400_000,
            172_800_000,
        ];
        let (lo, hi) = range;
        let span = hi.saturating_sub(lo).max(1);
        let max_ticks = max_ticks.max(1) as u64;
        let step = STEPS
            .iter()
            .copied()
            .find(|s| span / s < max_ticks)
            .unwrap_or(span.div_ceil(max_ticks));
        // First tick: the first time at or after `lo` whose clock reading is
        // a multiple of the step.
        let phase = self.ms_of_day(lo) % step;
        let mut t = if phase == 0 { lo } else { lo + (step - phase) };
        let mut out = Vec::new();
        while t <= hi {
            out.push(t);
            t += step;
        }
        (out, step)
    }
}

/// A y axis fitted to the values shown: its range, scale and tick values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YAxis {
    /// The value at the bottom.
    pub lo: f64,
    /// The value at the top.
    pub hi: f64,
    /// Whether heights are logarithmic.
    pub log: bool,
}

impl YAxis {
    /// The axis for `spec` that shows every finite value in `points`, the
    /// objective and the baseline.
    pub fn fit(spec: &SeriesSpec, points: &[ChartPoint]) -> YAxis {
        let mut min = f64::INFINITY;
        let mut max = f64::NEG_INFINITY;
        let refs = spec
            .slo
            .map(|s| s.value)
            .into_iter()
            .chain(spec.baseline.map(|b| b.value));
        for v in points.iter().map(|p| p.value).chain(refs) {
            if v.is_finite() {
                min = min.min(v);
                max = max.max(v);
            }
        }
        match spec.scale {
            AxisScale::Percent => {
                const FLOORS: [f64; 9] = [99.9, 99.5, 99.0, 98.0, 95.0, 90.0, 80.0, 50.0, 0.0];
                let lo = if min.is_finite() {
                    FLOORS.iter().copied().find(|f| *f < min).unwrap_or(0.0)
                } else {
                    99.9
                };
                YAxis {
                    lo: lo.min(min.max(0.0)),
                    hi: 100.0_f64.max(max.min(1e9)),
                    log: false,
                }
            }
            AxisScale::Log => {
                let decade_floor = |v: f64| 10f64.powf(v.log10().floor());
                let decade_ceil = |v: f64| 10f64.powf(v.log10().ceil());
                let lo = if min.is_finite() && min > 0.0 {
                    decade_floor(min).min(10.0)
                } else {
                    10.0
                };
                let hi = if max.is_finite() && max > 0.0 {
                    decade_ceil(max).max(1000.0)
                } else {
                    1000.0
                };
                let hi = if hi <= max { hi * 10.0 } else { hi };
                YAxis { lo, hi, log: true }
            }
            AxisScale::Linear => {
                let top = if max.is_finite() { max * 1.1 } else { 0.0 };
                YAxis {
                    lo: 0.0_f64.min(if min.is_finite() { min } else { 0.0 }),
                    hi: nice_ceil(top.max(10.0)),
                    log: false,
                }
            }
        }
    }

    /// Where `value` sits between the bottom (0.0) and the top (1.0), clamped
    /// to that range; `NaN` stays `NaN`.
    pub fn normalize(&self, value: f64) -> f64 {
        if value.is_nan() {
            return f64::NAN;
        }
        let f = if self.log {
            let v = value.max(self.lo * 1e-3);
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (value - self.lo) / (self.hi - self.lo)
        };
        f.clamp(0.0, 1.0)
    }

    /// The values to label: each decade on a log axis, otherwise the bottom,
    /// the middle and the top.
    pub fn ticks(&self) -> Vec<f64> {
        if self.log {
            let mut out = Vec::new();
            let mut v = self.lo;
            while v <= self.hi * 1.000_001 {
                out.push(v);
                v *= 10.0;
            }
            out
        } else {
            vec![self.lo, (self.lo + self.hi) / 2.0, self.hi]
        }
    }
}

/// The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × a power of ten at or
/// above `v` (`v` > 0). Finer than 1-2-5, so the whole platform's 200M users
/// (×1.1 headroom) get a 250M axis rather than one half empty at 500M, and
/// the middle tick stays a round figure.
fn nice_ceil(v: f64) -> f64 {
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if m * p >= v {
            return m * p;
        }
    }
    10.0 * p
}
