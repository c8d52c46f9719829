//! JSON lines and single records: any bytes give one result per non-blank line, each error
//! naming its line, every kept date writable; no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyweave_ingest::{in_date_range, parse_record_str, read_jsonl, ReadOptions};
use storyweave_model::Origin;

fuzz_target!(|data: &[u8]| {
    // A small limit also exercises the too-large path of the bounded line reader.
    let opts = ReadOptions { max_bytes: 4096 };
    let lines = data.split(|&b| b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).count();
    let mut results = 0;
    for r in read_jsonl(data, "fuzz.jsonl", &opts) {
        results += 1;
        match r {
            // Whatever the date said, what reaches the store can be written (issue 12).
            Ok(a) => assert!(a.published.as_ref().is_none_or(in_date_range), "{:?}", a.published),
            Err(e) => assert!(e.origin.line.is_some(), "{e}"),
        }
    }
    assert!(results <= lines.max(1));
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_record_str(text, Origin::default());
    }
});
