//! Word tokens with what separates them, shared by the name finder and the gazetteer.

use unicode_segmentation::UnicodeSegmentation;

/// What stands between a token and the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// Horizontal whitespace only: the two may belong to one name.
    Space,
    /// A single hyphen (`Pohjois-Korea`, `Jong-un`).
    Hyphen,
    /// Punctuation, a line break, or the start of the text.
    Break,
}

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset after the last character.
    pub end: usize,
    /// The word as written (a possessive or case ending after an apostrophe is cut off).
    pub text: &'a str,
    /// What separates it from the previous token.
    pub gap: Gap,
    /// True at the start of a text, line, sentence, or quoted sentence.
    pub initial: bool,
    /// 0-based line (paragraph) number.
    pub line: usize,
    /// First character is upper-case.
    pub first_upper: bool,
    /// Some character has case (Latin, Cyrillic, Greek, Armenian...).
    pub cased: bool,
    /// Cased, and no lower-case character.
    pub all_upper: bool,
    /// Written in a script without spaces between words (Han, Kana, Hangul, Thai, Lao,
    /// Khmer, Myanmar): the gazetteer matches those by substring instead.
    pub spaceless: bool,
    /// Contains a digit.
    pub has_digit: bool,
    /// An ending after an apostrophe was cut off (`Un’s`): a name ends here.
    pub cut: bool,
}

impl Token<'_> {
    /// Length in characters.
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// Longest ending after an apostrophe that is cut off as a possessive or case ending
/// (English `’s`, Turkish `'da`, `'nin`); longer tails are part of the name (`O’Brien`).
const MAX_APOSTROPHE_TAIL: usize = 3;

/// True for scripts written without spaces between words.
pub fn is_spaceless(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x2FFFF) // CJK extensions B-F
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// Opening quotation marks and brackets: a capital after one of these (with a comma or
/// colon before it) starts a quoted sentence.
fn is_opener(c: char) -> bool {
    matches!(
        c,
        '“' | '„' | '«' | '»' | '"' | '‚' | '‘' | '「' | '『' | '(' | '['
    )
}

#[derive(Default)]
struct GapScan {
    seen: bool,
    newline: bool,
    sentence_end: bool,
    opener: bool,
    comma: bool,
    only_spaces: bool,
    hyphens: usize,
    other: bool,
}

impl GapScan {
    fn new() -> Self {
        GapScan {
            only_spaces: true,
            ..Default::default()
        }
    }

    fn add(&mut self, s: &str) {
        for c in s.chars() {
            self.seen = true;
            match c {
                '\n' | '\r' => {
                    self.newline = true;
                    self.only_spaces = false;
                }
                c if c.is_whitespace() => {}
                '-' | '‐' | '‑' => self.hyphens += 1,
                '.' | '!' | '?' | ':' | ';' | '…' | '。' | '！' | '？' => {
                    self.sentence_end = true;
                    self.only_spaces = false;
                }
                ',' => {
                    self.comma = true;
                    self.only_spaces = false;
                }
                c => {
                    if is_opener(c) {
                        self.opener = true;
                    }
                    self.other = true;
                    self.only_spaces = false;
                }
            }
        }
    }

    fn gap(&self) -> Gap {
        if !self.only_spaces || self.other {
            Gap::Break
        } else if self.hyphens == 1 {
            Gap::Hyphen
        } else if self.hyphens == 0 && self.seen {
            Gap::Space
        } else {
            Gap::Break
        }
    }

    fn initial(&self) -> bool {
        self.newline || self.sentence_end || (self.opener && self.comma)
    }
}

/// The words of `text` (UAX #29 word boundaries, words holding a letter or digit), each
/// with its gap, sentence position and case flags.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out: Vec<Token<'_>> = Vec::new();
    let mut gap = GapScan::new();
    let mut line = 0;
    for (start, seg) in text.split_word_bound_indices() {
        if !seg.chars().any(char::is_alphanumeric) {
            gap.add(seg);
            line += seg.matches('\n').count();
            continue;
        }
        let mut word = seg;
        if let Some((pos, a)) = seg.char_indices().find(|&(_, c)| is_apostrophe(c)) {
            let tail = &seg[pos + a.len_utf8()..];
            if pos > 0 && tail.chars().count() <= MAX_APOSTROPHE_TAIL {
                word = &seg[..pos];
            }
        }
        let mut first_upper = false;
        let mut cased = false;
        let mut has_lower = false;
        let mut spaceless = false;
        let mut has_digit = false;
        for (i, c) in word.chars().enumerate() {
            let (u, l) = (c.is_uppercase(), c.is_lowercase());
            if i == 0 {
                first_upper = u;
                spaceless = is_spaceless(c);
            }
            cased |= u || l;
            has_lower |= l;
            has_digit |= c.is_numeric();
        }
        let initial = out.is_empty() || gap.initial();
        out.push(Token {
            start,
            end: start + word.len(),
            text: word,
            gap: if out.is_empty() {
                Gap::Break
            } else {
                gap.gap()
            },
            initial,
            line,
            first_upper,
            cased,
            all_upper: cased && !has_lower,
            spaceless,
            has_digit,
            cut: word.len() < seg.len(),
        });
        gap = GapScan::new();
    }
    out
}

/// Latin and Cyrillic letters that look alike, lower-case: (Latin, Cyrillic).
const LOOKALIKES: &[(char, char)] = &[
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('i', 'і'),
    ('j', 'ј'),
    ('k', 'к'),
    ('m', 'м'),
    ('o', 'о'),
    ('p', 'р'),
    ('x', 'х'),
    ('y', 'у'),
    ('t', 'т'),
    ('h', 'н'),
    ('b', 'в'),
];

/// A lower-case word that mixes Latin and Cyrillic letters (scraped Serbian text has
/// "Kореја" with a Latin K) rewritten in its majority script, lookalike by lookalike.
pub fn unmix_script(lower: &str) -> Option<String> {
    let cyrillic = lower
        .chars()
        .filter(|c| ('\u{400}'..='\u{4ff}').contains(c))
        .count();
    let latin = lower.chars().filter(char::is_ascii_alphabetic).count();
    if cyrillic == 0 || latin == 0 {
        return None;
    }
    let to_cyrillic = cyrillic >= latin;
    Some(
        lower
            .chars()
            .map(|c| {
                LOOKALIKES
                    .iter()
                    .find(|&&(l, cy)| if to_cyrillic { l == c } else { cy == c })
                    .map_or(c, |&(l, cy)| if to_cyrillic { cy } else { l })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text).collect()
    }

    #[test]
    fn gaps_and_initials() {
        let t = tokenize("Kim Jong-un met Putin. The Pohjois-Korea, “Quoted”\nNext");
        assert_eq!(words("Kim Jong-un met"), ["Kim", "Jong", "un", "met"]);
        assert!(t[0].initial && t[0].first_upper);
        assert_eq!(t[1].gap, Gap::Space);
        assert_eq!(t[2].gap, Gap::Hyphen);
        assert!(!t[4].initial);
        assert!(t[5].initial, "after a full stop");
        assert_eq!(t[7].gap, Gap::Hyphen);
        assert!(t[8].initial, "quoted sentence after a comma");
        assert!(t[9].initial && t[9].line == 1);
    }

    #[test]
    fn quoted_name_mid_sentence_is_not_initial() {
        let t = tokenize("на космодрому \"Восточни\" јуче");
        assert!(!t[2].initial);
    }

    #[test]
    fn possessives_are_cut() {
        assert_eq!(
            words("Kim Jong Un’s visit, Moskova'da, O’Brien"),
            ["Kim", "Jong", "Un", "visit", "Moskova", "O’Brien"]
        );
        let t = tokenize("Un’s Visit");
        assert!(t[0].cut && !t[1].cut);
    }

    #[test]
    fn mixed_scripts_are_unmixed() {
        assert_eq!(unmix_script("kореја").as_deref(), Some("кореја"));
        assert_eq!(unmix_script("mоscow").as_deref(), Some("moscow"));
        assert_eq!(unmix_script("кореја"), None);
    }

    #[test]
    fn case_flags() {
        let t = tokenize("KCNA КЦНА Kim 北京 2023");
        assert!(t[0].all_upper && t[1].all_upper && !t[2].all_upper);
        assert!(t[3].spaceless && !t[3].cased);
        assert!(t.last().is_some_and(|t| t.has_digit));
    }
}
