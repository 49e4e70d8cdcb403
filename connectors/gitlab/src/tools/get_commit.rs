//! `gitlab_get_commit`: one commit's message, author, stats and pipeline, then its diff as
//! plain text (capped per file, collapsed kinds as one line, one file on request).

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::patch::{DiffLimits, render_diff};
use switchyard_core::uri::encode_segment;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::diffs::{file_change, one_file};
use crate::ids;
use crate::instance::Instance;
use crate::redact::clean;
use crate::render::{body, one_line, pipeline_line};
use crate::tools::get_merge_request_diff::{LINES_PER_FILE, check_part};
use crate::uris;
use crate::wire::{Commit, Diff};

/// The tool name.
pub(crate) const NAME: &str = "gitlab_get_commit";
/// Files of a commit's diff read (one page of GitLab's list).
const MAX_FILES: usize = 100;

/// Arguments of `gitlab_get_commit`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: String,
    /// Commit SHA, branch or tag.
    #[schemars(length(max = 255))]
    pub sha: String,
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
        "GitLab: get commit",
        "Get a commit: message, stats, pipeline and plain-text diff.",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_get_commit`.
pub(crate) async fn run(
    gl: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let project = gl.project(&params.project)?;
    ids::check_ref(&params.sha, "sha")?;
    check_part(params.path.as_deref(), params.from_line)?;
    let object = format!("commit {} of {project}", params.sha);
    let base = format!(
        "projects/{}/repository/commits/{}",
        project.encoded(),
        encode_segment(&params.sha)
    );
    let (commit, _) = gl
        .client
        .get_json::<Commit>(&base, &[], &object, ctx)
        .await?;
    let (diffs, reply) = gl
        .client
        .get_json::<Vec<Diff>>(
            &format!("{base}/diff"),
            &[
                ("per_page", MAX_FILES.to_string()),
                ("page", "1".to_owned()),
            ],
            &object,
            ctx,
        )
        .await?;
    let uri = uris::commit(&gl.id, project.as_str(), &commit.id);
    let mut text = format!(
        "commit {} of {project} on {}\n{uri}\nauthor {} <{}> · {}\n",
        commit.id,
        gl.id,
        one_line(&commit.author_name),
        one_line(&commit.author_email),
        commit
            .committed_date
            .as_deref()
            .or(commit.authored_date.as_deref())
            .unwrap_or("?"),
    );
    if commit.parent_ids.len() > 1 {
        let _ = writeln!(text, "merge of {} parents", commit.parent_ids.len());
    }
    if let Some(stats) = commit.stats {
        let _ = writeln!(text, "+{} -{}", stats.additions, stats.deletions);
    }
    if let Some(pipeline) = &commit.last_pipeline {
        let _ = writeln!(text, "{}", pipeline_line(pipeline));
    }
    let (message, cut) = body(
        &commit.message,
        ctx.budget.max_bytes() / 5,
        "the rest of the message is in GitLab",
    );
    let _ = writeln!(text, "---\n{message}\n---");
    let mut files: Vec<_> = diffs.iter().map(file_change).collect();
    if let Some(path) = params.path.as_deref() {
        files.retain(|file| file.is_named(path));
        if files.is_empty() {
            return Err(ConnectorError::not_found(format!(
                "commit {} of {project} on instance {} changes no file {path:?} (among its first {MAX_FILES} files)",
                params.sha, gl.id
            )));
        }
    }
    let again = format!("{NAME} with project=\"{project}\" sha=\"{}\"", params.sha);
    let max_bytes = ctx.budget.max_bytes().saturating_sub(text.len() + 300);
    let diff_cut = match (params.path.as_deref(), files.first()) {
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
    let more_files = reply.has_next() && params.path.is_none();
    if more_files {
        let _ = write!(
            text,
            "\n[truncated: the commit changes more than {MAX_FILES} files; only the first {MAX_FILES} are shown]"
        );
    }
    Ok(ToolOutput {
        text,
        truncated: diff_cut || cut || more_files,
        next_cursor: None,
        uris: vec![uri],
        structured: None,
    })
}
