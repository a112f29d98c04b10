//! JWTs the console mints (legacy key JWTs, OAuth client assertions) and reads (pasted tokens).
//! Signing happens elsewhere (WebCrypto in the browser, `rsa` in tests); this module builds the
//! signing input and reads claims. Times are seconds since the epoch, passed in by the caller.

use crate::b64;
use crate::json::{self, Json};
use serde_json::Value;

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
pub fn signing_input(header: &Json, claims: &Json) -> String {
    format!("{}.{}", b64::encode_url(header.text().as_bytes()), b64::encode_url(claims.text().as_bytes()))
}

/// Appends the signature to a signing input.
pub fn assemble(signing_input: &str, signature: &[u8]) -> String {
    format!("{signing_input}.{}", b64::encode_url(signature))
}

/// The JWT a legacy key signs: `sub` = accessID, `aud` = the tenant's admin REST base URL.
pub fn legacy_signing_input(access_id: &str, audience: &str, now: u64) -> String {
    let header = json::obj([("typ", json::s("JWT")), ("alg", json::s("RS256"))]);
    let claims = json::obj([
        ("sub", json::s(access_id)),
        ("aud", json::s(audience)),
        ("iat", json::num(now)),
        ("exp", json::num(now + LEGACY_LIFETIME_SECS)),
    ]);
    signing_input(&header, &claims)
}

/// The private_key_jwt assertion for `POST {issuer}/token`.
pub fn assertion_signing_input(client_id: &str, token_url: &str, kid: Option<&str>, alg: Alg, jti: &str, now: u64) -> String {
    let mut header = vec![("typ".to_string(), json::s("JWT")), ("alg".to_string(), json::s(alg.as_str()))];
    if let Some(kid) = kid {
        header.push(("kid".to_string(), json::s(kid)));
    }
    let claims = json::obj([
        ("iss", json::s(client_id)),
        ("sub", json::s(client_id)),
        ("aud", json::s(token_url)),
        ("iat", json::num(now)),
        ("exp", json::num(now + ASSERTION_LIFETIME_SECS)),
        ("jti", json::s(jti)),
    ]);
    signing_input(&Json::Obj(header), &claims)
}

/// The two JSON parts of a compact JWT, for a verifier (the sandbox).
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub header: Value,
    pub claims: Value,
    pub signing_input: String,
    pub signature: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    NotThreeParts,
    NotBase64,
    NotJson,
}

pub fn decode(token: &str) -> Result<Decoded, DecodeError> {
    let mut parts = token.trim().split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(DecodeError::NotThreeParts);
    };
    let part = |text: &str| -> Result<Value, DecodeError> {
        let bytes = b64::decode(text).ok_or(DecodeError::NotBase64)?;
        serde_json::from_slice(&bytes).map_err(|_| DecodeError::NotJson)
    };
    Ok(Decoded {
        header: part(h)?,
        claims: part(p)?,
        signing_input: format!("{h}.{p}"),
        signature: b64::decode(s).ok_or(DecodeError::NotBase64)?,
    })
}

/// A NumericDate claim; RSA accepts integers and floats.
pub fn numeric_claim(claims: &Value, name: &str) -> Option<f64> {
    claims.get(name)?.as_f64()
}

/// What the console can tell about a pasted token without trusting it.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenFacts {
    pub expires_at: Option<u64>,
    pub subject: Option<String>,
    pub audience: Option<String>,
    pub scopes: Option<Vec<String>>,
}

/// Reads a pasted bearer token. Opaque tokens are fine: everything is then unknown.
pub fn token_facts(token: &str) -> TokenFacts {
    let unknown = TokenFacts { expires_at: None, subject: None, audience: None, scopes: None };
    let mut parts = token.trim().split('.');
    let (Some(_), Some(payload), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return unknown;
    };
    let Some(c) = b64::decode(payload).and_then(|b| String::from_utf8(b).ok()).and_then(|t| Json::parse(&t)) else {
        return unknown;
    };
    let text = |k: &str| c.get(k).and_then(Json::as_str).map(str::to_string);
    let audience = match c.get("aud") {
        Some(Json::Arr(a)) => a.first().and_then(Json::as_str).map(str::to_string),
        _ => text("aud"),
    };
    let scopes = match c.get("scope").or_else(|| c.get("scp")) {
        Some(Json::Str(s)) => Some(s.split_whitespace().map(str::to_string).collect()),
        Some(Json::Arr(a)) => Some(a.iter().filter_map(Json::as_str).map(str::to_string).collect()),
        _ => None,
    };
    TokenFacts { expires_at: c.get("exp").and_then(Json::as_u64).filter(|e| *e > 0), subject: text("sub"), audience, scopes }
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
        let claims = Json::parse(r#"{"exp": 1700.5, "scope": "rsa.user.read rsa.user.manage", "aud": ["x"]}"#).unwrap();
        let input = signing_input(&json::obj([("alg", json::s("RS256"))]), &claims);
        let facts = token_facts(&format!("{input}.sig"));
        assert_eq!(facts.expires_at, Some(1700));
        assert_eq!(facts.audience.as_deref(), Some("x"));
        assert_eq!(facts.scopes, Some(vec!["rsa.user.read".to_string(), "rsa.user.manage".to_string()]));
        assert_eq!(token_facts("opaque-token").expires_at, None);
        assert_eq!(decode("a.b"), Err(DecodeError::NotThreeParts));
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
