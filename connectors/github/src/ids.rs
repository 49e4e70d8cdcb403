//! Validating what callers name before any request is sent, and encoding it into API paths.
//!
//! Owners, repository names, refs, file paths and numbers are checked here; every path segment
//! is percent-encoded (`uri::encode_segment`), so no argument can change the request's path
//! (`..`, `/`, `?` and `#` never reach the URL raw).

use switchyard_core::ConnectorError;
use switchyard_core::uri::encode_segment;

/// The longest ref or path we accept.
const MAX_REF: usize = 255;
const MAX_PATH: usize = 4096;

/// A repository, `owner/name`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RepoId {
    pub owner: String,
    pub name: String,
}

impl RepoId {
    /// Parse `owner/name`.
    pub fn parse(text: &str) -> Result<RepoId, ConnectorError> {
        let Some((owner, name)) = text.trim().split_once('/') else {
            return Err(ConnectorError::invalid(format!(
                "repo {text:?} must be owner/name, such as \"octocat/hello-world\""
            )));
        };
        check_owner(owner)?;
        check_repo_name(name)?;
        Ok(RepoId {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }

    /// `/repos/{owner}/{name}`, encoded.
    pub fn api(&self) -> String {
        format!(
            "/repos/{}/{}",
            encode_segment(&self.owner),
            encode_segment(&self.name)
        )
    }

    /// `owner/name`.
    pub fn full(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

/// A user or organisation name: letters, digits, '-', '_' and '.' (GHES allows '_').
pub(crate) fn check_owner(owner: &str) -> Result<(), ConnectorError> {
    let ok = !owner.is_empty()
        && owner.len() <= 100
        && owner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        && !owner.starts_with('.')
        && !owner.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(ConnectorError::invalid(format!(
            "owner {owner:?} is not a GitHub user or organisation name (letters, digits, '-', '_', '.')"
        )))
    }
}

/// A repository name: letters, digits, '-', '_' and '.', but not `.` or `..`.
pub(crate) fn check_repo_name(name: &str) -> Result<(), ConnectorError> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(ConnectorError::invalid(format!(
            "repository name {name:?} is not valid (letters, digits, '-', '_', '.'; not . or ..)"
        )))
    }
}

/// A branch, tag or commit id, by git's ref-name rules (a `/` is allowed inside).
pub(crate) fn check_ref(name: &str) -> Result<(), ConnectorError> {
    let bad_char = name
        .chars()
        .any(|c| c.is_control() || matches!(c, ' ' | '~' | '^' | ':' | '?' | '*' | '[' | '\\'));
    let ok = !name.is_empty()
        && name.len() <= MAX_REF
        && !bad_char
        && !name.contains("..")
        && !name.contains("@{")
        && !name.contains("//")
        && !name.starts_with(['/', '-', '.'])
        && !name.ends_with(['/', '.'])
        && !name.ends_with(".lock");
    if ok {
        Ok(())
    } else {
        Err(ConnectorError::invalid(format!(
            "ref {name:?} is not a valid branch, tag or commit id"
        )))
    }
}

/// A commit id: 4 to 40 hex digits.
pub(crate) fn check_sha(sha: &str) -> Result<(), ConnectorError> {
    if (4..=40).contains(&sha.len()) && sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(ConnectorError::invalid(format!(
            "{sha:?} is not a commit id (4 to 40 hex digits)"
        )))
    }
}

/// A file path in a repository: relative, `/`-separated, no `.`/`..` or empty segments.
/// Returns it encoded segment by segment, ready for an API path.
pub(crate) fn check_path(path: &str) -> Result<String, ConnectorError> {
    let trimmed = path.trim_matches('/');
    let ok = !trimmed.is_empty()
        && path.len() <= MAX_PATH
        && !path.chars().any(char::is_control)
        && trimmed
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    if ok {
        Ok(trimmed
            .split('/')
            .map(encode_segment)
            .collect::<Vec<_>>()
            .join("/"))
    } else {
        Err(ConnectorError::invalid(format!(
            "path {path:?} must be a file path inside the repository, without empty, . or .. parts"
        )))
    }
}

/// An issue, pull request, run or job number: at least 1.
pub(crate) fn check_number(what: &str, number: u64) -> Result<u64, ConnectorError> {
    if number == 0 {
        Err(ConnectorError::invalid(format!(
            "{what} must be at least 1"
        )))
    } else {
        Ok(number)
    }
}

/// A number read back from a cursor, checked like the `number` argument.
pub(crate) fn parse_number(text: &str) -> Result<u64, ConnectorError> {
    let number = text.parse::<u64>().map_err(|_| {
        ConnectorError::invalid(
            "this cursor holds no valid number (was it edited?); omit cursor to start over",
        )
    })?;
    check_number("number", number)
}

/// A short free-text argument (a label, a login): no control characters, bounded.
pub(crate) fn check_text(what: &str, text: &str, max: usize) -> Result<(), ConnectorError> {
    if text.len() > max
        || text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        Err(ConnectorError::invalid(format!(
            "{what} must be at most {max} bytes without control characters"
        )))
    } else {
        Ok(())
    }
}

/// A `since`/`until` time: an ISO 8601 date (`2025-01-15`) or date-time
/// (`2025-01-15T08:00:00Z`, with a zone), passed to GitHub as given.
pub(crate) fn check_time(what: &str, value: Option<&str>) -> Result<(), ConnectorError> {
    let Some(value) = value else {
        return Ok(());
    };
    let ok = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
        || chrono::DateTime::parse_from_rfc3339(value).is_ok();
    if ok {
        Ok(())
    } else {
        let shown: String = value.chars().take(40).collect();
        Err(ConnectorError::invalid(format!(
            "{what} {shown:?} is not an ISO 8601 date or time; use 2025-01-15 or 2025-01-15T08:00:00Z"
        )))
    }
}

/// A query string built from `(name, value)` pairs, each value percent-encoded.
#[derive(Debug, Default)]
pub(crate) struct Query {
    text: String,
}

impl Query {
    /// Add `name=value` (the name is ours, the value is encoded).
    pub fn push(&mut self, name: &str, value: impl AsRef<str>) -> &mut Self {
        self.text.push(if self.text.is_empty() { '?' } else { '&' });
        self.text.push_str(name);
        self.text.push('=');
        self.text.push_str(&encode_segment(value.as_ref()));
        self
    }

    /// Add `name=value` when the value is present.
    pub fn push_opt(&mut self, name: &str, value: Option<impl AsRef<str>>) -> &mut Self {
        if let Some(value) = value {
            self.push(name, value);
        }
        self
    }

    /// `?a=b&c=d`, or empty.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::{Query, RepoId, check_path, check_ref, check_sha};

    #[test]
    fn repos_refs_and_paths_are_checked_and_encoded() {
        let repo = RepoId::parse("octo-user/Hello.World").unwrap();
        assert_eq!(repo.api(), "/repos/octo-user/Hello.World");
        for bad in ["octo", "../x", "o/..", "o/a b", "o/x?y", "/x", "o/"] {
            assert!(RepoId::parse(bad).is_err(), "{bad}");
        }
        assert!(check_ref("feature/x-1").is_ok());
        for bad in ["a..b", "-x", "x y", "a:b", "x.lock", "/x", ""] {
            assert!(check_ref(bad).is_err(), "{bad}");
        }
        assert_eq!(check_path("docs/a b/ü.md").unwrap(), "docs/a%20b/%C3%BC.md");
        for bad in ["../etc/passwd", "a/./b", "a//b", "", "/"] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
        assert!(check_sha("abc123").is_ok() && check_sha("xyz").is_err());
        let mut query = Query::default();
        query
            .push("q", "is:open label:\"a b\"")
            .push("per_page", "1");
        assert_eq!(
            query.as_str(),
            "?q=is%3Aopen%20label%3A%22a%20b%22&per_page=1"
        );
    }
}
