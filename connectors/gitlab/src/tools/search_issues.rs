//! `gitlab_search_issues`: GitLab's own issue search (title and description), in one project or
//! across every project the token can see; results outside the allowlist are left out.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::instance::Instance;
use crate::paging;
use crate::render;
use crate::tools::common::{IssueState, with_note};
use crate::wire::Issue;

/// The tool name.
pub(crate) const NAME: &str = "gitlab_search_issues";

/// Arguments of `gitlab_search_issues`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Search text (GitLab syntax).
    #[schemars(length(max = 512))]
    pub query: Option<String>,
    /// Project path; omit to search all visible projects.
    #[schemars(length(max = 1024))]
    pub project: Option<String>,
    /// opened, closed or all (default).
    pub state: Option<IssueState>,
    /// Add assignees, milestone and body excerpt.
    pub detail: Option<bool>,
    /// Page size (default 20, max 100).
    pub limit: Option<u32>,
    /// next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: search issues",
        "Search issues by text, in a project or everywhere visible.",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_search_issues`.
pub(crate) async fn run(
    gl: &Instance,
    mut params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let mut state = params.state.map(|s| s.as_str().to_owned());
    let mut detail = params.detail.map(|d| d.to_string());
    let (position, listing) = paging::start(
        NAME,
        &gl.id,
        params.cursor.as_deref(),
        params.limit,
        20,
        &mut [
            ("query", &mut params.query),
            ("project", &mut params.project),
            ("state", &mut state),
            ("detail", &mut detail),
        ],
    )?;
    let text = params
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .ok_or_else(|| ConnectorError::invalid("query is required: the text to search for"))?;
    let project = params
        .project
        .as_deref()
        .map(|p| gl.project(p))
        .transpose()?;
    let mut query = vec![
        ("search", text.to_owned()),
        ("state", IssueState::checked(state.as_deref())?.to_owned()),
        ("order_by", "updated_at".to_owned()),
    ];
    let (path, header) = match &project {
        Some(project) => (
            format!("projects/{}/issues", project.encoded()),
            format!("issues in {project} on {} matching {text:?}", gl.id),
        ),
        None => {
            query.push(("scope", "all".to_owned()));
            (
                "issues".to_owned(),
                format!("issues on {} matching {text:?}", gl.id),
            )
        }
    };
    let window =
        paging::window::<Issue>(&gl.client, &path, &query, position, "the issue search", ctx)
            .await?;
    let detail = detail.as_deref() == Some("true");
    let here = project.as_ref().map_or("", |p| p.as_str());
    let mut page = PageWriter::new(header, &ctx.budget);
    let mut hidden = 0;
    let mut consumed = 0;
    for issue in &window.items {
        let reference = issue.references.as_ref().map_or("", |r| r.full.as_str());
        let path = render::project_of_reference(reference).unwrap_or(here);
        if project.is_none() && !gl.visible(path) {
            hidden += 1;
            consumed += 1;
            continue;
        }
        let item = render::issue_item(&gl.id, here, issue, detail);
        let uri = crate::uris::issue(&gl.id, path, issue.iid);
        if !page.push(&item, Some(&uri)) {
            break;
        }
        consumed += 1;
    }
    let next = (window.more || consumed < window.items.len())
        .then(|| paging::next(NAME, &gl.id, position, consumed, listing));
    // Like every list: omitted counts the results still to come; hidden ones are a note.
    let omitted = window
        .total
        .map(|total| total.saturating_sub(position.offset + consumed));
    let output = page.finish(next, omitted, "no issue matches; try other words");
    Ok(if hidden > 0 {
        with_note(
            output,
            &format!(
                "({} outside this instance's project allowlist left out)",
                crate::render::plural(hidden as u64, "result")
            ),
        )
    } else {
        output
    })
}
