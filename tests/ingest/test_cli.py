"""CLI failures that need no broker: usage errors and operational errors exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from wiremap.ingest._cli import push, replay
from wiremap.settings import Settings

ITEM = {"source": "s", "headline": "h", "published_at": "2026-11-20T00:00:00Z"}


def offline(tmp_path: Path) -> Settings:
    """Settings pointing at a port nothing listens on."""
    return Settings(kafka_bootstrap_servers="127.0.0.1:9", data_dir=tmp_path)


def invoke(tmp_path: Path, command: object, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(command, list(args), obj=offline(tmp_path))  # type: ignore[arg-type]
    return result.exit_code, result.output


def test_text_without_source_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline\n")
    code, out = invoke(tmp_path, push, str(tmp_path / "a.txt"))
    assert code == 2 and "--source" in out


def test_missing_file_and_empty_directory_exit_2(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, push, str(tmp_path / "absent.jsonl"))
    assert code == 2 and "no such file" in out
    (tmp_path / "empty").mkdir()
    code, out = invoke(tmp_path, push, str(tmp_path / "empty"))
    assert code == 2 and "no .jsonl" in out


def test_naive_published_at_option_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline\n")
    code, out = invoke(
        tmp_path, push, str(tmp_path / "a.txt"), "--source", "s", "--published-at", "2026-11-20T10:00:00"
    )
    assert code == 2 and "timezone" in out


def test_unreachable_broker_exits_2(tmp_path: Path) -> None:
    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps(ITEM) + "\n")
    code, out = invoke(tmp_path, push, str(feed))
    assert code == 2 and "error" in out
    code, out = invoke(tmp_path, replay, "dump", "some-topic")
    assert code == 2 and "error" in out


def test_bad_dump_line_exits_2(tmp_path: Path) -> None:
    dump = tmp_path / "d.jsonl"
    dump.write_text('{"partition": 0, "offset": 0, "timestamp": 1, "key": "k", "value": {}}\nx\n')
    code, out = invoke(tmp_path, replay, "push", str(dump), "--topic", "t")
    assert code == 2 and "dump line 2" in out
