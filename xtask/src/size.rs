//! The first-load guard: every file of dist/ a browser fetches before the first screen, raw,
//! gzip and brotli; and the precompressed `.gz` and `.br` copies that deploy/'s nginx and Caddy
//! configs send in their place, so the figures here are the numbers of bytes a browser is sent.
//!
//! The first load is dist/'s top folder and the split loader the glue imports
//! (`split-<hash>/__wasm_split.js`, see split.rs); the page chunks beside that loader come
//! when a page is opened, and are reported apart.

use crate::Result;
use std::path::Path;

/// The whole console's first load, gzip, at most. Gzip because every browser takes it (brotli
/// only over https); the brotli figure, what today's browsers get, is printed beside it.
pub const GUARD_GZIP: u64 = 350 * 1024;

/// Types a browser gets compressed; the rest are too small or already compressed.
const COMPRESSED: [&str; 5] = [".wasm", ".js", ".css", ".html", ".svg"];

/// The copies written beside each file, as the servers look them up.
const COPIES: [&str; 2] = [".gz", ".br"];

/// Brotli at its best (quality 11), with the largest window a browser accepts (24 bits; the
/// wasm is far smaller, so this only rules out a window too small for a future one).
fn brotli(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 24, size_hint: data.len(), ..Default::default() };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
    Ok(out)
}

/// Zopfli: about 5% smaller than gzip -9 and still plain gzip to every browser.
fn gzip(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    zopfli::compress(zopfli::Options::default(), zopfli::Format::Gzip, data, &mut out)?;
    Ok(out)
}

/// Writes `<file>.gz` (zopfli) and `<file>.br` (brotli 11) beside each such file of `dist`,
/// at the cost of seconds once per build.
pub fn precompress(dist: &Path) -> Result {
    let entries = std::fs::read_dir(dist).map_err(|e| format!("reading {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // The chunks' folder (split.rs) is served the same way.
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        if !path.is_file() || !COMPRESSED.iter().any(|ext| name.ends_with(ext)) {
            continue;
        }
        let data = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        for (ext, compress) in [(".gz", gzip as fn(&[u8]) -> std::io::Result<Vec<u8>>), (".br", brotli)] {
            let packed = compress(&data).map_err(|e| format!("compressing {} to {ext}: {e}", path.display()))?;
            let out = dist.join(format!("{name}{ext}"));
            std::fs::write(&out, packed).map_err(|e| format!("writing {}: {e}", out.display()))?;
        }
    }
    Ok(())
}

/// One file of the first load: its size raw and as each copy.
#[derive(Debug, PartialEq)]
pub struct Row {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// One file's sizes. A file without its copies is an error: the servers would send it
/// uncompressed, and the figures would lie.
fn row(dir: &Path, name: &str, shown: String) -> Result<Row> {
    let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).map_err(|e| format!("{}: {e}; run cargo xtask dist", p.display()));
    let raw = len(&dir.join(name))?;
    let (gzip, brotli) = if COMPRESSED.iter().any(|ext| name.ends_with(ext)) {
        (len(&dir.join(format!("{name}.gz")))?, len(&dir.join(format!("{name}.br")))?)
    } else {
        (raw, raw)
    };
    Ok(Row { name: shown, raw, gzip, brotli })
}

/// The files of `dir` a browser may fetch (not the copies themselves, nor csp.txt, which is
/// for the deployer), sorted by name; and its subfolders.
fn listing(dir: &Path) -> Result<(Vec<String>, Vec<String>)> {
    let (mut files, mut folders) = (Vec::new(), Vec::new());
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if path.is_dir() {
            folders.push(name);
        } else if path.is_file() && !COPIES.iter().any(|c| name.ends_with(c)) && !name.ends_with(".txt") {
            files.push(name);
        }
    }
    files.sort();
    folders.sort();
    Ok((files, folders))
}

/// What a browser fetches before the first screen (dist/'s top folder and the split loader),
/// and what it fetches later, when a page is opened (the page chunks).
pub fn first_load_and_chunks(dist: &Path) -> Result<(Vec<Row>, Vec<Row>)> {
    let (files, folders) = listing(dist)?;
    let mut first: Vec<Row> = files.iter().map(|f| row(dist, f, f.clone())).collect::<Result<_>>()?;
    let mut chunks = Vec::new();
    let split: Vec<&String> = folders.iter().filter(|f| f.starts_with("split-")).collect();
    for folder in &split {
        let dir = dist.join(folder);
        for f in listing(&dir)?.0 {
            let r = row(&dir, &f, format!("{folder}/{f}"))?;
            if f.ends_with(".js") { first.push(r) } else { chunks.push(r) }
        }
    }
    // A half-written build (two builds sharing a folder) can leave an empty wasm that would
    // pass any guard: a first load needs exactly one non-empty main wasm, its glue, and the
    // loader of its one chunk folder.
    let wasm: Vec<&Row> = first.iter().filter(|r| r.name.ends_with(".wasm")).collect();
    let loaders = first.iter().filter(|r| r.name.starts_with("split-")).count();
    if wasm.len() != 1 || wasm[0].raw < 1024 || !first.iter().any(|r| r.name.ends_with(".js") && r.raw > 0) || split.len() != 1 || loaders != 1 {
        return Err(format!(
            "{} does not hold one complete build (main wasm: {wasm:?}, chunk folders: {split:?}); rebuild with cargo xtask dist",
            dist.display()
        ));
    }
    Ok((first, chunks))
}

fn kib(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}

/// Prints a table and returns its totals: raw, gzip, brotli.
fn table(rows: &[Row]) -> (u64, u64, u64) {
    println!("{:<72} {:>10} {:>10} {:>10}", "file", "raw", "gzip", "brotli");
    for r in rows {
        println!("{:<72} {:>10} {:>10} {:>10}", r.name, r.raw, r.gzip, r.brotli);
    }
    let total = |f: fn(&Row) -> u64| rows.iter().map(f).sum::<u64>();
    let totals = (total(|r| r.raw), total(|r| r.gzip), total(|r| r.brotli));
    println!("{:<72} {:>10} {:>10} {:>10}", "total", totals.0, totals.1, totals.2);
    totals
}

/// Prints the tables; an error when the first load is over the guard (the build stays in place).
pub fn guard(dist: &Path) -> Result {
    let (first, chunks) = first_load_and_chunks(dist)?;
    println!("== the first load: what a browser fetches before the connect screen");
    let (raw, gz, br) = table(&first);
    println!("== the page chunks: each fetched when its page is first opened (the console asks for them once the first screen is up)");
    let (craw, cgz, cbr) = table(&chunks);
    println!(
        "first load: {:.1} KiB gzip (guard {:.0} KiB), {:.1} KiB brotli ({:.1} KiB raw); the chunks, later: {:.1} KiB gzip, {:.1} KiB brotli ({:.1} KiB raw)",
        kib(gz),
        kib(GUARD_GZIP),
        kib(br),
        kib(raw),
        kib(cgz),
        kib(cbr),
        kib(craw)
    );
    over_guard(gz)
}

fn over_guard(gz: u64) -> Result {
    if gz > GUARD_GZIP {
        return Err(format!(
            "the first load is {:.1} KiB gzip, over the {:.0} KiB guard: `cargo xtask dist` prints what each crate weighs",
            kib(gz),
            kib(GUARD_GZIP)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-size-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_copies_unpack_to_the_file_and_are_what_the_table_counts() {
        let dist = scratch("copies");
        // Compressible, and big enough to be a wasm here (zopfli takes long on more).
        let wasm: Vec<u8> = (0..2_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        std::fs::write(dist.join("app-0123456789abcdef_bg.wasm"), &wasm).unwrap();
        std::fs::write(dist.join("app-0123456789abcdef.js"), "export function start() { return 1; }\n".repeat(40)).unwrap();
        std::fs::write(dist.join("index.html"), "<!doctype html><title>x</title>").unwrap();
        std::fs::write(dist.join("csp.txt"), "default-src 'self'").unwrap();
        std::fs::write(dist.join("photo.png"), [0u8; 10]).unwrap();
        std::fs::create_dir_all(dist.join("split-0123456789abcdef")).unwrap();
        std::fs::write(dist.join("split-0123456789abcdef/__wasm_split.js"), "export function load() {}\n".repeat(10)).unwrap();
        std::fs::write(dist.join("split-0123456789abcdef/split_page.wasm"), &wasm[..2000]).unwrap();
        precompress(&dist).unwrap();

        let name = dist.join("app-0123456789abcdef_bg.wasm");
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(&std::fs::read(format!("{}.gz", name.display())).unwrap()[..]).read_to_end(&mut unpacked).unwrap();
        assert_eq!(unpacked, wasm);
        let mut unpacked = Vec::new();
        brotli::Decompressor::new(&std::fs::read(format!("{}.br", name.display())).unwrap()[..], 4096).read_to_end(&mut unpacked).unwrap();
        assert_eq!(unpacked, wasm);
        assert!(!dist.join("photo.png.br").exists() && !dist.join("csp.txt.gz").exists());

        let (rows, chunks) = first_load_and_chunks(&dist).unwrap();
        let size = |f: &str| std::fs::metadata(dist.join(f)).unwrap().len();
        assert_eq!(
            rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["app-0123456789abcdef.js", "app-0123456789abcdef_bg.wasm", "index.html", "photo.png", "split-0123456789abcdef/__wasm_split.js"]
        );
        assert_eq!(chunks.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["split-0123456789abcdef/split_page.wasm"]);
        assert_eq!(chunks[0].gzip, size("split-0123456789abcdef/split_page.wasm.gz"));
        let wasm_row = &rows[1];
        assert_eq!((wasm_row.raw, wasm_row.gzip, wasm_row.brotli), (size("app-0123456789abcdef_bg.wasm"), size("app-0123456789abcdef_bg.wasm.gz"), size("app-0123456789abcdef_bg.wasm.br")));
        assert!(wasm_row.brotli < wasm_row.gzip && wasm_row.gzip < wasm_row.raw, "{wasm_row:?}");
        assert_eq!((rows[3].gzip, rows[3].brotli), (10, 10), "a type sent as it is counts raw");

        // A file whose copies are missing would go out uncompressed: no figure for it.
        std::fs::remove_file(dist.join("index.html.br")).unwrap();
        assert!(first_load_and_chunks(&dist).unwrap_err().contains("index.html.br"));
        let _ = std::fs::remove_dir_all(&dist);
    }

    #[test]
    fn an_incomplete_build_has_no_figure() {
        let dist = scratch("incomplete");
        std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(dist.join("app_bg.wasm"), "").unwrap();
        precompress(&dist).unwrap();
        assert!(first_load_and_chunks(&dist).unwrap_err().contains("one complete build"));
        let _ = std::fs::remove_dir_all(&dist);
    }

    #[test]
    fn the_guard_is_350_kib_gzip() {
        assert!(over_guard(350 * 1024).is_ok());
        assert!(over_guard(350 * 1024 + 1).unwrap_err().contains("350 KiB guard"));
    }
}
