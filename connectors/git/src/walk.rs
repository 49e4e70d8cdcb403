//! The bounded commit walk behind `git_log` and the message search.
//!
//! The walk is a libgit2 revwalk with no sort flag. That is deliberate: in libgit2 (1.9) any
//! sort flag, `Sort::TIME` included, sets the walk to "limited" mode, which walks the whole
//! reachable history before returning the first commit (seconds on a 100,000-commit history).
//! The unsorted walk keeps its frontier ordered by commit date and yields commits as it goes:
//! newest first, the order of a plain `git log`. A position in it is (the pinned start commit,
//! how many commits were passed), which keeps pages stable while branches move; a deep page
//! costs a walk up to its position. Filtered walks examine at most `window` commits per call
//! and report where they stopped, so no request walks all of a long history.

use git2::{Commit, DiffOptions, Oid, Pathspec, Repository, Sort, Tree};
use switchyard_core::{CallContext, ConnectorError};

use crate::error;
use crate::paths;

/// How often (in commits) a walk checks the deadline and cancellation.
const CHECK_EVERY: u64 = 256;

/// Which commits a walk keeps.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    /// Case-insensitive substring of `name <email>`.
    pub author: Option<String>,
    /// Case-insensitive substring of the message.
    pub grep: Option<String>,
    /// Commits that change this path.
    pub path: Option<PathFilter>,
    /// Keep commits at or after this Unix time; the walk stops at the first older one.
    pub since: Option<i64>,
    /// Keep commits at or before this Unix time.
    pub until: Option<i64>,
}

/// A path filter: a literal path (a file or a directory) or a git pathspec glob.
#[derive(Debug)]
pub(crate) enum PathFilter {
    /// Exact bytes of a path.
    Literal(Vec<u8>),
    /// A pathspec pattern such as `*.rs` or `src/*/mod.rs`.
    Glob(String),
}

impl Filter {
    /// Whether anything beyond `since` filters commits (and so a page may need a long scan).
    pub(crate) fn is_selective(&self) -> bool {
        self.author.is_some() || self.grep.is_some() || self.path.is_some() || self.until.is_some()
    }
}

/// Why a walk stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// No older commits are reachable (in a shallow clone: none are present).
    Exhausted,
    /// The next commit is older than `since`.
    Since,
    /// The scan window was used up; more commits remain.
    Window,
    /// The visitor asked to stop.
    Visitor,
}

/// Where a walk ended.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ended {
    /// Why it stopped.
    pub stop: Stop,
    /// The walk position just after the last commit examined.
    pub position: u64,
    /// How many commits were examined (after the skipped ones).
    pub scanned: u64,
}

/// Where a walk starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct From {
    /// The pinned start commit.
    pub start: Oid,
    /// How many commits of the walk to pass over first.
    pub skip: u64,
    /// Leave out commits reachable from this one (the `A` of `A..B`).
    pub hide: Option<Oid>,
}

/// A walk from `from.start`, passing the first `from.skip` commits, visiting those `filter` keeps.
///
/// `visit(position, commit)` returns whether to go on; `position` is the commit's index in
/// the unfiltered walk, so `position + 1` is where a next page starts.
pub(crate) fn walk(
    repo: &Repository,
    repo_name: &str,
    from: From,
    filter: &Filter,
    window: u64,
    ctx: &CallContext,
    mut visit: impl FnMut(u64, &Commit<'_>) -> Result<bool, ConnectorError>,
) -> Result<Ended, ConnectorError> {
    let fail = |err: git2::Error| error::internal(repo_name, "walking the history", &err);
    let mut revwalk = repo.revwalk().map_err(fail)?;
    revwalk.set_sorting(Sort::NONE).map_err(fail)?;
    revwalk.push(from.start).map_err(fail)?;
    if let Some(hide) = from.hide {
        // Hiding makes libgit2 walk until only hidden commits remain: the size of A..B, not
        // of the whole history, for the usual branch-against-main question.
        revwalk.hide(hide).map_err(fail)?;
    }
    let matcher = Matcher::new(filter).map_err(fail)?;
    let mut position = 0u64;
    let mut scanned = 0u64;
    for oid in revwalk.by_ref() {
        if position.is_multiple_of(CHECK_EVERY) {
            ctx.checkpoint("walking the commit history")?;
        }
        let oid = oid.map_err(fail)?;
        if position < from.skip {
            position += 1;
            continue;
        }
        if scanned >= window {
            return Ok(Ended {
                stop: Stop::Window,
                position,
                scanned,
            });
        }
        let commit = repo.find_commit(oid).map_err(fail)?;
        if filter
            .since
            .is_some_and(|since| commit.time().seconds() < since)
        {
            return Ok(Ended {
                stop: Stop::Since,
                position,
                scanned,
            });
        }
        scanned += 1;
        let here = position;
        position += 1;
        if matcher.keeps(repo, &commit).map_err(fail)? && !visit(here, &commit)? {
            return Ok(Ended {
                stop: Stop::Visitor,
                position,
                scanned,
            });
        }
    }
    Ok(Ended {
        stop: Stop::Exhausted,
        position,
        scanned,
    })
}

/// A filter prepared for one walk.
struct Matcher<'f> {
    filter: &'f Filter,
    author: Option<String>,
    grep: Option<String>,
    glob: Option<Pathspec>,
}

impl<'f> Matcher<'f> {
    fn new(filter: &'f Filter) -> Result<Self, git2::Error> {
        let glob = match &filter.path {
            Some(PathFilter::Glob(pattern)) => Some(Pathspec::new([pattern.as_str()])?),
            _ => None,
        };
        Ok(Matcher {
            filter,
            author: filter.author.as_ref().map(|a| a.to_lowercase()),
            grep: filter.grep.as_ref().map(|g| g.to_lowercase()),
            glob,
        })
    }

    fn keeps(&self, repo: &Repository, commit: &Commit<'_>) -> Result<bool, git2::Error> {
        if self
            .filter
            .until
            .is_some_and(|until| commit.time().seconds() > until)
        {
            return Ok(false);
        }
        if let Some(author) = &self.author {
            let signature = commit.author();
            let who = format!(
                "{} <{}>",
                String::from_utf8_lossy(signature.name_bytes()),
                String::from_utf8_lossy(signature.email_bytes())
            );
            if !who.to_lowercase().contains(author.as_str()) {
                return Ok(false);
            }
        }
        if let Some(grep) = &self.grep {
            let message = String::from_utf8_lossy(commit.message_bytes()).to_lowercase();
            if !message.contains(grep.as_str()) {
                return Ok(false);
            }
        }
        match &self.filter.path {
            None => Ok(true),
            Some(PathFilter::Literal(path)) => touches_literal(commit, path),
            Some(PathFilter::Glob(pattern)) => self.touches_glob(repo, commit, pattern),
        }
    }

    /// Whether the commit changes files matching the glob, against every parent (a merge that
    /// takes the paths unchanged from one parent does not count, as in `git log -- <path>`).
    fn touches_glob(
        &self,
        repo: &Repository,
        commit: &Commit<'_>,
        pattern: &str,
    ) -> Result<bool, git2::Error> {
        let tree = commit.tree()?;
        let parents = parent_trees(commit);
        if parents.is_empty() {
            let Some(glob) = &self.glob else {
                return Ok(false);
            };
            return Ok(glob
                .match_tree(&tree, git2::PathspecFlags::NO_MATCH_ERROR)
                .map(|matches| matches.entries().next().is_some())
                .unwrap_or(false));
        }
        for parent in parents {
            let mut options = DiffOptions::new();
            options.pathspec(pattern);
            let diff = repo.diff_tree_to_tree(Some(&parent), Some(&tree), Some(&mut options))?;
            if diff.deltas().len() == 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Whether the entry at `path` differs from every parent's (a root commit: whether it exists).
fn touches_literal(commit: &Commit<'_>, path: &[u8]) -> Result<bool, git2::Error> {
    let path = paths::to_path(path);
    let entry_id = |tree: &Tree<'_>| tree.get_path(&path).ok().map(|entry| entry.id());
    let mine = entry_id(&commit.tree()?);
    let parents = parent_trees(commit);
    if parents.is_empty() {
        return Ok(mine.is_some());
    }
    Ok(parents.iter().all(|parent| entry_id(parent) != mine))
}

/// The trees of a commit's parents that are present (a shallow clone lacks some).
fn parent_trees<'r>(commit: &Commit<'r>) -> Vec<Tree<'r>> {
    commit
        .parents()
        .filter_map(|parent| parent.tree().ok())
        .collect()
}
