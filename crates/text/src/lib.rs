//! Language identification, normalisation, transliteration, sentences and per-language terms.
//!
//! CONTRACT (used by encode/cluster/relate/engine): keep these signatures; add freely.
#![warn(missing_docs)]

use storyweave_model::Lang;

mod lang;
mod normalize;
mod sentences;
mod translit;

pub use lang::{
    detect_language, detect_language_with_confidence, supported_languages, MAX_DETECT_CHARS,
    MIN_CONFIDENCE, MIN_LETTERS,
};
pub use normalize::normalize;
pub use sentences::sentences;
pub use translit::fold;

/// Transliterates to Latin script (Serbian Cyrillic by Serbian rules when `lang` is `sr`,
/// other scripts by a general transliterator). Case is kept.
pub fn to_latin(text: &str, lang: &Lang) -> String {
    translit::to_latin(text, lang)
}

/// Per-language term analyzer: lower-case, stop words removed, stemmed where a stemmer exists;
/// CJK text without spaces becomes character bigrams.
#[derive(Debug, Clone)]
pub struct Analyzer {
    lang: Lang,
}

impl Analyzer {
    /// The analyzer for a language (falls back to a language-neutral one).
    pub fn for_lang(lang: &Lang) -> Self {
        Analyzer { lang: lang.clone() }
    }

    /// The analyzer's language.
    pub fn lang(&self) -> &Lang {
        &self.lang
    }

    /// True when `word` (lower-case) is a stop word in this language.
    pub fn is_stop_word(&self, word: &str) -> bool {
        let _ = word;
        false
    }

    /// Terms of `text` in order.
    pub fn terms(&self, text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_lowercase).collect()
    }
}
