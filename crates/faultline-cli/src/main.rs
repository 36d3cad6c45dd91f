//! `faultline`: the native command line of Faultline.
//!
//! Each subcommand lives in its own module with a `USAGE` line and a
//! `run(args) -> ExitCode` function; [`COMMANDS`] is the dispatch table, so a
//! new subcommand is one `mod` line and one table entry. Arguments are parsed
//! by hand (no clap) to keep the binary small and the behaviour obvious.
//!
//! Exit codes: 0 success, 1 the input is wrong (invalid file, unreadable
//! file), 2 the command line is wrong (unknown subcommand, missing argument).
//! `help` asked for explicitly is a success and exits 0.

/// `println!` to standard output, except that a reader who stopped
/// reading (`faultline run … | head`) ends the program quietly, as other
/// command-line tools do, instead of with a panic: the pipe closing is the
/// reader's choice, not an error.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::write_out(format_args!($($arg)*), true) };
}

/// `print!` to standard output, as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::write_out(format_args!($($arg)*), false) };
}

mod bench;
mod check;
mod input;
mod list;
mod report;
mod run;
mod validate;

use std::process::ExitCode;

/// One subcommand: its name, its one-line usage, and what runs it.
struct Command {
    /// What the user types after `faultline`.
    name: &'static str,
    /// Usage line(s) shown by `faultline help`.
    usage: &'static str,
    /// Runs the subcommand with the arguments after its name.
    run: fn(&[String]) -> ExitCode,
}

/// The dispatch table, in the order `help` lists it.
const COMMANDS: &[Command] = &[
    Command {
        name: "validate",
        usage: validate::USAGE,
        run: validate::run,
    },
    Command {
        name: "list",
        usage: list::USAGE,
        run: list::run,
    },
    Command {
        name: "run",
        usage: run::USAGE,
        run: run::run,
    },
    Command {
        name: "check",
        usage: check::USAGE,
        run: check::run,
    },
    Command {
        name: "report",
        usage: report::USAGE,
        run: report::run,
    },
    Command {
        name: "bench",
        usage: bench::USAGE,
        run: bench::run,
    },
];

/// The exit code for a malformed command line.
pub const USAGE_ERROR: u8 = 2;

/// Prints a command's usage error (`faultline CMD: msg`, then its usage)
/// and returns the usage-error exit code.
pub fn usage_error(cmd: &str, usage: &str, msg: &str) -> ExitCode {
    eprintln!("faultline {cmd}: {msg}\nusage: {usage}");
    ExitCode::from(USAGE_ERROR)
}

/// Runs a scenario to its end at `seed`: its samples, or why it cannot run.
pub fn run_samples(
    s: &faultline_core::Scenario,
    seed: u64,
) -> Result<Vec<faultline_core::Sample>, String> {
    faultline_core::Sim::run_samples(s, seed).map_err(|e| format!("{}: {e}", s.name))
}

/// The seeds a check or report runs: `--seed N` alone, or else the
/// scenario's calibration seeds (its own and the next ones, see
/// `faultline_core::scenario::ensemble`).
pub fn seeds_for(s: &faultline_core::Scenario, seed: Option<u64>) -> Vec<u64> {
    match seed {
        Some(n) => vec![n],
        None => faultline_core::scenario::ensemble::calibration_seeds(s),
    }
}

/// Runs `s` to its end once per seed, the seeds side by side on their own
/// threads (the runs are independent and each is deterministic, so the
/// results are the same as one after the other), in seed order.
pub fn run_seeds(
    s: &faultline_core::Scenario,
    seeds: &[u64],
) -> Result<Vec<Vec<faultline_core::Sample>>, String> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = seeds
            .iter()
            .map(|&seed| scope.spawn(move || run_samples(s, seed)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(format!("{}: a run panicked", s.name)))
            })
            .collect()
    })
}

/// How a printout names its seeds: "seed 3" or "seeds 1-5, bands judged
/// on the median run".
pub fn seeds_label(seeds: &[u64]) -> String {
    match seeds {
        [one] => format!("seed {one}"),
        [first, .., last] => {
            format!("seeds {first}-{last}, bands judged on the median run, users affected x minutes on the mean")
        }
        [] => "no seeds".into(),
    }
}

/// The value after a `--seed` flag: a whole number.
pub fn seed_arg<'a>(it: &mut impl Iterator<Item = &'a String>) -> Result<u64, &'static str> {
    it.next()
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or("--seed needs a whole number")
}

fn usage() -> String {
    let mut s = String::from(
        "faultline: validate, list and run Faultline topologies and scenarios\n\nUsage:\n",
    );
    for c in COMMANDS {
        for line in c.usage.lines() {
            s.push_str("  ");
            s.push_str(line);
            s.push('\n');
        }
    }
    s.push_str("  faultline help\n          Show this message.\n");
    s
}

/// Writes to standard output for [`outln!`] and [`out!`]: a closed pipe
/// ends the program with success, any other failure with a message and
/// exit code 1.
fn write_out(args: std::fmt::Arguments, newline: bool) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_fmt(args).and_then(|()| {
        if newline {
            stdout.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("faultline: cannot write the output: {e}");
            std::process::exit(1);
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((name, rest)) = args.split_first() else {
        eprint!("{}", usage());
        return ExitCode::from(USAGE_ERROR);
    };
    match COMMANDS.iter().find(|c| c.name == name) {
        Some(c) => (c.run)(rest),
        None if matches!(name.as_str(), "help" | "-h" | "--help") => {
            out!("{}", usage());
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("faultline: unknown subcommand \"{name}\"\n");
            eprint!("{}", usage());
            ExitCode::from(USAGE_ERROR)
        }
    }
}
