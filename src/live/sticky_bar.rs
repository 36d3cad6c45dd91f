//! The sticky bar's height, for what must stop below it.
//!
//! The playback bar (with its notices, vitals and health key) stays at the
//! top of the window while the page scrolls. The inspector is sticky too,
//! and an element scrolled into view lands at the top: both would sit
//! under the bar. The bar's height changes (a notice appears, the window
//! narrows and the bar wraps), so it is measured, not guessed: a
//! `ResizeObserver` keeps `--live-top-height` on the root element equal to
//! it, and `assets/live.css` offsets the inspector and the page's
//! `scroll-padding-top` by it.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The CSS custom property holding the bar's height.
pub const HEIGHT_PROPERTY: &str = "--live-top-height";

/// Keeps [`HEIGHT_PROPERTY`] equal to `bar`'s height for as long as the page
/// lives (the bar is never unmounted; a test's bar being removed only stops
/// the updates).
pub fn track_height(bar: web_sys::HtmlElement) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let measured = bar.clone();
    let update = move || {
        let px = format!("{}px", measured.offset_height());
        let _ = root.style().set_property(HEIGHT_PROPERTY, &px);
    };
    update();
    let callback = Closure::<dyn FnMut()>::new(update);
    match web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        Ok(observer) => observer.observe(&bar),
        Err(e) => leptos::logging::warn!("the bar's height is not tracked: {e:?}"),
    }
    // The observer calls it for the page's lifetime.
    callback.forget();
}
