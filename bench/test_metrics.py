"""Unit tests of the benchmark metrics and baselines on small hand-made cases.

Run: bench/.venv/bin/pytest bench/
"""

import math

import numpy as np
import pytest

import baselines
import metrics


# --- BCubed -----------------------------------------------------------------------------------


def test_bcubed_perfect_clustering_is_one():
    gold = {"a": 1, "b": 1, "c": 2}
    pred = {"a": "x", "b": "x", "c": "y"}  # label names do not matter, only the partition
    r = metrics.bcubed(pred, gold)
    assert (r.precision, r.recall, r.f1) == (1.0, 1.0, 1.0)


def test_bcubed_all_singletons_has_full_precision_and_partial_recall():
    gold = {"a": 1, "b": 1, "c": 2}
    pred = {"a": 1, "b": 2, "c": 3}
    r = metrics.bcubed(pred, gold)
    assert r.precision == 1.0
    # a: 1/2, b: 1/2, c: 1/1 -> 2/3
    assert r.recall == pytest.approx(2 / 3)
    assert r.f1 == pytest.approx(0.8)


def test_bcubed_one_big_cluster_has_full_recall_and_partial_precision():
    gold = {"a": 1, "b": 1, "c": 2, "d": 3}
    pred = {k: 0 for k in gold}
    r = metrics.bcubed(pred, gold)
    assert r.recall == 1.0
    # a, b: 2/4 each; c, d: 1/4 each -> (0.5 + 0.5 + 0.25 + 0.25) / 4
    assert r.precision == pytest.approx(0.375)


def test_bcubed_hand_computed_mixed_case():
    # gold {a,b,c} {d,e}; pred {a,b} {c,d,e}
    gold = {"a": "G1", "b": "G1", "c": "G1", "d": "G2", "e": "G2"}
    pred = {"a": "P1", "b": "P1", "c": "P2", "d": "P2", "e": "P2"}
    r = metrics.bcubed(pred, gold)
    # precision: a 2/2, b 2/2, c 1/3, d 2/3, e 2/3 -> (1+1+1/3+2/3+2/3)/5 = 11/15
    assert r.precision == pytest.approx(11 / 15)
    # recall: a 2/3, b 2/3, c 1/3, d 2/2, e 2/2 -> (2/3+2/3+1/3+1+1)/5 = 11/15
    assert r.recall == pytest.approx(11 / 15)


def test_bcubed_rejects_different_item_sets():
    with pytest.raises(ValueError):
        metrics.bcubed({"a": 1}, {"a": 1, "b": 1})


# --- Pearson ----------------------------------------------------------------------------------


def test_pearson_perfect_and_inverse():
    assert metrics.pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert metrics.pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)


def test_pearson_hand_computed():
    # x = 1,2,3,4; y = 1,3,2,4: dx = -1.5,-.5,.5,1.5; dy = -1.5,.5,-.5,1.5
    # sum dxdy = 2.25 - .25 - .25 + 2.25 = 4; sum dx^2 = sum dy^2 = 5 -> 0.8
    assert metrics.pearson([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)


def test_pearson_matches_numpy_on_random_data():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=50), rng.normal(size=50)
    assert metrics.pearson(x, y) == pytest.approx(np.corrcoef(x, y)[0, 1])


def test_pearson_constant_side_is_nan():
    assert math.isnan(metrics.pearson([1, 1, 1], [1, 2, 3]))
    assert math.isnan(metrics.pearson([1], [2]))


# --- pairwise grouping ------------------------------------------------------------------------


def test_pairwise_prf_counts():
    pred = [True, True, False, False, True]
    gold = [True, False, True, False, True]
    r = metrics.pairwise_prf(pred, gold)
    # tp 2, fp 1, fn 1, tn 1
    assert r.precision == pytest.approx(2 / 3)
    assert r.recall == pytest.approx(2 / 3)
    assert r.f1 == pytest.approx(2 / 3)
    assert r.accuracy == pytest.approx(3 / 5)


def test_pairwise_prf_no_positive_predictions_is_zero_not_error():
    r = metrics.pairwise_prf([False, False], [True, False])
    assert (r.precision, r.recall, r.f1, r.accuracy) == (0.0, 0.0, 0.0, 0.5)


# --- retrieval --------------------------------------------------------------------------------


def test_argmax_other_ignores_same_language_and_uses_both_directions():
    lang = {"e1": "en", "e2": "en", "f1": "fi", "f2": "fi"}
    scores = {
        ("e1", "e2"): 0.99,  # same language: must be ignored
        ("e1", "f1"): 0.2,
        ("e1", "f2"): 0.8,
        ("e2", "f1"): 0.7,
        ("e2", "f2"): 0.1,
    }
    best = metrics.argmax_other(scores, lang)
    assert best == {"e1": "f2", "e2": "f1", "f1": "e2", "f2": "e1"}


def test_retrieval_accuracy_counts_group_hits_and_missing_as_miss():
    group = {"e1": 1, "f1": 1, "e2": 2, "f2": 2}
    best = {"e1": "f1", "f1": "e2", "e2": "f2", "f2": None}
    assert metrics.retrieval_accuracy(best, group) == pytest.approx(0.5)


def test_argmax_other_matrix_agrees_with_dict_form():
    sim = np.array([[1.0, 0.9, 0.2, 0.8], [0.9, 1.0, 0.7, 0.1],
                    [0.2, 0.7, 1.0, 0.5], [0.8, 0.1, 0.5, 1.0]])
    langs = ["en", "en", "fi", "fi"]
    assert metrics.argmax_other_matrix(sim, langs) == [3, 2, 1, 0]


# --- extraction scoring -----------------------------------------------------------------------


def test_extraction_counts_follow_upstream_rule():
    c = metrics.ExtractionCounts()
    c.add("Main text here. More body.", ["Main text", "missing part"], ["Menu", "body."])
    assert (c.tp, c.fn, c.fp, c.tn) == (1, 1, 1, 1)
    c.add(None, ["x", "y"], ["z"])  # no result: every `with` missed, every `without` absent
    assert (c.tp, c.fn, c.fp, c.tn) == (1, 3, 1, 2)
    r = c.prf()
    assert r.precision == pytest.approx(0.5)
    assert r.recall == pytest.approx(0.25)
    assert r.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_extraction_match_is_case_sensitive_substring():
    c = metrics.ExtractionCounts()
    c.add("hello world", ["Hello"], [])
    assert (c.tp, c.fn) == (0, 1)


# --- baselines --------------------------------------------------------------------------------


def test_threshold_clusterer_single_link_is_connected_components():
    # a-b 0.9, b-c 0.6, a-c 0.1, d alone: at 0.5 single link chains a-b-c.
    sim = np.array([[1, .9, .1, 0], [.9, 1, .6, 0], [.1, .6, 1, 0], [0, 0, 0, 1]], dtype=float)
    single = baselines.ThresholdClusterer(sim, "single").cut(0.5)
    assert single[0] == single[1] == single[2] != single[3]
    # average link: c joins {a,b} at mean(0.1, 0.6) = 0.35 < 0.5, so it stays apart.
    avg = baselines.ThresholdClusterer(sim, "average").cut(0.5)
    assert avg[0] == avg[1] != avg[2]
    # a threshold equal to an edge's cosine keeps that edge
    assert len(set(baselines.ThresholdClusterer(sim, "single").cut(0.6)[:3])) == 1


def test_chunked_components_matches_dense_single_link():
    texts = ["the cat sat on the mat", "the cat sat on a mat", "stock markets fell sharply",
             "stock markets fell sharply today", "a completely different topic here"]
    x = baselines.tfidf_vectorizer().fit_transform(texts).tocsr()
    dense = baselines.ThresholdClusterer(baselines.cosine_matrix(x), "single").cut(0.5)
    chunked = baselines.chunked_components(x, 0.5, chunk=2)
    # same partition, whatever the label values
    assert len(set(zip(dense.tolist(), chunked.tolist()))) == len(set(dense.tolist()))
    assert len(set(chunked.tolist())) == 3


def test_chunked_components_deadline_reports_progress():
    x = baselines.tfidf_vectorizer().fit_transform(["abc def", "ghi jkl", "mno pqr"]).tocsr()
    with pytest.raises(baselines.Deadline) as e:
        baselines.chunked_components(x, 0.5, chunk=1, deadline_s=-1.0)
    assert e.value.done_rows == 1 and e.value.total_rows == 3


def test_best_threshold_picks_max_score():
    sim = np.array([[1, .9, .1], [.9, 1, .1], [.1, .1, 1]], dtype=float)
    clus = baselines.ThresholdClusterer(sim, "single")
    # score: 1 when exactly {0,1} vs {2}
    t, s, labels = baselines.best_threshold(
        clus, lambda lab: float(lab[0] == lab[1] != lab[2]), grid=[0.05, 0.5, 0.95])
    assert (t, s) == (0.5, 1.0)


def test_visible_text_drops_scripts_and_keeps_body_text():
    html = b"<html><head><title>T</title><script>var x=1;</script></head><body><p>Hello</p>" \
           b"<style>p{}</style><div>World</div></body></html>"
    text = baselines.visible_text(html)
    assert "Hello" in text and "World" in text
    assert "var x" not in text and "p{}" not in text
