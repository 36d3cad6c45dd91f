//! What the log blames a trouble on: the cause an event names when it is
//! written. An action that struck the component; else the trouble nearby
//! that explains it (a failing dependency, a cache gone cold, a primary
//! failing over); else the load a spike, a herd or a storm brought; else,
//! for an overload, the failures whose retries make it up, and for other
//! trouble, the nearest trouble further down; else the last action that
//! struck it or a component behind it. So every line of the log but the
//! actions traces back to one (the `sim_causes` and `sim_props` tests hold
//! the bundled scenarios and random action sequences to that).

use super::*;

/// Share of an overloaded component's arrivals that must be retries for
/// the retries to explain the overload: a tenth more load than users ask
/// for is what tips a service near its evening peak over.
pub(super) const RETRIES_EXPLAIN: f64 = 0.1;

impl State {
    /// The event that explains component `i`'s trouble (or, for a healthy
    /// component, the trouble it passes on): the action that struck it;
    /// else the earliest trouble among the components that explain it
    /// directly; else the load cause of its arrivals; else, for an
    /// overload, the trouble its callers' retries come back from, and for
    /// any other trouble, the nearest trouble further down its
    /// dependencies.
    pub(super) fn blame(&self, i: usize) -> Option<usize> {
        if self.comps[i].health == Health::Overloaded {
            self.blame_nearby(i)
                .or_else(|| self.load_cause_of(i))
                .or_else(|| self.retried_load_cause(i))
        } else {
            self.blame_besides_retries(i)
        }
    }

    /// `blame` for any trouble but an overload (which retries can explain).
    fn blame_besides_retries(&self, i: usize) -> Option<usize> {
        self.blame_nearby(i)
            .or_else(|| self.load_cause_of(i))
            .or_else(|| self.deep_dependency_trouble(i))
    }

    /// The action that struck component `i`, else the earliest trouble
    /// among the components that explain its own: its failing
    /// dependencies, and the ones whose load moved here (a failing
    /// cache's misses fall back to this database; a failing primary's load
    /// fails over to this backup).
    fn blame_nearby(&self, i: usize) -> Option<usize> {
        if let Some(c) = self.comps[i].cause {
            return Some(c);
        }
        let mut best: Option<usize> = None;
        // `cold_too`: a healthy cache that went cold counts as trouble too
        // (its misses flood the database behind it all the same).
        let mut consider = |j: usize, cold_too: bool| {
            if let Some(h) = self.news_of(j, cold_too) {
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
        best
    }

    /// The news that component `j` is in trouble: its health event (or
    /// the action that struck it) while it is not healthy, or the action
    /// that struck it too recently for its health to have been judged
    /// since (a breaker that opens in the tick after a kill, before
    /// `health` runs, blames the kill); with `cold_too`, also its going
    /// cold while it is a healthy cache.
    fn news_of(&self, j: usize, cold_too: bool) -> Option<usize> {
        let c = &self.comps[j];
        if c.health != Health::Healthy {
            c.health_event.or(c.cause)
        } else if let Some(struck) = c.cause.filter(|&ev| self.unjudged(ev)) {
            Some(struck)
        } else if cold_too {
            c.cold_event
        } else {
            None
        }
    }

    /// True if event `ev` may have come after the last health pass: it was
    /// logged in this tick, or between the last tick and this one (an
    /// action), which both bear this tick's time.
    fn unjudged(&self, ev: usize) -> bool {
        self.events[ev].t_ms >= self.now_ms
    }

    /// The earliest trouble among the nearest troubled components further
    /// down component `i`'s dependencies, through healthy ones: errors a
    /// healthy service passes on (the gateways failing the sessions' calls
    /// into a failing guild service) come from there.
    fn deep_dependency_trouble(&self, i: usize) -> Option<usize> {
        self.nearest_below(i, |j| self.news_of(j, false))
    }

    /// The earliest of the events `news` gives for the nearest components
    /// further down component `i`'s dependencies that it gives one for,
    /// searching through the ones it gives none for.
    fn nearest_below(&self, i: usize, news: impl Fn(usize) -> Option<usize>) -> Option<usize> {
        let mut seen = vec![false; self.comps.len()];
        seen[i] = true;
        let mut level: Vec<usize> = vec![i];
        while !level.is_empty() {
            let mut next = Vec::new();
            let mut best: Option<usize> = None;
            for &j in &level {
                for &e in &self.comps[j].out_edges {
                    let to = self.edges[e].to;
                    if std::mem::replace(&mut seen[to], true) {
                        continue;
                    }
                    match news(to) {
                        Some(h) => best = Some(best.map_or(h, |b: usize| b.min(h))),
                        None => next.push(to),
                    }
                }
            }
            if best.is_some() {
                return best;
            }
            level = next;
        }
        None
    }

    /// For component `i` overloaded with no trouble to blame: if retries
    /// make up at least [`RETRIES_EXPLAIN`] of its arrivals, the trouble
    /// the retried requests come back from (`State::entry_trouble`).
    /// Retries of failing message sends double Push's load before the
    /// clients' retries overall amount to a storm.
    fn retried_load_cause(&self, i: usize) -> Option<usize> {
        if self.retried_share_at(i) >= RETRIES_EXPLAIN {
            self.entry_trouble()
        } else {
            None
        }
    }

    /// Share of component `i`'s arrivals that are retries (see
    /// [`retried_share`]).
    pub(super) fn retried_share_at(&self, i: usize) -> f64 {
        retried_share(&self.comps[i].mix, &self.class_retry_shares())
    }

    /// Share of each class's attempts this tick that are retries.
    pub(super) fn class_retry_shares(&self) -> [f64; NCLASS] {
        std::array::from_fn(|k| {
            let attempts: f64 = self.att.iter().map(|a| a[k]).sum();
            if attempts > 0.0 {
                ((attempts - self.first[k]) / attempts).max(0.0)
            } else {
                0.0
            }
        })
    }

    /// The trouble requests meet at the entry of the region making the
    /// most of them, as `State::trouble_met_at` finds it but without
    /// putting an overload down to retries (it is what retries and
    /// automatic triggers are put down to).
    pub(super) fn entry_trouble(&self) -> Option<usize> {
        let sum = |r: usize| self.att[r].iter().sum::<f64>();
        let busiest =
            (0..self.att.len()).fold(0, |best, r| if sum(r) > sum(best) { r } else { best });
        let &(entry, _) = self.region_entry.get(busiest)?;
        self.news_of(entry, false)
            .or_else(|| self.blame_besides_retries(entry))
            .or_else(|| self.struck_at_or_below(entry))
    }

    /// The trouble requests meet at component `i`: its own if it is in
    /// any, else the trouble it meets among its dependencies (a gateway
    /// overloaded behind a healthy edge), as `State::blame` finds it, else
    /// the last action that struck it (a service answering with errors
    /// looks healthy while every caller's breaker keeps its calls away) or
    /// the nearest component behind it (errors too few to call a service
    /// degraded can still fail enough heartbeats to start a herd).
    pub(super) fn trouble_met_at(&self, i: usize) -> Option<usize> {
        self.news_of(i, false)
            .or_else(|| self.blame(i))
            .or_else(|| self.struck_at_or_below(i))
    }

    /// The last action that struck component `i`, else the nearest
    /// component further down its dependencies that one struck.
    pub(super) fn struck_at_or_below(&self, i: usize) -> Option<usize> {
        self.comps[i]
            .struck
            .or_else(|| self.nearest_below(i, |j| self.comps[j].struck))
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
}

/// Share of the arrivals with class mix `mix` that are retries, taking each
/// class's share of retries among its attempts (`shares`) as its share
/// among those arrivals.
pub(super) fn retried_share(mix: &[f64; NCLASS], shares: &[f64; NCLASS]) -> f64 {
    (0..NCLASS).map(|k| mix[k] * shares[k]).sum()
}
