"""Reading inputs: JSONL line numbers and limits, plain-text files, directories, the invariant."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from wiremap.contracts import Origin, ReasonCode, Rejected, WireItem
from wiremap.errors import IngestError
from wiremap.ingest import Limits, PushSummary, Validator
from wiremap.ingest._read import (
    TextOptions,
    collect_files,
    iter_jsonl,
    parse_text,
    read_sources,
    read_stdin,
)

GOOD = json.dumps(
    {
        "source": "desk",
        "headline": "Drones shot down over Belgorod",
        "published_at": "2026-05-21T06:10:00Z",
    }
).encode()


def jsonl(*lines: bytes, end: bytes = b"\n") -> io.BytesIO:
    return io.BytesIO(b"\n".join(lines) + end)


def file_origin(n: int) -> Origin:
    return Origin(kind="file", path="f.jsonl", line=n)


def test_jsonl_line_numbers_and_reasons() -> None:
    fh = jsonl(GOOD, b"{oops", b"", b"[1]", GOOD)
    results = list(iter_jsonl(fh, Validator(), file_origin))
    assert [type(r).__name__ for r in results] == ["WireItem", "Rejected", "Rejected", "Rejected", "WireItem"]
    rejects = [r for r in results if isinstance(r, Rejected)]
    assert [(r.origin.line, r.reason) for r in rejects] == [
        (2, ReasonCode.MALFORMED_JSON),
        (3, ReasonCode.EMPTY),
        (4, ReasonCode.NOT_AN_OBJECT),
    ]


def test_jsonl_without_final_newline_crlf_and_bom() -> None:
    fh = io.BytesIO(b"\xef\xbb\xbf" + GOOD + b"\r\n" + GOOD)
    results = list(iter_jsonl(fh, Validator(), file_origin))
    assert len(results) == 2 and all(isinstance(r, WireItem) for r in results)


def test_overlong_line_is_rejected_without_reading_it_whole() -> None:
    validator = Validator(Limits(max_record_bytes=10_000))
    huge = b'{"body": "' + b"x" * 5_000_000 + b'"}'
    fh = jsonl(GOOD, huge, GOOD)
    seen: list[int] = []
    results = list(iter_jsonl(fh, validator, file_origin, progress=seen.append))
    assert isinstance(results[0], WireItem) and isinstance(results[2], WireItem)
    bad = results[1]
    assert isinstance(bad, Rejected) and bad.reason is ReasonCode.TOO_LARGE
    assert bad.origin.line == 2
    assert bad.original_bytes == len(huge) + 1
    assert len(bad.original) <= 64 * 1024
    assert sum(seen) == len(fh.getvalue())


def test_huge_body_within_record_limit_is_too_large() -> None:
    record = json.loads(GOOD) | {"body": "ы" * 60_000}
    fh = jsonl(json.dumps(record, ensure_ascii=False).encode())
    (result,) = iter_jsonl(fh, Validator(), file_origin)
    assert isinstance(result, Rejected) and result.reason is ReasonCode.TOO_LARGE
    assert "body is 120000 bytes" in result.message


TEXT = b"""

  Explosions reported near Kharkiv airport  \r
\r
Regional officials said air defence was active.\r
<b>Bold</b> claims <script>alert(1)</script> remain unconfirmed.\r

"""


def test_text_file_headline_body_and_origin() -> None:
    when = datetime(2026, 5, 21, 9, 0, tzinfo=timezone(timedelta(hours=3)))
    origin = Origin(kind="file", path="a.txt", line=None)
    result = parse_text(TEXT, Validator(), origin, TextOptions("ukr-desk", when, "en"), 0.0)
    assert isinstance(result, WireItem)
    assert result.headline == "Explosions reported near Kharkiv airport"
    assert result.body == (
        "Regional officials said air defence was active.\n"
        "<b>Bold</b> claims <script>alert(1)</script> remain unconfirmed."
    )
    assert result.source == "ukr-desk" and result.published_at == when


def test_text_file_uses_mtime_as_utc() -> None:
    origin = Origin(kind="file", path="a.txt", line=None)
    result = parse_text(b"Headline only\n", Validator(), origin, TextOptions("s"), 1_700_000_000)
    assert isinstance(result, WireItem)
    assert result.published_at == datetime.fromtimestamp(1_700_000_000, UTC)
    assert result.body == ""


@pytest.mark.parametrize(
    ("data", "options", "code"),
    [
        (b"  \n\n \t\n", TextOptions("s"), ReasonCode.EMPTY),
        (b"caf\xe9 headline", TextOptions("s"), ReasonCode.BAD_ENCODING),
        (b"Headline", TextOptions(None), ReasonCode.MISSING_FIELD),
        (b"H\n" + b"x" * 100_001, TextOptions("s"), ReasonCode.TOO_LARGE),
        (b"H" * 1001, TextOptions("s"), ReasonCode.INVALID_VALUE),
    ],
)
def test_text_file_rejections(data: bytes, options: TextOptions, code: ReasonCode) -> None:
    origin = Origin(kind="file", path="a.txt", line=None)
    result = parse_text(data, Validator(), origin, options, 0.0)
    assert isinstance(result, Rejected) and result.reason is code, result


def test_directory_mixes_jsonl_and_text_in_stable_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.jsonl").write_bytes(GOOD + b"\nnot json\n")
    (tmp_path / "a.txt").write_bytes(b"Text headline\nbody\n")
    (tmp_path / "ignored.csv").write_text("x,y\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.jsonl").write_bytes(b"nope\n")
    os.utime(tmp_path / "a.txt", (1_700_000_000, 1_700_000_000))
    files = collect_files([tmp_path])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["a.txt", "b/two.jsonl"]
    results = list(read_sources(files, Validator(), text=TextOptions("desk")))
    assert [type(r).__name__ for r in results] == ["WireItem", "WireItem", "Rejected"]
    bad = results[2]
    assert isinstance(bad, Rejected)
    assert bad.origin.path == str(tmp_path / "b" / "two.jsonl") and bad.origin.line == 2


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        collect_files([tmp_path / "absent.jsonl"])


def test_stdin_origin_and_text_mode() -> None:
    results = list(read_stdin(jsonl(GOOD, b"{"), Validator()))
    assert isinstance(results[1], Rejected)
    assert results[1].origin.kind == "stdin" and results[1].origin.line == 2
    (text,) = read_stdin(io.BytesIO(b"Head\nBody"), Validator(), fmt="text", text=TextOptions("s"))
    assert isinstance(text, WireItem) and text.body == "Body"


def test_summary_invariant_holds_and_is_checked(tmp_path: Path) -> None:
    lines = [GOOD, b"{", b"", b"[]", b'{"source": 1}', GOOD, b"\xff"]
    summary = PushSummary()
    for result in iter_jsonl(jsonl(*lines), Validator(), file_origin):
        summary.add(result)
    assert summary.read == len(lines)
    assert summary.read == summary.accepted + summary.rejected_total
    assert summary.accepted == 2
    assert dict(summary.rejected) == {
        ReasonCode.MALFORMED_JSON: 1,
        ReasonCode.EMPTY: 1,
        ReasonCode.NOT_AN_OBJECT: 1,
        ReasonCode.MISSING_FIELD: 1,
        ReasonCode.BAD_ENCODING: 1,
    }
    assert "malformed_json" in summary.render()
    summary.accepted += 1  # a miscount must not go unnoticed
    with pytest.raises(AssertionError, match="invariant"):
        summary.check()
