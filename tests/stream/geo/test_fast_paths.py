"""The geoparser's fast paths give exactly what the plain formulation they replace gives.

Each speed-up (a substring pre-filter before a regex, candidate positions found with
``str.find``, an ASCII-only count) is checked against the straightforward version on random
text built from the characters and words the rules react to. ``scripts/geo_equivalence.py``
checks the whole parser's output on the development corpora.
"""

from __future__ import annotations

import random
import re

import pytest

from wiremap.contracts import ClaimStatus
from wiremap.stream.geo import _claims, _recognize, _text

_PIECES = [
    *"aAbZz .!?\n\"'”’),;:-1İé\t_",
    "Mr. ", "U.S. ", "St. ", "Calif. ", "İstanbul. ", "a. ", "Jan. ", "Washington. ", "\n\n",
    "Moscow ", "KYIV ", "Odesa Belgorod ", "the ", "of ", "said ", "Ångström ", "x.y. ",
]


def _fuzz(seed: int, n: int, pieces: list[str], size: int = 60) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, size))) for _ in range(n)]


@pytest.mark.parametrize("seed", range(3))
def test_sentence_ends_equal_the_regex_scan(seed: int) -> None:
    for text in _fuzz(seed, 3000, _PIECES):
        fast = [(m.span(), m.group(1)) for m in _text._sentence_ends(text)]
        plain = [(m.span(), m.group(1)) for m in _text._SENT_END.finditer(text)]
        assert fast == plain, text


def _titlecase_plain(sentence: str) -> bool:
    words = _text._LONG_WORD.findall(sentence)
    caps = sum(1 for w in words if w[0].isupper())
    return len(words) >= 4 and caps / len(words) > 0.7


@pytest.mark.parametrize("seed", range(3))
def test_titlecase_counts_equal_the_plain_count(seed: int) -> None:
    pieces = [*_PIECES, "Kursk Region ", "Three ", "Four ", "five ", "Airport ", "Abc "]
    hits = 0
    for text in _fuzz(seed, 3000, pieces, size=30):
        doc = _text.tokenize(text)
        for i in range(len(doc.sent_starts)):
            s0, s1 = doc.sentence_span(i)
            want = _titlecase_plain(text[s0:s1])
            assert doc.is_titlecase(i) == want, text[s0:s1]
            hits += want
    assert hits > 50  # the fuzz reaches both answers


def test_tokens_are_the_same_with_the_word_cache_warm() -> None:
    text = "Mr. Smith said the Kursk region, near Moscow, and São Paulo were calm. Ürümqi too."
    fields = ("start", "end", "text", "key", "cap", "upper", "sent", "first")
    cold = [tuple(getattr(t, f) for f in fields) for t in _text.tokenize(text, _recognize._KEEP).tokens]
    warm = [tuple(getattr(t, f) for f in fields) for t in _text.tokenize(text, _recognize._KEEP).tokens]
    assert cold == warm
    assert [t[2] for t in cold][:5] == ["Mr", "Smith", "said", "the", "Kursk"]
    # another keep set does not share the cached lower-case decisions
    assert "said" not in [t.text for t in _text.tokenize(text, frozenset({"the"})).tokens]


_CUES = [
    "unconfirmed", "unverified", "has not been independently confirmed", "could not verify",
    "cannot be confirmed", "no confirmation", "remains unclear", "declined to confirm",
    "unsubstantiated", "unknown whether", "speculation", "may have", "might have", "could have",
    "suggests", "possibly", "likely", "probable", "presumably", "perhaps", "believed to",
    "thought to", "suspected", "allegedly", "rumoured", "rumors", "apparently", "feared",
    "expected to", "could be", "confirmed", "confirms", "officially", "verified", "announced",
    "acknowledged", "according to", "reportedly", "said", "sources", "attack", "shot down",
    "fires", "flooding", "hit", "closed", "mayor", "confirmation", "verify", "unclear",
]


def _status_plain(sentence: str) -> ClaimStatus:
    s = sentence.lower()
    if _claims._UNCONFIRMED.search(s):
        return ClaimStatus.UNCONFIRMED
    if _claims._SPECULATIVE.search(s):
        return ClaimStatus.SPECULATIVE
    if _claims._CONFIRMED.search(s):
        return ClaimStatus.CONFIRMED
    return ClaimStatus.REPORTED


@pytest.mark.parametrize("seed", range(2))
def test_claim_prefilters_never_hide_a_cue(seed: int) -> None:
    rnd = random.Random(seed)
    words = [*_CUES, "the", "drone", "Moscow", "was", "not", "be", "been", "Could", "MAY", ",", "."]
    seen = set()
    for _ in range(4000):
        sentence = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 6)))
        want = _status_plain(sentence)
        seen.add(want)
        assert _claims.claim_status(sentence) == want, sentence
        assert _claims.sentence_cues(sentence) == (want, _claims.has_event(sentence)), sentence
    assert seen == set(ClaimStatus)


@pytest.mark.parametrize("seed", range(2))
def test_needles_find_the_groups_in_tests_find(seed: int) -> None:
    groups = (_claims._UNCONFIRMED_NEEDS, _claims._SPECULATIVE_NEEDS, _claims._CONFIRMED_NEEDS)
    words = [w for g in groups for w in g] + ["the ", " ", "confir", "mayb", "x"]
    for text in _fuzz(seed, 3000, words, size=8):
        want = sum(1 << i for i, g in enumerate(groups) if any(w in text for w in g))
        assert _claims._STATUS_NEEDS.present(text) == want, text


def test_every_cue_alternative_passes_its_prefilter() -> None:
    for cue in _CUES:
        s = f"officials say it {cue} there"
        for pattern, needs in ((_claims._UNCONFIRMED, _claims._UNCONFIRMED_NEEDS),
                               (_claims._SPECULATIVE, _claims._SPECULATIVE_NEEDS),
                               (_claims._CONFIRMED, _claims._CONFIRMED_NEEDS)):
            if pattern.search(s):
                assert any(n in s for n in needs), (cue, pattern.pattern[:30])


def test_aviation_prefilter_covers_every_aviation_word() -> None:
    for word in ("airport", "airports", "flight", "flights", "runway", "runways", "airline",
                 "airlines", "aircraft", "plane", "planes", "landed", "takeoff", "take-off",
                 "terminal", "aviation", "airspace"):
        assert _recognize._AVIATION.search(f"the {word} was"), word
        assert _recognize._AVIATION_NEEDLES.present(f"the {word} was"), word


_ORIGINS = [
    "originating from", "originated in", "launched from", "launched overnight by Russia from",
    "fired from", "fired two missiles from", "took off from", "came from", "coming from",
    "flew from", "flew in from", "departed from", "from the direction of", "origin in",
    "launch site in", "launched site in", "staging area in", "sent from", "arrived from",
    "imported from", "fled from", "LAUNCHED FROM", "Came From",
]


@pytest.mark.parametrize("seed", range(2))
def test_origin_prefilter_never_hides_an_origin(seed: int) -> None:
    rnd = random.Random(seed)
    words = [*_ORIGINS, "the", "northern", "Belgorod", "drones", "were", "Sumy", "ſent from"]
    roles = set()
    for _ in range(4000):
        sentence = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 5))) + " Kursk"
        offset = len(sentence) - len("Kursk")
        before = sentence[max(0, offset - 80) : offset]
        want = _claims.Role.ORIGIN if _claims._ORIGIN.search(before) else None
        got = _claims.role_of(sentence, offset, event=False)
        assert (got == _claims.Role.ORIGIN) == (want is not None), sentence
        roles.add(got)
    assert _claims.Role.ORIGIN in roles and _claims.Role.MENTIONED in roles


@pytest.mark.parametrize("seed", range(2))
def test_ascii_token_pattern_finds_the_same_words(seed: int) -> None:
    pieces = [*_PIECES, *"“‘—–…²", "_the", "xthe ", "Moscow_", "5Kyiv ", "a9 ", "y ", "De ",
              "OBLAST ", "Kyiv’s ", "—the ", "thee "]
    keep = _recognize._KEEP
    on_fast_path = 0
    for text in _fuzz(seed, 4000, pieces):
        if _text._NON_ASCII_WORD.search(text) is not None:
            continue
        on_fast_path += 1
        fast = [m.span() for m in _text._candidate_pattern(keep, True).finditer(text)]
        plain = [m.span() for m in _text._candidate_pattern(keep, False).finditer(text)]
        assert fast == plain, text
    assert on_fast_path > 500


def test_non_ascii_word_class_is_exactly_the_non_ascii_word_characters() -> None:
    word = re.compile(r"\w")
    for c in map(chr, range(128, 0x3000)):
        assert (_text._NON_ASCII_WORD.match(c) is None) == (word.match(c) is None), hex(ord(c))
