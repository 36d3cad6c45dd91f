//! Text metrics for the diagram: the fonts it draws with, and widths
//! estimated from character counts (there is no DOM to measure in), with the
//! proportions of DejaVu Sans, the widest common sans-serif, so real fonts
//! only ever come out narrower.

/// Font size of a component's name, in CSS pixels.
pub const NAME_FONT_PX: f64 = 12.0;
/// Font size of a component's fact line and of edge labels.
pub const SMALL_FONT_PX: f64 = 11.0;
/// Font size of domain titles.
pub const DOMAIN_FONT_PX: f64 = 11.5;
/// Font size of the rotated plane titles.
pub const PLANE_FONT_PX: f64 = 12.0;
/// Line height of edge labels.
pub const LABEL_LINE_PX: f64 = 13.0;

/// Estimated advance of `text` in pixels (DejaVu Sans proportions, which are
/// wider than Arial, Helvetica, Roboto or Segoe UI).
pub fn text_width(text: &str, font_px: f64, bold: bool) -> f64 {
    let per_char = if bold { 0.66 } else { 0.60 };
    text.chars().count() as f64 * font_px * per_char
}

/// Cuts `text` to fit `max_px`, ending with an ellipsis when shortened.
pub fn fit_text(text: &str, font_px: f64, bold: bool, max_px: f64) -> String {
    if text_width(text, font_px, bold) <= max_px {
        return text.to_string();
    }
    let mut out = String::new();
    for ch in text.chars() {
        out.push(ch);
        if text_width(&out, font_px, bold) + font_px > max_px {
            out.pop();
            break;
        }
    }
    format!("{}…", out.trim_end())
}
