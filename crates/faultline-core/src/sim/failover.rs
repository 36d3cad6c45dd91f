//! Failover edges: when a primary fails, its load moves to a backup on the
//! seed's timetable (seed 000, "Regional Failover Process"):
//!
//! 1. **Health check failure (30 s)**: the primary must stay unhealthy (down,
//!    or more than half of a health check's probes failing: its own
//!    rejections, timeouts and errors, not its dependencies') for
//!    `detect_ms` before anything moves: short blips do not fail over.
//! 2. **Connection migration (2 min)**: the share of the primary's traffic
//!    sent to the backup ramps linearly from 0 to 1 over `migrate_ms`
//!    (clients reconnect to the healthy side gradually).
//! 3. **Database promotion (5 min)**: for a database (`promote_ms > 0`)
//!    writes keep going to the dead primary, and fail, until the replica is
//!    promoted `promote_ms` after the failover began: read-only mode.
//! 4. **Full restoration (15 min)**: `restore_ms` after it began the backup
//!    is scaled up by the primary's `failover_restore_scale` ("capacity
//!    scaling if needed"); until then an undersized backup may overload.
//!
//! When the primary is healthy again the load ramps back over `migrate_ms`.
//! The health check's verdict turns only after holding for `detect_ms` in
//! either direction (failing back, or failing over again while failing
//! back): an overloaded primary looks healthy once its load has moved, and
//! without the hold it would fail back and over every few seconds.
//! The load balancer of each caller does the moving; the caller's breaker
//! wraps the call wherever it goes, so it judges and guards the moved calls
//! as well.

/// Where a failover stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Primary healthy, nothing moved.
    Idle,
    /// Primary unhealthy, health check not yet failed.
    Detecting,
    /// Load moving to the backup.
    Migrating,
    /// All reads moved; writes wait for the replica promotion.
    Promoting,
    /// Everything on the backup.
    Active,
    /// Backup scaled to full strength.
    Restored,
    /// Primary healthy again; load moving back.
    FailingBack,
}

impl Phase {
    /// The phase in words, as the snapshot shows it.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Detecting => "detecting",
            Phase::Migrating => "migrating",
            Phase::Promoting => "promoting",
            Phase::Active => "active",
            Phase::Restored => "restored",
            Phase::FailingBack => "failing back",
        }
    }
}

/// The four durations of the seed's playbook, ms, and how far the
/// migration can go.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timings {
    /// Health check failure.
    pub detect_ms: u64,
    /// Connection migration.
    pub migrate_ms: u64,
    /// Replica promotion (0: not a database, writes move with reads).
    pub promote_ms: u64,
    /// Full restoration.
    pub restore_ms: u64,
    /// Share of the primary's load the migration can move at all, `(0, 1]`
    /// (1: everything; less when some clients cannot follow it).
    pub reach: f64,
}

/// What changed in one step, for the event log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Nothing worth logging.
    None,
    /// Health check failed: migration begins.
    Began,
    /// Replica promoted: writes moved.
    Promoted,
    /// All connections migrated.
    Migrated,
    /// Full restoration reached: scale the backup.
    Restored,
    /// Primary healthy: failing back.
    FailingBack,
    /// Failback complete.
    FailedBack,
}

/// One failover edge's state.
#[derive(Clone, Debug, PartialEq)]
pub struct Failover {
    /// Phase.
    pub phase: Phase,
    /// When the current phase sequence began, ms.
    pub since: u64,
    /// Share of the primary's load on the backup, `0..=1`.
    pub moved: f64,
    /// True once writes go to the backup too.
    pub writes_moved: bool,
    /// `moved` when the current ramp began (ramps are computed from time, not summed).
    base: f64,
    /// Since when the health check has disagreed with the current direction
    /// (a healthy primary while failed over, an unhealthy one while failing
    /// back), ms: the verdict turns only once it has held for `detect_ms`.
    turning_since: Option<u64>,
}

impl Default for Failover {
    fn default() -> Self {
        Failover {
            phase: Phase::Idle,
            since: 0,
            moved: 0.0,
            writes_moved: false,
            base: 0.0,
            turning_since: None,
        }
    }
}

impl Failover {
    /// Advances to `now` (one tick later), given whether the primary is
    /// unhealthy. Ramps are computed from the clock, so any tick length gives
    /// the same timings (to within one tick).
    pub fn advance(&mut self, now: u64, primary_bad: bool, t: &Timings) -> Change {
        let elapsed = now.saturating_sub(self.since);
        let reach = t.reach.clamp(1e-9, 1.0);
        // Migration moves `reach` of the load in `migrate_ms`; failing back
        // returns all of it at the same pace.
        let ramp = elapsed as f64 / t.migrate_ms.max(1) as f64 * reach;
        match self.phase {
            Phase::Idle => {
                if primary_bad {
                    self.phase = Phase::Detecting;
                    self.since = now;
                }
                Change::None
            }
            Phase::Detecting => {
                if !primary_bad {
                    self.phase = Phase::Idle;
                    Change::None
                } else if elapsed >= t.detect_ms {
                    self.phase = Phase::Migrating;
                    self.since = now;
                    self.base = self.moved;
                    Change::Began
                } else {
                    Change::None
                }
            }
            Phase::Migrating | Phase::Promoting | Phase::Active | Phase::Restored => {
                if self.turned(now, !primary_bad, t) {
                    self.phase = Phase::FailingBack;
                    self.since = now;
                    self.base = self.moved;
                    return Change::FailingBack;
                }
                self.moved = (self.base + ramp).min(reach);
                let mut change = Change::None;
                if !self.writes_moved && elapsed >= t.promote_ms {
                    self.writes_moved = true;
                    if t.promote_ms > 0 {
                        change = Change::Promoted;
                    }
                }
                if self.phase == Phase::Migrating && self.moved >= reach {
                    self.phase = if self.writes_moved {
                        Phase::Active
                    } else {
                        Phase::Promoting
                    };
                    change = Change::Migrated;
                } else if self.phase == Phase::Promoting && self.writes_moved {
                    self.phase = Phase::Active;
                }
                if self.phase == Phase::Active && elapsed >= t.restore_ms {
                    self.phase = Phase::Restored;
                    change = Change::Restored;
                }
                change
            }
            Phase::FailingBack => {
                if self.turned(now, primary_bad, t) {
                    self.phase = Phase::Migrating;
                    self.since = now;
                    self.base = self.moved;
                    return Change::Began;
                }
                self.moved = (self.base - ramp).max(0.0);
                if self.moved <= 0.0 {
                    self.phase = Phase::Idle;
                    self.writes_moved = false;
                    return Change::FailedBack;
                }
                Change::None
            }
        }
    }
}

impl Failover {
    /// Whether the health check has said the opposite of the current
    /// direction (`against`) for `detect_ms` on end: the same health check
    /// that needed 30 s of failures to fail over needs 30 s of passes to
    /// fail back, and the other way round. Without it an overloaded primary
    /// looks healthy the moment its load has moved, fails back, overloads
    /// again and flaps every few seconds, faster than any health check runs.
    fn turned(&mut self, now: u64, against: bool, t: &Timings) -> bool {
        if !against {
            self.turning_since = None;
            return false;
        }
        let since = *self.turning_since.get_or_insert(now);
        if now.saturating_sub(since) >= t.detect_ms {
            self.turning_since = None;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: Timings = Timings {
        detect_ms: 30_000,
        migrate_ms: 120_000,
        promote_ms: 300_000,
        restore_ms: 900_000,
        reach: 1.0,
    };

    #[test]
    fn follows_the_seed_playbook() {
        let mut f = Failover::default();
        let mut log = vec![];
        for t in (0..=1_000_000).step_by(1000) {
            let c = f.advance(t, true, &SEED);
            if c != Change::None {
                log.push((t, c));
            }
            if t == 90_000 {
                assert!(
                    (f.moved - 0.5).abs() < 0.01,
                    "half migrated a minute in: {}",
                    f.moved
                );
                assert!(!f.writes_moved);
            }
        }
        assert_eq!(
            log,
            vec![
                (30_000, Change::Began),
                (150_000, Change::Migrated),
                (330_000, Change::Promoted),
                (930_000, Change::Restored)
            ]
        );
        assert_eq!(f.phase, Phase::Restored);
    }

    #[test]
    fn a_partial_reach_moves_only_that_share_in_the_same_time() {
        let t = Timings { reach: 0.7, ..SEED };
        let mut f = Failover::default();
        let mut migrated = None;
        for now in (0..=600_000).step_by(1000) {
            if f.advance(now, true, &t) == Change::Migrated {
                migrated = Some(now);
            }
            if now == 90_000 {
                assert!((f.moved - 0.35).abs() < 0.01, "{}", f.moved);
            }
        }
        assert_eq!(migrated, Some(150_000));
        assert_eq!(f.moved, 0.7, "the rest stays on the failed primary");
    }

    #[test]
    fn a_blip_shorter_than_the_health_check_does_not_fail_over() {
        let mut f = Failover::default();
        for t in (0..20_000).step_by(1000) {
            assert_eq!(f.advance(t, true, &SEED), Change::None);
        }
        f.advance(20_000, false, &SEED);
        assert_eq!(f.phase, Phase::Idle);
        assert_eq!(f.moved, 0.0);
    }

    #[test]
    fn fails_back_when_the_primary_recovers() {
        let mut f = Failover::default();
        for t in (0..=200_000).step_by(1000) {
            f.advance(t, true, &SEED);
        }
        assert_eq!(f.moved, 1.0);
        // The health check must pass for its 30 s before anything moves back.
        for t in (201_000..231_000).step_by(1000) {
            assert_eq!(f.advance(t, false, &SEED), Change::None, "at {t}");
        }
        assert_eq!(f.advance(231_000, false, &SEED), Change::FailingBack);
        let mut done = None;
        for t in (232_000..=450_000).step_by(1000) {
            if f.advance(t, false, &SEED) == Change::FailedBack {
                done = Some(t);
                break;
            }
        }
        assert_eq!(
            done,
            Some(351_000),
            "ramps back over the 2-minute migration"
        );
        assert!(!f.writes_moved);
    }

    #[test]
    fn a_primary_that_looks_healthy_once_unloaded_does_not_flap() {
        // An overloaded primary fails its health check; once its load has
        // moved it passes; with the load back it fails again. The verdict
        // turns only after holding for the health check's 30 s, so the
        // failover swings at most once a minute, not every tick.
        let mut f = Failover::default();
        let mut changes = 0;
        for t in (0..=1_800_000u64).step_by(1000) {
            // Bad while it carries more than half its load.
            let bad = f.moved < 0.5;
            if f.advance(t, bad, &SEED) != Change::None {
                changes += 1;
            }
        }
        assert!(changes > 4, "it still swings: {changes} changes");
        assert!(changes <= 30, "{changes} changes in 30 minutes");
    }

    #[test]
    fn a_relapse_while_failing_back_needs_the_health_check_again() {
        let mut f = Failover::default();
        for t in (0..=200_000).step_by(1000) {
            f.advance(t, true, &SEED);
        }
        for t in (201_000..=231_000).step_by(1000) {
            f.advance(t, false, &SEED);
        }
        assert_eq!(f.phase, Phase::FailingBack);
        // Bad again: the load keeps moving back until the check has failed for 30 s.
        for t in (232_000..262_000).step_by(1000) {
            assert_eq!(f.advance(t, true, &SEED), Change::None, "at {t}");
        }
        assert_eq!(f.phase, Phase::FailingBack);
        assert_eq!(f.advance(262_000, true, &SEED), Change::Began);
    }
}
