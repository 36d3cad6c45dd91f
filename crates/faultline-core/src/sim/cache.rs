//! Caches in front of a database.
//!
//! A cache with steady hit rate `h` serves `h` of its callers' reads; the
//! rest go down the edge marked `miss_of` to the database. What counts is
//! the **current** hit rate `w` (its warmth), times the cache's own
//! availability: `miss = 1 − w·(1 − error)`. Losing a warm cache therefore
//! multiplies the database's read load by `1 / (1 − h)` (×10 at h = 0.9,
//! ×33 at h = 0.97): seed 000's "permission checks fall back to database,
//! database load increases significantly".
//!
//! A cache that restarts is cold (`w = 0`) and warms toward `h` as answers
//! come back: `dw/dt = (h − w) · fill / τ`, with τ = `warm_ms` (seed 000:
//! "5-10 minutes for full recovery", so τ ≈ 150 s gives 95% in 7.5 min).
//! What `fill` is decides whether it ever warms (DESIGN.md):
//! - **look-aside**: the caller writes the value after reading the
//!   database, only if the answer came back in time; `fill` = the timely
//!   success share of the fallback calls. A cache emptied under load, whose
//!   database is now too slow, stays cold for good;
//! - **read-through**: the cache fetches misses itself and keeps even late
//!   answers; `fill` = the share of fallback calls the database accepted.

/// Share of reads that miss (and go to the database), given the cache's
/// warmth and its own error rate.
pub fn miss_share(warm: f64, cache_error: f64) -> f64 {
    (1.0 - warm * (1.0 - cache_error.clamp(0.0, 1.0))).clamp(0.0, 1.0)
}

/// Warmth after `dt_ms` of filling at rate `fill` (`0..=1`) toward `hit_rate`.
pub fn warm_step(warm: f64, hit_rate: f64, fill: f64, dt_ms: f64, warm_ms: f64) -> f64 {
    let k = if warm_ms > 0.0 {
        (dt_ms / warm_ms).min(1.0)
    } else {
        1.0
    };
    (warm + (hit_rate - warm) * fill.clamp(0.0, 1.0) * k).clamp(0.0, hit_rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn losing_a_cache_multiplies_misses_by_one_over_one_minus_h() {
        for h in [0.5, 0.9, 0.97] {
            let ratio = miss_share(0.0, 0.0) / miss_share(h, 0.0);
            assert!((ratio - 1.0 / (1.0 - h)).abs() < 1e-9);
        }
        // An erroring cache is as good as a cold one.
        assert_eq!(miss_share(0.9, 1.0), 1.0);
    }

    #[test]
    fn warms_to_95_percent_in_three_time_constants_and_never_without_fill() {
        let (mut w, mut t) = (0.0, 0.0f64);
        while w < 0.95 * 0.9 {
            w = warm_step(w, 0.9, 1.0, 1000.0, 150_000.0);
            t += 1.0;
        }
        assert!((t - 450.0).abs() < 5.0, "{t} s");
        assert_eq!(warm_step(0.0, 0.9, 0.0, 1000.0, 150_000.0), 0.0);
    }
}
