//! Fixtures: real repositories built with the `git` CLI in temporary directories, with fixed
//! identities, dates and no user or system config, so results are deterministic.

#![expect(
    clippy::unwrap_used,
    reason = "fixture helpers fail the test loudly when the machine cannot set one up"
)]

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use switchyard_core::{CallContext, Connector, ConnectorError, JsonObject, ToolOutput};
use switchyard_git::{GitConnector, RepoConfig};
use tempfile::TempDir;

/// 2024-01-01T00:00:00Z; each commit is one hour after the previous one.
pub const EPOCH: i64 = 1_704_067_200;

/// A repository in a temporary directory.
pub struct Repo {
    dir: TempDir,
    clock: Cell<i64>,
}

impl Repo {
    /// An empty repository on branch `main`.
    pub fn empty() -> Repo {
        let repo = Repo {
            dir: TempDir::new().unwrap(),
            clock: Cell::new(EPOCH),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// A repository with one commit adding `README.md`.
    pub fn new() -> Repo {
        let repo = Repo::empty();
        repo.commit_file("README.md", "hello\n", "initial commit");
        repo
    }

    /// The work tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Run git in the work tree; panics with its stderr on failure; returns trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        run_git(
            self.path(),
            args,
            self.clock.get(),
            "Alice Example <alice@example.com>",
        )
    }

    /// Write a file (creating directories), relative to the work tree.
    pub fn write(&self, path: impl AsRef<Path>, content: impl AsRef<[u8]>) {
        let full = self.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(full, content).unwrap();
    }

    /// Stage everything and commit as Alice; returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        self.commit_as("Alice Example <alice@example.com>", message)
    }

    /// Stage everything and commit as `author` ("Name <email>"); returns the commit id.
    pub fn commit_as(&self, author: &str, message: &str) -> String {
        self.clock.set(self.clock.get() + 3600);
        run_git(self.path(), &["add", "-A"], self.clock.get(), author);
        run_git(
            self.path(),
            &["commit", "-q", "--allow-empty", "-m", message],
            self.clock.get(),
            author,
        );
        self.git(&["rev-parse", "HEAD"])
    }

    /// Write one file and commit it.
    pub fn commit_file(&self, path: &str, content: impl AsRef<[u8]>, message: &str) -> String {
        self.write(path, content);
        self.commit(message)
    }

    /// The time of the latest commit, as Unix seconds.
    pub fn now(&self) -> i64 {
        self.clock.get()
    }

    /// A connector serving this repository as `demo`.
    pub fn connector(&self) -> GitConnector {
        GitConnector::open("git", vec![RepoConfig::new(self.path()).named("demo")]).unwrap()
    }
}

/// Run git in `dir` with a fixed identity and date and no outside config.
pub fn run_git(dir: &Path, args: &[&str], when: i64, author: &str) -> String {
    let (name, email) = author
        .split_once(" <")
        .map(|(name, email)| (name, email.trim_end_matches('>')))
        .unwrap();
    let date = format!("@{when} +0000");
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_COMMITTER_NAME", name)
        .env("GIT_COMMITTER_EMAIL", email)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A shallow clone (`--depth`) of `source` in a new temporary directory.
pub fn shallow_clone(source: &Repo, depth: u32) -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let target = dir.path().join("shallow");
    let url = format!("file://{}", source.path().display());
    let depth = depth.to_string();
    run_git(
        dir.path(),
        &["clone", "-q", "--depth", &depth, &url, "shallow"],
        EPOCH,
        "Alice Example <alice@example.com>",
    );
    (dir, target)
}

/// JSON arguments as the object a tool receives.
pub fn args(value: Value) -> JsonObject {
    match value {
        Value::Object(map) => map,
        other => panic!("arguments must be an object, got {other}"),
    }
}

/// Call a tool with the default context.
pub async fn call(
    connector: &GitConnector,
    tool: &str,
    arguments: Value,
) -> Result<ToolOutput, ConnectorError> {
    connector
        .call(tool, &args(arguments), &CallContext::for_tests())
        .await
}

/// Call a tool that must succeed; returns its output.
pub async fn ok(connector: &GitConnector, tool: &str, arguments: Value) -> ToolOutput {
    match call(connector, tool, arguments.clone()).await {
        Ok(output) => output,
        Err(err) => panic!("{tool} {arguments} failed: {err}"),
    }
}

/// Call a tool that must fail; returns the error.
pub async fn fails(connector: &GitConnector, tool: &str, arguments: Value) -> ConnectorError {
    match call(connector, tool, arguments.clone()).await {
        Ok(output) => panic!("{tool} {arguments} succeeded: {}", output.text),
        Err(err) => {
            switchyard_core::testkit::assert_error_actionable(&err);
            err
        }
    }
}

/// The commit ids in a list output's URIs, in order.
pub fn commit_ids(output: &ToolOutput) -> Vec<String> {
    output
        .uris
        .iter()
        .filter_map(|uri| uri.split("/commit/").nth(1).map(str::to_owned))
        .collect()
}
