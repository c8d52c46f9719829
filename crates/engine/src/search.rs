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
//! Each article gets the share of the query's IDF-weighted keys it covers (with a prior, so a
//! query with one date or number cannot be covered fully by sharing it) and, with a model,
//! the relevance of its vector; an article found by both adds part of the weaker signal. A
//! story scores as its best article plus a share of its second, so a story several reports
//! match comes first. A key hit counts only with real shared evidence (a name or figure, or
//! two words): one shared common prefix is not a match.

use crate::{EngineError, Pipeline, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use storyweave_encode::{ArticleFeatures, FEATURES_VERSION};
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
/// Parameters of search ranking (`[search]` in the config file); defaults chosen on half of
/// the SemEval cross-lingual queries and checked on the other half (`bench/search_bench.py`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    /// Weights of the key channels in a query's coverage (entities, numbers, stems,
    /// prefixes): a shared name or figure says far more about the event than a shared word.
    pub cover_weights: [f32; 4],
    /// Lowest share of the query's weighted keys an article must cover to be a hit.
    pub min_coverage: f32,
    /// Keys (of the channel's mean weight) added to each channel's total: a query with one or
    /// two keys in a channel (a date, a common number) cannot cover it fully by sharing them.
    pub cover_prior: f32,
    /// A story's second-best article adds this share of its score.
    pub second_article: f32,
    /// Centred cosines (query against article vectors) from which a vector hit counts, and at
    /// which it counts fully: `[floor, full]`.
    pub centered_cosine: [f32; 2],
    /// Centred cosine at which the query's nearest article makes vector hits count on their
    /// own; below it they count only beside key or word hits (see [`VectorHits::sure`]).
    pub centered_gate: f32,
    /// An article found by both keys and vectors: its weaker signal adds this share.
    pub both_signals: f32,
    /// Weight of the query's words translated by the lexicon (`--lexicon`) into an article's
    /// language, beside `cover_weights` (whose word channel counts only within a language).
    pub translated_weight: f32,
    /// Weight of the names among those translations (土耳其 → "Turkey"), against the
    /// article's names.
    pub translated_name_weight: f32,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            cover_weights: [4.0, 1.0, 1.0, 2.0],
            min_coverage: 0.08,
            cover_prior: 2.0,
            second_article: 0.3,
            centered_cosine: [MIN_CENTERED_COSINE, FULL_CENTERED_COSINE],
            centered_gate: CENTERED_GATE,
            both_signals: 0.5,
            translated_weight: 1.0,
            translated_name_weight: 1.0,
        }
    }
}
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
    /// best first, with their relevance in 0..1 (see [`relevance`]).
    fn nearest(&self, query: &[f32], lang: &Lang, k: usize) -> VectorHits;
}

/// Articles near a query vector, best first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VectorHits {
    /// Each article with its relevance in 0..1.
    pub hits: Vec<(ArticleId, f32)>,
    /// Whether the nearest article is close enough that the query is surely about something
    /// stored. When it is not, the hits count only beside key or word hits: a query nothing
    /// in the store is about then finds nothing, rather than its least unrelated neighbours.
    pub sure: bool,
}

/// Hits found beforehand (the engine looks them up under its lock, then searches without it).
pub struct Found(pub VectorHits);

impl VectorSearch for Found {
    fn nearest(&self, _: &[f32], _: &Lang, k: usize) -> VectorHits {
        VectorHits { hits: self.0.hits.iter().take(k).cloned().collect(), sure: self.0.sure }
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
/// [`MIN_VECTOR_COSINE`] for raw ones). Low, because a query's "query: " vector sits apart
/// from every "passage: " vector: on the SemEval queries the nearest relevant article of a
/// real query is often at 0.2-0.4, and a nonsense query's nearest at 0.2-0.33. The floor
/// therefore only ranks; whether vector hits may stand alone is [`CENTERED_GATE`]'s job.
pub const MIN_CENTERED_COSINE: f32 = 0.15;
/// Centred cosine the nearest article must reach for vector hits to count without a key or
/// word hit beside them (see [`VectorHits::sure`]).
pub const CENTERED_GATE: f32 = 0.30;
/// Cosines at which a vector hit counts as fully relevant (raw, centred).
pub const FULL_VECTOR_COSINE: f32 = 0.92;
/// See [`FULL_VECTOR_COSINE`].
pub const FULL_CENTERED_COSINE: f32 = 0.55;

/// Centres `query` for `lang` when the article vectors are centred, and the scale its cosines
/// are read on: `(floor, full, gate)` (see [`VectorHits`]).
pub(crate) fn vector_scale(cfg: &SearchConfig, centering: Option<&storyweave_encode::LanguageCentering>, lang: &Lang, query: &mut [f32]) -> (f32, f32, f32) {
    match centering {
        Some(c) => {
            c.apply(lang.as_str(), query);
            let [floor, full] = cfg.centered_cosine;
            (floor, full, cfg.centered_gate)
        }
        None => (MIN_VECTOR_COSINE, FULL_VECTOR_COSINE, MIN_VECTOR_COSINE),
    }
}

/// Vector hits from articles and their cosines, best first, read on the scale of
/// [`vector_scale`].
pub(crate) fn vector_hits(scored: impl IntoIterator<Item = (ArticleId, f32)>, (floor, full, gate): (f32, f32, f32)) -> VectorHits {
    let mut scored = scored.into_iter().peekable();
    let sure = scored.peek().is_some_and(|&(_, s)| s >= gate);
    let hits = scored.take_while(|&(_, s)| s >= floor).map(|(id, s)| (id, relevance(s, floor, full))).collect();
    VectorHits { hits, sure }
}

/// A vector hit's relevance: its cosine rescaled from `floor..full` to 0..1.
pub fn relevance(cos: f32, floor: f32, full: f32) -> f32 {
    ((cos - floor) / (full - floor)).clamp(0.0, 1.0)
}

/// Exact search over vectors read from the store (for read-only use with a model), centred
/// per language as the engine's index centres them, so that `storyweave search` ranks as
/// the server does.
pub struct StoredVectors {
    ids: Vec<ArticleId>,
    data: Vec<Vec<f32>>,
    centering: Option<storyweave_encode::LanguageCentering>,
    config: SearchConfig,
}

impl StoredVectors {
    /// Reads the raw article vectors of `model` from the store and centres them per language
    /// (with the pipeline's centring options, when the store holds enough of them).
    pub fn load(p: &Pipeline, r: &dyn StoreRead, model: &str) -> Result<Self> {
        let rows = r.vectors_with_prefix(model, "a:")?;
        let (ids, mut data): (Vec<ArticleId>, Vec<Vec<f32>>) =
            rows.into_iter().filter_map(|(k, v)| k.strip_prefix("a:").map(|id| (ArticleId::from(id), v))).unzip();
        // The stored articles' languages (those their features carry), read without decoding
        // every article's features.
        let langs: HashMap<ArticleId, Lang> = r.article_languages()?.into_iter().collect();
        let lang_of: Vec<Lang> = ids.iter().map(|id| langs.get(id).cloned().unwrap_or_else(Lang::unknown)).collect();
        let centering = p.fit_centering_of(lang_of.iter().zip(&data).map(|(l, v)| (l.as_str(), v.as_slice())));
        if let Some(c) = &centering {
            for (lang, v) in lang_of.iter().zip(data.iter_mut()) {
                c.apply(lang.as_str(), v);
            }
        }
        Ok(StoredVectors { ids, data, centering, config: p.config().search.clone() })
    }
}

impl VectorSearch for StoredVectors {
    fn nearest(&self, query: &[f32], lang: &Lang, k: usize) -> VectorHits {
        let mut q = query.to_vec();
        let scale = vector_scale(&self.config, self.centering.as_ref(), lang, &mut q);
        let mut hits: Vec<(f32, usize)> = self
            .data
            .iter()
            .enumerate()
            .filter(|(_, v)| v.len() == q.len())
            .map(|(i, v)| (storyweave_encode::neural::cosine(&q, v), i))
            .collect();
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        vector_hits(hits.into_iter().take(k).map(|(s, i)| (self.ids[i].clone(), s)), scale)
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

/// The query's keys per channel (entities, numbers, stems, prefixes) with their IDF in the
/// store: a key found in few articles says more.
type QueryWeights = [Vec<(u32, f32)>; 4];

fn query_weights(r: &dyn StoreRead, qf: &ArticleFeatures) -> Result<QueryWeights> {
    let n = r.article_count()? as f32;
    let mut out: QueryWeights = Default::default();
    for (slot, v) in out.iter_mut().zip([&qf.ents, &qf.nums, &qf.terms, &qf.xterms]) {
        let hashes: Vec<u32> = v.iter().map(|&(h, _)| h).collect();
        let tokens: Vec<String> = hashes.iter().map(|&h| crate::keys::token(h)).collect();
        let dfs = r.key_doc_freq(&tokens)?;
        *slot = hashes.into_iter().zip(dfs).map(|(h, df)| (h, ((n + 1.0) / (df as f32 + 1.0)).ln().max(0.0))).collect();
    }
    Ok(out)
}

/// The query's words translated into one language (see [`translated`]): per query word, the
/// term hashes of its translations that occur in the store, and the word's IDF.
type Groups = Vec<(Vec<u32>, f32)>;

/// How much of the query an article covers: per channel, the IDF-weighted share of the
/// query's keys it has, averaged with `weights` over the channels the query has (stems
/// only within one language; across languages, the query's words as the lexicon translates
/// them into the article's language, when there is one, with `translated_weight`). And
/// whether it shares real evidence: a name or a figure, or two words: one shared common
/// prefix is no match.
fn coverage(q: &QueryWeights, f: &ArticleFeatures, same_lang: bool, translated: [Option<&Groups>; 2], cfg: &SearchConfig) -> (f32, bool) {
    let (weights, prior) = (&cfg.cover_weights, cfg.cover_prior);
    let (mut num, mut den) = (0.0f32, 0.0f32);
    let mut shared = [0usize; 4];
    // The prior is counted in the query's own keys (of their mean weight), so it means the
    // same in a store of five articles, where every IDF is small, as in a large one.
    let share = |got: f32, total: f32, n: usize| got / (total + prior * total / n as f32);
    for (c, (keys, have)) in q.iter().zip([&f.ents, &f.nums, &f.terms, &f.xterms]).enumerate() {
        if c == 2 && !same_lang {
            continue;
        }
        let total: f32 = keys.iter().map(|&(_, w)| w).sum();
        if total <= 0.0 {
            continue;
        }
        let mut got = 0.0;
        for &(h, w) in keys {
            if have.contains(h) {
                got += w;
                shared[c] += 1;
            }
        }
        num += weights[c] * share(got, total, keys.len());
        den += weights[c];
    }
    // Across languages, the query's translated words (against the article's terms) and the
    // names among them (against its names, with the names' weight).
    for (c, groups, weight) in [(2, translated[0], cfg.translated_weight), (0, translated[1], cfg.translated_name_weight)] {
        let Some(groups) = groups.filter(|g| !same_lang && !g.is_empty()) else { continue };
        let have = if c == 0 { &f.ents } else { &f.terms };
        let total: f32 = groups.iter().map(|(_, w)| w).sum();
        if total <= 0.0 {
            continue;
        }
        let mut got = 0.0;
        for (alts, w) in groups {
            if alts.iter().any(|&h| have.contains(h)) {
                got += w;
                shared[c] += 1;
            }
        }
        num += weight * share(got, total, groups.len());
        den += weight;
    }
    let evident = shared[0] > 0 || shared[1] > 0 || shared[2] + shared[3] >= 2;
    (if den > 0.0 { num / den } else { 0.0 }, evident)
}

/// The query as the lexicon translates it: per other language, its words (stemmed and hashed
/// as stored articles' terms are), and the names among the translations (a translation the
/// dictionary writes with a capital: 土耳其 → "Turkey"), keyed as stored names are, so that
/// a name written in Han characters meets its Latin spelling. Each is a list of groups, one
/// per query word, of the alternatives the store has, weighted by the rarest of them (IDF).
#[derive(Debug, Default)]
struct Translation {
    words: HashMap<Lang, Groups>,
    names: Groups,
}

/// The query translated by the pipeline's lexicon (see [`Translation`]), from the language
/// whose dictionary knows most of its words (short queries defeat language identification);
/// empty without a lexicon or when no dictionary knows any of its words.
fn translated(p: &Pipeline, r: &dyn StoreRead, text: &str, qlang: &Lang) -> Result<Translation> {
    let mut out = Translation::default();
    let Some(t) = p.translator() else { return Ok(out) };
    let detected = (qlang.as_str() != Lang::unknown().as_str()).then_some(qlang);
    let Some(qlang) = t.source_language(text, detected) else { return Ok(out) };
    let qlang = &qlang;
    let n = r.article_count()? as f32;
    // Keeps each group's alternatives the store has, weighted by the rarest of them.
    let weigh = |groups: Vec<Vec<u32>>| -> Result<Groups> {
        let tokens: Vec<String> = groups.iter().flatten().map(|&h| crate::keys::token(h)).collect();
        let dfs: HashMap<u32, u64> = groups.iter().flatten().copied().zip(r.key_doc_freq(&tokens)?).collect();
        Ok(groups
            .into_iter()
            .filter_map(|alts| {
                let alts: Vec<u32> = alts.into_iter().filter(|h| dfs.get(h).is_some_and(|&df| df > 0)).collect();
                let idf = alts.iter().map(|h| ((n + 1.0) / (dfs[h] as f32 + 1.0)).ln().max(0.0)).fold(0.0f32, f32::max);
                (!alts.is_empty()).then_some((alts, idf))
            })
            .collect())
    };
    let hashed = |hs: Vec<u32>| {
        let mut hs = hs;
        hs.sort_unstable();
        hs.dedup();
        hs
    };
    for lang in t.languages() {
        if lang.as_str() == qlang.as_str() {
            continue;
        }
        let analyzer = storyweave_text::Analyzer::for_lang(&lang);
        let translations = t.translate(text, qlang, &lang);
        if lang.as_str() == "en" && qlang.as_str() != "en" {
            let names: Vec<Vec<u32>> = translations
                .iter()
                .map(|alts| hashed(alts.iter().filter(|a| a.starts_with(char::is_uppercase)).flat_map(|a| name_keys(a)).collect()))
                .filter(|hs| !hs.is_empty())
                .collect();
            out.names = weigh(names)?;
        }
        let groups: Vec<Vec<u32>> = translations
            .into_iter()
            .map(|alts| hashed(alts.iter().flat_map(|a| analyzer.terms(a)).map(|term| storyweave_encode::hash_key(lang.as_str(), &term)).collect()))
            .filter(|hs| !hs.is_empty())
            .collect();
        let groups = weigh(groups)?;
        if !groups.is_empty() {
            out.words.insert(lang, groups);
        }
    }
    Ok(out)
}

/// The name keys of a translated name, hashed as the feature extractor hashes a mention's:
/// the whole name, and each word of a longer one.
fn name_keys(name: &str) -> Vec<u32> {
    let en = Lang::new("en");
    let mut keys = vec![storyweave_entities::entity_key(name, &en)];
    if name.split_whitespace().count() > 1 {
        keys.extend(name.split_whitespace().map(|w| storyweave_entities::entity_key(w, &en)).filter(|k| k.chars().count() >= 3));
    }
    keys.into_iter().filter(|k| !k.is_empty()).map(|k| storyweave_encode::hash_key("ent", &k)).collect()
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
    let cfg = &p.config().search;
    let article = query_article(text);
    let qf = p.features(&article);

    // Candidates: articles sharing names and figures, prefixes, stems, or words with the
    // query (each looked up apart, so that common words never crowd out a shared name).
    let keys = crate::keys::search_keys(&qf);
    let mut candidates: Vec<ArticleHit> = Vec::new();
    let ents_nums = storyweave_store::SearchKeys { ents: keys.ents.clone(), nums: keys.nums.clone(), ..Default::default() };
    let xterms = storyweave_store::SearchKeys { xterms: keys.xterms.clone(), ..Default::default() };
    let terms = storyweave_store::SearchKeys { terms: keys.terms.clone(), ..Default::default() };
    for k in [&ents_nums, &xterms, &terms] {
        candidates.extend(r.search_keys(k, &filter, PER_SIGNAL)?);
    }
    candidates.extend(r.search_text(&keywords(&article), &filter, PER_SIGNAL)?);
    let translation = translated(p, r, text, &qf.lang)?;
    let tokens = |g: &Groups| g.iter().flat_map(|(a, _)| a).map(|&h| crate::keys::token(h)).collect::<Vec<_>>();
    for groups in translation.words.values() {
        candidates.extend(r.search_keys(&storyweave_store::SearchKeys { terms: tokens(groups), ..Default::default() }, &filter, PER_SIGNAL)?);
    }
    if !translation.names.is_empty() {
        candidates.extend(r.search_keys(&storyweave_store::SearchKeys { ents: tokens(&translation.names), ..Default::default() }, &filter, PER_SIGNAL)?);
    }
    let weights = query_weights(r, &qf)?;

    // Each article: how much of the query it covers (keys), and how close its vector is.
    let mut article_score: HashMap<ArticleId, (f32, Option<StoryId>)> = HashMap::new();
    for h in candidates {
        if article_score.contains_key(&h.id) {
            continue;
        }
        let Some(bytes) = r.features(&h.id, FEATURES_VERSION)? else { continue };
        let Ok(f) = ArticleFeatures::from_bytes(&bytes) else { continue };
        let (cover, evident) = coverage(&weights, &f, f.lang == qf.lang, [translation.words.get(&f.lang), Some(&translation.names)], cfg);
        if evident && cover >= cfg.min_coverage {
            article_score.insert(h.id, (cover, h.story));
        }
    }
    if let Some(index) = vectors {
        if let Some((v, lang)) = query_vector(p, text)? {
            let found = index.nearest(&v, &lang, PER_SIGNAL);
            let hits = if found.sure || !article_score.is_empty() { found.hits } else { Vec::new() };
            for (id, rel) in hits {
                // Vector hits are filtered like the others, from the stored article.
                let Some(a) = r.article(&id)? else { continue };
                if !passes(&a, &filter) {
                    continue;
                }
                let story = r.story_of(&id)?;
                let e = article_score.entry(id).or_insert((0.0, story));
                // Either signal alone can find an article; both together rank it higher.
                e.0 = e.0.max(rel) + cfg.both_signals * e.0.min(rel);
            }
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

    // Stories: their best article, and a little for a second one (a story several reports
    // match is more likely the one sought).
    let mut per_story: BTreeMap<StoryId, Vec<f32>> = BTreeMap::new();
    let mut story_of: HashMap<ArticleId, StoryId> = HashMap::new();
    let mut best: HashMap<ArticleId, f32> = HashMap::new();
    for (id, (s, story)) in &article_score {
        let Some(story) = story else { continue };
        per_story.entry(*story).or_default().push(*s);
        story_of.insert(id.clone(), *story);
        best.insert(id.clone(), *s);
    }
    let mut score: BTreeMap<StoryId, f32> = per_story
        .into_iter()
        .map(|(st, mut v)| {
            v.sort_by(|a, b| b.total_cmp(a));
            (st, v[0] + cfg.second_article * v.get(1).copied().unwrap_or(0.0))
        })
        .collect();
    if let Some(allowed) = &allowed {
        // A story qualifies when any of its articles names the entity, matched or not.
        let mut ok = HashSet::new();
        for id in allowed {
            if let Some(s) = r.story_of(id)? {
                ok.insert(s);
            }
        }
        score.retain(|s, _| ok.contains(s));
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

    /// Chinese queries in the SemEval search benchmark often had one key only (a date such as
    /// "1 月 1 日"): every New Year report covered them fully and outranked the story the
    /// query's own vector found first.
    #[test]
    fn regression_one_shared_date_covered_a_one_key_query_fully() {
        use storyweave_encode::SparseVec;
        let q: QueryWeights = [Vec::new(), vec![(7, 2.5)], Vec::new(), Vec::new()];
        let article = ArticleFeatures { nums: SparseVec::from_counts(vec![(7, 1.0)]), ..Default::default() };
        let no_prior = SearchConfig { cover_prior: 0.0, ..SearchConfig::default() };
        let (old, evident) = coverage(&q, &article, false, [None, None], &no_prior);
        assert!(evident);
        assert_eq!(old, 1.0);
        let (now, _) = coverage(&q, &article, false, [None, None], &SearchConfig::default());
        assert!(now < 0.5, "one common key covers a query only in part: {now}");
        // A query with many keys of which the article has all is still covered well.
        let many: QueryWeights = [(0..8).map(|h| (h, 6.0)).collect(), Vec::new(), Vec::new(), Vec::new()];
        let all = ArticleFeatures { ents: SparseVec::from_counts((0..8).map(|h| (h, 1.0)).collect()), ..Default::default() };
        let (full, _) = coverage(&many, &all, false, [None, None], &SearchConfig::default());
        assert!(full > 0.75, "{full}");
    }

    #[test]
    fn keywords_drop_stop_words_and_short_ones() {
        let q = query_article("Hochwasser in Valencia und der Region");
        let k = keywords(&q);
        assert!(k.contains(&"hochwasser".to_string()), "{k:?}");
        assert!(!k.contains(&"in".to_string()) && !k.contains(&"und".to_string()), "{k:?}");
    }
}
