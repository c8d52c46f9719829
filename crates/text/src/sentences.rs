//! Sentence splitting.
//!
//! [`sentences_in`] is the segmenter of the per-article analysis and of sentence alignment:
//! boundaries from `sentencex` (Wikimedia's rule-based segmenter, maintained, with abbreviation
//! lists for about thirty languages and fallbacks for two hundred more, quotations kept whole,
//! ellipses, list items, CJK terminators), corrected by this module's own rules where
//! `sentencex` falls back to English rules (Serbian ordinals and years, Cyrillic and Tagalog
//! short forms) and cut at every line break.
//!
//! [`sentences`] is the older single forward scan by rule, language-blind, kept because the
//! encoder cuts long articles into passages with it and a changed cut would change stored
//! vectors. Written by hand rather than with unicode-segmentation's sentence bounds because
//! UAX #29 splits after "Dr." and German ordinals ("am 13. September") and knows no
//! abbreviations.

use std::ops::Range;
use storyweave_model::Lang;

/// Abbreviations (lower-case, without the final dot) after which a period does not end a
/// sentence even when a capital follows. Titles, months and common short forms in the
/// languages the engine sees most (en, de, tl, sr, es, fr, ru).
#[rustfmt::skip]
const ABBREVIATIONS: &[&str] = &[
    // English titles and business forms.
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "sen", "rep", "gov", "gen", "lt", "col",
    "capt", "sgt", "mt", "ft", "inc", "ltd", "co", "corp", "no", "vs", "etc", "approx", "dept",
    "est", "fig", "jan", "feb", "apr", "aug", "sep", "sept", "oct", "nov", "dec",
    // German.
    "nr", "ca", "bzw", "vgl", "ggf", "usw", "dipl", "ing", "hr", "fr", "abs", "okt", "dez", "str",
    // Tagalog titles (Ginang, Binibini).
    "gng", "bb",
    // Spanish and French titles.
    "sra", "srta", "dra", "ud", "uds", "mme", "mlle",
    // Serbian and Russian (Cyrillic) short forms.
    "др", "бр", "тзв", "итд", "проф", "ул", "им", "тыс", "млн", "млрд", "гг",
];

/// Numbers of at most this many digits followed by a period are ordinals ("13. September",
/// "2. Bundesliga"), not sentence ends; years (four digits) still end sentences.
const MAX_ORDINAL_DIGITS: usize = 2;

/// Splits text into sentences; returns byte ranges into `text` (trimmed, non-empty). Splits at
/// line breaks, after `。！？` always, and after `. ! ?` (with closing quotes or brackets) when
/// whitespace and a capital (or a letter of a caseless script) follow, unless the period ends
/// an abbreviation, an initial ("J. R.", "z. B.") or an ordinal number.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            push_trimmed(text, start..i, &mut out);
            start = i + 1;
            continue;
        }
        if !is_terminator(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        let mut single_period = c == '.';
        while let Some(&(j, d)) = chars.peek() {
            if is_terminator(d) || is_closing(d) {
                single_period &= !is_terminator(d);
                end = j + d.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let splits = is_cjk_terminator(c)
            || (capital_follows(&text[end..])
                && !(single_period && is_abbreviation(last_word(&text[start..i]))));
        if splits {
            push_trimmed(text, start..end, &mut out);
            start = end;
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

/// Splits text into sentences for `lang`; returns byte ranges into `text` (trimmed, non-empty,
/// in order). Every line break ends a sentence. Inside a line, `sentencex` proposes the
/// boundaries; a boundary is then dropped when the next sentence starts with a lower-case
/// letter (`sentencex` splits "у априлу 2019. године" after the year under its English
/// fallback rules), or when the sentence before ends in a single period after a word that
/// [`sentences`] treats as an abbreviation, an initial or an ordinal of at most two digits.
/// Unlike [`sentences`] it never splits inside a quotation ("„Wir kommen. Bald.“ sagte er"
/// stays one sentence), which keeps a quoted statement whole for alignment.
pub fn sentences_in(text: &str, lang: &Lang) -> Vec<Range<usize>> {
    let code = if lang.is_unknown() { "en" } else { lang.as_str() };
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let bounds = sentencex::get_sentence_boundaries(code, line);
        let mut start = 0;
        for b in &bounds {
            let end = b.end_byte.min(line.len());
            let rest = &line[end..];
            if rest.trim().is_empty() || !continues(&line[start..end], rest) {
                push_trimmed(text, line_start + start..line_start + end, &mut out);
                start = end;
            }
        }
        push_trimmed(text, line_start + start..line_start + line.len(), &mut out);
        line_start += line.len();
    }
    out
}

/// True when a sentence boundary proposed after `before` should not split: the text after
/// starts with a lower-case letter, or `before` ends in a period after an abbreviation.
fn continues(before: &str, after: &str) -> bool {
    let next = after.trim_start().trim_start_matches(|c: char| is_opening(c) || c.is_whitespace()).chars().next();
    if next.is_some_and(char::is_lowercase) {
        return true;
    }
    let before = before.trim_end();
    let Some(body) = before.strip_suffix('.') else { return false };
    !body.ends_with(is_terminator) && is_abbreviation(last_word(body))
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‼' | '⁇' | '؟' | '।' | '॥') || is_cjk_terminator(c)
}

/// Full-width terminators: CJK text has no space after them, so they always split.
fn is_cjk_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '｡')
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '»' | '«' | '“' | ')' | ']' | '」' | '』' | '）'
    )
}

fn is_opening(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '„' | '“' | '‘' | '«' | '»' | '‚' | '(' | '[' | '-' | '–' | '—'
    )
}

/// True when `rest` starts with whitespace, then (after opening quotes or dashes) a capital or
/// a letter of a script without case.
fn capital_follows(rest: &str) -> bool {
    let trimmed = rest.trim_start();
    if trimmed.len() == rest.len() {
        return false;
    }
    match trimmed
        .trim_start_matches(|c: char| is_opening(c) || c.is_whitespace())
        .chars()
        .next()
    {
        Some(n) => n.is_uppercase() || (n.is_alphabetic() && !n.is_lowercase()),
        None => false,
    }
}

/// The last whitespace-separated word of `before`, without opening punctuation.
fn last_word(before: &str) -> &str {
    let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
    word.trim_start_matches(is_opening)
}

fn is_abbreviation(word: &str) -> bool {
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (None, _) => false,
        // An initial ("J. R. R. Tolkien") or one letter of "z. B.".
        (Some(c), None) => c.is_alphabetic(),
        _ => {
            if word.contains('.') {
                // "U.S.", "z.B.", "e.g.": dotted abbreviations.
                return true;
            }
            if word.len() <= MAX_ORDINAL_DIGITS && word.bytes().all(|b| b.is_ascii_digit()) {
                return true;
            }
            let lower = word.to_lowercase();
            ABBREVIATIONS.contains(&lower.as_str())
        }
    }
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[range.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(range.start + lead..range.end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_on_sentence_ends_and_lines() {
        assert_eq!(
            split("Putin came. Kim left! Why?  \n\n New para here"),
            ["Putin came.", "Kim left!", "Why?", "New para here"]
        );
    }

    #[test]
    fn keeps_abbreviations_and_initials() {
        assert_eq!(
            split("Dr. Smith met Mr. Jones at St. Mary. J. R. R. Tolkien wrote it."),
            [
                "Dr. Smith met Mr. Jones at St. Mary.",
                "J. R. R. Tolkien wrote it."
            ]
        );
        assert_eq!(
            split("Er kam z. B. am Montag. Sie nicht."),
            ["Er kam z. B. am Montag.", "Sie nicht."]
        );
        assert_eq!(
            split("The U.S. Army left. It rained."),
            ["The U.S. Army left.", "It rained."]
        );
    }

    #[test]
    fn keeps_numbers_and_ordinals() {
        assert_eq!(
            split("On 2023. 9. 13 it was 3.5 degrees."),
            ["On 2023. 9. 13 it was 3.5 degrees."]
        );
        assert_eq!(
            split("Am 13. September kam er."),
            ["Am 13. September kam er."]
        );
        assert_eq!(
            split("It ended in 2023. Then peace."),
            ["It ended in 2023.", "Then peace."]
        );
    }

    #[test]
    fn lowercase_after_period_does_not_split() {
        assert_eq!(
            split("See the fig. below for more."),
            ["See the fig. below for more."]
        );
        assert_eq!(split("He said ok. and left"), ["He said ok. and left"]);
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        assert_eq!(
            split("„Wir kommen.“ Dann ging er. \"Yes!\" she said."),
            ["„Wir kommen.“", "Dann ging er.", "\"Yes!\" she said."]
        );
    }

    #[test]
    fn cjk_splits_without_spaces() {
        assert_eq!(
            split("金正恩访问俄罗斯。普京接受邀请！真的吗？"),
            ["金正恩访问俄罗斯。", "普京接受邀请！", "真的吗？"]
        );
    }

    #[test]
    fn cyrillic_and_caseless_scripts() {
        assert_eq!(
            split("Ким је дошао. Путин је рекао."),
            ["Ким је дошао.", "Путин је рекао."]
        );
        assert_eq!(split("قال الرئيس. وصل كيم."), ["قال الرئيس.", "وصل كيم."]);
    }

    fn split_in<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
        sentences_in(text, &Lang::new(lang)).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn language_aware_split_keeps_abbreviations_ordinals_and_years() {
        assert_eq!(
            split_in("Dr. Smith met Mr. Jones at St. Mary. J. R. R. Tolkien wrote it.", "en"),
            ["Dr. Smith met Mr. Jones at St. Mary.", "J. R. R. Tolkien wrote it."]
        );
        assert_eq!(split_in("Am 13. September kam er. Sie nicht.", "de"), ["Am 13. September kam er.", "Sie nicht."]);
        assert_eq!(
            split_in("Срели су се у априлу 2019. године у Владивостоку. Путин је рекао.", "sr"),
            ["Срели су се у априлу 2019. године у Владивостоку.", "Путин је рекао."]
        );
        assert_eq!(split_in("It ended in 2023. Then peace.", "en"), ["It ended in 2023.", "Then peace."]);
    }

    #[test]
    fn language_aware_split_keeps_quotations_whole_and_cuts_lines() {
        assert_eq!(
            split_in("„Wir kommen. Bald.“ Dann ging er.\nTITEL OHNE PUNKT\nNeu.", "de"),
            ["„Wir kommen. Bald.“", "Dann ging er.", "TITEL OHNE PUNKT", "Neu."]
        );
        assert_eq!(split_in("金正恩访问俄罗斯。普京接受邀请！真的吗？", "zh"), ["金正恩访问俄罗斯。", "普京接受邀请！", "真的吗？"]);
        assert_eq!(split_in("Ким је дошао. Путин је рекао.", "sr"), ["Ким је дошао.", "Путин је рекао."]);
    }

    #[test]
    fn empty_and_blank() {
        assert!(sentences("").is_empty());
        assert!(sentences(" \n \n").is_empty());
    }

    proptest! {
        #[test]
        fn language_aware_ranges_are_trimmed_ordered_and_on_boundaries(s in "[a-zA-Z .!?\n\"„“。Ж1-3]{0,80}", lang in "(en|de|sr|zh|und)") {
            let mut last_end = 0;
            for r in sentences_in(&s, &Lang::new(&lang)) {
                prop_assert!(r.start >= last_end && r.start < r.end);
                let part = s.get(r.clone()).unwrap_or_default();
                prop_assert!(!part.is_empty());
                prop_assert_eq!(part, part.trim());
                prop_assert!(!part.contains('\n'));
                last_end = r.end;
            }
        }

        #[test]
        fn ranges_are_trimmed_ordered_and_on_boundaries(s in "[a-zA-Z .!?\n\"„“。Ж1-3]{0,60}") {
            let ranges = sentences(&s);
            let mut last_end = 0;
            for r in ranges {
                prop_assert!(r.start >= last_end && r.start < r.end);
                let part = s.get(r.clone());
                prop_assert!(part.is_some());
                let part = part.unwrap_or_default();
                prop_assert_eq!(part, part.trim());
                last_end = r.end;
            }
        }
    }
}
