//! The bilingual lexicon: arbitrary dictionary files and arbitrary queries (the lookup slices
//! words by prefixes and compound parts, and cuts Han runs by dictionary words).
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyweave_model::Lang;
use storyweave_text::{Lexicon, Translate};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first line of the input is the query; the rest is every dictionary's text.
    let (query, table) = text.split_once('\n').unwrap_or((&text, ""));
    let lexicon = Lexicon::from_tables(&[("pl", "en", table), ("de", "en", table), ("zh", "en", table), ("en", "it", table)]);
    for (from, to) in [("pl", "en"), ("de", "en"), ("zh", "en"), ("pl", "it"), ("en", "it")] {
        for alts in lexicon.translate(query, &Lang::new(from), &Lang::new(to)) {
            assert!(!alts.is_empty() && alts.iter().all(|a| !a.is_empty()), "an empty translation group: {alts:?}");
        }
    }
    let _ = lexicon.source_language(query, None);
});
