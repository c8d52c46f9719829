//! Language identification, normalisation, transliteration, sentences and per-language terms.
//!
//! ```
//! use storyweave_model::Lang;
//! use storyweave_text::{detect_language, fold, normalize, sentences, to_latin, Analyzer};
//!
//! let text = normalize("  Ким Џонг Ун позвао је Путина да посети Северну Кореју.\u{00A0} Путин је прихватио.\n\n");
//! let lang = detect_language(&text).unwrap_or_else(Lang::unknown);
//! assert_eq!(lang.as_str(), "sr");
//! assert_eq!(to_latin("Џонг", &lang), "Džong");
//! assert_eq!(fold("Džong"), "dzong");
//! assert_eq!(sentences(&text).len(), 2);
//! let terms = Analyzer::for_lang(&lang).terms(&text);
//! assert!(terms.contains(&"putina".to_string()));
//! ```
//!
//! The signatures of the crate-root functions and [`Analyzer`] are a contract used by the
//! encode, cluster, relate and engine crates.
#![warn(missing_docs)]

use storyweave_model::Lang;

mod analyze;
pub mod bilingual;
mod lang;
mod normalize;
mod sentences;
mod translit;

pub use analyze::{words, Analyzer, MIN_WORD_CHARS};
pub use bilingual::{Lexicon, LexiconError, Translate};
pub use lang::{
    detect_language, detect_language_with_confidence, supported_languages, MAX_DETECT_CHARS,
    MIN_CONFIDENCE, MIN_LETTERS,
};
pub use normalize::normalize;
pub use sentences::{sentences, sentences_in};
pub use translit::fold;

/// Transliterates to Latin script (Serbian Cyrillic by Serbian rules when `lang` is `sr`,
/// other scripts by a general transliterator). Case is kept.
pub fn to_latin(text: &str, lang: &Lang) -> String {
    translit::to_latin(text, lang)
}
