//! Language-id accuracy and text throughput on the SemEval-2022 Task 8 dev pairs.
//!
//! `cargo run --release -p storyweave-text --example semeval_lang [path/to/pairs.dev.jsonl]`
//!
//! Accuracy is counted once per distinct article id against the file's `lang` labels (which
//! include a few known mislabels, see the data README). Throughput is detect_language + terms
//! (and, separately, the whole text step: normalize + detect + sentences + terms) on one core.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use storyweave_model::Lang;
use storyweave_text::{
    detect_language, detect_language_with_confidence, normalize, sentences, Analyzer,
};

/// Passes over the texts for the timing, so that one run takes long enough to be stable.
const TIMING_PASSES: usize = 3;

/// Confidence limits at which to count right answers that a stricter threshold would lose.
const CONFIDENCE_BUCKETS: [f64; 4] = [0.1, 0.2, 0.3, 0.5];

/// How much of a misdetected text to show, enough to see its language by eye.
const MISS_PREVIEW_CHARS: usize = 70;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/data/semeval2022-t8/pairs.dev.jsonl")
        });
    if !path.exists() {
        println!("skipped: {} not found", path.display());
        return Ok(());
    }
    let mut seen = HashSet::new();
    let mut articles: Vec<(String, String)> = Vec::new();
    for line in std::fs::read_to_string(&path)?.lines() {
        let pair: serde_json::Value = serde_json::from_str(line)?;
        for side in ["a", "b"] {
            let a = &pair[side];
            let (Some(id), Some(lang), Some(text)) =
                (a["id"].as_str(), a["lang"].as_str(), a["text"].as_str())
            else {
                continue;
            };
            if seen.insert(id.to_string()) {
                articles.push((lang.to_string(), text.to_string()));
            }
        }
    }

    // Per language: (correct, wrong, none), and what the wrong answers were.
    let mut per_lang: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut right_below = [0usize; CONFIDENCE_BUCKETS.len()];
    let mut confusions: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (label, text) in &articles {
        let entry = per_lang.entry(label.clone()).or_default();
        match detect_language_with_confidence(&normalize(text)) {
            Some((l, confidence)) if l.as_str() == label => {
                entry.0 += 1;
                for (bucket, limit) in CONFIDENCE_BUCKETS.iter().enumerate() {
                    if confidence < *limit {
                        right_below[bucket] += 1;
                    }
                }
            }
            Some((l, confidence)) => {
                entry.1 += 1;
                *confusions
                    .entry((label.clone(), l.as_str().to_string()))
                    .or_default() += 1;
                let head: String = text.trim().chars().take(MISS_PREVIEW_CHARS).collect();
                println!("miss: labelled {label}, detected {l} ({confidence:.2}): {head:?}");
            }
            None => {
                entry.2 += 1;
                let head: String = text.trim().chars().take(MISS_PREVIEW_CHARS).collect();
                println!("miss: labelled {label}, undetected: {head:?}");
            }
        }
    }
    let correct: usize = per_lang.values().map(|v| v.0).sum();
    let none: usize = per_lang.values().map(|v| v.2).sum();
    println!(
        "articles: {} (distinct ids) from {}",
        articles.len(),
        path.display()
    );
    println!(
        "accuracy: {:.2}% ({correct}/{}), undetected: {none}",
        100.0 * correct as f64 / articles.len() as f64,
        articles.len()
    );
    for (limit, n) in CONFIDENCE_BUCKETS.iter().zip(right_below) {
        println!("  right answers with confidence < {limit}: {n}");
    }
    for (lang, (ok, wrong, none)) in &per_lang {
        println!("  {lang}: {ok} right, {wrong} wrong, {none} none");
    }
    for ((label, got), n) in &confusions {
        println!("  confusion {label} -> {got}: {n}");
    }

    let start = Instant::now();
    let mut found = 0usize;
    for _ in 0..TIMING_PASSES {
        found += articles
            .iter()
            .filter(|(_, t)| detect_language(t).is_some())
            .count();
    }
    let detect_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let english = Analyzer::for_lang(&Lang::new("en"));
    let mut english_terms = 0usize;
    for _ in 0..TIMING_PASSES {
        english_terms += articles
            .iter()
            .map(|(_, t)| english.terms(t).len())
            .sum::<usize>();
    }
    let terms_secs = start.elapsed().as_secs_f64();
    let passes = (articles.len() * TIMING_PASSES) as f64;
    println!(
        "detect_language alone: {:.0} articles/s ({found} found); terms alone (en analyzer): \
         {:.0} articles/s ({english_terms} terms)",
        passes / detect_secs,
        passes / terms_secs
    );

    let bytes: usize = articles.iter().map(|(_, t)| t.len()).sum();
    let start = Instant::now();
    let mut terms = 0usize;
    for _ in 0..TIMING_PASSES {
        for (_, text) in &articles {
            let lang = detect_language(text).unwrap_or_else(Lang::unknown);
            terms += Analyzer::for_lang(&lang).terms(text).len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = (articles.len() * TIMING_PASSES) as f64;
    println!(
        "detect_language + terms: {:.0} articles/s, {:.1} MB/s, {} terms ({:.0} B/article mean)",
        n / secs,
        (bytes * TIMING_PASSES) as f64 / secs / 1e6,
        terms / TIMING_PASSES,
        bytes as f64 / articles.len() as f64
    );

    let start = Instant::now();
    let mut count = 0usize;
    for _ in 0..TIMING_PASSES {
        for (_, text) in &articles {
            let clean = normalize(text);
            let lang = detect_language(&clean).unwrap_or_else(Lang::unknown);
            count += sentences(&clean).len() + Analyzer::for_lang(&lang).terms(&clean).len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "normalize + detect + sentences + terms: {:.0} articles/s ({count} items)",
        n / secs
    );
    Ok(())
}
