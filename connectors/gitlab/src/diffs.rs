//! GitLab's diff objects (merge requests and commits) as `core::patch` file changes: status
//! from the flags, binary from GitLab's "Binary files … differ" text, GitLab's own generated
//! mark, and an upstream note when GitLab sent no diff (collapsed or over its limits), so a
//! missing patch is never mistaken for an empty change. [`one_file`] reads one file's patch
//! in parts (the diff tools' `path` mode).

use std::fmt::Write as _;

use switchyard_core::ConnectorError;
use switchyard_core::patch::{FileChange, FileStatus, cap_patch};

use crate::redact::clean;
use crate::render::plural;
use crate::wire::Diff;

/// A changed file, borrowing from GitLab's diff object.
pub(crate) fn file_change(diff: &Diff) -> FileChange<'_> {
    let binary = diff.diff.starts_with("Binary files ") || diff.diff.contains("\nGIT binary patch");
    let status = if diff.new_file {
        FileStatus::Added
    } else if diff.deleted_file {
        FileStatus::Removed
    } else if diff.renamed_file {
        FileStatus::Renamed
    } else {
        FileStatus::Modified
    };
    let patch = (!binary && !diff.diff.is_empty()).then_some(diff.diff.as_str());
    let mut change = FileChange::new(&diff.new_path, patch);
    change.status = status;
    change.binary = binary;
    change.marked_generated = diff.generated_file == Some(true);
    if diff.renamed_file && diff.old_path != diff.new_path {
        change.previous_path = Some(&diff.old_path);
    }
    if patch.is_none() && !binary {
        change.upstream_note = if diff.too_large == Some(true) {
            Some("GitLab sent no diff: the file is over its diff limits")
        } else if diff.collapsed == Some(true) || diff.generated_file == Some(true) {
            Some("GitLab collapsed this diff and sent no content")
        } else if diff.renamed_file {
            Some("renamed without changes")
        } else {
            Some("GitLab sent no diff for this file (collapsed or over its limits)")
        };
    }
    if patch.is_none() {
        change.additions = Some(0);
        change.deletions = Some(0);
    }
    change
}

/// One file's patch from patch line `from_line` (1-based, hunk headers counted) within
/// `max_bytes`; `Ok((text, truncated))`. `core::patch::render_diff` cuts a file and points at
/// `path="…"`, where the caller already is; this cut names `from_line`, the next part's start,
/// appended to `again` (the call that shows this file), so a patch of any length can be read.
pub(crate) fn one_file(
    file: &FileChange<'_>,
    from_line: u32,
    max_bytes: usize,
    again: &str,
) -> Result<(String, bool), ConnectorError> {
    let (added, deleted) = file.line_counts();
    let mut text = format!(
        "1 file changed, +{added} -{deleted}\n\n=== {}\n",
        clean(&file.summary())
    );
    let from = from_line.max(1) as usize;
    let patch = match (file.binary, file.patch) {
        (false, Some(patch)) if !patch.is_empty() => patch,
        _ if from > 1 => {
            return Err(ConnectorError::invalid(format!(
                "from_line {from} is past the end: {} has no text patch",
                clean(file.path)
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
            clean(file.path),
            plural(total as u64, "line")
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
            let _ = write!(text, "; inside hunk {}", clean(hunk));
        }
        text.push_str(")\n");
    }
    let room = max_bytes.saturating_sub(text.len() + 400);
    let capped = cap_patch(&patch[start..], usize::MAX, room);
    text.push_str(&clean(capped.kept));
    if !capped.kept.is_empty() && !capped.kept.ends_with('\n') {
        let _ = writeln!(
            text,
            "\n(line {} cut: it is longer than the response budget)",
            from + capped.shown_lines.saturating_sub(1)
        );
    }
    if capped.is_truncated() {
        let next = from + capped.shown_lines.max(1);
        let _ = writeln!(
            text,
            "[cut: {} ({}) of {}; call {again} from_line={next} for the next part]",
            plural(capped.omitted_lines as u64, "more line"),
            plural(capped.omitted_bytes as u64, "byte"),
            clean(file.path),
        );
    }
    if let Some(note) = file.upstream_note {
        let _ = writeln!(text, "({note})");
    }
    Ok((text, capped.is_truncated()))
}

#[cfg(test)]
mod tests {
    use super::file_change;
    use crate::wire::Diff;
    use switchyard_core::patch::FileStatus;

    #[test]
    fn flags_map_to_statuses() {
        let diff = Diff {
            old_path: "a.png".into(),
            new_path: "a.png".into(),
            diff: "Binary files /dev/null and b/a.png differ\n".into(),
            new_file: true,
            ..Diff::default()
        };
        let change = file_change(&diff);
        assert!(change.binary);
        assert_eq!(change.status, FileStatus::Added);
        let diff = Diff {
            old_path: "LICENSE".into(),
            new_path: "LICENSE-MIT".into(),
            renamed_file: true,
            ..Diff::default()
        };
        let change = file_change(&diff);
        assert_eq!(change.previous_path, Some("LICENSE"));
        assert_eq!(change.upstream_note, Some("renamed without changes"));
    }
}
