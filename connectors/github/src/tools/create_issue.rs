//! `github_create_issue`: open an issue (writes enabled, allowlisted repositories only).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::client::Write;
use crate::ids::check_text;
use crate::render;
use crate::tools::common::{Instance, finish};
use crate::wire::Issue;

pub(crate) const NAME: &str = "github_create_issue";

/// Arguments of `github_create_issue`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: String,
    /// Title.
    pub title: String,
    /// Markdown body.
    pub body: Option<String>,
    /// Label names.
    pub labels: Option<Vec<String>>,
    /// Assignee logins.
    pub assignees: Option<Vec<String>>,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Create a GitHub issue",
        "Open an issue in an allowed repository.",
        ToolEffects::ADDITIVE_WRITE,
    )
}

/// Check list arguments (labels, logins).
pub(crate) fn check_names(what: &str, names: Option<&Vec<String>>) -> Result<(), ConnectorError> {
    for name in names.into_iter().flatten() {
        check_text(what, name, 256)?;
        if name.trim().is_empty() {
            return Err(ConnectorError::invalid(format!(
                "{what} must not contain empty names"
            )));
        }
    }
    Ok(())
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let repo = instance.writable_repo(&params.repo)?;
    if params.title.trim().is_empty() {
        return Err(ConnectorError::invalid("title must not be empty"));
    }
    check_text("title", &params.title, 1024)?;
    check_text("body", params.body.as_deref().unwrap_or_default(), 65_536)?;
    check_names("labels", params.labels.as_ref())?;
    check_names("assignees", params.assignees.as_ref())?;
    let mut body = json!({ "title": params.title });
    if let Some(text) = &params.body {
        body["body"] = json!(text);
    }
    if let Some(labels) = &params.labels {
        body["labels"] = json!(labels);
    }
    if let Some(assignees) = &params.assignees {
        body["assignees"] = json!(assignees);
    }
    let issue: Issue = instance
        .client
        .write(
            Write::Post,
            &format!("{}/issues", repo.api()),
            &body,
            &format!("a new issue in {}", repo.full()),
            ctx,
        )
        .await?;
    let (line, uri) = render::issue_line(&instance.id, &repo, &issue);
    Ok(finish(
        format!("created {} {line}", repo.full()),
        false,
        vec![uri],
    ))
}
