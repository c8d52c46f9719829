//! Caps what makes HTML parsing superlinear, before the page reaches the parser.
//!
//! html5ever follows the HTML standard's tree construction, and several of its steps walk the
//! whole stack of open elements or the list of active formatting elements for each tag: a
//! `<div>` start tag looks for an open `<p>` down to the nearest scope boundary, text rebuilds
//! every formatting element that a closed block left open, and each new attribute is compared
//! with all earlier ones of its tag. A page of 200,000 nested `<div>` thus took minutes.
//! Browsers cap the tree depth for the same reason (Blink at 512), and this module does it
//! before parsing: a single pass over the tags keeps a conservative model of the parser's
//! stack of open elements and drops start tags (with their end tags) that would nest deeper
//! than [`MAX_DEPTH`] or leave more than [`MAX_FORMATTING`] formatting elements open, and cuts
//! tags after [`MAX_ATTRS`] attributes. The text is kept; only markup beyond the caps goes.
//!
//! Hand-written because no crate offers it: a depth cap must know the few places where the
//! standard closes elements implicitly (`<p>` before a block, `<li>` after `<li>`, table
//! cells), or old pages with unclosed paragraphs would count as deep. The model errs towards
//! "deeper than the parser" wherever it is unsure, so the parser's stack never exceeds the cap
//! by more than a small constant; real pages never reach the caps (the deepest dev page
//! is far below them) and pass through unchanged.

use std::borrow::Cow;
use std::collections::HashMap;

/// Deepest element nesting passed to the parser: deeper start tags are dropped. Blink uses
/// 512; article text is never that deep, and the parser's cost per tag grows with this.
pub(crate) const MAX_DEPTH: usize = 256;
/// Most formatting elements (`<b>`, `<a>`, `<font>`, …) left open at once: the parser reopens
/// all of them in every following block, so each one costs a node per paragraph.
pub(crate) const MAX_FORMATTING: usize = 12;
/// Attributes kept per tag: the parser compares each new attribute with all earlier ones.
pub(crate) const MAX_ATTRS: usize = 64;
/// Elements passed to the parser (reopened formatting elements included); later tags become
/// spaces. Each element costs a few hundred bytes in the parsed tree, so this bounds the
/// memory of a page of tiny elements (`<p>x` repeated: 85 bytes per byte of page without it);
/// the dev pages have at most ~10,000 tags, long encyclopedia pages some 100,000.
pub(crate) const MAX_ELEMENTS: usize = 250_000;

/// Elements without content or end tag.
fn is_void(n: &str) -> bool {
    matches!(
        n,
        "area" | "base" | "basefont" | "bgsound" | "br" | "col" | "embed" | "frame" | "hr" | "image" | "img" | "input"
            | "keygen" | "link" | "meta" | "param" | "source" | "track" | "wbr"
    )
}

/// Elements whose content is text, not markup, up to their end tag.
fn is_raw_text(n: &str) -> bool {
    matches!(n, "script" | "style" | "textarea" | "title" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript")
}

/// The standard's formatting elements (kept in the list of active formatting elements).
fn is_formatting(n: &str) -> bool {
    matches!(n, "a" | "b" | "big" | "code" | "em" | "font" | "i" | "nobr" | "s" | "small" | "strike" | "strong" | "tt" | "u")
}

/// The standard's "special" elements: end tags of ordinary elements do not close past them.
fn is_special(n: &str) -> bool {
    matches!(
        n,
        "address" | "applet" | "area" | "article" | "aside" | "base" | "basefont" | "bgsound" | "blockquote" | "body" | "br"
            | "button" | "caption" | "center" | "col" | "colgroup" | "dd" | "details" | "dir" | "div" | "dl" | "dt" | "embed"
            | "fieldset" | "figcaption" | "figure" | "footer" | "form" | "frame" | "frameset" | "h1" | "h2" | "h3" | "h4"
            | "h5" | "h6" | "head" | "header" | "hgroup" | "hr" | "html" | "iframe" | "img" | "input" | "keygen" | "li"
            | "link" | "listing" | "main" | "marquee" | "menu" | "meta" | "nav" | "noembed" | "noframes" | "noscript"
            | "object" | "ol" | "p" | "param" | "plaintext" | "pre" | "script" | "search" | "section" | "select" | "source"
            | "style" | "summary" | "table" | "tbody" | "td" | "template" | "textarea" | "tfoot" | "th" | "thead" | "title"
            | "tr" | "track" | "ul" | "wbr" | "xmp" | "m:mi" | "m:mo" | "m:mn" | "m:ms" | "m:mtext" | "m:annotation-xml"
    )
}

/// Elements that bound the default scope (an end tag does not look past them).
fn is_scope_barrier(n: &str) -> bool {
    matches!(
        n,
        "applet" | "caption" | "html" | "table" | "td" | "th" | "marquee" | "object" | "template" | "m:mi" | "m:mo" | "m:mn"
            | "m:ms" | "m:mtext" | "m:annotation-xml"
    )
}

/// Elements that put a marker on the list of active formatting elements.
fn is_marker(n: &str) -> bool {
    matches!(n, "applet" | "caption" | "marquee" | "object" | "td" | "th" | "template")
}

/// Start tags that close an open `<p>` first (table is left out: in quirks mode it does not).
fn closes_p(n: &str) -> bool {
    matches!(
        n,
        "address" | "article" | "aside" | "blockquote" | "center" | "details" | "dialog" | "dir" | "div" | "dl"
            | "fieldset" | "figcaption" | "figure" | "footer" | "header" | "hgroup" | "main" | "menu" | "nav" | "ol"
            | "p" | "search" | "section" | "summary" | "ul" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre" | "listing"
            | "form" | "li" | "dd" | "dt" | "xmp"
    )
}

/// HTML start tags that end MathML content (and `<font>` with presentational attributes).
fn breaks_out(n: &str) -> bool {
    matches!(
        n,
        "b" | "big" | "blockquote" | "body" | "br" | "center" | "code" | "dd" | "div" | "dl" | "dt" | "em" | "embed" | "h1"
            | "h2" | "h3" | "h4" | "h5" | "h6" | "head" | "hr" | "i" | "img" | "li" | "listing" | "menu" | "meta" | "nobr"
            | "ol" | "p" | "pre" | "ruby" | "s" | "small" | "span" | "strong" | "strike" | "sub" | "sup" | "table" | "tt"
            | "u" | "ul" | "var"
    )
}

/// MathML elements inside which the HTML rules apply again.
fn is_text_integration(n: &str) -> bool {
    matches!(n, "m:mi" | "m:mo" | "m:mn" | "m:ms" | "m:mtext")
}

fn is_heading(n: &str) -> bool {
    matches!(n, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Table parts: the parser ignores them outside a table (or template).
fn is_table_part(n: &str) -> bool {
    matches!(n, "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "caption" | "col" | "colgroup")
}

/// Which scope an end tag or implied close looks in.
#[derive(Clone, Copy)]
enum Scope {
    Default,
    Button,
    ListItem,
    Table,
}

impl Scope {
    fn stops_at(self, n: &str) -> bool {
        match self {
            Scope::Default => is_scope_barrier(n),
            Scope::Button => is_scope_barrier(n) || n == "button",
            Scope::ListItem => is_scope_barrier(n) || n == "ol" || n == "ul",
            Scope::Table => matches!(n, "html" | "table" | "template"),
        }
    }
}

/// What to do with a tag.
#[derive(PartialEq, Eq)]
enum Act {
    Keep,
    Drop,
}

/// An open element of the model.
struct El {
    /// Lower-cased tag name; MathML elements (foreign content, where the HTML rules do not
    /// apply) as `m:name`, so that HTML rules never match them by name.
    name: String,
    id: u32,
}

impl El {
    fn foreign(&self) -> bool {
        self.name.starts_with("m:")
    }

    /// MathML that the parser has closed (an HTML tag ended it) but the model keeps as depth,
    /// as `x:name`: neither rule matches it by name.
    fn inert(&self) -> bool {
        self.name.starts_with("x:")
    }
}

/// An entry of the list of active formatting elements.
struct Entry {
    name: String,
    /// The element it stands for (a reopened clone gets a new one).
    id: u32,
    /// Whether that element is still in the stack (else the parser reopens it before text).
    open: bool,
}

/// A conservative model of the parser's stack of open elements and active formatting list.
#[derive(Default)]
struct Model {
    /// The open elements (html/head/body are implicit).
    stack: Vec<El>,
    /// Active formatting elements; `None` is a marker (table cell, caption, object, …).
    formatting: Vec<Option<Entry>>,
    /// Start tags dropped per name whose end tags are still to come (and to drop).
    dropped: HashMap<String, u32>,
    /// How many `table`/`template` elements are open (table parts count only inside one).
    tables: usize,
    next_id: u32,
    /// Elements the parser will have made so far (the ids handed out, plus void elements).
    elements: usize,
}

impl Model {
    fn name(&self, i: usize) -> &str {
        self.stack.get(i).map_or("", |e| e.name.as_str())
    }

    /// Index of the nearest open element named by `is`, unless a scope barrier comes first.
    fn find_in_scope(&self, scope: Scope, is: impl Fn(&str) -> bool) -> Option<usize> {
        for (i, e) in self.stack.iter().enumerate().rev() {
            if is(&e.name) {
                return Some(i);
            }
            if scope.stops_at(&e.name) {
                return None;
            }
        }
        None
    }

    fn pop_to(&mut self, i: usize) {
        while self.stack.len() > i {
            let Some(e) = self.stack.pop() else { break };
            match e.name.as_str() {
                "table" | "template" => self.tables = self.tables.saturating_sub(1),
                _ => {}
            }
            if is_marker(&e.name) {
                while let Some(x) = self.formatting.pop() {
                    if x.is_none() {
                        break;
                    }
                }
            } else if is_formatting(&e.name) {
                if let Some(Some(x)) = self.formatting.iter_mut().rev().find(|x| x.as_ref().is_some_and(|x| x.id == e.id)) {
                    x.open = false;
                }
            }
        }
    }

    fn pop_top_if(&mut self, is: impl Fn(&str) -> bool) {
        if self.stack.last().is_some_and(|e| is(&e.name)) {
            self.pop_to(self.stack.len() - 1);
        }
    }

    /// Start of the list after the last marker.
    fn after_marker(&self) -> usize {
        self.formatting.iter().rposition(Option::is_none).map_or(0, |m| m + 1)
    }

    /// Active formatting elements after the last marker.
    fn open_formatting(&self) -> usize {
        self.formatting.len() - self.after_marker()
    }

    fn drop_tag(&mut self, name: &str) -> Act {
        *self.dropped.entry(name.to_string()).or_default() += 1;
        Act::Drop
    }

    /// What the parser does before text and inline start tags: every active formatting
    /// element that a closed block left behind is opened again, on top of the stack.
    fn reconstruct(&mut self) {
        let from = self.after_marker();
        for f in from..self.formatting.len() {
            let name = match &self.formatting[f] {
                Some(x) if !x.open => x.name.clone(),
                _ => continue,
            };
            let id = self.push_el(&name);
            if let Some(Some(x)) = self.formatting.get_mut(f) {
                x.id = id;
                x.open = true;
            }
        }
    }

    /// A start tag; `presentational` when it has `color`, `face` or `size` attributes.
    fn start(&mut self, name: &str, presentational: bool) -> Act {
        if matches!(name, "html" | "head" | "body") {
            return Act::Keep;
        }
        // Inside MathML every tag nests (void and self-closing ones too: counting them is the
        // safe side) unless it is an HTML tag that ends the MathML.
        let foreign = self.in_foreign() && !(breaks_out(name) || name == "font" && presentational);
        let nests = foreign
            || !(is_void(name) || is_raw_text(name) || name == "plaintext" || is_table_part(name) && self.tables == 0);
        // Decided before the model changes: a dropped tag never reaches the parser, so none of
        // its effects (implied closes, reopened formatting elements) may be modelled.
        if nests && (self.stack.len() >= MAX_DEPTH || is_formatting(name) && self.open_formatting() >= MAX_FORMATTING) {
            return self.drop_tag(name);
        }
        if foreign {
            self.push(name, true);
            return Act::Keep;
        }
        self.break_out();
        // Block-level and table start tags do not reopen formatting elements; everything else
        // does (the model also does it for a few that do not, which only makes it deeper).
        if !closes_p(name) && !is_table_part(name) && name != "table" {
            self.reconstruct();
        }
        if is_void(name) || is_table_part(name) && self.tables == 0 {
            self.elements += 1;
            return Act::Keep;
        }
        // The implied closes of the standard that old pages rely on; anything not modelled
        // here leaves the model deeper than the parser, which is the safe side.
        if closes_p(name) {
            if let Some(i) = self.find_in_scope(Scope::Button, |n| n == "p") {
                self.pop_to(i);
            }
        }
        match name {
            "li" | "dd" | "dt" => {
                let same = |n: &str| if name == "li" { n == "li" } else { n == "dd" || n == "dt" };
                for i in (0..self.stack.len()).rev() {
                    let n = self.name(i);
                    if same(n) {
                        self.pop_to(i);
                        break;
                    }
                    if is_special(n) && !matches!(n, "address" | "div" | "p") {
                        break;
                    }
                }
            }
            h if is_heading(h) => self.pop_top_if(is_heading),
            "option" => self.pop_top_if(|n| n == "option"),
            _ => {}
        }
        // Raw-text elements open and close at once (the caller skips their content).
        if !nests {
            return Act::Keep;
        }
        // A new link closes the open one (the standard runs the adoption agency for it).
        if name == "a" && self.formatting_after_marker(name).is_some() {
            self.close_formatting(name);
        }
        if is_table_part(name) {
            self.enter_table_part(name);
        }
        self.push(name, false);
        Act::Keep
    }

    /// What the table insertion modes do before a cell, row or row group: close the open cell,
    /// clear the stack back to the table context (foster-parented elements go), close the
    /// open row or row group it replaces, and insert the row group and row it implies.
    fn enter_table_part(&mut self, name: &str) {
        let structural = |n: &str| matches!(n, "tr" | "tbody" | "thead" | "tfoot" | "table" | "template");
        let nearest = |m: &Model, is: &dyn Fn(&str) -> bool| {
            m.stack.iter().rposition(|e| is(&e.name) || matches!(e.name.as_str(), "table" | "template"))
        };
        if let Some(i) = nearest(self, &|n| matches!(n, "td" | "th" | "caption")) {
            if matches!(self.name(i), "td" | "th" | "caption") {
                self.pop_to(i);
            }
        }
        if matches!(name, "caption" | "col" | "colgroup") {
            return;
        }
        // A template counts as a table here: its insertion modes imply fewer elements in
        // some states and as many in others, and the model takes the most.
        let Some(mut k) = nearest(self, &structural) else { return };
        // A new row closes the open row; a new row group closes the open row and row group.
        let closes = |n: &str| match name {
            "tr" => n == "tr",
            "tbody" | "thead" | "tfoot" => matches!(n, "tr" | "tbody" | "thead" | "tfoot"),
            _ => false,
        };
        while closes(self.name(k)) {
            self.pop_to(k);
            match nearest(self, &structural) {
                Some(j) => k = j,
                None => return,
            }
        }
        let top = self.name(k).to_string();
        // Clearing back to the table happens in the table modes only; inside a template the
        // parser may be in body mode, where nothing is cleared.
        if top != "template" {
            self.pop_to(k + 1);
        }
        if matches!(name, "td" | "th" | "tr") && (top == "table" || top == "template") {
            self.push("tbody", false);
        }
        if matches!(name, "td" | "th") && top != "tr" {
            self.push("tr", false);
        }
    }

    /// True when the current element is MathML other than a text integration point (inside
    /// `<mi>`, `<mo>`, … the HTML rules apply again).
    fn in_foreign(&self) -> bool {
        self.current().is_some_and(|e| e.foreign() && !is_text_integration(&e.name))
    }

    /// The current element: the last open one that is not inert.
    fn current(&self) -> Option<&El> {
        self.stack.iter().rev().find(|e| !e.inert())
    }

    /// An HTML tag inside MathML: the parser closes the MathML elements down to an HTML one
    /// or a text integration point. The model keeps them as inert depth, since which elements
    /// the parser counts as MathML is not always clear from the tags.
    fn break_out(&mut self) {
        for e in self.stack.iter_mut().rev() {
            if e.inert() {
                continue;
            }
            if !e.foreign() || is_text_integration(&e.name) {
                break;
            }
            e.name.replace_range(..1, "x");
        }
    }

    /// Opens an element (a formatting or marker one also goes on the list); returns its id.
    /// `foreign` for a MathML element (`<math>` itself is one).
    fn push(&mut self, name: &str, foreign: bool) -> u32 {
        if foreign || name == "math" {
            return self.push_el(&format!("m:{name}"));
        }
        let id = self.push_el(name);
        if matches!(name, "table" | "template") {
            self.tables += 1;
        }
        if is_marker(name) {
            self.formatting.push(None);
        } else if is_formatting(name) {
            self.formatting.push(Some(Entry { name: name.to_string(), id, open: true }));
        }
        id
    }

    /// Opens an element on the stack only (HTML namespace); returns its id.
    fn push_el(&mut self, name: &str) -> u32 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        self.elements += 1;
        self.stack.push(El { name: name.to_string(), id });
        id
    }

    /// Index in the formatting list of the last `name` entry after the last marker.
    fn formatting_after_marker(&self, name: &str) -> Option<usize> {
        let from = self.after_marker();
        self.formatting[from..].iter().rposition(|e| e.as_ref().is_some_and(|e| e.name == name)).map(|f| from + f)
    }

    /// The end of a formatting element as the adoption agency treats it; false when `name` is
    /// not an active formatting element (the end tag is then an ordinary one).
    fn close_formatting(&mut self, name: &str) -> bool {
        let Some(f) = self.formatting_after_marker(name) else { return false };
        let Some(Some(entry)) = self.formatting.get(f) else { return false };
        let id = entry.id;
        let Some(i) = self.stack.iter().rposition(|e| e.id == id) else {
            // Not open any more: the parser only takes it off the list.
            self.formatting.remove(f);
            return true;
        };
        let in_scope = !self.stack[i + 1..].iter().any(|e| is_scope_barrier(&e.name));
        // Out of scope the end tag is ignored; with a special element above it the parser
        // restructures (adoption agency) without making the stack shorter, and the model
        // keeps both as they are.
        if in_scope && !self.stack[i + 1..].iter().any(|e| is_special(&e.name)) {
            self.pop_to(i);
            self.formatting.remove(f);
        }
        true
    }

    fn end(&mut self, name: &str) -> Act {
        if let Some(c) = self.dropped.get_mut(name).filter(|c| **c > 0) {
            *c -= 1;
            return Act::Drop;
        }
        if matches!(name, "html" | "head" | "body" | "br") {
            return Act::Keep;
        }
        if self.in_foreign() && matches!(name, "p" | "br") {
            self.break_out();
        }
        if self.current().is_some_and(El::foreign) {
            // In MathML an end tag closes the nearest foreign element of its name; reaching an
            // HTML element, the HTML rules take over.
            for i in (0..self.stack.len()).rev() {
                if self.stack[i].inert() {
                    continue;
                }
                if !self.stack[i].foreign() {
                    break;
                }
                if self.stack[i].name.strip_prefix("m:") == Some(name) {
                    self.pop_to(i);
                    return Act::Keep;
                }
            }
        }
        if is_formatting(name) && self.close_formatting(name) {
            return Act::Keep;
        }
        if name == "form" {
            // The standard takes the form element out of the stack and leaves the elements
            // opened inside it open (and nested in it in the tree): only a form that is the
            // current element is closed in the model, which thus follows the tree's depth.
            self.pop_top_if(|n| n == "form");
            return Act::Keep;
        }
        if is_special(name) || is_heading(name) {
            let scope = match name {
                "p" => Scope::Button,
                "li" => Scope::ListItem,
                "table" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th" | "caption" | "template" => Scope::Table,
                _ => Scope::Default,
            };
            let found = if is_heading(name) {
                self.find_in_scope(scope, is_heading)
            } else {
                self.find_in_scope(scope, |n| n == name)
            };
            if let Some(i) = found {
                self.pop_to(i);
            }
            return Act::Keep;
        }
        // Any other end tag closes the nearest element of its name, unless a special element
        // is open above it.
        for i in (0..self.stack.len()).rev() {
            let n = self.name(i);
            if n == name {
                self.pop_to(i);
                break;
            }
            if is_special(n) {
                break;
            }
        }
        Act::Keep
    }
}

fn is_name_byte(b: u8) -> bool {
    !(b.is_ascii_whitespace() || b == b'/' || b == b'>')
}

/// A scanned tag: where it ends, its lower-cased name, and where its attributes past the cap
/// begin (if it has more).
struct TagScan {
    end: usize,
    name: String,
    cut_at: Option<usize>,
    /// Has a `color`, `face` or `size` attribute (a `<font>` with one ends MathML content).
    presentational: bool,
}

/// Scans the tag whose name starts at `from` (after `<` or `</`), the way the tokenizer reads
/// attributes (quoted values may hold `>`). `None` when the input ends inside the tag.
fn scan_tag(b: &[u8], from: usize) -> Option<TagScan> {
    let mut i = from;
    while i < b.len() && is_name_byte(b[i]) {
        i += 1;
    }
    let name = String::from_utf8_lossy(&b[from..i]).to_ascii_lowercase();
    let mut attrs = 0usize;
    let mut cut_at = None;
    let mut presentational = false;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        match b.get(i)? {
            b'>' => {
                return Some(TagScan { end: i + 1, name, cut_at, presentational });
            }
            _ => {
                if attrs == MAX_ATTRS && cut_at.is_none() {
                    cut_at = Some(i);
                }
                attrs += 1;
                // The attribute name (a leading `=` belongs to it).
                let name_start = i;
                i += 1;
                while i < b.len() && is_name_byte(b[i]) && b[i] != b'=' {
                    i += 1;
                }
                let attr = &b[name_start..i];
                presentational |= [&b"color"[..], b"face", b"size"].iter().any(|n| attr.eq_ignore_ascii_case(n));
                let mut j = i;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if b.get(j) == Some(&b'=') {
                    j += 1;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    match b.get(j) {
                        Some(&q @ (b'"' | b'\'')) => {
                            let close = b.get(j + 1..)?.iter().position(|&c| c == q)?;
                            j = j + 1 + close + 1;
                        }
                        _ => {
                            while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                                j += 1;
                            }
                        }
                    }
                    i = j;
                }
            }
        }
    }
}

/// Byte index just after the end tag `</name…>` that closes a raw-text element, or the end.
fn raw_text_end(b: &[u8], from: usize, name: &str) -> usize {
    let mut i = from;
    while let Some(off) = b.get(i..).and_then(|s| s.windows(2).position(|w| w == b"</")) {
        let at = i + off + 2;
        let n = name.len();
        if b.get(at..at + n).is_some_and(|s| s.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(at + n).is_none_or(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
        {
            return b.get(at..).and_then(|s| s.iter().position(|&c| c == b'>')).map_or(b.len(), |p| at + p + 1);
        }
        i = at;
    }
    b.len()
}

/// `html` with the markup beyond the caps removed (borrowed unchanged when nothing is).
pub(crate) fn limit_markup(html: &str) -> Cow<'_, str> {
    limit(html).0
}

/// The limited page and the deepest nesting the model saw.
fn limit(html: &str) -> (Cow<'_, str>, usize) {
    let b = html.as_bytes();
    let mut model = Model::default();
    let mut out: Option<String> = None;
    let mut copied = 0usize;
    let mut i = 0usize;
    // End of the last tag: bytes between it and the next tag are text.
    let mut text_from = 0usize;
    let mut max_depth = 0usize;
    while let Some(off) = b.get(i..).and_then(|s| s.iter().position(|&c| c == b'<')) {
        let lt = i + off;
        let (is_end, name_at) = match b.get(lt + 1) {
            Some(b'/') if b.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) => (true, lt + 2),
            Some(c) if c.is_ascii_alphabetic() => (false, lt + 1),
            Some(b'!' | b'?' | b'/') => {
                // Comments, doctypes, processing instructions: no elements.
                i = b.get(lt..).and_then(|s| s.iter().position(|&c| c == b'>')).map_or(b.len(), |p| lt + p + 1);
                continue;
            }
            _ => {
                i = lt + 1;
                continue;
            }
        };
        let Some(tag) = scan_tag(b, name_at) else { break };
        if model.elements >= MAX_ELEMENTS {
            // Past the element cap every tag becomes a space (words stay apart), and a
            // raw-text element goes whole, so that no JSON or style text turns into page text.
            let end = if !is_end && is_raw_text(&tag.name) { raw_text_end(b, tag.end, &tag.name) } else { tag.end };
            let s = out.get_or_insert_with(|| String::with_capacity(html.len()));
            s.push_str(&html[copied..lt]);
            s.push(' ');
            copied = end;
            i = end;
            text_from = end;
            continue;
        }
        if lt > text_from {
            model.reconstruct();
        }
        let foreign = model.in_foreign();
        let act = if is_end { model.end(&tag.name) } else { model.start(&tag.name, tag.presentational) };
        max_depth = max_depth.max(model.stack.len());
        let mut next = tag.end;
        if !is_end && act == Act::Keep {
            if tag.name == "plaintext" {
                break;
            }
            if is_raw_text(&tag.name) && !foreign {
                next = raw_text_end(b, tag.end, &tag.name);
            }
        }
        let cut = tag.cut_at.filter(|_| act == Act::Keep);
        if act == Act::Drop || cut.is_some() {
            let s = out.get_or_insert_with(|| String::with_capacity(html.len()));
            s.push_str(&html[copied..lt]);
            if let Some(c) = cut {
                s.push_str(&html[lt..c]);
                s.push('>');
            }
            copied = tag.end;
        }
        i = next;
        text_from = next;
    }
    let out = match out {
        None => Cow::Borrowed(html),
        Some(mut s) => {
            s.push_str(&html[copied..]);
            Cow::Owned(s)
        }
    };
    (out, max_depth)
}

/// The deepest nesting the model reaches on `html` (for measuring real pages).
#[cfg(test)]
pub(crate) fn model_depth(html: &str) -> usize {
    limit(html).1
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use scraper::Html;

    /// Deepest element nesting and number of elements of the parsed document.
    fn parsed_shape(html: &str) -> (usize, usize) {
        let doc = Html::parse_document(html);
        let (mut depth, mut max, mut count) = (0usize, 0usize, 0usize);
        for edge in doc.root_element().traverse() {
            match edge {
                ego_tree::iter::Edge::Open(n) if n.value().is_element() => {
                    depth += 1;
                    count += 1;
                    max = max.max(depth);
                }
                ego_tree::iter::Edge::Close(n) if n.value().is_element() => depth -= 1,
                _ => {}
            }
        }
        (max, count)
    }

    fn parsed_depth(html: &str) -> usize {
        parsed_shape(html).0
    }

    #[test]
    fn ordinary_pages_pass_unchanged() {
        let h = "<html><body><div class=a><p>One <b>two</b><p>three<ul><li>a<li>b</ul><table><tr><td>x<td>y<tr><td>z</table></div><textarea><div><div></textarea><img src=x></body></html>";
        assert!(matches!(limit_markup(h), Cow::Borrowed(_)));
        // Unclosed paragraphs, list items and cells do not add up to depth.
        let sloppy = "<div>".to_string()
            + &"<p>para<ul><li>item<li>item</ul><dl><dt>t<dd>def<dt>u<dd>e</dl><table><tr><td>cell<td>c<tr><td>cell</table><h2>x<h3>y<select><option>a<option>b</select>".repeat(5_000);
        assert!(model_depth(&sloppy) < 10, "{}", model_depth(&sloppy));
        assert!(matches!(limit_markup(&sloppy), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_capped_and_text_kept() {
        let n = 5_000;
        let h = "<div>".repeat(n) + "deep text" + &"</div>".repeat(n) + "<p>after</p>";
        let out = limit_markup(&h);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains("deep text") && out.ends_with("<p>after</p>"));
        assert!(parsed_depth(&out) <= MAX_DEPTH + 4);
    }

    #[test]
    fn attributes_beyond_the_cap_are_cut() {
        let attrs: String = (0..1000).map(|i| format!(" a{i}=\"v>{i}\"")).collect();
        let h = format!("<div{attrs}>text</div>");
        let out = limit_markup(&h);
        assert_eq!(out.matches("=\"v>").count(), MAX_ATTRS);
        assert!(out.ends_with(" >text</div>"), "{}", &out[out.len() - 30..]);
    }

    #[test]
    fn elements_beyond_the_cap_become_spaces() {
        let h = "<p>x".repeat(MAX_ELEMENTS + 10) + "<script type=\"application/ld+json\">{\"a\":1}</script><p>end";
        let out = limit_markup(&h);
        assert_eq!(out.matches("<p>").count(), MAX_ELEMENTS);
        assert!(out.ends_with("x x x x x x x x x x  end"), "{}", &out[out.len() - 40..]);
    }

    #[test]
    fn open_formatting_elements_are_capped() {
        let h: String = (0..1000).map(|i| format!("<p><b class=c{i}>w{i} ")).collect();
        let out = limit_markup(&h);
        assert_eq!(out.matches("<b ").count(), MAX_FORMATTING);
        assert!(out.contains("w999"));
        // Closed ones do not count.
        let h = "<p><b>x</b> <i>y</i> <a href=1>z</a><a href=2>w".repeat(100);
        assert!(matches!(limit_markup(&h), Cow::Borrowed(_)));
    }

    fn tag() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "<div>", "<p>", "<span>", "<li>", "<ul>", "<b class=x>", "<i>", "<a href=x>", "<font size=2>", "<table>",
            "<tr>", "<td>", "<section>", "<h2>", "<dd>", "<math>", "<mi>", "<button>", "<select>", "<option>",
            "<template>", "<em>", "<nobr>", "<caption>", "<object>", "</div>", "</p>", "</span>", "</b>", "</a>",
            "</td>", "</table>", "</li>", "</i>", "</font>", "</section>", "</math>", "</template>", "text ", "<br>",
            "<dt>", "<tbody>", "</tr>", "</ul>", "</dd>", "<h3>", "</h2>", "<form>", "</form>", "<textarea>",
            "</textarea>", "</option>", "</select>",
        ])
    }

    fn assert_bounded(h: &str) -> Result<(), TestCaseError> {
        let out = limit_markup(h);
        let (depth, elements) = parsed_shape(&out);
        prop_assert!(depth <= MAX_DEPTH + 2 * MAX_FORMATTING + 8, "depth {depth}");
        // Reopened formatting elements: at most the capped number per tag of the input.
        let tags = h.matches('<').count();
        prop_assert!(elements <= (MAX_FORMATTING + 4) * (tags + 1), "{elements} elements from {tags} tags");
        Ok(())
    }

    proptest! {
        #[test]
        fn parser_depth_stays_bounded(tags in proptest::collection::vec(tag(), 0..3000)) {
            assert_bounded(&tags.concat())?;
        }

        #[test]
        fn repeated_patterns_stay_bounded(pattern in proptest::collection::vec(tag(), 1..7)) {
            assert_bounded(&pattern.concat().repeat(1500))?;
        }
    }
}
