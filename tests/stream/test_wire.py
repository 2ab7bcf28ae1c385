"""The worker's internal record formats and routing, without a broker."""

from __future__ import annotations

import json
import random

from aiokafka.partitioner import murmur2 as aiokafka_murmur2

from tests.stream._items import items
from wiremap.stream._wire import join_rows, murmur2, split_rows, stories_record, stories_rows


def test_murmur2_equals_kafkas() -> None:
    rng = random.Random(7)
    keys = [rng.randbytes(n) for n in range(64) for _ in range(20)] + [b"it-000001", "ы".encode()]
    assert [murmur2(k) for k in keys] == [aiokafka_murmur2(k) for k in keys]


def test_rows_come_back_byte_for_byte() -> None:
    rows = [json.dumps([[0, i], item.model_dump(mode="json")]).encode() for i, item in enumerate(items(5))]
    rows.append(json.dumps(["line\nbreak", "ы", "\u2028"], ensure_ascii=False).encode())
    joined = join_rows(rows)
    assert json.loads(joined) == [json.loads(r) for r in rows]
    assert split_rows(joined) == rows
    assert split_rows(join_rows([])) == []
    record = stories_record(rows, [3, 1])
    assert json.loads(record)["pos"] == [3, 1]
    assert stories_rows(record) == rows


def test_records_in_the_older_one_line_format_still_read() -> None:
    rows = [[[0, 1], {"id": "a"}], [[1, 0], {"id": "b"}]]
    assert [json.loads(r) for r in split_rows(json.dumps(rows).encode())] == rows
    old = json.dumps({"rows": rows, "pos": [2, 1]}).encode()
    assert [json.loads(r) for r in stories_rows(old)] == rows
