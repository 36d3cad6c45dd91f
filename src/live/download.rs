//! Files the page hands to the browser: the debrief (Markdown), the
//! run's samples (CSV) and the run saved as a scenario file (TOML).

use leptos::prelude::document;
use wasm_bindgen::JsCast;

/// Offers `text` to the browser as a download named `name`, of type `mime`.
pub fn offer(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let a: web_sys::HtmlAnchorElement = document()
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "not an anchor".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url).map_err(err)
}

/// The samples file's name: the scenario and seed, or only "drill" while a
/// drill hides which incident it is.
pub fn samples_file_name(key: &str, seed: u64, hidden: bool) -> String {
    if hidden {
        format!("faultline-drill-seed{seed}-samples.csv")
    } else {
        format!("faultline-{key}-seed{seed}-samples.csv")
    }
}
