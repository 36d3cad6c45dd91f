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
    pub const ALL: [PlaneId; 5] =
        [PlaneId::Edge, PlaneId::Service, PlaneId::State, PlaneId::Control, PlaneId::External];

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

/// A "who calls whom" edge: `from` depends on `to`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DependencyEdge {
    /// Index of the caller in [`Topology::components`].
    pub from: usize,
    /// Index of the callee.
    pub to: usize,
    /// Why this edge exists (which seed passage it follows from).
    pub why: String,
}

/// A failover path from the seed: when `from` fails, its load moves to `to`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FailoverEdge {
    /// Index of the component that fails.
    pub from: usize,
    /// Index of the component that takes over.
    pub to: usize,
    /// The seed's label lines, e.g. `["Connection failure", "WebSocket migration"]`.
    pub label: Vec<String>,
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
}

impl Topology {
    /// Index of the component with this id, if any.
    pub fn component_index(&self, id: &str) -> Option<usize> {
        self.components.iter().position(|c| c.id == id)
    }

    /// The component with this id, if any.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }

    /// The plane record for a plane id.
    pub fn plane(&self, id: PlaneId) -> Option<&Plane> {
        self.planes.iter().find(|p| p.id == id)
    }
}
