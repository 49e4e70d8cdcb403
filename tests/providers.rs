//! The model providers against mock servers serving recorded payloads
//! (`tests/fixtures/providers/`): the exact request sent (path, auth header and nowhere else,
//! body), usage normalisation and its cost to the micro-dollar at the shipped prices, and error
//! mapping (401, 429 with Retry-After, 529/5xx, a cut answer, a blocked prompt, a bad body,
//! timeout, cancellation, redirects); then providers from config and environment, local
//! server discovery, and the probes of `switchyard check`.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers that cannot set up fail the test"
)]

#[path = "support/provider_mock.rs"]
mod mock;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use mock::{
    answer, ask, assert_key_only_in, body, fixture, fixture_json, prices, received, reply_with,
    request, serve, server, settings,
};
use serde_json::json;
use switchyard::config::model::{HttpProviderConfig, ProviderConfig};
use switchyard::delegate::money::Micros;
use switchyard::delegate::provider::anthropic::AnthropicProvider;
use switchyard::delegate::provider::build::{
    BuiltProviders, LocalServerKind, ProbeTarget, build_providers, default_probe_targets,
    probe_local,
};
use switchyard::delegate::provider::gemini::GeminiProvider;
use switchyard::delegate::provider::ollama::OllamaProvider;
use switchyard::delegate::provider::openai::OpenAiProvider;
use switchyard::delegate::provider::{FinishReason, Health, Provider, ProviderError};
use switchyard::delegate::usage::{Prices, Usage};
use switchyard_core::{CallContext, SecretRef};
use wiremock::ResponseTemplate;
use wiremock::matchers::{method, path};

const OPENAI_KEY: &str = "sk-test-openai-0123456789";
const ANTHROPIC_KEY: &str = "sk-ant-test-0123456789";
const GEMINI_KEY: &str = "AIza-test-0123456789";

fn usage(input: u64, cached: u64, output: u64, reasoning: u64) -> Usage {
    Usage {
        input_tokens: input,
        cached_input_tokens: cached,
        output_tokens: output,
        reasoning_tokens: reasoning,
    }
}

async fn openai(retries: u32) -> (wiremock::MockServer, OpenAiProvider) {
    let server = server().await;
    let base = format!("{}/v1", server.uri());
    let provider =
        OpenAiProvider::new("openai", &settings(&base, Some(OPENAI_KEY), retries)).unwrap();
    (server, provider)
}

async fn anthropic(retries: u32) -> (wiremock::MockServer, AnthropicProvider) {
    let server = server().await;
    let provider = AnthropicProvider::new(
        "anthropic",
        &settings(&server.uri(), Some(ANTHROPIC_KEY), retries),
    )
    .unwrap();
    (server, provider)
}

async fn gemini(retries: u32) -> (wiremock::MockServer, GeminiProvider) {
    let server = server().await;
    let provider = GeminiProvider::new(
        "gemini",
        &settings(&server.uri(), Some(GEMINI_KEY), retries),
    )
    .unwrap();
    (server, provider)
}

const CHAT: &str = "/v1/chat/completions";
const MESSAGES: &str = "/v1/messages";
const FLASH: &str = "/v1beta/models/gemini-2.5-flash:generateContent";

// --- OpenAI-compatible ------------------------------------------------------------------------

#[tokio::test]
async fn openai_request_usage_and_cost() {
    let (server, provider) = openai(2).await;
    reply_with(&server, CHAT, 200, "openai/chat_completion.json").await;
    let reply = ask(&provider, "gpt-4.1-mini").await.unwrap();
    assert_eq!(reply.text, "Hello! How can I assist you today?");
    assert_eq!(reply.finish, FinishReason::Stop);
    assert_eq!(reply.model.as_deref(), Some("gpt-4.1-2025-04-14"));
    assert_eq!(reply.usage, usage(19, 0, 10, 0));
    // 19 × $0.40 + 10 × $1.60 per Mtok = 23.6 µ$
    assert_eq!(prices("gpt-4.1-mini").cost(&reply.usage), Micros(24));

    let sent = received(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].url.path(), CHAT);
    assert_eq!(
        sent[0].headers.get("authorization").unwrap(),
        &format!("Bearer {OPENAI_KEY}")
    );
    assert_key_only_in(&sent[0], "authorization", OPENAI_KEY);
    let body = body(&sent[0]);
    assert_eq!(body["model"], "gpt-4.1-mini");
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "Answer in one sentence."})
    );
    assert_eq!(
        body["messages"][1],
        json!({"role": "user", "content": "Summarise the checkout incident."})
    );
    // Not api.openai.com: the bound every compatible server reads.
    assert_eq!(body["max_tokens"], 256);
    assert!(body.get("max_completion_tokens").is_none());
    assert!(body.get("temperature").is_none());
    assert_eq!(body["stream"], false);
}

#[tokio::test]
async fn openai_cached_and_reasoning_tokens_and_a_cut_answer() {
    let (server, provider) = openai(2).await;
    let cut = fixture("openai/chat_completion_length_unicode.json");
    serve(&server, CHAT, answer(200, cut), None).await;
    let reply = ask(&provider, "o4-mini").await.unwrap();
    assert_eq!(reply.finish, FinishReason::Length);
    assert!(reply.text.starts_with("Résumé 📝"));
    // prompt 1200 of which 1024 cached; completion 256 of which 192 reasoning
    assert_eq!(reply.usage, usage(176, 1024, 256, 192));
    // 176 × 1.10 + 1024 × 0.275 + 256 × 4.40 = 193.6 + 281.6 + 1126.4 = 1601.6 µ$
    assert_eq!(prices("o4-mini").cost(&reply.usage), Micros(1602));
}

#[tokio::test]
async fn openai_401_names_the_providers_message() {
    let (server, provider) = openai(2).await;
    reply_with(&server, CHAT, 401, "openai/error_401_invalid_api_key.json").await;
    let err = ask(&provider, "gpt-4.1-mini").await.unwrap_err();
    let ProviderError::Unauthorized { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.starts_with("Incorrect API key provided"),
        "{message}"
    );
    assert!(
        err.to_string()
            .starts_with("openai rejected the credentials: Incorrect API key")
    );
    assert!(!err.to_string().contains(OPENAI_KEY));
    assert_eq!(received(&server).await.len(), 1, "a 401 is not retried");
}

#[tokio::test]
async fn openai_429_waits_as_asked_then_succeeds() {
    let (server, provider) = openai(2).await;
    let limited =
        answer(429, fixture("openai/error_429_rate_limit.json")).insert_header("retry-after", "1");
    serve(&server, CHAT, limited, Some(1)).await;
    reply_with(&server, CHAT, 200, "openai/chat_completion.json").await;
    let started = Instant::now();
    let reply = ask(&provider, "gpt-4.1-mini").await;
    assert!(reply.is_ok(), "{reply:?}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was not honoured"
    );
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn openai_429_that_persists_is_rate_limited() {
    let (server, provider) = openai(1).await;
    let limited =
        answer(429, fixture("openai/error_429_rate_limit.json")).insert_header("retry-after", "1");
    serve(&server, CHAT, limited, None).await;
    let started = Instant::now();
    let err = ask(&provider, "gpt-4.1-mini").await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(received(&server).await.len(), 2, "one try and one retry");
    let ProviderError::RateLimited {
        retry_after,
        message,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(retry_after, Some(Duration::from_secs(1)));
    assert!(
        message.starts_with("Rate limit reached for gpt-4o"),
        "{message}"
    );
}

#[tokio::test]
async fn openai_exhausted_quota_is_not_retried() {
    let (server, provider) = openai(2).await;
    reply_with(
        &server,
        CHAT,
        429,
        "openai/error_429_insufficient_quota.json",
    )
    .await;
    let err = ask(&provider, "gpt-4.1-mini").await.unwrap_err();
    assert!(
        matches!(
            err,
            ProviderError::RateLimited {
                retry_after: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("exceeded your current quota"));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn openai_refused_request_and_5xx() {
    let (server, provider) = openai(2).await;
    reply_with(&server, CHAT, 400, "openai/error_400_context_length.json").await;
    let err = ask(&provider, "gpt-4.1-mini").await.unwrap_err();
    let ProviderError::Rejected {
        status: 400,
        message,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert!(message.contains("maximum context length is 128000 tokens"));

    let (server, provider) = openai(2).await;
    let down = ResponseTemplate::new(503).set_body_string("upstream connect error\nor disconnect");
    serve(&server, CHAT, down, None).await;
    let err = ask(&provider, "gpt-4.1-mini").await.unwrap_err();
    assert_eq!(received(&server).await.len(), 3, "one try and two retries");
    let ProviderError::Unavailable {
        status: 503,
        message,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(message, "upstream connect error or disconnect");
}

#[tokio::test]
async fn openai_error_inside_a_200_answer() {
    let (server, provider) = openai(2).await;
    let body = json!({"error": {"message": "upstream provider overloaded", "code": 502}});
    serve(&server, CHAT, answer(200, body.to_string()), None).await;
    let err = ask(&provider, "gpt-4.1-mini").await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Unavailable { status: 502, message, .. } if message == "upstream provider overloaded"),
        "{err:?}"
    );
}

#[tokio::test]
async fn openai_content_filter_blocks_and_refusals() {
    // Azure OpenAI's answer to a prompt its filter flags.
    let (server, provider) = openai(2).await;
    let filtered = json!({"error": {
        "message": "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
        "type": null, "param": "prompt", "code": "content_filter", "status": 400,
        "innererror": {"code": "ResponsibleAIPolicyViolation"}
    }});
    serve(&server, CHAT, answer(400, filtered.to_string()), None).await;
    let err = ask(&provider, "gpt-4.1-mini").await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Blocked { message, .. } if message.starts_with("The response was filtered")),
        "{err:?}"
    );

    // A structured refusal is an answer stopped by the filter, in the model's words.
    let (server, provider) = openai(2).await;
    let mut refusal = fixture_json("openai/chat_completion.json");
    refusal["choices"][0]["message"]["content"] = json!(null);
    refusal["choices"][0]["message"]["refusal"] = json!("I can't help with that.");
    serve(&server, CHAT, answer(200, refusal.to_string()), None).await;
    let reply = ask(&provider, "gpt-4.1-mini").await.unwrap();
    assert_eq!(
        (reply.text.as_str(), reply.finish),
        ("I can't help with that.", FinishReason::ContentFilter)
    );
}

#[tokio::test]
async fn unparseable_answer_is_a_protocol_error() {
    let (server, provider) = openai(2).await;
    serve(
        &server,
        CHAT,
        answer(200, "{\"choices\": [ truncated"),
        None,
    )
    .await;
    let err = ask(&provider, "gpt-4.1-mini").await.unwrap_err();
    assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn the_deadline_and_the_request_timeout_end_the_call() {
    let (server, provider) = openai(2).await;
    let slow =
        answer(200, fixture("openai/chat_completion.json")).set_delay(Duration::from_secs(5));
    serve(&server, CHAT, slow, None).await;
    let ctx = CallContext::for_tests().with_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let err = provider
        .complete(&request("gpt-4.1-mini"), &ctx)
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(received(&server).await.len(), 1, "a timeout is not retried");

    let base = format!("{}/v1", server.uri());
    let short = settings(&base, None, 2).with_timeout(Duration::from_millis(300));
    let provider = OpenAiProvider::new("local", &short).unwrap();
    let err = ask(&provider, "m").await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::Timeout {
            provider: "local".into(),
            seconds: 1
        }
    );
}

#[tokio::test]
async fn cancellation_ends_the_call_at_once() {
    let (server, provider) = openai(2).await;
    let slow =
        answer(200, fixture("openai/chat_completion.json")).set_delay(Duration::from_secs(5));
    serve(&server, CHAT, slow, None).await;
    let ctx = CallContext::for_tests();
    let token = ctx.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        token.cancel();
    });
    let started = Instant::now();
    let err = provider
        .complete(&request("gpt-4.1-mini"), &ctx)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::Cancelled {
            provider: "openai".into()
        }
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_the_key_stays_home() {
    let (server, provider) = openai(2).await;
    let elsewhere = mock::server().await;
    let moved = ResponseTemplate::new(307).insert_header(
        "location",
        format!("{}/v1/chat/completions", elsewhere.uri()),
    );
    serve(&server, CHAT, moved, None).await;
    reply_with(&elsewhere, CHAT, 200, "openai/chat_completion.json").await;
    let err = ask(&provider, "gpt-4.1-mini").await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Transport { message, .. } if message.contains("redirect")),
        "{err:?}"
    );
    assert!(
        received(&elsewhere).await.is_empty(),
        "the redirect was followed"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/v1");
    let provider = OpenAiProvider::new("local", &settings(&base, None, 1)).unwrap();
    let err = ask(&provider, "m").await.unwrap_err();
    let ProviderError::Transport { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(err.to_string().starts_with("cannot reach local: "));
}

// --- Anthropic --------------------------------------------------------------------------------

#[tokio::test]
async fn anthropic_request_usage_and_cost() {
    let (server, provider) = anthropic(2).await;
    reply_with(&server, MESSAGES, 200, "anthropic/messages.json").await;
    let reply = ask(&provider, "claude-sonnet-4-5").await.unwrap();
    assert_eq!(reply.text, "Hi! My name is Claude.");
    assert_eq!(reply.finish, FinishReason::Stop);
    assert_eq!(reply.usage, usage(2095, 0, 503, 0));
    // 2095 × $3 + 503 × $15 per Mtok
    assert_eq!(
        prices("claude-sonnet-4-5").cost(&reply.usage),
        Micros(13_830)
    );

    let sent = received(&server).await;
    assert_eq!(sent[0].url.path(), MESSAGES);
    assert_eq!(sent[0].headers.get("x-api-key").unwrap(), ANTHROPIC_KEY);
    assert_eq!(
        sent[0].headers.get("anthropic-version").unwrap(),
        "2023-06-01"
    );
    assert!(sent[0].headers.get("authorization").is_none());
    assert_key_only_in(&sent[0], "x-api-key", ANTHROPIC_KEY);
    let body = body(&sent[0]);
    assert_eq!(body["model"], "claude-sonnet-4-5");
    assert_eq!(body["max_tokens"], 256);
    assert_eq!(body["system"], "Answer in one sentence.");
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": "Summarise the checkout incident."}])
    );
}

#[tokio::test]
async fn anthropic_cache_counts_and_a_cut_answer() {
    let (server, provider) = anthropic(2).await;
    reply_with(
        &server,
        MESSAGES,
        200,
        "anthropic/messages_thinking_max_tokens.json",
    )
    .await;
    let reply = ask(&provider, "claude-sonnet-4-5").await.unwrap();
    assert_eq!(reply.finish, FinishReason::Length);
    assert_eq!(
        reply.text, "Résumé: l'incident a commencé à 03:00 UTC — 日本語の",
        "thinking is not text"
    );
    // cache writes are input: 1534 + 1200
    assert_eq!(reply.usage, usage(2734, 0, 1024, 0));
    assert_eq!(
        prices("claude-sonnet-4-5").cost(&reply.usage),
        Micros(23_562)
    );

    let (server, provider) = anthropic(2).await;
    reply_with(&server, MESSAGES, 200, "anthropic/messages_tool_use.json").await;
    let reply = ask(&provider, "claude-sonnet-4-5").await.unwrap();
    assert_eq!(reply.finish, FinishReason::Other("tool_use".into()));
    assert_eq!(reply.usage, usage(472, 2048, 91, 0));
    // 472 × 3 + 2048 × 0.30 + 91 × 15 = 1416 + 614.4 + 1365 = 3395.4 µ$
    assert_eq!(
        prices("claude-sonnet-4-5").cost(&reply.usage),
        Micros(3_395)
    );
}

#[tokio::test]
async fn anthropic_errors() {
    let (server, provider) = anthropic(1).await;
    reply_with(
        &server,
        MESSAGES,
        401,
        "anthropic/error_401_authentication.json",
    )
    .await;
    let err = ask(&provider, "claude-sonnet-4-5").await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            provider: "anthropic".into(),
            message: "invalid x-api-key".into()
        }
    );

    let (server, provider) = anthropic(1).await;
    let limited = answer(429, fixture("anthropic/error_429_rate_limit.json"))
        .insert_header("retry-after", "1");
    serve(&server, MESSAGES, limited, None).await;
    let started = Instant::now();
    let err = ask(&provider, "claude-sonnet-4-5").await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(received(&server).await.len(), 2);
    assert!(
        matches!(
            err,
            ProviderError::RateLimited {
                retry_after: Some(_),
                ..
            }
        ),
        "{err:?}"
    );

    let (server, provider) = anthropic(2).await;
    reply_with(
        &server,
        MESSAGES,
        529,
        "anthropic/error_529_overloaded.json",
    )
    .await;
    let err = ask(&provider, "claude-sonnet-4-5").await.unwrap_err();
    assert_eq!(received(&server).await.len(), 3, "529 is retried");
    assert_eq!(
        err,
        ProviderError::Unavailable {
            provider: "anthropic".into(),
            status: 529,
            message: "Overloaded".into()
        }
    );
}

// --- Gemini -----------------------------------------------------------------------------------

#[tokio::test]
async fn gemini_request_usage_and_cost() {
    let (server, provider) = gemini(2).await;
    reply_with(&server, FLASH, 200, "gemini/generate_content.json").await;
    let reply = ask(&provider, "gemini-2.5-flash").await.unwrap();
    assert!(reply.text.starts_with("AI learns patterns"));
    assert_eq!(reply.model.as_deref(), Some("gemini-2.5-flash"));
    // thoughts are beside the candidates: output 120 + 918
    assert_eq!(reply.usage, usage(8, 0, 1038, 918));
    // 8 × $0.30 + 1038 × $2.50 per Mtok = 2597.4 µ$
    assert_eq!(prices("gemini-2.5-flash").cost(&reply.usage), Micros(2_597));

    let sent = received(&server).await;
    assert_eq!(sent[0].url.path(), FLASH);
    assert_eq!(sent[0].url.query(), None, "the key never goes in the URL");
    assert_key_only_in(&sent[0], "x-goog-api-key", GEMINI_KEY);
    let body = body(&sent[0]);
    assert_eq!(
        body["contents"],
        json!([{"role": "user", "parts": [{"text": "Summarise the checkout incident."}]}])
    );
    assert_eq!(
        body["systemInstruction"],
        json!({"parts": [{"text": "Answer in one sentence."}]})
    );
    assert_eq!(body["generationConfig"], json!({"maxOutputTokens": 256}));
}

#[tokio::test]
async fn gemini_cached_tokens_are_inside_the_prompt_count() {
    let (server, provider) = gemini(2).await;
    let mut cached = fixture_json("gemini/generate_content.json");
    cached["usageMetadata"]["cachedContentTokenCount"] = json!(6);
    serve(&server, FLASH, answer(200, cached.to_string()), None).await;
    let reply = ask(&provider, "gemini-2.5-flash").await.unwrap();
    assert_eq!(reply.usage, usage(2, 6, 1038, 918));
    // 2 × 0.30 + 6 × 0.03 + 1038 × 2.50 = 0.6 + 0.18 + 2595 = 2595.78 µ$
    assert_eq!(prices("gemini-2.5-flash").cost(&reply.usage), Micros(2_596));
}

#[tokio::test]
async fn gemini_thinking_spent_the_budget_and_a_blocked_prompt() {
    let (server, provider) = gemini(2).await;
    let route = "/v1beta/models/gemini-2.5-pro:generateContent";
    serve(
        &server,
        route,
        answer(
            200,
            fixture("gemini/generate_content_max_tokens_no_parts.json"),
        ),
        None,
    )
    .await;
    let reply = ask(&provider, "gemini-2.5-pro").await.unwrap();
    assert_eq!(
        (reply.text.as_str(), &reply.finish),
        ("", &FinishReason::Length)
    );
    assert_eq!(reply.usage, usage(12, 0, 511, 511));
    assert_eq!(prices("gemini-2.5-pro").cost(&reply.usage), Micros(5_125));

    let (server, provider) = gemini(2).await;
    reply_with(
        &server,
        FLASH,
        200,
        "gemini/generate_content_blocked_prompt.json",
    )
    .await;
    let err = ask(&provider, "gemini-2.5-flash").await.unwrap_err();
    let ProviderError::Blocked { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        message,
        "block reason SAFETY (HARM_CATEGORY_HATE_SPEECH: HIGH)"
    );
}

#[tokio::test]
async fn gemini_errors() {
    let (server, provider) = gemini(2).await;
    reply_with(&server, FLASH, 400, "gemini/error_400_api_key_invalid.json").await;
    let err = ask(&provider, "gemini-2.5-flash").await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Unauthorized { message, .. } if message == "API key not valid. Please pass a valid API key."),
        "{err:?}"
    );

    // RetryInfo asks for 39 s: more than is waited, so the router can fall back at once.
    let (server, provider) = gemini(2).await;
    reply_with(
        &server,
        FLASH,
        429,
        "gemini/error_429_resource_exhausted.json",
    )
    .await;
    let err = ask(&provider, "gemini-2.5-flash").await.unwrap_err();
    assert!(
        matches!(err, ProviderError::RateLimited { retry_after: Some(wait), .. } if wait == Duration::from_secs(39)),
        "{err:?}"
    );
    assert_eq!(received(&server).await.len(), 1);

    let (server, provider) = gemini(2).await;
    let route = "/v1beta/models/gemini-1.0-pro:generateContent";
    reply_with(&server, route, 404, "gemini/error_404_model_not_found.json").await;
    let err = ask(&provider, "models/gemini-1.0-pro").await.unwrap_err();
    assert!(
        matches!(err, ProviderError::Rejected { status: 404, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn gemini_model_ids_are_one_encoded_path_segment() {
    let (server, provider) = gemini(0).await;
    let _ = ask(&provider, "tuned/odd model?x").await;
    let sent = received(&server).await;
    assert_eq!(
        sent[0].url.path(),
        "/v1beta/models/tuned%2Fodd%20model%3Fx:generateContent"
    );
    assert_eq!(sent[0].url.query(), None);
}

// --- Ollama -----------------------------------------------------------------------------------

#[tokio::test]
async fn ollama_request_usage_and_errors() {
    let server = server().await;
    let provider = OllamaProvider::new("ollama", &settings(&server.uri(), None, 2)).unwrap();
    serve(
        &server,
        "/api/chat",
        answer(200, fixture("ollama/chat.json")),
        Some(1),
    )
    .await;
    let reply = ask(&provider, "llama3.2").await.unwrap();
    assert_eq!(reply.text, "Hello! How are you today?");
    assert_eq!(reply.usage, usage(26, 0, 298, 0));
    assert_eq!(Prices::default().cost(&reply.usage), Micros::ZERO);
    let sent = received(&server).await;
    assert!(sent[0].headers.get("authorization").is_none());
    let body = body(&sent[0]);
    assert_eq!(body["model"], "llama3.2");
    assert_eq!(body["stream"], false);
    assert_eq!(body["options"]["num_predict"], 256);
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "Answer in one sentence."})
    );
    assert_eq!(body["messages"][1]["role"], "user");

    let mut cut = fixture_json("ollama/chat.json");
    cut["done_reason"] = json!("length");
    serve(&server, "/api/chat", answer(200, cut.to_string()), Some(1)).await;
    let reply = ask(&provider, "llama3.2").await.unwrap();
    assert_eq!(reply.finish, FinishReason::Length);

    reply_with(
        &server,
        "/api/chat",
        404,
        "ollama/error_model_not_found.json",
    )
    .await;
    let err = ask(&provider, "llama3.3:70b").await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Rejected { status: 404, message, .. } if message.ends_with("try pulling it first")),
        "{err:?}"
    );
    assert_eq!(
        received(&server).await.len(),
        3,
        "a missing model is not retried"
    );
}

// --- Providers from config and environment ----------------------------------------------------

fn http_config(base_url: &str, key: Option<&str>) -> HttpProviderConfig {
    HttpProviderConfig {
        base_url: base_url.to_owned(),
        api_key: key.map(|name| SecretRef::Env(name.to_owned())),
        timeout_secs: 5,
        max_retries: 0,
    }
}

#[test]
fn keys_in_the_environment_make_built_in_providers() {
    let env = |name: &str| match name {
        "OPENAI_API_KEY" => Some("sk-env".to_owned()),
        "GEMINI_API_KEY" => Some("AIza-env".to_owned()),
        "ANTHROPIC_API_KEY" => Some("  ".to_owned()),
        _ => None,
    };
    let BuiltProviders {
        providers, issues, ..
    } = build_providers(&BTreeMap::new(), &env);
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(providers.ids().collect::<Vec<_>>(), ["gemini", "openai"]);
    assert_eq!(providers.get("gemini").unwrap().kind(), "gemini");
    let providers = build_providers(&BTreeMap::new(), &|_| None).providers;
    assert!(providers.is_empty());
}

#[tokio::test]
async fn a_configured_provider_wins_over_the_environment() {
    let server = server().await;
    reply_with(&server, CHAT, 200, "openai/chat_completion.json").await;
    let mut config = BTreeMap::new();
    let base = format!("{}/v1", server.uri());
    config.insert(
        "openai".to_owned(),
        ProviderConfig::Openai(http_config(&base, Some("PROXY_KEY"))),
    );
    let env = |name: &str| match name {
        "OPENAI_API_KEY" => Some("sk-env".to_owned()),
        "PROXY_KEY" => Some("sk-proxy".to_owned()),
        _ => None,
    };
    let BuiltProviders {
        providers, issues, ..
    } = build_providers(&config, &env);
    assert!(issues.is_empty(), "{issues:?}");
    let provider = providers.get("openai").unwrap();
    ask(provider.as_ref(), "gpt-4.1-mini").await.unwrap();
    assert_key_only_in(&received(&server).await[0], "authorization", "sk-proxy");
}

#[test]
fn every_config_problem_is_reported_with_its_key_and_no_secret() {
    let mut config = BTreeMap::new();
    config.insert(
        "vllm".to_owned(),
        ProviderConfig::Openai(http_config("http://127.0.0.1:8000/v1", Some("MISSING_KEY"))),
    );
    config.insert(
        "remote".to_owned(),
        ProviderConfig::Ollama(http_config("http://gpu-box:11434", Some("REMOTE_KEY"))),
    );
    let mut slow = http_config("ftp://example.com", None);
    slow.timeout_secs = 0;
    config.insert("odd".to_owned(), ProviderConfig::Anthropic(slow));
    let env = |name: &str| (name == "REMOTE_KEY").then(|| "sk-remote-secret".to_owned());
    let BuiltProviders {
        providers,
        issues,
        missing_keys,
    } = build_providers(&config, &env);
    assert!(providers.is_empty());
    let found: Vec<(&str, &str)> = issues
        .iter()
        .map(|i| (i.key.as_str(), i.message.as_str()))
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    // An unset key variable leaves its provider out without stopping the server.
    assert_eq!(missing_keys.len(), 1, "{missing_keys:?}");
    assert_eq!(
        (
            missing_keys[0].key.as_str(),
            missing_keys[0].message.as_str()
        ),
        (
            "providers.vllm.api_key",
            "environment variable MISSING_KEY is not set"
        )
    );
    assert!(
        found
            .iter()
            .any(|(key, message)| *key == "providers.remote.base_url"
                && message.contains("unencrypted to gpu-box"))
    );
    assert!(
        found
            .iter()
            .any(|(key, _)| *key == "providers.odd.base_url")
    );
    assert!(
        found
            .iter()
            .any(|(key, _)| *key == "providers.odd.timeout_secs")
    );
    assert!(
        found
            .iter()
            .all(|(_, message)| !message.contains("sk-remote-secret"))
    );
}

#[test]
fn a_key_from_a_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("key");
    std::fs::write(&file, "sk-file\n").unwrap();
    let mut config = BTreeMap::new();
    let mut http = http_config("https://api.anthropic.com", None);
    http.api_key = Some(SecretRef::File(file));
    config.insert("claude".to_owned(), ProviderConfig::Anthropic(http));
    let BuiltProviders {
        providers, issues, ..
    } = build_providers(&config, &|_| None);
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(providers.get("claude").unwrap().kind(), "anthropic");
}

// --- Local servers ----------------------------------------------------------------------------

#[tokio::test]
async fn local_servers_are_found_with_their_models() {
    let ollama = server().await;
    let tags = json!({"models": [{"name": "llama3.2:latest", "model": "llama3.2:latest"}, {"name": "qwen2.5-coder:7b"}]});
    wiremock::Mock::given(method("GET"))
        .and(path("/api/tags"))
        .respond_with(answer(200, tags.to_string()))
        .mount(&ollama)
        .await;
    let llama = server().await;
    let models = json!({"object": "list", "data": [{"id": "qwen2.5-coder-7b-instruct-q4_k_m.gguf", "object": "model"}]});
    wiremock::Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(answer(200, models.to_string()))
        .mount(&llama)
        .await;
    let stuck = server().await;
    wiremock::Mock::given(method("GET"))
        .respond_with(answer(200, "{}").set_delay(Duration::from_secs(5)))
        .mount(&stuck)
        .await;
    let other = server().await; // something else on the port: 404 everywhere
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    let target = |kind, base_url: String| ProbeTarget { kind, base_url };
    let targets = [
        target(LocalServerKind::Ollama, ollama.uri()),
        target(LocalServerKind::LlamaCpp, format!("{}/v1", llama.uri())),
        target(LocalServerKind::LmStudio, format!("{}/v1", stuck.uri())),
        target(LocalServerKind::Vllm, format!("{}/v1", other.uri())),
        target(
            LocalServerKind::Vllm,
            format!("http://127.0.0.1:{closed}/v1"),
        ),
    ];
    let started = Instant::now();
    let found = probe_local(&targets, Duration::from_millis(300)).await;
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "probes run in parallel with a short timeout"
    );
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].kind, LocalServerKind::Ollama);
    assert_eq!(found[0].base_url, ollama.uri());
    assert_eq!(found[0].models, ["llama3.2:latest", "qwen2.5-coder:7b"]);
    assert_eq!(found[1].kind, LocalServerKind::LlamaCpp);
    assert_eq!(found[1].models, ["qwen2.5-coder-7b-instruct-q4_k_m.gguf"]);

    // A discovered server becomes a provider that talks to it.
    let provider = found[1].provider().unwrap();
    assert_eq!((provider.id(), provider.kind()), ("llamacpp", "openai"));
    reply_with(&llama, CHAT, 200, "openai/chat_completion.json").await;
    ask(provider.as_ref(), "qwen2.5-coder-7b-instruct-q4_k_m.gguf")
        .await
        .unwrap();
}

#[test]
fn the_default_probes_are_the_well_known_loopback_ports() {
    let urls: Vec<String> = default_probe_targets()
        .into_iter()
        .map(|t| t.base_url)
        .collect();
    assert_eq!(
        urls,
        [
            "http://127.0.0.1:11434",
            "http://127.0.0.1:8080/v1",
            "http://127.0.0.1:1234/v1",
            "http://127.0.0.1:8000/v1"
        ]
    );
}

// --- Probes (`switchyard check`) --------------------------------------------------------------

/// Serve `body` with `status` for `GET route`.
async fn serve_get(server: &wiremock::MockServer, route: &str, status: u16, body: &str) {
    wiremock::Mock::given(method("GET"))
        .and(path(route))
        .respond_with(answer(status, body))
        .mount(server)
        .await;
}

/// The one request a probe sent: a GET of `route`.
async fn probed(server: &wiremock::MockServer, route: &str) -> wiremock::Request {
    let mut sent = received(server).await;
    assert_eq!(sent.len(), 1, "a probe is one request, never retried");
    let request = sent.remove(0);
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), route);
    request
}

#[tokio::test]
async fn probes_list_models_with_each_providers_own_auth() {
    let (server, provider) = openai(2).await;
    serve_get(
        &server,
        "/v1/models",
        200,
        r#"{"object": "list", "data": [{"id": "a"}, {"id": "b"}]}"#,
    )
    .await;
    let health = provider.check().await;
    assert_eq!(
        health,
        Health::Ok {
            models: 2,
            more: false
        }
    );
    assert_eq!(health.to_string(), "ok (2 models)");
    let sent = probed(&server, "/v1/models").await;
    assert_eq!(
        sent.headers.get("authorization").unwrap(),
        &format!("Bearer {OPENAI_KEY}")
    );
    assert_key_only_in(&sent, "authorization", OPENAI_KEY);

    let (server, provider) = anthropic(2).await;
    serve_get(
        &server,
        "/v1/models",
        200,
        r#"{"data": [{"id": "claude-sonnet-4-5"}], "has_more": true}"#,
    )
    .await;
    assert_eq!(provider.check().await.to_string(), "ok (1+ models)");
    let sent = probed(&server, "/v1/models").await;
    assert_eq!(sent.headers.get("anthropic-version").unwrap(), "2023-06-01");
    assert_key_only_in(&sent, "x-api-key", ANTHROPIC_KEY);

    let (server, provider) = gemini(2).await;
    serve_get(
        &server,
        "/v1beta/models",
        200,
        r#"{"models": [{"name": "models/gemini-2.5-flash"}], "nextPageToken": "x"}"#,
    )
    .await;
    assert_eq!(
        provider.check().await,
        Health::Ok {
            models: 1,
            more: true
        }
    );
    let sent = probed(&server, "/v1beta/models").await;
    assert_eq!(sent.url.query(), Some("pageSize=1"));
    assert_key_only_in(&sent, "x-goog-api-key", GEMINI_KEY);

    let server = mock::server().await;
    let provider = OllamaProvider::new("ollama", &settings(&server.uri(), None, 2)).unwrap();
    serve_get(
        &server,
        "/api/tags",
        200,
        r#"{"models": [{"name": "llama3.2:latest"}]}"#,
    )
    .await;
    assert_eq!(provider.check().await.to_string(), "ok (1 model)");
    let sent = probed(&server, "/api/tags").await;
    assert!(sent.headers.get("authorization").is_none());
}

#[tokio::test]
async fn a_rejected_key_is_reported_without_the_key() {
    let (server, provider) = openai(2).await;
    let echo = format!(
        r#"{{"error": {{"message": "Incorrect API key provided: {OPENAI_KEY}", "code": "invalid_api_key"}}}}"#
    );
    serve_get(&server, "/v1/models", 401, &echo).await;
    let health = provider.check().await;
    let text = health.to_string();
    assert!(matches!(health, Health::KeyRejected(_)), "{health:?}");
    assert!(
        text.starts_with("key rejected: Incorrect API key provided"),
        "{text}"
    );
    assert!(!text.contains(OPENAI_KEY), "{text}");
    assert!(!health.is_healthy());
    probed(&server, "/v1/models").await;

    let (server, provider) = anthropic(2).await;
    serve_get(
        &server,
        "/v1/models",
        403,
        r#"{"type": "error", "error": {"type": "permission_error", "message": "not allowed"}}"#,
    )
    .await;
    assert!(matches!(provider.check().await, Health::KeyRejected(_)));

    // Gemini refuses a bad key with a 400 that names the reason.
    let (server, provider) = gemini(2).await;
    serve_get(
        &server,
        "/v1beta/models",
        400,
        &fixture("gemini/error_400_api_key_invalid.json"),
    )
    .await;
    assert!(matches!(provider.check().await, Health::KeyRejected(_)));

    // A server that is not a model API (wrong base_url) is not healthy either.
    let (server, provider) = openai(2).await;
    serve_get(&server, "/v1/models", 200, r#"{"status": "ok"}"#).await;
    let health = provider.check().await;
    assert!(
        health.to_string().contains("without a model list"),
        "{health}"
    );
    assert!(!health.is_healthy());
}

#[tokio::test]
async fn an_unreachable_or_silent_provider_is_reported_within_the_bound() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/v1");
    let provider = OpenAiProvider::new("local", &settings(&base, None, 2)).unwrap();
    let text = provider.check().await.to_string();
    assert!(
        text.starts_with(&format!("unreachable: http://127.0.0.1:{port}")),
        "{text}"
    );

    // The probe takes at most its bound (or the provider's shorter request timeout).
    let server = server().await;
    wiremock::Mock::given(method("GET"))
        .and(path("/api/tags"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let quick = settings(&server.uri(), None, 2).with_timeout(Duration::from_secs(1));
    let provider = OllamaProvider::new("ollama", &quick).unwrap();
    let started = Instant::now();
    let health = provider.check().await;
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(health.to_string(), "unreachable: no answer within 1 s");
}

#[tokio::test]
async fn switchyard_check_probes_every_provider_and_fails_on_one() {
    use switchyard::app::{App, Overrides};
    use switchyard::config::{ConfigSource, Loaded, load::parse};

    let good = server().await;
    serve_get(&good, "/v1/models", 200, r#"{"data": [{"id": "m"}]}"#).await;
    let bad = server().await;
    serve_get(&bad, "/v1/models", 401, r#"{"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}"#).await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, ANTHROPIC_KEY).unwrap();
    // Every built-in id is configured, so no key in the test's environment adds a provider;
    // "gemini" here is an Ollama without its /api/tags (a wrong base_url).
    let toml = format!(
        r#"
[notes]
enabled = false
[providers.openai]
type = "openai"
base_url = "{}/v1"
[providers.anthropic]
type = "anthropic"
base_url = "{}"
api_key = "file:{}"
[providers.gemini]
type = "ollama"
base_url = "{}"
[providers.unset]
type = "openai"
base_url = "{}/v1"
api_key = "env:SWITCHYARD_TEST_NEVER_SET_KEY"
"#,
        good.uri(),
        bad.uri(),
        key_file.display(),
        good.uri(),
        good.uri()
    );
    let config = parse(&toml).unwrap();
    let overrides = Overrides {
        data_dir: Some(dir.path().join("data")),
        ..Overrides::default()
    };
    let app = App::build(
        Loaded::from_config(config, ConfigSource::Embedded),
        &overrides,
    )
    .await
    .unwrap();
    let mut out = Vec::new();
    let healthy = switchyard::cli::check::run(&app, &mut out).await.unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!healthy, "{text}");
    assert!(text.contains("provider   kind       status"), "{text}");
    assert!(
        text.contains("openai     openai     ok (1 model)"),
        "{text}"
    );
    assert!(
        text.contains("anthropic  anthropic  key rejected: invalid x-api-key"),
        "{text}"
    );
    assert!(text.contains("gemini     ollama     failed: "), "{text}");
    // Left out with a warning when serving; a failure for check.
    assert!(
        text.contains(
            "unset      openai     key missing: env:SWITCHYARD_TEST_NEVER_SET_KEY is not set"
        ),
        "{text}"
    );
    assert!(!text.contains(ANTHROPIC_KEY), "{text}");
    assert_key_only_in(&received(&bad).await[0], "x-api-key", ANTHROPIC_KEY);
}
