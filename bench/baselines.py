"""Baselines that storyweave is compared against, in the same run, on the same inputs.

- character 3–5-gram TF-IDF cosine (similarity, retrieval, threshold clustering);
- "all visible text" of an HTML page (orientation for main-text extraction).
trafilatura itself is called directly from bench.py.
"""

from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

# Thresholds tried when the baseline's clustering threshold is tuned on the evaluated file
# itself: 0.01 steps are finer than the F1 curve's noise on a few hundred documents.
THRESHOLD_GRID = tuple(round(t, 2) for t in np.arange(0.05, 0.96, 0.01))
# Encoder cosines crowd into a narrow band (e5: unrelated news ≈ 0.75, translations ≈ 0.9), where
# 0.01 steps cost the best threshold up to ~0.01 F1; the plain e5 baseline gets 0.001 steps.
FINE_THRESHOLD_GRID = tuple(round(t, 3) for t in np.arange(0.5, 0.9905, 0.001))

# Linkage of the threshold clustering: single link = connected components of the graph
# "cosine >= threshold", the only one of the two that also runs at 100k articles (chunked).
LINKAGES = ("single", "average")


def tfidf_vectorizer() -> TfidfVectorizer:
    """The baseline's vectoriser, exactly as specified for the benchmark."""
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)


def tfidf_fit(texts: Sequence[str]) -> TfidfVectorizer:
    """Fit the baseline vectoriser on the texts of one evaluated file."""
    vec = tfidf_vectorizer()
    vec.fit(texts)
    return vec


def cosine_matrix(x: sp.spmatrix | np.ndarray) -> np.ndarray:
    """Dense cosine similarity of L2-normalised rows (TfidfVectorizer normalises by default);
    `x` sparse (TF-IDF) or a dense array (encoder vectors)."""
    if sp.issparse(x):
        return np.asarray((x @ x.T).todense(), dtype=float)
    x = np.asarray(x, dtype=float)
    return x @ x.T


def row_cosines(xa: sp.spmatrix | np.ndarray, xb: sp.spmatrix | np.ndarray) -> np.ndarray:
    """Cosine of row i of `xa` with row i of `xb`, for each i (L2-normalised rows)."""
    if sp.issparse(xa):
        return np.asarray(xa.multiply(xb).sum(axis=1)).ravel()
    return np.einsum("ij,ij->i", np.asarray(xa, dtype=float), np.asarray(xb, dtype=float))


class ThresholdClusterer:
    """Agglomerative clustering of a small dense similarity matrix, cut at any threshold.

    The dendrogram is built once, so trying every threshold of a grid costs one cut each.
    """

    def __init__(self, sim: np.ndarray, method: str = "single"):
        if method not in LINKAGES:
            raise ValueError(f"unknown linkage {method!r}, expected one of {LINKAGES}")
        n = sim.shape[0]
        self.n = n
        if n < 2:
            self.tree = None
            return
        dist = np.clip(1.0 - sim, 0.0, 2.0)
        # Rounding noise makes the product matrix very slightly asymmetric; squareform wants
        # an exact zero diagonal and symmetry.
        dist = (dist + dist.T) / 2
        np.fill_diagonal(dist, 0.0)
        self.tree = linkage(squareform(dist, checks=False), method=method)

    def cut(self, threshold: float) -> np.ndarray:
        """Labels such that items merged at similarity >= threshold share a label."""
        if self.tree is None:
            return np.zeros(self.n, dtype=int)
        # fcluster keeps merges whose distance is <= t; a tiny epsilon makes ">= threshold"
        # inclusive despite float noise in 1 - cos.
        return fcluster(self.tree, t=1.0 - threshold + 1e-9, criterion="distance")


def best_threshold(
    clusterer: ThresholdClusterer,
    score: Callable[[np.ndarray], float],
    grid: Sequence[float] = THRESHOLD_GRID,
) -> tuple[float, float, np.ndarray]:
    """The grid threshold whose clustering maximises `score`; ties keep the lower threshold."""
    best: tuple[float, float, np.ndarray] | None = None
    for t in grid:
        labels = clusterer.cut(t)
        s = score(labels)
        if best is None or s > best[1]:
            best = (t, s, labels)
    assert best is not None, "threshold grid is empty"
    return best


class Deadline(Exception):
    """The chunked clustering ran out of its time budget; carries the progress made."""

    def __init__(self, done_rows: int, total_rows: int, elapsed_s: float):
        super().__init__(f"stopped after {done_rows}/{total_rows} rows in {elapsed_s:.0f} s")
        self.done_rows = done_rows
        self.total_rows = total_rows
        self.elapsed_s = elapsed_s


def chunked_components(
    x: sp.csr_matrix,
    threshold: float,
    chunk: int = 500,
    deadline_s: float | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> np.ndarray:
    """Connected components of "cosine >= threshold" without the n×n matrix.

    Row block i..i+chunk is multiplied only with rows i.. (the upper triangle), so each pair is
    computed once; only the edges above the threshold are kept. Raises Deadline when
    `deadline_s` seconds have passed, so a quadratic run can be reported as unfinished.
    """
    n = x.shape[0]
    xt = x.T.tocsc()
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    start = time.perf_counter()
    for lo in range(0, n, chunk):
        hi = min(lo + chunk, n)
        block = (x[lo:hi] @ xt[:, lo:]).tocoo()
        keep = block.data >= threshold
        rows.append(block.row[keep] + lo)
        cols.append(block.col[keep] + lo)
        elapsed = time.perf_counter() - start
        if progress is not None:
            progress(hi, n, elapsed)
        if deadline_s is not None and elapsed > deadline_s and hi < n:
            raise Deadline(hi, n, elapsed)
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=int)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=int)
    graph = sp.coo_matrix((np.ones(r.size, dtype=np.int8), (r, c)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels


def visible_text(html: bytes) -> str:
    """All text of the page body except script/style: the 'no extraction' orientation baseline."""
    import lxml.html
    from lxml import etree

    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(tree, "script", "style", "noscript", "template", with_tail=False)
    bodies = tree.xpath("//body")
    root = bodies[0] if bodies else tree
    return root.text_content()
