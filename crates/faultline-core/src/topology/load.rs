//! Reading a topology file: TOML text → raw serde structs → checked [`Topology`].
//!
//! Loading happens in two steps so that other loaders can reuse the second:
//!
//! 1. [`parse_topology`] deserialises the text into a [`RawTopology`]. The raw
//!    structs mirror the file one to one and keep every id as a
//!    [`toml::Spanned`] value, so each later complaint can point at the exact
//!    line and column. A syntax error or a missing or mistyped field stops
//!    here, with the position `toml` reports.
//! 2. [`validate_raw`] resolves ids to indices and checks everything that can
//!    be wrong in a well-formed file (duplicate ids, unknown references,
//!    self-edges, dependency cycles, region shares, ...). It collects *all*
//!    problems rather than stopping at the first, so a user fixes a file in
//!    one pass.
//!
//! The scenario loader embeds an optional `[topology]` table of the same shape
//! inside a scenario file. Spans from `toml` are byte offsets into the whole
//! document, so passing the scenario's own text to [`validate_raw`] yields
//! line numbers that are correct for that file.

use std::collections::BTreeMap;
use std::ops::Range;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

use super::model::{
    Component, DependencyEdge, DependencyKind, Domain, FailoverEdge, Plane, PlaneId, Region,
    Topology,
};
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
fn sort_errors(errors: &mut [SourceError]) {
    errors.sort_by_key(|e| {
        e.span
            .map(|s| (s.line, s.column))
            .unwrap_or((usize::MAX, 0))
    });
}
/// Refuses a self-edge or a repeat of an edge already seen (naming the line of
/// the first one); otherwise records it and returns true.
fn first_edge(
    errs: &mut Errors,
    what: &str,
    seen: &mut BTreeMap<(usize, usize), Range<usize>>,
    (from, to): (usize, usize),
    from_id: &Spanned<String>,
    to_id: &Spanned<String>,
) -> bool {
    if from == to {
        errs.at(
            from_id.span(),
            format!("{what} from \"{}\" to itself", from_id.get_ref()),
        );
        return false;
    }
    if let Some(first) = seen.get(&(from, to)) {
        let line = errs.line_of(first);
        errs.at(
            from_id.span(),
            format!(
                "duplicate {what} \"{}\" -> \"{}\" (first defined at line {line})",
                from_id.get_ref(),
                to_id.get_ref()
            ),
        );
        return false;
    }
    seen.insert((from, to), from_id.span());
    true
}

/// Collects errors with positions computed against one text.
struct Errors<'a> {
    text: &'a str,
    file: &'a str,
    list: Vec<SourceError>,
}

impl Errors<'_> {
    fn at(&mut self, span: Range<usize>, message: String) {
        let pos = SourceSpan::from_offset(self.text, span.start);
        self.list.push(SourceError::at(self.file, pos, message));
    }

    fn line_of(&self, span: &Range<usize>) -> usize {
        SourceSpan::from_offset(self.text, span.start).line
    }
}

/// Checks a deserialised topology and resolves its ids into indices.
///
/// `text` must be the document `raw` was deserialised from (spans are offsets
/// into it); `file` is the name used in errors. Returns every problem found.
pub fn validate_raw(
    raw: RawTopology,
    text: &str,
    file: &str,
) -> Result<Topology, Vec<SourceError>> {
    let mut errs = Errors {
        text,
        file,
        list: Vec::new(),
    };

    // Planes.
    let mut planes: Vec<Plane> = Vec::new();
    let mut plane_spans: BTreeMap<PlaneId, Range<usize>> = BTreeMap::new();
    for p in &raw.planes {
        let Some(id) = PlaneId::parse(p.id.get_ref()) else {
            let names: Vec<&str> = PlaneId::ALL.iter().map(|p| p.as_str()).collect();
            errs.at(
                p.id.span(),
                format!(
                    "unknown plane id \"{}\"{}; planes are {}",
                    p.id.get_ref(),
                    suggest(p.id.get_ref(), names.iter().copied()),
                    names.join(", ")
                ),
            );
            continue;
        };
        if let Some(first) = plane_spans.get(&id) {
            let line = errs.line_of(first);
            errs.at(
                p.id.span(),
                format!(
                    "duplicate plane id \"{}\" (first defined at line {line})",
                    id.as_str()
                ),
            );
            continue;
        }
        plane_spans.insert(id, p.id.span());
        for c in [Some(&p.color), p.stroke.as_ref(), p.text_color.as_ref()]
            .into_iter()
            .flatten()
        {
            if !is_colour(c.get_ref()) {
                errs.at(
                    c.span(),
                    format!(
                        "plane \"{}\": \"{}\" is not a colour like #0066CC or #fff",
                        id.as_str(),
                        c.get_ref()
                    ),
                );
            }
        }
        let opt = |s: &Option<Spanned<String>>| {
            s.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default()
        };
        planes.push(Plane {
            id,
            title: p.title.clone(),
            color: p.color.get_ref().clone(),
            stroke: opt(&p.stroke),
            text_color: opt(&p.text_color),
        });
    }

    // Domains.
    let mut domains: Vec<Domain> = Vec::new();
    let mut domain_ids: BTreeMap<String, (usize, Range<usize>)> = BTreeMap::new();
    for d in &raw.domains {
        let id = d.id.get_ref();
        check_id(&mut errs, "domain", &d.id);
        if let Some((_, first)) = domain_ids.get(id) {
            let line = errs.line_of(first);
            errs.at(
                d.id.span(),
                format!("duplicate domain id \"{id}\" (first defined at line {line})"),
            );
            continue;
        }
        let plane =
            match PlaneId::parse(d.plane.get_ref()).filter(|p| plane_spans.contains_key(p)) {
                Some(p) => p,
                None => {
                    let declared: Vec<&str> = plane_spans.keys().map(|p| p.as_str()).collect();
                    errs.at(
                        d.plane.span(),
                        format!(
                        "domain \"{id}\" refers to unknown plane \"{}\"{}; declared planes are {}",
                        d.plane.get_ref(),
                        suggest(d.plane.get_ref(), declared.iter().copied()),
                        if declared.is_empty() { "none".to_string() } else { declared.join(", ") }
                    ),
                    );
                    // Keep the domain so its components do not report a second, misleading error.
                    PlaneId::Edge
                }
            };
        check_added(&mut errs, "domain", id, &d.added, &d.source);
        domain_ids.insert(id.clone(), (domains.len(), d.id.span()));
        domains.push(Domain {
            id: id.clone(),
            title: d.title.clone(),
            plane,
            added: is_added(&d.added),
            source: d.source.clone(),
        });
    }

    // Components.
    let mut components: Vec<Component> = Vec::new();
    let mut component_ids: BTreeMap<String, (usize, Range<usize>)> = BTreeMap::new();
    for c in &raw.components {
        let id = c.id.get_ref();
        check_id(&mut errs, "component", &c.id);
        if let Some((_, first)) = component_ids.get(id) {
            let line = errs.line_of(first);
            errs.at(
                c.id.span(),
                format!("duplicate component id \"{id}\" (first defined at line {line})"),
            );
            continue;
        }
        let domain = match domain_ids.get(c.domain.get_ref()) {
            Some((i, _)) => *i,
            None => {
                errs.at(
                    c.domain.span(),
                    format!(
                        "component \"{id}\" refers to unknown domain \"{}\"{}",
                        c.domain.get_ref(),
                        suggest(c.domain.get_ref(), domain_ids.keys().map(String::as_str))
                    ),
                );
                usize::MAX
            }
        };
        check_added(&mut errs, "component", id, &c.added, &c.source);
        component_ids.insert(id.clone(), (components.len(), c.id.span()));
        components.push(Component {
            id: id.clone(),
            name: c.name.clone(),
            domain,
            plane: domains.get(domain).map_or(PlaneId::Edge, |d| d.plane),
            facts: c.facts.clone(),
            blast_radius: c.blast_radius.clone(),
            added: is_added(&c.added),
            source: c.source.clone(),
        });
    }
    if raw.components.is_empty() {
        errs.list.push(SourceError::whole(
            file,
            "the topology has no [[component]] tables",
        ));
    }

    // Resolves a component reference, reporting unknown ids.
    let resolve = |errs: &mut Errors, what: &str, r: &Spanned<String>| -> Option<usize> {
        match component_ids.get(r.get_ref()) {
            Some((i, _)) => Some(*i),
            None => {
                errs.at(
                    r.span(),
                    format!(
                        "{what} refers to unknown component \"{}\"{}",
                        r.get_ref(),
                        suggest(r.get_ref(), component_ids.keys().map(String::as_str))
                    ),
                );
                None
            }
        }
    };

    // Failover edges.
    let mut failovers: Vec<FailoverEdge> = Vec::new();
    let mut failover_seen: BTreeMap<(usize, usize), Range<usize>> = BTreeMap::new();
    for f in &raw.failovers {
        let from = resolve(&mut errs, "failover edge", &f.from);
        let to = resolve(&mut errs, "failover edge", &f.to);
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        if !first_edge(
            &mut errs,
            "failover edge",
            &mut failover_seen,
            (from, to),
            &f.from,
            &f.to,
        ) {
            continue;
        }
        let what = format!(
            "failover edge \"{}\" -> \"{}\"",
            f.from.get_ref(),
            f.to.get_ref()
        );
        check_added(&mut errs, &what, "", &f.added, &f.source);
        failovers.push(FailoverEdge {
            from,
            to,
            label: f.label.clone(),
            added: is_added(&f.added),
            source: f.source.clone(),
        });
    }

    // Dependency edges.
    let mut dependencies: Vec<DependencyEdge> = Vec::new();
    let mut dep_spans: Vec<Range<usize>> = Vec::new();
    let mut dep_seen: BTreeMap<(usize, usize), Range<usize>> = BTreeMap::new();
    for d in &raw.dependencies {
        let from = resolve(&mut errs, "dependency edge", &d.from);
        let to = resolve(&mut errs, "dependency edge", &d.to);
        let kind = match &d.kind {
            None => Some(DependencyKind::Call),
            Some(k) => {
                let kind = DependencyKind::parse(k.get_ref());
                if kind.is_none() {
                    let names: Vec<&str> = DependencyKind::ALL.iter().map(|k| k.as_str()).collect();
                    errs.at(
                        k.span(),
                        format!(
                            "unknown dependency kind \"{}\"{}; kinds are {}",
                            k.get_ref(),
                            suggest(k.get_ref(), names.iter().copied()),
                            names.join(", ")
                        ),
                    );
                }
                kind
            }
        };
        if d.why.get_ref().trim().is_empty() {
            errs.at(
                d.why.span(),
                format!(
                    "dependency edge \"{}\" -> \"{}\" has an empty `why`; say where it comes from",
                    d.from.get_ref(),
                    d.to.get_ref()
                ),
            );
        }
        let (Some(from), Some(to), Some(kind)) = (from, to, kind) else {
            continue;
        };
        if !first_edge(
            &mut errs,
            "dependency edge",
            &mut dep_seen,
            (from, to),
            &d.from,
            &d.to,
        ) {
            continue;
        }
        dep_spans.push(d.from.span());
        dependencies.push(DependencyEdge {
            from,
            to,
            kind,
            why: d.why.get_ref().clone(),
        });
    }

    // Regions.
    let mut regions: Vec<Region> = Vec::new();
    let mut region_ids: BTreeMap<String, Range<usize>> = BTreeMap::new();
    let mut share_sum = 0.0;
    for r in &raw.regions {
        let id = r.id.get_ref();
        check_id(&mut errs, "region", &r.id);
        if let Some(first) = region_ids.get(id) {
            let line = errs.line_of(first);
            errs.at(
                r.id.span(),
                format!("duplicate region id \"{id}\" (first defined at line {line})"),
            );
        } else {
            region_ids.insert(id.clone(), r.id.span());
        }
        let share = *r.share.get_ref();
        if !(share > 0.0 && share <= 1.0) {
            errs.at(
                r.share.span(),
                format!("region \"{id}\" has share {share}; a share must be in (0, 1]"),
            );
        }
        share_sum += share;
        let edge = resolve(&mut errs, &format!("region \"{id}\" edge"), &r.edge);
        let voice_edge = resolve(
            &mut errs,
            &format!("region \"{id}\" voice_edge"),
            &r.voice_edge,
        );
        if let (Some(edge), Some(voice_edge)) = (edge, voice_edge) {
            regions.push(Region {
                id: id.clone(),
                name: r.name.clone(),
                share,
                edge,
                voice_edge,
            });
        }
    }
    if let Some(first) = raw.regions.first() {
        if (share_sum - 1.0).abs() > SHARE_TOLERANCE {
            errs.at(
                first.id.span(),
                format!(
                    "region shares sum to {} but must sum to 1 (within {SHARE_TOLERANCE})",
                    (share_sum * 1e6).round() / 1e6
                ),
            );
        }
    }

    // Cycles and the topological order (only meaningful once all edges resolved).
    let topo_order = if errs.list.is_empty() {
        match order_or_cycles(components.len(), &dependencies) {
            Ok(order) => order,
            Err(cycles) => {
                for cycle in cycles {
                    let ids: Vec<&str> = cycle.iter().map(|&i| components[i].id.as_str()).collect();
                    let mut path = ids.join(" -> ");
                    path.push_str(" -> ");
                    path.push_str(ids[0]);
                    // Point at the first edge (in file order) that lies on the cycle.
                    let on_cycle = |e: &DependencyEdge| {
                        cycle
                            .iter()
                            .enumerate()
                            .any(|(k, &a)| e.from == a && e.to == cycle[(k + 1) % cycle.len()])
                    };
                    let at = dependencies.iter().position(on_cycle).unwrap_or(0);
                    errs.at(dep_spans[at].clone(), format!("dependency cycle: {path}"));
                }
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };

    if !errs.list.is_empty() {
        sort_errors(&mut errs.list);
        return Err(errs.list);
    }
    Ok(Topology {
        name: raw.name,
        source: raw.source,
        planes,
        domains,
        components,
        dependencies,
        failovers,
        regions,
        topo_order,
    })
}

/// A deterministic topological order (Kahn's algorithm, lowest file index
/// first among the ready components), or the dependency cycles found.
pub(crate) fn order_or_cycles(
    n: usize,
    edges: &[DependencyEdge],
) -> Result<Vec<usize>, Vec<Vec<usize>>> {
    let mut graph: DiGraph<usize, ()> = DiGraph::with_capacity(n, edges.len());
    let nodes: Vec<NodeIndex> = (0..n).map(|i| graph.add_node(i)).collect();
    for e in edges {
        graph.add_edge(nodes[e.from], nodes[e.to], ());
    }
    if petgraph::algo::is_cyclic_directed(&graph) {
        // Every strongly connected component with more than one member holds a cycle.
        let mut cycles: Vec<Vec<usize>> = tarjan_scc(&graph)
            .into_iter()
            .filter(|scc| scc.len() > 1)
            .map(|scc| {
                let members: Vec<usize> = scc.iter().map(|n| graph[*n]).collect();
                cycle_within(&members, edges)
            })
            .collect();
        cycles.sort();
        return Err(cycles);
    }
    let mut indegree: Vec<usize> = vec![0; n];
    for e in edges {
        indegree[e.to] += 1;
    }
    let mut ready: std::collections::BTreeSet<usize> =
        (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for next in graph.neighbors(nodes[i]) {
            let j = graph[next];
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.insert(j);
            }
        }
    }
    Ok(order)
}

/// One simple cycle inside a strongly connected set of components, starting
/// at its lowest index (a depth-first walk that stays inside the set).
fn cycle_within(members: &[usize], edges: &[DependencyEdge]) -> Vec<usize> {
    let start = *members.iter().min().expect("non-empty component");
    let inside = |i: usize| members.contains(&i);
    let mut path = vec![start];
    let mut visited = vec![start];
    loop {
        let last = *path.last().expect("path never empty");
        if edges.iter().any(|e| e.from == last && e.to == start) && path.len() > 1 {
            return path;
        }
        let next = edges
            .iter()
            .filter(|e| e.from == last && inside(e.to) && !visited.contains(&e.to))
            .map(|e| e.to)
            .min();
        match next {
            Some(j) => {
                path.push(j);
                visited.push(j);
            }
            None if path.len() > 1 => {
                path.pop();
            }
            None => return members.to_vec(),
        }
    }
}

/// Ids appear in scenarios, URLs and the DOM: letters, digits and `_`, starting with a letter.
fn check_id(errs: &mut Errors, what: &str, id: &Spanned<String>) {
    let s = id.get_ref();
    let ok = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        errs.at(
            id.span(),
            format!(
                "{what} id \"{s}\" must start with a letter and use only letters, digits and _"
            ),
        );
    }
}

/// Anything Faultline adds must say where it comes from.
fn check_added(
    errs: &mut Errors,
    what: &str,
    id: &str,
    added: &Option<Spanned<bool>>,
    source: &str,
) {
    let Some(added) = added else { return };
    if *added.get_ref() && source.trim().is_empty() {
        let name = if id.is_empty() {
            what.to_string()
        } else {
            format!("{what} \"{id}\"")
        };
        errs.at(
            added.span(),
            format!("{name} is marked added = true but has no `source`"),
        );
    }
}

fn is_added(added: &Option<Spanned<bool>>) -> bool {
    added.as_ref().is_some_and(|a| *a.get_ref())
}

fn is_colour(s: &str) -> bool {
    let hex = s.strip_prefix('#').unwrap_or("");
    matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit())
}

/// ` (did you mean "X"?)` when one candidate is close to `wrong`, else empty.
fn suggest<'a>(wrong: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let limit = (wrong.chars().count() / 3).clamp(1, 3);
    let best = candidates
        .map(|c| (edit_distance(&wrong.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c));
    match best {
        Some((_, c)) => format!(" (did you mean \"{c}\"?)"),
        None => String::new(),
    }
}

/// Levenshtein distance between two strings, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("Redis_Sesions", "Redis_Sessions"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggest_picks_the_nearest_close_candidate() {
        let c = ["Redis_Sessions", "Redis_Messages"];
        assert_eq!(
            suggest("Redis_Sesions", c.iter().copied()),
            " (did you mean \"Redis_Sessions\"?)"
        );
        assert_eq!(suggest("Kafka", c.iter().copied()), "");
    }
}
