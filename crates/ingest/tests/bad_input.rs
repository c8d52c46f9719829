//! Reads the `tests/fixtures/bad_input` folder (plus a generated 20 MB page) and checks that
//! exactly the good records come out and exactly the expected errors are reported.

use std::fs;
use std::path::{Path, PathBuf};
use storyweave_ingest::{list_inputs, read_file, ReadOptions, DEFAULT_MAX_BYTES};
use storyweave_model::RawBody;

/// Size of the generated page: well over the default limit, as the README promises.
const HUGE_PAGE_BYTES: usize = 20 * 1024 * 1024;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bad_input")
}

/// A temporary copy of the fixtures with `huge_page.html` added.
fn prepared_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(fixtures()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let para = "<p>Filler paragraph of a page far too long to be a real article.</p>\n";
    let mut page = String::with_capacity(HUGE_PAGE_BYTES);
    page.push_str("<!DOCTYPE html><html><head><title>Huge</title></head><body>\n");
    while page.len() + para.len() + 15 <= HUGE_PAGE_BYTES {
        page.push_str(para);
    }
    page.push_str("</body></html>\n");
    page.push_str(&" ".repeat(HUGE_PAGE_BYTES - page.len()));
    fs::write(dir.path().join("huge_page.html"), page).unwrap();
    dir
}

/// One line per record: `file ok <id or title>` or `file:line (item n) <kind>`.
fn summary(dir: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    for input in list_inputs(&[dir.to_path_buf()]) {
        let path = input.unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for record in read_file(&path, &ReadOptions::default()) {
            lines.push(match record {
                Ok(a) => {
                    assert_eq!(a.origin.file, path.display().to_string());
                    let label = a.id.clone().or(a.title.clone()).unwrap_or_default();
                    let kind = match a.body {
                        RawBody::Text(_) => "text",
                        RawBody::Html(_) => "html",
                    };
                    let warned = match a.warnings.len() {
                        0 => String::new(),
                        n => format!(" ({n} warning)"),
                    };
                    format!("{name} ok {kind} {label}{warned}")
                }
                Err(e) => {
                    assert_eq!(e.origin.file, path.display().to_string());
                    let mut at = String::new();
                    if let Some(l) = e.origin.line {
                        at.push_str(&format!(":{l}"));
                    }
                    if let Some(i) = e.origin.item {
                        at.push_str(&format!(" item {i}"));
                    }
                    assert!(e.reason.starts_with(e.kind.prefix()), "{e}");
                    format!("{name}{at} err {:?}", e.kind)
                }
            });
        }
    }
    lines
}

#[test]
fn bad_input_folder_yields_exactly_the_good_records_and_the_expected_errors() {
    let dir = prepared_copy();
    let got = summary(dir.path());
    let want = [
        "empty.txt err Empty",
        "feed.xml ok html feed-1",
        "feed.xml item 2 err Feed",
        "feed.xml ok html feed-3",
        "feed.xml ok html feed-4",
        "good_article.txt ok text ",
        "good_legacy_latin1.txt ok text ",
        "good_page.html ok html ",
        "huge_page.html err TooLarge",
        "image_saved_as.html err Binary",
        "invalid_utf8.txt ok text  (1 warning)",
        "records.jsonl ok text r1",
        "records.jsonl ok html 2 (1 warning)",
        "records.jsonl:3 err Json",
        "records.jsonl ok text r4",
    ];
    assert_eq!(got, want);
}

#[test]
fn bad_input_reasons_are_actionable() {
    let dir = prepared_copy();
    let reason = |name: &str| {
        let out = read_file(&dir.path().join(name), &ReadOptions::default());
        out.into_iter().find_map(Result::err).unwrap().reason
    };
    assert_eq!(
        reason("huge_page.html"),
        format!("too large: {HUGE_PAGE_BYTES} bytes (limit {DEFAULT_MAX_BYTES})")
    );
    // Folders skip `.png` files, but a named one is sniffed before its type is checked.
    assert!(reason("image.png").starts_with("binary file (image/png data)"));
    assert!(reason("image_saved_as.html").starts_with("binary file (image/png data)"));
    assert!(reason("records.jsonl").contains("EOF while parsing a string"));
    assert!(reason("feed.xml").starts_with("invalid feed: broken item"));
    assert_eq!(
        reason("empty.txt"),
        "empty: the file holds only white space"
    );
}

#[test]
fn good_records_keep_their_fields() {
    let dir = prepared_copy();
    let records = read_file(&dir.path().join("records.jsonl"), &ReadOptions::default());
    let ok: Vec<_> = records.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(
        ok[0].published.unwrap().to_rfc3339(),
        "2024-03-05T09:30:00+00:00"
    );
    assert_eq!(ok[0].source.as_deref(), Some("Coastal Courier"));
    // Record 2's date is not a date: dropped, the article kept.
    assert_eq!((ok[1].lang.as_deref(), ok[1].published), (Some("es"), None));
    assert_eq!(ok[2].origin.line, Some(5));

    let feed = read_file(&dir.path().join("feed.xml"), &ReadOptions::default());
    let item3 = feed[2].as_ref().unwrap();
    assert_eq!(
        item3.title.as_deref(),
        Some("School choir wins regional prize")
    );
    assert_eq!(item3.url.as_deref(), Some("https://feed.example/3"));
    assert_eq!(item3.source.as_deref(), Some("Valley Gazette"));
    assert_eq!(item3.lang.as_deref(), Some("en"));
    assert_eq!(item3.origin.item, Some(3));

    // Issue 11: a text that is UTF-8 but for a few bytes is kept, the bytes replaced, and
    // the user told where.
    let mixed = read_file(
        &dir.path().join("invalid_utf8.txt"),
        &ReadOptions::default(),
    );
    let mixed = mixed[0].as_ref().unwrap();
    assert_eq!(
        mixed.warnings,
        ["4 byte sequence(s) not valid UTF-8 replaced by U+FFFD (first at byte 79)"]
    );
    let RawBody::Text(text) = &mixed.body else {
        panic!("text body")
    };
    assert!(text.starts_with("Die Brücke über den Fluss"), "{text}");
    assert_eq!(text.matches('\u{FFFD}').count(), 4, "{text}");

    let legacy = read_file(
        &dir.path().join("good_legacy_latin1.txt"),
        &ReadOptions::default(),
    );
    let RawBody::Text(text) = &legacy[0].as_ref().unwrap().body else {
        panic!("text body")
    };
    assert!(
        text.starts_with("Neues Hallenbad in Oberau eröffnet"),
        "{text}"
    );
    assert!(
        text.contains("zwölf Millionen Euro investiert; für Schüler"),
        "{text}"
    );
}
