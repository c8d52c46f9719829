//! Candidate index, similarity and online story assignment
#![warn(missing_docs)]
