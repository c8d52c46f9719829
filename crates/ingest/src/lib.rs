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
//! assert_eq!((err.origin.line, err.kind), (Some(2), ReasonKind::Json));
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

pub use decode::{sniff_binary, Decoded, BINARY_SNIFF_BYTES, CHARSET_SNIFF_BYTES};
pub use feed::{looks_like_feed, read_feed};
pub use record::{
    in_date_range, parse_date, parse_published, parse_record, parse_record_str, read_json,
    read_jsonl, DATE_YEARS,
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
    /// Why it was skipped, in words a user can act on; starts with [`ReasonKind::prefix`].
    pub reason: String,
    /// What kind of problem it is.
    pub kind: ReasonKind,
}

/// Whether a [`RecordError`] is about an input as a whole (a path that could not be read at
/// all) or about one record (or one file's content) that was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// A named path does not exist, or a file or folder could not be opened or read, or is
    /// not a regular file: nothing in it was looked at.
    Input,
    /// A record, or a file as one record, was read and skipped for its content.
    Record,
}

/// What kind of problem a [`RecordError`] reports: every reason this crate writes starts with
/// its kind's [`ReasonKind::prefix`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonKind {
    /// A named input path does not exist.
    NotFound,
    /// A FIFO, socket or device inside a folder: skipped without opening it, since opening
    /// a FIFO blocks until something writes to it.
    NotRegular,
    /// A file type this crate does not read.
    Unsupported,
    /// The file or folder could not be read (permissions, IO).
    Io,
    /// The file is an image, archive or other binary data.
    Binary,
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
    /// Every kind, for tests that go through them all.
    #[cfg(test)]
    const ALL: [ReasonKind; 10] = [
        ReasonKind::NotFound,
        ReasonKind::NotRegular,
        ReasonKind::Unsupported,
        ReasonKind::Io,
        ReasonKind::Binary,
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
            ReasonKind::NotRegular => "not a regular file",
            ReasonKind::Unsupported => "unsupported file type",
            ReasonKind::Io => "cannot read",
            ReasonKind::Binary => "binary file",
            ReasonKind::Empty => "empty",
            ReasonKind::TooLarge => "too large",
            ReasonKind::Json => "invalid JSON",
            ReasonKind::Record => "invalid record",
            ReasonKind::Feed => "invalid feed",
        }
    }

    /// Whether this kind of problem is about a whole input or one record.
    pub fn level(self) -> Level {
        match self {
            ReasonKind::NotFound | ReasonKind::NotRegular | ReasonKind::Io => Level::Input,
            _ => Level::Record,
        }
    }
}

impl RecordError {
    /// Whether the error is about a whole input or one record (see [`ReasonKind::level`]).
    pub fn level(&self) -> Level {
        self.kind.level()
    }
}

/// Builds an error whose reason is the kind's prefix followed by `detail`.
pub(crate) fn error(origin: Origin, kind: ReasonKind, detail: String) -> RecordError {
    RecordError {
        origin,
        reason: format!("{}{detail}", kind.prefix()),
        kind,
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
/// skipped silently; FIFOs, sockets and devices are reported ([`ReasonKind::NotRegular`]) and
/// never opened, since opening a FIFO blocks until something writes to it. A path named
/// directly is kept whatever its type (reading it then says why it is unsupported), because a
/// user who names a file wants to hear about it; a FIFO named directly is read as a stream.
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
                Ok(e) => {
                    if let Some(what) = special_file(e.file_type()) {
                        let detail = format!(
                            " ({what}): skipped without opening it; name it directly to read it"
                        );
                        let origin = file_origin(&e.path().display().to_string());
                        out.push(Err(error(origin, ReasonKind::NotRegular, detail)));
                    }
                }
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

/// What a folder entry is when it is a FIFO, socket or device.
fn special_file(t: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_block_device() || t.is_char_device() {
            return Some("a device");
        }
    }
    let _ = t;
    None
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
    let decode::Decoded { text, warnings } = decode::decode(&bytes, None);
    drop(bytes);
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
    Box::new(records.into_iter().map(move |r| {
        r.map(|mut a| {
            // The file's decoding warnings come first: they concern every record in it.
            a.warnings.splice(0..0, warnings.iter().cloned());
            a
        })
    }))
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
        warnings: Vec::new(),
    }
}

/// Decodes bytes to text. The evidence, strongest first: a byte-order mark (UTF-8, UTF-16);
/// the bytes themselves when they are valid UTF-8 or mostly so (more valid multi-byte
/// sequences than broken ones: the broken ones are replaced by U+FFFD); the `declared`
/// charset (an HTTP `Content-Type` value or a bare label), else a `<meta charset>`,
/// `<meta http-equiv>` or XML encoding declaration in the first [`CHARSET_SNIFF_BYTES`], when
/// the bytes fit it; and detection with `chardetng`. What was replaced, or a declaration the
/// bytes contradict, is in [`Decoded::warnings`]. Text is returned as decoded: normalisation
/// is left to later stages.
pub fn decode_text(bytes: &[u8], declared: Option<&str>) -> Decoded {
    decode::decode(bytes, declared)
}

/// [`decode_text`] without the warnings. Never fails (kept as a `Result` for its callers):
/// every byte sequence decodes to some text.
pub fn decode_bytes(bytes: &[u8], declared: Option<&str>) -> Result<String, String> {
    Ok(decode::decode(bytes, declared).text)
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
    fn every_kind_writes_its_prefix() {
        for kind in ReasonKind::ALL {
            let e = error(Origin::default(), kind, ": detail".to_string());
            assert_eq!(e.kind, kind);
            assert!(e.reason.starts_with(kind.prefix()), "{}", e.reason);
        }
        let input: Vec<_> = ReasonKind::ALL
            .into_iter()
            .filter(|k| k.level() == Level::Input)
            .collect();
        assert_eq!(
            input,
            [ReasonKind::NotFound, ReasonKind::NotRegular, ReasonKind::Io]
        );
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
            (err.kind, err.level(), err.origin.file.clone()),
            (
                ReasonKind::NotFound,
                Level::Input,
                missing.display().to_string()
            )
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
        assert_eq!(out[0].as_ref().unwrap_err().kind, ReasonKind::Io);
        let first_kind = |p: &Path| {
            read_file(p, &ReadOptions::default())[0]
                .as_ref()
                .unwrap_err()
                .kind
        };
        let md = write(dir.path(), "n.md", b"# hi");
        assert_eq!(first_kind(&md), ReasonKind::Unsupported);
        let svg = write(dir.path(), "i.xml", b"<?xml version=\"1.0\"?><svg/>");
        assert_eq!(first_kind(&svg), ReasonKind::Unsupported);
    }

    #[test]
    fn decoding_warnings_reach_the_records() {
        let dir = tempfile::tempdir().unwrap();
        let mut page = "<p>Grüße aus Köln, schöne Grüße.</p>".as_bytes().to_vec();
        page.extend_from_slice(b"<img alt=\"Caf\xE9\">");
        let html = write(dir.path(), "p.html", &page);
        let a = read_file(&html, &ReadOptions::default()).remove(0).unwrap();
        assert_eq!(a.warnings.len(), 1, "{:?}", a.warnings);
        assert!(
            a.warnings[0].contains("replaced by U+FFFD"),
            "{:?}",
            a.warnings
        );
        let mut lines = b"{\"text\": \"Gr\xFC\xDFe\"}\n".to_vec();
        lines.extend_from_slice("{\"text\": \"fine\"}\n".as_bytes());
        let jsonl = write(dir.path(), "r.jsonl", &lines);
        let out = read_file(&jsonl, &ReadOptions::default());
        let first = out[0].as_ref().unwrap();
        assert_eq!(first.body, RawBody::Text("Grüße".into()));
        assert!(out[1].as_ref().unwrap().warnings.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn fifo_in_a_folder_is_reported_not_opened() {
        // Issue 12: a FIFO inside a folder was skipped without a word (and opening it would
        // block until something wrote to it).
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", b"Some text");
        let fifo = dir.path().join("pipe.jsonl");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !matches!(made, Ok(s) if s.success()) {
            eprintln!("skipping: mkfifo is not available");
            return;
        }
        let out = list_inputs(&[dir.path().to_path_buf()]);
        assert_eq!(out.len(), 2);
        let err = out[1].as_ref().unwrap_err();
        assert_eq!(
            (err.kind, err.level()),
            (ReasonKind::NotRegular, Level::Input)
        );
        assert_eq!(err.origin.file, fifo.display().to_string());
        assert!(
            err.reason.starts_with("not a regular file (a FIFO)"),
            "{}",
            err.reason
        );
    }

    proptest! {
        #[test]
        fn decode_never_panics_and_says_when_it_replaces(bytes in proptest::collection::vec(any::<u8>(), 0..1024), label in "[a-z0-9-]{0,12}") {
            let _ = decode_text(&bytes, Some(&label));
            let d = decode_text(&bytes, None);
            let _ = sniff_binary(&bytes);
            let replaced = d.text.matches('\u{FFFD}').count();
            let given = String::from_utf8_lossy(&bytes).matches('\u{FFFD}').count();
            if replaced > 0 && std::str::from_utf8(&bytes).is_err() && replaced >= given {
                prop_assert!(!d.warnings.is_empty(), "{:?}", d.text);
            }
        }

        #[test]
        fn valid_utf8_decodes_to_itself(s in "\\PC{0,200}") {
            prop_assume!(!s.contains("charset") && !s.contains("<?xml"));
            prop_assert_eq!(decode_text(s.as_bytes(), None), Decoded { text: s.clone(), warnings: vec![] });
        }
    }
}
