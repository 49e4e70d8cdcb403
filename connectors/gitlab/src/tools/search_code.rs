//! `gitlab_search_code`: GitLab's code search (`scope=blobs`) in one project, each hit with
//! its path, line and a few lines of context, and the file's URI.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids;
use crate::instance::Instance;
use crate::paging;
use crate::redact::clean;
use crate::tools::common::push_opt;
use crate::uris;
use crate::wire::Blob;

/// The tool name.
pub(crate) const NAME: &str = "gitlab_search_code";
/// Lines of context shown per hit.
const HIT_LINES: usize = 8;

/// Arguments of `gitlab_search_code`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: Option<String>,
    /// Search text (GitLab syntax, e.g. filename:*.rs).
    #[schemars(length(max = 512))]
    pub query: Option<String>,
    /// Branch or tag (default branch if omitted).
    #[schemars(length(max = 255))]
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// Page size (default 20, max 100).
    pub limit: Option<u32>,
    /// next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: search code",
        "Search code in a project.",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_search_code`.
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
            ("query", &mut params.query),
            ("ref", &mut params.git_ref),
        ],
    )?;
    let project = gl.project(params.project.as_deref().ok_or_else(|| {
        ConnectorError::invalid("project is required, such as \"my-group/my-project\"")
    })?)?;
    let text = params
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .ok_or_else(|| ConnectorError::invalid("query is required: the code to search for"))?;
    if let Some(git_ref) = params.git_ref.as_deref() {
        ids::check_ref(git_ref, "ref")?;
    }
    let mut query = vec![("scope", "blobs".to_owned()), ("search", text.to_owned())];
    push_opt(&mut query, "ref", params.git_ref.as_deref());
    let window = paging::window::<Blob>(
        &gl.client,
        &format!("projects/{}/search", project.encoded()),
        &query,
        position,
        &format!("project {project}"),
        ctx,
    )
    .await?;
    let mut page = PageWriter::new(
        format!("code in {project} on {} matching {text:?}", gl.id),
        &ctx.budget,
    );
    for blob in &window.items {
        let uri = uris::blob(&gl.id, project.as_str(), &blob.git_ref, &blob.path);
        let mut item = format!("{}:{}\n", clean(&blob.path), blob.startline);
        let data = clean(&blob.data);
        for (index, line) in data.lines().take(HIT_LINES).enumerate() {
            let number = blob.startline + index as u64;
            let line: String = line.chars().take(300).collect();
            item.push_str(&format!("  {number:>5}  {line}\n"));
        }
        item.push_str(&format!("  {uri}"));
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
    Ok(page.finish(next, omitted, "no code matches; try fewer or other words"))
}
