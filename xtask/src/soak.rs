//! `cargo xtask soak [--seconds N]`: mixed concurrent traffic against a real sandbox over HTTP
//! on loopback, with its fault injection on at a known rate, bounded in time and in requests.
//!
//! Workers look users up, search, disable and enable them, add them to the high-risk list and
//! take them off, read the list, ask for OAuth tokens and call with them, read sign-in
//! histories and authenticators, unlock, issue and end emergency codes, and synchronize. Each
//! request has one expected status; anything else must be one of the injected faults (a 500 or
//! a 429 with the sandbox's bodies). The assertions, after the figures are printed:
//! - no answer beyond the expected and the injected ones, and no request without an answer;
//! - the injected faults seen match the rates asked for (within six standard deviations);
//! - the sandbox counted exactly the requests and statuses the workers saw;
//! - memory flat: after the warm-up, the highest RSS of the last quarter is within
//!   `RSS_TOLERANCE` (+ `RSS_SLACK_KIB`) of the highest of the first quarter. The check is on
//!   growth only, never on time.

use crate::{start_sandbox, root, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::{BigUint, RsaPrivateKey};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const DEFAULT_SECONDS: u64 = 300;
/// The short pass inside `cargo xtask test`.
pub const SHORT_SECONDS: u64 = 15;

const WORKERS: usize = 4;
/// Requests per second, all workers together, once warmed up: steady load, not a benchmark
/// (two cores, shared).
const RATE: f64 = 300.0;
/// The requests a run sends at most, whatever `--seconds` says.
const MAX_REQUESTS: u64 = 2_000_000;
/// The sandbox keeps the last 10,000 requests in its log (`cas_sandbox::reqlog::CAPACITY`): its
/// one intended growth. The warm-up, sent as fast as the workers go, fills it.
const WARM_UP_REQUESTS: u64 = 10_000;
const WARM_UP_LIMIT: Duration = Duration::from_secs(120);

const FAIL_RATE: f64 = 0.02;
const THROTTLE_RATE: f64 = 0.02;
const LATENCY_MS: u64 = 0;
const JITTER_MS: u64 = 4;

/// "Flat": the last quarter's highest RSS at most this much above the first quarter's.
const RSS_TOLERANCE: f64 = 0.10;
const RSS_SLACK_KIB: u64 = 2 * 1024;

const API: &str = "/AdminInterface/restapi";
const LOCAL: &str = "Local Identity Source";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Lookup,
    LookupHelpDesk,
    LookupMissing,
    LookupOAuth,
    SearchV1,
    SearchV2,
    Status,
    HighRisk,
    HighRiskPartial,
    HighRiskListV1,
    HighRiskListV2,
    HighRiskRefused,
    Token,
    BadToken,
    AuthLogs,
    DevicesV1,
    DevicesV2,
    Unlock,
    EmergencyIssue,
    EmergencyEnd,
    Sync,
}

use Kind::*;

/// Each worker asks for a fresh OAuth token this often (0.4 a second in all, as many as
/// 1,400 consoles renewing theirs hourly). Not a share of the mix: the sandbox keeps every
/// token it issued in memory (about 1.3 KiB each, with its scopes) for its hour of life and
/// beyond, so a token per request would measure that retention, not steady state. A run with
/// tokens at 3% of the mix (9 a second) grew 5.5 MiB in 300 s; without, RSS levelled off at
/// 22.5 MiB within 20 s.
const TOKEN_EVERY: Duration = Duration::from_secs(10);

/// The mix: each kind and its weight (tokens come on `TOKEN_EVERY`).
const MIX: [(Kind, u32); 20] = [
    (Lookup, 16),
    (LookupHelpDesk, 4),
    (LookupMissing, 4),
    (LookupOAuth, 6),
    (SearchV1, 8),
    (SearchV2, 8),
    (Status, 8),
    (HighRisk, 4),
    (HighRiskPartial, 3),
    (HighRiskListV1, 2),
    (HighRiskListV2, 3),
    (HighRiskRefused, 2),
    (BadToken, 2),
    (AuthLogs, 5),
    (DevicesV1, 3),
    (DevicesV2, 3),
    (Unlock, 3),
    (EmergencyIssue, 2),
    (EmergencyEnd, 2),
    (Sync, 3),
];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Lookup => "lookup",
            LookupHelpDesk => "lookup (help-desk key)",
            LookupMissing => "lookup, no such user",
            LookupOAuth => "lookup (OAuth token)",
            SearchV1 => "search v1",
            SearchV2 => "search v2",
            Status => "disable / enable",
            HighRisk => "high-risk add / remove",
            HighRiskPartial => "high-risk, one unknown",
            HighRiskListV1 => "high-risk list v1",
            HighRiskListV2 => "high-risk list v2",
            HighRiskRefused => "high-risk, help-desk key",
            Token => "OAuth token",
            BadToken => "refused token",
            AuthLogs => "sign-in history",
            DevicesV1 => "authenticators v1",
            DevicesV2 => "authenticators v2",
            Unlock => "unlock",
            EmergencyIssue => "emergency code",
            EmergencyEnd => "end emergency code",
            Sync => "sync",
        }
    }

    /// Whether the sandbox may inject a fault into it: every API call that passed the
    /// credential and permission checks; the token endpoint is exempt.
    fn injectable(self) -> bool {
        !matches!(self, Token | BadToken | HighRiskRefused)
    }
}

/// One answer as a worker saw it: the sandbox's name for the route, the status (0: none).
struct Seen {
    route: String,
    status: u16,
    body: String,
}

#[derive(Default, Clone)]
struct KindTally {
    sent: u64,
    expected: u64,
    injected_429: u64,
    injected_500: u64,
    unexpected: u64,
}

#[derive(Default)]
struct Tally {
    kinds: BTreeMap<Kind, KindTally>,
    statuses: BTreeMap<u16, u64>,
    routes: BTreeMap<(String, u16), u64>,
    /// Requests the sandbox may inject into (for the expected number of faults).
    injectable: u64,
    examples: Vec<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for (k, t) in other.kinds {
            let e = self.kinds.entry(k).or_default();
            e.sent += t.sent;
            e.expected += t.expected;
            e.injected_429 += t.injected_429;
            e.injected_500 += t.injected_500;
            e.unexpected += t.unexpected;
        }
        for (s, n) in other.statuses {
            *self.statuses.entry(s).or_default() += n;
        }
        for (r, n) in other.routes {
            *self.routes.entry(r).or_default() += n;
        }
        self.injectable += other.injectable;
        self.examples.extend(other.examples);
    }

    fn record(&mut self, kind: Kind, expected: u16, seen: Seen) {
        let t = self.kinds.entry(kind).or_default();
        t.sent += 1;
        if kind.injectable() {
            self.injectable += 1;
        }
        *self.statuses.entry(seen.status).or_default() += 1;
        if seen.status != 0 {
            *self.routes.entry((seen.route.clone(), seen.status)).or_default() += 1;
        }
        let injected_500 = seen.status == 500 && seen.body.contains("\"500 INTERNAL_SERVER_ERROR\"") && seen.body.contains("Internal server error");
        let injected_429 = seen.status == 429 && seen.body.contains("\"429 TOO_MANY_REQUESTS\"");
        if seen.status == expected {
            t.expected += 1;
        } else if kind.injectable() && injected_429 {
            t.injected_429 += 1;
        } else if kind.injectable() && injected_500 {
            t.injected_500 += 1;
        } else {
            t.unexpected += 1;
            if self.examples.len() < 10 {
                let body: String = seen.body.chars().take(300).collect();
                self.examples.push(format!("{}: expected {expected}, got {} {}: {body}", kind.name(), seen.status, seen.route));
            }
        }
    }
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A legacy key file's signer: JWTs with `sub` = accessID, `aud` = adminRestApiUrl.
struct LegacyKey {
    key: EncodingKey,
    sub: String,
    aud: String,
}

impl LegacyKey {
    fn load(path: &Path) -> Result<LegacyKey> {
        let v = read_json(path)?;
        let (Some(sub), Some(pem), Some(aud)) = (v["accessID"].as_str(), v["accessKey"].as_str(), v["adminRestApiUrl"].as_str()) else {
            return Err(format!("{} is not a key file", path.display()));
        };
        let der = RsaPrivateKey::from_pkcs1_pem(pem).and_then(|k| k.to_pkcs1_der()).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(LegacyKey { key: EncodingKey::from_rsa_der(der.as_bytes()), sub: sub.into(), aud: aud.into() })
    }

    fn mint(&self) -> Result<String> {
        let now = now_secs();
        let claims = json!({"sub": self.sub, "aud": self.aud, "iat": now, "exp": now + 55 * 60});
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key).map_err(|e| format!("signing: {e}"))
    }
}

/// The OAuth client of `oauth-client.json`: client assertions for the token endpoint.
struct OAuthClient {
    key: EncodingKey,
    kid: String,
    client_id: String,
    token_url: String,
}

impl OAuthClient {
    fn load(path: &Path) -> Result<OAuthClient> {
        let v = read_json(path)?;
        let part = |name: &str| -> Result<BigUint> {
            let text = v["jwk"][name].as_str().ok_or_else(|| format!("{}: the JWK has no {name}", path.display()))?;
            Ok(BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(text).map_err(|e| format!("{}: {name}: {e}", path.display()))?))
        };
        let key = RsaPrivateKey::from_components(part("n")?, part("e")?, part("d")?, vec![part("p")?, part("q")?]).map_err(|e| format!("{}: {e}", path.display()))?;
        let der = key.to_pkcs1_der().map_err(|e| format!("{}: {e}", path.display()))?;
        let (Some(client_id), Some(issuer), Some(kid)) = (v["clientId"].as_str(), v["issuerUrl"].as_str(), v["jwk"]["kid"].as_str()) else {
            return Err(format!("{} is not a client file", path.display()));
        };
        Ok(OAuthClient { key: EncodingKey::from_rsa_der(der.as_bytes()), kid: kid.into(), client_id: client_id.into(), token_url: format!("{}/token", issuer.trim_end_matches('/')) })
    }

    /// The form of `POST /oauth/token`, with a fresh assertion.
    fn form(&self, rng: &mut StdRng) -> Result<String> {
        let now = now_secs();
        let jti: u128 = rng.gen();
        let claims = json!({"iss": self.client_id, "sub": self.client_id, "aud": self.token_url, "iat": now, "exp": now + 240, "jti": format!("{jti:032x}")});
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        let assertion = jsonwebtoken::encode(&header, &claims, &self.key).map_err(|e| format!("signing: {e}"))?;
        Ok(format!(
            "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={assertion}"
        ))
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(15)))
        // Loopback only: an HTTP_PROXY of the environment must not carry the traffic off.
        .proxy(None)
        .build()
        .into()
}

/// One HTTP exchange; status 0 when no answer came.
fn exchange(agent: &ureq::Agent, method: &str, url: &str, token: Option<&str>, content_type: &str, body: Option<&str>) -> (u16, String) {
    let auth = token.map(|t| format!("Bearer {t}"));
    let result = match (method, body) {
        ("GET", _) => {
            let mut r = agent.get(url);
            if let Some(a) = &auth {
                r = r.header("Authorization", a);
            }
            r.call()
        }
        ("DELETE", _) => {
            let mut r = agent.delete(url);
            if let Some(a) = &auth {
                r = r.header("Authorization", a);
            }
            r.call()
        }
        (m, body) => {
            let mut r = match m {
                "PUT" => agent.put(url),
                "PATCH" => agent.patch(url),
                _ => agent.post(url),
            };
            if let Some(a) = &auth {
                r = r.header("Authorization", a);
            }
            match body {
                Some(b) => r.header("Content-Type", content_type).send(b),
                None => r.send_empty(),
            }
        }
    };
    match result {
        Ok(mut res) => {
            let status = res.status().as_u16();
            (status, res.body_mut().read_to_string().unwrap_or_default())
        }
        Err(e) => (0, e.to_string()),
    }
}

/// What every worker knows about the tenant.
struct Tenant {
    url: String,
    emails: Vec<String>,
    ids: Vec<String>,
}

struct Worker<'a> {
    tenant: &'a Tenant,
    agent: ureq::Agent,
    rng: StdRng,
    superadmin: String,
    helpdesk: String,
    oauth: Option<String>,
    client: &'a OAuthClient,
    /// This worker's own users (no other touches them): (id, email, enabled now).
    own: Vec<(String, String, bool)>,
    on_list: Vec<bool>,
    tally: Tally,
}

impl Worker<'_> {
    fn own(&mut self) -> usize {
        self.rng.gen_range(0..self.own.len())
    }

    fn any_email(&mut self) -> String {
        self.tenant.emails[self.rng.gen_range(0..self.tenant.emails.len())].clone()
    }

    fn any_id(&mut self) -> String {
        self.tenant.ids[self.rng.gen_range(0..self.tenant.ids.len())].clone()
    }

    /// A fragment of an email's name part, for a search.
    fn fragment(&mut self) -> String {
        let email = self.any_email();
        let local: Vec<char> = email.split('@').next().unwrap_or("a").chars().collect();
        let start = self.rng.gen_range(0..local.len().max(1));
        local.iter().skip(start).take(4).collect::<String>().to_lowercase()
    }

    fn api(&self, method: &str, path: &str, route: &str, token: Option<&str>, body: Option<&str>) -> Seen {
        let (status, body) = exchange(&self.agent, method, &format!("{}{API}{path}", self.tenant.url), token, "application/json", body);
        Seen { route: format!("{method} {API}{route}"), status, body }
    }

    /// Sends one request of `kind`; returns the status it must get (faults aside).
    fn send(&mut self, kind: Kind) -> Result<(u16, Seen)> {
        let admin = self.superadmin.clone();
        Ok(match kind {
            Lookup | LookupHelpDesk => {
                let email = self.any_email();
                let token = if kind == Lookup { admin } else { self.helpdesk.clone() };
                (200, self.api("POST", "/v1/users/lookup", "/v1/users/lookup", Some(&token), Some(&json!({"email": email}).to_string())))
            }
            LookupMissing => {
                let n: u32 = self.rng.gen();
                (404, self.api("POST", "/v1/users/lookup", "/v1/users/lookup", Some(&admin), Some(&json!({"email": format!("nobody.{n}@soak.example")}).to_string())))
            }
            LookupOAuth => {
                let email = self.any_email();
                let token = self.oauth.clone().unwrap_or_default();
                (200, self.api("POST", "/v1/users/lookup", "/v1/users/lookup", Some(&token), Some(&json!({"email": email}).to_string())))
            }
            SearchV1 => {
                let like = self.fragment();
                (200, self.api("POST", "/v1/users/search?pageSize=25", "/v1/users/search", Some(&admin), Some(&json!({"emailLike": like}).to_string())))
            }
            SearchV2 => {
                let like = self.fragment();
                let page = self.rng.gen_range(0..3);
                let path = format!("/v2/users/search?pageSize=10&pageNumber={page}");
                (200, self.api("POST", &path, "/v2/users/search", Some(&admin), Some(&json!({"emailLike": like}).to_string())))
            }
            Status => {
                let i = self.own();
                let (id, _, enabled) = self.own[i].clone();
                let to = if enabled { "Disabled" } else { "Enabled" };
                let seen = self.api("PUT", &format!("/v1/users/{id}/userStatus"), "/v1/users/{id}/userStatus", Some(&admin), Some(&json!({"userStatus": to}).to_string()));
                if seen.status == 200 {
                    self.own[i].2 = !enabled;
                }
                (200, seen)
            }
            HighRisk | HighRiskPartial => {
                let i = self.own();
                let action = if self.on_list[i] { "remove" } else { "add" };
                let mut users = vec![self.own[i].1.clone()];
                if kind == HighRiskPartial {
                    users.push(format!("unknown.{}@soak.example", self.rng.gen::<u32>()));
                }
                let seen = self.api("PUT", "/v1/users/highrisk", "/v1/users/highrisk", Some(&admin), Some(&json!({"action": action, "users": users}).to_string()));
                let expected = if kind == HighRisk { 200 } else { 207 };
                if seen.status == expected {
                    self.on_list[i] = !self.on_list[i];
                }
                (expected, seen)
            }
            HighRiskListV1 => (200, self.api("GET", "/v1/users/highrisk", "/v1/users/highrisk", Some(&admin), None)),
            HighRiskListV2 => (200, self.api("GET", "/v2/users/highrisk", "/v2/users/highrisk", Some(&admin), None)),
            HighRiskRefused => {
                let email = self.any_email();
                let token = self.helpdesk.clone();
                (403, self.api("PUT", "/v1/users/highrisk", "/v1/users/highrisk", Some(&token), Some(&json!({"action": "add", "users": [email]}).to_string())))
            }
            Token => {
                let form = self.client.form(&mut self.rng)?;
                let (status, body) = exchange(&self.agent, "POST", &format!("{}/oauth/token", self.tenant.url), None, "application/x-www-form-urlencoded", Some(&form));
                if status == 200 {
                    self.oauth = serde_json::from_str::<Value>(&body).ok().and_then(|v| v["access_token"].as_str().map(str::to_string));
                }
                (200, Seen { route: "POST /oauth/token".into(), status, body })
            }
            BadToken => {
                let email = self.any_email();
                (403, self.api("POST", "/v1/users/lookup", "/v1/users/lookup", Some("not.a.token"), Some(&json!({"email": email}).to_string())))
            }
            AuthLogs => {
                let id = self.any_id();
                (200, self.api("GET", &format!("/v1/users/{id}/authlogs/"), "/v1/users/{id}/authlogs/", Some(&admin), None))
            }
            DevicesV1 => {
                let id = self.any_id();
                (200, self.api("GET", &format!("/v1/users/{id}/devices"), "/v1/users/{id}/devices", Some(&admin), None))
            }
            DevicesV2 => {
                let id = self.any_id();
                (200, self.api("GET", &format!("/v2/users/{id}/devices?includeBrowsers=true"), "/v2/users/{id}/devices", Some(&admin), None))
            }
            Unlock => {
                let i = self.own();
                let id = self.own[i].0.clone();
                let body = json!({"unlockMethods": ["TOKEN", "SMS", "VOICE"]}).to_string();
                (200, self.api("PATCH", &format!("/v1/users/{id}/methods"), "/v1/users/{id}/methods", Some(&admin), Some(&body)))
            }
            EmergencyIssue => {
                let i = self.own();
                let id = self.own[i].0.clone();
                let body = json!({"oneTimeUse": true, "expiryUnit": "hours", "expiryValue": 4}).to_string();
                (200, self.api("PUT", &format!("/v2/users/{id}/emergencyTokencode"), "/v2/users/{id}/emergencyTokencode", Some(&admin), Some(&body)))
            }
            EmergencyEnd => {
                let i = self.own();
                let id = self.own[i].0.clone();
                (200, self.api("DELETE", &format!("/v1/users/{id}/emergencyTokencodes"), "/v1/users/{id}/emergencyTokencodes", Some(&admin), None))
            }
            Sync => {
                let i = self.own();
                let id = self.own[i].0.clone();
                (200, self.api("POST", &format!("/v1/users/{id}/sync"), "/v1/users/{id}/sync", Some(&admin), None))
            }
        })
    }
}

const WARMING: u8 = 0;
const MEASURING: u8 = 1;
const STOPPING: u8 = 2;

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// (first quarter's highest, last quarter's highest, flat?) of the samples taken after the
/// warm-up.
fn flatness(samples: &[u64]) -> (u64, u64, bool) {
    let q = (samples.len() / 4).max(1);
    let first = samples.iter().take(q).copied().max().unwrap_or(0);
    let last = samples.iter().rev().take(q).copied().max().unwrap_or(0);
    let allowed = (first as f64 * (1.0 + RSS_TOLERANCE)) as u64 + RSS_SLACK_KIB;
    (first, last, last <= allowed)
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

/// Every user of the tenant, through search v2 (`@` is in every email).
fn all_users(agent: &ureq::Agent, url: &str, token: &str) -> Result<Vec<Value>> {
    let mut users = Vec::new();
    for page in 0..1000 {
        let (status, body) = exchange(agent, "POST", &format!("{url}{API}/v2/users/search?pageSize=25&pageNumber={page}"), Some(token), "application/json", Some(r#"{"emailLike":"@"}"#));
        if status != 200 {
            return Err(format!("search answered {status}: {body}"));
        }
        let v: Value = serde_json::from_str(&body).map_err(|e| format!("search: {e}"))?;
        let elements = v["elements"].as_array().cloned().unwrap_or_default();
        if elements.is_empty() {
            break;
        }
        users.extend(elements);
    }
    Ok(users)
}

pub fn run(seconds: u64) -> Result {
    let state = root().join("target/soak/state");
    let _ = std::fs::remove_dir_all(&state);
    let (sandbox, url) = start_sandbox(&state, &["--users", "1000", "--reset", "--seed", "11"])?;
    if !url.starts_with("http://127.") {
        return Err(format!("the soak only talks to a sandbox on loopback, not {url}"));
    }
    let pid = sandbox.id();
    let superadmin = LegacyKey::load(&state.join("superadmin.key"))?;
    let helpdesk = LegacyKey::load(&state.join("helpdesk.key"))?;
    let client = OAuthClient::load(&state.join("oauth-client.json"))?;
    let setup = agent();
    let token = superadmin.mint()?;
    let users = all_users(&setup, &url, &token)?;
    let text = |u: &Value, k: &str| u[k].as_str().unwrap_or("").to_string();
    let tenant = Tenant { url: url.clone(), emails: users.iter().map(|u| text(u, "emailAddress")).collect(), ids: users.iter().map(|u| text(u, "id")).collect() };
    // Local users that are enabled and not on the high-risk list: never changed by a sync, so
    // every change to them has one expected answer. Each worker gets its own.
    let mine: Vec<(String, String, bool)> = users
        .iter()
        .filter(|u| u["identitySource"] == LOCAL && u["userStatus"] == "Enabled" && u["highRiskUser"] != true)
        .map(|u| (text(u, "id"), text(u, "emailAddress"), true))
        .collect();
    if mine.len() < WORKERS * 3 || tenant.emails.is_empty() {
        return Err(format!("the sandbox has {} users, {} of them local and enabled: too few to soak", users.len(), mine.len()));
    }
    let faults = json!({"failRate": FAIL_RATE, "throttleRate": THROTTLE_RATE, "latencyMs": LATENCY_MS, "latencyJitterMs": JITTER_MS, "retryAfterSecs": 1, "rateLimit": null});
    let (status, body) = exchange(&setup, "POST", &format!("{url}/_sandbox/faults"), None, "application/json", Some(&faults.to_string()));
    if status != 200 {
        return Err(format!("/_sandbox/faults answered {status}: {body}"));
    }
    let _ = exchange(&setup, "DELETE", &format!("{url}/_sandbox/requests"), None, "", None);
    println!(
        "== soak: {url}, {} users, {WORKERS} workers; faults {:.0}% 500, {:.0}% 429, latency {LATENCY_MS}-{} ms; warm-up {WARM_UP_REQUESTS} requests, then {seconds} s at {RATE:.0} requests/s",
        users.len(),
        FAIL_RATE * 100.0,
        THROTTLE_RATE * 100.0,
        LATENCY_MS + JITTER_MS
    );

    let sent = AtomicU64::new(0);
    let phase = AtomicU8::new(WARMING);
    let weights = WeightedIndex::new(MIX.iter().map(|(_, w)| *w)).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut samples: Vec<u64> = Vec::new();
    let mut warm_up = Duration::ZERO;
    let per_worker: Vec<Vec<(String, String, bool)>> = (0..WORKERS).map(|w| mine.iter().skip(w).step_by(WORKERS).cloned().collect()).collect();
    let results: Vec<Result<Tally>> = std::thread::scope(|s| {
        let handles: Vec<_> = per_worker
            .into_iter()
            .enumerate()
            .map(|(w, own)| {
                let (tenant, client, sent, phase, weights, superadmin, helpdesk) = (&tenant, &client, &sent, &phase, &weights, &superadmin, &helpdesk);
                s.spawn(move || -> Result<Tally> {
                    let n = own.len();
                    let mut worker = Worker {
                        tenant,
                        agent: agent(),
                        rng: StdRng::seed_from_u64(0x50A4 + w as u64),
                        superadmin: superadmin.mint()?,
                        helpdesk: helpdesk.mint()?,
                        oauth: None,
                        client,
                        own,
                        on_list: vec![false; n],
                        tally: Tally::default(),
                    };
                    let interval = Duration::from_secs_f64(WORKERS as f64 / RATE);
                    let mut minted = Instant::now();
                    let mut last_token = Instant::now();
                    let mut next = Instant::now();
                    loop {
                        match phase.load(Ordering::Relaxed) {
                            STOPPING => break,
                            MEASURING => {
                                let now = Instant::now();
                                if next > now {
                                    std::thread::sleep(next - now);
                                } else if now - next > Duration::from_secs(1) {
                                    next = now;
                                }
                                next += interval;
                            }
                            _ => {}
                        }
                        if sent.fetch_add(1, Ordering::Relaxed) >= MAX_REQUESTS {
                            break;
                        }
                        if minted.elapsed() > Duration::from_secs(30 * 60) {
                            worker.superadmin = superadmin.mint()?;
                            worker.helpdesk = helpdesk.mint()?;
                            minted = Instant::now();
                        }
                        let kind = match MIX[weights.sample(&mut worker.rng)].0 {
                            // No token yet (or the last request for one failed): ask first.
                            LookupOAuth if worker.oauth.is_none() => Token,
                            _ if last_token.elapsed() > TOKEN_EVERY => Token,
                            k => k,
                        };
                        if kind == Token {
                            last_token = Instant::now();
                        }
                        let (expected, seen) = worker.send(kind)?;
                        worker.tally.record(kind, expected, seen);
                    }
                    Ok(worker.tally)
                })
            })
            .collect();
        // Warm-up, then the measured phase with RSS sampled at a steady pace.
        while sent.load(Ordering::Relaxed) < WARM_UP_REQUESTS && started.elapsed() < WARM_UP_LIMIT && !handles.iter().all(|h| h.is_finished()) {
            std::thread::sleep(Duration::from_millis(50));
        }
        warm_up = started.elapsed();
        phase.store(MEASURING, Ordering::Relaxed);
        let every = Duration::from_secs_f64((seconds as f64 / 60.0).clamp(0.25, 5.0));
        let measured = Instant::now();
        while measured.elapsed() < Duration::from_secs(seconds) && !handles.iter().all(|h| h.is_finished()) {
            if let Some(kib) = rss_kib(pid) {
                samples.push(kib);
            }
            std::thread::sleep(every);
        }
        if let Some(kib) = rss_kib(pid) {
            samples.push(kib);
        }
        phase.store(STOPPING, Ordering::Relaxed);
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a soak worker panicked".into()))).collect()
    });
    let elapsed = started.elapsed();
    let mut tally = Tally::default();
    for r in results {
        tally.merge(r?);
    }
    let (_, counted) = crate::procs::http_get(&format!("{url}/_sandbox/requests")).ok_or("the sandbox no longer answers")?;
    let alive = rss_kib(pid).is_some();
    drop(sandbox);
    report(&tally, &counted, &samples, warm_up, elapsed, alive)
}

/// Prints the figures, then fails on what the module's comment promises.
fn report(tally: &Tally, counted: &str, samples: &[u64], warm_up: Duration, elapsed: Duration, alive: bool) -> Result {
    let total: u64 = tally.kinds.values().map(|t| t.sent).sum();
    println!("soak: {total} requests in {:.1} s (warm-up {:.1} s)", elapsed.as_secs_f64(), warm_up.as_secs_f64());
    println!("{:<26} {:>8} {:>9} {:>9} {:>9} {:>11}", "kind", "sent", "expected", "429 inj.", "500 inj.", "unexpected");
    for (k, t) in &tally.kinds {
        println!("{:<26} {:>8} {:>9} {:>9} {:>9} {:>11}", k.name(), t.sent, t.expected, t.injected_429, t.injected_500, t.unexpected);
    }
    let statuses: Vec<String> = tally.statuses.iter().map(|(s, n)| if *s == 0 { format!("no answer: {n}") } else { format!("{s}: {n}") }).collect();
    println!("statuses: {}", statuses.join(", "));
    let seen_429: u64 = tally.kinds.values().map(|t| t.injected_429).sum();
    let seen_500: u64 = tally.kinds.values().map(|t| t.injected_500).sum();
    let n = tally.injectable as f64;
    // The throttle draws first; the failure only for what it let through.
    let (p429, p500) = (THROTTLE_RATE, (1.0 - THROTTLE_RATE) * FAIL_RATE);
    let band = |p: f64| 6.0 * (n * p * (1.0 - p)).sqrt() + 5.0;
    println!("injected faults seen: 429 {seen_429} (expected {:.0} ± {:.0}), 500 {seen_500} (expected {:.0} ± {:.0}) of {} requests open to them", n * p429, band(p429), n * p500, band(p500), tally.injectable);
    let mut failures = Vec::new();
    let unexpected: u64 = tally.kinds.values().map(|t| t.unexpected).sum();
    if unexpected > 0 {
        failures.push(format!("{unexpected} answers beyond the expected and injected ones:\n  {}", tally.examples.join("\n  ")));
    }
    for (what, seen, p) in [("429", seen_429, p429), ("500", seen_500, p500)] {
        if (seen as f64 - n * p).abs() > band(p) {
            failures.push(format!("{seen} injected {what}s seen, {:.0} expected", n * p));
        }
    }
    // The sandbox's own counters against the workers'.
    let server: BTreeMap<(String, u16), u64> = serde_json::from_str::<Value>(counted)
        .ok()
        .and_then(|v| v["byRoute"].as_object().cloned())
        .map(|routes| {
            routes
                .into_iter()
                .flat_map(|(route, statuses)| {
                    statuses.as_object().cloned().unwrap_or_default().into_iter().map(move |(s, n)| ((route.clone(), s.parse().unwrap_or(0)), n.as_u64().unwrap_or(0)))
                })
                .collect()
        })
        .unwrap_or_default();
    if server == tally.routes {
        println!("the sandbox counted the same requests and statuses, route by route ({} routes)", server.len());
    } else {
        let differ: Vec<String> = server
            .keys()
            .chain(tally.routes.keys())
            .filter(|k| server.get(*k) != tally.routes.get(*k))
            .map(|k| format!("{} {}: sandbox {:?}, workers {:?}", k.0, k.1, server.get(k), tally.routes.get(k)))
            .collect();
        failures.push(format!("the sandbox's counters differ from what the workers saw:\n  {}", differ.join("\n  ")));
    }
    let shown: Vec<String> = samples.iter().map(|k| mib(*k)).collect();
    println!("sandbox RSS after the warm-up, MiB, {} samples: {}", samples.len(), shown.join(" "));
    let (first, last, flat) = flatness(samples);
    println!(
        "RSS: first quarter's highest {} MiB, last quarter's {} MiB ({:+.1}%; flat means at most +{:.0}% + {} MiB)",
        mib(first),
        mib(last),
        (last as f64 / first.max(1) as f64 - 1.0) * 100.0,
        RSS_TOLERANCE * 100.0,
        RSS_SLACK_KIB / 1024
    );
    if samples.len() < 4 {
        failures.push(format!("only {} RSS samples: the sandbox process could not be read", samples.len()));
    } else if !flat {
        failures.push(format!("the sandbox's memory grew: {} MiB to {} MiB", mib(first), mib(last)));
    }
    if !alive {
        failures.push("the sandbox died during the soak".into());
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\nxtask: soak: "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_is_judged_on_the_quarters_highest() {
        let steady: Vec<u64> = (0..40).map(|i| 20_000 + (i % 5) * 100).collect();
        assert!(flatness(&steady).2);
        let leak: Vec<u64> = (0..40).map(|i| 20_000 + i * 300).collect();
        let (first, last, flat) = flatness(&leak);
        assert!(!flat && last > first);
        // Within the slack: a small heap settles.
        assert!(flatness(&[20_000, 20_000, 20_000, 20_000 + RSS_SLACK_KIB]).2);
    }

    #[test]
    fn an_answer_is_expected_injected_or_unexpected() {
        let mut t = Tally::default();
        let seen = |status: u16, body: &str| Seen { route: "POST /AdminInterface/restapi/v1/users/lookup".into(), status, body: body.into() };
        t.record(Lookup, 200, seen(200, "{}"));
        t.record(Lookup, 200, seen(500, r#"{"code":"500 INTERNAL_SERVER_ERROR","description":"Internal server error"}"#));
        t.record(Lookup, 200, seen(429, r#"{"code":"429 TOO_MANY_REQUESTS","description":"Too many requests."}"#));
        t.record(Lookup, 200, seen(404, r#"{"code":"404 NOT_FOUND","description":"User x not found"}"#));
        t.record(Token, 200, seen(500, r#"{"code":"500 INTERNAL_SERVER_ERROR","description":"Internal server error"}"#));
        t.record(Lookup, 200, seen(0, "connection refused"));
        let l = &t.kinds[&Lookup];
        assert_eq!((l.sent, l.expected, l.injected_500, l.injected_429, l.unexpected), (5, 1, 1, 1, 2));
        assert_eq!(t.kinds[&Token].unexpected, 1, "the token endpoint is exempt from faults");
        assert_eq!(t.injectable, 5);
        assert_eq!(t.examples.len(), 3);
    }

    #[test]
    fn the_mix_covers_every_kind_once() {
        let mut kinds: Vec<Kind> = MIX.iter().map(|(k, _)| *k).collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds.len(), MIX.len());
        assert!(!kinds.contains(&Token), "tokens come on a timer");
    }
}
