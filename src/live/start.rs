//! The page's start: the run its address names (the fragment, else the
//! query; pieces it cannot use are left out with a notice, and a link
//! naming no usable scenario gives the default one), the sandbox
//! built from it and put in context, the keyboard shortcuts, and the
//! links opened later in the same tab's address bar.

use leptos::prelude::*;

use super::driver::{is_fresh, run_loop, Live, Notice};
use super::link_open;
use super::url_state::{self, RunState};

/// Space plays/pauses, → steps, ← steps back, + and − change speed, `?`
/// opens and closes the list of keys. Escape is the app's (it clears the
/// selection), and closes the list of keys wherever the focus is. Keys
/// typed into form fields, and keys a focused control already handled,
/// are left alone.
pub fn install_keys(live: Live) {
    let handle = window_event_listener(leptos::ev::keydown, move |e| {
        if e.default_prevented() || e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        if e.key() == "Escape" && live.keys_help.get_untracked() {
            live.keys_help.set(false);
            return;
        }
        let in_field = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|el| {
                let tag = el.tag_name().to_ascii_uppercase();
                matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON")
                    || el.get_attribute("role").as_deref() == Some("button")
            })
            .unwrap_or(false);
        if in_field {
            return;
        }
        match e.key().as_str() {
            " " | "Spacebar" => {
                e.prevent_default();
                live.toggle();
            }
            "ArrowRight" => {
                e.prevent_default();
                live.step();
            }
            "ArrowLeft" => {
                e.prevent_default();
                live.step_back();
            }
            "?" => live.keys_help.update(|open| *open = !*open),
            "+" | "=" => live.change_speed(true),
            "-" | "_" => live.change_speed(false),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// The run the address names (the fragment, else the query), opened as far
/// as it is usable, with the notice to show: `Ok(None)` if it names none,
/// `Err` with the reason if it names no usable scenario.
fn open_address() -> Result<Option<(RunState, Option<Notice>)>, String> {
    let location = window().location();
    let hash = location.hash().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    let (link, from_query) = url_state::link_text(&hash, &search);
    let link = js_sys::decode_uri_component(link)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| link.to_string());
    let opened = match link_open::open(&link) {
        Ok(Some(opened)) => opened,
        Ok(None) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let left_out = opened.left_out_notice();
    let run = opened.run;
    if from_query || left_out.is_some() {
        // The page keeps its run in the fragment from now on; a query left
        // beside it would be stale after the first change, and the pieces
        // left out would be met again on a reload.
        move_to_fragment(&run);
    }
    let replayed = (!is_fresh(&run))
        .then_some("Replayed the run from the link. Press Play (or Space) to continue.");
    // What was left out is the news; that the run was replayed follows it.
    let notice = match left_out {
        Some(left_out) => Some(Notice {
            error: true,
            text: match replayed {
                Some(replayed) => format!("{left_out} {replayed}"),
                None => left_out,
            },
        }),
        None => replayed.map(|replayed| Notice {
            error: false,
            text: replayed.into(),
        }),
    };
    Ok(Some((run, notice)))
}

/// The run the page should start with: from the URL fragment if it has
/// one, else from its query (what it cannot use is left out with a
/// notice; without a usable scenario, the default), else the default
/// scenario at its own seed. Also returns a saved last session to offer.
pub fn initial_run() -> (RunState, Option<Notice>, Option<RunState>) {
    let default = || RunState {
        scenario: url_state::DEFAULT_SCENARIO.into(),
        seed: url_state::load_scenario(url_state::DEFAULT_SCENARIO)
            .map(|s| s.seed)
            .unwrap_or(1),
        speed: 10.0,
        t_ms: 0,
        actions: Vec::new(),
        counterfactuals: Vec::new(),
        drill: false,
        injects: Vec::new(),
        branch: None,
        hints: Vec::new(),
        compare: None,
    };
    match open_address() {
        Ok(Some((run, notice))) => (run, notice, None),
        Ok(None) => {
            let saved = window()
                .local_storage()
                .ok()
                .flatten()
                .and_then(|s| s.get_item(url_state::STORAGE_KEY).ok().flatten())
                .and_then(|f| url_state::decode(&f).ok().flatten())
                .filter(|r| !is_fresh(r));
            (default(), None, saved)
        }
        Err(e) => (
            default(),
            Some(Notice {
                error: true,
                text: format!("{e}. Showing the default scenario instead."),
            }),
            None,
        ),
    }
}

impl Live {
    /// Replays `run`, opened from the address, and shows `notice` (what the
    /// link left out, or that it was replayed) with the replay's own
    /// complaint (actions it refused) after it rather than instead of it.
    fn open_run(&self, run: &RunState, notice: Option<Notice>) {
        self.notice.set(None);
        self.replay(run);
        let refused = self.notice.get_untracked();
        self.notice.set(match (notice, refused) {
            (Some(n), Some(r)) => Some(Notice {
                error: true,
                text: format!("{} {}", n.text, r.text),
            }),
            (n, r) => n.or(r),
        });
    }

    /// Opens the link in the address bar if the page did not write it
    /// itself: one pasted into the open page's address bar, or reached
    /// with Back or Forward, changes only the fragment, so the browser does
    /// not load the page again. It is opened as on load, pieces the page
    /// cannot use left out with a notice; but a link naming no usable
    /// scenario, or none at all, keeps the run the page has (it is not
    /// lost to a slip in a pasted link) and writes it back into the
    /// address.
    pub fn follow_address(&self) {
        let hash = window().location().hash().unwrap_or_default();
        if self.wrote_link(&hash) {
            return;
        }
        match open_address() {
            Ok(Some((run, notice))) => self.open_run(
                &run,
                Some(notice.unwrap_or_else(|| Notice {
                    error: false,
                    text: "Opened the link from the address bar.".into(),
                })),
            ),
            Ok(None) => self.save_url(),
            Err(e) => {
                self.notice.set(Some(Notice {
                    error: true,
                    text: format!("{e}. Kept the run you had."),
                }));
                self.save_url();
            }
        }
    }
}

/// Follows links opened later in the page's address bar (see
/// [`Live::follow_address`]). The page's own rewrites of the address fire
/// the same `hashchange` and are recognised as its own.
pub fn install_address_listener(live: Live) {
    let handle = window_event_listener(leptos::ev::hashchange, move |_| live.follow_address());
    on_cleanup(move || handle.remove());
}

/// Rewrites the address as the page's own link to `run`: the query goes,
/// the fragment holds the run (no history entry, no reload), so a reload
/// finds the same scenario.
fn move_to_fragment(run: &RunState) {
    let w = window();
    let path = w.location().pathname().unwrap_or_else(|_| "/".into());
    let url = format!("{path}#{}", url_state::encode(run));
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Builds the sandbox from the page's URL, provides it as context, starts
/// the frame loop and the keyboard shortcuts. Returns the handle and the
/// saved session to offer (if any), or the reason nothing can run.
pub fn provide_live() -> Result<(Live, Option<RunState>), String> {
    let (run, notice, saved) = initial_run();
    let scenario = url_state::load_scenario(&run.scenario)?;
    let live = Live::new(&run.scenario, scenario, run.seed, run.speed)?;
    // A drill plays another timeline than the scenario file's, so even a
    // fresh drill link is rebuilt.
    if !is_fresh(&run) || run.drill {
        live.open_run(&run, notice);
    } else {
        live.notice.set(notice);
    }
    provide_context(live);
    // The edges' flow animation stops while playback is paused.
    Effect::new(move |_| {
        let paused = !live.playing.get();
        if let Some(body) = document().body() {
            let _ = body.class_list().toggle_with_force("fl-paused", paused);
        }
    });
    run_loop(live);
    install_keys(live);
    install_address_listener(live);
    Ok((live, saved))
}
