"""The confidence model: three small ensembles of oblivious trees over the evidence features.

- *toponym*: how likely a mention is a place name at all. It decides what is emitted (its
  threshold maximises recognition F1 on the training documents), so a name we are sure of
  but cannot place ("Paris", nothing else in the text) is emitted with a low confidence
  rather than dropped, and the desk filters on confidence.
- *point*: how likely the placement's point lies within 161 km of where the place really
  is, the rule of point-based evaluations (the development corpora's scorer).
- *area*: for a country or admin-1 placement, how likely the place is the right one (the
  event lies in that area). Its point is a convention: gazetteers put Russia's, Canada's or
  China's hundreds of kilometres apart, so by the point rule "Russia" named as Russia would
  almost never count as right; the desk needs to know whether it is the right country.

A placement's ``confidence`` is the area head's answer for areas and the point head's for
everything else; ``point_confidence`` is always the point head's.

The heads are gradient-boosted oblivious trees (CatBoost's symmetric trees), trained by
``scripts/train_geo_confidence.py`` with document-level cross-validation and shipped as
``confidence_model.json``. An oblivious tree of depth D applies the same D tests on every
path, so a row's leaf is the D bits ``x[f_i] > border_i``: a whole document's mentions are
scored with a handful of numpy operations, with no tree walking in Python.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from wiremap.errors import GeoError

__all__ = ["AREA_KINDS", "HEADS", "MODEL_PATH", "ConfidenceModel", "Scores", "Trees"]

MODEL_PATH = Path(__file__).resolve().parent / "confidence_model.json"
#: Kinds of place whose confidence is the area head's.
AREA_KINDS = frozenset({"country", "admin1"})
_RETRAIN = "rebuild it with scripts/train_geo_confidence.py"


@dataclass(frozen=True)
class Trees:
    """One head: ``raw(X) = bias + scale * Σ_t leaf_t(X)``, a logit.

    ``features[t][i]`` and ``borders[t][i]`` are tree t's i-th test, which sets bit i of the
    leaf index; ``leaves[t]`` has 2**len(features[t]) values. Trees of a head, and heads,
    may differ in depth."""

    features: tuple[tuple[int, ...], ...]
    borders: tuple[tuple[float, ...], ...]
    leaves: tuple[tuple[float, ...], ...]
    bias: float = 0.0
    scale: float = 1.0

    @property
    def depth(self) -> int:
        return max((len(f) for f in self.features), default=0)

    def to_json(self) -> dict[str, Any]:
        return {"bias": self.bias, "scale": self.scale, "features": [list(f) for f in self.features],
                "borders": [list(b) for b in self.borders], "leaves": [list(v) for v in self.leaves]}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Trees:
        trees = cls(tuple(tuple(int(i) for i in f) for f in raw["features"]),
                    tuple(tuple(float(b) for b in bs) for bs in raw["borders"]),
                    tuple(tuple(float(v) for v in vs) for vs in raw["leaves"]),
                    float(raw["bias"]), float(raw["scale"]))
        for f, b, v in zip(trees.features, trees.borders, trees.leaves, strict=True):
            if len(f) != len(b) or len(v) != 1 << len(f):
                raise ValueError("a tree's tests and leaves do not agree")
        return trees


class _Compiled:
    """Every head's trees as flat arrays, level-major (all trees' first tests, then all their
    second tests, ...): one gather and comparison, one product for the leaf indices, one
    gather of leaves and one segmented sum, whatever the number of trees."""

    def __init__(self, heads: tuple[Trees, ...], n_features: int) -> None:
        depth = max((h.depth for h in heads), default=0)
        if depth > 8:
            raise ValueError("trees deeper than 8 are not supported")
        feats: list[tuple[int, ...]] = []
        borders: list[tuple[float, ...]] = []
        leaves: list[float] = []
        self.slices: list[tuple[int, int]] = []
        for h in heads:
            first = len(feats)
            for f, b, v in zip(h.features, h.borders, h.leaves, strict=True):
                if any(not 0 <= i < n_features for i in f):
                    raise ValueError("a tree tests a feature the model does not have")
                pad = depth - len(f)
                feats.append((*f, *([0] * pad)))
                borders.append((*b, *([np.inf] * pad)))  # never true: the leaf keeps its bits
                # The head's scale is folded into its leaves: raw = bias + sum of leaves.
                leaves += [x * h.scale for x in v] + [0.0] * ((1 << depth) - len(v))
            self.slices.append((first, len(feats)))
        self.depth = depth
        self.n_trees = len(feats)
        self.features = np.array(feats, dtype=np.intp).reshape(-1, max(depth, 1)).T.ravel()
        # CatBoost compares float32 values with float32 borders; so do we, to agree exactly.
        self.borders = np.array(borders, dtype=np.float32).reshape(-1, max(depth, 1)).T.ravel()
        self.leaves = np.array(leaves, dtype=np.float64)
        self.offsets = np.arange(self.n_trees, dtype=np.intp) << depth
        self.pow2 = (1 << np.arange(depth)).astype(np.uint8)
        self.starts = np.array([a for a, _ in self.slices], dtype=np.intp)
        self.every_head_has_trees = all(a < b for a, b in self.slices)
        self.bias = np.array([h.bias for h in heads])
        #: The largest |logit| any row can reach: exp(-z) cannot overflow below ~709.
        self.bound = float(np.abs(self.bias).max(initial=0.0) + np.abs(
            self.leaves.reshape(-1, 1 << depth)).max(axis=1).sum()) if self.n_trees else 0.0

    def raw(self, X: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """(rows, heads) logits. Each row is summed on its own (``reduceat`` along the row), so
        its score does not depend on the rows batched with it."""
        n = len(X)
        if not self.n_trees:
            return np.tile(self.bias, (n, 1))
        bits = (np.take(X, self.features, axis=1) > self.borders).view(np.uint8).reshape(
            n, self.depth, self.n_trees)
        values = self.leaves[(self.pow2 @ bits) + self.offsets]
        if self.every_head_has_trees:
            sums = np.add.reduceat(values, self.starts, axis=1)
        else:
            sums = np.stack([values[:, a:b].sum(axis=1) for a, b in self.slices], axis=1)
        z: npt.NDArray[np.float64] = sums + self.bias
        return z


def _sigmoid(z: npt.NDArray[np.float64], bound: float) -> npt.NDArray[np.float64]:
    if bound > 700.0:
        z = np.clip(z, -700.0, 700.0)
    out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
    return out


class Scores(NamedTuple):
    """The three heads' probabilities, one list entry per feature row."""

    point: list[float]
    area: list[float]
    toponym: list[float]


HEADS = Scores._fields


@dataclass(frozen=True)
class ConfidenceModel:
    """The three heads and the emission threshold on the toponym head."""

    names: tuple[str, ...]
    point: Trees
    area: Trees
    toponym: Trees
    threshold: float
    _compiled: _Compiled = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", _Compiled((self.point, self.area, self.toponym),
                                                        len(self.names)))

    @classmethod
    def load(cls, path: Path | None = None, *, features: tuple[str, ...] | None = None) -> ConfidenceModel:
        """The model at ``path`` (default: the shipped one), checked against ``features``
        (default: the geoparser's feature set)."""
        if features is None:
            from wiremap.stream.geo._confidence import FEATURES

            features = FEATURES
        path = path or MODEL_PATH
        try:
            raw = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise GeoError(f"cannot read the confidence model {path}: {exc}; {_RETRAIN}") from exc
        try:
            names = tuple(raw["features"])
            heads = raw["heads"]
            point, area, toponym = (Trees.from_json(heads[h]) for h in HEADS)
            model = cls(names, point, area, toponym, float(raw["threshold"]))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise GeoError(f"confidence model {path} is malformed ({exc!r}); {_RETRAIN}") from exc
        if names != features:
            raise GeoError(f"confidence model {path} was trained on other features; {_RETRAIN}")
        return model

    @classmethod
    def neutral(cls, features: tuple[str, ...]) -> ConfidenceModel:
        """An untrained stand-in (training collects features with it): every mention is
        emitted, every confidence is 0.5."""
        empty = Trees((), (), ())
        return cls(features, empty, empty, empty, 0.0)

    def to_json(self) -> dict[str, Any]:
        return {"features": list(self.names), "threshold": self.threshold,
                "heads": {h: getattr(self, h).to_json() for h in HEADS}}

    def predict(self, rows: list[list[float]]) -> Scores:
        """Each head's probability for each feature row."""
        if not rows:
            return Scores([], [], [])
        X = np.array(rows, dtype=np.float32)
        if X.ndim != 2 or X.shape[1] != len(self.names):
            raise GeoError(f"expected rows of {len(self.names)} features, got shape {X.shape}")
        return Scores(*_sigmoid(self._compiled.raw(X), self._compiled.bound).T.tolist())
