//! `git_list_refs`: branches (local and remote-tracking) and tags, each with its commit;
//! branches with ahead/behind counts against the default branch and their upstream.
//!
//! The default branch is what `origin/HEAD` points at when the clone has it, else `main`, else
//! `master`, else HEAD. Paged by ref name (refs/heads, then refs/remotes, then refs/tags).

use std::fmt::Write as _;

use git2::{BranchType, ObjectType, Oid, Reference, Repository};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use switchyard_core::cursor::{decode_cursor, encode_cursor};
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::error;
use crate::repo::{RepoRef, is_unborn};
use crate::text;
use crate::tools::common::{check_cursor, page_limit};

/// The tool name.
pub(crate) const NAME: &str = "git_list_refs";
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 500;
const TAG: &str = "refs";

/// Which refs to list.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RefKind {
    /// Branches and tags.
    #[default]
    All,
    /// Local and remote-tracking branches.
    Branches,
    /// Tags.
    Tags,
}

/// Arguments of `git_list_refs`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// The repository to read (required when several are configured).
    pub repo: Option<String>,
    /// Which refs: all (default), branches or tags.
    pub kind: Option<RefKind>,
    /// Only refs whose name contains this text (case-insensitive).
    #[schemars(length(max = 1024))]
    pub contains: Option<String>,
    /// Refs per page (default 100, at most 500).
    pub limit: Option<u32>,
    /// The next_cursor of a previous git_list_refs result, to continue where it stopped.
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
        "List git refs",
        "List branches and tags with their commits, and where HEAD is.\n\
         Use it to find valid revisions for other git tools, or to see how branches relate: each \
         branch shows how many commits it is ahead of and behind the default branch, and its \
         upstream with ahead/behind; each tag shows its target commit (annotated or lightweight). \
         Paged: pass next_cursor to continue.",
        ToolEffects::LOCAL_READ,
    )
}

/// Run `git_list_refs`.
pub(crate) fn run(
    repo: &RepoRef,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let limit = page_limit(params.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let git = repo.open()?;
    let fail = |err: git2::Error| error::internal(&repo.name, "listing refs", &err);
    let after = match &params.cursor {
        Some(cursor) => {
            let cursor: Cursor = decode_cursor(cursor)?;
            check_cursor(NAME, &repo.name, cursor.t == TAG, cursor.r == repo.name)?;
            Some(cursor.after)
        }
        None => None,
    };
    let default = default_branch(&git);
    let mut header = format!("refs of repository {}\n{}\n", repo.name, head_line(&git));
    match &default {
        Some((name, oid)) => {
            let _ = write!(header, "default branch: {name} at {}", text::short(*oid));
        }
        None => header.push_str("default branch: none yet"),
    }

    let kind = params.kind.unwrap_or_default();
    let contains = params.contains.as_ref().map(|c| c.to_lowercase());
    let mut names: Vec<String> = git
        .references()
        .map_err(fail)?
        .filter_map(Result::ok)
        .filter(|reference| reference.kind() == Some(git2::ReferenceType::Direct))
        .filter_map(|reference| reference.name().ok().map(str::to_owned))
        .filter(|name| match kind {
            RefKind::All => {
                name.starts_with("refs/heads/")
                    || name.starts_with("refs/remotes/")
                    || name.starts_with("refs/tags/")
            }
            RefKind::Branches => {
                name.starts_with("refs/heads/") || name.starts_with("refs/remotes/")
            }
            RefKind::Tags => name.starts_with("refs/tags/"),
        })
        .filter(|name| {
            contains
                .as_ref()
                .is_none_or(|text| name.to_lowercase().contains(text.as_str()))
        })
        .collect();
    names.sort();
    let start = match &after {
        Some(after) => names.partition_point(|name| name.as_str() <= after.as_str()),
        None => 0,
    };

    let mut page = PageWriter::new(header, &ctx.budget);
    let mut last_shown: Option<&str> = None;
    let mut more = false;
    for (count, name) in names[start..].iter().enumerate() {
        ctx.checkpoint("listing refs")?;
        if count == limit {
            more = true;
            break;
        }
        let Ok(reference) = git.find_reference(name) else {
            continue;
        };
        let (line, uri) = describe(&git, repo, &reference, name, default.as_ref());
        if !page.push(&line, uri.as_deref()) {
            more = true;
            break;
        }
        last_shown = Some(name);
    }
    let next = match (more, last_shown) {
        (true, Some(after)) => Some(encode_cursor(&Cursor {
            t: TAG.into(),
            r: repo.name.clone(),
            after: after.to_owned(),
        })),
        _ => None,
    };
    let empty = if is_unborn(&git) {
        "the repository has no commits yet, so it has no branches or tags"
    } else {
        "no ref matches"
    };
    let remaining = names.len() - start - page.shown();
    Ok(page.finish(next, Some(remaining), empty))
}

/// Where HEAD is, in one line.
pub(crate) fn head_line(git: &Repository) -> String {
    match git.head() {
        Ok(head) => {
            let target = head.target().map(text::short).unwrap_or_default();
            if git.head_detached().unwrap_or(false) {
                format!("HEAD: detached at {target}")
            } else {
                format!(
                    "HEAD: branch {} at {target}",
                    head.shorthand().unwrap_or("?")
                )
            }
        }
        Err(_) => {
            let branch = git
                .find_reference("HEAD")
                .ok()
                .and_then(|head| head.symbolic_target().ok().flatten().map(str::to_owned))
                .map(|target| target.trim_start_matches("refs/heads/").to_owned())
                .unwrap_or_else(|| "?".to_owned());
            format!("HEAD: branch {branch} (no commits yet)")
        }
    }
}

/// The default branch: origin/HEAD's target, else main, else master, else HEAD.
pub(crate) fn default_branch(git: &Repository) -> Option<(String, Oid)> {
    if let Ok(origin_head) = git.find_reference("refs/remotes/origin/HEAD")
        && let Ok(resolved) = origin_head.resolve()
        && let Some(oid) = resolved.target()
    {
        let name = resolved.shorthand().unwrap_or("origin/HEAD").to_owned();
        return Some((name, oid));
    }
    for name in ["main", "master"] {
        if let Ok(branch) = git.find_branch(name, BranchType::Local)
            && let Some(oid) = branch.get().target()
        {
            return Some((name.to_owned(), oid));
        }
    }
    let head = git.head().ok()?;
    Some(("HEAD".to_owned(), head.target()?))
}

fn describe(
    git: &Repository,
    repo: &RepoRef,
    reference: &Reference<'_>,
    name: &str,
    default: Option<&(String, Oid)>,
) -> (String, Option<String>) {
    let short = reference.shorthand().unwrap_or(name).to_owned();
    let Some(target) = reference.target() else {
        return (format!("{short}: symbolic"), None);
    };
    if name.starts_with("refs/tags/") {
        return describe_tag(git, repo, &short, target);
    }
    let kind = if name.starts_with("refs/remotes/") {
        "remote branch"
    } else {
        "branch"
    };
    let mut line = format!("{kind} {short} at {}", text::short(target));
    if let Some((default_name, default_oid)) = default {
        if *default_name == short {
            line.push_str(" · the default branch");
        } else if let Ok((ahead, behind)) = git.graph_ahead_behind(target, *default_oid) {
            let _ = write!(line, " · ahead {ahead}, behind {behind} of {default_name}");
        }
    }
    if kind == "branch"
        && let Ok(branch) = git.find_branch(&short, BranchType::Local)
        && let Ok(upstream) = branch.upstream()
    {
        let upstream_name = upstream.get().shorthand().unwrap_or("?").to_owned();
        match upstream.get().target() {
            Some(up) => match git.graph_ahead_behind(target, up) {
                Ok((ahead, behind)) => {
                    let _ = write!(
                        line,
                        " · upstream {upstream_name} (ahead {ahead}, behind {behind})"
                    );
                }
                Err(_) => {
                    let _ = write!(line, " · upstream {upstream_name}");
                }
            },
            None => {
                let _ = write!(line, " · upstream {upstream_name} (gone)");
            }
        }
    }
    if let Ok(commit) = git.find_commit(target) {
        let _ = write!(line, " · {}", text::subject(commit.message_bytes()));
    }
    let uri = repo.commit_uri(target);
    let _ = write!(line, "\n  {uri}");
    (line, Some(uri))
}

fn describe_tag(
    git: &Repository,
    repo: &RepoRef,
    short: &str,
    target: Oid,
) -> (String, Option<String>) {
    let (kind, object) = match git.find_tag(target) {
        Ok(tag) => {
            let subject = tag.message_bytes().map(text::subject).unwrap_or_default();
            let object = tag
                .target()
                .ok()
                .and_then(|object| object.peel(ObjectType::Commit).ok().or(Some(object)));
            (format!("annotated: {subject:?}"), object)
        }
        Err(_) => ("lightweight".to_owned(), git.find_object(target, None).ok()),
    };
    match object {
        Some(object) if object.kind() == Some(ObjectType::Commit) => {
            let uri = repo.commit_uri(object.id());
            (
                format!(
                    "tag {short} -> commit {} ({kind})\n  {uri}",
                    text::short(object.id())
                ),
                Some(uri),
            )
        }
        Some(object) => (
            format!(
                "tag {short} -> {} {} ({kind})",
                object.kind().map_or("object", |kind| kind.str()),
                text::short(object.id())
            ),
            None,
        ),
        None => (
            format!(
                "tag {short} -> {} ({kind}, target missing)",
                text::short(target)
            ),
            None,
        ),
    }
}
