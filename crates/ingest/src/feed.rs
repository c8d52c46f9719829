//! RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF feeds, read the way feedparser reads them: by the
//! local names of elements, whatever their namespace, prefix or version attribute.
//!
//! Written on a streaming XML tokenizer (`quick-xml`) rather than with a feed crate because
//! the feed crates parse one version of each format strictly: feed-rs yields nothing for
//! Atom 0.3, RSS in a namespace or without `version`, `<xhtml:body>` or base64 content, which
//! real feeds (and feedparser's test suite) contain. One pass over the events, so time and
//! memory grow linearly with the document, however many items or however deep it nests.

use crate::{error, ReadOptions, ReasonKind, RecordError};
use base64::Engine as _;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use storyweave_model::{Origin, RawArticle, RawBody};

/// Root elements of the feed formats read here (compared without case or prefix).
const FEED_ROOTS: [&str; 4] = ["rss", "rdf", "feed", "channel"];

/// True when a document's root element is that of an RSS, RDF, Atom or CDF feed (used to tell
/// feeds from other `.xml` files). Only the prolog and the root's start tag are read.
pub fn looks_like_feed(text: &str) -> bool {
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let name = local_name(&e);
                return FEED_ROOTS.iter().any(|r| name.eq_ignore_ascii_case(r));
            }
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

fn local_name(e: &BytesStart<'_>) -> String {
    local_name_of(e.name().as_ref())
}

/// The lower-case local part of a qualified name (`xhtml:Body` → `body`).
fn local_name_of(qname: &str) -> String {
    qname
        .rsplit(':')
        .next()
        .unwrap_or(qname)
        .to_ascii_lowercase()
}

/// Reads every item of a decoded feed document.
///
/// Markup errors (a closing tag that does not match, a broken tag) lose only the item they
/// are in: it is reported with its 1-based index, and reading resumes at the next item's
/// start tag. Undefined entities (`&nbsp;` in RSS) are read as HTML entities, a lone `&` as
/// itself, and an item left open at the end of the document is kept with a warning.
pub fn read_feed(
    text: &str,
    file: &str,
    opts: &ReadOptions,
) -> Vec<Result<RawArticle, RecordError>> {
    let origin = crate::file_origin(file);
    let mut parser = FeedParser {
        text,
        origin: origin.clone(),
        opts,
        feed_title: None,
        feed_lang: None,
        stack: Vec::new(),
        root_seen: false,
        item: None,
        field: None,
        items_seen: 0,
        event_start: 0,
        outside_error: None,
        out: Vec::new(),
    };
    if let Err(reason) = parser.run() {
        return vec![Err(error(origin, ReasonKind::Feed, format!(": {reason}")))];
    }
    if let (0, Some(reason)) = (parser.items_seen, &parser.outside_error) {
        return vec![Err(error(origin, ReasonKind::Feed, format!(": {reason}")))];
    }
    if parser.items_seen == 0 {
        return vec![Err(error(
            origin,
            ReasonKind::Empty,
            ": the feed has no items".to_string(),
        ))];
    }
    let source = parser.feed_title.filter(|t| !t.is_empty());
    parser
        .out
        .into_iter()
        .map(|r| {
            r.map(|mut a| {
                a.source = source.clone();
                a.lang = a.lang.or_else(|| parser.feed_lang.clone());
                a
            })
        })
        .collect()
}

/// What an open element is, as far as the feed structure goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// The root or a `<channel>`: its `title` and `language` describe the feed.
    Feed,
    /// An `<item>` or `<entry>`.
    Item,
    /// An element whose text is being captured (a child of an item, or feed title/language).
    Field,
    /// Anything else.
    Other,
}

/// An element whose content is being captured.
struct Field {
    name: String,
    /// Depth of the field element in the stack.
    depth: usize,
    attrs: Attrs,
    /// The content as text: text and CDATA, entities resolved, child tags dropped.
    text: String,
    /// The content as markup: child elements re-written with their local names, text as it
    /// stood (escaped); used when the field holds elements (inline XHTML).
    markup: String,
    has_children: bool,
}

/// The attributes of a field that change how its content is read.
#[derive(Default)]
struct Attrs {
    kind: Option<String>,
    mode: Option<String>,
    href: Option<String>,
    rel: Option<String>,
    lang: Option<String>,
    permalink: Option<String>,
}

impl Attrs {
    fn of(e: &BytesStart<'_>) -> Attrs {
        let mut attrs = Attrs::default();
        for a in e.attributes().with_checks(false).flatten() {
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_or_else(|_| a.value.to_string(), |v| v.into_owned());
            let key = a.key.as_ref();
            let slot = match key.rsplit(':').next().unwrap_or(key) {
                "type" => &mut attrs.kind,
                "mode" => &mut attrs.mode,
                "href" => &mut attrs.href,
                "rel" => &mut attrs.rel,
                "isPermaLink" => &mut attrs.permalink,
                "lang" if key.starts_with("xml:") => &mut attrs.lang,
                _ => continue,
            };
            *slot = Some(value.trim().to_string());
        }
        attrs
    }
}

/// An item being read. Each candidate keeps the rank of the element it came from (lower is
/// better) so the order of elements in the item does not matter.
#[derive(Default)]
struct Item {
    index: usize,
    depth: usize,
    /// Byte offset of its start tag in the document.
    start: usize,
    lang: Option<String>,
    title: Option<String>,
    link: Option<(u8, String)>,
    id: Option<String>,
    date: Option<(u8, String)>,
    body: Option<(u8, String)>,
    warnings: Vec<String>,
}

struct FeedParser<'a> {
    text: &'a str,
    origin: Origin,
    opts: &'a ReadOptions,
    feed_title: Option<String>,
    feed_lang: Option<String>,
    stack: Vec<Level>,
    root_seen: bool,
    item: Option<Item>,
    field: Option<Field>,
    items_seen: usize,
    /// Byte offset in the document of the event being handled.
    event_start: usize,
    /// A markup error outside any item: what to report if no item is found.
    outside_error: Option<String>,
    out: Vec<Result<RawArticle, RecordError>>,
}

fn new_reader(text: &str) -> Reader<&[u8]> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    // A bare `&` in text is common in real feeds and harmless.
    config.allow_dangling_amp = true;
    // A reader restarted at an item meets the closing tags of elements opened before it.
    config.allow_unmatched_ends = true;
    config.check_comments = false;
    reader
}

impl FeedParser<'_> {
    /// Reads the whole document; `Err` only when it is not a feed at all.
    fn run(&mut self) -> Result<(), String> {
        let len = self.text.len();
        // The slice being read: the whole document until the first markup error, then one
        // item at a time (from one item start tag to the next), so that an error found late
        // (a tag left open swallows the items after it) loses only its own item, and no byte
        // is read more than twice.
        let (mut base, mut end) = (0, len);
        let mut reader = new_reader(self.text);
        loop {
            self.event_start = base + reader.buffer_position() as usize;
            let next = match reader.read_event() {
                Ok(Event::Eof) if end == len => break,
                Ok(Event::Eof) => {
                    if let Some(item) = self.item.take() {
                        self.broken(item, "the item is not closed before the next one starts");
                    }
                    end
                }
                Ok(event) => {
                    self.event(event)?;
                    continue;
                }
                Err(e) => {
                    let at = base + reader.error_position() as usize;
                    match self.recover(&format!("{e} at byte {at}"), at) {
                        Some(next) => next,
                        None => break,
                    }
                }
            };
            base = next;
            end = next_item_start(self.text, base + 1).unwrap_or(len);
            reader = new_reader(&self.text[base..end]);
        }
        if !self.root_seen {
            return Err(self
                .outside_error
                .take()
                .unwrap_or_else(|| "no root element".to_string()));
        }
        if let Some(mut item) = self.item.take() {
            item.warnings
                .push("the item is not closed before the end of the feed".to_string());
            self.finish_field(Some(&mut item));
            self.finish_item(item);
        }
        Ok(())
    }

    /// Reports an item as broken and drops what was read of it.
    fn broken(&mut self, item: Item, reason: &str) {
        self.field = None;
        self.stack.truncate(item.depth);
        let origin = Origin {
            item: Some(item.index),
            ..self.origin.clone()
        };
        let detail = format!(": broken item: {reason}");
        self.out.push(Err(error(origin, ReasonKind::Feed, detail)));
    }

    /// After a markup error at byte `at`: the open item (or, outside items, nothing but a
    /// reason to give if no item is found) is lost; returns where reading resumes: the next
    /// item start tag after the broken item's own start (or after the error).
    fn recover(&mut self, reason: &str, at: usize) -> Option<usize> {
        self.field = None;
        if self.item.is_none() && next_item_start(self.text, at) == Some(at) {
            // The item's own start tag is broken: the item is lost, and counted.
            self.items_seen += 1;
            self.item = Some(Item {
                index: self.items_seen,
                depth: self.stack.len(),
                start: at,
                ..Item::default()
            });
        }
        let resume = match self.item.take() {
            Some(item) => {
                let start = item.start;
                self.broken(item, reason);
                start + 1
            }
            None => {
                self.outside_error.get_or_insert_with(|| reason.to_string());
                at + 1
            }
        };
        if self.stack.is_empty() {
            return None;
        }
        next_item_start(self.text, resume)
    }

    fn event(&mut self, event: Event<'_>) -> Result<(), String> {
        match event {
            Event::Start(e) => self.start(&e, false),
            Event::Empty(e) => {
                self.start(&e, true)?;
                self.end(&local_name_of(e.name().as_ref()), true);
                Ok(())
            }
            Event::End(e) => {
                self.end(&local_name_of(e.name().as_ref()), false);
                Ok(())
            }
            Event::Text(t) => {
                if let Some(f) = &mut self.field {
                    let raw = t.xml10_content();
                    f.text.push_str(&raw);
                    f.markup.push_str(&raw);
                }
                Ok(())
            }
            Event::CData(c) => {
                if let Some(f) = &mut self.field {
                    let raw = c.xml10_content();
                    f.text.push_str(&raw);
                    f.markup.push_str(&quick_xml::escape::escape(raw.as_ref()));
                }
                Ok(())
            }
            Event::GeneralRef(r) => {
                if let Some(f) = &mut self.field {
                    let name = r.xml10_content();
                    f.markup.push('&');
                    f.markup.push_str(&name);
                    f.markup.push(';');
                    match resolve_entity(&name) {
                        Some(s) => f.text.push_str(&s),
                        None => {
                            f.text.push('&');
                            f.text.push_str(&name);
                            f.text.push(';');
                        }
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), String> {
        let depth = self.stack.len();
        if let Some(f) = &mut self.field {
            f.has_children = true;
            f.markup.push('<');
            f.markup.push_str(&local_name(e));
            let attrs = e.attributes_raw();
            if !attrs.trim().is_empty() {
                f.markup.push_str(attrs.trim_end_matches('/'));
            }
            f.markup.push_str(if empty { "/>" } else { ">" });
            self.stack.push(Level::Other);
            return Ok(());
        }
        let name = local_name(e);
        let parent = self.stack.last().copied();
        let level = match parent {
            None => {
                if !FEED_ROOTS.contains(&name.as_str()) {
                    return Err(format!("the root element <{name}> is not that of a feed"));
                }
                self.feed_lang = self.feed_lang.take().or(Attrs::of(e).lang);
                self.root_seen = true;
                Level::Feed
            }
            Some(Level::Item) => {
                self.field = Some(Field::new(name, depth, Attrs::of(e)));
                Level::Field
            }
            Some(_) if self.item.is_none() && (name == "item" || name == "entry") => {
                self.items_seen += 1;
                self.item = Some(Item {
                    index: self.items_seen,
                    depth,
                    start: self.event_start,
                    lang: Attrs::of(e).lang,
                    ..Item::default()
                });
                Level::Item
            }
            Some(Level::Feed) if name == "channel" => {
                self.feed_lang = self.feed_lang.take().or(Attrs::of(e).lang);
                Level::Feed
            }
            Some(Level::Feed) if name == "title" || name == "language" => {
                self.field = Some(Field::new(name, depth, Attrs::of(e)));
                Level::Field
            }
            Some(_) => Level::Other,
        };
        self.stack.push(level);
        Ok(())
    }

    /// Closes the innermost element; `empty` for `<x/>`, whose markup is already closed.
    fn end(&mut self, local: &str, empty: bool) {
        let Some(level) = self.stack.pop() else {
            return;
        };
        let depth = self.stack.len();
        if let Some(f) = &mut self.field {
            if depth > f.depth {
                if !empty {
                    f.markup.push_str("</");
                    f.markup.push_str(local);
                    f.markup.push('>');
                }
                return;
            }
        }
        match level {
            Level::Field => {
                let mut item = self.item.take();
                self.finish_field(item.as_mut());
                self.item = item;
            }
            Level::Item => {
                if let Some(item) = self.item.take() {
                    self.finish_item(item);
                }
            }
            Level::Feed | Level::Other => {}
        }
    }

    /// Applies the captured field to the item (or to the feed, outside items).
    fn finish_field(&mut self, item: Option<&mut Item>) {
        let Some(mut f) = self.field.take() else {
            return;
        };
        let Some(item) = item else {
            let value = collapse(&f.text);
            match f.name.as_str() {
                "title" if self.feed_title.is_none() => self.feed_title = Some(value),
                "language" if self.feed_lang.is_none() && !value.is_empty() => {
                    self.feed_lang = Some(value)
                }
                _ => {}
            }
            return;
        };
        let keep = |slot: &mut Option<(u8, String)>, rank: u8, value: String| {
            if !value.is_empty() && slot.as_ref().is_none_or(|(r, _)| rank < *r) {
                *slot = Some((rank, value));
            }
        };
        let name = std::mem::take(&mut f.name);
        match name.as_str() {
            "title" => {
                let title = collapse(&f.text);
                if item.title.is_none() && !title.is_empty() {
                    item.title = Some(title);
                }
            }
            "link" => {
                let rank = match (&f.attrs.href, f.attrs.rel.as_deref()) {
                    (Some(_), None | Some("alternate")) => 0,
                    (Some(_), Some(_)) => 2,
                    (None, _) => 0,
                };
                let href = f
                    .attrs
                    .href
                    .clone()
                    .unwrap_or_else(|| f.text.trim().to_string());
                keep(&mut item.link, rank, href);
            }
            "guid" | "id" => {
                let id = f.text.trim().to_string();
                let permalink = name == "guid"
                    && f.attrs.permalink.as_deref() != Some("false")
                    && id.starts_with("http");
                if permalink {
                    keep(&mut item.link, 1, id.clone());
                }
                if item.id.is_none() && !id.is_empty() {
                    item.id = Some(id);
                }
            }
            "pubdate" | "published" | "issued" | "date" | "created" => {
                keep(&mut item.date, 0, f.text.trim().to_string())
            }
            "updated" | "modified" => keep(&mut item.date, 1, f.text.trim().to_string()),
            "language" if item.lang.is_none() => {
                item.lang = Some(f.text.trim().to_string()).filter(|l| !l.is_empty())
            }
            name => {
                let rank = match name {
                    "encoded" | "content" | "body" | "fullitem" => 0,
                    "description" | "summary" => 1,
                    "abstract" => 2,
                    _ => return,
                };
                if item.body.as_ref().is_some_and(|(r, _)| *r <= rank) {
                    return;
                }
                let (body, warning) = f.body();
                if let Some(w) = warning {
                    item.warnings.push(format!("<{name}>: {w}"));
                }
                keep(&mut item.body, rank, body);
            }
        }
    }

    fn finish_item(&mut self, item: Item) {
        let origin = Origin {
            item: Some(item.index),
            ..self.origin.clone()
        };
        let Some((_, body)) = item.body else {
            self.out.push(Err(error(
                origin,
                ReasonKind::Empty,
                ": the item has no content or summary".to_string(),
            )));
            return;
        };
        let len = body.len() as u64;
        if len > self.opts.max_bytes {
            self.out
                .push(Err(crate::too_large(origin, len, self.opts.max_bytes)));
            return;
        }
        let mut warnings = item.warnings;
        let published = item
            .date
            .and_then(|(_, d)| crate::record::checked_date(&d, "date", &mut warnings));
        self.out.push(Ok(RawArticle {
            id: item.id,
            url: item.link.map(|(_, l)| l),
            title: item.title,
            body: RawBody::Html(body),
            lang: item.lang,
            published,
            source: None,
            origin,
            warnings,
        }));
    }
}

impl Field {
    fn new(name: String, depth: usize, attrs: Attrs) -> Field {
        Field {
            name,
            depth,
            attrs,
            text: String::new(),
            markup: String::new(),
            has_children: false,
        }
    }

    /// The field's content as an HTML body, by its `type` and `mode` (Atom) attributes, and
    /// a warning when it could not be read as it declares.
    fn body(self) -> (String, Option<String>) {
        if self.has_children {
            return (self.markup.trim().to_string(), None);
        }
        let kind = self
            .attrs
            .kind
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        // Atom 1.0: a media type that is not text or XML means base64; Atom 0.3 says so in
        // `mode`.
        let base64 = self.attrs.mode.as_deref() == Some("base64")
            || (kind.contains('/')
                && !kind.starts_with("text/")
                && !kind.contains("xml")
                && !kind.contains("html"));
        if base64 {
            let compact: String = self.text.split_ascii_whitespace().collect();
            return match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
                Ok(bytes) => {
                    let decoded = crate::decode::decode(&bytes, None);
                    let warning = (!decoded.warnings.is_empty())
                        .then(|| format!("base64 content: {}", decoded.warnings.join("; ")));
                    (decoded.text.trim().to_string(), warning)
                }
                Err(e) => (
                    escape_text(&self.text),
                    Some(format!("declared base64 but is not ({e}): kept as text")),
                ),
            };
        }
        if kind == "text" || kind == "text/plain" {
            return (escape_text(&self.text), None);
        }
        (self.text.trim().to_string(), None)
    }
}

/// Plain text as HTML: the body of every feed item is read as HTML downstream.
fn escape_text(text: &str) -> String {
    quick_xml::escape::escape(text.trim()).into_owned()
}

/// Trims and collapses runs of white space (titles span lines in many feeds).
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An entity or character reference as text: XML's five, numeric references, and HTML's named
/// entities (RSS bodies are HTML, and `&nbsp;` in them is everywhere).
fn resolve_entity(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code)
            .filter(|&c| c != '\0')
            .map(String::from);
    }
    quick_xml::escape::resolve_xml_entity(name)
        .or_else(|| quick_xml::escape::resolve_html5_entity(name))
        .map(str::to_string)
}

/// The next `<item` or `<entry` start tag (any prefix) at or after `from`.
fn next_item_start(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = from;
    while let Some(i) = text.get(pos..)?.find('<') {
        let at = pos + i;
        let name_end = bytes[at + 1..]
            .iter()
            .position(|b| matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n'))
            .map_or(bytes.len(), |j| at + 1 + j);
        let name = &text[at + 1..name_end];
        let local = name.rsplit(':').next().unwrap_or(name);
        if local.eq_ignore_ascii_case("item") || local.eq_ignore_ascii_case("entry") {
            return Some(at);
        }
        pos = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RSS_HEAD: &str = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss version=\"2.0\" \
        xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>Daily Wire</title>\
        <language>en-gb</language>";

    fn item(n: u32) -> String {
        format!(
            "<item><title>Story {n}</title><link>https://news.test/{n}</link><guid>g{n}</guid>\
             <pubDate>Tue, 12 Sep 2023 0{n}:00:00 GMT</pubDate><description>Summary {n}</description>\
             <content:encoded><![CDATA[<p>Body {n}</p>]]></content:encoded></item>"
        )
    }

    fn titles(out: &[Result<RawArticle, RecordError>]) -> Vec<String> {
        out.iter()
            .filter_map(|r| r.as_ref().ok()?.title.clone())
            .collect()
    }

    fn bodies(doc: &str) -> Vec<String> {
        read_feed(doc, "f.xml", &ReadOptions::default())
            .into_iter()
            .map(|r| match r {
                Ok(RawArticle {
                    body: RawBody::Html(h),
                    ..
                }) => h,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn rss_items_become_articles() {
        let doc = format!("{RSS_HEAD}{}{}</channel></rss>", item(1), item(2));
        let out = read_feed(&doc, "f.rss", &ReadOptions::default());
        assert_eq!(titles(&out), ["Story 1", "Story 2"]);
        let a = out[1].as_ref().unwrap();
        assert_eq!(a.id.as_deref(), Some("g2"));
        assert_eq!(a.url.as_deref(), Some("https://news.test/2"));
        assert_eq!(a.body, RawBody::Html("<p>Body 2</p>".into()));
        assert_eq!(a.source.as_deref(), Some("Daily Wire"));
        assert_eq!(a.lang.as_deref(), Some("en-gb"));
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2023-09-12T02:00:00+00:00"
        );
        assert_eq!(a.origin.item, Some(2));
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    }

    #[test]
    fn broken_item_loses_only_itself() {
        let broken = "<item><title>Broken <b>unclosed</title><description>x</description></item>";
        let doc = format!(
            "{RSS_HEAD}{}{broken}{}{}</channel></rss>",
            item(1),
            item(3),
            item(4)
        );
        let out = read_feed(&doc, "f.rss", &ReadOptions::default());
        assert_eq!(titles(&out), ["Story 1", "Story 3", "Story 4"]);
        let errors: Vec<_> = out.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].origin.item, errors[0].kind),
            (Some(2), ReasonKind::Feed)
        );
        assert_eq!(out[3].as_ref().unwrap().origin.item, Some(4));
        assert_eq!(
            out[3].as_ref().unwrap().source.as_deref(),
            Some("Daily Wire")
        );
    }

    #[test]
    fn atom_entries_use_summary_and_updated() {
        let doc =
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fi\"><title>Uutiset</title>\
            <entry><title>Otsikko</title><id>e1</id><link rel=\"self\" href=\"https://u.test/self\"/>\
            <link href=\"https://u.test/1\"/>\
            <updated>2023-09-12T08:00:00Z</updated><summary>Lyhyesti</summary></entry></feed>";
        let out = read_feed(doc, "f.atom", &ReadOptions::default());
        let a = out[0].as_ref().unwrap();
        assert_eq!(a.title.as_deref(), Some("Otsikko"));
        assert_eq!(a.url.as_deref(), Some("https://u.test/1"));
        assert_eq!(a.body, RawBody::Html("Lyhyesti".into()));
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2023-09-12T08:00:00+00:00"
        );
        assert_eq!(a.source.as_deref(), Some("Uutiset"));
        assert_eq!(a.lang.as_deref(), Some("fi"));
    }

    #[test]
    fn atom_0_3_feeds_have_entries() {
        // Issue 12: Atom 0.3 was reported as "the feed has no items".
        let doc = "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry>\
            <issued>2004-01-02T03:04:05Z</issued>\
            <content type=\"application/xhtml+xml\" mode=\"xml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">\
            Example <a href=\"test.html\">test</a></div></content></entry></feed>";
        let out = read_feed(doc, "f.xml", &ReadOptions::default());
        let a = out[0].as_ref().unwrap();
        assert_eq!(
            a.body,
            RawBody::Html(
                "<div xmlns=\"http://www.w3.org/1999/xhtml\">Example <a href=\"test.html\">test</a></div>"
                    .into()
            )
        );
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2004-01-02T03:04:05+00:00"
        );
    }

    #[test]
    fn rss_without_version_and_in_a_namespace_is_read() {
        // Issue 12: `<rss>` without `version` was refused as "no root element", and RSS in
        // its own namespace (with or without a prefix) was not recognised.
        let bare = "<!-- a comment first --><rss><item><description>&lt;p&gt;Bare&lt;/p&gt;</description></item></rss>";
        assert_eq!(bodies(bare), ["<p>Bare</p>"]);
        assert!(looks_like_feed(bare));
        let prefixed =
            "<r:rss version=\"2.0\" xmlns:r=\"http://backend.userland.com/rss2\"><r:channel>\
            <r:title>T</r:title><r:item><r:title>One</r:title><r:description>Text</r:description>\
            </r:item></r:channel></r:rss>";
        assert!(looks_like_feed(prefixed));
        let out = read_feed(prefixed, "f.xml", &ReadOptions::default());
        let a = out[0].as_ref().unwrap();
        assert_eq!(
            (a.title.as_deref(), a.source.as_deref()),
            (Some("One"), Some("T"))
        );
        let default_ns =
            "<rss version=\"2.0\" xmlns=\"http://backend.userland.com/rss2\"><channel>\
            <item><description>Text</description></item></channel></rss>";
        assert_eq!(bodies(default_ns), ["Text"]);
    }

    #[test]
    fn xhtml_body_and_fullitem_are_bodies() {
        // Issue 12: items whose text is in `<body>` or `<xhtml:body>` had "no content".
        let doc = "<rss version=\"2.0\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"><channel><item>\
            <description>Short</description>\
            <xhtml:body><xhtml:p>Full <xhtml:b>text</xhtml:b> &amp; more<xhtml:br/></xhtml:p></xhtml:body>\
            </item><item><fullitem>&lt;p&gt;Whole&lt;/p&gt;</fullitem></item></channel></rss>";
        assert_eq!(
            bodies(doc),
            ["<p>Full <b>text</b> &amp; more<br/></p>", "<p>Whole</p>"]
        );
    }

    #[test]
    fn base64_content_is_decoded() {
        // Issue 12: a base64 summary was refused as an unsupported content type.
        let doc = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>\
            <summary type=\"application/octet-stream\">\n\
            PHA+SGlzdG9yeSBvZiB0aGUgJmx0O2JsaW5rJmd0OyB0YWc8L3A+\n</summary></entry></feed>";
        assert_eq!(bodies(doc), ["<p>History of the &lt;blink&gt; tag</p>"]);
        let atom03 = "<feed version=\"0.3\"><entry><content mode=\"base64\">not base64!</content></entry></feed>";
        let out = read_feed(atom03, "f.xml", &ReadOptions::default());
        let a = out[0].as_ref().unwrap();
        assert_eq!(a.body, RawBody::Html("not base64!".into()));
        assert_eq!(a.warnings.len(), 1, "{:?}", a.warnings);
    }

    #[test]
    fn text_content_is_escaped_and_entities_resolved() {
        let doc = "<feed><entry><title>A&nbsp;&amp;&#x42; &unknown;</title>\
            <content type=\"text\">a &lt; b &amp; c</content></entry></feed>";
        let out = read_feed(doc, "f.xml", &ReadOptions::default());
        let a = out[0].as_ref().unwrap();
        // The no-break space counts as white space when the title is collapsed.
        assert_eq!(a.title.as_deref(), Some("A &B &unknown;"));
        assert_eq!(a.body, RawBody::Html("a &lt; b &amp; c".into()));
    }

    #[test]
    fn out_of_range_item_date_is_dropped_with_a_warning() {
        let doc = "<rss><channel><item><pubDate>9999-12-31T23:00:00-12:00</pubDate>\
            <description>Text</description></item></channel></rss>";
        let out = read_feed(doc, "f.xml", &ReadOptions::default());
        let a = out[0].as_ref().unwrap();
        assert_eq!(a.published, None);
        assert_eq!(a.warnings.len(), 1, "{:?}", a.warnings);
    }

    #[test]
    fn unclosed_last_item_is_kept_with_a_warning() {
        let doc = format!(
            "{RSS_HEAD}{}<item><title>Cut</title><description>Half a",
            item(1)
        );
        let out = read_feed(&doc, "f.xml", &ReadOptions::default());
        assert_eq!(titles(&out), ["Story 1", "Cut"]);
        assert_eq!(out[1].as_ref().unwrap().warnings.len(), 1);
    }

    #[test]
    fn not_a_feed_and_empty_feed() {
        let out = read_feed(
            "<html><body>hi</body></html>",
            "x.xml",
            &ReadOptions::default(),
        );
        assert_eq!(out[0].as_ref().unwrap_err().kind, ReasonKind::Feed);
        let out = read_feed(
            &format!("{RSS_HEAD}</channel></rss>"),
            "x.rss",
            &ReadOptions::default(),
        );
        assert_eq!(out[0].as_ref().unwrap_err().kind, ReasonKind::Empty);
        assert!(looks_like_feed(RSS_HEAD));
        assert!(!looks_like_feed("<?xml version=\"1.0\"?><svg/>"));
        let reason = |doc: &str| {
            read_feed(doc, "e.xml", &ReadOptions::default())[0]
                .clone()
                .unwrap_err()
        };
        assert_eq!(reason("").reason, "invalid feed: no root element");
        // A broken header with no item after it is reported as what it is.
        let broken = reason("<rss><channel><title>T</b></channel></rss>");
        assert!(
            broken.reason.starts_with("invalid feed: ")
                && broken.reason.ends_with("`</b>` was found at byte 22"),
            "{}",
            broken.reason
        );
    }

    #[test]
    fn an_error_found_late_loses_only_its_own_item() {
        // An unclosed quote makes the tokenizer read to the end, and `<a</item>` is a tag
        // named `a</item` that swallows the next item: each loses only its own item, and
        // reading ends (every recovery moves forward).
        for doc in [
            "<rss><channel><item x='1><item><description>Kept</description></item></channel></rss>",
            "<rss><channel><item><a</item><item><description>Kept</description></item></channel></rss>",
        ] {
            let out = read_feed(doc, "f.xml", &ReadOptions::default());
            assert_eq!(out.len(), 2, "{doc}: {out:?}");
            assert_eq!(out[0].as_ref().unwrap_err().origin.item, Some(1), "{doc}");
            assert!(out.iter().any(|r| r.as_ref().is_ok_and(|a| a.body == RawBody::Html("Kept".into()))), "{doc}: {out:?}");
        }
    }

    #[test]
    fn next_item_start_skips_longer_names() {
        assert_eq!(next_item_start("<items><item>", 0), Some(7));
        assert_eq!(next_item_start("<a><r:entry x='1'>", 1), Some(3));
        assert_eq!(next_item_start("<a></item>", 0), None);
    }

    proptest! {
        #[test]
        fn every_well_formed_item_is_yielded_with_its_text(
            texts in proptest::collection::vec("\\PC{1,40}", 1..20),
            atom in any::<bool>(),
        ) {
            let (open, close, item, body) = if atom {
                ("<feed xmlns=\"http://www.w3.org/2005/Atom\">", "</feed>", "entry", "summary")
            } else {
                ("<rss><channel>", "</channel></rss>", "item", "description")
            };
            let items: String = texts
                .iter()
                .map(|t| format!("<{item}><{body}>{}</{body}></{item}>", quick_xml::escape::escape(t.as_str())))
                .collect();
            let out = read_feed(&format!("{open}{items}{close}"), "p.xml", &ReadOptions::default());
            prop_assert_eq!(out.len(), texts.len());
            for (r, t) in out.iter().zip(&texts) {
                match r {
                    Ok(a) => prop_assert_eq!(&a.body, &RawBody::Html(t.trim().to_string())),
                    Err(e) => prop_assert!(t.trim().is_empty(), "{}", e),
                }
            }
        }

        #[test]
        fn feed_reader_never_panics(tail in "\\PC{0,200}") {
            let doc = format!("{RSS_HEAD}{}{tail}", item(1));
            let _ = read_feed(&doc, "p.rss", &ReadOptions::default());
        }

        #[test]
        fn feed_reader_never_panics_on_noise(s in "[<>/a-z &;!\\[\\]#x0-9:]{0,200}") {
            for r in read_feed(&format!("<rss version=\"2.0\"><channel><item>{s}"), "p.rss", &ReadOptions::default()) {
                match r {
                    Ok(a) => prop_assert!(a.origin.item.is_some()),
                    Err(e) => prop_assert!(e.reason.starts_with(e.kind.prefix())),
                }
            }
        }
    }
}
