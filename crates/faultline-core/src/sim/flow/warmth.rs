//! The log's account of caches going cold and warming back up.
//!
//! A cache's health says whether it answers, not whether it still holds
//! what its callers ask for: a cache restarted after a crash is healthy
//! and empty, and every miss goes to the database behind it (seed 000:
//! "permission checks fall back to database, database load increases
//! significantly"; "5-10 minutes for full recovery"). So a cache that
//! loses half its warmth logs a `cache` event, with its cause, and another
//! when it is back to 95% of its usual hit rate; a look-aside cache whose
//! database answers too late never logs the second, which is the lesson.
//! While it is cold, the cold event is what a database it floods blames
//! (`State::blame`).

use super::*;
use crate::scenario::duration_in_words;
use crate::units;

/// Warmth (as a share of the usual hit rate) under which a cache is cold.
const COLD_BELOW: f64 = 0.5;

/// Warmth at which a cold cache is warm again: seed 000's recovery time is
/// the time to 95% (`sim::cache`).
const WARM_AGAIN: f64 = 0.95;

impl State {
    /// Logs each cache that went cold or is warm again this tick (see the
    /// module docs). Runs after `maintenance` has moved the warmth.
    pub(super) fn cache_news(&mut self) {
        for i in 0..self.comps.len() {
            let c = &self.comps[i];
            let usual = c.p.hit_rate;
            if usual <= 0.0 {
                continue;
            }
            let warmth = c.warm / usual;
            match c.cold_event {
                None if warmth < COLD_BELOW => {
                    let fallback: Vec<&str> = c
                        .fallback_edges
                        .iter()
                        .map(|&e| self.name(self.edges[e].to))
                        .collect();
                    let misses_go = if fallback.is_empty() {
                        String::new()
                    } else {
                        format!("; its misses fall to {}", fallback.join(", "))
                    };
                    let message = format!(
                        "{} went cold: hit rate {} of its usual {}{misses_go}",
                        self.name(i),
                        units::percent(100.0 * c.warm),
                        units::percent(100.0 * usual),
                    );
                    let cause = self.trouble_met_at(i);
                    let ev = self.push_event(EventKind::Cache, Some(i), message, cause);
                    self.comps[i].cold_event = Some(ev);
                }
                Some(cold) if warmth >= WARM_AGAIN => {
                    let took = self.now_ms.saturating_sub(self.events[cold].t_ms);
                    let message = format!(
                        "{} warm again: hit rate {} of its usual {}, {} after it went cold",
                        self.name(i),
                        units::percent(100.0 * c.warm),
                        units::percent(100.0 * usual),
                        duration_in_words(took),
                    );
                    self.push_event(EventKind::Cache, Some(i), message, Some(cold));
                    self.comps[i].cold_event = None;
                }
                _ => {}
            }
        }
    }
}
