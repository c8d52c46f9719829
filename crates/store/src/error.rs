//! The store's error type and the mapping from SQLite's errors into it.

use std::path::{Path, PathBuf};
use storyweave_model::{ArticleId, StoryId};

/// Errors of the store.
///
/// Errors about the database file name its path (`:memory:` for an in-memory store), so that a
/// message printed by the CLI says which file is at fault.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed for a reason not covered by a more specific variant (the text names the path).
    #[error("database error: {0}")]
    Sqlite(String),
    /// The file was written by a newer storyweave.
    #[error("store schema version {found} is newer than this storyweave supports ({supported})")]
    TooNew {
        /// Version found in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// The folder for the database file could not be created or inspected.
    #[error("cannot prepare store location {}: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The database file could not be opened (a folder, missing permissions, …).
    #[error("cannot open store {}: {reason}", path.display())]
    Open {
        /// The database path.
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
    /// The file is not a storyweave database or is damaged.
    #[error("store {} is not a valid storyweave database or is damaged: {detail}", path.display())]
    Corrupt {
        /// The database path.
        path: PathBuf,
        /// What was wrong.
        detail: String,
    },
    /// The database can only be read (file or folder permissions, read-only medium).
    #[error("store {} is read-only: {detail}", path.display())]
    ReadOnly {
        /// The database path.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// Another process held the database lock for longer than the busy timeout.
    #[error("store {} is locked by another process; try again when it has finished", path.display())]
    Locked {
        /// The database path.
        path: PathBuf,
    },
    /// Features were given for an article that is not stored.
    #[error("article {0} is not in the store")]
    UnknownArticle(ArticleId),
    /// Relations were given for a story that is not stored.
    #[error("story {0} is not in the store")]
    UnknownStory(StoryId),
    /// A value cannot be stored faithfully (nothing was written).
    #[error("cannot store {0}")]
    Invalid(String),
}

/// Result type of the store.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Classifies a rusqlite error, naming `path` where the file is at fault.
pub(crate) fn from_sqlite(path: &Path, err: rusqlite::Error) -> StoreError {
    use rusqlite::ffi::ErrorCode as C;
    let path_buf = path.to_path_buf();
    match &err {
        rusqlite::Error::SqliteFailure(e, _) => match e.code {
            C::DatabaseCorrupt | C::NotADatabase => StoreError::Corrupt {
                path: path_buf,
                detail: err.to_string(),
            },
            C::ReadOnly => StoreError::ReadOnly {
                path: path_buf,
                detail: err.to_string(),
            },
            C::DatabaseBusy | C::DatabaseLocked => StoreError::Locked { path: path_buf },
            C::CannotOpen | C::PermissionDenied => StoreError::Open {
                path: path_buf,
                reason: err.to_string(),
            },
            _ => StoreError::Sqlite(format!("{}: {err}", path.display())),
        },
        // A stored value that does not decode means the file was edited or damaged: the
        // schema's column types rule these out for anything this crate wrote.
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..)
        | rusqlite::Error::Utf8Error(..) => StoreError::Corrupt {
            path: path_buf,
            detail: err.to_string(),
        },
        _ => StoreError::Sqlite(format!("{}: {err}", path.display())),
    }
}
