//! [`GithubSettings`]: what the server builds one instance from (the raw config lives in the
//! server's config model), and the repository allowlist.

use std::time::Duration;

use switchyard_core::Secret;

/// The public GitHub API.
pub const DEFAULT_BASE_URL: &str = "https://api.github.com";

/// Another configured instance of the same kind, named in not-found messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sibling {
    /// Its instance id.
    pub id: String,
    /// Its host, as the user knows it.
    pub host: String,
}

/// One GitHub instance, resolved (the token is read).
#[derive(Debug, Clone)]
pub struct GithubSettings {
    /// The instance id; also the URI scheme of its items.
    pub id: String,
    /// The REST API root: `https://api.github.com` or `https://ghes.example.com/api/v3`.
    pub base_url: String,
    /// The token, sent only to `base_url`.
    pub token: Secret,
    /// Repositories the tools may touch (`owner/repo` or `owner/*`); empty: any for reads.
    pub repos: Vec<String>,
    /// Whether the write tools are offered (limited to `repos`).
    pub writes: bool,
    /// The other instances of this kind, for not-found messages.
    pub siblings: Vec<Sibling>,
    /// How long one upstream request may take.
    pub request_timeout: Duration,
}

impl GithubSettings {
    /// Settings for `id` at `base_url` with `token`, no allowlist, no writes.
    pub fn new(id: &str, base_url: &str, token: Secret) -> Self {
        GithubSettings {
            id: id.to_owned(),
            base_url: base_url.to_owned(),
            token,
            repos: Vec::new(),
            writes: false,
            siblings: Vec::new(),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Check a `base_url`: https (http only to this machine: the token must not travel
/// unencrypted), a host, no user, query or fragment. The message names the URL.
pub fn validate_base_url(url: &str) -> Result<(), String> {
    let plain = url.starts_with("http://");
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Err(format!("{url:?} must start with https://"));
    };
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err(format!(
            "{url:?} must not contain a user or password; put the token in token"
        ));
    }
    if url.contains('?') || url.contains('#') {
        return Err(format!("{url:?} must not have a query or a fragment"));
    }
    let host = match url.parse::<http::Uri>() {
        Ok(uri) => uri.host().unwrap_or_default().to_owned(),
        Err(_) => return Err(format!("{url:?} is not a valid URL")),
    };
    if host.is_empty() {
        return Err(format!("{url:?} must name a host"));
    }
    if plain && !switchyard_core::secret::is_loopback_host(&host) {
        return Err(format!(
            "the token would travel unencrypted to {host}; use https"
        ));
    }
    Ok(())
}

/// Check one allowlist entry: `owner/repo` or `owner/*`.
pub fn validate_repo_pattern(pattern: &str) -> Result<(), String> {
    let Some((owner, repo)) = pattern.split_once('/') else {
        return Err("must be owner/repo or owner/*".to_owned());
    };
    crate::ids::check_owner(owner).map_err(|err| err.to_string())?;
    if repo != "*" {
        crate::ids::check_repo_name(repo).map_err(|err| err.to_string())?;
    }
    Ok(())
}

/// Whether `owner/repo` is allowed by `patterns` (case-insensitive, as GitHub names are).
pub(crate) fn allowed(patterns: &[String], owner: &str, repo: &str) -> bool {
    patterns
        .iter()
        .any(|pattern| match pattern.split_once('/') {
            Some((o, "*")) => o.eq_ignore_ascii_case(owner),
            Some((o, r)) => o.eq_ignore_ascii_case(owner) && r.eq_ignore_ascii_case(repo),
            None => false,
        })
}

/// The host of a base URL, for messages (`api.github.com`, `ghes.example.com`).
pub(crate) fn host_of(base_url: &str) -> String {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest).to_owned()
}

#[cfg(test)]
mod tests {
    use super::{allowed, host_of, validate_base_url, validate_repo_pattern};

    #[test]
    fn base_urls_and_patterns() {
        assert!(validate_base_url("https://api.github.com").is_ok());
        assert!(validate_base_url("https://ghes.example.com/api/v3").is_ok());
        assert!(validate_base_url("ftp://x").is_err());
        assert!(validate_base_url("https://user:pw@x").is_err());
        assert!(validate_base_url("http://127.0.0.1:8080").is_ok());
        assert!(validate_base_url("http://[::1]:8080/api/v3").is_ok());
        assert!(validate_base_url("http://localhost/api/v3").is_ok());
        assert_eq!(
            validate_base_url("http://ghes.example.com/api/v3").unwrap_err(),
            "the token would travel unencrypted to ghes.example.com; use https"
        );
        assert!(validate_base_url("http://127.0.0.1.example.com").is_err());
        assert!(validate_repo_pattern("octo/hello").is_ok());
        assert!(validate_repo_pattern("octo/*").is_ok());
        assert!(validate_repo_pattern("octo").is_err());
        assert!(validate_repo_pattern("octo/..").is_err());
        assert_eq!(
            host_of("https://ghes.example.com/api/v3"),
            "ghes.example.com"
        );
    }

    #[test]
    fn allowlist_matches_owner_wildcards_case_insensitively() {
        let list = vec!["Octo/hello".to_owned(), "acme/*".to_owned()];
        assert!(allowed(&list, "octo", "Hello"));
        assert!(allowed(&list, "ACME", "anything"));
        assert!(!allowed(&list, "octo", "other"));
    }
}
