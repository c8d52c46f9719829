//! RSS/Atom feeds, including the per-item recovery path for broken documents.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyweave_ingest::{read_feed, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for result in read_feed(&text, "fuzz.xml", &ReadOptions::default()) {
        if let Err(e) = result {
            assert!(e.reason.starts_with(e.kind.prefix()), "reason without its prefix: {e}");
        }
    }
});
