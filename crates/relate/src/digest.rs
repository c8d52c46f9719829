//! What relation detection needs to know about one article, computed once per article.

use std::collections::{HashMap, HashSet};
use storyweave_model::{CleanArticle, Lang};

/// Word n-gram length of shingles: four words rarely repeat by chance between independent
/// reports, yet a copied sentence shares most of its four-word windows even after light edits.
const SHINGLE_WORDS: usize = 4;
/// Paragraph keys: prefix length of transliterated words (see the encode crate's xterms).
const KEY_PREFIX: usize = 5;
/// Names and numbers say more about what a paragraph reports than ordinary words do.
const STRONG_KEY_WEIGHT: f32 = 2.0;

/// The digest of one article.
#[derive(Debug, Clone, Default)]
pub struct Digest {
    /// Length of the text in characters.
    pub chars: usize,
    /// True for text written without spaces between words (Chinese, Japanese, Thai).
    pub unspaced: bool,
    /// Entities in order of appearance: (cross-lingual key, surface).
    pub entities: Vec<(String, String)>,
    /// Normalised numbers and dates.
    pub numbers: Vec<String>,
    /// Names in the byline: (key, surface).
    pub byline_names: Vec<(String, String)>,
    /// Word shingles of the whole text.
    pub shingles: HashSet<u64>,
    /// Word shingles per paragraph.
    pub paragraph_shingles: Vec<HashSet<u64>>,
    /// Script-neutral weighted keys per paragraph, sorted by key.
    pub paragraph_keys: Vec<Vec<(u64, f32)>>,
    /// Quotes with their shingles.
    pub quotes: Vec<(String, HashSet<u64>)>,
    /// Length of each paragraph in characters.
    pub paragraph_chars: Vec<usize>,
    /// Whether each paragraph names an entity or a number (alignable across languages).
    pub paragraph_strong: Vec<bool>,
    /// Number of sentences.
    pub sentences: usize,
    /// Encoder vectors of the first [`MAX_SENTENCE_VECTORS`] sentences of the text (see
    /// [`sentence_texts`]); empty without a model. Set by the engine, which caches them.
    pub sentence_vectors: Vec<Vec<f32>>,
    /// True once the engine has encoded the sentences (with a model), even when none was
    /// long enough to encode: the encoder then decides about translation, not the
    /// model-free rule.
    pub sentences_encoded: bool,
}

impl Digest {
    /// Sets the encoder vectors of [`sentence_texts`] (possibly none, when no sentence was
    /// long enough) and marks the sentences as encoded.
    pub fn set_sentence_vectors(&mut self, vectors: Vec<Vec<f32>>) {
        self.sentence_vectors = vectors;
        self.sentences_encoded = true;
    }
}

/// Sentences beyond this are not encoded for alignment: a translation shows itself in its
/// first sentences, and the cost stays bounded for very long articles.
pub const MAX_SENTENCE_VECTORS: usize = 60;

/// Shorter pieces ("Hola,", "John", a site name after a split at ".pl") are not encoded for
/// alignment: any two of them align across languages and say nothing about translation.
pub const MIN_SENTENCE_CHARS: usize = 12;

/// The sentences of an article that the engine encodes for [`Digest::sentence_vectors`].
pub fn sentence_texts(article: &CleanArticle) -> Vec<&str> {
    let text = article.text.as_str();
    storyweave_text::sentences(text)
        .into_iter()
        .filter_map(|r| text.get(r).map(str::trim))
        .filter(|s| s.chars().count() >= MIN_SENTENCE_CHARS)
        .take(MAX_SENTENCE_VECTORS)
        .collect()
}

fn h(s: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(s.as_bytes())
}

fn shingles(text: &str) -> HashSet<u64> {
    let words: Vec<String> = storyweave_text::words(text).map(|w| w.to_lowercase()).collect();
    if words.len() < SHINGLE_WORDS {
        return if words.is_empty() { HashSet::new() } else { [h(&words.join(" "))].into() };
    }
    words.windows(SHINGLE_WORDS).map(|w| h(&w.join(" "))).collect()
}

fn paragraph_keys(text: &str, lang: &Lang) -> (Vec<(u64, f32)>, bool) {
    let mut keys: HashMap<u64, f32> = HashMap::new();
    for e in storyweave_entities::extract_entities(text, lang) {
        keys.insert(h(&format!("e\x1f{}", e.key)), STRONG_KEY_WEIGHT);
    }
    for n in storyweave_entities::extract_numbers(text, lang) {
        keys.insert(h(&format!("n\x1f{n}")), STRONG_KEY_WEIGHT);
    }
    let folded = storyweave_text::fold(&storyweave_text::to_latin(text, lang));
    for w in folded.split(|c: char| !c.is_ascii_alphanumeric()) {
        if w.len() >= 4 && w.bytes().all(|b| b.is_ascii_alphabetic()) {
            keys.entry(h(&format!("x\x1f{}", &w[..w.len().min(KEY_PREFIX)]))).or_insert(1.0);
        }
    }
    let strong = keys.values().any(|&w| w >= STRONG_KEY_WEIGHT);
    let mut v: Vec<(u64, f32)> = keys.into_iter().collect();
    v.sort_unstable_by_key(|&(k, _)| k);
    (v, strong)
}

/// Computes the digest of an article.
pub fn digest(article: &CleanArticle) -> Digest {
    let lang = &article.lang;
    let text = article.text.as_str();
    let paragraphs: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut seen = HashSet::new();
    let entities = storyweave_entities::extract_entities(&format!("{}\n{}", article.title, text), lang)
        .into_iter()
        .filter(|e| seen.insert(e.key.clone()))
        .map(|e| (e.key, e.surface))
        .collect();
    let mut numbers: Vec<String> = storyweave_entities::extract_numbers(text, lang);
    numbers.extend(storyweave_entities::extract_dates(text, lang));
    let mut seen_n = HashSet::new();
    numbers.retain(|n| seen_n.insert(n.clone()));
    let byline_names = article
        .byline
        .as_deref()
        .map(|b| {
            storyweave_entities::extract_entities(b, lang)
                .into_iter()
                .map(|e| (e.key, e.surface))
                .collect()
        })
        .unwrap_or_default();
    let quotes = storyweave_entities::extract_quotes(text)
        .into_iter()
        .map(|q| {
            let sh = shingles(&q.text);
            (q.text, sh)
        })
        .collect();
    let (paragraph_keys, paragraph_strong): (Vec<_>, Vec<_>) =
        paragraphs.iter().map(|p| paragraph_keys(p, lang)).unzip();
    Digest {
        chars: text.chars().count(),
        unspaced: matches!(lang.as_str(), "zh" | "ja" | "ko" | "th" | "lo" | "km" | "my"),
        entities,
        numbers,
        byline_names,
        shingles: shingles(text),
        paragraph_shingles: paragraphs.iter().map(|p| shingles(p)).collect(),
        paragraph_keys,
        quotes,
        paragraph_chars: paragraphs.iter().map(|p| p.chars().count()).collect(),
        paragraph_strong,
        sentences: storyweave_text::sentences(text).len(),
        sentence_vectors: Vec::new(),
        sentences_encoded: false,
    }
}
