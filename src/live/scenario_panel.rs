//! The scenario around the run: the picker (title, date, one-line summary,
//! duration, difficulty of every bundled scenario, plus loading a file of
//! your own), the trainee's briefing, the story messages that appear as the
//! clock passes their times, and, once the run is over, "what actually
//! happened" beside this run's own figures.
//!
//! Choosing a scenario resets the run to it (the link's `s=` names it); a
//! file of your own is parsed first and, if it is malformed, the message
//! names the file, line and problem while the current run goes on.

use faultline_core::scenario::library;
use faultline_core::Scenario;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::debrief::Debrief;
use super::drill::{DrillInjects, DrillNote, DrillToggle};
use super::driver::{Live, Notice};
use super::playback::elapsed;
use super::url_state::{self, RunState};

/// What the picker shows of one scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioCard {
    /// Link key.
    pub key: String,
    /// Title.
    pub title: String,
    /// Date of the incident (empty for what-ifs).
    pub date: String,
    /// One line.
    pub summary: String,
    /// Duration in words (`4:00:00`).
    pub duration: String,
    /// Difficulty word.
    pub difficulty: &'static str,
}

impl ScenarioCard {
    /// The card of a loaded scenario under link key `key`.
    pub fn of(key: &str, s: &Scenario) -> ScenarioCard {
        ScenarioCard {
            key: key.to_string(),
            title: super::debrief::title_of(s),
            date: s.date.clone(),
            summary: s.summary.clone(),
            duration: elapsed(s.duration_ms),
            difficulty: s.difficulty.as_str(),
        }
    }
}

/// Cards of every bundled scenario that loads, in library order.
pub fn bundled_cards() -> Vec<ScenarioCard> {
    library::bundled()
        .iter()
        .filter_map(|b| b.load().ok().map(|s| ScenarioCard::of(b.key, &s)))
        .collect()
}

impl Live {
    /// Switches to the bundled (or user) scenario `key` at its own seed: a
    /// fresh run, paused, named in the link.
    pub fn choose_scenario(&self, key: &str) {
        let seed = match url_state::load_scenario(key) {
            Ok(s) => s.seed,
            Err(e) => {
                self.notice.set(Some(Notice {
                    error: true,
                    text: format!("Scenario `{key}` could not be loaded: {e}"),
                }));
                return;
            }
        };
        self.replay(&RunState {
            scenario: key.to_string(),
            seed,
            counterfactuals: Vec::new(),
            injects: Vec::new(),
            ..self.fresh_run()
        });
        self.notice.set(None);
    }

    /// Turns drill mode on or off. The run starts again from t = 0 at the
    /// same seed, without operator actions or switches: a drill is the
    /// incident as it began, with the trainees as its responders.
    pub fn set_drill(&self, on: bool) {
        self.replay(&RunState {
            counterfactuals: Vec::new(),
            drill: on,
            ..self.fresh_run()
        });
        self.notice.set(None);
    }

    /// Turns counterfactual switch `key` of the running scenario on or off.
    /// A counterfactual changes the world from the start, so the run starts
    /// again (same scenario and seed, no operator actions); the link's
    /// `cf=` lists the switches on.
    pub fn set_counterfactual(&self, key: &str, on: bool) {
        let mut cfs = self.counterfactuals.get_untracked();
        cfs.retain(|k| k != key);
        if on {
            cfs.push(key.to_string());
        }
        self.replay(&RunState {
            counterfactuals: cfs,
            ..self.fresh_run()
        });
    }

    /// Loads a scenario file of the user's (its name and text). A malformed
    /// file leaves the current run alone and shows what is wrong (file,
    /// line, problem); a good one becomes the run.
    pub fn load_user_file(&self, name: &str, text: &str) -> Result<(), String> {
        match url_state::set_user_file(name, text) {
            Ok(_) => {
                self.choose_scenario(url_state::USER_SCENARIO);
                Ok(())
            }
            Err(errors) => {
                let text = format!(
                    "Your scenario file was not loaded; the current run goes on. {}",
                    url_state::describe_errors(&errors)
                );
                self.notice.set(Some(Notice {
                    error: true,
                    text: text.clone(),
                }));
                Err(text)
            }
        }
    }
}

/// Reads the file chosen in `input` (a file input) and hands it to
/// [`Live::load_user_file`].
fn read_chosen_file(live: Live, input: web_sys::Element) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsValue;
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &JsValue::from_str(k)).ok();
    let Some(file) = get(&input, "files")
        .and_then(|f| js_sys::Reflect::get_u32(&f, 0).ok())
        .filter(|f| !f.is_undefined() && !f.is_null())
    else {
        return;
    };
    let name = get(&file, "name")
        .and_then(|n| n.as_string())
        .unwrap_or_else(|| "your file".into());
    let Some(text_fn) = get(&file, "text").and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return;
    };
    let Ok(promise) = text_fn
        .call0(&file)
        .and_then(|p| p.dyn_into::<js_sys::Promise>())
    else {
        return;
    };
    let ok = Closure::once(move |text: JsValue| {
        let text = text.as_string().unwrap_or_default();
        let _ = live.load_user_file(&name, &text);
        // The same file can be chosen again after fixing it.
        let _ = js_sys::Reflect::set(&input, &JsValue::from_str("value"), &JsValue::from_str(""));
    });
    let failed = Closure::once(move |_: JsValue| {
        live.notice.set(Some(Notice {
            error: true,
            text: "Your scenario file could not be read; the current run goes on.".into(),
        }));
    });
    let _ = promise.then2(&ok, &failed);
    ok.forget();
    failed.forget();
}

/// The scenario panel: picker, briefing, story and debrief.
#[component]
pub fn ScenarioPanel() -> impl IntoView {
    let Some(live) = use_context::<Live>() else {
        return ().into_any();
    };
    let cards = StoredValue::new(bundled_cards());
    let current = Memo::new(move |_| {
        let key = live.scenario_key.get();
        live.scenario.with(|s| ScenarioCard::of(&key, s))
    });
    let user_name = move || {
        live.scenario_key.track();
        url_state::user_file().map(|(n, _)| n)
    };
    let open = RwSignal::new(false);
    let hides = Memo::new(move |_| live.drill_hides());
    // The picker and the tab name the scenario (not during a drill: they
    // would give it away).
    let shown = Memo::new(move |_| live.shown_title());
    Effect::new(move |_| document().set_title(&format!("{} — Faultline", shown.get())));
    let list = move || {
        cards.with_value(|cs| {
            cs.iter()
                .map(|c| {
                    let key = c.key.clone();
                    let k2 = key.clone();
                    let chosen = move || live.scenario_key.get() == k2;
                    view! {
                        <li>
                            <button
                                class="scenario-card"
                                data-scenario=key.clone()
                                aria-pressed=move || chosen().to_string()
                                on:click=move |_| {
                                    live.choose_scenario(&key);
                                    open.set(false);
                                }
                            >
                                <span class="title">{c.title.clone()}</span>
                                <span class="meta">
                                    <span class="date">{if c.date.is_empty() { "what-if".to_string() } else { c.date.clone() }}</span>
                                    " · "
                                    <span class="difficulty" data-difficulty=c.difficulty>{c.difficulty}</span>
                                    " · "
                                    <span class="duration">{c.duration.clone()}</span>
                                </span>
                                <span class="summary">{c.summary.clone()}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="live-panel live-scenario" aria-label="Scenario">
            <details class="scenario-picker" prop:open=move || open.get() on:toggle=move |e| {
                let o = e.target().and_then(|t| js_sys::Reflect::get(&t, &"open".into()).ok()).and_then(|v| v.as_bool()).unwrap_or(false);
                open.set(o);
            }>
                <summary>
                    <span class="label">"Scenario: "</span>
                    // A drill keeps the scenario's name and date from the trainees.
                    <strong data-current-scenario=move || current.with(|c| c.key.clone())>
                        {move || shown.get()}
                    </strong>
                    <span class="meta">
                        {move || current.with(|c| {
                            let date = if hides.get() {
                                "hidden until the debrief".to_string()
                            } else if c.date.is_empty() {
                                "what-if".to_string()
                            } else {
                                c.date.clone()
                            };
                            format!(" · {date} · {} · {}", c.difficulty, c.duration)
                        })}
                    </span>
                    <span class="change">" — choose another"</span>
                </summary>
                <ul class="scenario-list">{list}</ul>
                <div class="scenario-file">
                    <label>
                        "Or load a scenario file of your own (.toml): "
                        <input
                            type="file"
                            accept=".toml,text/plain"
                            data-control="scenario_file"
                            aria-label="Load a scenario file of your own"
                            on:change=move |e| {
                                if let Some(t) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                                    read_chosen_file(live, t);
                                }
                            }
                        />
                    </label>
                    {move || user_name().map(|n| {
                        let chosen = move || live.scenario_key.get() == url_state::USER_SCENARIO;
                        view! {
                            <button
                                class="scenario-card user"
                                data-scenario=url_state::USER_SCENARIO
                                aria-pressed=move || chosen().to_string()
                                on:click=move |_| {
                                    live.choose_scenario(url_state::USER_SCENARIO);
                                    open.set(false);
                                }
                            >
                                {format!("Your file: {n}")}
                            </button>
                        }
                    })}
                </div>
            </details>
            <DrillToggle />
            <DrillInjects />
            <Show when=move || !hides.get()>
                <p class="scenario-summary">{move || current.with(|c| c.summary.clone())}</p>
            </Show>
            <Briefing />
            // In a drill the switches stay hidden (they name the fixes) and
            // the updates wait for the debrief, which lists them.
            <Show when=move || !live.drill.get() fallback=move || hides.get().then(|| view! { <DrillNote /> })>
                <Counterfactuals />
                <StoryBanner />
            </Show>
            <Debrief />
        </section>
    }
    .into_any()
}

/// The trainee's briefing (collapsible).
#[component]
fn Briefing() -> impl IntoView {
    let live = expect_context::<Live>();
    let text = Memo::new(move |_| {
        let drill = live.drill.get();
        live.scenario.with(|s| {
            let t = if drill {
                s.briefing_for_drill()
            } else {
                &s.narrative
            };
            t.trim().to_string()
        })
    });
    // Open before the run; folded away once playback starts (so the map
    // moves up into view), open again for a new scenario.
    let open = RwSignal::new(true);
    Effect::new(move |_| {
        if live.playing.get() {
            open.set(false);
        }
    });
    Effect::new(move |_| {
        text.track();
        open.set(true);
    });
    move || {
        let t = text.get();
        (!t.is_empty()).then(|| {
            view! {
                <details
                    class="briefing"
                    prop:open=move || open.get()
                    on:toggle=move |e| {
                        let o = e
                            .target()
                            .and_then(|t| js_sys::Reflect::get(&t, &"open".into()).ok())
                            .and_then(|v| v.as_bool())
                            .unwrap_or(true);
                        if o != open.get_untracked() {
                            open.set(o);
                        }
                    }
                >
                    <summary>"Briefing"</summary>
                    <div class="narrative">{paragraphs(&t)}</div>
                </details>
            }
        })
    }
}

/// The scenario's counterfactual switches (the post-mortem's action items),
/// each a checkbox; changing one restarts the run with it.
#[component]
fn Counterfactuals() -> impl IntoView {
    let live = expect_context::<Live>();
    let list = Memo::new(move |_| {
        live.scenario.with(|s| {
            s.counterfactuals
                .iter()
                .map(|c| (c.key.clone(), c.label.clone(), c.description.clone()))
                .collect::<Vec<_>>()
        })
    });
    move || {
        let items = list.get();
        (!items.is_empty()).then(|| {
            let on_count = move || live.counterfactuals.with(|v| v.len());
            let n = items.len();
            let rows = items
                .into_iter()
                .map(|(key, label, description)| {
                    let k = key.clone();
                    let checked = move || live.counterfactuals.with(|v| v.contains(&k));
                    let k2 = key.clone();
                    view! {
                        <li>
                            <label data-counterfactual=key.clone()>
                                <input
                                    type="checkbox"
                                    prop:checked=checked
                                    on:change=move |e| live.set_counterfactual(&k2, event_target_checked(&e))
                                />
                                " "
                                <strong>{label}</strong>
                                <span class="cf-desc">{description}</span>
                            </label>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <details class="counterfactuals">
                    <summary>
                        {move || format!(
                            "What if the post-mortem's fixes had been in place? ({} of {n} on; changing one restarts the run)",
                            on_count()
                        )}
                    </summary>
                    <ul class="plain">{rows}</ul>
                </details>
            }
        })
    }
}

/// Splits text at blank lines into paragraphs.
fn paragraphs(text: &str) -> impl IntoView {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(|p| view! { <p>{p}</p> })
        .collect_view()
}

/// The story messages whose time has come: the latest as a banner, the
/// earlier ones in a list.
#[component]
fn StoryBanner() -> impl IntoView {
    let live = expect_context::<Live>();
    let now = Memo::new(move |_| live.snapshot.with(|s| s.t_ms));
    // How many messages are due: changes only when one more appears.
    let due = Memo::new(move |_| {
        let t = now.get();
        live.scenario
            .with(|s| s.messages.iter().take_while(|m| m.t_ms <= t).count())
    });
    let total = Memo::new(move |_| live.scenario.with(|s| s.messages.len()));
    // A new update whose banner is out of sight (the page scrolled down to
    // the map or the charts) is told in the sticky bar's notice line.
    let slot = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |prev: Option<usize>| {
        let n = due.get();
        if let Some(before) = prev.filter(|&p| n > p) {
            if !slot.get_untracked().is_some_and(|el| in_view(&el)) {
                announce_update(live, n, n - before);
            }
        }
        n
    });
    let banner = move || {
        let n = due.get();
        if total.get() == 0 {
            return None;
        }
        let (start, shown) = live.scenario.with_untracked(|s| {
            (
                s.start_clock_ms,
                s.messages[..n]
                    .iter()
                    .map(|m| (m.t_ms, m.text.clone()))
                    .collect::<Vec<_>>(),
            )
        });
        let clock = move |t: u64| faultline_core::scenario::time::format_clock(start, t);
        let latest = shown.last().cloned();
        let earlier = shown.len().saturating_sub(1);
        Some(view! {
            <div class="story" data-story-due=n>
                {match latest {
                    Some((t, text)) => view! {
                        <p class="story-banner" role="status" aria-live="polite" data-story-t=t>
                            <span class="story-kind">"Incident update"</span>
                            <time>{clock(t)}</time>
                            <span class="story-text">{text}</span>
                        </p>
                    }.into_any(),
                    None => view! {
                        <p class="story-banner waiting" role="status">
                            {format!("{} incident update{} will appear here as the clock passes their times.", total.get_untracked(), if total.get_untracked() == 1 { "" } else { "s" })}
                        </p>
                    }.into_any(),
                }}
                {(earlier > 0).then(|| view! {
                    <details class="story-earlier">
                        <summary>{format!("Earlier updates ({earlier})")}</summary>
                        <ol>
                            {shown[..earlier].iter().rev().map(|(t, text)| view! {
                                <li><time>{clock(*t)}</time>" "{text.clone()}</li>
                            }).collect_view()}
                        </ol>
                    </details>
                })}
            </div>
        })
    };
    view! { <div class="story-slot" node_ref=slot>{banner}</div> }
}

/// Puts the `n`th incident update (the latest of `new` that came due at
/// once) in the notice line, unless a problem is shown there or the line
/// already tells it (*Pause at updates* stopped the clock at it).
fn announce_update(live: Live, n: usize, new: usize) {
    let Some((t, text)) = live.scenario.with_untracked(|s| {
        s.messages
            .get(n.wrapping_sub(1))
            .map(|m| (m.t_ms, m.text.clone()))
    }) else {
        return;
    };
    let at = live.clock_at(t);
    let paused_here = Notice::incident_update(&at, &text, true, 0);
    let keep = live
        .notice
        .with_untracked(|shown| shown.as_ref().is_some_and(|x| x.error || *x == paused_here));
    if !keep {
        live.notice
            .set(Some(Notice::incident_update(&at, &text, false, new - 1)));
    }
}

/// Whether `el` shows on screen: inside the window and not under the
/// sticky bar (where the bar is stuck to the top, not on a phone, where it
/// scrolls with the page).
fn in_view(el: &web_sys::Element) -> bool {
    let Some(window) = web_sys::window() else {
        return true;
    };
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(f64::INFINITY);
    let covered = window
        .document()
        .and_then(|d| d.query_selector("section.live-top").ok().flatten())
        .map(|bar| bar.get_bounding_client_rect())
        .filter(|bar| bar.top() <= 0.5)
        .map_or(0.0, |bar| bar.bottom())
        .max(0.0);
    let rect = el.get_bounding_client_rect();
    rect.bottom() > covered && rect.top() < height
}
