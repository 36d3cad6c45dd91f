//! The backward pass, in reverse topological order: each component's
//! success, fast-failure and latency per lane from its own queueing and its
//! dependencies' outcomes; breakers record what their calls met.

use super::*;
use crate::sim::percentile::share_slower_than;

/// What a component's calls met, per lane: the product of its required
/// dependencies' outcomes (and of its splits'), and their summed latency.
#[derive(Clone, Copy)]
struct DepOutcome {
    /// Share of requests all of whose required calls succeed.
    ok: [f64; NCLASS],
    /// Like `ok`, but a buffering call's held share also counts as not
    /// (yet) delivered.
    del: [f64; NCLASS],
    /// Share that failed fast somewhere along the calls.
    fast: [f64; NCLASS],
    /// Share answered "unavailable" (see `Comp::unavail`).
    unavail: [f64; NCLASS],
    /// Summed latency of the calls, ms.
    lat: [f64; NCLASS],
    /// Its fixed part (see `Comp::fix`).
    fix: [f64; NCLASS],
    /// Share of requests that met no slow tail along the calls.
    unslowed: [f64; NCLASS],
    /// The slow tails' extra delay, summed over the calls, ms.
    slow_mean: [f64; NCLASS],
    /// `ok` as users meet it (see `Comp::uok`).
    uok: [f64; NCLASS],
    /// `lat` as users meet it.
    ulat: [f64; NCLASS],
}

impl DepOutcome {
    /// A component that calls nothing: every request gets through, at no
    /// extra delay.
    const NOTHING_CALLED: DepOutcome = DepOutcome {
        ok: [1.0; NCLASS],
        del: [1.0; NCLASS],
        fast: [0.0; NCLASS],
        unavail: [0.0; NCLASS],
        lat: [0.0; NCLASS],
        fix: [0.0; NCLASS],
        unslowed: [1.0; NCLASS],
        slow_mean: [0.0; NCLASS],
        uok: [1.0; NCLASS],
        ulat: [0.0; NCLASS],
    };
}

impl State {
    /// The backward pass, in reverse topological order: every component's
    /// answer per lane, from its dependencies' (already computed) and its own.
    #[inline(never)]
    pub(super) fn backward(&mut self) {
        // "Unavailable" answers exist only while a shard is down; otherwise
        // their bookkeeping is skipped (it would only carry zeros).
        let track = self
            .edges
            .iter()
            .any(|e| e.route.sharded && self.comps[e.to].down);
        for oi in (0..self.order.len()).rev() {
            let i = self.order[oi];
            if self.comps[i].down {
                self.answer_down(i);
            } else {
                let deps = self.dependency_outcomes(i, track);
                self.own_outcomes(i, &deps, track);
            }
            // Whatever its load balancers moved to a backup still gets the
            // backup's answer: a dead region's edge that failed over serves
            // its users through the backup.
            self.blend_failovers(i);
        }
    }

    /// A component that is down answers nothing: every call to it fails
    /// fast.
    #[inline(always)]
    fn answer_down(&mut self, i: usize) {
        let c = &mut self.comps[i];
        c.ok = [0.0; NCLASS];
        c.del = [0.0; NCLASS];
        c.fast = [1.0; NCLASS];
        c.unavail = [0.0; NCLASS];
        c.lat = [1.0; NCLASS];
        c.uok = [0.0; NCLASS];
        c.ulat = [1.0; NCLASS];
        c.fix = [1.0; NCLASS];
        c.slow = [0.0; NCLASS];
        c.slow_ms = [0.0; NCLASS];
        c.err = if c.arrivals > 0.0 {
            1.0
        } else {
            c.err.max(1.0)
        };
        c.latency = 0.0;
        c.own_lat = 0.0;
        c.probe_err = 1.0;
        // Whatever its load balancers moved to a backup still gets
    }

    /// Walks component `i`'s calls: what each dependency (through its
    /// breaker, partition, failover and retries) answers, combined over
    /// required calls and load-balanced splits; each breaker records what
    /// its calls met.
    #[inline(always)]
    fn dependency_outcomes(&mut self, i: usize, track: bool) -> DepOutcome {
        let mut out = DepOutcome::NOTHING_CALLED;
        let retries = self.comps[i].p.service_retries;
        let caller_live = self.comps[i].live.max(1.0);
        // Load-balanced splits (`Route::split`): per split, the share of
        // requests routed to a member that fails, and that fails fast.
        let mut split_id = [0u32; MAX_SPLITS];
        let mut split_fail = [[0.0; NCLASS]; MAX_SPLITS];
        let mut split_fast = [[0.0; NCLASS]; MAX_SPLITS];
        let mut split_undel = [[0.0; NCLASS]; MAX_SPLITS];
        let mut split_ufail = [[0.0; NCLASS]; MAX_SPLITS];
        let mut split_unav = [[0.0; NCLASS]; MAX_SPLITS];
        for ei in 0..self.comps[i].out_edges.len() {
            let e = self.comps[i].out_edges[ei];
            let to = self.edges[e].to;
            let t_e = self.comps[to].p.deadline_ms;
            let adm = self.edges[e].adm;
            let part = self.edges[e].partitioned.is_some();
            let on_fail = self.edges[e].route.on_failure;
            let (mut w_ok, mut w_n, mut w_q, mut w_u) = (0.0, 0.0, 0.0, 0.0);
            // A down shard: whatever of its requests fails at once (its
            // breaker, its dead servers, or a failover backup standing in
            // for it that refuses them) is answered "unavailable"; what the
            // backup serves or times out on is not (`min(e_fast)` below).
            let shard_down = self.edges[e].route.sharded && self.comps[to].down;
            let (lanes, nl) = (self.edges[e].lanes, self.edges[e].nl);
            for k in lanes[..nl].iter().map(|&k| k as usize) {
                let per = self.edges[e].eff_calls[k];
                if per <= 0.0 {
                    continue;
                }
                let callee = &self.comps[to];
                let q = (1.0 - callee.ok[k]).clamp(0.0, 1.0);
                let ok_r = 1.0 - powi(q, retries + 1);
                let q_u = (1.0 - callee.uok[k]).clamp(0.0, 1.0);
                let (mut e_uok, mut ulat) = if part {
                    (0.0, t_e)
                } else {
                    (
                        adm * (1.0 - powi(q_u, retries + 1)),
                        adm * callee.ulat[k].min(t_e),
                    )
                };
                let q_del = (1.0 - callee.del[k]).clamp(0.0, 1.0);
                let mut e_del = if part {
                    0.0
                } else {
                    adm * (1.0 - powi(q_del, retries + 1))
                };
                let mut fix = if part {
                    t_e
                } else {
                    adm * self.comps[to].fix[k].min(t_e)
                };
                let mut slow = if part {
                    Tail::NONE
                } else {
                    Tail {
                        share: adm * callee.slow[k],
                        ms: callee.slow_ms[k],
                    }
                };
                let callee_unav = if part || !track {
                    0.0
                } else {
                    callee.unavail[k]
                };
                let e_unav = if shard_down { 1.0 } else { adm * callee_unav };
                let (mut e_ok, mut e_fast, mut lat) = if part {
                    (0.0, 0.0, t_e)
                } else {
                    // A fast failure stays fast through n retries: q^n · fast.
                    (
                        adm * ok_r,
                        (1.0 - adm) + adm * powi(q, retries) * callee.fast[k],
                        adm * callee.lat[k].min(t_e),
                    )
                };
                // The share sent to a failover backup gets the backup's
                // outcome, through this edge's breaker.
                let sh = self.edges[e].fo_share[k];
                if let (true, Some(f)) = (sh > 0.0, self.edges[e].fo) {
                    let b = self.backup_outcome(f, k, true);
                    e_ok = (1.0 - sh) * e_ok + sh * adm * b.ok;
                    e_del = (1.0 - sh) * e_del + sh * adm * b.ok;
                    e_fast = (1.0 - sh) * e_fast + sh * ((1.0 - adm) + adm * b.fast);
                    lat = (1.0 - sh) * lat + sh * adm * b.lat;
                    e_uok = (1.0 - sh) * e_uok + sh * adm * b.uok;
                    ulat = (1.0 - sh) * ulat + sh * adm * b.ulat;
                    fix = (1.0 - sh) * fix + sh * adm * b.fix;
                    slow = slow.blend(
                        Tail {
                            share: adm * b.slow,
                            ms: b.slow_ms,
                        },
                        sh,
                    );
                    let m = self.edges[e].moved[k] * adm;
                    w_n += m;
                    w_ok += m * b.ok;
                    w_q += m * (1.0 - b.ok).clamp(0.0, 1.0);
                }
                if slow.share > 0.0 {
                    // What exceeds the caller's deadline is not a tail.
                    let ms = slow.ms.min((t_e - fix).max(0.0));
                    out.unslowed[k] *= pow_calls(1.0 - slow.share, per);
                    out.slow_mean[k] += per * slow.share * ms;
                }
                let e_unav = e_unav.min(e_fast);
                self.edges[e].ok[k] = e_ok;
                out.lat[k] += per * lat;
                out.fix[k] += per * fix;
                let split = self.edges[e].route.split;
                // A split member's weight among users: its users share,
                // scaled as its calls are (a cache's misses, say).
                let u_per = match self.edges[e].route.users {
                    Some(u) if split != 0 => {
                        // Its users meet its answers whole, not averaged
                        // with the other members': those whose answers
                        // come too late are affected as if they failed,
                        // and the rest wait at most that long.
                        let f = fix.min(ulat);
                        let variable = (ulat - f - slow.mean_ms()).max(0.0);
                        let late = share_slower_than(SLOW_ANSWER_MS, f, variable, slow);
                        e_uok *= 1.0 - late;
                        ulat = ulat.min(SLOW_ANSWER_MS);
                        u * per / self.edges[e].route.calls[k]
                    }
                    _ => per,
                };
                out.ulat[k] += u_per * ulat;
                if on_fail == OnFailure::Fail && split != 0 {
                    // One of several alternatives: each request takes
                    // exactly one member (its share `per`); the split
                    // is settled after the loop.
                    let g = split_slot(&mut split_id, split);
                    split_fail[g][k] += per * (1.0 - e_ok);
                    split_fast[g][k] += per * e_fast;
                    split_undel[g][k] += per * (1.0 - e_del);
                    split_ufail[g][k] += u_per * (1.0 - e_uok);
                    if track {
                        split_unav[g][k] += per * e_unav;
                    }
                } else if on_fail == OnFailure::Fail {
                    // Sequential required calls: the request survives this
                    // one with probability e_ok^calls; the absolute chance
                    // of failing fast here is counted only if it got here.
                    let through = pow_calls(e_ok, per);
                    out.fast[k] += out.ok[k] * (e_fast * per).min(1.0 - through);
                    if track {
                        out.unavail[k] += out.ok[k] * (e_unav * per).min(1.0 - through);
                    }
                    out.ok[k] *= through;
                    out.uok[k] *= pow_calls(e_uok, per);
                    out.del[k] *= pow_calls(e_del.min(e_ok), per);
                } else if on_fail == OnFailure::Buffer {
                    // Held calls are answered later: the request is fine,
                    // its effect is not delivered yet.
                    out.del[k] *= pow_calls(e_del, per);
                }
                let c = self.edges[e].calls[k] * adm;
                w_n += c;
                w_ok += c * ok_r;
                w_q += c * q;
                if track {
                    w_u += c * callee_unav.min(q);
                }
            }
            self.record_edge(e, (w_n, w_ok, w_q, w_u), adm, part, caller_live);
        }
        for g in 0..MAX_SPLITS {
            if split_id[g] == 0 {
                break;
            }
            for k in 0..NCLASS {
                // The request fails only if the member it took fails.
                let through = (1.0 - split_fail[g][k]).clamp(0.0, 1.0);
                out.fast[k] += out.ok[k] * split_fast[g][k].min(1.0 - through);
                if track {
                    out.unavail[k] += out.ok[k] * split_unav[g][k].min(1.0 - through);
                }
                out.ok[k] *= through;
                out.uok[k] *= (1.0 - split_ufail[g][k]).clamp(0.0, 1.0);
                out.del[k] *= (1.0 - split_undel[g][k]).clamp(0.0, 1.0);
            }
        }
        out
    }

    /// Component `i`'s own answer per pool (rate limit, rejections,
    /// timeouts, errors, queueing) combined with what its calls met, per
    /// lane, and its error rate and mean latency.
    #[inline(always)]
    fn own_outcomes(&mut self, i: usize, deps: &DepOutcome, track: bool) {
        let c = &mut self.comps[i];
        let mut own_ok = [1.0; MAX_POOLS];
        let mut own_fast = [0.0; MAX_POOLS];
        let mut own_lat = [0.0; MAX_POOLS];
        let mut own_fix = [0.0; MAX_POOLS];
        // A request outside the slow tail; the tail's own delay is
        // added to the mean below, unless it times out whole.
        let base = c.p.service_ms + c.extra_ms + c.p.base_latency_ms;
        // Its instances' own errors: a deploy's bad build fails its share's
        // requests independently of the misbehaviour already there (and
        // without a deploy the figure is the configured one, untouched).
        let own_err = if c.build_err > 0.0 {
            1.0 - (1.0 - c.p.base_error_rate) * (1.0 - c.build_err)
        } else {
            c.p.base_error_rate
        };
        let mut own_slow = [Tail::NONE; MAX_POOLS];
        let mut probe_ok = [1.0; MAX_POOLS];
        // Only a failover judges a component by its probes.
        let probed = c.fo_from.is_some();
        let mut own_wait: f64 = 0.0;
        for g in 0..c.npools {
            let (mut dm, mut wsum) = (0.0, 0.0);
            if c.npools == 1 {
                for k in 0..NCLASS {
                    dm += deps.lat[k] * c.arr[k];
                    wsum += c.arr[k];
                }
            } else {
                for k in 0..NCLASS {
                    if c.class_pool[k] == g {
                        dm += deps.lat[k] * c.arr[k];
                        wsum += c.arr[k];
                    }
                }
            }
            let dmean = if wsum > 0.0 { dm / wsum } else { 0.0 };
            let wb = if c.p.discipline == Discipline::Lifo {
                0.0
            } else {
                c.pool_wb[g]
            };
            let slack = c.p.deadline_ms - (wb * 1000.0 + base + dmean);
            let pt = timeout_share(c, g, slack);
            let accepted = (1.0 - c.pool_rej[g] - c.pool_exp[g]).max(0.0);
            // A health check's probe: it passes the rate limiter and
            // calls no dependency, so it sees only the component's own
            // rejections, timeouts and errors.
            if probed {
                let probe_pt = if dmean > 0.0 {
                    timeout_share(c, g, slack + dmean)
                } else {
                    pt
                };
                probe_ok[g] = if c.pool_cap[g] > 0.0 {
                    accepted * (1.0 - probe_pt) * (1.0 - own_err)
                } else {
                    0.0
                };
            }
            // A slow tail longer than the slack times out whole.
            let tail_out = if c.own_tail.share > 0.0 && slack - c.own_tail.ms <= 0.0 {
                c.own_tail.share
            } else {
                own_slow[g] = c.own_tail;
                0.0
            };
            own_ok[g] = (1.0 - c.rl) * accepted * (1.0 - pt) * (1.0 - tail_out) * (1.0 - own_err);
            own_fast[g] = c.rl + (1.0 - c.rl) * (c.pool_rej[g] + accepted * (1.0 - pt) * own_err);
            let wait_ms = (wb + c.pool_wq[g]) * 1000.0;
            own_wait = own_wait.max(wait_ms);
            own_lat[g] = base + own_slow[g].mean_ms() + wait_ms;
            // Deterministic parts: network and added latency, a FIFO
            // backlog's wait (the same for everyone this tick) and, for
            // constant service times, the service itself.
            own_fix[g] = c.p.base_latency_ms
                + c.extra_ms
                + wb * 1000.0
                + if c.p.service_dist == ServiceDist::Constant {
                    c.p.service_ms
                } else {
                    0.0
                };
        }
        let deadline = c.p.deadline_ms;
        if c.npools == 1 {
            // One compartment: the same per-lane formulas with g = 0.
            let (o_ok, o_fast, o_lat) = (own_ok[0], own_fast[0], own_lat[0]);
            for k in 0..NCLASS {
                let ok = o_ok * deps.ok[k];
                c.ok[k] = ok;
                c.del[k] = (o_ok * deps.del[k]).min(ok);
                c.fast[k] = (o_fast + o_ok * deps.fast[k]).min(1.0 - ok).max(0.0);
                c.lat[k] = (o_lat + deps.lat[k]).min(deadline);
                c.uok[k] = o_ok * deps.uok[k];
                c.ulat[k] = (o_lat + deps.ulat[k]).min(deadline);
                c.fix[k] = (own_fix[0] + deps.fix[k]).min(c.lat[k]);
                let t = own_slow[0].then(deps.unslowed[k], deps.slow_mean[k]);
                (c.slow[k], c.slow_ms[k]) = t.within(c.lat[k] - c.fix[k]);
            }
        } else {
            for k in 0..NCLASS {
                let g = c.class_pool[k];
                let ok = own_ok[g] * deps.ok[k];
                c.ok[k] = ok;
                c.del[k] = (own_ok[g] * deps.del[k]).min(ok);
                c.fast[k] = (own_fast[g] + own_ok[g] * deps.fast[k])
                    .min(1.0 - ok)
                    .max(0.0);
                c.lat[k] = (own_lat[g] + deps.lat[k]).min(deadline);
                c.uok[k] = own_ok[g] * deps.uok[k];
                c.ulat[k] = (own_lat[g] + deps.ulat[k]).min(deadline);
                c.fix[k] = (own_fix[g] + deps.fix[k]).min(c.lat[k]);
                let t = own_slow[g].then(deps.unslowed[k], deps.slow_mean[k]);
                (c.slow[k], c.slow_ms[k]) = t.within(c.lat[k] - c.fix[k]);
            }
        }
        // What of its fast failures is a down shard's "unavailable" (zeros
        // while no shard is down). One compartment serves every lane as 0.
        if track {
            for k in 0..NCLASS {
                let own = own_ok[c.class_pool[k]];
                c.unavail[k] = (own * deps.unavail[k]).min(c.fast[k]);
            }
        } else {
            c.unavail = [0.0; NCLASS];
        }
        // Each accumulator sums the lanes in order, as before.
        let (mut okw, mut latw, mut n) = (0.0, 0.0, 0.0);
        for k in 0..NCLASS {
            okw += c.arr[k] * c.ok[k];
            latw += c.arr[k] * c.lat[k];
            n += c.arr[k];
        }
        c.own_lat = own_lat[0];
        c.own_wait_ms = own_wait;
        if probed {
            c.probe_err = probe_err(c, &probe_ok, n);
        }
        if n > 0.0 {
            c.err = (1.0 - okw / n).clamp(0.0, 1.0);
            c.latency = latw / n;
        } else {
            // No traffic: the error rate a call would meet now, so a
            // primary whose load has all failed over away does not look
            // healthy just because nobody calls it.
            let mut ok_sum = 0.0;
            for k in 0..NCLASS {
                ok_sum += c.ok[k];
            }
            c.err = (1.0 - ok_sum / NCLASS as f64).clamp(0.0, 1.0);
            c.latency = own_lat[0];
        }
    }

    /// Edge `e`'s error rate this tick, and what its breaker records: of its
    /// `w_n` call attempts `w_ok` succeeded and `w_q` failed, `w_u` of them
    /// answered "unavailable" by a down shard below the callee (`adm` of the
    /// calls were admitted by the breaker; `part`: the edge is partitioned,
    /// so every call fails).
    #[inline(always)]
    fn record_edge(
        &mut self,
        e: usize,
        (w_n, w_ok, w_q, w_u): (f64, f64, f64, f64),
        adm: f64,
        part: bool,
        caller_live: f64,
    ) {
        let (now, dt) = (self.now_ms, self.dt);
        let to = self.edges[e].to;
        // The callee's own 429s: a deliberate answer from a healthy
        // service protecting itself, which a breaker ignores (neither
        // success nor failure). Counting them would turn a partial
        // shed into a total outage, and, since a fleet's breakers
        // trip and probe together, into a retry storm that never ends.
        let shed = if self.comps[to].down {
            0.0
        } else {
            self.comps[to].rl
        };
        let edge = &mut self.edges[e];
        let total = edge.traffic;
        edge.err = if total > 0.0 && w_n > 0.0 {
            1.0 - (w_ok / w_n) * adm
        } else if total > 0.0 {
            1.0 - adm
        } else {
            0.0
        };
        if part && total > 0.0 {
            edge.err = 1.0;
        }
        edge.q_prev = if w_n > 0.0 { w_q / w_n } else { edge.q_prev };
        if edge.mode == BreakerMode::Auto && w_n > 0.0 && !part && shed < 1.0 {
            // A down shard's "unavailable" is deliberate too: judging it
            // would trip the breakers above a split on one shard's outage
            // and fail every shard's requests (seed 000: breakers "prevent
            // cascade failures to other shards"). Without any, the plain
            // formula keeps the arithmetic bit for bit what it was.
            let (per_inst, p) = if w_u > 0.0 {
                let judged = (w_n * (1.0 - shed) - w_u).max(0.0);
                let p = if judged > 0.0 {
                    ((w_q - shed * w_n - w_u) / judged).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                (judged * dt / caller_live, p)
            } else {
                (
                    w_n * (1.0 - shed) * dt / caller_live,
                    ((w_q / w_n - shed) / (1.0 - shed)).clamp(0.0, 1.0),
                )
            };
            let rec = edge.breaker.record(now, per_inst, p, &mut self.rng);
            self.maybe_open |= edge.breaker.any_open();
            if let Some(tr) = rec {
                let (f, t) = (edge.from, edge.to);
                let what = match tr {
                    Transition::Opened if edge.breaker.state() == BreakerState::Open => {
                        "opened: failures reached the threshold; calls now rejected at once"
                    }
                    Transition::Opened => {
                        "opened for some callers: their failures reached the threshold"
                    }
                    Transition::Reopened => "reopened: a probe failed",
                    Transition::Closed => "closed: probes succeeded",
                    Transition::HalfOpened => "half-open",
                };
                let m = format!("breaker {} → {} {what}", self.name(f), self.name(t));
                // An opening blames the trouble the calls met there, which
                // may lie behind a callee that is itself healthy; a closing
                // ends what the opening began.
                let cause = match tr {
                    Transition::Opened | Transition::Reopened => self.trouble_met_at(t),
                    _ => self.edges[e].opened_event.or(self.comps[t].health_event),
                };
                let ev = self.push_event(EventKind::Breaker, Some(f), m, cause);
                if matches!(tr, Transition::Opened | Transition::Reopened) {
                    self.edges[e].opened_event = Some(ev);
                }
            }
        } else if part && edge.mode == BreakerMode::Auto && total > 0.0 {
            let per_inst = total * dt / caller_live;
            let rec = edge.breaker.record(now, per_inst, 1.0, &mut self.rng);
            self.maybe_open |= edge.breaker.any_open();
            if let Some(Transition::Opened | Transition::Reopened) = rec {
                let (f, t) = (edge.from, edge.to);
                let m = format!(
                    "breaker {} → {} opened: the dependency is unreachable",
                    self.name(f),
                    self.name(t)
                );
                let cause = self.edges[e].partitioned;
                let ev = self.push_event(EventKind::Breaker, Some(f), m, cause);
                self.edges[e].opened_event = Some(ev);
            }
        }
    }

    /// The share of component `i`'s calls that its callers' load balancers
    /// moved to a failover backup gets the backup's outcome.
    fn blend_failovers(&mut self, i: usize) {
        // Failover: the moved share's outcome is the backup's.
        // Failovers before `fo_from` (the first whose primary is `i`) are not `i`'s.
        let fo_first = self.comps[i].fo_from.unwrap_or(self.fos.len());
        for f in fo_first..self.fos.len() {
            let fo = &self.fos[f];
            if fo.from != i || fo.f.moved <= 0.0 {
                continue;
            }
            let (m, w) = (fo.f.moved, fo.f.writes_moved);
            for k in 0..NCLASS {
                let s = if RequestClass::ALL[k].is_write() && !w {
                    0.0
                } else {
                    m
                };
                let b = self.backup_outcome(f, k, false);
                let c = &mut self.comps[i];
                c.fix[k] = c.fix[k] * (1.0 - s) + b.fix * s;
                c.ok[k] = c.ok[k] * (1.0 - s) + b.ok * s;
                c.del[k] = c.del[k] * (1.0 - s) + b.ok * s;
                c.fast[k] = c.fast[k] * (1.0 - s) + b.fast * s;
                c.lat[k] = c.lat[k] * (1.0 - s) + b.lat * s;
                c.uok[k] = c.uok[k] * (1.0 - s) + b.uok * s;
                c.ulat[k] = c.ulat[k] * (1.0 - s) + b.ulat * s;
                let t = c.tail(k).blend(b.tail(), s);
                (c.slow[k], c.slow_ms[k]) = (t.share, t.ms);
            }
        }
    }

    /// Outcome of a call moved over failover `f` in lane `k`: the rebuilt
    /// cache answers its share at the primary's own speed, the backup the
    /// rest, paying the primary's `failover_latency_ms` round trip (a fixed
    /// delay); the backup's latency is capped at its deadline when `cap`, as
    /// a caller sees it.
    pub(super) fn backup_outcome(&self, f: usize, k: usize, cap: bool) -> LaneOutcome {
        let fo = &self.fos[f];
        let b = &self.comps[fo.to];
        let p = &self.comps[fo.from].p;
        let far = p.failover_latency_ms;
        let (b_lat, b_fix) = if cap {
            (b.lat[k].min(b.p.deadline_ms), b.fix[k].min(b.p.deadline_ms))
        } else {
            (b.lat[k], b.fix[k])
        };
        let (b_lat, b_fix) = (b_lat + far, b_fix + far);
        let b_ulat = far
            + if cap {
                b.ulat[k].min(b.p.deadline_ms)
            } else {
                b.ulat[k]
            };
        let hit = fo.rebuilt;
        if hit <= 0.0 {
            // No rebuild: exactly the backup's outcome.
            return LaneOutcome {
                ok: b.ok[k],
                fast: b.fast[k],
                lat: b_lat,
                uok: b.uok[k],
                ulat: b_ulat,
                fix: b_fix,
                slow: b.slow[k],
                slow_ms: b.slow_ms[k],
            };
        }
        let hit_lat = p.service_ms + p.base_latency_ms;
        let miss = 1.0 - hit;
        LaneOutcome {
            ok: hit + miss * b.ok[k],
            fast: miss * b.fast[k],
            lat: hit * hit_lat + miss * b_lat,
            uok: hit + miss * b.uok[k],
            ulat: hit * hit_lat + miss * b_ulat,
            fix: hit * p.base_latency_ms + miss * b_fix,
            // Cache hits are answered at the primary's own speed.
            slow: miss * b.slow[k],
            slow_ms: b.slow_ms[k],
        }
    }
}

/// Share of pool `g`'s accepted requests that time out with `slack` ms left
/// before the deadline: the queueing tail `C·e^{−(cap−λ)·slack}` combined
/// with the exponential service-time tail.
fn timeout_share(c: &Comp, g: usize, slack: f64) -> f64 {
    if slack <= 0.0 {
        return 1.0;
    }
    // e^-x below 1e-17 for x > 40: skip the call (the common case).
    let xq = c.pool_rate[g] * slack / 1000.0;
    let queue_tail = if xq > 40.0 || c.pool_c[g] <= 0.0 {
        0.0
    } else {
        (c.pool_c[g] * libm::exp(-xq)).min(1.0)
    };
    let xs = slack / c.p.service_ms;
    let svc_tail = if c.p.service_dist == ServiceDist::Exponential && xs <= 40.0 {
        libm::exp(-xs)
    } else {
        0.0
    };
    1.0 - (1.0 - queue_tail) * (1.0 - svc_tail)
}

/// The error rate a health check's probes see, weighted like the traffic
/// over the compartments (`n` requests arrived; with none, every
/// compartment counts alike).
fn probe_err(c: &Comp, probe_ok: &[f64; MAX_POOLS], n: f64) -> f64 {
    let (mut ok, mut w) = (0.0, 0.0);
    for g in 0..c.npools {
        let share = if n > 0.0 {
            let mut a = 0.0;
            for k in 0..NCLASS {
                if c.npools == 1 || c.class_pool[k] == g {
                    a += c.arr[k];
                }
            }
            a
        } else {
            1.0
        };
        ok += share * probe_ok[g];
        w += share;
    }
    if w > 0.0 {
        (1.0 - ok / w).clamp(0.0, 1.0)
    } else {
        0.0
    }
}
