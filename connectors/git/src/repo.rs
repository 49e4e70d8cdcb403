//! Configured repositories: [`RepoConfig`] from config, [`discover_repo`] for zero-config use,
//! and [`RepoRef`], what a tool call holds (a name and a path; the libgit2 handle is opened
//! per call because `git2::Repository` is not `Sync`).

use std::path::{Path, PathBuf};

use git2::{Commit, ErrorCode, Oid, Repository, RepositoryOpenFlags};
use switchyard_core::ConnectorError;

use crate::error::{self, GitError};
use crate::uris;

/// One repository to serve: where it is and what tools and URIs call it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoConfig {
    /// The name used in the `repo` argument and in URIs; `None` means the directory name of the
    /// work tree (of the git directory, without `.git`, for a bare repository).
    pub name: Option<String>,
    /// The work tree, its `.git` directory, or a bare repository.
    pub path: PathBuf,
}

impl RepoConfig {
    /// A repository at `path`, named after its directory.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        RepoConfig {
            name: None,
            path: path.into(),
        }
    }

    /// The same repository under an explicit name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// The repository containing `start_dir`, like `git rev-parse --show-toplevel`: the work tree
/// root for a normal repository (also from a subdirectory or from inside `.git`), the git
/// directory for a bare one. `None` when `start_dir` is not inside a repository.
pub fn discover_repo(start_dir: &Path) -> Option<PathBuf> {
    let repo = Repository::discover(start_dir).ok()?;
    Some(match repo.workdir() {
        Some(workdir) => workdir.to_path_buf(),
        None => repo.path().to_path_buf(),
    })
}

/// A configured repository as tools see it.
#[derive(Debug, Clone)]
pub(crate) struct RepoRef {
    /// Its name in arguments and URIs.
    pub name: String,
    /// The path it is opened from: the configured path, reopened the way it first opened.
    pub path: PathBuf,
    /// Where it lives, for people: the work tree, or the git directory when bare.
    pub location: PathBuf,
    /// The connector instance id: the URI scheme.
    pub scheme: String,
    /// Whether it has no working tree.
    pub bare: bool,
}

impl RepoRef {
    /// Open the configured path, check it is a repository, and settle its name.
    pub(crate) fn from_config(scheme: &str, config: &RepoConfig) -> Result<RepoRef, GitError> {
        let repo = Repository::open_ext(&config.path, RepositoryOpenFlags::NO_SEARCH, [""; 0])
            .map_err(|err| GitError::Open {
                path: config.path.clone(),
                reason: error::git_message(&err),
            })?;
        let location = match repo.workdir() {
            Some(workdir) if workdir.exists() => workdir.to_path_buf(),
            _ => repo.path().to_path_buf(),
        };
        let name = match &config.name {
            Some(name) => name.clone(),
            None => default_name(&location),
        };
        check_name(&name)?;
        // Reopened on every call: an absolute path keeps working if the process changes directory.
        let path = std::fs::canonicalize(&config.path).unwrap_or_else(|_| config.path.clone());
        Ok(RepoRef {
            name,
            path,
            location,
            scheme: scheme.to_owned(),
            bare: repo.is_bare(),
        })
    }

    /// Open the repository for one call.
    pub(crate) fn open(&self) -> Result<Repository, ConnectorError> {
        Repository::open_ext(&self.path, RepositoryOpenFlags::NO_SEARCH, [""; 0]).map_err(|err| {
            ConnectorError::internal(format!(
                "cannot open repository {:?} at {}: {}",
                self.name,
                self.location.display(),
                error::git_message(&err)
            ))
        })
    }

    /// The URI of a commit.
    pub(crate) fn commit_uri(&self, oid: Oid) -> String {
        uris::commit(&self.scheme, &self.name, &oid.to_string())
    }

    /// The URI of a file (or directory) at a revision.
    pub(crate) fn file_uri(&self, rev: &str, path: &[u8]) -> String {
        uris::file(&self.scheme, &self.name, rev, path)
    }

    /// Resolve a revision (branch, tag, sha, `HEAD~2`, …) to a commit.
    pub(crate) fn commit<'r>(
        &self,
        repo: &'r Repository,
        rev: &str,
    ) -> Result<Commit<'r>, ConnectorError> {
        if rev.trim().is_empty() {
            return Err(ConnectorError::invalid(
                "the revision is empty; pass a branch, tag or commit id, or omit it for HEAD",
            ));
        }
        let object = repo.revparse_single(rev).map_err(|err| {
            if rev == "HEAD" && is_unborn(repo) {
                return ConnectorError::not_found(format!(
                    "repository {:?} has no commits yet, so HEAD names nothing",
                    self.name
                ));
            }
            error::about(
                &self.name,
                &format!("revision {rev:?}"),
                "use git_list_refs to see branches and tags, or git_log for commit ids",
                &err,
            )
        })?;
        object.peel_to_commit().map_err(|err| {
            if err.code() == ErrorCode::InvalidSpec || err.code() == ErrorCode::Peel {
                ConnectorError::invalid(format!(
                    "revision {rev:?} in repository {:?} does not point at a commit",
                    self.name
                ))
            } else {
                error::internal(&self.name, &format!("resolving {rev:?}"), &err)
            }
        })
    }

    /// The commit HEAD points at, or `None` when the repository has no commits yet.
    pub(crate) fn head_commit<'r>(
        &self,
        repo: &'r Repository,
    ) -> Result<Option<Commit<'r>>, ConnectorError> {
        match repo.head() {
            Ok(head) => head
                .peel_to_commit()
                .map(Some)
                .map_err(|err| error::internal(&self.name, "reading HEAD", &err)),
            Err(err) if matches!(err.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
                Ok(None)
            }
            Err(err) => Err(error::internal(&self.name, "reading HEAD", &err)),
        }
    }

    /// A `NotFound` error for a path missing at a revision.
    pub(crate) fn missing_path(&self, path: &str, rev: &str) -> ConnectorError {
        ConnectorError::not_found(format!(
            "path {path:?} does not exist at revision {rev:?} in repository {:?}; use git_read_file on a directory (or \"\" for the root) to list its entries, or git_search_code to find files",
            self.name
        ))
    }
}

/// Whether HEAD is a branch with no commits yet.
pub(crate) fn is_unborn(repo: &Repository) -> bool {
    matches!(repo.head(), Err(err) if err.code() == ErrorCode::UnbornBranch)
}

/// The name a repository gets when the config gives none.
fn default_name(path: &Path) -> String {
    let base = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = if base == ".git" {
        path.parent()
            .and_then(Path::file_name)
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or(base)
    } else {
        base
    };
    match base.strip_suffix(".git") {
        Some(stripped) if !stripped.is_empty() => stripped.to_owned(),
        _ => base,
    }
}

fn check_name(name: &str) -> Result<(), GitError> {
    let invalid = |reason| GitError::InvalidName {
        name: name.to_owned(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("it is empty; set a name in the config"));
    }
    if name.contains('/') {
        return Err(invalid("it contains '/'"));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid("it contains control characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::default_name;
    use std::path::Path;

    #[test]
    fn default_names() {
        assert_eq!(default_name(Path::new("/src/switchyard")), "switchyard");
        assert_eq!(
            default_name(Path::new("/src/switchyard/.git")),
            "switchyard"
        );
        assert_eq!(default_name(Path::new("/srv/mirror.git")), "mirror");
    }
}
