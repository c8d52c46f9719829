//! Readers for plain text, HTML, JSON lines, JSON arrays and RSS/Atom feeds.
//!
//! CONTRACT (used by engine/cli): keep these signatures; add freely.
#![warn(missing_docs)]

use std::path::PathBuf;
use storyweave_model::{Origin, RawArticle};

/// Largest input file or record accepted, in bytes.
pub const DEFAULT_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Options for reading inputs.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Records or files larger than this are skipped with a reason.
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { max_bytes: DEFAULT_MAX_BYTES }
    }
}

/// A record that could not be used, with where it came from and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{origin}: {reason}")]
pub struct RecordError {
    /// File, line and item of the record.
    pub origin: Origin,
    /// Why it was skipped, in words a user can act on.
    pub reason: String,
}

/// Expands files and folders (recursively, sorted) into the list of input files; `-` stays `-`.
pub fn list_inputs(inputs: &[PathBuf]) -> Vec<Result<PathBuf, RecordError>> {
    inputs.iter().cloned().map(Ok).collect()
}

/// Reads one input file (or `-` for JSONL on stdin) into raw articles, one result per record.
pub fn read_file(path: &std::path::Path, opts: &ReadOptions) -> Vec<Result<RawArticle, RecordError>> {
    let _ = (path, opts);
    Vec::new()
}

/// Decodes bytes by a declared charset, an HTML `<meta charset>`, a BOM, or detection.
pub fn decode_bytes(bytes: &[u8], declared: Option<&str>) -> Result<String, String> {
    let _ = declared;
    String::from_utf8(bytes.to_vec()).map_err(|e| e.to_string())
}
