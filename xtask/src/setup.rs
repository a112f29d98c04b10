//! `cargo xtask setup`: the pinned toolchain, installed through the ordinary clients only
//! (rustup, cargo install, npm, apt-get), each step skipped when already in place.

use crate::procs::{cmd, output, run};
use crate::{root, Result};
use std::path::PathBuf;
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
pub const BINARYEN_VERSION: &str = "132";
// libnginx-mod-http-brotli-static: `brotli_static` in deploy/nginx.conf, to send the `.br` copies.
pub const DEBIAN_PACKAGES: [&str; 5] = ["chromium", "chromium-driver", "nginx", "libnginx-mod-http-brotli-static", "caddy"];

pub struct Toolchain {
    pub chromium: PathBuf,
}

fn home() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/root"))
}

/// Tools that live outside cargo's bin folder, kept per user so fresh clones reuse them.
pub fn tools_dir() -> PathBuf {
    home().join(".local/lib/cas-console-tools")
}

fn binaryen_bin() -> PathBuf {
    tools_dir().join(format!("binaryen-{BINARYEN_VERSION}/node_modules/.bin"))
}

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME").map(PathBuf::from).unwrap_or_else(|| home().join(".cargo")).join("bin")
}

/// PATH with our wasm-opt and cargo-installed tools first, so trunk finds them and never
/// downloads its own.
pub fn tool_path() -> String {
    let old = std::env::var("PATH").unwrap_or_default();
    format!("{}:{}:{old}", binaryen_bin().display(), cargo_bin().display())
}

/// The wasm-bindgen version the console is built with, from Cargo.lock.
pub fn wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock names no wasm-bindgen".into())
}

fn version_of(program: &str) -> Option<String> {
    output(cmd(program).arg("--version")).map(|s| s.trim().to_string())
}

fn step(name: &str, present: bool, install: impl FnOnce() -> Result) -> Result {
    if present {
        println!("setup: {name}: present");
        Ok(())
    } else {
        println!("setup: {name}: installing");
        install()
    }
}

fn as_root(program: &str) -> Command {
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0");
    if is_root {
        cmd(program)
    } else {
        let mut c = cmd("sudo");
        c.arg(program);
        c
    }
}

pub fn setup() -> Result<Toolchain> {
    let r = root();
    let targets = output(cmd("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    step("wasm32-unknown-unknown target", targets.lines().any(|l| l.trim() == "wasm32-unknown-unknown"), || {
        run(cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
    })?;

    step(&format!("trunk {TRUNK_VERSION}"), version_of("trunk").is_some_and(|v| v == format!("trunk {TRUNK_VERSION}")), || {
        run(cmd("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
    })?;

    let wb = wasm_bindgen_version()?;
    let trunk_toml = std::fs::read_to_string(r.join("Trunk.toml")).map_err(|e| format!("reading Trunk.toml: {e}"))?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{wb}\"")) {
        return Err(format!("Cargo.lock has wasm-bindgen {wb} but Trunk.toml's [tools] names another: make them equal"));
    }
    if !trunk_toml.contains(&format!("wasm_opt = \"version_{BINARYEN_VERSION}\"")) {
        return Err(format!("Trunk.toml's [tools] wasm_opt must be \"version_{BINARYEN_VERSION}\", the binaryen setup installs"));
    }
    // wasm-bindgen-cli's own lock file names a crate the registry no longer serves, so it
    // installs without --locked (see ../shared/toolchain-notes.md).
    let have = |p: &str| version_of(p).is_some_and(|v| v.ends_with(&wb));
    step(&format!("wasm-bindgen-cli {wb}"), have("wasm-bindgen") && have("wasm-bindgen-test-runner"), || {
        run(cmd("cargo").args(["install", "wasm-bindgen-cli", "--version", &wb]))
    })?;

    let wasm_opt = binaryen_bin().join("wasm-opt");
    let present = version_of(wasm_opt.to_str().unwrap_or("")).is_some_and(|v| v.contains(&format!("version {BINARYEN_VERSION}")));
    step(&format!("wasm-opt (npm binaryen@{BINARYEN_VERSION})"), present, || {
        let dir = tools_dir().join(format!("binaryen-{BINARYEN_VERSION}"));
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        run(cmd("npm").args(["install", "--no-save", "--no-audit", "--no-fund", "--prefix"]).arg(&dir).arg(format!("binaryen@{BINARYEN_VERSION}")))
    })?;

    let missing: Vec<&str> = DEBIAN_PACKAGES
        .iter()
        .copied()
        .filter(|p| {
            output(cmd("dpkg-query").args(["-W", "-f=${Status}", p])).is_none_or(|s| !s.contains("install ok installed"))
        })
        .collect();
    step(&format!("Debian packages {}", DEBIAN_PACKAGES.join(", ")), missing.is_empty(), || {
        run(as_root("apt-get").arg("update").arg("-q"))?;
        run(as_root("apt-get").args(["install", "-y", "-q", "--no-install-recommends"]).args(&missing).env("DEBIAN_FRONTEND", "noninteractive"))
    })?;

    let e2e = r.join("tests/e2e");
    let lock = e2e.join("package-lock.json");
    let stamp = e2e.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock).and_then(|m| m.modified()), std::fs::metadata(&stamp).and_then(|m| m.modified())) {
        (Ok(l), Ok(s)) => s >= l,
        _ => false,
    };
    step("browser test driver (npm ci in tests/e2e)", fresh, || {
        run(cmd("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&e2e))
    })?;

    Ok(Toolchain { chromium: PathBuf::from("/usr/bin/chromium") })
}

/// The fuzzing tools (`cargo xtask fuzz`, and the short pass of `cargo xtask test`): the dated
/// nightly cargo-fuzz builds with, from rustup with the minimal profile, and cargo-fuzz itself
/// from crates.io. The console never builds with the nightly.
pub fn fuzzing() -> Result {
    use crate::fuzz::{CARGO_FUZZ_VERSION, NIGHTLY};
    let toolchains = output(cmd("rustup").args(["toolchain", "list"])).unwrap_or_default();
    step(&format!("Rust {NIGHTLY} (for cargo-fuzz)"), toolchains.lines().any(|l| l.starts_with(NIGHTLY)), || {
        run(cmd("rustup").args(["toolchain", "install", NIGHTLY, "--profile", "minimal"]))
    })?;
    let present = output(cmd("cargo").args(["fuzz", "--version"])).is_some_and(|v| v.trim() == format!("cargo-fuzz {CARGO_FUZZ_VERSION}"));
    step(&format!("cargo-fuzz {CARGO_FUZZ_VERSION}"), present, || {
        run(cmd("cargo").args(["install", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION, "--locked"]))
    })
}
