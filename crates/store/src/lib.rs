//! Storage behind two small traits ([`StoreRead`], [`Store`]), and the embedded SQLite
//! implementation: versioned schema, articles, features, stories, relations, full-text search.
//!
//! ```
//! use storyweave_model::{ArticleId, CleanArticle, Lang, Origin, Story, StoryId};
//! use storyweave_store::SqliteStore;
//!
//! let mut store = SqliteStore::open_in_memory()?;
//! let article = CleanArticle {
//!     id: ArticleId::from("a1"),
//!     url: None,
//!     title: "Flood in Porto Alegre".into(),
//!     text: "Rivers rose overnight.".into(),
//!     lang: Lang::new("en"),
//!     published: None,
//!     byline: None,
//!     source: None,
//!     origin: Origin { file: "news.jsonl".into(), line: Some(1), ..Origin::default() },
//! };
//! // Bulk writes go in one transaction: one commit instead of one per article.
//! let added = store.transaction(|s| s.insert_article(&article))?;
//! assert!(added);
//! assert!(!store.insert_article(&article)?, "the same id is stored once");
//!
//! let id = store.next_story_id()?;
//! store.put_story(&Story {
//!     id,
//!     headline: article.title.clone(),
//!     articles: vec![article.id.clone()],
//!     languages: vec![article.lang.clone()],
//!     first_published: None,
//!     last_published: None,
//!     top_entities: vec!["Porto Alegre".into()],
//! })?;
//! assert_eq!(store.story_of(&article.id)?, Some(StoryId(1)));
//! # Ok::<(), storyweave_store::StoreError>(())
//! ```
//!
#![warn(missing_docs)]

mod codec;
mod error;
mod query;
mod schema;
mod traits;

pub use error::{ErrorKind, Result, StoreError};
pub use query::{ArticleHit, Cursor, SearchFilter, SearchKeys, StoryListing, StoryPage, StoryQuery, StorySort, MAX_PAGE};
pub use schema::SCHEMA_VERSION;
pub use traits::{Store, StoreRead};

use codec::{
    article_from_row, check_relation, json_col, now_sql, relation_from_row, story_id_col,
    story_id_to_sql, time_col, time_to_sql, to_json, ARTICLE_COLUMNS,
};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;
use storyweave_model::{ArticleId, CleanArticle, Relation, Story, StoryId};

/// How long a write waits for another process's lock (say `ingest` while `serve` reads) before
/// giving up with [`StoreError::Locked`]: long enough to ride out another process's commit,
/// short enough that a stuck process is reported instead of hanging the CLI.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Prepared statements kept per connection: every distinct query of this crate fits, so hot
/// loops (bulk inserts) never re-parse SQL.
const STATEMENT_CACHE: usize = 64;

/// The `meta` key of the next story id; the `store.` prefix keeps it apart from callers' keys.
const NEXT_STORY_ID_KEY: &str = "store.next_story_id";

/// The name shown for an in-memory store in error messages.
const MEMORY_NAME: &str = ":memory:";

/// The `meta` key of the write counter: bumped by every write that changes articles or
/// stories, so that a long-lived engine can tell that another process wrote.
const SEQ_KEY: &str = "store.seq";
/// The `meta` key of the rebuild counter: bumped when all stories are replaced at once
/// (`recluster`), after which an engine's in-memory story state must be reloaded whole.
const EPOCH_KEY: &str = "store.epoch";

/// Upsert of an article's features: one set per article, a new version replaces the old.
const UPSERT_FEATURES: &str = "INSERT INTO features (article_id, version, data) VALUES (?1, ?2, ?3)
     ON CONFLICT (article_id) DO UPDATE SET version = excluded.version, data = excluded.data";

/// Upsert of an article's analysis, as [`UPSERT_FEATURES`].
const UPSERT_ANALYSIS: &str = "INSERT INTO analyses (article_id, version, data) VALUES (?1, ?2, ?3)
     ON CONFLICT (article_id) DO UPDATE SET version = excluded.version, data = excluded.data";

/// The store: one SQLite connection.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    /// The database file; `None` for an in-memory store.
    path: Option<PathBuf>,
    /// How a write waits for another process's write lock.
    pub(crate) write_wait: WriteWait,
    /// Full-text rows of the open transaction, written just before it commits.
    pub(crate) deferred: DeferredText,
}

/// Full-text rows (article titles and texts, search keys) held back until the end of the
/// outermost transaction.
///
/// Why: FTS5 writes its pending terms to disk whenever a savepoint opens, and SQLite opens one
/// for every statement that may need a statement journal (any INSERT into a table with a
/// foreign key or trigger). Written as they come, the rows of a batch were flushed once per
/// statement: one tiny index segment per article and endless merges, a cost that grew with
/// the index. Written together at the end, a batch makes one segment per index.
#[derive(Debug, Default)]
pub(crate) struct DeferredText {
    /// Nesting depth of `transaction_with` calls.
    depth: u32,
    rows: Vec<TextRow>,
}

impl DeferredText {
    /// Forgets the held-back search-key rows.
    fn drop_keys(&mut self) {
        self.rows.retain(|r| !matches!(r, TextRow::Keys { .. }));
    }
}

/// One held-back full-text row.
#[derive(Debug)]
enum TextRow {
    /// An article's title and text for `article_text`.
    Article { rowid: i64, title: String, text: String },
    /// An article's search keys for `article_keys` (ents, nums, terms, xterms).
    Keys { rowid: i64, columns: [String; 4] },
}

/// Where a store's writes stand: compared by a long-lived engine with what it has in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct WriteMarker {
    /// Number of write batches committed so far.
    pub seq: u64,
    /// Number of whole rebuilds (`recluster`) committed so far.
    pub epoch: u64,
    /// The largest article row number (articles are numbered in the order they were stored).
    pub max_rowid: i64,
}

/// How long a writer waits for another process's write lock, and whom it tells.
#[derive(Clone)]
pub struct WriteWait {
    /// Give up with [`StoreError::Locked`] after this long.
    pub max: Duration,
    /// Called once when a write has to wait (the CLI prints "waiting for …").
    pub on_wait: Option<std::sync::Arc<dyn Fn(&Path) + Send + Sync>>,
}

impl Default for WriteWait {
    fn default() -> Self {
        WriteWait { max: BUSY_TIMEOUT, on_wait: None }
    }
}

impl std::fmt::Debug for WriteWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteWait").field("max", &self.max).field("on_wait", &self.on_wait.is_some()).finish()
    }
}

/// How often a waiting writer tries the lock again: SQLite's own busy handler sleeps in
/// growing steps up to 100 ms; a fixed short step keeps the wait responsive.
const WRITE_RETRY: Duration = Duration::from_millis(50);

impl SqliteStore {
    /// Opens (creating and migrating as needed) the store at `path`.
    ///
    /// Missing parent folders are created. The database uses WAL mode so that readers (the web
    /// view) never block the writer, `synchronous=NORMAL` (safe in WAL mode, far faster than
    /// `FULL`; a power cut can lose at most the last commits, never corrupt) and foreign keys.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        // SQLite would quietly open a temporary database for an empty name and lose everything.
        if path.as_os_str().is_empty() {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                reason: "the path is empty".into(),
            });
        }
        if path.is_dir() {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                reason: "it is a folder; give a file path such as storyweave.db".into(),
            });
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Io {
                path: parent.to_path_buf(),
                reason: error::io_reason(&e, parent),
            })?;
        }
        let conn = Connection::open(path).map_err(|e| error::from_sqlite(path, e))?;
        SqliteStore::init(conn, Some(path.to_path_buf()))
    }

    /// Opens an existing store for reading only: never creates, migrates or writes anything,
    /// works on a read-only file or medium, and says clearly when the file is missing, is not
    /// a storyweave store, or was written by another version.
    pub fn open_read_only(path: &Path) -> Result<SqliteStore> {
        use rusqlite::OpenFlags;
        if !path.exists() {
            return Err(StoreError::Missing { path: path.to_path_buf() });
        }
        if path.is_dir() {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                reason: "it is a folder; give a file path such as storyweave.db".into(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let attempt = |uri: String| -> Result<SqliteStore> {
            let conn = Connection::open_with_flags(&uri, flags).map_err(|e| error::from_sqlite(path, e))?;
            let store = SqliteStore { conn, path: Some(path.to_path_buf()), write_wait: WriteWait::default(), deferred: DeferredText::default() };
            store.conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
            store.conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| store.sql_err(e))?;
            store.check_schema_read_only()?;
            Ok(store)
        };
        let uri = file_uri(path);
        match attempt(uri.clone()) {
            // A WAL database on a read-only medium cannot create its shared-memory file;
            // `immutable` reads it without locks, which is right for a file nobody can write.
            Err(StoreError::Open { .. }) | Err(StoreError::ReadOnly { .. }) => attempt(format!("{uri}?immutable=1")),
            other => other,
        }
    }

    /// Checks, without changing anything, that the file holds this version's schema.
    fn check_schema_read_only(&self) -> Result<()> {
        let found = schema::version(&self.conn).map_err(|e| self.sql_err(e))?;
        if found == SCHEMA_VERSION {
            return Ok(());
        }
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found, supported: SCHEMA_VERSION });
        }
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| self.sql_err(e))?;
        if found <= 0 {
            return Err(StoreError::Corrupt {
                path: self.display_path().to_path_buf(),
                detail: if tables == 0 {
                    "the file is empty, not a storyweave store".into()
                } else {
                    format!("it has {tables} schema objects but no storyweave schema version")
                },
            });
        }
        Err(StoreError::NeedsUpgrade { path: self.display_path().to_path_buf(), found, current: SCHEMA_VERSION })
    }

    /// Opens a read transaction: every read until [`SqliteStore::end_read`] sees the store as
    /// it was at the first read, whatever other processes commit meanwhile.
    pub fn begin_read(&self) -> Result<()> {
        self.conn.execute_batch("BEGIN").map_err(|e| self.sql_err(e))
    }

    /// Ends a read transaction opened by [`SqliteStore::begin_read`].
    pub fn end_read(&self) {
        // Ending a read-only transaction cannot lose anything; a failure means none was open.
        let _ = self.conn.execute_batch("COMMIT");
    }

    /// Sets how writes wait for another process's write lock.
    pub fn set_write_wait(&mut self, wait: WriteWait) {
        self.write_wait = wait;
    }

    /// Opens a private in-memory store (tests, `cluster`).
    pub fn open_in_memory() -> Result<SqliteStore> {
        let conn = Connection::open_in_memory()
            .map_err(|e| error::from_sqlite(Path::new(MEMORY_NAME), e))?;
        SqliteStore::init(conn, None)
    }

    /// Sets the connection up and migrates the schema.
    fn init(conn: Connection, path: Option<PathBuf>) -> Result<SqliteStore> {
        let mut store = SqliteStore { conn, path, write_wait: WriteWait::default(), deferred: DeferredText::default() };
        store
            .conn
            .set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        store
            .conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| store.sql_err(e))?;
        // Reading the journal mode is the first access to the file, so a file that is not a
        // database fails here, as `Corrupt`. In-memory databases answer "memory"; a file
        // system without shared memory keeps its old mode: both still work, only slower.
        let _mode: String = store
            .conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(|e| store.sql_err(e))?;
        store
            .conn
            .execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .map_err(|e| store.sql_err(e))?;
        let outcome =
            schema::migrate(&mut store.conn, schema::MIGRATIONS).map_err(|e| store.sql_err(e))?;
        match outcome {
            schema::Outcome::UpToDate { .. } => Ok(store),
            schema::Outcome::TooNew(found) => Err(StoreError::TooNew {
                found,
                supported: SCHEMA_VERSION,
            }),
            schema::Outcome::Foreign(detail) => Err(StoreError::Corrupt {
                path: store.display_path().to_path_buf(),
                detail,
            }),
        }
    }

    /// The database file; `None` for an in-memory store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version of the open database (always [`SCHEMA_VERSION`] once opened).
    pub fn schema_version(&self) -> Result<i64> {
        schema::version(&self.conn).map_err(|e| self.sql_err(e))
    }

    /// The path for error messages.
    fn display_path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(MEMORY_NAME))
    }

    /// Maps a SQLite error, naming this store's path.
    fn sql_err(&self, err: rusqlite::Error) -> StoreError {
        error::from_sqlite(self.display_path(), err)
    }

    /// Runs one cached statement that returns no rows; returns the number of changed rows.
    fn exec(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut st| st.execute(params))
            .map_err(|e| self.sql_err(e))
    }

    /// Runs one cached query expected to return at most one row.
    fn query_opt<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut st| st.query_row(params, f).optional())
            .map_err(|e| self.sql_err(e))
    }

    /// Runs one cached query and collects all its rows.
    fn query_all<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut st| st.query_map(params, f)?.collect())
            .map_err(|e| self.sql_err(e))
    }

    /// Inserts an article; returns false when its id is already stored (nothing changes).
    pub fn insert_article(&mut self, article: &CleanArticle) -> Result<bool> {
        let what = format!("article {}", article.id);
        let published = time_to_sql(article.published.as_ref(), &what)?;
        let origin = to_json(&article.origin, &what)?;
        // The article and its full-text row land together: outside a transaction one is
        // opened for the two; inside one (a bulk load) nothing more is, so the load costs one
        // commit in total.
        if self.deferred.depth == 0 {
            return self.transaction(|s| s.insert_article(article));
        }
        let changed = self.exec(
            "INSERT INTO articles (id, url, title, text, lang, published, byline, source,
                                   origin_json, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (id) DO NOTHING",
            params![
                article.id.as_str(),
                article.url,
                article.title,
                article.text,
                article.lang.as_str(),
                published,
                article.byline,
                article.source,
                origin,
                now_sql(),
            ],
        )?;
        if changed == 1 {
            let rowid = self.conn.last_insert_rowid();
            self.write_text_row(TextRow::Article { rowid, title: article.title.clone(), text: article.text.clone() })?;
        }
        Ok(changed == 1)
    }

    /// Writes a full-text row at the end of the open transaction (see [`DeferredText`]); now,
    /// when none is open.
    fn write_text_row(&mut self, row: TextRow) -> Result<()> {
        if self.deferred.depth > 0 {
            self.deferred.rows.push(row);
            Ok(())
        } else {
            self.exec_text_row(&row)
        }
    }

    fn exec_text_row(&self, row: &TextRow) -> Result<()> {
        // Single-row VALUES inserts: an INSERT ... SELECT would need a statement journal and so
        // flush the index once per row again.
        match row {
            TextRow::Article { rowid, title, text } => self.exec(
                "INSERT INTO article_text (rowid, title, text) VALUES (?1, ?2, ?3)",
                params![rowid, title, text],
            )?,
            TextRow::Keys { rowid, columns: [e, n, t, x] } => self.exec(
                "INSERT INTO article_keys (rowid, ents, nums, terms, xterms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![rowid, e, n, t, x],
            )?,
        };
        Ok(())
    }

    /// Writes the held-back full-text rows (the last writes of a transaction).
    fn flush_text_rows(&mut self) -> Result<()> {
        for row in std::mem::take(&mut self.deferred.rows) {
            self.exec_text_row(&row)?;
        }
        Ok(())
    }

    /// Writes the full-text rows held back in the open transaction now, and has FTS5 write
    /// them to disk (it does when a savepoint opens): still one segment per index for the
    /// batch, but written by whoever calls this (the engine's store thread) rather than at
    /// the commit.
    pub fn flush_held_writes(&mut self) -> Result<()> {
        self.flush_text_rows()?;
        self.conn
            .execute_batch("SAVEPOINT storyweave_flush; RELEASE storyweave_flush;")
            .map_err(|e| self.sql_err(e))
    }

    /// Every stored article's id and language, in storage order.
    pub fn article_languages(&self) -> Result<Vec<(ArticleId, storyweave_model::Lang)>> {
        self.query_all("SELECT id, lang FROM articles ORDER BY rowid", [], |r| Ok((ArticleId(r.get(0)?), storyweave_model::Lang(r.get(1)?))))
    }

    /// True when an article with this id is stored.
    pub fn has_article(&self, id: &ArticleId) -> Result<bool> {
        let found = self.query_opt(
            "SELECT 1 FROM articles WHERE id = ?1",
            [id.as_str()],
            |_| Ok(()),
        )?;
        Ok(found.is_some())
    }

    /// One article by id.
    pub fn article(&self, id: &ArticleId) -> Result<Option<CleanArticle>> {
        self.query_opt(
            &format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?1"),
            [id.as_str()],
            article_from_row,
        )
    }

    /// All articles in insertion order.
    pub fn articles(&self) -> Result<Vec<CleanArticle>> {
        self.query_all(
            &format!("SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY rowid"),
            [],
            article_from_row,
        )
    }

    /// Number of stored articles.
    pub fn article_count(&self) -> Result<u64> {
        let n: i64 = self
            .query_opt("SELECT count(*) FROM articles", [], |r| r.get(0))?
            .unwrap_or(0);
        // count(*) is never negative.
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Stores an article's serialized features, tagged with the version of their format.
    ///
    /// An article keeps one set of features: storing another version replaces the old one, so
    /// vectors of a changed encoder never mix with old ones.
    pub fn put_features(&mut self, id: &ArticleId, version: &str, bytes: &[u8]) -> Result<()> {
        self.put_versioned(UPSERT_FEATURES, id, &version, bytes)
    }

    /// Writes one versioned blob per article (features, analyses) with `sql`, a constant
    /// upsert taking (article id, version, data); refuses an article that is not stored.
    fn put_versioned(&mut self, sql: &'static str, id: &ArticleId, version: &dyn rusqlite::ToSql, bytes: &[u8]) -> Result<()> {
        if !self.has_article(id)? {
            return Err(StoreError::UnknownArticle(id.clone()));
        }
        self.exec(sql, params![id.as_str(), version, bytes])?;
        Ok(())
    }

    /// Stores an article's serialized analysis under its format version.
    pub fn put_analysis(&mut self, id: &ArticleId, version: u32, bytes: &[u8]) -> Result<()> {
        self.put_versioned(UPSERT_ANALYSIS, id, &version, bytes)
    }

    /// An article's analysis if stored with this version.
    pub fn analysis(&self, id: &ArticleId, version: u32) -> Result<Option<Vec<u8>>> {
        self.query_opt(
            "SELECT data FROM analyses WHERE article_id = ?1 AND version = ?2",
            params![id.as_str(), version],
            |r| r.get(0),
        )
    }

    /// Keeps the comparison of a story for a reader's language (`""`: the default one).
    pub fn put_story_comparison(&mut self, story: StoryId, lang: &str, stamp: &str, json: &str) -> Result<()> {
        let id = story_id_to_sql(story)?;
        self.exec(
            "INSERT INTO story_comparisons (story_id, lang, stamp, data) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (story_id, lang) DO UPDATE SET stamp = excluded.stamp, data = excluded.data",
            params![id, lang, stamp, json],
        )?;
        Ok(())
    }

    /// A kept story comparison (JSON), if it was made from what `stamp` says.
    pub fn story_comparison(&self, story: StoryId, lang: &str, stamp: &str) -> Result<Option<String>> {
        let Ok(id) = story_id_to_sql(story) else { return Ok(None) };
        self.query_opt(
            "SELECT data FROM story_comparisons WHERE story_id = ?1 AND lang = ?2 AND stamp = ?3",
            params![id, lang, stamp],
            |r| r.get(0),
        )
    }

    /// An article's features if stored with this version.
    pub fn features(&self, id: &ArticleId, version: &str) -> Result<Option<Vec<u8>>> {
        self.query_opt(
            "SELECT data FROM features WHERE article_id = ?1 AND version = ?2",
            params![id.as_str(), version],
            |r| r.get(0),
        )
    }

    /// All features stored with this version, in article insertion order.
    pub fn all_features(&self, version: &str) -> Result<Vec<(ArticleId, Vec<u8>)>> {
        self.query_all(
            "SELECT f.article_id, f.data FROM features f JOIN articles a ON a.id = f.article_id
             WHERE f.version = ?1 ORDER BY a.rowid",
            [version],
            |r| Ok((ArticleId(r.get(0)?), r.get(1)?)),
        )
    }

    /// Stores encoder vectors (little-endian f32) under the encoder's id and text keys.
    pub fn put_vectors(&mut self, model: &str, vectors: &[(String, Vec<f32>)]) -> Result<()> {
        for (key, v) in vectors {
            let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
            self.exec(
                "INSERT OR REPLACE INTO vectors (model, key, data) VALUES (?1, ?2, ?3)",
                params![model, key, bytes],
            )?;
        }
        Ok(())
    }

    /// The stored vector of a text key under this encoder id, if any.
    pub fn vector(&self, model: &str, key: &str) -> Result<Option<Vec<f32>>> {
        let bytes: Option<Vec<u8>> = self.query_opt(
            "SELECT data FROM vectors WHERE model = ?1 AND key = ?2",
            params![model, key],
            |r| r.get(0),
        )?;
        Ok(bytes.map(|b| b.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()))
    }

    /// Every vector under this encoder id whose key starts with `prefix`, with its key.
    pub fn vectors_with_prefix(&self, model: &str, prefix: &str) -> Result<Vec<(String, Vec<f32>)>> {
        let rows: Vec<(String, Vec<u8>)> = self.query_all(
            "SELECT key, data FROM vectors WHERE model = ?1 AND key >= ?2 AND key < ?2 || char(1114111)",
            params![model, prefix],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(rows
            .into_iter()
            .map(|(k, b)| (k, b.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()))
            .collect())
    }

    /// Number of vectors stored under this encoder id.
    pub fn vector_count(&self, model: &str) -> Result<u64> {
        let n: i64 = self.query_opt("SELECT count(*) FROM vectors WHERE model = ?1", [model], |r| r.get(0))?.unwrap_or(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Replaces a story (metadata and member list) and sets each member's story.
    ///
    /// A member that belonged to another story leaves it: that story's article count is
    /// updated, its relations that involve the article are dropped, and a story left without
    /// members is deleted. Relations of this story between articles that are no longer members
    /// are dropped too, so a relation always joins two members of its story. Members need not
    /// be stored articles (the clusterer may run before articles are written).
    pub fn put_story(&mut self, story: &Story) -> Result<()> {
        let id = story_id_to_sql(story.id)?;
        let what = format!("story {}", story.id);
        let mut seen = HashSet::with_capacity(story.articles.len());
        if let Some(dup) = story.articles.iter().find(|a| !seen.insert(*a)) {
            return Err(StoreError::Invalid(format!(
                "{what}: lists article {dup} twice"
            )));
        }
        let first = time_to_sql(story.first_published.as_ref(), &what)?;
        let last = time_to_sql(story.last_published.as_ref(), &what)?;
        let languages = to_json(&story.languages, &what)?;
        let entities = to_json(&story.top_entities, &what)?;
        let count = i64::try_from(story.articles.len())
            .map_err(|_| StoreError::Invalid(format!("{what}: too many articles")))?;
        self.transaction(|s| {
            // Only what changed is written: a story that gains one article costs a few
            // statements, not two per member (most updates add one member to a small story).
            let current: HashMap<String, i64> = s.query_all(
                "SELECT article_id, position FROM story_members WHERE story_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?.into_iter().collect();
            // Stories that lose a member to this one.
            let mut losers = BTreeSet::new();
            for article in story.articles.iter().filter(|a| !current.contains_key(a.as_str())) {
                let old: Option<i64> = s.query_opt(
                    "SELECT story_id FROM story_members WHERE article_id = ?1",
                    [article.as_str()],
                    |r| r.get(0),
                )?;
                losers.extend(old.filter(|&o| o != id));
            }
            // An upsert, not INSERT OR REPLACE: replacing would delete the row and cascade to
            // the story's members and relations.
            s.exec(
                "INSERT INTO stories (id, headline, languages_json, first_published,
                                      last_published, top_entities_json, article_count, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (id) DO UPDATE SET
                     headline = excluded.headline, languages_json = excluded.languages_json,
                     first_published = excluded.first_published,
                     last_published = excluded.last_published,
                     top_entities_json = excluded.top_entities_json,
                     article_count = excluded.article_count, updated_at = excluded.updated_at",
                params![
                    id,
                    story.headline,
                    languages,
                    first,
                    last,
                    entities,
                    count,
                    now_sql()
                ],
            )?;
            let listed: HashSet<&str> = story.articles.iter().map(|a| a.as_str()).collect();
            let mut removed = false;
            for gone in current.keys().filter(|a| !listed.contains(a.as_str())) {
                s.exec("DELETE FROM story_members WHERE article_id = ?1 AND story_id = ?2", params![gone, id])?;
                removed = true;
            }
            for (position, article) in story.articles.iter().enumerate() {
                let position = i64::try_from(position).unwrap_or(i64::MAX);
                if current.get(article.as_str()) == Some(&position) {
                    continue;
                }
                s.exec(
                    "INSERT INTO story_members (article_id, story_id, position) VALUES (?1, ?2, ?3)
                     ON CONFLICT (article_id) DO UPDATE SET
                         story_id = excluded.story_id, position = excluded.position",
                    params![article.as_str(), id, position],
                )?;
            }
            // Members only added leave every relation of the story valid.
            if removed {
                s.drop_stale_relations(id)?;
            }
            for loser in losers {
                s.exec(
                    "UPDATE stories SET article_count =
                         (SELECT count(*) FROM story_members WHERE story_id = ?1)
                     WHERE id = ?1",
                    [loser],
                )?;
                s.exec(
                    "DELETE FROM stories WHERE id = ?1 AND article_count = 0",
                    [loser],
                )?;
                // A story merged away takes its kept comparisons with it.
                s.exec(
                    "DELETE FROM story_comparisons WHERE story_id = ?1
                       AND NOT EXISTS (SELECT 1 FROM stories WHERE id = ?1)",
                    [loser],
                )?;
                s.drop_stale_relations(loser)?;
            }
            Ok(())
        })
    }

    /// Deletes relations of a story whose articles are not both its members.
    fn drop_stale_relations(&self, story: i64) -> Result<usize> {
        self.exec(
            "DELETE FROM relations WHERE story_id = ?1 AND (
                 NOT EXISTS (SELECT 1 FROM story_members m
                             WHERE m.article_id = relations.a AND m.story_id = ?1)
              OR NOT EXISTS (SELECT 1 FROM story_members m
                             WHERE m.article_id = relations.b AND m.story_id = ?1))",
            [story],
        )
    }

    /// All stories, largest first, then by id.
    pub fn stories(&self) -> Result<Vec<Story>> {
        let mut members: HashMap<StoryId, Vec<ArticleId>> = HashMap::new();
        let rows = self.query_all(
            "SELECT story_id, article_id FROM story_members ORDER BY story_id, position",
            [],
            |r| Ok((story_id_col(r, 0)?, ArticleId(r.get(1)?))),
        )?;
        for (story, article) in rows {
            members.entry(story).or_default().push(article);
        }
        self.query_all(
            &format!("SELECT {STORY_COLUMNS} FROM stories ORDER BY article_count DESC, id"),
            [],
            |r| story_from_row(r, &mut members),
        )
    }

    /// One story.
    pub fn story(&self, id: StoryId) -> Result<Option<Story>> {
        let Ok(key) = story_id_to_sql(id) else {
            return Ok(None);
        };
        let articles = self.query_all(
            "SELECT article_id FROM story_members WHERE story_id = ?1 ORDER BY position",
            [key],
            |r| Ok(ArticleId(r.get(0)?)),
        )?;
        let mut members = HashMap::from([(id, articles)]);
        self.query_opt(
            &format!("SELECT {STORY_COLUMNS} FROM stories WHERE id = ?1"),
            [key],
            |r| story_from_row(r, &mut members),
        )
    }

    /// The stored articles of a story, in member order (members not stored are skipped).
    pub fn articles_of_story(&self, id: StoryId) -> Result<Vec<CleanArticle>> {
        let Ok(key) = story_id_to_sql(id) else {
            return Ok(Vec::new());
        };
        let columns = ARTICLE_COLUMNS
            .split(", ")
            .map(|c| format!("a.{c}"))
            .collect::<Vec<_>>();
        self.query_all(
            &format!(
                "SELECT {} FROM story_members m JOIN articles a ON a.id = m.article_id
                 WHERE m.story_id = ?1 ORDER BY m.position",
                columns.join(", ")
            ),
            [key],
            article_from_row,
        )
    }

    /// The story of an article, if assigned.
    pub fn story_of(&self, id: &ArticleId) -> Result<Option<StoryId>> {
        self.query_opt(
            "SELECT story_id FROM story_members WHERE article_id = ?1",
            [id.as_str()],
            |r| story_id_col(r, 0),
        )
    }

    /// Every story member as (article, story), ordered by story then member position.
    pub fn story_assignments(&self) -> Result<Vec<(ArticleId, StoryId)>> {
        self.query_all(
            "SELECT article_id, story_id FROM story_members ORDER BY story_id, position",
            [],
            |r| Ok((ArticleId(r.get(0)?), story_id_col(r, 1)?)),
        )
    }

    /// Replaces all relations of a story.
    ///
    /// The story must be stored and both articles of each relation must be its members
    /// ([`StoreError::UnknownStory`], [`StoreError::Invalid`] otherwise; nothing changes then).
    /// A pair is stored once: a pair related in another story moves to this one.
    pub fn put_relations(&mut self, story: StoryId, relations: &[Relation]) -> Result<()> {
        self.write_relations(story, relations, true)
    }

    /// Adds relations to a story, replacing any stored relation of the same pair and keeping
    /// the others: an incremental ingest only writes the pairs of its new articles.
    pub fn add_relations(&mut self, story: StoryId, relations: &[Relation]) -> Result<()> {
        self.write_relations(story, relations, false)
    }

    fn write_relations(&mut self, story: StoryId, relations: &[Relation], replace_all: bool) -> Result<()> {
        let id = story_id_to_sql(story)?;
        relations.iter().try_for_each(check_relation)?;
        let mut evidence = Vec::with_capacity(relations.len());
        for r in relations {
            evidence.push(to_json(&r.evidence, &format!("relation {}–{}", r.a, r.b))?);
        }
        self.transaction(|s| {
            if s.query_opt("SELECT 1 FROM stories WHERE id = ?1", [id], |_| Ok(()))?
                .is_none()
            {
                return Err(StoreError::UnknownStory(story));
            }
            if replace_all {
                s.exec("DELETE FROM relations WHERE story_id = ?1", [id])?;
            }
            for (r, evidence) in relations.iter().zip(&evidence) {
                for end in [&r.a, &r.b] {
                    if s.story_of(end)? != Some(story) {
                        return Err(StoreError::Invalid(format!(
                            "relation {}–{}: article {end} is not a member of story {story}",
                            r.a, r.b
                        )));
                    }
                }
                s.exec(
                    "INSERT INTO relations (story_id, a, b, kind, similarity, evidence_json)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (a, b) DO UPDATE SET
                         story_id = excluded.story_id, kind = excluded.kind,
                         similarity = excluded.similarity, evidence_json = excluded.evidence_json",
                    params![
                        id,
                        r.a.as_str(),
                        r.b.as_str(),
                        r.kind.as_str(),
                        f64::from(r.similarity),
                        evidence
                    ],
                )?;
            }
            Ok(())
        })
    }

    /// Relations of a story, sorted by (a, b).
    pub fn relations(&self, story: StoryId) -> Result<Vec<Relation>> {
        let Ok(key) = story_id_to_sql(story) else {
            return Ok(Vec::new());
        };
        // SQLite's default BINARY collation compares UTF-8 bytes, the same order as `String`.
        self.query_all(
            "SELECT a, b, kind, similarity, evidence_json FROM relations
             WHERE story_id = ?1 ORDER BY a, b",
            [key],
            relation_from_row,
        )
    }

    /// Deletes all stories and relations (articles and features stay), for `recluster`.
    ///
    /// Story ids start again at 1 afterwards, so reclustering the same articles gives the
    /// same ids.
    pub fn clear_stories(&mut self) -> Result<()> {
        self.transaction(|s| s.delete_all_stories())
    }

    /// Deletes every story with its members, relations and kept comparisons, and restarts
    /// story ids (inside the caller's transaction).
    fn delete_all_stories(&self) -> Result<()> {
        self.exec("DELETE FROM relations", [])?;
        self.exec("DELETE FROM story_members", [])?;
        self.exec("DELETE FROM stories", [])?;
        self.exec("DELETE FROM story_comparisons", [])?;
        self.exec("DELETE FROM meta WHERE key = ?1", [NEXT_STORY_ID_KEY])?;
        Ok(())
    }

    /// A fresh story id: larger than every id handed out or stored since the last
    /// [`Store::clear_stories`], persisted so that it survives reopening.
    pub fn next_story_id(&mut self) -> Result<StoryId> {
        self.transaction(|s| {
            let counter = match s.meta(NEXT_STORY_ID_KEY)? {
                None => 1,
                Some(text) => text.parse::<i64>().map_err(|e| StoreError::Corrupt {
                    path: s.display_path().to_path_buf(),
                    detail: format!("meta {NEXT_STORY_ID_KEY} = {text:?}: {e}"),
                })?,
            };
            let above_stored: i64 = s
                .query_opt("SELECT coalesce(max(id), 0) + 1 FROM stories", [], |r| {
                    r.get(0)
                })?
                .unwrap_or(1);
            let next = counter.max(above_stored).max(1);
            let after = next.checked_add(1).ok_or_else(|| {
                StoreError::Invalid("another story id: every SQLite integer is used".into())
            })?;
            s.set_meta(NEXT_STORY_ID_KEY, &after.to_string())?;
            // `next` is at least 1, so it fits u64.
            Ok(StoryId(u64::try_from(next).unwrap_or(1)))
        })
    }

    /// Reads a metadata value.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.query_opt("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
    }

    /// Writes a metadata value.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.exec(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Runs `f` in one transaction: all its writes land together or not at all.
    ///
    /// Calls nest: inside another transaction this opens a SAVEPOINT, so an inner failure
    /// undoes only the inner writes. The store's own multi-statement writes go through here
    /// too, which is why a failing `put_story` inside a bulk load rolls back only itself.
    /// If `f` panics the transaction stays open until the `Store` is dropped, which rolls it
    /// back.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&mut SqliteStore) -> Result<T>) -> Result<T> {
        self.transaction_with(f)
    }

    /// [`SqliteStore::transaction`] for closures with their own error type.
    pub fn transaction_with<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut SqliteStore) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        // SQLite itself knows whether a transaction is open, so no counter can drift from it.
        let (begin, commit, undo) = if self.conn.is_autocommit() {
            // IMMEDIATE takes the write lock up front: a deferred transaction that reads and
            // then writes can fail with SQLITE_BUSY at once under WAL instead of waiting.
            ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
        } else {
            (
                "SAVEPOINT storyweave",
                "RELEASE storyweave",
                "ROLLBACK TO storyweave; RELEASE storyweave",
            )
        };
        if begin == "BEGIN IMMEDIATE" {
            self.begin_immediate()?;
        } else {
            self.conn.execute_batch(begin).map_err(|e| self.sql_err(e))?;
        }
        let outermost = begin == "BEGIN IMMEDIATE";
        // Rows held back inside a savepoint that is rolled back must go with it.
        let held = self.deferred.rows.len();
        self.deferred.depth += 1;
        let result = f(self);
        self.deferred.depth -= 1;
        let result = result.and_then(|v| {
            if outermost {
                self.flush_text_rows()?;
            }
            self.conn
                .execute_batch(commit)
                .map_err(|e| E::from(self.sql_err(e)))?;
            Ok(v)
        });
        if result.is_err() {
            self.deferred.rows.truncate(held);
            if !self.conn.is_autocommit() {
                // The undo can only fail when SQLite has already rolled back by itself (disk
                // full, I/O error); the original error is the one worth reporting.
                let _ = self.conn.execute_batch(undo);
            }
        }
        result
    }
}

impl SqliteStore {
    /// Takes the write lock (`BEGIN IMMEDIATE`), waiting for another process's write to end:
    /// at most `write_wait.max`, telling `write_wait.on_wait` once that it waits.
    fn begin_immediate(&mut self) -> Result<()> {
        // SQLite's busy handler waits silently; a short one here lets this loop say that it
        // waits, and for how long it may, instead of freezing without a word.
        let short = WRITE_RETRY.min(self.write_wait.max);
        self.conn.busy_timeout(short).map_err(|e| self.sql_err(e))?;
        let start = std::time::Instant::now();
        let mut told = false;
        let outcome = loop {
            match self.conn.execute_batch("BEGIN IMMEDIATE") {
                Ok(()) => break Ok(()),
                Err(e) => match self.sql_err(e) {
                    StoreError::Locked { .. } if start.elapsed() < self.write_wait.max => {
                        if !told {
                            told = true;
                            if let Some(cb) = &self.write_wait.on_wait {
                                cb(self.display_path());
                            }
                        }
                    }
                    other => break Err(other),
                },
            }
        };
        self.conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| self.sql_err(e))?;
        outcome
    }

    /// Where the store's writes stand (see [`WriteMarker`]).
    pub fn marker(&self) -> Result<WriteMarker> {
        let num = |key: &str| -> Result<u64> {
            Ok(self.meta(key)?.and_then(|v| v.parse().ok()).unwrap_or(0))
        };
        let max_rowid: i64 = self.query_opt("SELECT coalesce(max(rowid), 0) FROM articles", [], |r| r.get(0))?.unwrap_or(0);
        Ok(WriteMarker { seq: num(SEQ_KEY)?, epoch: num(EPOCH_KEY)?, max_rowid })
    }

    /// Counts one more committed write batch (and a rebuild when `rebuild`); call it inside
    /// the batch's transaction so that the marker moves with the data.
    pub fn bump_marker(&mut self, rebuild: bool) -> Result<WriteMarker> {
        let m = self.marker()?;
        self.set_meta(SEQ_KEY, &(m.seq + 1).to_string())?;
        if rebuild {
            self.set_meta(EPOCH_KEY, &(m.epoch + 1).to_string())?;
        }
        self.marker()
    }

    /// The row number of an article (its place in storage order).
    pub fn article_rowid(&self, id: &ArticleId) -> Result<Option<i64>> {
        self.query_opt("SELECT rowid FROM articles WHERE id = ?1", [id.as_str()], |r| r.get(0))
    }

    /// Features (of this version) of the articles stored after row `after`, in storage order,
    /// with their row numbers and stories: what a long-lived engine replays to catch up with
    /// another process's writes. Articles without such features come with `None`.
    pub fn features_after(&self, after: i64, version: &str) -> Result<Vec<StoredFeatures>> {
        self.query_all(
            "SELECT a.rowid, a.id, f.data, m.story_id FROM articles a
             LEFT JOIN features f ON f.article_id = a.id AND f.version = ?2
             LEFT JOIN story_members m ON m.article_id = a.id
             WHERE a.rowid > ?1 ORDER BY a.rowid",
            params![after, version],
            |r| {
                let story: Option<i64> = r.get(3)?;
                Ok(StoredFeatures {
                    rowid: r.get(0)?,
                    id: ArticleId(r.get(1)?),
                    features: r.get(2)?,
                    story: story.and_then(|s| u64::try_from(s).ok()).map(StoryId),
                })
            },
        )
    }

    /// Stored articles by id, in the order asked (ids not stored are left out).
    pub fn articles_by_id(&self, ids: &[ArticleId]) -> Result<Vec<CleanArticle>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(a) = self.article(id)? {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// Replaces every story and relation at once (a rebuild): inside one transaction, so an
    /// interrupted rebuild leaves the old stories, never none. Story ids restart at 1 unless
    /// the given stories say otherwise.
    pub fn replace_all_stories(&mut self, stories: &[(Story, Vec<Relation>)]) -> Result<()> {
        self.transaction(|s| {
            s.delete_all_stories()?;
            for (story, relations) in stories {
                s.put_story(story)?;
                s.add_relations(story.id, relations)?;
            }
            Ok(())
        })
    }

    /// Checks that an article can be stored faithfully, without storing it: a record whose
    /// values cannot be written (a time outside 0000–9999) is then skipped alone, before it
    /// could fail a whole batch.
    pub fn check_article(article: &CleanArticle) -> Result<()> {
        let what = format!("article {}", article.id);
        time_to_sql(article.published.as_ref(), &what)?;
        to_json(&article.origin, &what)?;
        if article.id.as_str().is_empty() {
            return Err(StoreError::Invalid("an article with an empty id".into()));
        }
        if article.id.as_str().len() > MAX_ID_BYTES {
            return Err(StoreError::Invalid(format!(
                "article id of {} bytes (at most {MAX_ID_BYTES})",
                article.id.as_str().len()
            )));
        }
        Ok(())
    }
}

/// Longest article id accepted: ids are keys in several tables and in every relation, and an
/// id of megabytes is a broken record, not an identifier.
pub const MAX_ID_BYTES: usize = 1024;

/// An article's stored features as replayed by a long-lived engine.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFeatures {
    /// Storage order.
    pub rowid: i64,
    /// The article.
    pub id: ArticleId,
    /// Serialized features of the asked version, if stored.
    pub features: Option<Vec<u8>>,
    /// Its story, if assigned.
    pub story: Option<StoryId>,
}

/// A `file:` URI for SQLite (percent-encoding what URIs reserve), so that query parameters
/// such as `immutable=1` can be added.
fn file_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::from("file:");
    for b in abs.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Columns read by [`story_from_row`], in its order.
const STORY_COLUMNS: &str =
    "id, headline, languages_json, first_published, last_published, top_entities_json";

/// Reads a story row, taking its member list out of `members`.
fn story_from_row(
    r: &rusqlite::Row<'_>,
    members: &mut HashMap<StoryId, Vec<ArticleId>>,
) -> rusqlite::Result<Story> {
    let id = story_id_col(r, 0)?;
    Ok(Story {
        id,
        headline: r.get(1)?,
        articles: members.remove(&id).unwrap_or_default(),
        languages: json_col(r, 2)?,
        first_published: time_col(r, 3)?,
        last_published: time_col(r, 4)?,
        top_entities: json_col(r, 5)?,
    })
}

/// Where the store lives when no path is given: `$STORYWEAVE_DB`, else
/// `$XDG_DATA_HOME/storyweave/storyweave.db`, else `~/.local/share/storyweave/storyweave.db`,
/// else `./storyweave.db`.
///
/// A per-user data folder, as other command-line tools use, so that `ingest` and `stories`
/// run from any folder see the same articles.
pub fn default_path() -> PathBuf {
    default_path_from(|name| std::env::var_os(name))
}

/// [`default_path`] with the environment passed in, so tests need not change the process's.
///
/// Written by hand rather than with the `dirs` crate: `dirs` picks platform folders (macOS
/// `~/Library/…`) where storyweave promises the same XDG layout everywhere.
fn default_path_from(env: impl Fn(&str) -> Option<OsString>) -> PathBuf {
    const FILE: &str = "storyweave.db";
    // Empty values count as unset, as the XDG specification says.
    let var = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(db) = var("STORYWEAVE_DB") {
        return db;
    }
    // The XDG specification says to ignore a relative XDG_DATA_HOME.
    if let Some(data) = var("XDG_DATA_HOME").filter(|p| p.is_absolute()) {
        return data.join("storyweave").join(FILE);
    }
    if let Some(home) = var("HOME") {
        return home
            .join(".local")
            .join("share")
            .join("storyweave")
            .join(FILE);
    }
    PathBuf::from(FILE)
}

#[cfg(test)]
mod tests;
