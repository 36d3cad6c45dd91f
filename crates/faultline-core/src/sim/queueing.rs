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
//! ρ ≈ 0.98 anyway). A table costs 129 × c divisions, so a platform's
//! components that start at the same server count share one
//! ([`ErlangTable::shared`]), and the 129 recurrences run eight abreast.

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

/// Lanes of [`erlang_c_row`]'s interleaved recurrences.
const LANES: usize = 8;

/// `erlang_c(c, ρ·c)` at the table's `POINTS + 1` utilisations, bit for bit.
///
/// The Erlang B recurrence is a chain of divisions, each waiting for the
/// last, and a 4000-server table runs half a million of them. Running
/// `LANES` utilisations side by side lets the divider overlap them (and the
/// compiler use vector division), several times faster; every lane does
/// exactly `erlang_c`'s operations in its order, so the values are the same.
fn erlang_c_row(c: u32) -> [f64; POINTS + 1] {
    let c = c.max(1);
    let cf = c as f64;
    let mut row = [0.0; POINTS + 1];
    let mut first = 0;
    while first <= POINTS {
        let mut a = [0.0; LANES];
        let mut rho = [0.0; LANES];
        for (j, (a, rho)) in a.iter_mut().zip(rho.iter_mut()).enumerate() {
            // Lanes past the last point repeat it and are not kept.
            let i = (first + j).min(POINTS);
            *a = i as f64 / POINTS as f64 * cf;
            *rho = *a / cf;
        }
        let mut b = [1.0; LANES];
        for k in 1..=c {
            let k = k as f64;
            for j in 0..LANES {
                b[j] = a[j] * b[j] / (k + a[j] * b[j]);
            }
        }
        for j in 0..LANES.min(POINTS + 1 - first) {
            row[first + j] = if rho[j] >= 1.0 {
                1.0
            } else if a[j] <= 0.0 {
                0.0
            } else {
                b[j] / (1.0 - rho[j] * (1.0 - b[j]))
            };
        }
        first += LANES;
    }
    row
}

/// Erlang C as a function of utilisation for one server count, tabulated.
#[derive(Clone, Debug)]
pub struct ErlangTable {
    key: u32,
    /// The whole server count last asked for: the key depends only on it,
    /// and finding the key costs two logarithms and a power, so an
    /// unchanged count (the common case, tick after tick) skips them.
    asked: u32,
    c: [f64; POINTS + 1],
}

impl ErlangTable {
    /// A table for `servers` servers.
    pub fn new(servers: f64) -> Self {
        let mut t = ErlangTable {
            key: u32::MAX,
            asked: u32::MAX,
            c: [0.0; POINTS + 1],
        };
        t.ensure(servers);
        t
    }

    /// The whole server count, 1 to 4000, that `servers` stands for.
    fn whole(servers: f64) -> u32 {
        servers.round().clamp(1.0, 4000.0) as u32
    }

    /// The server count a table is built for: `whole` itself up to 50, in
    /// 2% steps above.
    fn quantise(whole: u32) -> u32 {
        let s = whole as f64;
        if s <= 50.0 {
            whole
        } else {
            // 2% steps: round to the nearest power of 1.02.
            let step = libm::round(libm::log(s) / libm::log(1.02));
            libm::round(libm::pow(1.02, step)) as u32
        }
    }

    /// Rebuilds the table if `servers` maps to a different server count. Returns true if rebuilt.
    pub fn ensure(&mut self, servers: f64) -> bool {
        let whole = Self::whole(servers);
        if whole == self.asked {
            return false;
        }
        self.asked = whole;
        let key = Self::quantise(whole);
        if key == self.key {
            return false;
        }
        self.key = key;
        self.c = erlang_c_row(key);
        true
    }

    /// A table for `servers` servers, copied from `built` if one there has
    /// the same server count, else computed and added to it. Components of
    /// one platform share many counts, and a copy costs far less than the
    /// computation (up to a millisecond for thousands of servers).
    pub fn shared(servers: f64, built: &mut Vec<ErlangTable>) -> Self {
        let whole = Self::whole(servers);
        let key = Self::quantise(whole);
        if let Some(t) = built.iter().find(|t| t.key == key) {
            return ErlangTable {
                asked: whole,
                ..t.clone()
            };
        }
        let t = Self::new(servers);
        built.push(t.clone());
        t
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
    fn interleaved_row_is_erlang_c_bit_for_bit() {
        for c in [1, 2, 7, 50, 51, 333, 4013] {
            let row = erlang_c_row(c);
            for (i, got) in row.iter().enumerate() {
                let rho = i as f64 / POINTS as f64;
                let exact = erlang_c(c, rho * c as f64);
                assert_eq!(got.to_bits(), exact.to_bits(), "c={c} i={i}");
            }
        }
    }

    #[test]
    fn shared_tables_equal_their_own_and_are_built_once() {
        let mut built = Vec::new();
        for servers in [400.0, 401.0, 12.0, 400.4, 12.2] {
            let shared = ErlangTable::shared(servers, &mut built);
            let own = ErlangTable::new(servers);
            assert_eq!(shared.servers(), own.servers());
            assert_eq!(shared.c.map(f64::to_bits), own.c.map(f64::to_bits));
            // Asked again for the same count, it keeps its table.
            let mut again = shared.clone();
            assert!(!again.ensure(servers));
        }
        // 400 and 401 fall in the same 2% step, 12 and 12.2 are both 12.
        assert_eq!(built.len(), 2);
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
