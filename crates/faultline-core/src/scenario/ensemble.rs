//! Calibration over an ensemble of seeds.
//!
//! The model is stochastic (traffic noise, breaker trips, retry timing are
//! drawn from the run's seed), and an incident near a tipping point is
//! sensitive to those draws: the January 2022 cascade's second wave ends at
//! 20:20 at one seed, at 19:50 at another, and not before 20:30 at a third.
//! Judging a band on one seed would let a lucky seed pass an unsound model
//! and an unlucky one fail a sound one, and would tempt a scenario writer to
//! pick the seed. So the calibration runs every scenario at
//! [`CALIBRATION_RUNS`] seeds (or its own `calibration_runs`, more for a
//! chaotic incident), its own `seed` and the ones after it, judges
//! each band on the **median** of the runs' measurements (a time that never
//! came counts as later than any other), and compares users affected ×
//! minutes as the **mean** over the runs. Every run's measurement is kept
//! ([`BandResult::per_run`]) so the spread is printed beside the verdict,
//! and a switch's effect is also counted seed by seed ([`SwitchTally`]).
//!
//! The page judges the one run the trainee watched ([`super::expect::check`]).

use crate::sim::Sample;

use super::expect::{check_with, BandResult};
use super::Scenario;

/// Runs per calibration unless the scenario asks for more: odd, so the median is one of the runs.
pub const CALIBRATION_RUNS: u64 = 5;

/// The most runs a scenario may ask for (`calibration_runs`).
pub const MAX_CALIBRATION_RUNS: u64 = 51;

/// A count of calibration runs, checked: odd (the median is one of the
/// runs) and between 1 and [`MAX_CALIBRATION_RUNS`]. The error completes
/// a sentence that starts with what was being set.
pub fn runs_from(n: i64) -> Result<u64, String> {
    match u64::try_from(n) {
        Ok(v) if v % 2 == 1 && v <= MAX_CALIBRATION_RUNS => Ok(v),
        _ => Err(format!(
            "must be odd (the median is one of the runs) and between 1 and {MAX_CALIBRATION_RUNS}, got {n}"
        )),
    }
}

/// The seeds a scenario is calibrated at: its own and the next ones,
/// `calibration_runs` of them.
pub fn calibration_seeds(scenario: &Scenario) -> Vec<u64> {
    (0..scenario.calibration_runs)
        .map(|k| scenario.seed.wrapping_add(k))
        .collect()
}

/// Checks the bands for switch `key` (`None`: the scenario's own run)
/// against several runs of the same scenario, one per seed: each band's
/// measured value is the median of the runs' measurements, and it passes if
/// the median lands inside it. With one run this is [`check_with`].
pub fn check_median(
    scenario: &Scenario,
    key: Option<&str>,
    runs: &[Vec<Sample>],
) -> Vec<BandResult> {
    let per_run: Vec<Vec<BandResult>> = runs
        .iter()
        .map(|samples| check_with(scenario, key, samples))
        .collect();
    let Some(first) = per_run.first() else {
        return Vec::new();
    };
    if per_run.len() == 1 {
        return first.clone();
    }
    (0..first.len())
        .map(|b| {
            let results: Vec<&BandResult> = per_run.iter().map(|r| &r[b]).collect();
            let mut order: Vec<usize> = (0..results.len()).collect();
            // "Never" (NaN) sorts after every real time or value.
            let key = |k: usize| {
                let m = results[k].measured;
                if m.is_nan() {
                    f64::INFINITY
                } else {
                    m
                }
            };
            order.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
            let median = results[order[order.len() / 2]];
            BandResult {
                expectation: median.expectation.clone(),
                measured: median.measured,
                measured_at_ms: median.measured_at_ms,
                pass: median.expectation.admits(median.measured),
                per_run: results.iter().map(|r| r.measured).collect(),
            }
        })
        .collect()
}

/// The least share of users affected × minutes a switch must cut to count
/// as helping (1%): less is noise, not a lesson.
pub const SWITCH_MIN_CUT: f64 = 0.01;

/// One switch (or set of switches) measured seed by seed: users affected
/// × minutes without it and with it at the same seeds. The mean says how
/// much a switch buys; the count of seeds where it helped says how
/// reliably, which matters where an incident's course is chaotic.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SwitchTally {
    /// Users affected × minutes without the switch, one per seed.
    pub without: Vec<f64>,
    /// The same with the switch, at the same seeds in the same order.
    pub with: Vec<f64>,
}

impl SwitchTally {
    /// The tally of runs without (`base`) and `with` the switch, paired by seed.
    pub fn from_runs(base: &[Vec<Sample>], with: &[Vec<Sample>]) -> SwitchTally {
        let score = |runs: &[Vec<Sample>]| -> Vec<f64> {
            runs.iter()
                .map(|r| super::users_affected_minutes(r))
                .collect()
        };
        SwitchTally {
            without: score(base),
            with: score(with),
        }
    }

    /// Records one seed's pair.
    pub fn push(&mut self, without: f64, with: f64) {
        self.without.push(without);
        self.with.push(with);
    }

    /// Seeds measured.
    pub fn seeds(&self) -> usize {
        self.without.len().min(self.with.len())
    }

    /// Seeds at which the switch cut users affected × minutes by at least
    /// [`SWITCH_MIN_CUT`] against the run without it.
    pub fn helped(&self) -> usize {
        self.without
            .iter()
            .zip(&self.with)
            .filter(|(b, w)| **w < **b * (1.0 - SWITCH_MIN_CUT))
            .count()
    }

    /// True if the switch helps: it cuts the mean users affected × minutes
    /// by at least [`SWITCH_MIN_CUT`] *and* helps at most of the seeds, so
    /// a mean carried by one lucky seed does not pass for a lesson.
    pub fn helps(&self) -> bool {
        self.seeds() > 0 && self.change() <= -SWITCH_MIN_CUT && self.helped() * 2 > self.seeds()
    }

    /// The change in mean users affected × minutes the switch makes, as a
    /// share (−0.25: a quarter fewer); 0 with nothing measured.
    pub fn change(&self) -> f64 {
        let n = self.seeds();
        let without: f64 = self.without[..n].iter().sum();
        let with: f64 = self.with[..n].iter().sum();
        if without > 0.0 {
            with / without - 1.0
        } else {
            0.0
        }
    }
}

/// The mean of several runs' users affected × minutes.
pub fn mean_users_affected_minutes(runs: &[Vec<Sample>]) -> f64 {
    if runs.is_empty() {
        return 0.0;
    }
    runs.iter()
        .map(|r| super::users_affected_minutes(r))
        .sum::<f64>()
        / runs.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Sli, Users};
    use crate::SourceError;

    fn run(api: &[f64]) -> Vec<Sample> {
        api.iter()
            .enumerate()
            .map(|(k, &a)| Sample {
                t_ms: (k as u64 + 1) * 10_000,
                sli: Sli {
                    api_success: a,
                    ..Sli::default()
                },
                users: Users {
                    connected: 1000.0,
                    ..Users::default()
                },
                components: Vec::new(),
            })
            .collect()
    }

    const FILE: &str = r#"
name = "Ensemble"
start = "10:00"
duration = "2m"
[[expect]]
indicator = "api_success"
kind = "min"
value = 0.5
tolerance = 0.1
why = "trough"
[[expect]]
indicator = "api_success"
kind = "recovers"
value = 0.99
at = "+40s"
tolerance = "5s"
why = "recovery"
"#;

    #[test]
    fn a_band_is_judged_on_the_median_run_and_keeps_every_run() {
        let s = Scenario::from_toml_str(FILE, "e.toml").unwrap();
        assert_eq!(calibration_seeds(&s), [1, 2, 3, 4, 5]);
        // Troughs 0.2, 0.45, 0.5, 0.55, 0.9: the median 0.5 passes although
        // two runs alone would fail. Recoveries at 40 s, 40 s, 50 s, never,
        // never: the median (50 s) misses the 35-45 s band.
        let runs = vec![
            run(&[1.0, 0.2, 0.3, 1.0, 1.0, 1.0]),
            run(&[1.0, 0.45, 0.5, 1.0, 1.0, 1.0]),
            run(&[1.0, 0.5, 0.6, 0.6, 1.0, 1.0]),
            run(&[1.0, 0.55, 0.6, 0.6, 0.6, 0.6]),
            run(&[1.0, 0.9, 0.95, 0.95, 0.95, 0.95]),
        ];
        let r = check_median(&s, None, &runs);
        assert_eq!(r.len(), 2);
        assert!(r[0].pass && r[0].measured == 0.5, "{:?}", r[0]);
        assert_eq!(r[0].per_run, [0.2, 0.45, 0.5, 0.55, 0.9]);
        assert!(!r[1].pass && r[1].measured == 50_000.0, "{:?}", r[1]);
        assert!(r[1].per_run[3].is_nan());
        let line = r[1].describe(s.start_clock_ms);
        assert!(
            line.contains("measured 10:00:50, the median of 5 seeds: 10:00:40, 10:00:40, 10:00:50, never, never"),
            "{line}"
        );
        // One run: the plain check.
        let one = check_median(&s, None, &runs[..1]);
        assert!(one[0].per_run.is_empty() && !one[0].pass);
    }

    #[test]
    fn a_switch_is_counted_seed_by_seed() {
        // A run whose users affected stay at `n` for two samples.
        let affected = |n: f64| {
            let mut r = run(&[1.0, 1.0]);
            for s in &mut r {
                s.sli.users_affected = n;
            }
            r
        };
        let base = vec![affected(1000.0), affected(1000.0), affected(1000.0)];
        let with = vec![
            affected(500.0),  // helps
            affected(1000.0), // the same: no help
            affected(995.0),  // 0.5% fewer: noise, under SWITCH_MIN_CUT
        ];
        let t = SwitchTally::from_runs(&base, &with);
        assert_eq!((t.helped(), t.seeds()), (1, 3));
        assert!((t.change() - (2495.0 / 3000.0 - 1.0)).abs() < 1e-12);
        // -16.8% on average, but carried by one seed of three: no lesson.
        assert!(!t.helps());
        assert_eq!(SwitchTally::from_runs(&base, &base).helped(), 0);
        // Seed by seed, as the page measures it.
        let mut p = SwitchTally::default();
        assert_eq!((p.seeds(), p.change()), (0, 0.0));
        p.push(10.0, 30.0);
        p.push(30.0, 5.0);
        assert_eq!((p.helped(), p.seeds()), (1, 2));
        assert!((p.change() - (35.0 / 40.0 - 1.0)).abs() < 1e-12);
        assert!(!p.helps(), "one of two is not most");
        p.push(50.0, 20.0);
        assert!(p.helps(), "-27% on average, at two seeds of three");
    }

    #[test]
    fn a_chaotic_scenario_asks_for_more_runs_and_an_even_count_is_refused() {
        let more = FILE.replace("duration", "calibration_runs = 7\nduration");
        let s = Scenario::from_toml_str(&more, "e.toml").unwrap();
        assert_eq!(calibration_seeds(&s), [1, 2, 3, 4, 5, 6, 7]);
        for bad in ["4", "0", "-3", "53"] {
            let text = FILE.replace("duration", &format!("calibration_runs = {bad}\nduration"));
            let e = Scenario::from_toml_str(&text, "e.toml").unwrap_err();
            let msg = SourceError::join(&e, "\n");
            assert!(
                msg.contains("calibration_runs must be odd") && msg.contains(&format!("got {bad}")),
                "{msg}"
            );
            assert!(msg.contains("e.toml:4"), "points at the line: {msg}");
        }
    }
}
