//! Pairwise relations inside a story: translation, near-duplicate, shared passages
#![warn(missing_docs)]
