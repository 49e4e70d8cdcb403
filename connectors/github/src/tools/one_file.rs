//! One file's patch, read in parts: the diff tools' `path` mode. `core::patch::render_diff`
//! cuts a file and points at `path="…"`, which is where the caller already is; here the cut
//! names `from_line`, the patch line the next part starts at, so a patch of any length can be
//! read to its end. Lines are counted in the patch as shown (hunk headers included).

use std::fmt::Write as _;

use switchyard_core::ConnectorError;
use switchyard_core::patch::{FileChange, cap_patch};

use crate::render;

/// What to show of one file.
#[derive(Debug)]
pub(crate) struct Part<'a> {
    /// The first patch line to show (1-based).
    pub from_line: u32,
    /// Patch lines to show at most.
    pub max_lines: u32,
    /// Bytes for the whole text.
    pub max_bytes: usize,
    /// The call that shows this file, to which ` from_line=N` is appended.
    pub again: &'a str,
}

/// Render `file` from `part.from_line`; `Ok((text, truncated))`.
pub(crate) fn render(
    file: &FileChange<'_>,
    part: &Part<'_>,
) -> Result<(String, bool), ConnectorError> {
    let (added, deleted) = file.line_counts();
    let mut text = format!(
        "1 file changed, +{added} -{deleted}\n\n=== {}\n",
        render::clean(&file.summary())
    );
    let from = part.from_line.max(1) as usize;
    let patch = match (file.binary, file.patch) {
        (false, Some(patch)) if !patch.is_empty() => patch,
        _ if from > 1 => {
            return Err(ConnectorError::invalid(format!(
                "from_line {from} is past the end: {} has no text patch",
                render::clean(file.path)
            )));
        }
        (true, _) => return Ok((text + "(binary file, no text diff)\n", false)),
        _ => {
            let note = file.upstream_note.unwrap_or("no patch (no text change)");
            let _ = writeln!(text, "({note})");
            return Ok((text, false));
        }
    };
    let total = patch.lines().count();
    if from > total {
        return Err(ConnectorError::invalid(format!(
            "from_line {from} is past the end: the patch of {} has {}",
            render::clean(file.path),
            render::plural(total as u64, "line")
        )));
    }
    let start = match from.checked_sub(2) {
        None => 0,
        Some(before) => patch
            .match_indices('\n')
            .nth(before)
            .map_or(patch.len(), |(at, _)| at + 1),
    };
    if from > 1 {
        let _ = write!(text, "(patch lines from {from} of {total}");
        if let Some(hunk) = patch[..start].lines().rev().find(|l| l.starts_with("@@")) {
            let _ = write!(text, "; inside hunk {}", render::clean(hunk));
        }
        text.push_str(")\n");
    }
    let room = part.max_bytes.saturating_sub(text.len() + 400);
    let capped = cap_patch(&patch[start..], part.max_lines as usize, room);
    text.push_str(&render::clean(capped.kept));
    if !capped.kept.is_empty() && !capped.kept.ends_with('\n') {
        let _ = write!(
            text,
            "\n(line {} cut: it is longer than the response budget)",
            from + capped.shown_lines.saturating_sub(1)
        );
        text.push('\n');
    }
    if capped.is_truncated() {
        let next = from + capped.shown_lines.max(1);
        let _ = writeln!(
            text,
            "[cut: {} ({}) of {}; call {} from_line={next} for the next part]",
            render::plural(capped.omitted_lines as u64, "more line"),
            render::plural(capped.omitted_bytes as u64, "byte"),
            render::clean(file.path),
            part.again
        );
    }
    if let Some(note) = file.upstream_note {
        let _ = writeln!(text, "({note})");
    }
    Ok((text, capped.is_truncated()))
}
