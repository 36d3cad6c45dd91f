//! Errors that point into a data file: which file, which line, what is wrong.
//!
//! Every loader in the core reports problems as a [`SourceError`], so the CLI
//! and the page can show an instructor exactly where a scenario or topology
//! file went wrong.

use std::fmt;

/// A position in a source file, 1-based as editors show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct SourceSpan {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column number.
    pub column: usize,
}

impl SourceSpan {
    /// Converts a byte offset into `text` into a line and column.
    pub fn from_offset(text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        SourceSpan { line, column }
    }
}

/// A problem found while reading a data file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceError {
    /// The file's name as the user knows it (a path, or `bundled:<name>`).
    pub file: String,
    /// Where in the file, when known.
    pub span: Option<SourceSpan>,
    /// What is wrong, in plain words.
    pub message: String,
}

impl SourceError {
    /// An error at a known position.
    pub fn at(file: &str, span: SourceSpan, message: impl Into<String>) -> Self {
        SourceError {
            file: file.to_string(),
            span: Some(span),
            message: message.into(),
        }
    }

    /// An error about the file as a whole.
    pub fn whole(file: &str, message: impl Into<String>) -> Self {
        SourceError {
            file: file.to_string(),
            span: None,
            message: message.into(),
        }
    }

    /// Every error of a file, each as `file:line:column: problem`, joined
    /// by `sep` (a newline for a terminal, "; " for one line in the page).
    pub fn join(errors: &[SourceError], sep: &str) -> String {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(sep)
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.span {
            Some(s) => write!(f, "{}:{}:{}: {}", self.file, s.line, s.column, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for SourceError {}
