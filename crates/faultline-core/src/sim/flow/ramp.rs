//! A setting that moves to a new value at once or in a straight line over
//! some seconds: a surge's load multiplier, the users' traffic multiplier
//! (an event's crowd arrives over minutes, and leaves the same way).

/// A value on its way to the last one set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Ramp {
    /// The value in effect now.
    pub now: f64,
    /// The value last set, which `now` reaches when the ramp ends.
    pub target: f64,
    /// How far `now` moves per second while it differs from `target`.
    step_per_s: f64,
}

impl Ramp {
    /// A value that stays at `v` until set.
    pub fn at(v: f64) -> Ramp {
        Ramp {
            now: v,
            target: v,
            step_per_s: 0.0,
        }
    }

    /// Sets `target`, reached `ramp_s` seconds from now in a straight line
    /// from where the value is (so a ramp that overtakes another carries
    /// on from it), or at once with `ramp_s = 0`.
    pub fn set(&mut self, target: f64, ramp_s: f64) {
        self.target = target;
        if ramp_s > 0.0 {
            self.step_per_s = (target - self.now).abs() / ramp_s;
        } else {
            self.now = target;
            self.step_per_s = 0.0;
        }
    }

    /// Moves `now` one tick of `dt` seconds towards the target, landing
    /// exactly on it. True if it moved.
    pub fn advance(&mut self, dt: f64) -> bool {
        if self.now == self.target {
            return false;
        }
        let step = self.step_per_s * dt;
        self.now = if self.target > self.now {
            (self.now + step).min(self.target)
        } else {
            (self.now - step).max(self.target)
        };
        true
    }

    /// The larger of where it is and where it is going.
    pub fn peak(&self) -> f64 {
        self.now.max(self.target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ramp_moves_in_a_straight_line_and_lands_on_its_target() {
        let mut r = Ramp::at(1.0);
        assert!(!r.advance(1.0), "nothing set: nothing moves");
        r.set(3.0, 4.0);
        assert_eq!(r.now, 1.0, "a ramp starts where the value is");
        assert!(r.advance(1.0));
        assert_eq!(r.now, 1.5);
        for _ in 0..10 {
            r.advance(1.0);
        }
        assert_eq!(r.now, 3.0, "it stops on the target, not past it");
        // Overtaken half-way down: the new ramp starts from where it is.
        r.set(1.0, 2.0);
        r.advance(1.0);
        assert_eq!(r.now, 2.0);
        r.set(5.0, 3.0);
        r.advance(1.0);
        assert_eq!(r.now, 3.0);
        assert_eq!(r.peak(), 5.0);
        // At once.
        r.set(2.0, 0.0);
        assert_eq!((r.now, r.target), (2.0, 2.0));
        assert!(!r.advance(1.0));
    }
}
