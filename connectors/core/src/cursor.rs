//! Opaque page cursors: a connector's own position struct, serialised to URL-safe base64.
//!
//! Cursors are opaque to callers and validated on the way back in: a cursor from another tool
//! or a hand-edited one is rejected with a clear error instead of giving a wrong page.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ConnectorError;

/// Encode a position as a cursor string.
pub fn encode_cursor<T: Serialize>(position: &T) -> String {
    // Serialising our own plain structs cannot fail; an empty cursor would be rejected later.
    let json = serde_json::to_vec(position).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// Decode a cursor produced by [`encode_cursor`] for the same position type.
pub fn decode_cursor<T: DeserializeOwned>(cursor: &str) -> Result<T, ConnectorError> {
    let invalid = || {
        ConnectorError::invalid(format!(
            "cursor {:?} is not valid for this tool; pass the next_cursor value from this tool's previous result unchanged, or omit it to start over",
            shorten(cursor)
        ))
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid())
}

/// Continue a listing from its cursor: the cursor carries the arguments that defined the
/// listing (`stored`, in the order of `given`). An argument the caller leaves out is taken from
/// the cursor, so passing only the cursor gets the next page; an argument given with another
/// value is refused, because it would silently mix two listings.
pub fn continue_listing(
    tool: &str,
    stored: &[Option<String>],
    given: &mut [(&str, &mut Option<String>)],
) -> Result<(), ConnectorError> {
    if stored.len() != given.len() {
        return Err(ConnectorError::invalid(format!(
            "this cursor is not from this version of {tool}; omit cursor to start over"
        )));
    }
    let mut differing = Vec::new();
    for ((name, value), kept) in given.iter_mut().zip(stored) {
        match value.as_ref() {
            None => **value = kept.clone(),
            Some(now) if Some(now) == kept.as_ref() => {}
            Some(_) => differing.push(*name),
        }
    }
    if differing.is_empty() {
        Ok(())
    } else {
        Err(ConnectorError::invalid(format!(
            "this cursor continues a {tool} listing made with other {}; pass the cursor alone (or with the same arguments) for the next page, or omit cursor to start a new listing",
            differing.join(", ")
        )))
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        let head: String = text.chars().take(40).collect();
        format!("{head}…")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{decode_cursor, encode_cursor};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Position {
        head: String,
        skip: u64,
    }

    #[test]
    fn continuing_inherits_absent_arguments_and_refuses_others() {
        use super::continue_listing;
        let stored = vec![Some("src".to_owned()), None, Some("ana".to_owned())];
        let (mut path, mut grep, mut author) = (None, None, Some("ana".to_owned()));
        continue_listing(
            "git_log",
            &stored,
            &mut [
                ("path", &mut path),
                ("grep", &mut grep),
                ("author", &mut author),
            ],
        )
        .unwrap();
        assert_eq!(path.as_deref(), Some("src"));
        assert_eq!(grep, None);
        let (mut path, mut grep, mut author) =
            (Some("docs".to_owned()), Some("x".to_owned()), None);
        let err = continue_listing(
            "git_log",
            &stored,
            &mut [
                ("path", &mut path),
                ("grep", &mut grep),
                ("author", &mut author),
            ],
        )
        .unwrap_err();
        assert!(err.to_string().contains("with other path, grep;"), "{err}");
    }

    #[test]
    fn round_trip_and_rejects_garbage() {
        let pos = Position {
            head: "abc".into(),
            skip: 40,
        };
        let cursor = encode_cursor(&pos);
        assert!(
            cursor
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(decode_cursor::<Position>(&cursor).unwrap(), pos);
        let err = decode_cursor::<Position>("not a cursor!").unwrap_err();
        assert!(err.to_string().contains("not valid for this tool"));
        let other = encode_cursor(&serde_json::json!({"page": 2}));
        assert!(decode_cursor::<Position>(&other).is_err());
    }
}
