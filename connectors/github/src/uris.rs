//! `<instance>://owner/repo/…` URIs: `issues/12`, `issues/comments/<id>`, `pull/5`,
//! `commit/<sha>` and `blob/<ref>/<path>`. Each segment is percent-encoded (a `/` inside a ref is `%2F`).

use switchyard_core::uri::{decode_segment, encode_path, encode_segment};
use switchyard_core::{ConnectorError, ItemUri};

use crate::ids::{self, RepoId};

/// A parsed item URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GithubUri {
    /// An issue.
    Issue {
        /// `owner/name`.
        repo: String,
        /// The issue number.
        number: u64,
    },
    /// One comment of an issue or pull request conversation.
    Comment {
        /// `owner/name`.
        repo: String,
        /// The comment id.
        id: u64,
        /// The byte of the body to start at (`…/comments/<id>/from/<byte>`), for a body longer
        /// than one response.
        from: usize,
    },
    /// A pull request.
    Pull {
        /// `owner/name`.
        repo: String,
        /// The pull request number.
        number: u64,
    },
    /// A commit.
    Commit {
        /// `owner/name`.
        repo: String,
        /// The commit id or ref.
        sha: String,
    },
    /// A file at a ref.
    Blob {
        /// `owner/name`.
        repo: String,
        /// The branch, tag or commit.
        git_ref: String,
        /// The file path.
        path: String,
    },
}

fn base(instance: &str, repo: &RepoId) -> String {
    format!(
        "{instance}://{}/{}",
        encode_segment(&repo.owner),
        encode_segment(&repo.name)
    )
}

/// `…/issues/12`.
pub(crate) fn issue(instance: &str, repo: &RepoId, number: u64) -> String {
    format!("{}/issues/{number}", base(instance, repo))
}

/// `…/issues/comments/<id>`: one comment, whole; `…/from/<byte>` continues a long one.
pub(crate) fn comment(instance: &str, repo: &RepoId, id: u64) -> String {
    format!("{}/issues/comments/{id}", base(instance, repo))
}

/// `…/issues/comments/<id>/from/<byte>`.
pub(crate) fn comment_from(instance: &str, repo: &RepoId, id: u64, from: usize) -> String {
    format!("{}/from/{from}", comment(instance, repo, id))
}

/// `…/pull/5`.
pub(crate) fn pull(instance: &str, repo: &RepoId, number: u64) -> String {
    format!("{}/pull/{number}", base(instance, repo))
}

/// `…/commit/<sha>`.
pub(crate) fn commit(instance: &str, repo: &RepoId, sha: &str) -> String {
    format!("{}/commit/{}", base(instance, repo), encode_segment(sha))
}

/// `…/blob/<ref>/<path>`.
pub(crate) fn blob(instance: &str, repo: &RepoId, git_ref: &str, path: &str) -> String {
    format!(
        "{}/blob/{}/{}",
        base(instance, repo),
        encode_segment(git_ref),
        encode_path(path)
    )
}

impl GithubUri {
    /// Parse the path of `uri` (its scheme is checked by the caller).
    pub fn parse(uri: &ItemUri) -> Result<GithubUri, ConnectorError> {
        let bad = || {
            ConnectorError::invalid(format!(
                "{uri} is not a GitHub item URI; expected {0}://owner/repo/issues/12, /issues/comments/<id>, /pull/5, /commit/<sha> or /blob/<ref>/<path>",
                uri.scheme()
            ))
        };
        let segments = uri.segments();
        let [owner, name, kind, rest @ ..] = segments.as_slice() else {
            return Err(bad());
        };
        let repo = RepoId::parse(&format!(
            "{}/{}",
            decode_segment(owner)?,
            decode_segment(name)?
        ))?
        .full();
        let number = |text: &str| text.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(bad);
        match (*kind, rest) {
            ("issues", [n]) => Ok(GithubUri::Issue {
                repo,
                number: number(n)?,
            }),
            ("issues", ["comments", id]) => Ok(GithubUri::Comment {
                repo,
                id: number(id)?,
                from: 0,
            }),
            ("issues", ["comments", id, "from", byte]) => Ok(GithubUri::Comment {
                repo,
                id: number(id)?,
                from: byte.parse::<usize>().map_err(|_| bad())?,
            }),
            ("pull" | "pulls", [n]) => Ok(GithubUri::Pull {
                repo,
                number: number(n)?,
            }),
            ("commit", [sha]) => {
                let sha = decode_segment(sha)?;
                ids::check_ref(&sha)?;
                Ok(GithubUri::Commit { repo, sha })
            }
            ("blob", [git_ref, path @ ..]) if !path.is_empty() => {
                let git_ref = decode_segment(git_ref)?;
                ids::check_ref(&git_ref)?;
                let parts: Result<Vec<String>, _> =
                    path.iter().map(|part| decode_segment(part)).collect();
                Ok(GithubUri::Blob {
                    repo,
                    git_ref,
                    path: parts?.join("/"),
                })
            }
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{GithubUri, blob, comment, issue};
    use crate::ids::RepoId;
    use switchyard_core::ItemUri;

    #[test]
    fn uris_round_trip() {
        let repo = RepoId::parse("octo/hello").unwrap();
        let uri = blob("ghes", &repo, "feature/x", "docs/a b.md");
        assert_eq!(uri, "ghes://octo/hello/blob/feature%2Fx/docs/a%20b.md");
        let parsed = GithubUri::parse(&ItemUri::parse(&uri).unwrap()).unwrap();
        assert_eq!(
            parsed,
            GithubUri::Blob {
                repo: "octo/hello".into(),
                git_ref: "feature/x".into(),
                path: "docs/a b.md".into()
            }
        );
        let parsed = GithubUri::parse(&ItemUri::parse(&issue("github", &repo, 12)).unwrap());
        assert_eq!(
            parsed.unwrap(),
            GithubUri::Issue {
                repo: "octo/hello".into(),
                number: 12
            }
        );
        let parsed = GithubUri::parse(&ItemUri::parse(&comment("github", &repo, 77)).unwrap());
        assert_eq!(
            parsed.unwrap(),
            GithubUri::Comment {
                repo: "octo/hello".into(),
                id: 77,
                from: 0
            }
        );
        let parsed = GithubUri::parse(
            &ItemUri::parse("github://octo/hello/issues/comments/77/from/4096").unwrap(),
        );
        assert_eq!(
            parsed.unwrap(),
            GithubUri::Comment {
                repo: "octo/hello".into(),
                id: 77,
                from: 4096
            }
        );
        for bad in [
            "github://octo/hello/issues/comments/x",
            "github://octo/hello/issues/comments/7/from/-1",
            "github://octo/hello/issues/x",
            "github://octo/hello/wiki/1",
            "github://octo",
        ] {
            assert!(
                GithubUri::parse(&ItemUri::parse(bad).unwrap()).is_err(),
                "{bad}"
            );
        }
    }
}
