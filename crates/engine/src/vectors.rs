//! Encoder vectors of articles, cached in the store so that no text is encoded twice.

use crate::{Engine, Result};
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

impl Engine {
    /// Article vectors, one per article (`None` when no model is loaded). Vectors found in
    /// `cache` under `keys` are reused; the others are encoded and written to `cache`.
    /// `progress(done, total)` is called after each encoded chunk.
    pub fn vectors(
        &self,
        articles: &[&CleanArticle],
        keys: &[String],
        mut cache: Option<&mut Store>,
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
                store.transaction(|s| s.put_vectors(&model, &fresh))?;
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
        let s = &self.config.similarity;
        let options = CenteringOptions { min_articles: s.center_min_articles, prior: s.center_prior };
        LanguageCentering::fit(features.into_iter().filter_map(|f| f.vector.as_deref().map(|v| (f.lang.as_str(), v))), options)
    }

    /// [`Engine::attach_vectors`] for a batch that is compared only within itself
    /// (`cluster`, `similarity`): the vectors are then centred per language over the batch.
    pub(crate) fn attach_batch_vectors(
        &self,
        articles: &[&CleanArticle],
        keys: &[String],
        features: &mut [ArticleFeatures],
        cache: Option<&mut Store>,
    ) -> Result<()> {
        self.attach_vectors(articles, keys, features, cache)?;
        let centering = self.fit_centering(&*features);
        center(centering.as_ref(), features);
        Ok(())
    }

    /// Sets `features[i].vector` for each article (nothing when no model is loaded).
    pub(crate) fn attach_vectors(
        &self,
        articles: &[&CleanArticle],
        keys: &[String],
        features: &mut [ArticleFeatures],
        cache: Option<&mut Store>,
    ) -> Result<()> {
        if let Some(vecs) = self.vectors(articles, keys, cache, &mut |_, _| {})? {
            for (f, v) in features.iter_mut().zip(vecs) {
                f.vector = (!v.is_empty()).then_some(v);
            }
        }
        Ok(())
    }
}

impl Engine {
    /// Encoder vectors of each article's alignment sentences ([`storyweave_relate::sentence_texts`]),
    /// empty lists without a model. Cached in `cache` by sentence text, so a sentence is
    /// encoded once whichever article or command brings it.
    pub fn sentence_vectors(
        &self,
        articles: &[&CleanArticle],
        cache: Option<&mut Store>,
    ) -> Result<Vec<Vec<Vec<f32>>>> {
        let texts: Vec<Vec<&str>> = articles.iter().map(|a| storyweave_relate::sentence_texts(a)).collect();
        self.encode_sentences(&texts, cache)
    }

    /// Encoder vectors of the given sentences (one list per article), empty lists without a
    /// model; cached in `cache` by sentence text, like [`Engine::sentence_vectors`].
    pub fn encode_sentences(&self, texts: &[Vec<&str>], mut cache: Option<&mut Store>) -> Result<Vec<Vec<Vec<f32>>>> {
        let Some(encoder) = self.encoder() else {
            return Ok(vec![Vec::new(); texts.len()]);
        };
        let model = encoder.id().to_string();
        let keys: Vec<Vec<String>> = texts
            .iter()
            .map(|ss| ss.iter().map(|s| format!("s:{}", blake3::hash(s.as_bytes()).to_hex())).collect())
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
                store.transaction(|s| s.put_vectors(&model, &fresh))?;
            }
            found.extend(fresh);
        }
        Ok(keys.iter().map(|ks| ks.iter().filter_map(|k| found.get(k).cloned()).collect()).collect())
    }
}

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
