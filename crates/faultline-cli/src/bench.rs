//! `faultline bench`: how fast the core simulates the full bundled platform.
//!
//! Prints, for a 1 s and a 100 ms tick, the wall time to simulate four hours
//! of the bundled steady state (every component, edge, class lane and
//! mechanism active), simulated seconds per wall second, and the cost of one
//! tick. Build with `--profile bench-native` (or `--release`) for real
//! figures. The best of three runs is reported, after one warm-up run.
//!
//! Then going back in the 2022 cascade, as the page's timeline does: a
//! replay from t = 0 against a resume from the last checkpoint before the
//! time (`sim::checkpoint`), and what keeping the checkpoints costs the run
//! going forward.

use std::process::ExitCode;
use std::time::Instant;

use faultline_core::scenario::{library, Scenario};
use faultline_core::sim::{Checkpoints, RunSpec, Sim};

/// Usage line for `faultline help`.
pub const USAGE: &str = "faultline bench\n          Time four simulated hours of the full topology at 1 s and 100 ms ticks.";

const FOUR_HOURS_MS: u64 = 4 * 3_600_000;

/// Wall seconds to simulate four hours at `tick_ms` (best of `reps`).
pub fn time_four_hours(tick_ms: u64, reps: usize) -> Result<f64, String> {
    let mut s = Scenario::bundled_steady_state().map_err(|e| {
        e.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    s.tick_ms = tick_ms;
    s.duration_ms = FOUR_HOURS_MS;
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let mut sim = Sim::new(&s, 1).map_err(|e| e.to_string())?;
        let t0 = Instant::now();
        sim.step_until(FOUR_HOURS_MS);
        best = best.min(t0.elapsed().as_secs_f64());
        std::hint::black_box(sim.samples().len());
    }
    Ok(best)
}

/// Wall seconds to build a run of the 2022 cascade, best of 5: what a
/// scenario load or a replay from t = 0 pays before its first tick.
fn time_start() -> Result<f64, String> {
    let s = library::load("api_cascade_2022").map_err(|e| format!("{e:?}"))?;
    let mut err = None;
    let wall = best_of(5, || match Sim::new(&s, 1) {
        Ok(sim) => {
            std::hint::black_box(sim.now_ms());
        }
        Err(e) => err = Some(e.to_string()),
    });
    err.map_or(Ok(wall), Err)
}

/// Best wall seconds of `reps` runs of `f`.
fn best_of(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps)
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Going back in the 2022 cascade (seed 1): to the middle and one sample
/// interval back from there, replayed from t = 0 and resumed from a
/// checkpoint, and the run to the end without and with checkpoints kept.
fn going_back() -> Result<(), String> {
    let s = library::load("api_cascade_2022").map_err(|e| format!("{e:?}"))?;
    let new_sim = || Sim::new(&s, 1).map_err(|e| e.to_string());
    let reps = 5;
    // Alternated, so that a drift in the machine's speed favours neither.
    let (mut forward, mut forward_kept) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..reps {
        forward = forward.min(best_of(1, || {
            if let Ok(mut sim) = new_sim() {
                sim.run_to_end();
            }
        }));
        forward_kept = forward_kept.min(best_of(1, || {
            if let Ok(mut sim) = new_sim() {
                let mut c = Checkpoints::for_scenario(&s, s.sample_ms);
                c.step_until(&mut sim, s.duration_ms);
            }
        }));
    }
    let mut history = new_sim()?;
    let mut cps = Checkpoints::for_scenario(&s, s.sample_ms);
    cps.step_until(&mut history, s.duration_ms);
    let middle = s.duration_ms / 2;
    outln!(
        "going back in the 2022 cascade (3 h 45 min, {} checkpoints, one every {} s):",
        cps.len(),
        cps.every_ms() / 1000
    );
    for (what, t) in [
        ("to the middle", middle),
        ("one step back from the middle", middle - s.sample_ms),
    ] {
        let replayed = best_of(reps, || {
            if let Ok(mut sim) = new_sim() {
                sim.step_until(t);
            }
        });
        let resumed = best_of(reps, || {
            if let Some((mut sim, _)) = cps.resume(&history, RunSpec::new(&s, 1, &[]), t) {
                sim.step_until(t);
            }
        });
        if cps.resume(&history, RunSpec::new(&s, 1, &[]), t).is_none() {
            return Err("bench: no checkpoint served the run that kept them".into());
        }
        outln!(
            "  {what:<30}: replayed from t = 0 {:>8.2} ms | from a checkpoint {:>6.2} ms | {:>5.1}x faster",
            replayed * 1000.0,
            resumed * 1000.0,
            replayed / resumed
        );
    }
    outln!(
        "  the run to its end: {:.2} ms, keeping checkpoints {:.2} ms ({:+.1}%)",
        forward * 1000.0,
        forward_kept * 1000.0,
        (forward_kept / forward - 1.0) * 100.0
    );
    Ok(())
}

/// Runs `faultline bench`.
pub fn run(args: &[String]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("faultline bench: takes no arguments\nusage: {USAGE}");
        return ExitCode::from(crate::USAGE_ERROR);
    }
    let topo = match Scenario::bundled_steady_state() {
        Ok(s) => s.topology,
        Err(e) => {
            for x in e {
                eprintln!("{x}");
            }
            return ExitCode::from(1);
        }
    };
    outln!(
        "full topology: {} components, {} dependency edges, {} failover edges, 7 request classes",
        topo.components.len(),
        topo.dependencies.len(),
        topo.failovers.len()
    );
    if cfg!(debug_assertions) {
        outln!("(debug build: figures are not representative; use --profile bench-native)");
    }
    let _ = time_four_hours(1000, 1);
    for (tick, reps) in [(1000u64, 5usize), (100, 3)] {
        match time_four_hours(tick, reps) {
            Ok(wall) => {
                let ticks = (FOUR_HOURS_MS / tick) as f64;
                outln!(
                    "tick {:>5} ms: 4 simulated hours in {:>9.2} ms wall | {:>12.0} simulated s per wall s | {:>6.2} µs per tick",
                    tick,
                    wall * 1000.0,
                    4.0 * 3600.0 / wall,
                    wall * 1e6 / ticks
                );
            }
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(1);
            }
        }
    }
    match time_start() {
        Ok(wall) => outln!(
            "starting a run (Sim::new, the 2022 cascade): {:.2} ms",
            wall * 1000.0
        ),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    }
    if let Err(e) = going_back() {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
