//! Paths inside a repository are bytes, not text. They are shown lossily (an invalid byte
//! becomes U+FFFD), carried exactly in URIs (each `/`-separated segment percent-encoded byte by
//! byte, which for UTF-8 names is the same as `switchyard_core::uri::encode_path`), and resolved
//! from what a caller types: the exact path, the lossy form as shown, or the percent-encoded
//! form found in a URI.

use std::borrow::Cow;
use std::path::PathBuf;

use git2::{ObjectType, Repository, Tree};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};

/// Characters left as they are in a URI segment: RFC 3986 unreserved (as in the core crate).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The path as shown to a caller.
pub(crate) fn display(path: &[u8]) -> String {
    String::from_utf8_lossy(path).into_owned()
}

/// Percent-encode one segment's bytes.
pub(crate) fn encode_segment(segment: &[u8]) -> String {
    percent_encode(segment, SEGMENT).to_string()
}

/// Percent-encode a path for a URI, keeping the slashes.
pub(crate) fn encode_path(path: &[u8]) -> String {
    path.split(|b| *b == b'/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// Decode one percent-encoded segment to its bytes.
pub(crate) fn decode_segment(segment: &str) -> Vec<u8> {
    percent_decode_str(segment).collect()
}

/// A byte path as a `std::path::PathBuf` for the libgit2 calls that take one.
pub(crate) fn to_path(path: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(path))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(path).into_owned())
    }
}

/// Whether a path argument is a glob (git pathspec wildcards) rather than a literal path.
pub(crate) fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

/// Normalise a caller's path: no leading `./` or `/`, no trailing `/`.
pub(crate) fn normalise(path: &str) -> &str {
    let path = path.trim();
    let path = path.strip_prefix("./").unwrap_or(path);
    path.trim_matches('/')
}

/// Resolve what a caller typed to the exact bytes of a path in `tree`, segment by segment:
/// an exact name wins, then a name whose lossy display equals the segment, then a name equal
/// to the segment percent-decoded. `None` when no entry matches.
pub(crate) fn resolve(repo: &Repository, tree: &Tree<'_>, typed: &str) -> Option<Vec<u8>> {
    let typed = normalise(typed);
    if typed.is_empty() {
        return Some(Vec::new());
    }
    if tree.get_path(&to_path(typed.as_bytes())).is_ok() {
        return Some(typed.as_bytes().to_vec());
    }
    let segments: Vec<&str> = typed.split('/').collect();
    let mut current: Tree<'_> = tree.clone();
    let mut resolved: Vec<u8> = Vec::with_capacity(typed.len());
    for (index, segment) in segments.iter().enumerate() {
        let name = match_entry(&current, segment)?;
        if !resolved.is_empty() {
            resolved.push(b'/');
        }
        resolved.extend_from_slice(&name);
        if index + 1 < segments.len() {
            let id = {
                let entry = current.get_name_bytes(&name)?;
                if entry.kind() != Some(ObjectType::Tree) {
                    return None;
                }
                entry.id()
            };
            current = repo.find_tree(id).ok()?;
        }
    }
    Some(resolved)
}

fn match_entry(tree: &Tree<'_>, segment: &str) -> Option<Vec<u8>> {
    if tree.get_name_bytes(segment.as_bytes()).is_some() {
        return Some(segment.as_bytes().to_vec());
    }
    let decoded: Cow<'_, [u8]> = if segment.contains('%') {
        Cow::Owned(decode_segment(segment))
    } else {
        Cow::Borrowed(segment.as_bytes())
    };
    tree.iter()
        .find(|entry| {
            let name = entry.name_bytes();
            String::from_utf8_lossy(name) == segment || name == decoded.as_ref()
        })
        .map(|entry| entry.name_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::{decode_segment, encode_path, normalise};

    #[test]
    fn encoding_round_trips_bytes() {
        let path = b"dir/caf\xe9 menu.txt";
        let encoded = encode_path(path);
        assert_eq!(encoded, "dir/caf%E9%20menu.txt");
        let back: Vec<u8> = encoded
            .split('/')
            .map(decode_segment)
            .collect::<Vec<_>>()
            .join(&b'/');
        assert_eq!(back, path);
        assert_eq!(
            encode_path("ünï/a b".as_bytes()),
            switchyard_core::uri::encode_path("ünï/a b")
        );
    }

    #[test]
    fn normalises_caller_paths() {
        assert_eq!(normalise("./src/"), "src");
        assert_eq!(normalise("/a/b"), "a/b");
    }
}
