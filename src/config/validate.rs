//! Pure checks of a parsed configuration: no I/O, every problem reported at once.

use std::collections::HashSet;

use super::ConfigIssue;
use super::model::{Config, ConnectorConfig, GithubConfig, GitlabConfig, StoreUrl};
use crate::store::StoreTarget;

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
    validate_store(config, &mut issues);
    super::limits::validate_governance(config, &mut issues);
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
            ConnectorConfig::Github(github) => validate_github(&key, github, &mut issues),
            ConnectorConfig::Gitlab(gitlab) => validate_gitlab(&key, gitlab, &mut issues),
        }
    }
    let github_defaults = config
        .connectors
        .values()
        .filter(|c| matches!(c, ConnectorConfig::Github(g) if g.default))
        .count();
    if github_defaults > 1 {
        issues.push(ConfigIssue::new(
            "connectors",
            "only one github connector may set default = true",
        ));
    }
    let gitlab_defaults = config
        .connectors
        .values()
        .filter(|c| matches!(c, ConnectorConfig::Gitlab(g) if g.default))
        .count();
    if gitlab_defaults > 1 {
        issues.push(ConfigIssue::new(
            "connectors",
            "only one gitlab connector may set default = true",
        ));
    }
    validate_delegation(config, &mut issues);
    super::governance::validate(config, &mut issues);
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

/// `[store] url`: a scheme this build knows, no password written in the file. A reference
/// (`env:`, `file:`) is resolved and checked when the application is built.
fn validate_store(config: &Config, issues: &mut Vec<ConfigIssue>) {
    let Some(StoreUrl::Literal(url)) = &config.store.url else {
        return;
    };
    match StoreTarget::parse(url) {
        Err(err) => issues.push(ConfigIssue::new("store.url", err.to_string())),
        Ok(target) if target.has_password() => issues.push(ConfigIssue::new(
            "store.url",
            "holds a password; put the whole URL in an environment variable or a file and write url = \"env:NAME\" or \"file:PATH\"",
        )),
        Ok(_) => {}
    }
}

/// `type = "github"`: the base URL, the allowlist, writes only with an allowlist, timeouts.
fn validate_github(key: &str, github: &GithubConfig, issues: &mut Vec<ConfigIssue>) {
    if let Err(reason) = switchyard_github::validate_base_url(&github.base_url) {
        issues.push(ConfigIssue::new(format!("{key}.base_url"), reason));
    }
    for (index, pattern) in github.repos.iter().enumerate() {
        if let Err(reason) = switchyard_github::validate_repo_pattern(pattern) {
            issues.push(ConfigIssue::new(
                format!("{key}.repos[{index}]"),
                format!("{pattern:?} {reason}"),
            ));
        }
    }
    if github.writes && github.repos.is_empty() {
        issues.push(ConfigIssue::new(
            format!("{key}.writes"),
            "writes need a repos allowlist (owner/repo or owner/*) of the repositories they may change",
        ));
    }
    if github.timeout_secs == 0 || github.timeout_secs > 600 {
        issues.push(ConfigIssue::new(
            format!("{key}.timeout_secs"),
            "must be between 1 and 600 seconds",
        ));
    }
}

/// `type = "gitlab"`: the base URL, the project allowlist, writes only with an allowlist,
/// timeouts.
fn validate_gitlab(key: &str, gitlab: &GitlabConfig, issues: &mut Vec<ConfigIssue>) {
    if let Err(reason) = switchyard_gitlab::validate_base_url(&gitlab.base_url) {
        issues.push(ConfigIssue::new(format!("{key}.base_url"), reason));
    }
    for (index, pattern) in gitlab.projects.iter().enumerate() {
        if let Err(reason) = switchyard_gitlab::validate_project_pattern(pattern) {
            issues.push(ConfigIssue::new(
                format!("{key}.projects[{index}]"),
                format!("{pattern:?}: {reason}"),
            ));
        }
    }
    if gitlab.writes && gitlab.projects.is_empty() {
        issues.push(ConfigIssue::new(
            format!("{key}.writes"),
            "writes need a projects allowlist (group/project or group/*) of the projects they may change",
        ));
    }
    if gitlab.timeout_secs == 0 || gitlab.timeout_secs > 600 {
        issues.push(ConfigIssue::new(
            format!("{key}.timeout_secs"),
            "must be between 1 and 600 seconds",
        ));
    }
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

/// `[providers]`, `[models]` and `[delegate]`: what can be checked without the catalog.
fn validate_delegation(config: &Config, issues: &mut Vec<ConfigIssue>) {
    for (id, provider) in &config.providers {
        let key = format!("providers.{id}");
        if !valid_id(id) {
            issues.push(ConfigIssue::new(
                &key,
                format!("{id:?} is not a valid id: use lowercase letters, digits, '-' and '_', starting with a letter"),
            ));
        }
        if id == "client" {
            issues.push(ConfigIssue::new(
                &key,
                "\"client\" is reserved for the MCP client's own model",
            ));
        }
        let http = provider.http();
        if !(http.base_url.starts_with("http://") || http.base_url.starts_with("https://")) {
            issues.push(ConfigIssue::new(
                format!("{key}.base_url"),
                format!("{:?} must start with http:// or https://", http.base_url),
            ));
        }
        if http.timeout_secs == 0 || http.timeout_secs > 3600 {
            issues.push(ConfigIssue::new(
                format!("{key}.timeout_secs"),
                "must be between 1 and 3600 seconds",
            ));
        }
        if http.max_retries > 10 {
            issues.push(ConfigIssue::new(
                format!("{key}.max_retries"),
                "must be at most 10",
            ));
        }
    }
    for (id, model) in &config.models {
        let key = format!("models.{id}");
        if id.is_empty() || id.len() > 128 || id.chars().any(char::is_whitespace) {
            issues.push(ConfigIssue::new(
                &key,
                "a model id is 1 to 128 characters without spaces",
            ));
        }
        if let Some(window) = model.context_window
            && window < 256
        {
            issues.push(ConfigIssue::new(
                format!("{key}.context_window"),
                "must be at least 256 tokens",
            ));
        }
        if let Some(max) = model.max_output
            && max == 0
        {
            issues.push(ConfigIssue::new(
                format!("{key}.max_output"),
                "must be at least 1 token",
            ));
        }
        if let Some(classes) = &model.data_classes
            && classes.is_empty()
        {
            issues.push(ConfigIssue::new(
                format!("{key}.data_classes"),
                "must name at least one class (public, internal, confidential, restricted); use enabled = false to remove a model",
            ));
        }
    }
    let delegate = &config.delegate;
    if delegate.timeout_secs == 0 || delegate.timeout_secs > 3600 {
        issues.push(ConfigIssue::new(
            "delegate.timeout_secs",
            "must be between 1 and 3600 seconds",
        ));
    }
    if delegate.max_attempts == 0 || delegate.max_attempts > 10 {
        issues.push(ConfigIssue::new(
            "delegate.max_attempts",
            "must be between 1 and 10",
        ));
    }
    if delegate.max_output_tokens == 0 || delegate.max_output_tokens > 100_000 {
        issues.push(ConfigIssue::new(
            "delegate.max_output_tokens",
            "must be between 1 and 100000",
        ));
    }
    if delegate.tiers.is_empty() {
        issues.push(ConfigIssue::new(
            "delegate.tiers",
            "must list at least one tier, cheapest first",
        ));
    }
    let mut seen = HashSet::new();
    for (index, tier) in delegate.tiers.iter().enumerate() {
        if !seen.insert(tier) {
            issues.push(ConfigIssue::new(
                format!("delegate.tiers[{index}]"),
                format!("{tier:?} is listed twice"),
            ));
        }
    }
    let tasks = delegate
        .tasks
        .iter()
        .map(|(kind, policy)| (format!("delegate.tasks.{kind}"), kind, policy))
        .chain(delegate.teams.iter().flat_map(|(team, team_policy)| {
            team_policy.tasks.iter().map(move |(kind, policy)| {
                (format!("delegate.teams.{team}.tasks.{kind}"), kind, policy)
            })
        }));
    for (key, kind, policy) in tasks {
        if !kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            issues.push(ConfigIssue::new(
                &key,
                "a task kind is snake_case (commit_message, my_task)",
            ));
        }
        if let Some(floor) = policy.quality_floor
            && !(0.0..=1.0).contains(&floor)
        {
            issues.push(ConfigIssue::new(
                format!("{key}.quality_floor"),
                "must be between 0 and 1 (a pass rate)",
            ));
        }
        if policy.latency_target_ms == Some(0) {
            issues.push(ConfigIssue::new(
                format!("{key}.latency_target_ms"),
                "must be more than 0",
            ));
        }
        if policy.tier.is_some() && policy.candidates.is_some() {
            issues.push(ConfigIssue::new(
                &key,
                "set either tier or candidates, not both",
            ));
        }
        if let Some(candidates) = &policy.candidates
            && candidates.is_empty()
        {
            issues.push(ConfigIssue::new(
                format!("{key}.candidates"),
                "must name at least one model",
            ));
        }
    }
}

fn valid_id(id: &str) -> bool {
    switchyard_core::uri::is_source_id(id) && id.len() <= 32
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
    fn gitlab_instances_are_checked_with_their_keys() {
        let config = parse(
            r#"
            [connectors.gitlab]
            type = "gitlab"
            token = "env:GITLAB_TOKEN"
            base_url = "http://gitlab.example.com/api/v4"
            projects = ["grp/../x", "grp/*"]
            writes = true
            default = true
            [connectors.corp]
            type = "gitlab"
            token = "env:CORP_TOKEN"
            writes = true
            timeout_secs = 0
            default = true
            "#,
        )
        .unwrap();
        let keys: Vec<String> = validate(&config).into_iter().map(|i| i.key).collect();
        for expected in [
            "connectors.gitlab.base_url",
            "connectors.gitlab.projects[0]",
            "connectors.corp.writes",
            "connectors.corp.timeout_secs",
            "connectors",
        ] {
            assert!(
                keys.iter().any(|k| k == expected),
                "missing {expected} in {keys:?}"
            );
        }
        assert!(!keys.iter().any(|k| k == "connectors.gitlab.projects[1]"));
        assert!(!keys.iter().any(|k| k == "connectors.gitlab.writes"));
    }

    #[test]
    fn delegation_settings_are_checked() {
        let config = parse(
            r#"
            [providers.local]
            type = "openai"
            base_url = "localhost:8080"
            timeout_secs = 0
            [models.tiny]
            provider = "local"
            context_window = 10
            data_classes = []
            [delegate]
            max_attempts = 0
            tiers = ["fast", "fast"]
            [delegate.tasks.summarize]
            tier = "fast"
            candidates = ["tiny"]
            quality_floor = 1.5
            "#,
        )
        .unwrap();
        let keys: Vec<String> = validate(&config).into_iter().map(|i| i.key).collect();
        for expected in [
            "providers.local.base_url",
            "providers.local.timeout_secs",
            "models.tiny.context_window",
            "models.tiny.data_classes",
            "delegate.max_attempts",
            "delegate.tiers[1]",
            "delegate.tasks.summarize",
            "delegate.tasks.summarize.quality_floor",
        ] {
            assert!(
                keys.iter().any(|k| k == expected),
                "missing {expected} in {keys:?}"
            );
        }
    }

    #[test]
    fn store_urls_are_checked_without_showing_passwords() {
        let issues = |url: &str| {
            let config = parse(&format!("[store]\nurl = {url:?}\n")).unwrap();
            validate(&config)
        };
        let unknown = issues("mysql://root@db/sy");
        assert_eq!(unknown.len(), 1, "{unknown:?}");
        assert_eq!(unknown[0].key, "store.url");
        assert!(unknown[0].message.contains("\"mysql\""), "{unknown:?}");
        let password = issues("postgres://sy:hunter2@db/sy");
        assert_eq!(password.len(), 1, "{password:?}");
        assert!(!password[0].message.contains("hunter2"), "{password:?}");
        assert!(issues("postgres://sy@db:5432/sy").is_empty());
        assert!(issues("sqlite:///var/lib/sy.db").is_empty());
        assert!(issues("env:SWITCHYARD_STORE_URL").is_empty());
        let Err(err) = parse("[store]\nurl = \"env:\"\n") else {
            panic!("an empty reference was accepted");
        };
        assert_eq!(err.issues[0].key, "store.url");
    }

    #[test]
    fn the_embedded_default_is_valid() {
        let config = parse(crate::config::load::EMBEDDED_DEFAULT).unwrap();
        assert!(validate(&config).is_empty());
    }
}
