"""Where the committed, derived geo data lives (built by scripts/build_*.py, shipped as package data)."""

from __future__ import annotations

from pathlib import Path

from wiremap.errors import GeoError

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(name: str) -> Path:
    """Path of a committed geo data file, e.g. ``data_path("admin1.geojson")``.

    Raises GeoError for a name outside the data folder or a file that is not there, so a
    missing build shows up as one clear error rather than a later FileNotFoundError.
    """
    path = (DATA_DIR / name).resolve()
    if path.parent != DATA_DIR or not name or "/" in name or "\\" in name:
        raise GeoError(f"not a geo data file name: {name!r}")
    if not path.is_file():
        raise GeoError(f"geo data file {name!r} is missing from {DATA_DIR}; "
                       "rebuild it with scripts/build_polygons.py or scripts/build_gazetteer.py")
    return path
