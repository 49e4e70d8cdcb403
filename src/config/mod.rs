//! Configuration: find the file, parse it, validate it, report every problem at once.
//!
//! | file | role |
//! |---|---|
//! | `model.rs` | the raw structs, as written in TOML |
//! | `load.rs` | locating the file, parsing section by section |
//! | `validate.rs` | pure semantic checks |
//! | `paths.rs` | user config and data directories, `~` expansion |

pub mod load;
pub mod model;
pub mod paths;
pub mod validate;

use std::fmt;
use std::path::Path;

pub use load::{ConfigSource, EMBEDDED_DEFAULT};
pub use model::Config;

/// One problem, with the key that is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    /// The dotted key (`connectors.git.repos[0].path`).
    pub key: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl ConfigIssue {
    /// An issue at `key`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigIssue {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// Every problem found in a configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The problems, in the order found.
    pub issues: Vec<ConfigIssue>,
}

impl ConfigError {
    /// An error with one issue.
    pub fn single(key: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            issues: vec![ConfigIssue::new(key, message)],
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.issues.len();
        write!(
            f,
            "{count} configuration problem{}:",
            if count == 1 { "" } else { "s" }
        )?;
        for issue in &self.issues {
            write!(f, "\n  - {}: {}", issue.key, issue.message)?;
        }
        Ok(())
    }
}

/// Locate, read, parse and validate the configuration.
pub fn load_and_validate(explicit: Option<&Path>) -> Result<(Config, ConfigSource), ConfigError> {
    let source = load::locate(explicit)?;
    let config = load::load(&source)?;
    let issues = validate::validate(&config);
    if issues.is_empty() {
        Ok((config, source))
    } else {
        Err(ConfigError { issues })
    }
}
