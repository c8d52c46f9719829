//! Charset decoding and binary sniffing; valid UTF-8 without declarations must round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyweave_ingest::{decode_bytes, sniff_binary};

fuzz_target!(|data: &[u8]| {
    let _ = sniff_binary(data);
    let _ = decode_bytes(data, Some("text/html; charset=windows-1252"));
    let decoded = decode_bytes(data, None);
    if let Ok(text) = std::str::from_utf8(data) {
        let declares = text.contains("charset") || text.contains("<?xml") || text.starts_with('\u{FEFF}');
        if !declares {
            assert_eq!(decoded.as_deref(), Ok(text));
        }
    }
});
