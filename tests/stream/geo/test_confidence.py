"""The confidence model: the shipped file, its tree evaluator, and what it says about evidence."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from wiremap.errors import GeoError
from wiremap.stream.geo import Geoparser
from wiremap.stream.geo._calibrate import trees_of
from wiremap.stream.geo._confidence import FEATURES
from wiremap.stream.geo._model import MODEL_PATH, ConfidenceModel, Trees


def test_shipped_model_matches_the_feature_set() -> None:
    model = ConfidenceModel.load()
    assert model.names == FEATURES
    assert 0.0 < model.threshold < 1.0
    assert model.point.features and model.area.features and model.toponym.features
    raw = json.loads(MODEL_PATH.read_text())
    assert set(raw["cross_validated"]) == {"lgl", "geovirus"}


@pytest.mark.parametrize("mutate", [
    lambda m: m.update(features=m["features"][:-1]),
    lambda m: m.pop("heads"),
    lambda m: m["heads"]["point"]["leaves"][0].pop(),
    lambda m: m["heads"].pop("area"),
    lambda m: m["heads"]["toponym"]["features"][0].__setitem__(0, 999),
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


def test_trees_evaluate_as_catboost_predicts() -> None:
    catboost = pytest.importorskip("catboost")  # the geobuild extra, installed with dev
    rng = np.random.RandomState(7)
    X = rng.normal(size=(600, 6))
    X[:, 2] = rng.randint(0, 2, size=600)  # a 0/1 feature, like most of ours
    y = ((X[:, 0] * X[:, 2] + np.sin(X[:, 1]) - 0.5 * X[:, 3]) + rng.normal(0, 0.3, 600) > 0)
    names = tuple(f"f{i}" for i in range(6))
    fitted = []
    for depth in (4, 2, 3):
        clf = catboost.CatBoostClassifier(iterations=40, depth=depth, learning_rate=0.2,
                                          random_seed=0, thread_count=1, verbose=0,
                                          allow_writing_files=False)
        fitted.append(clf.fit(X, y.astype(int)))
    model = ConfidenceModel(names, *(trees_of(f) for f in fitted), 0.5)
    # Shallower trees share the deepest head's arrays, padded with tests that never fire.
    assert (model.point.depth, model.area.depth, model.toponym.depth) == (4, 2, 3)
    probe = np.vstack([X[:200], rng.normal(scale=3.0, size=(200, 6))])
    scores = model.predict(probe.tolist())
    for got, clf in zip(scores, fitted, strict=True):
        assert np.allclose(got, clf.predict_proba(probe)[:, 1], atol=1e-6)


def test_a_hand_built_ensemble_is_read_bit_by_bit() -> None:
    # Tree 1 tests f0 > 0 (bit 0) then f1 > 1 (bit 1); tree 2 tests f1 > 0 only.
    head = Trees(((0, 1), (1,)), ((0.0, 1.0), (0.0,)), ((0.0, 1.0, 2.0, 3.0), (0.0, 10.0)),
                 bias=-1.0, scale=0.5)
    empty = Trees((), (), ())
    model = ConfidenceModel(("f0", "f1"), empty, head, empty, 0.3)
    scores = model.predict([[1.0, 2.0], [1.0, 0.5], [-1.0, -1.0]])
    logits = [-1.0 + 0.5 * (3.0 + 10.0), -1.0 + 0.5 * (1.0 + 10.0), -1.0]
    assert scores.area == pytest.approx([1 / (1 + math.exp(-z)) for z in logits])
    assert scores.point == scores.toponym == [0.5, 0.5, 0.5]  # an empty head is its bias: 0
    with pytest.raises(GeoError, match="2 features"):
        model.predict([[1.0, 2.0, 3.0]])


def _placements(gp: Geoparser, text: str, surface: str) -> list[tuple[float, float]]:
    return [(a.confidence, a.toponym) for a in gp.analyse(text) if a.resolved.mention.text == surface]



def test_evidence_moves_confidence_the_right_way(geoparser: Geoparser) -> None:
    # An unambiguous, coherent name beats the same kind of name with no support.
    (coherent, _), = _placements(geoparser, "Shelling hit Kharkiv and Sumy in northern Ukraine.", "Sumy")
    (alone, _), = _placements(geoparser, "Sumy.", "Sumy")
    assert coherent > alone
    # A surname-like county name before a speech verb is less likely a place name, and less
    # likely placed right, than a city in a locative phrase.
    person = _placements(geoparser, "Clark said the budget was too small.", "Clark")
    (city, city_named), = _placements(geoparser, "The council met in Atlanta on Monday.", "Atlanta")
    assert all(c < city and t < city_named for c, t in person)
    assert city_named >= geoparser.min_toponym


def test_a_country_named_is_confidently_that_country_whatever_its_point(geoparser: Geoparser) -> None:
    # Gazetteers put Russia's and Canada's points hundreds of km apart, so the point rule
    # rarely counts them right; the desk's confidence is whether it is the right country.
    found = {p.text: p for p in geoparser.parse("Russia and Canada traded accusations over the Arctic.")}
    for name, cc in (("Russia", "cc:RU"), ("Canada", "cc:CA")):
        p = found[name]
        assert p.place_id == cc and p.precision == "country"
        assert p.confidence > 0.8
        assert p.point_confidence is not None and p.point_confidence < p.confidence
    # A city's two confidences are one: its point is its place.
    (city,) = [p for p in geoparser.parse("The council met in Atlanta on Monday.") if p.text == "Atlanta"]
    assert city.confidence == city.point_confidence


def test_a_known_name_placed_without_support_is_emitted_with_low_confidence(geoparser: Geoparser) -> None:
    # A place name the model is sure of but cannot pin down: shown, and honest about it.
    text = "Police in Springfield said the road reopened on Tuesday."
    (conf, named), = _placements(geoparser, text, "Springfield")
    assert named >= geoparser.min_toponym
    assert conf < 0.5
    assert [p.confidence for p in geoparser.parse(text) if p.text == "Springfield"] == [round(conf, 4)]
    assert not [p for p in geoparser.parse(text, min_confidence=0.5) if p.text == "Springfield"]


def test_a_row_scores_the_same_alone_or_in_a_batch(geoparser: Geoparser) -> None:
    text = (Path(__file__).resolve().parents[3] / "samples" / "moscow-drone-report.txt").read_text()
    rows = [a.features for a in geoparser.analyse(text)] * 7  # 140-odd rows, as a worker slice
    batch = geoparser.model.predict(rows)
    for i in range(0, len(rows), 13):
        alone = geoparser.model.predict([rows[i]])
        assert [head[0] for head in alone] == [head[i] for head in batch]  # bit for bit


@pytest.mark.slow
def test_the_committed_model_is_what_its_training_script_builds(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[3]
    if not (root.parent / "shared" / "geoeval" / "lgl.jsonl").is_file():
        pytest.skip("the development corpora (../shared/geoeval) are not beside this checkout")
    out = tmp_path / "model.json"
    subprocess.run([sys.executable, str(root / "scripts" / "train_geo_confidence.py"),
                    "--model-out", str(out), "--out-dir", str(tmp_path)],
                   check=True, capture_output=True)
    assert out.read_bytes() == MODEL_PATH.read_bytes()
