//! Reading the files named on the command line.
//!
//! A name of the form `bundled:<file>` means a file embedded in the build
//! (`bundled:topology.toml` or any bundled scenario such as
//! `bundled:steady_state.toml`), so the bundled data can be checked and
//! listed without a source checkout.

use faultline_core::scenario::library;
use faultline_core::{BUNDLED_TOPOLOGY_NAME, BUNDLED_TOPOLOGY_TOML};

/// Reads a file by path, or a bundled file by its `bundled:` name.
/// The error is a one-line message that already names the file.
pub fn read(name: &str) -> Result<String, String> {
    if name == BUNDLED_TOPOLOGY_NAME {
        return Ok(BUNDLED_TOPOLOGY_TOML.to_string());
    }
    if let Some(file) = name.strip_prefix("bundled:") {
        if let Some(b) = library::bundled().iter().find(|b| b.file == file) {
            return Ok(b.toml.to_string());
        }
        let mut names = vec![BUNDLED_TOPOLOGY_NAME.to_string()];
        names.extend(library::bundled().iter().map(|b| b.source_name()));
        return Err(format!(
            "{name}: no such bundled file (bundled files: {})",
            names.join(", ")
        ));
    }
    std::fs::read_to_string(name).map_err(|e| format!("{name}: cannot read: {e}"))
}
