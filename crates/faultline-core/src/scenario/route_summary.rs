//! A dependency edge's routing in words, for the inspector: which request
//! classes it carries, how many calls each makes, and what its split, cache
//! fallback and failure handling mean for them.

use super::{EdgeRoute, OnFailure};
use crate::sim::class::RequestClass;
use crate::topology::Topology;

/// What a call edge carries in this scenario, e.g. "message send, message
/// read · 50% of the requests, 5% of the users (one member of a
/// load-balanced split)". Empty routes read "carries no requests in this
/// model".
pub fn route_summary(route: &EdgeRoute, t: &Topology) -> String {
    let carried: Vec<(RequestClass, f64)> = RequestClass::ALL
        .iter()
        .zip(route.calls)
        .filter(|(_, c)| *c > 0.0)
        .map(|(&k, c)| (k, c))
        .collect();
    if carried.is_empty() {
        return "carries no requests in this model".to_string();
    }
    let word = |k: RequestClass| k.as_str().replace('_', " ");
    let same = carried.iter().all(|&(_, c)| c == carried[0].1);
    let mut parts = Vec::new();
    if carried.len() == RequestClass::ALL.len() && same {
        parts.push("every request class".to_string());
    } else if same {
        let names: Vec<String> = carried.iter().map(|&(k, _)| word(k)).collect();
        parts.push(names.join(", "));
    } else {
        let names: Vec<String> = carried
            .iter()
            .map(|&(k, c)| format!("{} {}", word(k), figure(c)))
            .collect();
        parts.push(format!("calls per request: {}", names.join(", ")));
    }
    let calls = carried[0].1;
    if route.split != 0 {
        let mut s = format!("{} of the requests", percent(calls));
        if let Some(u) = route.users {
            s += &format!(", {} of the users", percent(u));
        }
        s += if route.sharded {
            " (one shard of a split by key: while it is down, its requests are answered \"unavailable\" and not retried)"
        } else {
            " (one member of a load-balanced split)"
        };
        parts.push(s);
    } else if same && calls != 1.0 {
        parts.push(format!("{} calls per request", figure(calls)));
    }
    if let Some(c) = route.miss_of.and_then(|j| t.components.get(j)) {
        parts.push(format!("on cache misses of {}", c.name));
    }
    match route.on_failure {
        OnFailure::Fail => {}
        OnFailure::Ignore => parts.push("optional: a failure is ignored".to_string()),
        OnFailure::Buffer => parts.push("held in memory while it fails".to_string()),
    }
    parts.join(" · ")
}

fn percent(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{}%", p.round())
    } else {
        format!("{p:.1}%")
    }
}

fn figure(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round())
    } else {
        format!("{}", (x * 1000.0).round() / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn bundled_route(from: &str, to: &str) -> String {
        let s = Scenario::bundled_steady_state().unwrap();
        let t = &s.topology;
        let (f, g) = (
            t.component_index(from).unwrap(),
            t.component_index(to).unwrap(),
        );
        let e = t.dependency_index(f, g).unwrap();
        route_summary(&s.routes[e], t)
    }

    #[test]
    fn the_large_guild_router_takes_half_the_requests_and_a_twentieth_of_the_users() {
        assert_eq!(
            bundled_route("API_RateLimiter", "MessageRouter_Large"),
            "message send, message read · 50% of the requests, 5% of the users (one shard of a split by key: while it is down, its requests are answered \"unavailable\" and not retried)"
        );
    }

    #[test]
    fn a_load_balanced_split_that_is_not_by_key_says_so() {
        assert_eq!(
            bundled_route("VoiceEdge_Global", "VoiceService_Backup"),
            "voice join · 50% of the requests (one member of a load-balanced split)"
        );
    }

    #[test]
    fn cache_fallbacks_buffers_and_fan_out_read_as_such() {
        assert_eq!(
            bundled_route("Guilds_Service", "PostgreSQL_Main"),
            "message send, gateway connect · on cache misses of Memcached Guilds"
        );
        assert_eq!(
            bundled_route("Sessions_Service", "Presence_Service"),
            "message send, gateway connect, presence · held in memory while it fails"
        );
        assert_eq!(
            bundled_route("MessageRouter_Primary", "Sessions_Service"),
            "message send · 4 calls per request · held in memory while it fails"
        );
        assert_eq!(
            bundled_route("MessageRouter_Primary", "Redis_Messages"),
            "message read · optional: a failure is ignored"
        );
    }

    #[test]
    fn an_edge_without_requests_says_so() {
        let r = EdgeRoute::none();
        let t = crate::scenario::simple_topology(&["A", "B"], &[("A", "B")], &[]);
        assert_eq!(route_summary(&r, &t), "carries no requests in this model");
        assert_eq!(route_summary(&EdgeRoute::all(), &t), "every request class");
        let mut mixed = EdgeRoute::none();
        mixed.calls[RequestClass::Search.lane()] = 0.5;
        mixed.calls[RequestClass::Upload.lane()] = 0.2;
        mixed.on_failure = OnFailure::Fail;
        assert_eq!(
            route_summary(&mixed, &t),
            "calls per request: search 0.5, upload 0.2"
        );
    }
}
