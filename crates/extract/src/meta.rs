//! Title, byline, publication date and language from `<meta>`, JSON-LD and markup.

use crate::dom::Dom;
use crate::normalize::collapse_ws;
use serde_json::Value;

/// A title or byline longer than this (characters) is page text, not metadata.
const MAX_META_CHARS: usize = 300;
/// Text read from an element for a metadata field: enough to see that it is too long.
const MAX_META_BYTES: usize = 8 * MAX_META_CHARS;
/// JSON-LD nesting walked at most this deep: real metadata is shallow, and the walk is recursive.
const MAX_JSON_DEPTH: usize = 8;

/// What JSON-LD said about the article.
#[derive(Debug, Default)]
struct LdInfo {
    headline: Option<String>,
    published: Option<String>,
    author: Option<String>,
    body: Option<String>,
    howto: Option<String>,
}

fn is_article_type(v: &Value) -> bool {
    let t = |s: &str| s.contains("Article") || s.contains("Posting") || s == "Report" || s == "NewsArticle";
    match v.get("@type") {
        Some(Value::String(s)) => t(s),
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str().is_some_and(t)),
        _ => false,
    }
}

fn has_type(v: &Value, names: &[&str]) -> bool {
    match v.get("@type") {
        Some(Value::String(s)) => names.contains(&s.as_str()),
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str().is_some_and(|s| names.contains(&s))),
        _ => false,
    }
}

/// Step texts of a HowTo / Recipe instruction list (strings, steps, sections of steps).
fn step_texts(v: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > MAX_JSON_DEPTH {
        return;
    }
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| step_texts(x, depth + 1, out)),
        Value::Object(o) => {
            if let Some(Value::String(n)) = o.get("name").filter(|_| o.contains_key("itemListElement")) {
                out.push(n.clone());
            }
            match (o.get("text"), o.get("itemListElement")) {
                (Some(Value::String(t)), _) => out.push(t.clone()),
                (_, Some(x)) => step_texts(x, depth + 1, out),
                _ => {}
            }
        }
        _ => {}
    }
}

/// The text of a HowTo or Recipe object (description, ingredients, steps), as HTML paragraphs
/// so that `ld_body_text` splits them: these pages often render the steps by script only.
fn howto_body(o: &serde_json::Map<String, Value>) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(Value::String(d)) = o.get("description") {
        parts.push(d.clone());
    }
    if let Some(Value::Array(ing)) = o.get("recipeIngredient") {
        parts.extend(ing.iter().filter_map(|x| x.as_str().map(str::to_string)));
    }
    for key in ["recipeInstructions", "step"] {
        if let Some(x) = o.get(key) {
            step_texts(x, 0, &mut parts);
        }
    }
    let parts: Vec<String> = parts.into_iter().filter(|p| !p.trim().is_empty()).map(|p| format!("<p>{p}</p>")).collect();
    (!parts.is_empty()).then(|| parts.concat())
}

fn author_names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if !s.trim().is_empty() && !s.starts_with("http") => out.push(collapse_ws(s)),
        Value::Object(o) => {
            if let Some(Value::String(n)) = o.get("name") {
                if !n.trim().is_empty() {
                    out.push(collapse_ws(n));
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| author_names(x, out)),
        _ => {}
    }
}

fn walk_ld(v: &Value, depth: usize, info: &mut LdInfo) {
    if depth > MAX_JSON_DEPTH {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| walk_ld(x, depth + 1, info)),
        Value::Object(o) => {
            let article = is_article_type(v);
            if let Some(Value::String(d)) = o.get("datePublished") {
                if info.published.is_none() || article {
                    info.published.get_or_insert_with(|| d.clone());
                }
            }
            if info.howto.is_none() && has_type(v, &["HowTo", "Recipe"]) {
                info.howto = howto_body(o);
            }
            if article {
                if let Some(Value::String(b)) = o.get("articleBody") {
                    info.body.get_or_insert_with(|| b.clone());
                }
                if let Some(Value::String(h)) = o.get("headline") {
                    info.headline.get_or_insert_with(|| collapse_ws(h));
                }
                if let Some(a) = o.get("author") {
                    let mut names = Vec::new();
                    author_names(a, &mut names);
                    if !names.is_empty() && info.author.is_none() {
                        info.author = Some(names.join(", "));
                    }
                }
            }
            for (k, x) in o {
                if k == "@graph" || k == "mainEntity" || k == "mainEntityOfPage" {
                    walk_ld(x, depth + 1, info);
                }
            }
        }
        _ => {}
    }
}

fn ld_info(dom: &Dom) -> LdInfo {
    let mut info = LdInfo::default();
    for &i in &dom.meta.json_ld_nodes {
        let raw = dom.subtree_text(i as usize);
        // Malformed JSON-LD is common; it is skipped rather than reported.
        if let Ok(v) = serde_json::from_str::<Value>(&raw) {
            walk_ld(&v, 0, &mut info);
        }
    }
    info
}

fn meta<'a>(dom: &'a Dom, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| {
        dom.meta.metas.iter().find(|(mk, c)| mk == k && !c.trim().is_empty()).map(|(_, c)| c.as_str())
    })
}

/// Strips a site name: keeps the longest part around " | ", " - ", " – ", " — ", " :: ", " · ".
pub(crate) fn strip_site(title: &str) -> String {
    let t = collapse_ws(title);
    let mut parts: Vec<&str> = vec![t.as_str()];
    for sep in [" | ", " – ", " — ", " - ", " :: ", " · ", " » "] {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    let best = parts.iter().copied().max_by_key(|p| p.chars().count()).unwrap_or("");
    if parts.len() > 1 && best.split_whitespace().count() >= 2 {
        best.trim().to_string()
    } else {
        t
    }
}

fn usable(s: &str) -> Option<String> {
    let s = collapse_ws(s);
    (!s.is_empty() && s.chars().count() <= MAX_META_CHARS).then_some(s)
}

/// `YYYY-MM-DD` or RFC 3339 from a date string, if it is one.
pub(crate) fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.to_rfc3339());
    }
    let head = s.get(..10)?;
    chrono::NaiveDate::parse_from_str(head, "%Y-%m-%d").ok().map(|d| d.format("%Y-%m-%d").to_string())
}

/// The metadata of the page, in the order the contract names the sources.
pub(crate) struct PageMeta {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
    /// `articleBody` of the JSON-LD article, when the page has one (raw).
    pub ld_body: Option<String>,
    /// The page's own summary (`og:description` / `description`).
    pub description: Option<String>,
    /// Description and steps of a JSON-LD HowTo / Recipe, as HTML paragraphs.
    pub ld_howto: Option<String>,
}

/// Reads title, byline, date and language.
pub(crate) fn page_meta(dom: &Dom) -> PageMeta {
    let ld = ld_info(dom);
    let title = meta(dom, &["og:title", "twitter:title"])
        .and_then(usable)
        .or(ld.headline.clone())
        .or_else(|| dom.meta.h1_nodes.iter().find_map(|&i| usable(&dom.subtree_text_upto(i as usize, MAX_META_BYTES))))
        .or_else(|| dom.meta.title_node.and_then(|i| usable(&dom.subtree_text_upto(i as usize, MAX_META_BYTES))))
        .map(|t| strip_site(&t))
        .filter(|t| !t.is_empty());
    let published = ld
        .published
        .as_deref()
        .and_then(normalize_date)
        .or_else(|| {
            meta(dom, &["article:published_time", "datepublished", "og:published_time", "pubdate", "publishdate", "publish-date", "date", "dc.date", "dc.date.issued", "dcterms.created", "parsely-pub-date", "sailthru.date"])
                .and_then(normalize_date)
        })
        .or_else(|| dom.meta.time_datetimes.iter().find_map(|d| normalize_date(d)));
    let byline = ld
        .author
        .and_then(|a| usable(&a))
        .or_else(|| {
            meta(dom, &["author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl"])
                .filter(|a| !a.trim_start().starts_with("http"))
                .and_then(usable)
        })
        .or_else(|| dom.meta.author_nodes.iter().find_map(|&i| usable(&dom.subtree_text_upto(i as usize, MAX_META_BYTES)).filter(|s| s.chars().count() <= 100)));
    let lang = dom
        .meta
        .html_lang
        .as_deref()
        .and_then(usable)
        .or_else(|| meta(dom, &["og:locale", "content-language", "language", "dc.language"]).and_then(usable));
    let description = meta(dom, &["og:description", "description", "twitter:description"]).map(collapse_ws);
    PageMeta { title, byline, published, lang, ld_body: ld.body, ld_howto: ld.howto, description }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_site_names() {
        assert_eq!(strip_site("Putin accepts invitation | Example News"), "Putin accepts invitation");
        assert_eq!(strip_site("Site - Kim leaves Russia after six days"), "Kim leaves Russia after six days");
        assert_eq!(strip_site("Home"), "Home");
    }

    #[test]
    fn normalizes_dates() {
        assert_eq!(normalize_date("2023-09-14T10:00:00Z").as_deref(), Some("2023-09-14T10:00:00+00:00"));
        assert_eq!(normalize_date("2023-09-14T10:00:00+0200").as_deref(), Some("2023-09-14"));
        assert_eq!(normalize_date("14 Sep 2023"), None);
    }

    #[test]
    fn reads_json_ld_authors() {
        let v: Value = serde_json::from_str(r#"{"@type":"NewsArticle","headline":"H","datePublished":"2023-09-14","author":[{"name":"A B"},{"name":"C D"}]}"#).unwrap();
        let mut info = LdInfo::default();
        walk_ld(&v, 0, &mut info);
        assert_eq!(info.author.as_deref(), Some("A B, C D"));
        assert_eq!(info.headline.as_deref(), Some("H"));
        assert_eq!(info.published.as_deref(), Some("2023-09-14"));
    }

    #[test]
    fn reads_howto_steps() {
        let v: Value = serde_json::from_str(r#"{"@type":"Recipe","description":"Easy cake.","recipeIngredient":["2 eggs","100 g flour"],"recipeInstructions":[{"@type":"HowToSection","name":"Dough","itemListElement":[{"@type":"HowToStep","text":"Mix it."}]},"Bake it."]}"#).unwrap();
        let mut info = LdInfo::default();
        walk_ld(&v, 0, &mut info);
        assert_eq!(info.howto.as_deref(), Some("<p>Easy cake.</p><p>2 eggs</p><p>100 g flour</p><p>Dough</p><p>Mix it.</p><p>Bake it.</p>"));
        assert!(info.body.is_none());
    }
}
