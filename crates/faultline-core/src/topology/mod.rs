//! The platform's failure-domain map as data.
//!
//! The bundled topology (`scenarios/topology.toml`) transcribes the four-plane
//! diagram of seed `000_3fd6923ca8319bdd.txt`: every component under the seed's
//! own mermaid id, in its plane and failure domain, with the lines of its label
//! and its blast-radius text, plus the seed's failover edges. The seed draws no
//! call graph, so the dependency edges are our additions; the file says where
//! each came from.

mod model;

pub use model::{Component, DependencyEdge, Domain, FailoverEdge, Plane, PlaneId, Topology};
