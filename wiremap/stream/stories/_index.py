"""The long items' inverted index: shingle key → its newest live holders.

While it is small (under SWITCH keys) the index is a dict of Python ints and lists: at
that size the dict stays in cache and beats numpy's per-call overhead. Past SWITCH keys
it moves, once, into numpy, and stays there.

In numpy, keys live in an open-addressing table (linear probing, no wrap-around), each
pointing at a row of one array that holds the key's newest holders (item sequence
numbers) ascending, right-aligned, -1 where empty. A key sits within PROBE slots of its
home slot (the top bits of the key, itself a hash), or, rarely, in a small overflow dict,
so one gather of each key's probe window finds it. An item's ~25 keys are then looked up,
appended to and expired in a few vectorised steps each, where the dict of per-key Python
lists costs a dependent chain of cache misses per key (hash slot, entry, key object,
list) in each of lookup, insertion and expiry once it holds a million keys.

An item keeps the row numbers of its keys (:meth:`PostingIndex.add` returns them), so
expiry touches only those rows: a row that has since passed to another key cannot hold
the item's sequence number, which is never reused. A key its last holder left reads as
absent; keys in that state are deleted together, when rows or table slots run short
(one pass over the rows, every few ten thousand items), which costs less than deleting
each as it empties. The few new keys an item brings are placed one at a time through
memoryviews, cheaper than numpy's calls for so few."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from wiremap.stream.stories._mapped import mapped_full, release_heap

__all__ = ["SWITCH", "Lookup", "PostingIndex"]

#: Keys are uint32 below _TOMB (the stage's are multiples of 4); the two values above
#: mark table slots never used and freed.
_EMPTY_KEY = 0xFFFFFFFF
_TOMB = 0xFFFFFFFE
#: Slots a key may sit past its home slot (one gather reads them all).
PROBE = 8
#: New keys an item may bring for them to be placed one at a time rather than in numpy.
FEW = 12
_NONE = np.zeros(0, dtype=np.int64)
#: ``_slot_of`` of a row in the free list (-1: the row's key is in the overflow).
_FREE = -2
_NO_ROWS = np.zeros(0, dtype=np.int32)

#: Keys held in the dict before the index moves into numpy (~70,000 live items of the
#: benchmark feed). The dict was faster with 20,000 items live, numpy with a full window's
#: ~720,000 keys; the crossover between was not measured finely.
SWITCH = 400_000
#: Row 0 is never a key's: an absent key reads as an empty row.
_ABSENT = 0
_Posting = int | list[int]


class Lookup:
    """Where an item's keys are: from :meth:`PostingIndex.find`, for the calls that follow."""

    __slots__ = ("home", "keys", "postings", "rows")

    def __init__(self, keys: npt.NDArray[Any], rows: npt.NDArray[np.int32],
                 home: npt.NDArray[Any], postings: list[_Posting | None] | None = None,
                 ) -> None:
        self.keys = keys
        self.rows = rows  # each key's row, or _ABSENT
        self.home = home  # each key's home slot
        self.postings = postings  # while the index is a dict: each key's holders, or None


class PostingIndex:
    """Each key keeps at most ``width`` holders, its newest; a full key (a common phrase, or
    a much-copied story) offers only its ``full_recent`` newest as candidates."""

    def __init__(self, width: int, full_recent: int, bits: int = 12, switch: int | None = None) -> None:
        self.width = width
        self.full_recent = full_recent
        self.switch = SWITCH if switch is None else switch
        # key → holder, or holders oldest first; None once the index is in numpy.
        self._dict: dict[int, _Posting] | None = {} if self.switch > 0 else None
        self._probe = np.arange(PROBE, dtype=np.int64)
        self._held = 0  # keys in the table or the overflow, those left without holders included
        self._taken = 0  # table slots holding a key or a tombstone
        self._rows = mapped_full((1024, width), -1, np.int64)
        self._slot_of = mapped_full(1024, _FREE, np.int64)
        self._slot_view = self._slot_of.data
        self._free = mapped_full(1024, 0, np.int32)  # freed rows, a stack of _n_free
        self._n_free = 0
        self._used = 1  # row 0 stays empty
        self._overflow: dict[int, int] = {}  # key → row, for keys that found no slot
        self._overflow_key: dict[int, int] = {}  # row → key, the same entries
        self._crowded: set[int] = set()  # home slots of the overflow's keys (and of former ones)
        self._table(bits)

    def _table(self, bits: int) -> None:
        self._shift = 32 - bits
        self._key_at = mapped_full((1 << bits) + PROBE, _EMPTY_KEY, np.uint32)
        self._row_at = mapped_full((1 << bits) + PROBE, _ABSENT, np.int32)
        self._key_view, self._row_view = self._key_at.data, self._row_at.data
        # Each slot's probe window, as rows of a view: one gather reads the windows of keys.
        self._key_windows = sliding_window_view(self._key_at, PROBE)
        self._row_windows = sliding_window_view(self._row_at, PROBE)
        self._taken = 0

    def __len__(self) -> int:
        """Keys held (each with at least one live holder)."""
        if self._dict is not None:
            return len(self._dict)
        return int(np.count_nonzero(self._rows[: self._used, -1] >= 0))

    @property
    def in_numpy(self) -> bool:
        return self._dict is None

    def postings(self) -> dict[int, list[int]]:
        """Key → holders, oldest first (for tests and inspection)."""
        if self._dict is not None:
            return {k: [p] if isinstance(p, int) else list(p) for k, p in self._dict.items()}
        where = {int(self._key_at[s]): int(self._row_at[s])
                 for s in np.flatnonzero(self._key_at < _TOMB).tolist()}
        where.update(self._overflow)
        held = {k: [h for h in self._rows[r].tolist() if h >= 0] for k, r in where.items()}
        return {k: h for k, h in held.items() if h}

    def find(self, keys: npt.NDArray[np.uint32]) -> Lookup:
        """Where each key (uint32, below _TOMB) is, absent keys included."""
        if self._dict is not None:
            return Lookup(keys, _NO_ROWS, _NONE, list(map(self._dict.get, keys.tolist())))
        if (self._n_free + len(self._rows) - self._used < len(keys)
                or 2 * (self._taken + len(keys)) > len(self._key_at) - PROBE):
            self._make_room(len(keys))  # here, so that no row found is freed before :meth:`add`
        return self._locate(keys)

    def _locate(self, keys: npt.NDArray[np.uint32]) -> Lookup:
        k = keys
        home = k >> self._shift
        rows = np.where(self._key_windows[home] == k[:, None], self._row_windows[home], _ABSENT).max(axis=1)
        if self._overflow and not self._crowded.isdisjoint(home.tolist()):
            overflow = self._overflow
            for i in np.flatnonzero(rows == _ABSENT).tolist():
                rows[i] = overflow.get(int(k[i]), _ABSENT)
        return Lookup(k, rows, home)

    def candidates(self, found: Lookup) -> npt.NDArray[np.int64]:
        """Holders of the present keys (the newest ``full_recent`` of a full key), once per
        key held."""
        if found.postings is not None:
            out: list[int] = []
            width, recent = self.width, self.full_recent
            for posting in found.postings:
                if posting is None:
                    continue
                if isinstance(posting, int):
                    out.append(posting)
                elif len(posting) < width:
                    out.extend(posting)
                else:
                    out.extend(posting[-recent:])
            return np.array(out, dtype=np.int64)
        held = self._rows[found.rows]
        held[held[:, 0] >= 0, : self.width - self.full_recent] = -1
        return held[held >= 0]

    def add(self, found: Lookup, seq: int) -> npt.NDArray[np.int32]:
        """Append ``seq`` to each key's holders (``found`` from :meth:`find`, no change
        since), a full key dropping its oldest; the keys' rows, for :meth:`remove` (none
        while the index is a dict)."""
        if found.postings is not None:
            self._dict_add(found, seq)
            return _NO_ROWS
        keys, rows, home = found.keys, found.rows, found.home
        if not len(rows):
            return rows
        if rows.min() == _ABSENT:
            new = (rows == _ABSENT).nonzero()[0]
            rows = rows.copy()
            if len(new) > FEW:
                rows[new] = self._place(keys[new], home[new][:, None] + self._probe)
            else:
                rows[new] = self._place_few(keys[new].tolist(), home[new].tolist())
        table = self._rows
        table[rows, :-1] = table[rows, 1:]
        table[rows, -1] = seq
        return rows

    def _dict_add(self, found: Lookup, seq: int) -> None:
        index = self._dict
        assert index is not None and found.postings is not None
        for h, posting in zip(found.keys.tolist(), found.postings, strict=True):
            if posting is None:
                index[h] = seq
            elif isinstance(posting, int):
                index[h] = [posting, seq]
            else:
                if len(posting) >= self.width:
                    del posting[0]
                posting.append(seq)
        if len(index) > self.switch:
            self._to_numpy()

    def _to_numpy(self) -> None:
        """Move the dict's postings into rows 1.. and the key table."""
        index = self._dict
        assert index is not None
        self._dict = None
        width, flat = self.width, [-1] * self.width  # row 0
        for p in index.values():
            if isinstance(p, int):
                flat.extend([-1] * (width - 1))
                flat.append(p)
            else:
                flat.extend([-1] * (width - len(p)))
                flat.extend(p)
        n = len(index)
        self._rows = mapped_full((n + 1, width), -1, np.int64)
        self._rows[:] = np.array(flat, dtype=np.int64).reshape(n + 1, width)
        self._slot_of = mapped_full(n + 1, _FREE, np.int64)
        self._slot_view = self._slot_of.data
        self._used = n + 1
        self._free, self._n_free = mapped_full(n + 1, 0, np.int32), 0
        self._bulk_place(np.fromiter(index.keys(), dtype=np.uint32, count=n),
                         np.arange(1, n + 1, dtype=np.int32), n)
        release_heap()

    def remove(self, rows: npt.NDArray[np.integer[Any]], seq: int,
               keys: npt.NDArray[np.uint32] | None = None) -> None:
        """Drop ``seq`` from its keys' holders (where newer holders have not pushed it out).
        ``rows`` is what :meth:`add` returned; an item added while the index was a dict
        passes its ``keys`` instead. A key left without holders reads as absent; its row and
        slot are freed in bulk by :meth:`_make_room`, which costs less than one at a time."""
        if keys is not None:
            if self._dict is not None:
                self._dict_remove(keys.tolist(), seq)
                return
            rows = self._locate(keys).rows
        if not len(rows):
            return
        held = self._rows[rows]
        held[held == seq] = -1
        held.sort(axis=1)  # holders are ascending: the gap moves to the left end
        self._rows[rows] = held

    def _dict_remove(self, keys: list[int], seq: int) -> None:
        index = self._dict
        assert index is not None
        pop = index.pop
        for h in keys:
            posting = pop(h, None)
            if posting is None or posting == seq:
                continue
            if isinstance(posting, int):
                index[h] = posting  # the key's newer items pushed this one out
                continue
            if posting[0] == seq:  # oldest first, unless event times came out of order
                del posting[0]
            elif seq in posting:
                posting.remove(seq)
            index[h] = posting[0] if len(posting) == 1 else posting

    def _make_room(self, n: int) -> None:
        """Room for ``n`` new keys: the keys left without holders deleted (their rows freed,
        their slots tombstones), then the table rebuilt if it would pass half full, and the
        rows grown if few are free."""
        empty = np.flatnonzero(self._rows[1 : self._used, -1] < 0) + 1
        gone = empty[self._slot_of[empty] != _FREE]
        if len(gone):
            slots = self._slot_of[gone]
            self._key_at[slots[slots >= 0]] = _TOMB
            for row in gone[slots < 0].tolist():
                del self._overflow[self._overflow_key.pop(row)]
            self._slot_of[gone] = _FREE
            self._free[self._n_free : self._n_free + len(gone)] = gone
            self._n_free += len(gone)
            self._held -= len(gone)
        if 2 * (self._taken + n) > len(self._key_at) - PROBE:
            self._rebuild(self._held + n)
        spare = self._n_free + len(self._rows) - self._used
        if spare < max(n, len(self._rows) // 16):
            size = max(2 * len(self._rows), self._used + n)
            grown = mapped_full((size, self.width), -1, np.int64)
            grown[: self._used] = self._rows[: self._used]
            slot_of = mapped_full(size, _FREE, np.int64)
            slot_of[: self._used] = self._slot_of[: self._used]
            free = mapped_full(size, 0, np.int32)
            free[: self._n_free] = self._free[: self._n_free]
            self._rows, self._slot_of, self._slot_view, self._free = grown, slot_of, slot_of.data, free

    def _place(self, keys: npt.NDArray[np.uint32], window: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
        """A row, and a slot in the key's probe window (else an overflow entry), per new key
        (:meth:`find` made room for them)."""
        rows = self._alloc(len(keys))
        self._held += len(keys)
        key_at = self._key_at
        open_ = key_at[window] == _EMPTY_KEY
        first = open_.argmax(axis=1)
        at = np.arange(len(keys))
        slots = window[at, first]
        claimed = slots.tolist()
        placed_keys, placed_rows = keys, rows
        if not open_[at, first].all() or len(set(claimed)) < len(claimed):
            # Two new keys after one slot, or a full window: one at a time.
            for i, w in enumerate(window.tolist()):
                empty = [s for s in w if key_at[s] == _EMPTY_KEY]
                slots[i] = empty[0] if empty else -1
                if empty:
                    key_at[empty[0]] = keys[i]
            spilled = slots < 0
            if spilled.any():
                self._spill(keys[spilled], rows[spilled])
                placed_keys, placed_rows, slots = keys[~spilled], rows[~spilled], slots[~spilled]
        key_at[slots] = placed_keys
        self._row_at[slots] = placed_rows
        self._slot_of[placed_rows] = slots
        self._taken += len(slots)
        return rows

    def _place_few(self, keys: list[int], homes: list[int]) -> list[int]:
        """:meth:`_place` one key at a time, through memoryviews: for a few keys, a fraction
        of the cost of its dozen numpy calls. Each key takes the same slot either way."""
        rows = self._alloc_list(len(keys))
        self._held += len(keys)
        key_at, row_at, slot_of = self._key_view, self._row_view, self._slot_view
        for key, home, row in zip(keys, homes, rows, strict=True):
            for slot in range(home, home + PROBE):
                if key_at[slot] == _EMPTY_KEY:
                    key_at[slot], row_at[slot], slot_of[row] = key, row, slot
                    self._taken += 1
                    break
            else:
                self._spill(np.array([key], dtype=np.uint32), np.array([row], dtype=np.int32))
        return rows

    def _spill(self, keys: npt.NDArray[np.uint32], rows: npt.NDArray[np.int32]) -> None:
        for key, row in zip(keys.tolist(), rows.tolist(), strict=True):
            self._overflow[key] = row
            self._overflow_key[row] = key
            self._crowded.add(key >> self._shift)
        self._slot_of[rows] = -1

    def _alloc(self, n: int) -> npt.NDArray[np.int32]:
        return np.array(self._alloc_list(n), dtype=np.int32)

    def _alloc_list(self, n: int) -> list[int]:
        take = min(n, self._n_free)
        self._n_free -= take
        got: list[int] = self._free[self._n_free : self._n_free + take].tolist()
        rest = n - take
        got.extend(range(self._used, self._used + rest))
        self._used += rest
        return got

    def _rebuild(self, expect: int) -> None:
        """A fresh table with room for ``expect`` keys at load <= 1/3, without tombstones."""
        occupied = np.flatnonzero(self._key_at < _TOMB)
        keys = np.concatenate([self._key_at[occupied], np.array(list(self._overflow), dtype=np.uint32)])
        rows = np.concatenate([self._row_at[occupied],
                               np.array(list(self._overflow.values()), dtype=np.int32)])
        self._bulk_place(keys, rows, expect)
        release_heap()

    def _bulk_place(self, keys: npt.NDArray[np.uint32], rows: npt.NDArray[np.int32], expect: int) -> None:
        """A fresh table holding ``keys`` (at ``rows``), sized for ``expect``."""
        self._overflow.clear()
        self._overflow_key.clear()
        self._crowded.clear()
        self._table(min(32, max(12, (3 * max(expect, 1)).bit_length())))
        key_at, row_at = self._key_at, self._row_at
        home = keys >> self._shift
        at = home.copy()
        pending = np.arange(len(keys))
        while len(pending):
            p = at[pending]
            open_ = key_at[p] == _EMPTY_KEY
            slots, first = np.unique(p[open_], return_index=True)
            won = pending[open_][first]
            key_at[slots] = keys[won]
            row_at[slots] = rows[won]
            self._slot_of[rows[won]] = slots
            placed = np.zeros(len(keys), dtype=bool)
            placed[won] = True
            pending = pending[~placed[pending]]
            at[pending] += 1
            beyond = at[pending] - home[pending] >= PROBE
            if beyond.any():
                self._spill(keys[pending[beyond]], rows[pending[beyond]])
                pending = pending[~beyond]
        self._taken = int((key_at < _TOMB).sum())
        self._held = self._taken + len(self._overflow)

