//! Browser tests of the chart panel (wasm-bindgen-test in headless Chromium):
//! the pure history model, then the mounted panel (one canvas per indicator,
//! window buttons, current values, the blind overlay, marker tooltips) and
//! the pixels plotters drew.
//!
//! Run: `cargo test --target wasm32-unknown-unknown -p faultline-app --test charts`

use faultline_app::charts::draw::{COMPARE_COLOUR, LINE_COLOUR, SLO_COLOUR};
use faultline_app::charts::{
    breach_spans, count_near, default_indicators, group_markers, keys, nearest_marker,
    ChartHistory, ChartPanel, ChartPoint, Direction, Marker, MarkerKind, ScenarioClock, SeriesSpec,
    Slo, ValueFormat, Window, YAxis,
};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlCanvasElement, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn spec(key: &str) -> SeriesSpec {
    default_indicators()
        .into_iter()
        .find(|s| s.key == key)
        .expect("default indicator")
}

fn points(values: &[f64]) -> Vec<ChartPoint> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| ChartPoint {
            t_ms: i as u64 * 1000,
            value: *v,
        })
        .collect()
}

/// The values of one synthetic sample at second `s`: normal for the first
/// ten minutes, then an outage like seed 001's (API success down to 40%, p95
/// up to 30 s, database queries up to 25 s), then recovery.
fn sample(s: u64) -> [f64; 8] {
    let outage = (600..900).contains(&s);
    if outage {
        [
            40.0,
            30_000.0,
            10.0,
            15.0,
            60.0,
            2_000.0,
            25_000.0,
            1_200_000.0,
        ]
    } else {
        [99.97, 75.0, 99.95, 99.98, 99.995, 150.0, 50.0, 0.0]
    }
}

fn synthetic_history(seconds: u64) -> ChartHistory {
    let mut h = ChartHistory::default();
    for s in 0..seconds {
        assert!(h.push(s * 1000, &sample(s)));
    }
    h
}

// ---- the pure model ----

#[wasm_bindgen_test]
fn default_indicators_carry_the_seed_objectives() {
    let specs = default_indicators();
    assert_eq!(specs.len(), 8);
    let slo = |k| spec(k).slo.expect("slo");
    assert_eq!(slo(keys::API_SUCCESS).value, 99.95);
    assert_eq!(slo(keys::API_P95).value, 100.0);
    assert_eq!(slo(keys::API_P95).direction, Direction::AtMost);
    assert_eq!(slo(keys::WS_CONNECT).value, 99.9);
    assert_eq!(slo(keys::VOICE_CONNECT).value, 99.95);
    assert_eq!(slo(keys::DELIVERY_RATE).value, 99.99);
    assert_eq!(slo(keys::DELIVERY_P99).value, 200.0);
    assert_eq!(spec(keys::DB_QUERY).baseline.expect("normal").value, 50.0);
    assert!(spec(keys::USERS_AFFECTED).slo.is_none());
    assert!(slo(keys::API_P95).source.contains("002"));
}

#[wasm_bindgen_test]
fn values_are_written_for_people() {
    assert_eq!(ValueFormat::Percent.format(99.95), "99.95%");
    assert_eq!(ValueFormat::Percent.format(40.0), "40.0%");
    assert_eq!(ValueFormat::Millis.format(75.4), "75 ms");
    assert_eq!(ValueFormat::Millis.format(2_400.0), "2.4 s");
    assert_eq!(ValueFormat::Millis.format(30_000.0), "30 s");
    assert_eq!(ValueFormat::Count.format(12_500.0), "12.5k");
    assert_eq!(ValueFormat::Count.format(1_200_000.0), "1.20M");
    assert_eq!(ValueFormat::Count.format(200_000_000.0), "200M");
    assert_eq!(ValueFormat::Count.format(f64::NAN), "—");
    let p95 = spec(keys::API_P95).slo.unwrap();
    assert_eq!(p95.describe(ValueFormat::Millis), "< 100 ms");
}

#[wasm_bindgen_test]
fn memory_stays_bounded_and_spikes_survive_downsampling() {
    let mut h = ChartHistory::with_capacity(vec![spec(keys::API_P95)], 100, 16);
    for s in 0..10_000u64 {
        let v = if s == 7_777 { 30_000.0 } else { 60.0 };
        assert!(h.push(s * 1000, &[v]));
    }
    assert_eq!(h.recent_len(), 100);
    assert!(h.bucket_count() <= 16);
    let f = h.frame(0, Window::WholeRun, 50).unwrap();
    assert!(f.points.len() <= 100, "two points per column at most");
    assert!(f.points.iter().any(|p| p.value == 30_000.0), "spike kept");
    assert!(f.axis.log && f.axis.hi >= 30_000.0);
    assert_eq!(f.breaches.len(), 1);
    // Out-of-order samples are refused; a reset clears.
    assert!(!h.push(5, &[1.0]));
    h.clear();
    assert!(h.is_empty() && h.push(5, &[1.0]));
}

#[wasm_bindgen_test]
fn windows_follow_the_latest_sample() {
    let h = synthetic_history(600);
    assert_eq!(h.window_range(Window::Last5Min), Some((299_000, 599_000)));
    // Shorter than an hour so far: starts at the first sample, keeps its length.
    assert_eq!(h.window_range(Window::LastHour), Some((0, 3_600_000)));
    assert_eq!(h.window_range(Window::WholeRun), Some((0, 599_000)));
    let five = h.frame(0, Window::Last5Min, 1000).unwrap();
    assert!(five.points.iter().all(|p| p.t_ms >= 299_000));
    assert_eq!(h.value_at(1, 30_500).map(|p| p.t_ms), Some(30_000));
    assert_eq!(h.value_at(1, 1_000_000).map(|p| p.t_ms), Some(599_000));
    assert_eq!(h.latest(1).map(|p| p.value), Some(75.0));
}

#[wasm_bindgen_test]
fn the_clock_reads_in_the_scenarios_time() {
    let c = ScenarioClock::starting_at(16, 47, 30);
    assert_eq!(c.label(0), "16:47:30");
    assert_eq!(c.label(3_600_000), "17:47:30");
    let (ticks, step) = c.ticks((0, 300_000), 6);
    assert_eq!(step, 60_000);
    assert_eq!(ticks[0], 30_000, "first tick on a whole minute");
    assert_eq!(c.tick_label(ticks[0], step), "16:48");
    assert_eq!(
        ScenarioClock::starting_at(23, 59, 0).label(120_000),
        "00:01:00"
    );
}

#[wasm_bindgen_test]
fn axes_are_readable_in_normal_times_and_in_an_outage() {
    let a = YAxis::fit(&spec(keys::API_SUCCESS), &points(&[99.97, 99.99]));
    assert_eq!((a.lo, a.hi), (99.9, 100.0), "zoomed so 99.95 is visible");
    let a = YAxis::fit(&spec(keys::API_SUCCESS), &points(&[40.0]));
    assert_eq!(a.lo, 0.0);
    let a = YAxis::fit(&spec(keys::API_P95), &points(&[50.0, 30_000.0]));
    assert_eq!((a.lo, a.hi), (10.0, 100_000.0), "log from 10 ms to 100 s");
    assert!((a.normalize(100.0) - 0.25).abs() < 1e-9);
    assert_eq!(a.ticks(), vec![10.0, 100.0, 1_000.0, 10_000.0, 100_000.0]);
    let a = YAxis::fit(&spec(keys::USERS_AFFECTED), &points(&[0.0, 1_200_000.0]));
    assert_eq!((a.lo, a.hi), (0.0, 1_500_000.0));
}

#[wasm_bindgen_test]
fn breaches_and_markers_are_found() {
    let slo = Slo {
        value: 99.95,
        direction: Direction::AtLeast,
        source: "test",
    };
    let pts = points(&[99.99, 90.0, 80.0, 99.99, f64::NAN, 50.0]);
    assert_eq!(breach_spans(&pts, &slo), vec![(1000, 3000), (5000, 5000)]);
    // On the objective but for float rounding (a steady 0.9995 × 100) is
    // meeting it; a hundredth of a point under is not.
    assert!(!slo.is_breached(0.999_499_999_999_999_8 * 100.0));
    assert!(!slo.is_breached(99.95));
    assert!(slo.is_breached(99.94));
    let p95 = Slo {
        value: 100.0,
        direction: Direction::AtMost,
        source: "test",
    };
    assert!(p95.is_breached(100.0) && p95.is_breached(99.999_999_999_999_99));
    assert!(!p95.is_breached(99.99));
    let marks = vec![
        Marker {
            t_ms: 10_000,
            label: "a".into(),
            kind: MarkerKind::Event,
        },
        Marker {
            t_ms: 12_000,
            label: "b".into(),
            kind: MarkerKind::UserAction,
        },
    ];
    assert_eq!(nearest_marker(&marks, 11_500, 1000).unwrap().label, "b");
    assert!(nearest_marker(&marks, 20_000, 1000).is_none());

    // A burst of events is one group; the user's action stays separate.
    let burst: Vec<Marker> = (0..50)
        .map(|i| Marker {
            t_ms: 100_000 + i * 1000,
            label: format!("e{i}"),
            kind: MarkerKind::Event,
        })
        .chain(std::iter::once(Marker {
            t_ms: 120_000,
            label: "kill".into(),
            kind: MarkerKind::UserAction,
        }))
        .collect();
    let events = group_markers(&burst, MarkerKind::Event, (0, 1_000_000), 2000);
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].first_ms, events[0].last_ms, events[0].count),
        (100_000, 149_000, 50)
    );
    let actions = group_markers(&burst, MarkerKind::UserAction, (0, 1_000_000), 2000);
    assert_eq!((actions.len(), actions[0].count), (1, 1));
    assert_eq!(count_near(&burst, 120_000, 1000), 4);
    assert!(group_markers(&burst, MarkerKind::Event, (0, 50_000), 2000).is_empty());
}

// ---- the mounted panel ----

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh, visible container of a realistic width.
fn container() -> HtmlElement {
    let div: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    div.set_attribute("style", "width: 1200px").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn canvas(root: &Element, key: &str) -> HtmlCanvasElement {
    find(root, &format!("canvas[data-key='{key}']"))
        .unwrap_or_else(|| panic!("no canvas for {key}"))
        .unchecked_into()
}

/// RGBA bytes of the whole canvas, through `getImageData` (read reflectively
/// so the app needs no extra web-sys features).
fn pixels(c: &HtmlCanvasElement) -> Vec<u8> {
    let ctx = c.get_context("2d").unwrap().unwrap();
    let get: js_sys::Function = js_sys::Reflect::get(&ctx, &"getImageData".into())
        .unwrap()
        .unchecked_into();
    let args = js_sys::Array::of4(&0.into(), &0.into(), &c.width().into(), &c.height().into());
    let image = get.apply(&ctx, &args).unwrap();
    let data = js_sys::Reflect::get(&image, &"data".into()).unwrap();
    js_sys::Uint8Array::new(&data).to_vec()
}

fn count_colour(px: &[u8], (r, g, b): (u8, u8, u8)) -> usize {
    px.chunks_exact(4)
        .filter(|p| {
            p[0].abs_diff(r) <= 6 && p[1].abs_diff(g) <= 6 && p[2].abs_diff(b) <= 6 && p[3] == 255
        })
        .count()
}

fn button(root: &Element, window: Window) -> HtmlElement {
    find(root, &format!("button[data-window='{window:?}']"))
        .expect("window button")
        .unchecked_into()
}

/// Waits until every chart shows the history's current revision (charts
/// beyond the per-frame budget are drawn on later animation frames).
async fn settle(m: &Mounted) {
    let want = m.history.with_untracked(|h| h.revision()).to_string();
    // Up to ~10 s: a loaded CI machine can delay animation frames a lot.
    for _ in 0..1000 {
        leptos::task::tick().await;
        let canvases = m.root.get_elements_by_tag_name("canvas");
        let done = (0..canvases.length()).all(|i| {
            canvases
                .item(i)
                .and_then(|c| c.get_attribute("data-revision"))
                == Some(want.clone())
        });
        if done {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    panic!("charts never showed revision {want}");
}

struct Mounted {
    root: HtmlElement,
    history: RwSignal<ChartHistory>,
    markers: RwSignal<Vec<Marker>>,
    blind: RwSignal<bool>,
    window: RwSignal<Window>,
}

fn mount(seconds: u64) -> Mounted {
    let root = container();
    let history = RwSignal::new(synthetic_history(seconds));
    let markers = RwSignal::new(vec![
        Marker {
            t_ms: 600_000,
            label: "Redis Sessions down".into(),
            kind: MarkerKind::Event,
        },
        Marker {
            t_ms: 700_000,
            label: "Kill switch: disable presence".into(),
            kind: MarkerKind::UserAction,
        },
    ]);
    let blind = RwSignal::new(false);
    let window = RwSignal::new(Window::WholeRun);
    leptos::mount::mount_to(root.clone(), move || {
        view! {
            <ChartPanel
                history=history
                markers=markers
                blind=blind
                clock=ScenarioClock::starting_at(16, 47, 0)
                window=window
            />
        }
    })
    .forget();
    Mounted {
        root,
        history,
        markers,
        blind,
        window,
    }
}

#[wasm_bindgen_test]
async fn one_sized_canvas_per_indicator_with_current_values() {
    let m = mount(1200);
    leptos::task::tick().await;
    let root: &Element = &m.root;
    let last = sample(1199);
    for (i, s) in default_indicators().iter().enumerate() {
        let c = canvas(root, s.key);
        assert!(c.width() > 0 && c.height() > 0, "{} has a size", s.key);
        assert!(c.client_width() > 200, "{} is laid out", s.key);
        let value = find(root, &format!(".fl-chart-value[data-key='{}']", s.key)).unwrap();
        assert_eq!(
            value.text_content().unwrap(),
            s.format.format(last[i]),
            "{} shows its last value",
            s.key
        );
        let label = c.get_attribute("aria-label").unwrap();
        assert!(label.starts_with(s.title), "{label}");
    }
    assert_eq!(root.get_elements_by_tag_name("canvas").length(), 8);
    // Every chart states its objective (or that it has none), citing the seed.
    let refs = root.query_selector_all(".fl-chart-ref").unwrap();
    assert_eq!(refs.length(), 8);
    let p95 = find(root, "figure[data-key='api_p95'] .fl-chart-ref").unwrap();
    assert_eq!(p95.text_content().unwrap(), "SLO < 100 ms");
    assert!(p95.get_attribute("title").unwrap().contains("002"));
    let db = find(root, "figure[data-key='db_query'] .fl-chart-ref").unwrap();
    assert_eq!(db.text_content().unwrap(), "Normal 50 ms");
    // Hovering a title says what the indicator measures: delivery counts
    // messages, where API success counts attempts.
    let meaning = |key: &str| {
        find(root, &format!("figure[data-key='{key}'] .fl-chart-title"))
            .unwrap()
            .get_attribute("title")
            .unwrap()
    };
    assert!(meaning("delivery_rate").contains("counted per message"));
    assert!(meaning("api_success").contains("counting every attempt"));

    // A new sample updates the value and keeps the same canvases.
    let before = canvas(root, keys::API_P95);
    m.history.update(|h| {
        h.push(
            1_200_000,
            &[50.0, 250.0, 99.0, 99.0, 99.0, 300.0, 80.0, 12.0],
        );
    });
    leptos::task::tick().await;
    let value = find(root, ".fl-chart-value[data-key='api_p95']").unwrap();
    assert_eq!(value.text_content().unwrap(), "250 ms");
    assert_eq!(value.get_attribute("data-breach").as_deref(), Some("true"));
    assert!(canvas(root, keys::API_P95).is_same_node(Some(&before)));
    m.root.remove();
}

#[wasm_bindgen_test]
async fn canvases_follow_a_window_resize() {
    let m = mount(120);
    settle(&m).await;
    let c = canvas(&m.root, keys::API_SUCCESS);
    let wide = c.width();
    assert_eq!(
        wide as i32,
        c.client_width(),
        "backing store matches CSS size"
    );
    // One column of charts instead of four: each canvas gets wider.
    m.root.set_attribute("style", "width: 500px").unwrap();
    let resize = web_sys::Event::new("resize").unwrap();
    web_sys::window().unwrap().dispatch_event(&resize).unwrap();
    // Up to ~5 s: the redraw waits for an animation frame, which a loaded
    // machine can delay well past the half second this once allowed.
    for _ in 0..500 {
        leptos::task::tick().await;
        if c.width() as i32 == c.client_width() {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    assert!(c.width() > wide, "{} > {wide}", c.width());
    assert_eq!(c.width() as i32, c.client_width());
    assert!(canvas(&m.root, keys::API_SUCCESS).is_same_node(Some(&c)));
    m.root.remove();
}

#[wasm_bindgen_test]
async fn window_buttons_switch_and_say_which_is_pressed() {
    let m = mount(1200);
    leptos::task::tick().await;
    let root: &Element = &m.root;
    let pressed = |w| button(root, w).get_attribute("aria-pressed").unwrap();
    assert_eq!(pressed(Window::WholeRun), "true");
    assert_eq!(pressed(Window::Last5Min), "false");
    for w in Window::ALL {
        assert_eq!(button(root, w).text_content().unwrap(), w.label());
    }
    button(root, Window::Last5Min).click();
    leptos::task::tick().await;
    assert_eq!(m.window.get_untracked(), Window::Last5Min);
    assert_eq!(pressed(Window::Last5Min), "true");
    assert_eq!(pressed(Window::WholeRun), "false");
    assert_eq!(pressed(Window::LastHour), "false");
    let label = canvas(root, keys::API_SUCCESS)
        .get_attribute("aria-label")
        .unwrap();
    assert!(label.contains("last 5 minutes"), "{label}");
    m.root.remove();
}

#[wasm_bindgen_test]
async fn blind_overlay_follows_the_flag_and_freezes_the_charts() {
    let m = mount(60);
    settle(&m).await;
    let root: &Element = &m.root;
    let value = || {
        find(root, ".fl-chart-value[data-key='api_p95']")
            .unwrap()
            .text_content()
            .unwrap()
    };
    let drawn = || canvas(root, keys::API_P95).get_attribute("data-revision");
    assert!(find(root, "[data-testid='charts-blind']").is_none());
    m.blind.set(true);
    leptos::task::tick().await;
    let overlay = find(root, "[data-testid='charts-blind']").expect("overlay shown");
    assert!(overlay.text_content().unwrap().contains("blind"));
    assert!(
        overlay.text_content().unwrap().contains("since 16:47:59"),
        "{}",
        overlay.text_content().unwrap()
    );
    assert_eq!(overlay.get_attribute("role").as_deref(), Some("status"));

    // Samples arriving while blind change neither the values nor the pictures.
    let (before_value, before_drawn) = (value(), drawn());
    m.history.update(|h| {
        h.push(
            60_000,
            &[50.0, 9_000.0, 50.0, 50.0, 50.0, 9_000.0, 900.0, 5.0],
        );
    });
    leptos::task::tick().await;
    gloo_timers::future::TimeoutFuture::new(30).await;
    assert_eq!(value(), before_value);
    assert_eq!(drawn(), before_drawn);

    // Back: the overlay goes and the charts catch up.
    m.blind.set(false);
    settle(&m).await;
    assert!(find(root, "[data-testid='charts-blind']").is_none());
    assert_eq!(value(), "9 s");
    m.root.remove();
}

/// Waits until every canvas of `root` has drawn the compared run's revision
/// `want` (`""`: none).
async fn settle_compare(root: &Element, want: &str) {
    for _ in 0..1000 {
        leptos::task::tick().await;
        let canvases = root.get_elements_by_tag_name("canvas");
        let done = (0..canvases.length()).all(|i| {
            canvases
                .item(i)
                .and_then(|c| c.get_attribute("data-compare"))
                .as_deref()
                == Some(want)
        });
        if done {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    panic!("charts never drew compared revision {want:?}");
}

#[wasm_bindgen_test]
async fn a_compared_run_is_a_grey_line_under_each_chart_with_its_value_and_legend() {
    let root = container();
    // Our run has the outage; the compared one (the first 15 minutes of a
    // calm run) does not.
    let history = RwSignal::new(synthetic_history(1200));
    let mut calm = ChartHistory::default();
    for s in 0..900u64 {
        calm.push(s * 1000, &sample(0));
    }
    let compare = RwSignal::new(calm);
    let label = RwSignal::new(String::new());
    leptos::mount::mount_to(root.clone(), move || {
        view! {
            <ChartPanel
                history=history
                clock=ScenarioClock::starting_at(16, 47, 0)
                window=RwSignal::new(Window::WholeRun)
                compare=compare
                compare_label=label
            />
        }
    })
    .forget();
    // No label: nothing is compared, whatever the history holds.
    settle_compare(&root, "").await;
    let grey = |k| count_colour(&pixels(&canvas(&root, k)), COMPARE_COLOUR);
    assert_eq!(grey(keys::API_SUCCESS), 0);
    assert!(find(&root, "[data-testid='compare-legend']").is_none());
    assert!(find(&root, ".fl-chart-compare").is_none());

    label.set("the scenario with: a fix".into());
    settle_compare(&root, "900").await;
    for s in default_indicators() {
        let g = grey(s.key);
        assert!(g > 20, "{}: the compared line drawn ({g} px)", s.key);
    }
    let legend = find(&root, "[data-testid='compare-legend']").expect("legend item");
    assert!(legend.text_content().unwrap().contains("a fix"));
    // The header gives the compared run's value at the time shown: the
    // calm run's last sample (14:59 into it), not our outage's.
    let text = |k: &str| {
        find(&root, &format!(".fl-chart-compare[data-key='{k}']"))
            .expect("compared value")
            .text_content()
            .unwrap()
    };
    assert_eq!(text(keys::API_SUCCESS), "compared: 99.97%");
    assert_eq!(text(keys::DB_QUERY), "compared: 50 ms");
    // The axis fits both runs: the latency chart still reaches our 30 s.
    assert!(count_colour(&pixels(&canvas(&root, keys::API_P95)), LINE_COLOUR) > 20);

    // Switched off again: the grey line goes.
    label.set(String::new());
    settle_compare(&root, "").await;
    assert_eq!(grey(keys::API_SUCCESS), 0);
    root.remove();
}

#[wasm_bindgen_test]
async fn plotters_drew_the_line_the_objective_and_the_breach() {
    let m = mount(1200);
    settle(&m).await;
    let c = canvas(&m.root, keys::API_SUCCESS);
    let px = pixels(&c);
    assert!(count_colour(&px, SLO_COLOUR) > 20, "dashed SLO line drawn");
    assert!(count_colour(&px, LINE_COLOUR) > 20, "data line drawn");
    // The breach tint: reddish pixels that are neither white nor the line.
    let tinted = px
        .chunks_exact(4)
        .filter(|p| p[0] > 240 && p[1] < 230 && p[1] > 190 && p[2] < 230 && p[2] > 190)
        .count();
    assert!(tinted > 100, "breach region tinted ({tinted} px)");

    // A flood of events (one a second through the outage) stays a line and a
    // bar: it does not paint over the chart.
    let purple = |px: &[u8]| {
        px.chunks_exact(4)
            .filter(|p| p[0] > 100 && p[0] < 220 && p[1] < 170 && p[2] > 200)
            .count()
    };
    let before = purple(&px);
    m.markers.update(|ms| {
        ms.extend((600..900).map(|s| Marker {
            t_ms: s * 1000,
            label: format!("breaker trip {s}"),
            kind: MarkerKind::Event,
        }))
    });
    // (A new sample too, so `settle` can tell when everything is redrawn.)
    m.history.update(|h| {
        h.push(1_200_000, &sample(1200));
    });
    settle(&m).await;
    let flood = purple(&pixels(&canvas(&m.root, keys::API_SUCCESS)));
    let total = px.len() / 4;
    assert!(
        flood < before + total / 50,
        "burst drawn compactly: {before} -> {flood} of {total} px"
    );

    // An empty history draws "no data" and no SLO line.
    m.history.update(|h| h.clear());
    settle(&m).await;
    let px = pixels(&canvas(&m.root, keys::API_SUCCESS));
    assert_eq!(count_colour(&px, SLO_COLOUR), 0);
    let value = find(&m.root, ".fl-chart-value[data-key='api_success']").unwrap();
    assert_eq!(value.text_content().unwrap(), "—");
    m.root.remove();
}

#[wasm_bindgen_test]
async fn hovering_a_marker_names_it() {
    let m = mount(1200);
    settle(&m).await;
    let c = canvas(&m.root, keys::API_SUCCESS);
    // Whole run 0..1_199_000 ms; find the marker's x from the plot geometry
    // by scanning: hover every CSS pixel until the title names the marker.
    let hover = js_sys::Function::new_with_args(
        "el, x",
        "const r = el.getBoundingClientRect();
         el.dispatchEvent(new PointerEvent('pointermove',
             {clientX: r.left + x, clientY: r.top + 20, bubbles: true}));
         return el.getAttribute('title');",
    );
    let mut titles = Vec::new();
    for x in 0..c.client_width() {
        let t = hover
            .call2(&wasm_bindgen::JsValue::NULL, &c, &x.into())
            .unwrap();
        if let Some(t) = t.as_string() {
            titles.push(t);
        }
    }
    assert!(
        titles
            .iter()
            .any(|t| t == "16:57:00 · Redis Sessions down (event)"),
        "event marker tooltip"
    );
    assert!(titles
        .iter()
        .any(|t| t.contains("Kill switch: disable presence (your action)")));
    assert!(titles
        .iter()
        .any(|t| t.starts_with("API success rate · 16:")));
    // Pointing at a marker also shows it over the plot (touch has no title).
    assert!((0..c.client_width()).any(|x| {
        hover
            .call2(&wasm_bindgen::JsValue::NULL, &c, &x.into())
            .unwrap()
            .as_string()
            .is_some_and(|t| t.contains("Redis Sessions down"))
    }));
    leptos::task::tick().await;
    let tip = find(&m.root, ".fl-chart-tip[data-key='api_success']").expect("tip shown");
    assert!(tip.text_content().unwrap().contains("Redis Sessions down"));
    // Away from the markers the tip reads the value under the pointer: the
    // outage's 40% at 15:00 into the run, the normal 99.97% at its end.
    let at_time = js_sys::Function::new_with_args(
        "el, frac",
        "const r = el.getBoundingClientRect();
         const plotLeft = 44, plotRight = 4;
         const x = r.left + plotLeft + frac * (r.width - plotLeft - plotRight);
         el.dispatchEvent(new PointerEvent('pointermove', {clientX: x, clientY: r.top + 20, bubbles: true}));
         return el.getAttribute('title');",
    );
    let tip_text = || {
        find(&m.root, ".fl-chart-tip[data-key='api_success']")
            .and_then(|t| t.text_content())
            .unwrap_or_default()
    };
    let mut seen = Vec::new();
    for frac in [0.25, 0.55, 0.99] {
        at_time
            .call2(&wasm_bindgen::JsValue::NULL, &c, &frac.into())
            .unwrap();
        leptos::task::tick().await;
        seen.push(tip_text());
    }
    assert!(
        seen.iter().any(|t| t.ends_with(" · 40.0%")),
        "the outage's value under the pointer: {seen:?}"
    );
    assert!(
        seen.iter().any(|t| t.ends_with(" · 99.97%")),
        "the normal value under the pointer: {seen:?}"
    );
    assert!(
        seen.iter()
            .all(|t| t.len() > 10 && t.as_bytes()[2] == b':' && t.as_bytes()[5] == b':'),
        "each starts with its clock time: {seen:?}"
    );
    c.dispatch_event(&web_sys::Event::new("pointerleave").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert!(find(&m.root, ".fl-chart-tip[data-key='api_success']").is_none());
    let _ = m.markers;
    m.root.remove();
}

#[wasm_bindgen_test]
async fn redraw_cost_is_printed() {
    // Not a timed assertion: prints what reducing and drawing all eight
    // charts costs with an hour of one-second samples (run with
    // `-- --nocapture` to see it), and checks the panel catches up with a
    // burst of pushes.
    use faultline_app::charts::draw::{draw_chart, DrawInput};
    let m = mount(3600);
    settle(&m).await;
    let perf = web_sys::window().unwrap().performance().unwrap();
    let h = m.history.get_untracked();
    let marks = m.markers.get_untracked();
    let c = canvas(&m.root, keys::API_P95);
    let css = (f64::from(c.client_width()), f64::from(c.client_height()));
    let columns = c.width() as usize;
    let rounds = 20;
    let t0 = perf.now();
    let mut frames = Vec::new();
    for _ in 0..rounds {
        frames = (0..8)
            .map(|i| h.frame(i, Window::WholeRun, columns))
            .collect();
    }
    let t1 = perf.now();
    for _ in 0..rounds {
        for (spec, frame) in h.specs().iter().zip(&frames) {
            let input = DrawInput {
                spec,
                frame: frame.as_ref(),
                markers: &marks,
                clock: ScenarioClock::default(),
                compare: &[],
            };
            draw_chart(&c, &input, css, 1.0).unwrap();
        }
    }
    let t2 = perf.now();
    let reduce = (t1 - t0) / rounds as f64;
    let draw = (t2 - t1) / rounds as f64;
    console_log!(
        "chart panel, 8 charts, 3600 samples: reduce {reduce:.2} ms + draw {draw:.2} ms per full redraw"
    );
    for r in 0..30 {
        m.history.update(|h| {
            h.push(3_600_000 + r * 1000, &sample(r));
        });
    }
    settle(&m).await;
    m.root.remove();
}
