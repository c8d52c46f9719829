//! The one typed configuration of the pipeline, loadable from TOML.

use crate::EngineError;
use serde::{Deserialize, Serialize};
use std::path::Path;
use storyweave_cluster::{ClusterConfig, SimilarityConfig};
use storyweave_encode::ModelOptions;
use storyweave_relate::RelateConfig;

/// Input limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputConfig {
    /// Files and records larger than this many bytes are skipped with a reason.
    pub max_bytes: u64,
    /// Articles with fewer characters of text after cleaning are skipped: too short to tell
    /// a story apart (a caption, a stub, a paywall teaser).
    pub min_chars: usize,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig { max_bytes: storyweave_ingest::DEFAULT_MAX_BYTES, min_chars: 20 }
    }
}

/// All parameters of storyweave. Every section and key is optional in a TOML file; unknown
/// keys are an error so that a typo never silently falls back to a default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Input limits.
    pub input: InputConfig,
    /// Similarity weights.
    pub similarity: SimilarityConfig,
    /// Story assignment.
    pub cluster: ClusterConfig,
    /// Relation thresholds.
    pub relate: RelateConfig,
    /// The neural encoder (`[model]`); without `path`, storyweave runs model-free.
    pub model: ModelOptions,
    /// Search ranking.
    pub search: crate::search::SearchConfig,
    /// The bilingual lexicon (`[lexicon]`) that translates search queries word for word.
    pub lexicon: LexiconOptions,
}

/// Where the optional bilingual lexicon is (`scripts/lexicon.sh` builds one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LexiconOptions {
    /// Directory of `L-en.tsv` / `en-L.tsv` dictionaries; without it, search meets other
    /// languages only on names, figures, cognates and (with a model) vectors.
    pub path: Option<std::path::PathBuf>,
}

impl Config {
    /// Parses a TOML document.
    pub fn from_toml_str(text: &str) -> Result<Config, EngineError> {
        toml::from_str(text).map_err(|e| EngineError::Config { path: "<string>".into(), reason: e.to_string() })
    }

    /// Reads a TOML file.
    pub fn from_toml_file(path: &Path) -> Result<Config, EngineError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| EngineError::Config { path: path.display().to_string(), reason: e.to_string() })?;
        toml::from_str(&text)
            .map_err(|e| EngineError::Config { path: path.display().to_string(), reason: e.to_string() })
    }

    /// The configuration as TOML (for `storyweave config`). Parameters are `f32`, whose
    /// exact decimal expansion (0.15000000596…) would make the file hard to read, so floats
    /// are rounded to the 7 significant digits an `f32` holds.
    pub fn to_toml(&self) -> String {
        fn tidy(v: &mut toml::Value) {
            match v {
                toml::Value::Float(f) => {
                    if let Ok(short) = format!("{:.7}", *f as f32).parse::<f64>() {
                        *f = short;
                    }
                }
                toml::Value::Table(t) => t.iter_mut().for_each(|(_, v)| tidy(v)),
                toml::Value::Array(a) => a.iter_mut().for_each(tidy),
                _ => {}
            }
        }
        let Ok(mut value) = toml::Value::try_from(self) else { return String::new() };
        tidy(&mut value);
        toml::to_string_pretty(&value).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_files_override_only_what_they_name() {
        let c = Config::from_toml_str("[cluster]\nthreshold = 0.5\n").unwrap();
        assert_eq!(c.cluster.threshold, 0.5);
        assert_eq!(c.similarity, SimilarityConfig::default());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = Config::from_toml_str("[cluster]\nthreshhold = 0.5\n").unwrap_err();
        assert!(err.to_string().contains("threshhold"), "{err}");
    }

    #[test]
    fn defaults_round_trip_through_toml() {
        let c = Config::default();
        assert_eq!(Config::from_toml_str(&c.to_toml()).unwrap(), c);
    }
}
