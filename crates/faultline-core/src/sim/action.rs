//! What a user (or a scenario's timeline) can do to the running platform.
//!
//! Actions are plain data (serde, internally tagged with `type`), so the UI
//! can keep the action log in a URL and a scenario can list timed actions.
//! Components, edges and switches are named by id; [`crate::sim::Sim::apply`]
//! checks every name and range and answers with an [`ActionError`], never a
//! panic.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::breaker::BreakerPreset;
use super::class::RequestClass;
use super::deploy::DeployStrategy;
use super::retry::RetryPolicy;
use crate::scenario::OnFailure;

/// An operator's (or a trigger's) intervention.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Take every server of a component down.
    Kill {
        /// Component id.
        component: String,
    },
    /// Bring a killed or crashed component back (servers restart in batches).
    Revive {
        /// Component id.
        component: String,
    },
    /// Keep only a fraction of a component's capacity (1 = full, 0.25 = a quarter).
    Degrade {
        /// Component id.
        component: String,
        /// Remaining capacity share, in `(0, 1]`.
        capacity_fraction: f64,
    },
    /// Extra load arriving at one component from outside the modelled
    /// users (a tournament's viewers pouring into the gateways, an event's
    /// traffic on one router): its arrivals count `factor` times against
    /// its capacity, rate limit and queue, and they come through its
    /// callers' breakers and partitions as the users' calls do. The extra
    /// requests end there (they call no dependency and are not in the
    /// users' indicators, which see the refusals, queueing and timeouts
    /// they cause). Unlike
    /// [`Action::Degrade`], it is load, not lost capacity: restoring
    /// capacity or restarting does not end it, and `factor = 1` does.
    ///
    /// With `ramp_s`, the multiplier moves in a straight line from where
    /// it is to `factor` over that many seconds (an event's crowd arrives
    /// over minutes, and ends the same way); without, it takes `factor` at
    /// once.
    Surge {
        /// Component id.
        component: String,
        /// Load multiplier, `1..=100` (1 ends the surge).
        factor: f64,
        /// Seconds the multiplier takes to reach `factor`, `0..=3600`
        /// (0: at once).
        #[serde(default, skip_serializing_if = "is_zero")]
        ramp_s: f64,
    },
    /// Add a fixed delay to every request a component serves (a slow disk, a GC pause).
    AddLatency {
        /// Component id.
        component: String,
        /// Extra latency in ms, `0..=600000`.
        ms: f64,
    },
    /// Make a share of a component's requests slower (a compacting node's
    /// disk, a straggling instance, GC pauses): the mean latency rises by
    /// `share × ms`, the tail by `ms`. Replaces the component's previous
    /// slow tail; `share = 0` or `ms = 0` removes it.
    SlowTail {
        /// Component id.
        component: String,
        /// Share of its requests that are slow, in `[0, 1]`.
        share: f64,
        /// Extra latency of a slow request in ms, `0..=600000`.
        ms: f64,
    },
    /// Cut a component off from one of its dependencies (requests are held, then delivered).
    Partition {
        /// Caller component id.
        component: String,
        /// Callee component id (there must be a dependency edge).
        dependency: String,
    },
    /// Undo a partition.
    Heal {
        /// Caller component id.
        component: String,
        /// Callee component id.
        dependency: String,
    },
    /// Override the circuit breaker on a dependency edge.
    SetBreaker {
        /// Caller id.
        from: String,
        /// Callee id.
        to: String,
        /// Automatic, forced open or forced closed.
        mode: BreakerMode,
    },
    /// Change what a caller does when its calls to one dependency fail, at
    /// run time: the route's `on_failure` (seed 004, 14:54: "the decision is
    /// made to ignore the presence cluster for the time being").
    ///
    /// `ignore` drops failed calls and the caller carries on (an optional
    /// dependency), and drops at once whatever the caller still holds for
    /// it (its buffered backlog); `buffer` keeps failed calls in the
    /// caller's memory and delivers them when the callee recovers; `fail`
    /// fails the caller's request with the call. Switching to `fail` or
    /// `buffer` keeps a backlog, which drains when the callee recovers; a
    /// partition still holds the calls it cuts off, whatever the mode.
    SetFailureMode {
        /// Caller id.
        from: String,
        /// Callee id (there must be a dependency edge).
        to: String,
        /// `fail`, `ignore` or `buffer`.
        mode: OnFailure,
    },
    /// Choose the semantics of every breaker (seed, Hystrix, Resilience4j).
    SetBreakerPreset {
        /// The preset.
        preset: BreakerPreset,
    },
    /// Flip one of the seed's six emergency flags.
    SetKillSwitch {
        /// Which flag.
        switch: KillSwitch,
        /// New value.
        on: bool,
    },
    /// Enable or disable one of the seed's four automatic triggers.
    SetAutoTrigger {
        /// Which trigger.
        trigger: AutoTrigger,
        /// Armed or not.
        enabled: bool,
    },
    /// Multiply all user traffic (a spike: 10.0; shedding: 0.5). With
    /// `ramp_s`, the multiplier moves in a straight line from where it is
    /// to `multiplier` over that many seconds (a viral spike that builds
    /// over minutes); without, at once.
    SetTrafficMultiplier {
        /// Multiplier, `0..=100`.
        multiplier: f64,
        /// Seconds it takes to get there, `0..=3600` (0: at once).
        #[serde(default, skip_serializing_if = "is_zero")]
        ramp_s: f64,
    },
    /// Change the clients' retry policy.
    SetRetryPolicy {
        /// The new policy.
        policy: RetryPolicy,
        /// How the clients get it, ms: 0 = all at once (a server-side flag);
        /// otherwise a share `1 − e^(−t / rollout_ms)` has it after `t` (an
        /// app update reaching users), and the rest keep their old policy.
        #[serde(default, skip_serializing_if = "is_zero")]
        rollout_ms: f64,
    },
    /// Multiply a component's server count (autoscaler or operator scaling).
    Scale {
        /// Component id.
        component: String,
        /// Factor applied to the configured server count, `(0, 100]`.
        factor: f64,
        /// How long new servers take to arrive, ms (`0..=86400000`): 0 =
        /// at once (capacity already provisioned); otherwise they arrive
        /// together after this long, as the autoscaler's do, and only
        /// while an orchestrator is up (seed 002, July 15 2024: "manual
        /// scaling initiated" at 14:50, connections back at 15:05).
        /// Scaling down is always at once.
        #[serde(default, skip_serializing_if = "is_zero")]
        provision_ms: f64,
    },
    /// Restart a component's servers batch by batch. Restarted instances
    /// come back healthy, so an error rate set by [`Action::SetErrorRate`]
    /// returns to the component's configured rate with each batch (as it
    /// does for the servers a kill or a crash replaces).
    RollingRestart {
        /// Component id.
        component: String,
    },
    /// Roll a new build out to a component (seed 002's pipeline, see
    /// [`crate::sim::deploy`]): by canary phases with automatic rollback,
    /// or straight to every instance in its restart batches. A bad build's
    /// instances fail `error_rate` of their requests and answer `extra_ms`
    /// slower; a good build (both 0) changes nothing.
    Deploy {
        /// Component id.
        component: String,
        /// Share of requests the new build's instances fail, `[0, 1]`.
        #[serde(default)]
        error_rate: f64,
        /// Extra latency of the new build's instances, ms, `0..=600000`.
        #[serde(default)]
        extra_ms: f64,
        /// `canary` or `rolling`; without it, the scenario's pipeline
        /// (`deploy_strategy`, canary unless it says otherwise).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        strategy: Option<DeployStrategy>,
    },
    /// Take a component's deploy back to the old build (seed 002's
    /// "manual abort by incident commander"): within 30 s while the old
    /// build still runs beside the new one, in restart batches once every
    /// instance runs the new build.
    Rollback {
        /// Component id.
        component: String,
    },
    /// Globally stop message sending (seed 004's load shedding).
    DisableMessageSending {
        /// True to disable.
        disabled: bool,
    },
    /// Cap gateway (re)connections admitted per second (seed 004); 0 removes the cap.
    SetReconnectAdmission {
        /// Connections per second, ≥ 0.
        per_second: f64,
    },
    /// Refuse a share of every incoming request at the edge with a final
    /// "try later" answer (retries included), as load shedding does.
    ShedLoad {
        /// Share refused, `0..=1` (0 stops shedding).
        fraction: f64,
    },
    /// Turn deadline checking on a component on or off (drop requests whose client gave up).
    SetDeadlineCheck {
        /// Component id.
        component: String,
        /// On or off.
        on: bool,
    },
    /// Change a component's rate limit at run time (seed 001, 17:05: "API
    /// quotas increased, temporary overrides").
    SetRateLimit {
        /// Component id.
        component: String,
        /// Requests per second per server, `0..=1e9` (0 = no limit).
        per_server: f64,
    },
    /// Change a component's queue limit at run time (seed 001, 17:20: "queue
    /// depth limits"); a longer queue than the new limit is cut at once.
    SetQueueLimit {
        /// Component id.
        component: String,
        /// Requests queued at most, `0..=1e12`.
        limit: f64,
    },
    /// Make a share of a component's answers fail at once, as misbehaving
    /// instances do (a node mishandling a failover: seed 003). A rolling
    /// restart replaces them; a bad deploy that a restart would not fix is
    /// set again after the restart.
    SetErrorRate {
        /// Component id.
        component: String,
        /// Share of requests answered with an error, `0..1`; it replaces the
        /// component's base error rate (set the base rate back to undo it).
        rate: f64,
    },
    /// Multiply one request class's user traffic, on top of the overall
    /// multiplier (seed 001: "10x normal API requests").
    SetClassMultiplier {
        /// The request class.
        class: RequestClass,
        /// Multiplier, `0..=100`.
        multiplier: f64,
    },
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl Action {
    /// A short name for logs, e.g. `"kill"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Kill { .. } => "kill",
            Action::Revive { .. } => "revive",
            Action::Degrade { .. } => "degrade",
            Action::Surge { .. } => "surge",
            Action::AddLatency { .. } => "add_latency",
            Action::SlowTail { .. } => "slow_tail",
            Action::Partition { .. } => "partition",
            Action::Heal { .. } => "heal",
            Action::SetBreaker { .. } => "set_breaker",
            Action::SetFailureMode { .. } => "set_failure_mode",
            Action::SetBreakerPreset { .. } => "set_breaker_preset",
            Action::SetKillSwitch { .. } => "set_kill_switch",
            Action::SetAutoTrigger { .. } => "set_auto_trigger",
            Action::SetTrafficMultiplier { .. } => "set_traffic_multiplier",
            Action::SetRetryPolicy { .. } => "set_retry_policy",
            Action::Scale { .. } => "scale",
            Action::RollingRestart { .. } => "rolling_restart",
            Action::Deploy { .. } => "deploy",
            Action::Rollback { .. } => "rollback",
            Action::DisableMessageSending { .. } => "disable_message_sending",
            Action::SetReconnectAdmission { .. } => "set_reconnect_admission",
            Action::ShedLoad { .. } => "shed_load",
            Action::SetDeadlineCheck { .. } => "set_deadline_check",
            Action::SetRateLimit { .. } => "set_rate_limit",
            Action::SetQueueLimit { .. } => "set_queue_limit",
            Action::SetClassMultiplier { .. } => "set_class_multiplier",
            Action::SetErrorRate { .. } => "set_error_rate",
        }
    }
}

/// Operator override of a breaker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerMode {
    /// The breaker follows its own rules.
    Auto,
    /// Held open: every call rejected.
    ForceOpen,
    /// Held closed: every call passes.
    ForceClosed,
}

/// The seed's six emergency feature flags (seed 000, "Emergency Feature Flags").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KillSwitch {
    /// Refuse messages to large guilds (the large-guild router's share).
    DisableLargeGuildMessages,
    /// Read-only mode: refuse all writes (sends, uploads), keep reads.
    EnableReadOnlyMode,
    /// Refuse file uploads.
    DisableFileUploads,
    /// Halve every rate limit.
    EnableAggressiveRateLimiting,
    /// Refuse voice joins.
    DisableVoiceConnections,
    /// Deliver messages without queueing: message routers drop their backlog beyond a short queue.
    EnableMessageQueueBypass,
}

impl KillSwitch {
    /// All six, in the seed's order.
    pub const ALL: [KillSwitch; 6] = [
        KillSwitch::DisableLargeGuildMessages,
        KillSwitch::EnableReadOnlyMode,
        KillSwitch::DisableFileUploads,
        KillSwitch::EnableAggressiveRateLimiting,
        KillSwitch::DisableVoiceConnections,
        KillSwitch::EnableMessageQueueBypass,
    ];

    /// The seed's flag name.
    pub fn as_str(self) -> &'static str {
        match self {
            KillSwitch::DisableLargeGuildMessages => "disable_large_guild_messages",
            KillSwitch::EnableReadOnlyMode => "enable_read_only_mode",
            KillSwitch::DisableFileUploads => "disable_file_uploads",
            KillSwitch::EnableAggressiveRateLimiting => "enable_aggressive_rate_limiting",
            KillSwitch::DisableVoiceConnections => "disable_voice_connections",
            KillSwitch::EnableMessageQueueBypass => "enable_message_queue_bypass",
        }
    }
}

/// The seed's four automatic triggers (seed 000, "Automatic Triggers").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoTrigger {
    /// Database CPU > 90% for 5 minutes → read-only mode.
    DatabaseCpu,
    /// Message queue depth > 1M → message queue bypass.
    QueueDepth,
    /// Error rate > 5% → aggressive rate limiting.
    ErrorRate,
    /// Storage > 95% → disable file uploads.
    Storage,
}

impl AutoTrigger {
    /// All four, in the seed's order.
    pub const ALL: [AutoTrigger; 4] = [
        AutoTrigger::DatabaseCpu,
        AutoTrigger::QueueDepth,
        AutoTrigger::ErrorRate,
        AutoTrigger::Storage,
    ];

    /// The switch this trigger turns on.
    pub fn switch(self) -> KillSwitch {
        match self {
            AutoTrigger::DatabaseCpu => KillSwitch::EnableReadOnlyMode,
            AutoTrigger::QueueDepth => KillSwitch::EnableMessageQueueBypass,
            AutoTrigger::ErrorRate => KillSwitch::EnableAggressiveRateLimiting,
            AutoTrigger::Storage => KillSwitch::DisableFileUploads,
        }
    }

    /// The seed's wording of the rule.
    pub fn rule(self) -> &'static str {
        match self {
            AutoTrigger::DatabaseCpu => "Database CPU > 90% for 5 minutes → enable_read_only_mode",
            AutoTrigger::QueueDepth => "Message queue depth > 1M → enable_message_queue_bypass",
            AutoTrigger::ErrorRate => "Error rate > 5% → enable_aggressive_rate_limiting",
            AutoTrigger::Storage => "Storage > 95% → disable_file_uploads",
        }
    }
}

/// Why an action was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionError {
    /// No component has this id.
    UnknownComponent(String),
    /// There is no dependency edge between these two components.
    UnknownEdge {
        /// Caller id.
        from: String,
        /// Callee id.
        to: String,
    },
    /// A value is outside its allowed range.
    OutOfRange {
        /// Which field.
        field: &'static str,
        /// The value given.
        value: f64,
        /// The allowed range, in words.
        allowed: &'static str,
    },
    /// The retry policy is inconsistent.
    BadPolicy(String),
    /// Flags cannot change: both configuration services are down.
    ConfigUnavailable,
    /// A deploy cannot start or roll back now (the reason, in words).
    Deploy(String),
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionError::UnknownComponent(c) => write!(f, "unknown component `{c}`"),
            ActionError::UnknownEdge { from, to } => {
                write!(f, "`{from}` has no dependency on `{to}`")
            }
            ActionError::OutOfRange {
                field,
                value,
                allowed,
            } => {
                write!(f, "{field} = {value} is out of range (allowed: {allowed})")
            }
            ActionError::BadPolicy(m) => write!(f, "bad retry policy: {m}"),
            ActionError::ConfigUnavailable => {
                write!(
                    f,
                    "flags cannot change: Config Service and Emergency Config are both down"
                )
            }
            ActionError::Deploy(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ActionError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_json_and_toml() {
        let a = vec![
            Action::Kill {
                component: "Redis_Sessions".into(),
            },
            Action::SetTrafficMultiplier {
                multiplier: 10.0,
                ramp_s: 0.0,
            },
            Action::SetRetryPolicy {
                policy: RetryPolicy::seed_broken(),
                rollout_ms: 0.0,
            },
            Action::SetRetryPolicy {
                policy: RetryPolicy::seed_broken(),
                rollout_ms: 3_600_000.0,
            },
            Action::SetKillSwitch {
                switch: KillSwitch::EnableReadOnlyMode,
                on: true,
            },
            Action::SetFailureMode {
                from: "Sessions_Service".into(),
                to: "Presence_Service".into(),
                mode: OnFailure::Ignore,
            },
        ];
        let json = serde_json::to_string(&a).unwrap();
        let back: Vec<Action> = serde_json::from_str(&json).unwrap();
        assert_eq!(a, back);
        let t: Action = toml::from_str("type = \"kill\"\ncomponent = \"X\"").unwrap();
        assert_eq!(
            t,
            Action::Kill {
                component: "X".into()
            }
        );
        let t: Action = toml::from_str(
            "type = \"set_failure_mode\"\nfrom = \"A\"\nto = \"B\"\nmode = \"buffer\"",
        )
        .unwrap();
        assert_eq!(
            t,
            Action::SetFailureMode {
                from: "A".into(),
                to: "B".into(),
                mode: OnFailure::Buffer
            }
        );
        assert!(toml::from_str::<Action>(
            "type = \"set_failure_mode\"\nfrom = \"A\"\nto = \"B\"\nmode = \"retry\""
        )
        .is_err());
    }
}
