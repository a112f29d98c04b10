//! Throughput of a sandbox with 10,000 users: lookups/s and searches/s over keep-alive
//! connections, with p50/p99 latency. Loopback only, bounded in requests and time.
//!
//!   sandbox-bench [--url http://127.0.0.1:PORT --state-dir DIR] [--connections 32]
//!                 [--lookups 100000] [--searches 40000] [--seconds 30]
//!
//! Without --url it starts a sandbox itself (the `cas-sandbox` binary beside this one) with
//! `--users 10000` in a fresh temporary state directory.

use clap::Parser;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Throughput of a sandbox: lookups and searches per second, p50 and p99.
#[derive(Parser)]
#[command(name = "sandbox-bench", disable_version_flag = true)]
struct Opts {
    /// a running sandbox (loopback only); without it one is started with 10,000 users
    #[arg(long, requires = "state_dir")]
    url: Option<String>,
    /// the running sandbox's state directory (it holds the key to sign with)
    #[arg(long, requires = "url")]
    state_dir: Option<PathBuf>,
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=256))]
    connections: u64,
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    lookups: u64,
    #[arg(long, default_value_t = 40_000, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    searches: u64,
    /// at most this long per phase
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    seconds: u64,
}

/// Kills the sandbox we started, whatever happens.
struct Spawned(Child, PathBuf);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

fn spawn_sandbox() -> Result<(Spawned, String), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let bin = exe.with_file_name(format!("cas-sandbox{}", std::env::consts::EXE_SUFFIX));
    let dir = std::env::temp_dir().join(format!("cas-sandbox-bench-{}", std::process::id()));
    let mut child = Command::new(&bin)
        .args(["--listen", "127.0.0.1:0", "--users", "10000", "--reset", "--exit-on-stdin-eof", "--state-dir"])
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let url = line.trim().strip_prefix("listening on ").map(str::to_string);
    let spawned = Spawned(child, dir);
    Ok((spawned, url.ok_or_else(|| format!("sandbox did not start: {line:?}"))?))
}

fn check_loopback(url: &str) -> Result<(), String> {
    let hostport = url.strip_prefix("http://").ok_or("--url must be http://127.0.0.1:PORT")?;
    let hostport = hostport.split('/').next().unwrap_or("");
    let hostport = hostport.replace("localhost", "127.0.0.1");
    let addr: SocketAddr = hostport.parse().map_err(|_| format!("--url: cannot read {url}"))?;
    if !addr.ip().is_loopback() {
        return Err("the benchmark only talks to a sandbox on loopback".into());
    }
    Ok(())
}

/// A legacy JWT from `superadmin.key`, signed by jsonwebtoken.
fn mint(state_dir: &std::path::Path) -> Result<String, String> {
    let path = state_dir.join("superadmin.key");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let (Some(id), Some(pem), Some(aud)) = (v["accessID"].as_str(), v["accessKey"].as_str(), v["adminRestApiUrl"].as_str()) else {
        return Err(format!("{} is not a key file", path.display()));
    };
    let key = RsaPrivateKey::from_pkcs1_pem(pem).or_else(|_| RsaPrivateKey::from_pkcs8_pem(pem)).map_err(|e| format!("key: {e}"))?;
    let der = key.to_pkcs1_der().map_err(|e| format!("key: {e}"))?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let claims = json!({"sub": id, "aud": aud, "iat": now, "exp": now + 3300});
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &EncodingKey::from_rsa_der(der.as_bytes()))
        .map_err(|e| format!("cannot sign: {e}"))
}

/// A keep-alive HTTP/1.1 client (ureq's pool holds one connection per thread's agent).
struct Conn {
    agent: ureq::Agent,
    base: String,
}

impl Conn {
    fn new(base: &str) -> Conn {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Conn { agent, base: base.to_string() }
    }

    fn post(&self, path: &str, token: &str, body: &str) -> Result<(u16, Vec<u8>), ureq::Error> {
        let mut r = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("Authorization", &format!("Bearer {token}"))
            .header("Content-Type", "application/json")
            .send(body)?;
        let status = r.status().as_u16();
        Ok((status, r.body_mut().read_to_vec()?))
    }
}

struct Outcome {
    done: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

fn phase(base: &str, connections: usize, total: usize, limit: Duration, token: &str, make: impl Fn(usize) -> (String, String) + Sync) -> Outcome {
    let next = AtomicUsize::new(0);
    let errors = AtomicUsize::new(0);
    let latencies = Mutex::new(Vec::with_capacity(total));
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..connections {
            s.spawn(|| {
                let conn = Conn::new(base);
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total || started.elapsed() > limit {
                        break;
                    }
                    let (path, body) = make(i);
                    let t = Instant::now();
                    match conn.post(&path, token, &body) {
                        Ok((200, _)) => mine.push(t.elapsed()),
                        _ => {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                latencies.lock().unwrap_or_else(|p| p.into_inner()).extend(mine);
            });
        }
    });
    let elapsed = started.elapsed();
    let mut latencies = latencies.into_inner().unwrap_or_else(|p| p.into_inner());
    latencies.sort();
    Outcome { done: latencies.len(), errors: errors.into_inner(), elapsed, latencies }
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

fn report(name: &str, o: &Outcome) {
    println!(
        "{name:<9} {:>7} ok {:>5} errors in {:>6.2} s  {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms",
        o.done,
        o.errors,
        o.elapsed.as_secs_f64(),
        o.done as f64 / o.elapsed.as_secs_f64().max(1e-9),
        pct(&o.latencies, 0.50),
        pct(&o.latencies, 0.99),
    );
}

fn main() {
    if let Err(e) = run() {
        eprintln!("sandbox-bench: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let o = Opts::parse();
    let (connections, lookups, searches) = (o.connections as usize, o.lookups as usize, o.searches as usize);
    let (_spawned, url, state_dir) = match (&o.url, &o.state_dir) {
        (Some(u), Some(d)) => (None, u.trim_end_matches('/').to_string(), d.clone()),
        _ => {
            let (s, url) = spawn_sandbox()?;
            let dir = s.1.clone();
            (Some(s), url, dir)
        }
    };
    check_loopback(&url)?;
    let token = mint(&state_dir)?;
    let limit = Duration::from_secs(o.seconds);
    // Emails to look up: the first 1,000 of the tenant, by search v2.
    let conn = Conn::new(&url);
    let mut emails: Vec<String> = Vec::new();
    for page in 0..40 {
        let (status, body) = conn
            .post(&format!("/AdminInterface/restapi/v2/users/search?pageSize=25&pageNumber={page}"), &token, &json!({"emailLike": "@"}).to_string())
            .map_err(|e| format!("cannot reach the sandbox at {url}: {e}"))?;
        if status != 200 {
            return Err(format!("search answered {status}: {}", String::from_utf8_lossy(&body)));
        }
        let v: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        let elements = v["elements"].as_array().cloned().unwrap_or_default();
        if elements.is_empty() {
            break;
        }
        emails.extend(elements.iter().filter_map(|u| u["emailAddress"].as_str().map(str::to_string)));
    }
    if emails.is_empty() {
        return Err("the sandbox has no users".into());
    }
    let total = conn
        .post("/AdminInterface/restapi/v2/users/search?pageSize=1", &token, &json!({"emailLike": "@"}).to_string())
        .ok()
        .and_then(|(_, b)| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v["totalElements"].as_u64())
        .unwrap_or(0);
    println!("sandbox {url}: {total} users; {} connections; at most {} s per phase", connections, o.seconds);
    let emails = Arc::new(emails);
    let pick = |i: usize| (i.wrapping_mul(2_654_435_761)) % emails.len();
    let lookups = phase(&url, connections, lookups, limit, &token, |i| {
        ("/AdminInterface/restapi/v1/users/lookup".into(), json!({"email": emails[pick(i)]}).to_string())
    });
    report("lookups", &lookups);
    // Searches: the name part of an email ("jose.muller"), a few dozen matches each, a page of 25.
    let searches = phase(&url, connections, searches, limit, &token, |i| {
        let email = &emails[pick(i)];
        let local = email.split('@').next().unwrap_or(email);
        let like = local.rsplit_once('.').map(|(a, _)| a).unwrap_or(local);
        ("/AdminInterface/restapi/v1/users/search?pageSize=25".into(), json!({"emailLike": like}).to_string())
    });
    report("searches", &searches);
    if lookups.errors + searches.errors > 0 {
        return Err(format!("{} requests failed", lookups.errors + searches.errors));
    }
    Ok(())
}
