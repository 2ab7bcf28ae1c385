"""The near-duplicate stage: each item joins the story of its best earlier match, or starts one."""

from __future__ import annotations

import heapq
from collections import Counter
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from wiremap.settings import get_settings
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
_NO_FACTS: frozenset[int] = frozenset()


class StoryAssignment(NamedTuple):
    """Which story an item joined, how big the story is now, and why."""

    story_id: str
    story_size: int
    matched_id: str | None
    similarity: float | None


class _Entry:
    __slots__ = ("alert_keys", "features", "item_id", "result", "shingles", "short",
                 "story_id", "ts")

    def __init__(self, item_id: str, ts: float, f: Features,
                 alert_keys: tuple[int, ...], result: StoryAssignment) -> None:
        self.item_id = item_id
        self.ts = ts
        self.story_id = result.story_id
        self.result = result
        self.features = f
        self.shingles = f.shingles
        self.short = f.short
        self.alert_keys = alert_keys


def _overlap(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]) -> int:
    """Size of the intersection of two sorted, duplicate-free arrays."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return int(np.count_nonzero(b[at] == a))


def long_similarity(a: Features | _Entry, b: Features | _Entry) -> float:
    """Length-weighted containment of the smaller shingle set in the larger."""
    na, nb = len(a.shingles), len(b.shingles)
    small, large = min(na, nb), max(na, nb)
    if small == 0:
        return 0.0
    return _overlap(a.shingles, b.shingles) / (small + LENGTH_WEIGHT * (large - small))


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
        # shingle → seq, or list of seqs, oldest first, when several items hold it (most keys
        # hold one).
        self._index: dict[int, int | list[int]] = {}
        self._alerts: dict[int, list[int]] = {}  # alert key → short items
        self._small: set[int] = set()  # long items with fewer than SMALL shingles
        self._expiry: list[tuple[float, int]] = []
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
        if f.short:
            if f.alert is not None:
                match, sim = self._match_alert(f, span)
        else:
            match, sim = self._match_long(f, span)
            if match is None and f.alert is not None and self._alerts:
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
        self._insert(item_id, ts, f, result)
        return result

    def _match_long(self, f: Features, span: tuple[float, float]) -> tuple[_Entry | None, float]:
        found: list[int] = []
        index = self._index
        n = len(f.shingles)
        query_step = SAMPLE if n >= SMALL else QUERY_SAMPLE
        for posting in map(index.get, _sample(f.shingles, query_step).tolist()):
            if posting is None:
                continue
            if isinstance(posting, int):
                found.append(posting)
            elif len(posting) < MAX_POSTING:
                found.extend(posting)
            else:  # a full key is a common phrase or a much-copied story: its newest copies
                found.extend(posting[-FULL_RECENT:])
        if not found:
            return None, 0.0
        hits = Counter(found)
        if self.threshold * n / SAMPLE >= LONE_HIT:
            # A lone hit can only be a match when the stored item is small.
            small = self._small
            ranked = [s for s, k in hits.items() if k > 1 or s in small]
        else:
            ranked = list(hits)
        ranked.sort(key=lambda s: (-hits[s], s))
        del ranked[MAX_VERIFY:]
        best: _Entry | None = None
        best_sim = 0.0
        for seq in ranked:
            e = self._entries[seq]
            if e.short or not span[0] <= e.ts <= span[1]:
                continue
            # Shared index keys estimate the overlap (both sides sample the shingles):
            # skip candidates that cannot be close, before the exact count.
            m = len(e.shingles)
            k = hits[seq]
            step = SAMPLE if m >= SMALL else query_step
            expected = self.threshold * (min(n, m) + LENGTH_WEIGHT * abs(n - m)) / step
            if (k == 1 and expected >= LONE_HIT) or (k + 2 * k**0.5 + 2) < PREFILTER * expected:
                continue
            sim = long_similarity(f, e)
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

    def _insert(self, item_id: str, ts: float, f: Features, result: StoryAssignment) -> None:
        seq = self._seq
        self._seq += 1
        alert_keys: tuple[int, ...] = ()
        if f.short:
            if f.alert is not None:
                alert_keys = tuple(_alert_keys(f.alert))
                for key in alert_keys:
                    self._alerts.setdefault(key, []).append(seq)
        else:
            f.alert, f.alert_facts = None, _NO_FACTS  # a long item's headline is only a query
            if len(f.shingles) < SMALL:
                self._small.add(seq)
            index = self._index
            for h in _keys(f.shingles):
                posting = index.get(h)
                if posting is None:
                    index[h] = seq
                elif isinstance(posting, int):
                    index[h] = [posting, seq]
                else:
                    if len(posting) >= MAX_POSTING:
                        del posting[0]
                    posting.append(seq)
        self._entries[seq] = _Entry(item_id, ts, f, alert_keys, result)
        self._by_id[item_id] = seq
        heapq.heappush(self._expiry, (ts, seq))

    def _expire(self, horizon: float) -> None:
        while self._expiry and self._expiry[0][0] < horizon:
            _, seq = heapq.heappop(self._expiry)
            e = self._entries.pop(seq)
            del self._by_id[e.item_id]
            index = self._index
            pop = index.pop
            for h in (() if e.short else _keys(e.shingles)):
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
            if e.shingles.size < SMALL:
                self._small.discard(seq)
            for key in e.alert_keys:
                _drop(self._alerts, key, seq)
            story = self._stories[e.story_id]
            story[1] -= 1
            if story[1] == 0:
                del self._stories[e.story_id]


def _keys(shingles: npt.NDArray[np.uint32]) -> list[int]:
    """A long item's index keys, recomputed on expiry rather than held (a held list of
    Python ints costs ~0.8 KB per live item)."""
    return _sample(shingles, SAMPLE if len(shingles) >= SMALL else QUERY_SAMPLE).tolist()


def _sample(shingles: npt.NDArray[np.uint32], step: int) -> npt.NDArray[np.uint32]:
    return shingles[(shingles & np.uint32(step - 1)) == 0]


def _drop(alerts: dict[int, list[int]], key: int, seq: int) -> None:
    seqs = alerts[key]
    seqs.remove(seq)
    if not seqs:
        del alerts[key]
