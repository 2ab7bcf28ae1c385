"""Exact dedupe: by key within an event-time window, redeliveries pass, state expires."""

from __future__ import annotations

from wiremap.stream.dedupe import DedupeIndex

DAY = 86400.0


def test_first_passes_copy_dropped_redelivery_passes() -> None:
    index = DedupeIndex({}, window_s=DAY)
    assert index.check(b"a", (0, 1), 1000.0)
    assert not index.check(b"a", (0, 7), 1000.0 + 60)  # pushed again: new offset
    assert index.check(b"a", (0, 1), 1000.0)  # redelivered after a crash: same origin
    assert index.check(b"b", (1, 1), 1000.0)


def test_copy_outside_window_is_new_and_replaces_entry() -> None:
    index = DedupeIndex({}, window_s=DAY)
    assert index.check(b"a", (0, 1), 0.0)
    assert index.check(b"a", (0, 9), 2 * DAY)
    assert not index.check(b"a", (0, 10), 2 * DAY + 1)
    # an older copy within the window of the kept one is a duplicate too
    assert not index.check(b"a", (0, 11), 2 * DAY - 100)


def test_state_is_bounded_by_the_window() -> None:
    store: dict[bytes, list[float]] = {}
    index = DedupeIndex(store, window_s=100.0)
    for i in range(10_000):
        assert index.check(str(i).encode(), (0, i), float(i))
    assert len(store) <= 102
    assert b"9999" in store and b"0" not in store


def test_rebuilds_expiry_from_existing_store() -> None:
    store: dict[bytes, list[float]] = {b"old": [0, 0, 0.0], b"new": [0, 1, 500.0]}
    index = DedupeIndex(store, window_s=100.0)
    assert index.check(b"x", (0, 2), 600.0)
    assert b"old" not in store and b"new" in store
    assert not index.check(b"new", (0, 3), 590.0)
