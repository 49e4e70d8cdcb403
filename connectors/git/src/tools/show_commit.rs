//! `git_show_commit`: one commit's metadata, full message, file stats and capped diff.
//! A merge is diffed against its first parent (and says so); a root commit against nothing.

use std::fmt::Write as _;

use git2::{DiffOptions, Repository, Tree};
use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::budget::cut_text;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::dates;
use crate::diffview::{self, DEFAULT_LINES_PER_FILE, Limits, MAX_LINES_PER_FILE};
use crate::error;
use crate::paths;
use crate::repo::RepoRef;
use crate::text;

/// The tool name.
pub(crate) const NAME: &str = "git_show_commit";
/// Bytes kept free for the envelope the server adds.
const ENVELOPE_ROOM: usize = 512;

/// Arguments of `git_show_commit`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// The repository to read (required when several are configured).
    pub repo: Option<String>,
    /// The commit: an id (full or short), branch, tag or expression such as HEAD~1 (default HEAD).
    #[schemars(length(max = 1024))]
    pub rev: Option<String>,
    /// Show the diff of this path only: a file, a directory, or a git pathspec glob such as *.rs.
    #[schemars(length(max = 4096))]
    pub path: Option<String>,
    /// Diff lines shown per file before it is cut (default 400, at most 20000).
    pub max_lines_per_file: Option<u32>,
    /// Unchanged lines of context around each change (default 3, at most 100).
    pub context_lines: Option<u32>,
    /// Include the diff text (default true); false gives the message and the file list only.
    pub include_diff: Option<bool>,
}

crate::tools::repo_arg!(Params);

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Show git commit",
        "Show one commit: author, date, parents, full message, changed files and the diff.\n\
         Use it after git_log or git_blame to see what a commit did. The diff is plain unified \
         diff text, cut at max_lines_per_file lines per file and at the response budget overall; \
         every cut says how to see the rest (pass path to see one file). Renames show as \
         renamed: old -> new; binary files as one metadata line. A merge is diffed against its \
         first parent.",
        ToolEffects::LOCAL_READ,
    )
}

/// Run `git_show_commit`.
pub(crate) fn run(
    repo: &RepoRef,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let lines_per_file = lines_per_file(params.max_lines_per_file)?;
    let context = context_lines(params.context_lines)?;
    let git = repo.open()?;
    let rev = params.rev.as_deref().unwrap_or("HEAD");
    let commit = repo.commit(&git, rev)?;
    let fail = |err: git2::Error| error::internal(&repo.name, "reading a commit", &err);
    let uri = repo.commit_uri(commit.id());
    let max_bytes = ctx.budget.max_bytes().saturating_sub(ENVELOPE_ROOM);

    let mut out = String::new();
    let _ = writeln!(out, "commit {} in repository {}", commit.id(), repo.name);
    let _ = writeln!(out, "uri: {uri}");
    let author = commit.author();
    let committer = commit.committer();
    let _ = writeln!(
        out,
        "author: {} <{}> {}",
        text::one_line(author.name_bytes()),
        text::one_line(author.email_bytes()),
        dates::show(author.when())
    );
    if committer.name_bytes() != author.name_bytes()
        || committer.email_bytes() != author.email_bytes()
        || committer.when().seconds() != author.when().seconds()
    {
        let _ = writeln!(
            out,
            "committer: {} <{}> {}",
            text::one_line(committer.name_bytes()),
            text::one_line(committer.email_bytes()),
            dates::show(committer.when())
        );
    }
    let parents: Vec<String> = commit.parent_ids().map(text::short).collect();
    match parents.len() {
        0 if git.is_shallow() && is_shallow_boundary(&git, commit.id()) => {
            out.push_str(
                "parents: not in this shallow clone (the diff shows every file as added)\n",
            );
        }
        0 => out.push_str("parents: none (root commit: the diff shows every file it added)\n"),
        1 => {
            let _ = writeln!(out, "parent: {}", parents[0]);
        }
        _ => {
            let _ = writeln!(
                out,
                "parents: {}\nmerge commit: the diff below is against the first parent {} (what the merge brought in)",
                parents.join(" "),
                parents[0]
            );
        }
    }
    out.push('\n');
    let message = text::clean(commit.message_bytes());
    let cut = cut_text(message.trim_end(), max_bytes / 4);
    for line in cut.kept.lines() {
        let _ = writeln!(out, "    {line}");
    }
    let mut truncated = false;
    if cut.is_truncated() {
        truncated = true;
        let _ = writeln!(
            out,
            "    [cut: {} more lines of the message not shown: the response budget was reached]",
            cut.omitted_lines
        );
    }
    out.push('\n');

    let tree = commit.tree().map_err(fail)?;
    let parent_tree: Option<Tree<'_>> = match commit.parent(0) {
        Ok(parent) => Some(parent.tree().map_err(fail)?),
        Err(_) => None,
    };
    let mut options = DiffOptions::new();
    options.context_lines(context);
    if let Some(path) = &params.path {
        set_pathspec(
            &git,
            &mut options,
            path,
            [Some(&tree), parent_tree.as_ref()],
        );
    }
    let mut diff = git
        .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut options))
        .map_err(fail)?;
    let again = format!("{NAME} with rev=\"{}\"", commit.id());
    let limits = Limits {
        max_lines_per_file: lines_per_file,
        max_bytes: max_bytes.saturating_sub(out.len()),
        with_text: params.include_diff.unwrap_or(true),
        again,
    };
    let rendered = diffview::render(&git, &repo.name, &mut diff, &limits, ctx)?;
    if rendered.files == 0
        && let Some(path) = &params.path
    {
        let _ = writeln!(out, "this commit does not change {path:?}");
    } else {
        out.push_str(&rendered.text);
    }
    Ok(ToolOutput {
        text: out,
        truncated: truncated || rendered.truncated,
        next_cursor: None,
        uris: vec![uri],
        structured: None,
    })
}

/// The per-file line cap from its argument.
pub(crate) fn lines_per_file(value: Option<u32>) -> Result<usize, ConnectorError> {
    match value.unwrap_or(DEFAULT_LINES_PER_FILE) {
        0 => Err(ConnectorError::invalid(
            "max_lines_per_file must be at least 1; use include_diff=false for no diff text",
        )),
        lines if lines > MAX_LINES_PER_FILE => Err(ConnectorError::invalid(format!(
            "max_lines_per_file {lines} is more than {MAX_LINES_PER_FILE}; read the file itself with git_read_file"
        ))),
        lines => Ok(lines as usize),
    }
}

/// The context line count from its argument.
pub(crate) fn context_lines(value: Option<u32>) -> Result<u32, ConnectorError> {
    match value.unwrap_or(3) {
        lines if lines > 100 => Err(ConnectorError::invalid(format!(
            "context_lines {lines} is more than 100"
        ))),
        lines => Ok(lines),
    }
}

/// Limit a diff to what a caller typed: a glob as a pathspec, a literal path resolved to its
/// exact bytes in the first tree that has it (and matched literally).
pub(crate) fn set_pathspec<'a>(
    git: &Repository,
    options: &mut DiffOptions,
    typed: &str,
    trees: impl IntoIterator<Item = Option<&'a Tree<'a>>>,
) {
    let typed = paths::normalise(typed);
    if typed.is_empty() {
        return;
    }
    if paths::is_glob(typed) {
        options.pathspec(typed);
        return;
    }
    let exact = trees
        .into_iter()
        .flatten()
        .find_map(|tree| paths::resolve(git, tree, typed))
        .unwrap_or_else(|| typed.as_bytes().to_vec());
    options.pathspec(exact);
    options.disable_pathspec_match(true);
}

fn is_shallow_boundary(git: &Repository, oid: git2::Oid) -> bool {
    std::fs::read_to_string(git.path().join("shallow"))
        .map(|shallow| shallow.lines().any(|line| line.trim() == oid.to_string()))
        .unwrap_or(false)
}
