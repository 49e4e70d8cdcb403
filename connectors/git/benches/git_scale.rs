//! Scale benchmark of the git connector on a 100,000-commit repository.
//!
//! `cargo bench -p switchyard-git --bench git_scale` builds the repository once with
//! `git fast-import` (a linear history touching 200 files, plus a side branch and tags), then
//! times the operations an agent actually does, several rounds each, and reports the median,
//! the slowest round and the process's peak resident memory. Results go to
//! `docs/performance.md` by hand. The numbers are wall-clock on whatever machine runs it; the
//! ratios between rows are what carry over.

#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use switchyard_core::{CallContext, Connector, JsonObject};
use switchyard_git::{GitConnector, RepoConfig};

const COMMITS: usize = 100_000;
const FILES: usize = 200;
const ROUNDS: usize = 7;

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let dir = tempfile::tempdir()?;
    let built = Instant::now();
    build_repository(dir.path())?;
    println!("# git connector at scale\n");
    println!(
        "repository: {COMMITS} commits over {FILES} files, built in {:.1} s with git fast-import\n",
        built.elapsed().as_secs_f64()
    );
    let connector = GitConnector::open("git", vec![RepoConfig::new(dir.path()).named("big")])?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let rss_before = peak_rss_kib();

    let first_page = runtime.block_on(call(&connector, "git_log", json!({"limit": 30})))?;
    let cursor = first_page.next_cursor.clone().unwrap_or_default();
    let deep_cursor = runtime.block_on(deep_cursor(&connector, 50_000))?;

    let cases: Vec<(&str, &str, Value)> = vec![
        ("git_log, first page of 30", "git_log", json!({"limit": 30})),
        (
            "git_log, second page via cursor",
            "git_log",
            json!({"limit": 30, "cursor": cursor}),
        ),
        (
            "git_log, page at commit 50,000 via cursor",
            "git_log",
            json!({"limit": 30, "cursor": deep_cursor}),
        ),
        (
            "git_log, path filter (1 file of 200), first page",
            "git_log",
            json!({"limit": 30, "path": "src/file_007.txt"}),
        ),
        (
            "git_log, author matching nothing (20,000-commit scan window)",
            "git_log",
            json!({"author": "nobody"}),
        ),
        ("git_show_commit HEAD", "git_show_commit", json!({})),
        (
            "git_diff HEAD~1000..HEAD",
            "git_diff",
            json!({"from": "HEAD~1000", "to": "HEAD"}),
        ),
        (
            "git_blame one file",
            "git_blame",
            json!({"path": "src/file_007.txt"}),
        ),
        (
            "git_read_file at HEAD~5000",
            "git_read_file",
            json!({"path": "src/file_007.txt", "rev": "HEAD~5000"}),
        ),
        (
            "git_search_code literal over the tree",
            "git_search_code",
            json!({"query": "line 42"}),
        ),
        ("git_list_refs", "git_list_refs", json!({})),
        ("git_status", "git_status", json!({})),
    ];
    println!("| operation | median | slowest of {ROUNDS} | bytes returned |");
    println!("|---|---:|---:|---:|");
    for (label, tool, arguments) in cases {
        let mut times = Vec::with_capacity(ROUNDS);
        let mut bytes = 0;
        for _ in 0..ROUNDS {
            let started = Instant::now();
            let output = runtime.block_on(call(&connector, tool, arguments.clone()))?;
            times.push(started.elapsed());
            bytes = output.text.len();
        }
        times.sort();
        println!(
            "| {label} | {} | {} | {bytes} |",
            format_duration(times[ROUNDS / 2]),
            format_duration(times[ROUNDS - 1])
        );
    }
    println!(
        "\npeak RSS: {} MiB after building the fixture, {} MiB after all calls",
        rss_before / 1024,
        peak_rss_kib() / 1024
    );
    Ok(())
}

async fn call(
    connector: &GitConnector,
    tool: &str,
    arguments: Value,
) -> Result<switchyard_core::ToolOutput, Error> {
    let args: JsonObject = arguments.as_object().cloned().unwrap_or_default();
    let ctx = CallContext::for_tests().with_timeout(Duration::from_secs(120));
    connector
        .call(tool, &args, &ctx)
        .await
        .map_err(|err| format!("{tool} failed: {err}").into())
}

/// Follow cursors of 200-commit pages until `position` commits have been passed.
async fn deep_cursor(connector: &GitConnector, position: usize) -> Result<String, Error> {
    let mut cursor: Option<String> = None;
    for _ in 0..position / 200 {
        let mut arguments = json!({"limit": 200});
        if let Some(cursor) = &cursor {
            arguments["cursor"] = json!(cursor);
        }
        let page = call(connector, "git_log", arguments).await?;
        cursor = page.next_cursor;
    }
    cursor.ok_or_else(|| "the log ended early".into())
}

/// A linear history of COMMITS commits, each changing one of FILES files, via fast-import.
fn build_repository(dir: &std::path::Path) -> Result<(), Error> {
    let status = Command::new("git")
        .args(["init", "-q", "-b", "main"])
        .current_dir(dir)
        .status()?;
    if !status.success() {
        return Err("git init failed".into());
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let epoch = 1_600_000_000_i64;
    let mut buffer = String::with_capacity(1 << 20);
    for n in 1..=COMMITS {
        let file = n % FILES;
        let message = format!("change {n}: touch file {file}\n");
        let content: String = (0..60)
            .map(|line| format!("line {line} of file {file}, revision {n}\n"))
            .collect();
        buffer.push_str(&format!(
            "commit refs/heads/main\nmark :{n}\nauthor Dev {a} <dev{a}@example.com> {t} +0000\ncommitter Dev {a} <dev{a}@example.com> {t} +0000\ndata {}\n{message}",
            message.len(),
            a = n % 17,
            t = epoch + n as i64 * 60,
        ));
        if n > 1 {
            buffer.push_str(&format!("from :{}\n", n - 1));
        }
        buffer.push_str(&format!(
            "M 644 inline src/file_{file:03}.txt\ndata {}\n{content}\n",
            content.len()
        ));
        if n % 25_000 == 0 {
            buffer.push_str(&format!("reset refs/tags/v{}\nfrom :{n}\n\n", n / 25_000));
        }
        if buffer.len() > (1 << 20) {
            stdin.write_all(buffer.as_bytes())?;
            buffer.clear();
        }
    }
    buffer.push_str(&format!(
        "reset refs/heads/side\nfrom :{}\n\n",
        COMMITS - 500
    ));
    stdin.write_all(buffer.as_bytes())?;
    drop(stdin);
    if !child.wait()?.success() {
        return Err("git fast-import failed".into());
    }
    let status = Command::new("git")
        .args(["checkout", "-q", "main"])
        .current_dir(dir)
        .status()?;
    if !status.success() {
        return Err("git checkout failed".into());
    }
    Ok(())
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

fn format_duration(duration: Duration) -> String {
    if duration < Duration::from_millis(10) {
        format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
    } else {
        format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
    }
}
