//! Text that is not prose: encoded blobs, code and markup escaped twice.
//!
//! Pages leak such text into their visible text: a `data:` URI or a base64 image written
//! where a `src` belonged, a state object or script printed into a `<div>`, an article body
//! stored escaped and escaped again by the template (`&amp;amp;`, `&lt;p&gt;` shown as text).
//! Blobs and code are taken out of a paragraph (a paragraph left without prose goes); markup
//! escaped twice is read as markup once more. Code shown on purpose (inside `<pre>`, `<code>`)
//! is never touched: the callers do not pass it here.

/// A run without spaces this long may be an encoded blob (German compounds stay below 70).
const MIN_BLOB_RUN: usize = 64;
/// Share of a blob run's characters in the base64 alphabet.
const BLOB_CHARSET_SHARE: f32 = 0.95;
/// Upper/lower case changes that mark a run as encoded rather than a word.
const BLOB_CASE_CHANGES: usize = 8;
/// A paragraph needs this many non-space characters to be judged as code by its symbols.
const MIN_CODE_CHARS: usize = 40;
/// Share of code symbols (`{}[]();:="\|&<>`) above which a paragraph is code, not prose
/// (prose with dialogue and asides stays below 8%).
const CODE_SYMBOL_SHARE: f32 = 0.12;
/// Brackets a code paragraph has at least.
const MIN_CODE_BRACKETS: usize = 4;
/// Tags that mark text as markup shown as text (escaped twice).
const ESCAPED_TAGS: &[&str] = &[
    "p", "br", "div", "span", "a", "b", "i", "em", "strong", "u", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "img", "blockquote", "figure", "figcaption", "table", "tr", "td", "th", "section", "article", "iframe", "sup",
    "sub", "small", "hr",
];
/// Escaped tags a paragraph needs to count as markup escaped twice.
const MIN_ESCAPED_TAGS: usize = 2;

fn is_b64(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-')
}

/// True when a run of non-space characters is an encoded blob (base64, a `data:` URI, a hash).
fn is_blob_run(run: &str) -> bool {
    if run.starts_with("data:") && run.contains(";base64,") {
        return true;
    }
    let n = run.chars().count();
    // Dots are not in the base64 alphabet but in every URL, domain and file path.
    if n < MIN_BLOB_RUN || run.contains('.') {
        return false;
    }
    let b64 = run.chars().filter(|&c| is_b64(c)).count();
    if (b64 as f32) < BLOB_CHARSET_SHARE * n as f32 {
        return false;
    }
    let digits = run.chars().filter(char::is_ascii_digit).count();
    let changes = run
        .chars()
        .zip(run.chars().skip(1))
        .filter(|(a, b)| a.is_ascii_uppercase() != b.is_ascii_uppercase() && a.is_ascii_alphabetic() && b.is_ascii_alphabetic())
        .count();
    digits >= 2 || changes >= BLOB_CASE_CHANGES || run.contains(['+', '/'])
}

/// `text` without its blob runs (`None` when there were none).
pub(crate) fn without_blobs(text: &str) -> Option<String> {
    if !text.split_whitespace().any(is_blob_run) {
        return None;
    }
    Some(text.split_whitespace().filter(|r| !is_blob_run(r)).collect::<Vec<_>>().join(" "))
}

/// True when a paragraph is code or data (a JSON object, a script) rather than prose.
pub(crate) fn is_code(text: &str) -> bool {
    let mut chars = 0usize;
    let mut symbols = 0usize;
    let mut brackets = 0usize;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        chars += 1;
        if matches!(c, '{' | '}' | '[' | ']') {
            brackets += 1;
        }
        if matches!(c, '{' | '}' | '[' | ']' | '(' | ')' | ';' | ':' | '=' | '"' | '\\' | '|' | '&' | '<' | '>') {
            symbols += 1;
        }
    }
    chars >= MIN_CODE_CHARS && brackets >= MIN_CODE_BRACKETS && symbols as f32 > CODE_SYMBOL_SHARE * chars as f32
}

/// True when the text still holds character references or tags after one decoding: the
/// page escaped it twice (`&amp;amp;`, `&lt;p&gt;`).
pub(crate) fn is_escaped_twice(text: &str) -> bool {
    let b = text.as_bytes();
    let mut tags = 0usize;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'&' => {
                let rest = &text[i + 1..];
                let end = rest.find(';').filter(|&e| e <= 8);
                if let Some(e) = end {
                    let name = &rest[..e];
                    let numeric = name.strip_prefix('#').is_some_and(|n| {
                        n.strip_prefix(['x', 'X']).map_or(n.len() >= 2 && n.bytes().all(|d| d.is_ascii_digit()), |h| {
                            h.len() >= 2 && h.bytes().all(|d| d.is_ascii_hexdigit())
                        })
                    });
                    if numeric || matches!(name, "amp" | "lt" | "gt" | "quot" | "apos" | "nbsp") {
                        return true;
                    }
                }
            }
            b'<' => {
                let rest = text[i + 1..].strip_prefix('/').unwrap_or(&text[i + 1..]);
                let name_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
                let after = rest.as_bytes().get(name_len);
                if name_len > 0
                    && ESCAPED_TAGS.iter().any(|t| rest[..name_len].eq_ignore_ascii_case(t))
                    && after.is_some_and(|&a| matches!(a, b'>' | b' ' | b'/'))
                {
                    tags += 1;
                    if tags >= MIN_ESCAPED_TAGS {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_found_and_words_are_not() {
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
        assert!(is_blob_run(png));
        assert!(is_blob_run(&format!("data:image/png;base64,{}", &png[..20])));
        assert!(is_blob_run("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));
        assert!(!is_blob_run("Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"));
        assert!(!is_blob_run("https://www.zeit.de/2020/01/zugverkehr-ice-frankfurt-barcelona-hochgeschwindigkeit-x"));
        assert_eq!(without_blobs(&format!("Das Bild {png} zeigt den Hafen.")).as_deref(), Some("Das Bild zeigt den Hafen."));
        assert_eq!(without_blobs("Kein Blob hier."), None);
    }

    #[test]
    fn code_is_told_from_prose() {
        assert!(is_code(r#"{"props":{"pageProps":{"article":{"id":123,"title":"Bridge opens","tags":["city","traffic"]}}}}"#));
        assert!(is_code("window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date());"));
        assert!(!is_code("\"We will open the bridge on Monday,\" the mayor said. \"It took three years [of work], but it is done.\""));
        assert!(!is_code("Die Brücke wurde am Montag eröffnet; der Bürgermeister sprach von einem guten Tag für die Stadt."));
        assert!(is_code(r#"{"page":{"headline":"The new bridge opened","summary":"The city said the bridge opened on Thursday after three years of work and the mayor spoke of a good day for everyone who lives here","related":[{"title":"Council approves the budget"},{"title":"Traffic jams expected"}]}}"#));
        assert!(!is_code("Termine: 10:00 Uhr (Eröffnung), 12:30 Uhr (Rede des Bürgermeisters) und 15:00 Uhr (Konzert) [siehe Programm]."));
    }

    #[test]
    fn double_escaping_is_recognised() {
        assert!(is_escaped_twice("Tom &amp; Jerry"));
        assert!(is_escaped_twice("<p>First paragraph.</p><p>Second.</p>"));
        assert!(is_escaped_twice("Caf&#233; am See"));
        assert!(!is_escaped_twice("Tom & Jerry; a < b and c > d"));
        assert!(!is_escaped_twice("Use the <p> element for paragraphs."));
        assert!(!is_escaped_twice("AT&T; R&D"));
    }
}
