//! Project automation, run as `cargo xtask <task>` (see README.md).
//!
//! setup  installs the pinned toolchain (skipping what is present)
//! demo   sandbox + console behind trunk's proxy, at a printed URL
//! test   every test: native, sandbox over HTTP, the console in headless Chromium (trunk and nginx)
//! dist   release build into dist/, the size report against the guard, what each crate weighs
//! bench  what operators feel, beside Keycloak's admin console: first load, time to interactive,
//!        search, the user page, bulk high-risk jobs, a 50,000-entry list (BENCHMARKS.md)
//! fuzz   every fuzz target for a bounded time (cargo-fuzz on a pinned nightly)
//! soak   mixed concurrent traffic against a sandbox with faults injected, memory watched
//! screenshots  the README's pictures of the main screens, light and dark, in headless Chromium
//!
//! It must never download a tool from anywhere but crates.io, Debian, npm or rustup.

mod bench;
mod crates;
mod deploy;
mod fuzz;
mod procs;
mod screenshots;
mod setup;
mod size;
mod soak;
mod split;

use clap::Parser;
use procs::{cmd, free_port, run, Child};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

type Result<T = ()> = std::result::Result<T, String>;

/// The tasks and flags README.md documents.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", about = "The CAS console's automation (see README.md)")]
enum Task {
    /// Install the pinned toolchain, skipping what is present
    Setup,
    /// The sandbox and the console behind trunk's proxy, at a printed URL
    Demo(DemoArgs),
    /// Every test: native, sandbox over HTTP, the console in headless Chromium through trunk, nginx and Caddy; then the size guard
    Test(TestArgs),
    /// Release build into dist/ with precompressed copies, the size report against the guard, the CSP check, and what each crate weighs
    Dist(DistArgs),
    /// The benchmark of issue 12: first load beside Keycloak's admin console, time to interactive, search, the user page, bulk jobs, a 50,000-entry list
    Bench(bench::BenchArgs),
    /// The README's screenshots: the main screens in light and dark, from the demo's sandbox in headless Chromium, into docs/screenshots/
    Screenshots,
    /// Split the console's wasm into the main module and its chunks (trunk's post_build hook)
    Split,
    /// Every fuzz target (key files, JWKs, JWTs, answers, bulk input and job, the sandbox) for a bounded time each, then the figures
    Fuzz(FuzzArgs),
    /// Mixed concurrent traffic against a sandbox injecting faults: no error beyond the injected ones, memory flat
    Soak(SoakArgs),
}

#[derive(clap::Args)]
struct FuzzArgs {
    /// Seconds per target
    #[arg(long, value_name = "N", default_value_t = fuzz::DEFAULT_SECONDS, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    seconds: u64,
}

#[derive(clap::Args)]
struct SoakArgs {
    /// Seconds of traffic after the warm-up
    #[arg(long, value_name = "N", default_value_t = soak::DEFAULT_SECONDS, value_parser = clap::value_parser!(u64).range(4..=86_400))]
    seconds: u64,
}

#[derive(clap::Args)]
struct DemoArgs {
    /// A real tenant (https://<tenant>.access.securid.com) in place of the sandbox
    #[arg(long, env = "CAS_TENANT", value_name = "URL")]
    tenant: Option<String>,
    /// The tenant's OAuth host, when it is not the tenant's name with `auth` for `access`
    #[arg(long, env = "CAS_AUTH", value_name = "URL")]
    auth: Option<String>,
    /// How many users the sandbox makes up
    #[arg(long, value_name = "N", default_value_t = 500)]
    users: u32,
}

#[derive(clap::Args)]
struct DistArgs {
    /// Skip the per-crate breakdown (it builds the console a second time, with names)
    #[arg(long)]
    no_crates: bool,
}

#[derive(clap::Args)]
struct TestArgs {
    /// Only the native tests (cas-core, cas-sandbox, xtask)
    #[arg(long, conflicts_with_all = ["browser", "deploy", "names"])]
    native: bool,
    /// Only the browser tests (all, or the files named)
    #[arg(long, conflicts_with = "deploy")]
    browser: bool,
    /// Only deploy/'s nginx and Caddy tests
    #[arg(long, conflicts_with = "names")]
    deploy: bool,
    /// Browser test files to run alone, without `.test.mjs`: `cargo xtask test --browser edit search`
    names: Vec<String>,
}

fn main() -> ExitCode {
    let outcome = match Task::parse() {
        Task::Setup => setup::setup().and_then(|_| setup::fuzzing()),
        Task::Demo(args) => demo(args),
        Task::Test(args) => test(args),
        Task::Dist(args) => dist(args),
        Task::Bench(args) => bench::bench(args),
        Task::Screenshots => setup::setup().and_then(|env| screenshots::take(&env)),
        Task::Split => split::post_build(),
        Task::Fuzz(args) => setup::fuzzing().and_then(|()| fuzz::run(args.seconds)),
        Task::Soak(args) => soak::run(args.seconds),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Builds the sandbox (release) and returns its binary.
fn sandbox_binary() -> Result<PathBuf> {
    run(cmd("cargo").args(["build", "--release", "-p", "cas-sandbox", "--bins"]).current_dir(root()))?;
    Ok(root().join("target/release/cas-sandbox"))
}

/// A sandbox on a free port that is started again (same port, same state) whenever it dies:
/// the browser tests kill it in the middle of a job. Its pid is in `<state>/sandbox.pid`.
pub fn start_restarting_sandbox(state_dir: &Path, extra: &[&str]) -> Result<(procs::Restarting, String)> {
    let (first, url) = start_sandbox(state_dir, extra)?;
    let pid_file = state_dir.join("sandbox.pid");
    std::fs::write(&pid_file, first.id().to_string()).map_err(|e| format!("writing {}: {e}", pid_file.display()))?;
    let bin = root().join("target/release/cas-sandbox");
    let listen = url.trim_start_matches("http://").to_string();
    let (state, again): (PathBuf, Vec<String>) = (state_dir.to_path_buf(), extra.iter().filter(|a| **a != "--reset").map(|a| a.to_string()).collect());
    let restart = move || {
        let mut c = cmd(bin.to_str().unwrap_or("cas-sandbox"));
        c.args(["--listen", &listen, "--state-dir"]).arg(&state).args(&again);
        c
    };
    Ok((procs::Restarting::keep(first, restart, "listening on ", pid_file), url))
}

/// A sandbox on a free port; returns it with its base URL.
pub fn start_sandbox(state_dir: &Path, extra: &[&str]) -> Result<(Child, String)> {
    let bin = sandbox_binary()?;
    let mut c = cmd(bin.to_str().unwrap_or("cas-sandbox"));
    c.args(["--listen", "127.0.0.1:0", "--state-dir"]).arg(state_dir).args(extra);
    let (child, url) = Child::spawn_until_line(c, "listening on ")?;
    Ok((child, url.trim().to_string()))
}

/// What a generated trunk config watches.
#[derive(Clone, Copy)]
enum Watch {
    /// Trunk.toml's sources: the demo rebuilds on an edit.
    Sources,
    /// An empty folder: the tests' build must not change under them, and every watch is a
    /// chance for notify's debouncer to panic (trunk has no switch to turn watching off).
    Nothing,
}

/// A trunk config beside the real one, with the proxies pointed at `backends` and every
/// path absolute (trunk resolves paths from the config file's folder).
fn trunk_config(name: &str, api_backend: &str, oauth_backend: &str, dist: &Path, watching: Watch) -> Result<PathBuf> {
    let r = root();
    let dir = r.join("target/xtask");
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let original = std::fs::read_to_string(r.join("Trunk.toml")).map_err(|e| format!("reading Trunk.toml: {e}"))?;
    // Everything before the first proxy entry is kept as is.
    let head = original.split("[[proxy]]").next().unwrap_or("");
    let head = head
        .replace("target = \"index.html\"", &format!("target = \"{}\"", r.join("index.html").display()))
        .replace("dist = \"dist\"", &format!("dist = \"{}\"", dist.display()));
    let watch: Vec<String> = match watching {
        // Trunk.toml's watched paths, made absolute (see the comment there on why not the root).
        Watch::Sources => {
            let line = original.lines().find(|l| l.trim_start().starts_with("watch =")).ok_or("Trunk.toml has no [watch] watch = [...] line")?;
            line.split('"').skip(1).step_by(2).map(|p| format!("\"{}\"", r.join(p).display())).collect()
        }
        Watch::Nothing => {
            let empty = dir.join("unwatched");
            std::fs::create_dir_all(&empty).map_err(|e| format!("creating {}: {e}", empty.display()))?;
            vec![format!("\"{}\"", empty.display())]
        }
    };
    let text = format!(
        "# Generated by cargo xtask from Trunk.toml; do not edit.\n{head}\n[[proxy]]\nbackend = \"{api_backend}\"\n\n[[proxy]]\nbackend = \"{oauth_backend}\"\n\n[watch]\nwatch = [{}]\n",
        watch.join(", ")
    );
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(path)
}

/// The release console served by trunk on a free port, proxying to `sandbox_url`; returns
/// trunk and the console's URL once it answers.
pub fn serve_console(config_name: &str, sandbox_url: &str, dist: &Path) -> Result<(Child, String)> {
    let config = trunk_config(config_name, &format!("{sandbox_url}/AdminInterface/restapi/"), &format!("{sandbox_url}/oauth/"), dist, Watch::Nothing)?;
    let port = free_port()?;
    println!("== console (release build) served by trunk on port {port}");
    let mut t = cmd("trunk");
    t.arg("serve").arg("--config").arg(&config).args(["--offline", "--release", "--port", &port.to_string()]).current_dir(root());
    let mut trunk = Child::spawn(t)?;
    let console = format!("http://127.0.0.1:{port}");
    // The first release build takes minutes on two cores.
    trunk.wait_http(&format!("{console}/"), 900)?;
    Ok((trunk, console))
}

/// `https://acme.access.securid.com` → `https://acme.auth.securid.com` (regional hosts too).
fn auth_host_for(tenant: &str) -> Option<String> {
    let (scheme, rest) = tenant.split_once("://")?;
    let (host, _) = rest.split_once('/').unwrap_or((rest, ""));
    let mut labels: Vec<String> = host.split('.').map(str::to_string).collect();
    let first = labels.get_mut(1)?;
    if !first.starts_with("access") {
        return None;
    }
    *first = first.replacen("access", "auth", 1);
    Some(format!("{scheme}://{}", labels.join(".")))
}

fn demo(args: DemoArgs) -> Result {
    setup::setup()?;
    let port = 8080;
    let r = root();
    if let Some(tenant) = args.tenant {
        let tenant = tenant.trim_end_matches('/').to_string();
        let auth = args
            .auth
            .or_else(|| auth_host_for(&tenant))
            .ok_or("cannot tell the OAuth host from --tenant; give it with --auth https://<tenant>.auth.securid.com")?;
        let config = trunk_config("Trunk-tenant.toml", &format!("{tenant}/AdminInterface/restapi/"), &format!("{}/oauth/", auth.trim_end_matches('/')), &r.join("dist"), Watch::Sources)?;
        println!("Console for {tenant} (OAuth at {auth}) at http://127.0.0.1:{port}/ once trunk has built it. Ctrl-C stops it.");
        return run(cmd("trunk").arg("serve").arg("--config").arg(&config).arg("--offline").current_dir(&r));
    }
    let users = args.users.to_string();
    let state = r.join(".state/demo");
    let bin = sandbox_binary()?;
    let mut c = cmd(bin.to_str().unwrap_or("cas-sandbox"));
    c.args(["--listen", "127.0.0.1:8787", "--users", &users, "--state-dir"]).arg(&state);
    let (_sandbox, url) = Child::spawn_until_line(c, "listening on ")?;
    println!();
    println!("Sandbox at {url}, its credentials in {}:", state.display());
    for f in ["superadmin.key", "helpdesk.key", "oauth-client.json", "oauth-client-limited.json"] {
        println!("  {}", state.join(f).display());
    }
    println!();
    println!("Users to try (search for the part before @), by panel of the user page:");
    for (panel, users) in USERS_TO_TRY {
        println!("  {panel:<34} {users}");
    }
    println!();
    println!("Console at http://127.0.0.1:{port}/ as soon as trunk has built it (first build takes a few minutes).");
    println!("Connect with one of the files above. Ctrl-C stops both.");
    println!();
    run(cmd("trunk").args(["serve", "--offline", "--port", &port.to_string()]).current_dir(&r))
}

/// The sandbox's fixed users (crates/cas-sandbox/README.md) worth opening, panel by panel.
const USERS_TO_TRY: [(&str, &str); 9] = [
    ("Details, markup shown as text", "full.user, markup.user, sparse.user, j.doe"),
    ("Why can't this user sign in?", "admin.disabled, pending.deletion, synced.disabled, sms.locked, high.risk, no.authenticator, token.locked, locked.user (several causes)"),
    ("Sign-in history", "busy.user (over 100 events), sms.locked, no.authenticator, j.doe"),
    ("Authenticators", "full.user (every kind), busy.user (two apps), no.authenticator (none)"),
    ("Locks", "locked.user (all five), full.user, sms.locked, token.locked"),
    ("Emergency access code", "token.locked (active code), locked.user (locked code), j.doe2 (none yet)"),
    ("Synchronization", "directory.reenabled (a sync enables), directory.disabled, directory.removed (a sync disables)"),
    ("Deletion", "mark.candidate (mark, take back), pending.deletion (days left), scim.user (405)"),
    ("Permissions refused", "connect with oauth-client-limited.json, ticking rsa.user.read only"),
];

fn test(args: TestArgs) -> Result {
    let env = setup::setup()?;
    let r = root();
    if args.deploy {
        return deploy::only(&env);
    }
    if !args.browser {
        println!("== native tests (cas-core, cas-sandbox, xtask)");
        run(cmd("cargo").args(["test", "-p", "cas-core", "-p", "cas-sandbox", "-p", "xtask"]).current_dir(&r))?;
        println!("== cas-core builds for wasm32");
        run(cmd("cargo").args(["build", "-p", "cas-core", "--target", "wasm32-unknown-unknown"]).current_dir(&r))?;
        setup::fuzzing()?;
        println!("== short fuzzing pass (`cargo xtask fuzz` for a longer one)");
        fuzz::run(fuzz::SHORT_SECONDS)?;
        println!("== short soak (`cargo xtask soak` for a longer one)");
        soak::run(soak::SHORT_SECONDS)?;
    }
    if args.native {
        return Ok(());
    }
    let files: Vec<String> = args.names.iter().map(|a| format!("{a}.test.mjs")).collect();
    browser_tests(&env, &files)
}

fn browser_tests(env: &setup::Toolchain, files: &[String]) -> Result {
    let r = root();
    let work = r.join("target/e2e");
    let _ = std::fs::remove_dir_all(&work);
    let state = work.join("state");
    let dist = work.join("dist");
    let (_sandbox, sandbox_url) = start_restarting_sandbox(&state, &["--users", "300", "--reset"])?;
    println!("== sandbox at {sandbox_url}");

    let (_trunk, console) = serve_console("Trunk-e2e.toml", &sandbox_url, &dist)?;

    println!("== browser tests through trunk");
    let mut node = cmd("node");
    node.args(["--test", "--test-concurrency=1", "--test-reporter=spec"]);
    if files.is_empty() {
        node.arg(r.join("tests/e2e"));
    } else {
        node.args(files.iter().map(|f| r.join("tests/e2e").join(f)));
    }
    node
        .env("CONSOLE_URL", &console)
        .env("SANDBOX_URL", &sandbox_url)
        .env("STATE_DIR", &state)
        .env("CHROMIUM", &env.chromium)
        .env("NODE_PATH", r.join("tests/e2e/node_modules"));
    let through_trunk = run(&mut node);
    // The same build through deploy/'s nginx and Caddy configs; trunk stops first so that no
    // rebuild changes the files under them.
    drop(_trunk);
    let through_deploy = if files.is_empty() { deploy::browser_tests(env, &dist, true) } else { Ok(()) };
    // The size guard, on the very build just tested (the deploy tests precompressed it as
    // `cargo xtask dist` does): a figure printed, and a failure when over.
    let guard = if files.is_empty() {
        println!("== first-load size guard on the build tested");
        size::guard(&dist)
    } else {
        Ok(())
    };
    let failures: Vec<String> = [through_trunk, through_deploy, guard].into_iter().filter_map(Result::err).collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\nxtask: "))
    }
}

fn dist(args: DistArgs) -> Result {
    setup::setup()?;
    let r = root();
    let dist = r.join("dist");
    run(cmd("trunk").args(["build", "--release", "--offline"]).current_dir(&r))?;
    size::precompress(&dist)?;
    // Over the guard, the CSP check and the breakdown still run: the breakdown is what says
    // where the bytes went.
    let guard = size::guard(&dist);
    deploy::check_dist(&dist)?;
    if !args.no_crates {
        crates::breakdown(&dist)?;
    }
    guard
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(line: &str) -> std::result::Result<Task, clap::Error> {
        Task::try_parse_from(std::iter::once("xtask").chain(line.split_whitespace()))
    }

    #[test]
    fn the_commands_readme_documents_parse() {
        Task::command().debug_assert();
        for line in ["setup", "dist", "dist --no-crates", "bench", "screenshots", "bench --loads 3 --queries 20 --one-each-sample 50 --no-throughput", "demo", "test", "test --native", "test --browser", "test --deploy", "fuzz", "fuzz --seconds 30", "soak", "soak --seconds 60"] {
            assert!(parse(line).is_ok(), "{line}");
        }
        let Ok(Task::Demo(demo)) = parse("demo --tenant https://acme.access.securid.com --auth https://x.example --users 20") else { panic!() };
        assert_eq!((demo.tenant.as_deref(), demo.auth.as_deref(), demo.users), (Some("https://acme.access.securid.com"), Some("https://x.example"), 20));
        let Ok(Task::Fuzz(fuzz)) = parse("fuzz") else { panic!() };
        assert_eq!(fuzz.seconds, fuzz::DEFAULT_SECONDS);
        let Ok(Task::Soak(soak)) = parse("soak --seconds 60") else { panic!() };
        assert_eq!(soak.seconds, 60);
        let Ok(Task::Test(test)) = parse("test --browser edit search") else { panic!() };
        assert!(test.browser && !test.native && !test.deploy);
        assert_eq!(test.names, ["edit", "search"]);
    }

    #[test]
    fn contradictory_test_flags_are_refused() {
        for line in ["test --native --browser", "test --native --deploy", "test --deploy --browser", "test --native edit", "test --deploy edit", "demo --users many", "bench --loads 0", "bench --one-each-sample 1", "frob", "fuzz --seconds 0", "soak --seconds 1", "soak --seconds soon"] {
            assert!(parse(line).is_err(), "{line}");
        }
    }

    #[test]
    fn auth_host_follows_the_tenant() {
        assert_eq!(auth_host_for("https://acme.access.securid.com").as_deref(), Some("https://acme.auth.securid.com"));
        assert_eq!(auth_host_for("https://acme.access-eu.securid.com/").as_deref(), Some("https://acme.auth-eu.securid.com"));
        assert_eq!(auth_host_for("https://example.org"), None);
    }
}
