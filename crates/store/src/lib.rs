//! Embedded SQLite store: versioned schema, articles, features, stories and relations.
//!
//! CONTRACT (used by engine/cli): keep these signatures; add freely.
#![warn(missing_docs)]

use std::path::Path;
use storyweave_model::{ArticleId, CleanArticle, Relation, Story, StoryId};

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
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
}

/// Result type of the store.
pub type Result<T> = std::result::Result<T, StoreError>;

/// The store.
pub struct Store {
    _private: (),
}

#[allow(unused_variables)]
impl Store {
    /// Opens (creating and migrating as needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Store> { todo!() }
    /// Opens a private in-memory store (tests, `cluster`).
    pub fn open_in_memory() -> Result<Store> { todo!() }
    /// Inserts an article; returns false when its id is already stored (nothing changes).
    pub fn insert_article(&mut self, article: &CleanArticle) -> Result<bool> { todo!() }
    /// True when an article with this id is stored.
    pub fn has_article(&self, id: &ArticleId) -> Result<bool> { todo!() }
    /// One article by id.
    pub fn article(&self, id: &ArticleId) -> Result<Option<CleanArticle>> { todo!() }
    /// All articles in insertion order.
    pub fn articles(&self) -> Result<Vec<CleanArticle>> { todo!() }
    /// Number of stored articles.
    pub fn article_count(&self) -> Result<u64> { todo!() }
    /// Stores an article's serialized features, tagged with the version of their format.
    pub fn put_features(&mut self, id: &ArticleId, version: &str, bytes: &[u8]) -> Result<()> { todo!() }
    /// An article's features if stored with this version.
    pub fn features(&self, id: &ArticleId, version: &str) -> Result<Option<Vec<u8>>> { todo!() }
    /// Replaces a story (metadata and member list) and sets each member's story.
    pub fn put_story(&mut self, story: &Story) -> Result<()> { todo!() }
    /// All stories, largest first.
    pub fn stories(&self) -> Result<Vec<Story>> { todo!() }
    /// One story.
    pub fn story(&self, id: StoryId) -> Result<Option<Story>> { todo!() }
    /// The story of an article, if assigned.
    pub fn story_of(&self, id: &ArticleId) -> Result<Option<StoryId>> { todo!() }
    /// Replaces all relations of a story.
    pub fn put_relations(&mut self, story: StoryId, relations: &[Relation]) -> Result<()> { todo!() }
    /// Relations of a story.
    pub fn relations(&self, story: StoryId) -> Result<Vec<Relation>> { todo!() }
    /// Deletes all stories and relations (articles and features stay), for `recluster`.
    pub fn clear_stories(&mut self) -> Result<()> { todo!() }
    /// Reads a metadata value.
    pub fn meta(&self, key: &str) -> Result<Option<String>> { todo!() }
    /// Writes a metadata value.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> { todo!() }
    /// Runs `f` in one transaction: all its writes land together or not at all.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> { todo!() }
}
