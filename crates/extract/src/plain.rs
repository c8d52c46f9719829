//! Boilerplate removal from plain text scraped together with page debris, line by line.
//!
//! The page structure is gone, so the rules look at line shapes: short widget lines before the
//! headline (weather, city, "Date:"), label-only lines ("Share:"), keyword image captions
//! (`full,length,photo,of,…`), notices ("Subscribe to …", "©"), and a marker line ("more like
//! this", "LEAVE A REPLY", "Kommentare") after which only teasers and comment forms follow.

use crate::normalize::{collapse_ws, nfc};
use crate::patterns::{is_end_marker, is_junk_line};
use crate::Extracted;

/// Only this many leading non-empty lines are searched for widget debris and the headline.
const HEAD_WINDOW: usize = 8;
/// Widget lines before the headline have at most this many words ("13.5 C", "Washington").
const WIDGET_MAX_WORDS: usize = 3;
/// ... and at most this many characters.
const WIDGET_MAX_CHARS: usize = 30;
/// A headline has at least this many words (fewer is a label or a place name).
const HEADLINE_MIN_WORDS: usize = 4;
/// A headline is at most this long (characters); longer first lines are paragraphs.
const HEADLINE_MAX_CHARS: usize = 200;
/// An end marker cuts only after this much body text, so a "Comments" menu entry at the top
/// cannot remove the article.
const MIN_BODY_BEFORE_CUT: usize = 200;
/// Lines up to this long may be notices or labels; longer lines are always kept.
const SHORT_LINE_CHARS: usize = 120;
/// A keyword caption has at least this many comma-separated words and no spaces.
const CAPTION_MIN_PARTS: usize = 4;
/// Bylines are looked for in this many last lines.
const BYLINE_TAIL_LINES: usize = 3;

/// Phrases of a contributors' line, lower-case, in the languages seen in wire copy.
const CONTRIBUTOR_PHRASES: &[&str] = &[
    "contributed to this report", "contributed to this article", "contributed reporting",
    "contributed by", "reporting by", "additional reporting", "writing by", "editing by",
    "haben zu diesem bericht beigetragen", "hat zu diesem bericht beigetragen",
    "mitarbeit:", "nag-ambag", "ont contribué", "contribuyeron", "hanno contribuito",
    "допринели су", "при участии",
];

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn ends_sentence(s: &str) -> bool {
    s.trim_end_matches(['"', '\'', '”', '’', '»', '“', ')']).ends_with(['.', '!', '?', '…', ';', ':'])
}

/// "13.5 C", "Washington", "Date:": a short line without sentence shape.
fn is_widget_line(s: &str) -> bool {
    words(s) <= WIDGET_MAX_WORDS && s.chars().count() <= WIDGET_MAX_CHARS && !s.ends_with(['.', '!', '?'])
}

/// A label with nothing after it ("Date:", "Share:", "Teilen:").
fn is_label_line(s: &str) -> bool {
    s.ends_with(':') && words(s) <= WIDGET_MAX_WORDS
}

/// `full,length,photo,of,pretty,young,woman`: an image's keyword list used as a caption.
fn is_keyword_caption(s: &str) -> bool {
    if s.contains(' ') {
        return false;
    }
    let parts: Vec<&str> = s.split(',').collect();
    parts.len() >= CAPTION_MIN_PARTS && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '-'))
}

/// The contributors' sentence of a line, if it has one.
fn contributor_sentence(line: &str) -> Option<String> {
    let lower = line.to_lowercase();
    if !CONTRIBUTOR_PHRASES.iter().any(|p| lower.contains(p)) {
        return None;
    }
    // A long line may end with the credit sentence: keep only that sentence.
    let sentence = line
        .split_inclusive(['.', '!', '?'])
        .find(|s| {
            let l = s.to_lowercase();
            CONTRIBUTOR_PHRASES.iter().any(|p| l.contains(p))
        })
        .unwrap_or(line);
    let s = sentence.trim_matches(|c: char| !c.is_alphanumeric() && c != '.').trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// "By Jane Doe and John Roe" (a short line starting with a by-word).
fn by_line(line: &str) -> Option<String> {
    let lower = line.to_lowercase();
    let by = ["by ", "von ", "par ", "por ", "di ", "ni "].iter().any(|p| lower.starts_with(p));
    (by && words(line) <= 8 && !ends_sentence(line)).then(|| line.to_string())
}

/// Cleans scraped plain text; see [`crate::clean_plain_text`].
pub(crate) fn clean(text: &str, first_line_title: bool) -> Extracted {
    // (normalised line, followed by a blank line)
    let raw: Vec<String> = text.lines().map(collapse_ws).collect();
    let mut lines: Vec<(String, bool)> = Vec::new();
    for (i, l) in raw.iter().enumerate() {
        if !l.is_empty() {
            let blank_after = raw.get(i + 1).is_some_and(|n| n.is_empty());
            lines.push((l.clone(), blank_after));
        }
    }
    // End of the article: the first end marker after enough body text.
    let mut body_chars = 0usize;
    let mut cut = lines.len();
    for (i, (l, _)) in lines.iter().enumerate() {
        if is_end_marker(l) && body_chars >= MIN_BODY_BEFORE_CUT {
            cut = i;
            break;
        }
        if !is_widget_line(l) {
            body_chars += l.chars().count();
        }
    }
    lines.truncate(cut);
    // Widget debris before the headline: short lines, dropped only when a headline-shaped
    // line follows within the head window (a short real title is kept otherwise).
    let head = lines.len().min(HEAD_WINDOW);
    let headline_at = lines[..head]
        .iter()
        .position(|(l, _)| words(l) >= HEADLINE_MIN_WORDS && l.chars().count() <= HEADLINE_MAX_CHARS && !ends_sentence(l));
    let mut start = 0;
    if let Some(h) = headline_at {
        if lines[..h].iter().all(|(l, _)| (is_widget_line(l) || is_junk_line(l)) && by_line(l).is_none()) {
            start = h;
        }
    }
    let mut title = None;
    if first_line_title {
        if let Some((l, blank_after)) = lines.get(start) {
            let short = l.chars().count() <= HEADLINE_MAX_CHARS;
            if short && (!ends_sentence(l) || *blank_after) && lines.len() > start + 1 {
                title = Some(nfc(l.clone()));
                start += 1;
            }
        }
    }
    let mut kept: Vec<&str> = Vec::new();
    for (l, _) in lines.iter().skip(start) {
        let short = l.chars().count() <= SHORT_LINE_CHARS;
        let junk = is_keyword_caption(l) || short && (is_junk_line(l) || is_label_line(l));
        if !junk {
            kept.push(l);
        }
    }
    let byline = kept
        .iter()
        .rev()
        .take(BYLINE_TAIL_LINES)
        .find_map(|l| contributor_sentence(l))
        .or_else(|| kept.iter().take(2).find_map(|l| by_line(l)))
        .map(nfc);
    Extracted { title, text: nfc(kept.join("\n")), byline, ..Extracted::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widget_lines_before_headline_are_dropped() {
        let t = "13.5 C\nWashington\n\nPresident visits the northern region today\n\nDate:\n\nShare:\n\nThe president arrived on Monday and met officials in the capital.";
        let e = clean(t, true);
        assert_eq!(e.title.as_deref(), Some("President visits the northern region today"));
        assert_eq!(e.text, "The president arrived on Monday and met officials in the capital.");
    }

    #[test]
    fn short_real_title_is_kept_when_no_headline_follows() {
        let e = clean("Kim in Russia\nThe leader arrived on Tuesday by armoured train.", true);
        assert_eq!(e.title.as_deref(), Some("Kim in Russia"));
    }

    #[test]
    fn sentence_first_line_is_not_a_title() {
        let e = clean("The leader arrived on Tuesday.\nHe met officials.", true);
        assert_eq!(e.title, None);
        assert_eq!(e.text, "The leader arrived on Tuesday.\nHe met officials.");
    }

    #[test]
    fn end_marker_cuts_teasers_and_comments() {
        let body = "A long paragraph about the event that happened yesterday in the capital city. ".repeat(4);
        let t = format!("{body}\n\n━ more like this\n\nOther story teaser\n\nLEAVE A REPLY\nPlease enter your comment!");
        let e = clean(&t, false);
        assert_eq!(e.text, body.trim());
    }

    #[test]
    fn keyword_captions_and_notices_are_dropped() {
        assert!(is_keyword_caption("full,length,photo,of,pretty,young,woman"));
        assert!(!is_keyword_caption("Paris,France"));
        let e = clean("Body text of the article is here.\nSubscribe to our magazine\nfull,length,photo,of,a,cat", false);
        assert_eq!(e.text, "Body text of the article is here.");
    }

    #[test]
    fn contributors_line_becomes_byline_and_stays_in_text() {
        let t = "Body text.\nAnders Hagstrom und Elizabeth Pritchett haben zu diesem Bericht beigetragen.";
        let e = clean(t, false);
        assert_eq!(e.byline.as_deref(), Some("Anders Hagstrom und Elizabeth Pritchett haben zu diesem Bericht beigetragen."));
        assert!(e.text.ends_with("beigetragen."));
        let e = clean("By Jane Doe\nBody text of the report.", false);
        assert_eq!(e.byline.as_deref(), Some("By Jane Doe"));
    }
}
