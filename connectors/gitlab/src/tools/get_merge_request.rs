//! `gitlab_get_merge_request`: one merge request's summary: branches, state, merge status,
//! approvals and reviewers, the head pipeline with its failed jobs, the size of the change
//! (GitLab's capped count "1000+" said as such) and the description, cut with a cursor.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::budget::cut_text;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::Project;
use crate::instance::Instance;
use crate::redact::clean;
use crate::render::{day, one_line, pipeline_line, plural, user, users};
use crate::tools::common::{ItemCursor, item_arguments};
use crate::tools::list_pipelines::failed_jobs_lines;
use crate::uris;
use crate::wire::{Approvals, MergeRequest};

/// The tool name.
pub(crate) const NAME: &str = "gitlab_get_merge_request";

/// Arguments of `gitlab_get_merge_request`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: Option<String>,
    /// Merge request number (iid).
    pub iid: Option<u64>,
    /// next_cursor of the previous page (enough alone).
    pub cursor: Option<String>,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: get merge request",
        "Get a merge request: status, approvals, pipeline and failed jobs, size, description.",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_get_merge_request`.
pub(crate) async fn run(
    gl: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let (project, iid, from) = match params.cursor.as_deref() {
        Some(text) => {
            let cursor = ItemCursor::decode(
                text,
                NAME,
                &gl.id,
                params.project.as_deref(),
                params.iid,
                false,
            )?;
            (cursor.p, cursor.i, cursor.b.unwrap_or(0))
        }
        None => {
            let (project, iid) = item_arguments(params.project.as_deref(), params.iid, "5")?;
            (project, iid, 0)
        }
    };
    let project = gl.project(&project)?;
    let object = format!("merge request !{} of {project}", iid);
    let base = format!("projects/{}/merge_requests/{}", project.encoded(), iid);
    let (mr, _) = gl
        .client
        .get_json::<MergeRequest>(&base, &[], &object, ctx)
        .await?;
    let mut text = if from == 0 {
        summary(gl, &project, &mr, ctx).await
    } else {
        format!(
            "merge request !{} of {project} (description from byte {from})\n",
            mr.iid
        )
    };
    let body = clean(mr.description.as_deref().unwrap_or_default());
    let rest = body.get(from..).unwrap_or_default();
    let room = ctx.budget.max_bytes().saturating_sub(text.len() + 600);
    let cut = cut_text(rest, room);
    if !rest.trim().is_empty() {
        let _ = writeln!(text, "---\n{}", cut.kept.trim_end());
    }
    let mut next = None;
    if cut.is_truncated() {
        let cursor = ItemCursor {
            t: NAME.to_owned(),
            x: gl.id.clone(),
            p: project.as_str().to_owned(),
            i: mr.iid,
            b: Some(from + cut.kept.len()),
            o: 0,
            n: 0,
        }
        .encode();
        let _ = write!(
            text,
            "[description truncated: {} not shown]\n---\ntruncated: true · next_cursor: \"{cursor}\" (pass it as cursor to get more)",
            plural(cut.omitted_bytes as u64, "more byte")
        );
        next = Some(cursor);
    }
    Ok(ToolOutput {
        text,
        truncated: next.is_some(),
        next_cursor: next,
        uris: vec![uris::merge_request(&gl.id, project.as_str(), mr.iid)],
        structured: None,
    })
}

/// Everything but the description.
async fn summary(gl: &Instance, project: &Project, mr: &MergeRequest, ctx: &CallContext) -> String {
    let mut text = format!(
        "!{} [{}{}] {}\n{}\nproject {project} · author {} · {} → {} · created {} · updated {}\n",
        mr.iid,
        mr.state,
        if mr.draft { ", draft" } else { "" },
        one_line(&mr.title),
        uris::merge_request(&gl.id, project.as_str(), mr.iid),
        user(mr.author.as_ref()),
        one_line(&mr.source_branch),
        one_line(&mr.target_branch),
        day(mr.created_at.as_deref()),
        day(mr.updated_at.as_deref()),
    );
    if let Some(merged) = mr.merged_at.as_deref() {
        let _ = writeln!(
            text,
            "merged {} by {}",
            day(Some(merged)),
            user(mr.merged_by.as_ref())
        );
    }
    if !mr.labels.is_empty() {
        let _ = writeln!(text, "labels: {}", one_line(&mr.labels.join(", ")));
    }
    if !mr.assignees.is_empty() {
        let _ = writeln!(text, "assignees: {}", users(&mr.assignees));
    }
    let status = mr
        .detailed_merge_status
        .as_deref()
        .or(mr.merge_status.as_deref())
        .unwrap_or("unknown");
    let _ = write!(text, "merge status: {}", one_line(status));
    if mr.has_conflicts {
        text.push_str(" · has conflicts");
    }
    if mr.blocking_discussions_resolved == Some(false) {
        text.push_str(" · unresolved blocking discussions");
    }
    if let Some(error) = mr.merge_error.as_deref().filter(|e| !e.is_empty()) {
        let _ = write!(text, " · merge error: {}", one_line(error));
    }
    text.push('\n');
    let _ = writeln!(text, "review: {}", review(gl, project, mr, ctx).await);
    match &mr.changes_count {
        Some(count) if count.ends_with('+') => {
            let _ = writeln!(
                text,
                "changes: {count} files (GitLab's count is capped: the diff is over its limits, so file lists and diffs are incomplete)"
            );
        }
        Some(count) => {
            let noun = if count == "1" { "file" } else { "files" };
            let _ = writeln!(text, "changes: {count} {noun}");
        }
        None => {}
    }
    match mr.head_pipeline.as_ref().or(mr.pipeline.as_ref()) {
        Some(pipeline) => {
            let _ = writeln!(text, "head {}", pipeline_line(pipeline));
            if pipeline.status == "failed" {
                match failed_jobs_lines(gl, project, pipeline.id, ctx).await {
                    Ok(lines) => text.push_str(&lines),
                    Err(err) => {
                        let _ = writeln!(text, "  (failed jobs unavailable: {err})");
                    }
                }
            }
        }
        None => text.push_str("pipeline: none\n"),
    }
    let _ = writeln!(
        text,
        "{} · files: gitlab_get_merge_request_files · diff: gitlab_get_merge_request_diff",
        plural(mr.user_notes_count, "note")
    );
    text
}

/// Reviewers and approvals (the approvals endpoint may be unavailable: said, not fatal).
async fn review(gl: &Instance, project: &Project, mr: &MergeRequest, ctx: &CallContext) -> String {
    let mut parts = Vec::new();
    if !mr.reviewers.is_empty() {
        parts.push(format!("reviewers {}", users(&mr.reviewers)));
    }
    let path = format!(
        "projects/{}/merge_requests/{}/approvals",
        project.encoded(),
        mr.iid
    );
    let object = format!("approvals of merge request !{} of {project}", mr.iid);
    match gl
        .client
        .get_json::<Approvals>(&path, &[], &object, ctx)
        .await
    {
        Ok((approvals, _)) => {
            let by: Vec<String> = approvals
                .approved_by
                .iter()
                .map(|a| user(a.user.as_ref()))
                .collect();
            if by.is_empty() {
                parts.push("no approvals".to_owned());
            } else {
                parts.push(format!("approved by {}", by.join(", ")));
            }
            if let (Some(required), Some(left)) =
                (approvals.approvals_required, approvals.approvals_left)
            {
                parts.push(format!("{left} of {required} required approvals left"));
            } else if approvals.approved == Some(true) {
                parts.push("approved".to_owned());
            }
        }
        Err(err) => parts.push(format!("approvals unavailable ({})", err.kind())),
    }
    parts.join(" · ")
}
