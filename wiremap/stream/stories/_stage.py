"""The near-duplicate stage: each item joins the story of its best earlier match, or starts one."""

from __future__ import annotations

import heapq
from collections import deque
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from wiremap.settings import get_settings
from wiremap.stream.stories._index import Lookup, PostingIndex
from wiremap.stream.stories._mapped import mapped_full
from wiremap.stream.stories._rank import ranked, repeated
from wiremap.stream.stories._text import Features, extract

__all__ = ["StoryAssignment", "StoryStage"]

#: Long items are indexed under their shingles whose hash is 0 mod SAMPLE (0 mod
#: QUERY_SAMPLE when they have fewer than SMALL shingles), and look up theirs the same
#: way. Sampling by value keeps containment: a shingle two items share is sampled in both
#: or neither.
SAMPLE = 8
QUERY_SAMPLE = 4
SMALL = 64
#: An index key holds at most the MAX_POSTING most recent items carrying it, and a full
#: key (a common phrase, or a story copied many times) counts only its FULL_RECENT newest:
#: lookups cost bounded time, and a much-copied story stays findable by its latest copies.
MAX_POSTING = 8
FULL_RECENT = 2
#: Candidates verified per item (most shared index keys first).
MAX_VERIFY = 16
#: Shared index keys ("hits") are a Poisson sample of shared shingles. A candidate is not
#: verified when hits + 2 sd fall below PREFILTER x the hits expected at the threshold, nor
#: on a lone hit when LONE_HIT or more were expected (one common phrase, not a copy).
PREFILTER = 0.8
LONE_HIT = 8
#: Shingles of the two items under which a Python set intersection beats numpy's sorted one.
SET_OVERLAP = 160
#: Weight of the longer item's extra length: 0 is pure containment, 1 divides by the
#: longer item's size. Between, a trimmed copy still matches while a long roundup does
#: not swallow every short item it quotes.
LENGTH_WEIGHT = 0.25
#: Long items must also agree on their facts: every name and place (capitalised word used
#: mid-sentence) of the item with fewer must be in the other, bar one-edit typos; of its
#: figures, all but NUMBER_SLACK (corrected figures). A same-template report of another
#: event changes the place, the people or the figures.
NUMBER_SLACK = 2
#: Short items (alerts): token-set Jaccard needed, and no name or figure may differ.
SHORT_JACCARD = 0.8
#: Alerts are found by ALERT_HASHES min-hashes of their token sets (one key each).
ALERT_HASHES = 3
#: Alerts verified per key (the most recent ones).
MAX_ALERTS = 256
_ALERT_MUL = (0x2545F491, 0x9E3779B1, 0x85EBCA77)[:ALERT_HASHES]
_ALERT_ADD = (0x165667B1, 0xC2B2AE3D, 0x27D4EB2F)[:ALERT_HASHES]
_NO_ROWS = np.zeros(0, dtype=np.int32)


class StoryAssignment(NamedTuple):
    """Which story an item joined, how big the story is now, and why."""

    story_id: str
    story_size: int
    matched_id: str | None
    similarity: float | None


class _Entry:
    __slots__ = ("alert_keys", "features", "item_id", "result", "rows", "shingles", "short",
                 "story_id", "ts")

    def __init__(self, item_id: str, ts: float, f: Features, alert_keys: tuple[int, ...],
                 rows: npt.NDArray[np.int32], result: StoryAssignment) -> None:
        self.item_id = item_id
        self.ts = ts
        self.story_id = result.story_id
        self.result = result
        self.features = f
        self.shingles = f.shingles
        self.short = f.short
        self.alert_keys = alert_keys
        #: The index rows of its keys (a long item's), so expiry need not look them up.
        self.rows = rows


def _overlap(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]) -> int:
    """Size of the intersection of two sorted, duplicate-free arrays."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    at = b.searchsorted(a)
    np.minimum(at, len(b) - 1, out=at)  # past the end: compares unequal at the last
    return int(np.count_nonzero(b[at] == a))


def _similarity(overlap: int, na: int, nb: int) -> float:
    """Length-weighted containment of the smaller shingle set in the larger."""
    return overlap / (min(na, nb) + LENGTH_WEIGHT * abs(na - nb))


def _missing(small: tuple[bytes, ...], large: tuple[bytes, ...]) -> list[bytes]:
    """Facts of ``small`` absent from ``large``."""
    have = set(large)
    return [w for w in small if w not in have]


def facts_agree(a: Features, b: Features) -> bool:
    """The item with fewer names keeps them all (bar typos), and its figures bar NUMBER_SLACK."""
    (a_names, a_numbers), (b_names, b_numbers) = a.facts(), b.facts()
    few, many = (a_numbers, b_numbers) if len(a_numbers) <= len(b_numbers) else (b_numbers, a_numbers)
    if len(_missing(few, many)) > NUMBER_SLACK:
        return False
    few, many = (a_names, b_names) if len(a_names) <= len(b_names) else (b_names, a_names)
    return all(_typo_of(w, many) for w in _missing(few, many))


def _typo_of(word: bytes, names: tuple[bytes, ...]) -> bool:
    """One edit (or one transposition) away from one of ``names``, for names of 5+ letters."""
    if len(word) < 5:
        return False
    match = process.extractOne(word, names, scorer=OSA.distance, score_cutoff=1)
    return match is not None


def alert_similarity(a: Features, b: Features) -> float:
    """Token-set Jaccard of two alerts, or 0 when a name or figure differs between them."""
    assert a.alert is not None and b.alert is not None
    mine, theirs = set(a.alert.tolist()), set(b.alert.tolist())
    if (mine ^ theirs) & (a.alert_facts | b.alert_facts):
        return 0.0
    return len(mine & theirs) / len(mine | theirs)


def _alert_keys(alert: npt.NDArray[np.uint32]) -> list[int]:
    tokens = alert.tolist()
    return [i << 32 | min((t * mul + add) & 0xFFFFFFFF for t in tokens)
            for i, (mul, add) in enumerate(zip(_ALERT_MUL, _ALERT_ADD, strict=True))]


class StoryStage:
    """Groups near-duplicate items into stories within an event-time window.

    Deterministic: state depends only on the sequence of ``assign`` calls (no clocks,
    no per-process hashing), so replaying the stage's input rebuilds it. Memory is
    bounded by the items whose event time is within ``window_s`` of the newest seen.
    """

    def __init__(self, *, threshold: float | None = None, window_s: float | None = None) -> None:
        settings = get_settings()
        self.threshold = settings.story_threshold if threshold is None else threshold
        self.window_s = settings.story_window_s if window_s is None else window_s
        if not 0 < self.threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")
        if self.window_s <= 0:
            raise ValueError(f"window_s must be positive, got {self.window_s}")
        self._seq = 0
        self._watermark = float("-inf")
        self._entries: dict[int, _Entry] = {}
        self._by_id: dict[str, int] = {}
        self._index = PostingIndex(MAX_POSTING, FULL_RECENT)  # long items' sampled shingles
        self._alerts: dict[int, list[int]] = {}  # alert key → short items
        self._small: set[int] = set()  # long items with fewer than SMALL shingles
        # (event time, seq) of items in arrival order while event time does not go back,
        # and a heap of those that arrived late.
        self._expiry: deque[tuple[float, int]] = deque()
        self._late: list[tuple[float, int]] = []
        # Shingle count and event time of the items from seq _base on, so candidates are
        # ranked and prefiltered without touching their entries.
        self._base = 0
        self._sizes = mapped_full(1024, 0, np.int32)
        self._times = mapped_full(1024, 0, np.float64)
        self._size_view, self._time_view = self._sizes.data, _floats(self._times)
        self._stories: dict[str, list[int]] = {}  # story id → [size so far, live members]

    def __len__(self) -> int:
        """Live (unexpired) items held."""
        return len(self._entries)

    @property
    def stories(self) -> int:
        """Live stories (with at least one unexpired item)."""
        return len(self._stories)

    def assign(self, item_id: str, text: str, ts: float) -> StoryAssignment:
        """Assign one item (id, headline-and-body text, event time in epoch seconds)."""
        known = self._by_id.get(item_id)
        if known is not None:
            return self._entries[known].result
        if ts > self._watermark:
            self._watermark = ts
            self._expire(ts - self.window_s)
        f = extract(text)
        # Candidates lie within the window of this item and of the newest event time.
        span = (max(self._watermark, ts) - self.window_s, ts + self.window_s)
        match: _Entry | None = None
        sim = 0.0
        found: Lookup | None = None
        if f.short:
            if f.alert is not None:
                match, sim = self._match_alert(f, span)
        else:
            found = self._index.find(_keys(f.shingles))
            match, sim = self._match_long(f, span, found)
            if match is None and self._alerts and f.alert is not None:
                match, sim = self._match_alert(f, span)
        if match is None:
            story = self._stories.setdefault(item_id, [0, 0])  # an id replayed after expiry
            story[0] += 1
            story[1] += 1
            result = StoryAssignment(item_id, story[0], None, None)
        else:
            story = self._stories[match.story_id]
            story[0] += 1
            story[1] += 1
            result = StoryAssignment(match.story_id, story[0], match.item_id, round(sim, 4))
        self._insert(item_id, ts, f, result, found)
        return result

    def _match_long(self, f: Features, span: tuple[float, float],
                    found: Lookup) -> tuple[_Entry | None, float]:
        held = self._index.candidates(found)
        if not len(held):
            return None, 0.0
        held.sort()
        n = len(f.shingles)
        if self.threshold * n / SAMPLE >= LONE_HIT:
            # A lone hit can only be a match when the stored item is small.
            seqs, hits = repeated(held, self._small, MAX_VERIFY)
        else:
            seqs, hits = ranked(held, MAX_VERIFY)
        query_step = SAMPLE if n >= SMALL else QUERY_SAMPLE
        best: _Entry | None = None
        best_sim = 0.0
        mine: set[int] | None = None
        low, high = span
        base, sizes, times = self._base, self._size_view, self._time_view
        for seq, k in zip(seqs, hits, strict=True):
            ts = times[seq - base]
            if not low <= ts <= high:
                continue
            m = sizes[seq - base]
            # Shared index keys estimate the overlap (both sides sample the shingles):
            # skip candidates that cannot be close, before the exact count.
            step = SAMPLE if m >= SMALL else query_step
            expected = self.threshold * (min(n, m) + LENGTH_WEIGHT * abs(n - m)) / step
            if (k == 1 and expected >= LONE_HIT) or (k + 2 * k**0.5 + 2) < PREFILTER * expected:
                continue
            e = self._entries[seq]
            if m + n > SET_OVERLAP:
                sim = _similarity(_overlap(f.shingles, e.shingles), n, m)
            else:
                if mine is None:
                    mine = set(f.shingles.tolist())
                sim = _similarity(len(mine.intersection(e.shingles.tolist())), n, m)
            if sim >= self.threshold and sim > best_sim and facts_agree(f, e.features):
                best, best_sim = e, sim
        return best, best_sim

    def _match_alert(self, f: Features, span: tuple[float, float]) -> tuple[_Entry | None, float]:
        """Short items earlier in the window whose alert is this item's (or its headline)."""
        assert f.alert is not None
        seen: set[int] = set()
        for key in _alert_keys(f.alert):
            seen.update(self._alerts.get(key, ())[-MAX_ALERTS:])
        best: _Entry | None = None
        best_sim = 0.0
        for seq in sorted(seen):
            e = self._entries[seq]
            if not span[0] <= e.ts <= span[1]:
                continue
            sim = alert_similarity(f, e.features)
            if sim >= SHORT_JACCARD and sim > best_sim:
                best, best_sim = e, sim
        return best, best_sim

    def _insert(self, item_id: str, ts: float, f: Features, result: StoryAssignment,
                found: Lookup | None) -> None:
        seq = self._seq
        self._seq += 1
        alert_keys: tuple[int, ...] = ()
        rows = _NO_ROWS
        if f.short:
            if f.alert is not None:
                alert_keys = tuple(_alert_keys(f.alert))
                for key in alert_keys:
                    self._alerts.setdefault(key, []).append(seq)
        else:
            f.drop_alert()
            if len(f.shingles) < SMALL:
                self._small.add(seq)
            assert found is not None
            was_dict = not self._index.in_numpy
            rows = self._index.add(found, seq)
            if was_dict and self._index.in_numpy:
                self._backfill_rows()
        at = seq - self._base
        if at == len(self._sizes):
            at = self._rebase(seq)
        self._size_view[at] = len(f.shingles)
        self._time_view[at] = ts
        self._entries[seq] = _Entry(item_id, ts, f, alert_keys, rows, result)
        self._by_id[item_id] = seq
        if not self._expiry or ts >= self._expiry[-1][0]:
            self._expiry.append((ts, seq))
        else:
            heapq.heappush(self._late, (ts, seq))

    def _rebase(self, seq: int) -> int:
        """Start the sizes and times at the oldest live item (the entries' first: seqs are
        inserted in order), in place, or in arrays twice the size when they are over half
        full; ``seq``'s place."""
        oldest = next(iter(self._entries), seq)
        live, start = seq - oldest, oldest - self._base
        sizes, times = self._sizes, self._times
        if 2 * live > len(sizes):
            size = 2 * len(sizes)
            sizes, times = mapped_full(size, 0, np.int32), mapped_full(size, 0, np.float64)
        sizes[:live], times[:live] = self._sizes[start : start + live], self._times[start : start + live]
        self._base, self._sizes, self._times = oldest, sizes, times
        self._size_view, self._time_view = sizes.data, _floats(times)
        return live

    def _backfill_rows(self) -> None:
        """Once the index has moved into numpy: give every live long item its rows, so its
        expiry need not look its keys up (one pass, ~1 s at ~70,000 live items)."""
        index = self._index
        for e in self._entries.values():
            if not e.short and not len(e.rows):
                rows = index.find(_keys(e.shingles)).rows
                e.rows = rows[rows != 0].astype(np.int32)

    def _expire(self, horizon: float) -> None:
        expiry, late = self._expiry, self._late
        while expiry and expiry[0][0] < horizon:
            self._forget(expiry.popleft()[1])
        while late and late[0][0] < horizon:
            self._forget(heapq.heappop(late)[1])

    def _forget(self, seq: int) -> None:
        e = self._entries.pop(seq)
        del self._by_id[e.item_id]
        if not e.short:  # an item added while the index was a dict has no rows: its keys
            self._index.remove(e.rows, seq, None if len(e.rows) else _keys(e.shingles))
        if e.shingles.size < SMALL:
            self._small.discard(seq)
        for key in e.alert_keys:
            _drop(self._alerts, key, seq)
        story = self._stories[e.story_id]
        story[1] -= 1
        if story[1] == 0:
            del self._stories[e.story_id]


def _keys(shingles: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """A long item's index keys (also its lookup keys)."""
    return _sample(shingles, SAMPLE if len(shingles) >= SMALL else QUERY_SAMPLE)


def _sample(shingles: npt.NDArray[np.uint32], step: int) -> npt.NDArray[np.uint32]:
    return shingles[(shingles & (step - 1)) == 0]


def _drop(alerts: dict[int, list[int]], key: int, seq: int) -> None:
    seqs = alerts[key]
    seqs.remove(seq)
    if not seqs:
        del alerts[key]


def _floats(a: npt.NDArray[np.float64]) -> memoryview[float]:
    """A float64 array's memoryview: its items read and written at Python's speed."""
    return a.data.cast("B").cast("d")

