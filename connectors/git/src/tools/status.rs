//! `git_status`: the current branch (or detached HEAD), its upstream ahead/behind, any
//! operation in progress, and the working tree's staged, unstaged, untracked and conflicted
//! files, paged by path. Untracked directories are shown as one entry, as `git status` does.

use std::fmt::Write as _;

use git2::{Repository, RepositoryState, Status, StatusOptions};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use switchyard_core::cursor::{decode_cursor, encode_cursor};
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::error;
use crate::paths;
use crate::repo::RepoRef;
use crate::text;
use crate::tools::common::{check_cursor, page_limit};
use crate::uris;

/// The tool name.
pub(crate) const NAME: &str = "git_status";
const DEFAULT_LIMIT: usize = 200;
const MAX_LIMIT: usize = 1000;
const TAG: &str = "status";

/// Arguments of `git_status`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// The repository to read (required when several are configured).
    pub repo: Option<String>,
    /// Changed files per page (default 200, at most 1000).
    pub limit: Option<u32>,
    /// The next_cursor of a previous git_status result, to continue where it stopped.
    pub cursor: Option<String>,
}

crate::tools::repo_arg!(Params);

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cursor {
    t: String,
    r: String,
    after: String,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Git status",
        "Show the working tree's state: current branch or detached HEAD, upstream ahead/behind, and changed files.\n\
         Use it before reviewing or describing uncommitted work. Lists each changed path as \
         staged, unstaged, untracked or conflicted (renames as old -> new), and any merge or \
         rebase in progress. Paged: pass next_cursor to continue. See the changes themselves \
         with git_diff.",
        ToolEffects::LOCAL_READ,
    )
}

/// Run `git_status`.
pub(crate) fn run(
    repo: &RepoRef,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let limit = page_limit(params.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let after = match &params.cursor {
        Some(cursor) => {
            let cursor: Cursor = decode_cursor(cursor)?;
            check_cursor(NAME, &repo.name, cursor.t == TAG, cursor.r == repo.name)?;
            Some(paths::decode_segment(&cursor.after))
        }
        None => None,
    };
    let git = repo.open()?;
    let mut header = format!(
        "status of repository {}  {}\n{}",
        repo.name,
        uris::status(&repo.scheme, &repo.name),
        branch_line(&git)
    );
    if git.is_bare() {
        header.push_str(
            "\nthe repository is bare: it has no working tree, so nothing can be changed in one\n",
        );
        return Ok(ToolOutput::text(header));
    }
    if let Some(state) = state_line(git.state()) {
        let _ = write!(header, "\n{state}");
    }
    let mut options = StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(false)
        .include_ignored(false)
        .renames_head_to_index(true);
    ctx.checkpoint("reading the working tree")?;
    let statuses = git
        .statuses(Some(&mut options))
        .map_err(|err| error::internal(&repo.name, "reading the working tree status", &err))?;
    let mut entries: Vec<Entry> = statuses
        .iter()
        .filter(|entry| !entry.status().is_ignored())
        .map(|entry| describe(&entry))
        .collect();
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let counts = Counts::of(&statuses);
    let _ = write!(
        header,
        "\nchanges: {} staged, {} unstaged, {} untracked, {} conflicted",
        counts.staged, counts.unstaged, counts.untracked, counts.conflicted
    );
    let start = match &after {
        Some(after) => entries.partition_point(|entry| entry.path <= *after),
        None => 0,
    };
    let head = repo.head_commit(&git)?;
    let head_tree = head.as_ref().and_then(|commit| commit.tree().ok());
    let head_id = head.as_ref().map(|commit| commit.id().to_string());
    let mut page = PageWriter::new(header, &ctx.budget);
    let mut last: Option<&[u8]> = None;
    let mut more = false;
    for (count, entry) in entries[start..].iter().enumerate() {
        if count == limit {
            more = true;
            break;
        }
        let in_head = entry.in_head.as_ref().filter(|old| {
            head_tree
                .as_ref()
                .is_some_and(|tree| tree.get_path(&paths::to_path(old)).is_ok())
        });
        let uri = match (&head_id, in_head) {
            (Some(head), Some(old)) => Some(repo.file_uri(head, old)),
            _ => None,
        };
        let item = match &uri {
            Some(uri) => format!("{}  {uri}", entry.line),
            None => entry.line.clone(),
        };
        if !page.push(&item, uri.as_deref()) {
            more = true;
            break;
        }
        last = Some(&entry.path);
    }
    let next = match (more, last) {
        (true, Some(path)) => Some(encode_cursor(&Cursor {
            t: TAG.into(),
            r: repo.name.clone(),
            after: paths::encode_segment(path),
        })),
        _ => None,
    };
    let remaining = entries.len() - start - page.shown();
    Ok(page.finish(next, Some(remaining), "the working tree is clean"))
}

/// The branch line: branch and upstream, detached HEAD, or an unborn branch.
fn branch_line(git: &Repository) -> String {
    let head = match git.head() {
        Ok(head) => head,
        Err(_) => return super::list_refs::head_line(git),
    };
    let target = head.target().map(text::short).unwrap_or_default();
    if git.head_detached().unwrap_or(false) {
        return format!("HEAD detached at {target} (not on any branch)");
    }
    let name = head.shorthand().unwrap_or("?").to_owned();
    let mut line = format!("on branch {name} at {target}");
    let Ok(branch) = git.find_branch(&name, git2::BranchType::Local) else {
        return line;
    };
    match branch.upstream() {
        Ok(upstream) => {
            let upstream_name = upstream.get().shorthand().unwrap_or("?").to_owned();
            let counts = head
                .target()
                .zip(upstream.get().target())
                .and_then(|(local, up)| git.graph_ahead_behind(local, up).ok());
            match counts {
                Some((ahead, behind)) => {
                    let _ = write!(
                        line,
                        " · upstream {upstream_name}: ahead {ahead}, behind {behind}"
                    );
                }
                None => {
                    let _ = write!(line, " · upstream {upstream_name}");
                }
            }
        }
        Err(_) => line.push_str(" · no upstream"),
    }
    line
}

fn state_line(state: RepositoryState) -> Option<&'static str> {
    Some(match state {
        RepositoryState::Clean => return None,
        RepositoryState::Merge => "in progress: a merge (resolve conflicts, then commit)",
        RepositoryState::Revert | RepositoryState::RevertSequence => "in progress: a revert",
        RepositoryState::CherryPick | RepositoryState::CherryPickSequence => {
            "in progress: a cherry-pick"
        }
        RepositoryState::Bisect => "in progress: a bisect",
        RepositoryState::Rebase
        | RepositoryState::RebaseInteractive
        | RepositoryState::RebaseMerge => "in progress: a rebase",
        RepositoryState::ApplyMailbox | RepositoryState::ApplyMailboxOrRebase => {
            "in progress: applying patches (git am)"
        }
    })
}

/// One changed path as listed.
struct Entry {
    /// The path now (the new path of a rename); the list is sorted by it.
    path: Vec<u8>,
    /// What changed.
    line: String,
    /// The path HEAD may have it under (its URI is linked when HEAD does).
    in_head: Option<Vec<u8>>,
}

fn describe(entry: &git2::StatusEntry<'_>) -> Entry {
    let status = entry.status();
    let staged_delta = entry.head_to_index();
    let old = staged_delta
        .as_ref()
        .and_then(|delta| delta.old_file().path_bytes())
        .unwrap_or_else(|| entry.path_bytes())
        .to_vec();
    let path = staged_delta
        .as_ref()
        .and_then(|delta| delta.new_file().path_bytes())
        .unwrap_or_else(|| entry.path_bytes())
        .to_vec();
    let shown = paths::display(&path);
    let in_head = (!status.is_index_new() && !status.is_wt_new()).then(|| old.clone());
    let line = if status.is_conflicted() {
        format!("conflicted: {shown}")
    } else if status.is_wt_new() && !status.intersects(STAGED) {
        format!("untracked: {shown}")
    } else {
        let mut parts = Vec::new();
        if status.is_index_renamed() {
            parts.push(format!("staged renamed from {}", paths::display(&old)));
        } else if let Some(word) = word(status, true) {
            parts.push(format!("staged {word}"));
        }
        if let Some(word) = word(status, false) {
            parts.push(format!("unstaged {word}"));
        }
        format!("{shown}: {}", parts.join(", "))
    };
    Entry {
        path,
        line,
        in_head,
    }
}

const STAGED: Status = Status::INDEX_NEW
    .union(Status::INDEX_MODIFIED)
    .union(Status::INDEX_DELETED)
    .union(Status::INDEX_RENAMED)
    .union(Status::INDEX_TYPECHANGE);

const UNSTAGED: Status = Status::WT_MODIFIED
    .union(Status::WT_DELETED)
    .union(Status::WT_RENAMED)
    .union(Status::WT_TYPECHANGE);

fn word(status: Status, staged: bool) -> Option<&'static str> {
    let pick = |index: Status, worktree: Status| if staged { index } else { worktree };
    if status.contains(pick(Status::INDEX_NEW, Status::WT_NEW)) {
        Some("added")
    } else if status.contains(pick(Status::INDEX_MODIFIED, Status::WT_MODIFIED)) {
        Some("modified")
    } else if status.contains(pick(Status::INDEX_DELETED, Status::WT_DELETED)) {
        Some("deleted")
    } else if status.contains(pick(Status::INDEX_RENAMED, Status::WT_RENAMED)) {
        Some("renamed")
    } else if status.contains(pick(Status::INDEX_TYPECHANGE, Status::WT_TYPECHANGE)) {
        Some("type changed")
    } else {
        None
    }
}

#[derive(Default)]
struct Counts {
    staged: usize,
    unstaged: usize,
    untracked: usize,
    conflicted: usize,
}

impl Counts {
    fn of(statuses: &git2::Statuses<'_>) -> Counts {
        let mut counts = Counts::default();
        for entry in statuses.iter() {
            let status = entry.status();
            if status.is_conflicted() {
                counts.conflicted += 1;
                continue;
            }
            if status.intersects(STAGED) {
                counts.staged += 1;
            }
            if status.intersects(UNSTAGED) {
                counts.unstaged += 1;
            }
            if status.is_wt_new() {
                counts.untracked += 1;
            }
        }
        counts
    }
}
