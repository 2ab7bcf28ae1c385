"""`wiremap geo parse` and `wiremap geo eval`, run as a user would, offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from wiremap.cli import cli
from wiremap.stream.geo import _eval

ROOT = Path(__file__).resolve().parents[3]
GEOEVAL = ROOT.parent / "shared" / "geoeval"


def run_wiremap(*args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point in a child process: exit codes and stderr as a user sees them."""
    return subprocess.run([sys.executable, "-c", "from wiremap.cli import main; main()", *args],
                          capture_output=True, text=True, check=False, cwd=ROOT)


def test_parse_reads_stdin_and_prints_placements() -> None:
    res = CliRunner().invoke(cli, ["geo", "parse", "-"],
                             input="Drones were shot down over the Kursk region overnight.\n")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert [p["place_id"] for p in out] == ["a1:RU.41"]
    assert out[0]["text"] == "Kursk region" and 0 < out[0]["confidence"] <= 1


def test_parse_reads_a_file(tmp_path: Path) -> None:
    f = tmp_path / "report.txt"
    f.write_text("Flights were halted at Vnukovo airport near Moscow.", encoding="utf-8")
    res = CliRunner().invoke(cli, ["geo", "parse", str(f)])
    assert res.exit_code == 0, res.output
    assert {p["place_id"] for p in json.loads(res.output)} >= {"iata:VKO"}


def test_parse_rejects_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(b"Moscow \xff\xfe drones")
    proc = run_wiremap("geo", "parse", str(f))
    assert proc.returncode != 0
    assert "UTF-8" in proc.stderr or "utf-8" in proc.stderr


def _tiny_corpus(tmp_path: Path) -> Path:
    gold = tmp_path / "gold.jsonl"
    docs = [
        {"doc_id": "a", "text": "Floods hit Paris, Texas, on Monday.", "toponyms": [
            {"start": 11, "end": 16, "name": "Paris", "lat": 33.66, "lon": -95.56},
            {"start": 18, "end": 23, "name": "Texas", "lat": 31.25, "lon": -99.25}]},
        {"doc_id": "b", "text": "Drones were destroyed over Belgorod.", "toponyms": [
            {"start": 27, "end": 35, "name": "Belgorod", "lat": 50.61, "lon": 36.58}]},
    ]
    gold.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return gold


def test_eval_writes_scorer_format_and_scores(tmp_path: Path) -> None:
    gold = _tiny_corpus(tmp_path)
    pred = tmp_path / "pred.jsonl"
    scorer = GEOEVAL / "score.py"
    if not scorer.is_file():
        pytest.skip("the development scorer is not beside the repository")
    res = CliRunner().invoke(cli, ["geo", "eval", str(gold), "--pred-out", str(pred),
                                   "--scorer", str(scorer), "--json-out",
                                   str(tmp_path / "s.json")])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in pred.read_text().splitlines()]
    assert [d["doc_id"] for d in lines] == ["a", "b"]
    for d in lines:
        for t in d["toponyms"]:
            assert {"start", "end", "lat", "lon", "confidence"} <= t.keys()
    scores = json.loads((tmp_path / "s.json").read_text())
    assert scores["exact"]["end_to_end"]["f1"] == 1.0
    assert "geo-P/R/F1 1.000/1.000/1.000" in res.output


def test_eval_without_a_scorer_still_writes_predictions(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    gold = _tiny_corpus(tmp_path)
    pred = tmp_path / "pred.jsonl"
    monkeypatch.setattr(_eval, "find_scorer", lambda explicit=None: None)
    res = CliRunner().invoke(cli, ["geo", "eval", str(gold), "--pred-out", str(pred)])
    assert res.exit_code == 0, res.output
    assert len(pred.read_text().splitlines()) == 2


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "not JSON"),
    ('{"doc_id": 1, "text": "x"}', "doc_id"),
    ('["a list"]', "doc_id"),
])
def test_eval_names_the_bad_line(tmp_path: Path, line: str, message: str) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc_id": "ok", "text": "Kyiv"}\n' + line + "\n", encoding="utf-8")
    proc = run_wiremap("geo", "eval", str(gold), "--pred-out", str(tmp_path / "p.jsonl"))
    assert proc.returncode == 2
    assert "gold.jsonl:2" in proc.stderr and message in proc.stderr
