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
//!
//! An instructor can add surprises of their own ([`Scenario::with_injects`]):
//! extra triggers (a second failure, a monitoring outage) that the trainees
//! meet as part of the incident, so a team that knows the post-mortem by
//! heart still has something to find.

use super::{Scenario, TimedAction, TimelineRole};
use crate::sim::{check_action, Action};

/// The note of an instructor's injected trigger on the timeline.
pub const INJECT_NOTE: &str = "injected by the instructor";

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

    /// This scenario with an instructor's surprises added to its timeline
    /// as triggers (`(t_ms, action)`, at their times, after the scenario's
    /// own entries at the same time): part of the world, so a drill keeps
    /// them and holds them back like the scenario's own triggers. An
    /// action the topology cannot take, or a time outside the run, is
    /// refused with the inject's number and what is wrong.
    pub fn with_injects(&self, injects: &[(u64, Action)]) -> Result<Scenario, String> {
        let mut s = self.clone();
        for (k, (t_ms, action)) in injects.iter().enumerate() {
            if *t_ms > self.duration_ms {
                return Err(format!(
                    "inject #{} ({}) is after the scenario's end",
                    k + 1,
                    action.kind()
                ));
            }
            check_action(&self.topology, action)
                .map_err(|e| format!("inject #{} ({}): {e}", k + 1, action.kind()))?;
            s.timeline.push(TimedAction {
                t_ms: *t_ms,
                action: action.clone(),
                note: INJECT_NOTE.to_string(),
                role: TimelineRole::Trigger,
            });
        }
        // Stable: the scenario's own entries stay first at equal times.
        s.timeline.sort_by_key(|a| a.t_ms);
        Ok(s)
    }

    /// The instructor's injected triggers, in time order.
    pub fn injects(&self) -> impl Iterator<Item = &TimedAction> {
        self.timeline.iter().filter(|a| a.note == INJECT_NOTE)
    }
}
