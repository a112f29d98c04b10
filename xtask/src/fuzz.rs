//! `cargo xtask fuzz [--seconds N]`: every fuzz target of `fuzz/` (cargo-fuzz, libFuzzer) for a
//! bounded time each, one after the other, then the figures: executions, executions per second,
//! coverage, corpus. `cargo xtask test` runs a short pass of the same.
//!
//! cargo-fuzz needs a nightly compiler (its `-Zsanitizer` and coverage flags); the console and
//! every other crate stay on stable. `cargo xtask setup` installs the dated nightly below with
//! rustup and cargo-fuzz from crates.io, both pinned. The working corpus, crash artifacts,
//! logs and the build live under `target/fuzz/`; `fuzz/seeds/` holds the committed seeds.

use crate::procs::cmd;
use crate::{root, Result};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

/// The nightly cargo-fuzz builds with: dated, so a fresh machine gets the compiler this was
/// checked with.
pub const NIGHTLY: &str = "nightly-2026-05-20";
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// Every target of fuzz/Cargo.toml, in the order they run.
pub const TARGETS: [&str; 7] = ["keyfile", "jwk", "jwt", "answers", "bulk_input", "bulk_job", "sandbox"];

/// Seconds per target of `cargo xtask fuzz` without `--seconds`.
pub const DEFAULT_SECONDS: u64 = 180;
/// Seconds per target of the short pass in `cargo xtask test`.
pub const SHORT_SECONDS: u64 = 4;

/// The same flags for the build and every run, or `cargo fuzz run` builds again. No sanitizer:
/// the code under test is safe Rust (the C inside, SQLite, is not instrumented by a Rust
/// sanitizer anyway), and ASan would halve the executions; debug assertions and overflow
/// checks stay on, as cargo-fuzz sets them.
const BUILD_FLAGS: [&str; 4] = ["--sanitizer", "none", "--codegen-units", "16"];

fn work() -> PathBuf {
    root().join("target/fuzz")
}

fn cargo_fuzz(sub: &str) -> std::process::Command {
    let mut c = cmd("cargo");
    c.arg(format!("+{NIGHTLY}")).args(["fuzz", sub]).args(BUILD_FLAGS).arg("--target-dir").arg(work().join("build"));
    // `cargo xtask` runs us with cargo's variables for xtask's own package set: they must not
    // leak into the fuzz crate's build.
    for v in ["CARGO_MANIFEST_DIR", "CARGO_PKG_NAME", "CARGO_PRIMARY_PACKAGE", "RUSTUP_TOOLCHAIN", "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS"] {
        c.env_remove(v);
    }
    c.current_dir(root().join("fuzz"));
    c
}

/// What one target did.
#[derive(Debug, Default)]
pub struct Figures {
    pub target: &'static str,
    pub executions: u64,
    pub per_second: u64,
    pub coverage: u64,
    pub corpus: usize,
    pub new_units: u64,
    pub peak_rss_mb: u64,
    pub seconds: f64,
    /// The crash (or leak, timeout, out-of-memory) files libFuzzer wrote.
    pub artifacts: Vec<PathBuf>,
}

/// The value after `key` in libFuzzer's final statistics (`stat::number_of_executed_units: N`).
fn stat(log: &str, key: &str) -> u64 {
    log.lines().filter_map(|l| l.strip_prefix(key)).filter_map(|v| v.trim().parse().ok()).next_back().unwrap_or(0)
}

/// The coverage of the last status line (`#123 NEW cov: 456 ft: ...`).
fn coverage(log: &str) -> u64 {
    log.lines()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().skip_while(|w| *w != "cov:").nth(1))
        .filter_map(|v| v.parse().ok())
        .next_back()
        .unwrap_or(0)
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect()).unwrap_or_default();
    v.sort();
    v
}

fn run_target(target: &'static str, seconds: u64) -> Result<Figures> {
    let w = work();
    let corpus = w.join("corpus").join(target);
    let artifacts = w.join("artifacts").join(target);
    let logs = w.join("logs");
    for d in [&corpus, &artifacts, &logs] {
        std::fs::create_dir_all(d).map_err(|e| format!("creating {}: {e}", d.display()))?;
    }
    let before = files_in(&artifacts);
    let log_path = logs.join(format!("{target}.log"));
    let log = std::fs::File::create(&log_path).map_err(|e| format!("creating {}: {e}", log_path.display()))?;
    // The sandbox target's SQLite store: on tmpfs when there is one (its writes are fsynced).
    let shm = Path::new("/dev/shm");
    let state = if shm.is_dir() { shm.join(format!("cas-fuzz-{}-{target}", std::process::id())) } else { w.join("state").join(target) };
    let _ = std::fs::remove_dir_all(&state);
    let mut c = cargo_fuzz("run");
    c.arg(target).arg(&corpus);
    // Seeds for the targets that read text; the structured ones start from nothing.
    let seeds = root().join("fuzz/seeds").join(target);
    if seeds.is_dir() {
        c.arg(seeds);
    }
    c.arg("--");
    c.arg(format!("-max_total_time={seconds}"))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        // A single input slower than this is a hang: a finding, not a wait.
        .arg("-timeout=20")
        .arg("-print_final_stats=1");
    c.env("CAS_FUZZ_STATE_DIR", &state);
    let log_err = log.try_clone().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let status = c.stdout(Stdio::from(log)).stderr(Stdio::from(log_err)).status().map_err(|e| format!("cannot start cargo fuzz: {e}"))?;
    let seconds_taken = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&state);
    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    let new: Vec<PathBuf> = files_in(&artifacts).into_iter().filter(|a| !before.contains(a)).collect();
    let figures = Figures {
        target,
        executions: stat(&text, "stat::number_of_executed_units:"),
        per_second: stat(&text, "stat::average_exec_per_sec:"),
        coverage: coverage(&text),
        corpus: files_in(&corpus).len(),
        new_units: stat(&text, "stat::new_units_added:"),
        peak_rss_mb: stat(&text, "stat::peak_rss_mb:"),
        seconds: seconds_taken,
        artifacts: new,
    };
    if !status.success() || !figures.artifacts.is_empty() {
        // The panic and the input, as libFuzzer reported them.
        let tail: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        let from = tail.iter().position(|l| l.contains("panicked at") || l.contains("ERROR: libFuzzer")).unwrap_or(tail.len().saturating_sub(30));
        eprintln!("{}", tail[from..].iter().take(40).copied().collect::<Vec<_>>().join("\n"));
        for a in &figures.artifacts {
            eprintln!("fuzz: {target}: input written to {}", a.display());
            eprintln!("fuzz: replay: (cd fuzz && cargo +{NIGHTLY} fuzz run {} {target} {})", BUILD_FLAGS.join(" "), a.display());
        }
        return Err(format!("fuzz target {target} failed ({status}); its log: {}", log_path.display()));
    }
    Ok(figures)
}

fn print(all: &[Figures]) {
    println!("{:<11} {:>12} {:>9} {:>8} {:>8} {:>9} {:>8} {:>7}", "target", "executions", "exec/s", "cov", "corpus", "new", "rss MB", "s");
    for f in all {
        println!(
            "{:<11} {:>12} {:>9} {:>8} {:>8} {:>9} {:>8} {:>7.1}",
            f.target, f.executions, f.per_second, f.coverage, f.corpus, f.new_units, f.peak_rss_mb, f.seconds
        );
    }
    let total: u64 = all.iter().map(|f| f.executions).sum();
    println!("{:<11} {:>12}", "all", total);
}

/// Builds every target, then runs each for `seconds`; a target that finds a crash fails the
/// run, after the others have had their turn.
pub fn run(seconds: u64) -> Result {
    println!("== fuzzing: {} targets, {seconds} s each (cargo-fuzz {CARGO_FUZZ_VERSION}, {NIGHTLY})", TARGETS.len());
    let started = Instant::now();
    crate::procs::run(&mut cargo_fuzz("build"))?;
    println!("fuzz: built in {:.0} s", started.elapsed().as_secs_f64());
    let mut done = Vec::new();
    let mut failures = Vec::new();
    for t in TARGETS {
        match run_target(t, seconds) {
            Ok(f) => done.push(f),
            Err(e) => failures.push(e),
        }
    }
    print(&done);
    println!("fuzz: {:.0} s in all", started.elapsed().as_secs_f64());
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\nxtask: "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzer_figures() {
        let log = "#2\tINITED exec/s: 0 rss: 60Mb\n#1024\tNEW    cov: 311 ft: 400 corp: 12/99b\n#4096\tpulse  cov: 318 ft: 420\nDone 5000 runs in 4 second(s)\nstat::number_of_executed_units: 5000\nstat::average_exec_per_sec:     1250\nstat::new_units_added:          7\nstat::peak_rss_mb:              61\n";
        assert_eq!(stat(log, "stat::number_of_executed_units:"), 5000);
        assert_eq!(stat(log, "stat::average_exec_per_sec:"), 1250);
        assert_eq!(stat(log, "stat::peak_rss_mb:"), 61);
        assert_eq!(coverage(log), 318);
        assert_eq!(stat("", "stat::new_units_added:"), 0);
    }

    #[test]
    fn every_target_has_a_file_and_seeds_or_structure() {
        let manifest = std::fs::read_to_string(root().join("fuzz/Cargo.toml")).unwrap_or_default();
        for t in TARGETS {
            assert!(manifest.contains(&format!("name = \"{t}\"")), "{t} is not in fuzz/Cargo.toml");
            assert!(root().join(format!("fuzz/fuzz_targets/{t}.rs")).is_file(), "{t}");
        }
        assert_eq!(manifest.matches("[[bin]]").count(), TARGETS.len(), "a target of fuzz/Cargo.toml is not run");
    }
}
