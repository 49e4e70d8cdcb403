//! The MCP client's own model as a delegation provider, through sampling
//! (`sampling/createMessage`), for clients that declared the capability: directly in a
//! handshake-era session, and through an input-required result (a second round trip carrying
//! the client's answer) for 2026-07-28 clients, which forbid server-to-client requests.
//!
//! The caller's priorities become the request's model preferences, so the client can pick its
//! own model accordingly. Clients report no token counts; the delegation estimates them.

// SEP-2577 deprecates sampling for 2026-07-28; handshake-era clients still lend their model
// through it, which is what this file is for.
#![expect(deprecated, reason = "sampling serves handshake-era clients")]

use async_trait::async_trait;
use rmcp::RoleServer;
use std::sync::{Arc, Mutex};

use rmcp::model::{
    CreateMessageRequestParams, CreateMessageResult, ModelHint, ModelPreferences, SamplingMessage,
};
use rmcp::service::{Peer, RequestContext};
use switchyard_core::CallContext;

use crate::delegate::engine::CLIENT_MODEL;
use crate::delegate::provider::{
    ChatRequest, ChatResponse, ChatRole, FinishReason, Health, Provider, ProviderError,
};
use crate::delegate::usage::Usage;

/// The key of our sampling request in an input-required result (2026-07-28).
pub const INPUT_KEY: &str = "delegate_sampling";

/// The client's model exists only inside a session, so `switchyard check` has nothing to probe.
const NOT_CHECKABLE: Health = Health::NotCheckable("the client's model, lent per request");

/// How the client's model can be reached for this request, if at all.
pub enum ClientModel {
    /// It cannot (the client declared no sampling).
    Unavailable,
    /// Directly, by a request to the client in the same session (handshake era).
    Direct(Arc<ClientSampler>),
    /// In a second round trip: the request is kept and sent as an input-required result.
    Deferred(Arc<DeferredSampler>),
    /// The client has answered the round trip; its answer is replayed.
    Replay(Arc<ReplaySampler>),
}

impl ClientModel {
    /// The client model for this request. `input_responses` and `request_state` are those of
    /// a 2026-07-28 retry, which must carry the [`request_state`] of the same `args`.
    pub fn for_request(
        context: &RequestContext<RoleServer>,
        input_responses: Option<&serde_json::Map<String, serde_json::Value>>,
        request_state: Option<&str>,
        args: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<ClientModel, String> {
        let Some(version) = context.protocol_version() else {
            return Ok(ClientModel::Unavailable);
        };
        let declared = context
            .client_capabilities()
            .is_some_and(|caps| caps.sampling.is_some());
        if !declared {
            return Ok(ClientModel::Unavailable);
        }
        if version.as_str() < "2026-07-28" {
            return Ok(ClientModel::Direct(Arc::new(ClientSampler {
                peer: context.peer.clone(),
            })));
        }
        match input_responses.and_then(|responses| responses.get(INPUT_KEY)) {
            Some(answer) => {
                // Computed only here and for an input-required answer: hashing the arguments
                // of every call would cost every call.
                if request_state != Some(self::request_state(args).as_str()) {
                    return Err(
                        "requestState does not match these arguments; retry with the requestState of the input-required result and the same arguments".to_owned(),
                    );
                }
                Ok(ClientModel::Replay(Arc::new(ReplaySampler {
                    answer: answer.clone(),
                })))
            }
            None => Ok(ClientModel::Deferred(Arc::new(DeferredSampler::default()))),
        }
    }

    /// The provider to lend the delegation, if any.
    pub fn provider(&self) -> Option<Arc<dyn Provider>> {
        match self {
            ClientModel::Unavailable => None,
            ClientModel::Direct(sampler) => Some(Arc::clone(sampler) as Arc<dyn Provider>),
            ClientModel::Deferred(sampler) => Some(Arc::clone(sampler) as Arc<dyn Provider>),
            ClientModel::Replay(sampler) => Some(Arc::clone(sampler) as Arc<dyn Provider>),
        }
    }
}

/// The request state of a delegate round trip: a fingerprint of its arguments, so a retry
/// with other arguments is refused.
pub fn request_state(args: &serde_json::Map<String, serde_json::Value>) -> String {
    let canonical = serde_json::Value::Object(args.clone()).to_string();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in canonical.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("switchyard-delegate-sampling/v1/{hash:016x}")
}

/// The sampling request for a chat request: messages, system prompt, output budget, and the
/// caller's priorities as model preferences.
pub fn create_message_params(request: &ChatRequest) -> CreateMessageRequestParams {
    let messages = request
        .messages
        .iter()
        .map(|message| match message.role {
            ChatRole::User => SamplingMessage::user_text(message.content.clone()),
            ChatRole::Assistant => SamplingMessage::assistant_text(message.content.clone()),
        })
        .collect();
    let prefs = request.preferences;
    let mut preferences = ModelPreferences::new()
        .with_cost_priority(prefs.cost as f32)
        .with_speed_priority(prefs.speed as f32)
        .with_intelligence_priority(prefs.quality as f32);
    if !request.model.is_empty() && request.model != CLIENT_MODEL {
        preferences = preferences.with_hints(vec![ModelHint::new(request.model.clone())]);
    }
    let mut params = CreateMessageRequestParams::new(
        messages,
        u32::try_from(request.max_output_tokens).unwrap_or(u32::MAX),
    );
    params.system_prompt = request.system.clone();
    params.model_preferences = Some(preferences);
    params.temperature = request.temperature.map(|t| t as f32);
    params
}

/// The input-required result that asks a 2026-07-28 client to sample `request` and retry with
/// its answer under [`INPUT_KEY`] and `state` as the request state.
pub fn input_required(request: &ChatRequest, state: String) -> rmcp::model::InputRequiredResult {
    let mut inputs = rmcp::model::InputRequests::new();
    inputs.insert(
        INPUT_KEY.to_owned(),
        rmcp::model::InputRequest::CreateMessage(rmcp::model::CreateMessageRequest::new(
            create_message_params(request),
        )),
    );
    rmcp::model::InputRequiredResult::new(Some(inputs), Some(state))
}

/// A client's sampling answer as a chat response.
fn response_from(result: CreateMessageResult) -> ChatResponse {
    let text = result
        .message
        .content
        .into_vec()
        .into_iter()
        .filter_map(|block| block.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n");
    let finish = match result.stop_reason.as_deref() {
        Some("maxTokens") => FinishReason::Length,
        Some("endTurn") | Some("stopSequence") | None => FinishReason::Stop,
        Some(other) => FinishReason::Other(other.to_owned()),
    };
    ChatResponse {
        text,
        usage: Usage::default(),
        finish,
        model: Some(result.model),
    }
}

/// The client's model, reached through the session's peer.
pub struct ClientSampler {
    peer: Peer<RoleServer>,
}

#[async_trait]
impl Provider for ClientSampler {
    fn id(&self) -> &str {
        CLIENT_MODEL
    }

    fn kind(&self) -> &'static str {
        "client"
    }

    async fn check(&self) -> Health {
        NOT_CHECKABLE
    }

    async fn complete(
        &self,
        request: &ChatRequest,
        _ctx: &CallContext,
    ) -> Result<ChatResponse, ProviderError> {
        let result = self
            .peer
            .create_message(create_message_params(request))
            .await
            .map_err(|err| ProviderError::Unavailable {
                provider: CLIENT_MODEL.to_owned(),
                status: 0,
                message: format!("the client did not sample: {err}"),
            })?;
        Ok(response_from(result))
    }
}

/// Keeps the request for a second round trip (2026-07-28) instead of answering.
#[derive(Default)]
pub struct DeferredSampler {
    kept: Mutex<Option<ChatRequest>>,
}

impl DeferredSampler {
    /// The request kept, if the delegation got as far as asking the client.
    pub fn taken(&self) -> Option<ChatRequest> {
        self.kept.lock().ok().and_then(|mut kept| kept.take())
    }
}

#[async_trait]
impl Provider for DeferredSampler {
    fn id(&self) -> &str {
        CLIENT_MODEL
    }

    fn kind(&self) -> &'static str {
        "client"
    }

    async fn check(&self) -> Health {
        NOT_CHECKABLE
    }

    async fn complete(
        &self,
        request: &ChatRequest,
        _ctx: &CallContext,
    ) -> Result<ChatResponse, ProviderError> {
        if let Ok(mut kept) = self.kept.lock() {
            *kept = Some(request.clone());
        }
        Err(ProviderError::Deferred {
            provider: CLIENT_MODEL.to_owned(),
        })
    }
}

/// Replays the client's answer from a 2026-07-28 retry.
pub struct ReplaySampler {
    answer: serde_json::Value,
}

#[async_trait]
impl Provider for ReplaySampler {
    fn id(&self) -> &str {
        CLIENT_MODEL
    }

    fn kind(&self) -> &'static str {
        "client"
    }

    async fn check(&self) -> Health {
        NOT_CHECKABLE
    }

    async fn complete(
        &self,
        _request: &ChatRequest,
        _ctx: &CallContext,
    ) -> Result<ChatResponse, ProviderError> {
        let result: CreateMessageResult =
            serde_json::from_value(self.answer.clone()).map_err(|err| ProviderError::Protocol {
                provider: CLIENT_MODEL.to_owned(),
                message: format!(
                    "the client's sampling answer is not a createMessage result: {err}"
                ),
            })?;
        Ok(response_from(result))
    }
}
