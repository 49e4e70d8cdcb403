//! `gitlab_get_merge_request_diff`: a merge request's changes as plain-text patches, each file
//! capped, lock/vendored/generated files collapsed to one line unless asked for, the whole
//! within the budget; one file on request. When GitLab's own diff limits cut the merge request
//! (`overflow`), that is said first, never hidden.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::patch::{DiffLimits, render_diff};
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::diffs::{file_change, one_file};
use crate::ids;
use crate::instance::Instance;
use crate::redact::clean;
use crate::uris;
use crate::wire::Changes;

/// The tool name.
pub(crate) const NAME: &str = "gitlab_get_merge_request_diff";
/// Lines of one file's patch shown when several files are shown.
pub(crate) const LINES_PER_FILE: usize = 400;

/// Arguments of `gitlab_get_merge_request_diff`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: String,
    /// Merge request number (iid).
    pub iid: u64,
    /// Only this file's diff.
    #[schemars(length(max = 4096))]
    pub path: Option<String>,
    /// Also show lock, vendored and generated files.
    pub all: Option<bool>,
    /// With path: the patch line to start at (default 1).
    pub from_line: Option<u32>,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: merge request diff",
        "Get a merge request's diff as plain text, capped per file; path= for one file.",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_get_merge_request_diff`.
pub(crate) async fn run(
    gl: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let project = gl.project(&params.project)?;
    check_part(params.path.as_deref(), params.from_line)?;
    let object = format!("merge request !{} of {project}", params.iid);
    let mut query = Vec::new();
    if params.path.is_some() {
        // One file: ask for the raw diffs, which GitLab's collapsing does not empty.
        query.push(("access_raw_diffs", "true".to_owned()));
    }
    let (changes, _) = gl
        .client
        .get_json::<Changes>(
            &format!(
                "projects/{}/merge_requests/{}/changes",
                project.encoded(),
                params.iid
            ),
            &query,
            &object,
            ctx,
        )
        .await?;
    let mut files: Vec<_> = changes.changes.iter().map(file_change).collect();
    if let Some(path) = params.path.as_deref() {
        files.retain(|file| file.is_named(path));
        if files.is_empty() {
            return Err(ConnectorError::not_found(format!(
                "merge request !{} of {project} on instance {} changes no file {path:?}; gitlab_get_merge_request_files lists its files",
                params.iid, gl.id
            )));
        }
    }
    let uri = uris::merge_request(&gl.id, project.as_str(), params.iid);
    let mut text = format!(
        "diff of merge request !{} of {project} on {}\n{uri}\n",
        params.iid, gl.id
    );
    let overflow = changes.overflow == Some(true)
        || changes
            .changes_count
            .as_deref()
            .is_some_and(|c| c.ends_with('+'));
    if overflow {
        let _ = writeln!(
            text,
            "[overflow: GitLab's own diff limits cut this merge request ({} files changed by its count); files past the limit are missing and some diffs are empty; call with path=\"<file>\" for one file, or review it in GitLab]",
            changes.changes_count.as_deref().unwrap_or("?")
        );
    }
    let again = format!("{NAME} with project=\"{project}\" iid={}", params.iid);
    let max_bytes = ctx.budget.max_bytes().saturating_sub(text.len() + 200);
    let cut = match (params.path.as_deref(), files.first()) {
        (Some(path), Some(file)) => {
            let again = format!("{again} path=\"{path}\"");
            let (part, cut) = one_file(file, params.from_line.unwrap_or(1), max_bytes, &again)?;
            text.push_str(&part);
            cut
        }
        _ => {
            let limits = DiffLimits {
                max_lines_per_file: LINES_PER_FILE,
                max_bytes,
                show_collapsed: params.all == Some(true),
                with_patches: true,
                again,
            };
            let rendered = render_diff(&files, &limits);
            text.push_str(&clean(&rendered.text));
            rendered.truncated
        }
    };
    let truncated = cut || overflow;
    Ok(ToolOutput {
        text,
        truncated,
        next_cursor: None,
        uris: vec![uri],
        structured: None,
    })
}

/// Check `path` and `from_line`, which continues one file's patch and so needs `path`.
pub(crate) fn check_part(path: Option<&str>, from_line: Option<u32>) -> Result<(), ConnectorError> {
    if let Some(path) = path {
        ids::check_path(path)?;
    }
    match (path, from_line) {
        (None, Some(_)) => Err(ConnectorError::invalid(
            "from_line continues one file's patch: pass it with path",
        )),
        (_, Some(0)) => Err(ConnectorError::invalid(
            "from_line 0 is not a line: patch lines count from 1",
        )),
        _ => Ok(()),
    }
}
