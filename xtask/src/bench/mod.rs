//! `cargo xtask bench`, second half: the console's bulk high-risk job, driven in headless
//! Chromium (tests/e2e/bench-bulk.mjs) against the bench's 10,000-user sandbox, under a rate
//! limit of 10 requests/s and with none. The figures are the real console's: same release
//! build, same proxy (trunk), same sandbox.

use crate::procs::{cmd, run};
use crate::{root, serve_console, setup, Result};
use std::path::Path;

pub fn bulk(env: &setup::Toolchain, sandbox_url: &str, state: &Path) -> Result {
    let r = root();
    let dist = r.join("target/bench/dist");
    let (_trunk, console) = serve_console("Trunk-bench.toml", sandbox_url, &dist)?;

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
