//! Scenario files as an instructor's editor may leave them: every bundled
//! file, damaged at random (a line deleted, duplicated or swapped, the text
//! cut short, a character replaced), is either read or refused with errors
//! that name the file and a line inside it, never a panic; and a damaged
//! file that still reads starts and runs its first minute.

use faultline_core::scenario::{library, Scenario};
use faultline_core::Sim;
use proptest::prelude::*;

/// One way to damage a file.
#[derive(Clone, Debug)]
enum Damage {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    CutAt(usize),
    ReplaceChar(usize, char),
}

fn damage() -> impl Strategy<Value = Damage> {
    // Characters that matter to TOML and to the scenario format.
    let chars = prop::sample::select(vec![
        '=', '[', ']', '"', '{', '}', ',', '.', '-', '0', '9', 'x', '#', '\n', ' ', ':', 'é',
    ]);
    prop_oneof![
        any::<usize>().prop_map(Damage::DeleteLine),
        any::<usize>().prop_map(Damage::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Damage::SwapLines(a, b)),
        any::<usize>().prop_map(Damage::CutAt),
        (any::<usize>(), chars).prop_map(|(at, c)| Damage::ReplaceChar(at, c)),
    ]
}

fn apply(text: &str, d: &Damage) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let n = lines.len();
    match *d {
        Damage::DeleteLine(i) => {
            lines.remove(i % n);
            lines.join("\n")
        }
        Damage::DuplicateLine(i) => {
            lines.insert(i % n, lines[i % n]);
            lines.join("\n")
        }
        Damage::SwapLines(a, b) => {
            lines.swap(a % n, b % n);
            lines.join("\n")
        }
        Damage::CutAt(at) => {
            let chars: Vec<char> = text.chars().collect();
            chars[..at % chars.len()].iter().collect()
        }
        Damage::ReplaceChar(at, c) => {
            let mut chars: Vec<char> = text.chars().collect();
            let i = at % chars.len();
            chars[i] = c;
            chars.into_iter().collect()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn a_damaged_scenario_is_read_or_refused_with_its_line(
        which in 0usize..64,
        d in damage(),
        seed in 0u64..1000,
    ) {
        let files = library::bundled();
        let file = &files[which % files.len()];
        let text = apply(file.toml, &d);
        let name = format!("damaged-{}", file.file);
        match Scenario::from_toml_str(&text, &name) {
            Ok(scenario) => {
                // It still reads: it must start and run, or say why not.
                if let Ok(mut sim) = Sim::new(&scenario, seed) {
                    sim.step_until(60_000);
                    let last = sim.samples().last().map(|s| s.sli.api_success);
                    prop_assert!(last.is_none_or(f64::is_finite), "{d:?}: {last:?}");
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty(), "{d:?}: refused without a reason");
                let lines = text.lines().count().max(1);
                for e in &errors {
                    prop_assert_eq!(&e.file, &name);
                    prop_assert!(!e.message.trim().is_empty(), "{:?}: empty message", d);
                    if let Some(span) = e.span {
                        prop_assert!(
                            (1..=lines + 1).contains(&span.line) && span.column >= 1,
                            "{:?}: {} points at line {} of {}", d, e.message, span.line, lines
                        );
                    }
                }
            }
        }
    }
}
