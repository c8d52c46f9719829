//! Drives `storyweave serve` over HTTP: every route, bad input with its documented status,
//! the token, limits, live events and a graceful shutdown.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_storyweave")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running server; killed (SIGTERM, then SIGKILL) when dropped.
struct Server {
    child: Child,
    base: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    fn start(db: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(bin())
            .args(["--db", db.to_str().unwrap(), "serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("serving on ").nth(1) {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or("").trim_end_matches('/').to_string());
                }
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let base = rx.recv_timeout(Duration::from_secs(60)).expect("the server said where it listens");
        Server { child, base, log }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops with SIGTERM and returns the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "the server did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(120)).build().unwrap()
}

fn get(s: &Server, path: &str) -> (u16, Value) {
    let r = client().get(s.url(path)).send().unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

fn post(s: &Server, body: String, token: Option<&str>) -> (u16, Value) {
    let mut req = client().post(s.url("/api/articles")).header("content-type", "application/json").body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
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

/// The five samples as JSON lines, ids from their file names.
fn sample_lines(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let id = p.file_stem().unwrap().to_string_lossy().chars().take(3).collect::<String>();
            json!({"id": id, "text": std::fs::read_to_string(p).unwrap()}).to_string()
        })
        .collect()
}

fn error_of(v: &Value) -> (&str, &str) {
    (v["error"]["kind"].as_str().unwrap_or(""), v["error"]["message"].as_str().unwrap_or(""))
}

#[test]
fn every_route_answers_on_the_samples() {
    let Some(samples) = shared_samples() else { return };
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("s.db"), &[]);
    let (status, health) = get(&s, "/api/health");
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));

    // Live events: a client listening while the articles arrive hears about the story.
    let events_url = s.url("/api/events");
    let (etx, erx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut r = client().get(events_url).send().unwrap();
        let mut buf = [0u8; 4096];
        let mut text = String::new();
        while let Ok(n) = r.read(&mut buf) {
            if n == 0 {
                break;
            }
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
            if text.contains("event: created") {
                let _ = etx.send(text.clone());
                break;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(300));

    let (status, report) = post(&s, sample_lines(&samples).join("\n"), None);
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["stored"].as_array().unwrap().len(), 5, "{report}");
    let story = report["stored"][0]["story"].as_u64().unwrap();
    assert!(report["stored"].as_array().unwrap().iter().all(|a| a["story"].as_u64() == Some(story)), "one story: {report}");
    let heard = erx.recv_timeout(Duration::from_secs(30)).expect("an event arrived");
    assert!(heard.contains(&format!("\"story\":{story}")), "{heard}");

    let (status, list) = get(&s, "/api/stories");
    assert_eq!(status, 200);
    assert_eq!(list["stories"].as_array().unwrap().len(), 1);
    assert_eq!(list["stories"][0]["article_count"], 5);
    assert_eq!(list["stories"][0]["languages"].as_array().unwrap().len(), 4, "tl, de, sr, en: {list}");

    let (status, view) = get(&s, &format!("/api/stories/s{story}"));
    assert_eq!(status, 200);
    let translation = view["relations"].as_array().unwrap().iter().any(|r| {
        r["kind"] == "translation" && r["a"] == "000" && r["b"] == "001"
    });
    assert!(translation, "000 and 001 are translations: {}", view["relations"]);
    assert!(view["groups"].as_array().unwrap().iter().any(|g| g["kind"] == "translation"));

    // Inside the story: headline and summary in the reader's language, provenance, adds.
    let c = &view["comparison"];
    assert_eq!(c["compared"], 5, "{c}");
    for (lang, wanted) in [("de", "de"), ("en", "en"), ("sr", "sr"), ("hr", "sr")] {
        let (status, v) = get(&s, &format!("/api/stories/s{story}?lang={lang}"));
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["comparison"]["headline_lang"], wanted, "--lang {lang}: {}", v["comparison"]);
        assert_eq!(v["comparison"]["fallback_note"].is_string(), lang != wanted, "{}", v["comparison"]);
        let summary = v["comparison"]["summary"].as_array().unwrap();
        assert!((1..=5).contains(&summary.len()), "{summary:?}");
    }
    let groups = c["provenance"].as_array().unwrap();
    assert!(
        groups.iter().any(|g| { let m = g["articles"].to_string(); m.contains("\"000\"") && m.contains("\"001\"") }),
        "000 and 001 derive from one source: {groups:?}"
    );
    let adds_of = |id: &str| -> String {
        c["adds"].as_array().unwrap().iter().filter(|a| a["article"] == id).map(|a| a["sentences"].to_string()).collect()
    };
    assert!(adds_of("004").contains("2000"), "004 adds Putin's visit in 2000: {}", adds_of("004"));
    assert!(adds_of("003").contains("2019"), "003 adds the April 2019 meeting: {}", adds_of("003"));
    let (status, v) = get(&s, &format!("/api/stories/s{story}?compare=false"));
    assert_eq!(status, 200);
    assert!(v.get("comparison").is_none(), "compare=false leaves it out");
    let (status, v) = get(&s, &format!("/api/stories/s{story}?lang=en;drop"));
    assert_eq!(status, 400, "{v}");

    let (status, article) = get(&s, "/api/articles/003");
    assert_eq!((status, article["lang"].as_str()), (200, Some("sr")));
    assert_eq!(article["story"].as_u64(), Some(story));

    for q in ["Путин Ким космодром Восточный", "Kim Putin Wostotschny"] {
        let r = client().get(s.url("/api/search")).query(&[("q", q)]).send().unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let v: Value = r.json().unwrap();
        assert_eq!(v["hits"][0]["story"].as_u64(), Some(story), "{q}: {v}");
    }
    let r = client().get(s.url("/api/search")).query(&[("q", "Hochwasser in Valencia")]).send().unwrap();
    let v: Value = r.json().unwrap();
    assert!(v["hits"].as_array().unwrap().is_empty(), "{v}");

    // The API document covers every API route the server answers.
    let (status, doc) = get(&s, "/api/openapi.json");
    assert_eq!(status, 200);
    let paths: Vec<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    for p in ["/api/articles", "/api/stories", "/api/stories/{id}", "/api/articles/{id}", "/api/search", "/api/events", "/api/health"] {
        assert!(paths.contains(&p), "{p} missing from {paths:?}");
    }
    // The web page and its assets are served from the binary.
    let page = client().get(s.url("/")).send().unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().unwrap().contains("/assets/app.js"));
    assert!(s.log.lock().unwrap().contains("\"path\":\"/api/stories\""), "one log line per request");
}

#[test]
fn bad_requests_get_their_documented_status_and_a_json_message() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("s.db"), &["--max-body-mib", "1"]);
    let (status, v) = post(&s, "hello".into(), None);
    assert_eq!((status, error_of(&v).0), (400, "bad_request"));
    let (status, v) = post(&s, String::new(), None);
    assert_eq!(status, 400, "{v}");
    let (status, v) = post(&s, "{\"text\": \"broken".into(), None);
    assert_eq!(status, 422, "{v}");
    assert!(v["skipped"][0]["reason"].as_str().unwrap().contains("JSON"), "{v}");
    let big = json!({"text": "x".repeat(2 * 1024 * 1024)}).to_string();
    let (status, v) = post(&s, big, None);
    assert_eq!(status, 413, "{v}");
    let (status, v) = get(&s, "/api/stories/s999");
    assert_eq!((status, error_of(&v).0), (404, "not_found"));
    let (status, _) = get(&s, "/api/stories/nope");
    assert_eq!(status, 400);
    let (status, _) = get(&s, "/api/articles/nope");
    assert_eq!(status, 404);
    let (status, v) = get(&s, "/api/stories?sort=sideways");
    assert_eq!(status, 400, "{v}");
    let (status, _) = get(&s, "/api/stories?cursor=zz");
    assert_eq!(status, 400);
    let (status, _) = get(&s, "/api/search?q=");
    assert_eq!(status, 400);
    let (status, _) = get(&s, &format!("/api/search?q={}", "a".repeat(10_000)));
    assert_eq!(status, 414);
    let (status, v) = get(&s, "/api/nothing");
    assert_eq!((status, error_of(&v).0), (404, "not_found"));
}

#[test]
fn writes_need_the_token_and_an_open_address_needs_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .args(["--db", dir.path().join("o.db").to_str().unwrap(), "serve", "--addr", "0.0.0.0:0"])
        .env_remove("STORYWEAVE_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("without a write token"));
    assert!(!dir.path().join("o.db").exists(), "refused before opening the store");

    let s = Server::start(&dir.path().join("s.db"), &["--token", "s3cret"]);
    let body = json!({"id": "a", "title": "Bridge opens", "text": "The Ridgeton bridge opened on Monday after 29 months of work."}).to_string();
    let (status, v) = post(&s, body.clone(), None);
    assert_eq!((status, error_of(&v).0), (401, "unauthorized"));
    let (status, _) = post(&s, body.clone(), Some("wrong"));
    assert_eq!(status, 401);
    let (status, v) = post(&s, body.clone(), Some("s3cret"));
    assert_eq!(status, 200, "{v}");
    // Reads need no token.
    assert_eq!(get(&s, "/api/stories").0, 200);
    // The same article again is a duplicate, not an error.
    let (status, v) = post(&s, body, Some("s3cret"));
    assert_eq!(status, 200);
    assert_eq!(v["duplicates"][0]["id"], "a");
}

#[test]
fn ten_thousand_lines_with_three_broken_lose_nothing_and_shutdown_is_graceful() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let s = Server::start(&db, &[]);
    let mut lines = Vec::new();
    for i in 0..10_000 {
        if [17, 5_000, 9_999].contains(&i) {
            lines.push(format!("{{\"id\": \"broken-{i}\", \"text\": "));
        } else {
            lines.push(json!({"id": format!("a{i}"), "lang": "en", "text": format!("Report number {i} from the town of Place{i}: the council met on day {i} and approved budget item {i}.")}).to_string());
        }
    }
    let (status, v) = post(&s, lines.join("\n"), None);
    assert_eq!(status, 200);
    assert_eq!(v["stored"].as_array().unwrap().len(), 9_997);
    let skipped: Vec<u64> = v["skipped"].as_array().unwrap().iter().map(|x| x["origin"]["line"].as_u64().unwrap()).collect();
    assert_eq!(skipped, vec![18, 5_001, 10_000]);
    let (_, health) = get(&s, "/api/health");
    assert_eq!(health["articles"], 9_997);
    let status = s.stop();
    assert!(status.success(), "SIGTERM ends the server cleanly: {status:?}");
    assert!(dir.path().join("s.db.index/manifest.json").is_file(), "index files written on shutdown");
    // Everything is in a story.
    let out = Command::new(bin()).args(["--db", db.to_str().unwrap(), "stories", "--json"]).output().unwrap();
    let total: u64 = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["article_count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 9_997);
}

/// `serve --lexicon DIR`: health lists the lexicon's languages and `/api/search` translates
/// the query, so a Polish query finds a story told only in English, without a model.
#[test]
fn the_server_searches_with_the_lexicon() {
    let dir = tempfile::tempdir().unwrap();
    let lex = dir.path().join("lexicon");
    std::fs::create_dir(&lex).unwrap();
    std::fs::write(lex.join("pl-en.tsv"), "handel\ttrade\nrok\tyear\nzakaz\tban\n").unwrap();
    let s = Server::start(&dir.path().join("s.db"), &["--lexicon", lex.to_str().unwrap()]);
    let (_, health) = get(&s, "/api/health");
    assert_eq!(health["lexicon"], serde_json::json!(["en", "pl"]));
    let body = concat!(
        r#"{"id":"ban","lang":"en","title":"Shops shut for the New Year trade ban","text":"The trade ban keeps supermarkets and shops shut on New Year's Day, the ministry said. Bakeries may open."}"#,
        "\n",
        r#"{"id":"fire","lang":"en","title":"Fireworks light up the sky","text":"Crowds watched fireworks over the harbour at midnight as the city welcomed the new year with music."}"#,
        "\n"
    );
    let (status, _) = post(&s, body.to_string(), None);
    assert!(status == 200 || status == 201, "{status}");
    let (status, found) = get(&s, "/api/search?q=Zakaz%20handlu%20w%20Nowy%20Rok");
    assert_eq!(status, 200);
    assert_eq!(found["hits"][0]["articles"], serde_json::json!(["ban"]), "{found}");
}
