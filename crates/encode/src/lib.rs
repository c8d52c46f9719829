//! Encoder trait and model-free article features
#![warn(missing_docs)]
