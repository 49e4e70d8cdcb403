//! Anthropic Messages (`POST {base_url}/v1/messages`, `x-api-key`, `anthropic-version`).
//!
//! - The system prompt is the top-level `system` field, not a message.
//! - Usage: `input_tokens` excludes both cache counts. Cache reads are the cached input;
//!   cache writes (`cache_creation_input_tokens`) are counted as input at the input price
//!   (Anthropic bills them a little higher: 1.25× for the 5-minute cache).
//! - Thinking tokens are inside `output_tokens` and not reported apart: reasoning stays 0.
//! - 529 `overloaded_error` is retried like a 5xx, then reported as unavailable.
//! - `switchyard check` probes `GET /v1/models` with the same headers (one page, `has_more`).

use async_trait::async_trait;
use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};
use switchyard_core::CallContext;

use super::failure::classify_status;
use super::http::{HttpClient, HttpSettings, secret_header};
use super::{ChatRequest, ChatResponse, ChatRole, FinishReason, Health, Provider, ProviderError};
use crate::delegate::usage::Usage;

/// The API version sent with every request.
pub const API_VERSION: &str = "2023-06-01";

/// An Anthropic provider instance.
pub struct AnthropicProvider {
    http: HttpClient,
    url: Url,
    models_url: Url,
}

impl AnthropicProvider {
    /// A provider `id` at `settings.base_url` (`https://api.anthropic.com`; a base ending in
    /// `/v1` is accepted too).
    pub fn new(id: &str, settings: &HttpSettings) -> Result<AnthropicProvider, String> {
        let mut headers = HeaderMap::new();
        if let Some(key) = &settings.api_key {
            headers.insert(
                HeaderName::from_static("x-api-key"),
                secret_header(key.expose())?,
            );
        }
        headers.insert(
            HeaderName::from_static("anthropic-version"),
            HeaderValue::from_static(API_VERSION),
        );
        let http = HttpClient::new(id, settings, headers, classify_status)?;
        let version = if http.base_path().ends_with("/v1") {
            ""
        } else {
            "v1/"
        };
        let url = http.endpoint(&format!("{version}messages"));
        let models_url = http.endpoint(&format!("{version}models"));
        Ok(AnthropicProvider {
            http,
            url,
            models_url,
        })
    }
}

#[derive(Serialize)]
struct WireRequest<'a> {
    model: &'a str,
    max_tokens: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<&'a str>,
    messages: Vec<WireMessage<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f64>,
}

#[derive(Serialize)]
struct WireMessage<'a> {
    role: &'static str,
    content: &'a str,
}

#[derive(Deserialize)]
struct WireResponse {
    #[serde(default)]
    content: Vec<WireBlock>,
    stop_reason: Option<String>,
    usage: Option<WireUsage>,
    model: Option<String>,
}

#[derive(Deserialize)]
struct WireBlock {
    #[serde(rename = "type")]
    kind: String,
    text: Option<String>,
}

#[derive(Deserialize)]
struct WireUsage {
    input_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    output_tokens: Option<u64>,
}

impl WireUsage {
    fn normalise(&self) -> Usage {
        Usage {
            input_tokens: self.input_tokens.unwrap_or(0)
                + self.cache_creation_input_tokens.unwrap_or(0),
            cached_input_tokens: self.cache_read_input_tokens.unwrap_or(0),
            output_tokens: self.output_tokens.unwrap_or(0),
            reasoning_tokens: 0,
        }
    }
}

fn finish(reason: Option<&str>) -> FinishReason {
    match reason {
        None | Some("end_turn" | "stop_sequence") => FinishReason::Stop,
        Some("max_tokens" | "model_context_window_exceeded") => FinishReason::Length,
        Some("refusal") => FinishReason::ContentFilter,
        Some(other) => FinishReason::Other(other.to_owned()),
    }
}

#[async_trait]
impl Provider for AnthropicProvider {
    fn id(&self) -> &str {
        self.http.provider()
    }

    fn kind(&self) -> &'static str {
        "anthropic"
    }

    async fn complete(
        &self,
        request: &ChatRequest,
        ctx: &CallContext,
    ) -> Result<ChatResponse, ProviderError> {
        let body = WireRequest {
            model: &request.model,
            max_tokens: request.max_output_tokens,
            system: request.system.as_deref(),
            messages: request
                .messages
                .iter()
                .map(|message| WireMessage {
                    role: match message.role {
                        ChatRole::User => "user",
                        ChatRole::Assistant => "assistant",
                    },
                    content: &message.content,
                })
                .collect(),
            temperature: request.temperature,
        };
        let answer: WireResponse = self.http.post_json(&self.url, &body, ctx).await?;
        let text: String = answer
            .content
            .iter()
            .filter(|block| block.kind == "text")
            .filter_map(|block| block.text.as_deref())
            .collect();
        Ok(ChatResponse {
            text,
            usage: answer
                .usage
                .as_ref()
                .map(WireUsage::normalise)
                .unwrap_or_default(),
            finish: finish(answer.stop_reason.as_deref()),
            model: answer.model,
        })
    }

    async fn check(&self) -> Health {
        self.http
            .probe_listing(&self.models_url, "data", Some("has_more"))
            .await
    }
}
