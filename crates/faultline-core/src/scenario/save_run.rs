//! Saving a run as a scenario file of its own.
//!
//! An instructor builds a variation of a scenario by playing it (kill the
//! presence cluster at 19:10, spike the traffic at 19:20) rather than by
//! writing `[[at]]` tables by hand. The saved file is the scenario's file
//! as written, so its comments, citations, messages, bands and switches are
//! kept, with three changes: the title says it is a variation, `seed` is
//! the run's, and the run's actions are appended as timed triggers. A run
//! is its scenario, seed and actions, so loading the file back replays the
//! run; the author then adds messages and bands to it.
//!
//! The text is edited in place (only the `title` and `seed` values and an
//! appended block) instead of being re-serialised, which would lose the
//! comments that cite the seeds. The result is read back before it is
//! offered: a file that would not load is never handed out.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::drill::INJECT_NOTE;
use super::time::format_clock;
use super::Scenario;
use crate::sim::action::Action;
use crate::sim::describe_action;

/// What a saved file's title ends with.
pub const VARIATION_SUFFIX: &str = " (variation)";

/// The `note` of the operator's actions a saved run writes.
pub const SAVED_NOTE: &str = "saved from a run";

/// A run to write into its scenario's file.
#[derive(Clone, Copy, Debug)]
pub struct SavedRun<'a> {
    /// The run's seed: the file's `seed` becomes it.
    pub seed: u64,
    /// The operator's actions, `(t_ms, action)` in time order. In a run an
    /// action taken at a moment comes before the scenario's own entries due
    /// then (they apply as the clock moves on from it), so the file lists
    /// them before its timeline.
    pub actions: &'a [(u64, Action)],
    /// The instructor's surprises ([`Scenario::with_injects`]), in time
    /// order: triggers after the scenario's own at equal times, as in the
    /// run, so the file lists them after its timeline.
    pub surprises: &'a [(u64, Action)],
    /// Labels of the counterfactual switches that were on. A file cannot
    /// turn a switch on, so the block's comment names them.
    pub switches_on: &'a [String],
}

/// The top-level keys the save edits, and the timeline's tables, with
/// where they are written.
#[derive(Deserialize)]
struct Header {
    name: Spanned<String>,
    #[serde(default)]
    title: Option<Spanned<toml::Value>>,
    #[serde(default)]
    seed: Option<Spanned<toml::Value>>,
    #[serde(default)]
    at: Vec<Spanned<toml::Value>>,
}

/// The scenario file `text` (named `file` in messages) with `run` written
/// into it: title marked as a variation, the run's seed, its actions as
/// `[[at]]` triggers before the file's timeline and its surprises after
/// it. Fails, saying why, if `text` is not a valid scenario or the result
/// would not read back as one.
pub fn save_run(text: &str, file: &str, run: &SavedRun) -> Result<String, String> {
    let original = Scenario::from_toml_str(text, file).map_err(|errs| {
        let first = errs.first().map(ToString::to_string).unwrap_or_default();
        format!(
            "the scenario's own file does not load, so it cannot be saved with the run: {first}"
        )
    })?;
    let header: Header = toml::from_str(text)
        .map_err(|e| format!("{file}: the file's header could not be read: {e}"))?;
    let title = variation_title(&original.title);
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut missing = String::new();
    match &header.title {
        Some(t) => edits.push((t.span(), quoted(&title))),
        None => missing.push_str(&format!("title = {}\n", quoted(&title))),
    }
    match &header.seed {
        Some(s) => edits.push((s.span(), run.seed.to_string())),
        None => missing.push_str(&format!("seed = {}\n", run.seed)),
    }
    if !missing.is_empty() {
        // Top-level keys must come before the first table: right after
        // `name`, which every scenario has, is always such a place.
        let end = header.name.span().end;
        match text[end..].find('\n') {
            Some(i) => edits.push((end + i + 1..end + i + 1, missing)),
            None => edits.push((text.len()..text.len(), format!("\n{missing}"))),
        }
    }
    let mut tail = String::new();
    if !run.actions.is_empty() {
        let block = actions_block(&original, run)?;
        match header.at.first() {
            Some(first) => {
                let at = start_of_comments_above(text, first.span().start);
                edits.push((at..at, format!("{block}\n")));
            }
            None => tail.push_str(&block),
        }
    }
    if !run.surprises.is_empty() {
        tail.push_str(&surprises_block(&original, run)?);
    }
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = text.to_string();
    for (range, with) in edits {
        out.replace_range(range, &with);
    }
    if !tail.is_empty() {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&tail);
    }

    let saved = Scenario::from_toml_str(&out, file).map_err(|errs| {
        let first = errs.first().map(ToString::to_string).unwrap_or_default();
        format!("the saved file would not load again ({first}); nothing was saved")
    })?;
    let added = run.actions.len() + run.surprises.len();
    if saved.timeline.len() != original.timeline.len() + added || saved.seed != run.seed {
        return Err("the saved file would not replay the run; nothing was saved".into());
    }
    Ok(out)
}

/// The start of the line holding byte `at`, moved up over the comment
/// lines right above it (a table's comments stay with it).
fn start_of_comments_above(text: &str, at: usize) -> usize {
    let mut start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    while start > 0 {
        let above = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        if !text[above..start].trim_start().starts_with('#') {
            break;
        }
        start = above;
    }
    start
}

/// `title` marked as a variation (once: saving a variation again keeps one mark).
pub fn variation_title(title: &str) -> String {
    format!(
        "{}{VARIATION_SUFFIX}",
        title.trim_end_matches(VARIATION_SUFFIX)
    )
}

/// A TOML basic string.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The operator's actions as `[[at]]` tables, under a comment saying
/// where they come from.
fn actions_block(s: &Scenario, run: &SavedRun) -> Result<String, String> {
    let mut b = String::from(
        "# --- Saved from a run in Faultline's page ---------------------------------\n",
    );
    b.push_str(&format!(
        "# The operator's actions in a run of \"{}\"\n\
         # at seed {}, as triggers at their times: this file at this seed\n\
         # replays that run. They stay before the scenario's own entries: at a\n\
         # moment both name, the operator's came first in the run. Mark an\n\
         # entry with role = \"response\" if trainees should take it\n\
         # themselves in a drill.\n",
        s.title.trim_end_matches(VARIATION_SUFFIX),
        run.seed
    ));
    if !run.switches_on.is_empty() {
        b.push_str(&format!(
            "# Switches that were on in that run (a file cannot turn them on; turn\n\
             # them on again after loading it): {}.\n",
            run.switches_on.join(", ")
        ));
    }
    b.push_str(
        "# The bands and the \"what happened\" text were written for the\n\
         # original scenario: `faultline check` on this file shows how the\n\
         # variation meets them.\n",
    );
    b.push_str(&at_tables(s, run.actions, SAVED_NOTE)?);
    Ok(b)
}

/// The instructor's surprises as `[[at]]` tables, after the timeline.
fn surprises_block(s: &Scenario, run: &SavedRun) -> Result<String, String> {
    let mut b = String::from(
        "# --- The instructor's surprises in the saved run ---------------------------\n\
         # Triggers added to the scenario's own (a drill holds them back from the\n\
         # trainees as it holds back the scenario's).\n",
    );
    b.push_str(&at_tables(s, run.surprises, INJECT_NOTE)?);
    Ok(b)
}

/// One `[[at]]` table per action, each under a comment in plain words.
fn at_tables(s: &Scenario, actions: &[(u64, Action)], note: &str) -> Result<String, String> {
    let mut b = String::new();
    for (t_ms, action) in actions {
        b.push_str(&format!(
            "\n# {}\n[[at]]\nt = {}\naction = {}\nnote = {}\n",
            describe_action(&s.topology, action),
            quoted(&at_time(s, *t_ms)),
            inline_action(action)?,
            quoted(note),
        ));
    }
    Ok(b)
}

/// `action` as an inline table, its `type` first as the bundled files write it.
fn inline_action(action: &Action) -> Result<String, String> {
    let cannot = |e: &dyn std::fmt::Display| {
        format!("the action `{}` could not be written: {e}", action.kind())
    };
    let toml::Value::Table(mut fields) = toml::Value::try_from(action).map_err(|e| cannot(&e))?
    else {
        return Err(cannot(&"not a table"));
    };
    let kind = fields.remove("type").ok_or_else(|| cannot(&"no type"))?;
    let mut parts = vec![format!("type = {kind}")];
    parts.extend(fields.iter().map(|(k, v)| format!("{k} = {v}")));
    Ok(format!("{{ {} }}", parts.join(", ")))
}

/// How the file writes `t_ms`: the scenario's own clock where that names
/// one moment (whole seconds, a run shorter than a day), else an offset.
fn at_time(s: &Scenario, t_ms: u64) -> String {
    const DAY_MS: u64 = 86_400_000;
    if t_ms.is_multiple_of(1000) && s.duration_ms < DAY_MS {
        format_clock(s.start_clock_ms, t_ms)
    } else {
        format!("+{t_ms}ms")
    }
}
