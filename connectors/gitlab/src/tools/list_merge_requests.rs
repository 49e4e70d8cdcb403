//! `gitlab_list_merge_requests`: a project's merge requests, most recently updated first,
//! filtered by state, labels, author and branches.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids;
use crate::instance::Instance;
use crate::paging;
use crate::render;
use crate::tools::common::{MrState, push_opt};
use crate::wire::MergeRequest;

/// The tool name.
pub(crate) const NAME: &str = "gitlab_list_merge_requests";

/// Arguments of `gitlab_list_merge_requests`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: Option<String>,
    /// opened, closed, merged, locked or all (default).
    pub state: Option<MrState>,
    /// Comma-separated labels, all required.
    #[schemars(length(max = 1024))]
    pub labels: Option<String>,
    /// Author username.
    #[schemars(length(max = 255))]
    pub author: Option<String>,
    /// Target branch.
    #[schemars(length(max = 255))]
    pub target: Option<String>,
    /// Add merge status, reviewers and body excerpt.
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
        "GitLab: list merge requests",
        "List a project's merge requests, recently updated first.",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_list_merge_requests`.
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
            ("author", &mut params.author),
            ("target", &mut params.target),
            ("detail", &mut detail),
        ],
    )?;
    let project = gl.project(params.project.as_deref().ok_or_else(|| {
        ConnectorError::invalid("project is required, such as \"my-group/my-project\"")
    })?)?;
    if let Some(author) = params.author.as_deref() {
        ids::check_username(author)?;
    }
    if let Some(target) = params.target.as_deref() {
        ids::check_ref(target, "target branch")?;
    }
    let mut query = vec![
        ("state", MrState::checked(state.as_deref())?.to_owned()),
        ("order_by", "updated_at".to_owned()),
        ("sort", "desc".to_owned()),
    ];
    push_opt(&mut query, "labels", params.labels.as_deref());
    push_opt(&mut query, "author_username", params.author.as_deref());
    push_opt(&mut query, "target_branch", params.target.as_deref());
    let window = paging::window::<MergeRequest>(
        &gl.client,
        &format!("projects/{}/merge_requests", project.encoded()),
        &query,
        position,
        &format!("project {project}"),
        ctx,
    )
    .await?;
    let detail = detail.as_deref() == Some("true");
    let mut page = PageWriter::new(
        format!("merge requests of {project} on {} (updated first)", gl.id),
        &ctx.budget,
    );
    for mr in &window.items {
        let item = render::merge_request_item(&gl.id, project.as_str(), mr, detail);
        let uri = crate::uris::merge_request(&gl.id, project.as_str(), mr.iid);
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
    Ok(page.finish(next, omitted, "no merge request matches these filters"))
}
