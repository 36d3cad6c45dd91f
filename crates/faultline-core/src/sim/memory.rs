//! Memory: what fills a server until it crashes.
//!
//! Each server holds its idle footprint plus its share of the component's
//! queued requests and of the calls it buffers for a stalled dependency
//! (seed 004's sessions, seed 000's December 2023 router backlog):
//! `mem = base + items · item_kb / 1024 / live` (MB). At `mem ≥ limit` the
//! servers crash, losing what they held; restarts come back in batches.
//!
//! With items arriving at `r` per second per server the crash comes after
//! `(limit − mem₀) · 1024 / (r · item_kb)` seconds: headroom ÷ (event rate ×
//! event size), the relation `tests/sim_failures.rs` checks end to end.

/// Memory per live server, MB.
pub fn per_server_mb(base_mb: f64, items: f64, item_kb: f64, live: f64) -> f64 {
    if live <= 0.0 {
        return base_mb;
    }
    base_mb + items * item_kb / 1024.0 / live
}

/// With a load spread `s` (see `ComponentParams::memory_spread`), the live
/// servers sit at positions `x` spread evenly over `(−1, front)`, the one at
/// `x` holding `(1 + s·x) / (1 + s·x̄)` times the mean share `items / live`
/// (`x̄` their mean position). Returns the position above which a server
/// holds more than `limit_mb` (at least −1; `front` or more: nobody does),
/// and the memory of the most loaded live server, MB.
pub fn spread_front(
    base_mb: f64,
    limit_mb: f64,
    items: f64,
    item_kb: f64,
    live: f64,
    s: f64,
    front: f64,
) -> (f64, f64) {
    if s <= 0.0 {
        // Every server holds the mean: all full at once, or none.
        let top = per_server_mb(base_mb, items, item_kb, live);
        return (if top >= limit_mb { -1.0 } else { front }, top);
    }
    let mean_x = (front - 1.0) / 2.0;
    let per = if live > 0.0 { items / live } else { 0.0 };
    let at = |x: f64| base_mb + per * (1.0 + s * x) / (1.0 + s * mean_x) * item_kb / 1024.0;
    let top = at(front);
    if per <= 0.0 {
        return (if top >= limit_mb { -1.0 } else { front }, top);
    }
    let headroom_items = (limit_mb - base_mb) * 1024.0 / item_kb;
    let x = (headroom_items * (1.0 + s * mean_x) / per - 1.0) / s;
    (x.max(-1.0), top)
}

/// Servers at positions `(x, front)` out of those at `(−1, front)`, with load
/// spread `s`: their share of the servers and their share of the work held.
pub fn spread_share(x: f64, front: f64, s: f64) -> (f64, f64) {
    let x = x.clamp(-1.0, front);
    let w = |a: f64| a + s * a * a / 2.0;
    let servers = (front - x) / (front + 1.0);
    let all = w(front) - w(-1.0);
    let items = if all > 0.0 {
        (w(front) - w(x)) / all
    } else {
        servers
    };
    (servers, items)
}

/// Seconds until a server with `headroom_mb` left fills, gaining `rate` items
/// of `item_kb` per second.
pub fn time_to_limit_s(headroom_mb: f64, rate: f64, item_kb: f64) -> f64 {
    if rate <= 0.0 || item_kb <= 0.0 {
        return f64::INFINITY;
    }
    headroom_mb * 1024.0 / (rate * item_kb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_004_sessions_fill_in_about_ten_minutes() {
        // platform.toml: 4 GB of headroom per node, 4 KB per buffered event;
        // a third of ~5.2M events/s buffered over 1000 nodes ≈ 1750/s/node.
        let t = time_to_limit_s(4096.0, 1750.0, 4.0);
        assert!((500.0..700.0).contains(&t), "{t} s");
    }

    #[test]
    fn the_most_loaded_servers_fill_first() {
        // 100 MB of headroom; items averaging 80 MB a server, spread ±50%:
        // the servers above 80 MB × 1.25 = 100 MB, x > 0.5, are full.
        let items = 80.0 * 1024.0 * 10.0;
        let (x, top) = spread_front(0.0, 100.0, items, 1.0, 10.0, 0.5, 1.0);
        assert!((x - 0.5).abs() < 1e-9, "{x}");
        assert!((top - 120.0).abs() < 1e-9, "{top}");
        // A quarter of the servers, holding 11/32 of the items.
        let (servers, held) = spread_share(x, 1.0, 0.5);
        assert!((servers - 0.25).abs() < 1e-12);
        assert!((held - 0.34375).abs() < 1e-12, "{held}");
        // The survivors (x < 0.5) now hold 80 × (21/32) / 0.75 MB on average,
        // the most loaded of them exactly the limit: nobody else is full.
        let left = items * (1.0 - held);
        let (x2, top2) = spread_front(0.0, 100.0, left, 1.0, 7.5, 0.5, 0.5);
        assert!(
            (x2 - 0.5).abs() < 1e-9 && (top2 - 100.0).abs() < 1e-9,
            "{x2} {top2}"
        );
        // Without a spread all are full at once.
        assert_eq!(
            spread_front(0.0, 100.0, items * 1.3, 1.0, 10.0, 0.0, 1.0).0,
            -1.0
        );
    }

    #[test]
    fn memory_is_shared_over_live_servers() {
        assert_eq!(per_server_mb(512.0, 0.0, 4.0, 10.0), 512.0);
        assert_eq!(per_server_mb(512.0, 2560.0, 4.0, 10.0), 513.0);
        assert_eq!(per_server_mb(512.0, 2560.0, 4.0, 0.0), 512.0);
    }
}
