//! A panic must never leave a dead page: the hook logs it to the console
//! (as `console_error_panic_hook` does) and writes a friendly overlay with
//! the message and a reload button straight into the DOM, without Leptos
//! (whose state may be what broke).

use wasm_bindgen::JsCast;

/// Escapes text for HTML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Shows the overlay with `message` (idempotent: a second panic replaces the text).
pub fn show(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let el = match doc.get_element_by_id("fl-panic") {
        Some(e) => e,
        None => {
            let Ok(e) = doc.create_element("div") else {
                return;
            };
            e.set_id("fl-panic");
            e.set_attribute("role", "alert").ok();
            if let Some(body) = doc.body() {
                body.append_child(&e).ok();
            }
            e
        }
    };
    el.set_inner_html(&format!(
        "<div class=\"fl-panic-box\" style=\"background:#fff;color:#111;padding:20px 24px;border-radius:8px;max-width:640px\"><h2>Something went wrong inside Faultline</h2>\
         <p>The sandbox hit an internal error and stopped. Your run is kept in the page's link, \
         so reloading replays it up to the last saved moment.</p>\
         <pre>{}</pre><button type=\"button\" onclick=\"location.reload()\">Reload</button></div>",
        escape(message)
    ));
    if let Ok(h) = el.dyn_into::<web_sys::HtmlElement>() {
        h.set_attribute(
            "style",
            "position:fixed;inset:0;z-index:9999;display:flex;align-items:center;justify-content:center;\
             background:rgba(17,24,39,.6);font:14px system-ui,sans-serif",
        )
        .ok();
    }
}

/// Installs the panic hook (console message plus overlay).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}
