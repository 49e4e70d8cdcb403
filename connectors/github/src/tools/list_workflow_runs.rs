//! `github_list_workflow_runs`: GitHub Actions runs for a branch, commit or pull request,
//! newest first, with their status; for failed runs, the failing jobs and steps and the job
//! ids that `github_get_job_log` reads.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::{Query, check_number, check_ref};
use crate::paging::page_size;
use crate::render;
use crate::tools::common::Instance;
use crate::wire::{Jobs, Pull, Runs};

pub(crate) const NAME: &str = "github_list_workflow_runs";

/// Failed runs whose jobs are fetched, at most.
const JOB_LOOKUPS: usize = 3;

/// Arguments of `github_list_workflow_runs`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: String,
    /// Branch name or commit SHA.
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// Pull request number (uses its head commit).
    pub number: Option<u64>,
    /// Runs to show (default 10, max 50).
    pub limit: Option<u32>,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "List GitHub Actions runs",
        "List CI workflow runs for a branch, commit or pull request, with failing jobs and their ids.",
        ToolEffects::REMOTE_READ,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let repo = instance.repo(&params.repo)?;
    let limit = page_size("limit", params.limit, 10, 50)?;
    let mut query = Query::default();
    let target = match (&params.git_ref, params.number) {
        (Some(_), Some(_)) => {
            return Err(ConnectorError::invalid("pass ref or number, not both"));
        }
        (Some(git_ref), None) => {
            check_ref(git_ref)?;
            if crate::ids::check_sha(git_ref).is_ok() && git_ref.len() == 40 {
                query.push("head_sha", git_ref);
            } else {
                query.push("branch", git_ref);
            }
            git_ref.clone()
        }
        (None, Some(number)) => {
            let number = check_number("number", number)?;
            let (pull, _): (Pull, bool) = instance
                .client
                .get_json(
                    &format!("{}/pulls/{number}", repo.api()),
                    &format!("pull request #{number} of {}", repo.full()),
                    ctx,
                )
                .await?;
            crate::ids::check_sha(&pull.head.sha)?;
            query.push("head_sha", &pull.head.sha);
            format!(
                "#{number} (head {})",
                pull.head.sha.get(..12).unwrap_or(&pull.head.sha)
            )
        }
        (None, None) => "all branches".to_owned(),
    };
    query.push("per_page", limit.to_string());
    let what = format!("the workflow runs of {} for {target}", repo.full());
    let (runs, _): (Runs, bool) = instance
        .client
        .get_json(
            &format!("{}/actions/runs{}", repo.api(), query.as_str()),
            &what,
            ctx,
        )
        .await?;
    let mut page = PageWriter::new(
        format!(
            "{} workflow runs of {} for {target} on {} (newest first)",
            runs.total_count,
            repo.full(),
            instance.id
        ),
        &ctx.budget,
    );
    let mut lookups = 0;
    for run in &runs.workflow_runs {
        let status = run.status.as_deref().unwrap_or("unknown");
        let outcome = match (status, run.conclusion.as_deref()) {
            ("completed", Some(conclusion)) => conclusion.to_owned(),
            (status, _) => status.to_owned(),
        };
        let mut item = format!(
            "run {} \"{}\" {outcome} · {} on {} {} · attempt {} · {}",
            run.id,
            render::one_line(run.name.as_deref().unwrap_or("workflow"), 100),
            run.event,
            render::clean(run.head_branch.as_deref().unwrap_or("?")),
            run.head_sha.get(..12).unwrap_or(&run.head_sha),
            run.run_attempt.unwrap_or(1),
            render::day(run.updated_at.as_ref())
        );
        let failed = matches!(
            outcome.as_str(),
            "failure" | "timed_out" | "startup_failure"
        );
        if failed && lookups < JOB_LOOKUPS {
            lookups += 1;
            let (jobs, _): (Jobs, bool) = instance
                .client
                .get_json(
                    &format!(
                        "{}/actions/runs/{}/jobs?filter=latest&per_page=100",
                        repo.api(),
                        run.id
                    ),
                    &format!("the jobs of run {}", run.id),
                    ctx,
                )
                .await?;
            for job in jobs.jobs.iter().filter(|job| {
                matches!(
                    job.conclusion.as_deref(),
                    Some("failure" | "timed_out" | "cancelled")
                )
            }) {
                let steps: Vec<String> = job
                    .steps
                    .iter()
                    .filter(|s| s.conclusion.as_deref() == Some("failure"))
                    .map(|s| format!("\"{}\"", render::one_line(&s.name, 80)))
                    .collect();
                let _ = write!(
                    item,
                    "\n  failed job {} \"{}\"{} → github_get_job_log job_id={}",
                    job.id,
                    render::one_line(&job.name, 100),
                    if steps.is_empty() {
                        String::new()
                    } else {
                        format!(" at step {}", steps.join(", "))
                    },
                    job.id
                );
            }
        } else if failed {
            let _ = write!(
                item,
                "\n  (failed; ask for this run's branch or commit alone to see its jobs)"
            );
        }
        if !page.push(&item, None) {
            break;
        }
    }
    let omitted = runs.workflow_runs.len() - page.shown();
    Ok(page.finish(
        None,
        (omitted > 0).then_some(omitted),
        "no workflow runs match; check the branch or commit",
    ))
}
