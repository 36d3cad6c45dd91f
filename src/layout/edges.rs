//! Edge routing: failover edges through their source domain's lanes,
//! dependency edges as smooth curves between node borders.

use super::*;

/// Formats a number for SVG path data (one decimal, no trailing ".0").
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Routes failover edges through their source domain's lanes.
///
/// Lane `k` of a domain holds its `k`-th failover. An edge leaves its source's
/// bottom, runs along the lane and climbs into the target's bottom (same
/// domain) or curves to the target's nearer border (another domain). The
/// label sits on the lane's run, moved sideways where another failover of the
/// domain drops through the lane, so a label never hides another edge's drop.
pub(super) fn route_failovers(
    topology: &Topology,
    nodes: &[NodeBox],
    domains: &[DomainBox],
    specs: &[DomainSpec],
) -> Vec<EdgeRoute> {
    let mut next_lane: Vec<usize> = vec![0; topology.domains.len()];
    // (source x, target x) of every failover, computed first so labels can avoid other drops.
    let mut plans = Vec::new();
    for f in &topology.failovers {
        let src = &nodes[f.from];
        let dst = &nodes[f.to];
        let d = src.domain;
        let lane = next_lane[d];
        next_lane[d] += 1;
        let same = dst.domain == d;
        let dir = if !same || dst.rect.cx() >= src.rect.cx() {
            1.0
        } else {
            -1.0
        };
        // Ends drop straight down to the lane. An end sitting above its
        // partner (a hub) drops through the gap under it, so stays near its centre.
        let offset = |upper: bool| {
            if upper {
                2.0 + 3.0 * lane as f64
            } else {
                6.0 + 8.0 * lane as f64
            }
        };
        let sx = src.rect.cx() + dir * offset(same && src.rect.y < dst.rect.y);
        let tx = if same {
            dst.rect.cx() - dir * offset(dst.rect.y < src.rect.y)
        } else {
            sx
        };
        plans.push((d, lane, same, dir, sx, tx));
    }
    topology
        .failovers
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (d, lane, same, dir, sx, tx) = plans[i];
            let src = &nodes[f.from];
            let dst = &nodes[f.to];
            let dbox = domains
                .iter()
                .find(|b| b.domain == d)
                .map(|b| b.rect)
                .unwrap_or(src.rect);
            let lanes = specs
                .iter()
                .find(|s| s.index == d)
                .map_or(1, |s| s.lanes.max(1));
            let lanes_top = dbox.bottom() - DOMAIN_PAD - lanes as f64 * LANE_H;
            let lane_y = lanes_top + lane as f64 * LANE_H + LANE_H / 2.0;

            let lines: Vec<String> = f
                .label
                .iter()
                .map(|l| fit_text(l, SMALL_FONT_PX, false, dbox.w - 24.0))
                .collect();
            let label_w = lines
                .iter()
                .map(|l| text_width(l, SMALL_FONT_PX, false))
                .fold(0.0, f64::max)
                .ceil()
                + 10.0;
            let label_h = lines.len().max(1) as f64 * LABEL_LINE_PX + 4.0;
            // Drops of the domain's other failovers that cross this lane (those in deeper lanes).
            let drops: Vec<f64> = plans
                .iter()
                .enumerate()
                .filter(|(j, p)| *j != i && p.0 == d && p.1 > lane)
                .flat_map(|(_, p)| if p.2 { vec![p.4, p.5] } else { vec![p.4] })
                .collect();
            let lo_bound = dbox.x + 4.0;
            let hi_bound = dbox.right() - 4.0;
            let clamp = |c: f64| c.clamp(lo_bound + label_w / 2.0, hi_bound - label_w / 2.0);
            let clear = |c: f64| drops.iter().all(|&x| (x - c).abs() > label_w / 2.0 + 4.0);
            let (a, b) = if same {
                (sx.min(tx), sx.max(tx))
            } else {
                (sx - label_w, sx + label_w)
            };
            let mut cuts: Vec<f64> = vec![a];
            cuts.extend(drops.iter().copied().filter(|&x| x > a && x < b));
            cuts.push(b);
            cuts.sort_by(f64::total_cmp);
            let mid = clamp((a + b) / 2.0);
            let mut candidates = vec![mid];
            candidates.extend(cuts.windows(2).map(|w| clamp((w[0] + w[1]) / 2.0)));
            // Or just beside a drop, whichever clear spot is nearest the middle.
            candidates.extend(drops.iter().flat_map(|&x| {
                [
                    clamp(x - label_w / 2.0 - 6.0),
                    clamp(x + label_w / 2.0 + 6.0),
                ]
            }));
            let center = candidates
                .iter()
                .copied()
                .filter(|&c| clear(c))
                .min_by(|p, q| (p - mid).abs().total_cmp(&(q - mid).abs()))
                .unwrap_or(mid);
            let label = LabelBox {
                rect: Rect {
                    x: center - label_w / 2.0,
                    y: lane_y - label_h / 2.0,
                    w: label_w,
                    h: label_h,
                },
                lines,
            };

            let sy = src.rect.bottom();
            let path = if same {
                let ty = dst.rect.bottom() + 2.0;
                let r = 8.0_f64.min((tx - sx).abs() / 2.0);
                format!(
                    "M{} {} L{} {} Q{} {} {} {} L{} {} Q{} {} {} {} L{} {}",
                    num(sx),
                    num(sy),
                    num(sx),
                    num(lane_y - r),
                    num(sx),
                    num(lane_y),
                    num(sx + dir * r),
                    num(lane_y),
                    num(tx - dir * r),
                    num(lane_y),
                    num(tx),
                    num(lane_y),
                    num(tx),
                    num(lane_y - r),
                    num(tx),
                    num(ty)
                )
            } else {
                // Down into the lane, then a smooth curve to the target's nearer border.
                let (ex, ey) = border_point(&dst.rect, sx, lane_y);
                let bend = ((ey - lane_y).abs() * 0.5).clamp(30.0, 160.0);
                let c2y = if ey > lane_y { ey - bend } else { ey + bend };
                format!(
                    "M{} {} L{} {} C{} {} {} {} {} {}",
                    num(sx),
                    num(sy),
                    num(sx),
                    num(lane_y),
                    num(sx + (ex - sx).signum() * bend.min((ex - sx).abs() / 2.0)),
                    num(lane_y),
                    num(ex),
                    num(c2y),
                    num(ex),
                    num(ey)
                )
            };
            EdgeRoute {
                edge: i,
                from: f.from,
                to: f.to,
                path,
                label: Some(label),
            }
        })
        .collect()
}

/// Where an edge coming from (`x`, `y`) should meet `rect`: the top or bottom
/// middle when the rect is above or below, else the nearer side.
fn border_point(rect: &Rect, x: f64, y: f64) -> (f64, f64) {
    if y < rect.y {
        (rect.cx(), rect.y - 2.0)
    } else if y > rect.bottom() {
        (rect.cx(), rect.bottom() + 2.0)
    } else if x < rect.cx() {
        (rect.x - 2.0, rect.cy())
    } else {
        (rect.right() + 2.0, rect.cy())
    }
}

/// Which side of a node an edge leaves or enters by.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

/// Routes dependency edges as cubic curves between node borders. Edges that
/// share a side of a node are spread along it, ordered by where their other
/// end lies, so they fan out instead of meeting in one point.
pub(super) fn route_dependencies(topology: &Topology, nodes: &[NodeBox]) -> Vec<EdgeRoute> {
    let sides: Vec<(Side, Side)> = topology
        .dependencies
        .iter()
        .map(|e| {
            let a = &nodes[e.from].rect;
            let b = &nodes[e.to].rect;
            if b.y >= a.bottom() {
                (Side::Bottom, Side::Top)
            } else if b.bottom() <= a.y {
                (Side::Top, Side::Bottom)
            } else if b.cx() >= a.cx() {
                (Side::Right, Side::Left)
            } else {
                (Side::Left, Side::Right)
            }
        })
        .collect();
    // For each (node, side), the edges touching it with the other end's position.
    let mut slots: Vec<Vec<(usize, bool, f64)>> = vec![Vec::new(); nodes.len() * 4];
    let side_ix = |s: Side| match s {
        Side::Top => 0,
        Side::Bottom => 1,
        Side::Left => 2,
        Side::Right => 3,
    };
    for (i, e) in topology.dependencies.iter().enumerate() {
        let (sa, sb) = sides[i];
        let key = |s: Side, other: &Rect| {
            if matches!(s, Side::Top | Side::Bottom) {
                other.cx()
            } else {
                other.cy()
            }
        };
        slots[e.from * 4 + side_ix(sa)].push((i, true, key(sa, &nodes[e.to].rect)));
        slots[e.to * 4 + side_ix(sb)].push((i, false, key(sb, &nodes[e.from].rect)));
    }
    let mut anchor: Vec<[(f64, f64); 2]> = vec![[(0.0, 0.0); 2]; topology.dependencies.len()];
    for (k, list) in slots.iter_mut().enumerate() {
        if list.is_empty() {
            continue;
        }
        list.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)));
        let rect = &nodes[k / 4].rect;
        let side = [Side::Top, Side::Bottom, Side::Left, Side::Right][k % 4];
        let n = list.len() as f64;
        for (j, (edge, is_from, _)) in list.iter().enumerate() {
            let t = (j as f64 + 1.0) / (n + 1.0);
            let p = match side {
                Side::Top => (rect.x + rect.w * (0.2 + 0.6 * t), rect.y),
                Side::Bottom => (rect.x + rect.w * (0.2 + 0.6 * t), rect.bottom()),
                Side::Left => (rect.x, rect.y + rect.h * t),
                Side::Right => (rect.right(), rect.y + rect.h * t),
            };
            anchor[*edge][if *is_from { 0 } else { 1 }] = p;
        }
    }
    topology
        .dependencies
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (sa, sb) = sides[i];
            let (x1, y1) = anchor[i][0];
            let (mut x2, mut y2) = anchor[i][1];
            // Stop just short of the border so the arrowhead stays visible.
            match sb {
                Side::Top => y2 -= 2.0,
                Side::Bottom => y2 += 2.0,
                Side::Left => x2 -= 2.0,
                Side::Right => x2 += 2.0,
            }
            let bend = ((y2 - y1).abs().max((x2 - x1).abs()) * 0.4).clamp(20.0, 120.0);
            let (c1, c2) = match sa {
                Side::Bottom => ((x1, y1 + bend), (x2, y2 - bend)),
                Side::Top => ((x1, y1 - bend), (x2, y2 + bend)),
                Side::Right => ((x1 + bend, y1), (x2 - bend, y2)),
                Side::Left => ((x1 - bend, y1), (x2 + bend, y2)),
            };
            let path = format!(
                "M{} {} C{} {} {} {} {} {}",
                num(x1),
                num(y1),
                num(c1.0),
                num(c1.1),
                num(c2.0),
                num(c2.1),
                num(x2),
                num(y2)
            );
            EdgeRoute {
                edge: i,
                from: e.from,
                to: e.to,
                path,
                label: None,
            }
        })
        .collect()
}
