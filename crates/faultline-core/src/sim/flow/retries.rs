//! Client retries: what the clients retry of the requests that failed,
//! scheduled into future ticks of the retry ring by their policy's backoff
//! windows (a retry returns in the region where it failed).
//!
//! A new client policy reaches clients at once (`set_retry_policy`), or
//! over a rollout (`rollout_ms`): app-store updates reach users over hours,
//! and meanwhile the clients that have not updated keep retrying the old
//! way. Each cohort retries its share of the failures by its own policy.

use super::*;

impl State {
    /// The client cohorts and their shares now: the current policy for the
    /// clients that have it, the previous one for the rest (share 0 once
    /// the rollout is 99.9% through, or without a rollout).
    pub(super) fn retry_cohorts(&self) -> [(RetryPolicy, f64); 2] {
        let adopted = if self.retry_rollout_ms > 0.0 {
            let t = self.now_ms.saturating_sub(self.retry_since_ms) as f64;
            1.0 - libm::exp(-t / self.retry_rollout_ms)
        } else {
            1.0
        };
        if adopted >= 0.999 {
            [(self.retry, 1.0), (self.retry_prev, 0.0)]
        } else {
            [(self.retry, adopted), (self.retry_prev, 1.0 - adopted)]
        }
    }

    /// Schedules this tick's client retries, cohort by cohort, from the
    /// regions' success shares (`region_ok`) and the classes' attempts,
    /// answers and fast failures.
    pub(super) fn client_retries(
        &mut self,
        region_ok: &[[f64; NCLASS]; MAX_REGIONS],
        region_unav: &[[f64; NCLASS]; MAX_REGIONS],
        att: &[f64; NCLASS],
        okn: &[f64; NCLASS],
        fastn: &[f64; NCLASS],
        timeout_ms: [f64; NCLASS],
    ) {
        self.retrying = [0.0; NCLASS];
        for (cohort, (policy, weight)) in self.retry_cohorts().into_iter().enumerate() {
            if weight > 0.0 {
                self.cohort_retries(
                    cohort,
                    policy,
                    weight,
                    region_ok,
                    region_unav,
                    att,
                    okn,
                    fastn,
                    timeout_ms,
                );
            }
        }
    }

    /// One cohort's retries: `weight` of the failures, retried by `policy`.
    #[allow(clippy::too_many_arguments)]
    fn cohort_retries(
        &mut self,
        cohort: usize,
        policy: RetryPolicy,
        weight: f64,
        region_ok: &[[f64; NCLASS]; MAX_REGIONS],
        region_unav: &[[f64; NCLASS]; MAX_REGIONS],
        att: &[f64; NCLASS],
        okn: &[f64; NCLASS],
        fastn: &[f64; NCLASS],
        timeout_ms: [f64; NCLASS],
    ) {
        let dt = self.dt;
        let nr = self.users.len();
        let tick_ms = self.scenario.tick_ms;
        let mut want = 0.0;
        // Failures that become retries, by region (they return where they
        // failed), class and attempt bucket (b = retry number − 1).
        let mut sched = [[[0.0f64; ATTEMPT_BUCKETS + 1]; NCLASS]; MAX_REGIONS];
        for r in 0..nr {
            for k in 0..NCLASS {
                let cls = RequestClass::ALL[k];
                let a = self.att[r][k];
                if matches!(cls, RequestClass::GatewayConnect | RequestClass::Presence) || a <= 0.0
                {
                    continue;
                }
                // Refused requests are final answers, not retried: what is
                // retried is what was admitted and failed. So is a down
                // shard's "unavailable": the client marks the guild
                // unavailable until it is back (seed 003).
                let failed = 1.0 - region_ok[r][k] - region_unav[r][k];
                let retryable = ((1.0 - self.refused[r][k]) * failed).max(0.0);
                let first = self.region_first[r][k];
                sched[r][k][0] = first * retryable * weight;
                let due_sum: f64 = self.region_due[r][k].iter().sum::<f64>();
                for b in 0..ATTEMPT_BUCKETS {
                    // `a / (first + due)` carries this tick's rate noise.
                    let due =
                        self.region_due[r][k][b] * (a / (first + due_sum).max(1e-12)) * weight;
                    let nb = (b + 1).min(ATTEMPT_BUCKETS);
                    // The last bucket pools retry #4 and later; under a cap of m
                    // attempts a request leaves it after about m − 4 more tries
                    // (geometric approximation of the deterministic cap).
                    let cont = if b + 1 >= ATTEMPT_BUCKETS && policy.max_attempts > 0 {
                        let left = policy.max_attempts as f64 - ATTEMPT_BUCKETS as f64;
                        if left > 1.0 {
                            1.0 - 1.0 / left
                        } else {
                            0.0
                        }
                    } else {
                        1.0
                    };
                    sched[r][k][nb] += due * retryable * cont;
                }
            }
        }
        for region in sched.iter().take(nr) {
            for lanes in region {
                for (nb, &f) in lanes.iter().enumerate() {
                    // nb = retry number − 1; attempts already made = nb + 1.
                    if f > 0.0 && policy.allows_retry(nb as u32 + 1) {
                        want += f;
                    }
                }
            }
        }
        let mut allow = 1.0;
        if let Some(b) = policy.budget {
            let successes: f64 = okn.iter().sum();
            self.tokens = (self.tokens + b.ratio * successes * weight * dt).min(b.max_tokens);
            let want_n = want * dt;
            if want_n > self.tokens {
                allow = if want_n > 0.0 {
                    self.tokens / want_n
                } else {
                    0.0
                };
                self.tokens = 0.0;
            } else {
                self.tokens -= want_n;
            }
        }
        if self.retry_windows[cohort].key != Some((policy, timeout_ms)) {
            self.retry_windows[cohort] = RetryWindows::new(policy, timeout_ms, tick_ms);
        }
        for k in 0..NCLASS {
            let fast = if att[k] > okn[k] {
                (fastn[k] / (att[k] - okn[k])).min(1.0)
            } else {
                1.0
            };
            for r in 0..nr {
                for (nb, &f) in sched[r][k].iter().enumerate() {
                    let n = nb as u32 + 1;
                    if f <= 0.0 || !policy.allows_retry(n) {
                        continue;
                    }
                    self.retrying[k] += f * allow;
                    let count = f * dt * allow;
                    let bucket = nb.min(ATTEMPT_BUCKETS - 1);
                    let lane = r * RING_LANES + k * ATTEMPT_BUCKETS + bucket;
                    for w in self.retry_windows[cohort].w[k][nb].into_iter().flatten() {
                        for (share, (lo, hi)) in [(fast, w.ticks[0]), (1.0 - fast, w.ticks[1])] {
                            let x = count * w.share * share;
                            if x <= 0.0 {
                                continue;
                            }
                            self.ring.schedule(lane, self.tick, lo, hi, x);
                        }
                    }
                }
            }
        }
    }
}
