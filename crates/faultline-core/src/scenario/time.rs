//! Clock times and durations as scenarios write them.
//!
//! Durations: an integer (milliseconds) or a string `"250ms"`, `"90s"`,
//! `"30m"`, `"4h"`, or combinations like `"1h30m"`. Clock times:
//! `"HH:MM"` or `"HH:MM:SS"` (wall clock in the scenario's time zone,
//! measured from its `start` clock, wrapping past midnight), or `"+5m"` (an
//! offset from the start).

/// Parses a duration string into ms.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            "ms"
        } else {
            match c {
                'h' => "h",
                'm' => "m",
                's' => "s",
                ' ' => continue,
                _ => {
                    return Err(format!(
                        "unexpected `{c}` in duration `{s}` (use e.g. 250ms, 90s, 30m, 4h)"
                    ))
                }
            }
        };
        let v: f64 = num
            .parse()
            .map_err(|_| format!("missing number before `{unit}` in duration `{s}`"))?;
        num.clear();
        let ms = match unit {
            "h" => v * 3_600_000.0,
            "m" => v * 60_000.0,
            "s" => v * 1000.0,
            _ => v,
        };
        total = total.saturating_add(ms.round() as u64);
        any = true;
    }
    if !num.is_empty() {
        if any {
            return Err(format!("trailing number without unit in duration `{s}`"));
        }
        return num
            .parse::<u64>()
            .map_err(|_| format!("bad duration `{s}`"));
    }
    Ok(total)
}

/// Parses `"HH:MM[:SS]"` into ms since midnight.
pub fn parse_clock(s: &str) -> Result<u64, String> {
    let parts: Vec<&str> = s.trim().split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return Err(format!("bad clock time `{s}` (use HH:MM or HH:MM:SS)"));
    }
    let mut v = [0u64; 3];
    for (i, p) in parts.iter().enumerate() {
        v[i] = p
            .parse()
            .map_err(|_| format!("bad clock time `{s}` (use HH:MM or HH:MM:SS)"))?;
    }
    if v[0] > 23 || v[1] > 59 || v[2] > 59 {
        return Err(format!("clock time `{s}` out of range"));
    }
    Ok(((v[0] * 60 + v[1]) * 60 + v[2]) * 1000)
}

/// Parses a timeline time: `"+<duration>"` or a clock time relative to `start_clock_ms`.
pub fn parse_at(s: &str, start_clock_ms: u64) -> Result<u64, String> {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('+') {
        return parse_duration(rest);
    }
    if s.contains(':') {
        let c = parse_clock(s)?;
        const DAY: u64 = 86_400_000;
        return Ok((c + DAY - start_clock_ms % DAY) % DAY);
    }
    parse_duration(s)
}

/// Formats ms since midnight plus an offset as `HH:MM:SS`.
pub fn format_clock(start_clock_ms: u64, t_ms: u64) -> String {
    let s = ((start_clock_ms + t_ms) / 1000) % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(250));
        assert_eq!(parse_duration("90s"), Ok(90_000));
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration("1500"), Ok(1500));
        assert!(parse_duration("5x").is_err());
    }

    #[test]
    fn clocks() {
        let start = parse_clock("16:45:00").unwrap();
        assert_eq!(parse_at("16:47:12", start), Ok(132_000));
        assert_eq!(parse_at("+5m", start), Ok(300_000));
        assert_eq!(
            parse_at("00:15", parse_clock("23:45").unwrap()),
            Ok(1_800_000)
        );
        assert_eq!(format_clock(start, 132_000), "16:47:12");
        assert!(parse_clock("25:00").is_err());
    }
}
