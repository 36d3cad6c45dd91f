//! The slower control loops run once per tick around the flow: control
//! plane capabilities, breaker timeouts, failover progress, rebuilt caches
//! and the seed's automatic triggers.

use super::*;

impl State {
    /// True if the platform has components with role `r` (a `ROLE_*`
    /// index) and every one of them is down, or killed this instant (a
    /// kill takes effect at once; `down` is settled at the next tick). The
    /// per-tick flags below cache it; an action checked between ticks asks
    /// here, so an order given in the same instant as the kill is judged
    /// by the kill.
    pub(super) fn role_down(&self, r: usize) -> bool {
        let of_role = &self.role_comps[r];
        !of_role.is_empty()
            && of_role
                .iter()
                .all(|&i| self.comps[i].down || self.comps[i].killed)
    }

    #[inline(never)]
    pub(super) fn control_plane(&mut self) {
        let blind = self.role_down(ROLE_MONITORING);
        let config = self.role_down(ROLE_CONFIG);
        let orch = self.role_down(ROLE_ORCHESTRATOR);
        if blind != self.blind {
            self.blind = blind;
            // The map and the inspector go stale with the dashboards.
            self.last_seen = blind.then(|| Box::new(self.live_snapshot()));
            let m = if blind {
                "monitoring is down: dashboards, the map and the inspector show the last figures seen"
            } else {
                "monitoring is back: dashboards are live again"
            };
            self.push_event(EventKind::Control, None, m.into(), None);
        }
        if config != self.config_blocked {
            self.config_blocked = config;
            let m = if config {
                "configuration services are down: flags and automatic triggers cannot change"
            } else {
                "configuration services are back: flags can change"
            };
            self.push_event(EventKind::Control, None, m.into(), None);
        }
        if orch != self.orch_down {
            self.orch_down = orch;
            let m = if orch {
                "orchestrator is down: no autoscaling, crashed servers are not rescheduled"
            } else {
                "orchestrator is back: autoscaling and restarts resume"
            };
            self.push_event(EventKind::Control, None, m.into(), None);
        }
    }

    #[inline(never)]
    pub(super) fn poll_breakers(&mut self) {
        // Only an open breaker in automatic mode can change here.
        if !self.maybe_open {
            return;
        }
        let now = self.now_ms;
        let mut any_open = false;
        for e in 0..self.edges.len() {
            if self.edges[e].mode != BreakerMode::Auto {
                continue;
            }
            let polled = self.edges[e].breaker.poll(now);
            any_open |= self.edges[e].breaker.any_open();
            if let Some(Transition::HalfOpened) = polled {
                let (f, t) = (self.edges[e].from, self.edges[e].to);
                let m = format!(
                    "breaker {} → {} half-open: probing",
                    self.name(f),
                    self.name(t)
                );
                let opened = self.edges[e].opened_event;
                self.push_event(EventKind::Breaker, Some(f), m, opened);
            }
        }
        self.maybe_open = any_open;
    }

    #[inline(never)]
    pub(super) fn advance_failovers(&mut self) {
        let now = self.now_ms;
        self.rebuild_caches();
        for k in 0..self.fos.len() {
            let (from, to) = (self.fos[k].from, self.fos[k].to);
            let primary_bad = self.comps[from].down || self.comps[from].probe_err > 0.5;
            if !primary_bad && self.fos[k].f.phase == Phase::Idle {
                // Idle with a healthy primary: `advance` would change nothing.
                continue;
            }
            let p = &self.comps[from].p;
            let timings = Timings {
                detect_ms: p.failover_detect_ms,
                migrate_ms: p.failover_migrate_ms,
                promote_ms: p.failover_promote_ms,
                restore_ms: p.failover_restore_ms,
                reach: p.failover_reach,
            };
            let scale = p.failover_restore_scale;
            let change = self.fos[k].f.advance(now, primary_bad, &timings);
            let began = matches!(change, Change::Began);
            let msg = match change {
                Change::None => continue,
                Change::Began => "health check failed: failover begins, load migrating",
                Change::Promoted => "replica promoted: writes redirected to the backup",
                Change::Migrated => "connections migrated to the backup",
                Change::Restored => {
                    if scale > 1.0 {
                        let b = &mut self.comps[to];
                        let add = b.target * (scale - 1.0);
                        b.target += add;
                        if !b.killed {
                            b.add_servers(add);
                        }
                    }
                    "full restoration: backup scaled for the failed-over load"
                }
                Change::FailingBack => "primary healthy again: failing back",
                Change::FailedBack => "failback complete",
            };
            // A failover begins for the trouble its health checks meet at
            // the primary (errors its callers' breakers keep from showing
            // as its health too); its later steps follow from the beginning.
            let cause = if began {
                self.trouble_met_at(from)
            } else {
                self.comps[from].health_event.or(self.fos[k].began_event)
            };
            // The load balancer moves the load whatever the backup's state
            // (as DNS failover does); a backup that is down answers none of
            // it, and the log must not read as if the move had helped.
            let moving = !matches!(
                self.fos[k].f.phase,
                Phase::Idle | Phase::Detecting | Phase::FailingBack
            );
            let dead_end = if moving && self.comps[to].down {
                ", but the backup is down: what moves there fails"
            } else {
                ""
            };
            let text = format!(
                "failover {} → {}: {msg}{dead_end}",
                self.name(from),
                self.name(to)
            );
            let ev = self.push_event(EventKind::Failover, Some(from), text, cause);
            if began {
                self.fos[k].began_event = Some(ev);
            }
        }
    }

    /// Failovers with a rebuild (seed 000's Redis session cache: "session
    /// rebuild from database"): the moved lookups that reached the backup
    /// last tick and came back in time rebuild the cache (look-aside, see
    /// `sim::cache`), which then answers them itself. A backup too slow to
    /// answer rebuilds nothing, and the failover stays on the database.
    pub(super) fn rebuild_caches(&mut self) {
        for k in 0..self.fos.len() {
            let from = self.fos[k].from;
            let (hit, tau) = {
                let p = &self.comps[from].p;
                (p.failover_rebuild_hit, p.failover_rebuild_ms)
            };
            if hit <= 0.0 {
                continue;
            }
            let fo = &mut self.fos[k];
            if fo.f.phase == Phase::Idle {
                // The primary is back (or never left): the next failover
                // starts from an empty cache again.
                fo.rebuilt = 0.0;
                fo.sent = 0.0;
                fo.rebuilt_logged = false;
                continue;
            }
            let fill = if fo.sent > 0.0 {
                1.0 - self.comps[fo.to].err
            } else {
                0.0
            };
            fo.sent = 0.0;
            let tick = self.scenario.tick_ms as f64;
            fo.rebuilt = cache::warm_step(fo.rebuilt, hit, fill, tick, tau);
            if !fo.rebuilt_logged && fo.rebuilt >= 0.9 * hit {
                fo.rebuilt_logged = true;
                let (to, pct) = (fo.to, 100.0 * fo.rebuilt);
                let text = format!(
                    "failover {} → {}: cache rebuilt, {pct:.0}% of lookups answered without {}",
                    self.name(from),
                    self.name(to),
                    self.name(to)
                );
                let cause = self.comps[from].health_event.or(self.fos[k].began_event);
                self.push_event(EventKind::Failover, Some(from), text, cause);
            }
        }
    }

    pub(super) fn set_switch_auto(&mut self, t: AutoTrigger, why: String) {
        let s = t.switch() as usize;
        if self.switches[s] || self.config_blocked {
            return;
        }
        self.switches[s] = true;
        // What the trigger watches is the whole platform; with no trouble
        // anywhere, what its requests meet at the edge (shedding refusing
        // them there).
        let cause = self.oldest_trouble().or_else(|| self.entry_trouble());
        let ev = self.push_event(
            EventKind::Trigger,
            None,
            format!("automatic trigger: {} ({why})", t.rule()),
            cause,
        );
        self.push_event(
            EventKind::KillSwitch,
            None,
            format!("{} turned on", t.switch().as_str()),
            Some(ev),
        );
    }

    #[inline(never)]
    pub(super) fn triggers(&mut self) {
        let tick = self.scenario.tick_ms;
        // Database CPU > 90% for 5 minutes.
        let hot = self.role_comps[ROLE_DATABASE]
            .iter()
            .any(|&i| self.comps[i].util > 0.9);
        self.trigger_ms[0] = if hot { self.trigger_ms[0] + tick } else { 0 };
        if self.armed[0] && self.trigger_ms[0] >= 300_000 {
            self.set_switch_auto(
                AutoTrigger::DatabaseCpu,
                "database utilisation above 90% for 5 minutes".into(),
            );
        }
        // Message queue depth > 1M.
        let depth: f64 = self.role_comps[ROLE_MESSAGE_QUEUE]
            .iter()
            .map(|&i| self.comps[i].queue.iter().sum::<f64>())
            .sum();
        if self.armed[1] && depth > 1e6 {
            self.set_switch_auto(AutoTrigger::QueueDepth, format!("queue depth {depth:.0}"));
        }
        // Error rate > 5% (sustained for a minute, to ignore noise).
        let bad = 1.0 - self.sli.api_success > 0.05;
        self.trigger_ms[2] = if bad { self.trigger_ms[2] + tick } else { 0 };
        if self.armed[2] && self.trigger_ms[2] >= 60_000 {
            let e = (1.0 - self.sli.api_success) * 100.0;
            self.set_switch_auto(AutoTrigger::ErrorRate, format!("API error rate {e:.1}%"));
        }
        // Storage > 95%.
        let full = self.role_comps[ROLE_STORAGE].iter().any(|&i| {
            let c = &self.comps[i];
            c.storage_used / c.p.storage_gb > 0.95
        });
        if self.armed[3] && full {
            self.set_switch_auto(AutoTrigger::Storage, "storage above 95%".into());
        }
    }
}
