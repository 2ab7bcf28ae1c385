"""The dump line format: every key and value comes back byte for byte."""

from __future__ import annotations

import io
import json

import pytest

from wiremap.errors import IngestError
from wiremap.ingest._replay import decode_record, encode_record, parse_dump


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (b"id-1", b'{"a":1,"b":"<script>x</script>"}'),
        (b"id-2", b'{"a": 1}'),  # not compact: kept exactly through value_b64
        (b"\xff\x00", b"\x00\x01binary"),
        (None, b'"just a string"'),
        (b"k", None),  # tombstone
        (b"k", b"null"),
        (b"k", '{"t":"caf\u00e9 \u2028 \U0001f6e9"}'.encode()),
        (b"k", b'{"f":1.5e-07}'),
    ],
)
def test_round_trip(key: bytes | None, value: bytes | None) -> None:
    line = json.dumps(encode_record("t", 2, 41, 1_700_000_000_123, key, value, [("h", b"\x01")]))
    back = decode_record(json.loads(line))
    assert (back.key, back.value) == (key, value)
    assert (back.partition, back.offset, back.timestamp) == (2, 41, 1_700_000_000_123)
    assert back.headers == (("h", b"\x01"),)


def test_json_values_stay_readable() -> None:
    obj = encode_record("t", 0, 0, None, b"k", b'{"headline":"x"}')
    assert obj["value"] == {"headline": "x"} and "value_b64" not in obj
    assert obj["key"] == "k"


def test_bad_dump_line_names_its_number() -> None:
    good = json.dumps(encode_record("t", 0, 0, 1, b"k", b"{}"))
    fh = io.BytesIO(f'{good}\n\n{{"partition": -1}}\n'.encode())
    with pytest.raises(IngestError, match="dump line 3"):
        list(parse_dump(fh))
