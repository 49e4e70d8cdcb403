//! `gitlab_list_issues`: a project's issues, most recently updated first, filtered by state,
//! labels, assignee and update time; all issues of the project by default, not only mine.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids;
use crate::instance::Instance;
use crate::paging;
use crate::render;
use crate::tools::common::{IssueState, check_date, push_opt};
use crate::wire::Issue;

/// The tool name.
pub(crate) const NAME: &str = "gitlab_list_issues";

/// Arguments of `gitlab_list_issues`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: Option<String>,
    /// opened, closed or all (default).
    pub state: Option<IssueState>,
    /// Comma-separated labels, all required.
    #[schemars(length(max = 1024))]
    pub labels: Option<String>,
    /// Assignee username.
    #[schemars(length(max = 255))]
    pub assignee: Option<String>,
    /// Updated on or after (YYYY-MM-DD).
    #[schemars(length(max = 64))]
    pub since: Option<String>,
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
        "GitLab: list issues",
        "List a project's issues, recently updated first.",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_list_issues`.
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
            ("project", &mut params.project),
            ("state", &mut state),
            ("labels", &mut params.labels),
            ("assignee", &mut params.assignee),
            ("since", &mut params.since),
            ("detail", &mut detail),
        ],
    )?;
    let project = gl.project(params.project.as_deref().ok_or_else(|| {
        ConnectorError::invalid("project is required, such as \"my-group/my-project\"")
    })?)?;
    if let Some(assignee) = params.assignee.as_deref() {
        ids::check_username(assignee)?;
    }
    check_date(params.since.as_deref(), "since")?;
    let mut query = vec![
        ("state", IssueState::checked(state.as_deref())?.to_owned()),
        ("order_by", "updated_at".to_owned()),
        ("sort", "desc".to_owned()),
    ];
    push_opt(&mut query, "labels", params.labels.as_deref());
    push_opt(&mut query, "assignee_username", params.assignee.as_deref());
    push_opt(&mut query, "updated_after", params.since.as_deref());
    let window = paging::window::<Issue>(
        &gl.client,
        &format!("projects/{}/issues", project.encoded()),
        &query,
        position,
        &format!("project {project}"),
        ctx,
    )
    .await?;
    let detail = detail.as_deref() == Some("true");
    let mut page = PageWriter::new(
        format!("issues of {project} on {} (updated first)", gl.id),
        &ctx.budget,
    );
    for issue in &window.items {
        let item = render::issue_item(&gl.id, project.as_str(), issue, detail);
        let uri = crate::uris::issue(&gl.id, project.as_str(), issue.iid);
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
    Ok(page.finish(next, omitted, "no issue matches these filters"))
}
