//! API keys and the audit log on each backend: a key is found by the hash of the whole key
//! (never stored itself), listed without its hash, revoked once (a second revoke keeps the
//! first time), expired keys are refused; audit records come back oldest first.

use chrono::{Duration, Utc};
use switchyard::governance::keys;
use switchyard::store::{KeyUnusable, NewApiKey};

use crate::fixture::Fixture;

crate::on_both_backends!(
    keys_are_found_by_hash_listed_and_revoked,
    audit_records_in_order
);

async fn keys_are_found_by_hash_listed_and_revoked(fixture: &Fixture) {
    let store = fixture.store().await.keys();
    assert!(store.list().await.expect("listed").is_empty());
    let made = keys::generate().expect("random");
    let hash = keys::hash(&made.key);
    let stored = store
        .insert(&NewApiKey {
            id: &made.id,
            hash: &hash,
            user: "alice",
            team: Some("payments"),
            role: "member",
            expires_at: None,
        })
        .await
        .expect("inserted");
    assert_eq!(stored.user, "alice");
    let found = store
        .find_by_hash(&hash)
        .await
        .expect("queried")
        .expect("found");
    assert_eq!(found, stored);
    assert!(found.usable_at(Utc::now()).is_ok());
    assert!(
        store
            .find_by_hash(&keys::hash("sy_000000000000_00"))
            .await
            .expect("queried")
            .is_none()
    );
    // The same hash twice is refused by the unique index.
    let again = store
        .insert(&NewApiKey {
            id: "aaaaaaaaaaaa",
            hash: &hash,
            user: "mallory",
            team: None,
            role: "admin",
            expires_at: None,
        })
        .await;
    assert!(again.is_err(), "a duplicate hash was accepted");

    let old = keys::generate().expect("random");
    store
        .insert(&NewApiKey {
            id: &old.id,
            hash: &keys::hash(&old.key),
            user: "bob",
            team: None,
            role: "admin",
            expires_at: Some(Utc::now() - Duration::hours(1)),
        })
        .await
        .expect("inserted");
    let listed = store.list().await.expect("listed");
    assert_eq!(listed.len(), 2);
    let bob = listed.iter().find(|k| k.user == "bob").expect("bob");
    assert_eq!(bob.usable_at(Utc::now()), Err(KeyUnusable::Expired));

    store.touch(&made.id).await.expect("touched");
    let (first, revoked_now) = store
        .revoke(&made.id)
        .await
        .expect("revoked")
        .expect("known");
    assert!(revoked_now);
    let revoked_at = first.revoked_at.clone().expect("revocation time");
    assert!(first.last_used_at.is_some());
    assert_eq!(first.usable_at(Utc::now()), Err(KeyUnusable::Revoked));
    let (second, revoked_again) = store
        .revoke(&made.id)
        .await
        .expect("revoked")
        .expect("known");
    assert!(!revoked_again, "the second revoke changed nothing");
    assert_eq!(second.revoked_at.as_deref(), Some(revoked_at.as_str()));
    assert!(store.revoke("nosuchkey000").await.expect("ran").is_none());
    // The stored row never holds the key itself.
    let shown = format!("{:?}", store.list().await.expect("listed"));
    assert!(
        !shown.contains(&made.key) && !shown.contains(&hash),
        "{shown}"
    );
}

async fn audit_records_in_order(fixture: &Fixture) {
    let audit = fixture.store().await.audit();
    assert!(audit.recent(10).await.expect("listed").is_empty());
    for (user, event) in [
        ("alice", "key_created"),
        ("bob", "policy_denied"),
        ("carol", "key_revoked"),
    ] {
        audit
            .record(user, Some("payments"), event, &format!("{event} detail"))
            .await
            .expect("recorded");
    }
    let all = audit.recent(10).await.expect("listed");
    let events: Vec<&str> = all.iter().map(|r| r.event.as_str()).collect();
    assert_eq!(events, ["key_created", "policy_denied", "key_revoked"]);
    assert_eq!(all[1].user, "bob");
    assert_eq!(all[1].team.as_deref(), Some("payments"));
    let last = audit.recent(1).await.expect("listed");
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].event, "key_revoked");
}
