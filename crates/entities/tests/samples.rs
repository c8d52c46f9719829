//! The five real sample articles in `../shared/samples` (one event in tl, de, tl, sr-Cyrl,
//! en): the cross-lingual keys they must share. Skipped, with a printed reason, when the
//! samples are absent.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use storyweave_entities::{
    entity_key, extract_dates, extract_entities, extract_numbers, extract_quotes, token_keys,
};
use storyweave_model::Lang;

/// Sample file prefixes and their languages (from the samples' README).
const SAMPLES: &[(&str, &str)] = &[
    ("000", "tl"),
    ("001", "de"),
    ("002", "tl"),
    ("003", "sr"),
    ("004", "en"),
];

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples")
}

/// (prefix, language, text) of every sample, or `None` (with the reason printed).
fn load() -> Option<Vec<(&'static str, Lang, String)>> {
    let dir = samples_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} is absent", dir.display());
        return None;
    };
    let files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    let mut out = Vec::new();
    for &(prefix, lang) in SAMPLES {
        let Some(path) = files.iter().find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".txt"))
        }) else {
            eprintln!("skipped: no sample {prefix}_*.txt in {}", dir.display());
            return None;
        };
        let text = std::fs::read_to_string(path).ok()?;
        out.push((prefix, Lang::new(lang), text));
    }
    Some(out)
}

/// Every word key of every entity of a text.
fn keys_of(text: &str, lang: &Lang) -> HashSet<String> {
    extract_entities(text, lang)
        .iter()
        .flat_map(token_keys)
        .collect()
}

fn key(surface: &str) -> String {
    entity_key(surface, &Lang::new("en"))
}

#[test]
fn all_samples_share_putin_and_kim_jong_un() {
    let Some(samples) = load() else { return };
    let putin = key("Putin");
    let kim: Vec<String> = key("Kim Jong Un").split(' ').map(str::to_string).collect();
    assert_eq!(kim.len(), 3);
    for (prefix, lang, text) in &samples {
        let keys = keys_of(text, lang);
        assert!(keys.contains(&putin), "{prefix}: no {putin} in {keys:?}");
        for k in &kim {
            assert!(keys.contains(k), "{prefix}: no {k} in {keys:?}");
        }
    }
}

#[test]
fn vostochny_kcna_and_north_korea_where_reported() {
    let Some(samples) = load() else { return };
    let vostochny = key("Vostochny");
    let kcna = key("KCNA");
    for (prefix, lang, text) in &samples {
        let keys = keys_of(text, lang);
        assert!(
            keys.contains("@kp"),
            "{prefix}: North Korea missing from {keys:?}"
        );
        assert!(
            keys.contains("@ru"),
            "{prefix}: Russia missing from {keys:?}"
        );
        if *prefix != "002" {
            assert!(
                keys.contains(&vostochny),
                "{prefix}: no {vostochny} in {keys:?}"
            );
            assert!(keys.contains(&kcna), "{prefix}: no {kcna} in {keys:?}");
        }
    }
}

#[test]
fn the_date_and_year_where_present() {
    let Some(samples) = load() else { return };
    for (prefix, lang, text) in &samples {
        let numbers = extract_numbers(text, lang);
        let dates = extract_dates(text, lang);
        if text.contains("2023") {
            assert!(numbers.iter().any(|n| n == "2023"), "{prefix}: {numbers:?}");
        }
        if text.contains("2023. 9. 13") {
            assert!(
                dates.iter().any(|d| d == "2023-09-13"),
                "{prefix}: {dates:?}"
            );
            assert!(numbers.iter().any(|n| n == "13"), "{prefix}: {numbers:?}");
        }
    }
    // The Serbian report dates the earlier meeting: "у априлу 2019."
    let (_, sr, text) = &samples[3];
    assert!(extract_dates(text, sr).contains(&"2019-04".to_string()));
}

#[test]
fn quotes_are_found_and_ranges_are_valid() {
    let Some(samples) = load() else { return };
    for (prefix, _, text) in &samples {
        let quotes = extract_quotes(text);
        assert!(quotes.len() >= 3, "{prefix}: {} quotes", quotes.len());
        for q in &quotes {
            assert_eq!(text.get(q.range.clone()), Some(q.text.as_str()), "{prefix}");
            assert!(!q.text.contains('\n'), "{prefix}: {:?}", q.text);
        }
    }
    // 000 and 002 repeat one quote (the invitation) word for word in part.
    let q0: Vec<String> = extract_quotes(&samples[0].2)
        .into_iter()
        .map(|q| q.text)
        .collect();
    let q2: Vec<String> = extract_quotes(&samples[2].2)
        .into_iter()
        .map(|q| q.text)
        .collect();
    assert!(q0.iter().any(|a| q2
        .iter()
        .any(|b| a.starts_with("Sa pagtatapos") && b.starts_with("Sa pagtatapos"))));
}

/// Entity, number, date and quote extraction per 3,000 characters of real text; the
/// pipeline's budget is well under 0.5 ms. Run with
/// `cargo test --release -p storyweave-entities --test samples -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing_per_3000_chars() {
    let Some(samples) = load() else { return };
    // Warm the gazetteer and the analyzers once: a pipeline pays that once per process.
    for (_, lang, text) in &samples {
        extract_entities(text, lang);
    }
    let rounds = 200;
    let chars: usize = samples.iter().map(|(_, _, t)| t.chars().count()).sum();
    let ms_per_3000 = |f: &dyn Fn(&str, &Lang)| {
        let start = Instant::now();
        for _ in 0..rounds {
            for (_, lang, text) in &samples {
                f(text, lang);
            }
        }
        start.elapsed().as_secs_f64() / (rounds * chars) as f64 * 3000.0 * 1000.0
    };
    let entities = ms_per_3000(&|t, l| drop(std::hint::black_box(extract_entities(t, l))));
    let numbers = ms_per_3000(&|t, l| drop(std::hint::black_box(extract_numbers(t, l))));
    let dates = ms_per_3000(&|t, l| drop(std::hint::black_box(extract_dates(t, l))));
    let quotes = ms_per_3000(&|t, _| drop(std::hint::black_box(extract_quotes(t))));
    let per_3000 = entities + numbers + dates + quotes;
    println!(
        "{per_3000:.3} ms per 3,000 characters: entities {entities:.3}, numbers {numbers:.3}, \
         dates {dates:.3}, quotes {quotes:.3} ({chars} characters in {} samples)",
        samples.len()
    );
    if !cfg!(debug_assertions) {
        assert!(per_3000 < 0.5, "{per_3000:.3} ms per 3,000 characters");
    }
}
