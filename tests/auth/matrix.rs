//! API keys end to end: who gets in, what each team sees and may call, admin endpoints, and
//! the `keys` commands as a user sees them.

use serde_json::json;

use crate::harness::{BASE_CONFIG, Workspace, audit_rows};

#[tokio::test]
async fn requests_without_a_good_key_get_401_with_the_metadata_pointer() {
    let workspace = Workspace::new(BASE_CONFIG);
    let (_, good) = workspace.create_key(&["--user", "bob", "--team", "payments"]);
    let (revoked_id, revoked) = workspace.create_key(&["--user", "carl"]);
    let (ok, stdout, _) = workspace.run(&["keys", "revoke", &revoked_id]);
    assert!(ok && stdout.contains("revoked key"), "{stdout}");
    let (_, expired) = workspace.create_key(&["--user", "dora", "--expires", "1m"]);
    let server = workspace.serve("127.0.0.1:0").expect("serves");

    let none = server.mcp(None, "tools/list", json!({})).await;
    assert_eq!(none.status, 401, "{}", none.text);
    let challenge = none.www_authenticate.expect("a WWW-Authenticate header");
    assert!(
        challenge.starts_with("Bearer resource_metadata=\"http://127.0.0.1:")
            && challenge.contains("/.well-known/oauth-protected-resource\""),
        "{challenge}"
    );
    assert!(!challenge.contains("invalid_token"), "{challenge}");

    let unknown = "sy_0123456789ab_".to_owned() + &"0".repeat(64);
    let garbage = "not-a-key-and-not-a-jwt";
    for (token, expected) in [
        (revoked.as_str(), "revoked"),
        (unknown.as_str(), "not known"),
        (garbage, "no [auth.jwt] is configured"),
    ] {
        let answer = server.mcp(Some(token), "tools/list", json!({})).await;
        assert_eq!(answer.status, 401, "{token}: {}", answer.text);
        let challenge = answer.www_authenticate.expect("a challenge");
        assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
        assert!(challenge.contains("resource_metadata="), "{challenge}");
        assert_eq!(answer.body["error"], "invalid_token");
        let description = answer.body["error_description"]
            .as_str()
            .unwrap_or_default();
        assert!(description.contains(expected), "{token}: {description}");
        assert!(!answer.text.contains(token), "the answer repeats the token");
    }
    // Expired: made with a one-minute lifetime, so mark it expired in the store directly.
    expire_all_but(&workspace, &["bob", "carl"]).await;
    let answer = server.mcp(Some(&expired), "tools/list", json!({})).await;
    assert_eq!(answer.status, 401, "{}", answer.text);
    assert!(answer.text.contains("expired"), "{}", answer.text);

    let names = server.tool_names(&good).await;
    assert!(names.iter().any(|n| n == "note_list"), "{names:?}");
}

/// Set `expires_at` in the past for every key whose user is not in `keep`.
async fn expire_all_but(workspace: &Workspace, keep: &[&str]) {
    let url = format!(
        "sqlite://{}",
        workspace.data().join("switchyard.db").display()
    );
    let pool = sqlx::SqlitePool::connect(&url).await.expect("opens");
    let mut query = String::from(
        "UPDATE api_keys SET expires_at = '2000-01-01T00:00:00Z' WHERE user_name NOT IN (",
    );
    query.push_str(
        &keep
            .iter()
            .map(|u| format!("'{u}'"))
            .collect::<Vec<_>>()
            .join(","),
    );
    query.push(')');
    sqlx::query(sqlx::AssertSqlSafe(query))
        .execute(&pool)
        .await
        .expect("updated");
    pool.close().await;
}

#[tokio::test]
async fn a_team_sees_and_calls_only_what_its_policy_allows() {
    let workspace = Workspace::new(BASE_CONFIG);
    let (bob_id, bob) = workspace.create_key(&["--user", "bob", "--team", "payments"]);
    let (_, reader) = workspace.create_key(&["--user", "rita", "--team", "readers"]);
    let (_, outsider) = workspace.create_key(&["--user", "otto", "--team", "nowhere"]);
    let server = workspace.serve("127.0.0.1:0").expect("serves");

    let payments = server.tool_names(&bob).await;
    assert!(!payments.iter().any(|n| n == "note_add"), "{payments:?}");
    assert!(payments.iter().any(|n| n == "note_delete"), "{payments:?}");
    let readers = server.tool_names(&reader).await;
    assert!(
        !readers
            .iter()
            .any(|n| n == "note_add" || n == "note_delete"),
        "{readers:?}"
    );
    assert!(readers.iter().any(|n| n == "note_list"), "{readers:?}");
    // A team without a [teams] section gets the default policy: everything.
    let everything = server.tool_names(&outsider).await;
    assert!(everything.iter().any(|n| n == "note_add"), "{everything:?}");

    let refused = server
        .call(&bob, "note_add", json!({"text": "hello"}))
        .await;
    assert_eq!(refused.status, 200, "{}", refused.text);
    let result = &refused.body["result"];
    assert_eq!(result["isError"], true, "{result}");
    let text = result["content"][0]["text"].as_str().expect("a message");
    assert!(
        text.contains("teams.payments.policy.deny_tools contains \"note_add\""),
        "{text}"
    );
    let refused = server
        .call(&reader, "note_delete", json!({"id": "1"}))
        .await;
    let text = refused.body["result"]["content"][0]["text"]
        .as_str()
        .expect("a message");
    assert!(
        text.contains("teams.readers.policy.writes = false"),
        "{text}"
    );

    let allowed = server
        .call(&outsider, "note_add", json!({"text": "hello"}))
        .await;
    assert_eq!(allowed.body["result"]["isError"], false, "{}", allowed.text);

    let rows = audit_rows(&workspace).await;
    let denied: Vec<_> = rows.iter().filter(|r| r.event == "policy_denied").collect();
    assert_eq!(denied.len(), 2, "{rows:?}");
    assert_eq!(denied[0].user, "bob");
    assert_eq!(denied[0].team.as_deref(), Some("payments"));
    assert!(denied[0].detail.contains("deny_tools"), "{:?}", denied[0]);
    assert!(
        rows.iter()
            .any(|r| r.event == "key_created" && r.detail.contains(&bob_id)),
        "{rows:?}"
    );
}

#[tokio::test]
async fn admin_endpoints_need_the_admin_role() {
    let workspace = Workspace::new(BASE_CONFIG);
    let (_, member) = workspace.create_key(&["--user", "bob", "--team", "payments"]);
    let (_, by_flag) = workspace.create_key(&["--user", "root", "--role", "admin"]);
    // alice is listed in [teams.payments] admins.
    let (_, by_team) = workspace.create_key(&["--user", "alice", "--team", "payments"]);
    let server = workspace.serve("127.0.0.1:0").expect("serves");

    let forbidden = server.get("/admin/keys", Some(&member)).await;
    assert_eq!(forbidden.status, 403, "{}", forbidden.text);
    assert_eq!(forbidden.body["error"], "forbidden");
    assert_eq!(server.get("/admin/keys", None).await.status, 401);
    for admin in [&by_flag, &by_team] {
        let listed = server.get("/admin/keys", Some(admin)).await;
        assert_eq!(listed.status, 200, "{}", listed.text);
        let keys = listed.body["keys"].as_array().expect("keys");
        assert_eq!(keys.len(), 3);
        assert!(keys.iter().all(|k| k.get("hash").is_none()));
        for secret in [&member, &by_flag, &by_team] {
            assert!(!listed.text.contains(secret.as_str()));
        }
    }
}

#[test]
fn keys_are_printed_once_listed_without_secrets_and_revoked() {
    let workspace = Workspace::new(BASE_CONFIG);
    let (ok, stdout, stderr) = workspace.run(&[
        "keys",
        "create",
        "--user",
        "alice",
        "--team",
        "ghost",
        "--role",
        "admin",
        "--expires",
        "90d",
    ]);
    assert!(ok, "{stderr}");
    let key = stdout
        .lines()
        .find(|l| l.starts_with("sy_"))
        .expect("the key is printed")
        .to_owned();
    assert_eq!(stdout.matches(&key).count(), 1, "{stdout}");
    assert!(stdout.contains("only time the key is shown"), "{stdout}");
    assert!(
        stdout.contains("team \"ghost\" has no [teams.ghost] section"),
        "{stdout}"
    );
    let id = key.split('_').nth(1).expect("an id").to_owned();

    let (ok, listed, _) = workspace.run(&["keys", "list"]);
    assert!(ok);
    assert!(
        listed.contains(&id) && listed.contains("alice") && listed.contains("active"),
        "{listed}"
    );
    assert!(!listed.contains(&key), "keys list printed the key");

    let (ok, revoked, _) = workspace.run(&["keys", "revoke", &id]);
    assert!(ok, "{revoked}");
    let (_, listed, _) = workspace.run(&["keys", "list"]);
    assert!(listed.contains("revoked"), "{listed}");
    let (ok, _, stderr) = workspace.run(&["keys", "revoke", "000000000000"]);
    assert!(!ok && stderr.contains("no key has the id"), "{stderr}");
    let (ok, _, stderr) = workspace.run(&["keys", "create", "--user", "x", "--expires", "3y"]);
    assert!(!ok && stderr.contains("--expires"), "{stderr}");

    workspace.create_key(&["--user", "gil", "--team", "ghost"]);
    let (ok, checked, _) = workspace.run(&["check"]);
    assert!(checked.contains("auth:     API keys"), "{ok} {checked}");
    assert!(
        checked.contains("team \"ghost\" (named by key ")
            && checked.contains("get the default policy"),
        "{checked}"
    );
}

#[tokio::test]
async fn revoking_a_revoked_key_says_so_and_audits_once() {
    let workspace = Workspace::new(BASE_CONFIG);
    let (id, _) = workspace.create_key(&["--user", "dave"]);
    let (ok, first, _) = workspace.run(&["keys", "revoke", &id]);
    assert!(ok && first.starts_with("revoked key "), "{first}");
    let (ok, second, stderr) = workspace.run(&["keys", "revoke", &id]);
    assert!(ok, "{stderr}");
    assert!(
        second.contains(&format!("key {id} of dave was already revoked (at ")),
        "{second}"
    );
    let revocations = audit_rows(&workspace)
        .await
        .into_iter()
        .filter(|row| row.event == "key_revoked")
        .count();
    assert_eq!(revocations, 1);
}

#[tokio::test]
async fn a_denied_source_cannot_be_reached_through_context_tools_or_resources() {
    let config = BASE_CONFIG.to_owned() + "\n[teams.nonotes.policy]\ndeny_tools = [\"notes\"]\n";
    let workspace = Workspace::new(&config);
    let (_, writer) = workspace.create_key(&["--user", "wanda"]);
    let (_, blocked) = workspace.create_key(&["--user", "nina", "--team", "nonotes"]);
    let server = workspace.serve("127.0.0.1:0").expect("serves");
    let added = server
        .call(
            &writer,
            "note_add",
            json!({"text": "the deploy key rotates on friday"}),
        )
        .await;
    assert_eq!(added.body["result"]["isError"], false, "{}", added.text);
    let uri = added.text.split("note://").nth(1).map(|rest| {
        let id: String = rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        format!("note://{id}")
    });
    let uri = uri.expect("the note's URI");

    let names = server.tool_names(&blocked).await;
    assert!(!names.iter().any(|n| n.starts_with("note_")), "{names:?}");
    assert!(names.iter().any(|n| n == "read_context"), "{names:?}");
    let read = server
        .call(&blocked, "read_context", json!({"uri": uri}))
        .await;
    assert_eq!(read.body["result"]["isError"], true, "{}", read.text);
    assert!(
        read.text
            .contains("teams.nonotes.policy.deny_tools contains \\\"notes\\\""),
        "{}",
        read.text
    );
    let search = server
        .call(&blocked, "search_context", json!({"query": "deploy"}))
        .await;
    assert!(!search.text.contains("friday"), "{}", search.text);
    let resource = server
        .mcp(Some(&blocked), "resources/read", json!({"uri": uri}))
        .await;
    assert!(resource.body.get("error").is_some(), "{}", resource.text);
    assert!(
        resource.text.contains("refused by policy"),
        "{}",
        resource.text
    );
    // The writer, with no team, reads it.
    let read = server
        .call(&writer, "read_context", json!({"uri": uri}))
        .await;
    assert!(read.text.contains("friday"), "{}", read.text);
}

#[test]
fn the_stdio_identity_gets_its_department_and_role_from_the_team() {
    let config = BASE_CONFIG.to_owned() + "\n[identity]\nuser = \"alice\"\nteam = \"payments\"\n";
    let workspace = Workspace::new(&config);
    let (_, checked, stderr) = workspace.run(&["check"]);
    assert!(
        checked.contains("identity: alice (team payments, department fin, admin)"),
        "{checked}{stderr}"
    );
    let config = BASE_CONFIG.to_owned() + "\n[identity]\nuser = \"ursula\"\nteam = \"unlisted\"\n";
    let workspace = Workspace::new(&config);
    let (_, checked, _) = workspace.run(&["check"]);
    assert!(
        checked.contains("identity: ursula (team unlisted)"),
        "{checked}"
    );
    assert!(
        checked.contains("team \"unlisted\" (named by [identity]) has no [teams.unlisted] section"),
        "{checked}"
    );
}

#[test]
fn governance_problems_found_while_building_name_their_keys() {
    let workspace = Workspace::new(
        "[auth]\n[auth.jwt]\njwks = \"missing.json\"\nissuer = \"https://idp.example.com/\"\naudience = \"a\"\n\
         [teams.x.policy]\ndeny_tools = [\"nope_tool\"]\nmodels = [\"no-such-model\"]\n",
    );
    let (ok, _, stderr) = workspace.run(&["check"]);
    assert!(!ok);
    for key in [
        "  - auth.jwt.jwks: cannot read the key set",
        "  - teams.x.policy.deny_tools[0]: \"nope_tool\" is neither a tool nor a toolset",
        "  - teams.x.policy.models[0]: \"no-such-model\" is not in the model catalog",
    ] {
        assert!(stderr.contains(key), "{key} missing in {stderr}");
    }
}
