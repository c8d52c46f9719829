//! Model-free article features: the evidence that carries across languages without a neural
//! model (entities, numbers, dates, cross-script word stems) plus per-language terms.
//!
//! ```
//! use storyweave_encode::FeatureExtractor;
//! use storyweave_model::{ArticleId, CleanArticle, Lang, Origin};
//! let article = CleanArticle {
//!     id: ArticleId::from("a1"), url: None, title: "Quake hits Ridgeton".into(),
//!     text: "A 6.1 earthquake hit Ridgeton on 3 May 2024.".into(), lang: Lang::new("en"),
//!     published: None, byline: None, source: None, origin: Origin::default(),
//! };
//! let features = FeatureExtractor::default().extract(&article);
//! assert!(!features.xterms.is_empty());
//! ```
#![warn(missing_docs)]

mod features;
pub mod neural;
mod sparse;
#[doc(hidden)]
pub mod tiny;

pub use features::{prefixes_cross_scripts, ArticleFeatures, FeatureExtractor, FEATURES_VERSION};
pub use neural::{CenteringOptions, Encoder, EncodeError, LanguageCentering, ModelOptions, TransformerEncoder, WindowConfig};
pub use sparse::{hash_key, SparseVec};
