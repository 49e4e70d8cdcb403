//! `github_list_pull_requests`: a repository's pull requests, compact, paged.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::{Query, check_ref};
use crate::paging::{PageSize, Position, required};
use crate::render;
use crate::tools::common::Instance;
use crate::tools::list_issues::State;
use crate::wire::Pull;

pub(crate) const NAME: &str = "github_list_pull_requests";

/// Arguments of `github_list_pull_requests`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: Option<String>,
    /// open (default), closed or all.
    pub state: Option<State>,
    /// Only into this base branch.
    pub base: Option<String>,
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
        "List GitHub pull requests",
        "List a repository's pull requests, newest first.",
        ToolEffects::REMOTE_READ,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let mut repo_arg = params.repo.clone();
    let mut state = params.state.map(|s| s.as_str().to_owned());
    let mut base = params.base.clone();
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
            ("base", &mut base),
        ],
    )?;
    let repo = instance.repo(required(repo_arg.as_deref(), "repo", "\"octo/hello\"")?)?;
    if let Some(base) = &base {
        check_ref(base)?;
    }
    let state = state
        .as_deref()
        .map_or(Ok(State::Open), State::parse)?
        .as_str();
    let mut query = Query::default();
    query
        .push("state", state)
        .push_opt("base", base.as_ref())
        .push("per_page", position.n.to_string())
        .push("page", position.p.to_string());
    let what = format!("the pull requests of {}", repo.full());
    let (pulls, has_next): (Vec<Pull>, bool) = instance
        .client
        .get_json(
            &format!("{}/pulls{}", repo.api(), query.as_str()),
            &what,
            ctx,
        )
        .await?;
    let mut page = PageWriter::new(
        format!(
            "{state} pull requests of {} on {}",
            repo.full(),
            instance.id
        ),
        &ctx.budget,
    );
    for pull in pulls.iter().skip(position.s as usize) {
        let (mut line, uri) = render::pull_line(&instance.id, &repo, pull);
        if params.detail == Some(true)
            && let Some(excerpt) = render::excerpt(pull.body.as_ref(), 400)
        {
            line.push_str(&format!("\n  {excerpt}"));
        }
        if !page.push(&line, Some(&uri)) {
            break;
        }
    }
    let next = position.next(page.shown(), pulls.len(), has_next);
    Ok(page.finish(next, None, "try state=\"all\""))
}
