//! `faultline check FILE [--seed N] [--counterfactual KEY]`: runs one
//! scenario (a path or `bundled:<file>`) and prints each of its `[[expect]]`
//! bands with the measured value, then users affected × minutes with and
//! without each counterfactual switch. This is what an instructor runs
//! while writing a scenario; the calibration test does the same for the
//! bundled files. Like the calibration test it runs the scenario at its
//! calibration seeds (its own and the next ones: five, or the file's
//! `calibration_runs`) and judges each band on the median run, users
//! affected × minutes on the mean, and counts the seeds at which each
//! switch helped; `--seed N` runs and judges that one seed, `--runs N` that
//! many seeds (to see whether a scenario needs `calibration_runs`).
//!
//! Exit 1 if the file is invalid, a band that is not a known gap is missed,
//! or a switch that is not a known gap fails to cut users affected ×
//! minutes by at least 1% on average, or to help at most of the seeds.

use std::process::ExitCode;

use faultline_core::scenario::ensemble::{check_median, mean_users_affected_minutes, SwitchTally};
use faultline_core::scenario::expect;

/// Usage line for `faultline help`.
pub const USAGE: &str = "faultline check FILE [--seed N | --runs N] [--counterfactual KEY]\n          Run a scenario and print each calibration band with the measured value, then users affected\n          x minutes with and without each counterfactual (or only KEY), over the scenario's calibration\n          seeds (5 unless the file says; median run; --seed N: that seed alone; --runs N: N seeds, odd, to see\n          whether a chaotic scenario needs more). Exit 1 on a missed band.";

/// Runs `faultline check`.
pub fn run(args: &[String]) -> ExitCode {
    let mut file = None;
    let mut seed = None;
    let mut only = None;
    let mut runs = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => match crate::seed_arg(&mut it) {
                Ok(v) => seed = Some(v),
                Err(m) => return usage_error(m),
            },
            "--runs" => match it.next().and_then(|v| v.parse::<i64>().ok()) {
                Some(n) => match faultline_core::scenario::ensemble::runs_from(n) {
                    Ok(v) => runs = Some(v),
                    Err(m) => return usage_error(&format!("--runs {m}")),
                },
                None => return usage_error("--runs needs a whole number"),
            },
            "--counterfactual" => match it.next() {
                Some(k) => only = Some(k.clone()),
                None => return usage_error("--counterfactual needs a switch key"),
            },
            f if file.is_none() && !f.starts_with("--") => file = Some(f.to_string()),
            other => return usage_error(&format!("unexpected argument \"{other}\"")),
        }
    }
    let Some(file) = file else {
        return usage_error("missing FILE");
    };
    if seed.is_some() && runs.is_some() {
        return usage_error("--seed and --runs exclude each other");
    }
    match check(&file, seed, runs, only.as_deref()) {
        Ok((out, ok)) => {
            out!("{out}");
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

/// The check's printout and whether everything that is not a known gap
/// passed; `runs` overrides the file's number of calibration runs.
pub fn check(
    file: &str,
    seed: Option<u64>,
    runs: Option<u64>,
    only: Option<&str>,
) -> Result<(String, bool), String> {
    let mut s = crate::run::load(file)?;
    if let Some(n) = runs {
        s.calibration_runs = n;
    }
    let seeds = crate::seeds_for(&s, seed);
    if let Some(k) = only {
        s.with_counterfactual(k)?;
    }
    let runs = crate::run_seeds(&s, &seeds)?;
    let mut ok = true;
    let mut out = format!("{} ({})\n", s.title, crate::seeds_label(&seeds));
    let results = check_median(&s, None, &runs);
    if results.is_empty() {
        out += "  no [[expect]] bands\n";
    }
    ok &= describe_bands(&results, s.start_clock_ms, "  ", &mut out);
    let base = mean_users_affected_minutes(&runs);
    out += &format!("users affected x minutes: {base:.4e}\n");
    for c in s
        .counterfactuals
        .iter()
        .filter(|c| only.is_none_or(|k| k == c.key))
    {
        let cf_runs = crate::run_seeds(&s.with_counterfactual(&c.key)?, &seeds)?;
        let m = mean_users_affected_minutes(&cf_runs);
        let tally = SwitchTally::from_runs(&runs, &cf_runs);
        let (change, helps) = (tally.change(), tally.helps());
        let reliability = if runs.len() > 1 {
            format!(", helps at {} of {} seeds", tally.helped(), tally.seeds())
        } else {
            String::new()
        };
        out += &format!(
            "  + {:<28} {m:.4e} ({:+.1}%{reliability}){}\n",
            c.key,
            change * 100.0,
            match (&c.gap, helps) {
                (Some(g), false) => format!("  known gap: {g}"),
                (None, false) => " DOES NOT HELP".to_string(),
                (Some(_), true) =>
                    "  helps, though marked as a known gap: remove the marker".to_string(),
                _ => String::new(),
            }
        );
        if !helps && c.gap.is_none() {
            ok = false;
        }
        let results = check_median(&s, Some(&c.key), &cf_runs);
        ok &= describe_bands(&results, s.start_clock_ms, "      ", &mut out);
    }
    Ok((out, ok))
}

/// Appends one line per band (and its known-gap note) to `out`; true if
/// every band that is not a known gap passed.
fn describe_bands(
    results: &[expect::BandResult],
    start_clock_ms: u64,
    indent: &str,
    out: &mut String,
) -> bool {
    let mut ok = true;
    for r in results {
        *out += &format!("{indent}{}\n", r.describe(start_clock_ms));
        match (&r.expectation.gap, r.pass) {
            (Some(g), false) => *out += &format!("{indent}     known gap: {g}\n"),
            (None, false) => ok = false,
            (Some(_), true) => {
                *out +=
                    &format!("{indent}     met, though marked as a known gap: remove the marker\n")
            }
            _ => {}
        }
    }
    ok
}

fn usage_error(msg: &str) -> ExitCode {
    crate::usage_error("check", USAGE, msg)
}
