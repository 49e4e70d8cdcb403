//! The GitHub connector of Switchyard: issues, pull requests, commits, files, code search and
//! Actions of github.com or a GitHub Enterprise Server, read through octocrab's HTTP client.
//!
//! One [`GithubConnector`] is one configured instance (`github`, `ghes`, …), whose id is the
//! URI scheme of its items (`github://owner/repo/issues/12`). Several instances publish one
//! tool set; the server adds the `instance` argument. Output is compact text from our own
//! structs ([`wire`] reads only the fields we show), cut honestly within the response budget.
//!
//! | module | role |
//! |---|---|
//! | [`connector`] | [`GithubConnector`]: the `Connector` impl, dispatch, check, read, search |
//! | [`settings`] | [`GithubSettings`] (what the server builds an instance from), the repository allowlist |
//! | [`error`] | [`GithubError`] (build time) |
//! | [`client`] | requests to the instance's `base_url`: auth, timeouts, one short rate-limit retry |
//! | [`upstream`] | upstream statuses → `ConnectorError` with actionable messages |
//! | [`ids`] | validating and encoding owner/repo, refs, paths and numbers before any request |
//! | [`wire`] | the upstream JSON fields we read |
//! | [`render`] | compact lines for issues, pull requests, commits, users, dates, bodies |
//! | [`paging`] | our cursors over GitHub's page-numbered lists |
//! | [`uris`] | `<instance>://owner/repo/…` URIs: building and parsing |
//! | [`tools`] | one file per tool |

pub(crate) mod client;
pub mod connector;
pub mod error;
pub(crate) mod ids;
pub(crate) mod paging;
pub(crate) mod render;
pub mod settings;
pub(crate) mod tools;
pub(crate) mod upstream;
pub mod uris;
pub(crate) mod wire;

pub use connector::GithubConnector;
pub use error::GithubError;
pub use settings::{
    DEFAULT_BASE_URL, GithubSettings, Sibling, validate_base_url, validate_repo_pattern,
};
