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
//! let stories = engine.cluster(vec![clean]);
//! assert_eq!(stories.len(), 1);
//! ```
#![warn(missing_docs)]

mod clean;
mod config;
mod ingest;
mod pairs;
mod summary;

pub use clean::CleanError;
pub use config::{Config, InputConfig};
pub use ingest::{IngestReport, Skip, StorySink};
pub use pairs::{PairInput, PairResult};
pub use summary::summarize_story;

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
}

impl Engine {
    /// Builds the pipeline.
    pub fn new(config: Config) -> Self {
        let relator = Relator::new(config.relate.clone());
        Engine { config, extractor: HtmlExtractor, features: FeatureExtractor, relator }
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

    /// Groups a batch of clean articles into stories without touching any store. Articles
    /// are assigned in the given order; the result does not depend on the number of threads.
    pub fn cluster(&self, articles: Vec<CleanArticle>) -> Vec<(ArticleId, StoryId)> {
        use rayon::prelude::*;
        let feats: Vec<ArticleFeatures> = articles.par_iter().map(|a| self.features(a)).collect();
        let mut clusterer = self.new_clusterer();
        for f in &feats {
            clusterer.observe(f);
        }
        let ids: Vec<ArticleId> = articles.iter().map(|a| a.id.clone()).collect();
        for (a, f) in articles.into_iter().zip(feats) {
            clusterer.assign(a.id, f);
        }
        // Stories can merge after an article was assigned, so read them at the end.
        ids.into_iter().enumerate().map(|(i, id)| (id, clusterer.story_at(i))).collect()
    }
}
