//! The live driver: owns the running [`Sim`] and the only wall clock.
//!
//! [`Live`] is a `Copy` handle (put in Leptos context by
//! [`provide_live`](super::start::provide_live)) to the simulation, kept in a local [`StoredValue`] and
//! never cloned, plus the signals the page reads: the latest [`Snapshot`],
//! the event log, the chart history and markers, the operator's action log,
//! playback state and a notice line. One requestAnimationFrame loop
//! ([`run_loop`]) advances simulated time by `dt × speed` (with `dt` clamped,
//! so a tab that slept does not jump hours) and publishes what changed.
//!
//! Every operator action goes through [`Live::act`]: it is applied to the
//! simulation (which writes it into its own event log), appended to the
//! action log with its simulated time (that log goes into the URL for
//! replay), and a refusal is shown as a message, never a panic. Going back
//! in time is a replay of that log up to the new time; what comes after
//! stays recorded (see [`timeline`](super::timeline)).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use faultline_core::scenario::time::format_clock;
use faultline_core::sim::{Checkpoints, ComponentState};
use faultline_core::sim::{EventKind, Sli};
use faultline_core::{Action, Event, Scenario, Sim, Snapshot, Topology};
use leptos::prelude::*;

use super::url_state::{self, RunState};
use super::view_model::{self, DiagramView};
use crate::charts::{default_indicators, keys, ChartHistory, Marker, MarkerKind, ScenarioClock};

/// Playback speeds offered (simulated seconds per wall-clock second).
pub const SPEEDS: [f64; 11] = [
    1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 3600.0,
];

/// Longest wall-clock frame honoured, ms: after a tab sleep the run resumes
/// where it was instead of jumping ahead.
pub const MAX_FRAME_MS: f64 = 100.0;

/// Wall-clock ms between event-log and chart updates while playing (the
/// diagram itself updates every frame).
pub const SLOW_PUBLISH_MS: f64 = 250.0;

/// Wall-clock ms of simulation per animation frame at most; simulated
/// time not reached within it carries over to the next frames (so a heavy
/// stretch slows the run down instead of dropping frames).
pub const SIM_BUDGET_MS: f64 = 4.0;

/// How many times a second the edges' dash flow moves while playing.
pub const FLOW_HZ: f64 = 15.0;

/// Wall-clock ms between diagram updates (node bars, badges, edge widths)
/// while playing: repainting the diagram is the costliest part of a frame,
/// and ten pictures a second read as live.
pub const DIAGRAM_PUBLISH_MS: f64 = 100.0;

/// Most event markers kept for the charts.
const MAX_MARKERS: usize = 300;

/// A line shown above the sandbox: a refusal, a bad link, a hint.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// True for problems (shown in red, `role="alert"`).
    pub error: bool,
    /// The text.
    pub text: String,
}

impl Notice {
    /// An incident update, for a reader who may not have the scenario
    /// panel's banner in view: its time and text. `paused` when *Pause at
    /// updates* stopped the clock there; `earlier` counts the updates that
    /// came due with it and are not repeated (a move along the timeline).
    pub fn incident_update(at: &str, text: &str, paused: bool, earlier: usize) -> Notice {
        let text = if paused {
            format!("Paused at the incident update of {at}: {text} Press Play (or Space) to go on.")
        } else if earlier > 0 {
            format!(
                "Incident update {at}, the latest of {}: {text}",
                earlier + 1
            )
        } else {
            format!("Incident update {at}: {text}")
        };
        Notice { error: false, text }
    }
}

/// Handle to the running sandbox (cheap to copy; everything inside is a signal or stored value).
#[derive(Clone, Copy)]
pub struct Live {
    pub(super) sim: StoredValue<Sim, LocalStorage>,
    /// Moments of the run kept as it passes them, so that going back
    /// resumes from the last one before the new time instead of replaying
    /// from t = 0 (see [`Checkpoints`]).
    pub(super) checkpoints: StoredValue<Checkpoints, LocalStorage>,
    /// Where the last [`Live::replay`] started: 0, or the time of the
    /// checkpoint it resumed from.
    pub(super) replayed_from: StoredValue<u64>,
    /// The scenario running (its name, clock, topology).
    pub scenario: RwSignal<Arc<Scenario>>,
    /// The scenario's link key.
    pub scenario_key: RwSignal<String>,
    /// Counterfactual switches on in this run (keys, in order).
    pub counterfactuals: RwSignal<Vec<String>>,
    /// An instructor's surprises added to the scenario's triggers (see
    /// [`Scenario::with_injects`]), with their simulated times.
    pub injects: RwSignal<Vec<(u64, Action)>>,
    /// A drill: the scenario runs without its responders' actions and the
    /// page holds back what would give the cause away until the debrief.
    pub drill: RwSignal<bool>,
    /// When (simulated ms) the drill's team asked for a hint.
    pub hints: RwSignal<Vec<u64>>,
    /// The platform now.
    pub snapshot: RwSignal<Snapshot>,
    /// While monitoring is down, since when (simulated ms) the figures
    /// shown are the last seen; `None` while it is up. A memo of the
    /// snapshot, so the charts, the notice, the log and the inspector
    /// change only when it does.
    pub blind_since: Memo<Option<u64>>,
    /// The diagram's view model, derived from the snapshot (refreshed at
    /// most every [`DIAGRAM_PUBLISH_MS`] while playing, at once otherwise).
    pub view: Memo<DiagramView>,
    diagram_rev: RwSignal<u64>,
    diagram_published_at: StoredValue<f64>,
    /// Every event so far (the simulation's log, copied as it grows).
    pub events: RwSignal<Vec<Event>>,
    /// Every action applied so far, scenario timeline and operator.
    pub applied: RwSignal<Vec<(u64, Action)>>,
    /// The operator's actions done so far (with [`Live::ahead`], what a
    /// link replays).
    pub user_actions: RwSignal<Vec<(u64, Action)>>,
    /// The operator's actions recorded after the clock, once the run has
    /// been taken back (see [`timeline`](super::timeline)): each is applied
    /// again as the clock reaches its time, and all are dropped when the
    /// operator acts anew.
    pub ahead: RwSignal<Vec<(u64, Action)>>,
    /// The operator's actions in the run as it went before they went back
    /// and acted anew (see [`timeline`](super::timeline)): what "your
    /// earlier branch" compares with.
    pub branch: RwSignal<Option<Vec<(u64, Action)>>>,
    /// SLI history for the charts.
    pub history: RwSignal<ChartHistory>,
    /// Chart markers from events and actions.
    pub markers: RwSignal<Vec<Marker>>,
    /// What the run is compared with on the charts, if anything (see
    /// [`compare`](super::compare)).
    pub comparison: RwSignal<Option<super::compare::Comparison>>,
    /// The compared run's SLI history, up to the run's clock.
    pub compare_history: RwSignal<ChartHistory>,
    pub(super) compare_sim: StoredValue<Option<Sim>, LocalStorage>,
    /// The compared run's checkpoints: going back takes it back too.
    pub(super) compare_checkpoints: StoredValue<Checkpoints, LocalStorage>,
    /// Where the compared run last started: 0, or the time of the
    /// checkpoint it resumed from.
    pub(super) compare_from: StoredValue<u64>,
    /// The compared run's actions not yet applied (an earlier branch's).
    pub(super) compare_pending: StoredValue<Vec<(u64, Action)>>,
    /// The compared run's components as they stand (with its clock),
    /// refreshed with the diagram: the one reading the map's rings and the
    /// inspector's line share.
    pub(super) compared_now: Memo<Option<(u64, Vec<ComponentState>)>>,
    pub(super) compare_seen: StoredValue<usize>,
    pub(super) compare_published_at: StoredValue<f64>,
    /// Running or paused.
    pub playing: RwSignal<bool>,
    /// Stop the clock at each of the scenario's incident updates, so an
    /// instructor walking a class through the incident can talk each one
    /// over (never in a drill: its updates are held back).
    pub pause_at_updates: RwSignal<bool>,
    /// The list of keyboard shortcuts is open (`?`, or *Keys* in the bar).
    pub keys_help: RwSignal<bool>,
    /// Simulated seconds per wall second.
    pub speed: RwSignal<f64>,
    /// The run's seed.
    pub seed: RwSignal<u64>,
    /// The current notice, if any.
    pub notice: RwSignal<Option<Notice>>,
    /// Wall-clock ms of simulation work in the slowest frame of the last
    /// half second (refreshed twice a second, not every frame).
    pub frame_work_ms: RwSignal<f64>,
    frame_work_peak: StoredValue<f64>,
    frame_work_shown_at: StoredValue<f64>,
    flow_phase: StoredValue<u64>,
    pub(super) target_ms: StoredValue<f64>,
    /// Where the next animation frame takes the run (see
    /// [`Live::seek_soon`](super::timeline)).
    pub(super) pending_seek: StoredValue<Option<u64>>,
    pub(super) events_seen: StoredValue<usize>,
    pub(super) samples_seen: StoredValue<usize>,
    url_written_at: StoredValue<f64>,
    /// The fragment `save_url` wrote last (without `#`): the address bar's
    /// `hashchange` for it is the page's own, not a link to open.
    url_written: StoredValue<String>,
    slow_published_at: StoredValue<f64>,
    frames: StoredValue<u64>,
}

/// The chart indicator value for `key` from an SLI record (percentages as 0–100).
pub fn indicator_value(key: &str, s: &Sli) -> f64 {
    match key {
        keys::API_SUCCESS => s.api_success * 100.0,
        keys::API_P95 => s.api_latency_p95_ms,
        keys::WS_CONNECT => s.ws_connect_rate * 100.0,
        keys::VOICE_CONNECT => s.voice_success * 100.0,
        keys::DELIVERY_RATE => s.delivery_rate * 100.0,
        keys::DELIVERY_P99 => s.delivery_latency_p99_ms,
        keys::DB_QUERY => s.db_query_ms,
        keys::USERS_AFFECTED => s.users_affected,
        _ => f64::NAN,
    }
}

/// What the page keeps out of the log, the cause chains, the Why, the map's
/// rings and the debrief's spread: in a drill, the scenario's own timeline
/// actions ([`Event::is_scripted`]), since the kill or the surge is the
/// cause the trainees are to find. What the actions do (a component down,
/// a breaker opening) stays in view.
pub fn drill_hidden(drill: bool) -> impl Fn(&Event) -> bool + Copy {
    move |e| drill && e.is_scripted()
}

/// Whether an event deserves a marker on the charts (none for a scripted
/// action in a drill). The scenario's own timeline (its triggers and the
/// real operators' actions) is an event, not the trainee's action.
fn marked(e: &Event, drill: bool) -> Option<MarkerKind> {
    if drill_hidden(drill)(e) {
        return None;
    }
    match e.kind {
        EventKind::Action if e.is_scripted() => Some(MarkerKind::Event),
        EventKind::Action => Some(MarkerKind::UserAction),
        EventKind::Crash
        | EventKind::Failover
        | EventKind::KillSwitch
        | EventKind::Trigger
        | EventKind::Control => Some(MarkerKind::Event),
        EventKind::Breaker if e.message.contains("opened") && !e.message.contains("reopened") => {
            Some(MarkerKind::Event)
        }
        // A herd or a storm beginning: where the trouble reached the clients.
        EventKind::Users | EventKind::Retries if e.begins_herd() || e.begins_storm() => {
            Some(MarkerKind::Event)
        }
        _ => None,
    }
}

/// Steps `sim` towards `goal` one sample interval (`chunk`) at a time,
/// stopping once `budget_ms` of wall time (read with `clock`) is spent,
/// and offering each moment it stands on to `checkpoints`, if any (they
/// keep the ones on their grid). Returns true when it got there.
pub fn step_within(
    sim: &mut Sim,
    goal: u64,
    chunk: u64,
    budget_ms: f64,
    clock: impl Fn() -> f64,
    mut checkpoints: Option<&mut Checkpoints>,
) -> bool {
    let started = clock();
    let chunk = chunk.max(1);
    while sim.now_ms() < goal {
        let next = (sim.now_ms() / chunk + 1) * chunk;
        sim.step_until(next.min(goal));
        if let Some(c) = checkpoints.as_deref_mut() {
            c.offer(sim);
        }
        if clock() - started >= budget_ms {
            break;
        }
    }
    sim.now_ms() >= goal
}

/// How far a step moves the run, ms: the scenario's sample interval (at
/// least a tick). The driver steps in these chunks, → and ← move by one,
/// and the timeline's slider snaps to them.
pub fn step_ms(s: &Scenario) -> u64 {
    s.sample_ms.max(s.tick_ms).max(1)
}

/// Adds SLI samples (simulated ms, figures) to a chart history.
pub fn push_samples(history: &mut ChartHistory, samples: &[(u64, Sli)]) {
    let keys: Vec<&'static str> = history.specs().iter().map(|s| s.key).collect();
    for (t, sli) in samples {
        let values: Vec<f64> = keys.iter().map(|k| indicator_value(k, sli)).collect();
        history.push(*t, &values);
    }
}

/// Steps a simulation still at t = 0 through its first tick, so the page
/// opens on live figures (traffic on the edges, load on the nodes) rather
/// than on the all-zero state before anything has been computed. Every
/// fresh run and every replay does this after applying the link's actions
/// (which may be at t = 0), so links replay exactly.
pub fn warm_up(sim: &mut Sim, scenario: &Scenario) {
    if sim.now_ms() == 0 {
        sim.step_until(scenario.tick_ms.max(1));
    }
}

/// True when a saved or linked run holds nothing beyond a fresh start (no
/// actions, no injects, no counterfactuals, no comparison, not past the
/// first tick).
pub fn is_fresh(run: &RunState) -> bool {
    let tick = url_state::load_scenario(&run.scenario)
        .map(|s| s.tick_ms.max(1))
        .unwrap_or(1);
    run.actions.is_empty()
        && run.injects.is_empty()
        && run.counterfactuals.is_empty()
        && run.compare.is_none()
        && run.t_ms <= tick
}

/// Wall-clock ms from the page's performance clock.
pub(super) fn now_wall_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

/// The [`Live`] in context and the id of component `index` in its
/// scenario: what every inspector row needs first (`None` outside a live
/// page, or for an index its topology lacks).
pub fn live_and_component(index: usize) -> Option<(Live, String)> {
    let live = use_context::<Live>()?;
    let id = live
        .scenario_now()
        .topology
        .components
        .get(index)?
        .id
        .clone();
    Some((live, id))
}

impl Live {
    /// A sandbox running `scenario` (link key `key`) from t = 0 with `seed`.
    pub fn new(key: &str, scenario: Scenario, seed: u64, speed: f64) -> Result<Live, String> {
        let mut sim = Sim::new(&scenario, seed).map_err(|e| e.to_string())?;
        warm_up(&mut sim, &scenario);
        let checkpoints = Checkpoints::for_scenario(&scenario, step_ms(&scenario));
        let snapshot = RwSignal::new(sim.snapshot());
        let scenario = RwSignal::new(Arc::new(scenario));
        // The diagram follows the snapshot at most every DIAGRAM_PUBLISH_MS
        // while playing (see `publish_some`), not every frame.
        let diagram_rev = RwSignal::new(0_u64);
        let view = Memo::new(move |_| {
            diagram_rev.track();
            let s = scenario.read();
            snapshot.with_untracked(|snap| view_model::diagram_view(&s.topology, snap))
        });
        let comparison = RwSignal::new(None);
        let compare_history = RwSignal::new(ChartHistory::new(default_indicators()));
        let compare_sim = StoredValue::new_local(None::<Sim>);
        let compared_now = Memo::new(move |_| {
            comparison.track();
            compare_history.track();
            view.track();
            compare_sim.with_value(|sim| {
                let snap = sim.as_ref()?.snapshot();
                Some((snap.t_ms, snap.components))
            })
        });
        let blind_since =
            Memo::new(move |_| snapshot.with(|s| s.monitoring_blind.then_some(s.sli_as_of_ms)));
        let live = Live {
            sim: StoredValue::new_local(sim),
            checkpoints: StoredValue::new_local(checkpoints),
            replayed_from: StoredValue::new(0),
            scenario,
            scenario_key: RwSignal::new(key.to_string()),
            counterfactuals: RwSignal::new(Vec::new()),
            injects: RwSignal::new(Vec::new()),
            drill: RwSignal::new(false),
            hints: RwSignal::new(Vec::new()),
            snapshot,
            blind_since,
            view,
            diagram_rev,
            diagram_published_at: StoredValue::new(f64::NEG_INFINITY),
            events: RwSignal::new(Vec::new()),
            applied: RwSignal::new(Vec::new()),
            user_actions: RwSignal::new(Vec::new()),
            ahead: RwSignal::new(Vec::new()),
            branch: RwSignal::new(None),
            history: RwSignal::new(ChartHistory::new(default_indicators())),
            markers: RwSignal::new(Vec::new()),
            comparison,
            compare_history,
            compare_sim,
            compare_checkpoints: StoredValue::new_local(Checkpoints::for_scenario(
                &scenario.get_untracked(),
                step_ms(&scenario.get_untracked()),
            )),
            compare_from: StoredValue::new(0),
            compare_pending: StoredValue::new(Vec::new()),
            compared_now,
            compare_seen: StoredValue::new(0),
            compare_published_at: StoredValue::new(f64::NEG_INFINITY),
            playing: RwSignal::new(false),
            pause_at_updates: RwSignal::new(false),
            keys_help: RwSignal::new(false),
            speed: RwSignal::new(speed),
            seed: RwSignal::new(seed),
            notice: RwSignal::new(None),
            frame_work_ms: RwSignal::new(0.0),
            frame_work_peak: StoredValue::new(0.0),
            frame_work_shown_at: StoredValue::new(0.0),
            flow_phase: StoredValue::new(u64::MAX),
            target_ms: StoredValue::new(0.0),
            pending_seek: StoredValue::new(None),
            events_seen: StoredValue::new(0),
            samples_seen: StoredValue::new(0),
            url_written_at: StoredValue::new(0.0),
            url_written: StoredValue::new(String::new()),
            slow_published_at: StoredValue::new(f64::NEG_INFINITY),
            frames: StoredValue::new(0),
        };
        live.publish();
        Ok(live)
    }

    /// The scenario running now (untracked).
    pub fn scenario_now(&self) -> Arc<Scenario> {
        self.scenario.get_untracked()
    }

    /// True while a drill runs: the page holds back what would give the
    /// cause away until the run's end, when the debrief reveals it
    /// (tracked: follows the drill switch and the snapshot's clock).
    pub fn drill_hides(&self) -> bool {
        self.drill.get() && self.snapshot.with(|s| s.t_ms) < self.scenario.with(|s| s.duration_ms)
    }

    /// What the page calls the running scenario (the playback bar, the
    /// picker, the tab): its title, or "Incident drill" while a drill hides
    /// it (tracked, like [`Live::drill_hides`]).
    pub fn shown_title(&self) -> String {
        if self.drill_hides() {
            "Incident drill".to_string()
        } else {
            self.scenario.with(|s| super::debrief::title_of(s))
        }
    }

    /// Simulated time now, ms (untracked).
    pub fn now_ms(&self) -> u64 {
        self.sim.with_value(|s| s.now_ms())
    }

    /// The scenario's clock at `t_ms`, as `HH:MM:SS`.
    pub fn clock_at(&self, t_ms: u64) -> String {
        self.scenario
            .with_untracked(|s| format_clock(s.start_clock_ms, t_ms))
    }

    /// The charts' clock for this scenario.
    pub fn chart_clock(&self) -> ScenarioClock {
        let start = self.scenario.with(|s| s.start_clock_ms);
        ScenarioClock {
            start_ms_of_day: start % 86_400_000,
        }
    }

    /// Runs `f` with the simulation (read only).
    pub fn with_sim<R>(&self, f: impl FnOnce(&Sim) -> R) -> R {
        self.sim.with_value(f)
    }

    /// Applies an operator action now: to the simulation (which logs it as
    /// an event), to the action log kept for links, and refreshes the page.
    /// A refusal becomes a visible notice and is returned.
    pub fn act(&self, action: Action) -> Result<(), String> {
        let kind = action.kind();
        let mut t = 0;
        let result = self.sim.try_update_value(|s| {
            t = s.now_ms();
            s.apply(action.clone())
        });
        match result {
            Some(Ok(())) => {
                // The run goes on as a new branch from here: no checkpoint
                // after this moment is one of it.
                self.checkpoints.update_value(|c| c.forget_after(t));
                let branched = self.drop_recording(t);
                self.user_actions.update(|v| v.push((t, action)));
                self.notice.set(branched);
                self.publish();
                self.save_url();
                Ok(())
            }
            Some(Err(e)) => {
                let text = format!("Refused ({kind}): {e}");
                self.notice.set(Some(Notice {
                    error: true,
                    text: text.clone(),
                }));
                Err(text)
            }
            None => Err("the sandbox has been closed".into()),
        }
    }

    /// Copies everything that changed in the simulation into the signals.
    pub fn publish(&self) {
        self.publish_some(true);
    }

    /// Copies what changed into the signals. The snapshot goes out every
    /// call; events and chart samples (which redraw the log and the
    /// canvases) at most every [`SLOW_PUBLISH_MS`] of wall time while
    /// playing, unless `all`.
    fn publish_some(&self, all: bool) {
        let now = now_wall_ms();
        let slow = all
            || !self.playing.get_untracked()
            || now - self.slow_published_at.get_value() >= SLOW_PUBLISH_MS;
        if slow {
            self.slow_published_at.set_value(now);
        }
        let Some((snap, new_events, new_samples, log_len)) = self.sim.try_with_value(|s| {
            if !slow {
                return (s.snapshot(), Vec::new(), Vec::new(), s.action_log().len());
            }
            let seen = self.events_seen.get_value();
            let ev: Vec<Event> = s.events_since(seen).to_vec();
            let sseen = self.samples_seen.get_value();
            let samples: Vec<(u64, Sli)> = s
                .samples()
                .get(sseen..)
                .unwrap_or(&[])
                .iter()
                .map(|x| (x.t_ms, x.sli))
                .collect();
            (s.snapshot(), ev, samples, s.action_log().len())
        }) else {
            return;
        };
        if !new_events.is_empty() {
            self.events_seen.update_value(|n| *n += new_events.len());
            let drill = self.drill.get_untracked();
            let marks: Vec<Marker> = new_events
                .iter()
                .filter_map(|e| {
                    marked(e, drill).map(|kind| Marker {
                        t_ms: e.t_ms,
                        label: e.message.clone(),
                        kind,
                    })
                })
                .collect();
            if !marks.is_empty() {
                self.markers.update(|m| {
                    m.extend(marks);
                    if m.len() > MAX_MARKERS {
                        let cut = m.len() - MAX_MARKERS;
                        m.drain(..cut);
                    }
                });
            }
            self.events.update(|v| v.extend(new_events));
        }
        if !new_samples.is_empty() {
            self.samples_seen.update_value(|n| *n += new_samples.len());
            self.history.update(|h| push_samples(h, &new_samples));
        }
        if log_len != self.applied.with_untracked(|v| v.len()) {
            let log = self.sim.with_value(|s| s.action_log().to_vec());
            self.applied.set(log);
        }
        self.snapshot.set(snap);
        if all
            || !self.playing.get_untracked()
            || now - self.diagram_published_at.get_value() >= DIAGRAM_PUBLISH_MS
        {
            self.diagram_published_at.set_value(now);
            self.diagram_rev.update(|n| *n = n.wrapping_add(1));
        }
    }

    /// Advances simulated time by `ms` (fractions carry over to later frames).
    pub fn advance(&self, ms: f64) {
        self.advance_within(ms, f64::INFINITY, true);
    }

    /// Runs on to `t_ms` (a move forward along the timeline): there, even
    /// past incident updates with *Pause at updates* on, since that is
    /// the time asked for.
    pub(super) fn run_on_to(&self, t_ms: u64) {
        let now = self.now_ms();
        self.target_ms.set_value(now as f64);
        self.advance_within(t_ms.saturating_sub(now) as f64, f64::INFINITY, false);
    }

    /// Advances simulated time by `ms`, spending at most about `budget_ms`
    /// of wall time: the simulation steps one sample interval at a time and
    /// stops when the budget is spent; the time not simulated is dropped
    /// from the target, so playback slows down rather than falls behind.
    fn advance_within(&self, ms: f64, budget_ms: f64, stop_at_updates: bool) {
        let (end, chunk) = self
            .scenario
            .with_untracked(|s| (s.duration_ms, step_ms(s)));
        let target = (self.target_ms.get_value() + ms.max(0.0)).min(end as f64);
        let before = self.now_ms();
        // The first incident update after the clock and by the target, if
        // the run is to stop there.
        let update = (stop_at_updates
            && self.pause_at_updates.get_untracked()
            && !self.drill.get_untracked())
        .then(|| {
            self.scenario.with_untracked(|s| {
                s.messages
                    .iter()
                    .find(|m| m.t_ms > before && (m.t_ms as f64) <= target)
                    .map(|m| (m.t_ms, m.text.clone()))
            })
        })
        .flatten();
        let target = update.as_ref().map_or(target, |(t, _)| *t as f64);
        let after = self.step_recorded(target as u64, chunk, budget_ms);
        if let Some((t, text)) = update.filter(|(t, _)| after >= *t) {
            self.playing.set(false);
            // The update's own words: the banner that shows them may be
            // scrolled out of view, and the bar with this notice is not.
            let at = self.clock_at(t);
            self.notice
                .set(Some(Notice::incident_update(&at, &text, true, 0)));
        }
        // Out of budget: carry on from where the simulation is, not from
        // the wall clock's target (which would run further ahead each frame).
        let target = if after < target as u64 {
            after as f64
        } else {
            target
        };
        self.target_ms.set_value(target);
        if after >= end {
            self.playing.set(false);
            self.notice.set(Some(Notice {
                error: false,
                text: "The scenario has reached its end. Reset, or go back on the timeline, to run it again.".into(),
            }));
        }
        if after != before {
            self.publish_some(false);
        }
    }

    /// Pauses and advances to the next sample time (one sample interval
    /// from a sample time).
    pub fn step(&self) {
        self.playing.set(false);
        let (now, sample) = (self.now_ms(), self.scenario.with_untracked(|s| step_ms(s)));
        self.target_ms.set_value(now as f64);
        let next = (now / sample + 1) * sample;
        self.advance((next - now) as f64);
        self.save_url();
    }

    /// Plays or pauses.
    pub fn toggle(&self) {
        let play = !self.playing.get_untracked();
        if play {
            self.target_ms.set_value(self.now_ms() as f64);
        }
        self.playing.set(play);
        if !play {
            self.publish();
        }
        self.save_url();
    }

    /// Next speed up (`up`) or down.
    pub fn change_speed(&self, up: bool) {
        let s = self.speed.get_untracked();
        let next = if up {
            SPEEDS.iter().copied().find(|&x| x > s + 1e-9)
        } else {
            SPEEDS.iter().rev().copied().find(|&x| x < s - 1e-9)
        };
        if let Some(n) = next {
            self.set_speed(n);
        }
    }

    /// Sets the speed.
    pub fn set_speed(&self, x: f64) {
        if x.is_finite() && x > 0.0 {
            self.speed.set(x);
            self.save_url();
        }
    }

    /// Writes the run into the URL fragment (no history entry) and local storage.
    pub fn save_url(&self) {
        let frag = url_state::encode(&self.run_state());
        self.url_written_at.set_value(now_wall_ms());
        self.url_written.set_value(frag.clone());
        let w = window();
        let _ = w.location().replace(&format!("#{frag}"));
        if let Ok(Some(st)) = w.local_storage() {
            let _ = st.set_item(url_state::STORAGE_KEY, &frag);
        }
    }

    /// True if `hash` (the address's fragment, `#` and percent-escapes
    /// allowed) is the one [`save_url`](Self::save_url) wrote last.
    pub fn wrote_link(&self, hash: &str) -> bool {
        let plain = |h: &str| {
            let h = h.strip_prefix('#').unwrap_or(h);
            js_sys::decode_uri_component(h)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_else(|| h.to_string())
        };
        self.url_written.with_value(|w| plain(w) == plain(hash))
    }

    /// One animation frame: advance by the wall time since the last one.
    ///
    /// Cheap by design (see `tests/e2e/bench_fps.mjs`): the simulation gets
    /// at most [`SIM_BUDGET_MS`] of wall time per frame (the rest carries
    /// over), the edge-flow phase moves [`FLOW_HZ`] times a second and is
    /// set on the flow layer only (not the body, which would restyle the
    /// whole page), and the work figure in the playback bar is refreshed a
    /// few times a second.
    fn frame(&self, dt_ms: f64) {
        if !self.playing.get_untracked() {
            return;
        }
        let t0 = now_wall_ms();
        self.frames.update_value(|n| *n += 1);
        let phase = ((t0 * FLOW_HZ / 1000.0) as u64) % 120;
        if phase != self.flow_phase.get_value() {
            self.flow_phase.set_value(phase);
            // Edge flow phase (see `.live-flow-*` in assets/live.css); wraps
            // at a multiple of the dash period so the motion is seamless.
            if let Ok(Some(layer)) = document().query_selector("g.live-flows") {
                let _ = layer.set_attribute("style", &format!("--fl-t:{phase}"));
            }
        }
        let dt = dt_ms.clamp(0.0, MAX_FRAME_MS);
        self.advance_within(dt * self.speed.get_untracked(), SIM_BUDGET_MS, true);
        let t1 = now_wall_ms();
        let work = (t1 - t0).max(0.0);
        let worst = self.frame_work_peak.get_value().max(work);
        self.frame_work_peak.set_value(worst);
        if t1 - self.frame_work_shown_at.get_value() >= 500.0 {
            self.frame_work_shown_at.set_value(t1);
            self.frame_work_peak.set_value(0.0);
            self.frame_work_ms.set(worst);
        }
        if t1 - self.url_written_at.get_value() > 2000.0 {
            self.save_url();
        }
    }
}

/// Starts the requestAnimationFrame loop for `live`; it stops when the
/// calling reactive owner is cleaned up.
pub fn run_loop(live: Live) {
    let alive = Arc::new(AtomicBool::new(true));
    let flag = alive.clone();
    on_cleanup(move || flag.store(false, Ordering::Relaxed));
    fn next(live: Live, alive: Arc<AtomicBool>, last: f64) {
        let _ = request_animation_frame_with_handle(move || {
            if !alive.load(Ordering::Relaxed) {
                return;
            }
            let now = now_wall_ms();
            live.frame(now - last);
            // Playing or paused: a compared run behind the clock catches up.
            live.follow_comparison(super::compare::COMPARE_BUDGET_MS);
            next(live, alive, now);
        });
    }
    next(live, alive, now_wall_ms());
}

/// The topology of the running scenario (shared, cheap to clone).
pub fn topology_of(live: &Live) -> Arc<Topology> {
    Arc::new(live.scenario.with_untracked(|s| s.topology.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, message: &str) -> Event {
        Event {
            t_ms: 0,
            kind,
            component: None,
            message: message.into(),
            cause: None,
        }
    }

    #[test]
    fn a_herd_or_a_storm_beginning_is_marked_its_end_is_not() {
        let marks = |kind, message| marked(&event(kind, message), false);
        assert_eq!(
            marks(
                EventKind::Users,
                "Users losing their connections in Europe (x): 1M reconnecting"
            ),
            Some(MarkerKind::Event)
        );
        assert_eq!(
            marks(EventKind::Users, "Reconnect herd over in Europe: x"),
            None
        );
        assert_eq!(
            marks(
                EventKind::Retries,
                "Retry storm: the clients' retries are 60%"
            ),
            Some(MarkerKind::Event)
        );
        assert_eq!(
            marks(EventKind::Retries, "Retry storm over after 5 min"),
            None
        );
        assert_eq!(marks(EventKind::Cache, "Cache went cold"), None);
    }
}
