"""Training the confidence model's three heads on annotated corpora, with document-level CV.

Every mention the geoparser resolves in a corpus becomes one example: its evidence features
and three labels, after the scorer's rules in ``overlap`` mode. *Point*: it overlaps a gold
toponym with coordinates and lies within 161 km of it. *Area*: the same, or it is a country
or admin-1 unit whose outline holds the gold point (only these rows train the area head).
*Toponym*: it overlaps a gold toponym with coordinates at all. Each head is a
gradient-boosted ensemble of oblivious trees (CatBoost), each corpus weighing the same.
Cross-validation is by document (a document's mentions never sit in training and test at
once); within each fold the emission threshold on the toponym head is chosen on the
training documents only, to maximise recognition F1. Used by
scripts/train_geo_confidence.py and benchmarks/bench_geoparser.py; needs CatBoost, shapely
and scikit-learn (the ``geobuild`` extra).
"""

from __future__ import annotations

import functools
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from wiremap.stream.geo import _eval
from wiremap.stream.geo._confidence import FEATURES
from wiremap.stream.geo._evidence import haversine_km
from wiremap.stream.geo._model import AREA_KINDS, ConfidenceModel, Trees
from wiremap.stream.geo._paths import data_path
from wiremap.stream.geo.geoparser import Geoparser

__all__ = ["CrossValidation", "collect", "cross_validate", "fit_final"]

KM = 161.0
#: Small ensembles of depth-4 trees: enough for the interactions a linear model misses (a
#: city's population matters when it is ambiguous, a surname prior only for one-word names),
#: few enough to score a document's mentions in tens of µs. Chosen by the CV figures (LGL and
#: GeoVirus, three fold orders): twice the trees, or depth 5-6, gained nothing beyond fold
#: noise; half as many lost recognition F1.
POINT = AREA = {"iterations": 100, "depth": 4, "learning_rate": 0.15}
TOPONYM = {"iterations": 50, "depth": 4, "learning_rate": 0.2}


def _best_overlap(pred: dict[str, Any], gold: list[dict[str, Any]]) -> dict[str, Any] | None:
    best, best_ov = None, 0
    for g in gold:
        ov = min(g["end"], pred["end"]) - max(g["start"], pred["start"])
        if ov > best_ov:
            best, best_ov = g, ov
    return best


def label(pred: dict[str, Any], gold: list[dict[str, Any]]) -> int:
    """1 when the placement overlaps a gold toponym with coordinates and lies within 161 km of
    it (the scorer's calibration rule in ``overlap`` mode). Overlap, not the exact span: for
    the desk "Kursk region" placed as Kursk Oblast is right whichever span a corpus marks."""
    best = _best_overlap(pred, gold)
    if best is None:
        return 0
    return int(haversine_km(best["lat"], best["lon"], pred["lat"], pred["lon"]) < KM)


def toponym_label(pred: dict[str, Any], gold: list[dict[str, Any]]) -> int:
    """1 when the mention overlaps a gold toponym with coordinates, wherever it was placed."""
    return int(_best_overlap(pred, gold) is not None)


#: Outlines are simplified: a gold point this close outside one still counts as in it.
_EDGE_DEG = 0.1


@functools.lru_cache(maxsize=1)
def _outlines() -> dict[str, Any]:
    """Place id → prepared outline of every country and admin-1 unit we draw."""
    from shapely.geometry import shape
    from shapely.prepared import prep

    out: dict[str, Any] = {}
    for name, key, prefix in (("admin1.geojson", "code", "a1"), ("countries.geojson", "cc", "cc")):
        for feature in json.loads(data_path(name).read_text())["features"]:
            out[f"{prefix}:{feature['properties'][key]}"] = prep(
                shape(feature["geometry"]).buffer(_EDGE_DEG))
    return out


def area_label(pred: dict[str, Any], gold: list[dict[str, Any]]) -> int:
    """``label``, or for a country or admin-1 placement: the gold point lies in its outline.
    Whether "Russia" names Russia does not hang on which point a gazetteer gives Russia."""
    if label(pred, gold):
        return 1
    best = _best_overlap(pred, gold)
    outline = _outlines().get(pred["place_id"])
    if best is None or outline is None:
        return 0
    from shapely.geometry import Point

    return int(outline.contains(Point(best["lon"], best["lat"])))


def collect(gp: Geoparser, corpora: dict[str, Path]) -> list[dict[str, Any]]:
    """One record per document: its mentions' spans, coordinates, features and three labels.
    "The capital" and airports are left out: the corpora do not annotate them (GeoVirus leaves
    facilities out by design), so they would teach the model that every airport is wrong."""
    docs = []
    for corpus, path in corpora.items():
        for doc in _eval.iter_corpus(path):
            gold = [t for t in doc.get("toponyms", [])
                    if t.get("lat") is not None and t.get("start", -1) >= 0]
            rows = []
            for a in gp.analyse(doc["text"], source=doc.get("url")):
                r, m = a.resolved, a.resolved.mention
                if m.match == "capital" or r.place.kind == "airport":
                    continue
                p = {"start": m.start, "end": m.end, "lat": r.place.lat, "lon": r.place.lon,
                     "name": m.text, "place_id": r.place.id, "kind": r.place.kind}
                rows.append((p, a.features, label(p, gold), area_label(p, gold),
                             toponym_label(p, gold)))
            docs.append({"corpus": corpus, "doc_id": doc["doc_id"], "n_gold": len(gold),
                         "rows": rows})
    return docs


def _fit(X: npt.NDArray[Any], y: npt.NDArray[Any], w: npt.NDArray[Any], params: dict[str, Any]
         ) -> Any:
    from catboost import CatBoostClassifier

    # One thread and a fixed seed: the same corpora give the same model, byte for byte.
    model = CatBoostClassifier(**params, random_seed=0, thread_count=1, verbose=0,
                               allow_writing_files=False)
    return model.fit(X, y, sample_weight=w)


def _predict(model: Any, X: npt.NDArray[Any]) -> npt.NDArray[Any]:
    out: npt.NDArray[Any] = model.predict_proba(X)[:, 1]
    return out


def trees_of(model: Any) -> Trees:
    """A fitted CatBoostClassifier's trees in the shipped form (via its JSON export)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.json"
        model.save_model(str(path), format="json")
        raw = json.loads(path.read_text())
    feats, borders, leaves = [], [], []
    for tree in raw["oblivious_trees"]:
        splits = tree["splits"]
        if any(s["split_type"] != "FloatFeature" for s in splits):
            raise ValueError("only float-feature splits are supported")
        feats.append(tuple(int(s["float_feature_index"]) for s in splits))
        borders.append(tuple(float(s["border"]) for s in splits))
        leaves.append(tuple(float(v) for v in tree["leaf_values"]))
    scale, bias = raw["scale_and_bias"]
    return Trees(tuple(feats), tuple(borders), tuple(leaves), float(bias[0]), float(scale))


def _weights(docs: list[dict[str, Any]]) -> npt.NDArray[Any]:
    """Each corpus weighs the same in the fit, whatever its size: no one corpus's annotation
    habits (what it marks, which point it gives a country) set the calibration for all news."""
    corpus = [d["corpus"] for d in docs for _ in d["rows"]]
    counts = {c: corpus.count(c) for c in set(corpus)}
    w = np.array([len(corpus) / (len(counts) * counts[c]) for c in corpus], dtype=float)
    return w


def best_threshold(conf: npt.NDArray[Any], y: npt.NDArray[Any], n_gold: int) -> float:
    """The threshold that maximises F1 (2·TP / (predicted + gold)) of the labels ``y``."""
    order = np.argsort(-conf)
    tp = np.cumsum(y[order])
    k = np.arange(1, len(order) + 1)
    f1 = 2 * tp / (k + n_gold)
    return float(conf[order[int(np.argmax(f1))]])


def ece(conf: npt.NDArray[Any], y: npt.NDArray[Any], bins: int = 15) -> float:
    """Equal-mass ECE, as the scorer computes it."""
    idx = np.argsort(conf)
    n = len(conf)
    total = 0.0
    for b in range(bins):
        sl = idx[b * n // bins:(b + 1) * n // bins]
        if len(sl):
            total += len(sl) / n * abs(float(conf[sl].mean()) - float(y[sl].mean()))
    return total


def _arrays(docs: list[dict[str, Any]]) -> dict[str, Any]:
    rows = [r for d in docs for r in d["rows"]]
    return {
        "X": np.array([r[1] for r in rows], dtype=float).reshape(-1, len(FEATURES)),
        "point": np.array([r[2] for r in rows], dtype=int),
        "area": np.array([r[3] for r in rows], dtype=int),
        "toponym": np.array([r[4] for r in rows], dtype=int),
        "is_area": np.array([r[0]["kind"] in AREA_KINDS for r in rows], dtype=bool),
        "groups": np.array([i for i, d in enumerate(docs) for _ in d["rows"]], dtype=int),
    }


@dataclass
class CrossValidation:
    """Out-of-fold probabilities: ``conf`` what a placement carries (the area head's for areas,
    the point head's otherwise), ``point`` the point head's, ``named`` the toponym head's."""

    conf: npt.NDArray[Any]
    point: npt.NDArray[Any]
    named: npt.NDArray[Any]
    keep: npt.NDArray[Any]  # emitted: toponym probability at or above the fold's threshold
    groups: npt.NDArray[Any]
    thresholds: list[float]
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)


def _heads(a: dict[str, Any], w: npt.NDArray[Any], train: npt.NDArray[Any]) -> tuple[Any, Any, Any]:
    X = a["X"]
    areas = train[a["is_area"][train]]
    return (_fit(X[train], a["point"][train], w[train], POINT),
            _fit(X[areas], a["area"][areas], w[areas], AREA),
            _fit(X[train], a["toponym"][train], w[train], TOPONYM))


def cross_validate(docs: list[dict[str, Any]], *, folds: int = 5, shuffle: int | None = None
                   ) -> CrossValidation:
    """Out-of-fold probabilities of the three heads. ``shuffle`` reorders the documents
    (seeded) before the group split, to see how much the figures move with the folds."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    a = _arrays(docs)
    X, groups = a["X"], a["groups"]
    split_by = groups if shuffle is None else np.random.RandomState(shuffle).permutation(len(docs))[groups]
    w = _weights(docs)
    n_gold_doc = np.array([d["n_gold"] for d in docs])
    point = np.zeros(len(X))
    area = np.zeros(len(X))
    named = np.zeros(len(X))
    keep = np.zeros(len(X), dtype=bool)
    thresholds = []
    for train, test in GroupKFold(n_splits=folds).split(X, a["point"], split_by):
        point_m, area_m, toponym_m = _heads(a, w, train)
        thr = best_threshold(_predict(toponym_m, X[train]), a["toponym"][train],
                             int(n_gold_doc[np.unique(groups[train])].sum()))
        thresholds.append(thr)
        point[test] = _predict(point_m, X[test])
        area[test] = _predict(area_m, X[test])
        named[test] = _predict(toponym_m, X[test])
        keep[test] = named[test] >= thr
    conf = np.where(a["is_area"], area, point)
    cv = CrossValidation(conf, point, named, keep, groups, thresholds)
    corpus_of = np.array([docs[g]["corpus"] for g in groups])
    for corpus in sorted(set(corpus_of)):
        sel = corpus_of == corpus
        kept = sel & keep
        areas = kept & a["is_area"]
        cv.figures[corpus] = {
            "mentions": int(sel.sum()), "kept": int(kept.sum()),
            "toponym_auroc_all": float(roc_auc_score(a["toponym"][sel], named[sel])),
            # The point head against the scorer's rule, over the emitted placements.
            "point_ece_kept": ece(point[kept], a["point"][kept]),
            "point_auroc_kept": float(roc_auc_score(a["point"][kept], point[kept])),
            # What a placement carries, against the area-aware rule.
            "ece_kept": ece(conf[kept], a["area"][kept]),
            "auroc_kept": float(roc_auc_score(a["area"][kept], conf[kept])),
            "area_kept": int(areas.sum()),
            "area_ece_kept": ece(conf[areas], a["area"][areas]),
            "area_auroc_kept": float(roc_auc_score(a["area"][areas], conf[areas])),
        }
    return cv


def write_predictions(docs: list[dict[str, Any]], cv: CrossValidation, corpus: str,
                      path: Path) -> None:
    """The cross-validated predictions of one corpus, in the scorer's format: its rule is the
    point rule, so its confidence is the point head's."""
    row = 0
    with path.open("w", encoding="utf-8") as fh:
        for d in docs:
            n = len(d["rows"])
            if d["corpus"] == corpus:
                tops = [{**r[0], "confidence": round(float(cv.point[row + j]), 4)}
                        for j, r in enumerate(d["rows"]) if cv.keep[row + j]]
                fh.write(json.dumps({"doc_id": d["doc_id"], "toponyms": tops}) + "\n")
            row += n


def fit_final(docs: list[dict[str, Any]], threshold: float) -> ConfidenceModel:
    """The shipped model: the heads fitted on every document, with the folds' median
    threshold."""
    a = _arrays(docs)
    point, area, toponym = _heads(a, _weights(docs), np.arange(len(a["X"])))
    return ConfidenceModel(FEATURES, trees_of(point), trees_of(area), trees_of(toponym),
                           round(threshold, 4))
