//! A message transport over two channels, shared by stdio and the legacy SSE pair, and the
//! parsing of one incoming JSON-RPC text with the error reply it deserves when it is bad.
//!
//! rmcp ignores unparsable input on stdio; we answer it instead (JSON-RPC 2.0: a parse error
//! with `id: null`, an invalid request or invalid params with the request's id when it has
//! one), so a client that sent a broken line learns why instead of waiting forever.

use std::borrow::Cow;

use rmcp::RoleServer;
use rmcp::model::{ClientJsonRpcMessage, ClientRequest, ServerJsonRpcMessage};
use rmcp::transport::Transport;
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// JSON-RPC: invalid JSON was received.
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC: the JSON is not a valid request object.
pub const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC: invalid method parameters.
pub const INVALID_PARAMS: i64 = -32602;

/// The request methods of the specification (a request with one of these names whose params
/// do not parse is an invalid-params error, not an unknown method).
const SPEC_METHODS: [&str; 14] = [
    "initialize",
    "ping",
    "server/discover",
    "tools/list",
    "tools/call",
    "resources/list",
    "resources/read",
    "resources/templates/list",
    "resources/subscribe",
    "resources/unsubscribe",
    "prompts/list",
    "prompts/get",
    "completion/complete",
    "logging/setLevel",
];

/// Parse one incoming message; on failure, the serialized error response to send back.
pub fn parse_incoming(text: &str) -> Result<ClientJsonRpcMessage, String> {
    let text = text.trim_start_matches('\u{feff}');
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(err) => {
            return Err(error_response(
                Value::Null,
                PARSE_ERROR,
                &format!("parse error: {err}"),
            ));
        }
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    if value.is_object() && value.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(error_response(
            id,
            INVALID_REQUEST,
            "invalid request: \"jsonrpc\" must be \"2.0\"",
        ));
    }
    let has_method = value.get("method").and_then(Value::as_str).is_some();
    let method = value
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match serde_json::from_value::<ClientJsonRpcMessage>(value) {
        // rmcp turns a request whose params do not fit its method into a custom request;
        // for the methods of the specification that is a params error, said as such.
        Ok(ClientJsonRpcMessage::Request(request))
            if matches!(request.request, ClientRequest::CustomRequest(_))
                && method.as_deref().is_some_and(|m| SPEC_METHODS.contains(&m)) =>
        {
            let method = method.unwrap_or_default();
            Err(error_response(
                id,
                INVALID_PARAMS,
                &format!("invalid params: the params of {method} do not match the method's schema"),
            ))
        }
        Ok(message) => Ok(message),
        Err(err) => {
            let (code, what) = if has_method && !id.is_null() {
                (INVALID_PARAMS, "invalid params")
            } else {
                (INVALID_REQUEST, "invalid request")
            };
            Err(error_response(id, code, &format!("{what}: {err}")))
        }
    }
}

/// A serialized JSON-RPC error response.
pub fn error_response(id: Value, code: i64, message: &str) -> String {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string()
}

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// The peer is gone (stdout closed, SSE stream dropped).
    #[error("the client connection is closed")]
    Closed,
    /// The message could not be serialized.
    #[error("cannot serialize a message: {0}")]
    Serialize(#[from] serde_json::Error),
}

/// rmcp's transport over channels: parsed messages in, serialized JSON texts out.
pub struct ChannelTransport {
    incoming: mpsc::Receiver<ClientJsonRpcMessage>,
    outgoing: mpsc::Sender<String>,
}

impl ChannelTransport {
    /// A transport that reads `incoming` and writes JSON texts to `outgoing`.
    pub fn new(
        incoming: mpsc::Receiver<ClientJsonRpcMessage>,
        outgoing: mpsc::Sender<String>,
    ) -> Self {
        ChannelTransport { incoming, outgoing }
    }
}

impl Transport<RoleServer> for ChannelTransport {
    type Error = ChannelError;

    fn name() -> Cow<'static, str> {
        Cow::Borrowed("switchyard-channel")
    }

    fn send(
        &mut self,
        item: ServerJsonRpcMessage,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let outgoing = self.outgoing.clone();
        async move {
            let text = serde_json::to_string(&item)?;
            outgoing.send(text).await.map_err(|_| ChannelError::Closed)
        }
    }

    fn receive(&mut self) -> impl Future<Output = Option<ClientJsonRpcMessage>> + Send {
        self.incoming.recv()
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.incoming.close();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::parse_incoming;
    use serde_json::Value;

    fn error_of(text: &str) -> Value {
        serde_json::from_str(&parse_incoming(text).unwrap_err()).unwrap()
    }

    #[test]
    fn malformed_json_is_a_parse_error_with_null_id() {
        let reply = error_of("{\"jsonrpc\": \"2.0\", \"id\": 1,");
        assert_eq!(reply["error"]["code"], -32700);
        assert!(reply["id"].is_null());
    }

    #[test]
    fn wrong_shapes_keep_the_id() {
        let reply =
            error_of(r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":5}}"#);
        assert_eq!(reply["id"], 7);
        assert_eq!(reply["error"]["code"], -32602);
        let reply = error_of(r#"[1,2,3]"#);
        assert_eq!(reply["error"]["code"], -32600);
        let reply = error_of(r#"{"jsonrpc":"1.0","id":3,"method":"ping"}"#);
        assert_eq!(reply["error"]["code"], -32600);
        assert_eq!(reply["id"], 3);
    }

    #[test]
    fn valid_requests_parse() {
        assert!(parse_incoming(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#).is_ok());
        assert!(
            parse_incoming(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).is_ok()
        );
    }
}
