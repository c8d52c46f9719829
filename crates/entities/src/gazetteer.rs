//! Country, territory and city names in ~70 languages, each mapped to one canonical key
//! (`@kp`, `@city:moscow`).
//!
//! The table `data/gazetteer.tsv` is generated from CLDR by `tools/gazetteer/generate.py`
//! and compiled in. Matching works on [`Token`]s: a name's first token is looked up by the
//! text token and its prefixes (a [`HashMap`] probe per prefix, at most
//! [`MAX_STEM_ENDING`] + 1 per token), the rest of a multi-word name is compared token by token,
//! and the longest name wins ("South Sudan" over "Sudan"). A text token matches a name token
//! when it is equal to it or starts with it (Russlands → Russland), or starts with the name
//! minus its final vowel when the name has at least [`MIN_STEM_CHARS`] letters and the
//! ending starts with a vowel (Русије → Русија, Suomessa → Suomi); see [`suffix_allowance`]
//! and [`MAX_STEM_ENDING`] for how long the ending may be.
//! Names written in scripts without spaces (Chinese, Japanese, Korean, Thai...) are found by
//! substring with one Aho-Corasick automaton.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::tokens::{tokenize, Gap, Token};
use crate::{Error, Result};

/// The generated table: `key<TAB>lang<TAB>name` per line, `#` comments.
const GAZETTEER_TSV: &str = include_str!("../data/gazetteer.tsv");

/// Longest ending (in characters) an inflected form may add to a whole name: Finnish
/// "Venäjä|llä", Hungarian "Oroszország|ban", German "Russland|s" fit; "Septe|mber" (Ceuta in
/// one language, September in another) and "Chad|wick" must not.
pub const MAX_INFLECTION: usize = 3;

/// Longest ending after a name that lost its final vowel ("Suom|essa" from Suomi,
/// "Venäj|ällä"); the ending must start with a vowel, as case endings that replace a final
/// vowel do ("Русиј|е", "Кореј|у"), so that "Chadi" does not match "Chad|wick".
pub const MAX_STEM_ENDING: usize = 4;

/// Names at least this long may also match without their final vowel (Кореја → Кореју).
pub const MIN_STEM_CHARS: usize = 5;

/// Names up to this long (UK, US, EU, РФ) match only as written, case included: lower-cased
/// they are common words ("us"), and any ending would make them other words.
pub const MAX_EXACT_CHARS: usize = 3;

/// How long an ending may follow a whole name token of `chars` characters: short names take
/// short endings only, or they would swallow other words (Mali → Malicious).
pub fn suffix_allowance(chars: usize) -> usize {
    match chars {
        0..=MAX_EXACT_CHARS => 0,
        4 => 2,
        _ => MAX_INFLECTION,
    }
}

/// One token of a gazetteer name.
#[derive(Debug, Clone)]
struct NameToken {
    /// Lower-case form.
    lower: String,
    /// The form as written, when only an exact match counts.
    exact: Option<String>,
    /// Lower-case form without its final vowel, for long names.
    stem: Option<String>,
    /// Longest ending allowed after `lower`.
    allowance: usize,
}

impl NameToken {
    fn new(text: &str) -> Self {
        let lower = text.to_lowercase();
        let chars = lower.chars().count();
        let exact = (chars <= MAX_EXACT_CHARS).then(|| text.to_string());
        let stem = match lower.char_indices().last() {
            Some((pos, c)) if chars >= MIN_STEM_CHARS && is_vowel(c) => {
                Some(lower[..pos].to_string())
            }
            _ => None,
        };
        NameToken {
            allowance: suffix_allowance(chars),
            lower,
            exact,
            stem,
        }
    }

    /// True when the text token (as written and lower-cased) is a form of this name token.
    fn matches(&self, text: &str, lower: &str) -> bool {
        if let Some(exact) = &self.exact {
            return text == exact;
        }
        let whole = lower
            .strip_prefix(self.lower.as_str())
            .is_some_and(|rest| rest.chars().count() <= self.allowance);
        let stem = || {
            let Some(rest) = self.stem.as_deref().and_then(|s| lower.strip_prefix(s)) else {
                return false;
            };
            rest.chars().count() <= MAX_STEM_ENDING && rest.chars().next().is_some_and(is_vowel)
        };
        whole || stem()
    }
}

/// True for a vowel in any script that transliterates to one (я → "ya" counts).
fn is_vowel(c: char) -> bool {
    let mut buf = [0u8; 4];
    let folded = storyweave_text::fold(c.encode_utf8(&mut buf));
    folded.starts_with(['a', 'e', 'i', 'o', 'u', 'y'])
}

#[derive(Debug, Clone)]
struct Entry {
    key: usize,
    tokens: Vec<NameToken>,
}

/// A gazetteer hit on tokens `tokens` (indices into the token slice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHit {
    /// Token indices covered.
    pub tokens: Range<usize>,
    /// The canonical key.
    pub key: String,
}

/// A gazetteer hit found by substring in spaceless script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanHit {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// The canonical key.
    pub key: String,
}

/// Multilingual place names with canonical keys.
#[derive(Debug)]
pub struct Gazetteer {
    keys: Vec<String>,
    entries: Vec<Entry>,
    /// Every form a first token can start a match with (its lower-case form, its stem) →
    /// entries, longest names first.
    first: HashMap<String, Vec<usize>>,
    /// Names in spaceless scripts and their keys (indices into `keys`).
    spaceless: Option<(AhoCorasick, Vec<usize>)>,
}

/// Shortest spaceless name matched by substring: one Han character is a word part far
/// more often than a country.
const MIN_SPACELESS_CHARS: usize = 2;

impl Gazetteer {
    /// The compiled-in gazetteer, parsed on first use. A table that fails to parse (a
    /// build-time bug, caught by the tests) gives an empty gazetteer instead of a panic.
    pub fn global() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| Gazetteer::parse(GAZETTEER_TSV).unwrap_or_else(|_| Gazetteer::empty()))
    }

    /// A gazetteer with no names.
    pub fn empty() -> Self {
        Gazetteer {
            keys: Vec::new(),
            entries: Vec::new(),
            first: HashMap::new(),
            spaceless: None,
        }
    }

    /// Parses `key<TAB>lang<TAB>name` lines; empty lines and `#` comments are skipped.
    pub fn parse(tsv: &str) -> Result<Self> {
        let mut g = Gazetteer::empty();
        let mut key_ids: HashMap<&str, usize> = HashMap::new();
        let mut seen: HashMap<(usize, String), ()> = HashMap::new();
        let mut spaceless_names: Vec<String> = Vec::new();
        let mut spaceless_keys: Vec<usize> = Vec::new();
        for (n, line) in tsv.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(key), Some(_lang), Some(name), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(Error::Gazetteer {
                    line: n + 1,
                    reason: "expected 3 tab-separated fields",
                });
            };
            if !key.starts_with('@') || name.trim().is_empty() {
                return Err(Error::Gazetteer {
                    line: n + 1,
                    reason: "key must start with @, name must not be empty",
                });
            }
            let next_id = g.keys.len();
            let key_id = *key_ids.entry(key).or_insert(next_id);
            if key_id == next_id {
                g.keys.push(key.to_string());
            }
            if seen.insert((key_id, name.to_lowercase()), ()).is_some() {
                continue;
            }
            let toks = tokenize(name);
            if toks.is_empty() {
                continue;
            }
            if toks.iter().all(|t| t.spaceless) {
                if name.chars().count() >= MIN_SPACELESS_CHARS && !name.contains(' ') {
                    spaceless_names.push(name.to_string());
                    spaceless_keys.push(key_id);
                }
                continue;
            }
            let tokens: Vec<NameToken> = toks.iter().map(|t| NameToken::new(t.text)).collect();
            let id = g.entries.len();
            for form in std::iter::once(&tokens[0].lower).chain(tokens[0].stem.as_ref()) {
                g.first.entry(form.clone()).or_default().push(id);
            }
            g.entries.push(Entry {
                key: key_id,
                tokens,
            });
        }
        for ids in g.first.values_mut() {
            ids.sort_by_key(|&id| std::cmp::Reverse(g.entries[id].tokens.len()));
        }
        if !spaceless_names.is_empty() {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&spaceless_names)
                .map_err(|e| Error::Automaton(e.to_string()))?;
            g.spaceless = Some((ac, spaceless_keys));
        }
        Ok(g)
    }

    /// Number of names (token and spaceless ones).
    pub fn len(&self) -> usize {
        self.entries.len() + self.spaceless.as_ref().map_or(0, |(_, k)| k.len())
    }

    /// True when there are no names.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The longest name starting at token `i`, as (token count, key id).
    fn match_at(
        &self,
        toks: &[Token<'_>],
        lowers: &[Cow<'_, str>],
        i: usize,
    ) -> Option<(usize, usize)> {
        let lower = &lowers[i];
        let mut best: Option<(usize, usize)> = None;
        // Probe the token and its prefixes with up to MAX_STEM_ENDING characters cut off.
        let mut end = lower.len();
        for _ in 0..=MAX_STEM_ENDING {
            let probe = &lower[..end];
            end = match probe.char_indices().next_back() {
                Some((p, _)) if p > 0 => p,
                _ => 0,
            };
            let Some(ids) = self.first.get(probe) else {
                if end == 0 {
                    break;
                }
                continue;
            };
            for &id in ids {
                let entry = &self.entries[id];
                let n = entry.tokens.len();
                if best.is_some_and(|(b, _)| b >= n) || i + n > toks.len().min(lowers.len()) {
                    continue;
                }
                let ok = entry.tokens.iter().enumerate().all(|(k, nt)| {
                    let t = &toks[i + k];
                    (k == 0 || t.gap != Gap::Break) && nt.matches(t.text, &lowers[i + k])
                });
                if ok {
                    best = Some((n, entry.key));
                }
            }
            if end == 0 {
                break;
            }
        }
        best
    }

    /// Lower-case forms of tokens for [`Gazetteer::match_tokens`], mixed Latin/Cyrillic
    /// words rewritten in their majority script; empty for tokens no name can use.
    pub fn lower_forms<'a>(toks: &[Token<'a>]) -> Vec<Cow<'a, str>> {
        toks.iter()
            .map(|t| {
                if t.spaceless || t.has_digit {
                    return Cow::Borrowed("");
                }
                // Most words are lower-case already: no allocation for them.
                let lower = if t.text.chars().any(char::is_uppercase) {
                    Cow::Owned(t.text.to_lowercase())
                } else {
                    Cow::Borrowed(t.text)
                };
                match crate::tokens::unmix_script(&lower) {
                    Some(unmixed) => Cow::Owned(unmixed),
                    None => lower,
                }
            })
            .collect()
    }

    /// Names among `toks` (tokens of one text, `lowers` from [`Gazetteer::lower_forms`]),
    /// left to right, longest first, not overlapping. `accept(i)` says whether a match may
    /// start at token `i` (the caller requires a capital in cased scripts).
    pub fn match_tokens(
        &self,
        toks: &[Token<'_>],
        lowers: &[Cow<'_, str>],
        accept: impl Fn(usize) -> bool,
    ) -> Vec<TokenHit> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i < toks.len().min(lowers.len()) {
            if lowers[i].is_empty() || !accept(i) {
                i += 1;
                continue;
            }
            match self.match_at(toks, lowers, i) {
                Some((n, key)) => {
                    hits.push(TokenHit {
                        tokens: i..i + n,
                        key: self.keys[key].clone(),
                    });
                    i += n;
                }
                None => i += 1,
            }
        }
        hits
    }

    /// Names in spaceless scripts found by substring, left to right.
    pub fn match_spaceless(&self, text: &str) -> Vec<SpanHit> {
        let Some((ac, keys)) = &self.spaceless else {
            return Vec::new();
        };
        if !text.chars().any(crate::tokens::is_spaceless) {
            return Vec::new();
        }
        ac.find_iter(text)
            .map(|m| SpanHit {
                range: m.range(),
                key: self.keys[keys[m.pattern().as_usize()]].clone(),
            })
            .collect()
    }

    /// The canonical key when the whole of `surface` is one gazetteer name (inflected forms
    /// included), else `None`.
    pub fn lookup(&self, surface: &str) -> Option<String> {
        let toks = tokenize(surface);
        if toks.is_empty() {
            return None;
        }
        if toks.iter().all(|t| t.spaceless) {
            let trimmed = surface.trim();
            return self
                .match_spaceless(trimmed)
                .into_iter()
                .find(|h| h.range == (0..trimmed.len()))
                .map(|h| h.key);
        }
        let hits = self.match_tokens(&toks, &Self::lower_forms(&toks), |i| i == 0);
        hits.into_iter()
            .find(|h| h.tokens == (0..toks.len()))
            .map(|h| h.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Option<String> {
        Gazetteer::global().lookup(s)
    }

    #[test]
    fn embedded_table_parses_and_is_large() {
        let g = Gazetteer::parse(GAZETTEER_TSV).expect("gazetteer.tsv parses");
        assert!(g.len() > 10_000, "{}", g.len());
    }

    #[test]
    fn north_korea_in_many_languages() {
        for name in [
            "North Korea",
            "Nordkorea",
            "Северна Кореја",
            "Hilagang Korea",
            "Pohjois-Korea",
            "Corée du Nord",
            "朝鲜",
            "كوريا الشمالية",
            "DPRK",
            "DVRK",
        ] {
            assert_eq!(key(name).as_deref(), Some("@kp"), "{name}");
        }
    }

    #[test]
    fn moscow_in_many_languages() {
        for name in ["Moscow", "Moskau", "Москва", "莫斯科", "Moskova"] {
            assert_eq!(key(name).as_deref(), Some("@city:moscow"), "{name}");
        }
    }

    #[test]
    fn inflected_forms() {
        assert_eq!(key("Venäjällä").as_deref(), Some("@ru"));
        assert_eq!(key("Русије").as_deref(), Some("@ru"));
        assert_eq!(key("Russlands").as_deref(), Some("@ru"));
        assert_eq!(key("Северну Кореју").as_deref(), Some("@kp"));
    }

    #[test]
    fn similar_names_get_different_keys() {
        assert_eq!(key("Sudan").as_deref(), Some("@sd"));
        assert_eq!(key("South Sudan").as_deref(), Some("@ss"));
        assert_eq!(key("Austria").as_deref(), Some("@at"));
        assert_eq!(key("Australia").as_deref(), Some("@au"));
        assert_eq!(key("Iran").as_deref(), Some("@ir"));
        assert_eq!(key("Iraq").as_deref(), Some("@iq"));
        assert_eq!(key("Kosovo").as_deref(), Some("@xk"));
    }

    #[test]
    fn short_names_need_exact_case() {
        assert_eq!(key("US").as_deref(), Some("@us"));
        assert_eq!(key("us"), None);
        assert_eq!(key("Chadwick"), None);
        assert_eq!(key("Malicious"), None);
        assert_eq!(key("September"), None);
        assert_eq!(key("Suomessa").as_deref(), Some("@fi"));
    }

    #[test]
    fn malformed_lines_are_errors() {
        assert!(matches!(
            Gazetteer::parse("@x\ten"),
            Err(Error::Gazetteer { line: 1, .. })
        ));
        assert!(matches!(
            Gazetteer::parse("# c\nx\ten\tName"),
            Err(Error::Gazetteer { line: 2, .. })
        ));
        assert_eq!(
            Gazetteer::parse("@a\ten\tAlpha\n").map(|g| g.len()).ok(),
            Some(1)
        );
    }
}
