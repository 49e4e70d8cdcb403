//! [`GitlabSettings`]: what the server builds one instance from (the raw config lives in the
//! server's config model), the checks config validation reuses, and the project allowlist.

use std::time::Duration;

use reqwest::Url;
use switchyard_core::Secret;

use crate::ids;

/// GitLab.com.
pub const DEFAULT_BASE_URL: &str = "https://gitlab.com";

/// Another configured GitLab instance, named in not-found messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sibling {
    /// Its instance id.
    pub id: String,
    /// Its host, as the user knows it.
    pub host: String,
}

/// One GitLab instance, resolved (the token is read).
#[derive(Debug, Clone)]
pub struct GitlabSettings {
    /// The instance id; also the URI scheme of its items.
    pub id: String,
    /// The web root: `https://gitlab.com` or `https://gitlab.example.com` (the API is below
    /// it at `/api/v4`).
    pub base_url: String,
    /// The token (personal, project, group or OAuth access token), sent only to `base_url` as
    /// `Authorization: Bearer`.
    pub token: Secret,
    /// Projects the tools may touch (`group/project`, `group/*`); empty: any, for reads.
    pub projects: Vec<String>,
    /// Whether the write tools are offered (limited to `projects`).
    pub writes: bool,
    /// The other instances of this kind, for not-found messages.
    pub siblings: Vec<Sibling>,
    /// How long one upstream request may take.
    pub request_timeout: Duration,
}

impl GitlabSettings {
    /// Settings for `id` at `base_url` with `token`: no allowlist, no writes, 30 s requests.
    pub fn new(id: &str, base_url: &str, token: Secret) -> Self {
        GitlabSettings {
            id: id.to_owned(),
            base_url: base_url.to_owned(),
            token,
            projects: Vec::new(),
            writes: false,
            siblings: Vec::new(),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Check a `base_url`: http(s) with a host, no credentials, query or fragment, and plain http
/// only to this machine (the token must not travel unencrypted).
pub fn validate_base_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|err| format!("{text:?} is not a URL: {err}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{text:?} must start with https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{text:?} must name a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a user or password; put the token in token".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{text:?} must not have a query or a fragment"));
    }
    if url.path().trim_end_matches('/').ends_with("/api/v4") {
        return Err(format!(
            "{text:?} must be the GitLab web root (such as https://gitlab.example.com), without /api/v4"
        ));
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(format!(
            "the token would travel unencrypted to {}; use https",
            url.host_str().unwrap_or("the host")
        ));
    }
    Ok(url)
}

/// Whether the URL's host is this machine.
pub(crate) fn is_loopback(url: &Url) -> bool {
    url.host_str()
        .is_some_and(switchyard_core::secret::is_loopback_host)
}

/// Check one allowlist entry: `group/project`, `group/sub/project` or `group/*`.
pub fn validate_project_pattern(pattern: &str) -> Result<(), String> {
    let path = pattern.strip_suffix("/*").unwrap_or(pattern);
    ids::check_project(path).map_err(|err| err.to_string())?;
    if path == pattern && !path.contains('/') {
        return Err(format!(
            "{pattern:?} must be a project path (group/project) or a group wildcard (group/*)"
        ));
    }
    Ok(())
}

/// Whether `project` is allowed by `patterns`: an exact path, or below a `group/*` (nested
/// subgroups included). GitLab paths are case-insensitive.
pub(crate) fn allowed(patterns: &[String], project: &str) -> bool {
    let project = project.to_ascii_lowercase();
    patterns.iter().any(|pattern| {
        let pattern = pattern.to_ascii_lowercase();
        match pattern.strip_suffix("/*") {
            Some(group) => project
                .strip_prefix(group)
                .is_some_and(|rest| rest.starts_with('/')),
            None => pattern == project,
        }
    })
}

/// The host (and port) of a base URL, for messages.
pub(crate) fn host_of(base_url: &str) -> String {
    match Url::parse(base_url) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            _ => base_url.to_owned(),
        },
        Err(_) => base_url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{allowed, host_of, validate_base_url, validate_project_pattern};

    #[test]
    fn base_urls() {
        assert!(validate_base_url("https://gitlab.com").is_ok());
        assert!(validate_base_url("https://git.example.com/gitlab").is_ok());
        assert!(validate_base_url("http://127.0.0.1:8080").is_ok());
        assert!(validate_base_url("http://gitlab.example.com").is_err());
        assert!(validate_base_url("https://u:p@gitlab.example.com").is_err());
        assert!(validate_base_url("https://gitlab.example.com/api/v4").is_err());
        assert!(validate_base_url("ftp://x").is_err());
        assert_eq!(host_of("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
    }

    #[test]
    fn patterns_and_matching() {
        assert!(validate_project_pattern("grp/proj").is_ok());
        assert!(validate_project_pattern("grp/sub/proj").is_ok());
        assert!(validate_project_pattern("grp/*").is_ok());
        assert!(validate_project_pattern("grp").is_err());
        assert!(validate_project_pattern("grp/../x").is_err());
        let list = vec!["Grp/Proj".to_owned(), "acme/*".to_owned()];
        assert!(allowed(&list, "grp/proj"));
        assert!(allowed(&list, "acme/a/b"));
        assert!(!allowed(&list, "acmex/a"));
        assert!(!allowed(&list, "grp/other"));
    }
}
