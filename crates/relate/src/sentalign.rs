//! Sentence alignment of two articles, whatever their languages.
//!
//! Groups are one-to-one, one-to-many, many-to-one and many-to-many (up to 3 sentences on a
//! side, 4 in all), plus deletions and insertions (a sentence in a group with an empty other
//! side); each aligned group has a score in 0..1.
//!
//! **Similarity of two groups.** With encoder vectors on both sides: the vectors are first
//! centred on the pair's mean direction (shrunk for short pairs; see `center_pair`), then
//! the cosine of the two groups' vectors is taken relative to the background of the pair,
//! `(cos − bg) / (1 − bg)` clamped to 0..1, where `bg` is the mean cosine of each sentence to
//! the other article's sentences other than its best match (a multilingual encoder puts all
//! sentences of one topic at cosine 0.75–0.85, so raw cosines mean little; vecalign
//! normalises its cost by random pairs for the same reason). A merged group's vector is *approximated* as the
//! length-weighted mean of its sentences' unit vectors, renormalised: with mean pooling, the
//! pooled vector of a concatenation is nearly the token-weighted mean of its parts' pooled
//! vectors (only attention across the joint is lost), and this costs no encoding at all,
//! where vecalign and Bertalign encode every concatenation of up to N consecutive sentences
//! (N times the encoder work). Mixed with the model-free similarity by
//! [`AlignConfig::lexical_weight`], which adds names and figures the encoder blurs. Without
//! vectors: the weighted Dice overlap of the groups' script-neutral keys (names, numbers,
//! dates weigh 2; transliterated word prefixes, which meet for cognates and loanwords, 1),
//! each key down-weighted by how many sentences of the pair carry it (the names a story is
//! about are in every sentence and would align anything with anything).
//!
//! **Monotone alignment** (translations, near-copies): a dynamic programme over the two
//! sentence sequences, as vecalign and Bertalign do. A first pass aligns one-to-one only
//! (with skips) over the full similarity matrix and gives anchors; the second pass allows the
//! group types 1-1, 1-0, 0-1, 1-2, 2-1, 2-2, 1-3, 3-1 inside a band of
//! [`AlignConfig::band`] sentences around the anchor path, maximising the sum of group
//! scores: an aligned group scores `κ·(sim − τ) + π·ln(P(type)/P(1-1)) + μ·ln P(δ)`, a
//! skipped sentence `π·ln(P(1-0)/P(1-1))`. With `κ = 0`, `π = μ = 1` this is Gale & Church's
//! length-only aligner; the similarity evidence comes on top. Every group counts once, as in
//! Bertalign: weighting a group by its number of sentences would pay for padding a good
//! pair with unrelated neighbours. `P(type)` are Gale & Church's (1993) priors (1-1 0.89, 1-0
//! and 0-1 0.0099, 2-1 and 1-2 0.089, 2-2 0.011; 3-1 and 1-3, which they did not count, 0.002)
//! and `P(δ) = 2(1 − Φ(|δ|))` their length model: `δ = (l_b − c·l_a) / √(s²·(l_a + l_b/c)/2)`
//! over character lengths, with `c` the pair's own length ratio (so unspaced scripts compare
//! with spaced ones) and `s² = 6.8` as they measured. The weights were chosen on half of the
//! WMT16 en–fi documents and checked on the other half (`bench/align.py`).
//!
//! **Free alignment** (independent reports of one event): any sentence may match any other
//! or none. Pairs at or above the free threshold are linked greedily, best first, each
//! sentence once (competitive linking); an unlinked sentence whose best match is above the
//! threshold then joins that match's group (many-to-one).

use crate::align::{key_similarity, weigh_by_unit_frequency};
use crate::digest::{union_keys, SentenceUnit};
use serde::{Deserialize, Serialize};

/// Sentences beyond this are left unaligned: the alignment is quadratic in the number of
/// sentences, and articles this long are books, not news.
pub const MAX_ALIGN_SENTENCES: usize = 2000;

/// Gale & Church's variance of the length ratio per character (1993, measured on the
/// Canadian Hansard; the ratio's mean is taken from the pair itself).
const GC_VARIANCE: f32 = 6.8;

/// Floor of `ln P(δ)`: past about 5 standard deviations the length says nothing more.
const MIN_LN_LENGTH: f32 = -12.0;

/// The group types of the monotone programme, (sentences of `a`, sentences of `b`), with
/// their prior probabilities (Gale & Church 1993; 3-1 and 1-3 assumed).
const TYPES: [((usize, usize), f32); 8] = [
    ((1, 1), 0.89),
    ((1, 0), 0.0099 / 2.0),
    ((0, 1), 0.0099 / 2.0),
    ((2, 1), 0.089 / 2.0),
    ((1, 2), 0.089 / 2.0),
    ((2, 2), 0.011),
    ((3, 1), 0.002),
    ((1, 3), 0.002),
];

/// Scores of the monotone programme for one kind of similarity (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlignWeights {
    /// Weight `κ` of the similarity evidence `sim − min_score`.
    pub similarity_weight: f32,
    /// Similarity `τ` at which an aligned group's similarity neither helps nor hurts.
    pub min_score: f32,
    /// Weight `π` of the group-type priors `ln(P(type)/P(1-1))` (skips included).
    pub prior_weight: f32,
    /// Weight `μ` of the Gale–Church length term `ln P(δ)`.
    pub length_weight: f32,
}

impl Default for AlignWeights {
    /// Chosen on half A of the WMT16 en–fi pairs, perturbed, without a model
    /// (`bench/align.py tune`; half B held out).
    fn default() -> Self {
        AlignWeights { similarity_weight: 1.0, min_score: 0.0, prior_weight: 0.005, length_weight: 0.0075 }
    }
}

/// Parameters of sentence alignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlignConfig {
    /// Monotone weights when the similarity comes from encoder vectors.
    pub with_model: AlignWeights,
    /// Monotone weights when the similarity comes from names, numbers and word prefixes.
    pub without_model: AlignWeights,
    /// Share of the model-free similarity in the similarity with vectors.
    pub lexical_weight: f32,
    /// Half-width, in sentences, of the band around the first pass's anchors.
    pub band: usize,
    /// Free alignment: least similarity of a link with vectors.
    pub free_min_similarity_model: f32,
    /// Free alignment: least similarity of a link without vectors.
    pub free_min_similarity: f32,
}

impl Default for AlignConfig {
    fn default() -> Self {
        AlignConfig {
            // Encoder similarities separate translated sentences from the rest far better than
            // names and numbers do, so the priors weigh less beside them.
            with_model: AlignWeights { prior_weight: 0.002, ..AlignWeights::default() },
            without_model: AlignWeights::default(),
            lexical_weight: 0.3,
            band: 8,
            free_min_similarity_model: 0.2,
            free_min_similarity: 0.3,
        }
    }
}

/// How two articles are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlignMode {
    /// In order (translations, near-copies).
    Monotone,
    /// Anywhere or nowhere (independent reports).
    Free,
}

/// One aligned group: sentences of `a` with sentences of `b` (either may be empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlignedGroup {
    /// 0-based sentence indices in `a`, ascending.
    pub a: Vec<usize>,
    /// 0-based sentence indices in `b`, ascending.
    pub b: Vec<usize>,
    /// Similarity of the two sides in 0..1 (0 for an unaligned sentence).
    pub score: f32,
}

impl AlignedGroup {
    /// True when both sides have sentences.
    pub fn is_aligned(&self) -> bool {
        !self.a.is_empty() && !self.b.is_empty()
    }
}

/// One article's sentences for the aligner.
#[derive(Debug, Clone, Copy)]
pub struct AlignSide<'a> {
    /// Its sentences.
    pub units: &'a [SentenceUnit],
    /// Unit encoder vectors of its first sentences (possibly none).
    pub vectors: &'a [Vec<f32>],
}

/// The precomputed similarities of one pair.
struct Scorer {
    n: usize,
    m: usize,
    chars_a: Vec<f32>,
    chars_b: Vec<f32>,
    keys_a: Vec<Vec<(u64, f32)>>,
    keys_b: Vec<Vec<(u64, f32)>>,
    /// Sentence vectors centred on the pair's mean direction (see [`center_pair`]).
    vec_a: Vec<Option<Vec<f32>>>,
    vec_b: Vec<Option<Vec<f32>>>,
    /// Cosines of single sentences, row-major n × m (empty without vectors).
    cos: Vec<f32>,
    bg_a: Vec<f32>,
    bg_b: Vec<f32>,
    /// Length ratio b / a of the whole pair.
    ratio: f32,
    lexical_weight: f32,
    /// Similarities of single sentences, row-major n × m.
    single: Vec<f32>,
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Mean of the values but the largest (the best match is not background); the plain mean
/// for a single value.
fn background(values: impl Iterator<Item = f32>) -> f32 {
    let (mut sum, mut max, mut k) = (0.0f32, f32::NEG_INFINITY, 0usize);
    for v in values {
        sum += v;
        max = max.max(v);
        k += 1;
    }
    match k {
        0 => 0.0,
        1 => sum,
        _ => (sum - max) / (k - 1) as f32,
    }
}

/// Vectors of the pair that weigh as one when the pair's mean direction is estimated for
/// centring: with few sentences the mean is mostly those sentences' own meaning, so it is
/// subtracted only in part (`N / (N + CENTER_PRIOR)`).
const CENTER_PRIOR: f32 = 8.0;

/// Removes the direction all sentences of the pair share and renormalises. A multilingual
/// encoder puts every sentence of one topic in a narrow cone (cosines 0.75–0.9, "anisotropy",
/// Mu & Viswanath 2018): there, the mean vector of a matching sentence and an unrelated one
/// still points almost where the matching one does, so a deleted sentence would ride along
/// in a merged group at no cost. Centred, unrelated sentences are near-orthogonal and a
/// merged group's similarity drops with every member that does not belong.
fn center_pair(a: Vec<Option<&[f32]>>, b: Vec<Option<&[f32]>>) -> (Vec<Option<Vec<f32>>>, Vec<Option<Vec<f32>>>) {
    let all: Vec<&[f32]> = a.iter().chain(&b).flatten().copied().collect();
    let dim = all.first().map_or(0, |v| v.len());
    let mut mean = vec![0.0f32; dim];
    let mut k = 0usize;
    for v in all.iter().filter(|v| v.len() == dim) {
        mean.iter_mut().zip(v.iter()).for_each(|(m, x)| *m += x);
        k += 1;
    }
    let shrink = if k == 0 { 0.0 } else { 1.0 / (k as f32 + CENTER_PRIOR) };
    let center = |side: Vec<Option<&[f32]>>| -> Vec<Option<Vec<f32>>> {
        side.into_iter()
            .map(|v| {
                let v = v.filter(|v| v.len() == dim)?;
                let mut c: Vec<f32> = v.iter().zip(&mean).map(|(x, m)| x - m * shrink).collect();
                let norm = dot(&c, &c).sqrt();
                (norm > 0.0).then(|| {
                    c.iter_mut().for_each(|x| *x /= norm);
                    c
                })
            })
            .collect()
    };
    (center(a), center(b))
}

impl Scorer {
    fn new<'a>(a: AlignSide<'a>, b: AlignSide<'a>, lexical_weight: f32) -> Self {
        let (n, m) = (a.units.len().min(MAX_ALIGN_SENTENCES), b.units.len().min(MAX_ALIGN_SENTENCES));
        let keys = |s: &[SentenceUnit]| s.iter().map(|u| u.keys.clone()).collect::<Vec<_>>();
        let (keys_a, keys_b) = weigh_by_unit_frequency(&keys(&a.units[..n]), &keys(&b.units[..m]));
        let vecs = |side: AlignSide<'a>, k: usize| -> Vec<Option<&'a [f32]>> {
            (0..k).map(|i| side.vectors.get(i).map(Vec::as_slice).filter(|v| !v.is_empty())).collect()
        };
        let (vec_a, vec_b) = center_pair(vecs(a, n), vecs(b, m));
        let chars_a: Vec<f32> = a.units[..n].iter().map(|u| u.chars.max(1) as f32).collect();
        let chars_b: Vec<f32> = b.units[..m].iter().map(|u| u.chars.max(1) as f32).collect();
        let ratio = chars_b.iter().sum::<f32>().max(1.0) / chars_a.iter().sum::<f32>().max(1.0);
        let with_vectors = vec_a.iter().any(Option::is_some) && vec_b.iter().any(Option::is_some);
        let mut cos = Vec::new();
        let (mut bg_a, mut bg_b) = (vec![0.0; n], vec![0.0; m]);
        if with_vectors {
            cos = vec![f32::NAN; n * m];
            for i in 0..n {
                for j in 0..m {
                    if let (Some(x), Some(y)) = (&vec_a[i], &vec_b[j]) {
                        cos[i * m + j] = dot(x, y);
                    }
                }
            }
            for (i, bg) in bg_a.iter_mut().enumerate() {
                *bg = background((0..m).map(|j| cos[i * m + j]).filter(|c| !c.is_nan()));
            }
            for (j, bg) in bg_b.iter_mut().enumerate() {
                *bg = background((0..n).map(|i| cos[i * m + j]).filter(|c| !c.is_nan()));
            }
        }
        let mut s = Scorer {
            n,
            m,
            chars_a,
            chars_b,
            keys_a,
            keys_b,
            vec_a,
            vec_b,
            cos,
            bg_a,
            bg_b,
            ratio,
            lexical_weight,
            single: Vec::new(),
        };
        s.single = (0..n * m).map(|k| s.similarity(&[k / m], &[k % m])).collect();
        s
    }

    fn uses_vectors(&self) -> bool {
        !self.cos.is_empty()
    }

    /// Length-weighted mean vector of some sentences, renormalised, with their weighted mean
    /// background; `None` when one of them has no vector.
    fn group_vector(&self, idx: &[usize], vecs: &[Option<Vec<f32>>], chars: &[f32], bg: &[f32]) -> Option<(Vec<f32>, f32)> {
        let first = vecs[*idx.first()?].as_ref()?;
        let mut v = vec![0.0f32; first.len()];
        let (mut b, mut total) = (0.0, 0.0);
        for &i in idx {
            let x = vecs[i].as_ref()?;
            if x.len() != v.len() {
                return None;
            }
            for (acc, y) in v.iter_mut().zip(x) {
                *acc += chars[i] * y;
            }
            b += chars[i] * bg[i];
            total += chars[i];
        }
        let norm = dot(&v, &v).sqrt();
        if norm <= 0.0 {
            return None;
        }
        v.iter_mut().for_each(|x| *x /= norm);
        Some((v, b / total))
    }

    /// Similarity of two non-empty groups in 0..1.
    fn similarity(&self, ia: &[usize], ib: &[usize]) -> f32 {
        let lexical = if ia.len() == 1 && ib.len() == 1 {
            key_similarity(&self.keys_a[ia[0]], &self.keys_b[ib[0]])
        } else {
            let ka = union_keys(ia.iter().map(|&i| self.keys_a[i].as_slice()));
            let kb = union_keys(ib.iter().map(|&j| self.keys_b[j].as_slice()));
            key_similarity(&ka, &kb)
        };
        if !self.uses_vectors() {
            return lexical;
        }
        let (c, bg) = if ia.len() == 1 && ib.len() == 1 {
            let c = self.cos[ia[0] * self.m + ib[0]];
            (c, (self.bg_a[ia[0]] + self.bg_b[ib[0]]) / 2.0)
        } else {
            match (
                self.group_vector(ia, &self.vec_a, &self.chars_a, &self.bg_a),
                self.group_vector(ib, &self.vec_b, &self.chars_b, &self.bg_b),
            ) {
                (Some((va, ba)), Some((vb, bb))) => (dot(&va, &vb), (ba + bb) / 2.0),
                _ => (f32::NAN, 0.0),
            }
        };
        if c.is_nan() {
            return lexical;
        }
        let encoder = if bg < 1.0 { ((c - bg) / (1.0 - bg)).clamp(0.0, 1.0) } else { 0.0 };
        (1.0 - self.lexical_weight) * encoder + self.lexical_weight * lexical
    }

    /// Gale & Church's `ln P(δ)` of two groups' character lengths.
    fn ln_length(&self, la: f32, lb: f32) -> f32 {
        let c = self.ratio;
        let var = GC_VARIANCE * (la + lb / c) / 2.0;
        let delta = ((lb - c * la) / var.max(1e-6).sqrt()).abs();
        (2.0 * (1.0 - normal_cdf(delta))).max(1e-30).ln().max(MIN_LN_LENGTH)
    }
}

/// Standard normal distribution function (Abramowitz & Stegun 26.2.17, error < 7.5e-8).
fn normal_cdf(x: f32) -> f32 {
    let x = x as f64;
    let t = 1.0 / (1.0 + 0.231_641_9 * x.abs());
    let poly = t * (0.319_381_530 + t * (-0.356_563_782 + t * (1.781_477_937 + t * (-1.821_255_978 + t * 1.330_274_429))));
    let tail = (-x * x / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt() * poly;
    (if x >= 0.0 { 1.0 - tail } else { tail }) as f32
}

/// Aligns the sentences of two articles; every sentence of both appears in exactly one group.
pub fn align_sentences(a: AlignSide, b: AlignSide, mode: AlignMode, config: &AlignConfig) -> Vec<AlignedGroup> {
    let scorer = Scorer::new(a, b, config.lexical_weight);
    let mut groups = match mode {
        AlignMode::Monotone => monotone(&scorer, config),
        AlignMode::Free => free(&scorer, config),
    };
    // Sentences past MAX_ALIGN_SENTENCES stay alone.
    groups.extend((scorer.n..a.units.len()).map(|i| AlignedGroup { a: vec![i], b: vec![], score: 0.0 }));
    groups.extend((scorer.m..b.units.len()).map(|j| AlignedGroup { a: vec![], b: vec![j], score: 0.0 }));
    groups
}

/// The monotone alignment: first pass 1-1 for anchors, second pass all group types in a band.
fn monotone(s: &Scorer, config: &AlignConfig) -> Vec<AlignedGroup> {
    let w = if s.uses_vectors() { &config.with_model } else { &config.without_model };
    let (n, m) = (s.n, s.m);
    let aligned_score = |ia: &[usize], ib: &[usize], sim: f32, prior: f32| {
        let la: f32 = ia.iter().map(|&i| s.chars_a[i]).sum();
        let lb: f32 = ib.iter().map(|&j| s.chars_b[j]).sum();
        w.similarity_weight * (sim - w.min_score) + w.prior_weight * (prior / TYPES[0].1).ln() + w.length_weight * s.ln_length(la, lb)
    };
    // A skipped sentence costs its type's prior: Gale & Church's 1-0 / 0-1.
    let skip_cost = -w.prior_weight * (TYPES[1].1 / TYPES[0].1).ln();
    // First pass: one-to-one with skips over the whole matrix.
    let full = |_: usize| (0, m);
    let anchors = dp(n, m, &full, &TYPES[..3], skip_cost, |i, j, _, _| {
        aligned_score(&[i], &[j], s.single[i * m + j], TYPES[0].1)
    });
    let path: Vec<(usize, usize)> = anchors.iter().filter(|g| g.0 == 1 && g.1 == 1).map(|g| (g.2 + 1, g.3 + 1)).collect();
    let band = band_around(n, m, &path, config.band);
    let band_fn = |i: usize| band[i];
    let steps = dp(n, m, &band_fn, &TYPES, skip_cost, |i, j, ka, kb| {
        let ia: Vec<usize> = (i..i + ka).collect();
        let ib: Vec<usize> = (j..j + kb).collect();
        let sim = if ka == 1 && kb == 1 { s.single[i * m + j] } else { s.similarity(&ia, &ib) };
        let prior = TYPES.iter().find(|t| t.0 == (ka, kb)).map_or(TYPES[0].1, |t| t.1);
        aligned_score(&ia, &ib, sim, prior)
    });
    steps
        .into_iter()
        .map(|(ka, kb, i, j)| {
            let ia: Vec<usize> = (i..i + ka).collect();
            let ib: Vec<usize> = (j..j + kb).collect();
            let score = match (ka, kb) {
                (0, _) | (_, 0) => 0.0,
                (1, 1) => s.single[i * m + j],
                _ => s.similarity(&ia, &ib),
            };
            AlignedGroup { a: ia, b: ib, score }
        })
        .collect()
}

/// For each row `i` of the prefix grid (0..=n), the columns allowed: `half` around the
/// polyline through (0,0), the anchors (prefix corners) and (n,m).
fn band_around(n: usize, m: usize, anchors: &[(usize, usize)], half: usize) -> Vec<(usize, usize)> {
    let mut points = vec![(0usize, 0usize)];
    points.extend(anchors.iter().copied());
    points.push((n, m));
    let mut lo = vec![usize::MAX; n + 1];
    let mut hi = vec![0usize; n + 1];
    for seg in points.windows(2) {
        let ((x1, y1), (x2, y2)) = (seg[0], seg[1]);
        for i in x1..=x2 {
            let (ya, yb) = if x1 == x2 {
                (y1, y2)
            } else {
                let y = y1 as f32 + (i - x1) as f32 * (y2 as f32 - y1 as f32) / (x2 - x1) as f32;
                (y.floor() as usize, y.ceil() as usize)
            };
            lo[i] = lo[i].min(ya);
            hi[i] = hi[i].max(yb);
        }
    }
    (0..=n)
        .map(|i| {
            // Neighbouring rows' ranges too, so that a vertical step of the path stays inside.
            let l = lo[i.saturating_sub(1)..=(i + 1).min(n)].iter().min().copied().unwrap_or(0);
            let h = hi[i.saturating_sub(1)..=(i + 1).min(n)].iter().max().copied().unwrap_or(m);
            (l.saturating_sub(half), (h + half).min(m))
        })
        .collect()
}

/// The monotone programme over prefix cells (i, j) with `j` in `band(i)`, maximising the sum
/// of step scores; `score(i, j, ka, kb)` scores the aligned group a[i..i+ka] ~ b[j..j+kb], a
/// skip costs `skip`. Returns the steps in order as (ka, kb, i, j).
fn dp(
    n: usize,
    m: usize,
    band: &dyn Fn(usize) -> (usize, usize),
    types: &[((usize, usize), f32)],
    skip: f32,
    score: impl Fn(usize, usize, usize, usize) -> f32,
) -> Vec<(usize, usize, usize, usize)> {
    let width = m + 1;
    let mut best = vec![f32::NEG_INFINITY; (n + 1) * width];
    let mut back = vec![u8::MAX; (n + 1) * width];
    best[0] = 0.0;
    for i in 0..=n {
        let (lo, hi) = band(i);
        for j in lo..=hi.min(m) {
            if i == 0 && j == 0 {
                continue;
            }
            let mut top = f32::NEG_INFINITY;
            let mut arg = u8::MAX;
            for (t, &((ka, kb), _)) in types.iter().enumerate() {
                if ka > i || kb > j {
                    continue;
                }
                let prev = best[(i - ka) * width + (j - kb)];
                if prev == f32::NEG_INFINITY {
                    continue;
                }
                let step = if ka == 0 || kb == 0 { -skip * (ka + kb) as f32 } else { score(i - ka, j - kb, ka, kb) };
                if prev + step > top {
                    top = prev + step;
                    arg = t as u8;
                }
            }
            best[i * width + j] = top;
            back[i * width + j] = arg;
        }
    }
    let mut steps = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let t = back[i * width + j];
        // Unreachable cells cannot occur (skips connect every band cell); leave the rest as skips.
        let (ka, kb) = match types.get(t as usize) {
            Some(&(k, _)) => k,
            None if i > 0 => (1, 0),
            None => (0, 1),
        };
        i -= ka;
        j -= kb;
        steps.push((ka, kb, i, j));
    }
    steps.reverse();
    // Expand multi-sentence skips into single ones: every unaligned sentence is its own group.
    steps
        .into_iter()
        .flat_map(|(ka, kb, i, j)| match (ka, kb) {
            (0, k) => (0..k).map(|d| (0, 1, i, j + d)).collect::<Vec<_>>(),
            (k, 0) => (0..k).map(|d| (1, 0, i + d, j)).collect(),
            _ => vec![(ka, kb, i, j)],
        })
        .collect()
}

/// Free alignment: competitive linking above the threshold, then unlinked sentences join
/// their best match's group.
fn free(s: &Scorer, config: &AlignConfig) -> Vec<AlignedGroup> {
    let (n, m) = (s.n, s.m);
    let threshold = if s.uses_vectors() { config.free_min_similarity_model } else { config.free_min_similarity };
    let mut pairs: Vec<(f32, usize, usize)> = (0..n * m)
        .filter(|&k| s.single[k] >= threshold && s.single[k] > 0.0)
        .map(|k| (s.single[k], k / m, k % m))
        .collect();
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut group_a: Vec<Option<usize>> = vec![None; n];
    let mut group_b: Vec<Option<usize>> = vec![None; m];
    let mut members: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for &(_, i, j) in &pairs {
        if group_a[i].is_none() && group_b[j].is_none() {
            group_a[i] = Some(members.len());
            group_b[j] = Some(members.len());
            members.push((vec![i], vec![j]));
        }
    }
    for &(_, i, j) in &pairs {
        match (group_a[i], group_b[j]) {
            (None, Some(g)) => {
                group_a[i] = Some(g);
                members[g].0.push(i);
            }
            (Some(g), None) => {
                group_b[j] = Some(g);
                members[g].1.push(j);
            }
            _ => {}
        }
    }
    let mut groups: Vec<AlignedGroup> = members
        .into_iter()
        .map(|(mut a, mut b)| {
            a.sort_unstable();
            b.sort_unstable();
            let score = s.similarity(&a, &b);
            AlignedGroup { a, b, score }
        })
        .collect();
    groups.extend((0..n).filter(|&i| group_a[i].is_none()).map(|i| AlignedGroup { a: vec![i], b: vec![], score: 0.0 }));
    groups.extend((0..m).filter(|&j| group_b[j].is_none()).map(|j| AlignedGroup { a: vec![], b: vec![j], score: 0.0 }));
    order_for_reading(&mut groups);
    groups
}

/// Orders groups by their first sentence of `a`; a group with only `b` sentences goes right
/// after the group holding the `b` sentence before it.
fn order_for_reading(groups: &mut [AlignedGroup]) {
    let mut a_of_b: Vec<(usize, f32)> = groups
        .iter()
        .filter(|g| !g.a.is_empty())
        .flat_map(|g| g.b.iter().map(move |&j| (j, g.a[0] as f32)))
        .collect();
    a_of_b.sort_by_key(|&(j, _)| j);
    let key = |g: &AlignedGroup| -> (f32, usize) {
        match (g.a.first(), g.b.first()) {
            (Some(&i), _) => (i as f32, 0),
            (None, Some(&j)) => {
                let before = a_of_b.iter().take_while(|&&(jj, _)| jj < j).last().map_or(-1.0, |&(_, a)| a);
                (before + 0.5, j)
            }
            (None, None) => (f32::MAX, 0),
        }
    };
    groups.sort_by(|x, y| {
        let (kx, ky) = (key(x), key(y));
        kx.0.total_cmp(&ky.0).then(kx.1.cmp(&ky.1))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(keys: &[u64], chars: u32) -> SentenceUnit {
        let mut k: Vec<(u64, f32)> = keys.iter().map(|&k| (k, 1.0)).collect();
        k.sort_unstable_by_key(|&(k, _)| k);
        SentenceUnit { chars, keys: k, strong: true }
    }

    fn pairs(groups: &[AlignedGroup]) -> Vec<(Vec<usize>, Vec<usize>)> {
        groups.iter().map(|g| (g.a.clone(), g.b.clone())).collect()
    }

    fn side<'a>(units: &'a [SentenceUnit], vectors: &'a [Vec<f32>]) -> AlignSide<'a> {
        AlignSide { units, vectors }
    }

    #[test]
    fn a_deleted_sentence_and_a_merge_are_found_without_a_model() {
        // b lost a's second sentence and merged a's 3rd and 4th.
        let a = [unit(&[1, 2], 60), unit(&[3, 4], 50), unit(&[5, 6], 40), unit(&[7, 8], 45), unit(&[9], 70)];
        let b = [unit(&[1, 2], 62), unit(&[5, 6, 7, 8], 88), unit(&[9], 66)];
        let g = align_sentences(side(&a, &[]), side(&b, &[]), AlignMode::Monotone, &AlignConfig::default());
        assert_eq!(
            pairs(&g),
            vec![(vec![0], vec![0]), (vec![1], vec![]), (vec![2, 3], vec![1]), (vec![4], vec![2])],
            "{g:?}"
        );
        assert!(g[0].score > 0.9 && g[1].score == 0.0);
    }

    #[test]
    fn free_alignment_matches_out_of_order_and_leaves_the_rest() {
        let a = [unit(&[1, 2], 60), unit(&[3, 4], 50), unit(&[5, 6], 40)];
        let b = [unit(&[5, 6], 40), unit(&[10, 11], 50), unit(&[1, 2], 60)];
        let g = align_sentences(side(&a, &[]), side(&b, &[]), AlignMode::Free, &AlignConfig::default());
        let p = pairs(&g);
        assert!(p.contains(&(vec![0], vec![2])) && p.contains(&(vec![2], vec![0])), "{p:?}");
        assert!(p.contains(&(vec![1], vec![])) && p.contains(&(vec![], vec![1])), "{p:?}");
        assert_eq!(g.iter().map(|g| g.a.len() + g.b.len()).sum::<usize>(), 6);
    }

    #[test]
    fn vectors_decide_when_given_and_merged_groups_use_the_mean_vector() {
        // Orthogonal "meanings"; b's sentence 1 says what a's 1 and 2 say together.
        let e = |k: usize| {
            let mut v = vec![0.0f32; 6];
            v[k] = 1.0;
            v
        };
        let mean = |x: &[f32], y: &[f32]| {
            let mut v: Vec<f32> = x.iter().zip(y).map(|(a, b)| a + b).collect();
            storyweave_encode::neural::normalize(&mut v);
            v
        };
        let va = vec![e(0), e(1), e(2), e(3)];
        let vb = vec![e(0), mean(&e(1), &e(2)), e(3)];
        let ua = [unit(&[], 40), unit(&[], 40), unit(&[], 40), unit(&[], 40)];
        let ub = [unit(&[], 40), unit(&[], 80), unit(&[], 40)];
        let g = align_sentences(side(&ua, &va), side(&ub, &vb), AlignMode::Monotone, &AlignConfig::default());
        assert_eq!(pairs(&g), vec![(vec![0], vec![0]), (vec![1, 2], vec![1]), (vec![3], vec![2])], "{g:?}");
    }

    #[test]
    fn empty_sides_give_only_unaligned_sentences() {
        let a = [unit(&[1], 10)];
        for mode in [AlignMode::Monotone, AlignMode::Free] {
            let g = align_sentences(side(&a, &[]), side(&[], &[]), mode, &AlignConfig::default());
            assert_eq!(pairs(&g), vec![(vec![0], vec![])]);
            assert!(align_sentences(side(&[], &[]), side(&[], &[]), mode, &AlignConfig::default()).is_empty());
        }
    }

    #[test]
    fn normal_cdf_matches_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-6);
        assert!((normal_cdf(1.96) - 0.975).abs() < 1e-3);
        assert!((normal_cdf(-1.0) - 0.1587).abs() < 1e-3);
    }
}
