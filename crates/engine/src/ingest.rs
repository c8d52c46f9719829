//! The store-backed pipeline: `ingest` (incremental) and `recluster` (from scratch).

use crate::{summarize_story, Engine, EngineError, Result};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use storyweave_cluster::{Assignment, OnlineClusterer};
use storyweave_encode::{ArticleFeatures, FEATURES_VERSION};
use storyweave_ingest::ReadOptions;
use storyweave_model::{ArticleId, CleanArticle, Origin, RawArticle, Relation, Story, StoryId};
use storyweave_relate::{digest, Relate};
use storyweave_store::Store;

/// Articles are cleaned and stored in chunks of this size: large enough to use every core
/// and amortise a transaction, small enough that a crash loses little and memory stays flat.
const CHUNK: usize = 1024;
/// A new article is related to at most this many other members of its story (the most
/// similar ones): every pair is related in stories of up to 21 articles, which is most of
/// them, while all pairs of a 10,000-article story would be 50 million relations.
const MAX_RELATED: usize = 20;
/// The partners of a new article are sought among this many most recent members of its
/// story, so that updating a long-running story costs the same as updating a young one
/// (each candidate costs one similarity computation).
const RELATE_SCAN: usize = 64;

/// A record that was skipped, with where it came from and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Skip {
    /// File, line and item.
    pub origin: Origin,
    /// Why.
    pub reason: String,
}

/// What an ingest did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct IngestReport {
    /// Records read (good or bad).
    pub records: usize,
    /// Articles newly stored.
    pub added: usize,
    /// Articles already stored (same id), left untouched.
    pub duplicates: usize,
    /// Records skipped, with reasons.
    pub skipped: Vec<Skip>,
    /// Stories opened by this ingest.
    pub new_stories: usize,
    /// Existing stories that gained articles.
    pub extended_stories: usize,
    /// Stories merged into another because a new article bridged them.
    pub merged_stories: usize,
}

/// Receives pipeline events as they happen (the CLI's progress bar and log implement it).
pub trait StorySink {
    /// A record was skipped.
    fn on_skip(&mut self, _skip: &Skip) {}
    /// An article was assigned to a story.
    fn on_assign(&mut self, _article: &CleanArticle, _assignment: &Assignment) {}
    /// `done` records of `total` (when known) have been processed.
    fn on_progress(&mut self, _done: usize, _total: Option<usize>) {}
}

/// A sink that ignores everything.
impl StorySink for () {}

/// In-memory state rebuilt from the store: the clusterer and each story's members.
struct State {
    clusterer: OnlineClusterer,
    position: HashMap<ArticleId, usize>,
    members: HashMap<StoryId, Vec<ArticleId>>,
    /// Per-language centering of the vectors, fitted at load (see `load_state`).
    centering: Option<storyweave_encode::LanguageCentering>,
}

impl State {
    /// Records where a newly assigned article went, moving the members of merged stories.
    /// Returns the ids whose relations must be (re)computed: the article, and the members of
    /// merged stories, which now share a story with articles they were never compared with.
    fn apply(&mut self, id: &ArticleId, pos: usize, out: &Assignment, touched: &mut BTreeSet<StoryId>) -> Vec<ArticleId> {
        let mut fresh = vec![id.clone()];
        for absorbed in &out.merged {
            let moved = self.members.remove(absorbed).unwrap_or_default();
            fresh.extend(moved.iter().cloned());
            self.members.entry(out.story).or_default().extend(moved);
            touched.remove(absorbed);
        }
        self.position.insert(id.clone(), pos);
        self.members.entry(out.story).or_default().push(id.clone());
        touched.insert(out.story);
        fresh
    }
}

impl Engine {
    /// Rebuilds the clusterer from stored features and story assignments. Features stored
    /// with another version are recomputed from the stored text (and stored again).
    ///
    /// With a model, vectors are centred per language with means fitted from the stored
    /// vectors and those of `incoming` (the first new chunk of an ingest, so that a first
    /// large ingest into an empty store is centred too); `incoming` itself is left as it is.
    fn load_state(&self, store: &mut Store, incoming: &[ArticleFeatures]) -> Result<(State, Vec<(ArticleId, ArticleFeatures)>)> {
        let mut clusterer = self.new_clusterer();
        let story_of: HashMap<ArticleId, StoryId> = store.story_assignments()?.into_iter().collect();
        let mut order: Vec<ArticleId> = Vec::new();
        let mut stored: HashMap<ArticleId, ArticleFeatures> = HashMap::new();
        for (id, bytes) in store.all_features(FEATURES_VERSION)? {
            let f = ArticleFeatures::from_bytes(&bytes)
                .map_err(|e| EngineError::Features { id: id.to_string(), reason: e.to_string() })?;
            order.push(id.clone());
            stored.insert(id, f);
        }
        // Texts are read only when some article lacks features of this version (a store
        // written by an older storyweave): those features are computed once and stored.
        if (stored.len() as u64) < store.article_count()? {
            let articles = store.articles()?;
            let missing: Vec<&CleanArticle> = articles.iter().filter(|a| !stored.contains_key(&a.id)).collect();
            let fresh: Vec<(ArticleId, ArticleFeatures)> =
                missing.par_iter().map(|a| (a.id.clone(), self.features(a))).collect();
            store.transaction(|s| {
                for (id, f) in &fresh {
                    s.put_features(id, FEATURES_VERSION, &f.to_bytes())?;
                }
                Ok(())
            })?;
            stored.extend(fresh);
            order = articles.into_iter().map(|a| a.id).collect();
        }
        for id in &order {
            if let Some(f) = stored.get(id) {
                clusterer.observe(f);
            }
        }
        self.load_vectors(store, &order, &mut stored)?;
        let centering = self.fit_centering(stored.values().chain(incoming));
        crate::vectors::center(centering.as_ref(), stored.values_mut());
        let mut position = HashMap::new();
        let mut members: HashMap<StoryId, Vec<ArticleId>> = HashMap::new();
        let mut unassigned = Vec::new();
        for id in order {
            let Some(f) = stored.remove(&id) else { continue };
            match story_of.get(&id) {
                Some(&story) => {
                    position.insert(id.clone(), clusterer.len());
                    clusterer.insert_existing(id.clone(), f, story);
                    members.entry(story).or_default().push(id);
                }
                None => unassigned.push((id, f)),
            }
        }
        Ok((State { clusterer, position, members, centering }, unassigned))
    }

    /// Attaches stored vectors to loaded features; articles stored before the model was used
    /// (or under another model) are encoded now, once, from their stored text.
    fn load_vectors(&self, store: &mut Store, order: &[ArticleId], stored: &mut HashMap<ArticleId, ArticleFeatures>) -> Result<()> {
        let Some(encoder) = self.encoder() else { return Ok(()) };
        let model = encoder.id().to_string();
        let mut have: HashMap<String, Vec<f32>> = store.vectors_with_prefix(&model, "a:")?.into_iter().collect();
        let mut missing: Vec<ArticleId> = Vec::new();
        for id in order {
            if let Some(f) = stored.get_mut(id) {
                match have.remove(&crate::article_key(id)) {
                    Some(v) if v.len() == encoder.dim() => f.vector = Some(v),
                    _ => missing.push(id.clone()),
                }
            }
        }
        for chunk in missing.chunks(CHUNK) {
            let mut articles = Vec::with_capacity(chunk.len());
            for id in chunk {
                if let Some(a) = store.article(id)? {
                    articles.push(a);
                }
            }
            let refs: Vec<&CleanArticle> = articles.iter().collect();
            let keys: Vec<String> = articles.iter().map(|a| crate::article_key(&a.id)).collect();
            if let Some(vecs) = self.vectors(&refs, &keys, Some(&mut *store), &mut |_, _| {})? {
                for (a, v) in articles.iter().zip(vecs) {
                    if let Some(f) = stored.get_mut(&a.id) {
                        f.vector = (!v.is_empty()).then_some(v);
                    }
                }
            }
        }
        Ok(())
    }

    /// Reads files, folders and `-` (JSON lines on stdin), cleans every record, stores the new
    /// articles and extends the stored stories incrementally. Bad records are skipped and
    /// reported; they never stop the batch. Input is streamed: a JSON-lines file larger than
    /// memory is read a chunk at a time.
    pub fn ingest_paths(&self, store: &mut Store, inputs: &[PathBuf], sink: &mut dyn StorySink) -> Result<IngestReport> {
        let opts = ReadOptions { max_bytes: self.config.input.max_bytes };
        let records = storyweave_ingest::list_inputs(inputs).into_iter().flat_map(move |item| match item {
            Ok(path) => storyweave_ingest::read_file_iter(&path, &opts),
            Err(e) => Box::new(std::iter::once(Err(e))),
        });
        self.ingest_records(store, records, None, sink)
    }

    /// Ingests already-read raw articles (see [`Engine::ingest_paths`]).
    pub fn ingest_raw(&self, store: &mut Store, raws: Vec<RawArticle>, sink: &mut dyn StorySink) -> Result<IngestReport> {
        let total = raws.len();
        self.ingest_records(store, raws.into_iter().map(Ok), Some(total), sink)
    }

    /// Ingests a stream of records, `CHUNK` at a time; `total` (if known) feeds the progress.
    fn ingest_records(
        &self,
        store: &mut Store,
        records: impl Iterator<Item = std::result::Result<RawArticle, storyweave_ingest::RecordError>>,
        total: Option<usize>,
        sink: &mut dyn StorySink,
    ) -> Result<IngestReport> {
        let mut report = IngestReport::default();
        // The stored state is loaded once the first chunk is encoded (its vectors help fit the
        // centering); articles stored without a story (none, unless a store was edited by
        // hand) wait for `recluster`.
        let mut state: Option<State> = None;
        let mut seen: HashSet<ArticleId> = HashSet::new();
        let mut done = 0;
        let mut extended: BTreeSet<StoryId> = BTreeSet::new();
        let mut records = records.peekable();
        while records.peek().is_some() {
            let mut chunk: Vec<RawArticle> = Vec::with_capacity(CHUNK);
            for rec in records.by_ref() {
                report.records += 1;
                done += 1;
                match rec {
                    Ok(r) => chunk.push(r),
                    Err(e) => {
                        let skip = Skip { origin: e.origin, reason: e.reason };
                        sink.on_skip(&skip);
                        report.skipped.push(skip);
                    }
                }
                if chunk.len() == CHUNK {
                    break;
                }
            }
            let cleaned: Vec<_> = chunk.into_par_iter().map(|r| self.clean(r)).collect();
            let mut fresh: Vec<CleanArticle> = Vec::new();
            for c in cleaned {
                match c {
                    Err(e) => {
                        let skip = Skip { origin: e.origin, reason: e.reason };
                        sink.on_skip(&skip);
                        report.skipped.push(skip);
                    }
                    Ok(a) => {
                        if state.as_ref().is_some_and(|st| st.position.contains_key(&a.id))
                            || !seen.insert(a.id.clone())
                            || store.has_article(&a.id)?
                        {
                            report.duplicates += 1;
                        } else {
                            fresh.push(a);
                        }
                    }
                }
            }
            let mut feats: Vec<ArticleFeatures> = fresh.par_iter().map(|a| self.features(a)).collect();
            // Only the new articles are encoded; vectors of stored ones come from the store.
            let refs: Vec<&CleanArticle> = fresh.iter().collect();
            let keys: Vec<String> = fresh.iter().map(|a| crate::article_key(&a.id)).collect();
            self.attach_vectors(&refs, &keys, &mut feats, Some(&mut *store))?;
            if state.is_none() {
                state = Some(self.load_state(store, &feats)?.0);
            }
            let Some(state) = state.as_mut() else { continue };
            crate::vectors::center(state.centering.as_ref(), &mut feats);
            for f in &feats {
                state.clusterer.observe(f);
            }
            let mut touched: BTreeSet<StoryId> = BTreeSet::new();
            let mut new_ids: HashSet<ArticleId> = HashSet::new();
            for (a, f) in fresh.iter().zip(&feats) {
                let pos = state.clusterer.len();
                let out = state.clusterer.assign(a.id.clone(), f.clone());
                sink.on_assign(a, &out);
                if out.new_story {
                    report.new_stories += 1;
                } else if !touched.contains(&out.story) && state.members.contains_key(&out.story) {
                    extended.insert(out.story);
                }
                report.merged_stories += out.merged.len();
                for m in &out.merged {
                    extended.remove(m);
                }
                new_ids.extend(state.apply(&a.id, pos, &out, &mut touched));
            }
            store.transaction(|s| {
                for (a, f) in fresh.iter().zip(&feats) {
                    s.insert_article(a)?;
                    s.put_features(&a.id, FEATURES_VERSION, &f.to_bytes())?;
                }
                for &story in &touched {
                    self.update_story(s, &state, story, &new_ids)?;
                }
                Ok(())
            })?;
            report.added += fresh.len();
            sink.on_progress(done, total);
        }
        report.extended_stories = extended.len();
        Ok(report)
    }

    /// Rewrites a story's metadata and adds the relations of its new members.
    fn update_story(
        &self,
        s: &mut Store,
        state: &State,
        story: StoryId,
        new_ids: &HashSet<ArticleId>,
    ) -> storyweave_store::Result<()> {
        let ids = state.members.get(&story).cloned().unwrap_or_default();
        let Some(pos) = ids.iter().map(|id| state.position.get(id).copied()).collect::<Option<Vec<usize>>>() else {
            return Ok(());
        };
        let feats: Vec<&ArticleFeatures> = pos.iter().map(|&p| state.clusterer.features(p)).collect();
        let mut read_error = None;
        let summary: Story = summarize_story(story, &ids, &feats, |i| match s.article(&ids[i]) {
            Ok(a) => a,
            Err(e) => {
                read_error.get_or_insert(e);
                None
            }
        });
        if let Some(e) = read_error {
            return Err(e);
        }
        s.put_story(&summary)?;

        // Each new member is related to its most similar members among the most recent ones.
        let fresh: Vec<usize> = (0..ids.len()).filter(|&i| new_ids.contains(&ids[i])).collect();
        let recent_from = ids.len().saturating_sub(RELATE_SCAN);
        let mut done_pairs: HashSet<(usize, usize)> = HashSet::new();
        let mut todo: Vec<(usize, usize, f32)> = Vec::new();
        for &i in &fresh {
            let mut others: Vec<(f32, usize)> = (recent_from..ids.len())
                .chain(fresh.iter().copied().filter(|&j| j < recent_from))
                .filter(|&j| j != i)
                .map(|j| (state.clusterer.score_between(pos[i], pos[j]), j))
                .collect();
            others.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            for (sim, j) in others.into_iter().take(MAX_RELATED) {
                if done_pairs.insert((i.min(j), i.max(j))) {
                    todo.push((i, j, sim));
                }
            }
        }
        if todo.is_empty() {
            return Ok(());
        }
        // Only the articles of the pairs to relate are read and digested.
        let needed: BTreeSet<usize> = todo.iter().flat_map(|&(i, j, _)| [i, j]).collect();
        let mut articles: HashMap<usize, CleanArticle> = HashMap::new();
        for &i in &needed {
            if let Some(a) = s.article(&ids[i])? {
                articles.insert(i, a);
            }
        }
        let mut digests: HashMap<usize, _> = articles.par_iter().map(|(&i, a)| (i, digest(a))).collect();
        // Sentence vectors only for cross-language pairs, where they decide `translation`.
        let cross: BTreeSet<usize> = todo
            .iter()
            .filter(|&&(i, j, _)| matches!((articles.get(&i), articles.get(&j)), (Some(a), Some(b)) if a.lang != b.lang))
            .flat_map(|&(i, j, _)| [i, j])
            .collect();
        if self.encoder().is_some() && !cross.is_empty() {
            let (order, refs): (Vec<usize>, Vec<&CleanArticle>) =
                cross.iter().filter_map(|&i| articles.get(&i).map(|a| (i, a))).unzip();
            match self.sentence_vectors(&refs, Some(&mut *s)) {
                Ok(vs) => {
                    for (i, v) in order.iter().zip(vs) {
                        if let Some(d) = digests.get_mut(i) {
                            d.set_sentence_vectors(v);
                        }
                    }
                }
                Err(EngineError::Store(e)) => return Err(e),
                // An encoder failure on one story's sentences leaves its relations to the
                // model-free evidence rather than failing the whole ingest.
                Err(_) => {}
            }
        }
        let relations: Vec<Relation> = todo
            .par_iter()
            .filter_map(|&(i, j, sim)| {
                let (a, b) = (articles.get(&i)?, articles.get(&j)?);
                Some(self.relator.relate(a, digests.get(&i)?, b, digests.get(&j)?, sim))
            })
            .collect();
        s.add_relations(story, &relations)
    }

    /// Rebuilds all stories from the stored articles (features are reused, not recomputed).
    pub fn recluster(&self, store: &mut Store, sink: &mut dyn StorySink) -> Result<IngestReport> {
        store.transaction(|s| s.clear_stories())?;
        let mut articles: HashMap<ArticleId, CleanArticle> =
            store.articles()?.into_iter().map(|a| (a.id.clone(), a)).collect();
        let mut report = IngestReport { records: articles.len(), ..Default::default() };
        // With no story left, every stored article comes back unassigned, with its features.
        let (mut state, unassigned) = self.load_state(store, &[])?;
        let total = unassigned.len();
        // load_state observed every stored article already; assignment starts from scratch.
        let mut new_ids = HashSet::new();
        for (i, (id, f)) in unassigned.into_iter().enumerate() {
            let Some(a) = articles.remove(&id) else { continue };
            let pos = state.clusterer.len();
            let out = state.clusterer.assign(a.id.clone(), f);
            sink.on_assign(&a, &out);
            if out.new_story {
                report.new_stories += 1;
            }
            report.merged_stories += out.merged.len();
            let mut touched = BTreeSet::new();
            new_ids.extend(state.apply(&a.id, pos, &out, &mut touched));
            sink.on_progress(i + 1, Some(total));
        }
        let stories: Vec<StoryId> = state.members.keys().copied().collect::<BTreeSet<_>>().into_iter().collect();
        store.transaction(|s| {
            for &story in &stories {
                self.update_story(s, &state, story, &new_ids)?;
            }
            Ok(())
        })?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use storyweave_model::{Lang, RawBody};

    fn raw(id: &str, text: &str) -> RawArticle {
        RawArticle {
            id: Some(id.into()),
            url: None,
            title: Some(format!("Report {id}")),
            body: RawBody::Text(text.into()),
            lang: Some("en".into()),
            published: None,
            source: None,
            origin: Origin { file: "t.jsonl".into(), ..Origin::default() },
            warnings: Vec::new(),
        }
    }

    #[test]
    fn features_missing_from_the_store_are_computed_once_and_recluster_assigns_everyone() {
        let engine = Engine::new(Config::default());
        let mut store = Store::open_in_memory().unwrap();
        // An article stored by hand, without features or story (as an older version might).
        let old = engine
            .clean(raw("old", "Mayor Anna Kowalski opened the Ridgeton bridge on Monday, 3 May 2024, at a cost of 45 million euros."))
            .unwrap();
        store.insert_article(&old).unwrap();
        assert!(store.features(&old.id, FEATURES_VERSION).unwrap().is_none());

        let text = "The Ridgeton bridge opened by Mayor Anna Kowalski on 3 May 2024 cost 45 million euros.";
        let report = engine.ingest_raw(&mut store, vec![raw("new", text)], &mut ()).unwrap();
        assert_eq!(report.added, 1);
        assert!(store.features(&old.id, FEATURES_VERSION).unwrap().is_some(), "computed and stored");
        assert_eq!(store.story_of(&old.id).unwrap(), None, "left for recluster");

        let report = engine.recluster(&mut store, &mut ()).unwrap();
        assert_eq!(report.records, 2);
        let (a, b) = (store.story_of(&old.id).unwrap(), store.story_of(&ArticleId::from("new")).unwrap());
        assert!(a.is_some());
        assert_eq!(a, b, "the two reports of one event share a story");
        assert_eq!(store.article(&old.id).unwrap().map(|a| a.lang), Some(Lang::new("en")));
    }
}
