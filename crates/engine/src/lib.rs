//! Builds the pipeline from config; the one API the binaries call
#![warn(missing_docs)]
