//! What the switches on bought. The debrief of a run with some of the
//! post-mortem's fixes switched on sets it beside the same scenario without
//! them, at the same seed and with the same operator actions; and, when
//! asked, measures the switches over the scenario's calibration seeds as
//! `faultline report` does, a slice of simulated time at a time so the
//! page stays responsive.
//!
//! Where an incident's course is chaotic (the 2022 retry storm) one run
//! can show a fix making things worse: the count of seeds at which it
//! helped tells the draw from the fix.

use faultline_core::scenario::ensemble::{calibration_seeds, SwitchTally, SWITCH_MIN_CUT};
use faultline_core::scenario::{expect, users_affected_minutes};
use faultline_core::{Scenario, Sim};
use leptos::prelude::*;

use super::driver::Live;
use super::url_state;

/// The run beside the same scenario without its switches, at one seed.
#[derive(Clone, Debug, PartialEq)]
pub struct SameSeed {
    /// Users affected × minutes without the switches.
    pub without: f64,
    /// True when the operator acted: both runs have those actions.
    pub acted: bool,
}

/// The scenario running in `live` without its switches (as written, not a drill).
fn without_switches(live: &Live) -> Result<Scenario, String> {
    url_state::load_run_scenario(
        &live.scenario_key.get_untracked(),
        &[],
        &live.injects.get_untracked(),
        false,
    )
}

/// Users affected × minutes of the running scenario without its switches,
/// at the run's seed and with the operator's actions at their times.
pub fn same_seed(live: &Live) -> Result<SameSeed, String> {
    let actions = live.user_actions.get_untracked();
    let samples = Sim::run_samples_with(
        &without_switches(live)?,
        live.seed.get_untracked(),
        &actions,
    )
    .map_err(|e| e.to_string())?;
    Ok(SameSeed {
        without: users_affected_minutes(&samples),
        acted: !actions.is_empty(),
    })
}

/// "the switch" or "the switches", by how many are on.
fn the_switches(n: usize) -> &'static str {
    if n == 1 {
        "the switch"
    } else {
        "the switches"
    }
}

/// A change in users affected × minutes in words: "cut it by 70%",
/// "raised it by 12%", or "made no difference (under 1%)".
pub fn change_words(change: f64) -> String {
    if change <= -SWITCH_MIN_CUT {
        format!("cut it by {:.0}%", -change * 100.0)
    } else if change >= SWITCH_MIN_CUT {
        format!("raised it by {:.0}%", change * 100.0)
    } else {
        "made no difference (under 1%)".to_string()
    }
}

/// The same-seed comparison in a sentence: the run with `switches` on
/// scored `with`.
pub fn same_seed_text(with: f64, same: &SameSeed, switches: usize) -> String {
    let change = if same.without > 0.0 {
        with / same.without - 1.0
    } else {
        0.0
    };
    format!(
        "Without {}, same seed{}: {} users affected × minutes. At this seed {} {}.",
        the_switches(switches),
        if same.acted { " and your actions" } else { "" },
        expect::si(same.without),
        the_switches(switches),
        change_words(change)
    )
}

/// The measure over the calibration seeds in a sentence.
pub fn tally_text(t: &SwitchTally, seeds: &[u64], switches: usize) -> String {
    let range = match (seeds.first(), seeds.last()) {
        (Some(a), Some(b)) if a != b => format!("seeds {a}-{b}"),
        (Some(a), _) => format!("seed {a}"),
        _ => "no seeds".to_string(),
    };
    let it = if switches == 1 { "it" } else { "they" };
    let others = t.seeds() - t.helped().min(t.seeds());
    // Where a fix helps only sometimes, say what that means for this run.
    let lesson = if others > 0 && t.seeds() > 1 {
        format!(
            " At the other {others} {it} made no difference or made it worse: where a fix helps only sometimes, the incident's course turns on chance, and one run, this one included, says little about the fix."
        )
    } else {
        String::new()
    };
    format!(
        "Over the scenario's calibration {range}, without operator actions (as faultline report), {} changed users affected × minutes by {:+.1}% on average and helped at {} of {} seeds (a cut of 1% or more against the same seed without {}).{lesson}",
        the_switches(switches),
        t.change() * 100.0,
        t.helped(),
        t.seeds(),
        if switches == 1 { "it" } else { "them" }
    )
}

/// Simulated time each run advances per turn of the event loop: about
/// 10 ms of work at a 1 s tick.
const SLICE_MS: u64 = 20 * 60_000;

/// Where the measure over the seeds stands.
#[derive(Clone, Debug, PartialEq)]
enum Measure {
    /// Not asked for.
    Idle,
    /// Seeds done so far.
    Running(SwitchTally),
    /// Finished.
    Done(SwitchTally),
    /// A run failed.
    Failed(String),
}

/// Runs the scenario without and with the switches at each calibration
/// seed, a slice of simulated time per turn of the event loop, into
/// `state`. Stops if the run in `live` changes (another scenario, seed or
/// set of switches) or the debrief goes away.
fn measure(live: Live, state: RwSignal<Measure>) {
    let key = live.scenario_key.get_untracked();
    let cfs = live.counterfactuals.get_untracked();
    let run_seed = live.seed.get_untracked();
    let with = live.scenario.get_untracked();
    // Read with `try_`: the page (and its signals) may be gone by the next turn.
    let same_run = move || {
        live.scenario_key.try_get_untracked().as_ref() == Some(&key)
            && live.counterfactuals.try_get_untracked().as_ref() == Some(&cfs)
            && live.seed.try_get_untracked() == Some(run_seed)
    };
    let base = match without_switches(&live) {
        Ok(s) => s,
        Err(e) => {
            state.set(Measure::Failed(e));
            return;
        }
    };
    let seeds = calibration_seeds(&base);
    state.set(Measure::Running(SwitchTally::default()));
    leptos::task::spawn_local(async move {
        let mut tally = SwitchTally::default();
        for seed in seeds {
            let pair = Sim::new(&base, seed).and_then(|a| Ok((a, Sim::new(&with, seed)?)));
            let (mut a, mut b) = match pair {
                Ok(p) => p,
                Err(e) => {
                    let _ = state.try_set(Measure::Failed(e.to_string()));
                    return;
                }
            };
            // A slice of simulated time per turn of the event loop, so the
            // page stays responsive (a 2022 cascade run is ~0.2 s of work).
            while !(a.finished() && b.finished()) {
                gloo_timers::future::TimeoutFuture::new(0).await;
                if !same_run() {
                    return;
                }
                for sim in [&mut a, &mut b] {
                    let until = sim.now_ms() + SLICE_MS;
                    sim.step_until(until.min(sim.scenario().duration_ms));
                }
            }
            tally.push(
                users_affected_minutes(a.samples()),
                users_affected_minutes(b.samples()),
            );
            if state.try_set(Measure::Running(tally.clone())).is_some() {
                return;
            }
        }
        let _ = state.try_set(Measure::Done(tally));
    });
}

/// The same-seed comparison's sentence for the run in `live`, which
/// scored `with` with `switches` switches on.
pub fn same_seed_line(live: &Live, with: f64, switches: usize) -> String {
    match same_seed(live) {
        Ok(s) => same_seed_text(with, &s, switches),
        Err(e) => format!("The run without the switches failed: {e}"),
    }
}

/// The debrief's lines on what the switches bought: the same-seed
/// comparison (`same_line`, from [`same_seed_line`]) and the measure over
/// the calibration seeds, on request; the measure's sentence also goes to
/// `done` for the debrief's download.
#[component]
pub fn SwitchEffect(
    same_line: String,
    switches: usize,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let live = expect_context::<Live>();
    let state = RwSignal::new(Measure::Idle);
    // A switch changes neither the seed nor the run count: the running
    // scenario's calibration seeds are those of the scenario without it.
    let seeds = live.scenario.with_untracked(|s| calibration_seeds(s));
    let total = seeds.len();
    let status = Memo::new(move |_| match state.get() {
        Measure::Idle => String::new(),
        Measure::Running(t) => format!("Measuring: {} of {total} seeds done…", t.seeds()),
        Measure::Done(t) => tally_text(&t, &seeds, switches),
        Measure::Failed(e) => format!("The measure failed: {e}"),
    });
    Effect::new(move |_| {
        let finished = matches!(state.get(), Measure::Done(_));
        done.set(finished.then(|| status.get()));
    });
    let busy = move || matches!(state.get(), Measure::Running(_));
    view! {
        <div class="switch-effect">
            <p data-figure="same_seed">{same_line}</p>
            <button
                data-action="measure_switches"
                prop:disabled=busy
                on:click=move |_| measure(live, state)
                title="Run the scenario with and without the switches at each of its calibration seeds"
            >
                {format!("Measure over the {total} calibration seeds")}
            </button>
            <p data-figure="over_seeds" aria-live="polite">{status}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_sentence_names_the_switches_and_the_change() {
        let same = SameSeed {
            without: 4.2e10,
            acted: false,
        };
        assert_eq!(
            same_seed_text(1.26e10, &same, 1),
            "Without the switch, same seed: 42.00G users affected × minutes. At this seed the switch cut it by 70%."
        );
        let acted = SameSeed {
            acted: true,
            ..same.clone()
        };
        assert_eq!(
            same_seed_text(5.04e10, &acted, 2),
            "Without the switches, same seed and your actions: 42.00G users affected × minutes. At this seed the switches raised it by 20%."
        );
        assert!(same_seed_text(4.2e10, &same, 1).ends_with("made no difference (under 1%)."));
    }

    #[test]
    fn the_measure_says_how_much_and_how_reliably() {
        let mut t = SwitchTally::default();
        t.push(100.0, 50.0);
        t.push(100.0, 130.0);
        t.push(100.0, 99.5);
        let text = tally_text(&t, &[1, 2, 3], 1);
        assert_eq!(
            text,
            "Over the scenario's calibration seeds 1-3, without operator actions (as faultline report), the switch changed users affected × minutes by -6.8% on average and helped at 1 of 3 seeds (a cut of 1% or more against the same seed without it). At the other 2 it made no difference or made it worse: where a fix helps only sometimes, the incident's course turns on chance, and one run, this one included, says little about the fix."
        );
        // A fix that helps at every seed needs no such warning.
        let mut every = SwitchTally::default();
        every.push(100.0, 40.0);
        every.push(100.0, 60.0);
        assert!(tally_text(&every, &[4, 5], 2).ends_with(
            "the switches changed users affected × minutes by -50.0% on average and helped at 2 of 2 seeds (a cut of 1% or more against the same seed without them)."
        ));
    }
}
