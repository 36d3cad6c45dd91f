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
    fn memory_is_shared_over_live_servers() {
        assert_eq!(per_server_mb(512.0, 0.0, 4.0, 10.0), 512.0);
        assert_eq!(per_server_mb(512.0, 2560.0, 4.0, 10.0), 513.0);
        assert_eq!(per_server_mb(512.0, 2560.0, 4.0, 0.0), 512.0);
    }
}
