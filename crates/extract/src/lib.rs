//! Main-text extraction from HTML pages and boilerplate removal from scraped plain text.
//!
//! CONTRACT (used by engine/cli): keep these signatures; add freely.
#![warn(missing_docs)]

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
}

/// Extracts the main content of a whole HTML page or fragment.
pub trait Extractor: Send + Sync {
    /// Extracts title, text and metadata; `url` helps resolve site-specific patterns.
    fn extract(&self, html: &str, url: Option<&str>) -> Extracted;
}

/// The default HTML extractor.
#[derive(Debug, Clone, Default)]
pub struct HtmlExtractor;

impl Extractor for HtmlExtractor {
    fn extract(&self, html: &str, _url: Option<&str>) -> Extracted {
        Extracted { text: html.to_string(), ..Default::default() }
    }
}

/// Cleans plain text scraped together with boilerplate, line by line. When `first_line_title`
/// is true, a first non-empty line that looks like a headline becomes the title.
pub fn clean_plain_text(text: &str, first_line_title: bool) -> Extracted {
    let _ = first_line_title;
    Extracted { text: text.to_string(), ..Default::default() }
}
