//! Cross-lingual search: stories best first, each with its matching articles.
//!
//! A query is treated as a tiny article and featurised exactly as stored articles are, so it
//! meets them on the same evidence, whatever its language or script:
//! - **keys**: its names (keyed across scripts and inflections: `Путин` = `Putin`), numbers,
//!   dates, stemmed words and script-neutral word prefixes (`космодром` and `Kosmodrom` share
//!   `kosmo`), looked up in the store's full-text index of every article's keys;
//! - **words**: plain keyword search in each article's own language (accents folded), for
//!   anything the keys miss;
//! - **vectors**, with a model: the query encoded as E5 asks ("query: " prefix), against the
//!   article vectors.
//!
//! Each signal ranks articles; stories are ranked by reciprocal-rank fusion of their best
//! article in each signal, so a story found by several signals, or by several of its
//! articles' languages, comes first. A key hit counts only with real shared evidence (a name
//! or figure, or two words): one shared common prefix is not a match.

use crate::{EngineError, Pipeline, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use storyweave_encode::{ArticleFeatures, SparseVec, FEATURES_VERSION};
use storyweave_model::{ArticleId, CleanArticle, Lang, Origin, StoryId};
use storyweave_store::{ArticleHit, SearchFilter, StoreRead};

/// Longest query accepted, in characters: a query is a few words or a sentence; a page of
/// text is not a search.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Default and largest number of stories returned.
pub const DEFAULT_LIMIT: usize = 10;
/// Largest number of stories a search returns.
pub const MAX_LIMIT: usize = 100;
/// Articles taken from each signal before fusion: deep enough that a story whose articles
/// rank modestly in every signal still surfaces.
pub(crate) const PER_SIGNAL: usize = 200;
/// Reciprocal-rank fusion constant: small, so the first ranks weigh clearly more.
const RRF_K: f32 = 10.0;
/// Weights of the signals in the fusion: shared names and figures are the strongest evidence
/// of the same event; keywords and vectors add what they miss.
const W_KEYS: f32 = 1.0;
const W_WORDS: f32 = 0.6;
const W_VECTORS: f32 = 1.0;
/// Keyword search uses at most this many query words (the longest: they say most).
const MAX_WORDS: usize = 12;
/// Words shorter than this are not searched for (articles, prepositions, "in").
const MIN_WORD_CHARS: usize = 3;
/// Lowest cosine of a vector hit (raw E5 "query:" against "passage:" vectors): below it
/// the nearest articles are just the least unrelated ones.
pub const MIN_VECTOR_COSINE: f32 = 0.80;

/// What to search for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// The query, in any language.
    pub text: String,
    /// Only articles in this language.
    pub lang: Option<String>,
    /// Only articles published at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only articles published at or before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only stories with an article naming this entity (any script).
    pub entity: Option<String>,
    /// Only articles from this source.
    pub source: Option<String>,
    /// At most this many stories (default [`DEFAULT_LIMIT`], at most [`MAX_LIMIT`]).
    pub limit: Option<usize>,
}

/// A story found by a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// The story.
    pub story: StoryId,
    /// Relevance (higher is better; comparable within one search).
    pub score: f32,
    /// The story's headline.
    pub headline: String,
    /// Its articles that matched, best first.
    pub articles: Vec<ArticleId>,
    /// Languages of the story.
    pub languages: Vec<Lang>,
    /// Number of articles in the story.
    pub article_count: usize,
}

/// Nearest stored articles to a query vector (the engine's vector index, or a scan of the
/// store). Each implementation keeps only hits above its own cosine floor, since raw and
/// per-language-centred vectors have different scales.
pub trait VectorSearch {
    /// Up to `k` relevant articles for the raw unit query vector `query` written in `lang`,
    /// best first, with their cosine.
    fn nearest(&self, query: &[f32], lang: &Lang, k: usize) -> Vec<(ArticleId, f32)>;
}

/// Hits found beforehand (the engine looks them up under its lock, then searches without it).
pub struct Found(pub Vec<(ArticleId, f32)>);

impl VectorSearch for Found {
    fn nearest(&self, _: &[f32], _: &Lang, k: usize) -> Vec<(ArticleId, f32)> {
        self.0.iter().take(k).cloned().collect()
    }
}

/// The query's vector as E5 asks for queries ("query: " prefix), with the query's language;
/// `None` without a model.
pub fn query_vector(p: &Pipeline, text: &str) -> Result<Option<(Vec<f32>, Lang)>> {
    let Some(encoder) = p.encoder() else { return Ok(None) };
    let ids: Vec<u32> = encoder.tokenize(&format!("query: {}", text.trim()))?.into_iter().map(|(id, _)| id).collect();
    let lang = storyweave_text::detect_language(text).unwrap_or_else(Lang::unknown);
    Ok(encoder.encode_ids(&[ids])?.pop().map(|v| (v, lang)))
}

/// Lowest cosine of a vector hit between a centred query and centred article vectors (see
/// [`MIN_VECTOR_COSINE`] for raw ones).
pub const MIN_CENTERED_COSINE: f32 = 0.30;

/// Exact search over vectors read from the store (for read-only use with a model).
pub struct StoredVectors {
    ids: Vec<ArticleId>,
    data: Vec<Vec<f32>>,
}

impl StoredVectors {
    /// Reads the raw article vectors of `model` from the store.
    pub fn load(r: &dyn StoreRead, model: &str) -> Result<Self> {
        let rows = r.vectors_with_prefix(model, "a:")?;
        let (ids, data) = rows.into_iter().filter_map(|(k, v)| k.strip_prefix("a:").map(|id| (ArticleId::from(id), v))).unzip();
        Ok(StoredVectors { ids, data })
    }
}

impl VectorSearch for StoredVectors {
    fn nearest(&self, query: &[f32], _: &Lang, k: usize) -> Vec<(ArticleId, f32)> {
        let mut hits: Vec<(f32, usize)> = self
            .data
            .iter()
            .enumerate()
            .filter(|(_, v)| v.len() == query.len())
            .map(|(i, v)| (storyweave_encode::neural::cosine(query, v), i))
            .collect();
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.into_iter().take(k).take_while(|(s, _)| *s >= MIN_VECTOR_COSINE).map(|(s, i)| (self.ids[i].clone(), s)).collect()
    }
}

/// The query as an article, for featurising it like stored ones.
fn query_article(text: &str) -> CleanArticle {
    let lang = storyweave_text::detect_language(text).unwrap_or_else(Lang::unknown);
    CleanArticle {
        id: ArticleId::from("query"),
        url: None,
        title: String::new(),
        text: text.to_string(),
        lang,
        published: None,
        byline: None,
        source: None,
        origin: Origin::default(),
    }
}

/// Counts features two vectors share.
fn shared(a: &SparseVec, b: &SparseVec) -> usize {
    let mut n = 0;
    a.for_each_common(b, |_, _, _| n += 1);
    n
}

/// True when a key hit shares real evidence with the query: a name or a figure, or two words.
fn evidence(q: &ArticleFeatures, f: &ArticleFeatures) -> bool {
    shared(&q.ents, &f.ents) > 0 || shared(&q.nums, &f.nums) > 0 || shared(&q.terms, &f.terms) + shared(&q.xterms, &f.xterms) >= 2
}

/// The words of a keyword query: not stop words, not too short, the longest first.
fn keywords(q: &CleanArticle) -> Vec<String> {
    let analyzer = storyweave_text::Analyzer::for_lang(&q.lang);
    let mut seen = HashSet::new();
    let mut words: Vec<String> = storyweave_text::words(&q.text)
        .map(|w| w.to_lowercase())
        .filter(|w| w.chars().count() >= MIN_WORD_CHARS && !analyzer.is_stop_word(w) && seen.insert(w.clone()))
        .collect();
    words.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()));
    words.truncate(MAX_WORDS);
    words
}

/// Runs a search. `vectors` is the vector index to use with a model (none: no vector signal).
pub fn search(p: &Pipeline, r: &dyn StoreRead, vectors: Option<&dyn VectorSearch>, q: &SearchQuery) -> Result<Vec<SearchHit>> {
    let text = q.text.trim();
    if text.is_empty() {
        return Err(EngineError::BadInput("the search query is empty".into()));
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(EngineError::BadInput(format!("the search query is longer than {MAX_QUERY_CHARS} characters")));
    }
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let filter = SearchFilter { lang: q.lang.clone(), since: q.since, until: q.until, source: q.source.clone() };
    let article = query_article(text);
    let qf = p.features(&article);

    // Each signal: articles in rank order.
    let mut signals: Vec<(f32, Vec<ArticleHit>)> = Vec::new();
    let key_hits = r.search_keys(&crate::keys::search_keys(&qf), &filter, PER_SIGNAL)?;
    let mut kept = Vec::with_capacity(key_hits.len());
    for h in key_hits {
        let Some(bytes) = r.features(&h.id, FEATURES_VERSION)? else { continue };
        let Ok(f) = ArticleFeatures::from_bytes(&bytes) else { continue };
        if evidence(&qf, &f) {
            kept.push(h);
        }
    }
    signals.push((W_KEYS, kept));
    signals.push((W_WORDS, r.search_text(&keywords(&article), &filter, PER_SIGNAL)?));
    if let Some(index) = vectors {
        let (v, lang) = match query_vector(p, text)? {
            Some(x) => x,
            None => (Vec::new(), Lang::unknown()),
        };
        {
            let mut hits = Vec::new();
            for (id, cos) in index.nearest(&v, &lang, PER_SIGNAL) {
                // Vector hits are filtered like the others, from the stored article.
                let Some(a) = r.article(&id)? else { continue };
                if !passes(&a, &filter) {
                    continue;
                }
                let story = r.story_of(&id)?;
                hits.push(ArticleHit { id, lang: a.lang, story, score: cos });
            }
            signals.push((W_VECTORS, hits));
        }
    }

    let allowed: Option<HashSet<ArticleId>> = match q.entity.as_deref().and_then(crate::keys::entity_token) {
        Some(token) => {
            let keys = storyweave_store::SearchKeys { ents: vec![token], ..Default::default() };
            Some(r.search_keys(&keys, &SearchFilter::default(), PER_SIGNAL * 50)?.into_iter().map(|h| h.id).collect())
        }
        None if q.entity.is_some() => return Ok(Vec::new()),
        None => None,
    };

    // Fusion: per story, the best rank of its articles in each signal.
    let mut score: BTreeMap<StoryId, f32> = BTreeMap::new();
    let mut best: HashMap<ArticleId, f32> = HashMap::new();
    let mut story_of: HashMap<ArticleId, StoryId> = HashMap::new();
    for (weight, hits) in &signals {
        let mut seen_story: HashSet<StoryId> = HashSet::new();
        for (rank, h) in hits.iter().enumerate() {
            let Some(story) = h.story else { continue };
            let s = weight / (RRF_K + rank as f32 + 1.0);
            *best.entry(h.id.clone()).or_default() += s;
            story_of.insert(h.id.clone(), story);
            if seen_story.insert(story) {
                *score.entry(story).or_default() += s;
            }
        }
    }
    if let Some(allowed) = &allowed {
        let ok: HashSet<StoryId> = story_of.iter().filter(|(id, _)| allowed.contains(*id)).map(|(_, s)| *s).collect();
        // A story qualifies when any of its articles names the entity, matched or not.
        let mut also = HashSet::new();
        for id in allowed {
            if let Some(s) = r.story_of(id)? {
                also.insert(s);
            }
        }
        score.retain(|s, _| ok.contains(s) || also.contains(s));
    }
    let mut ranked: Vec<(StoryId, f32)> = score.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(limit);
    let mut out = Vec::with_capacity(ranked.len());
    for (story, s) in ranked {
        let Some(meta) = r.story(story)? else { continue };
        let mut articles: Vec<(f32, ArticleId)> =
            story_of.iter().filter(|(_, st)| **st == story).map(|(id, _)| (best.get(id).copied().unwrap_or(0.0), id.clone())).collect();
        articles.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        out.push(SearchHit {
            story,
            score: s,
            headline: meta.headline,
            articles: articles.into_iter().map(|(_, id)| id).collect(),
            languages: meta.languages,
            article_count: meta.articles.len(),
        });
    }
    Ok(out)
}

/// The store's search filter, applied to an article found another way (vectors).
fn passes(a: &CleanArticle, f: &SearchFilter) -> bool {
    f.lang.as_deref().is_none_or(|l| a.lang.as_str() == l)
        && f.since.is_none_or(|t| a.published.is_some_and(|p| p >= t))
        && f.until.is_none_or(|t| a.published.is_some_and(|p| p <= t))
        && f.source.as_deref().is_none_or(|s| a.source.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_drop_stop_words_and_short_ones() {
        let q = query_article("Hochwasser in Valencia und der Region");
        let k = keywords(&q);
        assert!(k.contains(&"hochwasser".to_string()), "{k:?}");
        assert!(!k.contains(&"in".to_string()) && !k.contains(&"und".to_string()), "{k:?}");
    }
}
