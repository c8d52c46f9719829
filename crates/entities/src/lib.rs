//! Names, acronyms, numbers, dates and quotes, normalised across scripts and inflections.
//!
//! CONTRACT (used by encode/relate/engine): keep these signatures; add freely.
#![warn(missing_docs)]

use storyweave_model::{Entity, Lang};

/// Named entities (names and acronyms) in order of appearance, each with a cross-lingual key.
pub fn extract_entities(text: &str, lang: &Lang) -> Vec<Entity> {
    let _ = (text, lang);
    Vec::new()
}

/// The cross-lingual key of one name as written (`Путина`, `Putina`, `Putin` → same key).
pub fn entity_key(surface: &str, lang: &Lang) -> String {
    let _ = lang;
    surface.to_lowercase()
}

/// Normalised numbers in the text (`1,000` / `1.000` / `1 000` → `1000`; years; percentages).
pub fn extract_numbers(text: &str, lang: &Lang) -> Vec<String> {
    let _ = (text, lang);
    Vec::new()
}

/// Dates in the text as ISO strings, full (`2023-09-13`) or partial (`2023-09`, `--09-13`).
pub fn extract_dates(text: &str, lang: &Lang) -> Vec<String> {
    let _ = (text, lang);
    Vec::new()
}

/// A quotation found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The quoted words, without the quotation marks.
    pub text: String,
    /// Byte range of the quoted words in the text.
    pub range: std::ops::Range<usize>,
}

/// Quotations in any of the usual quote styles (“…”, „…“, «…», "…", 「…」).
pub fn extract_quotes(text: &str) -> Vec<Quote> {
    let _ = text;
    Vec::new()
}
