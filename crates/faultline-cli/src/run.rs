//! `faultline run FILE [--seed N] [--drill] [--format json|csv|spread]`:
//! runs a scenario to its end and prints the whole run to stdout (or, with
//! `spread`, how the trouble spread: each component's first trouble in
//! order with what the log blames it on, the timeline a post-mortem starts
//! from, as the page's debrief shows it). With `--drill`
//! the scenario's responses (`role = "response"` timeline entries) are left
//! out, as in the page's drill mode with a team that does nothing.
//!
//! The JSON schema (documented in `scenarios/README.md`) is stable: top-level
//! `scenario`, `seed`, `components` (ids, in topology order), `samples`
//! (each with `t_ms`, `clock`, an `sli` object, `users` and per-component
//! figures keyed by id), `events` and `summary`. CSV has one row per sample:
//! the indicators, the user counts, then `<id>.utilisation`,
//! `<id>.error_rate`, `<id>.queue`, `<id>.memory` for each component (the
//! figures a component band measures).

use std::process::ExitCode;

use faultline_core::scenario::{time::format_clock, Scenario};
use faultline_core::sim::event::{first_troubles, trouble_roots};
use faultline_core::sim::{run_hash, Health, Sim};
use faultline_core::SourceError;
use serde_json::{json, Map, Value};

/// Usage line for `faultline help`.
pub const USAGE: &str = "faultline run FILE [--seed N] [--drill] [--format json|csv|spread]\n          Run a scenario (a path, or bundled:<file> such as bundled:steady_state.toml) and print every sample and event (spread: each component's first trouble in order, with its cause); --drill leaves out the responders' actions.\nfaultline run --all [--seed N] [--json]\n          The same as faultline report.";

/// Reads a scenario by path or bundled name (`bundled:<file>`, see
/// `faultline report --list`), reporting errors as `file:line:col: message`.
pub fn load(name: &str) -> Result<Scenario, String> {
    let text = crate::input::read(name)?;
    Scenario::from_toml_str(&text, name).map_err(|errs| SourceError::join(&errs, "\n"))
}

fn health(h: Health) -> &'static str {
    match h {
        Health::Healthy => "healthy",
        Health::Degraded => "degraded",
        Health::Overloaded => "overloaded",
        Health::Down => "down",
        Health::FailingOver => "failing_over",
        Health::Recovering => "recovering",
    }
}

/// Runs `faultline run` (`faultline run --all ...` is `faultline report ...`).
pub fn run(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "--all") {
        return crate::report::run(args);
    }
    let mut file = None;
    let mut seed = None;
    let mut format = "json".to_string();
    let mut drill = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => match crate::seed_arg(&mut it) {
                Ok(v) => seed = Some(v),
                Err(m) => return usage_error(m),
            },
            "--format" => match it.next().map(String::as_str) {
                Some(f @ ("json" | "csv" | "spread")) => format = f.to_string(),
                _ => return usage_error("--format must be json, csv or spread"),
            },
            "--drill" => drill = true,
            f if file.is_none() && !f.starts_with("--") => file = Some(f.to_string()),
            other => return usage_error(&format!("unexpected argument \"{other}\"")),
        }
    }
    let Some(file) = file else {
        return usage_error("missing FILE");
    };
    let scenario = match load(&file) {
        Ok(s) if drill => s.drill(),
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let seed = seed.unwrap_or(scenario.seed);
    let mut sim = match Sim::new(&scenario, seed) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::from(1);
        }
    };
    sim.run_to_end();
    let out = match format.as_str() {
        "csv" => faultline_core::sim::csv::samples_csv(&sim),
        "spread" => spread_text(&sim, seed),
        _ => json_run(&sim).to_string(),
    };
    outln!("{out}");
    ExitCode::SUCCESS
}

/// How the trouble spread, as text: a heading, then each component's first
/// trouble with its clock and, indented below, what the log blames it on.
fn spread_text(sim: &Sim, seed: u64) -> String {
    let scenario = sim.scenario();
    let events = sim.events();
    let (firsts, total) = first_troubles(events, usize::MAX, |_| false);
    let mut out = format!(
        "How it spread: {}, seed {seed}. Each component's first trouble, in order, and what the log blames it on.\n",
        scenario.name
    );
    for f in &firsts {
        let e = &events[f.event];
        out.push_str(&format!(
            "{}  {}\n",
            format_clock(scenario.start_clock_ms, e.t_ms),
            e.message
        ));
        if let Some(c) = f.because {
            out.push_str(&format!("          because: {}\n", events[c].message));
        }
    }
    out.push_str(&format!(
        "{total} of {} components were in trouble at some point.",
        scenario.topology.components.len()
    ));
    let roots = trouble_roots(events, |_| false);
    if !roots.is_empty() {
        out.push_str("\nWhere it began (each component's first trouble traced back):");
        for r in roots {
            let clock = format_clock(scenario.start_clock_ms, events[r.event].t_ms);
            out.push_str(&format!("\n{clock}  {}", r.words(events)));
        }
    }
    out
}

fn usage_error(msg: &str) -> ExitCode {
    crate::usage_error("run", USAGE, msg)
}

/// The whole run as the documented JSON document.
pub fn json_run(sim: &Sim) -> Value {
    let s = sim.scenario();
    let t = sim.topology();
    let ids: Vec<&str> = t.components.iter().map(|c| c.id.as_str()).collect();
    let samples: Vec<Value> = sim
        .samples()
        .iter()
        .map(|x| {
            let mut comps = Map::new();
            for (i, c) in x.components.iter().enumerate() {
                comps.insert(
                    ids[i].to_string(),
                    json!({
                        "health": health(c.health),
                        "utilisation": c.utilisation,
                        "queue": c.queue,
                        "memory_fraction": c.memory_fraction,
                        "error_rate": c.error_rate,
                        "unavailable": c.unavailable,
                        "throughput": c.throughput,
                        "latency_ms": c.latency_ms,
                    }),
                );
            }
            json!({
                "t_ms": x.t_ms,
                "clock": format_clock(s.start_clock_ms, x.t_ms),
                "sli": x.sli,
                "users": x.users,
                "components": comps,
            })
        })
        .collect();
    json!({
        "scenario": {
            "name": s.name,
            "source": s.source,
            "description": s.description,
            "topology": t.name,
            "start": format_clock(s.start_clock_ms, 0),
            "time_zone": s.time_zone,
            "duration_ms": s.duration_ms,
            "tick_ms": s.tick_ms,
            "sample_ms": s.sample_ms,
        },
        "seed": sim.seed(),
        "components": ids,
        "samples": samples,
        "events": sim.events().iter().map(|e| json!({
            "t_ms": e.t_ms,
            "clock": format_clock(s.start_clock_ms, e.t_ms),
            "kind": e.kind,
            "component": e.component,
            "message": e.message,
            "cause": e.cause,
        })).collect::<Vec<_>>(),
        "summary": summary(sim),
    })
}

/// Headline figures of a run: worst indicators, SLO-breach time, peak blast radius.
pub fn summary(sim: &Sim) -> Value {
    let samples = sim.samples();
    let dt = sim.scenario().sample_ms as f64 / 60_000.0;
    let fold = |f: &dyn Fn(&faultline_core::sim::Sli) -> f64, min: bool| {
        samples
            .iter()
            .map(|x| f(&x.sli))
            .fold(if min { f64::INFINITY } else { 0.0 }, |a, b| {
                if min {
                    a.min(b)
                } else {
                    a.max(b)
                }
            })
    };
    let breach = samples.iter().filter(|x| x.sli.api_success < 0.999).count() as f64 * dt;
    let last = samples.last().map(|x| x.sli).unwrap_or_default();
    json!({
        "samples": samples.len(),
        "events": sim.events().len(),
        "min_api_success": fold(&|s| s.api_success, true),
        "max_api_latency_p95_ms": fold(&|s| s.api_latency_p95_ms, false),
        "min_ws_connect_rate": fold(&|s| s.ws_connect_rate, true),
        "min_voice_success": fold(&|s| s.voice_success, true),
        "min_delivery_rate": fold(&|s| s.delivery_rate, true),
        "max_message_load_p99_ms": fold(&|s| s.message_load_p99_ms, false),
        "max_db_query_ms": fold(&|s| s.db_query_ms, false),
        "max_users_affected": fold(&|s| s.users_affected, false),
        "minutes_api_success_below_99_9": breach,
        "users_affected_minutes": faultline_core::scenario::users_affected_minutes(samples),
        "final_sli": last,
        "run_hash": format!("{:#018x}", run_hash(samples)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_core::scenario::simple_topology;

    fn tiny() -> Sim {
        let t = simple_topology(&["Edge", "Api"], &[("Edge", "Api")], &[]);
        let mut s = Scenario::with_topology("tiny", t);
        s.duration_ms = 60_000;
        s.traffic.users = 10_000.0;
        for p in &mut s.params {
            p.servers = 100.0;
        }
        let mut sim = Sim::new(&s, 3).unwrap();
        sim.apply(faultline_core::sim::Action::Kill {
            component: "Api".into(),
        })
        .unwrap();
        sim.run_to_end();
        sim
    }

    #[test]
    fn json_has_the_documented_top_level_schema() {
        let v = json_run(&tiny());
        for key in [
            "scenario",
            "seed",
            "components",
            "samples",
            "events",
            "summary",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        let s0 = &v["samples"][0];
        assert!(s0["t_ms"].is_u64());
        assert!(s0["sli"]["api_success"].is_f64());
        assert!(s0["components"]["Api"]["utilisation"].is_f64());
        assert_eq!(v["seed"], 3);
        assert!(v["events"][0]["message"].as_str().unwrap().contains("kill"));
        assert!(v["summary"]["run_hash"].as_str().unwrap().starts_with("0x"));
    }
}
