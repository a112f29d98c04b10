//! `cargo xtask bench`, second half: the console's bulk high-risk job, driven in headless
//! Chromium (tests/e2e/bench-bulk.mjs) against the bench's 10,000-user sandbox, under a rate
//! limit of 10 requests/s and with none. The figures are the real console's: same release
//! build, same proxy (trunk), same sandbox.

use crate::procs::{cmd, free_port, run, wait_http, Child};
use crate::{root, setup, trunk_config, Result};
use std::path::Path;

pub fn bulk(env: &setup::Toolchain, sandbox_url: &str, state: &Path) -> Result {
    let r = root();
    let dist = r.join("target/bench/dist");
    let config = trunk_config("Trunk-bench.toml", &format!("{sandbox_url}/AdminInterface/restapi/"), &format!("{sandbox_url}/oauth/"), &dist)?;
    let port = free_port()?;
    println!("== console (release build) served by trunk on port {port}");
    let mut t = cmd("trunk");
    t.arg("serve").arg("--config").arg(&config).args(["--offline", "--release", "--port", &port.to_string()]).current_dir(&r);
    let _trunk = Child::spawn(t)?;
    let console = format!("http://127.0.0.1:{port}");
    wait_http(&format!("{console}/"), 900)?;

    println!("== bulk high-risk job in the console (headless Chromium), 10,000 identifiers");
    run(cmd("node")
        .arg(r.join("tests/e2e/bench-bulk.mjs"))
        .env("CONSOLE_URL", &console)
        .env("SANDBOX_URL", sandbox_url)
        .env("STATE_DIR", state)
        .env("CHROMIUM", &env.chromium)
        .env("NODE_PATH", r.join("tests/e2e/node_modules"))
        .current_dir(&r))
}
