//! Worst-case inputs for `HtmlExtractor`: seconds and peak memory per MB of page.
//!
//! `cargo run -p storyweave-extract --release --example worst_case [-- --timeout SECS] [--only NAME]`
//!
//! Each case runs in a child process of this same program (`--case NAME`), so that its peak
//! RSS (`VmHWM` of `/proc/self/status`) is its own; a case still running after the timeout
//! (default 120 s) is killed and reported as "> timeout". Linux only for the memory figure.

use anyhow::{bail, Context, Result};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use storyweave_extract::{Extractor, HtmlExtractor};

/// One paragraph of prose used to fill pages.
const PARA: &str = "<p>The council approved the new budget on Tuesday, after a long debate about schools, roads and the harbour, officials said.</p>\n";

/// A case: its name and the builder of its page.
type Case = (&'static str, fn() -> String);

/// The cases.
fn cases() -> Vec<Case> {
    vec![
        ("deep div 50k", || nested("<div>", "</div>", 50_000)),
        ("deep div 200k", || nested("<div>", "</div>", 200_000)),
        ("deep div 200k unclosed", || "<div>".repeat(200_000) + PARA),
        ("deep span 200k", || nested("<span>", "</span>", 200_000)),
        ("deep table 20k", || nested("<table><tr><td>", "</td></tr></table>", 20_000)),
        ("misnested <b> 100k", || {
            // Formatting elements left open across paragraphs: the parser reopens every one
            // of them in each new paragraph (the "active formatting elements" list).
            (0..100_000).map(|i| format!("<p><b class=c{i}>word {i} ")).collect::<String>()
        }),
        ("one tag, 100k attributes", || {
            let attrs: String = (0..100_000).map(|i| format!(" a{i}=x")).collect();
            format!("<div{attrs}>{}</div>", PARA.repeat(10))
        }),
        ("one 7 MiB attribute", || format!("<div class=\"{}\">{}</div>", "x".repeat(7 << 20), PARA.repeat(10))),
        ("70k elements, 80-byte attributes", || {
            (0..70_000).map(|i| format!("<div class=\"{:0>80}\">w{i}</div>", i)).collect()
        }),
        ("8 MiB of <p>x", || "<p>x".repeat((8 << 20) / 4 - 1)),
        ("8 MiB of <b>", || "<b>".repeat((8 << 20) / 3 - 1)),
        ("8 MiB of paragraphs", || {
            let mut s = String::from("<html><body><article>");
            while s.len() < (8 << 20) - 200 {
                s.push_str(PARA);
            }
            s + "</article></body></html>"
        }),
        ("8 MiB one text node", || format!("<p>{}</p>", "word ".repeat((8 << 20) / 5 - 2))),
        ("8 MiB of <a> links", || "<a href=/x>link</a> ".repeat((8 << 20) / 20)),
    ]
}

fn nested(open: &str, close: &str, n: usize) -> String {
    open.repeat(n) + PARA + &close.repeat(n)
}

/// Peak resident memory of this process in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Child: builds the page, measures the baseline RSS, extracts, prints one line of figures.
fn run_case(name: &str) -> Result<()> {
    let (_, build) = cases().into_iter().find(|(n, _)| *n == name).with_context(|| format!("no case {name}"))?;
    let page = build();
    let before = peak_rss_kib().unwrap_or(0);
    let start = Instant::now();
    let out = HtmlExtractor.extract(&page, None);
    let secs = start.elapsed().as_secs_f64();
    let peak = peak_rss_kib().unwrap_or(0);
    println!("{} {} {} {} {}", page.len(), secs, before, peak, out.text.len());
    Ok(())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut timeout = 120u64;
    let mut only: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--case" => return run_case(args.get(i + 1).context("--case NAME")?),
            "--timeout" => timeout = args.get(i + 1).and_then(|s| s.parse().ok()).context("--timeout SECS")?,
            "--only" => only = args.get(i + 1).cloned(),
            other => bail!("unknown argument {other}"),
        }
        i += 2;
    }
    let me = std::env::current_exe()?;
    println!("| case | page MB | seconds | s per MB | peak RSS MB (page built) | peak RSS MB (after extraction) | extra RSS per page MB | text bytes |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, _) in cases() {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let mut child = Command::new(&me).args(["--case", name]).stdout(Stdio::piped()).spawn()?;
        let started = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait()? {
                break Some(s);
            }
            if started.elapsed() > Duration::from_secs(timeout) {
                child.kill()?;
                child.wait()?;
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut line = String::new();
        if let Some(mut o) = child.stdout.take() {
            o.read_to_string(&mut line)?;
        }
        let f: Vec<f64> = line.split_whitespace().filter_map(|x| x.parse().ok()).collect();
        match (status, f.as_slice()) {
            (Some(s), [bytes, secs, before, peak, text]) if s.success() => {
                let mb = bytes / 1e6;
                println!(
                    "| {name} | {mb:.2} | {secs:.3} | {:.3} | {:.1} | {:.1} | {:.1} | {text} |",
                    secs / mb,
                    before / 1024.0,
                    peak / 1024.0,
                    (peak - before) / 1024.0 / mb
                );
            }
            (None, _) => println!("| {name} | — | > {timeout} (killed) | — | — | — | — | — |"),
            (Some(s), _) => println!("| {name} | — | failed ({s}) | — | — | — | — | — |"),
        }
    }
    Ok(())
}
