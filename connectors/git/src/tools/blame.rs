//! `git_blame`: for each line of a range, the commit that last changed it.
//!
//! A range that starts past the end of the file is invalid arguments; one that ends past it is
//! clamped to the last line, with a note. Without `end_line` at most 500 lines are blamed, so a
//! long file costs only what is shown.

use std::collections::HashMap;
use std::fmt::Write as _;

use git2::{BlameOptions, ObjectType, Oid};
use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::dates;
use crate::error;
use crate::paths;
use crate::repo::RepoRef;
use crate::text;

/// The tool name.
pub(crate) const NAME: &str = "git_blame";
const ENVELOPE_ROOM: usize = 512;
/// Lines blamed when the caller gives no `end_line`.
const DEFAULT_SPAN: usize = 500;

/// Arguments of `git_blame`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// The repository to read (required when several are configured).
    pub repo: Option<String>,
    /// The file's path from the repository root.
    #[schemars(length(max = 4096))]
    pub path: String,
    /// Blame the file as it is at this revision (default HEAD).
    #[schemars(length(max = 1024))]
    pub rev: Option<String>,
    /// The first line to blame, counting from 1 (default 1).
    pub start_line: Option<u32>,
    /// The last line to blame, inclusive (default: start_line + 499; clamped to the end of the file).
    pub end_line: Option<u32>,
}

crate::tools::repo_arg!(Params);

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Git blame",
        "Show which commit last changed each line of a file (or a line range) at a revision.\n\
         Use it to find who changed a line and why, then git_show_commit on the commit. Lines \
         are grouped by commit: short id, date, author, subject and URI, then the numbered lines. \
         Without end_line at most 500 lines are blamed; an end_line past the end of the file is \
         clamped with a note, a start_line past it is an error.",
        ToolEffects::LOCAL_READ,
    )
}

/// Run `git_blame`.
pub(crate) fn run(
    repo: &RepoRef,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let git = repo.open()?;
    let rev = params.rev.as_deref().unwrap_or("HEAD");
    let commit = repo.commit(&git, rev)?;
    let fail = |err: git2::Error| error::internal(&repo.name, "computing blame", &err);
    let root = commit.tree().map_err(fail)?;
    let typed = params.path.as_str();
    let Some(path) = paths::resolve(&git, &root, typed).filter(|p| !p.is_empty()) else {
        return Err(repo.missing_path(typed, rev));
    };
    let shown = paths::display(&path);
    let entry = root.get_path(&paths::to_path(&path)).map_err(fail)?;
    if entry.kind() != Some(ObjectType::Blob) {
        return Err(ConnectorError::invalid(format!(
            "{shown:?} is not a file at {rev}; blame needs a file (git_read_file lists a directory)"
        )));
    }
    let blob = git.find_blob(entry.id()).map_err(fail)?;
    let content = blob.content();
    if text::is_binary(content) {
        return Err(ConnectorError::invalid(format!(
            "{shown:?} is a binary file; blame works on text files"
        )));
    }
    let total = text::line_count(content);
    if total == 0 {
        return Ok(ToolOutput::text(format!(
            "{shown} at {rev} is empty: nothing to blame\n"
        )));
    }
    let start = params.start_line.unwrap_or(1).max(1) as usize;
    if start > total {
        return Err(ConnectorError::invalid(format!(
            "start_line {start} is past the end of {shown:?} at {rev}, which has {total} lines"
        )));
    }
    let mut note = String::new();
    let end = match params.end_line.map(|end| end as usize) {
        Some(end) if end < start => {
            return Err(ConnectorError::invalid(format!(
                "end_line {end} is before start_line {start}"
            )));
        }
        Some(end) if end > total => {
            let _ = writeln!(
                note,
                "(end_line {end} is past the end; the file has {total} lines)"
            );
            total
        }
        Some(end) => end,
        None => total.min(start + DEFAULT_SPAN - 1),
    };

    ctx.checkpoint("starting blame")?;
    let mut options = BlameOptions::new();
    options
        .newest_commit(commit.id())
        .min_line(start)
        .max_line(end);
    let blame = git
        .blame_file(&paths::to_path(&path), Some(&mut options))
        .map_err(fail)?;
    let lines: Vec<&[u8]> = content.split(|b| *b == b'\n').collect();

    let mut out = format!(
        "blame of {shown} at {rev} ({}) in repository {} · lines {start}-{end} of {total}\n{note}",
        text::short(commit.id()),
        repo.name
    );
    let max_bytes = ctx.budget.max_bytes().saturating_sub(ENVELOPE_ROOM);
    let width = end.to_string().len();
    let mut summaries: HashMap<Oid, String> = HashMap::new();
    let mut uris = Vec::new();
    let mut last_shown = start - 1;
    'hunks: for hunk in blame.iter() {
        ctx.checkpoint("formatting blame")?;
        let first = hunk.final_start_line().max(start);
        let last = (hunk.final_start_line() + hunk.lines_in_hunk())
            .saturating_sub(1)
            .min(end);
        if first > last {
            continue;
        }
        let id = hunk.final_commit_id();
        let summary = summaries
            .entry(id)
            .or_insert_with(|| match git.find_commit(id) {
                Ok(found) => format!(
                    "{} {} {} · {}",
                    text::short(id),
                    dates::show(found.time()),
                    text::one_line(found.author().name_bytes()),
                    text::subject(found.message_bytes())
                ),
                Err(_) => format!("{} (commit not present)", text::short(id)),
            });
        let boundary = if hunk.is_boundary() {
            " (boundary: history before it is not available)"
        } else {
            ""
        };
        let uri = repo.commit_uri(id);
        let group = format!("{summary}{boundary}  {uri}\n");
        if out.len() + group.len() > max_bytes && last_shown >= start {
            break;
        }
        out.push_str(&group);
        uris.push(uri);
        for number in first..=last {
            let line = text::clean(lines.get(number - 1).copied().unwrap_or_default());
            let row = format!("{number:>width$}  {}\n", line.trim_end_matches('\r'));
            if out.len() + row.len() > max_bytes && last_shown >= start {
                break 'hunks;
            }
            out.push_str(&row);
            last_shown = number;
        }
    }
    let mut truncated = false;
    if last_shown < end {
        truncated = true;
        let _ = writeln!(
            out,
            "[truncated: lines {}-{end} not shown (the response budget was reached); call {NAME} with path={shown:?} start_line={} to go on]",
            last_shown + 1,
            last_shown + 1
        );
    } else if params.end_line.is_none() && end < total {
        truncated = true;
        let _ = writeln!(
            out,
            "[cut: lines {}-{total} not blamed ({DEFAULT_SPAN} lines per call by default); call {NAME} with path={shown:?} start_line={} to go on]",
            end + 1,
            end + 1
        );
    }
    Ok(ToolOutput {
        text: out,
        truncated,
        next_cursor: None,
        uris,
        structured: None,
    })
}
