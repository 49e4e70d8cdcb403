//! The stdio transport: newline-delimited JSON-RPC on stdin and stdout.
//!
//! stdout carries nothing but protocol messages (logs go to stderr). A reader task parses each
//! line, answering broken ones itself; a writer task is the only thing that touches stdout.
//! The server ends when stdin closes.

use rmcp::ServiceExt;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
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
        let mut lines = LineReader::new(tokio::io::stdin(), MAX_LINE_BYTES);
        loop {
            let reply = match lines.next_line().await {
                Ok(Line::Eof) => break,
                Ok(Line::Text(line)) if line.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(Line::Text(line)) => match std::str::from_utf8(&line) {
                    Ok(text) => match parse_incoming(text) {
                        Ok(message) => {
                            if in_tx.send(message).await.is_err() {
                                break;
                            }
                            continue;
                        }
                        Err(reply) => reply,
                    },
                    Err(_) => error_response(
                        serde_json::Value::Null,
                        PARSE_ERROR,
                        "parse error: the line is not valid UTF-8",
                    ),
                },
                Ok(Line::TooLong(length)) => error_response(
                    serde_json::Value::Null,
                    INVALID_REQUEST,
                    &format!(
                        "message of {length} bytes is longer than the limit of {MAX_LINE_BYTES} bytes; it was skipped"
                    ),
                ),
                Err(err) => {
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

/// One line read from stdin.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// A whole line, without its newline (bytes: it may not be UTF-8).
    Text(Vec<u8>),
    /// A line longer than the limit, discarded; its length in bytes.
    TooLong(usize),
    /// The input ended.
    Eof,
}

/// Newline-delimited reading with a size limit that survives bad lines: an over-long line is
/// skipped up to its newline and reading goes on (a codec that stops at its first error would
/// end the session on one bad line).
struct LineReader<R> {
    inner: BufReader<R>,
    max: usize,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    fn new(inner: R, max: usize) -> Self {
        LineReader {
            inner: BufReader::with_capacity(64 * 1024, inner),
            max,
        }
    }

    async fn next_line(&mut self) -> std::io::Result<Line> {
        let mut line = Vec::new();
        let mut length = 0usize;
        let mut too_long = false;
        loop {
            let available = self.inner.fill_buf().await?;
            if available.is_empty() {
                return Ok(match (length, too_long) {
                    (0, _) => Line::Eof,
                    (_, true) => Line::TooLong(length),
                    (_, false) => Line::Text(line),
                });
            }
            let (chunk, found_newline) = match available.iter().position(|b| *b == b'\n') {
                Some(at) => (&available[..at], true),
                None => (available, false),
            };
            length += chunk.len();
            if length > self.max {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(chunk);
            }
            let consumed = chunk.len() + usize::from(found_newline);
            self.inner.consume(consumed);
            if found_newline {
                if too_long {
                    return Ok(Line::TooLong(length));
                }
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Line::Text(line));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Line, LineReader};

    #[tokio::test]
    async fn bad_lines_do_not_end_the_input() {
        let input: &[u8] = b"{\"a\":1}\r\n\xff\xfe\n0123456789ABCDEF\nlast";
        let mut reader = LineReader::new(input, 12);
        assert_eq!(
            reader.next_line().await.unwrap(),
            Line::Text(b"{\"a\":1}".to_vec())
        );
        assert_eq!(
            reader.next_line().await.unwrap(),
            Line::Text(vec![0xff, 0xfe])
        );
        assert_eq!(reader.next_line().await.unwrap(), Line::TooLong(16));
        assert_eq!(
            reader.next_line().await.unwrap(),
            Line::Text(b"last".to_vec())
        );
        assert_eq!(reader.next_line().await.unwrap(), Line::Eof);
    }
}
