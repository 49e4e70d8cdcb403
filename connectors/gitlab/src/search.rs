//! The cross-source search (`search_context`): GitLab's own issue and merge request search
//! across the projects the token can see, best first, merged; results outside the allowlist
//! are dropped.

use switchyard_core::{CallContext, ConnectorError, SearchHit, SearchQuery};

use crate::instance::Instance;
use crate::redact::clean;
use crate::render::{one_line, project_of_reference};
use crate::uris;
use crate::wire::{Issue, MergeRequest};

/// Characters of a body in a snippet.
const SNIPPET_CHARS: usize = 240;

/// Search issues and merge requests for `query`.
pub(crate) async fn run(
    gl: &Instance,
    query: &SearchQuery,
    ctx: &CallContext,
) -> Result<Vec<SearchHit>, ConnectorError> {
    let text = query.text.trim();
    if text.is_empty() || query.limit == 0 {
        return Ok(Vec::new());
    }
    let per_page = query.limit.clamp(1, 100).to_string();
    let params = [
        ("scope", "all".to_owned()),
        ("search", text.to_owned()),
        ("order_by", "updated_at".to_owned()),
        ("per_page", per_page),
    ];
    let issues = gl
        .client
        .get_json::<Vec<Issue>>("issues", &params, "the issue search", ctx);
    let merge_requests = gl.client.get_json::<Vec<MergeRequest>>(
        "merge_requests",
        &params,
        "the merge request search",
        ctx,
    );
    let (issues, merge_requests) = tokio::join!(issues, merge_requests);
    let (issues, _) = issues?;
    let (merge_requests, _) = merge_requests?;
    let mut hits = Vec::new();
    let total = (issues.len() + merge_requests.len()).max(1) as f64;
    for (rank, issue) in issues.iter().enumerate() {
        let reference = issue.references.as_ref().map_or("", |r| r.full.as_str());
        let Some(project) = project_of_reference(reference).filter(|p| gl.visible(p)) else {
            continue;
        };
        hits.push(SearchHit {
            uri: uris::issue(&gl.id, project, issue.iid),
            title: format!(
                "{} [{}] {}",
                clean(reference),
                issue.state,
                one_line(&issue.title)
            ),
            snippet: snippet(issue.description.as_deref()),
            score: 1.0 - rank as f64 / total,
            updated: issue.updated_at.clone(),
        });
    }
    for (rank, mr) in merge_requests.iter().enumerate() {
        let reference = mr.references.as_ref().map_or("", |r| r.full.as_str());
        let Some(project) = project_of_reference(reference).filter(|p| gl.visible(p)) else {
            continue;
        };
        hits.push(SearchHit {
            uri: uris::merge_request(&gl.id, project, mr.iid),
            title: format!(
                "{} [{}] {}",
                clean(reference),
                mr.state,
                one_line(&mr.title)
            ),
            snippet: snippet(mr.description.as_deref()),
            score: 1.0 - rank as f64 / total,
            updated: mr.updated_at.clone(),
        });
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    hits.truncate(query.limit);
    Ok(hits)
}

fn snippet(body: Option<&str>) -> String {
    let line = one_line(body.unwrap_or_default());
    let mut cut: String = line.chars().take(SNIPPET_CHARS).collect();
    if cut.len() < line.len() {
        cut.push('…');
    }
    cut
}
