//! Language identification: whatlang's trigram models, ISO 639-1 codes, and a rule to tell
//! Serbian in Latin script from Croatian.

use std::sync::OnceLock;

use storyweave_model::Lang;
use whatlang::{Detector, Lang as W, Script};

/// Only the start of a text is looked at: whatlang's answer is stable long before 2,000
/// characters and its cost grows with the text, so longer input only costs time.
pub const MAX_DETECT_CHARS: usize = 2_000;

/// Fewer letters than this is a title fragment or a caption: trigram statistics on it are noise.
pub const MIN_LETTERS: usize = 12;

/// Below this whatlang confidence the answer is treated as unknown. Low, because on news text
/// whatlang is right far more often than its confidence says (see the SemEval accuracy test);
/// it mainly rejects near-ties between close languages on short text.
pub const MIN_CONFIDENCE: f64 = 0.05;

/// Detects the language of `text`; `None` when it is too short or unclear to tell.
pub fn detect_language(text: &str) -> Option<Lang> {
    detect_language_with_confidence(text).map(|(lang, _)| lang)
}

/// Detects the language of `text` with whatlang's confidence in 0..=1; `None` when the text is
/// too short or the confidence is below [`MIN_CONFIDENCE`].
pub fn detect_language_with_confidence(text: &str) -> Option<(Lang, f64)> {
    let head = match text.char_indices().nth(MAX_DETECT_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    if head
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(MIN_LETTERS)
        .count()
        < MIN_LETTERS
    {
        return None;
    }
    if let Some(found) = cjk_by_share(head) {
        return Some(found);
    }
    let info = detector().detect(head)?;
    if info.confidence() < MIN_CONFIDENCE {
        return None;
    }
    let code = match (info.lang(), info.script()) {
        // whatlang's Serbian model is Cyrillic-only, so Serbian in Latin script comes out as
        // Croatian or, less often, Slovene.
        (W::Hrv | W::Slv, Script::Latin) => serbo_croatian_latin(head, info.lang()),
        (W::Bul, Script::Cyrillic) if has_russian_letters(head) => "ru",
        (lang, _) => iso_639_1(lang),
    };
    Some((Lang::new(code), info.confidence()))
}

/// Every language [`detect_language`] can return.
pub fn supported_languages() -> Vec<Lang> {
    W::all().iter().map(|&l| Lang::new(iso_639_1(l))).collect()
}

/// One Han or Kana character carries about as much as a Latin word of this many letters, so
/// character counts are weighted by it when deciding which script dominates.
const CJK_CHAR_WEIGHT: usize = 3;

/// Kana share (of all CJK characters) above which CJK text is Japanese: Japanese prose is
/// about half Kana, Chinese has none, and a few percent leaves room for Kanji-heavy headlines.
const JAPANESE_MIN_KANA_PERCENT: usize = 10;

/// Chinese and Japanese news often carry Latin names ("Simon Coveney 敦促 Stormont 会谈…"), and
/// whatlang picks the script with the most characters, so such texts came out as English,
/// Danish or Javanese. Decide them by weighted script share before whatlang sees them.
fn cjk_by_share(text: &str) -> Option<(Lang, f64)> {
    let (mut han, mut kana, mut other) = (0usize, 0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        match c as u32 {
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => kana += 1,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F => han += 1,
            _ => other += 1,
        }
    }
    let cjk = han + kana;
    let weighted = cjk * CJK_CHAR_WEIGHT;
    if cjk == 0 || weighted < other {
        return None;
    }
    let code = if kana * 100 >= cjk * JAPANESE_MIN_KANA_PERCENT {
        "ja"
    } else {
        "zh"
    };
    Some((Lang::new(code), weighted as f64 / (weighted + other) as f64))
}

/// Per mille of Cyrillic letters that must be ы or э (letters Russian has and Bulgarian lacks;
/// about 2% of Russian text) before a "Bulgarian" verdict is overturned. whatlang takes short
/// or name-heavy Russian for Bulgarian.
const RUSSIAN_LETTERS_PER_MILLE: usize = 5;

fn has_russian_letters(text: &str) -> bool {
    let (mut cyrillic, mut russian) = (0usize, 0usize);
    for c in text.chars() {
        if ('\u{0400}'..='\u{04FF}').contains(&c) {
            cyrillic += 1;
            russian += usize::from(matches!(c, 'ы' | 'э' | 'Ы' | 'Э'));
        }
    }
    russian * 1000 >= cyrillic * RUSSIAN_LETTERS_PER_MILLE && russian > 0
}

fn detector() -> &'static Detector {
    static DETECTOR: OnceLock<Detector> = OnceLock::new();
    DETECTOR.get_or_init(Detector::new)
}

/// Word forms found in Serbian (Latin) but not Croatian news text: ekavian reflexes of yat
/// (vreme, reč, deca, mesto), Serbian month names and vocabulary (hiljada, opština, voz, istorija).
#[rustfmt::skip]
const SERBIAN_MARKERS: &[&str] = &[
    "vreme", "reč", "reči", "deca", "dece", "deci", "decu", "mesto", "mestu", "lepo", "lep", "lepa",
    "hiljada", "hiljade", "hiljadu", "januar", "januara", "februar", "februara", "mart", "marta",
    "jun", "juna", "jul", "jula", "avgust", "avgusta", "septembar", "septembra", "oktobar",
    "oktobra", "novembar", "novembra", "decembar", "decembra", "opština", "opštine", "opštini",
    "uopšte", "voz", "voza", "vozom", "pre", "posle", "deo", "dela", "svet", "sveta", "svetu",
    "svetski", "reka", "reke", "veoma", "nedelja", "nedelje", "vest", "vesti", "predsednik",
    "predsednika", "predsedniku", "predsednica", "predsedništva", "bezbednost", "bezbednosti",
    "saradnja", "saradnje", "saradnju", "uslovi", "uslova", "univerzitet", "fudbal", "hleb",
    "tačka", "porodica", "porodice", "istorija", "istorije", "nauka", "nauke", "evropski",
    "evropske", "evropa", "evrope", "evropi", "šta", "ko", "biće", "srbija", "srbije", "srbiji",
    "beograd", "beograda", "beogradu", "ovde", "dete", "devojka", "ponedeljak", "sreda", "sredu",
    "mleko", "pesma", "pesme", "želeo", "video", "razumeo", "takođe", "sedište", "gde", "cena",
    "cene", "zamenik", "primer", "primera",
];

/// Word forms found in Croatian (ijekavian, Croatian vocabulary and month names) but not in
/// Serbian text.
#[rustfmt::skip]
const CROATIAN_MARKERS: &[&str] = &[
    "vrijeme", "riječ", "riječi", "djeca", "djece", "djeci", "djecu", "mjesto", "mjestu", "lijepo",
    "lijep", "lijepa", "tisuća", "tisuće", "tisuću", "siječanj", "siječnja", "veljača", "veljače",
    "ožujak", "ožujka", "travanj", "travnja", "svibanj", "svibnja", "lipanj", "lipnja", "srpanj",
    "srpnja", "kolovoz", "kolovoza", "rujan", "rujna", "listopad", "listopada", "studeni",
    "studenoga", "prosinac", "prosinca", "općina", "općine", "općini", "uopće", "vlak", "vlaka",
    "vlakom", "prije", "poslije", "dio", "dijela", "svijet", "svijeta", "svijetu", "svjetski",
    "rijeka", "rijeke", "vrlo", "tjedan", "tjedna", "vijest", "vijesti", "predsjednik",
    "predsjednika", "predsjedniku", "predsjednica", "sigurnost", "sigurnosti", "suradnja",
    "suradnje", "suradnju", "uvjeti", "uvjeta", "sveučilište", "nogomet", "kruh", "točka",
    "obitelj", "obitelji", "povijest", "povijesti", "znanost", "znanosti", "europski", "europske",
    "europa", "europe", "europi", "tko", "hrvatska", "hrvatske", "hrvatskoj", "zagreb", "zagreba",
    "zagrebu", "ovdje", "dijete", "djevojka", "ponedjeljak", "srijeda", "srijedu", "mlijeko",
    "pjesma", "pjesme", "želio", "vidio", "razumio", "također", "sjedište", "gdje", "cijena",
    "cijene", "zamjenik", "primjer", "primjera",
];

/// Frequent Slovene function words that Serbian does not use, to keep Slovene (which shares
/// ekavian forms such as "mesto" and "lepo") from being taken for Serbian.
#[rustfmt::skip]
const SLOVENE_MARKERS: &[&str] = &[
    "in", "ki", "tudi", "kot", "kjer", "zelo", "lahko", "bil", "bila", "bilo", "smo", "ste", "jih",
    "pri", "oziroma", "vendar", "če", "ker", "leta", "danes",
];

/// Tells Serbian from Croatian (or Slovene) in Latin script by counting marker words: ekavian
/// forms, Serbian month names and vocabulary against ijekavian forms and Croatian vocabulary.
/// Ties keep whatlang's answer.
/// Bosnian (ijekavian, not in whatlang) stays Croatian.
fn serbo_croatian_latin(text: &str, detected: W) -> &'static str {
    let (mut serbian, mut croatian, mut slovene) = (0usize, 0usize, 0usize);
    let mut lower = String::new();
    for word in unicode_segmentation::UnicodeSegmentation::unicode_words(text) {
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        let w = lower.as_str();
        serbian += usize::from(SERBIAN_MARKERS.contains(&w));
        croatian += usize::from(CROATIAN_MARKERS.contains(&w));
        slovene += usize::from(SLOVENE_MARKERS.contains(&w));
    }
    // "da li" (question particle) is Serbian; Croatian writes "je li" / "li" after the verb.
    serbian += text.to_lowercase().matches("da li ").count();
    let rival = match detected {
        W::Slv => croatian.max(slovene),
        _ => croatian,
    };
    if serbian > rival {
        "sr"
    } else {
        iso_639_1(detected)
    }
}

/// ISO 639-1 code for a whatlang language (639-3 where no 639-1 code exists). A hand-written
/// table because whatlang has a fixed set of 70 languages and a general ISO crate would still
/// need the overrides below (Mandarin `cmn` → `zh`, Iranian Persian `pes` → `fa`).
fn iso_639_1(lang: W) -> &'static str {
    match lang {
        W::Epo => "eo",
        W::Eng => "en",
        W::Rus => "ru",
        W::Cmn => "zh",
        W::Spa => "es",
        W::Por => "pt",
        W::Ita => "it",
        W::Ben => "bn",
        W::Fra => "fr",
        W::Deu => "de",
        W::Ukr => "uk",
        W::Kat => "ka",
        W::Ara => "ar",
        W::Hin => "hi",
        W::Jpn => "ja",
        W::Heb => "he",
        W::Yid => "yi",
        W::Pol => "pl",
        W::Amh => "am",
        W::Jav => "jv",
        W::Kor => "ko",
        W::Nob => "nb",
        W::Dan => "da",
        W::Swe => "sv",
        W::Fin => "fi",
        W::Tur => "tr",
        W::Nld => "nl",
        W::Hun => "hu",
        W::Ces => "cs",
        W::Ell => "el",
        W::Bul => "bg",
        W::Bel => "be",
        W::Mar => "mr",
        W::Kan => "kn",
        W::Ron => "ro",
        W::Slv => "sl",
        W::Hrv => "hr",
        W::Srp => "sr",
        W::Mkd => "mk",
        W::Lit => "lt",
        W::Lav => "lv",
        W::Est => "et",
        W::Tam => "ta",
        W::Vie => "vi",
        W::Urd => "ur",
        W::Tha => "th",
        W::Guj => "gu",
        W::Uzb => "uz",
        W::Pan => "pa",
        W::Aze => "az",
        W::Ind => "id",
        W::Tel => "te",
        W::Pes => "fa",
        W::Mal => "ml",
        W::Ori => "or",
        W::Mya => "my",
        W::Nep => "ne",
        W::Sin => "si",
        W::Khm => "km",
        W::Tuk => "tk",
        W::Aka => "ak",
        W::Zul => "zu",
        W::Sna => "sn",
        W::Afr => "af",
        W::Lat => "la",
        W::Slk => "sk",
        W::Cat => "ca",
        W::Tgl => "tl",
        W::Hye => "hy",
        W::Cym => "cy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn code(text: &str) -> Option<String> {
        detect_language(text).map(|l| l.as_str().to_string())
    }

    #[test]
    fn samples_are_detected() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
        if !dir.is_dir() {
            eprintln!(
                "skipped: {} not found (shared data is outside the repo)",
                dir.display()
            );
            return;
        }
        let expected = [
            ("000", "tl"),
            ("001", "de"),
            ("002", "tl"),
            ("003", "sr"),
            ("004", "en"),
        ];
        let entries: Vec<_> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .collect();
        for (prefix, lang) in expected {
            let entry = entries
                .iter()
                .find(|e| e.file_name().to_string_lossy().starts_with(prefix))
                .unwrap_or_else(|| panic!("sample {prefix} missing in {}", dir.display()));
            let text = std::fs::read_to_string(entry.path()).unwrap();
            assert_eq!(code(&text).as_deref(), Some(lang), "sample {prefix}");
        }
    }

    /// Accuracy against the SemEval-2022 Task 8 dev labels, which include about ten known
    /// mislabels (see the data README); the example `semeval_lang` prints the details.
    #[test]
    fn semeval_dev_accuracy() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/semeval2022-t8/pairs.dev.jsonl");
        let Ok(data) = std::fs::read_to_string(&path) else {
            eprintln!(
                "skipped: {} not found (shared data is outside the repo)",
                path.display()
            );
            return;
        };
        let (mut right, mut total) = (0usize, 0usize);
        for line in data.lines() {
            let pair: serde_json::Value = serde_json::from_str(line).unwrap();
            for side in ["a", "b"] {
                let (Some(label), Some(text)) =
                    (pair[side]["lang"].as_str(), pair[side]["text"].as_str())
                else {
                    continue;
                };
                total += 1;
                right += usize::from(code(text).as_deref() == Some(label));
            }
        }
        let accuracy = right as f64 / total as f64;
        eprintln!("SemEval dev language accuracy: {right}/{total} = {accuracy:.4}");
        assert!(total > 2000 && accuracy > 0.99, "{right}/{total}");
    }

    #[test]
    fn serbian_latin_is_serbian() {
        let text = "Predsednik Srbije je u utorak rekao da će deca od septembra ići u školu \
                    vozom, jer je opština obezbedila dve hiljade karata. Da li je to dovoljno, \
                    pitaju se roditelji u mestu.";
        assert_eq!(code(text).as_deref(), Some("sr"));
    }

    #[test]
    fn croatian_stays_croatian() {
        let text = "Predsjednik Hrvatske rekao je u utorak da će djeca od rujna ići u školu \
                    vlakom, jer je općina osigurala dvije tisuće karata. Je li to dovoljno, \
                    pitaju se roditelji u mjestu.";
        assert_eq!(code(text).as_deref(), Some("hr"));
    }

    #[test]
    fn serbian_cyrillic_is_serbian() {
        let text = "Председник Србије је у уторак рекао да ће деца од септембра ићи у школу \
                    возом, јер је општина обезбедила две хиљаде карата.";
        assert_eq!(code(text).as_deref(), Some("sr"));
    }

    #[test]
    fn common_languages() {
        assert_eq!(
            code("The president said on Tuesday that the talks would continue next week.")
                .as_deref(),
            Some("en")
        );
        assert_eq!(
            code("Der Präsident sagte am Dienstag, dass die Gespräche nächste Woche weitergehen.")
                .as_deref(),
            Some("de")
        );
        assert_eq!(
            code("Sinabi ng pangulo noong Martes na magpapatuloy ang mga pag-uusap sa susunod na linggo.")
                .as_deref(),
            Some("tl")
        );
        assert_eq!(
            code("国家主席习近平周二表示，会谈将于下周继续进行。").as_deref(),
            Some("zh")
        );
    }

    #[test]
    fn chinese_with_latin_names_is_chinese() {
        let text =
            "Simon Coveney 敦促 Stormont 会谈的各方表现出慷慨 节日期间暂停后，谈判将于周四正式恢复";
        assert_eq!(code(text).as_deref(), Some("zh"));
        assert_eq!(
            code("プーチン大統領は金正恩氏の招待を受け入れたと KCNA が報じた").as_deref(),
            Some("ja")
        );
        // A Spanish text naming a club in Chinese stays Spanish.
        let es =
            "利物浦 venció 2-0 al Sheffield United por la fecha 21 de la Premier League inglesa";
        assert_eq!(code(es).as_deref(), Some("es"));
    }

    #[test]
    fn russian_taken_for_bulgarian_is_russian() {
        let ru = "Католическая академия Уотербери вновь откроется во вторник, 7 января";
        assert_eq!(code(ru).as_deref(), Some("ru"));
        let bg = "Българският президент заяви във вторник, че преговорите ще продължат";
        assert_eq!(code(bg).as_deref(), Some("bg"));
    }

    #[test]
    fn too_short_is_none() {
        assert_eq!(code("Hi there"), None);
        assert_eq!(code("12345 67890 !!!"), None);
        assert_eq!(code(""), None);
    }

    #[test]
    fn supported_has_required_codes() {
        let all = supported_languages();
        assert!(all.len() >= 60);
        for c in ["tl", "sr", "hr", "de", "en", "zh", "ja", "ar", "ru", "fa"] {
            assert!(all.contains(&Lang::new(c)), "{c}");
        }
        assert!(
            all.iter().all(|l| l.as_str().len() == 2),
            "all of whatlang's have 639-1 codes"
        );
    }

    #[test]
    fn long_text_is_cut_safely_at_char_boundary() {
        let text = "Prezident v úterý řekl, že jednání budou pokračovat příští týden. ".repeat(200);
        assert_eq!(code(&text).as_deref(), Some("cs"));
    }
}
