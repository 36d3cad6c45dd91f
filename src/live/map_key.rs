//! The keys heading the live map: what a node's badge says
//! ([`HealthLegend`]) and what a call edge's look says ([`EdgeKey`]), and
//! both written out in full ([`KeyMeanings`]).
//!
//! The edge key draws its samples with the very classes the map's live
//! edges carry (`live-edge live-flow-N`, `live-failing`, `brk-open`, ...),
//! so the key cannot drift from what it explains.

use leptos::prelude::*;

use super::driver::Live;
use super::view_model::{self, FAILING_EDGE_SHARE};

/// The key to the node badges: every health state's glyph, colour and word.
#[component]
pub fn HealthLegend() -> impl IntoView {
    use faultline_core::sim::Health;
    let live = use_context::<Live>();
    let comparing = Memo::new(move |_| live.is_some_and(|l| l.comparison.with(Option::is_some)));
    let items = Health::ALL
        .into_iter()
        .map(|h| {
            view! {
                <span class="live-key" data-health=view_model::health_word(h) title=h.meaning()>
                    {health_glyph(h)}
                    " "
                    {health_name(h)}
                </span>
            }
        })
        .collect_view();
    view! {
        <p class="live-legend" aria-label="Health key">
            {items}
            <span class="live-key bars">"bars: load · queue · memory"</span>
            {move || comparing.get().then(|| view! {
                <span
                    class="live-key compared"
                    data-testid="compared-key"
                    title="The dashed grey ring: this component is in another state in the run the charts compare with (hover the chart legend for which)."
                >
                    <span class="glyph ring" aria-hidden="true"></span>
                    " differs in the compared run"
                </span>
            })}
            <span class="live-key keys">
                <kbd>"Space"</kbd>" play/pause · "<kbd>"←"</kbd>" "<kbd>"→"</kbd>" step · "<kbd>"+"</kbd>" "<kbd>"−"</kbd>" speed"" · "<kbd>"?"</kbd>" all keys"
            </span>
        </p>
    }
}

/// A health state's badge, as the map's nodes wear it.
fn health_glyph(h: faultline_core::sim::Health) -> impl IntoView {
    view! {
        <span class="glyph" style=format!("background:{}", view_model::health_color(h)) aria-hidden="true">
            {view_model::health_glyph(h)}
        </span>
    }
}

/// A health state's name in words ("failing over").
fn health_name(h: faultline_core::sim::Health) -> String {
    view_model::health_word(h).replace('-', " ")
}

/// One sample of the edge key: its look (the classes of a live edge, or
/// of a lit failover), an optional breaker badge, its word and what it
/// means.
struct EdgeSample {
    key: &'static str,
    classes: &'static str,
    badge: Option<&'static str>,
    word: &'static str,
    meaning: String,
}

fn edge_samples() -> Vec<EdgeSample> {
    let failing = FAILING_EDGE_SHARE * 100.0;
    vec![
        EdgeSample {
            key: "flowing",
            classes: "live-edge live-flow-3",
            badge: None,
            word: "carrying calls",
            meaning: "Blue dashes run along a call while it carries traffic: the busier it is, the wider the line and the faster the dashes. Point at one for its figures.".into(),
        },
        EdgeSample {
            key: "failing",
            classes: "live-edge live-flow-3 live-failing",
            badge: None,
            word: "failing",
            meaning: format!("Red: more than {failing:.0}% of the calls fail."),
        },
        EdgeSample {
            key: "breaker-open",
            classes: "live-edge brk-open",
            badge: Some("⊘"),
            word: "breaker open",
            meaning: "The caller's circuit breaker is open (its badge sits at the caller's end): calls fail at once, without reaching the callee.".into(),
        },
        EdgeSample {
            key: "breaker-half-open",
            classes: "live-edge brk-half",
            badge: Some("◐"),
            word: "half-open",
            meaning: "The breaker lets a few trial calls through to see whether the callee has recovered.".into(),
        },
        EdgeSample {
            key: "partitioned",
            classes: "live-edge live-partitioned",
            badge: None,
            word: "partitioned",
            meaning: "Cut by a network partition (set in the caller's inspector): no call gets through.".into(),
        },
        EdgeSample {
            key: "failover",
            classes: "live-failover lit",
            badge: None,
            word: "failover under way",
            meaning: "A failover path in use, its label filled: load is moving from the failed component to its backup. Point at the label for how far it has gone.".into(),
        },
    ]
}

/// A sample's short line, drawn with the map's own classes.
fn edge_sample(s: &EdgeSample) -> impl IntoView {
    view! {
        <svg class="edge-sample" width="36" height="16" viewBox="0 0 36 16" aria-hidden="true">
            <path class=s.classes d="M2 8 H34" style="stroke-width:2.5px"></path>
            {s.badge.map(|g| view! {
                <g class="live-breaker-badge" transform="translate(8 8)">
                    <circle r="7"></circle>
                    <text text-anchor="middle" dominant-baseline="central">{g}</text>
                </g>
            })}
        </svg>
    }
}

/// The key to the live map's edges: a call carrying traffic, failing,
/// behind an open or half-open breaker, partitioned; a failover in use.
#[component]
pub fn EdgeKey() -> impl IntoView {
    let items = edge_samples()
        .into_iter()
        .map(|s| {
            view! {
                <span class="live-key edge" data-edge-key=s.key title=s.meaning.clone()>
                    {edge_sample(&s)}
                    {s.word}
                </span>
            }
        })
        .collect_view();
    view! {
        <p class="live-legend edge-key" aria-label="Edge key">
            <span class="live-key lead">"Live calls:"</span>
            {items}
        </p>
    }
}

/// The bars under each node, left to right: key, the map's class, word
/// and meaning.
const NODE_BARS: [(&str, &str, &str, &str); 3] = [
    (
        "load",
        "bar-load",
        "load",
        "The first bar under a node: the share of its capacity in use.",
    ),
    (
        "queue",
        "bar-queue",
        "queue",
        "The second: how full its queue is, against its limit.",
    ),
    (
        "memory",
        "bar-mem",
        "memory",
        "The third: the share of its memory in use (a component that buffers, like the sessions, can run out of it).",
    ),
];

/// Every badge, bar and line of the keys with what it means, written
/// out: the keys give it only in a tooltip, which a finger or the keyboard
/// cannot bring up. Folded by default.
#[component]
pub fn KeyMeanings() -> impl IntoView {
    use faultline_core::sim::Health;
    let states = Health::ALL
        .into_iter()
        .map(|h| {
            view! {
                <dt data-health=view_model::health_word(h)>{health_glyph(h)}" "{health_name(h)}</dt>
                <dd>{h.meaning()}</dd>
            }
        })
        .collect_view();
    let lines = edge_samples()
        .into_iter()
        .map(|s| {
            view! {
                <dt data-edge-key=s.key>{edge_sample(&s)}" "{s.word}</dt>
                <dd>{s.meaning}</dd>
            }
        })
        .collect_view();
    // The three bars under each node, drawn with the map's classes.
    let bars = NODE_BARS
        .into_iter()
        .map(|(key, class, word, meaning)| {
            view! {
                <dt data-bar=key>
                    <svg class="bar-sample" width="24" height="8" viewBox="0 0 24 8" aria-hidden="true">
                        <rect class="live-bar-bg" x="0" y="2" width="24" height="4"></rect>
                        <rect class=format!("live-bar {class}") x="0" y="2" width="16" height="4"></rect>
                    </svg>
                    " "
                    {word}
                </dt>
                <dd>{meaning}</dd>
            }
        })
        .collect_view();
    view! {
        <details class="key-meanings">
            <summary>"What the badges, bars and lines mean"</summary>
            // Two columns where they fit: a node's looks, a line's looks.
            <div class="meanings">
                <div>
                    <dl aria-label="Health states">{states}</dl>
                    <dl aria-label="Bars under a node">{bars}</dl>
                </div>
                <dl aria-label="Live calls">{lines}</dl>
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_core::sim::BreakerState;
    use view_model::EdgeView;

    /// Every class a live edge can carry (see [`EdgeView::classes`]) is
    /// drawn by some sample of the key, so a new look cannot go unexplained.
    #[test]
    fn every_look_of_a_live_edge_has_a_sample_in_the_key() {
        let samples = edge_samples();
        let edge = |failing, breaker, partitioned| EdgeView {
            traffic: 1000.0,
            width: 2.0,
            flow: 3,
            error_rate: if failing { 0.5 } else { 0.0 },
            failing,
            breaker,
            partitioned,
            held: 0.0,
        };
        let looks = [
            edge(false, BreakerState::Closed, false),
            edge(true, BreakerState::Closed, false),
            edge(false, BreakerState::Open, false),
            edge(false, BreakerState::HalfOpen, false),
            edge(false, BreakerState::Closed, true),
        ];
        for look in looks {
            for class in look.classes().split_whitespace() {
                assert!(
                    samples
                        .iter()
                        .any(|s| s.classes.split(' ').any(|c| c == class)),
                    "no sample in the key draws {class}"
                );
            }
        }
        let failing = samples.iter().find(|s| s.key == "failing").unwrap();
        assert!(failing.meaning.contains("5%"), "{}", failing.meaning);
    }
}
