//! What `delegate` adds to a model call: latency and throughput of the same chat completion
//! sent straight to a loopback mock provider, through Switchyard's `delegate` tool, and (when
//! its venv is there or `--with-litellm` is given) through the LiteLLM proxy, at 1, 8 and 32
//! concurrent callers, in one run on one machine.
//!
//! `cargo bench --bench delegate_load [-- --with-litellm --calls 2000 --concurrency 1,8,32]`
//!
//! 1. An OpenAI-compatible mock (`POST /v1/chat/completions`, a fixed small completion with
//!    usage, no artificial delay) runs in this process on 127.0.0.1.
//! 2. `switchyard serve --http` (the release binary cargo builds for this bench, or
//!    `SWITCHYARD_BIN`) runs with a temporary config whose `[providers.mock]` points at the
//!    mock and whose `[models.mock-model]` has prices, and a temporary `--data-dir`.
//! 3. `litellm --config` from `.tools/litellm` routes `mock-model` to the same mock.
//! 4. For each concurrency: per path a warm-up, then every worker waits at a barrier and makes
//!    its calls back to back, each with distinct arguments; the time of each call is from
//!    sending the request to having read the whole answer (checked after the clock stops).
//!
//! Switchyard is called the 2026-07-28 way: one self-contained `POST /mcp` per call (protocol
//! version, client info and capabilities in `_meta`, the `Mcp-Method`/`Mcp-Name` headers), no
//! session. The report is a markdown table on stdout: p50/p95/p99 and throughput per path,
//! the added latency (path p50/p99 minus the direct call's), and Switchyard's peak RSS.

#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]
#![expect(clippy::print_stderr, reason = "progress goes to stderr")]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use serde_json::{Value, json};
use tokio::sync::Barrier;

type Error = Box<dyn std::error::Error + Send + Sync>;

#[path = "delegate_load/relay.rs"]
mod relay;

/// The first argument that makes this binary the relay process instead of the load generator.
const RELAY_FLAG: &str = "--relay";

/// The pinned LiteLLM, installed into `.tools/litellm` by `--with-litellm`.
const LITELLM: &str = "litellm[proxy]==1.108.5";
const MODEL: &str = "mock-model";
const ANSWER: &str = "The build failed because the test database was not running.";
/// No request may take longer than this; the run fails instead of hanging.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The fixed completion the mock answers every request with.
fn completion_body() -> Vec<u8> {
    json!({
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": MODEL,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": ANSWER},
            "finish_reason": "stop"
        }],
        "usage": {"prompt_tokens": 57, "completion_tokens": 12, "total_tokens": 69}
    })
    .to_string()
    .into_bytes()
}

struct Options {
    calls: usize,
    /// The mock's answer time in milliseconds (each answer jittered ±50%); 0 answers at once.
    delay_ms: u64,
    warmup: usize,
    concurrency: Vec<usize>,
    litellm: LiteLlmMode,
    litellm_workers: usize,
}

#[derive(PartialEq)]
enum LiteLlmMode {
    /// Run it when `.tools/litellm` exists.
    IfInstalled,
    /// Install it if needed and run it.
    Required,
    /// Never.
    Off,
}

fn options() -> Result<Options, Error> {
    let mut options = Options {
        calls: 2_000,
        delay_ms: 0,
        warmup: 200,
        concurrency: vec![1, 8, 32],
        litellm: LiteLlmMode::IfInstalled,
        litellm_workers: 1,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--with-litellm" => options.litellm = LiteLlmMode::Required,
            "--no-litellm" => options.litellm = LiteLlmMode::Off,
            "--calls" => options.calls = value("--calls")?.parse()?,
            "--provider-delay-ms" => options.delay_ms = value("--provider-delay-ms")?.parse()?,
            "--warmup" => options.warmup = value("--warmup")?.parse()?,
            "--litellm-workers" => options.litellm_workers = value("--litellm-workers")?.parse()?,
            "--concurrency" => {
                options.concurrency = value("--concurrency")?
                    .split(',')
                    .map(|n| n.trim().parse())
                    .collect::<Result<_, _>>()?;
            }
            // `cargo bench` passes --bench; filters and other harness flags mean nothing here.
            "--bench" => {}
            "-h" | "--help" => {
                println!(
                    "delegate_load [--with-litellm | --no-litellm] [--calls N] [--warmup N] [--concurrency 1,8,32] [--provider-delay-ms N] [--litellm-workers N]"
                );
                std::process::exit(0);
            }
            other if other.starts_with('-') => return Err(format!("unknown flag {other}").into()),
            _ => {}
        }
    }
    if options.calls == 0 || options.concurrency.contains(&0) {
        return Err("--calls and every --concurrency must be at least 1".into());
    }
    Ok(options)
}

fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some(RELAY_FLAG) {
        let listen = args.next().ok_or("--relay needs a listen address")?;
        let upstream = args.next().ok_or("--relay needs an upstream URL")?;
        return relay::serve(&listen, &upstream);
    }
    let options = options()?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(options))
}

async fn run(options: Options) -> Result<(), Error> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir()?;
    let mock = start_mock(options.delay_ms).await?;
    eprintln!(
        "mock provider on http://{mock} (answers after {} ms ±50%)",
        options.delay_ms
    );
    let relay = relay::Relay::start(work.path(), mock)?;
    eprintln!("relay floor on http://{}", relay.addr);

    let binary = std::env::var_os("SWITCHYARD_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_switchyard")));
    let switchyard = Switchyard::start(&binary, work.path(), mock)?;
    eprintln!(
        "switchyard {} on http://{}",
        binary.display(),
        switchyard.addr
    );

    let litellm = match options.litellm {
        LiteLlmMode::Off => None,
        LiteLlmMode::IfInstalled if !litellm_bin(&root).exists() => {
            eprintln!(
                "LiteLLM not installed in .tools/litellm; pass --with-litellm to install and compare"
            );
            None
        }
        _ => Some(LiteLlm::start(
            &root,
            work.path(),
            mock,
            options.litellm_workers,
        )?),
    };

    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .pool_max_idle_per_host(256)
        .build()?;
    let mut paths = vec![
        Route::Direct(format!("http://{mock}/v1/chat/completions")),
        Route::Relay(format!("http://{}/v1/chat/completions", relay.addr)),
        Route::Switchyard(format!("http://{}/mcp", switchyard.addr)),
    ];
    if let Some(litellm) = &litellm {
        paths.push(Route::LiteLlm(
            format!("http://{}/chat/completions", litellm.addr),
            litellm.key.clone(),
        ));
    }

    // The warm-up opens the connections and warms the servers' caches: not measured.
    let mut rows = Vec::new();
    for &concurrency in &options.concurrency {
        for path in &paths {
            let warm = measure(&client, path, concurrency, options.warmup.max(concurrency)).await?;
            drop(warm);
            let server = match path {
                Route::Direct(_) => None,
                Route::Relay(_) => Some(relay.child.id()),
                Route::Switchyard(_) => Some(switchyard.child.id()),
                Route::LiteLlm(..) => litellm.as_ref().map(|l| l.child.id()),
            };
            let cpu_before = server.map(group_cpu_ticks);
            let mut result = measure(&client, path, concurrency, options.calls).await?;
            if let (Some(group), Some(before)) = (server, cpu_before) {
                let ticks = group_cpu_ticks(group).saturating_sub(before);
                let calls = (result.micros.len() + result.errors).max(1) as f64;
                result.server_cpu_us = Some(ticks as f64 * 1_000_000.0 / clock_ticks() / calls);
            }
            eprintln!(
                "{:>10} c={concurrency:<3} p50 {:>8.3} ms  p99 {:>8.3} ms  {:>8.0} calls/s  errors {}  server CPU/call {}",
                path.name(),
                result.percentile(50.0),
                result.percentile(99.0),
                result.throughput(),
                result.errors,
                result
                    .server_cpu_us
                    .map(|us| format!("{us:.0} µs"))
                    .unwrap_or_else(|| "-".to_owned())
            );
            if let Some(first) = &result.first_error {
                eprintln!("    first error: {first}");
            }
            rows.push((concurrency, path.name(), result));
        }
    }
    let rss = switchyard.memory();
    let litellm_rss = litellm.as_ref().map(LiteLlm::memory);
    report(&options, &rows, rss, litellm_rss, litellm.is_some());
    drop(switchyard);
    drop(relay);
    drop(litellm);
    Ok(())
}

// -- the mock provider ----------------------------------------------------------------------

/// How long the mock waits before answering: `delay_ms` ±50%, spread evenly over the calls so
/// concurrent callers do not move in lockstep. The spread is keyed by the call's own marker
/// (`run <worker>-<n>`, in the input of every path), so call `n` of worker `w` waits the same
/// time on every path and the paths are compared call for call, not by chance.
fn jittered(delay_ms: u64, body: &[u8]) -> Duration {
    if delay_ms == 0 {
        return Duration::ZERO;
    }
    let marker = body
        .windows(4)
        .position(|w| w == b"run ")
        .map(|at| &body[at..])
        .and_then(|rest| rest.iter().position(|&b| b == b')').map(|end| &rest[..end]))
        .unwrap_or(body);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in marker {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let factor = 0.5 + (hash >> 44) as f64 / f64::from(1u32 << 20);
    Duration::from_secs_f64(delay_ms as f64 * factor / 1000.0)
}

async fn start_mock(delay_ms: u64) -> Result<SocketAddr, Error> {
    let body: &'static [u8] = Box::leak(completion_body().into_boxed_slice());
    let models: &'static [u8] = Box::leak(
        json!({"object": "list", "data": [{"id": MODEL, "object": "model"}]})
            .to_string()
            .into_bytes()
            .into_boxed_slice(),
    );
    let app = Router::new()
        .route(
            "/v1/chat/completions",
            post(move |request: axum::body::Bytes| async move {
                let wait = jittered(delay_ms, &request);
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
                ([(CONTENT_TYPE, "application/json")], body)
            }),
        )
        .route(
            "/v1/models",
            get(move || async move { ([(CONTENT_TYPE, "application/json")], models) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // Answers go out at once, as real servers send them (no Nagle wait on a small write).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            eprintln!("mock provider stopped: {err}");
        }
    });
    Ok(addr)
}

// -- the servers under test -----------------------------------------------------------------

fn free_port() -> Result<u16, Error> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Poll `url` until it answers 200 (or the process exits, or `limit` passes).
fn wait_ready(url: &str, child: &mut Child, limit: Duration, log: &Path) -> Result<(), Error> {
    let deadline = Instant::now() + limit;
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default()
        .parse()?;
    let path = format!(
        "/{}",
        url.trim_start_matches("http://")
            .split_once('/')
            .map(|(_, p)| p)
            .unwrap_or("")
    );
    loop {
        if let Some(status) = child.try_wait()? {
            let tail = log_tail(log);
            return Err(
                format!("{url}: the process exited ({status}) before answering:\n{tail}").into(),
            );
        }
        if http_get_ok(addr, &path) {
            return Ok(());
        }
        if Instant::now() > deadline {
            let tail = log_tail(log);
            return Err(format!("{url} did not answer within {limit:?}:\n{tail}").into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The last lines of a log file.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(25)..].join("\n")
}

/// A blocking `GET path` answered with 200.
fn http_get_ok(addr: SocketAddr, path: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 200")
}

/// Peak and current resident memory of a process, in KiB (VmHWM, VmRSS).
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// CPU time (user + system, in clock ticks) of every process in process group `group`: the
/// server and any workers it forked.
fn group_cpu_ticks(group: u32) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut total = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // Fields after the parenthesised command: state ppid pgrp session … utime(14) stime(15).
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok());
        if field(5) == Some(u64::from(group)) {
            total += field(14).unwrap_or(0) + field(15).unwrap_or(0);
        }
    }
    total
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 on Linux).
fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

/// Stop a process group: SIGTERM, then SIGKILL after 5 s.
fn stop_group(child: &mut Child) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    let group = format!("-{}", child.id());
    let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
    let _ = child.kill();
    let _ = child.wait();
}

struct Switchyard {
    child: Child,
    addr: SocketAddr,
}

impl Switchyard {
    fn start(binary: &Path, work: &Path, mock: SocketAddr) -> Result<Switchyard, Error> {
        use std::os::unix::process::CommandExt;
        if !binary.is_file() {
            return Err(format!("no switchyard binary at {}", binary.display()).into());
        }
        let config = work.join("switchyard.toml");
        std::fs::write(
            &config,
            format!(
                r#"# delegate_load: one mock provider with one priced model.
[identity]
user = "bench"

[providers.mock]
type = "openai"
base_url = "http://{mock}/v1"
max_retries = 0

[models.{MODEL}]
provider = "mock"
model = "{MODEL}"
tier = "fast"
input_usd_per_mtok = 0.10
output_usd_per_mtok = 0.40
data_classes = ["public", "internal"]

[delegate]
timeout_secs = 30
"#
            ),
        )?;
        let data = work.join("switchyard-data");
        let cwd = work.join("switchyard-cwd");
        std::fs::create_dir_all(&cwd)?;
        let port = free_port()?;
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
        let log = work.join("switchyard.log");
        let mut child = Command::new(binary)
            .arg("--config")
            .arg(&config)
            .args(["serve", "--http", &addr.to_string(), "--data-dir"])
            .arg(&data)
            .current_dir(&cwd)
            .env_remove("OPENAI_API_KEY")
            .env_remove("ANTHROPIC_API_KEY")
            .env_remove("GEMINI_API_KEY")
            // Default logging (info: a line per tool call), as deployed; stderr goes to a file.
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .process_group(0)
            .spawn()?;
        if let Err(err) = wait_ready(
            &format!("http://{addr}/healthz"),
            &mut child,
            Duration::from_secs(20),
            &log,
        ) {
            stop_group(&mut child);
            return Err(err);
        }
        Ok(Switchyard { child, addr })
    }

    fn memory(&self) -> (u64, u64) {
        memory_kib(self.child.id())
    }
}

impl Drop for Switchyard {
    fn drop(&mut self) {
        stop_group(&mut self.child);
    }
}

fn litellm_bin(root: &Path) -> PathBuf {
    root.join(".tools/litellm/bin/litellm")
}

struct LiteLlm {
    child: Child,
    addr: SocketAddr,
    /// The proxy's master key (it refuses to start without one); sent as the bearer token.
    key: String,
}

impl LiteLlm {
    fn start(root: &Path, work: &Path, mock: SocketAddr, workers: usize) -> Result<LiteLlm, Error> {
        use std::os::unix::process::CommandExt;
        let bin = litellm_bin(root);
        if !bin.exists() {
            let venv = root.join(".tools/litellm");
            eprintln!("installing {LITELLM} into {}", venv.display());
            let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
            let ok = Command::new(&python)
                .args(["-m", "venv"])
                .arg(&venv)
                .status()?
                .success()
                && Command::new(venv.join("bin/python"))
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "--disable-pip-version-check",
                        LITELLM,
                    ])
                    .status()?
                    .success();
            if !ok {
                return Err(format!("installing {LITELLM} failed").into());
            }
        }
        let config = work.join("litellm.yaml");
        std::fs::write(
            &config,
            format!(
                "model_list:\n  - model_name: {MODEL}\n    litellm_params:\n      model: openai/{MODEL}\n      api_base: http://{mock}/v1\n      api_key: sk-mock\n      max_retries: 0\nlitellm_settings:\n  telemetry: false\n  num_retries: 0\n"
            ),
        )?;
        let port = free_port()?;
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
        let log = work.join("litellm.log");
        let key = format!(
            "sk-bench-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        );
        let mut child = Command::new(&bin)
            .arg("--config")
            .arg(&config)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--num_workers",
                &workers.to_string(),
            ])
            .current_dir(work)
            // No network: the price map ships with the package; no telemetry. Default logging.
            .env("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            .env("LITELLM_MASTER_KEY", &key)
            .env("LITELLM_TELEMETRY", "False")
            .env("NO_DOCS", "True")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(work.join("litellm.out"))?)
            .stderr(std::fs::File::create(&log)?)
            .process_group(0)
            .spawn()?;
        if let Err(err) = wait_ready(
            &format!("http://{addr}/health/liveliness"),
            &mut child,
            Duration::from_secs(180),
            &log,
        ) {
            stop_group(&mut child);
            return Err(err);
        }
        eprintln!("litellm on http://{addr} ({workers} worker)");
        Ok(LiteLlm { child, addr, key })
    }

    fn memory(&self) -> (u64, u64) {
        memory_kib(self.child.id())
    }
}

impl Drop for LiteLlm {
    fn drop(&mut self) {
        stop_group(&mut self.child);
    }
}

// -- the load -------------------------------------------------------------------------------

/// One way to make the same chat completion.
#[derive(Clone)]
enum Route {
    Direct(String),
    /// The floor: a do-nothing Rust relay on the same stack (axum + reqwest).
    Relay(String),
    Switchyard(String),
    /// The URL and the bearer token.
    LiteLlm(String, String),
}

impl Route {
    fn name(&self) -> &'static str {
        match self {
            Route::Direct(_) => "direct",
            Route::Relay(_) => "relay",
            Route::Switchyard(_) => "switchyard",
            Route::LiteLlm(..) => "litellm",
        }
    }

    /// The request of call `n` of `worker`: distinct arguments every time.
    fn request(
        &self,
        client: &reqwest::Client,
        worker: usize,
        n: usize,
    ) -> reqwest::RequestBuilder {
        let instructions = format!("Summarize build log {worker}-{n} in one sentence.");
        let input = format!(
            "step 1 ok\nstep 2 ok\nstep 3 FAILED (run {worker}-{n}): the test database was not running\n"
        );
        let chat = json!({
            "model": MODEL,
            "messages": [
                {"role": "system", "content": "You summarize build logs."},
                {"role": "user", "content": format!("{instructions}\n\n<input>\n{input}</input>")}
            ],
            "max_tokens": 64,
            "stream": false
        });
        match self {
            Route::Direct(url) | Route::Relay(url) => client.post(url).json(&chat),
            Route::LiteLlm(url, key) => client.post(url).bearer_auth(key).json(&chat),
            Route::Switchyard(url) => client
                .post(url)
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "delegate")
                .json(&json!({
                    "jsonrpc": "2.0",
                    "id": n,
                    "method": "tools/call",
                    "params": {
                        "name": "delegate",
                        "arguments": {
                            "task": "summarize",
                            "instructions": instructions,
                            "input": input,
                            "max_output_tokens": 64
                        },
                        "_meta": {
                            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                            "io.modelcontextprotocol/clientInfo": {"name": "delegate_load", "version": "0"},
                            "io.modelcontextprotocol/clientCapabilities": {}
                        }
                    }
                })),
        }
    }

    /// Whether an answer is the mock's completion, delivered (checked after the clock stops).
    fn check(&self, status: u16, body: &[u8]) -> Result<(), String> {
        if status != 200 {
            return Err(format!(
                "status {status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            ));
        }
        let json = decode(body).ok_or_else(|| {
            format!(
                "not JSON: {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            )
        })?;
        let answer = match self {
            Route::Direct(_) | Route::Relay(_) | Route::LiteLlm(..) => json
                .pointer("/choices/0/message/content")
                .and_then(Value::as_str),
            Route::Switchyard(_) => {
                if json.pointer("/result/isError") != Some(&Value::Bool(false)) {
                    return Err(format!("not a successful tool result: {json}"));
                }
                json.pointer("/result/structuredContent/answer")
                    .and_then(Value::as_str)
            }
        };
        if answer == Some(ANSWER) {
            Ok(())
        } else {
            Err(format!("unexpected answer: {json}"))
        }
    }
}

/// A JSON body, or the last `data:` event of an SSE body.
fn decode(body: &[u8]) -> Option<Value> {
    if let Ok(json) = serde_json::from_slice(body) {
        return Some(json);
    }
    let text = std::str::from_utf8(body).ok()?;
    text.split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(str::trim_start)
                .collect();
            serde_json::from_str::<Value>(&data.join("\n")).ok()
        })
        .last()
}

struct Measured {
    /// Per-call latency, sorted, in microseconds.
    micros: Vec<u64>,
    wall: Duration,
    errors: usize,
    first_error: Option<String>,
    /// The server's CPU time per call (all its processes), in microseconds.
    server_cpu_us: Option<f64>,
}

impl Measured {
    /// The nearest-rank percentile, in milliseconds.
    fn percentile(&self, p: f64) -> f64 {
        if self.micros.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * self.micros.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.micros.len()) - 1;
        self.micros[index] as f64 / 1000.0
    }

    fn throughput(&self) -> f64 {
        (self.micros.len() + self.errors) as f64 / self.wall.as_secs_f64()
    }
}

/// `calls` calls over `concurrency` workers that start together.
async fn measure(
    client: &reqwest::Client,
    path: &Route,
    concurrency: usize,
    calls: usize,
) -> Result<Measured, Error> {
    let barrier = Arc::new(Barrier::new(concurrency + 1));
    let path = Arc::new(path.clone());
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        // Spread the calls: the first `calls % concurrency` workers make one more.
        let share = calls / concurrency + usize::from(worker < calls % concurrency);
        let client = client.clone();
        let barrier = Arc::clone(&barrier);
        let path = Arc::clone(&path);
        workers.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(share);
            let mut errors = 0usize;
            let mut first_error = None;
            barrier.wait().await;
            for n in 0..share {
                let request = path.request(&client, worker, n);
                let started = Instant::now();
                let outcome = match request.send().await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        response.bytes().await.map(|body| (status, body))
                    }
                    Err(err) => Err(err),
                };
                let elapsed = started.elapsed();
                let verdict = match outcome {
                    Ok((status, body)) => path.check(status, &body),
                    Err(err) => Err(err.to_string()),
                };
                match verdict {
                    Ok(()) => times.push(elapsed.as_micros() as u64),
                    Err(err) => {
                        errors += 1;
                        first_error.get_or_insert(err);
                    }
                }
            }
            (times, errors, first_error)
        }));
    }
    barrier.wait().await;
    let started = Instant::now();
    let mut measured = Measured {
        micros: Vec::with_capacity(calls),
        wall: Duration::ZERO,
        errors: 0,
        first_error: None,
        server_cpu_us: None,
    };
    for worker in workers {
        let (times, errors, first_error) = worker.await?;
        measured.micros.extend(times);
        measured.errors += errors;
        if measured.first_error.is_none() {
            measured.first_error = first_error;
        }
    }
    measured.wall = started.elapsed();
    measured.micros.sort_unstable();
    Ok(measured)
}

// -- the report -----------------------------------------------------------------------------

fn report(
    options: &Options,
    rows: &[(usize, &'static str, Measured)],
    switchyard_rss: (u64, u64),
    litellm_rss: Option<(u64, u64)>,
    with_litellm: bool,
) {
    println!("# delegate overhead\n");
    println!(
        "{} calls per path and concurrency (after {} warm-up calls); latency from sending the request to the last byte of the answer; added = path minus direct at the same percentile.\n",
        options.calls, options.warmup
    );
    println!(
        "| callers | path | p50 ms | p95 ms | p99 ms | calls/s | errors | added p50 ms | added p99 ms | server CPU/call |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &concurrency in &options.concurrency {
        let direct = rows
            .iter()
            .find(|(c, name, _)| *c == concurrency && *name == "direct")
            .map(|(_, _, m)| m);
        for (_, name, measured) in rows.iter().filter(|(c, _, _)| *c == concurrency) {
            let (added50, added99) = match (direct, *name) {
                (Some(direct), name) if name != "direct" => (
                    format!("{:.3}", measured.percentile(50.0) - direct.percentile(50.0)),
                    format!("{:.3}", measured.percentile(99.0) - direct.percentile(99.0)),
                ),
                _ => ("".to_owned(), "".to_owned()),
            };
            let cpu = measured
                .server_cpu_us
                .map(|us| format!("{us:.0} µs"))
                .unwrap_or_default();
            println!(
                "| {concurrency} | {name} | {:.3} | {:.3} | {:.3} | {:.0} | {} | {added50} | {added99} | {cpu} |",
                measured.percentile(50.0),
                measured.percentile(95.0),
                measured.percentile(99.0),
                measured.throughput(),
                measured.errors
            );
        }
    }
    if with_litellm {
        println!("\nAdded latency, LiteLLM over Switchyard (how many times more LiteLLM adds):\n");
        println!("| callers | p50 ratio | p99 ratio |");
        println!("|---:|---:|---:|");
        for &concurrency in &options.concurrency {
            let get = |path: &str| {
                rows.iter()
                    .find(|(c, name, _)| *c == concurrency && *name == path)
                    .map(|(_, _, m)| m)
            };
            if let (Some(direct), Some(sy), Some(lite)) =
                (get("direct"), get("switchyard"), get("litellm"))
            {
                let ratio = |p: f64| {
                    (lite.percentile(p) - direct.percentile(p))
                        / (sy.percentile(p) - direct.percentile(p))
                };
                println!(
                    "| {concurrency} | {:.1}× | {:.1}× |",
                    ratio(50.0),
                    ratio(99.0)
                );
            }
        }
    }
    println!(
        "\nSwitchyard peak RSS (VmHWM): {:.1} MiB; RSS at the end: {:.1} MiB",
        switchyard_rss.0 as f64 / 1024.0,
        switchyard_rss.1 as f64 / 1024.0
    );
    if let Some((peak, now)) = litellm_rss {
        println!(
            "LiteLLM peak RSS (main process): {:.1} MiB; at the end: {:.1} MiB",
            peak as f64 / 1024.0,
            now as f64 / 1024.0
        );
    }
}
