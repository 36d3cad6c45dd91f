//! The run in the URL fragment, so a reload or a shared link replays it.
//!
//! Format: `#s=<scenario>&seed=<u64>&x=<speed>&t=<ms>&cf=<keys>&drill=1&cmp=<run>&inj=<injects>&a=<actions>`
//! where `<keys>` are the scenario's counterfactual switches turned on
//! (comma separated), `cmp=` names the run the charts compare with
//! (`scripted`, `nobody`, `switch:<key>` or `branch`, see
//! [`Comparison`]), `drill=1` runs the scenario as a drill (without the
//! real responders' actions, see [`Scenario::drill`]), `h=<ms,...>` are the
//! simulated times at which a drill's team asked for a hint, `inj=` holds an
//! instructor's injected surprises (like `a=`, see
//! [`Scenario::with_injects`]), and
//! `<actions>` is the operator's action log as JSON (`[[t_ms, action], ...]`)
//! in unpadded base64url; actions after `t` are the recording ahead of a
//! run taken back (see [`timeline`](super::timeline)), done again as the
//! clock reaches them. Every field but `s` is optional. A drill's link
//! names its scenario as `hs=<base64url key>` instead of `s=`, so the
//! address bar does not spoil the incident the page holds back (it hides
//! the name from a glance, not from a determined reader). Parsing never
//! panics: a bad fragment gives a [`FragmentError`] whose message names the
//! field and what is wrong with it, and the page falls back to the default.
//!
//! The same text is kept in local storage as "the last session", offered
//! again when the page is opened without a fragment.
//!
//! A hand-written link may carry the same fields in the query instead
//! (`?s=api_cascade_2022&seed=3`, or `?scenario=…`): some course platforms
//! and chat tools drop fragments from links. The fragment wins when both
//! are there (see [`link_text`]).

use std::fmt::Write as _;

use faultline_core::scenario::library;
use faultline_core::{Action, Scenario, SourceError};

use super::compare::{self, Comparison};

/// The scenario used when the fragment names none (or a bad one).
pub const DEFAULT_SCENARIO: &str = "steady_state";

/// Local-storage key of the last session's fragment.
pub const STORAGE_KEY: &str = "faultline.last_session";

/// Link key of a scenario file the user loaded from disk (kept in memory
/// and in local storage, so a reload on the same browser finds it again).
pub const USER_SCENARIO: &str = "user";

/// Local-storage keys of the user's own scenario file: its name and text.
pub const USER_FILE_NAME_KEY: &str = "faultline.user_scenario.name";
/// See [`USER_FILE_NAME_KEY`].
pub const USER_FILE_TEXT_KEY: &str = "faultline.user_scenario.toml";

thread_local! {
    static USER_FILE: std::cell::RefCell<Option<(String, String)>> = const { std::cell::RefCell::new(None) };
}

/// The bundled scenarios' link keys (the library's, steady state first).
pub fn scenario_keys() -> Vec<&'static str> {
    library::bundled().iter().map(|b| b.key).collect()
}

/// Every error of a file on one line each: `file:line:column: problem`.
pub fn describe_errors(errors: &[SourceError]) -> String {
    SourceError::join(errors, "; ")
}

/// The user's own scenario file (name, text), if one was loaded here.
pub fn user_file() -> Option<(String, String)> {
    if let Some(f) = USER_FILE.with(|u| u.borrow().clone()) {
        return Some(f);
    }
    let st = web_sys::window()?.local_storage().ok()??;
    let name = st.get_item(USER_FILE_NAME_KEY).ok()??;
    let text = st.get_item(USER_FILE_TEXT_KEY).ok()??;
    Some((name, text))
}

/// Parses a user's scenario file; on success keeps it (memory and local
/// storage) as the [`USER_SCENARIO`]. On failure nothing is kept and the
/// errors name the file, line and problem.
pub fn set_user_file(name: &str, text: &str) -> Result<Scenario, Vec<SourceError>> {
    let scenario = Scenario::from_toml_str(text, name)?;
    USER_FILE.with(|u| *u.borrow_mut() = Some((name.to_string(), text.to_string())));
    if let Some(st) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = st.set_item(USER_FILE_NAME_KEY, name);
        let _ = st.set_item(USER_FILE_TEXT_KEY, text);
    }
    Ok(scenario)
}

/// Loads a scenario by its link key: a bundled one, or [`USER_SCENARIO`].
pub fn load_scenario(key: &str) -> Result<Scenario, String> {
    if key == USER_SCENARIO {
        let (name, text) = user_file()
            .ok_or_else(|| "no scenario file of yours is loaded in this browser".to_string())?;
        return Scenario::from_toml_str(&text, &name).map_err(|e| describe_errors(&e));
    }
    if library::find(key).is_none() {
        return Err(format!(
            "unknown scenario `{key}` (known: {})",
            scenario_keys().join(", ")
        ));
    }
    library::load(key).map_err(|e| describe_errors(&e))
}

/// Loads the scenario a run plays: `key` with the counterfactual switches
/// `counterfactuals` turned on, in order, an instructor's `injects` added
/// to its triggers, and as a drill if `drill`.
pub fn load_run_scenario(
    key: &str,
    counterfactuals: &[String],
    injects: &[(u64, Action)],
    drill: bool,
) -> Result<Scenario, String> {
    let mut s = load_scenario(key)?;
    for k in counterfactuals {
        s = s.with_counterfactual(k)?;
    }
    if !injects.is_empty() {
        s = s.with_injects(injects)?;
    }
    Ok(if drill { s.drill() } else { s })
}

/// Everything needed to reproduce a run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunState {
    /// Scenario key.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Playback speed (simulated seconds per wall second).
    pub speed: f64,
    /// Simulated time reached, ms.
    pub t_ms: u64,
    /// The operator's actions with their simulated times, in order.
    pub actions: Vec<(u64, Action)>,
    /// Counterfactual switches turned on (keys from the scenario file), in
    /// the order they were applied.
    pub counterfactuals: Vec<String>,
    /// A drill: the scenario without its responders' actions, and the
    /// page holding back what would give the cause away.
    pub drill: bool,
    /// When (simulated ms, in order) the drill's team asked for a hint:
    /// each reveals the incident updates due by then.
    pub hints: Vec<u64>,
    /// The run the charts compare this one with, if any.
    pub compare: Option<Comparison>,
    /// An instructor's surprises, added to the scenario's triggers (see
    /// [`Scenario::with_injects`]), with their simulated times, in order.
    pub injects: Vec<(u64, Action)>,
    /// The operator's actions in the run as it went before they went back
    /// and acted anew, if they did (what `cmp=branch` compares with).
    pub branch: Option<Vec<(u64, Action)>>,
}

/// What is wrong with a fragment.
#[derive(Clone, Debug, PartialEq)]
pub struct FragmentError {
    /// The field concerned (`seed`, `a`, ...), or `fragment`.
    pub field: String,
    /// What is wrong, in plain words.
    pub problem: String,
    /// The `key=value` piece at fault, when the fault is in one piece
    /// (rather than between pieces, or in the run they make), so it can be
    /// left out alone.
    pub piece: Option<String>,
}

impl std::fmt::Display for FragmentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "The link's `{}` is not usable: {}",
            self.field, self.problem
        )
    }
}

fn bad(field: &str, problem: impl Into<String>) -> FragmentError {
    FragmentError {
        field: field.to_string(),
        problem: problem.into(),
        piece: None,
    }
}

/// A link that names no scenario.
pub fn no_scenario() -> FragmentError {
    bad("s", "no scenario named (expected s=steady_state)")
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Unpadded base64url.
pub fn b64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk.len();
        let b = [
            chunk[0],
            if n > 1 { chunk[1] } else { 0 },
            if n > 2 { chunk[2] } else { 0 },
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..=n {
            out.push(B64[((v >> (18 - 6 * k)) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes unpadded (or padded) base64url; `None` on a foreign character or bad length.
pub fn b64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for ch in text.bytes() {
        let v = B64.iter().position(|&c| c == ch)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The fragment (without `#`) for a run.
pub fn encode(state: &RunState) -> String {
    let mut s = if state.drill {
        format!("hs={}", b64_encode(state.scenario.as_bytes()))
    } else {
        format!("s={}", state.scenario)
    };
    let _ = write!(s, "&seed={}&x={}&t={}", state.seed, state.speed, state.t_ms);
    if !state.counterfactuals.is_empty() {
        s.push_str("&cf=");
        s.push_str(&state.counterfactuals.join(","));
    }
    if state.drill {
        s.push_str("&drill=1");
    }
    if let Some(c) = &state.compare {
        s.push_str("&cmp=");
        s.push_str(&c.key());
    }
    if !state.hints.is_empty() {
        let times: Vec<String> = state.hints.iter().map(u64::to_string).collect();
        s.push_str("&h=");
        s.push_str(&times.join(","));
    }
    let none = Vec::new();
    let branch = state.branch.as_ref();
    for (key, log, always) in [
        ("inj", &state.injects, false),
        ("cb", branch.unwrap_or(&none), branch.is_some()),
        ("a", &state.actions, false),
    ] {
        if always || !log.is_empty() {
            let json = serde_json::to_string(log).unwrap_or_else(|_| "[]".into());
            let _ = write!(s, "&{key}={}", b64_encode(json.as_bytes()));
        }
    }
    s
}

/// Where an address keeps its run: the fragment when it has one (what the
/// page itself writes), else the query. Returns the text and whether it
/// came from the query (the page then moves the run into the fragment).
pub fn link_text<'a>(hash: &'a str, search: &'a str) -> (&'a str, bool) {
    let hash = hash.strip_prefix('#').unwrap_or(hash).trim();
    if hash.is_empty() {
        let query = search.strip_prefix('?').unwrap_or(search).trim();
        (query, !query.is_empty())
    } else {
        (hash, false)
    }
}

/// A link's `key=value` pieces as one text: without the fragment's `#` (or
/// the query's `?`) and the blanks around them.
pub fn link_body(fragment: &str) -> &str {
    fragment
        .strip_prefix('#')
        .or_else(|| fragment.strip_prefix('?'))
        .unwrap_or(fragment)
        .trim()
}

/// Parses a fragment (with or without the leading `#`; a query with its
/// `?` too). An empty fragment gives `Ok(None)`. The scenario key is checked against the bundled list
/// and every action against the scenario's topology.
pub fn decode(fragment: &str) -> Result<Option<RunState>, FragmentError> {
    let f = link_body(fragment);
    if f.is_empty() {
        return Ok(None);
    }
    let mut st = RunState {
        scenario: String::new(),
        seed: 1,
        speed: 1.0,
        t_ms: 0,
        actions: Vec::new(),
        counterfactuals: Vec::new(),
        drill: false,
        hints: Vec::new(),
        compare: None,
        injects: Vec::new(),
        branch: None,
    };
    let mut seed_given = false;
    for part in f.split('&').filter(|p| !p.is_empty()) {
        // Every fault found in one piece names it, so it can be left out.
        read_piece(&mut st, &mut seed_given, part).map_err(|e| FragmentError {
            piece: Some(part.to_string()),
            ..e
        })?;
    }
    if st.scenario.is_empty() {
        return Err(no_scenario());
    }
    let scenario = load_scenario(&st.scenario).map_err(|e| bad("s", e))?;
    for k in &st.counterfactuals {
        if scenario.counterfactual(k).is_none() {
            let known: Vec<&str> = scenario
                .counterfactuals
                .iter()
                .map(|c| c.key.as_str())
                .collect();
            return Err(bad(
                "cf",
                // A drill's link opens with this named in a notice: the
                // scenario's switches would give the incident away.
                if st.drill {
                    format!("unknown counterfactual `{k}`")
                } else if known.is_empty() {
                    format!("unknown counterfactual `{k}` (this scenario has none)")
                } else {
                    format!(
                        "unknown counterfactual `{k}` (this scenario has: {})",
                        known.join(", ")
                    )
                },
            ));
        }
    }
    if let Some(c) = &st.compare {
        if *c == Comparison::Branch && st.branch.is_none() {
            return Err(bad(
                "cmp",
                "there is no earlier branch to compare with (the link has no cb=)",
            ));
        }
        if !compare::offered(
            &scenario,
            &st.counterfactuals,
            false,
            st.branch.as_ref().map(Vec::len),
        )
        .iter()
        .any(|(o, _)| o == c)
        {
            return Err(bad(
                "cmp",
                format!(
                    "this run cannot be compared with `{}` (a switch already on, or one the scenario lacks)",
                    c.key()
                ),
            ));
        }
    }
    if !seed_given {
        st.seed = scenario.seed;
    }
    check_log("a", &st.actions, &scenario)?;
    if let Some(branch) = &st.branch {
        check_log("cb", branch, &scenario)?;
    }
    if st.injects.windows(2).any(|w| w[1].0 < w[0].0) {
        return Err(bad("inj", "the injects go back in time"));
    }
    scenario
        .with_injects(&st.injects)
        .map_err(|e| bad("inj", e))?;
    if st.t_ms > scenario.duration_ms {
        return Err(bad("t", "the time is after the scenario's end"));
    }
    if !st.hints.is_empty() && !st.drill {
        return Err(bad("h", "hints belong to a drill (add drill=1)"));
    }
    if st.hints.windows(2).any(|w| w[1] < w[0]) {
        return Err(bad("h", "the hint times go back in time"));
    }
    if st.hints.iter().any(|&t| t > scenario.duration_ms) {
        return Err(bad("h", "a hint is after the scenario's end"));
    }
    // A hint is taken at the clock, so the run has reached it. Actions
    // after the clock are the recording ahead of a run taken back
    // (`timeline`): they happen when the clock reaches them.
    if let Some(&last) = st.hints.last() {
        st.t_ms = st.t_ms.max(last);
    }
    if st.compare.is_some() && st.drill && st.t_ms < scenario.duration_ms {
        return Err(bad(
            "cmp",
            "a drill compares with nothing until its end (the scripted run would show the responders)",
        ));
    }
    Ok(Some(st))
}

/// Reads one `key=value` piece of a link into `st`.
fn read_piece(st: &mut RunState, seed_given: &mut bool, part: &str) -> Result<(), FragmentError> {
    let Some((k, v)) = part.split_once('=') else {
        return Err(bad("fragment", format!("`{part}` is not a key=value pair")));
    };
    match k {
        // `scenario` is the spelled-out name people type in a query;
        // `hs` a drill's, hidden from a glance at the address bar.
        "s" | "scenario" | "hs" => {
            let shown;
            let v = if k == "hs" {
                shown = b64_decode(v)
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| {
                        bad("hs", "the hidden scenario name is not valid base64url text")
                    })?;
                shown.as_str()
            } else {
                v
            };
            if !scenario_keys().contains(&v) && v != USER_SCENARIO {
                return Err(bad(
                    if k == "hs" { "hs" } else { "s" },
                    format!(
                        "unknown scenario `{v}` (known: {})",
                        scenario_keys().join(", ")
                    ),
                ));
            }
            st.scenario = v.to_string();
        }
        "seed" => {
            st.seed = v
                .parse()
                .map_err(|_| bad("seed", format!("`{v}` is not a whole number ≥ 0")))?;
            *seed_given = true;
        }
        "x" => {
            let x: f64 = v
                .parse()
                .map_err(|_| bad("x", format!("speed `{v}` is not a number")))?;
            if !(x.is_finite() && (0.1..=10_000.0).contains(&x)) {
                return Err(bad("x", format!("speed {v} is outside 0.1–10000")));
            }
            st.speed = x;
        }
        "t" => {
            st.t_ms = v
                .parse()
                .map_err(|_| bad("t", format!("time `{v}` is not a whole number of ms")))?;
        }
        "a" => st.actions = json_piece("a", v, "the action log", "is", "does")?,
        "cb" => st.branch = Some(json_piece("cb", v, "the earlier branch", "is", "does")?),
        "inj" => st.injects = json_piece("inj", v, "the injects", "are", "do")?,
        "cf" => {
            st.counterfactuals = v
                .split(',')
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect();
        }
        "h" => {
            st.hints = v
                .split(',')
                .filter(|t| !t.is_empty())
                .map(|t| {
                    t.parse().map_err(|_| {
                        bad("h", format!("hint time `{t}` is not a whole number of ms"))
                    })
                })
                .collect::<Result<_, _>>()?;
        }
        "cmp" => {
            st.compare = Some(Comparison::from_key(v).ok_or_else(|| {
                bad(
                    "cmp",
                    format!(
                        "`{v}` names no run to compare with (expected scripted, nobody or switch:<key>)"
                    ),
                )
            })?);
        }
        "drill" => {
            st.drill = match v {
                "1" | "true" => true,
                "0" | "false" => false,
                _ => return Err(bad("drill", format!("`{v}` is not 1 or 0"))),
            };
        }
        other => {
            return Err(bad(
                "fragment",
                format!(
                "unknown key `{other}` (expected s or scenario, seed, x, t, a, inj, cf, drill, h, cmp, cb)"
            ),
            ))
        }
    }
    Ok(())
}

/// Decodes the base64url JSON value `v` of field `field`, naming `what` it
/// holds in either error ("the injects are not valid base64url text").
fn json_piece<T: serde::de::DeserializeOwned>(
    field: &str,
    v: &str,
    what: &str,
    is: &str,
    does: &str,
) -> Result<T, FragmentError> {
    let bytes =
        b64_decode(v).ok_or_else(|| bad(field, format!("{what} {is} not valid base64url text")))?;
    serde_json::from_slice(&bytes).map_err(|e| bad(field, format!("{what} {does} not parse: {e}")))
}

/// Checks an action log of a link (field `field`): in time order, within
/// the run, and each action one the scenario's topology can take.
fn check_log(field: &str, log: &[(u64, Action)], scenario: &Scenario) -> Result<(), FragmentError> {
    let mut last = 0;
    for (k, (t, a)) in log.iter().enumerate() {
        let what = format!("action #{} ({})", k + 1, a.kind());
        if *t < last {
            return Err(bad(field, format!("{what} goes back in time")));
        }
        last = *t;
        if *t > scenario.duration_ms {
            return Err(bad(field, format!("{what} is after the scenario's end")));
        }
        faultline_core::sim::check_action(&scenario.topology, a)
            .map_err(|e| bad(field, format!("{what}: {e}")))?;
    }
    Ok(())
}

/// A one-line description of a saved run, for the "resume" offer.
pub fn describe(st: &RunState, scenario_name: &str, clock: &str) -> String {
    format!(
        "{scenario_name}{}, seed {}, {} action{}, at {clock}",
        if st.drill { " (drill)" } else { "" },
        st.seed,
        st.actions.len(),
        if st.actions.len() == 1 { "" } else { "s" }
    )
}
