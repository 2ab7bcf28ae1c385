"""The recognizer's name tables: gazetteer probes memoised, the candidates a written name can
take, misspellings, words that can name nothing, and a country's capital by its demonym."""

from __future__ import annotations

from wiremap.stream.geo._common import COMMON_WORDS
from wiremap.stream.geo._fuzzy import FUZZY_MIN_LEN, FuzzyIndex
from wiremap.stream.geo._lexicon import (
    AP_STATES,
    CONNECTORS,
    CONTINENTS,
    DEMONYMS,
    GIVEN_NAMES,
    INSTITUTIONS,
    SHORT_FORMS,
    STOP_CAPS,
    TITLES,
)
from wiremap.stream.geo._text import key_of
from wiremap.stream.geo._types import GazetteerLike, PlaceLike

__all__ = ["CACHE_SIZE", "NameTable"]

CACHE_SIZE = 200_000


class NameTable:
    """What the recognizer's rules ask of the gazetteer, memoised: news repeats its names."""

    def __init__(self, gazetteer: GazetteerLike, *, fuzzy: bool = True) -> None:
        self._gaz = gazetteer
        self._matches = getattr(gazetteer, "matches", None)
        self._cache: dict[str, tuple[tuple[PlaceLike, ...], tuple[str, ...]]] = {}
        self._fuzzy = FuzzyIndex(gazetteer) if fuzzy else None
        self._fuzzy_memo: dict[str, tuple[str, int] | None] = {}
        self._usable_memo: dict[tuple[str, bool], tuple[tuple[PlaceLike, ...], tuple[str, ...]]] = {}
        # Whether a capitalised word names no place in any context ("The", "Thursday"): such a
        # word is skipped without the rule chain (memo of _is_dead).
        self._dead: dict[str, bool] = {}
        self._special = frozenset(
            INSTITUTIONS | set(CONTINENTS) | set(DEMONYMS) | set(SHORT_FORMS) | set(AP_STATES)
        )

    def lookup(self, key: str) -> tuple[list[PlaceLike], list[str]]:
        """Candidates for a key and how each one's name matched (preferred, alternate, ...).
        Memoised: news repeats its names, and a probe builds Place objects."""
        hit = self._cache.get(key)
        if hit is not None:
            return list(hit[0]), list(hit[1])
        if self._matches is not None:
            ms = self._matches(key)
            places, aliases = [m.place for m in ms], [m.alias for m in ms]
        else:
            places = list(self._gaz.lookup(key))
            aliases = ["preferred" if key_of(p.name) == key else "alternate" for p in places]
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = (tuple(places), tuple(aliases))
        return places, aliases

    def _usable(self, key: str, upper: bool) -> tuple[list[PlaceLike], list[str]]:
        """The candidates a written name can take: never a transliteration key, and codes or
        abbreviations only when the text is in capitals. Memoised per (key, capitals)."""
        memo_key = (key, upper)
        hit = self._usable_memo.get(memo_key)
        if hit is None:
            places, aliases = self._cache[key]
            keep = [i for i, a in enumerate(aliases)
                    if a != "translit" and (upper or a not in ("abbreviation", "code"))]
            hit = (tuple(places[i] for i in keep), tuple(aliases[i] for i in keep))
            if len(self._usable_memo) >= CACHE_SIZE:
                self._usable_memo.clear()
            self._usable_memo[memo_key] = hit
        return list(hit[0]), list(hit[1])

    def warm(self) -> None:
        """Build the lazy tables now (the worker calls this before taking traffic)."""
        if self._fuzzy is not None:
            _ = self._fuzzy.index
        self._gaz.country("US")  # the gazetteer's own id table is built on first use

    def fuzzy(self, word: str) -> tuple[str, int] | None:
        if self._fuzzy is None:
            return None
        try:
            return self._fuzzy_memo[word]
        except KeyError:
            pass
        if len(self._fuzzy_memo) >= CACHE_SIZE:
            self._fuzzy_memo.clear()
        hit = self._fuzzy_memo[word] = self._fuzzy.nearest(word)
        return hit

    def _is_dead(self, key: str) -> bool:
        """True when a lone capitalised ``key`` can yield no mention whatever its context."""
        if key in self._special or key in TITLES or key in CONNECTORS or self.lookup(key)[0]:
            return False
        return (len(key) < FUZZY_MIN_LEN or key in STOP_CAPS or key in COMMON_WORDS
                or key in GIVEN_NAMES or self.fuzzy(key) is None)

    def _dead_key(self, key: str) -> bool:
        if len(self._dead) >= CACHE_SIZE:
            self._dead.clear()
        hit = self._dead[key] = self._is_dead(key)
        return hit

    def _capital_of(self, word: str) -> PlaceLike | None:
        """The capital of the country a demonym or a country's name denotes ("Ukrainian",
        "Japan"), if it is one."""
        key = key_of(word)
        cc = DEMONYMS.get(key)
        if cc is None:
            cc = next((c.country for c in self._gaz.lookup(key) if c.kind == "country"), None)
        return self._gaz.capital(cc) if cc else None
