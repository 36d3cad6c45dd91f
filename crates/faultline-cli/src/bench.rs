//! `faultline bench`: how fast the core simulates the full bundled platform.
//!
//! Prints, for a 1 s and a 100 ms tick, the wall time to simulate four hours
//! of the bundled steady state (every component, edge, class lane and
//! mechanism active), simulated seconds per wall second, and the cost of one
//! tick. Build with `--profile bench-native` (or `--release`) for real
//! figures. The best of three runs is reported, after one warm-up run.

use std::process::ExitCode;
use std::time::Instant;

use faultline_core::scenario::Scenario;
use faultline_core::sim::Sim;

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
    println!(
        "full topology: {} components, {} dependency edges, {} failover edges, 7 request classes",
        topo.components.len(),
        topo.dependencies.len(),
        topo.failovers.len()
    );
    if cfg!(debug_assertions) {
        println!("(debug build: figures are not representative; use --profile bench-native)");
    }
    let _ = time_four_hours(1000, 1);
    for (tick, reps) in [(1000u64, 5usize), (100, 3)] {
        match time_four_hours(tick, reps) {
            Ok(wall) => {
                let ticks = (FOUR_HOURS_MS / tick) as f64;
                println!(
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
    ExitCode::SUCCESS
}
