//! The dependency graph's order: a deterministic topological order of the
//! components, or the cycles that prevent one (each named so a file's author
//! can break it).

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::model::DependencyEdge;

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
