//! Per-language terms: unicode words, lower-cased, stop words removed, Snowball-stemmed;
//! character bigrams for scripts written without spaces.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use rust_stemmers::{Algorithm, Stemmer};
use storyweave_model::Lang;
use unicode_segmentation::UnicodeSegmentation;

/// Words shorter than this (in characters) carry no topic outside spaceless scripts: initials,
/// particles, list markers.
pub const MIN_WORD_CHARS: usize = 2;

/// Tagalog words missing from the stopwords-iso list that stop-words ships: personal-name
/// markers (si, kay, sina, kina), linkers and enclitics (nang, rin, raw, daw, po, lang, nga, ba)
/// and the "noong" of every date. Without them they dominate Tagalog term vectors.
#[rustfmt::skip]
const TAGALOG_EXTRA: &[&str] = &[
    "si", "kay", "sina", "kina", "nang", "rin", "raw", "daw", "po", "lang", "nga", "ba", "noong",
    "upang", "mas", "pang", "pag", "umano", "ayon", "nasa", "nag", "ma",
];

/// Forms of the German passive and subjunctive auxiliaries that NLTK's German list (which
/// stop-words prefers over the much longer ISO list) lacks; news German uses them constantly.
#[rustfmt::skip]
const GERMAN_EXTRA: &[&str] = &[
    "wurde", "wurden", "worden", "wird", "werden", "sei", "seien", "wäre", "wären", "laut",
];

/// stop-words has no Serbian list; Serbian shares its function words with Croatian (whose list
/// is used), except for ekavian and Serbian-only forms added here. Serbian text is transliterated
/// to Latin before the lookup, so one list serves both scripts.
#[rustfmt::skip]
const SERBIAN_EXTRA: &[&str] = &[
    "ko", "šta", "gde", "ovde", "tamo", "neko", "nešto", "ovo", "ovaj", "ove", "ovi", "tog", "toga",
    "koga", "kome", "čega", "posle", "pre", "kod", "među", "prema", "jedan", "koliko", "tek",
    "takođe", "ima", "imaju", "bez", "dok", "kad", "njen", "njena", "njeno", "njene", "njenog",
    "biće", "bila", "može", "mogu", "treba", "oko", "ovog", "ovom", "kojih", "kojoj", "kojem",
    "kojeg", "ovih", "tim", "tih", "sve", "svih", "već", "još", "ali", "i", "ili",
];

/// Everything an analyzer needs for one language, built once and shared.
struct Tables {
    stop: HashSet<&'static str>,
    stemmer: Option<Stemmer>,
    /// Serbian and Macedonian are written in two scripts: terms are taken in Latin so that a
    /// Cyrillic and a Latin article share them.
    latinize: bool,
}

impl Tables {
    fn build(lang: &Lang) -> Self {
        let code = canonical_code(lang.as_str());
        let mut stop: HashSet<&'static str> = HashSet::new();
        let list_code = match code {
            // Croatian's list (Latin script) for the Serbo-Croatian standards.
            "sr" | "bs" | "cnr" => "hr",
            other => other,
        };
        if let Some(words) = stop_words::lookup(list_code) {
            stop.extend(words.iter().copied());
        }
        match code {
            "tl" => stop.extend(TAGALOG_EXTRA.iter().copied()),
            "de" => stop.extend(GERMAN_EXTRA.iter().copied()),
            "sr" | "bs" | "cnr" => stop.extend(SERBIAN_EXTRA.iter().copied()),
            _ => {}
        }
        Tables {
            stop,
            stemmer: stemmer_algorithm(code).map(Stemmer::create),
            latinize: matches!(code, "sr" | "mk"),
        }
    }
}

/// Codes that mean the same language for our tables (Norwegian Bokmål/Nynorsk → `no`, whatlang's
/// and ISO 639-3 spellings).
fn canonical_code(code: &str) -> &str {
    match code {
        "nb" | "nn" | "nob" | "nno" | "nor" => "no",
        "srp" => "sr",
        "bos" => "bs",
        "hrv" => "hr",
        "tgl" | "fil" => "tl",
        "mkd" => "mk",
        other => other,
    }
}

fn stemmer_algorithm(code: &str) -> Option<Algorithm> {
    Some(match code {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "en" => Algorithm::English,
        "es" => Algorithm::Spanish,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "nl" => Algorithm::Dutch,
        "no" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// The tables of every language asked for so far: an analyzer per article must not rebuild a
/// stop-word set of hundreds of words each time.
fn tables_for(lang: &Lang) -> Arc<Tables> {
    static CACHE: OnceLock<Mutex<HashMap<Lang, Arc<Tables>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    // A panic while holding the lock cannot leave the map half-updated, so poison is harmless.
    let mut map = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    map.entry(lang.clone())
        .or_insert_with(|| Arc::new(Tables::build(lang)))
        .clone()
}

/// Per-language term analyzer: lower-case, stop words removed, stemmed where a stemmer exists;
/// CJK text without spaces becomes character bigrams.
#[derive(Clone)]
pub struct Analyzer {
    lang: Lang,
    tables: Arc<Tables>,
}

impl fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analyzer")
            .field("lang", &self.lang)
            .field("stop_words", &self.tables.stop.len())
            .field("stemmer", &self.tables.stemmer.is_some())
            .finish()
    }
}

impl Analyzer {
    /// The analyzer for a language (falls back to a language-neutral one: no stop words, no
    /// stemming). Cheap: the tables are built once per language and shared.
    pub fn for_lang(lang: &Lang) -> Self {
        Analyzer {
            lang: lang.clone(),
            tables: tables_for(lang),
        }
    }

    /// The analyzer's language.
    pub fn lang(&self) -> &Lang {
        &self.lang
    }

    /// True when `word` (lower-case) is a stop word in this language.
    pub fn is_stop_word(&self, word: &str) -> bool {
        self.tables.stop.contains(word)
    }

    /// True when this language has a Snowball stemmer.
    pub fn has_stemmer(&self) -> bool {
        self.tables.stemmer.is_some()
    }

    /// The stem of a lower-case word (the word itself where no stemmer exists).
    pub fn stem<'a>(&self, word: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.tables.stemmer {
            Some(s) => s.stem(word),
            None => std::borrow::Cow::Borrowed(word),
        }
    }

    /// Terms of `text` in order: unicode words lower-cased, numbers, one-letter words and stop
    /// words dropped, stemmed; runs of Han, Kana, Thai, Lao, Khmer or Myanmar script become
    /// overlapping character bigrams (a lone character stays a term).
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut run = String::new();
        let mut run_end = 0;
        let mut buf = String::new();
        for (pos, word) in text.unicode_word_indices() {
            if word.chars().next().is_some_and(is_spaceless) {
                // Word segmentation cuts ideographs one by one: glue adjacent ones back into
                // the run they came from.
                if pos != run_end {
                    self.flush_run(&run, &mut out);
                    run.clear();
                }
                run.push_str(word);
                run_end = pos + word.len();
                continue;
            }
            self.flush_run(&run, &mut out);
            run.clear();
            self.push_word(word, &mut buf, &mut out);
        }
        self.flush_run(&run, &mut out);
        out
    }

    fn push_word(&self, word: &str, buf: &mut String, out: &mut Vec<String>) {
        if !word.chars().any(char::is_alphabetic) {
            return;
        }
        buf.clear();
        let latin;
        let word = if self.tables.latinize && !word.is_ascii() {
            latin = crate::translit::to_latin(word, &self.lang);
            latin.as_str()
        } else {
            word
        };
        for c in word.chars() {
            // Typographic apostrophes become ASCII so "don’t" meets the list's "don't".
            if c == '\u{2019}' {
                buf.push('\'');
            } else {
                buf.extend(c.to_lowercase());
            }
        }
        if buf.chars().nth(MIN_WORD_CHARS - 1).is_none() || self.is_stop_word(buf) {
            return;
        }
        out.push(self.stem(buf).into_owned());
    }

    fn flush_run(&self, run: &str, out: &mut Vec<String>) {
        // Grapheme clusters, not chars: a Thai vowel sign belongs to its consonant.
        let mut graphemes = run.grapheme_indices(true).peekable();
        let Some(&(_, first)) = graphemes.peek() else {
            return;
        };
        if first.len() == run.len() {
            if !self.is_stop_word(run) {
                out.push(run.to_string());
            }
            return;
        }
        while let Some((i, _)) = graphemes.next() {
            let Some(&(j, second)) = graphemes.peek() else {
                break;
            };
            let bigram = &run[i..j + second.len()];
            if !self.is_stop_word(bigram) {
                out.push(bigram.to_string());
            }
        }
    }
}

/// Scripts written without spaces between words, where single words cannot be found by rule.
fn is_spaceless(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // Hiragana, Katakana
        | 0x31F0..=0x31FF // Katakana phonetic extensions
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFF66..=0xFF9F // half-width Katakana
        | 0x20000..=0x2FA1F // CJK extensions B.. and compatibility supplement
        | 0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
    )
}

/// Unicode words of `text` (UAX #29), as written: no lower-casing, punctuation dropped.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.unicode_words()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(lang: &str, text: &str) -> Vec<String> {
        Analyzer::for_lang(&Lang::new(lang)).terms(text)
    }

    #[test]
    fn english_stems_and_drops_stop_words() {
        assert_eq!(
            terms("en", "The leaders were running to the summit"),
            ["leader", "run", "summit"]
        );
        assert_eq!(
            terms("en", "Kim’s visit: don’t panic"),
            ["kim", "visit", "panic"]
        );
    }

    #[test]
    fn numbers_and_single_letters_dropped() {
        assert_eq!(
            terms("en", "In 2023 a 13.5 C storm hit X"),
            ["storm", "hit"]
        );
    }

    #[test]
    fn stop_words_per_language() {
        let de = Analyzer::for_lang(&Lang::new("de"));
        assert!(de.is_stop_word("und") && de.is_stop_word("der") && !de.is_stop_word("putin"));
        let en = Analyzer::for_lang(&Lang::new("en"));
        assert!(en.is_stop_word("the") && !en.is_stop_word("korea"));
        let tl = Analyzer::for_lang(&Lang::new("tl"));
        for w in ["ang", "ng", "mga", "sa", "si", "kay", "noong"] {
            assert!(tl.is_stop_word(w), "{w}");
        }
        assert!(!tl.is_stop_word("pangulo"));
    }

    #[test]
    fn german_terms() {
        assert_eq!(
            terms("de", "Die Einladung wurde angenommen"),
            ["einlad", "angenomm"]
        );
    }

    #[test]
    fn tagalog_has_no_stemmer_but_drops_particles() {
        assert_eq!(
            terms("tl", "Tinanggap ni Pangulong Putin ang imbitasyon ni Kim"),
            ["tinanggap", "pangulong", "putin", "imbitasyon", "kim"]
        );
        assert!(!Analyzer::for_lang(&Lang::new("tl")).has_stemmer());
    }

    #[test]
    fn serbian_cyrillic_and_latin_share_terms() {
        let cyr = terms(
            "sr",
            "Ким Џонг Ун је позвао Путина да посети Северну Кореју",
        );
        let lat = terms(
            "sr",
            "Kim Džong Un je pozvao Putina da poseti Severnu Koreju",
        );
        assert_eq!(cyr, lat);
        assert_eq!(
            cyr,
            ["kim", "džong", "un", "pozvao", "putina", "poseti", "severnu", "koreju"]
        );
    }

    #[test]
    fn cjk_becomes_bigrams() {
        assert_eq!(
            terms("zh", "普京接受邀请"),
            ["普京", "京接", "接受", "受邀", "邀请"]
        );
        // Punctuation and Latin words end a run; a lone character stays.
        assert_eq!(
            terms("zh", "金正恩，普京 KCNA 说"),
            ["金正", "正恩", "普京", "kcna", "说"]
        );
        assert_eq!(
            terms("ja", "プーチン大統領"),
            ["プー", "ーチ", "チン", "ン大", "大統", "統領"]
        );
    }

    #[test]
    fn thai_becomes_bigrams() {
        assert_eq!(terms("th", "ปูติน"), ["ปูติ", "ติน"]);
    }

    #[test]
    fn unknown_language_is_neutral() {
        let a = Analyzer::for_lang(&Lang::unknown());
        assert!(!a.has_stemmer());
        assert_eq!(a.terms("The Running"), ["the", "running"]);
    }

    #[test]
    fn words_keep_case() {
        assert_eq!(
            words("Kim Jong-Un, 2023!").collect::<Vec<_>>(),
            ["Kim", "Jong", "Un", "2023"]
        );
    }

    #[test]
    fn analyzers_share_tables() {
        let a = Analyzer::for_lang(&Lang::new("de"));
        let b = Analyzer::for_lang(&Lang::new("de"));
        assert!(Arc::ptr_eq(&a.tables, &b.tables));
    }
}
