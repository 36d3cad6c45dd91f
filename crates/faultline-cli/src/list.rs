//! `faultline list [FILE] [--json]`: show what a topology contains.
//!
//! Without a file it lists the bundled topology: planes, their failure
//! domains and components (with each component's blast radius), then the
//! user regions and the edge counts. Additions that are not in the seed's map
//! are marked `+`. `--json` prints the validated topology as JSON instead.

use std::process::ExitCode;

use faultline_core::{parse_topology, Topology, BUNDLED_TOPOLOGY_NAME};

use crate::input;

/// Usage line shown by `faultline help`.
pub const USAGE: &str = "faultline list [FILE] [--json]\n        \
    Show the planes, domains, components and regions of a topology (default: the bundled one).";

/// Lists a topology; exit 1 if it does not load.
pub fn run(args: &[String]) -> ExitCode {
    let mut json = false;
    let mut file: Option<&str> = None;
    for a in args {
        match a.as_str() {
            "--json" => json = true,
            _ if a.starts_with('-') || file.is_some() => {
                eprintln!("usage: {USAGE}");
                return ExitCode::from(crate::USAGE_ERROR);
            }
            _ => file = Some(a),
        }
    }
    let name = file.unwrap_or(BUNDLED_TOPOLOGY_NAME);
    let text = match input::read(name) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let topology = match parse_topology(&text, name) {
        Ok(t) => t,
        Err(errors) => {
            for e in errors {
                eprintln!("{e}");
            }
            return ExitCode::FAILURE;
        }
    };
    if json {
        match serde_json::to_string_pretty(&topology) {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                eprintln!("{name}: cannot write JSON: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        out!("{}", render(&topology));
    }
    ExitCode::SUCCESS
}

/// The plain-text listing of a topology.
pub fn render(t: &Topology) -> String {
    let mut s = format!("{}\n  source: {}\n", t.name, t.source);
    let width = t.components.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for plane in &t.planes {
        s += &format!(
            "\n{} ({}, {})\n",
            plane.title,
            plane.id.as_str(),
            plane.color
        );
        for d in t.domains_in_plane(plane.id) {
            let domain = &t.domains[d];
            let mark = if domain.added { "+ " } else { "" };
            s += &format!("  {mark}{} - {}\n", domain.id, domain.title);
            for c in t.components_in_domain(d) {
                let c = &t.components[c];
                let mark = if c.added { "+" } else { " " };
                s += &format!(
                    "    {mark}{:<width$}  {} (blast radius: {})\n",
                    c.id, c.name, c.blast_radius
                );
            }
        }
    }
    if !t.regions.is_empty() {
        s += "\nRegions\n";
        for r in &t.regions {
            s += &format!(
                "  {:<5} {:>5.1}%  edge {}, voice {}  ({})\n",
                r.id,
                r.share * 100.0,
                t.components[r.edge].id,
                t.components[r.voice_edge].id,
                r.name
            );
        }
    }
    let added = t.components.iter().filter(|c| c.added).count();
    s += &format!(
        "\n{} components ({} from the seed, {} added, marked +), {} domains, {} dependency edges, {} failover edges\n",
        t.components.len(),
        t.components.len() - added,
        added,
        t.domains.len(),
        t.dependencies.len(),
        t.failovers.len()
    );
    s
}
