//! Unified-diff text with honest caps, shared by `git_show_commit` and `git_diff`.
//!
//! A rendered diff is a file list (status, paths, `+added -deleted`) followed by plain
//! unified-diff text. Each file is cut at `max_lines_per_file` lines; the whole diff is cut at
//! the byte room it is given (from the response budget). Every cut says what was left out and
//! which call shows it. Binary files are one metadata line; renames are detected and shown as
//! `renamed: old -> new`.

use std::fmt::Write as _;

use git2::{Delta, Diff, DiffDelta, DiffFindOptions, DiffLineType, Oid, Patch, Repository};
use switchyard_core::{CallContext, ConnectorError};

use crate::error;
use crate::paths;
use crate::text;

/// Diff lines shown per file unless the caller asks for another cap.
pub(crate) const DEFAULT_LINES_PER_FILE: u32 = 400;
/// The largest per-file cap a caller may ask for.
pub(crate) const MAX_LINES_PER_FILE: u32 = 20_000;

/// Files whose line counts are computed; beyond this only names are listed.
const MAX_STAT_FILES: usize = 2_000;

/// How many remaining file names a cut note lists, and in how many bytes at most.
const NAMES_IN_NOTE: usize = 15;
const NAMES_ROOM: usize = 400;

/// Room kept for the note after a file's text.
const NOTE_ROOM: usize = 700;

/// How to render one diff.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    /// Lines of diff text per file (hunk headers included) before it is cut.
    pub max_lines_per_file: usize,
    /// Bytes for the file list and diff text together.
    pub max_bytes: usize,
    /// Whether to include diff text at all (the file list always comes).
    pub with_text: bool,
    /// The start of a call that shows more, such as `git_diff with from="a" to="b"`.
    pub again: String,
}

/// A rendered diff.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    /// The file list and diff text.
    pub text: String,
    /// Whether anything was cut.
    pub truncated: bool,
    /// How many files changed.
    pub files: usize,
}

/// What one changed file looks like.
struct FileInfo {
    status: Delta,
    old: Vec<u8>,
    new: Vec<u8>,
    binary: bool,
    stats: Option<(usize, usize)>,
    old_side: Side,
    new_side: Side,
}

#[derive(Clone, Copy)]
struct Side {
    id: Option<Oid>,
    size: u64,
    mode: u32,
}

/// Detect renames in `diff`, then render it within `limits`.
pub(crate) fn render(
    repo: &Repository,
    repo_name: &str,
    diff: &mut Diff<'_>,
    limits: &Limits,
    ctx: &CallContext,
) -> Result<Rendered, ConnectorError> {
    let fail = |err: git2::Error| error::internal(repo_name, "computing a diff", &err);
    let mut find = DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find)).map_err(fail)?;
    let count = diff.deltas().len();
    let mut out = Rendered {
        files: count,
        ..Rendered::default()
    };
    if count == 0 {
        out.text.push_str("no changes\n");
        return Ok(out);
    }
    let mut infos = Vec::with_capacity(count.min(MAX_STAT_FILES));
    let (mut added, mut deleted) = (0usize, 0usize);
    for (index, delta) in diff.deltas().enumerate() {
        if index.is_multiple_of(64) {
            ctx.checkpoint("computing diff statistics")?;
        }
        let mut info = FileInfo::from_delta(&delta);
        if index < MAX_STAT_FILES {
            let patch = Patch::from_diff(diff, index).map_err(fail)?;
            if let Some(patch) = &patch {
                info.binary |= patch.delta().flags().is_binary();
                refresh_sides(&mut info, &patch.delta());
                if !info.binary {
                    let (_, adds, dels) = patch.line_stats().map_err(fail)?;
                    added += adds;
                    deleted += dels;
                    info.stats = Some((adds, dels));
                }
            }
        }
        infos.push(info);
    }
    let _ = write!(out.text, "{count} file{} changed", plural(count));
    if count > MAX_STAT_FILES {
        let _ = write!(
            out.text,
            " (+{added} -{deleted} over the first {MAX_STAT_FILES} files)"
        );
    } else {
        let _ = write!(out.text, ", +{added} -{deleted}");
    }
    out.text.push('\n');
    let list_room = limits.max_bytes / if limits.with_text { 3 } else { 1 };
    for (index, info) in infos.iter().enumerate() {
        let line = info.list_line(repo);
        if out.text.len() + line.len() + 1 > list_room {
            let _ = writeln!(
                out.text,
                "[cut: {} more files not listed; call {} path=\"<dir or glob>\" to narrow]",
                count - index,
                limits.again
            );
            out.truncated = true;
            break;
        }
        let _ = writeln!(out.text, "  {line}");
    }
    if !limits.with_text {
        return Ok(out);
    }
    out.text.push('\n');
    for (index, info) in infos.iter().enumerate() {
        ctx.checkpoint("rendering a diff")?;
        let room = limits.max_bytes.saturating_sub(out.text.len());
        let mut file = String::new();
        info.header(&mut file);
        if info.binary {
            let _ = writeln!(file, "{}", info.binary_line(repo));
        }
        if file.len() + NOTE_ROOM > room {
            out.truncated = true;
            note_rest(&mut out.text, &infos[index..], limits);
            break;
        }
        let cut = match (info.binary, Patch::from_diff(diff, index).map_err(fail)?) {
            (false, Some(patch)) => {
                let room = room - file.len() - NOTE_ROOM;
                render_patch(&patch, limits.max_lines_per_file, room, &mut file).map_err(fail)?
            }
            _ => None,
        };
        out.text.push_str(&file);
        let shown = info.shown_path();
        match cut {
            Some(FileCut::Lines(omitted)) => {
                out.truncated = true;
                let needed = limits.max_lines_per_file + omitted;
                let _ = if needed <= MAX_LINES_PER_FILE as usize {
                    writeln!(
                        out.text,
                        "[cut: {omitted} more diff lines of {shown} not shown; call {} path=\"{shown}\" max_lines_per_file={needed} to see them]",
                        limits.again,
                    )
                } else {
                    writeln!(
                        out.text,
                        "[cut: {omitted} more diff lines of {shown} not shown; the diff is longer than {MAX_LINES_PER_FILE} lines, so read the file itself with git_read_file and a line range]",
                    )
                };
            }
            Some(FileCut::Bytes(omitted)) => {
                out.truncated = true;
                let _ = writeln!(
                    out.text,
                    "[cut: {omitted} more diff lines of {shown} not shown: the response budget was reached; call {} path=\"{shown}\" to see this file alone]",
                    limits.again,
                );
                if index + 1 < infos.len() {
                    note_rest(&mut out.text, &infos[index + 1..], limits);
                }
                break;
            }
            None => {}
        }
    }
    Ok(out)
}

fn note_rest(text: &mut String, rest: &[FileInfo], limits: &Limits) {
    let mut names = String::new();
    for (listed, info) in rest.iter().enumerate() {
        let name = info.shown_path();
        if listed == NAMES_IN_NOTE || names.len() + name.len() > NAMES_ROOM {
            names.push_str(", …");
            break;
        }
        if listed > 0 {
            names.push_str(", ");
        }
        names.push_str(&name);
    }
    let _ = writeln!(
        text,
        "[cut: the diffs of {} more file{} not shown (the response budget was reached): {names}; call {} path=\"<file>\" to see one]",
        rest.len(),
        plural(rest.len()),
        limits.again
    );
}

/// Why a file's diff text stopped early.
enum FileCut {
    /// The per-file line cap; this many lines were left out.
    Lines(usize),
    /// The byte room; this many lines were left out.
    Bytes(usize),
}

/// Append a patch's hunks to `out`, at most `max_lines` lines and `max_bytes` bytes; says
/// why and how much was left out, or `None` when the whole patch fit.
fn render_patch(
    patch: &Patch<'_>,
    max_lines: usize,
    max_bytes: usize,
    out: &mut String,
) -> Result<Option<FileCut>, git2::Error> {
    let start = out.len();
    let mut shown = 0usize;
    let mut total = 0usize;
    let mut stop: Option<fn(usize) -> FileCut> = None;
    let mut push = |out: &mut String, line: &str, stop: &mut Option<fn(usize) -> FileCut>| {
        if shown >= max_lines {
            *stop = Some(FileCut::Lines);
        } else if out.len() - start + line.len() > max_bytes {
            *stop = Some(FileCut::Bytes);
        } else {
            out.push_str(line);
            shown += 1;
        }
    };
    for hunk_index in 0..patch.num_hunks() {
        let (hunk, lines) = patch.hunk(hunk_index)?;
        total += 1 + lines;
        if stop.is_some() {
            continue;
        }
        let header = text::clean(hunk.header());
        push(
            out,
            &format!("{}\n", header.trim_end_matches('\n')),
            &mut stop,
        );
        for line_index in 0..lines {
            if stop.is_some() {
                break;
            }
            let line = patch.line_in_hunk(hunk_index, line_index)?;
            let rendered = match line.origin_value() {
                DiffLineType::ContextEOFNL | DiffLineType::AddEOFNL | DiffLineType::DeleteEOFNL => {
                    "\\ No newline at end of file\n".to_owned()
                }
                _ => {
                    let mut text = String::with_capacity(line.content().len() + 1);
                    text.push(line.origin());
                    text.push_str(&text::clean(line.content()));
                    if !text.ends_with('\n') {
                        text.push('\n');
                    }
                    text
                }
            };
            push(out, &rendered, &mut stop);
        }
    }
    Ok(stop.map(|cut| cut(total - shown)))
}

impl FileInfo {
    fn from_delta(delta: &DiffDelta<'_>) -> FileInfo {
        let side = |file: git2::DiffFile<'_>| Side {
            id: (file.exists() && !file.id().is_zero()).then(|| file.id()),
            size: file.size(),
            mode: u32::from(file.mode()),
        };
        FileInfo {
            status: delta.status(),
            old: delta.old_file().path_bytes().unwrap_or_default().to_vec(),
            new: delta.new_file().path_bytes().unwrap_or_default().to_vec(),
            binary: delta.flags().is_binary(),
            stats: None,
            old_side: side(delta.old_file()),
            new_side: side(delta.new_file()),
        }
    }

    fn shown_path(&self) -> String {
        let path = if self.status == Delta::Deleted {
            &self.old
        } else {
            &self.new
        };
        paths::display(path)
    }

    fn list_line(&self, repo: &Repository) -> String {
        let old = paths::display(&self.old);
        let new = paths::display(&self.new);
        let mut line = match self.status {
            Delta::Added => format!("added: {new}"),
            Delta::Deleted => format!("deleted: {old}"),
            Delta::Renamed => format!("renamed: {old} -> {new}"),
            Delta::Copied => format!("copied: {old} -> {new}"),
            Delta::Typechange => format!("type changed: {new}"),
            Delta::Untracked => format!("untracked: {new}"),
            Delta::Conflicted => format!("conflicted: {new}"),
            _ => format!("modified: {new}"),
        };
        let mut notes = Vec::new();
        if self.binary {
            notes.push(format!("binary, {}", self.sizes(repo)));
        } else if let Some((adds, dels)) = self.stats {
            notes.push(format!("+{adds} -{dels}"));
        }
        if self.status == Delta::Modified && self.old_side.mode != self.new_side.mode {
            notes.push(format!(
                "mode {:o} -> {:o}",
                self.old_side.mode, self.new_side.mode
            ));
        }
        if !notes.is_empty() {
            let _ = write!(line, " ({})", notes.join(", "));
        }
        line
    }

    fn sizes(&self, repo: &Repository) -> String {
        let size = |side: &Side| {
            side.id
                .and_then(|id| repo.odb().ok()?.read_header(id).ok())
                .map_or(side.size, |(size, _)| size as u64)
        };
        match self.status {
            Delta::Added | Delta::Untracked => text::size(size(&self.new_side)),
            Delta::Deleted => text::size(size(&self.old_side)),
            _ => format!(
                "{} -> {}",
                text::size(size(&self.old_side)),
                text::size(size(&self.new_side))
            ),
        }
    }

    fn header(&self, out: &mut String) {
        let old = paths::display(&self.old);
        let new = paths::display(&self.new);
        let _ = writeln!(out, "diff --git a/{old} b/{new}");
        match self.status {
            Delta::Renamed | Delta::Copied => {
                let verb = if self.status == Delta::Renamed {
                    "rename"
                } else {
                    "copy"
                };
                let _ = writeln!(out, "{verb} from {old}\n{verb} to {new}");
            }
            Delta::Added | Delta::Untracked => {
                let _ = writeln!(out, "new file mode {:o}", self.new_side.mode);
            }
            Delta::Deleted => {
                let _ = writeln!(out, "deleted file mode {:o}", self.old_side.mode);
            }
            _ if self.old_side.mode != self.new_side.mode => {
                let _ = writeln!(
                    out,
                    "old mode {:o}\nnew mode {:o}",
                    self.old_side.mode, self.new_side.mode
                );
            }
            _ => {}
        }
        if !self.binary {
            let from = match self.status {
                Delta::Added | Delta::Untracked => "/dev/null".to_owned(),
                _ => format!("a/{old}"),
            };
            let to = match self.status {
                Delta::Deleted => "/dev/null".to_owned(),
                _ => format!("b/{new}"),
            };
            let _ = writeln!(out, "--- {from}\n+++ {to}");
        }
    }

    fn binary_line(&self, repo: &Repository) -> String {
        let side = if self.status == Delta::Deleted {
            &self.old_side
        } else {
            &self.new_side
        };
        let kind = side
            .id
            .and_then(|id| {
                let (size, _) = repo.odb().ok()?.read_header(id).ok()?;
                if size > 16 << 20 {
                    return None;
                }
                repo.find_blob(id).ok()
            })
            .map_or("type not inspected", |blob| {
                text::detect_type(blob.content())
            });
        format!(
            "Binary file {} {} ({}, {kind}); its bytes are not shown",
            self.shown_path(),
            match self.status {
                Delta::Added | Delta::Untracked => "added",
                Delta::Deleted => "deleted",
                _ => "changed",
            },
            self.sizes(repo)
        )
    }
}

/// Patches know sizes and ids that a bare delta (from a work tree) may not.
fn refresh_sides(info: &mut FileInfo, delta: &DiffDelta<'_>) {
    let new = delta.new_file();
    if info.new_side.id.is_none() && new.exists() && !new.id().is_zero() {
        info.new_side.id = Some(new.id());
    }
    if new.size() > 0 {
        info.new_side.size = new.size();
    }
    let old = delta.old_file();
    if old.size() > 0 {
        info.old_side.size = old.size();
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
