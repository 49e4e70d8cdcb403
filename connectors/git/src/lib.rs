//! The local git connector of Switchyard: history, diffs, blame, files, code search, refs and
//! status of one or more repositories on disk, read through libgit2 (`git2`, no network).
//!
//! One [`GitConnector`] (id `git`, kind `git`) serves every configured repository; with several,
//! each tool takes a required `repo` argument. Items are addressed by `git://<repo>/…` URIs
//! (see [`uris`]). Why `git2` and how the tools stay bounded on large histories: `README.md`.
//!
//! | module | role |
//! |---|---|
//! | [`connector`] | [`GitConnector`]: the `Connector` impl, dispatch, resources, check |
//! | [`repo`] | [`RepoConfig`], [`discover_repo`], opening repositories per call |
//! | [`error`] | [`GitError`] (config time) and git2 → `ConnectorError` mapping (call time) |
//! | [`tools`] | one file per tool |
//! | [`diffview`] | unified-diff rendering with per-file and overall caps |
//! | [`walk`] | the bounded commit walk behind `git_log` and search |
//! | [`treewalk`] | a resumable walk over a tree's files (code search) |
//! | [`search`] | the cross-source search over commit messages and code |
//! | [`uris`] | `git://` URIs: building and parsing |
//! | [`paths`] | byte paths: display, URI encoding, resolving what callers type |
//! | [`dates`] | parsing `since`/`until` and formatting commit times |
//! | [`text`] | short ids, binary detection, file types, sizes |

pub mod connector;
pub(crate) mod dates;
pub(crate) mod diffview;
pub mod error;
pub(crate) mod paths;
pub mod repo;
pub(crate) mod search;
pub(crate) mod text;
pub(crate) mod tools;
pub(crate) mod treewalk;
pub mod uris;
pub(crate) mod walk;

pub use connector::GitConnector;
pub use error::GitError;
pub use repo::{RepoConfig, discover_repo};
