//! `gitlab_update_issue`: close or reopen an issue, set its title, labels or assignees, in an
//! allowlisted project (only when the instance has writes enabled).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::instance::Instance;
use crate::render::{one_line, users};
use crate::tools::writes::{labels, user_ids};
use crate::uris;
use crate::wire::Issue;

/// The tool name.
pub(crate) const NAME: &str = "gitlab_update_issue";

/// The state to move an issue to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NewState {
    Opened,
    Closed,
}

/// Arguments of `gitlab_update_issue`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: String,
    /// Issue number (iid).
    pub iid: u64,
    /// opened or closed.
    pub state: Option<NewState>,
    /// New title.
    #[schemars(length(max = 255))]
    pub title: Option<String>,
    /// Replace all labels.
    pub labels: Option<Vec<String>>,
    /// Labels to add.
    pub add_labels: Option<Vec<String>>,
    /// Labels to remove.
    pub remove_labels: Option<Vec<String>>,
    /// Replace assignees (usernames; [] clears).
    pub assignees: Option<Vec<String>>,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: update issue",
        "Change an issue's state, title, labels or assignees in an allowlisted project.",
        ToolEffects {
            open_world: true,
            ..ToolEffects::DESTRUCTIVE_WRITE
        },
    )
}

/// Run `gitlab_update_issue`.
pub(crate) async fn run(
    gl: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let project = gl.writable(&params.project)?;
    let mut body = json!({});
    if let Some(state) = params.state {
        body["state_event"] = json!(match state {
            NewState::Opened => "reopen",
            NewState::Closed => "close",
        });
    }
    if let Some(title) = &params.title {
        if title.trim().is_empty() {
            return Err(ConnectorError::invalid("title must not be empty"));
        }
        body["title"] = json!(title);
    }
    if params.labels.is_some() && (params.add_labels.is_some() || params.remove_labels.is_some()) {
        return Err(ConnectorError::invalid(
            "pass labels (the whole new set) or add_labels/remove_labels (changes to the current set), not both",
        ));
    }
    for (key, list) in [
        ("labels", &params.labels),
        ("add_labels", &params.add_labels),
        ("remove_labels", &params.remove_labels),
    ] {
        if let Some(list) = list {
            body[key] = json!(labels(list)?);
        }
    }
    if let Some(names) = &params.assignees {
        body["assignee_ids"] = json!(user_ids(gl, names, ctx).await?);
    }
    if body.as_object().is_some_and(serde_json::Map::is_empty) {
        return Err(ConnectorError::invalid(
            "nothing to change: pass state, title, labels, add_labels, remove_labels or assignees",
        ));
    }
    let issue: Issue = gl
        .client
        .write_json(
            reqwest::Method::PUT,
            &format!("projects/{}/issues/{}", project.encoded(), params.iid),
            &body,
            &format!("issue #{} of {project}", params.iid),
            ctx,
        )
        .await?;
    let uri = uris::issue(&gl.id, project.as_str(), issue.iid);
    Ok(ToolOutput {
        text: format!(
            "updated issue #{} of {project} on {}: [{}] {} · labels: {} · assignees: {}\n{uri}",
            issue.iid,
            gl.id,
            issue.state,
            one_line(&issue.title),
            one_line(&issue.labels.join(", ")),
            users(&issue.assignees)
        ),
        uris: vec![uri],
        ..ToolOutput::default()
    })
}
