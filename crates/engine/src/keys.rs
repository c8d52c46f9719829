//! An article's cross-lingual search keys, made from the features it already has.
//!
//! The feature extractor hashes every name key, number, date, stem and script-neutral prefix
//! (`Путина`, `Putin` and `Putina` meet in one entity hash). Writing those hashes as tokens
//! into the store's full-text index makes that index cross-lingual for free: a query is
//! featurised the same way and matched token for token, so nothing is analysed twice.

use storyweave_encode::{ArticleFeatures, SparseVec};
use storyweave_store::SearchKeys;

/// Hash `h` as a search token: 8 hex digits, which the store's `ascii` tokenizer keeps whole.
pub(crate) fn token(h: u32) -> String {
    format!("{h:08x}")
}

fn tokens(v: &SparseVec) -> Vec<String> {
    v.iter().map(|&(h, _)| token(h)).collect()
}

/// The search keys of an article (or of a query featurised as one).
pub fn search_keys(f: &ArticleFeatures) -> SearchKeys {
    SearchKeys { ents: tokens(&f.ents), nums: tokens(&f.nums), terms: tokens(&f.terms), xterms: tokens(&f.xterms) }
}

/// The entity token of a name, as [`search_keys`] writes it (for the story list's entity
/// filter): the name's cross-lingual key, hashed as the feature extractor hashes entities.
pub fn entity_token(name: &str) -> Option<String> {
    let key = storyweave_entities::entity_key(name.trim(), &storyweave_model::Lang::unknown());
    (!key.is_empty()).then(|| token(storyweave_encode::hash_key("ent", &key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_in_two_scripts_gives_one_token() {
        assert_eq!(entity_token("Putin"), entity_token("Путин"));
        assert_ne!(entity_token("Putin"), entity_token("Macron"));
        assert_eq!(entity_token("  "), None);
    }

    #[test]
    fn every_feature_becomes_one_token() {
        let f = ArticleFeatures {
            ents: SparseVec::from_counts(vec![(1, 1.0), (0xdead_beef, 2.0)]),
            ..Default::default()
        };
        let k = search_keys(&f);
        assert_eq!(k.ents, vec!["00000001".to_string(), "deadbeef".to_string()]);
        assert!(k.nums.is_empty());
    }
}
