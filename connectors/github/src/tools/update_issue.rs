//! `github_update_issue`: change an issue's title, state, labels or assignees (writes enabled,
//! allowlisted repositories only). Labels and assignees given replace the current ones.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::client::Write;
use crate::ids::{check_number, check_text};
use crate::render;
use crate::tools::common::{Instance, finish};
use crate::tools::create_issue::check_names;
use crate::wire::Issue;

pub(crate) const NAME: &str = "github_update_issue";

/// New issue state.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NewState {
    Open,
    Closed,
}

/// Arguments of `github_update_issue`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: String,
    /// Issue number.
    pub number: u64,
    /// New title.
    pub title: Option<String>,
    /// open or closed.
    pub state: Option<NewState>,
    /// Labels (replace the current ones).
    pub labels: Option<Vec<String>>,
    /// Assignee logins (replace the current ones).
    pub assignees: Option<Vec<String>>,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Update a GitHub issue",
        "Change an issue's title, state, labels or assignees in an allowed repository.",
        ToolEffects::DESTRUCTIVE_WRITE,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let repo = instance.writable_repo(&params.repo)?;
    let number = check_number("number", params.number)?;
    let mut body = Map::new();
    if let Some(title) = &params.title {
        check_text("title", title, 1024)?;
        body.insert("title".into(), json!(title));
    }
    if let Some(state) = params.state {
        let state = match state {
            NewState::Open => "open",
            NewState::Closed => "closed",
        };
        body.insert("state".into(), json!(state));
    }
    check_names("labels", params.labels.as_ref())?;
    check_names("assignees", params.assignees.as_ref())?;
    if let Some(labels) = &params.labels {
        body.insert("labels".into(), json!(labels));
    }
    if let Some(assignees) = &params.assignees {
        body.insert("assignees".into(), json!(assignees));
    }
    if body.is_empty() {
        return Err(ConnectorError::invalid(
            "nothing to change: pass title, state, labels or assignees",
        ));
    }
    let issue: Issue = instance
        .client
        .write(
            Write::Patch,
            &format!("{}/issues/{number}", repo.api()),
            &Value::Object(body),
            &format!("issue #{number} of {}", repo.full()),
            ctx,
        )
        .await?;
    let (line, uri) = render::issue_line(&instance.id, &repo, &issue);
    Ok(finish(
        format!("updated {} {line}", repo.full()),
        false,
        vec![uri],
    ))
}
