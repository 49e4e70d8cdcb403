//! The HTTP plumbing every HTTP provider shares: one reqwest client per provider instance,
//! bounded retries on 429, 5xx, 529 and connection failures (Retry-After honoured, else capped
//! exponential backoff with jitter, never past the call's deadline, stopped by cancellation),
//! and error bodies mapped to [`ProviderError`] with the provider's own message.
//!
//! Keys travel only to `base_url`: every request is built from it and redirects are not
//! followed, so a redirect can never carry a key to another host. A key the provider echoes in
//! an error message is blanked before the message goes anywhere.

use std::sync::Once;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use switchyard_core::{CallContext, Secret};

use super::failure::{Failure, FailureClass};
use super::retry::{MAX_RETRY_WAIT, MIN_ATTEMPT, backoff, retry_after};
use super::{Health, PROBE_TIMEOUT, ProviderError};

/// Time one request may take unless configured (`timeout_secs`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Retries unless configured (`max_retries`).
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Time allowed to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// The most of an error body read (its message is all we need).
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// Install rustls' `ring` crypto provider as the process default. Idempotent; call it at the
/// top of `main` and in tests (reqwest is built without a provider of its own).
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err means a provider is already installed: that one serves.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Where and how to reach one provider instance.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// The API's base URL.
    pub base_url: Url,
    /// The API key, when the API takes one.
    pub api_key: Option<Secret>,
    /// Time one request may take (connect to last byte).
    pub timeout: Duration,
    /// Retries after a retryable failure, at most.
    pub max_retries: u32,
}

impl HttpSettings {
    /// Settings for `base_url` with the config defaults (120 s, 2 retries), validated by
    /// [`check_base_url`].
    pub fn new(base_url: &str, api_key: Option<Secret>) -> Result<HttpSettings, String> {
        let base_url = check_base_url(base_url, api_key.is_some())?;
        Ok(HttpSettings {
            base_url,
            api_key,
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
        })
    }

    /// The same settings with another request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> HttpSettings {
        self.timeout = timeout;
        self
    }

    /// The same settings with another retry bound.
    pub fn with_max_retries(mut self, max_retries: u32) -> HttpSettings {
        self.max_retries = max_retries;
        self
    }
}

/// Parse and check a base URL: http or https, no credentials in it, and no key over plain
/// http to a host other than loopback.
pub fn check_base_url(text: &str, has_key: bool) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|err| format!("{text:?} is not a URL: {err}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{text:?} must start with http:// or https://, not {}://",
            url.scheme()
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain credentials; put the key in api_key".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{text:?} must not have a query or a fragment"));
    }
    if has_key && url.scheme() == "http" && !is_loopback(&url) {
        return Err(format!(
            "the api key would travel unencrypted to {}; use https, or remove api_key",
            url.host_str().unwrap_or("the host")
        ));
    }
    Ok(url)
}

/// Whether the URL's host is this machine.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A header value holding a secret: marked sensitive so it never prints.
pub fn secret_header(value: &str) -> Result<HeaderValue, String> {
    let mut header = HeaderValue::from_str(value)
        .map_err(|_| "the api key contains characters an HTTP header cannot carry".to_owned())?;
    header.set_sensitive(true);
    Ok(header)
}

/// A reqwest client: the given timeouts, no redirects, no proxy for loopback hosts.
pub fn client(
    timeout: Duration,
    connect_timeout: Duration,
    loopback: bool,
) -> Result<reqwest::Client, String> {
    install_crypto_provider();
    let mut builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("switchyard/", env!("CARGO_PKG_VERSION")));
    if loopback {
        builder = builder.no_proxy();
    }
    builder
        .build()
        .map_err(|err| format!("cannot build an HTTP client: {}", error_chain(&err)))
}

/// Read a body, at most `cap` bytes: the bytes, and whether there was more (dropped).
pub async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = cap.saturating_sub(body.len());
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// An error and its sources on one line (reqwest's own text says little: "error sending
/// request"; the cause is in the chain).
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = next {
        let text = current.to_string();
        if !parts.iter().any(|seen| seen.contains(&text)) {
            parts.push(text);
        }
        next = current.source();
    }
    parts.join(": ")
}

/// One provider's HTTP client: base URL, headers (auth among them), timeouts, retry bound and
/// the provider's error classifier.
pub struct HttpClient {
    provider: String,
    client: reqwest::Client,
    base_url: Url,
    headers: HeaderMap,
    key: Option<Secret>,
    timeout: Duration,
    max_retries: u32,
    classify: fn(&Failure) -> FailureClass,
}

/// How one attempt ended.
enum Attempt {
    Done(Vec<u8>),
    Fatal(ProviderError),
    Retry(ProviderError, Option<Duration>),
}

impl HttpClient {
    /// A client for provider `provider` sending `headers` (auth included) with every request.
    pub fn new(
        provider: &str,
        settings: &HttpSettings,
        headers: HeaderMap,
        classify: fn(&Failure) -> FailureClass,
    ) -> Result<HttpClient, String> {
        let loopback = is_loopback(&settings.base_url);
        let client = client(
            settings.timeout,
            CONNECT_TIMEOUT.min(settings.timeout),
            loopback,
        )?;
        Ok(HttpClient {
            provider: provider.to_owned(),
            client,
            base_url: settings.base_url.clone(),
            headers,
            key: settings.api_key.clone(),
            timeout: settings.timeout,
            max_retries: settings.max_retries,
            classify,
        })
    }

    /// The provider id.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The base URL's path, without a trailing slash.
    pub fn base_path(&self) -> &str {
        self.base_url.path().trim_end_matches('/')
    }

    /// The base URL with `path` appended; dynamic segments in `path` must already be encoded
    /// (`switchyard_core::uri::encode_segment`).
    pub fn endpoint(&self, path: &str) -> Url {
        let mut url = self.base_url.clone();
        let joined = format!("{}/{}", self.base_path(), path.trim_start_matches('/'));
        url.set_path(&joined);
        url
    }

    /// POST `body` as JSON to `url` and read the answer as `R`, with the retry policy.
    pub async fn post_json<B: Serialize, R: DeserializeOwned>(
        &self,
        url: &Url,
        body: &B,
        ctx: &CallContext,
    ) -> Result<R, ProviderError> {
        let body = serde_json::to_vec(body)
            .map_err(|err| self.protocol(format!("cannot encode the request: {err}")))?;
        let answer = self.send(url, body, ctx).await?;
        serde_json::from_slice(&answer)
            .map_err(|err| self.protocol(format!("the answer is not the expected JSON: {err}")))
    }

    /// Probe with one `GET url` (no retries, within [`PROBE_TIMEOUT`] or the request timeout
    /// when shorter) that should answer a model listing: a JSON object whose array `list` holds
    /// the models, and whose `more` field, when given, is true (or a non-empty page token) if
    /// there are further pages.
    pub async fn probe_listing(&self, url: &Url, list: &str, more: Option<&str>) -> Health {
        let limit = PROBE_TIMEOUT.min(self.timeout);
        let answer = match self.attempt(Method::GET, url, None, limit).await {
            Attempt::Done(answer) => answer,
            Attempt::Fatal(error) | Attempt::Retry(error, _) => return Health::from_error(&error),
        };
        let Ok(json) = serde_json::from_slice::<Value>(&answer) else {
            return Health::Failed(format!("{} did not answer JSON", url.path()));
        };
        let Some(models) = json.get(list).and_then(Value::as_array) else {
            return Health::Failed(format!(
                "{} answered without a model list (is base_url right?)",
                url.path()
            ));
        };
        let more = more
            .and_then(|field| json.get(field))
            .is_some_and(|value| match value {
                Value::Bool(more) => *more,
                Value::String(token) => !token.is_empty(),
                _ => false,
            });
        Health::Ok {
            models: models.len(),
            more,
        }
    }

    /// The error for a failure the provider reported in a successful response's body.
    pub fn error_for(&self, failure: &Failure) -> ProviderError {
        failure.to_error(&self.provider, (self.classify)(failure))
    }

    /// A protocol error of this provider.
    pub fn protocol(&self, message: impl Into<String>) -> ProviderError {
        ProviderError::Protocol {
            provider: self.provider.clone(),
            message: message.into(),
        }
    }

    /// Blank the key wherever it appears in `text`.
    pub fn scrub(&self, text: &str) -> String {
        match &self.key {
            Some(key) if !key.expose().is_empty() => text.replace(key.expose(), "[redacted]"),
            _ => text.to_owned(),
        }
    }

    async fn send(
        &self,
        url: &Url,
        body: Vec<u8>,
        ctx: &CallContext,
    ) -> Result<Vec<u8>, ProviderError> {
        let cancelled = || ProviderError::Cancelled {
            provider: self.provider.clone(),
        };
        // What the whole call was allowed, for the message when the deadline passes between
        // attempts.
        let budget = ctx.remaining();
        let mut retries = 0;
        loop {
            if ctx.cancel.is_cancelled() {
                return Err(cancelled());
            }
            let limit = self.timeout.min(ctx.remaining());
            if limit.is_zero() {
                return Err(self.timeout_error(budget));
            }
            let outcome = tokio::select! {
                biased;
                () = ctx.cancel.cancelled() => return Err(cancelled()),
                outcome = self.attempt(Method::POST, url, Some(&body), limit) => outcome,
            };
            let (error, retry_after) = match outcome {
                Attempt::Done(answer) => return Ok(answer),
                Attempt::Fatal(error) => return Err(error),
                Attempt::Retry(error, retry_after) => (error, retry_after),
            };
            if retries >= self.max_retries {
                return Err(error);
            }
            let wait = retry_after.unwrap_or_else(|| backoff(retries));
            if wait > MAX_RETRY_WAIT || wait + MIN_ATTEMPT > ctx.remaining() {
                return Err(error);
            }
            tracing::debug!(
                provider = %self.provider,
                error = error.kind(),
                wait_ms = wait.as_millis() as u64,
                retry = retries + 1,
                "retrying the model call"
            );
            tokio::select! {
                biased;
                () = ctx.cancel.cancelled() => return Err(cancelled()),
                () = tokio::time::sleep(wait) => {}
            }
            retries += 1;
        }
    }

    async fn attempt(
        &self,
        method: Method,
        url: &Url,
        body: Option<&[u8]>,
        limit: Duration,
    ) -> Attempt {
        let mut request = self
            .client
            .request(method, url.clone())
            .headers(self.headers.clone())
            .header(ACCEPT, "application/json")
            .timeout(limit);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(err) if err.is_timeout() => return Attempt::Fatal(self.timeout_error(limit)),
            // Nothing was sent: safe to try again.
            Err(err) if err.is_connect() => return Attempt::Retry(self.transport(&err), None),
            Err(err) => return Attempt::Fatal(self.transport(&err)),
        };
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let cap = if status.is_success() {
            MAX_BODY_BYTES
        } else {
            MAX_ERROR_BYTES
        };
        let (answer, cut) = match read_capped(response, cap).await {
            Ok(read) => read,
            Err(err) if err.is_timeout() => return Attempt::Fatal(self.timeout_error(limit)),
            Err(err) => return Attempt::Fatal(self.transport(&err)),
        };
        if status.is_success() {
            if cut {
                return Attempt::Fatal(self.protocol(format!(
                    "the answer is larger than {} MiB",
                    MAX_BODY_BYTES / (1024 * 1024)
                )));
            }
            return Attempt::Done(answer);
        }
        if status.is_redirection() {
            return Attempt::Fatal(ProviderError::Transport {
                provider: self.provider.clone(),
                message: format!(
                    "{} answered with a redirect (status {}), which is not followed so the key stays with its host; set base_url to the final address",
                    origin(&self.base_url),
                    status.as_u16()
                ),
            });
        }
        let mut failure = Failure::parse(status.as_u16(), &answer);
        failure.message = self.scrub(&failure.message);
        if retry_after.is_some() {
            failure.retry_after = retry_after;
        }
        let class = (self.classify)(&failure);
        let error = failure.to_error(&self.provider, class);
        if class.is_retryable() {
            Attempt::Retry(error, failure.retry_after)
        } else {
            Attempt::Fatal(error)
        }
    }

    fn timeout_error(&self, limit: Duration) -> ProviderError {
        let seconds = limit.as_secs() + u64::from(limit.subsec_nanos() > 0);
        ProviderError::Timeout {
            provider: self.provider.clone(),
            seconds,
        }
    }

    fn transport(&self, err: &reqwest::Error) -> ProviderError {
        let what = if err.is_connect() {
            ""
        } else if err.is_body() || err.is_decode() {
            " the answer broke off:"
        } else {
            " the request failed:"
        };
        // reqwest's own line repeats the URL; the causes say what happened.
        let cause = std::error::Error::source(err)
            .map(error_chain)
            .unwrap_or_else(|| err.to_string());
        ProviderError::Transport {
            provider: self.provider.clone(),
            message: self.scrub(&format!("{}:{what} {cause}", origin(&self.base_url))),
        }
    }
}

/// `scheme://host[:port]`, for messages.
fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::check_base_url;

    #[test]
    fn base_urls_are_checked() {
        assert!(check_base_url("https://api.openai.com/v1", true).is_ok());
        assert!(check_base_url("http://127.0.0.1:8080/v1", true).is_ok());
        assert!(check_base_url("http://localhost:11434", true).is_ok());
        assert!(check_base_url("http://[::1]:8000/v1", true).is_ok());
        assert!(check_base_url("http://gpu-box:8000/v1", false).is_ok());
        let err = check_base_url("http://gpu-box:8000/v1", true).unwrap_err();
        assert!(err.contains("unencrypted to gpu-box"), "{err}");
        assert!(check_base_url("ftp://example.com", false).is_err());
        assert!(check_base_url("https://user:pw@example.com", false).is_err());
        assert!(check_base_url("not a url", false).is_err());
    }
}
