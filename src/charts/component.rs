//! The chart panel: a window selector, one small chart per indicator (title,
//! current value, objective, canvas) and an overlay while monitoring is blind.
//!
//! Redrawing is cheap by construction: the canvases are created once and
//! reused; one effect redraws when the history, the markers, the window, the
//! clock or the window size change (several pushes in one frame cause one
//! redraw, because effects run after the updates settle), skips a chart whose
//! inputs are unchanged, and draws no more points than the canvas has pixel
//! columns. Canvas sizes are measured only at mount and on window resize, so
//! drawing never forces a layout.
//!
//! While monitoring is blind the panel freezes: the canvases keep their last
//! picture, the values stay at the last sample seen before, and an overlay
//! says since when. (Push `NaN` for the blind period if it should show as a
//! gap afterwards.)
//!
//! Per-frame work is bounded: once a redraw has spent [`FRAME_BUDGET_MS`],
//! the remaining charts are drawn on the next animation frame, starting where
//! it stopped so none is starved. Each canvas carries the history revision it
//! last showed in `data-revision`, which tests wait on.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use super::axes::ScenarioClock;
use super::draw::{
    draw_chart, DrawInput, PlotGeometry, BREACH_TINT, COMPARE_COLOUR, EVENT_COLOUR, LINE_COLOUR,
    SLO_COLOUR, USER_ACTION_COLOUR,
};
use super::markers::{count_near, nearest_marker, Marker, MarkerKind};
use super::series::{ChartHistory, Reading, Window};
use super::spec::SeriesSpec;

/// Milliseconds of drawing after which the remaining charts wait for the
/// next animation frame (at least one chart is drawn per frame).
pub const FRAME_BUDGET_MS: f64 = 4.0;

/// CSS height of each chart's canvas.
const CANVAS_HEIGHT: f64 = 110.0;
/// CSS width assumed for a canvas that has not been laid out yet.
const FALLBACK_WIDTH: f64 = 300.0;

const STYLE: &str = "
.fl-charts{position:relative;font:12px/1.3 system-ui,sans-serif;color:#111827}
.fl-charts-bar{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin:0 0 6px}
.fl-charts-tools{display:flex;min-width:0}
.fl-charts-tools label{display:flex;align-items:center;gap:4px;white-space:nowrap;min-width:0}
.fl-charts-tools select{font:inherit;max-width:24em;min-width:0;text-overflow:ellipsis}
.fl-charts-bar h2{font-size:13px;margin:0 auto 0 0}
.fl-charts-windows{display:flex;gap:6px}
.fl-charts-legend{display:flex;flex-wrap:wrap;gap:2px 14px;margin:0 0 6px;font-size:11px;color:#4b5563}
.fl-charts-legend i{font-style:normal;font-weight:700}
.fl-charts-bar button{white-space:nowrap;font:inherit;padding:2px 8px;border:1px solid #9ca3af;border-radius:4px;background:#fff;color:#111827;cursor:pointer}
.fl-charts-bar button[aria-pressed=true]{background:#1f2937;border-color:#1f2937;color:#fff}
.fl-charts-bar button:focus-visible{outline:2px solid #2563eb;outline-offset:1px}
.fl-charts-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:8px}
.fl-chart{margin:0;border:1px solid #e5e7eb;border-radius:6px;padding:4px 6px;background:#fff;min-width:0}
.fl-chart-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:0 8px}
.fl-chart-title{font-weight:600}
.fl-chart-value{margin-left:auto;font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap}
.fl-chart-value[data-breach=true]{color:#b91c1c}
.fl-chart-value[data-breach=true]::before{content:'\\26A0\\FE0E  '}
.fl-chart-compare{width:100%;font-size:11px;color:#475569;font-variant-numeric:tabular-nums}
.fl-chart-ref{width:100%;font-size:11px;color:#6b7280;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.fl-chart-plot{position:relative}
.fl-chart-canvas{display:block;width:100%;height:110px;touch-action:pan-y}
.fl-chart-canvas.pickable{cursor:pointer}
.fl-chart-tip{position:absolute;left:50px;right:4px;top:2px;padding:1px 4px;white-space:pre-line;background:rgba(255,255,255,.94);border:1px solid #d1d5db;border-radius:3px;font-size:11px;pointer-events:none;overflow-wrap:anywhere}
.fl-charts-blind{position:absolute;inset:0;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:4px;background:rgba(243,244,246,.85);border-radius:6px;color:#374151;font-size:14px;text-align:center}
.fl-charts-blind strong{font-size:16px}
";

/// What a chart was last drawn from; equal keys mean nothing to redraw.
#[derive(Clone, Copy, Debug, PartialEq)]
struct DrawKey {
    revision: u64,
    window: Window,
    clock: ScenarioClock,
    css: (u32, u32),
    dpr_bits: u64,
    markers: u64,
    /// The compared run's revision and time span, if one is drawn.
    compare: Option<(u64, Option<(u64, u64)>)>,
}

/// A cheap fingerprint of the markers: changes when one is added or edited.
fn fingerprint(markers: &[Marker]) -> u64 {
    markers.iter().fold(markers.len() as u64, |h, m| {
        let kind = match m.kind {
            MarkerKind::Event => 1,
            MarkerKind::UserAction => 2,
        };
        (h.wrapping_mul(1_000_003) ^ m.t_ms)
            .wrapping_mul(31)
            .wrapping_add(m.label.len() as u64 * 4 + kind)
    })
}

fn device_pixel_ratio() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1.0)
}

/// The live chart panel: one chart per indicator in `history`, each with its
/// title, current value, objective (dashed, breaches tinted) and the markers
/// as thin vertical lines (hover shows what happened), over the window chosen
/// with the "Last 5 minutes" / "Last hour" / "Whole run" buttons.
///
/// The set of indicators is read once, at mount; their data is reactive.
#[component]
pub fn ChartPanel(
    /// The samples; the app pushes one per sample interval.
    #[prop(into)]
    history: Signal<ChartHistory>,
    /// Events and user actions to mark on every chart.
    #[prop(into, optional)]
    markers: Signal<Vec<Marker>>,
    /// Monitoring is blind: freeze the charts and say so over them.
    #[prop(into, optional)]
    blind: Signal<bool>,
    /// The scenario's own clock, so the time axes read like the incident.
    #[prop(into, optional)]
    clock: Signal<ScenarioClock>,
    /// The window shown; pass a signal to set or observe it from outside.
    #[prop(optional)]
    window: Option<RwSignal<Window>>,
    /// Another run of the same indicators to draw under each line, up to
    /// where it has reached (empty: nothing compared).
    #[prop(into, optional)]
    compare: Option<Signal<ChartHistory>>,
    /// What the compared run is, for the legend and the headers (empty:
    /// nothing compared).
    #[prop(into, optional)]
    compare_label: Signal<String>,
    /// Controls for the panel's bar, before the window buttons.
    #[prop(into, optional)]
    tools: ViewFn,
    /// Called with the simulated time under a click on a plot (a marker's
    /// own time when the click is on one): the live page goes back to that
    /// moment. While it is `None` the plots are not clickable.
    #[prop(into, optional)]
    pick: Signal<Option<Callback<u64>>>,
) -> impl IntoView {
    // Without a compared history, one empty one, made once.
    let compare = compare.unwrap_or_else(|| RwSignal::new(ChartHistory::default()).into());
    // Whether a run is compared changes seldom; the label may be derived.
    let comparing = Memo::new(move |_| !compare_label.with(String::is_empty));
    let window = window.unwrap_or_else(|| RwSignal::new(Window::default()));
    // The flag may be derived from something that changes every frame; only
    // its changes matter here.
    let blind = Memo::new(move |_| blind.get());
    // The last sample time seen before monitoring went blind.
    let blind_since = Memo::new(move |_| {
        blind
            .get()
            .then(|| history.with_untracked(|h| h.time_span().map(|(_, last)| last)))
            .flatten()
    });
    let specs: Vec<SeriesSpec> = history.with_untracked(|h| h.specs().to_vec());
    let count = specs.len();
    let canvases: Vec<NodeRef<html::Canvas>> = (0..count).map(|_| NodeRef::new()).collect();
    let geometry = StoredValue::new(vec![None::<PlotGeometry>; count]);
    let drawn = StoredValue::new(vec![None::<DrawKey>; count]);
    let sizes = StoredValue::new(vec![(0.0_f64, 0.0_f64); count]);

    // Measure canvases again after the window is resized.
    let resized = RwSignal::new(0_u32);
    let listener = window_event_listener(leptos::ev::resize, move |_| {
        resized.update(|n| *n = n.wrapping_add(1));
    });
    on_cleanup(move || listener.remove());

    let refs = canvases.clone();
    // Per canvas: the resize count it was last measured at. Per canvas, not
    // per panel, because a redraw that runs out of frame budget finishes the
    // remaining canvases on later frames, and those must still be measured.
    let measured_at = StoredValue::new(vec![None::<u32>; count]);
    // Bumped on the next animation frame when a redraw ran out of budget.
    let carry_on = RwSignal::new(0_u32);
    let next_start = StoredValue::new(0_usize);
    let performance = web_sys::window().and_then(|w| w.performance());
    Effect::new(move |_| {
        carry_on.track();
        if blind.get() {
            // Frozen: keep the last picture, and do not even subscribe to the
            // history until monitoring is back.
            return;
        }
        let now = || performance.as_ref().map_or(0.0, |p| p.now());
        let started = now();
        let mut drew = 0;
        let mut unfinished = false;
        let resize_count = resized.get();
        let win = window.get();
        let clk = clock.get();
        let elements: Vec<Option<HtmlCanvasElement>> = refs.iter().map(|r| r.get()).collect();
        let dpr = device_pixel_ratio();
        let comparing = comparing.get();
        markers.with(|marks| {
            let marks_key = fingerprint(marks);
            history.with(|h| {
                compare.with(|other| {
                    let other = (comparing && !other.is_empty()).then_some(other);
                    let first = next_start.get_value() % count.max(1);
                    for i in (first..count).chain(0..first) {
                        let Some(canvas) = &elements[i] else { continue };
                        let Some(spec) = h.specs().get(i) else {
                            continue;
                        };
                        let mut css = sizes.with_value(|s| s[i]);
                        let remeasure = measured_at.with_value(|m| m[i] != Some(resize_count));
                        if remeasure || css.0 <= 0.0 {
                            measured_at.update_value(|m| m[i] = Some(resize_count));
                            let w = f64::from(canvas.client_width());
                            let h = f64::from(canvas.client_height());
                            css = (
                                if w > 0.0 { w } else { FALLBACK_WIDTH },
                                if h > 0.0 { h } else { CANVAS_HEIGHT },
                            );
                            if w > 0.0 {
                                sizes.update_value(|s| s[i] = css);
                            }
                        }
                        let key = DrawKey {
                            revision: h.revision(),
                            window: win,
                            clock: clk,
                            css: (css.0 as u32, css.1 as u32),
                            dpr_bits: dpr.to_bits(),
                            markers: marks_key,
                            compare: other.map(|o| (o.revision(), o.time_span())),
                        };
                        if drawn.with_value(|d| d[i] == Some(key)) {
                            continue;
                        }
                        if drew > 0 && now() - started > FRAME_BUDGET_MS {
                            next_start.set_value(i);
                            unfinished = true;
                            break;
                        }
                        drew += 1;
                        let columns = PlotGeometry::columns_for(css.0, dpr);
                        let mut frame = h.frame(i, win, columns);
                        let compared = match (other, frame.as_mut()) {
                            (Some(o), Some(f)) => o.compare_into(f, i, columns),
                            _ => Vec::new(),
                        };
                        let input = DrawInput {
                            spec,
                            frame: frame.as_ref(),
                            markers: marks,
                            clock: clk,
                            compare: &compared,
                        };
                        match draw_chart(canvas, &input, css, dpr) {
                            Ok(g) => {
                                geometry.update_value(|v| v[i] = Some(g));
                                drawn.update_value(|d| d[i] = Some(key));
                                let _ = canvas
                                    .set_attribute("data-revision", &key.revision.to_string());
                                // What a click maps to (tests wait on it).
                                let _ = canvas
                                    .set_attribute("data-window", &format!("{:?}", key.window));
                                // What tests wait on once a run is compared.
                                let compared = key.compare.map(|(r, _)| r.to_string());
                                let _ = canvas.set_attribute(
                                    "data-compare",
                                    compared.as_deref().unwrap_or(""),
                                );
                            }
                            Err(e) => leptos::logging::warn!("chart {}: {e}", spec.key),
                        }
                    }
                })
            });
        });
        if unfinished {
            request_animation_frame(move || {
                carry_on.try_update(|n| *n = n.wrapping_add(1));
            });
        }
    });

    let window_buttons = Window::ALL
        .iter()
        .map(|&w| {
            view! {
                <button
                    type="button"
                    data-window=format!("{w:?}")
                    aria-pressed=move || (window.get() == w).to_string()
                    on:click=move |_| window.set(w)
                >
                    {w.label()}
                </button>
            }
        })
        .collect_view();

    let shared = Shared {
        pick,
        compare,
        comparing,
        history,
        markers,
        clock,
        window,
        geometry,
        blind_since,
    };
    let charts = specs
        .into_iter()
        .enumerate()
        .map(|(i, spec)| chart_view(i, spec, canvases[i], shared))
        .collect_view();

    view! {
        <section class="fl-charts" aria-label="Service-level indicators">
            <style>{STYLE}</style>
            <div class="fl-charts-bar">
                <h2>"Service-level indicators"</h2>
                <div class="fl-charts-tools">{tools.run()}</div>
                <div class="fl-charts-windows" role="group" aria-label="Chart time window">
                    {window_buttons}
                </div>
            </div>
            {legend(comparing, compare_label)}
            <div class="fl-charts-grid" aria-hidden=move || blind.get().to_string()>
                {charts}
            </div>
            <Show when=move || blind.get()>
                <div class="fl-charts-blind" role="status" data-testid="charts-blind">
                    <strong>"Monitoring is blind"</strong>
                    <span>
                        {move || match blind_since.get() {
                            Some(t) => {
                                format!(
                                    "No new data since {}: the charts show the last values seen.",
                                    clock.get().label(t),
                                )
                            }
                            None => "No data.".to_string(),
                        }}
                    </span>
                </div>
            </Show>
        </section>
    }
}

/// What the marks on the charts mean, in the colours and shapes they are
/// drawn with.
fn legend(comparing: Memo<bool>, compare_label: Signal<String>) -> impl IntoView {
    let css = |(r, g, b): (u8, u8, u8)| format!("color:rgb({r},{g},{b})");
    let (r, g, b, _) = BREACH_TINT;
    view! {
        <p class="fl-charts-legend">
            <span>
                <i style=css(LINE_COLOUR)>"━"</i>
                " indicator"
            </span>
            <span>
                <i style=css(SLO_COLOUR)>"╍╍"</i>
                " objective (SLO)"
            </span>
            <span>
                <i style=format!("color:rgba({r},{g},{b},0.45)")>"█"</i>
                " objective broken"
            </span>
            <span>
                <i style=css(EVENT_COLOUR)>"▼"</i>
                " event"
            </span>
            <span>
                <i style=css(USER_ACTION_COLOUR)>"■"</i>
                " your action"
            </span>
            <Show when=move || comparing.get()>
                <span data-testid="compare-legend">
                    <i style=css(COMPARE_COLOUR)>"━"</i>
                    " compared: "
                    {move || compare_label.get()}
                </span>
            </Show>
        </p>
    }
}

/// What every chart of the panel reads.
#[derive(Clone, Copy)]
struct Shared {
    history: Signal<ChartHistory>,
    /// The compared run's history, drawn while `comparing`.
    compare: Signal<ChartHistory>,
    comparing: Memo<bool>,
    markers: Signal<Vec<Marker>>,
    clock: Signal<ScenarioClock>,
    window: RwSignal<Window>,
    geometry: StoredValue<Vec<Option<PlotGeometry>>>,
    /// While monitoring is blind, the last sample time seen before.
    blind_since: Memo<Option<u64>>,
    /// What a click on a plot calls, if anything.
    pick: Signal<Option<Callback<u64>>>,
}

/// The [`Reading`] of indicator `i`, memoised: the figure written over its
/// chart and in the vitals line above the map, which change only when the
/// figure shown does, however often samples arrive. While `seen_until` is
/// set (monitoring blind) the history is not even subscribed to.
pub fn reading_memo(
    i: usize,
    spec: SeriesSpec,
    history: Signal<ChartHistory>,
    seen_until: Signal<Option<u64>>,
    compare: Signal<ChartHistory>,
    comparing: Signal<bool>,
) -> Memo<Reading> {
    Memo::new(move |_| {
        let seen = seen_until.get();
        let read = |h: &ChartHistory| {
            if comparing.get() {
                compare.with(|c| h.reading(i, &spec, seen, Some(c)))
            } else {
                h.reading(i, &spec, seen, None)
            }
        };
        match seen {
            Some(_) => history.with_untracked(read),
            None => history.with(read),
        }
    })
}

/// One indicator's chart: header with title, current value and objective,
/// and its canvas.
fn chart_view(
    i: usize,
    spec: SeriesSpec,
    canvas: NodeRef<html::Canvas>,
    shared: Shared,
) -> impl IntoView {
    let Shared {
        pick,
        history,
        compare,
        comparing,
        markers,
        clock,
        window,
        geometry,
        blind_since,
    } = shared;
    let format = spec.format;
    let title = spec.title;
    let reading = reading_memo(
        i,
        spec.clone(),
        history,
        blind_since.into(),
        compare,
        comparing.into(),
    );
    let value_text = move || reading.with(|r| r.value.clone());
    let compared_text =
        move || reading.with(|r| r.compared.as_ref().map(|c| format!("compared: {c}")));
    let breached = move || reading.with(|r| r.breached);
    // Every chart has this line (so the plots line up): the objective, the
    // normal level, or that there is none; the seed passage is its title.
    let (reference, source) = match (spec.slo, spec.baseline) {
        (Some(s), _) => (format!("SLO {}", s.describe(format)), s.source),
        (None, Some(b)) => (format!("Normal {}", format.format(b.value)), b.source),
        (None, None) => ("No objective".to_string(), ""),
    };
    let reference_text = reference.clone();
    let label = move || {
        let mut s = format!("{title} over the {}", window.get().label().to_lowercase());
        s.push_str(&format!(", now {}, {reference_text}", value_text()));
        if breached() {
            s.push_str(", objective broken");
        }
        s
    };
    // The last sample's time: the plots have nothing to go to after it.
    let last_time = move || history.with_untracked(|h| h.time_span().map_or(0, |(_, last)| last));
    // The marker or the value under the pointer, shown over the plot (for
    // touch, where there is no hover title) as well as in the canvas's title.
    let tip = RwSignal::new(None::<String>);
    let on_point = move |ev: web_sys::PointerEvent| {
        let Some(g) = geometry.with_value(|v| v.get(i).copied().flatten()) else {
            return;
        };
        let Some(target) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let t = g.time_at(f64::from(ev.offset_x()));
        let tolerance = (g.ms_per_px() * 5.0).ceil() as u64;
        let clk = clock.get_untracked();
        let near = markers.with_untracked(|ms| {
            nearest_marker(ms, t, tolerance).map(|m| {
                let who = match m.kind {
                    MarkerKind::Event => "event",
                    MarkerKind::UserAction => "your action",
                };
                let more = count_near(ms, t, tolerance) - 1;
                let more = match more {
                    0 => String::new(),
                    1 => " and 1 more nearby".to_string(),
                    n => format!(" and {n} more nearby"),
                };
                format!("{} · {} ({who}){more}", clk.label(m.t_ms), m.label)
            })
        });
        // The value under the pointer (and the compared run's), as the
        // plot drew it: nothing past the last sample, nor past what a
        // blind dashboard last saw.
        let seen_until = blind_since.get_untracked().unwrap_or(u64::MAX);
        let readout = history
            .with_untracked(|h| h.value_at(i, t))
            .filter(|p| t <= last_time() && p.t_ms <= seen_until && p.value.is_finite())
            .map(|p| {
                let mut s = format!("{} · {}", clk.label(p.t_ms), format.format(p.value));
                if comparing.get_untracked() {
                    if let Some(c) = compare.with_untracked(|o| o.value_at(i, p.t_ms)) {
                        s.push_str(&format!(" · compared: {}", format.format(c.value)));
                    }
                }
                s
            });
        let mut title_text = near.clone().unwrap_or_else(|| match &readout {
            Some(r) => format!("{title} · {r}"),
            None => format!("{title} · {}", clk.label(t)),
        });
        if pick.with_untracked(Option::is_some) && t <= last_time() {
            title_text.push_str(" · click to go back to this moment");
        }
        let _ = target.set_attribute("title", &title_text);
        // Over the plot (touch has no hover title): the value there, and
        // the marker near the pointer below it (busy incidents have events
        // every few seconds, so the value must not wait for a quiet spot).
        let shown = match (readout, near) {
            (Some(r), Some(n)) => Some(format!("{r}\n{n}")),
            (r, n) => r.or(n),
        };
        if tip.get_untracked() != shown {
            tip.set(shown);
        }
    };
    // A click goes to the time under the pointer, or to the marker there;
    // not past the last sample (a short run's hour-wide axis is empty there).
    let on_click = move |ev: web_sys::MouseEvent| {
        let Some(callback) = pick.get_untracked() else {
            return;
        };
        let Some(g) = geometry.with_value(|v| v.get(i).copied().flatten()) else {
            return;
        };
        let t = g.time_at(f64::from(ev.offset_x()));
        if t > last_time() {
            return;
        }
        let tolerance = (g.ms_per_px() * 5.0).ceil() as u64;
        let t = markers
            .with_untracked(|ms| nearest_marker(ms, t, tolerance).map(|m| m.t_ms))
            .unwrap_or(t);
        callback.run(t);
    };
    view! {
        <figure class="fl-chart" data-key=spec.key>
            <figcaption class="fl-chart-head">
                <span class="fl-chart-title" title=spec.meaning>{title}</span>
                <span
                    class="fl-chart-value"
                    data-key=spec.key
                    data-breach=move || breached().to_string()
                >
                    {value_text}
                </span>
                <span class="fl-chart-ref" title=source>
                    {reference}
                </span>
                {move || {
                    compared_text().map(|text| {
                        view! {
                            <span
                                class="fl-chart-compare"
                                data-key=spec.key
                                title="The compared run at the same time"
                            >
                                {text}
                            </span>
                        }
                    })
                }}
            </figcaption>
            <div class="fl-chart-plot">
                <canvas
                    node_ref=canvas
                    class="fl-chart-canvas"
                    class:pickable=move || pick.with(Option::is_some)
                    data-key=spec.key
                    role="img"
                    aria-label=label
                    on:pointermove=on_point
                    on:pointerdown=on_point
                    on:pointerleave=move |_| tip.set(None)
                    on:click=on_click
                ></canvas>
                {move || {
                    tip.get()
                        .map(|text| {
                            view! {
                                <div class="fl-chart-tip" data-key=spec.key role="status">
                                    {text}
                                </div>
                            }
                        })
                }}
            </div>
        </figure>
    }
}
