//! How notes read as text: a one-line summary for lists, the whole note for reads.

use std::fmt::Write as _;

use switchyard_core::sanitize::strip_hidden;

use crate::store::Note;

/// The URI of a note.
pub fn uri(id: i64) -> String {
    format!("note://{id}")
}

/// The first line of a note, shortened.
pub fn title(note: &Note) -> String {
    let first = note
        .text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let first = strip_hidden(first.trim());
    if first.chars().count() > 100 {
        let cut: String = first.chars().take(99).collect();
        format!("{cut}…")
    } else {
        first.into_owned()
    }
}

/// One line per note in a list.
pub fn line(note: &Note) -> String {
    let mut line = format!(
        "{} · {} · {} · {}",
        uri(note.id),
        note.created_at,
        note.author,
        title(note)
    );
    if !note.tags.is_empty() {
        let _ = write!(line, " · tags: {}", note.tags.join(", "));
    }
    if !note.links.is_empty() {
        let _ = write!(line, " · links: {}", note.links.len());
    }
    line
}

/// The whole note.
pub fn full(note: &Note) -> String {
    let mut text = format!("note {} by {}", uri(note.id), note.author);
    if let Some(team) = &note.team {
        let _ = write!(text, " ({team})");
    }
    let _ = writeln!(text, " at {}", note.created_at);
    if !note.tags.is_empty() {
        let _ = writeln!(text, "tags: {}", note.tags.join(", "));
    }
    for link in &note.links {
        let _ = writeln!(text, "links: {link}");
    }
    text.push('\n');
    text.push_str(&strip_hidden(&note.text));
    text
}
