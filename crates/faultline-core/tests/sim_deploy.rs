//! Deploys on the bundled platform: seed 002's canary catches a bad build
//! on 5% of the API's instances and rolls it back, a rolling push takes it
//! to everyone until an operator rolls it back, and the pipeline fails
//! without its control plane (blind: promoted on schedule; no orchestrator:
//! nothing moves).

use faultline_core::scenario::{users_affected_minutes, Scenario};
use faultline_core::sim::deploy::{DeployStatus, DeployStrategy};
use faultline_core::sim::{Action, ActionError, EventKind, Sim};

const MIN: u64 = 60_000;
const API: &str = "API_Gateway";

fn steady() -> Scenario {
    Scenario::bundled_steady_state().unwrap()
}

fn deploy(error_rate: f64, extra_ms: f64, strategy: DeployStrategy) -> Action {
    Action::Deploy {
        component: API.into(),
        error_rate,
        extra_ms,
        strategy: Some(strategy),
    }
}

/// The deploy log lines, with their times in minutes after `from`.
fn deploy_log(sim: &Sim, from: u64) -> Vec<(f64, String)> {
    sim.events()
        .iter()
        .filter(|e| e.kind == EventKind::Deploy)
        .map(|e| ((e.t_ms - from) as f64 / MIN as f64, e.message.clone()))
        .collect()
}

fn api(sim: &Sim) -> usize {
    sim.topology().component_index(API).unwrap()
}

#[test]
fn the_canary_rolls_a_bad_build_back_after_five_minutes_and_thirty_seconds() {
    let mut sim = Sim::new(&steady(), 1).unwrap();
    sim.step_until(5 * MIN);
    sim.apply(deploy(0.3, 0.0, DeployStrategy::Canary)).unwrap();
    sim.step_until(5 * MIN + 2 * MIN);
    // 5% of the instances fail 30%: about 1.5% of API requests.
    let during = sim.snapshot().sli.api_success;
    assert!((0.975..0.992).contains(&during), "{during}");
    let view = sim.snapshot().components[api(&sim)].deploy.unwrap();
    assert_eq!((view.share, view.status), (0.05, DeployStatus::RollingOut));
    sim.step_until(5 * MIN + 7 * MIN);
    let log = deploy_log(&sim, 5 * MIN);
    let times: Vec<f64> = log.iter().map(|(t, _)| *t).collect();
    assert_eq!(times, [0.0, 5.0, 5.5], "{log:?}");
    assert!(
        log[1].1.contains("error rate above 0.5% for 5 minutes")
            && log[1].1.contains("automatic rollback"),
        "{log:?}"
    );
    assert!(log[2].1.contains("rolled back"), "{log:?}");
    assert!(sim.snapshot().components[api(&sim)].deploy.is_none());
    assert!(sim.snapshot().sli.api_success > 0.999);
}

#[test]
fn a_rolling_push_takes_the_bad_build_to_everyone_until_an_operator_rolls_it_back() {
    let mut sim = Sim::new(&steady(), 1).unwrap();
    sim.step_until(5 * MIN);
    sim.apply(deploy(0.3, 0.0, DeployStrategy::Rolling))
        .unwrap();
    sim.step_until(5 * MIN + 10 * MIN);
    let worst = sim.snapshot().sli.api_success;
    // Every instance fails 30%, and more: the breakers in front of the
    // API open on its failures and fail calls that would have succeeded.
    assert!(worst < 0.75, "{worst}");
    assert_eq!(
        sim.snapshot().components[api(&sim)].deploy.unwrap().status,
        DeployStatus::Complete
    );
    sim.apply(Action::Rollback {
        component: API.into(),
    })
    .unwrap();
    // The old build goes back out in the API's restart batches (25% a
    // minute, done at 19 minutes); a minute on, the edge's breakers have
    // closed again.
    sim.step_until(5 * MIN + 16 * MIN);
    assert!(sim.snapshot().sli.api_success > 0.999);
    let log = deploy_log(&sim, 5 * MIN);
    assert!(
        log.iter()
            .all(|(_, m)| !m.ends_with(": automatic rollback")),
        "{log:?}"
    );
    assert_eq!(log.last().unwrap().0, 14.0, "{log:?}");
}

#[test]
fn the_canary_costs_a_small_fraction_of_the_rolling_pushes_users_affected() {
    let run = |strategy| {
        let mut sim = Sim::new(&steady(), 3).unwrap();
        sim.step_until(5 * MIN);
        sim.apply(deploy(0.3, 0.0, strategy)).unwrap();
        // The on-call engineer rolls back 20 minutes in, whatever the pipeline did.
        sim.step_until(25 * MIN);
        let _ = sim.apply(Action::Rollback {
            component: API.into(),
        });
        sim.step_until(60 * MIN);
        users_affected_minutes(sim.samples())
    };
    let (canary, rolling) = (run(DeployStrategy::Canary), run(DeployStrategy::Rolling));
    assert!(
        canary < 0.1 * rolling,
        "canary {canary:.3e}, rolling {rolling:.3e}"
    );
}

#[test]
fn a_slow_build_trips_the_response_time_trigger_after_three_minutes() {
    let mut sim = Sim::new(&steady(), 1).unwrap();
    sim.step_until(5 * MIN);
    sim.apply(deploy(0.0, 400.0, DeployStrategy::Canary))
        .unwrap();
    sim.step_until(10 * MIN);
    let log = deploy_log(&sim, 5 * MIN);
    assert_eq!(log[1].0, 3.0, "{log:?}");
    assert!(
        log[1].1.contains("response time above twice the baseline"),
        "{log:?}"
    );
}

#[test]
fn a_good_build_is_promoted_through_the_seeds_phases() {
    let mut sim = Sim::new(&steady(), 1).unwrap();
    sim.step_until(MIN);
    sim.apply(deploy(0.0, 0.0, DeployStrategy::Canary)).unwrap();
    sim.step_until(MIN + 100 * MIN);
    let log = deploy_log(&sim, MIN);
    let times: Vec<f64> = log.iter().map(|(t, _)| *t).collect();
    assert_eq!(times, [0.0, 20.0, 50.0, 95.0], "{log:?}");
    assert!(log[3].1.contains("deploy complete"), "{log:?}");
}

#[test]
fn a_blind_pipeline_promotes_a_bad_canary_on_schedule() {
    let mut sim = Sim::new(&steady(), 1).unwrap();
    for m in ["Monitoring_Primary", "Monitoring_Backup"] {
        sim.apply(Action::Kill {
            component: m.into(),
        })
        .unwrap();
    }
    sim.step_until(5 * MIN);
    sim.apply(deploy(0.3, 0.0, DeployStrategy::Canary)).unwrap();
    sim.step_until(5 * MIN + 21 * MIN);
    let view = sim.snapshot().components[api(&sim)].deploy.unwrap();
    assert_eq!(
        view.share, 0.25,
        "no trigger saw the canary: promoted at 20 minutes"
    );
    assert!(sim.samples().last().unwrap().sli.api_success < 0.95);
}

#[test]
fn without_the_orchestrator_no_deploy_starts_and_a_rollback_waits() {
    let mut sim = Sim::new(&steady(), 1).unwrap();
    sim.step_until(MIN);
    sim.apply(deploy(0.3, 0.0, DeployStrategy::Rolling))
        .unwrap();
    sim.step_until(10 * MIN);
    for k in ["K8s_Primary", "K8s_Secondary"] {
        sim.apply(Action::Kill {
            component: k.into(),
        })
        .unwrap();
    }
    sim.step_until(11 * MIN);
    sim.apply(Action::Rollback {
        component: API.into(),
    })
    .unwrap();
    sim.step_until(30 * MIN);
    let view = sim.snapshot().components[api(&sim)].deploy.unwrap();
    assert_eq!(view.share, 1.0, "nothing moves without the orchestrator");
    let e = sim
        .apply(deploy(0.0, 0.0, DeployStrategy::Canary))
        .unwrap_err();
    assert!(matches!(e, ActionError::Deploy(_)));
    assert!(e.to_string().contains("orchestrator is down"), "{e}");
    for k in ["K8s_Primary", "K8s_Secondary"] {
        sim.apply(Action::Revive {
            component: k.into(),
        })
        .unwrap();
    }
    sim.step_until(40 * MIN);
    assert!(
        sim.snapshot().components[api(&sim)].deploy.is_none(),
        "rolled back once it is back"
    );
}

#[test]
fn a_deploy_or_rollback_that_cannot_happen_is_refused_and_not_logged() {
    let mut sim = Sim::new(&steady(), 1).unwrap();
    sim.step_until(MIN);
    let e = sim
        .apply(Action::Rollback {
            component: API.into(),
        })
        .unwrap_err();
    assert_eq!(e.to_string(), "API Gateway has no deploy to roll back");
    sim.apply(deploy(0.0, 0.0, DeployStrategy::Canary)).unwrap();
    let e = sim
        .apply(deploy(0.1, 0.0, DeployStrategy::Canary))
        .unwrap_err();
    assert!(
        e.to_string().contains("already has a deploy in progress"),
        "{e}"
    );
    assert_eq!(
        sim.operator_actions().len(),
        1,
        "refused actions are not in the log"
    );
    assert!(!sim
        .action_log()
        .iter()
        .any(|(_, a)| matches!(a, Action::Rollback { .. })));
    for bad in [
        deploy(1.5, 0.0, DeployStrategy::Canary),
        deploy(0.0, -1.0, DeployStrategy::Canary),
    ] {
        assert!(matches!(
            sim.apply(bad).unwrap_err(),
            ActionError::OutOfRange { .. }
        ));
    }
}

#[test]
fn a_deploy_that_does_not_say_how_takes_the_scenarios_pipeline() {
    let unsaid = Action::Deploy {
        component: API.into(),
        error_rate: 0.3,
        extra_ms: 0.0,
        strategy: None,
    };
    for (pipeline, first) in [
        (DeployStrategy::Canary, "canary takes"),
        (DeployStrategy::Rolling, "rolling deploy"),
    ] {
        let mut s = steady();
        s.deploy_strategy = pipeline;
        let mut sim = Sim::new(&s, 1).unwrap();
        sim.apply(unsaid.clone()).unwrap();
        let log = deploy_log(&sim, 0);
        assert!(log[0].1.contains(first), "{log:?}");
    }
}
