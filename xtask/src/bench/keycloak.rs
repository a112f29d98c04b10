//! Keycloak's admin console, the console operators would otherwise use, measured beside ours
//! from its published npm package.
//!
//! `@keycloak/keycloak-admin-ui` on npm is the library build of the admin console (vite's
//! `build-lib`): `lib/keycloak-admin-ui.js` with its chunks and `lib/keycloak-admin-ui.css`, with
//! react, react-dom, react-router-dom and react-i18next left as imports, and no index.html.
//! The application build Keycloak serves bundles those into its own files. So the bench does
//! what that build does, as little as it can: esbuild (npm, pinned) bundles the whole library
//! (`export *`, so nothing is shaken off) with its dependencies, minified, keeping its lazy
//! chunks lazy; an index.html loads the entry script and the stylesheet. The first load counted
//! is what the browser fetches from that page until the load event: the entry and everything
//! it imports statically. Nothing renders (there is no Keycloak server to sign in to), so no
//! chunk a first screen would load lazily is counted: a lower bound for Keycloak.

use crate::procs::{cmd, run};
use crate::Result;
use std::path::{Path, PathBuf};

/// The package measured, pinned; and the bundler.
pub const PACKAGE: &str = "@keycloak/keycloak-admin-ui";
pub const VERSION: &str = "26.7.4";
const ESBUILD: &str = "0.28.2";

/// The folder nginx serves; built once per version (the package does not change under a pin).
pub fn site(work: &Path) -> Result<PathBuf> {
    let dir = work.join(format!("keycloak-admin-ui-{VERSION}"));
    let site = dir.join("site");
    if site.join("index.html").is_file() {
        println!("== Keycloak's admin console {VERSION}: reusing {}", site.display());
        return Ok(site);
    }
    println!("== Keycloak's admin console: npm install {PACKAGE}@{VERSION}, bundled with esbuild {ESBUILD}");
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let manifest = format!(
        "{{\n  \"name\": \"keycloak-admin-ui-bench\",\n  \"private\": true,\n  \"description\": \"Written by cargo xtask bench.\",\n  \"type\": \"module\",\n  \"dependencies\": {{ \"{PACKAGE}\": \"{VERSION}\", \"esbuild\": \"{ESBUILD}\" }}\n}}\n"
    );
    write(&dir.join("package.json"), &manifest)?;
    run(cmd("npm").args(["install", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(&dir))?;
    write(&dir.join("entry.js"), &format!("export * from \"{PACKAGE}\";\nimport \"{PACKAGE}/styles.css\";\n"))?;
    let _ = std::fs::remove_dir_all(&site);
    let mut esbuild = cmd(&dir.join("node_modules/.bin/esbuild").to_string_lossy());
    esbuild
        .args(["entry.js", "--bundle", "--splitting", "--format=esm", "--minify", "--log-level=warning"])
        .arg(format!("--outdir={}", site.display()))
        .args(["--define:process.env.NODE_ENV=\"production\"", "--entry-names=[name]-[hash]", "--chunk-names=chunk-[hash]", "--asset-names=[name]-[hash]"])
        .args(["svg", "png", "jpg", "gif", "woff", "woff2", "ttf", "eot"].map(|ext| format!("--loader:.{ext}=file")))
        .current_dir(&dir);
    run(&mut esbuild)?;
    let (script, style) = entry_files(&site)?;
    // Keycloak's index.html asks for the package's own icon.
    let icon = dir.join("node_modules").join(PACKAGE).join("lib/favicon.svg");
    std::fs::copy(&icon, site.join("favicon.svg")).map_err(|e| format!("copying {}: {e}", icon.display()))?;
    write(&site.join("index.html"), &index_html(&script, &style))?;
    crate::size::precompress(&site)?;
    Ok(site)
}

/// The entry script and stylesheet esbuild wrote (`entry-<hash>.js`, `entry-<hash>.css`).
fn entry_files(site: &Path) -> Result<(String, String)> {
    let names: Vec<String> = std::fs::read_dir(site)
        .map_err(|e| format!("reading {}: {e}", site.display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let find = |ext: &str| {
        names.iter().find(|n| n.starts_with("entry-") && n.ends_with(ext)).cloned().ok_or(format!("esbuild wrote no entry-*{ext} in {}", site.display()))
    };
    Ok((find(".js")?, find(".css")?))
}

/// The page: what Keycloak's own index.html loads before its first screen: its icon, its
/// stylesheet and its module script (which the real page splits from react and react-dom
/// through an import map; here they are in the bundle, the same bytes in fewer files).
fn index_html(script: &str, style: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"utf-8\">\n    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n    <title>Keycloak Administration Console ({PACKAGE} {VERSION}, bundled by cargo xtask bench)</title>\n    <link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\">\n    <link rel=\"stylesheet\" href=\"/{style}\">\n    <script type=\"module\" src=\"/{script}\"></script>\n  </head>\n  <body>\n    <div id=\"app\"></div>\n  </body>\n</html>\n"
    )
}

/// The versions npm resolved for the dependencies that weigh most, for the report.
pub fn resolved(site: &Path) -> Vec<(String, String)> {
    let modules = site.parent().map(|d| d.join("node_modules")).unwrap_or_default();
    ["react", "react-dom", "@patternfly/react-core", "react-router-dom", "i18next", "esbuild"]
        .iter()
        .filter_map(|name| {
            let text = std::fs::read_to_string(modules.join(name).join("package.json")).ok()?;
            let v: serde_json::Value = serde_json::from_str(&text).ok()?;
            Some((name.to_string(), v.get("version")?.as_str()?.to_string()))
        })
        .collect()
}

fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_the_entry_script_and_stylesheet_and_nothing_inline() {
        let html = index_html("entry-ABC.js", "entry-DEF.css");
        assert!(html.contains("<script type=\"module\" src=\"/entry-ABC.js\"></script>"));
        assert!(html.contains("<link rel=\"stylesheet\" href=\"/entry-DEF.css\">"));
        assert!(html.contains("<link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\">"));
        assert_eq!(html.matches("<script").count(), 1);
    }

    #[test]
    fn the_entry_files_are_found_among_the_chunks() {
        let dir = std::env::temp_dir().join(format!("xtask-keycloak-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["chunk-AAAA.js", "entry-BBBB.js", "entry-CCCC.css", "logo-DDDD.svg"] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        assert_eq!(entry_files(&dir).unwrap(), ("entry-BBBB.js".to_string(), "entry-CCCC.css".to_string()));
        std::fs::remove_file(dir.join("entry-CCCC.css")).unwrap();
        assert!(entry_files(&dir).unwrap_err().contains("entry-*.css"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
