//! Real web pages that nobody here wrote (`../shared/data/extraction`: news, blogs, guides,
//! shops; mostly German): ingested with the real binary, they must not form stories out of
//! pages that merely share a topic (issue 11). Skipped, with the reason printed, where the
//! data is absent; the model run also needs `STORYWEAVE_TEST_MODEL`.

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Multi-article stories the 472 dev pages may form without the encoder: 2 on 2026-12-02,
/// both true (read by hand), down from 5 (2 true, 3 false) before the undated-page rule and 9
/// (3 true, 6 false) before the evidence gate.
const MAX_MULTI_STORIES: usize = 2;
/// The same with multilingual-e5-small: 2 on 2026-12-02 (both true) since the share rule
/// (`SimilarityConfig::evidence_share`) split Chile/Argentina; 3 before it, 7 (2 true, 5 false) before the undated-page rule and 11 (4 true, 7 false)
/// before the evidence gate (which is off with the encoder by default, see
/// `SimilarityConfig::model_evidence_min`; the undated-page rule is not).
const MAX_MULTI_STORIES_WITH_MODEL: usize = 2;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repo root")
}

/// The pages unpacked into a fresh temporary folder, or `None` with the reason printed.
fn unpack_pages(dir: &Path) -> Option<PathBuf> {
    let tarball = repo_root().join("../shared/data/extraction/pages.dev.tar.gz");
    if !tarball.is_file() {
        eprintln!("skipping: {} is absent", tarball.display());
        return None;
    }
    let status = Command::new("tar").arg("xzf").arg(&tarball).arg("-C").arg(dir).status();
    match status {
        Ok(s) if s.success() => Some(dir.join("pages")),
        other => {
            eprintln!("skipping: could not unpack {} with tar: {other:?}", tarball.display());
            None
        }
    }
}

/// Story id of every page (by file name) after ingesting the pages with `extra` options.
fn stories_of_pages(extra: &[&str]) -> Option<HashMap<String, String>> {
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = unpack_pages(dir.path())?;
    let db = dir.path().join("pages.db");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_storyweave"))
            .env_remove("STORYWEAVE_DB")
            .arg("--db")
            .arg(&db)
            .arg("-q")
            .args(extra)
            .args(args)
            .output()
            .expect("run storyweave")
    };
    let out = run(&["ingest", pages.to_str().expect("utf-8 path")]);
    // Exit 3 = finished with some records skipped: still a complete run.
    assert!(matches!(out.status.code(), Some(0 | 3)), "ingest failed: {}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["export", "--format", "jsonl"]);
    assert!(out.status.success(), "export failed: {}", String::from_utf8_lossy(&out.stderr));
    let mut story_of = HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.trim().is_empty()) {
        let story: Value = serde_json::from_str(line).expect("export line is JSON");
        let id = story["story"]["id"].to_string();
        for a in story["articles"].as_array().into_iter().flatten() {
            let file = a["origin"]["file"].as_str().unwrap_or_default();
            let name = Path::new(file).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            story_of.insert(name, id.clone());
        }
    }
    Some(story_of)
}

/// (page a, page b, status, what they share) of the fixture rows that say something about
/// this run (see the fixture's header for the statuses).
fn page_pairs(with_model: bool) -> Vec<(String, String, String, String)> {
    let path = repo_root().join("tests/fixtures/real_pages/pairs.tsv");
    let text = std::fs::read_to_string(&path).expect("fixture file");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let status = *c.get(if with_model { 3 } else { 2 })?;
            (c.len() >= 5 && status != "-").then(|| (c[0].to_string(), c[1].to_string(), status.to_string(), c[4].to_string()))
        })
        .collect()
}

fn check(extra: &[&str], max_multi: usize) {
    let with_model = !extra.is_empty();
    let Some(story_of) = stories_of_pages(extra) else { return };
    assert!(story_of.len() >= 460, "most of the 472 pages are stored: {}", story_of.len());
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    for s in story_of.values() {
        *sizes.entry(s.as_str()).or_default() += 1;
    }
    let multi = sizes.values().filter(|&&n| n > 1).count();
    eprintln!("{multi} multi-article stories ({} run)", if with_model { "model" } else { "no-model" });
    let mut problems = Vec::new();
    for (a, b, status, what) in page_pairs(with_model) {
        let (Some(sa), Some(sb)) = (story_of.get(&a), story_of.get(&b)) else {
            problems.push(format!("fixture page missing from the store: {a} or {b}"));
            continue;
        };
        match (sa == sb, status.as_str()) {
            (true, "apart") => problems.push(format!("false merge is back: {a} + {b} ({what})")),
            (true, "known") => eprintln!("known false merge, not yet fixed: {a} + {b} ({what})"),
            (false, "known") => eprintln!("known false merge now kept apart (mark it `apart`): {a} + {b}"),
            (false, "together") => problems.push(format!("true story lost: {a} + {b} ({what})")),
            (false, "lost") => eprintln!("known lost story, still apart: {a} + {b} ({what})"),
            (true, "lost") => eprintln!("lost story found again (mark it `together`): {a} + {b}"),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(multi <= max_multi, "{multi} multi-article stories, at most {max_multi} expected");
}

#[test]
fn real_pages_that_share_only_a_topic_stay_apart() {
    check(&[], MAX_MULTI_STORIES);
}

#[test]
fn real_pages_that_share_only_a_topic_stay_apart_with_the_real_model() {
    // Encoding 472 long pages in a debug build takes minutes on two cores: a slow check.
    if std::env::var_os("STORYWEAVE_SLOW_TESTS").is_none() {
        eprintln!("skipping: encodes 472 pages (minutes); run with STORYWEAVE_SLOW_TESTS=1 (scripts/test.sh --slow)");
        return;
    }
    let model = match std::env::var("STORYWEAVE_TEST_MODEL") {
        Ok(p) if Path::new(&p).join("model.safetensors").is_file() => p,
        _ => {
            eprintln!("skipping: set STORYWEAVE_TEST_MODEL to a multilingual-e5-small directory to run this test");
            return;
        }
    };
    check(&["--model", &model], MAX_MULTI_STORIES_WITH_MODEL);
}
