//! Configuration: find the file, parse it, validate it, report every problem at once.
//!
//! | file | role |
//! |---|---|
//! | `model.rs` | the raw structs, as written in TOML |
//! | `load.rs` | locating the file, parsing section by section |
//! | `validate.rs` | pure semantic checks |
//! | `governance.rs` | pure checks of `[auth]`, `[teams]`, `[departments]` |
//! | `paths.rs` | user config and data directories, `~` expansion |
//! | `limits.rs` | `[quotas]` and `[budgets]` |
//! | `store.rs` | `[store] url` resolved into the database to open |

pub mod governance;
pub mod limits;
pub mod load;
pub mod model;
pub mod paths;
pub mod store;
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
            // Multi-line messages (a TOML syntax error with its snippet) stay aligned.
            let message = issue.message.replace('\n', "\n      ");
            write!(f, "\n  - {}: {message}", issue.key)?;
        }
        Ok(())
    }
}

/// A configuration as read, with the problems found so far.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The configuration (sections with problems keep their defaults).
    pub config: Config,
    /// Where it came from.
    pub source: ConfigSource,
    /// Every problem found by parsing and validation; building adds its own and reports all.
    pub issues: Vec<ConfigIssue>,
}

impl Loaded {
    /// A configuration built in code (tests, embedding), validated like a file would be.
    pub fn from_config(config: Config, source: ConfigSource) -> Self {
        let issues = validate::validate(&config);
        Loaded {
            config,
            source,
            issues,
        }
    }
}

/// Locate, read, parse and validate the configuration. Fails only when the file cannot be
/// read or is not TOML; every other problem is collected in [`Loaded::issues`].
pub fn load_and_validate(explicit: Option<&Path>) -> Result<Loaded, ConfigError> {
    let source = load::locate(explicit)?;
    let (config, mut issues) = load::load(&source)?;
    issues.extend(validate::validate(&config));
    Ok(Loaded {
        config,
        source,
        issues,
    })
}
