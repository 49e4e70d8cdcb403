//! The ledger comes before the answer: a call whose row cannot be committed is not answered.

use std::time::Duration;

use serde_json::json;

use crate::support::{call, is_error, mock_provider, models_config, serve, text};

#[tokio::test]
async fn an_answer_that_cannot_be_recorded_in_the_ledger_is_withheld() {
    use sqlx::Connection;
    let mock = mock_provider(Duration::ZERO).await;
    let served = serve(&models_config(mock.addr), None, |r| r).await;
    let client = reqwest::Client::new();
    let ok = call(&client, &served.url, "budget_status", json!({})).await;
    assert!(!is_error(&ok), "{ok}");
    let file = served.data.path().join(switchyard::store::DATABASE_FILE);
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .expect("open the database");
    sqlx::query("ALTER TABLE ledger RENAME TO ledger_gone")
        .execute(&mut db)
        .await
        .expect("renamed");
    let withheld = call(&client, &served.url, "budget_status", json!({})).await;
    assert!(is_error(&withheld), "{withheld}");
    let message = text(&withheld);
    assert!(
        message.contains("the usage ledger could not be written")
            && message.contains("its result is withheld because it could not be recorded"),
        "{message}"
    );
}
