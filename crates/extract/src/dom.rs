//! A flat, pre-order copy of the parsed page with the facts the heuristics need per node.
//!
//! Why a copy: html5ever's tree (through `scraper`) is a linked tree; the heuristics need
//! subtree sums (text length, link text) and cheap "skip this subtree" jumps. In pre-order the
//! subtree of node `i` is the index range `i..nodes[i].end`, so both become array loops, and
//! the walk needs no recursion (deeply nested malformed pages cannot overflow the stack).

use crate::patterns::{self, AttrClass};
use scraper::{node::Element, Html, Node as HNode};

/// A boilerplate-looking element holding more than this share of the page's text is a layout
/// wrapper and is kept (article bodies are the bulk of a page's prose).
const WRAPPER_SHARE: f32 = 0.5;
/// A "soft" boilerplate element (content words next to boilerplate words) with this much
/// prose is the article: about three real paragraphs.
const SOFT_BOILER_MAX_PROSE: u32 = 400;
/// A block with this much own (non-link) text is a prose paragraph, not a label or menu entry.
const MIN_PROSE_CHARS: u32 = 80;

/// The few tags the heuristics tell apart; everything else is `Inline` or `Block`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Text,
    P,
    Heading,
    Li,
    List,
    Dt,
    Table,
    Tr,
    Cell,
    Blockquote,
    Pre,
    Br,
    Div,
    Article,
    Main,
    A,
    Figcaption,
    Block,
    Inline,
}

impl Tag {
    /// Tags that start a new paragraph in the extracted text.
    pub(crate) fn is_block(self) -> bool {
        !matches!(self, Tag::Text | Tag::A | Tag::Inline | Tag::Cell)
    }
}

/// Node flags, set while copying.
pub(crate) mod flag {
    /// Class/id/role/tag say navigation, share, comments, footer, related, cookie, ….
    pub const BOILER: u16 = 1;
    /// Class/id/itemprop say "this is the article body" (guards ancestors against BOILER).
    pub const STRONG: u16 = 2;
    /// Removed: inside an effective BOILER element (computed after copying).
    pub const PRUNED: u16 = 4;
    /// Text inside a link.
    pub const IN_LINK: u16 = 8;
    /// Some descendant (or the node) carries STRONG.
    pub const HAS_STRONG: u16 = 16;
    /// Class/id look like content ("content", "post", "entry", "text", …): readability bonus.
    pub const POSITIVE: u16 = 32;
    /// BOILER from words next to content words ("entry share"): pruned only when small.
    pub const SOFT: u16 = 64;
    /// A form, a comment thread, an image credit or a teaser (class/id "comment", "reply",
    /// "credit", "caption", "teaser", …): its names and dates are not the article's.
    pub const OTHERS: u16 = 128;
    /// Shows code on purpose (`<pre>`, `<code>`, `<kbd>`, `<samp>`, `<tt>`): its text is
    /// never judged as a leaked blob or as escaped markup.
    pub const CODE: u16 = 256;
    /// Class/id call it a lead, intro, standfirst, subtitle or teaser: when it sits between
    /// the headline and the body, it is the article's own lead.
    pub const LEAD: u16 = 512;
}

/// One node of the flat tree.
#[derive(Debug, Clone)]
pub(crate) struct FNode {
    pub tag: Tag,
    pub flags: u16,
    /// Content-container tier (0 best); `u8::MAX` when the node is no candidate.
    pub tier: u8,
    pub parent: u32,
    /// Exclusive end of the subtree in pre-order.
    pub end: u32,
    /// Byte range of this text node's content in `Dom::buf`.
    pub text: (u32, u32),
    /// Non-space characters of the subtree, outside pruned parts.
    pub chars: u32,
    /// The part of `chars` inside links.
    pub link_chars: u32,
    /// Non-space characters of this text node itself (0 for elements).
    pub own_chars: u32,
    /// Hash of tag name and class: repeated containers (forum posts, lexicon entries) share it.
    pub sig: u64,
}

/// Metadata seen while copying (only the head-ish elements the extractor reads).
#[derive(Debug, Default)]
pub(crate) struct RawMeta {
    /// `(key, content)` of `<meta>` tags; key is the lower-cased name/property/itemprop.
    pub metas: Vec<(String, String)>,
    pub html_lang: Option<String>,
    pub title_node: Option<u32>,
    pub h1_nodes: Vec<u32>,
    /// The text of each JSON-LD script (never part of the page's text).
    pub json_ld: Vec<String>,
    pub time_datetimes: Vec<String>,
    /// Elements that name an author (comment threads, forms and image credits left out).
    pub author_nodes: Vec<AuthorMark>,
    /// `href` of `<link rel="canonical">`.
    pub canonical: Option<String>,
    /// Values of elements marked `itemprop="datePublished"` (`datetime` or `content`), or
    /// the element's node when the date is its text.
    pub itemprop_dates: Vec<DateMark>,
    /// Elements whose class/id speak of a date or of the article's meta line ("date",
    /// "posted", "entry-meta", "byline"): where a date written as text is looked for.
    pub date_nodes: Vec<u32>,
}

/// An element that names an author.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthorMark {
    /// 0 for `rel=author` links and `itemprop=author`, 1 for "author" / "byline" classes.
    pub rank: u8,
    pub node: u32,
    /// The outermost link the element is in, if any (a teaser card's link holds more).
    pub link: Option<u32>,
}

/// A date given by markup: an attribute's value, or the text of a node.
#[derive(Debug)]
pub(crate) enum DateMark {
    Value(String),
    Node(u32),
}

/// The flat tree plus text buffer and metadata.
pub(crate) struct Dom {
    pub nodes: Vec<FNode>,
    pub buf: String,
    pub meta: RawMeta,
}

/// Subtrees never shown as article text (the extractor also never needs to look inside them).
fn skipped_tag(name: &str) -> bool {
    matches!(
        name,
        "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "applet"
            | "canvas"
            | "video"
            | "audio"
            | "map"
            | "select"
            | "textarea"
            | "button"
            | "input"
            | "option"
            | "datalist"
            | "dialog"
            | "picture"
            | "source"
            | "head"
            | "link"
            | "frameset"
    )
}

fn tag_of(name: &str) -> Tag {
    match name {
        "p" => Tag::P,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Tag::Heading,
        "li" | "dd" => Tag::Li,
        "ul" | "ol" | "dl" | "menu" => Tag::List,
        "dt" => Tag::Dt,
        "table" => Tag::Table,
        "tr" => Tag::Tr,
        "td" | "th" => Tag::Cell,
        "blockquote" => Tag::Blockquote,
        "pre" => Tag::Pre,
        "br" | "hr" => Tag::Br,
        "div" | "section" | "center" => Tag::Div,
        "article" => Tag::Article,
        "main" => Tag::Main,
        "a" => Tag::A,
        "figcaption" => Tag::Figcaption,
        "header" | "footer" | "nav" | "aside" | "address" | "figure" | "details" | "summary"
        | "caption" | "form" | "fieldset" | "body" | "html" | "thead" | "tbody" | "tfoot"
        | "hgroup" | "legend" => Tag::Block,
        _ => Tag::Inline,
    }
}

/// Tags that are boilerplate by themselves, whatever their class.
fn boiler_tag(name: &str) -> bool {
    matches!(name, "nav" | "aside" | "footer" | "menu" | "form" | "fieldset" | "figcaption" | "head" | "script")
}

fn is_hidden(el: &Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    if el.attr("aria-hidden").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return true;
    }
    el.attr("style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Hash of an element's tag name and class list (order-sensitive, which is how templates repeat).
fn signature(name: &str, class: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut h);
    for c in class.split_ascii_whitespace() {
        c.hash(&mut h);
    }
    h.finish()
}

/// Forms, comment threads, image credits and teasers: their names and dates are not the
/// article's. Page-level elements carry page-state classes ("comments-open") and never count.
fn is_others(name: &str, by_tokens: bool) -> bool {
    !matches!(name, "html" | "body" | "main" | "article") && (matches!(name, "form" | "figure" | "figcaption") || by_tokens)
}

fn is_ld_json(el: &Element) -> bool {
    el.attr("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
}

impl Dom {
    /// Parses `html` (with markup beyond the parser's linear-cost caps removed, see
    /// `limit`) and copies it into the flat form.
    pub(crate) fn parse(html: &str) -> Dom {
        let doc = Html::parse_document(&crate::limit::limit_markup(html));
        let mut dom = Dom { nodes: Vec::with_capacity(1024), buf: String::with_capacity(html.len() / 4), meta: RawMeta::default() };
        // Open elements: index into `nodes`, or `None` for elements we did not copy.
        let mut stack: Vec<Option<u32>> = Vec::with_capacity(64);
        let mut skip_depth = 0usize;
        let mut link_depth = 0usize;
        // The outermost open link.
        let mut outer_link: Option<u32> = None;
        // Depth inside forms, comment threads, image credits and teasers.
        let mut others_depth = 0usize;
        for edge in doc.root_element().traverse() {
            match edge {
                ego_tree::iter::Edge::Open(nref) => match nref.value() {
                    HNode::Element(el) => {
                        let name = el.name();
                        if skip_depth > 0 {
                            skip_depth += 1;
                            continue;
                        }
                        if name == "meta" {
                            dom.record_meta(el);
                        }
                        if name == "html" {
                            dom.meta.html_lang = el.attr("lang").or_else(|| el.attr("xml:lang")).map(str::to_string);
                        }
                        if name == "time" {
                            if let Some(dt) = el.attr("datetime") {
                                dom.meta.time_datetimes.push(dt.to_string());
                            }
                        }
                        if name == "link" && dom.meta.canonical.is_none() {
                            let rel = el.attr("rel").unwrap_or("");
                            if rel.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case("canonical")) {
                                dom.meta.canonical = el.attr("href").map(str::to_string);
                            }
                        }
                        let date_prop = name != "meta"
                            && el.attr("itemprop").is_some_and(|p| p.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case("datePublished")));
                        if date_prop {
                            if let Some(v) = el.attr("datetime").or_else(|| el.attr("content")) {
                                dom.meta.itemprop_dates.push(DateMark::Value(v.to_string()));
                            }
                        }
                        if name == "script" {
                            // Scripts are never text; JSON-LD is kept aside for the metadata.
                            if is_ld_json(el) {
                                let raw: String = nref.children().filter_map(|c| c.value().as_text().map(|t| t.to_string())).collect();
                                dom.meta.json_ld.push(raw);
                            }
                            skip_depth = 1;
                            continue;
                        }
                        if (skipped_tag(name) && name != "head") || is_hidden(el) && name != "html" && name != "body" {
                            skip_depth = 1;
                            continue;
                        }
                        let idx = dom.nodes.len() as u32;
                        let parent = stack.iter().rev().flatten().next().copied().unwrap_or(u32::MAX);
                        let tag = tag_of(name);
                        match name {
                            "title" if dom.meta.title_node.is_none() => dom.meta.title_node = Some(idx),
                            "h1" => dom.meta.h1_nodes.push(idx),
                            _ => {}
                        }
                        let mut flags = 0u16;
                        if boiler_tag(name) {
                            flags |= flag::BOILER;
                        }
                        // <html>, <body> and <main> carry page-state classes ("no-sidebars",
                        // "nav-open"), never boilerplate; a <blockquote> is quoted content,
                        // also when its class names the network it was embedded from
                        // ("twitter-tweet", "instagram-media").
                        let layout = matches!(name, "html" | "body" | "main" | "blockquote");
                        let attrs = patterns::classify_attrs(el);
                        let AttrClass { boiler, strong, positive, tier: attr_tier, author, soft, .. } = attrs;
                        let mut tier = attr_tier;
                        for (on, f) in [(boiler && !layout, flag::BOILER), (strong, flag::STRONG), (positive, flag::POSITIVE), (soft, flag::SOFT)] {
                            if on {
                                flags |= f;
                            }
                        }
                        let (class, id) = (el.attr("class").unwrap_or(""), el.attr("id").unwrap_or(""));
                        if attrs.lead {
                            flags |= flag::LEAD;
                        }
                        if matches!(name, "pre" | "code" | "kbd" | "samp" | "tt" | "xmp" | "listing") {
                            flags |= flag::CODE;
                        }
                        if is_others(name, attrs.others) {
                            flags |= flag::OTHERS;
                            others_depth += 1;
                        }
                        if author && others_depth == 0 {
                            let by_prop = el.attr("itemprop").is_some_and(|p| p.to_ascii_lowercase().contains("author"));
                            dom.meta.author_nodes.push(AuthorMark { rank: if by_prop { 0 } else { 1 }, node: idx, link: outer_link });
                        }
                        if date_prop && el.attr("datetime").or_else(|| el.attr("content")).is_none() {
                            dom.meta.itemprop_dates.push(DateMark::Node(idx));
                        }
                        if others_depth == 0 && patterns::is_date_attr(class, id) {
                            dom.meta.date_nodes.push(idx);
                        }
                        if name == "article" {
                            tier = tier.min(patterns::TIER_ARTICLE_TAG);
                        } else if name == "main" {
                            tier = tier.min(patterns::TIER_MAIN_TAG);
                        }
                        if name == "a" {
                            if others_depth == 0 && el.attr("rel").is_some_and(|r| r.split_whitespace().any(|t| t == "author")) {
                                dom.meta.author_nodes.push(AuthorMark { rank: 0, node: idx, link: outer_link });
                            }
                            if link_depth == 0 {
                                outer_link = Some(idx);
                            }
                            link_depth += 1;
                        }
                        let sig = signature(name, class);
                        dom.nodes.push(FNode { tag, flags, tier, parent, end: idx + 1, text: (0, 0), chars: 0, link_chars: 0, own_chars: 0, sig });
                        stack.push(Some(idx));
                    }
                    HNode::Text(t) => {
                        if skip_depth > 0 {
                            continue;
                        }
                        let parent = stack.iter().rev().flatten().next().copied().unwrap_or(u32::MAX);
                        let start = dom.buf.len() as u32;
                        dom.buf.push_str(t);
                        let end = dom.buf.len() as u32;
                        let idx = dom.nodes.len() as u32;
                        let flags = if link_depth > 0 { flag::IN_LINK } else { 0 };
                        let own_chars = t.chars().filter(|c| !c.is_whitespace()).count() as u32;
                        dom.nodes.push(FNode { tag: Tag::Text, flags, tier: u8::MAX, parent, end: idx + 1, text: (start, end), chars: 0, link_chars: 0, own_chars, sig: 0 });
                    }
                    _ => {}
                },
                ego_tree::iter::Edge::Close(nref) => {
                    if let HNode::Element(el) = nref.value() {
                        if skip_depth > 0 {
                            skip_depth -= 1;
                            continue;
                        }
                        if let Some(Some(idx)) = stack.pop() {
                            let end = dom.nodes.len() as u32;
                            if let Some(n) = dom.nodes.get_mut(idx as usize) {
                                n.end = end;
                                if n.flags & flag::OTHERS != 0 {
                                    others_depth = others_depth.saturating_sub(1);
                                }
                            }
                        }
                        if el.name() == "a" {
                            link_depth = link_depth.saturating_sub(1);
                            if link_depth == 0 {
                                outer_link = None;
                            }
                        }
                    }
                }
            }
        }
        dom.compute();
        dom
    }

    fn record_meta(&mut self, el: &Element) {
        let key = el.attr("property").or_else(|| el.attr("name")).or_else(|| el.attr("itemprop")).or_else(|| el.attr("http-equiv"));
        if let (Some(k), Some(c)) = (key, el.attr("content")) {
            self.meta.metas.push((k.trim().to_ascii_lowercase(), c.to_string()));
        }
    }

    /// The raw text of a text node.
    pub(crate) fn text_of(&self, i: usize) -> &str {
        let (s, e) = self.nodes[i].text;
        self.buf.get(s as usize..e as usize).unwrap_or("")
    }

    /// All text below node `i` (pruned parts included), whitespace collapsed, up to about
    /// `max` bytes: metadata fields are short, and reading a whole page for each candidate
    /// would make nested candidates (an "author" class on every wrapper) cost the page size
    /// times their number.
    pub(crate) fn subtree_text_upto(&self, i: usize, max: usize) -> String {
        let end = self.nodes.get(i).map_or(i, |n| n.end as usize);
        let mut out = String::new();
        for j in i..end.min(self.nodes.len()) {
            if self.nodes[j].tag == Tag::Text {
                out.push_str(self.text_of(j));
                out.push(' ');
                if out.len() > max {
                    break;
                }
            }
        }
        crate::normalize::collapse_ws(&out)
    }

    /// Bottom-up sums and top-down pruning.
    fn compute(&mut self) {
        let n = self.nodes.len();
        // HAS_STRONG bottom-up, so a boilerplate-looking wrapper around the article body is kept.
        for i in (0..n).rev() {
            let f = self.nodes[i].flags;
            let has = f & (flag::STRONG | flag::HAS_STRONG) != 0;
            let p = self.nodes[i].parent as usize;
            if has && p < n {
                self.nodes[p].flags |= flag::HAS_STRONG;
            }
        }
        // Prose first: a boilerplate-looking wrapper ("no-sidebars" on <body>, an "off-canvas"
        // page wrapper, a page-builder "widget", a "sharing" container around the article)
        // that holds most of the page's prose paragraphs is layout, not boilerplate.
        let prose = self.prose_per_node();
        let guard = prose.first().map_or(u32::MAX, |&t| ((t as f32 * WRAPPER_SHARE) as u32).max(1));
        for i in 0..n {
            let p = self.nodes[i].parent as usize;
            let parent_pruned = p < n && self.nodes[p].flags & flag::PRUNED != 0;
            let f = self.nodes[i].flags;
            let own = f & flag::BOILER != 0
                && f & (flag::STRONG | flag::HAS_STRONG) == 0
                && prose.get(i).is_none_or(|&c| c < guard && (f & flag::SOFT == 0 || c < SOFT_BOILER_MAX_PROSE));
            if parent_pruned || own {
                self.nodes[i].flags |= flag::PRUNED;
            }
        }
        self.sum_chars();
    }

    /// Per node: non-space characters of its prose paragraphs (blocks whose own direct text is
    /// at least `MIN_PROSE_CHARS`), before any pruning.
    fn prose_per_node(&self) -> Vec<u32> {
        let n = self.nodes.len();
        let mut own = vec![0u32; n];
        for (i, node) in self.nodes.iter().enumerate() {
            if node.tag != Tag::Text || node.flags & flag::IN_LINK != 0 {
                continue;
            }
            let b = self.block_of(i);
            if b < n {
                own[b] += node.own_chars;
            }
        }
        let mut prose: Vec<u32> = own.iter().map(|&c| if c >= MIN_PROSE_CHARS { c } else { 0 }).collect();
        for i in (1..n).rev() {
            let p = self.nodes[i].parent as usize;
            if p < n {
                prose[p] += prose[i];
            }
        }
        prose
    }

    /// The nearest block-level ancestor of node `i` (`usize::MAX`-ish when none).
    pub(crate) fn block_of(&self, i: usize) -> usize {
        let n = self.nodes.len();
        let mut b = self.nodes[i].parent as usize;
        while b < n && !(self.nodes[b].tag.is_block() || self.nodes[b].tag == Tag::Cell) {
            b = self.nodes[b].parent as usize;
        }
        b
    }

    /// Bottom-up sums of non-space characters and link characters outside pruned parts.
    fn sum_chars(&mut self) {
        let n = self.nodes.len();
        for node in &mut self.nodes {
            node.chars = 0;
            node.link_chars = 0;
        }
        for i in (0..n).rev() {
            if self.nodes[i].tag == Tag::Text && self.nodes[i].flags & flag::PRUNED == 0 {
                let c = self.nodes[i].own_chars;
                self.nodes[i].chars = c;
                if self.nodes[i].flags & flag::IN_LINK != 0 {
                    self.nodes[i].link_chars = c;
                }
            }
            let p = self.nodes[i].parent as usize;
            if p < n {
                let (c, l) = (self.nodes[i].chars, self.nodes[i].link_chars);
                self.nodes[p].chars += c;
                self.nodes[p].link_chars += l;
            }
        }
    }
}
