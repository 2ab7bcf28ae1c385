"""The merge stage's order and dedupe, without a broker."""

from __future__ import annotations

import random
from typing import Any

from tests.stream._items import items
from wiremap.contracts import Rejected
from wiremap.stream._merge import MergeQueue, Merger


def merge_in_arrival_order(per_partition: list[list[int]], rng: random.Random) -> list[tuple[int, int]]:
    """Deliver each partition's offsets in fetch-sized chunks in a random interleaving."""
    queue = MergeQueue(len(per_partition))
    highwaters: list[int | None] = [len(offsets) for offsets in per_partition]
    positions = [0] * len(per_partition)
    out: list[tuple[int, int]] = []
    while any(positions[p] < len(o) for p, o in enumerate(per_partition)):
        p = rng.choice([p for p, o in enumerate(per_partition) if positions[p] < len(o)])
        take = rng.randint(1, 7)
        chunk = per_partition[p][positions[p] : positions[p] + take]
        queue.push((p, off, None) for off in chunk)
        positions[p] += len(chunk)
        out += [(r[0], r[1]) for r in queue.pop_ready(positions, highwaters)]
    out += [(r[0], r[1]) for r in queue.pop_ready(positions, highwaters)]
    return out


def test_merge_order_does_not_depend_on_arrival() -> None:
    sizes = [30, 0, 55, 12]
    per_partition = [list(range(n)) for n in sizes]
    orders = {tuple(merge_in_arrival_order(per_partition, random.Random(seed))) for seed in range(20)}
    assert len(orders) == 1
    (order,) = orders
    assert len(order) == sum(sizes)
    assert list(order) == sorted(order, key=lambda r: (r[1], r[0]))


def test_waits_for_a_partition_with_unfetched_records() -> None:
    queue = MergeQueue(2)
    queue.push([(0, 0, None), (0, 1, None)])
    assert queue.pop_ready([2, 0], [2, 5]) == [(0, 0, None)]  # partition 1 may hold offset 0
    assert queue.pop_ready([2, 0], [2, None]) == []  # high-water unknown: wait
    assert queue.pop_ready([2, 0], [2, 0]) == [(0, 1, None)]  # partition 1 is empty


def merger() -> tuple[Merger, list[Rejected]]:
    rejected: list[Rejected] = []
    m = Merger(
        bootstrap="unused:9092",
        items_topic="wire.items",
        stories_topic="s",
        partitions=2,
        window_s=86400.0,
        on_reject=rejected.append,
    )
    return m, rejected


def test_dedupe_by_id_and_content_and_rejects() -> None:
    m, _ = merger()
    a, b = items(2)
    same_text = a.model_copy(update={"id": "other-id", "headline": a.headline.upper() + "!"})
    records: list[tuple[int, int, Any]] = [
        (0, 0, a.to_bytes()),
        (1, 0, b.to_bytes()),
        (0, 1, a.to_bytes()),  # same id again
        (1, 1, same_text.to_bytes()),  # same normalized text, other id
        (1, 2, b"not json"),
    ]
    kept, rejected = m.process(records)
    assert [row[1]["id"] for row in kept] == [a.id, b.id]
    assert [r.reason for r in rejected] == ["malformed_json"]
    assert rejected[0].origin.partition == 1 and rejected[0].origin.offset == 2
    assert m.resume == [2, 3]


def test_restored_state_drops_what_the_log_already_holds() -> None:
    first, _ = merger()
    a, b = items(2)
    kept, _ = first.process([(0, 0, a.to_bytes()), (1, 0, b.to_bytes())])
    second, _ = merger()
    second.remember(kept)
    assert second.process([(0, 5, a.to_bytes())])[0] == []  # a later copy: dropped
    assert [r[1]["id"] for r in second.process([(1, 0, b.to_bytes())])[0]] == [b.id]  # redelivery
