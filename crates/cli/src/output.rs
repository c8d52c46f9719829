//! Printing: JSON lines, tables, export; a closed pipe ends output quietly.

use anyhow::{Context, Result};
use serde::Serialize;
use std::io::{BufWriter, Write};
use std::path::Path;
use storyweave_model::{Story, StoryId};
use storyweave_store::Store;

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

/// `storyweave stories`.
pub fn print_stories(store: &Store, json: bool, limit: Option<usize>, min_articles: usize) -> Result<()> {
    let stories = store.stories().context("could not read stories")?;
    let mut out = Out::stdout();
    let shown = stories.iter().filter(|s| s.articles.len() >= min_articles).take(limit.unwrap_or(usize::MAX));
    if json {
        for s in shown {
            print_json_line(&mut out, s)?;
        }
    } else {
        writeln!(out, "{:<7} {:>8}  {:<14} {:<22} headline / top entities", "story", "articles", "languages", "time span")?;
        for s in shown {
            writeln!(out, "{:<7} {:>8}  {:<14} {:<22} {}", s.id.to_string(), s.articles.len(), langs(s), span(s), s.headline)?;
            if !s.top_entities.is_empty() {
                writeln!(out, "{:<55} [{}]", "", s.top_entities.join(", "))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// `storyweave story ID`.
pub fn print_story(store: &Store, id: StoryId, json: bool) -> Result<()> {
    let story = store.story(id)?.with_context(|| format!("no story {id} in the store"))?;
    let articles = store.articles_of_story(id)?;
    let relations = store.relations(id)?;
    let mut out = Out::stdout();
    if json {
        let v = serde_json::json!({"story": story, "articles": articles, "relations": relations});
        print_json_line(&mut out, &v)?;
    } else {
        writeln!(out, "{}  {}", story.id, story.headline)?;
        writeln!(out, "languages: {}   time span: {}   articles: {}", langs(&story), span(&story), articles.len())?;
        if !story.top_entities.is_empty() {
            writeln!(out, "entities: {}", story.top_entities.join(", "))?;
        }
        writeln!(out, "\narticles:")?;
        for a in &articles {
            let when = a.published.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "-".into());
            let title = if a.title.is_empty() { a.text.lines().next().unwrap_or("").chars().take(80).collect() } else { a.title.clone() };
            writeln!(out, "  {:<20} {:<3} {:<10} {}  ({})", a.id.to_string(), a.lang.as_str(), when, title, a.origin)?;
        }
        writeln!(out, "\nrelations:")?;
        for r in &relations {
            let e = &r.evidence;
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
            writeln!(out, "  {} ~ {}  {:<15} {:.2}  {}", r.a, r.b, r.kind.as_str(), r.similarity, why.join("; "))?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `storyweave export --format jsonl`: one line per story with its articles and relations.
pub fn export_jsonl(store: &Store, path: Option<&Path>) -> Result<()> {
    let mut out = match path {
        Some(p) => Out::file(p)?,
        None => Out::stdout(),
    };
    for s in store.stories()? {
        let articles = store.articles_of_story(s.id)?;
        let relations = store.relations(s.id)?;
        let v = serde_json::json!({"story": s, "articles": articles, "relations": relations});
        print_json_line(&mut out, &v)?;
    }
    out.flush()?;
    Ok(())
}
