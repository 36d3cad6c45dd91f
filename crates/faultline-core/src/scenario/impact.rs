//! Impact figures of a finished run, read from its samples: users affected ×
//! minutes, the worst value of an indicator, and when it recovered.
//!
//! These are what the scenario report and the counterfactual comparison
//! print; they read only [`Sample`]s, so they work on any run (CLI, page,
//! tests).

use crate::sim::Sample;

use super::expect::Indicator;

/// Users affected × minutes: the area under the "users affected" indicator
/// (users who cannot use the platform normally), each sample weighted by the
/// time since the previous one (the first by its own time since the start).
/// A run where 1M users are affected for 10 minutes scores 10M.
pub fn users_affected_minutes(samples: &[Sample]) -> f64 {
    let mut prev = 0u64;
    let mut sum = 0.0;
    for s in samples {
        let dt = s.t_ms.saturating_sub(prev) as f64 / 60_000.0;
        sum += s.sli.users_affected * dt;
        prev = s.t_ms;
    }
    sum
}

/// The worst value of `indicator` over the run (lowest for success rates,
/// highest for latencies and users affected) and when it occurred.
/// `None` for an empty run.
pub fn worst(samples: &[Sample], indicator: Indicator) -> Option<(f64, u64)> {
    let mut best: Option<(f64, u64)> = None;
    for s in samples {
        let v = indicator.of(s);
        let better = match best {
            None => true,
            Some((b, _)) => {
                if indicator.higher_is_better() {
                    v < b
                } else {
                    v > b
                }
            }
        };
        if better && v.is_finite() {
            best = Some((v, s.t_ms));
        }
    }
    best
}

/// When an indicator left its good side and when it came back for good.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Recovery {
    /// First sample on the bad side of the threshold, ms.
    pub first_bad_ms: u64,
    /// Start of the final run of good samples, if the run ends good, ms.
    pub recovered_ms: Option<u64>,
}

impl Recovery {
    /// Time from the first bad sample to recovery, ms (`None`: never recovered).
    pub fn time_to_recover_ms(&self) -> Option<u64> {
        self.recovered_ms.map(|r| r - self.first_bad_ms)
    }
}

/// When `indicator` first crossed `threshold` to its bad side and when it
/// returned to the good side to stay; `None` if it never went bad.
pub fn recovery(samples: &[Sample], indicator: Indicator, threshold: f64) -> Option<Recovery> {
    let first_bad = samples
        .iter()
        .position(|s| !indicator.is_good(indicator.of(s), threshold))?;
    let last_bad = samples
        .iter()
        .rposition(|s| !indicator.is_good(indicator.of(s), threshold))?;
    Some(Recovery {
        first_bad_ms: samples[first_bad].t_ms,
        recovered_ms: samples.get(last_bad + 1).map(|s| s.t_ms),
    })
}
