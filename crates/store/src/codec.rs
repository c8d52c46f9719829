//! Converting model values to and from SQLite columns.
//!
//! Writes check that a value will read back exactly (a `NaN` would become SQL `NULL`, a year
//! past 9999 has no RFC 3339 form), so a bad value is refused up front instead of being stored
//! in a form that later fails to load.

use crate::{Result, StoreError};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::Type;
use rusqlite::Row;
use serde::de::DeserializeOwned;
use serde::Serialize;
use storyweave_model::{ArticleId, CleanArticle, Lang, Relation, RelationKind, StoryId};

/// Columns read by [`article_from_row`], in its order.
pub(crate) const ARTICLE_COLUMNS: &str =
    "id, url, title, text, lang, published, byline, source, origin_json";

/// Years that RFC 3339 can write (four digits, no sign).
const RFC3339_YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// A conversion failure of column `idx`, which the store reports as a damaged file.
fn bad_column(
    idx: usize,
    err: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, err.into())
}

/// A time as stored: RFC 3339 in UTC with as many fraction digits as needed (exact round trip).
pub(crate) fn time_to_sql(t: Option<&DateTime<Utc>>, what: &str) -> Result<Option<String>> {
    use chrono::Datelike;
    match t {
        None => Ok(None),
        Some(t) if RFC3339_YEARS.contains(&t.year()) => {
            Ok(Some(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)))
        }
        Some(t) => Err(StoreError::Invalid(format!(
            "{what}: time {t} is outside the years 0000-9999 that RFC 3339 can write"
        ))),
    }
}

/// The current time as stored.
pub(crate) fn now_sql() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Reads an optional RFC 3339 time column.
pub(crate) fn time_col(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let text: Option<String> = row.get(idx)?;
    text.map(|s| {
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| bad_column(idx, format!("time {s:?}: {e}")))
    })
    .transpose()
}

/// Serialises a value for a JSON column.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T, what: &str) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Invalid(format!("{what}: {e}")))
}

/// Reads a JSON column.
pub(crate) fn json_col<T: DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| bad_column(idx, e))
}

/// A story id as SQLite's signed 64-bit integer.
pub(crate) fn story_id_to_sql(id: StoryId) -> Result<i64> {
    i64::try_from(id.0)
        .map_err(|_| StoreError::Invalid(format!("story id {id}: larger than SQLite's integers")))
}

/// Reads a story id column.
pub(crate) fn story_id_col(row: &Row<'_>, idx: usize) -> rusqlite::Result<StoryId> {
    let raw: i64 = row.get(idx)?;
    u64::try_from(raw)
        .map(StoryId)
        .map_err(|_| rusqlite::Error::IntegralValueOutOfRange(idx, raw))
}

/// Reads an article from a row laid out as [`ARTICLE_COLUMNS`].
pub(crate) fn article_from_row(row: &Row<'_>) -> rusqlite::Result<CleanArticle> {
    Ok(CleanArticle {
        id: ArticleId(row.get(0)?),
        url: row.get(1)?,
        title: row.get(2)?,
        text: row.get(3)?,
        lang: Lang(row.get(4)?),
        published: time_col(row, 5)?,
        byline: row.get(6)?,
        source: row.get(7)?,
        origin: json_col(row, 8)?,
    })
}

/// Reads a relation from `a, b, kind, similarity, evidence_json`.
pub(crate) fn relation_from_row(row: &Row<'_>) -> rusqlite::Result<Relation> {
    let kind: String = row.get(2)?;
    let similarity: f64 = row.get(3)?;
    Ok(Relation {
        a: ArticleId(row.get(0)?),
        b: ArticleId(row.get(1)?),
        kind: RelationKind::parse(&kind)
            .ok_or_else(|| bad_column(2, format!("unknown relation kind {kind:?}")))?,
        // Stored from an f32, so narrowing back is exact.
        similarity: similarity as f32,
        evidence: json_col(row, 4)?,
    })
}

/// Refuses numbers that would not read back: SQLite stores `NaN` as `NULL` and JSON has no
/// form for `NaN` or infinities.
pub(crate) fn check_relation(r: &Relation) -> Result<()> {
    let what = || format!("relation {}–{}", r.a, r.b);
    let finite = |x: f32, name: &str| {
        if x.is_finite() {
            Ok(())
        } else {
            Err(StoreError::Invalid(format!(
                "{}: {name} is {x}, not a finite number",
                what()
            )))
        }
    };
    finite(r.similarity, "similarity")?;
    finite(r.evidence.length_ratio, "length ratio")?;
    r.evidence
        .aligned_passages
        .iter()
        .try_for_each(|p| finite(p.score, "passage score"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_keep_nanoseconds_and_refuse_five_digit_years() {
        let t = Utc
            .timestamp_opt(1_700_000_000, 123_456_789)
            .single()
            .unwrap();
        let s = time_to_sql(Some(&t), "x").unwrap().unwrap();
        assert_eq!(s, "2023-11-14T22:13:20.123456789Z");
        assert_eq!(DateTime::parse_from_rfc3339(&s).unwrap(), t);
        let far = Utc
            .with_ymd_and_hms(10_000, 1, 1, 0, 0, 0)
            .single()
            .unwrap();
        assert!(matches!(
            time_to_sql(Some(&far), "x"),
            Err(StoreError::Invalid(_))
        ));
        let year0 = Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).single().unwrap();
        let s = time_to_sql(Some(&year0), "x").unwrap().unwrap();
        assert_eq!(DateTime::parse_from_rfc3339(&s).unwrap(), year0);
        assert_eq!(time_to_sql(None, "x").unwrap(), None);
    }

    #[test]
    fn story_ids_beyond_i64_are_refused() {
        assert_eq!(story_id_to_sql(StoryId(7)).unwrap(), 7);
        assert!(story_id_to_sql(StoryId(u64::MAX)).is_err());
    }

    #[test]
    fn non_finite_relation_numbers_are_refused() {
        let mut r = Relation {
            a: "a".into(),
            b: "b".into(),
            kind: RelationKind::SameStory,
            similarity: 0.5,
            evidence: Default::default(),
        };
        assert!(check_relation(&r).is_ok());
        r.evidence.length_ratio = f32::INFINITY;
        assert!(check_relation(&r).is_err());
        r.evidence.length_ratio = 1.0;
        r.similarity = f32::NAN;
        assert!(check_relation(&r).is_err());
    }
}
