//! Tests of the topology: the bundled map against the seed, and the loader's
//! error reports on broken files (`tests/fixtures/topology/*.toml`).

use std::collections::BTreeSet;

use faultline_core::topology::{RawTopology, SHARE_TOLERANCE};
use faultline_core::{
    parse_topology, validate_raw, DependencyKind, PlaneId, SourceError, Topology,
};
use proptest::prelude::*;
use serde::Deserialize;

/// The seed's 13 failure domains: mermaid subgraph id, title, plane.
const SEED_DOMAINS: [(&str, &str, PlaneId); 13] = [
    ("GlobalEdgeDomain", "Global Edge Domain", PlaneId::Edge),
    ("VoiceEdgeDomain", "Voice Edge Domain", PlaneId::Edge),
    (
        "GatewayDomain",
        "Gateway Domain - Connection Boundary",
        PlaneId::Service,
    ),
    (
        "MessageDomain",
        "Message Processing Domain",
        PlaneId::Service,
    ),
    ("VoiceDomain", "Voice Service Domain", PlaneId::Service),
    (
        "DatabaseDomain",
        "Database Domain - Consistency Boundary",
        PlaneId::State,
    ),
    (
        "CacheDomain",
        "Cache Domain - Performance Buffer",
        PlaneId::State,
    ),
    ("SearchDomain", "Search Domain - Isolated", PlaneId::State),
    ("MonitoringDomain", "Monitoring Domain", PlaneId::Control),
    ("ConfigDomain", "Configuration Domain", PlaneId::Control),
    ("DeploymentDomain", "Deployment Domain", PlaneId::Control),
    ("CDNDomain", "CDN Provider Domain", PlaneId::External),
    (
        "CloudProviderDomain",
        "Cloud Provider Domain",
        PlaneId::External,
    ),
];

/// The seed's 33 components in the seed's order: mermaid id, domain.
const SEED_COMPONENTS: [(&str, &str); 33] = [
    ("CloudFlare_US", "GlobalEdgeDomain"),
    ("CloudFlare_EU", "GlobalEdgeDomain"),
    ("CloudFlare_APAC", "GlobalEdgeDomain"),
    ("VoiceEdge_US", "VoiceEdgeDomain"),
    ("VoiceEdge_EU", "VoiceEdgeDomain"),
    ("VoiceEdge_Global", "VoiceEdgeDomain"),
    ("Gateway_Primary", "GatewayDomain"),
    ("Gateway_Secondary", "GatewayDomain"),
    ("Gateway_EU", "GatewayDomain"),
    ("MessageRouter_Primary", "MessageDomain"),
    ("MessageRouter_Large", "MessageDomain"),
    ("MessageRouter_Backup", "MessageDomain"),
    ("VoiceService_US", "VoiceDomain"),
    ("VoiceService_EU", "VoiceDomain"),
    ("VoiceService_Backup", "VoiceDomain"),
    ("ScyllaDB_Primary", "DatabaseDomain"),
    ("ScyllaDB_Secondary", "DatabaseDomain"),
    ("ScyllaDB_EU", "DatabaseDomain"),
    ("Redis_Sessions", "CacheDomain"),
    ("Redis_Messages", "CacheDomain"),
    ("Memcached_Guilds", "CacheDomain"),
    ("Elasticsearch_Primary", "SearchDomain"),
    ("Elasticsearch_Backup", "SearchDomain"),
    ("Monitoring_Primary", "MonitoringDomain"),
    ("Monitoring_Backup", "MonitoringDomain"),
    ("ConfigService", "ConfigDomain"),
    ("EmergencyConfig", "ConfigDomain"),
    ("K8s_Primary", "DeploymentDomain"),
    ("K8s_Secondary", "DeploymentDomain"),
    ("CloudFlare_Global", "CDNDomain"),
    ("GCP_CDN", "CDNDomain"),
    ("GCP_Primary", "CloudProviderDomain"),
    ("AWS_Secondary", "CloudProviderDomain"),
];

/// The seed's 11 failover arrows: from, to, label lines.
const SEED_FAILOVERS: [(&str, &str, [&str; 2]); 11] = [
    (
        "CloudFlare_US",
        "CloudFlare_EU",
        ["Regional failure", "Auto-failover"],
    ),
    (
        "Gateway_Primary",
        "Gateway_Secondary",
        ["Connection failure", "WebSocket migration"],
    ),
    (
        "MessageRouter_Primary",
        "MessageRouter_Large",
        ["Shard failure", "Load rebalancing"],
    ),
    (
        "VoiceService_US",
        "VoiceService_Backup",
        ["Service degradation", "Quality reduction"],
    ),
    (
        "ScyllaDB_Primary",
        "ScyllaDB_Secondary",
        ["Cluster failure", "Read-only mode"],
    ),
    (
        "Redis_Sessions",
        "ScyllaDB_Primary",
        ["Cache failure", "Database fallback"],
    ),
    (
        "Elasticsearch_Primary",
        "Elasticsearch_Backup",
        ["Search failure", "Degraded search"],
    ),
    (
        "CloudFlare_Global",
        "Gateway_Primary",
        ["CDN failure", "Direct connection"],
    ),
    (
        "GCP_Primary",
        "AWS_Secondary",
        ["Cloud failure", "Multi-cloud failover"],
    ),
    (
        "EmergencyConfig",
        "ConfigService",
        ["Emergency shutdown", "Circuit breakers"],
    ),
    (
        "Monitoring_Primary",
        "Monitoring_Backup",
        ["Alert failure", "Backup monitoring"],
    ),
];

fn bundled() -> Topology {
    match Topology::bundled() {
        Ok(t) => t,
        Err(errors) => {
            let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!("bundled topology does not load:\n{}", text.join("\n"));
        }
    }
}

fn id(t: &Topology, i: usize) -> &str {
    &t.components[i].id
}

// ---------------------------------------------------------------------------
// The bundled map
// ---------------------------------------------------------------------------

#[test]
fn bundled_topology_loads() {
    let t = bundled();
    assert_eq!(t.name, "Chat platform failure domains");
    assert!(t.source.contains("000_3fd6923ca8319bdd"));
}

#[test]
fn planes_have_the_seed_titles_and_colours() {
    let t = bundled();
    let got: Vec<(PlaneId, &str, &str)> = t
        .planes
        .iter()
        .map(|p| (p.id, p.title.as_str(), p.color.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (PlaneId::Edge, "Edge Plane", "#0066CC"),
            (PlaneId::Service, "Service Plane", "#00AA00"),
            (PlaneId::State, "State Plane", "#FF8800"),
            (PlaneId::Control, "Control Plane", "#CC0000"),
            (
                PlaneId::External,
                "External Dependencies - Third-Party Risk",
                "#f9f9f9"
            ),
        ]
    );
    assert_eq!(t.plane(PlaneId::Edge).unwrap().stroke, "#004499");
    assert_eq!(t.plane(PlaneId::External).unwrap().text_color, "#333");
}

#[test]
fn exactly_the_seed_domains_plus_flagged_additions() {
    let t = bundled();
    let seed: Vec<(&str, &str, PlaneId)> = t
        .domains
        .iter()
        .filter(|d| !d.added)
        .map(|d| (d.id.as_str(), d.title.as_str(), d.plane))
        .collect();
    assert_eq!(seed, SEED_DOMAINS.to_vec());
    let added: Vec<&str> = t
        .domains
        .iter()
        .filter(|d| d.added)
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(added, ["APIDomain", "RealtimeDomain", "RelationalDomain"]);
    for d in t.domains.iter().filter(|d| d.added) {
        assert!(
            d.source.contains("seed 00"),
            "domain {} needs a seed source",
            d.id
        );
    }
}

#[test]
fn exactly_the_33_seed_components_in_seed_order_and_domain() {
    let t = bundled();
    let seed: Vec<(&str, &str)> = t
        .components
        .iter()
        .filter(|c| !c.added)
        .map(|c| (c.id.as_str(), t.domains[c.domain].id.as_str()))
        .collect();
    assert_eq!(seed, SEED_COMPONENTS.to_vec());
    // Seed components come first in the file, additions after.
    assert!(t.components[..33].iter().all(|c| !c.added));
    for c in &t.components {
        assert_eq!(c.plane, t.domains[c.domain].plane, "{} plane", c.id);
        assert_eq!(
            c.added, t.domains[c.domain].added,
            "{} sits in a domain of its own kind",
            c.id
        );
    }
}

#[test]
fn labels_are_split_into_name_facts_and_blast_radius() {
    let t = bundled();
    let r = t.component("Redis_Sessions").unwrap();
    assert_eq!(r.name, "Redis Sessions");
    assert_eq!(
        r.facts,
        ["User session cache", "200M+ sessions", "15-min TTL"]
    );
    assert_eq!(r.blast_radius, "Re-authentication");
    let g = t.component("Gateway_Primary").unwrap();
    assert_eq!(
        g.facts,
        ["100M+ connections", "us-east-1 cluster", "Elixir/Phoenix"]
    );
    assert_eq!(g.blast_radius, "50% users");
    for c in &t.components {
        assert!(!c.name.is_empty() && !c.blast_radius.is_empty(), "{}", c.id);
        for f in &c.facts {
            assert!(
                !f.contains('━') && !f.starts_with("Blast radius"),
                "{}: {f}",
                c.id
            );
        }
        if !c.added {
            assert_eq!(
                c.facts.len(),
                3,
                "seed labels have three fact lines: {}",
                c.id
            );
        }
    }
}

#[test]
fn additions_needed_by_later_scenarios_are_present_and_sourced() {
    let t = bundled();
    let want = [
        ("API_Gateway", "seed 001"),
        ("API_RateLimiter", "seed 001"),
        ("File_Upload_Service", "seed 001"),
        ("Sessions_Service", "seed 004"),
        ("Presence_Service", "seed 004"),
        ("Guilds_Service", "seed 003"),
        ("Push_Service", "seed 003"),
        ("PostgreSQL_Main", "seed 001"),
    ];
    for (cid, src) in want {
        let c = t.component(cid).unwrap_or_else(|| panic!("missing {cid}"));
        assert!(c.added, "{cid} is an addition");
        assert!(
            c.source.contains(src),
            "{cid} source {:?} should name {src}",
            c.source
        );
    }
    assert_eq!(t.components.iter().filter(|c| c.added).count(), want.len());
    assert!(t
        .component("API_Gateway")
        .unwrap()
        .facts
        .contains(&"5K req/min limit".to_string()));
}

#[test]
fn all_11_seed_failover_edges_with_endpoints_and_labels() {
    let t = bundled();
    let seed: Vec<(&str, &str, Vec<&str>)> = t
        .failovers
        .iter()
        .filter(|f| !f.added)
        .map(|f| {
            (
                id(&t, f.from),
                id(&t, f.to),
                f.label.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let want: Vec<(&str, &str, Vec<&str>)> = SEED_FAILOVERS
        .iter()
        .map(|(a, b, l)| (*a, *b, l.to_vec()))
        .collect();
    assert_eq!(seed, want);
    for f in t.failovers.iter().filter(|f| f.added) {
        assert!(
            f.source.contains("seed 000"),
            "added failover needs a source"
        );
    }
}

#[test]
fn every_component_is_connected_in_the_dependency_graph() {
    let t = bundled();
    let n = t.components.len();
    // Weak connectivity: a walk ignoring direction from component 0 reaches all.
    let mut seen = vec![false; n];
    let mut stack = vec![0];
    seen[0] = true;
    while let Some(i) = stack.pop() {
        for e in &t.dependencies {
            for (a, b) in [(e.from, e.to), (e.to, e.from)] {
                if a == i && !seen[b] {
                    seen[b] = true;
                    stack.push(b);
                }
            }
        }
    }
    let missing: Vec<&str> = (0..n).filter(|&i| !seen[i]).map(|i| id(&t, i)).collect();
    assert!(missing.is_empty(), "not connected: {missing:?}");
    for e in &t.dependencies {
        assert!(!e.why.trim().is_empty());
    }
}

#[test]
fn requests_from_every_region_reach_a_gateway_and_storage() {
    let t = bundled();
    let reach = |from: usize| -> BTreeSet<&str> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(i) = stack.pop() {
            for e in t
                .dependencies_of_kind(DependencyKind::Call)
                .filter(|e| e.from == i)
            {
                if seen.insert(id(&t, e.to)) {
                    stack.push(e.to);
                }
            }
        }
        seen
    };
    for r in &t.regions {
        let text = reach(r.edge);
        assert!(
            text.iter().any(|c| c.starts_with("Gateway_")),
            "{} reaches no gateway",
            r.id
        );
        assert!(
            text.contains("ScyllaDB_Primary"),
            "{} reaches no message store",
            r.id
        );
        assert!(
            text.contains("Elasticsearch_Primary"),
            "{} has no search path",
            r.id
        );
        let voice = reach(r.voice_edge);
        assert!(
            voice.iter().any(|c| c.starts_with("VoiceService_")),
            "{} has no voice",
            r.id
        );
    }
}

#[test]
fn topological_order_puts_every_edge_forward() {
    let t = bundled();
    let order = t.topological_order();
    let mut pos = vec![usize::MAX; t.components.len()];
    for (k, &i) in order.iter().enumerate() {
        pos[i] = k;
    }
    assert!(
        pos.iter().all(|&p| p != usize::MAX),
        "order is a permutation"
    );
    assert_eq!(order.len(), t.components.len());
    for e in &t.dependencies {
        assert!(
            pos[e.from] < pos[e.to],
            "{} -> {}",
            id(&t, e.from),
            id(&t, e.to)
        );
    }
    assert_eq!(order, bundled().topological_order(), "deterministic");
}

#[test]
fn all_three_edge_kinds_are_used_the_way_the_brief_says() {
    let t = bundled();
    let has = |a: &str, b: &str, k: DependencyKind| {
        t.dependencies
            .iter()
            .any(|e| id(&t, e.from) == a && id(&t, e.to) == b && e.kind == k)
    };
    assert!(has(
        "CloudFlare_US",
        "Gateway_Primary",
        DependencyKind::Call
    ));
    assert!(has(
        "Gateway_Primary",
        "MessageRouter_Primary",
        DependencyKind::Call
    ));
    assert!(has(
        "MessageRouter_Large",
        "Redis_Messages",
        DependencyKind::Call
    ));
    assert!(has("VoiceEdge_US", "VoiceService_US", DependencyKind::Call));
    assert!(has(
        "Sessions_Service",
        "Presence_Service",
        DependencyKind::Call
    ));
    assert!(has("API_Gateway", "API_RateLimiter", DependencyKind::Call));
    assert!(has(
        "Monitoring_Primary",
        "Gateway_Primary",
        DependencyKind::Control
    ));
    assert!(has(
        "K8s_Primary",
        "Gateway_Primary",
        DependencyKind::Control
    ));
    assert!(has(
        "CloudFlare_Global",
        "CloudFlare_US",
        DependencyKind::Hosts
    ));
    assert!(has(
        "GCP_Primary",
        "ScyllaDB_Primary",
        DependencyKind::Hosts
    ));
}

#[test]
fn regions_follow_the_seed_traffic_shares() {
    let t = bundled();
    let got: Vec<(&str, f64, &str, &str)> = t
        .regions
        .iter()
        .map(|r| (r.id.as_str(), r.share, id(&t, r.edge), id(&t, r.voice_edge)))
        .collect();
    assert_eq!(
        got,
        vec![
            ("US", 0.45, "CloudFlare_US", "VoiceEdge_US"),
            ("EU", 0.30, "CloudFlare_EU", "VoiceEdge_EU"),
            ("APAC", 0.20, "CloudFlare_APAC", "VoiceEdge_Global"),
            ("ROW", 0.05, "CloudFlare_Global", "VoiceEdge_Global"),
        ]
    );
    let sum: f64 = t.regions.iter().map(|r| r.share).sum();
    assert!((sum - 1.0).abs() <= SHARE_TOLERANCE);
}

#[test]
fn topology_serialises_to_json() {
    let json = serde_json::to_string(&bundled()).unwrap();
    assert!(json.contains("\"Redis_Sessions\""));
    assert!(json.contains("\"Hosts\""));
}

// ---------------------------------------------------------------------------
// Broken files: each reports the exact line and a clear message
// ---------------------------------------------------------------------------

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/topology/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn errors_of(name: &str) -> Vec<SourceError> {
    match parse_topology(&fixture(name), name) {
        Ok(_) => panic!("{name} should not load"),
        Err(e) => e,
    }
}

/// Asserts the fixture gives exactly one error, at `line`, containing `needle`.
fn assert_one_error(name: &str, line: usize, needle: &str) {
    let errors = errors_of(name);
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{name}: {text:?}");
    let e = &errors[0];
    assert_eq!(e.file, name);
    assert_eq!(e.span.map(|s| s.line), Some(line), "{name}: {}", text[0]);
    assert!(
        e.message.contains(needle),
        "{name}: {:?} lacks {needle:?}",
        e.message
    );
}

#[test]
fn valid_fixture_loads() {
    let t = parse_topology(&fixture("valid.toml"), "valid.toml").unwrap();
    assert_eq!(
        (t.components.len(), t.dependencies.len(), t.failovers.len()),
        (2, 1, 1)
    );
    assert_eq!(
        t.dependencies[0].kind,
        DependencyKind::Call,
        "kind defaults to call"
    );
}

#[test]
fn syntax_error_points_at_the_line() {
    assert_one_error("syntax_error.toml", 38, "invalid basic string");
}

#[test]
fn missing_field_names_the_field() {
    assert_one_error("missing_field.toml", 37, "missing field `blast_radius`");
}

#[test]
fn misspelt_key_is_rejected() {
    assert_one_error("unknown_field.toml", 42, "unknown field `blast_raduis`");
}

#[test]
fn wrong_type_is_rejected() {
    assert_one_error("wrong_type.toml", 39, "invalid type: string \"45%\"");
}

#[test]
fn duplicate_component_names_both_lines() {
    assert_one_error(
        "duplicate_component.toml",
        38,
        "duplicate component id \"Redis_Sessions\" (first defined at line 32)",
    );
}

#[test]
fn duplicate_domain_is_rejected() {
    assert_one_error(
        "duplicate_domain.toml",
        38,
        "duplicate domain id \"CacheDomain\"",
    );
}

#[test]
fn unknown_domain_suggests_the_near_miss() {
    assert_one_error(
        "unknown_domain.toml",
        40,
        "component \"Memcached_Guilds\" refers to unknown domain \"CachDomain\" (did you mean \"CacheDomain\"?)",
    );
}

#[test]
fn unknown_plane_lists_the_declared_planes() {
    assert_one_error(
        "unknown_plane.toml",
        40,
        "domain \"SearchDomain\" refers to unknown plane \"Storage\"; declared planes are Edge, State",
    );
}

#[test]
fn unknown_dependency_endpoint_suggests_the_near_miss() {
    let errors = errors_of("unknown_edge_endpoint.toml");
    assert_eq!(
        errors[0].to_string(),
        "unknown_edge_endpoint.toml:39:6: dependency edge refers to unknown component \
         \"Redis_Sesions\" (did you mean \"Redis_Sessions\"?)"
    );
    assert_eq!(errors.len(), 1);
}

#[test]
fn unknown_failover_endpoint_is_rejected() {
    assert_one_error(
        "unknown_failover_endpoint.toml",
        38,
        "failover edge refers to unknown component \"Gateway_Primary\"",
    );
}

#[test]
fn unknown_region_edge_is_rejected() {
    assert_one_error(
        "unknown_region_edge.toml",
        41,
        "region \"US\" voice_edge refers to unknown component \"VoiceEdge_US\"",
    );
}

#[test]
fn self_edge_is_rejected() {
    assert_one_error(
        "self_edge.toml",
        38,
        "dependency edge from \"Redis_Sessions\" to itself",
    );
}

#[test]
fn cycle_is_reported_with_its_path() {
    assert_one_error(
        "cycle.toml",
        44,
        "dependency cycle: CloudFlare_US -> Redis_Sessions -> Memcached_Guilds -> CloudFlare_US",
    );
}

#[test]
fn shares_must_sum_to_one() {
    assert_one_error(
        "bad_shares.toml",
        38,
        "region shares sum to 0.95 but must sum to 1",
    );
}

#[test]
fn unknown_kind_suggests_the_near_miss() {
    assert_one_error(
        "unknown_kind.toml",
        40,
        "unknown dependency kind \"host\" (did you mean \"hosts\"?)",
    );
}

#[test]
fn duplicate_dependency_edge_is_rejected() {
    assert_one_error("duplicate_edge.toml", 43, "(first defined at line 38)");
}

#[test]
fn added_component_needs_a_source() {
    assert_one_error(
        "added_without_source.toml",
        42,
        "component \"API_Gateway\" is marked added = true but has no `source`",
    );
}

#[test]
fn plane_colour_must_be_a_colour() {
    assert_one_error("bad_colour.toml", 12, "\"orange\" is not a colour");
}

#[test]
fn component_ids_must_be_identifiers() {
    assert_one_error(
        "bad_id.toml",
        38,
        "component id \"Redis Messages\" must start with a letter",
    );
}

#[test]
fn every_problem_is_reported_in_line_order() {
    let errors = errors_of("many_errors.toml");
    let got: Vec<(usize, usize)> = errors
        .iter()
        .map(|e| e.span.map(|s| (s.line, s.column)).unwrap())
        .collect();
    assert_eq!(got, [(40, 10), (45, 6), (49, 8)]);
    assert!(errors[0].message.contains("unknown domain \"CachDomain\""));
    assert!(errors[1]
        .message
        .contains("unknown component \"Redis_Sesions\""));
    assert!(errors[2]
        .message
        .contains("failover edge from \"Redis_Sessions\" to itself"));
}

#[test]
fn every_misshapen_table_is_reported_not_just_the_first() {
    let errors = errors_of("many_shape_errors.toml");
    let got: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let want = [
        "many_shape_errors.toml:3:1: unknown top-level key `colour`",
        "many_shape_errors.toml:38:1: missing field `blast_radius` in [[component]]",
        "many_shape_errors.toml:48:1: unknown field `blast_raduis`",
        "many_shape_errors.toml:52:9: invalid type: string \"45%\", expected f64",
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, w) in got.iter().zip(want) {
        assert!(g.starts_with(w), "{g:?} should start with {w:?}");
    }
}

#[test]
fn every_syntax_error_is_reported() {
    let errors = errors_of("two_syntax_errors.toml");
    let lines: Vec<usize> = errors.iter().map(|e| e.span.unwrap().line).collect();
    assert!(lines.len() >= 2, "{errors:?}");
    assert_eq!(lines[0], 38);
    assert!(lines.contains(&44), "{errors:?}");
    assert!(errors[0].message.contains("invalid basic string"));
}

#[test]
fn bundled_errors_name_the_bundled_file() {
    let broken = faultline_core::BUNDLED_TOPOLOGY_TOML.replacen(
        "to = \"Redis_Sessions\"",
        "to = \"Redis_Sesions\"",
        1,
    );
    let errors = parse_topology(&broken, faultline_core::BUNDLED_TOPOLOGY_NAME).unwrap_err();
    let line = broken
        .lines()
        .position(|l| l.contains("Redis_Sesions"))
        .unwrap()
        + 1;
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].to_string(),
        format!(
            "bundled:topology.toml:{line}:6: dependency edge refers to unknown component \
             \"Redis_Sesions\" (did you mean \"Redis_Sessions\"?)"
        )
    );
}

// ---------------------------------------------------------------------------
// A topology embedded in a larger file keeps absolute line numbers
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct ScenarioLike {
    #[allow(dead_code)]
    title: String,
    topology: Option<RawTopology>,
}

#[test]
fn embedded_topology_reports_lines_of_the_enclosing_file() {
    let text = fixture("unknown_edge_endpoint.toml");
    // Nest the whole fixture under [topology] by prefixing every table header.
    let nested: String = text
        .lines()
        .map(|l| {
            if let Some(rest) = l.strip_prefix("[[") {
                format!("[[topology.{rest}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .replacen("name = \"fixture\"", "[topology]\nname = \"fixture\"", 1);
    let doc = format!("title = \"drill\"\n\n{nested}\n");
    let s: ScenarioLike = toml::from_str(&doc).unwrap();
    let errors = validate_raw(s.topology.unwrap(), &doc, "drill.toml").unwrap_err();
    let line = doc
        .lines()
        .position(|l| l.contains("Redis_Sesions"))
        .unwrap()
        + 1;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].span.unwrap().line, line);
    assert_eq!(errors[0].file, "drill.toml");
}

// ---------------------------------------------------------------------------
// Properties of the graph checks
// ---------------------------------------------------------------------------

/// A topology of `n` components in one domain with the given edges.
fn graph_file(n: usize, edges: &[(usize, usize)]) -> String {
    let mut s = String::from(
        "name = \"g\"\n[[plane]]\nid = \"Edge\"\ntitle = \"E\"\ncolor = \"#000\"\n\
         [[domain]]\nid = \"D\"\ntitle = \"D\"\nplane = \"Edge\"\n",
    );
    for i in 0..n {
        s += &format!(
            "[[component]]\nid = \"C{i}\"\nname = \"C{i}\"\ndomain = \"D\"\nblast_radius = \"b\"\n"
        );
    }
    for (a, b) in edges {
        s += &format!("[[dependency]]\nfrom = \"C{a}\"\nto = \"C{b}\"\nwhy = \"w\"\n");
    }
    s
}

proptest! {
    /// Edges that only go from a lower to a higher index never form a cycle,
    /// and the order the loader computes keeps every edge pointing forward.
    #[test]
    fn forward_edges_always_load_in_order(
        n in 2usize..12,
        raw in proptest::collection::btree_set((0usize..12, 0usize..12), 0..30),
    ) {
        let edges: Vec<(usize, usize)> =
            raw.into_iter().filter(|(a, b)| a < b && *b < n).collect();
        let t = parse_topology(&graph_file(n, &edges), "g.toml").unwrap();
        let order = t.topological_order();
        let pos = |i: usize| order.iter().position(|&x| x == i).unwrap();
        for e in &t.dependencies {
            prop_assert!(pos(e.from) < pos(e.to));
        }
    }

    /// Adding one back edge that closes a path always yields a cycle error
    /// naming a cycle through both of its endpoints.
    #[test]
    fn a_back_edge_on_a_path_is_a_cycle(n in 2usize..10, a in 0usize..10, len in 1usize..10) {
        let a = a % (n - 1);
        let b = (a + len).min(n - 1);
        let mut edges: Vec<(usize, usize)> = (a..b).map(|i| (i, i + 1)).collect();
        edges.push((b, a));
        let errors = parse_topology(&graph_file(n, &edges), "g.toml").unwrap_err();
        prop_assert_eq!(errors.len(), 1);
        prop_assert!(errors[0].message.starts_with("dependency cycle: "));
        let needle_a = format!("C{a} ");
        let needle_b = format!("C{b} ");
        prop_assert!(errors[0].message.contains(&needle_a));
        prop_assert!(errors[0].message.contains(&needle_b));
    }
}

// ---------------------------------------------------------------------------
// Topologies built by hand (as UI and simulation tests do)
// ---------------------------------------------------------------------------

#[test]
fn hand_built_topology_computes_its_order_on_demand() {
    use faultline_core::{Component, DependencyEdge, Domain, FailoverEdge, Plane};
    let component = |id: &str| Component {
        id: id.into(),
        name: id.into(),
        domain: 0,
        plane: PlaneId::Edge,
        facts: Vec::new(),
        blast_radius: "b".into(),
        added: false,
        source: String::new(),
    };
    let t = Topology {
        name: "hand".into(),
        source: "test".into(),
        planes: vec![Plane::new(PlaneId::Edge, "Edge Plane", "#0066CC")],
        domains: vec![Domain::new("D", "Domain", PlaneId::Edge)],
        components: vec![component("C"), component("B"), component("A")],
        dependencies: vec![
            DependencyEdge::call(2, 1, "a calls b"),
            DependencyEdge::call(1, 0, "b calls c"),
        ],
        failovers: vec![FailoverEdge::new(0, 1, vec!["label".into()])],
        regions: Vec::new(),
        topo_order: Vec::new(),
    };
    assert_eq!(t.topological_order(), [2, 1, 0]);
}
