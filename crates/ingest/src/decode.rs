//! Byte-level checks: binary sniffing and character decoding.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
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

/// Invalid UTF-8 sequences tolerated (replaced by U+FFFD) in an otherwise UTF-8 document. One
/// of the 472 dev pages is valid UTF-8 except for one stray byte in a script comment; losing
/// the article for that would be worse than one replacement character. More than this means
/// the file is not really UTF-8, and decoding it anyway would silently garble its text.
pub const MAX_TOLERATED_INVALID_UTF8: usize = 2;

/// Why bytes could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Mostly UTF-8, but with more broken sequences than tolerated.
    #[error("invalid UTF-8 at byte {at} ({count} broken sequences): re-save the file as UTF-8")]
    InvalidUtf8 {
        /// Byte offset of the first broken sequence.
        at: usize,
        /// How many broken sequences there are.
        count: usize,
    },
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

/// Decodes bytes to a `String`; see [`crate::decode_bytes`] for the order of evidence.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Result<String, DecodeError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        return if enc == UTF_8 {
            decode_utf8(rest)
        } else {
            Ok(decode_with(enc, rest))
        };
    }
    let sniffed = declared
        .and_then(charset_from_declared)
        .or_else(|| sniff_charset(bytes));
    if let Some(enc) = sniffed {
        return if enc == UTF_8 {
            decode_utf8(bytes)
        } else {
            Ok(decode_with(enc, bytes))
        };
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    if has_utf8_multibyte(bytes) {
        return decode_utf8(bytes);
    }
    // A legacy single-byte (or CJK double-byte) file without any declaration: guess.
    // ISO-2022-JP and UTF-8 are both ruled out here: the bytes are not valid UTF-8, and
    // ISO-2022-JP is 7-bit, so it would have been valid UTF-8.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    Ok(decode_with(
        detector.guess(None, chardetng::Utf8Detection::Deny),
        bytes,
    ))
}

fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> String {
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// UTF-8, replacing up to [`MAX_TOLERATED_INVALID_UTF8`] broken sequences.
fn decode_utf8(bytes: &[u8]) -> Result<String, DecodeError> {
    let mut first_bad = None;
    let mut count = 0;
    let mut offset = 0;
    for chunk in bytes.utf8_chunks() {
        offset += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            first_bad.get_or_insert(offset);
            count += 1;
            offset += chunk.invalid().len();
        }
    }
    match first_bad {
        Some(at) if count > MAX_TOLERATED_INVALID_UTF8 => {
            Err(DecodeError::InvalidUtf8 { at, count })
        }
        _ => Ok(String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// True when the bytes hold at least one valid multi-byte UTF-8 sequence: then a broken
/// sequence elsewhere is damage, not a legacy encoding.
fn has_utf8_multibyte(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|c| !c.valid().is_ascii())
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

    #[test]
    fn bom_wins_over_declaration() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Zürich".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes, Some("iso-8859-1")).unwrap(), "Zürich");
        assert_eq!(decode(b"\xEF\xBB\xBFabc", None).unwrap(), "abc");
    }

    #[test]
    fn declared_charset_http_style() {
        assert_eq!(
            decode(b"Stra\xDFe", Some("text/html; charset=ISO-8859-1")).unwrap(),
            "Straße"
        );
        assert_eq!(
            decode(b"Stra\xDFe", Some("windows-1252")).unwrap(),
            "Straße"
        );
        // An unknown label is ignored, not fatal.
        assert_eq!(
            decode("Straße".as_bytes(), Some("x-no-such")).unwrap(),
            "Straße"
        );
    }

    #[test]
    fn meta_and_xml_declarations_are_sniffed() {
        let html = b"<html><head><meta charset=\"windows-1251\"></head><body>\xCF\xF0\xE8\xE2\xE5\xF2</body>";
        assert!(decode(html, None).unwrap().contains("Привет"));
        let equiv = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">\xE9t\xE9";
        assert!(decode(equiv, None).unwrap().ends_with("été"));
        let xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss>\xE9</rss>";
        assert!(decode(xml, None).unwrap().contains("<rss>é</rss>"));
        // UTF-16 declared in an ASCII document means UTF-8.
        assert_eq!(
            decode("<meta charset=utf-16>ü".as_bytes(), None).unwrap(),
            "<meta charset=utf-16>ü"
        );
    }

    #[test]
    fn legacy_single_byte_is_detected() {
        let latin1 =
            b"Die Stra\xDFe in M\xFCnchen wurde f\xFCr den Verkehr gesperrt, sagte die Polizei.";
        assert_eq!(
            decode(latin1, None).unwrap(),
            "Die Straße in München wurde für den Verkehr gesperrt, sagte die Polizei."
        );
    }

    #[test]
    fn broken_utf8_is_an_error_with_offset() {
        let mut bytes = "Grüße aus Köln. ".as_bytes().to_vec();
        let at = bytes.len();
        bytes.extend_from_slice(b"\xC3(\xFF und \xE2\x82 mehr");
        assert_eq!(
            decode(&bytes, None),
            Err(DecodeError::InvalidUtf8 { at, count: 3 })
        );
    }

    #[test]
    fn a_stray_invalid_byte_is_replaced() {
        assert_eq!(
            decode(b"Gr\xC3\xBC\xC3\x9Fe \xE4 x", None).unwrap(),
            "Grüße \u{FFFD} x"
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
