//! Whitespace, invisible-character and Unicode normalisation of extracted text.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Characters that carry no text: soft hyphen, zero-width space/joiners, BOM, word joiner.
fn invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Collapses every run of whitespace (NBSP included) to one space, trims, drops invisibles.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if !invisible(c) {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// NFC form of `s`; the quick check avoids a copy for text that is already NFC (nearly all).
pub fn nfc(s: String) -> String {
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => s,
        _ => s.nfc().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_and_trims() {
        assert_eq!(collapse_ws("  a \n\t b\u{a0}c  "), "a b c");
        assert_eq!(collapse_ws("Ab\u{ad}satz"), "Absatz");
        assert_eq!(collapse_ws("\u{200b}"), "");
    }

    #[test]
    fn composes_to_nfc() {
        assert_eq!(nfc("e\u{301}".to_string()), "\u{e9}");
        assert_eq!(nfc("plain".to_string()), "plain");
    }
}
