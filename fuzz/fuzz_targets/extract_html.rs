//! Main-text extraction from HTML and boilerplate removal from plain text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyweave_extract::{clean_plain_text, Extractor, HtmlExtractor};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = HtmlExtractor::default().extract(&text, Some("https://fuzz.example/article"));
    let _ = clean_plain_text(&text, true);
    let _ = clean_plain_text(&text, false);
});
