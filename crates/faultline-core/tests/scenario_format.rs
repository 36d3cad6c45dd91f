//! The scenario-library parts of the format: story fields, messages, bands
//! and counterfactuals; the errors an instructor may meet; band checking on
//! hand-made samples.

use faultline_core::scenario::expect::{check, check_one, check_with, BandKind, Indicator};
use faultline_core::scenario::{library, users_affected_minutes, Difficulty, Scenario};
use faultline_core::sim::{ComponentSample, Health, Sample, Sli, Users};
use faultline_core::SourceError;

mod common;

use common::load_tiny as load;

fn sample(t_s: u64, api: f64) -> Sample {
    Sample {
        t_ms: t_s * 1000,
        sli: Sli {
            api_success: api,
            users_affected: (1.0 - api) * 1000.0,
            ..Sli::default()
        },
        users: Users {
            connected: 1000.0,
            ..Users::default()
        },
        components: Vec::new(),
    }
}

#[test]
fn the_new_fields_are_optional_and_the_title_defaults_to_the_name() {
    let s = load("").unwrap();
    assert_eq!(s.title, "Tiny");
    assert_eq!(s.difficulty, Difficulty::Intro);
    assert!(s.messages.is_empty() && s.expectations.is_empty() && s.counterfactuals.is_empty());
}

#[test]
fn story_fields_and_messages_load_in_time_order() {
    let s = load(
        r#"
title = "A tiny drill"
date = "2017-03-20"
summary = "One line."
difficulty = "advanced"
narrative = "Before."
what_happened = "After."
[[message]]
t = "11:50"
text = "second"
[[message]]
t = "+5m"
text = "first"
"#,
    )
    .unwrap();
    assert_eq!(s.title, "A tiny drill");
    assert_eq!(s.date, "2017-03-20");
    assert_eq!(s.difficulty, Difficulty::Advanced);
    assert_eq!(s.messages[0].t_ms, 300_000);
    assert_eq!(s.messages[0].text, "first");
    assert_eq!(s.messages[1].t_ms, 1_200_000);
}

#[test]
fn a_band_without_a_tolerance_is_refused_with_its_line() {
    let e = load(
        r#"
[[expect]]
indicator = "api_success"
kind = "min"
value = 0.4
why = "seed"
"#,
    )
    .unwrap_err();
    assert!(
        e.starts_with("tiny.toml:7:1: expect api_success min: a band needs a `tolerance`"),
        "{e}"
    );
}

#[test]
fn bad_bands_messages_and_dates_are_all_reported() {
    let e = load(
        r#"
date = "20 March 2017"
[[message]]
t = "13:00"
text = "too late"
[[expect]]
indicator = "api_success"
kind = "recovers"
value = 0.99
tolerance = "5m"
why = "seed"
[[expect]]
indicator = "api_success"
kind = "min"
value = 0.4
tolerance = 0.1
from = "12:00"
to = "11:40"
why = "seed"
"#,
    )
    .unwrap_err();
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 4, "{e}");
    assert!(e.contains("message t `13:00` is outside the run"), "{e}");
    assert!(e.contains("a `recovers` band needs `at`"), "{e}");
    assert!(
        e.contains("the window is empty (from 12:00:00 is not before to 11:40:00)"),
        "{e}"
    );
    assert!(e.contains("date must be YYYY-MM-DD"), "{e}");
}

#[test]
fn an_unknown_indicator_or_kind_is_a_parse_error() {
    let e = load(
        "[[expect]]\nindicator = \"api_sucess\"\nkind = \"min\"\nvalue = 1\ntolerance = 0\nwhy = \"x\"\n",
    )
    .unwrap_err();
    assert!(
        e.contains("tiny.toml:7:") && e.contains("unknown variant `api_sucess`"),
        "{e}"
    );
}

#[test]
fn timeline_actions_after_the_end_are_refused() {
    let e = load(
        "[[at]]\nt = \"+2h\"\naction = { type = \"set_traffic_multiplier\", multiplier = 2.0 }\n",
    )
    .unwrap_err();
    assert!(e.contains("is outside the run"), "{e}");
}

#[test]
fn counterfactual_errors_name_the_switch_and_suggest_components() {
    let e = load(
        r#"
[[counterfactual]]
key = "Bad Key"
label = "x"
[counterfactual.params.Presense_Service]
queue_limit = 10
[[counterfactual]]
key = "empty"
label = "does nothing"
"#,
    )
    .unwrap_err();
    assert!(e.contains("key must be lowercase letters"), "{e}");
    assert!(e.contains("did you mean `Presence_Service`?"), "{e}");
    assert!(e.contains("counterfactual `empty`: changes nothing"), "{e}");
}

#[test]
fn a_counterfactual_changes_the_scenario_before_the_run() {
    let s = load(
        r#"
[[at]]
t = "+0s"
action = { type = "set_breaker", from = "Sessions_Service", to = "Presence_Service", mode = "force_closed" }
[[counterfactual]]
key = "fast_fail"
label = "Fast fail"
client_retry = { backoff = "exponential", base_ms = 500, cap_ms = 30000, jitter = "equal", max_attempts = 2 }
breaker = "hystrix"
reconnect_admission = 1000
triggers = { database_cpu = false }
[counterfactual.params.Presence_Service]
queue_limit = 5000
[[counterfactual.at]]
t = "+0s"
action = { type = "set_breaker", from = "Sessions_Service", to = "Presence_Service", mode = "auto" }
"#,
    )
    .unwrap();
    let c = s.with_counterfactual("fast_fail").unwrap();
    assert_eq!(c.params_of("Presence_Service").unwrap().queue_limit, 5000.0);
    assert_ne!(s.params_of("Presence_Service").unwrap().queue_limit, 5000.0);
    assert!(!c.triggers[0] && s.triggers[0]);
    assert_ne!(c.client_retry, s.client_retry);
    let kinds: Vec<&str> = c.timeline.iter().map(|a| a.action.kind()).collect();
    // The scenario's own t = 0 action first, then the switch's.
    assert_eq!(
        kinds,
        ["set_breaker", "set_reconnect_admission", "set_breaker"]
    );
    let e = s.with_counterfactual("nope").unwrap_err();
    assert!(e.contains("it has: fast_fail"), "{e}");
}

#[test]
fn a_band_with_a_switch_is_checked_only_on_that_switchs_run() {
    const BAND: &str = r#"
[[expect]]
indicator = "api_success"
kind = "min"
value = 1.0
tolerance = 0.0
why = "own run"
[[expect]]
indicator = "api_success"
kind = "min"
value = 0.3
tolerance = 0.0
why = "with the measure"
with = "hystrix"
"#;
    // A band naming a switch the file does not define is refused, at its
    // line, with the switches it does define.
    let e = load(BAND).unwrap_err();
    assert!(
        e.contains("tiny.toml:13:")
            && e.contains("with = \"hystrix\" names no counterfactual switch")
            && e.contains("this scenario has no [[counterfactual]] switches"),
        "{e}"
    );
    let e = load(&format!(
        "{BAND}[[counterfactual]]\nkey = \"other\"\nlabel = \"x\"\nbreaker = \"hystrix\"\n"
    ))
    .unwrap_err();
    assert!(e.contains("its switches are: other"), "{e}");
    let s = load(&format!(
        "{BAND}[[counterfactual]]\nkey = \"hystrix\"\nlabel = \"x\"\nbreaker = \"hystrix\"\n"
    ))
    .unwrap();
    let samples = [sample(10, 0.3), sample(20, 1.0)];
    let own = check(&s, &samples);
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].expectation.why, "own run");
    assert!(!own[0].pass);
    let with = check_with(&s, Some("hystrix"), &samples);
    assert_eq!(with.len(), 1);
    assert!(with[0].pass);
    assert!(
        with[0]
            .describe(s.start_clock_ms)
            .contains(", with hystrix: measured"),
        "{}",
        with[0].describe(s.start_clock_ms)
    );
    assert!(check_with(&s, Some("other"), &samples).is_empty());
}

#[test]
fn bands_measure_troughs_peaks_breaks_and_recoveries() {
    // API success: 1.0 until 60 s, 0.3 from 60 s to 120 s, 1.0 after.
    let samples: Vec<Sample> = (1..=30)
        .map(|k| sample(k * 10, if (6..12).contains(&k) { 0.3 } else { 1.0 }))
        .collect();
    let s = load(
        r#"
[[expect]]
indicator = "api_success"
kind = "min"
value = 0.4
tolerance = 0.15
why = "trough"
[[expect]]
indicator = "api_success"
kind = "breaks"
value = 0.99
at = "+1m"
tolerance = "10s"
why = "break"
[[expect]]
indicator = "api_success"
kind = "recovers"
value = 0.99
at = "+2m"
tolerance = "10s"
why = "recovery"
[[expect]]
indicator = "users_affected_share"
kind = "at_most"
value = 0.5
tolerance = 0.0
why = "ceiling"
[[expect]]
indicator = "api_success"
kind = "min"
value = 0.4
tolerance = 0.05
why = "too tight: must fail"
"#,
    )
    .unwrap();
    let r: Vec<_> = s
        .expectations
        .iter()
        .map(|e| check_one(e, &samples))
        .collect();
    assert!(r[0].pass && (r[0].measured - 0.3).abs() < 1e-12);
    assert_eq!(r[0].measured_at_ms, Some(60_000));
    assert!(r[1].pass && r[1].measured == 60_000.0, "{:?}", r[1]);
    assert!(r[2].pass && r[2].measured == 120_000.0, "{:?}", r[2]);
    assert!(!r[3].pass && (r[3].measured - 0.7).abs() < 1e-12);
    assert!(!r[4].pass);
    assert_eq!(r[4].expectation.kind, BandKind::Min);
    assert_eq!(r[4].expectation.indicator, Indicator::ApiSuccess);
    assert!(r[4]
        .describe(s.start_clock_ms)
        .starts_with("FAIL api_success min 40.0% ± 5.0%"));
    // The page's readers get the same bands in words.
    let words: Vec<String> = r
        .iter()
        .map(|b| b.in_words_measured(s.start_clock_ms, &s.topology))
        .collect();
    assert_eq!(
        words[0],
        "API success rate at its lowest 40.0%, give or take 15.0%, between 11:30:00 and 12:30:00; this run: 30.0% at 11:31:00. Why: trough"
    );
    assert_eq!(
        words[1],
        "API success rate first below 99.0% at 11:31:00, give or take 10 s; this run: 11:31:00. Why: break"
    );
    assert!(
        words[2].starts_with("API success rate back above 99.0% for good at 11:32:00"),
        "{}",
        words[2]
    );
    assert!(
        words[3].starts_with("Share of users affected never above 50.0%, between"),
        "{}",
        words[3]
    );
    // A component's figure is named by the component's name, and a latency
    // breaks upwards.
    let lg = library::load("large_guild_cascade_2023").unwrap();
    let words: Vec<String> = lg
        .expectations
        .iter()
        .map(|e| e.in_words(lg.start_clock_ms, &lg.topology))
        .collect();
    assert!(
        words.contains(
            &"Message Router 2 utilisation first above 99.0% at 19:18:00, give or take 4 min"
                .to_string()
        ),
        "{words:#?}"
    );
    assert!(
        words.contains(
            &"Message delivery p99 first above 500 ms at 19:18:00, give or take 4 min".to_string()
        ),
        "{words:#?}"
    );
    // 700 users for 60 s = 700 user-minutes.
    assert!((users_affected_minutes(&samples) - 700.0).abs() < 1e-9);
}

#[test]
fn the_library_loads_by_key_file_name_and_bundled_name() {
    assert_eq!(library::bundled()[0].key, "steady_state");
    for b in library::bundled() {
        let s = library::load(b.key).unwrap();
        assert!(!s.title.is_empty());
        assert!(library::load(&format!("bundled:{}", b.file)).is_ok());
    }
    let e = library::load("nope").unwrap_err();
    assert!(
        e[0].to_string().contains("no such bundled scenario"),
        "{}",
        e[0]
    );
}

/// The complete example in `scenarios/README.md` loads, runs, lands in its
/// bands, and its switch helps: the documentation cannot drift from the format.
#[test]
fn the_readme_example_loads_runs_and_meets_its_bands() {
    let readme = include_str!("../../../scenarios/README.md");
    let heading = "### A complete example with a story, bands and a switch";
    let after = &readme[readme.find(heading).expect("example heading")..];
    let start = after.find("```toml\n").expect("toml block") + "```toml\n".len();
    let text = &after[start..start + after[start..].find("```").unwrap()];
    let s = Scenario::from_toml_str(text, "README example")
        .unwrap_or_else(|e| panic!("{}", SourceError::join(&e, "\n")));
    let run = |s: &Scenario| {
        let mut sim = faultline_core::Sim::new(s, s.seed).unwrap();
        sim.run_to_end();
        sim.samples().to_vec()
    };
    let samples = run(&s);
    for r in faultline_core::scenario::expect::check(&s, &samples) {
        assert!(r.pass, "{}", r.describe(s.start_clock_ms));
    }
    let base = users_affected_minutes(&samples);
    let budget = run(&s.with_counterfactual("retry_budget").unwrap());
    let with = users_affected_minutes(&budget);
    assert!(with < base * 0.5, "{with} vs {base}");
    let bands = check_with(&s, Some("retry_budget"), &budget);
    assert_eq!(bands.len(), 1, "the example shows one band for the switch");
    assert!(bands[0].pass, "{}", bands[0].describe(s.start_clock_ms));
}

#[test]
fn a_split_carrying_more_than_all_requests_is_refused_at_its_line() {
    // The bundled platform splits US connects 61/39 between two gateways;
    // raising one share to 0.9 in the same split would send 129% of them.
    let e = load(
        r#"
[[route]]
from = "CloudFlare_US"
to = "Gateway_Primary"
classes = ["gateway_connect"]
calls = 0.9
split = "gateways"
"#,
    )
    .unwrap_err();
    assert_eq!(
        e,
        "tiny.toml:12:1: `CloudFlare_US`: the shares of one split add up to 1.289 of its gateway_connect requests (at most 1)"
    );
}

#[test]
fn a_timeline_error_points_at_its_own_entry_when_a_component_recurs() {
    // Both entries name API_Gateway; the second is wrong, and the error
    // says so at the second (line 13), not at the first mention (line 9).
    let e = load(
        r#"
[[at]]
t = "11:40"
action = { type = "surge", component = "API_Gateway", factor = 2.0 }

[[at]]
t = "11:45"
action = { type = "scale", component = "API_Gateway", factor = 2, provision_ms = -5 }
[[at]]
t = "soon"
action = { type = "kill", component = "API_Gateway" }
"#,
    )
    .unwrap_err();
    assert!(
        e.contains("tiny.toml:13:40:") && e.contains("provision_ms = -5 is out of range"),
        "{e}"
    );
    assert!(!e.contains("tiny.toml:9:"), "{e}");
    assert!(
        e.contains("tiny.toml:15:1:") && e.contains("`soon`"),
        "an unreadable time at its entry: {e}"
    );
}

/// A run of the bundled topology whose `id` has utilisation `util[k]` and
/// memory `mem[k]` at minute k + 1.
fn component_run(s: &Scenario, id: &str, util: &[f64], mem: &[f64]) -> Vec<Sample> {
    let ix = s.topology.component_index(id).unwrap();
    util.iter()
        .zip(mem)
        .enumerate()
        .map(|(k, (&u, &m))| {
            let mut x = sample((k as u64 + 1) * 60, 1.0);
            x.components = vec![
                ComponentSample {
                    health: Health::Healthy,
                    utilisation: 0.1,
                    queue: 0.0,
                    memory_fraction: 0.1,
                    error_rate: 0.0,
                    unavailable: 0.0,
                    throughput: 0.0,
                    latency_ms: 0.0,
                };
                s.topology.components.len()
            ];
            x.components[ix].utilisation = u;
            x.components[ix].memory_fraction = m;
            x
        })
        .collect()
}

#[test]
fn a_band_can_measure_one_component() {
    let s = load(
        r#"
[[expect]]
component = "MessageRouter_Large"
indicator = "utilisation"
kind = "breaks"
value = 0.99
at = "11:33"
tolerance = "1m"
why = "the router hit its CPU limits"
[[expect]]
component = "MessageRouter_Large"
indicator = "memory"
kind = "max"
value = 1.0
tolerance = 0.05
why = "memory exhausted"
"#,
    )
    .unwrap();
    assert_eq!(
        s.expectations[0].component.as_ref().unwrap().id,
        "MessageRouter_Large"
    );
    let run = component_run(
        &s,
        "MessageRouter_Large",
        &[0.5, 0.8, 1.0, 1.0, 0.4],
        &[0.2, 0.4, 0.7, 0.99, 0.3],
    );
    let r = check(&s, &run);
    // Over 99% at minute 3 (11:33), memory's peak 99% at minute 4.
    assert!(r[0].pass && r[0].measured == 180_000.0, "{:?}", r[0]);
    assert!(
        r[1].pass && (r[1].measured - 0.99).abs() < 1e-12,
        "{:?}",
        r[1]
    );
    assert_eq!(r[1].measured_at_ms, Some(240_000));
    assert!(
        r[1].describe(s.start_clock_ms)
            .starts_with("pass MessageRouter_Large memory max 100.0% ± 5.0% in 11:30:00–12:30:00: measured 99.0% at 11:34:00"),
        "{}",
        r[1].describe(s.start_clock_ms)
    );
    // Another component's figures do not count.
    let other = component_run(&s, "MessageRouter_Primary", &[1.0; 5], &[1.0; 5]);
    assert!(!check(&s, &other)[0].pass);
}

#[test]
fn a_component_band_names_an_existing_component_and_only_a_components_figure() {
    let e = load(
        r#"
[[expect]]
indicator = "utilisation"
kind = "max"
value = 1.0
tolerance = 0.1
why = "whose?"
[[expect]]
component = "MessageRouter_Larg"
indicator = "queue"
kind = "max"
value = 2000000
tolerance = 1000000
why = "typo"
[[expect]]
component = "API_Gateway"
indicator = "api_success"
kind = "min"
value = 0.4
tolerance = 0.1
why = "a platform figure"
"#,
    )
    .unwrap_err();
    assert!(
        e.contains("tiny.toml:7:1: expect utilisation max: `utilisation` is a component's figure: name the component"),
        "{e}"
    );
    assert!(
        e.contains("expect MessageRouter_Larg queue max: unknown component `MessageRouter_Larg` (did you mean `MessageRouter_Large`?)"),
        "{e}"
    );
    assert!(
        e.contains("expect API_Gateway api_success min: `component` only applies to a component's figures (utilisation, queue, memory, error_rate)"),
        "{e}"
    );
}
