//! The MCP client's own model as a delegation provider, through sampling
//! (`sampling/createMessage`), for handshake-era clients that declared the capability.
//!
//! The caller's priorities become the request's model preferences, so the client can pick its
//! own model accordingly. Clients report no token counts; the delegation estimates them.

// SEP-2577 deprecates sampling for 2026-07-28; handshake-era clients still lend their model
// through it, which is what this file is for.
#![expect(deprecated, reason = "sampling serves handshake-era clients")]

use async_trait::async_trait;
use rmcp::RoleServer;
use rmcp::model::{CreateMessageRequestParams, ModelHint, ModelPreferences, SamplingMessage};
use rmcp::service::{Peer, RequestContext};
use switchyard_core::CallContext;

use crate::delegate::engine::CLIENT_MODEL;
use crate::delegate::provider::{
    ChatRequest, ChatResponse, ChatRole, FinishReason, Provider, ProviderError,
};
use crate::delegate::usage::Usage;

/// The client's model, reached through the session's peer.
pub struct ClientSampler {
    peer: Peer<RoleServer>,
}

impl ClientSampler {
    /// A sampler for the request's session, when the client can sample in this session.
    pub fn for_request(context: &RequestContext<RoleServer>) -> Option<ClientSampler> {
        let version = context.protocol_version()?;
        // 2026-07-28 forbids server-to-client requests; those clients are not offered sampling.
        if version.as_str() >= "2026-07-28" {
            return None;
        }
        let declared = context
            .client_capabilities()
            .is_some_and(|caps| caps.sampling.is_some());
        declared.then(|| ClientSampler {
            peer: context.peer.clone(),
        })
    }
}

#[async_trait]
impl Provider for ClientSampler {
    fn id(&self) -> &str {
        CLIENT_MODEL
    }

    fn kind(&self) -> &'static str {
        "client"
    }

    async fn complete(
        &self,
        request: &ChatRequest,
        _ctx: &CallContext,
    ) -> Result<ChatResponse, ProviderError> {
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
        let result = self.peer.create_message(params).await;
        let result = result.map_err(|err| ProviderError::Unavailable {
            provider: CLIENT_MODEL.to_owned(),
            status: 0,
            message: format!("the client did not sample: {err}"),
        })?;
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
        Ok(ChatResponse {
            text,
            usage: Usage::default(),
            finish,
            model: Some(result.model),
        })
    }
}
