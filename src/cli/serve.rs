//! `switchyard serve`: stdio by default, HTTP with `--http`; stops on SIGINT/SIGTERM (and on
//! stdin closing, for stdio).

use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::transport::{http, stdio};

/// Why serving failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The HTTP server failed.
    #[error(transparent)]
    Http(#[from] http::HttpError),
    /// The stdio session failed.
    #[error(transparent)]
    Stdio(#[from] stdio::StdioError),
}

/// Serve until the client leaves or a signal arrives.
pub async fn run(app: App, http_addr: Option<&str>) -> Result<(), ServeError> {
    for warning in &app.warnings {
        tracing::warn!("{warning}");
    }
    let tools: Vec<&str> = app
        .registry
        .tools()
        .iter()
        .map(|t| t.spec.name.as_str())
        .collect();
    tracing::info!(
        config = %app.source,
        data_dir = %app.data_dir.display(),
        user = %app.identity().user,
        tools = tools.len(),
        "switchyard {} starting",
        crate::mcp::SERVER_VERSION
    );
    let shutdown = CancellationToken::new();
    spawn_signal_handler(shutdown.clone());
    let server = app.server();
    match http_addr {
        Some(addr) => {
            let addr = http::parse_addr(addr)?;
            http::serve(server, addr, app.http_options(), shutdown).await?;
        }
        None => stdio::serve(server, shutdown).await?,
    }
    tracing::info!("switchyard stopped");
    Ok(())
}

fn spawn_signal_handler(shutdown: CancellationToken) {
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(term) => term,
                    Err(err) => {
                        tracing::warn!(error = %err, "cannot listen for SIGTERM");
                        let _ = tokio::signal::ctrl_c().await;
                        shutdown.cancel();
                        return;
                    }
                };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down");
        shutdown.cancel();
    });
}
