//! Incident drills: the scenario's triggers without its responses.
//!
//! A replayed incident scripts two kinds of timeline entries (see
//! [`TimelineRole`]): what happened to the platform, and what the real
//! responders did about it. In a drill the trainees are the responders, so
//! the drill keeps the triggers and drops the responses; the debrief then
//! sets the team's actions beside the real ones
//! ([`Scenario::responses`]). Everything between the triggers still comes
//! out of the model, so a team that does nothing sees the incident run its
//! course without anyone's help.

use super::{Scenario, TimedAction, TimelineRole};

impl Scenario {
    /// This scenario as a drill: the same platform, traffic, seed and
    /// triggers, with every [`TimelineRole::Response`] entry removed.
    pub fn drill(&self) -> Scenario {
        let mut s = self.clone();
        s.timeline.retain(|a| a.role == TimelineRole::Trigger);
        s
    }

    /// The real responders' actions, in time order (empty for a scenario
    /// that scripts none).
    pub fn responses(&self) -> impl Iterator<Item = &TimedAction> {
        self.timeline
            .iter()
            .filter(|a| a.role == TimelineRole::Response)
    }

    /// What the trainees read before a drill: the drill briefing, or the
    /// narrative if the scenario has none.
    pub fn briefing_for_drill(&self) -> &str {
        if self.drill_briefing.trim().is_empty() {
            &self.narrative
        } else {
            &self.drill_briefing
        }
    }

    /// True if the scenario scripts responders' actions, so that a drill
    /// differs from the replay.
    pub fn has_responses(&self) -> bool {
        self.responses().next().is_some()
    }
}
