//! JWTs the console mints (legacy key JWTs, OAuth client assertions) and reads (pasted tokens).
//! Signing happens elsewhere (WebCrypto in the browser, `rsa` in tests); this module builds the
//! signing input and reads claims. Times are seconds since the epoch, passed in by the caller.

use crate::wire::lenient;
use base64ct::{Base64UrlUnpadded, Encoding};
use serde::Deserialize;
use serde_json::{json, Value};

/// RSA's ceiling for a legacy JWT's lifetime.
pub const LEGACY_MAX_LIFETIME_SECS: u64 = 60 * 60;
/// What the console asks for: short of the ceiling so clock skew never trips it.
pub const LEGACY_LIFETIME_SECS: u64 = 55 * 60;
/// Renew this long before a token runs out, so no request goes out with a dying token.
pub const RENEW_MARGIN_SECS: u64 = 120;
/// Lifetime of an OAuth client assertion.
pub const ASSERTION_LIFETIME_SECS: u64 = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    RS256,
    ES256,
}

impl Alg {
    pub fn as_str(self) -> &'static str {
        match self {
            Alg::RS256 => "RS256",
            Alg::ES256 => "ES256",
        }
    }
}

/// `header.payload`, base64url: what gets signed.
pub fn signing_input(header: &Value, claims: &Value) -> String {
    format!("{}.{}", Base64UrlUnpadded::encode_string(header.to_string().as_bytes()), Base64UrlUnpadded::encode_string(claims.to_string().as_bytes()))
}

/// Appends the signature to a signing input.
pub fn assemble(signing_input: &str, signature: &[u8]) -> String {
    format!("{signing_input}.{}", Base64UrlUnpadded::encode_string(signature))
}

/// The JWT a legacy key signs: `sub` = accessID, `aud` = the tenant's admin REST base URL.
pub fn legacy_signing_input(access_id: &str, audience: &str, now: u64) -> String {
    let header = json!({"typ": "JWT", "alg": "RS256"});
    let claims = json!({"sub": access_id, "aud": audience, "iat": now, "exp": now + LEGACY_LIFETIME_SECS});
    signing_input(&header, &claims)
}

/// The private_key_jwt assertion for `POST {issuer}/token`.
pub fn assertion_signing_input(client_id: &str, token_url: &str, kid: Option<&str>, alg: Alg, jti: &str, now: u64) -> String {
    let mut header = json!({"typ": "JWT", "alg": alg.as_str()});
    if let Some(kid) = kid {
        header["kid"] = kid.into();
    }
    let claims = json!({
        "iss": client_id, "sub": client_id, "aud": token_url,
        "iat": now, "exp": now + ASSERTION_LIFETIME_SECS, "jti": jti,
    });
    signing_input(&header, &claims)
}

/// What the console can tell about a pasted token without trusting it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TokenFacts {
    pub expires_at: Option<u64>,
    pub subject: Option<String>,
    pub audience: Option<String>,
    pub scopes: Option<Vec<String>>,
}

/// A string, or a list of strings (`aud`, `scp`): RFC 7519 allows both.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// The claims a pasted token may carry; all of them informational.
#[derive(Deserialize)]
struct Claims {
    #[serde(default, deserialize_with = "lenient")]
    exp: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    sub: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    aud: Option<OneOrMany>,
    #[serde(default, deserialize_with = "lenient", alias = "scp")]
    scope: Option<OneOrMany>,
}

/// Reads a pasted bearer token. Opaque tokens are fine: everything is then unknown.
pub fn token_facts(token: &str) -> TokenFacts {
    let mut parts = token.trim().split('.');
    let (Some(_), Some(payload), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return TokenFacts::default();
    };
    let Some(c) = Base64UrlUnpadded::decode_vec(payload).ok().and_then(|b| serde_json::from_slice::<Claims>(&b).ok()) else {
        return TokenFacts::default();
    };
    let audience = match c.aud {
        Some(OneOrMany::One(a)) => Some(a),
        Some(OneOrMany::Many(a)) => a.into_iter().next(),
        None => None,
    };
    let scopes = c.scope.map(|s| match s {
        OneOrMany::One(s) => s.split_whitespace().map(str::to_string).collect(),
        OneOrMany::Many(list) => list,
    });
    TokenFacts { expires_at: c.exp.filter(|e| *e >= 1.0).map(|e| e as u64), subject: c.sub, audience, scopes }
}

/// "59 min", "45 s", "expired": how long a credential has left, for the header.
pub fn time_left(expires_at: u64, now: u64) -> String {
    if expires_at <= now {
        return "expired".into();
    }
    let left = expires_at - now;
    if left >= 3600 {
        format!("{} h {} min", left / 3600, (left % 3600) / 60)
    } else if left >= 60 {
        format!("{} min", left / 60)
    } else {
        format!("{left} s")
    }
}

/// True when a token expiring at `expires_at` should be replaced before the next request.
pub fn needs_renewal(expires_at: u64, now: u64) -> bool {
    now + RENEW_MARGIN_SECS >= expires_at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two JSON parts of a compact JWT.
    #[derive(Clone, Debug, PartialEq)]
    struct Decoded {
        pub header: Value,
        pub claims: Value,
        pub signing_input: String,
        pub signature: Vec<u8>,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    enum DecodeError {
        NotThreeParts,
        NotBase64,
        NotJson,
    }

    /// Splits and decodes a compact JWT, strictly (base64url without padding, as RFC 7515 says).
    fn decode(token: &str) -> Result<Decoded, DecodeError> {
        let mut parts = token.trim().split('.');
        let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(DecodeError::NotThreeParts);
        };
        let part = |text: &str| -> Result<Value, DecodeError> {
            let bytes = Base64UrlUnpadded::decode_vec(text).map_err(|_| DecodeError::NotBase64)?;
            serde_json::from_slice(&bytes).map_err(|_| DecodeError::NotJson)
        };
        Ok(Decoded {
            header: part(h)?,
            claims: part(p)?,
            signing_input: format!("{h}.{p}"),
            signature: Base64UrlUnpadded::decode_vec(s).map_err(|_| DecodeError::NotBase64)?,
        })
    }



    #[test]
    fn legacy_claims_follow_the_notes() {
        let input = legacy_signing_input("abc", "https://t.access.securid.com/AdminInterface/restapi", 1_000);
        let d = decode(&format!("{input}.AAAA")).unwrap();
        assert_eq!(d.header, serde_json::json!({"typ": "JWT", "alg": "RS256"}));
        assert_eq!(d.claims["sub"], "abc");
        assert_eq!(d.claims["aud"], "https://t.access.securid.com/AdminInterface/restapi");
        assert_eq!(d.claims["iat"], 1_000);
        let lifetime = d.claims["exp"].as_u64().unwrap() - 1_000;
        assert!(lifetime <= LEGACY_MAX_LIFETIME_SECS && lifetime > RENEW_MARGIN_SECS);
    }

    #[test]
    fn assertion_claims_name_the_token_endpoint() {
        let input = assertion_signing_input("client", "https://t.auth.securid.com/oauth/token", Some("k1"), Alg::ES256, "j1", 50);
        let d = decode(&format!("{input}.AAAA")).unwrap();
        assert_eq!(d.header["kid"], "k1");
        assert_eq!(d.header["alg"], "ES256");
        assert_eq!(d.claims["iss"], "client");
        assert_eq!(d.claims["sub"], "client");
        assert_eq!(d.claims["aud"], "https://t.auth.securid.com/oauth/token");
        assert_eq!(d.claims["exp"], 350);
        assert_eq!(d.claims["jti"], "j1");
    }

    #[test]
    fn pasted_tokens_are_read_without_trust() {
        let claims = json!({"exp": 1700.5, "scope": "rsa.user.read rsa.user.manage", "aud": ["x"]});
        let input = signing_input(&json!({"alg": "RS256"}), &claims);
        let facts = token_facts(&format!("{input}.sig"));
        assert_eq!(facts.expires_at, Some(1700));
        assert_eq!(facts.audience.as_deref(), Some("x"));
        assert_eq!(facts.scopes, Some(vec!["rsa.user.read".to_string(), "rsa.user.manage".to_string()]));
        assert_eq!(token_facts("opaque-token").expires_at, None);
        assert_eq!(decode("a.b"), Err(DecodeError::NotThreeParts));
        let odd = signing_input(&json!({}), &json!({"exp": "soon", "scp": ["a", "b"], "sub": 7}));
        assert_eq!(token_facts(&format!("{odd}.sig")), TokenFacts { scopes: Some(vec!["a".into(), "b".into()]), ..TokenFacts::default() });
    }

    #[test]
    fn time_left_and_renewal() {
        assert_eq!(time_left(100, 200), "expired");
        assert_eq!(time_left(145, 100), "45 s");
        assert_eq!(time_left(100 + 59 * 60, 100), "59 min");
        assert_eq!(time_left(100 + 3700, 100), "1 h 1 min");
        assert!(needs_renewal(1000, 1000 - RENEW_MARGIN_SECS));
        assert!(!needs_renewal(1000, 1000 - RENEW_MARGIN_SECS - 1));
    }
}
