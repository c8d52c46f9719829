//! Tiny random model directories for tests.
//!
//! The neural encoder loads a standard Hugging Face model directory (`config.json`,
//! `model.safetensors`, `tokenizer.json`). CI must not download anything, so tests build a
//! tiny, random but seeded model here instead: the same file formats, tensor names and
//! tokenizer pipeline as a real BERT or XLM-RoBERTa checkpoint, only with 32 hidden units.
//! The outputs are meaningless as embeddings; what they exercise is the loading, tokenizing,
//! windowing and pooling code around the model.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::Path;

use safetensors::tensor::TensorView;
use safetensors::Dtype;
use serde_json::{json, Value};

/// Which architecture the tiny model imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TinyArch {
    /// An uncased BERT: WordPiece tokenizer, `[CLS] … [SEP]`, positions from 0.
    Bert,
    /// An XLM-RoBERTa: Unigram (SentencePiece-style) tokenizer, `<s> … </s>`, positions
    /// from `pad_token_id + 1`.
    XlmRoberta,
}

/// Hidden size of the tiny models.
const HIDDEN: usize = 32;
/// Transformer layers.
const LAYERS: usize = 2;
/// Attention heads (head size 8).
const HEADS: usize = 4;
/// Feed-forward width.
const INTERMEDIATE: usize = 64;
/// Tokens per sequence, special tokens included. Small on purpose, so that tests reach the
/// encoder's long-text windowing with a sentence or two.
const MAX_TOKENS: usize = 64;
/// Standard deviation of the random weights (BERT's `initializer_range`).
const INIT_STD: f64 = 0.02;

/// Writes a tiny, random but deterministic (seeded) model directory to `dir`
/// (created if missing): config.json, model.safetensors, tokenizer.json.
///
/// Sizes: hidden 32, 2 layers, 4 heads, intermediate 64, at most 64 tokens per sequence.
/// Weights are f32, normal(0, 0.02) from `seed` (biases 0, LayerNorm weight 1 and bias 0,
/// padding rows 0, as Hugging Face initialises them); tensor names carry no `bert.` /
/// `roberta.` prefix, which both `candle_transformers` loaders accept. The same `seed` gives
/// byte-identical files.
pub fn write_tiny_model(dir: &Path, arch: TinyArch, seed: u64) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let (tokenizer, vocab_size) = match arch {
        TinyArch::Bert => bert_tokenizer(),
        TinyArch::XlmRoberta => xlmr_tokenizer(),
    };
    let config = config_json(arch, vocab_size);
    let weights = weights(arch, vocab_size, seed)?;
    fs::write(dir.join("config.json"), serde_json::to_vec_pretty(&config)?)?;
    fs::write(
        dir.join("tokenizer.json"),
        serde_json::to_vec_pretty(&tokenizer)?,
    )?;
    fs::write(dir.join("model.safetensors"), weights)?;
    Ok(())
}

/// Padding token id: 0 in BERT vocabularies, 1 (`<pad>`) in XLM-R's.
fn pad_id(arch: TinyArch) -> usize {
    match arch {
        TinyArch::Bert => 0,
        TinyArch::XlmRoberta => 1,
    }
}

/// Rows of the position table. XLM-R numbers positions from `pad_id + 1`, so it needs two
/// more rows than tokens to fit the same 64 tokens (as the real 514 = 512 + 2).
fn max_positions(arch: TinyArch) -> usize {
    match arch {
        TinyArch::Bert => MAX_TOKENS,
        TinyArch::XlmRoberta => MAX_TOKENS + pad_id(arch) + 1,
    }
}

/// Token type rows: BERT has two segments, XLM-R one (as in the real checkpoints).
fn type_vocab_size(arch: TinyArch) -> usize {
    match arch {
        TinyArch::Bert => 2,
        TinyArch::XlmRoberta => 1,
    }
}

/// The `config.json` a Hugging Face export would carry; it holds every field that
/// `candle_transformers`' `bert::Config` and `xlm_roberta::Config` require.
fn config_json(arch: TinyArch, vocab_size: usize) -> Value {
    let mut config = json!({
        "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "intermediate_size": INTERMEDIATE,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": max_positions(arch),
        "type_vocab_size": type_vocab_size(arch),
        "initializer_range": INIT_STD,
        "position_embedding_type": "absolute",
        "pad_token_id": pad_id(arch),
        "vocab_size": vocab_size,
        "use_cache": true,
        "classifier_dropout": null,
        "torch_dtype": "float32",
    });
    let extra = match arch {
        TinyArch::Bert => json!({
            "architectures": ["BertModel"],
            "model_type": "bert",
            "layer_norm_eps": 1e-12,
        }),
        TinyArch::XlmRoberta => json!({
            "architectures": ["XLMRobertaModel"],
            "model_type": "xlm-roberta",
            // XLM-R's own epsilon, unlike BERT's 1e-12.
            "layer_norm_eps": 1e-5,
            "bos_token_id": 0,
            "eos_token_id": 2,
        }),
    };
    if let (Value::Object(config), Value::Object(extra)) = (&mut config, extra) {
        config.extend(extra);
    }
    config
}

/// SplitMix64: a seedable generator of test data (the tiny model's weights here, synthetic
/// vectors in the ANN tests and recall example) that gives the same numbers on every
/// machine; a few lines, so no `rand` dependency for this.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in the open interval (0, 1), so that `ln` below never sees 0.
    pub fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal by Box–Muller (one of the pair; the other is not worth caching).
    pub fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.unit(), self.unit());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// [`SplitMix64::unit`] with 24 bits, as `f32`.
    pub fn unit_f32(&mut self) -> f32 {
        ((self.next_u64() >> 40) as f32 + 0.5) / (1u64 << 24) as f32
    }

    /// [`SplitMix64::normal`] computed in `f32`.
    pub fn normal_f32(&mut self) -> f32 {
        let (u1, u2) = (self.unit_f32(), self.unit_f32());
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// How a tensor is filled.
#[derive(Clone, Copy)]
enum Init {
    Normal,
    Zeros,
    Ones,
}

/// Builds `model.safetensors`: every tensor candle's `BertModel::load` /
/// `XLMRobertaModel::new` reads, plus the pooler a real export carries.
fn weights(arch: TinyArch, vocab_size: usize, seed: u64) -> io::Result<Vec<u8>> {
    let mut specs: Vec<(String, Vec<usize>, Init)> = Vec::new();
    let linear = |specs: &mut Vec<_>, name: &str, inp: usize, out: usize| {
        specs.push((format!("{name}.weight"), vec![out, inp], Init::Normal));
        specs.push((format!("{name}.bias"), vec![out], Init::Zeros));
    };
    let layer_norm = |specs: &mut Vec<_>, name: &str| {
        specs.push((format!("{name}.weight"), vec![HIDDEN], Init::Ones));
        specs.push((format!("{name}.bias"), vec![HIDDEN], Init::Zeros));
    };
    let e = "embeddings";
    specs.push((
        format!("{e}.word_embeddings.weight"),
        vec![vocab_size, HIDDEN],
        Init::Normal,
    ));
    specs.push((
        format!("{e}.position_embeddings.weight"),
        vec![max_positions(arch), HIDDEN],
        Init::Normal,
    ));
    specs.push((
        format!("{e}.token_type_embeddings.weight"),
        vec![type_vocab_size(arch), HIDDEN],
        Init::Normal,
    ));
    layer_norm(&mut specs, &format!("{e}.LayerNorm"));
    for i in 0..LAYERS {
        let l = format!("encoder.layer.{i}");
        for part in ["query", "key", "value"] {
            linear(
                &mut specs,
                &format!("{l}.attention.self.{part}"),
                HIDDEN,
                HIDDEN,
            );
        }
        linear(
            &mut specs,
            &format!("{l}.attention.output.dense"),
            HIDDEN,
            HIDDEN,
        );
        layer_norm(&mut specs, &format!("{l}.attention.output.LayerNorm"));
        linear(
            &mut specs,
            &format!("{l}.intermediate.dense"),
            HIDDEN,
            INTERMEDIATE,
        );
        linear(
            &mut specs,
            &format!("{l}.output.dense"),
            INTERMEDIATE,
            HIDDEN,
        );
        layer_norm(&mut specs, &format!("{l}.output.LayerNorm"));
    }
    linear(&mut specs, "pooler.dense", HIDDEN, HIDDEN);

    // Draw in the fixed order of `specs`, so the bytes depend on the seed alone.
    let mut rng = SplitMix64(seed);
    let mut buffers: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::with_capacity(specs.len());
    for (name, shape, init) in specs {
        let n: usize = shape.iter().product();
        let mut values: Vec<f32> = match init {
            Init::Normal => (0..n).map(|_| (rng.normal() * INIT_STD) as f32).collect(),
            Init::Zeros => vec![0.0; n],
            Init::Ones => vec![1.0; n],
        };
        // Hugging Face zeroes the padding_idx rows of these embeddings; mimic it.
        let pad_row = match name.as_str() {
            "embeddings.word_embeddings.weight" => Some(pad_id(arch)),
            "embeddings.position_embeddings.weight" if arch == TinyArch::XlmRoberta => {
                Some(pad_id(arch))
            }
            _ => None,
        };
        if let Some(row) = pad_row {
            values[row * HIDDEN..(row + 1) * HIDDEN].fill(0.0);
        }
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        buffers.push((name, shape, bytes));
    }
    let views = buffers
        .iter()
        .map(|(name, shape, bytes)| {
            TensorView::new(Dtype::F32, shape.clone(), bytes).map(|view| (name.clone(), view))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(io::Error::other)?;
    let metadata = HashMap::from([("format".to_string(), "pt".to_string())]);
    safetensors::tensor::serialize(views, Some(metadata)).map_err(io::Error::other)
}

/// Common whole words, English, German and French (in their natural spelling; the BERT
/// vocabulary lowercases and strips accents as its normalizer does). Enough that ordinary
/// news text maps mostly to whole-word ids rather than letters or unknowns.
const WORDS: &str = "
the of and to in a is that for it on was with as at by he she they we you i his her their
its from this be are were has have had not but or an which will would said says after before
over about up out new more most first last year years day days time people city country
government president minister police state national world news report reported official
officials killed dead injured quake earthquake storm flood fire attack war peace talks
election vote party court law company market price prices bank energy oil gas water power
school hospital health team game match win won cup league season club player coach million
billion percent one two three four five six seven eight nine ten hundred thousand monday
tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december week month morning night today yesterday north
south east west central region area local international european union europe america
american germany german france french britain british russia russian china chinese finland
finnish hit hits struck magnitude rescue aid hello world man men woman women child children
family home house car train plane airport road street end also into than then there these
those when where who what how why all some many other been being can could should may just
like them him only while during against between under since still back down off

der die das und ist nicht ein eine einen einem einer zu den von mit sich des auf für im dem
auch es an als nach wie bei aus hat haben wird wurde wurden werden sind war noch nur oder aber
vor zur zum bis mehr durch man sein ihre seine über unter gegen jahr jahren prozent menschen
stadt land regierung polizei erdbeben sturm wahl partei heute gestern sagte millionen
milliarden deutschland deutsche deutschen welt neue neuen ersten zwei drei vier fünf tote
verletzte präsident minister bundesregierung kanzler

le la les de des du un une et est en que qui dans pour pas sur au aux avec ce cette il elle
ils sont ont été par plus ne se son sa ses leur mais ou comme tout très après avant selon ans
année gouvernement ministre président ville pays monde séisme tremblement terre tempête
élection parti aujourd hier millions milliards français française nouveau nouvelle premier
deux trois quatre cinq morts blessés
";

/// Word-internal pieces (suffixes and frequent letter groups) in English, German and French.
const PIECES: &str = "
s es ed er ers est ing ings ly ion ions tion tions ment ments ness al ic ical ity ive ous able
ful less ism ist en ung ungen heit keit lich isch schaft chen te ten tet ern e ée és ées eur
eurs euse ique iques isme iste ant ants ante ais ait aient ons ez ent th he in an re on at nd
st te or ti hi as to ar ll ou ch sch ck ie ei au qu ea
";

/// Characters outside ASCII that German and French text needs (XLM-R is cased and keeps
/// accents; BERT's uncased normalizer folds most of them to ASCII).
const LATIN_EXTRA: &str = "äöüÄÖÜßéèêëàâçîïôûùœæÉÈÀÇåøñ";

/// Adds `token` unless already present, keeping first-come order (ids must be unique and
/// consecutive).
fn push_unique(vocab: &mut Vec<String>, seen: &mut HashSet<String>, token: String) {
    if seen.insert(token.clone()) {
        vocab.push(token);
    }
}

/// Lowercases and strips accents like `BertNormalizer` with `lowercase: true` does, for
/// the letters in `WORDS` and `PIECES`, so that vocabulary entries match normalized text.
fn bert_fold(word: &str) -> String {
    word.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// An `added_tokens` entry for a special token.
fn added_token(id: usize, content: &str, lstrip: bool) -> Value {
    json!({
        "id": id, "content": content, "single_word": false, "lstrip": lstrip,
        "rstrip": false, "normalized": false, "special": true,
    })
}

/// A `TemplateProcessing` post-processor: `cls $A sep` for one sequence, `pair` for two.
fn template(cls: (&str, usize), sep: (&str, usize), pair: Value) -> Value {
    let special = |(token, _): (&str, usize), type_id: u32| json!({ "SpecialToken": { "id": token, "type_id": type_id } });
    json!({
        "type": "TemplateProcessing",
        "single": [special(cls, 0), { "Sequence": { "id": "A", "type_id": 0 } }, special(sep, 0)],
        "pair": pair,
        "special_tokens": {
            cls.0: { "id": cls.0, "ids": [cls.1], "tokens": [cls.0] },
            sep.0: { "id": sep.0, "ids": [sep.1], "tokens": [sep.0] },
        },
    })
}

/// An uncased BERT WordPiece `tokenizer.json` and its vocabulary size.
fn bert_tokenizer() -> (Value, usize) {
    let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
    let mut vocab = Vec::new();
    let mut seen = HashSet::new();
    for token in specials {
        push_unique(&mut vocab, &mut seen, token.to_string());
    }
    // Every printable ASCII character alone (both cases, though the normalizer lowercases),
    // then letters and digits as continuations: any ASCII word can be spelled out.
    for c in '!'..='~' {
        push_unique(&mut vocab, &mut seen, c.to_string());
    }
    for c in ('a'..='z').chain('0'..='9') {
        push_unique(&mut vocab, &mut seen, format!("##{c}"));
    }
    // Letters the uncased normalizer keeps (no accent to strip).
    for c in ['ß', 'œ', 'æ', 'ø'] {
        push_unique(&mut vocab, &mut seen, c.to_string());
        push_unique(&mut vocab, &mut seen, format!("##{c}"));
    }
    for word in WORDS.split_whitespace() {
        push_unique(&mut vocab, &mut seen, bert_fold(word));
    }
    for piece in PIECES.split_whitespace() {
        push_unique(&mut vocab, &mut seen, format!("##{}", bert_fold(piece)));
    }
    let ids: serde_json::Map<String, Value> = vocab
        .iter()
        .enumerate()
        .map(|(id, token)| (token.clone(), json!(id)))
        .collect();
    let (cls, sep) = (("[CLS]", 2), ("[SEP]", 3));
    let pair = json!([
        { "SpecialToken": { "id": "[CLS]", "type_id": 0 } },
        { "Sequence": { "id": "A", "type_id": 0 } },
        { "SpecialToken": { "id": "[SEP]", "type_id": 0 } },
        { "Sequence": { "id": "B", "type_id": 1 } },
        { "SpecialToken": { "id": "[SEP]", "type_id": 1 } },
    ]);
    let tokenizer = json!({
        "version": "1.0",
        // The encoder truncates and pads itself.
        "truncation": null,
        "padding": null,
        "added_tokens": specials
            .iter()
            .enumerate()
            .map(|(id, token)| added_token(id, token, false))
            .collect::<Vec<_>>(),
        "normalizer": {
            "type": "BertNormalizer",
            "clean_text": true,
            "handle_chinese_chars": true,
            // null: follow `lowercase`, i.e. strip accents as bert-base-uncased does.
            "strip_accents": null,
            "lowercase": true,
        },
        "pre_tokenizer": { "type": "BertPreTokenizer" },
        "post_processor": template(cls, sep, pair),
        "decoder": { "type": "WordPiece", "prefix": "##", "cleanup": true },
        "model": {
            "type": "WordPiece",
            "unk_token": "[UNK]",
            "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100,
            "vocab": ids,
        },
    });
    (tokenizer, vocab.len())
}

/// An XLM-R style Unigram `tokenizer.json` and its vocabulary size.
fn xlmr_tokenizer() -> (Value, usize) {
    const META: char = '▁';
    let mut vocab: Vec<(String, f64)> = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |vocab: &mut Vec<(String, f64)>, token: String, score: f64| {
        if seen.insert(token.clone()) {
            vocab.push((token, score));
        }
    };
    // XLM-R's fixed ids: <s>=0, <pad>=1, </s>=2, <unk>=3.
    for token in ["<s>", "<pad>", "</s>", "<unk>"] {
        push(&mut vocab, token.to_string(), 0.0);
    }
    // Scores are log-probabilities: whole words beat pieces beat single characters, so
    // common words come out as one id and anything else is spelled with smaller pieces.
    for (rank, word) in WORDS.split_whitespace().enumerate() {
        let score = -6.0 - 0.001 * rank as f64;
        push(&mut vocab, format!("{META}{word}"), score);
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            let capitalized: String = first.to_uppercase().chain(chars).collect();
            push(&mut vocab, format!("{META}{capitalized}"), score - 0.5);
        }
    }
    for piece in PIECES.split_whitespace() {
        push(&mut vocab, piece.to_string(), -8.0);
    }
    push(&mut vocab, META.to_string(), -9.5);
    let chars: Vec<char> = ('!'..='~').chain(LATIN_EXTRA.chars()).collect();
    for &c in &chars {
        push(&mut vocab, format!("{META}{c}"), -9.0);
    }
    for &c in &chars {
        push(&mut vocab, c.to_string(), -10.0);
    }
    // Last id, as in the real vocabulary (250001).
    let mask_id = vocab.len();
    push(&mut vocab, "<mask>".to_string(), 0.0);

    let (cls, sep) = (("<s>", 0), ("</s>", 2));
    let pair = json!([
        { "SpecialToken": { "id": "<s>", "type_id": 0 } },
        { "Sequence": { "id": "A", "type_id": 0 } },
        { "SpecialToken": { "id": "</s>", "type_id": 0 } },
        { "SpecialToken": { "id": "</s>", "type_id": 0 } },
        { "Sequence": { "id": "B", "type_id": 0 } },
        { "SpecialToken": { "id": "</s>", "type_id": 0 } },
    ]);
    let metaspace = json!({
        "type": "Metaspace", "replacement": META.to_string(), "prepend_scheme": "always",
        "split": true,
    });
    let tokenizer = json!({
        "version": "1.0",
        // The encoder truncates and pads itself.
        "truncation": null,
        "padding": null,
        "added_tokens": [
            added_token(0, "<s>", false),
            added_token(1, "<pad>", false),
            added_token(2, "</s>", false),
            added_token(3, "<unk>", false),
            added_token(mask_id, "<mask>", true),
        ],
        // Stands in for the real SentencePiece precompiled charsmap (NFKC-based).
        "normalizer": { "type": "NFKC" },
        "pre_tokenizer": metaspace,
        "post_processor": template(cls, sep, pair),
        "decoder": metaspace,
        "model": {
            "type": "Unigram",
            "unk_id": 3,
            "vocab": vocab.iter().map(|(piece, score)| json!([piece, score])).collect::<Vec<_>>(),
            "byte_fallback": false,
        },
    });
    (tokenizer, vocab.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device, Tensor};
    use candle_nn::VarBuilder;
    use candle_transformers::models::{bert, xlm_roberta};
    use tokenizers::Tokenizer;

    const SENTENCE: &str = "Hello world, the quake hit Tampere.";

    fn unk_id(arch: TinyArch) -> u32 {
        match arch {
            TinyArch::Bert => 1,
            TinyArch::XlmRoberta => 3,
        }
    }

    /// (cls, sep) ids the post-processor must add.
    fn bounds(arch: TinyArch) -> (u32, u32) {
        match arch {
            TinyArch::Bert => (2, 3),
            TinyArch::XlmRoberta => (0, 2),
        }
    }

    fn write(arch: TinyArch, seed: u64) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        write_tiny_model(dir.path(), arch, seed).unwrap();
        dir
    }

    fn check_tokenizer(arch: TinyArch) {
        let dir = write(arch, 1);
        let tokenizer = Tokenizer::from_file(dir.path().join("tokenizer.json")).unwrap();
        let config: Value =
            serde_json::from_slice(&fs::read(dir.path().join("config.json")).unwrap()).unwrap();
        let vocab_size = config["vocab_size"].as_u64().unwrap() as usize;
        assert_eq!(tokenizer.get_vocab_size(true), vocab_size);

        let encoding = tokenizer.encode(SENTENCE, true).unwrap();
        let ids = encoding.get_ids();
        let (cls, sep) = bounds(arch);
        assert_eq!(ids.first(), Some(&cls), "{:?}", encoding.get_tokens());
        assert_eq!(ids.last(), Some(&sep), "{:?}", encoding.get_tokens());
        let inner = &ids[1..ids.len() - 1];
        assert!(inner.len() >= 6, "{:?}", encoding.get_tokens());
        // Every character of the sentence is in the vocabulary, so there is no unknown.
        assert!(
            !inner.contains(&unk_id(arch)),
            "{:?}",
            encoding.get_tokens()
        );
        assert!(ids.iter().all(|&id| (id as usize) < vocab_size));
        // Common words are whole tokens, not letters.
        let tokens = encoding.get_tokens();
        let the = match arch {
            TinyArch::Bert => "the",
            TinyArch::XlmRoberta => "▁the",
        };
        assert!(tokens.iter().any(|t| t == the), "{tokens:?}");
        // German and French text is mostly known words too.
        let other = tokenizer.encode(
            "Das Erdbeben in der Stadt. Le séisme a frappé la ville.",
            false,
        );
        let other = other.unwrap();
        let unknown = other
            .get_ids()
            .iter()
            .filter(|&&id| id == unk_id(arch))
            .count();
        assert_eq!(unknown, 0, "{:?}", other.get_tokens());
        // Round trip through the decoder.
        let decoded = tokenizer.decode(ids, true).unwrap();
        assert_eq!(
            decoded.to_lowercase().replace(' ', ""),
            SENTENCE.to_lowercase().replace(' ', "")
        );
    }

    /// Token rows padded with `pad` to one length: (ids, attention mask), both [batch, seq].
    fn batch(rows: &[Vec<u32>], pad: u32) -> (Tensor, Tensor) {
        let len = rows.iter().map(Vec::len).max().unwrap();
        let mut ids = Vec::new();
        let mut mask = Vec::new();
        for row in rows {
            ids.extend(row.iter().copied().chain(std::iter::repeat(pad)).take(len));
            mask.extend((0..len).map(|i| u32::from(i < row.len())));
        }
        let shape = (rows.len(), len);
        let dev = Device::Cpu;
        (
            Tensor::from_vec(ids, shape, &dev).unwrap(),
            Tensor::from_vec(mask, shape, &dev).unwrap(),
        )
    }

    /// Runs the model candle builds from the directory on the sentence, a shorter text
    /// (padding) and a full 64-token sequence, and checks shape and finiteness.
    fn check_forward(arch: TinyArch) {
        let dir = write(arch, 2);
        let tokenizer = Tokenizer::from_file(dir.path().join("tokenizer.json")).unwrap();
        let config = fs::read_to_string(dir.path().join("config.json")).unwrap();
        let weights = fs::read(dir.path().join("model.safetensors")).unwrap();
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu).unwrap();

        let encode = |text: &str| tokenizer.encode(text, true).unwrap().get_ids().to_vec();
        let (cls, sep) = bounds(arch);
        let longest: Vec<u32> = std::iter::once(cls)
            .chain(
                encode("the city")
                    .into_iter()
                    .cycle()
                    .filter(|&id| id != cls && id != sep),
            )
            .take(MAX_TOKENS - 1)
            .chain(std::iter::once(sep))
            .collect();
        assert_eq!(longest.len(), MAX_TOKENS);
        let rows = [encode(SENTENCE), encode("Quake."), longest];
        let (ids, mask) = batch(&rows, pad_id(arch) as u32);
        let types = ids.zeros_like().unwrap();

        let out = match arch {
            TinyArch::Bert => {
                let config: bert::Config = serde_json::from_str(&config).unwrap();
                let model = bert::BertModel::load(vb, &config).unwrap();
                model.forward(&ids, &types, Some(&mask)).unwrap()
            }
            TinyArch::XlmRoberta => {
                let config: xlm_roberta::Config = serde_json::from_str(&config).unwrap();
                let model = xlm_roberta::XLMRobertaModel::new(&config, vb).unwrap();
                model
                    .forward(&ids, &mask, &types, None, None, None)
                    .unwrap()
            }
        };
        assert_eq!(out.dims(), &[3, MAX_TOKENS, HIDDEN]);
        let values = out.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert!(values.iter().all(|v| v.is_finite()));
        // LayerNorm output: not collapsed to a constant.
        assert!(values.iter().any(|v| v.abs() > 0.1));
        // Different texts give different first-token states.
        let first = out
            .get(0)
            .unwrap()
            .get(1)
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let second = out
            .get(1)
            .unwrap()
            .get(1)
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        assert_ne!(first, second);
    }

    #[test]
    fn bert_tokenizer_loads_and_knows_the_words() {
        check_tokenizer(TinyArch::Bert);
    }

    #[test]
    fn xlmr_tokenizer_loads_and_knows_the_words() {
        check_tokenizer(TinyArch::XlmRoberta);
    }

    #[test]
    fn bert_weights_load_into_candle_and_run() {
        check_forward(TinyArch::Bert);
    }

    #[test]
    fn xlmr_weights_load_into_candle_and_run() {
        check_forward(TinyArch::XlmRoberta);
    }

    #[test]
    fn same_seed_gives_identical_files() {
        for arch in [TinyArch::Bert, TinyArch::XlmRoberta] {
            let (a, b, c) = (write(arch, 7), write(arch, 7), write(arch, 8));
            for file in ["model.safetensors", "config.json", "tokenizer.json"] {
                let read = |dir: &tempfile::TempDir| fs::read(dir.path().join(file)).unwrap();
                assert_eq!(read(&a), read(&b), "{arch:?} {file}");
            }
            let weights = |dir: &tempfile::TempDir| fs::read(dir.path().join("model.safetensors"));
            assert_ne!(weights(&a).unwrap(), weights(&c).unwrap(), "{arch:?}");
        }
    }

    #[test]
    fn writes_into_a_missing_nested_directory() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("models").join("tiny");
        write_tiny_model(&dir, TinyArch::Bert, 0).unwrap();
        for file in ["config.json", "model.safetensors", "tokenizer.json"] {
            assert!(dir.join(file).is_file(), "{file}");
        }
    }
}
