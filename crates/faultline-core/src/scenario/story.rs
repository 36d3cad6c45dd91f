//! The story told around a scenario: what the trainee reads before the run
//! (`title`, `date`, `summary`, `difficulty`, `narrative`), the messages that
//! appear as the clock passes their real times (`[[message]]`), and the
//! post-mortem summary shown after the run (`what_happened`).
//!
//! None of this changes the simulation; it is what an instructor's drill
//! needs besides the model.

use serde::{Deserialize, Serialize};

/// How hard a scenario is to diagnose and mitigate, for the scenario picker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    /// One failure, an obvious cause, a clear fix (or nothing to fix).
    #[default]
    Intro,
    /// A cascade across several components with one dominant mechanism.
    Intermediate,
    /// Several interacting mechanisms, misleading signals, repeated waves.
    Advanced,
}

impl Difficulty {
    /// The name as written in scenario files (`"intro"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Intro => "intro",
            Difficulty::Intermediate => "intermediate",
            Difficulty::Advanced => "advanced",
        }
    }
}

/// A message shown to the trainee once the clock passes `t_ms`: a status
/// page update, what the engineers noticed, what they decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoryMessage {
    /// When it appears, ms since the scenario's start.
    pub t_ms: u64,
    /// What it says.
    pub text: String,
}

/// `[[message]]` as written: `t` is a clock time, `"+38m"` or integer ms.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMessage {
    pub t: toml::Value,
    pub text: String,
}

/// Parses a timeline time (`"HH:MM[:SS]"`, `"+5m"`, or integer ms) against the
/// scenario's start clock and checks it lies within the run.
pub(super) fn time_in_run(
    v: &toml::Value,
    start_clock_ms: u64,
    duration_ms: u64,
    what: &str,
) -> Result<u64, String> {
    let t = match v {
        toml::Value::Integer(i) if *i >= 0 => *i as u64,
        toml::Value::String(s) => {
            super::time::parse_at(s, start_clock_ms).map_err(|m| format!("{what}: {m}"))?
        }
        _ => {
            return Err(format!(
                "{what} must be \"HH:MM:SS\", \"+5m\" or an integer of ms"
            ))
        }
    };
    if t > duration_ms {
        return Err(format!(
            "{what} {} is outside the run ({} from the start; the run lasts {})",
            show(v),
            fmt_dur(t),
            fmt_dur(duration_ms)
        ));
    }
    Ok(t)
}

fn show(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// True for a calendar date written `YYYY-MM-DD`.
pub fn valid_date(s: &str) -> bool {
    let p: Vec<&str> = s.split('-').collect();
    let num = |x: &str, n: usize| x.len() == n && x.bytes().all(|b| b.is_ascii_digit());
    if p.len() != 3 || !num(p[0], 4) || !num(p[1], 2) || !num(p[2], 2) {
        return false;
    }
    let (m, d): (u32, u32) = (p[1].parse().unwrap_or(0), p[2].parse().unwrap_or(0));
    (1..=12).contains(&m) && (1..=31).contains(&d)
}

/// A duration in ms as `1h02m03s` (for messages).
pub fn fmt_dur(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}h{m:02}m{sec:02}s")
    } else if m > 0 {
        format!("{m}m{sec:02}s")
    } else {
        format!("{sec}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_inside_and_outside_the_run() {
        let start = super::super::time::parse_clock("11:30").unwrap();
        let v = toml::Value::String("11:38".into());
        assert_eq!(time_in_run(&v, start, 3_600_000, "t"), Ok(480_000));
        let late = toml::Value::String("13:00".into());
        let e = time_in_run(&late, start, 3_600_000, "message t").unwrap_err();
        assert!(e.contains("outside the run"), "{e}");
        assert_eq!(fmt_dur(3_723_000), "1h02m03s");
    }
}
