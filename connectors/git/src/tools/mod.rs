//! The git tools, one per file. Each has a `Params` struct (its input schema), a `spec()` and
//! a blocking `run(repo, params, ctx)` that the connector calls inside `spawn_blocking`.
//!
//! | tool | file | answers |
//! |---|---|---|
//! | `git_log` | [`log`] | commits, newest first, filtered, paged |
//! | `git_show_commit` | [`show_commit`] | one commit: message, stats, capped diff |
//! | `git_diff` | [`diff`] | two revisions, or the working tree against HEAD |
//! | `git_blame` | [`blame`] | who last changed each line of a range |
//! | `git_read_file` | [`read_file`] | a file (or directory listing) at a revision |
//! | `git_search_code` | [`search_code`] | literal or regex matches in a tree, paged |
//! | `git_list_refs` | [`list_refs`] | branches and tags, ahead/behind the default branch |
//! | `git_status` | [`status`] | working tree changes, branch, upstream ahead/behind |
//!
//! [`common`] holds what several tools share: the `repo` argument, page limits, cursor checks.

pub(crate) mod blame;
pub(crate) mod common;
pub(crate) mod diff;
pub(crate) mod list_refs;
pub(crate) mod log;
pub(crate) mod read_file;
pub(crate) mod search_code;
pub(crate) mod show_commit;
pub(crate) mod status;

use switchyard_core::ToolSpec;

pub(crate) use common::{RepoArg, repo_arg};

/// The specs of every tool, before the `repo` argument is fitted to the configured repositories.
pub(crate) fn specs() -> Vec<ToolSpec> {
    vec![
        log::spec(),
        show_commit::spec(),
        diff::spec(),
        blame::spec(),
        read_file::spec(),
        search_code::spec(),
        list_refs::spec(),
        status::spec(),
    ]
}
