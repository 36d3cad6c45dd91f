//! Deploys: a new build rolled out to a component's instances, and rolled
//! back when it is bad.
//!
//! Seed 002 describes the pipeline: a **canary** takes 5% of the instances
//! for 20 minutes, then 25% for 30, 50% for 45, then everyone; it is
//! promoted only while its success metrics hold (error rate no more than
//! 0.1 point above the baseline's, response time within 10% of it), and it
//! is rolled back automatically, in under 30 s, when one of its triggers
//! holds for long enough: error rate above 0.5% for 5 minutes, response
//! time above twice the baseline for 3 minutes, WebSocket failures above 1%
//! for 2 minutes (gateways). The other strategy is a **rolling** push
//! straight to every instance, in the component's restart batches
//! (`restart_batch` every `restart_ms`), with no automatic rollback: only
//! an operator's [`crate::Action::Rollback`] ("manual abort by incident
//! commander") takes it back.
//!
//! A bad build is its instances' extra error rate and extra latency; the
//! flow engine applies them to the share of instances running it. The
//! pipeline needs the control plane:
//! - it reads the canary's figures from monitoring. With monitoring down
//!   its triggers see no data, and no data reads as no alert, so the canary
//!   is promoted on schedule: a blind pipeline ships a bad build. (Alerting
//!   that treats missing data as healthy is a classic way for automation to
//!   fail; the seeds do not say what Discord's does.)
//! - it moves instances through the orchestrator. With the orchestrator
//!   down nothing is promoted or rolled back; the soak clock and the
//!   triggers' clocks wait.
//!
//! This module is the pipeline's state machine alone, fed each tick with
//! what the canary's instances show ([`CanaryReading`]); `flow` owns the
//! instances.

use serde::{Deserialize, Serialize};

/// How a build reaches the instances.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeployStrategy {
    /// Seed 002's canary phases with automatic rollback.
    #[default]
    Canary,
    /// Straight to every instance in restart batches; no automatic rollback.
    Rolling,
}

impl DeployStrategy {
    /// The word the log and the inspector use.
    pub fn label(self) -> &'static str {
        match self {
            DeployStrategy::Canary => "canary",
            DeployStrategy::Rolling => "rolling",
        }
    }
}

/// Seed 002's canary phases: the share of instances on the new build and
/// how long it soaks there before the next phase (the last has no soak).
pub const CANARY_PHASES: [(f64, u64); 4] = [
    (0.05, 20 * 60_000),
    (0.25, 30 * 60_000),
    (0.50, 45 * 60_000),
    (1.00, 0),
];

/// Seed 002: "Auto-rollback: <30s". Also the time an operator's rollback
/// takes while the old build still runs beside the new one.
pub const ROLLBACK_MS: u64 = 30_000;

/// Seed 002's success metrics for promotion: the canary's error rate no
/// more than this above the baseline's...
pub const PROMOTE_MAX_EXTRA_ERRORS: f64 = 0.001;
/// ... and its response time within this factor of the baseline's.
pub const PROMOTE_MAX_LATENCY_RATIO: f64 = 1.1;

/// One of seed 002's auto-rollback triggers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollbackTrigger {
    /// Error rate above 0.5% for 5 minutes.
    Errors,
    /// Response time above twice the baseline for 3 minutes.
    Latency,
    /// WebSocket failures above 1% for 2 minutes (gateways only).
    WebSocket,
}

impl RollbackTrigger {
    /// Every trigger, in the seed's order.
    pub const ALL: [RollbackTrigger; 3] = [
        RollbackTrigger::Errors,
        RollbackTrigger::Latency,
        RollbackTrigger::WebSocket,
    ];

    /// How long the condition must hold, ms.
    pub fn hold_ms(self) -> u64 {
        match self {
            RollbackTrigger::Errors => 5 * 60_000,
            RollbackTrigger::Latency => 3 * 60_000,
            RollbackTrigger::WebSocket => 2 * 60_000,
        }
    }

    /// Whether the canary's `reading` breaks this trigger's threshold.
    pub fn breached(self, r: &CanaryReading) -> bool {
        match self {
            RollbackTrigger::Errors => r.error_rate > 0.005,
            RollbackTrigger::Latency => r.latency_ms > 2.0 * r.baseline_latency_ms,
            RollbackTrigger::WebSocket => r.gateway && r.error_rate > 0.01,
        }
    }

    /// The trigger in the seed's words.
    pub fn describe(self) -> &'static str {
        match self {
            RollbackTrigger::Errors => "error rate above 0.5% for 5 minutes",
            RollbackTrigger::Latency => "response time above twice the baseline for 3 minutes",
            RollbackTrigger::WebSocket => "WebSocket failures above 1% for 2 minutes",
        }
    }
}

/// What the new build does wrong (nothing, for a good build).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Build {
    /// Share of requests its instances fail, `[0, 1]`.
    pub error_rate: f64,
    /// Extra latency of its instances, ms.
    pub extra_ms: f64,
}

impl Build {
    /// The build in words, as the log and the inspector write it: "a good
    /// build", "a build failing 25.0%", "a build 400 ms slower", "a build
    /// failing 5.0% and 100 ms slower".
    pub fn describe(&self) -> String {
        let pct = format!("{:.1}%", self.error_rate * 100.0);
        let ms = crate::units::millis(self.extra_ms);
        match (self.error_rate > 0.0, self.extra_ms > 0.0) {
            (false, false) => "a good build".to_string(),
            (true, false) => format!("a build failing {pct}"),
            (false, true) => format!("a build {ms} slower"),
            (true, true) => format!("a build failing {pct} and {ms} slower"),
        }
    }
}

/// What the canary's instances show this tick, and what the pipeline can do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CanaryReading {
    /// The new build's instances' error rate.
    pub error_rate: f64,
    /// Their mean response time, ms.
    pub latency_ms: f64,
    /// The old build's error rate when the deploy began.
    pub baseline_error_rate: f64,
    /// The old build's response time when the deploy began, ms.
    pub baseline_latency_ms: f64,
    /// The component holds WebSocket connections (a gateway).
    pub gateway: bool,
    /// Monitoring is up: the pipeline sees these figures.
    pub monitored: bool,
    /// The orchestrator is up: instances can be moved.
    pub orchestrated: bool,
}

/// Where a deploy stands.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DeployStatus {
    /// Moving to or soaking in phase `phase` (canary) or batch `phase` (rolling).
    RollingOut,
    /// Every instance runs the new build.
    Complete,
    /// Going back to the old build, from `from_share`.
    RollingBack {
        /// Share on the new build when the rollback began.
        from_share: f64,
        /// The old build still ran beside the new one (fast rollback).
        fast: bool,
    },
    /// Every instance runs the old build again.
    RolledBack,
}

/// What a step of the pipeline did, for the log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DeployEvent {
    /// The new build now runs on this share of the instances.
    Promoted(f64),
    /// A canary phase's soak ended but its success metrics do not hold: it stays.
    Held,
    /// Every instance runs the new build.
    Completed,
    /// A trigger fired: the rollback begins.
    RollbackStarted(RollbackTrigger),
    /// Every instance runs the old build again.
    RolledBack,
}

/// What the inspector shows of a component's deploy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeployView {
    /// The build.
    pub build: Build,
    /// How it rolls out.
    pub strategy: DeployStrategy,
    /// Share of the instances on the new build.
    pub share: f64,
    /// Where it stands.
    pub status: DeployStatus,
    /// Canary phase (index into [`CANARY_PHASES`]) or rolling batches done.
    pub phase: usize,
    /// When the current phase began, ms.
    pub phase_since_ms: u64,
}

/// A deploy in progress (or finished) on one component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    /// The build.
    pub build: Build,
    /// How it rolls out.
    pub strategy: DeployStrategy,
    /// Canary phase (index into [`CANARY_PHASES`]) or rolling batches done.
    pub phase: usize,
    /// When the current phase began (its soak clock), ms.
    pub phase_since_ms: u64,
    /// Share of the instances on the new build now.
    pub share: f64,
    /// Where it stands.
    pub status: DeployStatus,
    /// Soak or batch time elapsed in this phase while the orchestrator was up, ms.
    soaked_ms: u64,
    /// How long each trigger's condition has held, ms (visible time only).
    breach_ms: [u64; 3],
    /// The share of instances a rolling batch moves, and every how long.
    batch: (f64, u64),
    /// A canary phase held at its end by its success metrics (logged once).
    held: bool,
}

impl Deployment {
    /// A deploy of `build` beginning at `now_ms`; `batch` is the
    /// component's restart batch (share, ms), which a rolling push and a
    /// rollback of a finished one move at. The first canary phase, or the
    /// first rolling batch, takes the new build at once.
    pub fn new(build: Build, strategy: DeployStrategy, now_ms: u64, batch: (f64, u64)) -> Self {
        let share = match strategy {
            DeployStrategy::Canary => CANARY_PHASES[0].0,
            DeployStrategy::Rolling => batch.0.min(1.0),
        };
        Deployment {
            build,
            strategy,
            phase: 0,
            phase_since_ms: now_ms,
            share,
            status: if share >= 1.0 {
                DeployStatus::Complete
            } else {
                DeployStatus::RollingOut
            },
            soaked_ms: 0,
            breach_ms: [0; 3],
            batch: (batch.0.clamp(1e-6, 1.0), batch.1.max(1)),
            held: false,
        }
    }

    /// What the inspector shows of it.
    pub fn view(&self) -> DeployView {
        DeployView {
            build: self.build,
            strategy: self.strategy,
            share: self.share,
            status: self.status,
            phase: self.phase,
            phase_since_ms: self.phase_since_ms,
        }
    }

    /// True while instances are moving or soaking (not complete, not rolled back).
    pub fn in_progress(&self) -> bool {
        matches!(
            self.status,
            DeployStatus::RollingOut | DeployStatus::RollingBack { .. }
        )
    }

    /// Starts going back to the old build (an operator's abort
    /// or a trigger). A canary's old build still runs beside it and takes
    /// its traffic back within [`ROLLBACK_MS`]; once every instance runs
    /// the new build, the old one is pushed back in restart batches.
    /// Returns false if there is nothing to roll back.
    pub fn roll_back(&mut self) -> bool {
        match self.status {
            DeployStatus::RollingBack { .. } | DeployStatus::RolledBack => false,
            DeployStatus::RollingOut | DeployStatus::Complete => {
                self.status = DeployStatus::RollingBack {
                    from_share: self.share,
                    fast: self.share < 1.0,
                };
                self.soaked_ms = 0;
                true
            }
        }
    }

    /// Advances the pipeline by one tick of `tick_ms` ending at `now_ms`,
    /// given what the canary shows. Returns what it did, if anything.
    pub fn step(&mut self, now_ms: u64, tick_ms: u64, r: &CanaryReading) -> Option<DeployEvent> {
        if !r.orchestrated {
            // Nothing moves, and the clocks wait for the orchestrator.
            return None;
        }
        match self.status {
            DeployStatus::RollingOut => self.roll_out(now_ms, tick_ms, r),
            DeployStatus::RollingBack { from_share, fast } => {
                self.soaked_ms += tick_ms;
                self.share = if fast {
                    from_share * (1.0 - self.soaked_ms as f64 / ROLLBACK_MS as f64)
                } else {
                    from_share - self.batch.0 * (self.soaked_ms / self.batch.1) as f64
                };
                if self.share <= 1e-9 {
                    self.share = 0.0;
                    self.status = DeployStatus::RolledBack;
                    return Some(DeployEvent::RolledBack);
                }
                None
            }
            DeployStatus::Complete | DeployStatus::RolledBack => None,
        }
    }

    fn roll_out(&mut self, now_ms: u64, tick_ms: u64, r: &CanaryReading) -> Option<DeployEvent> {
        self.soaked_ms += tick_ms;
        if self.strategy == DeployStrategy::Canary {
            // The triggers watch the canary (blind without monitoring).
            for (k, t) in RollbackTrigger::ALL.iter().enumerate() {
                self.breach_ms[k] = if r.monitored && t.breached(r) {
                    self.breach_ms[k] + tick_ms
                } else {
                    0
                };
                if self.breach_ms[k] >= t.hold_ms() {
                    self.roll_back();
                    return Some(DeployEvent::RollbackStarted(*t));
                }
            }
            let (_, soak) = CANARY_PHASES[self.phase];
            if self.soaked_ms < soak {
                return None;
            }
            // Promotion needs the success metrics (no data reads as met).
            let healthy = !r.monitored
                || (r.error_rate <= r.baseline_error_rate + PROMOTE_MAX_EXTRA_ERRORS
                    && r.latency_ms <= PROMOTE_MAX_LATENCY_RATIO * r.baseline_latency_ms);
            if !healthy {
                let first = !self.held;
                self.held = true;
                return first.then_some(DeployEvent::Held);
            }
            self.held = false;
            self.phase += 1;
            self.share = CANARY_PHASES[self.phase].0;
        } else {
            if self.soaked_ms < self.batch.1 {
                return None;
            }
            self.phase += 1;
            self.share = (self.share + self.batch.0).min(1.0);
        }
        self.soaked_ms = 0;
        self.phase_since_ms = now_ms;
        if self.share >= 1.0 {
            self.share = 1.0;
            self.status = DeployStatus::Complete;
            Some(DeployEvent::Completed)
        } else {
            Some(DeployEvent::Promoted(self.share))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    fn reading(error_rate: f64, latency_ms: f64) -> CanaryReading {
        CanaryReading {
            error_rate,
            latency_ms,
            baseline_error_rate: 0.0005,
            baseline_latency_ms: 30.0,
            gateway: false,
            monitored: true,
            orchestrated: true,
        }
    }

    /// Steps `d` second by second from `from` for `ms`, feeding `r`; the
    /// events with their times.
    fn run(d: &mut Deployment, from: u64, ms: u64, r: CanaryReading) -> Vec<(u64, DeployEvent)> {
        let mut out = Vec::new();
        let mut t = from;
        while t < from + ms {
            t += 1000;
            if let Some(e) = d.step(t, 1000, &r) {
                out.push((t, e));
            }
        }
        out
    }

    #[test]
    fn a_build_reads_as_what_it_does_wrong() {
        let b = |error_rate, extra_ms| {
            Build {
                error_rate,
                extra_ms,
            }
            .describe()
        };
        assert_eq!(b(0.0, 0.0), "a good build");
        assert_eq!(b(0.25, 0.0), "a build failing 25.0%");
        assert_eq!(b(0.0, 400.0), "a build 400 ms slower");
        assert_eq!(b(0.05, 100.0), "a build failing 5.0% and 100 ms slower");
    }

    #[test]
    fn a_good_build_walks_the_seeds_canary_phases() {
        let mut d = Deployment::new(Build::default(), DeployStrategy::Canary, 0, (0.25, MIN));
        assert_eq!(d.share, 0.05);
        let events = run(&mut d, 0, 200 * MIN, reading(0.0005, 30.0));
        assert_eq!(
            events,
            [
                (20 * MIN, DeployEvent::Promoted(0.25)),
                (50 * MIN, DeployEvent::Promoted(0.5)),
                (95 * MIN, DeployEvent::Completed),
            ]
        );
        assert_eq!(d.status, DeployStatus::Complete);
    }

    #[test]
    fn a_bad_canary_is_rolled_back_after_its_trigger_holds_and_30_seconds() {
        let mut d = Deployment::new(Build::default(), DeployStrategy::Canary, 0, (0.25, MIN));
        // 2% errors: over 0.5% for five minutes, then 30 s to roll back.
        let events = run(&mut d, 0, 10 * MIN, reading(0.02, 30.0));
        assert_eq!(
            events,
            [
                (
                    5 * MIN,
                    DeployEvent::RollbackStarted(RollbackTrigger::Errors)
                ),
                (5 * MIN + 30_000, DeployEvent::RolledBack),
            ]
        );
        assert_eq!(d.share, 0.0);
        // Slow instead: twice the baseline for three minutes.
        let mut d = Deployment::new(Build::default(), DeployStrategy::Canary, 0, (0.25, MIN));
        let events = run(&mut d, 0, 4 * MIN, reading(0.0005, 61.0));
        assert_eq!(
            events[0],
            (
                3 * MIN,
                DeployEvent::RollbackStarted(RollbackTrigger::Latency)
            )
        );
        // A gateway's failures: over 1% for two minutes.
        let mut d = Deployment::new(Build::default(), DeployStrategy::Canary, 0, (0.25, MIN));
        let events = run(
            &mut d,
            0,
            4 * MIN,
            CanaryReading {
                gateway: true,
                ..reading(0.02, 30.0)
            },
        );
        assert_eq!(
            events[0],
            (
                2 * MIN,
                DeployEvent::RollbackStarted(RollbackTrigger::WebSocket)
            )
        );
    }

    #[test]
    fn a_breach_that_stops_restarts_its_clock() {
        let mut d = Deployment::new(Build::default(), DeployStrategy::Canary, 0, (0.25, MIN));
        assert!(run(&mut d, 0, 4 * MIN, reading(0.02, 30.0)).is_empty());
        assert!(run(&mut d, 4 * MIN, 1000, reading(0.0005, 30.0)).is_empty());
        let events = run(&mut d, 4 * MIN + 1000, 6 * MIN, reading(0.02, 30.0));
        assert_eq!(events[0].0, 9 * MIN + 1000);
    }

    #[test]
    fn a_canary_below_its_triggers_but_worse_than_the_baseline_is_held_not_promoted() {
        let mut d = Deployment::new(Build::default(), DeployStrategy::Canary, 0, (0.25, MIN));
        // 0.3% errors: under the 0.5% trigger, above baseline + 0.1 point.
        let events = run(&mut d, 0, 60 * MIN, reading(0.003, 30.0));
        assert_eq!(events, [(20 * MIN, DeployEvent::Held)]);
        assert_eq!(d.share, 0.05);
    }

    #[test]
    fn without_monitoring_a_bad_canary_is_promoted_on_schedule() {
        let mut d = Deployment::new(Build::default(), DeployStrategy::Canary, 0, (0.25, MIN));
        let blind = CanaryReading {
            monitored: false,
            ..reading(0.3, 30.0)
        };
        let events = run(&mut d, 0, 100 * MIN, blind);
        assert_eq!(events.last(), Some(&(95 * MIN, DeployEvent::Completed)));
    }

    #[test]
    fn without_the_orchestrator_nothing_moves_and_the_clocks_wait() {
        let mut d = Deployment::new(Build::default(), DeployStrategy::Canary, 0, (0.25, MIN));
        let stuck = CanaryReading {
            orchestrated: false,
            ..reading(0.02, 30.0)
        };
        assert!(run(&mut d, 0, 30 * MIN, stuck).is_empty());
        assert_eq!(d.share, 0.05);
        let events = run(&mut d, 30 * MIN, 6 * MIN, reading(0.02, 30.0));
        assert_eq!(events[0].0, 35 * MIN);
    }

    #[test]
    fn a_rolling_push_goes_out_in_batches_and_only_an_operator_takes_it_back() {
        let mut d = Deployment::new(Build::default(), DeployStrategy::Rolling, 0, (0.25, MIN));
        assert_eq!(d.share, 0.25);
        let events = run(&mut d, 0, 5 * MIN, reading(0.3, 30.0));
        assert_eq!(
            events,
            [
                (MIN, DeployEvent::Promoted(0.5)),
                (2 * MIN, DeployEvent::Promoted(0.75)),
                (3 * MIN, DeployEvent::Completed),
            ]
        );
        // Every instance runs it: the old build goes back out batch by batch.
        assert!(d.roll_back());
        assert!(!d.roll_back(), "once");
        let events = run(&mut d, 5 * MIN, 5 * MIN, reading(0.3, 30.0));
        assert_eq!(events, [(9 * MIN, DeployEvent::RolledBack)]);
        assert!(!d.roll_back(), "nothing left to roll back");
    }

    #[test]
    fn an_operators_rollback_of_a_canary_takes_30_seconds() {
        let mut d = Deployment::new(Build::default(), DeployStrategy::Canary, 0, (0.25, MIN));
        run(&mut d, 0, 25 * MIN, reading(0.0005, 30.0));
        assert_eq!(d.share, 0.25);
        assert!(d.roll_back());
        let events = run(&mut d, 25 * MIN, MIN, reading(0.0005, 30.0));
        assert_eq!(events, [(25 * MIN + 30_000, DeployEvent::RolledBack)]);
    }
}
