//! Two real `switchyard serve --http` processes on one PostgreSQL database take 200
//! concurrent delegations against a $1 team budget: the settled spend never passes the limit
//! by more than one reservation, every refusal says why, and the ledger has exactly one row
//! per answered call.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::Connection;

use crate::fixture::Fixture;
use crate::support::{call, delegation, is_error, mock_provider, text};

/// Each call costs 10×$10 + 100×$100 per Mtok = $0.0101 settled; its estimate is a little more
/// (the input estimate is bytes / 4 of the whole prompt), so ~95 calls fit in $1.
const CONFIG: &str = r#"
[identity]
user = "racer"
team = "payments"

[providers.mock]
type = "openai"
base_url = "http://MOCK/v1"
max_retries = 0

[models.priced]
provider = "mock"
model = "priced"
tier = "fast"
input_usd_per_mtok = 10.0
output_usd_per_mtok = 100.0
data_classes = ["public", "internal"]

[notes]
enabled = false

[store]
url = "STORE"

[teams.payments]

[budgets.teams.payments]
period = "day"
hard_usd = 1
"#;

const CALLS: usize = 200;
const HARD_MICROS: i64 = 1_000_000;

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(config: &std::path::Path, work: &std::path::Path, name: &str) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("address");
    let log = std::fs::File::create(work.join(format!("{name}.log"))).expect("log file");
    let child = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .arg("--config")
        .arg(config)
        .args(["serve", "--http", &addr.to_string(), "--data-dir"])
        .arg(work.join(format!("{name}-data")))
        .current_dir(work)
        .env_remove("OPENAI_API_KEY")
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("GEMINI_API_KEY")
        .env_remove("SWITCHYARD_TEAM")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("switchyard starts");
    Server { child, addr }
}

async fn wait_ready(
    client: &reqwest::Client,
    server: &mut Server,
    work: &std::path::Path,
    name: &str,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            let log = std::fs::read_to_string(work.join(format!("{name}.log"))).unwrap_or_default();
            panic!("{name} exited ({status}):\n{log}");
        }
        if let Ok(response) = client
            .get(format!("http://{}/healthz", server.addr))
            .send()
            .await
            && response.status() == 200
        {
            return;
        }
        assert!(Instant::now() < deadline, "{name} did not become ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_on_one_postgres_budget_never_pass_it_by_more_than_one_reservation() {
    let test = "governance::race";
    let Some(fixture) = Fixture::postgres(test).await else {
        return;
    };
    let url = fixture.url();
    let mock = mock_provider(Duration::from_millis(20)).await;
    let work = tempfile::tempdir().expect("temp dir");
    let config = work.path().join("switchyard.toml");
    std::fs::write(
        &config,
        CONFIG
            .replace("MOCK", &mock.addr.to_string())
            .replace("STORE", &url),
    )
    .expect("write config");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(256)
        .build()
        .expect("client");
    let mut first = start(&config, work.path(), "first");
    let mut second = start(&config, work.path(), "second");
    wait_ready(&client, &mut first, work.path(), "first").await;
    wait_ready(&client, &mut second, work.path(), "second").await;
    let urls = [
        format!("http://{}/mcp", first.addr),
        format!("http://{}/mcp", second.addr),
    ];

    let mut tasks = Vec::new();
    for n in 0..CALLS {
        let client = client.clone();
        let url = urls[n % 2].clone();
        tasks.push(tokio::spawn(async move {
            call(&client, &url, "delegate", delegation(n, None)).await
        }));
    }
    let mut answered = 0;
    let mut refused = Vec::new();
    let mut max_estimate = 0_i64;
    for task in tasks {
        let result = task.await.expect("the call task");
        if is_error(&result) {
            refused.push(text(&result));
        } else {
            answered += 1;
            let estimate = result["structuredContent"]["estimated_cost_micros"]
                .as_i64()
                .expect("an estimate");
            max_estimate = max_estimate.max(estimate);
        }
    }
    assert!(
        answered > 50,
        "only {answered} calls were answered: {:?}",
        refused.first()
    );
    assert!(!refused.is_empty(), "the $1 budget never refused a call");
    for message in &refused {
        assert!(
            message.contains("budgets.teams.payments (hard limit $1.00 per day) is reached")
                && message.contains("remaining $")
                && message.contains("resets at "),
            "a refusal does not say why: {message}"
        );
    }
    assert_eq!(answered + refused.len(), CALLS);
    assert_eq!(
        mock.calls.load(std::sync::atomic::Ordering::SeqCst),
        answered as u64
    );

    let mut db = sqlx::PgConnection::connect(&url).await.expect("connect");
    let (spent, reserved): (i64, i64) = sqlx::query_as(
        "SELECT spent_micros, reserved_micros FROM budget_usage WHERE scope = 'team' AND name = 'payments'",
    )
    .fetch_one(&mut db)
    .await
    .expect("the budget row");
    assert_eq!(reserved, 0, "every reservation was settled");
    let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM budget_reservations")
        .fetch_one(&mut db)
        .await
        .expect("reservations");
    assert_eq!(open, 0, "no reservation is left open");
    // Reservations are each call's cost ceiling, so the limit holds outright (stronger than
    // "at most one reservation over").
    assert!(
        spent <= HARD_MICROS,
        "spent {spent} µ$ passes the $1 limit (largest estimate {max_estimate} µ$)"
    );
    assert_eq!(
        spent,
        answered as i64 * 10_100,
        "each answered call settled its cost"
    );
    let (rows, ok_rows, ledger_cost): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE outcome = 'ok'), CAST(COALESCE(SUM(cost_micros), 0) AS BIGINT) FROM ledger",
    )
    .fetch_one(&mut db)
    .await
    .expect("ledger sums");
    assert_eq!(rows, CALLS as i64, "one ledger row per answered call");
    assert_eq!(ok_rows, answered as i64);
    assert_eq!(ledger_cost, spent);
    let audit: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'budget_refused'")
            .fetch_one(&mut db)
            .await
            .expect("audit count");
    assert_eq!(audit, refused.len() as i64);
    db.close().await.ok();
    drop(first);
    drop(second);
}
