//! `github_get_issue`: one issue (or pull request conversation): summary, body and comments,
//! paged. A body too long for the budget is cut and continued by the cursor; comments follow.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use switchyard_core::cursor::{decode_cursor, encode_cursor};
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::{Query, RepoId, check_number};
use crate::paging::{check_offset, page_size, required, same_instance};
use crate::render;
use crate::tools::common::Instance;
use crate::uris;
use crate::wire::{Comment, Issue};

pub(crate) const NAME: &str = "github_get_issue";

/// A comment longer than this is cut in the listing.
const COMMENT_CAP: usize = 3_000;

/// Arguments of `github_get_issue`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: Option<String>,
    /// Issue or pull request number.
    pub number: Option<u64>,
    /// Comments per page (default 30, max 100).
    pub limit: Option<u32>,
    /// next_cursor of the previous result (enough alone).
    pub cursor: Option<String>,
}

/// Where the next part starts: the rest of the body, or a page of comments.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cursor {
    t: String,
    /// The instance that made it.
    x: String,
    r: String,
    i: u64,
    /// Byte offset into the body still to show.
    b: Option<usize>,
    /// Comments page, page size, and comments of that page already shown.
    p: u32,
    n: u32,
    s: u32,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Get a GitHub issue",
        "Get an issue or pull request conversation: summary, body and comments (paged).",
        ToolEffects::REMOTE_READ,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let limit = params
        .limit
        .map(|n| page_size("limit", Some(n), 30, 100))
        .transpose()?;
    let cursor = match params.cursor.as_deref() {
        None => {
            let repo = required(params.repo.as_deref(), "repo", "\"octo/hello\"")?;
            let number = params.number.ok_or_else(|| {
                ConnectorError::invalid(
                    "number is required (such as 12), unless you pass a cursor that carries it",
                )
            })?;
            Cursor {
                t: NAME.to_owned(),
                x: instance.id.clone(),
                r: instance.repo(repo)?.full(),
                i: check_number("number", number)?,
                b: Some(0),
                p: 1,
                n: limit.unwrap_or(30),
                s: 0,
            }
        }
        Some(text) => resume(instance, text, &params, limit)?,
    };
    let repo = instance.repo(&cursor.r)?;
    let number = check_number("number", cursor.i)?;
    let what = format!("issue #{number} of {}", repo.full());
    let (issue, _): (Issue, bool) = instance
        .client
        .get_json(&format!("{}/issues/{number}", repo.api()), &what, ctx)
        .await?;
    let mut text = String::new();
    let mut uris = vec![uris::issue(&instance.id, &repo, number)];
    if let Some(offset) = cursor.b {
        let body_len = issue.body.as_deref().map_or(0, str::len);
        if offset > 0 && offset >= body_len {
            return Err(ConnectorError::invalid(format!(
                "this cursor holds an impossible position (was it edited?): byte {offset} of a {body_len}-byte body"
            )));
        }
        if offset == 0 {
            text.push_str(&summary(&instance.id, &repo, &issue));
        } else {
            let _ = writeln!(text, "#{number} body, from byte {offset}:");
        }
        let body = issue.body.clone().unwrap_or_default();
        let room = ctx.budget.fraction(3, 5).saturating_sub(text.len());
        let (part, rest) = render::body_part(&body, offset, room);
        if body.trim().is_empty() {
            text.push_str("(no description)\n");
        } else {
            text.push_str(&part);
            if !text.ends_with('\n') {
                text.push('\n');
            }
        }
        if let Some(rest) = rest {
            let next = Cursor {
                b: Some(rest),
                ..cursor
            };
            let _ = write!(
                text,
                "[truncated: {} of the body; pass cursor \"{}\" to read on, then the comments ({})]",
                render::plural((body.len() - rest) as u64, "more byte"),
                encode_cursor(&next),
                issue.comments
            );
            return Ok(ToolOutput {
                text,
                truncated: true,
                next_cursor: Some(encode_cursor(&next)),
                uris,
                structured: None,
            });
        }
    }
    if issue.comments == 0 {
        text.push_str("(no comments)\n");
        return Ok(crate::tools::common::finish(text, false, uris));
    }
    let mut query = Query::default();
    query
        .push("per_page", cursor.n.to_string())
        .push("page", cursor.p.to_string());
    let (comments, has_next): (Vec<Comment>, bool) = instance
        .client
        .get_json(
            &format!("{}/issues/{number}/comments{}", repo.api(), query.as_str()),
            &format!("the comments of {what}"),
            ctx,
        )
        .await?;
    let _ = write!(text, "comments ({} in all):", issue.comments);
    let mut page = PageWriter::new(text, &ctx.budget);
    for comment in comments.iter().skip(cursor.s as usize) {
        let body = comment.body.clone().unwrap_or_default();
        let (part, rest) = render::body_part(&body, 0, COMMENT_CAP);
        let mut item = format!(
            "— {} {}:\n{}",
            render::login(comment.user.as_ref()),
            render::day(comment.created_at.as_ref()),
            part.trim_end()
        );
        if let Some(rest) = rest {
            let whole = uris::comment(&instance.id, &repo, comment.id);
            let _ = write!(
                item,
                "\n[comment cut: {}; read_context {whole} reads all of it]",
                render::plural((body.len() - rest) as u64, "more byte")
            );
        }
        if !page.push(&item, None) {
            break;
        }
    }
    let shown = page.shown();
    let remaining_here = comments.len().saturating_sub(cursor.s as usize);
    let next = if shown < remaining_here {
        Some(Cursor {
            b: None,
            s: cursor.s + u32::try_from(shown).unwrap_or(u32::MAX),
            ..cursor.clone()
        })
    } else if has_next {
        Some(Cursor {
            b: None,
            p: cursor.p + 1,
            s: 0,
            ..cursor.clone()
        })
    } else {
        None
    };
    let before = u64::from(cursor.p - 1) * u64::from(cursor.n) + u64::from(cursor.s);
    let omitted = issue.comments.saturating_sub(before + shown as u64);
    let omitted = usize::try_from(omitted).ok().filter(|_| next.is_some());
    let mut output = page.finish(next.as_ref().map(encode_cursor), omitted, "");
    output.uris.append(&mut uris);
    Ok(output)
}

/// Decode a cursor: made here, by this tool, for the repository and number given (if given),
/// at a possible position; a `limit` resizes the comment pages from the same comment.
fn resume(
    instance: &Instance,
    text: &str,
    params: &Params,
    limit: Option<u32>,
) -> Result<Cursor, ConnectorError> {
    let cursor: Cursor = decode_cursor(text)?;
    if cursor.t != NAME {
        return Err(ConnectorError::invalid(format!(
            "this cursor is not from {NAME}; omit cursor to start over"
        )));
    }
    same_instance(&cursor.x, &instance.id)?;
    let repo_differs = params
        .repo
        .as_deref()
        .is_some_and(|r| !r.eq_ignore_ascii_case(&cursor.r));
    if repo_differs || params.number.is_some_and(|n| n != cursor.i) {
        return Err(ConnectorError::invalid(format!(
            "this cursor continues {}#{}; pass it alone (or with that repo and number), or omit cursor to start over",
            cursor.r, cursor.i
        )));
    }
    let offset = check_offset(cursor.p, cursor.n, cursor.s, 100)?;
    Ok(match limit {
        Some(n) if n != cursor.n => Cursor {
            p: u32::try_from(offset / u64::from(n) + 1).unwrap_or(u32::MAX),
            n,
            s: u32::try_from(offset % u64::from(n)).unwrap_or(0),
            ..cursor
        },
        _ => cursor,
    })
}

/// One comment from byte `from` of its body, as much as the response budget holds, with the URI
/// that continues it: what `…/issues/comments/<id>[/from/<byte>]` reads.
pub(crate) async fn comment(
    instance: &Instance,
    repo: &RepoId,
    id: u64,
    from: usize,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let what = format!("comment {id} in {}", repo.full());
    let (comment, _): (Comment, bool) = instance
        .client
        .get_json(&format!("{}/issues/comments/{id}", repo.api()), &what, ctx)
        .await?;
    let body = comment.body.unwrap_or_default();
    if from > 0 && from >= body.len() {
        return Err(ConnectorError::invalid(format!(
            "comment {id} has {} bytes; from/{from} is past its end",
            body.len()
        )));
    }
    let mut text = format!(
        "{} comment {id} by {} on {}",
        repo.full(),
        render::login(comment.user.as_ref()),
        render::day(comment.created_at.as_ref()),
    );
    if from > 0 {
        let _ = write!(text, ", from byte {from}");
    }
    text.push_str(":\n");
    // Room for the header and the continuation line.
    let room = ctx.budget.max_bytes().saturating_sub(text.len() + 300);
    let (part, rest) = render::body_part(&body, from, room);
    text.push_str(part.trim_end());
    text.push('\n');
    let mut truncated = false;
    if let Some(next) = rest {
        truncated = true;
        let _ = writeln!(
            text,
            "[cut: {} more bytes; read_context {} for the rest]",
            body.len() - next,
            uris::comment_from(&instance.id, repo, id, next)
        );
    }
    Ok(ToolOutput {
        uris: vec![uris::comment(&instance.id, repo, id)],
        truncated,
        ..ToolOutput::text(text)
    })
}

/// The header of an issue: state, author, labels, dates, assignees, milestone, URI.
pub(crate) fn summary(instance: &str, repo: &RepoId, issue: &Issue) -> String {
    let (line, _) = render::issue_line(instance, repo, issue);
    let mut text = format!("{} {line}\n", repo.full());
    let _ = write!(text, "created {}", render::day(issue.created_at.as_ref()));
    if issue.closed_at.is_some() {
        let _ = write!(text, " · closed {}", render::day(issue.closed_at.as_ref()));
    }
    if !issue.assignees.is_empty() {
        let names: Vec<String> = issue
            .assignees
            .iter()
            .map(|u| render::login(Some(u)))
            .collect();
        let _ = write!(text, " · assigned {}", names.join(" "));
    }
    if let Some(milestone) = &issue.milestone {
        let _ = write!(text, " · milestone {}", render::clean(&milestone.title));
    }
    text.push_str("\n\n");
    text
}
