//! The GitLab connector of Switchyard: issues, merge requests, commits, files, code search and
//! CI pipelines of GitLab.com or a self-managed GitLab, over the REST v4 API with reqwest.
//!
//! One [`GitlabConnector`] is one configured instance (`gitlab`, `corp`, …), whose id is the
//! URI scheme of its items (`gitlab://group/project/issues/12`). Several instances publish one
//! tool set; the server adds the `instance` argument. Output is compact text from our own
//! structs ([`wire`] reads only the fields we show), cut honestly within the response budget.
//!
//! | module | role |
//! |---|---|
//! | [`connector`] | [`GitlabConnector`]: the `Connector` impl, dispatch, check, read, search |
//! | [`settings`] | [`GitlabSettings`], base URL and allowlist checks config validation reuses |
//! | [`error`] | [`GitlabError`] (build time) |
//! | `instance` | what the tools run against: client, allowlist, writes |
//! | `client` | requests to `<base_url>/api/v4`: auth, no redirects, one short rate-limit retry |
//! | `upstream` | upstream statuses → `ConnectorError` naming the instance and the object |
//! | `ids` | validating and encoding project paths, refs and file paths before any request |
//! | `redact` | secrets in upstream text (tokens, URL credentials) replaced |
//! | `wire` | the upstream JSON fields we read |
//! | `render` | compact lines for issues, merge requests, notes, pipelines, bodies |
//! | `diffs` | GitLab diff objects → `core::patch` file changes |
//! | `paging` | our cursors over GitLab's page-numbered lists, exact page sizes |
//! | [`uris`] | `<instance>://group/project/…` URIs |
//! | `search` | issues and merge requests for `search_context` |
//! | `tools` | one file per tool |

pub(crate) mod client;
pub mod connector;
pub(crate) mod diffs;
pub mod error;
pub(crate) mod ids;
pub(crate) mod instance;
pub(crate) mod paging;
pub(crate) mod redact;
pub(crate) mod render;
pub(crate) mod search;
pub mod settings;
pub(crate) mod tools;
pub(crate) mod upstream;
pub mod uris;
pub(crate) mod wire;

pub use connector::GitlabConnector;
pub use error::GitlabError;
pub use settings::{
    DEFAULT_BASE_URL, GitlabSettings, Sibling, validate_base_url, validate_project_pattern,
};
