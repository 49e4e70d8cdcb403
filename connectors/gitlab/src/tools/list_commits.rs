//! `gitlab_list_commits`: commits of a ref, newest first, filtered by path and dates, paged
//! with exactly the page size asked for (`per_page` is the caller's limit).

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids;
use crate::instance::Instance;
use crate::paging;
use crate::render::{day, one_line};
use crate::tools::common::{check_date, push_opt};
use crate::uris;
use crate::wire::Commit;

/// The tool name.
pub(crate) const NAME: &str = "gitlab_list_commits";

/// Arguments of `gitlab_list_commits`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: Option<String>,
    /// Branch, tag or SHA (default branch if omitted).
    #[schemars(length(max = 255))]
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// Only commits touching this path.
    #[schemars(length(max = 4096))]
    pub path: Option<String>,
    /// Committed on or after (YYYY-MM-DD).
    #[schemars(length(max = 64))]
    pub since: Option<String>,
    /// Committed on or before (YYYY-MM-DD).
    #[schemars(length(max = 64))]
    pub until: Option<String>,
    /// Page size (default 20, max 100).
    pub limit: Option<u32>,
    /// next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: list commits",
        "List commits of a ref, newest first.",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_list_commits`.
pub(crate) async fn run(
    gl: &Instance,
    mut params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let (position, listing) = paging::start(
        NAME,
        &gl.id,
        params.cursor.as_deref(),
        params.limit,
        20,
        &mut [
            ("project", &mut params.project),
            ("ref", &mut params.git_ref),
            ("path", &mut params.path),
            ("since", &mut params.since),
            ("until", &mut params.until),
        ],
    )?;
    let project = gl.project(params.project.as_deref().ok_or_else(|| {
        ConnectorError::invalid("project is required, such as \"my-group/my-project\"")
    })?)?;
    if let Some(git_ref) = params.git_ref.as_deref() {
        ids::check_ref(git_ref, "ref")?;
    }
    if let Some(path) = params.path.as_deref() {
        ids::check_path(path)?;
    }
    check_date(params.since.as_deref(), "since")?;
    check_date(params.until.as_deref(), "until")?;
    let mut query = Vec::new();
    push_opt(&mut query, "ref_name", params.git_ref.as_deref());
    push_opt(&mut query, "path", params.path.as_deref());
    push_opt(&mut query, "since", params.since.as_deref());
    push_opt(&mut query, "until", params.until.as_deref());
    let window = paging::window::<Commit>(
        &gl.client,
        &format!("projects/{}/repository/commits", project.encoded()),
        &query,
        position,
        &format!("project {project}"),
        ctx,
    )
    .await?;
    let mut header = format!(
        "commits of {project} on {} from {}",
        gl.id,
        params.git_ref.as_deref().unwrap_or("the default branch")
    );
    if let Some(path) = &params.path {
        let _ = write!(header, " · path {path:?}");
    }
    let mut page = PageWriter::new(header, &ctx.budget);
    for commit in &window.items {
        let uri = uris::commit(&gl.id, project.as_str(), &commit.id);
        let item = format!(
            "{} {} {} {}\n  {uri}",
            commit.short_id,
            day(commit
                .committed_date
                .as_deref()
                .or(commit.authored_date.as_deref())),
            one_line(&commit.author_name),
            one_line(&commit.title),
        );
        if !page.push(&item, Some(&uri)) {
            break;
        }
    }
    let shown = page.shown();
    let next = (window.more || shown < window.items.len())
        .then(|| paging::next(NAME, &gl.id, position, shown, listing));
    Ok(page.finish(
        next,
        None,
        "no commit matches; check the ref, path and dates",
    ))
}
