//! Compact text for issues, pull requests, commits and bodies: our own minimal fields
//! (number, title, state, author, labels, updated, URI), untrusted text cleaned.

use std::fmt::Write as _;

use switchyard_core::budget::cut_text;
use switchyard_core::sanitize::strip_hidden;

use crate::ids::RepoId;
use crate::uris;
use crate::wire::{Issue, Label, Pull, User};

/// Text from GitHub, with invisible and bidi control characters removed.
pub(crate) fn clean(text: &str) -> String {
    strip_hidden(text).into_owned()
}

/// `@login`, or `@ghost` for a deleted account.
pub(crate) fn login(user: Option<&User>) -> String {
    match user {
        Some(user) if !user.login.is_empty() => format!("@{}", clean(&user.login)),
        _ => "@ghost".to_owned(),
    }
}

/// The day of an RFC 3339 time (`2025-01-15`).
pub(crate) fn day(time: Option<&String>) -> &str {
    time.map_or("?", |t| t.get(..10).unwrap_or(t))
}

/// ` [bug, ui]`, or nothing.
pub(crate) fn labels(labels: &[Label]) -> String {
    if labels.is_empty() {
        return String::new();
    }
    let names: Vec<String> = labels.iter().map(|l| clean(&l.name)).collect();
    format!(" [{}]", names.join(", "))
}

/// One line on a subject: newlines folded, at most `max` bytes.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let text = clean(text).replace(['\r', '\n'], " ");
    let cut = cut_text(&text, max);
    if cut.is_truncated() {
        format!("{}…", cut.kept.trim_end())
    } else {
        text
    }
}

/// An issue (or a pull request in an issue listing) on one line, and its URI.
pub(crate) fn issue_line(instance: &str, repo: &RepoId, issue: &Issue) -> (String, String) {
    let is_pull = issue.pull_request.is_some();
    let uri = if is_pull {
        uris::pull(instance, repo, issue.number)
    } else {
        uris::issue(instance, repo, issue.number)
    };
    let mut line = format!(
        "{}#{} {} \"{}\" {}{}",
        if is_pull { "PR " } else { "" },
        issue.number,
        state_word(&issue.state, issue.state_reason.as_deref(), issue.draft),
        one_line(&issue.title, 200),
        login(issue.user.as_ref()),
        labels(&issue.labels)
    );
    if issue.comments > 0 {
        let _ = write!(line, " · {}", plural(issue.comments, "comment"));
    }
    let _ = write!(
        line,
        " · updated {} · {uri}",
        day(issue.updated_at.as_ref())
    );
    (line, uri)
}

/// A pull request on one line, and its URI.
pub(crate) fn pull_line(instance: &str, repo: &RepoId, pull: &Pull) -> (String, String) {
    let uri = uris::pull(instance, repo, pull.number);
    let state = if pull.merged_at.is_some() {
        "merged"
    } else {
        state_word(&pull.state, None, pull.draft)
    };
    let line = format!(
        "#{} {state} \"{}\" {}{} · {} ← {} · updated {} · {uri}",
        pull.number,
        one_line(&pull.title, 200),
        login(pull.user.as_ref()),
        labels(&pull.labels),
        clean(&pull.base.name),
        clean(&pull.head.label),
        day(pull.updated_at.as_ref())
    );
    (line, uri)
}

/// `open`, `draft`, `closed`, `closed (not planned)`.
pub(crate) fn state_word<'a>(state: &'a str, reason: Option<&str>, draft: Option<bool>) -> &'a str {
    match (state, reason, draft) {
        ("open", _, Some(true)) => "draft",
        ("closed", Some("not_planned"), _) => "closed (not planned)",
        ("closed", Some("duplicate"), _) => "closed (duplicate)",
        _ => state,
    }
}

/// A body for an item list: the first `max` bytes on one line.
pub(crate) fn excerpt(body: Option<&String>, max: usize) -> Option<String> {
    body.filter(|b| !b.trim().is_empty())
        .map(|b| one_line(b, max))
}

/// A long body cut at `max` bytes from byte `offset`; returns the text, and the offset of
/// the rest when cut.
pub(crate) fn body_part(body: &str, offset: usize, max: usize) -> (String, Option<usize>) {
    let mut start = offset.min(body.len());
    while !body.is_char_boundary(start) {
        start -= 1;
    }
    let cut = cut_text(&body[start..], max);
    let text = clean(cut.kept);
    if cut.is_truncated() {
        (text, Some(start + cut.kept.len()))
    } else {
        (text, None)
    }
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
    use super::{body_part, one_line, state_word};

    #[test]
    fn bodies_are_cut_and_resumable() {
        let body = "aaaa\nbbbb\ncccc\n";
        let (first, rest) = body_part(body, 0, 5);
        assert_eq!(first, "aaaa\n");
        let (second, rest) = body_part(body, rest.unwrap(), 100);
        assert_eq!(second, "bbbb\ncccc\n");
        assert!(rest.is_none());
        assert_eq!(one_line("a\u{202E}b\nc", 10), "ab c");
        assert_eq!(state_word("open", None, Some(true)), "draft");
    }
}
