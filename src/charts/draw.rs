//! Drawing one indicator's chart on a canvas: plotters (through
//! `plotters-canvas`) draws the grid, the tinted breach spans, the dashed
//! objective, the data line and the markers; axis labels go straight to the
//! canvas's 2D context, because plotters measures text by adding and removing
//! a DOM element per label, which is churn we do not want on every frame.
//!
//! The canvas is drawn in device pixels (CSS size × `devicePixelRatio`) so it
//! stays crisp; every length below is given in CSS pixels and scaled.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::axes::{ScenarioClock, YAxis};
use super::markers::{group_markers, Marker, MarkerKind};
use super::series::{ChartFrame, ChartPoint};
use super::spec::SeriesSpec;

/// The dashed objective line's colour (amber-700); tests look for it.
pub const SLO_COLOUR: (u8, u8, u8) = (180, 83, 9);
/// The indicator's line colour (blue-600); tests look for it.
pub const LINE_COLOUR: (u8, u8, u8) = (37, 99, 235);
/// The colour of markers for simulation events (violet-600), drawn with a
/// triangle on top.
pub const EVENT_COLOUR: (u8, u8, u8) = (124, 58, 237);
/// The colour of markers for user actions (teal-600), drawn with a square on
/// top.
pub const USER_ACTION_COLOUR: (u8, u8, u8) = (13, 148, 136);
/// The line of the run the chart is compared with (slate-400), drawn under
/// the indicator's own; tests look for it.
pub const COMPARE_COLOUR: (u8, u8, u8) = (148, 163, 184);
/// The tint behind spans that break the objective (red-600, mostly
/// transparent).
pub const BREACH_TINT: (u8, u8, u8, f64) = (220, 38, 38, 0.14);

const GRID: RGBColor = RGBColor(229, 231, 235);
const AXIS: RGBColor = RGBColor(156, 163, 175);
const BASELINE: (u8, u8, u8) = (107, 114, 128);
const TEXT: &str = "#4b5563";

/// Markers closer than this many CSS pixels are drawn as one burst.
const MARKER_MERGE_PX: f64 = 6.0;

/// Blank space around the plot, in CSS pixels.
const LEFT_LABELS: f64 = 46.0;
const BOTTOM_LABELS: f64 = 16.0;
const TOP: f64 = 8.0;
const RIGHT: f64 = 10.0;

/// Where the plot sits on the canvas, in CSS pixels, and the time it spans:
/// what pointer handling needs to turn a position into a time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlotGeometry {
    /// The plot's left edge, in CSS pixels from the canvas's left.
    pub left: f64,
    /// The plot's right edge, in CSS pixels from the canvas's left.
    pub right: f64,
    /// The time range shown, in simulated milliseconds.
    pub range: (u64, u64),
}

impl PlotGeometry {
    /// The simulated time under CSS x-position `x` (clamped to the plot).
    pub fn time_at(&self, x: f64) -> u64 {
        let width = (self.right - self.left).max(1.0);
        let f = ((x - self.left) / width).clamp(0.0, 1.0);
        self.range.0 + ((self.range.1 - self.range.0) as f64 * f).round() as u64
    }

    /// Simulated milliseconds per CSS pixel.
    pub fn ms_per_px(&self) -> f64 {
        (self.range.1 - self.range.0) as f64 / (self.right - self.left).max(1.0)
    }

    /// The number of device-pixel columns the plot spans at `dpr`: how many
    /// columns to downsample to.
    pub fn columns_for(css_width: f64, dpr: f64) -> usize {
        ((css_width - LEFT_LABELS - RIGHT) * dpr).max(1.0) as usize
    }
}

/// The canvas's backing size in device pixels for a CSS size and pixel ratio.
pub fn device_size(css_width: f64, css_height: f64, dpr: f64) -> (u32, u32) {
    let dpr = if dpr.is_finite() && dpr > 0.0 {
        dpr
    } else {
        1.0
    };
    (
        (css_width * dpr).round().max(1.0) as u32,
        (css_height * dpr).round().max(1.0) as u32,
    )
}

/// What one chart shows.
#[derive(Clone, Copy, Debug)]
pub struct DrawInput<'a> {
    /// The indicator.
    pub spec: &'a SeriesSpec,
    /// Its prepared data, or `None` before the first sample.
    pub frame: Option<&'a ChartFrame>,
    /// Every marker; those outside the frame's range are skipped.
    pub markers: &'a [Marker],
    /// The scenario's clock, for the time axis.
    pub clock: ScenarioClock,
    /// Another run's values of the same indicator over the frame's range
    /// (empty when nothing is compared), drawn under the indicator's line.
    pub compare: &'a [ChartPoint],
}

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Draws one chart on `canvas`, which is `css` = (width, height) CSS pixels at
/// pixel ratio `dpr`. Resizes the canvas's backing store only when its size
/// changed. Returns where the plot landed, for pointer lookups.
pub fn draw_chart(
    canvas: &HtmlCanvasElement,
    input: &DrawInput<'_>,
    css: (f64, f64),
    dpr: f64,
) -> Result<PlotGeometry, String> {
    let dpr = if dpr.is_finite() && dpr > 0.0 {
        dpr
    } else {
        1.0
    };
    let (w, h) = device_size(css.0, css.1, dpr);
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(|_| "canvas has no 2D context".to_string())?
        .ok_or("canvas has no 2D context")?
        .dyn_into()
        .map_err(|_| "not a 2D context".to_string())?;
    let px = |v: f64| (v * dpr).round() as i32;
    let width_px = |v: f64| ((v * dpr).round() as u32).max(1);
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();

    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no canvas backend")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(err)?;

    let (x0, x1) = input.frame.map(|f| f.range).unwrap_or((0, 60_000));
    let (x0f, x1f) = (x0 as f64, x1.max(x0 + 1) as f64);
    let mut chart = ChartBuilder::on(&root)
        .margin_top(px(TOP))
        .margin_right(px(RIGHT))
        .y_label_area_size(px(LEFT_LABELS))
        .x_label_area_size(px(BOTTOM_LABELS))
        .build_cartesian_2d(x0f..x1f, 0f64..1f64)
        .map_err(err)?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let geometry = PlotGeometry {
        left: f64::from(xr.start) / dpr,
        right: f64::from(xr.end) / dpr,
        range: (x0, x1.max(x0 + 1)),
    };

    ctx.set_font(&format!("{}px system-ui, sans-serif", (10.0 * dpr).round()));
    ctx.set_fill_style_str(TEXT);

    // Time grid and labels in the scenario's clock.
    let max_ticks = ((geometry.right - geometry.left) / 60.0).floor().max(1.0) as usize;
    let (ticks, step) = input.clock.ticks(geometry.range, max_ticks);
    ctx.set_text_baseline("top");
    ctx.set_text_align("center");
    let mut last_label_end = f64::NEG_INFINITY;
    for t in ticks {
        let x = t as f64;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, 1.0)],
                GRID.stroke_width(width_px(1.0)),
            )))
            .map_err(err)?;
        let label = input.clock.tick_label(t, step);
        let (cx, _) = chart.backend_coord(&(x, 0.0));
        // An estimate (digits are about 0.6 em wide) instead of measureText,
        // which is good enough to keep labels from overlapping.
        let half = label.chars().count() as f64 * 6.0 * dpr / 2.0;
        let cx = f64::from(cx)
            .max(f64::from(xr.start) + half)
            .min(f64::from(w) - half);
        if cx - half > last_label_end + 4.0 * dpr {
            let _ = ctx.fill_text(&label, cx, f64::from(yr.end) + 3.0 * dpr);
            last_label_end = cx + half;
        }
    }

    let Some(frame) = input.frame else {
        draw_axes(&mut chart, width_px(1.0), (x0f, x1f))?;
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        let _ = ctx.fill_text(
            "No data yet",
            f64::from(xr.start + xr.end) / 2.0,
            f64::from(yr.start + yr.end) / 2.0,
        );
        root.present().map_err(err)?;
        return Ok(geometry);
    };
    let axis = frame.axis;

    // Value grid and labels.
    ctx.set_text_align("right");
    ctx.set_text_baseline("middle");
    for v in axis.ticks() {
        let y = axis.normalize(v);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x0f, y), (x1f, y)],
                GRID.stroke_width(width_px(1.0)),
            )))
            .map_err(err)?;
        let (_, cy) = chart.backend_coord(&(x0f, y));
        let label = input.spec.format.format_tick(v);
        let _ = ctx.fill_text(
            &label,
            f64::from(xr.start) - 4.0 * dpr,
            f64::from(cy).clamp(6.0 * dpr, f64::from(yr.end) - 2.0 * dpr),
        );
    }

    // Spans that broke the objective, at least one pixel wide.
    let one_px_ms = geometry.ms_per_px() / dpr;
    let (tr, tg, tb, ta) = BREACH_TINT;
    chart
        .draw_series(frame.breaches.iter().map(|(a, b)| {
            let (a, b) = (*a as f64, (*b as f64).max(*a as f64 + one_px_ms));
            Rectangle::new([(a, 0.0), (b, 1.0)], RGBColor(tr, tg, tb).mix(ta).filled())
        }))
        .map_err(err)?;

    // Reference lines use the canvas's own dashes: one stroke each, where
    // plotters' dashed series strokes every dash separately.
    let hline = |value: f64, colour: (u8, u8, u8), width: f64, dash: [f64; 2]| {
        let (_, y) = chart.backend_coord(&(x0f, axis.normalize(value)));
        let dashes = js_sys::Array::of2(&(dash[0] * dpr).into(), &(dash[1] * dpr).into());
        ctx.save();
        let _ = ctx.set_line_dash(&dashes);
        ctx.set_stroke_style_str(&format!("rgb({},{},{})", colour.0, colour.1, colour.2));
        ctx.set_line_width((width * dpr).round().max(1.0));
        ctx.begin_path();
        // Odd widths sit on a half pixel so they cover whole pixel rows.
        let y = f64::from(y)
            - if (width * dpr).round() % 2.0 == 1.0 {
                0.5
            } else {
                0.0
            };
        ctx.move_to(f64::from(xr.start), y);
        ctx.line_to(f64::from(xr.end), y);
        ctx.stroke();
        ctx.restore();
    };
    if let Some(base) = input.spec.baseline {
        hline(base.value, BASELINE, 1.0, [2.0, 3.0]);
    }
    if let Some(slo) = input.spec.slo {
        hline(slo.value, SLO_COLOUR, 2.0, [6.0, 4.0]);
    }

    // The compared run first, so the indicator's own line stays on top;
    // then the data. Both break at gaps; a lone point shows as a dot.
    // The compared line is wider, so where the runs agree it shows as a
    // grey edge along the blue.
    for (points, colour, width) in [
        (input.compare, rgb(COMPARE_COLOUR), 3.0),
        (&frame.points[..], rgb(LINE_COLOUR), 1.5),
    ] {
        draw_line(&mut chart, points, (colour, width), &axis, dpr, x0f)?;
    }

    // Markers: a thin line and a shape on top (triangle: event, square: user
    // action) so the kinds differ without colour; a burst gets one line and
    // a bar along the top for its length. User actions go on top.
    let s = px(3.5).max(2);
    let gap_ms = (geometry.ms_per_px() * MARKER_MERGE_PX).ceil() as u64;
    for kind in [MarkerKind::Event, MarkerKind::UserAction] {
        let colour = match kind {
            MarkerKind::Event => rgb(EVENT_COLOUR),
            MarkerKind::UserAction => rgb(USER_ACTION_COLOUR),
        };
        for g in group_markers(input.markers, kind, frame.range, gap_ms) {
            let x = g.first_ms as f64;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, 0.0), (x, 1.0)],
                    colour.mix(0.8).stroke_width(width_px(1.0)),
                )))
                .map_err(err)?;
            let (cx, top) = chart.backend_coord(&(x, 1.0));
            if g.last_ms > g.first_ms {
                let (end, _) = chart.backend_coord(&(g.last_ms as f64, 1.0));
                root.draw(&Rectangle::new(
                    [(cx, top - px(1.5)), (end.max(cx + 1), top + px(1.5))],
                    colour.mix(0.6).filled(),
                ))
                .map_err(err)?;
            }
            let shape = match kind {
                MarkerKind::Event => vec![(cx - s, top - s), (cx + s, top - s), (cx, top + s)],
                MarkerKind::UserAction => vec![
                    (cx - s, top - s),
                    (cx + s, top - s),
                    (cx + s, top + s),
                    (cx - s, top + s),
                ],
            };
            root.draw(&Polygon::new(shape, colour.filled()))
                .map_err(err)?;
        }
    }

    draw_axes(&mut chart, width_px(1.0), (x0f, x1f))?;
    root.present().map_err(err)?;
    Ok(geometry)
}

/// One series as a line of `(colour, CSS width)`, broken at gaps (`NaN`);
/// a lone point shows as a dot.
fn draw_line(
    chart: &mut Chart<'_>,
    points: &[ChartPoint],
    (line, width): (RGBColor, f64),
    axis: &YAxis,
    dpr: f64,
    x0f: f64,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    let px = |v: f64| (v * dpr).round() as i32;
    let width_px = |v: f64| ((v * dpr).round() as u32).max(1);
    for run in points.split(|p| p.value.is_nan()) {
        let pts: Vec<(f64, f64)> = run
            .iter()
            .map(|p| (p.t_ms as f64, axis.normalize(p.value)))
            .collect();
        let pts = drop_flat_interior(&pts, |y| chart.backend_coord(&(x0f, y)).1);
        match pts.len() {
            0 => {}
            1 => {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        pts[0],
                        px(width).max(1),
                        line.filled(),
                    )))
                    .map_err(err)?;
            }
            _ => {
                chart
                    .draw_series(LineSeries::new(pts, line.stroke_width(width_px(width))))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Drops the points inside runs that land on the same pixel row: a flat
/// stretch becomes its two ends, so a calm line costs a few canvas calls.
fn drop_flat_interior(pts: &[(f64, f64)], row: impl Fn(f64) -> i32) -> Vec<(f64, f64)> {
    let rows: Vec<i32> = pts.iter().map(|p| row(p.1)).collect();
    let last = pts.len().saturating_sub(1);
    pts.iter()
        .enumerate()
        .filter(|(i, _)| {
            *i == 0 || *i == last || rows[*i] != rows[i - 1] || rows[*i] != rows[i + 1]
        })
        .map(|(_, p)| *p)
        .collect()
}

type Chart<'a> = ChartContext<
    'a,
    CanvasBackend,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The left and bottom axis lines.
fn draw_axes(chart: &mut Chart<'_>, width: u32, (x0, x1): (f64, f64)) -> Result<(), String> {
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(x0, 1.0), (x0, 0.0), (x1, 0.0)],
            AXIS.stroke_width(width),
        )))
        .map_err(|e| e.to_string())?;
    Ok(())
}
