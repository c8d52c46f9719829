//! The `storyweave` command-line tool: a thin layer over `storyweave_engine`.

mod compare;
mod output;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use output::{print_json_line, Out, Progress};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use storyweave_engine::{Config, Engine, IngestReport, PairInput, Pipeline, SearchQuery};
use storyweave_ingest::{ReadOptions, RecordError};
use storyweave_model::{Origin, RawArticle};
use storyweave_store::{SqliteStore, StorySort};

/// Exit code when the command finished but some records were skipped.
const EXIT_SKIPPED: u8 = 3;
/// Exit code when an input path given on the command line does not exist.
const EXIT_MISSING_INPUT: u8 = 4;

const AFTER_HELP: &str = "\
JSON output: `ingest --json`, `recluster --json`, `stories --json`, `story --json`, `search --json`,
`clean`, `cluster`, `similarity`, `embed` and `export` print JSON lines (one JSON value per line,
UTF-8), which `jq` and other JSON tools read as they are. Progress and skipped records go to
stderr, never to stdout.

Exit codes: 0 success; 1 error (the message says what to do); 2 bad command line;
3 finished, but some records were skipped (each named on stderr); 4 an input path does not exist
or cannot be read (the other inputs were still read).";

/// Turns a stream of news articles in any language into cross-lingual stories.
#[derive(Parser)]
#[command(name = "storyweave", version, about, long_about = None, after_help = AFTER_HELP)]
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
    /// Bilingual lexicon directory (built by `scripts/lexicon.sh`); overrides `[lexicon] path`.
    /// Search then also translates the query word for word, so that it finds stories told in
    /// other languages without a model.
    #[arg(long, global = true, value_name = "DIR", env = "STORYWEAVE_LEXICON")]
    lexicon: Option<PathBuf>,
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
        /// Print the report as one JSON line.
        #[arg(long)]
        json: bool,
    },
    /// Print each article cleaned, as one JSON line (nothing is stored).
    Clean {
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// List stories (read-only).
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
        /// Only stories with an article in this language (ISO code, e.g. de).
        #[arg(long)]
        lang: Option<String>,
        /// Only stories with an article published at or after this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Only stories with an article published at or before this time.
        #[arg(long)]
        until: Option<String>,
        /// Only stories naming this entity, in any script (e.g. Putin or Путин).
        #[arg(long)]
        entity: Option<String>,
        /// Only stories with an article from this source (case-insensitive).
        #[arg(long)]
        source: Option<String>,
        /// Order: largest first, or most recently updated first.
        #[arg(long, value_enum, default_value_t = SortArg::Size)]
        sort: SortArg,
    },
    /// Show one story: its articles and their relations (read-only).
    Story {
        /// Story id (`s12` or `12`).
        id: String,
        /// The reader's language (ISO 639-1, e.g. `en`): headline and summary in it, else in
        /// the closest language there is, saying so.
        #[arg(long)]
        lang: Option<String>,
        /// Leave out the comparison inside the story (headline, summary, provenance, adds).
        #[arg(long)]
        no_compare: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Search stories in any language, best first (read-only).
    Search {
        /// What to look for: names, words or a sentence, in any language or script.
        query: String,
        /// Only articles in this language.
        #[arg(long)]
        lang: Option<String>,
        /// Only articles published at or after this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Only articles published at or before this time.
        #[arg(long)]
        until: Option<String>,
        /// Only stories naming this entity.
        #[arg(long)]
        entity: Option<String>,
        /// Only articles from this source.
        #[arg(long)]
        source: Option<String>,
        /// At most this many stories.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print JSON lines `{"story","score","headline","articles":[ids…]}`.
        #[arg(long)]
        json: bool,
    },
    /// Show how the lexicon (`--lexicon`) translates a query, word by word, as search uses it.
    Translate {
        /// Words or a sentence.
        text: String,
        /// The text's language (default: the one whose dictionary knows most of its words, as
        /// search reads a query).
        #[arg(long)]
        from: Option<String>,
        /// The language to translate into.
        #[arg(long, default_value = "en")]
        to: String,
    },
    /// Export every story with its articles and relations (read-only).
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        /// Write to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Leave out each story's comparison (headline and summary, provenance, what each
        /// source adds), which aligns every pair of a story's articles and takes time.
        #[arg(long)]
        no_compare: bool,
        /// The reader's language for each story's headline and summary.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Rebuild all stories from the stored articles (swapped in at once).
    Recluster {
        /// Print the report as one JSON line.
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
    /// Serve the HTTP API, a live event feed and the web page over the store.
    Serve {
        /// Address to listen on. Anything but a loopback address needs --token.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Token that writes (POST) must carry as `Authorization: Bearer TOKEN`.
        #[arg(long, env = "STORYWEAVE_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Folders and feed files to poll for new articles (repeatable).
        #[arg(long, value_name = "DIR|FEED_FILE")]
        watch: Vec<PathBuf>,
        /// Seconds between two polls of --watch.
        #[arg(long, default_value_t = 10)]
        watch_interval: u64,
        /// Largest request body, in MiB.
        #[arg(long, default_value_t = 64)]
        max_body_mib: usize,
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

#[derive(Clone, Copy, ValueEnum)]
enum SortArg {
    /// Largest first.
    Size,
    /// Most recently updated first.
    Updated,
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

fn load_config(cli: &Cli) -> Result<Config> {
    let mut config = match cli.config.as_deref() {
        Some(p) => Config::from_toml_file(p).context("could not load the configuration")?,
        None => Config::default(),
    };
    if let Some(dir) = &cli.model {
        config.model.path = Some(dir.clone());
    }
    if let Some(dir) = &cli.lexicon {
        config.lexicon.path = Some(dir.clone());
    }
    Ok(config)
}

fn db_path(db: Option<&Path>) -> PathBuf {
    db.map(Path::to_path_buf).unwrap_or_else(storyweave_store::default_path)
}

/// Opens the store for a read command: never creates or changes it.
fn open_read(db: Option<&Path>) -> Result<SqliteStore> {
    let path = db_path(db);
    SqliteStore::open_read_only(&path).with_context(|| format!("could not read the store {}", path.display()))
}

/// Builds the pipeline; commands that compare articles load the encoder (or say, once, that
/// they run without one), and those that read queries the lexicon.
fn build_pipeline(cli: &Cli, config: Config) -> Result<Pipeline> {
    let compares = matches!(
        cli.command,
        Command::Ingest { .. }
            | Command::Recluster { .. }
            | Command::Cluster { .. }
            | Command::Similarity { .. }
            | Command::Embed { .. }
            | Command::Search { .. }
            | Command::Serve { .. }
            | Command::Compare(..)
            | Command::Story { .. }
            | Command::Export { .. }
    );
    let pipeline = match &config.model.path {
        _ if !compares => Pipeline::new(config),
        Some(dir) => {
            let dir = dir.display().to_string();
            Pipeline::with_model(config).with_context(|| format!("could not load the model {dir}"))?
        }
        None => {
            if matches!(cli.command, Command::Embed { .. }) {
                anyhow::bail!("`embed` needs a model: give --model DIR or [model] path in the config");
            }
            let read_only = matches!(cli.command, Command::Search { .. } | Command::Story { .. } | Command::Export { .. });
            if !cli.quiet && !read_only {
                eprintln!(
                    "storyweave: no model given (--model DIR or [model] path); comparing articles on names, numbers, dates and words only"
                );
            }
            Pipeline::new(config)
        }
    };
    // Only search (and `translate`, which shows how search reads a query) uses the lexicon:
    // other commands need not load its 24 MB.
    if matches!(cli.command, Command::Search { .. } | Command::Serve { .. } | Command::Translate { .. }) {
        return pipeline.with_lexicon().context("could not load the lexicon");
    }
    Ok(pipeline)
}

/// Opens the long-lived engine over the store for a write command.
fn open_engine(cli: &Cli, pipeline: Pipeline) -> Result<Engine> {
    let path = db_path(cli.db.as_deref());
    let engine = Engine::open(&path, pipeline).with_context(|| format!("could not open the store {}", path.display()))?;
    let quiet = cli.quiet;
    engine.on_write_wait(std::sync::Arc::new(move |p: &Path| {
        if !quiet {
            eprintln!("storyweave: waiting for another storyweave process writing to {} …", p.display());
        }
    }))?;
    Ok(engine)
}

/// Reads a time given on the command line.
fn parse_time(flag: &str, value: Option<&str>) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    value
        .map(|v| storyweave_ingest::parse_date(v).with_context(|| format!("--{flag} {v:?}: expected RFC 3339 (2024-05-01T12:00:00Z) or YYYY-MM-DD")))
        .transpose()
}

fn run(cli: Cli) -> Result<ExitCode> {
    let config = load_config(&cli)?;
    let pipeline = build_pipeline(&cli, config)?;
    let quiet = cli.quiet;
    match &cli.command {
        Command::Ingest { paths, json } => {
            let (paths, json) = (paths.clone(), *json);
            let engine = open_engine(&cli, pipeline)?;
            let mut sink = Progress::new(quiet, "ingest");
            let report = engine.ingest_paths(&paths, &mut sink).context("ingest failed")?;
            sink.finish();
            print_report(&report, json, "ingested")?;
            Ok(exit_for(&report))
        }
        Command::Recluster { json } => {
            let json = *json;
            let engine = open_engine(&cli, pipeline)?;
            let mut sink = Progress::new(quiet, "recluster");
            let report = engine.recluster(&mut sink).context("recluster failed")?;
            sink.finish();
            print_report(&report, json, "reclustered")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Clean { paths } => cmd_clean(&pipeline, paths),
        Command::Stories { json, limit, min_articles, lang, since, until, entity, source, sort } => {
            let store = open_read(cli.db.as_deref())?;
            let query = storyweave_store::StoryQuery {
                lang: lang.clone(),
                since: parse_time("since", since.as_deref())?,
                until: parse_time("until", until.as_deref())?,
                entity_token: match entity {
                    Some(e) => Some(storyweave_engine::entity_token(e).with_context(|| format!("--entity {e:?}: not a name"))?),
                    None => None,
                },
                source: source.clone(),
                min_articles: *min_articles,
                sort: match sort {
                    SortArg::Size => StorySort::Size,
                    SortArg::Updated => StorySort::Updated,
                },
                limit: 0,
                cursor: None,
            };
            output::print_stories(&store, &query, *json, *limit)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Story { id, lang, no_compare, json } => {
            let store = open_read(cli.db.as_deref())?;
            let sid = storyweave_engine::views::parse_story_id(id)?;
            let compare = (!no_compare).then(|| (&pipeline, lang.as_deref().map(storyweave_model::Lang::new)));
            output::print_story(&store, sid, compare, *json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Translate { text, from, to } => {
            let Some(lexicon) = pipeline.translator() else {
                anyhow::bail!("`translate` needs a lexicon: give --lexicon DIR (built by scripts/lexicon.sh) or [lexicon] path");
            };
            let from = match from {
                Some(l) => storyweave_model::Lang::new(l),
                None => lexicon
                    .source_language(text, storyweave_text::detect_language(text).as_ref())
                    .context("no dictionary knows these words, nor can their language be told: give --from")?,
            };
            let mut out = std::io::stdout().lock();
            for alts in lexicon.translate(text, &from, &storyweave_model::Lang::new(to)) {
                writeln!(out, "{}", alts.join(" | "))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { query, lang, since, until, entity, source, limit, json } => {
            let store = open_read(cli.db.as_deref())?;
            let q = SearchQuery {
                text: query.clone(),
                lang: lang.clone(),
                since: parse_time("since", since.as_deref())?,
                until: parse_time("until", until.as_deref())?,
                entity: entity.clone(),
                source: source.clone(),
                limit: Some(*limit),
            };
            let vectors = match pipeline.encoder() {
                Some(e) => Some(storyweave_engine::search::StoredVectors::load(&pipeline, &store, e.id())?),
                None => None,
            };
            let hits = storyweave_engine::search::search(
                &pipeline,
                &store,
                vectors.as_ref().map(|v| v as &dyn storyweave_engine::search::VectorSearch),
                &q,
            )?;
            output::print_search(&hits, *json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { format: ExportFormat::Jsonl, output, no_compare, lang } => {
            let store = open_read(cli.db.as_deref())?;
            let compare = (!no_compare).then(|| (&pipeline, lang.as_deref().map(storyweave_model::Lang::new)));
            output::export_jsonl(&store, output.as_deref(), compare)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Cluster { input } => {
            let mut cache = vector_cache(&pipeline, cli.db.as_deref())?;
            cmd_cluster(&pipeline, input, cache.as_mut())
        }
        Command::Similarity { input, explain } => {
            let mut cache = vector_cache(&pipeline, cli.db.as_deref())?;
            cmd_similarity(&pipeline, input, *explain, cache.as_mut())
        }
        Command::Embed { input } => {
            let mut cache = vector_cache(&pipeline, cli.db.as_deref())?;
            cmd_embed(&pipeline, input, cache.as_mut(), quiet)
        }
        Command::Serve { addr, token, watch, watch_interval, max_body_mib } => {
            let opts = storyweave_server::ServeOptions {
                addr: *addr,
                token: token.clone(),
                watch: watch.clone(),
                watch_interval: std::time::Duration::from_secs((*watch_interval).max(1)),
                max_body: max_body_mib.saturating_mul(1024 * 1024),
            };
            // Refused before the store is even opened.
            storyweave_server::check(&opts)?;
            let engine = std::sync::Arc::new(open_engine(&cli, pipeline)?);
            storyweave_server::serve(engine, opts)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare(args) => compare::run(&pipeline, &db_path(cli.db.as_deref()), args),
        Command::Config => {
            let mut out = Out::stdout();
            out.write_all(pipeline.config().to_toml().as_bytes())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn exit_for(report: &IngestReport) -> ExitCode {
    if report.missing_input() {
        ExitCode::from(EXIT_MISSING_INPUT)
    } else if report.skipped.is_empty() {
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
            "{verb}: {} records, {} new articles, {} already stored, {} skipped; {} new stories, {} extended, {} merged",
            report.records,
            report.added,
            report.duplicates,
            report.skipped.len(),
            report.new_stories,
            report.extended_stories,
            report.merged_stories
        )?;
    }
    out.flush()?;
    Ok(())
}

fn report_skip(origin: &Origin, reason: &str) {
    eprintln!("storyweave: skipped {origin}: {reason}");
}

/// Reads records from files/folders, or JSON lines from stdin for `-`; returns whether an
/// input path was missing.
fn read_records(paths: &[PathBuf], max_bytes: u64, mut each: impl FnMut(Result<RawArticle, RecordError>)) -> bool {
    let opts = ReadOptions { max_bytes };
    let mut missing = false;
    for item in storyweave_ingest::list_inputs(paths) {
        match item {
            Err(e) => {
                missing |= e.level() == storyweave_ingest::Level::Input;
                each(Err(e))
            }
            Ok(p) => {
                for r in storyweave_ingest::read_file_iter(&p, &opts) {
                    each(r);
                }
            }
        }
    }
    missing
}

/// The exit code of an evaluation command.
fn eval_exit(skipped: usize, missing: bool) -> ExitCode {
    if missing {
        ExitCode::from(EXIT_MISSING_INPUT)
    } else if skipped == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_SKIPPED)
    }
}

fn cmd_clean(pipeline: &Pipeline, paths: &[PathBuf]) -> Result<ExitCode> {
    let mut out = Out::stdout();
    let mut skipped = 0usize;
    let mut result = Ok(());
    let missing = read_records(paths, pipeline.config().input.max_bytes, |rec| {
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
        match pipeline.clean(raw) {
            Ok(a) => {
                let line = serde_json::json!({
                    "file": a.origin.file,
                    "id": a.id,
                    "title": a.title,
                    "text": a.text,
                    "lang": a.lang,
                    "published": a.published,
                    "byline": a.byline,
                    "source": a.source,
                    "url": a.url,
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
    Ok(eval_exit(skipped, missing))
}

/// The store that caches encoder vectors, when a model is loaded (nothing to cache otherwise).
fn vector_cache(pipeline: &Pipeline, db: Option<&Path>) -> Result<Option<SqliteStore>> {
    if pipeline.encoder().is_none() {
        return Ok(None);
    }
    let path = db_path(db);
    SqliteStore::open(&path).map(Some).with_context(|| format!("could not open the store {}", path.display()))
}

/// Reads and cleans every record of `input`; bad ones are reported and counted.
fn read_clean(pipeline: &Pipeline, input: &Path) -> (Vec<storyweave_model::CleanArticle>, usize, bool) {
    let mut articles = Vec::new();
    let mut skipped = 0usize;
    let missing = read_records(&[input.to_path_buf()], pipeline.config().input.max_bytes, |rec| match rec
        .map_err(|e| (e.origin, e.reason))
        .and_then(|r| pipeline.clean_lenient(r).map_err(|e| (e.origin, e.reason)))
    {
        Ok(a) => articles.push(a),
        Err((origin, reason)) => {
            skipped += 1;
            report_skip(&origin, &reason);
        }
    });
    (articles, skipped, missing)
}

fn cmd_embed(pipeline: &Pipeline, input: &Path, cache: Option<&mut SqliteStore>, quiet: bool) -> Result<ExitCode> {
    let (articles, skipped, missing) = read_clean(pipeline, input);
    let refs: Vec<&storyweave_model::CleanArticle> = articles.iter().collect();
    let keys: Vec<String> = articles.iter().map(storyweave_engine::content_key).collect();
    let bar = output::count_bar(quiet, articles.len() as u64, "articles encoded");
    let vectors = pipeline
        .vectors(&refs, &keys, cache, &mut |done, _| bar.set_position(done as u64))
        .context("encoding failed")?
        .unwrap_or_default();
    bar.finish_and_clear();
    let mut out = Out::stdout();
    for (a, v) in articles.iter().zip(vectors) {
        print_json_line(&mut out, &serde_json::json!({"id": a.id, "vector": v}))?;
    }
    out.flush()?;
    Ok(eval_exit(skipped, missing))
}

fn cmd_cluster(pipeline: &Pipeline, input: &Path, cache: Option<&mut SqliteStore>) -> Result<ExitCode> {
    let (articles, skipped, missing) = read_clean(pipeline, input);
    let mut out = Out::stdout();
    for (id, story) in pipeline.cluster(articles, cache).context("clustering failed")? {
        print_json_line(&mut out, &serde_json::json!({"id": id, "story": story.to_string()}))?;
    }
    out.flush()?;
    Ok(eval_exit(skipped, missing))
}

fn cmd_similarity(pipeline: &Pipeline, input: &Path, explain: bool, cache: Option<&mut SqliteStore>) -> Result<ExitCode> {
    let label = input.display().to_string();
    let reader: Box<dyn BufRead> = if input.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        match std::fs::File::open(input) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                eprintln!("storyweave: skipped {label}: does not exist: check the path (or use `-` for JSON lines on standard input)");
                return Ok(ExitCode::from(EXIT_MISSING_INPUT));
            }
            Err(e) => return Err(e).with_context(|| format!("could not open {label}")),
        }
    };
    let mut pairs = Vec::new();
    let mut skipped = 0usize;
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("could not read {label}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let origin = Origin { file: label.clone(), line: Some(n + 1), item: None, html: false };
        match PairInput::parse_line(&line, &origin) {
            Ok(p) => pairs.push(p),
            Err(reason) => {
                skipped += 1;
                report_skip(&origin, &reason);
            }
        }
    }
    let mut out = Out::stdout();
    for r in pipeline.similarity_pairs(pairs, explain, cache).context("scoring failed")? {
        match r {
            Ok(r) => print_json_line(&mut out, &r)?,
            Err(e) => {
                skipped += 1;
                report_skip(&e.origin, &e.reason);
            }
        }
    }
    out.flush()?;
    Ok(eval_exit(skipped, false))
}
