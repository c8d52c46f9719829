//! Names and acronyms in running text.
//!
//! Order of work, per text:
//! 1. Gazetteer names (countries, cities) claim their tokens first, with canonical keys.
//! 2. Acronyms: all-capital words of 2–[`MAX_ACRONYM_CHARS`] letters, outside lines written
//!    all in capitals (headlines shout: every word there would be an acronym).
//! 3. Names: runs of capitalised words separated by single spaces or hyphens, with name
//!    particles (`van`, `bin`) inside and short lower-case parts after a hyphen (`Jong-un`).
//!    Stop words, titles, weekdays and month names break a run. A run at the start of a
//!    sentence is a name only when it has two words or more, or when its word is written with
//!    a capital elsewhere in the text mid-sentence. German capitalises every noun: that noise is
//!    accepted, minus the most frequent nouns ([`crate::words::GERMAN_NOUNS`]).
//! 4. Scripts without case (Han, Arabic, Hebrew, Thai, Devanagari...) get names only from
//!    the gazetteer.

use std::collections::HashSet;
use std::ops::Range;

use storyweave_model::{Entity, EntityKind, Lang};
use storyweave_text::Analyzer;

use crate::gazetteer::Gazetteer;
use crate::key::{acronym_key, name_token_key};
use crate::tokens::{tokenize, Gap, Token};
use crate::{dates, words};

/// Longest acronym: UNESCO and UNICEF fit; longer all-capital words are shouting.
pub const MAX_ACRONYM_CHARS: usize = 6;

/// Longest name run, in words: longer capitalised runs are title-case headlines, and their
/// words are kept as single-word names instead.
pub const MAX_NAME_WORDS: usize = 6;

/// Longest lower-case part after a hyphen kept inside a name (`Jong-un`, `bin-Salman` is a
/// particle anyway); longer ones are ordinary compounds (`Russia-based`).
const MAX_HYPHEN_TAIL_CHARS: usize = 3;

/// A line with at least this many all-capital words, making up more than half of its cased
/// words, is a shouted headline.
const SHOUTING_MIN_WORDS: usize = 2;

/// Role of a token for the name finder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Claimed by a gazetteer hit, an acronym, or not usable in a name.
    Other,
    /// Capitalised word that may be (part of) a name.
    Word,
    /// Lower-case name particle, kept only between two name words.
    Particle,
    /// Short lower-case part after a hyphen inside a name.
    HyphenTail,
}

/// Everything one extraction needs about the language.
struct Ctx<'a> {
    lang: &'a Lang,
    analyzer: Analyzer,
    /// English stop words apply in every language: English phrases are quoted everywhere
    /// ("ayon sa The Associated Press").
    english: Analyzer,
    german: bool,
}

impl Ctx<'_> {
    /// True for capitalised words that are never (the start of) a name.
    fn is_common(&self, lower: &str) -> bool {
        self.analyzer.is_stop_word(lower)
            || self.english.is_stop_word(lower)
            || words::contains(words::HONORIFICS, lower)
            || words::contains(words::WEEKDAYS, lower)
            || dates::is_month_name(lower)
            || (self.german && words::contains(words::GERMAN_NOUNS, lower))
    }
}

/// Named entities (gazetteer names, acronyms, capitalised names) in order of appearance.
pub fn extract(text: &str, lang: &Lang) -> Vec<Entity> {
    let toks = tokenize(text);
    let ctx = Ctx {
        lang,
        analyzer: Analyzer::for_lang(lang),
        english: Analyzer::for_lang(&Lang::new("en")),
        german: lang.as_str() == "de",
    };
    let gazetteer = Gazetteer::global();
    let shouting = shouting_lines(&toks);
    let mut out: Vec<(usize, Entity)> = Vec::new();
    let mut claimed = vec![false; toks.len()];

    let lowers = Gazetteer::lower_forms(&toks);
    let hits = gazetteer.match_tokens(&toks, &lowers, |i| {
        let t = &toks[i];
        if t.cased && !t.first_upper {
            return false;
        }
        // "UN" in "KIM JONG UN" is shouting, not the United Nations.
        if shouting.contains(&t.line) && t.chars() <= crate::gazetteer::MAX_EXACT_CHARS {
            return false;
        }
        // A sentence-initial stop word is a common word of this language that happens to be a
        // place name in another ("Man", "Anh"): not a match; nor are month and weekday names
        // that look like an inflected place name in some language.
        let lower: &str = &lowers[i];
        let common_initial = t.initial && ctx.analyzer.is_stop_word(lower);
        let calendar = words::contains(words::WEEKDAYS, lower) || dates::is_month_name(lower);
        !common_initial && !calendar
    });
    for hit in hits {
        let range = toks[hit.tokens.start].start..toks[hit.tokens.end - 1].end;
        claimed[hit.tokens.clone()]
            .iter_mut()
            .for_each(|c| *c = true);
        out.push((range.start, entity(hit.key, &text[range], EntityKind::Name)));
    }
    for hit in gazetteer.match_spaceless(text) {
        out.push((
            hit.range.start,
            entity(hit.key, &text[hit.range], EntityKind::Name),
        ));
    }

    for (i, t) in toks.iter().enumerate() {
        if !claimed[i] && is_acronym(t) && !shouting.contains(&t.line) {
            claimed[i] = true;
            out.push((
                t.start,
                entity(acronym_key(t.text, lang), t.text, EntityKind::Acronym),
            ));
        }
    }

    let roles: Vec<Role> = toks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if claimed[i] || shouting.contains(&t.line) {
                Role::Other
            } else {
                role(&ctx, t, &lowers[i])
            }
        })
        .collect();
    let capitalised_mid_sentence: HashSet<&str> = toks
        .iter()
        .zip(&roles)
        .filter(|(t, r)| **r == Role::Word && !t.initial)
        .map(|(t, _)| t.text)
        .collect();

    for run in name_runs(&toks, &roles) {
        let words: Vec<usize> = run.clone().filter(|&i| roles[i] == Role::Word).collect();
        let first = &toks[run.start];
        if first.initial && words.len() == 1 && !capitalised_mid_sentence.contains(first.text) {
            continue;
        }
        if words.len() > MAX_NAME_WORDS {
            for &i in &words {
                let t = &toks[i];
                out.push((
                    t.start,
                    entity(name_token_key(t.text, lang), t.text, EntityKind::Name),
                ));
            }
            continue;
        }
        let surface = &text[first.start..toks[run.end - 1].end];
        out.push((
            first.start,
            entity(run_key(&toks[run], ctx.lang), surface, EntityKind::Name),
        ));
    }

    out.sort_by_key(|(start, _)| *start);
    out.into_iter().map(|(_, e)| e).collect()
}

fn entity(key: String, surface: &str, kind: EntityKind) -> Entity {
    Entity {
        key,
        surface: surface.to_string(),
        kind,
    }
}

/// Roman numerals in all capitals (Henry VIII, World War II) are not acronyms.
fn is_roman_numeral(s: &str) -> bool {
    s.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

fn is_acronym(t: &Token<'_>) -> bool {
    let n = t.chars();
    t.all_upper
        && !t.has_digit
        && (2..=MAX_ACRONYM_CHARS).contains(&n)
        && t.text.chars().all(char::is_alphabetic)
        && !is_roman_numeral(t.text)
}

fn role(ctx: &Ctx<'_>, t: &Token<'_>, lower: &str) -> Role {
    if t.has_digit || !t.cased || t.all_upper {
        return Role::Other;
    }
    if !t.first_upper {
        if words::contains(words::PARTICLES, lower) {
            return Role::Particle;
        }
        if t.gap == Gap::Hyphen && t.chars() <= MAX_HYPHEN_TAIL_CHARS {
            return Role::HyphenTail;
        }
        return Role::Other;
    }
    // One capital letter is an initial or a sentence-initial article ("A", "I").
    if t.chars() < 2 || ctx.is_common(lower) {
        return Role::Other;
    }
    Role::Word
}

/// Token ranges of name runs: start and end on a [`Role::Word`], joined by spaces/hyphens.
fn name_runs(toks: &[Token<'_>], roles: &[Role]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if roles[i] != Role::Word {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut j = i + 1;
        // A possessive or case ending after an apostrophe ends a name ("Kim Jong Un’s visit").
        while j < toks.len() && toks[j].gap != Gap::Break && !toks[j - 1].cut {
            match roles[j] {
                Role::Word => {
                    end = j + 1;
                    j += 1;
                }
                Role::HyphenTail if end == j => {
                    end = j + 1;
                    j += 1;
                }
                // A particle stays only if a name word follows it.
                Role::Particle if j + 1 < toks.len() => j += 1,
                _ => break,
            }
        }
        runs.push(start..end);
        i = end;
    }
    runs
}

/// The key of a name run: its words' keys joined by spaces, particles left out.
fn run_key(run: &[Token<'_>], lang: &Lang) -> String {
    let keys: Vec<String> = run
        .iter()
        .filter(|t| t.first_upper || t.gap == Gap::Hyphen)
        .filter(|t| !words::contains(words::PARTICLES, &t.text.to_lowercase()))
        .map(|t| name_token_key(t.text, lang))
        .filter(|k| !k.is_empty())
        .collect();
    keys.join(" ")
}

/// Lines written mostly in capitals.
fn shouting_lines(toks: &[Token<'_>]) -> HashSet<usize> {
    let mut counts: Vec<(usize, usize, usize)> = Vec::new(); // (line, caps, cased)
    for t in toks.iter().filter(|t| t.cased && t.chars() >= 2) {
        if counts.last().is_none_or(|c| c.0 != t.line) {
            counts.push((t.line, 0, 0));
        }
        if let Some(c) = counts.last_mut() {
            c.1 += usize::from(t.all_upper);
            c.2 += 1;
        }
    }
    counts
        .into_iter()
        .filter(|&(_, caps, cased)| caps >= SHOUTING_MIN_WORDS && caps * 2 > cased)
        .map(|(line, _, _)| line)
        .collect()
}

/// The key of one surface form (see [`crate::entity_key`]).
pub fn key_of(surface: &str, lang: &Lang) -> String {
    if let Some(key) = Gazetteer::global().lookup(surface) {
        return key;
    }
    let toks = tokenize(surface);
    if let [t] = toks.as_slice() {
        if is_acronym(t) {
            return acronym_key(t.text, lang);
        }
    }
    run_key(&toks, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ents(text: &str, lang: &str) -> Vec<(String, String)> {
        extract(text, &Lang::new(lang))
            .into_iter()
            .map(|e| (e.surface, e.key))
            .collect()
    }

    fn surfaces(text: &str, lang: &str) -> Vec<String> {
        ents(text, lang).into_iter().map(|(s, _)| s).collect()
    }

    #[test]
    fn multi_word_names_and_acronyms() {
        let s = surfaces(
            "Russian President Vladimir Putin met Kim Jong Un at the Vostochny Cosmodrome, \
             the Korean Central News Agency (KCNA) said.",
            "en",
        );
        assert!(s.contains(&"Vladimir Putin".to_string()), "{s:?}");
        assert!(s.contains(&"Kim Jong Un".to_string()), "{s:?}");
        assert!(s.contains(&"Vostochny Cosmodrome".to_string()), "{s:?}");
        assert!(s.contains(&"KCNA".to_string()), "{s:?}");
        assert!(s.iter().any(|x| x.contains("Central News Agency")), "{s:?}");
        assert!(!s.iter().any(|x| x.contains("President")), "{s:?}");
    }

    #[test]
    fn sentence_initial_common_words_are_skipped() {
        let s = surfaces(
            "Yesterday it rained. The rain stopped. Meanwhile Putin slept.",
            "en",
        );
        assert!(!s.iter().any(|x| x == "The" || x == "Meanwhile"), "{s:?}");
        // Sentence-initial but followed by a capitalised word: a name.
        let s = surfaces("Angela Merkel spoke. Then she left.", "en");
        assert_eq!(s, ["Angela Merkel"]);
        // Sentence-initial alone, but capitalised mid-sentence elsewhere: a name.
        let s = surfaces("Putin spoke. They listened to Putin.", "en");
        assert_eq!(s, ["Putin", "Putin"]);
    }

    #[test]
    fn particles_and_hyphens_inside_names() {
        let e = ents("They met Ludwig van Beethoven and Kim Jong-un there.", "en");
        assert_eq!(e[0].0, "Ludwig van Beethoven");
        assert_eq!(e[0].1, ents("They met Ludwig Beethoven.", "en")[0].1);
        assert_eq!(e[1].0, "Kim Jong-un");
        assert_eq!(e[1].1, ents("with Kim Jong Un.", "en")[0].1);
    }

    #[test]
    fn gazetteer_names_claim_their_words() {
        let e = ents("Tinanggap ng North Korea ang alok ng Russia-DPRK.", "tl");
        assert_eq!(e[0], ("North Korea".into(), "@kp".into()));
        assert_eq!(e[1], ("Russia".into(), "@ru".into()));
        assert_eq!(e[2], ("DPRK".into(), "@kp".into()));
    }

    #[test]
    fn caseless_scripts_use_the_gazetteer_only() {
        let e = ents("金正恩访问俄罗斯，与普京会面。", "zh");
        assert_eq!(e, [("俄罗斯".to_string(), "@ru".to_string())]);
        let e = ents("زار كيم روسيا", "ar");
        assert!(e.iter().all(|(_, k)| k.starts_with('@')), "{e:?}");
    }

    #[test]
    fn shouted_headlines_have_no_acronyms() {
        let s = surfaces("PUTIN AT KIM NAGKITA SA RUSSIA\nSinabi ng KCNA ito.", "tl");
        assert_eq!(s, ["RUSSIA", "KCNA"]);
    }

    #[test]
    fn mixed_script_and_possessives() {
        let e = ents("Северна Kореја је", "sr");
        assert_eq!(e[0].1, "@kp");
        let e = ents("visit the Democratic People’s Republic of Korea now", "en");
        assert_eq!(e[0].1, "@kp");
        let s = surfaces("met Kim Jong Un’s Sister there", "en");
        assert_eq!(s, ["Kim Jong Un", "Sister"]);
    }

    #[test]
    fn english_articles_in_other_languages() {
        let s = surfaces("ayon sa The Associated Press kahapon", "tl");
        assert_eq!(s, ["Associated Press"]);
    }

    #[test]
    fn german_frequent_nouns_are_dropped() {
        let s = surfaces(
            "Die Regierung und der Kreml haben Berichten zufolge Putin gelobt.",
            "de",
        );
        assert!(
            !s.iter().any(|x| x == "Regierung" || x == "Berichten"),
            "{s:?}"
        );
        assert!(
            s.contains(&"Kreml".to_string()) && s.contains(&"Putin".to_string()),
            "{s:?}"
        );
    }

    #[test]
    fn weekdays_and_months_are_not_names() {
        let s = surfaces(
            "Sie trafen sich am Mittwoch, dem 13. September, mit Putin.",
            "de",
        );
        assert_eq!(s, ["Putin"]);
    }

    #[test]
    fn surface_key_is_entity_key() {
        let text = "Kim Jong Un visited Russlands Osten; Putin and KCNA and Wladimir Putins Gast.";
        for e in extract(text, &Lang::new("de")) {
            assert_eq!(key_of(&e.surface, &Lang::new("de")), e.key, "{e:?}");
        }
    }
}
