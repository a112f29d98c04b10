//! OAuth client private keys as JWKs (RFC 7517): what WebCrypto needs to know before importing
//! one, and words for every way a pasted JWK can be wrong.

use crate::jwt::Alg;
use crate::wire::lenient;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// A JWK far larger than any real private key (about 3 KB for RSA-2048) is refused unread.
pub const MAX_JWK_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwkError {
    TooLarge,
    NotJson,
    NotAnObject,
    UnknownKeyType(String),
    UnsupportedCurve(String),
    PublicOnly,
    MissingMember(&'static str),
}

impl fmt::Display for JwkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwkError::TooLarge => write!(f, "This is far larger than a private key ({} KB at most). Paste only the client's JWK.", MAX_JWK_BYTES / 1024),
            JwkError::NotJson => write!(f, "The private key is not JSON. Paste the JWK exactly as RSA showed it when the OAuth client was created (it starts with {{ and has \"kty\")."),
            JwkError::NotAnObject => write!(f, "The private key must be one JWK object, not a list or a string. If you have a JWK set ({{\"keys\": [...]}}), paste the one key."),
            JwkError::UnknownKeyType(k) => write!(f, "The JWK's key type \"{k}\" is not supported: RSA OAuth clients use \"RSA\", EC clients \"EC\"."),
            JwkError::UnsupportedCurve(c) => write!(f, "The EC key uses curve \"{c}\"; only P-256 (ES256) is supported."),
            JwkError::PublicOnly => write!(f, "This JWK is a public key (it has no \"d\"). Signing needs the client's private key."),
            JwkError::MissingMember(m) => write!(f, "The JWK has no \"{m}\" member; it is incomplete. Copy the whole key again."),
        }
    }
}

impl std::error::Error for JwkError {}

/// A private JWK, RSA or EC, with the members WebCrypto imports.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// WebCrypto refuses a JWK whose `alg`, `use` or `key_ops` disagree with the import; RSA's
    /// JWKs sometimes carry them and they add nothing here, so `for_import` drops them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<Value>,
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_ops: Option<Value>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub d: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub p: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub dp: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub dq: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub qi: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
}

// Never print key material.
impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwk").field("kty", &self.kty).field("kid", &self.kid).field("crv", &self.crv).finish_non_exhaustive()
    }
}

impl Jwk {
    /// The JWK's JSON text as WebCrypto's `importKey("jwk", ...)` takes it.
    pub fn for_import(&self) -> String {
        let key = Jwk { alg: None, use_: None, key_ops: None, ..self.clone() };
        serde_json::to_string(&key).unwrap_or_default()
    }
}

/// What the console learned about a private JWK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JwkInfo {
    pub alg: Alg,
    pub kid: Option<String>,
}

/// One key, or a JWK set (`{"keys": [...]}`) holding exactly one.
#[derive(Deserialize)]
#[serde(untagged)]
enum Pasted {
    Set { keys: Vec<Value> },
    Key(Value),
}

fn require(member: &Option<String>, name: &'static str) -> Result<(), JwkError> {
    member.as_ref().map(|_| ()).ok_or(JwkError::MissingMember(name))
}

/// Accepts one private JWK, or a JWK set with exactly one key.
pub fn inspect(text: &str) -> Result<(Jwk, JwkInfo), JwkError> {
    if text.len() > MAX_JWK_BYTES {
        return Err(JwkError::TooLarge);
    }
    inspect_value(serde_json::from_str(text.trim()).map_err(|_| JwkError::NotJson)?)
}

/// `inspect` for a JWK already read as JSON (the `jwk` of a client details file).
pub fn inspect_value(pasted: Value) -> Result<(Jwk, JwkInfo), JwkError> {
    let key = match serde_json::from_value(pasted).map_err(|_| JwkError::NotAnObject)? {
        Pasted::Set { mut keys } if keys.len() == 1 => keys.remove(0),
        Pasted::Set { .. } => return Err(JwkError::NotAnObject),
        Pasted::Key(key) => key,
    };
    if !key.is_object() {
        return Err(JwkError::NotAnObject);
    }
    if !key.get("kty").is_some_and(Value::is_string) {
        return Err(JwkError::MissingMember("kty"));
    }
    // Members of another type read as missing (`lenient`): the checks below name them.
    let key: Jwk = serde_json::from_value(key).map_err(|_| JwkError::MissingMember("kty"))?;
    let alg = match key.kty.as_str() {
        "RSA" => {
            require(&key.n, "n")?;
            require(&key.e, "e")?;
            if key.d.is_none() {
                return Err(JwkError::PublicOnly);
            }
            for (m, name) in [(&key.p, "p"), (&key.q, "q"), (&key.dp, "dp"), (&key.dq, "dq"), (&key.qi, "qi")] {
                require(m, name)?;
            }
            Alg::RS256
        }
        "EC" => {
            require(&key.crv, "crv")?;
            if key.crv.as_deref() != Some("P-256") {
                return Err(JwkError::UnsupportedCurve(key.crv.clone().unwrap_or_default()));
            }
            require(&key.x, "x")?;
            require(&key.y, "y")?;
            if key.d.is_none() {
                return Err(JwkError::PublicOnly);
            }
            Alg::ES256
        }
        other => return Err(JwkError::UnknownKeyType(other.to_string())),
    };
    let info = JwkInfo { alg, kid: key.kid.clone() };
    Ok((key, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_rsa_and_ec_private_keys() {
        let rsa = r#"{"kty":"RSA","kid":"k1","alg":"RS256","use":"sig","n":"AQ","e":"AQAB","d":"AQ","p":"AQ","q":"AQ","dp":"AQ","dq":"AQ","qi":"AQ"}"#;
        let (key, info) = inspect(rsa).unwrap();
        assert_eq!(info, JwkInfo { alg: Alg::RS256, kid: Some("k1".into()) });
        let imported: Value = serde_json::from_str(&key.for_import()).unwrap();
        assert!(imported.get("alg").is_none() && imported.get("use").is_none());
        assert_eq!(imported["qi"], "AQ");
        let ec = r#"{"keys":[{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ","d":"AQ"}]}"#;
        assert_eq!(inspect(ec).unwrap().1, JwkInfo { alg: Alg::ES256, kid: None });
        assert!(!format!("{key:?}").contains("AQAB"));
    }

    #[test]
    fn refuses_with_reasons() {
        assert_eq!(inspect("-----BEGIN").unwrap_err(), JwkError::NotJson);
        assert_eq!(inspect(r#"{"kty":"RSA","n":"AQ","e":"AQAB"}"#).unwrap_err(), JwkError::PublicOnly);
        assert_eq!(inspect(r#"{"kty":"EC","crv":"P-384","x":"a","y":"b","d":"c"}"#).unwrap_err(), JwkError::UnsupportedCurve("P-384".into()));
        assert_eq!(inspect(r#"{"kty":"oct","k":"x"}"#).unwrap_err(), JwkError::UnknownKeyType("oct".into()));
        assert_eq!(inspect(r#"{"kty":"RSA","n":"AQ","e":"AQAB","d":"AQ"}"#).unwrap_err(), JwkError::MissingMember("p"));
        assert_eq!(inspect(r#"["a"]"#).unwrap_err(), JwkError::NotAnObject);
        assert_eq!(inspect(r#"{"keys":[{},{}]}"#).unwrap_err(), JwkError::NotAnObject);
        assert_eq!(inspect(r#"{"n":"AQ"}"#).unwrap_err(), JwkError::MissingMember("kty"));
        assert_eq!(inspect(r#"{"kty":"RSA","n":5,"e":"AQAB","d":"AQ"}"#).unwrap_err(), JwkError::MissingMember("n"));
        assert_eq!(inspect(&"x".repeat(MAX_JWK_BYTES + 1)).unwrap_err(), JwkError::TooLarge);
        assert!(JwkError::PublicOnly.to_string().contains("private"));
    }
}
