//! The bench's figures, from the raw samples the scripts in tests/e2e/bench-*.mjs write: one
//! table printed, the same as markdown for BENCHMARKS.md, and everything as JSON.

use super::stats::{summary, Summary};
use crate::Result;
use serde_json::{json, Value};
use std::path::Path;

/// A table, printed aligned or as markdown.
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn text(&self) -> String {
        let cols = self.header.len();
        let width = |i: usize| self.rows.iter().chain(std::iter::once(&self.header)).map(|r| r.get(i).map_or(0, |c| c.chars().count())).max().unwrap_or(0);
        let widths: Vec<usize> = (0..cols).map(width).collect();
        let line = |r: &Vec<String>| {
            let cells: Vec<String> = (0..cols)
                .map(|i| {
                    let c = r.get(i).map(String::as_str).unwrap_or("");
                    // The first column is a name, the others numbers.
                    if i == 0 { format!("{c:<w$}", w = widths[i]) } else { format!("{c:>w$}", w = widths[i]) }
                })
                .collect();
            format!("  {}\n", cells.join("  ").trim_end())
        };
        let mut out = format!("{}\n", self.title);
        out.push_str(&line(&self.header));
        for r in &self.rows {
            out.push_str(&line(r));
        }
        out
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("### {}\n\n| {} |\n|{}|\n", self.title, self.header.join(" | "), self.header.iter().enumerate().map(|(i, _)| if i == 0 { "---" } else { "---:" }).collect::<Vec<_>>().join("|"));
        for r in &self.rows {
            out.push_str(&format!("| {} |\n", r.join(" | ")));
        }
        out
    }
}

/// One file of a first load: its sizes in the folder served, and what the browser was sent.
#[derive(Debug, PartialEq)]
pub struct FileRow {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
    /// Bytes on the wire per load (headers included), over the loads.
    pub sent: Option<Summary>,
    pub encoding: String,
}

/// API answers are no part of a load; everything else the page fetched is.
fn is_api(name: &str) -> bool {
    name.starts_with("AdminInterface/") || name.starts_with("oauth/")
}

/// The files fetched over `runs` (each a list of `{file, transfer, encoding}` under `key`), with
/// their sizes in `dir`: raw, and the `.gz`/`.br` copies nginx sends in their place (a file
/// without copies goes out as it is).
pub fn load_rows(runs: &[Value], key: &str, dir: &Path) -> Result<Vec<FileRow>> {
    let mut names: Vec<String> = Vec::new();
    for run in runs {
        for f in run[key].as_array().into_iter().flatten() {
            let name = f["file"].as_str().unwrap_or_default().to_string();
            if !is_api(&name) && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names.sort();
    let mut rows = Vec::new();
    for name in names {
        let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).ok();
        // nginx answers a path that is no file with index.html (the console's own routes).
        let file = if dir.join(&name).is_file() { name.clone() } else { "index.html".to_string() };
        let raw = len(&dir.join(&file)).ok_or(format!("the browser loaded {name}, and {} has neither it nor index.html", dir.display()))?;
        let gzip = len(&dir.join(format!("{file}.gz"))).unwrap_or(raw);
        let brotli = len(&dir.join(format!("{file}.br"))).unwrap_or(raw);
        let mut sent = Vec::new();
        let mut encoding = String::new();
        for run in runs {
            let of_file: Vec<&Value> = run[key].as_array().into_iter().flatten().filter(|f| f["file"].as_str() == Some(name.as_str())).collect();
            if of_file.is_empty() {
                continue;
            }
            sent.push(of_file.iter().map(|f| f["transfer"].as_f64().unwrap_or(f64::NAN)).sum());
            if encoding.is_empty() {
                encoding = of_file.iter().filter_map(|f| f["encoding"].as_str()).find(|e| !e.is_empty()).unwrap_or("none").to_string();
            }
        }
        let name = if file == name { name } else { format!("{name} (index.html in its place)") };
        rows.push(FileRow { name, raw, gzip, brotli, sent: summary(&sent), encoding });
    }
    Ok(rows)
}

/// Bytes on the wire of whole loads: the sum over files, per load (`+ 0.0`: an empty f64 sum is
/// -0.0, printed "-0").
pub fn sent_per_load(runs: &[Value], key: &str) -> Option<Summary> {
    let totals: Vec<f64> = runs
        .iter()
        .map(|run| run[key].as_array().into_iter().flatten().filter(|f| !is_api(f["file"].as_str().unwrap_or_default())).map(|f| f["transfer"].as_f64().unwrap_or(0.0)).sum::<f64>() + 0.0)
        .collect();
    summary(&totals)
}

pub fn totals(rows: &[FileRow]) -> (u64, u64, u64) {
    rows.iter().fold((0, 0, 0), |(r, g, b), f| (r + f.raw, g + f.gzip, b + f.brotli))
}

fn kib(bytes: f64) -> String {
    format!("{:.1} KiB", bytes / 1024.0)
}

fn spread(s: &Option<Summary>, fmt: impl Fn(f64) -> String) -> String {
    match s {
        Some(s) if s.min == s.max => fmt(s.median),
        Some(s) => format!("{} ({}–{})", fmt(s.median), fmt(s.min), fmt(s.max)),
        None => "—".into(),
    }
}

pub fn load_table(title: String, rows: &[FileRow], sent_total: &Option<Summary>) -> Table {
    let mut out: Vec<Vec<String>> = rows
        .iter()
        .map(|f| vec![f.name.clone(), f.raw.to_string(), f.gzip.to_string(), f.brotli.to_string(), spread(&f.sent, |x| format!("{x:.0}")), f.encoding.clone()])
        .collect();
    let (raw, gzip, brotli) = totals(rows);
    out.push(vec!["total".into(), raw.to_string(), gzip.to_string(), brotli.to_string(), spread(sent_total, |x| format!("{x:.0}")), String::new()]);
    out.push(vec!["total, KiB".into(), kib(raw as f64), kib(gzip as f64), kib(brotli as f64), spread(sent_total, kib), String::new()]);
    Table { title, header: ["file", "raw", "gzip", "brotli", "sent, median (min–max)", "sent as"].map(String::from).to_vec(), rows: out }
}

/// One measured figure of a script: its samples summed up.
#[derive(Debug, PartialEq)]
pub struct Figure {
    pub key: String,
    pub label: String,
    pub unit: String,
    pub percentiles: bool,
    pub summary: Option<Summary>,
}

impl Figure {
    pub fn new(key: &str, label: &str, unit: &str, samples: &[f64], percentiles: bool) -> Figure {
        Figure { key: key.into(), label: label.into(), unit: unit.into(), percentiles, summary: summary(samples) }
    }

    /// The `figures` a script wrote: `{key, label, unit, samples, stats?}`.
    pub fn from_script(v: &Value) -> Vec<Figure> {
        v["figures"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                let samples: Vec<f64> = f["samples"].as_array().into_iter().flatten().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect();
                Figure::new(
                    f["key"].as_str().unwrap_or_default(),
                    f["label"].as_str().unwrap_or_default(),
                    f["unit"].as_str().unwrap_or_default(),
                    &samples,
                    f["stats"].as_str() == Some("percentiles"),
                )
            })
            .collect()
    }

    pub fn json(&self) -> Value {
        let s = self.summary.as_ref();
        json!({
            "key": self.key, "label": self.label, "unit": self.unit, "n": s.map(|s| s.n),
            "median": s.map(|s| s.median), "min": s.map(|s| s.min), "max": s.map(|s| s.max),
            "p50": s.filter(|_| self.percentiles).map(|s| s.p50), "p95": s.filter(|_| self.percentiles).map(|s| s.p95),
        })
    }
}

fn number(x: f64, unit: &str) -> String {
    match unit {
        "ms" | "s" | "MiB" => format!("{x:.1}"),
        "×" => format!("{x:.2}"),
        _ => format!("{x:.0}"),
    }
}

pub fn figure_table(title: &str, figures: &[Figure]) -> Table {
    let rows = figures
        .iter()
        .map(|f| match &f.summary {
            Some(s) => vec![
                f.label.clone(),
                number(if f.percentiles { s.p50 } else { s.median }, &f.unit),
                if f.percentiles { number(s.p95, &f.unit) } else { "-".into() },
                number(s.min, &f.unit),
                number(s.max, &f.unit),
                s.n.to_string(),
                f.unit.clone(),
            ],
            None => vec![f.label.clone(), "no sample".into(), String::new(), String::new(), String::new(), "0".into(), f.unit.clone()],
        })
        .collect();
    Table { title: title.into(), header: ["figure", "median (p50)", "p95", "min", "max", "n", "unit"].map(String::from).to_vec(), rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_counts_each_file_once_per_run_with_its_copies() {
        let dir = std::env::temp_dir().join(format!("xtask-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), vec![b'x'; 1000]).unwrap();
        std::fs::write(dir.join("index.html.gz"), vec![b'x'; 300]).unwrap();
        std::fs::write(dir.join("index.html.br"), vec![b'x'; 200]).unwrap();
        std::fs::write(dir.join("favicon.png"), vec![b'x'; 50]).unwrap();
        let runs = vec![
            json!({"files": [{"file": "index.html", "transfer": 400, "encoding": "br"}, {"file": "favicon.png", "transfer": 150, "encoding": ""},
                              {"file": "AdminInterface/restapi/v1/users/lookup", "transfer": 999}]}),
            json!({"files": [{"file": "index.html", "transfer": 410, "encoding": "br"}]}),
        ];
        let rows = load_rows(&runs, "files", &dir).unwrap();
        assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["favicon.png", "index.html"]);
        assert_eq!((rows[1].raw, rows[1].gzip, rows[1].brotli, rows[1].encoding.as_str()), (1000, 300, 200, "br"));
        assert_eq!((rows[0].gzip, rows[0].brotli, rows[0].encoding.as_str()), (50, 50, "none"), "no copies: sent as it is");
        let s = rows[1].sent.clone().unwrap();
        assert_eq!((s.n, s.min, s.max), (2, 400.0, 410.0));
        assert_eq!(totals(&rows), (1050, 350, 250));
        assert_eq!(sent_per_load(&runs, "files").unwrap().max, 550.0, "the API answer is no part of the load");
        assert_eq!(format!("{:.0}", sent_per_load(&[json!({"files": []})], "files").unwrap().min), "0");
        let fallback = vec![json!({"files": [{"file": "users/x", "transfer": 1}]})];
        assert_eq!(load_rows(&fallback, "files", &dir).unwrap()[0].name, "users/x (index.html in its place)");
        std::fs::remove_file(dir.join("index.html")).unwrap();
        assert!(load_rows(&fallback, "files", &dir).unwrap_err().contains("users/x"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn figures_read_from_a_script_keep_their_percentiles() {
        let v = json!({"figures": [
            {"key": "a", "label": "A", "unit": "ms", "samples": [1.0, 2.0, 3.0], "stats": "percentiles"},
            {"key": "b", "label": "B", "unit": "s", "samples": []},
        ]});
        let f = Figure::from_script(&v);
        assert!(f[0].percentiles && !f[1].percentiles);
        assert_eq!(f[0].summary.as_ref().unwrap().p95, 3.0);
        assert_eq!(f[1].summary, None);
        let t = figure_table("T", &f);
        assert_eq!(t.rows[0], ["A", "2.0", "3.0", "1.0", "3.0", "3", "ms"]);
        assert_eq!(t.rows[1][1], "no sample");
        let t = figure_table("T", &[Figure::new("c", "C", "s", &[2.0], false)]);
        assert_eq!(t.rows[0], ["C", "2.0", "-", "2.0", "2.0", "1", "s"]);
        assert!(t.markdown().starts_with("### T\n\n| figure | median (p50) |"));
        assert_eq!(f[0].json()["p95"], 3.0);
    }
}
