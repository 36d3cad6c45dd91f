//! Going back and forth in a run: the timeline under the playback bar,
//! the step back (←), and the recording of the operator's actions ahead
//! of the clock.
//!
//! The simulation only runs forward, so going back is a replay: the same
//! scenario, seed and switches from t = 0, with the operator's actions up
//! to the new time re-applied at their times ([`Live::replay`]). That is
//! exact, because a run is deterministic, and quick: four simulated hours
//! take about 0.2 s in the browser (`scripts/bench.sh`).
//!
//! Like a video, a run taken back keeps what came after: the operator's
//! later actions stay recorded ([`Live::ahead`]) and are applied again
//! as the clock reaches them, so playing on gives the same run again, bit
//! for bit. Acting anew starts another branch: the recording after the
//! clock is dropped, and a notice says how much.
//!
//! A drill's clock only runs forward, as an incident's does: the team
//! cannot go back and answer with hindsight, and the drill's record (its
//! actions, hints and debrief) stays the one run it was.

use faultline_core::Action;
use leptos::prelude::*;

use super::driver::{now_wall_ms, step_within, Live, Notice};

/// Operator actions with their simulated times (ms), in order.
pub type ActionLog = Vec<(u64, Action)>;

/// The operator's actions at or before `t_ms` (already done when the clock
/// reads `t_ms`) and the ones after it (recorded ahead), in order.
pub fn split_recording(actions: &[(u64, Action)], t_ms: u64) -> (ActionLog, ActionLog) {
    let cut = actions.partition_point(|(t, _)| *t <= t_ms);
    (actions[..cut].to_vec(), actions[cut..].to_vec())
}

/// Where a step back from `now_ms` lands: the sample time before it (one
/// sample interval back from a sample time, as → steps forward).
pub fn step_back_target(now_ms: u64, sample_ms: u64) -> u64 {
    let sample = sample_ms.max(1);
    if now_ms.is_multiple_of(sample) {
        now_ms.saturating_sub(sample)
    } else {
        now_ms - now_ms % sample
    }
}

/// Why the run cannot go back now, if it cannot (tracked).
fn rewind_refusal(live: &Live) -> Option<&'static str> {
    live.drill.get().then_some(
        "a drill's clock only runs forward, as an incident's does (turn drill mode off to explore the run freely)",
    )
}

impl Live {
    /// Steps the simulation towards `goal`, within about `budget_ms` of wall
    /// time, applying the recorded actions as their times come; returns the
    /// clock reached.
    pub(super) fn step_recorded(&self, goal: u64, chunk: u64, budget_ms: f64) -> u64 {
        let started = now_wall_ms();
        loop {
            let next = self.ahead.with_untracked(|a| a.first().map(|(t, _)| *t));
            let stop = next.map_or(goal, |t| t.min(goal));
            let left = budget_ms - (now_wall_ms() - started);
            let reached = self
                .sim
                .try_update_value(|s| step_within(s, stop, chunk, left, now_wall_ms))
                .unwrap_or(false);
            if !(reached && next.is_some_and(|t| t <= goal)) {
                break;
            }
            self.apply_recorded();
        }
        self.now_ms()
    }

    /// Applies the first recorded action now (the clock is at its time).
    fn apply_recorded(&self) {
        let Some((t, action)) = self.ahead.try_update(|a| a.remove(0)) else {
            return;
        };
        let kind = action.kind();
        match self.sim.try_update_value(|s| s.apply(action.clone())) {
            Some(Ok(())) => self.user_actions.update(|v| v.push((t, action))),
            Some(Err(e)) => self.notice.set(Some(Notice {
                error: true,
                text: format!("A recorded action was refused on replay: {kind} ({e})"),
            })),
            None => {}
        }
    }

    /// Drops the recorded actions after `t_ms`, where the operator just
    /// acted; returns the notice that says so (none if nothing was
    /// recorded).
    pub(super) fn drop_recording(&self, t_ms: u64) -> Option<Notice> {
        let dropped = self.ahead.with_untracked(Vec::len);
        if dropped == 0 {
            return None;
        }
        self.ahead.set(Vec::new());
        Some(Notice {
            error: false,
            text: format!(
                "A new branch from {}: the {} recorded action{} after it {} dropped.",
                self.clock_at(t_ms),
                dropped,
                if dropped == 1 { "" } else { "s" },
                if dropped == 1 { "is" } else { "are" },
            ),
        })
    }

    /// Forgets the recorded actions ahead of the clock.
    pub fn forget_recording(&self) {
        self.ahead.set(Vec::new());
        self.notice.set(None);
        self.save_url();
    }

    /// Moves the run's clock to `t_ms` (within the run): forward by running
    /// on (applying the recorded actions as their times come), back by
    /// replaying the run to it. Playback goes on if it was on. A refusal
    /// (going back in a drill) becomes the notice and is returned.
    pub fn seek(&self, t_ms: u64) -> Result<(), String> {
        let end = self.scenario.with_untracked(|s| s.duration_ms);
        let t_ms = t_ms.min(end);
        let now = self.now_ms();
        if t_ms >= now {
            self.target_ms.set_value(now as f64);
            self.advance((t_ms - now) as f64);
            self.publish();
            self.save_url();
            return Ok(());
        }
        if let Some(why) = rewind_refusal(self) {
            let text = format!("Cannot go back: {why}.");
            self.notice.set(Some(Notice {
                error: true,
                text: text.clone(),
            }));
            return Err(text);
        }
        let playing = self.playing.get_untracked();
        let mut run = self.run_state();
        run.t_ms = t_ms;
        run.hints.retain(|&h| h <= t_ms);
        self.notice.set(None);
        self.replay(&run);
        let ahead = self.ahead.with_untracked(Vec::len);
        if ahead > 0 && self.notice.with_untracked(Option::is_none) {
            self.notice.set(Some(Notice {
                error: false,
                text: format!(
                    "Back at {}. Your {} later action{} {} recorded and happen{} again as the clock reaches {}; acting now starts a new branch instead.",
                    self.clock_at(self.now_ms()),
                    ahead,
                    if ahead == 1 { "" } else { "s" },
                    if ahead == 1 { "is" } else { "are" },
                    if ahead == 1 { "s" } else { "" },
                    if ahead == 1 { "its time" } else { "their times" },
                ),
            }));
        }
        if playing {
            self.toggle();
        }
        Ok(())
    }

    /// Pauses and goes back one sample interval (←).
    pub fn step_back(&self) {
        self.playing.set(false);
        let sample = self
            .scenario
            .with_untracked(|s| s.sample_ms.max(s.tick_ms).max(1));
        let _ = self.seek(step_back_target(self.now_ms(), sample));
    }
}

/// The timeline under the playback bar: a slider over the whole run (drag
/// or use the arrow keys to go to any time), marks for the operator's
/// actions (filled: done; hollow: recorded ahead of the clock), and the
/// recording's count with a button to forget it.
#[component]
pub fn Timeline() -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let now = Memo::new(move |_| live.snapshot.with(|s| s.t_ms));
    let end = Memo::new(move |_| live.scenario.with(|s| s.duration_ms.max(1)));
    let step = Memo::new(move |_| live.scenario.with(|s| s.sample_ms.max(s.tick_ms).max(1)));
    // The time under the thumb while it is dragged (`None` otherwise).
    let dragged = RwSignal::new(None::<u64>);
    let forward_only = Memo::new(move |_| rewind_refusal(&live).is_some());
    let title = move || match rewind_refusal(&live) {
        Some(why) => format!("Go forward to any time ({why})"),
        None => "Go to any time of the run: back replays it to there, forward runs on".into(),
    };
    let marks = move || {
        let d = end.get() as f64;
        let mark = |t: u64, a: &Action, ahead: bool| {
            let left = format!("--at:{:.5}", t as f64 / d);
            let label = format!(
                "{} {}{}",
                live.clock_at(t),
                a.kind(),
                if ahead { " (recorded ahead)" } else { "" }
            );
            view! {
                <span class="mark" class:ahead=ahead style=left title=label.clone() aria-label=label></span>
            }
        };
        let done = live
            .user_actions
            .with(|v| v.iter().map(|(t, a)| mark(*t, a, false)).collect_view());
        let ahead = live
            .ahead
            .with(|v| v.iter().map(|(t, a)| mark(*t, a, true)).collect_view());
        (done, ahead)
    };
    let on_change = move |e: leptos::ev::Event| {
        dragged.set(None);
        let Ok(t) = event_target_value(&e).parse::<u64>() else {
            return;
        };
        if live.seek(t).is_err() {
            // Refused: put the thumb back where the clock is.
            if let Some(input) = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
            {
                input.set_value(&now.get_untracked().to_string());
            }
        }
    };
    view! {
        <div class="live-timeline" data-forward-only=move || forward_only.get().to_string()>
            <span class="end start">{move || live.clock_at(0)}</span>
            <span class="track">
                <input
                    type="range"
                    data-control="timeline"
                    aria-label="Timeline"
                    aria-valuetext=move || live.clock_at(dragged.get().unwrap_or_else(|| now.get()))
                    title=title
                    min="0"
                    max=move || end.get().to_string()
                    step=move || step.get().to_string()
                    prop:value=move || now.get().to_string()
                    on:input=move |e| dragged.set(event_target_value(&e).parse().ok())
                    on:change=on_change
                />
                <span class="marks" aria-hidden="true">{marks}</span>
            </span>
            <span class="end">{move || live.clock_at(end.get())}</span>
            {move || {
                dragged
                    .get()
                    .map(|t| {
                        view! { <span class="dragged" data-dragged=t>{format!("→ {}", live.clock_at(t))}</span> }
                    })
            }}
            {move || {
                let n = live.ahead.with(Vec::len);
                (n > 0)
                    .then(|| {
                        view! {
                            <span class="recorded" data-recorded=n>
                                {format!(
                                    "{n} recorded action{} ahead",
                                    if n == 1 { "" } else { "s" },
                                )}
                                <button
                                    data-action="forget-recording"
                                    title="Drop the actions recorded after the clock: playing on will not do them again"
                                    on:click=move |_| live.forget_recording()
                                >
                                    "Forget"
                                </button>
                            </span>
                        }
                    })
            }}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kill(id: &str) -> Action {
        Action::Kill {
            component: id.into(),
        }
    }

    #[test]
    fn the_recording_splits_at_the_clock_with_an_action_at_the_clock_done() {
        let log = vec![
            (10, kill("A")),
            (20, kill("B")),
            (20, kill("C")),
            (30, kill("D")),
        ];
        let (done, ahead) = split_recording(&log, 20);
        assert_eq!(done, log[..3].to_vec());
        assert_eq!(ahead, log[3..].to_vec());
        let (done, ahead) = split_recording(&log, 19);
        assert_eq!((done.len(), ahead.len()), (1, 3));
        let (done, ahead) = split_recording(&log, 0);
        assert_eq!((done.len(), ahead.len()), (0, 4));
        let (done, ahead) = split_recording(&log, u64::MAX);
        assert_eq!((done.len(), ahead.len()), (4, 0));
    }

    #[test]
    fn a_step_back_lands_on_the_sample_time_before_the_clock() {
        assert_eq!(step_back_target(60_000, 10_000), 50_000);
        assert_eq!(step_back_target(61_000, 10_000), 60_000);
        assert_eq!(step_back_target(1_000, 10_000), 0);
        assert_eq!(step_back_target(0, 10_000), 0);
        assert_eq!(step_back_target(5, 0), 4);
    }
}
