//! Counterfactual switches (`[[counterfactual]]`): "what if the post-mortem's
//! action item had been in place?".
//!
//! Each switch is off by default and, when turned on with
//! [`Scenario::with_counterfactual`], changes the scenario before the run
//! starts, never the outcome directly:
//! - `client_retry`: a replacement client retry policy (e.g. jittered
//!   exponential backoff with a cap instead of seed 001's broken one);
//! - `breaker`: a breaker preset for every edge;
//! - `deploy_strategy`: how deploys roll out when their action does not
//!   say (`canary`: seed 002's pipeline; `rolling`: straight to everyone);
//! - `triggers`: automatic triggers armed or disarmed;
//! - `reconnect_admission`: a cap on gateway (re)connections per second from
//!   t = 0 (seed 004's reconnect admission control);
//! - `[counterfactual.params.<id>]`: component parameter overrides (a queue
//!   cap, a deadline check, more servers);
//! - `[[counterfactual.at]]`: timeline actions added to the scenario's own
//!   (at equal times they run after the scenario's, so a counterfactual
//!   `set_breaker ... mode = "auto"` at t = 0 undoes a scenario's
//!   `force_closed` at t = 0).
//!
//! Whatever it changes, the model then runs as usual: a switch helps only if
//! the mechanisms say it does.

use serde::{Deserialize, Serialize};

use crate::sim::action::{Action, AutoTrigger};
use crate::sim::breaker::BreakerPreset;
use crate::sim::deploy::DeployStrategy;
use crate::sim::retry::RetryPolicy;

use super::params::ComponentParams;
use super::story::time_in_run;
use super::{RawAt, RawTriggers, Scenario, TimedAction};

/// One component's parameters as a counterfactual sets them (the scenario's
/// own parameters with the counterfactual's overrides on top).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamOverride {
    /// Component id.
    pub component: String,
    /// The complete parameters in force with the counterfactual on.
    pub params: ComponentParams,
}

/// A validated counterfactual switch.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Counterfactual {
    /// Short identifier (`jittered_backoff`), used by the CLI, tests and URLs.
    pub key: String,
    /// Label for a toggle in the page.
    pub label: String,
    /// What it changes and why it should help, in a few sentences.
    pub description: String,
    /// The post-mortem action item it stands for (seed and section).
    pub source: String,
    /// Replacement client retry policy.
    pub client_retry: Option<RetryPolicy>,
    /// Breaker preset for every edge.
    pub breaker: Option<BreakerPreset>,
    /// How deploys roll out when an action does not say (the pipeline).
    pub deploy_strategy: Option<DeployStrategy>,
    /// Automatic triggers to arm (`Some(true)`) or disarm (`Some(false)`), seed order.
    pub triggers: [Option<bool>; 4],
    /// Reconnect admission cap from t = 0, connections per second.
    pub reconnect_admission: Option<f64>,
    /// Component parameter overrides.
    pub params: Vec<ParamOverride>,
    /// Timeline actions added to the scenario's.
    pub timeline: Vec<TimedAction>,
    /// A known model gap: the switch should help but the model does not show
    /// it yet, and this says why. The counterfactual test reports it instead
    /// of failing on it.
    pub gap: Option<String>,
}

/// `[[counterfactual]]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCounterfactual {
    key: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    client_retry: Option<RetryPolicy>,
    #[serde(default)]
    breaker: Option<BreakerPreset>,
    #[serde(default)]
    deploy_strategy: Option<DeployStrategy>,
    #[serde(default)]
    triggers: Option<RawTriggers>,
    #[serde(default)]
    reconnect_admission: Option<f64>,
    #[serde(default)]
    params: Option<toml::Table>,
    #[serde(default)]
    at: Vec<RawAt>,
    #[serde(default)]
    gap: Option<String>,
}

impl RawCounterfactual {
    /// The key as written (for error messages before validation).
    pub(super) fn key(&self) -> &str {
        &self.key
    }

    /// Validates the switch against the scenario it belongs to (its
    /// topology, parameters and clock). Every problem is returned.
    pub(super) fn resolve(self, base: &Scenario) -> Result<Counterfactual, Vec<String>> {
        let mut errors = Vec::new();
        let name = format!("counterfactual `{}`", self.key);
        let key_ok = !self.key.is_empty()
            && self
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            errors.push(format!(
                "{name}: key must be lowercase letters, digits and `_` (it names the switch in URLs and on the command line)"
            ));
        }
        if self.label.trim().is_empty() {
            errors.push(format!("{name}: needs a `label` for its toggle"));
        }
        if let Some(p) = &self.client_retry {
            if let Err(m) = p.validate() {
                errors.push(format!("{name}: client_retry: {m}"));
            }
        }
        if let Some(r) = self.reconnect_admission {
            if !(r.is_finite() && r >= 0.0) {
                errors.push(format!(
                    "{name}: reconnect_admission must be a number of connections per second ≥ 0"
                ));
            }
        }
        let t = self.triggers.unwrap_or_default();
        let triggers = [t.database_cpu, t.queue_depth, t.error_rate, t.storage];
        let mut params = Vec::new();
        for (id, v) in self.params.iter().flatten() {
            let Some(i) = base.topology.component_index(id) else {
                errors.push(format!(
                    "{name}: params: {}",
                    super::unknown_component(&base.topology, id)
                ));
                continue;
            };
            let toml::Value::Table(tab) = v else {
                errors.push(format!("{name}: params.{id} must be a table"));
                continue;
            };
            match super::overlay(&base.params[i], tab).and_then(|p| p.validate().map(|_| p)) {
                Ok(p) => params.push(ParamOverride {
                    component: id.clone(),
                    params: p,
                }),
                Err(m) => errors.push(format!("{name}: params.{id}: {m}")),
            }
        }
        let mut timeline = Vec::new();
        for a in self.at {
            match time_in_run(
                &a.t,
                base.start_clock_ms,
                base.duration_ms,
                &format!("{name}: at t"),
            ) {
                Ok(t_ms) => {
                    if let Err(m) = crate::sim::check_action(&base.topology, &a.action) {
                        errors.push(format!("{name}: {m}"));
                    }
                    timeline.push(TimedAction {
                        t_ms,
                        action: a.action,
                        note: a.note,
                        role: a.role,
                    });
                }
                Err(m) => errors.push(m),
            }
        }
        if self.client_retry.is_none()
            && self.breaker.is_none()
            && self.deploy_strategy.is_none()
            && triggers.iter().all(Option::is_none)
            && self.reconnect_admission.is_none()
            && params.is_empty()
            && timeline.is_empty()
            && errors.is_empty()
        {
            errors.push(format!(
                "{name}: changes nothing (give client_retry, breaker, deploy_strategy, triggers, reconnect_admission, params or at)"
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Counterfactual {
            key: self.key,
            label: self.label,
            description: self.description,
            source: self.source,
            client_retry: self.client_retry,
            breaker: self.breaker,
            deploy_strategy: self.deploy_strategy,
            triggers,
            reconnect_admission: self.reconnect_admission,
            params,
            timeline,
            gap: self.gap.filter(|g| !g.trim().is_empty()),
        })
    }
}

impl Counterfactual {
    /// Applies the switch to a scenario (which must be the one it was
    /// validated against, or a copy of it with other switches applied).
    pub fn apply_to(&self, s: &mut Scenario) {
        if let Some(p) = self.client_retry {
            s.client_retry = p;
        }
        if let Some(b) = self.breaker {
            s.breaker = b;
        }
        if let Some(d) = self.deploy_strategy {
            s.deploy_strategy = d;
        }
        for (k, t) in self.triggers.iter().enumerate() {
            if let Some(on) = t {
                s.triggers[k] = *on;
            }
        }
        for o in &self.params {
            if let Some(p) = s.params_mut(&o.component) {
                *p = o.params.clone();
            }
        }
        if let Some(r) = self.reconnect_admission {
            s.timeline.push(TimedAction {
                t_ms: 0,
                action: Action::SetReconnectAdmission { per_second: r },
                note: format!("counterfactual: {}", self.label),
                role: super::TimelineRole::Trigger,
            });
        }
        s.timeline.extend(self.timeline.iter().cloned());
        // Stable: at equal times the counterfactual's actions follow the scenario's.
        s.timeline.sort_by_key(|a| a.t_ms);
        s.name = format!("{} + {}", s.name, self.label);
    }
}

impl Scenario {
    /// This scenario with the counterfactual `key` switched on; the error
    /// lists the keys it has.
    pub fn with_counterfactual(&self, key: &str) -> Result<Scenario, String> {
        let cf = self
            .counterfactuals
            .iter()
            .find(|c| c.key == key)
            .ok_or_else(|| {
                let keys: Vec<&str> = self
                    .counterfactuals
                    .iter()
                    .map(|c| c.key.as_str())
                    .collect();
                if keys.is_empty() {
                    format!(
                        "`{}` has no counterfactual switches (asked for `{key}`)",
                        self.name
                    )
                } else {
                    format!(
                        "`{}` has no counterfactual `{key}` (it has: {})",
                        self.name,
                        keys.join(", ")
                    )
                }
            })?;
        let mut s = self.clone();
        cf.apply_to(&mut s);
        Ok(s)
    }

    /// The counterfactual switch `key`, if the scenario has it.
    pub fn counterfactual(&self, key: &str) -> Option<&Counterfactual> {
        self.counterfactuals.iter().find(|c| c.key == key)
    }
}

/// Which trigger each slot of [`Counterfactual::triggers`] is.
pub const TRIGGER_ORDER: [AutoTrigger; 4] = AutoTrigger::ALL;
