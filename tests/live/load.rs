//! The inspector's scaling and surge rows: ordered servers arrive after
//! the component's provisioning time, a surge is load the page starts and
//! ends, the load figure shows the demand beyond capacity, and a drill
//! does not offer a surge.

use super::*;
use faultline_core::scenario::library;

fn gateway_overload() -> Scenario {
    library::load("gateway_overload_2024").expect("bundled scenario")
}

/// Component `id`'s figures in the simulation's own snapshot.
fn state_of(live: &Live, id: &str) -> faultline_core::sim::ComponentState {
    live.with_sim(|s| s.snapshot().components[index_of(id)])
}

/// Component `id`'s highest utilisation over the last `n` samples: the
/// edge's breakers open and close under overload, so one instant may catch
/// them holding everything back.
fn busiest(live: &Live, id: &str, n: usize) -> f64 {
    let i = index_of(id);
    live.with_sim(|s| {
        let samples = s.samples();
        samples[samples.len().saturating_sub(n)..]
            .iter()
            .map(|x| x.components[i].utilisation)
            .fold(0.0, f64::max)
    })
}

fn text(root: &web_sys::Element, sel: &str) -> String {
    query(root, sel).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn scaling_the_gateways_takes_their_provisioning_time() {
    let i = index_of("Gateway_Primary");
    let (root, live) = mount_live_with("gateway_overload_2024", gateway_overload(), 1, move || {
        view! { <ComponentActions index=i /> }
    });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    assert_eq!(text(&root, "[data-now=provision]"), "new servers in 5 min");
    let configured = state_of(&live, "Gateway_Primary").target_servers;
    set_value(
        &query(&root, "select[aria-label='Scale factor']"),
        "3",
        "change",
    );
    click(&query(&root, "button[data-action=scale]"));
    assert_eq!(
        live.user_actions.get_untracked().last().map(|x| &x.1),
        Some(&Action::Scale {
            component: "Gateway_Primary".into(),
            factor: 3.0,
            provision_ms: 300_000.0,
        })
    );
    live.advance(240_000.0);
    assert_eq!(
        state_of(&live, "Gateway_Primary").target_servers,
        configured,
        "ordered, not yet arrived"
    );
    live.advance(70_000.0);
    assert_eq!(
        state_of(&live, "Gateway_Primary").target_servers,
        3.0 * configured
    );
    let events = live.events.get_untracked();
    assert!(
        events
            .iter()
            .any(|e| e.message.contains("arriving in 300 s")),
        "the order is logged with its delay"
    );
    assert!(events.iter().any(|e| e
        .message
        .contains("Gateway Primary: ordered capacity arrived")));
}

#[wasm_bindgen_test]
async fn scaling_a_component_without_an_autoscaler_is_at_once() {
    let i = index_of("Redis_Sessions");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    assert_eq!(text(&root, "[data-now=provision]"), "at once");
    let configured = state_of(&live, "Redis_Sessions").target_servers;
    click(&query(&root, "button[data-action=scale]"));
    live.step();
    assert_eq!(
        state_of(&live, "Redis_Sessions").target_servers,
        2.0 * configured
    );
}

#[wasm_bindgen_test]
async fn a_surge_from_the_inspector_overloads_the_gateway_until_it_is_ended() {
    let i = index_of("Gateway_EU");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    live.step();
    leptos::task::tick().await;
    let load = || text(&root, "[data-figure=load]");
    assert!(!load().contains("demand"), "{}", load());
    assert_eq!(text(&root, "[data-now=surge]"), "");
    assert!(root
        .query_selector("button[data-action=end_surge]")
        .unwrap()
        .is_none());
    // The edge's breaker held closed, so every instant shows the overload.
    live.act(Action::SetBreaker {
        from: "CloudFlare_EU".into(),
        to: "Gateway_EU".into(),
        mode: BreakerMode::ForceClosed,
    })
    .unwrap();
    set_value(
        &query(&root, "select[data-control=surge_factor]"),
        "5",
        "change",
    );
    click(&query(&root, "button[data-action=surge]"));
    live.advance(10_000.0);
    leptos::task::tick().await;
    let gw = state_of(&live, "Gateway_EU");
    assert_eq!(gw.surge, 5.0);
    assert!(gw.arrivals > gw.capacity, "{gw:?}");
    let now = text(&root, "[data-now=surge]");
    assert_eq!(
        now,
        format!("now ×5: {} extra", view_model::rate(gw.surge_rate))
    );
    assert!(
        gw.surge_rate > 0.0 && gw.surge_rate <= gw.arrivals,
        "{gw:?}"
    );
    assert!(load().starts_with("100% · demand "), "{}", load());
    // Ending it: the row empties and the gateway has room again.
    click(&query(&root, "button[data-action=end_surge]"));
    live.advance(30_000.0);
    leptos::task::tick().await;
    let gw = state_of(&live, "Gateway_EU");
    assert_eq!(gw.surge, 1.0);
    assert!(gw.arrivals < gw.capacity, "{gw:?}");
    assert_eq!(text(&root, "[data-now=surge]"), "");
    assert!(root
        .query_selector("button[data-action=end_surge]")
        .unwrap()
        .is_none());
    assert_logged(
        &live,
        &[
            "surge: Gateway EU gets 5× its load",
            "end the surge on Gateway EU",
        ],
    );
}

#[wasm_bindgen_test]
async fn a_surge_chosen_to_build_over_a_minute_climbs_to_its_factor() {
    let i = index_of("Gateway_EU");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    live.step();
    set_value(
        &query(&root, "select[data-control=surge_factor]"),
        "5",
        "change",
    );
    set_value(
        &query(&root, "select[data-control=surge_ramp]"),
        "60",
        "change",
    );
    click(&query(&root, "button[data-action=surge]"));
    // Half way: about ×3 (one tick either side), on its way to ×5.
    live.advance(30_000.0);
    leptos::task::tick().await;
    let gw = state_of(&live, "Gateway_EU");
    assert!((gw.surge - 3.0).abs() < 0.2, "{gw:?}");
    assert_eq!(gw.surge_target, 5.0);
    let now = text(&root, "[data-now=surge]");
    assert!(now.contains(" → ×5: "), "{now}");
    // The end button ends it over the chosen minute too.
    query(&root, "button[data-action=end_surge]");
    live.advance(31_000.0);
    leptos::task::tick().await;
    let gw = state_of(&live, "Gateway_EU");
    assert_eq!((gw.surge, gw.surge_target), (5.0, 5.0));
    assert_eq!(
        text(&root, "[data-now=surge]"),
        format!("now ×5: {} extra", view_model::rate(gw.surge_rate))
    );
    click(&query(&root, "button[data-action=end_surge]"));
    live.advance(30_000.0);
    leptos::task::tick().await;
    let gw = state_of(&live, "Gateway_EU");
    assert!((gw.surge - 3.0).abs() < 0.2, "leaving: {gw:?}");
    assert_eq!(gw.surge_target, 1.0);
    live.advance(31_000.0);
    leptos::task::tick().await;
    assert_eq!(state_of(&live, "Gateway_EU").surge, 1.0);
    assert_eq!(text(&root, "[data-now=surge]"), "");
    assert_logged(
        &live,
        &[
            "surge: Gateway EU gets 5× its load over 1 min",
            "end the surge on Gateway EU over 1 min",
        ],
    );
}

#[wasm_bindgen_test]
async fn a_drill_does_not_offer_a_surge_and_restoring_capacity_does_not_end_one() {
    let i = index_of("Gateway_Primary");
    let (root, live) = mount_live_with("gateway_overload_2024", gateway_overload(), 1, move || {
        view! { <ComponentActions index=i /> }
    });
    let live = live.get().unwrap();
    leptos::task::tick().await;
    query(&root, "[data-control-row=surge]");
    live.set_drill(true);
    leptos::task::tick().await;
    assert!(live.drill_hides());
    assert!(
        root.query_selector("[data-control-row=surge]")
            .unwrap()
            .is_none(),
        "the on-call team cannot send a crowd home"
    );
    query(&root, "[data-control-row=scale]");
    // The tournament starts at 14:30; a trainee who "restores" the
    // gateway's capacity does not end it.
    live.advance(11.0 * 60_000.0);
    set_value(
        &query(&root, "input[aria-label='Capacity to keep, percent']"),
        "100",
        "input",
    );
    click(&query(&root, "button[data-action=degrade]"));
    // Past the reconnect herd and the autoscaler's step (14:36): lost
    // capacity restored would be over by now, a crowd is not.
    live.advance(6.0 * 60_000.0);
    leptos::task::tick().await;
    assert_eq!(state_of(&live, "Gateway_Primary").surge, 4.0);
    assert!(
        busiest(&live, "Gateway_Primary", 6) > 0.99,
        "still overloaded after its capacity was restored"
    );
}

#[wasm_bindgen_test]
async fn a_degraded_component_shows_the_capacity_it_keeps_and_at_100_the_button_restores_it() {
    let i = index_of("Redis_Sessions");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    live.step();
    leptos::task::tick().await;
    let servers = || text(&root, "[data-figure=servers]");
    let button = || text(&root, "button[data-action=degrade]");
    assert!(!servers().contains("capacity"), "{}", servers());
    assert_eq!(button(), "Degrade");
    // The slider's default is 50%.
    click(&query(&root, "button[data-action=degrade]"));
    live.step();
    leptos::task::tick().await;
    assert!(servers().ends_with(" · 50% capacity"), "{}", servers());
    assert_eq!(state_of(&live, "Redis_Sessions").capacity_fraction, 0.5);
    // At 100% the same button gives the capacity back.
    set_value(
        &query(&root, "input[aria-label='Capacity to keep, percent']"),
        "100",
        "input",
    );
    leptos::task::tick().await;
    assert_eq!(button(), "Restore capacity");
    click(&query(&root, "button[data-action=degrade]"));
    live.step();
    leptos::task::tick().await;
    assert!(!servers().contains("capacity"), "{}", servers());
    assert_eq!(state_of(&live, "Redis_Sessions").capacity_fraction, 1.0);
}
