//! A run's samples as CSV, one row per sample: `t_ms`, the scenario's
//! `clock`, the service-level indicators, the user counts, then
//! `<id>.utilisation`, `<id>.error_rate`, `<id>.queue` and `<id>.memory`
//! for each component in topology order (the figures a component band
//! measures). `faultline run --format csv` prints it; the page offers the
//! same text as a download, so a spreadsheet reads the browser's run and
//! the CLI's alike.

use std::fmt::Write as _;

use super::Sim;
use crate::scenario::expect::Indicator;
use crate::scenario::time::format_clock;

/// The platform's columns: every indicator a band can name but the share
/// of users affected (the users' columns give it), in the bands' order.
fn platform_columns() -> impl Iterator<Item = Indicator> {
    Indicator::ALL
        .into_iter()
        .filter(|&i| i != Indicator::UsersAffectedShare)
}

/// Each component's columns, `<id>.<key>`: the figures a component band
/// measures.
const COMPONENT_COLUMNS: [Indicator; 4] = [
    Indicator::Utilisation,
    Indicator::ErrorRate,
    Indicator::Queue,
    Indicator::Memory,
];

/// The run so far as CSV, one row per sample (see the module docs). Its
/// columns are named and read by [`Indicator`], as bands are, so the
/// header and the rows cannot drift apart.
pub fn samples_csv(sim: &Sim) -> String {
    let start = sim.scenario().start_clock_ms;
    let mut out = String::from("t_ms,clock");
    for i in platform_columns() {
        let _ = write!(out, ",{}", i.as_str());
    }
    out.push_str(",connected,reconnecting,offline");
    for c in &sim.topology().components {
        for i in COMPONENT_COLUMNS {
            let _ = write!(out, ",{}.{}", c.id, i.as_str());
        }
    }
    out.push('\n');
    for x in sim.samples() {
        let _ = write!(out, "{},{}", x.t_ms, format_clock(start, x.t_ms));
        for i in platform_columns() {
            let _ = write!(out, ",{}", i.of(x));
        }
        let u = &x.users;
        let _ = write!(out, ",{},{},{}", u.connected, u.reconnecting, u.offline);
        for c in &x.components {
            for i in COMPONENT_COLUMNS {
                let _ = write!(out, ",{}", i.of_component(c));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{simple_topology, Scenario};
    use crate::sim::Action;

    #[test]
    fn one_row_per_sample_and_matching_columns() {
        let t = simple_topology(&["Edge", "Api"], &[("Edge", "Api")], &[]);
        let mut s = Scenario::with_topology("tiny", t);
        s.duration_ms = 60_000;
        s.traffic.users = 10_000.0;
        for p in &mut s.params {
            p.servers = 100.0;
        }
        let mut sim = Sim::new(&s, 3).unwrap();
        let before = samples_csv(&sim);
        assert_eq!(
            before.lines().count(),
            1,
            "only the header before any sample"
        );
        sim.apply(Action::Kill {
            component: "Api".into(),
        })
        .unwrap();
        sim.run_to_end();
        let out = samples_csv(&sim);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), sim.samples().len() + 1);
        assert_eq!(lines[0], before.trim_end());
        let cols = lines[0].split(',').count();
        assert!(lines[0].contains("Api.utilisation") && lines[0].contains("Api.memory"));
        assert!(lines.iter().all(|l| l.split(',').count() == cols));
        // The dead API shows in its own column: the last row's error rate is 1.
        let err_col = lines[0]
            .split(',')
            .position(|c| c == "Api.error_rate")
            .unwrap();
        let last: Vec<&str> = lines.last().unwrap().split(',').collect();
        assert_eq!(last[err_col].parse::<f64>().unwrap(), 1.0);
    }
}
