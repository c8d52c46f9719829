//! Sorted sparse vectors of hashed features.

use serde::{Deserialize, Serialize};

/// Stable 32-bit hash of a feature key. xxh3 is specified and stable across versions, which
/// matters because hashed features are stored on disk; std's hasher makes no such promise.
pub fn hash_key(channel: &str, key: &str) -> u32 {
    let mut buf = Vec::with_capacity(channel.len() + key.len() + 1);
    buf.extend_from_slice(channel.as_bytes());
    buf.push(0x1f);
    buf.extend_from_slice(key.as_bytes());
    // 32 bits: features are stored per article, and the few collisions among a million
    // distinct keys move similarities by far less than the noise of the evidence itself.
    xxhash_rust::xxh3::xxh3_64(&buf) as u32
}

/// A sparse vector: `(feature hash, count)` pairs sorted by hash, without repeats.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SparseVec(pub Vec<(u32, f32)>);

impl SparseVec {
    /// Builds a vector by counting hashes (any order, repeats summed).
    pub fn from_counts(mut items: Vec<(u32, f32)>) -> Self {
        items.sort_unstable_by_key(|&(h, _)| h);
        let mut out: Vec<(u32, f32)> = Vec::with_capacity(items.len());
        for (h, c) in items {
            match out.last_mut() {
                Some(last) if last.0 == h => last.1 += c,
                _ => out.push((h, c)),
            }
        }
        SparseVec(out)
    }

    /// Number of distinct features.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no features.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Iterates over `(hash, count)`.
    pub fn iter(&self) -> impl Iterator<Item = &(u32, f32)> {
        self.0.iter()
    }

    /// True when the vector holds this hash.
    pub fn contains(&self, h: u32) -> bool {
        self.0.binary_search_by_key(&h, |&(k, _)| k).is_ok()
    }

    /// Calls `f(hash, count_self, count_other)` for every hash present in both (merge join).
    pub fn for_each_common(&self, other: &SparseVec, mut f: impl FnMut(u32, f32, f32)) {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j) = (0, 0);
        // Advancing by comparison results rather than branching on them: which side moves
        // is unpredictable, and this merge, run over every channel of some forty candidates
        // per new article, was the clusterer's largest cost.
        while i < a.len() && j < b.len() {
            let (x, y) = (a[i].0, b[j].0);
            if x == y {
                f(x, a[i].1, b[j].1);
            }
            i += usize::from(x <= y);
            j += usize::from(y <= x);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_merged_and_sorted() {
        let v = SparseVec::from_counts(vec![(5, 1.0), (2, 1.0), (5, 2.0)]);
        assert_eq!(v.0, vec![(2, 1.0), (5, 3.0)]);
        assert!(v.contains(5) && !v.contains(3));
    }

    #[test]
    fn common_features_are_joined() {
        let a = SparseVec::from_counts(vec![(1, 1.0), (3, 2.0), (7, 1.0)]);
        let b = SparseVec::from_counts(vec![(3, 5.0), (7, 1.0), (9, 1.0)]);
        let mut seen = Vec::new();
        a.for_each_common(&b, |h, x, y| seen.push((h, x, y)));
        assert_eq!(seen, vec![(3, 2.0, 5.0), (7, 1.0, 1.0)]);
    }

    #[test]
    fn the_merge_finds_exactly_the_shared_features() {
        // Vectors of many sizes and overlaps, including empty ones and runs on either side.
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as u32
        };
        for round in 0..200 {
            let n = (next() % 40) as usize;
            let m = (next() % 40) as usize;
            let span = 1 + round % 60;
            let a = SparseVec::from_counts((0..n).map(|k| (next() % span, k as f32 + 1.0)).collect());
            let b = SparseVec::from_counts((0..m).map(|k| (next() % span, k as f32 + 0.5)).collect());
            let mut seen = Vec::new();
            a.for_each_common(&b, |h, x, y| seen.push((h, x, y)));
            let expected: Vec<(u32, f32, f32)> =
                a.0.iter().filter_map(|&(h, x)| b.0.iter().find(|e| e.0 == h).map(|&(_, y)| (h, x, y))).collect();
            assert_eq!(seen, expected, "round {round}");
        }
    }

    #[test]
    fn hash_depends_on_channel() {
        assert_ne!(hash_key("ent", "putin"), hash_key("term", "putin"));
        assert_eq!(hash_key("ent", "putin"), hash_key("ent", "putin"));
    }
}
