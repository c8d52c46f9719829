//! How an article becomes passages for the encoder, and how their vectors become one.
//!
//! Title and body are tokenized as one text. When it fits in one passage, the article is that
//! passage, exactly as a user of the model would encode it. Otherwise the first passage holds
//! the title and the lead (as much of the opening as fits, cut at a sentence end), and the rest
//! of the body is cut into further windows at sentence ends; when there are more windows than
//! `max_windows - 1`, evenly spaced ones are kept. The article vector is the normalised
//! weighted mean: `lead_weight` for the first passage, the rest shared by the body windows.
//! Nothing is silently cut at the model's 512 tokens.

use super::{normalize, EncodeError, Encoder};
use serde::{Deserialize, Serialize};

/// How long articles are cut into windows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WindowConfig {
    /// At most this many passages per article (title + lead included).
    pub max_windows: usize,
    /// Share of the title + lead passage in the article vector when there are body windows:
    /// the opening says what the story is; the body adds detail.
    pub lead_weight: f32,
}

impl Default for WindowConfig {
    fn default() -> Self {
        WindowConfig { max_windows: 6, lead_weight: 0.5 }
    }
}

/// The passages of one article as token ids (prefix included, special tokens not).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PassagePlan {
    /// Passage 0 is title + lead; the others are body windows in reading order.
    pub passages: Vec<Vec<u32>>,
}

/// The vectors of one article.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArticleVectors {
    /// The article vector (unit length).
    pub article: Vec<f32>,
    /// How many passages were encoded for it.
    pub passages: usize,
}

/// Cuts `title` + `text` into passages for `encoder`.
pub fn article_passages(
    encoder: &dyn Encoder,
    title: &str,
    text: &str,
    config: &WindowConfig,
) -> Result<PassagePlan, EncodeError> {
    let joined = match (title.trim().is_empty(), text.trim().is_empty()) {
        (false, false) => format!("{}\n{}", title.trim(), text.trim()),
        (false, true) => title.trim().to_string(),
        _ => text.trim().to_string(),
    };
    let tokens = encoder.tokenize(&joined)?;
    let prefix = encoder.prefix_ids();
    // Two special tokens (CLS/SEP or <s>/</s>) surround every passage.
    let room = encoder.max_tokens().saturating_sub(2 + prefix.len()).max(8);
    let with_prefix = |ids: &[(u32, std::ops::Range<usize>)]| {
        let mut p = prefix.to_vec();
        p.extend(ids.iter().map(|(id, _)| *id));
        p
    };
    if tokens.len() <= room {
        return Ok(PassagePlan { passages: vec![with_prefix(&tokens)] });
    }
    // Token indices where a sentence (or the body, after the title) starts.
    let starts: Vec<usize> = storyweave_text::sentences(&joined).iter().map(|r| r.start).collect();
    let mut is_start = vec![false; tokens.len() + 1];
    let mut si = 0;
    for (ti, (_, r)) in tokens.iter().enumerate() {
        while si < starts.len() && starts[si] < r.start {
            si += 1;
        }
        if si < starts.len() && starts[si] >= r.start && starts[si] < r.end.max(r.start + 1) {
            is_start[ti] = true;
        }
    }
    is_start[tokens.len()] = true;
    let mut windows: Vec<std::ops::Range<usize>> = Vec::new();
    let mut at = 0;
    while at < tokens.len() {
        let hard = (at + room).min(tokens.len());
        // The last sentence start that keeps the window at least half full; else a hard cut.
        let cut = (at + room / 2..=hard).rev().find(|&i| is_start[i]).unwrap_or(hard);
        windows.push(at..cut);
        at = cut;
    }
    let keep = config.max_windows.max(1);
    let chosen: Vec<std::ops::Range<usize>> = if windows.len() <= keep {
        windows
    } else {
        let body = &windows[1..];
        let want = keep - 1;
        let mut v = vec![windows[0].clone()];
        for k in 0..want {
            // Evenly spaced over the body, first and last window included.
            let i = if want == 1 { 0 } else { k * (body.len() - 1) / (want - 1) };
            v.push(body[i].clone());
        }
        v
    };
    Ok(PassagePlan { passages: chosen.into_iter().map(|r| with_prefix(&tokens[r])).collect() })
}

/// Combines the passage vectors of one article (passage 0 first) into its article vector.
pub fn combine_passages(vectors: &[Vec<f32>], config: &WindowConfig) -> Vec<f32> {
    let Some(first) = vectors.first() else {
        return Vec::new();
    };
    if vectors.len() == 1 {
        return first.clone();
    }
    let rest = (1.0 - config.lead_weight) / (vectors.len() - 1) as f32;
    let mut v: Vec<f32> = first.iter().map(|x| x * config.lead_weight).collect();
    for p in &vectors[1..] {
        for (a, b) in v.iter_mut().zip(p) {
            *a += b * rest;
        }
    }
    normalize(&mut v);
    v
}

/// Encodes many articles at once (all their passages batched together by length).
pub fn encode_articles(
    encoder: &dyn Encoder,
    articles: &[(&str, &str)],
    config: &WindowConfig,
) -> Result<Vec<ArticleVectors>, EncodeError> {
    use rayon::prelude::*;
    let plans: Vec<PassagePlan> = articles
        .par_iter()
        .map(|(t, x)| article_passages(encoder, t, x, config))
        .collect::<Result<_, _>>()?;
    let flat: Vec<Vec<u32>> = plans.iter().flat_map(|p| p.passages.iter().cloned()).collect();
    let vecs = encoder.encode_ids(&flat)?;
    let mut out = Vec::with_capacity(plans.len());
    let mut at = 0;
    for p in &plans {
        let n = p.passages.len();
        out.push(ArticleVectors { article: combine_passages(&vecs[at..at + n], config), passages: n });
        at += n;
    }
    Ok(out)
}
