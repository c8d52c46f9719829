//! Online story assignment over an inverted candidate index.

use crate::ann::VectorIndex;
use crate::similarity::{DocFreq, Prepared, Similarity, SimilarityConfig};
use serde::{Deserialize, Serialize};
// Keys are feature hashes and article positions: a fast non-keyed hasher (the postings and
// candidate tallies are touched thousands of times per article).
use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use storyweave_encode::ArticleFeatures;
use storyweave_model::{ArticleId, StoryId};

/// Parameters of story assignment; defaults chosen on `../shared/data` (see BENCHMARKS.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    /// An article joins the story of its best match when the similarity reaches this.
    pub threshold: f32,
    /// When a new article also matches another story at least this well, the two stories
    /// are merged: the article shows they report the same event. This makes the result far
    /// less dependent on arrival order (a bridge article may arrive last). Set it above 1 to
    /// never merge.
    pub merge_threshold: f32,
    /// Two stories are merged only when one of them has at most this many articles: a bridge
    /// shows that a fragment belongs to an event, but one article is too little evidence to
    /// fuse two established stories, and repeated fusing chains unrelated stories together.
    pub merge_max_articles: usize,
    /// Per channel, how many of an article's rarest features are put into the index and used
    /// to look up candidates: enough to find a match through one rare shared name, few enough
    /// that the index stays a small multiple of the number of articles.
    pub index_per_channel: usize,
    /// Features found in more than this many articles are skipped when looking up
    /// candidates: scanning them costs time and they do not tell stories apart.
    pub max_posting: usize,
    /// How many candidate articles (by shared rare features) are scored in full.
    pub max_candidates: usize,
    /// At most this many index entries are read to find candidates for one article: the
    /// rarest features are read first, so the cut only drops evidence from common ones.
    pub max_scanned: usize,
    /// Articles published further apart than this (when both times are known) are not
    /// candidates: news stories rarely continue under the same event after a month.
    pub time_window_days: f32,
    /// `threshold` for pairs scored with encoder vectors (the hybrid score has another scale).
    pub model_threshold: f32,
    /// `merge_threshold` for pairs scored with encoder vectors.
    pub model_merge_threshold: f32,
    /// With encoder vectors: this many nearest articles by vector (approximate search) are
    /// candidates too, besides those sharing rare features: the encoder finds matches that
    /// share no name or number (scripts without capitals, paraphrase).
    pub vector_candidates: usize,
    /// The approximate nearest-neighbour index over article vectors.
    pub ann: crate::ann::AnnConfig,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            threshold: 0.22,
            merge_threshold: 0.35,
            merge_max_articles: 3,
            index_per_channel: 12,
            max_posting: 2_000,
            max_candidates: 40,
            max_scanned: 5_000,
            time_window_days: 30.0,
            model_threshold: 0.45,
            model_merge_threshold: 0.55,
            vector_candidates: 20,
            ann: crate::ann::AnnConfig::default(),
        }
    }
}

/// Where an article went.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The story it joined or opened.
    pub story: StoryId,
    /// True when it opened a new story.
    pub new_story: bool,
    /// Similarity to its best match (0 when no candidate was found).
    pub score: f32,
    /// The best-matching earlier article, if any.
    pub best_match: Option<ArticleId>,
    /// Stories that this article bridged and that were merged into `story` (they no longer
    /// exist; their articles now belong to `story`).
    pub merged: Vec<StoryId>,
}

/// Online clusterer: articles arrive one at a time and join the best story or open one.
///
/// Deterministic: for a given order of articles the result never depends on threads or
/// hash-map order (candidates are sorted before scoring, ties go to the earlier article).
pub struct OnlineClusterer {
    config: ClusterConfig,
    sim: Similarity,
    df: DocFreq,
    ids: Vec<ArticleId>,
    items: Vec<Prepared>,
    stories: Vec<StoryId>,
    members: HashMap<StoryId, Vec<u32>>,
    postings: HashMap<u32, Vec<u32>>,
    vectors: Option<crate::ann::AutoIndex>,
    next_story: u64,
    /// Candidate tallies by article position, all zero between lookups: a dense array
    /// instead of a hash map, since a lookup adds up to `max_scanned` entries.
    tally: Vec<f32>,
}

impl OnlineClusterer {
    /// An empty clusterer.
    pub fn new(config: ClusterConfig, similarity: SimilarityConfig) -> Self {
        OnlineClusterer {
            config,
            sim: Similarity::new(similarity),
            df: DocFreq::default(),
            ids: Vec::new(),
            items: Vec::new(),
            stories: Vec::new(),
            members: HashMap::default(),
            postings: HashMap::default(),
            vectors: None,
            next_story: 1,
            tally: Vec::new(),
        }
    }

    /// Number of articles held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when no article is held.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The similarity scorer.
    pub fn similarity(&self) -> &Similarity {
        &self.sim
    }

    /// Document frequencies seen so far.
    pub fn doc_freq(&self) -> &DocFreq {
        &self.df
    }

    /// Counts an article's features into the document frequencies. Call it for a whole batch
    /// before assigning the batch, so that early articles of the batch see the batch's IDF.
    pub fn observe(&mut self, features: &ArticleFeatures) {
        self.df.observe(features);
    }

    /// The next story id that a new story would get.
    pub fn next_story_id(&self) -> u64 {
        self.next_story
    }

    /// Makes new stories start at `next` (after loading stored stories).
    pub fn set_next_story_id(&mut self, next: u64) {
        self.next_story = self.next_story.max(next);
    }

    /// The features an article is filed under: per channel, its rarest features among those
    /// another article already has (a feature seen once can only match an article that has
    /// not arrived yet, so it is used only to fill up the quota).
    fn index_keys(&self, f: &ArticleFeatures) -> Vec<u32> {
        let per = self.config.index_per_channel;
        let mut keys = Vec::with_capacity(per * 4);
        for v in [&f.ents, &f.nums, &f.xterms, &f.terms] {
            let mut ranked: Vec<(bool, u32, u32)> = v
                .iter()
                .map(|&(h, _)| {
                    let df = self.df.df(h);
                    (df < 2, df, h)
                })
                .collect();
            ranked.sort_unstable();
            keys.extend(ranked.iter().take(per).map(|&(_, _, h)| h));
        }
        keys
    }

    fn push(&mut self, id: ArticleId, prepared: Prepared, story: StoryId) -> u32 {
        let idx = self.items.len() as u32;
        for h in self.index_keys(&prepared.features) {
            self.postings.entry(h).or_default().push(idx);
        }
        if let Some(v) = &prepared.features.vector {
            let ann = self.config.ann.clone();
            self.vectors
                .get_or_insert_with(|| crate::ann::AutoIndex::new(v.len(), ann))
                .insert(idx, v);
        }
        self.ids.push(id);
        self.items.push(prepared);
        self.stories.push(story);
        self.members.entry(story).or_default().push(idx);
        idx
    }

    /// Adds an article whose story is already known (loading a stored state).
    pub fn insert_existing(&mut self, id: ArticleId, features: ArticleFeatures, story: StoryId) {
        let prepared = self.sim.prepare(features, &self.df);
        self.next_story = self.next_story.max(story.0 + 1);
        self.push(id, prepared, story);
    }

    fn candidates(&mut self, f: &ArticleFeatures) -> Vec<u32> {
        let prior = self.sim.config.idf_prior_docs;
        let mut tally = std::mem::take(&mut self.tally);
        tally.resize(self.items.len(), 0.0);
        let mut touched: Vec<u32> = Vec::new();
        // Every feature of the new article is looked up, rarest first: the postings hold only
        // the few indexed features of each earlier article, so one shared rare feature finds
        // it. Lists are read newest first and the total read is capped, so the cost per
        // article stays flat as the index grows (common features come last and are cut).
        let mut query: Vec<(u32, u32)> = [&f.ents, &f.nums, &f.xterms, &f.terms]
            .iter()
            .flat_map(|v| v.iter().map(|&(h, _)| (self.df.df(h), h)))
            .collect();
        query.sort_unstable();
        let mut budget = self.config.max_scanned;
        for (_, h) in query {
            let Some(list) = self.postings.get(&h) else { continue };
            if list.len() > self.config.max_posting {
                continue;
            }
            let idf = self.df.idf(h, prior);
            for &i in list.iter().rev().take(budget) {
                let t = &mut tally[i as usize];
                if *t == 0.0 {
                    touched.push(i);
                }
                // An IDF is always above 0 (df ≤ docs < docs + prior), so 0 means untouched.
                *t += idf.max(f32::MIN_POSITIVE);
            }
            budget = budget.saturating_sub(list.len());
            if budget == 0 {
                break;
            }
        }
        let window = self.config.time_window_days * 86_400.0;
        let mut near: Vec<u32> = Vec::new();
        if let (Some(index), Some(v)) = (&self.vectors, &f.vector) {
            if self.config.vector_candidates > 0 {
                near = index.search(v, self.config.vector_candidates).into_iter().map(|(i, _)| i).collect();
            }
        }
        // An undated article stands for its story's time: otherwise a story could grow from
        // January to June through one undated member that every later article may join.
        let in_window = |i: u32| match (f.published, self.items[i as usize].features.published) {
            (Some(a), Some(b)) => ((a - b).abs() as f32) <= window,
            (Some(a), None) => self.story_span(self.stories[i as usize]).is_none_or(|span| span_gap(span, (a, a)) <= window),
            _ => true,
        };
        let mut ranked: Vec<(f32, u32)> = touched
            .iter()
            .filter(|&&i| in_window(i))
            .map(|&i| (tally[i as usize], i))
            .collect();
        for &i in &touched {
            tally[i as usize] = 0.0;
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.truncate(self.config.max_candidates);
        let mut out: Vec<u32> = ranked.into_iter().map(|(_, i)| i).collect();
        for i in near {
            if in_window(i) && !out.contains(&i) {
                out.push(i);
            }
        }
        self.tally = tally;
        out
    }

    /// Assigns a new article to the best existing story or opens a new one; stories that the
    /// article matches above `merge_threshold` besides its best one are merged into the oldest.
    pub fn assign(&mut self, id: ArticleId, features: ArticleFeatures) -> Assignment {
        let prepared = self.sim.prepare(features, &self.df);
        // Best match per story; BTreeMap keeps the iteration order independent of hashing.
        let mut per_story: std::collections::BTreeMap<StoryId, (f32, u32)> = Default::default();
        for i in self.candidates(&prepared.features) {
            let s = self.sim.score(&prepared, &self.items[i as usize], &self.df);
            let story = self.stories[i as usize];
            let e = per_story.entry(story).or_insert((s, i));
            if s > e.0 || (s == e.0 && i < e.1) {
                *e = (s, i);
            }
        }
        let best = per_story
            .iter()
            .map(|(&story, &(s, i))| (s, i, story))
            .fold(None, |acc: Option<(f32, u32, StoryId)>, x| match acc {
                Some(a) if a.0 > x.0 || (a.0 == x.0 && a.1 < x.1) => Some(a),
                _ => Some(x),
            });
        let hybrid = prepared.features.vector.is_some() && self.vectors.is_some();
        let (threshold, merge_threshold) = if hybrid {
            (self.config.model_threshold, self.config.model_merge_threshold)
        } else {
            (self.config.threshold, self.config.merge_threshold)
        };
        let (mut story, new_story, score, best_match) = match best {
            Some((s, i, story)) if s >= threshold => (story, false, s, Some(self.ids[i as usize].clone())),
            other => {
                let story = StoryId(self.next_story);
                self.next_story += 1;
                let (s, m) = other.map_or((0.0, None), |(s, i, _)| (s, Some(self.ids[i as usize].clone())));
                (story, true, s, m)
            }
        };
        let mut merged = Vec::new();
        if !new_story {
            let size = |m: &HashMap<StoryId, Vec<u32>>, st: StoryId| m.get(&st).map_or(0, Vec::len);
            let others: Vec<StoryId> = per_story
                .iter()
                .filter(|(&st, &(s, _))| st != story && s >= merge_threshold)
                .map(|(&st, _)| st)
                .collect();
            let window = self.config.time_window_days * 86_400.0;
            for other in others {
                if size(&self.members, story).min(size(&self.members, other)) > self.config.merge_max_articles {
                    continue;
                }
                // A bridge, dated or not, never joins stories further apart in time than the
                // candidate window: an undated page cannot bridge reports months apart.
                let mut joined = self.story_span(story);
                if let Some(t) = prepared.features.published {
                    joined = Some(joined.map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t))));
                }
                if let (Some(a), Some(b)) = (joined, self.story_span(other)) {
                    if span_gap(a, b) > window {
                        continue;
                    }
                }
                // The older story survives, so stored ids stay as stable as possible.
                let (survivor, absorbed) = if other < story { (other, story) } else { (story, other) };
                let moved = self.members.remove(&absorbed).unwrap_or_default();
                for &m in &moved {
                    self.stories[m as usize] = survivor;
                }
                self.members.entry(survivor).or_default().extend(moved);
                merged.push(absorbed);
                story = survivor;
            }
        }
        self.push(id, prepared, story);
        Assignment { story, new_story, score, best_match, merged }
    }

    /// The earliest and latest publication time among a story's dated members.
    fn story_span(&self, story: StoryId) -> Option<(i64, i64)> {
        let times = self.members.get(&story)?.iter().filter_map(|&m| self.items[m as usize].features.published);
        times.fold(None, |acc, t| Some(acc.map_or((t, t), |(lo, hi): (i64, i64)| (lo.min(t), hi.max(t)))))
    }

    /// The current story of a held article by position (stories can merge later).
    pub fn story_at(&self, i: usize) -> StoryId {
        self.stories[i]
    }

    /// Similarity of two held articles by position.
    pub fn score_between(&self, a: usize, b: usize) -> f32 {
        self.sim.score(&self.items[a], &self.items[b], &self.df)
    }

    /// The features of a held article by position.
    pub fn features(&self, i: usize) -> &ArticleFeatures {
        &self.items[i].features
    }

    /// Position of an article id (linear scan; for tests and small tools).
    pub fn position(&self, id: &ArticleId) -> Option<usize> {
        self.ids.iter().position(|x| x == id)
    }

    /// Up to `k` held articles nearest to `vector` (cosine), best first, by position.
    pub fn nearest(&self, vector: &[f32], k: usize) -> Vec<(usize, f32)> {
        match &self.vectors {
            Some(index) => index.search(vector, k).into_iter().map(|(i, s)| (i as usize, s)).collect(),
            None => Vec::new(),
        }
    }

    /// The ids of the held articles, by position.
    pub fn ids(&self) -> &[ArticleId] {
        &self.ids
    }

    /// Moves a held article to another story (another process merged stories meanwhile).
    pub fn set_story(&mut self, position: usize, story: StoryId) {
        let Some(old) = self.stories.get(position).copied() else { return };
        if old == story {
            return;
        }
        let idx = position as u32;
        if let Some(m) = self.members.get_mut(&old) {
            m.retain(|&x| x != idx);
            if m.is_empty() {
                self.members.remove(&old);
            }
        }
        let list = self.members.entry(story).or_default();
        // Members stay in arrival order, as `assign` keeps them.
        let at = list.partition_point(|&x| x < idx);
        list.insert(at, idx);
        self.stories[position] = story;
        self.next_story = self.next_story.max(story.0 + 1);
    }

    /// Writes the clusterer into folder `dir` (which must exist) so that [`Self::load`] gives
    /// it back without recomputing anything; returns the files written.
    pub fn save(&self, dir: &Path) -> Result<Vec<PathBuf>, String> {
        let dim = self.items.iter().find_map(|p| p.features.vector.as_ref().map(Vec::len));
        // Borrowed and streamed to the file: copying hundreds of megabytes of features into a
        // `Saved` and then into one buffer took seconds at 100,000 articles.
        let saved = SavedRef {
            format: SAVE_FORMAT,
            df: &self.df,
            ids: &self.ids,
            items: &self.items,
            stories: &self.stories,
            postings: self.postings.iter().map(|(&k, v)| (k, v.as_slice())).collect(),
            next_story: self.next_story,
            vector_dim: dim,
            centered: self.items.iter().map(|p| p.features.vector_centered).collect(),
            hnsw: self.vectors.as_ref().is_some_and(|v| v.is_hnsw()),
        };
        let main = dir.join("clusterer.bin");
        let write = || -> std::io::Result<()> {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&main)?);
            postcard::to_io(&saved, &mut out).map_err(std::io::Error::other)?;
            std::io::Write::flush(&mut out)
        };
        write().map_err(|e| format!("writing {}: {e}", main.display()))?;
        let mut files = vec![main];
        // Vectors as raw little-endian floats: a presence byte per article, then the floats of
        // those present. 150 MB at 100,000 articles reads in a fraction of a second this way.
        if let Some(dim) = dim {
            let path = dir.join("vectors.bin");
            let mut out = Vec::with_capacity(self.items.len() * (1 + dim * 4));
            for p in &self.items {
                match &p.features.vector {
                    Some(v) if v.len() == dim => {
                        out.push(1u8);
                        v.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
                    }
                    _ => out.push(0u8),
                }
            }
            std::fs::write(&path, out).map_err(|e| format!("writing {}: {e}", path.display()))?;
            files.push(path);
        }
        if let Some(index) = &self.vectors {
            files.extend(index.dump(dir)?);
        }
        Ok(files)
    }

    /// Reads a clusterer written by [`Self::save`] (the caller has checked the files).
    pub fn load(dir: &Path, config: ClusterConfig, similarity: SimilarityConfig) -> Result<Self, String> {
        let main = dir.join("clusterer.bin");
        let bytes = std::fs::read(&main).map_err(|e| format!("reading {}: {e}", main.display()))?;
        let saved: Saved = postcard::from_bytes(&bytes).map_err(|e| format!("decoding {}: {e}", main.display()))?;
        if saved.format != SAVE_FORMAT {
            return Err(format!("{} has format {}, this build reads {SAVE_FORMAT}", main.display(), saved.format));
        }
        let n = saved.items.len();
        if saved.ids.len() != n || saved.stories.len() != n || saved.centered.len() != n {
            return Err(format!("{}: inconsistent lengths", main.display()));
        }
        let mut items = saved.items;
        if let Some(dim) = saved.vector_dim {
            let path = dir.join("vectors.bin");
            let raw = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
            let mut at = 0usize;
            for (p, centered) in items.iter_mut().zip(&saved.centered) {
                let flag = *raw.get(at).ok_or_else(|| format!("{}: too short", path.display()))?;
                at += 1;
                if flag == 1 {
                    let end = at + dim * 4;
                    let chunk = raw.get(at..end).ok_or_else(|| format!("{}: too short", path.display()))?;
                    p.features.vector = Some(chunk.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect());
                    p.features.vector_centered = *centered;
                    at = end;
                }
            }
            if at != raw.len() {
                return Err(format!("{}: {} bytes left over", path.display(), raw.len() - at));
            }
        }
        let vectors = match saved.vector_dim {
            Some(dim) => {
                let vs = items.iter().enumerate().filter_map(|(i, p)| p.features.vector.as_deref().map(|v| (i as u32, v)));
                Some(crate::ann::AutoIndex::load(dir, dim, config.ann.clone(), saved.hnsw, vs)?)
            }
            None => None,
        };
        let mut members: HashMap<StoryId, Vec<u32>> = HashMap::default();
        for (i, s) in saved.stories.iter().enumerate() {
            members.entry(*s).or_default().push(i as u32);
        }
        Ok(OnlineClusterer {
            config,
            sim: Similarity::new(similarity),
            df: saved.df,
            ids: saved.ids,
            items,
            stories: saved.stories,
            members,
            postings: saved.postings.into_iter().collect(),
            vectors,
            next_story: saved.next_story,
            tally: Vec::new(),
        })
    }
}

/// Bumped whenever [`Saved`] changes shape: an older file is then rebuilt, never misread.
const SAVE_FORMAT: u32 = 1;

/// What [`OnlineClusterer::save`] writes besides the vectors and the vector index.
#[derive(Serialize, Deserialize)]
struct Saved {
    format: u32,
    df: DocFreq,
    ids: Vec<ArticleId>,
    items: Vec<Prepared>,
    stories: Vec<StoryId>,
    postings: Vec<(u32, Vec<u32>)>,
    next_story: u64,
    vector_dim: Option<usize>,
    centered: Vec<bool>,
    hnsw: bool,
}

/// [`Saved`] by reference, for writing: postcard encodes a slice as it encodes a `Vec`, so
/// the bytes are those of a `Saved`.
#[derive(Serialize)]
struct SavedRef<'a> {
    format: u32,
    df: &'a DocFreq,
    ids: &'a [ArticleId],
    items: &'a [Prepared],
    stories: &'a [StoryId],
    postings: Vec<(u32, &'a [u32])>,
    next_story: u64,
    vector_dim: Option<usize>,
    centered: Vec<bool>,
    hnsw: bool,
}

/// Seconds between two time spans (0 when they overlap).
fn span_gap(a: (i64, i64), b: (i64, i64)) -> f32 {
    (a.0 - b.1).max(b.0 - a.1).max(0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyweave_encode::{hash_key, SparseVec};
    use storyweave_model::Lang;

    fn feats(lang: &str, ents: &[&str]) -> ArticleFeatures {
        let v = SparseVec::from_counts(ents.iter().map(|e| (hash_key("ent", e), 1.0)).collect());
        let x = SparseVec::from_counts(ents.iter().map(|e| (hash_key("x", e), 1.0)).collect());
        ArticleFeatures { lang: Lang::new(lang), ents: v, xterms: x, ..Default::default() }
    }

    #[test]
    fn related_articles_share_a_story_and_others_do_not() {
        let mut c = OnlineClusterer::new(ClusterConfig::default(), SimilarityConfig::default());
        let items = [
            ("a", feats("en", &["putin", "kim", "vostochny", "kcna"])),
            ("b", feats("de", &["putin", "kim", "vostochny", "kcna"])),
            ("c", feats("fr", &["macron", "scholz", "paris", "budget"])),
            ("d", feats("sr", &["putin", "kim", "vostochny"])),
        ];
        for (_, f) in &items {
            c.observe(f);
        }
        let out: Vec<Assignment> =
            items.iter().map(|(id, f)| c.assign(ArticleId::from(*id), f.clone())).collect();
        assert_eq!(out[0].story, out[1].story);
        assert_eq!(out[0].story, out[3].story);
        assert_ne!(out[0].story, out[2].story);
        assert!(out[0].new_story && !out[1].new_story && out[2].new_story);
    }

    #[test]
    fn a_bridging_article_merges_two_stories_into_the_older_one() {
        let mut c = OnlineClusterer::new(ClusterConfig::default(), SimilarityConfig::default());
        let items = [
            feats("en", &["ridgeton", "quake", "mayor", "hospital"]),
            feats("de", &["erdbeben", "rettung", "zelte", "notruf"]),
            feats("fr", &["ridgeton", "quake", "mayor", "hospital", "erdbeben", "rettung", "zelte", "notruf"]),
        ];
        for f in &items {
            c.observe(f);
        }
        let a = c.assign(ArticleId::from("a"), items[0].clone());
        let b = c.assign(ArticleId::from("b"), items[1].clone());
        assert_ne!(a.story, b.story);
        let bridge = c.assign(ArticleId::from("c"), items[2].clone());
        assert_eq!(bridge.story, a.story, "the older story survives");
        assert_eq!(bridge.merged, vec![b.story]);
        assert_eq!(c.story_at(0), c.story_at(1));
        assert_eq!(c.story_at(1), c.story_at(2));
    }

    #[test]
    fn an_undated_article_does_not_bridge_stories_months_apart() {
        let mut c = OnlineClusterer::new(ClusterConfig::default(), SimilarityConfig::default());
        let day = 86_400;
        let dated = |t: i64, ents: &[&str]| ArticleFeatures { published: Some(t), ..feats("en", ents) };
        let jan = dated(0, &["ridgeton", "quake", "mayor", "hospital"]);
        let jun = dated(150 * day, &["ridgeton", "quake", "mayor", "hospital", "tents"]);
        let undated = feats("en", &["ridgeton", "quake", "mayor", "hospital", "tents"]);
        for f in [&jan, &undated, &jun] {
            c.observe(f);
        }
        let a = c.assign(ArticleId::from("jan"), jan);
        let b = c.assign(ArticleId::from("undated"), undated);
        assert_eq!(a.story, b.story, "an undated article may join a dated story");
        let j = c.assign(ArticleId::from("jun"), jun);
        assert_ne!(j.story, a.story, "June does not join January through the undated article");
        // Nor does a later undated article merge the two.
        let bridge = feats("en", &["ridgeton", "quake", "mayor", "hospital", "tents"]);
        c.observe(&bridge);
        let m = c.assign(ArticleId::from("bridge"), bridge);
        assert!(m.merged.is_empty(), "{m:?}");
        assert_ne!(c.story_at(0), c.story_at(2));
    }

    #[test]
    fn a_saved_clusterer_loads_back_and_assigns_the_same() {
        let mut c = OnlineClusterer::new(ClusterConfig::default(), SimilarityConfig::default());
        let items = [
            feats("en", &["putin", "kim", "vostochny", "kcna"]),
            feats("de", &["putin", "kim", "vostochny", "kcna"]),
            feats("fr", &["macron", "scholz", "paris", "budget"]),
        ];
        for f in &items {
            c.observe(f);
        }
        for (i, f) in items.iter().enumerate() {
            c.assign(ArticleId::from(format!("a{i}").as_str()), f.clone());
        }
        let dir = std::env::temp_dir().join(format!("storyweave-cluster-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        c.save(&dir).unwrap();
        let mut back = OnlineClusterer::load(&dir, ClusterConfig::default(), SimilarityConfig::default()).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(back.ids(), c.ids());
        assert_eq!((0..3).map(|i| back.story_at(i)).collect::<Vec<_>>(), (0..3).map(|i| c.story_at(i)).collect::<Vec<_>>());
        let next = feats("sr", &["putin", "kim", "vostochny"]);
        let (x, y) = (c.assign(ArticleId::from("n"), next.clone()), back.assign(ArticleId::from("n"), next));
        assert_eq!(x, y, "the loaded clusterer finds the same candidates and scores");
    }

    #[test]
    fn loaded_state_continues_story_numbering() {
        let mut c = OnlineClusterer::new(ClusterConfig::default(), SimilarityConfig::default());
        let f = feats("en", &["alpha", "beta"]);
        c.observe(&f);
        c.insert_existing(ArticleId::from("x"), f, StoryId(7));
        let g = feats("en", &["gamma", "delta"]);
        c.observe(&g);
        let a = c.assign(ArticleId::from("y"), g);
        assert_eq!(a.story, StoryId(8));
    }
}
