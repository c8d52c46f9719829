"""Metric functions for the storyweave benchmarks; pure Python + numpy, no I/O.

Every function takes plain dicts/lists so the unit tests (test_metrics.py) can feed small
hand-made cases, and the same code scores storyweave and the baselines.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Hashable, Iterable, Mapping, Sequence

import numpy as np


@dataclass(frozen=True)
class PRF:
    """Precision, recall, F1 (and accuracy where it is defined, else None)."""

    precision: float
    recall: float
    f1: float
    accuracy: float | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def f1(precision: float, recall: float) -> float:
    """Harmonic mean; 0 when both are 0 (instead of a division error)."""
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def bcubed(pred: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> PRF:
    """BCubed precision/recall/F1 (Bagga & Baldwin 1998; Amigo et al. 2009).

    `pred` and `gold` map item -> cluster label and must cover the same items. Per item:
    precision = |pred cluster ∩ gold cluster| / |pred cluster|, recall likewise over the gold
    cluster; both averaged over items, F1 from the averages.
    """
    if set(pred) != set(gold):
        missing = set(gold) ^ set(pred)
        raise ValueError(f"bcubed: pred and gold cover different items ({len(missing)} differ)")
    if not gold:
        raise ValueError("bcubed: no items")
    # Size of each (pred, gold) cell; an item's overlap is the size of its own cell, which
    # keeps this O(n) instead of comparing all pairs.
    cell = Counter((pred[i], gold[i]) for i in gold)
    pred_size = Counter(pred.values())
    gold_size = Counter(gold.values())
    p = r = 0.0
    for i in gold:
        overlap = cell[(pred[i], gold[i])]
        p += overlap / pred_size[pred[i]]
        r += overlap / gold_size[gold[i]]
    n = len(gold)
    return PRF(p / n, r / n, f1(p / n, r / n))


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson correlation; NaN when fewer than 2 points or either side is constant."""
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"pearson: lengths differ ({x.size} vs {y.size})")
    if x.size < 2:
        return math.nan
    dx = x - x.mean()
    dy = y - y.mean()
    denom = math.sqrt(float(dx @ dx) * float(dy @ dy))
    if denom == 0:
        return math.nan
    return float(dx @ dy) / denom


def pairwise_prf(pred_same: Sequence[bool], gold_same: Sequence[bool]) -> PRF:
    """Precision/recall/F1/accuracy of 'same story' decisions over rated pairs."""
    if len(pred_same) != len(gold_same):
        raise ValueError("pairwise_prf: lengths differ")
    if not gold_same:
        raise ValueError("pairwise_prf: no pairs")
    tp = sum(1 for p, g in zip(pred_same, gold_same) if p and g)
    fp = sum(1 for p, g in zip(pred_same, gold_same) if p and not g)
    fn = sum(1 for p, g in zip(pred_same, gold_same) if g and not p)
    tn = len(gold_same) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return PRF(precision, recall, f1(precision, recall), (tp + tn) / len(gold_same))


def retrieval_accuracy(
    best: Mapping[Hashable, Hashable | None], group: Mapping[Hashable, Hashable]
) -> float:
    """Share of queries whose retrieved item (best[q]) is in the query's gold group.

    A query with no retrieved item (None) counts as a miss.
    """
    if not best:
        raise ValueError("retrieval_accuracy: no queries")
    hits = sum(1 for q, b in best.items() if b is not None and group[b] == group[q])
    return hits / len(best)


def argmax_other(
    scores: Mapping[tuple[Hashable, Hashable], float],
    lang: Mapping[Hashable, str],
) -> dict[Hashable, Hashable | None]:
    """For each item, the highest-scoring partner in another language.

    `scores` maps an unordered pair (a, b) to a similarity; it is used in both directions.
    Ties go to the partner seen first, so the result is deterministic for a given input order.
    Items with no other-language partner map to None.
    """
    best: dict[Hashable, tuple[float, Hashable | None]] = {i: (-math.inf, None) for i in lang}
    for (a, b), s in scores.items():
        if lang[a] == lang[b]:
            continue
        if s > best[a][0]:
            best[a] = (s, b)
        if s > best[b][0]:
            best[b] = (s, a)
    return {i: b for i, (_, b) in best.items()}


def argmax_other_matrix(sim: np.ndarray, langs: Sequence[str]) -> list[int | None]:
    """Dense-matrix form of `argmax_other`: index of the best other-language column per row."""
    langs_arr = np.asarray(langs)
    out: list[int | None] = []
    for i in range(sim.shape[0]):
        mask = langs_arr != langs_arr[i]
        if not mask.any():
            out.append(None)
            continue
        row = np.where(mask, sim[i], -np.inf)
        out.append(int(np.argmax(row)))
    return out


@dataclass
class ExtractionCounts:
    """Pooled counts of the extraction evaluation (trafilatura's scoring rule)."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, text: str | None, with_: Iterable[str], without: Iterable[str]) -> None:
        """Score one page: `with` strings found are TP (else FN), `without` found are FP (else TN).

        A missing result (None) counts every `with` as FN and every `without` as TN, as the
        upstream evaluation does. Matching is plain substring search, no normalisation.
        """
        with_ = list(with_)
        without = list(without)
        if text is None:
            self.fn += len(with_)
            self.tn += len(without)
            return
        for s in with_:
            if s in text:
                self.tp += 1
            else:
                self.fn += 1
        for s in without:
            if s in text:
                self.fp += 1
            else:
                self.tn += 1

    def prf(self) -> PRF:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        total = self.tp + self.fn + self.fp + self.tn
        return PRF(precision, recall, f1(precision, recall), (self.tp + self.tn) / total if total else 0.0)
