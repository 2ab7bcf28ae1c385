"""One geoparser per test session: loading the gazetteer and its indexes is the slow part."""

from __future__ import annotations

import pytest

from wiremap.stream.geo import Geoparser


@pytest.fixture(scope="session")
def geoparser() -> Geoparser:
    return Geoparser.load()
