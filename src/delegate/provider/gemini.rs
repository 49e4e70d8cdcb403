//! Gemini generateContent (`POST {base_url}/v1beta/models/{model}:generateContent`,
//! `x-goog-api-key`; the key never goes in the URL).
//!
//! - The system prompt is `systemInstruction`; the output bound `generationConfig.maxOutputTokens`.
//! - Usage: `promptTokenCount` includes `cachedContentTokenCount`; `thoughtsTokenCount` is
//!   *beside* `candidatesTokenCount`, so output = candidates + thoughts, reasoning = thoughts.
//! - A prompt blocked by the safety filter (`promptFeedback.blockReason`, no candidates) is
//!   [`ProviderError::Blocked`]; an answer stopped by it (`SAFETY` …) is a content-filter finish.
//! - A bad key is a 400 with reason `API_KEY_INVALID`: unauthorized, not a rejected request.
//! - `switchyard check` probes `GET /v1beta/models?pageSize=1` with the same key header.

use async_trait::async_trait;
use reqwest::header::{HeaderMap, HeaderName};
use serde::{Deserialize, Serialize};
use switchyard_core::CallContext;
use switchyard_core::uri::encode_segment;

use super::failure::{Failure, FailureClass, classify_status};
use super::http::{HttpClient, HttpSettings, secret_header};
use super::{ChatRequest, ChatResponse, ChatRole, FinishReason, Health, Provider, ProviderError};
use crate::delegate::usage::Usage;

/// A Gemini provider instance.
pub struct GeminiProvider {
    http: HttpClient,
    /// The path before `models/…`: empty when the base URL already names the API version.
    version_prefix: &'static str,
}

impl GeminiProvider {
    /// A provider `id` at `settings.base_url` (`https://generativelanguage.googleapis.com`; a
    /// base ending in `/v1beta` or `/v1` is used as it is).
    pub fn new(id: &str, settings: &HttpSettings) -> Result<GeminiProvider, String> {
        let mut headers = HeaderMap::new();
        if let Some(key) = &settings.api_key {
            headers.insert(
                HeaderName::from_static("x-goog-api-key"),
                secret_header(key.expose())?,
            );
        }
        let http = HttpClient::new(id, settings, headers, classify)?;
        let base = http.base_path();
        let version_prefix = if base.ends_with("/v1beta") || base.ends_with("/v1") {
            ""
        } else {
            "v1beta/"
        };
        Ok(GeminiProvider {
            http,
            version_prefix,
        })
    }
}

fn classify(failure: &Failure) -> FailureClass {
    const KEY_REASONS: [&str; 3] = [
        "API_KEY_INVALID",
        "API_KEY_EXPIRED",
        "API_KEY_SERVICE_BLOCKED",
    ];
    if KEY_REASONS.iter().any(|reason| failure.has_code(reason)) {
        return FailureClass::Unauthorized;
    }
    classify_status(failure)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireRequest<'a> {
    contents: Vec<WireContent<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    system_instruction: Option<WireContent<'a>>,
    generation_config: WireConfig,
}

#[derive(Serialize)]
struct WireContent<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    parts: [WireText<'a>; 1],
}

#[derive(Serialize)]
struct WireText<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireConfig {
    max_output_tokens: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireResponse {
    #[serde(default)]
    candidates: Vec<WireCandidate>,
    prompt_feedback: Option<WireFeedback>,
    usage_metadata: Option<WireUsage>,
    model_version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireCandidate {
    content: Option<WireAnswer>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireAnswer {
    #[serde(default)]
    parts: Vec<WirePart>,
}

#[derive(Deserialize)]
struct WirePart {
    text: Option<String>,
    #[serde(default)]
    thought: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireFeedback {
    block_reason: Option<String>,
    block_reason_message: Option<String>,
    #[serde(default)]
    safety_ratings: Vec<WireRating>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireRating {
    category: Option<String>,
    probability: Option<String>,
    #[serde(default)]
    blocked: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireUsage {
    prompt_token_count: Option<u64>,
    cached_content_token_count: Option<u64>,
    candidates_token_count: Option<u64>,
    thoughts_token_count: Option<u64>,
    tool_use_prompt_token_count: Option<u64>,
}

impl WireUsage {
    fn normalise(&self) -> Usage {
        let prompt = self.prompt_token_count.unwrap_or(0);
        let cached = self.cached_content_token_count.unwrap_or(0).min(prompt);
        let thoughts = self.thoughts_token_count.unwrap_or(0);
        Usage {
            input_tokens: prompt - cached + self.tool_use_prompt_token_count.unwrap_or(0),
            cached_input_tokens: cached,
            output_tokens: self.candidates_token_count.unwrap_or(0) + thoughts,
            reasoning_tokens: thoughts,
        }
    }
}

impl WireFeedback {
    /// "SAFETY (HARM_CATEGORY_HATE_SPEECH: HIGH)" and the provider's words, when given.
    fn describe(&self, reason: &str) -> String {
        let flagged: Vec<String> = self
            .safety_ratings
            .iter()
            .filter(|rating| {
                rating.blocked || matches!(rating.probability.as_deref(), Some("HIGH" | "MEDIUM"))
            })
            .map(|rating| {
                format!(
                    "{}: {}",
                    rating.category.as_deref().unwrap_or("unknown category"),
                    rating.probability.as_deref().unwrap_or("blocked")
                )
            })
            .collect();
        let mut text = format!("block reason {reason}");
        if !flagged.is_empty() {
            text.push_str(&format!(" ({})", flagged.join(", ")));
        }
        if let Some(message) = &self.block_reason_message {
            text.push_str(&format!(": {message}"));
        }
        text
    }
}

fn finish(reason: Option<&str>) -> FinishReason {
    match reason {
        None | Some("STOP") => FinishReason::Stop,
        Some("MAX_TOKENS") => FinishReason::Length,
        Some(
            "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY",
        ) => FinishReason::ContentFilter,
        Some(other) => FinishReason::Other(other.to_ascii_lowercase()),
    }
}

#[async_trait]
impl Provider for GeminiProvider {
    fn id(&self) -> &str {
        self.http.provider()
    }

    fn kind(&self) -> &'static str {
        "gemini"
    }

    async fn complete(
        &self,
        request: &ChatRequest,
        ctx: &CallContext,
    ) -> Result<ChatResponse, ProviderError> {
        let model = request
            .model
            .strip_prefix("models/")
            .unwrap_or(&request.model);
        let url = self.http.endpoint(&format!(
            "{}models/{}:generateContent",
            self.version_prefix,
            encode_segment(model)
        ));
        let body = WireRequest {
            contents: request
                .messages
                .iter()
                .map(|message| WireContent {
                    role: Some(match message.role {
                        ChatRole::User => "user",
                        ChatRole::Assistant => "model",
                    }),
                    parts: [WireText {
                        text: &message.content,
                    }],
                })
                .collect(),
            system_instruction: request.system.as_deref().map(|system| WireContent {
                role: None,
                parts: [WireText { text: system }],
            }),
            generation_config: WireConfig {
                max_output_tokens: request.max_output_tokens,
                temperature: request.temperature,
            },
        };
        let answer: WireResponse = self.http.post_json(&url, &body, ctx).await?;
        if let Some(feedback) = &answer.prompt_feedback
            && let Some(reason) = &feedback.block_reason
        {
            return Err(ProviderError::Blocked {
                provider: self.http.provider().to_owned(),
                message: feedback.describe(reason),
            });
        }
        let Some(candidate) = answer.candidates.into_iter().next() else {
            return Err(self.http.protocol("the answer has no candidates"));
        };
        let text: String = candidate
            .content
            .iter()
            .flat_map(|content| &content.parts)
            .filter(|part| !part.thought)
            .filter_map(|part| part.text.as_deref())
            .collect();
        Ok(ChatResponse {
            text,
            usage: answer
                .usage_metadata
                .as_ref()
                .map(WireUsage::normalise)
                .unwrap_or_default(),
            finish: finish(candidate.finish_reason.as_deref()),
            model: answer.model_version,
        })
    }

    async fn check(&self) -> Health {
        let mut url = self
            .http
            .endpoint(&format!("{}models", self.version_prefix));
        // One model is enough to know the key works; the page token says whether there are more.
        url.set_query(Some("pageSize=1"));
        self.http
            .probe_listing(&url, "models", Some("nextPageToken"))
            .await
    }
}
