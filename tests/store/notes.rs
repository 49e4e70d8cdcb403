//! Notes on each backend: add, get, list with every filter and keyset paging, delete, and
//! full-text search (prefix matching, ranking, snippets, query syntax neutralised).

use switchyard::store::{NewNote, NoteFilter};

use crate::fixture::Fixture;

crate::on_both_backends!(
    add_get_delete,
    list_filters_and_pages,
    search_ranks_prefix_matches_with_snippets,
    search_treats_query_syntax_as_words,
);

fn note(author: &str, text: &str, tags: &[&str], links: &[&str]) -> NewNote {
    NewNote {
        text: text.into(),
        author: author.into(),
        team: Some("core".into()),
        tags: tags.iter().map(ToString::to_string).collect(),
        links: links.iter().map(ToString::to_string).collect(),
    }
}

fn all(limit: u32) -> NoteFilter {
    NoteFilter {
        limit,
        ..NoteFilter::default()
    }
}

async fn add_get_delete(fixture: &Fixture) {
    let notes = fixture.store().await.notes();
    let added = notes
        .add(note(
            "ana",
            "Deploy freeze until Friday",
            &["ops", "b", "B", "ops", "a"],
            &["git://api/commit/abc", "github://o/r/issues/1"],
        ))
        .await
        .expect("added");
    // Tags are sorted by bytes and kept once; links keep their order.
    assert_eq!(added.tags, vec!["B", "a", "b", "ops"]);
    assert_eq!(
        added.links,
        vec!["git://api/commit/abc", "github://o/r/issues/1"]
    );
    assert!(added.created_at.ends_with('Z'), "{}", added.created_at);
    let read = notes.get(added.id).await.expect("read").expect("present");
    assert_eq!(read, added);

    let teamless = notes
        .add(NewNote {
            team: None,
            tags: Vec::new(),
            links: Vec::new(),
            ..note("bo", "no team", &[], &[])
        })
        .await
        .expect("added");
    assert!(teamless.id > added.id);
    let read = notes
        .get(teamless.id)
        .await
        .expect("read")
        .expect("present");
    assert_eq!(read.team, None);
    assert!(read.tags.is_empty() && read.links.is_empty());

    assert!(notes.delete(added.id).await.expect("deleted"));
    assert!(!notes.delete(added.id).await.expect("second delete"));
    assert!(notes.get(added.id).await.expect("read").is_none());
    assert!(notes.get(i64::MAX).await.expect("read").is_none());
    assert_eq!(notes.list(&all(10)).await.expect("listed"), vec![read]);
}

async fn list_filters_and_pages(fixture: &Fixture) {
    let notes = fixture.store().await.notes();
    let first = notes
        .add(note(
            "ana",
            "Deploy FREEZE until Friday",
            &["ops"],
            &["git://api/commit/abc"],
        ))
        .await
        .expect("added");
    let second = notes
        .add(note("bo", "Flaky test in payments", &["ci", "ops"], &[]))
        .await
        .expect("added");
    let third = notes
        .add(note(
            "ana",
            "Freeze lifted",
            &["ci"],
            &["git://api/commit/abc"],
        ))
        .await
        .expect("added");
    let ids = |list: Vec<switchyard::store::Note>| list.iter().map(|n| n.id).collect::<Vec<_>>();

    assert_eq!(
        ids(notes.list(&all(10)).await.expect("listed")),
        vec![third.id, second.id, first.id]
    );
    let store = &notes;
    let by = |filter: NoteFilter| async move { ids(store.list(&filter).await.expect("listed")) };
    assert_eq!(
        by(NoteFilter {
            tag: Some("ops".into()),
            ..all(10)
        })
        .await,
        vec![second.id, first.id]
    );
    assert_eq!(
        by(NoteFilter {
            linked: Some("git://api/commit/abc".into()),
            ..all(10)
        })
        .await,
        vec![third.id, first.id]
    );
    assert_eq!(
        by(NoteFilter {
            text: Some("freeze".into()),
            ..all(10)
        })
        .await,
        vec![third.id, first.id],
        "the text filter ignores case"
    );
    assert_eq!(
        by(NoteFilter {
            text: Some("%".into()),
            ..all(10)
        })
        .await,
        Vec::<i64>::new(),
        "a LIKE wildcard is a plain character"
    );
    assert_eq!(
        by(NoteFilter {
            author: Some("ana".into()),
            tag: Some("ci".into()),
            ..all(10)
        })
        .await,
        vec![third.id],
        "filters combine"
    );
    // Keyset paging: limit + 1 rows tell the caller there is more.
    let page = by(all(1)).await;
    assert_eq!(page, vec![third.id, second.id]);
    let next = by(NoteFilter {
        before_id: Some(second.id),
        ..all(1)
    })
    .await;
    assert_eq!(next, vec![first.id]);
    let listed = notes.list(&all(10)).await.expect("listed");
    assert_eq!(
        listed[1].tags,
        vec!["ci", "ops"],
        "tags come with listed notes"
    );
    assert_eq!(listed[2].links, vec!["git://api/commit/abc"]);
}

async fn search_ranks_prefix_matches_with_snippets(fixture: &Fixture) {
    let notes = fixture.store().await.notes();
    let once = notes
        .add(note(
            "ana",
            "The payments service had one flaky retry during the Tuesday deploy",
            &[],
            &[],
        ))
        .await
        .expect("added");
    let often = notes
        .add(note(
            "ana",
            "Flaky payments: the payments suite is flaky, payments retries are flaky",
            &["ci"],
            &[],
        ))
        .await
        .expect("added");
    notes
        .add(note("ana", "Unrelated note about lunch", &[], &[]))
        .await
        .expect("added");
    let long = notes
        .add(note(
            "bo",
            &format!(
                "{} the cache warmup matters here {}",
                "filler words before the match ".repeat(8),
                "and many more words after it ".repeat(8)
            ),
            &[],
            &[],
        ))
        .await
        .expect("added");

    // Every word is a prefix; all are required; the note saying it more often ranks first.
    let hits = notes.search("payment FLAK", 10).await.expect("searched");
    let ids: Vec<i64> = hits.iter().map(|hit| hit.note.id).collect();
    assert_eq!(ids, vec![often.id, once.id], "{hits:#?}");
    assert!(hits[0].score > hits[1].score, "{hits:#?}");
    assert_eq!(hits[0].note.tags, vec!["ci"], "hits carry tags");
    for hit in &hits {
        assert!(
            hit.snippet.contains('«') && hit.snippet.contains('»'),
            "{}",
            hit.snippet
        );
    }
    assert!(
        hits[1].snippet.to_lowercase().contains("«payments»"),
        "{}",
        hits[1].snippet
    );

    // A long note gets an excerpt around the match, cut with an ellipsis.
    let hits = notes.search("warmup", 10).await.expect("searched");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].note.id, long.id);
    assert!(hits[0].snippet.contains("«warmup»"), "{}", hits[0].snippet);
    assert!(hits[0].snippet.contains('…'), "{}", hits[0].snippet);
    assert!(
        hits[0].snippet.len() < long.text.len() / 2,
        "{}",
        hits[0].snippet
    );

    assert_eq!(
        notes.search("payments", 1).await.expect("searched").len(),
        1
    );
    assert!(
        notes
            .search("nothing-like-this", 10)
            .await
            .expect("searched")
            .is_empty()
    );

    assert!(notes.delete(often.id).await.expect("deleted"));
    let hits = notes.search("flaky", 10).await.expect("searched");
    assert_eq!(
        hits.iter().map(|hit| hit.note.id).collect::<Vec<_>>(),
        vec![once.id],
        "a deleted note leaves the index"
    );
}

async fn search_treats_query_syntax_as_words(fixture: &Fixture) {
    let notes = fixture.store().await.notes();
    let added = notes
        .add(note(
            "ana",
            "It's a NEAR miss: rollback OR restart",
            &[],
            &[],
        ))
        .await
        .expect("added");
    for query in [
        "\"near\" OR rollback*",
        "near & !rollback | (restart)",
        "it's:* near",
        "NEAR(rollback restart)",
        "rollback -restart",
    ] {
        let hits = notes.search(query, 10).await.expect("searched");
        assert_eq!(
            hits.iter().map(|hit| hit.note.id).collect::<Vec<_>>(),
            vec![added.id],
            "{query:?}"
        );
    }
    for query in ["", "  ...  ", "'\"*:&|!()"] {
        assert!(
            notes.search(query, 10).await.expect("searched").is_empty(),
            "{query:?}"
        );
    }
}
