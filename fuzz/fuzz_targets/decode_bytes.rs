//! Charset decoding and binary sniffing. Any bytes decode (never an error, never a panic);
//! valid UTF-8 decodes to itself whatever it declares (only a BOM or ISO-2022-JP escapes can
//! say otherwise), with no warning; and replacement characters come with a warning.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyweave_ingest::{decode_text, sniff_binary};

fuzz_target!(|data: &[u8]| {
    let _ = sniff_binary(data);
    let _ = decode_text(data, Some("text/html; charset=windows-1252"));
    let decoded = decode_text(data, None);
    if let Ok(text) = std::str::from_utf8(data) {
        if !text.starts_with('\u{FEFF}') && !data.contains(&0x1B) {
            assert_eq!(decoded.text, text);
        }
    }
    let replaced = decoded.text.matches('\u{FFFD}').count();
    // U+FFFD written in the input itself is text, not a replacement (in UTF-16 too: the
    // first crash this target found was a UTF-16LE file holding two).
    let units = |rest: &[u8], le: bool| {
        rest.chunks_exact(2)
            .filter(|u| if le { *u == [0xFD, 0xFF] } else { *u == [0xFF, 0xFD] })
            .count()
    };
    let literal = match data {
        [0xFF, 0xFE, rest @ ..] => units(rest, true),
        [0xFE, 0xFF, rest @ ..] => units(rest, false),
        _ => data.windows(3).filter(|w| *w == "\u{FFFD}".as_bytes()).count(),
    };
    if replaced > literal {
        assert!(!decoded.warnings.is_empty(), "bytes replaced without a warning");
    }
});
