"""Which of several groups of substrings a text contains, found in one pass over it.

Cue patterns (claim status, aviation words) are regexes that only a text holding one of a
few substrings can match, so those substrings gate them. Checked one by one with ``in``,
thirty substrings scan a 2 KB sentence thirty times; an Aho-Corasick automaton
(pyahocorasick) scans it once.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

__all__ = ["Needles"]


class Needles:
    """``present(text)``: a bit mask, bit i set when ``text`` contains a substring of group i."""

    def __init__(self, *groups: Iterable[str]) -> None:
        bits: dict[str, int] = {}
        for i, words in enumerate(groups):
            for w in words:
                if not w:
                    raise ValueError("an empty substring would match every text")
                bits[w] = bits.get(w, 0) | 1 << i
        self._automaton = ahocorasick.Automaton()
        for w, b in bits.items():
            self._automaton.add_word(w, b)
        self._automaton.make_automaton()
        self._all = (1 << len(groups)) - 1

    def present(self, text: str) -> int:
        found = 0
        for _end, b in self._automaton.iter(text):
            found |= b
            if found == self._all:
                break
        return found
