//! Test harness: starts the real `cas-sandbox` binary and talks to it over HTTP with ureq,
//! minting JWTs with the `rsa`/`p256` crates directly from the files the sandbox wrote.
//! Nothing here uses the sandbox's own code.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::{BigUint, RsaPrivateKey};
use serde_json::{json, Value};
use sha2::Sha256;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const API: &str = "/AdminInterface/restapi";

/// The binary under test: this package's, or `CAS_SANDBOX_BIN` (to run the tests against
/// another build, e.g. to show that a test fails on the code before a fix).
pub fn binary() -> PathBuf {
    std::env::var_os("CAS_SANDBOX_BIN").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_cas-sandbox")))
}

pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/users.json")
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

pub fn b64u(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

fn unb64u(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s).expect("base64url")
}

/// A fresh state directory under the target's tmp dir. Directories a sandbox left behind
/// (the shared ones outlive the test threads) are swept once they are an hour old.
pub fn new_dir(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    static SWEEP: std::sync::Once = std::sync::Once::new();
    SWEEP.call_once(|| {
        let Ok(entries) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else { return };
        for e in entries.flatten() {
            let old = e.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok()).is_some_and(|age| age > Duration::from_secs(3600));
            if old && e.file_name().to_string_lossy().starts_with("sandbox-") {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    });
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sandbox-{tag}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What a start-up that should fail printed.
pub struct Exit {
    pub code: Option<i32>,
    pub stderr: String,
}

pub fn run_expecting_exit(args: &[&str]) -> Exit {
    let out = Command::new(binary())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run cas-sandbox");
    Exit { code: out.status.code(), stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

pub struct Sandbox {
    child: Child,
    _stdin: ChildStdin,
    pub dir: PathBuf,
    pub port: u16,
    pub origin: String,
    pub stderr: Arc<Mutex<String>>,
    agent: ureq::Agent,
    /// Leave the state directory behind (after `kill`, for a restart in it).
    keep: bool,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// One sandbox with generated users, shared by the read-only tests of this binary.
pub fn shared() -> &'static Sandbox {
    static S: OnceLock<Sandbox> = OnceLock::new();
    S.get_or_init(|| Sandbox::start(&new_dir("shared"), &["--users", "60", "--seed", "7"]))
}

/// One sandbox with the fixture users, shared by read-only tests.
pub fn shared_fixture() -> &'static Sandbox {
    static S: OnceLock<Sandbox> = OnceLock::new();
    S.get_or_init(|| Sandbox::with_fixture(&[]))
}

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?} (status {})", self.body, self.status))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl Sandbox {
    pub fn start(dir: &Path, extra: &[&str]) -> Sandbox {
        let mut child = Command::new(binary())
            .args(["--listen", "127.0.0.1:0", "--state-dir"])
            .arg(dir)
            .arg("--exit-on-stdin-eof")
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn cas-sandbox");
        let stdin = child.stdin.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        lines.read_line(&mut line).unwrap();
        let Some(port) = line.trim_end().strip_prefix("listening on http://127.0.0.1:") else {
            let _ = child.wait();
            panic!("sandbox did not start: {line:?} {}", stderr.lock().unwrap());
        };
        let port: u16 = port.parse().unwrap();
        assert_eq!(line, format!("listening on http://127.0.0.1:{port}\n"));
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = lines.read_to_string(&mut sink);
        });
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Sandbox { child, _stdin: stdin, dir: dir.to_path_buf(), port, origin: format!("http://127.0.0.1:{port}"), stderr, agent, keep: false }
    }

    pub fn with_fixture(extra: &[&str]) -> Sandbox {
        let f = fixture();
        let mut args = vec!["--users-file", f.to_str().unwrap()];
        args.extend_from_slice(extra);
        Sandbox::start(&new_dir("fixture"), &args)
    }

    /// SIGKILL, as a crash would; the state directory stays for the caller.
    pub fn kill(mut self) -> PathBuf {
        self.keep = true;
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.dir.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// Any request. `body`: raw bytes and an optional content type.
    pub fn request(&self, method: &str, path: &str, token: Option<&str>, body: Option<(&[u8], Option<&str>)>) -> Resp {
        let url = self.url(path);
        let auth = token.map(|t| format!("Bearer {t}"));
        let result = match method {
            "GET" | "DELETE" => {
                let mut r = if method == "GET" { self.agent.get(&url) } else { self.agent.delete(&url) };
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
            _ => {
                let mut r = match method {
                    "POST" => self.agent.post(&url),
                    "PUT" => self.agent.put(&url),
                    "PATCH" => self.agent.patch(&url),
                    other => panic!("method {other}"),
                };
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                match body {
                    Some((bytes, ct)) => {
                        if let Some(ct) = ct {
                            r = r.header("Content-Type", ct);
                        }
                        r.send(bytes)
                    }
                    None => r.send_empty(),
                }
            }
        };
        let mut resp = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        Resp { status, headers, body }
    }

    /// An API call with a JSON body (`/AdminInterface/restapi` + `rel`).
    pub fn api(&self, method: &str, rel: &str, token: &str, body: Option<Value>) -> Resp {
        let bytes = body.map(|b| b.to_string().into_bytes());
        self.request(method, &format!("{API}{rel}"), Some(token), bytes.as_ref().map(|b| (b.as_slice(), Some("application/json"))))
    }

    pub fn lookup(&self, token: &str, email: &str) -> Resp {
        self.api("POST", "/v1/users/lookup", token, Some(json!({"email": email})))
    }

    /// The user `email` as lookup answers it (200 asserted).
    pub fn user(&self, email: &str) -> Value {
        let r = self.lookup(&self.superadmin(), email);
        assert_eq!(r.status, 200, "{email}: {}", r.body);
        r.json()
    }

    /// The user's auth logs (200 asserted), with `query` (without the `?`).
    pub fn authlogs(&self, id: &str, query: &str) -> Vec<Value> {
        let r = self.api("GET", &format!("/v1/users/{id}/authlogs/?{query}"), &self.helpdesk(), None);
        assert_eq!(r.status, 200, "{}", r.body);
        r.json().as_array().unwrap().clone()
    }

    /// POST to a `/_sandbox/` endpoint, 200 asserted.
    pub fn control(&self, path: &str, body: Value) -> Value {
        let r = self.request("POST", path, None, Some((body.to_string().as_bytes(), Some("application/json"))));
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        r.json()
    }

    /// Raw HTTP/1.1 over TCP, for requests ureq would shape differently.
    pub fn raw(&self, request: &str) -> (u16, String) {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let text = String::from_utf8_lossy(&out).into_owned();
        let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, text)
    }

    pub fn key(&self, file: &str) -> LegacyKey {
        LegacyKey::read(&self.dir.join(file))
    }

    pub fn superadmin(&self) -> String {
        self.key("superadmin.key").jwt()
    }

    pub fn helpdesk(&self) -> String {
        self.key("helpdesk.key").jwt()
    }

    pub fn client(&self, file: &str) -> Client {
        Client::read(&self.dir.join(file))
    }

    /// An OAuth access token for `oauth-client.json` with these scopes.
    pub fn oauth(&self, scopes: &str) -> String {
        let r = self.client("oauth-client.json").token(self, scopes);
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["access_token"].as_str().unwrap().to_string()
    }
}

pub struct LegacyKey {
    pub access_id: String,
    pub url: String,
    pub key: RsaPrivateKey,
}

static SEQ: AtomicU32 = AtomicU32::new(0);

impl LegacyKey {
    pub fn read(path: &Path) -> LegacyKey {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let pem = v["accessKey"].as_str().unwrap();
        assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"), "{pem}");
        LegacyKey {
            access_id: v["accessID"].as_str().unwrap().to_string(),
            url: v["adminRestApiUrl"].as_str().unwrap().to_string(),
            key: RsaPrivateKey::from_pkcs1_pem(pem).unwrap(),
        }
    }

    /// A fresh token (a distinct `iat` fraction makes every one unique).
    pub fn jwt(&self) -> String {
        let n = SEQ.fetch_add(1, Ordering::SeqCst);
        let iat = now() as f64 + f64::from(n % 1000) / 1000.0;
        self.jwt_with(&json!({"typ": "JWT", "alg": "RS256"}), &json!({"sub": self.access_id, "aud": self.url, "iat": iat, "exp": iat + 3000.0}))
    }

    pub fn jwt_claims(&self, claims: Value) -> String {
        self.jwt_with(&json!({"typ": "JWT", "alg": "RS256"}), &claims)
    }

    pub fn jwt_with(&self, header: &Value, claims: &Value) -> String {
        sign_rs256(&self.key, header, claims)
    }
}

pub fn sign_rs256(key: &RsaPrivateKey, header: &Value, claims: &Value) -> String {
    let input = format!("{}.{}", b64u(header.to_string().as_bytes()), b64u(claims.to_string().as_bytes()));
    let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
    let sig = signer.sign(input.as_bytes());
    format!("{input}.{}", b64u(&sig.to_bytes()))
}

pub enum ClientKey {
    Rsa(Box<RsaPrivateKey>),
    Ec(p256::ecdsa::SigningKey),
}

pub struct Client {
    pub client_id: String,
    pub issuer: String,
    pub kid: String,
    pub key: ClientKey,
    pub jwk: Value,
}

impl Client {
    pub fn read(path: &Path) -> Client {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let jwk = v["jwk"].clone();
        let big = |k: &str| BigUint::from_bytes_be(&unb64u(jwk[k].as_str().unwrap()));
        let key = match jwk["kty"].as_str().unwrap() {
            "RSA" => {
                let key = RsaPrivateKey::from_components(big("n"), big("e"), big("d"), vec![big("p"), big("q")]).unwrap();
                key.validate().unwrap();
                ClientKey::Rsa(Box::new(key))
            }
            "EC" => ClientKey::Ec(p256::ecdsa::SigningKey::from_slice(&unb64u(jwk["d"].as_str().unwrap())).unwrap()),
            other => panic!("kty {other}"),
        };
        Client {
            client_id: v["clientId"].as_str().unwrap().to_string(),
            issuer: v["issuerUrl"].as_str().unwrap().to_string(),
            kid: jwk["kid"].as_str().unwrap().to_string(),
            key,
            jwk,
        }
    }

    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        match &self.key {
            ClientKey::Rsa(k) => sign_rs256(k, header, claims),
            ClientKey::Ec(k) => {
                let input = format!("{}.{}", b64u(header.to_string().as_bytes()), b64u(claims.to_string().as_bytes()));
                let sig: p256::ecdsa::Signature = k.sign(input.as_bytes());
                format!("{input}.{}", b64u(&sig.to_bytes()))
            }
        }
    }

    pub fn alg(&self) -> &'static str {
        match self.key {
            ClientKey::Rsa(_) => "RS256",
            ClientKey::Ec(_) => "ES256",
        }
    }

    /// A well-formed assertion for `aud`.
    pub fn assertion(&self, aud: &str) -> String {
        let n = SEQ.fetch_add(1, Ordering::SeqCst);
        let t = now();
        self.sign(
            &json!({"typ": "JWT", "alg": self.alg(), "kid": self.kid}),
            &json!({"iss": self.client_id, "sub": self.client_id, "aud": aud, "iat": t, "exp": t + 300, "jti": format!("jti-{}-{n}-{t}", std::process::id())}),
        )
    }

    pub fn token(&self, sb: &Sandbox, scopes: &str) -> Resp {
        let assertion = self.assertion(&format!("{}/token", self.issuer));
        token_request(sb, &[
            ("grant_type", "client_credentials"),
            ("client_id", &self.client_id),
            ("scope", scopes),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", &assertion),
        ])
    }
}

pub fn token_request(sb: &Sandbox, form: &[(&str, &str)]) -> Resp {
    let body: String = form
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    sb.request("POST", "/oauth/token", None, Some((body.as_bytes(), Some("application/x-www-form-urlencoded"))))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Asserts the gateway's 403 body for `path`.
pub fn assert_forbidden(r: &Resp, path: &str, message: &str) {
    assert_eq!(r.status, 403, "{}", r.body);
    let v = r.json();
    let obj = v.as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["error", "message", "path", "status", "timestamp"]);
    assert!(v["timestamp"].as_u64().unwrap() > 1_600_000_000_000);
    assert_eq!(v["status"], 403);
    assert_eq!(v["error"], "Forbidden");
    assert_eq!(v["message"], message);
    assert_eq!(v["path"], path);
}

pub const REFUSED: &str = "Server failed to process provided access token";
pub const EXPIRED: &str = "Expired Access Token is not allowed";
