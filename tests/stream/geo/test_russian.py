"""Russian-language copy: inflected names read in their dictionary forms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wiremap.stream.geo import Geoparser
from wiremap.stream.geo._cyrillic import language_of
from wiremap.stream.geo._paths import data_path

ROOT = Path(__file__).resolve().parents[3]


def _places(geoparser: Geoparser, text: str) -> dict[str, str]:
    return {p.text: p.place_id for p in geoparser.parse(text)}


def test_which_texts_are_read_as_russian() -> None:
    ru = language_of("Силы ПВО уничтожили три беспилотника над Московской областью.")
    assert ru is not None and ru.code == "ru"
    assert language_of("Air defence shot down drones over Moscow Oblast (Московская область).") is None
    assert language_of("Plain English text.") is None


@pytest.mark.parametrize(("text", "span", "place_id"), [
    # an adjectival region name in the instrumental, with its type noun
    ("Силы ПВО уничтожили три беспилотника над Московской областью.", "Московской областью", "a1:RU.47"),
    ("В Краснодарском крае объявлена тревога.", "Краснодарском крае", "a1:RU.38"),
    # the region, though the gazetteer also files its name under the big city
    ("В Воронежской области обломки повредили дом.", "Воронежской области", "a1:RU.86"),
    # nouns in the locative and genitive
    ("Беспилотник сбит в Москве, сообщил мэр.", "Москве", "gn:524901"),
    ("Взрывы прогремели в Шостке и в Курске.", "Курске", "gn:538560"),
    ("Тревога объявлена в Ростове-на-Дону.", "Ростове-на-Дону", "gn:501175"),
    # a colloquial region name
    ("Над Подмосковьем сбиты три беспилотника.", "Подмосковьем", "a1:RU.47"),
    # an adjective-form town name in the locative, and the English press's spelling
    ("Обломки упали в Раменском и Жуковском.", "Жуковском", "gn:462755"),
])
def test_an_inflected_name_is_read(geoparser: Geoparser, text: str, span: str, place_id: str) -> None:
    assert _places(geoparser, text).get(span) == place_id


def test_a_list_of_regions_shares_its_plural_type_noun(geoparser: Geoparser) -> None:
    found = _places(geoparser, "Беспилотники атаковали Курскую, Белгородскую и Ростовскую области.")
    assert found == {"Курскую": "a1:RU.41", "Белгородскую": "a1:RU.09",
                     "Ростовскую области": "a1:RU.61"}


def test_airports_named_after_the_word_airport(geoparser: Geoparser) -> None:
    found = _places(geoparser, "В аэропорту Внуково вводились ограничения. Самолеты задерживаются "
                               "в аэропортах Домодедово и Шереметьево.")
    assert found == {"аэропорту Внуково": "iata:VKO", "аэропортах Домодедово": "iata:DME",
                     "Шереметьево": "iata:SVO"}


def test_people_and_capitalised_common_words_are_no_places(geoparser: Geoparser) -> None:
    found = _places(geoparser, "Мэр Москвы Сергей Собянин сообщил, что Силы ПВО отразили атаку. "
                               "Пострадавших нет.")
    assert found == {"Москвы": "gn:524901"}


def test_countries_by_their_russian_names(geoparser: Geoparser) -> None:
    found = _places(geoparser, "США и Франция осудили удар по Украине, заявили в России.")
    assert found == {"США": "cc:US", "Франция": "cc:FR", "Украине": "cc:UA", "России": "cc:RU"}


def test_the_country_tables_are_what_their_build_script_writes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_geo_cyrillic.py"),
                    "--out-dir", str(tmp_path)], check=True, capture_output=True)
    for name in ("ru_names.json", "uk_names.json"):
        assert (tmp_path / name).read_bytes() == data_path(name).read_bytes()


def test_english_text_is_not_read_as_russian(geoparser: Geoparser) -> None:
    # an English report quoting a Russian name keeps the English reading of its words
    found = _places(geoparser, "Drones hit Kursk on Monday, the governor (губернатор) said.")
    assert found == {"Kursk": "gn:538560"}
