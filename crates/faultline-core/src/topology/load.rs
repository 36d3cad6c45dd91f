//! Reading a topology file: TOML text → raw serde structs → checked [`Topology`].
//!
//! Loading happens in two steps so that other loaders can reuse the second:
//!
//! 1. [`parse_topology`] deserialises the text into a [`RawTopology`]. The raw
//!    structs mirror the file one to one and keep every id as a
//!    [`toml::Spanned`] value, so each later complaint can point at the exact
//!    line and column. A syntax error or a missing or mistyped field stops
//!    here, with the position `toml` reports.
//! 2. [`validate_raw`] (in `validate.rs`) resolves ids to indices and
//!    checks everything that can be wrong in a well-formed file (duplicate ids, unknown references,
//!    self-edges, dependency cycles, region shares, ...). It collects *all*
//!    problems rather than stopping at the first, so a user fixes a file in
//!    one pass.
//!
//! The scenario loader embeds an optional `[topology]` table of the same shape
//! inside a scenario file. Spans from `toml` are byte offsets into the whole
//! document, so passing the scenario's own text to [`validate_raw`] yields
//! line numbers that are correct for that file.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

use super::model::Topology;
use super::validate::validate_raw;
use crate::source::{SourceError, SourceSpan};

/// The bundled topology file, `scenarios/topology.toml`, embedded in the build.
pub const BUNDLED_TOPOLOGY_TOML: &str = include_str!("../../../../scenarios/topology.toml");

/// The name the bundled topology goes by in error messages.
pub const BUNDLED_TOPOLOGY_NAME: &str = "bundled:topology.toml";

/// How far region shares may stray from a sum of exactly 1.
pub const SHARE_TOLERANCE: f64 = 0.001;

/// A topology file exactly as written, before any cross-reference is checked.
///
/// Deserialise it from a whole file with [`parse_topology`], or embed it in a
/// larger document (`Option<RawTopology>` under a `[topology]` key) and check
/// it with [`validate_raw`]. Unknown keys are rejected so that typos surface.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTopology {
    /// Short name of the topology.
    pub name: String,
    /// Which document(s) it transcribes.
    #[serde(default)]
    pub source: String,
    /// `[[plane]]` tables.
    #[serde(default, rename = "plane")]
    pub planes: Vec<RawPlane>,
    /// `[[domain]]` tables.
    #[serde(default, rename = "domain")]
    pub domains: Vec<RawDomain>,
    /// `[[component]]` tables.
    #[serde(default, rename = "component")]
    pub components: Vec<RawComponent>,
    /// `[[failover]]` tables.
    #[serde(default, rename = "failover")]
    pub failovers: Vec<RawFailover>,
    /// `[[dependency]]` tables.
    #[serde(default, rename = "dependency")]
    pub dependencies: Vec<RawDependency>,
    /// `[[region]]` tables.
    #[serde(default, rename = "region")]
    pub regions: Vec<RawRegion>,
}

/// A `[[plane]]` table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlane {
    /// One of `Edge`, `Service`, `State`, `Control`, `External`.
    pub id: Spanned<String>,
    /// Title as the seed writes it.
    pub title: String,
    /// Fill colour, `#rgb` or `#rrggbb`.
    pub color: Spanned<String>,
    /// Border colour.
    #[serde(default)]
    pub stroke: Option<Spanned<String>>,
    /// Text colour.
    #[serde(default)]
    pub text_color: Option<Spanned<String>>,
}

/// A `[[domain]]` table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDomain {
    /// Mermaid subgraph id.
    pub id: Spanned<String>,
    /// Title as the seed writes it.
    pub title: String,
    /// Id of a declared plane.
    pub plane: Spanned<String>,
    /// True when Faultline adds the domain.
    #[serde(default)]
    pub added: Option<Spanned<bool>>,
    /// Where an added domain comes from.
    #[serde(default)]
    pub source: String,
}

/// A `[[component]]` table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComponent {
    /// Mermaid node id.
    pub id: Spanned<String>,
    /// Display name (first label line).
    pub name: String,
    /// Id of a declared domain.
    pub domain: Spanned<String>,
    /// Remaining label lines.
    #[serde(default)]
    pub facts: Vec<String>,
    /// Blast-radius text.
    pub blast_radius: String,
    /// True when Faultline adds the component.
    #[serde(default)]
    pub added: Option<Spanned<bool>>,
    /// Where an added component comes from.
    #[serde(default)]
    pub source: String,
}

/// A `[[failover]]` table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFailover {
    /// Component that fails.
    pub from: Spanned<String>,
    /// Component that takes over.
    pub to: Spanned<String>,
    /// Label lines.
    #[serde(default)]
    pub label: Vec<String>,
    /// True when Faultline adds the failover path.
    #[serde(default)]
    pub added: Option<Spanned<bool>>,
    /// Where an added failover comes from.
    #[serde(default)]
    pub source: String,
}

/// A `[[dependency]]` table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDependency {
    /// Caller, controller or host.
    pub from: Spanned<String>,
    /// Callee, controlled or hosted component.
    pub to: Spanned<String>,
    /// `call` (default), `control` or `hosts`.
    #[serde(default)]
    pub kind: Option<Spanned<String>>,
    /// Why the edge exists.
    pub why: Spanned<String>,
}

/// A `[[region]]` table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegion {
    /// Short id.
    pub id: Spanned<String>,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Fraction of users.
    pub share: Spanned<f64>,
    /// Component id of the region's edge.
    pub edge: Spanned<String>,
    /// Component id of the region's voice edge.
    pub voice_edge: Spanned<String>,
}

impl Topology {
    /// The bundled topology (`scenarios/topology.toml`), parsed and checked.
    /// Errors name the file `bundled:topology.toml`.
    pub fn bundled() -> Result<Topology, Vec<SourceError>> {
        parse_topology(BUNDLED_TOPOLOGY_TOML, BUNDLED_TOPOLOGY_NAME)
    }
}

/// Parses and validates a whole topology file. `file` is the name used in
/// errors (a path, or `bundled:<name>`). Returns every problem found.
pub fn parse_topology(text: &str, file: &str) -> Result<Topology, Vec<SourceError>> {
    let raw = parse_raw_topology(text, file)?;
    validate_raw(raw, text, file)
}

/// Reads a whole topology file into a [`RawTopology`] without checking
/// cross-references.
///
/// Unlike a plain `toml::from_str`, which stops at the first problem, this
/// reports every syntax error, and then every table that does not fit its
/// shape (missing field, unknown key, wrong type), each at its position.
pub fn parse_raw_topology(text: &str, file: &str) -> Result<RawTopology, Vec<SourceError>> {
    let (root, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        let mut errors: Vec<SourceError> =
            syntax.iter().map(|e| toml_error(e, text, file)).collect();
        sort_errors(&mut errors);
        return Err(errors);
    }
    let mut errors = Vec::new();
    let mut name: Option<String> = None;
    let mut raw = RawTopology {
        name: String::new(),
        source: String::new(),
        planes: Vec::new(),
        domains: Vec::new(),
        components: Vec::new(),
        failovers: Vec::new(),
        dependencies: Vec::new(),
        regions: Vec::new(),
    };
    for (key, value) in root.into_inner() {
        let mut err = |e: toml::de::Error| errors.push(toml_error(&e, text, file));
        match key.get_ref().as_ref() {
            "name" => name = de_value(value).map_err(&mut err).ok(),
            "source" => raw.source = de_value(value).map_err(&mut err).unwrap_or_default(),
            "plane" => raw.planes = de_elements(value, &mut err),
            "domain" => raw.domains = de_elements(value, &mut err),
            "component" => raw.components = de_elements(value, &mut err),
            "failover" => raw.failovers = de_elements(value, &mut err),
            "dependency" => raw.dependencies = de_elements(value, &mut err),
            "region" => raw.regions = de_elements(value, &mut err),
            other => {
                let at = SourceSpan::from_offset(text, key.span().start);
                errors.push(SourceError::at(
                    file,
                    at,
                    format!(
                        "unknown top-level key `{other}`, expected one of `name`, `source`, \
                         `plane`, `domain`, `component`, `failover`, `dependency`, `region`"
                    ),
                ));
            }
        }
    }
    match name {
        Some(n) => raw.name = n,
        None if errors.is_empty() => {
            errors.push(SourceError::whole(file, "missing top-level field `name`"))
        }
        None => {}
    }
    if errors.is_empty() {
        Ok(raw)
    } else {
        sort_errors(&mut errors);
        Err(errors)
    }
}

/// Deserialises one parsed value (spans stay absolute offsets into the file).
fn de_value<T: DeserializeOwned>(value: Spanned<DeValue<'_>>) -> Result<T, toml::de::Error> {
    T::deserialize(ValueDeserializer::from(value))
}

/// Deserialises an array of tables element by element, so one bad table
/// does not hide the problems of the others.
fn de_elements<T: DeserializeOwned>(
    value: Spanned<DeValue<'_>>,
    err: &mut impl FnMut(toml::de::Error),
) -> Vec<T> {
    let span = value.span();
    match value.into_inner() {
        DeValue::Array(items) => items
            .into_iter()
            .filter_map(|item| de_value(item).map_err(&mut *err).ok())
            .collect(),
        other => de_value(Spanned::new(span, other))
            .map_err(err)
            .unwrap_or_default(),
    }
}

/// Turns a `toml` deserialisation error into a [`SourceError`] at its position.
/// Public so that loaders of files embedding a topology report alike. A
/// missing field is reported at its table's header, which the message names.
pub fn toml_error(e: &toml::de::Error, text: &str, file: &str) -> SourceError {
    let mut message = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let at = SourceSpan::from_offset(text, span.start);
            if message.starts_with("missing field") {
                let line = text
                    .get(span.start..)
                    .unwrap_or("")
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim();
                if line.starts_with('[') {
                    message = format!("{message} in {line}");
                }
            }
            SourceError::at(file, at, message)
        }
        None => SourceError::whole(file, message),
    }
}

/// Orders errors by position, whole-file errors last (a stable sort keeps
/// errors at the same position in the order they were found).
pub(super) fn sort_errors(errors: &mut [SourceError]) {
    errors.sort_by_key(|e| {
        e.span
            .map(|s| (s.line, s.column))
            .unwrap_or((usize::MAX, 0))
    });
}
