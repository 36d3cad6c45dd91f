//! The bundled steady state: every indicator at the seeds' normal figures.

use faultline_core::scenario::Scenario;
use faultline_core::sim::{Health, Sim};

#[test]
fn bundled_steady_state_is_healthy() {
    let s = Scenario::bundled_steady_state().unwrap();
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.step_until(600_000);
    let snap = sim.snapshot();
    for (i, c) in snap.components.iter().enumerate() {
        println!(
            "{:24} {:?} util {:.2} err {:.4} lat {:.1} arr {:.0} cap {:.0} q {:.0} mem {:.2} hit {:.2}",
            s.topology.components[i].id,
            c.health,
            c.utilisation,
            c.error_rate,
            c.latency_ms,
            c.arrivals,
            c.capacity,
            c.queue,
            c.memory_fraction,
            c.hit_rate
        );
    }
    println!("{:?}\n{:?}", snap.sli, snap.users);
    for e in sim.events() {
        println!("{} {:?} {}", e.t_ms, e.kind, e.message);
    }
    let sli = snap.sli;
    assert!(sli.api_success > 0.998, "{sli:?}");
    assert!(sli.ws_connect_rate > 0.99, "{sli:?}");
    assert!(sli.voice_success > 0.99, "{sli:?}");
    assert!(sli.delivery_rate > 0.998, "{sli:?}");
    assert!(sli.db_query_ms > 20.0 && sli.db_query_ms < 100.0, "{sli:?}");
    assert!(sli.api_latency_p95_ms < 500.0, "{sli:?}");
    assert!(snap.users.connected > 0.99 * 200e6);
    for (i, c) in snap.components.iter().enumerate() {
        assert!(
            matches!(c.health, Health::Healthy),
            "{} is {:?}",
            s.topology.components[i].id,
            c.health
        );
        assert!(
            c.utilisation < 0.8,
            "{} at {}",
            s.topology.components[i].id,
            c.utilisation
        );
    }
}

#[test]
fn four_quiet_hours_raise_no_event() {
    let s = Scenario::bundled_steady_state().unwrap();
    let mut sim = Sim::new(&s, 5).unwrap();
    sim.run_to_end();
    assert_eq!(sim.samples().len(), 1440);
    assert!(
        sim.events().is_empty(),
        "{:?}",
        &sim.events()[..sim.events().len().min(5)]
    );
    let worst = sim
        .samples()
        .iter()
        .map(|x| x.sli.api_success)
        .fold(1.0, f64::min);
    assert!(worst > 0.999, "{worst}");
}
