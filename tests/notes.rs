//! The notes connector through the contract: the test kit, paging, authorship, resources.

#![expect(
    clippy::expect_used,
    reason = "a test helper that cannot set up fails the test"
)]

use serde_json::json;
use switchyard::notes::NotesConnector;
use switchyard::store::Store;
use switchyard_core::testkit::{
    assert_budget_respected, assert_error_actionable, assert_rejects_bad_arguments,
    assert_tool_specs,
};
use switchyard_core::{CallContext, Connector, ErrorKind, Identity, ItemUri, JsonObject};

async fn notes() -> (NotesConnector, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).await.expect("store opens");
    (NotesConnector::new(store.notes()), dir)
}

fn args(value: serde_json::Value) -> JsonObject {
    value.as_object().cloned().unwrap_or_default()
}

fn as_user(user: &str) -> CallContext {
    let mut ctx = CallContext::for_tests();
    ctx.identity = Identity::user(user).with_team("core");
    ctx
}

#[tokio::test]
async fn passes_the_connector_test_kit() {
    let (notes, _dir) = notes().await;
    assert_tool_specs(&notes);
    assert_rejects_bad_arguments(&notes).await;
}

#[tokio::test]
async fn pages_cover_every_note_exactly_once() {
    let (notes, _dir) = notes().await;
    let ctx = as_user("ana");
    for i in 1..=7 {
        notes
            .call(
                "note_add",
                &args(json!({"text": format!("note number {i}"), "tags": ["batch"]})),
                &ctx,
            )
            .await
            .expect("added");
    }
    notes
        .call("note_add", &args(json!({"text": "not in the batch"})), &ctx)
        .await
        .expect("added");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        // The first call names the filter; the next ones pass the cursor alone.
        let request = match &cursor {
            None => json!({"tag": "batch", "limit": 3}),
            Some(c) => json!({"cursor": c, "limit": 3}),
        };
        let page = notes
            .call("note_list", &args(request), &ctx)
            .await
            .expect("listed");
        seen.extend(page.uris.clone());
        cursor = page.next_cursor.clone();
        if cursor.is_none() {
            assert!(!page.truncated);
            break;
        }
        assert!(page.text.contains("next_cursor"), "{}", page.text);
    }
    let expected: Vec<String> = (1..=7).rev().map(|i| format!("note://{i}")).collect();
    assert_eq!(seen, expected);
    let first = notes
        .call(
            "note_list",
            &args(json!({"tag": "batch", "limit": 3})),
            &ctx,
        )
        .await
        .expect("listed");
    let err = notes
        .call(
            "note_list",
            &args(json!({"tag": "other", "cursor": first.next_cursor})),
            &ctx,
        )
        .await
        .expect_err("another listing");
    assert!(err.to_string().contains("made with other tag;"), "{err}");
}

#[tokio::test]
async fn only_the_author_deletes_and_reads_are_by_uri() {
    let (notes, _dir) = notes().await;
    let added = notes
        .call(
            "note_add",
            &args(json!({"text": "Rollback plan for #42", "links": ["git://api/commit/abc123"]})),
            &as_user("ana"),
        )
        .await
        .expect("added");
    assert!(added.text.starts_with("added note://1"), "{}", added.text);
    let err = notes
        .call("note_delete", &args(json!({"id": "1"})), &as_user("bo"))
        .await
        .expect_err("not the author");
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(err.to_string().contains("written by ana"), "{err}");
    assert_error_actionable(&err);
    let read = notes
        .read(&ItemUri::parse("note://1").expect("uri"), &as_user("bo"))
        .await
        .expect("readable");
    assert!(
        read.text.contains("by ana (core)") && read.text.contains("links: git://api/commit/abc123"),
        "{}",
        read.text
    );
    notes
        .call(
            "note_delete",
            &args(json!({"id": "note://1"})),
            &as_user("ana"),
        )
        .await
        .expect("deleted");
    let err = notes
        .call("note_read", &args(json!({"id": "1"})), &as_user("ana"))
        .await
        .expect_err("gone");
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn bad_notes_are_refused_with_reasons() {
    let (notes, _dir) = notes().await;
    let ctx = as_user("ana");
    for (request, needle) in [
        (json!({"text": "   "}), "must not be empty"),
        (json!({"text": "x".repeat(70 * 1024)}), "at most 65536"),
        (json!({"text": "ok", "tags": ["two words"]}), "one word"),
        (json!({"text": "ok", "tags": vec!["t"; 21]}), "at most 20"),
        (json!({"text": "é".repeat(65_537)}), "65537 characters"),
        (
            json!({"text": "ok", "links": ["not a uri"]}),
            "not an item URI",
        ),
        (json!({"limit": 0}), "limit must be between 1 and 100"),
    ] {
        let tool = if request.get("limit").is_some() {
            "note_list"
        } else {
            "note_add"
        };
        let err = notes
            .call(tool, &args(request), &ctx)
            .await
            .expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::InvalidArguments);
        assert!(err.to_string().contains(needle), "{err}");
    }
    let err = notes
        .call("note_list", &args(json!({"cursor": "garbage"})), &ctx)
        .await
        .expect_err("bad cursor");
    assert!(err.to_string().contains("cursor"), "{err}");
}

#[tokio::test]
async fn a_long_list_respects_a_small_budget() {
    let (notes, _dir) = notes().await;
    let ctx = as_user("ana");
    for i in 0..40 {
        notes
            .call(
                "note_add",
                &args(json!({"text": format!("{i} {}", "lorem ipsum ".repeat(20))})),
                &ctx,
            )
            .await
            .expect("added");
    }
    let output =
        assert_budget_respected(&notes, "note_list", &args(json!({"limit": 100})), 256).await;
    assert!(
        output.truncated && output.next_cursor.is_some(),
        "{}",
        output.text
    );
}
