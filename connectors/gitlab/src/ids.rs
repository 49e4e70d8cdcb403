//! Validating what callers name before any request is sent: project paths, refs, file paths.
//! A value that fails here never reaches GitLab (a `..` in a project path, a ref with control
//! characters). Valid values are then percent-encoded as one path segment each
//! (`group%2Fsub%2Fproject`), so nothing a caller types can change the request's path.

use switchyard_core::ConnectorError;
use switchyard_core::uri::encode_segment;

/// Longest project path GitLab accepts (namespace depth 20 plus the project).
const MAX_PROJECT_LEN: usize = 1024;
/// Longest ref we pass on (git allows more; GitLab branch names are capped at 255 bytes).
const MAX_REF_LEN: usize = 255;
/// Longest repository path.
const MAX_PATH_LEN: usize = 4096;

/// Check a project path (`group/sub/project`): segments of letters, digits, `_`, `-`, `.`,
/// none empty, none starting with `-` or `.`, no `..` anywhere.
pub(crate) fn check_project(path: &str) -> Result<(), ConnectorError> {
    let bad = |why: &str| {
        ConnectorError::invalid(format!(
            "project {path:?} {why}; pass a path such as \"my-group/my-project\""
        ))
    };
    if path.is_empty() || path.len() > MAX_PROJECT_LEN {
        return Err(bad("is empty or too long"));
    }
    if path.contains("..") {
        return Err(bad("contains \"..\""));
    }
    for segment in path.split('/') {
        if segment.is_empty() {
            return Err(bad("has an empty segment"));
        }
        if segment.starts_with('-') || segment.starts_with('.') {
            return Err(bad("has a segment starting with '-' or '.'"));
        }
        if !segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        {
            return Err(bad(
                "may contain only letters, digits, '_', '-', '.' and '/'",
            ));
        }
    }
    Ok(())
}

/// A project path, checked, as the caller wrote it (`group/sub/project`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Project(String);

impl Project {
    /// Check `path` and keep it.
    pub fn parse(path: &str) -> Result<Project, ConnectorError> {
        let path = path.trim().trim_matches('/');
        check_project(path)?;
        Ok(Project(path.to_owned()))
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path as one encoded segment (`group%2Fproject`), as GitLab's `:id` takes it.
    pub fn encoded(&self) -> String {
        encode_segment(&self.0)
    }
}

impl std::fmt::Display for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Check a branch, tag or commit id (git's ref-name rules, the parts that matter here).
pub(crate) fn check_ref(name: &str, what: &str) -> Result<(), ConnectorError> {
    let bad = |why: &str| ConnectorError::invalid(format!("{what} {name:?} {why}"));
    if name.is_empty() || name.len() > MAX_REF_LEN {
        return Err(bad("is empty or longer than 255 bytes"));
    }
    if name.contains("..") || name.contains("@{") || name.contains("//") {
        return Err(bad(
            "contains \"..\", \"@{\" or \"//\", which no git ref may",
        ));
    }
    if name.starts_with('-') || name.starts_with('/') || name.ends_with('/') || name.ends_with('.')
    {
        return Err(bad("may not start with '-' or '/' or end with '/' or '.'"));
    }
    if name
        .chars()
        .any(|c| c.is_control() || c == ' ' || "~^:?*[\\".contains(c))
    {
        return Err(bad(
            "contains a space, a control character or one of ~ ^ : ? * [ \\",
        ));
    }
    Ok(())
}

/// Check a repository file path: relative, no empty, `.` or `..` segments, no control chars.
pub(crate) fn check_path(path: &str) -> Result<(), ConnectorError> {
    let bad = |why: &str| ConnectorError::invalid(format!("path {path:?} {why}"));
    if path.is_empty() || path.len() > MAX_PATH_LEN {
        return Err(bad("is empty or too long"));
    }
    if path.starts_with('/') {
        return Err(bad(
            "must be relative to the repository root (no leading '/')",
        ));
    }
    if path
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..")
    {
        return Err(bad("has an empty, '.' or '..' segment"));
    }
    if path.chars().any(char::is_control) {
        return Err(bad("contains a control character"));
    }
    Ok(())
}

/// A username as GitLab allows it (for assignee and author filters).
pub(crate) fn check_username(name: &str) -> Result<(), ConnectorError> {
    let ok = !name.is_empty()
        && name.len() <= 255
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(ConnectorError::invalid(format!(
            "{name:?} is not a GitLab username (letters, digits, '_', '-', '.')"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::{Project, check_path, check_project, check_ref};

    #[test]
    fn projects() {
        assert!(check_project("my-group/sub.group/my_project").is_ok());
        for bad in [
            "",
            "a/../b",
            "..",
            "a//b",
            "a/.hidden",
            "a/-x",
            "a/b c",
            "a/b%2F",
            "a/b?x",
        ] {
            assert!(check_project(bad).is_err(), "{bad}");
        }
        let project = Project::parse("/grp/sub/proj/").unwrap();
        assert_eq!(project.encoded(), "grp%2Fsub%2Fproj");
    }

    #[test]
    fn refs_and_paths() {
        assert!(check_ref("feature/x-1", "ref").is_ok());
        assert!(check_ref("0123abcd", "ref").is_ok());
        for bad in ["", "a..b", "-x", "a b", "x~1", "a\u{7}", "/x", "x/"] {
            assert!(check_ref(bad, "ref").is_err(), "{bad}");
        }
        assert!(check_path("src/a b.rs").is_ok());
        for bad in ["", "/etc/passwd", "a/../b", "./a", "a//b", "a\u{0}"] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
    }
}
