//! The seam between the engine and its storage.
//!
//! The engine and the views talk to storage only through these two traits, so that a
//! server-grade database can back the same engine later; [`crate::SqliteStore`] is the
//! embedded implementation. [`StoreRead`] is object-safe (views take `&dyn StoreRead`);
//! [`Store`] adds the writes, which always run inside [`Store::write`], one exclusive
//! transaction at a time across every process that shares the store.

use crate::query::{ArticleHit, SearchFilter, SearchKeys, StoryPage, StoryQuery};
use crate::{Result, SqliteStore, StoredFeatures, WriteMarker};
use storyweave_model::{ArticleId, CleanArticle, Relation, Story, StoryId};

/// What the engine and the views read.
pub trait StoreRead {
    /// One article by id.
    fn article(&self, id: &ArticleId) -> Result<Option<CleanArticle>>;
    /// True when an article with this id is stored.
    fn has_article(&self, id: &ArticleId) -> Result<bool>;
    /// Every stored article's id and language, in storage order.
    fn article_languages(&self) -> Result<Vec<(ArticleId, storyweave_model::Lang)>>;
    /// An article's serialized features, if stored with this version.
    fn features(&self, id: &ArticleId, version: &str) -> Result<Option<Vec<u8>>>;
    /// An article's serialized analysis, if stored with this version.
    fn analysis(&self, id: &ArticleId, version: u32) -> Result<Option<Vec<u8>>>;
    /// A kept story comparison (JSON), if it was made from what `stamp` says.
    fn story_comparison(&self, story: StoryId, lang: &str, stamp: &str) -> Result<Option<String>>;
    /// Number of stored articles.
    fn article_count(&self) -> Result<u64>;
    /// Features (of `version`) of the articles stored after row `after`, in storage order.
    fn features_after(&self, after: i64, version: &str) -> Result<Vec<StoredFeatures>>;
    /// Every vector under this encoder id whose key starts with `prefix`.
    fn vectors_with_prefix(&self, model: &str, prefix: &str) -> Result<Vec<(String, Vec<f32>)>>;
    /// One stored vector.
    fn vector(&self, model: &str, key: &str) -> Result<Option<Vec<f32>>>;
    /// One story with its member ids.
    fn story(&self, id: StoryId) -> Result<Option<Story>>;
    /// A page of stories.
    fn stories_page(&self, query: &StoryQuery) -> Result<StoryPage>;
    /// The stored articles of a story, in member order.
    fn articles_of_story(&self, id: StoryId) -> Result<Vec<CleanArticle>>;
    /// The relations of a story.
    fn relations(&self, story: StoryId) -> Result<Vec<Relation>>;
    /// The story of an article.
    fn story_of(&self, id: &ArticleId) -> Result<Option<StoryId>>;
    /// Every story member as (article, story).
    fn story_assignments(&self) -> Result<Vec<(ArticleId, StoryId)>>;
    /// Articles sharing cross-lingual keys with a query.
    fn search_keys(&self, keys: &SearchKeys, filter: &SearchFilter, limit: usize) -> Result<Vec<ArticleHit>>;
    /// How many articles carry each of these search keys.
    fn key_doc_freq(&self, tokens: &[String]) -> Result<Vec<u64>>;
    /// Articles containing query words.
    fn search_text(&self, words: &[String], filter: &SearchFilter, limit: usize) -> Result<Vec<ArticleHit>>;
    /// Where the store's writes stand.
    fn marker(&self) -> Result<WriteMarker>;
    /// A metadata value.
    fn meta(&self, key: &str) -> Result<Option<String>>;
}

/// What the engine writes, always inside [`Store::write`].
pub trait Store: StoreRead + Send {
    /// Runs `f` as one exclusive write transaction: waits for any other writer (in this or
    /// another process), and commits all of `f`'s writes or none.
    /// The closure's error type only has to take store errors in, so callers keep their own.
    fn write<T, E: From<crate::StoreError>>(&mut self, f: impl FnOnce(&mut Self) -> std::result::Result<T, E>) -> std::result::Result<T, E>
    where
        Self: Sized;
    /// Like [`Store::write`], but gives up at once (a `Locked` error) when another writer holds
    /// the store: for writes that are only worth doing when they cost no wait.
    fn write_now<T, E: From<crate::StoreError>>(&mut self, f: impl FnOnce(&mut Self) -> std::result::Result<T, E>) -> std::result::Result<T, E>;
    /// Stores an article; false when its id is already stored.
    fn insert_article(&mut self, article: &CleanArticle) -> Result<bool>;
    /// Keeps the comparison of a story for a reader's language (`""`: the default one).
    fn put_story_comparison(&mut self, story: StoryId, lang: &str, stamp: &str, json: &str) -> Result<()>;
    /// Stores an article's serialized analysis under its format version.
    fn put_analysis(&mut self, id: &ArticleId, version: u32, bytes: &[u8]) -> Result<()>;
    /// Stores an article's serialized features under a format version.
    fn put_features(&mut self, id: &ArticleId, version: &str, bytes: &[u8]) -> Result<()>;
    /// Stores an article's cross-lingual search keys.
    fn put_search_keys(&mut self, id: &ArticleId, keys: &SearchKeys) -> Result<()>;
    /// Forgets all search keys (before they are all written again).
    fn clear_search_keys(&mut self) -> Result<()>;
    /// Stores encoder vectors under an encoder id.
    fn put_vectors(&mut self, model: &str, vectors: &[(String, Vec<f32>)]) -> Result<()>;
    /// Replaces one story (metadata and members).
    fn put_story(&mut self, story: &Story) -> Result<()>;
    /// Adds relations to a story.
    fn add_relations(&mut self, story: StoryId, relations: &[Relation]) -> Result<()>;
    /// Replaces every story and relation at once.
    fn replace_all_stories(&mut self, stories: &[(Story, Vec<Relation>)]) -> Result<()>;
    /// Writes a metadata value.
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()>;
    /// Counts a committed write batch (and a rebuild).
    fn bump_marker(&mut self, rebuild: bool) -> Result<WriteMarker>;
    /// Writes what the store holds back until the commit (full-text rows) now: the engine
    /// calls it on its store thread so that the commit itself is short.
    fn flush_held_writes(&mut self) -> Result<()> {
        Ok(())
    }
}

impl StoreRead for SqliteStore {
    fn article(&self, id: &ArticleId) -> Result<Option<CleanArticle>> {
        SqliteStore::article(self, id)
    }
    fn has_article(&self, id: &ArticleId) -> Result<bool> {
        SqliteStore::has_article(self, id)
    }
    fn article_languages(&self) -> Result<Vec<(ArticleId, storyweave_model::Lang)>> {
        SqliteStore::article_languages(self)
    }
    fn features(&self, id: &ArticleId, version: &str) -> Result<Option<Vec<u8>>> {
        SqliteStore::features(self, id, version)
    }
    fn analysis(&self, id: &ArticleId, version: u32) -> Result<Option<Vec<u8>>> {
        SqliteStore::analysis(self, id, version)
    }
    fn story_comparison(&self, story: StoryId, lang: &str, stamp: &str) -> Result<Option<String>> {
        SqliteStore::story_comparison(self, story, lang, stamp)
    }
    fn article_count(&self) -> Result<u64> {
        SqliteStore::article_count(self)
    }
    fn features_after(&self, after: i64, version: &str) -> Result<Vec<StoredFeatures>> {
        SqliteStore::features_after(self, after, version)
    }
    fn vectors_with_prefix(&self, model: &str, prefix: &str) -> Result<Vec<(String, Vec<f32>)>> {
        SqliteStore::vectors_with_prefix(self, model, prefix)
    }
    fn vector(&self, model: &str, key: &str) -> Result<Option<Vec<f32>>> {
        SqliteStore::vector(self, model, key)
    }
    fn story(&self, id: StoryId) -> Result<Option<Story>> {
        SqliteStore::story(self, id)
    }
    fn stories_page(&self, query: &StoryQuery) -> Result<StoryPage> {
        SqliteStore::stories_page(self, query)
    }
    fn articles_of_story(&self, id: StoryId) -> Result<Vec<CleanArticle>> {
        SqliteStore::articles_of_story(self, id)
    }
    fn relations(&self, story: StoryId) -> Result<Vec<Relation>> {
        SqliteStore::relations(self, story)
    }
    fn story_of(&self, id: &ArticleId) -> Result<Option<StoryId>> {
        SqliteStore::story_of(self, id)
    }
    fn story_assignments(&self) -> Result<Vec<(ArticleId, StoryId)>> {
        SqliteStore::story_assignments(self)
    }
    fn search_keys(&self, keys: &SearchKeys, filter: &SearchFilter, limit: usize) -> Result<Vec<ArticleHit>> {
        SqliteStore::search_keys(self, keys, filter, limit)
    }
    fn search_text(&self, words: &[String], filter: &SearchFilter, limit: usize) -> Result<Vec<ArticleHit>> {
        SqliteStore::search_text(self, words, filter, limit)
    }
    fn key_doc_freq(&self, tokens: &[String]) -> Result<Vec<u64>> {
        SqliteStore::key_doc_freq(self, tokens)
    }
    fn marker(&self) -> Result<WriteMarker> {
        SqliteStore::marker(self)
    }
    fn meta(&self, key: &str) -> Result<Option<String>> {
        SqliteStore::meta(self, key)
    }
}

impl Store for SqliteStore {
    fn flush_held_writes(&mut self) -> Result<()> {
        SqliteStore::flush_held_writes(self)
    }
    fn write<T, E: From<crate::StoreError>>(&mut self, f: impl FnOnce(&mut Self) -> std::result::Result<T, E>) -> std::result::Result<T, E> {
        self.transaction_with(f)
    }
    fn write_now<T, E: From<crate::StoreError>>(&mut self, f: impl FnOnce(&mut Self) -> std::result::Result<T, E>) -> std::result::Result<T, E> {
        let wait = std::mem::replace(&mut self.write_wait, crate::WriteWait { max: std::time::Duration::ZERO, on_wait: None });
        let out = self.transaction_with(f);
        self.write_wait = wait;
        out
    }
    fn insert_article(&mut self, article: &CleanArticle) -> Result<bool> {
        SqliteStore::insert_article(self, article)
    }
    fn put_story_comparison(&mut self, story: StoryId, lang: &str, stamp: &str, json: &str) -> Result<()> {
        SqliteStore::put_story_comparison(self, story, lang, stamp, json)
    }
    fn put_analysis(&mut self, id: &ArticleId, version: u32, bytes: &[u8]) -> Result<()> {
        SqliteStore::put_analysis(self, id, version, bytes)
    }
    fn put_features(&mut self, id: &ArticleId, version: &str, bytes: &[u8]) -> Result<()> {
        SqliteStore::put_features(self, id, version, bytes)
    }
    fn put_search_keys(&mut self, id: &ArticleId, keys: &SearchKeys) -> Result<()> {
        SqliteStore::put_search_keys(self, id, keys)
    }
    fn clear_search_keys(&mut self) -> Result<()> {
        SqliteStore::clear_search_keys(self)
    }
    fn put_vectors(&mut self, model: &str, vectors: &[(String, Vec<f32>)]) -> Result<()> {
        SqliteStore::put_vectors(self, model, vectors)
    }
    fn put_story(&mut self, story: &Story) -> Result<()> {
        SqliteStore::put_story(self, story)
    }
    fn add_relations(&mut self, story: StoryId, relations: &[Relation]) -> Result<()> {
        SqliteStore::add_relations(self, story, relations)
    }
    fn replace_all_stories(&mut self, stories: &[(Story, Vec<Relation>)]) -> Result<()> {
        SqliteStore::replace_all_stories(self, stories)
    }
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        SqliteStore::set_meta(self, key, value)
    }
    fn bump_marker(&mut self, rebuild: bool) -> Result<WriteMarker> {
        SqliteStore::bump_marker(self, rebuild)
    }
}
