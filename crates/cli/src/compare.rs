//! `storyweave compare`: two articles side by side, sentence by sentence.

use crate::output::{print_json_line, Out};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use storyweave_analyze::Segmentation;
use storyweave_engine::{PairInput, Pipeline};
use storyweave_ingest::ReadOptions;
use storyweave_model::{ArticleId, CleanArticle, Lang, Origin, RawArticle, RawBody};
use storyweave_relate::{AlignMode, PairComparison};
use storyweave_store::SqliteStore;

/// Exit code when some pairs of `--pairs` were skipped.
const EXIT_SKIPPED: u8 = 3;
/// Terminal width when `COLUMNS` is not set.
const DEFAULT_WIDTH: usize = 120;
/// Narrowest column worth printing.
const MIN_COLUMN: usize = 20;

/// Arguments of `storyweave compare`.
#[derive(clap::Args)]
pub struct CompareArgs {
    /// First article: a file (any input `ingest` reads; its first record) or a stored article id.
    #[arg(required_unless_present = "pairs")]
    a: Option<String>,
    /// Second article, the same way.
    #[arg(required_unless_present = "pairs")]
    b: Option<String>,
    /// Print JSON: {"a":{"sentences"},"b":{"sentences"},"alignment":[{"a","b","score"}],"adds":{"a","b"}}.
    #[arg(long)]
    json: bool,
    /// Take each input line as one sentence, as is (no cleaning, no sentence splitting).
    #[arg(long)]
    lines: bool,
    /// Compare many pairs: JSON lines {"id","a":{article},"b":{article}} (`-` for stdin); prints
    /// one JSON line per pair: {"id","relation",...the --json fields}.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["a", "b"])]
    pairs: Option<PathBuf>,
    /// Alignment: `monotone` (in order, for translations), `free` (independent reports), or
    /// `auto`: monotone when the pair is a translation or a near-copy.
    #[arg(long, value_enum, default_value_t = Mode::Auto)]
    mode: Mode,
}

/// The alignment mode of `--mode`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Mode {
    /// By the pair's relation.
    Auto,
    /// In order.
    Monotone,
    /// Anywhere or nowhere.
    Free,
}

/// Runs `storyweave compare`. `db` is the store for article ids and the sentence-vector cache.
pub fn run(engine: &Pipeline, db: &Path, args: &CompareArgs) -> Result<ExitCode> {
    let segmentation = if args.lines { Segmentation::Lines } else { Segmentation::Sentences };
    let mode = match args.mode {
        Mode::Auto => None,
        Mode::Monotone => Some(AlignMode::Monotone),
        Mode::Free => Some(AlignMode::Free),
    };
    // With a model the store caches sentence vectors (a write); without one it is only read
    // for article ids, and never created or changed.
    let caches = engine.encoder().is_some();
    let mut store: Option<SqliteStore> = None;
    let open = |store: &mut Option<SqliteStore>| -> Result<()> {
        if store.is_none() {
            let opened = if caches { SqliteStore::open(db) } else { SqliteStore::open_read_only(db) };
            *store = Some(opened.with_context(|| format!("could not open the store {}", db.display()))?);
        }
        Ok(())
    };
    if let Some(input) = &args.pairs {
        let (pairs, skipped) = read_pairs(engine, input, args.lines)?;
        if engine.encoder().is_some() {
            open(&mut store)?;
        }
        let results = engine.compare_pairs(&pairs.iter().map(|p| p.1.clone()).collect::<Vec<_>>(), segmentation, mode, store.as_mut())?;
        let mut out = Out::stdout();
        for ((id, _), r) in pairs.iter().zip(results) {
            let mut v = serde_json::to_value(&r.comparison)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("id".into(), serde_json::Value::String(id.clone()));
                o.insert("relation".into(), serde_json::Value::String(r.relation.kind.as_str().into()));
            }
            print_json_line(&mut out, &v)?;
        }
        out.flush()?;
        return Ok(if skipped == 0 { ExitCode::SUCCESS } else { ExitCode::from(EXIT_SKIPPED) });
    }
    let (Some(a), Some(b)) = (&args.a, &args.b) else { bail!("give two articles, or --pairs FILE") };
    let mut load = |spec: &str| -> Result<CleanArticle> {
        let path = Path::new(spec);
        if path.is_file() {
            return read_article(engine, path, args.lines);
        }
        open(&mut store)?;
        let s = store.as_ref().context("store not open")?;
        storyweave_store::StoreRead::article(s, &ArticleId::from(spec))?
            .with_context(|| format!("`{spec}` is neither a file nor an article id in {}", db.display()))
    };
    let (a, b) = (load(a)?, load(b)?);
    if engine.encoder().is_some() {
        open(&mut store)?;
    }
    let result = engine.compare_pairs(&[(a.clone(), b.clone())], segmentation, mode, store.as_mut())?;
    let r = result.first().context("comparison failed")?;
    let mut out = Out::stdout();
    if args.json {
        print_json_line(&mut out, &r.comparison)?;
    } else {
        print_side_by_side(&mut out, &a, &b, r)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// An article for `--lines`: the text exactly as given, the language given or detected.
fn as_lines(raw: RawArticle) -> CleanArticle {
    let text = match raw.body {
        RawBody::Text(t) | RawBody::Html(t) => t,
    };
    let lang = raw
        .lang
        .as_deref()
        .map(Lang::new)
        .or_else(|| storyweave_text::detect_language(&text))
        .unwrap_or_else(Lang::unknown);
    let id = raw.id.map(ArticleId).unwrap_or_else(|| ArticleId::from_content("", &text));
    CleanArticle {
        id,
        url: raw.url,
        title: raw.title.unwrap_or_default(),
        text,
        lang,
        published: raw.published,
        byline: None,
        source: raw.source,
        origin: raw.origin,
    }
}

fn clean(engine: &Pipeline, raw: RawArticle, lines: bool) -> std::result::Result<CleanArticle, (Origin, String)> {
    if lines {
        return Ok(as_lines(raw));
    }
    engine.clean_lenient(raw).map_err(|e| (e.origin, e.reason))
}

/// The first record of a file, cleaned (or as lines).
fn read_article(engine: &Pipeline, path: &Path, lines: bool) -> Result<CleanArticle> {
    if lines {
        // As is: the file's own lines, not a reader's idea of title and body.
        let text = std::fs::read_to_string(path).with_context(|| format!("could not read {} as UTF-8 text", path.display()))?;
        let origin = Origin { file: path.display().to_string(), line: None, item: None, html: false };
        let raw = RawArticle { id: None, url: None, title: None, body: RawBody::Text(text), lang: None, published: None, source: None, origin, warnings: Vec::new() };
        return Ok(as_lines(raw));
    }
    let opts = ReadOptions { max_bytes: engine.config().input.max_bytes };
    let raw = storyweave_ingest::read_file_iter(path, &opts)
        .next()
        .with_context(|| format!("{}: no article in it", path.display()))?
        .map_err(|e| anyhow::anyhow!("{}: {}", e.origin, e.reason))?;
    clean(engine, raw, false).map_err(|(origin, reason)| anyhow::anyhow!("{origin}: {reason}"))
}

type Pair = (String, (CleanArticle, CleanArticle));

/// Reads `{"id","a","b"}` lines; a bad line is reported on stderr and skipped.
fn read_pairs(engine: &Pipeline, input: &Path, lines: bool) -> Result<(Vec<Pair>, usize)> {
    let label = input.display().to_string();
    let reader: Box<dyn BufRead> = if input.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        Box::new(std::io::BufReader::new(std::fs::File::open(input).with_context(|| format!("could not open {label}"))?))
    };
    let mut pairs = Vec::new();
    let mut skipped = 0;
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("could not read {label}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let origin = Origin { file: label.clone(), line: Some(n + 1), item: None, html: false };
        match pair_of(engine, &line, &origin, lines) {
            Ok(p) => pairs.push(p),
            Err(reason) => {
                skipped += 1;
                eprintln!("storyweave: skipped {origin}: {reason}");
            }
        }
    }
    Ok((pairs, skipped))
}

fn pair_of(engine: &Pipeline, line: &str, origin: &Origin, lines: bool) -> std::result::Result<Pair, String> {
    let p = PairInput::parse_line(line, origin)?;
    let side = |k: &str, raw: RawArticle| clean(engine, raw, lines).map_err(|(_, reason)| format!("article \"{k}\": {reason}"));
    Ok((p.id, (side("a", p.a)?, side("b", p.b)?)))
}

/// Cuts text into lines of at most `width` characters at spaces (long words are cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..width).collect());
        }
        let w: String = word.into_iter().collect();
        if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&w);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// The two articles in two columns, one aligned group per row; `+` marks what a side adds.
fn print_side_by_side(out: &mut Out, a: &CleanArticle, b: &CleanArticle, r: &PairComparison) -> Result<()> {
    let width = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(DEFAULT_WIDTH);
    // Two columns, a 6-character score gutter between them.
    let col = (width.saturating_sub(8) / 2).max(MIN_COLUMN);
    let c = &r.comparison;
    let head = |x: &CleanArticle| format!("{} [{}] {}", x.id, x.lang, x.title);
    writeln!(out, "{} | {}", pad(&head(a), col + 3), head(b))?;
    writeln!(
        out,
        "relation: {}; {} groups, {} aligned; + marks what a side adds",
        r.relation.kind,
        c.alignment.len(),
        c.alignment.iter().filter(|g| g.is_aligned()).count()
    )?;
    writeln!(out, "{}", "-".repeat(2 * col + 8))?;
    let adds_a: std::collections::HashSet<usize> = c.adds.a.iter().copied().collect();
    let adds_b: std::collections::HashSet<usize> = c.adds.b.iter().copied().collect();
    let text = |side: &[String], idx: &[usize], adds: &std::collections::HashSet<usize>| -> Vec<String> {
        idx.iter()
            .flat_map(|&i| {
                let mark = if adds.contains(&i) { "+" } else { " " };
                let s = side.get(i).map(String::as_str).unwrap_or("");
                wrap(&format!("{i:>3} {s}"), col - 1).into_iter().enumerate().map(move |(k, l)| format!("{}{l}", if k == 0 { mark } else { " " }))
            })
            .collect()
    };
    for g in &c.alignment {
        let left = text(&c.a.sentences, &g.a, &adds_a);
        let right = text(&c.b.sentences, &g.b, &adds_b);
        let score = if g.is_aligned() { format!("{:.2}", g.score) } else { String::new() };
        for k in 0..left.len().max(right.len()) {
            let l = left.get(k).map(String::as_str).unwrap_or("");
            let rr = right.get(k).map(String::as_str).unwrap_or("");
            let gutter = if k == 0 { pad(&score, 4) } else { "    ".into() };
            writeln!(out, "{} {} | {}", pad(l, col), gutter, rr)?;
        }
    }
    Ok(())
}
