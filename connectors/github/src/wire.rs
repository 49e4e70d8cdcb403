//! The fields of GitHub's REST answers that we read. Everything else GitHub sends is ignored,
//! so our output never carries raw upstream JSON (or fields we did not mean to show).

use serde::Deserialize;

/// A user or bot.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct User {
    #[serde(default)]
    pub login: String,
}

/// A label.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Label {
    #[serde(default)]
    pub name: String,
}

/// An issue or (in issue listings) a pull request.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Issue {
    pub number: u64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub state_reason: Option<String>,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub assignees: Vec<User>,
    #[serde(default)]
    pub comments: u64,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub closed_at: Option<String>,
    #[serde(default)]
    pub milestone: Option<Milestone>,
    /// Present when the issue is a pull request.
    #[serde(default)]
    pub pull_request: Option<serde_json::Value>,
    /// In search results: `https://api.github.com/repos/owner/repo`.
    #[serde(default)]
    pub repository_url: Option<String>,
    #[serde(default)]
    pub draft: Option<bool>,
    /// In search results: the relevance score.
    #[serde(default)]
    pub score: Option<f64>,
}

/// A milestone's title.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Milestone {
    #[serde(default)]
    pub title: String,
}

/// An issue comment.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Comment {
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// Search results.
#[derive(Debug, Deserialize)]
pub(crate) struct SearchResults<T> {
    #[serde(default)]
    pub total_count: u64,
    #[serde(default)]
    pub incomplete_results: bool,
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
}

/// A branch end of a pull request.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Branch {
    #[serde(default, rename = "ref")]
    pub name: String,
    #[serde(default)]
    pub sha: String,
    #[serde(default)]
    pub label: String,
}

/// A pull request.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Pull {
    pub number: u64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub draft: Option<bool>,
    #[serde(default)]
    pub merged_at: Option<String>,
    #[serde(default)]
    pub mergeable: Option<bool>,
    #[serde(default)]
    pub mergeable_state: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub head: Branch,
    #[serde(default)]
    pub base: Branch,
    #[serde(default)]
    pub comments: Option<u64>,
    #[serde(default)]
    pub review_comments: Option<u64>,
    #[serde(default)]
    pub commits: Option<u64>,
    #[serde(default)]
    pub additions: Option<u64>,
    #[serde(default)]
    pub deletions: Option<u64>,
    #[serde(default)]
    pub changed_files: Option<u64>,
    #[serde(default)]
    pub requested_reviewers: Vec<User>,
}

/// A review of a pull request.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Review {
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub state: String,
}

/// Check runs of a commit.
#[derive(Debug, Deserialize)]
pub(crate) struct CheckRuns {
    #[serde(default)]
    pub total_count: u64,
    #[serde(default)]
    pub check_runs: Vec<CheckRun>,
}

/// One check run.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CheckRun {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub conclusion: Option<String>,
}

/// A changed file of a pull request or commit.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct DiffEntry {
    #[serde(default)]
    pub filename: String,
    #[serde(default)]
    pub previous_filename: Option<String>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub additions: u64,
    #[serde(default)]
    pub deletions: u64,
    #[serde(default)]
    pub changes: u64,
    #[serde(default)]
    pub patch: Option<String>,
}

/// A person in a commit.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct GitPerson {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub date: Option<String>,
}

/// The git part of a commit.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct GitCommit {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub author: Option<GitPerson>,
}

/// Line totals of a commit.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Stats {
    #[serde(default)]
    pub additions: u64,
    #[serde(default)]
    pub deletions: u64,
}

/// A commit (list item or single commit with files).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Commit {
    pub sha: String,
    #[serde(default)]
    pub commit: GitCommit,
    #[serde(default)]
    pub author: Option<User>,
    #[serde(default)]
    pub parents: Vec<Parent>,
    #[serde(default)]
    pub stats: Option<Stats>,
    #[serde(default)]
    pub files: Option<Vec<DiffEntry>>,
}

/// A parent commit.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Parent {
    #[serde(default)]
    pub sha: String,
}

/// A file or directory entry of the contents API.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Content {
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub sha: String,
    #[serde(default)]
    pub encoding: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
}

/// A code search hit.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CodeHit {
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub repository: Option<RepoRef>,
    #[serde(default)]
    pub text_matches: Vec<TextMatch>,
}

/// A repository as search hits name it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct RepoRef {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub default_branch: Option<String>,
}

/// A matching fragment.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct TextMatch {
    #[serde(default)]
    pub fragment: String,
}

/// Workflow runs.
#[derive(Debug, Deserialize)]
pub(crate) struct Runs {
    #[serde(default)]
    pub total_count: u64,
    #[serde(default)]
    pub workflow_runs: Vec<Run>,
}

/// One workflow run.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Run {
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub head_branch: Option<String>,
    #[serde(default)]
    pub head_sha: String,
    #[serde(default)]
    pub event: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub run_attempt: Option<u64>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// Jobs of a run.
#[derive(Debug, Deserialize)]
pub(crate) struct Jobs {
    #[serde(default)]
    pub jobs: Vec<Job>,
}

/// One job.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Job {
    pub id: u64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// One step of a job.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Step {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub conclusion: Option<String>,
}

/// The authenticated user (`GET /user`).
#[derive(Debug, Deserialize)]
pub(crate) struct Me {
    #[serde(default)]
    pub login: String,
}
