//! `github_get_commit`: one commit: message, author, parents, stats and its diff (capped per
//! file, generated files collapsed, one file on request).

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::patch::FileChange;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::{RepoId, check_ref};
use crate::render;
use crate::tools::common::{Instance, file_change};
use crate::tools::get_pull_request_diff::{Choice, render_files};
use crate::uris;
use crate::wire::Commit;

pub(crate) const NAME: &str = "github_get_commit";

/// Arguments of `github_get_commit`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: String,
    /// Commit SHA, branch or tag.
    #[serde(rename = "ref")]
    pub git_ref: String,
    /// Only this file's diff.
    #[schemars(length(max = 4096))]
    pub path: Option<String>,
    /// Show lock, vendored and generated files too.
    pub include_generated: Option<bool>,
    /// Lines per file (default 300).
    pub max_lines: Option<u32>,
    /// With path: the patch line to start at (default 1).
    pub from_line: Option<u32>,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Get a GitHub commit",
        "Get a commit: message, stats and its diff as plain text, capped per file.",
        ToolEffects::REMOTE_READ,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let repo = instance.repo(&params.repo)?;
    check_ref(&params.git_ref)?;
    let choice = Choice::checked(
        params.path.as_deref(),
        params.include_generated,
        params.max_lines,
        params.from_line,
    )?;
    show(instance, &repo, &params.git_ref, &choice, ctx).await
}

/// The commit `git_ref` of `repo` (also what `read` shows for `/commit/<sha>`).
pub(crate) async fn show(
    instance: &Instance,
    repo: &RepoId,
    git_ref: &str,
    choice: &Choice<'_>,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let what = format!("commit {git_ref} of {}", repo.full());
    let (commit, _): (Commit, bool) = instance
        .client
        .get_json(
            &format!(
                "{}/commits/{}",
                repo.api(),
                switchyard_core::uri::encode_segment(git_ref)
            ),
            &what,
            ctx,
        )
        .await?;
    let uri = uris::commit(&instance.id, repo, &commit.sha);
    let mut header = format!(
        "commit {} of {} on {}\n",
        commit.sha,
        repo.full(),
        instance.id
    );
    let author = match (&commit.author, &commit.commit.author) {
        (Some(user), _) if !user.login.is_empty() => render::login(Some(user)),
        (_, Some(person)) => render::clean(&person.name),
        _ => "unknown".to_owned(),
    };
    let date = commit
        .commit
        .author
        .as_ref()
        .and_then(|a| a.date.as_deref())
        .unwrap_or("?");
    let _ = write!(header, "author {author} · {date}");
    if !commit.parents.is_empty() {
        let parents: Vec<&str> = commit
            .parents
            .iter()
            .map(|p| p.sha.get(..12).unwrap_or(&p.sha))
            .collect();
        let _ = write!(header, " · parents {}", parents.join(" "));
    }
    if let Some(stats) = &commit.stats {
        let _ = write!(header, " · +{} -{}", stats.additions, stats.deletions);
    }
    header.push_str("\n\n");
    let message = render::clean(&commit.commit.message);
    let message_cut = switchyard_core::budget::cut_text(&message, ctx.budget.fraction(1, 5));
    header.push_str(message_cut.kept.trim_end());
    if message_cut.is_truncated() {
        let _ = write!(
            header,
            "\n[message cut: {}]",
            render::plural(message_cut.omitted_bytes as u64, "more byte")
        );
    }
    header.push('\n');
    let entries = commit.files.clone().unwrap_or_default();
    let files: Vec<FileChange<'_>> = entries.iter().map(file_change).collect();
    let again = format!(
        "github_get_commit with repo=\"{}\" ref=\"{}\"",
        repo.full(),
        commit.sha
    );
    let mut output = render_files(&header, "", &files, choice, &again, ctx, uri)?;
    output.truncated |= message_cut.is_truncated();
    Ok(output)
}
