//! Candidate index, similarity and online story assignment.
//!
//! Each new article is compared only with the articles that share its rarest features
//! (names, numbers, word stems) in an inverted index, never with every stored article, and
//! joins the story of its best match when the similarity clears a threshold.
//!
//! ```
//! use storyweave_cluster::{ClusterConfig, OnlineClusterer, SimilarityConfig};
//! let clusterer = OnlineClusterer::new(ClusterConfig::default(), SimilarityConfig::default());
//! assert_eq!(clusterer.len(), 0);
//! ```
#![warn(missing_docs)]

pub mod ann;
mod online;
mod similarity;

pub use online::{Assignment, ClusterConfig, OnlineClusterer};
pub use similarity::{ChannelScores, DocFreq, Prepared, Similarity, SimilarityConfig};
