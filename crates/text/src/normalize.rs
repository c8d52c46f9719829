//! Text normalisation: NFC, invisible characters removed, spaces unified, blank lines dropped.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// What to do with one character during normalisation.
enum CharClass {
    /// Invisible formatting that only splits words when left in (soft hyphen, zero-width).
    Drop,
    /// Any horizontal space (NBSP, thin space, ideographic space, tab …).
    Space,
    /// A line break (`\n`, `\r`, line and paragraph separators, next line, vertical tab/form feed).
    Newline,
    /// Everything else: kept.
    Keep,
}

fn classify(c: char) -> CharClass {
    match c {
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => CharClass::Drop,
        '\n' | '\r' | '\u{000B}' | '\u{000C}' | '\u{0085}' | '\u{2028}' | '\u{2029}' => {
            CharClass::Newline
        }
        c if c.is_whitespace() => CharClass::Space,
        // Other control characters (scraping leftovers) carry no text; they act as a space so
        // that words on either side stay apart.
        c if c.is_control() => CharClass::Space,
        _ => CharClass::Keep,
    }
}

/// NFC-normalises, drops soft hyphens and zero-width characters, maps every Unicode space to
/// `' '`, collapses runs of spaces, trims lines and drops blank lines, so paragraphs are
/// separated by a single `\n`.
pub fn normalize(text: &str) -> String {
    // Invisible characters go before composing: a soft hyphen between a letter and its
    // combining accent would otherwise keep them apart. Checking first avoids the NFC pass for
    // the common, already composed input.
    let has_drop = text.chars().any(|c| matches!(classify(c), CharClass::Drop));
    if !has_drop && is_nfc_quick(text.chars()) == IsNormalized::Yes {
        collapse(text.chars(), text.len())
    } else {
        let visible = text
            .chars()
            .filter(|&c| !matches!(classify(c), CharClass::Drop));
        collapse(visible.nfc(), text.len())
    }
}

/// Unifies spaces, trims lines and drops blank lines in one pass over composed characters.
fn collapse(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    // A space or line break waiting to be written: written only once a kept character follows,
    // which trims lines, collapses runs and drops blank lines at once.
    let mut pending_space = false;
    let mut pending_newline = false;
    for c in chars {
        match classify(c) {
            CharClass::Drop => {}
            CharClass::Space => pending_space = true,
            CharClass::Newline => {
                pending_newline = true;
                pending_space = false;
            }
            CharClass::Keep => {
                if !out.is_empty() {
                    if pending_newline {
                        out.push('\n');
                    } else if pending_space {
                        out.push(' ');
                    }
                }
                pending_space = false;
                pending_newline = false;
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SOFT_HYPHEN: char = '\u{00AD}';

    #[test]
    fn soft_hyphens_and_zero_width_removed() {
        assert_eq!(normalize("Nord\u{00AD}korea"), "Nordkorea");
        assert_eq!(
            normalize("a\u{200B}b\u{200C}c\u{200D}d\u{2060}e\u{FEFF}f"),
            "abcdef"
        );
    }

    #[test]
    fn nfc_composes() {
        let decomposed = "Vuc\u{030C}ic\u{0301}";
        assert_eq!(normalize(decomposed), "Vučić");
        assert_eq!(normalize(decomposed).chars().count(), 5);
    }

    #[test]
    fn soft_hyphen_between_letter_and_accent_does_not_block_composition() {
        assert_eq!(normalize("e\u{00AD}\u{0301}"), "\u{00E9}");
    }

    #[test]
    fn unicode_spaces_become_one_space() {
        assert_eq!(
            normalize("13,5\u{00A0}°C\u{2009}und\t\t\u{3000}mehr"),
            "13,5 °C und mehr"
        );
    }

    #[test]
    fn lines_trimmed_and_blank_lines_dropped() {
        let raw = "  Title \r\n\r\n\n   \u{00A0}\n First  para. \n\u{2029}Second\n\n";
        assert_eq!(normalize(raw), "Title\nFirst para.\nSecond");
        assert_eq!(normalize(" \n\t\n"), "");
    }

    proptest! {
        #[test]
        fn output_is_clean_and_idempotent(s in "\\PC{0,80}|[ \\n\\t\u{00A0}\u{00AD}a-c]{0,40}") {
            let n = normalize(&s);
            prop_assert_eq!(normalize(&n), n.clone());
            let clean = !n.contains("  ") && !n.contains("\n\n") && !n.contains(SOFT_HYPHEN);
            prop_assert!(clean);
            prop_assert!(n.lines().all(|l| l == l.trim() && !l.is_empty()));
        }
    }
}
