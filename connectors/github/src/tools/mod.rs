//! The GitHub tools, one per file. Each has a `Params` struct (its input schema), a `spec()`
//! and an async `run(instance, params, ctx)`.
//!
//! | tool | file | answers |
//! |---|---|---|
//! | `github_search_issues` | [`search_issues`] | issues and pull requests by GitHub's search syntax |
//! | `github_list_issues` | [`list_issues`] | a repository's issues, filtered, paged |
//! | `github_get_issue` | [`get_issue`] | one issue: body and comments, paged |
//! | `github_list_pull_requests` | [`list_pull_requests`] | a repository's pull requests |
//! | `github_get_pull_request` | [`get_pull_request`] | summary, review state, check status |
//! | `github_get_pull_request_files` | [`get_pull_request_files`] | changed files with status and counts |
//! | `github_get_pull_request_diff` | [`get_pull_request_diff`] | plain-text diff, capped per file |
//! | `github_list_commits` | [`list_commits`] | commits of a ref, paged exactly |
//! | `github_get_commit` | [`get_commit`] | one commit with its capped diff |
//! | `github_get_file` | [`get_file`] | a file's text (binary and large files as metadata) |
//! | `github_search_code` | [`search_code`] | code search with fragments |
//! | `github_list_workflow_runs` | [`list_workflow_runs`] | Actions runs of a ref, failing jobs |
//! | `github_get_job_log` | [`get_job_log`] | the last lines of a job's log |
//! | `github_create_issue`, `github_comment_issue`, `github_update_issue` | [`create_issue`], [`comment_issue`], [`update_issue`] | writes (only with `writes = true`, only in the allowlist) |
//!
//! [`one_file`] reads one file of a diff in parts (`path` with `from_line`) for the diff tools.

pub(crate) mod comment_issue;
pub(crate) mod common;
pub(crate) mod create_issue;
pub(crate) mod get_commit;
pub(crate) mod get_file;
pub(crate) mod get_issue;
pub(crate) mod get_job_log;
pub(crate) mod get_pull_request;
pub(crate) mod get_pull_request_diff;
pub(crate) mod get_pull_request_files;
pub(crate) mod list_commits;
pub(crate) mod list_issues;
pub(crate) mod list_pull_requests;
pub(crate) mod list_workflow_runs;
pub(crate) mod one_file;
pub(crate) mod search_code;
pub(crate) mod search_issues;
pub(crate) mod update_issue;

use switchyard_core::ToolSpec;

/// The read tools.
pub(crate) fn read_specs() -> Vec<ToolSpec> {
    vec![
        search_issues::spec(),
        list_issues::spec(),
        get_issue::spec(),
        list_pull_requests::spec(),
        get_pull_request::spec(),
        get_pull_request_files::spec(),
        get_pull_request_diff::spec(),
        list_commits::spec(),
        get_commit::spec(),
        get_file::spec(),
        search_code::spec(),
        list_workflow_runs::spec(),
        get_job_log::spec(),
    ]
}

/// The write tools (published only when the instance enables writes).
pub(crate) fn write_specs() -> Vec<ToolSpec> {
    vec![
        create_issue::spec(),
        comment_issue::spec(),
        update_issue::spec(),
    ]
}
