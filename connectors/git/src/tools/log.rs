//! `git_log`: commits reachable from a revision, newest first (git log's order), filtered by
//! path, author, message and date, paged with a cursor pinned to the start commit.

use std::fmt::Write as _;

use git2::{Commit, Oid};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use switchyard_core::cursor::{decode_cursor, encode_cursor};
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::dates::{self, Bound};
use crate::paths;
use crate::repo::{RepoRef, is_unborn};
use crate::text::{self, short};
use crate::tools::common::{check_cursor, page_limit, with_note};
use crate::walk::{self, Filter, PathFilter, Stop};

/// The tool name.
pub(crate) const NAME: &str = "git_log";
const DEFAULT_LIMIT: usize = 30;
const MAX_LIMIT: usize = 200;
/// The most commits one filtered call examines.
pub(crate) const SCAN_WINDOW: u64 = 20_000;

/// Arguments of `git_log`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// The repository to read (required when several are configured).
    pub repo: Option<String>,
    /// Where to start: a branch, tag, commit id or expression such as HEAD~3 (default HEAD); A..B lists commits in B that are not in A.
    #[schemars(length(max = 1024))]
    pub rev: Option<String>,
    /// Only commits that change this path: a file or directory, or a git pathspec glob such as *.rs.
    #[schemars(length(max = 4096))]
    pub path: Option<String>,
    /// Only commits whose author name or email contains this text (case-insensitive).
    #[schemars(length(max = 1024))]
    pub author: Option<String>,
    /// Only commits whose message contains this text (case-insensitive, literal).
    #[schemars(length(max = 1024))]
    pub grep: Option<String>,
    /// Only commits at or after this time: RFC 3339, YYYY-MM-DD, or relative such as 7d or "2 weeks ago".
    #[schemars(length(max = 128))]
    pub since: Option<String>,
    /// Only commits at or before this time, in the same forms as since (a bare date includes that day).
    #[schemars(length(max = 128))]
    pub until: Option<String>,
    /// Commits per page (default 30, at most 200).
    pub limit: Option<u32>,
    /// The next_cursor of a previous git_log result, to continue where it stopped.
    pub cursor: Option<String>,
}

crate::tools::repo_arg!(Params);

/// Where a page starts: the pinned start commit and how many commits of the walk were passed.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cursor {
    t: String,
    r: String,
    h: String,
    s: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x: Option<String>,
    /// The arguments that define the listing: rev, path, author, grep, since, until.
    #[serde(default)]
    a: Vec<Option<String>>,
}

const TAG: &str = "log";

/// The arguments that define a listing, as a cursor carries them.
fn listing_arguments(params: &Params) -> Vec<Option<String>> {
    vec![
        params.rev.clone(),
        params.path.clone(),
        params.author.clone(),
        params.grep.clone(),
        params.since.clone(),
        params.until.clone(),
    ]
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Git log",
        "List commits newest first, optionally filtered by path, author, message text and date.\n\
         Use it to find when and by whom something changed, or to get commit ids for \
         git_show_commit and git_diff. Each item gives the short id, date, author, subject and \
         the commit's URI. Paged: pass next_cursor to continue; pages stay stable while branches \
         move. A filtered call examines at most 20,000 commits and then returns what it found \
         with a cursor to keep searching.",
        ToolEffects::LOCAL_READ,
    )
}

/// Run `git_log`.
pub(crate) fn run(
    repo: &RepoRef,
    mut params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let cursor = match &params.cursor {
        Some(text) => {
            let cursor: Cursor = decode_cursor(text)?;
            check_cursor(NAME, &repo.name, cursor.t == TAG, cursor.r == repo.name)?;
            switchyard_core::cursor::continue_listing(
                NAME,
                &cursor.a,
                &mut [
                    ("rev", &mut params.rev),
                    ("path", &mut params.path),
                    ("author", &mut params.author),
                    ("grep", &mut params.grep),
                    ("since", &mut params.since),
                    ("until", &mut params.until),
                ],
            )?;
            Some(cursor)
        }
        None => None,
    };
    let limit = page_limit(params.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let git = repo.open()?;
    let now = dates::now();
    let since = match &params.since {
        Some(text) => Some(dates::parse(text, Bound::Start, now, "since")?),
        None => None,
    };
    let until = match &params.until {
        Some(text) => Some(dates::parse(text, Bound::End, now, "until")?),
        None => None,
    };
    if let (Some(since), Some(until)) = (since, until)
        && since > until
    {
        return Err(ConnectorError::invalid(format!(
            "since {:?} is later than until {:?}; swap them or widen the range",
            params.since.as_deref().unwrap_or_default(),
            params.until.as_deref().unwrap_or_default()
        )));
    }
    let from = match &cursor {
        Some(cursor) => {
            let pinned = |hex: &str| {
                let oid = Oid::from_str(hex).map_err(|_| {
                    ConnectorError::invalid("this cursor is damaged; omit it to start over")
                })?;
                match git.find_commit(oid) {
                    Ok(_) => Ok(oid),
                    Err(_) => Err(ConnectorError::not_found(format!(
                        "commit {oid} that this cursor was pinned to no longer exists in repository {:?}; omit cursor to start over",
                        repo.name
                    ))),
                }
            };
            walk::From {
                start: pinned(&cursor.h)?,
                skip: cursor.s,
                hide: cursor.x.as_deref().map(pinned).transpose()?,
            }
        }
        None => {
            let rev = params.rev.as_deref().unwrap_or("HEAD");
            if rev == "HEAD" && is_unborn(&git) {
                let header = format!("commits in repository {}", repo.name);
                return Ok(PageWriter::new(header, &ctx.budget).finish(
                    None,
                    Some(0),
                    "the repository has no commits yet",
                ));
            }
            resolve_range(repo, &git, rev)?
        }
    };
    let start = from.start;
    let path = match params.path.as_deref().map(paths::normalise) {
        None | Some("") => None,
        Some(glob) if paths::is_glob(glob) => Some(PathFilter::Glob(glob.to_owned())),
        Some(typed) => {
            let tree = git.find_commit(start).and_then(|commit| commit.tree());
            let exact = tree
                .ok()
                .and_then(|tree| paths::resolve(&git, &tree, typed))
                .unwrap_or_else(|| typed.as_bytes().to_vec());
            Some(PathFilter::Literal(exact))
        }
    };
    let filter = Filter {
        author: params.author.clone().filter(|a| !a.is_empty()),
        grep: params.grep.clone().filter(|g| !g.is_empty()),
        path,
        since,
        until,
    };
    let window = if filter.is_selective() {
        SCAN_WINDOW
    } else {
        u64::MAX
    };

    let mut page = PageWriter::new(header(repo, &params, start, from.skip), &ctx.budget);
    let mut shown = 0usize;
    let mut last = 0u64;
    let ended = walk::walk(
        &git,
        &repo.name,
        from,
        &filter,
        window,
        ctx,
        |position, commit| {
            if shown == limit {
                return Ok(false);
            }
            if !page.push(&item(repo, commit), Some(&repo.commit_uri(commit.id()))) {
                return Ok(false);
            }
            shown += 1;
            last = position;
            Ok(true)
        },
    )?;
    let cursor_at = |skip: u64| {
        encode_cursor(&Cursor {
            t: TAG.into(),
            r: repo.name.clone(),
            h: start.to_string(),
            s: skip,
            x: from.hide.map(|oid| oid.to_string()),
            a: listing_arguments(&params),
        })
    };
    let output = match ended.stop {
        Stop::Visitor => page.finish(Some(cursor_at(last + 1)), None, ""),
        Stop::Window => {
            let found = shown;
            let output = page.finish(
                Some(cursor_at(ended.position)),
                None,
                "no matching commit in this scan window",
            );
            with_note(
                output,
                &format!(
                    "(scanned {} commits and found {found}; call again with cursor to keep searching older history)",
                    ended.scanned
                ),
            )
        }
        Stop::Since => page.finish(None, None, "no commit matches in that date range"),
        Stop::Exhausted if git.is_shallow() => with_note(
            page.finish(None, None, "no commit matches"),
            "(end of the available history: this is a shallow clone, older commits are not present)",
        ),
        Stop::Exhausted if ended.position < from.skip => {
            return Err(ConnectorError::invalid(format!(
                "this cursor points past the end of the history ({} commits from {}); omit cursor to start over",
                ended.position,
                short(start)
            )));
        }
        Stop::Exhausted => page.finish(None, None, "no commit matches these filters"),
    };
    Ok(output)
}

/// A revision, or a range `A..B` (B defaults to HEAD): the commits of B not reachable from A.
fn resolve_range(
    repo: &RepoRef,
    git: &git2::Repository,
    rev: &str,
) -> Result<walk::From, ConnectorError> {
    if rev.contains("...") {
        return Err(ConnectorError::invalid(format!(
            "{rev:?} is a symmetric difference, which git_log does not list; use A..B for the commits of B not in A"
        )));
    }
    match rev.split_once("..") {
        Some((hidden, start)) => {
            let start = if start.is_empty() { "HEAD" } else { start };
            let hidden = if hidden.is_empty() { "HEAD" } else { hidden };
            Ok(walk::From {
                start: repo.commit(git, start)?.id(),
                skip: 0,
                hide: Some(repo.commit(git, hidden)?.id()),
            })
        }
        None => Ok(walk::From {
            start: repo.commit(git, rev)?.id(),
            skip: 0,
            hide: None,
        }),
    }
}

fn header(repo: &RepoRef, params: &Params, start: Oid, skip: u64) -> String {
    let mut header = format!("commits in repository {}", repo.name);
    let _ = write!(
        header,
        " from {} ({})",
        params.rev.as_deref().unwrap_or("HEAD"),
        text::short(start)
    );
    let filters = [
        ("path", &params.path),
        ("author", &params.author),
        ("grep", &params.grep),
        ("since", &params.since),
        ("until", &params.until),
    ];
    for (name, value) in filters {
        if let Some(value) = value {
            let _ = write!(header, " · {name} {value:?}");
        }
    }
    if skip > 0 {
        let _ = write!(header, " · continuing after {skip} commits of the walk");
    }
    header
}

/// One commit as a list item.
pub(crate) fn item(repo: &RepoRef, commit: &Commit<'_>) -> String {
    let author = commit.author();
    let mut line = format!(
        "{} {} {} <{}>",
        text::short(commit.id()),
        dates::show(commit.time()),
        text::one_line(author.name_bytes()),
        text::one_line(author.email_bytes()),
    );
    if commit.parent_count() > 1 {
        let _ = write!(line, " (merge of {} parents)", commit.parent_count());
    }
    let _ = write!(
        line,
        "\n  {}\n  {}",
        text::subject(commit.message_bytes()),
        repo.commit_uri(commit.id())
    );
    line
}
