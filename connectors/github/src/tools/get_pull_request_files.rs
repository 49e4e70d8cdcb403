//! `github_get_pull_request_files`: the changed files of a pull request, one line each
//! (status incl. renamed and binary, +/- counts, collapsed kinds), paged.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::{Query, parse_number};
use crate::paging::{PageSize, Position, required};
use crate::tools::common::{Instance, file_change};
use crate::wire::DiffEntry;

pub(crate) const NAME: &str = "github_get_pull_request_files";

/// Arguments of `github_get_pull_request_files`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: Option<String>,
    /// Pull request number.
    pub number: Option<u64>,
    /// Files per page (default 100, max 100).
    pub limit: Option<u32>,
    /// next_cursor of the previous page (enough alone).
    pub cursor: Option<String>,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "List pull request files",
        "List a pull request's changed files with status and +/- counts.",
        ToolEffects::REMOTE_READ,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let mut repo_arg = params.repo.clone();
    let mut number_arg = params.number.map(|n| n.to_string());
    let position = Position::start(
        NAME,
        &instance.id,
        params.cursor.as_deref(),
        params.limit,
        PageSize {
            default: 100,
            max: 100,
        },
        &mut [("repo", &mut repo_arg), ("number", &mut number_arg)],
    )?;
    let repo = instance.repo(required(repo_arg.as_deref(), "repo", "\"octo/hello\"")?)?;
    let number = parse_number(required(number_arg.as_deref(), "number", "12")?)?;
    let mut query = Query::default();
    query
        .push("per_page", position.n.to_string())
        .push("page", position.p.to_string());
    let what = format!("the files of pull request #{number} of {}", repo.full());
    let (files, has_next): (Vec<DiffEntry>, bool) = instance
        .client
        .get_json(
            &format!("{}/pulls/{number}/files{}", repo.api(), query.as_str()),
            &what,
            ctx,
        )
        .await?;
    let mut page = PageWriter::new(
        format!("files of {} #{number} on {}", repo.full(), instance.id),
        &ctx.budget,
    );
    for entry in files.iter().skip(position.s as usize) {
        let change = file_change(entry);
        let mut line = change.summary();
        if let Some(note) = change.upstream_note {
            line.push_str(&format!(" ({note})"));
        }
        if !page.push(&line, None) {
            break;
        }
    }
    let next = position.next(page.shown(), files.len(), has_next);
    Ok(page.finish(next, None, "the pull request changes no files"))
}
