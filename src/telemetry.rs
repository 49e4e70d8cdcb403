//! Logging: tracing to stderr only (on stdio, stdout carries nothing but JSON-RPC).
//!
//! The filter comes from `--log-level`, then `RUST_LOG`, then `[logging] level`, then `info`
//! (`warn` for the quieter CLI commands).

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::MakeWriterExt;

use crate::config::model::LogFormat;

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The level or filter does not parse.
    #[error(
        "{0:?} is not a log level (error, warn, info, debug, trace) or filter such as switchyard=debug"
    )]
    BadFilter(String),
    /// A subscriber was already installed.
    #[error("logging was already initialised")]
    AlreadySet,
}

/// Install the global subscriber.
pub fn init(
    cli_level: Option<&str>,
    config_level: Option<&str>,
    default: &str,
    format: LogFormat,
) -> Result<(), TelemetryError> {
    let env = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let directive = cli_level
        .map(str::to_owned)
        .or(env)
        .or_else(|| config_level.map(str::to_owned))
        .unwrap_or_else(|| default.to_owned());
    // --log-level is checked strictly (a bare word must be a level); RUST_LOG keeps the full
    // EnvFilter syntax; [logging] level was validated with the configuration.
    if let Some(level) = cli_level
        && !crate::config::validate::valid_log_filter(level)
    {
        return Err(TelemetryError::BadFilter(level.to_owned()));
    }
    let filter =
        EnvFilter::try_new(&directive).map_err(|_| TelemetryError::BadFilter(directive.clone()))?;
    let writer = std::io::stderr.with_max_level(tracing::Level::TRACE);
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_target(true);
    let result = match format {
        LogFormat::Text => builder.with_ansi(ansi).try_init(),
        LogFormat::Json => builder.json().with_current_span(false).try_init(),
    };
    result.map_err(|_| TelemetryError::AlreadySet)
}
