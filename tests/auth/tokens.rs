//! Test JWTs: a fresh EC P-256 key made with ring, its public half as a JWK, and tokens
//! signed with jsonwebtoken.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use serde_json::{Value, json};

pub const ISSUER: &str = "https://idp.example.com/";
pub const AUDIENCE: &str = "switchyard";

/// A signing key with its key id.
pub struct TestKey {
    pub kid: String,
    pkcs8: Vec<u8>,
    public: Vec<u8>,
}

impl TestKey {
    pub fn new(kid: &str) -> TestKey {
        let random = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &random)
            .expect("a key pair");
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &random)
                .expect("the key pair reads back");
        TestKey {
            kid: kid.to_owned(),
            pkcs8: pkcs8.as_ref().to_vec(),
            public: pair.public_key().as_ref().to_vec(),
        }
    }

    /// The public JWK.
    pub fn jwk(&self) -> Value {
        // An uncompressed point: 0x04, then x and y (32 bytes each).
        json!({
            "kty": "EC",
            "crv": "P-256",
            "use": "sig",
            "alg": "ES256",
            "kid": self.kid,
            "x": URL_SAFE_NO_PAD.encode(&self.public[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&self.public[33..65]),
        })
    }

    /// A token with these claims, signed by this key (its `kid` in the header).
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_ec_der(&self.pkcs8))
            .expect("signed")
    }
}

/// A JWKS of these keys.
pub fn jwks(keys: &[&TestKey]) -> Value {
    json!({"keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()})
}

/// Seconds since the epoch, shifted.
pub fn now_plus(seconds: i64) -> i64 {
    chrono::Utc::now().timestamp() + seconds
}

/// Valid claims for `user` of `team`.
pub fn claims(user: &str, team: &str) -> Value {
    json!({
        "sub": user,
        "team": team,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": now_plus(600),
        "iat": now_plus(0),
    })
}

/// The `[auth.jwt]` section for a key set at `jwks`.
pub fn jwt_config(jwks: &str) -> String {
    format!(
        "\n[auth.jwt]\njwks = {jwks:?}\nissuer = {ISSUER:?}\naudience = {AUDIENCE:?}\nrole_claim = \"role\"\nmin_refresh_secs = 1\n"
    )
}
