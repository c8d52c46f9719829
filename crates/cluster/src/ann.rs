//! Nearest-neighbour search over sentence-encoder vectors.
//!
//! Story assignment needs, for every new article, the few earlier articles whose encoder
//! vectors are most similar by cosine. Comparing with every stored vector costs time linear in
//! the archive, so above some 16k articles ([`AnnConfig::exact_below`]) the search goes
//! through an HNSW graph ([`hnsw_rs`]), whose search cost grows far slower than the number of
//! vectors, at a measured recall (see `bench/ann.md`).
//!
//! Vectors are keyed by a dense *slot* number (0, 1, 2, ... in insertion order) so that the
//! caller keeps its own table from slot to article and the index stores nothing else.
//!
//! ```
//! use storyweave_cluster::ann::{AnnConfig, AutoIndex, VectorIndex};
//! let mut index = AutoIndex::new(3, AnnConfig::default());
//! index.insert(0, &[1.0, 0.0, 0.0]);
//! index.insert(1, &[0.0, 1.0, 0.0]);
//! index.insert(2, &[0.8, 0.6, 0.0]);
//! let hits = index.search(&[1.0, 0.0, 0.0], 2);
//! assert_eq!(hits[0].0, 0);
//! assert_eq!(hits[1].0, 2);
//! ```
//!
//! # Inputs that are not stored
//!
//! None of the indexes panics on bad input; they leave it out instead, so that one broken
//! article cannot stop a run:
//! - a vector whose length is not the index's dimension,
//! - a vector whose norm is zero or not finite (an empty text, a NaN from upstream),
//! - a slot that is not greater than every slot inserted before (slots come each once, in
//!   increasing order; a repeat would otherwise be returned twice).
//!
//! A query with the wrong length, a zero or non-finite norm, or `k == 0` returns no hits.
//!
//! Vectors are re-normalised on the way in, so the similarity is the cosine even when a
//! caller's vectors are not exactly of unit length.

use hnsw_rs::hnsw::Hnsw;
use hnsw_rs::prelude::Distance;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt;

/// Cosine nearest-neighbour search over L2-normalised vectors, keyed by a dense slot number.
pub trait VectorIndex: Send + Sync {
    /// Adds the vector of slot `slot` (slots are 0,1,2,... in insertion order; each once).
    ///
    /// Vectors of the wrong length or with a zero or non-finite norm, and slots not greater
    /// than the previous one, are left out (see the module documentation).
    fn insert(&mut self, slot: u32, vector: &[f32]);

    /// Up to `k` slots most similar to `query`, best first, with their cosine similarity.
    ///
    /// Equal similarities are ordered by slot, so that results do not depend on hash or
    /// thread order. A query that could not be stored (see [`VectorIndex::insert`]) gets no
    /// hits.
    fn search(&self, query: &[f32], k: usize) -> Vec<(u32, f32)>;

    /// Number of vectors held.
    fn len(&self) -> usize;

    /// Whether no vector is held.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Parameters of the vector index; defaults chosen in `bench/ann.md` on synthetic 384-dim
/// news-like vectors: recall@10 0.96 at a million vectors (0.99 at 100k), a search ~20x
/// faster than brute force there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnnConfig {
    /// [`AutoIndex`] searches exactly while it holds fewer vectors than this, and builds the
    /// HNSW graph once it reaches it. Below ~20-30k vectors of 384 dimensions a brute-force
    /// scan is faster than the graph at the default `ef_search` (measured: 0.16 ms against
    /// 0.6 ms at 4k, 0.8 against 1.6 ms at 16k, 1.7 against 1.0 ms at 32k), and exact.
    /// The graph's build cost is the same whenever it is paid. `0` uses the graph from the
    /// start, `usize::MAX` never.
    pub exact_below: usize,
    /// HNSW links per vector and layer (the bottom layer keeps twice as many). More links
    /// raise recall on clustered data, where near-duplicates crowd each other out of a
    /// vector's neighbour list, at the cost of memory and build time. Clamped to 2..=255.
    pub max_connections: usize,
    /// Candidates examined when linking a new vector into the graph; higher gives a better
    /// graph (higher recall at the same `ef_search`) and a slower insert. Raised to at least
    /// `2 × max_connections + 1`: with fewer candidates than bottom-layer links hnsw_rs
    /// skips its neighbour-diversity heuristic and clustered data falls apart into islands.
    pub ef_construction: usize,
    /// Candidates examined per search (at least `k` are always examined); the main knob
    /// trading query time for recall, and the only one that can change without rebuilding
    /// the graph ([`HnswIndex::set_ef_search`]).
    pub ef_search: usize,
}

impl Default for AnnConfig {
    fn default() -> Self {
        AnnConfig {
            exact_below: 16_384,
            max_connections: 16,
            ef_construction: 200,
            ef_search: 256,
        }
    }
}

/// Cosine similarity of two unit vectors, clamped to [-1, 1] because rounding can push the
/// dot product of a vector with itself just past 1.
fn similarity(a: &[f32], b: &[f32]) -> f32 {
    dot(a, b).clamp(-1.0, 1.0)
}

/// Dot product with independent partial sums: a single running sum is a serial dependency
/// chain the compiler may not reorder (float addition is not associative), while separate
/// lanes let it use SIMD registers, several times faster at 384 dimensions.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 16;
    let mut acc = [0.0f32; LANES];
    let chunks_a = a.chunks_exact(LANES);
    let chunks_b = b.chunks_exact(LANES);
    let mut tail = 0.0f32;
    for (x, y) in chunks_a.remainder().iter().zip(chunks_b.remainder()) {
        tail += x * y;
    }
    for (x, y) in chunks_a.zip(chunks_b) {
        for i in 0..LANES {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// A unit-length copy of `vector`, or `None` when it cannot be stored or searched with
/// (wrong length, zero or non-finite norm).
fn normalized(vector: &[f32], dim: usize) -> Option<Vec<f32>> {
    if vector.len() != dim || dim == 0 {
        return None;
    }
    let norm = dot(vector, vector).sqrt();
    if !norm.is_finite() || norm <= f32::MIN_POSITIVE {
        return None;
    }
    let inv = 1.0 / norm;
    Some(vector.iter().map(|x| x * inv).collect())
}

/// HNSW distance on unit vectors: `1 - cosine`.
///
/// Used instead of hnsw_rs's `DistDot`, which asserts that `1 - dot >= 0` (a vector compared
/// with itself can round to slightly below 0 and panic) and sums serially. The result is
/// kept in [0, 2] and never NaN, because hnsw_rs asserts non-negative distances and orders
/// them with `partial_cmp().unwrap()`.
#[derive(Debug, Clone, Copy, Default)]
struct UnitCosine;

impl Distance<f32> for UnitCosine {
    fn eval(&self, va: &[f32], vb: &[f32]) -> f32 {
        let d = 1.0 - similarity(va, vb);
        if d >= 0.0 {
            d
        } else {
            // Only NaN gets here (similarity is clamped); inputs are checked to be finite,
            // so this is a guard against panicking inside hnsw_rs, not a real case.
            0.0
        }
    }
}

/// One search hit, ordered so that the *worse* hit is the greater: a max-heap of hits then
/// keeps the worst of the current best `k` on top, ready to be replaced.
#[derive(Debug, Clone, Copy)]
struct Hit {
    sim: f32,
    slot: u32,
}

impl Ord for Hit {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .sim
            .total_cmp(&self.sim)
            .then(self.slot.cmp(&other.slot))
    }
}

impl PartialOrd for Hit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Hit {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Hit {}

/// Brute-force exact search: compares the query with every stored vector.
///
/// Exact and with no build cost; its search time grows linearly with the number of vectors,
/// so it suits a few thousand vectors (or serves as the reference answer in tests and the
/// benchmark).
#[derive(Clone)]
pub struct ExactIndex {
    dim: usize,
    /// Unit vectors one after another, `dim` floats each: one allocation and a linear scan
    /// that the prefetcher follows.
    data: Vec<f32>,
    /// Slot of each stored vector, parallel to `data`; not the position, because vectors
    /// left out (zero norm, wrong length) leave gaps in the slot numbers.
    slots: Vec<u32>,
}

impl ExactIndex {
    /// An empty index for vectors of `dim` dimensions.
    pub fn new(dim: usize) -> Self {
        ExactIndex {
            dim,
            data: Vec::new(),
            slots: Vec::new(),
        }
    }

    /// The dimension the index was made for.
    pub fn dim(&self) -> usize {
        self.dim
    }

    fn accepts_slot(&self, slot: u32) -> bool {
        self.slots.last().is_none_or(|&last| slot > last)
    }

    fn push_unit(&mut self, slot: u32, unit: &[f32]) {
        self.data.extend_from_slice(unit);
        self.slots.push(slot);
    }

    /// The stored unit vectors with their slots, in insertion order.
    fn iter_units(&self) -> impl Iterator<Item = (u32, &[f32])> {
        self.slots
            .iter()
            .copied()
            .zip(self.data.chunks_exact(self.dim.max(1)))
    }
}

impl VectorIndex for ExactIndex {
    fn insert(&mut self, slot: u32, vector: &[f32]) {
        if !self.accepts_slot(slot) {
            return;
        }
        if let Some(unit) = normalized(vector, self.dim) {
            self.push_unit(slot, &unit);
        }
    }

    fn search(&self, query: &[f32], k: usize) -> Vec<(u32, f32)> {
        // More hits than vectors cannot be returned, and a huge `k` must not size the heap.
        let k = k.min(self.slots.len());
        if k == 0 {
            return Vec::new();
        }
        let Some(query) = normalized(query, self.dim) else {
            return Vec::new();
        };
        // A bounded heap instead of scoring into a vector and sorting: memory stays O(k)
        // whatever the number of vectors.
        let mut best = BinaryHeap::with_capacity(k + 1);
        for (slot, unit) in self.iter_units() {
            let hit = Hit {
                sim: similarity(&query, unit),
                slot,
            };
            if best.len() < k {
                best.push(hit);
            } else if best.peek().is_some_and(|worst| hit < *worst) {
                best.pop();
                best.push(hit);
            }
        }
        best.into_sorted_vec()
            .into_iter()
            .map(|h| (h.slot, h.sim))
            .collect()
    }

    fn len(&self) -> usize {
        self.slots.len()
    }
}

impl fmt::Debug for ExactIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExactIndex")
            .field("dim", &self.dim)
            .field("len", &self.slots.len())
            .finish()
    }
}

/// Approximate search in an HNSW graph (hnsw_rs) on cosine distance.
///
/// Vectors are inserted one at a time on the calling thread: hnsw_rs's parallel insert lets
/// thread timing decide which links a vector gets, and the clusterer needs the same stories
/// from the same input. With sequential inserts the graph, and so every answer, depends only
/// on the insertion order (hnsw_rs draws layer levels from a fixed seed).
pub struct HnswIndex {
    dim: usize,
    ef_search: usize,
    graph: Hnsw<'static, f32, UnitCosine>,
    last_slot: Option<u32>,
}

/// hnsw_rs sizes its level distribution with this many layers; its own maximum.
const MAX_LAYERS: usize = 16;
/// Far beyond any useful `ef_construction` (a few hundred).
const MAX_EF_CONSTRUCTION: usize = 1 << 14;
/// Largest capacity hint passed on to hnsw_rs.
const MAX_CAPACITY_HINT: usize = 1 << 24;

impl HnswIndex {
    /// An empty graph for vectors of `dim` dimensions.
    pub fn new(dim: usize, config: &AnnConfig) -> Self {
        Self::with_capacity(dim, config, 0)
    }

    /// An empty graph that reserves room for `capacity` vectors (a hint; it grows beyond).
    ///
    /// `max_connections` is clamped to 2..=255 and `ef_construction` to at least
    /// `2 × max_connections + 1` (see [`AnnConfig`]).
    pub fn with_capacity(dim: usize, config: &AnnConfig, capacity: usize) -> Self {
        // hnsw_rs exits the process above 256 links and its level scale is 1/ln(links),
        // infinite at 1: clamp rather than trust a config file.
        let links = config.max_connections.clamp(2, 255);
        // With no more candidates than the bottom layer's 2 × links, hnsw_rs links them all
        // and skips its diversity heuristic, so clustered data gets a graph of isolated
        // clusters (16 links, unit-test data: recall@10 about 0.63 at ef_construction 32,
        // 0.92-0.95 at 40).
        // The upper bound only keeps a typo from sizing hnsw_rs's heaps beyond memory.
        let ef_construction = config
            .ef_construction
            .clamp(2 * links + 1, MAX_EF_CONSTRUCTION);
        // hnsw_rs reserves its layer tables from the hint; a wrong hint must not exhaust
        // memory up front.
        let capacity = capacity.min(MAX_CAPACITY_HINT);
        let graph = Hnsw::new(links, capacity, MAX_LAYERS, ef_construction, UnitCosine);
        HnswIndex {
            dim,
            ef_search: config.ef_search.max(1),
            graph,
            last_slot: None,
        }
    }

    /// The dimension the index was made for.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Changes the search width; the graph is unaffected, so recall and speed can be traded
    /// without rebuilding.
    pub fn set_ef_search(&mut self, ef_search: usize) {
        self.ef_search = ef_search.max(1);
    }

    fn push_unit(&mut self, slot: u32, unit: &[f32]) {
        self.graph.insert_slice((unit, slot as usize));
        self.last_slot = Some(slot);
    }
}

impl VectorIndex for HnswIndex {
    fn insert(&mut self, slot: u32, vector: &[f32]) {
        if self.last_slot.is_some_and(|last| slot <= last) {
            return;
        }
        if let Some(unit) = normalized(vector, self.dim) {
            self.push_unit(slot, &unit);
        }
    }

    fn search(&self, query: &[f32], k: usize) -> Vec<(u32, f32)> {
        // hnsw_rs allocates heaps of `ef` entries: a huge `k` or `ef_search` must not reach
        // it, and a width beyond the number of vectors finds nothing more.
        let n = self.graph.get_nb_point();
        let k = k.min(n);
        if k == 0 {
            return Vec::new();
        }
        let Some(query) = normalized(query, self.dim) else {
            return Vec::new();
        };
        let ef = self.ef_search.max(k).min(n);
        // Ask for all `ef` candidates the search has anyway, then cut to `k` after sorting
        // by (similarity, slot): hnsw_rs cuts in heap order, which could keep either of two
        // tied hits at the boundary.
        let mut hits: Vec<Hit> = self
            .graph
            .search(&query, ef, ef)
            .into_iter()
            .filter_map(|n| {
                let slot = u32::try_from(n.d_id).ok()?;
                Some(Hit {
                    sim: 1.0 - n.distance,
                    slot,
                })
            })
            .collect();
        hits.sort_unstable();
        hits.truncate(k);
        hits.into_iter().map(|h| (h.slot, h.sim)).collect()
    }

    fn len(&self) -> usize {
        self.graph.get_nb_point()
    }
}

impl fmt::Debug for HnswIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HnswIndex")
            .field("dim", &self.dim)
            .field("len", &self.graph.get_nb_point())
            .field("max_connections", &self.graph.get_max_nb_connection())
            .field("ef_construction", &self.graph.get_ef_construction())
            .field("ef_search", &self.ef_search)
            .finish()
    }
}

/// Exact search while small, HNSW once it holds [`AnnConfig::exact_below`] vectors; the index
/// the clusterer uses.
///
/// The switch happens inside the [`VectorIndex::insert`] that reaches the threshold: that
/// call builds the graph from every vector held (in slot order, so the graph is the same as
/// if it had been built online) and so takes as long as those inserts would have: 5-15 s
/// on the benchmark machine for the default 16,384 vectors of 384 dimensions. Callers that
/// cannot take that pause in one call can lower `exact_below`.
pub struct AutoIndex {
    dim: usize,
    config: AnnConfig,
    inner: Inner,
}

enum Inner {
    Exact(ExactIndex),
    Hnsw(HnswIndex),
}

impl AutoIndex {
    /// An empty index for vectors of `dim` dimensions.
    pub fn new(dim: usize, config: AnnConfig) -> Self {
        let inner = if config.exact_below == 0 {
            Inner::Hnsw(HnswIndex::new(dim, &config))
        } else {
            Inner::Exact(ExactIndex::new(dim))
        };
        AutoIndex { dim, config, inner }
    }

    /// The dimension the index was made for.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The configuration it was made with.
    pub fn config(&self) -> &AnnConfig {
        &self.config
    }

    /// Whether searches now go through the HNSW graph (and so are approximate).
    pub fn is_hnsw(&self) -> bool {
        matches!(self.inner, Inner::Hnsw(_))
    }

    fn switch_to_hnsw(&mut self) {
        let Inner::Exact(exact) = &self.inner else {
            return;
        };
        // Room for the vectors held and as many again: the graph keeps growing after this.
        let mut hnsw = HnswIndex::with_capacity(self.dim, &self.config, exact.len() * 2);
        for (slot, unit) in exact.iter_units() {
            hnsw.push_unit(slot, unit);
        }
        // Assigning drops the exact copy: holding both would double the vector memory.
        self.inner = Inner::Hnsw(hnsw);
    }
}

/// The file name stem of a dumped HNSW graph (hnsw_rs adds `.hnsw.graph` / `.hnsw.data`).
const HNSW_BASENAME: &str = "ann";

impl AutoIndex {
    /// Writes the index into folder `dir` (which must exist): the HNSW graph as hnsw_rs dumps
    /// it, so that reopening does not rebuild it (minutes at 100,000 vectors). An exact index
    /// writes nothing: it is rebuilt from the vectors, which costs no more than reading them.
    pub fn dump(&self, dir: &std::path::Path) -> Result<Vec<std::path::PathBuf>, String> {
        use hnsw_rs::api::AnnT;
        match &self.inner {
            Inner::Exact(_) => Ok(Vec::new()),
            Inner::Hnsw(h) => {
                let name = h.graph.file_dump(dir, HNSW_BASENAME).map_err(|e| format!("dumping the HNSW graph: {e}"))?;
                if name != HNSW_BASENAME {
                    return Err(format!("hnsw_rs wrote {name} instead of {HNSW_BASENAME} in {}", dir.display()));
                }
                Ok(vec![
                    dir.join(format!("{HNSW_BASENAME}.hnsw.graph")),
                    dir.join(format!("{HNSW_BASENAME}.hnsw.data")),
                ])
            }
        }
    }

    /// Reopens an index: the HNSW graph dumped in `dir` when `hnsw` is true (its files must
    /// have been checked by the caller: hnsw_rs panics on damaged ones), else an exact index
    /// refilled from `vectors` (slot, vector) in slot order.
    pub fn load<'v>(
        dir: &std::path::Path,
        dim: usize,
        config: AnnConfig,
        hnsw: bool,
        vectors: impl Iterator<Item = (u32, &'v [f32])>,
    ) -> Result<AutoIndex, String> {
        if !hnsw {
            let mut index = AutoIndex::new(dim, AnnConfig { exact_below: usize::MAX, ..config.clone() });
            for (slot, v) in vectors {
                index.insert(slot, v);
            }
            index.config = config;
            return Ok(index);
        }
        // hnsw_rs ties a reloaded graph's lifetime to its loader, for memory-mapped data. The
        // data is read into memory here (no mmap), so the loader holds only its paths; it is
        // leaked, a few hundred bytes once per opened store, to give the graph the 'static
        // lifetime a long-lived index needs.
        let io: &'static hnsw_rs::hnswio::HnswIo = Box::leak(Box::new(hnsw_rs::hnswio::HnswIo::new(dir, HNSW_BASENAME)));
        let graph: Hnsw<'static, f32, UnitCosine> =
            io.load_hnsw_with_dist(UnitCosine).map_err(|e| format!("reading the HNSW graph in {}: {e}", dir.display()))?;
        let last_slot = vectors.map(|(s, _)| s).max();
        let ef_search = config.ef_search.max(1);
        Ok(AutoIndex { dim, config, inner: Inner::Hnsw(HnswIndex { dim, ef_search, graph, last_slot }) })
    }
}

impl VectorIndex for AutoIndex {
    fn insert(&mut self, slot: u32, vector: &[f32]) {
        match &mut self.inner {
            Inner::Exact(exact) => {
                exact.insert(slot, vector);
                if exact.len() >= self.config.exact_below {
                    self.switch_to_hnsw();
                }
            }
            Inner::Hnsw(hnsw) => hnsw.insert(slot, vector),
        }
    }

    fn search(&self, query: &[f32], k: usize) -> Vec<(u32, f32)> {
        match &self.inner {
            Inner::Exact(exact) => exact.search(query, k),
            Inner::Hnsw(hnsw) => hnsw.search(query, k),
        }
    }

    fn len(&self) -> usize {
        match &self.inner {
            Inner::Exact(exact) => exact.len(),
            Inner::Hnsw(hnsw) => hnsw.len(),
        }
    }
}

impl fmt::Debug for AutoIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("AutoIndex");
        s.field("config", &self.config);
        match &self.inner {
            Inner::Exact(exact) => s.field("inner", exact),
            Inner::Hnsw(hnsw) => s.field("inner", hnsw),
        };
        s.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use storyweave_encode::tiny::SplitMix64 as Rng;

    /// `n` vectors around `clusters` random centres (spread `spread` per coordinate relative
    /// to a unit centre), the shape sentence vectors of near-duplicate articles have.
    fn clustered(n: usize, dim: usize, clusters: usize, spread: f32, seed: u64) -> Vec<Vec<f32>> {
        let mut rng = Rng(seed);
        let scale = 1.0 / (dim as f32).sqrt();
        let centres: Vec<Vec<f32>> = (0..clusters)
            .map(|_| (0..dim).map(|_| rng.normal_f32() * scale).collect())
            .collect();
        (0..n)
            .map(|_| {
                let c = &centres[rng.below(clusters)];
                c.iter().map(|x| x + rng.normal_f32() * scale * spread).collect()
            })
            .collect()
    }

    /// A cheaper graph than the default. This crate instantiates hnsw_rs's generic code, so
    /// in a debug build it runs unoptimised: 5,000 vectors at the default `ef_construction`
    /// take ~10 s. The defaults themselves are measured by the release benchmark
    /// (`examples/ann_recall.rs`, `bench/ann.md`).
    fn test_config() -> AnnConfig {
        AnnConfig {
            ef_construction: 40,
            ef_search: 100,
            ..AnnConfig::default()
        }
    }

    fn recall(truth: &[(u32, f32)], found: &[(u32, f32)]) -> f64 {
        let hits = truth
            .iter()
            .filter(|(s, _)| found.iter().any(|(f, _)| f == s))
            .count();
        hits as f64 / truth.len().max(1) as f64
    }

    #[test]
    fn exact_returns_true_neighbours_in_order() {
        let mut index = ExactIndex::new(2);
        index.insert(0, &[1.0, 0.0]);
        index.insert(1, &[0.0, 1.0]);
        index.insert(2, &[0.6, 0.8]);
        index.insert(3, &[-1.0, 0.0]);
        // Not unit length: stored as the cosine direction all the same.
        index.insert(4, &[3.0, 3.0]);
        let hits = index.search(&[1.0, 0.0], 3);
        let slots: Vec<u32> = hits.iter().map(|h| h.0).collect();
        assert_eq!(slots, vec![0, 4, 2]);
        assert!((hits[0].1 - 1.0).abs() < 1e-6);
        assert!((hits[1].1 - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        assert!((hits[2].1 - 0.6).abs() < 1e-6);
        // k beyond the size returns everything, the opposite vector last.
        let all = index.search(&[1.0, 0.0], 10);
        assert_eq!(all.len(), 5);
        assert_eq!(all[4], (3, -1.0));
    }

    #[test]
    fn ties_are_ordered_by_slot() {
        let v = [0.3, 0.4, 0.5];
        let mut exact = ExactIndex::new(3);
        let mut hnsw = HnswIndex::new(3, &AnnConfig::default());
        for slot in [0, 1, 2, 5, 9] {
            exact.insert(slot, &v);
            hnsw.insert(slot, &v);
        }
        for index in [&exact as &dyn VectorIndex, &hnsw] {
            let slots: Vec<u32> = index.search(&v, 3).iter().map(|h| h.0).collect();
            assert_eq!(slots, vec![0, 1, 2]);
        }
    }

    #[test]
    fn empty_index_returns_nothing() {
        let config = AnnConfig::default();
        let indexes: Vec<Box<dyn VectorIndex>> = vec![
            Box::new(ExactIndex::new(4)),
            Box::new(HnswIndex::new(4, &config)),
            Box::new(AutoIndex::new(4, config.clone())),
            Box::new(AutoIndex::new(
                4,
                AnnConfig {
                    exact_below: 0,
                    ..config
                },
            )),
        ];
        for index in &indexes {
            assert!(index.is_empty());
            assert!(index.search(&[1.0, 0.0, 0.0, 0.0], 5).is_empty());
        }
    }

    #[test]
    fn bad_vectors_are_left_out_without_panicking() {
        let config = AnnConfig {
            exact_below: 0,
            ..AnnConfig::default()
        };
        let indexes: Vec<Box<dyn VectorIndex>> = vec![
            Box::new(ExactIndex::new(3)),
            Box::new(HnswIndex::new(3, &config)),
            Box::new(AutoIndex::new(3, AnnConfig::default())),
        ];
        for mut index in indexes {
            index.insert(0, &[0.0, 0.0, 0.0]);
            index.insert(1, &[1.0, 0.0]);
            index.insert(2, &[f32::NAN, 1.0, 0.0]);
            index.insert(3, &[f32::INFINITY, 1.0, 0.0]);
            assert_eq!(index.len(), 0);
            index.insert(4, &[1.0, 0.0, 0.0]);
            // A repeated or earlier slot is ignored rather than listed twice.
            index.insert(4, &[0.0, 1.0, 0.0]);
            index.insert(2, &[0.0, 1.0, 0.0]);
            assert_eq!(index.len(), 1);
            index.insert(7, &[0.0, 1.0, 0.0]);
            assert_eq!(index.len(), 2);
            assert!(index.search(&[0.0, 0.0, 0.0], 3).is_empty());
            assert!(index.search(&[1.0, 0.0], 3).is_empty());
            assert!(index.search(&[f32::NAN, 0.0, 0.0], 3).is_empty());
            assert!(index.search(&[1.0, 0.0, 0.0], 0).is_empty());
            assert_eq!(index.search(&[1.0, 0.0, 0.0], usize::MAX).len(), 2);
            let hits = index.search(&[1.0, 0.1, 0.0], 3);
            assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), vec![4, 7]);
        }
    }

    #[test]
    fn hnsw_recall_at_10_on_clustered_vectors_is_at_least_095() {
        let dim = 64;
        // 150 clusters of ~20: each query's top 10 lies inside one cluster, among vectors
        // at nearly equal distances, the hard case for a graph search.
        let data = clustered(3_000, dim, 150, 0.5, 1);
        let queries = clustered(100, dim, 150, 0.5, 1_000_001);
        let config = test_config();
        let mut exact = ExactIndex::new(dim);
        let mut hnsw = HnswIndex::new(dim, &config);
        for (slot, v) in data.iter().enumerate() {
            exact.insert(slot as u32, v);
            hnsw.insert(slot as u32, v);
        }
        assert_eq!(hnsw.len(), data.len());
        let mut total = 0.0;
        for q in &queries {
            let truth = exact.search(q, 10);
            let found = hnsw.search(q, 10);
            assert_eq!(found.len(), 10);
            assert!(found.windows(2).all(|w| w[0].1 >= w[1].1));
            total += recall(&truth, &found);
        }
        let mean = total / queries.len() as f64;
        assert!(mean >= 0.95, "recall@10 {mean}");
    }

    #[test]
    fn hnsw_is_deterministic_for_an_insertion_order() {
        let dim = 32;
        let data = clustered(1_500, dim, 60, 0.5, 7);
        let build = || {
            let mut index = HnswIndex::new(dim, &test_config());
            for (slot, v) in data.iter().enumerate() {
                index.insert(slot as u32, v);
            }
            index
        };
        let (a, b) = (build(), build());
        for q in data.iter().step_by(50) {
            assert_eq!(a.search(q, 10), b.search(q, 10));
        }
    }

    #[test]
    fn auto_index_switches_over_and_stays_correct() {
        let dim = 32;
        let data = clustered(1_200, dim, 60, 0.5, 3);
        let config = AnnConfig {
            exact_below: 400,
            ..test_config()
        };
        let mut auto = AutoIndex::new(dim, config);
        let mut exact = ExactIndex::new(dim);
        let mut total = 0.0;
        let mut searched = 0;
        for (slot, v) in data.iter().enumerate() {
            // Online use: each article searches for its neighbours, then joins the index.
            let found = auto.search(v, 10);
            let truth = exact.search(v, 10);
            if slot < 400 {
                assert!(!auto.is_hnsw());
                assert_eq!(found, truth, "exact phase, slot {slot}");
            } else {
                assert!(auto.is_hnsw());
                total += recall(&truth, &found);
                searched += 1;
            }
            auto.insert(slot as u32, v);
            exact.insert(slot as u32, v);
            assert_eq!(auto.len(), slot + 1);
        }
        let mean = total / searched as f64;
        assert!(mean >= 0.95, "recall@10 after the switch {mean}");
        // Every stored vector is still found as its own best match.
        for (slot, v) in data.iter().enumerate().step_by(37) {
            assert_eq!(auto.search(v, 1)[0].0, slot as u32);
        }
    }

    #[test]
    fn extreme_config_values_do_not_panic() {
        let config = AnnConfig {
            exact_below: 2,
            max_connections: 100_000,
            ef_construction: usize::MAX,
            ef_search: usize::MAX,
        };
        let mut auto = AutoIndex::new(2, config.clone());
        let tiny = AnnConfig {
            max_connections: 0,
            ef_construction: 0,
            ef_search: 0,
            ..config
        };
        let mut small = HnswIndex::new(2, &tiny);
        for (slot, v) in [[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.8, 0.6]]
            .iter()
            .enumerate()
        {
            auto.insert(slot as u32, v);
            small.insert(slot as u32, v);
        }
        assert!(auto.is_hnsw());
        assert_eq!(auto.search(&[1.0, 0.0], 2)[0].0, 0);
        assert_eq!(small.search(&[1.0, 0.0], 2)[0].0, 0);
    }

    #[test]
    fn config_defaults_are_sane() {
        let c = AnnConfig::default();
        assert!(c.exact_below > 0);
        assert!(c.ef_search >= 10);
        assert!((2..=255).contains(&c.max_connections));
    }
}
