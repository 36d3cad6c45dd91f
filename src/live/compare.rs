//! The compared run: a second simulation of the running scenario at the
//! same seed, under another choice, drawn on every chart as a grey line
//! under the indicator's own, up to the run's own clock (never ahead of
//! it, so it spoils nothing).
//!
//! A compared run never has the operator's actions: it answers "what did
//! my actions change?" (the scenario as scripted), "what did the
//! responders' actions buy?" (nobody acting) and "what would the
//! post-mortem's fix have changed?" (one more counterfactual switch on).
//! While a drill hides the incident the choice is closed, since the
//! scripted run would show the real responders at work.
//!
//! The compared simulation follows the run's clock frame by frame within
//! its own small budget ([`COMPARE_BUDGET_MS`]), so a run replayed from a
//! link hours in catches up over a second or so instead of stalling the
//! page.

use faultline_core::sim::{ComponentState, Health, RunSpec};
use faultline_core::{Action, Scenario, Sim};
use leptos::prelude::*;

use super::driver::{now_wall_ms, push_samples, step_ms, warm_up, Live, Notice, SLOW_PUBLISH_MS};
use super::timeline::step_applying;
use super::url_state;

/// Wall-clock ms per animation frame the compared run may spend catching
/// up with the run.
pub const COMPARE_BUDGET_MS: f64 = 3.0;

/// What the run is compared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// The scenario as scripted (its triggers and its responders' actions,
    /// the same switches and seed), without the operator's actions.
    Scripted,
    /// The scenario's triggers only: nobody responds.
    NobodyActing,
    /// The scripted scenario with one more counterfactual switch on.
    Switch(String),
    /// The run as it went before the operator went back and acted anew:
    /// the same scenario with the earlier branch's actions
    /// ([`Live::branch`]).
    Branch,
}

impl Comparison {
    /// The choice's value in the page's menu.
    pub fn key(&self) -> String {
        match self {
            Comparison::Scripted => "scripted".into(),
            Comparison::NobodyActing => "nobody".into(),
            Comparison::Switch(k) => format!("switch:{k}"),
            Comparison::Branch => "branch".into(),
        }
    }

    /// The choice a menu value names.
    pub fn from_key(key: &str) -> Option<Comparison> {
        match key {
            "scripted" => Some(Comparison::Scripted),
            "nobody" => Some(Comparison::NobodyActing),
            "branch" => Some(Comparison::Branch),
            _ => key
                .strip_prefix("switch:")
                .filter(|k| !k.is_empty())
                .map(|k| Comparison::Switch(k.to_string())),
        }
    }

    /// The scenario the compared run plays, for a run of `key` with the
    /// switches `counterfactuals` on and an instructor's `injects` (the
    /// compared run meets the same surprises).
    pub fn scenario(
        &self,
        key: &str,
        counterfactuals: &[String],
        injects: &[(u64, Action)],
    ) -> Result<Scenario, String> {
        match self {
            Comparison::Scripted | Comparison::Branch => {
                url_state::load_run_scenario(key, counterfactuals, injects, false)
            }
            Comparison::NobodyActing => {
                url_state::load_run_scenario(key, counterfactuals, injects, true)
            }
            Comparison::Switch(k) => {
                let mut on = counterfactuals.to_vec();
                on.push(k.clone());
                url_state::load_run_scenario(key, &on, injects, false)
            }
        }
    }
}

/// The choices a run of `scenario` (as loaded, before switches and drill)
/// offers, with their labels: the earlier branch, if the operator went
/// back and acted anew (`branch`: how many actions it had); the scripted
/// run; nobody acting, where the scenario scripts responders; and each
/// switch not already on.
pub fn offered(
    scenario: &Scenario,
    counterfactuals: &[String],
    drill: bool,
    branch: Option<usize>,
) -> Vec<(Comparison, String)> {
    let mut out = Vec::new();
    if let Some(n) = branch {
        out.push((
            Comparison::Branch,
            format!(
                "your earlier branch ({n} action{}, before you went back)",
                if n == 1 { "" } else { "s" }
            ),
        ));
    }
    out.push((
        Comparison::Scripted,
        if drill {
            "the real responders (the replay)".to_string()
        } else {
            "the scenario as scripted, without your actions".to_string()
        },
    ));
    if scenario.responses().next().is_some() {
        out.push((
            Comparison::NobodyActing,
            "nobody responding (the triggers only)".to_string(),
        ));
    }
    for cf in &scenario.counterfactuals {
        if !counterfactuals.contains(&cf.key) {
            out.push((
                Comparison::Switch(cf.key.clone()),
                format!("the scenario with: {}", cf.label),
            ));
        }
    }
    out
}

impl Live {
    /// The choices the running scenario offers (tracked: follows the
    /// scenario, its switches and drill mode).
    pub fn comparisons(&self) -> Vec<(Comparison, String)> {
        self.scenario_key.track();
        self.counterfactuals.track();
        self.drill.track();
        self.branch.track();
        self.comparisons_untracked()
    }

    /// Compares the run with `choice` from now on (`None`: stops). A choice
    /// whose scenario cannot be built is refused with a notice.
    pub fn set_comparison(&self, choice: Option<Comparison>) {
        // The earlier branch's actions are applied as its clock reaches them.
        let actions = match choice {
            Some(Comparison::Branch) => self.branch.get_untracked().unwrap_or_default(),
            _ => Vec::new(),
        };
        let now = self.now_ms();
        let mut pending = actions.clone();
        let built = choice.as_ref().map(|c| {
            let key = self.scenario_key.get_untracked();
            let cfs = self.counterfactuals.get_untracked();
            let injects = self.injects.get_untracked();
            c.scenario(&key, &cfs, &injects).and_then(|s| {
                // Taken back with the run: from the compared run's last
                // checkpoint before the clock, if it is this comparison's.
                let (done, _) = super::timeline::split_recording(&actions, now);
                let spec = RunSpec::new(&s, self.seed.get_untracked(), &done);
                let (mut sim, applied) = self
                    .compare_checkpoints
                    .try_update_value(|c| {
                        self.compare_sim
                            .with_value(|h| c.start(h.as_ref(), spec, now, step_ms(&s)))
                    })
                    .ok_or("the sandbox has been closed")?
                    .map_err(|e| e.to_string())?;
                pending.drain(..applied);
                self.compare_from.set_value(sim.now_ms());
                warm_up(&mut sim, &s);
                Ok(sim)
            })
        });
        let (choice, sim) = match built {
            Some(Ok(sim)) => (choice, Some(sim)),
            Some(Err(e)) => {
                self.notice.set(Some(Notice {
                    error: true,
                    text: format!("The comparison could not start: {e}"),
                }));
                (None, None)
            }
            None => (None, None),
        };
        self.compare_pending.set_value(pending);
        let now = sim.as_ref().map_or(0, Sim::now_ms);
        if let Some(Some(left)) = self
            .compare_sim
            .try_update_value(|s| std::mem::replace(s, sim))
        {
            // Taken back: as far as it went, it serves going forward again.
            self.compare_checkpoints
                .update_value(|c| c.leave(left, now));
        }
        self.compare_seen.set_value(0);
        self.compare_published_at.set_value(f64::NEG_INFINITY);
        self.compare_history.update(|h| h.clear());
        self.comparison.set(choice);
        // A first stretch at once; the rest over the next frames.
        self.follow_comparison(50.0);
    }

    /// After the run was rebuilt (a reset, a replay, a switch or a drill
    /// turned on or off): the same comparison for the new run where it
    /// still means something, none where it does not (a drill still
    /// hiding the incident; a switch now on in the run itself).
    pub fn rebuild_comparison(&self) {
        let Some(choice) = self.comparison.get_untracked() else {
            return;
        };
        let hidden = self.drill.get_untracked()
            && self.now_ms() < self.scenario.with_untracked(|s| s.duration_ms);
        let keep = !hidden
            && url_state::load_scenario(&self.scenario_key.get_untracked()).is_ok_and(|s| {
                offered(
                    &s,
                    &self.counterfactuals.get_untracked(),
                    false,
                    self.branch_len(),
                )
                .iter()
                .any(|(c, _)| *c == choice)
            });
        self.set_comparison(keep.then_some(choice));
    }

    /// Moves the compared run up to the run's clock within `budget_ms` of
    /// wall time, and hands its new samples to the charts at most every
    /// [`SLOW_PUBLISH_MS`], as the run's own go to them while playing (each
    /// hand-over redraws the charts); paused, as soon as it has caught up.
    pub fn follow_comparison(&self, budget_ms: f64) {
        let goal = self.now_ms();
        let chunk = self.scenario.with_untracked(|s| step_ms(s));
        // Every frame: the pending actions are stepped in place, not copied.
        let Some(Some(caught_up)) = self.compare_sim.try_update_value(|sim| {
            sim.as_mut().map(|sim| {
                self.compare_checkpoints
                    .try_update_value(|cps| {
                        self.compare_pending.try_update_value(|pending| {
                            step_applying(
                                sim,
                                pending,
                                goal,
                                chunk,
                                budget_ms,
                                now_wall_ms,
                                Some(cps),
                            )
                            .0
                        })
                    })
                    .flatten()
                    .unwrap_or(false)
            })
        }) else {
            return;
        };
        let now = now_wall_ms();
        let due = (caught_up && !self.playing.get_untracked())
            || now - self.compare_published_at.get_value() >= SLOW_PUBLISH_MS;
        if !due {
            return;
        }
        let seen = self.compare_seen.get_value();
        let fresh: Vec<(u64, faultline_core::sim::Sli)> = self.compare_sim.with_value(|sim| {
            sim.as_ref()
                .map(|sim| {
                    sim.samples()
                        .get(seen..)
                        .unwrap_or(&[])
                        .iter()
                        .map(|x| (x.t_ms, x.sli))
                        .collect()
                })
                .unwrap_or_default()
        });
        if fresh.is_empty() {
            return;
        }
        self.compare_published_at.set_value(now);
        self.compare_seen.set_value(seen + fresh.len());
        self.compare_history.update(|h| push_samples(h, &fresh));
    }

    /// Where the compared run last started: 0, or the time of the
    /// checkpoint it resumed from when the run went back.
    pub fn compare_replayed_from(&self) -> u64 {
        self.compare_from.get_value()
    }

    /// The compared run's label and users affected × minutes, run to the
    /// run's own clock first (the debrief's figure; `None` while nothing
    /// is compared).
    pub fn compared_minutes(&self) -> Option<(String, f64)> {
        let choice = self.comparison.get_untracked()?;
        self.follow_comparison(f64::INFINITY);
        let minutes = self.compare_sim.with_value(|sim| {
            sim.as_ref()
                .map(|s| faultline_core::scenario::users_affected_minutes(s.samples()))
        })?;
        let label = self
            .comparisons_untracked()
            .into_iter()
            .find(|(c, _)| *c == choice)
            .map(|(_, l)| l)?;
        Some((label, minutes))
    }

    /// Component `index` in the compared run as it stands now (at the run's
    /// clock once caught up), while a run is compared and monitoring sees
    /// (tracked: follows the diagram's refreshes, as the map's rings do).
    pub fn compared_component(&self, index: usize) -> Option<ComponentState> {
        if self.blind_since.get().is_some() {
            return None;
        }
        self.compared_now
            .with(|now| now.as_ref().and_then(|(_, c)| c.get(index).copied()))
    }

    /// Per component, the compared run's health where it differs from the
    /// run's own, both as they stand at the same time (all `None` until
    /// the compared run has caught up with the clock, while nothing is
    /// compared, or while monitoring is blind). Tracked like
    /// [`Live::compared_component`].
    pub fn health_differences(&self) -> Vec<Option<Health>> {
        let (t, ours): (u64, Vec<Health>) = self
            .snapshot
            .with_untracked(|s| (s.t_ms, s.components.iter().map(|c| c.health).collect()));
        let none = vec![None; ours.len()];
        if self.blind_since.get().is_some() {
            return none;
        }
        self.compared_now.with(|now| match now {
            Some((at, theirs)) if *at == t => ours
                .iter()
                .zip(theirs)
                .map(|(a, b)| (*a != b.health).then_some(b.health))
                .collect(),
            _ => none,
        })
    }

    /// [`Live::comparisons`], untracked.
    fn comparisons_untracked(&self) -> Vec<(Comparison, String)> {
        url_state::load_scenario(&self.scenario_key.get_untracked())
            .map(|s| {
                offered(
                    &s,
                    &self.counterfactuals.get_untracked(),
                    self.drill.get_untracked(),
                    self.branch_len(),
                )
            })
            .unwrap_or_default()
    }

    /// How many actions the earlier branch has, if there is one (untracked).
    fn branch_len(&self) -> Option<usize> {
        self.branch.with_untracked(|b| b.as_ref().map(Vec::len))
    }
}

/// The debrief's sentence on the compared run: `label` scored `theirs`
/// users affected × minutes where this run scored `ours`.
pub fn debrief_line(label: &str, theirs: f64, ours: f64) -> String {
    let change = if theirs > 0.0 {
        ours / theirs - 1.0
    } else {
        0.0
    };
    format!(
        "Compared with {label}, same seed: {} users affected × minutes. Against it this run {}.",
        faultline_core::scenario::expect::si(theirs),
        super::switch_effect::change_words(change)
    )
}

/// The inspector's line on the selected component in the compared run.
pub fn component_line(c: &ComponentState) -> String {
    format!(
        "In the compared run: {}, load {:.0}%, errors {:.2}%, latency {}",
        super::view_model::health_word(c.health).replace('-', " "),
        c.utilisation * 100.0,
        c.error_rate * 100.0,
        super::view_model::latency_text(c)
    )
}

/// The "Compare with" menu in the charts' bar.
#[component]
pub fn CompareSelect() -> impl IntoView {
    let live = expect_context::<Live>();
    let options = Memo::new(move |_| live.comparisons());
    let hides = Memo::new(move |_| live.drill_hides());
    let current = Memo::new(move |_| live.comparison.get().map(|c| c.key()));
    let on_change = move |e: leptos::ev::Event| {
        live.set_comparison(Comparison::from_key(&event_target_value(&e)));
        // The link shows the comparison too.
        live.save_url();
    };
    view! {
        <label
            class="fl-compare"
            title=move || {
                if hides.get() {
                    "Closed while the drill runs: the scripted run would show the real responders at work."
                } else {
                    "Draws another run of this scenario at the same seed, without your actions, as a grey line under each chart, up to the run's clock."
                }
            }
        >
            "Compare with "
            <select data-control="compare" disabled=move || hides.get() on:change=on_change>
                <option value="" prop:selected=move || current.with(Option::is_none)>
                    "nothing"
                </option>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(c, label)| {
                            let key = c.key();
                            let k = key.clone();
                            view! {
                                <option
                                    value=key
                                    prop:selected=move || current.with(|s| s.as_deref() == Some(&k))
                                >
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

/// What the legend calls the compared run (empty while there is none): a
/// memo, since the charts read it every frame and the offer it comes from
/// reads the scenario file.
pub fn compare_label(live: Live) -> Memo<String> {
    Memo::new(move |_| {
        let Some(choice) = live.comparison.get() else {
            return String::new();
        };
        live.comparisons()
            .into_iter()
            .find(|(c, _)| *c == choice)
            .map(|(_, label)| label)
            .unwrap_or_default()
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::live::driver::step_within;
    use faultline_core::scenario::library;

    #[test]
    fn the_debrief_sets_the_run_beside_the_compared_one() {
        assert_eq!(
            debrief_line("nobody responding (the triggers only)", 4.0e10, 3.0e10),
            "Compared with nobody responding (the triggers only), same seed: 40.00G users affected × minutes. Against it this run cut it by 25%."
        );
        assert!(debrief_line("x", 1.0e9, 1.5e9).ends_with("raised it by 50%."));
        assert!(debrief_line("x", 1.0e9, 1.0e9).ends_with("made no difference (under 1%)."));
    }

    #[test]
    fn the_inspector_says_how_the_component_fares_in_the_compared_run() {
        let steady = library::load("steady_state").unwrap();
        let mut c = Sim::new(&steady, 1).unwrap().snapshot().components[0];
        c.health = Health::FailingOver;
        c.utilisation = 0.456;
        c.error_rate = 0.1834;
        c.latency_ms = 2400.0;
        assert_eq!(
            component_line(&c),
            "In the compared run: failing over, load 46%, errors 18.34%, latency 2.4 s"
        );
    }

    #[test]
    fn menu_values_round_trip_and_garbage_names_nothing() {
        for c in [
            Comparison::Scripted,
            Comparison::NobodyActing,
            Comparison::Switch("client_backoff_fix".into()),
            Comparison::Branch,
        ] {
            assert_eq!(Comparison::from_key(&c.key()), Some(c));
        }
        for junk in ["", "switch:", "everything", "Scripted"] {
            assert_eq!(Comparison::from_key(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn the_offer_follows_the_scenario_its_switches_and_drill_mode() {
        let cascade = library::load("api_cascade_2022").unwrap();
        let all = offered(&cascade, &[], false, None);
        assert_eq!(all[0].0, Comparison::Scripted);
        assert_eq!(all[1].0, Comparison::NobodyActing);
        assert_eq!(all.len(), 2 + cascade.counterfactuals.len());
        // A switch already on is not offered again.
        let on = vec!["client_backoff_fix".to_string()];
        let fewer = offered(&cascade, &on, false, None);
        assert_eq!(fewer.len(), all.len() - 1);
        assert!(!fewer
            .iter()
            .any(|(c, _)| *c == Comparison::Switch("client_backoff_fix".into())));
        // In a drill the scripted run is the real responders'.
        assert!(offered(&cascade, &[], true, None)[0]
            .1
            .contains("real responders"));
        // A steady state has no responders to leave out, and no switches.
        let steady = library::load("steady_state").unwrap();
        assert_eq!(
            offered(&steady, &[], false, None),
            vec![(
                Comparison::Scripted,
                "the scenario as scripted, without your actions".to_string()
            )]
        );
        // Once the operator went back and acted anew, the earlier branch
        // comes first.
        let branched = offered(&steady, &[], false, Some(2));
        assert_eq!(
            branched[0],
            (
                Comparison::Branch,
                "your earlier branch (2 actions, before you went back)".to_string()
            )
        );
        assert_eq!(branched.len(), 2);
    }

    #[test]
    fn each_choice_builds_its_scenario() {
        let key = "api_cascade_2022";
        let scripted = Comparison::Scripted.scenario(key, &[], &[]).unwrap();
        let nobody = Comparison::NobodyActing.scenario(key, &[], &[]).unwrap();
        assert!(scripted.responses().next().is_some());
        assert!(nobody.responses().next().is_none());
        assert_eq!(nobody.timeline.len(), scripted.drill().timeline.len());
        let fixed = Comparison::Switch("client_backoff_fix".into())
            .scenario(key, &[], &[])
            .unwrap();
        assert_ne!(fixed.client_retry, scripted.client_retry);
        let err = Comparison::Switch("no_such_fix".into())
            .scenario(key, &[], &[])
            .unwrap_err();
        assert!(err.contains("no_such_fix"), "{err}");
    }

    #[test]
    fn following_steps_to_the_goal_or_stops_at_the_budget() {
        let s = library::load("steady_state").unwrap();
        let mut sim = Sim::new(&s, 1).unwrap();
        // A clock that moves 1 ms per reading: a 3 ms budget allows a few
        // chunks, not the hour.
        let t = std::cell::Cell::new(0.0);
        let tick = || {
            t.set(t.get() + 1.0);
            t.get()
        };
        assert!(!step_within(&mut sim, 3_600_000, 10_000, 3.0, tick, None));
        assert!(sim.now_ms() > 0 && sim.now_ms() < 3_600_000);
        assert_eq!(sim.now_ms() % 10_000, 0, "stops on a sample boundary");
        // Unbounded, it gets there, and to the same samples as a plain run.
        assert!(step_within(
            &mut sim,
            3_600_000,
            10_000,
            f64::INFINITY,
            tick,
            None
        ));
        let mut plain = Sim::new(&s, 1).unwrap();
        plain.step_until(3_600_000);
        assert_eq!(sim.samples(), plain.samples());
    }
}
