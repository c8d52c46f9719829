//! Monotone one-to-one alignment of paragraphs across languages by their keys (the
//! model-free translation rule and the evidence of relations).

use std::collections::HashMap;
use storyweave_model::PassagePair;

/// Paragraph lists longer than this are cut for alignment: the dynamic programme is
/// quadratic, and a translation is recognisable from its first few hundred paragraphs.
const MAX_ALIGN_PARAGRAPHS: usize = 400;

/// Weighted Dice overlap of two sorted weighted key sets.
pub fn key_similarity(a: &[(u64, f32)], b: &[(u64, f32)]) -> f32 {
    let total: f32 = a.iter().chain(b.iter()).map(|&(_, w)| w).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0.0f32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += a[i].1.min(b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common / total
}

/// Re-weights keys by how many units (paragraphs or sentences) of the two articles carry them:
/// the names a whole story is about (Putin, Kim) occur in most units of both articles and
/// would align any unit with any other, while a key found in one unit on each side pins them
/// down.
pub(crate) fn weigh_by_unit_frequency(a: &[Vec<(u64, f32)>], b: &[Vec<(u64, f32)>]) -> (Vec<Vec<(u64, f32)>>, Vec<Vec<(u64, f32)>>) {
    let mut pf: HashMap<u64, u32> = HashMap::new();
    for p in a.iter().chain(b) {
        for &(k, _) in p {
            *pf.entry(k).or_insert(0) += 1;
        }
    }
    let total = (a.len() + b.len()) as f32;
    let norm = (1.0 + total / 2.0).ln().max(1e-6);
    let weigh = |ps: &[Vec<(u64, f32)>]| -> Vec<Vec<(u64, f32)>> {
        ps.iter()
            .map(|p| {
                p.iter()
                    .map(|&(k, w)| {
                        let f = pf.get(&k).copied().unwrap_or(1) as f32;
                        // A key in one paragraph of each article (f = 2) keeps its full weight.
                        (k, w * ((1.0 + total / f).ln() / norm).min(1.0))
                    })
                    .collect()
            })
            .collect()
    };
    (weigh(a), weigh(b))
}

/// Aligns paragraphs of two articles one-to-one and in order (translations keep the order of
/// their source), maximising the summed similarity of aligned pairs; pairs under `min_sim`
/// are never aligned. Returns the aligned pairs in order.
pub fn align_paragraphs(a: &[Vec<(u64, f32)>], b: &[Vec<(u64, f32)>], min_sim: f32) -> Vec<PassagePair> {
    let (n, m) = (a.len().min(MAX_ALIGN_PARAGRAPHS), b.len().min(MAX_ALIGN_PARAGRAPHS));
    if n == 0 || m == 0 {
        return Vec::new();
    }
    let (a, b) = weigh_by_unit_frequency(&a[..n], &b[..m]);
    align_by(n, m, |i, j| key_similarity(&a[i], &b[j]), min_sim)
}

/// The monotone one-to-one alignment of `n` by `m` units maximising summed similarity.
fn align_by(n: usize, m: usize, similarity: impl Fn(usize, usize) -> f32, min_sim: f32) -> Vec<PassagePair> {
    if n == 0 || m == 0 {
        return Vec::new();
    }
    let sim = |i: usize, j: usize| {
        let s = similarity(i, j);
        if s >= min_sim && s > 0.0 { s } else { 0.0 }
    };
    // best[i][j]: best total for a[..i], b[..j].
    let mut best = vec![vec![0.0f32; m + 1]; n + 1];
    let mut sims = vec![vec![0.0f32; m]; n];
    for i in 0..n {
        for j in 0..m {
            sims[i][j] = sim(i, j);
        }
    }
    for i in 1..=n {
        for j in 1..=m {
            let diag = if sims[i - 1][j - 1] > 0.0 { best[i - 1][j - 1] + sims[i - 1][j - 1] } else { 0.0 };
            best[i][j] = diag.max(best[i - 1][j]).max(best[i][j - 1]);
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        let s = sims[i - 1][j - 1];
        if s > 0.0 && (best[i][j] - (best[i - 1][j - 1] + s)).abs() < 1e-6 {
            out.push(PassagePair { a: i - 1, b: j - 1, score: s });
            i -= 1;
            j -= 1;
        } else if best[i - 1][j] >= best[i][j - 1] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ks: &[u64]) -> Vec<(u64, f32)> {
        let mut v: Vec<(u64, f32)> = ks.iter().map(|&k| (k, 1.0)).collect();
        v.sort_unstable_by_key(|&(k, _)| k);
        v
    }

    #[test]
    fn alignment_is_monotone_and_skips_unmatched() {
        let a = vec![keys(&[1, 2]), keys(&[3, 4]), keys(&[5, 6])];
        let b = vec![keys(&[1, 2]), keys(&[9]), keys(&[5, 6])];
        let pairs = align_paragraphs(&a, &b, 0.1);
        let idx: Vec<(usize, usize)> = pairs.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(idx, vec![(0, 0), (2, 2)]);
    }

    #[test]
    fn crossing_matches_are_not_both_taken() {
        let a = vec![keys(&[1]), keys(&[2])];
        let b = vec![keys(&[2]), keys(&[1])];
        assert_eq!(align_paragraphs(&a, &b, 0.1).len(), 1);
    }

    #[test]
    fn dice_of_identical_sets_is_one() {
        assert!((key_similarity(&keys(&[1, 2, 3]), &keys(&[1, 2, 3])) - 1.0).abs() < 1e-6);
        assert_eq!(key_similarity(&keys(&[1]), &keys(&[2])), 0.0);
    }
}
