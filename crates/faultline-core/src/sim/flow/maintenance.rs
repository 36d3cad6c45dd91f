//! Per-tick upkeep of each component: memory and crashes, restarts,
//! autoscaling, rolling restarts, cache warmth and storage.

use super::*;

impl State {
    #[inline(never)]
    pub(super) fn maintenance(&mut self) {
        let tick = self.scenario.tick_ms;
        let now = self.now_ms;
        let dt = self.dt;
        for i in 0..self.comps.len() {
            // Memory: queued requests and buffered calls, spread over live servers.
            let mut items: f64 = self.comps[i].queue.iter().sum();
            for &e in &self.comps[i].out_edges {
                items += self.edges[e].held.iter().sum::<f64>();
            }
            let c = &self.comps[i];
            if c.p.memory_mb > 0.0 && c.live > 0.0 {
                self.memory_crashes(i, items);
            } else if c.live > 0.0 || c.p.memory_mb == 0.0 {
                self.comps[i].mem_frac = if c.p.memory_mb > 0.0 {
                    (c.p.base_memory_mb / c.p.memory_mb).min(1.0)
                } else {
                    0.0
                };
            }
            // Restarts in batches (need the orchestrator).
            let orch = self.orch_down;
            let c = &mut self.comps[i];
            // The orchestrator reschedules crashed servers; its own come back by
            // the provider's hand.
            if c.crashed > 0.0 && !c.killed && (!orch || c.p.role == Role::Orchestrator) {
                c.restart_timer -= tick as i64;
                if c.restart_timer <= 0 {
                    let b = (c.p.restart_batch * c.target).max(1.0).min(c.crashed);
                    c.add_servers(b);
                    c.crashed -= b;
                    if c.crashed < 1e-9 {
                        c.crashed = 0.0;
                    }
                    c.restart_timer = c.p.restart_ms as i64;
                    let m = format!(
                        "{}: {b:.0} servers restarted ({:.0} still down)",
                        self.name(i),
                        self.comps[i].crashed
                    );
                    let cause = self.comps[i].health_event;
                    self.push_event(EventKind::Restart, Some(i), m, cause);
                }
            }
            // Rolling restart (the orchestrator replaces the instances, so
            // it waits while every orchestrator is down; one in progress
            // holds where it is).
            let c = &mut self.comps[i];
            if c.rolling_left > 0.0 && (!orch || c.p.role == Role::Orchestrator) {
                if c.rolling_down <= 0.0 {
                    let batch = c.p.restart_batch.min(c.rolling_left);
                    c.rolling_down = (batch * c.target).min(c.live);
                    for g in 0..c.npools {
                        c.queue[g] *= 1.0 - batch;
                    }
                    c.rolling_timer = c.p.restart_ms as i64;
                } else {
                    c.rolling_timer -= tick as i64;
                    if c.rolling_timer <= 0 {
                        let batch = c.p.restart_batch.min(c.rolling_left);
                        // Restarted instances come back healthy (seed 003's
                        // 14:11 restart fixed a mishandled failover): the
                        // batch is that share of those not yet restarted.
                        c.replace_instances(
                            batch / c.rolling_left,
                            self.scenario.params[i].base_error_rate,
                        );
                        c.rolling_left -= batch;
                        c.rolling_down = 0.0;
                        if c.rolling_left <= 1e-9 {
                            c.rolling_left = 0.0;
                            let m = format!("{}: rolling restart complete", self.name(i));
                            let cause = self.comps[i].cause;
                            self.push_event(EventKind::Restart, Some(i), m, cause);
                        }
                    }
                }
            }
            // Servers an operator ordered arrive, while an orchestrator
            // is up to start them.
            let c = &mut self.comps[i];
            if let (Some(order), false) = (c.ordered_scale, orch) {
                if now >= order.at {
                    c.ordered_scale = None;
                    let what = "ordered capacity arrived";
                    self.servers_arrive(i, order.servers, what, Some(order.cause));
                }
            }
            // Autoscaling.
            let c = &mut self.comps[i];
            if let (Some(a), false) = (c.p.autoscale, orch) {
                if let Some((at, new, cause)) = c.pending_scale {
                    if now >= at {
                        c.pending_scale = None;
                        self.servers_arrive(i, new, "autoscaler added capacity", cause);
                    }
                } else if c.util > a.target && !c.down {
                    c.above_ms += tick;
                    c.below_ms = 0;
                    if c.above_ms >= a.after_ms && c.target < c.p.servers * a.max_factor {
                        let new = (c.target * (1.0 + a.step)).min(c.p.servers * a.max_factor);
                        c.above_ms = 0;
                        let at = now + a.provision_ms;
                        // What it sees is its load: the trouble here or
                        // behind it, else the oldest going on anywhere (a
                        // failed edge moving its calls to this one).
                        let cause = self.trouble_met_at(i).or_else(|| self.oldest_trouble());
                        self.comps[i].pending_scale = Some((at, new, cause));
                    }
                } else {
                    c.above_ms = 0;
                    if c.util < 0.4 && c.target > c.p.servers {
                        c.below_ms += tick;
                        if c.below_ms >= 1_800_000 {
                            let new = (c.target * 0.8).max(c.p.servers);
                            c.live = (c.live - (c.target - new)).max(0.0);
                            c.target = new;
                            c.below_ms = 0;
                        }
                    }
                }
            }
            // Cache warmth: fills toward the hit rate from timely (look-aside) or any (read-through) answers.
            let c = &self.comps[i];
            if c.p.hit_rate > 0.0 {
                if c.down {
                    self.comps[i].warm = 0.0;
                } else {
                    let mut fill = 1.0;
                    let mut n = 0.0;
                    let mut acc = 0.0;
                    for &e in &c.fallback_edges {
                        let edge = &self.edges[e];
                        let db = &self.comps[edge.to];
                        let w: f64 = edge.calls.iter().sum();
                        let got = match c.p.cache_kind {
                            CacheKind::LookAside => {
                                let mut s = 0.0;
                                let mut ws = 0.0;
                                for k in 0..NCLASS {
                                    s += edge.calls[k] * edge.ok[k];
                                    ws += edge.calls[k];
                                }
                                if ws > 0.0 {
                                    s / ws
                                } else {
                                    1.0
                                }
                            }
                            CacheKind::ReadThrough => {
                                // The cache fetches misses itself and keeps late answers too.
                                if db.down {
                                    0.0
                                } else {
                                    edge.adm
                                }
                            }
                        };
                        acc += got * w.max(1e-9);
                        n += w.max(1e-9);
                    }
                    if n > 0.0 {
                        fill = acc / n;
                    }
                    let w = cache::warm_step(c.warm, c.p.hit_rate, fill, dt * 1000.0, c.p.warm_ms);
                    self.comps[i].warm = w;
                }
            }
        }
        self.triggers();
        // A retry storm is told before health, so that a service it
        // overloads in this very tick names it. (A herd is told after:
        // it names its region's edge, whose health this tick must know.)
        self.storm_news();
        self.health();
    }
}

impl State {
    /// Servers on order arrive at component `i`, bringing it to `new` and
    /// logged as `what`; an order a bigger scale-up overtook brings
    /// nothing.
    fn servers_arrive(&mut self, i: usize, new: f64, what: &str, cause: Option<usize>) {
        let c = &mut self.comps[i];
        if new <= c.target {
            return;
        }
        if !c.killed {
            c.add_servers(new - c.target);
        }
        c.target = new;
        let m = format!("{}: {what}, now {new:.0} servers", self.name(i));
        self.push_event(EventKind::Autoscale, Some(i), m, cause);
    }

    /// Memory: the servers that run out crash, taking their share of the
    /// held work with them. With a load spread (`memory_spread`) the most
    /// loaded go first and the rest follow as the backlog grows; without
    /// one, or once even the least loaded is full, all crash at once.
    fn memory_crashes(&mut self, i: usize, items: f64) {
        let c = &self.comps[i];
        let (front, spread) = (c.mem_front, c.p.memory_spread);
        let (x, top) = memory::spread_front(
            c.p.base_memory_mb,
            c.p.memory_mb,
            items,
            c.p.item_kb,
            c.live,
            spread,
            front,
        );
        self.comps[i].mem_frac = (top / self.comps[i].p.memory_mb).min(1.0);
        if x >= front {
            return;
        }
        // At x = −1 (no spread, or even the least loaded full) this is the
        // whole fleet and all its held work.
        let (servers, lost) = memory::spread_share(x, front, spread);
        let cause = self.trouble_met_at(i);
        let c = &mut self.comps[i];
        let n = c.live * servers;
        // Restarts start when servers first go down, and start over when
        // the whole fleet has: a partial crash leaves pending ones alone.
        if c.crashed <= 0.0 || x <= -1.0 {
            c.restart_timer = c.p.restart_ms as i64;
        }
        c.crashed += n;
        c.live -= n;
        c.mem_front = x.max(-1.0);
        // The crashed servers come back as fresh instances.
        c.replace_instances(servers, self.scenario.params[i].base_error_rate);
        if c.p.role == Role::Sessions && servers > 0.0 {
            // Their users' sockets close with them: those users reconnect
            // (the first backoff stage), to the servers still up.
            self.sessions_crashed = Some((i, self.now_ms));
            for (u, st) in self.users.iter_mut().zip(self.reconnect_stages.iter_mut()) {
                let dropped = u.connected * servers;
                u.connected -= dropped;
                u.reconnecting += dropped;
                st[0] += dropped;
            }
        }
        let c = &mut self.comps[i];
        for q in &mut c.queue {
            *q *= 1.0 - lost;
        }
        if c.p.hit_rate > 0.0 {
            c.warm *= 1.0 - servers;
        }
        let out = c.out_edges.clone();
        for e in out {
            for h in &mut self.edges[e].held {
                *h *= 1.0 - lost;
            }
        }
        // One event per twentieth of the fleet, not one per tick.
        let c = &mut self.comps[i];
        c.mem_crash_pending += n;
        if c.mem_crash_pending >= (0.05 * c.target).max(1.0) || c.live <= 0.0 {
            let k = c.mem_crash_pending;
            c.mem_crash_pending = 0.0;
            self.out_of_memory_event(i, k, cause);
        }
    }

    /// Logs that `n` of component `i`'s servers ran out of memory.
    fn out_of_memory_event(&mut self, i: usize, n: f64, cause: Option<usize>) {
        let m = format!(
            "{}: {n:.0} servers ran out of memory ({} MB) and crashed; their buffered work is lost",
            self.name(i),
            self.comps[i].p.memory_mb
        );
        let ev = self.push_event(EventKind::Crash, Some(i), m, cause);
        self.comps[i].health_event = Some(ev);
    }
}
