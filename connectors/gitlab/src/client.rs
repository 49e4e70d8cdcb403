//! Requests to one instance's REST API (`<base_url>/api/v4/…`) through reqwest.
//!
//! Every URL is built from the instance's `base_url` and already-encoded segments
//! ([`crate::ids`]); redirects are never followed, so the token (`Authorization: Bearer`, a
//! sensitive header) only ever goes to that host. A 429 is retried once, and only when GitLab
//! asks for a short wait that fits the call's deadline; never a retry storm. Each request is
//! bounded by the instance's request timeout, the call's deadline and its cancellation, and
//! bodies are read with a cap.

use std::sync::Once;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use switchyard_core::{CallContext, ConnectorError};

use crate::error::GitlabError;
use crate::settings::{GitlabSettings, host_of, is_loopback, validate_base_url};
use crate::upstream::{self, Origin, rate_limit_wait};

/// The longest rate-limit wait we sit out before the one retry.
const SHORT_WAIT: Duration = Duration::from_secs(5);
/// The largest JSON answer read.
const MAX_BODY: usize = 24 * 1024 * 1024;
/// Time allowed to open a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A response, read (up to a cap).
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Whether the body was longer than the cap (what was kept is the start, or for
    /// [`Client::get_tail`] the end).
    pub cut: bool,
}

impl Reply {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// Whether GitLab says there is a next page (`x-next-page` or a `Link: rel="next"`).
    pub fn has_next(&self) -> bool {
        self.header("x-next-page").is_some()
            || self
                .headers
                .get_all("link")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| v.contains("rel=\"next\""))
    }

    /// The total GitLab reports (`x-total`), when it does (omitted above 10,000).
    pub fn total(&self) -> Option<usize> {
        self.header("x-total").and_then(|v| v.parse().ok())
    }
}

/// One instance's HTTP client.
pub(crate) struct Client {
    http: reqwest::Client,
    api: Url,
    auth: HeaderValue,
    pub origin: Origin,
    timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api", &self.api.as_str())
            .field("origin", &self.origin)
            .finish()
    }
}

/// Install rustls' `ring` provider once (reqwest is built without one of its own).
fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err: a provider is already installed, and that one serves.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl Client {
    /// Build the client for `settings` (no I/O).
    pub fn new(settings: &GitlabSettings) -> Result<Client, GitlabError> {
        let base =
            validate_base_url(&settings.base_url).map_err(|reason| GitlabError::BaseUrl {
                id: settings.id.clone(),
                reason,
            })?;
        let mut api = base.clone();
        api.set_path(&format!("{}/api/v4", base.path().trim_end_matches('/')));
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", settings.token.expose()))
            .map_err(|_| GitlabError::Token {
                id: settings.id.clone(),
            })?;
        auth.set_sensitive(true);
        install_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT.min(settings.request_timeout))
            .timeout(settings.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("switchyard/", env!("CARGO_PKG_VERSION")));
        if is_loopback(&base) {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|err| GitlabError::Client {
            id: settings.id.clone(),
            reason: err.to_string(),
        })?;
        Ok(Client {
            http,
            api,
            auth,
            origin: Origin {
                instance: settings.id.clone(),
                host: host_of(&settings.base_url),
                siblings: settings.siblings.clone(),
            },
            timeout: settings.request_timeout,
        })
    }

    /// The API URL of `path` (segments already encoded) with `query`.
    pub fn url(&self, path: &str, query: &[(&str, String)]) -> Url {
        let mut url = self.api.clone();
        url.set_path(&format!(
            "{}/{}",
            self.api.path().trim_end_matches('/'),
            path.trim_start_matches('/')
        ));
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in query {
                pairs.append_pair(key, value);
            }
        }
        url
    }

    /// GET `path` and read the answer as JSON `T`; a non-success is an error about `object`.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        object: &str,
        ctx: &CallContext,
    ) -> Result<(T, Reply), ConnectorError> {
        let reply = self
            .send(Method::GET, path, query, None, object, ctx, MAX_BODY, false)
            .await?;
        let value = self.parse(&reply, object)?;
        Ok((value, reply))
    }

    /// GET `path` as text, keeping at most the last `cap` bytes (job logs).
    pub async fn get_tail(
        &self,
        path: &str,
        object: &str,
        ctx: &CallContext,
        cap: usize,
    ) -> Result<Reply, ConnectorError> {
        self.send(Method::GET, path, &[], None, object, ctx, cap, true)
            .await
    }

    /// HEAD `path` (file metadata without its content).
    pub async fn head(
        &self,
        path: &str,
        query: &[(&str, String)],
        object: &str,
        ctx: &CallContext,
    ) -> Result<Reply, ConnectorError> {
        self.send(Method::HEAD, path, query, None, object, ctx, 0, false)
            .await
    }

    /// POST or PUT `body` as JSON to `path` and read the answer as JSON `T`.
    pub async fn write_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &serde_json::Value,
        object: &str,
        ctx: &CallContext,
    ) -> Result<T, ConnectorError> {
        let reply = self
            .send(method, path, &[], Some(body), object, ctx, MAX_BODY, false)
            .await?;
        self.parse(&reply, object)
    }

    fn parse<T: DeserializeOwned>(&self, reply: &Reply, object: &str) -> Result<T, ConnectorError> {
        if reply.cut {
            return Err(ConnectorError::Upstream {
                status: reply.status,
                message: format!(
                    "{} sent more than {} MB about {object}; narrow the request",
                    self.origin.describe(),
                    MAX_BODY / (1024 * 1024)
                ),
            });
        }
        serde_json::from_slice(&reply.body).map_err(|err| ConnectorError::Upstream {
            status: reply.status,
            message: format!(
                "{} sent an answer about {object} that is not the expected JSON: {err}",
                self.origin.describe()
            ),
        })
    }

    /// One request, retried once after a short rate-limit wait; failures mapped.
    #[expect(
        clippy::too_many_arguments,
        reason = "one private entry point for every verb"
    )]
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
        object: &str,
        ctx: &CallContext,
        cap: usize,
        keep_tail: bool,
    ) -> Result<Reply, ConnectorError> {
        let url = self.url(path, query);
        let mut retried = false;
        loop {
            let reply = self
                .attempt(method.clone(), url.clone(), body, ctx, cap, keep_tail)
                .await?;
            if (200..300).contains(&reply.status) {
                return Ok(reply);
            }
            if reply.status == 429 && !retried {
                let wait = rate_limit_wait(&reply.headers).unwrap_or(SHORT_WAIT * 2);
                let fits = tokio::time::Instant::now() + wait + Duration::from_secs(1)
                    < tokio::time::Instant::from_std(ctx.deadline);
                if wait <= SHORT_WAIT && fits {
                    retried = true;
                    tokio::select! {
                        () = tokio::time::sleep(wait) => continue,
                        () = ctx.cancel.cancelled() => return Err(self.cancelled()),
                    }
                }
            }
            if (300..400).contains(&reply.status) {
                let to = reply.header("location").map(host_of).unwrap_or_default();
                return Err(ConnectorError::Upstream {
                    status: reply.status,
                    message: format!(
                        "{} redirected the request for {object} to {to:?}; the token is never sent elsewhere: check base_url",
                        self.origin.describe()
                    ),
                });
            }
            return Err(upstream::failure(
                &self.origin,
                reply.status,
                &reply.headers,
                &reply.body,
                object,
            ));
        }
    }

    async fn attempt(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        ctx: &CallContext,
        cap: usize,
        keep_tail: bool,
    ) -> Result<Reply, ConnectorError> {
        let mut request = self
            .http
            .request(method, url)
            .header(AUTHORIZATION, self.auth.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(body) = body {
            let bytes = serde_json::to_vec(body).map_err(|err| {
                ConnectorError::internal(format!("cannot encode a request: {err}"))
            })?;
            request = request
                .header(
                    reqwest::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )
                .body(bytes);
        }
        let work = async {
            let response = request.send().await.map_err(|err| self.transport(&err))?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let (body, cut) = read_capped(response, cap, keep_tail)
                .await
                .map_err(|err| self.transport(&err))?;
            Ok(Reply {
                status,
                headers,
                body,
                cut,
            })
        };
        tokio::select! {
            result = work => result,
            () = tokio::time::sleep_until(tokio::time::Instant::from_std(ctx.deadline)) => {
                Err(ConnectorError::Timeout(format!(
                    "{} did not answer before the call's deadline; retry, or narrow the request",
                    self.origin.describe()
                )))
            }
            () = ctx.cancel.cancelled() => Err(self.cancelled()),
        }
    }

    fn cancelled(&self) -> ConnectorError {
        ConnectorError::Timeout(format!(
            "the request to {} was cancelled",
            self.origin.describe()
        ))
    }

    fn transport(&self, err: &reqwest::Error) -> ConnectorError {
        if err.is_timeout() {
            return ConnectorError::Timeout(format!(
                "{} did not answer within {} s; retry, or narrow the request",
                self.origin.describe(),
                self.timeout.as_secs()
            ));
        }
        // The innermost cause says what went wrong (`Connection refused (os error 111)`,
        // `dns error: …`); the layers above it are reqwest and hyper describing themselves.
        let mut cause: &(dyn std::error::Error + 'static) = err;
        while let Some(inner) = cause.source() {
            cause = inner;
        }
        ConnectorError::Transport(format!(
            "cannot reach {}: {}",
            self.origin.describe(),
            cause.to_string().trim_end_matches('.')
        ))
    }
}

/// Read a body, at most `cap` bytes: the first `cap`, or with `keep_tail` the last `cap`.
async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
    keep_tail: bool,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body: Vec<u8> = Vec::new();
    let mut cut = false;
    while let Some(chunk) = response.chunk().await? {
        if keep_tail {
            body.extend_from_slice(&chunk);
            if body.len() > cap * 2 {
                let drop = body.len() - cap;
                body.drain(..drop);
                cut = true;
            }
        } else {
            let room = cap.saturating_sub(body.len());
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                return Ok((body, true));
            }
            body.extend_from_slice(&chunk);
        }
    }
    if keep_tail && body.len() > cap {
        let drop = body.len() - cap;
        body.drain(..drop);
        cut = true;
    }
    Ok((body, cut))
}
