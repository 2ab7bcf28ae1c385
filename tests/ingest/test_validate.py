"""Validation: every reason code, the messages that name fields, and exact round trips."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from wiremap.contracts import Origin, ReasonCode, Rejected, WireItem
from wiremap.ingest import Limits, Validator
from wiremap.ingest._validate import ORIGINAL_LIMIT, make_rejected

ORIGIN = Origin(kind="file", path="feed.jsonl", line=7)
FIXED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def good(**over: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "source": "desk",
        "headline": "Air defence shot down 40 drones over Moscow Oblast",
        "body": "Domodedovo and Vnukovo airports halted flights.",
        "published_at": "2026-05-21T06:10:00+03:00",
    }
    record.update(over)
    return record


def line(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


@pytest.fixture
def validator() -> Validator:
    return Validator(Limits(max_record_bytes=200_000), clock=lambda: FIXED)


def rejected(result: WireItem | Rejected) -> Rejected:
    assert isinstance(result, Rejected), f"expected a rejection, got {result!r}"
    return result


def test_good_record_becomes_item_with_received_at(validator: Validator) -> None:
    result = validator.record(line(good()), ORIGIN)
    assert isinstance(result, WireItem)
    assert result.received_at == FIXED
    assert result.id.startswith("c-")
    assert result.published_at.utcoffset() is not None


def test_received_at_in_input_is_replaced(validator: Validator) -> None:
    result = validator.record(line(good(received_at="2001-01-01T00:00:00")), ORIGIN)
    assert isinstance(result, WireItem)
    assert result.received_at == FIXED


@pytest.mark.parametrize(
    ("raw", "code", "named"),
    [
        (b'{"source": "desk", "headline": ', ReasonCode.MALFORMED_JSON, "column"),
        (b'{"a": NaN}', ReasonCode.MALFORMED_JSON, "NaN"),
        (b"[1, 2, 3]", ReasonCode.NOT_AN_OBJECT, "array"),
        (b'"just a string"', ReasonCode.NOT_AN_OBJECT, "string"),
        (
            line({k: v for k, v in good().items() if k != "published_at"}),
            ReasonCode.MISSING_FIELD,
            "published_at",
        ),
        (line(good(headline=42)), ReasonCode.WRONG_TYPE, "headline"),
        (line(good(metadata=["x"])), ReasonCode.WRONG_TYPE, "metadata"),
        (line(good(url="ftp://example.org/x")), ReasonCode.INVALID_VALUE, "url"),
        (line(good(published_at="yesterday")), ReasonCode.INVALID_VALUE, "published_at"),
        (line(good(language="english!")), ReasonCode.INVALID_VALUE, "language"),
        (line(good(schema_version=2)), ReasonCode.INVALID_VALUE, "schema_version"),
        (line(good(headline="")), ReasonCode.INVALID_VALUE, "headline"),
        (line(good(publishedAt="x")), ReasonCode.UNKNOWN_FIELD, "publishedAt"),
        (line(good(published_at="2026-05-21T06:10:00")), ReasonCode.NAIVE_DATETIME, "published_at"),
        (line(good(body="x" * 100_001)), ReasonCode.TOO_LARGE, "body"),
        (line(good(metadata={"blob": "y" * 20_000})), ReasonCode.TOO_LARGE, "metadata"),
        (b'{"headline": "caf\xe9"}', ReasonCode.BAD_ENCODING, "UTF-8"),
        (json.dumps(good(headline="bad \ud800 surrogate")).encode(), ReasonCode.BAD_ENCODING, "surrogate"),
        (b"", ReasonCode.EMPTY, "empty"),
        (b"   \t ", ReasonCode.EMPTY, "empty"),
    ],
)
def test_reason_codes(validator: Validator, raw: bytes, code: ReasonCode, named: str) -> None:
    result = rejected(validator.record(raw, ORIGIN))
    assert result.reason is code, result.message
    assert named in result.message
    assert result.origin == ORIGIN
    assert result.original_bytes == len(raw)


def test_record_over_max_record_bytes_is_too_large() -> None:
    validator = Validator(Limits(max_record_bytes=1000))
    result = rejected(validator.record(line(good(body="z" * 2000)), ORIGIN))
    assert result.reason is ReasonCode.TOO_LARGE
    assert "limit is 1000" in result.message


def test_body_limit_from_settings_is_enforced() -> None:
    validator = Validator(Limits(max_body_bytes=50))
    result = rejected(validator.record(line(good(body="é" * 30)), ORIGIN))
    assert result.reason is ReasonCode.TOO_LARGE
    assert "body is 60 bytes" in result.message


def test_body_exactly_at_limit_is_accepted(validator: Validator) -> None:
    assert isinstance(validator.record(line(good(body="x" * 100_000)), ORIGIN), WireItem)


def test_several_failures_name_every_field(validator: Validator) -> None:
    record = good(headline=7, extra_a=1, extra_b=2)
    del record["source"]
    result = rejected(validator.record(line(record), ORIGIN))
    assert result.reason is ReasonCode.MISSING_FIELD
    for name in ("source", "headline", "extra_a", "extra_b"):
        assert name in result.message
    # id is derived, so its absence is not reported as a cause of its own.
    assert "missing field: source;" in result.message


def test_rejected_keeps_original_hash_and_truncates() -> None:
    raw = b"{" + b"a" * (ORIGINAL_LIMIT * 2)
    result = make_rejected(raw, ReasonCode.MALFORMED_JSON, "bad", ORIGIN)
    assert len(result.original.encode()) == ORIGINAL_LIMIT
    assert result.original_bytes == len(raw)
    assert Rejected.from_bytes(result.to_bytes()) == result


def test_bad_encoding_original_is_readable(validator: Validator) -> None:
    result = rejected(validator.record(b'{"h": "\xff\xfe"}', ORIGIN))
    assert "\\xff" in result.original
    assert Rejected.from_bytes(result.to_bytes()).original == result.original


HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "</script><!-- \u2028 \u2029 --> & &amp; \"quoted\" 'single' `tick`",
    "javascript:alert(document.cookie)",
    "NUL-free control \t tab and \\ backslash \\u0041",
    "emoji 🛩️ and RTL \u202e text",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_html_and_js_round_trip_intact(validator: Validator, text: str) -> None:
    result = validator.record(line(good(headline=f"H {text}", body=text, metadata={"t": text})), ORIGIN)
    assert isinstance(result, WireItem)
    assert result.body == text
    back = WireItem.from_bytes(result.to_bytes())
    assert back == result
    assert back.headline == f"H {text}" and back.metadata == {"t": text}


def test_same_record_gets_same_id(validator: Validator) -> None:
    a = validator.record(line(good()), ORIGIN)
    b = validator.record(line(good()), ORIGIN)
    assert isinstance(a, WireItem) and isinstance(b, WireItem)
    assert a.id == b.id
    with_url = validator.record(line(good(url="https://example.org/a")), ORIGIN)
    assert isinstance(with_url, WireItem) and with_url.id.startswith("u-")
