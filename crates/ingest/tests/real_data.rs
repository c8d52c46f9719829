//! Reads the real dev data in `../shared` (skipped, with a printed reason, when it is absent):
//! every page of the extraction set must decode, and every record of the JSONL sets must parse.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use storyweave_ingest::{list_inputs, parse_record, read_file, ReadOptions};
use storyweave_model::{Origin, RawBody};

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: {} is absent", dir.display());
        None
    }
}

#[test]
fn every_extraction_page_decodes() {
    let Some(shared) = shared() else { return };
    let tarball = shared.join("data/extraction/pages.dev.tar.gz");
    let dir = tempfile::tempdir().unwrap();
    let untar = Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(dir.path())
        .status();
    if !matches!(untar, Ok(s) if s.success()) {
        println!("skipped: could not unpack {} with tar", tarball.display());
        return;
    }
    let start = Instant::now();
    let inputs: Vec<_> = list_inputs(&[dir.path().to_path_buf()])
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(inputs.len(), 472);
    let (mut bytes, mut replaced) = (0, 0);
    let mut warned = Vec::new();
    for path in &inputs {
        let records = read_file(path, &ReadOptions::default());
        assert_eq!(records.len(), 1);
        let article = records[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
        let RawBody::Html(html) = &article.body else {
            panic!("{} is not HTML", path.display())
        };
        bytes += html.len();
        if !article.warnings.is_empty() {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            warned.push(format!("{name}: {}", article.warnings.join("; ")));
        }
        replaced += usize::from(html.contains('\u{FFFD}'));
    }
    println!(
        "472 pages, {bytes} bytes of text in {:?}; {replaced} with U+FFFD; {} with decoding warnings:\n{}",
        start.elapsed(),
        warned.len(),
        warned.join("\n")
    );
    // Spot-check legacy decoding: these pages are ISO-8859-1 / windows-1252 / GB2312.
    let text = |name: &str| {
        let path = dir.path().join("pages").join(name);
        match read_file(&path, &ReadOptions::default())
            .remove(0)
            .unwrap()
            .body
        {
            RawBody::Html(h) | RawBody::Text(h) => h,
        }
    };
    assert!(text("die-tagespost.de.Demut.html").contains("könnten am Ende mehr"));
    assert!(text("nmb-media.de.ebay.html").contains("Alle Auswählen"));
    assert!(!text("archive.org.he.xinhuanet.com.25340717.html").contains('\u{FFFD}'));
}

#[test]
fn wmt_documents_all_parse() {
    let Some(shared) = shared() else { return };
    let start = Instant::now();
    let records = read_file(
        &shared.join("data/wmt16-enfi/docs.jsonl"),
        &ReadOptions::default(),
    );
    let elapsed = start.elapsed();
    assert_eq!(records.len(), 362);
    for r in &records {
        let a = r.as_ref().unwrap_or_else(|e| panic!("{e}"));
        assert!(a.id.is_some() && a.title.is_some() && a.lang.is_some());
    }
    println!("362 WMT documents in {elapsed:?}");
}

#[test]
fn semeval_pair_articles_parse_as_records() {
    let Some(shared) = shared() else { return };
    let text = std::fs::read_to_string(shared.join("data/semeval2022-t8/pairs.dev.jsonl")).unwrap();
    let mut articles = 0;
    for (i, line) in text.lines().enumerate() {
        let pair: serde_json::Value = serde_json::from_str(line).unwrap();
        for side in ["a", "b"] {
            let origin = Origin {
                file: "pairs.dev.jsonl".into(),
                line: Some(i + 1),
                ..Origin::default()
            };
            let a = parse_record(&pair[side], origin).unwrap_or_else(|e| panic!("{side}: {e}"));
            assert!(a.id.is_some() && a.lang.is_some());
            articles += 1;
        }
    }
    assert_eq!(articles, 2 * 1283);
}
