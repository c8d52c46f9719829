//! Transliteration to Latin script and ASCII folding for cross-lingual keys.

use storyweave_model::Lang;

/// Which national romanisation to use for Cyrillic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cyrillic {
    /// Serbian (also Bosnian and Montenegrin Cyrillic): the official one-to-one Gaj alphabet.
    Serbian,
    /// Macedonian: the official Latin alphabet (Ѓ → Ǵ, Ќ → Ḱ, Ѕ → Dz).
    Macedonian,
}

impl Cyrillic {
    fn for_lang(lang: &Lang) -> Option<Self> {
        match lang.as_str() {
            "sr" | "bs" | "cnr" | "srp" | "bos" => Some(Cyrillic::Serbian),
            "mk" | "mkd" => Some(Cyrillic::Macedonian),
            _ => None,
        }
    }
}

/// Serbian/Macedonian romanisation of one lower-case Cyrillic letter, `None` when the letter is
/// not part of the alphabet. Written by hand because any_ascii uses a generic (Russian-leaning)
/// scheme: it gives "Dj" for Ђ and "C" for Ћ, which would lose the Serbian spelling of names.
fn south_slavic_lower(c: char, scheme: Cyrillic) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'ђ' => "đ",
        'е' => "e",
        'ж' => "ž",
        'з' => "z",
        'и' => "i",
        'ј' => "j",
        'к' => "k",
        'л' => "l",
        'љ' => "lj",
        'м' => "m",
        'н' => "n",
        'њ' => "nj",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'ћ' => "ć",
        'у' => "u",
        'ф' => "f",
        'х' => "h",
        'ц' => "c",
        'ч' => "č",
        'џ' => "dž",
        'ш' => "š",
        'ѓ' if scheme == Cyrillic::Macedonian => "ǵ",
        'ќ' if scheme == Cyrillic::Macedonian => "ḱ",
        'ѕ' if scheme == Cyrillic::Macedonian => "dz",
        _ => return None,
    })
}

/// True for characters that are already Latin script or script-neutral (digits, punctuation,
/// spaces, combining accents): they are copied unchanged so that diacritics survive.
fn keep_as_is(c: char) -> bool {
    let u = c as u32;
    // Basic Latin .. Latin Extended-B and IPA extensions, spacing modifiers, combining marks.
    u < 0x0370
        // Latin Extended Additional (Vietnamese and others).
        || (0x1E00..=0x1EFF).contains(&u)
        // General punctuation: dashes, quotes, zero-width characters.
        || (0x2000..=0x206F).contains(&u)
        // Latin Extended-C/D/E.
        || (0x2C60..=0x2C7F).contains(&u)
        || (0xA720..=0xA7FF).contains(&u)
        || (0xAB30..=0xAB6F).contains(&u)
}

/// Transliterates to Latin script, keeping case. Serbian (and Macedonian) Cyrillic follows
/// the national rules when `lang` says so; everything else non-Latin goes through any_ascii.
pub fn to_latin(text: &str, lang: &Lang) -> String {
    if text.chars().all(keep_as_is) {
        return text.to_string();
    }
    let scheme = Cyrillic::for_lang(lang);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for (i, &c) in chars.iter().enumerate() {
        if keep_as_is(c) {
            out.push(c);
            continue;
        }
        if let Some(scheme) = scheme {
            if let Some(latin) = south_slavic_char(&chars, i, scheme) {
                out.push_str(&latin);
                continue;
            }
        }
        let ascii = any_ascii::any_ascii(c.encode_utf8(&mut buf));
        // Symbols romanise to words (an emoji to ":grinning:", "€" to "EUR") that later stages
        // would take for text: only letters, digits and plain punctuation are replaced.
        if c.is_alphanumeric() || !ascii.bytes().any(|b| b.is_ascii_alphanumeric()) {
            out.push_str(&ascii);
        } else {
            out.push(c);
        }
    }
    out
}

/// One Cyrillic letter of a Serbian/Macedonian text in Latin, case-aware for digraphs:
/// "Љуба" → "Ljuba" but "ЉУБА" → "LJUBA" (the digraph is all capitals inside capitals).
fn south_slavic_char(chars: &[char], i: usize, scheme: Cyrillic) -> Option<String> {
    let c = chars[i];
    let is_upper = c.is_uppercase();
    let lower = if is_upper {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    };
    let latin = south_slavic_lower(lower, scheme)?;
    if !is_upper {
        return Some(latin.to_string());
    }
    let mut letters = latin.chars();
    let first: String = letters
        .next()
        .map(|f| f.to_uppercase().collect())
        .unwrap_or_default();
    let rest = letters.as_str();
    if rest.is_empty() {
        return Some(first);
    }
    // Digraph: all capitals when the neighbouring letter says the word is written in capitals.
    let next = chars.get(i + 1).filter(|n| n.is_alphabetic());
    let all_caps = match next {
        Some(n) => n.is_uppercase(),
        None => i
            .checked_sub(1)
            .and_then(|p| chars.get(p))
            .is_some_and(|p| p.is_alphabetic() && p.is_uppercase()),
    };
    Some(if all_caps {
        first + &rest.to_uppercase()
    } else {
        first + rest
    })
}

/// Lower-case ASCII fold of (Latin) text for cross-lingual keys: diacritics are removed
/// ("Đ" → "d", "ł" → "l", "ß" → "ss") and umlauts lose their dots ("ä" → "a", not "ae", so that
/// "Müller" and "Muller" as written by foreign outlets meet). Non-Latin input is romanised by
/// any_ascii on the way, but callers that know the language should call [`to_latin`] first.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut ascii = any_ascii::any_ascii(text);
    ascii.make_ascii_lowercase();
    ascii
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sr() -> Lang {
        Lang::new("sr")
    }

    #[test]
    fn serbian_digraphs_follow_case() {
        assert_eq!(to_latin("ЉУБА", &sr()), "LJUBA");
        assert_eq!(to_latin("Љуба", &sr()), "Ljuba");
        assert_eq!(to_latin("Њ", &sr()), "Nj");
        assert_eq!(to_latin("ЏЏ", &sr()), "DŽDŽ");
        assert_eq!(to_latin("ПРЕДСЕДНИК ЂОРЂЕ", &sr()), "PREDSEDNIK ĐORĐE");
        assert_eq!(to_latin("Џон њујорк", &sr()), "Džon njujork");
    }

    #[test]
    fn serbian_letters_by_serbian_rules() {
        assert_eq!(
            to_latin("Ћирилица, чаша, шах, жена, јун, цар, хлеб, ђак", &sr()),
            "Ćirilica, čaša, šah, žena, jun, car, hleb, đak"
        );
        assert_eq!(
            to_latin("Вучић у Београду 2023.", &sr()),
            "Vučić u Beogradu 2023."
        );
    }

    #[test]
    fn macedonian_has_its_own_letters() {
        let mk = Lang::new("mk");
        assert_eq!(to_latin("Ѓорѓи Ќерка ѕвезда", &mk), "Ǵorǵi Ḱerka dzvezda");
    }

    #[test]
    fn russian_cyrillic_uses_general_scheme() {
        assert_eq!(
            to_latin("Владимир Путин", &Lang::new("ru")),
            "Vladimir Putin"
        );
    }

    #[test]
    fn latin_text_is_unchanged() {
        let s = "Đorđe Müller, Łódź — «façade» ½";
        assert_eq!(to_latin(s, &sr()), s);
        assert_eq!(to_latin(s, &Lang::new("de")), s);
    }

    #[test]
    fn other_scripts_are_romanised() {
        let greek = to_latin("Αθήνα", &Lang::new("el"));
        assert!(greek.is_ascii() && !greek.is_empty(), "{greek}");
        let han = to_latin("北京", &Lang::new("zh"));
        assert_eq!(han.to_lowercase(), "beijing");
    }

    #[test]
    fn symbols_are_not_spelled_out() {
        let zh = Lang::new("zh");
        assert_eq!(to_latin("😀 €", &zh), "😀 €");
        assert_eq!(to_latin("北京。", &zh).to_lowercase(), "beijing.");
    }

    proptest::proptest! {
        #[test]
        fn fold_is_lowercase_ascii(s in "\\PC{0,40}") {
            let f = fold(&s);
            proptest::prop_assert!(f.is_ascii() && !f.bytes().any(|b| b.is_ascii_uppercase()));
        }

        #[test]
        fn latin_text_survives_to_latin(s in "[a-zA-Z0-9 čćžšđČĆŽŠĐäöüß.,!?-]{0,40}") {
            proptest::prop_assert_eq!(to_latin(&s, &Lang::new("sr")), s);
        }
    }

    #[test]
    fn fold_strips_diacritics() {
        assert_eq!(fold("Đorđe"), "dorde");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Ärger"), "arger");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("Vučić"), "vucic");
        assert_eq!(fold("PLAIN Ascii"), "plain ascii");
    }

    #[test]
    fn fold_of_serbian_cyrillic_via_to_latin_matches_latin() {
        assert_eq!(fold(&to_latin("Вучић", &sr())), fold("Vučić"));
        assert_eq!(fold(&to_latin("Ђоковић", &sr())), fold("Đoković"));
    }
}
