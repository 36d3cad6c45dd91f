//! Small scenarios shared by the simulation tests.
#![allow(dead_code)]

use faultline_core::scenario::{simple_topology, OnFailure, Route, Scenario};
use faultline_core::sim::{RequestClass, RetryPolicy, Sim, Snapshot};
use faultline_core::SourceError;

/// The smallest scenario file's head (5 lines, the first blank): tests
/// append their own sections, so an error in them is on line 6 or later.
pub const TINY: &str = r#"
name = "Tiny"
start = "11:30"
time_zone = "PDT"
duration = "1h"
"#;

/// Parses [`TINY`] followed by `extra` as `tiny.toml`; the errors joined
/// one per line.
pub fn load_tiny(extra: &str) -> Result<Scenario, String> {
    Scenario::from_toml_str(&format!("{TINY}{extra}"), "tiny.toml")
        .map_err(|e| SourceError::join(&e, "\n"))
}

/// Users who only read messages (no heartbeats, no reconnect churn), so one
/// lane carries `rate` requests per second through the topology.
pub fn reads_only(s: &mut Scenario, rate: f64) {
    s.traffic.users = 100_000.0;
    s.traffic.heartbeat_ms = 1e15;
    s.traffic.session_ms = 1e15;
    s.traffic.noise = 0.0;
    s.traffic.per_user = Default::default();
    s.traffic.per_user.message_send = 0.0;
    s.traffic.per_user.message_read = rate / 100_000.0;
    s.traffic.per_user.voice_join = 0.0;
    s.traffic.per_user.search = 0.0;
    s.traffic.per_user.upload = 0.0;
    s.client_retry = RetryPolicy::none();
}

/// Edge → Api with an edge far larger than needed and an Api of `servers`
/// servers at `service_ms`.
pub fn edge_api(servers: f64, service_ms: f64) -> Scenario {
    let t = simple_topology(&["Edge", "Api"], &[("Edge", "Api")], &[]);
    let mut s = Scenario::with_topology("edge-api", t);
    let e = s.params_mut("Edge").unwrap();
    e.servers = 100.0;
    e.service_ms = 0.001;
    e.queue_limit = 1e9;
    let a = s.params_mut("Api").unwrap();
    a.servers = servers;
    a.service_ms = service_ms;
    s
}

/// The `Api` component's figures.
pub fn comp<'a>(
    sim: &Sim,
    snap: &'a Snapshot,
    id: &str,
) -> &'a faultline_core::sim::ComponentState {
    &snap.components[sim.topology().component_index(id).unwrap()]
}

/// A route carrying `classes` (empty: all), one call each, whose failures
/// do `on_failure` to the caller's request.
pub fn route(from: &str, to: &str, classes: &[RequestClass], on_failure: OnFailure) -> Route {
    Route {
        from: from.into(),
        to: to.into(),
        classes: classes.to_vec(),
        calls: 1.0,
        miss_of: None,
        on_failure,
        split: None,
        users: None,
        sharded: false,
    }
}

/// A route carrying only message reads.
pub fn read_route(from: &str, to: &str) -> Route {
    route(from, to, &[RequestClass::MessageRead], OnFailure::Fail)
}
