//! Dates as ISO strings: numeric forms (`2023-09-13`, `13.09.2023`, `9/13/2023`,
//! `2023. 9. 13`) and month names in en, de, fr, es, it, pt, nl, pl, ru, sr (both scripts),
//! tl, fi and tr, inflected forms included ("13. syyskuuta", "13 сентября", "13. септембра").
//! A date without a year is partial (`--09-13`), a month with a year is `2023-09`.
//! Weekdays are not dates; a month name alone (no day, no year) is not a date either.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::Regex;
use storyweave_model::Lang;

/// Years accepted in dates: news is about the recent past and near future; "1066" is a
/// number, not a date we can match across articles.
pub const YEARS: Range<i32> = 1900..2101;

/// Longest ending an inflected month stem may take: Russian "сентябр|я", Finnish
/// "syyskuu|ssa", Serbian "септемб|ра".
const MAX_MONTH_ENDING: usize = 3;

/// (form, month) pairs written out in full; any of these may be followed by a dot.
const MONTHS_EXACT: &[(&str, u8)] = &[
    // English
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    // German
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    // French
    ("janvier", 1),
    ("février", 2),
    ("mars", 3),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    // Spanish
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    // Italian
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    // Portuguese
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("novembro", 11),
    ("dezembro", 12),
    // Dutch
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
    // Polish, nominative and genitive
    ("styczeń", 1),
    ("stycznia", 1),
    ("luty", 2),
    ("lutego", 2),
    ("marzec", 3),
    ("marca", 3),
    ("kwiecień", 4),
    ("kwietnia", 4),
    ("maj", 5),
    ("maja", 5),
    ("czerwiec", 6),
    ("czerwca", 6),
    ("lipiec", 7),
    ("lipca", 7),
    ("sierpień", 8),
    ("sierpnia", 8),
    ("wrzesień", 9),
    ("września", 9),
    ("październik", 10),
    ("października", 10),
    ("listopad", 11),
    ("listopada", 11),
    ("grudzień", 12),
    ("grudnia", 12),
    // Tagalog
    ("pebrero", 2),
    ("marso", 3),
    ("hunyo", 6),
    ("hulyo", 7),
    ("setyembre", 9),
    ("oktubre", 10),
    ("nobyembre", 11),
    ("disyembre", 12),
    // Turkish (case endings follow an apostrophe, which ends the word)
    ("ocak", 1),
    ("şubat", 2),
    ("mart", 3),
    ("nisan", 4),
    ("mayıs", 5),
    ("haziran", 6),
    ("temmuz", 7),
    ("ağustos", 8),
    ("eylül", 9),
    ("ekim", 10),
    ("kasım", 11),
    ("aralık", 12),
    // Russian forms too short for a stem
    ("май", 5),
    ("мая", 5),
    ("мае", 5),
];

/// Abbreviations (English, German): months in dates, but too short to keep out of names
/// ("Jun" is also a given name).
const MONTH_ABBREVIATIONS: &[(&str, u8)] = &[
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    ("okt", 10),
    ("dez", 12),
];

/// Stems of inflected month names: the word must start with one and add at most
/// [`MAX_MONTH_ENDING`] letters.
const MONTH_STEMS: &[(&str, u8)] = &[
    // Russian
    ("январ", 1),
    ("феврал", 2),
    ("март", 3),
    ("апрел", 4),
    ("июн", 6),
    ("июл", 7),
    ("август", 8),
    ("сентябр", 9),
    ("октябр", 10),
    ("ноябр", 11),
    ("декабр", 12),
    // Serbian, Cyrillic and Latin
    ("јануар", 1),
    ("фебруар", 2),
    ("април", 4),
    ("мај", 5),
    ("јун", 6),
    ("јул", 7),
    ("септемб", 9),
    ("октоб", 10),
    ("новемб", 11),
    ("децемб", 12),
    ("januar", 1),
    ("februar", 2),
    ("mart", 3),
    ("april", 4),
    ("maj", 5),
    ("jun", 6),
    ("jul", 7),
    ("avgust", 8),
    ("septemb", 9),
    ("oktob", 10),
    ("novemb", 11),
    ("decemb", 12),
    // Finnish
    ("tammikuu", 1),
    ("helmikuu", 2),
    ("maaliskuu", 3),
    ("huhtikuu", 4),
    ("toukokuu", 5),
    ("kesäkuu", 6),
    ("heinäkuu", 7),
    ("elokuu", 8),
    ("syyskuu", 9),
    ("lokakuu", 10),
    ("marraskuu", 11),
    ("joulukuu", 12),
];

fn exact_months() -> &'static HashMap<&'static str, u8> {
    static M: OnceLock<HashMap<&'static str, u8>> = OnceLock::new();
    M.get_or_init(|| MONTHS_EXACT.iter().copied().collect())
}

fn month_abbreviations() -> &'static HashMap<&'static str, u8> {
    static M: OnceLock<HashMap<&'static str, u8>> = OnceLock::new();
    M.get_or_init(|| MONTH_ABBREVIATIONS.iter().copied().collect())
}

fn month_stems() -> &'static HashMap<&'static str, u8> {
    static M: OnceLock<HashMap<&'static str, u8>> = OnceLock::new();
    M.get_or_init(|| MONTH_STEMS.iter().copied().collect())
}

/// True when `lower` is a month name written out in full in one of the languages.
pub fn is_month_name(lower: &str) -> bool {
    exact_months().contains_key(lower)
}

/// The month (1–12) named by `word` in any supported language and form.
pub fn month_of(word: &str) -> Option<u8> {
    let lower = word.to_lowercase();
    if let Some(&m) = exact_months().get(lower.as_str()) {
        return Some(m);
    }
    if let Some(&m) = month_abbreviations().get(lower.as_str()) {
        return Some(m);
    }
    let bounds: Vec<usize> = lower
        .char_indices()
        .map(|(p, _)| p)
        .chain([lower.len()])
        .collect();
    bounds
        .iter()
        .rev()
        .take(MAX_MONTH_ENDING + 1)
        .find_map(|&end| month_stems().get(&lower[..end]).copied())
}

struct Patterns {
    iso: Regex,
    year_first: Regex,
    day_first: Regex,
    slash: Regex,
    day_month: Regex,
    month_day: Regex,
    month_year: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static P: OnceLock<Option<Patterns>> = OnceLock::new();
    P.get_or_init(|| {
        let r = |s: &str| Regex::new(s).ok();
        Some(Patterns {
            iso: r(r"(?-u:\b)([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?-u:\b)")?,
            // Korean/Hungarian/Chinese order with dots or slashes: "2023. 9. 13", "2023/09/13".
            year_first: r(r"(?-u:\b)([0-9]{4})(?:\.\s?|/)([0-9]{1,2})(?:\.\s?|/)([0-9]{1,2})(?-u:\b)")?,
            day_first: r(r"(?-u:\b)([0-9]{1,2})(?:\.\s?|-)([0-9]{1,2})(?:\.\s?|-)([0-9]{4})(?-u:\b)")?,
            slash: r(r"(?-u:\b)([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?-u:\b)")?,
            day_month: r(
                r"(?-u:\b)([0-9]{1,2})(?:st|nd|rd|th|er|e|º|ª)?\.?\s+(?:de\s+|ng\s+)?(\p{L}+)\.?(?:,?\s+(?:de\s+|del\s+)?([0-9]{4})(?-u:\b))?",
            )?,
            month_day: r(
                r"(\p{L}+)\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+([0-9]{4})(?-u:\b))?",
            )?,
            month_year: r(r"(\p{L}+)\.?\s+([0-9]{4})(?-u:\b)")?,
        })
    })
    .as_ref()
}

/// A date with the parts that were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Found {
    year: Option<i32>,
    month: u32,
    day: Option<u32>,
}

impl Found {
    /// The ISO string, or `None` when the parts do not make a date.
    fn iso(self) -> Option<String> {
        if let Some(y) = self.year {
            if !YEARS.contains(&y) {
                return None;
            }
        }
        match (self.year, self.day) {
            (Some(y), Some(d)) => NaiveDate::from_ymd_opt(y, self.month, d)
                .map(|date| date.format("%Y-%m-%d").to_string()),
            // 2000 is a leap year, so 29 February stays valid without a year.
            (None, Some(d)) => NaiveDate::from_ymd_opt(2000, self.month, d)
                .map(|_| format!("--{:02}-{:02}", self.month, d)),
            (Some(y), None) => (1..=12)
                .contains(&self.month)
                .then(|| format!("{y:04}-{:02}", self.month)),
            (None, None) => None,
        }
    }
}

fn num<T: std::str::FromStr>(m: Option<regex::Match<'_>>) -> Option<T> {
    m.and_then(|m| m.as_str().parse().ok())
}

/// Dates in the text as ISO strings, in order of appearance (repeats kept).
pub fn extract(text: &str, lang: &Lang) -> Vec<String> {
    extract_spans(text, lang).into_iter().map(|(_, iso)| iso).collect()
}

/// A full date (day, month and year) must start within this many bytes of the text's start
/// to be taken as the date of the text: datelines and bylines stand under the headline, while
/// dates further down are those of what the text reports or announces.
pub const MAIN_DATE_HEAD_BYTES: usize = 600;

/// The date of a text when it states one near its start (a dateline or byline such as "7.
/// Jun 2017, 11:19" or "Jueves, 21 de abril de 2022"): the first full date within
/// [`MAIN_DATE_HEAD_BYTES`]. Partial dates (no year, no day) never count.
pub fn main_date(text: &str, lang: &Lang) -> Option<NaiveDate> {
    let mut end = text.len().min(MAIN_DATE_HEAD_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // A date that starts inside the head may end after it: read a little more.
    let mut read = text.len().min(end + 40);
    while !text.is_char_boundary(read) {
        read -= 1;
    }
    extract_spans(&text[..read], lang)
        .into_iter()
        .filter(|(r, _)| r.start < end)
        .find_map(|(_, iso)| NaiveDate::parse_from_str(&iso, "%Y-%m-%d").ok())
}

/// Dates with the byte ranges they were read from, in order of appearance.
fn extract_spans(text: &str, lang: &Lang) -> Vec<(Range<usize>, String)> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let Some(p) = patterns() else {
        return Vec::new();
    };
    // Candidates that are not real dates (30 February) still claim their words, so that
    // "February 2023" inside them is not read as a month.
    let mut found: Vec<(Range<usize>, Option<String>)> = Vec::new();
    let mut push = |range: Range<usize>, f: Found| found.push((range, f.iso()));
    let us = lang.as_str() == "en";
    for c in p
        .iso
        .captures_iter(text)
        .chain(p.year_first.captures_iter(text))
    {
        if let (Some(y), Some(m), Some(d)) = (num(c.get(1)), num(c.get(2)), num(c.get(3))) {
            push(
                c.get(0).map_or(0..0, |m| m.range()),
                Found {
                    year: Some(y),
                    month: m,
                    day: Some(d),
                },
            );
        }
    }
    for c in p.day_first.captures_iter(text) {
        if let (Some(d), Some(m), Some(y)) = (num(c.get(1)), num(c.get(2)), num(c.get(3))) {
            push(
                c.get(0).map_or(0..0, |m| m.range()),
                Found {
                    year: Some(y),
                    month: m,
                    day: Some(d),
                },
            );
        }
    }
    for c in p.slash.captures_iter(text) {
        if let (Some(a), Some(b), Some(y)) =
            (num::<u32>(c.get(1)), num::<u32>(c.get(2)), num(c.get(3)))
        {
            // US order in English unless the first part cannot be a month; day first elsewhere
            // unless the second part cannot be one.
            let month_first = if us { a <= 12 } else { b > 12 };
            let (month, day) = if month_first { (a, b) } else { (b, a) };
            push(
                c.get(0).map_or(0..0, |m| m.range()),
                Found {
                    year: Some(y),
                    month,
                    day: Some(day),
                },
            );
        }
    }
    for c in p.day_month.captures_iter(text) {
        let (Some(d), Some(w)) = (num(c.get(1)), c.get(2)) else {
            continue;
        };
        if let Some(m) = month_of(w.as_str()) {
            let end = c.get(3).map_or(w.end(), |y| y.end());
            let range = c.get(0).map_or(0..0, |m| m.start()..end);
            push(
                range,
                Found {
                    year: num(c.get(3)),
                    month: u32::from(m),
                    day: Some(d),
                },
            );
        }
    }
    for c in p.month_day.captures_iter(text) {
        let (Some(w), Some(d)) = (c.get(1), num(c.get(2))) else {
            continue;
        };
        if let Some(m) = month_of(w.as_str()) {
            push(
                c.get(0).map_or(0..0, |m| m.range()),
                Found {
                    year: num(c.get(3)),
                    month: u32::from(m),
                    day: Some(d),
                },
            );
        }
    }
    for c in p.month_year.captures_iter(text) {
        let (Some(w), Some(y)) = (c.get(1), num(c.get(2))) else {
            continue;
        };
        if let Some(m) = month_of(w.as_str()) {
            push(
                c.get(0).map_or(0..0, |m| m.range()),
                Found {
                    year: Some(y),
                    month: u32::from(m),
                    day: None,
                },
            );
        }
    }
    // Several patterns can read the same words ("13 September 2023" also holds "September
    // 2023"): keep the earliest, then longest, and drop what overlaps it.
    found.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut out = Vec::new();
    let mut covered = 0;
    for (range, iso) in found {
        if range.start >= covered {
            covered = range.end;
            if let Some(iso) = iso {
                out.push((range, iso));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str, lang: &str) -> Vec<String> {
        extract(text, &Lang::new(lang))
    }

    #[test]
    fn main_date_is_the_first_full_date_near_the_start() {
        let de = Lang::new("de");
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(main_date("Titel\n7. Jun 2017, 11:19\nText vom 1. Mai 2016.", &de), d(2017, 6, 7));
        assert_eq!(main_date("Jueves, 21 de abril de 2022. El presidente", &Lang::new("es")), d(2022, 4, 21));
        // Partial dates are not the date of the text; a full date far down is an event's.
        assert_eq!(main_date("Am 13. März trafen sie sich.", &de), None);
        let far = format!("{}am 13.03.2020", "Wort ".repeat(200));
        assert_eq!(main_date(&far, &de), None);
    }

    #[test]
    fn numeric_forms() {
        assert_eq!(dates("on 2023-09-13.", "en"), ["2023-09-13"]);
        assert_eq!(dates("am 13.09.2023 um", "de"), ["2023-09-13"]);
        assert_eq!(dates("13. 9. 2023.", "sr"), ["2023-09-13"]);
        assert_eq!(dates("on 9/13/2023", "en"), ["2023-09-13"]);
        assert_eq!(dates("le 13/09/2023", "fr"), ["2023-09-13"]);
        assert_eq!(dates("on 3/4/2023", "en"), ["2023-03-04"]);
        assert_eq!(dates("le 3/4/2023", "fr"), ["2023-04-03"]);
        assert_eq!(dates("Kim Jong Un 2023. 9. 13”", "tl"), ["2023-09-13"]);
    }

    #[test]
    fn month_names_in_many_languages() {
        assert_eq!(dates("on 13 September 2023 in", "en"), ["2023-09-13"]);
        assert_eq!(dates("am 13. September", "de"), ["--09-13"]);
        assert_eq!(dates("on September 13, 2023", "en"), ["2023-09-13"]);
        assert_eq!(dates("September 13", "en"), ["--09-13"]);
        assert_eq!(dates("13. syyskuuta 2023", "fi"), ["2023-09-13"]);
        assert_eq!(dates("13 сентября", "ru"), ["--09-13"]);
        assert_eq!(dates("13. септембра 2023. године", "sr"), ["2023-09-13"]);
        assert_eq!(dates("13. septembra", "sr"), ["--09-13"]);
        assert_eq!(dates("el 13 de septiembre de 2023", "es"), ["2023-09-13"]);
        assert_eq!(dates("le 1er mai 2023", "fr"), ["2023-05-01"]);
        assert_eq!(dates("il 13 settembre", "it"), ["--09-13"]);
        assert_eq!(dates("em 13 de setembro", "pt"), ["--09-13"]);
        assert_eq!(dates("op 13 maart 2023", "nl"), ["2023-03-13"]);
        assert_eq!(dates("13 września 2023", "pl"), ["2023-09-13"]);
        assert_eq!(dates("noong ika-13 ng Setyembre", "tl"), ["--09-13"]);
        assert_eq!(dates("Setyembre 13, 2023", "tl"), ["2023-09-13"]);
        assert_eq!(dates("13 Eylül 2023", "tr"), ["2023-09-13"]);
        assert_eq!(dates("у априлу 2019. године", "sr"), ["2019-04"]);
    }

    #[test]
    fn non_dates() {
        assert!(dates("13.5 C on Wednesday", "en").is_empty());
        assert!(dates("Miyerkules 13", "tl").is_empty());
        assert!(dates("30 February 2023, 2023-13-01, 45 March", "en").is_empty());
        assert!(dates("he was 13 mayor of 2023", "es").is_empty());
        assert!(dates("in 1066 April", "en").is_empty());
    }

    #[test]
    fn months_by_stem() {
        assert_eq!(month_of("сентября"), Some(9));
        assert_eq!(month_of("Syyskuussa"), Some(9));
        assert_eq!(month_of("септембру"), Some(9));
        assert_eq!(month_of("Mayor"), None);
        assert!(is_month_name("september") && !is_month_name("jun"));
        assert_eq!(month_of("Sept"), Some(9));
    }
}
