//! Main-text extraction from HTML pages and boilerplate removal from scraped plain text.
//!
//! ```
//! use storyweave_extract::{clean_plain_text, Extractor, HtmlExtractor};
//! let html = r##"<html lang="en"><head><title>Kim visits Russia | Example News</title></head>
//! <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
//! <article><h1>Kim visits Russia</h1><p>The North Korean leader arrived on Tuesday,
//! officials said, and met the Russian president at the cosmodrome.</p>
//! <p>Both sides spoke of deeper cooperation, according to state media reports.</p></article>
//! <div class="share-buttons"><a href="#">Share</a></div></body></html>"##;
//! let page = HtmlExtractor.extract(html, None);
//! assert_eq!(page.title.as_deref(), Some("Kim visits Russia"));
//! assert!(page.text.contains("arrived on Tuesday"));
//! assert!(!page.text.contains("Home"));
//! assert_eq!(page.lang.as_deref(), Some("en"));
//!
//! let body = "The leader arrived on Tuesday and met officials at the cosmodrome. ".repeat(4);
//! let scraped = format!("13.5 C\nKim Jong Un visits Russia\n\n{body}\n\nLEAVE A REPLY\nName");
//! let plain = clean_plain_text(&scraped, true);
//! assert_eq!(plain.title.as_deref(), Some("Kim Jong Un visits Russia"));
//! assert_eq!(plain.text, body.trim());
//! ```
//!
//! CONTRACT (used by engine/cli): keep these signatures; add freely.
#![warn(missing_docs)]

mod blobs;
mod byline;
mod dom;
mod html;
mod limit;
mod meta;
mod normalize;
mod patterns;
mod plain;
mod prestrip;
mod published;

pub use normalize::collapse_ws;

/// Pages larger than this are cut (at a character boundary) before parsing: article text
/// sits in the first megabytes, and parsing time grows linearly with size.
pub const MAX_HTML_BYTES: usize = 8 * 1024 * 1024;

/// JSON-LD `articleBody` replaces the extracted text when it is this many times longer: the
/// publisher's own copy of the article is then more complete than what the page shows.
const LD_BODY_MARGIN: f32 = 1.25;

/// Below this many characters the page's own text counts as missing (script-rendered page).
const MIN_PAGE_TEXT_CHARS: usize = 300;

/// What an extractor found in a page or a scraped text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// Headline, if one was found.
    pub title: Option<String>,
    /// Main text, paragraphs separated by `\n`.
    pub text: String,
    /// Author or contributors' line, if found.
    pub byline: Option<String>,
    /// Publication date as found in the page's metadata (RFC 3339 or `YYYY-MM-DD`).
    pub published: Option<String>,
    /// The page's declared language (`<html lang>`), if any.
    pub lang: Option<String>,
    /// The publisher or site name (JSON-LD publisher, `og:site_name`, application name, …),
    /// else the domain of the page's URL.
    pub source: Option<String>,
    /// The page's canonical URL (`<link rel=canonical>`, `og:url`), else the URL given.
    pub url: Option<String>,
}

/// Extracts the main content of a whole HTML page or fragment.
pub trait Extractor: Send + Sync {
    /// Extracts title, text and metadata; `url` is where the page came from, if known (it
    /// resolves relative links and is the fallback URL and source).
    fn extract(&self, html: &str, url: Option<&str>) -> Extracted;
}

/// The default HTML extractor.
#[derive(Debug, Clone, Default)]
pub struct HtmlExtractor;

/// The longest prefix of `s` that fits in `max` bytes and ends on a character boundary.
fn truncate_at_char(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

impl Extractor for HtmlExtractor {
    fn extract(&self, html: &str, url: Option<&str>) -> Extracted {
        let html = truncate_at_char(html, MAX_HTML_BYTES);
        let dom = dom::Dom::parse(&prestrip::strip_raw_blocks(html));
        let m = meta::page_meta(&dom, url);
        let (lead, mut text) = html::main_text(&dom);
        if let Some(body) = m.ld_body.as_deref().and_then(html::ld_body_text) {
            // Pages rendered by script keep the article only in JSON-LD `articleBody`.
            if (text.chars().count() as f32) * LD_BODY_MARGIN < body.chars().count() as f32 {
                text = body;
            }
        }
        let mut text = html::join_lead(&lead, text);
        if let Some(steps) = m.ld_howto.as_deref().and_then(html::ld_body_text) {
            // Instructions rendered by script: the page shows (almost) nothing of them, and
            // only then, since the page's own rendering of a recipe is richer.
            if text.chars().count() < MIN_PAGE_TEXT_CHARS && steps.chars().count() > text.chars().count() {
                text = steps;
            }
        }
        if let Some(d) = m.description.filter(|d| text.chars().count() < MIN_PAGE_TEXT_CHARS && !text.contains(d.as_str())) {
            // Video and gallery pages: the summary is the only prose the page has.
            text = if text.is_empty() { d } else { format!("{d}\n{text}") };
        }
        let text = normalize::nfc(text);
        Extracted {
            title: m.title.map(normalize::nfc),
            text,
            byline: m.byline.map(normalize::nfc),
            published: m.published,
            lang: m.lang,
            source: m.source.map(normalize::nfc),
            url: m.url,
        }
    }
}

/// Cleans plain text scraped together with boilerplate, line by line. When `first_line_title`
/// is true, a first non-empty line that looks like a headline becomes the title.
pub fn clean_plain_text(text: &str, first_line_title: bool) -> Extracted {
    plain::clean(text, first_line_title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate_at_char("aé", 2), "a");
        assert_eq!(truncate_at_char("abc", 10), "abc");
    }

    #[test]
    fn empty_and_garbage_inputs_do_not_panic() {
        for s in ["", "<", "<html", "</p></div>", "<<<>>>", "\u{0}", "<script>", "<table><td>x"] {
            let _ = HtmlExtractor.extract(s, None);
        }
    }

    #[test]
    fn script_rendered_pages_fall_back_to_metadata() {
        let html = r#"<html><head><meta name="description" content="The video shows the harbour at night."><script type="application/ld+json">{"@type":"HowTo","description":"Sew a round tablecloth.","step":[{"@type":"HowToStep","text":"Measure the table across its middle."}]}</script></head><body><div id="app"></div></body></html>"#;
        let page = HtmlExtractor.extract(html, None);
        assert!(page.text.contains("Measure the table across its middle."), "{}", page.text);
        assert!(page.text.contains("The video shows the harbour"), "{}", page.text);
    }
}
