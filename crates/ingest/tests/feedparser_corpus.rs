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
    // group → (feedparser long, storyweave yields of those, feedparser with body, yields)
    let mut figures: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let mut short = Vec::new();
    for row in &rows {
        let records = read_file(&src.join(&row.path), &ReadOptions::default());
        let yielded = records.iter().filter(|r| r.is_ok()).count();
        let f = figures.entry(group(&row.path)).or_default();
        f[0] += row.long_bodies;
        f[1] += yielded.min(row.long_bodies);
        f[2] += row.bodies;
        f[3] += yielded.min(row.bodies);
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
    println!("group\tfeedparser body>=20\tstoryweave\tfeedparser any body\tstoryweave");
    let mut total = [0; 4];
    for (g, f) in &figures {
        println!("{g}\t{}\t{}\t{}\t{}", f[0], f[1], f[2], f[3]);
        for i in 0..4 {
            total[i] += f[i];
        }
    }
    println!(
        "total\t{}\t{}\t{}\t{}",
        total[0], total[1], total[2], total[3]
    );
    assert!(
        short.is_empty(),
        "{} feeds short:\n{}",
        short.len(),
        short.join("\n")
    );
}
