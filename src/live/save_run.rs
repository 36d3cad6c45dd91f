//! "Save as a scenario file": the run written into its scenario's own file
//! ([`faultline_core::scenario::save_run`]) and handed to the browser, so
//! an instructor builds a variation by playing it, then loads the file
//! back (or edits it: messages, bands) and shares it.

use faultline_core::scenario::save_run::{save_run, SavedRun};
use faultline_core::scenario::{library, Scenario};
use faultline_core::Action;
use leptos::prelude::*;

use super::{download, url_state, Live, Notice};

/// A saved run: the file's suggested name, its text, and how many actions
/// it added.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedFile {
    /// The name offered for the download (`<scenario>-variation.toml`).
    pub name: String,
    /// The scenario file with the run in it.
    pub text: String,
    /// The operator's actions and the instructor's surprises it holds.
    pub actions: usize,
}

impl Live {
    /// The run as a scenario file of its own: the scenario's file with the
    /// run's seed and its actions (those done, those recorded ahead of the
    /// clock, and the instructor's surprises). Fails, saying why, if the
    /// scenario's file is not at hand or the result would not load.
    pub fn run_as_scenario_file(&self) -> Result<SavedFile, String> {
        let key = self.scenario_key.get_untracked();
        let (file, text) = scenario_source(&key)?;
        let mut actions: Vec<(u64, Action)> = self.user_actions.get_untracked();
        actions.extend(self.ahead.get_untracked());
        actions.sort_by_key(|(t, _)| *t);
        let surprises = self.injects.get_untracked();
        let switches_on = self
            .scenario
            .with_untracked(|s| switch_labels(s, &self.counterfactuals.get_untracked()));
        let text = save_run(
            &text,
            &file,
            &SavedRun {
                seed: self.seed.get_untracked(),
                actions: &actions,
                surprises: &surprises,
                switches_on: &switches_on,
            },
        )?;
        Ok(SavedFile {
            name: variation_file_name(&file),
            text,
            actions: actions.len() + surprises.len(),
        })
    }

    /// Offers the run as a scenario file for download and says what it
    /// holds (or why it could not be saved).
    pub fn save_as_scenario_file(&self) {
        let saved = self.run_as_scenario_file().and_then(|f| {
            download::offer(&f.name, "application/toml;charset=utf-8", &f.text).map(|()| f)
        });
        self.notice.set(Some(match saved {
            Ok(f) => Notice {
                error: false,
                text: format!(
                    "Saved {}: this scenario at seed {} with {} action{} as triggers at their times. \
                     Load it with “Scenario — choose another” to replay the run, or add messages and bands to it (scenarios/README.md).",
                    f.name,
                    self.seed.get_untracked(),
                    f.actions,
                    if f.actions == 1 { "" } else { "s" },
                ),
            },
            Err(e) => Notice {
                error: true,
                text: format!("The run could not be saved as a scenario file: {e}"),
            },
        }));
    }
}

/// The running scenario's file: its name and text as written.
fn scenario_source(key: &str) -> Result<(String, String), String> {
    if key == url_state::USER_SCENARIO {
        return url_state::user_file().ok_or_else(|| {
            "your scenario file is no longer in this browser's storage".to_string()
        });
    }
    library::find(key)
        .map(|b| (b.file.to_string(), b.toml.to_string()))
        .ok_or_else(|| format!("no bundled scenario is named `{key}`"))
}

/// The labels of the switches `on` (keys), in the scenario's order.
fn switch_labels(s: &Scenario, on: &[String]) -> Vec<String> {
    s.counterfactuals
        .iter()
        .filter(|c| on.contains(&c.key))
        .map(|c| c.label.clone())
        .collect()
}

/// `api_cascade_2022.toml` → `api_cascade_2022-variation.toml` (once).
pub fn variation_file_name(file: &str) -> String {
    let stem = file.strip_suffix(".toml").unwrap_or(file);
    let stem = stem.strip_suffix("-variation").unwrap_or(stem);
    format!("{stem}-variation.toml")
}

/// The button that saves the run as a scenario file.
#[component]
pub fn SaveRunButton() -> impl IntoView {
    let live = expect_context::<Live>();
    view! {
        <button
            class="save-run"
            data-action="save-run"
            title="Your actions (and any surprises) written into this scenario's file as triggers at their times, with this seed: load the file to replay the run, edit it to add messages and bands, share it"
            on:click=move |_| live.save_as_scenario_file()
        >
            "Save as a scenario file (.toml)"
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variation_is_named_after_its_scenario_once() {
        assert_eq!(
            variation_file_name("api_cascade_2022.toml"),
            "api_cascade_2022-variation.toml"
        );
        assert_eq!(
            variation_file_name("mine-variation.toml"),
            "mine-variation.toml"
        );
        assert_eq!(variation_file_name("notes.txt"), "notes.txt-variation.toml");
    }
}
