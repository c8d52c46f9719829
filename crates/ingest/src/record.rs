//! JSON article records: one object, a JSON array of them, or JSON lines.

use crate::{error, ReadOptions, ReasonKind, RecordError};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::io::BufRead;
use storyweave_model::{Origin, RawArticle, RawBody};

/// Parses one article object `{"id","url","title","text"|"html","lang","published","source"}`.
pub fn parse_record(value: &Value, origin: Origin) -> Result<RawArticle, RecordError> {
    let Some(obj) = value.as_object() else {
        let found = json_type(value);
        return Err(error(
            origin,
            ReasonKind::Record,
            format!(": expected an article object, found {found}"),
        ));
    };
    let field = |name: &str| {
        string_field(obj, name).map_err(|d| error(origin.clone(), ReasonKind::Record, d))
    };
    let id = match obj.get("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => {
            let detail = format!(
                ": \"id\" must be a string or a number, found {}",
                json_type(other)
            );
            return Err(error(origin, ReasonKind::Record, detail));
        }
    };
    let (text, html) = (field("text")?, field("html")?);
    let body = match (text, html) {
        (Some(t), _) if !t.trim().is_empty() => RawBody::Text(t),
        (_, Some(h)) if !h.trim().is_empty() => RawBody::Html(h),
        (None, None) => {
            let detail = ": the record has no \"text\" or \"html\" field";
            return Err(error(origin, ReasonKind::Record, detail.to_string()));
        }
        _ => {
            return Err(error(
                origin,
                ReasonKind::Empty,
                ": \"text\"/\"html\" is blank".to_string(),
            ))
        }
    };
    let mut warnings = Vec::new();
    // A bad date is not worth losing the article for: it only orders stories in time. It is
    // dropped with a warning, so the store never meets a time it cannot write.
    let published = match obj.get("published") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => checked_date(s, "published", &mut warnings),
        Some(Value::Number(n)) => match unix_time(n) {
            Some(t) if in_date_range(&t) => Some(t),
            _ => {
                warnings.push(format!("\"published\" {n}: {}", out_of_range_words()));
                None
            }
        },
        Some(other) => {
            let found = json_type(other);
            warnings.push(format!(
                "\"published\" must be a date string or unix seconds, found {found}: dropped"
            ));
            None
        }
    };
    Ok(RawArticle {
        id,
        url: field("url")?,
        title: field("title")?.filter(|t| !t.trim().is_empty()),
        body,
        lang: field("lang")?.filter(|l| !l.trim().is_empty()),
        published,
        source: field("source")?,
        origin,
        warnings,
    })
}

/// Years a publication time may have: those an RFC 3339 timestamp can write (four digits),
/// which is also what the store keeps. A time outside them (in UTC) is dropped with a warning.
pub const DATE_YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// True when a time can be written as RFC 3339 and read back (its UTC year is in
/// [`DATE_YEARS`]).
pub fn in_date_range(t: &DateTime<Utc>) -> bool {
    DATE_YEARS.contains(&t.year())
}

fn out_of_range_words() -> String {
    format!(
        "not a time in the years {:04}-{:04} (UTC): dropped",
        DATE_YEARS.start(),
        DATE_YEARS.end()
    )
}

/// Parses the date string of field `what`; an unreadable or out-of-range date is `None` and a
/// warning naming the field and the value.
pub(crate) fn checked_date(
    s: &str,
    what: &str,
    warnings: &mut Vec<String>,
) -> Option<DateTime<Utc>> {
    if s.trim().is_empty() {
        return None;
    }
    let shown: String = s.trim().chars().take(40).collect();
    match parse_date_any(s) {
        Some(t) if in_date_range(&t) => Some(t),
        Some(_) => {
            warnings.push(format!("\"{what}\" {shown:?}: {}", out_of_range_words()));
            None
        }
        None => {
            warnings.push(format!(
                "\"{what}\" {shown:?}: not a date this reader knows: dropped"
            ));
            None
        }
    }
}

/// Unix seconds, whole or fractional.
fn unix_time(n: &serde_json::Number) -> Option<DateTime<Utc>> {
    if let Some(secs) = n.as_i64() {
        return DateTime::from_timestamp(secs, 0);
    }
    let secs = n.as_f64().filter(|s| s.is_finite())?;
    // Beyond ±2^53 an f64 has no sub-second digits; far beyond, `as` saturates and chrono
    // refuses the value, so no overflow reaches here.
    let whole = secs.floor();
    let nanos = ((secs - whole) * 1e9) as u32;
    DateTime::from_timestamp(whole as i64, nanos.min(999_999_999))
}

/// Parses one article record from JSON text; see [`parse_record`].
pub fn parse_record_str(json: &str, origin: Origin) -> Result<RawArticle, RecordError> {
    match serde_json::from_str::<Value>(json) {
        Ok(v) => parse_record(&v, origin),
        Err(e) => Err(error(origin, ReasonKind::Json, format!(": {e}"))),
    }
}

fn string_field(obj: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            ": \"{name}\" must be a string, found {}",
            json_type(other)
        )),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a `published` value: unix seconds (number or digits), RFC 3339, RFC 2822,
/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS` (zone-less forms are UTC).
/// A time outside [`DATE_YEARS`] is `None`, like an unreadable one.
pub fn parse_published(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::Number(n) => unix_time(n).filter(in_date_range),
        Value::String(s) => parse_date(s),
        _ => None,
    }
}

/// Parses a date string in the forms [`parse_published`] accepts; `None` for a time outside
/// [`DATE_YEARS`].
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    parse_date_any(s).filter(in_date_range)
}

/// [`parse_date`] without the range check.
fn parse_date_any(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let digits = s.strip_prefix('-').unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .ok()
            .and_then(|secs| DateTime::from_timestamp(secs, 0));
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// Reads a `.json` document: one record object, or an array of them (`origin.item` = 1-based
/// index). Each array element is parsed on its own so that one bad record loses only itself.
pub fn read_json(
    text: &str,
    file: &str,
    opts: &ReadOptions,
) -> Vec<Result<RawArticle, RecordError>> {
    let origin = crate::file_origin(file);
    let trimmed = text.trim_start();
    if !trimmed.starts_with('[') {
        return vec![parse_record_str(text, origin)];
    }
    let items: Vec<&RawValue> = match serde_json::from_str(text) {
        Ok(items) => items,
        Err(e) => {
            let origin = Origin {
                line: Some(e.line()),
                ..origin
            };
            return vec![Err(error(origin, ReasonKind::Json, format!(": {e}")))];
        }
    };
    if items.is_empty() {
        return vec![Err(error(
            origin,
            ReasonKind::Empty,
            ": the JSON array has no records".to_string(),
        ))];
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            let origin = Origin {
                item: Some(i + 1),
                ..origin.clone()
            };
            let len = raw.get().len() as u64;
            if len > opts.max_bytes {
                return Err(crate::too_large(origin, len, opts.max_bytes));
            }
            parse_record_str(raw.get(), origin)
        })
        .collect()
}

/// Streams JSON lines: one result per non-blank line (`origin.line` = 1-based line number).
///
/// Lines are read with a bounded buffer: a line longer than `opts.max_bytes` is skipped
/// (reported as too large) without holding it in memory, so one runaway line in a huge file
/// or on stdin cannot exhaust memory.
pub fn read_jsonl<R: BufRead>(
    reader: R,
    file_label: &str,
    opts: &ReadOptions,
) -> impl Iterator<Item = Result<RawArticle, RecordError>> {
    JsonLines {
        reader,
        file: file_label.to_string(),
        max_bytes: opts.max_bytes,
        line_no: 0,
        done: false,
    }
}

struct JsonLines<R> {
    reader: R,
    file: String,
    max_bytes: u64,
    line_no: usize,
    done: bool,
}

/// One line as read: its bytes (empty when it was over the limit) and its full length.
struct Line {
    bytes: Vec<u8>,
    len: u64,
}

impl<R: BufRead> JsonLines<R> {
    /// Reads the next line. Hand-written rather than `read_until` because `read_until` keeps
    /// the whole line however long it is; this one stops storing past the limit.
    fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        let mut line = Line {
            bytes: Vec::new(),
            len: 0,
        };
        let mut saw_any = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(saw_any.then_some(line));
            }
            saw_any = true;
            let (chunk, used, ended) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[..i], i + 1, true),
                None => (buf, buf.len(), false),
            };
            line.len += chunk.len() as u64;
            if line.len <= self.max_bytes {
                line.bytes.extend_from_slice(chunk);
            } else {
                line.bytes = Vec::new();
            }
            self.reader.consume(used);
            if ended {
                return Ok(Some(line));
            }
        }
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Result<RawArticle, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let line = match self.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    // An IO error mid-stream usually repeats forever: report it once and stop.
                    self.done = true;
                    let origin = Origin {
                        file: self.file.clone(),
                        line: Some(self.line_no + 1),
                        item: None,
                        html: false,
                    };
                    return Some(Err(error(origin, ReasonKind::Io, format!(": {e}"))));
                }
            };
            self.line_no += 1;
            let origin = Origin {
                file: self.file.clone(),
                line: Some(self.line_no),
                item: None,
                html: false,
            };
            if line.len > self.max_bytes {
                return Some(Err(crate::too_large(origin, line.len, self.max_bytes)));
            }
            let mut bytes = line.bytes.as_slice();
            if self.line_no == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            // A line that is not UTF-8 is decoded like a file (stray bytes replaced, a legacy
            // encoding detected) rather than lost, with the decoding's warnings on the record.
            let (parsed, warnings) = match std::str::from_utf8(bytes) {
                Ok(text) => (serde_json::from_str::<Value>(text), Vec::new()),
                Err(_) => {
                    let decoded = crate::decode::decode(bytes, None);
                    (serde_json::from_str(&decoded.text), decoded.warnings)
                }
            };
            return Some(match parsed {
                Ok(v) => parse_record(&v, origin).map(|mut a| {
                    a.warnings.splice(0..0, warnings);
                    a
                }),
                Err(e) => Err(error(origin, ReasonKind::Json, format!(": {e}"))),
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// Arbitrary JSON, biased towards article objects: known keys with values of any type,
    /// dates among the strings and numbers.
    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|f| json!(f)),
            "\\PC{0,30}".prop_map(Value::String),
            "[0-9]{1,5}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}"
                .prop_map(Value::String),
        ];
        let value = leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        });
        let key = prop_oneof![
            Just("id"),
            Just("url"),
            Just("title"),
            Just("text"),
            Just("html"),
            Just("lang"),
            Just("published"),
            Just("source"),
            Just("other"),
        ];
        prop_oneof![
            value.clone(),
            proptest::collection::btree_map(key, value, 0..8).prop_map(|m| {
                Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    }

    fn origin() -> Origin {
        Origin {
            file: "t.jsonl".into(),
            line: Some(3),
            ..Origin::default()
        }
    }

    #[test]
    fn full_record() {
        let v = json!({"id": 42, "url": "https://x.test/a", "title": "T", "text": "Body",
            "html": "<p>ignored</p>", "lang": "de", "published": "2023-09-13T10:00:00+02:00",
            "source": "Wire", "extra": [1, 2]});
        let a = parse_record(&v, origin()).unwrap();
        assert_eq!(a.id.as_deref(), Some("42"));
        assert_eq!(a.body, RawBody::Text("Body".into()));
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.lang.as_deref(), Some("de"));
        assert_eq!(a.source.as_deref(), Some("Wire"));
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2023-09-13T08:00:00+00:00"
        );
        assert_eq!(a.origin, origin());
    }

    #[test]
    fn html_used_when_text_blank() {
        let a = parse_record(&json!({"text": " ", "html": "<p>x</p>"}), origin()).unwrap();
        assert_eq!(a.body, RawBody::Html("<p>x</p>".into()));
        assert_eq!(a.id, None);
    }

    #[test]
    fn record_errors_name_the_problem() {
        let e = parse_record(&json!({"title": "x"}), origin()).unwrap_err();
        assert_eq!(e.kind, ReasonKind::Record);
        assert!(e.reason.contains("no \"text\" or \"html\""), "{e}");
        let e = parse_record(&json!({"text": "  \n"}), origin()).unwrap_err();
        assert_eq!(e.kind, ReasonKind::Empty);
        let e = parse_record(&json!({"text": 5}), origin()).unwrap_err();
        assert!(
            e.reason
                .contains("\"text\" must be a string, found a number"),
            "{e}"
        );
        let e = parse_record(&json!({"id": [1], "text": "x"}), origin()).unwrap_err();
        assert!(
            e.reason.contains("\"id\" must be a string or a number"),
            "{e}"
        );
        let e = parse_record(&json!([1]), origin()).unwrap_err();
        assert!(e.reason.contains("found an array"), "{e}");
        assert_eq!(e.origin, origin());
    }

    #[test]
    fn bad_date_is_dropped_not_fatal() {
        let a = parse_record(&json!({"text": "x", "published": "last Tuesday"}), origin()).unwrap();
        assert_eq!(a.published, None);
        assert_eq!(
            a.warnings,
            ["\"published\" \"last Tuesday\": not a date this reader knows: dropped"]
        );
        let a = parse_record(&json!({"text": "x", "published": [2024]}), origin()).unwrap();
        assert_eq!((a.published, a.warnings.len()), (None, 1));
    }

    #[test]
    fn out_of_range_dates_are_dropped_with_a_warning() {
        // Issue 12: one of these stopped `ingest` for good when the store could not write it.
        let out_of_range = "not a time in the years 0000-9999 (UTC)";
        for (value, shown, why) in [
            // Five-digit years are not RFC 3339, so chrono does not read them at all.
            (
                json!("10000-01-01T00:00:00Z"),
                "\"10000-01-01T00:00:00Z\"",
                "not a date this reader knows",
            ),
            (
                json!("9999-12-31T23:00:00-12:00"),
                "\"9999-12-31T23:00:00-12:00\"",
                out_of_range,
            ),
            (json!(-62167219201_i64), "-62167219201", out_of_range),
            (json!("-62167219201"), "\"-62167219201\"", out_of_range),
            (json!(253402300800_i64), "253402300800", out_of_range),
            (json!(1e300), "1e+300", out_of_range),
            (
                json!("0000-01-01T00:00:00+01:00"),
                "\"0000-01-01T00:00:00+01:00\"",
                out_of_range,
            ),
        ] {
            let a = parse_record(&json!({"text": "x", "published": value}), origin()).unwrap();
            assert_eq!(a.published, None, "{value}");
            assert_eq!(
                a.warnings,
                [format!("\"published\" {shown}: {why}: dropped")]
            );
            assert_eq!(parse_published(&value), None, "{value}");
        }
        assert_eq!(parse_date("9999-12-31T23:00:00-12:00"), None);
        assert_eq!(parse_date("10000-01-01"), None);
        // The edges themselves are kept, and written back the same.
        for edge in ["9999-12-31T23:59:59+00:00", "0000-01-01T00:00:00+00:00"] {
            let t = parse_date(edge).unwrap();
            assert_eq!(t.to_rfc3339(), edge);
        }
        assert_eq!(
            parse_published(&json!(-62167219200_i64))
                .unwrap()
                .to_rfc3339(),
            "0000-01-01T00:00:00+00:00"
        );
        assert_eq!(
            parse_published(&json!(1694600430.5)).unwrap().to_rfc3339(),
            "2023-09-13T10:20:30.500+00:00"
        );
    }

    #[test]
    fn date_forms() {
        let want = "2023-09-13T10:20:30+00:00";
        for s in [
            "2023-09-13T10:20:30Z",
            "2023-09-13T12:20:30+02:00",
            "Wed, 13 Sep 2023 10:20:30 +0000",
            "2023-09-13 10:20:30",
            "2023-09-13T10:20:30",
            "1694600430",
        ] {
            assert_eq!(
                parse_date(s).map(|d| d.to_rfc3339()).as_deref(),
                Some(want),
                "{s}"
            );
        }
        assert_eq!(
            parse_date("2023-09-13").unwrap().to_rfc3339(),
            "2023-09-13T00:00:00+00:00"
        );
        assert_eq!(
            parse_published(&json!(1694600430)).unwrap().to_rfc3339(),
            want
        );
        assert_eq!(parse_date("2023-13-45"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn jsonl_lines_blank_lines_and_errors() {
        let input = "\u{FEFF}{\"id\":\"a\",\"text\":\"one\"}\n\n   \n{broken\n{\"id\":\"c\",\"text\":\"three\"}";
        let out: Vec<_> =
            read_jsonl(input.as_bytes(), "in.jsonl", &ReadOptions::default()).collect();
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].as_ref().unwrap().id.as_deref(), Some("a"));
        let e = out[1].as_ref().unwrap_err();
        assert_eq!((e.origin.line, e.kind), (Some(4), ReasonKind::Json));
        assert!(e.reason.contains("key must be a string"), "{e}");
        assert_eq!(out[2].as_ref().unwrap().origin.line, Some(5));
    }

    #[test]
    fn jsonl_long_line_is_skipped_and_reading_goes_on() {
        let long = format!("{{\"text\":\"{}\"}}", "x".repeat(100));
        let input = format!("{long}\n{{\"id\":1,\"text\":\"ok\"}}\n");
        let opts = ReadOptions { max_bytes: 50 };
        // A one-byte buffer makes the long line arrive in many pieces.
        let reader = std::io::BufReader::with_capacity(1, input.as_bytes());
        let out: Vec<_> = read_jsonl(reader, "in.jsonl", &opts).collect();
        let e = out[0].as_ref().unwrap_err();
        assert_eq!(e.kind, ReasonKind::TooLarge);
        assert_eq!(
            e.reason,
            format!("too large: {} bytes (limit 50)", long.len())
        );
        assert_eq!(out[1].as_ref().unwrap().id.as_deref(), Some("1"));
    }

    #[test]
    fn json_array_items() {
        let text = r#"[{"id":"a","text":"x"}, 7, {"id":"c","html":"<p>y</p>"}]"#;
        let out = read_json(text, "a.json", &ReadOptions::default());
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].as_ref().unwrap().origin.item, Some(1));
        assert_eq!(out[1].as_ref().unwrap_err().origin.item, Some(2));
        assert_eq!(out[2].as_ref().unwrap().id.as_deref(), Some("c"));
        let one = read_json(r#"{"text":"solo"}"#, "b.json", &ReadOptions::default());
        assert_eq!(one[0].as_ref().unwrap().origin.item, None);
        let bad = read_json("[\n{\"text\":1", "c.json", &ReadOptions::default());
        assert_eq!(bad[0].as_ref().unwrap_err().origin.line, Some(2));
    }

    proptest! {
        #[test]
        fn jsonl_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let opts = ReadOptions { max_bytes: 64 };
            for r in read_jsonl(bytes.as_slice(), "p.jsonl", &opts) {
                if let Err(e) = r {
                    prop_assert!(e.reason.starts_with(e.kind.prefix()));
                }
            }
        }

        #[test]
        fn jsonl_round_trips_any_text(text in "\\PC{1,40}", id in any::<i64>()) {
            let line = serde_json::to_string(&json!({"id": id, "text": text})).unwrap();
            let out: Vec<_> = read_jsonl(line.as_bytes(), "p", &ReadOptions::default()).collect();
            prop_assert_eq!(out.len(), 1);
            match &out[0] {
                Ok(a) => {
                    prop_assert_eq!(a.id.clone(), Some(id.to_string()));
                    prop_assert_eq!(&a.body, &RawBody::Text(text.clone()));
                }
                Err(e) => prop_assert!(text.trim().is_empty(), "{}", e),
            }
        }

        #[test]
        fn parse_date_never_panics(s in "\\PC{0,40}") {
            if let Some(t) = parse_date(&s) {
                prop_assert!(in_date_range(&t));
            }
        }

        #[test]
        fn any_date_is_in_range_or_absent(secs in any::<i64>(), year in -20000i32..20000, off in -1439i32..1440) {
            let text = format!("{year:04}-12-31T23:00:00{}{:02}:{:02}", if off < 0 { '-' } else { '+' }, off.abs() / 60, off.abs() % 60);
            for v in [json!(secs), json!(secs.to_string()), json!(text)] {
                let a = parse_record(&json!({"text": "x", "published": v}), origin()).unwrap();
                match a.published {
                    Some(t) => {
                        prop_assert!(in_date_range(&t));
                        // What the store writes reads back to the same time.
                        let written = t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                        prop_assert_eq!(DateTime::parse_from_rfc3339(&written).map(|d| d.with_timezone(&Utc)), Ok(t));
                        prop_assert!(a.warnings.is_empty());
                    }
                    None => prop_assert_eq!(a.warnings.len(), 1),
                }
            }
        }

        #[test]
        fn any_json_record_parses_or_names_its_line(value in arb_json(), line in 1usize..100_000) {
            let text = serde_json::to_string(&value).unwrap();
            let origin = Origin { file: "p.jsonl".into(), line: Some(line), ..Origin::default() };
            match parse_record(&value, origin.clone()) {
                Ok(a) => {
                    prop_assert_eq!(&a.origin, &origin);
                    prop_assert!(a.published.as_ref().is_none_or(in_date_range));
                }
                Err(e) => {
                    prop_assert_eq!(e.origin.line, Some(line));
                    prop_assert!(e.reason.starts_with(e.kind.prefix()));
                    prop_assert_eq!(e.level(), crate::Level::Record);
                }
            }
            // The same record as a line of a file: one result, naming that line.
            let input = format!("\n{text}\n");
            let out: Vec<_> = read_jsonl(input.as_bytes(), "p.jsonl", &ReadOptions::default()).collect();
            prop_assert_eq!(out.len(), 1);
            if let Err(e) = &out[0] {
                prop_assert_eq!(e.origin.line, Some(2));
            }
        }
    }
}
