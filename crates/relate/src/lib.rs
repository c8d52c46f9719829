//! Inside a story: pairwise relations (translation, near-duplicate, shared passages), sentence
//! alignment, what each source adds, provenance, and a headline in the reader's language.
//!
//! Each article's [`storyweave_analyze::Analysis`] is reduced to a [`Digest`] (sentence and
//! paragraph key sets, word shingles, quotes, bylines); a pair of digests is then compared:
//! - other language: sentences are aligned in order ([`align_sentences`]); a pair whose
//!   sentences nearly all align at a good score, with a plausible length ratio, is a
//!   `translation` (without a model, the older paragraph rule by names and numbers can also
//!   decide it); a few strongly aligned paragraphs make it `shares_passages`;
//! - same language: word 4-gram shingles; most of the shorter text inside the longer is a
//!   `near_duplicate`, a shared paragraph or quote is `shares_passages`;
//! - otherwise `same_story`.
//!
//! [`compare`] puts two articles side by side (aligned groups, what each adds);
//! [`story_view`] gives a whole story's headline, summary, provenance groups and adds.
//!
//! ```
//! use storyweave_relate::{digest, Relate, Relator};
//! use storyweave_model::{ArticleId, CleanArticle, Lang, Origin, RelationKind};
//! let art = |id: &str, text: &str| CleanArticle {
//!     id: ArticleId::from(id), url: None, title: String::new(), text: text.into(),
//!     lang: Lang::new("en"), published: None, byline: None, source: None,
//!     origin: Origin::default(),
//! };
//! let a = art("a", "The mayor of Ridgeton opened the new bridge on Monday morning.\nIt cost 40 million.");
//! let b = art("b", "The mayor of Ridgeton opened the new bridge on Monday morning.\nIt cost 40 million.");
//! let rel = Relator::default().relate(&a, &digest(&a), &b, &digest(&b), 1.0);
//! assert_eq!(rel.kind, RelationKind::NearDuplicate);
//! ```
#![warn(missing_docs)]

mod align;
mod compare;
mod digest;
mod langs;
mod sentalign;
mod story;

pub use align::{align_paragraphs, key_similarity};
pub use digest::{analysis_sentence_texts, digest, digest_from, digest_within_language, sentence_texts, Digest, SentenceUnit, MAX_SENTENCE_VECTORS};
pub use compare::{compare, mode_for, AddedSentence, Adds, AnalysedArticle, CompareSide, Comparison, PairComparison};
pub use langs::closeness;
pub use story::{story_view, ArticleAdds, ProvenanceGroup, ProvenanceLink, StoryDigest, StoryOptions, SummarySentence};
pub use sentalign::{align_sentences, AlignConfig, AlignMode, AlignSide, AlignWeights, AlignedGroup, MAX_ALIGN_SENTENCES};

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use storyweave_model::{CleanArticle, Evidence, PassagePair, Relation, RelationKind};

/// Thresholds of the relation decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RelateConfig {
    /// Same language: share of the shorter text's shingles found in the longer one.
    pub near_duplicate_containment: f32,
    /// Same language: the shorter text must be at least this fraction of the longer one.
    pub near_duplicate_length_ratio: f32,
    /// A paragraph is shared when this fraction of its shingles occurs in the other article.
    pub passage_containment: f32,
    /// Cross-language: two paragraphs align when their key similarity reaches this.
    pub align_min_similarity: f32,
    /// Cross-language: share of all paragraphs that must be aligned for a translation.
    pub translation_coverage: f32,
    /// Cross-language: shorter / longer character length must reach this for a translation
    /// (ignored when one side is written without spaces, whose length is not comparable).
    pub translation_length_ratio: f32,
    /// Cross-language: with matching bylines (same contributors), this lower coverage suffices.
    pub translation_coverage_with_byline: f32,
    /// Cross-language: this many strongly aligned paragraphs make `shares_passages`.
    pub shared_passages_min_aligned: usize,
    /// Cross-language: alignment similarity for a paragraph to count as strongly aligned.
    pub strong_align_similarity: f32,
    /// Cross-language: a translation keeps the structure of its source, so the paragraph
    /// counts and the sentence counts (smaller / larger) must each reach this.
    pub translation_structure_ratio: f32,
    /// Cross-language: a translation keeps every figure, so when both articles have at least
    /// two informative numbers, the share of the smaller number set found in the other must
    /// reach this (not all: a time written "16.14" in one language is "16:14" in another).
    pub translation_number_overlap: f32,
    /// Cross-language: aligned paragraphs of a translation have consistent lengths; the
    /// standard deviation of their log length ratios must stay under this.
    pub translation_length_spread: f32,
    /// With encoder sentence vectors: a group of the monotone sentence alignment counts
    /// toward a translation when its score reaches this (translated sentences score higher
    /// than sentences of two reports that say the same thing in their own words).
    pub model_group_score: f32,
    /// With encoder sentence vectors: share of all sentences of both articles that must be
    /// in such groups for a translation.
    pub model_translation_coverage: f32,
    /// Without a model: a group of the monotone sentence alignment (names, numbers, word
    /// prefixes, length) counts toward a translation when its score reaches this. 0.1 finds
    /// more WMT translations but also calls two independent reports of one match (demo,
    /// 2025-05-03) a translation; the WMT hard negatives, other events, cannot show that.
    pub sentence_group_score: f32,
    /// Without a model: share of all sentences in such groups for a translation (the
    /// paragraph rule above can also decide it).
    pub sentence_translation_coverage: f32,
    /// With or without a model: at least this many such groups. Two one-line texts (a
    /// headline and a site tagline) can align in full without being translations.
    pub model_translation_min_sentences: usize,
    /// Sentence alignment (monotone and free) parameters.
    pub align: AlignConfig,
    /// A story view compares at most this many of the story's articles (its first ones):
    /// every pair is aligned, so the cost grows with the square (20 articles: about 0.4 s on
    /// two cores; 50: about 4.5 s, too long for a page that a desk keeps open).
    pub story_max_compared: usize,
}

impl Default for RelateConfig {
    fn default() -> Self {
        RelateConfig {
            near_duplicate_containment: 0.7,
            near_duplicate_length_ratio: 0.6,
            passage_containment: 0.5,
            align_min_similarity: 0.12,
            translation_coverage: 0.45,
            translation_length_ratio: 0.5,
            translation_coverage_with_byline: 0.35,
            shared_passages_min_aligned: 2,
            strong_align_similarity: 0.35,
            translation_structure_ratio: 0.75,
            translation_number_overlap: 0.7,
            translation_length_spread: 0.3,
            model_group_score: 0.2,
            model_translation_coverage: 0.5,
            model_translation_min_sentences: 3,
            sentence_group_score: 0.2,
            sentence_translation_coverage: 0.6,
            align: AlignConfig::default(),
            story_max_compared: 20,
        }
    }
}

/// Decides how two articles of one story relate.
pub trait Relate {
    /// The relation of `a` and `b`, with its evidence; `similarity` is the story similarity.
    fn relate(
        &self,
        a: &CleanArticle,
        da: &Digest,
        b: &CleanArticle,
        db: &Digest,
        similarity: f32,
    ) -> Relation;
}

/// The default [`Relate`] implementation.
#[derive(Debug, Clone, Default)]
pub struct Relator {
    /// Thresholds.
    pub config: RelateConfig,
}

impl Relator {
    /// A relator with these thresholds.
    pub fn new(config: RelateConfig) -> Self {
        Relator { config }
    }
}

fn containment(a: &rustc_hash::FxHashSet<u64>, b: &rustc_hash::FxHashSet<u64>) -> f32 {
    let (small, big) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0.0;
    }
    small.iter().filter(|h| big.contains(h)).count() as f32 / small.len() as f32
}

fn ratio(x: usize, y: usize) -> f32 {
    if x.max(y) == 0 {
        return 1.0;
    }
    x.min(y) as f32 / x.max(y) as f32
}

/// Figures and dates that identify what an article reports (not small counts).
fn telling_number(n: &str) -> bool {
    n.contains('-') || storyweave_entities::is_informative(n)
}

/// Overlap coefficient of the informative numbers of two articles, when both have two or more.
fn number_overlap(a: &Digest, b: &Digest) -> Option<f32> {
    let na: HashSet<&String> = a.numbers.iter().filter(|n| telling_number(n)).collect();
    let nb: HashSet<&String> = b.numbers.iter().filter(|n| telling_number(n)).collect();
    if na.len() < 2 || nb.len() < 2 {
        return None;
    }
    Some(na.intersection(&nb).count() as f32 / na.len().min(nb.len()) as f32)
}

/// Standard deviation of log length ratios of aligned paragraphs (None under three pairs).
fn length_spread(a: &Digest, b: &Digest, pairs: &[PassagePair]) -> Option<f32> {
    let logs: Vec<f32> = pairs
        .iter()
        .filter_map(|p| {
            let (x, y) = (*a.paragraph_chars.get(p.a)?, *b.paragraph_chars.get(p.b)?);
            (x > 0 && y > 0).then(|| (x as f32 / y as f32).ln())
        })
        .collect();
    if logs.len() < 3 {
        return None;
    }
    let mean = logs.iter().sum::<f32>() / logs.len() as f32;
    Some((logs.iter().map(|l| (l - mean).powi(2)).sum::<f32>() / logs.len() as f32).sqrt())
}

fn shared_in_order(a: &[(String, String)], b: &[(String, String)]) -> Vec<String> {
    let keys: HashSet<&str> = b.iter().map(|(k, _)| k.as_str()).collect();
    let mut seen = HashSet::new();
    a.iter()
        .filter(|(k, _)| keys.contains(k.as_str()) && seen.insert(k.clone()))
        .map(|(_, s)| s.clone())
        .collect()
}

/// The monotone sentence alignment of a pair: the share of both articles' sentences in
/// aligned groups scoring at least `min_score`, and the number of such groups.
fn aligned_share(da: &Digest, db: &Digest, config: &AlignConfig, min_score: f32) -> (f32, usize) {
    let groups = align_sentences(
        AlignSide { units: &da.sentences, vectors: &da.sentence_vectors },
        AlignSide { units: &db.sentences, vectors: &db.sentence_vectors },
        AlignMode::Monotone,
        config,
    );
    let confident: Vec<&AlignedGroup> = groups.iter().filter(|g| g.is_aligned() && g.score >= min_score).collect();
    let covered: usize = confident.iter().map(|g| g.a.len() + g.b.len()).sum();
    let total = da.sentences.len() + db.sentences.len();
    (if total == 0 { 0.0 } else { covered as f32 / total as f32 }, confident.len())
}

impl Relate for Relator {
    fn relate(
        &self,
        a: &CleanArticle,
        da: &Digest,
        b: &CleanArticle,
        db: &Digest,
        similarity: f32,
    ) -> Relation {
        let c = &self.config;
        let length_ratio = if da.chars == 0 { 0.0 } else { db.chars as f32 / da.chars as f32 };
        let mut evidence = Evidence {
            shared_entities: shared_in_order(&da.entities, &db.entities),
            shared_numbers: {
                let nb: HashSet<&String> = db.numbers.iter().collect();
                da.numbers
                    .iter()
                    .filter(|n| nb.contains(n) && telling_number(n))
                    .cloned()
                    .collect()
            },
            matched_bylines: shared_in_order(&da.byline_names, &db.byline_names),
            length_ratio,
            ..Default::default()
        };
        let short_long = if length_ratio > 1.0 { 1.0 / length_ratio } else { length_ratio };

        let kind = if a.lang == b.lang {
            // Quotes of `a` whose shingles mostly occur in `b`.
            for (text, sh) in &da.quotes {
                if !sh.is_empty() && containment(sh, &db.shingles) >= c.passage_containment {
                    evidence.matched_quotes.push(text.clone());
                }
            }
            for (i, ps) in da.paragraph_shingles.iter().enumerate() {
                if ps.len() < 3 {
                    continue;
                }
                let best = db
                    .paragraph_shingles
                    .iter()
                    .enumerate()
                    .map(|(j, qs)| (j, containment(ps, qs)))
                    .fold((0usize, 0.0f32), |acc, x| if x.1 > acc.1 { x } else { acc });
                let whole = ps.iter().filter(|h| db.shingles.contains(h)).count() as f32 / ps.len() as f32;
                if whole >= c.passage_containment {
                    evidence.aligned_passages.push(PassagePair { a: i, b: best.0, score: whole });
                }
            }
            let dup = containment(&da.shingles, &db.shingles);
            if dup >= c.near_duplicate_containment && short_long >= c.near_duplicate_length_ratio {
                RelationKind::NearDuplicate
            } else if !evidence.matched_quotes.is_empty() || !evidence.aligned_passages.is_empty() {
                RelationKind::SharesPassages
            } else {
                RelationKind::SameStory
            }
        } else {
            let pairs = align_paragraphs(&da.paragraph_keys, &db.paragraph_keys, c.align_min_similarity);
            let structure_ok = ratio(da.paragraph_keys.len(), db.paragraph_keys.len()) >= c.translation_structure_ratio
                && ratio(da.sentences.len(), db.sentences.len()) >= c.translation_structure_ratio;
            // Coverage counts the paragraphs that carry names or numbers: the others have
            // nothing to align on without a model, in translations and in other reports alike.
            let strong_total = da.paragraph_strong.iter().filter(|&&s| s).count()
                + db.paragraph_strong.iter().filter(|&&s| s).count();
            let strong_aligned = pairs
                .iter()
                .filter(|p| da.paragraph_strong.get(p.a) == Some(&true) && db.paragraph_strong.get(p.b) == Some(&true))
                .count();
            let coverage = if strong_total == 0 { 0.0 } else { 2.0 * strong_aligned as f32 / strong_total as f32 };
            let strong = pairs.iter().filter(|p| p.score >= c.strong_align_similarity).count();
            let comparable_length = da.unspaced || db.unspaced || short_long >= c.translation_length_ratio;
            let numbers_ok = number_overlap(da, db).is_none_or(|j| j >= c.translation_number_overlap);
            let spread_ok = length_spread(da, db, &pairs).is_none_or(|sd| sd <= c.translation_length_spread);
            let needed = if evidence.matched_bylines.is_empty() {
                c.translation_coverage
            } else {
                c.translation_coverage_with_byline
            };
            evidence.aligned_passages = pairs;
            // With sentence vectors the encoder decides: translated sentences align in order
            // at a high score, while two reports built on the same facts share names, numbers
            // and structure but rarely whole sentences.
            let encoded = da.sentences_encoded && db.sentences_encoded;
            let (group_score, needed_share) = if encoded {
                (c.model_group_score, c.model_translation_coverage)
            } else {
                (c.sentence_group_score, c.sentence_translation_coverage)
            };
            let (share, groups) = aligned_share(da, db, &c.align, group_score);
            // With a model the aligned sentences vouch for the figures: formats differ between
            // languages ("23 %" / "23%", "21.05" / "9.05 pm") and the check would miss
            // translations that the encoder aligns sentence for sentence.
            let by_sentences = share >= needed_share
                && groups >= c.model_translation_min_sentences
                && comparable_length
                && (encoded || numbers_ok);
            let translated = if encoded {
                by_sentences
            } else {
                by_sentences || (coverage >= needed && comparable_length && structure_ok && numbers_ok && spread_ok)
            };
            if translated {
                RelationKind::Translation
            } else if strong >= c.shared_passages_min_aligned {
                RelationKind::SharesPassages
            } else {
                RelationKind::SameStory
            }
        };

        // Relations are stored once per unordered pair, smaller id first.
        let (ida, idb) = (a.id.clone(), b.id.clone());
        if ida <= idb {
            Relation { a: ida, b: idb, kind, similarity, evidence }
        } else {
            // Swap sides so the evidence reads from the new `a`.
            let mut evidence = evidence;
            evidence.length_ratio = if length_ratio > 0.0 { 1.0 / length_ratio } else { 0.0 };
            for p in &mut evidence.aligned_passages {
                std::mem::swap(&mut p.a, &mut p.b);
            }
            Relation { a: idb, b: ida, kind, similarity, evidence }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyweave_model::{ArticleId, Lang, Origin};

    fn art(id: &str, lang: &str, text: &str, byline: Option<&str>) -> CleanArticle {
        CleanArticle {
            id: ArticleId::from(id),
            url: None,
            title: String::new(),
            text: text.to_string(),
            lang: Lang::new(lang),
            published: None,
            byline: byline.map(str::to_string),
            source: None,
            origin: Origin::default(),
        }
    }

    fn relate(a: &CleanArticle, b: &CleanArticle) -> Relation {
        Relator::default().relate(a, &digest(a), b, &digest(b), 0.5)
    }

    const EN: &str = "Mayor Anna Kowalski opened the Ridgeton bridge on Monday, 3 May 2024.\n\
        The bridge cost 45 million euros and took 29 months to build.\n\
        Engineer Pavel Novak said 1,200 workers had been employed on the site.\n\
        Traffic on the Vistula crossing is expected to reach 38,000 cars a day.";
    const DE: &str = "Bürgermeisterin Anna Kowalski hat am Montag, 3. Mai 2024, die Ridgeton-Brücke eröffnet.\n\
        Die Brücke kostete 45 Millionen Euro, der Bau dauerte 29 Monate.\n\
        Ingenieur Pavel Novak sagte, auf der Baustelle seien 1.200 Arbeiter beschäftigt gewesen.\n\
        Auf der Weichselquerung werden täglich 38.000 Autos erwartet.";

    #[test]
    fn a_faithful_translation_is_recognised() {
        let r = relate(&art("a", "en", EN, None), &art("b", "de", DE, None));
        assert_eq!(r.kind, RelationKind::Translation, "{r:#?}");
        assert_eq!(r.evidence.aligned_passages.len(), 4);
        let shared = &r.evidence.shared_numbers;
        assert!(shared.iter().any(|n| n == "2024-05-03"), "{shared:?}");
        assert!(shared.iter().any(|n| n == "1200"), "{shared:?}");
        assert!(!shared.iter().any(|n| n == "3"), "small counts are no evidence: {shared:?}");
    }

    #[test]
    fn a_shorter_report_with_other_figures_is_not_a_translation() {
        let other = "Anna Kowalski eröffnete die Ridgeton-Brücke.\nKritiker bemängeln die Kosten von 60 Millionen Euro.";
        let r = relate(&art("a", "en", EN, None), &art("b", "de", other, None));
        assert_ne!(r.kind, RelationKind::Translation, "{r:#?}");
    }

    #[test]
    fn same_language_copies_and_quotes_are_told_apart() {
        let a = art("a", "en", EN, None);
        let mut edited = EN.replace("Monday", "Monday morning");
        edited.push_str("\nThe opening ceremony drew a large crowd of local residents.");
        let r = relate(&a, &art("b", "en", &edited, None));
        assert_eq!(r.kind, RelationKind::NearDuplicate);

        let quoting = "Residents of Ridgeton celebrated on Monday.\n\
            Engineer Pavel Novak said 1,200 workers had been employed on the site.\n\
            Critics say the money should have gone to schools and hospitals instead.\n\
            The council will debate the budget again in autumn, officials said today.";
        let r = relate(&a, &art("c", "en", quoting, None));
        assert_eq!(r.kind, RelationKind::SharesPassages, "{r:#?}");
    }

    #[test]
    fn relations_are_stored_with_the_smaller_id_first() {
        let r = relate(&art("z", "en", EN, None), &art("a", "de", DE, None));
        assert_eq!(r.a.as_str(), "a");
        assert_eq!(r.b.as_str(), "z");
    }
}
