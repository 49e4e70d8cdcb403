//! The binary payloads the fixtures return: a 1x1 PNG and a short WAV, base64-encoded.

/// A 1x1 red PNG.
pub const PNG_BASE64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mO4o6EBAAMQAS0Qc/Z2AAAAAElFTkSuQmCC";

/// Eight samples of silence: 8 kHz, mono, 8-bit PCM.
pub const WAV_BASE64: &str =
    "UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==";

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    #[test]
    fn payloads_are_what_they_claim() {
        let png = STANDARD.decode(super::PNG_BASE64).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let wav = STANDARD.decode(super::WAV_BASE64).unwrap();
        assert!(wav.starts_with(b"RIFF") && &wav[8..12] == b"WAVE");
    }
}
