//! Scores `HtmlExtractor` on the extraction cases: pooled precision, recall, F1 and pages/s.
//!
//! `cargo run -p storyweave-extract --release --example eval_extraction -- DIR [--worst N] [--show FILE] [--meta OUT.jsonl]
//!  [--halves bench/extraction_halves.tsv [--half A|B]] [--with-title]`
//!
//! `--halves` adds the figures of each half of the pages; `--half` lists only that half's
//! worst pages (to tune on one half and score the other); `--with-title` scores title and
//! text together, as `bench/run.sh extraction` scores `storyweave clean`.
//! where DIR holds `cases.dev.jsonl` and either `pages/` or `pages.dev.tar.gz` (unpacked into a
//! temporary folder with the system `tar`, so no archive crates are needed for an example).

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;
use storyweave_extract::{Extractor, HtmlExtractor};

#[derive(serde::Deserialize)]
struct Case {
    url: String,
    file: String,
    #[serde(default)]
    with: Vec<String>,
    #[serde(default)]
    without: Vec<String>,
}

/// Counts for one page or for the pooled set.
#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fn_: usize,
    fp: usize,
    tn: usize,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fn_ += o.fn_;
        self.fp += o.fp;
        self.tn += o.tn;
    }
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn decode(bytes: &[u8]) -> String {
    // `decode_bytes` is written by the ingest crate; until it handles every charset, fall back
    // to a lossy UTF-8 reading so the evaluation always runs.
    storyweave_ingest::decode_bytes(bytes, None)
        .unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned())
}

fn pages_dir(dir: &Path, _keep: &mut Option<tempfile::TempDir>) -> Result<PathBuf> {
    if dir.join("pages").is_dir() {
        return Ok(dir.to_path_buf());
    }
    let tarball = dir.join("pages.dev.tar.gz");
    if !tarball.is_file() {
        bail!("{} has neither pages/ nor pages.dev.tar.gz", dir.display());
    }
    let tmp = tempfile::tempdir()?;
    let status = std::process::Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(tmp.path())
        .status()
        .context("running tar")?;
    if !status.success() {
        bail!("tar failed on {}", tarball.display());
    }
    let p = tmp.path().to_path_buf();
    *_keep = Some(tmp);
    Ok(p)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        bail!("usage: eval_extraction DIR [--worst N] [--show FILE] [--pages-dir DIR] [--repeat N] [--dump DIR] [--meta OUT.jsonl]");
    };
    let dir = PathBuf::from(dir);
    let mut worst = 0usize;
    let mut show: Option<String> = None;
    let mut repeat = 1usize;
    let mut pages_override: Option<PathBuf> = None;
    let mut dump: Option<PathBuf> = None;
    let mut meta_out: Option<PathBuf> = None;
    let mut halves_path: Option<PathBuf> = None;
    let mut only_half: Option<String> = None;
    let mut with_title = false;
    let mut texts_out: Option<PathBuf> = None;
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--worst" => worst = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(20),
            "--show" => show = args.get(i + 1).cloned(),
            "--repeat" => repeat = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(1),
            "--pages-dir" => pages_override = args.get(i + 1).map(PathBuf::from),
            "--dump" => dump = args.get(i + 1).map(PathBuf::from),
            // One JSON line of metadata per page, for bench/extraction_meta.py.
            "--meta" => meta_out = args.get(i + 1).map(PathBuf::from),
            "--halves" => halves_path = args.get(i + 1).map(PathBuf::from),
            "--half" => only_half = args.get(i + 1).cloned(),
            // One JSON line `{file, title, text}` per page, for bench/extraction_halves.py.
            "--texts" => texts_out = args.get(i + 1).map(PathBuf::from),
            "--with-title" => {
                with_title = true;
                i += 1;
                continue;
            }
            other => bail!("unknown argument {other}"),
        }
        i += 2;
    }
    let cases_text = std::fs::read_to_string(dir.join("cases.dev.jsonl"))
        .with_context(|| format!("reading {}/cases.dev.jsonl", dir.display()))?;
    let cases: Vec<Case> = cases_text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let mut keep = None;
    let root = match pages_override {
        Some(p) => p,
        None => pages_dir(&dir, &mut keep)?,
    };
    let mut pages = Vec::with_capacity(cases.len());
    for c in &cases {
        let bytes = std::fs::read(root.join(&c.file)).with_context(|| format!("reading {}", c.file))?;
        pages.push(decode(&bytes));
    }
    let ex = HtmlExtractor;
    let mut outputs = Vec::new();
    let start = Instant::now();
    for _ in 0..repeat {
        outputs = pages.iter().zip(&cases).map(|(h, c)| ex.extract(h, Some(&c.url))).collect();
    }
    let secs = start.elapsed().as_secs_f64();
    if let Some(d) = &dump {
        std::fs::create_dir_all(d)?;
        for (c, out) in cases.iter().zip(&outputs) {
            let name = c.file.trim_start_matches("pages/");
            std::fs::write(d.join(format!("{name}.txt")), &out.text)?;
        }
    }
    if let Some(path) = &texts_out {
        let lines: String = cases
            .iter()
            .zip(&outputs)
            .map(|(c, out)| serde_json::json!({"file": c.file, "title": out.title, "text": out.text}).to_string() + "\n")
            .collect();
        std::fs::write(path, lines)?;
    }
    if let Some(path) = &meta_out {
        let mut lines = String::new();
        for (c, out) in cases.iter().zip(&outputs) {
            let v = serde_json::json!({
                "file": c.file, "given_url": c.url, "title": out.title, "source": out.source, "url": out.url,
                "published": out.published, "byline": out.byline, "lang": out.lang,
            });
            lines.push_str(&v.to_string());
            lines.push('\n');
        }
        std::fs::write(path, lines)?;
    }
    let halves: std::collections::HashMap<String, String> = match &halves_path {
        Some(p) => std::fs::read_to_string(p)
            .with_context(|| format!("reading {}", p.display()))?
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("file\t"))
            .filter_map(|l| l.split_once('\t').map(|(f, h)| (f.to_string(), h.trim().to_string())))
            .collect(),
        None => Default::default(),
    };
    let mut by_half: std::collections::BTreeMap<String, Counts> = Default::default();
    let mut total = Counts::default();
    let mut per_page = Vec::new();
    for (c, out) in cases.iter().zip(&outputs) {
        let mut k = Counts::default();
        let mut missing = Vec::new();
        let mut extra = Vec::new();
        let scored = match (&out.title, with_title) {
            (Some(t), true) => format!("{t}\n{}", out.text),
            _ => out.text.clone(),
        };
        for w in &c.with {
            if scored.contains(w.as_str()) {
                k.tp += 1;
            } else {
                k.fn_ += 1;
                missing.push(w.clone());
            }
        }
        for w in &c.without {
            if scored.contains(w.as_str()) {
                k.fp += 1;
                extra.push(w.clone());
            } else {
                k.tn += 1;
            }
        }
        total.add(k);
        if let Some(h) = halves.get(&c.file) {
            by_half.entry(h.clone()).or_default().add(k);
        }
        if only_half.as_ref().is_none_or(|h| halves.get(&c.file) == Some(h)) {
            per_page.push((k, c, missing, extra, out));
        }
    }
    let n = pages.len() * repeat;
    println!(
        "pages {}  precision {:.3}  recall {:.3}  F1 {:.3}  ({:.0} pages/s, {:.2} ms/page)",
        pages.len(),
        total.precision(),
        total.recall(),
        total.f1(),
        n as f64 / secs,
        1000.0 * secs / n as f64
    );
    for (h, k) in &by_half {
        println!("  half {h}: precision {:.3}  recall {:.3}  F1 {:.3}", k.precision(), k.recall(), k.f1());
    }
    if worst > 0 {
        per_page.sort_by_key(|(k, ..)| std::cmp::Reverse(k.fn_ + k.fp));
        for (k, c, missing, extra, out) in per_page.iter().take(worst) {
            println!("\n{}  fn {} fp {}  ({} chars)", c.file, k.fn_, k.fp, out.text.chars().count());
            for m in missing {
                println!("   missing: {m}");
            }
            for e in extra {
                println!("   extra:   {e}");
            }
        }
    }
    if let Some(f) = show {
        for (_, c, missing, extra, out) in &per_page {
            if c.file.contains(f.as_str()) {
                println!("== {} title={:?} byline={:?} published={:?} lang={:?}", c.file, out.title, out.byline, out.published, out.lang);
                println!("missing {missing:?}\nextra {extra:?}\n{}", out.text);
            }
        }
    }
    Ok(())
}
