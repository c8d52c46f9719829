//! What relation detection and alignment need to know about one article: read from its
//! [`Analysis`] (names, numbers, dates, quotes, sentences), plus word shingles and
//! script-neutral word prefixes computed from the text.

// Shingles and keys are already hashes (xxh3): a fast non-keyed hasher is enough for the
// sets and maps of them, which digesting fills for every word.
use rustc_hash::{FxHashMap, FxHashSet};
use storyweave_analyze::{analyze, Analysis};
use storyweave_model::{CleanArticle, Lang};

/// Word n-gram length of shingles: four words rarely repeat by chance between independent
/// reports, yet a copied sentence shares most of its four-word windows even after light edits.
const SHINGLE_WORDS: usize = 4;
/// Sentence and paragraph keys: prefix length of transliterated words (see the encode
/// crate's xterms): long enough to tell most words apart, short enough to survive inflection
/// and the spelling of cognates across languages.
const KEY_PREFIX: usize = 5;
/// Shorter folded words are mostly function words, too ambiguous across languages.
const KEY_MIN_LEN: usize = 4;
/// Names and numbers say more about what a sentence reports than ordinary words do.
pub(crate) const STRONG_KEY_WEIGHT: f32 = 2.0;

/// One sentence as the aligner sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentenceUnit {
    /// Length in characters.
    pub chars: u32,
    /// Script-neutral weighted keys (names, numbers and dates weigh [`STRONG_KEY_WEIGHT`],
    /// word prefixes 1), sorted by key.
    pub keys: Vec<(u64, f32)>,
    /// True when it names an entity or a number (alignable across languages without a model).
    pub strong: bool,
}

/// The digest of one article.
#[derive(Debug, Clone, Default)]
pub struct Digest {
    /// Length of the text in characters.
    pub chars: usize,
    /// True for text written without spaces between words (Chinese, Japanese, Thai).
    pub unspaced: bool,
    /// Entities of title and text, each key once: (cross-lingual key, surface).
    pub entities: Vec<(String, String)>,
    /// Normalised numbers and dates, each once.
    pub numbers: Vec<String>,
    /// Names in the byline: (key, surface).
    pub byline_names: Vec<(String, String)>,
    /// Word shingles of the whole text.
    pub shingles: FxHashSet<u64>,
    /// Word shingles per paragraph.
    pub paragraph_shingles: Vec<FxHashSet<u64>>,
    /// Script-neutral weighted keys per paragraph, sorted by key.
    pub paragraph_keys: Vec<Vec<(u64, f32)>>,
    /// Quotes with their shingles.
    pub quotes: Vec<(String, FxHashSet<u64>)>,
    /// Length of each paragraph in characters.
    pub paragraph_chars: Vec<usize>,
    /// Whether each paragraph names an entity or a number (alignable across languages).
    pub paragraph_strong: Vec<bool>,
    /// The sentences of the analysis, as the aligner sees them.
    pub sentences: Vec<SentenceUnit>,
    /// Encoder vectors of the first [`MAX_SENTENCE_VECTORS`] sentences (see
    /// [`sentence_texts`]); empty without a model. Set by the engine, which caches them.
    pub sentence_vectors: Vec<Vec<f32>>,
    /// True once the engine has encoded the sentences (with a model): the encoder then
    /// decides about translation, not the model-free rule.
    pub sentences_encoded: bool,
    /// False for a digest made by [`digest_within_language`]: `sentences`,
    /// `paragraph_keys` and `paragraph_strong` are then empty, and it must not be used to
    /// relate an article to one in another language.
    pub keyed: bool,
}

impl Digest {
    /// Sets the encoder vectors of [`sentence_texts`] and marks the sentences as encoded.
    pub fn set_sentence_vectors(&mut self, vectors: Vec<Vec<f32>>) {
        self.sentence_vectors = vectors;
        self.sentences_encoded = true;
    }
}

/// Sentences beyond this are not encoded: the cost of encoding stays bounded for very long
/// articles, and their later sentences are aligned on names, numbers and word prefixes.
pub const MAX_SENTENCE_VECTORS: usize = 200;

/// The sentences of an article that the engine encodes for [`Digest::sentence_vectors`]: the
/// first [`MAX_SENTENCE_VECTORS`] sentences of its analysis, one vector per sentence.
pub fn sentence_texts(article: &CleanArticle) -> Vec<&str> {
    let text = article.text.as_str();
    storyweave_analyze::sentence_spans(text, &article.lang, storyweave_analyze::Segmentation::Sentences)
        .into_iter()
        .take(MAX_SENTENCE_VECTORS)
        .map(|r| text.get(r).unwrap_or(""))
        .collect()
}

/// [`sentence_texts`] for an analysis already made (any segmentation).
pub fn analysis_sentence_texts<'a>(text: &'a str, analysis: &Analysis) -> Vec<&'a str> {
    analysis.sentences.iter().take(MAX_SENTENCE_VECTORS).map(|s| s.span.text(text)).collect()
}

pub(crate) fn h(s: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(s.as_bytes())
}

/// The hash of a key of one kind (`e`ntity, `n`umber, prefi`x`): the kind seeds the hash,
/// so that equal strings of two kinds differ without a string built per key.
fn tagged(kind: u8, key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(key.as_bytes(), u64::from(kind))
}

/// Word `SHINGLE_WORDS`-grams of a text, lower-cased, as hashes (a shorter text is one
/// shingle). Each word is hashed once and a shingle is the hash of its words' hashes: no
/// string is built per window.
pub(crate) fn shingles(text: &str) -> FxHashSet<u64> {
    let words: Vec<u64> = word_hashes(text).into_iter().map(|(_, w)| w).collect();
    shingles_of(&words)
}

/// Each word of a text, lower-cased and hashed, with the byte offset where it starts.
fn word_hashes(text: &str) -> Vec<(usize, u64)> {
    let base = text.as_ptr() as usize;
    storyweave_text::words(text)
        .map(|w| {
            let at = w.as_ptr() as usize - base;
            (at, if w.chars().any(char::is_uppercase) { h(&w.to_lowercase()) } else { h(w) })
        })
        .collect()
}

/// The shingles of a run of word hashes (see [`shingles`]).
fn shingles_of(words: &[u64]) -> FxHashSet<u64> {
    let window = |ws: &[u64]| {
        let mut bytes = [0u8; 8 * SHINGLE_WORDS];
        for (slot, w) in bytes.chunks_exact_mut(8).zip(ws) {
            slot.copy_from_slice(&w.to_le_bytes());
        }
        xxhash_rust::xxh3::xxh3_64(&bytes[..8 * ws.len()])
    };
    if words.len() < SHINGLE_WORDS {
        return if words.is_empty() { FxHashSet::default() } else { std::iter::once(window(words)).collect() };
    }
    words.windows(SHINGLE_WORDS).map(window).collect()
}

/// Shingles of the whole text and of each paragraph (byte spans of it) from one pass over
/// its words. Why not [`shingles`] per paragraph: segmenting and hashing the words was the
/// largest part of digesting, and it was done twice. A paragraph is a line, and a line
/// break always ends a word, so its words are those starting inside it.
fn text_and_paragraph_shingles(text: &str, paragraphs: &[std::ops::Range<usize>]) -> (FxHashSet<u64>, Vec<FxHashSet<u64>>) {
    let words = word_hashes(text);
    let hashes: Vec<u64> = words.iter().map(|&(_, w)| w).collect();
    let per_paragraph = paragraphs
        .iter()
        .map(|r| {
            if text.get(r.clone()).is_none() {
                return FxHashSet::default();
            }
            let from = words.partition_point(|&(at, _)| at < r.start);
            let to = words.partition_point(|&(at, _)| at < r.end);
            shingles_of(&hashes[from..to.max(from)])
        })
        .collect();
    (shingles_of(&hashes), per_paragraph)
}

/// Keys of one sentence: its names, numbers and dates from the analysis, and the prefixes of
/// its transliterated, folded words.
fn sentence_keys(text: &str, sentence: &storyweave_analyze::Sentence, lang: &Lang) -> SentenceUnit {
    let mut keys: FxHashMap<u64, f32> = FxHashMap::default();
    let m = &sentence.mentions;
    for e in &m.entities {
        keys.insert(tagged(b'e', &e.key), STRONG_KEY_WEIGHT);
    }
    for n in m.numbers.iter().chain(&m.dates) {
        keys.insert(tagged(b'n', n), STRONG_KEY_WEIGHT);
    }
    let strong = !keys.is_empty();
    let folded = storyweave_text::fold(&storyweave_text::to_latin(sentence.span.text(text), lang));
    for w in folded.split(|c: char| !c.is_ascii_alphanumeric()) {
        if w.len() >= KEY_MIN_LEN && w.bytes().all(|b| b.is_ascii_alphabetic()) {
            keys.entry(tagged(b'x', &w[..w.len().min(KEY_PREFIX)])).or_insert(1.0);
        }
    }
    let mut keys: Vec<(u64, f32)> = keys.into_iter().collect();
    keys.sort_unstable_by_key(|&(k, _)| k);
    SentenceUnit { chars: sentence.chars, keys, strong }
}

/// The union of sorted weighted key sets, the larger weight kept.
pub(crate) fn union_keys<'a>(sets: impl IntoIterator<Item = &'a [(u64, f32)]>) -> Vec<(u64, f32)> {
    let mut all: FxHashMap<u64, f32> = FxHashMap::default();
    for set in sets {
        for &(k, w) in set {
            let e = all.entry(k).or_insert(0.0);
            *e = e.max(w);
        }
    }
    let mut v: Vec<(u64, f32)> = all.into_iter().collect();
    v.sort_unstable_by_key(|&(k, _)| k);
    v
}

/// Computes the digest of an article (analysing it first).
pub fn digest(article: &CleanArticle) -> Digest {
    digest_from(article, &analyze(article))
}

/// Computes the digest of an article from its analysis.
pub fn digest_from(article: &CleanArticle, analysis: &Analysis) -> Digest {
    digest_parts(article, analysis, true)
}

/// The digest of an article for relating it to articles in its own language only: without
/// the sentence and paragraph keys (transliterated, folded word prefixes), which only pairs
/// across languages read. Why: most pairs of a stream share a language, and the keys were
/// a third of the cost of digesting an older member for them.
pub fn digest_within_language(article: &CleanArticle, analysis: &Analysis) -> Digest {
    digest_parts(article, analysis, false)
}

fn digest_parts(article: &CleanArticle, analysis: &Analysis, keyed: bool) -> Digest {
    let lang = &article.lang;
    let text = article.text.as_str();
    let sentences: Vec<SentenceUnit> =
        if keyed { analysis.sentences.iter().map(|s| sentence_keys(text, s, lang)).collect() } else { Vec::new() };
    let paragraphs: Vec<&str> = analysis.paragraphs.iter().map(|p| p.text(text)).collect();
    let spans: Vec<std::ops::Range<usize>> = analysis.paragraphs.iter().map(|p| p.range()).collect();
    let (text_shingles, paragraph_shingles) = text_and_paragraph_shingles(text, &spans);
    let mut paragraph_keys: Vec<Vec<(u64, f32)>> = Vec::with_capacity(paragraphs.len());
    let mut paragraph_strong = Vec::with_capacity(paragraphs.len());
    for p in (0..paragraphs.len()).filter(|_| keyed) {
        let members: Vec<&SentenceUnit> = analysis
            .sentences
            .iter()
            .zip(&sentences)
            .filter(|(s, _)| s.paragraph as usize == p)
            .map(|(_, u)| u)
            .collect();
        paragraph_keys.push(union_keys(members.iter().map(|u| u.keys.as_slice())));
        paragraph_strong.push(members.iter().any(|u| u.strong));
    }
    let quotes = analysis
        .quotes
        .iter()
        .map(|q| {
            let t = q.text(text);
            (t.to_string(), shingles(t))
        })
        .collect();
    Digest {
        chars: analysis.chars as usize,
        unspaced: analysis.unspaced,
        entities: analysis.entities().into_iter().map(|e| (e.key.clone(), e.surface.clone())).collect(),
        numbers: analysis.numbers_and_dates().into_iter().map(str::to_string).collect(),
        byline_names: analysis.byline.iter().map(|e| (e.key.clone(), e.surface.clone())).collect(),
        shingles: text_shingles,
        paragraph_shingles,
        paragraph_keys,
        quotes,
        paragraph_chars: paragraphs.iter().map(|p| p.chars().count()).collect(),
        paragraph_strong,
        sentences,
        sentence_vectors: Vec::new(),
        sentences_encoded: false,
        keyed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_shingles_equal_shingles_of_each_paragraph() {
        let text = "Der Präsident traf am Montag in Berlin ein.\nKurz.\n\n«Wir sind bereit», sagte er; 3,5 Mio. Euro.\nПутин и Ким встретились на космодроме Восточный.\n日本語のテキスト";
        let lines: Vec<std::ops::Range<usize>> = {
            let mut v = Vec::new();
            let mut at = 0;
            for line in text.split('\n') {
                if !line.is_empty() {
                    v.push(at..at + line.len());
                }
                at += line.len() + 1;
            }
            v
        };
        let (whole, per) = text_and_paragraph_shingles(text, &lines);
        assert_eq!(whole, shingles(text));
        for (r, got) in lines.iter().zip(&per) {
            assert_eq!(got, &shingles(&text[r.clone()]), "paragraph {:?}", &text[r.clone()]);
        }
        // A span that does not fit the text has no shingles, as its (empty) text has none.
        let (_, bad) = text_and_paragraph_shingles(text, &[0..text.len() + 5]);
        assert!(bad[0].is_empty());
    }
}
