//! Runs the built `faultline` binary as a user would.

use std::process::{Command, Output};

fn faultline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .output()
        .expect("run faultline")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn repo_file(rel: &str) -> String {
    format!("{}/../../{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    repo_file(&format!(
        "crates/faultline-core/tests/fixtures/topology/{name}"
    ))
}

#[test]
fn validate_accepts_the_bundled_topology_file() {
    let o = faultline(&["validate", &repo_file("scenarios/topology.toml")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("ok: 41 components, "), "{out}");
    assert!(
        out.contains(" dependency edges, 16 failover edges"),
        "{out}"
    );
}

#[test]
fn validate_accepts_the_embedded_copy_by_name() {
    let o = faultline(&["validate", "bundled:topology.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("ok: 41 components"));
}

#[test]
fn validate_reports_every_error_with_file_line_and_column() {
    let path = fixture("many_errors.toml");
    let o = faultline(&["validate", &path]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert_eq!(
        lines[0],
        format!("{path}:40:10: component \"Memcached_Guilds\" refers to unknown domain \"CachDomain\" (did you mean \"CacheDomain\"?)")
    );
    assert!(lines[1].starts_with(&format!(
        "{path}:45:6: dependency edge refers to unknown component"
    )));
    assert!(lines[2].starts_with(&format!("{path}:49:8: failover edge from")));
    assert!(stdout(&o).is_empty());
}

#[test]
fn validate_reports_syntax_errors() {
    let path = fixture("syntax_error.toml");
    let o = faultline(&["validate", &path]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with(&format!("{path}:38:22: invalid basic string")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn validate_several_files_names_each_and_fails_if_any_fails() {
    let good = fixture("valid.toml");
    let bad = fixture("cycle.toml");
    let o = faultline(&["validate", &good, &bad]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        format!("{good}: ok: 2 components, 1 dependency edges, 1 failover edges\n")
    );
    assert!(stderr(&o).contains("dependency cycle: CloudFlare_US -> Redis_Sessions"));
}

#[test]
fn validate_rejects_unreadable_and_unrecognised_files() {
    let o = faultline(&["validate", "/nonexistent/topology.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("/nonexistent/topology.toml: cannot read:"));

    let readme = repo_file("README.md");
    let o = faultline(&["validate", &readme]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("not a file Faultline recognises"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn validate_without_a_file_is_a_usage_error() {
    let o = faultline(&["validate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("faultline validate FILE"));
}

#[test]
fn list_shows_planes_domains_components_and_regions() {
    let o = faultline(&["list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "Edge Plane (Edge, #0066CC)",
        "External Dependencies - Third-Party Risk (External, #f9f9f9)",
        "GatewayDomain - Gateway Domain - Connection Boundary",
        "+ APIDomain - API Domain - Request Boundary",
        "Redis_Sessions",
        "Redis Sessions (blast radius: Re-authentication)",
        "+API_Gateway",
        "US     45.0%  edge CloudFlare_US, voice VoiceEdge_US",
        "41 components (33 from the seed, 8 added, marked +), 16 domains",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    // Planes appear in drawing order.
    let pos = |s: &str| out.find(s).unwrap();
    assert!(pos("Edge Plane") < pos("Service Plane"));
    assert!(pos("Service Plane") < pos("State Plane"));
    assert!(pos("Control Plane") < pos("External Dependencies"));
}

#[test]
fn list_json_is_the_topology() {
    let o = faultline(&["list", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["components"].as_array().unwrap().len(), 41);
    assert_eq!(v["regions"][0]["id"], "US");
}

#[test]
fn list_of_a_broken_file_reports_its_errors() {
    let path = fixture("bad_shares.toml");
    let o = faultline(&["list", &path]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(":38:6: region shares sum to 0.95"));
}

#[test]
fn help_succeeds_and_unknown_subcommands_print_usage_with_exit_code_2() {
    let o = faultline(&["help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Usage:"));
    assert!(stdout(&o).contains("faultline validate FILE"));
    assert!(stdout(&o).contains("faultline list"));

    let o = faultline(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown subcommand \"frobnicate\""));
    assert!(stderr(&o).contains("Usage:"));

    let o = faultline(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Usage:"));
}

#[test]
fn report_prints_one_row_per_run_with_impact_recovery_and_bands() {
    let o = faultline(&["report", "--scenario", "steady_state", "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    for col in [
        "api ok",
        "api p95",
        "ws ok",
        "recover",
        "user·min",
        "vs base",
        "bands",
    ] {
        assert!(lines[0].contains(col), "{out}");
    }
    let row = lines[1];
    assert!(row.starts_with("steady_state "), "{out}");
    // Nothing breaks: API success never below the recovery target, every band met.
    assert!(row.contains("         -"), "{out}");
    assert!(row.trim_end().ends_with("6/6"), "{out}");
    assert!(out.contains("known model gaps"), "{out}");
}

#[test]
fn run_all_is_report_and_json_lists_counterfactual_rows() {
    let o = faultline(&["run", "--all", "--json", "--scenario", "steady_state"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["scenario"], "steady_state");
    assert!(rows[0]["counterfactual"].is_null());
    assert!(rows[0]["users_affected_minutes"].as_f64().unwrap() > 0.0);
    assert_eq!(rows[0]["bands_passed"], rows[0]["bands"]);
    assert!(rows[0]["worst"]["api_success"].as_f64().unwrap() > 0.999);
}

#[test]
fn report_refuses_unknown_scenarios_and_arguments() {
    let o = faultline(&["report", "--scenario", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("no bundled scenario `nope`"), "{err}");
    assert!(
        err.contains("api_cascade_2022") && err.contains("presence_herd_2017"),
        "{err}"
    );

    let o = faultline(&["report", "--frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unexpected argument \"--frobnicate\""));

    let o = faultline(&["help"]);
    assert!(stdout(&o).contains("faultline report"), "{}", stdout(&o));
}

#[test]
fn run_accepts_every_bundled_scenario_by_name() {
    let o = faultline(&["validate", "bundled:nope.toml"]);
    assert_ne!(o.status.code(), Some(0));
    let o = faultline(&["run", "bundled:presence_herd_2017.toml", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // 5 h 30 min at one sample per 10 s, plus the header.
    let rows = out.lines().filter(|l| !l.is_empty()).count();
    assert_eq!(rows, 1 + 33 * 60, "{}", &out[..200]);
    assert!(
        out.lines().nth(1).unwrap().contains(",11:30:"),
        "{}",
        &out[..400]
    );
}

#[test]
fn validate_checks_scenarios_and_reports_every_problem() {
    let o = faultline(&["validate", "bundled:api_cascade_2022.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("ok: scenario \"API retry-storm cascade\""),
        "{}",
        stdout(&o)
    );

    let dir = std::env::temp_dir().join(format!("faultline-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad_scenario.toml");
    std::fs::write(
        &path,
        "name = \"bad\"\nduration = \"1h\"\n[[expect]]\nindicator = \"api_success\"\nkind = \"min\"\nvalue = 0.4\nwhy = \"x\"\n[[message]]\nt = \"+2h\"\ntext = \"late\"\n[[counterfactual]]\nkey = \"x\"\nlabel = \"x\"\n[counterfactual.params.Presense_Service]\nqueue_limit = 1\n",
    )
    .unwrap();
    let p = path.to_string_lossy().into_owned();
    let o = faultline(&["validate", &p]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 3, "{err}");
    assert!(
        err.contains(&format!("{p}:8:1: message t `+2h` is outside the run")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{p}:3:1: expect api_success min: a band needs a `tolerance`"
        )),
        "{err}"
    );
    assert!(err.contains("did you mean `Presence_Service`?"), "{err}");
    let o = faultline(&["run", &p]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());

    let o = faultline(&["validate", "bundled:nope.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("bundled:steady_state.toml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_prints_every_band_and_switch_and_fails_on_a_missed_band() {
    let o = faultline(&["check", "bundled:steady_state.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // By default: the scenario's five calibration seeds, each band judged
    // on the median run with every run's figure beside it.
    assert!(
        out.starts_with("Steady evening peak (seeds 1-5, bands judged on the median run"),
        "{out}"
    );
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("  pass ") && l.contains(", the median of 5 seeds: "))
            .count(),
        6,
        "{out}"
    );
    assert!(out.contains("users affected x minutes: "), "{out}");
    // --seed N: that one run.
    let o = faultline(&["check", "bundled:steady_state.toml", "--seed", "3"]);
    let out = stdout(&o);
    assert!(out.starts_with("Steady evening peak (seed 3)\n"), "{out}");
    assert!(!out.contains("the median of"), "{out}");

    let dir = std::env::temp_dir().join(format!("faultline-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tight.toml");
    let steady = std::fs::read_to_string(repo_file("scenarios/steady_state.toml")).unwrap();
    // An impossible band: API success at least 100% with no tolerance.
    std::fs::write(
        &path,
        format!("{steady}\n[[expect]]\nindicator = \"api_success\"\nkind = \"at_least\"\nvalue = 1.0\ntolerance = 0.0\nwhy = \"impossible\"\n"),
    )
    .unwrap();
    let o = faultline(&["check", &path.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("  FAIL api_success ≥ 100.0%"),
        "{}",
        stdout(&o)
    );

    // A band marked as a known gap that the model meets says so.
    std::fs::write(
        &path,
        format!("{steady}\n[[expect]]\nindicator = \"api_success\"\nkind = \"at_least\"\nvalue = 0.99\ntolerance = 0.0\nwhy = \"easy\"\ngap = \"once missed\"\n"),
    )
    .unwrap();
    let o = faultline(&["check", &path.to_string_lossy(), "--seed", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("met, though marked as a known gap: remove the marker"),
        "{}",
        stdout(&o)
    );

    let o = faultline(&[
        "check",
        "bundled:steady_state.toml",
        "--counterfactual",
        "nope",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("has no counterfactual switches"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_runs_more_seeds_on_request_and_counts_where_each_switch_helped() {
    // voice_service_failure: one switch, seed 1.
    let o = faultline(&["check", "bundled:voice_service_failure.toml", "--runs", "7"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("(seeds 1-7, bands judged on the median run"),
        "{out}"
    );
    assert!(out.contains(", the median of 7 seeds: "), "{out}");
    let switch = out
        .lines()
        .find(|l| l.starts_with("  + voice_hot_standby"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(switch.contains(", helps at 7 of 7 seeds)"), "{switch}");
    // An even count has no median run; --seed and --runs exclude each other.
    let o = faultline(&["check", "bundled:voice_service_failure.toml", "--runs", "4"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "--runs must be odd (the median is one of the runs) and between 1 and 51, got 4"
        ),
        "{}",
        stderr(&o)
    );
    let o = faultline(&[
        "check",
        "bundled:voice_service_failure.toml",
        "--runs",
        "3",
        "--seed",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--seed and --runs exclude each other"));
}

#[test]
fn run_spread_tells_each_components_first_trouble_in_order_with_its_cause() {
    let o = faultline(&[
        "run",
        "bundled:permission_cache_failure.toml",
        "--format",
        "spread",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("How it spread: What if: permission cache failure, seed 1."));
    // The killed cache first, blamed on the kill; the database its misses
    // flood next, blamed on the cache.
    assert!(
        lines[1].starts_with("19:05:00  Memcached Guilds down"),
        "{out}"
    );
    assert_eq!(
        lines[2],
        "          because: scenario: kill Memcached Guilds"
    );
    assert!(
        lines[3].starts_with("19:05:00  PostgreSQL Cluster overloaded"),
        "{out}"
    );
    assert!(
        lines[4].starts_with("          because: Memcached Guilds down"),
        "{out}"
    );
    // The components' first troubles are counted after them; the
    // clients' news (here the retry storm the failing permission checks
    // set off) is told among them, not counted.
    let counted = lines
        .iter()
        .position(|l| l.ends_with("components were in trouble at some point."))
        .expect(&out);
    let (news, firsts): (Vec<&str>, Vec<&str>) = lines[1..counted]
        .iter()
        .filter(|l| !l.starts_with(' '))
        .map(|l| &l[10..])
        .partition(|l| l.starts_with("Retry storm:") || l.starts_with("Users losing"));
    assert_eq!(news.len(), 1, "{out}");
    assert!(news[0].starts_with("Retry storm:"), "{out}");
    let n = firsts.len();
    assert!(lines[counted].starts_with(&format!("{n} of 41 components")));
    // Where it began: every one of them traces back to the kill.
    assert_eq!(
        lines[counted + 1..],
        [
            "Where it began (each component's first trouble traced back):",
            &format!("19:05:00  scenario: kill Memcached Guilds: {n} components"),
        ],
        "{out}"
    );
    // A quiet evening has nothing to tell.
    let quiet = stdout(&faultline(&[
        "run",
        "bundled:steady_state.toml",
        "--format",
        "spread",
    ]));
    assert!(
        quiet.ends_with("0 of 41 components were in trouble at some point.\n"),
        "{quiet}"
    );
    let bad = faultline(&["run", "bundled:steady_state.toml", "--format", "yaml"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--format must be json, csv or spread"));
}

#[test]
fn run_drill_leaves_out_the_responders_actions() {
    let summary = |extra: &[&str]| {
        let mut args = vec!["run", "bundled:permission_cache_failure.toml"];
        args.extend_from_slice(extra);
        let o = faultline(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let events = v["events"].as_array().unwrap().clone();
        (v["summary"].clone(), events)
    };
    let (replay, replay_events) = summary(&[]);
    let (drill, drill_events) = summary(&["--drill"]);
    let revived = |events: &[serde_json::Value]| {
        events
            .iter()
            .any(|e| e["message"].as_str().is_some_and(|m| m.contains("revive")))
    };
    // The 19:06 restart of the permission cache is the responders' action.
    assert!(revived(&replay_events));
    assert!(!revived(&drill_events));
    assert_ne!(replay["run_hash"], drill["run_hash"]);
    let uam = |v: &serde_json::Value| v["users_affected_minutes"].as_f64().unwrap();
    assert!(uam(&drill) > uam(&replay), "{drill} vs {replay}");
}

#[test]
fn report_adds_a_drill_row_where_the_scenario_scripts_responders() {
    let o = faultline(&[
        "report",
        "--json",
        "--seed",
        "1",
        "--scenario",
        "permission_cache_failure",
        "--scenario",
        "voice_edge_failure",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v.as_array().unwrap();
    let drills: Vec<&serde_json::Value> = rows.iter().filter(|r| r["drill"] == true).collect();
    // The permission cache's restart is a response; the voice edge what-if
    // scripts none, so it has no drill row.
    assert_eq!(drills.len(), 1, "{rows:?}");
    let d = drills[0];
    assert_eq!(d["scenario"], "permission_cache_failure");
    assert!(d["counterfactual"].is_null());
    assert!(d["change"].as_f64().unwrap() > 1.0, "{d}");
    assert!(
        d["problem"].is_null(),
        "a drill row is reported, not judged"
    );
    let text = stdout(&faultline(&[
        "report",
        "--seed",
        "1",
        "--scenario",
        "permission_cache_failure",
    ]));
    assert!(text.contains("  - responders (drill)"), "{text}");
}

#[test]
fn a_reader_that_stops_reading_ends_the_run_quietly() {
    use std::io::Read;
    // `faultline run … | head -c 100`: the reader closes the pipe after a
    // few lines of a run's megabytes of JSON.
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["run", "bundled:api_cascade_2022.toml", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{:?}: {err}", out.status);
}
