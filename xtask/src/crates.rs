//! What each crate weighs in the shipped wasm, printed by `cargo xtask dist`: how the team
//! weighs a dependency before keeping it.
//!
//! The shipped wasm has no names (`strip = true` in `[profile.wasm-release]`, `--strip-debug`
//! for wasm-opt), so the same source is built a second time exactly as trunk builds it
//! (index.html's profile, wasm-bindgen, wasm-opt with index.html's level and flags) but with
//! its function names kept, and each function body is put down to the crate its name says.
//! The bodies are the same code as the shipped ones: the report prints both code sections'
//! sizes to show it.

use crate::procs::{cmd, run};
use crate::{root, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};

/// The profile of the analysis build: index.html's release profile with names kept. Defined
/// here through `--config` rather than in Cargo.toml, as nothing else uses it; its own name
/// keeps its target folder apart, so neither build invalidates the other's.
const PROFILE: &str = "wasm-names";

/// What index.html tells trunk about the console's wasm.
#[derive(Debug, PartialEq)]
struct RustLink {
    profile: String,
    bin: String,
    opt_level: String,
    opt_params: Vec<String>,
}

/// The `<link data-trunk rel="rust" …>` of index.html.
fn rust_link(index_html: &str) -> Result<RustLink> {
    let html = scraper::Html::parse_document(index_html);
    let link = html.select(&crate::deploy::selector("link[data-trunk][rel=rust]")).next().ok_or("index.html has no <link data-trunk rel=\"rust\">")?;
    let get = |name: &str| link.attr(name).map(str::to_string);
    Ok(RustLink {
        profile: get("data-cargo-profile-release").unwrap_or_else(|| "release".into()),
        bin: get("data-bin").ok_or("index.html's rust link names no data-bin")?,
        opt_level: get("data-wasm-opt").unwrap_or_else(|| "0".into()),
        opt_params: get("data-wasm-opt-params").unwrap_or_default().split_whitespace().map(str::to_string).collect(),
    })
}

/// The console's wasm as trunk makes it, names kept; returns its path.
fn build_with_names(link: &RustLink) -> Result<PathBuf> {
    let r = root();
    println!("== the console again, as trunk builds it but with its names kept, for the per-crate breakdown");
    run(cmd("cargo")
        .args(["build", "--target", "wasm32-unknown-unknown", "--bin", &link.bin, "--profile", PROFILE])
        .args(["--config", &format!("profile.{PROFILE}.inherits=\"{}\"", link.profile)])
        .args(["--config", &format!("profile.{PROFILE}.strip=false")])
        .current_dir(&r))?;
    let built = r.join(format!("target/wasm32-unknown-unknown/{PROFILE}/{}.wasm", link.bin));
    let out = r.join("target/xtask/names");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    // As trunk runs it; wasm-bindgen keeps the name section unless told otherwise.
    run(cmd("wasm-bindgen").args(["--target", "web", "--no-typescript", "--out-name", &link.bin, "--out-dir"]).arg(&out).arg(&built))?;
    let bound = out.join(format!("{}_bg.wasm", link.bin));
    let named = out.join("named.wasm");
    // index.html's level and flags, except that the names stay (`--debuginfo`), which
    // `--strip-debug` would drop.
    let params: Vec<&str> = link.opt_params.iter().map(String::as_str).filter(|p| *p != "--strip-debug").collect();
    run(cmd("wasm-opt").arg(format!("-O{}", crate::split::OPT_LEVEL)).args(&params).arg("--debuginfo").arg(&bound).arg("-o").arg(&named))?;
    Ok(named)
}

/// A wasm module's bytes, taken apart.
#[derive(Debug, Default)]
struct Module {
    /// Each defined function's body size, with its name where the name section gives one.
    functions: Vec<(Option<String>, u64)>,
    code_section: u64,
    data_section: u64,
    /// The name section and other custom sections (none of them shipped).
    custom_sections: u64,
    size: u64,
}

fn parse(bytes: &[u8]) -> Result<Module> {
    let err = |e: wasmparser::BinaryReaderError| format!("reading the wasm: {e}");
    let mut m = Module { size: bytes.len() as u64, ..Module::default() };
    let mut imported_functions = 0u32;
    let mut bodies = Vec::new();
    let mut names: HashMap<u32, String> = HashMap::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(err)?;
        let section_len = payload.as_section().map(|(_, range)| range.end - range.start).unwrap_or(0);
        match payload {
            Payload::ImportSection(reader) => {
                for group in reader {
                    imported_functions += match group.map_err(err)? {
                        wasmparser::Imports::Single(_, import) => u32::from(is_function(import.ty)),
                        wasmparser::Imports::Compact1 { items, .. } => {
                            items.into_iter().map(|i| i.map(|i| u32::from(is_function(i.ty)))).sum::<std::result::Result<u32, _>>().map_err(err)?
                        }
                        wasmparser::Imports::Compact2 { ty, names, .. } => if is_function(ty) { names.count() } else { 0 },
                    };
                }
            }
            Payload::CodeSectionStart { .. } => m.code_section = section_len,
            Payload::CodeSectionEntry(body) => bodies.push(body.range().end - body.range().start),
            Payload::DataSection(_) => m.data_section = section_len,
            Payload::CustomSection(custom) => {
                // With its header (an id byte and the length): the shipped module lacks them whole.
                m.custom_sections += 1 + leb128_len(section_len) + section_len;
                if let KnownCustom::Name(reader) = custom.as_known() {
                    for part in reader {
                        if let Name::Function(map) = part.map_err(err)? {
                            for naming in map {
                                let naming = naming.map_err(err)?;
                                names.insert(naming.index, naming.name.to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    m.functions = bodies.into_iter().enumerate().map(|(i, len)| (names.remove(&(imported_functions + i as u32)), len)).collect();
    Ok(m)
}

fn leb128_len(n: u64) -> u64 {
    u64::from((64 - n.leading_zeros()).div_ceil(7).max(1))
}

fn is_function(ty: TypeRef) -> bool {
    matches!(ty, TypeRef::Func(_) | TypeRef::FuncExact(_))
}

/// The group a crate is counted in: Leptos' crates together, and the standard library's.
fn group(krate: &str) -> String {
    match krate {
        // With the crates std brings along from the sysroot (its allocator, its hash map).
        "std" | "core" | "alloc" | "compiler_builtins" | "panic_abort" | "dlmalloc" | "__rustc" | "std_detect" => STD.into(),
        k if k == "leptos" || k.starts_with("leptos_") => "leptos*".into(),
        k => k.into(),
    }
}

/// The crate a function's name puts it in. The linker writes names demangled: a path
/// (`serde_json::de::from_str`), a trait method (`<T as Trait>::f` or `<impl Trait for T>::f`:
/// the impl is T's crate's unless T is the standard library's, a primitive or a generic, when
/// it is the trait's), drop glue (`core::ptr::drop_in_place<T>`: T's), or a name without a
/// path: compiler_builtins' C names, and the shims and exports wasm-bindgen writes.
fn crate_of(name: &str) -> String {
    let demangled = without_disambiguators(&format!("{:#}", rustc_demangle::demangle(name)));
    let path = strip_hash(&demangled);
    if path.contains("byn$") {
        return WASM_OPT.into();
    }
    if let Some(inner) = path.strip_prefix("core::ptr::drop_in_place<").and_then(|rest| rest.get(..matching(rest, '<', '>')?)) {
        return type_crate(inner).unwrap_or_else(|| STD.into());
    }
    if let Some(rest) = path.strip_prefix('<') {
        let Some(end) = matching(rest, '<', '>') else { return OTHER.into() };
        let inner = &rest[..end];
        let (ty, tr) = match inner.strip_prefix("impl ") {
            Some(imp) => match split_top(imp, " for ") {
                Some((tr, ty)) => (ty, Some(tr)),
                None => (imp, None),
            },
            None => match split_top(inner, " as ") {
                Some((ty, tr)) => (ty, Some(tr)),
                None => (inner, None),
            },
        };
        return match (type_crate(ty), tr) {
            (Some(k), _) if k != STD => k,
            (k, Some(tr)) => type_crate(tr).or(k).unwrap_or_else(|| OTHER.into()),
            (k, None) => k.unwrap_or_else(|| STD.into()),
        };
    }
    if path.contains("::") {
        return group(first_segment(path));
    }
    if path == "main" || path.starts_with("mem") || (path.starts_with("__") && !path.starts_with("__wb") && !path.starts_with("__externref")) {
        // rustc's C main, and compiler_builtins' memcpy, memset, __multi3, …
        return STD.into();
    }
    // `__wbindgen_malloc`, `… externref shim`, `Closure(…) -> Externref`, and the exported
    // methods of #[wasm_bindgen] types (`intounderlyingsource_pull`, from wasm-streams).
    WASM_BINDGEN_GLUE.into()
}

const STD: &str = "std/core/alloc";
const OTHER: &str = "(other)";
const WASM_OPT: &str = "(made by wasm-opt: merged or split code)";
const WASM_BINDGEN_GLUE: &str = "(made by wasm-bindgen: shims, exports)";

/// `core[c5930c85a12de822]::fmt` → `core::fmt`: the crate disambiguators of v0 mangling.
fn without_disambiguators(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(']') {
            Some(j) if j > 0 && after[..j].chars().all(|c| c.is_ascii_hexdigit()) => rest = &after[j + 1..],
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `a::b::h0123456789abcdef` → `a::b` (legacy mangling's hash, if demangling left it).
fn strip_hash(path: &str) -> &str {
    match path.rsplit_once("::h") {
        Some((head, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => head,
        _ => path,
    }
}

fn first_segment(path: &str) -> &str {
    let end = path.find([':', '<', '{', '(']).unwrap_or(path.len());
    &path[..end]
}

/// The crate of a type as names spell it; None for primitives and generic parameters.
fn type_crate(ty: &str) -> Option<String> {
    let ty = ty.trim();
    for prefix in ["&mut ", "&", "*const ", "*mut ", "dyn ", "impl ", "[", "("] {
        if let Some(rest) = ty.strip_prefix(prefix) {
            return type_crate(rest);
        }
    }
    if ty.starts_with('<') {
        return Some(crate_of(ty));
    }
    ty.contains("::").then(|| group(first_segment(ty)))
}

/// Where the bracket opened just before `s` closes, in `s`.
fn matching(s: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            if depth == 0 {
                return Some(i);
            }
            depth -= 1;
        }
    }
    None
}

/// `s` split at the first `sep` outside any brackets.
fn split_top<'a>(s: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            _ if depth == 0 && s[i..].starts_with(sep) => return Some((&s[..i], &s[i + sep.len()..])),
            _ => {}
        }
    }
    None
}

/// Bytes per crate, largest first, then the rest of the module: what the code of each crate
/// is, then the data (string constants, tables: no names say whose) and the module's
/// structure (types, imports, exports, section headers).
fn rows(m: &Module) -> Vec<(String, u64, usize)> {
    let mut by_crate: HashMap<String, (u64, usize)> = HashMap::new();
    for (name, len) in &m.functions {
        // wasm-opt names none of the functions it makes.
        let krate = name.as_deref().map(crate_of).unwrap_or_else(|| WASM_OPT.into());
        let e = by_crate.entry(krate).or_default();
        e.0 += len;
        e.1 += 1;
    }
    let mut rows: Vec<(String, u64, usize)> = by_crate.into_iter().map(|(k, (b, n))| (k, b, n)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let bodies: u64 = m.functions.iter().map(|f| f.1).sum();
    let shipped = m.size - m.custom_sections;
    rows.push(("data (constants; no name says whose)".into(), m.data_section, 0));
    rows.push(("module structure (types, imports, exports, …)".into(), shipped - bodies - m.data_section, 0));
    rows
}

/// Builds the named twin of `dist`'s wasm and prints the breakdown.
pub fn breakdown(dist: &Path) -> Result {
    let index = std::fs::read_to_string(root().join("index.html")).map_err(|e| format!("reading index.html: {e}"))?;
    let link = rust_link(&index)?;
    let named_path = build_with_names(&link)?;
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("reading {}: {e}", p.display()));
    let named = parse(&read(&named_path)?)?;
    // What ships: the main module and the page chunks (split.rs), together.
    let (first, chunks) = crate::size::first_load_and_chunks(dist)?;
    let wasm: Vec<&crate::size::Row> = first.iter().chain(&chunks).filter(|r| r.name.ends_with(".wasm")).collect();
    let sum = |f: fn(&crate::size::Row) -> u64| wasm.iter().map(|r| f(r)).sum::<u64>();
    let total = named.size - named.custom_sections;
    println!("== what each crate weighs in the console's code, by the names of a second build of the same source, before it is split");
    println!(
        "   shipped, main module and chunks: {} bytes ({} gzip, {} brotli) in {} modules; the named build without its names: {} bytes, code section {}",
        sum(|r| r.raw),
        sum(|r| r.gzip),
        sum(|r| r.brotli),
        wasm.len(),
        total,
        named.code_section
    );
    println!("   A function counts for the crate that defines it (generic code too, wherever it is used); code inlined into it counts with it.");
    println!("{:<48} {:>10} {:>7} {:>9}", "crate", "bytes", "share", "functions");
    let rows = rows(&named);
    let small: Vec<&(String, u64, usize)> = rows.iter().filter(|r| r.1 < 1024 && r.2 > 0).collect();
    for (krate, bytes, functions) in rows.iter().filter(|r| r.1 >= 1024 || r.2 == 0) {
        let n = if *functions > 0 { functions.to_string() } else { String::new() };
        println!("{krate:<48} {bytes:>10} {:>6.1}% {n:>9}", 100.0 * *bytes as f64 / total as f64);
    }
    if !small.is_empty() {
        let bytes: u64 = small.iter().map(|r| r.1).sum();
        let names: Vec<&str> = small.iter().map(|r| r.0.as_str()).collect();
        println!("{:<48} {bytes:>10} {:>6.1}%   ({})", format!("{} more under 1 KiB each", small.len()), 100.0 * bytes as f64 / total as f64, names.join(", "));
    }
    println!("{:<48} {total:>10} {:>6.1}%", "total", 100.0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_html_tells_how_the_wasm_is_built() {
        let link = rust_link(&std::fs::read_to_string(root().join("index.html")).unwrap()).unwrap();
        assert_eq!(link.bin, "cas-console");
        assert_eq!(link.profile, "wasm-release");
        assert!(link.opt_params.iter().any(|p| p == "--strip-debug"), "{link:?}");
        let html = r#"<link data-trunk rel="css" href="a.css"><link data-trunk rel="rust" data-bin="app" data-wasm-opt="z">"#;
        assert_eq!(rust_link(html).unwrap(), RustLink { profile: "release".into(), bin: "app".into(), opt_level: "z".into(), opt_params: vec![] });
        assert!(rust_link("<link data-trunk rel=css>").is_err());
    }

    #[test]
    fn a_function_goes_to_the_crate_its_name_says() {
        let cases = [
            ("_ZN10serde_json2de10from_trait17h0123456789abcdefE", "serde_json"),
            ("serde_json::de::from_trait::h0123456789abcdef", "serde_json"),
            ("core::fmt::write", "std/core/alloc"),
            ("alloc::raw_vec::RawVec<T,A>::grow_one", "std/core/alloc"),
            ("leptos_dom::helpers::window", "leptos*"),
            ("leptos::mount::mount_to_body", "leptos*"),
            ("reactive_graph::effect::Effect::new::{{closure}}", "reactive_graph"),
            ("<serde_json::de::Deserializer<R> as serde::de::Deserializer>::deserialize_any", "serde_json"),
            ("<alloc::vec::Vec<T> as serde::de::Deserialize>::deserialize", "serde"),
            ("<&T as core::fmt::Debug>::fmt", "std/core/alloc"),
            ("<&cas_core::wire::User as core::fmt::Debug>::fmt", "cas_core"),
            ("<tachys::html::element::HtmlElement<E,At,Ch> as tachys::view::Render>::build", "tachys"),
            ("<[T] as core::fmt::Debug>::fmt", "std/core/alloc"),
            ("<str>::find", "std/core/alloc"),
            ("<cas_console::pages::search::Row>::draw", "cas_console"),
            ("core::ptr::drop_in_place<web_sys::features::gen_Request::Request>", "web_sys"),
            ("core::ptr::drop_in_place<(alloc::string::String,u32)>", "std/core/alloc"),
            ("core::ptr::drop_in_place<core::option::Option<reactive_graph::owner::Owner>>", "std/core/alloc"),
            ("__wbindgen_malloc", WASM_BINDGEN_GLUE),
            ("Ref(String) -> Externref externref shim", WASM_BINDGEN_GLUE),
            ("intounderlyingsource_cancel", WASM_BINDGEN_GLUE),
            ("memcpy", "std/core/alloc"),
            ("__multi3", "std/core/alloc"),
            ("byn$mgfn-shared$core::fmt::write", WASM_OPT),
            ("<core[c5930c85a12de822]::fmt::builders::PadAdapter as core[c5930c85a12de822]::fmt::Write>::write_str", "std/core/alloc"),
            ("dlmalloc[e24a27700634d609]::dlmalloc::Dlmalloc<A>::malloc", "std/core/alloc"),
            ("<impl core::fmt::Debug for cas_core::wire::User>::fmt", "cas_core"),
            ("<impl serde::ser::Serialize for alloc::string::String>::serialize", "serde"),
            ("<impl tachys::html::attribute::Attribute>::build", "tachys"),
            ("reactive_graph::signal::subscriber_traits::<impl reactive_graph::graph::node::ReactiveNode for std::sync::poison::rwlock::RwLock<reactive_graph::graph::sets::SubscriberSet>>::update_if_necessary::h24cd893cb86a1023", "reactive_graph"),
            ("web_sys::features::gen_Event::Event::prevent_default::__wbg_preventDefault_cfb06b02e7406899::he8d281027a39b8cd", "web_sys"),
            ("js_sys::Promise::new", "js_sys"),
        ];
        for (name, krate) in cases {
            assert_eq!(crate_of(name), krate, "{name}");
        }
    }

    #[test]
    fn every_byte_of_a_module_is_counted_once() {
        // Two imports (one a function), two named functions, a data segment, a name section.
        let wasm = wat_module();
        let m = parse(&wasm).unwrap();
        assert_eq!(m.functions, [(Some("cas_core::a".to_string()), 2), (Some("serde::b".to_string()), 4)]);
        assert_eq!((m.code_section, m.data_section), (9, 12));
        // "name" (5), the function names' subsection (2 + 24), the section's own header (2).
        assert_eq!(m.custom_sections, 33);
        let rows = rows(&m);
        assert_eq!(rows[..2], [("serde".to_string(), 4, 1), ("cas_core".to_string(), 2, 1)]);
        assert_eq!(rows.iter().map(|r| r.1).sum::<u64>(), m.size - m.custom_sections);
    }

    /// A tiny module written byte by byte (the wasm binary format, section by section).
    fn wat_module() -> Vec<u8> {
        fn section(id: u8, body: &[u8]) -> Vec<u8> {
            let mut s = vec![id, body.len() as u8];
            s.extend_from_slice(body);
            s
        }
        fn name(s: &str) -> Vec<u8> {
            let mut v = vec![s.len() as u8];
            v.extend_from_slice(s.as_bytes());
            v
        }
        let mut w = b"\0asm\x01\0\0\0".to_vec();
        w.extend(section(1, &[1, 0x60, 0, 0])); // one type: () -> ()
        let mut imports = vec![2];
        imports.extend(name("env"));
        imports.extend(name("f"));
        imports.extend([0, 0]); // a function of type 0
        imports.extend(name("env"));
        imports.extend(name("m"));
        imports.extend([2, 0, 1]); // a memory of one page
        w.extend(section(2, &imports));
        w.extend(section(3, &[2, 0, 0])); // two functions of type 0
        w.extend(section(10, &[2, 2, 0, 0x0b, 4, 0, 0x10, 0, 0x0b])); // `end`; `call 0; end`
        let mut data = vec![1, 0, 0x41, 0, 0x0b, 6];
        data.extend_from_slice(b"hello!");
        w.extend(section(11, &data));
        let mut map = vec![2, 1];
        map.extend(name("cas_core::a"));
        map.push(2);
        map.extend(name("serde::b"));
        let mut names = name("name");
        names.push(1);
        names.push(map.len() as u8);
        names.extend(map);
        w.extend(section(0, &names));
        w
    }
}
