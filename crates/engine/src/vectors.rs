//! Encoder vectors of articles, cached in the store so that no text is encoded twice.

use crate::{Pipeline, Result};
use storyweave_encode::neural::encode_articles;
use storyweave_encode::{ArticleFeatures, CenteringOptions, LanguageCentering};
use storyweave_model::{ArticleId, CleanArticle};
use storyweave_store::Store;

/// Articles encoded per call of the encoder: enough passages to batch well by length on all
/// cores, few enough that progress is reported often and a crash loses little.
const ENCODE_CHUNK: usize = 128;

/// The cache key of a stored article's vector.
pub fn article_key(id: &ArticleId) -> String {
    format!("a:{id}")
}

/// The cache key of an article's vector by its content (for articles that are not stored).
pub fn content_key(article: &CleanArticle) -> String {
    format!("c:{}", ArticleId::from_content(&article.title, &article.text))
}

impl Pipeline {
    /// Article vectors, one per article (`None` when no model is loaded). Vectors found in
    /// `cache` under `keys` are reused; the others are encoded and written to `cache`.
    /// `progress(done, total)` is called after each encoded chunk.
    pub fn vectors<S: Store>(
        &self,
        articles: &[&CleanArticle],
        keys: &[String],
        mut cache: Option<&mut S>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Option<Vec<Vec<f32>>>> {
        let Some(encoder) = self.encoder() else { return Ok(None) };
        let model = encoder.id().to_string();
        let mut out: Vec<Option<Vec<f32>>> = vec![None; articles.len()];
        if let Some(store) = cache.as_deref() {
            for (slot, key) in out.iter_mut().zip(keys) {
                *slot = store.vector(&model, key)?.filter(|v| v.len() == encoder.dim());
            }
        }
        let missing: Vec<usize> = (0..articles.len()).filter(|&i| out[i].is_none()).collect();
        let windows = self.config.model.windows();
        let mut done = 0;
        for chunk in missing.chunks(ENCODE_CHUNK) {
            let texts: Vec<(&str, &str)> =
                chunk.iter().map(|&i| (articles[i].title.as_str(), articles[i].text.as_str())).collect();
            let vecs = encode_articles(encoder, &texts, &windows)?;
            let fresh: Vec<(String, Vec<f32>)> =
                chunk.iter().zip(vecs).map(|(&i, v)| (keys[i].clone(), v.article)).collect();
            if let Some(store) = cache.as_deref_mut() {
                store.write(|s| s.put_vectors(&model, &fresh))?;
            }
            for (&i, (_, v)) in chunk.iter().zip(fresh) {
                out[i] = Some(v);
            }
            done += chunk.len();
            progress(done, missing.len());
        }
        Ok(Some(out.into_iter().map(Option::unwrap_or_default).collect()))
    }

    /// Per-language centering fitted from the vectors of `features` (`None` without a model
    /// or with fewer than `[similarity] center_min_articles` vectors).
    pub(crate) fn fit_centering<'a>(&self, features: impl IntoIterator<Item = &'a ArticleFeatures>) -> Option<LanguageCentering> {
        self.fit_centering_of(features.into_iter().filter_map(|f| f.vector.as_deref().map(|v| (f.lang.as_str(), v))))
    }

    /// [`Pipeline::fit_centering`] over `(language, vector)` pairs.
    pub(crate) fn fit_centering_of<'a>(&self, vectors: impl IntoIterator<Item = (&'a str, &'a [f32])>) -> Option<LanguageCentering> {
        let s = &self.config.similarity;
        let options = CenteringOptions { min_articles: s.center_min_articles, prior: s.center_prior };
        LanguageCentering::fit(vectors, options)
    }

    /// [`Pipeline::attach_vectors`] for a batch that is compared only within itself
    /// (`cluster`, `similarity`): the vectors are then centred per language over the batch.
    pub(crate) fn attach_batch_vectors<S: Store>(
        &self,
        articles: &[&CleanArticle],
        keys: &[String],
        features: &mut [ArticleFeatures],
        cache: Option<&mut S>,
    ) -> Result<()> {
        self.attach_vectors(articles, keys, features, cache)?;
        let centering = self.fit_centering(&*features);
        center(centering.as_ref(), features);
        Ok(())
    }

    /// Sets `features[i].vector` for each article (nothing when no model is loaded).
    pub(crate) fn attach_vectors<S: Store>(
        &self,
        articles: &[&CleanArticle],
        keys: &[String],
        features: &mut [ArticleFeatures],
        cache: Option<&mut S>,
    ) -> Result<()> {
        if let Some(vecs) = self.vectors(articles, keys, cache, &mut |_, _| {})? {
            for (f, v) in features.iter_mut().zip(vecs) {
                f.vector = (!v.is_empty()).then_some(v);
            }
        }
        Ok(())
    }
}

/// The store key of a sentence's vector: by its text, so that a sentence met again (in another
/// article, command or process) is never encoded twice by one model.
pub(crate) fn sentence_key(sentence: &str) -> String {
    format!("s:{}", blake3::hash(sentence.as_bytes()).to_hex())
}

impl Pipeline {
    /// Encoder vectors of each article's alignment sentences ([`storyweave_relate::sentence_texts`]),
    /// empty lists without a model. Cached in `cache` by sentence text, so a sentence is
    /// encoded once whichever article or command brings it.
    pub fn sentence_vectors<S: Store>(
        &self,
        articles: &[&CleanArticle],
        cache: Option<&mut S>,
    ) -> Result<Vec<Vec<Vec<f32>>>> {
        let texts: Vec<Vec<&str>> = articles.iter().map(|a| storyweave_relate::sentence_texts(a)).collect();
        self.encode_sentences(&texts, cache)
    }

    /// Encoder vectors of the given sentences (one list per article), empty lists without a
    /// model; cached in `cache` by sentence text, like [`Pipeline::sentence_vectors`].
    pub fn encode_sentences<S: Store>(&self, texts: &[Vec<&str>], mut cache: Option<&mut S>) -> Result<Vec<Vec<Vec<f32>>>> {
        let Some(encoder) = self.encoder() else {
            return Ok(vec![Vec::new(); texts.len()]);
        };
        let model = encoder.id().to_string();
        let keys: Vec<Vec<String>> = texts
            .iter()
            .map(|ss| ss.iter().map(|s| sentence_key(s)).collect())
            .collect();
        let mut found: std::collections::HashMap<String, Vec<f32>> = std::collections::HashMap::new();
        let mut missing: Vec<(&String, &str)> = Vec::new();
        let mut queued = std::collections::HashSet::new();
        for (s, k) in texts.iter().flatten().zip(keys.iter().flatten()) {
            if found.contains_key(k) || queued.contains(k) {
                continue;
            }
            match cache.as_deref().map(|c| c.vector(&model, k)).transpose()?.flatten() {
                Some(v) if v.len() == encoder.dim() => {
                    found.insert(k.clone(), v);
                }
                _ => {
                    queued.insert(k);
                    missing.push((k, s));
                }
            }
        }
        if !missing.is_empty() {
            let sentences: Vec<&str> = missing.iter().map(|&(_, s)| s).collect();
            let vecs = encoder.encode_batch(&sentences)?;
            let fresh: Vec<(String, Vec<f32>)> = missing.iter().map(|&(k, _)| k.clone()).zip(vecs).collect();
            if let Some(store) = cache.as_deref_mut() {
                // Nests as a savepoint when the caller (ingest) already holds a transaction.
                store.write(|s| s.put_vectors(&model, &fresh))?;
            }
            found.extend(fresh);
        }
        Ok(keys.iter().map(|ks| ks.iter().filter_map(|k| found.get(k).cloned()).collect()).collect())
    }
}

impl Pipeline {
    /// Attaches stored vectors to loaded features; articles stored before the model was
    /// used (or under another model) are encoded now, once, from their stored text, and
    /// their vectors stored.
    pub(crate) fn load_vectors<S: Store>(
        &self,
        store: &mut S,
        feats: &mut [(ArticleId, ArticleFeatures, Option<storyweave_model::StoryId>)],
    ) -> Result<()> {
        let Some(encoder) = self.encoder() else { return Ok(()) };
        let model = encoder.id().to_string();
        let mut have: std::collections::HashMap<String, Vec<f32>> = if feats.len() > VECTOR_SCAN_MIN {
            store.vectors_with_prefix(&model, "a:")?.into_iter().collect()
        } else {
            let mut m = std::collections::HashMap::new();
            for (id, _, _) in feats.iter() {
                let k = article_key(id);
                if let Some(v) = store.vector(&model, &k)? {
                    m.insert(k, v);
                }
            }
            m
        };
        let mut missing: Vec<usize> = Vec::new();
        for (i, (id, f, _)) in feats.iter_mut().enumerate() {
            match have.remove(&article_key(id)) {
                Some(v) if v.len() == encoder.dim() => f.vector = Some(v),
                _ => missing.push(i),
            }
        }
        for chunk in missing.chunks(ENCODE_CHUNK) {
            let mut articles = Vec::with_capacity(chunk.len());
            let mut slots = Vec::with_capacity(chunk.len());
            for &i in chunk {
                if let Some(a) = store.article(&feats[i].0)? {
                    articles.push(a);
                    slots.push(i);
                }
            }
            let refs: Vec<&CleanArticle> = articles.iter().collect();
            let keys: Vec<String> = articles.iter().map(|a| article_key(&a.id)).collect();
            if let Some(vecs) = self.vectors(&refs, &keys, Some(&mut *store), &mut |_, _| {})? {
                for (&i, v) in slots.iter().zip(vecs) {
                    feats[i].1.vector = (!v.is_empty()).then_some(v);
                }
            }
        }
        Ok(())
    }
}

/// Above this many articles, stored vectors are read in one scan rather than one by one.
const VECTOR_SCAN_MIN: usize = 256;

/// Centres each not yet centred vector of `features` with `centering` (nothing when `None`).
pub(crate) fn center<'a>(centering: Option<&LanguageCentering>, features: impl IntoIterator<Item = &'a mut ArticleFeatures>) {
    let Some(c) = centering else { return };
    for f in features {
        if let (false, Some(v)) = (f.vector_centered, f.vector.as_mut()) {
            c.apply(f.lang.as_str(), v);
            f.vector_centered = true;
        }
    }
}
