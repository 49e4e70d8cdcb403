//! Pure checks of `[auth]`, `[teams]` and `[departments]`: no I/O, every problem reported
//! with its key. Tool names in team policies and model names are checked when the
//! application is built (they need the connectors and the catalog).

use super::ConfigIssue;
use super::model::Config;

/// Check the governance sections.
pub(super) fn validate(config: &Config, issues: &mut Vec<ConfigIssue>) {
    if let Some(auth) = &config.auth {
        if !auth.api_keys && auth.jwt.is_none() {
            issues.push(ConfigIssue::new(
                "auth",
                "api_keys = false and no [auth.jwt]: no caller could authenticate; enable one of them",
            ));
        }
        if let Some(jwt) = &auth.jwt {
            if jwt.jwks.trim().is_empty() {
                issues.push(ConfigIssue::new(
                    "auth.jwt.jwks",
                    "must be an https:// URL or a file path",
                ));
            } else if jwt.jwks.contains("://")
                && let Err(reason) = secure_url(&jwt.jwks)
            {
                issues.push(ConfigIssue::new("auth.jwt.jwks", reason));
            }
            for (key, value) in [
                ("issuer", &jwt.issuer),
                ("audience", &jwt.audience),
                ("user_claim", &jwt.user_claim),
                ("team_claim", &jwt.team_claim),
            ] {
                if value.trim().is_empty() {
                    issues.push(ConfigIssue::new(
                        format!("auth.jwt.{key}"),
                        "must not be empty",
                    ));
                }
            }
            if jwt
                .role_claim
                .as_deref()
                .is_some_and(|c| c.trim().is_empty())
            {
                issues.push(ConfigIssue::new(
                    "auth.jwt.role_claim",
                    "must not be empty; leave it out to give every caller the member role",
                ));
            }
            if jwt.leeway_secs > 600 {
                issues.push(ConfigIssue::new(
                    "auth.jwt.leeway_secs",
                    "must be at most 600 seconds",
                ));
            }
            if jwt.min_refresh_secs == 0 || jwt.min_refresh_secs > 86_400 {
                issues.push(ConfigIssue::new(
                    "auth.jwt.min_refresh_secs",
                    "must be between 1 and 86400 seconds",
                ));
            }
        }
        if let Some(metadata) = &auth.metadata {
            if metadata.authorization_servers.is_empty() {
                issues.push(ConfigIssue::new(
                    "auth.metadata.authorization_servers",
                    "must name at least one authorization server (the issuer URL of your identity provider)",
                ));
            }
            for (index, server) in metadata.authorization_servers.iter().enumerate() {
                if let Err(reason) = secure_url(server) {
                    issues.push(ConfigIssue::new(
                        format!("auth.metadata.authorization_servers[{index}]"),
                        reason,
                    ));
                }
            }
            if let Some(resource) = &metadata.resource
                && let Err(reason) = secure_url(resource)
            {
                issues.push(ConfigIssue::new("auth.metadata.resource", reason));
            }
        }
    }
    for id in config.departments.keys() {
        if !valid_name(id) {
            issues.push(ConfigIssue::new(
                format!("departments.{id}"),
                format!("{id:?} is not a valid id: use letters, digits, '-', '_' and '.'"),
            ));
        }
    }
    for (team, settings) in &config.teams {
        let key = format!("teams.{team}");
        if !valid_name(team) {
            issues.push(ConfigIssue::new(
                &key,
                format!("{team:?} is not a valid team name: use letters, digits, '-', '_' and '.'"),
            ));
        }
        if let Some(department) = &settings.department
            && !config.departments.contains_key(department)
        {
            issues.push(ConfigIssue::new(
                format!("{key}.department"),
                format!("no [departments.{department}] section; add one or fix the name"),
            ));
        }
        for (index, admin) in settings.admins.iter().enumerate() {
            if admin.trim().is_empty() {
                issues.push(ConfigIssue::new(
                    format!("{key}.admins[{index}]"),
                    "must not be empty",
                ));
            }
        }
        let policy = &settings.policy;
        if let Some(models) = &policy.models
            && models.is_empty()
        {
            issues.push(ConfigIssue::new(
                format!("{key}.policy.models"),
                "must name at least one model; deny the delegate toolset to forbid delegation",
            ));
        }
        if let Some(tiers) = &policy.tiers {
            if tiers.is_empty() {
                issues.push(ConfigIssue::new(
                    format!("{key}.policy.tiers"),
                    "must name at least one tier; deny the delegate toolset to forbid delegation",
                ));
            }
            for (index, tier) in tiers.iter().enumerate() {
                if !config.delegate.tiers.contains(tier) {
                    issues.push(ConfigIssue::new(
                        format!("{key}.policy.tiers[{index}]"),
                        format!(
                            "{tier:?} is not in [delegate] tiers ({})",
                            config.delegate.tiers.join(", ")
                        ),
                    ));
                }
            }
        }
        if let Some(delegate_team) = config.delegate.teams.get(team)
            && delegate_team.allow_model_override.is_some()
            && policy.model_override.is_some()
        {
            issues.push(ConfigIssue::new(
                format!("{key}.policy.model_override"),
                format!("delegate.teams.{team}.allow_model_override says it too; keep one of them"),
            ));
        }
    }
}

/// Team and department names: they appear in keys, tokens, logs and audit rows.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// An `https://` URL, or `http://` to a loopback host (tests, a local identity provider).
pub fn secure_url(text: &str) -> Result<(), String> {
    let url = url::Url::parse(text).map_err(|err| format!("{text:?} is not a URL: {err}"))?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_host(url.host_str().unwrap_or_default()) => Ok(()),
        "http" => Err(format!(
            "{text:?} uses plain http to a remote host; use https"
        )),
        other => Err(format!("{text:?} has scheme {other:?}; use https")),
    }
}

fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use crate::config::load::parse;
    use crate::config::validate::validate;

    #[test]
    fn governance_problems_are_reported_with_their_keys() {
        let config = parse(
            r#"
            [auth]
            api_keys = false
            [auth.jwt]
            jwks = "http://idp.example.com/jwks.json"
            issuer = ""
            audience = "switchyard"
            min_refresh_secs = 0
            [auth.metadata]
            authorization_servers = ["ftp://idp"]
            [departments.eng]
            name = "Engineering"
            [teams."bad team"]
            [teams.payments]
            department = "finance"
            admins = [""]
            [teams.payments.policy]
            tiers = ["platinum"]
            models = []
            "#,
        )
        .expect("parses");
        let keys: Vec<String> = validate(&config).into_iter().map(|i| i.key).collect();
        for expected in [
            "auth.jwt.jwks",
            "auth.jwt.issuer",
            "auth.jwt.min_refresh_secs",
            "auth.metadata.authorization_servers[0]",
            "teams.bad team",
            "teams.payments.department",
            "teams.payments.admins[0]",
            "teams.payments.policy.tiers[0]",
            "teams.payments.policy.models",
        ] {
            assert!(
                keys.iter().any(|k| k == expected),
                "missing {expected} in {keys:?}"
            );
        }
    }

    #[test]
    fn unknown_keys_are_refused_with_their_path() {
        let Err(err) = parse("[auth]\napi_key = true\n[teams.a.policy]\nwrite = false\n") else {
            panic!("unknown keys were accepted");
        };
        let keys: Vec<String> = err.issues.into_iter().map(|i| i.key).collect();
        assert!(keys.iter().any(|k| k.starts_with("auth")), "{keys:?}");
        assert!(keys.iter().any(|k| k.starts_with("teams.a")), "{keys:?}");
    }

    #[test]
    fn a_plain_team_setup_is_valid() {
        let config = parse(
            r#"
            [auth]
            [departments.eng]
            [teams.payments]
            department = "eng"
            admins = ["alice"]
            [teams.payments.policy]
            deny_tools = ["note_add"]
            writes = false
            tiers = ["fast"]
            "#,
        )
        .expect("parses");
        assert!(validate(&config).is_empty(), "{:?}", validate(&config));
    }
}
