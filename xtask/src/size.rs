//! The first-load budget: every file of dist/ a browser fetches, raw and gzip; and the
//! precompressed `.gz` copies that deploy/'s nginx and Caddy configs send in their place, so
//! the gzip figure here is the number of bytes a browser is sent.

use crate::Result;
use std::io::Write;
use std::path::Path;

/// The whole console's first load, gzip, at most.
pub const BUDGET_GZIP: u64 = 200 * 1024;

fn gzip_len(data: &[u8]) -> u64 {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = enc.write_all(data);
    enc.finish().map(|v| v.len() as u64).unwrap_or(u64::MAX)
}

/// Types a browser gets compressed; the rest are too small or already compressed.
const COMPRESSED: [&str; 5] = [".wasm", ".js", ".css", ".html", ".svg"];

/// Writes `<file>.gz` beside each such file of `dist`, with zopfli: about 5% smaller than
/// gzip -9 and still plain gzip to every browser, at the cost of seconds once per build.
pub fn precompress(dist: &Path) -> Result {
    let entries = std::fs::read_dir(dist).map_err(|e| format!("reading {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !path.is_file() || !COMPRESSED.iter().any(|ext| name.ends_with(ext)) {
            continue;
        }
        let data = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let mut gz = Vec::new();
        zopfli::compress(zopfli::Options::default(), zopfli::Format::Gzip, &data[..], &mut gz)
            .map_err(|e| format!("compressing {}: {e}", path.display()))?;
        let out = dist.join(format!("{name}.gz"));
        std::fs::write(&out, gz).map_err(|e| format!("writing {}: {e}", out.display()))?;
    }
    Ok(())
}

/// Prints the table; an error when the first load is over budget (the build stays in place).
pub fn budget(dist: &Path) -> Result {
    let gz = report(dist)?;
    if gz > BUDGET_GZIP {
        return Err(format!(
            "the first load is {:.1} KiB gzip, over the {:.0} KiB budget: see ARCHITECTURE.md (Invariants) for where the bytes go",
            gz as f64 / 1024.0,
            BUDGET_GZIP as f64 / 1024.0
        ));
    }
    Ok(())
}

/// Prints the table and returns the gzip total.
fn report(dist: &Path) -> Result<u64> {
    let mut rows = Vec::new();
    let entries = std::fs::read_dir(dist).map_err(|e| format!("reading {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // The copies themselves, and csp.txt (for the deployer, never fetched), are no load.
        if name.ends_with(".gz") || name.ends_with(".txt") {
            continue;
        }
        let data = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        // What the server sends: the precompressed copy where there is one.
        let gz = match std::fs::metadata(dist.join(format!("{name}.gz"))) {
            Ok(m) => m.len(),
            Err(_) => gzip_len(&data),
        };
        rows.push((name, data.len() as u64, gz));
    }
    rows.sort();
    println!("{:<48} {:>12} {:>12}", "file", "bytes", "gzip");
    for (name, raw, gz) in &rows {
        println!("{name:<48} {raw:>12} {gz:>12}");
    }
    // A half-written build (two builds sharing a folder) can leave an empty wasm that would
    // pass any budget: a first load needs exactly one non-empty wasm and its glue.
    let wasm: Vec<_> = rows.iter().filter(|r| r.0.ends_with(".wasm")).collect();
    if wasm.len() != 1 || wasm[0].1 < 1024 || !rows.iter().any(|r| r.0.ends_with(".js") && r.1 > 0) {
        return Err(format!("{} does not hold one complete build (wasm files: {:?}); rebuild with cargo xtask dist", dist.display(), wasm));
    }
    let raw: u64 = rows.iter().map(|r| r.1).sum();
    let gz: u64 = rows.iter().map(|r| r.2).sum();
    println!("{:<48} {raw:>12} {gz:>12}", "total");
    println!("first load: {:.1} KiB gzip of a {:.0} KiB budget", gz as f64 / 1024.0, BUDGET_GZIP as f64 / 1024.0);
    Ok(gz)
}
