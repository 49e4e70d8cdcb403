//! The GitLab tools, one per file. Each has a `Params` struct (its input schema), a `spec()`
//! and an async `run(instance, params, ctx)`.
//!
//! | tool | file | answers |
//! |---|---|---|
//! | `gitlab_search_issues` | [`search_issues`] | issues matching text, in a project or everywhere |
//! | `gitlab_list_issues` | [`list_issues`] | a project's issues, filtered, paged |
//! | `gitlab_get_issue` | [`get_issue`] | one issue, body and notes (paged) |
//! | `gitlab_list_merge_requests` | [`list_merge_requests`] | a project's merge requests |
//! | `gitlab_get_merge_request` | [`get_merge_request`] | status, approvals, pipeline, size |
//! | `gitlab_get_merge_request_files` | [`get_merge_request_files`] | changed files, paged |
//! | `gitlab_get_merge_request_diff` | [`get_merge_request_diff`] | plain-text diff, capped |
//! | `gitlab_list_commits` | [`list_commits`] | commits of a ref, exact page size |
//! | `gitlab_get_commit` | [`get_commit`] | one commit and its diff |
//! | `gitlab_get_file` | [`get_file`] | a file's text, or metadata for binaries |
//! | `gitlab_search_code` | [`search_code`] | code search in a project |
//! | `gitlab_list_pipelines` | [`list_pipelines`] | pipelines of a ref, failed jobs |
//! | `gitlab_get_job_log` | [`get_job_log`] | the tail of a job's log |
//! | `gitlab_create_issue` | [`create_issue`] | writes: open an issue |
//! | `gitlab_comment_issue` | [`comment_issue`] | writes: comment on an issue |
//! | `gitlab_update_issue` | [`update_issue`] | writes: state, title, labels, assignees |
//!
//! [`common`] and [`writes`] hold what several tools share.

pub(crate) mod comment_issue;
pub(crate) mod common;
pub(crate) mod create_issue;
pub(crate) mod get_commit;
pub(crate) mod get_file;
pub(crate) mod get_issue;
pub(crate) mod get_job_log;
pub(crate) mod get_merge_request;
pub(crate) mod get_merge_request_diff;
pub(crate) mod get_merge_request_files;
pub(crate) mod list_commits;
pub(crate) mod list_issues;
pub(crate) mod list_merge_requests;
pub(crate) mod list_pipelines;
pub(crate) mod search_code;
pub(crate) mod search_issues;
pub(crate) mod update_issue;
pub(crate) mod writes;

use serde_json::Value;
use switchyard_core::ToolSpec;

/// The write tools' names.
pub(crate) const WRITE_TOOLS: [&str; 3] =
    [create_issue::NAME, comment_issue::NAME, update_issue::NAME];

/// The specs of every tool this instance offers (the write tools only with `writes`).
pub(crate) fn specs(writes: bool) -> Vec<ToolSpec> {
    let mut specs = vec![
        search_issues::spec(),
        list_issues::spec(),
        get_issue::spec(),
        list_merge_requests::spec(),
        get_merge_request::spec(),
        get_merge_request_files::spec(),
        get_merge_request_diff::spec(),
        list_commits::spec(),
        get_commit::spec(),
        get_file::spec(),
        search_code::spec(),
        list_pipelines::spec(),
        get_job_log::spec(),
    ];
    if writes {
        specs.extend([
            create_issue::spec(),
            comment_issue::spec(),
            update_issue::spec(),
        ]);
    }
    specs.into_iter().map(terse).collect()
}

/// Drop integer `format` annotations (`uint32`, `uint64`): every client sees them on each
/// tools/list and none needs them to fill in a page size or an id.
fn terse(mut spec: ToolSpec) -> ToolSpec {
    if let Some(Value::Object(properties)) = spec.input_schema.get_mut("properties") {
        for property in properties.values_mut() {
            if let Value::Object(map) = property
                && map.get("type").and_then(Value::as_str) == Some("integer")
            {
                map.remove("format");
            }
        }
    }
    spec
}
