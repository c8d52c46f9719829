//! Title, byline, publication date and language from `<meta>`, JSON-LD and markup.

use crate::dom::Dom;
use crate::normalize::collapse_ws;
use crate::{byline, published};
use serde_json::Value;
use std::collections::HashMap;
use storyweave_model::Lang;

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
    /// Author names of the article (references to Person nodes resolved).
    authors: Vec<String>,
    body: Option<String>,
    howto: Option<String>,
    /// Name of the article's publisher, else of any publisher named.
    publisher: Option<String>,
    /// Name of the `WebSite` node, else of an `Organization` / `NewsMediaOrganization`.
    site_name: Option<String>,
    /// The article's `url`, else its `mainEntityOfPage`.
    url: Option<String>,
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

/// The JSON-LD nodes of a page: every object reachable through arrays, `@graph`,
/// `mainEntity` and `mainEntityOfPage`, in document order.
fn collect_nodes<'a>(v: &'a Value, depth: usize, out: &mut Vec<&'a Value>) {
    if depth > MAX_JSON_DEPTH {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| collect_nodes(x, depth + 1, out)),
        Value::Object(o) => {
            out.push(v);
            for (k, x) in o {
                if k == "@graph" || k == "mainEntity" || k == "mainEntityOfPage" {
                    collect_nodes(x, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

/// The node a value stands for: the value itself, or the node its `{"@id": …}` names.
fn resolve<'a>(v: &'a Value, ids: &HashMap<&str, &'a Value>) -> &'a Value {
    match (v.get("@id").and_then(Value::as_str), v.get("name")) {
        (Some(id), None) => ids.get(id).copied().unwrap_or(v),
        _ => v,
    }
}

/// Names of the people or organisations in an `author` / `publisher` value.
fn names_of(v: &Value, ids: &HashMap<&str, &Value>, out: &mut Vec<String>) {
    match v {
        Value::String(s) if !s.trim().is_empty() && !s.starts_with("http") => out.push(collapse_ws(s)),
        Value::Object(_) => {
            if let Some(Value::String(n)) = resolve(v, ids).get("name") {
                if !n.trim().is_empty() {
                    out.push(collapse_ws(n));
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| names_of(x, ids, out)),
        _ => {}
    }
}

fn first_name(v: Option<&Value>, ids: &HashMap<&str, &Value>) -> Option<String> {
    let mut names = Vec::new();
    names_of(v?, ids, &mut names);
    names.into_iter().next()
}

fn read_ld(roots: &[Value]) -> LdInfo {
    let mut nodes = Vec::new();
    for r in roots {
        collect_nodes(r, 0, &mut nodes);
    }
    let ids: HashMap<&str, &Value> = nodes.iter().filter_map(|n| Some((n.get("@id")?.as_str()?, *n))).collect();
    let mut info = LdInfo::default();
    let article = nodes.iter().copied().find(|n| is_article_type(n));
    let str_of = |n: &Value, k: &str| n.get(k).and_then(Value::as_str).map(str::to_string);
    // A video page's date is its `uploadDate`.
    info.published = article
        .and_then(|a| str_of(a, "datePublished"))
        .or_else(|| nodes.iter().find_map(|n| str_of(n, "datePublished")))
        .or_else(|| nodes.iter().find_map(|n| str_of(n, "uploadDate")));
    info.howto = nodes.iter().filter(|n| has_type(n, &["HowTo", "Recipe"])).find_map(|n| n.as_object().and_then(howto_body));
    if let Some(a) = article {
        info.body = str_of(a, "articleBody");
        info.headline = str_of(a, "headline").map(|h| collapse_ws(&h));
        if let Some(x) = a.get("author") {
            names_of(x, &ids, &mut info.authors);
        }
        info.url = str_of(a, "url").or_else(|| {
            a.get("mainEntityOfPage").and_then(|m| m.as_str().map(str::to_string).or_else(|| str_of(m, "@id")))
        });
    }
    info.publisher = article
        .and_then(|a| first_name(a.get("publisher"), &ids))
        .or_else(|| nodes.iter().find_map(|n| first_name(n.get("publisher"), &ids)));
    info.site_name = nodes
        .iter()
        .filter(|n| has_type(n, &["WebSite"]))
        .chain(nodes.iter().filter(|n| has_type(n, &["Organization", "NewsMediaOrganization"])))
        .find_map(|n| str_of(n, "name"))
        .map(|s| collapse_ws(&s));
    info
}

fn ld_info(dom: &Dom) -> LdInfo {
    let roots: Vec<Value> = dom
        .meta
        .json_ld
        .iter()
        // Malformed JSON-LD is common; it is skipped rather than reported.
        .filter_map(|raw| serde_json::from_str::<Value>(raw).ok())
        .collect();
    read_ld(&roots)
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

/// The metadata of the page, in the order the contract names the sources.
pub(crate) struct PageMeta {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
    /// The publisher or site name, else the domain of the page's URL.
    pub source: Option<String>,
    /// The canonical URL, else the one the caller gave.
    pub url: Option<String>,
    /// `articleBody` of the JSON-LD article, when the page has one (raw).
    pub ld_body: Option<String>,
    /// The page's own summary (`og:description` / `description`).
    pub description: Option<String>,
    /// Description and steps of a JSON-LD HowTo / Recipe, as HTML paragraphs.
    pub ld_howto: Option<String>,
}

/// An author element with more text than this holds a biography or a teaser, not a byline.
const MAX_AUTHOR_NODE_CHARS: usize = 100;

/// An author element inside a link with this many more characters than its own is part of
/// a teaser card (headline, summary, byline), not the article's byline.
const TEASER_EXTRA_CHARS: usize = 40;

/// Author elements, best rank first, in page order within a rank; those inside teaser links
/// left out.
fn author_nodes(dom: &Dom) -> impl Iterator<Item = u32> + '_ {
    let len = |i: u32| dom.subtree_text_upto(i as usize, MAX_META_BYTES).chars().count();
    let mut nodes: Vec<(u8, u32)> = dom
        .meta
        .author_nodes
        .iter()
        .filter(|m| m.link.is_none_or(|l| len(l) <= len(m.node) + TEASER_EXTRA_CHARS))
        .map(|m| (m.rank, m.node))
        .collect();
    nodes.sort_unstable();
    nodes.into_iter().map(|(_, i)| i)
}

/// A site name longer than this (characters) is a slogan or a title, not a name.
const MAX_SITE_NAME_CHARS: usize = 80;

/// A usable site name: short, not a URL (a URL gives its host). A page title put where the
/// site name belongs ("Headline … - Handball Schweiz") gives its last part, where titles
/// carry the site's name by convention.
fn site_name(s: &str) -> Option<String> {
    let s = collapse_ws(s);
    if s.starts_with("http://") || s.starts_with("https://") {
        return host_of(&s);
    }
    let short = |s: &str| !s.is_empty() && s.chars().count() <= MAX_SITE_NAME_CHARS;
    if short(&s) {
        return Some(s);
    }
    [" | ", " - ", " – ", " — ", " · "]
        .iter()
        .filter_map(|sep| s.rsplit_once(sep).map(|(_, last)| last.trim()))
        .min_by_key(|last| last.len())
        .filter(|last| short(last) && last.chars().count() <= MAX_SITE_NAME_CHARS / 2)
        .map(str::to_string)
}

/// A site name given with a slogan ("Digital for Good | RESET.ORG") becomes the part that
/// is the domain's name, when one is; otherwise it stays whole.
fn name_part(name: &str, host: Option<&str>) -> String {
    let fold = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let Some(host) = host else { return name.to_string() };
    let names_host = |f: &str| f == fold(host) || f.len() >= 3 && host.split('.').any(|h| fold(h) == f);
    name.split(['|', '–', '—', '·'])
        .flat_map(|p| p.split(" - "))
        .map(str::trim)
        .find(|p| names_host(&fold(p)))
        .map_or_else(|| name.to_string(), str::to_string)
}

/// The host of a URL without `www.`.
fn host_of(u: &str) -> Option<String> {
    let host = url::Url::parse(u).ok()?.host_str()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

/// An absolute http(s) URL from `href`, resolved against `base`.
fn absolute(href: &str, base: Option<&url::Url>) -> Option<url::Url> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let u = match base {
        Some(b) => b.join(href).ok()?,
        None => url::Url::parse(href).ok()?,
    };
    matches!(u.scheme(), "http" | "https").then_some(u)
}

/// The page's own URL: canonical link, `og:url`, JSON-LD `url`, else `given`. A canonical
/// that points to the site's home page while the page is deeper is a template mistake (common
/// on small sites) and is passed over.
fn page_url(dom: &Dom, ld_url: Option<&str>, given: Option<&str>) -> Option<String> {
    let base = given.and_then(|g| absolute(g, None));
    let deep = base.as_ref().is_some_and(|b| b.path().trim_matches('/').len() > 1);
    [dom.meta.canonical.as_deref(), meta(dom, &["og:url"]), ld_url]
        .into_iter()
        .flatten()
        .filter_map(|h| absolute(h, base.as_ref()))
        .find(|u| !(deep && u.path().trim_matches('/').is_empty()))
        .map(String::from)
        .or_else(|| base.map(String::from))
}

/// The page's byline: JSON-LD authors, then author `<meta>` tags, then author elements near
/// the headline.
fn page_byline(dom: &Dom, ld_authors: &[String], site_names: &[String]) -> Option<String> {
    let ld = ld_authors.join(", ");
    std::iter::once(ld.as_str())
        .chain(
            ["author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl"]
                .iter()
                .filter_map(|k| meta(dom, &[k]))
                .filter(|a| !a.trim_start().starts_with("http")),
        )
        .find_map(|raw| byline::clean(raw, site_names))
        .or_else(|| {
            author_nodes(dom)
                .map(|i| dom.subtree_text_upto(i as usize, MAX_META_BYTES))
                .filter(|t| t.chars().count() <= MAX_AUTHOR_NODE_CHARS)
                .find_map(|raw| byline::clean(&raw, site_names))
        })
}

/// Reads title, byline, date, language, source and URL; `given_url` is the URL the caller
/// knows the page by (relative links resolve against it).
pub(crate) fn page_meta(dom: &Dom, given_url: Option<&str>) -> PageMeta {
    let ld = ld_info(dom);
    let title = meta(dom, &["og:title", "twitter:title"])
        .and_then(usable)
        .or(ld.headline.clone())
        .or_else(|| dom.meta.h1_nodes.iter().find_map(|&i| usable(&dom.subtree_text_upto(i as usize, MAX_META_BYTES))))
        .or_else(|| dom.meta.title_node.and_then(|i| usable(&dom.subtree_text_upto(i as usize, MAX_META_BYTES))))
        .map(|t| strip_site(&t))
        .filter(|t| !t.is_empty());
    let lang = dom
        .meta
        .html_lang
        .as_deref()
        .and_then(usable)
        .or_else(|| meta(dom, &["og:locale", "content-language", "language", "dc.language"]).and_then(usable));
    let date_lang = lang.as_deref().map_or_else(Lang::unknown, Lang::new);
    let url = page_url(dom, ld.url.as_deref(), given_url);
    // Every name the site goes by: the source is the first of them, and none is an author.
    let mut site_names: Vec<String> = [
        meta(dom, &["og:site_name"]).and_then(site_name),
        ld.publisher.as_deref().and_then(site_name),
        meta(dom, &["application-name", "apple-mobile-web-app-title"]).and_then(site_name),
        meta(dom, &["publisher", "dc.publisher", "dcterms.publisher"]).and_then(site_name),
        ld.site_name.as_deref().and_then(site_name),
    ]
    .into_iter()
    .flatten()
    .collect();
    let host = url.as_deref().and_then(host_of);
    let source = site_names.first().map(|s| name_part(s, host.as_deref())).or_else(|| host.clone());
    site_names.extend(host);
    let published = published::from_markup(dom, ld.published.as_deref(), &date_lang)
        .or_else(|| url.as_deref().and_then(published::url_date))
        .or_else(|| given_url.and_then(published::url_date))
        .or_else(|| published::from_text(dom, &date_lang));
    let byline = page_byline(dom, &ld.authors, &site_names);
    let description = meta(dom, &["og:description", "description", "twitter:description"]).map(collapse_ws);
    PageMeta { title, byline, published, lang, source, url, ld_body: ld.body, ld_howto: ld.howto, description }
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
    fn reads_json_ld_authors() {
        let v: Value = serde_json::from_str(r#"{"@type":"NewsArticle","headline":"H","datePublished":"2023-09-14","author":[{"name":"A B"},{"name":"C D"}]}"#).unwrap();
        let info = read_ld(&[v]);
        assert_eq!(info.authors, ["A B", "C D"]);
        assert_eq!(info.headline.as_deref(), Some("H"));
        assert_eq!(info.published.as_deref(), Some("2023-09-14"));
    }

    #[test]
    fn resolves_graph_references() {
        let v: Value = serde_json::from_str(r##"{"@context":"https://schema.org","@graph":[
            {"@type":"WebSite","@id":"https://ex.org/#website","name":"Example Site"},
            {"@type":"Organization","@id":"https://ex.org/#org","name":"Example Media GmbH"},
            {"@type":"Person","@id":"https://ex.org/#/person/1","name":"Erika Muster"},
            {"@type":"NewsArticle","headline":"H","datePublished":"2021-03-12T08:00:00+01:00",
             "author":{"@id":"https://ex.org/#/person/1"},"publisher":{"@id":"https://ex.org/#org"},
             "mainEntityOfPage":{"@id":"https://ex.org/news/h"}}]}"##).unwrap();
        let info = read_ld(&[v]);
        assert_eq!(info.authors, ["Erika Muster"]);
        assert_eq!(info.publisher.as_deref(), Some("Example Media GmbH"));
        assert_eq!(info.site_name.as_deref(), Some("Example Site"));
        assert_eq!(info.url.as_deref(), Some("https://ex.org/news/h"));
        assert_eq!(info.published.as_deref(), Some("2021-03-12T08:00:00+01:00"));
    }

    #[test]
    fn source_and_url_from_markup_else_the_given_url() {
        let page = r#"<html><head><link rel="canonical" href="/news/bridge"><meta property="og:site_name" content="Stadtanzeiger"></head><body><h1>Bridge</h1></body></html>"#;
        let m = page_meta(&Dom::parse(page), Some("https://www.stadtanzeiger.de/news/bridge?utm=x"));
        assert_eq!(m.url.as_deref(), Some("https://www.stadtanzeiger.de/news/bridge"));
        assert_eq!(m.source.as_deref(), Some("Stadtanzeiger"));
        assert_eq!(name_part("Digital for Good | RESET.ORG", Some("reset.org")), "RESET.ORG");
        assert_eq!(name_part("News - Kultur", Some("reset.org")), "News - Kultur");
        let bare = "<html><body><h1>Bridge</h1></body></html>";
        let m = page_meta(&Dom::parse(bare), Some("https://www.stadtanzeiger.de/2021/03/12/bridge"));
        assert_eq!(m.url.as_deref(), Some("https://www.stadtanzeiger.de/2021/03/12/bridge"));
        assert_eq!(m.source.as_deref(), Some("stadtanzeiger.de"));
        assert_eq!(m.published.as_deref(), Some("2021-03-12"));
        // A canonical pointing at the home page of a deeper page is a template mistake.
        let home = r#"<html><head><link rel="canonical" href="https://blog.example/"></head><body></body></html>"#;
        let m = page_meta(&Dom::parse(home), Some("https://blog.example/posts/a-post"));
        assert_eq!(m.url.as_deref(), Some("https://blog.example/posts/a-post"));
        assert_eq!(page_meta(&Dom::parse(bare), None).url, None);
    }

    #[test]
    fn bylines_are_never_dates_or_site_names() {
        let page = r#"<html><head><meta property="og:site_name" content="Stadtanzeiger"><meta name="author" content="Stadtanzeiger"></head>
            <body><h1>Bridge</h1><div class="byline">Von Erika Muster | 12.03.2021</div></body></html>"#;
        let m = page_meta(&Dom::parse(page), None);
        assert_eq!(m.byline.as_deref(), Some("Erika Muster"));
        assert_eq!(m.published.as_deref(), Some("2021-03-12"));
    }

    #[test]
    fn reads_howto_steps() {
        let v: Value = serde_json::from_str(r#"{"@type":"Recipe","description":"Easy cake.","recipeIngredient":["2 eggs","100 g flour"],"recipeInstructions":[{"@type":"HowToSection","name":"Dough","itemListElement":[{"@type":"HowToStep","text":"Mix it."}]},"Bake it."]}"#).unwrap();
        let info = read_ld(&[v]);
        assert_eq!(info.howto.as_deref(), Some("<p>Easy cake.</p><p>2 eggs</p><p>100 g flour</p><p>Dough</p><p>Mix it.</p><p>Bake it.</p>"));
        assert!(info.body.is_none());
    }
}
