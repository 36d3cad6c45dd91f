//! Model parameters and routes: the bundled platform file, per-component
//! overrides and the classes each dependency edge carries.

use super::parse::{err_near, toml_err};
use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlatform {
    #[serde(default)]
    defaults: Option<toml::Table>,
    #[serde(default)]
    component: toml::Table,
    #[serde(default)]
    route: Vec<Route>,
}

pub(super) fn default_params(t: &Topology) -> (Vec<ComponentParams>, Vec<EdgeRoute>) {
    let params = vec![ComponentParams::default(); t.components.len()];
    let routes = t
        .dependencies
        .iter()
        .map(|d| {
            if d.kind == DependencyKind::Call {
                EdgeRoute::all()
            } else {
                EdgeRoute::none()
            }
        })
        .collect();
    (params, routes)
}

pub(super) fn overlay(
    base: &ComponentParams,
    over: &toml::Table,
) -> Result<ComponentParams, String> {
    let mut t = toml::Table::try_from(base).map_err(|e| e.to_string())?;
    for (k, v) in over {
        t.insert(k.clone(), v.clone());
    }
    t.try_into::<ComponentParams>()
        .map_err(|e| e.message().trim().to_string())
}

/// A later `[[route]]` for the same edge naming classes updates only those lanes.
pub(super) fn merge_route(old: &mut EdgeRoute, new: EdgeRoute, only_listed: bool) {
    if only_listed {
        for k in 0..NCLASS {
            if new.calls[k] > 0.0 {
                old.calls[k] = new.calls[k];
            }
        }
        old.miss_of = new.miss_of.or(old.miss_of);
        old.on_failure = new.on_failure;
        old.split = new.split;
        old.users = new.users;
        old.sharded = new.sharded;
    } else {
        *old = new;
    }
}

pub(super) fn resolve_route(t: &Topology, r: &Route) -> Result<(usize, EdgeRoute), String> {
    let from = t
        .component_index(&r.from)
        .ok_or_else(|| unknown_component(t, &r.from))?;
    let to = t
        .component_index(&r.to)
        .ok_or_else(|| unknown_component(t, &r.to))?;
    let e = t.dependency_index(from, to).ok_or_else(|| {
        format!(
            "route {} → {}: the topology has no such dependency edge",
            r.from, r.to
        )
    })?;
    if !(r.calls.is_finite() && r.calls >= 0.0 && r.calls <= 100.0) {
        return Err(format!(
            "route {} → {}: calls must be in [0, 100]",
            r.from, r.to
        ));
    }
    let mut calls = [0.0; NCLASS];
    if r.classes.is_empty() {
        calls = [r.calls; NCLASS];
    } else {
        for c in &r.classes {
            calls[c.lane()] = r.calls;
        }
    }
    let miss_of = match &r.miss_of {
        None => None,
        Some(id) => Some(
            t.component_index(id)
                .ok_or_else(|| unknown_component(t, id))?,
        ),
    };
    let split = match r.split.as_deref() {
        None => 0,
        Some("") => return Err(format!("route {} → {}: split needs a name", r.from, r.to)),
        Some(name) => params::split_id(name),
    };
    if r.sharded && split == 0 {
        return Err(format!(
            "route {} → {}: sharded describes a split (its members are shards); this route has no split",
            r.from, r.to
        ));
    }
    if let Some(u) = r.users {
        if split == 0 {
            return Err(format!(
                "route {} → {}: users is a split member's share of users; this route has no split",
                r.from, r.to
            ));
        }
        if !(u.is_finite() && (0.0..=1.0).contains(&u)) {
            return Err(format!(
                "route {} → {}: users must be a share in [0, 1], not {u}",
                r.from, r.to
            ));
        }
    }
    Ok((
        e,
        EdgeRoute {
            calls,
            miss_of,
            on_failure: r.on_failure,
            split,
            users: r.users,
            sharded: r.sharded,
        },
    ))
}

/// Load-balanced splits ([`Route::split`]) one caller may have: the tick
/// keeps a fixed-size accumulator per split.
pub const MAX_SPLITS: usize = 2;

/// A caller has at most [`MAX_SPLITS`] load-balanced splits, and a split's
/// shares of a class add up to at most all of it.
pub fn check_splits(t: &Topology, routes: &[EdgeRoute]) -> Result<(), String> {
    for (c, comp) in t.components.iter().enumerate() {
        let mut ids: Vec<u32> = Vec::new();
        for (e, d) in t.dependencies.iter().enumerate() {
            let sp = routes.get(e).map_or(0, |r| r.split);
            if d.from == c && sp != 0 && !ids.contains(&sp) {
                ids.push(sp);
            }
        }
        if ids.len() > MAX_SPLITS {
            return Err(format!(
                "`{}` has {} load-balanced splits; at most {MAX_SPLITS}",
                comp.id,
                ids.len()
            ));
        }
        for &sp in &ids {
            let members: Vec<&EdgeRoute> = t
                .dependencies
                .iter()
                .enumerate()
                .filter(|(e, d)| d.from == c && routes[*e].split == sp)
                .map(|(e, _)| &routes[e])
                .collect();
            let with_users = members.iter().filter(|r| r.users.is_some()).count();
            if with_users > 0 && with_users < members.len() {
                return Err(format!(
                    "`{}`: either every member of a split gives its share of users, or none does ({with_users} of {} do)",
                    comp.id,
                    members.len()
                ));
            }
            let sharded = members.iter().filter(|r| r.sharded).count();
            if sharded > 0 && sharded < members.len() {
                return Err(format!(
                    "`{}`: either every member of a split is sharded, or none is ({sharded} of {} are)",
                    comp.id,
                    members.len()
                ));
            }
            let users: f64 = members.iter().filter_map(|r| r.users).sum();
            if users > 1.0 + 1e-6 {
                return Err(format!(
                    "`{}`: the users shares of one split add up to {users:.3} (at most 1)",
                    comp.id
                ));
            }
            for (k, class) in RequestClass::ALL.iter().enumerate() {
                let total: f64 = t
                    .dependencies
                    .iter()
                    .enumerate()
                    .filter(|(e, d)| d.from == c && routes[*e].split == sp)
                    .map(|(e, _)| routes[e].calls[k])
                    .sum();
                if total > 1.0 + 1e-6 {
                    return Err(format!(
                        "`{}`: the shares of one split add up to {total:.3} of its {} requests (at most 1)",
                        comp.id,
                        class.as_str()
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Resolves a platform file (defaults, per-component tables, routes) against a topology.
pub fn resolve_platform(
    t: &Topology,
    text: &str,
    file: &str,
) -> Result<(Vec<ComponentParams>, Vec<EdgeRoute>), Vec<SourceError>> {
    let raw: RawPlatform = toml::from_str(text).map_err(|e| vec![toml_err(&e, text, file)])?;
    let mut errors = Vec::new();
    let base = match &raw.defaults {
        Some(d) => overlay(&ComponentParams::default(), d).unwrap_or_else(|m| {
            errors.push(err_near(file, text, "[defaults]", format!("defaults: {m}")));
            ComponentParams::default()
        }),
        None => ComponentParams::default(),
    };
    let (_, mut routes) = default_params(t);
    let mut params = vec![base.clone(); t.components.len()];
    for (id, v) in &raw.component {
        let Some(i) = t.component_index(id) else {
            errors.push(err_near(
                file,
                text,
                &format!("component.{id}]"),
                unknown_component(t, id),
            ));
            continue;
        };
        let toml::Value::Table(tab) = v else {
            errors.push(err_near(
                file,
                text,
                id,
                format!("component.{id} must be a table"),
            ));
            continue;
        };
        match overlay(&base, tab) {
            Ok(p) => params[i] = p,
            Err(m) => errors.push(err_near(
                file,
                text,
                &format!("component.{id}]"),
                format!("{id}: {m}"),
            )),
        }
    }
    // Call edges without a route in the platform file carry nothing unless
    // listed: the bundled platform is explicit about every flow.
    for (e, d) in t.dependencies.iter().enumerate() {
        if d.kind == DependencyKind::Call {
            routes[e] = EdgeRoute {
                calls: [0.0; NCLASS],
                miss_of: None,
                on_failure: OnFailure::Fail,
                split: 0,
                users: None,
                sharded: false,
            };
        }
    }
    for r in &raw.route {
        match resolve_route(t, r) {
            Ok((e, er)) => merge_route(&mut routes[e], er, !r.classes.is_empty()),
            Err(m) => errors.push(err_near(file, text, &format!("to = \"{}\"", r.to), m)),
        }
    }
    if let Err(m) = check_splits(t, &routes) {
        errors.push(err_near(file, text, "split =", m));
    }
    if errors.is_empty() {
        Ok((params, routes))
    } else {
        Err(errors)
    }
}
