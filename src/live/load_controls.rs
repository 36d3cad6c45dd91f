//! The inspector's capacity and load rows for one component: scaling its
//! servers, and a surge of extra load from outside the modelled users.
//!
//! Scaling takes the component's own provisioning time where it has an
//! autoscaler (the servers are the same whoever orders them; seed 002's
//! 14:50 manual scaling brought connections back at 15:05), and is at once
//! elsewhere. A surge is something that happens *to* the platform, so a
//! drill does not offer it: the on-call team cannot send a crowd home.

use faultline_core::Action;
use leptos::prelude::*;

use super::driver::live_and_component;
use super::view_model::{multiplier, rate};

/// Scale factors offered, × the configured servers.
const SCALE_FACTORS: [f64; 6] = [0.5, 1.0, 1.5, 2.0, 3.0, 5.0];
/// Surge factors offered, × the load when the surge starts.
const SURGE_FACTORS: [f64; 6] = [1.5, 2.0, 3.0, 4.0, 5.0, 10.0];
/// How long a load change takes to arrive, in seconds, with its words: a
/// crowd arrives at once or builds over minutes.
const RAMPS: [(u32, &str); 3] = [(0, "at once"), (60, "over 1 min"), (300, "over 5 min")];

/// "[at once | over 1 min | over 5 min]": how long the next load change
/// (a surge, the traffic multiplier) takes to arrive, in seconds.
#[component]
pub fn RampSelect(
    /// The chosen ramp, seconds.
    ramp_s: RwSignal<u32>,
    /// `data-control` name, for tests and drills.
    control: &'static str,
    /// What it times, for screen readers.
    label: &'static str,
) -> impl IntoView {
    view! {
        <select
            data-control=control
            aria-label=label
            on:change=move |e| ramp_s.set(event_target_value(&e).parse().unwrap_or(0))
        >
            {RAMPS
                .into_iter()
                .map(|(s, words)| view! { <option value=s.to_string() selected=s == 0>{words}</option> })
                .collect_view()}
        </select>
    }
}

/// "Servers × [factor] [Scale]", with when ordered servers arrive.
#[component]
pub fn ScaleControl(
    /// Index into the topology's components.
    index: usize,
) -> impl IntoView {
    let Some((live, id)) = live_and_component(index) else {
        return ().into_any();
    };
    let provision_ms = live
        .scenario_now()
        .params
        .get(index)
        .and_then(|p| p.autoscale)
        .map_or(0, |a| a.provision_ms);
    let factor = RwSignal::new(2.0_f64);
    let note = provision_note(provision_ms);
    view! {
        <div class="live-row" data-control-row="scale">
            <label>
                "Servers × "
                <select
                    aria-label="Scale factor"
                    on:change=move |e| factor.set(event_target_value(&e).parse().unwrap_or(1.0))
                >
                    {SCALE_FACTORS
                        .into_iter()
                        .map(|f| view! { <option value=f.to_string() selected=f == 2.0>{f.to_string()}</option> })
                        .collect_view()}
                </select>
            </label>
            <span class="now" data-now="provision">{note}</span>
            <button
                data-action="scale"
                on:click=move |_| {
                    let _ = live.act(Action::Scale {
                        component: id.clone(),
                        factor: factor.get_untracked(),
                        provision_ms: provision_ms as f64,
                    });
                }
            >
                "Scale"
            </button>
        </div>
    }
    .into_any()
}

/// When ordered servers arrive, in words.
pub fn provision_note(provision_ms: u64) -> String {
    match provision_ms {
        0 => "at once".into(),
        ms if ms % 60_000 == 0 => format!("new servers in {} min", ms / 60_000),
        ms => format!("new servers in {} s", ms.div_ceil(1000)),
    }
}

/// "Surge × [factor] [Surge]" and, while one lasts, what it adds and an
/// "End surge" button. Not offered while a drill runs.
#[component]
pub fn SurgeControl(
    /// Index into the topology's components.
    index: usize,
) -> impl IntoView {
    let Some((live, id)) = live_and_component(index) else {
        return ().into_any();
    };
    // Copy, so the drill's `Show` can rebuild the row.
    let id = StoredValue::new(id);
    let factor = RwSignal::new(3.0_f64);
    let ramp_s = RwSignal::new(0_u32);
    // The surge now and the arrivals it adds, memoised: the row changes
    // only when they do.
    let now = Memo::new(move |_| {
        live.snapshot.with(|s| {
            s.components
                .get(index)
                .and_then(|c| surge_now(c.surge, c.surge_target, c.surge_rate))
        })
    });
    let surging = Memo::new(move |_| now.with(Option::is_some));
    let surge = move |factor: f64| {
        let component = id.get_value();
        let _ = live.act(Action::Surge {
            component,
            factor,
            ramp_s: f64::from(ramp_s.get_untracked()),
        });
    };
    view! {
        <Show when=move || !live.drill_hides()>
            <div class="live-row" data-control-row="surge">
                <label title="Extra load from outside the modelled users (a tournament's crowd): it keeps coming when users leave, and restoring capacity does not end it">
                    "Surge × "
                    <select
                        data-control="surge_factor"
                        aria-label="Surge factor, times the load now"
                        on:change=move |e| factor.set(event_target_value(&e).parse().unwrap_or(1.0))
                    >
                        {SURGE_FACTORS
                            .into_iter()
                            .map(|f| view! { <option value=f.to_string() selected=f == 3.0>{f.to_string()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <RampSelect
                    ramp_s=ramp_s
                    control="surge_ramp"
                    label="How long the surge takes to build, or to end"
                />
                <button data-action="surge" on:click=move |_| surge(factor.get_untracked())>
                    "Surge"
                </button>
                <Show when=move || surging.get()>
                    <button data-action="end_surge" on:click=move |_| surge(1.0)>
                        "End surge"
                    </button>
                </Show>
                // Last, so the controls keep their places while it grows.
                <span class="now" data-now="surge">{move || now.get().unwrap_or_default()}</span>
            </div>
        </Show>
    }
    .into_any()
}

/// "now ×5: 12.3K/s extra", or while a ramp lasts "now ×2.3 → ×5: …";
/// `None` without a surge.
pub fn surge_now(factor: f64, target: f64, extra_per_s: f64) -> Option<String> {
    if factor <= 1.0 && target <= 1.0 {
        return None;
    }
    let on_its_way = if (factor - target).abs() > 1e-9 {
        format!(" → ×{}", multiplier(target))
    } else {
        String::new()
    };
    Some(format!(
        "now ×{}{on_its_way}: {} extra",
        multiplier(factor),
        rate(extra_per_s)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_surge_reads_as_its_multiplier_and_where_a_ramp_takes_it() {
        assert_eq!(surge_now(1.0, 1.0, 0.0), None);
        assert_eq!(
            surge_now(5.0, 5.0, 1_000.0),
            Some(format!("now ×5: {} extra", rate(1_000.0)))
        );
        assert_eq!(
            surge_now(2.2999999, 5.0, 430.0),
            Some(format!("now ×2.3 → ×5: {} extra", rate(430.0)))
        );
        // Ending over minutes: still a surge until it reaches ×1.
        assert_eq!(
            surge_now(1.467, 1.0, 93.0),
            Some(format!("now ×1.47 → ×1: {} extra", rate(93.0)))
        );
    }

    #[test]
    fn provisioning_times_read_as_minutes_or_seconds() {
        assert_eq!(provision_note(0), "at once");
        assert_eq!(provision_note(300_000), "new servers in 5 min");
        assert_eq!(provision_note(90_000), "new servers in 90 s");
        assert_eq!(provision_note(1_500), "new servers in 2 s");
    }
}
