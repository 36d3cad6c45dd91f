//! Reading a scenario file: the TOML as written (`Raw*`), checked and
//! resolved into a [`Scenario`], every problem reported at its line.

use super::routes::merge_route;
use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    topology: Option<toml::Value>,
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    time_zone: Option<String>,
    duration: toml::Value,
    #[serde(default)]
    tick: Option<toml::Value>,
    #[serde(default)]
    sample: Option<toml::Value>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    calibration_runs: Option<toml::Spanned<i64>>,
    #[serde(default)]
    traffic: Option<Traffic>,
    #[serde(default)]
    client_retry: Option<RetryPolicy>,
    #[serde(default)]
    breaker: Option<BreakerPreset>,
    #[serde(default)]
    deploy_strategy: Option<DeployStrategy>,
    #[serde(default)]
    triggers: Option<RawTriggers>,
    #[serde(default)]
    params: Option<toml::Table>,
    #[serde(default)]
    route: Vec<Route>,
    #[serde(default)]
    at: Vec<RawAt>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<toml::Spanned<String>>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    difficulty: Option<Difficulty>,
    #[serde(default)]
    narrative: String,
    #[serde(default)]
    drill_briefing: String,
    #[serde(default)]
    message: Vec<toml::Spanned<story::RawMessage>>,
    #[serde(default)]
    what_happened: String,
    #[serde(default)]
    expect: Vec<toml::Spanned<expect::RawExpect>>,
    #[serde(default)]
    counterfactual: Vec<toml::Spanned<counterfactual::RawCounterfactual>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawTriggers {
    pub(super) database_cpu: Option<bool>,
    pub(super) queue_depth: Option<bool>,
    pub(super) error_rate: Option<bool>,
    pub(super) storage: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAt {
    pub(super) t: toml::Value,
    pub(super) action: Action,
    #[serde(default)]
    pub(super) note: String,
    #[serde(default)]
    pub(super) role: super::TimelineRole,
}

#[derive(Deserialize)]
struct InlineTopology {
    topology: RawTopology,
}

pub(super) fn toml_err(e: &toml::de::Error, text: &str, file: &str) -> SourceError {
    let msg = e.message().trim().to_string();
    match e.span() {
        Some(r) => SourceError::at(file, SourceSpan::from_offset(text, r.start), msg),
        None => SourceError::whole(file, msg),
    }
}

/// The line of the first occurrence of `needle` in `text`, for errors about merged tables.
fn find(text: &str, needle: &str) -> Option<SourceSpan> {
    text.find(needle).map(|o| SourceSpan::from_offset(text, o))
}

pub(super) fn err_near(file: &str, text: &str, needle: &str, msg: String) -> SourceError {
    err_near_after(file, text, 0, needle, msg)
}

/// [`err_near`] searching from byte `from` on (the entry the error is
/// about, so a component named in several entries is found in the right
/// one), then from the start.
fn err_near_after(file: &str, text: &str, from: usize, needle: &str, msg: String) -> SourceError {
    let after = text
        .get(from..)
        .and_then(|rest| rest.find(needle))
        .map(|o| SourceSpan::from_offset(text, from + o));
    match after.or_else(|| find(text, needle)) {
        Some(s) => SourceError::at(file, s, msg),
        None => SourceError::whole(file, msg),
    }
}

/// The header of a timeline entry.
const AT_TABLE: &str = "[[at]]";

/// Byte offsets of the lines that open a `header` table (`[[at]]`), in
/// file order.
fn table_starts(text: &str, header: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with(header) {
            starts.push(offset + (line.len() - t.len()));
        }
        offset += line.len();
    }
    starts
}

fn duration_of(v: &toml::Value, what: &str) -> Result<u64, String> {
    match v {
        toml::Value::Integer(i) if *i >= 0 => Ok(*i as u64),
        toml::Value::String(s) => time::parse_duration(s),
        _ => Err(format!(
            "{what} must be a duration like \"4h\", \"90s\", \"100ms\" or an integer of ms"
        )),
    }
}

impl Scenario {
    /// The bundled evening-peak steady state over the bundled topology.
    pub fn bundled_steady_state() -> Result<Scenario, Vec<SourceError>> {
        Scenario::from_toml_str(STEADY_STATE_TOML, "bundled:steady_state.toml")
    }

    /// Parses and validates a scenario file; `file` names it in errors.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Scenario, Vec<SourceError>> {
        let raw: RawScenario = toml::from_str(text).map_err(|e| vec![toml_err(&e, text, file)])?;
        let mut errors = Vec::new();
        let (topology, topology_source) = match &raw.topology {
            None => (Topology::bundled()?, TopologySource::Bundled),
            Some(toml::Value::String(s)) if s == "bundled" => {
                (Topology::bundled()?, TopologySource::Bundled)
            }
            Some(toml::Value::Table(_)) => {
                let inline: InlineTopology =
                    toml::from_str(text).map_err(|e| vec![toml_err(&e, text, file)])?;
                (
                    crate::topology::validate_raw(inline.topology, text, file)?,
                    TopologySource::Inline,
                )
            }
            Some(_) => {
                return Err(vec![err_near(
                    file,
                    text,
                    "topology",
                    "topology must be \"bundled\" or an inline [topology] table".into(),
                )])
            }
        };
        let use_platform = match raw.platform.as_deref() {
            None => topology_source == TopologySource::Bundled,
            Some("bundled") => true,
            Some("none") => false,
            Some(other) => {
                return Err(vec![err_near(
                    file,
                    text,
                    "platform",
                    format!("platform must be \"bundled\" or \"none\", got `{other}`"),
                )])
            }
        };
        let (mut params, mut routes) = if use_platform {
            resolve_platform(&topology, PLATFORM_TOML, "bundled:platform.toml")?
        } else {
            default_params(&topology)
        };
        // Scenario overrides.
        if let Some(over) = &raw.params {
            for (id, v) in over {
                let Some(i) = topology.component_index(id) else {
                    errors.push(err_near(
                        file,
                        text,
                        &format!("params.{id}"),
                        unknown_component(&topology, id),
                    ));
                    continue;
                };
                let toml::Value::Table(t) = v else {
                    errors.push(err_near(
                        file,
                        text,
                        &format!("params.{id}"),
                        format!("params.{id} must be a table"),
                    ));
                    continue;
                };
                match overlay(&params[i], t) {
                    Ok(p) => params[i] = p,
                    Err(m) => errors.push(err_near(
                        file,
                        text,
                        &format!("params.{id}"),
                        format!("params.{id}: {m}"),
                    )),
                }
            }
        }
        for r in &raw.route {
            match resolve_route(&topology, r) {
                Ok((e, er)) => merge_route(&mut routes[e], er, !r.classes.is_empty()),
                Err(m) => errors.push(err_near(file, text, &format!("\"{}\"", r.to), m)),
            }
        }
        if let Err(m) = check_splits(&topology, &routes) {
            errors.push(err_near(file, text, "split =", m));
        }
        for (i, p) in params.iter().enumerate() {
            if let Err(m) = p.validate() {
                errors.push(err_near(
                    file,
                    text,
                    &topology.components[i].id,
                    format!("{}: {m}", topology.components[i].id),
                ));
            }
        }
        let start_clock_ms = match raw.start.as_deref().map(time::parse_clock).transpose() {
            Ok(v) => v.unwrap_or(0),
            Err(m) => {
                errors.push(err_near(file, text, "start", m));
                0
            }
        };
        let dur = |v: Option<&toml::Value>,
                   what: &str,
                   default: u64,
                   errors: &mut Vec<SourceError>|
         -> u64 {
            match v.map(|v| duration_of(v, what)).transpose() {
                Ok(x) => x.unwrap_or(default),
                Err(m) => {
                    errors.push(err_near(file, text, what, m));
                    default
                }
            }
        };
        let duration_ms = dur(Some(&raw.duration), "duration", 3_600_000, &mut errors);
        let tick_ms = dur(raw.tick.as_ref(), "tick", 1000, &mut errors);
        let sample_ms = dur(raw.sample.as_ref(), "sample", 10_000, &mut errors);
        if tick_ms == 0 || tick_ms > 60_000 {
            errors.push(err_near(
                file,
                text,
                "tick",
                format!("tick must be between 1 ms and 60 s, got {tick_ms} ms"),
            ));
        }
        if sample_ms < tick_ms.max(1) {
            errors.push(err_near(
                file,
                text,
                "sample",
                "sample must be at least one tick".into(),
            ));
        }
        if duration_ms == 0 || duration_ms > 7 * 86_400_000 {
            errors.push(err_near(
                file,
                text,
                "duration",
                "duration must be between 1 ms and 7 days".into(),
            ));
        }
        let traffic = raw.traffic.unwrap_or_default();
        if let Err(m) = check_traffic(&traffic) {
            errors.push(err_near(file, text, "[traffic", m));
        }
        let client_retry = raw.client_retry.unwrap_or_default();
        if let Err(m) = client_retry.validate() {
            errors.push(err_near(file, text, "client_retry", m));
        }
        let t = raw.triggers.unwrap_or_default();
        let triggers = [
            t.database_cpu.unwrap_or(true),
            t.queue_depth.unwrap_or(true),
            t.error_rate.unwrap_or(true),
            t.storage.unwrap_or(true),
        ];
        let mut timeline = Vec::new();
        let at_starts = table_starts(text, AT_TABLE);
        for (n, a) in raw.at.into_iter().enumerate() {
            let entry = at_starts.get(n).copied().unwrap_or(0);
            let when = match &a.t {
                toml::Value::Integer(i) if *i >= 0 => Ok(*i as u64),
                toml::Value::String(s) => time::parse_at(s, start_clock_ms),
                _ => Err("t must be \"HH:MM:SS\", \"+5m\" or an integer of ms".into()),
            };
            match when {
                Ok(t_ms) if t_ms > duration_ms => errors.push(err_near_after(
                    file,
                    text,
                    entry,
                    &format!("\"{}\"", action_anchor(&a.action)),
                    format!(
                        "timeline action `{}` at {} is outside the run (it lasts {})",
                        a.action.kind(),
                        story::fmt_dur(t_ms),
                        story::fmt_dur(duration_ms)
                    ),
                )),
                Ok(t_ms) => {
                    if let Err(m) = crate::sim::check_action(&topology, &a.action) {
                        errors.push(err_near_after(
                            file,
                            text,
                            entry,
                            &format!("\"{}\"", action_anchor(&a.action)),
                            m.to_string(),
                        ));
                    }
                    timeline.push(TimedAction {
                        t_ms,
                        action: a.action,
                        note: a.note,
                        role: a.role,
                    });
                }
                // After its `[[at]]`, whose own `t` is not the key.
                Err(m) => errors.push(err_near_after(file, text, entry + AT_TABLE.len(), "t", m)),
            }
        }
        timeline.sort_by_key(|a| a.t_ms);
        let at = |span: std::ops::Range<usize>| SourceSpan::from_offset(text, span.start);
        let mut messages = Vec::new();
        for m in raw.message {
            let span = m.span();
            let m = m.into_inner();
            match story::time_in_run(&m.t, start_clock_ms, duration_ms, "message t") {
                Ok(_) if m.text.trim().is_empty() => {
                    errors.push(SourceError::at(file, at(span), "message has no text"));
                }
                Ok(t_ms) => messages.push(StoryMessage { t_ms, text: m.text }),
                Err(e) => errors.push(SourceError::at(file, at(span), e)),
            }
        }
        messages.sort_by_key(|m| m.t_ms);
        let mut expectations = Vec::new();
        // Where each band naming a switch is, to check the key once the
        // counterfactuals are read.
        let mut band_switches = Vec::new();
        for e in raw.expect {
            let span = e.span();
            match e
                .into_inner()
                .resolve(&topology, start_clock_ms, duration_ms)
            {
                Ok(x) => {
                    if let Some(k) = &x.with {
                        band_switches.push((span, k.clone()));
                    }
                    expectations.push(x)
                }
                Err(m) => errors.push(SourceError::at(file, at(span), m)),
            }
        }
        if let Some(d) = &raw.date {
            if !story::valid_date(d.get_ref()) {
                errors.push(SourceError::at(
                    file,
                    at(d.span()),
                    format!("date must be YYYY-MM-DD, got `{}`", d.get_ref()),
                ));
            }
        }
        let mut calibration_runs = ensemble::CALIBRATION_RUNS;
        if let Some(n) = &raw.calibration_runs {
            match ensemble::runs_from(*n.get_ref()) {
                Ok(v) => calibration_runs = v,
                Err(m) => errors.push(SourceError::at(
                    file,
                    at(n.span()),
                    format!("calibration_runs {m}"),
                )),
            }
        }
        // Counterfactuals are checked against the scenario even when it has
        // other problems, so every error is reported at once.
        let title = raw.title.unwrap_or_else(|| raw.name.clone());
        let mut scenario = Scenario {
            name: raw.name,
            source: raw.source,
            description: raw.description,
            topology_source,
            topology,
            params,
            routes,
            traffic,
            client_retry,
            breaker: raw.breaker.unwrap_or(BreakerPreset::Seed),
            deploy_strategy: raw.deploy_strategy.unwrap_or_default(),
            triggers,
            timeline,
            start_clock_ms,
            time_zone: raw.time_zone.unwrap_or_else(|| "UTC".into()),
            duration_ms,
            tick_ms,
            sample_ms,
            seed: raw.seed.unwrap_or(1),
            calibration_runs,
            title,
            date: raw.date.map(|d| d.into_inner()).unwrap_or_default(),
            summary: raw.summary,
            difficulty: raw.difficulty.unwrap_or_default(),
            narrative: raw.narrative,
            drill_briefing: raw.drill_briefing,
            messages,
            what_happened: raw.what_happened,
            expectations,
            counterfactuals: Vec::new(),
        };
        let mut keys: Vec<String> = Vec::new();
        for c in raw.counterfactual {
            let span = c.span();
            let c = c.into_inner();
            if keys.iter().any(|k| k == c.key()) {
                errors.push(SourceError::at(
                    file,
                    at(span.clone()),
                    format!("counterfactual `{}` is defined twice", c.key()),
                ));
            }
            keys.push(c.key().to_string());
            match c.resolve(&scenario) {
                Ok(x) => scenario.counterfactuals.push(x),
                Err(ms) => errors.extend(
                    ms.into_iter()
                        .map(|m| SourceError::at(file, at(span.clone()), m)),
                ),
            }
        }
        for (span, k) in band_switches {
            if !keys.contains(&k) {
                let known = if keys.is_empty() {
                    "this scenario has no [[counterfactual]] switches".to_string()
                } else {
                    format!("its switches are: {}", keys.join(", "))
                };
                errors.push(SourceError::at(
                    file,
                    at(span),
                    format!("expect: with = \"{k}\" names no counterfactual switch ({known})"),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(scenario)
    }
}

fn action_anchor(a: &Action) -> String {
    match a {
        Action::Kill { component }
        | Action::Revive { component }
        | Action::Degrade { component, .. }
        | Action::Surge { component, .. }
        | Action::AddLatency { component, .. }
        | Action::SlowTail { component, .. }
        | Action::Partition { component, .. }
        | Action::Heal { component, .. }
        | Action::Scale { component, .. }
        | Action::RollingRestart { component }
        | Action::SetDeadlineCheck { component, .. } => component.clone(),
        Action::SetBreaker { to, .. } | Action::SetFailureMode { to, .. } => to.clone(),
        _ => a.kind().to_string(),
    }
}

fn check_traffic(t: &Traffic) -> Result<(), String> {
    let vals = [
        ("users", t.users),
        ("multiplier", t.multiplier),
        ("noise", t.noise),
        ("heartbeat_ms", t.heartbeat_ms),
        ("reconnect_ms", t.reconnect_ms),
        ("reconnect_cap_ms", t.reconnect_cap_ms),
        ("give_up_ms", t.give_up_ms),
        ("return_ms", t.return_ms),
        ("session_ms", t.session_ms),
        ("reconnect_admission", t.reconnect_admission),
    ];
    for (n, v) in vals {
        if !(v.is_finite() && v >= 0.0) {
            return Err(format!("traffic.{n} must be a finite number ≥ 0, got {v}"));
        }
    }
    for (n, v) in [
        ("heartbeat_ms", t.heartbeat_ms),
        ("reconnect_ms", t.reconnect_ms),
        ("reconnect_cap_ms", t.reconnect_cap_ms),
        ("session_ms", t.session_ms),
    ] {
        if v < 1.0 {
            return Err(format!("traffic.{n} must be at least 1 ms"));
        }
    }
    if !t.daily_curve.is_empty() && t.daily_curve.len() != 24 {
        return Err(format!(
            "traffic.daily_curve needs 24 hourly values, got {}",
            t.daily_curve.len()
        ));
    }
    if t.daily_curve.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
        return Err("traffic.daily_curve values must be finite and ≥ 0".into());
    }
    if t.per_user
        .lanes()
        .iter()
        .any(|v| !(v.is_finite() && *v >= 0.0))
    {
        return Err("traffic.per_user rates must be finite and ≥ 0".into());
    }
    Ok(())
}
