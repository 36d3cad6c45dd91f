//! The inspector's live part for one component: health and why, live figures with
//! sparklines, the operator's actions (kill, revive, degrade, add latency,
//! rolling restart, scale, rate and queue limits, deploys) and, per outgoing
//! dependency, its breaker, a partition toggle and what a failed call does
//! (fail, ignore, buffer).
//!
//! Every button goes through [`Live::act`], so actions land in the action
//! log, the event log and the URL, and refusals show as a message.

use faultline_core::sim::BreakerMode;
use faultline_core::{Action, DependencyKind};
use leptos::prelude::*;

use super::deploy_controls::DeployControl;
use super::driver::Live;
use super::limit_controls::LimitControls;
use super::load_controls::{ScaleControl, SurgeControl};
use super::view_model::{
    self, breaker_word, errors_text, grouped, latency_text, load_text, rate, retries_text,
    servers_text,
};
use super::why::WhyPanel;

/// How many samples the sparklines show.
const SPARK_SAMPLES: usize = 60;

/// An SVG sparkline of `values` scaled into `0..=max` (or their own maximum).
fn sparkline(values: &[f64], max: Option<f64>, class: &'static str) -> impl IntoView {
    let (w, h) = (120.0, 24.0);
    let top = max.unwrap_or_else(|| values.iter().copied().fold(0.0_f64, f64::max).max(1e-9));
    let n = values.len().max(2) as f64 - 1.0;
    let points = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let v = if v.is_finite() { *v } else { 0.0 };
            format!(
                "{:.1},{:.1}",
                i as f64 / n * w,
                h - 1.0 - (v / top).clamp(0.0, 1.0) * (h - 2.0)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <svg class=format!("spark {class}") width="120" height="24" viewBox="0 0 120 24" aria-hidden="true">
            <polyline points=points fill="none" stroke-width="1.5"></polyline>
        </svg>
    }
}

/// One component's live figures, as shown.
#[derive(Clone, Debug, PartialEq, Default)]
struct Figures {
    load: String,
    retries: Option<String>,
    throughput: String,
    throughput_value: String,
    queue: String,
    latency: String,
    errors: String,
    servers: String,
    memory: String,
    hits: Option<String>,
    pool: Option<String>,
}

/// Live figures, sparklines and actions for component `index`.
#[component]
pub fn ComponentActions(
    /// Index into the topology's components.
    index: usize,
) -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let scenario = live.scenario_now();
    let t = &scenario.topology;
    let Some(comp) = t.components.get(index) else {
        return view! { <p class="live-error">"Unknown component."</p> }.into_any();
    };
    let id = comp.id.clone();
    let name = comp.name.clone();

    // Only what the health line shows (the node's summary changes every frame).
    let node = Memo::new(move |_| {
        live.view
            .with(|v| v.nodes.get(index).map(|n| (n.word, n.glyph, n.color)))
    });
    // The figures as text, memoised: the DOM changes only where a shown
    // figure changed, and no element is rebuilt while playing.
    let fig = Memo::new(move |_| {
        live.snapshot.with(|s| {
            s.components.get(index).map(|c| Figures {
                load: load_text(c.utilisation, c.arrivals, c.capacity),
                retries: retries_text(c.retry_share, c.arrivals),
                throughput: format!("{} of {}", rate(c.throughput), rate(c.capacity)),
                throughput_value: format!("{:.1}", c.throughput),
                queue: format!("{} / {}", grouped(c.queue.round()), grouped(c.queue_limit)),
                latency: latency_text(c),
                errors: errors_text(c.error_rate, c.unavailable),
                servers: servers_text(
                    c.servers,
                    c.target_servers,
                    c.capacity_fraction,
                    c.waits_for_orchestrator,
                ),
                memory: format!("{:.0}%", c.memory_fraction * 100.0),
                hits: (c.hit_rate > 0.0).then(|| format!("{:.1}%", c.hit_rate * 100.0)),
                pool: (c.pool_in_use > 0.0).then(|| format!("{:.0}%", c.pool_in_use * 100.0)),
            })
        })
    });
    let text = move |f: fn(&Figures) -> String| {
        move || fig.with(|x| x.as_ref().map(f).unwrap_or_default())
    };
    // The same component in the run the charts compare with, if any.
    let compared = Memo::new(move |_| {
        live.compared_component(index)
            .map(|c| super::compare::component_line(&c))
    });
    let has_retries =
        Memo::new(move |_| fig.with(|x| x.as_ref().is_some_and(|f| f.retries.is_some())));
    let has_hits = Memo::new(move |_| fig.with(|x| x.as_ref().is_some_and(|f| f.hits.is_some())));
    let has_pool = Memo::new(move |_| fig.with(|x| x.as_ref().is_some_and(|f| f.pool.is_some())));
    let figures = view! {
        <dl class="live-figures">
            <dt>"Load"</dt>
            <dd data-figure="load">{text(|f| f.load.clone())}</dd>
            <Show when=move || has_retries.get()>
                <dt>"Retries"</dt>
                <dd data-figure="retries">{text(|f| f.retries.clone().unwrap_or_default())}</dd>
            </Show>
            <dt>"Throughput"</dt>
            <dd data-figure="throughput" data-value=text(|f| f.throughput_value.clone())>
                {text(|f| f.throughput.clone())}
            </dd>
            <dt>"Queue"</dt>
            <dd>{text(|f| f.queue.clone())}</dd>
            <dt>"Latency"</dt>
            <dd data-figure="latency">{text(|f| f.latency.clone())}</dd>
            <dt>"Errors"</dt>
            <dd data-figure="errors">{text(|f| f.errors.clone())}</dd>
            <dt>"Servers"</dt>
            <dd data-figure="servers">{text(|f| f.servers.clone())}</dd>
            <dt>"Memory"</dt>
            <dd>{text(|f| f.memory.clone())}</dd>
            <Show when=move || has_hits.get()>
                <dt>"Cache hits"</dt>
                <dd>{text(|f| f.hits.clone().unwrap_or_default())}</dd>
            </Show>
            <Show when=move || has_pool.get()>
                <dt>"Pool in use"</dt>
                <dd>{text(|f| f.pool.clone().unwrap_or_default())}</dd>
            </Show>
        </dl>
    };
    let sparks = move || {
        live.history.track();
        // Blind monitoring: the sparklines end where the dashboards did.
        let seen_until = live.blind_since.get_untracked();
        let (load, err, lat) = live.with_sim(|s| {
            let all = s.samples();
            let seen = seen_until.map_or(all.len(), |t| all.partition_point(|x| x.t_ms <= t));
            let samples = &all[..seen];
            let from = samples.len().saturating_sub(SPARK_SAMPLES);
            let mut load = Vec::new();
            let mut err = Vec::new();
            let mut lat = Vec::new();
            for x in &samples[from..] {
                if let Some(c) = x.components.get(index) {
                    load.push(c.utilisation);
                    err.push(c.error_rate);
                    lat.push(c.latency_ms);
                }
            }
            (load, err, lat)
        });
        (load.len() >= 2).then(|| {
            view! {
                <div class="live-sparks">
                    <span>"load"</span>
                    {sparkline(&load, Some(1.0), "spark-load")}
                    <span>"errors"</span>
                    {sparkline(&err, Some(1.0), "spark-err")}
                    <span>"latency"</span>
                    {sparkline(&lat, None, "spark-lat")}
                </div>
            }
        })
    };

    let capacity = RwSignal::new(50.0_f64);
    let latency = RwSignal::new(200.0_f64);
    // Percent of its requests a slow tail slows down.
    let tail_pct = RwSignal::new(2.0_f64);
    let act = move |a: Action| {
        let _ = live.act(a);
    };
    let i7 = id.clone();
    let (i1, i2, i3, i4, i5) = (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());

    // The operator's switches folded over the action log once for the
    // panel; each edge's controls read their slot of it.
    let controls = Memo::new(move |_| {
        live.applied
            .with(|log| view_model::controls(&live.scenario.read(), log))
    });
    let breakers = t
        .dependencies
        .iter()
        .enumerate()
        .filter(|(_, d)| d.from == index && d.kind == DependencyKind::Call)
        .map(|(j, d)| {
            let to_id = t.components[d.to].id.clone();
            let to_name = t.components[d.to].name.clone();
            let from_id = id.clone();
            let state = move || {
                live.snapshot
                    .with(|s| s.edges.get(j).map(|e| breaker_word(e.breaker)).unwrap_or("?"))
            };
            let mode = Memo::new(move |_| {
                controls.with(|c| c.breaker_modes.get(j).copied().unwrap_or(BreakerMode::Auto))
            });
            // What the edge carries now, as the map's readout says it
            // (the keyboard's way to the same figures).
            let flow = Memo::new(move |_| {
                live.view
                    .with(|v| v.edges.get(j).map(|e| super::edge_hover::readout_lines(e).0))
                    .unwrap_or_default()
            });
            let buttons = [BreakerMode::Auto, BreakerMode::ForceOpen, BreakerMode::ForceClosed]
                .into_iter()
                .map(|m| {
                    let (f, tt) = (from_id.clone(), to_id.clone());
                    let label = match m {
                        BreakerMode::Auto => "Auto",
                        BreakerMode::ForceOpen => "Force open",
                        BreakerMode::ForceClosed => "Force closed",
                    };
                    let key = match m {
                        BreakerMode::Auto => "auto",
                        BreakerMode::ForceOpen => "force_open",
                        BreakerMode::ForceClosed => "force_closed",
                    };
                    view! {
                        <button
                            class="seg"
                            data-mode=key
                            aria-pressed=move || if mode.get() == m { "true" } else { "false" }
                            aria-label=format!("{label}: the breaker to {}", to_name_for(&tt))
                            on:click=move |_| act(Action::SetBreaker { from: f.clone(), to: tt.clone(), mode: m })
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view();
            // Partition (cut this component off from the dependency; calls
            // are held and delivered on heal) or heal, as one toggle.
            let cut = Memo::new(move |_| {
                live.snapshot
                    .with(|s| s.edges.get(j).is_some_and(|e| e.partitioned))
            });
            let (pf, pt) = (from_id.clone(), to_id.clone());
            let cut_label = {
                let (me, dep) = (name.clone(), to_name.clone());
                move || {
                    if cut.get() {
                        format!("Heal the partition between {me} and {dep}")
                    } else {
                        format!("Partition {me} from {dep}")
                    }
                }
            };
            let toggle_cut = move |_| {
                let (component, dependency) = (pf.clone(), pt.clone());
                if cut.get_untracked() {
                    act(Action::Heal { component, dependency })
                } else {
                    act(Action::Partition { component, dependency })
                }
            };
            // What a failed call does to this component's request (the
            // route's `on_failure`), for edges that carry calls: seed 004's
            // "ignore the presence cluster" is one change here.
            let carries = scenario
                .routes
                .get(j)
                .is_some_and(|r| r.calls.iter().any(|&c| c > 0.0));
            let on_fail =
                Memo::new(move |_| controls.with(|c| c.failure_modes.get(j).copied()));
            let failure = carries.then(|| {
                let (f, tt) = (from_id.clone(), to_id.clone());
                view! {
                    <select
                        class="on-failure"
                        data-control="failure_mode"
                        aria-label=format!("When a call to {to_name} fails")
                        title="When a call to it fails"
                        on:change=move |e| {
                            if let Some(mode) = view_model::failure_mode_from_key(&event_target_value(&e)) {
                                act(Action::SetFailureMode { from: f.clone(), to: tt.clone(), mode });
                            }
                        }
                    >
                        {view_model::FAILURE_MODES
                            .into_iter()
                            .map(|(m, key, label)| {
                                view! {
                                    <option value=key prop:selected=move || on_fail.get() == Some(m)>
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                }
            });
            let light = super::edge_hover::RowLight::new(j);
            view! {
                <li
                    class="live-breaker"
                    on:mouseenter=move |_| light.on()
                    on:mouseleave=move |_| light.off()
                    on:focusin=move |_| light.on()
                    on:focusout=move |_| light.off()
                    data-edge=view_model::edge_key(&id, &to_id)
                    data-breaker=state
                    data-partitioned=move || cut.get().to_string()
                >
                    <span class="to">{to_name.clone()}</span>
                    <span class="state">{state}</span>
                    <span class="flow" data-figure="edge-flow">{move || flow.get()}</span>
                    <span class="segs" role="group" aria-label=format!("Breaker mode to {to_name}")>{buttons}</span>
                    <button
                        class="cut"
                        data-action=move || if cut.get() { "heal" } else { "partition" }
                        aria-pressed=move || cut.get().to_string()
                        aria-label=cut_label
                        on:click=toggle_cut
                    >
                        {move || if cut.get() { "Heal" } else { "Partition" }}
                    </button>
                    {failure}
                    {move || cut.get().then(|| view! { <span class="cut-state">"partitioned: calls held"</span> })}
                </li>
            }
        })
        .collect_view();

    view! {
        <section class="live-actions" data-live-component=id.clone() aria-label=format!("Live state and actions for {name}")>
            <h3>"Live"</h3>
            {move || {
                node.get()
                    .map(|(word, glyph, color)| {
                        view! {
                            <p class="live-health" data-health=word style=format!("--health:{color}")>
                                <span class="glyph" aria-hidden="true">{glyph}</span>
                                " "
                                {word}
                            </p>
                        }
                    })
            }}
            <WhyPanel index=index />
            {figures}
            {move || {
                compared.get().map(|line| view! {
                    <p class="live-compared" data-figure="compared">{line}</p>
                })
            }}
            {sparks}
            <h3>"Act on it"</h3>
            <div class="live-buttons">
                <button data-action="kill" on:click=move |_| act(Action::Kill { component: i1.clone() })>"Kill"</button>
                <button data-action="revive" on:click=move |_| act(Action::Revive { component: i2.clone() })>"Revive"</button>
                <button data-action="rolling_restart" on:click=move |_| act(Action::RollingRestart { component: i3.clone() })>
                    "Rolling restart"
                </button>
            </div>
            <div class="live-row">
                <label>
                    "Capacity "
                    <input
                        type="range"
                        min="5"
                        max="100"
                        step="5"
                        aria-label="Capacity to keep, percent"
                        prop:value=move || capacity.get().to_string()
                        on:input=move |e| capacity.set(event_target_value(&e).parse().unwrap_or(50.0))
                    />
                    <output>{move || format!("{:.0}%", capacity.get())}</output>
                </label>
                <button
                    data-action="degrade"
                    on:click=move |_| act(Action::Degrade { component: i4.clone(), capacity_fraction: capacity.get_untracked() / 100.0 })
                >
                    // At 100% the same action gives lost capacity back
                    // (seed 004, 16:10: the soft-locked VM moved to
                    // another host).
                    {move || if capacity.get() >= 100.0 { "Restore capacity" } else { "Degrade" }}
                </button>
            </div>
            <div class="live-row">
                <label>
                    "Extra latency "
                    <input
                        type="number"
                        min="0"
                        max="600000"
                        step="50"
                        data-control="latency_ms"
                        aria-label="Extra latency in milliseconds"
                        prop:value=move || latency.get().to_string()
                        on:input=move |e| latency.set(event_target_value(&e).parse().unwrap_or(f64::NAN))
                    />
                    " ms"
                </label>
                <button data-action="add_latency" on:click=move |_| act(Action::AddLatency { component: i5.clone(), ms: latency.get_untracked() })>
                    "Add latency"
                </button>
            </div>
            <div class="live-row">
                <label>
                    "Or just "
                    <select
                        data-control="tail_share"
                        aria-label="Share of requests slowed, percent"
                        on:change=move |e| tail_pct.set(event_target_value(&e).parse().unwrap_or(2.0))
                    >
                        {[0.5, 1.0, 2.0, 5.0, 10.0, 25.0]
                            .into_iter()
                            .map(|f| view! { <option value=f.to_string() selected=f == 2.0>{format!("{f}%")}</option> })
                            .collect_view()}
                    </select>
                    " of its requests"
                </label>
                <button
                    data-action="slow_tail"
                    title="A slow tail: a compacting disk, a straggler. The mean barely moves; the p99 jumps once the share passes 1%."
                    on:click=move |_| act(Action::SlowTail { component: i7.clone(), share: tail_pct.get_untracked() / 100.0, ms: latency.get_untracked() })
                >
                    "Slow tail"
                </button>
            </div>
            <ScaleControl index=index />
            <SurgeControl index=index />
            <LimitControls index=index />
            <DeployControl index=index />
            {(!breakers_is_empty(t, index)).then(|| view! {
                <h3>"Its calls: breakers, partitions, failures"</h3>
                <ul class="live-breakers">{breakers}</ul>
            })}
        </section>
    }
    .into_any()
}

fn to_name_for(id: &str) -> String {
    id.replace('_', " ")
}

fn breakers_is_empty(t: &faultline_core::Topology, index: usize) -> bool {
    !t.dependencies
        .iter()
        .any(|d| d.from == index && d.kind == DependencyKind::Call)
}
