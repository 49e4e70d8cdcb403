//! What several tools share: the instance they run on (client, id, allowlist), page limits,
//! and the note that ends a cut result.

use switchyard_core::{CallContext, ConnectorError, ToolOutput};

use crate::client::Client;
use crate::ids::RepoId;
use crate::settings::allowed;

/// One instance, as the tools see it.
#[derive(Debug)]
pub(crate) struct Instance {
    pub client: Client,
    pub id: String,
    pub repos: Vec<String>,
    pub writes: bool,
}

impl Instance {
    /// Parse `owner/name` and check it against the allowlist.
    pub fn repo(&self, text: &str) -> Result<RepoId, ConnectorError> {
        let repo = RepoId::parse(text)?;
        if !self.repos.is_empty() && !allowed(&self.repos, &repo.owner, &repo.name) {
            return Err(ConnectorError::Forbidden(format!(
                "{} is not in the repository allowlist of instance {} (connectors.{}.repos: {})",
                repo.full(),
                self.id,
                self.id,
                self.repos.join(", ")
            )));
        }
        Ok(repo)
    }

    /// Like [`Instance::repo`], and refuse unless this instance allows writes.
    pub fn writable_repo(&self, text: &str) -> Result<RepoId, ConnectorError> {
        if !self.writes {
            return Err(ConnectorError::Forbidden(format!(
                "instance {} is read-only; set connectors.{}.writes = true (with a repos allowlist) to allow writes",
                self.id, self.id
            )));
        }
        self.repo(text)
    }

    /// Whether a repository named by a search hit may be shown.
    pub fn shows(&self, full_name: &str) -> bool {
        self.repos.is_empty()
            || full_name
                .split_once('/')
                .is_some_and(|(owner, name)| allowed(&self.repos, owner, name))
    }
}

/// `owner/repo` from an API URL ending in `/repos/owner/repo`.
pub(crate) fn repo_from_api_url(url: &str) -> Option<RepoId> {
    let mut parts = url.rsplit('/');
    let name = parts.next()?;
    let owner = parts.next()?;
    RepoId::parse(&format!("{owner}/{name}")).ok()
}

/// Bytes of the budget left for content after `used` bytes and room for a note.
pub(crate) fn room(ctx: &CallContext, used: usize) -> usize {
    ctx.budget.max_bytes().saturating_sub(used + 600)
}

/// Finish a non-list result: mark it cut when `truncated`.
pub(crate) fn finish(text: String, truncated: bool, uris: Vec<String>) -> ToolOutput {
    ToolOutput {
        text,
        truncated,
        next_cursor: None,
        uris,
        structured: None,
    }
}

/// Say above a page's envelope footer that `hidden` results were left out by the allowlist.
/// The footer's `omitted` counts items still to come (reachable with next_cursor), as in every
/// connector; results the allowlist hides never come, so they are said here instead.
pub(crate) fn with_hidden(mut output: ToolOutput, hidden: usize, instance: &str) -> ToolOutput {
    if hidden == 0 {
        return output;
    }
    let note = format!(
        "({} outside the repos allowlist of instance {instance} left out)\n",
        crate::render::plural(hidden as u64, "result")
    );
    let at = output
        .text
        .rfind("\n---\n")
        .map_or(output.text.len(), |index| index + 1);
    output.text.insert_str(at, &note);
    output
}

/// A changed file as the shared patch renderer sees it. GitHub omits `patch` for binary files
/// (no line changes) and for text diffs too large to show (line changes but no patch).
pub(crate) fn file_change(
    entry: &crate::wire::DiffEntry,
) -> switchyard_core::patch::FileChange<'_> {
    use switchyard_core::patch::{FileChange, FileStatus};
    let mut change = FileChange::new(&entry.filename, entry.patch.as_deref());
    change.status = FileStatus::from_upstream(&entry.status);
    change.previous_path = entry.previous_filename.as_deref();
    change.additions = Some(entry.additions);
    change.deletions = Some(entry.deletions);
    if entry.patch.is_none() {
        if entry.changes == 0 && change.status != FileStatus::Renamed {
            change.binary = true;
        } else if entry.changes > 0 {
            change.upstream_note =
                Some("GitHub sent no patch for this file: its diff is too large");
        }
    }
    change
}

/// Diff caps shared by the diff tools: lines per file (default, max).
pub(crate) const LINES_PER_FILE: (u32, u32) = (300, 5_000);
