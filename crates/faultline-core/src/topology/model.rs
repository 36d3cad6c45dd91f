//! The validated, in-memory form of a topology. Loading (and every check that
//! can fail) lives in the loader; these types are always consistent once built.

use serde::Serialize;

/// The five bands of the failure-domain diagram, in drawing order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum PlaneId {
    /// Client-facing edge: CDN points of presence and voice edge nodes.
    Edge,
    /// Stateless services: gateways, message routers, voice services, APIs.
    Service,
    /// Databases, caches and search.
    State,
    /// Monitoring, configuration and deployment.
    Control,
    /// Third-party providers the platform runs on.
    External,
}

impl PlaneId {
    /// All planes, top to bottom as the diagram draws them.
    pub const ALL: [PlaneId; 5] = [
        PlaneId::Edge,
        PlaneId::Service,
        PlaneId::State,
        PlaneId::Control,
        PlaneId::External,
    ];

    /// The identifier used in data files (`"Edge"`, `"Service"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            PlaneId::Edge => "Edge",
            PlaneId::Service => "Service",
            PlaneId::State => "State",
            PlaneId::Control => "Control",
            PlaneId::External => "External",
        }
    }

    /// Parses a data-file identifier; `None` for anything else.
    pub fn parse(s: &str) -> Option<PlaneId> {
        PlaneId::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// A plane as drawn: its id, title and the seed's colour.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plane {
    /// Which plane.
    pub id: PlaneId,
    /// Title as the seed writes it, e.g. "Edge Plane".
    pub title: String,
    /// Fill colour from the seed, e.g. `#0066CC`.
    pub color: String,
    /// Border colour from the seed's `style` line, e.g. `#004499`.
    pub stroke: String,
    /// Text colour from the seed's `style` line, e.g. `#fff`.
    pub text_color: String,
}

impl Plane {
    /// A plane with a fill colour only (stroke and text colour left empty).
    pub fn new(id: PlaneId, title: impl Into<String>, color: impl Into<String>) -> Plane {
        Plane {
            id,
            title: title.into(),
            color: color.into(),
            stroke: String::new(),
            text_color: String::new(),
        }
    }
}

/// A failure domain: a group of components that fail together or are isolated together.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Domain {
    /// The seed's mermaid subgraph id, e.g. `GatewayDomain`.
    pub id: String,
    /// Title as the seed writes it, e.g. "Gateway Domain - Connection Boundary".
    pub title: String,
    /// The plane the domain sits in.
    pub plane: PlaneId,
    /// True for domains Faultline adds to hold components the seed's map lacks.
    pub added: bool,
    /// Where an added domain comes from (seed document and section), empty otherwise.
    pub source: String,
}

impl Domain {
    /// A domain from the seed (not an addition).
    pub fn new(id: impl Into<String>, title: impl Into<String>, plane: PlaneId) -> Domain {
        Domain {
            id: id.into(),
            title: title.into(),
            plane,
            added: false,
            source: String::new(),
        }
    }
}

/// One component (a node of the diagram).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Component {
    /// The seed's mermaid id, e.g. `Redis_Sessions`; stable across releases,
    /// used in scenarios, URLs and the DOM's `data-component`.
    pub id: String,
    /// Display name, the first line of the seed's label, e.g. "Redis Sessions".
    pub name: String,
    /// Index into [`Topology::domains`].
    pub domain: usize,
    /// The plane (same as the domain's, repeated for convenience).
    pub plane: PlaneId,
    /// The remaining lines of the seed's label, e.g. `["User session cache", "200M+ sessions", "15-min TTL"]`.
    pub facts: Vec<String>,
    /// The seed's blast-radius text, e.g. "Re-authentication".
    pub blast_radius: String,
    /// True for components Faultline adds that the seed's map lacks (marked as additions).
    pub added: bool,
    /// Where an added component comes from (the seed document and section), empty otherwise.
    pub source: String,
}

/// What a dependency edge means, and so which way a failure travels along it.
///
/// All three kinds point "downward" in the diagram's sense of authority or
/// request flow, so together they form one acyclic graph whose topological
/// order puts callers before callees and controllers before what they control.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum DependencyKind {
    /// `from` sends requests to `to` and depends on it: requests flow along the
    /// edge, and a failure of `to` is felt by `from` (against the arrow).
    Call,
    /// `from` (a control-plane component) watches, configures or schedules
    /// `to`: losing `from` takes a capability away from `to` (dashboards, flag
    /// changes, autoscaling), never the other way round.
    Control,
    /// `from` (a provider) hosts `to`: when `from` fails, `to` fails with it
    /// (along the arrow).
    Hosts,
}

impl DependencyKind {
    /// All kinds, in data-file order.
    pub const ALL: [DependencyKind; 3] = [
        DependencyKind::Call,
        DependencyKind::Control,
        DependencyKind::Hosts,
    ];

    /// The identifier used in data files (`"call"`, `"control"`, `"hosts"`).
    pub fn as_str(self) -> &'static str {
        match self {
            DependencyKind::Call => "call",
            DependencyKind::Control => "control",
            DependencyKind::Hosts => "hosts",
        }
    }

    /// Parses a data-file identifier; `None` for anything else.
    pub fn parse(s: &str) -> Option<DependencyKind> {
        DependencyKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A dependency edge. For [`DependencyKind::Call`] (the common case) it is a
/// "who calls whom" edge: `from` depends on `to`. See [`DependencyKind`] for
/// the control and hosting edges.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DependencyEdge {
    /// Index of the caller (controller, host) in [`Topology::components`].
    pub from: usize,
    /// Index of the callee (controlled, hosted component).
    pub to: usize,
    /// What the edge means.
    pub kind: DependencyKind,
    /// Why this edge exists (which seed passage or reasoning it follows from).
    pub why: String,
}

impl DependencyEdge {
    /// A [`DependencyKind::Call`] edge: `from` calls `to`.
    pub fn call(from: usize, to: usize, why: impl Into<String>) -> DependencyEdge {
        DependencyEdge {
            from,
            to,
            kind: DependencyKind::Call,
            why: why.into(),
        }
    }
}

/// A failover path (from the seed unless `added`): when `from` fails, its load moves to `to`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FailoverEdge {
    /// Index of the component that fails.
    pub from: usize,
    /// Index of the component that takes over.
    pub to: usize,
    /// The seed's label lines, e.g. `["Connection failure", "WebSocket migration"]`.
    pub label: Vec<String>,
    /// True for failover paths Faultline adds that the seed's diagram does not draw.
    pub added: bool,
    /// Where an added failover comes from (seed document and section), empty otherwise.
    pub source: String,
}

impl FailoverEdge {
    /// A failover edge from the seed (not an addition).
    pub fn new(from: usize, to: usize, label: Vec<String>) -> FailoverEdge {
        FailoverEdge {
            from,
            to,
            label,
            added: false,
            source: String::new(),
        }
    }
}

/// A user population: where a share of the users connect from, and which
/// edge components carry their text and voice traffic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Region {
    /// Short id used in scenarios, e.g. `US`.
    pub id: String,
    /// Display name, e.g. "United States".
    pub name: String,
    /// Fraction of all users, in `(0, 1]`; the shares of a topology sum to 1.
    pub share: f64,
    /// Index of the component the region's gateway and API traffic enters through.
    pub edge: usize,
    /// Index of the component the region's voice traffic enters through.
    pub voice_edge: usize,
}

/// A whole, validated topology. Indices in edges always point at real components.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Topology {
    /// Short name, e.g. "Chat platform failure domains".
    pub name: String,
    /// Which document(s) it transcribes.
    pub source: String,
    /// The planes, in drawing order.
    pub planes: Vec<Plane>,
    /// Failure domains in file order.
    pub domains: Vec<Domain>,
    /// Components in file order.
    pub components: Vec<Component>,
    /// Dependency (call) edges.
    pub dependencies: Vec<DependencyEdge>,
    /// Failover edges.
    pub failovers: Vec<FailoverEdge>,
    /// User populations by region, in file order.
    pub regions: Vec<Region>,
    /// Component indices in a deterministic topological order of the
    /// dependency graph (callers, controllers and hosts before their targets).
    pub topo_order: Vec<usize>,
}

impl Topology {
    /// Index of the component with this id, if any.
    pub fn component_index(&self, id: &str) -> Option<usize> {
        self.components.iter().position(|c| c.id == id)
    }

    /// Index of the dependency edge from component `from` to component
    /// `to` (indices), if there is one.
    pub fn dependency_index(&self, from: usize, to: usize) -> Option<usize> {
        self.dependencies
            .iter()
            .position(|d| d.from == from && d.to == to)
    }

    /// The component with this id, if any.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }

    /// The plane record for a plane id.
    pub fn plane(&self, id: PlaneId) -> Option<&Plane> {
        self.planes.iter().find(|p| p.id == id)
    }

    /// Index of the domain with this id, if any.
    pub fn domain_index(&self, id: &str) -> Option<usize> {
        self.domains.iter().position(|d| d.id == id)
    }

    /// The region with this id, if any.
    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }

    /// Component indices in a deterministic topological order of the dependency
    /// graph: every edge's `from` comes before its `to`. Ties are broken by file
    /// order, so the same file always gives the same order.
    ///
    /// A loaded topology stores the order in [`Topology::topo_order`]. For one
    /// built by hand (tests) with `topo_order` left empty, the order is computed
    /// here; should such a topology contain a cycle, file order is returned.
    pub fn topological_order(&self) -> Vec<usize> {
        if self.topo_order.len() == self.components.len() {
            return self.topo_order.clone();
        }
        super::order::order_or_cycles(self.components.len(), &self.dependencies)
            .unwrap_or_else(|_| (0..self.components.len()).collect())
    }

    /// Indices of the components in a domain, in file order.
    pub fn components_in_domain(&self, domain: usize) -> Vec<usize> {
        (0..self.components.len())
            .filter(|&i| self.components[i].domain == domain)
            .collect()
    }

    /// Indices of the domains in a plane, in file order.
    pub fn domains_in_plane(&self, plane: PlaneId) -> Vec<usize> {
        (0..self.domains.len())
            .filter(|&i| self.domains[i].plane == plane)
            .collect()
    }

    /// The dependency edges of one kind.
    pub fn dependencies_of_kind(
        &self,
        kind: DependencyKind,
    ) -> impl Iterator<Item = &DependencyEdge> + '_ {
        self.dependencies.iter().filter(move |e| e.kind == kind)
    }
}
