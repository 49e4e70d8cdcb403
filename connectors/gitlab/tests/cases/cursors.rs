//! Cursors belong to the instance that made them, and what they carry is checked like the
//! arguments it stands for.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use switchyard_core::{CallContext, Connector};
use switchyard_gitlab::GitlabConnector;
use wiremock::MockServer;

use crate::support::{ENCODED, PROJECT, args, get, issues, ok, page, requests, settings};

fn edited(cursor: &str, edit: impl FnOnce(&mut Value)) -> String {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).unwrap_or_default();
    let mut value: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    edit(&mut value);
    URL_SAFE_NO_PAD.encode(value.to_string())
}

fn named(server: &MockServer, id: &str) -> GitlabConnector {
    GitlabConnector::new(settings(server, id)).unwrap_or_else(|err| panic!("{err}"))
}

async fn refused(gl: &GitlabConnector, tool: &str, arguments: Value) -> String {
    match gl
        .call(tool, &args(arguments), &CallContext::for_tests())
        .await
    {
        Ok(out) => panic!("{tool} succeeded: {}", out.text),
        Err(err) => err.to_string(),
    }
}

#[tokio::test]
async fn a_cursor_is_refused_on_another_instance_with_the_instance_to_pass() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(page(&issues(2, 10), 1, true, Some(9)))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/issues/7"))
        .respond_with(crate::support::ok_json(&issues(1, 90_000)[0]))
        .mount(&server)
        .await;
    let gitlab = named(&server, "gitlab");
    let corp = named(&server, "corp");
    let first = ok(
        &gitlab,
        "gitlab_list_issues",
        json!({"project": PROJECT, "limit": 2}),
    )
    .await;
    let err = refused(
        &corp,
        "gitlab_list_issues",
        json!({"cursor": first.next_cursor.unwrap()}),
    )
    .await;
    assert!(
        err.contains("made by instance gitlab, not corp; pass instance=\"gitlab\""),
        "{err}"
    );
    let long = ok(
        &gitlab,
        "gitlab_get_issue",
        json!({"project": PROJECT, "iid": 7}),
    )
    .await;
    let err = refused(
        &corp,
        "gitlab_get_issue",
        json!({"project": PROJECT, "iid": 7, "cursor": long.next_cursor.unwrap()}),
    )
    .await;
    assert!(err.contains("pass instance=\"gitlab\""), "{err}");
    assert_eq!(
        requests(&server).await.len(),
        2,
        "nothing sent for refused cursors"
    );
}

#[tokio::test]
async fn edited_cursors_are_checked_like_arguments() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(page(&issues(2, 10), 1, true, Some(9)))
        .mount(&server)
        .await;
    let gl = named(&server, "gitlab");
    let first = ok(
        &gl,
        "gitlab_list_issues",
        json!({"project": PROJECT, "limit": 2}),
    )
    .await;
    let cursor = first.next_cursor.unwrap();
    let state = edited(&cursor, |c| c["a"][1] = json!("closed&per_page=100"));
    let err = refused(&gl, "gitlab_list_issues", json!({"cursor": state})).await;
    assert!(err.contains("is not one of opened, closed, all"), "{err}");
    let huge = edited(&cursor, |c| c["n"] = json!(100_000));
    let err = refused(&gl, "gitlab_list_issues", json!({"cursor": huge})).await;
    assert!(err.contains("impossible position"), "{err}");
    assert_eq!(
        requests(&server).await.len(),
        1,
        "no edited cursor reached GitLab"
    );
}

#[tokio::test]
async fn a_limit_with_a_cursor_sets_the_next_page_size() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(page(&issues(4, 10), 1, true, Some(20)))
        .mount(&server)
        .await;
    let gl = named(&server, "gitlab");
    let first = ok(
        &gl,
        "gitlab_list_issues",
        json!({"project": PROJECT, "limit": 4}),
    )
    .await;
    ok(
        &gl,
        "gitlab_list_issues",
        json!({"cursor": first.next_cursor.unwrap(), "limit": 2}),
    )
    .await;
    let sent = requests(&server).await;
    assert!(sent[1].contains("per_page=2&page=3"), "{sent:?}");
}

#[tokio::test]
async fn one_note_is_not_one_notes() {
    let server = MockServer::start().await;
    let mut list = issues(1, 10);
    list[0]["user_notes_count"] = json!(1);
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(page(&list, 1, false, Some(1)))
        .mount(&server)
        .await;
    let out = ok(
        &named(&server, "gitlab"),
        "gitlab_list_issues",
        json!({"project": PROJECT}),
    )
    .await;
    assert!(out.text.contains(" · 1 note"), "{}", out.text);
    assert!(!out.text.contains("1 notes"), "{}", out.text);
}

#[test]
fn resource_templates_cover_every_uri_read_accepts() {
    let server_uri = "http://127.0.0.1:9";
    let settings = switchyard_gitlab::GitlabSettings::new(
        "gitlab",
        server_uri,
        switchyard_core::Secret::new("t"),
    );
    let gl = GitlabConnector::new(settings).unwrap_or_else(|err| panic!("{err}"));
    let templates: Vec<String> = gl
        .resource_templates()
        .into_iter()
        .map(|t| t.uri_template)
        .collect();
    for part in [
        "/issues/",
        "/-/merge_requests/",
        "/commit/",
        "/blob/",
        "/-/pipelines/",
        "/-/jobs/",
    ] {
        assert!(
            templates.iter().any(|t| t.contains(part)),
            "{part} in {templates:?}"
        );
    }
}

#[tokio::test]
async fn item_cursors_continue_alone() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues/7"))
        .respond_with(crate::support::ok_json(&crate::support::json_fixture(
            "issue_get.json",
        )))
        .mount(&server)
        .await;
    let notes: Vec<Value> = (0..3)
        .map(|i| json!({"id": 9000 + i, "body": format!("note {i}"), "author": {"username": "octo-user"}, "created_at": "2025-01-14T00:00:00Z", "system": false}))
        .collect();
    get(&format!("projects/{ENCODED}/issues/7/notes"))
        .and(wiremock::matchers::query_param("page", "1"))
        .respond_with(page(&json!(notes[..2]), 1, true, Some(3)))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/issues/7/notes"))
        .and(wiremock::matchers::query_param("page", "2"))
        .respond_with(page(&json!(notes[2..]), 2, false, Some(3)))
        .mount(&server)
        .await;
    let mut mr = crate::support::json_fixture("merge_request_get.json");
    mr["iid"] = json!(5);
    mr["head_pipeline"] = Value::Null;
    mr["description"] = json!("description words ".repeat(2000));
    get(&format!("projects/{ENCODED}/merge_requests/5"))
        .respond_with(crate::support::ok_json(&mr))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/merge_requests/5/approvals"))
        .respond_with(crate::support::ok_json(&json!({"approved_by": []})))
        .mount(&server)
        .await;
    let gl = named(&server, "gitlab");

    // Issue notes: the cursor alone continues the same issue, two notes a page.
    let first = ok(
        &gl,
        "gitlab_get_issue",
        json!({"project": PROJECT, "iid": 7, "limit": 2}),
    )
    .await;
    assert!(first.text.contains("note 1") && !first.text.contains("note 2"));
    let next = ok(
        &gl,
        "gitlab_get_issue",
        json!({"cursor": first.next_cursor.unwrap()}),
    )
    .await;
    assert!(
        next.text.contains("note 2") && !next.text.contains("note 1"),
        "{}",
        next.text
    );
    assert!(next.next_cursor.is_none());
    // The issue is read once; its second notes page is asked of GitLab with the same size.
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(
        sent[2].ends_with(&format!(
            "/api/v4/projects/{ENCODED}/issues/7/notes?sort=asc&order_by=created_at&per_page=2&page=2"
        )),
        "{sent:?}"
    );

    // Merge request description: the cursor alone reads on, from the byte where it was cut.
    let ctx = CallContext::for_tests().with_budget(switchyard_core::ResponseBudget::tokens(2_000));
    let cut = gl
        .call(
            "gitlab_get_merge_request",
            &args(json!({"project": PROJECT, "iid": 5})),
            &ctx,
        )
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let cursor = cut.next_cursor.unwrap_or_else(|| panic!("{}", cut.text));
    let rest = ok(&gl, "gitlab_get_merge_request", json!({"cursor": cursor})).await;
    assert!(
        rest.text.starts_with(&format!(
            "merge request !5 of {PROJECT} (description from byte "
        )),
        "{}",
        rest.text
    );
    let sent = requests(&server).await;
    assert!(
        sent.last()
            .is_some_and(|r| r.ends_with(&format!("/api/v4/projects/{ENCODED}/merge_requests/5"))),
        "{sent:?}"
    );

    // With its own project and iid the cursor is taken too; with others it is refused.
    let with_args = ok(
        &gl,
        "gitlab_get_merge_request",
        json!({"project": PROJECT, "iid": 5, "cursor": cursor}),
    )
    .await;
    assert_eq!(with_args.text, rest.text);
    let other = refused(
        &gl,
        "gitlab_get_merge_request",
        json!({"project": PROJECT, "iid": 6, "cursor": cursor}),
    )
    .await;
    assert!(
        other.contains(&format!(
            "this cursor continues {PROJECT}!5 (iid 5); pass it alone"
        )),
        "{other}"
    );
    // A cursor of get_issue is not one of get_merge_request.
    let foreign = refused(
        &gl,
        "gitlab_get_merge_request",
        json!({"cursor": next_issue_cursor(&gl).await}),
    )
    .await;
    assert!(
        foreign.contains("was not made by gitlab_get_merge_request"),
        "{foreign}"
    );

    // Neither arguments nor a cursor: one clear error, and no request.
    let before = requests(&server).await.len();
    for tool in ["gitlab_get_issue", "gitlab_get_merge_request"] {
        let err = refused(&gl, tool, json!({})).await;
        assert!(
            err.contains("project and iid are required")
                && err.contains("unless you pass the cursor of a previous result"),
            "{tool}: {err}"
        );
        let err = refused(&gl, tool, json!({"project": PROJECT})).await;
        assert!(
            err.contains("project and iid are required"),
            "{tool}: {err}"
        );
    }
    assert_eq!(requests(&server).await.len(), before);
}

/// A fresh `gitlab_get_issue` cursor (issue 7, two notes a page).
async fn next_issue_cursor(gl: &GitlabConnector) -> String {
    ok(
        gl,
        "gitlab_get_issue",
        json!({"project": PROJECT, "iid": 7, "limit": 2}),
    )
    .await
    .next_cursor
    .unwrap_or_default()
}
