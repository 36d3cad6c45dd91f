//! A calibration band in words for the page's readers: trainees and
//! instructors read "API success rate first below 99.0% at 16:47:45, give
//! or take 2 min", where the CLI's scenario authors read the file's own
//! terms ("api_success breaks 99.0% at 16:47:45 ± 2m00s", see
//! [`Expectation::describe`]). Both say the same band; only the words differ.

use super::expect::{BandKind, BandResult, Expectation};
use super::time::format_clock;
use crate::topology::Topology;

impl Expectation {
    /// The band in words: the indicator's title (with the component's name
    /// from `topology` for a component's figure), what the band expects
    /// and, for a value, the window it is read in. A band for a switch ends
    /// ", with {key}", as [`Expectation::describe`] does.
    pub fn in_words(&self, start_clock_ms: u64, topology: &Topology) -> String {
        let i = self.indicator;
        let subject = match &self.component {
            Some(c) => {
                let name = topology
                    .components
                    .get(c.index)
                    .map_or(c.id.as_str(), |x| x.name.as_str());
                format!("{name} {}", i.title().to_lowercase())
            }
            None => i.title().to_string(),
        };
        let clock = |ms: u64| format_clock(start_clock_ms, ms);
        let window = format!(
            ", between {} and {}",
            clock(self.from_ms),
            clock(self.to_ms)
        );
        let give_or_take_value = format!(", give or take {}", i.format(self.tolerance));
        let (worse, better) = if i.higher_is_better() {
            ("below", "above")
        } else {
            ("above", "below")
        };
        let band = match self.kind {
            BandKind::Breaks | BandKind::Recovers => {
                let what = if self.kind == BandKind::Breaks {
                    format!("first {worse}")
                } else {
                    format!("back {better}")
                };
                let for_good = if self.kind == BandKind::Recovers {
                    " for good"
                } else {
                    ""
                };
                format!(
                    "{subject} {what} {}{for_good} at {}, give or take {}",
                    i.format(self.value),
                    clock(self.at_ms.unwrap_or(0)),
                    duration_in_words(self.tolerance as u64)
                )
            }
            BandKind::Min => format!(
                "{subject} at its lowest {}{give_or_take_value}{window}",
                i.format(self.value)
            ),
            BandKind::Max => format!(
                "{subject} at its highest {}{give_or_take_value}{window}",
                i.format(self.value)
            ),
            BandKind::Mean => format!(
                "{subject} on average {}{give_or_take_value}{window}",
                i.format(self.value)
            ),
            BandKind::Final => format!(
                "{subject} {}{give_or_take_value} at {}",
                i.format(self.value),
                clock(self.to_ms)
            ),
            BandKind::AtLeast => format!(
                "{subject} never below {}{window}",
                i.format(self.value - self.tolerance)
            ),
            BandKind::AtMost => format!(
                "{subject} never above {}{window}",
                i.format(self.value + self.tolerance)
            ),
        };
        match &self.with {
            Some(k) => format!("{band}, with {k}"),
            None => band,
        }
    }
}

impl BandResult {
    /// The band in words ([`Expectation::in_words`]), what this run
    /// measured (and when, for a value), and why the band says so, without
    /// a verdict: the page marks that beside it.
    pub fn in_words_measured(&self, start_clock_ms: u64, topology: &Topology) -> String {
        let runs = self
            .per_run_measured(start_clock_ms)
            .map_or(String::new(), |(n, each)| {
                format!(" (the median of {n} seeds: {each})")
            });
        format!(
            "{}; this run: {}{runs}. Why: {}",
            self.expectation.in_words(start_clock_ms, topology),
            self.measured_when(start_clock_ms),
            self.expectation.why
        )
    }
}

/// A duration as people say it: "45 s", "2 min", "1 min 30 s", "1 h 5 min".
pub fn duration_in_words(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    match (h, m, sec) {
        (0, 0, sec) => format!("{sec} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, sec) => format!("{m} min {sec} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration_in_words(45_000), "45 s");
        assert_eq!(duration_in_words(120_000), "2 min");
        assert_eq!(duration_in_words(90_000), "1 min 30 s");
        assert_eq!(duration_in_words(3_600_000), "1 h");
        assert_eq!(duration_in_words(3_900_000), "1 h 5 min");
    }
}
