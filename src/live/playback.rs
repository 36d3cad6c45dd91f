//! The playback bar: play/pause, single steps forward and back, speed,
//! reset, the clock in the scenario's own time and time zone, the seed
//! (editable: a new seed restarts the run) and the run's timeline.

use leptos::prelude::*;

use super::driver::{Live, SPEEDS};
use super::share::Share;
use super::timeline::Timeline;

/// `h:mm:ss` for a duration in ms.
pub fn elapsed(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

/// A speed in words: `600×`.
pub fn speed_label(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}×")
    } else {
        format!("{x}×")
    }
}

/// The playback bar.
#[component]
pub fn PlaybackBar() -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let t = Memo::new(move |_| live.snapshot.with(|s| s.t_ms));
    let clock = move || {
        let start = live.scenario.with(|s| s.start_clock_ms);
        faultline_core::scenario::time::format_clock(start, t.get())
    };
    let zone = move || live.scenario.with(|s| s.time_zone.clone());
    let progress = move || {
        let d = live.scenario.with(|s| s.duration_ms).max(1);
        format!("T+{} of {}", elapsed(t.get()), elapsed(d))
    };
    let seed_text = RwSignal::new(live.seed.get_untracked().to_string());
    Effect::new(move |_| seed_text.set(live.seed.get().to_string()));
    let reset = move || match seed_text.get_untracked().trim().parse::<u64>() {
        Ok(seed) => live.reset(seed),
        Err(_) => live.notice.set(Some(super::driver::Notice {
            error: true,
            text: format!(
                "Seed `{}` is not a whole number ≥ 0",
                seed_text.get_untracked()
            ),
        })),
    };
    // Memoised: the drill's test reads the snapshot's clock, which changes
    // every frame, while the name changes once at most.
    let scenario_name = Memo::new(move |_| live.shown_title());
    view! {
        <section class="live-playback" aria-label="Playback">
            <button
                class="play"
                data-action="play"
                aria-label=move || if live.playing.get() { "Pause (Space)" } else { "Play (Space)" }
                title=move || if live.playing.get() { "Pause (Space)" } else { "Play (Space)" }
                on:click=move |_| live.toggle()
            >
                {move || if live.playing.get() { "❚❚ Pause" } else { "▶ Play" }}
            </button>
            <button
                data-action="step-back"
                aria-label="Step back one sample interval (←)"
                title=move || if live.drill.get() { "A drill's clock only runs forward" } else { "Step back one sample interval (←)" }
                prop:disabled=move || live.drill.get()
                on:click=move |_| live.step_back()
            >
                "|◂ Back"
            </button>
            <button data-action="step" aria-label="Step one sample interval (→)" title="Step one sample interval (→)" on:click=move |_| live.step()>
                "Step ▸|"
            </button>
            <span class="clock" aria-live="off">
                <strong data-clock="">{clock}</strong>
                " "
                <span class="zone">{zone}</span>
                " "
                <span class="elapsed">{progress}</span>
            </span>
            <span class="speed">
                <button aria-label="Slower (−)" title="Slower (−)" data-action="slower" on:click=move |_| live.change_speed(false)>"−"</button>
                <select
                    aria-label="Speed"
                    data-control="speed"
                    on:change=move |e| {
                        if let Ok(x) = event_target_value(&e).parse::<f64>() {
                            live.set_speed(x);
                        }
                    }
                >
                    {SPEEDS
                        .into_iter()
                        .map(|x| {
                            view! {
                                <option value=x.to_string() prop:selected=move || (live.speed.get() - x).abs() < 1e-9>
                                    {speed_label(x)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button aria-label="Faster (+)" title="Faster (+)" data-action="faster" on:click=move |_| live.change_speed(true)>"+"</button>
            </span>
            {move || {
                // Not in a drill: its updates are held back, and stopping at
                // them would tell the team when something happens.
                let shown = !live.drill.get() && live.scenario.with(|s| !s.messages.is_empty());
                shown.then(|| view! {
                    <label class="pause-at-updates" title="Stop the clock at each of the scenario's incident updates, to talk it over">
                        <input
                            type="checkbox"
                            data-control="pause-at-updates"
                            prop:checked=move || live.pause_at_updates.get()
                            on:change=move |e| live.pause_at_updates.set(event_target_checked(&e))
                        />
                        " Pause at updates"
                    </label>
                })
            }}
            <label class="seed">
                "Seed "
                <input
                    type="text"
                    inputmode="numeric"
                    size="8"
                    aria-label="Seed"
                    data-control="seed"
                    prop:value=move || seed_text.get()
                    on:input=move |e| seed_text.set(event_target_value(&e))
                    on:keydown=move |e| {
                        if e.key() == "Enter" {
                            reset();
                        }
                    }
                />
            </label>
            <button data-action="reset" aria-label="Reset the run with this seed" on:click=move |_| reset()>
                "↺ Reset"
            </button>
            <Share />
            <span class="scenario-name">{move || scenario_name.get()}</span>
            <span class="frame-ms" title="Simulation work in the slowest frame of the last half second">
                {move || format!("{:.1} ms/frame", live.frame_work_ms.get())}
            </span>
            <Timeline />
        </section>
    }
    .into_any()
}
