//! Language identification, normalisation, transliteration, sentences and per-language terms.
//!
//! CONTRACT (used by encode/cluster/relate/engine): keep these signatures; add freely.
#![warn(missing_docs)]

use storyweave_model::Lang;

mod analyze;
mod lang;
mod normalize;
mod sentences;
mod translit;

pub use analyze::{words, Analyzer, MIN_WORD_CHARS};
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

