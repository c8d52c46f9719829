//! Listing stories page by page, and full-text search over the stored articles.
//!
//! Every query here is a fixed SQL text with bound parameters: nothing a user types is ever
//! spliced into SQL. Search words reach SQLite's FTS5 query language only as quoted strings
//! (a quote inside a word is doubled), so no input can form an FTS operator either.

use crate::codec::{story_id_col, time_col, time_to_sql};
use crate::{Result, SqliteStore, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use storyweave_model::{ArticleId, Lang, Story, StoryId};

/// Longest page of stories or search hits one call returns: a page is read into memory at
/// once, and a client that wants everything pages through it.
pub const MAX_PAGE: usize = 500;

/// The order of a story list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StorySort {
    /// Most recently changed first.
    #[default]
    Updated,
    /// Largest first.
    Size,
}

/// Which stories to list, in which order, from where.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoryQuery {
    /// Only stories with an article in this language.
    pub lang: Option<String>,
    /// Only stories with an article published at or after this time (stories without
    /// publication times count by their last update).
    pub since: Option<DateTime<Utc>>,
    /// Only stories with an article published at or before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only stories with an article carrying this `article_keys` entity token (the engine
    /// turns an entity name into its cross-lingual token).
    pub entity_token: Option<String>,
    /// Only stories with an article from this source (case-insensitive).
    pub source: Option<String>,
    /// Only stories with at least this many articles.
    pub min_articles: usize,
    /// Order.
    pub sort: StorySort,
    /// At most this many (capped at [`MAX_PAGE`]; 0 means [`MAX_PAGE`]).
    pub limit: usize,
    /// Continue after this cursor (from the previous page).
    pub cursor: Option<Cursor>,
}

/// A story as listed: its metadata (member ids left out), size and last change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryListing {
    /// The story; `articles` is empty in listings (see `article_count`).
    pub story: Story,
    /// Number of member articles.
    pub article_count: usize,
    /// When the story last changed in the store.
    pub updated_at: DateTime<Utc>,
}

/// One page of a story list.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryPage {
    /// The stories of this page, in order.
    pub stories: Vec<StoryListing>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}

/// A position in a story list: the sort key and id of the last story shown. Keyset paging,
/// so that pages stay right while stories are added (no offsets that shift).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The order the cursor belongs to.
    pub sort: StorySort,
    /// The sort key of the last story shown (update time as stored, or size).
    pub key: String,
    /// Its id.
    pub id: i64,
}

impl Cursor {
    /// An opaque token for URLs (hex, so it needs no escaping).
    pub fn to_token(&self) -> String {
        let tag = match self.sort {
            StorySort::Updated => 'u',
            StorySort::Size => 's',
        };
        format!("{tag}|{}|{}", self.key, self.id).bytes().map(|b| format!("{b:02x}")).collect()
    }

    /// Reads a token made by [`Cursor::to_token`].
    pub fn parse(token: &str) -> Result<Cursor> {
        let bad = || StoreError::Invalid(format!("page cursor {token:?}: not a cursor this server gave"));
        if token.len() % 2 != 0 || token.len() > 256 {
            return Err(bad());
        }
        let bytes: Vec<u8> = (0..token.len())
            .step_by(2)
            .map(|i| token.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect::<Option<_>>()
            .ok_or_else(bad)?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let mut parts = text.splitn(3, '|');
        let sort = match parts.next() {
            Some("u") => StorySort::Updated,
            Some("s") => StorySort::Size,
            _ => return Err(bad()),
        };
        let key = parts.next().ok_or_else(bad)?.to_string();
        let id = parts.next().and_then(|i| i.parse().ok()).ok_or_else(bad)?;
        if sort == StorySort::Size && key.parse::<i64>().is_err() {
            return Err(bad());
        }
        Ok(Cursor { sort, key, id })
    }
}

/// Filters shared by the searches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchFilter {
    /// Only articles in this language.
    pub lang: Option<String>,
    /// Only articles published at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only articles published at or before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only articles from this source (case-insensitive).
    pub source: Option<String>,
}

/// An article found by a search.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleHit {
    /// The article.
    pub id: ArticleId,
    /// Its language.
    pub lang: Lang,
    /// Its story, if assigned.
    pub story: Option<StoryId>,
    /// Relevance (BM25, higher is better); comparable only within one search.
    pub score: f32,
}

/// An article's cross-lingual search keys, one token per hashed feature, by channel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchKeys {
    /// Entity keys.
    pub ents: Vec<String>,
    /// Numbers and dates.
    pub nums: Vec<String>,
    /// Language-tagged stemmed terms.
    pub terms: Vec<String>,
    /// Script-neutral word prefixes.
    pub xterms: Vec<String>,
}

impl SearchKeys {
    /// True when there is nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.ents.is_empty() && self.nums.is_empty() && self.terms.is_empty() && self.xterms.is_empty()
    }
}

/// BM25 weights of the key channels: a shared name or figure says far more about the event
/// than a shared word stem or prefix.
const KEY_WEIGHTS: (f64, f64, f64, f64) = (4.0, 3.0, 1.0, 1.0);

/// A search token as an FTS5 string: quoted, inner quotes doubled, so it is always a plain
/// term and never an operator.
fn fts_string(token: &str) -> String {
    format!("\"{}\"", token.replace('"', "\"\""))
}

/// Keys are tokens of the `ascii` tokenizer: only letters and digits survive in them.
fn key_token_ok(t: &str) -> bool {
    !t.is_empty() && t.len() <= 64 && t.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The FTS5 query over the key channels: any key of any channel.
fn keys_match(keys: &SearchKeys) -> Option<String> {
    let mut parts = Vec::new();
    for (col, tokens) in [("ents", &keys.ents), ("nums", &keys.nums), ("terms", &keys.terms), ("xterms", &keys.xterms)] {
        let toks: Vec<String> = tokens.iter().filter(|t| key_token_ok(t)).map(|t| fts_string(t)).collect();
        if !toks.is_empty() {
            parts.push(format!("{col} : ({})", toks.join(" OR ")));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" OR "))
}

/// The SQL conditions of a [`SearchFilter`] on `articles a`, parameters `?3`..`?6`.
const FILTER_SQL: &str = "(?3 IS NULL OR a.lang = ?3)
    AND (?4 IS NULL OR a.published >= ?4)
    AND (?5 IS NULL OR a.published <= ?5)
    AND (?6 IS NULL OR a.source = ?6 COLLATE NOCASE)";

impl SqliteStore {
    /// Writes an article's search keys (replacing none: call once per stored article).
    pub fn put_search_keys(&mut self, id: &ArticleId, keys: &SearchKeys) -> Result<()> {
        let rowid = self.article_rowid(id)?.ok_or_else(|| StoreError::UnknownArticle(id.clone()))?;
        let join = |v: &[String]| v.iter().filter(|t| key_token_ok(t)).cloned().collect::<Vec<_>>().join(" ");
        let columns = [join(&keys.ents), join(&keys.nums), join(&keys.terms), join(&keys.xterms)];
        self.write_text_row(crate::TextRow::Keys { rowid, columns })
    }

    /// Forgets every article's search keys (before writing them all again).
    pub fn clear_search_keys(&mut self) -> Result<()> {
        // Keys held back for this transaction's end would otherwise outlive the clearing.
        self.deferred.drop_keys();
        self.exec("INSERT INTO article_keys (article_keys) VALUES ('delete-all')", [])?;
        Ok(())
    }

    /// Articles sharing any of `keys`, best first (BM25 over the key channels, names and
    /// figures weighing most).
    pub fn search_keys(&self, keys: &SearchKeys, filter: &SearchFilter, limit: usize) -> Result<Vec<ArticleHit>> {
        let Some(expr) = keys_match(keys) else { return Ok(Vec::new()) };
        let (we, wn, wt, wx) = KEY_WEIGHTS;
        let sql = format!(
            "SELECT a.id, a.lang, m.story_id, -bm25(article_keys, {we}, {wn}, {wt}, {wx}) AS score
             FROM article_keys JOIN articles a ON a.rowid = article_keys.rowid
             LEFT JOIN story_members m ON m.article_id = a.id
             WHERE article_keys MATCH ?1 AND {FILTER_SQL}
             ORDER BY score DESC, a.rowid LIMIT ?2"
        );
        self.search(&sql, &expr, filter, limit)
    }

    /// How many articles carry each of these search keys (0 for unknown ones), in order.
    pub fn key_doc_freq(&self, tokens: &[String]) -> Result<Vec<u64>> {
        tokens
            .iter()
            .map(|t| {
                let n: Option<i64> = self.query_opt("SELECT doc FROM article_keys_vocab WHERE term = ?1", [t.to_ascii_lowercase()], |r| r.get(0))?;
                Ok(n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
            })
            .collect()
    }

    /// Articles whose title or text contains any of `words` (in their own language, accents
    /// folded), best first by BM25, titles weighing double.
    pub fn search_text(&self, words: &[String], filter: &SearchFilter, limit: usize) -> Result<Vec<ArticleHit>> {
        let toks: Vec<String> = words.iter().filter(|w| !w.trim().is_empty()).map(|w| fts_string(w.trim())).collect();
        if toks.is_empty() {
            return Ok(Vec::new());
        }
        let expr = toks.join(" OR ");
        let sql = format!(
            "SELECT a.id, a.lang, m.story_id, -bm25(article_text, 2.0, 1.0) AS score
             FROM article_text JOIN articles a ON a.rowid = article_text.rowid
             LEFT JOIN story_members m ON m.article_id = a.id
             WHERE article_text MATCH ?1 AND {FILTER_SQL}
             ORDER BY score DESC, a.rowid LIMIT ?2"
        );
        self.search(&sql, &expr, filter, limit)
    }

    fn search(&self, sql: &str, expr: &str, filter: &SearchFilter, limit: usize) -> Result<Vec<ArticleHit>> {
        let since = time_to_sql(filter.since.as_ref(), "search filter")?;
        let until = time_to_sql(filter.until.as_ref(), "search filter")?;
        let limit = i64::try_from(limit.clamp(1, MAX_PAGE * 10)).unwrap_or(1);
        self.query_all(sql, params![expr, limit, filter.lang, since, until, filter.source], |r| {
            let story: Option<i64> = r.get(2)?;
            let score: f64 = r.get(3)?;
            Ok(ArticleHit {
                id: ArticleId(r.get(0)?),
                lang: Lang(r.get(1)?),
                story: story.and_then(|s| u64::try_from(s).ok()).map(StoryId),
                score: score as f32,
            })
        })
    }

    /// One page of stories matching `q`.
    pub fn stories_page(&self, q: &StoryQuery) -> Result<StoryPage> {
        let limit = if q.limit == 0 { MAX_PAGE } else { q.limit.min(MAX_PAGE) };
        let since = time_to_sql(q.since.as_ref(), "story filter")?;
        let until = time_to_sql(q.until.as_ref(), "story filter")?;
        let entity = q.entity_token.as_deref().filter(|t| key_token_ok(t)).map(|t| format!("ents : {}", fts_string(t)));
        if q.entity_token.is_some() && entity.is_none() {
            return Ok(StoryPage { stories: Vec::new(), next: None });
        }
        if let Some(c) = &q.cursor {
            if c.sort != q.sort {
                return Err(StoreError::Invalid("page cursor: it belongs to another sort order".into()));
            }
        }
        // By update time the size filter must not use the size index (`+` keeps SQLite from
        // it): with it, SQLite read every story of that size and sorted them, 40 ms a page at
        // 100,000 stories instead of walking the update index for one page.
        let (order, after, count) = match q.sort {
            StorySort::Updated => ("s.updated_at DESC, s.id DESC", "(s.updated_at, s.id) < (?8, ?9)", "+s.article_count"),
            StorySort::Size => ("s.article_count DESC, s.id DESC", "(s.article_count, s.id) < (CAST(?8 AS INTEGER), ?9)", "s.article_count"),
        };
        let sql = format!(
            "SELECT s.id, s.headline, s.languages_json, s.first_published, s.last_published,
                    s.top_entities_json, s.article_count, s.updated_at
             FROM stories s
             WHERE {count} >= ?1
               AND (?2 IS NULL OR EXISTS (SELECT 1 FROM json_each(s.languages_json) WHERE json_each.value = ?2))
               AND (?3 IS NULL OR coalesce(s.last_published, s.updated_at) >= ?3)
               AND (?4 IS NULL OR coalesce(s.first_published, s.updated_at) <= ?4)
               AND (?5 IS NULL OR EXISTS (SELECT 1 FROM story_members m JOIN articles a ON a.id = m.article_id
                                          WHERE m.story_id = s.id AND a.source = ?5 COLLATE NOCASE))
               AND (?6 IS NULL OR EXISTS (SELECT 1 FROM story_members m JOIN articles a ON a.id = m.article_id
                                          WHERE m.story_id = s.id AND a.rowid IN
                                              (SELECT rowid FROM article_keys WHERE article_keys MATCH ?6)))
               AND (?7 = 0 OR {after})
             ORDER BY {order} LIMIT ?10"
        );
        let (has_cursor, key, cid) = match &q.cursor {
            Some(c) => (1, Some(c.key.clone()), c.id),
            None => (0, None, 0),
        };
        let min = i64::try_from(q.min_articles).unwrap_or(i64::MAX);
        let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);
        let mut rows = self.query_all(
            &sql,
            params![min, q.lang, since, until, q.source, entity, has_cursor, key, cid, fetch],
            |r| {
                let count: i64 = r.get(6)?;
                let updated: String = r.get(7)?;
                Ok((
                    StoryListing {
                        story: Story {
                            id: story_id_col(r, 0)?,
                            headline: r.get(1)?,
                            articles: Vec::new(),
                            languages: crate::codec::json_col(r, 2)?,
                            first_published: time_col(r, 3)?,
                            last_published: time_col(r, 4)?,
                            top_entities: crate::codec::json_col(r, 5)?,
                        },
                        article_count: usize::try_from(count).unwrap_or(0),
                        updated_at: time_col(r, 7)?.unwrap_or_default(),
                    },
                    updated,
                ))
            },
        )?;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = match (more, rows.last()) {
            (true, Some((last, updated))) => Some(Cursor {
                sort: q.sort,
                key: match q.sort {
                    StorySort::Updated => updated.clone(),
                    StorySort::Size => last.article_count.to_string(),
                },
                id: i64::try_from(last.story.id.0).unwrap_or(i64::MAX),
            }),
            _ => None,
        };
        Ok(StoryPage { stories: rows.into_iter().map(|(s, _)| s).collect(), next })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = Cursor { sort: StorySort::Updated, key: "2024-01-01T00:00:00Z".into(), id: 17 };
        assert_eq!(Cursor::parse(&c.to_token()).unwrap(), c);
        let s = Cursor { sort: StorySort::Size, key: "12".into(), id: 3 };
        assert_eq!(Cursor::parse(&s.to_token()).unwrap(), s);
        for bad in ["", "zz", "7", "757c", &"ab".repeat(200)] {
            assert!(Cursor::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn fts_strings_cannot_form_operators() {
        assert_eq!(fts_string("a\"b OR c"), "\"a\"\"b OR c\"");
        assert!(!key_token_ok("ab cd"));
        assert!(!key_token_ok("NEAR("));
        assert!(key_token_ok("e1f2"));
    }
}
