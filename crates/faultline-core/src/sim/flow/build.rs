//! Building the initial state from a scenario: components, edges,
//! failovers, users by region and the retry ring, all in fixed order.

use super::*;

impl State {
    pub(crate) fn new(s: &Scenario, seed: u64) -> Result<State, SimError> {
        let t = &s.topology;
        let n = t.components.len();
        if n == 0 {
            return Err(SimError::Invalid("the topology has no components".into()));
        }
        if s.params.len() != n || s.routes.len() != t.dependencies.len() {
            return Err(SimError::Invalid(
                "parameters do not match the topology".into(),
            ));
        }
        if s.tick_ms == 0 {
            return Err(SimError::Invalid("tick must be at least 1 ms".into()));
        }
        for (i, p) in s.params.iter().enumerate() {
            p.validate()
                .map_err(|m| SimError::Invalid(format!("{}: {m}", t.components[i].id)))?;
        }
        s.client_retry.validate().map_err(SimError::Invalid)?;
        crate::scenario::check_splits(t, &s.routes).map_err(SimError::Invalid)?;
        let order = topo_order(t);
        let mut pos = vec![0; n];
        for (k, &i) in order.iter().enumerate() {
            pos[i] = k;
        }
        let mut tables_built = Vec::new();
        let mut comps: Vec<Comp> = (0..n)
            .map(|i| {
                let p = s.params[i].clone();
                let mut pool_share = [0.0; MAX_POOLS];
                let mut class_pool = [0usize; NCLASS];
                let npools;
                if p.bulkheads.is_empty() {
                    npools = 1;
                    pool_share[0] = 1.0;
                } else {
                    npools = p.bulkheads.len();
                    for (g, c) in p.bulkheads.iter().enumerate() {
                        pool_share[g] = c.share;
                        for cl in &c.classes {
                            class_pool[cl.lane()] = g;
                        }
                    }
                }
                let tables = (0..npools)
                    .map(|g| ErlangTable::shared(p.servers * pool_share[g], &mut tables_built))
                    .collect();
                Comp {
                    pos: pos[i],
                    npools,
                    pool_share,
                    class_pool,
                    tables,
                    table_for: [-1.0; MAX_POOLS],
                    fo_from: t.failovers.iter().position(|f| f.from == i),
                    out_edges: Vec::new(),
                    hosts: Vec::new(),
                    fallback_edges: Vec::new(),
                    target: p.servers,
                    live: p.servers,
                    crashed: 0.0,
                    killed: false,
                    restart_timer: 0,
                    cap_frac: 1.0,
                    surge: Ramp::at(1.0),
                    surge_base: [0.0; NCLASS],
                    surge_extra: [0.0; NCLASS],
                    surge_pending: false,
                    surge_now: 0.0,
                    calls_offered: 0.0,
                    calls_admitted: 0.0,
                    extra_ms: 0.0,
                    own_tail: Tail::NONE,
                    set_tail: Tail::NONE,
                    deploy: None,
                    build_err: 0.0,
                    deadline_check: p.deadline_check,
                    queue: [0.0; MAX_POOLS],
                    warm: p.hit_rate,
                    cold_event: None,
                    storage_used: p.storage_used_gb,
                    rolling_left: 0.0,
                    rolling_down: 0.0,
                    rolling_timer: 0,
                    above_ms: 0,
                    below_ms: 0,
                    pending_scale: None,
                    ordered_scale: None,
                    avail: 1.0,
                    arr: [0.0; NCLASS],
                    carry: [0.0; NCLASS],
                    mix: [1.0 / NCLASS as f64; NCLASS],
                    served_k: [0.0; NCLASS],
                    rl: 0.0,
                    pool_lambda: [0.0; MAX_POOLS],
                    pool_cap: [0.0; MAX_POOLS],
                    pool_wb: [0.0; MAX_POOLS],
                    pool_c: [0.0; MAX_POOLS],
                    pool_rate: [1.0; MAX_POOLS],
                    pool_wq: [0.0; MAX_POOLS],
                    pool_rej: [0.0; MAX_POOLS],
                    pool_exp: [0.0; MAX_POOLS],
                    ok: [1.0; NCLASS],
                    del: [1.0; NCLASS],
                    fast: [0.0; NCLASS],
                    unavail: [0.0; NCLASS],
                    lat: [0.0; NCLASS],
                    fix: [0.0; NCLASS],
                    slow: [0.0; NCLASS],
                    slow_ms: [0.0; NCLASS],
                    uok: [1.0; NCLASS],
                    ulat: [0.0; NCLASS],
                    own_lat: p.service_ms,
                    own_wait_ms: 0.0,
                    util: 0.0,
                    err: 0.0,
                    probe_err: 0.0,
                    throughput: 0.0,
                    capacity: 0.0,
                    arrivals: 0.0,
                    latency: 0.0,
                    pool_in_use: 0.0,
                    waiting: 0.0,
                    mem_frac: 0.0,
                    mem_front: 1.0,
                    mem_crash_pending: 0.0,
                    down: false,
                    health: Health::Healthy,
                    calm_ms: 0,
                    cause: None,
                    struck: None,
                    health_event: None,
                    p,
                }
            })
            .collect();
        let bcfg = BreakerConfig::preset(s.breaker);
        let edges: Vec<Edge> = t
            .dependencies
            .iter()
            .enumerate()
            .map(|(e, d)| {
                let route = s.routes[e];
                let carries =
                    d.kind == DependencyKind::Call && route.calls.iter().any(|&c| c > 0.0);
                Edge {
                    from: d.from,
                    to: d.to,
                    kind: d.kind,
                    route,
                    carries,
                    breaker: BreakerFleet::new(bcfg),
                    mode: BreakerMode::Auto,
                    partitioned: None,
                    opened_event: None,
                    held: [0.0; NCLASS],
                    calls: [0.0; NCLASS],
                    eff_calls: [0.0; NCLASS],
                    adm: 1.0,
                    q_prev: 0.0,
                    ok: [1.0; NCLASS],
                    err: 0.0,
                    traffic: 0.0,
                    fo: t.failovers.iter().position(|f| f.from == d.to),
                    fo_share: [0.0; NCLASS],
                    moved: [0.0; NCLASS],
                    lanes: {
                        let mut l = [0u8; NCLASS];
                        let mut n = 0;
                        for k in 0..NCLASS {
                            if route.calls[k] > 0.0 {
                                l[n] = k as u8;
                                n += 1;
                            }
                        }
                        l
                    },
                    nl: route.calls.iter().filter(|&&c| c > 0.0).count(),
                }
            })
            .collect();
        for (e, d) in edges.iter().enumerate() {
            if d.carries {
                comps[d.from].out_edges.push(e);
                if let Some(c) = d.route.miss_of {
                    comps[c].fallback_edges.push(e);
                }
            }
            if d.kind == DependencyKind::Hosts {
                comps[d.to].hosts.push(d.from);
            }
        }
        let fos = t
            .failovers
            .iter()
            .map(|f| Fo {
                from: f.from,
                to: f.to,
                f: Failover::default(),
                rebuilt: 0.0,
                sent: 0.0,
                rebuilt_logged: false,
                began_event: None,
            })
            .collect();
        let (region_entry, region_share): (Vec<(usize, usize)>, Vec<f64>) = if t.regions.is_empty()
        {
            (vec![(order[0], order[0])], vec![1.0])
        } else {
            t.regions
                .iter()
                .take(MAX_REGIONS)
                .map(|r| ((r.edge, r.voice_edge), r.share))
                .unzip()
        };
        let users = region_share
            .iter()
            .map(|sh| Users {
                connected: s.traffic.users * sh,
                reconnecting: 0.0,
                offline: 0.0,
            })
            .collect::<Vec<_>>();
        let nr = users.len();
        let reconnect_stages = vec![[0.0; users::STAGES]; nr];
        let ring_ticks = (MAX_RETRY_DELAY_MS / s.tick_ms) as usize + 2;
        let which = |f: &dyn Fn(&Comp) -> bool| -> Vec<usize> {
            (0..n).filter(|&i| f(&comps[i])).collect()
        };
        // In the order of the `ROLE_*` indices.
        let role_comps = [
            which(&|c| c.p.role == Role::Monitoring),
            which(&|c| c.p.role == Role::Config),
            which(&|c| c.p.role == Role::Orchestrator),
            which(&|c| c.p.role == Role::Database),
            which(&|c| c.p.role == Role::MessageQueue),
            which(&|c| c.p.storage_gb > 0.0),
        ];
        let mut st = State {
            scenario: std::sync::Arc::new(s.clone()),
            seed,
            now_ms: 0,
            tick: 0,
            dt: s.tick_ms as f64 / 1000.0,
            rng: Pcg32::new(seed, 0x0fa1_7115),
            comps,
            edges,
            fos,
            order,
            users,
            reconnect_stages,
            region_entry,
            ring: RetryRing::with_regions(ring_ticks, nr),
            tokens: s.client_retry.budget.map_or(0.0, |b| b.max_tokens),
            retry: s.client_retry,
            retry_prev: s.client_retry,
            retry_since_ms: 0,
            retry_rollout_ms: 0.0,
            multiplier: Ramp::at(s.traffic.multiplier),
            class_multiplier: [1.0; NCLASS],
            switches: [false; 6],
            armed: s.triggers,
            trigger_ms: [0; 4],
            sending_disabled: false,
            admission: s.traffic.reconnect_admission,
            shed: 0.0,
            timeline_idx: 0,
            events: Vec::new(),
            samples: Vec::new(),
            action_log: Vec::new(),
            operator_log: Vec::new(),
            next_sample: 0,
            load_cause: [None; NCLASS],
            herd_event: vec![None; nr],
            sessions_crashed: None,
            storm_event: None,
            storm_calm_ms: 0,
            att: vec![[0.0; NCLASS]; nr],
            refused: vec![[0.0; NCLASS]; nr],
            first: [0.0; NCLASS],
            retrying: [0.0; NCLASS],
            region_due: vec![[[0.0; ATTEMPT_BUCKETS]; NCLASS]; nr],
            region_first: vec![[0.0; NCLASS]; nr],
            sli: Sli::default(),
            sli_shown: Sli::default(),
            sli_as_of: 0,
            blind: false,
            last_seen: None,
            config_blocked: false,
            orch_down: false,
            role_comps,
            retry_windows: [(); 2].map(|_| RetryWindows {
                key: None,
                w: [[[None; 2]; ATTEMPT_BUCKETS + 1]; NCLASS],
            }),
            maybe_open: true,
        };
        st.sli = st.ideal_sli();
        st.sli_shown = st.sli;
        Ok(st)
    }
}
