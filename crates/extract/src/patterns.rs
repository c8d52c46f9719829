//! Class / id / role / itemprop patterns that say "boilerplate" or "article body".
//!
//! General web conventions only (WordPress, Drupal, schema.org, Bootstrap habits), never rules
//! for one site. Matching is by substring with one Aho-Corasick automaton per list, because a
//! page has thousands of elements and dozens of patterns: one pass per attribute string keeps
//! this off the profile.

use aho_corasick::AhoCorasick;
use scraper::node::Element;
use std::sync::OnceLock;

/// Tier of `itemprop=articleBody` and explicit article-body classes: the best evidence.
pub(crate) const TIER_STRONG: u8 = 0;
/// Tier of the `<article>` element.
pub(crate) const TIER_ARTICLE_TAG: u8 = 1;
/// Tier of generic "story" / "content" / "post" containers.
pub(crate) const TIER_GENERIC: u8 = 2;
/// Tier of `<main>`, `role=main` and `main…` ids: often the whole column with teasers.
pub(crate) const TIER_MAIN_TAG: u8 = 3;

/// Substrings of class/id that mark boilerplate containers.
const BOILER: &[&str] = &[
    "footer", "sidebar", "side-bar", "cookie", "consent", "gdpr", "newsletter", "subscri",
    "abonn", "breadcrumb", "pagination", "social", "share", "sharing", "sharer", "related",
    "recommend", "empfehl", "popular", "trending", "mostread", "most-read", "meistgelesen",
    "outbrain", "taboola", "comment", "kommentar", "disqus", "respond", "reply", "login", "signup",
    "sign-up", "modal", "popup", "pop-up", "overlay", "skiplink", "skip-link", "navigation",
    "navbar", "menu", "toolbar", "copyright", "disclaimer", "weather", "wetter", "sr-only",
    "visually-hidden", "screen-reader", "screenreader", "tagcloud", "tag-cloud", "rating",
    "donat", "paywall", "carousel", "banner", "advert", "werbung", "anzeige", "sponsor",
    "readmore", "read-more", "masthead", "site-header", "topbar", "top-bar", "dropdown",
    "offcanvas", "off-canvas", "lightbox", "caption", "tooltip", "jp-relatedposts", "postmeta",
    "post-meta", "entry-meta", "article-meta", "meta-info", "keywords", "search", "impressum",
    "facebook", "twitter", "whatsapp", "linkedin", "pinterest", "follow-us", "author-box",
    "authorbox", "author-bio", "about-author", "more-articles", "more-stories",
    "morestories", "adsense", "googlead", "dfp-", "infobox-share", "backlink", "feedback",
    "disclosure", "byline", "timestamp", "publish-date", "pubdate", "hidden-print", "noprint",
];

/// Substrings of class/id that name the article body itself.
const STRONG: &[&str] = &[
    "articlebody", "article-body", "article_body", "article__body", "articletext",
    "article-text", "article_text", "article__text", "article-content", "article_content",
    "article__content", "articlecontent", "entry-content", "entry_content", "entrycontent",
    "post-content", "post_content", "postcontent", "post-body", "post_body", "postbody",
    "post-text", "post_text", "posttext", "post-entry", "postentry", "story-body", "storybody",
    "story-content", "storycontent", "story-text", "body-text", "bodytext", "maincontent", "main_content", "content-main", "content_main", "newscontent", "news-text",
    "blog-content", "single-content", "fulltext", "art-content", "artikel-text",
    "artikeltext", "article-main",
];

/// Substrings that make a container look like content to the readability-style score.
const POSITIVE: &[&str] = &[
    "article", "body", "content", "entry", "hentry", "main", "page", "post", "blog",
    "story", "artikel", "inhalt", "beitrag",
];

/// Parts of class/id tokens naming an article's lead (standfirst, intro, subtitle, …).
const LEAD: &[&str] = &["lead", "intro", "teaser", "excerpt", "standfirst", "subtitle", "subline", "summary", "abstract", "deck", "kicker"];

/// Parts of class/id tokens of comment threads, image credits and teasers of other pages.
const OTHERS: &[&str] = &[
    "comment", "respond", "reply", "disqus", "licen", "credit", "caption", "copyright", "teaser", "related", "recommend",
];

fn automaton(slot: &'static OnceLock<Option<AhoCorasick>>, pats: &[&str]) -> Option<&'static AhoCorasick> {
    // Building can only fail for absurd pattern sizes; then the list is simply not used.
    slot.get_or_init(|| AhoCorasick::new(pats).ok()).as_ref()
}

fn matches(slot: &'static OnceLock<Option<AhoCorasick>>, pats: &[&str], hay: &str) -> bool {
    automaton(slot, pats).is_some_and(|ac| ac.is_match(hay))
}

static BOILER_AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
static STRONG_AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
static POSITIVE_AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
static LEAD_AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
static OTHERS_AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();

/// True when a class/id string (lower-cased) names boilerplate.
pub(crate) fn is_boiler_attr(s: &str) -> bool {
    matches(&BOILER_AC, BOILER, s) || s.split_ascii_whitespace().any(boiler_token)
}

/// True when a class/id string (lower-cased) names the article body.
pub(crate) fn is_strong_attr(s: &str) -> bool {
    matches(&STRONG_AC, STRONG, s)
}

/// Token rules that a substring cannot express without false hits ("nav" in "canvas", "ad" in
/// "header", "tags" in "tagesschau").
fn boiler_token(tok: &str) -> bool {
    let nav = tok == "nav"
        || tok.starts_with("nav")
        || tok.ends_with("nav")
        || tok.contains("-nav")
        || tok.contains("_nav");
    let whole = matches!(tok, "hidden" | "hide" | "d-none" | "is-hidden" | "print-only" | "visuallyhidden");
    nav || whole
        || teaser_token(tok)
        // Category lists ("post-categories", "news-list-category"); WordPress's
        // "category-foo" on the article itself does not end so.
        || tok.ends_with("category")
        || tok.ends_with("categories")
        || tok.contains("notice")
        || matches!(tok, "tags" | "tag" | "share" | "meta")
        || weak_boiler_token(tok)
        // WordPress puts "tag-foo" / "category-foo" on the article itself: parts named "tag"
        // are not boilerplate, but "rss", "author", "date" parts are.
        || tok.split(['-', '_']).any(|p| matches!(p, "tags" | "rss" | "author" | "date" | "pager"))
}

/// Teasers for other pages ("c-teaser", "post_teaser"), but not the article's own lead, which
/// many CMSs call "teaser-text" / "teasertext".
fn teaser_token(tok: &str) -> bool {
    tok.contains("teaser") && !tok.replace(['-', '_'], "").contains("teasertext")
}

/// Token parts that usually mark small widgets but also appear as modifiers on real content
/// sections ("section--ads" = a section with ad slots in it): such elements are treated as
/// soft boilerplate, pruned only when they hold little prose.
fn weak_boiler_token(tok: &str) -> bool {
    tok.split(['-', '_']).any(|p| matches!(p, "ad" | "ads"))
}

/// Tokens that make a container a generic content candidate.
fn generic_token(tok: &str) -> bool {
    matches!(tok, "content" | "article" | "story" | "entry" | "post" | "text" | "single-post" | "blog-post" | "main-column" | "wpb_text_column" | "hentry" | "artikel" | "inhalt")
}

/// Parts of class/id names of the elements that hold an article's date or meta line.
const DATE_ATTR_PARTS: &[&str] = &[
    "date", "datum", "time", "posted", "published", "publish", "pubdate", "dateline", "timestamp", "meta", "byline",
    "info", "zeit", "datetime", "author",
];

/// True when the element's class or id names a date or the article's meta line
/// ("post-date", "entry-meta", "article__info"); "update" and "timeline" do not count.
pub(crate) fn is_date_attr(class: &str, id: &str) -> bool {
    [class, id].into_iter().any(|v| {
        v.split(|c: char| c.is_ascii_whitespace() || c == '-' || c == '_')
            .any(|p| DATE_ATTR_PARTS.iter().any(|d| p.eq_ignore_ascii_case(d)))
    })
}

/// What an element's attributes say about it.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct AttrClass {
    pub boiler: bool,
    pub strong: bool,
    pub positive: bool,
    pub tier: u8,
    pub author: bool,
    /// Boilerplate words next to content words ("entry share"): pruned only when small.
    pub soft: bool,
    /// Names a lead ("intro", "standfirst", "teaser"): kept when it follows the headline.
    pub lead: bool,
    /// Names comments, credits or teasers: its names and dates are not the article's.
    pub others: bool,
}

/// Classifies an element by class, id, role and itemprop.
pub(crate) fn classify_attrs(el: &Element) -> AttrClass {
    let mut out = AttrClass { tier: u8::MAX, ..Default::default() };
    let class = el.attr("class").unwrap_or("");
    let id = el.attr("id").unwrap_or("");
    if let Some(role) = el.attr("role") {
        match role.trim().to_ascii_lowercase().as_str() {
            "navigation" | "contentinfo" | "complementary" | "banner" | "menu" | "menubar" | "search"
            | "dialog" | "alertdialog" | "toolbar" | "tablist" => out.boiler = true,
            "main" => out.tier = TIER_MAIN_TAG,
            "article" => out.tier = TIER_ARTICLE_TAG,
            _ => {}
        }
    }
    if let Some(prop) = el.attr("itemprop") {
        let p = prop.to_ascii_lowercase();
        if p.contains("articlebody") || p == "text" && el.name() != "meta" {
            out.strong = true;
            out.tier = TIER_STRONG;
        } else if p.contains("author") || p.contains("creator") {
            out.author = true;
        } else if p.contains("comment") {
            out.boiler = true;
        }
    }
    // A custom element's name (`<pp-inline-teaser>`, `<share-buttons>`) says what it is, as a
    // class does.
    let custom = if el.name().contains('-') { el.name() } else { "" };
    if class.is_empty() && id.is_empty() && custom.is_empty() {
        return out;
    }
    let mut s = String::with_capacity(class.len() + id.len() + custom.len() + 2);
    s.push_str(class);
    s.push(' ');
    s.push_str(id);
    s.push(' ');
    s.push_str(custom);
    s.make_ascii_lowercase();
    out.lead = matches(&LEAD_AC, LEAD, &s);
    out.others = matches(&OTHERS_AC, OTHERS, &s);
    // Boilerplate by role/itemprop or by a clear class word is firm; by weak tokens only soft.
    let firm_before = out.boiler;
    let mut weak_only = false;
    if is_strong_attr(&s) {
        out.strong = true;
        out.tier = TIER_STRONG;
    } else if is_boiler_attr(&s) {
        out.boiler = true;
        weak_only = !firm_before
            && !matches(&BOILER_AC, BOILER, &s)
            && !s.split_ascii_whitespace().any(|t| boiler_token(t) && !weak_boiler_token(t));
    }
    if s.contains("author") || s.contains("byline") {
        out.author = true;
    }
    if !out.boiler && matches(&POSITIVE_AC, POSITIVE, &s) {
        out.positive = true;
    }
    let generic = s.split_ascii_whitespace().any(generic_token);
    if out.boiler && (generic || weak_only) {
        out.soft = true;
    }
    if !out.boiler && out.tier > TIER_GENERIC && generic {
        out.tier = TIER_GENERIC;
    }
    let id_l = id.to_ascii_lowercase();
    if !out.boiler && out.tier > TIER_MAIN_TAG && (id_l.starts_with("main") || id_l.starts_with("primary")) {
        out.tier = TIER_MAIN_TAG;
    }
    out
}


/// Headings or lines that end the article in many languages: what follows is teasers or
/// comments. Matched against the whole line (lower-cased, outer punctuation trimmed).
const END_MARKERS: &[&str] = &[
    "more like this", "related", "related articles", "related posts", "related stories",
    "related news", "related content", "you may also like", "you might also like",
    "recommended", "recommended for you", "read more", "read also", "more stories",
    "more from", "leave a reply", "leave a comment", "comments", "post a comment",
    "add a comment", "join the conversation", "mehr zum thema", "mehr zum thema:",
    "das könnte sie auch interessieren", "das könnte dich auch interessieren",
    "weitere artikel", "ähnliche artikel", "ähnliche beiträge", "verwandte artikel",
    "verwandte themen", "kommentare", "kommentar schreiben", "schreibe einen kommentar",
    "hinterlasse einen kommentar", "lesen sie auch", "auch interessant", "lire aussi",
    "à lire aussi", "articles similaires", "sur le même sujet", "laisser un commentaire",
    "commentaires", "lee también", "noticias relacionadas", "artículos relacionados",
    "deja un comentario", "comentarios", "leggi anche", "articoli correlati",
    "lascia un commento", "commenti", "leia também", "notícias relacionadas",
    "deixe um comentário", "comentários", "читайте также", "похожие новости",
    "комментарии", "оставить комментарий", "прочитајте још", "прочитајте и", "повезане вести",
    "коментари", "basahin din", "mag-iwan ng komento",
];

/// Phrases that make a short line (a heading, usually) a "more stories" or comments header,
/// wherever they sit in the line ("Das Thema könnte dich auch interessieren:").
const END_PHRASES: &[&str] = &[
    "auch interessieren", "also like", "might like", "may like", "relacionad", "correlat",
    "weiterführende", "zum weiterlesen", "mehr zum thema", "read next",
    "veja também", "leia também", "leia mais", "zobacz również", "à découvrir", "a découvrir",
    "mehr themen", "top meldungen", "meistgelesen", "most read", "most popular", "more from",
    "more stories", "more news", "weitere themen", "weitere beiträge", "weitere artikel",
    "ähnliche beiträge", "ähnliche artikel", "verwandte", "lust auf mehr", "recommended",
    "empfohlen", "also read", "see also", "lesen sie auch", "lesen sie mehr", "lire aussi",
    "à lire", "sur le même sujet", "te puede interesar", "también te puede", "leggi anche",
    "похожие", "читайте также", "прочитајте још", "повезан", "kommentar schreiben",
    "kommentare", "comments", "leave a reply", "leave a comment", "write a comment",
    "deja un comentario", "laisser un commentaire",
];

/// Whole lines that are widget labels, not text.
const JUNK_LINES: &[&str] = &[
    "share", "share this", "share this article", "share this story", "share on facebook",
    "share on twitter", "tweet", "print", "email", "e-mail", "teilen", "drucken",
    "artikel teilen", "seite drucken", "advertisement", "anzeige", "werbung", "subscribe",
    "abonnieren", "weiterlesen", "mehr", "more", "zurück", "back to top", "nach oben", "top",
    "menu", "menü", "search", "suche", "login", "log in", "anmelden", "sign in", "sign up",
    "register", "follow us", "folgen sie uns", "date", "datum", "share via", "facebook",
    "twitter", "whatsapp", "linkedin", "pinterest", "telegram", "reddit", "xing", "copy link",
    "link kopieren", "close", "schließen", "skip to content", "zum inhalt springen",
    "partager", "compartir", "condividi", "поделиться", "подели", "ibahagi",
    "inhaltsverzeichnis", "table of contents", "contents", "inhalt", "sommaire", "índice",
];

/// Line beginnings of short widget lines: copyright, newsletter and cookie notices, credits.
const JUNK_PREFIXES: &[&str] = &[
    "copyright", "all rights reserved", "alle rechte vorbehalten", "subscribe to",
    "sign up for", "sign up to", "follow us on", "folgen sie uns", "this website uses cookies",
    "this site uses cookies", "diese website verwendet cookies", "wir verwenden cookies",
    "we use cookies", "tags:", "schlagworte", "schlagwörter", "stichworte", "share on",
    "teilen auf", "foto:", "bild:", "photo:", "image:", "photo credit", "bildquelle",
    "newsletter", "abonnieren sie", "melden sie sich", "jetzt abonnieren", "abbildung:",
    "grafik:", "fotos:", "credit:", "crédits photos", "vergrößern", "bild vergrößern",
    "bild anzeigen", "rezept drucken", "en savoir plus", "mehr erfahren", "learn more",
    "kategorie:", "kategorien:", "category:", "categories:", "category :", "rubrik:",
    "letzte änderung", "last updated", "zuletzt aktualisiert", "posted in", "filed under",
    "veröffentlicht in",
];

/// Phrases that make a short line (up to `PROMO_MAX_WORDS`) a promotion, login or sharing
/// prompt wherever they sit: newsletters, subscriptions, "log in to comment", donations.
const PROMO_PHRASES: &[&str] = &[
    "newsletter", "kommentare zu schreiben", "um zu kommentieren", "gefällt das",
    "artikel teilen", "seite teilen", "share this", "subscribe to", "subscribe now",
    "jetzt abonnieren", "abonnement", "im abo", "unterstütze", "support our work", "support us",
    "follow us", "folgen sie uns", "sign up", "signing up", "eingeloggt", "registriert?",
    "suscríbete", "hazte miembro", "suscríbase", "abonnez-vous", "iscriviti", "assine",
    "we use cookies", "uses cookies", "verwendet cookies", "verwenden cookies",
    "datenschutzerklärung", "privacy policy", "all rights reserved", "alle rechte vorbehalten",
    "enthält werbung", "gesponserter", "download the app", "download our app",
    "app herunterladen", "vorteile sichern", "e-paper",
];

/// Promotion phrases only mark lines up to this many words; longer ones are prose.
const PROMO_MAX_WORDS: usize = 25;

/// True when a short line is a promotion / login / sharing prompt.
pub(crate) fn is_promo_line(line: &str) -> bool {
    if line.split_whitespace().count() > PROMO_MAX_WORDS {
        return false;
    }
    let lower = line.to_lowercase();
    PROMO_PHRASES.iter().any(|p| lower.contains(p))
}

/// Lines of digits and punctuation up to this long are dates or times, not text.
const DATE_LINE_MAX_CHARS: usize = 20;

/// Lower-cases and trims outer punctuation and symbols ("━ More like this:" → "more like this").
pub(crate) fn line_key(line: &str) -> String {
    line.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()
}

/// True when a line is an end-of-article marker ("more like this", "Kommentare (3)").
pub(crate) fn is_end_marker(line: &str) -> bool {
    let key = line_key(line);
    END_MARKERS.iter().any(|m| {
        key.strip_prefix(m).is_some_and(|rest| rest.chars().all(|c| !c.is_alphabetic()))
    }) || is_header_shaped(line) && END_PHRASES.iter().any(|p| key.contains(p))
}

/// Short and without a sentence's final period: a heading or label, not prose.
fn is_header_shaped(line: &str) -> bool {
    line.split_whitespace().count() <= END_PHRASE_MAX_WORDS && !line.trim_end().ends_with(['.', '!'])
}

/// Beginnings of short "more on this topic" headers ("Mehr zu Klima und Konsum"): dropped,
/// but they do not end the article (live blogs put "More on …" between their sections).
const TOPIC_HEADER_STARTS: &[&str] = &[
    "mehr zu ", "mehr aus ", "more on ", "more from ", "siehe auch", "see also", "themen im artikel",
    "plus de ", "más sobre", "mais sobre", "altro su",
];

/// Lines longer than this (words) are sentences, even if they contain an end phrase.
const END_PHRASE_MAX_WORDS: usize = 7;

/// True when a short line is a widget label or notice.
pub(crate) fn is_junk_line(line: &str) -> bool {
    let t = line.trim();
    if t.starts_with('©') || t.starts_with("(c)") || t.starts_with("(C)") {
        return true;
    }
    // A bare date or number ("23.10.2018", "12:30") is a timestamp widget.
    if t.chars().count() <= DATE_LINE_MAX_CHARS && t.chars().all(|c| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace()) {
        return true;
    }
    let key = line_key(t);
    let head = t.to_lowercase();
    JUNK_LINES.contains(&key.as_str())
        || JUNK_PREFIXES.iter().any(|p| head.starts_with(p) || key.starts_with(p))
        || is_header_shaped(t) && TOPIC_HEADER_STARTS.iter().any(|p| key.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boiler_attrs_are_recognised() {
        for s in ["post-categories", "community-notice", "c-teaser", "post_teaser", "site-footer", "share-buttons", "main-nav", "navbar-top", "ad-slot", "cookie-banner", "related-posts", "comments-area"] {
            assert!(is_boiler_attr(s), "{s}");
        }
    }

    #[test]
    fn content_attrs_are_not_boiler() {
        for s in ["category-news post", "teaser-text", "teaser__text", "canvas-wrapper", "header-image", "tagesschau", "entry", "row col-md-8"] {
            assert!(!is_boiler_attr(s), "{s}");
        }
    }

    #[test]
    fn strong_attrs_name_article_bodies() {
        assert!(is_strong_attr("td-post-content tagdiv-type"));
        assert!(is_strong_attr("c-article-body"));
        assert!(!is_strong_attr("sidebar"));
    }

    #[test]
    fn end_markers_match_whole_lines_only() {
        assert!(is_end_marker("━ more like this"));
        assert!(is_end_marker("Kommentare (3)"));
        assert!(is_end_marker("LEAVE A REPLY"));
        assert!(!is_end_marker("Related: Putin visits Pyongyang"));
        assert!(!is_end_marker("Comments made by the minister were sharp."));
    }

    #[test]
    fn junk_lines_are_widget_labels() {
        assert!(is_junk_line("Share:"));
        assert!(is_junk_line("© 2024 Example Media"));
        assert!(is_junk_line("Subscribe to our newsletter"));
        assert!(!is_junk_line("Share prices fell sharply on Monday."));
        assert!(is_promo_line("Never miss the latest news by signing up to our newsletter today!"));
        assert!(is_promo_line("Du musst eingeloggt sein um Kommentare zu schreiben!"));
        assert!(!is_promo_line("The minister said she would follow the advice of the health experts on vaccines."));
    }
}
