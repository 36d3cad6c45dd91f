//! The forward pass, in topological order: users' requests and due retries
//! enter at the edge, each component serves what its capacity, queue, rate
//! limit and bulkheads allow, and calls flow down the dependency edges
//! (through breakers, partitions, buffers and failovers).

use super::*;

impl State {
    #[inline(never)]
    pub(super) fn inject(&mut self) {
        for c in &mut self.comps {
            c.arr = c.carry;
            c.carry = [0.0; NCLASS];
            c.calls_offered = 0.0;
            c.calls_admitted = 0.0;
        }
        let dt = self.dt;
        let due = self.ring.take(self.tick);
        // Retries come back in the region whose request failed.
        for (r, region) in self.region_due.iter_mut().enumerate() {
            let base = r * RING_LANES;
            for k in 0..NCLASS {
                for b in 0..ATTEMPT_BUCKETS {
                    region[k][b] = due[base + k * ATTEMPT_BUCKETS + b] / dt;
                }
            }
        }
        let per_user = self.scenario.traffic.per_user.lanes();
        self.multiplier.advance(dt);
        let scale = self.curve() * self.multiplier.now;
        let ur = self.user_rates();
        let hb = 1.0 / ur.heartbeat_s;
        let noise = self.scenario.traffic.noise;
        // Base (first-attempt) rates per region.
        let nr = self.users.len();
        let mut connects = 0.0;
        for r in 0..nr {
            let u = self.users[r];
            let mut base = [0.0; NCLASS];
            for k in 0..NCLASS {
                base[k] = u.connected * per_user[k] * scale * self.class_multiplier[k];
            }
            base[RequestClass::Presence.lane()] += u.connected * hb;
            base[RequestClass::GatewayConnect.lane()] =
                users::connect_attempts(&u, &self.reconnect_stages[r], &ur);
            connects += base[RequestClass::GatewayConnect.lane()];
            self.att[r] = base;
        }
        self.first = [0.0; NCLASS];
        let sw = self.switches;
        let admit_connect = if self.admission > 0.0 && connects > self.admission {
            self.admission / connects
        } else {
            1.0
        };
        // Refusals per class (the same for every region).
        let mut refuse_k = [0.0f64; NCLASS];
        for k in 0..NCLASS {
            let mut refuse: f64 = 0.0;
            match RequestClass::ALL[k] {
                RequestClass::MessageSend => {
                    if self.sending_disabled || sw[KillSwitch::EnableReadOnlyMode as usize] {
                        refuse = 1.0;
                    } else if sw[KillSwitch::DisableLargeGuildMessages as usize] {
                        refuse = LARGE_GUILD_SHARE;
                    }
                }
                RequestClass::Upload
                    if sw[KillSwitch::EnableReadOnlyMode as usize]
                        || sw[KillSwitch::DisableFileUploads as usize] =>
                {
                    refuse = 1.0;
                }
                RequestClass::VoiceJoin if sw[KillSwitch::DisableVoiceConnections as usize] => {
                    refuse = 1.0
                }
                RequestClass::GatewayConnect => refuse = 1.0 - admit_connect,
                _ => {}
            }
            // Load shedding at the edge: a final "try later" answer for a
            // share of every request, retries included (heartbeats are kept).
            if k != RequestClass::Presence.lane() {
                refuse = 1.0 - (1.0 - refuse) * (1.0 - self.shed);
            }
            refuse_k[k] = refuse;
        }
        for r in 0..nr {
            let mut tot = 0.0;
            let mut first_share_r = [1.0f64; NCLASS];
            for k in 0..NCLASS {
                let retries: f64 = self.region_due[r][k].iter().sum::<f64>();
                let first = self.att[r][k];
                if first + retries > 0.0 {
                    first_share_r[k] = first / (first + retries);
                }
                self.att[r][k] += retries;
                tot += self.att[r][k];
            }
            // Rate noise, one draw per region per tick. Poisson variability within a
            // tick is already in the M/M/c formulas, so only the scenario's extra
            // relative noise (bursty users) moves the rate.
            let _ = tot;
            let cv = noise;
            let f = (1.0 + cv * self.rng.noise()).max(0.0);
            let (edge, voice) = self.region_entry[r];
            for k in 0..NCLASS {
                self.att[r][k] *= f;
                let refuse = refuse_k[k];
                self.refused[r][k] = refuse;
                let admitted = self.att[r][k] * (1.0 - refuse);
                let entry = if k == RequestClass::VoiceJoin.lane() {
                    voice
                } else {
                    edge
                };
                self.comps[entry].arr[k] += admitted;
                let first = self.att[r][k] * first_share_r[k];
                self.region_first[r][k] = first;
                self.first[k] += first;
            }
        }
    }

    pub(super) fn deliver(&mut self, from_pos: usize, to: usize, k: usize, rate: f64) {
        if self.comps[to].pos > from_pos {
            self.comps[to].arr[k] += rate;
        } else {
            self.comps[to].carry[k] += rate;
        }
    }

    /// The forward pass, in topological order: each component hands its
    /// failed-over share to the backups, serves the rest and sends its calls
    /// down, so every callee has its arrivals before its turn.
    #[inline(never)]
    pub(super) fn forward(&mut self) {
        for oi in 0..self.order.len() {
            let i = self.order[oi];
            self.move_to_backups(oi, i);
            if let Some(live) = self.serve(i) {
                self.send_calls(oi, i, live);
            }
        }
    }

    /// Failover: the share of component `i`'s arrivals that its failovers
    /// moved goes to their backups before `i` serves the rest.
    #[inline(always)]
    fn move_to_backups(&mut self, oi: usize, i: usize) {
        // Failovers before `fo_from` (the first whose primary is `i`) are not `i`'s.
        let fo_first = self.comps[i].fo_from.unwrap_or(self.fos.len());
        for f in fo_first..self.fos.len() {
            let fo = &self.fos[f];
            if fo.from != i || fo.f.moved <= 0.0 {
                continue;
            }
            let (to, m, w) = (fo.to, fo.f.moved, fo.f.writes_moved);
            let miss = fo.miss();
            for k in 0..NCLASS {
                let share = if RequestClass::ALL[k].is_write() && !w {
                    0.0
                } else {
                    m
                };
                let mv = self.comps[i].arr[k] * share;
                self.comps[i].arr[k] -= mv;
                self.fos[f].sent += mv * miss;
                self.deliver(oi, to, k, mv * miss);
            }
        }
    }

    /// Component `i` serves its arrivals with the servers it has live
    /// (after rolling restarts and its hosts' health): rate limit, pools
    /// with their queues and deadlines, utilisation. Returns the live
    /// server count, or `None` if it is down.
    #[inline(always)]
    fn serve(&mut self, i: usize) -> Option<f64> {
        let dt = self.dt;
        let aggressive = self.switches[KillSwitch::EnableAggressiveRateLimiting as usize];
        let bypass = self.switches[KillSwitch::EnableMessageQueueBypass as usize];
        let mut avail: f64 = 1.0;
        for &h in &self.comps[i].hosts {
            let hc = &self.comps[h];
            avail = avail.min(if hc.target > 0.0 {
                hc.live / hc.target
            } else {
                0.0
            });
        }
        let c = &mut self.comps[i];
        c.avail = avail;
        let live = (c.live - c.rolling_down).max(0.0) * avail;
        c.down = live <= 1e-9;
        let total: f64 = c.arr.iter().sum();
        if c.surge_pending {
            c.surge_pending = false;
            c.surge_base = c.arr;
            for k in 0..NCLASS {
                c.surge_extra[k] = c.surge_base[k] * (c.surge.now - 1.0);
            }
        }
        if c.surge.advance(dt) {
            for k in 0..NCLASS {
                c.surge_extra[k] = c.surge_base[k] * (c.surge.now - 1.0);
            }
        }
        // A surge's crowd comes through the same doors as the users' calls
        // (what the callers' breakers and partitions hold back of those,
        // they hold back of it; an entry component has no callers) and
        // shares every fate of the users' requests here (rate limit,
        // queue, capacity); only the users' share is served onward
        // (`served_k`).
        let surged = c.surge.now > 1.0;
        let through = if c.calls_offered > 0.0 {
            c.calls_admitted / c.calls_offered
        } else {
            1.0
        };
        c.surge_now = if surged {
            c.surge_extra.iter().sum::<f64>() * through
        } else {
            0.0
        };
        c.arrivals = total + c.surge_now;
        if total > 0.0 {
            let inv = 1.0 / total;
            for k in 0..NCLASS {
                c.mix[k] = c.arr[k] * inv;
            }
        }
        if c.down {
            c.rl = 1.0;
            c.served_k = [0.0; NCLASS];
            c.util = 0.0;
            c.throughput = 0.0;
            c.capacity = 0.0;
            c.pool_in_use = 0.0;
            c.waiting = c.queue.iter().sum();
            return None;
        }
        let lim = c.p.rate_limit_per_server * live * if aggressive { 0.5 } else { 1.0 };
        c.rl = if lim > 0.0 && c.arrivals > lim {
            1.0 - lim / c.arrivals
        } else {
            0.0
        };
        let mu = 1000.0 / c.p.service_ms;
        let down_prev = (c.latency - c.own_lat).max(0.0);
        let mut served_tot = 0.0;
        let mut cap_tot = 0.0;
        let mut in_use = 0.0;
        let mut waiting = 0.0;
        c.served_k = [0.0; NCLASS];
        for g in 0..c.npools {
            let single = c.npools == 1;
            let own = c.pool_sum(g, &c.arr);
            let extra = if surged {
                c.pool_sum(g, &c.surge_extra) * through
            } else {
                0.0
            };
            let mut lam = own + extra;
            lam *= 1.0 - c.rl;
            let servers = live * c.pool_share[g];
            let mut cap = servers * mu * c.cap_frac;
            if c.p.pool > 0.0 {
                let r_s = (c.p.service_ms + c.added_ms() + c.pool_wq[g] * 1000.0) / 1000.0;
                let pool_cap = c.p.pool * c.pool_share[g] / r_s;
                in_use += (lam * r_s / (c.p.pool * c.pool_share[g])).min(1.0) * c.pool_share[g];
                cap = cap.min(pool_cap);
            }
            let offered = lam * dt + c.queue[g];
            let served = offered.min(cap * dt);
            let mut q = offered - served;
            let mq_lim = if bypass && c.p.role == Role::MessageQueue {
                cap
            } else {
                f64::INFINITY
            };
            let qlim = (c.p.queue_limit * c.pool_share[g]).min(mq_lim);
            let rejected = (q - qlim).max(0.0);
            q -= rejected;
            let mut expired = 0.0;
            if c.deadline_check {
                // Requests that cannot finish before their caller gives up
                // (remaining time under twice the expected service and
                // downstream time) are dropped without being worked on.
                let need = 2.0 * (c.p.service_ms + c.added_ms() + c.p.base_latency_ms + down_prev);
                let maxq = cap * (c.p.deadline_ms - need).max(0.0) / 1000.0;
                if q > maxq {
                    expired = q - maxq;
                    q = maxq;
                }
            }
            c.queue[g] = q;
            let new = lam * dt;
            c.pool_rej[g] = if new > 0.0 {
                (rejected / new).min(1.0)
            } else {
                0.0
            };
            c.pool_exp[g] = if new > 0.0 {
                (expired / new).min(1.0)
            } else {
                0.0
            };
            c.pool_lambda[g] = lam;
            c.pool_cap[g] = cap;
            c.pool_wb[g] = if cap > 0.0 {
                q / cap
            } else {
                c.p.deadline_ms / 500.0
            };
            let rho = if cap > 0.0 { lam / cap } else { 1.0 };
            if c.table_for[g] != servers {
                c.table_for[g] = servers;
                c.tables[g].ensure(servers);
            }
            let cw = c.tables[g].at(rho.min(0.999));
            let rate = (cap - lam).max(0.02 * cap).max(1e-9);
            c.pool_c[g] = cw;
            c.pool_rate[g] = rate;
            let factor = if c.p.service_dist == ServiceDist::Constant {
                0.5
            } else {
                1.0
            };
            c.pool_wq[g] = cw / rate * factor;
            // Little's law: the stationary queue is λ·W_q, on top of any backlog.
            waiting += (q + lam * c.pool_wq[g]).min(qlim);
            let srate = served / dt;
            served_tot += srate;
            cap_tot += cap;
            // Served mix follows the arrival mix of the compartment.
            let mix_sum = c.pool_sum(g, &c.mix);
            if mix_sum > 0.0 {
                // (Without extra load: `srate / mix_sum`, exactly.)
                let own_share = if extra > 0.0 {
                    own / (own + extra)
                } else {
                    1.0
                };
                let share = srate * own_share / mix_sum;
                for k in 0..NCLASS {
                    if single || c.class_pool[k] == g {
                        c.served_k[k] = share * c.mix[k];
                    }
                }
            }
        }
        c.throughput = served_tot;
        c.capacity = cap_tot;
        c.util = if cap_tot > 0.0 {
            (served_tot / cap_tot).min(1.0)
        } else {
            0.0
        };
        c.pool_in_use = in_use;
        c.waiting = waiting;
        if c.p.role == Role::Database || c.p.storage_gb > 0.0 {
            c.storage_used += c.served_k[RequestClass::Upload.lane()] * UPLOAD_MB / 1024.0 * dt;
        }
        Some(live)
    }

    /// Component `i`'s calls down its dependency edges: per edge the calls
    /// its served requests make (cache misses, service retries), the
    /// share its load balancer sends to a failover backup, what the breaker
    /// admits, and what a partition or a buffering call holds back or
    /// releases.
    #[inline(always)]
    fn send_calls(&mut self, oi: usize, i: usize, live: f64) {
        let dt = self.dt;
        let caller_live = live.max(1.0);
        let retries = self.comps[i].p.service_retries;
        for ei in 0..self.comps[i].out_edges.len() {
            let e = self.comps[i].out_edges[ei];
            let miss = match self.edges[e].route.miss_of {
                Some(j) => {
                    let cj = &self.comps[j];
                    cache::miss_share(cj.warm, cj.err)
                }
                None => 1.0,
            };
            let q = self.edges[e].q_prev;
            let mult = if retries > 0 && q > 0.0 {
                (1.0 - powi(q, retries + 1)) / (1.0 - q)
            } else {
                1.0
            };
            // Failover: the caller's load balancer sends the moved share
            // straight to the backup. The breaker wraps the call, not the
            // address, so it guards the moved calls too and judges them
            // by the backup's answers.
            let mut fo_share = [0.0; NCLASS];
            let mut backup = None;
            if let Some(f) = self.edges[e].fo {
                let fo = &self.fos[f];
                if fo.f.moved > 0.0 {
                    backup = Some((f, fo.to, fo.miss()));
                    for k in 0..NCLASS {
                        let w = RequestClass::ALL[k].is_write() && !fo.f.writes_moved;
                        fo_share[k] = if w { 0.0 } else { fo.f.moved };
                    }
                }
            }
            if self.edges[e].fo.is_some() {
                // Edges without a failover keep their all-zero shares.
                self.edges[e].fo_share = fo_share;
            }
            let mut offered = 0.0;
            let (lanes, nl) = (self.edges[e].lanes, self.edges[e].nl);
            for k in lanes[..nl].iter().map(|&k| k as usize) {
                let per = self.edges[e].route.calls[k] * miss;
                self.edges[e].eff_calls[k] = per;
                let all = self.comps[i].served_k[k] * per * mult;
                offered += all;
                let via_backup = all * fo_share[k];
                self.edges[e].moved[k] = via_backup;
                let calls = all - via_backup;
                self.edges[e].calls[k] = calls;
            }
            let edge = &mut self.edges[e];
            edge.traffic = offered;
            edge.adm = match edge.mode {
                BreakerMode::ForceOpen => 0.0,
                BreakerMode::ForceClosed => 1.0,
                BreakerMode::Auto => {
                    let per_inst = offered * dt / caller_live;
                    edge.breaker.admit_share(per_inst)
                }
            };
            if let Some((f, b, miss)) = backup {
                let adm = self.edges[e].adm;
                for k in lanes[..nl].iter().map(|&k| k as usize) {
                    let via_backup = self.edges[e].moved[k] * adm;
                    if via_backup > 0.0 {
                        // A rebuilt cache answers `1 − miss` of them.
                        self.fos[f].sent += via_backup * miss;
                        self.deliver(oi, b, k, via_backup * miss);
                    }
                }
            }
            let edge = &mut self.edges[e];
            let to = edge.to;
            let adm = edge.adm;
            let buffer = edge.route.on_failure == OnFailure::Buffer;
            if edge.partitioned.is_some() {
                for k in lanes[..nl].iter().map(|&k| k as usize) {
                    edge.held[k] += edge.calls[k] * adm * dt;
                }
                continue;
            }
            let callee = &self.comps[to];
            let callee_ok = callee.err < 0.05 && !callee.down;
            let forward = callee.pos > oi;
            let release = callee_ok && edge.held.iter().any(|&h| h > 0.0);
            // Flow control: a backlog (buffered or partitioned calls)
            // drains no faster than half the callee's spare capacity of
            // the last tick, as a sender retransmitting over a connection
            // with backpressure would; dumping it in one tick would
            // knock a just-recovered callee over again.
            let drain = if release {
                let held: f64 = edge.held.iter().sum();
                let spare = 0.5 * (callee.capacity - callee.arrivals).max(0.0);
                if held <= spare * dt {
                    1.0
                } else {
                    spare * dt / held
                }
            } else {
                0.0
            };
            let mut sends = [0.0; NCLASS];
            for k in lanes[..nl].iter().map(|&k| k as usize) {
                let s = edge.calls[k] * adm;
                if buffer && !callee_ok {
                    edge.held[k] += s * q * dt;
                }
                sends[k] = s;
                if release {
                    let out = edge.held[k] * drain;
                    sends[k] += out / dt;
                    edge.held[k] -= out;
                }
            }
            let callee = &mut self.comps[to];
            // Only a surge needs to know what its callers let through.
            if forward && callee.surge.peak() > 1.0 {
                let calls: f64 = lanes[..nl].iter().map(|&k| edge.calls[k as usize]).sum();
                callee.calls_offered += calls;
                callee.calls_admitted += calls * adm;
            }
            let into = if forward {
                &mut callee.arr
            } else {
                &mut callee.carry
            };
            for k in lanes[..nl].iter().map(|&k| k as usize) {
                into[k] += sends[k];
            }
        }
    }
}
