//! Figures written for people: `3.11M`, `2.05k`, `850 ms`, `17 s`, `99.97%`.
//!
//! The event log, the charts and the inspector all show rates,
//! durations and percentages; they share these writers so that the same figure reads
//! the same everywhere, and so that a log line says "3.11M req/s arriving
//! for 2.50M" rather than "3114817 req/s arriving for 2500000".

/// A count to three significant digits with a k/M/B suffix: `950`, `2.05k`,
/// `12.5M`, `200M`, `1.20B`. Not finite reads `—`.
pub fn count(n: f64) -> String {
    if !n.is_finite() {
        return "—".to_string();
    }
    let a = n.abs();
    let (v, suffix) = if a < 999.5 {
        return format!("{n:.0}");
    } else if a < 999_500.0 {
        (n / 1000.0, "k")
    } else if a < 999_500_000.0 {
        (n / 1_000_000.0, "M")
    } else {
        (n / 1_000_000_000.0, "B")
    };
    // Three significant digits; the bounds above leave `v` under 999.5,
    // so it never rounds up to "1000k".
    let decimals = if v.abs() >= 99.95 {
        0
    } else if v.abs() >= 9.995 {
        1
    } else {
        2
    };
    format!("{v:.decimals$}{suffix}")
}

/// A duration: `0.25 ms` under a millisecond, whole milliseconds under a
/// second, `2.4 s` (or `1 s`) under ten seconds, whole seconds beyond. Not finite
/// reads `—`.
pub fn millis(ms: f64) -> String {
    if !ms.is_finite() {
        return "—".to_string();
    }
    if ms < 1.0 {
        let s = format!("{ms:.2}");
        let s = s.trim_end_matches('0');
        let s = s
            .strip_suffix('.')
            .map_or_else(|| s.to_string(), |t| format!("{t}.0"));
        format!("{s} ms")
    } else if ms < 999.5 {
        format!("{ms:.0} ms")
    } else if ms < 9_950.0 {
        let s = format!("{:.1}", ms / 1000.0);
        format!("{} s", s.strip_suffix(".0").unwrap_or(&s))
    } else {
        format!("{:.0} s", ms / 1000.0)
    }
}

/// A percentage given in points (0-100): three decimals at most near 100%,
/// where they tell 99.95% from 99.99% (the seeds' objectives), two above
/// 90%, one below (`50.0%`, not `49.985%`); trailing zeros go but one
/// decimal stays (`99.9%`, `40.0%`). Not finite reads `—`.
pub fn percent(points: f64) -> String {
    if !points.is_finite() {
        return "—".to_string();
    }
    let decimals = if points >= 99.0 {
        3
    } else if points >= 90.0 {
        2
    } else {
        1
    };
    format!("{}%", trim_decimals(points, decimals))
}

/// Writes `value` with at most `max` decimals, dropping trailing zeros but
/// keeping at least one, so `99.950` reads `99.95` and `40` reads `40.0`.
pub fn trim_decimals(value: f64, max: usize) -> String {
    let mut s = format!("{value:.max$}");
    if s.contains('.') {
        while s.ends_with('0') && !s.ends_with(".0") {
            s.pop();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_keep_three_significant_digits() {
        assert_eq!(count(0.0), "0");
        assert_eq!(count(950.0), "950");
        assert_eq!(count(999.4), "999");
        assert_eq!(count(999.6), "1.00k");
        assert_eq!(count(2046.0), "2.05k");
        assert_eq!(count(2000.0), "2.00k");
        assert_eq!(count(12_500.0), "12.5k");
        assert_eq!(count(999_700.0), "1.00M");
        assert_eq!(count(3_114_817.0), "3.11M");
        assert_eq!(count(200_000_000.0), "200M");
        assert_eq!(count(1_200_000_000.0), "1.20B");
        assert_eq!(count(-2046.0), "-2.05k");
        assert_eq!(count(f64::NAN), "—");
    }

    #[test]
    fn percentages_keep_the_decimals_that_matter_near_100() {
        assert_eq!(percent(99.95), "99.95%");
        assert_eq!(percent(99.985), "99.985%");
        assert_eq!(percent(99.9999), "100.0%");
        assert_eq!(percent(100.0), "100.0%");
        assert_eq!(percent(99.0), "99.0%");
        assert_eq!(percent(95.123), "95.12%");
        assert_eq!(percent(49.985), "50.0%");
        assert_eq!(percent(40.0), "40.0%");
        assert_eq!(percent(0.595), "0.6%");
        assert_eq!(percent(f64::NAN), "—");
    }

    #[test]
    fn durations_pick_their_unit() {
        assert_eq!(millis(0.25), "0.25 ms");
        assert_eq!(millis(0.5), "0.5 ms");
        assert_eq!(millis(0.0), "0.0 ms");
        assert_eq!(millis(45.0), "45 ms");
        assert_eq!(millis(999.7), "1 s");
        assert_eq!(millis(1_040.0), "1 s");
        assert_eq!(millis(2400.0), "2.4 s");
        assert_eq!(millis(9_960.0), "10 s");
        assert_eq!(millis(17_050.0), "17 s");
        assert_eq!(millis(f64::INFINITY), "—");
    }
}
