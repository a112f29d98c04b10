//! `cargo xtask screenshots`: the README's pictures of the main screens, light and dark, taken
//! in headless Chromium (tests/e2e/screenshots.mjs drives it) from the demo's sandbox (the
//! same 500 made-up users, in a fresh state of its own, so every run shows the same tenant)
//! and the release console served by trunk, both on free ports: a running `cargo xtask demo`
//! is left alone. The PNGs go to docs/screenshots/.

use crate::procs::{cmd, run};
use crate::{root, serve_console, setup, start_sandbox, Result};

pub fn take(env: &setup::Toolchain) -> Result {
    let r = root();
    let work = r.join("target/screenshots");
    let _ = std::fs::remove_dir_all(&work);
    let state = work.join("state");
    let (_sandbox, sandbox_url) = start_sandbox(&state, &["--users", "500", "--reset"])?;
    let (_trunk, console) = serve_console("Trunk-screenshots.toml", &sandbox_url, &work.join("dist"))?;
    let out = r.join("docs/screenshots");
    std::fs::create_dir_all(&out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    println!("== screenshots of {console} into {}", out.display());
    run(cmd("node")
        .arg(r.join("tests/e2e/screenshots.mjs"))
        .env("CONSOLE_URL", &console)
        .env("SANDBOX_URL", &sandbox_url)
        .env("STATE_DIR", &state)
        .env("CHROMIUM", &env.chromium)
        .env("SCREENSHOT_DIR", &out)
        .env("NODE_PATH", r.join("tests/e2e/node_modules"))
        .current_dir(&r))
}
