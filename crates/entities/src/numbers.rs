//! Numbers normalised across writing conventions.
//!
//! `1,000` / `1.000` / `1 000` / `1’000` → `1000`; `3.5` / `3,5` → `3.5`; `1,234.5` /
//! `1.234,5` → `1234.5`; `5%` / `5 %` / `5 percent` / `%5` → `5%`; years stay as written
//! (`2023`); a multiplier word after a number is applied (`2.5 million`, `3 millones`,
//! `1,2 Mrd.`, `5 млн` → `2500000`, `3000000`, `1200000000`, `5000000`).
//!
//! Grouping decides between a decimal mark and a thousands separator, the same in every
//! language: one `.` or `,` followed by exactly three digits is a thousands separator
//! (news text hardly ever writes three decimals) unless the number starts with `0`; with
//! another count of digits it is a decimal mark; two different marks mean thousands then
//! decimals. A space or apostrophe only ever groups thousands. The language decides only
//! the English "billion" (10⁹, elsewhere "billion"/"billón" is 10¹²). A run that fits none of
//! these (`13.09.2023`) yields its digit groups as separate numbers.
//!
//! Digits in Arabic-Indic, Devanagari, Bengali, Thai and full-width forms count. Skipped:
//! numbers written in words ("three million"), Chinese numerals and `万`/`億` units, Indian
//! lakh/crore, fractions, and the Arabic decimal mark `٫`.
//!
//! Hand-written rather than a regex because the grouping rules need the groups' lengths and
//! the separators' kinds, which a pattern alone cannot decide.

use storyweave_model::Lang;

/// Numbers at least this large carry evidence (smaller ones are counts like "two leaders").
pub const MIN_INFORMATIVE: u64 = 11;

/// The ASCII digit for a decimal digit in any of the supported scripts.
fn digit(c: char) -> Option<char> {
    let zero = match c as u32 {
        0x30..=0x39 => return Some(c),
        0x0660..=0x0669 => 0x0660,
        0x06F0..=0x06F9 => 0x06F0,
        0x0966..=0x096F => 0x0966,
        0x09E6..=0x09EF => 0x09E6,
        0x0E50..=0x0E59 => 0x0E50,
        0xFF10..=0xFF19 => 0xFF10,
        _ => return None,
    };
    char::from_digit(c as u32 - zero, 10)
}

/// Separators that only ever group thousands.
fn is_group_only(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '’' | '\'' | '٬'
    )
}

fn is_separator(c: char) -> bool {
    c == '.' || c == ',' || is_group_only(c)
}

/// Words for "percent" that follow a number.
const PERCENT_WORDS: &[&str] = &[
    "percent",
    "pct",
    "prozent",
    "procent",
    "procenta",
    "prosent",
    "prosenttia",
    "porsiyento",
    "posto",
    "посто",
    "процент",
    "процента",
    "процентов",
    "відсотків",
];

/// Two-word forms of "percent": (first, second).
const PERCENT_PAIRS: &[(&str, &str)] = &[
    ("per", "cent"),
    ("por", "ciento"),
    ("pour", "cent"),
    ("per", "cento"),
    ("por", "cento"),
];

/// Multiplier words: (prefix, power of ten, whole word only). Longest prefixes first, so
/// "milliard" is tried before "mil".
const MULTIPLIERS: &[(&str, u32, bool)] = &[
    ("милијард", 9, false),
    ("milijard", 9, false),
    ("миллиард", 9, false),
    ("thousand", 3, false),
    ("milliard", 9, false),
    ("trillion", 12, false),
    ("миллион", 6, false),
    ("miljoen", 6, false),
    ("miljoon", 6, false),
    ("bilyon", 9, false),
    ("million", 6, false),
    ("millón", 6, false),
    ("millones", 6, false),
    ("milhões", 6, false),
    ("bilhões", 9, false),
    ("tausend", 3, false),
    ("tuhatta", 3, false),
    ("miliard", 9, false),
    ("miljard", 9, false),
    ("милион", 6, false),
    ("хиљад", 3, false),
    ("hiljad", 3, false),
    ("milhão", 6, false),
    ("bilhão", 9, false),
    ("milyar", 9, false),
    ("milyon", 6, false),
    ("miljon", 6, false),
    ("milion", 6, false),
    ("milió", 6, false),
    ("тысяч", 3, false),
    ("tuhat", 3, false),
    ("млрд", 9, true),
    ("libo", 3, true),
    ("mrd", 9, true),
    ("mio", 6, true),
    ("mln", 6, true),
    ("млн", 6, true),
    ("тыс", 3, true),
    ("bn", 9, true),
    ("mil", 3, true),
    ("bin", 3, true),
];

/// How a number was written, once its separators are understood.
#[derive(Debug, PartialEq, Eq)]
enum Reading {
    /// Integer digits and fraction digits (possibly empty).
    Number(String, String),
    /// Not one number: its groups are separate integers.
    Groups,
}

fn read(groups: &[String], seps: &[char]) -> Reading {
    let Some(first) = groups.first() else {
        return Reading::Groups;
    };
    if seps.is_empty() {
        return Reading::Number(first.clone(), String::new());
    }
    let thousands = |gs: &[String], ss: &[char]| {
        let kind = ss[0];
        ss.iter()
            .all(|&s| s == kind || (is_group_only(s) && is_group_only(kind)))
            && gs[0].len() <= 3
            && !gs[0].starts_with('0')
            && gs[1..].iter().all(|g| g.len() == 3)
    };
    if thousands(groups, seps) {
        return Reading::Number(groups.concat(), String::new());
    }
    let (last_sep, last_group) = (seps[seps.len() - 1], &groups[groups.len() - 1]);
    if last_sep == '.' || last_sep == ',' {
        let head = &groups[..groups.len() - 1];
        let head_seps = &seps[..seps.len() - 1];
        let head_ok =
            head_seps.is_empty() || (thousands(head, head_seps) && !head_seps.contains(&last_sep));
        let single = head_seps.is_empty();
        // One mark with three digits after it was read as thousands above (unless the number
        // starts with 0); any other single mark, or a different last mark, is the decimal mark.
        if head_ok && (!single || last_group.len() != 3 || first.starts_with('0')) {
            return Reading::Number(head.concat(), last_group.clone());
        }
    }
    Reading::Groups
}

/// Canonical text of a decimal: no leading zeros, no trailing fraction zeros.
fn canonical(int: &str, frac: &str) -> String {
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// `int.frac × 10^power`, exactly, as canonical text.
fn scale(int: &str, frac: &str, power: u32) -> String {
    let p = power as usize;
    let mut frac = frac.to_string();
    while frac.len() < p {
        frac.push('0');
    }
    let (moved, rest) = frac.split_at(p);
    canonical(&format!("{int}{moved}"), rest)
}

/// The next word after `pos` (skipping one run of spaces), lower-cased, and where it ends.
fn next_word(text: &str, pos: usize) -> Option<(String, usize)> {
    let rest = text.get(pos..)?;
    let trimmed = rest.trim_start_matches([' ', '\u{a0}', '\u{202f}']);
    if trimmed.len() == rest.len() && !rest.starts_with(char::is_alphabetic) {
        return None;
    }
    let start = pos + (rest.len() - trimmed.len());
    let len = trimmed
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(trimmed.len());
    (len > 0).then(|| (trimmed[..len].to_lowercase(), start + len))
}

fn multiplier(word: &str, lang: &Lang) -> Option<u32> {
    if word.starts_with("billion") {
        return Some(if lang.as_str() == "en" { 9 } else { 12 });
    }
    if word.starts_with("billón") || word.starts_with("billon") || word.starts_with("biljoen") {
        return Some(12);
    }
    MULTIPLIERS
        .iter()
        .find(|(prefix, _, whole)| {
            if *whole {
                word == *prefix
            } else {
                word.starts_with(prefix)
            }
        })
        .map(|&(_, power, _)| power)
}

/// True when a percent sign or word follows the number ending at `pos`.
fn is_percent_after(text: &str, pos: usize) -> bool {
    let Some(rest) = text.get(pos..) else {
        return false;
    };
    let trimmed = rest.trim_start_matches([' ', '\u{a0}', '\u{202f}']);
    // At most one space (a no-break space is two bytes) between the number and the sign.
    if rest.len() - trimmed.len() <= 2 && (trimmed.starts_with('%') || trimmed.starts_with('٪')) {
        return true;
    }
    let Some((w, end)) = next_word(text, pos) else {
        return false;
    };
    if PERCENT_WORDS.contains(&w.as_str()) {
        return true;
    }
    next_word(text, end)
        .is_some_and(|(w2, _)| PERCENT_PAIRS.iter().any(|&(a, b)| a == w && b == w2))
}

/// Normalised numbers in order of appearance (repeats kept).
pub fn extract(text: &str, lang: &Lang) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if digit(c).is_none() {
            i += 1;
            continue;
        }
        let glued = i > 0 && chars[i - 1].1.is_alphabetic();
        let percent_before = i > 0 && matches!(chars[i - 1].1, '%' | '٪');
        let mut groups = vec![String::new()];
        let mut seps = Vec::new();
        let mut j = i;
        loop {
            while let Some(d) = chars.get(j).and_then(|&(_, c)| digit(c)) {
                if let Some(g) = groups.last_mut() {
                    g.push(d);
                }
                j += 1;
            }
            let Some(&(_, s)) = chars.get(j) else { break };
            let next_is_digit = chars.get(j + 1).is_some_and(|&(_, c)| digit(c).is_some());
            if !is_separator(s) || !next_is_digit {
                break;
            }
            // A space groups only a following block of exactly three digits: "in 2019 2020"
            // and "Un 2023. 9. 13" are separate numbers.
            if is_group_only(s) {
                let block = chars[j + 1..]
                    .iter()
                    .take_while(|&&(_, c)| digit(c).is_some())
                    .count();
                if block != 3 || groups.last().is_some_and(|g| g.len() > 3) {
                    break;
                }
            }
            seps.push(s);
            groups.push(String::new());
            j += 1;
        }
        let end = chars.get(j).map_or(text.len(), |&(p, _)| p);
        i = j;
        if glued {
            continue;
        }
        match read(&groups, &seps) {
            Reading::Number(int, frac) => {
                if percent_before || is_percent_after(text, end) {
                    out.push(format!("{}%", canonical(&int, &frac)));
                } else if let Some(p) = next_word(text, end).and_then(|(w, _)| multiplier(&w, lang))
                {
                    out.push(scale(&int, &frac, p));
                } else {
                    out.push(canonical(&int, &frac));
                }
            }
            Reading::Groups => out.extend(groups.iter().map(|g| canonical(g, ""))),
        }
    }
    out
}

/// True for numbers that are evidence: years, numbers ≥ [`MIN_INFORMATIVE`], decimals and
/// percentages.
pub fn is_informative(key: &str) -> bool {
    if key.ends_with('%') || key.contains('.') {
        return true;
    }
    // More than 19 digits does not fit a u64 and is certainly large.
    key.len() > 19 || key.parse::<u64>().is_ok_and(|n| n >= MIN_INFORMATIVE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nums(text: &str, lang: &str) -> Vec<String> {
        extract(text, &Lang::new(lang))
    }

    #[test]
    fn thousands_in_every_convention() {
        for (t, l) in [
            ("1,000", "en"),
            ("1.000", "de"),
            ("1 000", "fr"),
            ("1’000", "de"),
            ("1\u{a0}000", "fr"),
        ] {
            assert_eq!(nums(t, l), ["1000"], "{t}");
        }
        assert_eq!(
            nums("1,000,000 and 1.000.000", "en"),
            ["1000000", "1000000"]
        );
    }

    #[test]
    fn decimals() {
        assert_eq!(nums("3.5 and 3,5 and 13.5 C", "de"), ["3.5", "3.5", "13.5"]);
        assert_eq!(
            nums("1,234.56 or 1.234,56 or 1 234,5", "en"),
            ["1234.56", "1234.56", "1234.5"]
        );
        assert_eq!(nums("0.125 and 2.50", "en"), ["0.125", "2.5"]);
    }

    #[test]
    fn percentages() {
        assert_eq!(
            nums("5% / 5 % / 5 percent / 5 per cent / %5 / 5 Prozent", "en"),
            ["5%", "5%", "5%", "5%", "5%", "5%"]
        );
        assert_eq!(nums("12,5 %", "de"), ["12.5%"]);
    }

    #[test]
    fn years_and_dates_split() {
        assert_eq!(
            nums("in 2023, in 2019 2020", "en"),
            ["2023", "2019", "2020"]
        );
        assert_eq!(nums("13.09.2023", "de"), ["13", "9", "2023"]);
        assert_eq!(nums("Kim Jong Un 2023. 9. 13", "tl"), ["2023", "9", "13"]);
    }

    #[test]
    fn multipliers() {
        assert_eq!(nums("3 millones", "es"), ["3000000"]);
        assert_eq!(nums("2.5 million", "en"), ["2500000"]);
        assert_eq!(nums("1,2 Mrd. Euro", "de"), ["1200000000"]);
        assert_eq!(nums("5 млн", "ru"), ["5000000"]);
        assert_eq!(nums("2 billion", "en"), ["2000000000"]);
        assert_eq!(nums("2 Billionen", "de"), ["2000000000000"]);
        assert_eq!(nums("3 miles", "en"), ["3"]);
    }

    #[test]
    fn other_digit_scripts_and_glued_numbers() {
        assert_eq!(nums("٢٠٢٣ and २०२३", "ar"), ["2023", "2023"]);
        assert_eq!(nums("A320 and G7 but Soyuz-2", "en"), ["2"]);
    }

    #[test]
    fn informative() {
        assert!(is_informative("2023") && is_informative("13") && is_informative("3.5"));
        assert!(is_informative("5%") && is_informative("123456789012345678901234"));
        assert!(!is_informative("7") && !is_informative("10"));
    }
}
