//! Errors on both sides of the connector: [`GitError`] when it is built from config, and the
//! mapping of `git2` failures to [`ConnectorError`] when a tool runs.
//!
//! Messages are lowercase without a trailing period and name the repository, revision or path
//! involved, so a model can correct its next call.

use std::path::PathBuf;

use switchyard_core::ConnectorError;

/// A problem with the configured repositories, found when the connector is built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GitError {
    /// No repository was configured.
    #[error("the git connector needs at least one repository")]
    NoRepositories,
    /// The instance id cannot be a URI scheme.
    #[error(
        "connector id {id:?} is invalid: use lowercase letters, digits, '_' or '-', starting with a letter"
    )]
    InvalidId {
        /// The id given.
        id: String,
    },
    /// A path could not be opened as a git repository.
    #[error("cannot open {path} as a git repository: {reason}")]
    Open {
        /// The configured path.
        path: PathBuf,
        /// What libgit2 said.
        reason: String,
    },
    /// A repository name is unusable in tool arguments and URIs.
    #[error("repository name {name:?} is invalid: {reason}")]
    InvalidName {
        /// The configured or derived name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two repositories got the same name.
    #[error("two repositories are named {name:?}; give one of them another name")]
    DuplicateName {
        /// The name used twice.
        name: String,
    },
}

/// The text of a libgit2 error, lowercase-initial and without a trailing period.
pub(crate) fn git_message(err: &git2::Error) -> String {
    let message = err.message().trim().trim_end_matches('.');
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => format!("libgit2 error {:?}", err.code()),
    }
}

/// An unexpected libgit2 failure while `doing` something in `repo`.
pub(crate) fn internal(repo: &str, doing: &str, err: &git2::Error) -> ConnectorError {
    ConnectorError::internal(format!(
        "git failed while {doing} in repository {repo:?}: {}",
        git_message(err)
    ))
}

/// A libgit2 failure about a named thing: `NotFound` with a hint when it does not exist,
/// `InvalidArguments` when the name is malformed or ambiguous, `Internal` otherwise.
pub(crate) fn about(repo: &str, what: &str, hint: &str, err: &git2::Error) -> ConnectorError {
    use git2::{ErrorClass, ErrorCode};
    let what = shorten(what);
    let what = what.as_str();
    // libgit2 quotes the name back in its own message; keep that short too.
    let reason = shorten(&git_message(err));
    match err.code() {
        ErrorCode::NotFound | ErrorCode::UnbornBranch | ErrorCode::Peel => {
            ConnectorError::not_found(format!("{what} not found in repository {repo:?}; {hint}"))
        }
        ErrorCode::Ambiguous => ConnectorError::invalid(format!(
            "{what} is ambiguous in repository {repo:?}; give more characters of the commit id"
        )),
        ErrorCode::InvalidSpec | ErrorCode::Invalid => ConnectorError::invalid(format!(
            "{what} is not valid in repository {repo:?} ({}); {hint}",
            reason
        )),
        // The storage failed under us: that is ours to report, not the caller's to fix.
        _ if matches!(
            err.class(),
            ErrorClass::Os
                | ErrorClass::Odb
                | ErrorClass::Zlib
                | ErrorClass::NoMemory
                | ErrorClass::Filesystem
        ) =>
        {
            internal(repo, &format!("looking up {what}"), err)
        }
        // Anything else about a name the caller gave is a name git cannot use.
        _ => ConnectorError::invalid(format!(
            "{what} cannot be used in repository {repo:?} ({}); {hint}",
            reason
        )),
    }
}

/// Cut a caller-supplied text quoted in a message, so the reason after it stays readable.
fn shorten(text: &str) -> String {
    const MAX_CHARS: usize = 200;
    if text.chars().count() <= MAX_CHARS {
        return text.to_owned();
    }
    let head: String = text.chars().take(MAX_CHARS).collect();
    format!("{head}… ({} characters)", text.chars().count())
}

#[cfg(test)]
mod tests {
    use super::git_message;

    #[test]
    fn messages_are_lowercase_without_period() {
        let err = git2::Error::from_str("Revspec 'x' not found.");
        assert_eq!(git_message(&err), "revspec 'x' not found");
    }
}
