//! # faultline-core
//!
//! The pure heart of Faultline: the platform's topology as data, the scenario
//! format, and the deterministic simulation. Nothing in this crate touches the
//! web, the wall clock or OS randomness, so it builds and tests natively in
//! seconds and compiles unchanged to `wasm32-unknown-unknown`.

pub mod scenario;
pub mod sim;
pub mod source;
pub mod topology;
pub mod units;

pub use scenario::Scenario;
pub use sim::{Action, ActionError, Event, Sample, Sim, SimError, Snapshot};
pub use source::{SourceError, SourceSpan};
pub use topology::{
    parse_topology, validate_raw, DependencyKind, RawTopology, Region, BUNDLED_TOPOLOGY_NAME,
    BUNDLED_TOPOLOGY_TOML,
};
pub use topology::{Component, DependencyEdge, Domain, FailoverEdge, Plane, PlaneId, Topology};
