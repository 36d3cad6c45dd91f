//! Reading the files named on the command line.
//!
//! A name of the form `bundled:<file>` means a file embedded in the build
//! (for now `bundled:topology.toml`), so the bundled data can be checked and
//! listed without a source checkout.

use faultline_core::{BUNDLED_TOPOLOGY_NAME, BUNDLED_TOPOLOGY_TOML};

/// Reads a file by path, or a bundled file by its `bundled:` name.
/// The error is a one-line message that already names the file.
pub fn read(name: &str) -> Result<String, String> {
    if name == BUNDLED_TOPOLOGY_NAME {
        return Ok(BUNDLED_TOPOLOGY_TOML.to_string());
    }
    if name.starts_with("bundled:") {
        return Err(format!(
            "{name}: no such bundled file (bundled files: {BUNDLED_TOPOLOGY_NAME})"
        ));
    }
    std::fs::read_to_string(name).map_err(|e| format!("{name}: cannot read: {e}"))
}
