//! `gitlab_get_merge_request_files`: the files a merge request changes, one line each (status
//! including renamed and binary, +/- counts, collapsed kinds), paged with GitLab's diffs list.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::diffs::file_change;
use crate::instance::Instance;
use crate::paging;
use crate::wire::Diff;

/// The tool name.
pub(crate) const NAME: &str = "gitlab_get_merge_request_files";

/// Arguments of `gitlab_get_merge_request_files`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: Option<String>,
    /// Merge request number (iid).
    pub iid: Option<u64>,
    /// Page size (default 50, max 100).
    pub limit: Option<u32>,
    /// next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: merge request files",
        "List the files a merge request changes with status and +/- counts.",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_get_merge_request_files`.
pub(crate) async fn run(
    gl: &Instance,
    mut params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let mut iid = params.iid.map(|i| i.to_string());
    let (position, listing) = paging::start(
        NAME,
        &gl.id,
        params.cursor.as_deref(),
        params.limit,
        50,
        &mut [("project", &mut params.project), ("iid", &mut iid)],
    )?;
    let project = gl.project(params.project.as_deref().ok_or_else(|| {
        ConnectorError::invalid("project is required, such as \"my-group/my-project\"")
    })?)?;
    let iid: u64 = iid
        .as_deref()
        .and_then(|i| i.parse().ok())
        .ok_or_else(|| ConnectorError::invalid("iid is required: the merge request's number"))?;
    let window = paging::window::<Diff>(
        &gl.client,
        &format!("projects/{}/merge_requests/{iid}/diffs", project.encoded()),
        &[],
        position,
        &format!("merge request !{iid} of {project}"),
        ctx,
    )
    .await?;
    let mut page = PageWriter::new(
        format!(
            "files changed by merge request !{iid} of {project} on {}",
            gl.id
        ),
        &ctx.budget,
    );
    for diff in &window.items {
        let change = file_change(diff);
        let mut line = change.summary();
        if let Some(note) = change.upstream_note {
            line.push_str(&format!(" ({note})"));
        }
        if !page.push(&crate::redact::clean(&line), None) {
            break;
        }
    }
    let shown = page.shown();
    let next = (window.more || shown < window.items.len())
        .then(|| paging::next(NAME, &gl.id, position, shown, listing));
    let omitted = window
        .total
        .map(|total| total.saturating_sub(position.offset + shown));
    Ok(page.finish(next, omitted, "the merge request changes no files"))
}
