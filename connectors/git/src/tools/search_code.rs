//! `git_search_code`: literal or regex matches over the files of a tree at a revision, paged.
//!
//! Each call reads at most 32 MiB of file content; files over 1 MiB, binary files and symlinks
//! are skipped (and counted). The cursor pins the commit and points at the last line shown, as
//! the entry indices from the root to its file (see `treewalk`) plus its line number.

use std::fmt::Write as _;

use git2::{Oid, Pathspec, PathspecFlags};
use regex::bytes::{Regex, RegexBuilder};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use switchyard_core::cursor::{decode_cursor, encode_cursor};
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::error;
use crate::paths;
use crate::repo::{RepoRef, is_unborn};
use crate::text;
use crate::tools::common::{check_cursor, page_limit, with_note};
use crate::treewalk::TreeWalk;

/// The tool name.
pub(crate) const NAME: &str = "git_search_code";
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 500;
/// Files larger than this are skipped.
pub(crate) const MAX_FILE_BYTES: usize = 1 << 20;
/// File content read per call at most.
pub(crate) const MAX_SCAN_BYTES: usize = 32 << 20;
const SYMLINK_MODE: i32 = 0o120000;
const TAG: &str = "code";

/// Arguments of `git_search_code`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// The repository to search (required when several are configured).
    pub repo: Option<String>,
    /// The text to find on a line: literal unless regex is true.
    #[schemars(length(max = 4096))]
    pub query: String,
    /// Treat query as a regular expression (Rust regex syntax; default false).
    pub regex: Option<bool>,
    /// Match without regard to case (default false).
    pub ignore_case: Option<bool>,
    /// Only files matching this path or git pathspec glob, such as src/ or *.rs or docs/*.md.
    #[schemars(length(max = 4096))]
    pub path: Option<String>,
    /// Search the tree at this revision: a branch, tag, commit id or expression (default HEAD).
    #[schemars(length(max = 1024))]
    pub rev: Option<String>,
    /// Matching lines per page (default 50, at most 500).
    pub limit: Option<u32>,
    /// The next_cursor of a previous git_search_code result, to continue where it stopped.
    pub cursor: Option<String>,
}

crate::tools::repo_arg!(Params);

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cursor {
    t: String,
    r: String,
    c: String,
    p: Vec<usize>,
    l: usize,
    /// The arguments that define the search: query, regex, ignore_case, path, rev.
    #[serde(default)]
    a: Vec<Option<String>>,
}

/// The arguments that define a search, as a cursor carries them.
fn search_arguments(params: &Params) -> Vec<Option<String>> {
    vec![
        Some(params.query.clone()),
        params.regex.map(|on| on.to_string()),
        params.ignore_case.map(|on| on.to_string()),
        params.path.clone(),
        params.rev.clone(),
    ]
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Search git code",
        "Find lines matching a literal text or regex in the files of a revision (default HEAD).\n\
         Use it to locate definitions, usages or strings, optionally within a path glob. Returns \
         matching lines grouped by file, with line numbers and each file's URI (read it with \
         git_read_file). Paged: pass next_cursor to continue. Binary files, symlinks and files \
         over 1 MiB are skipped; one call reads at most 32 MiB and then offers a cursor.",
        ToolEffects::LOCAL_READ,
    )
}

/// Run `git_search_code`.
pub(crate) fn run(
    repo: &RepoRef,
    mut params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    // A cursor carries the search's arguments: those left out are taken from it.
    let cursor = match &params.cursor {
        Some(text) => {
            let cursor: Cursor = decode_cursor(text)?;
            check_cursor(NAME, &repo.name, cursor.t == TAG, cursor.r == repo.name)?;
            let mut query = Some(params.query.clone());
            let mut regex = params.regex.map(|on| on.to_string());
            let mut ignore_case = params.ignore_case.map(|on| on.to_string());
            switchyard_core::cursor::continue_listing(
                NAME,
                &cursor.a,
                &mut [
                    ("query", &mut query),
                    ("regex", &mut regex),
                    ("ignore_case", &mut ignore_case),
                    ("path", &mut params.path),
                    ("rev", &mut params.rev),
                ],
            )?;
            params.regex = regex.map(|on| on == "true");
            params.ignore_case = ignore_case.map(|on| on == "true");
            Some(cursor)
        }
        None => None,
    };
    let limit = page_limit(params.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let matcher = build_matcher(&params)?;
    let git = repo.open()?;
    let fail = |err: git2::Error| error::internal(&repo.name, "searching code", &err);
    let rev = params.rev.as_deref().unwrap_or("HEAD");
    let mut header = format!(
        "lines matching {:?} in repository {}",
        params.query, repo.name
    );
    let (commit, resume, mut resume_line) = match cursor {
        Some(cursor) => {
            let commit = Oid::from_str(&cursor.c)
                .ok()
                .and_then(|oid| git.find_commit(oid).ok())
                .ok_or_else(|| {
                    ConnectorError::not_found(format!(
                        "the commit this cursor searched ({}) is gone from repository {:?}; omit cursor to start over",
                        cursor.c, repo.name
                    ))
                })?;
            (commit, cursor.p, cursor.l)
        }
        None => {
            if rev == "HEAD" && is_unborn(&git) {
                return Ok(PageWriter::new(header, &ctx.budget).finish(
                    None,
                    Some(0),
                    "the repository has no commits yet",
                ));
            }
            (repo.commit(&git, rev)?, Vec::new(), 0)
        }
    };
    let _ = write!(header, " at {rev} ({})", text::short(commit.id()));
    if let Some(path) = &params.path {
        let _ = write!(header, " · path {path:?}");
    }
    if !resume.is_empty() {
        header.push_str(" · continued");
    }
    let pathspec = match params.path.as_deref().map(paths::normalise) {
        Some(path) if !path.is_empty() => Some(Pathspec::new([path]).map_err(|err| {
            ConnectorError::invalid(format!(
                "path {path:?} is not a valid pathspec: {}",
                error::git_message(&err)
            ))
        })?),
        _ => None,
    };
    let tree = commit.tree().map_err(fail)?;
    let mut walk = TreeWalk::new(&git, tree, &resume).map_err(|_| {
        ConnectorError::invalid(
            "this cursor does not fit the searched tree; omit cursor to start over",
        )
    })?;
    let odb = git.odb().map_err(fail)?;
    let commit_id = commit.id().to_string();

    let mut page = PageWriter::new(header, &ctx.budget);
    let mut stats = Stats::default();
    let mut shown = 0usize;
    let mut last: Option<(Vec<usize>, usize)> = None;
    let mut stop: Option<Stop> = None;
    let mut visited = 0usize;
    'files: while let Some(file) = walk.next_file().map_err(fail)? {
        visited += 1;
        if visited.is_multiple_of(64) {
            ctx.checkpoint("searching code")?;
        }
        let from_line = std::mem::take(&mut resume_line);
        if file.mode == SYMLINK_MODE
            || pathspec.as_ref().is_some_and(|spec| {
                !spec.matches_path(&paths::to_path(&file.path), PathspecFlags::DEFAULT)
            })
        {
            continue;
        }
        let (size, _) = odb.read_header(file.id).map_err(fail)?;
        if size > MAX_FILE_BYTES {
            stats.large += 1;
            continue;
        }
        if stats.bytes + size > MAX_SCAN_BYTES && stats.files > 0 {
            stop = Some(Stop::Window(file.position));
            break;
        }
        let blob = git.find_blob(file.id).map_err(fail)?;
        let content = blob.content();
        stats.files += 1;
        stats.bytes += size;
        if text::is_binary(content) {
            stats.binary += 1;
            continue;
        }
        let uri = repo.file_uri(&commit_id, &file.path);
        let mut file_on_page = false;
        for (index, line) in content.split(|b| *b == b'\n').enumerate() {
            let number = index + 1;
            if number <= from_line || !matcher.is_match(line) {
                continue;
            }
            if shown == limit {
                stop = Some(Stop::More);
                break 'files;
            }
            let row = format!("  {number}: {}", text::one_line(line));
            let pushed = if file_on_page {
                page.push(&row, None)
            } else {
                let item = format!("{}  {uri}\n{row}", paths::display(&file.path));
                page.push(&item, Some(&uri))
            };
            if !pushed {
                stop = Some(Stop::More);
                break 'files;
            }
            file_on_page = true;
            shown += 1;
            last = Some((file.position.clone(), number));
        }
    }
    let cursor_at = |position: Vec<usize>, line: usize| {
        encode_cursor(&Cursor {
            t: TAG.into(),
            r: repo.name.clone(),
            c: commit_id.clone(),
            p: position,
            l: line,
            a: search_arguments(&params),
        })
    };
    let next = match (&stop, last) {
        (Some(Stop::More), Some((position, line))) => Some(cursor_at(position, line)),
        (Some(Stop::Window(position)), _) => Some(cursor_at(position.clone(), 0)),
        _ => None,
    };
    let mut output = page.finish(
        next,
        None,
        "no line matches; check the spelling, try ignore_case=true or a wider path",
    );
    if let Some(Stop::Window(_)) = stop {
        output = with_note(
            output,
            &format!(
                "(read {} of {} files in this call; call again with cursor to search the rest)",
                text::size(stats.bytes as u64),
                stats.files
            ),
        );
    }
    if stats.binary + stats.large > 0 {
        output = with_note(
            output,
            &format!(
                "(skipped {} binary file(s) and {} file(s) over 1 MiB)",
                stats.binary, stats.large
            ),
        );
    }
    Ok(output)
}

#[derive(Default)]
struct Stats {
    files: usize,
    bytes: usize,
    binary: usize,
    large: usize,
}

enum Stop {
    /// More matches exist than this page holds.
    More,
    /// The byte window ran out before this file.
    Window(Vec<usize>),
}

/// The longest query accepted: a search term, not a document.
const MAX_QUERY_BYTES: usize = 4096;

fn build_matcher(params: &Params) -> Result<Regex, ConnectorError> {
    if params.query.is_empty() {
        return Err(ConnectorError::invalid(
            "query is empty; pass the text to find",
        ));
    }
    if params.query.len() > MAX_QUERY_BYTES {
        return Err(ConnectorError::invalid(format!(
            "query is {} bytes; a code search query may have at most {MAX_QUERY_BYTES} bytes, so search for a distinctive part of it",
            params.query.len()
        )));
    }
    let is_regex = params.regex.unwrap_or(false);
    let pattern = if is_regex {
        params.query.clone()
    } else {
        regex::escape(&params.query)
    };
    RegexBuilder::new(&pattern)
        .case_insensitive(params.ignore_case.unwrap_or(false))
        .size_limit(1 << 20)
        .build()
        .map_err(|err| {
            let detail = err.to_string().replace('\n', " ");
            let detail = detail.split_whitespace().collect::<Vec<_>>().join(" ");
            if is_regex {
                ConnectorError::invalid(format!(
                    "query {:?} is not a valid regular expression ({detail}); fix it or pass regex=false to search for the literal text",
                    params.query,
                ))
            } else {
                ConnectorError::invalid(format!(
                    "query cannot be searched for ({detail}); search for a shorter part of it"
                ))
            }
        })
}
