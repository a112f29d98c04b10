//! The sandbox's request handling, in process: its real router, state and SQLite store (on
//! tmpfs when there is one), driven one request at a time through tower's `oneshot`. A request
//! is any method on any endpoint (or any path), with ids, queries, credentials, headers and
//! bodies from the fuzzer, JSON bodies built from the API's own field names and values.
//!
//! No panic, and for every answer: no 5xx (nothing is injected here); no CORS header; a JSON
//! answer is JSON; a 4xx answer carries words the console can show; a 400 never quotes a value
//! of the request; a success reads as the console's type for that endpoint. The control
//! endpoints under `/_sandbox/` are left out: they are a test harness's, and would turn faults on.
#![no_main]

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Request, Response};
use cas_core::route::percent_encode;
use cas_core::{helpdesk, wire};
use cas_sandbox::api::{ENDPOINTS, PREFIX};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};
use tower::ServiceExt;

const FIELDS: &[&str] = &[
    "email", "searchUnsynched", "emailLike", "userStatus", "action", "users", "ACTION", "Users", "id", "firstName", "lastName",
    "userName", "identitySource", "password", "passwordCreationOption", "passwordSendMethod", "initialPasswordEmail",
    "alternateUsernames", "groupMemberships", "smsPhoneNumbers", "voicePhoneNumbers", "defaultSmsPhone", "defaultVoicePhone",
    "managerEmail", "unlockMethods", "expirationDays", "oneTimeUse", "expiryUnit", "expiryValue", "markDeleted",
];
const VALUES: &[&str] = &[
    "Enabled", "Disabled", "enabled", "add", "remove", "ADD", "TOKEN", "SMS", "VOICE", "days", "hours", "minutes", "true",
    "false", "1", "7", "0", "Local Identity Source", "NONE", "GENERATE_AND_SEND", "ENTERED_BY_ADMIN", "EMAIL", "",
];
const QUERIES: &[&str] = &[
    "pageSize=5", "pageSize=25&pageNumber=1", "pageNumber=3", "pageSize=0", "pageSize=26", "pageSize=x", "pageSize=1&pageSize=2",
    "includeBrowsers=true", "includeBrowsers=FALSE", "includeBrowsers=maybe", "eventCode=32", "startTimeAfter=2020-01-01T00:00:00%2B00:00",
    "endTimeOnOrBefore=2030-01-01T00:00:00Z", "startTimeAfter=yesterday", "%zz",
];
const FORM_KEYS: &[&str] = &["grant_type", "client_assertion_type", "client_assertion", "client_id", "scope"];
const FORM_VALUES: &[&str] = &[
    "client_credentials", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "rsa.user.read", "rsa.user.read rsa.user.manage", "password",
];
const CONTENT_TYPES: &[&str] = &["application/json", "application/x-www-form-urlencoded", "text/plain", "application/json; charset=utf-8"];
const METHODS: [Method; 7] = [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::HEAD, Method::OPTIONS];

#[derive(Arbitrary, Debug)]
enum Segment {
    UserId(u8),
    UserEmail(u8),
    DeviceId(u8),
    Encoded(String),
    Raw(String),
    Empty,
}

#[derive(Arbitrary, Debug)]
enum Text {
    Known(u8),
    UserEmail(u8),
    UserId(u8),
    Any(String),
}

#[derive(Arbitrary, Debug)]
enum Key {
    Known(u8),
    Any(String),
}

#[derive(Arbitrary, Debug)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Text),
    Array(Vec<Json>),
    Object(Vec<(Key, Json)>),
}

#[derive(Arbitrary, Debug)]
enum Payload {
    None,
    Raw(Vec<u8>),
    Json(Json),
    Form(Vec<(Key, Text)>),
}

#[derive(Arbitrary, Debug)]
enum Credential {
    None,
    SuperAdmin,
    HelpDesk,
    /// A minted token with this scheme instead of `Bearer`.
    Scheme(String),
    /// A minted token with one byte changed.
    Flipped(u16, u8),
    Header(String),
}

#[derive(Arbitrary, Debug)]
enum Query {
    None,
    Known(u8),
    Any(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    /// An endpoint of `ENDPOINTS`, the token endpoint, or `path`.
    route: u8,
    /// Below 200 the endpoint's own method; otherwise one of `METHODS`.
    method: u8,
    user: Segment,
    second: Segment,
    path: String,
    query: Query,
    credential: Credential,
    content_type: Option<u8>,
    content_length: Option<String>,
    payload: Payload,
}

struct Minter {
    key: EncodingKey,
    sub: String,
    aud: String,
    /// (minted at, token): a token lives 55 minutes, a fuzzing run may last longer.
    current: Mutex<(u64, String)>,
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl Minter {
    fn from_key_file(path: PathBuf) -> Minter {
        let text = std::fs::read_to_string(&path).expect("the sandbox wrote its key files");
        let file: wire::KeyFileJson = serde_json::from_str(&text).expect("a key file");
        let key = rsa::RsaPrivateKey::from_pkcs1_pem(&file.access_key).and_then(|k| k.to_pkcs1_der()).expect("an RSA key");
        let key = EncodingKey::from_rsa_der(key.as_bytes());
        Minter { key, sub: file.access_id, aud: file.admin_rest_api_url, current: Mutex::new((0, String::new())) }
    }

    fn token(&self) -> String {
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        let now = now_secs();
        if now.saturating_sub(current.0) > 30 * 60 {
            let claims = json!({"sub": self.sub, "aud": self.aud, "iat": now, "exp": now + 55 * 60});
            let token = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key).expect("signing");
            *current = (now, token);
        }
        current.1.clone()
    }
}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    superadmin: Minter,
    helpdesk: Minter,
    ids: Vec<String>,
    emails: Vec<String>,
    devices: Vec<String>,
}

fn state_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CAS_FUZZ_STATE_DIR") {
        return PathBuf::from(dir);
    }
    let shm = PathBuf::from("/dev/shm");
    let base = if shm.is_dir() { shm } else { std::env::temp_dir() };
    base.join(format!("cas-fuzz-sandbox-{}", std::process::id()))
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = state_dir();
        let _ = std::fs::remove_dir_all(&dir);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let args = cas_sandbox::cli::Args {
            listen: "127.0.0.1:0".parse().expect("an address"),
            state_dir: dir.clone(),
            users: 40,
            seed: 1,
            users_file: None,
            rate_limit: None,
            latency_ms: 0,
            fail_rate: 0.0,
            reset: true,
            verbose: false,
            exit_on_stdin_eof: false,
        };
        let (listener, app) = runtime.block_on(cas_sandbox::server::start(&args)).map_err(|f| f.message).expect("the sandbox starts");
        // Requests come through `oneshot`, never the socket.
        drop(listener);
        let (ids, emails, devices) = {
            let users = app.users();
            let recs = &users.recs;
            (
                recs.iter().map(|r| r.user.id.clone()).collect(),
                recs.iter().map(|r| r.user.email_address.clone()).collect(),
                recs.iter().flat_map(|r| r.private.authenticators.devices.iter().map(|d| d.id.clone())).collect(),
            )
        };
        Fixture {
            runtime,
            router: cas_sandbox::server::router(app),
            superadmin: Minter::from_key_file(dir.join("superadmin.key")),
            helpdesk: Minter::from_key_file(dir.join("helpdesk.key")),
            ids,
            emails,
            devices,
        }
    })
}

fn pick(list: &[String], k: u8) -> String {
    list.get(usize::from(k) % list.len().max(1)).cloned().unwrap_or_default()
}

impl Fixture {
    fn segment(&self, s: &Segment) -> String {
        match s {
            Segment::UserId(k) => percent_encode(&pick(&self.ids, *k)),
            Segment::UserEmail(k) => percent_encode(&pick(&self.emails, *k)),
            Segment::DeviceId(k) => percent_encode(&pick(&self.devices, *k)),
            Segment::Encoded(s) => percent_encode(s),
            Segment::Raw(s) => s.clone(),
            Segment::Empty => String::new(),
        }
    }

    fn text(&self, t: &Text) -> String {
        match t {
            Text::Known(k) => VALUES[usize::from(*k) % VALUES.len()].to_string(),
            Text::UserEmail(k) => pick(&self.emails, *k),
            Text::UserId(k) => pick(&self.ids, *k),
            Text::Any(s) => s.clone(),
        }
    }

    fn key(&self, k: &Key) -> String {
        match k {
            Key::Known(i) => FIELDS[usize::from(*i) % FIELDS.len()].to_string(),
            Key::Any(s) => s.clone(),
        }
    }

    /// The JSON, and the strings it carries as values (which a 400 must not quote).
    fn json(&self, j: &Json, strings: &mut Vec<String>) -> Value {
        match j {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Int(n) => json!(n),
            Json::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Json::Str(t) => {
                let s = self.text(t);
                // The API's own words (`GENERATE_AND_SEND`) may be named in a refusal.
                if !matches!(t, Text::Known(_)) {
                    strings.push(s.clone());
                }
                Value::String(s)
            }
            Json::Array(items) => Value::Array(items.iter().map(|i| self.json(i, strings)).collect()),
            // A repeated key is kept repeated: the sandbox must refuse it, not take the last.
            Json::Object(members) => {
                let mut m = serde_json::Map::new();
                for (k, v) in members {
                    m.insert(self.key(k), self.json(v, strings));
                }
                Value::Object(m)
            }
        }
    }
}

/// What the console reads from a success of `route` (a `METHOD path` of `ENDPOINTS`).
fn reads_as_the_console_type(route: &str, status: u16, body: &[u8]) -> Result<(), String> {
    fn read<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<(), String> {
        serde_json::from_slice::<T>(body).map(|_| ()).map_err(|e| e.to_string())
    }
    let empty = body.iter().all(u8::is_ascii_whitespace);
    match (route, status) {
        ("POST /v1/users/lookup", 200) | ("POST /v1/users/{id}/sync", 200) => read::<wire::User>(body),
        ("POST /v1/users/search", 200) if empty => Ok(()),
        ("POST /v1/users/search", 200) => read::<Vec<wire::User>>(body),
        ("POST /v2/users/search", 200) => read::<wire::SearchPage>(body),
        ("PUT /v1/users/{id}/userStatus", 200) => read::<wire::UserStatusResponse>(body),
        ("PUT /v1/users/highrisk", 207) => {
            let m: wire::MultiStatus = serde_json::from_slice(body).map_err(|e| e.to_string())?;
            match m.users.iter().all(|e| matches!(e, wire::MultiStatusEntry::Item(_))) {
                true => Ok(()),
                false => Err("a 207 entry the console cannot read".into()),
            }
        }
        ("GET /v1/users/highrisk", 200) => read::<wire::HighRiskListV1>(body),
        ("GET /v2/users/highrisk", 200) => read::<wire::HighRiskListV2>(body),
        ("PUT /v1/users/update", 200) => read::<wire::UpdateLocalUserResponse>(body),
        ("GET /v1/users/{id}/authlogs/", 200) | ("GET /v1/users/{id}/authlogs", 200) => read::<Vec<helpdesk::AuthLogEntry>>(body),
        ("GET /v1/users/{id}/devices", 200) => read::<helpdesk::AuthenticatorsV1>(body),
        ("GET /v2/users/{id}/devices", 200) => read::<helpdesk::AuthenticatorsV2>(body),
        ("PATCH /v1/users/{id}/methods", 200) => read::<helpdesk::UnlockResponse>(body),
        ("PUT /v1/users/{id}/emergencyTokencode", 200) => read::<helpdesk::EmergencyCode>(body),
        ("PUT /v2/users/{id}/emergencyTokencode", 200) => read::<helpdesk::EmergencyCodeV2>(body),
        ("PUT /v1/users/{id}/markDeleted", 200) => read::<helpdesk::MarkDeletedResponse>(body),
        ("POST /oauth/token", 200) => read::<wire::TokenResponse>(body),
        _ => Ok(()),
    }
}

fn check(route: Option<&str>, method: &Method, sent: &[String], resp: Response<Body>, body: &[u8]) {
    let status = resp.status().as_u16();
    let text = String::from_utf8_lossy(body);
    assert!(status < 500, "{status} {text}");
    assert!(resp.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(), "a CORS header");
    let json_type = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("application/json"));
    if json_type && *method != Method::HEAD {
        assert!(serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok(), "JSON content type, not JSON: {text}");
    }
    if (400..500).contains(&status) && *method != Method::HEAD {
        assert!(!cas_core::error::server_words(&text).is_empty(), "{status} without words: {text}");
    }
    if status == 400 {
        for s in sent.iter().filter(|s| s.chars().count() >= 12) {
            assert!(!text.contains(s.as_str()), "the 400 quotes {s:?}: {text}");
        }
    }
    if let Some(route) = route {
        if let Err(why) = reads_as_the_console_type(route, status, body) {
            panic!("{route} {status}: {why}: {text}");
        }
    }
}

fuzz_target!(init: {
    // Key generation takes seconds on a busy machine: before the first input, not inside it
    // (where libFuzzer's per-input timeout would count it).
    fixture();
}, |input: Input| {
    let f = fixture();
    let n = ENDPOINTS.len();
    let k = usize::from(input.route) % (n + 2);
    let (own_method, template) = match k {
        k if k < n => (ENDPOINTS[k].method, format!("{PREFIX}{}", ENDPOINTS[k].path)),
        k if k == n => ("POST", "/oauth/token".to_string()),
        _ => ("GET", input.path.clone()),
    };
    if !template.starts_with('/') || template.starts_with("/_sandbox") {
        return;
    }
    let method = if input.method < 200 {
        Method::from_bytes(own_method.as_bytes()).unwrap_or(Method::GET)
    } else {
        METHODS[usize::from(input.method) % METHODS.len()].clone()
    };
    let mut uri = template.replace("{id}", &f.segment(&input.user)).replace("{deviceId}", &f.segment(&input.second)).replace("{eacId}", &f.segment(&input.second));
    match &input.query {
        Query::None => {}
        Query::Known(q) => uri = format!("{uri}?{}", QUERIES[usize::from(*q) % QUERIES.len()]),
        Query::Any(q) => uri = format!("{uri}?{q}"),
    }
    let mut sent = Vec::new();
    let body: Vec<u8> = match &input.payload {
        Payload::None => Vec::new(),
        Payload::Raw(bytes) => bytes.clone(),
        Payload::Json(j) => serde_json::to_vec(&f.json(j, &mut sent)).unwrap_or_default(),
        Payload::Form(pairs) => pairs
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Text::Known(i) => FORM_VALUES[usize::from(*i) % FORM_VALUES.len()].to_string(),
                    other => f.text(other),
                };
                let key = match k {
                    Key::Known(i) => FORM_KEYS[usize::from(*i) % FORM_KEYS.len()].to_string(),
                    Key::Any(s) => s.clone(),
                };
                format!("{}={}", percent_encode(&key), percent_encode(&value))
            })
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes(),
    };
    let mut req = Request::builder().method(method.clone()).uri(uri.as_str());
    let bearer = |token: String| format!("Bearer {token}");
    let authorization = match &input.credential {
        Credential::None => None,
        Credential::SuperAdmin => Some(bearer(f.superadmin.token())),
        Credential::HelpDesk => Some(bearer(f.helpdesk.token())),
        Credential::Scheme(s) => Some(format!("{s} {}", f.superadmin.token())),
        Credential::Flipped(at, by) => {
            let mut t = f.superadmin.token().into_bytes();
            let i = usize::from(*at) % t.len().max(1);
            if let Some(b) = t.get_mut(i) {
                *b = b.wrapping_add(*by);
            }
            Some(bearer(String::from_utf8_lossy(&t).into_owned()))
        }
        Credential::Header(h) => Some(h.clone()),
    };
    if let Some(v) = authorization.and_then(|a| HeaderValue::from_str(&a).ok()) {
        req = req.header(header::AUTHORIZATION, v);
    }
    if let Some(ct) = input.content_type {
        req = req.header(header::CONTENT_TYPE, CONTENT_TYPES[usize::from(ct) % CONTENT_TYPES.len()]);
    }
    if let Some(v) = input.content_length.as_deref().and_then(|l| HeaderValue::from_str(l).ok()) {
        req = req.header(header::CONTENT_LENGTH, v);
    }
    // Paths and headers no HTTP client could send are no input the sandbox can get.
    let Ok(req) = req.body(Body::from(body)) else { return };
    let route = (k <= n).then(|| template.strip_prefix(PREFIX).map_or(template.clone(), str::to_string)).map(|p| format!("{own_method} {p}"));
    // Only the endpoint's own method and a path that stayed the template's are that route.
    let route = route.filter(|_| method.as_str() == own_method && !matches!(input.user, Segment::Raw(_)) && !matches!(input.second, Segment::Raw(_)));
    f.runtime.block_on(async {
        let resp = f.router.clone().oneshot(req).await.unwrap_or_else(|never| match never {});
        let (parts, body) = resp.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("the answer's body is read");
        check(route.as_deref(), &method, &sent, Response::from_parts(parts, Body::empty()), &bytes);
    });
});
