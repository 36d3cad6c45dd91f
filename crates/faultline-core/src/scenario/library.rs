//! The bundled scenario library: every `scenarios/*.toml` except the
//! topology and platform files, embedded in the build so the page and the
//! CLI work without a checkout.
//!
//! To add a scenario: put the file in `scenarios/` and add its stem to the
//! `BUNDLED` list in this file. A test fails if a file in `scenarios/` is
//! missing there, and the calibration test (`tests/calibration.rs`) then
//! runs it and checks its `[[expect]]` bands and counterfactuals.

use super::Scenario;
use crate::source::SourceError;

/// One bundled scenario file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BundledScenario {
    /// Short name used in URLs and on the command line (the file stem).
    pub key: &'static str,
    /// The file name under `scenarios/`.
    pub file: &'static str,
    /// The file's text.
    pub toml: &'static str,
}

impl BundledScenario {
    /// The name errors use for this file: `bundled:<file>`.
    pub fn source_name(&self) -> String {
        format!("bundled:{}", self.file)
    }

    /// Parses and validates it.
    pub fn load(&self) -> Result<Scenario, Vec<SourceError>> {
        Scenario::from_toml_str(self.toml, &self.source_name())
    }
}

macro_rules! bundled {
    ($($key:literal),* $(,)?) => {
        &[$(BundledScenario {
            key: $key,
            file: concat!($key, ".toml"),
            toml: include_str!(concat!("../../../../scenarios/", $key, ".toml")),
        }),*]
    };
}

/// The bundled scenarios, steady state first, then incidents by date.
const BUNDLED: &[BundledScenario] = bundled![
    "steady_state",
    "presence_herd_2017",
    "redis_failover_2017",
    "api_cascade_2022",
    "scylla_regional_2023",
    "large_guild_cascade_2023",
    "cloudflare_outage_2024",
    "gateway_overload_2024",
    "compaction_storm_2024",
    "us_east_region_failure",
    "scylla_failure_ladder",
    "redis_session_cache_failure",
    "permission_cache_failure",
    "voice_edge_failure",
    "voice_service_failure",
    "bad_deploy",
];

/// Every bundled scenario, steady state first.
pub fn bundled() -> &'static [BundledScenario] {
    BUNDLED
}

/// The bundled scenario with this key (the file stem, e.g.
/// `"api_cascade_2022"`; `"api_cascade_2022.toml"` and
/// `"bundled:api_cascade_2022.toml"` are accepted too).
pub fn find(key: &str) -> Option<&'static BundledScenario> {
    let k = key.strip_prefix("bundled:").unwrap_or(key);
    let k = k.strip_suffix(".toml").unwrap_or(k);
    BUNDLED.iter().find(|b| b.key == k)
}

/// Loads a bundled scenario by key; an unknown key is one error listing the keys.
pub fn load(key: &str) -> Result<Scenario, Vec<SourceError>> {
    match find(key) {
        Some(b) => b.load(),
        None => Err(vec![SourceError::whole(
            &format!("bundled:{key}"),
            format!(
                "no such bundled scenario (bundled: {})",
                BUNDLED.iter().map(|b| b.key).collect::<Vec<_>>().join(", ")
            ),
        )]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_file_is_bundled_and_loads() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|f| f.ends_with(".toml") && f != "topology.toml" && f != "platform.toml")
            .collect();
        files.sort();
        let mut listed: Vec<String> = bundled().iter().map(|b| b.file.to_string()).collect();
        listed.sort();
        assert_eq!(files, listed, "scenarios/ and library::BUNDLED disagree");
        assert_eq!(bundled()[0].key, "steady_state");
        for b in bundled() {
            let s = b
                .load()
                .unwrap_or_else(|e| panic!("{}", SourceError::join(&e, "\n")));
            assert!(!s.title.is_empty(), "{} has no title", b.file);
        }
    }

    #[test]
    fn find_accepts_file_names_and_load_lists_keys() {
        assert_eq!(
            find("bundled:steady_state.toml").unwrap().key,
            "steady_state"
        );
        assert_eq!(find("steady_state.toml").unwrap().key, "steady_state");
        let e = load("nope").unwrap_err();
        assert!(e[0].message.contains("steady_state"), "{}", e[0]);
    }
}
