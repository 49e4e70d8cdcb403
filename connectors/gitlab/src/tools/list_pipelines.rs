//! `gitlab_list_pipelines`: a project's pipelines, newest first, for a ref or commit, with
//! their status; the failed jobs of the first failed pipelines on the page are listed with
//! their ids for `gitlab_get_job_log`.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::{self, Project};
use crate::instance::Instance;
use crate::paging;
use crate::render::{one_line, pipeline_line};
use crate::tools::common::push_opt;
use crate::uris;
use crate::wire::{Job, Pipeline};

/// The tool name.
pub(crate) const NAME: &str = "gitlab_list_pipelines";
/// Failed pipelines per page whose jobs are fetched.
const JOBS_FOR: usize = 3;
/// Failed jobs listed per pipeline.
const MAX_FAILED_JOBS: usize = 20;

/// Arguments of `gitlab_list_pipelines`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: Option<String>,
    /// Branch or tag.
    #[schemars(length(max = 255))]
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// Commit SHA.
    #[schemars(length(max = 64))]
    pub sha: Option<String>,
    /// Status filter, e.g. failed.
    #[schemars(length(max = 32))]
    pub status: Option<String>,
    /// Page size (default 10, max 100).
    pub limit: Option<u32>,
    /// next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: list pipelines",
        "List CI pipelines for a ref or commit, newest first, with failed jobs.",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_list_pipelines`.
pub(crate) async fn run(
    gl: &Instance,
    mut params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let (position, listing) = paging::start(
        NAME,
        &gl.id,
        params.cursor.as_deref(),
        params.limit,
        10,
        &mut [
            ("project", &mut params.project),
            ("ref", &mut params.git_ref),
            ("sha", &mut params.sha),
            ("status", &mut params.status),
        ],
    )?;
    let project = gl.project(params.project.as_deref().ok_or_else(|| {
        ConnectorError::invalid("project is required, such as \"my-group/my-project\"")
    })?)?;
    if let Some(git_ref) = params.git_ref.as_deref() {
        ids::check_ref(git_ref, "ref")?;
    }
    if let Some(sha) = params.sha.as_deref()
        && !(sha.len() <= 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(ConnectorError::invalid(format!(
            "sha {sha:?} is not a commit SHA"
        )));
    }
    const STATUSES: [&str; 12] = [
        "created",
        "waiting_for_resource",
        "preparing",
        "pending",
        "running",
        "success",
        "failed",
        "canceled",
        "skipped",
        "manual",
        "scheduled",
        "canceling",
    ];
    if let Some(status) = params.status.as_deref()
        && !STATUSES.contains(&status)
    {
        return Err(ConnectorError::invalid(format!(
            "status {status:?} is not a pipeline status; use one of {}",
            STATUSES.join(", ")
        )));
    }
    let mut query = vec![("order_by", "id".to_owned()), ("sort", "desc".to_owned())];
    push_opt(&mut query, "ref", params.git_ref.as_deref());
    push_opt(&mut query, "sha", params.sha.as_deref());
    push_opt(&mut query, "status", params.status.as_deref());
    let window = paging::window::<Pipeline>(
        &gl.client,
        &format!("projects/{}/pipelines", project.encoded()),
        &query,
        position,
        &format!("project {project}"),
        ctx,
    )
    .await?;
    let mut header = format!("pipelines of {project} on {}", gl.id);
    if let Some(git_ref) = &params.git_ref {
        let _ = write!(header, " for ref {git_ref}");
    }
    if let Some(sha) = &params.sha {
        let _ = write!(header, " for commit {sha}");
    }
    let mut page = PageWriter::new(header, &ctx.budget);
    let mut jobs_fetched = 0;
    for pipeline in &window.items {
        let uri = uris::pipeline(&gl.id, project.as_str(), pipeline.id);
        let mut item = format!("{}\n  {uri}", pipeline_line(pipeline));
        if pipeline.status == "failed" && jobs_fetched < JOBS_FOR {
            jobs_fetched += 1;
            match failed_jobs_lines(gl, &project, pipeline.id, ctx).await {
                Ok(lines) => {
                    item.push('\n');
                    item.push_str(lines.trim_end());
                }
                Err(err) => {
                    let _ = write!(item, "\n  (failed jobs unavailable: {err})");
                }
            }
        }
        if !page.push(&item, Some(&uri)) {
            break;
        }
    }
    let shown = page.shown();
    let next = (window.more || shown < window.items.len())
        .then(|| paging::next(NAME, &gl.id, position, shown, listing));
    let omitted = window
        .total
        .map(|total| total.saturating_sub(position.offset + shown));
    Ok(page.finish(
        next,
        omitted,
        "no pipeline matches; check the ref or commit",
    ))
}

/// The failed jobs of a pipeline, one indented line each, with how to read their logs.
pub(crate) async fn failed_jobs_lines(
    gl: &Instance,
    project: &Project,
    pipeline: u64,
    ctx: &CallContext,
) -> Result<String, ConnectorError> {
    let (jobs, reply) = gl
        .client
        .get_json::<Vec<Job>>(
            &format!("projects/{}/pipelines/{pipeline}/jobs", project.encoded()),
            &[
                ("scope[]", "failed".to_owned()),
                ("per_page", MAX_FAILED_JOBS.to_string()),
            ],
            &format!("jobs of pipeline {pipeline} of {project}"),
            ctx,
        )
        .await?;
    let mut text = String::new();
    if jobs.is_empty() {
        text.push_str("  no failed jobs reported\n");
    }
    for job in &jobs {
        let _ = write!(
            text,
            "  failed job {} \"{}\" (stage {}",
            job.id,
            one_line(&job.name),
            one_line(&job.stage)
        );
        if let Some(reason) = job.failure_reason.as_deref() {
            let _ = write!(text, ", {}", one_line(reason));
        }
        if job.allow_failure {
            text.push_str(", allowed to fail");
        }
        if let Some(duration) = job.duration {
            let _ = write!(text, ", {duration:.0} s");
        }
        let _ = writeln!(
            text,
            ") log: {}",
            uris::job(&gl.id, project.as_str(), job.id)
        );
    }
    if reply.has_next() {
        let _ = writeln!(text, "  (more failed jobs not listed)");
    }
    Ok(text)
}
