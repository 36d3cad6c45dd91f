//! Calibration: every bundled scenario, run natively at its calibration
//! seeds (its own `seed` and the next ones, five or its `calibration_runs`:
//! `scenario::ensemble`), must land
//! inside every `[[expect]]` band its file states (the figures of its source
//! document, with the file's tolerance) on the median of those runs, and
//! every counterfactual switch must reduce the mean users affected ×
//! minutes over them, and at most of them (`SwitchTally::helps`).
//!
//! Bands marked `gap = "..."` are known model gaps: their results are
//! printed, not asserted (the file keeps the source's figure and says why
//! the model misses it). Everything else fails the test when the run leaves
//! its band, so a model change that breaks an incident's shape is caught.
//!
//! Run with `--nocapture` to see every band's measured value and each
//! counterfactual's reduction.

use faultline_core::scenario::ensemble::{
    calibration_seeds, check_median, mean_users_affected_minutes, SwitchTally, SWITCH_MIN_CUT,
};
use faultline_core::scenario::{library, Scenario};
use faultline_core::sim::{Sample, Sim};
use faultline_core::SourceError;

/// Runs a scenario to its end at each of its calibration seeds.
fn runs(s: &Scenario) -> Vec<Vec<Sample>> {
    calibration_seeds(s)
        .into_iter()
        .map(|seed| Sim::run_samples(s, seed).unwrap_or_else(|e| panic!("{}: {e}", s.name)))
        .collect()
}

/// Runs `f` over every bundled scenario on up to two threads (the runs
/// are independent and the machine may be shared), in library order.
fn each_scenario<T: Send>(f: impl Fn(&str, Scenario) -> T + Sync) -> Vec<T> {
    let all: Vec<(&str, Scenario)> = library::bundled()
        .iter()
        .map(|b| {
            let s = b
                .load()
                .unwrap_or_else(|e| panic!("{}", SourceError::join(&e, "\n")));
            (b.key, s)
        })
        .collect();
    let f = &f;
    std::thread::scope(|sc| {
        let handles: Vec<_> = all
            .into_iter()
            .map(|(k, s)| sc.spawn(move || f(k, s)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn every_bundled_scenario_lands_in_its_bands() {
    let reports = each_scenario(|key, s| {
        let mut results = check_median(&s, None, &runs(&s));
        // Bands the source gives for the platform with a switch on are
        // checked on that switch's runs.
        for c in &s.counterfactuals {
            if s.expectations
                .iter()
                .any(|e| e.with.as_ref() == Some(&c.key))
            {
                let with = s.with_counterfactual(&c.key).unwrap();
                results.extend(check_median(&s, Some(&c.key), &runs(&with)));
            }
        }
        let mut out = format!("{key} ({} bands)\n", results.len());
        let mut failures = Vec::new();
        for r in &results {
            out += &format!("  {}\n", r.describe(s.start_clock_ms));
            if let (false, Some(g)) = (r.pass, &r.expectation.gap) {
                out += &format!("       known gap: {g}\n");
            }
            if !r.pass && r.expectation.gap.is_none() {
                failures.push(format!("{key}: {}", r.describe(s.start_clock_ms)));
            }
            // A gap the model has closed must say so, or the list of
            // known gaps overstates what is missing.
            if r.pass && r.expectation.gap.is_some() {
                failures.push(format!(
                    "{key}: {} is met but marked as a known gap: remove its `gap` (and any model band standing in for it)",
                    r.describe(s.start_clock_ms)
                ));
            }
        }
        (out, failures, results.len())
    });
    let mut failures = Vec::new();
    for (out, f, n) in reports {
        print!("{out}");
        assert!(
            n > 0,
            "a bundled scenario without bands cannot be calibrated:\n{out}"
        );
        failures.extend(f);
    }
    assert!(
        failures.is_empty(),
        "{} band(s) missed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_counterfactual_reduces_users_affected_minutes() {
    let reports = each_scenario(|key, s| {
        if s.counterfactuals.is_empty() {
            return (String::new(), Vec::new());
        }
        let base_runs = runs(&s);
        let base = mean_users_affected_minutes(&base_runs);
        let mut out = format!("{key}: users affected × minutes {base:.4e} without switches\n");
        let mut failures = Vec::new();
        for c in &s.counterfactuals {
            let with = s.with_counterfactual(&c.key).unwrap();
            let with_runs = runs(&with);
            let m = mean_users_affected_minutes(&with_runs);
            // A switch must make a real difference, not a rounding one, and
            // at most seeds, not on one lucky draw.
            let tally = SwitchTally::from_runs(&base_runs, &with_runs);
            let (cut, helps) = (-tally.change(), tally.helps());
            let note = match (&c.gap, helps) {
                (Some(g), false) => format!("  GAP: {g}"),
                _ => String::new(),
            };
            out += &format!(
                "  {:<28} {m:.4e}  ({:+.1}%, helps at {} of {} seeds){note}\n",
                c.key,
                -cut * 100.0,
                tally.helped(),
                tally.seeds()
            );
            if !helps && c.gap.is_none() {
                failures.push(format!(
                    "{key}: counterfactual `{}` does not reduce users affected × minutes by {:.0}% at most seeds ({m:.4e} vs {base:.4e}, helping at {} of {})",
                    c.key,
                    SWITCH_MIN_CUT * 100.0,
                    tally.helped(),
                    tally.seeds()
                ));
            }
            if helps && c.gap.is_some() {
                failures.push(format!(
                    "{key}: counterfactual `{}` now helps ({:+.1}%) but is marked as a known gap: remove its `gap`",
                    c.key,
                    -cut * 100.0
                ));
            }
        }
        (out, failures)
    });
    let mut failures = Vec::new();
    for (out, f) in reports {
        print!("{out}");
        failures.extend(f);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn incident_scenarios_have_a_story_bands_and_counterfactuals() {
    for b in library::bundled()
        .iter()
        .filter(|b| b.key != "steady_state")
    {
        let s = b.load().unwrap();
        assert!(!s.date.is_empty(), "{}: no date", b.file);
        assert!(!s.summary.is_empty(), "{}: no summary", b.file);
        assert!(!s.narrative.is_empty(), "{}: no narrative", b.file);
        assert!(!s.what_happened.is_empty(), "{}: no what_happened", b.file);
        assert!(s.messages.len() >= 5, "{}: too few messages", b.file);
        assert!(!s.expectations.is_empty(), "{}: no bands", b.file);
        assert!(
            !s.counterfactuals.is_empty(),
            "{}: no counterfactuals",
            b.file
        );
        for e in &s.expectations {
            assert!(!e.source.is_empty(), "{}: a band without a source", b.file);
        }
    }
}
