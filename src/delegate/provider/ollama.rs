//! Ollama's native chat API (`POST {base_url}/api/chat`, `stream: false`).
//!
//! - The output bound is `options.num_predict`; the system prompt a `system` message.
//! - Usage: `prompt_eval_count` in, `eval_count` out (thinking included, not reported apart);
//!   Ollama leaves `prompt_eval_count` out when the whole prompt came from its cache.
//! - `done_reason: "length"` is a cut answer; an unknown model is a 404 `{"error": …}`, which
//!   maps to a rejected request with Ollama's "try pulling it first".
//! - A key is optional (Ollama behind a proxy, or a hosted Ollama) and sent as a bearer token.
//! - `switchyard check` probes `GET /api/tags` (the models pulled).

use async_trait::async_trait;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderMap};
use serde::{Deserialize, Serialize};
use switchyard_core::CallContext;

use super::failure::{Failure, classify_status};
use super::http::{HttpClient, HttpSettings, secret_header};
use super::{ChatRequest, ChatResponse, ChatRole, FinishReason, Health, Provider, ProviderError};
use crate::delegate::usage::Usage;

/// An Ollama provider instance.
pub struct OllamaProvider {
    http: HttpClient,
    url: Url,
    tags_url: Url,
}

impl OllamaProvider {
    /// A provider `id` at `settings.base_url` (`http://127.0.0.1:11434`; a base ending in
    /// `/api` is accepted too).
    pub fn new(id: &str, settings: &HttpSettings) -> Result<OllamaProvider, String> {
        let mut headers = HeaderMap::new();
        if let Some(key) = &settings.api_key {
            headers.insert(
                AUTHORIZATION,
                secret_header(&format!("Bearer {}", key.expose()))?,
            );
        }
        let http = HttpClient::new(id, settings, headers, classify_status)?;
        let api = if http.base_path().ends_with("/api") {
            ""
        } else {
            "api/"
        };
        let url = http.endpoint(&format!("{api}chat"));
        let tags_url = http.endpoint(&format!("{api}tags"));
        Ok(OllamaProvider {
            http,
            url,
            tags_url,
        })
    }
}

#[derive(Serialize)]
struct WireRequest<'a> {
    model: &'a str,
    messages: Vec<WireMessage<'a>>,
    stream: bool,
    options: WireOptions,
}

#[derive(Serialize)]
struct WireMessage<'a> {
    role: &'static str,
    content: &'a str,
}

#[derive(Serialize)]
struct WireOptions {
    num_predict: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f64>,
}

#[derive(Deserialize)]
struct WireResponse {
    model: Option<String>,
    message: Option<WireAnswer>,
    done_reason: Option<String>,
    prompt_eval_count: Option<u64>,
    eval_count: Option<u64>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct WireAnswer {
    #[serde(default)]
    content: String,
}

fn finish(reason: Option<&str>) -> FinishReason {
    match reason {
        None | Some("stop") => FinishReason::Stop,
        Some("length") => FinishReason::Length,
        Some(other) => FinishReason::Other(other.to_owned()),
    }
}

#[async_trait]
impl Provider for OllamaProvider {
    fn id(&self) -> &str {
        self.http.provider()
    }

    fn kind(&self) -> &'static str {
        "ollama"
    }

    async fn complete(
        &self,
        request: &ChatRequest,
        ctx: &CallContext,
    ) -> Result<ChatResponse, ProviderError> {
        let mut messages = Vec::with_capacity(request.messages.len() + 1);
        if let Some(system) = &request.system {
            messages.push(WireMessage {
                role: "system",
                content: system,
            });
        }
        messages.extend(request.messages.iter().map(|message| WireMessage {
            role: match message.role {
                ChatRole::User => "user",
                ChatRole::Assistant => "assistant",
            },
            content: &message.content,
        }));
        let body = WireRequest {
            model: &request.model,
            messages,
            stream: false,
            options: WireOptions {
                num_predict: request.max_output_tokens,
                temperature: request.temperature,
            },
        };
        let answer: WireResponse = self.http.post_json(&self.url, &body, ctx).await?;
        if let Some(error) = &answer.error {
            let wrapped = serde_json::json!({ "error": error });
            return Err(self.http.error_for(&Failure::from_json(500, &wrapped)));
        }
        let Some(message) = answer.message else {
            return Err(self.http.protocol("the answer has no message"));
        };
        Ok(ChatResponse {
            text: message.content,
            usage: Usage {
                input_tokens: answer.prompt_eval_count.unwrap_or(0),
                cached_input_tokens: 0,
                output_tokens: answer.eval_count.unwrap_or(0),
                reasoning_tokens: 0,
            },
            finish: finish(answer.done_reason.as_deref()),
            model: answer.model,
        })
    }

    async fn check(&self) -> Health {
        self.http
            .probe_listing(&self.tags_url, "models", None)
            .await
    }
}
