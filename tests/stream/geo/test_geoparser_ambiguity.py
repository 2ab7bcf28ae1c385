"""Ambiguous names resolve by what else the text says, not by a fixed favourite."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wiremap.contracts import Placement, Precision, WireItem
from wiremap.stream.geo import Geoparser


def place(gp: Geoparser, text: str, surface: str) -> Placement:
    found = [p for p in gp.parse(text, min_confidence=0.0) if p.text == surface]
    assert found, f"{surface!r} not placed in {text!r}"
    return found[0]


def test_paris_france_by_default_and_texas_with_texas(geoparser: Geoparser) -> None:
    fr = place(geoparser, "Talks resumed in Paris on Monday between the two delegations.", "Paris")
    assert (fr.country, fr.precision) == ("FR", Precision.CITY)
    tx = place(geoparser, "The storm flooded roads in Paris, Texas, and nearby Lamar County.",
               "Paris")
    assert (tx.country, tx.admin1) == ("US", "US.TX")
    tx2 = place(geoparser, "Police in Paris said the Lamar County sheriff and Texas troopers "
                           "closed the highway to Dallas.", "Paris")
    assert tx2.admin1 == "US.TX"


def test_georgia_country_or_us_state(geoparser: Geoparser) -> None:
    ge = place(geoparser, "Russian troops crossed into Georgia near Tbilisi and South Ossetia.",
               "Georgia")
    assert (ge.place_id, ge.precision) == ("cc:GE", Precision.COUNTRY)
    us = place(geoparser, "Officials in Atlanta said Georgia and Alabama will share the water "
                          "from Lake Lanier.", "Georgia")
    assert (us.place_id, us.precision) == ("a1:US.GA", Precision.ADMIN1)


def test_moscow_russia_or_idaho(geoparser: Geoparser) -> None:
    ru = place(geoparser, "Drones were shot down over Moscow, Russia's defence ministry said.",
               "Moscow")
    assert ru.place_id == "gn:524901"
    idaho = place(geoparser, "The University of Idaho in Moscow, Idaho, closed after snow; Boise "
                             "and Lewiston were spared.", "Moscow")
    assert (idaho.country, idaho.admin1) == ("US", "US.ID")


def test_rostov_oblast_beside_kursk_and_belgorod(geoparser: Geoparser) -> None:
    p = place(geoparser, "Drones were destroyed over the regions of Kursk, Belgorod and Rostov.",
              "Rostov")
    assert p.place_id == "a1:RU.61"
    city = place(geoparser, "A fire broke out at a depot in Rostov after the attack.", "Rostov")
    assert city.place_id != "gn:501183"  # not Rostov Veliky in Yaroslavl Oblast


def test_kursk_city_versus_kursk_oblast(geoparser: Geoparser) -> None:
    city = place(geoparser, "A drone hit an apartment block in Kursk overnight.", "Kursk")
    assert (city.place_id, city.precision) == ("gn:538560", Precision.CITY)
    oblast = place(geoparser, "Shelling was reported across the Kursk region on Friday.",
                   "Kursk region")
    assert (oblast.place_id, oblast.precision) == ("a1:RU.41", Precision.ADMIN1)
    assert oblast.radius_km > city.radius_km


def test_a_bare_name_shared_by_a_region_and_a_city_inside_it_is_the_city(geoparser: Geoparser) -> None:
    # GeoNames gives Kherson 66,000 people, below the big-city rule; it is still the city
    city = place(geoparser, "Russian forces shelled Kherson overnight, the governor said.", "Kherson")
    assert (city.place_id, city.precision) == ("gn:706448", Precision.CITY)
    oblast = place(geoparser, "Russian forces shelled the Kherson region overnight.", "Kherson region")
    assert oblast.place_id == "a1:UA.08"


def test_washington_city_or_state(geoparser: Geoparser) -> None:
    dc = place(geoparser, "Lawmakers in Washington voted on the bill, the White House said.",
               "Washington")
    assert (dc.country, dc.precision) == ("US", Precision.CITY)
    # A lower-case "state" types the name but is no part of it (as annotators mark it).
    state = place(geoparser, "Wildfires spread across Washington state, from Spokane to Yakima.",
                  "Washington")
    assert (state.place_id, state.precision) == ("a1:US.WA", Precision.ADMIN1)


def test_alexandria_louisiana_beside_rapides_parish(geoparser: Geoparser) -> None:
    text = ("Alexandria woman charged in connection with fire. The woman, of Alexandria, was "
            "arrested. The Sheriff's Office and Rapides Parish Fire District 2 investigated.")
    p = place(geoparser, text, "Alexandria")
    assert p.admin1 == "US.LA"


@pytest.mark.parametrize("text", [
    "Captain Dandykin said the drones came at night.",
    "Mayor Sergei Sobyanin said air defences worked.",
    "According to the Russian Ministry of Defense, 40 drones were downed.",
    "However, the Court and the Council met on Tuesday.",
])
def test_people_organisations_and_common_words_are_not_places(geoparser: Geoparser,
                                                               text: str) -> None:
    assert geoparser.parse(text, min_confidence=0.0) == []


def test_locate_reads_headline_and_body_with_offsets_into_item_text(geoparser: Geoparser) -> None:
    item = WireItem(source="tass.ru", headline="Drones downed over Belgorod region",
                    body="Flights were halted at Vnukovo airport.",
                    published_at=datetime(2026, 11, 25, tzinfo=UTC))
    got = geoparser.locate(item)
    assert {p.place_id for p in got} >= {"a1:RU.09", "iata:VKO"}
    for p in got:
        assert item.text[p.start : p.end] == p.text


def test_bad_input_is_a_clear_error(geoparser: Geoparser) -> None:
    from wiremap.errors import GeoError

    with pytest.raises(GeoError, match="must be str"):
        geoparser.parse(b"Moscow")  # type: ignore[arg-type]
    assert geoparser.parse("") == []
    assert geoparser.parse("\x00\x01 ~~~ 12345") == []


def test_bare_airport_names_need_a_flying_context(geoparser: Geoparser) -> None:
    flying = place(geoparser, "Sheremetyevo and Vnukovo halted flights after the drone attack.",
                   "Vnukovo")
    assert (flying.place_id, flying.precision) == ("iata:VKO", Precision.AIRPORT)
    town = place(geoparser, "A school in Vnukovo was evacuated, residents said.", "Vnukovo")
    assert town.precision == Precision.CITY


def test_the_capital_without_a_country_in_sight_is_not_placed(geoparser: Geoparser) -> None:
    assert not [p for p in geoparser.parse("Protesters marched on the capital on Sunday.",
                                           min_confidence=0.0) if "capital" in p.text]


@pytest.mark.parametrize(("text", "surface", "place_id"), [
    ("Explosions boomed over the Ukrainian capital early on Saturday.", "the Ukrainian capital",
     "gn:703448"),
    ("Trains stopped in the Japanese capital during the evening rush.", "the Japanese capital",
     "gn:1850147"),
    ("Japan's capital was hit by a typhoon on Monday.", "capital", "gn:1850147"),
])
def test_a_capital_named_by_its_country_is_that_country_s_capital(
        geoparser: Geoparser, text: str, surface: str, place_id: str) -> None:
    found = geoparser.parse(text)
    assert [p.place_id for p in found if p.text == surface] == [place_id]
    # The adjective is part of the phrase, not a country placement of its own.
    assert not [p for p in found if p.text in ("Ukrainian", "Japanese")]


def test_a_named_capital_tells_the_capital_after_it_which_country(geoparser: Geoparser) -> None:
    text = "Russian troops shelled the Ukrainian capital; the capital has been under alert since."
    assert [p.place_id for p in geoparser.parse(text) if "capital" in p.text] == ["gn:703448"] * 2
    assert not geoparser.parse("The Soviet capital was rebuilt after the war.")


def test_a_town_and_its_region_after_a_comma_is_a_container_not_a_list(geoparser: Geoparser) -> None:
    # Rostov the town (Rostov Veliky, Yaroslavl region), not Rostov Oblast by list contagion...
    town = place(geoparser, "Fire damages museum roof in Rostov, Yaroslavl region", "Rostov")
    assert (town.admin1, town.precision) == ("RU.88", Precision.CITY)
    # ... while a list ending in a plural type word still shares it.
    listed = {p.text: p for p in geoparser.parse("Shelling hit the Kursk, Belgorod and Rostov regions.")}
    assert {listed[n].place_id for n in ("Kursk", "Belgorod", "Rostov")} == {
        "a1:RU.41", "a1:RU.09", "a1:RU.61"}


@pytest.mark.parametrize(("url", "source", "country"), [
    ("https://news.example.org/ukrinform/odessa", "ukrinform", "UA"),  # generic domain: the outlet
    ("https://www.ukrinform.ua/odessa", "aggregator", "UA"),  # a national domain
    (None, "Kyiv Independent", "UA"),
    ("https://apnews.com/article/odessa", "AP", "US"),
])
def test_a_national_outlet_or_domain_hints_an_ambiguous_name(
        geoparser: Geoparser, url: str | None, source: str, country: str) -> None:
    item = WireItem(source=source, url=url, headline="Power outages in Odessa after a strike",
                    body="Parts of Odessa were left without power on Sunday, the grid operator said.",
                    published_at=datetime(2026, 11, 22, tzinfo=UTC))
    got = {p.country for p in geoparser.locate(item) if p.text == "Odessa"}
    assert got == {country}
