"""``wiremap stories FILE.jsonl``: one line per item, bad lines reported with their number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from wiremap.contracts import WireItem
from wiremap.stream.stories._cli import stories

T0 = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)
BODY = (
    "Air defence units shot down 40 drones over Moscow Oblast overnight, Mayor Sergei "
    "Sobyanin said, and Domodedovo and Vnukovo airports halted flights for three hours.\n\n"
    "Emergency services were working at the site where debris fell near Podolsk, the "
    "regional governor Andrei Vorobyov said, adding that nobody had been hurt.\n\n"
    "The Russian Ministry of Defence said 287 Ukrainian drones were destroyed over 12 regions "
    "between 9 p.m. and 7 a.m. Moscow time, most of them over Kursk and Belgorod."
)


def _item(item_id: str, headline: str, body: str, minutes: int) -> WireItem:
    return WireItem(id=item_id, source="test", headline=headline, body=body,
                    published_at=T0 + timedelta(minutes=minutes))


def _items() -> list[WireItem]:
    return [
        _item("tass-1", "Drones downed over Moscow Oblast, airports halt flights", BODY, 0),
        _item("other-1", "Council approves budget in Podolsk",
              "Podolsk city council approved a budget of 9 billion roubles on Tuesday, with new "
              "spending on schools, roads and the tram depot, and froze local tax rates.", 5),
        _item("reut-1", "UPDATE 1-Russia says 287 drones downed; Moscow airports halted",
              "MOSCOW, Nov 24 (Reuters) - " + BODY.replace("40 drones", "42 drones")
              + "\n\n(Reporting by Jane Doe; Editing by John Smith)", 20),
        _item("flash-1", "Drone shot down over Moscow region", "", 30),
        _item("flash-2", "BREAKING: Drone shot down over Moscow region", "", 31),
        _item("flash-3", "Drone attack on Moscow airport", "", 32),
    ]


def _write(path: Path, lines: list[str | bytes]) -> Path:
    with path.open("wb") as fh:
        for line in lines:
            fh.write(line if isinstance(line, bytes) else line.encode())
            fh.write(b"\n")
    return path


def test_prints_each_item_and_its_story(tmp_path: Path) -> None:
    path = _write(tmp_path / "items.jsonl", [i.to_bytes().decode() for i in _items()])
    result = CliRunner().invoke(stories, [str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "tass-1\ttass-1", "other-1\tother-1", "reut-1\ttass-1",
        "flash-1\tflash-1", "flash-2\tflash-1", "flash-3\tflash-3",
    ]
    assert result.stderr == ""


def test_json_output_says_why(tmp_path: Path) -> None:
    path = _write(tmp_path / "items.jsonl", [i.to_bytes().decode() for i in _items()])
    result = CliRunner().invoke(stories, ["--json", str(path)])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0] == {"id": "tass-1", "story_id": "tass-1", "story_size": 1, "matched_id": None,
                       "similarity": None}
    assert rows[2]["story_id"] == "tass-1"
    assert rows[2]["story_size"] == 2
    assert rows[2]["matched_id"] == "tass-1"
    assert 0.5 <= rows[2]["similarity"] <= 1


def test_invalid_lines_are_reported_counted_and_fail_the_run(tmp_path: Path) -> None:
    good = [i.to_bytes().decode() for i in _items()[:2]]
    missing_headline = json.loads(good[0])
    del missing_headline["headline"]
    naive = json.loads(good[1])
    naive.update(id="naive-1", published_at="2026-11-24T21:00:00")
    path = _write(tmp_path / "items.jsonl", [
        good[0], "{not json", "", json.dumps(missing_headline), "[1, 2]",
        b"\xff\xfe{}", json.dumps(naive), good[1],
    ])
    result = CliRunner().invoke(stories, [str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["tass-1\ttass-1", "other-1\tother-1"]
    errors = result.stderr.splitlines()
    assert errors[0].startswith("wiremap stories: line 2: malformed_json")
    assert errors[1].startswith("wiremap stories: line 4: invalid_item: headline: Field required")
    assert errors[2].startswith("wiremap stories: line 5: not_an_object")
    assert errors[3].startswith("wiremap stories: line 6: bad_encoding")
    assert errors[4].startswith("wiremap stories: line 7: invalid_item: published_at")
    assert errors[5] == "wiremap stories: 5 of 7 lines invalid"


def test_same_file_same_stories_in_separate_processes(tmp_path: Path) -> None:
    path = _write(tmp_path / "items.jsonl", [i.to_bytes().decode() for i in _items()])
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "wiremap", "stories", "--json", str(path)],
                              capture_output=True, env=env, timeout=120, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == len(_items())
