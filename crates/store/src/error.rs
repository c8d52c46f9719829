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
    #[error("cannot prepare store location {}: {reason}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// What went wrong, in words that say what to do.
        reason: String,
    },
    /// There is no store at this path (read commands never create one).
    #[error("no store at {}: ingest articles first (`storyweave ingest …`), or give the store with --db FILE", path.display())]
    Missing {
        /// The path asked for.
        path: PathBuf,
    },
    /// The store was written by an older storyweave and must be upgraded by a write command.
    #[error("store {} has schema version {found}, this storyweave uses {current}: run a write command once (e.g. `storyweave ingest` or `storyweave recluster`) to upgrade it", path.display())]
    NeedsUpgrade {
        /// The database path.
        path: PathBuf,
        /// Version found in the file.
        found: i64,
        /// Version this build uses.
        current: i64,
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
    #[error("store {} is read-only ({detail}): read commands (stories, story, export, search) work; to write, use a writable copy or fix the permissions", path.display())]
    ReadOnly {
        /// The database path.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// Another process held the database lock for longer than the busy timeout.
    #[error("store {} is locked by another process; try again when it has finished (or give it more time with STORYWEAVE_WRITE_WAIT=SECONDS)", path.display())]
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

/// An operating-system error in words that say what to do: "File exists" from creating a
/// folder means a file is in the way.
pub(crate) fn io_reason(e: &std::io::Error, path: &Path) -> String {
    if e.kind() == std::io::ErrorKind::AlreadyExists || e.raw_os_error() == Some(20) {
        let blocker = path.ancestors().find(|p| p.is_file());
        if let Some(b) = blocker {
            return format!("{} is a file, not a folder; give a --db path whose folders are folders", b.display());
        }
    }
    e.to_string()
}

impl StoreError {
    /// The kind of failure, for callers that map errors to statuses or exit codes.
    pub fn kind(&self) -> ErrorKind {
        match self {
            StoreError::Missing { .. } | StoreError::UnknownArticle(_) | StoreError::UnknownStory(_) => ErrorKind::NotFound,
            StoreError::Invalid(_) => ErrorKind::BadInput,
            StoreError::Locked { .. } => ErrorKind::Busy,
            StoreError::ReadOnly { .. } => ErrorKind::ReadOnly,
            StoreError::TooNew { .. }
            | StoreError::NeedsUpgrade { .. }
            | StoreError::Corrupt { .. }
            | StoreError::Open { .. }
            | StoreError::Io { .. } => ErrorKind::Unusable,
            StoreError::Sqlite(_) => ErrorKind::Internal,
        }
    }
}

/// What kind of failure a [`StoreError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// What was asked for is not there.
    NotFound,
    /// A value that cannot be stored.
    BadInput,
    /// Another process holds the lock.
    Busy,
    /// The store can only be read.
    ReadOnly,
    /// The file cannot be used as a store (missing folder, damaged, other version).
    Unusable,
    /// Anything else.
    Internal,
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
