//! Raw article → clean article: extraction, normalisation, language, id.

use crate::Pipeline;
use chrono::{DateTime, NaiveDate, Utc};
use storyweave_extract::{clean_plain_text, Extracted, Extractor};
use storyweave_model::{ArticleId, CleanArticle, Lang, Origin, RawArticle, RawBody};

/// An article that could not be cleaned, with where it came from and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{origin}: {reason}")]
pub struct CleanError {
    /// Where the record came from.
    pub origin: Origin,
    /// Why it was skipped.
    pub reason: String,
}

fn parse_published(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let day = s.get(..10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0).map(|t| t.and_utc())
}

/// A page's own date, kept only when the store can hold it (years 0000–9999 in UTC): a page
/// claiming the year 10000 keeps its text and loses that date.
fn page_published(s: &str) -> Option<DateTime<Utc>> {
    parse_published(s).filter(storyweave_ingest::in_date_range)
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl Pipeline {
    fn extract(&self, raw: &RawArticle) -> Extracted {
        match &raw.body {
            RawBody::Html(html) => self.extractor.extract(html, raw.url.as_deref()),
            RawBody::Text(text) => clean_plain_text(text, raw.title.is_none()),
        }
    }

    /// Cleans one raw article: main text, title, byline, language and id.
    pub fn clean(&self, raw: RawArticle) -> Result<CleanArticle, CleanError> {
        let extracted = self.extract(&raw);
        self.finish(raw, extracted, false)
    }

    /// Like [`Pipeline::clean`], but an article whose text the cleaner removed entirely keeps its
    /// normalised raw text instead: evaluation commands must give every record a result.
    pub fn clean_lenient(&self, raw: RawArticle) -> Result<CleanArticle, CleanError> {
        let extracted = self.extract(&raw);
        self.finish(raw, extracted, true)
    }

    fn finish(&self, raw: RawArticle, ex: Extracted, lenient: bool) -> Result<CleanArticle, CleanError> {
        let fail = |reason: String| CleanError { origin: raw.origin.clone(), reason };
        let title = non_empty(raw.title.clone()).or_else(|| non_empty(ex.title.clone())).unwrap_or_default();
        let title = storyweave_text::normalize(&title).replace('\n', " ");
        let mut text = storyweave_text::normalize(&ex.text);
        if text.chars().count() < self.config.input.min_chars && lenient {
            let fallback = match &raw.body {
                RawBody::Text(t) | RawBody::Html(t) => storyweave_text::normalize(t),
            };
            if fallback.chars().count() > text.chars().count() {
                text = fallback;
            }
        }
        if text.is_empty() && title.is_empty() {
            return Err(fail("nothing left after cleaning (no main text found)".into()));
        }
        let n = text.chars().count();
        if n < self.config.input.min_chars && !lenient {
            return Err(fail(format!(
                "too short after cleaning: {n} characters of text (minimum {})",
                self.config.input.min_chars
            )));
        }
        let lang = match non_empty(raw.lang.clone()) {
            Some(l) => Lang::new(&l),
            None => {
                let sample: String = format!("{title}\n{text}");
                storyweave_text::detect_language(&sample)
                    .or_else(|| non_empty(ex.lang.clone()).map(|l| Lang::new(&l)))
                    .unwrap_or_else(Lang::unknown)
            }
        };
        let id = match non_empty(raw.id.clone()) {
            Some(id) => ArticleId(id),
            None => ArticleId::from_content(&title, &text),
        };
        // What the record gives (a feed's or a JSON line's fields) wins over what the page says.
        let published = raw.published.or_else(|| ex.published.as_deref().and_then(page_published));
        let origin = Origin { html: matches!(raw.body, RawBody::Html(_)), ..raw.origin };
        Ok(CleanArticle {
            id,
            url: non_empty(raw.url).or_else(|| non_empty(ex.url)),
            title,
            text,
            lang,
            published,
            byline: non_empty(ex.byline),
            source: non_empty(raw.source).or_else(|| non_empty(ex.source)),
            origin,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    fn raw(body: RawBody) -> RawArticle {
        RawArticle {
            id: None,
            url: None,
            title: Some("Bridge opens in Ridgeton".into()),
            body,
            lang: Some("en".into()),
            published: None,
            source: None,
            origin: Origin { file: "x.txt".into(), ..Origin::default() },
            warnings: Vec::new(),
        }
    }

    #[test]
    fn content_hash_id_is_stable() {
        let e = Pipeline::new(Config::default());
        let a = e.clean(raw(RawBody::Text("The new bridge in Ridgeton opened on Monday.".into()))).unwrap();
        let b = e.clean(raw(RawBody::Text("The new bridge in Ridgeton opened on Monday.\n".into()))).unwrap();
        assert_eq!(a.id, b.id);
        assert!(a.id.as_str().starts_with('h'));
    }

    #[test]
    fn empty_text_is_an_error_naming_the_file() {
        let e = Pipeline::new(Config::default());
        let mut r = raw(RawBody::Text("   ".into()));
        r.title = None;
        let err = e.clean(r).unwrap_err();
        assert!(err.to_string().starts_with("x.txt"), "{err}");
    }

    #[test]
    fn page_metadata_fills_what_the_record_does_not_give() {
        let e = Pipeline::new(Config::default());
        let html = r#"<html><head><link rel="canonical" href="https://news.example/a/bridge"><meta property="og:site_name" content="Example News">
            <meta property="article:published_time" content="2023-09-14T08:30:00+02:00"><meta name="author" content="Erika Muster"></head>
            <body><article><h1>Bridge opens</h1><p>The new bridge in Ridgeton opened on Monday after three years of building, the city said.</p></article></body></html>"#;
        let mut r = raw(RawBody::Html(html.into()));
        r.title = None;
        let a = e.clean(r.clone()).unwrap();
        assert_eq!(a.url.as_deref(), Some("https://news.example/a/bridge"));
        assert_eq!(a.source.as_deref(), Some("Example News"));
        assert_eq!(a.byline.as_deref(), Some("Erika Muster"));
        assert_eq!(a.published.map(|t| t.to_rfc3339()).as_deref(), Some("2023-09-14T06:30:00+00:00"));
        // A feed's or JSON record's own fields are kept as given.
        r.url = Some("https://feed.example/item/7".into());
        r.source = Some("Feed Name".into());
        r.published = parse_published("2023-09-15");
        let b = e.clean(r).unwrap();
        assert_eq!(b.url.as_deref(), Some("https://feed.example/item/7"));
        assert_eq!(b.source.as_deref(), Some("Feed Name"));
        assert_eq!(b.published, parse_published("2023-09-15"));
    }

    /// Issue 11, point 3: the language is that of the article's text, not of a blob the page
    /// leaked into it (nor the page's declared one when the text says otherwise).
    #[test]
    fn language_hint_is_that_of_the_text_not_of_a_blob() {
        let e = Pipeline::new(Config::default());
        let state = r#"{"page":{"headline":"The new bridge opened","summary":"The city said the bridge opened on Thursday after three years of work and the mayor spoke of a good day for everyone who lives here","related":[{"title":"Council approves the budget for next year"},{"title":"Traffic jams expected near the station"}]}}"#.repeat(4);
        let html = format!(
            r#"<html lang="en"><body><article><h1>Brücke eröffnet</h1><p>Die neue Brücke über den Fluss wurde am Donnerstag nach drei Jahren Bauzeit für den Verkehr freigegeben, teilte die Stadt mit.</p><div>{state}</div><p>Der Bau kostete rund vierzig Millionen Euro, etwa ein Viertel mehr als ursprünglich veranschlagt, wie der Bürgermeister erklärte.</p></article></body></html>"#
        );
        let mut r = raw(RawBody::Html(html));
        r.lang = None;
        r.title = None;
        let a = e.clean(r).unwrap();
        assert_eq!(a.lang.as_str(), "de", "{}", a.text);
        assert!(!a.text.contains("headline"), "{}", a.text);
    }

    /// Issue 11: a web page that states no date is marked as such in its features; a text
    /// record without a date is not (its lack of a date says nothing about it).
    #[test]
    fn undated_web_pages_are_marked_and_text_records_are_not() {
        let e = Pipeline::new(Config::default());
        let body = "<p>Preheat the oven to 180 degrees. Mix 250 grams of flour with 150 grams of butter and two eggs, then bake for 25 minutes.</p>";
        let page = e.clean(raw(RawBody::Html(format!("<html><body><article>{body}</article></body></html>")))).unwrap();
        assert!(page.origin.html);
        assert!(e.features(&page).undated_page);
        let dated = format!("<html><head><meta property=\"article:published_time\" content=\"2023-09-14\"></head><body><article>{body}</article></body></html>");
        let dated = e.clean(raw(RawBody::Html(dated))).unwrap();
        assert!(dated.origin.html && !e.features(&dated).undated_page);
        let text = e.clean(raw(RawBody::Text("Preheat the oven to 180 degrees. Mix 250 grams of flour with 150 grams of butter and two eggs, then bake for 25 minutes.".into()))).unwrap();
        assert!(!text.origin.html && !e.features(&text).undated_page);
    }

    #[test]
    fn dates_parse_from_metadata_forms() {
        assert!(parse_published("2023-09-13T10:00:00+02:00").is_some());
        assert!(parse_published("2023-09-13").is_some());
        assert!(parse_published("yesterday").is_none());
    }
}
