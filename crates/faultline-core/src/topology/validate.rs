//! Checking a deserialised topology ([`validate_raw`]): ids resolved into
//! indices, and everything that can be wrong in a well-formed file reported
//! (duplicate ids, unknown references, self-edges, dependency cycles, region
//! shares, ...). Every section is checked even when an earlier one failed, so
//! a user fixes a file in one pass.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use super::load::{
    sort_errors, RawComponent, RawDependency, RawDomain, RawFailover, RawPlane, RawRegion,
    RawTopology, SHARE_TOLERANCE,
};
use super::model::{
    Component, DependencyEdge, DependencyKind, Domain, FailoverEdge, Plane, PlaneId, Region,
    Topology,
};
use super::names::suggest;
use super::order::order_or_cycles;
use crate::source::{SourceError, SourceSpan};

/// Ids of one kind declared so far: their index and where each was defined.
type Declared = BTreeMap<String, (usize, Range<usize>)>;

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
    let (planes, plane_spans) = check_planes(&mut errs, &raw.planes);
    let (domains, domain_ids) = check_domains(&mut errs, &raw.domains, &plane_spans);
    let (components, component_ids) =
        check_components(&mut errs, &raw.components, &domains, &domain_ids);
    if raw.components.is_empty() {
        errs.list.push(SourceError::whole(
            file,
            "the topology has no [[component]] tables",
        ));
    }
    let failovers = check_failovers(&mut errs, &raw.failovers, &component_ids);
    let (dependencies, dep_spans) =
        check_dependencies(&mut errs, &raw.dependencies, &component_ids);
    let regions = check_regions(&mut errs, &raw.regions, &component_ids);
    // Cycles are only meaningful once every edge resolved.
    let topo_order = if errs.list.is_empty() {
        order_or_report_cycles(&mut errs, &components, &dependencies, &dep_spans)
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

/// The `[[plane]]` tables: known plane ids, each once, with valid colours.
fn check_planes(
    errs: &mut Errors,
    raw: &[RawPlane],
) -> (Vec<Plane>, BTreeMap<PlaneId, Range<usize>>) {
    let mut planes: Vec<Plane> = Vec::new();
    let mut plane_spans: BTreeMap<PlaneId, Range<usize>> = BTreeMap::new();
    for p in raw {
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
    (planes, plane_spans)
}

/// The `[[domain]]` tables: unique ids, each in a declared plane.
fn check_domains(
    errs: &mut Errors,
    raw: &[RawDomain],
    plane_spans: &BTreeMap<PlaneId, Range<usize>>,
) -> (Vec<Domain>, Declared) {
    let mut domains: Vec<Domain> = Vec::new();
    let mut domain_ids = Declared::new();
    for d in raw {
        let id = d.id.get_ref();
        if !is_new_id(errs, &domain_ids, "domain", &d.id) {
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
        check_added(errs, "domain", id, &d.added, &d.source);
        domain_ids.insert(id.clone(), (domains.len(), d.id.span()));
        domains.push(Domain {
            id: id.clone(),
            title: d.title.clone(),
            plane,
            added: is_added(&d.added),
            source: d.source.clone(),
        });
    }
    (domains, domain_ids)
}

/// The `[[component]]` tables: unique ids, each in a declared domain.
fn check_components(
    errs: &mut Errors,
    raw: &[RawComponent],
    domains: &[Domain],
    domain_ids: &Declared,
) -> (Vec<Component>, Declared) {
    let mut components: Vec<Component> = Vec::new();
    let mut component_ids = Declared::new();
    for c in raw {
        let id = c.id.get_ref();
        if !is_new_id(errs, &component_ids, "component", &c.id) {
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
        check_added(errs, "component", id, &c.added, &c.source);
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
    (components, component_ids)
}

/// Resolves a component reference, reporting an unknown id.
fn resolve(
    errs: &mut Errors,
    component_ids: &Declared,
    what: &str,
    r: &Spanned<String>,
) -> Option<usize> {
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
}

/// The `[[failover]]` tables: known components, no self-edge, no repeat.
fn check_failovers(
    errs: &mut Errors,
    raw: &[RawFailover],
    component_ids: &Declared,
) -> Vec<FailoverEdge> {
    let mut failovers: Vec<FailoverEdge> = Vec::new();
    let mut failover_seen: BTreeMap<(usize, usize), Range<usize>> = BTreeMap::new();
    for f in raw {
        let from = resolve(errs, component_ids, "failover edge", &f.from);
        let to = resolve(errs, component_ids, "failover edge", &f.to);
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        if !first_edge(
            errs,
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
        check_added(errs, &what, "", &f.added, &f.source);
        failovers.push(FailoverEdge {
            from,
            to,
            label: f.label.clone(),
            added: is_added(&f.added),
            source: f.source.clone(),
        });
    }
    failovers
}

/// The `[[dependency]]` tables: known components and kinds, a `why` for
/// each, no self-edge, no repeat. Also returns where each edge was written,
/// to point at a cycle.
fn check_dependencies(
    errs: &mut Errors,
    raw: &[RawDependency],
    component_ids: &Declared,
) -> (Vec<DependencyEdge>, Vec<Range<usize>>) {
    let mut dependencies: Vec<DependencyEdge> = Vec::new();
    let mut dep_spans: Vec<Range<usize>> = Vec::new();
    let mut dep_seen: BTreeMap<(usize, usize), Range<usize>> = BTreeMap::new();
    for d in raw {
        let from = resolve(errs, component_ids, "dependency edge", &d.from);
        let to = resolve(errs, component_ids, "dependency edge", &d.to);
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
            errs,
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
    (dependencies, dep_spans)
}

/// The `[[region]]` tables: unique ids, shares in (0, 1] summing to 1,
/// known edge components.
fn check_regions(errs: &mut Errors, raw: &[RawRegion], component_ids: &Declared) -> Vec<Region> {
    let mut regions: Vec<Region> = Vec::new();
    let mut region_ids = Declared::new();
    let mut share_sum = 0.0;
    for r in raw {
        let id = r.id.get_ref();
        if is_new_id(errs, &region_ids, "region", &r.id) {
            region_ids.insert(id.clone(), (regions.len(), r.id.span()));
        }
        let share = *r.share.get_ref();
        if !(share > 0.0 && share <= 1.0) {
            errs.at(
                r.share.span(),
                format!("region \"{id}\" has share {share}; a share must be in (0, 1]"),
            );
        }
        share_sum += share;
        let edge = resolve(
            errs,
            component_ids,
            &format!("region \"{id}\" edge"),
            &r.edge,
        );
        let voice_edge = resolve(
            errs,
            component_ids,
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
    if let Some(first) = raw.first() {
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
    regions
}

/// The topological order, or an error per dependency cycle at the first edge
/// (in file order) that lies on it.
fn order_or_report_cycles(
    errs: &mut Errors,
    components: &[Component],
    dependencies: &[DependencyEdge],
    dep_spans: &[Range<usize>],
) -> Vec<usize> {
    match order_or_cycles(components.len(), dependencies) {
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

/// Checks an id's spelling and that no earlier table of its kind declared
/// it (naming that table's line); true if it is new.
fn is_new_id(errs: &mut Errors, declared: &Declared, what: &str, id: &Spanned<String>) -> bool {
    check_id(errs, what, id);
    let Some((_, first)) = declared.get(id.get_ref()) else {
        return true;
    };
    let line = errs.line_of(first);
    errs.at(
        id.span(),
        format!(
            "duplicate {what} id \"{}\" (first defined at line {line})",
            id.get_ref()
        ),
    );
    false
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
