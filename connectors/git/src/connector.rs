//! [`GitConnector`]: the `Connector` implementation. It fits the `repo` argument to the
//! configured repositories, runs each tool on a blocking thread (libgit2 blocks) under the
//! call's deadline and cancellation, and resolves `git://` URIs.

use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use switchyard_core::{
    CallContext, CheckReport, Connector, ConnectorError, ItemUri, JsonObject, ResourceSpec,
    ResourceTemplateSpec, SearchHit, SearchQuery, ToolOutput, ToolSpec, parse_args,
};

use crate::error::GitError;
use crate::repo::{RepoConfig, RepoRef};
use crate::search;
use crate::tools::{
    self, RepoArg, blame, diff, list_refs, log, read_file, search_code, show_commit, status,
};
use crate::uris::{self, GitUri};

/// How long past the deadline a blocking task may run before the call answers `Timeout`
/// (the task's own checkpoints usually stop it first, with a better message).
const GRACE: Duration = Duration::from_millis(250);

/// A blocking tool body.
type Run<P> = fn(&RepoRef, P, &CallContext) -> Result<ToolOutput, ConnectorError>;

/// Local git repositories as a Switchyard connector.
#[derive(Debug)]
pub struct GitConnector {
    id: String,
    repos: Vec<RepoRef>,
    tools: Vec<ToolSpec>,
}

impl GitConnector {
    /// Open every configured repository (checking each is one) under the instance `id`, which
    /// is also the URI scheme. Repository names must be unique.
    pub fn open(id: &str, repos: Vec<RepoConfig>) -> Result<GitConnector, GitError> {
        if repos.is_empty() {
            return Err(GitError::NoRepositories);
        }
        if !switchyard_core::uri::is_source_id(id) {
            return Err(GitError::InvalidId { id: id.to_owned() });
        }
        let mut opened: Vec<RepoRef> = Vec::with_capacity(repos.len());
        for config in &repos {
            let repo = RepoRef::from_config(id, config)?;
            if opened.iter().any(|other| other.name == repo.name) {
                return Err(GitError::DuplicateName { name: repo.name });
            }
            opened.push(repo);
        }
        let tools = fit_repo_argument(tools::specs(), &opened);
        Ok(GitConnector {
            id: id.to_owned(),
            repos: opened,
            tools,
        })
    }

    /// The names of the configured repositories, in config order.
    pub fn repo_names(&self) -> Vec<&str> {
        self.repos.iter().map(|repo| repo.name.as_str()).collect()
    }

    fn pick(&self, name: Option<&str>) -> Result<&RepoRef, ConnectorError> {
        match (name, self.repos.as_slice()) {
            (None, [only]) => Ok(only),
            (None, _) => Err(ConnectorError::invalid(format!(
                "several repositories are configured; pass repo as one of {}",
                self.repo_names().join(", ")
            ))),
            (Some(name), repos) => repos.iter().find(|repo| repo.name == name).ok_or_else(|| {
                ConnectorError::invalid(format!(
                    "repository {name:?} is not configured; pass repo as one of {}",
                    self.repo_names().join(", ")
                ))
            }),
        }
    }

    async fn dispatch<P>(
        &self,
        args: &JsonObject,
        ctx: &CallContext,
        run: Run<P>,
    ) -> Result<ToolOutput, ConnectorError>
    where
        P: DeserializeOwned + RepoArg + Send + 'static,
    {
        let params: P = parse_args(args)?;
        let repo = self.pick(params.repo())?.clone();
        blocking(ctx, move |ctx| run(&repo, params, &ctx)).await
    }
}

/// Publish `repo` as an enum of the configured names: required when there are several.
fn fit_repo_argument(specs: Vec<ToolSpec>, repos: &[RepoRef]) -> Vec<ToolSpec> {
    let names: Vec<Value> = repos.iter().map(|repo| json!(repo.name)).collect();
    let several = repos.len() > 1;
    let description = if several {
        "The repository to use (required: several are configured)."
    } else {
        "The repository to use (optional: only one is configured)."
    };
    let schema = json!({ "type": "string", "enum": names, "description": description });
    specs
        .into_iter()
        .map(|spec| spec.with_argument("repo", schema.clone(), several))
        .collect()
}

/// Run blocking git work off the async runtime, answering `Timeout` at the deadline (plus a
/// short grace) or on cancellation even if the work itself cannot be interrupted.
async fn blocking<T, F>(ctx: &CallContext, job: F) -> Result<T, ConnectorError>
where
    T: Send + 'static,
    F: FnOnce(CallContext) -> Result<T, ConnectorError> + Send + 'static,
{
    let inner = ctx.clone();
    let handle = tokio::task::spawn_blocking(move || job(inner));
    let deadline = tokio::time::Instant::from_std(ctx.deadline) + GRACE;
    tokio::select! {
        joined = handle => joined.map_err(|err| {
            ConnectorError::internal(format!("a git task failed: {err}"))
        })?,
        () = tokio::time::sleep_until(deadline) => Err(ConnectorError::Timeout(
            "the deadline passed while git was still working; narrow the request (a path, a smaller range) or retry".to_owned(),
        )),
        () = ctx.cancel.cancelled() => Err(ConnectorError::Timeout(
            "the request was cancelled while git was working".to_owned(),
        )),
    }
}

/// The last net under every answer: cut to the budget if a tool overshot (none should).
fn within_budget(
    result: Result<ToolOutput, ConnectorError>,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    result.map(|output| {
        output.enforce_budget(
            &ctx.budget,
            "narrow the request (a path, a line range, a smaller limit)",
        )
    })
}

#[async_trait]
impl Connector for GitConnector {
    fn id(&self) -> &str {
        &self.id
    }

    fn kind(&self) -> &'static str {
        "git"
    }

    fn tools(&self) -> &[ToolSpec] {
        &self.tools
    }

    async fn call(
        &self,
        tool: &str,
        args: &JsonObject,
        ctx: &CallContext,
    ) -> Result<ToolOutput, ConnectorError> {
        // libgit2 takes C strings: a NUL inside a path or revision cannot mean anything, and
        // git2 panics on it in places. Refuse it here, naming the argument.
        if let Some(name) = argument_with_nul(args) {
            return Err(ConnectorError::invalid(format!(
                "{name} contains a NUL character, which no git path or revision can contain"
            )));
        }
        let result = match tool {
            log::NAME => self.dispatch(args, ctx, log::run).await,
            show_commit::NAME => self.dispatch(args, ctx, show_commit::run).await,
            diff::NAME => self.dispatch(args, ctx, diff::run).await,
            blame::NAME => self.dispatch(args, ctx, blame::run).await,
            read_file::NAME => self.dispatch(args, ctx, read_file::run).await,
            search_code::NAME => self.dispatch(args, ctx, search_code::run).await,
            list_refs::NAME => self.dispatch(args, ctx, list_refs::run).await,
            status::NAME => self.dispatch(args, ctx, status::run).await,
            other => Err(ConnectorError::not_found(format!(
                "{} has no tool {other:?}; its tools are {}",
                self.id,
                self.tools
                    .iter()
                    .map(|spec| spec.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        };
        within_budget(result, ctx)
    }

    async fn check(&self) -> CheckReport {
        let repos = self.repos.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let mut ok = true;
            let mut lines = Vec::new();
            for repo in &repos {
                match repo.open() {
                    Ok(git) => lines.push(format!(
                        "{} ({}): {}",
                        repo.name,
                        repo.location.display(),
                        list_refs::head_line(&git)
                    )),
                    Err(err) => {
                        ok = false;
                        lines.push(format!("{}: {err}", repo.name));
                    }
                }
            }
            (ok, lines.join("; "))
        })
        .await;
        match joined {
            Ok((true, detail)) => CheckReport::ok(detail),
            Ok((false, detail)) => CheckReport::failed(detail),
            Err(err) => CheckReport::failed(format!("the git check failed: {err}")),
        }
    }

    async fn resources(&self) -> Result<Vec<ResourceSpec>, ConnectorError> {
        let mut resources = Vec::new();
        for repo in &self.repos {
            resources.push(ResourceSpec {
                uri: uris::refs(&self.id, &repo.name),
                name: format!("{} refs", repo.name),
                description: format!(
                    "Branches and tags of {}, with ahead/behind the default branch",
                    repo.name
                ),
                mime_type: "text/plain".to_owned(),
            });
            if !repo.bare {
                resources.push(ResourceSpec {
                    uri: uris::status(&self.id, &repo.name),
                    name: format!("{} status", repo.name),
                    description: format!(
                        "Working tree status of {}: branch, upstream, changed files",
                        repo.name
                    ),
                    mime_type: "text/plain".to_owned(),
                });
            }
        }
        Ok(resources)
    }

    fn resource_templates(&self) -> Vec<ResourceTemplateSpec> {
        let id = &self.id;
        let template = |uri: String, name: &str, description: &str| ResourceTemplateSpec {
            uri_template: uri,
            name: name.to_owned(),
            description: description.to_owned(),
            mime_type: "text/plain".to_owned(),
        };
        vec![
            template(
                format!("{id}://{{repo}}/commit/{{rev}}"),
                "git commit",
                "A commit with message, stats and diff; rev is a commit id, branch or tag (percent-encode a '/' in it as %2F)",
            ),
            template(
                format!("{id}://{{repo}}/file/{{rev}}/{{+path}}"),
                "git file",
                "A file (or directory listing) at a revision; each path segment is percent-encoded",
            ),
            template(
                format!("{id}://{{repo}}/refs"),
                "git refs",
                "Branches and tags with ahead/behind the default branch",
            ),
            template(
                format!("{id}://{{repo}}/status"),
                "git status",
                "Working tree status: branch, upstream, changed files",
            ),
        ]
    }

    async fn read(&self, uri: &ItemUri, ctx: &CallContext) -> Result<ToolOutput, ConnectorError> {
        if uri.scheme() != self.id {
            return Err(ConnectorError::invalid(format!(
                "{uri} belongs to source {:?}, not {:?}",
                uri.scheme(),
                self.id
            )));
        }
        let parsed = GitUri::parse(uri)?;
        let name = match &parsed {
            GitUri::Commit { repo, .. }
            | GitUri::File { repo, .. }
            | GitUri::Refs { repo }
            | GitUri::Status { repo } => repo.clone(),
        };
        let repo = self
            .repos
            .iter()
            .find(|repo| repo.name == name)
            .cloned()
            .ok_or_else(|| {
                ConnectorError::not_found(format!(
                    "repository {name:?} in {uri} is not configured; configured: {}",
                    self.repo_names().join(", ")
                ))
            })?;
        let result = blocking(ctx, move |ctx| match parsed {
            GitUri::Commit { rev, .. } => {
                let params = show_commit::Params {
                    rev: Some(rev),
                    ..show_commit::Params::default()
                };
                show_commit::run(&repo, params, &ctx)
            }
            GitUri::File { rev, path, .. } => read_file::read_exact(&repo, &rev, path, &ctx),
            GitUri::Refs { .. } => list_refs::run(&repo, list_refs::Params::default(), &ctx),
            GitUri::Status { .. } => status::run(&repo, status::Params::default(), &ctx),
        })
        .await;
        within_budget(result, ctx)
    }

    fn searchable(&self) -> bool {
        true
    }

    async fn search(
        &self,
        query: &SearchQuery,
        ctx: &CallContext,
    ) -> Result<Vec<SearchHit>, ConnectorError> {
        let repos = self.repos.clone();
        let query = query.clone();
        blocking(ctx, move |ctx| search::run(&repos, &query, &ctx)).await
    }
}

/// The first string argument (at any depth) that contains a NUL character.
fn argument_with_nul(args: &JsonObject) -> Option<String> {
    fn has_nul(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(text) => text.contains('\0'),
            serde_json::Value::Array(items) => items.iter().any(has_nul),
            serde_json::Value::Object(map) => map.values().any(has_nul),
            _ => false,
        }
    }
    args.iter()
        .find(|(_, value)| has_nul(value))
        .map(|(name, _)| name.clone())
}
