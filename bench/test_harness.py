"""Tests of the harness's wiring: config grids, launcher stats, and every section end to end
against fake_storyweave.py (same command-line interface as storyweave) on a tiny data folder
made here, so they need neither the Rust build nor ../shared.

Run: bench/.venv/bin/pytest bench/
"""

import io
import json
import math
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

import bench

FAKE = Path(__file__).resolve().parent / "fake_storyweave.py"


# --- tune grid --------------------------------------------------------------------------------


def test_parse_grid_and_toml_round_trip():
    grid = bench.parse_grid(["cluster.threshold=0.2, 0.3", "similarity.mode=fast,slow",
                             "cluster.enabled=true"])
    assert grid == [("cluster.threshold", ["0.2", "0.3"]),
                    ("similarity.mode", ["fast", "slow"]),
                    ("cluster.enabled", ["true"])]
    text = bench.grid_toml({"cluster.threshold": "0.2", "similarity.mode": "fast",
                            "cluster.enabled": "true", "cluster.k": "3"})
    assert tomllib.loads(text) == {"cluster": {"threshold": 0.2, "enabled": True, "k": 3},
                                   "similarity": {"mode": "fast"}}


@pytest.mark.parametrize("spec", ["threshold=0.2", "cluster.threshold", "cluster.=1",
                                  ".x=1", "cluster.threshold="])
def test_parse_grid_rejects_malformed(spec):
    with pytest.raises(SystemExit):
        bench.parse_grid([spec])


# --- launcher stats ---------------------------------------------------------------------------


def test_parse_stats_reads_gnu_time_and_rusage_json():
    assert bench.parse_stats("1.50 0.25 2048\n") == (1.75, 2048.0)
    assert bench.parse_stats("Command exited with non-zero status 2\n0.10 0.00 900\n") == (
        0.1, 900.0)
    assert bench.parse_stats('{"cpu_s": 0.5, "maxrss_kib": 100, "returncode": 0}') == (
        0.5, 100.0)
    cpu, rss = bench.parse_stats("")
    assert math.isnan(cpu) and math.isnan(rss)


def test_run_measured_reports_the_childs_own_peak_rss(tmp_path):
    # A child that allocates ~200 MiB must report roughly that, and a trivial child must not
    # inherit this (large) test process's RSS.
    big, _ = bench.run_measured([sys.executable, "-c", "x = bytearray(200 * 2**20)"])
    small, _ = bench.run_measured([sys.executable, "-S", "-c", "pass"])
    assert big.returncode == 0 and 190 < big.maxrss_mib < 300
    assert small.maxrss_mib < 60


def test_run_measured_timeout_kills_and_says_so():
    m, killed = bench.run_measured([sys.executable, "-c", "import time; time.sleep(30)"],
                                   timeout_s=0.5)
    assert killed and m.wall_s < 10


def test_missing_binary_is_a_clear_step_error(tmp_path):
    sw = bench.Storyweave(tmp_path / "nope", tmp_path)
    with pytest.raises(bench.StepError, match="cargo build --release -p storyweave-cli"):
        sw.check()


# --- end to end on a tiny data folder ---------------------------------------------------------


def make_data(root: Path) -> Path:
    data = root / "data"
    wmt = data / "wmt16-enfi"
    wmt.mkdir(parents=True)
    docs = []
    for g, (en, fi) in enumerate([("The storm hit the coast on Monday night.",
                                   "Myrsky iski rannikolle maanantai-iltana."),
                                  ("Parliament passed the budget after a long debate.",
                                   "Eduskunta hyväksyi budjetin pitkän keskustelun jälkeen.")]):
        docs.append({"id": f"d{g}:en", "lang": "en", "title": en, "text": en, "group": f"g{g}"})
        docs.append({"id": f"d{g}:fi", "lang": "fi", "title": fi, "text": fi, "group": f"g{g}"})
    (wmt / "docs.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    sem = data / "semeval2022-t8"
    sem.mkdir()
    arts = {i: {"id": str(i), "lang": lang, "text": text} for i, (lang, text) in enumerate([
        ("en", "Storm hits the coast, thousands without power"),
        ("de", "Sturm trifft die Küste, Tausende ohne Strom"),
        ("en", "Budget passes parliament after long debate"),
        ("en", "Storm leaves thousands without power on the coast"),
    ])}
    pairs = [(0, 1, 1.0), (0, 2, 4.0), (0, 3, 1.5), (2, 1, 3.5)]
    (sem / "pairs.dev.jsonl").write_text("".join(
        json.dumps({"id": f"{a}_{b}", "pair_id": f"{a}_{b}", "a": arts[a], "b": arts[b],
                    "overall": o}) + "\n" for a, b, o in pairs))
    ext = data / "extraction"
    ext.mkdir()
    pages = {"pages/a.html": "<html><body><nav>Home Menu</nav><p>The main story text.</p>"
                             "</body></html>",
             "pages/b.html": "<html><body><p>Second article body.</p><footer>Imprint</footer>"
                             "</body></html>"}
    with tarfile.open(ext / "pages.dev.tar.gz", "w:gz") as tar:
        for name, html in pages.items():
            blob = html.encode()
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    (ext / "cases.dev.jsonl").write_text(
        json.dumps({"file": "pages/a.html", "with": ["main story"], "without": ["Menu"]}) + "\n"
        + json.dumps({"file": "pages/b.html", "with": ["Second article"],
                      "without": ["Imprint"]}) + "\n")
    return data


def run_bench(tmp_path, *args):
    data = make_data(tmp_path)
    out = tmp_path / "out"
    code = bench.main([*args, "--data", str(data), "--bin", str(FAKE), "--out", str(out)])
    return code, out


def test_quality_section_scores_storyweave_and_baseline(tmp_path, capsys):
    code, out = run_bench(tmp_path, "quality")
    assert code == 0
    res = json.loads((out / "quality.json").read_text())
    sw, base = res["storyweave"], res["baseline"]
    assert sw["errors"] == []
    for r in (sw, base):
        assert 0 <= r["wmt_cluster"]["f1"] <= 1
        assert 0 <= r["wmt_similarity"]["accuracy"] <= 1
        assert -1 <= r["semeval_similarity"]["pearson"] <= 1
        assert r["semeval_cluster"]["n_articles"] == 4
    # the pairs file holds every en×fi pair
    assert sum(1 for _ in open(out / "inputs" / "wmt_pairs.jsonl")) == 4
    printed = capsys.readouterr().out
    assert "```markdown" in printed and "storyweave commit:" in printed


def test_quality_without_binary_fails_clearly_but_still_runs_the_baseline(tmp_path):
    data = make_data(tmp_path)
    out = tmp_path / "out"
    code = bench.main(["quality", "--data", str(data), "--bin", str(tmp_path / "missing"),
                       "--out", str(out)])
    assert code == 1
    res = json.loads((out / "quality.json").read_text())
    assert len(res["storyweave"]["errors"]) == 1
    assert "not found" in res["storyweave"]["errors"][0]
    assert "f1" in res["baseline"]["wmt_cluster"]


def test_extraction_section_scores_all_extractors(tmp_path):
    code, out = run_bench(tmp_path, "extraction")
    assert code == 0
    res = json.loads((out / "extraction.json").read_text())
    assert res["pages"] == 2
    # the fake keeps all visible text: both `with` found, both `without` found too
    assert (res["storyweave"]["tp"], res["storyweave"]["fp"]) == (2, 2)
    assert (res["visible_text"]["tp"], res["visible_text"]["fp"]) == (2, 2)
    assert res["storyweave"]["pages_without_output"] == 0


def test_scale_section_measures_every_step(tmp_path):
    code, out = run_bench(tmp_path, "scale", "--sizes", "20,40")
    assert code == 0
    res = json.loads((out / "scale.json").read_text())
    for n in ("20", "40"):
        runs = res["runs"][n]
        assert runs["ingest"]["wall_s"] > 0 and runs["cluster"]["maxrss_mib"] > 0
        assert runs["baseline"]["finished"]
    lines = (out / "scale" / "corpus-40.jsonl").read_text().splitlines()
    assert len(lines) == 40 and len({json.loads(ln)["id"] for ln in lines}) == 40
    # deterministic: the same seed gives the same corpus
    again = bench.scale_corpus(tmp_path / "data", 40, regen=True)
    assert again.read_text().splitlines() == lines


def test_tune_writes_one_config_per_point_and_reports_bad_keys(tmp_path):
    code, out = run_bench(tmp_path, "tune", "--grid", "cluster.threshold=0.01,0.5",
                          "--grid", "similarity.nonsense=1")
    assert code == 0
    res = json.loads((out / "tune.json").read_text())
    assert [r["name"] for r in res["results"]][0] == "defaults"  # only one without errors
    assert len(list((out / "tune").glob("point-*.toml"))) == 2
    bad = [r for r in res["results"] if r["name"] != "defaults"]
    assert all("unknown config key" in r["errors"][0] for r in bad)


def test_upper_pairs_done_share():
    assert bench.upper_pairs_done(0, 4) == 0.0
    assert bench.upper_pairs_done(4, 4) == 1.0
    # n = 4: rows hold 4, 3, 2, 1 pairs of the 10
    assert bench.upper_pairs_done(1, 4) == pytest.approx(0.4)
    assert bench.upper_pairs_done(2, 4) == pytest.approx(0.7)


def test_scale_step_timeout_is_reported_unfinished(tmp_path, capsys):
    code, out = run_bench(tmp_path, "scale", "--sizes", "20", "--step-timeout", "0.01")
    assert code == 1
    res = json.loads((out / "scale.json").read_text())
    assert res["runs"]["20"]["ingest"]["timed_out"]
    assert "> 0 (unfinished)" in capsys.readouterr().out
