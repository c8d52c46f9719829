//! Builds the storyweave pipeline from one [`Config`]; the one API the binaries call.
//!
//! raw article → [`Engine::clean`] → features → online story assignment → relations → store.
//!
//! ```
//! use storyweave_engine::{Config, Engine};
//! use storyweave_model::{Origin, RawArticle, RawBody};
//! let engine = Engine::new(Config::default());
//! let raw = RawArticle {
//!     id: Some("a1".into()), url: None, title: Some("Quake hits Ridgeton".into()),
//!     body: RawBody::Text("A 6.1 earthquake hit the town of Ridgeton on Monday.".into()),
//!     lang: Some("en".into()), published: None, source: None, origin: Origin::default(),
//! };
//! let clean = engine.clean(raw).unwrap();
//! assert_eq!(clean.lang.as_str(), "en");
//! let stories = engine.cluster(vec![clean], None).unwrap();
//! assert_eq!(stories.len(), 1);
//! ```
#![warn(missing_docs)]

mod clean;
pub mod compare;
mod config;
mod ingest;
mod pairs;
mod summary;
mod vectors;

pub use clean::CleanError;
pub use config::{Config, InputConfig};
pub use ingest::{IngestReport, Skip, StorySink};
pub use pairs::{PairInput, PairResult};
pub use summary::summarize_story;
pub use vectors::{article_key, content_key};

use storyweave_cluster::OnlineClusterer;
use storyweave_encode::{ArticleFeatures, FeatureExtractor};
use storyweave_extract::HtmlExtractor;
use storyweave_model::{ArticleId, CleanArticle, StoryId};
use storyweave_relate::Relator;

/// Errors of the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A configuration file could not be read or parsed.
    #[error("configuration {path}: {reason}")]
    Config {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] storyweave_store::StoreError),
    /// The neural encoder could not be loaded or run.
    #[error(transparent)]
    Model(#[from] storyweave_encode::EncodeError),
    /// Stored features could not be read back.
    #[error("stored features of article {id} are unreadable: {reason}")]
    Features {
        /// The article.
        id: String,
        /// Decoder message.
        reason: String,
    },
}

/// Result type of the engine.
pub type Result<T> = std::result::Result<T, EngineError>;

/// The pipeline with its configuration.
pub struct Engine {
    config: Config,
    extractor: HtmlExtractor,
    features: FeatureExtractor,
    relator: Relator,
    encoder: Option<std::sync::Arc<dyn storyweave_encode::Encoder>>,
}

impl Engine {
    /// Builds the pipeline.
    pub fn new(config: Config) -> Self {
        let relator = Relator::new(config.relate.clone());
        Engine { config, extractor: HtmlExtractor, features: FeatureExtractor, relator, encoder: None }
    }

    /// An engine with the encoder of `config.model.path` loaded (model-free when unset).
    pub fn with_model(config: Config) -> Result<Self> {
        let encoder: Option<std::sync::Arc<dyn storyweave_encode::Encoder>> = match &config.model.path {
            Some(_) => Some(std::sync::Arc::new(storyweave_encode::TransformerEncoder::load(&config.model)?)),
            None => None,
        };
        let mut engine = Engine::new(config);
        engine.encoder = encoder;
        Ok(engine)
    }

    /// An engine using this encoder (tests and embedders bring their own).
    pub fn with_encoder(config: Config, encoder: std::sync::Arc<dyn storyweave_encode::Encoder>) -> Self {
        let mut engine = Engine::new(config);
        engine.encoder = Some(encoder);
        engine
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

    fn new_clusterer(&self) -> OnlineClusterer {
        OnlineClusterer::new(self.config.cluster.clone(), self.config.similarity.clone())
    }

    /// Groups a batch of clean articles into stories; no story is stored. Encoder vectors are
    /// looked up in and added to `cache` when given. Articles are assigned in the given order;
    /// the result does not depend on the number of threads.
    pub fn cluster(&self, articles: Vec<CleanArticle>, cache: Option<&mut storyweave_store::Store>) -> Result<Vec<(ArticleId, StoryId)>> {
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
}
