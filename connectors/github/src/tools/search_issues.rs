//! `github_search_issues`: issues and pull requests by GitHub's own search syntax.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::Query;
use crate::paging::{PageSize, Position, required};
use crate::render;
use crate::tools::common::{Instance, repo_from_api_url, with_hidden};
use crate::wire::{Issue, SearchResults};

pub(crate) const NAME: &str = "github_search_issues";

/// Arguments of `github_search_issues`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// GitHub search syntax, e.g. "is:open label:bug crash".
    #[schemars(length(max = 1024))]
    pub query: Option<String>,
    /// Limit to this owner/name.
    pub repo: Option<String>,
    /// Items per page (default 20, max 100).
    pub limit: Option<u32>,
    /// next_cursor of the previous page (enough alone).
    pub cursor: Option<String>,
    /// Add a body excerpt per item.
    pub detail: Option<bool>,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Search GitHub issues",
        "Search issues and pull requests with GitHub's query syntax.",
        ToolEffects::REMOTE_READ,
    )
}

/// The `q` of a search: the caller's query, scoped to `repo` or else to the allowlist.
pub(crate) fn scoped_query(
    instance: &Instance,
    query: &str,
    repo: Option<&str>,
) -> Result<String, ConnectorError> {
    crate::ids::check_text("query", query, 1024)?;
    if query.trim().is_empty() {
        return Err(ConnectorError::invalid("query must not be empty"));
    }
    Ok(match repo {
        Some(repo) => format!("{query} repo:{}", instance.repo(repo)?.full()),
        None if !instance.repos.is_empty() && !query.contains("repo:") => {
            let scopes: Vec<String> = instance
                .repos
                .iter()
                .map(|pattern| match pattern.strip_suffix("/*") {
                    Some(owner) => format!("user:{owner}"),
                    None => format!("repo:{pattern}"),
                })
                .collect();
            format!("{query} {}", scopes.join(" "))
        }
        None => query.to_owned(),
    })
}

pub(crate) async fn run(
    instance: &Instance,
    mut params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let mut query = params.query.clone();
    let position = Position::start(
        NAME,
        &instance.id,
        params.cursor.as_deref(),
        params.limit,
        PageSize {
            default: 20,
            max: 100,
        },
        &mut [("query", &mut query), ("repo", &mut params.repo)],
    )?;
    let q = scoped_query(
        instance,
        required(query.as_deref(), "query", r#""is:open label:bug""#)?,
        params.repo.as_deref(),
    )?;
    let mut path = Query::default();
    path.push("q", &q)
        .push("per_page", position.n.to_string())
        .push("page", position.p.to_string());
    let what = format!("the issue search {q:?}");
    let (results, has_next): (SearchResults<Issue>, bool) = instance
        .client
        .get_json(&format!("/search/issues{}", path.as_str()), &what, ctx)
        .await?;
    let mut page = PageWriter::new(
        format!(
            "{} for {q:?} on {}{}",
            render::plural(results.total_count, "result"),
            instance.id,
            if results.incomplete_results {
                " (GitHub says the results are incomplete: the search timed out)"
            } else {
                ""
            }
        ),
        &ctx.budget,
    );
    let items = &results.items;
    let mut hidden = 0;
    for issue in items.iter().skip(position.s as usize) {
        let Some(repo) = issue.repository_url.as_deref().and_then(repo_from_api_url) else {
            continue;
        };
        if !instance.shows(&repo.full()) {
            hidden += 1;
            continue;
        }
        let (mut line, uri) = render::issue_line(&instance.id, &repo, issue);
        line = format!("{} {line}", repo.full());
        if params.detail == Some(true)
            && let Some(excerpt) = render::excerpt(issue.body.as_ref(), 400)
        {
            line = format!("{line}\n  {excerpt}");
        }
        if !page.push(&line, Some(&uri)) {
            break;
        }
    }
    let shown = page.shown() + hidden;
    let next = position.next(shown, items.len(), has_next);
    let output = page.finish(next, None, "try fewer qualifiers or another repository");
    Ok(with_hidden(output, hidden, &instance.id))
}
