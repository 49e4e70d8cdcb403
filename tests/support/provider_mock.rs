//! Helpers of the provider tests: fixtures, settings against a mock server, a standard request,
//! shipped prices, and checks on what was sent.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;
use switchyard::delegate::catalog::Catalog;
use switchyard::delegate::provider::http::{HttpSettings, install_crypto_provider};
use switchyard::delegate::provider::{
    ChatMessage, ChatRequest, ChatResponse, ChatRole, Preferences, Provider, ProviderError,
};
use switchyard::delegate::usage::Prices;
use switchyard_core::{CallContext, Secret};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A fixture's text (`openai/chat_completion.json`).
pub fn fixture(name: &str) -> String {
    let file = format!(
        "{}/tests/fixtures/providers/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&file).unwrap_or_else(|err| panic!("{file}: {err}"))
}

/// A fixture as JSON, to change before serving.
pub fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// A JSON answer with `status`.
pub fn answer(status: u16, body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into(), "application/json")
}

/// A mock server with the crypto provider installed.
pub async fn server() -> MockServer {
    install_crypto_provider();
    MockServer::start().await
}

/// Serve `template` for `POST route`, at most `times` times when given.
pub async fn serve(
    server: &MockServer,
    route: &str,
    template: ResponseTemplate,
    times: Option<u64>,
) {
    let mock = Mock::given(method("POST"))
        .and(path(route))
        .respond_with(template);
    let mock = match times {
        Some(times) => mock.up_to_n_times(times),
        None => mock,
    };
    mock.mount(server).await;
}

/// Serve fixture `name` with `status` for every `POST route`.
pub async fn reply_with(server: &MockServer, route: &str, status: u16, name: &str) {
    serve(server, route, answer(status, fixture(name)), None).await;
}

/// Settings for `base_url` with `key`: 5 s per request, `retries` retries.
pub fn settings(base_url: &str, key: Option<&str>, retries: u32) -> HttpSettings {
    HttpSettings::new(base_url, key.map(Secret::new))
        .unwrap()
        .with_timeout(Duration::from_secs(5))
        .with_max_retries(retries)
}

/// The request every test sends.
pub fn request(model: &str) -> ChatRequest {
    ChatRequest {
        model: model.to_owned(),
        system: Some("Answer in one sentence.".to_owned()),
        messages: vec![ChatMessage {
            role: ChatRole::User,
            content: "Summarise the checkout incident.".to_owned(),
        }],
        max_output_tokens: 256,
        temperature: None,
        preferences: Preferences::default(),
    }
}

/// Send the standard request for `model` with a fresh 30 s context.
pub async fn ask(provider: &dyn Provider, model: &str) -> Result<ChatResponse, ProviderError> {
    provider
        .complete(&request(model), &CallContext::for_tests())
        .await
}

/// The shipped catalog's prices of `model`.
pub fn prices(model: &str) -> Prices {
    let (catalog, issues) = Catalog::build(&BTreeMap::new(), None);
    assert!(issues.is_empty(), "{issues:?}");
    catalog.get(model).unwrap().prices
}

/// Every request the server received.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

/// The body of a request as JSON.
pub fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

/// The key is in `header` and nowhere else: no other header, not the URL, not the body.
pub fn assert_key_only_in(request: &Request, header: &str, key: &str) {
    let mut found = false;
    for (name, value) in &request.headers {
        let value = String::from_utf8_lossy(value.as_bytes());
        if name.as_str() == header {
            found = value.contains(key);
        } else {
            assert!(!value.contains(key), "header {name} carries the key");
        }
    }
    assert!(found, "the key is not in {header}");
    assert!(
        !request.url.as_str().contains(key),
        "the URL carries the key"
    );
    assert!(
        !String::from_utf8_lossy(&request.body).contains(key),
        "the body carries the key"
    );
}
