//! `github_list_issues`: a repository's issues (all authors), filtered, paged.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::{Query, check_text, check_time};
use crate::paging::{PageSize, Position, required};
use crate::render;
use crate::tools::common::Instance;
use crate::wire::Issue;

pub(crate) const NAME: &str = "github_list_issues";

/// Issue state.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum State {
    Open,
    Closed,
    All,
}

impl State {
    /// A state read back from a cursor, checked like the argument.
    pub(crate) fn parse(text: &str) -> Result<State, ConnectorError> {
        match text {
            "open" => Ok(State::Open),
            "closed" => Ok(State::Closed),
            "all" => Ok(State::All),
            other => Err(ConnectorError::invalid(format!(
                "state {:?} is not one of open, closed, all (an edited cursor?)",
                render::one_line(other, 40)
            ))),
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Closed => "closed",
            State::All => "all",
        }
    }
}

/// Arguments of `github_list_issues`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: Option<String>,
    /// open (default), closed or all.
    pub state: Option<State>,
    /// Comma-separated labels, all required.
    pub labels: Option<String>,
    /// Assignee login, "none" or "*".
    pub assignee: Option<String>,
    /// Only updated at or after this ISO 8601 time.
    pub since: Option<String>,
    /// Items per page (default 30, max 100).
    pub limit: Option<u32>,
    /// next_cursor of the previous page (enough alone).
    pub cursor: Option<String>,
    /// Add a body excerpt per item.
    pub detail: Option<bool>,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "List GitHub issues",
        "List a repository's issues by anyone, newest first; pull requests are marked PR.",
        ToolEffects::REMOTE_READ,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let mut state = params.state.map(|s| s.as_str().to_owned());
    let mut labels = params.labels.clone();
    let mut assignee = params.assignee.clone();
    let mut since = params.since.clone();
    let mut repo_arg = params.repo.clone();
    let position = Position::start(
        NAME,
        &instance.id,
        params.cursor.as_deref(),
        params.limit,
        PageSize {
            default: 30,
            max: 100,
        },
        &mut [
            ("repo", &mut repo_arg),
            ("state", &mut state),
            ("labels", &mut labels),
            ("assignee", &mut assignee),
            ("since", &mut since),
        ],
    )?;
    let repo = instance.repo(required(repo_arg.as_deref(), "repo", "\"octo/hello\"")?)?;
    for (what, value) in [("labels", &labels), ("assignee", &assignee)] {
        if let Some(value) = value {
            check_text(what, value, 512)?;
        }
    }
    check_time("since", since.as_deref())?;
    let state = state
        .as_deref()
        .map_or(Ok(State::Open), State::parse)?
        .as_str();
    let mut query = Query::default();
    query
        .push("state", state)
        .push_opt("labels", labels.as_ref())
        .push_opt("assignee", assignee.as_ref())
        .push_opt("since", since.as_ref())
        .push("per_page", position.n.to_string())
        .push("page", position.p.to_string());
    let what = format!("the issues of {}", repo.full());
    let (issues, has_next): (Vec<Issue>, bool) = instance
        .client
        .get_json(
            &format!("{}/issues{}", repo.api(), query.as_str()),
            &what,
            ctx,
        )
        .await?;
    let mut page = PageWriter::new(
        format!("{state} issues of {} on {}", repo.full(), instance.id),
        &ctx.budget,
    );
    for issue in issues.iter().skip(position.s as usize) {
        let (mut line, uri) = render::issue_line(&instance.id, &repo, issue);
        if params.detail == Some(true) {
            if !issue.assignees.is_empty() {
                let names: Vec<String> = issue
                    .assignees
                    .iter()
                    .map(|u| render::login(Some(u)))
                    .collect();
                line.push_str(&format!(" · assigned {}", names.join(" ")));
            }
            if let Some(excerpt) = render::excerpt(issue.body.as_ref(), 400) {
                line.push_str(&format!("\n  {excerpt}"));
            }
        }
        if !page.push(&line, Some(&uri)) {
            break;
        }
    }
    let next = position.next(page.shown(), issues.len(), has_next);
    Ok(page.finish(next, None, "try state=\"all\" or fewer filters"))
}
