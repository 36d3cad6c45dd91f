//! The platform's failure-domain map as data.
//!
//! The bundled topology (`scenarios/topology.toml`) transcribes the four-plane
//! diagram of seed `000_3fd6923ca8319bdd.txt`: every component under the seed's
//! own mermaid id, in its plane and failure domain, with the lines of its label
//! and its blast-radius text, plus the seed's failover edges. The seed draws no
//! call graph, so the dependency edges are our additions; the file says where
//! each came from.

//!
//! Loading is in [`load`]: [`parse_topology`] reads a whole file and
//! [`validate_raw`] (in `validate`) checks a [`RawTopology`] deserialised
//! elsewhere (a scenario's inline `[topology]` table). Both report every
//! problem as a [`crate::SourceError`] with file, line and column; `names`
//! suggests the nearest id for a misspelt one, `order` sorts the dependency
//! graph or names its cycles.
//!
//! Dependency edges come in three kinds ([`DependencyKind`]): `call` (requests
//! flow `from` → `to`, failures travel back), `control` (the control plane
//! watches, configures or schedules its target) and `hosts` (a provider runs
//! its target, whose failure follows the provider's). Together they form one
//! acyclic graph; [`Topology::topological_order`] lists components so every
//! edge points forward.

pub mod load;
mod model;
pub(crate) mod names;
mod order;
mod validate;

pub use load::{
    parse_raw_topology, parse_topology, toml_error, RawComponent, RawDependency, RawDomain,
    RawFailover, RawPlane, RawRegion, RawTopology, BUNDLED_TOPOLOGY_NAME, BUNDLED_TOPOLOGY_TOML,
    SHARE_TOLERANCE,
};
pub use model::{
    Component, DependencyEdge, DependencyKind, Domain, FailoverEdge, Plane, PlaneId, Region,
    Topology,
};
pub use validate::validate_raw;
