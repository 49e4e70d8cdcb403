//! Compact text for issues, merge requests, notes, pipelines, dates and bodies: our own
//! minimal fields by default (number, title, state, author, labels, updated, URI), more with
//! `detail`. Every upstream string goes through [`clean`] (hidden characters stripped,
//! secrets redacted).

use std::fmt::Write as _;

use switchyard_core::budget::cut_text;

use crate::redact::clean;
use crate::uris;
use crate::wire::{Issue, MergeRequest, Note, Pipeline, User};

/// The characters of a body shown in a list item with `detail`.
const LIST_BODY_BYTES: usize = 600;

/// `2025-01-14` from an RFC 3339 time (or `?`).
pub(crate) fn day(time: Option<&str>) -> &str {
    match time {
        Some(time) if time.len() >= 10 && time.is_char_boundary(10) => &time[..10],
        Some(time) if !time.is_empty() => time,
        _ => "?",
    }
}

/// `@name`, or `@?` for a missing user.
pub(crate) fn user(user: Option<&User>) -> String {
    match user {
        Some(user) if !user.username.is_empty() => format!("@{}", clean(&user.username)),
        _ => "@?".to_owned(),
    }
}

/// `@a, @b`.
pub(crate) fn users(list: &[User]) -> String {
    list.iter()
        .map(|u| user(Some(u)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line of text: newlines and runs of spaces folded, secrets redacted.
pub(crate) fn one_line(text: &str) -> String {
    clean(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The project path of an item from its `references.full` (`group/project#7`).
pub(crate) fn project_of_reference(full: &str) -> Option<&str> {
    let end = full.rfind(['#', '!'])?;
    let path = &full[..end];
    (!path.is_empty()).then_some(path)
}

/// A body cut to `max` bytes, with a note saying what was cut and how to read the rest.
pub(crate) fn body(text: &str, max: usize, rest_hint: &str) -> (String, bool) {
    let text = clean(text);
    let cut = cut_text(&text, max);
    if !cut.is_truncated() {
        return (text.trim_end().to_owned(), false);
    }
    let mut out = cut.kept.trim_end().to_owned();
    let _ = write!(
        out,
        "\n[body truncated: {} ({}) not shown; {rest_hint}]",
        plural(cut.omitted_bytes as u64, "more byte"),
        plural(cut.omitted_lines as u64, "line")
    );
    (out, true)
}

/// An issue as a list item.
pub(crate) fn issue_item(instance: &str, project: &str, issue: &Issue, detail: bool) -> String {
    let mut line = format!(
        "#{} [{}] {}",
        issue.iid,
        issue.state,
        one_line(&issue.title)
    );
    let reference = issue.references.as_ref().map_or("", |r| r.full.as_str());
    let path = project_of_reference(reference).unwrap_or(project);
    if path != project {
        let _ = write!(line, " ({})", clean(reference));
    }
    let _ = write!(line, " · {}", user(issue.author.as_ref()));
    if !issue.labels.is_empty() {
        let _ = write!(line, " · labels: {}", one_line(&issue.labels.join(", ")));
    }
    let _ = write!(line, " · updated {}", day(issue.updated_at.as_deref()));
    if issue.user_notes_count > 0 {
        let _ = write!(line, " · {}", plural(issue.user_notes_count, "note"));
    }
    if detail {
        if !issue.assignees.is_empty() {
            let _ = write!(line, " · assignees: {}", users(&issue.assignees));
        }
        if let Some(milestone) = &issue.milestone {
            let _ = write!(line, " · milestone: {}", one_line(&milestone.title));
        }
        let _ = write!(line, " · created {}", day(issue.created_at.as_deref()));
        if let Some(text) = issue
            .description
            .as_deref()
            .filter(|t| !t.trim().is_empty())
        {
            let (text, _) = body(text, LIST_BODY_BYTES, "get_issue shows all");
            let _ = write!(line, "\n  {}", text.replace('\n', "\n  "));
        }
    }
    let _ = write!(line, "\n  {}", uris::issue(instance, path, issue.iid));
    line
}

/// A merge request as a list item.
pub(crate) fn merge_request_item(
    instance: &str,
    project: &str,
    mr: &MergeRequest,
    detail: bool,
) -> String {
    let mut line = format!("!{} [{}", mr.iid, mr.state);
    if mr.draft {
        line.push_str(", draft");
    }
    let _ = write!(line, "] {}", one_line(&mr.title));
    let reference = mr.references.as_ref().map_or("", |r| r.full.as_str());
    let path = project_of_reference(reference).unwrap_or(project);
    if path != project {
        let _ = write!(line, " ({})", clean(reference));
    }
    let _ = write!(
        line,
        " · {} · {} → {}",
        user(mr.author.as_ref()),
        one_line(&mr.source_branch),
        one_line(&mr.target_branch)
    );
    if !mr.labels.is_empty() {
        let _ = write!(line, " · labels: {}", one_line(&mr.labels.join(", ")));
    }
    let _ = write!(line, " · updated {}", day(mr.updated_at.as_deref()));
    if detail {
        if let Some(status) = &mr.detailed_merge_status {
            let _ = write!(line, " · merge status: {}", one_line(status));
        }
        if !mr.reviewers.is_empty() {
            let _ = write!(line, " · reviewers: {}", users(&mr.reviewers));
        }
        if let Some(text) = mr.description.as_deref().filter(|t| !t.trim().is_empty()) {
            let (text, _) = body(text, LIST_BODY_BYTES, "get_merge_request shows all");
            let _ = write!(line, "\n  {}", text.replace('\n', "\n  "));
        }
    }
    let _ = write!(line, "\n  {}", uris::merge_request(instance, path, mr.iid));
    line
}

/// A note as a list item, its body cut to `max` bytes.
pub(crate) fn note_item(note: &Note, max: usize) -> String {
    if note.system {
        return format!(
            "· {} {} (system) {}",
            day(note.created_at.as_deref()),
            user(note.author.as_ref()),
            one_line(&note.body)
        );
    }
    let (text, _) = body(
        &note.body,
        max,
        "this note is long; ask for fewer notes per page",
    );
    format!(
        "— {} {} (note {}):\n{}",
        day(note.created_at.as_deref()),
        user(note.author.as_ref()),
        note.id,
        text
    )
}

/// `pipeline 287 success on main (push) · 34 s · updated 2022-09-21`.
pub(crate) fn pipeline_line(pipeline: &Pipeline) -> String {
    let mut line = format!("pipeline {} {}", pipeline.id, pipeline.status);
    if let Some(name) = pipeline.name.as_deref().filter(|n| !n.is_empty()) {
        let _ = write!(line, " \"{}\"", one_line(name));
    }
    if let Some(git_ref) = &pipeline.git_ref {
        let _ = write!(line, " on {}", one_line(git_ref));
    }
    if let Some(sha) = &pipeline.sha {
        let _ = write!(line, " @{}", sha.get(..8).unwrap_or(sha));
    }
    if let Some(source) = &pipeline.source {
        let _ = write!(line, " ({})", one_line(source));
    }
    if let Some(duration) = pipeline.duration {
        let _ = write!(line, " · {duration:.0} s");
    }
    let _ = write!(
        line,
        " · updated {}",
        day(pipeline
            .updated_at
            .as_deref()
            .or(pipeline.created_at.as_deref()))
    );
    line
}

/// `1 comment`, `2 comments`.
pub(crate) fn plural(count: impl Into<u64>, noun: &str) -> String {
    let count = count.into();
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::{body, day, project_of_reference};

    #[test]
    fn small_helpers() {
        assert_eq!(day(Some("2025-01-14T11:16:17.520Z")), "2025-01-14");
        assert_eq!(day(None), "?");
        assert_eq!(project_of_reference("g/s/p#7"), Some("g/s/p"));
        assert_eq!(project_of_reference("g/p!5"), Some("g/p"));
        let (text, cut) = body(&"line\n".repeat(100), 50, "call x");
        assert!(cut && text.contains("[body truncated:") && text.ends_with("call x]"));
    }
}
