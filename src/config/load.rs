//! Finding and parsing the configuration file, collecting every problem with its key.
//!
//! serde stops at the first error in a struct, so each section (and each connector) is
//! deserialised on its own: a file with three mistakes in three places reports all three.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::{Table, Value};

use super::model::{
    Config, ConnectorConfig, GitConfig, GithubConfig, GitlabConfig, HttpProviderConfig,
    ProviderConfig,
};
use super::{ConfigError, ConfigIssue};

/// The embedded default used when no configuration file exists.
pub const EMBEDDED_DEFAULT: &str = include_str!("../../config/default.toml");

/// Where the configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// A file on disk.
    File(PathBuf),
    /// The embedded default.
    Embedded,
}

impl std::fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigSource::File(path) => write!(f, "{}", path.display()),
            ConfigSource::Embedded => f.write_str("the embedded default (no config file found)"),
        }
    }
}

/// Pick the file: `--config`, then `./switchyard.toml`, then the user config dir.
pub fn locate(explicit: Option<&Path>) -> Result<ConfigSource, ConfigError> {
    if let Some(path) = explicit {
        return if path.is_file() {
            Ok(ConfigSource::File(path.to_path_buf()))
        } else {
            Err(ConfigError::single(
                "--config",
                format!("{} does not exist or is not a file", path.display()),
            ))
        };
    }
    let local = PathBuf::from("switchyard.toml");
    if local.is_file() {
        return Ok(ConfigSource::File(local));
    }
    if let Some(dirs) = super::paths::project_dirs() {
        let user = dirs.config_dir().join("switchyard.toml");
        if user.is_file() {
            return Ok(ConfigSource::File(user));
        }
    }
    Ok(ConfigSource::Embedded)
}

/// Read and parse the configuration from `source`: the parsed configuration (sections that
/// failed keep their defaults) and the problems found. Only an unreadable file or a TOML
/// syntax error stops here.
pub fn load(source: &ConfigSource) -> Result<(Config, Vec<ConfigIssue>), ConfigError> {
    let text = match source {
        ConfigSource::Embedded => EMBEDDED_DEFAULT.to_owned(),
        ConfigSource::File(path) => std::fs::read_to_string(path).map_err(|err| {
            ConfigError::single("--config", format!("cannot read {}: {err}", path.display()))
        })?,
    };
    parse_lenient(&text)
}

/// Parse configuration text, failing with every problem found.
pub fn parse(text: &str) -> Result<Config, ConfigError> {
    let (config, issues) = parse_lenient(text)?;
    if issues.is_empty() {
        Ok(config)
    } else {
        Err(ConfigError { issues })
    }
}

/// Parse configuration text: the configuration (sections with errors keep their defaults)
/// and every problem found. Only a TOML syntax error is fatal.
pub fn parse_lenient(text: &str) -> Result<(Config, Vec<ConfigIssue>), ConfigError> {
    let table: Table = toml::from_str(text)
        .map_err(|err| ConfigError::single("(syntax)", err.to_string().trim_end()))?;
    let mut issues = Vec::new();
    let mut config = Config::default();
    for (key, value) in table {
        match key.as_str() {
            "identity" => section(&key, value, &mut issues, &mut config.identity),
            "server" => section(&key, value, &mut issues, &mut config.server),
            "data" => section(&key, value, &mut issues, &mut config.data),
            "store" => section(&key, value, &mut issues, &mut config.store),
            "response" => section(&key, value, &mut issues, &mut config.response),
            "tools" => section(&key, value, &mut issues, &mut config.tools),
            "notes" => section(&key, value, &mut issues, &mut config.notes),
            "logging" => section(&key, value, &mut issues, &mut config.logging),
            "connectors" => connectors(value, &mut issues, &mut config),
            "providers" => providers(value, &mut issues, &mut config),
            "models" => entries(&key, value, &mut issues, &mut config.models),
            "delegate" => section(&key, value, &mut issues, &mut config.delegate),
            "auth" => {
                let mut auth = super::model::AuthConfig::default();
                section(&key, value, &mut issues, &mut auth);
                config.auth = Some(auth);
            }
            "teams" => entries(&key, value, &mut issues, &mut config.teams),
            "departments" => entries(&key, value, &mut issues, &mut config.departments),
            "quotas" => section(&key, value, &mut issues, &mut config.quotas),
            "budgets" => section(&key, value, &mut issues, &mut config.budgets),
            other => issues.push(ConfigIssue::new(
                other,
                "unknown section; expected one of identity, server, data, store, response, tools, notes, logging, connectors, providers, models, delegate, auth, teams, departments, quotas, budgets",
            )),
        }
    }
    Ok((config, issues))
}

fn section<T: DeserializeOwned>(
    key: &str,
    value: Value,
    issues: &mut Vec<ConfigIssue>,
    into: &mut T,
) {
    match deserialize::<T>(value) {
        Ok(parsed) => *into = parsed,
        Err((path, message)) => issues.push(ConfigIssue::new(join(key, &path), message)),
    }
}

/// The connector types `[connectors.<id>] type = …` accepts.
const CONNECTOR_KINDS: &str = "git, github, gitlab";

fn connectors(value: Value, issues: &mut Vec<ConfigIssue>, config: &mut Config) {
    let Value::Table(entries) = value else {
        issues.push(ConfigIssue::new(
            "connectors",
            "must be a table of [connectors.<id>] sections",
        ));
        return;
    };
    for (id, entry) in entries {
        let key = format!("connectors.{id}");
        let Some(kind) = entry.get("type").and_then(Value::as_str) else {
            issues.push(ConfigIssue::new(
                format!("{key}.type"),
                format!("missing; every connector needs a type, one of: {CONNECTOR_KINDS}"),
            ));
            continue;
        };
        let kind = kind.to_owned();
        // Deserialise the variant's own struct (not the tagged enum, which buffers its input
        // and loses the path of the key that is wrong).
        let mut body = entry;
        if let Value::Table(table) = &mut body {
            table.remove("type");
        }
        let parsed = match kind.as_str() {
            "git" => deserialize::<GitConfig>(body).map(ConnectorConfig::Git),
            "github" => deserialize::<GithubConfig>(body).map(ConnectorConfig::Github),
            "gitlab" => deserialize::<GitlabConfig>(body).map(ConnectorConfig::Gitlab),
            other => {
                issues.push(ConfigIssue::new(
                    format!("{key}.type"),
                    format!("unknown connector type {other:?}; expected one of: {CONNECTOR_KINDS}"),
                ));
                continue;
            }
        };
        match parsed {
            Ok(parsed) => {
                config.connectors.insert(id, parsed);
            }
            Err((path, message)) => issues.push(ConfigIssue::new(join(&key, &path), message)),
        }
    }
}

/// A table of same-typed entries (`[models.<id>]`), each deserialised on its own.
fn entries<T: DeserializeOwned>(
    key: &str,
    value: Value,
    issues: &mut Vec<ConfigIssue>,
    into: &mut std::collections::BTreeMap<String, T>,
) {
    let Value::Table(table) = value else {
        issues.push(ConfigIssue::new(
            key,
            format!("must be a table of [{key}.<id>] sections"),
        ));
        return;
    };
    for (id, entry) in table {
        let entry_key = format!("{key}.{id}");
        match deserialize::<T>(entry) {
            Ok(parsed) => {
                into.insert(id, parsed);
            }
            Err((path, message)) => issues.push(ConfigIssue::new(join(&entry_key, &path), message)),
        }
    }
}

/// `[providers.<id>]`: each tagged by `type`, deserialised as its variant's own struct.
fn providers(value: Value, issues: &mut Vec<ConfigIssue>, config: &mut Config) {
    const KINDS: &str = "openai, anthropic, gemini, ollama";
    let Value::Table(entries) = value else {
        issues.push(ConfigIssue::new(
            "providers",
            "must be a table of [providers.<id>] sections",
        ));
        return;
    };
    for (id, mut entry) in entries {
        let key = format!("providers.{id}");
        let kind = match entry.get("type").and_then(Value::as_str) {
            Some(kind) => kind.to_owned(),
            None => {
                issues.push(ConfigIssue::new(
                    format!("{key}.type"),
                    format!("missing; every provider needs a type, one of: {KINDS}"),
                ));
                continue;
            }
        };
        if let Value::Table(table) = &mut entry {
            table.remove("type");
        }
        let built = match kind.as_str() {
            "openai" => deserialize::<HttpProviderConfig>(entry).map(ProviderConfig::Openai),
            "anthropic" => deserialize::<HttpProviderConfig>(entry).map(ProviderConfig::Anthropic),
            "gemini" => deserialize::<HttpProviderConfig>(entry).map(ProviderConfig::Gemini),
            "ollama" => deserialize::<HttpProviderConfig>(entry).map(ProviderConfig::Ollama),
            other => {
                issues.push(ConfigIssue::new(
                    format!("{key}.type"),
                    format!("unknown provider type {other:?}; expected one of: {KINDS}"),
                ));
                continue;
            }
        };
        match built {
            Ok(parsed) => {
                config.providers.insert(id, parsed);
            }
            Err((path, message)) => issues.push(ConfigIssue::new(join(&key, &path), message)),
        }
    }
}

/// Deserialise one value, returning the path inside it and the message on failure.
fn deserialize<T: DeserializeOwned>(value: Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        // The deserializer appends "in `key`" on a second line; the key is already ours.
        let message = err.into_inner().to_string();
        let first = message.lines().next().unwrap_or_default().trim_end();
        (path, first.to_owned())
    })
}

fn join(base: &str, path: &str) -> String {
    if path.is_empty() {
        base.to_owned()
    } else if path.starts_with('[') {
        format!("{base}{path}")
    } else {
        format!("{base}.{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::{EMBEDDED_DEFAULT, parse};
    use crate::config::model::ConnectorConfig;

    #[test]
    fn embedded_default_parses() {
        let config = parse(EMBEDDED_DEFAULT).unwrap();
        assert!(matches!(
            config.connectors.get("git"),
            Some(ConnectorConfig::Git(_))
        ));
        assert!(config.notes.enabled);
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let text = r#"
            [server]
            call_timeout_secs = "soon"
            [response]
            max_tokenz = 5
            [connectors.git]
            type = "git"
            repos = [{ path = "." , nmae = "x" }]
            [connectors.jira]
            type = "jiraa"
            [connectors.other]
            [surprise]
        "#;
        let err = parse(text).unwrap_err();
        let keys: Vec<&str> = err.issues.iter().map(|i| i.key.as_str()).collect();
        assert!(keys.contains(&"server.call_timeout_secs"), "{keys:?}");
        assert!(keys.contains(&"response.max_tokenz"), "{keys:?}");
        assert!(
            keys.iter()
                .any(|k| k.starts_with("connectors.git.repos[0]")),
            "{keys:?}"
        );
        assert!(keys.contains(&"connectors.jira.type"), "{keys:?}");
        assert!(keys.contains(&"connectors.other.type"), "{keys:?}");
        assert!(keys.contains(&"surprise"), "{keys:?}");
        let text = err.to_string();
        assert!(text.contains("max_tokenz"), "{text}");
        assert!(text.contains("nmae"), "{text}");
    }

    #[test]
    fn syntax_errors_say_where() {
        let err = parse("[server\ncall_timeout_secs = 1").unwrap_err();
        assert_eq!(err.issues.len(), 1);
        assert!(err.issues[0].message.contains("line"), "{err}");
    }
}
