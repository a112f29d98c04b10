//! Who is calling: legacy key JWTs (RS256, `sub` = access ID) and the OAuth access tokens the
//! sandbox's token endpoint issues. It is a test double, not an authorization server.
//!
//! Signatures and the JWT's form are checked by jsonwebtoken (strict base64url, no padding,
//! RS256/ES256 only); the time and audience claims by hand, because api-notes.md asks for what
//! its validator does not do: `iat`/`exp` as floats, `aud` as a base URL or a bare origin,
//! `typ` exactly `JWT`, a lifetime of at most an hour.

use crate::clock::{now_secs, now_secs_f64};
use crate::keys::{ClientKey, Creds};
use crate::store::{Db, StoredToken};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cas_core::access::{key_allows, scopes_allow, KeyRole, Operation};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rand::RngCore;
use rsa::traits::PublicKeyParts;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// Clock skew tolerated on every time claim.
pub const SKEW_SECS: f64 = 60.0;
pub const TOKEN_LIFETIME_SECS: u64 = 3600;
const MAX_LEGACY_SECS: f64 = 3600.0;
const MAX_ASSERTION_SECS: f64 = 300.0;
const MAX_CACHE: usize = 50_000;

#[derive(Clone, Debug, PartialEq)]
pub enum Cred {
    Legacy { access_id: String, role: KeyRole },
    OAuth { client_id: String, scopes: Vec<String> },
}

impl Cred {
    /// Rate limits are per credential.
    pub fn rate_key(&self) -> String {
        match self {
            Cred::Legacy { access_id, .. } => format!("key:{access_id}"),
            Cred::OAuth { client_id, .. } => format!("client:{client_id}"),
        }
    }

    pub fn allows(&self, op: Operation) -> bool {
        match self {
            Cred::Legacy { role, .. } => key_allows(*role, op).is_ok(),
            Cred::OAuth { scopes, .. } => scopes_allow(scopes.iter().map(String::as_str), op).is_ok(),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Cred::Legacy { role: KeyRole::SuperAdmin, .. } => "superadmin-key",
            Cred::Legacy { role: KeyRole::HelpDesk, .. } => "helpdesk-key",
            Cred::OAuth { .. } => "oauth",
        }
    }

    /// The access ID or client ID: who acted, never a secret.
    pub fn id(&self) -> &str {
        match self {
            Cred::Legacy { access_id, .. } => access_id,
            Cred::OAuth { client_id, .. } => client_id,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Refused,
    Expired,
}

struct ClientInfo {
    kid: String,
    alg: Algorithm,
    key: DecodingKey,
    allowed: Vec<String>,
}

/// A token is known by what it says, not by its text: a legacy JWT by its decoded header,
/// claims and signature, an OAuth token by its decoded bytes. Decoding is strict (one
/// spelling per token), and revocation goes by this identity all the same.
#[derive(Default)]
struct State {
    /// Legacy JWTs already verified: hash of the text → (credential, exp, identity).
    verified: HashMap<String, (Cred, f64, String)>,
    /// The identity of every legacy JWT verified since the last expire-tokens.
    seen: HashSet<String>,
    /// OAuth tokens by identity.
    tokens: HashMap<String, StoredToken>,
    revoked: HashSet<String>,
    /// Assertion `jti`s used ("client jti"), until their `exp` (+ skew); kept in the database
    /// too, so a restart does not make an assertion usable again.
    jtis: HashMap<String, f64>,
}

pub struct Auth {
    legacy: HashMap<String, (KeyRole, DecodingKey)>,
    clients: HashMap<String, ClientInfo>,
    /// The host of the key files' `adminRestApiUrl` (the listen address), lowercase.
    tenant_host: String,
    state: Mutex<State>,
}

fn hex_sha256(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hash(token: &str) -> String {
    hex_sha256(&[token.as_bytes()])
}

/// The identity of a legacy JWT whose three parts decode (strictly).
fn jwt_identity(token: &str) -> Option<String> {
    let mut parts = Vec::with_capacity(3);
    for p in token.split('.') {
        parts.push(URL_SAFE_NO_PAD.decode(p).ok()?);
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    (refs.len() == 3).then(|| format!("jwt:{}", hex_sha256(&refs)))
}

/// The identity of an opaque OAuth token; `None` unless it is canonical base64url.
fn oauth_identity(token: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    Some(format!("oauth:{}", hex_sha256(&[&bytes])))
}

/// The claims a legacy JWT must carry ("all other claims are ignored"). Numbers may be
/// integers or floats.
#[derive(Deserialize)]
struct LegacyClaims {
    sub: String,
    aud: Value,
    iat: f64,
    exp: f64,
}

/// The claims of a client assertion.
#[derive(Deserialize)]
struct AssertionClaims {
    iss: String,
    sub: String,
    aud: Value,
    exp: f64,
    #[serde(default)]
    iat: Option<f64>,
    jti: String,
}

/// Signature and form only: the claims are checked by the callers, as described above.
fn validation(alg: Algorithm) -> Validation {
    let mut v = Validation::new(alg);
    v.required_spec_claims.clear();
    v.validate_exp = false;
    v.validate_nbf = false;
    v.validate_aud = false;
    v
}

/// `aud` of a legacy JWT: the tenant's admin REST base URL or its bare origin. "The tenant's"
/// means the host of the key files' `adminRestApiUrl`, which is the sandbox's own listen
/// address (a console connected through a proxy still signs with the key file's URL). The
/// port is not compared: `--listen 127.0.0.1:0` moves it on every start, and a tenant's tokens
/// survive a restart. The scheme is not compared either. The path must be empty or end with
/// `/AdminInterface/restapi` (a trailing `/` or `/v1` allowed; a proxy's prefix before it is
/// fine).
pub fn legacy_audience_ok(aud: &Value, tenant_host: &str) -> bool {
    let ok = |s: &str| legacy_audience_str_ok(s, tenant_host);
    match aud {
        Value::String(s) => ok(s),
        Value::Array(items) => items.iter().any(|v| v.as_str().is_some_and(ok)),
        _ => false,
    }
}

/// `127.0.0.1:8080` → `127.0.0.1`, `[::1]:8080` → `[::1]`; `None` with user info.
fn host_of_authority(authority: &str) -> Option<&str> {
    if authority.contains('@') {
        return None;
    }
    if authority.starts_with('[') {
        let end = authority.find(']')?;
        return Some(&authority[..=end]);
    }
    Some(authority.rsplit_once(':').map_or(authority, |(h, _)| h))
}

fn legacy_audience_str_ok(aud: &str, tenant_host: &str) -> bool {
    let s = aud.trim();
    let rest = match s.get(..8) {
        Some(p) if p.eq_ignore_ascii_case("https://") => &s[8..],
        _ => match s.get(..7) {
            Some(p) if p.eq_ignore_ascii_case("http://") => &s[7..],
            _ => return false,
        },
    };
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if host.is_empty() || host.contains(['?', '#', ' ']) || path.contains(['?', '#']) {
        return false;
    }
    if !host_of_authority(host).is_some_and(|h| h.eq_ignore_ascii_case(tenant_host)) {
        return false;
    }
    let mut p = path.trim_end_matches('/');
    if let Some(x) = p.strip_suffix("/v1") {
        p = x.trim_end_matches('/');
    }
    p.is_empty() || p.ends_with("/AdminInterface/restapi")
}

/// `aud` of a client assertion: any URL ending in `/oauth/token`.
fn token_audience_ok(aud: &Value) -> bool {
    let ok = |s: &str| {
        let s = s.trim().trim_end_matches('/');
        (s.starts_with("http://") || s.starts_with("https://")) && s.ends_with("/oauth/token")
    };
    match aud {
        Value::String(s) => ok(s),
        Value::Array(items) => items.iter().any(|v| v.as_str().is_some_and(ok)),
        _ => false,
    }
}

/// An error answer of the token endpoint.
pub struct TokenError {
    pub status: u16,
    pub body: Value,
}

fn token_error(status: u16, error: &str, description: &str) -> TokenError {
    TokenError { status, body: json!({"error": error, "error_description": description}) }
}

/// A fresh opaque access token: 32 random bytes, base64url as RSA's are.
fn new_access_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

impl Auth {
    /// `tenant_host`: the host the key files name (`127.0.0.1`, `[::1]`).
    pub fn new(creds: &Creds, db: &Db, tenant_host: &str) -> Result<Auth, String> {
        let legacy = creds
            .legacy
            .iter()
            .map(|k| {
                let public = k.private.to_public_key();
                let key = DecodingKey::from_rsa_raw_components(&public.n().to_bytes_be(), &public.e().to_bytes_be());
                (k.access_id.clone(), (k.role, key))
            })
            .collect();
        let clients = creds
            .clients
            .iter()
            .map(|c| {
                let (alg, key) = match &c.key {
                    ClientKey::Rsa(k) => {
                        let public = k.to_public_key();
                        (Algorithm::RS256, DecodingKey::from_rsa_raw_components(&public.n().to_bytes_be(), &public.e().to_bytes_be()))
                    }
                    ClientKey::Ec(k) => (Algorithm::ES256, DecodingKey::from_ec_der(k.verifying_key().to_encoded_point(false).as_bytes())),
                };
                (c.client_id.clone(), ClientInfo { kid: c.kid.clone(), alg, key, allowed: c.allowed_scopes.clone() })
            })
            .collect();
        let mut state = State::default();
        for t in db.load_tokens(now_secs())? {
            state.tokens.insert(t.hash.clone(), t);
        }
        state.revoked = db.load_revoked()?.into_iter().collect();
        state.jtis = db.load_jtis(now_secs_f64())?.into_iter().collect();
        Ok(Auth { legacy, clients, tenant_host: tenant_host.to_ascii_lowercase(), state: Mutex::new(state) })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Checks `Authorization: Bearer <token>`.
    pub fn authenticate(&self, header: Option<&str>) -> Result<Cred, Refusal> {
        let header = header.ok_or(Refusal::Refused)?.trim();
        let token = match header.split_once(' ') {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
            _ => return Err(Refusal::Refused),
        };
        if token.is_empty() || token.len() > 16 * 1024 {
            return Err(Refusal::Refused);
        }
        let h = hash(token);
        let now = now_secs_f64();
        {
            let st = self.state();
            if let Some((cred, exp, identity)) = st.verified.get(&h) {
                if st.revoked.contains(identity) || now > exp + SKEW_SECS {
                    return Err(Refusal::Expired);
                }
                return Ok(cred.clone());
            }
            if !token.contains('.') {
                let identity = oauth_identity(token).ok_or(Refusal::Refused)?;
                if st.revoked.contains(&identity) {
                    return Err(Refusal::Expired);
                }
                let t = st.tokens.get(&identity).ok_or(Refusal::Refused)?;
                if now > t.expires_at as f64 {
                    return Err(Refusal::Expired);
                }
                return Ok(Cred::OAuth { client_id: t.client_id.clone(), scopes: t.scopes.clone() });
            }
        }
        if token.matches('.').count() != 2 {
            return Err(Refusal::Refused);
        }
        let (cred, exp) = self.verify_legacy(token, now)?;
        let identity = jwt_identity(token).ok_or(Refusal::Refused)?;
        let mut st = self.state();
        if st.revoked.contains(&identity) {
            return Err(Refusal::Expired);
        }
        st.seen.insert(identity.clone());
        if st.verified.len() >= MAX_CACHE {
            st.verified.clear();
        }
        st.verified.insert(h, (cred.clone(), exp, identity));
        Ok(cred)
    }

    fn verify_legacy(&self, token: &str, now: f64) -> Result<(Cred, f64), Refusal> {
        // Only to learn which key to verify with; nothing is trusted before `decode` below.
        let unverified = jsonwebtoken::dangerous::insecure_decode::<Value>(token).map_err(|_| Refusal::Refused)?;
        let sub = unverified.claims.get("sub").and_then(Value::as_str).ok_or(Refusal::Refused)?;
        let (role, key) = self.legacy.get(sub).ok_or(Refusal::Refused)?;
        let data = jsonwebtoken::decode::<LegacyClaims>(token, key, &validation(Algorithm::RS256)).map_err(|_| Refusal::Refused)?;
        if data.header.typ.as_deref() != Some("JWT") || data.claims.sub != sub {
            return Err(Refusal::Refused);
        }
        let c = data.claims;
        if !legacy_audience_ok(&c.aud, &self.tenant_host) {
            return Err(Refusal::Refused);
        }
        let (iat, exp) = (c.iat, c.exp);
        if !iat.is_finite() || !exp.is_finite() || exp < iat || exp - iat > MAX_LEGACY_SECS || iat > now + SKEW_SECS {
            return Err(Refusal::Refused);
        }
        if now > exp + SKEW_SECS {
            return Err(Refusal::Expired);
        }
        Ok((Cred::Legacy { access_id: c.sub, role: *role }, exp))
    }

    /// "Every token presented or issued so far is answered afterwards as expired."
    pub fn expire_all(&self, db: &Mutex<Db>) -> Result<usize, String> {
        let mut st = self.state();
        let mut hashes: Vec<String> = st.seen.drain().collect();
        hashes.extend(st.tokens.keys().cloned());
        hashes.sort();
        hashes.dedup();
        db.lock().unwrap_or_else(|p| p.into_inner()).revoke(hashes.iter())?;
        st.verified.clear();
        st.tokens.clear();
        let n = hashes.len();
        st.revoked.extend(hashes);
        Ok(n)
    }

    /// `POST /oauth/token` with a `private_key_jwt` client assertion: the answer and the
    /// client it was issued to.
    pub fn issue_token(&self, form: &[(String, String)], db: &Mutex<Db>) -> Result<(Value, Cred), TokenError> {
        let mut params: HashMap<&str, &str> = HashMap::new();
        for (k, v) in form {
            if params.insert(k.as_str(), v.as_str()).is_some() {
                return Err(token_error(400, "invalid_request", &format!("Parameter {k} given more than once.")));
            }
        }
        let grant = params.get("grant_type").copied().unwrap_or("");
        if grant.is_empty() {
            return Err(token_error(400, "invalid_request", "Missing grant_type."));
        }
        if grant != "client_credentials" {
            return Err(token_error(400, "unsupported_grant_type", "Only client_credentials is supported."));
        }
        if params.get("client_assertion_type").copied() != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
            return Err(token_error(400, "invalid_request", "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer."));
        }
        let assertion = params.get("client_assertion").copied().filter(|a| !a.is_empty());
        let Some(assertion) = assertion else {
            return Err(token_error(400, "invalid_request", "Missing client_assertion."));
        };
        let bad = |why: &str| token_error(403, "invalid_client", why);
        // Only to learn which client's key to verify with.
        let unverified = jsonwebtoken::dangerous::insecure_decode::<Value>(assertion).map_err(|_| bad("The client assertion is not a JWT."))?;
        let iss = unverified.claims.get("iss").and_then(Value::as_str).unwrap_or("");
        let client_id = params.get("client_id").copied().unwrap_or(iss);
        let client = self.clients.get(client_id).ok_or_else(|| bad("Unknown client."))?;
        if unverified.header.kid.as_deref() != Some(client.kid.as_str()) {
            return Err(bad("The assertion's kid does not name this client's key."));
        }
        let c = match jsonwebtoken::decode::<AssertionClaims>(assertion, &client.key, &validation(client.alg)) {
            Ok(d) => d.claims,
            Err(e) => {
                return Err(bad(match e.kind() {
                    ErrorKind::InvalidSignature => "The assertion's signature does not verify with this client's key.",
                    ErrorKind::InvalidAlgorithm => "The assertion's alg is not this client's (RS256 for an RSA key, ES256 for an EC key).",
                    ErrorKind::Json(_) => "The assertion lacks iss, sub, aud, exp or jti, or one has the wrong type.",
                    _ => "The client assertion is not a valid JWT.",
                }))
            }
        };
        if c.iss != client_id || c.sub != client_id {
            return Err(bad("The assertion's iss and sub must both be the client ID."));
        }
        if !token_audience_ok(&c.aud) {
            return Err(bad("The assertion's aud must be the token endpoint URL."));
        }
        let now = now_secs_f64();
        if !c.exp.is_finite() || now > c.exp + SKEW_SECS {
            return Err(bad("The assertion has expired."));
        }
        if c.exp - now > MAX_ASSERTION_SECS + SKEW_SECS {
            return Err(bad("The assertion lives too long (at most 300 s)."));
        }
        if c.iat.is_some_and(|iat| !iat.is_finite() || iat > now + SKEW_SECS) {
            return Err(bad("The assertion was issued in the future."));
        }
        if c.jti.is_empty() {
            return Err(bad("The assertion has no jti."));
        }
        // Scopes: a subset of what the client may have; none asked means all of them.
        let asked: Vec<String> = params.get("scope").map(|s| s.split_whitespace().map(str::to_string).collect()).unwrap_or_default();
        let mut granted: Vec<String> = Vec::new();
        for s in if asked.is_empty() { client.allowed.clone() } else { asked } {
            if !client.allowed.contains(&s) {
                return Err(token_error(403, "invalid_scope", &format!("The client is not allowed the scope {s}.")));
            }
            if !granted.contains(&s) {
                granted.push(s);
            }
        }
        let token = new_access_token();
        let stored = StoredToken {
            hash: oauth_identity(&token).ok_or_else(|| token_error(500, "server_error", "The token could not be made."))?,
            client_id: client_id.to_string(),
            scopes: granted.clone(),
            expires_at: now_secs() + TOKEN_LIFETIME_SECS,
        };
        {
            let mut st = self.state();
            st.jtis.retain(|_, until| *until >= now);
            let key = format!("{client_id} {}", c.jti);
            if st.jtis.contains_key(&key) {
                return Err(bad("The assertion's jti was already used."));
            }
            let until = c.exp + SKEW_SECS;
            let db = db.lock().unwrap_or_else(|p| p.into_inner());
            let stored_ok = db.put_jti(&key, until).and_then(|()| db.put_token(&stored));
            stored_ok.map_err(|_| token_error(500, "server_error", "The token could not be stored."))?;
            st.jtis.insert(key, until);
            st.tokens.insert(stored.hash.clone(), stored);
        }
        let answer = json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECS,
            "scope": granted.join(" "),
        });
        Ok((answer, Cred::OAuth { client_id: client_id.to_string(), scopes: granted }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_audiences() {
        let host = "t.access.securid.com";
        for ok in [
            "https://t.access.securid.com/AdminInterface/restapi",
            "https://t.access.securid.com/AdminInterface/restapi/",
            "https://t.access.securid.com/AdminInterface/restapi/v1",
            "HTTPS://T.Access.SecurID.com/AdminInterface/restapi/v1/",
            "http://t.access.securid.com:8080/AdminInterface/restapi",
            "http://t.access.securid.com:8080/proxy/AdminInterface/restapi",
            "https://t.access.securid.com",
            "https://t.access.securid.com/",
        ] {
            assert!(legacy_audience_ok(&json!(ok), host), "{ok}");
        }
        for bad in [
            "", "t.access.securid.com", "https:///AdminInterface/restapi", "https://t.access.securid.com/AdminInterface",
            "https://t.access.securid.com/other", "ftp://t.access.securid.com", "https://other.access.securid.com",
            "https://t.access.securid.com.evil.example", "https://x@t.access.securid.com",
        ] {
            assert!(!legacy_audience_ok(&json!(bad), host), "{bad}");
        }
        assert!(legacy_audience_ok(&json!(["x", "https://t.access.securid.com"]), host));
        assert!(!legacy_audience_ok(&json!(5), host));
        assert!(legacy_audience_ok(&json!("http://[::1]:9/AdminInterface/restapi"), "[::1]"));
        assert!(!legacy_audience_ok(&json!("http://[::1]:9/AdminInterface/restapi"), "127.0.0.1"));
    }

    #[test]
    fn identities_need_canonical_base64url() {
        assert!(oauth_identity("AAAA").is_some());
        assert_eq!(oauth_identity("AAAA="), None);
        assert_eq!(oauth_identity("AAB"), None, "non-zero unused bits");
        assert!(jwt_identity("e30.e30.AAAA").is_some());
        assert_eq!(jwt_identity("e30=.e30.AAAA"), None);
        assert_eq!(jwt_identity("e30.e30"), None);
    }

    #[test]
    fn token_audiences() {
        assert!(token_audience_ok(&json!("https://t.auth.securid.com/oauth/token")));
        assert!(token_audience_ok(&json!("http://127.0.0.1:1/oauth/token/")));
        assert!(!token_audience_ok(&json!("http://127.0.0.1:1/oauth")));
    }
}
