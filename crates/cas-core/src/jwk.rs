//! OAuth client private keys as JWKs: what WebCrypto needs to know before importing one, and
//! words for every way a pasted JWK can be wrong.

use crate::json::Json;
use crate::jwt::Alg;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwkError {
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

/// What the console learned about a private JWK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JwkInfo {
    pub alg: Alg,
    pub kid: Option<String>,
}

/// Accepts one private JWK, or a JWK set with exactly one key.
pub fn inspect(text: &str) -> Result<(Json, JwkInfo), JwkError> {
    let value = Json::parse(text.trim()).ok_or(JwkError::NotJson)?;
    let key = match value.get("keys").and_then(Json::as_array) {
        Some([only]) => only.clone(),
        Some(_) => return Err(JwkError::NotAnObject),
        None => value,
    };
    key.as_object().ok_or(JwkError::NotAnObject)?;
    let member = |m: &'static str| key.get(m).and_then(Json::as_str).ok_or(JwkError::MissingMember(m));
    let kty = member("kty")?;
    let alg = match kty {
        "RSA" => {
            for m in ["n", "e"] {
                member(m)?;
            }
            if key.get("d").is_none() {
                return Err(JwkError::PublicOnly);
            }
            for m in ["p", "q", "dp", "dq", "qi"] {
                member(m)?;
            }
            Alg::RS256
        }
        "EC" => {
            let crv = member("crv")?;
            if crv != "P-256" {
                return Err(JwkError::UnsupportedCurve(crv.to_string()));
            }
            member("x")?;
            member("y")?;
            if key.get("d").is_none() {
                return Err(JwkError::PublicOnly);
            }
            Alg::ES256
        }
        other => return Err(JwkError::UnknownKeyType(other.to_string())),
    };
    let kid = key.get("kid").and_then(Json::as_str).map(str::to_string);
    Ok((key, JwkInfo { alg, kid }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_rsa_and_ec_private_keys() {
        let rsa = r#"{"kty":"RSA","kid":"k1","n":"AQ","e":"AQAB","d":"AQ","p":"AQ","q":"AQ","dp":"AQ","dq":"AQ","qi":"AQ"}"#;
        assert_eq!(inspect(rsa).unwrap().1, JwkInfo { alg: Alg::RS256, kid: Some("k1".into()) });
        let ec = r#"{"keys":[{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ","d":"AQ"}]}"#;
        assert_eq!(inspect(ec).unwrap().1, JwkInfo { alg: Alg::ES256, kid: None });
    }

    #[test]
    fn refuses_with_reasons() {
        assert_eq!(inspect("-----BEGIN").unwrap_err(), JwkError::NotJson);
        assert_eq!(inspect(r#"{"kty":"RSA","n":"AQ","e":"AQAB"}"#).unwrap_err(), JwkError::PublicOnly);
        assert_eq!(inspect(r#"{"kty":"EC","crv":"P-384","x":"a","y":"b","d":"c"}"#).unwrap_err(), JwkError::UnsupportedCurve("P-384".into()));
        assert_eq!(inspect(r#"{"kty":"oct","k":"x"}"#).unwrap_err(), JwkError::UnknownKeyType("oct".into()));
        assert_eq!(inspect(r#"{"kty":"RSA","n":"AQ","e":"AQAB","d":"AQ"}"#).unwrap_err(), JwkError::MissingMember("p"));
        assert!(JwkError::PublicOnly.to_string().contains("private"));
    }
}
