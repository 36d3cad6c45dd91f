//! Small DOM helpers the panels share: finding a part of the page from a
//! click, and flashing an element to show where the page has taken you.

use wasm_bindgen::JsCast;

/// The element matching `selector` in the part of the page the event came
/// from: inside its target's closest `scope` ancestor, or anywhere in the
/// document when there is none. A page has one map and one chart panel;
/// the browser tests mount several pages side by side.
pub fn find_from(ev: &web_sys::Event, scope: &str, selector: &str) -> Option<web_sys::Element> {
    let within = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(scope).ok().flatten());
    match within {
        Some(part) => part.query_selector(selector).ok().flatten(),
        None => web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(selector).ok().flatten()),
    }
}

/// Sets the empty `attribute` on `el` for `ms` milliseconds; the style
/// sheet animates what carries it. Removed and set again first, so that a
/// second flash before the first has ended starts the animation over.
pub fn flash(el: web_sys::Element, attribute: &'static str, ms: u32) {
    let _ = el.remove_attribute(attribute);
    // Reading the layout makes the browser see the removal.
    let _ = el.get_bounding_client_rect();
    let _ = el.set_attribute(attribute, "");
    gloo_timers::callback::Timeout::new(ms, move || {
        let _ = el.remove_attribute(attribute);
    })
    .forget();
}
