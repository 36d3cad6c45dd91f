//! Client and service retries: the policies, their delay distributions, and
//! the ring of future ticks the retried requests land in.
//!
//! # Policies
//! For the n-th retry (n = 1 for the first) a policy gives a delay window
//! `[lo, hi]` in ms after the failure is noticed; the retried requests are
//! spread uniformly over it (AWS, "Exponential Backoff and Jitter", 2015):
//! - `None`: never retry. `Immediate`: retry in the next tick.
//! - `Fixed`: `base` every time.
//! - `Exponential`: `e = min(cap, base · 2^(n-1))`.
//! - jitter on top: none `[e, e]`, full `[0, e]`, equal `[e/2, e]`,
//!   decorrelated `[base, min(cap, 3^n · base)]` (the window AWS's
//!   `sleep = min(cap, U(base, 3·sleep))` reaches after n steps).
//! - `Broken`: seed 001's bug, "exponential backoff violations: 85% of
//!   clients": that share of failures retries after a fixed `base` with no
//!   growth, no jitter and no attempt cap; the rest follow exponential
//!   backoff with full jitter.
//! - `max_attempts` caps attempts per request (first try included; 0 =
//!   unlimited). A retry budget (token bucket, after Finagle's
//!   `RetryBudget` and the AWS SDK retry quota) allows at most
//!   `ratio` retries per successful request, with `max_tokens` of burst.
//!
//! # The ring
//! Retries are counts in a ring of future ticks stored as a difference
//! array: spreading `x` requests over ticks `[a, b]` adds `x/(b-a+1)` at `a`
//! and subtracts it at `b+1`, so any spread costs O(1) and reading a tick is
//! one running sum. Un-jittered retries land all in one tick (waves); full
//! jitter spreads them. Each slot holds one lane per (class, attempt bucket)
//! contiguously; attempt buckets let exponential delays grow per attempt.

use serde::{Deserialize, Serialize};

use super::class::NCLASS;

/// How many retry generations are tracked separately; later retries share the last bucket.
pub const ATTEMPT_BUCKETS: usize = 4;

/// How the delay between attempts grows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backoff {
    /// Never retry.
    None,
    /// Retry at once (next tick).
    Immediate,
    /// Always wait `base_ms`.
    Fixed,
    /// Wait `min(cap, base · 2^(n-1))`.
    Exponential,
    /// Seed 001's bug: most clients retry after `base_ms` forever, without growth or jitter.
    Broken,
}

/// Randomisation applied to the backoff delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    /// Exactly the computed delay: synchronised waves.
    None,
    /// Uniform in `[0, e]`.
    Full,
    /// Uniform in `[e/2, e]`.
    Equal,
    /// Uniform in `[base, min(cap, 3^n·base)]`.
    Decorrelated,
}

/// A retry budget: a token bucket refilled by successes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetryBudget {
    /// Tokens earned per successful request (retries allowed per success), e.g. 0.1.
    pub ratio: f64,
    /// Bucket size (burst of retries allowed), in requests.
    pub max_tokens: f64,
}

/// A complete retry policy, as clients (or a service calling another) apply it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// Delay growth.
    pub backoff: Backoff,
    /// Base delay in ms.
    #[serde(default = "default_base")]
    pub base_ms: u32,
    /// Largest delay in ms.
    #[serde(default = "default_cap")]
    pub cap_ms: u32,
    /// Randomisation.
    #[serde(default = "default_jitter")]
    pub jitter: Jitter,
    /// Attempts per request including the first; 0 means unlimited.
    #[serde(default)]
    pub max_attempts: u32,
    /// Optional token-bucket retry budget.
    #[serde(default)]
    pub budget: Option<RetryBudget>,
    /// For `Broken`: the share of failures retried by the buggy clients (seed 001: 0.85).
    #[serde(default = "default_broken_share")]
    pub broken_share: f64,
}

fn default_base() -> u32 {
    1000
}
fn default_cap() -> u32 {
    60_000
}
fn default_jitter() -> Jitter {
    Jitter::None
}
fn default_broken_share() -> f64 {
    0.85
}

/// One part of a retry spread: a share of the failures, retried uniformly in `[lo_ms, hi_ms]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DelayWindow {
    /// Share of the retried requests that use this window.
    pub share: f64,
    /// Earliest delay after the failure is noticed, in ms.
    pub lo_ms: u64,
    /// Latest delay, in ms.
    pub hi_ms: u64,
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            backoff: Backoff::None,
            base_ms: 1000,
            cap_ms: 60_000,
            jitter: Jitter::None,
            max_attempts: 1,
            budget: None,
            broken_share: 0.85,
        }
    }

    /// Seed 001's mobile clients during the January 2022 incident: broken
    /// backoff, up to ten attempts (seed 001: "10x traffic amplification").
    pub fn seed_broken() -> Self {
        RetryPolicy {
            backoff: Backoff::Broken,
            max_attempts: 10,
            ..RetryPolicy::none()
        }
    }

    /// Seed 001's fix: "exponential_backoff: min=1s, max=60s, jitter=true; max_retries: 3".
    pub fn seed_fixed() -> Self {
        RetryPolicy {
            backoff: Backoff::Exponential,
            base_ms: 1000,
            cap_ms: 60_000,
            jitter: Jitter::Full,
            max_attempts: 4,
            budget: None,
            broken_share: 0.85,
        }
    }

    /// Exponential backoff without jitter (retries come back as waves).
    pub fn exponential(base_ms: u32, cap_ms: u32, max_attempts: u32, jitter: Jitter) -> Self {
        RetryPolicy {
            backoff: Backoff::Exponential,
            base_ms,
            cap_ms,
            jitter,
            max_attempts,
            ..RetryPolicy::none()
        }
    }

    /// Checks ranges; the message names the bad field.
    pub fn validate(&self) -> Result<(), String> {
        if self.cap_ms < self.base_ms && matches!(self.backoff, Backoff::Exponential) {
            return Err(format!(
                "cap_ms ({}) is below base_ms ({})",
                self.cap_ms, self.base_ms
            ));
        }
        if !(0.0..=1.0).contains(&self.broken_share) || !self.broken_share.is_finite() {
            return Err(format!(
                "broken_share must be in [0, 1], got {}",
                self.broken_share
            ));
        }
        if let Some(b) = self.budget {
            if !(b.ratio.is_finite()
                && b.ratio >= 0.0
                && b.max_tokens.is_finite()
                && b.max_tokens >= 0.0)
            {
                return Err("retry budget ratio and max_tokens must be finite and ≥ 0".into());
            }
        }
        Ok(())
    }

    /// May a request that has failed `attempts` times be tried again?
    pub fn allows_retry(&self, attempts: u32) -> bool {
        !matches!(self.backoff, Backoff::None)
            && (self.max_attempts == 0 || attempts < self.max_attempts)
    }

    /// The policy in words, as the event log writes it: "exponential
    /// backoff 1 s to 60 s, full jitter, at most 4 attempts", "no retries",
    /// "the broken backoff: 85% retry every 1 s, at most 10 attempts".
    pub fn describe(&self) -> String {
        let secs = |ms: u32| crate::units::millis(ms as f64);
        let mut text = match self.backoff {
            Backoff::None => return "no retries".to_string(),
            Backoff::Immediate => "immediate retries".to_string(),
            Backoff::Fixed => format!("retries every {}", secs(self.base_ms)),
            Backoff::Exponential => format!(
                "exponential backoff {} to {}",
                secs(self.base_ms),
                secs(self.cap_ms)
            ),
            Backoff::Broken => format!(
                "the broken backoff: {:.0}% retry every {}",
                self.broken_share * 100.0,
                secs(self.base_ms)
            ),
        };
        if self.backoff != Backoff::Broken {
            text.push_str(match self.jitter {
                Jitter::None => ", no jitter",
                Jitter::Full => ", full jitter",
                Jitter::Equal => ", equal jitter",
                Jitter::Decorrelated => ", decorrelated jitter",
            });
        }
        match self.max_attempts {
            0 => text.push_str(", unlimited attempts"),
            n => text.push_str(&format!(", at most {n} attempts")),
        }
        if let Some(b) = self.budget {
            text.push_str(&format!(
                ", a retry budget of {:.0}% of successes",
                b.ratio * 100.0
            ));
        }
        text
    }

    /// How hard the policy hammers a dependency that keeps failing: the
    /// retries one request makes within a minute of its first failure,
    /// with each retry at its mean delay (a tick at least), scaled down by
    /// a retry budget's ratio (retries allowed per success, which is what
    /// bounds a budget once most calls fail). Used to tell a harsher
    /// policy from a gentler one, not to predict load.
    pub fn retries_per_minute(&self) -> f64 {
        const MINUTE_MS: f64 = 60_000.0;
        const TICK_MS: f64 = 100.0;
        let mut elapsed = 0.0;
        let mut retries = 0u32;
        // A minute holds at most 600 retries one tick apart.
        while retries < 600 && self.allows_retry(retries + 1) {
            let mean: f64 = self
                .windows(retries + 1)
                .iter()
                .flatten()
                .map(|w| w.share * (w.lo_ms + w.hi_ms) as f64 / 2.0)
                .sum();
            elapsed += mean.max(TICK_MS);
            if elapsed > MINUTE_MS {
                break;
            }
            retries += 1;
        }
        let budget = self.budget.map_or(1.0, |b| b.ratio.min(1.0));
        retries as f64 * budget
    }

    /// The delay windows of retry number `n` (1-based). At most two windows.
    pub fn windows(&self, n: u32) -> [Option<DelayWindow>; 2] {
        let base = self.base_ms as u64;
        let cap = (self.cap_ms as u64).max(base);
        let expo = |n: u32| -> u64 {
            let shift = (n.saturating_sub(1)).min(30);
            base.saturating_mul(1u64 << shift).min(cap)
        };
        let jittered = |e: u64, n: u32| -> (u64, u64) {
            match self.jitter {
                Jitter::None => (e, e),
                Jitter::Full => (0, e),
                Jitter::Equal => (e / 2, e),
                Jitter::Decorrelated => {
                    let mut hi = base;
                    for _ in 0..n.min(30) {
                        hi = hi.saturating_mul(3).min(cap);
                    }
                    (base.min(hi), hi)
                }
            }
        };
        let one = |share: f64, (lo, hi): (u64, u64)| {
            Some(DelayWindow {
                share,
                lo_ms: lo,
                hi_ms: hi,
            })
        };
        match self.backoff {
            Backoff::None => [None, None],
            Backoff::Immediate => [one(1.0, (0, 0)), None],
            Backoff::Fixed => [one(1.0, jittered(base, n)), None],
            Backoff::Exponential => [one(1.0, jittered(expo(n), n)), None],
            Backoff::Broken => {
                let s = self.broken_share;
                [one(s, (base, base)), one(1.0 - s, (0, expo(n)))]
            }
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::seed_fixed()
    }
}

/// Future retries by tick, as a difference array in a ring.
#[derive(Clone, Debug)]
pub struct RetryRing {
    slots: usize,
    lanes: usize,
    diff: Vec<f64>,
    level: Vec<f64>,
    cur_tick: u64,
    cur_slot: usize,
}

/// Lanes per slot: one per (class, attempt bucket).
pub const RING_LANES: usize = NCLASS * ATTEMPT_BUCKETS;

impl RetryRing {
    /// A ring able to hold retries up to `max_delay_ticks` ahead.
    pub fn new(max_delay_ticks: usize) -> Self {
        Self::with_regions(max_delay_ticks, 1)
    }

    /// A ring with [`RING_LANES`] lanes for each of `regions` regions (lane
    /// `r · RING_LANES + l`): a retry comes back where its request failed.
    pub fn with_regions(max_delay_ticks: usize, regions: usize) -> Self {
        let slots = max_delay_ticks + 3;
        let lanes = RING_LANES * regions.max(1);
        RetryRing {
            slots,
            lanes,
            diff: vec![0.0; slots * lanes],
            level: vec![0.0; lanes],
            cur_tick: 0,
            cur_slot: 0,
        }
    }

    /// The furthest tick offset that can be scheduled.
    pub fn horizon(&self) -> u64 {
        (self.slots - 2) as u64
    }

    /// Spreads `count` requests of lane `lane` uniformly over ticks `now+a ..= now+b` (a ≥ 1).
    pub fn schedule(&mut self, lane: usize, now_tick: u64, a: u64, b: u64, count: f64) {
        if count <= 0.0 {
            return;
        }
        let h = self.horizon();
        let a = a.clamp(1, h);
        let b = b.clamp(a, h);
        let per = count / (b - a + 1) as f64;
        // a ≤ b + 1 < slots, so one conditional subtraction replaces `%`.
        let slots = self.slots;
        let now = if now_tick == self.cur_tick {
            self.cur_slot
        } else {
            (now_tick % slots as u64) as usize
        };
        let wrap = |x: usize| if x >= slots { x - slots } else { x };
        let start = wrap(now + a as usize);
        let end = wrap(now + b as usize + 1);
        self.diff[start * self.lanes + lane] += per;
        self.diff[end * self.lanes + lane] -= per;
    }

    /// Advances to tick `now_tick` and returns the counts due in it, one per lane.
    pub fn take(&mut self, now_tick: u64) -> &[f64] {
        let slot = (now_tick % self.slots as u64) as usize;
        self.cur_tick = now_tick;
        self.cur_slot = slot;
        let row = &mut self.diff[slot * self.lanes..(slot + 1) * self.lanes];
        for (l, d) in self.level.iter_mut().zip(row.iter_mut()) {
            *l += *d;
            *d = 0.0;
            if *l < 1e-9 {
                *l = 0.0;
            }
        }
        &self.level
    }

    /// Requests scheduled but not yet due (for conservation checks).
    pub fn pending(&self, now_tick: u64) -> f64 {
        // Sum of level over remaining ticks: replay the differences forward.
        let mut level = self.level.clone();
        let mut total = 0.0;
        for k in 1..self.slots as u64 {
            let slot = ((now_tick + k) % self.slots as u64) as usize;
            for (l, d) in level
                .iter_mut()
                .zip(&self.diff[slot * self.lanes..(slot + 1) * self.lanes])
            {
                *l += *d;
                total += l.max(0.0);
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_read_as_words() {
        assert_eq!(
            RetryPolicy::seed_fixed().describe(),
            "exponential backoff 1 s to 60 s, full jitter, at most 4 attempts"
        );
        assert_eq!(
            RetryPolicy::seed_broken().describe(),
            "the broken backoff: 85% retry every 1 s, at most 10 attempts"
        );
        assert_eq!(RetryPolicy::none().describe(), "no retries");
        let budgeted = RetryPolicy {
            backoff: Backoff::Fixed,
            base_ms: 250,
            max_attempts: 0,
            budget: Some(RetryBudget {
                ratio: 0.1,
                max_tokens: 10.0,
            }),
            ..RetryPolicy::none()
        };
        assert_eq!(
            budgeted.describe(),
            "retries every 250 ms, no jitter, unlimited attempts, a retry budget of 10% of successes"
        );
    }

    #[test]
    fn retry_pressure_orders_policies_from_harsh_to_gentle() {
        let immediate = RetryPolicy {
            backoff: Backoff::Immediate,
            max_attempts: 0,
            ..RetryPolicy::none()
        };
        let fixed = RetryPolicy {
            backoff: Backoff::Fixed,
            max_attempts: 0,
            ..RetryPolicy::none()
        };
        let budgeted = RetryPolicy {
            budget: Some(RetryBudget {
                ratio: 0.1,
                max_tokens: 100.0,
            }),
            ..fixed
        };
        let pressure: Vec<f64> = [
            immediate,
            fixed,
            RetryPolicy::seed_broken(),
            budgeted,
            RetryPolicy::exponential(1000, 60_000, 0, Jitter::None),
            RetryPolicy::seed_fixed(),
            RetryPolicy::none(),
        ]
        .iter()
        .map(RetryPolicy::retries_per_minute)
        .collect();
        // Unlimited retries at once: one a tick; every second: 60; the
        // seed's broken clients: their 9 retries about a second apart; a
        // budget of 0.1 cuts 60 to 6; unlimited doubling from 1 s:
        // 1 + 2 + 4 + 8 + 16 = 31 s for 5 (the sixth lands at 63 s); the
        // seed's fix: its 3; none: 0.
        assert_eq!(pressure, vec![600.0, 60.0, 9.0, 6.0, 5.0, 3.0, 0.0]);
    }

    #[test]
    fn exponential_doubles_up_to_cap() {
        let p = RetryPolicy::exponential(100, 1000, 0, Jitter::None);
        let hi: Vec<u64> = (1..=6).map(|n| p.windows(n)[0].unwrap().hi_ms).collect();
        assert_eq!(hi, vec![100, 200, 400, 800, 1000, 1000]);
    }

    #[test]
    fn jitter_windows() {
        let full = RetryPolicy::exponential(100, 10_000, 0, Jitter::Full).windows(3)[0].unwrap();
        assert_eq!((full.lo_ms, full.hi_ms), (0, 400));
        let eq = RetryPolicy::exponential(100, 10_000, 0, Jitter::Equal).windows(3)[0].unwrap();
        assert_eq!((eq.lo_ms, eq.hi_ms), (200, 400));
        let de =
            RetryPolicy::exponential(100, 10_000, 0, Jitter::Decorrelated).windows(2)[0].unwrap();
        assert_eq!((de.lo_ms, de.hi_ms), (100, 900));
    }

    #[test]
    fn broken_backoff_splits_and_never_caps() {
        let p = RetryPolicy::seed_broken();
        assert!(p.allows_retry(9));
        assert!(!p.allows_retry(10));
        let w = p.windows(5);
        assert_eq!(w[0].unwrap().lo_ms, 1000);
        assert_eq!(w[0].unwrap().hi_ms, 1000);
        assert!((w[0].unwrap().share - 0.85).abs() < 1e-12);
        assert!(w[1].is_some());
    }

    #[test]
    fn attempt_cap() {
        let p = RetryPolicy::seed_fixed();
        assert!(p.allows_retry(3));
        assert!(!p.allows_retry(4));
        assert!(!RetryPolicy::none().allows_retry(1));
    }

    #[test]
    fn ring_spreads_and_conserves() {
        let mut r = RetryRing::new(100);
        r.schedule(0, 0, 5, 14, 100.0);
        r.schedule(3, 0, 2, 2, 7.0);
        let mut got0 = vec![];
        let mut total = 0.0;
        for t in 1..=30 {
            let l = r.take(t);
            got0.push(l[0]);
            total += l[0] + l[3];
        }
        assert!((total - 107.0).abs() < 1e-9);
        assert_eq!(got0[4], 10.0); // tick 5
        assert_eq!(got0[13], 10.0); // tick 14
        assert_eq!(got0[14], 0.0); // tick 15
    }

    #[test]
    fn ring_wraps_around() {
        let mut r = RetryRing::new(10);
        let mut total = 0.0;
        for t in 0..100u64 {
            total += r.take(t).iter().sum::<f64>();
            r.schedule(1, t, 3, 9, 7.0);
        }
        // 100 schedules of 7, the last ~9 ticks' worth still pending.
        let pending = r.pending(99);
        assert!(
            (total + pending - 700.0).abs() < 1e-6,
            "{total} + {pending}"
        );
    }
}
