//! Samples and snapshots: what the UI and the CLI read.

use super::*;

impl State {
    pub(super) fn take_sample(&mut self) {
        let comps = self
            .comps
            .iter()
            .map(|c| ComponentSample {
                health: c.health,
                utilisation: c.util,
                queue: c.waiting,
                memory_fraction: c.mem_frac,
                error_rate: c.err,
                unavailable: c.unavailable_share(),
                throughput: c.throughput,
                latency_ms: c.latency,
            })
            .collect();
        let users = self.total_users();
        self.samples.push(Sample {
            t_ms: self.now_ms,
            sli: self.sli,
            users,
            components: comps,
        });
    }

    pub(super) fn total_users(&self) -> Users {
        let mut u = Users::default();
        for r in &self.users {
            u.connected += r.connected;
            u.reconnecting += r.reconnecting;
            u.offline += r.offline;
        }
        u
    }

    pub(crate) fn snapshot(&self) -> Snapshot {
        let mut snap = self.live_snapshot();
        if let Some(seen) = &self.last_seen {
            // Monitoring is down: what monitoring measures stays as it was
            // last seen; what the operators set themselves stays current.
            for (c, old) in snap.components.iter_mut().zip(&seen.components) {
                *c = c.measured_as(old);
            }
            for (e, old) in snap.edges.iter_mut().zip(&seen.edges) {
                *e = EdgeState {
                    partitioned: e.partitioned,
                    ..*old
                };
            }
            snap.failovers.clone_from(&seen.failovers);
            snap.users = seen.users;
            snap.users_by_region.clone_from(&seen.users_by_region);
        }
        snap
    }

    /// The snapshot as the simulation stands, whatever monitoring sees.
    pub(super) fn live_snapshot(&self) -> Snapshot {
        // Asked now, not from the per-tick flag: a paused run shows an
        // order given since the last tick as waiting.
        let orch_down = self.role_down(ROLE_ORCHESTRATOR);
        let retry_shares = self.class_retry_shares();
        let components = self
            .comps
            .iter()
            .map(|c| ComponentState {
                // A component the operator has killed is down from that
                // moment, not from the next tick: a paused run shows it.
                health: if c.killed { Health::Down } else { c.health },
                utilisation: c.util,
                queue: c.waiting,
                queue_limit: c.p.queue_limit,
                rate_limit_per_server: c.p.rate_limit_per_server,
                memory_fraction: c.mem_frac,
                error_rate: c.err,
                unavailable: c.unavailable_share(),
                throughput: c.throughput,
                capacity: c.capacity,
                arrivals: c.arrivals,
                retry_share: super::blame::retried_share(&c.mix, &retry_shares),
                capacity_fraction: c.cap_frac,
                surge: c.surge.now,
                surge_target: c.surge.target,
                surge_rate: c.surge_now,
                latency_ms: c.latency,
                servers: (c.live - c.rolling_down).max(0.0),
                target_servers: c.target,
                hit_rate: c.warm,
                pool_in_use: c.pool_in_use,
                health_event: c.health_event,
                deploy: c.deploy.as_ref().map(|a| a.d.view()),
                // What `maintenance` holds back while no orchestrator is up.
                waits_for_orchestrator: orch_down
                    && c.p.role != Role::Orchestrator
                    && ((c.crashed > 0.0 && !c.killed)
                        || c.ordered_scale.is_some()
                        || c.rolling_left > 0.0),
            })
            .collect();
        let edges = self
            .edges
            .iter()
            .map(|e| EdgeState {
                traffic: e.traffic,
                error_rate: e.err,
                breaker: e.breaker.state(),
                partitioned: e.partitioned.is_some(),
                held: e.held.iter().sum(),
            })
            .collect();
        let failovers = self
            .fos
            .iter()
            .map(|f| FailoverState {
                active: f.f.phase != Phase::Idle && f.f.phase != Phase::Detecting,
                moved: f.f.moved,
                phase: f.f.phase.name(),
            })
            .collect();
        let mut ks = [SwitchState {
            switch: KillSwitch::ALL[0],
            on: false,
        }; 6];
        for (i, s) in KillSwitch::ALL.iter().enumerate() {
            ks[i] = SwitchState {
                switch: *s,
                on: self.switches[i],
            };
        }
        Snapshot {
            t_ms: self.now_ms,
            sli: self.sli_shown,
            sli_true: self.sli,
            components,
            edges,
            failovers,
            kill_switches: ks,
            users: self.total_users(),
            users_by_region: self.users.clone(),
            monitoring_blind: self.blind,
            sli_as_of_ms: self.sli_as_of,
            config_blocked: self.config_blocked,
            orchestrator_down: self.orch_down,
            traffic_multiplier: self.multiplier.now,
            traffic_multiplier_target: self.multiplier.target,
            retry_policy_adoption: self.retry_cohorts()[0].1,
        }
    }
}
