//! A BERT or XLM-RoBERTa encoder run with `candle` on the CPU.

use super::{normalize, EncodeError, Encoder, WindowConfig};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::{bert, xlm_roberta};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use tokenizers::Tokenizer;

/// Bump when pooling, prefixing or windowing change, so that stored vectors made the old way
/// are recomputed instead of compared with new ones.
const POOLING_VERSION: &str = "mean-l2.v1";

/// How the model is used; the `[model]` section of the config file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelOptions {
    /// Model directory (config.json, model.safetensors, tokenizer.json); none = no model.
    pub path: Option<PathBuf>,
    /// Text put before every passage. E5 models are trained with "passage: " for documents.
    pub prefix: String,
    /// Largest passage in tokens, special tokens included (capped by the model's positions).
    pub max_tokens: usize,
    /// Padded tokens per forward pass. Small batches win on CPU: the batches run in parallel
    /// on all cores, and a small batch keeps its activations in cache (1,024 encoded 1.3×
    /// faster than 4,096 with less memory; BENCHMARKS.md).
    pub batch_tokens: usize,
    /// At most this many passages per article (title + lead included); see [`WindowConfig`].
    pub max_windows: usize,
    /// Share of the title + lead passage in the article vector; see [`WindowConfig`].
    pub lead_weight: f32,
}

impl ModelOptions {
    /// How articles are cut into passages under these options.
    pub fn windows(&self) -> WindowConfig {
        WindowConfig { max_windows: self.max_windows, lead_weight: self.lead_weight }
    }
}

impl Default for ModelOptions {
    fn default() -> Self {
        let w = WindowConfig::default();
        ModelOptions {
            path: None,
            prefix: "passage: ".into(),
            max_tokens: 512,
            batch_tokens: 1024,
            max_windows: w.max_windows,
            lead_weight: w.lead_weight,
        }
    }
}

enum Net {
    Bert(bert::BertModel),
    XlmR(xlm_roberta::XLMRobertaModel),
}

/// A transformer sentence encoder: mean pooling over the attention mask, L2 normalisation.
pub struct TransformerEncoder {
    net: Net,
    tokenizer: Tokenizer,
    id: String,
    dim: usize,
    max_tokens: usize,
    batch_tokens: usize,
    cls: Vec<u32>,
    sep: Vec<u32>,
    pad: u32,
    prefix: Vec<u32>,
}

fn model_err(dir: &Path, reason: impl std::fmt::Display) -> EncodeError {
    EncodeError::Model { dir: dir.display().to_string(), reason: reason.to_string() }
}

fn infer(e: candle_core::Error) -> EncodeError {
    EncodeError::Inference(e.to_string())
}

/// Fills in keys that Hugging Face configs often leave out but candle's structs require.
fn with_defaults(mut cfg: Value, defaults: &[(&str, Value)]) -> Value {
    if let Value::Object(map) = &mut cfg {
        for (k, v) in defaults {
            map.entry(k.to_string()).or_insert_with(|| v.clone());
        }
    }
    cfg
}

/// A fingerprint of the model files: the configs whole, the weights by length, header and
/// samples spread over the file, so that opening a large model stays fast while any changed
/// checkpoint still gets another id.
fn fingerprint(config: &[u8], tokenizer: &[u8], weights: &Path) -> std::io::Result<String> {
    let mut h = blake3::Hasher::new();
    h.update(config);
    h.update(tokenizer);
    let mut f = std::fs::File::open(weights)?;
    let len = f.metadata()?.len();
    h.update(&len.to_le_bytes());
    let mut buf = vec![0u8; 4096];
    const SAMPLES: u64 = 64;
    for i in 0..=SAMPLES {
        let at = (len.saturating_sub(buf.len() as u64)) * i / SAMPLES;
        f.seek(SeekFrom::Start(at))?;
        let n = f.read(&mut buf)?;
        h.update(&buf[..n]);
    }
    Ok(h.finalize().to_hex()[..12].to_string())
}

impl TransformerEncoder {
    /// Loads the model in `options.path` (weights memory-mapped).
    pub fn load(options: &ModelOptions) -> Result<TransformerEncoder, EncodeError> {
        let dir = options.path.as_deref().ok_or_else(|| model_err(Path::new(""), "no model path given"))?;
        if !dir.is_dir() {
            return Err(model_err(dir, "not a directory"));
        }
        let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| model_err(dir, format!("{name}: {e}")));
        let config_bytes = read("config.json")?;
        let tokenizer_bytes = read("tokenizer.json")?;
        let weights = dir.join("model.safetensors");
        if !weights.is_file() {
            return Err(model_err(dir, "model.safetensors: missing (only safetensors weights are supported)"));
        }
        let cfg: Value =
            serde_json::from_slice(&config_bytes).map_err(|e| model_err(dir, format!("config.json: {e}")))?;
        let model_type = cfg.get("model_type").and_then(Value::as_str).unwrap_or("bert").to_string();
        let tokenizer = Tokenizer::from_bytes(&tokenizer_bytes)
            .map_err(|e| model_err(dir, format!("tokenizer.json: {e}")))?;

        // The tokenizer's own specials: a BERT-architecture model may carry an XLM-R
        // tokenizer (multilingual-e5-small does, with config pad_token_id 0 but `<pad>` = 1).
        let specials = tokenizer
            .encode("", true)
            .map_err(|e| model_err(dir, format!("tokenizer.json: {e}")))?;
        let special_ids = specials.get_ids().to_vec();
        let (cls, sep) = match special_ids.as_slice() {
            [c, s] => (vec![*c], vec![*s]),
            [c, rest @ ..] => (vec![*c], rest.to_vec()),
            [] => (Vec::new(), Vec::new()),
        };
        let pad = ["<pad>", "[PAD]", "<PAD>"]
            .iter()
            .find_map(|t| tokenizer.token_to_id(t))
            .or_else(|| cfg.get("pad_token_id").and_then(Value::as_u64).map(|p| p as u32))
            .unwrap_or(0);

        let max_pos = cfg.get("max_position_embeddings").and_then(Value::as_u64).unwrap_or(512) as usize;
        // XLM-R numbers positions from pad_token_id + 1, so two positions are never used.
        let usable = if model_type == "xlm-roberta" || model_type == "roberta" {
            max_pos.saturating_sub(pad as usize + 1)
        } else {
            max_pos
        };
        let max_tokens = options.max_tokens.min(usable).max(cls.len() + sep.len() + 8);

        let device = Device::Cpu;
        // SAFETY: the file is mapped read-only; candle copies each tensor out of the map on
        // load, so a later change of the file cannot alter tensors in use.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&weights], DType::F32, &device) }
            .map_err(|e| model_err(dir, format!("model.safetensors: {e}")))?;
        let (net, dim) = match model_type.as_str() {
            "bert" => {
                let cfg = with_defaults(
                    cfg.clone(),
                    &[
                        ("hidden_dropout_prob", 0.0.into()),
                        ("initializer_range", 0.02.into()),
                        ("type_vocab_size", 2.into()),
                        ("layer_norm_eps", 1e-12.into()),
                        ("pad_token_id", 0.into()),
                        ("hidden_act", "gelu".into()),
                    ],
                );
                let c: bert::Config =
                    serde_json::from_value(cfg).map_err(|e| model_err(dir, format!("config.json: {e}")))?;
                let dim = c.hidden_size;
                let m = bert::BertModel::load(vb, &c).map_err(|e| model_err(dir, format!("weights: {e}")))?;
                (Net::Bert(m), dim)
            }
            "xlm-roberta" | "roberta" => {
                let cfg = with_defaults(
                    cfg.clone(),
                    &[
                        ("attention_probs_dropout_prob", 0.0.into()),
                        ("hidden_dropout_prob", 0.0.into()),
                        ("position_embedding_type", "absolute".into()),
                        ("type_vocab_size", 1.into()),
                        ("layer_norm_eps", 1e-5.into()),
                        ("pad_token_id", pad.into()),
                        ("hidden_act", "gelu".into()),
                    ],
                );
                let c: xlm_roberta::Config =
                    serde_json::from_value(cfg).map_err(|e| model_err(dir, format!("config.json: {e}")))?;
                let dim = c.hidden_size;
                let vb = if vb.contains_tensor("roberta.embeddings.word_embeddings.weight") {
                    vb.pp("roberta")
                } else {
                    vb
                };
                let m = xlm_roberta::XLMRobertaModel::new(&c, vb)
                    .map_err(|e| model_err(dir, format!("weights: {e}")))?;
                (Net::XlmR(m), dim)
            }
            other => return Err(model_err(dir, format!("model_type {other:?} is not supported (bert, xlm-roberta)"))),
        };

        let prefix = if options.prefix.trim().is_empty() {
            Vec::new()
        } else {
            // Trimmed: a lone trailing space would become a token of its own in SentencePiece,
            // which tokenizing "passage: text" in one piece never produces.
            tokenizer
                .encode(options.prefix.trim_end(), false)
                .map_err(|e| model_err(dir, format!("prefix: {e}")))?
                .get_ids()
                .to_vec()
        };
        let fp = fingerprint(&config_bytes, &tokenizer_bytes, &weights).map_err(|e| model_err(dir, e))?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".into());
        let id = format!(
            "{name}@{fp}/{POOLING_VERSION}/p={}/t={max_tokens}/w={}x{}",
            blake3::hash(options.prefix.as_bytes()).to_hex().get(..6).unwrap_or(""),
            options.max_windows,
            options.lead_weight
        );
        Ok(TransformerEncoder {
            net,
            tokenizer,
            id,
            dim,
            max_tokens,
            batch_tokens: options.batch_tokens.max(max_tokens),
            cls,
            sep,
            pad,
            prefix,
        })
    }

    /// The tokenizer's padding id (used for padded positions).
    pub fn pad_id(&self) -> u32 {
        self.pad
    }

    /// One forward pass over passages of similar length; returns pooled, normalised vectors.
    fn forward(&self, batch: &[&[u32]]) -> Result<Vec<Vec<f32>>, EncodeError> {
        let body = self.max_tokens - self.cls.len() - self.sep.len();
        let width = batch.iter().map(|p| p.len().min(body)).max().unwrap_or(0) + self.cls.len() + self.sep.len();
        let n = batch.len();
        let mut ids = Vec::with_capacity(n * width);
        let mut mask = Vec::with_capacity(n * width);
        for p in batch {
            let p = &p[..p.len().min(body)];
            let len = self.cls.len() + p.len() + self.sep.len();
            ids.extend_from_slice(&self.cls);
            ids.extend_from_slice(p);
            ids.extend_from_slice(&self.sep);
            ids.extend(std::iter::repeat_n(self.pad, width - len));
            mask.extend(std::iter::repeat_n(1u32, len));
            mask.extend(std::iter::repeat_n(0u32, width - len));
        }
        let dev = Device::Cpu;
        let ids_t = Tensor::from_vec(ids, (n, width), &dev).map_err(infer)?;
        let mask_t = Tensor::from_vec(mask.clone(), (n, width), &dev).map_err(infer)?;
        let types = ids_t.zeros_like().map_err(infer)?;
        let hidden = match &self.net {
            Net::Bert(m) => m.forward(&ids_t, &types, Some(&mask_t)),
            Net::XlmR(m) => m.forward(&ids_t, &mask_t, &types, None, None, None),
        }
        .map_err(infer)?;
        // Mean over real tokens only: padded positions carry the pad embedding's states.
        let m = mask_t.to_dtype(DType::F32).map_err(infer)?.unsqueeze(2).map_err(infer)?;
        let summed = hidden.broadcast_mul(&m).map_err(infer)?.sum(1).map_err(infer)?;
        let counts = m.sum(1).map_err(infer)?;
        let pooled = summed.broadcast_div(&counts).map_err(infer)?;
        let mut out: Vec<Vec<f32>> = pooled.to_vec2().map_err(infer)?;
        out.iter_mut().for_each(|v| normalize(v));
        Ok(out)
    }
}

impl Encoder for TransformerEncoder {
    fn id(&self) -> &str {
        &self.id
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    fn tokenize(&self, text: &str) -> Result<Vec<(u32, Range<usize>)>, EncodeError> {
        let enc = self.tokenizer.encode(text, false).map_err(|e| EncodeError::Tokenizer(e.to_string()))?;
        Ok(enc.get_ids().iter().zip(enc.get_offsets()).map(|(&id, &(a, b))| (id, a..b)).collect())
    }

    fn prefix_ids(&self) -> &[u32] {
        &self.prefix
    }

    fn encode_ids(&self, passages: &[Vec<u32>]) -> Result<Vec<Vec<f32>>, EncodeError> {
        // Sorted by length so each batch pads little; batches run in parallel on all cores.
        let mut order: Vec<usize> = (0..passages.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(passages[i].len()));
        let mut batches: Vec<Vec<usize>> = Vec::new();
        let mut cur: Vec<usize> = Vec::new();
        let extra = self.cls.len() + self.sep.len();
        for &i in &order {
            let width = cur
                .first()
                .map(|&f| passages[f].len())
                .unwrap_or(passages[i].len())
                .min(self.max_tokens - extra)
                + extra;
            if !cur.is_empty() && (cur.len() + 1) * width > self.batch_tokens {
                batches.push(std::mem::take(&mut cur));
            }
            cur.push(i);
        }
        if !cur.is_empty() {
            batches.push(cur);
        }
        let results: Vec<Result<Vec<Vec<f32>>, EncodeError>> = batches
            .par_iter()
            .map(|b| {
                let refs: Vec<&[u32]> = b.iter().map(|&i| passages[i].as_slice()).collect();
                self.forward(&refs)
            })
            .collect();
        let mut out = vec![Vec::new(); passages.len()];
        for (b, r) in batches.iter().zip(results) {
            for (&i, v) in b.iter().zip(r?) {
                out[i] = v;
            }
        }
        Ok(out)
    }
}
