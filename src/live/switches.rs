//! The kill-switch panel (the seed's six emergency flags, the four
//! automatic triggers, global "disable message sending", reconnect
//! admission) and the traffic panel (multiplier, one-click ×10 spike, at
//! once or building over minutes, load shedding, the clients' retry policy).
//!
//! Checkbox states are read back from the simulation (switches) or folded
//! from the action log ([`view_model::controls`]), so a replayed link shows
//! the same settings.

use faultline_core::sim::{AutoTrigger, KillSwitch};
use faultline_core::Action;
use leptos::prelude::*;

use super::driver::Live;
use super::load_controls::RampSelect;
use super::view_model::{self, multiplier, Controls, RetryChoice};

/// A switch's name in words: `enable_read_only_mode` → "Enable read only mode".
pub fn switch_label(s: KillSwitch) -> String {
    let words = s.as_str().replace('_', " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => words,
    }
}

fn controls_memo(live: Live) -> Memo<Controls> {
    Memo::new(move |_| {
        live.applied.with(|log| {
            let sc = live.scenario.read();
            view_model::controls(&sc, log)
        })
    })
}

/// The kill switches, triggers, message sending and reconnect admission.
#[component]
pub fn SwitchesPanel() -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let controls = controls_memo(live);
    let act = move |a: Action| {
        let _ = live.act(a);
    };
    // Memoised: the snapshot changes every frame, the switches rarely.
    let states = Memo::new(move |_| {
        live.snapshot
            .with(|s| s.kill_switches.iter().map(|x| x.on).collect::<Vec<bool>>())
    });
    let switches = KillSwitch::ALL
        .into_iter()
        .enumerate()
        .map(|(i, sw)| {
            let on = move || states.with(|v| v.get(i).copied().unwrap_or(false));
            view! {
                <li>
                    <label data-switch=sw.as_str() class:on=on>
                        <input
                            type="checkbox"
                            prop:checked=on
                            on:change=move |e| act(Action::SetKillSwitch { switch: sw, on: event_target_checked(&e) })
                        />
                        " "
                        <code>{sw.as_str()}</code>
                    </label>
                </li>
            }
        })
        .collect_view();
    let triggers = AutoTrigger::ALL
        .into_iter()
        .map(|tr| {
            let armed = move || controls.with(|c| c.triggers[tr as usize]);
            view! {
                <li>
                    <label data-trigger=format!("{tr:?}")>
                        <input
                            type="checkbox"
                            prop:checked=armed
                            on:change=move |e| act(Action::SetAutoTrigger { trigger: tr, enabled: event_target_checked(&e) })
                        />
                        " "
                        {tr.rule()}
                    </label>
                </li>
            }
        })
        .collect_view();
    let admission = RwSignal::new(String::new());
    let blocked = Memo::new(move |_| live.snapshot.with(|s| s.config_blocked));
    view! {
        <section class="live-panel live-switches" aria-label="Kill switches">
            <h2>"Kill switches"</h2>
            {move || blocked.get().then(|| view! {
                <p class="live-warn" role="status">"Config Service and Emergency Config are down: flags cannot change."</p>
            })}
            <ul class="plain">{switches}</ul>
            <h3>"Automatic triggers (armed)"</h3>
            <ul class="plain">{triggers}</ul>
            <h3>"Load shedding"</h3>
            <label data-control="disable_message_sending">
                <input
                    type="checkbox"
                    prop:checked=move || controls.with(|c| c.sending_disabled)
                    on:change=move |e| act(Action::DisableMessageSending { disabled: event_target_checked(&e) })
                />
                " Disable message sending (everyone)"
            </label>
            <h3>"Circuit breakers (all edges)"</h3>
            <div class="live-row">
                <label>
                    "Semantics "
                    <select
                        data-control="breaker_preset"
                        aria-label="Circuit-breaker preset for every breaker"
                        on:change=move |e| {
                            if let Some(p) = view_model::breaker_preset_from_key(&event_target_value(&e)) {
                                act(Action::SetBreakerPreset { preset: p });
                            }
                        }
                    >
                        {view_model::BREAKER_PRESETS
                            .into_iter()
                            .map(|(p, key, label, _)| {
                                view! {
                                    <option value=key prop:selected=move || controls.with(|c| c.breaker_preset == p)>
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <p class="live-help" data-help="breaker_preset">
                {move || {
                    let p = controls.with(|c| c.breaker_preset);
                    view_model::BREAKER_PRESETS.iter().find(|x| x.0 == p).map_or("", |x| x.3)
                }}
            </p>
            <h3>"Reconnects"</h3>
            <div class="live-row">
                <label>
                    "Reconnect admission "
                    <input
                        type="number"
                        min="0"
                        step="1000"
                        placeholder="no cap"
                        aria-label="Reconnect admission, connections per second (0 = no cap)"
                        prop:value=move || admission.get()
                        on:input=move |e| admission.set(event_target_value(&e))
                    />
                    " /s"
                </label>
                <button
                    data-action="reconnect_admission"
                    on:click=move |_| {
                        let text = admission.get_untracked();
                        match text.trim().parse::<f64>() {
                            Ok(v) => act(Action::SetReconnectAdmission { per_second: v }),
                            Err(_) if text.trim().is_empty() => act(Action::SetReconnectAdmission { per_second: 0.0 }),
                            Err(_) => live.notice.set(Some(super::driver::Notice {
                                error: true,
                                text: format!("Reconnect admission `{text}` is not a number"),
                            })),
                        }
                    }
                >
                    "Set"
                </button>
                <span class="now">
                    {move || {
                        let v = controls.with(|c| c.reconnect_admission);
                        if v > 0.0 {
                            format!("now {}/s", view_model::grouped(v))
                        } else {
                            "now no cap".to_string()
                        }
                    }}
                </span>
            </div>
        </section>
    }
    .into_any()
}

/// Traffic multiplier, ×10 spike, shedding and the clients' retry policy.
#[component]
pub fn TrafficPanel() -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let controls = controls_memo(live);
    let act = move |a: Action| {
        let _ = live.act(a);
    };
    let draft = RwSignal::new(None::<f64>);
    // How long the next multiplier takes to arrive, s (0: at once).
    let ramp_s = RwSignal::new(0_u32);
    let set_multiplier = move |m: f64| {
        act(Action::SetTrafficMultiplier {
            multiplier: m,
            ramp_s: f64::from(ramp_s.get_untracked()),
        })
    };
    // "×3.2 → ×10" while a ramp is on its way, memoised off the snapshot.
    let ramping = Memo::new(move |_| {
        live.snapshot.with(|s| {
            ((s.traffic_multiplier - s.traffic_multiplier_target).abs() > 1e-9).then(|| {
                format!(
                    "now ×{} → ×{}",
                    multiplier(s.traffic_multiplier),
                    multiplier(s.traffic_multiplier_target)
                )
            })
        })
    });
    // How the next retry policy reaches the clients, ms (0: at once).
    let rollout = RwSignal::new(0.0_f64);
    let shown = move || {
        draft
            .get()
            .unwrap_or_else(|| controls.with(|c| c.multiplier))
    };
    view! {
        <section class="live-panel live-traffic" aria-label="Traffic and retries">
            <h2>"Traffic"</h2>
            <div class="live-row">
                <label>
                    "Multiplier "
                    <input
                        type="range"
                        min="0"
                        max="20"
                        step="0.5"
                        aria-label="Traffic multiplier"
                        prop:value=move || shown().to_string()
                        on:input=move |e| draft.set(event_target_value(&e).parse().ok())
                        on:change=move |e| {
                            draft.set(None);
                            if let Ok(m) = event_target_value(&e).parse::<f64>() {
                                set_multiplier(m);
                            }
                        }
                    />
                    <output data-value="multiplier">{move || format!("×{:.1}", shown())}</output>
                </label>
            </div>
            <div class="live-buttons">
                <button data-action="spike" on:click=move |_| set_multiplier(10.0)>
                    "×10 spike"
                </button>
                <button data-action="normal_traffic" on:click=move |_| set_multiplier(1.0)>
                    "Back to ×1"
                </button>
                <RampSelect
                    ramp_s=ramp_s
                    control="traffic_ramp"
                    label="How long a traffic change takes to arrive"
                />
            </div>
            <Show when=move || ramping.with(Option::is_some)>
                <p class="now" data-now="traffic">{move || ramping.get().unwrap_or_default()}</p>
            </Show>
            <div class="live-row">
                <label>
                    "Shed at the edge "
                    <select
                        aria-label="Share of requests shed at the edge"
                        on:change=move |e| {
                            if let Ok(f) = event_target_value(&e).parse::<f64>() {
                                act(Action::ShedLoad { fraction: f });
                            }
                        }
                    >
                        {[0.0, 0.1, 0.25, 0.5, 0.75]
                            .into_iter()
                            .map(|f| {
                                view! {
                                    <option value=f.to_string() prop:selected=move || controls.with(|c| (c.shed - f).abs() < 1e-9)>
                                        {if f == 0.0 { "none".to_string() } else { format!("{:.0}%", f * 100.0) }}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <h3>"Client retry policy"</h3>
            <select
                data-control="retry_policy"
                aria-label="Client retry policy"
                on:change=move |e| {
                    if let Some(c) = RetryChoice::from_key(&event_target_value(&e)) {
                        act(Action::SetRetryPolicy { policy: c.policy(), rollout_ms: rollout.get_untracked() });
                    }
                }
            >
                {RetryChoice::ALL
                    .into_iter()
                    .map(|c| {
                        view! {
                            <option value=c.key() prop:selected=move || controls.with(|x| x.retry == c)>
                                {c.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label class="live-rollout">
                "Reaches the clients "
                <select
                    data-control="retry_rollout"
                    aria-label="How a new retry policy reaches the clients"
                    title="A server-side flag reaches every client at once; an app update reaches them as they update or restart, and the others keep retrying the old way (63% within the time shown)."
                    on:change=move |e| rollout.set(event_target_value(&e).parse().unwrap_or(0.0))
                >
                    {[(0.0, "at once (a flag)"), (3_600_000.0, "over ~1 h (app update)"), (14_400_000.0, "over ~4 h (app update)")]
                        .into_iter()
                        .map(|(ms, label)| view! { <option value=ms.to_string() selected=ms == 0.0>{label}</option> })
                        .collect_view()}
                </select>
            </label>
            {move || {
                let reached = live.snapshot.with(|s| s.retry_policy_adoption);
                (reached < 0.999).then(|| view! {
                    <p class="live-help" data-figure="retry_adoption">
                        {format!("The new policy has reached {:.0}% of clients; the rest retry the old way.", reached * 100.0)}
                    </p>
                })
            }}
        </section>
    }
    .into_any()
}
