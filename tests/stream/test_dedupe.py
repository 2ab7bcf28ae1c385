"""Exact dedupe: by key within an event-time window, redeliveries pass, state expires."""

from __future__ import annotations

import random

from tests.stream._items import items
from wiremap.contracts import content_key
from wiremap.stream._stages import content_key as stage_content_key
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


def test_stage_content_key_equals_the_contract() -> None:
    """The worker's one-pass content key is the contract's, on text of every kind of character."""
    rng = random.Random(5)
    alphabet = (
        "aZ09_ -,.!?'\"«»—–…\t\n\r\x0b\x0c\x1c\x1f\u00a0\u2028\u3000éÉßẞİıﬁ½²①Москваمرحبا東京"
        "\u0301\u200b\u200d😀#@/\\|"
    )
    texts = ["", " ", "!!", "ﬁnal ½ Straße", *(item.body for item in items(20))]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(3000)]
    for headline, body in zip(texts, reversed(texts), strict=True):
        assert stage_content_key(headline, body) == content_key(headline, body), (headline, body)
