//! Issues: paging with GitLab's headers and our cursors, a long thread, search with an
//! allowlist, reading URIs, and the cross-source search.

use serde_json::{Value, json};
use switchyard_core::{CallContext, Connector, ItemUri, SearchQuery};
use wiremock::MockServer;
use wiremock::matchers::query_param;

use crate::support::{
    ENCODED, PROJECT, connector, fixture, get, issues, json_fixture, ok, ok_json, page, requests,
    settings,
};

fn headers_page(body: &str, headers: &str) -> wiremock::ResponseTemplate {
    let mut template = wiremock::ResponseTemplate::new(200).set_body_string(fixture(body));
    for line in fixture(headers).lines().skip(1) {
        if let Some((name, value)) = line.split_once(':') {
            template = template.insert_header(name.trim(), value.trim());
        }
    }
    template
}

#[tokio::test]
async fn list_issues_pages_through_gitlab_headers_with_our_cursor() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues"))
        .and(query_param("state", "all"))
        .and(query_param("per_page", "2"))
        .and(query_param("page", "1"))
        .respond_with(headers_page(
            "issues_list_page1.json",
            "issues_list_page1.headers",
        ))
        .expect(1)
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/issues"))
        .and(query_param("per_page", "2"))
        .and(query_param("page", "2"))
        .respond_with(headers_page(
            "issues_list_page2.json",
            "issues_list_page2.headers",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let gl = connector(&server);
    let first = ok(
        &gl,
        "gitlab_list_issues",
        json!({"project": PROJECT, "limit": 2}),
    )
    .await;
    assert!(first.text.contains("#7 [opened] Éditeur: emoji 😀 in title breaks the sidebar 🐛 · @root · labels: bug, frontend, priority::1 · updated 2016-01-04 · 3 notes"), "{}", first.text);
    assert!(first.text.contains(&format!("gitlab://{PROJECT}/issues/7")));
    assert!(
        first.text.contains("items: 2 · omitted: 1"),
        "{}",
        first.text
    );
    let second = ok(
        &gl,
        "gitlab_list_issues",
        json!({"cursor": first.next_cursor.unwrap()}),
    )
    .await;
    assert!(second.text.contains("#1 [closed]"), "{}", second.text);
    assert!(
        second.next_cursor.is_none() && !second.truncated,
        "{}",
        second.text
    );
    let sent = requests(&server).await;
    assert!(
        sent.iter().all(|r| r.contains("order_by=updated_at")),
        "{sent:?}"
    );
}

#[tokio::test]
async fn an_empty_list_says_so() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues"))
        .and(query_param("labels", "does-not-exist"))
        .respond_with(page(
            &json_fixture("issues_list_empty.json"),
            1,
            false,
            Some(0),
        ))
        .mount(&server)
        .await;
    let out = ok(
        &connector(&server),
        "gitlab_list_issues",
        json!({"project": PROJECT, "labels": "does-not-exist"}),
    )
    .await;
    assert!(
        out.text
            .contains("(no results) no issue matches these filters"),
        "{}",
        out.text
    );
}

#[tokio::test]
async fn an_issue_with_200_notes_is_compact_and_paged() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues/7"))
        .respond_with(ok_json(&json_fixture("issue_get.json")))
        .mount(&server)
        .await;
    let notes = |from: usize| -> Value {
        Value::Array((from..from + 20).map(|i| json!({"id": 9000 + i, "body": format!("comment {i}: {}", "words ".repeat(150)), "author": {"username": "octo-user"}, "created_at": "2025-01-14T00:00:00Z", "system": i % 10 == 3})).collect())
    };
    for page_number in 1..=2 {
        get(&format!("projects/{ENCODED}/issues/7/notes"))
            .and(query_param("sort", "asc"))
            .and(query_param("per_page", "20"))
            .and(query_param("page", page_number.to_string().as_str()))
            .respond_with(page(
                &notes((page_number - 1) * 20),
                page_number,
                true,
                Some(200),
            ))
            .mount(&server)
            .await;
    }
    let gl = connector(&server);
    let out = ok(
        &gl,
        "gitlab_get_issue",
        json!({"project": PROJECT, "iid": 7}),
    )
    .await;
    assert!(out.text.starts_with("#7 [opened] Éditeur"), "{}", out.text);
    assert!(out.text.contains("1. Create a label named `ünïcode-✓`"));
    assert!(out.text.contains("labels: bug, frontend, priority::1"));
    assert!(out.text.contains("comment 19:") && !out.text.contains("comment 20:"));
    assert!(
        out.text.contains("items: 20 · omitted: 180"),
        "{}",
        out.text
    );
    assert!(out.text.len() < 30_000, "{} bytes", out.text.len());
    let next = ok(
        &gl,
        "gitlab_get_issue",
        json!({"project": PROJECT, "iid": 7, "cursor": out.next_cursor.unwrap()}),
    )
    .await;
    assert!(
        next.text.contains("comment 20:") && !next.text.contains("Éditeur"),
        "{}",
        next.text
    );
    // A cursor belongs to its issue.
    let err = crate::support::call(
        &gl,
        "gitlab_get_issue",
        json!({"project": PROJECT, "iid": 8, "cursor": next.next_cursor.unwrap()}),
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("!7 (iid 7); pass it alone"),
        "{err}"
    );
}

#[tokio::test]
async fn a_long_body_is_cut_with_a_cursor_for_the_rest() {
    let server = MockServer::start().await;
    let mut issue = json_fixture("issue_get.json");
    let body: String = (0..4000)
        .map(|i| format!("paragraph {i} of a very long issue body\n"))
        .collect();
    issue["description"] = json!(body);
    get(&format!("projects/{ENCODED}/issues/7"))
        .respond_with(ok_json(&issue))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/issues/7/notes"))
        .respond_with(page(&json!([]), 1, false, Some(0)))
        .mount(&server)
        .await;
    let gl = connector(&server);
    let ctx = CallContext::for_tests().with_budget(switchyard_core::ResponseBudget::tokens(2000));
    let out = gl
        .call(
            "gitlab_get_issue",
            &crate::support::args(json!({"project": PROJECT, "iid": 7})),
            &ctx,
        )
        .await
        .unwrap();
    assert!(
        out.truncated && out.text.contains("[body truncated:"),
        "{}",
        out.text
    );
    assert!(out.text.len() <= 8000);
    let rest = gl
        .call(
            "gitlab_get_issue",
            &crate::support::args(
                json!({"project": PROJECT, "iid": 7, "cursor": out.next_cursor.unwrap()}),
            ),
            &ctx,
        )
        .await
        .unwrap();
    assert!(rest.text.contains("continued from byte"), "{}", rest.text);
}

#[tokio::test]
async fn global_search_drops_projects_outside_the_allowlist() {
    let server = MockServer::start().await;
    let mut found = issues(3, 100);
    found[1]["references"]["full"] = json!("other-group/secret-project#101");
    get("issues")
        .and(query_param("scope", "all"))
        .and(query_param("search", "sidebar emoji"))
        .respond_with(page(&found, 1, false, None))
        .expect(1)
        .mount(&server)
        .await;
    let mut settings = settings(&server, "gitlab");
    settings.projects = vec!["my-group/*".into()];
    let gl = switchyard_gitlab::GitlabConnector::new(settings).unwrap();
    let out = ok(
        &gl,
        "gitlab_search_issues",
        json!({"query": "sidebar emoji"}),
    )
    .await;
    assert!(
        out.text.contains("#100 ") && out.text.contains("#102 "),
        "{}",
        out.text
    );
    assert!(
        !out.text.contains("#101") && !out.text.contains("secret-project"),
        "{}",
        out.text
    );
    assert!(
        out.text
            .contains("1 result outside this instance's project allowlist left out")
    );
    // Asking for a project outside the allowlist is refused before any request.
    let err = crate::support::call(
        &gl,
        "gitlab_list_issues",
        json!({"project": "other-group/secret-project"}),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("outside the allowlist"), "{err}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn uris_read_and_search_context_finds_issues_and_merge_requests() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues/7"))
        .respond_with(ok_json(&json_fixture("issue_get.json")))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/issues/7/notes"))
        .respond_with(page(&json!([]), 1, false, Some(0)))
        .mount(&server)
        .await;
    get("issues")
        .and(query_param("search", "sidebar"))
        .respond_with(ok_json(&json_fixture("issues_list_page1.json")))
        .mount(&server)
        .await;
    get("merge_requests")
        .and(query_param("search", "sidebar"))
        .respond_with(ok_json(&json_fixture("merge_requests_list.json")))
        .mount(&server)
        .await;
    let gl = connector(&server);
    let ctx = CallContext::for_tests();
    let uri = ItemUri::parse(&format!("gitlab://{PROJECT}/issues/7")).unwrap();
    let out = gl.read(&uri, &ctx).await.unwrap();
    assert!(out.text.contains("Éditeur"), "{}", out.text);
    let err = gl
        .read(
            &ItemUri::parse("gitlab://my-group/../x/issues/7").unwrap(),
            &ctx,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains(".."), "{err}");
    assert!(gl.searchable());
    let hits = gl
        .search(
            &SearchQuery {
                text: "sidebar".into(),
                limit: 3,
            },
            &ctx,
        )
        .await
        .unwrap();
    assert_eq!(hits.len(), 3);
    assert!(
        hits.iter()
            .any(|h| h.uri == format!("gitlab://{PROJECT}/issues/7"))
    );
    assert!(
        hits.iter().any(|h| h.uri.contains("/-/merge_requests/")),
        "{hits:?}"
    );
}

#[tokio::test]
async fn search_omitted_counts_results_to_come_not_the_allowlist_left_outs() {
    let server = MockServer::start().await;
    let mut found = issues(3, 100);
    found[1]["references"]["full"] = json!("other-group/secret-project#101");
    get("issues")
        .and(query_param("scope", "all"))
        .and(query_param("search", "sidebar"))
        .and(query_param("per_page", "3"))
        .and(query_param("page", "1"))
        .respond_with(page(&found, 1, true, Some(45)))
        .expect(1)
        .mount(&server)
        .await;
    let mut settings = settings(&server, "gitlab");
    settings.projects = vec!["my-group/*".into()];
    let gl = switchyard_gitlab::GitlabConnector::new(settings).unwrap();
    let out = ok(
        &gl,
        "gitlab_search_issues",
        json!({"query": "sidebar", "limit": 3}),
    )
    .await;
    // 3 of 45 read (2 shown, 1 outside the allowlist): 42 still to come, as in list tools.
    assert!(
        out.text.contains(
            "(1 result outside this instance's project allowlist left out)\n---\nitems: 2 · omitted: 42 · truncated: true"
        ),
        "{}",
        out.text
    );
    assert!(out.next_cursor.is_some());
}
