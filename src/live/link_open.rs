//! Opening a link as far as it is usable.
//!
//! A teacher's link with one slip in it (a seed typed as a word, a time
//! past the end after the scenario was shortened, a comparison the run can
//! no longer make) should still open the scenario it names: the page
//! leaves out the pieces it cannot use, says which and why, and keeps the
//! rest. Only a link that names no usable scenario falls back to the
//! default one.

use super::url_state::{self, FragmentError, RunState};

/// Fields the page cannot open a link without: the scenario itself (a
/// fault in `scenario=` is reported as `s`), and whether it is a drill (a
/// drill opened as a plain run would show the trainees the incident's name
/// and its responders).
const NEEDED: [&str; 3] = ["s", "hs", "drill"];

/// A link opened as far as it is usable.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenedLink {
    /// The run the usable pieces describe.
    pub run: RunState,
    /// What was left out, and why, in the order it was found.
    pub left_out: Vec<FragmentError>,
}

impl OpenedLink {
    /// The notice for what was left out ("The link's `seed` is not usable:
    /// …. Opened the rest of the link without it."), or `None` when
    /// nothing was.
    pub fn left_out_notice(&self) -> Option<String> {
        if self.left_out.is_empty() {
            return None;
        }
        let reasons: Vec<String> = self.left_out.iter().map(ToString::to_string).collect();
        Some(format!(
            "{}. Opened the rest of the link without {}.",
            reasons.join(". "),
            if self.left_out.len() == 1 {
                "it"
            } else {
                "them"
            }
        ))
    }
}

/// The key of a `key=value` piece (the whole piece when it has no `=`).
fn key_of(piece: &str) -> &str {
    piece.split_once('=').map_or(piece, |(k, _)| k)
}

/// Opens `fragment` as [`url_state::decode`] does, but leaves out each
/// piece it cannot use instead of refusing the whole link. `Ok(None)` for
/// an empty link; an error only when the scenario (or the drill setting)
/// is what is wrong.
pub fn open(fragment: &str) -> Result<Option<OpenedLink>, FragmentError> {
    let mut pieces: Vec<&str> = url_state::link_body(fragment)
        .split('&')
        .filter(|p| !p.is_empty())
        .collect();
    let mut left_out = Vec::new();
    if pieces.is_empty() {
        // Nothing to leave out: the strict reading says what this is.
        return url_state::decode(fragment).map(|run| run.map(|run| OpenedLink { run, left_out }));
    }
    // Each round leaves out at least one piece, so this ends.
    loop {
        // The `#` keeps a first piece that starts with one from being
        // read as the fragment's own mark.
        let e = match url_state::decode(&format!("#{}", pieces.join("&"))) {
            Ok(Some(run)) => return Ok(Some(OpenedLink { run, left_out })),
            // Nothing usable was left of a link that was not empty.
            Ok(None) if !left_out.is_empty() => {
                return Err(with_left_out(url_state::no_scenario(), &left_out))
            }
            Ok(None) => return Ok(None),
            Err(e) => e,
        };
        let before = pieces.len();
        if NEEDED.contains(&e.field.as_str()) {
            return Err(with_left_out(e, &left_out));
        }
        match &e.piece {
            // A fault in one piece: that piece alone goes (a second `seed=`
            // that is a word does not take the good one with it).
            Some(piece) => pieces.retain(|p| p != piece),
            // A fault in what the pieces make together (a time past the
            // end, a switch the scenario lacks): the field goes.
            None => pieces.retain(|p| key_of(p) != e.field),
        }
        if pieces.len() == before {
            return Err(with_left_out(e, &left_out));
        }
        left_out.push(e);
    }
}

/// The error that stops a link from opening, followed by what had been
/// left out before it (none of which is used either).
fn with_left_out(fatal: FragmentError, left_out: &[FragmentError]) -> FragmentError {
    let mut problem = fatal.problem;
    for e in left_out {
        problem.push_str(&format!(". {e}"));
    }
    FragmentError { problem, ..fatal }
}
