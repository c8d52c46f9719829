//! Readers for plain text, HTML, JSON lines, JSON arrays and RSS/Atom feeds.
//!
//! Every input becomes [`RawArticle`]s, one `Result` per record, so one bad record (or file)
//! is reported with its [`Origin`] and a reason, and never stops the rest.
//!
//! ```
//! use storyweave_ingest::{read_jsonl, ReadOptions, ReasonKind};
//! let input = "{\"id\": 1, \"title\": \"Flood\", \"text\": \"The river rose.\"}\n{oops\n";
//! let out: Vec<_> = read_jsonl(input.as_bytes(), "news.jsonl", &ReadOptions::default()).collect();
//! assert_eq!(out[0].as_ref().unwrap().title.as_deref(), Some("Flood"));
//! let err = out[1].as_ref().unwrap_err();
//! assert_eq!((err.origin.line, err.kind()), (Some(2), Some(ReasonKind::Json)));
//! ```
//!
//! CONTRACT (used by engine/cli): keep these signatures; add freely.
#![warn(missing_docs)]

mod decode;
mod feed;
mod record;

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use storyweave_model::{Origin, RawArticle, RawBody};

pub use decode::{
    sniff_binary, DecodeError, BINARY_SNIFF_BYTES, CHARSET_SNIFF_BYTES, MAX_TOLERATED_INVALID_UTF8,
};
pub use feed::{looks_like_feed, read_feed};
pub use record::{
    parse_date, parse_published, parse_record, parse_record_str, read_json, read_jsonl,
};

/// Largest input file or record accepted, in bytes. 8 MiB is five times the largest of the
/// 472 real pages in the extraction dev set (1.6 MB, `nymag.com.polarization.html`), so no
/// real article page is refused, while a runaway dump or a mislabelled archive is refused
/// before it is read.
pub const DEFAULT_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Whole-document formats that hold many records (`.json` arrays, feeds) may be this many
/// times `max_bytes`: they are parsed in memory at once (a JSON value tree takes a few times
/// the file's size), so bigger collections belong in JSON lines, which stream.
pub const MULTI_RECORD_FILE_FACTOR: u64 = 16;

/// Options for reading inputs.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Records or files larger than this are skipped with a reason.
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// A record that could not be used, with where it came from and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{origin}: {reason}")]
pub struct RecordError {
    /// File, line and item of the record.
    pub origin: Origin,
    /// Why it was skipped, in words a user can act on.
    pub reason: String,
}

/// What kind of problem a [`RecordError`] reports: every reason this crate writes starts with
/// its kind's [`ReasonKind::prefix`], so callers can count and test errors by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonKind {
    /// A named input path does not exist.
    NotFound,
    /// A file type this crate does not read.
    Unsupported,
    /// The file could not be read (permissions, IO).
    Io,
    /// The file is an image, archive or other binary data.
    Binary,
    /// The text is not valid UTF-8 and not in a legacy encoding.
    InvalidUtf8,
    /// The file or record holds no text.
    Empty,
    /// The file or record is over the size limit.
    TooLarge,
    /// A line or document is not valid JSON.
    Json,
    /// Valid JSON, but not a usable article record.
    Record,
    /// A feed, or one item of it, could not be parsed.
    Feed,
}

impl ReasonKind {
    const ALL: [ReasonKind; 10] = [
        ReasonKind::NotFound,
        ReasonKind::Unsupported,
        ReasonKind::Io,
        ReasonKind::Binary,
        ReasonKind::InvalidUtf8,
        ReasonKind::Empty,
        ReasonKind::TooLarge,
        ReasonKind::Json,
        ReasonKind::Record,
        ReasonKind::Feed,
    ];

    /// The words every reason of this kind starts with.
    pub fn prefix(self) -> &'static str {
        match self {
            ReasonKind::NotFound => "does not exist",
            ReasonKind::Unsupported => "unsupported file type",
            ReasonKind::Io => "cannot read",
            ReasonKind::Binary => "binary file",
            ReasonKind::InvalidUtf8 => "invalid UTF-8",
            ReasonKind::Empty => "empty",
            ReasonKind::TooLarge => "too large",
            ReasonKind::Json => "invalid JSON",
            ReasonKind::Record => "invalid record",
            ReasonKind::Feed => "invalid feed",
        }
    }
}

impl RecordError {
    /// The kind of problem, read from the reason's fixed prefix; `None` for reasons written
    /// elsewhere in free form.
    pub fn kind(&self) -> Option<ReasonKind> {
        ReasonKind::ALL
            .into_iter()
            .find(|k| self.reason.starts_with(k.prefix()))
    }
}

/// Builds an error whose reason is the kind's prefix followed by `detail`.
pub(crate) fn error(origin: Origin, kind: ReasonKind, detail: String) -> RecordError {
    RecordError {
        origin,
        reason: format!("{}{detail}", kind.prefix()),
    }
}

/// The origin of a whole file (no line or item).
pub(crate) fn file_origin(file: &str) -> Origin {
    Origin {
        file: file.to_string(),
        ..Origin::default()
    }
}

pub(crate) fn too_large(origin: Origin, size: u64, limit: u64) -> RecordError {
    error(
        origin,
        ReasonKind::TooLarge,
        format!(": {size} bytes (limit {limit})"),
    )
}

/// The input formats, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// `.txt`: the whole file is one article.
    Text,
    /// `.html`, `.htm`: the whole page is one article.
    Html,
    /// `.jsonl`, `.ndjson`, or `-` (stdin): one record per line.
    JsonLines,
    /// `.json`: one record object or an array of them.
    Json,
    /// `.rss`, `.atom`, and `.xml` that sniffs as a feed.
    Feed,
}

impl InputKind {
    /// The kind of a path by its extension (case-insensitive); `None` for unknown ones.
    pub fn of(path: &Path) -> Option<InputKind> {
        if path.as_os_str() == "-" {
            return Some(InputKind::JsonLines);
        }
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" => InputKind::Text,
            "html" | "htm" => InputKind::Html,
            "jsonl" | "ndjson" => InputKind::JsonLines,
            "json" => InputKind::Json,
            "xml" | "rss" | "atom" => InputKind::Feed,
            _ => return None,
        })
    }
}

/// Expands files and folders (recursively, sorted) into the list of input files; `-` stays `-`.
///
/// Inside folders, hidden entries (names starting with `.`) and files of unknown type are
/// skipped silently; a path named directly is kept whatever its type (reading it then says
/// why it is unsupported), because a user who names a file wants to hear about it.
pub fn list_inputs(inputs: &[PathBuf]) -> Vec<Result<PathBuf, RecordError>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            out.push(Ok(input.clone()));
            continue;
        }
        if !input.exists() {
            let detail =
                ": check the path (or use `-` for JSON lines on standard input)".to_string();
            out.push(Err(error(
                file_origin(&input.display().to_string()),
                ReasonKind::NotFound,
                detail,
            )));
            continue;
        }
        if !input.is_dir() {
            // Anything named directly that is not a folder: reading it says what is wrong.
            out.push(Ok(input.clone()));
            continue;
        }
        let walk = walkdir::WalkDir::new(input)
            .follow_links(true)
            .sort_by_file_name();
        let visible = walk
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in visible {
            match entry {
                Ok(e) if e.file_type().is_file() && InputKind::of(e.path()).is_some() => {
                    out.push(Ok(e.into_path()));
                }
                Ok(_) => {}
                Err(e) => {
                    let file = e.path().unwrap_or(input).display().to_string();
                    let io = e
                        .io_error()
                        .map_or_else(|| e.to_string(), |io| io.to_string());
                    out.push(Err(error(
                        file_origin(&file),
                        ReasonKind::Io,
                        format!(": {io}"),
                    )));
                }
            }
        }
    }
    out
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// Reads one input file (or `-` for JSONL on stdin) into raw articles, one result per record.
pub fn read_file(
    path: &std::path::Path,
    opts: &ReadOptions,
) -> Vec<Result<RawArticle, RecordError>> {
    read_file_iter(path, opts).collect()
}

/// Like [`read_file`], but JSON lines (files and stdin) stream record by record, so a
/// 1-GB file is never held in memory at once.
pub fn read_file_iter(
    path: &Path,
    opts: &ReadOptions,
) -> Box<dyn Iterator<Item = Result<RawArticle, RecordError>>> {
    let label = path.display().to_string();
    let origin = file_origin(&label);
    let fail = |kind, detail: String| -> Box<dyn Iterator<Item = _>> {
        Box::new(std::iter::once(Err(error(origin.clone(), kind, detail))))
    };
    if path.as_os_str() == "-" {
        return Box::new(read_jsonl(std::io::stdin().lock(), "-", opts));
    }
    let kind = InputKind::of(path);
    let limit = match kind {
        Some(InputKind::Json | InputKind::Feed) => {
            opts.max_bytes.saturating_mul(MULTI_RECORD_FILE_FACTOR)
        }
        Some(InputKind::Text | InputKind::Html) => opts.max_bytes,
        // JSON lines stream: the limit applies to each line. Unknown types are only sniffed.
        Some(InputKind::JsonLines) | None => u64::MAX,
    };
    let opened = File::open(path).and_then(|f| f.metadata().map(|m| (f, m.len())));
    let (mut file, size) = match opened {
        Ok(opened) => opened,
        Err(e) => return fail(ReasonKind::Io, format!(": {e}")),
    };
    if size > limit {
        return Box::new(std::iter::once(Err(too_large(origin, size, limit))));
    }
    let mut head = Vec::with_capacity(BINARY_SNIFF_BYTES);
    if let Err(e) = (&mut file)
        .take(BINARY_SNIFF_BYTES as u64)
        .read_to_end(&mut head)
    {
        return fail(ReasonKind::Io, format!(": {e}"));
    }
    // Sniffed before the type check: for a named `photo.png`, "binary file (image/png)" says
    // more than "unsupported file type".
    if let Some(what) = sniff_binary(&head) {
        return fail(
            ReasonKind::Binary,
            format!(" ({what}): not a text, HTML, JSON or feed file"),
        );
    }
    let Some(kind) = kind else {
        return fail(
            ReasonKind::Unsupported,
            ": expected .txt, .html, .htm, .json, .jsonl, .ndjson, .xml, .rss or .atom".to_string(),
        );
    };
    if kind == InputKind::JsonLines {
        if head.iter().all(u8::is_ascii_whitespace) && size <= head.len() as u64 {
            return fail(ReasonKind::Empty, ": the file holds no records".to_string());
        }
        let reader = BufReader::new(std::io::Cursor::new(head).chain(file));
        return Box::new(read_jsonl(reader, &label, opts));
    }
    let mut bytes = head;
    if let Err(e) = file.read_to_end(&mut bytes) {
        return fail(ReasonKind::Io, format!(": {e}"));
    }
    let text = match decode::decode(&bytes, None) {
        Ok(text) => text,
        // DecodeError's message already starts with the InvalidUtf8 prefix.
        Err(e) => {
            return Box::new(std::iter::once(Err(RecordError {
                origin,
                reason: e.to_string(),
            })))
        }
    };
    if text.trim().is_empty() {
        return fail(
            ReasonKind::Empty,
            ": the file holds only white space".to_string(),
        );
    }
    let records = match kind {
        InputKind::Text => vec![Ok(whole_file(RawBody::Text(text), origin))],
        InputKind::Html => vec![Ok(whole_file(RawBody::Html(text), origin))],
        InputKind::Json => read_json(&text, &label, opts),
        InputKind::Feed if looks_like_feed(&text) => read_feed(&text, &label, opts),
        InputKind::Feed => {
            return fail(
                ReasonKind::Unsupported,
                ": XML that is not an RSS or Atom feed".to_string(),
            );
        }
        InputKind::JsonLines => Vec::new(),
    };
    Box::new(records.into_iter())
}

fn whole_file(body: RawBody, origin: Origin) -> RawArticle {
    RawArticle {
        id: None,
        url: None,
        title: None,
        body,
        lang: None,
        published: None,
        source: None,
        origin,
    }
}

/// Decodes bytes to text. The evidence, strongest first: a byte-order mark (UTF-8, UTF-16);
/// the `declared` charset (an HTTP `Content-Type` value or a bare label); a `<meta charset>`,
/// `<meta http-equiv>` or XML encoding declaration in the first [`CHARSET_SNIFF_BYTES`];
/// valid UTF-8; and, only for bytes with no valid UTF-8 multi-byte sequence at all (a legacy
/// single-byte file), detection with `chardetng`. Mostly-UTF-8 bytes with more than
/// [`MAX_TOLERATED_INVALID_UTF8`] broken sequences are an error naming the first bad byte.
/// Text is returned as decoded: normalisation is left to later stages.
pub fn decode_bytes(bytes: &[u8], declared: Option<&str>) -> Result<String, String> {
    decode::decode(bytes, declared).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::fs;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn every_kind_round_trips_through_its_prefix() {
        for kind in ReasonKind::ALL {
            let e = error(Origin::default(), kind, ": detail".to_string());
            assert_eq!(e.kind(), Some(kind), "{}", e.reason);
        }
        let free = RecordError {
            origin: Origin::default(),
            reason: "something else".into(),
        };
        assert_eq!(free.kind(), None);
    }

    #[test]
    fn list_inputs_walks_sorted_and_skips_hidden_and_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "b.txt", b"x");
        write(d, "a/z.JSONL", b"x");
        write(d, "a/y.md", b"x");
        write(d, ".hidden/c.txt", b"x");
        write(d, "a/.d.txt", b"x");
        let named = write(d, "notes.md", b"x");
        let missing = d.join("nope");
        let out = list_inputs(&[
            d.to_path_buf(),
            PathBuf::from("-"),
            named.clone(),
            missing.clone(),
        ]);
        let ok: Vec<_> = out
            .iter()
            .filter_map(|r| r.as_ref().ok().cloned())
            .collect();
        let names: Vec<_> = [
            d.join("a/z.JSONL"),
            d.join("b.txt"),
            PathBuf::from("-"),
            named,
        ]
        .to_vec();
        assert_eq!(ok, names);
        let err = out.last().unwrap().as_ref().unwrap_err();
        assert_eq!(
            (err.kind(), err.origin.file.clone()),
            (Some(ReasonKind::NotFound), missing.display().to_string())
        );
    }

    #[test]
    fn text_and_html_files_are_one_article() {
        let dir = tempfile::tempdir().unwrap();
        let txt = write(dir.path(), "a.txt", "Headline\n\nBody ü".as_bytes());
        let html = write(dir.path(), "b.htm", b"<meta charset=latin1><p>\xFC</p>");
        let a = read_file(&txt, &ReadOptions::default());
        assert_eq!(
            a[0].as_ref().unwrap().body,
            RawBody::Text("Headline\n\nBody ü".into())
        );
        let b = read_file(&html, &ReadOptions::default());
        assert_eq!(
            b[0].as_ref().unwrap().body,
            RawBody::Html("<meta charset=latin1><p>ü</p>".into())
        );
        assert_eq!(
            b[0].as_ref().unwrap().origin.file,
            html.display().to_string()
        );
    }

    #[test]
    fn size_limit_checked_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "big.html", &[b'a'; 101]);
        let out = read_file(&path, &ReadOptions { max_bytes: 100 });
        assert_eq!(
            out[0].as_ref().unwrap_err().reason,
            "too large: 101 bytes (limit 100)"
        );
    }

    #[test]
    fn unreadable_and_unsupported_files() {
        let dir = tempfile::tempdir().unwrap();
        // Reading a folder as a file fails with an IO error even for root.
        let folder = dir.path().join("x.txt");
        fs::create_dir(&folder).unwrap();
        let out = read_file(&folder, &ReadOptions::default());
        assert_eq!(out[0].as_ref().unwrap_err().kind(), Some(ReasonKind::Io));
        let first_kind = |p: &Path| {
            read_file(p, &ReadOptions::default())[0]
                .as_ref()
                .unwrap_err()
                .kind()
        };
        let md = write(dir.path(), "n.md", b"# hi");
        assert_eq!(first_kind(&md), Some(ReasonKind::Unsupported));
        let svg = write(dir.path(), "i.xml", b"<?xml version=\"1.0\"?><svg/>");
        assert_eq!(first_kind(&svg), Some(ReasonKind::Unsupported));
    }

    #[test]
    fn decode_bytes_reports_the_offset() {
        let err = decode_bytes(b"ok \xC3\xBC \xFF \xFE \xC3", None).unwrap_err();
        assert!(err.starts_with("invalid UTF-8 at byte 6"), "{err}");
    }

    proptest! {
        #[test]
        fn decode_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..1024), label in "[a-z0-9-]{0,12}") {
            let _ = decode_bytes(&bytes, Some(&label));
            let _ = decode_bytes(&bytes, None);
            let _ = sniff_binary(&bytes);
        }

        #[test]
        fn valid_utf8_decodes_to_itself(s in "\\PC{0,200}") {
            prop_assume!(!s.contains("charset") && !s.contains("<?xml"));
            prop_assert_eq!(decode_bytes(s.as_bytes(), None), Ok(s.clone()));
        }
    }
}
