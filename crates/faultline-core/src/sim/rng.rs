//! The simulation's own random generator: PCG32 (O'Neill 2014, `XSH RR`
//! output on a 64-bit LCG), written out here so that the same seed gives the
//! same stream on every platform and every compiler, forever.
//!
//! Only integer arithmetic is used to produce bits; floats are made by
//! scaling 24 or 53 random bits, which is exact in IEEE-754. Normal-looking
//! noise comes from [`Pcg32::noise`], an Irwin–Hall sum of four uniforms (no
//! transcendental call, so it is cheap and bit-identical on wasm32).

/// PCG32: 64-bit state, 32-bit output, period 2^64 per stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pcg32 {
    state: u64,
    inc: u64,
}

const MULT: u64 = 6_364_136_223_846_793_005;

impl Pcg32 {
    /// A generator for `seed` on stream `stream` (the reference `pcg32_srandom`).
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut g = Pcg32 {
            state: 0,
            inc: (stream << 1) | 1,
        };
        g.next_u32();
        g.state = g.state.wrapping_add(seed);
        g.next_u32();
        g
    }

    /// The next 32 random bits.
    pub fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(MULT).wrapping_add(self.inc);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        let rot = (old >> 59) as u32;
        xorshifted.rotate_right(rot)
    }

    /// The next 64 random bits (two outputs, high word first).
    pub fn next_u64(&mut self) -> u64 {
        let hi = self.next_u32() as u64;
        let lo = self.next_u32() as u64;
        (hi << 32) | lo
    }

    /// A uniform float in `[0, 1)` with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Approximately standard-normal noise: the sum of four 16-bit uniforms,
    /// centred and scaled to unit variance (Irwin–Hall, n = 4), so it lies in
    /// `[-2√3, 2√3]`: no unbounded tails that could push a rate negative.
    pub fn noise(&mut self) -> f64 {
        let x = self.next_u64();
        let mut s = 0.0;
        for i in 0..4 {
            s += ((x >> (16 * i)) & 0xFFFF) as f64 * (1.0 / 65_536.0);
        }
        // Var of one U(0,1) is 1/12, of the sum 1/3; scale by √3.
        (s - 2.0) * 1.732_050_807_568_877_2
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }
}

impl rand::RngCore for Pcg32 {
    fn next_u32(&mut self) -> u32 {
        Pcg32::next_u32(self)
    }
    fn next_u64(&mut self) -> u64 {
        Pcg32::next_u64(self)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(4) {
            let v = Pcg32::next_u32(self).to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_reference_pcg32_stream() {
        // Reference values of pcg32_srandom(42, 54) from the PCG C library demo.
        let mut g = Pcg32::new(42, 54);
        let got: Vec<u32> = (0..6).map(|_| g.next_u32()).collect();
        assert_eq!(
            got,
            vec![0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e]
        );
    }

    #[test]
    fn noise_has_unit_variance_and_zero_mean() {
        let mut g = Pcg32::new(7, 1);
        let n = 200_000;
        let (mut s, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let x = g.noise();
            s += x;
            s2 += x * x;
        }
        let mean = s / n as f64;
        let var = s2 / n as f64 - mean * mean;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "var {var}");
    }

    #[test]
    fn floats_are_in_unit_interval() {
        let mut g = Pcg32::new(1, 2);
        for _ in 0..10_000 {
            let x = g.next_f64();
            assert!((0.0..1.0).contains(&x));
        }
    }
}
