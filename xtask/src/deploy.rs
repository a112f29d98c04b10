//! The production configs in deploy/: the Content-Security-Policy they must send (derived from
//! the built index.html, so it cannot go stale), and their tests — deploy/nginx.conf run by
//! Debian's nginx and deploy/Caddyfile by Caddy, each on loopback in front of a fresh sandbox,
//! with only the deployer-edited lines (listen, host name, certificate, root, tenant) swapped.

use crate::procs::{cmd, free_port, http_get, output, run};
use crate::{root, setup, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use scraper::{Html, Selector};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// What a meta tag cannot carry (browsers ignore it there, and Chromium says so in the
/// console); the servers send it on top of index.html's meta policy.
const HEADER_ONLY: &str = "frame-ancestors 'none'";

/// The header policy for a built index.html, and the hashes of its inline scripts (if any).
#[derive(Debug, PartialEq)]
pub struct Csp {
    pub policy: String,
    pub inline_hashes: Vec<String>,
}

/// index.html's meta Content-Security-Policy plus [`HEADER_ONLY`], with every inline
/// script's `'sha256-…'` added to script-src.
pub fn csp_for(index_html: &str) -> Result<Csp> {
    let index_html = Html::parse_document(index_html);
    let meta = meta_policy(&index_html).ok_or("index.html has no <meta http-equiv=\"Content-Security-Policy\" content=\"...\">")?;
    let inline_hashes: Vec<String> =
        inline_scripts(&index_html).iter().map(|s| format!("'sha256-{}'", BASE64.encode(Sha256::digest(s.as_bytes())))).collect();
    let mut directives: Vec<String> = meta.split(';').map(|d| d.trim().to_string()).filter(|d| !d.is_empty()).collect();
    for hash in &inline_hashes {
        match directives.iter_mut().find(|d| d.split_whitespace().next() == Some("script-src")) {
            Some(d) if d.split_whitespace().any(|t| t == hash) => {}
            Some(d) => *d = format!("{d} {hash}"),
            None => directives.push(format!("script-src 'self' {hash}")),
        }
    }
    let name = HEADER_ONLY.split_whitespace().next().unwrap_or_default();
    if !directives.iter().any(|d| d.split_whitespace().next() == Some(name)) {
        directives.push(HEADER_ONLY.to_string());
    }
    Ok(Csp { policy: directives.join("; "), inline_hashes })
}

/// The `content` of the meta Content-Security-Policy tag.
fn meta_policy(html: &Html) -> Option<String> {
    html.select(&selector("meta[http-equiv][content]"))
        .find(|m| m.attr("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("content-security-policy")))
        .and_then(|m| m.attr("content").map(str::to_string))
}

/// The text of every <script> without a src, as the browser parsed it: what a CSP hash covers.
fn inline_scripts(html: &Html) -> Vec<String> {
    html.select(&selector("script:not([src])")).map(|s| s.text().collect()).collect()
}

/// One of xtask's own selectors: a constant, so a parse error is a bug here, not bad input.
pub(crate) fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e}"))
}

/// The policy for `dist/`, checked against deploy/'s configs, written to `dist/csp.txt`.
/// `cargo xtask dist` ends with this.
pub fn check_dist(dist: &Path) -> Result {
    let csp = policy_of(dist)?;
    configs_send(&csp)?;
    let file = dist.join("csp.txt");
    std::fs::write(&file, format!("{}\n", csp.policy)).map_err(|e| format!("writing {}: {e}", file.display()))?;
    println!("index.html has no inline script; the Content-Security-Policy header for this build ({}):", file.display());
    println!("  {}", csp.policy);
    println!("deploy/nginx.conf and deploy/Caddyfile send exactly that.");
    Ok(())
}

/// The header policy of a built dist/; an inline script is an error that prints what it
/// would take (the console's rule is none: public/boot.js starts the app).
fn policy_of(dist: &Path) -> Result<Csp> {
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index).map_err(|e| format!("reading {}: {e}", index.display()))?;
    let csp = csp_for(&html)?;
    if !csp.inline_hashes.is_empty() {
        return Err(format!(
            "{} has {} inline <script> (hashes {}). The console starts from public/boot.js so the CSP needs no hash: \
             move that script into a file. Were it to stay, the policy (meta tag in index.html and both deploy/ configs) \
             would have to be:\n  {}",
            index.display(),
            csp.inline_hashes.len(),
            csp.inline_hashes.join(" "),
            csp.policy
        ));
    }
    Ok(csp)
}

/// Both deploy/ configs send exactly `csp` (their Content-Security-Policy line holds it
/// in quotes).
fn configs_send(csp: &Csp) -> Result {
    for name in ["deploy/nginx.conf", "deploy/Caddyfile"] {
        let text = read(&root().join(name))?;
        let sent: Vec<&str> = text
            .lines()
            .filter(|l| l.trim_start().starts_with("add_header Content-Security-Policy") || l.trim_start().starts_with("Content-Security-Policy"))
            .filter_map(|l| l.split('"').nth(1))
            .collect();
        if sent != [csp.policy.as_str()] {
            return Err(format!(
                "{name} sends the Content-Security-Policy {sent:?}, but the build needs exactly one, equal to index.html's meta policy plus {HEADER_ONLY}:\n  {}",
                csp.policy
            ));
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Where a test nginx listens: the https server's stand-in and the port-80 one's.
pub(crate) struct Site {
    pub port: u16,
    pub http_port: u16,
}

/// deploy/nginx.conf for loopback: every line the deployer edits (and the TLS-only ones) is
/// swapped or commented out; each kind must be found, so this list and the file cannot
/// drift apart. Everything else is the production file, byte for byte.
pub fn nginx_test_site(text: &str, port: u16, http_port: u16, dist: &Path, upstream: &str) -> Result<String> {
    let mut seen = [0usize; 6];
    let mut out = String::from("# Generated by cargo xtask from deploy/nginx.conf for the tests; do not edit.\n");
    for line in text.lines() {
        let t = line.trim_start();
        let indent = &line[..line.len() - t.len()];
        let directive = t.split('#').next().unwrap_or("").trim_end();
        let swapped = if directive.starts_with("listen [::]") || directive.starts_with("ssl_certificate") || directive == "ssl_reject_handshake on;" {
            seen[0] += 1;
            Some(format!("# test: {t}"))
        } else if directive.starts_with("listen ") && directive.contains(" 80") {
            seen[1] += 1;
            let default = if directive.contains("default_server") { " default_server" } else { "" };
            Some(format!("listen 127.0.0.1:{http_port}{default};"))
        } else if directive.starts_with("listen ") && directive.contains(" 443") {
            seen[2] += 1;
            let default = if directive.contains("default_server") { " default_server" } else { "" };
            Some(format!("listen 127.0.0.1:{port}{default};"))
        } else if directive.starts_with("server_name ") {
            seen[3] += 1;
            Some("server_name 127.0.0.1;".to_string())
        } else if directive.starts_with("root ") {
            seen[4] += 1;
            Some(format!("root {};", dist.display()))
        } else if let Some(url) = directive.strip_prefix("proxy_pass https://") {
            seen[5] += 1;
            let path = url.find('/').map(|i| &url[i..]).ok_or("a proxy_pass without a path")?;
            Some(format!("proxy_pass {upstream}{path}"))
        } else {
            None
        };
        match swapped {
            Some(s) => out.push_str(&format!("{indent}{s}\n")),
            None => out.push_str(&format!("{line}\n")),
        }
    }
    let names = ["IPv6 listen/certificate/ssl_reject_handshake", "listen 80", "listen 443", "server_name", "root", "proxy_pass https://"];
    for (n, name) in seen.iter().zip(names) {
        if *n == 0 {
            return Err(format!("deploy/nginx.conf: no {name} line to swap for the test; update xtask/src/deploy.rs with it"));
        }
    }
    if seen[5] != 2 {
        return Err(format!("deploy/nginx.conf proxies {} paths; the console uses exactly two", seen[5]));
    }
    Ok(out)
}

/// deploy/Caddyfile for loopback: the site address becomes http://127.0.0.1:PORT, `root` the
/// built dist, each `reverse_proxy https://…` the test upstream; no admin endpoint.
pub fn caddy_test_site(text: &str, port: u16, dist: &Path, upstream: &str) -> Result<String> {
    let mut seen = [0usize; 3];
    let mut out = String::from("# Generated by cargo xtask from deploy/Caddyfile for the tests; do not edit.\n{\n\tadmin off\n}\n\n");
    for line in text.lines() {
        let t = line.trim_start();
        let indent = &line[..line.len() - t.len()];
        if indent.is_empty() && t.ends_with('{') && t != "{" && !t.starts_with('(') {
            seen[0] += 1;
            out.push_str(&format!("http://127.0.0.1:{port} {{\n"));
        } else if t.starts_with("root * ") {
            seen[1] += 1;
            out.push_str(&format!("{indent}root * {}\n", dist.display()));
        } else if let Some(rest) = t.strip_prefix("reverse_proxy https://") {
            seen[2] += 1;
            let tail = rest.split_once(' ').map(|(_, tail)| tail).unwrap_or("");
            out.push_str(&format!("{indent}reverse_proxy {upstream} {tail}\n"));
        } else {
            out.push_str(&format!("{line}\n"));
        }
    }
    if seen[0] != 1 || seen[1] != 1 || seen[2] != 2 {
        return Err(format!(
            "deploy/Caddyfile: expected one site, one root and two reverse_proxy https:// lines, found {seen:?}; update xtask/src/deploy.rs"
        ));
    }
    Ok(out)
}

/// A server started for the tests (and `cargo xtask bench`).
pub(crate) struct Server {
    _process: Process,
    pub url: String,
}

/// A server process, stopped when dropped: nginx's master is asked to (SIGTERM) and waited
/// for, as killed outright it would leave its worker behind; Caddy is killed.
struct Process {
    child: std::process::Child,
    graceful: bool,
}

impl Process {
    /// Starts `c` and waits until `url` answers 200; fails early if the server exits.
    fn start(mut c: Command, url: &str, graceful: bool, log: &Path) -> Result<Process> {
        let name = c.get_program().to_string_lossy().into_owned();
        let mut p = Process { child: c.spawn().map_err(|e| format!("cannot start {name}: {e}"))?, graceful };
        let start = Instant::now();
        while start.elapsed().as_secs() < 30 {
            if let Ok(Some(status)) = p.child.try_wait() {
                return Err(format!("{name} exited ({status}); see {}", log.display()));
            }
            if let Some((200, _)) = http_get(url) {
                return Ok(p);
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        p.graceful = false;
        Err(format!("{name}: {url} did not answer 200 within 30 s; see {}", log.display()))
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.graceful {
            let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
            let start = Instant::now();
            while start.elapsed().as_secs() < 10 {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn user_directive() -> String {
    // nginx started by root switches its workers to `nobody`, who may not read the
    // checkout; the tests run it as whoever runs them.
    let uid = output(Command::new("id").arg("-u")).unwrap_or_default();
    if uid.trim() == "0" {
        "user root;\n".to_string()
    } else {
        String::new()
    }
}

pub(crate) fn start_nginx(dir: &Path, site: &Site, dist: &Path, upstream: &str) -> Result<Server> {
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let text = nginx_test_site(&read(&root().join("deploy/nginx.conf"))?, site.port, site.http_port, dist, upstream)?;
    write(&dir.join("site.conf"), &text)?;
    let d = dir.display();
    // Modules load as on a Debian install: Debian's nginx.conf includes modules-enabled/,
    // where libnginx-mod-http-brotli-static links its `load_module modules/…;`. That path is
    // relative to nginx's prefix, so nginx runs with Debian's own (no `-p`), and every path of
    // this test's own is absolute.
    let main = format!(
        "# Generated by cargo xtask for the tests: deploy/nginx.conf (as site.conf) in a minimal http block.\n\
         {user}worker_processes 1;\nerror_log {d}/error.log warn;\ninclude /etc/nginx/modules-enabled/*.conf;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n    access_log {d}/access.log;\n\
         \x20   client_body_temp_path {d}/client_body;\n    proxy_temp_path {d}/proxy;\n    fastcgi_temp_path {d}/fastcgi;\n\
         \x20   uwsgi_temp_path {d}/uwsgi;\n    scgi_temp_path {d}/scgi;\n    include {d}/site.conf;\n}}\n",
        user = user_directive()
    );
    write(&dir.join("nginx.conf"), &main)?;
    let globals = format!("daemon off; pid {d}/nginx.pid;");
    let nginx = |c: &mut Command| {
        // -e: where nginx logs before it has read error_log (Debian's default is /var/log).
        c.arg("-e").arg(dir.join("error.log")).arg("-c").arg(dir.join("nginx.conf")).arg("-g").arg(&globals);
    };
    let mut check = cmd("nginx");
    nginx(check.arg("-q").arg("-t"));
    run(&mut check).map_err(|e| format!("{e}: {} does not pass nginx -t", dir.join("nginx.conf").display()))?;
    let mut c = cmd("nginx");
    nginx(&mut c);
    let url = format!("http://127.0.0.1:{}", site.port);
    let process = Process::start(c, &format!("{url}/"), true, &dir.join("error.log"))?;
    Ok(Server { _process: process, url })
}

fn caddy(dir: &Path) -> Command {
    // Caddy keeps certificates and autosaves under XDG folders: the test's own, not ~.
    let mut c = cmd("caddy");
    c.env("XDG_DATA_HOME", dir.join("data")).env("XDG_CONFIG_HOME", dir.join("config")).env("HOME", dir);
    c
}

/// `caddy validate` on deploy/Caddyfile as it is (offline: nothing is fetched to validate),
/// and `caddy fmt` finds nothing to change.
fn validate_caddyfile(dir: &Path) -> Result {
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let file = root().join("deploy/Caddyfile");
    let out = caddy(dir)
        .args(["validate", "--adapter", "caddyfile", "--config"])
        .arg(&file)
        .output()
        .map_err(|e| format!("cannot start caddy: {e}"))?;
    if !out.status.success() {
        return Err(format!("caddy validate refuses deploy/Caddyfile:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    let formatted = output(caddy(dir).arg("fmt").arg(&file)).ok_or("caddy fmt failed on deploy/Caddyfile")?;
    if formatted != read(&file)? {
        return Err("deploy/Caddyfile is not as `caddy fmt` writes it: run `caddy fmt --overwrite deploy/Caddyfile`".into());
    }
    println!("== deploy/Caddyfile: caddy validate and caddy fmt agree");
    Ok(())
}

fn start_caddy(dir: &Path, port: u16, dist: &Path, upstream: &str) -> Result<Server> {
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let text = caddy_test_site(&read(&root().join("deploy/Caddyfile"))?, port, dist, upstream)?;
    let file = dir.join("Caddyfile");
    write(&file, &text)?;
    let log = std::fs::File::create(dir.join("caddy.log")).map_err(|e| format!("creating caddy.log: {e}"))?;
    let mut c = caddy(dir);
    c.args(["run", "--adapter", "caddyfile", "--config"]).arg(&file).stdout(Stdio::null()).stderr(log);
    let url = format!("http://127.0.0.1:{port}");
    let process = Process::start(c, &format!("{url}/"), false, &dir.join("caddy.log"))?;
    Ok(Server { _process: process, url })
}

/// The browser tests through deploy/nginx.conf (every file in tests/e2e, deploy.test.mjs's
/// checks included; only deploy.test.mjs unless `whole_suite`), then deploy.test.mjs through
/// deploy/Caddyfile. `dist` is the release build the trunk-served run used; the sandbox is a
/// fresh one, as the suite changes its tenant.
pub fn browser_tests(env: &setup::Toolchain, dist: &Path, whole_suite: bool) -> Result {
    browser_tests_in(&root().join("target/e2e/deploy"), env, dist, whole_suite)
}

fn browser_tests_in(work: &Path, env: &setup::Toolchain, dist: &Path, whole_suite: bool) -> Result {
    let started = Instant::now();
    let r = root();
    let _ = std::fs::remove_dir_all(work);
    let csp = policy_of(dist)?;
    configs_send(&csp)?;
    // As `cargo xtask dist` ships it: both configs send these copies.
    crate::size::precompress(dist)?;
    println!("== deploy/: both configs send the CSP derived from index.html:\n   {}", csp.policy);
    validate_caddyfile(&work.join("caddy-validate"))?;

    let state = work.join("state");
    let (_sandbox, sandbox_url) = crate::start_restarting_sandbox(&state, &["--users", "300", "--reset"])?;
    let echo_port = free_port()?;
    let echo = format!("http://127.0.0.1:{echo_port}");

    let site = Site { port: free_port()?, http_port: free_port()? };
    let nginx = start_nginx(&work.join("nginx"), &site, dist, &sandbox_url)?;
    let echo_site = Site { port: free_port()?, http_port: free_port()? };
    let nginx_echo = start_nginx(&work.join("nginx-echo"), &echo_site, dist, &echo)?;
    println!("== console (release build) served by nginx with deploy/nginx.conf at {} (sandbox {sandbox_url})", nginx.url);
    let node = |files: &Path, server: &str, console: &str, echo_proxy: &str| {
        let mut c = cmd("node");
        c.args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
            .arg(files)
            .env("CONSOLE_URL", console)
            .env("SANDBOX_URL", &sandbox_url)
            .env("STATE_DIR", &state)
            .env("CHROMIUM", &env.chromium)
            .env("NODE_PATH", r.join("tests/e2e/node_modules"))
            .env("DEPLOY_SERVER", server)
            .env("DEPLOY_ECHO_URL", echo_proxy)
            .env("DEPLOY_ECHO_PORT", echo_port.to_string())
            .env("DEPLOY_CSP", &csp.policy)
            .env("DEPLOY_DIST", dist);
        c
    };
    let files = if whole_suite { r.join("tests/e2e") } else { r.join("tests/e2e/deploy.test.mjs") };
    let mut through_nginx = node(&files, "nginx", &nginx.url, &nginx_echo.url);
    through_nginx.env("DEPLOY_HTTP_URL", format!("http://127.0.0.1:{}", site.http_port));
    let nginx_result = run(&mut through_nginx);
    drop((nginx, nginx_echo));

    let caddy = start_caddy(&work.join("caddy"), free_port()?, dist, &sandbox_url)?;
    let caddy_echo = start_caddy(&work.join("caddy-echo"), free_port()?, dist, &echo)?;
    println!("== deploy.test.mjs through Caddy with deploy/Caddyfile at {}", caddy.url);
    let caddy_result = run(&mut node(&r.join("tests/e2e/deploy.test.mjs"), "caddy", &caddy.url, &caddy_echo.url));
    println!("== deploy/ tests took {:.0} s", started.elapsed().as_secs_f64());
    match (nginx_result, caddy_result) {
        (Ok(()), Ok(())) => Ok(()),
        (Err(e), Ok(())) => Err(format!("through nginx: {e}")),
        (Ok(()), Err(e)) => Err(format!("through Caddy: {e}")),
        (Err(a), Err(b)) => Err(format!("through nginx: {a}; through Caddy: {b}")),
    }
}

/// `cargo xtask test --deploy`, for quicker turns: only deploy.test.mjs, through nginx and
/// Caddy, in target/deploy (apart from a full run's target/e2e), on a copy of the release
/// build the last full run left in target/e2e/dist, or on a new one if there is none.
pub fn only(env: &setup::Toolchain) -> Result {
    let r = root();
    let work = r.join("target/deploy");
    let dist = r.join("target/deploy-dist");
    let _ = std::fs::remove_dir_all(&dist);
    let built = r.join("target/e2e/dist");
    if built.join("index.html").is_file() {
        println!("== testing a copy of the console build in {} (a full `cargo xtask test` rebuilds it)", built.display());
        std::fs::create_dir_all(&dist).map_err(|e| format!("creating {}: {e}", dist.display()))?;
        for entry in std::fs::read_dir(&built).map_err(|e| format!("reading {}: {e}", built.display()))?.flatten() {
            if !entry.path().is_file() {
                continue;
            }
            std::fs::copy(entry.path(), dist.join(entry.file_name())).map_err(|e| format!("copying {}: {e}", entry.path().display()))?;
        }
    } else {
        // The proxies in this config are never used: trunk only builds.
        let config = crate::trunk_config("Trunk-deploy.toml", "http://127.0.0.1:9/AdminInterface/restapi/", "http://127.0.0.1:9/oauth/", &dist, crate::Watch::Nothing)?;
        run(cmd("trunk").arg("build").arg("--config").arg(&config).args(["--offline", "--release"]).current_dir(&r))?;
    }
    browser_tests_in(&work, env, &dist, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const META: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'";

    fn page(scripts: &str) -> String {
        format!("<!doctype html><html><head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{META}\">\n{scripts}</head><body></body></html>")
    }

    #[test]
    fn without_inline_script_the_header_is_the_meta_policy_plus_frame_ancestors() {
        let html = page("<script src=\"/boot-0123456789abcdef.js\" integrity=\"sha384-x\" type=\"module\"></script>\n<link rel=\"modulepreload\" href=\"/a.js\">");
        let csp = csp_for(&html).unwrap();
        assert_eq!(csp.policy, format!("{META}; frame-ancestors 'none'"));
        assert!(csp.inline_hashes.is_empty());
    }

    #[test]
    fn an_inline_script_gets_its_hash_in_script_src() {
        // The example of the CSP specification: alert('Hello, world.');
        let html = page("<script>alert('Hello, world.');</script><SCRIPT type=module src='/x.js'></SCRIPT>");
        let csp = csp_for(&html).unwrap();
        let hash = "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='";
        assert_eq!(csp.inline_hashes, [hash]);
        assert_eq!(
            csp.policy,
            format!("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {hash}; object-src 'none'; frame-ancestors 'none'")
        );
    }

    #[test]
    fn an_inline_script_is_hashed_as_the_browser_parsed_it() {
        // HTML parsing turns CR LF into LF before the browser hashes the script's text.
        let crlf = csp_for(&page("<script>let a = 1;\r\nlet b = 2;</script>")).unwrap();
        let lf = csp_for(&page("<script>let a = 1;\nlet b = 2;</script>")).unwrap();
        assert_eq!(crlf.inline_hashes, lf.inline_hashes);
        // Entities are not decoded in a script's raw text, and a src'd script is no inline one.
        let html = page("<script type=\"module\">a &amp;&amp; b</script><script src=/x.js></script><script SRC='/y.js'> </script>");
        let expected = format!("'sha256-{}'", BASE64.encode(Sha256::digest(b"a &amp;&amp; b")));
        assert_eq!(csp_for(&html).unwrap().inline_hashes, [expected]);
    }

    #[test]
    fn a_dist_with_an_inline_script_fails_and_says_what_it_would_take() {
        let dist = std::env::temp_dir().join(format!("xtask-csp-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        write(&dist.join("index.html"), &page("<script>alert('Hello, world.');</script>")).unwrap();
        let err = policy_of(&dist).unwrap_err();
        let _ = std::fs::remove_dir_all(&dist);
        assert!(err.contains("inline <script>"), "{err}");
        assert!(err.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"), "{err}");
    }

    #[test]
    fn no_meta_policy_is_an_error() {
        assert!(csp_for("<html><head><meta charset=utf-8></head></html>").is_err());
    }

    #[test]
    fn the_repository_index_html_and_configs_agree() {
        let csp = csp_for(&read(&root().join("index.html")).unwrap()).unwrap();
        assert!(csp.inline_hashes.is_empty(), "index.html has an inline script");
        configs_send(&csp).unwrap();
    }

    #[test]
    fn the_nginx_test_config_swaps_only_the_deployer_lines() {
        let prod = read(&root().join("deploy/nginx.conf")).unwrap();
        let test = nginx_test_site(&prod, 1111, 2222, Path::new("/tmp/dist"), "http://127.0.0.1:3333").unwrap();
        assert!(test.contains("listen 127.0.0.1:1111;"));
        assert!(test.contains("listen 127.0.0.1:1111 default_server;"));
        assert!(test.contains("listen 127.0.0.1:2222 default_server;"));
        assert!(test.contains("root /tmp/dist;"));
        assert!(test.contains("proxy_pass http://127.0.0.1:3333/AdminInterface/restapi/;"));
        assert!(test.contains("proxy_pass http://127.0.0.1:3333/oauth/;"));
        for gone in ["https://acme", "console.example.com;", "letsencrypt", "[::]", "listen 443", "listen 80"] {
            assert!(
                !test.lines().filter(|l| !l.trim_start().starts_with('#')).any(|l| l.split('#').next().unwrap().contains(gone)),
                "{gone} left in the test config"
            );
        }
        // Everything else is kept line for line.
        let kept = |t: &str| t.lines().filter(|l| !l.contains("listen") && !l.contains("server_name") && !l.contains("ssl_certificate") && !l.contains("ssl_reject") && !l.contains("root ") && !l.contains("proxy_pass")).map(str::to_string).collect::<Vec<_>>();
        let test_body: String = test.split_once('\n').unwrap().1.to_string();
        assert_eq!(kept(&prod), kept(&test_body));
    }

    #[test]
    fn the_caddy_test_config_swaps_only_the_deployer_lines() {
        let prod = read(&root().join("deploy/Caddyfile")).unwrap();
        let test = caddy_test_site(&prod, 1111, Path::new("/tmp/dist"), "http://127.0.0.1:3333").unwrap();
        assert!(test.contains("\nhttp://127.0.0.1:1111 {\n"));
        assert!(test.contains("root * /tmp/dist\n"));
        assert_eq!(test.matches("reverse_proxy http://127.0.0.1:3333 {").count(), 2);
        assert!(!test.contains("https://acme"));
    }
}
