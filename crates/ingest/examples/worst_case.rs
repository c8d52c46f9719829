//! Worst-case inputs for the readers: time and peak memory per MB of input.
//!
//! `cargo run --release -p storyweave-ingest --example worst_case [-- DIR]`
//!
//! Writes each input at two sizes (a quarter and the full size) into DIR (default: a temporary
//! folder), reads each one in a fresh child process (so peak RSS is that input's alone), and
//! prints one row per input: size, records and errors, time, peak RSS, and both per MB. The
//! cost per MB of the two sizes should be about the same (linear); `ratio` is full-size time
//! per MB over quarter-size time per MB. A plain feed of ordinary items is the baseline.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use storyweave_ingest::{read_file_iter, ReadOptions, DEFAULT_MAX_BYTES};

const MB: f64 = 1024.0 * 1024.0;

/// One kind of worst-case input: a name, a file extension, and a writer for `scale` (1..=4).
struct Case {
    name: &'static str,
    ext: &'static str,
    write: fn(usize) -> String,
}

fn rss_items(n: usize) -> String {
    let mut s =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title>");
    for i in 0..n {
        let _ = write!(
            s,
            "<item><title>Item {i}</title><link>https://w.test/{i}</link><guid>g{i}</guid>\
             <pubDate>Tue, 12 Sep 2023 08:00:00 GMT</pubDate>\
             <description>&lt;p&gt;Body of item {i}, with a few words of text.&lt;/p&gt;</description></item>"
        );
    }
    s.push_str("</channel></rss>");
    s
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "feed, 25,000 items per quarter (baseline)",
            ext: "xml",
            write: |scale| rss_items(25_000 * scale),
        },
        Case {
            name: "JSONL, records just under 8 MiB",
            ext: "jsonl",
            write: |scale| {
                let text = "word ".repeat((DEFAULT_MAX_BYTES as usize - 64) / 5);
                (0..scale)
                    .map(|i| format!("{{\"id\":{i},\"text\":\"{text}\"}}\n"))
                    .collect()
            },
        },
        Case {
            name: "JSONL, records over 8 MiB (skipped)",
            ext: "jsonl",
            write: |scale| {
                let text = "x".repeat(DEFAULT_MAX_BYTES as usize + 16);
                (0..scale)
                    .map(|i| format!("{{\"id\":{i},\"text\":\"{text}\"}}\n"))
                    .collect()
            },
        },
        Case {
            name: "JSONL, nesting 1M deep per quarter",
            ext: "jsonl",
            write: |scale| {
                let depth = 1_000_000 * scale;
                let mut s = String::from("{\"text\":\"x\",\"extra\":");
                s.push_str(&"[".repeat(depth));
                s.push_str(&"]".repeat(depth));
                s.push_str("}\n");
                s
            },
        },
        Case {
            name: "feed item, 2 MiB attribute per quarter",
            ext: "xml",
            write: |scale| {
                let attr = "a".repeat(2 * 1024 * 1024 * scale);
                format!(
                    "<rss><channel><item><description x=\"{attr}\">Body text of the item.</description>\
                     </item></channel></rss>"
                )
            },
        },
        Case {
            name: "feed item, XHTML nested 250k deep per quarter",
            ext: "xml",
            write: |scale| {
                let depth = 250_000 * scale;
                format!(
                    "<rss><channel><item><body>{}deep{}</body></item></channel></rss>",
                    "<div>".repeat(depth),
                    "</div>".repeat(depth)
                )
            },
        },
        Case {
            name: "feed, 250k nested elements outside items per quarter",
            ext: "xml",
            write: |scale| {
                let depth = 250_000 * scale;
                format!(
                    "<rss><channel>{}<item><description>Body</description></item>{}</channel></rss>",
                    "<x>".repeat(depth),
                    "</x>".repeat(depth)
                )
            },
        },
        Case {
            name: "feed item, 1M entities per quarter",
            ext: "xml",
            write: |scale| {
                format!(
                    "<rss><channel><item><description>{}</description></item></channel></rss>",
                    "&amp;&nbsp;&#233;".repeat(1_000_000 * scale)
                )
            },
        },
        Case {
            name: "feed, 25,000 broken items per quarter (each swallows the rest)",
            ext: "xml",
            write: |scale| {
                let mut s = String::from("<rss><channel>");
                for i in 0..25_000 * scale {
                    let _ = write!(s, "<item><description>Item {i}</description><a</item>");
                }
                s.push_str("</channel></rss>");
                s
            },
        },
        Case {
            name: "JSON array, 20,000 records per quarter",
            ext: "json",
            write: |scale| {
                let items: Vec<String> = (0..20_000 * scale)
                    .map(|i| format!("{{\"id\":{i},\"title\":\"T {i}\",\"text\":\"Body of record {i} with some words.\"}}"))
                    .collect();
                format!("[{}]", items.join(",\n"))
            },
        },
    ]
}

/// Child mode: reads one file and prints `records errors seconds peak_rss_kib`.
fn read_one(path: &Path) {
    let start = Instant::now();
    let (mut ok, mut err) = (0usize, 0usize);
    for r in read_file_iter(path, &ReadOptions::default()) {
        match r {
            Ok(_) => ok += 1,
            Err(_) => err += 1,
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    println!("{ok} {err} {secs} {peak_kib}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--one") {
        return read_one(Path::new(&args[1]));
    }
    let keep;
    let dir: PathBuf = match args.first() {
        Some(d) => PathBuf::from(d),
        None => {
            keep = tempfile_dir();
            keep.clone()
        }
    };
    std::fs::create_dir_all(&dir).expect("output folder");
    let exe = std::env::current_exe().expect("own path");
    println!(
        "| input | MB | records | errors | s | peak RSS MB | s per MB | RSS MB per MB | ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (i, case) in cases().iter().enumerate() {
        let mut per_mb = Vec::new();
        for scale in [1, 4] {
            let path = dir.join(format!("case{i}_x{scale}.{}", case.ext));
            std::fs::write(&path, (case.write)(scale)).expect("write input");
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / MB;
            let out = Command::new(&exe)
                .arg("--one")
                .arg(&path)
                .output()
                .expect("child");
            let line = String::from_utf8_lossy(&out.stdout);
            let f: Vec<f64> = line
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            let _ = std::fs::remove_file(&path);
            let [ok, err, secs, kib] = f[..] else {
                println!(
                    "| {} (x{scale}) | failed: {} |",
                    case.name,
                    String::from_utf8_lossy(&out.stderr)
                );
                continue;
            };
            let rss = kib / 1024.0;
            per_mb.push(secs / size);
            let ratio = if scale == 4 {
                format!("{:.2}", per_mb[1] / per_mb[0])
            } else {
                String::new()
            };
            println!(
                "| {} (x{scale}) | {size:.1} | {ok} | {err} | {secs:.3} | {rss:.0} | {:.4} | {:.1} | {ratio} |",
                case.name,
                secs / size,
                rss / size
            );
        }
    }
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("storyweave-worst-case-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}
