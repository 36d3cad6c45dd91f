//! Rebuilding a run from its description ([`RunState`]: the scenario,
//! seed, switches and the operator's actions up to a time): a reset, a
//! link opened, a move along the timeline. A run is deterministic, so the
//! rebuilt run is the run; it starts from the last checkpoint of it that
//! the run going on now passed, if any
//! ([`Checkpoints`](faultline_core::sim::Checkpoints)), and from t = 0
//! otherwise.

use std::sync::Arc;

use faultline_core::sim::RunSpec;
use leptos::prelude::*;

use super::driver::{step_ms, warm_up, Live, Notice};
use super::url_state::{self, RunState};

impl Live {
    /// The times of the run's checkpoints, ms, in order (see
    /// [`Checkpoints`](faultline_core::sim::Checkpoints)).
    pub fn checkpoint_times(&self) -> Vec<u64> {
        self.checkpoints.with_value(|c| c.times().collect())
    }

    /// Where the last replay (a move back along the timeline, a link, a
    /// reset) started: 0, or the time of the checkpoint it resumed from.
    pub fn replayed_from(&self) -> u64 {
        self.replayed_from.get_value()
    }

    /// Starts the scenario again from t = 0 with `seed`, forgetting the actions.
    pub fn reset(&self, seed: u64) {
        self.replay(&RunState {
            seed,
            ..self.fresh_run()
        });
        self.notice.set(None);
    }

    /// This run started again: the same scenario, seed, speed, switches and
    /// drill mode at t = 0, without the operator's actions (nor an earlier
    /// branch of them). Callers change
    /// what differs.
    pub fn fresh_run(&self) -> RunState {
        RunState {
            t_ms: 0,
            actions: Vec::new(),
            hints: Vec::new(),
            branch: None,
            ..self.run_state()
        }
    }

    /// Rebuilds the run from its description: a fresh simulation (or, if
    /// the run going on now passed a checkpoint of this one before
    /// `run.t_ms`, that checkpoint), the operator's actions re-applied at
    /// their times, stepped to `run.t_ms`. Leaves playback paused.
    pub fn replay(&self, run: &RunState) {
        let scenario = match url_state::load_run_scenario(
            &run.scenario,
            &run.counterfactuals,
            &run.injects,
            run.drill,
        ) {
            Ok(s) => s,
            Err(e) => {
                self.notice.set(Some(Notice {
                    error: true,
                    text: e,
                }));
                return;
            }
        };
        let (done, ahead) = super::timeline::split_recording(&run.actions, run.t_ms);
        // From the last checkpoint of this run before the time, if the run
        // going on now passed one (a move back along the timeline); from
        // t = 0 otherwise.
        let spec = RunSpec::new(&scenario, run.seed, &done);
        let start = self.checkpoints.try_update_value(|c| {
            self.sim
                .with_value(|current| c.start(Some(current), spec, run.t_ms, step_ms(&scenario)))
        });
        let (mut sim, resumed) = match start {
            Some(Ok(started)) => started,
            Some(Err(e)) => {
                self.notice.set(Some(Notice {
                    error: true,
                    text: e.to_string(),
                }));
                return;
            }
            None => return,
        };
        let mut applied = done[..resumed].to_vec();
        self.replayed_from.set_value(sim.now_ms());
        let mut refused = Vec::new();
        self.checkpoints.update_value(|cps| {
            for (t, a) in &done[applied.len()..] {
                cps.step_until(&mut sim, *t);
                match sim.apply(a.clone()) {
                    Ok(()) => applied.push((*t, a.clone())),
                    Err(e) => refused.push(format!("{} ({e})", a.kind())),
                }
            }
            cps.step_until(&mut sim, run.t_ms);
        });
        warm_up(&mut sim, &scenario);
        let now = sim.now_ms();
        self.playing.set(false);
        // Going back: the run as far as it went lends its history to the
        // checkpoints ahead, so going forward again jumps too.
        if let Some(left) = self.sim.try_update_value(|s| std::mem::replace(s, sim)) {
            self.checkpoints.update_value(|c| c.leave(left, now));
        }
        self.scenario.set(Arc::new(scenario));
        self.scenario_key.set(run.scenario.clone());
        self.counterfactuals.set(run.counterfactuals.clone());
        self.injects.set(run.injects.clone());
        self.branch.set(run.branch.clone());
        self.drill.set(run.drill);
        self.hints.set(run.hints.clone());
        self.seed.set(run.seed);
        self.speed.set(run.speed);
        self.target_ms.set_value(now as f64);
        self.events_seen.set_value(0);
        self.samples_seen.set_value(0);
        self.events.set(Vec::new());
        self.markers.set(Vec::new());
        self.applied.set(Vec::new());
        self.history.update(|h| h.clear());
        self.user_actions.set(applied);
        self.ahead.set(ahead);
        self.publish();
        self.comparison.set(run.compare.clone());
        self.rebuild_comparison();
        if !refused.is_empty() {
            self.notice.set(Some(Notice {
                error: true,
                text: format!(
                    "Some actions of the link were refused on replay: {}",
                    refused.join(", ")
                ),
            }));
        }
        self.save_url();
    }

    /// What a link needs to reproduce this run.
    pub fn run_state(&self) -> RunState {
        RunState {
            scenario: self.scenario_key.get_untracked(),
            seed: self.seed.get_untracked(),
            speed: self.speed.get_untracked(),
            t_ms: self.now_ms(),
            actions: self
                .user_actions
                .get_untracked()
                .into_iter()
                .chain(self.ahead.get_untracked())
                .collect(),
            counterfactuals: self.counterfactuals.get_untracked(),
            drill: self.drill.get_untracked(),
            hints: self.hints.get_untracked(),
            compare: self.comparison.get_untracked(),
            injects: self.injects.get_untracked(),
            branch: self.branch.get_untracked(),
        }
    }
}
