//! Two articles side by side: their sentences, the sentence alignment and what each adds.

use crate::digest::{digest_from, Digest};
use crate::sentalign::{align_sentences, AlignMode, AlignSide, AlignedGroup};
use crate::{Relate, RelateConfig, Relator};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use storyweave_analyze::Analysis;
use storyweave_model::{CleanArticle, Relation, RelationKind};

/// An article with its analysis and, with a model, the encoder vectors of its sentences.
#[derive(Debug, Clone, Copy)]
pub struct AnalysedArticle<'a> {
    /// The article.
    pub article: &'a CleanArticle,
    /// Its analysis (the sentences everything below indexes).
    pub analysis: &'a Analysis,
    /// Unit vectors of its first sentences, one per sentence of the analysis (`None`
    /// without a model; see [`crate::analysis_sentence_texts`]).
    pub vectors: Option<&'a [Vec<f32>]>,
}

/// An article made ready for pairwise comparison (its digest computed once).
pub(crate) struct Prepared<'a> {
    pub input: AnalysedArticle<'a>,
    pub digest: Digest,
}

impl<'a> Prepared<'a> {
    pub fn new(input: AnalysedArticle<'a>) -> Self {
        let mut digest = digest_from(input.article, input.analysis);
        if let Some(v) = input.vectors {
            digest.set_sentence_vectors(v.to_vec());
        }
        Prepared { input, digest }
    }

    fn side(&self) -> AlignSide<'_> {
        AlignSide { units: &self.digest.sentences, vectors: &self.digest.sentence_vectors }
    }
}

/// How a pair with this relation is aligned: translations and near-copies keep the order of
/// their source; other reports of one event tell it in their own order.
pub fn mode_for(kind: RelationKind) -> AlignMode {
    match kind {
        RelationKind::Translation | RelationKind::NearDuplicate => AlignMode::Monotone,
        RelationKind::SharesPassages | RelationKind::SameStory => AlignMode::Free,
    }
}

/// The sentence alignment of two prepared articles for their relation.
pub(crate) fn align_pair(a: &Prepared, b: &Prepared, kind: RelationKind, config: &RelateConfig) -> Vec<AlignedGroup> {
    align_sentences(a.side(), b.side(), mode_for(kind), &config.align)
}

/// Weight of a name no other article mentions, in the rank of what a sentence adds.
const NEW_NAME: f32 = 2.0;
/// Weight of a new place (a gazetteer country or city).
const NEW_PLACE: f32 = 1.5;
/// Weight of a new figure or date.
const NEW_NUMBER: f32 = 2.0;
/// Weight of a quotation in a sentence no other article covers.
const NEW_QUOTE: f32 = 1.5;
/// What any uncovered sentence adds: something nobody else says, if nothing nameable.
const UNCOVERED: f32 = 0.5;
/// Headings and very short pieces (captions, datelines) add less than running text.
const MINOR_FACTOR: f32 = 0.3;
/// Sentences shorter than this (characters) are minor.
const MINOR_CHARS: u32 = 25;

/// A sentence that no other article covers, with what it adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddedSentence {
    /// 0-based sentence index in its article's analysis.
    pub sentence: usize,
    /// The sentence as written.
    pub text: String,
    /// Rank score: new names, places, figures and quotes weigh most.
    pub score: f32,
    /// Names (not places) no other article mentions, as written here.
    pub names: Vec<String>,
    /// Places no other article mentions.
    pub places: Vec<String>,
    /// Figures and dates no other article has (normalised).
    pub numbers: Vec<String>,
    /// True when it carries a quotation.
    pub quote: bool,
}

/// What the other articles mention: entity keys and figures.
pub(crate) struct Known {
    keys: HashSet<String>,
    numbers: HashSet<String>,
}

impl Known {
    pub fn of<'x>(others: impl IntoIterator<Item = &'x Analysis>) -> Self {
        let mut keys = HashSet::new();
        let mut numbers = HashSet::new();
        for a in others {
            keys.extend(a.entities().into_iter().map(|e| e.key.clone()));
            numbers.extend(a.numbers_and_dates().into_iter().map(str::to_string));
        }
        Known { keys, numbers }
    }
}

/// The uncovered sentences of `x`, ranked by what they add over `known` (best first, then in
/// text order).
pub(crate) fn rank_adds(x: &AnalysedArticle, uncovered: impl IntoIterator<Item = usize>, known: &Known) -> Vec<AddedSentence> {
    let text = x.article.text.as_str();
    let mut out: Vec<AddedSentence> = uncovered
        .into_iter()
        .filter_map(|i| {
            let s = x.analysis.sentences.get(i)?;
            let mut seen = HashSet::new();
            let (mut names, mut places) = (Vec::new(), Vec::new());
            for e in &s.mentions.entities {
                if !known.keys.contains(&e.key) && seen.insert(e.key.as_str()) {
                    if e.is_place() { places.push(e.surface.clone()) } else { names.push(e.surface.clone()) }
                }
            }
            let numbers: Vec<String> = s
                .mentions
                .numbers
                .iter()
                .filter(|n| storyweave_entities::is_informative(n))
                .chain(&s.mentions.dates)
                .filter(|n| !known.numbers.contains(*n) && seen.insert(n.as_str()))
                .cloned()
                .collect();
            let quote = !s.quotes.is_empty();
            let mut score = UNCOVERED
                + NEW_NAME * names.len() as f32
                + NEW_PLACE * places.len() as f32
                + NEW_NUMBER * numbers.len() as f32
                + if quote { NEW_QUOTE } else { 0.0 };
            if s.heading || s.chars < MINOR_CHARS {
                score *= MINOR_FACTOR;
            }
            Some(AddedSentence { sentence: i, text: s.span.text(text).to_string(), score, names, places, numbers, quote })
        })
        .collect();
    out.sort_by(|p, q| q.score.total_cmp(&p.score).then(p.sentence.cmp(&q.sentence)));
    out
}

/// One article's side of a [`Comparison`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareSide {
    /// Its sentences, as written.
    pub sentences: Vec<String>,
}

/// What each article adds: sentence indices, best first.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Adds {
    /// Sentences of `a` that `b` does not cover.
    pub a: Vec<usize>,
    /// Sentences of `b` that `a` does not cover.
    pub b: Vec<usize>,
}

/// Two articles compared: the JSON form of `storyweave compare --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The first article's sentences.
    pub a: CompareSide,
    /// The second article's sentences.
    pub b: CompareSide,
    /// Every sentence of both in exactly one group; unaligned ones with an empty other side.
    pub alignment: Vec<AlignedGroup>,
    /// What each adds that the other does not say, ranked.
    pub adds: Adds,
}

/// A comparison with the relation of the pair (which chose the alignment mode).
#[derive(Debug, Clone, PartialEq)]
pub struct PairComparison {
    /// The relation of the two articles; its `similarity` is the share of the two articles'
    /// sentences in aligned groups.
    pub relation: Relation,
    /// Sentences, alignment and adds.
    pub comparison: Comparison,
    /// What `a` adds, with details (same order as `comparison.adds.a`).
    pub adds_a: Vec<AddedSentence>,
    /// What `b` adds, with details.
    pub adds_b: Vec<AddedSentence>,
}

/// Compares two articles: `mode`, or else their relation, decides the alignment mode (in
/// order for translations and near-copies, free otherwise); sentences outside every aligned
/// group are what each adds, ranked by new names, places, figures and quotes.
pub fn compare(a: AnalysedArticle, b: AnalysedArticle, relator: &Relator, mode: Option<AlignMode>) -> PairComparison {
    let (pa, pb) = (Prepared::new(a), Prepared::new(b));
    let mut relation = relator.relate(a.article, &pa.digest, b.article, &pb.digest, 0.0);
    let mode = mode.unwrap_or_else(|| mode_for(relation.kind));
    let alignment = align_sentences(pa.side(), pb.side(), mode, &relator.config.align);
    let covered = |side: fn(&AlignedGroup) -> &Vec<usize>, n: usize| {
        let mut c = vec![false; n];
        for g in alignment.iter().filter(|g| g.is_aligned()) {
            for &i in side(g) {
                if let Some(x) = c.get_mut(i) {
                    *x = true;
                }
            }
        }
        c
    };
    let (na, nb) = (a.analysis.sentences.len(), b.analysis.sentences.len());
    let (ca, cb) = (covered(|g| &g.a, na), covered(|g| &g.b, nb));
    let aligned = ca.iter().chain(&cb).filter(|&&x| x).count();
    relation.similarity = if na + nb == 0 { 0.0 } else { aligned as f32 / (na + nb) as f32 };
    let adds_a = rank_adds(&a, (0..na).filter(|&i| !ca[i]), &Known::of([b.analysis]));
    let adds_b = rank_adds(&b, (0..nb).filter(|&j| !cb[j]), &Known::of([a.analysis]));
    let side = |x: &AnalysedArticle| CompareSide {
        sentences: x.analysis.sentence_texts(&x.article.text).into_iter().map(str::to_string).collect(),
    };
    let comparison = Comparison {
        a: side(&a),
        b: side(&b),
        alignment,
        adds: Adds { a: adds_a.iter().map(|s| s.sentence).collect(), b: adds_b.iter().map(|s| s.sentence).collect() },
    };
    PairComparison { relation, comparison, adds_a, adds_b }
}
