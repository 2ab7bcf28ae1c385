"""Calibration of the confidence model on annotated corpora, with document-level CV.

Every placement the geoparser makes on a corpus becomes one example: its evidence features,
labelled 1 when it overlaps a gold toponym with coordinates and lies within 161 km of it (the
scorer's rule). A logistic regression, each corpus weighing the same, is fitted with
document-level K-fold cross-validation (a document's placements never sit in training and test
at once); within each fold the emission threshold is chosen on the training documents only.
Used by scripts/train_geo_confidence.py and benchmarks/bench_geoparser.py; needs scikit-learn
(the ``geobuild`` extra).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from wiremap.stream.geo import _eval
from wiremap.stream.geo._confidence import FEATURES
from wiremap.stream.geo._evidence import haversine_km
from wiremap.stream.geo.geoparser import Geoparser

__all__ = ["CrossValidation", "collect", "cross_validate", "fit_final"]

KM = 161.0
C = 0.1  # strong L2: the features are many and correlated; chosen by the CV figures


def label(pred: dict[str, Any], gold: list[dict[str, Any]]) -> int:
    """1 when the placement overlaps a gold toponym with coordinates and lies within 161 km of
    it (the scorer's calibration rule in ``overlap`` mode). Overlap, not the exact span: for
    the desk "Kursk region" placed as Kursk Oblast is right whichever span a corpus marks."""
    best, best_ov = None, 0
    for g in gold:
        ov = min(g["end"], pred["end"]) - max(g["start"], pred["start"])
        if ov > best_ov:
            best, best_ov = g, ov
    if best is None:
        return 0
    return int(haversine_km(best["lat"], best["lon"], pred["lat"], pred["lon"]) < KM)


def collect(gp: Geoparser, corpora: dict[str, Path]) -> list[dict[str, Any]]:
    """One record per document: its placements' spans, coordinates, features and labels.
    "The capital" and airports are left out: the corpora do not annotate them (GeoVirus leaves
    facilities out by design), so they would teach the model that every airport is wrong."""
    docs = []
    for corpus, path in corpora.items():
        for doc in _eval.iter_corpus(path):
            gold = [t for t in doc.get("toponyms", [])
                    if t.get("lat") is not None and t.get("start", -1) >= 0]
            rows = []
            for r, x, _conf in gp.analyse(doc["text"], source=doc.get("url")):
                m = r.mention
                if m.match == "capital" or r.place.kind == "airport":
                    continue
                p = {"start": m.start, "end": m.end, "lat": r.place.lat, "lon": r.place.lon,
                     "name": m.text, "place_id": r.place.id}
                rows.append((p, x, label(p, gold)))
            docs.append({"corpus": corpus, "doc_id": doc["doc_id"], "n_gold": len(gold),
                         "rows": rows})
    return docs


def _fit(X: npt.NDArray[Any], y: npt.NDArray[Any], w: npt.NDArray[Any] | None = None
         ) -> tuple[Any, Any, Any]:
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit((X - mean) / scale, y, sample_weight=w)
    return mean, scale, model


def _weights(docs: list[dict[str, Any]]) -> npt.NDArray[Any]:
    """Each corpus weighs the same in the fit, whatever its size: no one corpus's annotation
    habits (what it marks, which point it gives a country) set the calibration for all news."""
    corpus = [d["corpus"] for d in docs for _ in d["rows"]]
    counts = {c: corpus.count(c) for c in set(corpus)}
    w = np.array([len(corpus) / (len(counts) * counts[c]) for c in corpus], dtype=float)
    return w


def _predict(fitted: tuple[Any, Any, Any], X: npt.NDArray[Any]) -> npt.NDArray[Any]:
    mean, scale, model = fitted
    out: npt.NDArray[Any] = model.predict_proba((X - mean) / scale)[:, 1]
    return out


def best_threshold(conf: npt.NDArray[Any], y: npt.NDArray[Any], n_gold: int) -> float:
    """The emission threshold that maximises end-to-end F1 (2·TP / (predicted + gold))."""
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


def _arrays(docs: list[dict[str, Any]]) -> tuple[Any, Any, Any]:
    X = np.array([x for d in docs for _p, x, _y in d["rows"]], dtype=float).reshape(-1, len(FEATURES))
    y = np.array([lab for d in docs for _p, _x, lab in d["rows"]], dtype=int)
    groups = np.array([i for i, d in enumerate(docs) for _ in d["rows"]], dtype=int)
    return X, y, groups


@dataclass
class CrossValidation:
    conf: npt.NDArray[Any]
    keep: npt.NDArray[Any]
    y: npt.NDArray[Any]
    groups: npt.NDArray[Any]
    thresholds: list[float]
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)


def cross_validate(docs: list[dict[str, Any]], *, folds: int = 5) -> CrossValidation:
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    X, y, groups = _arrays(docs)
    w = _weights(docs)
    n_gold_doc = np.array([d["n_gold"] for d in docs])
    conf = np.zeros(len(y))
    keep = np.zeros(len(y), dtype=bool)
    thresholds = []
    for train, test in GroupKFold(n_splits=folds).split(X, y, groups):
        fitted = _fit(X[train], y[train], w[train])
        thr = best_threshold(_predict(fitted, X[train]), y[train],
                             int(n_gold_doc[np.unique(groups[train])].sum()))
        thresholds.append(thr)
        conf[test] = _predict(fitted, X[test])
        keep[test] = conf[test] >= thr
    cv = CrossValidation(conf, keep, y, groups, thresholds)
    for corpus in sorted({d["corpus"] for d in docs}):
        sel = np.array([docs[g]["corpus"] == corpus for g in groups], dtype=bool)
        kept = sel & keep
        cv.figures[corpus] = {
            "placements": int(sel.sum()), "kept": int(kept.sum()),
            "ece_all": ece(conf[sel], y[sel]), "auroc_all": float(roc_auc_score(y[sel], conf[sel])),
            "ece_kept": ece(conf[kept], y[kept]),
            "auroc_kept": float(roc_auc_score(y[kept], conf[kept])),
        }
    return cv


def write_predictions(docs: list[dict[str, Any]], cv: CrossValidation, corpus: str,
                      path: Path) -> None:
    """The cross-validated predictions of one corpus, in the scorer's format."""
    row = 0
    with path.open("w", encoding="utf-8") as fh:
        for d in docs:
            n = len(d["rows"])
            if d["corpus"] == corpus:
                tops = [{**p, "confidence": round(float(cv.conf[row + j]), 4)}
                        for j, (p, _x, _y) in enumerate(d["rows"]) if cv.keep[row + j]]
                fh.write(json.dumps({"doc_id": d["doc_id"], "toponyms": tops}) + "\n")
            row += n


def fit_final(docs: list[dict[str, Any]], threshold: float) -> dict[str, Any]:
    """The shipped model: fitted on every document, with the folds' median threshold."""
    X, y, _groups = _arrays(docs)
    mean, scale, model = _fit(X, y, _weights(docs))
    return {
        "features": list(FEATURES),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": round(threshold, 4),
    }
