//! The GitLab REST v4 fields we read. Only what we show is named here: fields that carry
//! secrets (`runners_token`, `import_url`, a runner's `token`, any `*token*` field) are never
//! deserialised, so they cannot reach an output by accident. Missing fields take defaults, as
//! self-managed versions differ.

use serde::Deserialize;

/// A user as GitLab embeds it.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct User {
    #[serde(default)]
    pub username: String,
}

/// A milestone, by title.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Milestone {
    #[serde(default)]
    pub title: String,
}

/// `references.full`: `group/project#7` or `group/project!5`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct References {
    #[serde(default)]
    pub full: String,
}

/// An issue.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Issue {
    pub iid: u64,
    pub title: String,
    pub description: Option<String>,
    pub state: String,
    pub author: Option<User>,
    pub assignees: Vec<User>,
    pub labels: Vec<String>,
    pub milestone: Option<Milestone>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub closed_at: Option<String>,
    pub due_date: Option<String>,
    pub user_notes_count: u64,
    pub confidential: bool,
    pub issue_type: Option<String>,
    pub references: Option<References>,
    pub task_status: Option<String>,
}

/// A comment (note) on an issue or merge request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Note {
    pub id: u64,
    pub body: String,
    pub author: Option<User>,
    pub created_at: Option<String>,
    pub system: bool,
}

/// A pipeline, as listed or embedded in a merge request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Pipeline {
    pub id: u64,
    pub status: String,
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    pub sha: Option<String>,
    pub source: Option<String>,
    pub name: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub duration: Option<f64>,
}

/// A merge request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct MergeRequest {
    pub iid: u64,
    pub title: String,
    pub description: Option<String>,
    pub state: String,
    pub author: Option<User>,
    pub assignees: Vec<User>,
    pub reviewers: Vec<User>,
    pub labels: Vec<String>,
    pub draft: bool,
    pub source_branch: String,
    pub target_branch: String,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub merged_at: Option<String>,
    pub merged_by: Option<User>,
    pub detailed_merge_status: Option<String>,
    pub merge_status: Option<String>,
    pub has_conflicts: bool,
    pub blocking_discussions_resolved: Option<bool>,
    pub changes_count: Option<String>,
    pub user_notes_count: u64,
    pub sha: Option<String>,
    pub merge_error: Option<String>,
    pub head_pipeline: Option<Pipeline>,
    pub pipeline: Option<Pipeline>,
    pub references: Option<References>,
    pub milestone: Option<Milestone>,
}

/// `GET …/merge_requests/:iid/approvals`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Approvals {
    pub approved: Option<bool>,
    pub approvals_required: Option<u64>,
    pub approvals_left: Option<u64>,
    pub approved_by: Vec<Approver>,
}

/// One approval.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Approver {
    pub user: Option<User>,
}

/// One changed file of a merge request or commit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Diff {
    pub old_path: String,
    pub new_path: String,
    pub diff: String,
    pub new_file: bool,
    pub renamed_file: bool,
    pub deleted_file: bool,
    pub generated_file: Option<bool>,
    /// GitLab 18.4+: the diff was collapsed (over 10% of a limit).
    pub collapsed: Option<bool>,
    /// GitLab 18.4+: the diff is over the limits and has no content.
    pub too_large: Option<bool>,
}

/// `GET …/merge_requests/:iid/changes`: the changes and whether GitLab's limits cut them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Changes {
    pub changes: Vec<Diff>,
    pub overflow: Option<bool>,
    pub changes_count: Option<String>,
}

/// A commit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Commit {
    pub id: String,
    pub short_id: String,
    pub title: String,
    pub message: String,
    pub author_name: String,
    pub author_email: String,
    pub authored_date: Option<String>,
    pub committed_date: Option<String>,
    pub parent_ids: Vec<String>,
    pub stats: Option<Stats>,
    pub last_pipeline: Option<Pipeline>,
}

/// A commit's line counts.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Stats {
    pub additions: u64,
    pub deletions: u64,
}

/// `GET …/repository/files/:path`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RepoFile {
    pub file_path: String,
    pub size: u64,
    pub encoding: String,
    pub content: String,
    pub blob_id: String,
    pub last_commit_id: String,
}

/// A project, for its default branch. Nothing else of it is read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Project {
    pub path_with_namespace: String,
    pub default_branch: Option<String>,
}

/// A CI job.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Job {
    pub id: u64,
    pub name: String,
    pub stage: String,
    pub status: String,
    pub allow_failure: bool,
    pub duration: Option<f64>,
    pub failure_reason: Option<String>,
}

/// A code search hit (`scope=blobs`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Blob {
    pub path: String,
    pub data: String,
    pub startline: u64,
    #[serde(rename = "ref")]
    pub git_ref: String,
}

/// `GET /user`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CurrentUser {
    pub username: String,
}

/// `GET /version`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Version {
    pub version: String,
}

/// A user found by name, for assignee ids.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct UserId {
    pub id: u64,
}

/// `GET /personal_access_tokens/self`: the token's own scopes (GitLab 15.5+).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct TokenInfo {
    pub scopes: Vec<String>,
    pub expires_at: Option<String>,
}
