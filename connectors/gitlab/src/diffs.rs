//! GitLab's diff objects (merge requests and commits) as `core::patch` file changes: status
//! from the flags, binary from GitLab's "Binary files … differ" text, GitLab's own generated
//! mark, and an upstream note when GitLab sent no diff (collapsed or over its limits), so a
//! missing patch is never mistaken for an empty change.

use switchyard_core::patch::{FileChange, FileStatus};

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
