"""PostingIndex against a plain dict-of-lists model of the same postings."""

from __future__ import annotations

import random

import numpy as np
import pytest

from wiremap.stream.stories._index import PROBE, PostingIndex

WIDTH, RECENT = 8, 2


class Model:
    """The postings as the stage first kept them: key → newest holders, oldest first."""

    def __init__(self) -> None:
        self.postings: dict[int, list[int]] = {}

    def candidates(self, keys: list[int]) -> list[int]:
        out: list[int] = []
        for k in keys:
            p = self.postings.get(k, [])
            out.extend(p if len(p) < WIDTH else p[-RECENT:])
        return sorted(out)

    def add(self, keys: list[int], seq: int) -> None:
        for k in keys:
            p = self.postings.setdefault(k, [])
            if len(p) >= WIDTH:
                del p[0]
            p.append(seq)

    def remove(self, keys: list[int], seq: int) -> None:
        for k in keys:
            p = self.postings.get(k)
            if p is not None and seq in p:
                p.remove(seq)
                if not p:
                    del self.postings[k]


def _keys(rng: random.Random, pool: list[int], n: int) -> list[int]:
    return rng.sample(pool, n)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("crowded", [False, True])
@pytest.mark.parametrize("switch", [0, 150, 10**9], ids=["numpy", "dict-then-numpy", "dict"])
def test_postings_match_the_model_through_growth_rebuilds_and_expiry(
        seed: int, crowded: bool, switch: int) -> None:
    rng = random.Random(seed)
    # Crowded: keys share their top bits, so probe windows fill and keys overflow.
    pool = ([(1 << 20) * 4 + 4 * i for i in range(300)] if crowded
            else [rng.randrange(0, 1 << 30) * 4 for _ in range(3000)])
    index, model = PostingIndex(WIDTH, RECENT, switch=switch), Model()
    live: dict[int, tuple[list[int], np.ndarray]] = {}
    order: list[int] = []
    table, overflowed = len(index._key_at), 0
    for seq in range(1500):
        keys = _keys(rng, pool, rng.randint(1, 30))
        found = index.find(np.array(keys, dtype=np.uint32))
        assert sorted(index.candidates(found).tolist()) == model.candidates(keys)
        live[seq] = (keys, index.add(found, seq))
        model.add(keys, seq)
        order.append(seq)
        # Expire mostly oldest first, sometimes out of order.
        while len(live) > 120:
            victim = order.pop(rng.randrange(min(5, len(order))))
            keys_v, rows = live.pop(victim)
            index.remove(rows, victim, None if len(rows) else np.array(keys_v, dtype=np.uint32))
            model.remove(keys_v, victim)
        assert index.postings() == model.postings
        assert len(index) == len(model.postings)
        overflowed = max(overflowed, len(index._overflow))
    for victim in order:
        keys_v, rows = live[victim]
        index.remove(rows, victim, None if len(rows) else np.array(keys_v, dtype=np.uint32))
    assert len(index) == 0 and index.postings() == {}
    assert index.in_numpy == (switch < 10**9)
    if switch < 10**9:  # the paths under test were taken
        assert overflowed > PROBE if crowded else len(index._key_at) > table


@pytest.mark.parametrize("switch", [0, 10**9], ids=["numpy", "dict"])
def test_a_full_key_offers_only_its_newest_holders(switch: int) -> None:
    index = PostingIndex(WIDTH, RECENT, switch=switch)
    key = np.array([4096], dtype=np.uint32)
    for seq in range(WIDTH - 1):
        index.add(index.find(key), seq)
    assert index.candidates(index.find(key)).tolist() == list(range(WIDTH - 1))
    index.add(index.find(key), WIDTH - 1)
    assert index.candidates(index.find(key)).tolist() == [WIDTH - 2, WIDTH - 1]
    index.add(index.find(key), WIDTH)  # pushes out seq 0
    assert index.postings() == {4096: list(range(1, WIDTH + 1))}


def test_expiring_an_item_pushed_out_of_a_reused_row_leaves_the_row_alone() -> None:
    index = PostingIndex(WIDTH, RECENT, switch=0)
    a, b = np.array([8], dtype=np.uint32), np.array([16], dtype=np.uint32)
    old_rows = index.add(index.find(a), 0)
    for seq in range(1, WIDTH + 1):  # seq 0 pushed out of key 8's row
        index.add(index.find(a), seq)
    for seq in range(1, WIDTH + 1):  # key 8 emptied: it reads as absent ...
        index.remove(old_rows, seq)
    assert len(index) == 0 and index.postings() == {}
    assert index.candidates(index.find(a)).tolist() == []
    index._make_room(1)  # ... and its row is freed
    new_rows = index.add(index.find(b), 100)  # ... and reused by key 16
    assert new_rows.tolist() == old_rows.tolist()
    index.remove(old_rows, 0)  # seq 0 expires late: key 16 is untouched
    assert index.postings() == {16: [100]} and len(index) == 1
    assert index.candidates(index.find(a)).tolist() == []


def test_a_key_emptied_and_added_again_before_its_row_is_freed_keeps_it() -> None:
    index = PostingIndex(WIDTH, RECENT, switch=0)
    key = np.array([8], dtype=np.uint32)
    rows = index.add(index.find(key), 0)
    index.remove(rows, 0)
    assert index.add(index.find(key), 1).tolist() == rows.tolist()
    index._make_room(1)
    assert index.postings() == {8: [1]}


@pytest.mark.parametrize("crowded", [False, True])
def test_placing_keys_one_at_a_time_takes_the_slots_numpy_would(
        monkeypatch: pytest.MonkeyPatch, crowded: bool) -> None:
    from wiremap.stream.stories import _index

    def run(few: int) -> PostingIndex:
        monkeypatch.setattr(_index, "FEW", few)
        rng = random.Random(7)
        pool = ([(1 << 20) * 4 + 4 * i for i in range(300)] if crowded
                else [rng.randrange(0, 1 << 30) * 4 for _ in range(3000)])
        index = PostingIndex(WIDTH, RECENT, switch=0)
        live: list[tuple[int, np.ndarray]] = []
        for seq in range(800):
            keys = np.array(rng.sample(pool, rng.randint(1, 20)), dtype=np.uint32)
            live.append((seq, index.add(index.find(keys), seq)))
            if len(live) > 60:
                victim, rows = live.pop(0)
                index.remove(rows, victim)
        return index

    one_at_a_time, vectorised = run(10**9), run(0)
    assert one_at_a_time._key_at.tolist() == vectorised._key_at.tolist()
    assert one_at_a_time._row_at.tolist() == vectorised._row_at.tolist()
    assert one_at_a_time._overflow == vectorised._overflow
    assert one_at_a_time.postings() == vectorised.postings()
    assert vectorised._overflow or not crowded


@pytest.mark.parametrize("shape", [1000, (300_000, WIDTH)])
def test_mapped_arrays_are_what_np_full_gives(shape: int | tuple[int, int]) -> None:
    from wiremap.stream.stories._mapped import mapped_full, release_heap

    array = mapped_full(shape, -1, np.int64)
    assert array.shape == np.full(shape, -1, dtype=np.int64).shape
    assert (array == -1).all() and array.dtype == np.int64
    array[-1] = 7  # writable, to the end
    assert array.reshape(-1)[-1] == 7 and array.reshape(-1)[0] == -1
    release_heap()
