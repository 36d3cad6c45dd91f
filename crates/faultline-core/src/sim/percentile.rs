//! Response-time percentiles from the fluid model's shares and means.
//!
//! The engine knows, per request class, the share of requests that fail fast
//! (at ~0 ms: 429s, open breakers, rejected queues), the share answered in
//! time and the rest, which time out at the client's deadline. An answered
//! request takes a fixed part (network latency, added delay, a backlog's
//! wait, constant service times, summed along its calls) plus a variable
//! part (exponential service and queueing), whose mean is the rest of its
//! mean latency. The `q`-quantile of that mixture is then:
//! - the deadline, if more than `1 − q` of requests time out;
//! - ~0, if at least `q` fail fast;
//! - otherwise `fixed + variable · ln(1 / (1 − q'))` with
//!   `q' = (q − fast) / answered`, the exponential tail of the answered
//!   share (`ln 20 ≈ 3` for a p95 with nothing failing).
//!
//! Modelling the whole response time as one exponential (p95 = 3 × mean)
//! would put a platform whose latency is mostly network round trips far
//! above its real tail.

/// The `q`-quantile (`0 < q < 1`) of a response time, in ms (see the module docs).
pub fn quantile(q: f64, fast: f64, answered: f64, fixed: f64, variable: f64, deadline: f64) -> f64 {
    let fast = fast.clamp(0.0, 1.0);
    let answered = answered.clamp(0.0, 1.0 - fast);
    let slow = 1.0 - fast - answered;
    if slow > 1.0 - q + 1e-12 {
        return deadline;
    }
    if fast >= q || answered <= 0.0 {
        return 0.0;
    }
    let within = ((q - fast) / answered).clamp(0.0, 1.0 - 1e-9);
    (fixed.max(0.0) + variable.max(0.0) * libm::log(1.0 / (1.0 - within))).min(deadline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_answered_exponential_p95_is_three_means_and_fixed_part_adds_once() {
        let p95 = quantile(0.95, 0.0, 1.0, 0.0, 100.0, 1e9);
        assert!((p95 - 299.57).abs() < 0.01, "{p95}");
        let p95 = quantile(0.95, 0.0, 1.0, 50.0, 10.0, 1e9);
        assert!((p95 - 79.96).abs() < 0.01, "{p95}");
        let p99 = quantile(0.99, 0.0, 1.0, 0.0, 100.0, 1e9);
        assert!((p99 - 460.5).abs() < 0.1, "{p99}");
    }

    #[test]
    fn timeouts_and_fast_failures_move_the_percentile() {
        // 6% time out: the p95 is the deadline.
        assert_eq!(quantile(0.95, 0.0, 0.94, 50.0, 10.0, 30_000.0), 30_000.0);
        // 96% fail fast (429s): the p95 is ~0.
        assert_eq!(quantile(0.95, 0.96, 0.04, 50.0, 10.0, 30_000.0), 0.0);
        // Half fail fast: the p95 is the answered share's p90.
        let p = quantile(0.95, 0.5, 0.5, 0.0, 100.0, 30_000.0);
        assert!((p - 230.26).abs() < 0.01, "{p}");
        // Never beyond the deadline.
        assert_eq!(quantile(0.95, 0.0, 1.0, 0.0, 1e9, 5_000.0), 5_000.0);
    }
}
