//! `<instance>://group/sub/project/…` URIs, the scheme being the instance id:
//!
//! | item | URI |
//! |---|---|
//! | issue | `gitlab://group/project/issues/12` (also `/-/issues/12`) |
//! | merge request | `gitlab://group/project/-/merge_requests/5` |
//! | commit | `gitlab://group/project/commit/<sha>` |
//! | file | `gitlab://group/project/blob/<ref>/<path>` (a `/` in the ref encoded as `%2F`) |
//! | pipeline | `gitlab://group/project/-/pipelines/<id>` |
//! | job log | `gitlab://group/project/-/jobs/<id>` |
//!
//! Every segment is percent-encoded; the project path keeps its slashes, as GitLab shows it.

use switchyard_core::uri::{decode_segment, encode_path, encode_segment};
use switchyard_core::{ConnectorError, ItemUri};

use crate::ids::{self, Project};

/// An issue's URI.
pub fn issue(id: &str, project: &str, iid: u64) -> String {
    format!("{id}://{}/issues/{iid}", encode_path(project))
}

/// A merge request's URI.
pub fn merge_request(id: &str, project: &str, iid: u64) -> String {
    format!("{id}://{}/-/merge_requests/{iid}", encode_path(project))
}

/// A commit's URI.
pub fn commit(id: &str, project: &str, sha: &str) -> String {
    format!(
        "{id}://{}/commit/{}",
        encode_path(project),
        encode_segment(sha)
    )
}

/// A file's URI at a ref.
pub fn blob(id: &str, project: &str, git_ref: &str, path: &str) -> String {
    format!(
        "{id}://{}/blob/{}/{}",
        encode_path(project),
        encode_segment(git_ref),
        encode_path(path)
    )
}

/// A pipeline's URI.
pub fn pipeline(id: &str, project: &str, pipeline: u64) -> String {
    format!("{id}://{}/-/pipelines/{pipeline}", encode_path(project))
}

/// A job's URI (reads its log tail).
pub fn job(id: &str, project: &str, job: u64) -> String {
    format!("{id}://{}/-/jobs/{job}", encode_path(project))
}

/// A parsed URI of this connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GitlabUri {
    Issue(Project, u64),
    MergeRequest(Project, u64),
    Commit(Project, String),
    Blob(Project, String, String),
    Pipeline(Project, u64),
    Job(Project, u64),
}

impl GitlabUri {
    /// Parse a URI (its scheme already checked), validating every part.
    pub fn parse(uri: &ItemUri) -> Result<GitlabUri, ConnectorError> {
        let segments: Vec<String> = uri
            .segments()
            .into_iter()
            .map(decode_segment)
            .collect::<Result<_, _>>()?;
        let unknown = || {
            ConnectorError::invalid(format!(
                "{uri} is not a GitLab item URI; expected <instance>://group/project/issues/12, /-/merge_requests/5, /commit/<sha>, /blob/<ref>/<path>, /-/pipelines/<id> or /-/jobs/<id>"
            ))
        };
        let number = |text: &str| {
            text.parse::<u64>()
                .map_err(|_| ConnectorError::invalid(format!("{text:?} in {uri} is not a number")))
        };
        for at in 2..segments.len() {
            let (marker, rest) = if segments[at] == "-" && at + 1 < segments.len() {
                (segments[at + 1].as_str(), &segments[at + 2..])
            } else {
                (segments[at].as_str(), &segments[at + 1..])
            };
            let dashed = segments[at] == "-";
            let project = || Project::parse(&segments[..at].join("/"));
            match (marker, rest, dashed) {
                ("issues", [iid], _) => return Ok(GitlabUri::Issue(project()?, number(iid)?)),
                ("merge_requests", [iid], true) => {
                    return Ok(GitlabUri::MergeRequest(project()?, number(iid)?));
                }
                ("pipelines", [id], true) => {
                    return Ok(GitlabUri::Pipeline(project()?, number(id)?));
                }
                ("jobs", [id], true) => return Ok(GitlabUri::Job(project()?, number(id)?)),
                ("commit", [sha], false) => {
                    ids::check_ref(sha, "commit")?;
                    return Ok(GitlabUri::Commit(project()?, sha.clone()));
                }
                ("blob", [git_ref, path @ ..], false) if !path.is_empty() => {
                    ids::check_ref(git_ref, "ref")?;
                    let path = path.join("/");
                    ids::check_path(&path)?;
                    return Ok(GitlabUri::Blob(project()?, git_ref.clone(), path));
                }
                _ => {}
            }
        }
        Err(unknown())
    }

    /// The project the URI names.
    pub fn project(&self) -> &Project {
        match self {
            GitlabUri::Issue(p, _)
            | GitlabUri::MergeRequest(p, _)
            | GitlabUri::Commit(p, _)
            | GitlabUri::Blob(p, _, _)
            | GitlabUri::Pipeline(p, _)
            | GitlabUri::Job(p, _) => p,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{GitlabUri, blob, issue, merge_request};
    use switchyard_core::ItemUri;

    fn parse(text: &str) -> Result<GitlabUri, switchyard_core::ConnectorError> {
        GitlabUri::parse(&ItemUri::parse(text).unwrap())
    }

    #[test]
    fn round_trips() {
        let uri = issue("gitlab", "grp/sub/proj", 12);
        assert_eq!(uri, "gitlab://grp/sub/proj/issues/12");
        assert!(
            matches!(parse(&uri).unwrap(), GitlabUri::Issue(p, 12) if p.as_str() == "grp/sub/proj")
        );
        let uri = merge_request("gl", "grp/proj", 5);
        assert_eq!(uri, "gl://grp/proj/-/merge_requests/5");
        assert!(matches!(
            parse(&uri).unwrap(),
            GitlabUri::MergeRequest(_, 5)
        ));
        let uri = blob("gl", "grp/proj", "feature/x", "src/a b.rs");
        assert_eq!(uri, "gl://grp/proj/blob/feature%2Fx/src/a%20b.rs");
        assert_eq!(
            parse(&uri).unwrap(),
            GitlabUri::Blob(
                crate::ids::Project::parse("grp/proj").unwrap(),
                "feature/x".into(),
                "src/a b.rs".into()
            )
        );
        assert!(matches!(
            parse("gl://g/p/-/issues/3").unwrap(),
            GitlabUri::Issue(_, 3)
        ));
        assert!(matches!(
            parse("gl://g/p/-/jobs/9").unwrap(),
            GitlabUri::Job(_, 9)
        ));
    }

    #[test]
    fn rejects_traversal_and_garbage() {
        assert!(parse("gl://g/../p/issues/1").is_err());
        assert!(parse("gl://g/p/blob/main/../secret").is_err());
        assert!(parse("gl://g/p/-/jobs/..").is_err());
        assert!(parse("gl://g/p/wiki/x").is_err());
        assert!(parse("gl://p/issues/1").is_err());
    }
}
