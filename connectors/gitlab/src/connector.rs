//! [`GitlabConnector`]: the `Connector` implementation. It checks the settings, dispatches
//! tool calls (the write tools exist only with `writes`), resolves `<instance>://` URIs,
//! searches issues and merge requests for `search_context`, and probes the instance in
//! `check()` (`GET /api/v4/user`, then `/version`).

use async_trait::async_trait;
use switchyard_core::{
    CallContext, CheckReport, Connector, ConnectorError, ItemUri, JsonObject, ResourceTemplateSpec,
    SearchHit, SearchQuery, ToolOutput, ToolSpec, parse_args,
};

use crate::client::Client;
use crate::error::GitlabError;
use crate::instance::Instance;
use crate::search;
use crate::settings::{GitlabSettings, validate_project_pattern};
use crate::tools::{
    self, comment_issue, create_issue, get_commit, get_file, get_issue, get_job_log,
    get_merge_request, get_merge_request_diff, get_merge_request_files, list_commits, list_issues,
    list_merge_requests, list_pipelines, search_code, search_issues, update_issue,
};
use crate::uris::GitlabUri;
use crate::wire::{CurrentUser, TokenInfo, Version};

/// One GitLab instance (GitLab.com or self-managed) as a Switchyard connector.
#[derive(Debug)]
pub struct GitlabConnector {
    gl: Instance,
    tools: Vec<ToolSpec>,
}

impl GitlabConnector {
    /// Build the instance from resolved settings (no I/O).
    pub fn new(settings: GitlabSettings) -> Result<GitlabConnector, GitlabError> {
        let id = &settings.id;
        if !switchyard_core::uri::is_source_id(id) {
            return Err(GitlabError::InvalidId { id: id.clone() });
        }
        for pattern in &settings.projects {
            validate_project_pattern(pattern).map_err(|reason| GitlabError::Pattern {
                id: id.clone(),
                pattern: pattern.clone(),
                reason,
            })?;
        }
        if settings.writes && settings.projects.is_empty() {
            return Err(GitlabError::WritesWithoutAllowlist { id: id.clone() });
        }
        let client = Client::new(&settings)?;
        Ok(GitlabConnector {
            tools: tools::specs(settings.writes),
            gl: Instance {
                id: settings.id,
                client,
                projects: settings.projects,
                writes: settings.writes,
            },
        })
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

#[async_trait]
impl Connector for GitlabConnector {
    fn id(&self) -> &str {
        &self.gl.id
    }

    fn kind(&self) -> &'static str {
        "gitlab"
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
        let writes = self.gl.writes;
        // Parse the arguments into the tool's params, then run it against this instance.
        macro_rules! tool {
            ($module:ident) => {
                async { $module::run(&self.gl, parse_args(args)?, ctx).await }.await
            };
        }
        let result = match tool {
            search_issues::NAME => tool!(search_issues),
            list_issues::NAME => tool!(list_issues),
            get_issue::NAME => tool!(get_issue),
            list_merge_requests::NAME => tool!(list_merge_requests),
            get_merge_request::NAME => tool!(get_merge_request),
            get_merge_request_files::NAME => {
                tool!(get_merge_request_files)
            }
            get_merge_request_diff::NAME => tool!(get_merge_request_diff),
            list_commits::NAME => tool!(list_commits),
            get_commit::NAME => tool!(get_commit),
            get_file::NAME => tool!(get_file),
            search_code::NAME => tool!(search_code),
            list_pipelines::NAME => tool!(list_pipelines),
            get_job_log::NAME => tool!(get_job_log),
            create_issue::NAME if writes => tool!(create_issue),
            comment_issue::NAME if writes => tool!(comment_issue),
            update_issue::NAME if writes => tool!(update_issue),
            other if tools::WRITE_TOOLS.contains(&other) => {
                Err(ConnectorError::Forbidden(format!(
                    "{other} is a write tool and writes are off for instance {}",
                    self.gl.id
                )))
            }
            other => Err(ConnectorError::not_found(format!(
                "{} has no tool {other:?}; its tools are {}",
                self.gl.id,
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
        let ctx = CallContext::for_tests().with_timeout(std::time::Duration::from_secs(15));
        let client = &self.gl.client;
        let at = client.origin.describe();
        let (user, reply) = match client
            .get_json::<CurrentUser>("user", &[], "the current user", &ctx)
            .await
        {
            Ok(answer) => answer,
            Err(err) => return CheckReport::failed(err.to_string()),
        };
        let mut detail = format!("{at}: token of @{} accepted", user.username);
        match client
            .get_json::<Version>("version", &[], "the GitLab version", &ctx)
            .await
        {
            Ok((version, _)) if !version.version.is_empty() => {
                detail.push_str(&format!("; GitLab {}", version.version));
            }
            _ => detail.push_str("; version not visible to this token"),
        }
        // The token's scopes, when GitLab can tell (access tokens on 15.5+; not OAuth).
        let mut ok = true;
        if let Ok((token, _)) = client
            .get_json::<TokenInfo>("personal_access_tokens/self", &[], "the token", &ctx)
            .await
        {
            detail.push_str(&format!("; scopes {}", token.scopes.join(", ")));
            if let Some(expires) = token.expires_at.as_deref() {
                detail.push_str(&format!(" (expires {expires})"));
            }
            let has = |scope: &str| token.scopes.iter().any(|s| s == scope);
            if !has("api") && !has("read_api") {
                ok = false;
                detail.push_str("; the tools need read_api (or api)");
            } else if self.gl.writes && !has("api") {
                ok = false;
                detail.push_str("; writes = true needs the api scope");
            }
        }
        if let Some(left) = reply.header("ratelimit-remaining") {
            detail.push_str(&format!("; {left} requests left in this rate-limit window"));
        }
        if !self.gl.projects.is_empty() {
            detail.push_str(&format!("; projects {}", self.gl.projects.join(", ")));
        }
        if self.gl.writes {
            detail.push_str("; writes on");
        }
        if ok {
            CheckReport::ok(detail)
        } else {
            CheckReport::failed(detail)
        }
    }

    fn resource_templates(&self) -> Vec<ResourceTemplateSpec> {
        let id = &self.gl.id;
        let template = |uri: String, name: &str, description: &str| ResourceTemplateSpec {
            uri_template: uri,
            name: name.to_owned(),
            description: description.to_owned(),
            mime_type: "text/plain".to_owned(),
        };
        vec![
            template(
                format!("{id}://{{+project}}/issues/{{iid}}"),
                "GitLab issue",
                "An issue with its body and notes; project is group/project",
            ),
            template(
                format!("{id}://{{+project}}/-/merge_requests/{{iid}}"),
                "GitLab merge request",
                "A merge request's summary: status, approvals, pipeline, size",
            ),
            template(
                format!("{id}://{{+project}}/commit/{{sha}}"),
                "GitLab commit",
                "A commit with its message and diff",
            ),
            template(
                format!("{id}://{{+project}}/blob/{{ref}}/{{+path}}"),
                "GitLab file",
                "A file at a ref (a '/' in the ref encoded as %2F)",
            ),
            template(
                format!("{id}://{{+project}}/-/pipelines/{{id}}"),
                "GitLab pipeline",
                "A pipeline's status with its failed jobs",
            ),
            template(
                format!("{id}://{{+project}}/-/jobs/{{id}}"),
                "GitLab job log",
                "The last lines of a CI job's log",
            ),
        ]
    }

    async fn read(&self, uri: &ItemUri, ctx: &CallContext) -> Result<ToolOutput, ConnectorError> {
        if uri.scheme() != self.gl.id {
            return Err(ConnectorError::invalid(format!(
                "{uri} belongs to source {:?}, not {:?}",
                uri.scheme(),
                self.gl.id
            )));
        }
        let parsed = GitlabUri::parse(uri)?;
        let project = parsed.project().as_str().to_owned();
        let gl = &self.gl;
        let result = match parsed {
            GitlabUri::Issue(_, iid) => {
                let params = get_issue::Params {
                    project: Some(project),
                    iid: Some(iid),
                    ..Default::default()
                };
                get_issue::run(gl, params, ctx).await
            }
            GitlabUri::MergeRequest(_, iid) => {
                let params = get_merge_request::Params {
                    project: Some(project),
                    iid: Some(iid),
                    cursor: None,
                };
                get_merge_request::run(gl, params, ctx).await
            }
            GitlabUri::Commit(_, sha) => {
                let params = get_commit::Params {
                    project,
                    sha,
                    ..Default::default()
                };
                get_commit::run(gl, params, ctx).await
            }
            GitlabUri::Blob(project, git_ref, path) => {
                let project = gl.project(project.as_str())?;
                get_file::read(gl, &project, &git_ref, &path, 1, ctx).await
            }
            GitlabUri::Pipeline(project, id) => {
                let project = gl.project(project.as_str())?;
                pipeline(gl, &project, id, ctx).await
            }
            GitlabUri::Job(_, job_id) => {
                let params = get_job_log::Params {
                    project,
                    job_id,
                    lines: None,
                };
                get_job_log::run(gl, params, ctx).await
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
        search::run(&self.gl, query, ctx).await
    }
}

/// One pipeline and its failed jobs (for `/-/pipelines/<id>` URIs).
async fn pipeline(
    gl: &Instance,
    project: &crate::ids::Project,
    id: u64,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let (pipeline, _) = gl
        .client
        .get_json::<crate::wire::Pipeline>(
            &format!("projects/{}/pipelines/{id}", project.encoded()),
            &[],
            &format!("pipeline {id} of {project}"),
            ctx,
        )
        .await?;
    let uri = crate::uris::pipeline(&gl.id, project.as_str(), id);
    let mut text = format!("{}\n{uri}\n", crate::render::pipeline_line(&pipeline));
    if pipeline.status == "failed" {
        text.push_str(&list_pipelines::failed_jobs_lines(gl, project, id, ctx).await?);
    }
    Ok(ToolOutput {
        text,
        uris: vec![uri],
        ..ToolOutput::default()
    })
}
