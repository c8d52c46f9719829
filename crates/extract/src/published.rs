//! The publication date: from the page's markup first, then its URL, then a date written in
//! the text near the headline or byline.
//!
//! Markup is what the publisher declares for machines (JSON-LD, `<meta>`, `itemprop`,
//! `<time>`); a date in the URL path (`/2021/03/12/`) is set by the CMS when the article is
//! published; a date written in the page is read in the page's language by the entities
//! crate's date parser ("12. März 2021", "3 mars 2020", "March 3, 2020", "12.03.2021").

use crate::dom::{DateMark, Dom, Tag};
use storyweave_entities::extract_dates;
use storyweave_model::Lang;

/// `<meta>` keys that carry the publication date, most specific first.
const META_KEYS: &[&str] = &[
    "article:published_time",
    "datepublished",
    "og:published_time",
    "og:article:published_time",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "date",
    "citation_publication_date",
    "originalpublicationdate",
    "uploaddate",
];

/// Text read from one date-ish element: a meta line ("Von A. B. | 12.03.2021, 10:00 Uhr").
const DATE_NODE_CHARS: usize = 200;
/// Date-ish elements looked at, in page order (the article's own come first; later ones are
/// teasers and comments).
const MAX_DATE_NODES: usize = 12;
/// Text before the headline searched for a date (a dateline above it).
const BEFORE_TITLE_CHARS: usize = 300;
/// Text after the headline searched for a date (byline, dateline, first paragraph).
const AFTER_TITLE_CHARS: usize = 600;

/// `YYYY-MM-DD` or RFC 3339 from a date value as markup writes it: RFC 3339, `YYYY-MM-DD…`,
/// RFC 2822, or any form the entities date parser reads ("12.03.2021", "12. März 2021").
pub(crate) fn normalize_date(s: &str, lang: &Lang) -> Option<String> {
    let s = s.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.to_rfc3339());
    }
    if let Some(d) = s.get(..10).and_then(|h| chrono::NaiveDate::parse_from_str(h, "%Y-%m-%d").ok()) {
        return Some(d.format("%Y-%m-%d").to_string());
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(s) {
        return Some(dt.to_rfc3339());
    }
    // Compact `YYYYMMDD` (some CMS write it so in meta tags).
    if s.len() >= 8 && s.bytes().take(8).all(|b| b.is_ascii_digit()) && s.as_bytes().get(8).is_none_or(|b| !b.is_ascii_digit()) {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(&s[..8], "%Y%m%d") {
            return full_date(&d.format("%Y-%m-%d").to_string());
        }
    }
    first_full_date(s, lang)
}

/// The ISO date if `iso` is a whole date (not `--03-12` or `2021-03`) in the accepted years.
fn full_date(iso: &str) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok()?;
    use chrono::Datelike;
    storyweave_entities::dates::YEARS.contains(&d.year()).then(|| iso.to_string())
}

/// The first whole date written in `text`.
fn first_full_date(text: &str, lang: &Lang) -> Option<String> {
    extract_dates(text, lang).iter().find_map(|d| full_date(d))
}

/// A date in the URL path: `/2021/03/12/`, `/2021-03-12-`, `/20210312/`.
pub(crate) fn url_date(url: &str) -> Option<String> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let parts: Vec<&str> = path.split('/').collect();
    for (i, p) in parts.iter().enumerate() {
        let num = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if num(p, 4) {
            if let (Some(m), Some(d)) = (parts.get(i + 1), parts.get(i + 2)) {
                let d = d.get(..2).filter(|_| d.len() == 2 || !d.as_bytes()[2].is_ascii_digit()).unwrap_or("");
                if num(m, 2) && num(d, 2) {
                    if let Some(iso) = full_date(&format!("{p}-{m}-{d}")) {
                        return Some(iso);
                    }
                }
            }
        }
        // `2021-03-12` or `20210312` at the start of a path segment.
        let b = p.as_bytes();
        if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && num(&p[..4], 4) && num(&p[5..7], 2) && num(&p[8..10], 2) {
            if let Some(iso) = full_date(&p[..10]) {
                return Some(iso);
            }
        }
        if b.len() >= 8 && num(&p[..8], 8) && b.get(8).is_none_or(|c| !c.is_ascii_digit()) {
            let iso = format!("{}-{}-{}", &p[..4], &p[4..6], &p[6..8]);
            if let Some(iso) = full_date(&iso) {
                return Some(iso);
            }
        }
    }
    None
}

/// The publication date declared by markup.
pub(crate) fn from_markup(dom: &Dom, ld_published: Option<&str>, lang: &Lang) -> Option<String> {
    ld_published
        .and_then(|d| normalize_date(d, lang))
        .or_else(|| {
            META_KEYS
                .iter()
                .flat_map(|k| dom.meta.metas.iter().filter(move |(mk, _)| mk == k))
                .find_map(|(_, v)| normalize_date(v, lang))
        })
        .or_else(|| {
            dom.meta.itemprop_dates.iter().find_map(|m| match m {
                DateMark::Value(v) => normalize_date(v, lang),
                DateMark::Node(i) => normalize_date(&dom.subtree_text_upto(*i as usize, DATE_NODE_CHARS), lang),
            })
        })
        .or_else(|| dom.meta.time_datetimes.iter().find_map(|d| normalize_date(d, lang)))
}

/// A date written in the page near the headline or byline: in the elements named as date or
/// meta lines, else in the text just before and after the headline.
pub(crate) fn from_text(dom: &Dom, lang: &Lang) -> Option<String> {
    let from_nodes = dom
        .meta
        .date_nodes
        .iter()
        .take(MAX_DATE_NODES)
        .find_map(|&i| first_full_date(&dom.subtree_text_upto(i as usize, DATE_NODE_CHARS), lang));
    from_nodes.or_else(|| {
        let h1 = *dom.meta.h1_nodes.first()?;
        let h1 = h1 as usize;
        let end = dom.nodes.get(h1)?.end as usize;
        let before = text_window(dom, (0..h1).rev(), BEFORE_TITLE_CHARS, true);
        let after = text_window(dom, end..dom.nodes.len(), AFTER_TITLE_CHARS, false);
        first_full_date(&after, lang).or_else(|| first_full_date(&before, lang))
    })
}

/// Up to `max` bytes of the page's text from the text nodes at `indices`, in page order
/// (`reversed` when the indices run backwards from the headline).
fn text_window(dom: &Dom, indices: impl Iterator<Item = usize>, max: usize, reversed: bool) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let mut len = 0;
    for i in indices {
        if dom.nodes[i].tag != Tag::Text {
            continue;
        }
        let t = dom.text_of(i);
        len += t.len() + 1;
        parts.push(t);
        if len >= max {
            break;
        }
    }
    if reversed {
        parts.reverse();
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_markup_dates() {
        let de = Lang::new("de");
        assert_eq!(normalize_date("2023-09-14T10:00:00Z", &de).as_deref(), Some("2023-09-14T10:00:00+00:00"));
        assert_eq!(normalize_date("2023-09-14T10:00:00+0200", &de).as_deref(), Some("2023-09-14"));
        assert_eq!(normalize_date("2023-09-14 10:00:00", &de).as_deref(), Some("2023-09-14"));
        assert_eq!(normalize_date("Thu, 14 Sep 2023 10:00:00 +0200", &de).as_deref(), Some("2023-09-14T10:00:00+02:00"));
        assert_eq!(normalize_date("14.09.2023", &de).as_deref(), Some("2023-09-14"));
        assert_eq!(normalize_date("14. September 2023, 10:00 Uhr", &de).as_deref(), Some("2023-09-14"));
        assert_eq!(normalize_date("20230914", &de).as_deref(), Some("2023-09-14"));
        assert_eq!(normalize_date("14. September", &de), None);
        assert_eq!(normalize_date("gestern", &de), None);
    }

    #[test]
    fn dates_in_url_paths() {
        assert_eq!(url_date("https://example.org/2021/03/12/story-slug/").as_deref(), Some("2021-03-12"));
        assert_eq!(url_date("https://example.org/news/2021-03-12-story").as_deref(), Some("2021-03-12"));
        assert_eq!(url_date("https://example.org/a/20210312_story.html").as_deref(), Some("2021-03-12"));
        assert_eq!(url_date("https://example.org/2021/03/story"), None);
        assert_eq!(url_date("https://example.org/item/12345678901"), None);
        assert_eq!(url_date("https://example.org/2021/13/45/x"), None);
    }

    #[test]
    fn text_dates_near_the_headline_in_the_page_language() {
        let fr = "<html lang=fr><body><nav>Accueil</nav><h1>La grève continue</h1><p class=x>Publié le 3 mars 2020 à 10h00</p><p>Le texte.</p></body></html>";
        let dom = Dom::parse(fr);
        assert_eq!(from_text(&dom, &Lang::new("fr")).as_deref(), Some("2020-03-03"));
        let de = "<html><body><div class=\"article-meta\">Von Erika Muster, 12. März 2021</div><h1>Titel</h1><p>Am 1. Mai 2020 begann es.</p></body></html>";
        let dom = Dom::parse(de);
        assert_eq!(from_text(&dom, &Lang::new("de")).as_deref(), Some("2021-03-12"));
    }
}
