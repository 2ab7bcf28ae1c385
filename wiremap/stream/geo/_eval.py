"""Evaluation harness: run the geoparser over a corpus in the development sets' format,
write predictions in the scorer's format and run the scorer when it is there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wiremap.errors import GeoError
from wiremap.stream.geo.geoparser import Geoparser

__all__ = ["find_scorer", "iter_corpus", "predict_doc", "run_scorer", "summary_lines"]

SCORER_ENV = "WIREMAP_GEOEVAL_SCORER"
_REPO = Path(__file__).resolve().parents[3]


def iter_corpus(path: Path) -> Iterator[dict[str, Any]]:
    """Documents of a JSONL corpus; a bad line is an error naming the line."""
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise GeoError(f"cannot read corpus {path}: {exc}") from exc
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except ValueError as exc:
                raise GeoError(f"{path}:{n}: not JSON: {exc}") from exc
            if not isinstance(doc, dict) or not isinstance(doc.get("doc_id"), str) \
                    or not isinstance(doc.get("text"), str):
                raise GeoError(f"{path}:{n}: a document needs string 'doc_id' and 'text'")
            yield doc


def predict_doc(gp: Geoparser, doc: dict[str, Any]) -> dict[str, Any]:
    """One document's placements in the scorer's format. The scorer judges a placement by its
    point (right iff within 161 km), so the confidence it gets is the point confidence."""
    placements = gp.parse(doc["text"], source=doc.get("url"))
    return {
        "doc_id": doc["doc_id"],
        "toponyms": [
            {"start": p.start, "end": p.end, "name": p.text, "lat": p.lat, "lon": p.lon,
             "confidence": p.confidence if p.point_confidence is None else p.point_confidence,
             "area_confidence": p.confidence, "place_id": p.place_id}
            for p in placements
        ],
    }


def find_scorer(explicit: Path | None = None) -> Path | None:
    """The scorer: an explicit path, $WIREMAP_GEOEVAL_SCORER, or ../shared/geoeval/score.py
    beside the repository (or the working directory)."""
    if explicit is not None:
        if not explicit.is_file():
            raise GeoError(f"scorer not found: {explicit}")
        return explicit
    env = os.environ.get(SCORER_ENV)
    if env:
        p = Path(env)
        if not p.is_file():
            raise GeoError(f"${SCORER_ENV} points at {p}, which is not a file")
        return p
    for base in (_REPO, Path.cwd()):
        p = base.parent / "shared" / "geoeval" / "score.py"
        if p.is_file():
            return p
    return None


def run_scorer(scorer: Path, gold: Path, pred: Path, *, km: float = 161.0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scores.json"
        proc = subprocess.run(
            [sys.executable, str(scorer), str(gold), str(pred), "--km", str(km), "--json", str(out)],
            capture_output=True, text=True, check=False,
        )
        if proc.returncode != 0 or not out.is_file():
            raise GeoError(f"scorer failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def summary_lines(scores: dict[str, Any]) -> list[str]:
    """The headline figures of a scorer result, one line each."""
    lines = []
    for mode in ("exact", "overlap"):
        r = scores.get(mode)
        if not r:
            continue
        rec, e2e = r["recognition"], r["end_to_end"]
        res = r.get("resolution_on_matched", {})
        line = (f"{mode:7} recognition P/R/F1 {rec['precision']:.3f}/{rec['recall']:.3f}/"
                f"{rec['f1']:.3f}  acc@161 {res.get('acc@161km', 0.0):.3f}  "
                f"geo-P/R/F1 {e2e['precision']:.3f}/{e2e['recall']:.3f}/{e2e['f1']:.3f}")
        cal = r.get("calibration")
        if cal:
            au = cal.get("auroc")
            line += (f"  ECE {cal['ece_equal_mass15']:.3f}  AUROC "
                     f"{au if au is None else round(au, 3)}  Brier {cal['brier']:.3f}")
        lines.append(line)
    return lines
