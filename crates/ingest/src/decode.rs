//! Byte-level checks: binary sniffing and character decoding.

use encoding_rs::{Encoding, ISO_2022_JP, UTF_16BE, UTF_16LE, UTF_8};
use regex::bytes::Regex;
use std::sync::LazyLock;

/// How far into a file the binary sniffer looks: enough to see past any header of a real
/// binary format, small enough to cost nothing on a 1-GB JSONL file.
pub const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// Share of control bytes (in percent) above which the sniffed head counts as binary; text in
/// any encoding has almost none, compressed or image data about 10–15 %.
const MAX_CONTROL_PERCENT: usize = 10;

/// How far into a document a `<meta charset>` or XML encoding declaration is looked for. The
/// HTML standard's prescan reads 1024 bytes; real pages put long `<script>` blocks first, and
/// 4 KiB finds it in 448 of the 461 dev pages that declare one (the other 13 but one are
/// valid UTF-8, and that one has no UTF-8 multi-byte sequences, so detection handles it).
pub const CHARSET_SNIFF_BYTES: usize = 4 * 1024;

/// Text decoded from bytes, with what a reader should know about how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// What was changed or overridden on the way: replaced bytes, a declaration that the
    /// bytes contradict. Empty for a clean decode.
    pub warnings: Vec<String>,
}

/// Describes why `head` (the first bytes of a file) looks binary, or `None` for text.
///
/// A magic number alone is not trusted: several formats have 3–4 byte signatures that are
/// also the start of a headline (SWF `CWS`, MP3 `ID3`, OpenType `OTTO`), so a known format is
/// only reported when the head also holds control bytes, as every real binary header does.
pub fn sniff_binary(head: &[u8]) -> Option<String> {
    let head = &head[..head.len().min(BINARY_SNIFF_BYTES)];
    if Encoding::for_bom(head).is_some_and(|(enc, _)| enc == UTF_16LE || enc == UTF_16BE) {
        // UTF-16 text is full of NUL bytes; it is decoded, not rejected.
        return None;
    }
    let controls = head.iter().filter(|&&b| is_control(b)).count();
    if controls > 0 {
        if let Some(kind) =
            infer::get(head).filter(|t| t.matcher_type() != infer::MatcherType::Text)
        {
            return Some(format!("{} data", kind.mime_type()));
        }
    }
    if let Some(at) = head.iter().position(|&b| b == 0) {
        return Some(format!("NUL byte at offset {at}"));
    }
    if controls * 100 > head.len() * MAX_CONTROL_PERCENT {
        return Some(format!(
            "{controls} control bytes in the first {} bytes",
            head.len()
        ));
    }
    None
}

/// Control bytes that text does not contain (tab, newlines and form feed are text).
fn is_control(b: u8) -> bool {
    matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1F | 0x7F)
}

/// Decodes bytes to text; see [`crate::decode_bytes`] for the order of evidence. Never fails:
/// every byte sequence is some text, and what had to be guessed or replaced is a warning.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        return decode_with(enc, rest, Vec::new());
    }
    let declared = declared
        .and_then(charset_from_declared)
        .or_else(|| sniff_charset(bytes))
        // The WHATWG "replacement" encoding (labels such as iso-2022-kr) decodes everything
        // to U+FFFD: never worth trusting over the bytes.
        .filter(|&enc| enc != encoding_rs::REPLACEMENT);
    let stats = Utf8Stats::of(bytes);
    if stats.invalid == 0 {
        // ISO-2022-JP is 7-bit, so its text is also valid (ASCII) UTF-8: only its escape
        // sequences tell it apart.
        if declared == Some(ISO_2022_JP) && bytes.contains(&0x1B) {
            return decode_with(ISO_2022_JP, bytes, Vec::new());
        }
        let mut warnings = Vec::new();
        if let Some(enc) = declared.filter(|&e| e != UTF_8 && stats.multibyte > 0) {
            warnings.push(format!(
                "declared {} but the bytes are valid UTF-8: decoded as UTF-8",
                enc.name()
            ));
        }
        return decode_with(UTF_8, bytes, warnings);
    }
    // Which reading garbles fewer characters: as UTF-8 each broken sequence is lost, as a
    // legacy encoding each valid multi-byte UTF-8 sequence becomes mojibake ("Ã¼"). Real
    // legacy text almost never holds valid multi-byte sequences, and real UTF-8 with stray
    // bytes holds many, so the counts decide, whatever the document declares.
    if stats.multibyte >= stats.invalid {
        let mut warnings = Vec::new();
        if let Some(enc) = declared.filter(|&e| e != UTF_8) {
            warnings.push(format!(
                "declared {} but the bytes are mostly UTF-8: decoded as UTF-8",
                enc.name()
            ));
        }
        warnings.push(format!(
            "{} byte sequence(s) not valid UTF-8 replaced by U+FFFD (first at byte {})",
            stats.invalid, stats.first_invalid
        ));
        return decode_with(UTF_8, bytes, warnings);
    }
    if let Some(enc) = declared.filter(|&e| e != UTF_8) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if !had_errors {
            return Decoded {
                text: text.into_owned(),
                warnings: Vec::new(),
            };
        }
    }
    // A legacy single-byte (or CJK double-byte) text that is undeclared, or whose declaration
    // the bytes contradict: guess. ISO-2022-JP and UTF-8 are both ruled out here: the bytes
    // are not valid UTF-8, and ISO-2022-JP is 7-bit, so it would have been valid UTF-8.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    let warnings = match declared {
        Some(enc) => vec![format!(
            "declared {} but the bytes are not: decoded as {} (detected)",
            enc.name(),
            guess.name()
        )],
        None => Vec::new(),
    };
    decode_with(guess, bytes, warnings)
}

fn decode_with(enc: &'static Encoding, bytes: &[u8], mut warnings: Vec<String>) -> Decoded {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors && enc != UTF_8 {
        warnings.push(format!(
            "byte sequences not valid {} replaced by U+FFFD",
            enc.name()
        ));
    } else if had_errors && warnings.is_empty() {
        // UTF-8 after a BOM: the only path that reaches here without counted statistics.
        let stats = Utf8Stats::of(bytes);
        warnings.push(format!(
            "{} byte sequence(s) not valid UTF-8 replaced by U+FFFD (first at byte {})",
            stats.invalid, stats.first_invalid
        ));
    }
    Decoded {
        text: text.into_owned(),
        warnings,
    }
}

/// Counts of valid multi-byte and of broken UTF-8 sequences.
struct Utf8Stats {
    multibyte: usize,
    invalid: usize,
    first_invalid: usize,
}

impl Utf8Stats {
    fn of(bytes: &[u8]) -> Utf8Stats {
        let mut stats = Utf8Stats {
            multibyte: 0,
            invalid: 0,
            first_invalid: 0,
        };
        let mut offset = 0;
        for chunk in bytes.utf8_chunks() {
            let valid = chunk.valid();
            stats.multibyte += valid.chars().filter(|c| c.len_utf8() > 1).count();
            offset += valid.len();
            if !chunk.invalid().is_empty() {
                if stats.invalid == 0 {
                    stats.first_invalid = offset;
                }
                stats.invalid += 1;
                offset += chunk.invalid().len();
            }
        }
        stats
    }
}

/// The encoding named by an HTTP-style value: `text/html; charset=latin1` or just `latin1`.
fn charset_from_declared(declared: &str) -> Option<&'static Encoding> {
    let lower = declared.to_ascii_lowercase();
    let label = match lower.find("charset=") {
        Some(i) => &lower[i + "charset=".len()..],
        None => lower.as_str(),
    };
    let label = label
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .trim_matches(['"', '\'']);
    Encoding::for_label(label.as_bytes())
}

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    // Covers both `<meta charset="x">` and `<meta http-equiv=... content="...; charset=x">`.
    Regex::new(r#"(?i-u)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9._:-]+)"#).expect("valid regex")
});

static XML_ENCODING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i-u)\A\s*<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9._:-]+)["']"#)
        .expect("valid regex")
});

/// The encoding a document declares for itself in its first [`CHARSET_SNIFF_BYTES`].
fn sniff_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(CHARSET_SNIFF_BYTES)];
    let label = XML_ENCODING
        .captures(head)
        .or_else(|| META_CHARSET.captures(head))?
        .get(1)?;
    let enc = Encoding::for_label(label.as_bytes())?;
    // A document that can state its charset in ASCII is not UTF-16 whatever it says (the HTML
    // standard maps such a declaration to UTF-8).
    Some(if enc == UTF_16LE || enc == UTF_16BE {
        UTF_8
    } else {
        enc
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8], declared: Option<&str>) -> String {
        decode(bytes, declared).text
    }

    #[test]
    fn bom_wins_over_declaration() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Zürich".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(text(&bytes, Some("iso-8859-1")), "Zürich");
        assert_eq!(
            decode(b"\xEF\xBB\xBFabc", None),
            Decoded {
                text: "abc".into(),
                warnings: vec![]
            }
        );
        let broken = decode(b"\xEF\xBB\xBFa\xFFb", None);
        assert_eq!(broken.text, "a\u{FFFD}b");
        assert_eq!(broken.warnings.len(), 1, "{:?}", broken.warnings);
    }

    #[test]
    fn utf16_literal_replacement_character_is_text_not_a_warning() {
        // Found by fuzzing (decode_bytes): a UTF-16LE file holding U+FFFD itself decoded
        // cleanly; only a broken sequence (here an unpaired surrogate) is a replacement.
        let mut bytes = vec![0xFF, 0xFE];
        for u in "a\u{FFFD}b".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(
            decode(&bytes, None),
            Decoded {
                text: "a\u{FFFD}b".into(),
                warnings: vec![]
            }
        );
        bytes.extend_from_slice(&0xD800u16.to_le_bytes());
        let broken = decode(&bytes, None);
        assert_eq!(broken.text, "a\u{FFFD}b\u{FFFD}");
        assert_eq!(
            broken.warnings,
            ["byte sequences not valid UTF-16LE replaced by U+FFFD"]
        );
    }

    #[test]
    fn declared_charset_http_style() {
        assert_eq!(
            text(b"Stra\xDFe", Some("text/html; charset=ISO-8859-1")),
            "Straße"
        );
        assert_eq!(text(b"Stra\xDFe", Some("windows-1252")), "Straße");
        // An unknown label is ignored, not fatal.
        assert_eq!(
            decode("Straße".as_bytes(), Some("x-no-such")).warnings,
            Vec::<String>::new()
        );
        assert_eq!(text("Straße".as_bytes(), Some("x-no-such")), "Straße");
    }

    #[test]
    fn meta_and_xml_declarations_are_sniffed() {
        let html = b"<html><head><meta charset=\"windows-1251\"></head><body>\xCF\xF0\xE8\xE2\xE5\xF2</body>";
        assert!(text(html, None).contains("Привет"));
        let equiv = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">\xE9t\xE9";
        assert!(text(equiv, None).ends_with("été"));
        let xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss>\xE9</rss>";
        assert!(text(xml, None).contains("<rss>é</rss>"));
        // UTF-16 declared in an ASCII document means UTF-8.
        assert_eq!(
            text("<meta charset=utf-16>ü".as_bytes(), None),
            "<meta charset=utf-16>ü"
        );
        let jis = b"<?xml version=\"1.0\" encoding=\"iso-2022-jp\"?><a>\x1B$B$3$s\x1B(B</a>";
        assert!(
            text(jis, None).contains("<a>こん</a>"),
            "{}",
            text(jis, None)
        );
    }

    #[test]
    fn legacy_single_byte_is_detected() {
        let latin1 =
            b"Die Stra\xDFe in M\xFCnchen wurde f\xFCr den Verkehr gesperrt, sagte die Polizei.";
        assert_eq!(
            decode(latin1, None),
            Decoded {
                text: "Die Straße in München wurde für den Verkehr gesperrt, sagte die Polizei."
                    .into(),
                warnings: vec![]
            }
        );
    }

    #[test]
    fn mostly_utf8_with_stray_bytes_is_kept_with_a_warning() {
        let mut bytes = "Grüße aus Köln. ".as_bytes().to_vec();
        let at = bytes.len();
        bytes.extend_from_slice(b"\xC3(\xFF und \xE2\x82 mehr");
        let out = decode(&bytes, None);
        assert_eq!(
            out.text,
            "Grüße aus Köln. \u{FFFD}(\u{FFFD} und \u{FFFD} mehr"
        );
        assert_eq!(
            out.warnings,
            [format!(
                "3 byte sequence(s) not valid UTF-8 replaced by U+FFFD (first at byte {at})"
            )]
        );
    }

    #[test]
    fn stray_latin1_bytes_in_an_attribute_do_not_lose_the_page() {
        // Issue 11: two real pages were dropped for three Latin-1 bytes in an `alt` text.
        let mut bytes = "<meta charset=utf-8><p>Grüße, schöne Bücher und Äpfel für alle.</p>"
            .as_bytes()
            .to_vec();
        bytes.extend_from_slice(b"<img alt=\"Caf\xE9 M\xFCller \xE0\">");
        let out = decode(&bytes, None);
        assert!(out.text.contains("Grüße, schöne Bücher"), "{}", out.text);
        assert!(out.text.contains("Caf\u{FFFD}"), "{}", out.text);
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    }

    #[test]
    fn declared_latin1_but_utf8_is_decoded_as_utf8() {
        let bytes =
            "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><p>Zürich, Genève</p>".as_bytes();
        let out = decode(bytes, None);
        assert!(out.text.contains("Zürich, Genève"), "{}", out.text);
        assert_eq!(
            out.warnings,
            ["declared windows-1252 but the bytes are valid UTF-8: decoded as UTF-8"]
        );
    }

    #[test]
    fn declared_utf8_but_windows_1252_is_decoded_as_windows_1252() {
        let bytes = b"<meta charset=\"utf-8\"><p>\x93Zitat\x94 \x96 Stra\xDFe in M\xFCnchen, f\xFCr 5 \x80</p>";
        let out = decode(bytes, None);
        assert!(
            out.text
                .contains("\u{201C}Zitat\u{201D} \u{2013} Straße in München, für 5 €"),
            "{}",
            out.text
        );
        assert_eq!(
            out.warnings,
            ["declared UTF-8 but the bytes are not: decoded as windows-1252 (detected)"]
        );
    }

    #[test]
    fn a_declared_legacy_charset_is_trusted_when_it_fits() {
        let out = decode(b"<meta charset=iso-8859-2><p>\xB1\xE6</p>", None);
        assert_eq!(
            (out.text.as_str(), out.warnings.len()),
            ("<meta charset=iso-8859-2><p>ąć</p>", 0)
        );
    }

    #[test]
    fn binary_sniffing() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff_binary(png).as_deref(), Some("image/png data"));
        assert_eq!(
            sniff_binary(b"%PDF-1.7\n\x01\x02").as_deref(),
            Some("application/pdf data")
        );
        assert_eq!(
            sniff_binary(b"abc\0def").as_deref(),
            Some("NUL byte at offset 3")
        );
        assert!(sniff_binary(b"\x01\x02\x03\x04 abc")
            .unwrap()
            .contains("control bytes"));
        // Short signatures that are also words do not make text binary.
        assert_eq!(sniff_binary(b"CWS announces record profits"), None);
        assert_eq!(sniff_binary(b"OTTO group\tresults\r\n\x0c"), None);
        assert_eq!(sniff_binary(b"\xFF\xFEa\0b\0"), None);
    }
}
