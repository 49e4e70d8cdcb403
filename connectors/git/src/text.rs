//! Small text helpers shared by the tools: short commit ids, sanitised text, binary detection
//! and file types, sizes, and one-line excerpts.

use std::borrow::Cow;

use git2::Oid;
use switchyard_core::sanitize::strip_hidden;

/// The length of the commit ids shown in lists (URIs always carry the full id).
pub(crate) const SHORT_ID: usize = 10;

/// The longest line shown in search results and blame before it is cut.
pub(crate) const MAX_LINE_CHARS: usize = 400;

/// A short commit id.
pub(crate) fn short(oid: Oid) -> String {
    let mut text = oid.to_string();
    text.truncate(SHORT_ID);
    text
}

/// Untrusted bytes as text a model may read: lossy UTF-8, hidden control characters removed.
pub(crate) fn clean(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match strip_hidden(&text) {
        Cow::Borrowed(_) => text.into_owned(),
        Cow::Owned(stripped) => stripped,
    }
}

/// One line for a list: cleaned, without its line ending, cut at [`MAX_LINE_CHARS`].
pub(crate) fn one_line(bytes: &[u8]) -> String {
    let mut line = clean(bytes);
    let trimmed_len = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(trimmed_len);
    if let Some((cut, _)) = line.char_indices().nth(MAX_LINE_CHARS) {
        line.truncate(cut);
        line.push_str(" …");
    }
    line
}

/// The first line of a commit message.
pub(crate) fn subject(message: &[u8]) -> String {
    let first = message.split(|b| *b == b'\n').next().unwrap_or_default();
    one_line(first)
}

/// Whether content looks binary: a NUL byte in its first 8,000 bytes, as git decides.
pub(crate) fn is_binary(content: &[u8]) -> bool {
    content.iter().take(8000).any(|b| *b == 0)
}

/// The media type of binary content, from its magic bytes.
pub(crate) fn detect_type(content: &[u8]) -> &'static str {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x1f\x8b", "application/gzip"),
        (b"BZh", "application/x-bzip2"),
        (b"\xfd7zXZ\x00", "application/x-xz"),
        (b"(\xb5/\xfd", "application/zstd"),
        (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
        (b"\x7fELF", "application/x-elf"),
        (b"MZ", "application/x-msdownload"),
        (b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
        (b"\x00asm", "application/wasm"),
        (b"SQLite format 3\x00", "application/vnd.sqlite3"),
        (b"wOFF", "font/woff"),
        (b"wOF2", "font/woff2"),
        (b"\x00\x01\x00\x00", "font/ttf"),
        (b"OggS", "audio/ogg"),
        (b"ID3", "audio/mpeg"),
        (b"fLaC", "audio/flac"),
        (b"\x1aE\xdf\xa3", "video/webm"),
        (b"\x00\x00\x01\x00", "image/x-icon"),
    ];
    if content.len() >= 12 && &content[..4] == b"RIFF" {
        return match &content[8..12] {
            b"WEBP" => "image/webp",
            b"WAVE" => "audio/wav",
            b"AVI " => "video/x-msvideo",
            _ => "application/octet-stream",
        };
    }
    if content.len() >= 12 && &content[4..8] == b"ftyp" {
        return "video/mp4";
    }
    MAGIC
        .iter()
        .find(|(magic, _)| content.starts_with(magic))
        .map_or("application/octet-stream", |(_, kind)| *kind)
}

/// A byte count for people: `812 B`, `12.4 KiB`, `3.1 MiB`.
pub(crate) fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Count lines the way editors do: a final line without a newline still counts.
pub(crate) fn line_count(content: &[u8]) -> usize {
    let newlines = content.iter().filter(|b| **b == b'\n').count();
    if content.last().is_some_and(|b| *b != b'\n') {
        newlines + 1
    } else {
        newlines
    }
}

#[cfg(test)]
mod tests {
    use super::{detect_type, is_binary, line_count, one_line, size, subject};

    #[test]
    fn detects_binary_and_types() {
        assert!(is_binary(b"abc\0def"));
        assert!(!is_binary("ünï text".as_bytes()));
        assert_eq!(detect_type(b"\x89PNG\r\n\x1a\n...."), "image/png");
        assert_eq!(detect_type(b"\0\0\0garbage"), "application/octet-stream");
    }

    #[test]
    fn lines_and_sizes() {
        assert_eq!(line_count(b"a\nb"), 2);
        assert_eq!(line_count(b"a\nb\n"), 2);
        assert_eq!(line_count(b""), 0);
        assert_eq!(size(512), "512 B");
        assert_eq!(size(2048), "2.0 KiB");
        assert_eq!(
            subject("fix: thing\u{202e}\n\nbody".as_bytes()),
            "fix: thing"
        );
        assert_eq!(one_line(b"x\r\n"), "x");
    }
}
