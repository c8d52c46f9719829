//! Recall and speed of the HNSW vector index against exact brute force.
//!
//! ```text
//! cargo run --release -p storyweave-cluster --example ann_recall -- [options]
//!   --n 10000,100000        sizes to measure (comma list, 10k/1M suffixes; 1M needs
//!                           20-40 min and ~7 GiB on 2 cores, see bench/ann.md)
//!   --queries 200           queries per size (all get the exact answer too)
//!   --ef 64,128,192,256,384,512  ef_search values to sweep (the graph is built once per size)
//!   --m 16                  max_connections
//!   --ef-construction 200   ef_construction
//!   --dim 384               vector dimension
//!   --decay 1.0             spectrum decay of the synthetic vectors (0 = isotropic, the
//!                           worst case; 1 = effective dimension ~26, like encoder output)
//!   --seed 1                data seed
//! ```
//!
//! Each size runs in a child process of its own so that its peak RSS (VmHWM) is its own.
//!
//! The data imitates sentence-encoder vectors of a news stream (see [`NewsStream`]): every
//! vector shares a common direction (encoder vectors are anisotropic: unrelated texts
//! still score ~0.5), belongs to one of many topics, and most articles belong to small
//! stories of near-duplicates; a fifth are noise that belongs to no story. Variance falls
//! off across dimensions (`--decay`), as it does in real encoder output. Queries are the
//! articles that come next in the same stream, so most of them have near-duplicates in the
//! index, as a newly arriving article does. Ground truth is [`ExactIndex`] over the same
//! vectors; every query gets it, so the exact time is a mean over all queries.

use std::process::{Command, Stdio};
use std::time::Instant;
use storyweave_cluster::ann::{AnnConfig, ExactIndex, HnswIndex, VectorIndex};
use storyweave_encode::tiny::SplitMix64;

#[derive(Debug, Clone)]
struct Args {
    sizes: Vec<usize>,
    queries: usize,
    efs: Vec<usize>,
    m: usize,
    ef_construction: usize,
    dim: usize,
    decay: f32,
    seed: u64,
    child: bool,
}

fn parse_list(s: &str) -> Result<Vec<usize>, String> {
    s.split(',')
        .map(|x| {
            let x = x.trim().replace('_', "");
            let (num, mult) = match x.strip_suffix(['k', 'K']) {
                Some(n) => (n.to_string(), 1_000),
                None => match x.strip_suffix(['m', 'M']) {
                    Some(n) => (n.to_string(), 1_000_000),
                    None => (x.clone(), 1),
                },
            };
            num.parse::<usize>()
                .map(|n| n * mult)
                .map_err(|e| format!("bad number {x:?}: {e}"))
        })
        .collect()
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        sizes: vec![10_000, 100_000],
        queries: 200,
        efs: vec![64, 128, 192, 256, 384, 512],
        m: AnnConfig::default().max_connections,
        ef_construction: AnnConfig::default().ef_construction,
        dim: 384,
        decay: 1.0,
        seed: 1,
        child: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--child" {
            args.child = true;
            continue;
        }
        if flag == "--help" || flag == "-h" {
            return Err(String::new());
        }
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let one = |v: &str| -> Result<usize, String> {
            parse_list(v)?
                .first()
                .copied()
                .ok_or(format!("{flag}: empty"))
        };
        match flag.as_str() {
            "--n" => args.sizes = parse_list(&value)?,
            "--queries" => args.queries = one(&value)?,
            "--ef" => args.efs = parse_list(&value)?,
            "--m" => args.m = one(&value)?,
            "--ef-construction" => args.ef_construction = one(&value)?,
            "--dim" => args.dim = one(&value)?,
            "--seed" => args.seed = one(&value)? as u64,
            "--decay" => {
                args.decay = value
                    .parse::<f32>()
                    .map_err(|e| format!("--decay {value:?}: {e}"))?
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(args)
}

/// A random direction of about unit length: normals (both of each Box–Muller pair) with
/// per-coordinate spread `spectrum[i]` (whose squares sum to 1).
fn direction(rng: &mut SplitMix64, spectrum: &[f32]) -> Vec<f32> {
    let dim = spectrum.len();
    let mut v = Vec::with_capacity(dim);
    while v.len() < dim {
        let (u1, u2) = (rng.unit_f32(), rng.unit_f32());
        let r = (-2.0 * u1.ln()).sqrt();
        let t = std::f32::consts::TAU * u2;
        v.push(r * t.cos() * spectrum[v.len()]);
        if v.len() < dim {
            v.push(r * t.sin() * spectrum[v.len()]);
        }
    }
    v
}

/// Per-coordinate spread of random directions: variance falling as `(i+1)^-decay`, scaled
/// so a direction has unit length on average. Sentence-encoder vectors are far from
/// isotropic: a few dozen directions carry most of the variance. `decay = 0` is isotropic
/// noise, the worst case for any nearest-neighbour graph (all distances alike).
fn spectrum(dim: usize, decay: f32) -> Vec<f32> {
    let var: Vec<f32> = (0..dim).map(|i| (i as f32 + 1.0).powf(-decay)).collect();
    let total: f32 = var.iter().sum();
    var.iter().map(|v| (v / total).sqrt()).collect()
}

/// Participation ratio of the spectrum, (Σλ)²/Σλ²: how many dimensions the data really has.
fn effective_dim(dim: usize, decay: f32) -> f32 {
    let var: Vec<f32> = spectrum(dim, decay).iter().map(|s| s * s).collect();
    let sum: f32 = var.iter().sum();
    sum * sum / var.iter().map(|v| v * v).sum::<f32>()
}

/// Weights of the components of an article vector (each component has unit length on
/// average). The benchmark prints the resulting cosines: unrelated articles about 0.6,
/// story-mates (near-duplicates) about 0.95.
const W_COMMON: f32 = 0.75;
const W_TOPIC: f32 = 0.45;
const W_STORY: f32 = 0.35;
const W_ARTICLE: f32 = 0.20;
/// Noise articles: common direction plus their own, no topic, no story.
const W_NOISE: f32 = 0.66;
/// Cosine from which a true neighbour counts as a near-duplicate in the `dup rec` column;
/// story-mates score about 0.95 with this generator, topic-mates about 0.85.
const DUP_COS: f32 = 0.9;
/// Share of articles that belong to no story.
const P_NOISE: f32 = 0.2;
/// Chance that a story article starts a new story rather than joining a recent one; gives
/// stories of 1/P_NEW_STORY ≈ 3 articles on average, a long tail of bigger ones.
const P_NEW_STORY: f32 = 0.3;
/// New articles join one of the last this many stories: news stories are short-lived.
const RECENT_STORIES: u64 = 2_000;

/// Stream of synthetic news-article vectors (see the module documentation).
struct NewsStream {
    spectrum: Vec<f32>,
    rng: SplitMix64,
    seed: u64,
    common: Vec<f32>,
    topics: Vec<Vec<f32>>,
    stories: u64,
}

impl NewsStream {
    fn new(dim: usize, decay: f32, n: usize, seed: u64) -> Self {
        let spectrum = spectrum(dim, decay);
        let mut rng = SplitMix64(seed);
        let common = direction(&mut rng, &spectrum);
        // Topical groups grow with the archive, from 50 to 1000.
        let topics = (0..(n / 1_000).clamp(50, 1_000))
            .map(|_| direction(&mut rng, &spectrum))
            .collect();
        NewsStream {
            spectrum,
            rng,
            seed,
            common,
            topics,
            stories: 0,
        }
    }

    /// Story centre and topic, regenerated from the story number instead of stored: a
    /// million articles make ~200k stories, 300 MB of centres.
    fn story(&self, story: u64) -> (usize, Vec<f32>) {
        let mut rng = SplitMix64(self.seed ^ story.wrapping_mul(0xD1B5_4A32_D192_ED03) ^ 0x5EED);
        let topic = rng.below(self.topics.len());
        (topic, direction(&mut rng, &self.spectrum))
    }

    fn next_article(&mut self) -> Vec<f32> {
        let own = direction(&mut self.rng, &self.spectrum);
        let mut v: Vec<f32> = self.common.iter().map(|c| c * W_COMMON).collect();
        if self.rng.unit_f32() < P_NOISE {
            v.iter_mut().zip(&own).for_each(|(x, o)| *x += o * W_NOISE);
        } else {
            let story = if self.stories == 0 || self.rng.unit_f32() < P_NEW_STORY {
                self.stories += 1;
                self.stories - 1
            } else {
                let recent = self.stories.min(RECENT_STORIES);
                self.stories - 1 - self.rng.below(recent as usize) as u64
            };
            let (topic, centre) = self.story(story);
            for i in 0..v.len() {
                v[i] += self.topics[topic][i] * W_TOPIC + centre[i] * W_STORY + own[i] * W_ARTICLE;
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter_mut().for_each(|x| *x /= norm);
        v
    }
}

/// (VmRSS, VmHWM) of this process in MiB, from /proc/self/status; zeros where unreadable.
fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn recall(truth: &[(u32, f32)], found: &[(u32, f32)], k: usize) -> f64 {
    let truth = &truth[..k.min(truth.len())];
    let found = &found[..k.min(found.len())];
    let hits = truth
        .iter()
        .filter(|(s, _)| found.iter().any(|(f, _)| f == s))
        .count();
    hits as f64 / truth.len().max(1) as f64
}

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(x * y)).sum()
}

/// Measures one size; prints its table rows, then `note` lines for the parent to gather.
fn measure(args: &Args, n: usize) {
    let dim = args.dim;
    let t = Instant::now();
    let mut stream = NewsStream::new(dim, args.decay, n, args.seed);
    let data: Vec<Vec<f32>> = (0..n).map(|_| stream.next_article()).collect();
    let queries: Vec<Vec<f32>> = (0..args.queries).map(|_| stream.next_article()).collect();
    let gen_s = t.elapsed().as_secs_f64();
    // Cosine of unrelated pairs: each query against stored articles spread over the stream
    // (mostly other stories; the few story-mates barely move the mean).
    let step = (n / 100).max(1);
    let pairs: Vec<f64> = queries
        .iter()
        .flat_map(|q| data.iter().step_by(step).map(move |d| dot(q, d)))
        .collect();
    let random_cos = pairs.iter().sum::<f64>() / pairs.len().max(1) as f64;

    let config = AnnConfig {
        max_connections: args.m,
        ef_construction: args.ef_construction,
        ..AnnConfig::default()
    };
    let (rss_before, _) = memory_mib();
    let t = Instant::now();
    let mut hnsw = HnswIndex::with_capacity(dim, &config, n);
    for (slot, v) in data.iter().enumerate() {
        hnsw.insert(slot as u32, v);
    }
    let build_s = t.elapsed().as_secs_f64();
    let (rss_after, _) = memory_mib();

    let mut exact = ExactIndex::new(dim);
    for (slot, v) in data.iter().enumerate() {
        exact.insert(slot as u32, v);
    }
    drop(data);

    let k = 10;
    let t = Instant::now();
    let truth: Vec<Vec<(u32, f32)>> = queries.iter().map(|q| exact.search(q, k)).collect();
    let exact_us = t.elapsed().as_secs_f64() * 1e6 / queries.len().max(1) as f64;
    let (_, hwm) = memory_mib();
    let mean_sim = |rank: usize| {
        truth
            .iter()
            .filter_map(|t| t.get(rank))
            .map(|h| f64::from(h.1))
            .sum::<f64>()
            / truth.len().max(1) as f64
    };

    for &ef in &args.efs {
        hnsw.set_ef_search(ef);
        let t = Instant::now();
        let found: Vec<Vec<(u32, f32)>> = queries.iter().map(|q| hnsw.search(q, k)).collect();
        let hnsw_us = t.elapsed().as_secs_f64() * 1e6 / queries.len().max(1) as f64;
        // Recall of the near-duplicates alone (true top-10 neighbours at cosine >= DUP_COS):
        // the matches story assignment acts on, as opposed to the nearly equidistant
        // topic-mates that fill the rest of a top 10.
        let (mut dups, mut dups_found) = (0usize, 0usize);
        for (t, f) in truth.iter().zip(&found) {
            for (slot, sim) in t {
                if *sim >= DUP_COS {
                    dups += 1;
                    dups_found += usize::from(f.iter().any(|(s, _)| s == slot));
                }
            }
        }
        let dup_recall = dups_found as f64 / dups.max(1) as f64;
        let mean = |kk: usize| {
            truth
                .iter()
                .zip(&found)
                .map(|(t, f)| recall(t, f, kk))
                .sum::<f64>()
                / queries.len().max(1) as f64
        };
        println!(
            "| {:>9} | {:>7.1} | {:>8.0} | {:>9.0} | {:>8.0} | {:>4} | {:>9.0} | {:>10.0} | {:>7.0}x | {:>6.3} | {:>7.3} | {:>7.3} |",
            n,
            build_s,
            build_s * 1e6 / n.max(1) as f64,
            rss_after - rss_before,
            hwm,
            ef,
            hnsw_us,
            exact_us,
            exact_us / hnsw_us.max(1e-9),
            mean(1),
            mean(k),
            dup_recall,
        );
    }
    println!(
        "note N={n}: mean cosine of a query to a random stored article {random_cos:.2}, to its \
         true 1st neighbour {:.2}, 2nd {:.2}, 10th {:.2}; data generated in {gen_s:.1} s",
        mean_sim(0),
        mean_sim(1),
        mean_sim(k - 1),
    );
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("ann_recall: {e}");
            }
            eprintln!(
                "usage: ann_recall [--n 10000,100000] [--queries 200] [--ef 64,128,192,256,384,512] \
                 [--m 16] [--ef-construction 200] [--dim 384] [--decay 1.0] [--seed 1]"
            );
            std::process::exit(2);
        }
    };
    if args.child {
        for &n in &args.sizes {
            measure(&args, n);
        }
        return;
    }
    println!(
        "ann_recall: {}-dim unit vectors imitating a news stream: a common direction (encoder \
         vectors are anisotropic), topical groups, many small stories of near-duplicates (mean \
         ~3 articles) and {:.0}% noise articles; spectrum decay {} (effective dimension {:.0} \
         of {}). Queries: the next {} articles of the stream. HNSW max_connections={} \
         ef_construction={}, sequential insert; exact = brute force over the same vectors; \
         k=10; nproc={}.",
        args.dim,
        P_NOISE * 100.0,
        args.decay,
        effective_dim(args.dim, args.decay),
        args.dim,
        args.queries,
        args.m,
        args.ef_construction,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    println!();
    println!(
        "| {:>9} | {:>7} | {:>8} | {:>9} | {:>8} | {:>4} | {:>9} | {:>10} | {:>8} | {:>6} | {:>7} | {:>7} |",
        "N", "build s", "µs/ins", "index MiB", "peak MiB", "ef", "HNSW µs/q", "exact µs/q",
        "speed-up", "rec@1", "rec@10", "dup rec"
    );
    println!(
        "|{:-<11}|{:-<9}|{:-<10}|{:-<11}|{:-<10}|{:-<6}|{:-<11}|{:-<12}|{:-<10}|{:-<8}|{:-<9}|{:-<9}|",
        "", "", "", "", "", "", "", "", "", "", "", ""
    );
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("ann_recall: cannot find own executable: {e}");
            std::process::exit(1);
        }
    };
    let mut notes = Vec::new();
    for &n in &args.sizes {
        // A child per size, so that VmHWM is that size's peak and not the largest so far.
        let efs: Vec<String> = args.efs.iter().map(|e| e.to_string()).collect();
        let output = Command::new(&exe)
            .args(["--child", "--n", &n.to_string()])
            .args(["--queries", &args.queries.to_string()])
            .args(["--ef", &efs.join(",")])
            .args(["--m", &args.m.to_string()])
            .args(["--ef-construction", &args.ef_construction.to_string()])
            .args(["--dim", &args.dim.to_string()])
            .args(["--seed", &args.seed.to_string()])
            .args(["--decay", &args.decay.to_string()])
            .stderr(Stdio::inherit())
            .output();
        match output {
            Ok(out) => {
                for line in String::from_utf8_lossy(&out.stdout).lines() {
                    match line.strip_prefix("note ") {
                        Some(note) => notes.push(note.to_string()),
                        None => println!("{line}"),
                    }
                }
                if !out.status.success() {
                    eprintln!("ann_recall: n={n} failed: {}", out.status);
                }
            }
            Err(e) => eprintln!("ann_recall: n={n} could not start: {e}"),
        }
    }
    println!();
    for note in &notes {
        println!("{note}");
    }
    println!();
    println!(
        "index MiB = VmRSS growth while building the HNSW (graph + its copy of the vectors); \
         peak MiB = VmHWM of the process for that N (also holds the generated vectors and the \
         exact index); rec@k = share of the exact top k found in the HNSW top k, mean over \
         queries; dup rec = share of the exact top-10 neighbours with cosine >= {DUP_COS} \
         (story-mates) found in the HNSW top 10."
    );
}
