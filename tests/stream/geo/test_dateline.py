"""Datelines: found where wire copy puts them, read as a city, kept apart from event sites."""

from __future__ import annotations

import pytest

from wiremap.contracts import Role
from wiremap.stream.geo import Geoparser
from wiremap.stream.geo._dateline import dateline_span
from wiremap.stream.locate import region_events_of


@pytest.mark.parametrize(("text", "name"), [
    ("KYIV, Ukraine (AP) — Russia launched drones overnight.", "KYIV"),
    ("MOSCOW, Nov 23 (Reuters) - Air defence units shot down drones.", "MOSCOW"),
    ("LOS ANGELES — Firefighters gained ground.", "LOS ANGELES"),
    ("ST. LOUIS (AP) -- Flooding closed roads.", "ST. LOUIS"),
    ("Headline of the item\nPARIS, Texas (AP) - A tornado hit.", "PARIS"),
    ("Council to vote on budget. MANSFIELD — The City Council approved it.", "MANSFIELD"),
    ("Washington (CNN) — Lawmakers returned on Monday.", "Washington"),
    ("Kyiv, Ukraine (AP) — Russia launched drones overnight.", "Kyiv"),
    ("МОСКВА, 23 ноября. /ТАСС/. Силы ПВО сбили беспилотник.", "МОСКВА"),
    ("Заголовок\nРОСТОВ-НА-ДОНУ, 23 ноя — РИА Новости. Объявлена тревога.", "РОСТОВ-НА-ДОНУ"),
])
def test_a_dateline_is_found_where_wire_copy_puts_it(text: str, name: str) -> None:
    span = dateline_span(text)
    assert span is not None
    assert text[span[0]:span[1]] == name
    assert text[span[2] - 2:span[2]] in ("— ", "- ", "/.", "и.")


@pytest.mark.parametrize("text", [
    "Kyiv — a title-case name with no agency is no dateline.",
    "The talks (held in Geneva) - and their aftermath - dragged on.",
    "US - China talks stalled.",  # two letters: an abbreviation, not a filing place
    "The mayor said the PARIS — LYON line was closed.",  # not at the start of a line
    "BREAKING: markets fell.",
    "NATO officials met in Brussels on Monday to discuss the summit and its agenda for "
    "the coming year, which includes the budget. " * 5 + "MADRID - late in the text.",
])
def test_no_dateline_is_read_elsewhere(text: str) -> None:
    assert dateline_span(text) is None


def test_a_dateline_is_a_city_even_where_the_word_is_doubted(geoparser: Geoparser) -> None:
    text = ("HURRICANE, W.Va. (AP) - A water main broke downtown on Monday. Forecasters "
            "said the hurricane season was over.")
    found = geoparser.parse(text)
    hurricane = [p for p in found if p.text == "HURRICANE"]
    assert [(p.place_id, p.country, p.admin1, p.role) for p in hurricane] == [
        ("gn:4809558", "US", "US.WV", Role.DATELINE)]
    # the state in the dateline is where the copy was filed too; the lower-case word is no place
    assert {p.role for p in found if p.text == "W.Va."} == {Role.DATELINE}
    assert not [p for p in found if p.text == "hurricane"]
    assert "dateline" in hurricane[0].reason


def test_the_dateline_is_not_the_event_site(geoparser: Geoparser) -> None:
    text = ("Drones downed near Kursk\nMOSCOW, Nov 23 (Reuters) - Air defence shot down drones "
            "over the Kursk region overnight, the governor said.")
    found = geoparser.parse(text)
    moscow = [p for p in found if p.text == "MOSCOW"]
    assert [(p.place_id, p.role) for p in moscow] == [("gn:524901", Role.DATELINE)]
    kursk = [p for p in found if p.text == "Kursk region"]
    assert [p.role for p in kursk] == [Role.EVENT]
    # region counts take the event's region, not the filing city's
    regions = region_events_of(found, 0.5)
    assert "RU.41" in regions
    assert "RU.48" not in regions


def test_a_report_that_places_nothing_else_counts_where_it_was_filed(geoparser: Geoparser) -> None:
    found = geoparser.parse("HOUSTON, Nov 22 (Reuters) - A failure at a substation cut power to "
                            "about 90,000 homes on Sunday, the utility said.")
    assert [(p.text, p.role) for p in found] == [("HOUSTON", Role.DATELINE)]
    assert list(region_events_of(found, 0.0)) == ["US.TX"]


def test_a_transliterated_dateline_is_read(geoparser: Geoparser) -> None:
    # a capitalised alternate name on its own is doubted in running text; datelined, it is the city
    found = geoparser.parse("KHARKOV - Russia struck the city with two missiles early on Friday.")
    assert [(p.place_id, p.role) for p in found if p.text == "KHARKOV"] == [
        ("gn:706483", Role.DATELINE)]


def test_a_russian_agency_dateline_is_where_the_copy_was_filed(geoparser: Geoparser) -> None:
    found = geoparser.parse("МОСКВА, 23 ноября. /ТАСС/. Силы ПВО уничтожили беспилотник над "
                            "Курской областью, сообщили в Минобороны.")
    assert [(p.text, p.place_id, p.role) for p in found] == [
        ("МОСКВА", "gn:524901", Role.DATELINE), ("Курской областью", "a1:RU.41", Role.EVENT)]
    assert list(region_events_of(found, 0.0)) == ["RU.41"]
