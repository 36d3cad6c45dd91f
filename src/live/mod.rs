//! The live sandbox: the simulation driven in the browser.
//!
//! - [`driver`]: [`Live`], the handle owning the running simulation and the
//!   only wall clock (a requestAnimationFrame loop) and every operator
//!   action; [`replay`]: a run rebuilt from its description (a reset, a
//!   link, a move along the timeline), from a checkpoint where it can;
//!   [`start`]: the page's start from its address, and the keyboard
//!   shortcuts.
//! - [`view_model`]: pure mapping from a snapshot to what the diagram shows
//!   (health word, colour and glyph, bars, edge flow and breakers).
//! - [`diagram_feed`]: small pieces the static diagram draws per node and
//!   edge when a [`Live`] is in context (badge, bars, animated flow);
//!   [`map_key`]: the keys to the badges and to the edges' looks above the
//!   map; [`edge_hover`]: what a call edge carries, read by pointing at it.
//! - [`actions_panel`], [`switches`], [`playback`], [`event_log`]: the
//!   panels around the diagram; [`limit_controls`]: the inspector's rate
//!   and queue limit rows; [`load_controls`]: its scaling and surge rows;
//!   [`deploy_controls`]: its deploy row.
//! - [`scenario_panel`]: the scenario picker (and loading your own file),
//!   the briefing, story messages as their times pass, and the debrief.
//! - [`debrief`]: what actually happened beside the run's figures, and its
//!   Markdown download; [`switch_effect`]: what the switches on bought, at
//!   the run's seed and over the scenario's calibration seeds.
//! - [`compare`]: another run of the scenario (as scripted, nobody acting,
//!   or with a switch on) drawn under the charts' lines.
//! - [`timeline`]: going back and forth in a run (the timeline, the step
//!   back) and the operator's actions recorded ahead of the clock.
//! - [`drill`]: drill mode, the incident without its responders, and the
//!   drill's debrief.
//! - [`vitals`]: every indicator's value now, in the sticky bar above the
//!   map, each a way to its chart.
//! - [`sticky_bar`]: the sticky bar's height, so the inspector and
//!   scrolled-to elements stop below it.
//! - [`url_state`]: the run in the URL (fragment or query) and local storage.
//! - [`save_run`]: the run saved as a scenario file of its own.
//! - [`download`]: files handed to the browser (the debrief, the samples,
//!   a saved run).
//! - [`page_nav`]: ways to the map, the levers, the charts and the log
//!   from the sticky bar, and the list of keyboard shortcuts.
//! - [`panic_overlay`]: a friendly overlay instead of a dead page.

pub mod actions_panel;
pub mod compare;
pub mod debrief;
pub mod deploy_controls;
pub mod diagram_feed;
pub mod download;
pub mod drill;
pub mod driver;
pub mod edge_hover;
pub mod event_log;
pub mod limit_controls;
pub mod link_open;
pub mod load_controls;
pub mod map_key;
pub mod page_nav;
pub mod panic_overlay;
pub mod playback;
pub mod replay;
pub mod save_run;
pub mod scenario_panel;
pub mod share;
pub mod spread;
pub mod start;
pub mod sticky_bar;
pub mod switch_effect;
pub mod switches;
pub mod timeline;
pub mod url_state;
pub mod view_model;
pub mod vitals;
pub mod why;

pub use actions_panel::ComponentActions;
pub use driver::{Live, Notice};
pub use event_log::EventLog;
pub use limit_controls::LimitControls;
pub use map_key::{EdgeKey, HealthLegend, KeyMeanings};
pub use playback::PlaybackBar;
pub use scenario_panel::ScenarioPanel;
pub use start::provide_live;
pub use switches::{SwitchesPanel, TrafficPanel};

use leptos::prelude::*;

use crate::charts::ChartPanel;
use url_state::RunState;

/// The last session found in local storage, offered on return (context).
#[derive(Clone, Debug)]
pub struct SavedSession(pub Option<RunState>);

/// Starts the live sandbox for the page (see [`provide_live`]) and puts the
/// saved session in context for [`NoticeBar`]. Returns the reason when the
/// simulation cannot start (the page then stays a static map).
pub fn start_live() -> Result<(), String> {
    let (_, saved) = provide_live()?;
    provide_context(SavedSession(saved));
    Ok(())
}

/// The notice line (refusals, bad links, hints) and the offer to resume
/// the last session.
#[component]
pub fn NoticeBar() -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let saved = use_context::<SavedSession>().and_then(|s| s.0);
    let offer = RwSignal::new(saved);
    let describe = move |r: &RunState| {
        let name = live.scenario.with_untracked(|s| s.name.clone());
        url_state::describe(r, &name, &live.clock_at(r.t_ms))
    };
    view! {
        <div class="live-notices">
            {move || {
                live.notice
                    .get()
                    .map(|n| {
                        view! {
                            <p
                                class="live-notice"
                                class:error=n.error
                                role=if n.error { "alert" } else { "status" }
                                data-notice=if n.error { "error" } else { "info" }
                            >
                                <span>{n.text}</span>
                                <button class="link" aria-label="Dismiss message" on:click=move |_| live.notice.set(None)>
                                    "✕"
                                </button>
                            </p>
                        }
                    })
            }}
            {move || {
                offer
                    .get()
                    .map(|r| {
                        let text = describe(&r);
                        view! {
                            <p class="live-notice resume" role="status" data-notice="resume">
                                <span>"Resume your last session? " {text}</span>
                                <button
                                    data-action="resume"
                                    on:click=move |_| {
                                        if let Some(r) = offer.get_untracked() {
                                            live.replay(&r);
                                        }
                                        offer.set(None);
                                    }
                                >
                                    "Resume"
                                </button>
                                <button class="link" on:click=move |_| offer.set(None)>"No thanks"</button>
                            </p>
                        }
                    })
            }}
        </div>
    }
    .into_any()
}

/// The charts engineer's [`ChartPanel`], fed from the running simulation's
/// samples, events and actions, with the blind flag from the snapshot.
#[component]
pub fn LiveCharts() -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    // Memos: the snapshot changes every frame, these seldom, and only
    // their changes should touch the page.
    let blind = Signal::derive(move || live.blind_since.with(Option::is_some));
    let samples = Memo::new(move |_| {
        live.snapshot.track();
        live.with_sim(|sim| sim.samples().len())
    });
    let clock = Signal::derive(move || live.chart_clock());
    // A click on a chart goes back to the moment under it (or to the
    // marker's own time, on a marker); a drill only runs forward.
    let go_to = Callback::new(move |t: u64| {
        let _ = live.seek(t);
    });
    let pick = Signal::derive(move || (!live.drill.get()).then_some(go_to));
    let save = move |_| {
        let name = download::samples_file_name(
            &live.scenario_key.get_untracked(),
            live.seed.get_untracked(),
            live.drill_hides(),
        );
        let text = live.with_sim(faultline_core::sim::csv::samples_csv);
        if let Err(e) = download::offer(&name, "text/csv;charset=utf-8", &text) {
            live.notice.set(Some(Notice {
                error: true,
                text: format!("The samples could not be downloaded: {e}"),
            }));
        }
    };
    view! {
        <section class="live-panel live-charts" aria-label="Live charts">
            <ChartPanel
                history=live.history
                markers=live.markers
                blind=blind
                clock=clock
                compare=live.compare_history
                compare_label=compare::compare_label(live)
                tools=compare::CompareSelect
                pick=pick
            />
            <p class="chart-tools">
                // Blind monitoring hides the figures: the file would show them.
                <button
                    data-action="download_samples"
                    on:click=save
                    disabled=move || blind.get()
                    title=move || {
                        if blind.get() {
                            "Monitoring is down: there are no figures to download until it is back."
                        } else {
                            "Every 10-s sample so far, one row each: the indicators, the users and every component's load, errors, queue and memory (the same columns as faultline run --format csv)."
                        }
                    }
                >
                    "Download the samples (CSV)"
                </button>
                <span class="now">
                    {move || {
                        let n = samples.get();
                        format!("{n} sample{} so far", if n == 1 { "" } else { "s" })
                    }}
                </span>
            </p>
        </section>
    }
    .into_any()
}

/// What the live sandbox adds above the diagram, in the bar that stays in
/// view as the page scrolls: notices, the playback bar, the vitals and the
/// ways to the parts of the page. (The health key heads the map instead:
/// on a laptop the bar must stay short.)
#[component]
pub fn LiveTop() -> impl IntoView {
    let bar = NodeRef::<leptos::html::Section>::new();
    bar.on_load(sticky_bar::track_height);
    view! {
        <section class="live-top" aria-label="Playback and vitals" node_ref=bar>
            <NoticeBar />
            <PlaybackBar />
            <div class="live-vitals-row">
                <vitals::Vitals />
                <page_nav::PageNav />
            </div>
            <BlindNotice />
        </section>
    }
}

/// While monitoring is down, a line above the map says that what it, the
/// inspector and the charts show is the last seen, and since when; the
/// operators' own settings and actions are still current.
#[component]
pub fn BlindNotice() -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    view! {
        {move || {
            live.blind_since.get().map(|t| {
                view! {
                    <p class="live-blind" role="status" data-blind-since=t>
                        <strong>"Monitoring is down."</strong>
                        {format!(
                            " The map, the inspector and the charts show the last figures seen, as of {}; your own settings and actions still show.",
                            live.clock_at(t)
                        )}
                    </p>
                }
            })
        }}
    }
    .into_any()
}

/// Everything the live sandbox adds below the diagram: kill switches,
/// traffic and retries, charts and the event log.
#[component]
pub fn LiveDock() -> impl IntoView {
    view! {
        <div class="live-dock">
            <div class="live-controls">
                <SwitchesPanel />
                <TrafficPanel />
            </div>
            <LiveCharts />
            <EventLog />
        </div>
    }
}
