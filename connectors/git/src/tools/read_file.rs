//! `git_read_file`: a file at a revision with line numbers, or a directory's entries.
//! Binary files come back as metadata (size, detected type), never decoded; text longer than
//! the budget is cut with the `start_line` to continue from.

use std::fmt::Write as _;

use git2::{ObjectType, Oid, Repository, Tree};
use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::error;
use crate::paths;
use crate::repo::RepoRef;
use crate::text;

/// The tool name.
pub(crate) const NAME: &str = "git_read_file";
const ENVELOPE_ROOM: usize = 512;
/// Blobs larger than this are described, not read.
const MAX_READ_BYTES: usize = 64 << 20;
const SYMLINK_MODE: i32 = 0o120000;

/// Arguments of `git_read_file`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// The repository to read (required when several are configured).
    pub repo: Option<String>,
    /// The file's path from the repository root; a directory (or "" for the root) lists its entries.
    #[schemars(length(max = 4096))]
    pub path: String,
    /// The revision to read at: a branch, tag, commit id or expression (default HEAD).
    #[schemars(length(max = 1024))]
    pub rev: Option<String>,
    /// The first line to show, counting from 1 (default 1).
    pub start_line: Option<u32>,
    /// The last line to show, inclusive (default: the end, as far as the response budget allows).
    pub end_line: Option<u32>,
}

crate::tools::repo_arg!(Params);

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Read git file",
        "Read a file as it is at a revision (default HEAD), with line numbers.\n\
         Use it to see code at a commit, branch or tag without checking it out; pass start_line \
         and end_line for a range. A long file is cut at the response budget with the start_line \
         to read on from. Binary files come back as metadata (size, detected type), never as \
         bytes. A directory (or \"\" for the root) lists its entries with their URIs.",
        ToolEffects::LOCAL_READ,
    )
}

/// Run `git_read_file`.
pub(crate) fn run(
    repo: &RepoRef,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    read(repo, &params, None, ctx)
}

/// Read the exact path bytes of a `git://…/file/…` URI.
pub(crate) fn read_exact(
    repo: &RepoRef,
    rev: &str,
    path: Vec<u8>,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let params = Params {
        path: paths::display(&path),
        rev: Some(rev.to_owned()),
        ..Params::default()
    };
    read(repo, &params, Some(path), ctx)
}

fn read(
    repo: &RepoRef,
    params: &Params,
    exact: Option<Vec<u8>>,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let git = repo.open()?;
    let rev = params.rev.as_deref().unwrap_or("HEAD");
    let commit = repo.commit(&git, rev)?;
    let fail = |err: git2::Error| error::internal(&repo.name, "reading a file", &err);
    let root = commit.tree().map_err(fail)?;
    let typed = params.path.as_str();
    let path = match exact {
        Some(path) if path.is_empty() || root.get_path(&paths::to_path(&path)).is_ok() => {
            Some(path)
        }
        Some(_) => None,
        None => paths::resolve(&git, &root, typed),
    };
    let Some(path) = path else {
        return Err(repo.missing_path(typed, rev));
    };
    let at = Place {
        repo,
        rev,
        commit: commit.id(),
        path: &path,
    };
    if path.is_empty() {
        return list_directory(&git, &at, &root, ctx);
    }
    let entry = root.get_path(&paths::to_path(&path)).map_err(fail)?;
    match entry.kind() {
        Some(ObjectType::Tree) => {
            let tree = git.find_tree(entry.id()).map_err(fail)?;
            list_directory(&git, &at, &tree, ctx)
        }
        Some(ObjectType::Blob) if entry.filemode() == SYMLINK_MODE => {
            let blob = git.find_blob(entry.id()).map_err(fail)?;
            Ok(ToolOutput {
                text: format!(
                    "{}\nsymbolic link to {}\n",
                    at.header(),
                    text::one_line(blob.content())
                ),
                uris: vec![at.uri()],
                ..ToolOutput::default()
            })
        }
        Some(ObjectType::Blob) => read_blob(&git, &at, entry.id(), params, ctx),
        Some(ObjectType::Commit) => Ok(ToolOutput::text(format!(
            "{}\nsubmodule pinned to commit {}; its files live in another repository\n",
            at.header(),
            entry.id()
        ))),
        _ => Err(repo.missing_path(typed, rev)),
    }
}

/// What is being read.
struct Place<'a> {
    repo: &'a RepoRef,
    rev: &'a str,
    commit: Oid,
    path: &'a [u8],
}

impl Place<'_> {
    fn header(&self) -> String {
        let shown = if self.path.is_empty() {
            "/ (the root)".to_owned()
        } else {
            paths::display(self.path)
        };
        format!(
            "{shown} at {} ({}) in repository {}",
            self.rev,
            text::short(self.commit),
            self.repo.name
        )
    }

    fn uri(&self) -> String {
        self.repo.file_uri(&self.commit.to_string(), self.path)
    }
}

fn read_blob(
    git: &Repository,
    at: &Place<'_>,
    id: Oid,
    params: &Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let fail = |err: git2::Error| error::internal(&at.repo.name, "reading a file", &err);
    let uri = at.uri();
    let (size, _) = git
        .odb()
        .and_then(|odb| odb.read_header(id))
        .map_err(fail)?;
    if size > MAX_READ_BYTES {
        return Ok(ToolOutput {
            text: format!(
                "{}\nuri: {uri}\nfile of {} ({size} bytes): too large to read whole; use git_search_code to find lines in it\n",
                at.header(),
                text::size(size as u64)
            ),
            uris: vec![uri],
            ..ToolOutput::default()
        });
    }
    let blob = git.find_blob(id).map_err(fail)?;
    let content = blob.content();
    if text::is_binary(content) {
        return Ok(ToolOutput {
            text: format!(
                "{}\nuri: {uri}\nbinary file: {} ({size} bytes), detected type {}; its bytes are not shown\n",
                at.header(),
                text::size(size as u64),
                text::detect_type(content)
            ),
            uris: vec![uri],
            ..ToolOutput::default()
        });
    }
    let total = text::line_count(content);
    let start = params.start_line.unwrap_or(1).max(1) as usize;
    let mut end = params.end_line.map_or(total, |end| end as usize);
    let shown = paths::display(at.path);
    if total == 0 {
        return Ok(ToolOutput {
            text: format!("{}\nuri: {uri}\n(empty file)\n", at.header()),
            uris: vec![uri],
            ..ToolOutput::default()
        });
    }
    if start > total {
        return Err(ConnectorError::invalid(format!(
            "start_line {start} is past the end of {shown:?} at {}, which has {total} lines",
            at.rev
        )));
    }
    if end < start {
        return Err(ConnectorError::invalid(format!(
            "end_line {end} is before start_line {start}"
        )));
    }
    let mut notes = String::new();
    if end > total {
        let _ = writeln!(
            notes,
            "(end_line {end} is past the end; the file has {total} lines)"
        );
        end = total;
    }
    let mut out = format!(
        "{} · {total} lines · {}\nuri: {uri}\n",
        at.header(),
        text::size(size as u64)
    );
    out.push_str(&notes);
    let max_bytes = ctx.budget.max_bytes().saturating_sub(ENVELOPE_ROOM);
    let width = end.to_string().len();
    let mut last_shown = start - 1;
    for (index, line) in content.split(|b| *b == b'\n').enumerate().skip(start - 1) {
        let number = index + 1;
        if number > end {
            break;
        }
        if number.is_multiple_of(4096) {
            ctx.checkpoint("reading a file")?;
        }
        let mut line = text::clean(line);
        if line.ends_with('\r') {
            line.pop();
        }
        let row = format!("{number:>width$}  {line}\n");
        if out.len() + row.len() > max_bytes && number > start {
            break;
        }
        out.push_str(&row);
        last_shown = number;
        if out.len() > max_bytes {
            break;
        }
    }
    let truncated = last_shown < end;
    if truncated {
        let _ = writeln!(
            out,
            "[truncated: lines {}-{end} of {total} not shown (the response budget was reached); call {NAME} with path={shown:?} start_line={} to read on]",
            last_shown + 1,
            last_shown + 1
        );
    }
    Ok(ToolOutput {
        text: out,
        truncated,
        next_cursor: None,
        uris: vec![uri],
        structured: None,
    })
}

fn list_directory(
    git: &Repository,
    at: &Place<'_>,
    tree: &Tree<'_>,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let odb = git
        .odb()
        .map_err(|err| error::internal(&at.repo.name, "listing a directory", &err))?;
    let header = format!(
        "directory {} · {} entries\nuri: {}",
        at.header(),
        tree.len(),
        at.uri()
    );
    let mut page = PageWriter::new(header, &ctx.budget);
    for (index, entry) in tree.iter().enumerate() {
        if index.is_multiple_of(512) {
            ctx.checkpoint("listing a directory")?;
        }
        let mut path = at.path.to_vec();
        if !path.is_empty() {
            path.push(b'/');
        }
        path.extend_from_slice(entry.name_bytes());
        let name = paths::display(entry.name_bytes());
        let line = match entry.kind() {
            Some(ObjectType::Tree) => format!("{name}/"),
            Some(ObjectType::Commit) => {
                format!("{name} (submodule at {})", text::short(entry.id()))
            }
            _ if entry.filemode() == SYMLINK_MODE => format!("{name} (symlink)"),
            _ => match odb.read_header(entry.id()) {
                Ok((size, _)) => format!("{name} ({})", text::size(size as u64)),
                Err(_) => name,
            },
        };
        let uri = at.repo.file_uri(&at.commit.to_string(), &path);
        if !page.push(&format!("{line}  {uri}"), Some(&uri)) {
            break;
        }
    }
    let full = page.is_full();
    let output = page.finish(None, None, "the directory is empty");
    Ok(if full {
        crate::tools::common::with_note(
            output,
            "(to see the rest, list a subdirectory, or find files with git_search_code and a path glob)",
        )
    } else {
        output
    })
}
