//! Item URIs: `<instance>://<path>`, where the scheme is the id of the connector instance that
//! owns the item (`git://switchyard/commit/<sha>`, `note://42`). Path segments are always
//! percent-encoded, so any name (spaces, `/`, `..`, non-UTF-8 paths made lossy) round-trips.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::error::ConnectorError;

/// Characters left as they are in a segment: RFC 3986 unreserved.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encode one path segment (a `/` inside it is encoded too).
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Decode one percent-encoded segment.
pub fn decode_segment(segment: &str) -> Result<String, ConnectorError> {
    percent_decode_str(segment)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| ConnectorError::invalid(format!("segment {segment:?} is not valid UTF-8")))
}

/// Encode a file path for a URI: each `/`-separated part encoded, the slashes kept.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// A parsed item URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemUri {
    scheme: String,
    path: String,
}

impl ItemUri {
    /// Build a URI from an instance id and already-encoded path segments.
    pub fn new(scheme: &str, encoded_segments: &[&str]) -> Self {
        ItemUri {
            scheme: scheme.to_owned(),
            path: encoded_segments.join("/"),
        }
    }

    /// Parse `scheme://path`.
    pub fn parse(text: &str) -> Result<Self, ConnectorError> {
        let Some((scheme, path)) = text.split_once("://") else {
            return Err(ConnectorError::invalid(format!(
                "{text:?} is not an item URI; expected <source>://<path>, such as git://myrepo/commit/HEAD or note://1"
            )));
        };
        if !is_source_id(scheme) {
            return Err(ConnectorError::invalid(format!(
                "{scheme:?} is not a valid source id in URI {text:?}"
            )));
        }
        Ok(ItemUri {
            scheme: scheme.to_owned(),
            path: path.to_owned(),
        })
    }

    /// The instance id.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The encoded path after `://`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The encoded segments of the path (empty segments dropped).
    /// The same item under another source's scheme (another instance of the same kind).
    pub fn with_scheme(&self, scheme: &str) -> String {
        format!("{scheme}://{}", self.path())
    }

    pub fn segments(&self) -> Vec<&str> {
        self.path.split('/').filter(|s| !s.is_empty()).collect()
    }
}

impl fmt::Display for ItemUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.path)
    }
}

/// Whether `id` can name a source (a connector instance): a lowercase letter, then lowercase
/// letters, digits, `_` or `-`. It is the scheme of the source's item URIs.
pub fn is_source_id(id: &str) -> bool {
    id.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// A not-found error from reading `uri`, with its advice to pass `instance="X"` (which a tool
/// call can do and a read cannot) turned into the URI to read on that instance instead.
pub fn not_found_for_read(err: ConnectorError, uri: &ItemUri) -> ConnectorError {
    let ConnectorError::NotFound(message) = err else {
        return err;
    };
    const MARK: &str = "pass instance=\"";
    let Some(start) = message.find(MARK) else {
        return ConnectorError::NotFound(message);
    };
    let after = &message[start + MARK.len()..];
    let Some(end) = after.find('"') else {
        return ConnectorError::NotFound(message);
    };
    let sibling = &after[..end];
    let rest = &after[end + 1..];
    ConnectorError::NotFound(format!(
        "{}read {}{rest}",
        &message[..start],
        uri.with_scheme(sibling)
    ))
}

#[cfg(test)]
mod tests {
    use super::{ItemUri, decode_segment, encode_path, encode_segment};
    use crate::error::ConnectorError;

    #[test]
    fn segments_round_trip_awkward_names() {
        for name in ["a b", "../etc", "ünï/cödé", "100%", "q?x#y"] {
            let encoded = encode_segment(name);
            assert!(!encoded.contains('/'));
            assert_eq!(decode_segment(&encoded).unwrap(), name);
        }
        assert_eq!(encode_path("src/a b.rs"), "src/a%20b.rs");
    }

    #[test]
    fn parse_checks_the_scheme() {
        let uri = ItemUri::parse("git://repo/commit/abc").unwrap();
        assert_eq!(uri.scheme(), "git");
        assert_eq!(uri.segments(), vec!["repo", "commit", "abc"]);
        assert_eq!(uri.to_string(), "git://repo/commit/abc");
        assert!(ItemUri::parse("no-scheme").is_err());
        assert!(ItemUri::parse("Git://x").is_err());
        assert!(ItemUri::parse("://x").is_err());
    }

    #[test]
    fn a_read_not_found_names_the_uri_on_the_other_instance() {
        let uri = ItemUri::parse("github://octo/hello/issues/7").unwrap_or_else(|e| panic!("{e}"));
        let err = super::not_found_for_read(
            ConnectorError::NotFound(
                "issue 7 was not found on instance github; other instances: ghes (ghes.example.com); pass instance=\"ghes\" to ask there"
                    .to_owned(),
            ),
            &uri,
        );
        assert_eq!(
            err.to_string(),
            "not found: issue 7 was not found on instance github; other instances: ghes (ghes.example.com); read ghes://octo/hello/issues/7 to ask there"
        );
    }
}
