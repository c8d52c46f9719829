//! Drives the real `storyweave` binary on real inputs: the shared samples, the demo corpus,
//! the bad-input fixtures, and the evaluation commands.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_storyweave"));
    c.env_remove("STORYWEAVE_DB");
    c
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repo root")
}

fn shared_samples() -> Option<PathBuf> {
    let p = repo_root().join("../shared/samples");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

fn run(args: &[&str], db: &Path) -> Output {
    bin().arg("--db").arg(db).args(args).output().expect("run storyweave")
}

fn stdout_json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l}: {e}")))
        .collect()
}

/// Every story with its articles and relations, via `export`.
fn export(db: &Path) -> Vec<Value> {
    let out = run(&["export", "--format", "jsonl"], db);
    assert!(out.status.success(), "export failed: {}", String::from_utf8_lossy(&out.stderr));
    stdout_json_lines(&out)
}

fn file_name(article: &Value) -> String {
    let f = article["origin"]["file"].as_str().unwrap_or_default();
    Path::new(f).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

#[test]
fn samples_make_one_story_with_the_translation_pair() {
    check_samples(&[]);
}

/// The real encoder's directory from `STORYWEAVE_TEST_MODEL`, or `None` with the reason printed.
fn real_model() -> Option<String> {
    match std::env::var("STORYWEAVE_TEST_MODEL") {
        Ok(p) if Path::new(&p).join("model.safetensors").is_file() => Some(p),
        Ok(p) => {
            eprintln!("skipped: STORYWEAVE_TEST_MODEL={p} has no model.safetensors");
            None
        }
        Err(_) => {
            eprintln!("skipped: set STORYWEAVE_TEST_MODEL to a multilingual-e5-small directory to run this test");
            None
        }
    }
}

#[test]
fn samples_make_one_story_with_the_translation_pair_with_the_real_model() {
    let Some(model) = real_model() else { return };
    check_samples(&["--model", &model]);
}

#[test]
fn embed_prints_unit_vectors_and_encodes_each_text_once() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("tiny");
    storyweave_encode::tiny::write_tiny_model(&model, storyweave_encode::tiny::TinyArch::Bert, 3).unwrap();
    let input = dir.path().join("a.jsonl");
    std::fs::write(&input, "{\"id\":\"a\",\"title\":\"Quake\",\"text\":\"The quake hit Tampere on Monday.\"}\n{\"id\":\"b\",\"text\":\"Ministers met in Berlin on Tuesday.\"}\n").unwrap();
    let db = dir.path().join("v.db");
    let out = run(&["embed", input.to_str().unwrap(), "--model", model.to_str().unwrap()], &db);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = stdout_json_lines(&out);
    assert_eq!(lines.len(), 2);
    for l in &lines {
        let v: Vec<f64> = l["vector"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        assert_eq!(v.len(), 32);
        assert!((v.iter().map(|x| x * x).sum::<f64>().sqrt() - 1.0).abs() < 1e-3);
    }
    // A second run reads the cached vectors: same output, nothing new stored.
    let again = run(&["embed", input.to_str().unwrap(), "--model", model.to_str().unwrap()], &db);
    assert_eq!(again.stdout, out.stdout);
    let enc = storyweave_encode::TransformerEncoder::load(&storyweave_encode::ModelOptions {
        path: Some(model.clone()),
        ..Default::default()
    })
    .unwrap();
    let store = storyweave_store::SqliteStore::open(&db).unwrap();
    use storyweave_encode::Encoder;
    assert_eq!(store.vector_count(enc.id()).unwrap(), 2);
    // Without a model, embed refuses clearly, and comparing commands say once they run without one.
    let none = run(&["embed", input.to_str().unwrap()], &db);
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("needs a model"));
    let free = run(&["cluster", input.to_str().unwrap()], &db);
    assert!(free.status.success());
    let err = String::from_utf8_lossy(&free.stderr);
    assert_eq!(err.matches("no model given").count(), 1, "{err}");
    // Ingest with the tiny model works and stores one vector per article.
    let out = run(&["ingest", input.to_str().unwrap(), "--model", model.to_str().unwrap()], &dir.path().join("i.db"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn check_samples(extra: &[&str]) {
    let Some(samples) = shared_samples() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut args = vec!["ingest", samples.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = run(&args, &db);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stories = export(&db);
    assert_eq!(stories.len(), 1, "all five samples must form one story: {stories:#?}");
    let story = &stories[0];
    let articles = story["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 5);
    let mut id_of = HashMap::new();
    let mut langs = BTreeMap::new();
    for a in articles {
        let name = file_name(a);
        id_of.insert(name[..3].to_string(), a["id"].as_str().unwrap().to_string());
        langs.insert(name[..3].to_string(), a["lang"].as_str().unwrap().to_string());
    }
    let expect_langs: BTreeMap<String, String> =
        [("000", "tl"), ("001", "de"), ("002", "tl"), ("003", "sr"), ("004", "en")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    assert_eq!(langs, expect_langs);
    let relation = |x: &str, y: &str| -> String {
        let (a, b) = (&id_of[x], &id_of[y]);
        story["relations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| (r["a"] == **a && r["b"] == **b) || (r["a"] == **b && r["b"] == **a))
            .map(|r| r["kind"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no relation between {x} and {y}"))
    };
    assert_eq!(relation("000", "001"), "translation");
    assert_ne!(relation("002", "000"), "translation");
    assert_ne!(relation("002", "001"), "translation");
    for other in ["000", "001", "002"] {
        assert_ne!(relation("003", other), "translation", "003 is an independent report");
        assert_ne!(relation("004", other), "translation", "004 is an independent report");
    }
    // The 000–001 relation names the shared contributors.
    let rel = story["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "translation")
        .unwrap();
    let bylines = rel["evidence"]["matched_bylines"].as_array().unwrap();
    assert!(!bylines.is_empty(), "translation evidence should include the contributors: {rel:#}");

    // Inside the story, in export: 002's drones are among what it adds; 000 and 001 derive
    // from one source.
    let c = &story["comparison"];
    let adds_002: String = c["adds"].as_array().unwrap().iter().filter(|a| a["article"] == *id_of["002"]).map(|a| a["sentences"].to_string()).collect();
    assert!(adds_002.contains("drone"), "002 adds the gift of drones: {adds_002}");
    assert!(c["provenance"].as_array().unwrap().iter().any(|g| {
        let m = g["articles"].to_string();
        m.contains(&id_of["000"]) && m.contains(&id_of["001"])
    }), "{c}");
    // And from `story --lang`: the headline in the reader's language, or the closest one.
    let sid = story["story"]["id"].to_string();
    for (lang, shown) in [("de", "headline (de)"), ("en", "headline (en)"), ("sr", "headline (sr)"), ("nl", "headline (de)")] {
        let mut args = vec!["story", sid.as_str(), "--lang", lang];
        args.extend_from_slice(extra);
        let out = run(&args, &db);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains(shown), "--lang {lang}: {text}");
        assert!(text.contains("what each source adds:") && text.contains("provenance:"), "{text}");
        assert_eq!(lang == "nl", text.contains("no article in"), "a fallback says so: {text}");
    }
}

#[test]
fn cleaning_strips_the_boilerplate_of_the_scraped_sample() {
    let Some(samples) = shared_samples() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = samples.join("004_84a0c06699b0bfa8.txt");
    let out = run(&["clean", file.to_str().unwrap()], &dir.path().join("unused.db"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = stdout_json_lines(&out);
    assert_eq!(lines.len(), 1);
    let text = lines[0]["text"].as_str().unwrap();
    for gone in ["13.5 C", "Subscribe to our magazine", "LEAVE A REPLY", "Matteo", "Berlin plans"] {
        assert!(!text.contains(gone), "cleaned 004 still contains {gone:?}");
    }
    assert!(text.contains("Vostochny Cosmodrome"));
    assert_eq!(lines[0]["lang"], "en");
    assert!(lines[0]["title"].as_str().unwrap().contains("Putin accepts"));
}

/// `demo/EXPECTED.tsv` key of a stored article: path under demo/, plus `#id` for JSON lines
/// and `#link` for feed items.
fn demo_key(article: &Value, demo: &Path) -> String {
    let file = PathBuf::from(article["origin"]["file"].as_str().unwrap());
    let rel = file.strip_prefix(demo).unwrap_or(&file).to_string_lossy().into_owned();
    if rel.ends_with(".jsonl") {
        format!("{rel}#{}", article["id"].as_str().unwrap())
    } else if rel.ends_with(".xml") {
        format!("{rel}#{}", article["url"].as_str().unwrap_or_default())
    } else {
        rel
    }
}

#[test]
fn demo_events_are_one_story_each_and_unrelated_articles_stay_apart() {
    check_demo(&[]);
}

#[test]
fn demo_events_stay_separate_with_the_real_model() {
    let Some(model) = real_model() else { return };
    check_demo(&["--model", &model]);
}

/// Ingests demo/ (with `extra` global options) and checks the stories against EXPECTED.tsv.
fn check_demo(extra: &[&str]) {
    let demo = repo_root().join("demo");
    let expected: BTreeMap<String, String> = std::fs::read_to_string(demo.join("EXPECTED.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols[0].to_string(), cols[1].to_string())
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let mut args = extra.to_vec();
    args.extend(["ingest", demo.to_str().unwrap()]);
    let out = run(&args, &db);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut story_of: BTreeMap<String, String> = BTreeMap::new();
    for s in export(&db) {
        for a in s["articles"].as_array().unwrap() {
            story_of.insert(demo_key(a, &demo), s["story"]["id"].to_string());
        }
    }
    assert_eq!(
        story_of.keys().collect::<BTreeSet<_>>(),
        expected.keys().collect::<BTreeSet<_>>(),
        "every demo article is stored exactly once"
    );
    let mut by_event: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (k, event) in &expected {
        by_event.entry(event.as_str()).or_default().insert(story_of[k].as_str());
    }
    let mut owner: HashMap<&str, &str> = HashMap::new();
    let mut problems = Vec::new();
    for (event, stories) in &by_event {
        if stories.len() != 1 {
            problems.push(format!("{event} is split over stories {stories:?}"));
        }
        for s in stories {
            if let Some(other) = owner.insert(s, event) {
                problems.push(format!("story {s} mixes {other} and {event}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn incremental_ingest_extends_the_stored_story_and_adds_nothing_twice() {
    let Some(samples) = shared_samples() else { return };
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    std::fs::create_dir(&first).unwrap();
    for e in std::fs::read_dir(&samples).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".txt") && !name.starts_with("004") {
            std::fs::copy(&p, first.join(&name)).unwrap();
        }
    }
    let db = dir.path().join("inc.db");
    let out = run(&["ingest", "--json", first.to_str().unwrap()], &db);
    let r1 = &stdout_json_lines(&out)[0];
    assert_eq!(r1["added"], 4);
    let last = samples.join("004_84a0c06699b0bfa8.txt");
    let out = run(&["ingest", "--json", last.to_str().unwrap()], &db);
    let r2 = &stdout_json_lines(&out)[0];
    assert_eq!(r2["added"], 1);
    assert_eq!(r2["new_stories"], 0, "004 must join the stored story: {r2}");
    assert_eq!(r2["extended_stories"], 1);
    let out = run(&["ingest", "--json", samples.to_str().unwrap()], &db);
    let r3 = &stdout_json_lines(&out)[0];
    assert_eq!(r3["added"], 0);
    assert_eq!(r3["duplicates"], 5);
    // recluster rebuilds the same single story from the store.
    let out = run(&["recluster"], &db);
    assert!(out.status.success());
    assert_eq!(export(&db).len(), 1);
}

#[test]
fn cluster_and_similarity_read_stdin_and_answer_every_record() {
    let articles = [
        r#"{"id":"a","text":"A 6.1 magnitude earthquake struck near Ridgeton on 3 May 2024, killing 12 people, officials in Ridgeton said.","lang":"en"}"#,
        r#"{"id":"b","text":"Ein Erdbeben der Stärke 6,1 erschütterte am 3. Mai 2024 die Gegend um Ridgeton; 12 Menschen starben.","lang":"de"}"#,
        r#"{"id":"c","text":"The Carvello city council approved a 45 million euro budget for new tram lines on Tuesday.","lang":"en"}"#,
    ];
    let mut child = bin()
        .args(["cluster", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{}", articles.join("\n")).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines = stdout_json_lines(&out);
    let story: HashMap<&str, &str> =
        lines.iter().map(|l| (l["id"].as_str().unwrap(), l["story"].as_str().unwrap())).collect();
    assert_eq!(story.len(), 3);
    assert_eq!(story["a"], story["b"]);
    assert_ne!(story["a"], story["c"]);

    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("pairs.jsonl");
    std::fs::write(
        &pairs,
        format!(
            "{{\"id\":\"p1\",\"a\":{},\"b\":{}}}\n{{\"id\":\"p2\",\"a\":{},\"b\":{}}}\nnot json\n",
            articles[0], articles[1], articles[0], articles[2]
        ),
    )
    .unwrap();
    let out = bin().args(["similarity", pairs.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "a broken line is reported and flagged in the exit code");
    assert!(String::from_utf8_lossy(&out.stderr).contains("pairs.jsonl:3"));
    let lines = stdout_json_lines(&out);
    assert_eq!(lines.len(), 2);
    let s1 = lines[0]["similarity"].as_f64().unwrap();
    let s2 = lines[1]["similarity"].as_f64().unwrap();
    assert!(s1 > s2, "the same-event pair must score higher ({s1} vs {s2})");
    assert!((0.0..=1.0).contains(&s1) && (0.0..=1.0).contains(&s2));
    assert_eq!(lines[1]["relation"], "unrelated");
}

#[test]
fn a_bad_config_key_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[cluster]\nthreshhold = 0.2\n").unwrap();
    let out = bin().args(["--config", cfg.to_str().unwrap(), "config"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("threshhold") && err.contains("c.toml"), "{err}");
}

#[test]
fn bad_input_is_reported_by_name_and_every_good_record_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad_input");
    std::fs::create_dir(&input).unwrap();
    let fixtures = repo_root().join("tests/fixtures/bad_input");
    for e in std::fs::read_dir(&fixtures).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, input.join(p.file_name().unwrap())).unwrap();
    }
    // 20 MB page, generated rather than committed.
    let mut huge = String::from("<html><body>");
    while huge.len() < 20 * 1024 * 1024 {
        huge.push_str("<p>The same paragraph again and again, to make a very large page.</p>\n");
    }
    huge.push_str("</body></html>");
    std::fs::write(input.join("huge_page.html"), huge).unwrap();

    let db = dir.path().join("bad.db");
    // Something is stored before the bad batch arrives, and must survive it.
    let out = run(&["ingest", input.join("good_article.txt").to_str().unwrap()], &db);
    assert!(out.status.success());

    let out = run(&["ingest", "--json", input.to_str().unwrap()], &db);
    assert_eq!(out.status.code(), Some(3), "skips are flagged in the exit code");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected_skips = [
        ("empty.txt", "empty"),
        ("feed.xml (item 2)", "invalid feed"),
        ("huge_page.html", "too large"),
        ("image_saved_as.html", "binary file"),
        ("records.jsonl:3", "invalid JSON"),
    ];
    for (name, reason) in expected_skips {
        assert!(
            stderr.lines().any(|l| l.contains(name) && l.contains(reason)),
            "no report of {name} ({reason}) in:\n{stderr}"
        );
    }
    assert_eq!(stderr.lines().filter(|l| l.contains("skipped")).count(), expected_skips.len(), "{stderr}");
    let report = &stdout_json_lines(&out)[0];
    assert_eq!(report["skipped"].as_array().unwrap().len(), expected_skips.len());
    // invalid_utf8.txt is kept (its 4 broken bytes replaced, with a warning), not skipped.
    assert_eq!(report["added"], 9);
    assert_eq!(report["duplicates"], 1);

    let mut stored: Vec<String> = export(&db)
        .iter()
        .flat_map(|s| s["articles"].as_array().unwrap().clone())
        .map(|a| format!("{}#{}", file_name(&a), a["title"].as_str().unwrap()))
        .collect();
    stored.sort();
    let names: Vec<&str> = stored.iter().map(|s| s.split('#').next().unwrap()).collect();
    assert_eq!(
        names,
        vec![
            "feed.xml",
            "feed.xml",
            "feed.xml",
            "good_article.txt",
            "good_legacy_latin1.txt",
            "good_page.html",
            "invalid_utf8.txt",
            "records.jsonl",
            "records.jsonl",
            "records.jsonl",
        ],
        "{stored:#?}"
    );
}

#[test]
fn clustering_does_not_depend_on_the_number_of_threads() {
    // The 362 WMT documents where ../shared is present, else the demo's JSON lines.
    let wmt = repo_root().join("../shared/data/wmt16-enfi/docs.jsonl");
    let input = if wmt.is_file() { wmt } else { repo_root().join("demo/articles/wire.jsonl") };
    let run_with = |threads: &str| {
        let out = bin().env("RAYON_NUM_THREADS", threads).args(["cluster"]).arg(&input).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let one = run_with("1");
    assert!(!one.is_empty());
    assert_eq!(one, run_with("2"));
    assert_eq!(one, run_with("4"));
}

#[test]
fn ingest_reads_json_lines_from_stdin_and_reports_broken_lines() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stdin.db");
    let mut child = bin()
        .arg("--db")
        .arg(&db)
        .args(["ingest", "--json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, r#"{{"id":"s1","title":"Ferry service resumes","text":"The ferry between Ridgeton and Carvello resumed on Friday after a two-week strike.","lang":"en"}}"#).unwrap();
        writeln!(stdin, r#"{{"id":"s2","text": broken"#).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-:2"), "{}", String::from_utf8_lossy(&out.stderr));
    let report = &stdout_json_lines(&out)[0];
    assert_eq!(report["added"], 1);
    assert_eq!(report["records"], 2);
}

#[test]
fn vectors_are_centred_per_language_only_with_enough_articles() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("tiny");
    storyweave_encode::tiny::write_tiny_model(&model, storyweave_encode::tiny::TinyArch::Bert, 5).unwrap();
    let input = dir.path().join("pairs.jsonl");
    let pairs = [
        r#"{"id":"p1","a":{"id":"a","text":"The quake hit Tampere on Monday, killing 3 people.","lang":"en"},"b":{"id":"b","text":"Maanjäristys iski Tampereelle maanantaina ja tappoi 3 ihmistä.","lang":"fi"}}"#,
        r#"{"id":"p2","a":{"id":"c","text":"Ministers met in Berlin on Tuesday to talk about gas prices.","lang":"en"},"b":{"id":"d","text":"Ministerit tapasivat Berliinissä tiistaina kaasun hinnoista.","lang":"fi"}}"#,
    ];
    std::fs::write(&input, pairs.join("\n") + "\n").unwrap();
    let db = dir.path().join("v.db");
    let explain = |config: Option<&Path>| {
        let mut args = vec!["similarity", input.to_str().unwrap(), "--explain", "--model", model.to_str().unwrap()];
        if let Some(c) = config {
            args.extend(["--config", c.to_str().unwrap()]);
        }
        let out = run(&args, &db);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        stdout_json_lines(&out)
    };
    // Four articles are far below the default minimum: raw cosines.
    for l in explain(None) {
        assert!(l["channels"].get("emb_centered").is_none(), "{l}");
        assert!(l["channels"]["emb"].as_f64().is_some());
    }
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[similarity]\ncenter_min_articles = 4\n").unwrap();
    for l in explain(Some(&cfg)) {
        assert_eq!(l["channels"]["emb_centered"], true, "{l}");
    }
}

/// `--lexicon DIR` reaches `translate` and `search` from the binary; a directory without
/// dictionaries is an error that names it, not a silent fall-back.
#[test]
fn lexicon_translates_queries_for_search_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let lex = dir.path().join("lexicon");
    std::fs::create_dir(&lex).unwrap();
    std::fs::write(lex.join("pl-en.tsv"), "handel\ttrade|commerce\nrok\tyear\nzakaz\tban|prohibition\n").unwrap();
    std::fs::write(lex.join("en-pl.tsv"), "ban\tzakaz\ntrade\thandel\n").unwrap();
    let db = dir.path().join("s.db");
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"id":"ban","lang":"en","title":"Shops shut for the New Year trade ban","text":"The trade ban keeps supermarkets and shops shut on New Year's Day, the ministry said. Bakeries may open."}"#,
            "\n",
            r#"{"id":"fire","lang":"en","title":"Fireworks light up the sky","text":"Crowds watched fireworks over the harbour at midnight as the city welcomed the new year with music."}"#,
            "\n"
        ),
    )
    .unwrap();
    assert!(run(&["-q", "ingest", input.to_str().unwrap()], &db).status.success());

    let out = run(&["--lexicon", lex.to_str().unwrap(), "translate", "Zakaz handlu w Nowy Rok."], &db);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ban | prohibition\ntrade | commerce\nyear\n");

    let out = run(&["--lexicon", lex.to_str().unwrap(), "search", "Zakaz handlu w Nowy Rok.", "--json"], &db);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let hits = stdout_json_lines(&out);
    assert_eq!(hits.first().map(|h| h["articles"].clone()), Some(serde_json::json!(["ban"])), "{hits:?}");

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = run(&["--lexicon", empty.to_str().unwrap(), "search", "Zakaz handlu"], &db);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("lexicon") && err.contains("no dictionary"), "{err}");
    let out = run(&["translate", "Zakaz"], &db);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--lexicon"));
}
