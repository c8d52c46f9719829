//! RSS 2.0 / RSS 1.0 / Atom feeds via `feed-rs`, with per-item recovery.

use crate::{error, ReadOptions, ReasonKind, RecordError};
use storyweave_model::{Origin, RawArticle, RawBody};

/// True when a document's start looks like an RSS, RDF or Atom feed (used to tell feeds from
/// other `.xml` files).
pub fn looks_like_feed(text: &str) -> bool {
    let head = head_str(text, crate::decode::CHARSET_SNIFF_BYTES);
    ["<rss", "<feed", "<rdf:RDF", "<RDF"]
        .iter()
        .any(|root| head.contains(root))
}

/// The first `max` bytes of `text`, cut back to a character boundary.
fn head_str(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Reads every item of a decoded feed document.
///
/// feed-rs parses a whole document and fails as a whole on one malformed item, so when the
/// whole parse fails the document is split into its `<item>`/`<entry>` elements and each is
/// parsed alone, wrapped in the document's own header and tail (which keeps the feed title,
/// language and namespace declarations). The good items survive and the broken one is
/// reported with its index. The split is textual, so an item whose text holds a literal
/// `<item>` inside CDATA is cut wrongly; it then fails alone, as a broken item would.
pub fn read_feed(
    text: &str,
    file: &str,
    opts: &ReadOptions,
) -> Vec<Result<RawArticle, RecordError>> {
    let origin = crate::file_origin(file);
    let text = utf8_prolog(text);
    let whole_error = match parse(&text) {
        Ok(feed) => return feed_articles(feed, &origin, 0, opts),
        Err(e) => e,
    };
    let items = split_items(&text);
    if items.is_empty() {
        return vec![Err(error(
            origin,
            ReasonKind::Feed,
            format!(": {whole_error}"),
        ))];
    }
    let (header, tail) = (&text[..items[0].0], &text[items[items.len() - 1].1..]);
    items
        .iter()
        .enumerate()
        .flat_map(|(i, &(start, end))| {
            let doc = format!("{header}{}{tail}", &text[start..end]);
            let item_origin = Origin {
                item: Some(i + 1),
                ..origin.clone()
            };
            match parse(&doc) {
                Ok(feed) if !feed.entries.is_empty() => feed_articles(feed, &origin, i, opts),
                Ok(_) => vec![Err(error(
                    item_origin,
                    ReasonKind::Feed,
                    ": broken item".to_string(),
                ))],
                Err(e) => vec![Err(error(
                    item_origin,
                    ReasonKind::Feed,
                    format!(": broken item: {e}"),
                ))],
            }
        })
        .collect()
}

fn parse(doc: &str) -> Result<feed_rs::model::Feed, feed_rs::parser::ParseFeedError> {
    // An empty generated id means "none given": RawArticle::id is the record's own id only.
    let parser = feed_rs::parser::Builder::new()
        .id_generator(|_, _, _| String::new())
        .build();
    parser.parse(doc.as_bytes())
}

/// The text is already decoded to UTF-8, but feed-rs decodes by the XML prolog's `encoding`;
/// restate the prolog so a Latin-1 feed is not decoded twice.
fn utf8_prolog(text: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = text.trim_start();
    if let Some(rest) = trimmed.strip_prefix("<?xml") {
        if let Some(end) = rest.find("?>") {
            let body = &rest[end + 2..];
            return format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{body}").into();
        }
    }
    text.into()
}

/// Byte ranges of the `<item>…</item>` (RSS) or `<entry>…</entry>` (Atom) elements. An item
/// runs to its last closing tag before the next item starts; an unclosed last item runs to
/// the closing tag of the channel or feed, so that the tail still closes the document.
fn split_items(text: &str) -> Vec<(usize, usize)> {
    let (open, close) = if find_tag(text, "<item", 0).is_some() {
        ("<item", "</item>")
    } else {
        ("<entry", "</entry>")
    };
    let mut starts = Vec::new();
    let mut from = 0;
    while let Some(at) = find_tag(text, open, from) {
        starts.push(at);
        from = at + open.len();
    }
    let Some(&last_start) = starts.last() else {
        return Vec::new();
    };
    let doc_end = ["</channel>", "</rdf:RDF>", "</feed>"]
        .iter()
        .filter_map(|closer| text.rfind(closer).filter(|&i| i > last_start))
        .min()
        .unwrap_or(text.len());
    starts
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let limit = starts.get(i + 1).copied().unwrap_or(doc_end);
            let end = text[start..limit]
                .rfind(close)
                .map_or(limit, |j| start + j + close.len());
            (start, end)
        })
        .collect()
}

/// Finds an opening tag `<name` that is followed by `>`, `/` or white space (so `<items>` is
/// not an `<item`).
fn find_tag(text: &str, open: &str, from: usize) -> Option<usize> {
    let mut pos = from;
    while let Some(i) = text.get(pos..)?.find(open) {
        let at = pos + i;
        match text.as_bytes().get(at + open.len()) {
            Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n') => return Some(at),
            _ => pos = at + open.len(),
        }
    }
    None
}

/// Turns parsed entries into articles; `first_item` is the 0-based index of the first entry.
fn feed_articles(
    feed: feed_rs::model::Feed,
    origin: &Origin,
    first_item: usize,
    opts: &ReadOptions,
) -> Vec<Result<RawArticle, RecordError>> {
    let source = feed
        .title
        .map(|t| t.content)
        .filter(|t| !t.trim().is_empty());
    let feed_lang = feed.language;
    if feed.entries.is_empty() && first_item == 0 {
        return vec![Err(error(
            origin.clone(),
            ReasonKind::Empty,
            ": the feed has no items".to_string(),
        ))];
    }
    feed.entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let origin = Origin {
                item: Some(first_item + i + 1),
                ..origin.clone()
            };
            let content = entry
                .content
                .and_then(|c| c.body)
                .filter(|b| !b.trim().is_empty());
            let summary = entry
                .summary
                .map(|s| s.content)
                .filter(|s| !s.trim().is_empty());
            let Some(body) = content.or(summary) else {
                return Err(error(
                    origin,
                    ReasonKind::Empty,
                    ": the item has no content or summary".to_string(),
                ));
            };
            let len = body.len() as u64;
            if len > opts.max_bytes {
                return Err(crate::too_large(origin, len, opts.max_bytes));
            }
            Ok(RawArticle {
                id: Some(entry.id).filter(|id| !id.is_empty()),
                url: entry.links.into_iter().next().map(|l| l.href),
                title: entry
                    .title
                    .map(|t| t.content)
                    .filter(|t| !t.trim().is_empty()),
                body: RawBody::Html(body),
                lang: entry.language.or_else(|| feed_lang.clone()),
                published: entry.published.or(entry.updated),
                source: source.clone(),
                origin,
            })
        })
        .collect()
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
            (errors[0].origin.item, errors[0].kind()),
            (Some(2), Some(ReasonKind::Feed))
        );
        assert_eq!(out[3].as_ref().unwrap().origin.item, Some(4));
    }

    #[test]
    fn atom_entries_use_summary_and_updated() {
        let doc =
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fi\"><title>Uutiset</title>\
            <entry><title>Otsikko</title><id>e1</id><link href=\"https://u.test/1\"/>\
            <updated>2023-09-12T08:00:00Z</updated><summary>Lyhyesti</summary></entry></feed>";
        let out = read_feed(doc, "f.atom", &ReadOptions::default());
        let a = out[0].as_ref().unwrap();
        assert_eq!(a.title.as_deref(), Some("Otsikko"));
        assert_eq!(a.body, RawBody::Html("Lyhyesti".into()));
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2023-09-12T08:00:00+00:00"
        );
        assert_eq!(a.source.as_deref(), Some("Uutiset"));
    }

    #[test]
    fn not_a_feed_and_empty_feed() {
        let out = read_feed(
            "<html><body>hi</body></html>",
            "x.xml",
            &ReadOptions::default(),
        );
        assert_eq!(out[0].as_ref().unwrap_err().kind(), Some(ReasonKind::Feed));
        let out = read_feed(
            &format!("{RSS_HEAD}</channel></rss>"),
            "x.rss",
            &ReadOptions::default(),
        );
        assert_eq!(out[0].as_ref().unwrap_err().kind(), Some(ReasonKind::Empty));
        assert!(looks_like_feed(RSS_HEAD));
        assert!(!looks_like_feed("<?xml version=\"1.0\"?><svg/>"));
    }

    #[test]
    fn find_tag_skips_longer_names() {
        assert_eq!(find_tag("<items><item>", "<item", 0), Some(7));
        assert_eq!(
            split_items("<a><item>1</item><item>2</a>"),
            [(3, 17), (17, 28)]
        );
        let unclosed_last = "<rss><channel><item>1</item><item>2</channel></rss>";
        assert_eq!(split_items(unclosed_last), [(14, 28), (28, 35)]);
    }

    proptest! {
        #[test]
        fn feed_reader_never_panics(tail in "\\PC{0,200}") {
            let doc = format!("{RSS_HEAD}{}{tail}", item(1));
            let _ = read_feed(&doc, "p.rss", &ReadOptions::default());
        }

        #[test]
        fn feed_reader_never_panics_on_noise(s in "[<>/a-z &;!\\[\\]]{0,200}") {
            let _ = read_feed(&format!("<rss version=\"2.0\"><channel><item>{s}"), "p.rss", &ReadOptions::default());
        }
    }
}
