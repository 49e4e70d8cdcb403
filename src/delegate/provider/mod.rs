//! Model providers: one request shape in, one response shape out, whatever the API.
//!
//! | file | role |
//! |---|---|
//! | `mod.rs` | [`Provider`], [`ChatRequest`], [`ChatResponse`], [`ProviderError`], [`Health`] |
//! | `http.rs` | the shared HTTP client: timeouts, bounded retries honouring Retry-After |
//! | `openai.rs` | OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp, LM Studio, OpenRouter) |
//! | `anthropic.rs` | Anthropic Messages |
//! | `gemini.rs` | Gemini generateContent |
//! | `ollama.rs` | Ollama's native chat API |
//! | `client.rs` | the MCP client's own model, through sampling |
//! | `build.rs` | providers from `[providers]` config and from the environment (zero config); local servers |
//! | `failure.rs` | error answers read into one shape and classified |
//! | `retry.rs` | the retry policy: Retry-After, backoff with jitter |

pub mod anthropic;
pub mod build;
pub mod failure;
pub mod gemini;
pub mod http;
pub mod ollama;
pub mod openai;
pub mod retry;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use switchyard_core::CallContext;

use super::usage::Usage;

/// Who speaks a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatRole {
    /// The caller.
    User,
    /// The model (an earlier turn).
    Assistant,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    /// Who speaks.
    pub role: ChatRole,
    /// What is said.
    pub content: String,
}

/// What the caller would like from the model, passed on where the API takes it (MCP sampling's
/// model preferences; ignored by APIs that take a fixed model).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Preferences {
    /// 0–1: how much cost matters.
    pub cost: f64,
    /// 0–1: how much speed matters.
    pub speed: f64,
    /// 0–1: how much quality matters.
    pub quality: f64,
}

/// One request to a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    /// The provider's id of the model.
    pub model: String,
    /// The system prompt, if any.
    pub system: Option<String>,
    /// The conversation; the last message is the user's.
    pub messages: Vec<ChatMessage>,
    /// The most tokens to generate.
    pub max_output_tokens: u64,
    /// Sampling temperature, when the caller wants one.
    pub temperature: Option<f64>,
    /// The caller's priorities (and model hints for MCP sampling).
    pub preferences: Preferences,
}

/// Why generation stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FinishReason {
    /// The model finished its answer.
    Stop,
    /// The output hit `max_output_tokens`: the answer is cut.
    Length,
    /// The provider's safety filter stopped or blocked the answer.
    ContentFilter,
    /// Anything else, as the provider named it.
    Other(String),
}

impl fmt::Display for FinishReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FinishReason::Stop => f.write_str("stop"),
            FinishReason::Length => f.write_str("length (cut at max_output_tokens)"),
            FinishReason::ContentFilter => f.write_str("content filter"),
            FinishReason::Other(reason) => f.write_str(reason),
        }
    }
}

/// A model's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatResponse {
    /// The answer's text.
    pub text: String,
    /// Tokens used, normalised.
    pub usage: Usage,
    /// Why it stopped.
    pub finish: FinishReason,
    /// The model the provider says answered (it may differ from the one asked for).
    pub model: Option<String>,
}

/// Why a provider call failed. Messages are lowercase, name the provider and say what the
/// provider said (never the key).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// The key is missing, wrong or revoked.
    #[error("{provider} rejected the credentials: {message}")]
    Unauthorized {
        /// The provider id.
        provider: String,
        /// What it said.
        message: String,
    },
    /// Rate limited or out of quota, after the retries allowed.
    #[error("{provider} is rate limiting: {message}")]
    RateLimited {
        /// The provider id.
        provider: String,
        /// How long it asked to wait, when it said.
        retry_after: Option<Duration>,
        /// What it said.
        message: String,
    },
    /// The provider failed or is overloaded (5xx, 529), after the retries allowed.
    #[error("{provider} failed (status {status}): {message}")]
    Unavailable {
        /// The provider id.
        provider: String,
        /// The HTTP status.
        status: u16,
        /// What it said.
        message: String,
    },
    /// The request was refused as invalid (unknown model, context too long, bad parameter).
    #[error("{provider} refused the request (status {status}): {message}")]
    Rejected {
        /// The provider id.
        provider: String,
        /// The HTTP status.
        status: u16,
        /// What it said.
        message: String,
    },
    /// The prompt was blocked by the provider's safety filter before any answer.
    #[error("{provider} blocked the prompt: {message}")]
    Blocked {
        /// The provider id.
        provider: String,
        /// The reason it gave.
        message: String,
    },
    /// No answer in time.
    #[error("{provider} did not answer within {seconds} s")]
    Timeout {
        /// The provider id.
        provider: String,
        /// The time allowed.
        seconds: u64,
    },
    /// The provider could not be reached.
    #[error("cannot reach {provider}: {message}")]
    Transport {
        /// The provider id.
        provider: String,
        /// What failed.
        message: String,
    },
    /// The provider answered something we cannot read.
    #[error("{provider} answered in an unexpected shape: {message}")]
    Protocol {
        /// The provider id.
        provider: String,
        /// What was wrong.
        message: String,
    },
    /// The call was cancelled by the client.
    #[error("the call to {provider} was cancelled")]
    Cancelled {
        /// The provider id.
        provider: String,
    },
    /// The answer must come from the client in another round trip (2026-07-28 sampling through
    /// an input-required result); the request was kept for the protocol layer to send.
    #[error("{provider} answers in a second round trip")]
    Deferred {
        /// The provider id.
        provider: String,
    },
}

impl ProviderError {
    /// Whether the next candidate may succeed where this one failed (fallback-worthy).
    pub fn is_retryable_elsewhere(&self) -> bool {
        !matches!(
            self,
            ProviderError::Cancelled { .. } | ProviderError::Deferred { .. }
        )
    }

    /// A short bounded label for records and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            ProviderError::Unauthorized { .. } => "unauthorized",
            ProviderError::RateLimited { .. } => "rate_limited",
            ProviderError::Unavailable { .. } => "unavailable",
            ProviderError::Rejected { .. } => "rejected",
            ProviderError::Blocked { .. } => "blocked",
            ProviderError::Timeout { .. } => "timeout",
            ProviderError::Transport { .. } => "transport",
            ProviderError::Protocol { .. } => "protocol",
            ProviderError::Cancelled { .. } => "cancelled",
            ProviderError::Deferred { .. } => "deferred",
        }
    }
}

/// The most one provider's probe may take (`switchyard check`).
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a provider's probe found: reachability and whether the key is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    /// Reached, key accepted: the models it listed (`more` when it said there are more pages).
    Ok {
        /// Models in the listing.
        models: usize,
        /// Whether the listing was one page of several.
        more: bool,
    },
    /// Not built: its key reference resolves to nothing (which reference, never a key).
    KeyMissing(String),
    /// Reached; the key was refused (what the provider said, never the key).
    KeyRejected(String),
    /// Not reached (refused, no route, no answer in time).
    Unreachable(String),
    /// Reached, but it failed otherwise (5xx, rate limit, not a model listing).
    Failed(String),
    /// Nothing to probe ahead of a call (the client's model, lent per request).
    NotCheckable(&'static str),
}

impl Health {
    /// Whether it counts as healthy (a provider that cannot be probed is not a failure).
    pub fn is_healthy(&self) -> bool {
        matches!(self, Health::Ok { .. } | Health::NotCheckable(_))
    }

    /// What a probe's failure means for its health.
    pub fn from_error(error: &ProviderError) -> Health {
        match error {
            ProviderError::Unauthorized { message, .. } => Health::KeyRejected(message.clone()),
            ProviderError::Transport { message, .. } => Health::Unreachable(message.clone()),
            ProviderError::Timeout { seconds, .. } => {
                Health::Unreachable(format!("no answer within {seconds} s"))
            }
            other => Health::Failed(other.to_string()),
        }
    }
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Health::Ok { models, more } => {
                let plus = if *more { "+" } else { "" };
                let noun = if *models == 1 && !more {
                    "model"
                } else {
                    "models"
                };
                write!(f, "ok ({models}{plus} {noun})")
            }
            Health::KeyMissing(reference) => write!(f, "key missing: {reference} is not set"),
            Health::KeyRejected(message) => write!(f, "key rejected: {message}"),
            Health::Unreachable(message) => write!(f, "unreachable: {message}"),
            Health::Failed(message) => write!(f, "failed: {message}"),
            Health::NotCheckable(why) => write!(f, "not checkable ({why})"),
        }
    }
}

/// A model provider instance.
#[async_trait]
pub trait Provider: Send + Sync {
    /// The provider id (`openai`, `local`, `client`).
    fn id(&self) -> &str;

    /// The kind (`openai`, `anthropic`, `gemini`, `ollama`, `client`).
    fn kind(&self) -> &'static str;

    /// Send one request; retries and timeouts are the provider's own.
    async fn complete(
        &self,
        request: &ChatRequest,
        ctx: &CallContext,
    ) -> Result<ChatResponse, ProviderError>;

    /// Probe reachability and key validity with one cheap request that generates nothing (a
    /// model listing), within [`PROBE_TIMEOUT`] and without retries. Providers with nothing to
    /// probe ahead of a call keep this default.
    async fn check(&self) -> Health {
        Health::NotCheckable("nothing to probe before a call")
    }
}

/// The providers that can serve calls now, by id.
#[derive(Clone, Default)]
pub struct Providers {
    map: BTreeMap<String, Arc<dyn Provider>>,
}

impl fmt::Debug for Providers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.map.keys()).finish()
    }
}

impl Providers {
    /// Add (or replace) a provider under its id.
    pub fn insert(&mut self, provider: Arc<dyn Provider>) {
        self.map.insert(provider.id().to_owned(), provider);
    }

    /// A provider by id.
    pub fn get(&self, id: &str) -> Option<&Arc<dyn Provider>> {
        self.map.get(id)
    }

    /// The ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}
