//! `github_get_pull_request`: one pull request: summary, review state, check status and the
//! body (cut to part of the budget; `github_get_issue` pages the rest and the comments).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::{RepoId, check_number};
use crate::render;
use crate::tools::common::{Instance, finish};
use crate::wire::{CheckRuns, Pull, Review};

pub(crate) const NAME: &str = "github_get_pull_request";

/// Arguments of `github_get_pull_request`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: String,
    /// Pull request number.
    pub number: u64,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Get a GitHub pull request",
        "Get a pull request: summary, review state, check status and description.",
        ToolEffects::REMOTE_READ,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let repo = instance.repo(&params.repo)?;
    let number = check_number("number", params.number)?;
    show(instance, &repo, number, ctx).await
}

/// The pull request `number` of `repo` (also what `read` shows for `/pull/N`).
pub(crate) async fn show(
    instance: &Instance,
    repo: &RepoId,
    number: u64,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let what = format!("pull request #{number} of {}", repo.full());
    let (pull, _): (Pull, bool) = instance
        .client
        .get_json(&format!("{}/pulls/{number}", repo.api()), &what, ctx)
        .await?;
    let (reviews, _): (Vec<Review>, bool) = instance
        .client
        .get_json(
            &format!("{}/pulls/{number}/reviews?per_page=100", repo.api()),
            &format!("the reviews of {what}"),
            ctx,
        )
        .await?;
    let checks = if crate::ids::check_sha(&pull.head.sha).is_err() {
        None
    } else {
        let (checks, _): (CheckRuns, bool) = instance
            .client
            .get_json(
                &format!(
                    "{}/commits/{}/check-runs?per_page=100",
                    repo.api(),
                    pull.head.sha
                ),
                &format!("the checks of {what}"),
                ctx,
            )
            .await?;
        Some(checks)
    };
    let (line, uri) = render::pull_line(&instance.id, repo, &pull);
    let mut text = format!("{} {line}\n", repo.full());
    let _ = writeln!(
        text,
        "created {} · {} · {} · +{} -{} · mergeable: {}{}",
        render::day(pull.created_at.as_ref()),
        render::plural(pull.commits.unwrap_or(0), "commit"),
        render::plural(pull.changed_files.unwrap_or(0), "file"),
        pull.additions.unwrap_or(0),
        pull.deletions.unwrap_or(0),
        match pull.mergeable {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        },
        pull.mergeable_state
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        text,
        "head {} · {} · {}",
        short(&pull.head.sha),
        render::plural(pull.comments.unwrap_or(0), "comment"),
        render::plural(pull.review_comments.unwrap_or(0), "review comment")
    );
    text.push_str(&review_state(&pull, &reviews));
    if let Some(checks) = &checks {
        text.push_str(&check_state(checks));
    }
    let body = pull.body.clone().unwrap_or_default();
    if body.trim().is_empty() {
        text.push_str("\n(no description)\n");
    } else {
        let room = ctx.budget.fraction(1, 2);
        let (part, rest) = render::body_part(&body, 0, room);
        let _ = write!(text, "\n{}\n", part.trim_end());
        if let Some(rest) = rest {
            let _ = writeln!(
                text,
                "[truncated: {} of the description; github_get_issue number={number} pages it with the comments]",
                render::plural((body.len() - rest) as u64, "more byte")
            );
            return Ok(finish(text, true, vec![uri]));
        }
    }
    let _ = write!(
        text,
        "files: github_get_pull_request_files · diff: github_get_pull_request_diff · comments: github_get_issue"
    );
    Ok(finish(text, false, vec![uri]))
}

/// `reviews: @a approved, @b changes requested · requested: @c`.
fn review_state(pull: &Pull, reviews: &[Review]) -> String {
    // The latest decisive review of each reviewer wins (comments do not change the state).
    let mut latest: BTreeMap<String, &str> = BTreeMap::new();
    for review in reviews {
        let who = render::login(review.user.as_ref());
        match review.state.as_str() {
            "APPROVED" => latest.insert(who, "approved"),
            "CHANGES_REQUESTED" => latest.insert(who, "changes requested"),
            "DISMISSED" => latest.insert(who, "dismissed"),
            _ => {
                latest.entry(who).or_insert("commented");
                None
            }
        };
    }
    let mut text = String::from("reviews: ");
    if latest.is_empty() {
        text.push_str("none");
    } else {
        let parts: Vec<String> = latest
            .iter()
            .map(|(who, state)| format!("{who} {state}"))
            .collect();
        text.push_str(&parts.join(", "));
    }
    if !pull.requested_reviewers.is_empty() {
        let names: Vec<String> = pull
            .requested_reviewers
            .iter()
            .map(|u| render::login(Some(u)))
            .collect();
        let _ = write!(text, " · requested: {}", names.join(" "));
    }
    text.push('\n');
    text
}

/// `checks: 5 (3 success, 1 failure, 1 in progress); failing: build, lint`.
fn check_state(checks: &CheckRuns) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failing = Vec::new();
    for run in &checks.check_runs {
        let state = match (run.status.as_str(), run.conclusion.as_deref()) {
            ("completed", Some(conclusion)) => conclusion,
            ("completed", None) => "completed",
            (status, _) => status,
        };
        *counts.entry(state).or_default() += 1;
        if matches!(
            state,
            "failure" | "timed_out" | "cancelled" | "action_required"
        ) {
            failing.push(render::one_line(&run.name, 80));
        }
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(state, n)| format!("{n} {state}"))
        .collect();
    let mut text = format!("checks: {} ({})", checks.total_count, parts.join(", "));
    if !failing.is_empty() {
        let _ = write!(text, "; failing: {}", failing.join(", "));
    }
    text.push('\n');
    text
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}
