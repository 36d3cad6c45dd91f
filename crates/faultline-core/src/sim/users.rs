//! Users by region and connection state: connected, reconnecting, offline.
//!
//! Per region, each tick of `dt` seconds (rates per second):
//! - connected users drop when heartbeats fail: `C · (1 − ok_hb) / T_hb`
//!   (a missed heartbeat ACK closes the socket; seed 002: `T_hb` = 41.25 s),
//!   plus natural churn `C / T_session` (they reconnect at once);
//!   a simplification: a churned user whose reconnect fails stays counted
//!   as connected (the attempt is load and counts in the connect rate, but
//!   the user is neither reconnecting nor affected). Making such users back
//!   off from stage 1 is physically right, but it moves the calibrated
//!   2022 cascade's switches and the us-east failover's recovery (tried
//!   2026-12-05: two switches and two bands lost), so it waits for a
//!   recalibration;
//! - reconnecting users back off: they sit in [`STAGES`] stages, stage `i`
//!   trying every `T_i = min(T_rc · 3^i, T_cap)` on average (attempts
//!   `R_i / T_i`, a fluid form of jittered exponential backoff); a share
//!   `ok_connect` of attempts succeeds, a failed attempt moves the user one
//!   stage on (the last stage keeps the cap). Without backoff (`T_cap =
//!   T_rc`) a herd that fails keeps hammering the gateway at full rate;
//!   with it the retry rate of a failing herd falls ~×12 within a minute;
//! - reconnecting users give up after `T_give_up` (→ offline) and offline
//!   users return after `T_return` (→ reconnecting).
//!
//! Transitions are computed from the start-of-tick state and each outflow is
//! capped at its stock, so `C + R + O` is conserved exactly up to rounding
//! and no state goes negative. The connect attempts are the gateway-connect
//! request lane: a herd of reconnects is load that admission control (a cap
//! on connects admitted per second) can flatten.

use super::snapshot::Users;

/// Reconnect backoff stages (waits `T_rc`, `3·T_rc`, `9·T_rc`, `27·T_rc`, each capped).
pub const STAGES: usize = 4;

/// Reconnecting users by backoff stage; their sum is [`Users::reconnecting`].
pub type Stages = [f64; STAGES];

/// Rates that drive one region's transitions in one tick.
#[derive(Clone, Copy, Debug)]
pub struct UserRates {
    /// Heartbeat success share, `0..=1`.
    pub heartbeat_ok: f64,
    /// Connect success share, `0..=1`.
    pub connect_ok: f64,
    /// Heartbeat interval, s.
    pub heartbeat_s: f64,
    /// Mean reconnect wait after a drop (first backoff stage), s.
    pub reconnect_s: f64,
    /// Longest mean reconnect wait (backoff cap), s.
    pub reconnect_cap_s: f64,
    /// Mean time before giving up, s.
    pub give_up_s: f64,
    /// Mean time offline before returning, s.
    pub return_s: f64,
    /// Mean connection lifetime, s.
    pub session_s: f64,
}

/// Mean wait before the next attempt in backoff stage `i`, s.
pub fn stage_wait_s(r: &UserRates, i: usize) -> f64 {
    let mut w = r.reconnect_s;
    for _ in 0..i {
        w *= 3.0;
    }
    w.min(r.reconnect_cap_s.max(r.reconnect_s))
}

/// Connect attempts per second a region makes (reconnecting users in every
/// backoff stage, plus churn).
pub fn connect_attempts(u: &Users, stages: &Stages, r: &UserRates) -> f64 {
    let mut a = u.connected / r.session_s;
    for (i, &n) in stages.iter().enumerate() {
        a += n / stage_wait_s(r, i);
    }
    a
}

/// Advances one region by `dt` seconds. `stages` must sum to
/// `u.reconnecting`; both are updated. Returns (dropped, reconnected) counts.
pub fn advance(u: &mut Users, stages: &mut Stages, r: &UserRates, dt: f64) -> (f64, f64) {
    let c = u.connected;
    let o = u.offline;
    let frac = |rate_per_s: f64| -> f64 { (rate_per_s * dt).clamp(0.0, 1.0) };
    let drop = c * frac((1.0 - r.heartbeat_ok).clamp(0.0, 1.0) / r.heartbeat_s);
    let ok = r.connect_ok.clamp(0.0, 1.0);
    let give = frac(1.0 / r.give_up_s);
    let returning = o * frac(1.0 / r.return_s);
    let mut next = [0.0; STAGES];
    let (mut back, mut gave_up) = (0.0, 0.0);
    for i in 0..STAGES {
        let n = stages[i];
        let attempts = n * frac(1.0 / stage_wait_s(r, i));
        let b = attempts * ok;
        let failed = attempts - b;
        let waiting = n - attempts;
        back += b;
        gave_up += (waiting + failed) * give;
        next[i] += waiting * (1.0 - give);
        next[(i + 1).min(STAGES - 1)] += failed * (1.0 - give);
    }
    // A fresh drop (or a user coming back) starts at the first stage.
    next[0] += drop + returning;
    u.connected = c - drop + back;
    u.offline = o + gave_up - returning;
    let mut rc = 0.0;
    for n in &mut next {
        if *n < 0.0 {
            *n = 0.0;
        }
        rc += *n;
    }
    *stages = next;
    u.reconnecting = rc;
    for v in [&mut u.connected, &mut u.offline] {
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
            reconnect_cap_s: 60.0,
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
        let mut st = [0.0; STAGES];
        for _ in 0..120 {
            advance(&mut u, &mut st, &rates(0.0, 0.0), 1.0);
            assert!((st.iter().sum::<f64>() - u.reconnecting).abs() < 1e-6);
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
        let mut st = [1e6, 0.0, 0.0, 0.0];
        for _ in 0..60 {
            advance(&mut u, &mut st, &rates(1.0, 1.0), 1.0);
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
                &[5.0, 0.0, 0.0, 0.0],
                &r
            ) - 2.0)
                .abs()
                < 1e-12
        );
    }

    #[test]
    fn a_failing_herd_backs_off_and_a_working_gateway_takes_it_back() {
        let r = rates(1.0, 0.0);
        let mut u = Users {
            connected: 0.0,
            reconnecting: 1e6,
            offline: 0.0,
        };
        let mut st = [1e6, 0.0, 0.0, 0.0];
        let first = connect_attempts(&u, &st, &r);
        assert!((first - 2e5).abs() < 1.0, "every 5 s at first: {first}");
        for _ in 0..120 {
            advance(&mut u, &mut st, &r, 1.0);
        }
        let later = connect_attempts(&u, &st, &r);
        assert!(later < first / 8.0, "backed off: {first} -> {later}");
        assert!(st[STAGES - 1] > 0.5 * u.reconnecting, "{st:?}");
        // Without backoff (cap = first wait) the rate stays put.
        let flat = UserRates {
            reconnect_cap_s: 5.0,
            ..r
        };
        let mut u2 = Users {
            connected: 0.0,
            reconnecting: 1e6,
            offline: 0.0,
        };
        let mut st2 = [1e6, 0.0, 0.0, 0.0];
        for _ in 0..120 {
            advance(&mut u2, &mut st2, &flat, 1.0);
        }
        let flat_rate = connect_attempts(&u2, &st2, &flat);
        assert!(flat_rate > 0.8 * u2.reconnecting / 5.0, "{flat_rate}");
        // Once connects work, backed-off users still come back, more slowly.
        let ok = rates(1.0, 1.0);
        for _ in 0..300 {
            advance(&mut u, &mut st, &ok, 1.0);
        }
        assert!(u.connected > 0.95 * (u.connected + u.reconnecting), "{u:?}");
    }
}
