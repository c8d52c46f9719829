//! Property tests: no extractor panics on arbitrary text, and what they return is
//! consistent with the text.

use proptest::prelude::*;
use storyweave_entities::{
    entity_key, extract_dates, extract_entities, extract_numbers, extract_quotes, is_informative,
};
use storyweave_model::Lang;

/// Text built from pieces the extractors react to, so that the interesting paths run often.
fn newsy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Putin ".to_string()),
        Just("КЦНА ".to_string()),
        Just("Северну Кореју ".to_string()),
        Just("北朝鲜".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("„".to_string()),
        Just("’s ".to_string()),
        Just("\n".to_string()),
        Just(". ".to_string()),
        Just("-".to_string()),
        Just("13. September 2023 ".to_string()),
        Just("1.000,5 % ".to_string()),
        Just("2,5 Mrd. ".to_string()),
        "[0-9., %/-]{1,8}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

fn langs() -> impl Strategy<Value = Lang> {
    prop::sample::select(vec!["en", "de", "sr", "ru", "tl", "fi", "zh", "ar", "und"])
        .prop_map(Lang::new)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}", lang in langs()) {
        let _ = extract_entities(&text, &lang);
        let _ = extract_numbers(&text, &lang);
        let _ = extract_dates(&text, &lang);
        let _ = extract_quotes(&text);
        let _ = entity_key(&text, &lang);
    }

    #[test]
    fn outputs_are_consistent_with_the_text(text in newsy_text(), lang in langs()) {
        for e in extract_entities(&text, &lang) {
            prop_assert!(text.contains(&e.surface), "{:?}", e);
            prop_assert!(!e.key.is_empty() || e.surface.chars().all(|c| !c.is_ascii_alphanumeric()), "{:?}", e);
        }
        for q in extract_quotes(&text) {
            prop_assert_eq!(text.get(q.range.clone()), Some(q.text.as_str()));
            prop_assert!(!q.text.contains('\n'));
        }
        for n in extract_numbers(&text, &lang) {
            let digits = n.trim_end_matches('%');
            prop_assert!(!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.'), "{}", n);
            let _ = is_informative(&n);
        }
        for d in extract_dates(&text, &lang) {
            prop_assert!(d.len() == 10 || d.len() == 7 || d.starts_with("--"), "{}", d);
        }
    }

    #[test]
    fn thousands_round_trip(n in 1000u64..1_000_000_000) {
        let plain = n.to_string();
        let grouped = |sep: &str| {
            let digits: Vec<char> = plain.chars().collect();
            let mut out = String::new();
            for (i, c) in digits.iter().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push_str(sep);
                }
                out.push(*c);
            }
            out
        };
        for (sep, lang) in [(",", "en"), (".", "de"), (" ", "fr"), ("’", "de")] {
            prop_assert_eq!(extract_numbers(&grouped(sep), &Lang::new(lang)), vec![plain.clone()]);
        }
    }
}
