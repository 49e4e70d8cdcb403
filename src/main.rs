//! The `switchyard` binary: parse the command line, set up logging, run the command.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;
use switchyard::app::App;
use switchyard::cli::{Cli, Command};
use switchyard::config::{self, model::LogFormat};

/// mimalloc instead of glibc's malloc: a call allocates and frees many small buffers across
/// worker threads, where glibc spent ~20% of the server's CPU and kept freed memory in
/// per-thread arenas (RSS that never came down after a burst).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    switchyard::delegate::provider::http::install_crypto_provider();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return fail(&anyhow::anyhow!("cannot start the async runtime: {err}")),
    };
    let outcome = runtime.block_on(run(cli));
    // Do not wait for blocking tasks: on stdio one of them is a read of stdin that only ends
    // when the client closes the pipe, and a SIGTERM must end the process before that. Every
    // session has finished by now.
    runtime.shutdown_background();
    match outcome {
        Ok(code) => code,
        Err(err) => fail(&err),
    }
}

fn fail(err: &anyhow::Error) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "switchyard: {err:#}");
    ExitCode::FAILURE
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Config problems are reported before logging exists, so they reach the user plainly.
    let loaded = config::load_and_validate(cli.config.as_deref());
    let (config_level, config_format) = match &loaded {
        Ok(loaded) => (
            loaded.config.logging.level.clone(),
            loaded.config.logging.format,
        ),
        Err(_) => (None, None),
    };
    let format = cli.log_format.or(config_format).unwrap_or(LogFormat::Text);
    let default_level = match cli.command {
        Command::Serve(_) => "info,rmcp=warn",
        Command::Check(_)
        | Command::Tools(_)
        | Command::Eval(_)
        | Command::Models(_)
        | Command::Keys(_)
        | Command::Usage(_) => "warn",
    };
    switchyard::telemetry::init(
        cli.log_level.as_deref(),
        config_level.as_deref(),
        default_level,
        format,
    )?;
    let loaded = loaded?;
    match cli.command {
        Command::Serve(args) => {
            let app = App::build(loaded, &args.sources.overrides(args.conformance)).await?;
            switchyard::cli::serve::run(app, args.http.as_deref()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => {
            let app = App::build(loaded, &args.overrides(false)).await?;
            let mut stdout = std::io::stdout().lock();
            let healthy = switchyard::cli::check::run(&app, &mut stdout)
                .await
                .context("writing the report")?;
            Ok(if healthy {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Tools(args) => {
            let app = App::build(loaded, &args.sources.overrides(false)).await?;
            let mut stdout = std::io::stdout().lock();
            switchyard::cli::tools::run(&app, args.json, &mut stdout)
                .context("writing the catalog")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Models(args) => {
            let app = App::build(loaded, &args.sources.overrides(false)).await?;
            let delegation = app
                .delegation()
                .context("delegation is disabled ([delegate] enabled = false)")?;
            let mut stdout = std::io::stdout().lock();
            switchyard::cli::models::run(delegation, args.all, &mut stdout)
                .await
                .context("writing the catalog")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys(args) => {
            let mut overrides = args.action.sources().overrides(false);
            overrides.needs_store = true;
            let app = App::build(loaded, &overrides).await?;
            let mut stdout = std::io::stdout().lock();
            switchyard::cli::keys::run(&app, &args.action, &mut stdout).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(args) => {
            let app = App::build(loaded, &args.sources.overrides(false)).await?;
            let delegation = app.delegation().context(
                "delegation is disabled ([delegate] enabled = false); evaluations need its model catalog",
            )?;
            let mut stdout = std::io::stdout().lock();
            switchyard::cli::eval::run(delegation, &args, &mut stdout).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Usage(args) => {
            let app = App::build(loaded, &args.sources.overrides(false)).await?;
            let mut stdout = std::io::stdout().lock();
            switchyard::cli::usage::run(
                &app,
                &args.by,
                &args.since,
                args.until.as_deref(),
                &args.format,
                &mut stdout,
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
