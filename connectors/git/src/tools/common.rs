//! What several tools share: the `repo` argument, page limits, notes on pages, cursor checks.

use switchyard_core::{ConnectorError, ToolOutput};

/// Every tool's params carry the optional `repo` argument.
pub(crate) trait RepoArg {
    /// The repository the caller named, if any.
    fn repo(&self) -> Option<&str>;
}

/// Implement [`RepoArg`] for params structs with a `repo: Option<String>` field.
macro_rules! repo_arg {
    ($($params:path),* $(,)?) => {$(
        impl $crate::tools::common::RepoArg for $params {
            fn repo(&self) -> Option<&str> {
                self.repo.as_deref()
            }
        }
    )*};
}
pub(crate) use repo_arg;

/// A page size from the `limit` argument: `default` when absent, 1..=`max` otherwise.
pub(crate) fn page_limit(
    limit: Option<u32>,
    default: usize,
    max: usize,
) -> Result<usize, ConnectorError> {
    match limit {
        None => Ok(default),
        Some(0) => Err(ConnectorError::invalid(format!(
            "limit must be at least 1 (at most {max}); omit it for {default}"
        ))),
        Some(limit) => {
            let limit = usize::try_from(limit).unwrap_or(usize::MAX);
            if limit > max {
                Err(ConnectorError::invalid(format!(
                    "limit {limit} is more than the maximum of {max}; page with cursor instead"
                )))
            } else {
                Ok(limit)
            }
        }
    }
}

/// Insert a note just above the envelope footer of a finished page.
pub(crate) fn with_note(mut output: ToolOutput, note: &str) -> ToolOutput {
    let at = output
        .text
        .rfind("\n---\n")
        .map_or(output.text.len(), |index| index + 1);
    output.text.insert_str(at, &format!("{note}\n"));
    output
}

/// Check a cursor's tool tag and repository, with the same message as a malformed cursor.
pub(crate) fn check_cursor(
    tool: &str,
    repo: &str,
    tag_ok: bool,
    repo_ok: bool,
) -> Result<(), ConnectorError> {
    if !tag_ok {
        return Err(ConnectorError::invalid(format!(
            "this cursor was not made by {tool}; pass the next_cursor value from {tool}'s previous result unchanged, or omit it to start over"
        )));
    }
    if !repo_ok {
        return Err(ConnectorError::invalid(format!(
            "this cursor belongs to another repository than {repo:?}; pass the same repo as the call that returned it, or omit cursor to start over"
        )));
    }
    Ok(())
}
