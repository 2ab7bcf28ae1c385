"""The misspelling index: one edit from a prominent name, first letter kept, whatever the
position of the edit (the index looks words up by their first and by their last letters)."""

from __future__ import annotations

import pytest
from rapidfuzz.distance import Levenshtein

from wiremap.stream.geo import Geoparser
from wiremap.stream.geo._fuzzy import FuzzyIndex


@pytest.fixture(scope="module")
def index(geoparser: Geoparser) -> FuzzyIndex:
    return FuzzyIndex(geoparser.gazetteer)


@pytest.mark.parametrize(("word", "key"), [
    ("domodedyovo", "domodedovo"),  # insertion late in the word
    ("dmodedovo", "domodedovo"),    # deletion at position 1: only the tail bucket has it
    ("dumodedovo", "domodedovo"),   # substitution at position 1: tail bucket again
    ("kharkov", "kharkiv"),         # substitution
    ("sheremetevo", "sheremetyevo"),
])
def test_one_edit_finds_the_prominent_name(index: FuzzyIndex, word: str, key: str) -> None:
    assert index.nearest(word) == (key, 1)


def test_no_match_for_itself_short_far_or_first_letter_edits(index: FuzzyIndex) -> None:
    assert index.nearest("domodedovo") != ("domodedovo", 1)  # a name is not its own variant
    assert index.nearest("mosco") is None  # shorter than FUZZY_MIN_LEN
    assert index.nearest("zomodedovo") is None  # the first letter is kept
    assert index.nearest("domodxxovo") is None  # two edits


def test_matches_are_exactly_one_edit(index: FuzzyIndex) -> None:
    for word in ("belgorot", "rostofff", "washingtom", "londonn", "sevastapol"):
        hit = index.nearest(word)
        if hit is not None:
            assert Levenshtein.distance(word, hit[0]) == 1 and hit[0][0] == word[0]
