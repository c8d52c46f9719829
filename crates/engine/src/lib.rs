//! The storyweave library's one entry point: the [`Pipeline`] (raw article → clean article →
//! features → vectors → relations) and the long-lived [`Engine`] over a store, which the CLI,
//! the server and the tests all use.
//!
//! ```
//! use storyweave_engine::{Config, Engine, Pipeline};
//! use storyweave_model::{Origin, RawArticle, RawBody};
//! let engine = Engine::in_memory(Pipeline::new(Config::default()))?;
//! let raw = RawArticle {
//!     id: Some("a1".into()), url: None, title: Some("Quake hits Ridgeton".into()),
//!     body: RawBody::Text("A 6.1 earthquake hit the town of Ridgeton on Monday.".into()),
//!     lang: Some("en".into()), published: None, source: None, origin: Origin::default(),
//!     warnings: Vec::new(),
//! };
//! let report = engine.ingest_raw(vec![raw], &mut ())?;
//! assert_eq!((report.added, report.new_stories), (1, 1));
//! let page = engine.stories(&Default::default())?;
//! assert_eq!(page.stories[0].story.headline, "Quake hits Ridgeton");
//! # Ok::<(), storyweave_engine::EngineError>(())
//! ```
#![warn(missing_docs)]

mod clean;
pub mod compare;
mod config;
mod engine;
mod error;
mod ingest;
mod keys;
mod pairs;
pub mod search;
mod state;
mod summary;
mod vectors;
pub mod views;

pub use clean::CleanError;
pub use config::{Config, InputConfig, LexiconOptions};
pub use engine::{Engine, Listener, LoadInfo, StoryEvent, SAVE_EVERY};
pub use error::{EngineError, ErrorKind, Result};
pub use ingest::{IngestReport, Skip, StorySink, Warning};
pub use keys::{entity_token, search_keys};
pub use pairs::{PairInput, PairResult};
pub use search::{SearchHit, SearchQuery};
pub use summary::summarize_story;
pub use storyweave_cluster::Assignment;
pub use vectors::{article_key, content_key};
pub use views::{ArticleSummary, ArticleView, RelationView, StoryExport, StoryView};
pub use compare::{compare_story, comparison_stamp, story_comparison, StoryComparison};

use storyweave_cluster::OnlineClusterer;
use storyweave_encode::{ArticleFeatures, FeatureExtractor};
use storyweave_extract::HtmlExtractor;
use storyweave_model::{ArticleId, CleanArticle, StoryId};
use storyweave_relate::Relator;
use storyweave_store::Store;

/// The stateless pipeline: configuration, extractor, feature extractor, encoder, relator.
/// Cheap to share between threads; the [`Engine`] holds one.
pub struct Pipeline {
    pub(crate) config: Config,
    extractor: HtmlExtractor,
    features: FeatureExtractor,
    pub(crate) relator: Relator,
    encoder: Option<std::sync::Arc<dyn storyweave_encode::Encoder>>,
    translator: Option<std::sync::Arc<dyn storyweave_text::Translate>>,
}

impl Pipeline {
    /// Builds the pipeline.
    pub fn new(config: Config) -> Self {
        let relator = Relator::new(config.relate.clone());
        Pipeline { config, extractor: HtmlExtractor, features: FeatureExtractor, relator, encoder: None, translator: None }
    }

    /// A pipeline with the encoder of `config.model.path` loaded (model-free when unset).
    pub fn with_model(config: Config) -> Result<Self> {
        let encoder: Option<std::sync::Arc<dyn storyweave_encode::Encoder>> = match &config.model.path {
            Some(_) => Some(std::sync::Arc::new(storyweave_encode::TransformerEncoder::load(&config.model)?)),
            None => None,
        };
        let mut p = Pipeline::new(config);
        p.encoder = encoder;
        Ok(p)
    }

    /// A pipeline using this encoder (tests and embedders bring their own).
    pub fn with_encoder(config: Config, encoder: std::sync::Arc<dyn storyweave_encode::Encoder>) -> Self {
        let mut p = Pipeline::new(config);
        p.encoder = Some(encoder);
        p
    }

    /// Loads the bilingual lexicon of `[lexicon] path`, when one is set.
    pub fn with_lexicon(mut self) -> Result<Self> {
        if let Some(dir) = &self.config.lexicon.path {
            self.translator = Some(std::sync::Arc::new(storyweave_text::Lexicon::load(dir)?));
        }
        Ok(self)
    }

    /// A pipeline that translates search queries with `translator` (tests bring their own).
    pub fn with_translator(mut self, translator: std::sync::Arc<dyn storyweave_text::Translate>) -> Self {
        self.translator = Some(translator);
        self
    }

    /// The query translator (bilingual lexicon), if any.
    pub fn translator(&self) -> Option<&dyn storyweave_text::Translate> {
        self.translator.as_deref()
    }

    /// The loaded encoder, if any.
    pub fn encoder(&self) -> Option<&dyn storyweave_encode::Encoder> {
        self.encoder.as_deref()
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Model-free features of a clean article.
    pub fn features(&self, article: &CleanArticle) -> ArticleFeatures {
        self.features.extract(article)
    }

    /// The features of an article from its analysis (names, numbers and dates found once).
    pub fn features_with(&self, article: &CleanArticle, analysis: &storyweave_analyze::Analysis) -> ArticleFeatures {
        self.features.extract_with(article, analysis)
    }

    pub(crate) fn new_clusterer(&self) -> OnlineClusterer {
        OnlineClusterer::new(self.config.cluster.clone(), self.config.similarity.clone())
    }

    /// Groups a batch of clean articles into stories; no story is stored. Encoder vectors are
    /// looked up in and added to `cache` when given. Articles are assigned in the given order;
    /// the result does not depend on the number of threads.
    pub fn cluster<S: Store>(&self, articles: Vec<CleanArticle>, cache: Option<&mut S>) -> Result<Vec<(ArticleId, StoryId)>> {
        use rayon::prelude::*;
        let mut feats: Vec<ArticleFeatures> = articles.par_iter().map(|a| self.features(a)).collect();
        let refs: Vec<&CleanArticle> = articles.iter().collect();
        let keys: Vec<String> = articles.iter().map(content_key).collect();
        self.attach_batch_vectors(&refs, &keys, &mut feats, cache)?;
        let mut clusterer = self.new_clusterer();
        for f in &feats {
            clusterer.observe(f);
        }
        let ids: Vec<ArticleId> = articles.iter().map(|a| a.id.clone()).collect();
        for (a, f) in articles.into_iter().zip(feats) {
            clusterer.assign(a.id, f);
        }
        // Stories can merge after an article was assigned, so read them at the end.
        Ok(ids.into_iter().enumerate().map(|(i, id)| (id, clusterer.story_at(i))).collect())
    }

    /// A hash of the parameters that shape the story state (similarity and clustering), so
    /// that index files made with other parameters are not reused.
    pub(crate) fn params_hash(&self) -> String {
        let text = format!("{:?}{:?}", self.config.similarity, self.config.cluster);
        blake3::hash(text.as_bytes()).to_hex()[..16].to_string()
    }

    /// Writes the search keys of every stored article when the store's keys were made with
    /// another feature format (or by a storyweave without search): once per store upgrade.
    pub(crate) fn migrate_search_keys<S: Store>(&self, store: &mut S) -> Result<()> {
        const KEYS_META: &str = "engine.search_keys_version";
        if store.meta(KEYS_META)?.as_deref() == Some(storyweave_encode::FEATURES_VERSION) {
            return Ok(());
        }
        let rows = store.features_after(0, storyweave_encode::FEATURES_VERSION)?;
        store.write(|s| {
            s.clear_search_keys()?;
            for r in &rows {
                if let Some(f) = r.features.as_deref().and_then(|b| ArticleFeatures::from_bytes(b).ok()) {
                    s.put_search_keys(&r.id, &keys::search_keys(&f))?;
                }
            }
            s.set_meta(KEYS_META, storyweave_encode::FEATURES_VERSION)
        })?;
        Ok(())
    }
}

/// Runs `f` in one exclusive write transaction of `store`, with the engine's error type.
pub(crate) fn write<S: Store, T>(store: &mut S, f: impl FnOnce(&mut S) -> Result<T>) -> Result<T> {
    store.write(f)
}

impl<S: Store> Engine<S> {
    /// A page of stories (filters, order, cursor).
    pub fn stories(&self, q: &storyweave_store::StoryQuery) -> Result<storyweave_store::StoryPage> {
        self.read(|r| views::story_page(r, q))
    }

    /// One story with its articles, relations, groups and timeline.
    pub fn story(&self, id: StoryId) -> Result<StoryView> {
        self.read(|r| views::story_view(r, id))
    }

    /// One story with the comparison inside it: headline and summary in `lang` (or the
    /// closest language), provenance groups and what each source adds.
    pub fn story_compared(&self, id: StoryId, lang: Option<storyweave_model::Lang>) -> Result<StoryView> {
        let comparison = self.story_comparison(id, lang)?;
        let mut view = self.story(id)?;
        view.comparison = Some((*comparison).clone());
        Ok(view)
    }

    /// One story as `export` writes it.
    pub fn story_export(&self, id: StoryId) -> Result<StoryExport> {
        self.read(|r| views::story_export(r, id))
    }

    /// One article in full.
    pub fn article(&self, id: &ArticleId) -> Result<ArticleView> {
        self.read(|r| views::article_view(r, id))
    }

    /// Searches the stories (see [`search`]).
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>> {
        let found = match search::query_vector(self.pipeline(), &q.text)? {
            Some((v, lang)) => Some(search::Found(self.nearest(&v, &lang, search::PER_SIGNAL)?)),
            None => None,
        };
        self.read(|r| search::search(self.pipeline(), r, found.as_ref().map(|v| v as &dyn search::VectorSearch), q))
    }
}
