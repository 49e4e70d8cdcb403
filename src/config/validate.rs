//! Pure checks of a parsed configuration: no I/O, every problem reported at once.

use std::collections::HashSet;

use super::ConfigIssue;
use super::model::{Config, ConnectorConfig};

/// Ids that name built-in sources and cannot be used for connectors.
const RESERVED_IDS: [&str; 4] = ["note", "context", "switchyard", "conformance"];

/// Check a parsed configuration; returns every issue found.
pub fn validate(config: &Config) -> Vec<ConfigIssue> {
    let mut issues = Vec::new();
    let server = &config.server;
    if server.call_timeout_secs == 0 || server.call_timeout_secs > 3600 {
        issues.push(ConfigIssue::new(
            "server.call_timeout_secs",
            "must be between 1 and 3600 seconds",
        ));
    }
    if server.search_timeout_secs == 0 || server.search_timeout_secs > 600 {
        issues.push(ConfigIssue::new(
            "server.search_timeout_secs",
            "must be between 1 and 600 seconds",
        ));
    }
    if server.session_idle_secs < 60 {
        issues.push(ConfigIssue::new(
            "server.session_idle_secs",
            "must be at least 60 seconds",
        ));
    }
    if server.max_request_bytes < 64 * 1024 {
        issues.push(ConfigIssue::new(
            "server.max_request_bytes",
            "must be at least 65536 bytes",
        ));
    }
    for (index, origin) in server.allowed_origins.iter().enumerate() {
        if origin != "null" && !(origin.starts_with("http://") || origin.starts_with("https://")) {
            issues.push(ConfigIssue::new(
                format!("server.allowed_origins[{index}]"),
                format!("{origin:?} must include a scheme, such as \"https://app.example.com\""),
            ));
        }
    }
    for (index, host) in server.allowed_hosts.iter().enumerate() {
        if host.is_empty() || host.contains('/') || host.contains("://") {
            issues.push(ConfigIssue::new(
                format!("server.allowed_hosts[{index}]"),
                format!("{host:?} must be a host name or host:port, without a scheme or path"),
            ));
        }
    }
    let response = &config.response;
    if !(256..=1_000_000).contains(&response.max_tokens) {
        issues.push(ConfigIssue::new(
            "response.max_tokens",
            "must be between 256 and 1000000 tokens",
        ));
    }
    for (tool, tokens) in &response.tools {
        if !(256..=1_000_000).contains(tokens) {
            issues.push(ConfigIssue::new(
                format!("response.tools.{tool}"),
                "must be between 256 and 1000000 tokens",
            ));
        }
    }
    if let Some(level) = &config.logging.level
        && !valid_log_filter(level)
    {
        issues.push(ConfigIssue::new(
            "logging.level",
            format!("{level:?} is not a level (error, warn, info, debug, trace) or filter"),
        ));
    }
    if let Some(user) = &config.identity.user
        && user.trim().is_empty()
    {
        issues.push(ConfigIssue::new("identity.user", "must not be empty"));
    }
    for (id, connector) in &config.connectors {
        let key = format!("connectors.{id}");
        if !valid_id(id) {
            issues.push(ConfigIssue::new(
                &key,
                format!("{id:?} is not a valid id: use lowercase letters, digits, '-' and '_', starting with a letter"),
            ));
        }
        if RESERVED_IDS.contains(&id.as_str()) {
            issues.push(ConfigIssue::new(
                &key,
                format!("{id:?} is reserved for a built-in source"),
            ));
        }
        match connector {
            ConnectorConfig::Git(git) => {
                let mut names = HashSet::new();
                for (index, repo) in git.repos.iter().enumerate() {
                    let repo_key = format!("{key}.repos[{index}]");
                    if repo.path.as_os_str().is_empty() {
                        issues.push(ConfigIssue::new(
                            format!("{repo_key}.path"),
                            "must not be empty",
                        ));
                    }
                    if let Some(name) = &repo.name {
                        if !valid_repo_name(name) {
                            issues.push(ConfigIssue::new(
                                format!("{repo_key}.name"),
                                format!("{name:?} must be letters, digits, '.', '-' or '_'"),
                            ));
                        }
                        if !names.insert(name.clone()) {
                            issues.push(ConfigIssue::new(
                                format!("{repo_key}.name"),
                                format!("{name:?} is used by another repository"),
                            ));
                        }
                    }
                }
            }
        }
    }
    let kinds: Vec<&str> = config
        .connectors
        .values()
        .map(ConnectorConfig::kind)
        .collect();
    if kinds.iter().filter(|kind| **kind == "git").count() > 1 {
        issues.push(ConfigIssue::new(
            "connectors",
            "only one git connector may be configured; list several repositories in its `repos` instead",
        ));
    }
    issues
}

/// A level (`info`) or a comma-separated filter of `target=level` and bare levels.
pub fn valid_log_filter(filter: &str) -> bool {
    let level_ok = |level: &str| {
        level
            .trim()
            .parse::<tracing::level_filters::LevelFilter>()
            .is_ok()
    };
    let target_ok = |target: &str| {
        !target.is_empty()
            && target
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':' || b == b'-')
    };
    !filter.trim().is_empty()
        && filter.split(',').all(|part| match part.split_once('=') {
            Some((target, level)) => target_ok(target.trim()) && level_ok(level),
            // A bare word must be a level: `loud` would otherwise mean "target loud at trace"
            // and silence everything else.
            None => level_ok(part),
        })
}

fn valid_id(id: &str) -> bool {
    id.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && id.len() <= 32
}

/// Repository names appear in URIs and tool arguments.
pub fn valid_repo_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
        && name != "."
        && name != ".."
}

#[cfg(test)]
mod tests {
    use super::validate;
    use crate::config::load::parse;

    #[test]
    fn semantic_problems_are_all_reported() {
        let config = parse(
            r#"
            [server]
            call_timeout_secs = 0
            allowed_origins = ["example.com"]
            [response]
            max_tokens = 10
            [logging]
            level = "loud!!,x=verbose"
            [connectors.Bad]
            type = "git"
            repos = [{ name = "a", path = "/x" }, { name = "a", path = "/y" }]
            "#,
        )
        .unwrap();
        let keys: Vec<String> = validate(&config).into_iter().map(|i| i.key).collect();
        for expected in [
            "server.call_timeout_secs",
            "server.allowed_origins[0]",
            "response.max_tokens",
            "logging.level",
            "connectors.Bad",
            "connectors.Bad.repos[1].name",
        ] {
            assert!(
                keys.iter().any(|k| k == expected),
                "missing {expected} in {keys:?}"
            );
        }
    }

    #[test]
    fn the_embedded_default_is_valid() {
        let config = parse(crate::config::load::EMBEDDED_DEFAULT).unwrap();
        assert!(validate(&config).is_empty());
    }
}
