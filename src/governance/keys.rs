//! The API key format: `sy_<id>_<secret>`, where `<id>` (12 hex digits) is public (listed,
//! used to revoke, written to the audit log) and `<secret>` is 64 hex digits from the OS
//! random source. The store keeps only the SHA-256 of the whole key.

use std::time::Duration;

use ring::rand::{SecureRandom, SystemRandom};

/// Every key starts with this.
pub const PREFIX: &str = "sy_";

const ID_BYTES: usize = 6;
const SECRET_BYTES: usize = 32;

/// Why a key could not be made.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The OS random source failed.
    #[error("the system random source failed")]
    Random,
}

/// A new key: shown once, then only its hash is kept.
pub struct GeneratedKey {
    /// The public id.
    pub id: String,
    /// The whole key (`sy_<id>_<secret>`).
    pub key: String,
}

impl std::fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("id", &self.id)
            .field("key", &"(redacted)")
            .finish()
    }
}

/// Make a new key.
pub fn generate() -> Result<GeneratedKey, KeyError> {
    let random = SystemRandom::new();
    let mut id = [0u8; ID_BYTES];
    let mut secret = [0u8; SECRET_BYTES];
    random.fill(&mut id).map_err(|_| KeyError::Random)?;
    random.fill(&mut secret).map_err(|_| KeyError::Random)?;
    let id = hex(&id);
    let key = format!("{PREFIX}{id}_{}", hex(&secret));
    Ok(GeneratedKey { id, key })
}

/// The hex SHA-256 of a whole key, as stored.
pub fn hash(key: &str) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, key.as_bytes()).as_ref())
}

/// The public id of something shaped like a key, or `None` when it is not one.
pub fn public_id(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let hex_of =
        |text: &str, len: usize| text.len() == len && text.bytes().all(|b| b.is_ascii_hexdigit());
    (hex_of(id, ID_BYTES * 2) && hex_of(secret, SECRET_BYTES * 2)).then_some(id)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// A lifetime such as `90d`, `12h`, `2w` or `30m` (minutes).
pub fn parse_lifetime(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(|| {
        format!("{text:?} needs a unit: d (days), h (hours), w (weeks) or m (minutes), as in 90d")
    })?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} must start with a number, as in 90d"))?;
    let seconds = match unit {
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?}; use d (days), h (hours), w (weeks) or m (minutes)"
            ));
        }
    };
    if number == 0 || number > 100_000 {
        return Err(format!(
            "{text:?} must be more than 0 and less than 100000 units"
        ));
    }
    Ok(Duration::from_secs(number * seconds))
}

#[cfg(test)]
mod tests {
    use super::{generate, hash, parse_lifetime, public_id};
    use std::time::Duration;

    #[test]
    fn keys_have_a_public_id_and_a_stable_hash() {
        let made = generate().expect("random");
        assert_eq!(public_id(&made.key), Some(made.id.as_str()));
        assert_eq!(hash(&made.key).len(), 64);
        assert_eq!(hash(&made.key), hash(&made.key));
        assert_ne!(made.key, generate().expect("random").key);
        assert!(!format!("{made:?}").contains(&made.key));
        assert_eq!(public_id("sy_abc_def"), None);
        assert_eq!(public_id("Bearer something"), None);
    }

    #[test]
    fn lifetimes() {
        assert_eq!(parse_lifetime("90d"), Ok(Duration::from_secs(90 * 86_400)));
        assert_eq!(parse_lifetime("2w"), Ok(Duration::from_secs(14 * 86_400)));
        assert!(parse_lifetime("90").is_err());
        assert!(parse_lifetime("0d").is_err());
        assert!(parse_lifetime("3y").is_err());
    }
}
