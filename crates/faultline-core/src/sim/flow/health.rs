//! Health for the diagram and the event log: classification, changes
//! and their causes.

use super::*;
use crate::units;

/// The shortest queueing wait that can make a component degraded, ms.
const MIN_NOTICED_WAIT_MS: f64 = 1.0;

impl State {
    pub(super) fn blame(&self, i: usize) -> Option<usize> {
        if let Some(c) = self.comps[i].cause {
            return Some(c);
        }
        // The earliest trouble among the components that explain this
        // one's: its failing dependencies, and the ones whose load moved
        // here (a failing cache's misses fall back to this database; a
        // failing primary's load fails over to this backup).
        let mut best: Option<usize> = None;
        // `cold_too`: a healthy cache that went cold counts as trouble too
        // (its misses flood the database behind it all the same).
        let mut consider = |j: usize, cold_too: bool| {
            let c = &self.comps[j];
            let news = if c.health != Health::Healthy {
                c.health_event.or(c.cause)
            } else if cold_too {
                c.cold_event
            } else {
                None
            };
            if let Some(h) = news {
                best = Some(best.map_or(h, |b: usize| b.min(h)));
            }
        };
        for &e in &self.comps[i].out_edges {
            consider(self.edges[e].to, false);
        }
        for e in &self.edges {
            if e.to == i {
                if let Some(cache) = e.route.miss_of {
                    consider(cache, true);
                }
            }
        }
        for f in &self.fos {
            if f.to == i && f.f.moved > 0.0 {
                consider(f.from, false);
            }
        }
        best.or_else(|| self.load_cause_of(i))
    }

    /// The trouble requests meet at component `i`: its own if it is in
    /// any, else the trouble it meets among its dependencies (a gateway
    /// overloaded behind a healthy edge), as `State::blame` finds it.
    pub(super) fn trouble_met_at(&self, i: usize) -> Option<usize> {
        let c = &self.comps[i];
        let own = if c.health != Health::Healthy {
            c.health_event.or(c.cause)
        } else {
            None
        };
        own.or_else(|| self.blame(i))
    }

    /// The load cause of the request class that makes up most of
    /// component `i`'s arrivals, among the classes that have one (a
    /// spike of voice joins is not why the session cache is overloaded);
    /// on a tie (no arrivals at all), the latest.
    fn load_cause_of(&self, i: usize) -> Option<usize> {
        let mix = &self.comps[i].mix;
        let mut best: Option<(f64, usize)> = None;
        for k in 0..NCLASS {
            if let Some(ev) = self.load_cause[k] {
                let better =
                    best.is_none_or(|(share, at)| mix[k] > share || (mix[k] == share && ev > at));
                if better {
                    best = Some((mix[k], ev));
                }
            }
        }
        best.map(|(_, ev)| ev)
    }

    /// The latest load cause of any class.
    fn latest_load_cause(&self) -> Option<usize> {
        self.load_cause.iter().flatten().copied().max()
    }

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

    /// The event that started the oldest trouble still going on: the
    /// earliest health event of a component that is not healthy (what an
    /// automatic trigger, which watches the whole platform, responds to).
    pub(super) fn oldest_trouble(&self) -> Option<usize> {
        self.comps
            .iter()
            .filter(|c| c.health != Health::Healthy)
            .filter_map(|c| c.health_event)
            .min()
            .or_else(|| self.latest_load_cause())
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
        let cause = if h == Health::Healthy {
            self.comps[i].health_event
        } else {
            self.blame(i)
        };
        let why = match h {
            Health::Healthy => "healthy again".to_string(),
            Health::Degraded => format!(
                "degraded: {:.1}% errors, {}",
                self.comps[i].err * 100.0,
                units::millis(self.comps[i].latency)
            ),
            Health::Overloaded => overload_words(self.comps[i].arrivals, self.comps[i].capacity),
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
