//! `gitlab_comment_issue`: add a note to an issue of an allowlisted project (only when the
//! instance has writes enabled).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::instance::Instance;
use crate::uris;
use crate::wire::Note;

/// The tool name.
pub(crate) const NAME: &str = "gitlab_comment_issue";

/// Arguments of `gitlab_comment_issue`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: String,
    /// Issue number (iid).
    pub iid: u64,
    /// Comment (Markdown).
    #[schemars(length(max = 1000000))]
    pub body: String,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: comment on issue",
        "Add a comment to an issue in an allowlisted project.",
        ToolEffects {
            open_world: true,
            ..ToolEffects::ADDITIVE_WRITE
        },
    )
}

/// Run `gitlab_comment_issue`.
pub(crate) async fn run(
    gl: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let project = gl.writable(&params.project)?;
    if params.body.trim().is_empty() {
        return Err(ConnectorError::invalid("body must not be empty"));
    }
    let note: Note = gl
        .client
        .write_json(
            reqwest::Method::POST,
            &format!("projects/{}/issues/{}/notes", project.encoded(), params.iid),
            &json!({ "body": params.body }),
            &format!("issue #{} of {project}", params.iid),
            ctx,
        )
        .await?;
    let uri = uris::issue(&gl.id, project.as_str(), params.iid);
    Ok(ToolOutput {
        text: format!(
            "added note {} to issue #{} of {project} on {}\n{uri}",
            note.id, params.iid, gl.id
        ),
        uris: vec![uri],
        ..ToolOutput::default()
    })
}
