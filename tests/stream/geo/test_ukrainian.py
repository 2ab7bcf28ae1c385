"""Ukrainian copy: inflected names read in their dictionary forms, with a dictionary that does
not tag places."""

from __future__ import annotations

import pytest

from wiremap.stream.geo import Geoparser
from wiremap.stream.geo._cyrillic import language_of


def _places(geoparser: Geoparser, text: str) -> dict[str, str]:
    return {p.text: p.place_id for p in geoparser.parse(text)}


def test_ukrainian_is_told_from_russian() -> None:
    uk = language_of("Сили ППО збили дрони над Харківською областю.")
    ru = language_of("Силы ПВО сбили дроны над Харьковской областью.")
    assert (uk and uk.code, ru and ru.code) == ("uk", "ru")


@pytest.mark.parametrize(("text", "span", "place_id"), [
    ("Сили ППО збили дрони над Харківською областю.", "Харківською областю", "a1:UA.07"),
    ("Вибухи пролунали в Броварах Київської області.", "Київської області", "a1:UA.13"),
    # the dictionary's first reading of "Києві" is the name Кий, of "Львові" the surname Львов
    ("Нарада відбулася в Києві.", "Києві", "gn:703448"),
    ("У Львові оголошено тривогу.", "Львові", "gn:702550"),
    # the official romanisation the gazetteer's English names follow
    ("Вибухи пролунали в Гостомелі.", "Гостомелі", "gn:708251"),
    # "-щина": the region named after its city
    ("Ситуація на Харківщині складна.", "Харківщині", "a1:UA.07"),
    ("Бої тривають на Донеччині.", "Донеччині", "a1:UA.05"),
])
def test_an_inflected_name_is_read(geoparser: Geoparser, text: str, span: str, place_id: str) -> None:
    assert _places(geoparser, text).get(span) == place_id


def test_airports_countries_and_no_people(geoparser: Geoparser) -> None:
    found = _places(geoparser, "Аеропорт Бориспіль не працює. Президент Володимир Зеленський "
                               "і Шевченко заявили, що США та Франція засудили удар по Україні.")
    assert found == {"Аеропорт Бориспіль": "iata:KBP", "США": "cc:US", "Франція": "cc:FR",
                     "Україні": "cc:UA"}


def test_a_common_word_opening_a_sentence_is_no_place(geoparser: Geoparser) -> None:
    # "Сили" (forces) is also a region of Chad
    assert "Сили" not in _places(geoparser, "Сили ППО збили 12 дронів над Харківською областю.")
