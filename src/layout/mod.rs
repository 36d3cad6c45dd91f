//! Pure geometry of the four-plane diagram: where every plane band, failure
//! domain, component node, edge and edge label goes.
//!
//! Nothing here touches the DOM, so the rules the page promises ("no two nodes
//! overlap, every node sits inside its domain, every domain inside its plane,
//! no label covers a node") are unit-tested natively.
//!
//! The layout is a function of the topology and one number, the width
//! available for the drawing, so it is deterministic: the same topology at the
//! same width always gives the same picture. Planes are horizontal bands in
//! the seed's order (Edge, Service, State, Control, External). Inside a band
//! the failure domains are packed into rows; for each band we try every "at
//! most `r` rows of nodes per domain" arrangement and keep the shortest band
//! that fits the width. Text is never measured (there is no DOM here): widths
//! are estimated from character counts with the proportions of DejaVu Sans,
//! the widest common sans-serif, so real fonts only ever come out narrower.
//!
//! Failover edges (dashed) get a *lane*: a strip at the bottom of the source
//! component's domain where the edge runs and its label sits, so failover
//! labels never land on a node. Both ends of a failover inside one domain are
//! placed next to each other in the domain's last row of nodes, so the edge
//! drops into the lane and climbs back up without passing under other nodes.
//! Dependency edges (solid) are smooth curves drawn beneath the nodes.

use faultline_core::{PlaneId, Topology};

mod boxes;
mod edges;
mod text;

pub use boxes::{DomainBox, EdgeRoute, LabelBox, Layout, NodeBox, PlaneBox, Rect};
use edges::{route_dependencies, route_failovers};
pub use text::{
    fit_text, text_width, DOMAIN_FONT_PX, LABEL_LINE_PX, NAME_FONT_PX, PLANE_FONT_PX, SMALL_FONT_PX,
};

/// Height of a component node.
pub const NODE_H: f64 = 40.0;
const NODE_MIN_W: f64 = 150.0;
const NODE_MAX_W: f64 = 200.0;
const NODE_TEXT_PAD: f64 = 9.0;
/// Room kept at a node's top right for the "added" badge.
pub const ADDED_BADGE_W: f64 = 14.0;
const NODE_GAP_X: f64 = 18.0;
const NODE_GAP_Y: f64 = 12.0;
const DOMAIN_PAD: f64 = 8.0;
const DOMAIN_HEADER: f64 = 20.0;
const LANE_H: f64 = 34.0;
const DOMAIN_GAP: f64 = 12.0;
const PLANE_TITLE_W: f64 = 26.0;
const PLANE_PAD: f64 = 6.0;
const PLANE_GAP: f64 = 6.0;
const MARGIN: f64 = 2.0;
/// Narrowest width the layout is computed for; narrower screens scroll.
pub const MIN_WIDTH: f64 = 560.0;

/// One domain's shape for a given number of node columns.
#[derive(Clone, Copy, Debug)]
struct Shape {
    cols: usize,
    rows: usize,
    w: f64,
    h: f64,
}

/// Facts about a domain that decide its possible shapes.
struct DomainSpec {
    index: usize,
    /// Components in drawing order (failover endpoints last, so they share the last row).
    members: Vec<usize>,
    /// Number of failover lanes (failovers whose source is in this domain).
    lanes: usize,
    /// Smallest column count allowed (2 when a failover stays inside the domain).
    min_cols: usize,
    /// Width the title needs.
    title_w: f64,
    /// The hub of a three-node domain whose failovers all share one endpoint
    /// (two primaries failing over to one backup, or a chain through a middle
    /// node). Such a domain may use two columns: the hub alone on top,
    /// centred over the gap between the other two, so both failovers run
    /// through that gap without passing under a node.
    hub: Option<usize>,
}

impl DomainSpec {
    fn shape(&self, cols: usize, node_w: f64) -> Shape {
        let n = self.members.len().max(1);
        let cols = cols.clamp(1, n);
        let rows = n.div_ceil(cols);
        let nodes_w = cols as f64 * node_w + (cols as f64 - 1.0) * NODE_GAP_X;
        let w = (nodes_w + 2.0 * DOMAIN_PAD).max(self.title_w + 2.0 * DOMAIN_PAD);
        let h = DOMAIN_HEADER
            + rows as f64 * NODE_H
            + (rows as f64 - 1.0) * NODE_GAP_Y
            + self.lanes as f64 * LANE_H
            + DOMAIN_PAD;
        Shape { cols, rows, w, h }
    }
}

/// Short title of a domain or plane: the part before " - ".
fn short_title(title: &str) -> &str {
    title.split(" - ").next().unwrap_or(title).trim()
}

/// Computes the diagram for `topology` drawn `width` pixels wide.
pub fn layout(topology: &Topology, width: f64) -> Layout {
    let width = width.max(MIN_WIDTH).floor();
    // Wide enough for the longest name (plus the badge on added components).
    let longest_name = topology
        .components
        .iter()
        .map(|c| {
            text_width(&c.name, NAME_FONT_PX, true) + if c.added { ADDED_BADGE_W } else { 0.0 }
        })
        .fold(0.0, f64::max);
    let node_w = (longest_name + 2.0 * NODE_TEXT_PAD)
        .clamp(NODE_MIN_W, NODE_MAX_W)
        .ceil();

    let specs = domain_specs(topology);
    let inner_x = MARGIN + PLANE_TITLE_W + PLANE_PAD;
    // A domain whose failover endpoints must sit in one row sets a floor on
    // the width; below it the page scrolls sideways rather than overlap.
    let narrowest = specs
        .iter()
        .map(|s| s.shape(s.min_cols, node_w).w)
        .fold(0.0, f64::max);
    let width = width.max((inner_x + narrowest + PLANE_PAD + MARGIN).ceil());
    let inner_w = width - inner_x - PLANE_PAD - MARGIN;

    let mut planes = Vec::new();
    let mut domains = Vec::new();
    let mut nodes: Vec<Option<NodeBox>> = vec![None; topology.components.len()];
    let mut y = MARGIN;
    for plane_id in PlaneId::ALL {
        let plane_specs: Vec<&DomainSpec> = specs
            .iter()
            .filter(|s| topology.domains[s.index].plane == plane_id)
            .collect();
        if plane_specs.is_empty() {
            continue;
        }
        let rows = pack_plane(&plane_specs, node_w, inner_w);
        let band_top = y;
        let mut row_y = band_top + PLANE_PAD;
        for row in &rows {
            let row_h = row.iter().map(|(_, s)| s.h).fold(0.0, f64::max);
            let used: f64 =
                row.iter().map(|(_, s)| s.w).sum::<f64>() + DOMAIN_GAP * (row.len() as f64 - 1.0);
            // Spread spare width over the domains so each row fills the band.
            let extra = ((inner_w - used) / row.len() as f64).max(0.0).floor();
            let mut x = inner_x;
            for (spec, shape) in row {
                let rect = Rect {
                    x,
                    y: row_y,
                    w: shape.w + extra,
                    h: row_h,
                };
                let full = &topology.domains[spec.index].title;
                let title = if text_width(full, DOMAIN_FONT_PX, true) + 2.0 * DOMAIN_PAD <= rect.w {
                    full.clone()
                } else {
                    fit_text(
                        short_title(full),
                        DOMAIN_FONT_PX,
                        true,
                        rect.w - 2.0 * DOMAIN_PAD,
                    )
                };
                place_nodes(topology, spec, shape, rect, node_w, &mut nodes);
                domains.push(DomainBox {
                    domain: spec.index,
                    plane: plane_id,
                    rect,
                    title,
                });
                x += rect.w + DOMAIN_GAP;
            }
            row_y += row_h + DOMAIN_GAP;
        }
        let band_h = row_y - DOMAIN_GAP + PLANE_PAD - band_top;
        let rect = Rect {
            x: MARGIN,
            y: band_top,
            w: width - 2.0 * MARGIN,
            h: band_h,
        };
        let title_strip = Rect {
            x: MARGIN,
            y: band_top,
            w: PLANE_TITLE_W,
            h: band_h,
        };
        let (full_title, color) = match topology.plane(plane_id) {
            Some(p) => (p.title.clone(), p.color.clone()),
            None => (plane_id.as_str().to_string(), "#999999".to_string()),
        };
        let title = [
            full_title.as_str(),
            short_title(&full_title),
            plane_id.as_str(),
        ]
        .into_iter()
        .find(|t| text_width(t, PLANE_FONT_PX, true) + 12.0 <= band_h)
        .map(str::to_string)
        .unwrap_or_else(|| fit_text(plane_id.as_str(), PLANE_FONT_PX, true, band_h - 8.0));
        planes.push(PlaneBox {
            plane: plane_id,
            title,
            color,
            rect,
            title_strip,
        });
        y = band_top + band_h + PLANE_GAP;
    }
    let height = (y - PLANE_GAP + MARGIN).ceil();

    // Components whose domain index is out of range cannot occur in a validated
    // topology; give them a harmless spot rather than panicking.
    let nodes: Vec<NodeBox> = nodes
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            n.unwrap_or_else(|| NodeBox {
                component: i,
                domain: topology.components[i].domain,
                rect: Rect {
                    x: 0.0,
                    y: 0.0,
                    w: 0.0,
                    h: 0.0,
                },
                name: topology.components[i].name.clone(),
                fact: String::new(),
            })
        })
        .collect();

    let failovers = route_failovers(topology, &nodes, &domains, &specs);
    let dependencies = route_dependencies(topology, &nodes);
    Layout {
        width,
        height,
        node_w,
        planes,
        domains,
        nodes,
        dependencies,
        failovers,
    }
}

/// Builds each domain's member order, lane count and column constraints.
fn domain_specs(topology: &Topology) -> Vec<DomainSpec> {
    (0..topology.domains.len())
        .map(|d| {
            let members: Vec<usize> = (0..topology.components.len())
                .filter(|&c| topology.components[c].domain == d)
                .collect();
            let lanes = topology
                .failovers
                .iter()
                .filter(|f| topology.components[f.from].domain == d)
                .count();
            // Endpoints of failovers that stay inside the domain go last, in
            // edge order, so they end up side by side in the last row.
            let mut tail: Vec<usize> = Vec::new();
            for f in &topology.failovers {
                if topology.components[f.from].domain == d && topology.components[f.to].domain == d
                {
                    for c in [f.from, f.to] {
                        if !tail.contains(&c) {
                            tail.push(c);
                        }
                    }
                }
            }
            let inner: Vec<(usize, usize)> = topology
                .failovers
                .iter()
                .filter(|f| {
                    topology.components[f.from].domain == d && topology.components[f.to].domain == d
                })
                .map(|f| (f.from, f.to))
                .collect();
            let hub = (members.len() == 3 && tail.len() == 3 && inner.len() >= 2)
                .then(|| {
                    tail.iter()
                        .copied()
                        .find(|&h| inner.iter().all(|&(a, b)| a == h || b == h))
                })
                .flatten();
            let mut ordered: Vec<usize> = members
                .iter()
                .copied()
                .filter(|c| !tail.contains(c))
                .collect();
            match hub {
                // Hub in the middle: next to both partners in one row, or
                // alone above them when the domain takes two columns.
                Some(h) => {
                    let others: Vec<usize> = tail.iter().copied().filter(|&c| c != h).collect();
                    ordered = vec![others[0], h, others[1]];
                }
                None => ordered.extend(tail.iter().copied()),
            }
            let min_cols = match (hub, tail.is_empty()) {
                (Some(_), _) => 2,
                (None, true) => 1,
                (None, false) => tail.len().min(members.len()).max(1),
            };
            let title_w = text_width(
                short_title(&topology.domains[d].title),
                DOMAIN_FONT_PX,
                true,
            );
            DomainSpec {
                index: d,
                members: ordered,
                lanes,
                min_cols,
                title_w,
                hub,
            }
        })
        .filter(|s| !s.members.is_empty())
        .collect()
}

/// Domains of one band, row by row, each with the shape chosen for it.
type Rows<'a> = Vec<Vec<(&'a DomainSpec, Shape)>>;

/// Packs a plane's domains into rows. Tries every cap on rows-of-nodes per
/// domain and keeps the arrangement with the lowest band (then fewest rows).
fn pack_plane<'a>(specs: &[&'a DomainSpec], node_w: f64, inner_w: f64) -> Rows<'a> {
    let max_n = specs.iter().map(|s| s.members.len()).max().unwrap_or(1);
    let mut best: Option<(f64, Rows<'a>)> = None;
    for cap in 1..=max_n {
        let shapes: Vec<(&DomainSpec, Shape)> = specs
            .iter()
            .map(|s| {
                let n = s.members.len();
                let mut cols = n.div_ceil(cap).max(s.min_cols).min(n);
                // Never wider than the band if a narrower shape exists.
                while cols > s.min_cols.max(1) && s.shape(cols, node_w).w > inner_w {
                    cols -= 1;
                }
                (*s, s.shape(cols, node_w))
            })
            .collect();
        let mut rows: Rows<'a> = Vec::new();
        let mut row_w = 0.0;
        for item in shapes {
            let add = if rows.last().is_some_and(|r| !r.is_empty()) {
                DOMAIN_GAP + item.1.w
            } else {
                item.1.w
            };
            match rows.last_mut() {
                Some(row) if row_w + add <= inner_w => {
                    row.push(item);
                    row_w += add;
                }
                _ => {
                    row_w = item.1.w;
                    rows.push(vec![item]);
                }
            }
        }
        let height: f64 = rows
            .iter()
            .map(|r| r.iter().map(|(_, s)| s.h).fold(0.0, f64::max))
            .sum::<f64>()
            + DOMAIN_GAP * (rows.len() as f64 - 1.0);
        // Penalise overflowing rows so a fitting arrangement always wins.
        let overflow = rows
            .iter()
            .map(|r| r.iter().map(|(_, s)| s.w).sum::<f64>() + DOMAIN_GAP * (r.len() as f64 - 1.0))
            .any(|w| w > inner_w + 0.5);
        let score = height + if overflow { 1e6 } else { 0.0 };
        if best.as_ref().is_none_or(|(b, _)| score < *b - 0.5) {
            best = Some((score, rows));
        }
    }
    best.map(|(_, rows)| rows).unwrap_or_default()
}

/// Puts a domain's nodes in a grid inside `rect`: the first row takes the
/// remainder (so the last row is full and holds the failover endpoints), and
/// every row is centred.
fn place_nodes(
    topology: &Topology,
    spec: &DomainSpec,
    shape: &Shape,
    rect: Rect,
    node_w: f64,
    nodes: &mut [Option<NodeBox>],
) {
    let n = spec.members.len();
    let first_row = n - (shape.rows - 1) * shape.cols;
    let mut idx = 0;
    // A hub domain in two columns puts its hub alone on top (see `DomainSpec::hub`).
    let order: Vec<usize> = match spec.hub {
        Some(h) if shape.rows == 2 && first_row == 1 => {
            let mut o = vec![h];
            o.extend(spec.members.iter().copied().filter(|&c| c != h));
            o
        }
        _ => spec.members.clone(),
    };
    for row in 0..shape.rows {
        let in_row = if row == 0 { first_row } else { shape.cols };
        let row_w = in_row as f64 * node_w + (in_row as f64 - 1.0) * NODE_GAP_X;
        let x0 = (rect.x + (rect.w - row_w) / 2.0).floor();
        let y = rect.y + DOMAIN_HEADER + row as f64 * (NODE_H + NODE_GAP_Y);
        for col in 0..in_row {
            let c = order[idx];
            idx += 1;
            let comp = &topology.components[c];
            let text_w = node_w - 2.0 * NODE_TEXT_PAD;
            let name = fit_text(
                &comp.name,
                NAME_FONT_PX,
                true,
                text_w - if comp.added { ADDED_BADGE_W } else { 0.0 },
            );
            let fact = comp
                .facts
                .iter()
                .find(|f| text_width(f, SMALL_FONT_PX, false) <= text_w)
                .cloned()
                .unwrap_or_else(|| {
                    comp.facts
                        .first()
                        .map(|f| fit_text(f, SMALL_FONT_PX, false, text_w))
                        .unwrap_or_default()
                });
            nodes[c] = Some(NodeBox {
                component: c,
                domain: spec.index,
                rect: Rect {
                    x: x0 + col as f64 * (node_w + NODE_GAP_X),
                    y,
                    w: node_w,
                    h: NODE_H,
                },
                name,
                fact,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_core::{Component, FailoverEdge};

    fn bundled() -> Topology {
        Topology::bundled().expect("bundled topology loads")
    }

    /// The bundled map made harder: a long-named added component in the
    /// busiest domain, a lone component in a new-looking corner, and a
    /// failover that crosses three planes.
    fn stressed() -> Topology {
        let mut t = bundled();
        let busiest = (0..t.domains.len())
            .max_by_key(|&d| t.components_in_domain(d).len())
            .unwrap();
        let plane = t.domains[busiest].plane;
        t.components.push(Component {
            id: "Stress_Extra".into(),
            name: "An Unusually Long Component Name".into(),
            domain: busiest,
            plane,
            facts: vec!["A fact line that is far too long to fit in any node at all".into()],
            blast_radius: "Everyone".into(),
            added: true,
            source: "test".into(),
        });
        let extra = t.components.len() - 1;
        let first = 0;
        t.failovers.push(FailoverEdge {
            from: first,
            to: extra,
            label: vec!["A label line".into(), "Another".into()],
            added: true,
            source: "test".into(),
        });
        t
    }

    /// Checks every geometric promise the page makes, at one width.
    fn assert_clean(t: &Topology, width: f64) {
        let l = layout(t, width);
        assert_eq!(l.nodes.len(), t.components.len());
        assert!(l.width >= width.max(MIN_WIDTH).floor());
        for (i, a) in l.nodes.iter().enumerate() {
            assert_eq!(a.component, i);
            assert!(a.rect.w > 0.0, "{} has no place", t.components[i].id);
            for b in &l.nodes[i + 1..] {
                assert!(
                    !a.rect.overlaps(&b.rect),
                    "at width {width}: {} overlaps {}",
                    t.components[a.component].id,
                    t.components[b.component].id
                );
            }
            let dbox = l
                .domains
                .iter()
                .find(|d| d.domain == a.domain)
                .expect("domain drawn");
            assert!(
                dbox.rect.contains(&a.rect),
                "at width {width}: {} outside its domain",
                t.components[i].id
            );
            assert!(
                text_width(&a.name, NAME_FONT_PX, true) <= a.rect.w - 2.0 * NODE_TEXT_PAD,
                "name {} too wide",
                a.name
            );
            assert!(
                text_width(&a.fact, SMALL_FONT_PX, false) <= a.rect.w - 2.0 * NODE_TEXT_PAD,
                "fact {} too wide",
                a.fact
            );
        }
        for (i, d) in l.domains.iter().enumerate() {
            let band = l
                .planes
                .iter()
                .find(|p| p.plane == d.plane)
                .expect("plane drawn");
            assert!(
                band.rect.contains(&d.rect),
                "at width {width}: domain {} outside its plane",
                d.title
            );
            assert!(
                !band.title_strip.overlaps(&d.rect),
                "domain {} covers the plane title",
                d.title
            );
            assert!(
                text_width(&d.title, DOMAIN_FONT_PX, true) <= d.rect.w - 2.0 * DOMAIN_PAD,
                "domain title {} too long",
                d.title
            );
            for e in &l.domains[i + 1..] {
                assert!(
                    !d.rect.overlaps(&e.rect),
                    "domains {} and {} overlap",
                    d.title,
                    e.title
                );
            }
        }
        for (i, p) in l.planes.iter().enumerate() {
            assert!(p.rect.x >= 0.0 && p.rect.right() <= l.width && p.rect.bottom() <= l.height);
            assert!(
                text_width(&p.title, PLANE_FONT_PX, true) <= p.rect.h,
                "plane title {} too long",
                p.title
            );
            for q in &l.planes[i + 1..] {
                assert!(!p.rect.overlaps(&q.rect));
            }
        }
        assert_eq!(l.failovers.len(), t.failovers.len());
        for (i, f) in l.failovers.iter().enumerate() {
            let lab = f.label.as_ref().expect("every failover has a label");
            for n in &l.nodes {
                assert!(
                    !lab.rect.overlaps(&n.rect),
                    "at width {width}: label {:?} covers {}",
                    lab.lines,
                    t.components[n.component].id
                );
            }
            for other in &l.failovers[i + 1..] {
                let o = other.label.as_ref().unwrap();
                assert!(
                    !lab.rect.overlaps(&o.rect),
                    "labels {:?} and {:?} overlap",
                    lab.lines,
                    o.lines
                );
            }
            let dbox = l
                .domains
                .iter()
                .find(|d| d.domain == l.nodes[f.from].domain)
                .unwrap();
            assert!(
                dbox.rect.contains(&lab.rect),
                "label {:?} leaves its domain",
                lab.lines
            );
        }
        assert_eq!(l.dependencies.len(), t.dependencies.len());
        for e in l.dependencies.iter().chain(&l.failovers) {
            assert!(
                e.path.starts_with('M') && !e.path.contains("NaN") && !e.path.contains("inf"),
                "bad path {}",
                e.path
            );
        }
    }

    const WIDTHS: [f64; 9] = [
        400.0, 560.0, 720.0, 880.0, 1000.0, 1280.0, 1520.0, 1920.0, 2560.0,
    ];

    #[test]
    fn bundled_layout_is_clean_at_common_widths() {
        let t = bundled();
        for w in WIDTHS {
            assert_clean(&t, w);
        }
    }

    #[test]
    fn stressed_layout_is_clean_at_common_widths() {
        let t = stressed();
        for w in WIDTHS {
            assert_clean(&t, w);
        }
    }

    #[test]
    fn layout_is_deterministic() {
        let t = bundled();
        assert_eq!(layout(&t, 1000.0), layout(&t, 1000.0));
    }

    #[test]
    fn wider_screens_give_lower_diagrams() {
        let t = bundled();
        assert!(layout(&t, 1900.0).height <= layout(&t, 900.0).height);
    }

    #[test]
    fn every_plane_is_drawn_in_seed_order() {
        let l = layout(&bundled(), 1200.0);
        let order: Vec<PlaneId> = l.planes.iter().map(|p| p.plane).collect();
        assert_eq!(order, PlaneId::ALL.to_vec());
        for w in l.planes.windows(2) {
            assert!(w[0].rect.bottom() <= w[1].rect.y);
        }
    }

    /// The x of a path's first and last points.
    fn ends(path: &str) -> (f64, f64) {
        let nums: Vec<f64> = path
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter_map(|p| p.parse().ok())
            .collect();
        (nums[0], nums[nums.len() - 2])
    }

    #[test]
    fn failovers_inside_a_domain_never_run_under_another_node() {
        let t = bundled();
        for w in WIDTHS {
            let l = layout(&t, w);
            for (f, r) in t.failovers.iter().zip(&l.failovers) {
                let (a, b) = (&l.nodes[f.from], &l.nodes[f.to]);
                if a.domain != b.domain {
                    continue;
                }
                let lane_y = r.label.as_ref().unwrap().rect.cy();
                let (sx, tx) = ends(&r.path);
                for (x, end) in [(sx, a), (tx, b)] {
                    assert!(
                        x > end.rect.x && x < end.rect.right(),
                        "drop leaves its node"
                    );
                    for n in &l.nodes {
                        let crosses = x > n.rect.x - 1.0
                            && x < n.rect.right() + 1.0
                            && n.rect.y > end.rect.bottom()
                            && n.rect.y < lane_y;
                        assert!(
                            !crosses,
                            "at {w}: failover {} -> {} runs under {}",
                            t.components[f.from].id,
                            t.components[f.to].id,
                            t.components[n.component].id
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn long_text_is_shortened_with_an_ellipsis() {
        let s = fit_text("A very long component name indeed", 12.0, true, 100.0);
        assert!(s.ends_with('…'));
        assert!(text_width(&s, 12.0, true) <= 100.0);
        assert_eq!(fit_text("Short", 12.0, true, 100.0), "Short");
    }
}
