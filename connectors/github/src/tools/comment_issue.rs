//! `github_comment_issue`: comment on an issue or pull request (writes enabled, allowlisted
//! repositories only).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::client::Write;
use crate::ids::{check_number, check_text};
use crate::tools::common::{Instance, finish};
use crate::uris;
use crate::wire::Comment;

pub(crate) const NAME: &str = "github_comment_issue";

/// Arguments of `github_comment_issue`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: String,
    /// Issue or pull request number.
    pub number: u64,
    /// Markdown comment.
    pub body: String,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Comment on a GitHub issue",
        "Add a comment to an issue or pull request in an allowed repository.",
        ToolEffects::ADDITIVE_WRITE,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let repo = instance.writable_repo(&params.repo)?;
    let number = check_number("number", params.number)?;
    if params.body.trim().is_empty() {
        return Err(ConnectorError::invalid("body must not be empty"));
    }
    check_text("body", &params.body, 65_536)?;
    let comment: Comment = instance
        .client
        .write(
            Write::Post,
            &format!("{}/issues/{number}/comments", repo.api()),
            &json!({ "body": params.body }),
            &format!("a comment on #{number} of {}", repo.full()),
            ctx,
        )
        .await?;
    let uri = uris::issue(&instance.id, &repo, number);
    Ok(finish(
        format!(
            "commented on {}#{number} (comment {}) · {uri}",
            repo.full(),
            comment.id
        ),
        false,
        vec![uri],
    ))
}
