//! The vitals line in the sticky bar above the map: every service-level
//! indicator's value now, in red when it breaks its objective.
//!
//! The charts sit below the map, the kill switches and the traffic panel,
//! a screen or two down on a laptop: without this line, someone watching
//! the map during a drill would not see the API fail until they scrolled.
//! Each figure is a button that brings the charts into view and flashes
//! its own chart. It reads the same history as the charts and writes the
//! same figure as the chart's header (while monitoring is down, the last
//! one seen).

use leptos::prelude::*;

use crate::charts::component::reading_memo;
use crate::charts::spec::SeriesSpec;

use super::Live;

/// How long a chart stays highlighted after its vital is clicked (matches
/// the `fl-flash` animation in `assets/live.css`).
const FLASH_MS: u32 = 1400;

/// The indicators' values now, one button per indicator.
#[component]
pub fn Vitals() -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let specs: Vec<SeriesSpec> = live.history.with_untracked(|h| h.specs().to_vec());
    let items = specs
        .into_iter()
        .enumerate()
        .map(|(i, spec)| vital(live, i, spec))
        .collect_view();
    view! {
        <div class="live-vitals" role="group" aria-label="The service-level indicators now">
            <span class="vitals-label" aria-hidden="true">"Now"</span>
            {items}
        </div>
    }
    .into_any()
}

/// One indicator's figure, its objective in the tooltip: the same
/// [`reading_memo`] as its chart's header, while monitoring is down the
/// last figure seen.
fn vital(live: Live, i: usize, spec: SeriesSpec) -> impl IntoView {
    let SeriesSpec {
        key,
        title,
        short,
        slo,
        format,
        ..
    } = spec;
    let reading = reading_memo(
        i,
        spec.clone(),
        live.history.into(),
        live.blind_since.into(),
        live.compare_history.into(),
        Signal::derive(move || live.comparison.with(Option::is_some)),
    );
    let value = move || reading.with(|r| r.value.clone());
    let breached = move || reading.with(|r| r.breached);
    let title_text = move || {
        reading.with(|r| {
            let mut s = format!("{title}: {}", r.value);
            match slo {
                Some(o) if r.breached => {
                    s.push_str(&format!(", objective broken (SLO {})", o.describe(format)))
                }
                Some(o) => s.push_str(&format!(" (SLO {})", o.describe(format))),
                None => {}
            }
            if let Some(c) = &r.compared {
                s.push_str(&format!("; compared run: {c}"));
            }
            if let Some(t) = live.blind_since.get() {
                s.push_str(&format!(
                    "; monitoring is down, last seen at {}",
                    live.clock_at(t)
                ));
            }
            s.push_str(". Click for its chart.");
            s
        })
    };
    view! {
        <button
            type="button"
            class="vital"
            class:stale=move || live.blind_since.with(Option::is_some)
            data-vital=key
            data-breach=move || breached().to_string()
            title=title_text
            on:click=move |ev| show_chart(&ev, key)
        >
            <span class="vital-name">{short}</span>
            " "
            <span class="vital-value">{value}</span>
        </button>
    }
}

/// Brings the chart of `key` into view (below the sticky bar, by the
/// page's `scroll-padding-top`) and flashes it.
fn show_chart(ev: &leptos::ev::MouseEvent, key: &'static str) {
    let selector = format!("figure.fl-chart[data-key={key}]");
    let Some(chart) = crate::dom::find_from(ev, "div.app", &selector) else {
        return;
    };
    // The whole panel (its window buttons, the other indicators) when the
    // chart is then in view; on a short or narrow screen, the chart itself.
    if let Some(panel) = chart.closest("section.fl-charts").ok().flatten() {
        panel.scroll_into_view();
    }
    let viewport = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(f64::INFINITY);
    if chart.get_bounding_client_rect().bottom() > viewport {
        chart.scroll_into_view();
    }
    crate::dom::flash(chart, "data-flash", FLASH_MS);
}
