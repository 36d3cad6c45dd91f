//! The inspector's deploy row: a bad build through the canary is caught
//! and rolled back by the pipeline, a rolling push goes to everyone until
//! the operator's "Roll back", and a drill shows the pipeline's status and
//! rollback but does not offer to push a build.

use super::*;
use faultline_core::scenario::library;

/// The deploy status line, or `None` without a deploy.
fn status(root: &web_sys::Element) -> Option<String> {
    root.query_selector("[data-now=deploy]")
        .unwrap()
        .and_then(|e| e.text_content())
}

#[wasm_bindgen_test]
async fn a_bad_canary_from_the_inspector_is_caught_and_rolled_back() {
    let i = index_of("API_Gateway");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    live.step();
    leptos::task::tick().await;
    assert_eq!(status(&root), None);
    set_value(
        &query(&root, "input[data-control=deploy_error_pct]"),
        "20",
        "input",
    );
    click(&query(&root, "button[data-action=deploy]"));
    live.advance(60_000.0);
    leptos::task::tick().await;
    assert_eq!(
        status(&root).as_deref(),
        Some("Deploy of a build failing 20.0%: canary on 5% of instances (phase 1 of 4, 1:00 of its 20-min soak)")
    );
    assert!(root
        .query_selector("button[data-action=rollback]")
        .unwrap()
        .is_some());
    // Over 0.5% errors for five minutes: the pipeline rolls it back in 30 s.
    live.advance(5.0 * 60_000.0);
    leptos::task::tick().await;
    assert_eq!(status(&root), None);
    assert_logged(
        &live,
        &[
            "operator: deploy a build failing 20.0% to API Gateway (canary)",
            "canary error rate above 0.5% for 5 minutes",
            "API Gateway: rolled back",
        ],
    );
}

#[wasm_bindgen_test]
async fn a_rolling_push_reaches_everyone_until_the_operator_rolls_it_back() {
    let i = index_of("API_Gateway");
    let (root, live) = mount_live(move || view! { <ComponentActions index=i /> });
    let live = live.get().unwrap();
    live.step();
    leptos::task::tick().await;
    set_value(
        &query(&root, "select[data-control=deploy_strategy]"),
        "rolling",
        "change",
    );
    click(&query(&root, "button[data-action=deploy]"));
    live.advance(4.0 * 60_000.0);
    leptos::task::tick().await;
    assert_eq!(
        status(&root).as_deref(),
        Some("Deploy of a build failing 30.0%: complete: on every instance")
    );
    let api_ok = |live: &Live| live.with_sim(|s| s.snapshot().sli.api_success);
    assert!(api_ok(&live) < 0.75, "{}", api_ok(&live));
    click(&query(&root, "button[data-action=rollback]"));
    live.advance(10_000.0);
    leptos::task::tick().await;
    assert_eq!(
        status(&root).as_deref(),
        Some("Deploy of a build failing 30.0%: rolling back, still on 100% of instances")
    );
    assert!(
        root.query_selector("button[data-action=rollback]")
            .unwrap()
            .is_none(),
        "once"
    );
    // Four batches of 25% a minute; then the edge's breakers close again.
    live.advance(5.0 * 60_000.0);
    leptos::task::tick().await;
    assert_eq!(status(&root), None);
    assert!(api_ok(&live) > 0.999, "{}", api_ok(&live));
}

#[wasm_bindgen_test]
async fn a_drill_shows_the_pipeline_and_its_rollback_but_offers_no_push() {
    let scenario = library::load("bad_deploy").unwrap();
    let i = scenario.topology.component_index("API_Gateway").unwrap();
    let (root, live) = mount_live_with("bad_deploy", scenario, 1, move || {
        view! { <ComponentActions index=i /> }
    });
    let live = live.get().unwrap();
    live.set_drill(true);
    live.advance(7.0 * 60_000.0);
    leptos::task::tick().await;
    assert!(root
        .query_selector("[data-control-row=deploy]")
        .unwrap()
        .is_none());
    assert!(
        status(&root).unwrap().contains("rolling out"),
        "the trainees see the deploy going out: {:?}",
        status(&root)
    );
    click(&query(&root, "button[data-action=rollback]"));
    assert_logged(&live, &["operator: roll back the deploy on API Gateway"]);
}

#[wasm_bindgen_test]
async fn the_map_tabs_a_node_while_a_deploy_is_on_it() {
    let (root, live) = mount_live(move || {
        let topology = std::sync::Arc::new(steady().topology.clone());
        view! { <faultline_app::diagram::Diagram topology width=1200.0 /> }
    });
    let live = live.get().unwrap();
    let tab = || {
        root.query_selector(".node[data-component=API_Gateway] [data-deploy]")
            .unwrap()
            .and_then(|e| e.get_attribute("data-deploy"))
    };
    live.step();
    leptos::task::tick().await;
    assert_eq!(tab(), None);
    live.act(Action::Deploy {
        component: "API_Gateway".into(),
        error_rate: 0.0,
        extra_ms: 0.0,
        strategy: None,
    })
    .unwrap();
    live.step();
    leptos::task::tick().await;
    assert_eq!(tab().as_deref(), Some("deploy 5%"));
    // A good build: promoted after the 20-minute soak.
    live.advance(20.0 * 60_000.0);
    leptos::task::tick().await;
    assert_eq!(tab().as_deref(), Some("deploy 25%"));
    live.act(Action::Rollback {
        component: "API_Gateway".into(),
    })
    .unwrap();
    live.advance(10_000.0);
    leptos::task::tick().await;
    assert!(tab().unwrap().starts_with("rollback "), "{:?}", tab());
    assert!(root.query_selector(".live-deploy.back").unwrap().is_some());
    live.advance(30_000.0);
    leptos::task::tick().await;
    assert_eq!(tab(), None);
}
