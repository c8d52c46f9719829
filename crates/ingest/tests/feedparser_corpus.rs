//! feedparser's own test suite (2,242 feeds of every kind a real feed can be) as a regression
//! corpus: storyweave must yield at least every entry with 20 or more characters of body that
//! feedparser finds in each file.
//!
//! The corpus and feedparser's counts are fetched by `scripts/feedparser_corpus.py` into
//! `target/corpora/feedparser` (or `$STORYWEAVE_FEEDPARSER_CORPUS`); this test runs the script
//! when they are absent and skips, saying why, when that fails (offline, no Python).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use storyweave_ingest::{read_file, ReadOptions};

fn corpus_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::env::var_os("STORYWEAVE_FEEDPARSER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/corpora/feedparser"))
}

/// The expected counts, fetching the corpus first when needed.
fn expected(dir: &Path) -> Option<String> {
    let file = dir.join("expected.tsv");
    if !file.exists() {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/feedparser_corpus.py");
        let run = Command::new("python3")
            .arg(&script)
            .arg("--out")
            .arg(dir)
            .status();
        if !matches!(run, Ok(s) if s.success()) {
            eprintln!("skipping: {} failed ({run:?})", script.display());
            return None;
        }
    }
    match std::fs::read_to_string(&file) {
        Ok(text) => Some(text),
        Err(e) => {
            eprintln!("skipping: no feedparser corpus at {} ({e})", file.display());
            None
        }
    }
}

/// One feed's row of `expected.tsv`.
struct Row {
    path: String,
    /// Entries feedparser finds with at least 20 characters of body (as markup).
    long_bodies: usize,
    /// Entries feedparser finds with any body.
    bodies: usize,
    /// Entries with at least 20 characters of body text (tags stripped).
    long_texts: usize,
}

fn rows(tsv: &str) -> Vec<Row> {
    tsv.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let num = |i: usize| cols[i].parse::<usize>().expect("a count");
            Row {
                path: cols[0].to_string(),
                bodies: num(2),
                long_bodies: num(3),
                long_texts: num(4),
            }
        })
        .collect()
}

/// The corpus folder a feed belongs to (`wellformed/rss`, `encoding`, …), for the figures.
fn group(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [_, top @ ("wellformed" | "illformed"), sub, _, ..] => format!("{top}/{sub}"),
        [_, top, ..] => top.to_string(),
        _ => path.to_string(),
    }
}

#[test]
fn storyweave_yields_every_entry_feedparser_finds() {
    let dir = corpus_dir();
    let Some(tsv) = expected(&dir) else { return };
    let src = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.join("tests").is_dir())
        .expect("the unpacked feedparser source");
    let rows = rows(&tsv);
    assert!(rows.len() > 2000, "{} feeds", rows.len());
    // group → feedparser's entries and storyweave's yield (capped at feedparser's, per file)
    // for: text >= 20 chars, body >= 20 chars, any body.
    let mut figures: BTreeMap<String, [usize; 6]> = BTreeMap::new();
    let mut short = Vec::new();
    for row in &rows {
        let records = read_file(&src.join(&row.path), &ReadOptions::default());
        let yielded = records.iter().filter(|r| r.is_ok()).count();
        let f = figures.entry(group(&row.path)).or_default();
        for (i, want) in [row.long_texts, row.long_bodies, row.bodies]
            .into_iter()
            .enumerate()
        {
            f[2 * i] += want;
            f[2 * i + 1] += yielded.min(want);
        }
        if yielded < row.long_bodies {
            let first_error = records.iter().find_map(|r| r.as_ref().err());
            short.push(format!(
                "{}: feedparser {}, storyweave {yielded} ({})",
                row.path,
                row.long_bodies,
                first_error.map_or_else(|| "no error".to_string(), |e| e.reason.clone())
            ));
        }
    }
    println!(
        "| group | text >= 20: feedparser | storyweave | body >= 20: feedparser | storyweave \
         | any body: feedparser | storyweave |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut total = [0; 6];
    for (g, f) in figures.iter().filter(|(_, f)| f[4] > 0) {
        let cells: Vec<String> = f.iter().map(usize::to_string).collect();
        println!("| {g} | {} |", cells.join(" | "));
        for (t, x) in total.iter_mut().zip(f) {
            *t += x;
        }
    }
    let cells: Vec<String> = total.iter().map(usize::to_string).collect();
    println!("| total ({} feeds) | {} |", rows.len(), cells.join(" | "));
    assert!(
        short.is_empty(),
        "{} feeds short:\n{}",
        short.len(),
        short.join("\n")
    );
}
