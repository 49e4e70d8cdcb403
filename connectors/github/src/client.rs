//! Requests to one instance's `base_url` through octocrab's HTTP client.
//!
//! Every request path is relative (built from encoded segments in [`crate::ids`]), so octocrab
//! joins it to the instance's `base_url` and attaches the token; absolute URLs never carry it.
//! octocrab is built without redirect following and without its own retries: a redirect is
//! reported (or, for job logs, followed by a second client that has no token), and a rate
//! limit is retried once only when the wait is short. Each request is bounded by the
//! instance's request timeout, the call's deadline and its cancellation.

use std::time::Duration;

use http::HeaderMap;
use http::header::{ACCEPT, HeaderValue};
use http_body_util::BodyExt as _;
use octocrab::Octocrab;
use serde::de::DeserializeOwned;
use switchyard_core::{CallContext, ConnectorError};

use crate::error::GithubError;
use crate::settings::{GithubSettings, host_of};
use crate::upstream::{self, Origin};

/// The longest a connection may take to open (the whole request is bounded by the instance's
/// request timeout, in [`Client::bounded`], so octocrab has no read timeout of its own).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The most of one answer we read: a bigger one is refused rather than held whole in memory
/// (diffs and logs are cut far below this before they reach the caller).
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The longest rate-limit wait we sit out before the one retry.
const SHORT_WAIT: Duration = Duration::from_secs(5);

/// What a response should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accept {
    /// The REST JSON (`application/vnd.github+json`).
    Json,
    /// A unified diff (`application/vnd.github.diff`).
    Diff,
    /// Search results with match fragments.
    TextMatch,
}

impl Accept {
    fn header(self) -> &'static str {
        match self {
            Accept::Json => "application/vnd.github+json",
            Accept::Diff => "application/vnd.github.diff",
            Accept::TextMatch => "application/vnd.github.text-match+json",
        }
    }
}

/// A write's method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    Post,
    Patch,
}

/// A response, read whole.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// Whether GitHub's `Link` header names a next page.
    pub fn has_next(&self) -> bool {
        self.headers
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains("rel=\"next\""))
    }

    /// The body as our wire struct.
    pub fn json<T: DeserializeOwned>(
        &self,
        origin: &Origin,
        what: &str,
    ) -> Result<T, ConnectorError> {
        serde_json::from_slice(&self.body).map_err(|_| ConnectorError::Upstream {
            status: self.status,
            message: format!(
                "{} (instance {}) answered the request for {what} with something other than the expected JSON (a proxy, or an API version we do not know?)",
                origin.host, origin.instance
            ),
        })
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One instance's HTTP client.
pub(crate) struct Client {
    octo: Octocrab,
    /// Follows redirects to storage hosts (job logs); it has no token.
    anonymous: Octocrab,
    pub origin: Origin,
    timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("origin", &self.origin)
            .finish()
    }
}

impl Client {
    /// Build the client for `settings` (no I/O).
    pub fn new(settings: &GithubSettings) -> Result<Client, GithubError> {
        let base = settings.base_url.trim_end_matches('/');
        let fail = |reason: String| GithubError::Client {
            id: settings.id.clone(),
            reason,
        };
        let octo = Octocrab::builder()
            .base_uri(base)
            .map_err(|err| GithubError::BaseUrl {
                url: settings.base_url.clone(),
                reason: format!("{:?} cannot be used: {err}", settings.base_url),
            })?
            .personal_token(settings.token.expose().to_owned())
            .set_connect_timeout(Some(CONNECT_TIMEOUT.min(settings.request_timeout)))
            .build()
            .map_err(|err| fail(err.to_string()))?;
        let anonymous = Octocrab::builder()
            .set_connect_timeout(Some(CONNECT_TIMEOUT.min(settings.request_timeout)))
            .build()
            .map_err(|err| fail(err.to_string()))?;
        Ok(Client {
            octo,
            anonymous,
            origin: Origin {
                instance: settings.id.clone(),
                host: host_of(&settings.base_url),
                siblings: settings.siblings.clone(),
            },
            timeout: settings.request_timeout,
        })
    }

    /// GET `path` (relative, encoded) and fail unless it succeeded.
    pub async fn get(
        &self,
        path: &str,
        accept: Accept,
        what: &str,
        ctx: &CallContext,
    ) -> Result<Reply, ConnectorError> {
        let reply = self.fetch(path, accept, ctx).await?;
        self.expect_ok(reply, what)
    }

    /// GET `path` as JSON into `T`, with whether a next page exists.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        what: &str,
        ctx: &CallContext,
    ) -> Result<(T, bool), ConnectorError> {
        let reply = self.get(path, Accept::Json, what, ctx).await?;
        Ok((reply.json(&self.origin, what)?, reply.has_next()))
    }

    /// GET `path`, whatever the status (rate limits already retried once when short).
    pub async fn fetch(
        &self,
        path: &str,
        accept: Accept,
        ctx: &CallContext,
    ) -> Result<Reply, ConnectorError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(accept.header()));
        let headers = &headers;
        self.with_retry(ctx, move || {
            let headers = headers.clone();
            async move {
                let response = self.octo._get_with_headers(path, Some(headers)).await;
                read(response).await
            }
        })
        .await
    }

    /// POST or PATCH `body` to `path` and read the answer as `T`.
    pub async fn write<T: DeserializeOwned>(
        &self,
        method: Write,
        path: &str,
        body: &serde_json::Value,
        what: &str,
        ctx: &CallContext,
    ) -> Result<T, ConnectorError> {
        // A write is sent once: a rate-limited write is reported, never repeated blindly.
        let response = self
            .bounded(ctx, async {
                let response = match method {
                    Write::Post => self.octo._post(path, Some(body)).await,
                    Write::Patch => self.octo._patch(path, Some(body)).await,
                };
                read(response).await
            })
            .await?;
        let reply = self.expect_ok(response, what)?;
        reply.json(&self.origin, what)
    }

    /// GET a job log: GitHub answers with a redirect to a storage host, which is followed
    /// without the token.
    pub async fn get_log(
        &self,
        path: &str,
        what: &str,
        ctx: &CallContext,
    ) -> Result<Reply, ConnectorError> {
        let reply = self.fetch(path, Accept::Json, ctx).await?;
        if !matches!(reply.status, 301 | 302 | 303 | 307 | 308) {
            return self.expect_ok(reply, what);
        }
        let location = reply
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .filter(|l| l.starts_with("https://") || l.starts_with("http://"))
            .ok_or_else(|| ConnectorError::Upstream {
                status: reply.status,
                message: format!(
                    "{} (instance {}) redirected {what} without a usable location",
                    self.origin.host, self.origin.instance
                ),
            })?
            .to_owned();
        let followed = self
            .bounded(ctx, async {
                let response = self.anonymous._get(location.as_str()).await;
                read(response).await
            })
            .await?;
        self.expect_ok(followed, what)
    }

    /// Fail with the mapped error unless the reply is a success.
    pub fn expect_ok(&self, reply: Reply, what: &str) -> Result<Reply, ConnectorError> {
        if (200..300).contains(&reply.status) {
            Ok(reply)
        } else {
            Err(upstream::to_error(
                &self.origin,
                what,
                reply.status,
                &reply.headers,
                &reply.body,
            ))
        }
    }

    /// Run `attempt`; on a rate limit whose wait is short and fits the deadline, wait and run
    /// it once more. Never more than two requests.
    async fn with_retry<F, Fut>(
        &self,
        ctx: &CallContext,
        attempt: F,
    ) -> Result<Reply, ConnectorError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<Reply, Failure>>,
    {
        let first = self.bounded(ctx, attempt()).await?;
        let Some(limit) = upstream::rate_limit(first.status, &first.headers, &first.body) else {
            return Ok(first);
        };
        match limit.wait {
            Some(wait) if wait <= SHORT_WAIT && wait + Duration::from_secs(1) < ctx.remaining() => {
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = ctx.cancel.cancelled() => {
                        return Err(ConnectorError::Timeout(
                            "the request was cancelled while waiting out a GitHub rate limit".to_owned(),
                        ));
                    }
                }
                self.bounded(ctx, attempt()).await
            }
            _ => Ok(first),
        }
    }

    /// Bound one request by the request timeout, the call's deadline and its cancellation.
    async fn bounded<Fut>(&self, ctx: &CallContext, request: Fut) -> Result<Reply, ConnectorError>
    where
        Fut: std::future::Future<Output = Result<Reply, Failure>>,
    {
        let limit = self.timeout.min(ctx.remaining());
        let Origin { instance, host, .. } = &self.origin;
        let timed_out = || {
            ConnectorError::Timeout(format!(
                "{host} (instance {instance}) did not answer within {} s; retry, or narrow the request",
                limit.as_secs_f32().ceil()
            ))
        };
        tokio::select! {
            result = tokio::time::timeout(limit, request) => match result {
                Ok(Ok(reply)) => Ok(reply),
                Ok(Err(Failure { timed_out: true, .. })) | Err(_) => Err(timed_out()),
                Ok(Err(Failure { cause, .. })) => Err(ConnectorError::Transport(format!(
                    "cannot reach {host} (instance {instance}): {cause}"
                ))),
            },
            () = ctx.cancel.cancelled() => Err(ConnectorError::Timeout(format!(
                "the request to {host} was cancelled"
            ))),
        }
    }
}

type Raw = http::Response<http_body_util::combinators::BoxBody<bytes::Bytes, octocrab::Error>>;

/// Why a request got no answer: its root cause, without octocrab's and hyper's wrappers.
#[derive(Debug)]
pub(crate) struct Failure {
    /// A timeout (connecting or reading) rather than a refusal.
    timed_out: bool,
    /// The innermost error (`Connection refused (os error 111)`, `dns error: …`).
    cause: String,
}

/// Read a whole response, or say why it failed.
async fn read(response: Result<Raw, octocrab::Error>) -> Result<Reply, Failure> {
    let response = response.map_err(|err| failure(&err))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = http_body_util::Limited::new(response.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
        .map_err(|err| {
            if err.is::<http_body_util::LengthLimitError>() {
                Failure {
                    timed_out: false,
                    cause: format!(
                        "the answer is larger than {} MiB; narrow the request",
                        MAX_BODY_BYTES / (1024 * 1024)
                    ),
                }
            } else {
                failure(err.as_ref())
            }
        })?
        .to_bytes()
        .to_vec();
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// The root cause of an error chain, and whether any link of it is a timeout.
fn failure(err: &(dyn std::error::Error + 'static)) -> Failure {
    let mut timed_out = false;
    let mut current: &(dyn std::error::Error + 'static) = err;
    loop {
        let io_timeout = current
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut);
        let text = current.to_string().to_lowercase();
        timed_out |= io_timeout || text.contains("timed out") || text.contains("elapsed");
        match current.source() {
            Some(inner) => current = inner,
            None => break,
        }
    }
    let cause = current.to_string();
    let cause = if cause.trim().is_empty() {
        "the connection failed".to_owned()
    } else {
        cause.trim_end_matches('.').to_owned()
    };
    Failure { timed_out, cause }
}

#[cfg(test)]
mod tests {
    use http_body_util::{BodyExt as _, Full};

    use super::{MAX_BODY_BYTES, Raw, read};

    fn response(bytes: usize) -> Raw {
        let body = Full::new(bytes::Bytes::from(vec![b'x'; bytes]))
            .map_err(|never| match never {})
            .boxed();
        http::Response::new(body)
    }

    #[tokio::test]
    async fn an_answer_over_the_cap_is_refused_not_held() {
        let Err(failure) = read(Ok(response(MAX_BODY_BYTES + 1))).await else {
            panic!("an oversized answer was read whole");
        };
        assert!(
            failure.cause.contains("larger than 64 MiB"),
            "{}",
            failure.cause
        );
        let reply = read(Ok(response(1_000))).await.map_err(|f| f.cause);
        assert_eq!(reply.map(|r| r.body.len()), Ok(1_000));
    }
}
