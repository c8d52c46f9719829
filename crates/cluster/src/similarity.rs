//! The documented similarity of two articles.
//!
//! Four channels, each an IDF-weighted cosine of sublinear counts:
//! - `ents`: cross-lingual entity keys (names and acronyms);
//! - `nums`: informative numbers and dates;
//! - `terms`: stemmed words, same language only;
//! - `xterms`: prefixes of transliterated, folded words (names, loanwords, cognates).
//!
//! The score is the weighted mean of the channels both articles have (a channel with no
//! features on one side says nothing, rather than "dissimilar"), with one weight set for
//! same-language pairs and one for cross-language pairs (which have no `terms` channel), then
//! scaled down by the time between publications when both are known.
//!
//! With a neural encoder, a fifth channel `emb` is the cosine of the two article vectors,
//! rescaled from `emb_floor..emb_ceil` to 0..1 (encoder cosines of unrelated news are far
//! from zero). The hybrid score is `(1 - a) * model_free + a * emb * time`, with `a` =
//! `w_emb` for same-language pairs and `x_emb` for cross-language ones: the encoder carries
//! most of the cross-lingual evidence, names and numbers keep it from merging look-alikes.

use serde::{Deserialize, Serialize};
// Feature keys are already hashes: a fast non-keyed hasher is enough, and the document
// frequencies are looked up for every shared feature of every pair scored.
use rustc_hash::FxHashMap;
use storyweave_encode::{prefixes_cross_scripts, ArticleFeatures, SparseVec};

/// Parameters of the similarity; defaults chosen on `../shared/data` (see BENCHMARKS.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimilarityConfig {
    /// Weight of entities for same-language pairs.
    pub w_ents: f32,
    /// Weight of numbers and dates for same-language pairs.
    pub w_nums: f32,
    /// Weight of stemmed terms for same-language pairs.
    pub w_terms: f32,
    /// Weight of script-neutral prefixes for same-language pairs.
    pub w_xterms: f32,
    /// Share of the encoder in the hybrid score for same-language pairs (when vectors exist).
    pub w_emb: f32,
    /// Share of the encoder in the hybrid score for cross-language pairs.
    pub x_emb: f32,
    /// Encoder cosine that counts as no similarity at all.
    pub emb_floor: f32,
    /// Encoder cosine that counts as full similarity.
    pub emb_ceil: f32,
    /// `emb_floor` for vectors centred per language (their cosines spread over a wider,
    /// lower band: unrelated news near 0).
    pub emb_centered_floor: f32,
    /// `emb_ceil` for vectors centred per language.
    pub emb_centered_ceil: f32,
    /// Vectors are centred per language only when at least this many articles with vectors
    /// are at hand (a batch, or the store plus the first chunk of an ingest): the means of a
    /// few articles on one event would erase what they share.
    pub center_min_articles: usize,
    /// Weight, in articles, of the all-language mean in each language's mean.
    pub center_prior: f32,
    /// Weight of entities for cross-language pairs.
    pub x_ents: f32,
    /// Weight of numbers and dates for cross-language pairs.
    pub x_nums: f32,
    /// Weight of script-neutral prefixes for cross-language pairs.
    pub x_xterms: f32,
    /// Cross-language scores are multiplied by this, to put them on the same scale as
    /// same-language scores (translations share fewer surface features than copies do).
    pub cross_scale: f32,
    /// Pseudo-documents assumed to lack every feature, so that IDF stays sane on tiny inputs.
    pub idf_prior_docs: f32,
    /// How strongly being shown an ordinary word elsewhere in the corpus takes a key's weight
    /// as a name: the weight is `n / (n + ordinary_weight · o)` for a key extracted as a name
    /// in `n` articles and shown to be an ordinary word in `o` (see
    /// `storyweave_entities::find_names`). 0 ignores that evidence.
    pub ordinary_weight: f32,
    /// Specific evidence (shared names and figures, see [`ChannelScores::evidence`]) a pair
    /// needs for its full similarity; below it the similarity is scaled by
    /// `(evidence / evidence_min)^evidence_power`. Pages on one topic share vocabulary, reports
    /// of one event share names, places, figures and dates. 0 turns the gate off.
    pub evidence_min: f32,
    /// Exponent of the evidence gate (see `evidence_min`).
    pub evidence_power: f32,
    /// `evidence_min` for pairs scored with encoder vectors. 0 (no gate) by default: on the
    /// SemEval dev pairs any gate cost the hybrid's story grouping (F1 0.791 → 0.774 at 1,
    /// 0.740 at 2), so with the encoder the gate is left to the user.
    pub model_evidence_min: f32,
    /// The evidence a pair needs, with or without the encoder, when one of the two articles
    /// is a web page with no date at all (none in the record, its markup or its text:
    /// `ArticleFeatures::undated_page`). News pages say when they were published; guides,
    /// recipes, product pages and wikis do not, and pages on one topic share its vocabulary,
    /// figures and brand names. Without a date, only a wealth of shared names and figures (a
    /// copy, the same event told again) is evidence enough. Records that came without markup
    /// (text, JSON lines without a date) are not affected: their lack of a date says nothing.
    /// 0 treats undated pages like the rest.
    pub undated_evidence_min: f32,
    /// The share of the evidence two articles could share ([`ChannelScores::room`]) that
    /// they must share, beyond the first `evidence_room_free`: `evidence_min` becomes at
    /// least `evidence_share · (room − evidence_room_free)`. Two long reports of one event
    /// share many of their names and figures; two long reports of one country's politics or
    /// one season's sport share a few of dozens. Short texts carry too few names for their
    /// absence to say anything, hence the free part. 0 turns it off.
    pub evidence_share: f32,
    /// The room that needs no shared evidence (see `evidence_share`).
    pub evidence_room_free: f32,
    /// The channels a pair can be compared on weigh at least this much in the mean: a channel
    /// that one side cannot have (names in a script without capitals, prefixes across
    /// scripts that do not transliterate) then counts as unshared rather than vanishing.
    /// Otherwise an Arabic report and any article with a few of its figures compare on the
    /// figures alone, score as near-copies, and chain unrelated stories into one. Model-free
    /// scores only: with encoder vectors the encoder compares such pairs.
    pub min_channel_weight: f32,
    /// Days after which the time factor has fallen to 1/e.
    pub time_tau_days: f32,
    /// How much the time factor can take away (0 = time ignored, 1 = can reach zero).
    pub time_weight: f32,
}

impl Default for SimilarityConfig {
    fn default() -> Self {
        SimilarityConfig {
            w_ents: 0.15,
            w_nums: 0.1,
            w_terms: 0.3,
            w_xterms: 0.6,
            w_emb: 0.4,
            x_emb: 0.6,
            emb_floor: 0.7,
            emb_ceil: 0.95,
            emb_centered_floor: 0.1,
            emb_centered_ceil: 0.6,
            center_min_articles: 200,
            center_prior: 50.0,
            x_ents: 0.35,
            x_nums: 0.1,
            x_xterms: 0.6,
            cross_scale: 1.3,
            idf_prior_docs: 50.0,
            ordinary_weight: 3.0,
            evidence_min: 2.0,
            evidence_power: 1.0,
            model_evidence_min: 0.0,
            undated_evidence_min: 10.0,
            evidence_share: 0.2,
            evidence_room_free: 15.0,
            min_channel_weight: 0.2,
            time_tau_days: 3.0,
            time_weight: 0.5,
        }
    }
}

/// Document frequencies of features over the articles seen so far.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DocFreq {
    docs: u32,
    df: FxHashMap<u32, u32>,
    /// Per entity key: articles that show it to be an ordinary word.
    ordinary: FxHashMap<u32, u32>,
}

impl DocFreq {
    /// Counts the features of one more article.
    pub fn observe(&mut self, f: &ArticleFeatures) {
        self.docs += 1;
        for v in [&f.ents, &f.nums, &f.terms, &f.xterms] {
            for &(h, _) in v.iter() {
                *self.df.entry(h).or_insert(0) += 1;
            }
        }
        for &(h, _) in f.ordinary.iter() {
            *self.ordinary.entry(h).or_insert(0) += 1;
        }
    }

    /// Articles that show this entity key to be an ordinary word.
    pub fn ordinary_df(&self, h: u32) -> u32 {
        self.ordinary.get(&h).copied().unwrap_or(0)
    }

    /// The share of an entity key's weight it keeps as a name: `n / (n + k·o)` for a key
    /// taken as a name in `n` articles and shown to be an ordinary word in `o`.
    pub fn name_share(&self, h: u32, k: f32) -> f32 {
        let o = self.ordinary_df(h) as f32 * k;
        if o <= 0.0 {
            return 1.0;
        }
        let n = self.df(h) as f32;
        n / (n + o)
    }

    /// Number of articles observed.
    pub fn docs(&self) -> u32 {
        self.docs
    }

    /// Articles that contain this feature.
    pub fn df(&self, h: u32) -> u32 {
        self.df.get(&h).copied().unwrap_or(0)
    }

    /// Smoothed inverse document frequency.
    pub fn idf(&self, h: u32, prior_docs: f32) -> f32 {
        ((self.docs as f32 + prior_docs + 1.0) / (self.df(h) as f32 + 1.0)).ln()
    }
}

/// Per-channel cosines of one pair (NaN-free; `None` when a side lacks the channel).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ChannelScores {
    /// Entities.
    pub ents: Option<f32>,
    /// Numbers and dates.
    pub nums: Option<f32>,
    /// Same-language terms.
    pub terms: Option<f32>,
    /// Script-neutral prefixes.
    pub xterms: Option<f32>,
    /// Encoder cosine of the article vectors (raw, before rescaling).
    pub emb: Option<f32>,
    /// True when `emb` compares vectors centred per language.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub emb_centered: bool,
    /// Time factor in 0..1 (1 when unknown).
    pub time: f32,
    /// Specific evidence the pair shares: each shared entity key and number or date counts
    /// up to 1, by its rarity (IDF relative to a feature in one article of
    /// [`EVIDENCE_REF_DOCS`]) and, for entity keys of same-language pairs, by how much of a
    /// name it is ([`DocFreq::name_share`], nothing below [`EVIDENCE_MIN_NAME_SHARE`]).
    pub evidence: f32,
    /// True when at least one of the two articles is a web page without any date (see
    /// [`SimilarityConfig::undated_evidence_min`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub undated: bool,
    /// The evidence the pair could share at most: the smaller of the two articles' own
    /// specific evidence (what each would share with a copy of itself). Where it cannot
    /// decide (see [`SimilarityConfig::evidence_share`]) an upper bound: one per key of the
    /// side with fewer keys, or that side's own evidence.
    pub room: f32,
}

/// A shared feature found in at most one article in this many counts fully as evidence; more
/// common ones count by their IDF relative to it. Fixed rather than relative to the corpus,
/// so that the evidence a pair needs does not change with the number of articles held.
pub const EVIDENCE_REF_DOCS: f32 = 100.0;

/// Within one language, an entity key counts as evidence only while its share as a name
/// ([`DocFreq::name_share`]) is at least this: a word shown to be ordinary about as often as
/// it is taken for a name (German nouns, always) is topic, not evidence of an event. (The
/// similarity's cosines still weigh such keys by their share.)
pub const EVIDENCE_MIN_NAME_SHARE: f32 = 0.5;

/// An article's features with precomputed channel norms (norms use the IDF of the moment
/// they were computed; later IDF drift is small and not worth recomputing every pair).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Prepared {
    /// The features.
    pub features: ArticleFeatures,
    /// Channel norms: entities (weighted as names within one language), numbers, terms,
    /// prefixes, and entities with plain IDF (for cross-language pairs).
    norms: [f32; 5],
}

/// Scores pairs of articles with a [`SimilarityConfig`] and document frequencies.
#[derive(Debug, Clone)]
pub struct Similarity {
    /// The parameters.
    pub config: SimilarityConfig,
}

/// `(evidence / min)^power` below `min`, else 1 (and 1 when `min` is 0: no gate).
fn gate(evidence: f32, min: f32, power: f32) -> f32 {
    if min <= 0.0 || evidence >= min {
        return 1.0;
    }
    (evidence.max(0.0) / min).powf(power.max(0.0))
}

#[inline]
fn tf(c: f32) -> f32 {
    // Sublinear: a name repeated ten times is not ten times the evidence.
    1.0 + c.max(1e-6).ln().max(-0.7)
}

impl Similarity {
    /// A scorer with these parameters.
    pub fn new(config: SimilarityConfig) -> Self {
        Similarity { config }
    }

    /// The weight of a feature: IDF, and for entity keys compared within one language times
    /// their share as a name. Across languages a key counts in full: a word that one language
    /// uses as a common noun (German "Facebook", "Corona") is a name in the other.
    fn weight(&self, h: u32, as_name: bool, df: &DocFreq) -> f32 {
        let idf = df.idf(h, self.config.idf_prior_docs);
        if as_name {
            idf * df.name_share(h, self.config.ordinary_weight)
        } else {
            idf
        }
    }

    fn norm(&self, v: &SparseVec, entity: bool, df: &DocFreq) -> f32 {
        v.iter()
            .map(|&(h, c)| {
                let w = tf(c) * self.weight(h, entity, df);
                w * w
            })
            .sum::<f32>()
            .sqrt()
    }

    /// Precomputes channel norms of an article under the current document frequencies.
    pub fn prepare(&self, features: ArticleFeatures, df: &DocFreq) -> Prepared {
        let norms = [
            self.norm(&features.ents, true, df),
            self.norm(&features.nums, false, df),
            self.norm(&features.terms, false, df),
            self.norm(&features.xterms, false, df),
            self.norm(&features.ents, false, df),
        ];
        Prepared { features, norms }
    }

    #[allow(clippy::too_many_arguments)]
    fn cosine(&self, a: &SparseVec, na: f32, b: &SparseVec, nb: f32, entity: bool, df: &DocFreq) -> Option<f32> {
        if a.is_empty() || b.is_empty() || na <= 0.0 || nb <= 0.0 {
            return None;
        }
        let mut dot = 0.0f32;
        a.for_each_common(b, |h, x, y| {
            let w = self.weight(h, entity, df);
            dot += tf(x) * tf(y) * w * w;
        });
        Some((dot / (na * nb)).clamp(0.0, 1.0))
    }

    /// What one key counts as evidence: its rarity (IDF relative to [`EVIDENCE_REF_DOCS`], at
    /// most 1) and, for an entity key compared within one language, its share as a name.
    fn key_evidence(&self, h: u32, entity: bool, same_lang: bool, df: &DocFreq) -> f32 {
        let rarity = (df.idf(h, self.config.idf_prior_docs) / EVIDENCE_REF_DOCS.ln()).min(1.0);
        let name = if entity && same_lang {
            let share = df.name_share(h, self.config.ordinary_weight);
            if share < EVIDENCE_MIN_NAME_SHARE { 0.0 } else { share }
        } else {
            1.0
        };
        rarity * name
    }

    /// Specific evidence shared by two articles (see [`ChannelScores::evidence`]).
    pub fn evidence(&self, a: &ArticleFeatures, b: &ArticleFeatures, df: &DocFreq) -> f32 {
        let same_lang = a.lang == b.lang;
        let mut e = 0.0f32;
        for (x, y, entity) in [(&a.ents, &b.ents, true), (&a.nums, &b.nums, false)] {
            x.for_each_common(y, |h, ca, cb| e += self.key_evidence(h, entity, same_lang, df) * ca.min(cb).min(1.0));
        }
        e
    }

    /// The specific evidence an article would share with a copy of itself (see
    /// [`ChannelScores::evidence`]), as compared within its language or across languages.
    fn own_evidence(&self, f: &ArticleFeatures, same_lang: bool, df: &DocFreq) -> f32 {
        [(&f.ents, true), (&f.nums, false)]
            .into_iter()
            .flat_map(|(v, entity)| v.iter().map(move |&(h, c)| (h, c, entity)))
            .map(|(h, c, entity)| self.key_evidence(h, entity, same_lang, df) * c.min(1.0))
            .sum()
    }

    /// [`ChannelScores::room`]: exact where the share rule could bind, else an upper bound
    /// (one unit per key, which costs nothing, or the shorter side's own evidence): the exact
    /// room is a pass over both articles' keys, and most pairs are short or share plenty.
    fn room(&self, a: &ArticleFeatures, b: &ArticleFeatures, same_lang: bool, evidence: f32, df: &DocFreq) -> f32 {
        let keys = |f: &ArticleFeatures| f.ents.len() + f.nums.len();
        // The shorter side first: when its own evidence already cannot bind, the other's
        // pass is skipped.
        let (short, long) = if keys(a) <= keys(b) { (a, b) } else { (b, a) };
        let bound = keys(short) as f32;
        let c = &self.config;
        if c.evidence_share <= 0.0 || c.evidence_share * (bound - c.evidence_room_free) <= evidence {
            return bound;
        }
        let first = self.own_evidence(short, same_lang, df);
        if c.evidence_share * (first - c.evidence_room_free) <= evidence {
            return first;
        }
        first.min(self.own_evidence(long, same_lang, df))
    }

    /// Channel cosines of a pair.
    pub fn channels(&self, a: &Prepared, b: &Prepared, df: &DocFreq) -> ChannelScores {
        let (fa, fb) = (&a.features, &b.features);
        let same_lang = fa.lang == fb.lang;
        let evidence = self.evidence(fa, fb, df);
        let time = match (fa.published, fb.published) {
            (Some(x), Some(y)) if self.config.time_tau_days > 0.0 => {
                let days = (x - y).abs() as f32 / 86_400.0;
                1.0 - self.config.time_weight * (1.0 - (-days / self.config.time_tau_days).exp())
            }
            _ => 1.0,
        };
        ChannelScores {
            ents: if same_lang {
                self.cosine(&fa.ents, a.norms[0], &fb.ents, b.norms[0], true, df)
            } else {
                self.cosine(&fa.ents, a.norms[4], &fb.ents, b.norms[4], false, df)
            },
            nums: self.cosine(&fa.nums, a.norms[1], &fb.nums, b.norms[1], false, df),
            terms: if same_lang {
                self.cosine(&fa.terms, a.norms[2], &fb.terms, b.norms[2], false, df)
            } else {
                None
            },
            xterms: if same_lang || (prefixes_cross_scripts(&fa.lang) && prefixes_cross_scripts(&fb.lang)) {
                self.cosine(&fa.xterms, a.norms[3], &fb.xterms, b.norms[3], false, df)
            } else {
                None
            },
            emb: match (&fa.vector, &fb.vector) {
                (Some(x), Some(y)) if x.len() == y.len() && !x.is_empty() => {
                    Some(x.iter().zip(y).map(|(p, q)| p * q).sum::<f32>().clamp(-1.0, 1.0))
                }
                _ => None,
            },
            emb_centered: fa.vector_centered && fb.vector_centered,
            time,
            evidence,
            undated: fa.undated_page || fb.undated_page,
            room: self.room(fa, fb, same_lang, evidence, df),
        }
    }

    /// Combines channel cosines into one similarity in 0..1.
    pub fn combine(&self, s: &ChannelScores, same_lang: bool) -> f32 {
        let c = &self.config;
        let parts: [(Option<f32>, f32); 4] = if same_lang {
            [(s.ents, c.w_ents), (s.nums, c.w_nums), (s.terms, c.w_terms), (s.xterms, c.w_xterms)]
        } else {
            [(s.ents, c.x_ents), (s.nums, c.x_nums), (None, 0.0), (s.xterms, c.x_xterms)]
        };
        let (mut num, mut den) = (0.0f32, 0.0f32);
        for (v, w) in parts {
            if let Some(v) = v {
                num += v * w;
                den += w;
            }
        }
        let scale = if same_lang { 1.0 } else { c.cross_scale };
        // With encoder vectors, the encoder compares what the channels cannot (see
        // `min_channel_weight`), so the floor applies to model-free scores only.
        let den_free = if s.emb.is_none() { den.max(c.min_channel_weight) } else { den };
        let free = if den > 0.0 { ((num / den_free) * scale * s.time).clamp(0.0, 1.0) } else { 0.0 };
        match s.emb {
            Some(cos) => {
                let a = if same_lang { c.w_emb } else { c.x_emb }.clamp(0.0, 1.0);
                let (floor, ceil) =
                    if s.emb_centered { (c.emb_centered_floor, c.emb_centered_ceil) } else { (c.emb_floor, c.emb_ceil) };
                let span = (ceil - floor).max(1e-3);
                let e = ((cos - floor) / span).clamp(0.0, 1.0);
                // Without any model-free evidence the encoder speaks alone.
                let a = if den > 0.0 { a } else { 1.0 };
                ((1.0 - a) * free + a * e * s.time).clamp(0.0, 1.0)
            }
            None => free,
        }
    }

    /// The similarity that decides whether two articles share a story: [`Self::combine`]
    /// scaled by the evidence gate ([`Self::evidence_gate`]). `combine` stays the graded
    /// similarity ("how alike"); sharing a story also needs shared specific evidence.
    pub fn story_score(&self, s: &ChannelScores, same_lang: bool) -> f32 {
        let mut min = if s.emb.is_some() { self.config.model_evidence_min } else { self.config.evidence_min };
        if s.undated {
            min = min.max(self.config.undated_evidence_min);
        }
        min = min.max(self.config.evidence_share * (s.room - self.config.evidence_room_free));
        self.combine(s, same_lang) * gate(s.evidence, min, self.config.evidence_power)
    }

    /// The factor in 0..1 by which too little shared specific evidence lowers a model-free
    /// similarity (see [`SimilarityConfig::evidence_min`]; pairs scored with the encoder use
    /// [`SimilarityConfig::model_evidence_min`] in [`Self::story_score`]).
    pub fn evidence_gate(&self, evidence: f32) -> f32 {
        gate(evidence, self.config.evidence_min, self.config.evidence_power)
    }

    /// The story similarity of a pair in 0..1 ([`Self::story_score`]), as the clusterer uses it.
    pub fn score(&self, a: &Prepared, b: &Prepared, df: &DocFreq) -> f32 {
        let ch = self.channels(a, b, df);
        self.story_score(&ch, a.features.lang == b.features.lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyweave_encode::hash_key;
    use storyweave_model::Lang;

    fn feats(lang: &str, ents: &[&str], xterms: &[&str]) -> ArticleFeatures {
        ArticleFeatures {
            lang: Lang::new(lang),
            ents: SparseVec::from_counts(ents.iter().map(|e| (hash_key("ent", e), 1.0)).collect()),
            xterms: SparseVec::from_counts(xterms.iter().map(|e| (hash_key("x", e), 1.0)).collect()),
            ..Default::default()
        }
    }

    #[test]
    fn identical_articles_score_one_and_disjoint_zero() {
        let sim = Similarity::new(SimilarityConfig::default());
        let mut df = DocFreq::default();
        let a = feats("en", &["putin", "kim"], &["vosto", "cosmo"]);
        let b = feats("de", &["putin", "kim"], &["vosto", "cosmo"]);
        let c = feats("de", &["merkel"], &["bunde"]);
        for f in [&a, &b, &c] {
            df.observe(f);
        }
        let (pa, pb, pc) = (sim.prepare(a, &df), sim.prepare(b, &df), sim.prepare(c, &df));
        let graded = |x: &Prepared, y: &Prepared| sim.combine(&sim.channels(x, y, &df), false);
        assert!((graded(&pa, &pb) - 1.0).abs() < 1e-4);
        assert_eq!(graded(&pa, &pc), 0.0);
        // Two shared names in three articles are less evidence than the story decision needs.
        assert!(sim.score(&pa, &pb, &df) < graded(&pa, &pb));
    }

    /// In the SemEval store built by `ingest`, Arabic price reports (no capitals, so no names;
    /// no prefixes across their script) compared with any article on shared figures alone,
    /// scored 0.5-0.99, and chained 62 unrelated articles in ten languages into one story.
    #[test]
    fn regression_figures_alone_made_an_arabic_report_a_near_copy_of_anything() {
        let nums = |v: &[&str]| SparseVec::from_counts(v.iter().map(|e| (hash_key("num", e), 1.0)).collect());
        let mut ar = feats("ar", &[], &[]);
        ar.nums = nums(&["10", "2020", "19"]);
        let mut en = feats("en", &["detroit", "michigan"], &["weath", "forec", "tempe"]);
        en.nums = nums(&["10", "2020", "19", "55"]);
        let mut df = DocFreq::default();
        df.observe(&ar);
        df.observe(&en);
        for i in 0..30 {
            df.observe(&feats("en", &[&format!("other{i}")], &[]));
        }
        let graded = |config: SimilarityConfig| {
            let sim = Similarity::new(config);
            let (a, b) = (sim.prepare(ar.clone(), &df), sim.prepare(en.clone(), &df));
            sim.score(&a, &b, &df)
        };
        let before = graded(SimilarityConfig { min_channel_weight: 0.0, ..Default::default() });
        let now = graded(SimilarityConfig::default());
        assert!(before > 0.9, "{before}");
        assert!(now < 0.6 * before, "figures alone are not a near-copy: {now} (before {before})");
        // A pair that can be compared on names too is not touched.
        let mut de = feats("de", &["detroit", "michigan"], &["weath", "forec", "tempe"]);
        de.nums = en.nums.clone();
        df.observe(&de);
        let both = |config: SimilarityConfig| {
            let sim = Similarity::new(config);
            let (a, b) = (sim.prepare(de.clone(), &df), sim.prepare(en.clone(), &df));
            sim.score(&a, &b, &df)
        };
        assert_eq!(both(SimilarityConfig { min_channel_weight: 0.0, ..Default::default() }), both(SimilarityConfig::default()));
    }

    #[test]
    fn time_apart_lowers_the_score() {
        let sim = Similarity::new(SimilarityConfig::default());
        let mut df = DocFreq::default();
        let mut a = feats("en", &["putin"], &["putin"]);
        let mut b = a.clone();
        df.observe(&a);
        df.observe(&b);
        a.published = Some(0);
        b.published = Some(0);
        let near = sim.score(&sim.prepare(a.clone(), &df), &sim.prepare(b.clone(), &df), &df);
        b.published = Some(30 * 86_400);
        let far = sim.score(&sim.prepare(a, &df), &sim.prepare(b, &df), &df);
        assert!(far < near * 0.6, "near {near} far {far}");
    }

    #[test]
    fn topic_words_are_no_evidence_and_names_are() {
        let sim = Similarity::new(SimilarityConfig::default());
        let mut df = DocFreq::default();
        let mut docs = Vec::new();
        for i in 0..6 {
            // "leasing" is shown to be an ordinary word in every article that has it.
            let mut f = feats("de", &["leasing", &format!("name{i}")], &[]);
            f.ordinary = SparseVec::from_counts(vec![(hash_key("ent", "leasing"), 1.0)]);
            df.observe(&f);
            docs.push(f);
        }
        assert!(df.name_share(hash_key("ent", "leasing"), 3.0) < 0.5);
        assert_eq!(sim.evidence(&docs[0], &docs[1], &df), 0.0, "a shared topic word is no evidence");
        let names = ["zverev", "montpellier", "mcdonald", "mannarino"];
        let (a, b) = (feats("de", &names, &[]), feats("de", &names, &[]));
        df.observe(&a);
        df.observe(&b);
        assert!(sim.evidence(&a, &b, &df) >= sim.config.evidence_min, "four rare shared names are");
        assert_eq!(sim.evidence_gate(sim.config.evidence_min), 1.0);
        assert!(sim.evidence_gate(0.5) < 0.5);
    }

    #[test]
    fn undated_pages_need_more_evidence_than_dated_ones() {
        let sim = Similarity::new(SimilarityConfig::default());
        let mut df = DocFreq::default();
        // Three rare shared names: enough for two reports a day apart, not for two web pages
        // that say nothing of when (guides, recipes).
        let names = ["zverev", "montpellier", "mannarino"];
        let (mut a, mut b) = (feats("de", &names, &names), feats("de", &names, &names));
        for i in 0..20 {
            df.observe(&feats("de", &[&format!("other{i}")], &[]));
        }
        df.observe(&a);
        df.observe(&b);
        let channels = |a: &ArticleFeatures, b: &ArticleFeatures| {
            sim.channels(&sim.prepare(a.clone(), &df), &sim.prepare(b.clone(), &df), &df)
        };
        // Records without markup and without a date (JSON lines, text) are not suspect.
        let plain = channels(&a, &b);
        assert!(!plain.undated && plain.evidence >= sim.config.evidence_min);
        a.published = Some(0);
        b.published = Some(86_400);
        let dated = channels(&a, &b);
        a.published = None;
        a.undated_page = true;
        let undated = channels(&a, &b);
        assert!(undated.undated && undated.evidence < sim.config.undated_evidence_min);
        let (d, u) = (sim.story_score(&dated, true), sim.story_score(&undated, true));
        assert!(u < d * 0.7, "dated {d} undated {u}");
        // With the encoder the same rule holds, although the dated gate is off.
        let with_emb = |mut c: ChannelScores| {
            c.emb = Some(0.9);
            sim.story_score(&c, true)
        };
        assert!(with_emb(undated) < with_emb(dated) * 0.7);
    }

    /// Two long same-day reports on two countries' institutions (a Chilean constitution
    /// debate, an Argentine march on the supreme court) shared 5 units of evidence of 57 they
    /// could have shared, and the encoder's topic similarity made them one story.
    #[test]
    fn long_reports_that_share_few_of_their_many_names_are_not_one_story() {
        let sim = Similarity::new(SimilarityConfig::default());
        let mut df = DocFreq::default();
        for i in 0..200 {
            df.observe(&feats("es", &[&format!("other{i}")], &[]));
        }
        let names = |prefix: &str, n: usize| -> Vec<String> { (0..n).map(|i| format!("{prefix}{i}")).collect() };
        let with_shared = |own: &[String], shared: &[String]| {
            let all: Vec<&str> = own.iter().chain(shared).map(String::as_str).collect();
            feats("es", &all, &["congr", "justi"])
        };
        let shared = names("shared", 4);
        let (long_a, long_b) = (with_shared(&names("chile", 60), &shared), with_shared(&names("arg", 60), &shared));
        let (short_a, short_b) = (with_shared(&names("x", 4), &shared), with_shared(&names("y", 4), &shared));
        for f in [&long_a, &long_b, &short_a, &short_b] {
            df.observe(f);
        }
        let channels = |a: &ArticleFeatures, b: &ArticleFeatures| {
            let mut c = sim.channels(&sim.prepare(a.clone(), &df), &sim.prepare(b.clone(), &df), &df);
            c.emb = Some(0.93);
            c
        };
        let (long, short) = (channels(&long_a, &long_b), channels(&short_a, &short_b));
        assert!((long.evidence - short.evidence).abs() < 1e-3, "the same four names are shared");
        assert!(long.room > 60.0 && short.room < sim.config.evidence_room_free);
        // Four shared names are plenty for two short reports and a small share of two long ones.
        assert_eq!(sim.story_score(&short, true), sim.combine(&short, true));
        assert!(sim.story_score(&long, true) < 0.8 * sim.combine(&long, true));
        // Off, the rule leaves the score alone; and it reads the room only where it can bind.
        let off = Similarity::new(SimilarityConfig { evidence_share: 0.0, ..SimilarityConfig::default() });
        assert_eq!(off.story_score(&long, true), off.combine(&long, true));
        let bound = off.channels(&off.prepare(long_a.clone(), &df), &off.prepare(long_b.clone(), &df), &df).room;
        assert_eq!(bound, 64.0);
    }

    #[test]
    fn rare_shared_features_count_more_than_common_ones() {
        let mut df = DocFreq::default();
        let common = feats("en", &["usa"], &[]);
        for _ in 0..50 {
            df.observe(&common);
        }
        let rare_a = feats("en", &["usa", "ridgeton"], &[]);
        df.observe(&rare_a);
        assert!(df.idf(hash_key("ent", "ridgeton"), 50.0) > df.idf(hash_key("ent", "usa"), 50.0));
    }
}
