//! Start-up: state directory, credentials, users, listener.

use crate::api;
use crate::app::{App, Faults, TenantInfo};
use crate::gen::history::Tenant;
use crate::auth::Auth;
use crate::cli::Args;
use crate::control;
use crate::gen;
use crate::keys;
use crate::store::{parse_users_file, Db, Rec, Users};
use axum::routing::{get, post};
use axum::Router;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// The version of `gen`'s users a state directory holds (meta `generator`); an older one gets
/// a note suggesting `--reset`.
const GENERATOR: &str = "2";

/// A start-up failure: `code` 2 for bad input (arguments, users file), 1 otherwise.
pub struct Failure {
    pub code: i32,
    pub message: String,
}

fn fail(code: i32) -> impl Fn(String) -> Failure {
    move |message| Failure { code, message }
}

const STATE_FILES: [&str; 8] = [
    "sandbox.db", "sandbox.db-wal", "sandbox.db-shm", "superadmin.key", "helpdesk.key", "oauth-client.json",
    "oauth-client-limited.json", "oauth-client-ec.json",
];

fn reset(dir: &Path) -> Result<(), String> {
    for f in STATE_FILES {
        match std::fs::remove_file(dir.join(f)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot remove {}: {e}", dir.join(f).display())),
        }
    }
    Ok(())
}

/// A new state directory is the owner's only (0700); an existing one is left as it is.
fn create_state_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/_sandbox/health", get(control::health))
        .route("/_sandbox/expire-tokens", post(control::expire_tokens))
        .route("/_sandbox/faults", get(control::get_faults).post(control::set_faults))
        .route("/_sandbox/requests", get(control::requests).delete(control::reset_requests))
        .route("/_sandbox/requests/log", get(control::request_log).delete(control::clear_request_log))
        .route("/_sandbox/emergency-config", get(control::get_emergency_config).post(control::set_emergency_config))
        .route("/_sandbox/lock", post(control::lock_methods))
        .merge(api::router(app.clone()))
        .with_state(app)
}

/// Binds with SO_REUSEADDR, so a sandbox killed and restarted on the same port can listen
/// again at once, whatever connections of the old one linger in TIME_WAIT.
fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// Prepares the state and binds; returns once the listener is bound and the files written.
pub async fn start(args: &Args) -> Result<(tokio::net::TcpListener, Arc<App>), Failure> {
    // Read the users file first: a bad one must not touch the state.
    let from_file = match &args.users_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| fail(2)(format!("--users-file {}: {e}", path.display())))?;
            Some(parse_users_file(&text, args.seed).map_err(|e| fail(2)(format!("--users-file {}: {e}", path.display())))?)
        }
        None => None,
    };
    let dir = &args.state_dir;
    create_state_dir(dir).map_err(|e| fail(1)(format!("cannot create --state-dir {}: {e}", dir.display())))?;
    if args.reset {
        reset(dir).map_err(fail(1))?;
    }
    let mut db = Db::open(dir).map_err(fail(1))?;
    let creds = keys::load_or_create(&db, keys::KEY_BITS).map_err(fail(1))?;
    let source = match &args.users_file {
        Some(p) => format!("users-file {}", p.display()),
        None => format!("generated --users {} --seed {}", args.users, args.seed),
    };
    if db.user_count().map_err(fail(1))? == 0 {
        let anchor = crate::clock::day_start(crate::clock::now_ms());
        let new = match from_file {
            Some(list) => list,
            None => {
                let mut list: Vec<_> = gen::fixed(anchor).into_iter().map(|g| g.user).collect();
                list.extend(gen::generate(args.users, args.seed, anchor));
                list
            }
        };
        let recs: Vec<Rec> = new.into_iter().map(Rec::new).collect();
        db.clear_users().map_err(fail(1))?;
        db.clear_events().map_err(fail(1))?;
        db.save_users(recs.iter()).map_err(fail(1))?;
        db.set_meta("users_source", &source).map_err(fail(1))?;
        db.set_meta("generator", GENERATOR).map_err(fail(1))?;
        db.set_meta("seed", &args.seed.to_string()).map_err(fail(1))?;
        db.set_meta("anchor", &anchor.to_string()).map_err(fail(1))?;
        db.set_meta("loaded_at", &crate::clock::now_ms().to_string()).map_err(fail(1))?;
        db.set_meta("tenant_id", &crate::seeded::random_uuid()).map_err(fail(1))?;
    } else if let Ok(Some(previous)) = db.meta("users_source") {
        if previous != source {
            eprintln!("note: {} keeps the users it has ({previous}); pass --reset to load {source}", dir.display());
        }
        if db.meta("generator").ok().flatten().as_deref() != Some(GENERATOR) && args.users_file.is_none() {
            eprintln!("note: {} holds users made by an older sandbox, without sign-in histories or authenticators; pass --reset for them", dir.display());
        }
    }
    let meta_number = |key: &str| db.meta(key).ok().flatten().and_then(|v| v.parse::<i64>().ok());
    let tenant = TenantInfo {
        seed: meta_number("seed").map_or(args.seed, |s| s as u64),
        anchor: meta_number("anchor").unwrap_or_else(|| crate::clock::day_start(crate::clock::now_ms())),
        loaded_at: meta_number("loaded_at").unwrap_or(i64::MIN),
        tenant: Tenant { id: db.meta("tenant_id").ok().flatten().unwrap_or_default(), customer_name: keys::CUSTOMER_NAME.into() },
    };
    let users = Users::new(db.load_users().map_err(fail(1))?);
    let listener = listen(args.listen).map_err(|e| fail(1)(format!("cannot listen on {}: {e}", args.listen)))?;
    let addr = listener.local_addr().map_err(|e| fail(1)(format!("cannot read the bound address: {e}")))?;
    let origin = format!("http://{addr}");
    let host = match addr {
        std::net::SocketAddr::V4(a) => a.ip().to_string(),
        std::net::SocketAddr::V6(a) => format!("[{}]", a.ip()),
    };
    let auth = Auth::new(&creds, &db, &host).map_err(fail(1))?;
    keys::write_files(dir, &creds, &origin).map_err(fail(1))?;
    let faults = Faults { rate_limit: args.rate_limit, latency_ms: args.latency_ms, fail_rate: args.fail_rate, ..Faults::default() };
    let app = Arc::new(App::new(users, db, auth, faults, tenant, args.seed, args.verbose));
    app.maintain();
    Ok((listener, app))
}

pub async fn run(args: Args) -> Result<(), Failure> {
    let (listener, app) = start(&args).await?;
    let addr = listener.local_addr().map_err(|e| fail(1)(e.to_string()))?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{addr}");
        let _ = out.flush();
    }
    if args.exit_on_stdin_eof {
        std::thread::spawn(|| {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            std::process::exit(0);
        });
    }
    axum::serve(listener, router(app)).await.map_err(|e| fail(1)(format!("server error: {e}")))
}
