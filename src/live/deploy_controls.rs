//! The inspector's deploy row for one component: roll out a build (good,
//! or bad: failing a share of requests, slower) by seed 002's canary or
//! straight to every instance, see where the pipeline stands, roll it back.
//!
//! Pushing a bad build is something that happens *to* the platform, so a
//! drill does not offer it; the pipeline's status and its rollback button
//! stay, as a deploy dashboard and the incident commander's abort would.

use faultline_core::sim::deploy::{DeployStatus, DeployStrategy, DeployView, CANARY_PHASES};
use faultline_core::Action;
use leptos::prelude::*;

use super::driver::live_and_component;

/// Where a deploy stands, in words: "canary on 5% of instances (phase 1 of
/// 4, 3:20 of its 20-min soak)", "rolling back", "complete".
pub fn deploy_status(v: &DeployView, now_ms: u64) -> String {
    let pct = |s: f64| format!("{:.0}%", s * 100.0);
    let bad = v.build.describe();
    let stands = match v.status {
        DeployStatus::RollingOut => match v.strategy {
            DeployStrategy::Canary => {
                let soak = CANARY_PHASES[v.phase.min(CANARY_PHASES.len() - 1)].1;
                format!(
                    "canary on {} of instances (phase {} of {}, {} of its {}-min soak)",
                    pct(v.share),
                    v.phase + 1,
                    CANARY_PHASES.len(),
                    mm_ss(now_ms.saturating_sub(v.phase_since_ms)),
                    soak / 60_000
                )
            }
            DeployStrategy::Rolling => format!("rolling out, on {} of instances", pct(v.share)),
        },
        DeployStatus::Complete => "complete: on every instance".to_string(),
        DeployStatus::RollingBack { .. } => {
            format!("rolling back, still on {} of instances", pct(v.share))
        }
        DeployStatus::RolledBack => "rolled back".to_string(),
    };
    format!("Deploy of {bad}: {stands}")
}

/// `m:ss`.
fn mm_ss(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

/// "Deploy a build failing [x]% and [y] ms slower by [canary | rolling
/// push] [Deploy]" and, while a deploy is on, where it stands with a
/// "Roll back" button.
#[component]
pub fn DeployControl(
    /// Index into the topology's components.
    index: usize,
) -> impl IntoView {
    let Some((live, id)) = live_and_component(index) else {
        return ().into_any();
    };
    let id = StoredValue::new(id);
    let error_pct = RwSignal::new(30.0_f64);
    let extra_ms = RwSignal::new(0.0_f64);
    let strategy = RwSignal::new(DeployStrategy::Canary);
    let status = Memo::new(move |_| {
        live.snapshot.with(|s| {
            s.components
                .get(index)
                .and_then(|c| c.deploy)
                .map(|v| (deploy_status(&v, s.t_ms), v.status))
        })
    });
    let deploy = move |_| {
        let _ = live.act(Action::Deploy {
            component: id.get_value(),
            error_rate: error_pct.get_untracked() / 100.0,
            extra_ms: extra_ms.get_untracked(),
            strategy: Some(strategy.get_untracked()),
        });
    };
    let roll_back = move |_| {
        let _ = live.act(Action::Rollback {
            component: id.get_value(),
        });
    };
    view! {
        <Show when=move || !live.drill_hides()>
            <div class="live-row deploy" data-control-row="deploy">
                <label title="A build whose instances fail this share of requests (0 for a good build)">
                    "Deploy a build failing "
                    <input
                        type="number"
                        min="0"
                        max="100"
                        step="1"
                        data-control="deploy_error_pct"
                        aria-label="Share of requests the new build fails, percent"
                        prop:value=move || error_pct.get().to_string()
                        on:input=move |e| error_pct.set(event_target_value(&e).parse().unwrap_or(f64::NAN))
                    />
                    "%, "
                </label>
                <label title="How much slower the new build's instances answer">
                    <input
                        type="number"
                        min="0"
                        max="600000"
                        step="50"
                        data-control="deploy_extra_ms"
                        aria-label="Extra latency of the new build, milliseconds"
                        prop:value=move || extra_ms.get().to_string()
                        on:input=move |e| extra_ms.set(event_target_value(&e).parse().unwrap_or(f64::NAN))
                    />
                    " ms slower, by "
                </label>
                <select
                    data-control="deploy_strategy"
                    aria-label="How the build rolls out"
                    on:change=move |e| strategy.set(if event_target_value(&e) == "rolling" { DeployStrategy::Rolling } else { DeployStrategy::Canary })
                >
                    <option value="canary" selected=true title="Seed 002: 5% for 20 min, 25% for 30, 50% for 45, then everyone; rolled back in 30 s when errors pass 0.5% for 5 min, response time doubles for 3 min, or WebSocket failures pass 1% for 2 min">
                        "canary (seed 002)"
                    </option>
                    <option value="rolling" title="Straight to every instance in restart batches; only an operator rolls it back">
                        "rolling push"
                    </option>
                </select>
                <button data-action="deploy" on:click=deploy>"Deploy"</button>
            </div>
        </Show>
        {move || {
            status.get().map(|(words, st)| {
                let can_roll_back = matches!(st, DeployStatus::RollingOut | DeployStatus::Complete);
                view! {
                    <div class="live-row deploy-status" data-control-row="deploy-status">
                        <span class="now" data-now="deploy">{words}</span>
                        {can_roll_back.then(|| view! {
                            <button data-action="rollback" on:click=roll_back>"Roll back"</button>
                        })}
                    </div>
                }
            })
        }}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_core::sim::deploy::Build;

    fn view(
        status: DeployStatus,
        strategy: DeployStrategy,
        share: f64,
        phase: usize,
    ) -> DeployView {
        DeployView {
            build: Build {
                error_rate: 0.3,
                extra_ms: 0.0,
            },
            strategy,
            share,
            status,
            phase,
            phase_since_ms: 60_000,
        }
    }

    #[test]
    fn a_deploy_reads_as_its_build_and_where_it_stands() {
        assert_eq!(
            deploy_status(&view(DeployStatus::RollingOut, DeployStrategy::Canary, 0.05, 0), 260_000),
            "Deploy of a build failing 30.0%: canary on 5% of instances (phase 1 of 4, 3:20 of its 20-min soak)"
        );
        assert_eq!(
            deploy_status(
                &view(DeployStatus::RollingOut, DeployStrategy::Rolling, 0.5, 1),
                0
            ),
            "Deploy of a build failing 30.0%: rolling out, on 50% of instances"
        );
        assert_eq!(
            deploy_status(
                &view(DeployStatus::Complete, DeployStrategy::Rolling, 1.0, 3),
                0
            ),
            "Deploy of a build failing 30.0%: complete: on every instance"
        );
        let back = DeployStatus::RollingBack {
            from_share: 1.0,
            fast: false,
        };
        assert_eq!(
            deploy_status(&view(back, DeployStrategy::Rolling, 0.75, 3), 0),
            "Deploy of a build failing 30.0%: rolling back, still on 75% of instances"
        );
    }
}
