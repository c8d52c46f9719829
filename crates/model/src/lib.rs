//! Plain data types that flow through the storyweave pipeline.
//!
//! raw article ([`RawArticle`]) → clean article ([`CleanArticle`]) → story ([`Story`]) with
//! pairwise [`Relation`]s. Every stage crate takes the type produced by the stage before it.
//!
//! ```
//! use storyweave_model::{ArticleId, Lang};
//! let id = ArticleId::from_content("Title", "Body text");
//! assert_eq!(id, ArticleId::from_content("Title", "Body text"));
//! assert_eq!(Lang::new("DE").as_str(), "de");
//! ```
#![warn(missing_docs)]

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable identifier of an article: given by the input record, or a content hash.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleId(pub String);

impl ArticleId {
    /// A stable id derived from cleaned content, so the same article ingested twice collides.
    pub fn from_content(title: &str, text: &str) -> Self {
        let mut h = blake3::Hasher::new();
        h.update(title.trim().as_bytes());
        h.update(b"\n\x1f");
        h.update(text.trim().as_bytes());
        let hex = h.finalize().to_hex();
        // 16 hex digits = 64 bits: collisions stay negligible well past a billion articles.
        ArticleId(format!("h{}", &hex[..16]))
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ArticleId {
    fn from(s: &str) -> Self {
        ArticleId(s.to_string())
    }
}

/// A language as a lower-case ISO 639-1 code where one exists (`en`, `tl`, `sr`), else 639-3.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lang(pub String);

impl Lang {
    /// Normalises case and strips region subtags (`en-US` → `en`).
    pub fn new(code: &str) -> Self {
        let base = code.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        Lang(base)
    }

    /// The language used when nothing could be detected.
    pub fn unknown() -> Self {
        Lang("und".to_string())
    }

    /// True for the undetermined language.
    pub fn is_unknown(&self) -> bool {
        self.0 == "und" || self.0.is_empty()
    }

    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Lang {
    fn default() -> Self {
        Lang::unknown()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a record came from, so that every report can name the file and line.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Origin {
    /// The file path as given, or `-` for standard input.
    pub file: String,
    /// 1-based line for line-oriented inputs (JSONL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based item index inside a feed or JSON array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<usize>,
    /// True when the body came as HTML (a web page or a feed item's markup): a publication
    /// that could state its date, so that stating none says something (evergreen pages:
    /// guides, shops, recipes). Set by cleaning, not by the readers.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub html: bool,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(i) = self.item {
            write!(f, " (item {i})")?;
        }
        Ok(())
    }
}

/// The body of an article as read, before cleaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "content")]
pub enum RawBody {
    /// Plain text, possibly scraped together with boilerplate lines.
    Text(String),
    /// A whole HTML page or an HTML fragment (feed item content).
    Html(String),
}

/// An article as read from an input, before cleaning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawArticle {
    /// The id given by the record, if any.
    pub id: Option<String>,
    /// The article's URL, if known.
    pub url: Option<String>,
    /// The title given by the record, if any (a `.txt` file's first line is decided later).
    pub title: Option<String>,
    /// The body as read.
    pub body: RawBody,
    /// The language given by the record; it wins over detection.
    pub lang: Option<String>,
    /// Publication time given by the record.
    pub published: Option<DateTime<Utc>>,
    /// The publisher or feed name.
    pub source: Option<String>,
    /// Where the record came from.
    pub origin: Origin,
    /// What the reader changed or dropped while keeping the record (bytes replaced while
    /// decoding, a date out of range), for the user to see; empty when nothing was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// An article after extraction, normalisation and language identification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CleanArticle {
    /// Stable id: the record's own, else a hash of title and text.
    pub id: ArticleId,
    /// The article's URL, if known.
    pub url: Option<String>,
    /// Headline (may be empty when none could be found).
    pub title: String,
    /// Main text, NFC-normalised, paragraphs separated by `\n`.
    pub text: String,
    /// Language: the record's own, else detected.
    pub lang: Lang,
    /// Publication time, if known.
    pub published: Option<DateTime<Utc>>,
    /// Author or contributors' line, if one was found.
    pub byline: Option<String>,
    /// The publisher or feed name.
    pub source: Option<String>,
    /// Where the record came from.
    pub origin: Origin,
}

/// Identifier of a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoryId(pub u64);

impl fmt::Display for StoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

impl std::str::FromStr for StoryId {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim_start_matches('s').parse().map(StoryId)
    }
}

/// The kind of a named entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A capitalised name (person, place, organisation: not told apart without a model).
    Name,
    /// An all-capitals acronym such as KCNA or DPRK.
    Acronym,
}

/// A named entity mention, with a key that is equal across scripts and inflections.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entity {
    /// Cross-lingual key: Latin, lower-case, phonetically folded, inflection-trimmed.
    pub key: String,
    /// The form as written in the article.
    pub surface: String,
    /// Name or acronym.
    pub kind: EntityKind,
}

/// A story: articles in any language that report the same event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Story {
    /// Story id.
    pub id: StoryId,
    /// Headline: the title of the article most central to the story.
    pub headline: String,
    /// Member article ids, in order of arrival.
    pub articles: Vec<ArticleId>,
    /// Languages of the members, sorted, without repeats.
    pub languages: Vec<Lang>,
    /// Earliest known publication time.
    pub first_published: Option<DateTime<Utc>>,
    /// Latest known publication time.
    pub last_published: Option<DateTime<Utc>>,
    /// The most frequent entities (surface forms), most frequent first.
    pub top_entities: Vec<String>,
}

/// How two articles of a story relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RelationKind {
    /// Same content in another language.
    Translation,
    /// Same language, mostly the same text.
    NearDuplicate,
    /// Some paragraphs or quotes in common.
    SharesPassages,
    /// Same event, independent reports.
    SameStory,
}

impl RelationKind {
    /// The snake_case name used in JSON and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Translation => "translation",
            RelationKind::NearDuplicate => "near_duplicate",
            RelationKind::SharesPassages => "shares_passages",
            RelationKind::SameStory => "same_story",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "translation" => RelationKind::Translation,
            "near_duplicate" => RelationKind::NearDuplicate,
            "shares_passages" => RelationKind::SharesPassages,
            "same_story" => RelationKind::SameStory,
            _ => return None,
        })
    }
}

impl fmt::Display for RelationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A pair of aligned passages, one from each article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PassagePair {
    /// Index of the passage (paragraph or sentence) in article `a`.
    pub a: usize,
    /// Index of the passage in article `b`.
    pub b: usize,
    /// Alignment score in 0..1.
    pub score: f32,
}

/// Why two articles were related.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// Entities found in both (surface form from `a`).
    pub shared_entities: Vec<String>,
    /// Numbers and dates found in both.
    pub shared_numbers: Vec<String>,
    /// Quotes of `a` matched in `b` (text from `a`).
    pub matched_quotes: Vec<String>,
    /// Bylines or contributor names found in both.
    pub matched_bylines: Vec<String>,
    /// Passages aligned across the two articles.
    pub aligned_passages: Vec<PassagePair>,
    /// Length of `b` divided by length of `a`, in characters.
    pub length_ratio: f32,
}

/// A relation between two articles of one story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Relation {
    /// First article (the smaller id).
    pub a: ArticleId,
    /// Second article.
    pub b: ArticleId,
    /// The relation.
    pub kind: RelationKind,
    /// Similarity in 0..1.
    pub similarity: f32,
    /// What supports it.
    pub evidence: Evidence,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_id_is_stable_and_whitespace_insensitive() {
        let a = ArticleId::from_content(" T ", "body\n");
        let b = ArticleId::from_content("T", "body");
        assert_eq!(a, b);
        assert_ne!(a, ArticleId::from_content("T", "other"));
        assert!(a.as_str().starts_with('h'));
        assert_eq!(a.as_str().len(), 17);
    }

    #[test]
    fn lang_strips_region() {
        assert_eq!(Lang::new("pt_BR").as_str(), "pt");
        assert!(Lang::unknown().is_unknown());
    }

    #[test]
    fn relation_kind_round_trips() {
        for k in [
            RelationKind::Translation,
            RelationKind::NearDuplicate,
            RelationKind::SharesPassages,
            RelationKind::SameStory,
        ] {
            assert_eq!(RelationKind::parse(k.as_str()), Some(k));
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
        }
    }

    #[test]
    fn story_id_parses_with_prefix() {
        assert_eq!("s42".parse::<StoryId>().unwrap(), StoryId(42));
        assert_eq!(StoryId(7).to_string(), "s7");
    }
}
