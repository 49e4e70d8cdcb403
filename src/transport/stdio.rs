//! The stdio transport: newline-delimited JSON-RPC on stdin and stdout.
//!
//! stdout carries nothing but protocol messages (logs go to stderr). A reader task parses each
//! line, answering broken ones itself; a writer task is the only thing that touches stdout.
//! The server ends when stdin closes.

use futures::StreamExt;
use rmcp::ServiceExt;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
use tokio_util::codec::{FramedRead, LinesCodec, LinesCodecError};
use tokio_util::sync::CancellationToken;

use super::channel::{
    ChannelTransport, INVALID_REQUEST, PARSE_ERROR, error_response, parse_incoming,
};
use crate::mcp::SwitchyardServer;

/// The longest line accepted on stdin; longer lines are answered with an error and skipped.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// Why serving stdio stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum StdioError {
    /// The MCP service failed.
    #[error("the MCP session failed: {0}")]
    Service(String),
}

/// Serve one MCP session over this process's stdin and stdout until stdin closes or
/// `shutdown` is cancelled.
pub async fn serve(
    server: SwitchyardServer,
    shutdown: CancellationToken,
) -> Result<(), StdioError> {
    let (in_tx, in_rx) = mpsc::channel(64);
    let (out_tx, mut out_rx) = mpsc::channel::<String>(64);

    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(line) = out_rx.recv().await {
            if stdout.write_all(line.as_bytes()).await.is_err()
                || stdout.write_all(b"\n").await.is_err()
                || stdout.flush().await.is_err()
            {
                tracing::warn!("stdout is closed; stopping");
                break;
            }
        }
    });

    let reader_out = out_tx.clone();
    let reader = tokio::spawn(async move {
        let mut lines = FramedRead::new(
            tokio::io::stdin(),
            LinesCodec::new_with_max_length(MAX_LINE_BYTES),
        );
        while let Some(line) = lines.next().await {
            let reply = match line {
                Ok(line) if line.trim().is_empty() => continue,
                Ok(line) => match parse_incoming(&line) {
                    Ok(message) => {
                        if in_tx.send(message).await.is_err() {
                            break;
                        }
                        continue;
                    }
                    Err(reply) => reply,
                },
                Err(LinesCodecError::MaxLineLengthExceeded) => error_response(
                    serde_json::Value::Null,
                    INVALID_REQUEST,
                    &format!("message longer than {MAX_LINE_BYTES} bytes; it was skipped"),
                ),
                Err(LinesCodecError::Io(err)) if err.kind() == std::io::ErrorKind::InvalidData => {
                    error_response(
                        serde_json::Value::Null,
                        PARSE_ERROR,
                        "parse error: the line is not valid UTF-8",
                    )
                }
                Err(LinesCodecError::Io(err)) => {
                    tracing::error!(error = %err, "reading stdin failed");
                    break;
                }
            };
            tracing::debug!("answered a malformed message on stdin");
            if reader_out.send(reply).await.is_err() {
                break;
            }
        }
        tracing::debug!("stdin closed");
    });

    let transport = ChannelTransport::new(in_rx, out_tx);
    let result = match server
        .serve_with_ct(transport, shutdown.child_token())
        .await
    {
        Ok(running) => running
            .waiting()
            .await
            .map(|_| ())
            .map_err(|err| StdioError::Service(err.to_string())),
        // The client closed stdin before initializing: nothing to serve, not a failure.
        Err(err) => {
            tracing::debug!(error = %err, "stdio session ended before initialization");
            Ok(())
        }
    };
    reader.abort();
    let _ = writer.await;
    result
}
