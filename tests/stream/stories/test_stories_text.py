"""Text features: boilerplate republications add is stripped; facts are names and figures."""

from __future__ import annotations

import pytest

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
