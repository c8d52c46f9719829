//! The transformer encoder on tiny random models written by the test itself (no download),
//! and on the real multilingual-e5-small when `STORYWEAVE_TEST_MODEL` names its directory.

use std::path::{Path, PathBuf};
use storyweave_encode::neural::{article_passages, cosine, encode_articles};
use storyweave_encode::tiny::{write_tiny_model, TinyArch};
use storyweave_encode::{Encoder, ModelOptions, TransformerEncoder, WindowConfig};

fn tiny(arch: TinyArch) -> (tempfile::TempDir, TransformerEncoder) {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_model(dir.path(), arch, 7).unwrap();
    let opts = ModelOptions { path: Some(dir.path().to_path_buf()), ..Default::default() };
    let enc = TransformerEncoder::load(&opts).unwrap();
    (dir, enc)
}

const TEXTS: [&str; 3] = [
    "The quake hit Tampere on Monday.",
    "Police said the boy was found in the forest near the river after a long search.",
    "Ministers met in Berlin.",
];

#[test]
fn vectors_are_unit_length_and_padding_does_not_change_them() {
    for arch in [TinyArch::Bert, TinyArch::XlmRoberta] {
        let (_d, enc) = tiny(arch);
        assert_eq!(enc.dim(), 32);
        let batch = enc.encode_batch(&TEXTS).unwrap();
        for (t, v) in TEXTS.iter().zip(&batch) {
            let n: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((n - 1.0).abs() < 1e-4, "{arch:?} norm {n}");
            let single = enc.encode_batch(&[t]).unwrap();
            assert!(cosine(v, &single[0]) > 0.99999, "{arch:?}: padding changed the vector of {t:?}");
        }
        assert!(cosine(&batch[0], &batch[1]) < 0.99999, "{arch:?}: different texts, same vector");
    }
}

#[test]
fn pad_id_comes_from_the_tokenizer() {
    let (_d, bert) = tiny(TinyArch::Bert);
    assert_eq!(bert.pad_id(), 0);
    let (_d2, xlmr) = tiny(TinyArch::XlmRoberta);
    assert_eq!(xlmr.pad_id(), 1);
}

#[test]
fn long_articles_become_title_lead_and_windows_within_the_model_limit() {
    let (_d, enc) = tiny(TinyArch::Bert);
    let body: String = (0..60).map(|i| format!("Sentence number {i} says the river rose again. ")).collect();
    let plan = article_passages(&enc, "Flood in Tampere", &body, &WindowConfig { max_windows: 100, lead_weight: 0.5 }).unwrap();
    assert!(plan.passages.len() > 3, "only {} passages", plan.passages.len());
    for p in &plan.passages {
        assert!(p.len() + 2 <= enc.max_tokens(), "passage of {} tokens", p.len());
        assert!(p.starts_with(enc.prefix_ids()));
    }
    // Every token of the text is in some passage: nothing is silently cut.
    let total: usize = plan.passages.iter().map(|p| p.len() - enc.prefix_ids().len()).sum();
    let tokens = enc.tokenize(&format!("Flood in Tampere\n{}", body.trim())).unwrap().len();
    assert_eq!(total, tokens);
    let capped = article_passages(&enc, "Flood", &body, &WindowConfig { max_windows: 3, lead_weight: 0.5 }).unwrap();
    assert_eq!(capped.passages.len(), 3);
    assert_eq!(capped.passages[0], article_passages(&enc, "Flood", &body, &WindowConfig::default()).unwrap().passages[0]);
    let v = encode_articles(&enc, &[("Flood", body.as_str()), ("Short", "A short one.")], &WindowConfig::default()).unwrap();
    assert_eq!(v[0].passages, WindowConfig::default().max_windows);
    assert_eq!(v[1].passages, 1);
    // A short article is exactly the plain encoding of "title\ntext".
    let plain = enc.encode_batch(&["Short\nA short one."]).unwrap();
    assert!(cosine(&v[1].article, &plain[0]) > 0.99999);
}

#[test]
fn the_model_id_changes_with_the_weights_and_a_missing_file_is_named() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    write_tiny_model(a.path(), TinyArch::Bert, 1).unwrap();
    write_tiny_model(b.path(), TinyArch::Bert, 2).unwrap();
    let load = |p: &Path| TransformerEncoder::load(&ModelOptions { path: Some(p.to_path_buf()), ..Default::default() });
    let (ea, eb) = (load(a.path()).unwrap(), load(b.path()).unwrap());
    assert_ne!(ea.id().split('@').nth(1), eb.id().split('@').nth(1));
    std::fs::remove_file(a.path().join("tokenizer.json")).unwrap();
    let err = load(a.path()).err().unwrap().to_string();
    assert!(err.contains("tokenizer.json"), "{err}");
    let err = load(&a.path().join("nope")).err().unwrap().to_string();
    assert!(err.contains("not a directory"), "{err}");
}

/// The real model's directory, or `None` with the reason printed.
fn real_model() -> Option<PathBuf> {
    match std::env::var_os("STORYWEAVE_TEST_MODEL") {
        Some(p) if Path::new(&p).join("model.safetensors").is_file() => Some(PathBuf::from(p)),
        Some(p) => {
            eprintln!("skipped: STORYWEAVE_TEST_MODEL={} has no model.safetensors", Path::new(&p).display());
            None
        }
        None => {
            eprintln!("skipped: set STORYWEAVE_TEST_MODEL to a multilingual-e5-small directory to run this test");
            None
        }
    }
}

#[test]
fn real_e5_small_matches_an_independent_reference() {
    let Some(dir) = real_model() else { return };
    let enc = TransformerEncoder::load(&ModelOptions { path: Some(dir), ..Default::default() }).unwrap();
    let reference: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/e5_small_reference.json")).unwrap(),
    )
    .unwrap();
    let sentences = reference["sentences"].as_array().unwrap();
    let texts: Vec<&str> = sentences.iter().map(|s| s["text"].as_str().unwrap()).collect();
    let got = enc.encode_batch(&texts).unwrap();
    for (s, v) in sentences.iter().zip(&got) {
        // The reference ids are <s> "passage:" text </s>; ours lack the two specials.
        let ids: Vec<u32> = s["ids"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u32).collect();
        let mut ours = enc.prefix_ids().to_vec();
        ours.extend(enc.tokenize(s["text"].as_str().unwrap()).unwrap().into_iter().map(|(i, _)| i));
        assert_eq!(&ids[1..ids.len() - 1], ours.as_slice(), "token ids of {}", s["text"]);
        let want: Vec<f32> = s["vector"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect();
        let cos = cosine(v, &want);
        assert!(cos > 1.0 - 1e-4, "cosine {cos} for {}", s["text"]);
    }
}
