//! Users who give up during an outage: affected while the platform would fail
//! them, away (not affected) once it works again.

use faultline_core::scenario::Scenario;
use faultline_core::sim::{Action, Sim};

const GATEWAYS: [&str; 3] = ["Gateway_Primary", "Gateway_Secondary", "Gateway_EU"];

#[test]
fn users_who_gave_up_count_as_affected_only_while_the_outage_lasts() {
    let mut s = Scenario::bundled_steady_state().unwrap();
    // Users give up after a minute of failed reconnects and stay away for
    // half an hour on average, so many are still away after the repair.
    s.traffic.give_up_ms = 60_000.0;
    s.traffic.return_ms = 1_800_000.0;
    let mut sim = Sim::new(&s, 3).unwrap();
    sim.step_until(60_000);
    for g in GATEWAYS {
        sim.apply(Action::Kill {
            component: g.into(),
        })
        .unwrap();
    }
    sim.step_until(600_000);
    let during = sim.snapshot();
    let total = during.users.connected + during.users.reconnecting + during.users.offline;
    assert!(
        during.users.offline > 0.2 * total,
        "users give up while every gateway is down: {:?}",
        during.users
    );
    assert!(
        during.sli.users_affected > 0.95 * total,
        "everyone is affected while no gateway answers, those who gave up included: {} of {total}",
        during.sli.users_affected
    );
    for g in GATEWAYS {
        sim.apply(Action::Revive {
            component: g.into(),
        })
        .unwrap();
    }
    sim.step_until(900_000);
    let after = sim.snapshot();
    assert!(
        after.users.offline > 0.1 * total,
        "most who gave up have not come back five minutes after the repair: {:?}",
        after.users
    );
    assert!(
        after.sli.users_affected < 0.05 * total,
        "once the gateways answer, users who are away are not affected: {} of {total} ({:?})",
        after.sli.users_affected,
        after.users
    );
}
