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
use faultline_core::{Action, Scenario, Sim};
use leptos::prelude::*;

use super::driver::Live;
use super::save_run::SaveRunButton;
use super::url_state;

/// Users affected × minutes of the scenario `key` (with the switches
/// `counterfactuals` on and the instructor's `injects`, as in the drill)
/// run to its end at `seed`: as it happened (the real responders' actions)
/// and as a drill where nobody acts.
pub fn reference_scores(
    key: &str,
    counterfactuals: &[String],
    injects: &[(u64, Action)],
    seed: u64,
) -> Result<(f64, f64), String> {
    let replay = url_state::load_run_scenario(key, counterfactuals, injects, false)?;
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

/// The instructor's surprises, under the drill switch: a button that turns
/// the operator's actions so far (and those recorded ahead) into injected
/// triggers of a new drill, and, while the drill does not hide them, the
/// surprises in force with a button to remove them. While a drill hides
/// the incident this shows nothing: the trainees are to find them.
#[component]
pub fn DrillInjects() -> impl IntoView {
    let live = expect_context::<Live>();
    let acted = Memo::new(move |_| live.user_actions.with(Vec::len) + live.ahead.with(Vec::len));
    let listed = Memo::new(move |_| {
        live.scenario.with(|s| {
            live.injects.with(|v| {
                v.iter()
                    .map(|(t, a)| {
                        format!("{} {}", live.clock_at(*t), describe_action(&s.topology, a))
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    view! {
        {move || {
            (!live.drill_hides() && !listed.with(Vec::is_empty))
                .then(|| {
                    let items = listed.get();
                    view! {
                        <p class="drill-injects" data-injects=items.len()>
                            <strong>{format!("The instructor's surprises ({}): ", items.len())}</strong>
                            {items.join("; ")}
                            " "
                            <button
                                data-action="clear-injects"
                                title="Take the surprises out of the run (it starts again)"
                                on:click=move |_| live.clear_injects()
                            >
                                "Remove"
                            </button>
                        </p>
                    }
                })
        }}
        {move || {
            let surprises = live.injects.with(Vec::len);
            (!live.drill.get() && acted.get() + surprises > 0)
                .then(|| {
                    let n = acted.get();
                    view! {
                        <p class="drill-prepare">
                        "For instructors: "
                        {(n > 0).then(|| view! {
                            <button
                                class="drill-with-injects"
                                data-action="drill-with-injects"
                                title="For instructors: your actions become part of the incident (a second failure, a monitoring outage...), held back from the trainees like its own triggers, and the run starts again as a drill"
                                on:click=move |_| live.drill_with_injects()
                            >
                                {format!(
                                    "Start a drill with my {n} action{} as surprises",
                                    if n == 1 { "" } else { "s" },
                                )}
                            </button>
                            " or "
                        })}
                        <SaveRunButton />
                        </p>
                    }
                })
        }}
    }
}

impl Live {
    /// Starts a drill in which the operator's actions so far (and those
    /// recorded ahead of the clock) are the instructor's surprises: added
    /// to the scenario's triggers with any already there, from t = 0.
    pub fn drill_with_injects(&self) {
        let mut injects = self.injects.get_untracked();
        injects.extend(self.user_actions.get_untracked());
        injects.extend(self.ahead.get_untracked());
        injects.sort_by_key(|(t, _)| *t);
        self.replay(&url_state::RunState {
            counterfactuals: Vec::new(),
            drill: true,
            injects,
            ..self.fresh_run()
        });
        self.notice.set(None);
    }

    /// Takes the instructor's surprises out of the run, which starts again.
    pub fn clear_injects(&self) {
        self.replay(&url_state::RunState {
            injects: Vec::new(),
            ..self.fresh_run()
        });
        self.notice.set(None);
    }

    /// The drill's team asks for a hint: the incident updates due by now
    /// are shown, and the hint goes into the link and the debrief.
    pub fn take_hint(&self) {
        let now = self.now_ms();
        self.hints.update(|h| {
            if h.last() != Some(&now) {
                h.push(now);
            }
        });
        self.save_url();
    }
}

/// What the trainees see where the incident updates would be: a note, a
/// hint button, and the updates a hint has revealed.
#[component]
pub fn DrillNote() -> impl IntoView {
    let live = expect_context::<Live>();
    // The updates revealed by the latest hint (those due by its time).
    let revealed = Memo::new(move |_| match live.hints.with(|h| h.last().copied()) {
        Some(upto) => live.scenario.with(|s| updates_due(s, upto)),
        None => Vec::new(),
    });
    let total = Memo::new(move |_| live.scenario.with(|s| s.messages.len()));
    view! {
        <div class="drill-note" role="note" data-drill-note="">
            <p>
                <span class="story-kind">"Drill"</span>
                " "
                {move || {
                    let held = total.get() - revealed.with(Vec::len);
                    let updates = match held {
                        0 if total.get() == 0 => "There are no incident updates".to_string(),
                        0 => "Every incident update so far has been shown".to_string(),
                        1 => "One incident update is held back until the debrief".to_string(),
                        n => format!("{n} incident updates are held back until the debrief"),
                    };
                    format!(
                        "You are on call, and nobody else will act. {updates}: diagnose from the dashboards, the diagram and the event log, and act from the inspector and the panels."
                    )
                }}
            </p>
            <button
                data-action="hint"
                title="Shows the incident updates due by now; the debrief counts the hints taken"
                on:click=move |_| live.take_hint()
            >
                {move || format!("Show the updates so far (hint {})", live.hints.with(Vec::len) + 1)}
            </button>
            {move || {
                let shown = revealed.get();
                (!shown.is_empty()).then(|| timed_list("drill-hints", shown))
            }}
        </div>
    }
}

/// The scenario's incident updates due by `upto` (simulated ms), with
/// their clock times.
fn updates_due(s: &Scenario, upto: u64) -> Vec<(String, String)> {
    s.messages
        .iter()
        .take_while(|m| m.t_ms <= upto)
        .map(|m| (format_clock(s.start_clock_ms, m.t_ms), m.text.clone()))
        .collect()
}

/// A numbered list of (clock time, text) lines.
fn timed_list(class: &'static str, items: Vec<(String, String)>) -> impl IntoView {
    view! {
        <ol class=class>
            {items
                .into_iter()
                .map(|(t, text)| view! { <li><time>{t}</time>" "{text}</li> })
                .collect_view()}
        </ol>
    }
}

/// What the drill's part of the debrief says.
#[derive(Clone, Debug, PartialEq)]
pub struct DrillFacts {
    /// The scenario's title, date and one-line summary.
    pub title: String,
    /// Date, or "what-if".
    pub date: String,
    /// Summary.
    pub summary: String,
    /// The team's actions: clock time and what.
    pub team: Vec<(String, String)>,
    /// The real responders' actions: clock time and what (with the
    /// scenario's note).
    pub real: Vec<(String, String)>,
    /// The incident updates held back during the drill.
    pub updates: Vec<(String, String)>,
    /// The instructor's injected surprises: clock time and what.
    pub injects: Vec<(String, String)>,
    /// When the team asked for a hint (clock times).
    pub hints: Vec<String>,
    /// Users affected × minutes of the team's run.
    pub team_score: f64,
    /// Of the replay and of nobody acting, or why they could not be run.
    pub reference: Result<(f64, f64), String>,
}

/// What the drill's debrief says about the run in `live`: the scenario as
/// written (the drill ran without its responses), the two action lists,
/// the held-back updates and the three scores. Runs the two reference
/// runs, so call it once per debrief.
pub fn gather(live: &Live) -> DrillFacts {
    let key = live.scenario_key.get_untracked();
    let seed = live.seed.get_untracked();
    let cfs = live.counterfactuals.get_untracked();
    let injects = live.injects.get_untracked();
    let full = url_state::load_run_scenario(&key, &cfs, &injects, false)
        .unwrap_or_else(|_| Scenario::clone(&live.scenario.get_untracked()));
    let start = full.start_clock_ms;
    let clock = |t: u64| format_clock(start, t);
    let team = live.user_actions.with_untracked(|v| {
        v.iter()
            .map(|(t, a)| (clock(*t), describe_action(&full.topology, a)))
            .collect()
    });
    let real = full
        .responses()
        .map(|a| {
            let what = describe_action(&full.topology, &a.action);
            let text = if a.note.is_empty() {
                what
            } else {
                format!("{what}: {}", a.note)
            };
            (clock(a.t_ms), text)
        })
        .collect();
    DrillFacts {
        title: super::debrief::title_of(&full),
        date: super::debrief::date_of(&full),
        summary: full.summary.clone(),
        team,
        real,
        updates: updates_due(&full, u64::MAX),
        hints: live
            .hints
            .with_untracked(|h| h.iter().map(|&t| clock(t)).collect()),
        team_score: live.with_sim(|s| users_affected_minutes(s.samples())),
        injects: full
            .injects()
            .map(|a| (clock(a.t_ms), describe_action(&full.topology, &a.action)))
            .collect(),
        reference: reference_scores(&key, &cfs, &injects, seed),
    }
}

/// How many hints the team took, and when.
fn hints_line(hints: &[String]) -> String {
    match hints.len() {
        0 => "Hints taken: none.".to_string(),
        n => format!("Hints taken: {n} (at {}).", hints.join(", ")),
    }
}

/// The share by which `v` differs from the real responders' `replay`.
fn vs_replay(v: f64, replay: f64) -> String {
    if replay > 0.0 {
        format!("{:+.0}%", (v / replay - 1.0) * 100.0)
    } else {
        String::new()
    }
}

/// The drill's part of a Markdown debrief.
pub fn markdown(d: &DrillFacts) -> String {
    let mut md = format!("{}\n\n## Users affected × minutes\n\n", d.summary);
    match &d.reference {
        Ok((replay, nobody)) => {
            md.push_str("| | Total | vs the real responders |\n|---|---|---|\n");
            for (who, v) in [
                ("Your team", d.team_score),
                ("The real responders (the replay, same seed)", *replay),
                ("Nobody acting", *nobody),
            ] {
                md.push_str(&format!(
                    "| {who} | {} | {} |\n",
                    expect::si(v),
                    vs_replay(v, *replay)
                ));
            }
        }
        Err(e) => md.push_str(&format!(
            "Your team: {}. The reference runs failed: {e}\n",
            expect::si(d.team_score)
        )),
    }
    let list = |md: &mut String, title: &str, items: &[(String, String)], empty: &str| {
        md.push_str(&format!("\n## {title}\n\n"));
        if items.is_empty() {
            md.push_str(empty);
            md.push('\n');
        }
        for (t, text) in items {
            md.push_str(&format!("- {t} {text}\n"));
        }
    };
    list(
        &mut md,
        "What your team did",
        &d.team,
        "Nothing: the team took no action.",
    );
    md.push_str(&format!("\n{}\n", hints_line(&d.hints)));
    list(
        &mut md,
        "What the real responders did",
        &d.real,
        "The scenario scripts no responders' actions.",
    );
    if !d.injects.is_empty() {
        list(&mut md, "The instructor's surprises", &d.injects, "");
    }
    list(
        &mut md,
        "The incident updates that were held back",
        &d.updates,
        "None.",
    );
    md.push('\n');
    md
}

/// The drill's part of the debrief: the scenario revealed, the team's
/// actions beside the real responders', the real timeline and the scores.
#[component]
pub fn DrillDebrief(
    /// What it says ([`gather`]).
    facts: DrillFacts,
) -> impl IntoView {
    let d = facts;
    let list = move |items: Vec<(String, String)>, empty: &'static str| {
        if items.is_empty() {
            return view! { <p class="drill-none">{empty}</p> }.into_any();
        }
        timed_list("drill-actions", items).into_any()
    };
    let score_rows = match d.reference {
        Ok((replay, nobody)) => {
            let row = |who: &'static str, key: &'static str, v: f64| {
                view! {
                    <tr data-score=key>
                        <th scope="row">{who}</th>
                        <td data-value=v.to_string()>{expect::si(v)}</td>
                        <td>{vs_replay(v, replay)}</td>
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
                        {row("Your team", "team", d.team_score)}
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
    let n_updates = d.updates.len();
    let injects = d.injects;
    view! {
        <section class="drill-debrief" aria-label="Drill debrief" role="region">
            <h2>{format!("Drill debrief: {} ({})", d.title, d.date)}</h2>
            <p class="drill-summary">{d.summary}</p>
            {score_rows}
            <div class="drill-compare">
                <div data-drill="team">
                    <h3>"What your team did"</h3>
                    {list(d.team, "Nothing: the team took no action.")}
                    <p class="drill-hints-taken" data-hints=d.hints.len()>{hints_line(&d.hints)}</p>
                </div>
                <div data-drill="real">
                    <h3>"What the real responders did"</h3>
                    {list(d.real, "The scenario scripts no responders' actions: everything after the triggers is the model's own.")}
                </div>
            </div>
            {(!injects.is_empty()).then(|| view! {
                <div data-drill="injects">
                    <h3>"The instructor's surprises"</h3>
                    {timed_list("drill-actions", injects)}
                </div>
            })}
            {(n_updates > 0).then(|| view! {
                <details class="drill-timeline" open>
                    <summary>{format!("The incident updates that were held back ({n_updates})")}</summary>
                    {list(d.updates, "")}
                </details>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drills_markdown_sets_the_team_beside_the_responders() {
        let d = DrillFacts {
            title: "What if: permission cache failure".into(),
            date: "what-if".into(),
            summary: "The permission cache dies.".into(),
            team: vec![("19:08:00".into(), "revive Memcached Guilds".into())],
            real: vec![(
                "19:06:00".into(),
                "revive Memcached Guilds: restarted".into(),
            )],
            updates: Vec::new(),
            injects: vec![("19:10:00".into(), "kill Monitoring Primary".into())],
            hints: vec!["19:07:00".into()],
            team_score: 1.7e9,
            reference: Ok((1.41e9, 5.89e9)),
        };
        let md = markdown(&d);
        assert!(md.contains("| Your team | 1.70G | +21% |"), "{md}");
        assert!(md.contains("| Nobody acting | 5.89G | +318% |"), "{md}");
        assert!(md.contains("## What your team did\n\n- 19:08:00 revive Memcached Guilds\n"));
        assert!(md.contains("- 19:06:00 revive Memcached Guilds: restarted\n"));
        assert!(md.contains("held back\n\nNone.\n"), "{md}");
        assert!(md.contains("\nHints taken: 1 (at 19:07:00).\n"), "{md}");
        assert!(
            md.contains("## The instructor's surprises\n\n- 19:10:00 kill Monitoring Primary\n"),
            "{md}"
        );
        let plain = markdown(&DrillFacts {
            injects: Vec::new(),
            ..d.clone()
        });
        assert!(!plain.contains("surprises"), "{plain}");
        let failed = DrillFacts {
            reference: Err("no such scenario".into()),
            ..d
        };
        assert!(markdown(&failed).contains("The reference runs failed: no such scenario"));
    }
}
