"""Text features: boilerplate republications add is stripped; facts are names and figures."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter

import numpy as np
import pytest

from wiremap.stream.stories import _text as T
from wiremap.stream.stories._text import SHORT_TOKENS, extract, strip_boilerplate

LEDE = "Russian air defences shot down 40 drones over Moscow Oblast, Mayor Sergei Sobyanin said."


@pytest.mark.parametrize(
    "wrapped",
    [
        f"MOSCOW, Nov 25 (Reuters) - {LEDE}",
        f"(AP) — {LEDE}",
        f"UPDATE 2-{LEDE}",
        f"BREAKING: {LEDE}",
        f"{LEDE}\n(Reporting by Jane Doe; Editing by John Smith)",
        f"{LEDE} (Additional reporting by Jane Doe in Kyiv)",
        f"{LEDE}\nCopyright 2024 Thomson Reuters. All rights reserved.",
        f"{LEDE}\n© 2024 AFP",
        f"(Updates with casualty toll)\n{LEDE}",
        f"{LEDE}\nOur Standards: The Thomson Reuters Trust Principles.",
    ],
)
def test_boilerplate_is_stripped(wrapped: str) -> None:
    assert strip_boilerplate(wrapped).split() == LEDE.split()


def test_article_text_about_reporting_is_kept() -> None:
    text = "Reporting by the BBC suggested the airport (Vnukovo) was closed - for hours."
    assert strip_boilerplate(text).split() == text.split()


def test_facts_are_names_places_and_figures_not_sentence_starters() -> None:
    f = extract("Drones downed near Moscow\nThe ministry said 287 drones fell. "
                "Officials in Kursk said Governor Alexander Khinshtein was safe.")
    names, numbers = f.facts()
    assert set(names) == {b"moscow", b"kursk", b"governor", b"alexander", b"khinshtein"}
    assert numbers == (b"287",)


def test_short_items_have_an_alert_form_and_long_items_their_headline() -> None:
    alert = extract("Drone shot down over Moscow region")
    assert alert.short and alert.alert is not None and len(alert.alert) == 6
    long = extract("Drone shot down over Moscow region\n" + "word " * SHORT_TOKENS)
    assert not long.short and long.alert is not None and len(long.alert) == 6


def test_features_do_not_depend_on_case_spacing_or_curly_quotes() -> None:
    a = extract("The mayor’s office said 40 drones were downed.\n\nFlights resumed.")
    b = extract("THE MAYOR'S  OFFICE SAID 40 DRONES WERE DOWNED. Flights   resumed.")
    assert a.shingles.tolist() == b.shingles.tolist()


# --- the fast paths against the plain code they replace -------------------------------

def _plain_strip(text: str) -> str:
    """Boilerplate stripping as first written: every trigger searched for in the casefolded
    text, then the Unicode punctuation replaced."""
    ascii_only = text.isascii()
    if not ascii_only:
        text = unicodedata.normalize("NFKC", text)
    prefix = T._PREFIX.match(text)
    if prefix:
        text = text[prefix.end():]
    low = text.lower() if ascii_only else text.casefold()
    for triggers, pattern in T._BOILERPLATE:
        if any(t in low for t in triggers):
            text = pattern.sub(" ", text)
    if not ascii_only:
        for ch in T._UNICODE_PUNCT:
            text = text.replace(ch, " ")
    return text


def _plain_facts(encoded: bytes, raw: bytes) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    counts = Counter([w for w in raw.split() if w[0] < 0x5B])
    if not counts:
        return (), ()
    first = T._FIRST.match(encoded)
    if first:
        counts[first.group(1)] -= 1
    for w in T._INITIAL.findall(encoded):
        counts[w] -= 1
    found = {w.lower() for w, c in counts.items() if c > 0 or w[0] <= 0x39} - T._NOT_FACTS
    return (tuple(sorted(w for w in found if w[0] > 0x39)),
            tuple(sorted(w for w in found if w[0] <= 0x39)))


# Triggers in several cases, glued to Unicode punctuation (which the fast path replaces
# before searching), characters that casefold or NFKC change, and ordinary text.
_PIECES = [
    *sorted({t for triggers, _ in T._BOILERPLATE for t in triggers}),
    "RIGHTS RESERVED", "Rights Reserved", "COPYRIGHT", "Reporting By", "(UPDATES", "[Adds",
    "(Reuters) - ", "(AP) — ", "(AFP) – ", "MOSCOW, Nov 25 (Reuters) -", "UPDATE 2-", "BREAKING: ",
    "Copyright 2024 Reuters. All rights reserved.", "(Reporting by Jane Doe; Editing by Al)",
    "Our Standards: The Thomson Reuters Trust Principles.", "Follow us on X", "Read more:",
    "rights’reserved", "rights\u2014reserved", "click“here", "read…more", "reporting’by", ")’-",
    "(Reuters)\t- ", "\n(Reporting\tby Jane Doe)\n",  # the patterns allow a tab, the triggers not
    "(addß", "ß", "ẞ", "ﬁ", "İstanbul", "ǰ", "Ａ", "“", "”", "’", "—", "–", "…", "«", "•", "·",
    "(", ")", "[", "]", ":", ". ", "\n", "\n\n", " ", "  ", "\t", "-", ",", "'", '"', "by", " by",
    "The", "Mayor Sergei Sobyanin", "Kursk", "KURSK", "40", "3M", "U.S.", "drones", "said", "the",
    "Moscow Oblast", "Zürich", "and", "Officials", "in", "287", "2,500", "_x", "ÉTATS-UNIS",
]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) + rng.choice(["", " ", " ", "\n"])
                    for _ in range(rng.randint(1, 40))) for _ in range(n)]


def test_trigger_search_finds_what_searching_every_trigger_finds() -> None:
    everything = {t for triggers, _ in T._BOILERPLATE for t in triggers}
    hits = 0
    for text in _texts(3000, 1):
        for low in (text.lower(), text.casefold()):
            plain = {t for t in everything if t in low}
            assert T._triggers(low) == plain, low
            hits += bool(plain)
    assert hits > 3000


def test_boilerplate_stripping_matches_the_plain_version() -> None:
    stripped = 0
    for text in [*_texts(5000, 2), f"{LEDE}\nCopyright 2024 Thomson Reuters. All rights reserved."]:
        expected = _plain_strip(text)
        assert strip_boilerplate(text) == expected, text
        stripped += len(expected.split()) < len(_plain_strip_nothing(text).split())
    assert stripped > 500  # the patterns did remove text, often


def _plain_strip_nothing(text: str) -> str:
    saved = T._BOILERPLATE
    T._BOILERPLATE = []
    try:
        return _plain_strip(text)
    finally:
        T._BOILERPLATE = saved


def test_facts_match_the_plain_version() -> None:
    named = 0
    for text in _texts(3000, 3):
        encoded, raw, _ = T._words(strip_boilerplate(text))
        assert T._facts(encoded, raw) == _plain_facts(encoded, raw), text
        named += bool(T._facts(encoded, raw)[0])
    assert named > 1000


def test_shingles_match_the_plain_conversion() -> None:
    rng = random.Random(4)
    for n in list(range(8)) + [rng.randint(8, 400) for _ in range(200)]:
        tokens = [rng.choice([0, 1, 0xFFFFFFFF, rng.getrandbits(32)]) for _ in range(n)]
        h = np.array(tokens, dtype=np.uint64)
        if n >= T.SHINGLE:
            mixed = h[:-2] * T._M1 + h[1:-1] * T._M2 + h[2:] * T._M3
        else:
            mixed = np.array([int(np.sum(h * T._M1, dtype=np.uint64))], dtype=np.uint64)
        plain = np.unique((mixed >> T._SHIFT).astype(np.uint32)) if n else np.zeros(0, np.uint32)
        assert T._shingles(tokens).tolist() == plain.tolist()


def test_a_long_items_headline_alert_is_what_computing_it_up_front_gave() -> None:
    alerts = 0
    for text in _texts(2000, 5):
        f = T.extract(text)
        if f.short:
            continue
        clean = strip_boilerplate(text)
        _, head_raw, head = T._words(T._HEAD.match(clean).group(1))  # type: ignore[union-attr]
        if T.MIN_ALERT_TOKENS <= len(head) < SHORT_TOKENS:
            assert f.alert is not None and f.alert.tolist() == sorted(set(head))
            assert f.alert_facts == T._alert_facts(head_raw)
            alerts += 1
        else:
            assert f.alert is None and f.alert_facts == frozenset()
        f.drop_alert()
        assert f.alert is None and f.alert_facts == frozenset()
    assert alerts > 100
