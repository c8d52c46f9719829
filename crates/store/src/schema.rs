//! The versioned schema: an ordered list of migration steps, applied together in one transaction.
//!
//! The version lives in SQLite's `PRAGMA user_version` (0 for a new, empty file). Step `i` takes
//! the schema from version `i` to `i + 1`; a released step is never edited, only new steps are
//! appended, so every older file can be brought up to date.

use rusqlite::Connection;

/// Migration steps in order; `MIGRATIONS[i]` upgrades version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

// STRICT tables make SQLite reject a value of the wrong type instead of storing it, so a bug
// cannot write something that fails to read back later.
const V1: &str = "
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    url TEXT,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    lang TEXT NOT NULL,
    published TEXT,
    byline TEXT,
    source TEXT,
    origin_json TEXT NOT NULL,
    added_at TEXT NOT NULL
) STRICT;

CREATE TABLE features (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    data BLOB NOT NULL
) STRICT;

CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    headline TEXT NOT NULL,
    languages_json TEXT NOT NULL,
    first_published TEXT,
    last_published TEXT,
    top_entities_json TEXT NOT NULL,
    article_count INTEGER NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX stories_by_size ON stories(article_count DESC, id);

CREATE TABLE story_members (
    article_id TEXT PRIMARY KEY,
    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    position INTEGER NOT NULL
) STRICT;
CREATE INDEX story_members_by_story ON story_members(story_id, position);

CREATE TABLE relations (
    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    kind TEXT NOT NULL,
    similarity REAL NOT NULL,
    evidence_json TEXT NOT NULL,
    PRIMARY KEY (a, b)
) STRICT;
CREATE INDEX relations_by_story ON relations(story_id, a, b);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
";

// Encoder vectors, keyed by the encoder's versioned id and a hash of the text they were made
// from: vectors of another model (or another way of making them) never mix, and the same
// text is never encoded twice by the same model, whichever command or article id brings it.
const V2: &str = "
CREATE TABLE vectors (
    model TEXT NOT NULL,
    key TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (model, key)
) STRICT, WITHOUT ROWID;
";

// Search. `article_text` indexes titles and texts for keyword search in each article's own
// language (SQLite's FTS5, kept in step with `articles` by triggers; diacritics folded so that
// "Muenchen"-less queries such as "Munchen" still meet "München"). `article_keys` indexes each
// article's cross-lingual evidence (hashed entity keys, numbers and dates, stemmed terms and
// script-neutral word prefixes, written by the engine from the stored features) so that a
// query in one language finds reports in others; contentless and without positions (columns kept for per-channel weights), since
// only which article has which key matters. Stories are listed by last update and articles
// filtered by time, hence the two indexes.
const V3: &str = "
CREATE VIRTUAL TABLE article_text USING fts5(
    title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO article_text(article_text) VALUES ('rebuild');
CREATE TRIGGER articles_text_ai AFTER INSERT ON articles BEGIN
    INSERT INTO article_text(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_text_ad AFTER DELETE ON articles BEGIN
    INSERT INTO article_text(article_text, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE VIRTUAL TABLE article_keys USING fts5(
    ents, nums, terms, xterms, content='', tokenize='ascii', detail='column'
);
CREATE INDEX stories_by_update ON stories(updated_at DESC, id DESC);
CREATE INDEX articles_by_published ON articles(published);
";

// How many articles carry each search key: a query's keys are weighed by how rare they are.
const V4: &str = "
CREATE VIRTUAL TABLE article_keys_vocab USING fts5vocab(article_keys, 'row');
";

// Each article's analysis (sentences with their names, numbers, dates and quotes), made once
// at ingest and read by relations, alignment and the story views; `version` is the analysis
// format's, so that an older one is made again instead of misread.
const V5: &str = "
CREATE TABLE analyses (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    data BLOB NOT NULL
) STRICT;
";

// The comparison inside a story (headline and summary per reader's language, provenance, what
// each source adds), kept once made: `stamp` is a hash of what it was made from (the story's
// members, the language, the encoder and the relation parameters), so a story that changed
// is compared again rather than shown stale; `data` is its JSON.
const V6: &str = "
CREATE TABLE story_comparisons (
    story_id INTEGER NOT NULL,
    lang TEXT NOT NULL,
    stamp TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (story_id, lang)
) STRICT, WITHOUT ROWID;
";

// The store writes `article_text` rows itself, at the end of each write transaction (see
// `DeferredText` in lib.rs): the insert trigger wrote them statement by statement, and FTS5
// then wrote one index segment per article.
const V7: &str = "
DROP TRIGGER articles_text_ai;
";

/// What [`migrate`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The file is at `steps.len()` (now or after migrating from the given version).
    UpToDate {
        /// The version before migrating.
        from: i64,
    },
    /// The file's version is newer than `steps.len()`; nothing was changed.
    TooNew(i64),
    /// The file is a SQLite database but not one of ours (a negative version, or tables
    /// at version 0); nothing was changed.
    Foreign(String),
}

/// Reads the schema version of an open database.
pub(crate) fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Tells whether a file below the current version was not written by storyweave: migrating
/// it would mix our tables into someone else's database.
fn foreign(conn: &Connection, found: i64) -> rusqlite::Result<Option<Outcome>> {
    if found < 0 {
        return Ok(Some(Outcome::Foreign(format!(
            "schema version {found} is negative"
        ))));
    }
    if found == 0 {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if tables > 0 {
            return Ok(Some(Outcome::Foreign(format!(
                "it has {tables} schema objects but no storyweave schema version"
            ))));
        }
    }
    Ok(None)
}

/// Brings the database up to `steps.len()`, all pending steps in one transaction.
pub(crate) fn migrate(conn: &mut Connection, steps: &[&str]) -> rusqlite::Result<Outcome> {
    let target = steps.len() as i64;
    let found = version(conn)?;
    if found >= target {
        return Ok(if found > target {
            Outcome::TooNew(found)
        } else {
            Outcome::UpToDate { from: found }
        });
    }
    if let Some(foreign) = foreign(conn, found)? {
        return Ok(foreign);
    }
    // IMMEDIATE takes the write lock first, so two processes opening a new file at once do not
    // both run the steps; the version is read again under the lock for the same reason.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let found = version(&tx)?;
    if found >= target {
        return Ok(if found > target {
            Outcome::TooNew(found)
        } else {
            Outcome::UpToDate { from: found }
        });
    }
    if let Some(foreign) = foreign(&tx, found)? {
        return Ok(foreign);
    }
    // `foreign` has ruled out negative versions.
    let start = usize::try_from(found).unwrap_or(0);
    for step in steps.iter().skip(start) {
        tx.execute_batch(step)?;
    }
    // user_version lives in the file header, which SQLite writes inside the transaction.
    tx.pragma_update(None, "user_version", target)?;
    tx.commit()?;
    Ok(Outcome::UpToDate { from: found })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_is_migrated_to_the_current_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(
            migrate(&mut conn, MIGRATIONS).unwrap(),
            Outcome::UpToDate { from: 0 }
        );
        assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION);
        // A second run has nothing to do.
        assert_eq!(
            migrate(&mut conn, MIGRATIONS).unwrap(),
            Outcome::UpToDate {
                from: SCHEMA_VERSION
            }
        );
    }

    #[test]
    fn only_pending_steps_run() {
        let mut conn = Connection::open_in_memory().unwrap();
        let steps = [
            "CREATE TABLE one (x INTEGER)",
            "CREATE TABLE two (x INTEGER)",
        ];
        migrate(&mut conn, &steps[..1]).unwrap();
        // Step one would fail if it ran again (the table exists), so success shows it was skipped.
        assert_eq!(
            migrate(&mut conn, &steps).unwrap(),
            Outcome::UpToDate { from: 1 }
        );
        assert_eq!(version(&conn).unwrap(), 2);
    }

    #[test]
    fn a_failing_step_rolls_back_every_step() {
        let mut conn = Connection::open_in_memory().unwrap();
        let steps = ["CREATE TABLE one (x INTEGER)", "THIS IS NOT SQL"];
        assert!(migrate(&mut conn, &steps).is_err());
        assert_eq!(version(&conn).unwrap(), 0);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'one'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0);
    }

    #[test]
    fn someone_elses_database_is_not_migrated() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE theirs (x INTEGER)")
            .unwrap();
        assert!(matches!(
            migrate(&mut conn, MIGRATIONS).unwrap(),
            Outcome::Foreign(_)
        ));
        assert_eq!(version(&conn).unwrap(), 0);
        conn.pragma_update(None, "user_version", -3).unwrap();
        assert!(matches!(
            migrate(&mut conn, MIGRATIONS).unwrap(),
            Outcome::Foreign(_)
        ));
    }

    #[test]
    fn newer_file_is_reported_and_left_alone() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 5)
            .unwrap();
        assert_eq!(
            migrate(&mut conn, MIGRATIONS).unwrap(),
            Outcome::TooNew(SCHEMA_VERSION + 5)
        );
        assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION + 5);
    }
}
