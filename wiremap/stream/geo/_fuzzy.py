"""Misspellings and transliteration variants: names of well-known places one edit away
("Domodedyovo" → domodedovo, "Moskow" → moscow)."""

from __future__ import annotations

import re

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from wiremap.stream.geo._text import key_of
from wiremap.stream.geo._types import GazetteerLike, PlaceLike

__all__ = ["FUZZY_MIN_LEN", "FuzzyIndex"]

FUZZY_MIN_LEN = 6
_MIN_POP = 50_000
_TYPE_TAIL = re.compile(r"\s+(?:international\s+airport|airport|oblast|krai|region|province|"
                        r"governorate|state|county|parish|district|republic)$")


class FuzzyIndex:
    """Single-word keys indexed by their first and last three letters and their length; built
    lazily.

    One edit of a word of six or more letters leaves either its first three letters or its
    last three intact (an edit at position 0 is not allowed: the first letter is kept), and
    changes its length by at most one, so a query compares (in rapidfuzz's C++) only the keys
    of six small buckets. Building is two appends per key, not a deletion dictionary."""

    def __init__(self, gazetteer: GazetteerLike) -> None:
        self._gaz = gazetteer
        self._index: tuple[dict[tuple[str, int], list[str]],
                           dict[tuple[str, int], list[str]]] | None = None

    @property
    def index(self) -> tuple[dict[tuple[str, int], list[str]], dict[tuple[str, int], list[str]]]:
        if self._index is None:
            self._index = self._build()
        return self._index

    def _build(self) -> tuple[dict[tuple[str, int], list[str]],
                              dict[tuple[str, int], list[str]]]:
        prominent = getattr(self._gaz, "prominent_keys", None)
        raw = list(prominent(_MIN_POP)) if prominent is not None else self._from_places()
        keys = sorted({k for k in raw if len(k) >= FUZZY_MIN_LEN - 1 and " " not in k
                       and k.isalpha()})
        heads: dict[tuple[str, int], list[str]] = {}
        tails: dict[tuple[str, int], list[str]] = {}
        for key in keys:
            n = len(key)
            heads.setdefault((key[:3], n), []).append(key)
            tails.setdefault((key[0] + key[-3:], n), []).append(key)
        return heads, tails

    def _from_places(self) -> list[str]:
        """Names (and type-stripped stems) of countries, their capitals, admin-1 units and
        airports. (Other cities need the gazetteer's ``prominent_keys``: building a Place for
        every city costs seconds and memory.)"""
        places = getattr(self._gaz, "places", None)
        if places is None:
            return []
        chosen: list[PlaceLike] = []
        for kind in ("country", "admin1", "airport"):
            chosen.extend(places(kind))
        for c in [p for p in chosen if p.kind == "country"]:
            cap = self._gaz.capital(c.country)
            if cap is not None:
                chosen.append(cap)
        out: list[str] = []
        for p in chosen:
            key = key_of(p.name)
            out.append(key)
            stem = _TYPE_TAIL.sub("", key)
            if stem != key:
                out.append(stem)
        return out

    def nearest(self, word: str) -> tuple[str, int] | None:
        """The most populous well-known key one edit from ``word`` (first letter kept);
        words shorter than FUZZY_MIN_LEN are not matched."""
        n = len(word)
        if n < FUZZY_MIN_LEN:
            return None
        heads, tails = self.index
        head, tail = word[:3], word[0] + word[-3:]
        pool = [k for m in (n - 1, n, n + 1)
                for k in (*heads.get((head, m), ()), *tails.get((tail, m), ())) if k != word]
        best: tuple[int, str] | None = None
        for k, _dist, _i in process.extract(word, pool, scorer=Levenshtein.distance,
                                            score_cutoff=1, limit=None):
            pop = max((p.population for p in self._gaz.lookup(k)), default=0)
            if best is None or (pop, k) > best:
                best = (pop, k)
        return (best[1], 1) if best else None
