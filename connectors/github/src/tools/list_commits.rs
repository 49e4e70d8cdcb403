//! `github_list_commits`: commits of a ref, newest first, paged with exactly the page size
//! asked for (`per_page`).

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, PageWriter, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::{Query, RepoId, check_path, check_ref, check_text, check_time};
use crate::paging::{PageSize, Position, required};
use crate::render;
use crate::tools::common::Instance;
use crate::uris;
use crate::wire::Commit;

pub(crate) const NAME: &str = "github_list_commits";

/// Arguments of `github_list_commits`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: Option<String>,
    /// Branch, tag or SHA (default branch if omitted).
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// Only commits touching this path.
    #[schemars(length(max = 4096))]
    pub path: Option<String>,
    /// Author login or email.
    pub author: Option<String>,
    /// ISO 8601 lower bound.
    pub since: Option<String>,
    /// ISO 8601 upper bound.
    pub until: Option<String>,
    /// Commits per page (default 30, max 100).
    pub limit: Option<u32>,
    /// next_cursor of the previous page (enough alone).
    pub cursor: Option<String>,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "List GitHub commits",
        "List commits of a branch or ref, newest first.",
        ToolEffects::REMOTE_READ,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let mut repo_arg = params.repo.clone();
    let (mut git_ref, mut path) = (params.git_ref.clone(), params.path.clone());
    let (mut author, mut since, mut until) = (
        params.author.clone(),
        params.since.clone(),
        params.until.clone(),
    );
    let position = Position::start(
        NAME,
        &instance.id,
        params.cursor.as_deref(),
        params.limit,
        PageSize {
            default: 30,
            max: 100,
        },
        &mut [
            ("repo", &mut repo_arg),
            ("ref", &mut git_ref),
            ("path", &mut path),
            ("author", &mut author),
            ("since", &mut since),
            ("until", &mut until),
        ],
    )?;
    let repo = instance.repo(required(repo_arg.as_deref(), "repo", "\"octo/hello\"")?)?;
    if let Some(git_ref) = &git_ref {
        check_ref(git_ref)?;
    }
    if let Some(path) = &path {
        check_path(path)?;
    }
    if let Some(author) = &author {
        check_text("author", author, 256)?;
    }
    check_time("since", since.as_deref())?;
    check_time("until", until.as_deref())?;
    let mut query = Query::default();
    query
        .push_opt("sha", git_ref.as_ref())
        .push_opt("path", path.as_ref().map(|p| p.trim_matches('/')))
        .push_opt("author", author.as_ref())
        .push_opt("since", since.as_ref())
        .push_opt("until", until.as_ref())
        .push("per_page", position.n.to_string())
        .push("page", position.p.to_string());
    let what = format!(
        "the commits of {}{}",
        repo.full(),
        git_ref
            .as_deref()
            .map(|r| format!(" at {r}"))
            .unwrap_or_default()
    );
    let (commits, has_next): (Vec<Commit>, bool) = instance
        .client
        .get_json(
            &format!("{}/commits{}", repo.api(), query.as_str()),
            &what,
            ctx,
        )
        .await?;
    let mut page = PageWriter::new(
        format!(
            "commits of {}{} on {}",
            repo.full(),
            git_ref
                .as_deref()
                .map(|r| format!(" at {r}"))
                .unwrap_or_default(),
            instance.id
        ),
        &ctx.budget,
    );
    for commit in commits.iter().skip(position.s as usize) {
        let (line, uri) = commit_line(&instance.id, &repo, commit);
        if !page.push(&line, Some(&uri)) {
            break;
        }
    }
    let next = position.next(page.shown(), commits.len(), has_next);
    Ok(page.finish(next, None, "try another ref, path or date range"))
}

/// `abc123def456 2025-01-15 @login subject · uri`.
pub(crate) fn commit_line(instance: &str, repo: &RepoId, commit: &Commit) -> (String, String) {
    let uri = uris::commit(instance, repo, &commit.sha);
    let author = match (&commit.author, &commit.commit.author) {
        (Some(user), _) if !user.login.is_empty() => render::login(Some(user)),
        (_, Some(person)) => render::clean(&person.name),
        _ => "unknown".to_owned(),
    };
    let date = commit.commit.author.as_ref().and_then(|a| a.date.as_ref());
    let subject = commit.commit.message.lines().next().unwrap_or_default();
    let line = format!(
        "{} {} {author} {} · {uri}",
        commit.sha.get(..12).unwrap_or(&commit.sha),
        render::day(date),
        render::one_line(subject, 200)
    );
    (line, uri)
}
