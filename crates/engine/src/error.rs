//! The engine's error type, with a kind that callers map to statuses and exit codes.

use storyweave_store::StoreError;

/// Errors of the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A configuration file could not be read or parsed.
    #[error("configuration {path}: {reason}")]
    Config {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The neural encoder could not be loaded or run.
    #[error(transparent)]
    Model(#[from] storyweave_encode::EncodeError),
    /// The bilingual lexicon could not be read.
    #[error("lexicon {0}")]
    Lexicon(#[from] storyweave_text::LexiconError),
    /// Stored features could not be read back.
    #[error("stored features of article {id} are unreadable: {reason}")]
    Features {
        /// The article.
        id: String,
        /// Decoder message.
        reason: String,
    },
    /// A request the engine cannot act on (a malformed id, filter or query).
    #[error("{0}")]
    BadInput(String),
    /// What was asked for does not exist.
    #[error("{what} {id} is not in the store")]
    NotFound {
        /// Kind of thing: "story", "article".
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The request conflicts with the store's state.
    #[error("{0}")]
    Conflict(String),
}

/// What kind of failure an [`EngineError`] is: the server maps it to an HTTP status and the
/// CLI to an exit code, without reading messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller sent something unusable (400).
    BadInput,
    /// What was asked for does not exist (404).
    NotFound,
    /// The request conflicts with the current state (409).
    Conflict,
    /// The store is busy or can only be read right now (503).
    Unavailable,
    /// A fault of the machine or of storyweave (500).
    Internal,
}

impl EngineError {
    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        use storyweave_store::ErrorKind as S;
        match self {
            EngineError::BadInput(_) | EngineError::Config { .. } | EngineError::Lexicon(_) => ErrorKind::BadInput,
            EngineError::NotFound { .. } => ErrorKind::NotFound,
            EngineError::Conflict(_) => ErrorKind::Conflict,
            EngineError::Store(e) => match e.kind() {
                S::NotFound => ErrorKind::NotFound,
                S::BadInput => ErrorKind::BadInput,
                S::Busy | S::ReadOnly => ErrorKind::Unavailable,
                S::Unusable | S::Internal => ErrorKind::Internal,
            },
            EngineError::Model(_) | EngineError::Features { .. } => ErrorKind::Internal,
        }
    }
}

/// Result type of the engine.
pub type Result<T> = std::result::Result<T, EngineError>;
