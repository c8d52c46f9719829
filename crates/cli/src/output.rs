//! Printing: JSON lines, tables, export, progress; a closed pipe ends output quietly.

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::{BufWriter, Write};
use std::path::Path;
use storyweave_engine::views::{for_each_story, story_export, story_view};
use storyweave_engine::{story_comparison, Pipeline, StoryComparison, StoryView};
use storyweave_model::Lang;
use storyweave_engine::{SearchHit, Skip, StorySink};
use storyweave_model::{Story, StoryId};
use storyweave_store::{StoreRead, StoryListing, StoryQuery};

/// Buffered output to stdout or a file.
pub struct Out(Box<dyn Write>);

impl Out {
    pub fn stdout() -> Self {
        Out(Box::new(BufWriter::new(std::io::stdout().lock())))
    }

    fn file(path: &Path) -> Result<Self> {
        let f = std::fs::File::create(path).with_context(|| format!("could not create {}", path.display()))?;
        Ok(Out(Box::new(BufWriter::new(f))))
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// True when the error chain holds a broken pipe (the reader went away).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes one value as a JSON line.
pub fn print_json_line<T: Serialize>(out: &mut Out, value: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn span(s: &Story) -> String {
    match (s.first_published, s.last_published) {
        (Some(a), Some(b)) if a.date_naive() == b.date_naive() => a.format("%Y-%m-%d").to_string(),
        (Some(a), Some(b)) => format!("{}..{}", a.format("%Y-%m-%d"), b.format("%Y-%m-%d")),
        _ => "-".to_string(),
    }
}

fn langs(s: &Story) -> String {
    s.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(",")
}

/// A story list line as JSON: the story without its member ids, with its size and update time.
#[derive(Serialize)]
struct ListedJson<'a> {
    id: StoryId,
    headline: &'a str,
    article_count: usize,
    languages: &'a [storyweave_model::Lang],
    first_published: Option<chrono::DateTime<chrono::Utc>>,
    last_published: Option<chrono::DateTime<chrono::Utc>>,
    updated_at: chrono::DateTime<chrono::Utc>,
    top_entities: &'a [String],
}

fn listed_json(l: &StoryListing) -> ListedJson<'_> {
    ListedJson {
        id: l.story.id,
        headline: &l.story.headline,
        article_count: l.article_count,
        languages: &l.story.languages,
        first_published: l.story.first_published,
        last_published: l.story.last_published,
        updated_at: l.updated_at,
        top_entities: &l.story.top_entities,
    }
}

/// `storyweave stories`.
pub fn print_stories(store: &dyn StoreRead, query: &StoryQuery, json: bool, limit: Option<usize>) -> Result<()> {
    let mut out = Out::stdout();
    if !json {
        writeln!(out, "{:<7} {:>8}  {:<14} {:<22} headline / top entities", "story", "articles", "languages", "time span")?;
    }
    let mut left = limit.unwrap_or(usize::MAX);
    let mut io_result = Ok(());
    for_each_story(store, query, |l| {
        if left == 0 {
            return Ok(false);
        }
        left -= 1;
        let s = &l.story;
        io_result = (|| -> Result<()> {
            if json {
                print_json_line(&mut out, &listed_json(l))?;
            } else {
                writeln!(out, "{:<7} {:>8}  {:<14} {:<22} {}", s.id.to_string(), l.article_count, langs(s), span(s), s.headline)?;
                if !s.top_entities.is_empty() {
                    writeln!(out, "{:<55} [{}]", "", s.top_entities.join(", "))?;
                }
            }
            Ok(())
        })();
        Ok(io_result.is_ok())
    })?;
    io_result?;
    out.flush()?;
    Ok(())
}

/// What to compare inside a story: with this pipeline, in this reader's language.
pub type Compare<'a> = Option<(&'a Pipeline, Option<Lang>)>;

/// `storyweave story ID`.
pub fn print_story(store: &dyn StoreRead, id: StoryId, compare: Compare<'_>, json: bool) -> Result<()> {
    let mut view = story_view(store, id)?;
    if let Some((p, lang)) = compare {
        view.comparison = Some(story_comparison(p, store, id, lang)?.0);
    }
    let mut out = Out::stdout();
    if json {
        print_json_line(&mut out, &view)?;
        out.flush()?;
        return Ok(());
    }
    let story = &view.story;
    writeln!(out, "{}  {}", story.id, story.headline)?;
    writeln!(out, "languages: {}   time span: {}   articles: {}", langs(story), span(story), view.articles.len())?;
    if !story.top_entities.is_empty() {
        writeln!(out, "entities: {}", story.top_entities.join(", "))?;
    }
    writeln!(out, "\narticles (by language):")?;
    for group in &view.languages {
        for id in &group.articles {
            let Some(a) = view.articles.iter().find(|a| &a.id == id) else { continue };
            let when = a.published.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "-".into());
            writeln!(out, "  {:<28} {:<16} {}", a.label, when, a.title)?;
            if let Some(url) = &a.url {
                writeln!(out, "  {:<28} {:<16} {}", "", "", url)?;
            }
        }
    }
    if !view.groups.is_empty() {
        writeln!(out, "\ngroups:")?;
        let label = |id: &storyweave_model::ArticleId| view.articles.iter().find(|a| &a.id == id).map_or_else(|| id.to_string(), |a| a.label.clone());
        for g in &view.groups {
            let names: Vec<String> = g.articles.iter().map(label).collect();
            writeln!(out, "  {:<16} {}", g.kind.as_str(), names.join(" · "))?;
        }
    }
    if let Some(c) = &view.comparison {
        print_comparison(&mut out, c, &view)?;
    }
    writeln!(out, "\nrelations:")?;
    for r in &view.relations {
        let e = &r.relation.evidence;
        let mut why = Vec::new();
        if !e.matched_bylines.is_empty() {
            why.push(format!("bylines: {}", e.matched_bylines.join(", ")));
        }
        if !e.aligned_passages.is_empty() {
            why.push(format!("{} aligned passages", e.aligned_passages.len()));
        }
        if !e.matched_quotes.is_empty() {
            why.push(format!("{} matched quotes", e.matched_quotes.len()));
        }
        if !e.shared_entities.is_empty() {
            let names: Vec<&str> = e.shared_entities.iter().take(5).map(String::as_str).collect();
            why.push(format!("entities: {}", names.join(", ")));
        }
        if !e.shared_numbers.is_empty() {
            let nums: Vec<&str> = e.shared_numbers.iter().take(5).map(String::as_str).collect();
            why.push(format!("numbers: {}", nums.join(", ")));
        }
        writeln!(out, "  {} ~ {}  {:<15} {:.2}  {}", r.a_label, r.b_label, r.relation.kind.as_str(), r.relation.similarity, why.join("; "))?;
    }
    out.flush()?;
    Ok(())
}

/// Headline and summary, provenance and what each source adds, for `story`.
fn print_comparison(out: &mut Out, c: &StoryComparison, view: &StoryView) -> Result<()> {
    let label = |id: &storyweave_model::ArticleId| view.articles.iter().find(|a| &a.id == id).map_or_else(|| id.to_string(), |a| a.label.clone());
    let d = &c.digest;
    writeln!(out, "\nheadline ({}): {}", d.headline_lang, d.headline)?;
    if let Some(note) = &d.fallback_note {
        writeln!(out, "  ({note})")?;
    }
    if c.compared < c.articles {
        writeln!(out, "  (compared the first {} of {} articles)", c.compared, c.articles)?;
    }
    if !d.summary.is_empty() {
        writeln!(out, "\nsummary:")?;
        for s in &d.summary {
            writeln!(out, "  - {}  [{}; said by {} more]", s.text, label(&s.article), s.covered_by)?;
        }
    }
    writeln!(out, "\nprovenance:")?;
    for g in &d.provenance {
        let names: Vec<String> = g.articles.iter().map(&label).collect();
        let kinds: std::collections::BTreeSet<&str> = g.links.iter().map(|l| l.kind.as_str()).collect();
        let first = match (&g.earliest, g.earliest_published) {
            (Some(a), Some(t)) => format!("; earliest {} at {}", label(a), t.format("%Y-%m-%d %H:%M")),
            _ => String::new(),
        };
        writeln!(out, "  one source ({}{}): {}", kinds.into_iter().collect::<Vec<_>>().join(", "), first, names.join(" · "))?;
    }
    if !d.independent.is_empty() {
        let names: Vec<String> = d.independent.iter().map(&label).collect();
        writeln!(out, "  independent: {}", names.join(" · "))?;
    }
    if !d.adds.is_empty() {
        writeln!(out, "\nwhat each source adds:")?;
        for a in &d.adds {
            writeln!(out, "  {}:", label(&a.article))?;
            for s in &a.sentences {
                writeln!(out, "    + {}", s.text)?;
            }
        }
    }
    Ok(())
}

/// `storyweave search`.
pub fn print_search(hits: &[SearchHit], json: bool) -> Result<()> {
    let mut out = Out::stdout();
    for h in hits {
        if json {
            print_json_line(&mut out, h)?;
        } else {
            let langs: Vec<&str> = h.languages.iter().map(|l| l.as_str()).collect();
            writeln!(out, "{:<7} {:>6.3}  {:>4} articles  {:<14} {}", h.story.to_string(), h.score, h.article_count, langs.join(","), h.headline)?;
        }
    }
    if hits.is_empty() && !json {
        writeln!(out, "no story matches")?;
    }
    out.flush()?;
    Ok(())
}

/// `storyweave export --format jsonl`: one line per story with its articles and relations.
pub fn export_jsonl(store: &dyn StoreRead, path: Option<&Path>, compare: Compare<'_>) -> Result<()> {
    let mut out = match path {
        Some(p) => Out::file(p)?,
        None => Out::stdout(),
    };
    let query = StoryQuery { sort: storyweave_store::StorySort::Size, ..Default::default() };
    let mut io_result = Ok(());
    for_each_story(store, &query, |l| {
        let mut line = story_export(store, l.story.id)?;
        if let Some((p, lang)) = &compare {
            line.comparison = Some(story_comparison(p, store, l.story.id, lang.clone())?.0);
        }
        io_result = print_json_line(&mut out, &line);
        Ok(io_result.is_ok())
    })?;
    io_result?;
    out.flush()?;
    Ok(())
}

/// A bar counting items, hidden when quiet or not on a terminal.
pub fn count_bar(quiet: bool, len: u64, what: &str) -> ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {what} {{per_sec}} {{eta}} left")) {
        bar.set_style(style);
    }
    bar
}

/// Progress bar and skip log on stderr; the bar only appears on a terminal. It counts bytes
/// when their total is known up front (files), else records, and never shows a full bar for
/// nothing done.
pub struct Progress {
    bar: Option<ProgressBar>,
    quiet: bool,
    verb: &'static str,
    records: usize,
}

impl Progress {
    pub fn new(quiet: bool, verb: &'static str) -> Self {
        use std::io::IsTerminal;
        let bar = (!quiet && std::io::stderr().is_terminal()).then(ProgressBar::no_length);
        Progress { bar, quiet, verb, records: 0 }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl StorySink for Progress {
    fn on_start(&mut self, inputs: usize, bytes: u64) {
        let Some(b) = &self.bar else { return };
        let verb = self.verb;
        let template = if bytes > 0 {
            b.set_length(bytes);
            format!("{verb} {{bar:30}} {{bytes}}/{{total_bytes}} {{binary_bytes_per_sec}} {{eta}} left · {{msg}}")
        } else if inputs > 0 {
            b.set_length(inputs as u64);
            format!("{verb} {{bar:30}} {{pos}}/{{len}} {{per_sec}} {{eta}} left · {{msg}}")
        } else {
            format!("{verb} {{spinner}} {{pos}} records {{per_sec}} · {{msg}}")
        };
        if let Ok(style) = ProgressStyle::with_template(&template) {
            b.set_style(style);
        }
    }

    fn on_skip(&mut self, skip: &Skip) {
        let line = format!("skipped {}: {}", skip.origin, skip.reason);
        match &self.bar {
            Some(b) => b.println(format!("storyweave: {line}")),
            None if !self.quiet => eprintln!("storyweave: {line}"),
            None => {}
        }
    }

    fn on_warning(&mut self, w: &storyweave_engine::Warning) {
        let line = format!("storyweave: warning: {}: {}", w.origin, w.message);
        match &self.bar {
            Some(b) => b.println(line),
            None if !self.quiet => eprintln!("{line}"),
            None => {}
        }
    }

    fn on_progress(&mut self, records: usize, bytes: u64) {
        self.records = records;
        if let Some(b) = &self.bar {
            let pos = match b.length() {
                // Bytes are estimated from the records' bodies; never past the total.
                Some(len) if len > 0 && bytes > 0 => bytes.min(len),
                _ => records as u64,
            };
            b.set_position(pos);
            b.set_message(format!("{records} records"));
        }
    }
}
