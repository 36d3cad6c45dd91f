//! The debrief once the run is over: what actually happened (the
//! post-mortem's account and figures) beside the run's own figures, and a
//! Markdown copy of it to download for the drill's records.
//!
//! [`gather`] reads what the debrief says from the run; the view and
//! [`markdown`] only format it, so the page and the file cannot disagree.

use faultline_core::scenario::{expect, impact, Indicator, Scenario};
use leptos::prelude::*;

use super::drill::{self, DrillDebrief, DrillFacts};
use super::driver::{drill_hidden, Live};
use super::spread::{self, SpreadLine, SpreadRoot, SPREAD_SHOWN};
use super::switch_effect;

/// Whether the debrief shows indicator `i` with this run's worst value:
/// all but the users-affected share (the count is shown) and the traffic
/// figures (request rate, retry share), which have no "worst".
fn shown(i: Indicator) -> bool {
    !matches!(
        i,
        Indicator::UsersAffectedShare | Indicator::RequestRate | Indicator::RetryShare
    )
}

/// How a band line is marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Met (✓).
    Pass,
    /// Missed (✗).
    Miss,
    /// Missed, and the scenario marks it as a known model gap (~).
    Gap,
    /// Shown for comparison, not judged (•): a switch is on or it was a drill.
    Compare,
}

impl Mark {
    /// The glyph the page and the Markdown use.
    pub fn glyph(self) -> &'static str {
        match self {
            Mark::Pass => "✓",
            Mark::Miss => "✗",
            Mark::Gap => "~",
            Mark::Compare => "•",
        }
    }

    /// The verdict in words, before the band (none for a comparison: it
    /// is not judged).
    pub fn verdict(self) -> Option<&'static str> {
        match self {
            Mark::Pass => Some("Met"),
            Mark::Miss => Some("Missed"),
            Mark::Gap => Some("Missed"),
            Mark::Compare => None,
        }
    }

    /// The verdict and the band's text, as one line reads.
    pub fn line(self, text: &str) -> String {
        match self.verdict() {
            Some(v) => format!("{v}: {text}"),
            None => text.to_string(),
        }
    }
}

/// One band of the source's figures, as the debrief states it.
#[derive(Clone, Debug, PartialEq)]
pub struct BandLine {
    /// Met, missed, known gap or comparison.
    pub mark: Mark,
    /// The band and where the run landed.
    pub text: String,
    /// Why the model misses it, for a known gap.
    pub gap: Option<String>,
}

/// Everything the debrief says about one finished run.
#[derive(Clone, Debug, PartialEq)]
pub struct DebriefFacts {
    /// The scenario's title.
    pub title: String,
    /// Its date, or "what-if".
    pub date: String,
    /// Its source document.
    pub source: String,
    /// The run's link key and seed.
    pub key: String,
    /// Seed.
    pub seed: u64,
    /// Switches on, by label.
    pub switches: Vec<String>,
    /// A drill (the trainees responded).
    pub drill: bool,
    /// The post-mortem's account (may be empty).
    pub what_happened: String,
    /// True when the bands are shown for comparison, not judged.
    pub compared: bool,
    /// The source's figures and where the run landed.
    pub bands: Vec<BandLine>,
    /// Labels of switches the source gives figures for, not (alone) on.
    pub elsewhere: Vec<String>,
    /// Users affected × minutes of the run.
    pub users_affected_minutes: f64,
    /// With switches on (not a drill): the run beside the scenario without
    /// them at the same seed, in a sentence.
    pub same_seed: Option<String>,
    /// The switches measured over the calibration seeds, once the trainee
    /// has asked for it, in words.
    pub over_seeds: Option<String>,
    /// While the charts compare the run with another: that run's users
    /// affected × minutes beside this one's, in a sentence.
    pub compared_run: Option<String>,
    /// Each indicator's worst value and its clock time, formatted (`—` if none).
    pub worst: Vec<(Indicator, String, String)>,
    /// A link that replays this run (the page's address with the run's
    /// fragment).
    pub link: String,
    /// How the trouble spread: the first components' first troubles, in order.
    pub spread: Vec<SpreadLine>,
    /// How many components were in trouble at some point.
    pub spread_total: usize,
    /// Where the trouble began: what each component's first trouble traces
    /// back to, with how many components each led to.
    pub roots: Vec<SpreadRoot>,
}

/// The title a scenario goes by (its name when it has no title).
pub fn title_of(s: &Scenario) -> String {
    if s.title.is_empty() {
        s.name.clone()
    } else {
        s.title.clone()
    }
}

/// The date a scenario shows, or "what-if".
pub fn date_of(s: &Scenario) -> String {
    if s.date.is_empty() {
        "what-if".into()
    } else {
        s.date.clone()
    }
}

/// What the debrief says about the run in `live` (read untracked).
pub fn gather(live: &Live) -> DebriefFacts {
    let scenario = live.scenario.get_untracked();
    let start = scenario.start_clock_ms;
    let clock = |t: u64| faultline_core::scenario::time::format_clock(start, t);
    let cfs = live.counterfactuals.get_untracked();
    let drill = live.drill.get_untracked();
    // With one switch on, the bands the source gives for the platform with
    // that measure in place apply too.
    let only_switch: Option<&String> = match cfs.as_slice() {
        [k] => Some(k),
        _ => None,
    };
    let (worst, uam, results) = live.with_sim(|s| {
        let samples = s.samples();
        let mut bands = expect::check(&scenario, samples);
        if let Some(k) = only_switch {
            bands.extend(expect::check_with(&scenario, Some(k), samples));
        }
        let worst: Vec<(Indicator, String, String)> = Indicator::ALL
            .into_iter()
            .filter(|&i| shown(i))
            .map(|i| match impact::worst(samples, i) {
                Some((v, t)) => (i, i.format(v), clock(t)),
                None => (i, "—".to_string(), String::new()),
            })
            .collect();
        (worst, impact::users_affected_minutes(samples), bands)
    });
    // With a switch on, the run is not the incident as it happened: the
    // scenario's own figures are shown beside it, not judged; only the
    // bands the source gives for that switch are. A drill is not the
    // incident as it happened either: the trainees responded.
    let compared = drill || !cfs.is_empty();
    let bands = results
        .iter()
        .map(|b| {
            if compared && b.expectation.with.is_none() {
                return BandLine {
                    mark: Mark::Compare,
                    text: b.in_words_measured(start, &scenario.topology),
                    gap: None,
                };
            }
            // A missed band the model is known not to reach says so, so a
            // trainee does not take it for the result of their actions.
            let gap = if b.pass {
                None
            } else {
                b.expectation.gap.clone()
            };
            let mark = match (b.pass, gap.is_some()) {
                (true, _) => Mark::Pass,
                (false, true) => Mark::Gap,
                (false, false) => Mark::Miss,
            };
            BandLine {
                mark,
                text: with_label(&scenario, b, b.in_words_measured(start, &scenario.topology)),
                gap,
            }
        })
        .collect();
    let label = |k: &String| {
        scenario
            .counterfactual(k)
            .map_or(k.clone(), |c| c.label.clone())
    };
    // Figures the source gives for a fix that is not (alone) on: say which
    // switch shows them, so a trainee knows where they apply.
    let mut elsewhere: Vec<String> = Vec::new();
    for e in &scenario.expectations {
        let Some(k) = &e.with else { continue };
        if only_switch == Some(k) {
            continue;
        }
        let l = label(k);
        if !elsewhere.contains(&l) {
            elsewhere.push(l);
        }
    }
    // A drill's scripted causes stay out of the spread, as out of the log.
    let hidden = drill_hidden(drill);
    let (spread, spread_total) = live
        .events
        .with_untracked(|events| spread::spread(events, start, SPREAD_SHOWN, hidden));
    let roots = live
        .events
        .with_untracked(|events| spread::roots(events, start, hidden));
    DebriefFacts {
        title: title_of(&scenario),
        date: date_of(&scenario),
        source: scenario.source.clone(),
        key: live.scenario_key.get_untracked(),
        seed: live.seed.get_untracked(),
        switches: cfs.iter().map(label).collect(),
        drill,
        what_happened: scenario.what_happened.trim().to_string(),
        compared,
        bands,
        elsewhere,
        users_affected_minutes: uam,
        same_seed: (!cfs.is_empty() && !drill)
            .then(|| switch_effect::same_seed_line(live, uam, cfs.len())),
        over_seeds: None,
        compared_run: live
            .compared_minutes()
            .map(|(label, theirs)| super::compare::debrief_line(&label, theirs, uam)),
        worst,
        link: replay_link(live),
        spread,
        spread_total,
        roots,
    }
}

/// The page's address followed by this run's fragment, so the file's
/// reader can open the same run.
fn replay_link(live: &Live) -> String {
    super::share::link_to(&live.run_state())
}

/// A band line with its switch named by the switch's label, as the
/// switches panel shows it, rather than by its key.
fn with_label(scenario: &Scenario, band: &expect::BandResult, line: String) -> String {
    let Some(key) = &band.expectation.with else {
        return line;
    };
    match scenario.counterfactual(key) {
        Some(c) => line.replacen(
            &format!(", with {key}"),
            &format!(", with “{}”", c.label),
            1,
        ),
        None => line,
    }
}

/// Text joined from its lines (a file's wrapped paragraphs) with blank
/// lines kept as paragraph breaks.
fn reflow(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The debrief as a Markdown document (the drill's part first, if any).
pub fn markdown(f: &DebriefFacts, drill: Option<&DrillFacts>) -> String {
    let mut md = String::new();
    let kind = if f.drill { "Drill debrief" } else { "Debrief" };
    md.push_str(&format!("# {kind}: {} ({})\n\n", f.title, f.date));
    md.push_str(&format!(
        "Scenario `{}`, seed {}{}. Source: {}.\n\n",
        f.key,
        f.seed,
        if f.switches.is_empty() {
            String::new()
        } else {
            format!(", with {}", f.switches.join(", "))
        },
        f.source
    ));
    md.push_str(&format!("Replay this run: <{}>\n\n", f.link));
    if let Some(d) = drill {
        md.push_str(&drill::markdown(d));
    }
    md.push_str("## What actually happened\n\n");
    if f.what_happened.is_empty() {
        md.push_str("This scenario has no post-mortem account.\n\n");
    }
    for p in reflow(&f.what_happened) {
        md.push_str(&p);
        md.push_str("\n\n");
    }
    if !f.bands.is_empty() {
        md.push_str("## The real figures, and where this run landed\n\n");
        if f.compared {
            md.push_str("Shown for comparison (•), not judged: the run is not the incident as it happened.\n\n");
        }
        for b in &f.bands {
            md.push_str(&format!("- {} {}\n", b.mark.glyph(), b.mark.line(&b.text)));
            if let Some(g) = &b.gap {
                md.push_str(&format!("  - Known model gap: {g}\n"));
            }
        }
        md.push('\n');
    }
    md.push_str("## This run\n\n");
    md.push_str(&format!(
        "Users affected × minutes: {}\n\n",
        expect::si(f.users_affected_minutes)
    ));
    for line in [&f.same_seed, &f.over_seeds, &f.compared_run]
        .into_iter()
        .flatten()
    {
        md.push_str(&format!("{line}\n\n"));
    }
    md.push_str("| Indicator | Worst | At |\n|---|---|---|\n");
    for (i, v, at) in &f.worst {
        md.push_str(&format!("| {} | {v} | {at} |\n", i.title()));
    }
    if !f.spread.is_empty() {
        md.push_str("\n## How it spread\n\n");
        md.push_str("Each component's first trouble, in order, and what the log blames it on.\n\n");
        for l in &f.spread {
            md.push_str(&format!("- {} {}", l.clock, l.message));
            if let Some(b) = &l.because {
                md.push_str(&format!(" (because: {b})"));
            }
            md.push('\n');
        }
        if let Some(more) = more_components(f) {
            md.push_str(&format!("- {more}\n"));
        }
        if !f.roots.is_empty() {
            md.push_str(&format!("\n{ROOTS_NOTE}\n\n"));
            for r in &f.roots {
                md.push_str(&format!("- {}\n", r.line()));
            }
        }
    }
    md.push_str("\nMade with Faultline, an independent teaching tool (not affiliated with the platform it models).\n");
    md
}

/// What the list of the trouble's beginnings is.
const ROOTS_NOTE: &str = "Where it began: what each component's first trouble traces back to, and how many components each led to.";

/// "… and 12 more components", when the spread was cut short.
fn more_components(f: &DebriefFacts) -> Option<String> {
    let more = f.spread_total.saturating_sub(f.spread.len());
    (more > 0).then(|| {
        format!(
            "… and {more} more component{}",
            if more == 1 { "" } else { "s" }
        )
    })
}

/// The file name of a run's debrief.
pub fn file_name(f: &DebriefFacts) -> String {
    format!(
        "faultline-{}{}-seed{}.md",
        f.key,
        if f.drill { "-drill" } else { "" },
        f.seed
    )
}

/// Splits text at blank lines into paragraphs.
fn paragraphs(text: &str) -> impl IntoView {
    reflow(text)
        .into_iter()
        .map(|p| view! { <p>{p}</p> })
        .collect_view()
}

/// After the run: what actually happened beside this run's own figures
/// (the drill's part first in a drill), and the download.
#[component]
pub fn Debrief() -> impl IntoView {
    let live = expect_context::<Live>();
    let ended = Memo::new(move |_| {
        let t = live.snapshot.with(|s| s.t_ms);
        live.scenario.with(|s| t >= s.duration_ms)
    });
    move || {
        if !ended.get() {
            return None;
        }
        let f = gather(&live);
        let bands = f
            .bands
            .iter()
            .map(|b| {
                view! {
                    <li
                        class:pass=b.mark == Mark::Pass
                        class:miss=b.mark == Mark::Miss
                        class:gap=b.mark == Mark::Gap
                        class:compare=b.mark == Mark::Compare
                        data-pass=match b.mark { Mark::Pass => "true", Mark::Compare => "compare", _ => "false" }
                    >
                        {b.mark.verdict().map(|v| view! { <strong class="verdict">{format!("{v}:")}</strong> " " })}
                        {b.text.clone()}
                        {b.gap.clone().map(|g| view! {
                            <span class="gap-note">{format!("Known model gap: {g}")}</span>
                        })}
                    </li>
                }
            })
            .collect_view();
        let rows = f
            .worst
            .iter()
            .map(|(i, v, at)| {
                view! {
                    <tr data-indicator=i.as_str()>
                        <th scope="row">{i.title()}</th>
                        <td>{v.clone()}</td>
                        <td>{at.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        let spread_items = f
            .spread
            .iter()
            .map(|l| {
                // The time goes back to that moment (see `timeline`); a
                // drill's clock only runs forward.
                let t_ms = l.t_ms;
                view! {
                    <li>
                        <button
                            class="go-to"
                            data-action="go-to"
                            data-t=t_ms
                            title=format!("Go back to {}: the run as it was then", l.clock)
                            disabled=f.drill
                            on:click=move |_| {
                                let _ = live.seek(t_ms);
                            }
                        >
                            <time>{l.clock.clone()}</time>
                        </button>
                        " "
                        {l.message.clone()}
                        {l.because.clone().map(|b| view! { <span class="because">{format!("because: {b}")}</span> })}
                    </li>
                }
            })
            .collect_view();
        // The drill's reference runs take a moment: run them once for the
        // page and the download.
        let drill_facts = f.drill.then(|| drill::gather(&live));
        let name = file_name(&f);
        // The measure over the seeds, when the trainee runs it, goes into
        // the download too.
        let over_seeds = RwSignal::new(None::<String>);
        let (facts, drill_for_file) = (f.clone(), drill_facts.clone());
        let save = move |_| {
            let facts = DebriefFacts {
                over_seeds: over_seeds.get_untracked(),
                ..facts.clone()
            };
            let text = markdown(&facts, drill_for_file.as_ref());
            if let Err(e) = super::download::offer(&name, "text/markdown;charset=utf-8", &text) {
                live.notice.set(Some(super::Notice {
                    error: true,
                    text: format!("The debrief could not be downloaded: {e}"),
                }));
            }
        };
        Some(view! {
            {drill_facts.map(|facts| view! { <DrillDebrief facts /> })}
            <section class="debrief" aria-label="What actually happened" role="region">
                <div class="debrief-real">
                    <h2>"What actually happened"</h2>
                    {if f.what_happened.is_empty() {
                        view! { <p>"This scenario has no post-mortem account (a what-if or a file without one)."</p> }.into_any()
                    } else {
                        view! { <div class="narrative">{paragraphs(&f.what_happened)}</div> }.into_any()
                    }}
                    {(!f.bands.is_empty()).then(|| view! {
                        <h3>"The real figures, and where this run landed"</h3>
                        {f.compared.then(|| view! {
                            <p class="bands-note">
                                {if f.drill {
                                    "This was a drill: your team, not the real responders, handled the incident, so the run's figures are shown beside the real ones (•), not judged."
                                } else {
                                    "A fix is switched on, so this run is not the incident as it happened: its figures are shown for comparison (•), not judged. Figures the source gives for the fix itself are judged (✓/✗)."
                                }}
                            </p>
                        })}
                        <ul class="bands">{bands}</ul>
                    })}
                    {(!f.elsewhere.is_empty()).then(|| view! {
                        <p class="bands-note" data-note="with-switch">
                            {format!(
                                "The source also gives figures for the platform with {} in place: switch it on alone, above, to compare.",
                                f.elsewhere.iter().map(|l| format!("“{l}”")).collect::<Vec<_>>().join(" or ")
                            )}
                        </p>
                    })}
                </div>
                <div class="debrief-run">
                    <h2>"This run"</h2>
                    {(!f.switches.is_empty()).then(|| view! {
                        <p class="cf-on">{format!("With: {}", f.switches.join(", "))}</p>
                    })}
                    <p class="uam" data-figure="users_affected_minutes">
                        {format!("Users affected × minutes: {}", expect::si(f.users_affected_minutes))}
                    </p>
                    {f.same_seed.clone().map(|same_line| view! {
                        <switch_effect::SwitchEffect same_line switches=f.switches.len() done=over_seeds />
                    })}
                    {f.compared_run.clone().map(|line| view! {
                        <p data-figure="compared_run">{line}</p>
                    })}
                    <table class="worst">
                        <thead><tr><th scope="col">"Indicator"</th><th scope="col">"Worst"</th><th scope="col">"At"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    {(!f.spread.is_empty()).then(|| view! {
                        <h3>"How it spread"</h3>
                        <p class="bands-note">"Each component's first trouble, in order, and what the log blames it on."</p>
                        <ol class="spread" data-spread-total=f.spread_total>{spread_items}</ol>
                        {more_components(&f).map(|m| view! { <p class="bands-note">{m}</p> })}
                        {(!f.roots.is_empty()).then(|| view! {
                            <p class="bands-note">{ROOTS_NOTE}</p>
                            <ul class="roots">
                                {f.roots.iter().map(|r| view! { <li>{r.line()}</li> }).collect_view()}
                            </ul>
                        })}
                    })}
                    <button class="download" data-action="download_debrief" on:click=save>
                        "Download the debrief (Markdown)"
                    </button>
                </div>
            </section>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> DebriefFacts {
        DebriefFacts {
            title: "Tiny".into(),
            date: "2022-01-25".into(),
            source: "Seed 001".into(),
            key: "api_cascade_2022".into(),
            seed: 3,
            switches: vec!["Client backoff fix".into()],
            drill: false,
            what_happened: "Line one\nwraps here.\n\nSecond paragraph.".into(),
            compared: true,
            bands: vec![
                BandLine {
                    mark: Mark::Compare,
                    text: "api_success min 40%".into(),
                    gap: None,
                },
                BandLine {
                    mark: Mark::Gap,
                    text: "db_query_ms max 25 s".into(),
                    gap: Some("the pool never exhausts".into()),
                },
            ],
            elsewhere: Vec::new(),
            users_affected_minutes: 3.5e10,
            same_seed: Some("Without the switch, same seed: 42.00G users affected × minutes. At this seed the switch cut it by 17%.".into()),
            over_seeds: Some("Over the scenario's calibration seeds 1-5, measured.".into()),
            compared_run: Some("Compared with nobody responding, same seed: 40.00G users affected × minutes. Against it this run cut it by 12%.".into()),
            worst: vec![(Indicator::ApiSuccess, "0.0%".into(), "17:05:21".into())],
            link: "https://example.org/faultline/#s=api_cascade_2022&seed=3".into(),
            spread: vec![SpreadLine {
                t_ms: 132_000,
                clock: "16:47:12".into(),
                message: "API Gateway overloaded".into(),
                because: Some("scenario: message_send traffic × 10".into()),
            }],
            spread_total: 3,
            roots: vec![SpreadRoot {
                clock: "16:47:12".into(),
                words: "scenario: message_send traffic × 10: 3 components".into(),
            }],
        }
    }

    #[test]
    fn the_markdown_says_what_the_page_says() {
        let md = markdown(&facts(), None);
        assert!(md.starts_with("# Debrief: Tiny (2022-01-25)\n"), "{md}");
        assert!(md.contains("Scenario `api_cascade_2022`, seed 3, with Client backoff fix."));
        assert!(
            md.contains("\nLine one wraps here.\n\nSecond paragraph.\n"),
            "{md}"
        );
        assert!(md.contains("- • api_success min 40%\n"), "{md}");
        assert!(md.contains(
            "- ~ Missed: db_query_ms max 25 s\n  - Known model gap: the pool never exhausts\n"
        ));
        assert!(md.contains("Users affected × minutes: 35.00G\n\nWithout the switch, same seed: 42.00G users affected × minutes. At this seed the switch cut it by 17%.\n\nOver the scenario's calibration seeds 1-5, measured.\n\nCompared with nobody responding, same seed: 40.00G users affected × minutes. Against it this run cut it by 12%.\n\n| Indicator"), "{md}");
        assert!(
            md.contains("| API success rate | 0.0% | 17:05:21 |"),
            "{md}"
        );
        assert!(md.contains("not affiliated"));
        assert!(
            md.contains("## How it spread\n\nEach component's first trouble, in order, and what the log blames it on.\n\n- 16:47:12 API Gateway overloaded (because: scenario: message_send traffic × 10)\n- … and 2 more components\n\nWhere it began: what each component's first trouble traces back to, and how many components each led to.\n\n- 16:47:12 scenario: message_send traffic × 10: 3 components\n"),
            "{md}"
        );
        assert!(md.contains(
            "Replay this run: <https://example.org/faultline/#s=api_cascade_2022&seed=3>\n"
        ));
        assert_eq!(file_name(&facts()), "faultline-api_cascade_2022-seed3.md");
    }
}
