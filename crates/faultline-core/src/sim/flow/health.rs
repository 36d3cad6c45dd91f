//! Health for the diagram and the event log: classification, and the
//! changes the log tells (with the causes `blame` finds).

use super::blame::RETRIES_EXPLAIN;
use super::*;
use crate::units;

/// The shortest queueing wait that can make a component degraded, ms.
const MIN_NOTICED_WAIT_MS: f64 = 1.0;

impl State {
    pub(super) fn classify(&self, i: usize) -> Health {
        let c = &self.comps[i];
        if c.down {
            return if c.crashed > 0.0 && !c.killed && !self.orch_down {
                Health::Recovering
            } else {
                Health::Down
            };
        }
        if c.fo_from.is_some_and(|first| {
            self.fos[first..]
                .iter()
                .any(|f| f.from == i && f.f.moved > 0.0 && f.f.phase != Phase::FailingBack)
        }) {
            return Health::FailingOver;
        }
        let qmax: f64 = c.p.queue_limit;
        let q: f64 = c.queue.iter().sum();
        if c.arrivals * (1.0 - c.rl) > c.capacity * 1.0001 || (qmax > 0.0 && q > 0.5 * qmax) {
            return Health::Overloaded;
        }
        if c.crashed > 0.0 || c.rolling_down > 0.0 {
            return Health::Recovering;
        }
        // Seed 002's canary rolls back on "response time > 2x baseline":
        // a component whose queues more than double its unloaded response
        // time is degraded, though every request still succeeds (a
        // bottleneck whose callers time out shows their errors, not its own).
        // A wait under a millisecond is below what any caller notices, so
        // a sub-millisecond service doubling its time is not news.
        let unloaded_ms = c.p.service_ms + c.p.base_latency_ms;
        if c.err > 0.01 + c.p.base_error_rate
            || c.own_wait_ms > unloaded_ms.max(MIN_NOTICED_WAIT_MS)
            || c.cap_frac < 1.0
            || c.extra_ms > 0.0
            || c.own_tail.share > 0.0
            || c.mem_frac > 0.9
        {
            return Health::Degraded;
        }
        Health::Healthy
    }

    #[inline(never)]
    pub(super) fn health(&mut self) {
        let tick = self.scenario.tick_ms;
        // Components an action struck directly (killed, degraded...) go
        // first, so that a component hit in the same tick through them
        // (a database flooded by a killed cache's misses) can name their
        // news as its cause; within each pass, callees before callers. (One
        // that turns healthy in the first pass clears its cause and is
        // looked at again in the second, which finds nothing to change.)
        let struck = |st: &State, i: usize| st.comps[i].cause.is_some();
        for pass in [true, false] {
            for oi in (0..self.order.len()).rev() {
                let i = self.order[oi];
                if struck(self, i) == pass {
                    self.health_of(i, tick);
                }
            }
        }
    }

    /// Classifies component `i` and logs a change of health with its cause.
    fn health_of(&mut self, i: usize, tick: u64) {
        let h = self.classify(i);
        if h != Health::Healthy || self.comps[i].health == Health::Healthy {
            self.comps[i].calm_ms = 0;
        }
        if h == self.comps[i].health {
            return;
        }
        if h == Health::Healthy {
            // Worse news shows at once; "healthy again" only after
            // HEALTHY_HOLD_MS of calm, so a component whose callers'
            // breakers flap does not blink green every other second.
            self.comps[i].calm_ms += tick;
            if self.comps[i].calm_ms < HEALTHY_HOLD_MS {
                return;
            }
        }
        let old = self.comps[i].health;
        self.comps[i].health = h;
        // A change from one trouble to another with nothing new to blame
        // (an overload whose queue is still draining) goes on from the old;
        // a trouble with nothing at all to blame, from the last action
        // that struck the component or one behind it.
        let cause = if h == Health::Healthy {
            self.comps[i].health_event
        } else {
            self.blame(i)
                .or(self.comps[i].health_event)
                .or_else(|| self.struck_at_or_below(i))
        };
        let why = match h {
            Health::Healthy => "healthy again".to_string(),
            Health::Degraded => format!(
                "degraded: {:.1}% errors, {}",
                self.comps[i].err * 100.0,
                units::millis(self.comps[i].latency)
            ),
            Health::Overloaded => {
                let words = overload_words(self.comps[i].arrivals, self.comps[i].capacity);
                let retried = self.retried_share_at(i);
                if retried >= RETRIES_EXPLAIN {
                    format!("{words}, {} of it retries", units::percent(100.0 * retried))
                } else {
                    words
                }
            }
            Health::Down => "down: no live servers".to_string(),
            Health::FailingOver => "failing over to its backup".to_string(),
            Health::Recovering => "recovering: servers restarting".to_string(),
        };
        let m = format!("{} {why} (was {})", self.name(i), health_word(old));
        let ev = self.push_event(EventKind::Health, Some(i), m, cause);
        if h == Health::Healthy {
            self.comps[i].cause = None;
            self.comps[i].health_event = None;
        } else {
            self.comps[i].health_event = Some(ev);
        }
    }
}

/// "overloaded: 3.11M req/s arriving for 2.50M req/s of capacity"; where
/// the two round to the same figure, the demand as a share of capacity
/// ("1.25M req/s arriving, 100.3% of capacity"), so the words still say it is over.
fn overload_words(arrivals: f64, capacity: f64) -> String {
    let (a, c) = (units::count(arrivals), units::count(capacity));
    if a == c && capacity > 0.0 {
        format!(
            "overloaded: {a} req/s arriving, {:.1}% of capacity",
            arrivals / capacity * 100.0
        )
    } else {
        format!("overloaded: {a} req/s arriving for {c} req/s of capacity")
    }
}

pub(super) fn health_word(h: Health) -> &'static str {
    match h {
        Health::Healthy => "healthy",
        Health::Degraded => "degraded",
        Health::Overloaded => "overloaded",
        Health::Down => "down",
        Health::FailingOver => "failing over",
        Health::Recovering => "recovering",
    }
}

#[cfg(test)]
mod tests {
    use super::overload_words;

    #[test]
    fn an_overload_reads_as_over_even_when_the_figures_round_alike() {
        assert_eq!(
            overload_words(3_114_817.0, 2_500_000.0),
            "overloaded: 3.11M req/s arriving for 2.50M req/s of capacity"
        );
        assert_eq!(
            overload_words(1_253_000.0, 1_249_000.0),
            "overloaded: 1.25M req/s arriving, 100.3% of capacity"
        );
    }
}
