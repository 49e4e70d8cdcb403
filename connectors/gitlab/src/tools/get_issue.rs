//! `gitlab_get_issue`: one issue (its fields and body) and its notes, oldest first, paged. A
//! long body is cut with a cursor that shows the rest of it before the notes.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::budget::cut_text;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::Project;
use crate::instance::Instance;
use crate::paging::{self, Position};
use crate::redact::clean;
use crate::render::{self, day, one_line, user, users};
use crate::tools::common::{ItemCursor, item_arguments};
use crate::uris;
use crate::wire::{Issue, Note};

/// The tool name.
pub(crate) const NAME: &str = "gitlab_get_issue";
const DEFAULT_NOTES: usize = 20;

/// Arguments of `gitlab_get_issue`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: Option<String>,
    /// Issue number (iid).
    pub iid: Option<u64>,
    /// Notes per page (default 20, max 100).
    pub limit: Option<u32>,
    /// next_cursor of the previous page (enough alone).
    pub cursor: Option<String>,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: get issue",
        "Get an issue with its body and notes (paged).",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_get_issue`.
pub(crate) async fn run(
    gl: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let limit = paging::start(NAME, &gl.id, None, params.limit, DEFAULT_NOTES, &mut [])?
        .0
        .limit;
    let cursor = match params.cursor.as_deref() {
        Some(text) => ItemCursor::decode(
            text,
            NAME,
            &gl.id,
            params.project.as_deref(),
            params.iid,
            true,
        )?,
        None => {
            let (project, iid) = item_arguments(params.project.as_deref(), params.iid, "12")?;
            ItemCursor {
                t: NAME.to_owned(),
                x: gl.id.clone(),
                p: project,
                i: iid,
                b: Some(0),
                o: 0,
                n: limit,
            }
        }
    };
    let project = gl.project(&cursor.p)?;
    let iid = cursor.i;
    let limit = params.limit.map_or(cursor.n, |_| limit);
    let object = format!("issue #{} of {project}", iid);
    let base = format!("projects/{}/issues/{}", project.encoded(), iid);
    let mut text = String::new();
    let mut truncated = false;
    let mut next: Option<ItemCursor> = None;
    if let Some(from) = cursor.b {
        let (issue, _) = gl
            .client
            .get_json::<Issue>(&base, &[], &object, ctx)
            .await?;
        if from == 0 {
            text = header(gl, &project, &issue);
        } else {
            let _ = writeln!(
                text,
                "issue #{} of {project} (continued from byte {from} of its body)",
                issue.iid
            );
        }
        let body = clean(issue.description.as_deref().unwrap_or_default());
        let rest = body.get(from..).unwrap_or_default();
        let room = ctx.budget.max_bytes() * 3 / 5;
        let cut = cut_text(rest, room.saturating_sub(text.len()));
        if !rest.trim().is_empty() {
            let _ = writeln!(text, "---\n{}", cut.kept.trim_end());
        }
        if cut.is_truncated() {
            truncated = true;
            let at = from + cut.kept.len();
            next = Some(ItemCursor {
                b: Some(at),
                o: 0,
                n: limit,
                ..cursor.clone()
            });
            let _ = writeln!(
                text,
                "[body truncated: {} not shown; pass next_cursor for the rest, then the notes]",
                render::plural(cut.omitted_bytes as u64, "more byte")
            );
        }
    }
    if next.is_none() {
        let position = Position {
            offset: cursor.o,
            limit,
        };
        let window = paging::window::<Note>(
            &gl.client,
            &format!("{base}/notes"),
            &[
                ("sort", "asc".to_owned()),
                ("order_by", "created_at".to_owned()),
            ],
            position,
            &object,
            ctx,
        )
        .await?;
        let mut budget = ctx.budget;
        let used = text.len() / switchyard_core::budget::BYTES_PER_TOKEN;
        budget = switchyard_core::ResponseBudget::tokens(budget.max_tokens().saturating_sub(used));
        let mut page = PageWriter::new(
            format!(
                "notes of issue #{} of {project} (oldest first, from {}):",
                iid,
                position.offset + 1
            ),
            &budget,
        );
        let note_room = (budget.max_bytes() / 4).max(1024);
        for note in &window.items {
            if !page.push(&render::note_item(note, note_room), None) {
                break;
            }
        }
        let shown = page.shown();
        let more = window.more || shown < window.items.len();
        let cursor_text = more.then(|| {
            ItemCursor {
                b: None,
                o: position.offset + shown,
                n: limit,
                ..cursor.clone()
            }
            .encode()
        });
        let omitted = window
            .total
            .map(|t| t.saturating_sub(position.offset + shown));
        let notes = page.finish(cursor_text.clone(), omitted, "no notes");
        text.push_str(&notes.text);
        return Ok(ToolOutput {
            text,
            truncated: truncated || notes.truncated,
            next_cursor: cursor_text,
            uris: vec![uris::issue(&gl.id, project.as_str(), iid)],
            structured: None,
        });
    }
    let next_text = next.map(|c| c.encode());
    if let Some(cursor) = &next_text {
        let _ = write!(
            text,
            "---\ntruncated: true · next_cursor: \"{cursor}\" (pass it as cursor to get more)"
        );
    }
    Ok(ToolOutput {
        text,
        truncated,
        next_cursor: next_text,
        uris: vec![uris::issue(&gl.id, project.as_str(), iid)],
        structured: None,
    })
}

/// The issue's fields, one per line.
pub(crate) fn header(gl: &Instance, project: &Project, issue: &Issue) -> String {
    let mut text = format!(
        "#{} [{}] {}\n{}\nproject {project} · author {} · created {} · updated {}",
        issue.iid,
        issue.state,
        one_line(&issue.title),
        uris::issue(&gl.id, project.as_str(), issue.iid),
        user(issue.author.as_ref()),
        day(issue.created_at.as_deref()),
        day(issue.updated_at.as_deref()),
    );
    if let Some(closed) = issue.closed_at.as_deref() {
        let _ = write!(text, " · closed {}", day(Some(closed)));
    }
    text.push('\n');
    if !issue.labels.is_empty() {
        let _ = writeln!(text, "labels: {}", one_line(&issue.labels.join(", ")));
    }
    if !issue.assignees.is_empty() {
        let _ = writeln!(text, "assignees: {}", users(&issue.assignees));
    }
    let mut extra = Vec::new();
    if let Some(milestone) = &issue.milestone {
        extra.push(format!("milestone {}", one_line(&milestone.title)));
    }
    if let Some(due) = &issue.due_date {
        extra.push(format!("due {due}"));
    }
    if let Some(kind) = issue.issue_type.as_deref().filter(|k| *k != "issue") {
        extra.push(format!("type {kind}"));
    }
    if issue.confidential {
        extra.push("confidential".to_owned());
    }
    if let Some(tasks) = issue.task_status.as_deref().filter(|t| !t.is_empty()) {
        extra.push(one_line(tasks));
    }
    extra.push(crate::render::plural(issue.user_notes_count, "note"));
    let _ = writeln!(text, "{}", extra.join(" · "));
    text
}
