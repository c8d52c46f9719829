//! Speed of comparing articles and of a whole story's view, as a benchmark (prints figures).
//!
//! ```sh
//! cargo run --release -p storyweave-relate --example align_speed -- ../shared/data/wmt16-enfi/docs.jsonl
//! ```
//!
//! - two articles of about 2,000 characters (a WMT16 Finnish original and its English
//!   translation, the pair closest to 2,000 characters each): analysis of both, then
//!   `compare` (digests, relation, sentence alignment, adds), without vectors and with
//!   cached vectors;
//! - `story_view` over stories of n = 10, 20, 50, 100 WMT documents, every pair aligned, with
//!   cached sentence vectors: the time and the time per pair, to show how the cost grows.
//!
//! "Cached vectors" are synthetic 384-dimensional unit vectors (e5-small's size), made so
//! that sentences at the same position of two articles are close: what is timed is the
//! comparison, not the encoder, and its cost does not depend on the vectors' values beyond
//! how much aligns.

use std::time::Instant;
use storyweave_analyze::{analyze, Analysis};
use storyweave_encode::tiny::SplitMix64;
use storyweave_model::{ArticleId, CleanArticle, Lang, Origin};
use storyweave_relate::{compare, story_view, AnalysedArticle, Relator, StoryOptions};

/// e5-small's vector size.
const DIM: usize = 384;
/// Distinct "facts" the synthetic sentence vectors are drawn around.
const FACTS: usize = 24;
/// Repetitions of the pair timings (the median is printed).
const REPEAT: usize = 30;

fn read_docs(path: &str) -> Result<Vec<CleanArticle>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    for (n, line) in std::fs::read_to_string(path)?.lines().enumerate() {
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("skipping {path}:{}: {e}", n + 1);
                continue;
            }
        };
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        out.push(CleanArticle {
            id: ArticleId(s("id")),
            url: None,
            title: s("title"),
            text: s("text"),
            lang: Lang::new(&s("lang")),
            published: None,
            byline: None,
            source: None,
            origin: Origin::default(),
        });
    }
    Ok(out)
}

fn vectors(analysis: &Analysis, rng: &mut SplitMix64, facts: &[Vec<f32>]) -> Vec<Vec<f32>> {
    (0..analysis.sentences.len())
        .map(|s| {
            let mut v: Vec<f32> = facts[s % FACTS].iter().map(|x| x + 0.7 * rng.normal_f32() / (DIM as f32).sqrt()).collect();
            storyweave_encode::neural::normalize(&mut v);
            v
        })
        .collect()
}

fn median_ms(mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..REPEAT)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[REPEAT / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "../shared/data/wmt16-enfi/docs.jsonl".into());
    let docs = read_docs(&path)?;
    let mut rng = SplitMix64(20160101);
    let facts: Vec<Vec<f32>> = (0..FACTS)
        .map(|_| {
            let mut v: Vec<f32> = (0..DIM).map(|_| rng.normal_f32()).collect();
            storyweave_encode::neural::normalize(&mut v);
            v
        })
        .collect();
    let relator = Relator::default();

    // The original/translation pair closest to 2,000 characters on both sides.
    let group = |a: &CleanArticle| a.id.as_str().split(':').next().unwrap_or("").to_string();
    let size = |a: &CleanArticle| a.text.chars().count() as i64;
    let (a, b) = docs
        .iter()
        .filter(|a| a.id.as_str().ends_with(":orig"))
        .flat_map(|a| docs.iter().filter(move |b| group(b) == group(a) && b.lang != a.lang).map(move |b| (a, b)))
        .min_by_key(|(a, b)| (size(a) - 2000).abs() + (size(b) - 2000).abs())
        .ok_or("no translation pair in the input")?;
    println!("pair: {} ({} chars, {}) and {} ({} chars, {})", a.id, size(a), a.lang, b.id, size(b), b.lang);
    let analyse_ms = median_ms(|| {
        let _ = (analyze(a), analyze(b));
    });
    let (an_a, an_b) = (analyze(a), analyze(b));
    let (va, vb) = (vectors(&an_a, &mut rng, &facts), vectors(&an_b, &mut rng, &facts));
    fn plain<'a>(an: &'a Analysis, art: &'a CleanArticle) -> AnalysedArticle<'a> {
        AnalysedArticle { article: art, analysis: an, vectors: None }
    }
    let compare_ms = median_ms(|| {
        let _ = compare(plain(&an_a, a), plain(&an_b, b), &relator, None);
    });
    let with_vec_ms = median_ms(|| {
        let x = AnalysedArticle { article: a, analysis: &an_a, vectors: Some(&va) };
        let y = AnalysedArticle { article: b, analysis: &an_b, vectors: Some(&vb) };
        let _ = compare(x, y, &relator, None);
    });
    println!("| step | median ms ({REPEAT} runs) |");
    println!("|---|---|");
    println!("| analyse both articles (sentences, names, numbers, dates, quotes) | {analyse_ms:.2} |");
    println!("| compare, no model (digests, relation, alignment, adds) | {compare_ms:.2} |");
    println!("| analyse + compare, no model | {:.2} |", analyse_ms + compare_ms);
    println!("| compare with cached sentence vectors | {with_vec_ms:.2} |");

    println!();
    println!("| story articles | pairs | story_view s (cached vectors) | ms per pair |");
    println!("|---|---|---|---|");
    let analyses: Vec<Analysis> = docs.iter().take(100).map(analyze).collect();
    let vecs: Vec<Vec<Vec<f32>>> = analyses.iter().map(|an| vectors(an, &mut rng, &facts)).collect();
    for n in [10usize, 20, 50, 100] {
        let n = n.min(analyses.len());
        let items: Vec<AnalysedArticle> = (0..n)
            .map(|i| AnalysedArticle { article: &docs[i], analysis: &analyses[i], vectors: Some(&vecs[i]) })
            .collect();
        let t = Instant::now();
        let view = story_view(&items, &[], &relator, &StoryOptions::default());
        let s = t.elapsed().as_secs_f64();
        let pairs = n * (n - 1) / 2;
        println!("| {n} | {pairs} | {s:.2} | {:.2} |", s * 1000.0 / pairs.max(1) as f64);
        std::hint::black_box(view);
    }
    Ok(())
}
