//! OpenAI-compatible chat completions (`POST {base_url}/chat/completions`): OpenAI itself, vLLM,
//! llama.cpp server, LM Studio, OpenRouter and Ollama's `/v1`.
//!
//! - The key, when configured, goes as `Authorization: Bearer`.
//! - `switchyard check` probes `GET {base_url}/models` (every compatible server lists there).
//! - The output bound is `max_completion_tokens` for api.openai.com (its reasoning models
//!   refuse `max_tokens`) and `max_tokens` elsewhere (what every compatible server reads; some
//!   do not know the newer name).
//! - Usage: `prompt_tokens` includes `prompt_tokens_details.cached_tokens`, so the billed-full
//!   input is the difference; `completion_tokens` includes
//!   `completion_tokens_details.reasoning_tokens`.

use async_trait::async_trait;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderMap};
use serde::{Deserialize, Serialize};
use switchyard_core::CallContext;

use super::failure::status_of;
use super::failure::{Failure, FailureClass, classify_status};
use super::http::{HttpClient, HttpSettings, secret_header};
use super::{ChatRequest, ChatResponse, ChatRole, FinishReason, Health, Provider, ProviderError};
use crate::delegate::usage::Usage;

/// An OpenAI-compatible provider instance.
pub struct OpenAiProvider {
    http: HttpClient,
    url: Url,
    models_url: Url,
    max_completion_tokens: bool,
}

impl OpenAiProvider {
    /// A provider `id` at `settings.base_url` (which ends before `/chat/completions`, e.g.
    /// `https://api.openai.com/v1`).
    pub fn new(id: &str, settings: &HttpSettings) -> Result<OpenAiProvider, String> {
        let mut headers = HeaderMap::new();
        if let Some(key) = &settings.api_key {
            headers.insert(
                AUTHORIZATION,
                secret_header(&format!("Bearer {}", key.expose()))?,
            );
        }
        let http = HttpClient::new(id, settings, headers, classify)?;
        let url = http.endpoint("chat/completions");
        let models_url = http.endpoint("models");
        let max_completion_tokens = settings.base_url.host_str() == Some("api.openai.com");
        Ok(OpenAiProvider {
            http,
            url,
            models_url,
            max_completion_tokens,
        })
    }
}

/// An exhausted quota or credit balance is a 429 that no retry cures; Azure OpenAI refuses a
/// prompt its content filter flags with a 400 coded `content_filter`.
fn classify(failure: &Failure) -> FailureClass {
    match failure.status {
        429 if failure.has_code("insufficient_quota") => FailureClass::QuotaExhausted,
        400 if failure.has_code("content_filter") => FailureClass::Blocked,
        _ => classify_status(failure),
    }
}

#[derive(Serialize)]
struct WireRequest<'a> {
    model: &'a str,
    messages: Vec<WireMessage<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_completion_tokens: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f64>,
    stream: bool,
}

#[derive(Serialize)]
struct WireMessage<'a> {
    role: &'static str,
    content: &'a str,
}

#[derive(Deserialize)]
struct WireResponse {
    #[serde(default)]
    choices: Vec<WireChoice>,
    usage: Option<WireUsage>,
    model: Option<String>,
    /// OpenRouter and some proxies report failures inside a 200 answer.
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct WireChoice {
    message: Option<WireAnswer>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireAnswer {
    /// A string, or (some compatible servers) an array of `{"type": "text", "text": …}` parts.
    content: Option<serde_json::Value>,
    refusal: Option<String>,
}

/// The text of a message's content, whichever form it takes.
fn text_of(content: Option<&serde_json::Value>) -> String {
    match content {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(serde_json::Value::Array(parts)) => parts
            .iter()
            .filter(|part| part.get("type").is_none_or(|kind| kind == "text"))
            .filter_map(|part| part.get("text").and_then(serde_json::Value::as_str))
            .collect(),
        _ => String::new(),
    }
}

#[derive(Deserialize)]
struct WireUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    prompt_tokens_details: Option<PromptDetails>,
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Deserialize)]
struct PromptDetails {
    cached_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct CompletionDetails {
    reasoning_tokens: Option<u64>,
}

impl WireUsage {
    fn normalise(&self) -> Usage {
        let prompt = self.prompt_tokens.unwrap_or(0);
        let cached = self
            .prompt_tokens_details
            .as_ref()
            .and_then(|details| details.cached_tokens)
            .unwrap_or(0)
            .min(prompt);
        let output = self.completion_tokens.unwrap_or(0);
        let reasoning = self
            .completion_tokens_details
            .as_ref()
            .and_then(|details| details.reasoning_tokens)
            .unwrap_or(0)
            .min(output);
        Usage {
            input_tokens: prompt - cached,
            cached_input_tokens: cached,
            output_tokens: output,
            reasoning_tokens: reasoning,
        }
    }
}

fn finish(reason: Option<&str>) -> FinishReason {
    match reason {
        None | Some("stop") => FinishReason::Stop,
        Some("length") => FinishReason::Length,
        Some("content_filter") => FinishReason::ContentFilter,
        Some(other) => FinishReason::Other(other.to_owned()),
    }
}

#[async_trait]
impl Provider for OpenAiProvider {
    fn id(&self) -> &str {
        self.http.provider()
    }

    fn kind(&self) -> &'static str {
        "openai"
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
        let bound = Some(request.max_output_tokens);
        let body = WireRequest {
            model: &request.model,
            messages,
            max_tokens: bound.filter(|_| !self.max_completion_tokens),
            max_completion_tokens: bound.filter(|_| self.max_completion_tokens),
            temperature: request.temperature,
            stream: false,
        };
        let answer: WireResponse = self.http.post_json(&self.url, &body, ctx).await?;
        let Some(choice) = answer.choices.into_iter().next() else {
            return Err(match &answer.error {
                Some(error) => {
                    let code = error.get("code").and_then(serde_json::Value::as_u64);
                    let wrapped = serde_json::json!({ "error": error });
                    self.http
                        .error_for(&Failure::from_json(status_of(code), &wrapped))
                }
                None => self.http.protocol("the answer has no choices"),
            });
        };
        let usage = answer
            .usage
            .as_ref()
            .map(WireUsage::normalise)
            .unwrap_or_default();
        let (text, refusal) = match &choice.message {
            Some(message) => (text_of(message.content.as_ref()), message.refusal.clone()),
            None => (String::new(), None),
        };
        let (text, finish) = match refusal {
            // A structured refusal: the model declined instead of answering.
            Some(refusal) if text.is_empty() => (refusal, FinishReason::ContentFilter),
            _ => (text, finish(choice.finish_reason.as_deref())),
        };
        Ok(ChatResponse {
            text,
            usage,
            finish,
            model: answer.model,
        })
    }

    async fn check(&self) -> Health {
        self.http
            .probe_listing(&self.models_url, "data", None)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::OpenAiProvider;
    use crate::delegate::provider::http::HttpSettings;

    #[test]
    fn max_completion_tokens_only_for_api_openai_com() {
        let build = |url: &str| {
            let settings = HttpSettings::new(url, None).unwrap();
            OpenAiProvider::new("p", &settings).unwrap()
        };
        assert!(build("https://api.openai.com/v1").max_completion_tokens);
        assert!(!build("https://openrouter.ai/api/v1").max_completion_tokens);
        assert!(!build("http://127.0.0.1:8000/v1").max_completion_tokens);
    }
}
