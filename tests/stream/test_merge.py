"""The merge stage's order and dedupe, without a broker."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

from tests.stream._items import items
from wiremap.contracts import Rejected
from wiremap.stream._merge import MergeQueue, Merger


def stamped(ts: float) -> bytes:
    """A record value the merge can read an event time from (the rest is the dedupe's job)."""
    when = datetime.fromtimestamp(ts, UTC).isoformat()
    return json.dumps({"published_at": when}).encode()


def merge_in_arrival_order(
    per_partition: list[list[float]], rng: random.Random
) -> list[tuple[int, int]]:
    """Deliver each partition's records (event times) in fetch-sized chunks in a random interleaving."""
    queue = MergeQueue(len(per_partition))
    highwaters: list[int | None] = [len(times) for times in per_partition]
    positions = [0] * len(per_partition)
    out: list[tuple[int, int]] = []
    while any(positions[p] < len(t) for p, t in enumerate(per_partition)):
        p = rng.choice([p for p, t in enumerate(per_partition) if positions[p] < len(t)])
        take = rng.randint(1, 7)
        chunk = per_partition[p][positions[p] : positions[p] + take]
        queue.push((p, positions[p] + i, stamped(ts)) for i, ts in enumerate(chunk))
        positions[p] += len(chunk)
        out += [(r[0], r[1]) for r in queue.pop_ready(positions, highwaters)]
    out += [(r[0], r[1]) for r in queue.pop_ready(positions, highwaters)]
    return out


def test_merge_order_does_not_depend_on_arrival() -> None:
    rng = random.Random(7)
    sizes = [30, 0, 55, 12]
    per_partition = [sorted(rng.uniform(0, 1e6) for _ in range(n)) for n in sizes]
    orders = {tuple(merge_in_arrival_order(per_partition, random.Random(seed))) for seed in range(20)}
    assert len(orders) == 1
    (order,) = orders
    assert len(order) == sum(sizes)
    assert list(order) == sorted(order, key=lambda r: (per_partition[r[0]][r[1]], r[0], r[1]))


def test_event_time_order_across_partitions() -> None:
    """An original in partition 1 goes before its later republication at a lower offset in 0."""
    queue = MergeQueue(2)
    queue.push([(0, 0, b"bad"), (0, 1, stamped(200.0)), (1, 0, stamped(50.0)), (1, 1, stamped(100.0))])
    released = queue.pop_ready([2, 2], [2, 2])
    assert [(r[0], r[1]) for r in released] == [(0, 0), (1, 0), (1, 1), (0, 1)]  # unreadable: at once


def test_waits_for_a_partition_with_unfetched_records() -> None:
    queue = MergeQueue(2)
    queue.push([(0, 0, stamped(1.0)), (0, 1, stamped(2.0))])
    assert queue.pop_ready([2, 0], [2, 5]) == []  # partition 1 may hold an earlier record
    assert queue.pop_ready([2, 0], [2, None]) == []  # high-water unknown: wait
    assert [r[1] for r in queue.pop_ready([2, 0], [2, 0])] == [0, 1]  # partition 1 is empty
    queue.push([(0, 2, stamped(3.0)), (1, 0, stamped(0.5))])
    # partition 1's only record goes first; then partition 1 may deliver more: wait
    assert [(r[0], r[1]) for r in queue.pop_ready([3, 1], [3, 4])] == [(1, 0)]


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
    assert [json.loads(row)[1]["id"] for row in kept] == [a.id, b.id]
    assert [r.reason for r in rejected] == ["malformed_json"]
    assert rejected[0].origin.partition == 1 and rejected[0].origin.offset == 2
    assert m.resume == [2, 3]


def test_restored_state_drops_what_the_log_already_holds() -> None:
    first, _ = merger()
    a, b = items(2)
    kept, _ = first.process([(0, 0, a.to_bytes()), (1, 0, b.to_bytes())])
    second, _ = merger()
    second.remember([json.loads(row) for row in kept])
    assert second.process([(0, 5, a.to_bytes())])[0] == []  # a later copy: dropped
    assert [json.loads(r)[1]["id"] for r in second.process([(1, 0, b.to_bytes())])[0]] == [b.id]  # redelivery
