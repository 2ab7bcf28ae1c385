"""Equivalence check for geoparser speed work: every output on fixed inputs, saved and compared.

    python scripts/geo_equivalence.py save  OUT.json.gz   # record the current code's outputs
    python scripts/geo_equivalence.py check OUT.json.gz   # rerun and compare; exit 1 on any diff

``--code DIR`` imports ``wiremap`` from another tree (e.g. ``git archive <commit> | tar -x -C
DIR``), to record a baseline commit's outputs with this script.

Inputs: all documents of ../shared/geoeval/*.jsonl and the worker benchmark's items
(``benchmarks._worker.items``). Recorded per document: every ``Placement`` of ``parse`` (all
fields), and every analysed mention before the thresholds (span, place id, match, the feature
vector and the model's raw answers). Floats compare to 1e-9, everything else exactly.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GEOEVAL = ROOT.parent / "shared" / "geoeval"
TOL = 1e-9
N_ITEMS = 1500


def inputs() -> list[tuple[str, str, str | None]]:
    from benchmarks._worker import items

    out: list[tuple[str, str, str | None]] = []
    for path in sorted(GEOEVAL.glob("*.jsonl")):
        for i, line in enumerate(path.open(encoding="utf-8")):
            if line.strip():
                out.append((f"{path.stem}:{i}", json.loads(line)["text"], None))
    for item in items(N_ITEMS, prefix="geo", body_bytes=1650):
        out.append((item.id, item.text, item.url or item.source))
    return out


def outputs() -> dict[str, Any]:
    from wiremap.stream.geo import Geoparser

    gp = Geoparser.load()
    res: dict[str, Any] = {}
    for name, text, source in inputs():
        placements = [p.model_dump(mode="json") for p in gp.parse(text, source=source)]
        analysed = []
        for r, x, *answers in gp.analyse(text, source=source):  # older trees: (r, x, conf)
            analysed.append([r.mention.start, r.mention.end, r.place.id, r.mention.match, x, *answers])
        res[name] = {"placements": placements, "analysed": analysed}
    return res


def _diff(a: Any, b: Any, path: str, out: list[str]) -> None:
    if len(out) > 50:
        return
    if isinstance(a, float) or isinstance(b, float):
        if not (isinstance(a, int | float) and isinstance(b, int | float)) or abs(a - b) > TOL:
            out.append(f"{path}: {a!r} != {b!r}")
    elif isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            out.append(f"{path}: keys {sorted(a)} != {sorted(b)}")
            return
        for k in a:
            _diff(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: length {len(a)} != {len(b)}")
            return
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"{path}: {a!r} != {b!r}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=("save", "check"))
    ap.add_argument("path", type=Path)
    ap.add_argument("--code", type=Path, help="a tree whose wiremap/ to run instead of this one")
    a = ap.parse_args()
    mode, path = a.mode, a.path
    if a.code is not None:
        sys.path.insert(0, str(a.code.resolve()))
    got = outputs()
    if mode == "save":
        with gzip.open(path, "wt") as f:
            json.dump(got, f)
        n = sum(len(v["placements"]) for v in got.values())
        print(f"saved {len(got)} documents, {n} placements to {path}")
        return 0
    with gzip.open(path, "rt") as f:
        want = json.load(f)
    diffs: list[str] = []
    _diff(want, got, "", diffs)
    n = sum(len(v["placements"]) for v in got.values())
    m = sum(len(v["analysed"]) for v in got.values())
    if diffs:
        print("\n".join(diffs[:50]))
        print(f"DIFFERENT ({len(diffs)}+ differences)")
        return 1
    print(f"identical: {len(got)} documents, {n} placements, {m} analysed mentions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
