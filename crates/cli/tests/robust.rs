//! Nothing lost, whatever happens: concurrent writers, interrupted rebuilds, out-of-range
//! dates, missing and unusable stores, missing inputs. Each test reproduces a fault found by
//! trying storyweave as a hostile user would (issue 12), on the real binary.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_storyweave")
}

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(bin()).arg("--db").arg(db).arg("-q").args(args).output().unwrap()
}

/// Synthetic reports: `n` articles, each event reported three times in varied words, so that
/// stories form and merge as in a real stream.
fn write_corpus(path: &Path, prefix: &str, n: usize) {
    let places = ["Ridgeton", "Kalamata", "Porto Alegre", "Altenwerder", "Vladivostok", "Tampere", "Valencia", "Gdansk"];
    let mut lines = Vec::with_capacity(n);
    for i in 0..n {
        let event = i / 3;
        let place = places[event % places.len()];
        let variant = ["reported", "said", "confirmed"][i % 3];
        lines.push(
            json!({
                "id": format!("{prefix}{i}"),
                "lang": "en",
                "title": format!("Event {event} in {place}"),
                "text": format!("Officials {variant} that event number {event} happened in {place} on day {} with {} people and mayor Person{event} attending.", event % 28 + 1, event * 7 + 13),
            })
            .to_string(),
        );
    }
    std::fs::write(path, lines.join("\n")).unwrap();
}

/// Total articles in stories, as `stories --json` lists them.
fn articles_in_stories(db: &Path) -> u64 {
    let out = run(db, &["stories", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["article_count"].as_u64().unwrap()).sum()
}

#[test]
fn regression_two_concurrent_ingests_orphaned_articles() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    write_corpus(&a, "a", 1500);
    write_corpus(&b, "b", 1500);
    let db = dir.path().join("s.db");
    let spawn = |f: &PathBuf| Command::new(bin()).arg("--db").arg(&db).args(["-q", "ingest"]).arg(f).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let (pa, pb) = (spawn(&a), spawn(&b));
    for p in [pa, pb] {
        let out = p.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(articles_in_stories(&db), 3000, "every article of both ingests is in a story");
    // Articles of the same events, ingested by the two processes, share stories: the second
    // writer assigned against the first one's stories.
    let view = run(&db, &["export"]);
    let shared = String::from_utf8_lossy(&view.stdout)
        .lines()
        .filter(|l| l.contains("\"a1\"") && l.contains("\"b1\""))
        .count();
    assert_eq!(shared, 1, "a1 and b1 report the same event");
}

#[test]
fn regression_ingest_during_recluster_orphaned_articles() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    write_corpus(&a, "a", 2000);
    write_corpus(&b, "late", 60);
    let db = dir.path().join("s.db");
    assert!(run(&db, &["ingest", a.to_str().unwrap()]).status.success());
    let recluster = Command::new(bin()).arg("--db").arg(&db).args(["-q", "recluster"]).stderr(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let late = run(&db, &["ingest", b.to_str().unwrap()]);
    assert!(late.status.success(), "{}", String::from_utf8_lossy(&late.stderr));
    let out = recluster.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(articles_in_stories(&db), 2060);
}

#[test]
fn regression_recluster_killed_left_no_stories() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonl");
    write_corpus(&a, "a", 1500);
    let db = dir.path().join("s.db");
    assert!(run(&db, &["ingest", a.to_str().unwrap()]).status.success());
    // Kill at spread-out points of the rebuild (a fixed sequence, so the test is repeatable).
    let mut completed = 0;
    for (i, ms) in [30u64, 150, 400, 800, 1500, 3000].into_iter().enumerate() {
        let mut child = Command::new(bin()).arg("--db").arg(&db).args(["-q", "recluster"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            completed += 1;
        }
        assert_eq!(articles_in_stories(&db), 1500, "after kill {i} at {ms} ms the store holds whole stories");
    }
    // And a later ingest still works on the store.
    let b = dir.path().join("b.jsonl");
    write_corpus(&b, "b", 30);
    assert!(run(&db, &["ingest", b.to_str().unwrap()]).status.success());
    assert_eq!(articles_in_stories(&db), 1530);
    eprintln!("{completed} of 6 rebuilds finished before their kill");
}

#[test]
fn regression_out_of_range_dates_stopped_ingest_for_good() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("dates.jsonl");
    let bad = ["10000-01-01T00:00:00Z", "9999-12-31T23:00:00-12:00", "-62167219201"];
    let mut lines = Vec::new();
    for i in 0..20 {
        let published: Value = match i {
            4 => json!(bad[0]),
            9 => json!(bad[1]),
            14 => json!(-62167219201i64),
            _ => json!("2024-05-01"),
        };
        lines.push(json!({"id": format!("d{i}"), "text": format!("Report {i}: the harbour of Town{i} reopened after repairs costing {} euros.", 1000 + i), "published": published}).to_string());
    }
    std::fs::write(&f, lines.join("\n")).unwrap();
    let db = dir.path().join("s.db");
    let out = run(&db, &["ingest", f.to_str().unwrap(), "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["added"], 20, "{report}");
    assert_eq!(articles_in_stories(&db), 20);
    // `clean` reads the same records the same way.
    let clean = run(&db, &["clean", f.to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&clean.stdout).lines().count(), 20);
}

#[test]
fn read_commands_never_create_or_write_and_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere.db");
    for args in [&["stories"][..], &["story", "s1"], &["export"], &["search", "Putin"]] {
        let out = run(&missing, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no store at") && err.contains("ingest"), "{args:?}: {err}");
        assert!(!missing.exists(), "{args:?} created a store");
    }
    let foreign = dir.path().join("notes.db");
    std::fs::write(&foreign, "plain text, not a database ".repeat(50)).unwrap();
    let out = run(&foreign, &["stories"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a valid storyweave database"));
    // A --db whose parent is a file: one clear sentence, not "File exists" twice.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let f = dir.path().join("one.jsonl");
    write_corpus(&f, "o", 3);
    let out = run(&blocker.join("s.db"), &["ingest", f.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("is a file, not a folder"), "{err}");
    assert_eq!(err.matches("File exists").count(), 0, "{err}");
}

#[test]
fn a_missing_input_path_has_its_own_exit_code_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("one.jsonl");
    write_corpus(&f, "m", 6);
    let db = dir.path().join("s.db");
    let out = run(&db, &["ingest", dir.path().join("missing.jsonl").to_str().unwrap(), f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(articles_in_stories(&db), 6);
    let broken = dir.path().join("broken.jsonl");
    std::fs::write(&broken, "{\"text\": \"A report long enough to keep: the bridge opened.\"}\n{oops\n").unwrap();
    let out = run(&db, &["ingest", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "a skipped record is 3");
}
