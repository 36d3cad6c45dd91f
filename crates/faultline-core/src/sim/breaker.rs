//! Circuit breakers, one per dependency edge, on the caller's side.
//!
//! # State machine
//! CLOSED → OPEN when the trip rule fires; OPEN rejects every call at once
//! until `open_ms` has passed, then HALF_OPEN lets a few probe calls
//! through: a failed probe reopens it, enough successful probes close it.
//!
//! # Trip rules (the [`BreakerWindow`])
//! - `Consecutive { threshold }`: the seed's `DiscordCircuitBreaker`
//!   (`failure_threshold=5, timeout=30, success_threshold=3`), read as
//!   consecutive failures (a success resets the count, as in common
//!   implementations: the seed's literal code never resets in CLOSED, which
//!   in a fleet would trip on background noise).
//! - `Count { size, min_calls, failure_rate }`: Resilience4j's
//!   COUNT_BASED sliding window (defaults 100 calls, minimum 100, 50%).
//! - `Time { window_ms, min_calls, failure_rate }`: Hystrix's rolling
//!   window (10 s in 10 buckets, request volume threshold 20, 50%).
//!
//! # The aggregate view
//! The simulation moves requests as fluid rates, so a breaker stands for one
//! representative caller instance: each tick it is told how many calls that
//! instance made (`calls / caller servers`) and the failure probability `p`.
//! For the consecutive rule, runs of `t` failures start among `n`
//! Bernoulli trials at the rate `n(1−p)·p^t` (Schilling 1990), so a tick
//! trips the breaker with probability `1 − e^{−n(1−p)p^t}`, drawn from the
//! simulation's RNG; fed one call at a time (as the unit tests do) it is the
//! exact machine. Half-open probes are drawn one by one from the same RNG.
//! [`super::fleet`] runs several of these per edge, so a caller fleet's
//! instances trip and probe at different moments, as real ones do.

use serde::{Deserialize, Serialize};

use super::rng::Pcg32;

/// The breaker's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    /// Calls flow.
    Closed,
    /// Calls are rejected at once.
    Open,
    /// A few probe calls test the dependency.
    HalfOpen,
}

/// What trips a closed breaker.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum BreakerWindow {
    /// `threshold` consecutive failures.
    Consecutive {
        /// Failures in a row that open the breaker.
        threshold: u32,
    },
    /// Failure share over the last `size` calls.
    Count {
        /// Window length in calls.
        size: u32,
        /// Calls needed before the rate is judged.
        min_calls: u32,
        /// Failure share in `(0, 1]` that opens the breaker.
        failure_rate: f64,
    },
    /// Never trips: no breaker on the edge (calls are always attempted).
    Never,
    /// Failure share over a rolling time window of ten buckets.
    Time {
        /// Window length in ms.
        window_ms: u64,
        /// Calls needed in the window before the rate is judged.
        min_calls: u32,
        /// Failure share in `(0, 1]` that opens the breaker.
        failure_rate: f64,
    },
}

/// Named configurations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerPreset {
    /// Seed 000's breaker: 5 failures, 30 s open, 3 successes to close.
    Seed,
    /// Hystrix defaults: 20 calls / 10 s volume, 50% errors, 5 s sleep, one trial call.
    Hystrix,
    /// Resilience4j defaults: 100-call window, 50%, 60 s wait, 10 probes judged by rate.
    Resilience4j,
    /// No breakers at all: every call is attempted, however the callee fares
    /// (seed 001's platform before "circuit breakers at the gateway").
    None,
}

/// A breaker's configuration.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BreakerConfig {
    /// Trip rule.
    pub window: BreakerWindow,
    /// Time open before probing, ms.
    pub open_ms: u64,
    /// Probe calls allowed in half-open (`u32::MAX`: unlimited until decided).
    pub probes: u32,
    /// Successful probes needed to close.
    pub success_threshold: u32,
    /// If `Some(r)`, probes are judged together: failure share ≥ r reopens
    /// (Resilience4j). If `None`, any failed probe reopens at once (seed, Hystrix).
    pub probe_failure_rate: Option<f64>,
}

impl BreakerConfig {
    /// The configuration of a preset.
    pub fn preset(p: BreakerPreset) -> Self {
        match p {
            BreakerPreset::Seed => BreakerConfig {
                window: BreakerWindow::Consecutive { threshold: 5 },
                open_ms: 30_000,
                probes: 3,
                success_threshold: 3,
                probe_failure_rate: None,
            },
            BreakerPreset::Hystrix => BreakerConfig {
                window: BreakerWindow::Time {
                    window_ms: 10_000,
                    min_calls: 20,
                    failure_rate: 0.5,
                },
                open_ms: 5_000,
                probes: 1,
                success_threshold: 1,
                probe_failure_rate: None,
            },
            BreakerPreset::Resilience4j => BreakerConfig {
                window: BreakerWindow::Count {
                    size: 100,
                    min_calls: 100,
                    failure_rate: 0.5,
                },
                open_ms: 60_000,
                probes: 10,
                success_threshold: 10,
                probe_failure_rate: Some(0.5),
            },
            BreakerPreset::None => BreakerConfig {
                window: BreakerWindow::Never,
                open_ms: 0,
                probes: 0,
                success_threshold: 0,
                probe_failure_rate: None,
            },
        }
    }
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig::preset(BreakerPreset::Seed)
    }
}

/// A state change reported by [`Breaker::record`] or [`Breaker::poll`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// Closed → open (trip rule fired).
    Opened,
    /// Half-open → open (a probe failed).
    Reopened,
    /// Open → half-open (timeout elapsed).
    HalfOpened,
    /// Half-open → closed (enough probes succeeded).
    Closed,
}

const BUCKETS: usize = 10;

/// One breaker's state.
#[derive(Clone, Debug, PartialEq)]
pub struct Breaker {
    /// Its configuration.
    pub config: BreakerConfig,
    state: BreakerState,
    opened_at: u64,
    run: f64,
    win_calls: f64,
    win_rate: f64,
    buckets: [(f64, f64); BUCKETS],
    bucket_epoch: u64,
    probes_sent: u32,
    probes_ok: u32,
    probes_failed: u32,
}

impl Breaker {
    /// A closed breaker.
    pub fn new(config: BreakerConfig) -> Self {
        Breaker {
            config,
            state: BreakerState::Closed,
            opened_at: 0,
            run: 0.0,
            win_calls: 0.0,
            win_rate: 0.0,
            buckets: [(0.0, 0.0); BUCKETS],
            bucket_epoch: 0,
            probes_sent: 0,
            probes_ok: 0,
            probes_failed: 0,
        }
    }

    /// Current state.
    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// Moves OPEN to HALF_OPEN once the open timeout has passed.
    pub fn poll(&mut self, now_ms: u64) -> Option<Transition> {
        if self.state == BreakerState::Open && now_ms >= self.opened_at + self.config.open_ms {
            self.state = BreakerState::HalfOpen;
            self.probes_sent = 0;
            self.probes_ok = 0;
            self.probes_failed = 0;
            return Some(Transition::HalfOpened);
        }
        None
    }

    /// How many of `calls` this breaker lets through now.
    pub fn admit(&self, calls: f64) -> f64 {
        match self.state {
            BreakerState::Closed => calls,
            BreakerState::Open => 0.0,
            BreakerState::HalfOpen => {
                let left = self.config.probes.saturating_sub(self.probes_sent) as f64;
                calls.min(left)
            }
        }
    }

    /// Forces the breaker into a state (operator override), resetting counters.
    pub fn force(&mut self, state: BreakerState, now_ms: u64) {
        *self = Breaker {
            config: self.config,
            ..Breaker::new(self.config)
        };
        self.state = state;
        self.opened_at = now_ms;
    }

    fn open(&mut self, now_ms: u64) {
        self.state = BreakerState::Open;
        self.opened_at = now_ms;
        self.run = 0.0;
        self.win_calls = 0.0;
        self.win_rate = 0.0;
        self.buckets = [(0.0, 0.0); BUCKETS];
    }

    /// Records `calls` admitted calls of which a share `p` failed, at `now_ms`.
    pub fn record(
        &mut self,
        now_ms: u64,
        calls: f64,
        p: f64,
        rng: &mut Pcg32,
    ) -> Option<Transition> {
        if calls <= 0.0 {
            return None;
        }
        let p = p.clamp(0.0, 1.0);
        match self.state {
            BreakerState::Open => None,
            BreakerState::HalfOpen => {
                let n = calls.ceil().min(64.0) as u32;
                for _ in 0..n {
                    self.probes_sent = self.probes_sent.saturating_add(1);
                    if rng.chance(p) {
                        self.probes_failed += 1;
                        if self.config.probe_failure_rate.is_none() {
                            self.open(now_ms);
                            return Some(Transition::Reopened);
                        }
                    } else {
                        self.probes_ok += 1;
                    }
                    if let Some(r) = self.config.probe_failure_rate {
                        let judged = self.probes_ok + self.probes_failed;
                        if judged >= self.config.probes {
                            if self.probes_failed as f64 >= r * judged as f64 {
                                self.open(now_ms);
                                return Some(Transition::Reopened);
                            }
                            self.state = BreakerState::Closed;
                            return Some(Transition::Closed);
                        }
                    } else if self.probes_ok >= self.config.success_threshold {
                        self.state = BreakerState::Closed;
                        self.run = 0.0;
                        return Some(Transition::Closed);
                    }
                }
                None
            }
            BreakerState::Closed => {
                if self.trips(now_ms, calls, p, rng) {
                    self.open(now_ms);
                    Some(Transition::Opened)
                } else {
                    None
                }
            }
        }
    }

    fn trips(&mut self, now_ms: u64, n: f64, p: f64, rng: &mut Pcg32) -> bool {
        match self.config.window {
            BreakerWindow::Never => false,
            BreakerWindow::Consecutive { threshold } => {
                let t = threshold as f64;
                if p >= 1.0 - 1e-12 {
                    self.run += n;
                } else if p <= 0.0 {
                    self.run = 0.0;
                } else {
                    let x = n * (1.0 - p);
                    // Runs of t failures start at the rate x·p^t: the tick
                    // trips with probability 1 − e^{−x·p^t}.
                    let trips_in_tick = if x > 1.0 {
                        let mut pt = 1.0;
                        for _ in 0..threshold.min(64) {
                            pt *= p;
                        }
                        let runs = x * pt;
                        // Below 1e-12 the draw could never succeed: skip it.
                        runs > 1e-12 && rng.chance(1.0 - libm::exp(-runs))
                    } else {
                        false
                    };
                    // With few calls the run carries over only if every one of
                    // them failed (probability p^n); otherwise it restarts
                    // from the expected trailing run p/(1−p).
                    let trailing = p / (1.0 - p);
                    if x > 1.0 {
                        // The run restarts from the trailing run; `carried`
                        // (and its p^n loop) only matters for x ≤ 1.
                        if trips_in_tick {
                            self.run = t;
                            return true;
                        }
                        self.run = trailing;
                        return false;
                    }
                    let all_fail = if n <= 1.0 {
                        1.0 - n * (1.0 - p)
                    } else {
                        let mut a = 1.0;
                        for _ in 0..(n as u32).min(64) {
                            a *= p;
                        }
                        a
                    };
                    let carried = all_fail * (self.run + n) + (1.0 - all_fail) * trailing;
                    if trips_in_tick || (x <= 1.0 && carried >= t) {
                        self.run = t;
                        return true;
                    }
                    self.run = if x > 1.0 { trailing } else { carried };
                    return false;
                }
                self.run >= t
            }
            BreakerWindow::Count {
                size,
                min_calls,
                failure_rate,
            } => {
                let size = size.max(1) as f64;
                let w = self.win_calls;
                let new_w = (w + n).min(size);
                let dropped = w + n - new_w;
                let kept_old = (w - dropped).max(0.0);
                let new_calls_kept = new_w - kept_old;
                let failures = self.win_rate * kept_old + p * new_calls_kept;
                self.win_calls = new_w;
                self.win_rate = if new_w > 0.0 { failures / new_w } else { 0.0 };
                self.win_calls >= min_calls as f64 && self.win_rate >= failure_rate
            }
            BreakerWindow::Time {
                window_ms,
                min_calls,
                failure_rate,
            } => {
                let width = (window_ms / BUCKETS as u64).max(1);
                let epoch = now_ms / width;
                // Clear buckets that fell out of the window since last time.
                let gap = epoch.saturating_sub(self.bucket_epoch).min(BUCKETS as u64);
                for k in 1..=gap {
                    self.buckets[((self.bucket_epoch + k) % BUCKETS as u64) as usize] = (0.0, 0.0);
                }
                self.bucket_epoch = epoch;
                let b = &mut self.buckets[(epoch % BUCKETS as u64) as usize];
                b.0 += n;
                b.1 += n * p;
                let (mut c, mut f) = (0.0, 0.0);
                for b in &self.buckets {
                    c += b.0;
                    f += b.1;
                }
                c >= min_calls as f64 && c > 0.0 && f / c >= failure_rate
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(b: &mut Breaker, t: u64, fail: bool, rng: &mut Pcg32) -> Option<Transition> {
        b.record(t, 1.0, if fail { 1.0 } else { 0.0 }, rng)
    }

    #[test]
    fn seed_breaker_full_cycle() {
        let mut rng = Pcg32::new(1, 1);
        let mut b = Breaker::new(BreakerConfig::default());
        for i in 0..4 {
            assert_eq!(one(&mut b, i, true, &mut rng), None);
        }
        assert_eq!(one(&mut b, 4, true, &mut rng), Some(Transition::Opened));
        assert_eq!(b.admit(100.0), 0.0, "open rejects everything");
        assert_eq!(b.poll(29_000), None);
        assert_eq!(b.poll(30_004), Some(Transition::HalfOpened));
        assert_eq!(b.admit(100.0), 3.0, "three probes");
        assert_eq!(one(&mut b, 30_005, false, &mut rng), None);
        assert_eq!(one(&mut b, 30_006, false, &mut rng), None);
        assert_eq!(
            one(&mut b, 30_007, false, &mut rng),
            Some(Transition::Closed)
        );
        assert_eq!(b.state(), BreakerState::Closed);
    }

    #[test]
    fn failed_probe_reopens() {
        let mut rng = Pcg32::new(1, 1);
        let mut b = Breaker::new(BreakerConfig::default());
        for i in 0..5 {
            one(&mut b, i, true, &mut rng);
        }
        b.poll(40_000);
        assert_eq!(one(&mut b, 40_001, false, &mut rng), None);
        assert_eq!(
            one(&mut b, 40_002, true, &mut rng),
            Some(Transition::Reopened)
        );
        assert_eq!(b.state(), BreakerState::Open);
        assert_eq!(b.poll(60_000), None, "timeout restarts from the reopening");
        assert_eq!(b.poll(70_002), Some(Transition::HalfOpened));
    }

    #[test]
    fn a_success_resets_consecutive_count() {
        let mut rng = Pcg32::new(1, 1);
        let mut b = Breaker::new(BreakerConfig::default());
        for i in 0..20 {
            assert_eq!(one(&mut b, i, i % 4 != 3, &mut rng), None);
        }
    }

    #[test]
    fn rare_background_errors_on_a_quiet_edge_never_trip() {
        let mut rng = Pcg32::new(1, 1);
        let mut b = Breaker::new(BreakerConfig::default());
        // 0.9 calls per tick at 0.2% errors, for a day.
        for t in 0..86_400 {
            assert_eq!(b.record(t * 1000, 0.9, 0.002, &mut rng), None);
        }
    }

    #[test]
    fn aggregate_trips_on_error_rate_and_volume() {
        let mut rng = Pcg32::new(1, 1);
        let mut b = Breaker::new(BreakerConfig::default());
        // 1000 calls per tick at 1% errors: longest run ~1.5, no trip.
        for t in 0..100 {
            assert_eq!(b.record(t * 1000, 1000.0, 0.01, &mut rng), None);
        }
        // At 40% errors the longest run among 1000 calls is ~7: trips.
        assert_eq!(
            b.record(200_000, 1000.0, 0.4, &mut rng),
            Some(Transition::Opened)
        );
    }

    #[test]
    fn hystrix_needs_volume() {
        let mut rng = Pcg32::new(1, 1);
        let mut b = Breaker::new(BreakerConfig::preset(BreakerPreset::Hystrix));
        for t in 0..19 {
            assert_eq!(one(&mut b, t * 100, true, &mut rng), None);
        }
        assert_eq!(one(&mut b, 1900, true, &mut rng), Some(Transition::Opened));
        b.poll(6_900);
        assert_eq!(b.admit(50.0), 1.0, "one trial call");
        assert_eq!(
            one(&mut b, 7_000, false, &mut rng),
            Some(Transition::Closed)
        );
    }

    #[test]
    fn hystrix_window_forgets_old_failures() {
        let mut rng = Pcg32::new(1, 1);
        let mut b = Breaker::new(BreakerConfig::preset(BreakerPreset::Hystrix));
        for t in 0..15 {
            one(&mut b, t * 100, true, &mut rng);
        }
        // Eleven seconds later the first failures have left the window.
        for t in 0..15 {
            assert_eq!(one(&mut b, 12_000 + t * 100, true, &mut rng), None);
        }
    }

    #[test]
    fn resilience4j_judges_probes_by_rate() {
        let mut rng = Pcg32::new(1, 1);
        let mut b = Breaker::new(BreakerConfig::preset(BreakerPreset::Resilience4j));
        for t in 0..99 {
            assert_eq!(one(&mut b, t, t % 2 == 0, &mut rng), None);
        }
        assert_eq!(one(&mut b, 99, true, &mut rng), Some(Transition::Opened));
        b.poll(60_099);
        for t in 0..9 {
            assert_eq!(one(&mut b, 60_100 + t, t < 3, &mut rng), None);
        }
        assert_eq!(
            one(&mut b, 60_200, false, &mut rng),
            Some(Transition::Closed),
            "3/10 failed < 50%"
        );
    }

    #[test]
    fn no_breaker_never_opens() {
        let mut rng = Pcg32::new(1, 1);
        let mut b = Breaker::new(BreakerConfig::preset(BreakerPreset::None));
        for t in 0..1000 {
            assert_eq!(one(&mut b, t, true, &mut rng), None);
        }
        assert_eq!(b.record(1000, 1e6, 1.0, &mut rng), None);
        assert_eq!(b.state(), BreakerState::Closed);
        assert_eq!(b.admit(5.0), 5.0);
    }
}
