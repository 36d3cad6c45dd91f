//! A caller fleet's breakers on one dependency edge.
//!
//! Every instance of a caller has its own breaker. A single representative
//! breaker would make the whole fleet trip, wait and probe in lockstep, and
//! then close all at once onto a callee that has just recovered: a flood
//! that trips it again, every `open_ms`, for ever. Real instances trip at
//! different moments (each sees its own random run of failures) and so
//! probe and close at different moments, letting a recovering callee take
//! the load back a share at a time. The fleet is modelled as [`COHORTS`]
//! equal cohorts, each a [`Breaker`] fed the per-instance call rate and
//! drawing its own trips and probes from the simulation's RNG.
//!
//! The edge admits the cohorts' average share, and reports one state: closed
//! when every cohort is closed, open when every cohort is open, half-open
//! otherwise (some callers probing or still open).

use super::breaker::{Breaker, BreakerConfig, BreakerState, Transition};
use super::rng::Pcg32;

/// Cohorts of caller instances per edge.
pub const COHORTS: usize = 4;

/// The breakers of all a caller's instances on one edge.
#[derive(Clone, Debug, PartialEq)]
pub struct BreakerFleet {
    cohorts: [Breaker; COHORTS],
}

impl BreakerFleet {
    /// A closed fleet.
    pub fn new(config: BreakerConfig) -> Self {
        BreakerFleet {
            cohorts: std::array::from_fn(|_| Breaker::new(config)),
        }
    }

    /// The fleet's state in one word (see the module docs).
    pub fn state(&self) -> BreakerState {
        let open = self.count(BreakerState::Open);
        let closed = self.count(BreakerState::Closed);
        if closed == COHORTS {
            BreakerState::Closed
        } else if open == COHORTS {
            BreakerState::Open
        } else {
            BreakerState::HalfOpen
        }
    }

    /// True if any cohort is open (the fleet needs polling).
    pub fn any_open(&self) -> bool {
        self.count(BreakerState::Open) > 0
    }

    fn count(&self, s: BreakerState) -> usize {
        self.cohorts.iter().filter(|b| b.state() == s).count()
    }

    /// Share of `per_instance` calls the fleet lets through now.
    pub fn admit_share(&self, per_instance: f64) -> f64 {
        if per_instance <= 0.0 {
            return if self.count(BreakerState::Open) == COHORTS {
                0.0
            } else {
                1.0
            };
        }
        let mut admitted = 0.0;
        for b in &self.cohorts {
            admitted += b.admit(per_instance);
        }
        admitted / (per_instance * COHORTS as f64)
    }

    /// Records `per_instance` admitted calls per instance, a share `p` failing.
    pub fn record(
        &mut self,
        now_ms: u64,
        per_instance: f64,
        p: f64,
        rng: &mut Pcg32,
    ) -> Option<Transition> {
        let before = self.state();
        for b in &mut self.cohorts {
            b.record(now_ms, per_instance, p, rng);
        }
        change(before, self.state())
    }

    /// Moves open cohorts whose timeout has passed to half-open.
    pub fn poll(&mut self, now_ms: u64) -> Option<Transition> {
        let before = self.state();
        for b in &mut self.cohorts {
            b.poll(now_ms);
        }
        change(before, self.state())
    }

    /// Forces every cohort into `state` (operator override).
    pub fn force(&mut self, state: BreakerState, now_ms: u64) {
        for b in &mut self.cohorts {
            b.force(state, now_ms);
        }
    }
}

/// The fleet-level transition from `before` to `after`, if any.
fn change(before: BreakerState, after: BreakerState) -> Option<Transition> {
    use BreakerState::*;
    match (before, after) {
        (a, b) if a == b => None,
        (Closed, _) => Some(Transition::Opened),
        (_, Closed) => Some(Transition::Closed),
        (HalfOpen, Open) => Some(Transition::Reopened),
        (Open, HalfOpen) => Some(Transition::HalfOpened),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::breaker::BreakerPreset;

    #[test]
    fn a_dead_callee_opens_the_whole_fleet_and_a_live_one_closes_it() {
        let mut rng = Pcg32::new(3, 3);
        let mut f = BreakerFleet::new(BreakerConfig::preset(BreakerPreset::Seed));
        assert_eq!(f.record(0, 100.0, 1.0, &mut rng), Some(Transition::Opened));
        assert_eq!(f.state(), BreakerState::Open);
        assert_eq!(f.admit_share(100.0), 0.0);
        assert_eq!(f.poll(30_000), Some(Transition::HalfOpened));
        assert!(f.admit_share(100.0) > 0.0);
        assert_eq!(
            f.record(30_000, 100.0, 0.0, &mut rng),
            Some(Transition::Closed)
        );
        assert_eq!(f.admit_share(100.0), 1.0);
    }

    #[test]
    fn a_partly_failing_callee_trips_cohorts_at_different_moments() {
        // 30% failures at 20 calls per instance per second: runs of five
        // start at 14·0.3^5 ≈ 0.034 per second, so cohorts trip seconds or
        // minutes apart, and the fleet spends time half-open in between.
        let mut rng = Pcg32::new(7, 7);
        let mut f = BreakerFleet::new(BreakerConfig::preset(BreakerPreset::Seed));
        let mut partly = 0;
        for t in 0..600 {
            f.poll(t * 1000);
            f.record(t * 1000, 20.0, 0.3, &mut rng);
            if f.state() == BreakerState::HalfOpen {
                partly += 1;
            }
        }
        assert!(partly > 60, "half-open for {partly} s of 600");
    }
}
