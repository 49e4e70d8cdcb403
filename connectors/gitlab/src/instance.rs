//! [`Instance`]: what every tool runs against: the instance id, its client, its allowlist and
//! whether writes are on. Project arguments are checked here, before any request.

use switchyard_core::{CallContext, ConnectorError};

use crate::client::Client;
use crate::ids::Project;
use crate::settings::allowed;
use crate::wire;

/// One configured GitLab instance, as the tools see it.
#[derive(Debug)]
pub(crate) struct Instance {
    pub id: String,
    pub client: Client,
    pub projects: Vec<String>,
    pub writes: bool,
}

impl Instance {
    /// Check a project argument: a valid path, inside the allowlist when there is one.
    pub fn project(&self, path: &str) -> Result<Project, ConnectorError> {
        let project = Project::parse(path)?;
        if !self.projects.is_empty() && !allowed(&self.projects, project.as_str()) {
            return Err(ConnectorError::Forbidden(format!(
                "project {project} is outside the allowlist of instance {} ({}); use one of those projects",
                self.id,
                self.projects.join(", ")
            )));
        }
        Ok(project)
    }

    /// Check a project a write tool names: writes on, and the project explicitly allowed.
    pub fn writable(&self, path: &str) -> Result<Project, ConnectorError> {
        if !self.writes || self.projects.is_empty() {
            return Err(ConnectorError::Forbidden(format!(
                "writes are off for instance {}; set writes = true and a projects allowlist in its config",
                self.id
            )));
        }
        self.project(path)
    }

    /// Whether a project found by a global search may be shown.
    pub fn visible(&self, path: &str) -> bool {
        self.projects.is_empty() || allowed(&self.projects, path)
    }

    /// The project's default branch (GitLab's files API needs a ref).
    pub async fn default_branch(
        &self,
        project: &Project,
        ctx: &CallContext,
    ) -> Result<String, ConnectorError> {
        let (info, _) = self
            .client
            .get_json::<wire::Project>(
                &format!("projects/{}", project.encoded()),
                &[],
                &format!("project {project}"),
                ctx,
            )
            .await?;
        info.default_branch.filter(|b| !b.is_empty()).ok_or_else(|| {
            ConnectorError::not_found(format!(
                "project {project} on instance {} has no default branch (an empty repository); pass ref",
                self.id
            ))
        })
    }
}
