//! Neural sentence encoders: the [`Encoder`] trait and a pure-Rust transformer encoder
//! (BERT or XLM-RoBERTa, loaded with `candle` from a Hugging Face model directory).
//!
//! An article becomes vectors in [`passages`]: title + lead in the first window, the rest of
//! the body in further windows, averaged into one article vector.

mod centering;
mod passages;
mod transformer;

pub use centering::{CenteringOptions, LanguageCentering};
pub use passages::{article_passages, combine_passages, encode_articles, ArticleVectors, PassagePlan, WindowConfig};
pub use transformer::{ModelOptions, TransformerEncoder};

use thiserror::Error;

/// Why a model could not be loaded or run.
#[derive(Debug, Error)]
pub enum EncodeError {
    /// A file of the model directory is missing or unreadable.
    #[error("model directory {dir}: {reason}")]
    Model {
        /// The directory given as the model.
        dir: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The tokenizer failed on an input.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The tensor computation failed.
    #[error("model inference: {0}")]
    Inference(String),
}

/// A dense text encoder: texts in, one L2-normalised vector per text out.
pub trait Encoder: Send + Sync {
    /// A versioned identifier of the model and of how vectors are made from it; vectors made
    /// under another id must never be compared with these.
    fn id(&self) -> &str;
    /// Length of every vector.
    fn dim(&self) -> usize;
    /// Largest number of tokens (special tokens included) one passage may have.
    fn max_tokens(&self) -> usize;
    /// Token ids of `text` without special tokens, with each token's byte range in `text`.
    fn tokenize(&self, text: &str) -> Result<Vec<(u32, std::ops::Range<usize>)>, EncodeError>;
    /// Token ids of the prefix put before every passage (e.g. E5's "passage: ").
    fn prefix_ids(&self) -> &[u32];
    /// Encodes passages given as token ids (without special tokens, at most
    /// `max_tokens() - 2` each; longer ones are cut). One vector per passage, in order.
    fn encode_ids(&self, passages: &[Vec<u32>]) -> Result<Vec<Vec<f32>>, EncodeError>;
    /// Encodes whole texts, each as one passage (prefixed, cut at `max_tokens`).
    fn encode_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncodeError> {
        let mut ids = Vec::with_capacity(texts.len());
        for t in texts {
            let mut p = self.prefix_ids().to_vec();
            p.extend(self.tokenize(t)?.into_iter().map(|(id, _)| id));
            ids.push(p);
        }
        self.encode_ids(&ids)
    }
}

/// Cosine of two L2-normalised vectors (their dot product), 0 when lengths differ.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Scales `v` to unit length in place (a zero vector stays zero).
pub fn normalize(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}
