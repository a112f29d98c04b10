//! Throughput of a sandbox with 10,000 users: lookups/s and searches/s over keep-alive
//! connections, with p50/p99 latency. Loopback only, bounded in requests and time.
//!
//!   sandbox-bench [--url http://127.0.0.1:PORT --state-dir DIR] [--connections 32]
//!                 [--lookups 100000] [--searches 40000] [--seconds 30]
//!
//! Without --url it starts a sandbox itself (the `cas-sandbox` binary beside this one) with
//! `--users 10000` in a fresh temporary state directory.

use cas_core::b64;
use cas_core::jwt::legacy_signing_input;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

struct Opts {
    url: Option<String>,
    state_dir: Option<PathBuf>,
    connections: usize,
    lookups: usize,
    searches: usize,
    seconds: u64,
}

fn parse_args() -> Result<Opts, String> {
    let mut o = Opts { url: None, state_dir: None, connections: 32, lookups: 100_000, searches: 40_000, seconds: 30 };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        if flag == "--help" || flag == "-h" {
            return Err("usage: sandbox-bench [--url URL --state-dir DIR] [--connections N] [--lookups N] [--searches N] [--seconds S]".into());
        }
        let v = args.get(i + 1).ok_or_else(|| format!("{flag} needs a value"))?.clone();
        let num = |v: &str| v.parse::<u64>().map_err(|_| format!("{flag}: not a number: {v}"));
        match flag {
            "--url" => o.url = Some(v.trim_end_matches('/').to_string()),
            "--state-dir" => o.state_dir = Some(PathBuf::from(v)),
            "--connections" => o.connections = num(&v)?.clamp(1, 256) as usize,
            "--lookups" => o.lookups = num(&v)?.min(1_000_000) as usize,
            "--searches" => o.searches = num(&v)?.min(1_000_000) as usize,
            "--seconds" => o.seconds = num(&v)?.clamp(1, 600),
            _ => return Err(format!("unknown option {flag}")),
        }
        i += 2;
    }
    if o.url.is_some() != o.state_dir.is_some() {
        return Err("--url and --state-dir go together (the state dir holds the key to sign with)".into());
    }
    Ok(o)
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

fn loopback_addr(url: &str) -> Result<SocketAddr, String> {
    let hostport = url.strip_prefix("http://").ok_or("--url must be http://127.0.0.1:PORT")?;
    let hostport = hostport.split('/').next().unwrap_or("");
    let hostport = hostport.replace("localhost", "127.0.0.1");
    let addr: SocketAddr = hostport.parse().map_err(|_| format!("--url: cannot read {url}"))?;
    if !addr.ip().is_loopback() {
        return Err("the benchmark only talks to a sandbox on loopback".into());
    }
    Ok(addr)
}

fn mint(state_dir: &std::path::Path) -> Result<String, String> {
    let path = state_dir.join("superadmin.key");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let (Some(id), Some(pem), Some(aud)) = (v["accessID"].as_str(), v["accessKey"].as_str(), v["adminRestApiUrl"].as_str()) else {
        return Err(format!("{} is not a key file", path.display()));
    };
    let key = RsaPrivateKey::from_pkcs1_pem(pem).or_else(|_| RsaPrivateKey::from_pkcs8_pem(pem)).map_err(|e| format!("key: {e}"))?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let input = legacy_signing_input(id, aud, now);
    let sig = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key).sign(input.as_bytes());
    Ok(format!("{input}.{}", b64::encode_url(&sig.to_bytes())))
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    addr: SocketAddr,
    reader: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn request(&mut self, method: &str, path: &str, token: &str, body: &str) -> std::io::Result<(u16, Vec<u8>)> {
        if self.reader.is_none() {
            let s = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5))?;
            s.set_nodelay(true)?;
            s.set_read_timeout(Some(Duration::from_secs(30)))?;
            self.reader = Some(BufReader::new(s));
        }
        let result = self.exchange(method, path, token, body);
        if result.is_err() {
            self.reader = None;
        }
        result
    }

    fn exchange(&mut self, method: &str, path: &str, token: &str, body: &str) -> std::io::Result<(u16, Vec<u8>)> {
        let reader = self.reader.as_mut().ok_or(std::io::ErrorKind::NotConnected)?;
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        reader.get_mut().write_all(req.as_bytes())?;
        let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| bad("no status line"))?;
        let mut length = 0usize;
        let mut close = false;
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().map_err(|_| bad("content-length"))?;
                } else if k.eq_ignore_ascii_case("connection") && v.trim().eq_ignore_ascii_case("close") {
                    close = true;
                } else if k.eq_ignore_ascii_case("transfer-encoding") {
                    return Err(bad("chunked answers are not expected"));
                }
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        if close {
            self.reader = None;
        }
        Ok((status, body))
    }
}

struct Outcome {
    done: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

fn phase(addr: SocketAddr, connections: usize, total: usize, limit: Duration, token: &str, make: impl Fn(usize) -> (String, String) + Sync) -> Outcome {
    let next = AtomicUsize::new(0);
    let errors = AtomicUsize::new(0);
    let latencies = Mutex::new(Vec::with_capacity(total));
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..connections {
            s.spawn(|| {
                let mut conn = Conn { addr, reader: None };
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total || started.elapsed() > limit {
                        break;
                    }
                    let (path, body) = make(i);
                    let t = Instant::now();
                    match conn.request("POST", &path, token, &body) {
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
    let o = parse_args()?;
    let (_spawned, url, state_dir) = match (&o.url, &o.state_dir) {
        (Some(u), Some(d)) => (None, u.clone(), d.clone()),
        _ => {
            let (s, url) = spawn_sandbox()?;
            let dir = s.1.clone();
            (Some(s), url, dir)
        }
    };
    let addr = loopback_addr(&url)?;
    let token = mint(&state_dir)?;
    let limit = Duration::from_secs(o.seconds);
    // Emails to look up: the first 1,000 of the tenant, by search v2.
    let mut conn = Conn { addr, reader: None };
    let mut emails: Vec<String> = Vec::new();
    for page in 0..40 {
        let (status, body) = conn
            .request("POST", &format!("/AdminInterface/restapi/v2/users/search?pageSize=25&pageNumber={page}"), &token, &json!({"emailLike": "@"}).to_string())
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
        .request("POST", "/AdminInterface/restapi/v2/users/search?pageSize=1", &token, &json!({"emailLike": "@"}).to_string())
        .ok()
        .and_then(|(_, b)| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v["totalElements"].as_u64())
        .unwrap_or(0);
    println!("sandbox {url}: {total} users; {} connections; at most {} s per phase", o.connections, o.seconds);
    let emails = Arc::new(emails);
    let pick = |i: usize| (i.wrapping_mul(2_654_435_761)) % emails.len();
    let lookups = phase(addr, o.connections, o.lookups, limit, &token, |i| {
        ("/AdminInterface/restapi/v1/users/lookup".into(), json!({"email": emails[pick(i)]}).to_string())
    });
    report("lookups", &lookups);
    // Searches: the name part of an email ("jose.muller"), a few dozen matches each, a page of 25.
    let searches = phase(addr, o.connections, o.searches, limit, &token, |i| {
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
