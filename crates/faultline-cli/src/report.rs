//! `faultline report` (also `faultline run --all`): runs every bundled
//! scenario, with and without each of its counterfactual switches, and
//! prints one table: the worst value of each indicator, the time to
//! recover, users affected × minutes (and the change a switch makes), and
//! how many of the scenario's calibration bands the run lands in. A
//! scenario that scripts its responders' actions also gets a drill row:
//! the run with nobody responding, so the table shows what the real
//! responses bought.
//!
//! Like the calibration test, every run is repeated at the scenario's
//! calibration seeds (`scenario::ensemble`): bands are judged on the median
//! run and users affected × minutes is their mean (with, for a switch, the
//! number of seeds at which it helped); the worst values and
//! the time to recover are those of the scenario's own seed. `--seed N`
//! runs that one seed instead.
//!
//! "Time to recover" is measured on API success against seed 001's
//! recovery target (> 99%): from the first sample below it to the start of
//! the final stretch at or above it. `-` means API success never fell
//! below the target; `never` means it had not recovered by the end.

use std::fmt::Write as _;
use std::process::ExitCode;

use faultline_core::scenario::ensemble::{
    check_median, mean_users_affected_minutes, SwitchTally, SWITCH_MIN_CUT,
};
use faultline_core::scenario::expect::{si, BandResult, Indicator};
use faultline_core::scenario::impact::{recovery, worst};
use faultline_core::scenario::library;
use faultline_core::sim::Sample;
use faultline_core::SourceError;
use serde_json::{json, Value};

/// Usage line for `faultline help`.
pub const USAGE: &str = "faultline report [--seed N] [--scenario KEY]... [--json] [--check]\n          Run every bundled scenario (or those named), with and without each counterfactual, and print\n          a table of peak impact, time to recover and users affected x minutes; --check exits 1 if a\n          calibration band (not a known gap) is missed or a switch does not help. Also: faultline run --all";

/// API success below this counts as "not recovered" (seed 001 recovery target > 99%).
pub const RECOVERY_TARGET: f64 = 0.99;

/// The indicators the table shows, with their column titles.
const COLUMNS: [(Indicator, &str); 7] = [
    (Indicator::ApiSuccess, "api ok"),
    (Indicator::ApiLatencyP95Ms, "api p95"),
    (Indicator::WsConnectRate, "ws ok"),
    (Indicator::VoiceSuccess, "voice ok"),
    (Indicator::DeliveryRate, "deliv ok"),
    (Indicator::DbQueryMs, "db query"),
    (Indicator::UsersAffectedShare, "affected"),
];

/// One row of the report: one run of one scenario, with or without a switch.
pub struct Row {
    /// Scenario key.
    pub scenario: String,
    /// Counterfactual key, or `None` for the scenario as it happened.
    pub counterfactual: Option<String>,
    /// Worst value of each column's indicator.
    pub worst: Vec<f64>,
    /// Time to recover API success, ms (`None`: never went bad; `Some(None)`: never recovered).
    pub recover_ms: Option<Option<u64>>,
    /// Users affected × minutes.
    pub user_minutes: f64,
    /// Change against the scenario's own run, as a share (`None` for the base row).
    pub change: Option<f64>,
    /// For a switch over several seeds: at how many of them it helped, of how many.
    pub helped: Option<(usize, usize)>,
    /// Bands passed and stated (base rows only).
    pub bands: Option<(usize, usize)>,
    /// Bands missed that the scenario marks as known model gaps (base rows only).
    pub band_gaps: usize,
    /// True for a counterfactual the scenario marks as a known model gap.
    pub known_gap: bool,
    /// True for the drill row: the scenario without its responders'
    /// actions (nobody acting), compared with the scenario as it happened.
    pub drill: bool,
}

impl Row {
    /// Records how many of `results` passed, and how many missed ones are
    /// known model gaps.
    fn count_bands(&mut self, results: &[BandResult]) {
        self.bands = Some((results.iter().filter(|r| r.pass).count(), results.len()));
        self.band_gaps = results
            .iter()
            .filter(|r| !r.pass && r.expectation.gap.is_some())
            .count();
    }

    /// What `--check` objects to in this row: a missed band that is not a
    /// known gap, or a switch (not a known gap) that fails to cut users
    /// affected x minutes by at least 1%.
    pub fn problem(&self) -> Option<String> {
        if self.drill {
            // What the responders' actions bought is reported, not judged.
            return None;
        }
        let name = match &self.counterfactual {
            None => self.scenario.clone(),
            Some(c) => format!("{} + {c}", self.scenario),
        };
        if let Some((p, n)) = self.bands {
            let missed = n - p - self.band_gaps;
            if missed > 0 {
                return Some(format!("{name}: {missed} calibration band(s) missed"));
            }
        }
        match (self.change, self.helped) {
            _ if self.known_gap => None,
            (Some(c), _) if c > -SWITCH_MIN_CUT => Some(format!(
                "{name}: users affected x minutes changed by {:+.1}% (a switch must cut it by at least 1%)",
                c * 100.0
            )),
            (Some(_), Some((k, n))) if k * 2 <= n => Some(format!(
                "{name}: helped at only {k} of {n} seeds (a switch must help at most of them)"
            )),
            _ => None,
        }
    }
}

/// A row from a scenario's runs (one per seed): the worst values and the
/// time to recover of the first (the scenario's own seed), users affected ×
/// minutes as the mean over all of them.
fn row(key: &str, cf: Option<&str>, runs: &[Vec<Sample>], base: Option<f64>) -> Row {
    let samples = &runs[0];
    let user_minutes = mean_users_affected_minutes(runs);
    Row {
        scenario: key.to_string(),
        counterfactual: cf.map(str::to_string),
        worst: COLUMNS
            .iter()
            .map(|(i, _)| worst(samples, *i).map_or(f64::NAN, |w| w.0))
            .collect(),
        recover_ms: recovery(samples, Indicator::ApiSuccess, RECOVERY_TARGET)
            .map(|r| r.time_to_recover_ms()),
        user_minutes,
        change: base.map(|b| if b > 0.0 { user_minutes / b - 1.0 } else { 0.0 }),
        helped: None,
        bands: None,
        band_gaps: 0,
        known_gap: false,
        drill: false,
    }
}

/// Runs the named bundled scenarios (all when `keys` is empty) and their
/// counterfactuals; `seed` overrides each scenario's own seed.
pub fn rows(keys: &[String], seed: Option<u64>) -> Result<Vec<Row>, String> {
    let mut out = Vec::new();
    let chosen: Vec<&library::BundledScenario> = if keys.is_empty() {
        library::bundled().iter().collect()
    } else {
        keys.iter()
            .map(|k| {
                library::find(k).ok_or_else(|| {
                    format!(
                        "no bundled scenario `{k}` (bundled: {})",
                        library::bundled()
                            .iter()
                            .map(|b| b.key)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
            })
            .collect::<Result<_, _>>()?
    };
    for b in chosen {
        let s = b.load().map_err(|e| SourceError::join(&e, "\n"))?;
        let seeds = crate::seeds_for(&s, seed);
        let runs = crate::run_seeds(&s, &seeds)?;
        let mut base = row(b.key, None, &runs, None);
        base.count_bands(&check_median(&s, None, &runs));
        let base_minutes = base.user_minutes;
        out.push(base);
        for c in &s.counterfactuals {
            let with = s.with_counterfactual(&c.key)?;
            let with_runs = crate::run_seeds(&with, &seeds)?;
            let mut r = row(b.key, Some(&c.key), &with_runs, Some(base_minutes));
            r.known_gap = c.gap.is_some();
            if seeds.len() > 1 {
                r.helped = Some((
                    SwitchTally::from_runs(&runs, &with_runs).helped(),
                    seeds.len(),
                ));
            }
            // Bands the source gives for the platform with this switch on.
            let results = check_median(&s, Some(&c.key), &with_runs);
            if !results.is_empty() {
                r.count_bands(&results);
            }
            out.push(r);
        }
        if s.has_responses() {
            let runs = crate::run_seeds(&s.drill(), &seeds)?;
            let mut r = row(b.key, None, &runs, Some(base_minutes));
            r.drill = true;
            out.push(r);
        }
    }
    Ok(out)
}

fn minutes(ms: u64) -> String {
    let m = ms as f64 / 60_000.0;
    if m >= 100.0 {
        format!("{m:.0} min")
    } else {
        format!("{m:.1} min")
    }
}

fn recover_text(r: &Option<Option<u64>>) -> String {
    match r {
        None => "-".into(),
        Some(None) => "never".into(),
        Some(Some(ms)) => minutes(*ms),
    }
}

/// The report as a plain-text table.
pub fn table(rows: &[Row]) -> String {
    let mut s = String::new();
    let _ = write!(s, "{:<34}", "scenario / counterfactual");
    for (_, title) in COLUMNS {
        let _ = write!(s, " {title:>9}");
    }
    let _ = writeln!(
        s,
        " {:>9} {:>10} {:>8} {:>7}  bands",
        "recover", "user·min", "vs base", "helps"
    );
    for r in rows {
        let name = match &r.counterfactual {
            None if r.drill => "  - responders (drill)".to_string(),
            None => r.scenario.clone(),
            Some(c) => format!("  + {c}"),
        };
        let _ = write!(s, "{name:<34}");
        for (k, (i, _)) in COLUMNS.iter().enumerate() {
            let _ = write!(s, " {:>9}", i.format(r.worst[k]));
        }
        let change = r
            .change
            .map_or(String::new(), |c| format!("{:+.1}%", c * 100.0));
        let bands = match (r.bands, r.band_gaps) {
            (None, _) => String::new(),
            (Some((p, n)), 0) => format!("{p}/{n}"),
            (Some((p, n)), 1) => format!("{p}/{n} (1 gap)"),
            (Some((p, n)), g) => format!("{p}/{n} ({g} gaps)"),
        };
        let helped = r.helped.map_or(String::new(), |(k, n)| format!("{k}/{n}"));
        let _ = writeln!(
            s,
            " {:>9} {:>10} {:>8} {:>7}  {}",
            recover_text(&r.recover_ms),
            si(r.user_minutes),
            change,
            helped,
            bands
        );
    }
    s.push_str(
        "\nWorst value and recover: the run at the scenario's own seed (or --seed N); recover = time for API\n\
         success to return to > 99% for good; user·min = users affected x minutes, the mean over the scenario's\n\
         calibration seeds (5, or the file's calibration_runs; or the one --seed run); vs base = change a\n\
         counterfactual makes, or (- responders) the drill with nobody acting, without the responders' actions\n\
         the scenario scripts; helps = seeds at which the switch cut users affected x minutes by 1% or more\n\
         against the same seed without it; bands = calibration bands met by the median of those runs (gaps:\n\
         missed bands the scenario marks as known model gaps; see scenarios/README.md).\n",
    );
    s
}

/// The report as JSON (one object per row).
pub fn json_rows(rows: &[Row]) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                let mut worst = serde_json::Map::new();
                for (k, (i, _)) in COLUMNS.iter().enumerate() {
                    worst.insert(i.as_str().to_string(), json!(r.worst[k]));
                }
                json!({
                    "scenario": r.scenario,
                    "counterfactual": r.counterfactual,
                    "worst": worst,
                    "recover_ms": match r.recover_ms { None => json!(0), Some(None) => Value::Null, Some(Some(ms)) => json!(ms) },
                    "users_affected_minutes": r.user_minutes,
                    "change": r.change,
                    "seeds_helped": r.helped.map(|h| h.0),
                    "seeds": r.helped.map(|h| h.1),
                    "bands_passed": r.bands.map(|b| b.0),
                    "bands": r.bands.map(|b| b.1),
                    "band_gaps": r.bands.map(|_| r.band_gaps),
                    "known_gap": r.known_gap,
                    "drill": r.drill,
                    "problem": r.problem(),
                })
            })
            .collect(),
    )
}

/// Runs `faultline report`.
pub fn run(args: &[String]) -> ExitCode {
    let mut seed = None;
    let mut keys = Vec::new();
    let mut json_out = false;
    let mut check = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => match crate::seed_arg(&mut it) {
                Ok(v) => seed = Some(v),
                Err(m) => return usage_error(m),
            },
            "--scenario" => match it.next() {
                Some(k) => keys.push(k.clone()),
                None => return usage_error("--scenario needs a bundled scenario key"),
            },
            "--json" => json_out = true,
            "--check" => check = true,
            "--format" => match it.next().map(String::as_str) {
                Some("json") => json_out = true,
                Some("text") => json_out = false,
                _ => return usage_error("--format must be text or json"),
            },
            "--all" => {}
            other => return usage_error(&format!("unexpected argument \"{other}\"")),
        }
    }
    match rows(&keys, seed) {
        Ok(r) => {
            if json_out {
                outln!("{}", json_rows(&r));
            } else {
                out!("{}", table(&r));
            }
            let problems: Vec<String> = r.iter().filter_map(Row::problem).collect();
            if check && !problems.is_empty() {
                for p in problems {
                    eprintln!("{p}");
                }
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn usage_error(msg: &str) -> ExitCode {
    crate::usage_error("report", USAGE, msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base_row() -> Row {
        Row {
            scenario: "s".into(),
            counterfactual: None,
            worst: vec![f64::NAN; COLUMNS.len()],
            recover_ms: None,
            user_minutes: 100.0,
            change: None,
            helped: None,
            bands: Some((3, 5)),
            band_gaps: 2,
            known_gap: false,
            drill: false,
        }
    }

    #[test]
    fn check_objects_to_missed_bands_and_useless_switches_but_not_known_gaps() {
        let mut r = base_row();
        assert_eq!(r.problem(), None);
        r.band_gaps = 1;
        assert_eq!(r.problem().unwrap(), "s: 1 calibration band(s) missed");
        let mut cf = base_row();
        cf.counterfactual = Some("fix".into());
        cf.bands = None;
        cf.change = Some(-0.005);
        assert!(cf.problem().unwrap().starts_with("s + fix: users affected"));
        cf.known_gap = true;
        assert_eq!(cf.problem(), None);
        cf.known_gap = false;
        cf.change = Some(-0.5);
        assert_eq!(cf.problem(), None);
        // A mean carried by a few seeds is not a lesson.
        cf.helped = Some((2, 5));
        assert_eq!(
            cf.problem().unwrap(),
            "s + fix: helped at only 2 of 5 seeds (a switch must help at most of them)"
        );
        cf.helped = Some((3, 5));
        assert_eq!(cf.problem(), None);
        // Nobody acting may cost nothing (an autoscaler did the work): not a problem.
        let mut drill = base_row();
        drill.bands = None;
        drill.drill = true;
        drill.change = Some(0.0);
        assert_eq!(drill.problem(), None);
    }

    #[test]
    fn table_marks_gaps_and_recovery() {
        let mut r = base_row();
        r.recover_ms = Some(Some(90 * 60_000));
        let mut never = base_row();
        never.recover_ms = Some(None);
        never.band_gaps = 1;
        let mut switch = base_row();
        switch.counterfactual = Some("fix".into());
        switch.change = Some(-0.034);
        switch.helped = Some((11, 21));
        let t = table(&[r, never, switch]);
        assert!(
            t.contains("-3.4%   11/21"),
            "how reliably a switch helps: {t}"
        );
        assert!(t.contains("90.0 min"), "{t}");
        assert!(t.contains("3/5 (2 gaps)"), "{t}");
        assert!(t.contains("never") && t.contains("3/5 (1 gap)"), "{t}");
    }
}
