//! The per-article analysis, computed once: sentences (byte spans, paragraph), each with its
//! names, numbers, dates and quotations; the title's and the byline's names.
//!
//! Relations, sentence alignment, "what each source adds", provenance and the story views
//! all read an [`Analysis`] instead of extracting names, numbers and quotes again. It is plain
//! data, serialisable (`serde`; [`Analysis::to_bytes`] for the store) and versioned
//! ([`ANALYSIS_VERSION`]): an analysis of an older format is refused on reading, so that it is
//! recomputed rather than mixed with new ones.
//!
//! ```
//! use storyweave_analyze::{analyze, Analysis};
//! use storyweave_model::{ArticleId, CleanArticle, Lang, Origin};
//! let article = CleanArticle {
//!     id: ArticleId::from("a"), url: None, title: "Putin accepts".into(),
//!     text: "Dr. Kim met Vladimir Putin on 13 September 2023. \"We will come,\" he said.\nIt cost 40 million.".into(),
//!     lang: Lang::new("en"), published: None, byline: None, source: None, origin: Origin::default(),
//! };
//! let analysis = analyze(&article);
//! assert_eq!(analysis.sentences.len(), 3);
//! assert_eq!(analysis.sentence_text(&article.text, 2), "It cost 40 million.");
//! assert_eq!(analysis.sentences[0].mentions.dates, ["2023-09-13"]);
//! assert_eq!(analysis.sentences[2].paragraph, 1);
//! assert!(!analysis.sentences[1].quotes.is_empty());
//! let back = Analysis::from_bytes(&analysis.to_bytes()).unwrap();
//! assert_eq!(back, analysis);
//! ```
#![warn(missing_docs)]

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::ops::Range;
use storyweave_model::{CleanArticle, EntityKind, Lang};

/// Version of the analysis format, stored inside every [`Analysis`]: bump it whenever what
/// [`analyze`] extracts changes, so that stored analyses of the old format are recomputed.
pub const ANALYSIS_VERSION: u32 = 2;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// The bytes are not a serialised analysis.
    #[error("unreadable analysis: {0}")]
    Decode(#[from] postcard::Error),
    /// The analysis was made by another version of [`analyze`] and must be recomputed.
    #[error("analysis version {found}, expected {expected}: recompute it")]
    Version {
        /// The version found in the bytes.
        found: u32,
        /// [`ANALYSIS_VERSION`].
        expected: u32,
    },
}

/// Result with this crate's [`AnalyzeError`].
pub type Result<T> = std::result::Result<T, AnalyzeError>;

/// A byte range into the article's text (`u32`: articles are capped far below 4 GiB, and
/// the analysis is stored for every article).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    fn of(r: Range<usize>) -> Self {
        Span { start: r.start as u32, end: r.end as u32 }
    }

    /// The span as a range of bytes.
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The spanned text of `text` (empty when the span does not fit `text`).
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.range()).unwrap_or("")
    }

    fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A name or acronym as written, with its cross-lingual key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Mention {
    /// Cross-lingual key (`storyweave_entities`): `@kp` for gazetteer places, else the folded name.
    pub key: String,
    /// The form as written.
    pub surface: String,
    /// Name or acronym.
    pub kind: EntityKind,
}

impl Mention {
    /// True for countries, territories and cities of the gazetteer (keys starting with `@`).
    pub fn is_place(&self) -> bool {
        self.key.starts_with('@')
    }
}

/// What a piece of text mentions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Mentions {
    /// Names and acronyms in order of appearance (repeats kept).
    pub entities: Vec<Mention>,
    /// Normalised numbers (`1,000` → `1000`; small counts included: see
    /// `storyweave_entities::is_informative`).
    pub numbers: Vec<String>,
    /// Dates as ISO strings, full or partial.
    pub dates: Vec<String>,
}

impl Mentions {
    fn of(text: &str, lang: &Lang) -> Self {
        Mentions {
            entities: storyweave_entities::extract_entities(text, lang).into_iter().map(Mention::from).collect(),
            numbers: storyweave_entities::extract_numbers(text, lang),
            dates: storyweave_entities::extract_dates(text, lang),
        }
    }

    /// Numbers and dates of `text`, with names found elsewhere (by the whole-text pass).
    fn with_names(text: &str, lang: &Lang, entities: Vec<Mention>) -> Self {
        Mentions {
            entities,
            numbers: storyweave_entities::extract_numbers(text, lang),
            dates: storyweave_entities::extract_dates(text, lang),
        }
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty() && self.numbers.is_empty() && self.dates.is_empty()
    }
}

impl From<storyweave_model::Entity> for Mention {
    fn from(e: storyweave_model::Entity) -> Self {
        Mention { key: e.key, surface: e.surface, kind: e.kind }
    }
}

/// One sentence of the text.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Sentence {
    /// Where it is in the text.
    pub span: Span,
    /// Index of its paragraph (non-empty line) in [`Analysis::paragraphs`].
    pub paragraph: u32,
    /// Length in characters.
    pub chars: u32,
    /// Its names, numbers and dates.
    pub mentions: Mentions,
    /// Indices into [`Analysis::quotes`] of the quotations it overlaps.
    pub quotes: Vec<u32>,
    /// A whole line without a sentence-final mark: a headline, a crosshead or a caption,
    /// not running text.
    pub heading: bool,
}

/// How the text is cut into sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Segmentation {
    /// By the language-aware segmenter (`storyweave_text::sentences_in`).
    #[default]
    Sentences,
    /// Each non-empty line is one sentence, as is (for texts already split into sentences).
    Lines,
}

/// The analysis of one article.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Analysis {
    /// [`ANALYSIS_VERSION`] of the code that made it.
    pub version: u32,
    /// Language of the article.
    pub lang: Lang,
    /// True for scripts written without spaces between words (Chinese, Japanese, Thai...):
    /// their lengths and words do not compare with spaced scripts.
    pub unspaced: bool,
    /// Length of the text in characters.
    pub chars: u32,
    /// What the title mentions.
    pub title: Mentions,
    /// Non-empty lines of the text, trimmed.
    pub paragraphs: Vec<Span>,
    /// Sentences in order; none crosses a paragraph.
    pub sentences: Vec<Sentence>,
    /// Quotations in the text (the quoted words, without the marks).
    pub quotes: Vec<Span>,
    /// Names in the byline (authors, contributors).
    pub byline: Vec<Mention>,
    /// Keys of capitalised words that the article shows to be ordinary words
    /// (`storyweave_entities::Names::ordinary`), sorted.
    pub ordinary: Vec<String>,
}

/// Languages whose script has no spaces between words.
pub fn is_unspaced(lang: &Lang) -> bool {
    matches!(lang.as_str(), "zh" | "ja" | "ko" | "th" | "lo" | "km" | "my")
}

/// The sentence spans [`analyze`] finds in `text` (cheap: no names or numbers), for callers
/// that need only the sentences, such as the engine when it encodes them.
pub fn sentence_spans(text: &str, lang: &Lang, segmentation: Segmentation) -> Vec<Range<usize>> {
    match segmentation {
        Segmentation::Sentences => storyweave_text::sentences_in(text, lang),
        Segmentation::Lines => lines(text).collect(),
    }
}

/// Non-empty lines, trimmed, as byte ranges.
fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let start = at;
        at += line.len();
        let lead = line.len() - line.trim_start().len();
        let body = line.trim();
        (!body.is_empty()).then(|| start + lead..start + lead + body.len())
    })
}

/// Analyses an article, with sentences from the language-aware segmenter.
pub fn analyze(article: &CleanArticle) -> Analysis {
    analyze_with(article, Segmentation::Sentences)
}

/// Sentence-final marks, with closing quotes and brackets allowed after them.
fn ends_sentence(s: &str) -> bool {
    let s = s.trim_end_matches(|c: char| matches!(c, '"' | '\'' | '”' | '’' | '»' | '«' | '“' | ')' | ']' | '」' | '』' | '）'));
    s.ends_with(|c: char| matches!(c, '.' | '!' | '?' | '…' | ':' | ';' | '。' | '！' | '？' | '؟' | '।'))
}

/// Analyses an article with the given segmentation.
pub fn analyze_with(article: &CleanArticle, segmentation: Segmentation) -> Analysis {
    let lang = &article.lang;
    let text = article.text.as_str();
    let paragraphs: Vec<Span> = lines(text).map(Span::of).collect();
    let quotes: Vec<Span> = storyweave_entities::extract_quotes(text).into_iter().map(|q| Span::of(q.range)).collect();
    // Names are found once in title and text read together, as one text: a capitalised word
    // is judged by every occurrence (a headline capitalises words the text writes in lower
    // case), which a sentence alone cannot show. Each name then goes to the title or to the
    // sentence it starts in.
    let title = article.title.as_str();
    let joined = format!("{title}\n\n{text}");
    let body_at = title.len() + 2;
    let names = storyweave_entities::find_names(&joined, lang);
    let mut title_names = Vec::new();
    let mut text_names: Vec<(usize, Mention)> = Vec::new();
    for (start, e) in names.entities {
        if start < title.len() {
            title_names.push(Mention::from(e));
        } else if start >= body_at {
            text_names.push((start - body_at, Mention::from(e)));
        }
    }
    let mut next_name = 0usize;
    let mut para = 0usize;
    let sentences = sentence_spans(text, lang, segmentation)
        .into_iter()
        .map(|r| {
            // Names and sentences both come in text order.
            while next_name < text_names.len() && text_names[next_name].0 < r.start {
                next_name += 1;
            }
            let mut entities = Vec::new();
            while next_name < text_names.len() && text_names[next_name].0 < r.end {
                entities.push(text_names[next_name].1.clone());
                next_name += 1;
            }
            let span = Span::of(r.clone());
            while para + 1 < paragraphs.len() && paragraphs[para].end <= span.start {
                para += 1;
            }
            let body = &text[r];
            let whole_line = paragraphs.get(para).is_some_and(|p| *p == span);
            Sentence {
                span,
                paragraph: para as u32,
                chars: body.chars().count() as u32,
                mentions: Mentions::with_names(body, lang, entities),
                quotes: (0..quotes.len()).filter(|&q| quotes[q].overlaps(&span)).map(|q| q as u32).collect(),
                heading: whole_line && !ends_sentence(body),
            }
        })
        .collect();
    Analysis {
        version: ANALYSIS_VERSION,
        lang: lang.clone(),
        unspaced: is_unspaced(lang),
        chars: text.chars().count() as u32,
        title: Mentions::with_names(title, lang, title_names),
        paragraphs,
        sentences,
        quotes,
        byline: article.byline.as_deref().map(|b| byline_names(b, lang)).unwrap_or_default(),
        ordinary: names.ordinary,
    }
}

/// Words that join the names of a byline ("Anna Kowalski and Pavel Novak"), in the languages
/// storyweave reads most.
const BYLINE_JOINERS: &[&str] = &["and", "und", "et", "y", "e", "i", "и", "és", "ja", "och", "og", "en", "a", "oraz", "ve", "dan", "at", "ug"];

/// The names of a byline. A byline is a list of names, which the text rules would take for a
/// headline-case line (every word capitalised) and so trust none of: each name is read alone.
fn byline_names(byline: &str, lang: &Lang) -> Vec<Mention> {
    let mut parts = vec![String::new()];
    for word in byline.split_whitespace() {
        let bare = word.trim_matches(|c: char| matches!(c, ',' | ';' | '&' | '/' | '|'));
        if bare.is_empty() || BYLINE_JOINERS.contains(&bare) {
            parts.push(String::new());
            continue;
        }
        if let Some(last) = parts.last_mut() {
            last.push(' ');
            last.push_str(bare);
        }
        if word.ends_with([',', ';', '&', '/', '|']) {
            parts.push(String::new());
        }
    }
    parts.iter().filter(|p| !p.trim().is_empty()).flat_map(|p| Mentions::of(p.trim(), lang).entities).collect()
}

impl Analysis {
    /// The text of sentence `i` of `text` (the article text the analysis was made from).
    pub fn sentence_text<'a>(&self, text: &'a str, i: usize) -> &'a str {
        self.sentences.get(i).map_or("", |s| s.span.text(text))
    }

    /// The texts of all sentences.
    pub fn sentence_texts<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.sentences.iter().map(|s| s.span.text(text)).collect()
    }

    /// Names of the title and the text, each key once, in order of first appearance.
    pub fn entities(&self) -> Vec<&Mention> {
        let mut seen = HashSet::new();
        std::iter::once(&self.title)
            .chain(self.sentences.iter().map(|s| &s.mentions))
            .flat_map(|m| &m.entities)
            .filter(|e| seen.insert(e.key.as_str()))
            .collect()
    }

    /// Numbers, then dates, of the text, each once, in order of first appearance.
    pub fn numbers_and_dates(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        let numbers = self.sentences.iter().flat_map(|s| &s.mentions.numbers);
        let dates = self.sentences.iter().flat_map(|s| &s.mentions.dates);
        numbers.chain(dates).map(String::as_str).filter(|n| seen.insert(*n)).collect()
    }

    /// Serialises for the store (postcard: compact, a few KiB per article).
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain owned data into a Vec cannot fail.
        postcard::to_stdvec(self).unwrap_or_default()
    }

    /// Reads an analysis written by [`Analysis::to_bytes`]; one of another version is an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let analysis: Analysis = postcard::from_bytes(bytes)?;
        if analysis.version != ANALYSIS_VERSION {
            return Err(AnalyzeError::Version { found: analysis.version, expected: ANALYSIS_VERSION });
        }
        Ok(analysis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use storyweave_model::{ArticleId, Origin};

    fn article(lang: &str, title: &str, text: &str) -> CleanArticle {
        CleanArticle {
            id: ArticleId::from("x"),
            url: None,
            title: title.into(),
            text: text.into(),
            lang: Lang::new(lang),
            published: None,
            byline: Some("By Anna Kowalski and Pavel Novak".into()),
            source: None,
            origin: Origin::default(),
        }
    }

    #[test]
    fn sentences_carry_their_own_names_numbers_and_paragraph() {
        let a = article(
            "en",
            "Mayor opens the Ridgeton bridge",
            "SOUTH KOREA VOICES CONCERN\nMayor Anna Kowalski opened the bridge in Ridgeton on 3 May 2024. It cost 45 million euros.\n\"It is a great day for the city of Ridgeton,\" she said.",
        );
        let an = analyze(&a);
        let texts = an.sentence_texts(&a.text);
        assert_eq!(texts.len(), 4, "{texts:?}");
        assert!(an.sentences[0].heading && !an.sentences[1].heading);
        assert_eq!(an.sentences.iter().map(|s| s.paragraph).collect::<Vec<_>>(), [0, 1, 1, 2]);
        assert!(an.sentences[1].mentions.entities.iter().any(|e| e.surface.contains("Kowalski")));
        assert_eq!(an.sentences[1].mentions.dates, ["2024-05-03"]);
        assert!(an.sentences[2].mentions.numbers.iter().any(|n| n == "45000000" || n == "45"), "{:?}", an.sentences[2].mentions);
        assert_eq!(an.sentences[3].quotes, [0]);
        assert!(an.sentences[1].quotes.is_empty());
        assert!(an.byline.iter().any(|m| m.surface.contains("Novak")));
        assert!(an.entities().iter().any(|e| e.key == an.title.entities[0].key));
    }

    #[test]
    fn lines_segmentation_takes_each_line_as_is() {
        let a = article("en", "", "Dr. Smith came. He left.\n\n  Second line  \n");
        let an = analyze_with(&a, Segmentation::Lines);
        assert_eq!(an.sentence_texts(&a.text), ["Dr. Smith came. He left.", "Second line"]);
        assert_eq!(an.sentences[1].paragraph, 1);
    }

    #[test]
    fn another_version_is_refused() {
        let mut an = analyze(&article("de", "T", "Am 13. September kam er."));
        an.version = ANALYSIS_VERSION + 1;
        assert!(matches!(Analysis::from_bytes(&an.to_bytes()), Err(AnalyzeError::Version { .. })));
        assert!(matches!(Analysis::from_bytes(b"\xff\xff\xff"), Err(AnalyzeError::Decode(_)) | Err(AnalyzeError::Version { .. })));
    }

    proptest! {
        #[test]
        fn spans_are_in_order_inside_their_paragraph(s in "[a-zA-Z .!?\n\"„“Ж1-3]{0,80}") {
            let a = article("en", "", &s);
            let an = analyze(&a);
            let mut last = 0;
            for sent in &an.sentences {
                prop_assert!(sent.span.start >= last && sent.span.start < sent.span.end);
                let p = an.paragraphs[sent.paragraph as usize];
                prop_assert!(p.start <= sent.span.start && sent.span.end <= p.end);
                last = sent.span.end;
            }
            prop_assert_eq!(Analysis::from_bytes(&an.to_bytes()).ok(), Some(an));
        }
    }
}
