//! The `storyweave` command-line tool.

mod compare;
mod output;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use output::{print_json_line, Out};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use storyweave_engine::{Config, Engine, IngestReport, PairInput, Skip, StorySink};
use storyweave_ingest::{ReadOptions, RecordError};
use storyweave_model::{Origin, RawArticle, StoryId};
use storyweave_store::Store;

/// Exit code when the command finished but some records were skipped.
const EXIT_SKIPPED: u8 = 3;

/// Turns a stream of news articles in any language into cross-lingual stories.
#[derive(Parser)]
#[command(name = "storyweave", version, about, long_about = None)]
struct Cli {
    /// SQLite store (default: $STORYWEAVE_DB, else the per-user data directory).
    #[arg(long, global = true, value_name = "FILE")]
    db: Option<PathBuf>,
    /// TOML file overriding parameters (see `storyweave config`).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Hugging Face encoder directory (config.json, model.safetensors, tokenizer.json), e.g.
    /// multilingual-e5-small; overrides `[model] path`. Without one, storyweave compares
    /// articles on names, numbers, dates and words only.
    #[arg(long, global = true, value_name = "DIR")]
    model: Option<PathBuf>,
    /// No progress bar or summary on stderr.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles (files, folders, `-` for JSON lines on stdin) into the store and extend stories.
    Ingest {
        /// Files or folders: .txt .html .htm .json .jsonl .xml .rss .atom, or `-`.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print each article cleaned, as one JSON line (nothing is stored).
    Clean {
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// List stories, largest first.
    Stories {
        /// Print JSON lines.
        #[arg(long)]
        json: bool,
        /// Show at most this many.
        #[arg(long)]
        limit: Option<usize>,
        /// Only stories with at least this many articles.
        #[arg(long, default_value_t = 1)]
        min_articles: usize,
    },
    /// Show one story: its articles and their relations.
    Story {
        /// Story id (`s12` or `12`).
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export every story with its articles and relations.
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        /// Write to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Rebuild all stories from the stored articles.
    Recluster {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Group a JSON-lines file of articles into stories (no story is stored; encoder vectors
    /// are cached in the store).
    Cluster {
        /// JSON lines `{"id","text","title"?,"lang"?,"published"?}`, or `-`.
        input: PathBuf,
    },
    /// Score pairs of articles: `{"id","a":{article},"b":{article}}` per line.
    Similarity {
        /// JSON lines of pairs, or `-`.
        input: PathBuf,
        /// Add the per-channel scores behind each similarity.
        #[arg(long)]
        explain: bool,
    },
    /// Print each article's encoder vector as a JSON line `{"id","vector"}` (needs a model).
    Embed {
        /// JSON lines `{"id","text","title"?,...}` (or any input `ingest` reads), or `-`.
        input: PathBuf,
    },
    /// Print the effective configuration as TOML.
    Config,
    /// Two articles side by side, sentence by sentence: what is aligned, what each adds.
    Compare(compare::CompareArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// One JSON object per story.
    Jsonl,
}

// The encoder allocates and frees a few large activation buffers per layer; glibc's malloc
// hands buffers that large back to the kernel each time (mmap/munmap), and the page faults of
// re-mapping them cost about a fifth of the encoding time (profile in BENCHMARKS.md).
// mimalloc keeps and reuses them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    if std::env::var_os("CANDLE_NUM_THREADS").is_none() {
        // The encoder already runs its batches in parallel on every core (rayon); candle's
        // own pool for element-wise ops would then only make the batches queue behind its
        // lock and spin at its barriers (a tenth of the profile). Matrix products keep their
        // threads. Set here, before any thread exists, since candle reads it once.
        std::env::set_var("CANDLE_NUM_THREADS", "1");
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if output::is_broken_pipe(&e) {
                // `storyweave stories | head` is a success, as in ripgrep.
                return ExitCode::SUCCESS;
            }
            eprintln!("storyweave: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(path: Option<&Path>) -> Result<Config> {
    match path {
        Some(p) => Config::from_toml_file(p).context("could not load the configuration"),
        None => Ok(Config::default()),
    }
}

fn open_store(db: Option<&Path>) -> Result<Store> {
    let path = db.map(Path::to_path_buf).unwrap_or_else(storyweave_store::default_path);
    Store::open(&path).with_context(|| format!("could not open the store {}", path.display()))
}

/// Builds the engine; commands that compare articles load the encoder (or say, once, that
/// they run without one).
fn build_engine(cli: &Cli) -> Result<Engine> {
    let mut config = load_config(cli.config.as_deref())?;
    if let Some(dir) = &cli.model {
        config.model.path = Some(dir.clone());
    }
    let compares = matches!(
        cli.command,
        Command::Ingest { .. } | Command::Recluster { .. } | Command::Cluster { .. } | Command::Similarity { .. } | Command::Embed { .. } | Command::Compare(..)
    );
    if !compares {
        return Ok(Engine::new(config));
    }
    match &config.model.path {
        Some(dir) => {
            let dir = dir.display().to_string();
            let engine = Engine::with_model(config).with_context(|| format!("could not load the model {dir}"))?;
            Ok(engine)
        }
        None => {
            if matches!(cli.command, Command::Embed { .. }) {
                anyhow::bail!("`embed` needs a model: give --model DIR or [model] path in the config");
            }
            if !cli.quiet {
                eprintln!(
                    "storyweave: no model given (--model DIR or [model] path); comparing articles on names, numbers, dates and words only"
                );
            }
            Ok(Engine::new(config))
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let engine = build_engine(&cli)?;
    let quiet = cli.quiet;
    match cli.command {
        Command::Ingest { paths, json } => {
            let mut store = open_store(cli.db.as_deref())?;
            let mut sink = Progress::new(quiet);
            let report = engine.ingest_paths(&mut store, &paths, &mut sink).context("ingest failed")?;
            sink.finish();
            print_report(&report, json, "ingested")?;
            Ok(exit_for(&report))
        }
        Command::Recluster { json } => {
            let mut store = open_store(cli.db.as_deref())?;
            let mut sink = Progress::new(quiet);
            let report = engine.recluster(&mut store, &mut sink).context("recluster failed")?;
            sink.finish();
            print_report(&report, json, "reclustered")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Clean { paths } => cmd_clean(&engine, &paths, engine.config().input.max_bytes),
        Command::Stories { json, limit, min_articles } => {
            let store = open_store(cli.db.as_deref())?;
            output::print_stories(&store, json, limit, min_articles)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Story { id, json } => {
            let store = open_store(cli.db.as_deref())?;
            let sid: StoryId = id.parse().with_context(|| format!("`{id}` is not a story id (expected s12 or 12)"))?;
            output::print_story(&store, sid, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { format: ExportFormat::Jsonl, output } => {
            let store = open_store(cli.db.as_deref())?;
            output::export_jsonl(&store, output.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Cluster { input } => {
            let mut cache = vector_cache(&engine, cli.db.as_deref())?;
            cmd_cluster(&engine, &input, cache.as_mut())
        }
        Command::Similarity { input, explain } => {
            let mut cache = vector_cache(&engine, cli.db.as_deref())?;
            cmd_similarity(&engine, &input, explain, cache.as_mut())
        }
        Command::Embed { input } => {
            let mut cache = vector_cache(&engine, cli.db.as_deref())?;
            cmd_embed(&engine, &input, cache.as_mut(), quiet)
        }
        Command::Compare(args) => compare::run(&engine, &cli.db.unwrap_or_else(storyweave_store::default_path), args),
        Command::Config => {
            let mut out = Out::stdout();
            out.write_all(engine.config().to_toml().as_bytes())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn exit_for(report: &IngestReport) -> ExitCode {
    if report.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_SKIPPED)
    }
}

fn print_report(report: &IngestReport, json: bool, verb: &str) -> Result<()> {
    let mut out = Out::stdout();
    if json {
        print_json_line(&mut out, report)?;
    } else {
        writeln!(
            out,
            "{verb}: {} records, {} new articles, {} already stored, {} skipped; {} new stories, {} extended",
            report.records,
            report.added,
            report.duplicates,
            report.skipped.len(),
            report.new_stories,
            report.extended_stories
        )?;
    }
    out.flush()?;
    Ok(())
}

/// Progress bar and skip log on stderr; the bar only appears on a terminal.
struct Progress {
    bar: Option<ProgressBar>,
    quiet: bool,
}

impl Progress {
    fn new(quiet: bool) -> Self {
        use std::io::IsTerminal;
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(0);
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} articles {per_sec} {eta}") {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar, quiet }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl StorySink for Progress {
    fn on_skip(&mut self, skip: &Skip) {
        let line = format!("skipped {}: {}", skip.origin, skip.reason);
        match &self.bar {
            Some(b) => b.println(line),
            None if !self.quiet => eprintln!("storyweave: {line}"),
            None => {}
        }
    }

    fn on_progress(&mut self, done: usize, total: Option<usize>) {
        if let Some(b) = &self.bar {
            // Streamed input has no known total: the bar then just counts.
            b.set_length(total.unwrap_or(done) as u64);
            b.set_position(done as u64);
        }
    }
}

fn report_skip(origin: &Origin, reason: &str) {
    eprintln!("storyweave: skipped {origin}: {reason}");
}

/// Reads records from files/folders, or JSON lines from stdin for `-`.
fn read_records(paths: &[PathBuf], max_bytes: u64, mut each: impl FnMut(Result<RawArticle, RecordError>)) {
    let opts = ReadOptions { max_bytes };
    for item in storyweave_ingest::list_inputs(paths) {
        match item {
            Err(e) => each(Err(e)),
            Ok(p) if p.as_os_str() == "-" => {
                let stdin = std::io::stdin();
                for r in storyweave_ingest::read_jsonl(stdin.lock(), "-", &opts) {
                    each(r);
                }
            }
            Ok(p) => {
                for r in storyweave_ingest::read_file_iter(&p, &opts) {
                    each(r);
                }
            }
        }
    }
}

fn cmd_clean(engine: &Engine, paths: &[PathBuf], max_bytes: u64) -> Result<ExitCode> {
    let mut out = Out::stdout();
    let mut skipped = 0usize;
    let mut result = Ok(());
    read_records(paths, max_bytes, |rec| {
        if result.is_err() {
            return;
        }
        let raw = match rec {
            Ok(r) => r,
            Err(e) => {
                skipped += 1;
                report_skip(&e.origin, &e.reason);
                return;
            }
        };
        match engine.clean(raw) {
            Ok(a) => {
                let line = serde_json::json!({
                    "file": a.origin.file,
                    "id": a.id,
                    "title": a.title,
                    "text": a.text,
                    "lang": a.lang,
                    "published": a.published,
                    "byline": a.byline,
                });
                result = print_json_line(&mut out, &line);
            }
            Err(e) => {
                skipped += 1;
                report_skip(&e.origin, &e.reason);
            }
        }
    });
    result?;
    out.flush()?;
    Ok(if skipped == 0 { ExitCode::SUCCESS } else { ExitCode::from(EXIT_SKIPPED) })
}

/// The store that caches encoder vectors, when a model is loaded (nothing to cache otherwise).
fn vector_cache(engine: &Engine, db: Option<&Path>) -> Result<Option<Store>> {
    if engine.encoder().is_none() {
        return Ok(None);
    }
    open_store(db).map(Some)
}

/// Reads and cleans every record of `input`; bad ones are reported and counted.
fn read_clean(engine: &Engine, input: &Path) -> (Vec<storyweave_model::CleanArticle>, usize) {
    let mut articles = Vec::new();
    let mut skipped = 0usize;
    read_records(&[input.to_path_buf()], engine.config().input.max_bytes, |rec| match rec
        .map_err(|e| (e.origin, e.reason))
        .and_then(|r| engine.clean_lenient(r).map_err(|e| (e.origin, e.reason)))
    {
        Ok(a) => articles.push(a),
        Err((origin, reason)) => {
            skipped += 1;
            report_skip(&origin, &reason);
        }
    });
    (articles, skipped)
}

fn cmd_embed(engine: &Engine, input: &Path, cache: Option<&mut Store>, quiet: bool) -> Result<ExitCode> {
    let (articles, skipped) = read_clean(engine, input);
    let refs: Vec<&storyweave_model::CleanArticle> = articles.iter().collect();
    let keys: Vec<String> = articles.iter().map(storyweave_engine::content_key).collect();
    let bar = if quiet { ProgressBar::hidden() } else { ProgressBar::new(articles.len() as u64) };
    let vectors = engine
        .vectors(&refs, &keys, cache, &mut |done, _| bar.set_position(done as u64))
        .context("encoding failed")?
        .unwrap_or_default();
    bar.finish_and_clear();
    let mut out = Out::stdout();
    for (a, v) in articles.iter().zip(vectors) {
        print_json_line(&mut out, &serde_json::json!({"id": a.id, "vector": v}))?;
    }
    out.flush()?;
    Ok(if skipped == 0 { ExitCode::SUCCESS } else { ExitCode::from(EXIT_SKIPPED) })
}

fn cmd_cluster(engine: &Engine, input: &Path, cache: Option<&mut Store>) -> Result<ExitCode> {
    let (articles, skipped) = read_clean(engine, input);
    let mut out = Out::stdout();
    for (id, story) in engine.cluster(articles, cache).context("clustering failed")? {
        print_json_line(&mut out, &serde_json::json!({"id": id, "story": story.to_string()}))?;
    }
    out.flush()?;
    Ok(if skipped == 0 { ExitCode::SUCCESS } else { ExitCode::from(EXIT_SKIPPED) })
}

fn cmd_similarity(engine: &Engine, input: &Path, explain: bool, cache: Option<&mut Store>) -> Result<ExitCode> {
    let label = input.display().to_string();
    let reader: Box<dyn BufRead> = if input.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let f = std::fs::File::open(input).with_context(|| format!("could not open {label}"))?;
        Box::new(std::io::BufReader::new(f))
    };
    let mut pairs = Vec::new();
    let mut skipped = 0usize;
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("could not read {label}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let origin = Origin { file: label.clone(), line: Some(n + 1), item: None };
        match parse_pair(&line, &origin) {
            Ok(p) => pairs.push(p),
            Err(reason) => {
                skipped += 1;
                report_skip(&origin, &reason);
            }
        }
    }
    let mut out = Out::stdout();
    for r in engine.similarity_pairs(pairs, explain, cache).context("scoring failed")? {
        match r {
            Ok(r) => print_json_line(&mut out, &r)?,
            Err(e) => {
                skipped += 1;
                report_skip(&e.origin, &e.reason);
            }
        }
    }
    out.flush()?;
    Ok(if skipped == 0 { ExitCode::SUCCESS } else { ExitCode::from(EXIT_SKIPPED) })
}

fn parse_pair(line: &str, origin: &Origin) -> std::result::Result<PairInput, String> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("broken JSON: {e}"))?;
    let id = match v.get("id") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => return Err("a pair needs an \"id\"".into()),
    };
    let side = |k: &str| -> std::result::Result<RawArticle, String> {
        let obj = v.get(k).ok_or_else(|| format!("a pair needs an article \"{k}\""))?;
        storyweave_ingest::parse_record(obj, origin.clone()).map_err(|e| format!("article \"{k}\": {}", e.reason))
    };
    Ok(PairInput { id, a: side("a")?, b: side("b")? })
}
