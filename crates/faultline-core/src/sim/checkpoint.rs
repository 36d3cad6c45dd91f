//! Checkpoints: moments of a run kept so that going back in time need not
//! replay it from t = 0.
//!
//! A run is deterministic, so the page goes back to time t by replaying
//! the same scenario, seed and operator actions up to t. From t = 0 that
//! costs what running forward did (four simulated hours take about 0.15 s
//! in the browser); from the last checkpoint before t it costs only the
//! stretch since then. [`Checkpoints`] keeps one every 1/[`PER_RUN`] of the
//! scenario's duration as a run passes it.
//!
//! A checkpoint is the whole state of the run except its history (the
//! event log and the samples). By the end of a long run that history is
//! megabytes, and the run being taken back already holds it: resuming
//! copies the history up to the checkpoint from that run (`history` in
//! [`Checkpoints::resume`]). A checkpoint says whether it belongs to a run
//! (same scenario, seed and actions up to its time) and refuses otherwise,
//! so a wrong one can cost a full replay but never a different run.
//!
//! Going forward again after going back is the same: the run as far as it
//! went before ([`Checkpoints::leave`]) lends its history to the
//! checkpoints ahead of the clock, so a move forward along a run already
//! seen resumes from the last checkpoint before the new time too.
//!
//! Size: about 0.5 MB a checkpoint at a 1 s tick, so some 13 MB for a
//! whole run; 2 MB at a 100 ms tick, where the retry ring (200 s of
//! future ticks) is most of it. Taking one costs about 20 µs natively.

use std::sync::Arc;

use super::flow::State;
use super::{Action, Sim, SimError};
use crate::scenario::Scenario;

/// How many checkpoints a run keeps at most: one every 1/`PER_RUN` of the
/// scenario's duration, so going back replays at most that much.
pub const PER_RUN: u64 = 24;

/// A run asked for: its scenario, seed and the operator's actions, in
/// time order, as a replay applies them (each after stepping to its time).
#[derive(Clone, Copy, Debug)]
pub struct RunSpec<'a> {
    /// The scenario, with its switches and surprises as the run has them.
    pub scenario: &'a Scenario,
    /// The seed.
    pub seed: u64,
    /// The operator's actions with their times.
    pub actions: &'a [(u64, Action)],
}

impl<'a> RunSpec<'a> {
    /// The run of `scenario` at `seed` with the operator's `actions`.
    pub fn new(scenario: &'a Scenario, seed: u64, actions: &'a [(u64, Action)]) -> Self {
        RunSpec {
            scenario,
            seed,
            actions,
        }
    }
}

/// A moment of a run: its whole state but its history, and how long that
/// history was (see the module docs).
pub struct Checkpoint {
    /// The state, with `events` and `samples` left empty.
    st: State,
    /// Events in the log at the checkpoint.
    events: usize,
    /// Samples taken by the checkpoint.
    samples: usize,
}

impl Sim {
    /// This moment of the run as a [`Checkpoint`]. Takes `&mut self` only
    /// to lift the history out while the rest is copied (and puts it back):
    /// the run itself is unchanged.
    pub fn checkpoint(&mut self) -> Checkpoint {
        let events = std::mem::take(&mut self.st.events);
        let samples = std::mem::take(&mut self.st.samples);
        let st = self.st.clone();
        self.st.events = events;
        self.st.samples = samples;
        Checkpoint {
            st,
            events: self.st.events.len(),
            samples: self.st.samples.len(),
        }
    }
}

impl Checkpoint {
    /// Simulated time of the checkpoint, ms.
    pub fn t_ms(&self) -> u64 {
        self.st.now_ms
    }

    /// The operator's actions applied by the checkpoint.
    pub fn operator_actions(&self) -> &[(u64, Action)] {
        &self.st.operator_log
    }

    /// True if `sim` runs the same scenario at the same seed.
    fn same_run_as(&self, sim: &Sim) -> bool {
        self.st.seed == sim.st.seed && same_scenario(&self.st.scenario, &sim.st.scenario)
    }

    /// True if `sim` went through this moment: same scenario and seed, the
    /// same actions up to the checkpoint and none after it before its time.
    fn passed_by(&self, sim: &Sim) -> bool {
        let log = &self.st.action_log;
        sim.now_ms() >= self.t_ms()
            && sim.st.events.len() >= self.events
            && sim.st.samples.len() >= self.samples
            && sim.st.action_log.starts_with(log)
            && sim.st.action_log[log.len()..]
                .first()
                .is_none_or(|(t, _)| *t >= self.t_ms())
            && self.same_run_as(sim)
    }

    /// True if this is a moment of `run` and `history` went through it.
    fn fits(&self, history: &Sim, run: RunSpec) -> bool {
        let done = self.operator_actions();
        // The cheap tests first: the scenario's is a walk through it.
        self.st.seed == run.seed
            && run.actions.starts_with(done)
            && run.actions[done.len()..]
                .iter()
                .all(|(t, _)| *t >= self.t_ms())
            && self.passed_by(history)
            && *self.st.scenario == *run.scenario
    }

    /// The run at this checkpoint, its history up to here copied from
    /// `history` (which went through it), and how many operator actions
    /// it has applied.
    fn restore(&self, history: &Sim) -> (Sim, usize) {
        let mut st = self.st.clone();
        st.events = history.st.events[..self.events].to_vec();
        st.samples = history.st.samples[..self.samples].to_vec();
        (Sim { st }, self.operator_actions().len())
    }
}

/// True if two runs simulate the same scenario (shared, or equal).
fn same_scenario(a: &Arc<Scenario>, b: &Arc<Scenario>) -> bool {
    Arc::ptr_eq(a, b) || **a == **b
}

/// The checkpoints of one run, in time order: one on each multiple of
/// [`Checkpoints::every_ms`] the run passes (see the module docs).
pub struct Checkpoints {
    every_ms: u64,
    kept: Vec<Checkpoint>,
    /// The furthest run left for an earlier moment of itself (see
    /// [`Checkpoints::leave`]): the history of the checkpoints after the
    /// clock.
    furthest: Option<Sim>,
}

impl Checkpoints {
    /// An empty store for runs of `scenario`: a checkpoint every
    /// 1/[`PER_RUN`] of its duration, on its grid of `step_ms` (the chunks
    /// a run is stepped in, so that it stands on each checkpoint's time).
    pub fn for_scenario(scenario: &Scenario, step_ms: u64) -> Checkpoints {
        let step = step_ms.max(scenario.tick_ms).max(1);
        let steps = scenario.duration_ms.div_ceil(PER_RUN).div_ceil(step).max(1);
        Checkpoints {
            every_ms: steps * step,
            kept: Vec::new(),
            furthest: None,
        }
    }

    /// Simulated ms between checkpoints.
    pub fn every_ms(&self) -> u64 {
        self.every_ms
    }

    /// How many checkpoints are kept.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// True when none is kept.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Their times, ms, in order.
    pub fn times(&self) -> impl Iterator<Item = u64> + '_ {
        self.kept.iter().map(Checkpoint::t_ms)
    }

    /// Keeps a checkpoint of `sim` if its clock stands on a checkpoint time
    /// (past t = 0) and this run has none there yet. One kept there by
    /// another branch of the run is replaced (one per time); a run of
    /// another scenario or seed first empties the store.
    pub fn offer(&mut self, sim: &mut Sim) {
        let t = sim.now_ms();
        if t == 0 || !t.is_multiple_of(self.every_ms) {
            return;
        }
        if self.kept.first().is_some_and(|c| !c.same_run_as(sim)) {
            self.kept.clear();
            self.furthest = None;
        }
        let at = self.kept.partition_point(|c| c.t_ms() < t);
        match self.kept.get(at) {
            Some(c) if c.t_ms() == t && c.st.action_log == sim.st.action_log => {}
            Some(c) if c.t_ms() == t => self.kept[at] = sim.checkpoint(),
            _ => self.kept.insert(at, sim.checkpoint()),
        }
    }

    /// Steps `sim` to `t_ms` (as [`Sim::step_until`]), stopping on each
    /// checkpoint time on the way to offer it.
    pub fn step_until(&mut self, sim: &mut Sim, t_ms: u64) {
        while sim.now_ms() < t_ms {
            let next = (sim.now_ms() / self.every_ms + 1) * self.every_ms;
            sim.step_until(next.min(t_ms));
            self.offer(sim);
        }
    }

    /// Drops the checkpoints after `t_ms`: the operator acts there, so the
    /// run from then on is a new branch that none of them belongs to (nor
    /// the run left behind, which went on without that action).
    pub fn forget_after(&mut self, t_ms: u64) {
        self.kept.retain(|c| c.t_ms() <= t_ms);
        self.furthest = None;
    }

    /// Keeps `sim`, a run being left for the moment `clock_ms` of a run
    /// (a move back along the timeline when `sim` went further), as the
    /// history of the checkpoints after that moment, unless the run kept
    /// already went further. A run that did not go further, or with no
    /// checkpoint here, is dropped.
    pub fn leave(&mut self, sim: Sim, clock_ms: u64) {
        let ours = self.kept.first().is_some_and(|c| c.same_run_as(&sim));
        let further = sim.now_ms() > clock_ms
            && self
                .furthest
                .as_ref()
                .is_none_or(|f| sim.now_ms() > f.now_ms());
        if ours && further {
            self.furthest = Some(sim);
        }
    }

    /// The latest checkpoint at or before `t_ms` that is a moment of `run`
    /// and that `history` (or the run left behind, [`Checkpoints::leave`])
    /// went through (same scenario and seed, the same actions up to its
    /// time), with the run that lends it its history.
    pub fn latest_fitting<'a>(
        &'a self,
        history: &'a Sim,
        run: RunSpec,
        t_ms: u64,
    ) -> Option<(&'a Checkpoint, &'a Sim)> {
        let upto = self.kept.partition_point(|c| c.t_ms() <= t_ms);
        self.kept[..upto].iter().rev().find_map(|c| {
            std::iter::once(history)
                .chain(self.furthest.as_ref())
                .find(|h| c.fits(h, run))
                .map(|h| (c, h))
        })
    }

    /// `run` resumed at the [`latest_fitting`](Checkpoints::latest_fitting)
    /// checkpoint, its history up to there copied from the run that went
    /// through it, with how many of `run`'s actions it has applied already
    /// (apply the rest at their times, all at or after the checkpoint's);
    /// `None` if none fits.
    pub fn resume(&self, history: &Sim, run: RunSpec, t_ms: u64) -> Option<(Sim, usize)> {
        self.latest_fitting(history, run, t_ms)
            .map(|(c, h)| c.restore(h))
    }

    /// Where a rebuilt `run` on its way to `t_ms` starts: [`resume`]d from
    /// a checkpoint that `history` (the run going on now, if any) or the
    /// run left behind lends its past to, or a fresh simulation at t = 0;
    /// with how many of `run`'s actions it has applied. A store kept for
    /// another scenario's grid (`step_ms`, see [`Checkpoints::for_scenario`])
    /// starts again on this one's.
    ///
    /// [`resume`]: Checkpoints::resume
    pub fn start(
        &mut self,
        history: Option<&Sim>,
        run: RunSpec,
        t_ms: u64,
        step_ms: u64,
    ) -> Result<(Sim, usize), SimError> {
        let grid = Checkpoints::for_scenario(run.scenario, step_ms);
        if grid.every_ms != self.every_ms {
            *self = grid;
        }
        match history.and_then(|h| self.resume(h, run, t_ms)) {
            Some(resumed) => Ok(resumed),
            None => Ok((Sim::new(run.scenario, run.seed)?, 0)),
        }
    }
}
