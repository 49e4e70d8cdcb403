//! `github_search_code`: code search with GitHub's syntax, with match fragments, paged.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::client::Accept;
use crate::ids::{Query, RepoId};
use crate::paging::{PageSize, Position, required};
use crate::render;
use crate::tools::common::{Instance, with_hidden};
use crate::tools::search_issues::scoped_query;
use crate::uris;
use crate::wire::{CodeHit, SearchResults};

pub(crate) const NAME: &str = "github_search_code";

/// Arguments of `github_search_code`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// GitHub code search syntax, e.g. "parse_config language:rust".
    #[schemars(length(max = 1024))]
    pub query: Option<String>,
    /// Limit to this owner/name.
    pub repo: Option<String>,
    /// Hits per page (default 20, max 100).
    pub limit: Option<u32>,
    /// next_cursor of the previous page (enough alone).
    pub cursor: Option<String>,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Search GitHub code",
        "Search code with GitHub's syntax; returns paths with matching fragments.",
        ToolEffects::REMOTE_READ,
    )
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
        required(query.as_deref(), "query", r#""fn main language:rust""#)?,
        params.repo.as_deref(),
    )?;
    let mut path = Query::default();
    path.push("q", &q)
        .push("per_page", position.n.to_string())
        .push("page", position.p.to_string());
    let what = format!("the code search {q:?}");
    let reply = instance
        .client
        .get(
            &format!("/search/code{}", path.as_str()),
            Accept::TextMatch,
            &what,
            ctx,
        )
        .await?;
    let results: SearchResults<CodeHit> = reply.json(&instance.client.origin, &what)?;
    let mut page = PageWriter::new(
        format!(
            "{} for {q:?} on {}",
            render::plural(results.total_count, "code hit"),
            instance.id
        ),
        &ctx.budget,
    );
    let mut hidden = 0;
    for hit in results.items.iter().skip(position.s as usize) {
        let Some(repo_ref) = &hit.repository else {
            continue;
        };
        let Ok(repo) = RepoId::parse(&repo_ref.full_name) else {
            continue;
        };
        if !instance.shows(&repo.full()) {
            hidden += 1;
            continue;
        }
        let git_ref = repo_ref.default_branch.as_deref().unwrap_or("HEAD");
        let uri = uris::blob(&instance.id, &repo, git_ref, &hit.path);
        let mut item = format!("{} {} · {uri}", repo.full(), render::clean(&hit.path));
        for fragment in hit.text_matches.iter().take(2) {
            let cut = switchyard_core::budget::cut_text(&fragment.fragment, 300);
            let text = render::clean(cut.kept);
            for line in text.lines().filter(|l| !l.trim().is_empty()).take(6) {
                item.push_str("\n  | ");
                item.push_str(line);
            }
        }
        if !page.push(&item, Some(&uri)) {
            break;
        }
    }
    let next = position.next(page.shown() + hidden, results.items.len(), reply.has_next());
    let output = page.finish(next, None, "try fewer qualifiers");
    Ok(with_hidden(output, hidden, &instance.id))
}
