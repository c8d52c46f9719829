//! Removes `<script>`, `<style>`, `<svg>` elements and comments before parsing.
//!
//! Hand-written because it is a speed measure, not parsing: on the evaluation pages these
//! blocks are about 40% of the bytes, and the HTML tokenizer walks them character by character
//! only for the extractor to drop them. JSON-LD scripts are kept (they carry metadata). Every
//! cut is at an ASCII `<` or `>`, so the result stays valid UTF-8; odd inputs (an unclosed
//! `<script`) are cut to the end, which is what the HTML parser would do as well.

use std::borrow::Cow;

/// Elements whose content is dropped.
const RAW_ELEMENTS: &[&str] = &["script", "style", "svg"];

fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

/// Byte index just after the matching `</name ... >`, searching from `from`.
fn close_of(bytes: &[u8], from: usize, name: &str) -> usize {
    let mut i = from;
    while let Some(off) = bytes.get(i..).and_then(|b| b.windows(2).position(|w| w == b"</")) {
        let at = i + off + 2;
        if bytes.get(at..).is_some_and(|rest| starts_with_ci(rest, name.as_bytes())) {
            return bytes.get(at..).and_then(|b| b.iter().position(|&c| c == b'>')).map_or(bytes.len(), |p| at + p + 1);
        }
        i = at;
    }
    bytes.len()
}

/// `html` without script/style/svg elements and comments (JSON-LD scripts kept).
pub(crate) fn strip_raw_blocks(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0usize;
    let mut i = 0usize;
    while let Some(off) = bytes.get(i..).and_then(|b| b.iter().position(|&c| c == b'<')) {
        let lt = i + off;
        let rest = &bytes[lt + 1..];
        let mut cut_end = None;
        if rest.starts_with(b"!--") {
            cut_end = Some(
                bytes.get(lt + 4..).and_then(|b| b.windows(3).position(|w| w == b"-->")).map_or(bytes.len(), |p| lt + 4 + p + 3),
            );
        } else if let Some(name) = RAW_ELEMENTS.iter().find(|n| {
            starts_with_ci(rest, n.as_bytes()) && rest.get(n.len()).is_some_and(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
        }) {
            let tag_end = rest.iter().position(|&c| c == b'>').map_or(bytes.len(), |p| lt + 1 + p + 1);
            let open_tag = &bytes[lt..tag_end];
            let ld = *name == "script" && open_tag.windows(7).any(|w| w.eq_ignore_ascii_case(b"ld+json"));
            // Client-side templates (`type="text/template"`) hold the article's HTML on some
            // blog platforms: only the opening tag goes, the stray `</script>` is ignored by
            // the parser, and the markup inside is read like the rest of the page.
            let template = *name == "script" && open_tag.windows(8).any(|w| w.eq_ignore_ascii_case(b"template"));
            if template {
                cut_end = Some(tag_end);
            } else if !ld {
                cut_end = Some(close_of(bytes, tag_end, name));
            }
        }
        match cut_end {
            Some(end) => {
                let s = out.get_or_insert_with(|| String::with_capacity(html.len()));
                s.push_str(&html[copied..lt]);
                s.push(' ');
                copied = end;
                i = end;
            }
            None => i = lt + 1,
        }
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut s) => {
            s.push_str(&html[copied..]);
            Cow::Owned(s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn strips_scripts_styles_and_comments() {
        let h = "<p>a</p><SCRIPT type=x>if (a<b) {}</script ><style>p{}</style><!-- c --><svg><path/></svg><p>b</p>";
        assert_eq!(strip_raw_blocks(h), "<p>a</p>    <p>b</p>");
    }

    #[test]
    fn keeps_json_ld_and_similar_names() {
        let h = r#"<script type="application/ld+json">{"a":1}</script><scripture>x</scripture>"#;
        assert_eq!(strip_raw_blocks(h), h);
    }

    #[test]
    fn template_scripts_are_unwrapped() {
        let h = "<div><script type='text/template'><p>Body</p></script><script>x()</script></div>";
        assert_eq!(strip_raw_blocks(h), "<div> <p>Body</p></script> </div>");
    }

    #[test]
    fn unclosed_blocks_cut_to_the_end() {
        assert_eq!(strip_raw_blocks("<p>a</p><script>var x"), "<p>a</p> ");
        assert_eq!(strip_raw_blocks("<p>a<!-- open"), "<p>a ");
    }

    proptest! {
        #[test]
        fn never_panics_and_stays_utf8(s in "(<|>|script|style|svg|!--|-->|/|é|ж| |a){0,60}") {
            let _ = strip_raw_blocks(&s).len();
        }
    }
}
