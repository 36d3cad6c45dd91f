//! Queueing: latency against utilisation, the M/M/c way.
//!
//! For `c` servers of rate `μ` each and Poisson arrivals `λ` (offered load
//! `a = λ/μ`, utilisation `ρ = a/c`), the probability an arrival waits is
//! Erlang C, computed through the Erlang B recurrence
//! `B₀ = 1, Bₖ = a·Bₖ₋₁ / (k + a·Bₖ₋₁)`, `C = B / (1 − ρ(1 − B))`.
//! The mean wait is `W_q = C / (cμ − λ)`, the wait tail
//! `P(W_q > t) = C·e^{−(cμ−λ)t}`, and by Little's law the mean queue is
//! `L_q = λ·W_q`. Constant service times (M/D/c) wait about half as long
//! (Allen–Cunneen: `W_q ≈ W_q(M/M/c)·(1 + c_s²)/2` with `c_s² = 0`).
//!
//! Computing C exactly costs O(c) per call, so each component keeps an
//! [`ErlangTable`]: C at 129 utilisations, linearly interpolated, rebuilt
//! only when the number of live servers changes (in 2% steps above 50
//! servers; the shape is capped at 4000 servers, where C is negligible below
//! ρ ≈ 0.98 anyway).

/// Exact Erlang C: probability of waiting with `c` servers and offered load `a` Erlangs.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let c = c.max(1);
    let rho = a / c as f64;
    if rho >= 1.0 {
        return 1.0;
    }
    if a <= 0.0 {
        return 0.0;
    }
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    b / (1.0 - rho * (1.0 - b))
}

/// Mean M/M/c queueing delay in seconds (infinite at or above saturation).
pub fn mmc_wait_s(c: u32, lambda: f64, mu: f64) -> f64 {
    let cap = c.max(1) as f64 * mu;
    if lambda >= cap {
        return f64::INFINITY;
    }
    erlang_c(c, lambda / mu) / (cap - lambda)
}

const POINTS: usize = 128;

/// Erlang C as a function of utilisation for one server count, tabulated.
#[derive(Clone, Debug)]
pub struct ErlangTable {
    key: u32,
    c: [f64; POINTS + 1],
}

impl ErlangTable {
    /// A table for `servers` servers.
    pub fn new(servers: f64) -> Self {
        let mut t = ErlangTable {
            key: u32::MAX,
            c: [0.0; POINTS + 1],
        };
        t.ensure(servers);
        t
    }

    fn quantise(servers: f64) -> u32 {
        let s = servers.round().clamp(1.0, 4000.0);
        if s <= 50.0 {
            s as u32
        } else {
            // 2% steps: round to the nearest power of 1.02.
            let step = libm::round(libm::log(s) / libm::log(1.02));
            libm::round(libm::pow(1.02, step)) as u32
        }
    }

    /// Rebuilds the table if `servers` maps to a different server count. Returns true if rebuilt.
    pub fn ensure(&mut self, servers: f64) -> bool {
        let key = Self::quantise(servers);
        if key == self.key {
            return false;
        }
        self.key = key;
        for i in 0..=POINTS {
            let rho = i as f64 / POINTS as f64;
            self.c[i] = erlang_c(key, rho * key as f64);
        }
        true
    }

    /// The server count the table was built for.
    pub fn servers(&self) -> u32 {
        self.key
    }

    /// Erlang C at utilisation `rho` (clamped to `[0, 1]`).
    pub fn at(&self, rho: f64) -> f64 {
        let x = rho.clamp(0.0, 1.0) * POINTS as f64;
        let i = (x as usize).min(POINTS - 1);
        let f = x - i as f64;
        self.c[i] + (self.c[i + 1] - self.c[i]) * f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_known_values() {
        // M/M/1: C = ρ.
        assert!((erlang_c(1, 0.7) - 0.7).abs() < 1e-12);
        // Textbook value: c = 2, a = 1 → C = 1/3.
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
        // c = 10, a = 8: C ≈ 0.4092.
        assert!((erlang_c(10, 8.0) - 0.4092).abs() < 1e-3);
    }

    #[test]
    fn little_law_for_mm1() {
        // M/M/1 at ρ = 0.8, μ = 10/s: W_q = ρ/(μ−λ) = 0.4 s; L_q = λW_q = 3.2 = ρ²/(1−ρ).
        let w = mmc_wait_s(1, 8.0, 10.0);
        assert!((w - 0.4).abs() < 1e-12);
        assert!((8.0 * w - 0.64 / 0.2).abs() < 1e-9);
    }

    #[test]
    fn table_matches_exact_within_a_percent() {
        for servers in [1.0, 4.0, 16.0, 64.0, 400.0] {
            let t = ErlangTable::new(servers);
            let c = t.servers();
            for i in 1..98 {
                let rho = i as f64 / 100.0;
                let exact = erlang_c(c, rho * c as f64);
                let got = t.at(rho);
                assert!(
                    (got - exact).abs() < 0.01 + 0.02 * exact,
                    "c={c} rho={rho} {got} vs {exact}"
                );
            }
        }
    }
}
