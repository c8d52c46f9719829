//! Quotations in the usual quote styles, never across a paragraph break.

use crate::Quote;

/// Shortest quotation kept, in words; shorter ones are scare quotes ("kamikaze").
pub const MIN_QUOTE_WORDS: usize = 3;

/// ... or in characters, for scripts without spaces and long single words.
pub const MIN_QUOTE_CHARS: usize = 15;

/// Longest span searched for a closing mark: a quotation longer than this is an unbalanced
/// mark, and the bound keeps the scan linear on text full of unmatched openers.
pub const MAX_QUOTE_BYTES: usize = 4000;

/// The closing marks for an opening mark, in order of preference: the usual partner, then
/// marks that careless typing or a translation tool put there instead (`“…“`).
fn closers(open: char) -> Option<&'static [char]> {
    Some(match open {
        '“' => &['”', '“'],
        '„' => &['“', '”'],
        '«' => &['»'],
        '»' => &['«'],
        '‚' => &['‘', '’'],
        '‘' => &['’'],
        '‹' => &['›'],
        '「' => &['」'],
        '『' => &['』'],
        '"' => &['"'],
        _ => return None,
    })
}

/// An apostrophe inside a word ("don’t", "Un’s") is not a closing quote.
fn is_in_word(text: &str, pos: usize, c: char) -> bool {
    let before = text[..pos].chars().next_back();
    let after = text[pos + c.len_utf8()..].chars().next();
    before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric)
}

/// Finds the closing mark for an opener ending at `from`, within [`MAX_QUOTE_BYTES`].
fn find_close(text: &str, from: usize, marks: &[char]) -> Option<usize> {
    let mut limit = (from + MAX_QUOTE_BYTES).min(text.len());
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let span = &text[from..limit];
    let span = &span[..span.find('\n').unwrap_or(span.len())];
    for &mark in marks {
        let found = span.char_indices().find(|&(p, c)| {
            c == mark && !(matches!(c, '’' | '‘') && is_in_word(text, from + p, c))
        });
        // A fallback mark is tried only when the usual one is absent from the paragraph.
        if let Some((p, _)) = found {
            return Some(from + p);
        }
    }
    None
}

/// Quotations in order of appearance, the marks not included, whitespace trimmed.
pub fn extract(text: &str) -> Vec<Quote> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some((off, open)) = text[pos..]
        .char_indices()
        .find(|&(_, c)| closers(c).is_some())
    {
        let at = pos + off;
        let inner_start = at + open.len_utf8();
        pos = inner_start;
        let prev = text[..at].chars().next_back();
        // An opening mark glued to a word is an apostrophe or an inch sign.
        if matches!(open, '‘' | '"') && prev.is_some_and(char::is_alphanumeric) {
            continue;
        }
        let Some(marks) = closers(open) else { continue };
        let Some(close) = find_close(text, inner_start, marks) else {
            continue;
        };
        let raw = &text[inner_start..close];
        let lead = raw.len() - raw.trim_start().len();
        let inner = raw.trim();
        let start = inner_start + lead;
        let long_enough = inner.split_whitespace().count() >= MIN_QUOTE_WORDS
            || inner.chars().count() >= MIN_QUOTE_CHARS;
        if long_enough {
            out.push(Quote {
                text: inner.to_string(),
                range: start..start + inner.len(),
            });
        }
        pos = close + text[close..].chars().next().map_or(0, char::len_utf8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        extract(s).into_iter().map(|q| q.text).collect()
    }

    #[test]
    fn all_quote_styles() {
        let styles = [
            "He said “we will win the war” today.",
            "Er sagte „wir werden den Krieg gewinnen“ heute.",
            "Er sagte „wir werden den Krieg gewinnen” heute.",
            "Il a dit «nous gagnerons la guerre» hier.",
            "Er sagte »wir werden den Krieg gewinnen« heute.",
            "He said \"we will win the war\" today.",
            "Er sagte ‚wir werden den Krieg gewinnen‘ heute.",
            "He said ‘we will win the war’ today.",
        ];
        for s in styles {
            let q = extract(s);
            assert_eq!(q.len(), 1, "{s}");
            assert_eq!(&s[q[0].range.clone()], q[0].text);
            assert!(
                q[0].text.split_whitespace().count() >= 4,
                "{s}: {:?}",
                q[0].text
            );
        }
        assert_eq!(
            texts("他说「我们一定将赢得这场战争的最终胜利」。"),
            ["我们一定将赢得这场战争的最终胜利"]
        );
    }

    #[test]
    fn short_quotes_are_skipped() {
        assert!(texts("a “kamikaze” drone and a “holy war”").is_empty());
        assert_eq!(
            texts("a “very long singleword-in-quotes”"),
            ["very long singleword-in-quotes"]
        );
    }

    #[test]
    fn never_across_paragraphs() {
        assert!(texts("He said “we will win\nthe war” today.").is_empty());
        assert_eq!(
            texts("“unclosed here\n“closed one right here”"),
            ["closed one right here"]
        );
    }

    #[test]
    fn apostrophes_do_not_close_quotes() {
        assert_eq!(
            texts("‘Kim Jong Un’s visit was good’ he said"),
            ["Kim Jong Un’s visit was good"]
        );
    }

    #[test]
    fn broken_nested_quote_from_sample_004() {
        let s = "“At the end of the reception“Kim Jong Un invited President Putin,” the memo said.";
        let q = extract(s);
        assert_eq!(q.len(), 1);
        assert!(q[0].text.starts_with("At the end") && q[0].text.ends_with("Putin,"));
    }

    #[test]
    fn german_style_closer_after_english_opener() {
        assert_eq!(
            texts("Er sagte “wir werden siegen, sagt er“ heute."),
            ["wir werden siegen, sagt er"]
        );
    }
}
