//! Deploys on the platform's components: the pipeline's state machine
//! ([`crate::sim::deploy`]) fed each tick with what the new build's
//! instances show, and the build's effect on the share of instances that
//! run it (its errors beside the component's own, its latency as a slow
//! tail beside the operator's).

use super::*;
use crate::sim::deploy::{CanaryReading, DeployEvent, DeployStatus, Deployment};

/// A deploy on one component, with the old build's figures when it began
/// (the canary's baseline).
#[derive(Clone, Debug)]
pub(crate) struct ActiveDeploy {
    pub d: Deployment,
    pub baseline_err: f64,
    pub baseline_ms: f64,
}

impl State {
    /// Refuses a deploy or a rollback that cannot happen now, before the
    /// action is logged.
    pub(super) fn check_deploy_action(&self, i: usize, a: &Action) -> Result<(), ActionError> {
        let name = self.name(i);
        let current = self.comps[i].deploy.as_ref().map(|a| a.d.status);
        match a {
            Action::Deploy { .. } => {
                if self.role_down(ROLE_ORCHESTRATOR) {
                    return Err(ActionError::Deploy(format!(
                        "{name} cannot be deployed to: the orchestrator is down, so no instance can take a new build"
                    )));
                }
                match current {
                    Some(DeployStatus::RollingOut) | Some(DeployStatus::RollingBack { .. }) => {
                        Err(ActionError::Deploy(format!(
                            "{name} already has a deploy in progress: wait for it or roll it back"
                        )))
                    }
                    Some(DeployStatus::Complete) => Err(ActionError::Deploy(format!(
                        "{name} runs the last deploy's build on every instance: roll it back before deploying again"
                    ))),
                    _ => Ok(()),
                }
            }
            Action::Rollback { .. } => match current {
                Some(DeployStatus::RollingOut) | Some(DeployStatus::Complete) => Ok(()),
                Some(DeployStatus::RollingBack { .. }) => Err(ActionError::Deploy(format!(
                    "{name}'s deploy is already rolling back"
                ))),
                _ => Err(ActionError::Deploy(format!(
                    "{name} has no deploy to roll back"
                ))),
            },
            _ => Ok(()),
        }
    }

    /// Starts a deploy of `build` on component `i` (checked by
    /// [`State::check_deploy_action`]); `ev` is the action's event.
    pub(super) fn start_deploy(
        &mut self,
        i: usize,
        build: Build,
        strategy: DeployStrategy,
        ev: usize,
    ) {
        let c = &self.comps[i];
        let unloaded_ms = c.p.service_ms + c.p.base_latency_ms;
        let d = Deployment::new(
            build,
            strategy,
            self.now_ms,
            (c.p.restart_batch, c.p.restart_ms),
        );
        let first = d.share;
        self.comps[i].deploy = Some(Box::new(ActiveDeploy {
            d,
            baseline_err: c.err,
            baseline_ms: c.latency.max(unloaded_ms),
        }));
        self.comps[i].cause = Some(ev);
        self.apply_build(i);
        let m = match strategy {
            DeployStrategy::Canary => format!(
                "{}: canary takes the new build on {:.0}% of instances (seed 002: 20-minute soak, automatic rollback)",
                self.name(i),
                first * 100.0
            ),
            DeployStrategy::Rolling => format!(
                "{}: rolling deploy, {:.0}% of instances on the new build (no automatic rollback)",
                self.name(i),
                first * 100.0
            ),
        };
        self.push_event(EventKind::Deploy, Some(i), m, Some(ev));
    }

    /// An operator's rollback of component `i`'s deploy (checked).
    pub(super) fn roll_back_deploy(&mut self, i: usize, ev: usize) {
        if let Some(a) = self.comps[i].deploy.as_mut() {
            a.d.roll_back();
        }
        self.comps[i].cause = Some(ev);
    }

    /// One tick of every deploy: the pipelines read their canaries (what
    /// this tick's outcomes show), promote, hold or roll back, and the
    /// builds' shares take effect for the next tick.
    pub(super) fn deploys(&mut self) {
        let now = self.now_ms;
        for i in 0..self.comps.len() {
            let Some(active) = self.comps[i].deploy.as_deref() else {
                continue;
            };
            let c = &self.comps[i];
            let d = &active.d;
            let rest = 1.0 - d.share;
            let reading = CanaryReading {
                // The component's figures mix both builds: the new one's
                // instances fail and lag by the build's whole amount.
                error_rate: (c.err + rest * d.build.error_rate).min(1.0),
                latency_ms: c.latency + rest * d.build.extra_ms,
                baseline_error_rate: active.baseline_err,
                baseline_latency_ms: active.baseline_ms,
                gateway: c.arr[RequestClass::GatewayConnect.lane()] > 0.0,
                monitored: !self.blind,
                orchestrated: !self.orch_down,
            };
            let before = d.share;
            let tick = self.scenario.tick_ms;
            let cause = c.cause;
            let event = self.comps[i]
                .deploy
                .as_mut()
                .and_then(|a| a.d.step(now, tick, &reading));
            if self.comps[i].deploy.as_ref().map(|a| a.d.share) != Some(before) {
                self.apply_build(i);
            }
            let Some(event) = event else { continue };
            let name = self.name(i).to_string();
            let m = match event {
                DeployEvent::Promoted(share) => {
                    format!("{name}: the new build now runs on {:.0}% of instances", share * 100.0)
                }
                DeployEvent::Held => format!(
                    "{name}: the canary's soak is over but it fails {:.2}% and answers in {} against {:.2}% and {} before: not promoted (seed 002's success metrics)",
                    reading.error_rate * 100.0,
                    crate::units::millis(reading.latency_ms),
                    reading.baseline_error_rate * 100.0,
                    crate::units::millis(reading.baseline_latency_ms),
                ),
                DeployEvent::Completed => format!("{name}: deploy complete, the new build runs on every instance"),
                DeployEvent::RollbackStarted(t) => format!(
                    "{name}: canary {} ({:.2}% errors, {}): automatic rollback",
                    t.describe(),
                    reading.error_rate * 100.0,
                    crate::units::millis(reading.latency_ms),
                ),
                DeployEvent::RolledBack => format!("{name}: rolled back, the old build runs on every instance"),
            };
            let ev = self.push_event(EventKind::Deploy, Some(i), m, cause);
            if matches!(event, DeployEvent::RollbackStarted(_)) {
                self.comps[i].cause = Some(ev);
            }
            if event == DeployEvent::RolledBack {
                self.comps[i].deploy = None;
                self.apply_build(i);
            }
        }
    }

    /// Sets component `i`'s build effects from its deploy's share: the new
    /// build's errors, and its extra latency as a slow tail on its share of
    /// requests beside the operator's own slow tail.
    pub(super) fn apply_build(&mut self, i: usize) {
        let c = &mut self.comps[i];
        let (share, build) = c
            .deploy
            .as_ref()
            .map_or((0.0, Build::default()), |a| (a.d.share, a.d.build));
        c.build_err = share * build.error_rate;
        c.own_tail = if share > 0.0 && build.extra_ms > 0.0 {
            c.set_tail.beside(Tail {
                share,
                ms: build.extra_ms,
            })
        } else {
            c.set_tail
        };
    }
}
