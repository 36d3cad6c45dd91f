//! Drill mode: an instructor runs a scenario as an incident drill.
//!
//! The run plays the scenario's triggers without its responders' actions
//! ([`faultline_core::Scenario::drill`]), so nobody acts unless the
//! trainees do. While it runs the page holds back what would give the
//! cause away: the scenario's title and summary, the incident updates, the
//! counterfactual switches (they name the post-mortem's fixes) and the
//! scripted actions in the event log and on the charts. The dashboards,
//! the diagram and the consequences in the log stay, as they would for an
//! on-call team.
//!
//! When the run ends the debrief reveals it all and sets the team's
//! actions beside the real responders', and the team's users affected ×
//! minutes beside the replay's (the real responses, same seed) and a run
//! where nobody acts.

use faultline_core::scenario::{expect, time::format_clock, users_affected_minutes};
use faultline_core::sim::describe_action;
use faultline_core::{Scenario, Sim};
use leptos::prelude::*;

use super::driver::Live;
use super::url_state;

/// Users affected × minutes of the scenario `key` (with the switches
/// `counterfactuals` on, as in the drill) run to its end at `seed`: as it
/// happened (the real responders' actions) and as a drill where nobody
/// acts.
pub fn reference_scores(
    key: &str,
    counterfactuals: &[String],
    seed: u64,
) -> Result<(f64, f64), String> {
    let replay = url_state::load_run_scenario(key, counterfactuals, false)?;
    let run = |s: &Scenario| {
        Sim::run_samples(s, seed)
            .map(|samples| users_affected_minutes(&samples))
            .map_err(|e| e.to_string())
    };
    Ok((run(&replay)?, run(&replay.drill())?))
}

/// The drill switch, under the scenario picker: offered where the
/// scenario has a timeline (a steady state has nothing to respond to), and
/// kept while a drill is on so it can be turned off.
#[component]
pub fn DrillToggle() -> impl IntoView {
    let live = expect_context::<Live>();
    let offered =
        Memo::new(move |_| live.drill.get() || live.scenario.with(|s| !s.timeline.is_empty()));
    view! {
        <Show when=move || offered.get()>
        <label class="drill-toggle" title="For instructors: run the scenario as an incident drill">
            <input
                type="checkbox"
                data-control="drill"
                prop:checked=move || live.drill.get()
                on:change=move |e| live.set_drill(event_target_checked(&e))
            />
            " "
            <strong>"Drill mode"</strong>
            <span class="drill-hint">
                " hides the scenario's name, its incident updates, its switches and its scripted causes, and leaves the response to the trainees (the run starts again)"
            </span>
        </label>
        </Show>
    }
}

/// What the trainees see where the incident updates would be.
#[component]
pub fn DrillNote() -> impl IntoView {
    let live = expect_context::<Live>();
    let held = Memo::new(move |_| live.scenario.with(|s| s.messages.len()));
    view! {
        <p class="drill-note" role="note" data-drill-note="">
            <span class="story-kind">"Drill"</span>
            " "
            {move || {
                let updates = match held.get() {
                    0 => "There are no incident updates".to_string(),
                    1 => "Its one incident update is held back until the debrief".to_string(),
                    n => format!("Its {n} incident updates are held back until the debrief"),
                };
                format!(
                    "You are on call, and nobody else will act. {updates}: diagnose from the dashboards, the diagram and the event log, and act from the inspector and the panels."
                )
            }}
        </p>
    }
}

/// The drill's part of the debrief: the scenario revealed, the team's
/// actions beside the real responders', the real timeline and the scores.
#[component]
pub fn DrillDebrief() -> impl IntoView {
    let live = expect_context::<Live>();
    let key = live.scenario_key.get_untracked();
    let seed = live.seed.get_untracked();
    let Ok(full) = url_state::load_scenario(&key) else {
        return ().into_any();
    };
    let start = full.start_clock_ms;
    let clock = move |t: u64| format_clock(start, t);
    let team_score = live.with_sim(|s| users_affected_minutes(s.samples()));
    let scores = reference_scores(&key, &live.counterfactuals.get_untracked(), seed);
    let team: Vec<(u64, String)> = live.user_actions.with_untracked(|v| {
        v.iter()
            .map(|(t, a)| (*t, describe_action(&full.topology, a)))
            .collect()
    });
    let real: Vec<(u64, String)> = full
        .responses()
        .map(|a| {
            let what = describe_action(&full.topology, &a.action);
            let text = if a.note.is_empty() {
                what
            } else {
                format!("{what}: {}", a.note)
            };
            (a.t_ms, text)
        })
        .collect();
    let list = move |items: Vec<(u64, String)>, empty: &'static str| {
        if items.is_empty() {
            return view! { <p class="drill-none">{empty}</p> }.into_any();
        }
        view! {
            <ol class="drill-actions">
                {items
                    .into_iter()
                    .map(|(t, text)| view! { <li><time>{clock(t)}</time>" "{text}</li> })
                    .collect_view()}
            </ol>
        }
        .into_any()
    };
    let title = if full.title.is_empty() {
        full.name.clone()
    } else {
        full.title.clone()
    };
    let date = if full.date.is_empty() {
        "what-if".to_string()
    } else {
        full.date.clone()
    };
    let score_rows = match scores {
        Ok((replay, nobody)) => {
            let row = |who: &'static str, key: &'static str, v: f64| {
                let vs = if replay > 0.0 {
                    format!("{:+.0}%", (v / replay - 1.0) * 100.0)
                } else {
                    String::new()
                };
                view! {
                    <tr data-score=key>
                        <th scope="row">{who}</th>
                        <td data-value=v.to_string()>{expect::si(v)}</td>
                        <td>{vs}</td>
                    </tr>
                }
            };
            view! {
                <table class="drill-scores">
                    <thead>
                        <tr>
                            <th scope="col">"Users affected × minutes"</th>
                            <th scope="col">"Total"</th>
                            <th scope="col">"vs the real responders"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {row("Your team", "team", team_score)}
                        {row("The real responders (the replay, same seed)", "replay", replay)}
                        {row("Nobody acting", "nobody", nobody)}
                    </tbody>
                </table>
            }
            .into_any()
        }
        Err(e) => view! { <p class="live-error">{format!("The reference runs failed: {e}")}</p> }
            .into_any(),
    };
    let messages: Vec<(u64, String)> = full
        .messages
        .iter()
        .map(|m| (m.t_ms, m.text.clone()))
        .collect();
    view! {
        <section class="drill-debrief" aria-label="Drill debrief" role="region">
            <h3>{format!("Drill debrief: {title} ({date})")}</h3>
            <p class="drill-summary">{full.summary.clone()}</p>
            {score_rows}
            <div class="drill-compare">
                <div data-drill="team">
                    <h4>"What your team did"</h4>
                    {list(team, "Nothing: the team took no action.")}
                </div>
                <div data-drill="real">
                    <h4>"What the real responders did"</h4>
                    {list(real, "The scenario scripts no responders' actions: everything after the triggers is the model's own.")}
                </div>
            </div>
            {(!messages.is_empty()).then(|| view! {
                <details class="drill-timeline" open>
                    <summary>{format!("The incident updates that were held back ({})", messages.len())}</summary>
                    {list(messages, "")}
                </details>
            })}
        </section>
    }
    .into_any()
}
