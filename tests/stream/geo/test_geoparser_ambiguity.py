"""Ambiguous names resolve by what else the text says, not by a fixed favourite."""

from __future__ import annotations

import pytest

from wiremap.contracts import Placement, Precision
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
    from datetime import UTC, datetime

    from wiremap.contracts import WireItem

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
