"""Where a place name's span ends, and the evidence that a place-like word names a person."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wiremap.contracts import Placement, Precision
from wiremap.errors import GeoError
from wiremap.stream.geo import Geoparser, _person
from wiremap.stream.geo._lexicon import PERSON_AFTER
from wiremap.stream.geo._paths import data_path
from wiremap.stream.geo._person import is_person_name, name_priors, person_keys
from wiremap.stream.geo._text import tokenize

ROOT = Path(__file__).resolve().parents[3]


def placed(gp: Geoparser, text: str) -> dict[str, Placement]:
    return {p.text: p for p in gp.parse(text, min_confidence=0.0)}


@pytest.mark.parametrize(("text", "surface", "place_id"), [
    # lower-case type words type the name but are no part of it
    ("Storms flooded roads across the Knoxville area on Sunday.", "Knoxville", None),
    ("Wildfires spread across Washington state overnight.", "Washington", "a1:US.WA"),
    # a type word that starts a longer name ("State Police", "City Hall") is that name's
    ("The Kentucky State Police are investigating the crash.", "Kentucky", "a1:US.KY"),
    ("He was arrested at Greer City Hall on Friday.", "Greer", None),
    # a sentence-final period is no part of a two-letter name; initials keep theirs
    ("The drug is not yet approved in the UK. Trials continue.", "UK", "cc:GB"),
    ("The U.S. Army said it had no comment.", "U.S.", "cc:US"),
])
def test_span_ends_where_the_name_ends(geoparser: Geoparser, text: str, surface: str,
                                       place_id: str | None) -> None:
    got = placed(geoparser, text)
    assert surface in got, f"{surface!r} not placed in {text!r}; got {sorted(got)}"
    p = got[surface]
    assert text[p.start : p.end] == surface
    if place_id is not None:
        assert p.place_id == place_id


def test_desk_region_spans_keep_their_word(geoparser: Geoparser) -> None:
    got = placed(geoparser, "Drones were shot down over the Kursk region overnight.")
    assert got["Kursk region"].precision == Precision.ADMIN1


@pytest.mark.parametrize(("text", "name"), [
    ("Police went to his home on Memphis Street in Alexandria.", "Memphis"),
    ("Traffic on Illinois Route 159 was diverted.", "Illinois"),
    ("The road north of Alexandria near Lake Vermont is closed.", "Vermont"),
    ("They won 1-0 at Cairo Stadium on Friday.", "Cairo"),
])
def test_streets_lakes_and_venues_named_after_places_are_not_the_place(
        geoparser: Geoparser, text: str, name: str) -> None:
    assert name not in placed(geoparser, text)


def test_census_name_priors() -> None:
    surname, given = name_priors("sullivan")
    assert surname > 0.3 and given == 0.0
    assert name_priors("travis")[1] > 0.0
    assert name_priors("kursk") == (0.0, 0.0)
    assert is_person_name("clark") and not is_person_name("belgorod")


def test_person_keys_reads_the_whole_document() -> None:
    text = ("Sgt. Mike Sullivan arrived in Lincoln on Monday. Officers said Sullivan had "
            "left Clark County. \u201cWe are done,\u201d Clark said. Mr. Travis was not there.")
    doc = tokenize(text, keep=PERSON_AFTER)  # the recogniser keeps the speech verbs too
    keys = {"sullivan", "lincoln", "clark", "travis"}
    assert person_keys(doc, keys) == {"sullivan", "clark", "travis"}
    assert person_keys(doc, set()) == frozenset()


def test_a_name_used_for_a_person_elsewhere_is_less_likely_a_place(geoparser: Geoparser) -> None:
    place_only = "Sullivan voters approved the school levy on Tuesday."
    person_too = ("Sheriff Tom Sullivan spoke on Monday. Sullivan voters approved the school "
                  "levy on Tuesday.")

    def named(text: str) -> float:
        found = [a.toponym for a in geoparser.analyse(text) if a.resolved.mention.text == "Sullivan"]
        return found[-1] if found else 0.0

    assert named(person_too) < named(place_only)


def test_committed_name_tables_match_their_build_script(tmp_path: Path) -> None:
    out = tmp_path / "person_names.json"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_geo_names.py"), "--out", str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == data_path("person_names.json").read_bytes()


def test_broken_name_tables_are_a_clear_error(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "person_names.json"
    bad.write_text('{"surname": []}')
    monkeypatch.setattr(_person, "data_path", lambda _name: bad)
    _person._tables.cache_clear()
    try:
        with pytest.raises(GeoError, match="build_geo_names"):
            _person._tables()
    finally:
        _person._tables.cache_clear()
        monkeypatch.undo()
        _person._tables()


@pytest.mark.parametrize(("text", "wrong", "kept"), [
    ("Ukrainian drones hit a tanker in the Sea of Azov near Berdyansk.", "Azov", "Berdyansk"),
    ("A hurricane formed in the Gulf of Mexico and headed for Louisiana.", "Mexico", "Louisiana"),
    ("North Korea fired a missile into the Sea of Japan.", "Japan", "North Korea"),
    ("Chinese vessels patrolled the South China Sea near the Philippines.", "China", "Philippines"),
])
def test_a_water_body_named_after_a_place_is_not_that_place(
        geoparser: Geoparser, text: str, wrong: str, kept: str) -> None:
    texts = {p.text for p in geoparser.parse(text)}
    assert wrong not in texts and kept in texts
    assert not {"Gulf", "Sea"} & texts


def test_a_place_whose_name_holds_a_water_word_stays_a_place(geoparser: Geoparser) -> None:
    found = {p.text: p.place_id for p in geoparser.parse(
        "Whales were seen in the Bay of Plenty off Tauranga.")}
    assert found["Bay of Plenty"].startswith("a1:NZ.")
    found = {p.text: p.place_id for p in geoparser.parse("Fans in Green Bay, Wisconsin celebrated.")}
    assert found["Green Bay"] == "gn:5254962"
