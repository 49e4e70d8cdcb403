//! [`GithubConnector`]: the `Connector` implementation for one GitHub instance. It dispatches
//! tool calls (write tools only when the instance enables writes), resolves
//! `<instance>://owner/repo/…` URIs, answers the cross-source search with issues and pull
//! requests, and probes the token in `check()`.

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use switchyard_core::{
    CallContext, CheckReport, Connector, ConnectorError, ItemUri, JsonObject, ResourceTemplateSpec,
    SearchHit, SearchQuery, ToolOutput, ToolSpec, parse_args,
};

use crate::client::{Accept, Client};
use crate::error::GithubError;
use crate::ids::{Query, RepoId};
use crate::settings::{GithubSettings, validate_base_url, validate_repo_pattern};
use crate::tools::common::{Instance, repo_from_api_url};
use crate::tools::get_pull_request_diff::Choice;
use crate::tools::{
    self, comment_issue, create_issue, get_commit, get_file, get_issue, get_job_log,
    get_pull_request, get_pull_request_diff, get_pull_request_files, list_commits, list_issues,
    list_pull_requests, list_workflow_runs, search_code, search_issues, update_issue,
};
use crate::uris::GithubUri;
use crate::wire::{Issue, Me, SearchResults};
use crate::{render, upstream};

/// One GitHub instance (github.com or a GitHub Enterprise Server) as a Switchyard connector.
#[derive(Debug)]
pub struct GithubConnector {
    instance: Instance,
    base_url: String,
    tools: Vec<ToolSpec>,
}

impl GithubConnector {
    /// Build the instance (no network I/O): check the id, base URL and allowlist, and set up
    /// the HTTP client.
    pub fn new(settings: GithubSettings) -> Result<GithubConnector, GithubError> {
        let id = &settings.id;
        if !switchyard_core::uri::is_source_id(id) {
            return Err(GithubError::InvalidId { id: id.clone() });
        }
        validate_base_url(&settings.base_url).map_err(|reason| GithubError::BaseUrl {
            url: settings.base_url.clone(),
            reason,
        })?;
        for pattern in &settings.repos {
            validate_repo_pattern(pattern).map_err(|reason| GithubError::RepoPattern {
                pattern: pattern.clone(),
                reason,
            })?;
        }
        let client = Client::new(&settings)?;
        let base_url = settings.base_url.clone();
        let mut tools = tools::read_specs();
        if settings.writes {
            tools.extend(tools::write_specs());
        }
        Ok(GithubConnector {
            instance: Instance {
                client,
                id: settings.id,
                repos: settings.repos,
                writes: settings.writes,
            },
            base_url,
            tools,
        })
    }

    async fn run<'s, P, F, Fut>(
        &'s self,
        args: &JsonObject,
        run: F,
    ) -> Result<ToolOutput, ConnectorError>
    where
        P: DeserializeOwned,
        F: FnOnce(&'s Instance, P) -> Fut,
        Fut: std::future::Future<Output = Result<ToolOutput, ConnectorError>>,
    {
        let params: P = parse_args(args)?;
        run(&self.instance, params).await
    }
}

#[async_trait]
impl Connector for GithubConnector {
    fn id(&self) -> &str {
        &self.instance.id
    }

    fn kind(&self) -> &'static str {
        "github"
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
        let writes = self.instance.writes;
        let result = match tool {
            search_issues::NAME => self.run(args, |i, p| search_issues::run(i, p, ctx)).await,
            list_issues::NAME => self.run(args, |i, p| list_issues::run(i, p, ctx)).await,
            get_issue::NAME => self.run(args, |i, p| get_issue::run(i, p, ctx)).await,
            list_pull_requests::NAME => {
                self.run(args, |i, p| list_pull_requests::run(i, p, ctx))
                    .await
            }
            get_pull_request::NAME => {
                self.run(args, |i, p| get_pull_request::run(i, p, ctx))
                    .await
            }
            get_pull_request_files::NAME => {
                self.run(args, |i, p| get_pull_request_files::run(i, p, ctx))
                    .await
            }
            get_pull_request_diff::NAME => {
                self.run(args, |i, p| get_pull_request_diff::run(i, p, ctx))
                    .await
            }
            list_commits::NAME => self.run(args, |i, p| list_commits::run(i, p, ctx)).await,
            get_commit::NAME => self.run(args, |i, p| get_commit::run(i, p, ctx)).await,
            get_file::NAME => self.run(args, |i, p| get_file::run(i, p, ctx)).await,
            search_code::NAME => self.run(args, |i, p| search_code::run(i, p, ctx)).await,
            list_workflow_runs::NAME => {
                self.run(args, |i, p| list_workflow_runs::run(i, p, ctx))
                    .await
            }
            get_job_log::NAME => self.run(args, |i, p| get_job_log::run(i, p, ctx)).await,
            create_issue::NAME if writes => {
                self.run(args, |i, p| create_issue::run(i, p, ctx)).await
            }
            comment_issue::NAME if writes => {
                self.run(args, |i, p| comment_issue::run(i, p, ctx)).await
            }
            update_issue::NAME if writes => {
                self.run(args, |i, p| update_issue::run(i, p, ctx)).await
            }
            other => Err(ConnectorError::not_found(format!(
                "{} has no tool {other:?}; its tools are {}",
                self.instance.id,
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
        let ctx = CallContext::for_tests();
        let client = &self.instance.client;
        let origin = &client.origin;
        let reply = match client.fetch("/user", Accept::Json, &ctx).await {
            Ok(reply) => reply,
            Err(err) => return CheckReport::failed(err.to_string()),
        };
        if !(200..300).contains(&reply.status) {
            let err = upstream::to_error(
                origin,
                "the token check (GET /user)",
                reply.status,
                &reply.headers,
                &reply.body,
            );
            let hint = if reply.status == 404
                && !self.base_url.trim_end_matches('/').ends_with("/api/v3")
            {
                "; a GitHub Enterprise base_url ends in /api/v3"
            } else {
                ""
            };
            return CheckReport::failed(format!("{err}{hint}"));
        }
        let login = reply
            .json::<Me>(origin, "the authenticated user")
            .map(|me| me.login)
            .unwrap_or_default();
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let limit = match (header("x-ratelimit-remaining"), header("x-ratelimit-limit")) {
            (Some(left), Some(limit)) => format!("rate limit {left}/{limit} requests left"),
            _ => "no rate limit reported".to_owned(),
        };
        let scopes = header("x-oauth-scopes")
            .filter(|s| !s.is_empty())
            .map(|s| format!("; token scopes: {s}"))
            .unwrap_or_default();
        CheckReport::ok(format!(
            "{} reachable; token valid for @{login}; {limit}{scopes}{}",
            origin.host,
            if self.instance.writes {
                "; writes enabled"
            } else {
                ""
            }
        ))
    }

    fn resource_templates(&self) -> Vec<ResourceTemplateSpec> {
        let id = &self.instance.id;
        let template = |uri: String, name: &str, description: &str| ResourceTemplateSpec {
            uri_template: uri,
            name: name.to_owned(),
            description: description.to_owned(),
            mime_type: "text/plain".to_owned(),
        };
        vec![
            template(
                format!("{id}://{{owner}}/{{repo}}/issues/{{number}}"),
                "GitHub issue",
                "An issue with its body and comments",
            ),
            template(
                format!("{id}://{{owner}}/{{repo}}/issues/comments/{{comment_id}}"),
                "GitHub comment",
                "One issue or pull request comment, whole (a long one continues at …/from/<byte>)",
            ),
            template(
                format!("{id}://{{owner}}/{{repo}}/pull/{{number}}"),
                "GitHub pull request",
                "A pull request: summary, reviews, checks",
            ),
            template(
                format!("{id}://{{owner}}/{{repo}}/commit/{{sha}}"),
                "GitHub commit",
                "A commit with its capped diff",
            ),
            template(
                format!("{id}://{{owner}}/{{repo}}/blob/{{ref}}/{{+path}}"),
                "GitHub file",
                "A file at a ref (percent-encode a '/' in the ref as %2F)",
            ),
        ]
    }

    async fn read(&self, uri: &ItemUri, ctx: &CallContext) -> Result<ToolOutput, ConnectorError> {
        if uri.scheme() != self.instance.id {
            return Err(ConnectorError::invalid(format!(
                "{uri} belongs to source {:?}, not {:?}",
                uri.scheme(),
                self.instance.id
            )));
        }
        let instance = &self.instance;
        let result = match GithubUri::parse(uri)? {
            GithubUri::Issue { repo, number } => {
                let mut args = JsonObject::new();
                args.insert("repo".into(), repo.into());
                args.insert("number".into(), number.into());
                let params = parse_args(&args)?;
                get_issue::run(instance, params, ctx).await
            }
            GithubUri::Comment { repo, id, from } => {
                let repo = instance.repo(&repo)?;
                get_issue::comment(instance, &repo, id, from, ctx).await
            }
            GithubUri::Pull { repo, number } => {
                let repo = instance.repo(&repo)?;
                get_pull_request::show(instance, &repo, number, ctx).await
            }
            GithubUri::Commit { repo, sha } => {
                let repo = instance.repo(&repo)?;
                let choice = Choice::checked(None, None, None, None)?;
                get_commit::show(instance, &repo, &sha, &choice, ctx).await
            }
            GithubUri::Blob {
                repo,
                git_ref,
                path,
            } => {
                let repo = instance.repo(&repo)?;
                get_file::show(instance, &repo, Some(&git_ref), &path, 1, ctx).await
            }
        };
        within_budget(
            result.map_err(|err| switchyard_core::uri::not_found_for_read(err, uri)),
            ctx,
        )
    }

    fn searchable(&self) -> bool {
        true
    }

    async fn search(
        &self,
        query: &SearchQuery,
        ctx: &CallContext,
    ) -> Result<Vec<SearchHit>, ConnectorError> {
        let instance = &self.instance;
        let text = query.text.trim();
        if text.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = search_issues::scoped_query(instance, text, None)?;
        if instance.repos.is_empty() {
            // Without an allowlist, all of GitHub would answer: keep to what involves the user.
            q.push_str(" involves:@me");
        }
        let mut path = Query::default();
        path.push("q", &q)
            .push("per_page", query.limit.clamp(1, 100).to_string());
        let (results, _): (SearchResults<Issue>, bool) = instance
            .client
            .get_json(
                &format!("/search/issues{}", path.as_str()),
                &format!("the issue search {q:?}"),
                ctx,
            )
            .await?;
        let mut hits = Vec::new();
        for issue in &results.items {
            let Some(repo) = issue.repository_url.as_deref().and_then(repo_from_api_url) else {
                continue;
            };
            if !instance.shows(&repo.full()) {
                continue;
            }
            hits.push(hit(&instance.id, &repo, issue));
        }
        Ok(hits)
    }
}

fn hit(instance: &str, repo: &RepoId, issue: &Issue) -> SearchHit {
    let (_, uri) = render::issue_line(instance, repo, issue);
    let kind = if issue.pull_request.is_some() {
        "PR "
    } else {
        ""
    };
    SearchHit {
        uri,
        title: format!(
            "{} {kind}#{} {}",
            repo.full(),
            issue.number,
            render::one_line(&issue.title, 200)
        ),
        snippet: render::excerpt(issue.body.as_ref(), 240).unwrap_or_default(),
        score: issue.score.unwrap_or(0.0),
        updated: issue.updated_at.clone(),
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
            "narrow the request (a path, fewer lines, a smaller limit)",
        )
    })
}
