//! `gitlab_create_issue`: open an issue in an allowlisted project (only when the instance has
//! writes enabled).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::instance::Instance;
use crate::render::one_line;
use crate::tools::writes::{labels, user_ids};
use crate::uris;
use crate::wire::Issue;

/// The tool name.
pub(crate) const NAME: &str = "gitlab_create_issue";

/// Arguments of `gitlab_create_issue`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: String,
    /// Title.
    #[schemars(length(max = 255))]
    pub title: String,
    /// Body (Markdown).
    #[schemars(length(max = 1000000))]
    pub description: Option<String>,
    /// Labels.
    pub labels: Option<Vec<String>>,
    /// Assignee usernames.
    pub assignees: Option<Vec<String>>,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: create issue",
        "Create an issue in an allowlisted project.",
        ToolEffects {
            open_world: true,
            ..ToolEffects::ADDITIVE_WRITE
        },
    )
}

/// Run `gitlab_create_issue`.
pub(crate) async fn run(
    gl: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let project = gl.writable(&params.project)?;
    if params.title.trim().is_empty() {
        return Err(ConnectorError::invalid("title must not be empty"));
    }
    let mut body = json!({ "title": params.title });
    if let Some(description) = &params.description {
        body["description"] = json!(description);
    }
    if let Some(list) = &params.labels {
        body["labels"] = json!(labels(list)?);
    }
    if let Some(names) = &params.assignees {
        body["assignee_ids"] = json!(user_ids(gl, names, ctx).await?);
    }
    let issue: Issue = gl
        .client
        .write_json(
            reqwest::Method::POST,
            &format!("projects/{}/issues", project.encoded()),
            &body,
            &format!("a new issue in {project}"),
            ctx,
        )
        .await?;
    let uri = uris::issue(&gl.id, project.as_str(), issue.iid);
    Ok(ToolOutput {
        text: format!(
            "created issue #{} in {project} on {}: {}\n{uri}",
            issue.iid,
            gl.id,
            one_line(&issue.title)
        ),
        uris: vec![uri],
        ..ToolOutput::default()
    })
}
