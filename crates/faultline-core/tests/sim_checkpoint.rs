//! Checkpoints (`sim::checkpoint`): going back in a run resumes from the
//! last checkpoint before the new time instead of replaying from t = 0,
//! and gives the same run bit for bit; a checkpoint that is not a moment
//! of the run asked for is refused. (Random runs and action sequences:
//! `sim_props.rs`.)

use faultline_core::scenario::library;
use faultline_core::sim::{run_hash, Action, Checkpoints, RetryPolicy, RunSpec, Sim};
use faultline_core::Scenario;

/// The 2022 cascade: 3 h 45 min, sampled every 10 s.
fn cascade() -> Scenario {
    library::load("api_cascade_2022").unwrap()
}

/// The clients' fixed backoff, as an operator would set it at 17:10.
fn fix_backoff() -> Action {
    Action::SetRetryPolicy {
        policy: RetryPolicy::seed_fixed(),
        rollout_ms: 0.0,
    }
}

const AT_17_10: u64 = 25 * 60_000;
const MIDDLE: u64 = 6_750_000;

/// The cascade at seed 1 run to its end with the backoff fixed at 17:10,
/// keeping checkpoints on the way.
fn history(s: &Scenario) -> (Sim, Checkpoints) {
    let mut sim = Sim::new(s, 1).unwrap();
    let mut cps = Checkpoints::for_scenario(s, s.sample_ms);
    cps.step_until(&mut sim, AT_17_10);
    sim.apply(fix_backoff()).unwrap();
    cps.step_until(&mut sim, s.duration_ms);
    (sim, cps)
}

/// The same run replayed from t = 0 to `t_ms`.
fn replayed(s: &Scenario, seed: u64, actions: &[(u64, Action)], t_ms: u64) -> Sim {
    let mut sim = Sim::new(s, seed).unwrap();
    for (t, a) in actions {
        sim.step_until(*t);
        sim.apply(a.clone()).unwrap();
    }
    sim.step_until(t_ms);
    sim
}

#[test]
fn going_back_to_the_middle_resumes_at_the_checkpoint_before_it_bit_for_bit() {
    let s = cascade();
    let (history, cps) = history(&s);
    // 1/24 of 3 h 45 min is 9 min 22.5 s, on the 10 s grid 9 min 30 s:
    // 23 checkpoints, the last at 3 h 38 min 30 s.
    assert_eq!(cps.every_ms(), 570_000);
    assert_eq!(cps.len(), 23);
    assert_eq!(cps.times().last(), Some(23 * 570_000));

    let actions = history.operator_actions().to_vec();
    assert_eq!(actions, vec![(AT_17_10, fix_backoff())]);
    let (mut resumed, applied) = cps
        .resume(&history, RunSpec::new(&s, 1, &actions), MIDDLE)
        .expect("a checkpoint of this run");
    assert_eq!(resumed.now_ms(), 11 * 570_000, "the last checkpoint before");
    assert_eq!(applied, 1, "the 17:10 action is in it");
    resumed.step_until(MIDDLE);

    let mut fresh = replayed(&s, 1, &actions, MIDDLE);
    assert!(resumed.snapshot() == fresh.snapshot());
    assert!(resumed.events() == fresh.events());
    assert!(resumed.samples() == fresh.samples());
    resumed.run_to_end();
    fresh.run_to_end();
    assert_eq!(run_hash(resumed.samples()), run_hash(fresh.samples()));
    assert_eq!(run_hash(resumed.samples()), run_hash(history.samples()));
}

#[test]
fn a_checkpoint_serves_only_its_own_run() {
    let s = cascade();
    let (history, cps) = history(&s);
    let actions = history.operator_actions().to_vec();

    // Another seed, or the scenario with a counterfactual on: none fits.
    assert!(cps
        .resume(&history, RunSpec::new(&s, 2, &actions), MIDDLE)
        .is_none());
    let switched = s.with_counterfactual("gateway_breakers").unwrap();
    assert!(cps
        .resume(&history, RunSpec::new(&switched, 1, &actions), MIDDLE)
        .is_none());

    // Without the 17:10 action, only the checkpoints before it fit (the
    // run is the same up to 17:10), and the run resumed is that run.
    let (resumed, applied) = cps
        .resume(&history, RunSpec::new(&s, 1, &[]), MIDDLE)
        .unwrap();
    assert_eq!((resumed.now_ms(), applied), (2 * 570_000, 0));
    let mut resumed = resumed;
    resumed.step_until(MIDDLE);
    assert!(resumed.samples() == replayed(&s, 1, &[], MIDDLE).samples());

    // An action the checkpoints lack, before them: only the one before it.
    let earlier = vec![(600_000, fix_backoff())];
    let (resumed, applied) = cps
        .resume(&history, RunSpec::new(&s, 1, &earlier), MIDDLE)
        .unwrap();
    assert_eq!((resumed.now_ms(), applied), (570_000, 0));

    // A history that has not reached a checkpoint cannot lend it its
    // past: only the one it passed fits (the 17:10 action is applied after).
    let mut short = Sim::new(&s, 1).unwrap();
    short.step_until(1_000_000);
    for run in [&[][..], &actions[..]] {
        let (resumed, applied) = cps
            .resume(&short, RunSpec::new(&s, 1, run), MIDDLE)
            .unwrap();
        assert_eq!((resumed.now_ms(), applied), (570_000, 0));
    }
    let mut blank = Sim::new(&s, 1).unwrap();
    blank.step_until(500_000);
    assert!(cps
        .resume(&blank, RunSpec::new(&s, 1, &actions), MIDDLE)
        .is_none());

    // Nor can a run that went another way (without the 17:10 action, or
    // at another seed) lend its past to the checkpoints after it parted.
    let mut other_way = Sim::new(&s, 1).unwrap();
    other_way.run_to_end();
    let (resumed, _) = cps
        .resume(&other_way, RunSpec::new(&s, 1, &actions), MIDDLE)
        .unwrap();
    assert_eq!(resumed.now_ms(), 2 * 570_000);
    let mut other_seed = Sim::new(&s, 2).unwrap();
    other_seed.run_to_end();
    assert!(cps
        .resume(&other_seed, RunSpec::new(&s, 1, &actions), MIDDLE)
        .is_none());
}

#[test]
fn a_new_branch_replaces_the_checkpoints_after_it() {
    let s = cascade();
    let (_, mut cps) = history(&s);
    // Back to 17:00 and act otherwise: the checkpoints after that moment
    // are the old branch's, and are dropped.
    let t = 15 * 60_000;
    cps.forget_after(t);
    assert_eq!(cps.times().collect::<Vec<_>>(), vec![570_000]);
    let mut sim = replayed(&s, 1, &[], t);
    sim.apply(Action::Kill {
        component: "Presence_Service".into(),
    })
    .unwrap();
    cps.step_until(&mut sim, MIDDLE);
    assert_eq!(cps.len(), 11);

    // Offering the same moment twice keeps one checkpoint there; a run of
    // another seed empties the store first.
    cps.offer(&mut sim);
    assert_eq!(cps.len(), 11);
    let mut other = Sim::new(&s, 2).unwrap();
    cps.step_until(&mut other, 2 * 570_000);
    assert_eq!(cps.times().collect::<Vec<_>>(), vec![570_000, 1_140_000]);
    // Off the grid, nothing is kept.
    other.step_until(2 * 570_000 + 10_000);
    cps.offer(&mut other);
    assert_eq!(cps.len(), 2);
}

#[test]
fn going_forward_again_resumes_from_a_checkpoint_the_run_left_behind_passed() {
    let s = cascade();
    let (history, mut cps) = history(&s);
    let actions = history.operator_actions().to_vec();
    // Back to 17:30 (with the history the run itself lends), leaving the
    // run at its end behind.
    let (mut back, _) = cps
        .resume(&history, RunSpec::new(&s, 1, &actions), 2_700_000)
        .unwrap();
    back.step_until(2_700_000);
    cps.leave(history, back.now_ms());
    // Forward to the middle: from the checkpoint before it, which only the
    // run left behind went through, and the same run as replayed.
    let (mut ahead, applied) = cps
        .resume(&back, RunSpec::new(&s, 1, &actions), MIDDLE)
        .unwrap();
    assert_eq!((ahead.now_ms(), applied), (11 * 570_000, 1));
    ahead.step_until(MIDDLE);
    let fresh = replayed(&s, 1, &actions, MIDDLE);
    assert!(ahead.samples() == fresh.samples());
    assert!(ahead.events() == fresh.events());
    assert!(ahead.snapshot() == fresh.snapshot());
    // A shorter run left behind does not replace the furthest one.
    cps.leave(back, 0);
    let (again, _) = cps
        .resume(&ahead, RunSpec::new(&s, 1, &actions), s.duration_ms)
        .unwrap();
    assert_eq!(again.now_ms(), 23 * 570_000);

    // Acting at 17:30 starts a new branch: the run left behind is not its
    // future, and nothing after 17:30 is served any more.
    cps.forget_after(2_700_000);
    let mut branch = replayed(&s, 1, &actions, 2_700_000);
    branch
        .apply(Action::Kill {
            component: "Presence_Service".into(),
        })
        .unwrap();
    let run = branch.operator_actions().to_vec();
    let (from, _) = cps
        .resume(&branch, RunSpec::new(&s, 1, &run), MIDDLE)
        .unwrap();
    assert_eq!(from.now_ms(), 4 * 570_000);
}
