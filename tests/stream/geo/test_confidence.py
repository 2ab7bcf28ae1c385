"""The shipped confidence model: the features it was trained on, and what it says about evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wiremap.errors import GeoError
from wiremap.stream.geo import Geoparser
from wiremap.stream.geo._confidence import FEATURES, MODEL_PATH, ConfidenceModel


def test_shipped_model_matches_the_feature_set() -> None:
    model = ConfidenceModel.load()
    assert model.names == FEATURES
    assert 0.0 < model.threshold < 1.0
    raw = json.loads(MODEL_PATH.read_text())
    assert set(raw["cross_validated"]) == {"lgl", "geovirus"}


@pytest.mark.parametrize("mutate", [
    lambda m: m.update(features=m["features"][:-1]),
    lambda m: m.pop("coef"),
])
def test_a_stale_or_broken_model_is_refused(tmp_path: Path, mutate: object) -> None:
    raw = json.loads(MODEL_PATH.read_text())
    mutate(raw)  # type: ignore[operator]
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps(raw))
    with pytest.raises(GeoError, match="train_geo_confidence"):
        ConfidenceModel.load(bad)


def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GeoError, match="train_geo_confidence"):
        ConfidenceModel.load(tmp_path / "nope.json")


def conf(gp: Geoparser, text: str, surface: str) -> float:
    return next(p.confidence for p in gp.parse(text, min_confidence=0.0) if p.text == surface)


def test_evidence_moves_confidence_the_right_way(geoparser: Geoparser) -> None:
    # An unambiguous, coherent name beats the same kind of name with no support.
    coherent = conf(geoparser, "Shelling hit Kharkiv and Sumy in northern Ukraine.", "Sumy")
    alone = conf(geoparser, "Sumy.", "Sumy")
    assert coherent > alone
    # A bare surname-like county name is worth less than a named city in a locative phrase.
    person = conf(geoparser, "Clark said the budget was too small.", "Clark") \
        if any(p.text == "Clark" for p in geoparser.parse("Clark said the budget was too small.",
                                                          min_confidence=0.0)) else 0.0
    city = conf(geoparser, "The council met in Atlanta on Monday.", "Atlanta")
    assert city > person
