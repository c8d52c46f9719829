//! Model-free features of one article.

use crate::sparse::{hash_key, SparseVec};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use storyweave_model::{CleanArticle, Lang};
use storyweave_analyze::Analysis;
use storyweave_text::Analyzer;

/// Version tag stored beside serialized features: bump it whenever extraction changes, so
/// that features of an older format are recomputed instead of mixed with new ones.
pub const FEATURES_VERSION: &str = "mf6";

/// Mentions in the title say what the story is about more than mentions deep in the body.
const TITLE_WEIGHT: f32 = 2.0;
/// Script-neutral word prefixes: long enough to tell most words apart, short enough to
/// survive inflection ("Tampereella"/"Tampere") and spelling variants across languages.
const XTERM_PREFIX: usize = 5;
/// Shorter folded words are mostly function words or too ambiguous across languages.
const XTERM_MIN_LEN: usize = 4;
/// How many entity surfaces are kept for story summaries.
const MAX_SURFACES: usize = 12;

/// Everything the clusterer and similarity need to know about one article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleFeatures {
    /// Language of the article.
    pub lang: Lang,
    /// Publication time (unix seconds), if known.
    pub published: Option<i64>,
    /// Length of title + text in characters.
    pub chars: u32,
    /// Number of paragraphs.
    pub paragraphs: u32,
    /// Entity keys: full names and their single tokens, cross-lingual.
    pub ents: SparseVec,
    /// Informative numbers and dates.
    pub nums: SparseVec,
    /// Stemmed terms, tagged with the language (so they only match within a language).
    pub terms: SparseVec,
    /// Script-neutral word prefixes of the transliterated, folded text.
    pub xterms: SparseVec,
    /// Entity keys of capitalised words that this article shows to be ordinary words (written
    /// in lower case elsewhere in it, or, in German, used after an article): counted over the
    /// corpus, they tell which keys are words rather than names.
    #[serde(default)]
    pub ordinary: SparseVec,
    /// Where `published` comes from: false when the article came with a date, true when it
    /// is the date its text states near its start.
    #[serde(default)]
    pub date_from_text: bool,
    /// A web page with no date at all: none in the record, its markup or its text. News
    /// pages state when they were published; pages that do not are guides, shops, recipes,
    /// wikis (see the similarity's `undated_evidence_min`). False for records that came
    /// without markup, whose lack of a date says nothing about them.
    #[serde(default)]
    pub undated_page: bool,
    /// Most frequent entity surface forms with their keys, for story summaries.
    pub surfaces: Vec<(String, String)>,
    /// The encoder's article vector (unit length) when a model is loaded. Not part of the
    /// serialized features: vectors are stored apart, under the encoder's versioned id.
    #[serde(skip)]
    pub vector: Option<Vec<f32>>,
    /// True when `vector` was centred per language ([`crate::LanguageCentering`]): such
    /// cosines have another scale than raw ones.
    #[serde(skip)]
    pub vector_centered: bool,
}

/// Computes [`ArticleFeatures`] from a clean article. Stateless and cheap to share.
#[derive(Debug, Clone, Default)]
pub struct FeatureExtractor;

/// Scripts without spaces between words: a romanised run is a whole phrase, not a word.
fn is_unspaced_lang(lang: &Lang) -> bool {
    matches!(lang.as_str(), "zh" | "ja" | "ko" | "th" | "lo" | "km" | "my")
}

/// True when prefixes of romanised words can meet the same words written in another
/// language. Not so for abjads (no vowels: "Bilbao" romanises to "blbw") and Indic and other
/// scripts whose romanisation rarely meets the Latin spelling of a name; within one such
/// language the prefixes still work, across languages their evidence is entities and numbers.
pub fn prefixes_cross_scripts(lang: &Lang) -> bool {
    !is_unspaced_lang(lang)
        && !matches!(
            lang.as_str(),
            "ar" | "fa" | "ur" | "ps" | "he" | "yi" | "hi" | "mr" | "ne" | "bn" | "pa" | "gu" | "or" | "ta" | "te"
                | "kn" | "ml" | "si" | "am" | "ti"
        )
}

impl FeatureExtractor {
    /// Extracts the features of one article (analysing it first: see [`Self::extract_with`]).
    pub fn extract(&self, article: &CleanArticle) -> ArticleFeatures {
        self.extract_with(article, &storyweave_analyze::analyze(article))
    }

    /// Extracts the features of one article from its analysis: names, numbers and dates are
    /// the analysis's (found once per article, shared with relations and the story views);
    /// terms and word prefixes are counted here.
    pub fn extract_with(&self, article: &CleanArticle, analysis: &Analysis) -> ArticleFeatures {
        let lang = &article.lang;
        let title = article.title.as_str();
        let text = article.text.as_str();

        // Mentions in the title count more.
        let parts = std::iter::once((&analysis.title, TITLE_WEIGHT))
            .chain(analysis.sentences.iter().map(|s| (&s.mentions, 1.0)));
        let mut ents: Vec<(u32, f32)> = Vec::new();
        let mut nums: Vec<(u32, f32)> = Vec::new();
        let mut surfaces: HashMap<String, (String, u32)> = HashMap::new();
        for (mentions, weight) in parts {
            for e in &mentions.entities {
                ents.push((hash_key("ent", &e.key), weight));
                let tokens: Vec<&str> = e.surface.split_whitespace().collect();
                if tokens.len() > 1 {
                    for t in tokens {
                        let k = storyweave_entities::entity_key(t, lang);
                        if k.chars().count() >= 3 && k != e.key {
                            ents.push((hash_key("ent", &k), weight * 0.5));
                        }
                    }
                }
                // Story summaries list names, not the common nouns German capitalises.
                if analysis.ordinary.binary_search(&e.key).is_err() {
                    let entry = surfaces.entry(e.key.clone()).or_insert((e.surface.clone(), 0));
                    entry.1 += 1;
                }
            }
            // Small counts ("two", list numbering) are in every article; keep figures.
            for n in mentions.numbers.iter().filter(|n| storyweave_entities::is_informative(n)) {
                nums.push((hash_key("num", n), 1.0));
            }
            for d in &mentions.dates {
                nums.push((hash_key("date", d), 1.0));
            }
        }
        let ordinary: Vec<(u32, f32)> = analysis.ordinary.iter().map(|k| (hash_key("ent", k), 1.0)).collect();

        let analyzer = Analyzer::for_lang(lang);
        let mut terms: Vec<(u32, f32)> = Vec::new();
        for (part, weight) in [(title, TITLE_WEIGHT), (text, 1.0)] {
            for t in analyzer.terms(part) {
                terms.push((hash_key(lang.as_str(), &t), weight));
            }
        }

        let mut xterms: Vec<(u32, f32)> = Vec::new();
        if !is_unspaced_lang(lang) {
            for (part, weight) in [(title, TITLE_WEIGHT), (text, 1.0)] {
                let folded = storyweave_text::fold(&storyweave_text::to_latin(part, lang));
                for w in folded.split(|c: char| !c.is_ascii_alphanumeric()) {
                    if w.len() >= XTERM_MIN_LEN && w.bytes().all(|b| b.is_ascii_alphabetic()) {
                        xterms.push((hash_key("x", &w[..w.len().min(XTERM_PREFIX)]), weight));
                    }
                }
            }
        }

        let mut surfaces: Vec<(String, String, u32)> =
            surfaces.into_iter().map(|(k, (s, c))| (k, s, c)).collect();
        surfaces.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        surfaces.truncate(MAX_SURFACES);

        // An article that came without a date gets the one its text states near its start.
        let text_date = || {
            storyweave_entities::main_date(&format!("{title}\n\n{text}"), lang)
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .map(|t| t.and_utc().timestamp())
        };
        let (published, date_from_text) = match article.published {
            Some(t) => (Some(t.timestamp()), false),
            None => {
                let t = text_date();
                (t, t.is_some())
            }
        };
        ArticleFeatures {
            lang: lang.clone(),
            published,
            date_from_text,
            undated_page: article.origin.html && published.is_none(),
            chars: (title.chars().count() + text.chars().count()) as u32,
            paragraphs: text.lines().filter(|l| !l.trim().is_empty()).count() as u32,
            ents: SparseVec::from_counts(ents),
            nums: SparseVec::from_counts(nums),
            terms: SparseVec::from_counts(terms),
            xterms: SparseVec::from_counts(xterms),
            ordinary: SparseVec::from_counts(ordinary),
            surfaces: surfaces.into_iter().map(|(k, s, _)| (k, s)).collect(),
            vector: None,
            vector_centered: false,
        }
    }
}

impl ArticleFeatures {
    /// Serializes for the store: postcard is compact (a few KiB per article), which matters
    /// at a million stored articles.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serializing plain owned data into a Vec cannot fail.
        postcard::to_stdvec(self).unwrap_or_default()
    }

    /// Reads features written by [`ArticleFeatures::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, postcard::Error> {
        postcard::from_bytes(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unspaced_scripts_and_abjads_make_no_cross_lingual_prefixes() {
        assert!(is_unspaced_lang(&Lang::new("zh")));
        assert!(!prefixes_cross_scripts(&Lang::new("zh")));
        assert!(!prefixes_cross_scripts(&Lang::new("ar")));
        assert!(prefixes_cross_scripts(&Lang::new("fi")));
        assert!(prefixes_cross_scripts(&Lang::new("sr")));
    }
}
