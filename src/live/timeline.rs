//! Going back and forth in a run: the timeline under the playback bar,
//! the step back (←), and the recording of the operator's actions ahead
//! of the clock.
//!
//! The simulation only runs forward, so going back is a replay: the same
//! scenario, seed and switches, with the operator's actions up to the new
//! time re-applied at their times ([`Live::replay`]). That is exact,
//! because a run is deterministic. It starts from the last checkpoint the
//! run kept before the new time (one every 1/24 of the run, see
//! [`Checkpoints`]), so it replays minutes, not hours: about 5 ms of
//! simulation in the 2022 cascade against 80 ms from t = 0
//! (`faultline bench`).
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

use faultline_core::sim::{describe_action, ActionError};
use faultline_core::sim::{Checkpoints, RunSpec};
use faultline_core::{Action, Sim};
use leptos::prelude::*;

use super::driver::{now_wall_ms, step_ms, step_within, Live, Notice};

/// Operator actions with their simulated times (ms), in order.
pub type ActionLog = Vec<(u64, Action)>;

/// The operator's actions at or before `t_ms` (already done when the clock
/// reads `t_ms`) and the ones after it (recorded ahead), in order.
pub fn split_recording(actions: &[(u64, Action)], t_ms: u64) -> (ActionLog, ActionLog) {
    let cut = actions.partition_point(|(t, _)| *t <= t_ms);
    (actions[..cut].to_vec(), actions[cut..].to_vec())
}

/// An action applied on the way, with its time and the simulation's answer.
pub type Applied = ((u64, Action), Result<(), ActionError>);

/// Steps `sim` towards `goal` within about `budget_ms` of wall time (read
/// with `clock`), applying the `pending` actions (in time order) as their
/// times come, each at its own time, and offering the moments on the way
/// to `checkpoints`, if any; returns whether it got there and the actions
/// applied, each with the simulation's answer.
pub fn step_applying(
    sim: &mut Sim,
    pending: &mut ActionLog,
    goal: u64,
    chunk: u64,
    budget_ms: f64,
    clock: impl Fn() -> f64,
    mut checkpoints: Option<&mut Checkpoints>,
) -> (bool, Vec<Applied>) {
    let started = clock();
    let mut applied = Vec::new();
    loop {
        let next = pending.first().map(|(t, _)| *t);
        let stop = next.map_or(goal, |t| t.min(goal));
        let left = budget_ms - (clock() - started);
        let reached = step_within(sim, stop, chunk, left, &clock, checkpoints.as_deref_mut());
        if !(reached && next.is_some_and(|t| t <= goal)) {
            return (sim.now_ms() >= goal, applied);
        }
        let (t, action) = pending.remove(0);
        let answer = sim.apply(action.clone());
        applied.push(((t, action), answer));
    }
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
        // Every frame: copy the recording only when one of it is due.
        let due = self
            .ahead
            .with_untracked(|a| a.first().is_some_and(|(t, _)| *t <= goal));
        let cps = self.checkpoints;
        if !due {
            self.sim.try_update_value(|s| {
                cps.try_update_value(|c| {
                    step_within(s, goal, chunk, budget_ms, now_wall_ms, Some(c))
                })
            });
            return self.now_ms();
        }
        let mut pending = self.ahead.get_untracked();
        let Some(Some((_, applied))) = self.sim.try_update_value(|s| {
            cps.try_update_value(|c| {
                step_applying(
                    s,
                    &mut pending,
                    goal,
                    chunk,
                    budget_ms,
                    now_wall_ms,
                    Some(c),
                )
            })
        }) else {
            return self.now_ms();
        };
        if !applied.is_empty() {
            self.ahead.set(pending);
            for ((t, action), answer) in applied {
                match answer {
                    Ok(()) => self.user_actions.update(|v| v.push((t, action))),
                    Err(e) => self.notice.set(Some(Notice {
                        error: true,
                        text: format!(
                            "A recorded action was refused on replay: {} ({e})",
                            action.kind()
                        ),
                    })),
                }
            }
        }
        self.now_ms()
    }

    /// Drops the recorded actions after `t_ms`, where the operator is
    /// about to act, keeping the run as it went as the earlier branch to
    /// compare with; returns the notice that says so (none if nothing was
    /// recorded).
    pub(super) fn drop_recording(&self, t_ms: u64) -> Option<Notice> {
        let dropped = self.ahead.with_untracked(Vec::len);
        if dropped == 0 {
            return None;
        }
        let mut earlier = self.user_actions.get_untracked();
        earlier.extend(self.ahead.get_untracked());
        self.ahead.set(Vec::new());
        self.branch.set(Some(earlier));
        if self.comparison.get_untracked() == Some(super::compare::Comparison::Branch) {
            // Compared with the earlier branch already: now it is this one.
            self.set_comparison(Some(super::compare::Comparison::Branch));
        }
        Some(Notice {
            error: false,
            text: format!(
                "A new branch from {}: the {} recorded action{} after it {} dropped. Compare with “your earlier branch” (above the charts) to see both.",
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
    /// on (applying the recorded actions as their times come) or, along a
    /// run already seen, from its checkpoint before `t_ms`; back by
    /// replaying the run to it. Playback goes on if it was on. A refusal
    /// (going back in a drill) becomes the notice and is returned.
    pub fn seek(&self, t_ms: u64) -> Result<(), String> {
        let end = self.scenario.with_untracked(|s| s.duration_ms);
        let t_ms = t_ms.min(end);
        let now = self.now_ms();
        if t_ms > now && self.jumps_ahead(t_ms) {
            // Forward along a run already seen: from its checkpoint before
            // the new time, as going back does.
            let playing = self.playing.get_untracked();
            let mut run = self.run_state();
            run.t_ms = t_ms;
            self.replay(&run);
            // Says so if that is the end.
            self.run_on_to(t_ms);
            if playing && self.now_ms() < end {
                self.toggle();
            }
            return Ok(());
        }
        if t_ms >= now {
            self.run_on_to(t_ms);
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

    /// True if the run has a checkpoint after the clock and by `t_ms`
    /// that it can resume from (one it passed before it was taken back):
    /// going there then jumps instead of simulating the way.
    fn jumps_ahead(&self, t_ms: u64) -> bool {
        let now = self.now_ms();
        let actions: ActionLog = self
            .user_actions
            .get_untracked()
            .into_iter()
            .chain(self.ahead.get_untracked())
            .filter(|(t, _)| *t <= t_ms)
            .collect();
        let (scenario, seed) = (self.scenario_now(), self.seed.get_untracked());
        self.checkpoints.with_value(|c| {
            self.sim.with_value(|history| {
                c.latest_fitting(history, RunSpec::new(&scenario, seed, &actions), t_ms)
                    .is_some_and(|(cp, _)| cp.t_ms() > now)
            })
        })
    }

    /// Goes to `t_ms` on the next animation frame. Going back replays the
    /// run, which takes a good part of a second on a long one, while a key
    /// held down on the timeline repeats many times a second: each frame
    /// does only the latest wish, so the page never works through a queue
    /// of replays after the key is let go.
    pub fn seek_soon(&self, t_ms: u64) {
        let idle = self.pending_seek.get_value().is_none();
        self.pending_seek.set_value(Some(t_ms));
        if idle {
            let live = *self;
            request_animation_frame(move || {
                if let Some(Some(t)) = live.pending_seek.try_get_value() {
                    live.pending_seek.set_value(None);
                    let _ = live.seek(t);
                }
            });
        }
    }

    /// Pauses and goes back one sample interval on the next animation
    /// frame (|◂ and ←), from where the steps asked for so far lead.
    pub fn step_back(&self) {
        self.playing.set(false);
        let from = self
            .pending_seek
            .get_value()
            .unwrap_or_else(|| self.now_ms());
        self.seek_soon(step_back_target(
            from,
            self.scenario.with_untracked(|s| step_ms(s)),
        ));
    }

    /// True while a move along the timeline waits for the next frame.
    pub fn seeking(&self) -> bool {
        self.pending_seek.get_value().is_some()
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
    let step = Memo::new(move |_| live.scenario.with(|s| step_ms(s)));
    // The time under the thumb while it is dragged (`None` otherwise).
    let dragged = RwSignal::new(None::<u64>);
    let forward_only = Memo::new(move |_| rewind_refusal(&live).is_some());
    let title = move || {
        match rewind_refusal(&live) {
        Some(why) => format!("Go forward to any time ({why})"),
        None => "Go to any time of the run (drag to scrub through it): back replays it to there, forward runs on".into(),
    }
    };
    let marks = move || {
        let d = end.get() as f64;
        live.scenario.with(|s| {
            let mark = |t: u64, a: &Action, ahead: bool| {
                let left = format!("--at:{:.5}", t as f64 / d);
                let label = format!(
                    "{} {}{}",
                    live.clock_at(t),
                    describe_action(&s.topology, a),
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
        })
    };
    let on_change = move |e: leptos::ev::Event| {
        let Ok(t) = event_target_value(&e).parse::<u64>() else {
            dragged.set(None);
            return;
        };
        // Allowed moves wait for the next frame (keys held down on the
        // slider repeat faster than a replay); a refusal is said at once.
        if t >= now.get_untracked() || rewind_refusal(&live).is_none() {
            // The thumb stays where it was put until the move is done (the
            // move's frame callback runs first), so the next key press
            // steps on from there, not from the clock.
            dragged.set(Some(t));
            live.seek_soon(t);
            request_animation_frame(move || {
                dragged.try_set(None);
            });
            return;
        }
        dragged.set(None);
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
                    // While the thumb is dragged it stays where the
                    // pointer put it, though a playing run moves the clock.
                    prop:value=move || dragged.get().unwrap_or_else(|| now.get()).to_string()
                    on:input=move |e| {
                        let t = event_target_value(&e).parse().ok();
                        dragged.set(t);
                        // Scrubbing: the run follows the thumb while it is
                        // dragged (one move a frame; back and forth along a
                        // run already seen, from its checkpoints). A drill's
                        // only moves when the thumb is let go, since its
                        // clock cannot come back.
                        if let Some(t) = t.filter(|_| rewind_refusal(&live).is_none()) {
                            live.seek_soon(t);
                        }
                    }
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
    fn stepping_applies_the_pending_actions_each_at_its_own_time() {
        let s = faultline_core::scenario::library::load("steady_state").unwrap();
        let mut sim = Sim::new(&s, 1).unwrap();
        let mut pending = vec![
            (25_000, kill("Redis_Sessions")),
            (25_000, kill("Nope")),
            (40_000, kill("Guilds_Service")),
        ];
        let (reached, applied) = step_applying(
            &mut sim,
            &mut pending,
            30_000,
            10_000,
            f64::INFINITY,
            || 0.0,
            None,
        );
        assert!(reached);
        assert_eq!(sim.now_ms(), 30_000);
        assert_eq!(applied.len(), 2);
        assert!(applied[0].1.is_ok() && applied[1].1.is_err());
        assert_eq!(pending, vec![(40_000, kill("Guilds_Service"))]);
        let logged = sim
            .events()
            .iter()
            .find(|e| e.message.contains("kill Redis Sessions"))
            .map(|e| e.t_ms);
        assert_eq!(logged, Some(25_000), "applied at its own time");
        // The same as stepping and applying by hand.
        let mut by_hand = Sim::new(&s, 1).unwrap();
        by_hand.step_until(25_000);
        by_hand.apply(kill("Redis_Sessions")).unwrap();
        by_hand.step_until(30_000);
        assert_eq!(by_hand.samples(), sim.samples());
        // Out of budget, it stops short and keeps what is pending.
        let mut slow = Sim::new(&s, 1).unwrap();
        let mut later = vec![(3_000_000, kill("Guilds_Service"))];
        let ticks = std::cell::Cell::new(0.0);
        let clock = || {
            ticks.set(ticks.get() + 1.0);
            ticks.get()
        };
        let (reached, applied) =
            step_applying(&mut slow, &mut later, 3_600_000, 10_000, 3.0, clock, None);
        assert!(!reached && applied.is_empty() && later.len() == 1);
        assert!(slow.now_ms() < 3_000_000);
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
