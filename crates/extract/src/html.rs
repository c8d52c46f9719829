//! The main-text heuristics for HTML.
//!
//! Hand-written because no maintained Rust crate reaches the quality goal on the evaluation
//! pages (the `trafilatura` port scores F1 ≈ 0.92, `dom_smoothie` ≈ 0.89). The approach follows
//! trafilatura and readability in spirit: prune containers whose tag/class/id/role say
//! boilerplate, pick the article container (explicit article-body markup first, then a
//! readability-style paragraph score), emit its text block by block, then drop blocks that are
//! mostly links or are known widget phrases, and cut at "related / comments" markers.

use crate::blobs;
use crate::dom::{flag, Dom, Tag};
use crate::normalize::collapse_ws;
use crate::patterns::{self, TIER_MAIN_TAG, TIER_STRONG};

/// A paragraph of output text with what the filters need to judge it.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub text: String,
    /// Non-space characters.
    pub chars: usize,
    /// Non-space characters inside links.
    pub link_chars: usize,
}

/// A paragraph shorter than this (non-space characters) gets no readability score: menus and
/// labels are short, prose paragraphs rarely are (readability uses 25 as well).
const MIN_SCORED_PARAGRAPH: u32 = 25;
/// A candidate container needs this much non-link text to be trusted over the score.
const MIN_CANDIDATE_CHARS: u32 = 200;
/// A marked-up candidate must hold at least this share of the best-scored container's text,
/// else it is a teaser or a fragment of the article and the scored container wins.
const CANDIDATE_SHARE_OF_SCORED: f32 = 0.5;
/// Blocks whose link share is above this are link lists (menus, teasers) unless long.
const MAX_LINK_DENSITY: f32 = 0.5;
/// A block this long is prose even when much of it is links.
const LONG_BLOCK_CHARS: usize = 300;
/// Below this many characters the extraction is considered failed and the whole page is used.
const MIN_RESULT_CHARS: usize = 300;
/// An end-of-article marker only cuts after this much text, so a "Comments" menu entry near
/// the top does not remove the article.
const MIN_CHARS_BEFORE_CUT: usize = 300;
/// A block this long is a prose paragraph for the trailing-label rule.
const PROSE_BLOCK_CHARS: usize = 100;
/// Prose paragraphs needed after an end marker for the article to go on past it.
const RESUME_MIN_PROSE: usize = 2;
/// A prose paragraph has at most this share of its characters in links.
const PROSE_MAX_LINK_SHARE: f32 = 0.2;
/// Header-like blocks shorter than this after the last prose paragraph are dropped.
const TRAILING_LABEL_CHARS: usize = 25;
/// Blocks up to this many characters may be widget phrases ("Share", "Drucken", "©  2024").
const SHORT_BLOCK_CHARS: usize = 120;

fn nonlink(dom: &Dom, i: usize) -> u32 {
    let n = &dom.nodes[i];
    n.chars.saturating_sub(n.link_chars)
}

fn contains(dom: &Dom, outer: usize, inner: usize) -> bool {
    outer <= inner && inner < dom.nodes[outer].end as usize
}

/// Readability-style container score: the best node plus the siblings worth adding.
fn scored_container(dom: &Dom) -> Option<Vec<usize>> {
    let n = dom.nodes.len();
    let mut own_chars = vec![0u32; n];
    let mut commas = vec![0u32; n];
    for i in 0..n {
        let node = &dom.nodes[i];
        if node.tag != Tag::Text || node.flags & flag::PRUNED != 0 || node.chars == 0 {
            continue;
        }
        let b = dom.block_of(i);
        if b < n {
            own_chars[b] += node.chars;
            commas[b] += dom.text_of(i).chars().filter(|c| matches!(c, ',' | '،' | '，' | '、')).count() as u32;
        }
    }
    let mut score = vec![0f32; n];
    for b in 0..n {
        if own_chars[b] < MIN_SCORED_PARAGRAPH {
            continue;
        }
        let s = 1.0 + commas[b].min(10) as f32 + (own_chars[b] / 100).min(3) as f32;
        let mut p = dom.nodes[b].parent as usize;
        for div in [1.0f32, 2.0, 3.0] {
            if p >= n {
                break;
            }
            score[p] += s / div;
            p = dom.nodes[p].parent as usize;
        }
    }
    let mut best: Option<(usize, f32)> = None;
    for (i, (&base, node)) in score.iter().zip(&dom.nodes).enumerate() {
        if base <= 0.0 || node.flags & flag::PRUNED != 0 {
            continue;
        }
        let mut s = base;
        s += match node.tag {
            Tag::Div | Tag::Article | Tag::Main => 5.0,
            Tag::Pre | Tag::Cell | Tag::Blockquote => 3.0,
            Tag::List => -3.0,
            _ => 0.0,
        };
        if node.flags & (flag::POSITIVE | flag::STRONG) != 0 {
            s += 25.0;
        }
        let ld = node.link_chars as f32 / node.chars.max(1) as f32;
        s *= 1.0 - ld;
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    let (top, top_score) = best?;
    let parent = dom.nodes[top].parent as usize;
    if parent >= n {
        return Some(vec![top]);
    }
    // Readability's sibling step: articles split over several sibling containers.
    let threshold = (top_score * 0.2).max(10.0);
    let mut out = Vec::new();
    let mut j = parent + 1;
    let end = dom.nodes[parent].end as usize;
    while j < end {
        let c = &dom.nodes[j];
        let take = j == top
            || c.flags & flag::PRUNED == 0 && {
                let ld = c.link_chars as f32 / c.chars.max(1) as f32;
                (score[j] + if c.flags & flag::POSITIVE != 0 { 25.0 } else { 0.0 }) * (1.0 - ld) >= threshold
                    || c.tag == Tag::P && c.chars > 80 && ld < 0.25
            };
        if take {
            out.push(j);
        }
        j = c.end as usize;
    }
    Some(out)
}

/// Paragraphs of a JSON-LD `articleBody` (plain text, or HTML that is parsed again).
pub(crate) fn ld_body_text(body: &str) -> Option<String> {
    let text = if body.contains('<') || body.contains('&') {
        let dom = Dom::parse(body);
        assemble(&emit(&dom, &[0]))
    } else {
        body.lines().map(collapse_ws).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
    };
    (!text.is_empty()).then_some(text)
}

/// All strong (article-body) containers that are not inside one another, in page order:
/// articles split into several "rich text" blocks, Q&A pages with one body per answer.
fn strong_containers(dom: &Dom, best: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < dom.nodes.len() {
        let node = &dom.nodes[i];
        if node.flags & flag::PRUNED != 0 {
            i = (node.end as usize).max(i + 1);
            continue;
        }
        if node.tier == TIER_STRONG && (i == best || nonlink(dom, i) >= MIN_SCORED_PARAGRAPH) {
            out.push(i);
            i = (node.end as usize).max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// The best marked-up article container (itemprop, article-body classes, `<article>`, …).
fn marked_container(dom: &Dom) -> Option<usize> {
    let mut best: Option<(u8, u32, usize)> = None;
    for (i, node) in dom.nodes.iter().enumerate() {
        if node.tier > TIER_MAIN_TAG || node.flags & flag::PRUNED != 0 {
            continue;
        }
        let text = nonlink(dom, i);
        if text < MIN_CANDIDATE_CHARS {
            continue;
        }
        let better = match best {
            None => true,
            Some((t, c, _)) => node.tier < t || node.tier == t && text > c,
        };
        if better {
            best = Some((node.tier, text, i));
        }
    }
    best.map(|(_, _, i)| i)
}

/// Containers built from the same template as `m` (same tag and class), not nested, each with
/// enough prose: forum posts, Q&A answers, lexicon entries that together are the page's text.
fn repeated_containers(dom: &Dom, m: usize) -> Vec<usize> {
    let sig = dom.nodes[m].sig;
    let mut out = Vec::new();
    let mut i = 0;
    while i < dom.nodes.len() {
        let node = &dom.nodes[i];
        if node.flags & flag::PRUNED != 0 {
            i = (node.end as usize).max(i + 1);
            continue;
        }
        if node.tag != Tag::Text && node.sig == sig && (i == m || is_prose_container(dom, i)) {
            out.push(i);
            i = (node.end as usize).max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// Enough non-link text, and not mostly links.
fn is_prose_container(dom: &Dom, i: usize) -> bool {
    let n = &dom.nodes[i];
    nonlink(dom, i) >= MIN_CANDIDATE_CHARS && (n.link_chars as f32) < MAX_LINK_DENSITY * n.chars as f32
}

/// Chooses the nodes whose text is the article.
fn choose_roots(dom: &Dom) -> Vec<usize> {
    let scored = scored_container(dom);
    let marked = marked_container(dom);
    // The marked-up container(s): every article-body block when the markup is explicit.
    let marked = marked.map(|m| if dom.nodes[m].tier == TIER_STRONG { strong_containers(dom, m) } else { repeated_containers(dom, m) });
    match (marked, scored) {
        (Some(m), Some(s)) => {
            let text = |roots: &[usize]| roots.iter().map(|&i| nonlink(dom, i)).sum::<u32>() as f32;
            // Markup wins when it holds the scored container or enough of its text; otherwise
            // it marks a teaser or a fragment and the score is trusted.
            let holds_scored = m.iter().any(|&a| s.iter().any(|&i| contains(dom, a, i)));
            if holds_scored || text(&m) >= CANDIDATE_SHARE_OF_SCORED * text(&s) {
                m
            } else {
                s
            }
        }
        (Some(m), None) => m,
        (None, Some(s)) => s,
        (None, None) => vec![0],
    }
}

/// Walks the subtrees of `roots` and cuts their text into blocks.
pub(crate) fn emit(dom: &Dom, roots: &[usize]) -> Vec<Block> {
    emit_with(dom, roots, true)
}

/// Like `emit`; `unescape` reads paragraphs escaped twice as markup once more (off when
/// reading such a paragraph, so that the decoding is one level deep).
fn emit_with(dom: &Dom, roots: &[usize], unescape: bool) -> Vec<Block> {
    let mut out = Vec::new();
    for &root in roots {
        let Some(rn) = dom.nodes.get(root) else { continue };
        if rn.flags & flag::PRUNED != 0 {
            continue;
        }
        let end = rn.end as usize;
        let mut cur = Pending { unescape, ..Pending::default() };
        // Open elements: (subtree end, starts a paragraph, shows code).
        let mut open: Vec<(usize, bool, bool)> = Vec::new();
        let mut code_depth = 0usize;
        let mut i = root;
        while i < end {
            while let Some(&(e, block, code)) = open.last() {
                if i < e {
                    break;
                }
                open.pop();
                if code {
                    code_depth -= 1;
                }
                if block {
                    cur.flush(&mut out);
                }
            }
            let node = &dom.nodes[i];
            if node.flags & flag::PRUNED != 0 {
                i = (node.end as usize).max(i + 1);
                continue;
            }
            let code = node.flags & flag::CODE != 0;
            match node.tag {
                Tag::Text => {
                    if node.flags & flag::IN_LINK != 0 {
                        cur.link += node.chars as usize;
                    }
                    cur.code |= code_depth > 0;
                    cur.text.push_str(dom.text_of(i));
                }
                Tag::Br => cur.flush(&mut out),
                Tag::Cell => {
                    cur.text.push(' ');
                    code_depth += usize::from(code);
                    open.push((node.end as usize, false, code));
                }
                t => {
                    if t.is_block() {
                        cur.flush(&mut out);
                    }
                    code_depth += usize::from(code);
                    open.push((node.end as usize, t.is_block(), code));
                }
            }
            i += 1;
        }
        cur.flush(&mut out);
    }
    out
}

/// The paragraph being collected.
#[derive(Default)]
struct Pending {
    text: String,
    /// Non-space characters inside links.
    link: usize,
    /// Some of it is inside `<pre>` / `<code>`: shown as code on purpose.
    code: bool,
    unescape: bool,
}

impl Pending {
    /// Ends the paragraph: prose goes out as a block (blobs taken out, markup escaped twice
    /// read once more); code shown as code goes out as it is; code and data that leaked into
    /// the page's text do not go out.
    fn flush(&mut self, out: &mut Vec<Block>) {
        let raw = std::mem::take(&mut self.text);
        let link = std::mem::take(&mut self.link);
        let code = std::mem::take(&mut self.code);
        if raw.trim().is_empty() {
            return;
        }
        let mut text = collapse_ws(&raw);
        if !code {
            if let Some(t) = blobs::without_blobs(&text) {
                text = t;
            }
            if blobs::is_code(&text) {
                return;
            }
            if self.unescape && blobs::is_escaped_twice(&text) {
                let inner = Dom::parse(&text);
                for b in emit_with(&inner, &[0], false) {
                    let link_chars = link.min(b.chars);
                    out.push(Block { link_chars, ..b });
                }
                return;
            }
        }
        let chars = text.chars().filter(|c| !c.is_whitespace()).count();
        if chars > 0 {
            out.push(Block { text, chars, link_chars: link.min(chars) });
        }
    }
}

/// True when the block is a link list entry, a widget phrase or empty.
pub(crate) fn is_junk_block(b: &Block) -> bool {
    if b.chars == 0 || !b.text.chars().any(char::is_alphanumeric) {
        return true;
    }
    let ld = b.link_chars as f32 / b.chars as f32;
    if ld > MAX_LINK_DENSITY && b.chars < LONG_BLOCK_CHARS || ld > 0.8 {
        return true;
    }
    b.chars <= SHORT_BLOCK_CHARS && patterns::is_junk_line(&b.text) || patterns::is_promo_line(&b.text)
}

/// A paragraph of running text: long, few links, ending like a sentence.
fn is_prose_block(b: &Block) -> bool {
    b.chars >= PROSE_BLOCK_CHARS
        && (b.link_chars as f32) < PROSE_MAX_LINK_SHARE * b.chars as f32
        && b.text.trim_end().ends_with(['.', '!', '?', '"', '“', '”', '»', '«', ')', '…'])
}

/// Where the article resumes after an end marker at `from - 1`: the first prose paragraph,
/// when at least `RESUME_MIN_PROSE` of them follow (a real end has teasers, not prose, after).
fn prose_resumes(blocks: &[Block], from: usize) -> Option<usize> {
    let rest = blocks.get(from..)?;
    let first = rest.iter().position(is_prose_block)?;
    let count = rest.iter().filter(|b| is_prose_block(b)).count();
    (count >= RESUME_MIN_PROSE).then_some(from + first)
}

/// Filters blocks and cuts at an end-of-article marker; returns the text.
pub(crate) fn assemble(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut seen = 0usize;
    // Short header-like lines after the last prose paragraph are section labels of whatever
    // follows the article ("Über diese Reihe", "Quellenangaben:", "Temas").
    let last_prose = blocks.iter().rposition(|b| b.chars >= PROSE_BLOCK_CHARS && !is_junk_block(b));
    let mut skip_to = 0usize;
    for (i, b) in blocks.iter().enumerate() {
        if i < skip_to {
            continue;
        }
        // A marker inside a link is a table-of-contents or menu entry, not a section header.
        let linked = b.link_chars * 2 > b.chars;
        if b.chars <= SHORT_BLOCK_CHARS && !linked && patterns::is_end_marker(&b.text) {
            if seen >= MIN_CHARS_BEFORE_CUT {
                // An inline "read also" box in the middle of the article: the teasers after it
                // are dropped, and the article goes on where its prose resumes.
                if let Some(j) = prose_resumes(blocks, i + 1) {
                    skip_to = j;
                    continue;
                }
                break;
            }
            continue;
        }
        if last_prose.is_some_and(|p| i > p) && b.chars < TRAILING_LABEL_CHARS && !b.text.ends_with(['.', '!', '?']) {
            continue;
        }
        if is_junk_block(b) {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&b.text);
        seen += b.chars;
    }
    out
}

/// Between the headline and the article body, at most this many nodes: further apart, the
/// `<h1>` is not this body's headline (a site logo, a section title).
const MAX_LEAD_GAP_NODES: usize = 400;
/// A lead paragraph has at least this many non-space characters (a sentence).
const MIN_LEAD_CHARS: usize = 50;
/// At most this much lead text (standfirst and subtitle) is taken.
const MAX_LEAD_CHARS: usize = 1000;

/// The lead (standfirst, subtitle, intro) between the headline and the article body: CMSs
/// put it in the article header, outside the body container that the scores choose, and
/// often call it a "teaser" or "intro", which the boilerplate patterns take for a widget.
/// Only prose counts: paragraphs of at least a sentence, with few links; bylines, dates,
/// share bars and captions stay out.
fn lead_blocks(dom: &Dom, roots: &[usize]) -> Vec<Block> {
    let Some(&first) = roots.iter().min() else { return Vec::new() };
    let Some(h1) = dom.meta.h1_nodes.iter().map(|&h| h as usize).filter(|&h| dom.nodes[h].end as usize <= first).max() else {
        return Vec::new();
    };
    let start = dom.nodes[h1].end as usize;
    if first.saturating_sub(start) > MAX_LEAD_GAP_NODES {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut total = 0usize;
    let mut i = start;
    while i < first {
        let node = &dom.nodes[i];
        if node.end as usize > first {
            // A container of the body: its children before the body are candidates.
            i += 1;
            continue;
        }
        let blocks = if node.flags & flag::PRUNED != 0 {
            // A pruned lead ("article-teaser", "intro") is read as one paragraph.
            if node.flags & flag::LEAD == 0 || node.tag == Tag::Figcaption {
                Vec::new()
            } else {
                let text = dom.subtree_text_upto(i, MAX_LEAD_CHARS * 2);
                let chars = text.chars().filter(|c| !c.is_whitespace()).count();
                vec![Block { text, chars, link_chars: 0 }]
            }
        } else {
            emit(dom, &[i])
        };
        for b in blocks {
            if b.chars >= MIN_LEAD_CHARS && is_lead_prose(&b) && total + b.chars <= MAX_LEAD_CHARS {
                total += b.chars;
                out.push(b);
            }
        }
        i = (node.end as usize).max(i + 1);
    }
    out
}

/// Words of an image caption's credit: a paragraph with one is a caption, not a lead.
const CREDIT_MARKS: &[&str] = &["foto:", "fotos:", "photo:", "bild:", "image:", "©", "(c)", "credit", "getty", "dpa/"];

/// A lead paragraph: prose with few links, not a widget line nor a caption.
fn is_lead_prose(b: &Block) -> bool {
    let lower = b.text.to_lowercase();
    (b.link_chars as f32) < PROSE_MAX_LINK_SHARE * b.chars as f32
        && !is_junk_block(b)
        && !b.text.trim_end().ends_with(':')
        && b.text.chars().filter(char::is_ascii_digit).count() * 5 < b.chars
        && !CREDIT_MARKS.iter().any(|m| lower.contains(m))
}

/// The article text of a parsed page: its lead (empty when none is found apart from the
/// body) and its body.
pub(crate) fn main_text(dom: &Dom) -> (String, String) {
    if dom.nodes.is_empty() {
        return (String::new(), String::new());
    }
    let roots = choose_roots(dom);
    // The lead is assembled apart: its length must not let an end marker near the top of the
    // body cut the article, nor decide whether the body was found.
    let lead = assemble(&lead_blocks(dom, &roots));
    let body = assemble(&emit(dom, &roots));
    if body.chars().count() >= MIN_RESULT_CHARS {
        return (lead, body);
    }
    let all = assemble(&emit(dom, &[0]));
    if all.len() > body.len() {
        (String::new(), all)
    } else {
        (lead, body)
    }
}

/// Lead and body as one text.
pub(crate) fn join_lead(lead: &str, body: String) -> String {
    if lead.is_empty() || body.contains(lead) {
        body
    } else if body.is_empty() {
        lead.to_string()
    } else {
        format!("{lead}\n{body}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str) -> String {
        let (lead, body) = main_text(&Dom::parse(html));
        join_lead(&lead, body)
    }

    #[test]
    fn repeated_post_containers_are_all_kept() {
        let post = |n: u32| {
            format!(
                "<div class=\"post\"><div class=\"body\"><p>Entry {n}: a long paragraph of forum prose, with commas, clauses and enough words to count as text that a reader came for, repeated so that it is long enough, well over two hundred characters in total, which is the bar.</p></div></div>"
            )
        };
        let html = format!("<html><body><nav><a href=/>Home</a></nav><main>{}{}{}</main></body></html>", post(1), post(2), post(3));
        let text = text_of(&html);
        for n in 1..=3 {
            assert!(text.contains(&format!("Entry {n}:")), "{text}");
        }
        assert!(!text.contains("Home"));
    }

    #[test]
    fn sections_marked_as_holding_ads_keep_their_prose() {
        let para = "A paragraph of the review itself, with commas, details and a verdict, long enough to be prose rather than a label. ";
        let html = format!(
            "<html><body><article><section class=\"report__section--ads\"><p>{}</p><p>{}</p><p>{}</p><p>{}</p></section><section class=\"report__section\"><p>{para}</p></section><div class=\"ad-slot\">Buy now cheap</div></article></body></html>",
            para, para, para, para
        );
        let text = text_of(&html);
        assert_eq!(text.matches("A paragraph").count(), 5, "{text}");
        assert!(!text.contains("Buy now"));
    }

    #[test]
    fn the_lead_between_headline_and_body_is_kept() {
        let para = "A paragraph of the article body, with commas, facts and quotes that a reader came for, long enough to be prose. ";
        let html = format!(
            "<html><body><article><header><h1>Bridge opens</h1><p class=\"article-teaser\">The city opened its new bridge on Thursday, three years after building began.</p><div class=\"byline\">By Erika Muster, 12 March 2021</div><div class=\"caption\">The bridge at night. (Photo: Getty Images, all rights reserved by the agency)</div></header><div class=\"article-body\"><p>{para}</p><p>{para}</p><p>{para}</p></div></article></body></html>"
        );
        let text = text_of(&html);
        assert!(text.starts_with("The city opened its new bridge"), "{text}");
        assert!(!text.contains("Getty") && !text.contains("Erika"), "{text}");
    }

    fn block(text: &str, link_chars: usize) -> Block {
        let chars = text.chars().filter(|c| !c.is_whitespace()).count();
        Block { text: text.to_string(), chars, link_chars }
    }

    #[test]
    fn inline_read_also_boxes_do_not_end_the_article() {
        let para = |n: u32| block(&format!("Paragraph {n} of the article goes on with facts, quotes and context that a reader wants, long enough to be prose, with a few more words."), 0);
        let teaser = block("Another story about something else entirely", 44);
        let blocks = vec![para(1), para(2), para(3), para(7), block("Lesen Sie auch:", 0), teaser.clone(), para(4), para(5), para(6)];
        let text = assemble(&blocks);
        assert!(text.contains("Paragraph 6"), "{text}");
        assert!(!text.contains("Another story"));
        // A real end: only teasers after the marker.
        let blocks = vec![para(1), para(2), para(3), para(7), block("Related articles", 0), teaser.clone(), block("A teaser sentence that ends with a period but has no more prose after it at all, so it is cut.", 0)];
        let text = assemble(&blocks);
        assert!(!text.contains("teaser sentence"), "{text}");
    }
}
