"""Bodies assembled from fragments in one copy must still be exactly the JSON they stand for."""

from __future__ import annotations

import json

import pytest

from wiremap.mapview._json import dumps, enclose, feature_collection


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_enclose_is_head_join_tail(n: int) -> None:
    parts = [dumps({"i": i, "s": "ü<"}) for i in range(n)]
    assert enclose(b"[", parts, b"]") == b"[" + b",".join(parts) + b"]"
    assert json.loads(enclose(b"[", parts, b"]")) == [{"i": i, "s": "ü<"} for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, 3])
def test_feature_collection_with_and_without_meta(n: int) -> None:
    feats = [dumps({"type": "Feature", "id": str(i)}) for i in range(n)]
    plain = json.loads(feature_collection(feats))
    assert plain == {"type": "FeatureCollection",
                     "features": [{"type": "Feature", "id": str(i)} for i in range(n)]}
    with_meta = json.loads(feature_collection(feats, dumps({"window": "1h"})))
    assert with_meta["meta"] == {"window": "1h"} and with_meta["features"] == plain["features"]
