//! `git://` URIs. The scheme is the connector instance id (`git` by default); the first
//! segment is the repository name; every segment is percent-encoded.
//!
//! | template | resolves to |
//! |---|---|
//! | `git://{repo}/commit/{rev}` | `git_show_commit` of that revision |
//! | `git://{repo}/file/{rev}/{+path}` | `git_read_file` (a directory lists its entries) |
//! | `git://{repo}/refs` | `git_list_refs` |
//! | `git://{repo}/status` | `git_status` |
//!
//! `{rev}` is one segment (a `/` in a branch name is encoded as `%2F`); `{+path}` is the file
//! path with each segment encoded byte by byte, so non-UTF-8 names round-trip exactly.

use switchyard_core::{ConnectorError, ItemUri};

use crate::paths;

/// A parsed `git://` URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitUri {
    /// A commit.
    Commit {
        /// Repository name.
        repo: String,
        /// The revision as written.
        rev: String,
    },
    /// A file or directory at a revision.
    File {
        /// Repository name.
        repo: String,
        /// The revision as written.
        rev: String,
        /// The exact path bytes (empty for the root).
        path: Vec<u8>,
    },
    /// Branches and tags.
    Refs {
        /// Repository name.
        repo: String,
    },
    /// The working tree status.
    Status {
        /// Repository name.
        repo: String,
    },
}

/// The URI of a commit.
pub fn commit(scheme: &str, repo: &str, rev: &str) -> String {
    format!("{scheme}://{}/commit/{}", seg(repo), seg(rev))
}

/// The URI of a file or directory at a revision.
pub fn file(scheme: &str, repo: &str, rev: &str, path: &[u8]) -> String {
    format!(
        "{scheme}://{}/file/{}/{}",
        seg(repo),
        seg(rev),
        paths::encode_path(path)
    )
}

/// The URI of a repository's refs.
pub fn refs(scheme: &str, repo: &str) -> String {
    format!("{scheme}://{}/refs", seg(repo))
}

/// The URI of a repository's working tree status.
pub fn status(scheme: &str, repo: &str) -> String {
    format!("{scheme}://{}/status", seg(repo))
}

fn seg(text: &str) -> String {
    paths::encode_segment(text.as_bytes())
}

fn text_segment(segment: &str) -> Result<String, ConnectorError> {
    String::from_utf8(paths::decode_segment(segment))
        .map_err(|_| ConnectorError::invalid(format!("URI segment {segment:?} is not valid UTF-8")))
}

impl GitUri {
    /// Parse a URI whose scheme has already been matched to this connector.
    pub fn parse(uri: &ItemUri) -> Result<GitUri, ConnectorError> {
        let segments = uri.segments();
        let bad = || {
            ConnectorError::invalid(format!(
                "{uri} is not a git URI this connector knows; expected {0}://<repo>/commit/<rev>, {0}://<repo>/file/<rev>/<path>, {0}://<repo>/refs or {0}://<repo>/status",
                uri.scheme()
            ))
        };
        let (repo, rest) = segments.split_first().ok_or_else(bad)?;
        let repo = text_segment(repo)?;
        match rest {
            ["commit", rev] => Ok(GitUri::Commit {
                repo,
                rev: text_segment(rev)?,
            }),
            ["file", rev, path @ ..] => Ok(GitUri::File {
                repo,
                rev: text_segment(rev)?,
                path: path
                    .iter()
                    .map(|s| paths::decode_segment(s))
                    .collect::<Vec<_>>()
                    .join(&b'/'),
            }),
            ["refs"] => Ok(GitUri::Refs { repo }),
            ["status"] => Ok(GitUri::Status { repo }),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{GitUri, commit, file};
    use switchyard_core::ItemUri;

    #[test]
    fn file_uris_round_trip_bytes_and_branch_names() {
        let uri = file("git", "my repo", "feature/x", b"src/caf\xe9.rs");
        assert_eq!(uri, "git://my%20repo/file/feature%2Fx/src/caf%E9.rs");
        let parsed = GitUri::parse(&ItemUri::parse(&uri).unwrap()).unwrap();
        assert_eq!(
            parsed,
            GitUri::File {
                repo: "my repo".into(),
                rev: "feature/x".into(),
                path: b"src/caf\xe9.rs".to_vec()
            }
        );
        let uri = commit("git", "r", "abc");
        let parsed = GitUri::parse(&ItemUri::parse(&uri).unwrap()).unwrap();
        assert_eq!(
            parsed,
            GitUri::Commit {
                repo: "r".into(),
                rev: "abc".into()
            }
        );
        assert!(GitUri::parse(&ItemUri::parse("git://r/bogus").unwrap()).is_err());
    }
}
