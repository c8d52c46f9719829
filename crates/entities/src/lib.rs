//! Names, acronyms, numbers, dates and quotes, normalised across scripts and inflections.
//!
//! This is the cross-lingual evidence that needs no neural model: two articles about one
//! event in Tagalog and Serbian Cyrillic share few words, but they share `Putin`, `KCNA`,
//! `2023-09-13` and `@kp` (North Korea) once those are written the same way.
//!
//! ```
//! use storyweave_entities::{entity_key, extract_dates, extract_entities, extract_numbers};
//! use storyweave_model::Lang;
//!
//! let sr = Lang::new("sr");
//! let en = Lang::new("en");
//! // One key across scripts and case endings.
//! assert_eq!(entity_key("Путина", &sr), entity_key("Putin", &en));
//! // Country names from the CLDR gazetteer get canonical keys in any language.
//! assert_eq!(entity_key("Северну Кореју", &sr), "@kp");
//! assert_eq!(entity_key("North Korea", &en), "@kp");
//!
//! let e = extract_entities("Kim Jong Un met Vladimir Putin in Russia, KCNA said.", &en);
//! let surfaces: Vec<&str> = e.iter().map(|e| e.surface.as_str()).collect();
//! assert_eq!(surfaces, ["Kim Jong Un", "Vladimir Putin", "Russia", "KCNA"]);
//!
//! assert_eq!(extract_numbers("1.000 Soldaten, 3,5 %", &Lang::new("de")), ["1000", "3.5%"]);
//! assert_eq!(extract_dates("13. септембра 2023.", &sr), ["2023-09-13"]);
//! ```
//!
//! # Keys
//! * Gazetteer names (countries, territories, cities; [`gazetteer`]): a canonical key such
//!   as `@kp` or `@city:moscow`, the same in every language and inflection.
//! * Acronyms: transliterated, folded (`КЦНА` → `kcna`). Acronyms that differ between
//!   languages (DPRK / DVRK / КНДР) are given one key by the gazetteer's hand-written alias
//!   rows (`tools/gazetteer/aliases.tsv`), not by a rule: "differs in one letter" is not a
//!   key (it is not transitive) and would also join unrelated acronyms such as NASA/NASR.
//! * Other names: per word, transliterate → fold → phonetic fold → trim case endings
//!   ([`key`] explains each step); a multi-word name's key is its words' keys joined by
//!   spaces, name particles (`van`, `bin`) left out. [`token_keys`] gives the words' keys,
//!   for matching "Putin" against "Vladimir Putin".
#![warn(missing_docs)]

pub mod dates;
pub mod gazetteer;
pub mod key;
pub mod lexicon;
pub mod names;
pub mod numbers;
pub mod quotes;
pub mod tokens;
mod words;

use storyweave_model::{Entity, Lang};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A gazetteer table line could not be read.
    #[error("gazetteer line {line}: {reason}")]
    Gazetteer {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The substring automaton for spaceless scripts could not be built.
    #[error("gazetteer automaton: {0}")]
    Automaton(String),
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Named entities (names and acronyms) in order of appearance, each with a cross-lingual key.
pub fn extract_entities(text: &str, lang: &Lang) -> Vec<Entity> {
    names::extract(text, lang)
}

pub use names::Names;

/// Names in a text, plus the keys of capitalised words that the text shows to be ordinary
/// words. Case says something only where a language writes ordinary words in lower case, so
/// each capitalised word is judged by all its occurrences in the text: a word also written in
/// lower case is an ordinary word where it stands at a sentence start or in a headline-case
/// line ("Virtual Machine"), and alone mid-sentence ("the Government"); such words are not
/// names. In German, where every noun is capitalised, a common noun (listed in the German
/// Wiktionary, [`lexicon`], or used after an article: "der Zoomflix") stays an entity, since
/// other languages write many of them as names (Facebook, Corona), but its key is reported
/// in `ordinary`, so that comparisons between German texts can weigh it as a word.
///
/// ```
/// use storyweave_entities::{entity_key, find_names};
/// use storyweave_model::Lang;
/// let de = Lang::new("de");
/// let n = find_names("Der Zoomflix läuft. Leasingvertrag, Zoomflix und Heiko Maas.", &de);
/// let surfaces: Vec<&str> = n.entities.iter().map(|(_, e)| e.surface.as_str()).collect();
/// assert_eq!(surfaces, ["Zoomflix", "Zoomflix", "Heiko Maas"]);
/// assert_eq!(n.ordinary, [entity_key("Leasingvertrag", &de), entity_key("Zoomflix", &de)]);
/// ```
pub fn find_names(text: &str, lang: &Lang) -> Names {
    names::analyze(text, lang)
}

/// The cross-lingual key of one name as written (`Путина`, `Putina`, `Putin` → same key).
pub fn entity_key(surface: &str, lang: &Lang) -> String {
    names::key_of(surface, lang)
}

/// The keys of an entity's words: the gazetteer key alone for gazetteer names, else one key
/// per word of a multi-word name ("Vladimir Putin" → the keys of "Vladimir" and "Putin").
pub fn token_keys(entity: &Entity) -> Vec<String> {
    if entity.key.starts_with('@') {
        return vec![entity.key.clone()];
    }
    entity
        .key
        .split(' ')
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect()
}

/// Normalised numbers in the text (`1,000` / `1.000` / `1 000` → `1000`; years; percentages).
pub fn extract_numbers(text: &str, lang: &Lang) -> Vec<String> {
    numbers::extract(text, lang)
}

/// True for numbers that carry evidence: years, numbers ≥ 11, decimals, percentages.
pub fn is_informative(number: &str) -> bool {
    numbers::is_informative(number)
}

/// Dates in the text as ISO strings, full (`2023-09-13`) or partial (`2023-09`, `--09-13`).
pub fn extract_dates(text: &str, lang: &Lang) -> Vec<String> {
    dates::extract(text, lang)
}

/// The date a text states near its start (dateline, byline), if any: see [`dates::main_date`].
/// For articles that come without a publication date.
pub fn main_date(text: &str, lang: &Lang) -> Option<chrono::NaiveDate> {
    dates::main_date(text, lang)
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
    quotes::extract(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str, lang: &str) -> String {
        entity_key(s, &Lang::new(lang))
    }

    #[test]
    fn required_same_keys() {
        assert_eq!(key("Путина", "sr"), key("Putin", "en"));
        assert_eq!(key("Putina", "sr"), key("Putin", "en"));
        assert_eq!(key("Wladimir", "de"), key("Vladimir", "en"));
        assert_eq!(key("Владимира", "sr"), key("Vladimir", "en"));
        assert_eq!(key("Wostotschny", "de"), key("Vostochny", "en"));
        assert_eq!(key("Восточни", "sr"), key("Vostochny", "en"));
        assert_eq!(key("КЦНА", "sr"), key("KCNA", "en"));
        assert_eq!(key("КЦНА", "ru"), key("KCNA", "en"));
        assert_eq!(key("DVRK", "de"), key("DPRK", "en"));
        assert_eq!(key("Ким Џонг Ун", "sr"), key("Kim Jong Un", "en"));
    }

    #[test]
    fn required_different_keys() {
        for (a, b) in [
            ("Putin", "Putnam"),
            ("Berlin", "Bern"),
            ("Austria", "Australia"),
            ("Korea", "Kosovo"),
            ("Iran", "Iraq"),
            ("Sudan", "South Sudan"),
        ] {
            assert_ne!(key(a, "en"), key(b, "en"), "{a} / {b}");
        }
    }

    #[test]
    fn token_keys_of_multi_word_names() {
        let e = extract_entities("They met Kim Jong Un and Vladimir Putin.", &Lang::new("en"));
        assert_eq!(token_keys(&e[0]).len(), 3);
        assert!(token_keys(&e[1]).contains(&key("Putin", "en")));
        let sr = extract_entities("Ким Џонг Ун је позвао", &Lang::new("sr"));
        assert_eq!(token_keys(&sr[0]), token_keys(&e[0]));
        let kp = extract_entities("visit North Korea soon", &Lang::new("en"));
        assert_eq!(token_keys(&kp[0]), ["@kp"]);
    }
}
