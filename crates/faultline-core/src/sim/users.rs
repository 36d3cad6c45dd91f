//! Users by region and connection state: connected, reconnecting, offline.
//!
//! Per region, each tick of `dt` seconds (rates per second):
//! - connected users drop when heartbeats fail: `C · (1 − ok_hb) / T_hb`
//!   (a missed heartbeat ACK closes the socket; seed 002: `T_hb` = 41.25 s),
//!   plus natural churn `C / T_session` (they reconnect at once);
//! - reconnecting users try every `T_rc` on average: attempts `R / T_rc`,
//!   of which a share `ok_connect` succeeds; the rest stay reconnecting;
//! - reconnecting users give up after `T_give_up` (→ offline) and offline
//!   users return after `T_return` (→ reconnecting).
//!
//! Transitions are computed from the start-of-tick state and each outflow is
//! capped at its stock, so `C + R + O` is conserved exactly up to rounding
//! and no state goes negative. The connect attempts are the gateway-connect
//! request lane: a herd of reconnects is load that admission control (a cap
//! on connects admitted per second) can flatten.

use super::snapshot::Users;

/// Rates that drive one region's transitions in one tick.
#[derive(Clone, Copy, Debug)]
pub struct UserRates {
    /// Heartbeat success share, `0..=1`.
    pub heartbeat_ok: f64,
    /// Connect success share, `0..=1`.
    pub connect_ok: f64,
    /// Heartbeat interval, s.
    pub heartbeat_s: f64,
    /// Mean reconnect wait, s.
    pub reconnect_s: f64,
    /// Mean time before giving up, s.
    pub give_up_s: f64,
    /// Mean time offline before returning, s.
    pub return_s: f64,
    /// Mean connection lifetime, s.
    pub session_s: f64,
}

/// Connect attempts per second a region makes (reconnecting users plus churn).
pub fn connect_attempts(u: &Users, r: &UserRates) -> f64 {
    u.reconnecting / r.reconnect_s + u.connected / r.session_s
}

/// Advances one region by `dt` seconds. Returns (dropped, reconnected) counts.
pub fn advance(u: &mut Users, r: &UserRates, dt: f64) -> (f64, f64) {
    let c = u.connected;
    let rc = u.reconnecting;
    let o = u.offline;
    let frac = |rate_per_s: f64| -> f64 { (rate_per_s * dt).clamp(0.0, 1.0) };
    let drop = c * frac((1.0 - r.heartbeat_ok).clamp(0.0, 1.0) / r.heartbeat_s);
    let tries = frac(1.0 / r.reconnect_s);
    let back = rc * tries * r.connect_ok.clamp(0.0, 1.0);
    let give_up = (rc - back).max(0.0) * frac(1.0 / r.give_up_s);
    let returning = o * frac(1.0 / r.return_s);
    u.connected = c - drop + back;
    u.reconnecting = rc + drop - back - give_up + returning;
    u.offline = o + give_up - returning;
    for v in [&mut u.connected, &mut u.reconnecting, &mut u.offline] {
        if *v < 0.0 {
            *v = 0.0;
        }
    }
    (drop, back)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates(hb: f64, conn: f64) -> UserRates {
        UserRates {
            heartbeat_ok: hb,
            connect_ok: conn,
            heartbeat_s: 41.25,
            reconnect_s: 5.0,
            give_up_s: 600.0,
            return_s: 1800.0,
            session_s: 3600.0,
        }
    }

    #[test]
    fn conserved_and_drains_when_heartbeats_fail() {
        let mut u = Users {
            connected: 1e6,
            reconnecting: 0.0,
            offline: 0.0,
        };
        for _ in 0..120 {
            advance(&mut u, &rates(0.0, 0.0), 1.0);
            let total = u.connected + u.reconnecting + u.offline;
            assert!((total - 1e6).abs() < 1e-3);
        }
        // After 120 s of failed heartbeats about 1 − e^{−120/41.25} ≈ 95% dropped.
        assert!(
            u.connected < 0.07e6 && u.connected > 0.03e6,
            "{}",
            u.connected
        );
    }

    #[test]
    fn reconnects_when_connect_works() {
        let mut u = Users {
            connected: 0.0,
            reconnecting: 1e6,
            offline: 0.0,
        };
        for _ in 0..60 {
            advance(&mut u, &rates(1.0, 1.0), 1.0);
        }
        assert!(u.connected > 0.99e6);
        let r = rates(1.0, 1.0);
        assert!(
            (connect_attempts(
                &Users {
                    connected: 3600.0,
                    reconnecting: 5.0,
                    offline: 0.0
                },
                &r
            ) - 2.0)
                .abs()
                < 1e-12
        );
    }
}
