//! `cargo xtask bench`: what operators feel, measured in one run beside what they would
//! otherwise use, and printed as one table (BENCHMARKS.md keeps the latest).
//!
//! One sandbox with 10,000 users; the console's release build served by nginx with
//! deploy/nginx.conf (only the lines marked EDIT swapped for loopback ones, as the deploy tests
//! do), and Keycloak's admin console from its npm package served by the same config
//! (keycloak.rs). The scripts tests/e2e/bench-*.mjs drive headless Chromium and write raw samples
//! under target/bench/raw/; the medians, percentiles and ratios are computed here (report.rs,
//! stats.rs) and written to target/bench/bench.json and target/bench/report.md.

mod keycloak;
mod report;
mod stats;

use crate::deploy::{start_nginx, Site};
use crate::procs::{cmd, free_port, output, run};
use crate::{root, setup, start_sandbox, trunk_config, Result, Watch};
use report::{figure_table, load_rows, load_table, sent_per_load, totals, Figure, Table};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How many runs each figure gets; the defaults are the (at least 10 loads, 200 queries).
#[derive(clap::Args)]
pub struct BenchArgs {
    /// Loads of each kind (cold, warm) for first load and time to interactive
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100))]
    loads: u32,
    /// Search queries typed
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=2000))]
    queries: u32,
    /// Search queries typed over a slow link (answers 200 ms late), a key every 100 ms
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=500))]
    slow_queries: u32,
    /// Clicks from the search results to a user page
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=500))]
    clicks: u32,
    /// Loads of the 50,000-entry high-risk list
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=50))]
    list_loads: u32,
    /// Runs of each bulk job
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    bulk_runs: u32,
    /// Identifiers sent one per request under the rate limit (all 10,000 take over 1,000 s);
    /// the 10,000 figure is scaled from them
    #[arg(long, value_name = "N", default_value_t = 300, value_parser = clap::value_parser!(u32).range(10..=10000))]
    one_each_sample: u32,
    /// Skip the sandbox's own throughput figures (sandbox-bench) printed first
    #[arg(long)]
    no_throughput: bool,
    /// Only these scripts (load, search, user, highrisk, bulk); the table then holds only their figures
    #[arg(long, value_name = "NAME", value_delimiter = ',', value_parser = ["load", "search", "user", "highrisk", "bulk"])]
    only: Vec<String>,
}

/// A script of tests/e2e and the environment it needs.
struct Script {
    name: &'static str,
    env: Vec<(&'static str, String)>,
}

pub fn bench(args: BenchArgs) -> Result {
    let started = Instant::now();
    // Other work on the machine moves the times: the figures say how busy it was.
    let load_before = loadavg();
    let env = setup::setup()?;
    let r = root();
    let work = r.join("target/bench");
    let raw = work.join("raw");
    let state = work.join("state");
    let _ = std::fs::remove_dir_all(&raw);
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&raw).map_err(|e| format!("creating {}: {e}", raw.display()))?;

    let dist = console_build(&work)?;
    let keycloak_site = keycloak::site(&work)?;

    let (_sandbox, sandbox_url) = start_sandbox(&state, &["--users", "10000", "--reset"])?;
    if !args.no_throughput {
        println!("== sandbox throughput, 10,000 users ({sandbox_url})");
        run(cmd(&r.join("target/release/sandbox-bench").to_string_lossy())
            .args(["--url", &sandbox_url, "--seconds", "10", "--state-dir"])
            .arg(&state)
            .current_dir(&r))?;
    }
    let console = start_nginx(&work.join("nginx-console"), &Site { port: free_port()?, http_port: free_port()? }, &dist, &sandbox_url)?;
    let keycloak = start_nginx(&work.join("nginx-keycloak"), &Site { port: free_port()?, http_port: free_port()? }, &keycloak_site, &sandbox_url)?;
    println!("== console at {} and Keycloak's admin console at {}, both through deploy/nginx.conf", console.url, keycloak.url);

    let scripts = [
        Script { name: "load", env: vec![("RUNS", args.loads.to_string()), ("KEYCLOAK_URL", keycloak.url.clone())] },
        Script { name: "search", env: vec![("QUERIES", args.queries.to_string()), ("SLOW_QUERIES", args.slow_queries.to_string())] },
        Script { name: "user", env: vec![("CLICKS", args.clicks.to_string())] },
        Script { name: "highrisk", env: vec![("RUNS", args.list_loads.to_string())] },
        Script { name: "bulk", env: vec![("RUNS", args.bulk_runs.to_string()), ("SAMPLE", args.one_each_sample.to_string())] },
    ];
    let mut failures = Vec::new();
    for s in scripts.iter().filter(|s| args.only.is_empty() || args.only.iter().any(|o| o == s.name)) {
        println!("== tests/e2e/bench-{}.mjs", s.name);
        let t = Instant::now();
        let mut node = cmd("node");
        node.arg(r.join(format!("tests/e2e/bench-{}.mjs", s.name)))
            .env("CONSOLE_URL", &console.url)
            .env("SANDBOX_URL", &sandbox_url)
            .env("STATE_DIR", &state)
            .env("CHROMIUM", &env.chromium)
            .env("NODE_PATH", r.join("tests/e2e/node_modules"))
            .env("BENCH_OUT", raw.join(format!("{}.json", s.name)))
            .envs(s.env.iter().map(|(k, v)| (k, v)))
            .current_dir(&r);
        match run(&mut node) {
            Ok(()) => println!("   ({:.0} s)", t.elapsed().as_secs_f64()),
            Err(e) => failures.push(format!("bench-{}.mjs: {e}", s.name)),
        }
    }
    drop((console, keycloak));

    let mut meta = machine(started.elapsed().as_secs_f64(), &args, &keycloak_site);
    meta["loadavg"] = json!({ "start": load_before, "end": loadavg() });
    let (tables, out) = report(&raw, &dist, &keycloak_site, meta)?;
    println!();
    for t in &tables {
        println!("{}", t.text());
    }
    let json_file = work.join("bench.json");
    let md_file = work.join("report.md");
    std::fs::write(&json_file, serde_json::to_string_pretty(&out).unwrap_or_default()).map_err(|e| format!("writing {}: {e}", json_file.display()))?;
    let md: String = tables.iter().map(|t| format!("{}\n", t.markdown())).collect();
    std::fs::write(&md_file, md).map_err(|e| format!("writing {}: {e}", md_file.display()))?;
    println!("Written: {} and {} (copy the latter into BENCHMARKS.md). The bench took {:.0} s.", json_file.display(), md_file.display(), started.elapsed().as_secs_f64());
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\nxtask: "))
    }
}

/// The console's release build into target/bench/dist, with the `.gz`/`.br` copies
/// `cargo xtask dist` writes beside each file (and deploy/'s configs send).
fn console_build(work: &Path) -> Result<PathBuf> {
    let dist = work.join("dist");
    let _ = std::fs::remove_dir_all(&dist);
    // The proxies of this config are never used: trunk only builds; nginx serves.
    let config = trunk_config("Trunk-bench.toml", "http://127.0.0.1:9/AdminInterface/restapi/", "http://127.0.0.1:9/oauth/", &dist, Watch::Nothing)?;
    println!("== console release build into {}", dist.display());
    run(cmd("trunk").arg("build").arg("--config").arg(&config).args(["--offline", "--release"]).current_dir(root()))?;
    crate::size::precompress(&dist)?;
    Ok(dist)
}

/// What the figures were measured on, and with what.
fn machine(seconds: f64, args: &BenchArgs, keycloak_site: &Path) -> Value {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram_gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0 / 1024.0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default().lines().find_map(|l| l.strip_prefix("model name")).map(|v| v.trim_start_matches([' ', '\t', ':']).to_string());
    let version = |c: &mut std::process::Command| output(c).map(|s| s.trim().to_string());
    // nginx -v prints to stderr.
    let nginx = std::process::Command::new("nginx").arg("-v").output().ok().map(|o| String::from_utf8_lossy(&o.stderr).trim().to_string());
    json!({
        "cores": cores, "ram_gib": ram_gib, "cpu": cpu,
        "chromium": version(std::process::Command::new("chromium").arg("--version")),
        "nginx": nginx,
        "node": version(std::process::Command::new("node").arg("--version")),
        "keycloak": { "package": keycloak::PACKAGE, "version": keycloak::VERSION, "resolved": keycloak::resolved(keycloak_site) },
        "command": "cargo xtask bench",
        "only": args.only,
        "runs": { "loads": args.loads, "queries": args.queries, "slow_queries": args.slow_queries, "clicks": args.clicks, "list_loads": args.list_loads, "bulk_runs": args.bulk_runs, "one_each_sample": args.one_each_sample },
        "seconds": seconds,
        "debounce_ms": debounce_ms(),
    })
}

/// The 1-minute load average (runnable processes), as /proc/loadavg says.
fn loadavg() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

/// `cas_core::search::DEBOUNCE_MS` as the build measured has it.
fn debounce_ms() -> Option<u64> {
    let text = std::fs::read_to_string(root().join("crates/cas-core/src/search.rs")).ok()?;
    text.lines().find_map(|l| l.trim().strip_prefix("pub const DEBOUNCE_MS: u64 = "))?.trim_end_matches(';').parse().ok()
}

fn read_raw(raw: &Path, name: &str) -> Option<Value> {
    let text = std::fs::read_to_string(raw.join(format!("{name}.json"))).ok()?;
    serde_json::from_str(&text).ok()
}

/// Every table, and the JSON of them all, from what the scripts wrote (a script that failed
/// leaves its rows out).
fn report(raw: &Path, dist: &Path, keycloak_site: &Path, meta: Value) -> Result<(Vec<Table>, Value)> {
    let mut tables = Vec::new();
    let mut out = json!({ "machine": meta });
    let mut figures: Vec<(String, Vec<Figure>)> = Vec::new();

    if let Some(load) = read_raw(raw, "load") {
        let runs = |path: &str| load.pointer(path).and_then(Value::as_array).cloned().unwrap_or_default();
        let (cold, warm, kc) = (runs("/console/cold"), runs("/console/warm"), runs("/keycloak"));
        let ours = load_rows(&cold, "files", dist)?;
        let ours_sent = sent_per_load(&cold, "files");
        tables.push(load_table(format!("First load of the console, cold ({} loads): every file fetched until the connect page accepts a key file", cold.len()), &ours, &ours_sent));
        let after = load_rows(&cold, "connectFiles", dist)?;
        if !after.is_empty() {
            tables.push(load_table("Files the console fetched after the key file, until the search box accepts input (cold)".into(), &after, &sent_per_load(&cold, "connectFiles")));
        }
        let theirs = load_rows(&kc, "files", keycloak_site)?;
        let theirs_sent = sent_per_load(&kc, "files");
        tables.push(load_table(
            format!("First load of Keycloak's admin console ({} {}, bundled as keycloak.rs says), cold ({} loads): every file fetched until the load event", keycloak::PACKAGE, keycloak::VERSION, kc.len()),
            &theirs,
            &theirs_sent,
        ));
        let (a, b) = (totals(&ours), totals(&theirs));
        let ratio = |x: u64, y: u64| if y == 0 { f64::NAN } else { x as f64 / y as f64 };
        let sent_ratio = match (&theirs_sent, &ours_sent) {
            (Some(t), Some(o)) => t.median / o.median,
            _ => f64::NAN,
        };
        let ratios = [("raw", ratio(b.0, a.0)), ("gzip", ratio(b.1, a.1)), ("brotli", ratio(b.2, a.2)), ("sent", sent_ratio)];
        tables.push(Table {
            title: "First load, Keycloak's admin console ÷ the console".into(),
            header: ["measure", "Keycloak", "console", "ratio"].map(String::from).to_vec(),
            rows: vec![
                vec!["raw, bytes".into(), b.0.to_string(), a.0.to_string(), format!("{:.1}×", ratios[0].1)],
                vec!["gzip, bytes".into(), b.1.to_string(), a.1.to_string(), format!("{:.1}×", ratios[1].1)],
                vec!["brotli, bytes".into(), b.2.to_string(), a.2.to_string(), format!("{:.1}×", ratios[2].1)],
                vec![
                    "sent, bytes (median)".into(),
                    theirs_sent.as_ref().map_or("—".into(), |s| format!("{:.0}", s.median)),
                    ours_sent.as_ref().map_or("—".into(), |s| format!("{:.0}", s.median)),
                    format!("{sent_ratio:.1}×"),
                ],
            ],
        });
        let file_json = |rows: &[report::FileRow]| -> Vec<Value> {
            rows.iter().map(|f| json!({"file": f.name, "raw": f.raw, "gzip": f.gzip, "brotli": f.brotli, "sent_median": f.sent.as_ref().map(|s| s.median), "encoding": f.encoding})).collect()
        };
        out["first_load"] = json!({
            "console": { "files": file_json(&ours), "raw": a.0, "gzip": a.1, "brotli": a.2, "sent_median": ours_sent.as_ref().map(|s| s.median) },
            "console_after_key_file": file_json(&after),
            "keycloak": { "files": file_json(&theirs), "raw": b.0, "gzip": b.1, "brotli": b.2, "sent_median": theirs_sent.as_ref().map(|s| s.median) },
            "ratio_keycloak_to_console": ratios.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        });
        let samples = |runs: &[Value], key: &str| runs.iter().map(|r| r[key].as_f64().unwrap_or(f64::NAN)).collect::<Vec<f64>>();
        figures.push((
            "Time to interactive, headless Chromium, nginx with deploy/nginx.conf on loopback".into(),
            vec![
                Figure::new("tti.connect.cold", "navigation → connect page accepts a key file, cold", "ms", &samples(&cold, "load"), false),
                Figure::new("tti.connect.warm", "navigation → connect page accepts a key file, warm", "ms", &samples(&warm, "load"), false),
                Figure::new("tti.search.cold", "key file chosen → search box accepts input, cold", "ms", &samples(&cold, "connect"), false),
                Figure::new("tti.search.warm", "key file chosen → search box accepts input, warm", "ms", &samples(&warm, "connect"), false),
                Figure::new("tti.keycloak.load", "Keycloak's admin console: navigation → load event (its files fetched and run; nothing drawn)", "ms", &samples(&kc, "load"), false),
            ],
        ));
    }
    for (name, title) in [
        ("search", "Search, sandbox with 10,000 users"),
        ("user", "User page"),
        ("highrisk", "High-risk list of 50,000 entries (route-mocked answer)"),
        ("bulk", "Bulk high-risk job of 10,000 identifiers"),
    ] {
        if let Some(v) = read_raw(raw, name) {
            figures.push((title.to_string(), Figure::from_script(&v)));
            out[format!("{name}_counts")] = v.get("counts").cloned().unwrap_or(Value::Null);
        }
    }
    out["figures"] = figures.iter().flat_map(|(_, f)| f.iter().map(Figure::json)).collect();
    let counts: Vec<Vec<String>> = ["search", "highrisk"]
        .iter()
        .filter_map(|n| out[format!("{n}_counts")].as_object().map(|o| (n, o.clone())))
        .flat_map(|(n, o)| o.into_iter().map(move |(k, v)| vec![format!("{n}: {k}"), v.to_string()]))
        .collect();
    for (title, f) in &figures {
        tables.push(figure_table(title, f));
    }
    if !counts.is_empty() {
        tables.push(Table { title: "Counts".into(), header: vec!["what".into(), "count".into()], rows: counts });
    }
    Ok((tables, out))
}
