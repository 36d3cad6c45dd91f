//! Operator and scenario actions: validation (unknown ids, out-of-range
//! values) and their effect on the state, with the event that records them.

use super::*;

pub(super) fn comp_idx(t: &Topology, id: &str) -> Result<usize, ActionError> {
    t.component_index(id)
        .ok_or_else(|| ActionError::UnknownComponent(id.to_string()))
}

pub(super) fn edge_idx(t: &Topology, from: &str, to: &str) -> Result<usize, ActionError> {
    let f = comp_idx(t, from)?;
    let g = comp_idx(t, to)?;
    t.dependency_index(f, g)
        .ok_or_else(|| ActionError::UnknownEdge {
            from: from.into(),
            to: to.into(),
        })
}

pub(super) fn range(
    field: &'static str,
    v: f64,
    lo: f64,
    hi: f64,
    lo_open: bool,
    allowed: &'static str,
) -> Result<(), ActionError> {
    let ok = v.is_finite() && v <= hi && if lo_open { v > lo } else { v >= lo };
    if ok {
        Ok(())
    } else {
        Err(ActionError::OutOfRange {
            field,
            value: v,
            allowed,
        })
    }
}

/// A numeric field's allowed range, in the words its error message uses.
struct Bounds {
    field: &'static str,
    lo: f64,
    hi: f64,
    lo_open: bool,
    allowed: &'static str,
}

impl Bounds {
    fn check(&self, v: f64) -> Result<(), ActionError> {
        range(self.field, v, self.lo, self.hi, self.lo_open, self.allowed)
    }
}

const CAPACITY_FRACTION: Bounds = Bounds {
    field: "capacity_fraction",
    lo: 0.0,
    hi: 1.0,
    lo_open: true,
    allowed: "0 < fraction ≤ 1",
};
const PROVISION_MS: Bounds = Bounds {
    field: "provision_ms",
    lo: 0.0,
    hi: 86_400_000.0,
    lo_open: false,
    allowed: "0 ≤ provision_ms ≤ 86400000",
};
const SURGE_FACTOR: Bounds = Bounds {
    field: "factor",
    lo: 1.0,
    hi: 100.0,
    lo_open: false,
    allowed: "1 ≤ factor ≤ 100",
};
/// A surge's or the traffic multiplier's ramp.
const RAMP_S: Bounds = Bounds {
    field: "ramp_s",
    lo: 0.0,
    hi: 3600.0,
    lo_open: false,
    allowed: "0 ≤ ramp_s ≤ 3600",
};
const LATENCY_MS: Bounds = Bounds {
    field: "ms",
    lo: 0.0,
    hi: 600_000.0,
    lo_open: false,
    allowed: "0 ≤ ms ≤ 600000",
};
const SHARE: Bounds = Bounds {
    field: "share",
    lo: 0.0,
    hi: 1.0,
    lo_open: false,
    allowed: "0 ≤ share ≤ 1",
};
/// Longest client rollout, ms (a week).
const ROLLOUT_MAX_MS: f64 = 604_800_000.0;
const PER_SERVER: Bounds = Bounds {
    field: "per_server",
    lo: 0.0,
    hi: 1e9,
    lo_open: false,
    allowed: "0 ≤ per_server ≤ 1e9",
};
const ERROR_RATE: Bounds = Bounds {
    field: "rate",
    lo: 0.0,
    hi: 0.999_999,
    lo_open: false,
    allowed: "0 ≤ rate < 1",
};
const QUEUE_LIMIT: Bounds = Bounds {
    field: "limit",
    lo: 0.0,
    hi: 1e12,
    lo_open: false,
    allowed: "0 ≤ limit ≤ 1e12",
};
const SCALE_FACTOR: Bounds = Bounds {
    field: "factor",
    lo: 0.0,
    hi: 100.0,
    lo_open: true,
    allowed: "0 < factor ≤ 100",
};
const MULTIPLIER: Bounds = Bounds {
    field: "multiplier",
    lo: 0.0,
    hi: 100.0,
    lo_open: false,
    allowed: "0 ≤ multiplier ≤ 100",
};

/// A component action with one bounded value: the component must exist and
/// the value lie within `b`.
fn comp_with(t: &Topology, component: &str, v: f64, b: &Bounds) -> Result<Target, ActionError> {
    let i = comp_idx(t, component)?;
    b.check(v)?;
    Ok(Target::Comp(i))
}

pub(crate) fn check_action(t: &Topology, a: &Action) -> Result<Target, ActionError> {
    Ok(match a {
        Action::Kill { component }
        | Action::Revive { component }
        | Action::RollingRestart { component }
        | Action::Rollback { component }
        | Action::SetDeadlineCheck { component, .. } => Target::Comp(comp_idx(t, component)?),
        Action::Degrade {
            component,
            capacity_fraction,
        } => comp_with(t, component, *capacity_fraction, &CAPACITY_FRACTION)?,
        Action::Surge {
            component,
            factor,
            ramp_s,
        } => {
            let target = comp_with(t, component, *factor, &SURGE_FACTOR)?;
            RAMP_S.check(*ramp_s)?;
            target
        }
        Action::AddLatency { component, ms } => comp_with(t, component, *ms, &LATENCY_MS)?,
        Action::SlowTail {
            component,
            share,
            ms,
        } => {
            let target = comp_with(t, component, *ms, &LATENCY_MS)?;
            SHARE.check(*share)?;
            target
        }
        Action::SetRateLimit {
            component,
            per_server,
        } => comp_with(t, component, *per_server, &PER_SERVER)?,
        Action::SetErrorRate { component, rate } => comp_with(t, component, *rate, &ERROR_RATE)?,
        Action::Deploy {
            component,
            error_rate,
            extra_ms,
            ..
        } => {
            let target = comp_with(t, component, *error_rate, &ERROR_RATE)?;
            LATENCY_MS.check(*extra_ms)?;
            target
        }
        Action::SetQueueLimit { component, limit } => {
            comp_with(t, component, *limit, &QUEUE_LIMIT)?
        }
        Action::SetClassMultiplier { multiplier, .. } => {
            MULTIPLIER.check(*multiplier)?;
            Target::None
        }
        Action::Scale {
            component,
            factor,
            provision_ms,
        } => {
            let target = comp_with(t, component, *factor, &SCALE_FACTOR)?;
            PROVISION_MS.check(*provision_ms)?;
            target
        }
        Action::Partition {
            component,
            dependency,
        }
        | Action::Heal {
            component,
            dependency,
        } => Target::Edge(edge_idx(t, component, dependency)?),
        Action::SetBreaker { from, to, .. } | Action::SetFailureMode { from, to, .. } => {
            Target::Edge(edge_idx(t, from, to)?)
        }
        Action::SetTrafficMultiplier { multiplier, ramp_s } => {
            MULTIPLIER.check(*multiplier)?;
            RAMP_S.check(*ramp_s)?;
            Target::None
        }
        Action::SetRetryPolicy { policy, rollout_ms } => {
            policy.validate().map_err(ActionError::BadPolicy)?;
            range(
                "rollout_ms",
                *rollout_ms,
                0.0,
                ROLLOUT_MAX_MS,
                false,
                "0 ≤ rollout_ms ≤ 604800000 (a week)",
            )?;
            Target::None
        }
        Action::ShedLoad { fraction } => {
            range("fraction", *fraction, 0.0, 1.0, false, "0 ≤ fraction ≤ 1")?;
            Target::None
        }
        Action::SetReconnectAdmission { per_second } => {
            range(
                "per_second",
                *per_second,
                0.0,
                1e12,
                false,
                "≥ 0 (0 removes the cap)",
            )?;
            Target::None
        }
        Action::SetKillSwitch { .. }
        | Action::SetAutoTrigger { .. }
        | Action::SetBreakerPreset { .. }
        | Action::DisableMessageSending { .. } => Target::None,
    })
}

impl State {
    pub(crate) fn apply(&mut self, a: Action, who: &str) -> Result<(), ActionError> {
        let target = check_action(&self.scenario.topology, &a)?;
        if matches!(a, Action::SetKillSwitch { .. }) && self.role_down(ROLE_CONFIG) {
            return Err(ActionError::ConfigUnavailable);
        }
        if let Target::Comp(i) = target {
            self.check_deploy_action(i, &a)?;
        }
        let mut text = describe(&self.scenario.topology, &a);
        if let (Action::SetFailureMode { mode, .. }, Target::Edge(e)) = (&a, &target) {
            let held: f64 = self.edges[*e].held.iter().sum();
            if *mode == OnFailure::Ignore && held > 0.0 {
                text.push_str(&format!("; {held:.0} held calls dropped"));
            }
        }
        let ev = self.push_event(
            EventKind::Action,
            comp_of(&target),
            format!("{who}: {text}"),
            None,
        );
        self.action_log.push((self.now_ms, a.clone()));
        match (&a, target) {
            (Action::Kill { .. }, Target::Comp(i)) => {
                let c = &mut self.comps[i];
                c.killed = true;
                c.crashed = c.target;
                c.live = 0.0;
                c.queue = [0.0; MAX_POOLS];
                c.rolling_left = 0.0;
                c.rolling_down = 0.0;
                // Every instance is gone: a revive starts fresh ones.
                c.replace_instances(1.0, self.scenario.params[i].base_error_rate);
                if c.p.hit_rate > 0.0 {
                    c.warm = 0.0;
                }
                c.cause = Some(ev);
                for &e in &c.out_edges.clone() {
                    self.edges[e].held = [0.0; NCLASS];
                }
            }
            (Action::Revive { .. }, Target::Comp(i)) => {
                let c = &mut self.comps[i];
                c.killed = false;
                c.crashed = (c.target - c.live).max(0.0);
                c.restart_timer = c.p.restart_ms as i64;
                c.cause = Some(ev);
                self.note_waits_for_orchestrator(i, "its servers restart", ev);
            }
            (
                Action::Degrade {
                    capacity_fraction, ..
                },
                Target::Comp(i),
            ) => {
                self.comps[i].cap_frac = *capacity_fraction;
                self.comps[i].cause = Some(ev);
            }
            (Action::Surge { factor, ramp_s, .. }, Target::Comp(i)) => {
                let c = &mut self.comps[i];
                c.surge.set(*factor, *ramp_s);
                c.surge_extra = [0.0; NCLASS];
                c.surge_pending = c.surge.peak() > 1.0;
                c.cause = Some(ev);
            }
            (Action::AddLatency { ms, .. }, Target::Comp(i)) => {
                self.comps[i].extra_ms = *ms;
                self.comps[i].cause = Some(ev);
            }
            (Action::SlowTail { share, ms, .. }, Target::Comp(i)) => {
                let c = &mut self.comps[i];
                c.set_tail = if *share > 0.0 && *ms > 0.0 {
                    Tail {
                        share: *share,
                        ms: *ms,
                    }
                } else {
                    Tail::NONE
                };
                c.cause = Some(ev);
                self.apply_build(i);
            }
            (
                Action::Scale {
                    factor,
                    provision_ms,
                    ..
                },
                Target::Comp(i),
            ) => {
                let now = self.now_ms;
                let c = &mut self.comps[i];
                let new = c.p.servers * factor;
                // Servers taken away are what its trouble then comes from;
                // servers added are a fix, never blamed for the trouble
                // they meet (only remembered, as a last resort).
                if new < c.target {
                    c.cause = Some(ev);
                } else {
                    c.struck = Some(ev);
                }
                // A newer decision replaces an earlier order still on its
                // way (the autoscaler's own order keeps its clock).
                c.ordered_scale = None;
                if new > c.target && *provision_ms > 0.0 {
                    c.ordered_scale = Some(OrderedScale {
                        at: now + *provision_ms as u64,
                        servers: new,
                        cause: ev,
                    });
                } else if new > c.target {
                    if !c.killed {
                        c.add_servers(new - c.target);
                    }
                    c.target = new;
                } else {
                    let cut = c.target - new;
                    let from_crashed = cut.min(c.crashed);
                    c.crashed -= from_crashed;
                    c.live = (c.live - (cut - from_crashed)).max(0.0);
                    c.target = new;
                }
                if c.ordered_scale.is_some() {
                    self.note_waits_for_orchestrator(i, "the ordered servers start", ev);
                }
            }
            (
                Action::Deploy {
                    error_rate,
                    extra_ms,
                    strategy,
                    ..
                },
                Target::Comp(i),
            ) => {
                let build = Build {
                    error_rate: *error_rate,
                    extra_ms: *extra_ms,
                };
                let strategy = strategy.unwrap_or(self.scenario.deploy_strategy);
                self.start_deploy(i, build, strategy, ev);
            }
            (Action::Rollback { .. }, Target::Comp(i)) => {
                self.roll_back_deploy(i, ev);
            }
            (Action::RollingRestart { .. }, Target::Comp(i)) => {
                let c = &mut self.comps[i];
                c.rolling_left = 1.0;
                c.cause = Some(ev);
                self.note_waits_for_orchestrator(i, "the rolling restart begins", ev);
            }
            (Action::SetDeadlineCheck { on, .. }, Target::Comp(i)) => {
                self.comps[i].deadline_check = *on;
                self.comps[i].struck = Some(ev);
            }
            (Action::SetRateLimit { per_server, .. }, Target::Comp(i)) => {
                self.comps[i].p.rate_limit_per_server = *per_server;
                self.comps[i].cause = Some(ev);
            }
            (Action::SetErrorRate { rate, .. }, Target::Comp(i)) => {
                self.comps[i].p.base_error_rate = *rate;
                self.comps[i].cause = Some(ev);
            }
            (Action::SetQueueLimit { limit, .. }, Target::Comp(i)) => {
                self.comps[i].p.queue_limit = *limit;
                self.comps[i].cause = Some(ev);
            }
            (Action::SetClassMultiplier { class, multiplier }, _) => {
                let k = class.lane();
                let old = self.class_multiplier[k];
                self.class_multiplier[k] = *multiplier;
                if traffic_adds_load(old, *multiplier) {
                    self.load_cause[k] = Some(ev);
                }
            }
            (Action::Partition { .. }, Target::Edge(e)) => {
                self.edges[e].partitioned = Some(ev);
                let f = self.edges[e].from;
                self.comps[f].cause = Some(ev);
            }
            (Action::Heal { .. }, Target::Edge(e)) => {
                self.edges[e].partitioned = None;
            }
            (Action::SetBreaker { mode, .. }, Target::Edge(e)) => {
                self.maybe_open = true;
                let now = self.now_ms;
                let edge = &mut self.edges[e];
                edge.mode = *mode;
                match mode {
                    BreakerMode::ForceOpen => edge.breaker.force(BreakerState::Open, now),
                    BreakerMode::ForceClosed | BreakerMode::Auto => {
                        edge.breaker.force(BreakerState::Closed, now)
                    }
                }
                // The caller now fails those calls at once, or makes them
                // all: trouble of its own that nothing else explains is
                // this action's (not its `cause`, which would take the
                // blame from a spike that comes later).
                let f = edge.from;
                self.comps[f].struck = Some(ev);
            }
            (Action::SetFailureMode { mode, .. }, Target::Edge(e)) => {
                let edge = &mut self.edges[e];
                edge.route.on_failure = *mode;
                // Ignoring a dependency means the caller stops holding
                // anything for it: the backlog it buffered (or a partition
                // held) is dropped at once, so the caller's memory falls
                // (seed 004's presence updates are stale by the time
                // presence is back; nobody wants them delivered). `fail` and
                // `buffer` keep the backlog, which drains when the callee
                // recovers, as it always has.
                if *mode == OnFailure::Ignore {
                    edge.held = [0.0; NCLASS];
                }
                let f = edge.from;
                self.comps[f].cause = Some(ev);
            }
            (Action::SetBreakerPreset { preset }, _) => {
                self.maybe_open = true;
                let cfg = BreakerConfig::preset(*preset);
                let now = self.now_ms;
                for e in &mut self.edges {
                    e.breaker = BreakerFleet::new(cfg);
                    if e.mode == BreakerMode::ForceOpen {
                        e.breaker.force(BreakerState::Open, now);
                    }
                }
            }
            (Action::SetKillSwitch { switch, on }, _) => {
                // Every switch refuses or sheds work while on; turning
                // one off lets that work back in.
                let was = self.switches[*switch as usize];
                self.switches[*switch as usize] = *on;
                self.blame_for_load(ev, was && !*on);
                if *on && !was {
                    self.refuses_at_the_edge(ev);
                }
            }
            (Action::SetAutoTrigger { trigger, enabled }, _) => {
                self.armed[*trigger as usize] = *enabled;
            }
            (Action::SetTrafficMultiplier { multiplier, ramp_s }, _) => {
                let old = self.multiplier.target;
                self.multiplier.set(*multiplier, *ramp_s);
                self.blame_for_load(ev, traffic_adds_load(old, *multiplier));
            }
            (Action::SetRetryPolicy { policy, rollout_ms }, _) => {
                // Clients the new policy has not reached keep what most
                // of them run now (mid-rollout: the majority's policy).
                let [(current, share), (previous, _)] = self.retry_cohorts();
                self.retry_prev = if share >= 0.5 { current } else { previous };
                self.retry_since_ms = self.now_ms;
                self.retry_rollout_ms = *rollout_ms;
                self.retry = *policy;
                self.tokens = policy.budget.map_or(0.0, |b| b.max_tokens);
                let harsher = policy.retries_per_minute() > self.retry_prev.retries_per_minute();
                self.blame_for_load(ev, harsher);
            }
            (Action::DisableMessageSending { disabled }, _) => {
                let was = self.sending_disabled;
                self.sending_disabled = *disabled;
                self.blame_for_load(ev, was && !*disabled);
                if *disabled && !was {
                    self.refuses_at_the_edge(ev);
                }
            }
            (Action::SetReconnectAdmission { per_second }, _) => {
                self.admission = *per_second;
            }
            (Action::ShedLoad { fraction }, _) => {
                let old = self.shed;
                self.shed = *fraction;
                self.blame_for_load(ev, *fraction < old);
                if *fraction > old {
                    self.refuses_at_the_edge(ev);
                }
            }
            _ => {}
        }
        for c in &mut self.comps {
            if c.cause == Some(ev) {
                c.struck = Some(ev);
            }
        }
        Ok(())
    }

    /// Restarts, ordered servers and rolling restarts are the
    /// orchestrator's work: while every orchestrator is down they wait (see
    /// `maintenance`). Say so when one is ordered, or the operator sees
    /// nothing happen and cannot tell why. An orchestrator's own servers
    /// come back by the provider's hand, so they do not wait.
    fn note_waits_for_orchestrator(&mut self, i: usize, what: &str, ev: usize) {
        if self.role_down(ROLE_ORCHESTRATOR) && self.comps[i].p.role != Role::Orchestrator {
            let m = format!(
                "{}: {what} once the orchestrator is back (every orchestrator is down)",
                self.name(i)
            );
            self.push_event(EventKind::Control, Some(i), m, Some(ev));
        }
    }

    /// Action event `ev` makes the platform refuse some requests (shedding
    /// at the edge, a kill switch, message sending disabled): the failures users see for it, with no
    /// trouble anywhere, are put down to it (an automatic trigger watching
    /// the error rate names it) as the last action that struck each entry.
    fn refuses_at_the_edge(&mut self, ev: usize) {
        for r in 0..self.region_entry.len() {
            let entry = self.region_entry[r].0;
            self.comps[entry].struck = Some(ev);
        }
    }

    /// Makes action event `ev` the cause the log gives for load trouble
    /// with no failing dependency to blame, for every request class, if
    /// the action `adds` load the platform must carry. A fix (traffic back
    /// down, shedding on, a gentler retry policy) is never blamed for the
    /// overload it eases: the blame stays with what brought the load. (A
    /// class multiplier blames its own class only.)
    fn blame_for_load(&mut self, ev: usize, adds: bool) {
        if adds {
            self.load_cause = [Some(ev); NCLASS];
        }
    }
}

/// Whether a traffic multiplier moved from `old` to `new` adds load: it
/// rises, or it keeps traffic above normal (a spike easing from ×10 to ×2
/// is still why the services carry twice their load).
fn traffic_adds_load(old: f64, new: f64) -> bool {
    new > old || new > 1.0
}

pub(super) fn comp_of(t: &Target) -> Option<usize> {
    match t {
        Target::Comp(i) => Some(*i),
        _ => None,
    }
}

pub(crate) fn describe(t: &Topology, a: &Action) -> String {
    let n = |id: &str| t.component(id).map_or(id.to_string(), |c| c.name.clone());
    match a {
        Action::Kill { component } => format!("kill {}", n(component)),
        Action::Revive { component } => format!("revive {}", n(component)),
        Action::Degrade {
            component,
            capacity_fraction,
        } => {
            format!(
                "degrade {} to {:.0}% capacity",
                n(component),
                capacity_fraction * 100.0
            )
        }
        Action::Surge {
            component,
            factor,
            ramp_s,
        } => {
            let over = over(*ramp_s);
            if *factor > 1.0 {
                format!("surge: {} gets {factor}× its load{over}", n(component))
            } else {
                format!("end the surge on {}{over}", n(component))
            }
        }
        Action::AddLatency { component, ms } => {
            format!("add {ms:.0} ms latency to {}", n(component))
        }
        Action::SlowTail {
            component,
            share,
            ms,
        } => {
            if *share > 0.0 && *ms > 0.0 {
                format!(
                    "slow {:.1}% of {}'s requests by {ms:.0} ms",
                    share * 100.0,
                    n(component)
                )
            } else {
                format!("remove {}'s slow tail", n(component))
            }
        }
        Action::Partition {
            component,
            dependency,
        } => format!("partition {} from {}", n(component), n(dependency)),
        Action::Heal {
            component,
            dependency,
        } => format!("heal partition {} ↔ {}", n(component), n(dependency)),
        Action::SetBreaker { from, to, mode } => {
            format!("breaker {} → {} set to {mode:?}", n(from), n(to))
        }
        Action::SetFailureMode { from, to, mode } => format!(
            "{} → {}: {}",
            n(from),
            n(to),
            match mode {
                OnFailure::Fail => "a failed call now fails the request",
                OnFailure::Ignore => "failed calls now ignored (dropped; the caller carries on)",
                OnFailure::Buffer => "failed calls now buffered in memory and delivered later",
            }
        ),
        Action::SetBreakerPreset { preset } => format!("breakers use the {preset:?} preset"),
        Action::SetKillSwitch { switch, on } => format!("{} = {on}", switch.as_str()),
        Action::SetAutoTrigger { trigger, enabled } => format!(
            "trigger `{}` {}",
            trigger.rule(),
            if *enabled { "armed" } else { "disarmed" }
        ),
        Action::SetTrafficMultiplier { multiplier, ramp_s } => {
            format!("traffic × {multiplier}{}", over(*ramp_s))
        }
        Action::SetRetryPolicy { policy, rollout_ms } => format!(
            "client retry policy: {}{}",
            policy.describe(),
            if *rollout_ms > 0.0 {
                format!(
                    ", rolling out to clients (63% within {:.0} min)",
                    rollout_ms / 60_000.0
                )
            } else {
                String::new()
            }
        ),
        Action::Scale {
            component,
            factor,
            provision_ms,
        } => {
            if *provision_ms > 0.0 {
                format!(
                    "scale {} to {factor}× its servers (arriving in {:.0} s)",
                    n(component),
                    provision_ms / 1000.0
                )
            } else {
                format!("scale {} to {factor}× its servers", n(component))
            }
        }
        Action::RollingRestart { component } => format!("rolling restart of {}", n(component)),
        Action::Deploy {
            component,
            error_rate,
            extra_ms,
            strategy,
        } => {
            let bad = Build {
                error_rate: *error_rate,
                extra_ms: *extra_ms,
            }
            .describe();
            match strategy {
                Some(s) => format!("deploy {bad} to {} ({})", n(component), s.label()),
                None => format!("deploy {bad} to {}", n(component)),
            }
        }
        Action::Rollback { component } => format!("roll back the deploy on {}", n(component)),
        Action::DisableMessageSending { disabled } => {
            if *disabled {
                "message sending disabled globally".into()
            } else {
                "message sending enabled".into()
            }
        }
        Action::SetReconnectAdmission { per_second } => {
            if *per_second > 0.0 {
                format!("admit at most {per_second:.0} reconnects/s")
            } else {
                "reconnect admission unlimited".into()
            }
        }
        Action::ShedLoad { fraction } if *fraction <= 0.0 => {
            "stop shedding requests at the edge".to_string()
        }
        Action::ShedLoad { fraction } => {
            format!(
                "shed {:.0}% of incoming requests at the edge",
                fraction * 100.0
            )
        }
        Action::SetDeadlineCheck { component, on } => format!(
            "deadline checks on {} {}",
            n(component),
            if *on { "on" } else { "off" }
        ),
        Action::SetRateLimit {
            component,
            per_server,
        } => {
            if *per_server > 0.0 {
                format!(
                    "rate limit of {} set to {per_server} req/s per server",
                    n(component)
                )
            } else {
                format!("rate limit of {} removed", n(component))
            }
        }
        Action::SetQueueLimit { component, limit } => {
            format!("queue limit of {} set to {limit}", n(component))
        }
        Action::SetErrorRate { component, rate } => format!(
            "{} answers {:.1}% of requests with errors",
            n(component),
            rate * 100.0
        ),
        Action::SetClassMultiplier { class, multiplier } => {
            format!("{} traffic × {multiplier}", class.as_str())
        }
    }
}

/// " over 90 s", " over 4 min", " over 4 min 30 s": a ramp's length as a
/// log line says it; nothing without a ramp.
fn over(ramp_s: f64) -> String {
    let s = ramp_s.round() as u64;
    match (s / 60, s % 60) {
        (0, 0) => String::new(),
        (0, s) => format!(" over {s} s"),
        (m, 0) => format!(" over {m} min"),
        (m, s) => format!(" over {m} min {s} s"),
    }
}
