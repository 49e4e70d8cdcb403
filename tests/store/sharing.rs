//! Several handles on one database, as several Switchyard processes have: each sees the
//! others' writes, and handles opening a new database at once migrate it without error.

use switchyard::store::{Location, NewNote, Store};

use crate::fixture::Fixture;

crate::on_both_backends!(
    two_handles_see_each_others_writes,
    concurrent_opens_migrate_once,
    the_location_names_the_store,
);

fn note(text: &str) -> NewNote {
    NewNote {
        text: text.into(),
        author: "ana".into(),
        team: None,
        tags: vec!["shared".into()],
        links: Vec::new(),
    }
}

async fn two_handles_see_each_others_writes(fixture: &Fixture) {
    let a = fixture.store().await;
    let b = Store::connect(&fixture.url()).await.expect("second handle");
    let added = a.notes().add(note("written by a")).await.expect("added");
    let seen = b
        .notes()
        .get(added.id)
        .await
        .expect("read")
        .expect("b sees it");
    assert_eq!(seen, added);
    let hits = b.notes().search("written", 5).await.expect("searched");
    assert_eq!(hits.len(), 1, "b's search index has a's note");

    let from_b = b.notes().add(note("written by b")).await.expect("added");
    assert!(from_b.id > added.id);
    let listed = a
        .notes()
        .list(&switchyard::store::NoteFilter {
            tag: Some("shared".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("listed");
    assert_eq!(
        listed.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![from_b.id, added.id]
    );
    assert!(b.notes().delete(added.id).await.expect("deleted"));
    assert!(a.notes().get(added.id).await.expect("read").is_none());

    let card = switchyard::delegate::scorecard::Scorecard {
        task: "summarize".into(),
        model: "m".into(),
        cases: 1,
        passed: 1,
        p50_latency_ms: 1,
        mean_cost: switchyard::delegate::money::Micros(1),
        measured_at: "2026-12-04T00:00:00Z".into(),
    };
    a.scorecards().save(&card).await.expect("saved");
    assert_eq!(b.scorecards().all().await.expect("listed"), vec![card]);
}

async fn concurrent_opens_migrate_once(fixture: &Fixture) {
    // Four handles open the new database at once; each runs the migrations.
    let url = fixture.url();
    let opened = futures::future::join_all((0..4).map(|_| Store::connect(&url))).await;
    let stores: Vec<Store> = opened
        .into_iter()
        .map(|store| store.expect("every concurrent open succeeds"))
        .collect();
    for (index, store) in stores.iter().enumerate() {
        store.ping().await.expect("answers");
        store
            .notes()
            .add(note(&format!("from handle {index}")))
            .await
            .expect("added");
    }
    // Later opens find the migrations applied, with the same checksums.
    let again = fixture.store().await;
    let listed = again
        .notes()
        .list(&switchyard::store::NoteFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("listed");
    assert_eq!(listed.len(), 4);
}

async fn the_location_names_the_store(fixture: &Fixture) {
    let store = fixture.store().await;
    match (fixture, store.location()) {
        (Fixture::Sqlite(dir), Location::File(path)) => {
            assert_eq!(path, &dir.path().join(switchyard::store::DATABASE_FILE));
            assert_eq!(store.location().kind(), "sqlite");
        }
        (Fixture::Postgres(db), Location::Postgres(shown)) => {
            let mut expected = url::Url::parse(&db.url).expect("parses");
            let _ = expected.set_password(None);
            assert_eq!(shown, &expected.to_string());
            assert_eq!(store.location().kind(), "postgres");
        }
        (_, location) => panic!("unexpected location {location:?}"),
    }
}
