//! `faultline validate FILE...`: check data files and report every problem.
//!
//! The kind of file is recognised from its content ([`FileKind::detect`]): a
//! topology has top-level `[[component]]` tables, a scenario a top-level
//! `duration` (required in every scenario). A valid file
//! prints a one-line summary on stdout; an invalid one prints each error as
//! `file:line:col: message` on stderr, and the command exits 1.

use std::process::ExitCode;

use faultline_core::{parse_topology, Scenario, SourceError};

use crate::input;

/// Usage line shown by `faultline help`.
pub const USAGE: &str = "faultline validate FILE...\n        \
    Check topology and scenario files (bundled:<file> for built-in ones); print every error.";

/// What a data file holds, recognised from its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A topology: top-level `[[component]]` tables.
    Topology,
    /// A scenario: a top-level `duration`.
    Scenario,
    /// Nothing Faultline recognises.
    Unknown,
}

impl FileKind {
    /// Recognises a file by its top-level tables. Only a line that starts
    /// with the header counts, so a `[[topology.component]]` nested in another
    /// file does not make it a topology.
    pub fn detect(text: &str) -> FileKind {
        if text
            .lines()
            .any(|l| l.trim_start().starts_with("[[component]]"))
        {
            FileKind::Topology
        } else if Self::top_level_keys(text).any(|k| k == "duration") {
            FileKind::Scenario
        } else {
            FileKind::Unknown
        }
    }

    /// Keys assigned before the first table header.
    fn top_level_keys(text: &str) -> impl Iterator<Item = &str> {
        text.lines()
            .map(str::trim_start)
            .take_while(|l| !l.starts_with('['))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim()))
    }
}

/// Validates each named file; exit 1 if any is invalid or unreadable.
pub fn run(args: &[String]) -> ExitCode {
    if args.is_empty() || args.iter().any(|a| a.starts_with('-')) {
        eprintln!("usage: {USAGE}");
        return ExitCode::from(crate::USAGE_ERROR);
    }
    let mut all_ok = true;
    for name in args {
        let prefix = if args.len() > 1 {
            format!("{name}: ")
        } else {
            String::new()
        };
        match check(name) {
            Ok(summary) => outln!("{prefix}{summary}"),
            Err(errors) => {
                all_ok = false;
                for e in errors {
                    eprintln!("{e}");
                }
            }
        }
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Checks one file: a summary line, or every error as a printable line.
fn check(name: &str) -> Result<String, Vec<String>> {
    let text = input::read(name).map_err(|e| vec![e])?;
    match FileKind::detect(&text) {
        FileKind::Topology => match parse_topology(&text, name) {
            Ok(t) => Ok(format!(
                "ok: {} components, {} dependency edges, {} failover edges",
                t.components.len(),
                t.dependencies.len(),
                t.failovers.len()
            )),
            Err(errors) => Err(errors.iter().map(SourceError::to_string).collect()),
        },
        FileKind::Scenario => match Scenario::from_toml_str(&text, name) {
            Ok(s) => Ok(format!(
                "ok: scenario \"{}\", {} timeline actions, {} messages, {} bands, {} counterfactuals",
                s.title,
                s.timeline.len(),
                s.messages.len(),
                s.expectations.len(),
                s.counterfactuals.len()
            )),
            Err(errors) => Err(errors.iter().map(SourceError::to_string).collect()),
        },
        FileKind::Unknown => Err(vec![format!(
            "{name}: not a file Faultline recognises (a topology has top-level [[component]] tables, a scenario a top-level duration)"
        )]),
    }
}

#[cfg(test)]
mod tests {
    use super::FileKind;

    #[test]
    fn detects_topologies_by_top_level_components() {
        assert_eq!(
            FileKind::detect("name = \"x\"\n[[component]]\nid = \"A\"\n"),
            FileKind::Topology
        );
        assert_eq!(
            FileKind::detect("[[topology.component]]\n"),
            FileKind::Unknown
        );
        assert_eq!(FileKind::detect("title = \"drill\"\n"), FileKind::Unknown);
        assert_eq!(
            FileKind::detect("name = \"x\"\nduration = \"1h\"\n[traffic]\n"),
            FileKind::Scenario
        );
        assert_eq!(
            FileKind::detect("[params.X]\nduration = 5\n"),
            FileKind::Unknown
        );
    }
}
