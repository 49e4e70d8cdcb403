//! `git_diff`: the changes between two revisions, or between a revision (default HEAD) and the
//! working tree, optionally limited to one path, rendered with per-file and overall caps.

use std::fmt::Write as _;

use git2::{DiffOptions, Tree};
use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::diffview::{self, Limits};
use crate::error;
use crate::repo::RepoRef;
use crate::text;
use crate::tools::show_commit::{context_lines, lines_per_file, set_pathspec};

/// The tool name.
pub(crate) const NAME: &str = "git_diff";
const ENVELOPE_ROOM: usize = 512;

/// Arguments of `git_diff`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// The repository to read (required when several are configured).
    pub repo: Option<String>,
    /// The old side: a branch, tag, commit id or expression. Omit both from and to to diff the working tree against HEAD.
    #[schemars(length(max = 1024))]
    pub from: Option<String>,
    /// The new side. Omit it to compare from with the working tree (staged and unstaged changes).
    #[schemars(length(max = 1024))]
    pub to: Option<String>,
    /// Only this path: a file, a directory, or a git pathspec glob such as *.rs.
    #[schemars(length(max = 4096))]
    pub path: Option<String>,
    /// Diff lines shown per file before it is cut (default 400, at most 20000).
    pub max_lines_per_file: Option<u32>,
    /// Unchanged lines of context around each change (default 3, at most 100).
    pub context_lines: Option<u32>,
}

crate::tools::repo_arg!(Params);

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Git diff",
        "Diff two revisions, or the working tree against HEAD (or against from).\n\
         Use it to compare branches or releases, or to see uncommitted work. Returns the changed \
         files with line counts, then plain unified diff text, cut at max_lines_per_file lines per \
         file and at the response budget overall; every cut says how to see the rest (pass path \
         for one file). Renames show as renamed: old -> new; binary files as one metadata line. \
         Untracked files are not part of a working tree diff: git_status lists them.",
        ToolEffects::LOCAL_READ,
    )
}

/// Run `git_diff`.
pub(crate) fn run(
    repo: &RepoRef,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let lines_per_file = lines_per_file(params.max_lines_per_file)?;
    let context = context_lines(params.context_lines)?;
    if params.to.is_some() && params.from.is_none() {
        return Err(ConnectorError::invalid(
            "to needs from: pass from (the old side) too, or omit both to diff the working tree against HEAD",
        ));
    }
    let git = repo.open()?;
    let fail = |err: git2::Error| error::internal(&repo.name, "computing a diff", &err);
    let mut options = DiffOptions::new();
    options.context_lines(context);
    let mut header = format!("diff in repository {}: ", repo.name);
    let mut again = format!("{NAME} with");

    let old_tree: Option<Tree<'_>> = match &params.from {
        Some(from) => {
            let commit = repo.commit(&git, from)?;
            let _ = write!(header, "{from} ({})", text::short(commit.id()));
            let _ = write!(again, " from=\"{from}\"");
            Some(commit.tree().map_err(fail)?)
        }
        None => match repo.head_commit(&git)? {
            Some(head) => {
                let _ = write!(header, "HEAD ({})", text::short(head.id()));
                Some(head.tree().map_err(fail)?)
            }
            None => {
                header.push_str("nothing (the repository has no commits yet)");
                None
            }
        },
    };
    let mut diff = match &params.to {
        Some(to) => {
            let commit = repo.commit(&git, to)?;
            let _ = writeln!(header, " -> {to} ({})", text::short(commit.id()));
            let _ = write!(again, " to=\"{to}\"");
            let new_tree = commit.tree().map_err(fail)?;
            if let Some(path) = &params.path {
                set_pathspec(
                    &git,
                    &mut options,
                    path,
                    [Some(&new_tree), old_tree.as_ref()],
                );
            }
            git.diff_tree_to_tree(old_tree.as_ref(), Some(&new_tree), Some(&mut options))
                .map_err(fail)?
        }
        None => {
            if git.is_bare() {
                return Err(ConnectorError::invalid(format!(
                    "repository {:?} is bare and has no working tree; pass from and to revisions",
                    repo.name
                )));
            }
            header.push_str(
                " -> working tree (staged and unstaged changes; untracked files are not included, git_status lists them)\n",
            );
            if let Some(path) = &params.path {
                set_pathspec(&git, &mut options, path, [old_tree.as_ref()]);
            }
            git.diff_tree_to_workdir_with_index(old_tree.as_ref(), Some(&mut options))
                .map_err(fail)?
        }
    };
    let max_bytes = ctx.budget.max_bytes().saturating_sub(ENVELOPE_ROOM);
    let limits = Limits {
        max_lines_per_file: lines_per_file,
        max_bytes: max_bytes.saturating_sub(header.len()),
        with_text: true,
        again,
    };
    let rendered = diffview::render(&git, &repo.name, &mut diff, &limits, ctx)?;
    let mut out = header;
    if rendered.files == 0
        && let Some(path) = &params.path
    {
        let _ = writeln!(out, "no changes to {path:?}");
    } else {
        out.push_str(&rendered.text);
    }
    Ok(ToolOutput {
        text: out,
        truncated: rendered.truncated,
        next_cursor: None,
        uris: Vec::new(),
        structured: None,
    })
}
