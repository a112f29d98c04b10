//! Code splitting: the console's wasm cut into a main module (the shell and the connect
//! screen: the first load) and chunks that load on the way to each page (Leptos 0.8's lazy
//! routes, `#[lazy_route]` in src/pages/), with `wasm_split_cli_support`, the splitter
//! cargo-leptos uses.
//!
//! The split has to happen between cargo and wasm-bindgen, where trunk has no step, so
//! Trunk.toml runs this as a post_build hook (`cargo xtask split`) on trunk's staging folder:
//! rustc's output (linked with `--emit-relocs`, see .cargo/config.toml) is split; wasm-bindgen
//! runs on the main module under the name trunk gave the glue, replacing trunk's own output;
//! wasm-opt runs on every module (trunk's own wasm-opt is off in index.html, as it would
//! optimise the unsplit module for nothing); the subresource-integrity hashes trunk wrote into
//! index.html are set to the new files. The chunks and their loader go in `split-<hash>/`,
//! named by the same hash as the glue, so every build's chunks have addresses of their own
//! and can be cached for a year like trunk's hashed files.

use crate::procs::{cmd, run};
use crate::{root, Result};
use base64::Engine;
use sha2::{Digest, Sha384};
use std::path::{Path, PathBuf};

/// wasm-opt's level for every module (trunk's `data-wasm-opt` is "0": see above). Its other
/// flags come from index.html's `data-wasm-opt-params`.
pub const OPT_LEVEL: &str = "z";

/// What index.html tells about the console's wasm.
pub struct Console {
    pub bin: String,
    /// The cargo profile of a release build.
    pub release_profile: String,
    pub opt_params: Vec<String>,
}

pub fn console(index_html: &str) -> Result<Console> {
    let html = scraper::Html::parse_document(index_html);
    let link = html
        .select(&crate::deploy::selector("link[data-trunk][rel=rust]"))
        .next()
        .ok_or("index.html has no <link data-trunk rel=\"rust\">")?;
    let get = |name: &str| link.attr(name).map(str::to_string);
    Ok(Console {
        bin: get("data-bin").ok_or("index.html's rust link names no data-bin")?,
        release_profile: get("data-cargo-profile-release").unwrap_or_else(|| "release".into()),
        opt_params: get("data-wasm-opt-params").unwrap_or_default().split_whitespace().map(str::to_string).collect(),
    })
}

fn env(name: &str) -> Result<String> {
    std::env::var(name).map_err(|_| format!("{name} is not set: `cargo xtask split` runs as trunk's post_build hook (Trunk.toml)"))
}

/// The post_build hook.
pub fn post_build() -> Result {
    let staging = PathBuf::from(env("TRUNK_STAGING_DIR")?);
    let release = env("TRUNK_PROFILE")? == "release";
    let index_html = std::fs::read_to_string(env("TRUNK_HTML_FILE")?).map_err(|e| format!("reading index.html: {e}"))?;
    let c = console(&index_html)?;
    let profile = if release { c.release_profile.as_str() } else { "debug" };
    let input = root().join(format!("target/wasm32-unknown-unknown/{profile}/{}.wasm", c.bin));
    let name = glue_name(&staging, &c.bin)?;
    println!("xtask split: {} → main module and chunks, as {name}", input.display());
    split(&input, &staging, &name, release.then_some(&c.opt_params[..]))?;
    set_integrity(&staging, &name)
}

/// trunk's name for the glue: `<bin>-<hash>` of `<bin>-<hash>.js` in the staging folder.
fn glue_name(staging: &Path, bin: &str) -> Result<String> {
    let entries = std::fs::read_dir(staging).map_err(|e| format!("reading {}: {e}", staging.display()))?;
    let names: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter_map(|n| n.strip_suffix(".js").filter(|s| s.starts_with(&format!("{bin}-"))).map(str::to_string))
        .collect();
    match names.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!("expected one {bin}-<hash>.js in {}, found {names:?}", staging.display())),
    }
}

/// The folder of a build's chunks and their loader, beside the glue.
pub fn chunk_folder(glue_name: &str) -> String {
    let hash = glue_name.rsplit('-').next().unwrap_or(glue_name);
    format!("split-{hash}")
}

/// Splits `input` into `out`: `<name>.js` and `<name>_bg.wasm` (the main module, through
/// wasm-bindgen), `split-<hash>/` (the loader and the chunks). `opt`: wasm-opt's flags, for a
/// release build.
pub fn split(input: &Path, out: &Path, name: &str, opt: Option<&[String]>) -> Result {
    let wasm = std::fs::read(input).map_err(|e| format!("reading {}: {e}", input.display()))?;
    let folder = chunk_folder(name);
    let work = root().join("target/xtask/split");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("creating {}: {e}", work.display()))?;
    let chunks = out.join(&folder);
    let _ = std::fs::remove_dir_all(&chunks);
    std::fs::create_dir_all(&chunks).map_err(|e| format!("creating {}: {e}", chunks.display()))?;
    let main = work.join("main.wasm");
    // The loader sits in the chunks' folder (it fetches them relative to itself) and imports
    // the glue from the folder above; the main module imports the loader by this path.
    let link_name = format!("./{folder}/__wasm_split.js");
    let main_module = format!("../{name}.js");
    let split = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&wasm);
        opts.output_dir = out;
        opts.main_out_path = &main;
        opts.link_name = &link_name;
        opts.main_module = &main_module;
        opts
    })
    .map_err(|e| format!("splitting {}: {e:#}", input.display()))?;
    for module in &split.split_modules {
        let file = module.file_name().ok_or("a chunk without a file name")?;
        std::fs::rename(module, chunks.join(file)).map_err(|e| format!("moving {}: {e}", module.display()))?;
    }
    run(cmd("wasm-bindgen")
        .args(["--target=web", "--no-typescript", "--keep-lld-exports", &format!("--out-name={name}")])
        .arg(format!("--out-dir={}", out.display()))
        .arg(&main))?;
    if let Some(params) = opt {
        let mut modules = vec![out.join(format!("{name}_bg.wasm"))];
        modules.extend(split.split_modules.iter().filter_map(|m| m.file_name()).map(|f| chunks.join(f)));
        for m in modules {
            run(cmd("wasm-opt").arg(format!("-O{OPT_LEVEL}")).args(params).arg(&m).arg("-o").arg(&m))?;
        }
    }
    Ok(())
}

/// `sha384-…` of a file, as browsers check `integrity`.
fn sri(path: &Path) -> Result<String> {
    let data = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    Ok(format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(&data))))
}

/// trunk wrote index.html's preload links with the integrity of the files it made; the split
/// replaced those files, so their links get the new files' integrity.
fn set_integrity(staging: &Path, name: &str) -> Result {
    let index = staging.join("index.html");
    let mut html = std::fs::read_to_string(&index).map_err(|e| format!("reading {}: {e}", index.display()))?;
    for file in [format!("{name}.js"), format!("{name}_bg.wasm")] {
        let parsed = scraper::Html::parse_document(&html);
        let selector = crate::deploy::selector(&format!("link[href$=\"/{file}\"]"));
        let Some(old) = parsed.select(&selector).next().and_then(|l| l.attr("integrity")).map(str::to_string) else {
            continue;
        };
        let new = sri(&staging.join(&file))?;
        html = html.replace(&old, &new);
    }
    std::fs::write(&index, html).map_err(|e| format!("writing {}: {e}", index.display()))
}
