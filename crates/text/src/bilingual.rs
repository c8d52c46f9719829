//! Word-for-word translation through bilingual dictionaries (the optional `--lexicon DIR`).
//!
//! Without an encoder, search meets another language only on names, figures and cognates: a
//! query such as "Zakaz handlu w Nowy Rok" has none. A dictionary lookup per word is crude
//! (no sense choice, no phrases beyond the dictionary's own) but cheap, and it only has to
//! bring the right article among the candidates: the ranking still weighs every signal.
//!
//! The directory holds `L-en.tsv` and `en-L.tsv` per language L (`word<TAB>t1|t2|…`, lower
//! case), as written by `tools/lexicon/build_bilingual.py`; pairs without English go through
//! English. Dictionaries list lemmas, so a word not found as written is looked up by its
//! longest prefix shared with a headword that is at most a few letters longer: Polish
//! "handlu" finds "handel". That is written here because no crate stems every language
//! (Polish has no Snowball stemmer). Chinese is cut into dictionary words by longest match.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use storyweave_model::Lang;

use crate::Analyzer;

/// Translations kept per word after pivoting through English.
const MAX_ALTERNATIVES: usize = 8;
/// A word is looked up by a prefix of at least this many characters...
const MIN_PREFIX_CHARS: usize = 4;
/// ...that leaves out at most this many of its last characters, and matches a headword at
/// most this many characters longer than the prefix (an inflection, not another word).
const MAX_ENDING_CHARS: usize = 3;
/// Each part of a compound split by [`Dict::compound`] has at least this many letters.
const MIN_COMPOUND_PART: usize = 4;
/// Longest Chinese dictionary word tried when cutting a run of Han characters.
const MAX_HAN_WORD: usize = 8;
/// Words shorter than this (outside Chinese) are not translated: particles and prepositions.
const MIN_WORD_CHARS: usize = 3;

/// Translates the words of a text into another language (one job: the query's words as the
/// other language would write them).
pub trait Translate: Send + Sync {
    /// For each content word of `text` (written in `from`) that has a translation into `to`,
    /// the translations, best first. Words without one are left out.
    fn translate(&self, text: &str, from: &Lang, to: &Lang) -> Vec<Vec<String>>;
    /// The languages it can translate between (English included).
    fn languages(&self) -> Vec<Lang>;
    /// The language `text` is most likely written in, among those it knows: language
    /// identification cannot tell a query of three words ("Incydent w Watykanie"), but the
    /// dictionaries can. `detected` (the identifier's guess, if any) wins ties.
    fn source_language(&self, text: &str, detected: Option<&Lang>) -> Option<Lang>;
}

/// Why a lexicon directory could not be read.
#[derive(Debug)]
pub struct LexiconError {
    /// The file or directory.
    pub path: PathBuf,
    /// What went wrong.
    pub reason: String,
}

impl std::fmt::Display for LexiconError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for LexiconError {}

/// One direction of one dictionary: headword → translations, sorted by headword. Each entry
/// is two boxed strings (translations joined by `|`, split when looked up): a map of
/// vectors of strings took 190 MB for the 24 MB of the full lexicon.
#[derive(Debug, Default)]
struct Dict {
    words: Vec<(Box<str>, Box<str>)>,
}

impl Dict {
    fn parse(text: &str) -> Dict {
        let mut words: Vec<(Box<str>, Box<str>)> = text
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .filter(|(w, ts)| !w.is_empty() && ts.split('|').any(|t| !t.is_empty()))
            .map(|(w, ts)| (Box::from(w), Box::from(ts)))
            .collect();
        words.sort_by(|a, b| a.0.cmp(&b.0));
        words.dedup_by(|a, b| a.0 == b.0);
        Dict { words }
    }

    /// The translations of `word` as written.
    fn get(&self, word: &str) -> Option<Vec<String>> {
        let i = self.words.binary_search_by(|(k, _)| (**k).cmp(word)).ok()?;
        Some(self.words[i].1.split('|').filter(|t| !t.is_empty()).map(str::to_string).collect())
    }

    /// Entries whose headword starts with `prefix`.
    fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a (Box<str>, Box<str>)> + 'a {
        let from = self.words.partition_point(|(k, _)| &**k < prefix);
        self.words[from..].iter().take_while(move |(k, _)| k.starts_with(prefix))
    }

    /// The translations of `word` (lower case): as written, else by its longest prefix
    /// shared with a headword at most a few letters longer.
    fn lookup(&self, word: &str) -> Option<Vec<String>> {
        if let Some(t) = self.get(word) {
            return Some(t);
        }
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        let n = chars.len();
        let shortest = MIN_PREFIX_CHARS.max(n.saturating_sub(MAX_ENDING_CHARS));
        for keep in (shortest..n).rev() {
            let prefix = &word[..chars[keep].0];
            let found = self
                .with_prefix(prefix)
                .filter(|(k, _)| k.chars().count() <= keep + MAX_ENDING_CHARS)
                .min_by_key(|(k, _)| k.chars().count());
            if let Some((k, _)) = found {
                return self.get(k);
            }
        }
        None
    }

    /// The translations of a compound no dictionary lists ("grenzöffnungen"): its last part
    /// (as [`Dict::lookup`] finds it) after the longest first part the dictionary has as
    /// written or with a linking letter dropped ("grenz" + "öffnungen" → border, opening).
    /// Both parts' translations, the head's first: they are what the compound is about.
    fn compound(&self, word: &str) -> Option<Vec<String>> {
        let bounds: Vec<usize> = word.char_indices().map(|(i, _)| i).collect();
        let n = bounds.len();
        if n < 2 * MIN_COMPOUND_PART {
            return None;
        }
        for cut in (MIN_COMPOUND_PART..=n - MIN_COMPOUND_PART).map(|k| bounds[k]) {
            let (first, head) = word.split_at(cut);
            let modifier = [first, first.strip_suffix('s').unwrap_or(""), first.strip_suffix('n').unwrap_or("")]
                .into_iter()
                .filter(|f| f.chars().count() >= MIN_COMPOUND_PART - 1)
                .find_map(|f| self.get(f).or_else(|| self.get(&format!("{f}e"))));
            let Some(modifier) = modifier else { continue };
            if let Some(head) = self.lookup(head) {
                return Some(head.iter().take(2).chain(modifier.iter().take(2)).cloned().collect());
            }
        }
        None
    }

    /// Longest dictionary word at the start of `han` (a run of Han characters), in chars.
    fn longest_at(&self, han: &[char]) -> usize {
        (1..=han.len().min(MAX_HAN_WORD)).rev().find(|&k| self.get(&han[..k].iter().collect::<String>()).is_some()).unwrap_or(1)
    }
}

/// Bilingual dictionaries between English and other languages, read from a directory.
#[derive(Debug, Default)]
pub struct Lexicon {
    to_en: HashMap<String, Dict>,
    from_en: HashMap<String, Dict>,
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

impl Lexicon {
    /// Reads every `L-en.tsv` and `en-L.tsv` of `dir`.
    pub fn load(dir: &Path) -> Result<Lexicon, LexiconError> {
        let err = |path: &Path, e: std::io::Error| LexiconError { path: path.to_path_buf(), reason: e.to_string() };
        let mut lex = Lexicon::default();
        for entry in std::fs::read_dir(dir).map_err(|e| err(dir, e))? {
            let path = entry.map_err(|e| err(dir, e))?.path();
            let Some(stem) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".tsv")) else { continue };
            let Some((a, b)) = stem.split_once('-') else { continue };
            let text = std::fs::read_to_string(&path).map_err(|e| err(&path, e))?;
            lex.insert(a, b, &text);
        }
        if lex.to_en.is_empty() && lex.from_en.is_empty() {
            return Err(LexiconError { path: dir.to_path_buf(), reason: "no dictionary (L-en.tsv, en-L.tsv) in this directory".into() });
        }
        Ok(lex)
    }

    /// A lexicon from in-memory dictionaries `(from, to, "word\tt1|t2\n…")`, one side English.
    pub fn from_tables(tables: &[(&str, &str, &str)]) -> Lexicon {
        let mut lex = Lexicon::default();
        for &(a, b, text) in tables {
            lex.insert(a, b, text);
        }
        lex
    }

    /// Adds the dictionary `text` from `a` to `b`; a pair without English is ignored.
    fn insert(&mut self, a: &str, b: &str, text: &str) {
        match (a, b) {
            ("en", l) => self.from_en.insert(l.to_string(), Dict::parse(text)),
            (l, "en") => self.to_en.insert(l.to_string(), Dict::parse(text)),
            _ => None,
        };
    }

    /// The content words of `text` in `lang`: lower-cased, stop words and short words
    /// dropped, each once; Chinese cut into the words of `dict` by longest match.
    fn content_words(text: &str, lang: &Lang, dict: Option<&Dict>) -> Vec<String> {
        let analyzer = Analyzer::for_lang(lang);
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut push = |w: String, out: &mut Vec<String>| {
            if seen.insert(w.clone()) {
                out.push(w);
            }
        };
        for w in crate::words(text) {
            let w = w.to_lowercase();
            if w.chars().any(is_han) {
                continue;
            }
            if w.chars().count() >= MIN_WORD_CHARS && !analyzer.is_stop_word(&w) && w.chars().any(char::is_alphabetic) {
                push(w, &mut out);
            }
        }
        if let Some(dict) = dict {
            let chars: Vec<char> = text.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                if !is_han(chars[i]) {
                    i += 1;
                    continue;
                }
                let end = chars[i..].iter().position(|&c| !is_han(c)).map_or(chars.len(), |k| i + k);
                let run = &chars[i..end];
                let mut j = 0;
                while j < run.len() {
                    let k = dict.longest_at(&run[j..]);
                    // A lone character is too ambiguous to translate (的, 在, 是…).
                    if k > 1 {
                        push(run[j..j + k].iter().collect(), &mut out);
                    }
                    j += k;
                }
                i = end;
            }
        }
        out
    }
}

impl Translate for Lexicon {
    fn translate(&self, text: &str, from: &Lang, to: &Lang) -> Vec<Vec<String>> {
        let (from, to) = (from.as_str(), to.as_str());
        if from == to {
            return Vec::new();
        }
        let first = if from == "en" { self.from_en.get(to) } else { self.to_en.get(from) };
        let Some(first) = first else { return Vec::new() };
        // Pivot through English when neither side is English.
        let second = match (from, to) {
            ("en", _) | (_, "en") => None,
            _ => match self.from_en.get(to) {
                Some(d) => Some(d),
                None => return Vec::new(),
            },
        };
        let han = (from == "zh").then_some(first);
        let mut out = Vec::new();
        for w in Lexicon::content_words(text, &Lang::new(from), han) {
            let Some(ts) = first.lookup(&w).or_else(|| first.compound(&w)) else { continue };
            let mut alts: Vec<String> = Vec::new();
            for t in ts {
                match second {
                    None => alts.push(t),
                    Some(d) => alts.extend(d.get(&t.to_lowercase()).unwrap_or_default()),
                }
            }
            let mut seen = HashSet::new();
            alts.retain(|a| seen.insert(a.clone()));
            alts.truncate(MAX_ALTERNATIVES);
            if !alts.is_empty() {
                out.push(alts);
            }
        }
        out
    }

    fn source_language(&self, text: &str, detected: Option<&Lang>) -> Option<Lang> {
        // Each language scores the content words its dictionary has (as written, or by a
        // lemma), plus half a word for the identifier's guess.
        let mut best: Option<(f32, Lang)> = None;
        for lang in self.languages() {
            let dict = if lang.as_str() == "en" {
                // English words are the keys of the dictionaries from English; any will do
                // to count them, and the largest knows the most.
                self.from_en.values().max_by_key(|d| d.words.len())
            } else {
                self.to_en.get(lang.as_str())
            };
            let Some(dict) = dict else { continue };
            let words = Lexicon::content_words(text, &lang, (lang.as_str() == "zh").then_some(dict));
            let known = words.iter().filter(|w| dict.lookup(w).is_some()).count() as f32;
            let score = known + if detected.is_some_and(|d| d.as_str() == lang.as_str()) { 0.5 } else { 0.0 };
            if known > 0.0 && best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, lang));
            }
        }
        best.map(|(_, l)| l).or_else(|| detected.cloned())
    }

    fn languages(&self) -> Vec<Lang> {
        let mut l: Vec<&String> = self.to_en.keys().chain(self.from_en.keys()).collect();
        l.sort();
        l.dedup();
        let mut out: Vec<Lang> = l.into_iter().map(|s| Lang::new(s)).collect();
        out.push(Lang::new("en"));
        out.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        Lexicon::from_tables(&[
            ("pl", "en", "handel\ttrade|commerce\nzakaz\tban|prohibition\nrok\tyear\n"),
            ("en", "it", "ban\tdivieto\ntrade\tcommercio\nyear\tanno\n"),
            ("zh", "en", "核协议\tnuclear agreement\n协议\tagreement\n鲁哈尼\trouhani\n"),
        ])
    }

    #[test]
    fn an_inflected_word_is_found_by_its_lemma() {
        let t = lex().translate("Zakaz handlu w Nowy Rok", &Lang::new("pl"), &Lang::new("en"));
        assert_eq!(t, vec![vec!["ban".to_string(), "prohibition".into()], vec!["trade".into(), "commerce".into()], vec!["year".into()]]);
    }

    #[test]
    fn two_languages_without_english_meet_through_it() {
        let t = lex().translate("Zakaz handlu", &Lang::new("pl"), &Lang::new("it"));
        assert_eq!(t, vec![vec!["divieto".to_string()], vec!["commercio".into()]]);
    }

    #[test]
    fn chinese_is_cut_by_longest_dictionary_word() {
        let t = lex().translate("鲁哈尼敦促美国遵守核协议", &Lang::new("zh"), &Lang::new("en"));
        assert_eq!(t, vec![vec!["rouhani".to_string()], vec!["nuclear agreement".into()]]);
    }

    #[test]
    fn a_prefix_too_short_or_a_headword_too_long_is_no_match() {
        let l = Lexicon::from_tables(&[("pl", "en", "handlowiec\ttrader\n")]);
        assert!(l.translate("handlu", &Lang::new("pl"), &Lang::new("en")).is_empty());
        assert!(l.translate("zakaz", &Lang::new("de"), &Lang::new("en")).is_empty(), "no dictionary, no guess");
    }

    /// Short Polish queries of the search benchmark ("Incydent w Watykanie.") had no
    /// language the identifier could tell, so they were not translated at all.
    #[test]
    fn regression_a_query_too_short_to_identify_is_read_in_the_language_whose_dictionary_knows_it() {
        let l = Lexicon::from_tables(&[
            ("pl", "en", "incydent\tincident\nwatykan\tVatican\n"),
            ("de", "en", "zwischenfall\tincident\n"),
            ("en", "pl", "incident\tincydent\n"),
        ]);
        assert_eq!(l.source_language("Incydent w Watykanie.", None), Some(Lang::new("pl")));
        assert_eq!(l.source_language("Incydent w Watykanie.", Some(&Lang::new("de"))), Some(Lang::new("pl")));
        assert_eq!(l.source_language("the incident", None), Some(Lang::new("en")));
        // A tie goes to the identifier's guess; nothing known leaves the guess as it is.
        assert_eq!(l.source_language("incident", Some(&Lang::new("en"))), Some(Lang::new("en")));
        assert_eq!(l.source_language("qwerty", Some(&Lang::new("fi"))), Some(Lang::new("fi")));
    }

    #[test]
    fn a_compound_no_dictionary_lists_is_read_as_its_parts() {
        let l = Lexicon::from_tables(&[("de", "en", "grenze\tborder|frontier\nöffnung\topening\nschule\tschool\n")]);
        let t = l.translate("Grenzöffnungen", &Lang::new("de"), &Lang::new("en"));
        assert_eq!(t, vec![vec!["opening".to_string(), "border".into(), "frontier".into()]]);
        assert!(l.translate("Grenzwert", &Lang::new("de"), &Lang::new("en")).is_empty(), "a part no dictionary has: no guess");
    }

    proptest::proptest! {
        /// Any dictionary text and any query: no panic (lookups slice words by prefixes and
        /// compound parts), and every group holds non-empty translations.
        #[test]
        fn any_table_and_query_translate_without_panic(table in "[a-zäöüßąęł蒙哥马利\\t|\n ]{0,200}", query in "[a-zäöüßąęł蒙哥马利 .Ż]{0,60}") {
            let l = Lexicon::from_tables(&[("pl", "en", &table), ("zh", "en", &table), ("en", "it", &table)]);
            for (from, to) in [("pl", "en"), ("zh", "en"), ("pl", "it")] {
                for alts in l.translate(&query, &Lang::new(from), &Lang::new(to)) {
                    proptest::prop_assert!(!alts.is_empty() && alts.iter().all(|a| !a.is_empty()));
                }
            }
            let _ = l.source_language(&query, None);
        }
    }

    #[test]
    fn an_empty_directory_is_an_error() {
        let dir = std::env::temp_dir().join(format!("sw-lex-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let e = Lexicon::load(&dir).unwrap_err();
        assert!(e.to_string().contains("no dictionary"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
