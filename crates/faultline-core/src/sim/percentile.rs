//! Response-time percentiles from the fluid model's shares and means.
//!
//! The engine knows, per request class, the share of requests that fail fast
//! (429s, open breakers, rejected queues: [`Refused`], back after the
//! client's round trip to the edge, since a refusal still crosses the
//! network), the share answered in
//! time and the rest, which time out at the client's deadline. An answered
//! request takes a fixed part (network latency, added delay, a backlog's
//! wait, constant service times, summed along its calls) plus a variable
//! part (exponential service and queueing), whose mean is the rest of its
//! mean latency. The `q`-quantile of that mixture is then:
//! - the deadline, if more than `1 − q` of requests time out;
//! - the refusals' round trip, if at least `q` fail fast;
//! - otherwise `fixed + variable · ln(1 / (1 − q'))` with
//!   `q' = (q − fast) / answered`, the exponential tail of the answered
//!   share (`ln 20 ≈ 3` for a p95 with nothing failing).
//!
//! Modelling the whole response time as one exponential (p95 = 3 × mean)
//! would put a platform whose latency is mostly network round trips far
//! above its real tail.
//!
//! A [`Tail`] adds a second mode: a small share of answered requests met a
//! slow server somewhere along their calls (a node compacting its disk, a
//! straggler) and took `ms` longer. The mean moves by `share × ms` only,
//! but once the share passes `1 − q` the `q`-quantile jumps by `ms`: how a
//! few slow nodes out of hundreds turn a healthy p99 into seconds.

/// The slow mode of answered requests: `share` of them took `ms` longer.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tail {
    /// Share of answered requests in the slow mode, `[0, 1]`.
    pub share: f64,
    /// Their mean extra delay, ms.
    pub ms: f64,
}

impl Tail {
    /// No slow mode.
    pub const NONE: Tail = Tail {
        share: 0.0,
        ms: 0.0,
    };

    /// The extra delay it adds to the mean, ms.
    pub fn mean_ms(self) -> f64 {
        self.share * self.ms
    }

    /// `self` for a share `1 − w` of requests and `other` for `w` (a
    /// failover moving part of the calls): shares and mean delays mix.
    pub fn blend(self, other: Tail, w: f64) -> Tail {
        let share = (1.0 - w) * self.share + w * other.share;
        let mean = (1.0 - w) * self.mean_ms() + w * other.mean_ms();
        Tail::from_mean(share, mean)
    }

    /// This and `other` on the same requests, independently (an operator's
    /// slow tail and a bad build's slow instances): a request is slow if
    /// either slows it, and their mean delays add.
    pub fn beside(self, other: Tail) -> Tail {
        let share = self.share + other.share - self.share * other.share;
        Tail::from_mean(share, self.mean_ms() + other.mean_ms())
    }

    /// This (a server's own tail) followed by calls that leave `unslowed`
    /// of requests untouched and add `slow_mean` ms to the mean: a request
    /// is slow if it met any slow part; the mean delay is kept.
    pub fn then(self, unslowed: f64, slow_mean: f64) -> Tail {
        let share = 1.0 - (1.0 - self.share) * unslowed.clamp(0.0, 1.0);
        Tail::from_mean(share, self.mean_ms() + slow_mean)
    }

    /// `(share, ms)` with the mean delay no larger than `room` ms (the
    /// part of a capped mean latency above its fixed part).
    pub fn within(self, room: f64) -> (f64, f64) {
        if self.share <= 0.0 {
            return (0.0, 0.0);
        }
        (self.share, self.ms.min(room.max(0.0) / self.share))
    }

    fn from_mean(share: f64, mean: f64) -> Tail {
        if share > 1e-12 && mean > 0.0 {
            Tail {
                share: share.min(1.0),
                ms: mean / share,
            }
        } else {
            Tail::NONE
        }
    }
}

/// The requests that failed fast: their share and how long a refusal takes
/// to come back.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Refused {
    /// Share of requests refused at once, `[0, 1]`.
    pub share: f64,
    /// A refusal's response time, ms: the client's round trip to where it
    /// was refused (no faster than any answer).
    pub ms: f64,
}

impl Refused {
    /// Nothing refused.
    pub const NONE: Refused = Refused {
        share: 0.0,
        ms: 0.0,
    };
}

/// The `q`-quantile (`0 < q < 1`) of a response time, in ms (see the module
/// docs); `variable` is the exponential part's mean, without the slow
/// `tail`'s ([`Tail::NONE`] for none).
pub fn quantile(
    q: f64,
    refused: Refused,
    answered: f64,
    fixed: f64,
    variable: f64,
    tail: Tail,
    deadline: f64,
) -> f64 {
    let fast = refused.share.clamp(0.0, 1.0);
    let answered = answered.clamp(0.0, 1.0 - fast);
    let slow = 1.0 - fast - answered;
    if slow > 1.0 - q + 1e-12 {
        return deadline;
    }
    if fast >= q || answered <= 0.0 {
        // At least q refused (nothing answered and nothing timing out
        // means everything was refused): the quantile is a refusal's.
        return refused.ms.clamp(0.0, deadline);
    }
    let within = ((q - fast) / answered).clamp(0.0, 1.0 - 1e-9);
    let (fixed, variable) = (fixed.max(0.0), variable.max(0.0));
    let t = if tail.share <= 0.0 || tail.ms <= 0.0 {
        variable * libm::log(1.0 / (1.0 - within))
    } else {
        mixture_quantile(within, variable, tail.share.min(1.0), tail.ms)
    };
    (fixed + t).min(deadline)
}

/// Share of answered requests slower than `limit` ms.
pub fn share_slower_than(limit: f64, fixed: f64, variable: f64, tail: Tail) -> f64 {
    let above = |shift: f64| {
        let u = limit - fixed.max(0.0) - shift;
        if u <= 0.0 {
            1.0
        } else if variable <= 0.0 || u > 40.0 * variable {
            // e^-40 ≈ 4e-18 vanishes beside 1 anyway: skip the call (the
            // common case, a healthy platform far below the limit).
            0.0
        } else {
            libm::exp(-u / variable)
        }
    };
    let s = tail.share.clamp(0.0, 1.0);
    // Without a slow tail its term is 0 · above = 0 exactly (`above` is a
    // finite share): skip its `exp` (the common case).
    let slow = if s > 0.0 {
        above(tail.ms.max(0.0))
    } else {
        0.0
    };
    (1.0 - s) * above(0.0) + s * slow
}

/// The `p`-quantile of `(1 − s)·Exp(v) + s·(x + Exp(v))`, by bisection on
/// its distribution function (it has no closed form).
fn mixture_quantile(p: f64, v: f64, s: f64, x: f64) -> f64 {
    let below = |t: f64| {
        let e = |u: f64| {
            if u <= 0.0 {
                0.0
            } else if v <= 0.0 {
                1.0
            } else {
                1.0 - libm::exp(-u / v)
            }
        };
        (1.0 - s) * e(t) + s * e(t - x)
    };
    let (mut lo, mut hi) = (0.0, x + v.max(1e-9) * libm::log(1.0 / (1.0 - p)) + 1.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if below(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_answered_exponential_p95_is_three_means_and_fixed_part_adds_once() {
        let p95 = quantile(0.95, Refused::NONE, 1.0, 0.0, 100.0, Tail::NONE, 1e9);
        assert!((p95 - 299.57).abs() < 0.01, "{p95}");
        let p95 = quantile(0.95, Refused::NONE, 1.0, 50.0, 10.0, Tail::NONE, 1e9);
        assert!((p95 - 79.96).abs() < 0.01, "{p95}");
        let p99 = quantile(0.99, Refused::NONE, 1.0, 0.0, 100.0, Tail::NONE, 1e9);
        assert!((p99 - 460.5).abs() < 0.1, "{p99}");
    }

    #[test]
    fn a_slow_tail_moves_the_p99_only_once_its_share_passes_one_percent() {
        // Normal: fixed 60 ms plus an exponential of mean 11 ms (p99 ≈ 111 ms).
        let p99 = |t: Tail| quantile(0.99, Refused::NONE, 1.0, 60.0, 11.0, t, 30_000.0);
        let normal = p99(Tail::NONE);
        assert!((normal - 110.66).abs() < 0.1, "{normal}");
        // Half a percent 1.5 s slower: the p99 barely moves.
        let few = p99(Tail {
            share: 0.005,
            ms: 1500.0,
        });
        assert!(few > normal && few < normal + 20.0, "{few}");
        // Two percent: the p99 is among the slow, ~1.5 s later.
        let many = p99(Tail {
            share: 0.02,
            ms: 1500.0,
        });
        assert!(
            (many - (60.0 + 1500.0 + 11.0 * 2f64.ln())).abs() < 1.0,
            "{many}"
        );
        // The mean moved by 30 ms only.
        assert_eq!(
            Tail {
                share: 0.02,
                ms: 1500.0
            }
            .mean_ms(),
            30.0
        );
        // Never beyond the deadline.
        assert_eq!(
            quantile(
                0.99,
                Refused::NONE,
                1.0,
                60.0,
                11.0,
                Tail {
                    share: 0.5,
                    ms: 1e6
                },
                30_000.0
            ),
            30_000.0
        );
    }

    #[test]
    fn tails_combine_keeping_the_mean_delay() {
        let a = Tail {
            share: 0.02,
            ms: 1000.0,
        };
        // Two calls in a row, each with a's tail.
        let unslowed = 0.98 * 0.98;
        let t = Tail::NONE.then(unslowed, 2.0 * a.mean_ms());
        assert!((t.share - 0.0396).abs() < 1e-12, "{t:?}");
        assert!((t.mean_ms() - 40.0).abs() < 1e-9, "{t:?}");
        // Half the calls moved to a backup without a tail.
        let b = a.blend(Tail::NONE, 0.5);
        assert_eq!((b.share, b.ms), (0.01, 1000.0));
        // A capped mean latency caps the tail's delay.
        assert_eq!(a.within(10.0), (0.02, 500.0));
        assert_eq!(Tail::NONE.within(10.0), (0.0, 0.0));
    }

    #[test]
    fn share_slower_than_counts_both_modes() {
        let t = Tail {
            share: 0.02,
            ms: 1500.0,
        };
        // Nothing normal takes a second; every slow request does.
        let s = share_slower_than(1000.0, 60.0, 11.0, t);
        assert!((s - 0.02).abs() < 1e-6, "{s}");
        assert!(share_slower_than(1000.0, 60.0, 11.0, Tail::NONE) < 1e-30);
        // Below the fixed part everything is slower.
        assert_eq!(share_slower_than(50.0, 60.0, 11.0, t), 1.0);
    }

    #[test]
    fn timeouts_and_fast_failures_move_the_percentile() {
        // 6% time out: the p95 is the deadline.
        assert_eq!(
            quantile(0.95, Refused::NONE, 0.94, 50.0, 10.0, Tail::NONE, 30_000.0),
            30_000.0
        );
        // 96% fail fast (429s): the p95 is a refusal's round trip.
        let refused = |share| Refused { share, ms: 15.0 };
        assert_eq!(
            quantile(0.95, refused(0.96), 0.04, 50.0, 10.0, Tail::NONE, 30_000.0),
            15.0
        );
        // Everything refused: the same.
        assert_eq!(
            quantile(0.95, refused(1.0), 0.0, 0.0, 0.0, Tail::NONE, 30_000.0),
            15.0
        );
        // Nothing answered and nothing refused: all time out.
        assert_eq!(
            quantile(0.95, Refused::NONE, 0.0, 0.0, 0.0, Tail::NONE, 30_000.0),
            30_000.0
        );
        // Half fail fast: the p95 is the answered share's p90.
        let p = quantile(0.95, refused(0.5), 0.5, 0.0, 100.0, Tail::NONE, 30_000.0);
        assert!((p - 230.26).abs() < 0.01, "{p}");
        // Never beyond the deadline.
        assert_eq!(
            quantile(0.95, Refused::NONE, 1.0, 0.0, 1e9, Tail::NONE, 5_000.0),
            5_000.0
        );
    }
}
