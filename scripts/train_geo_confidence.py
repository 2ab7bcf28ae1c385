"""Fit the geoparser's confidence model and report it cross-validated.

Runs the geoparser over the development corpora (../shared/geoeval/{lgl,geovirus}.jsonl),
cross-validates the model's three heads (point, area and toponym, gradient-boosted oblivious
trees) by document (wiremap/stream/geo/_calibrate.py), scores the cross-validated
predictions with the corpora's own scorer, and writes the model fitted on every document to
wiremap/stream/geo/confidence_model.json. Deterministic: the same corpora and code give the
same file.

Run: python scripts/train_geo_confidence.py [--folds 5] [--shuffle SEED] [--out-dir DIR] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from wiremap.stream.geo import _calibrate, _eval  # noqa: E402
from wiremap.stream.geo._model import MODEL_PATH  # noqa: E402
from wiremap.stream.geo.gazetteer import Gazetteer  # noqa: E402
from wiremap.stream.geo.geoparser import Geoparser  # noqa: E402

GEOEVAL = ROOT.parent / "shared" / "geoeval"
CORPORA = ("lgl", "geovirus")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--geoeval", type=Path, default=GEOEVAL)
    ap.add_argument("--out-dir", type=Path, default=ROOT / "test-output" / "geo-cv")
    ap.add_argument("--shuffle", type=int, default=None,
                    help="reorder the documents with this seed before the fold split")
    ap.add_argument("--dry-run", action="store_true", help="report only; keep the shipped model")
    ap.add_argument("--model-out", type=Path, default=MODEL_PATH, help="where to write the model")
    ap.add_argument("--demonyms", choices=["place", "all", "none"], default="place",
                    help="'all' follows LGL's convention of annotating every demonym")
    a = ap.parse_args()
    a.out_dir.mkdir(parents=True, exist_ok=True)

    gp = Geoparser(Gazetteer.load(), demonyms=a.demonyms)  # untrained: features only
    docs = _calibrate.collect(gp, {c: a.geoeval / f"{c}.jsonl" for c in CORPORA})
    n = sum(len(d["rows"]) for d in docs)
    print(f"{len(docs)} documents, {n} resolved mentions")
    cv = _calibrate.cross_validate(docs, folds=a.folds, shuffle=a.shuffle)
    scorer = _eval.find_scorer()
    report = {}
    for corpus in CORPORA:
        pred = a.out_dir / f"{corpus}.cv.pred.jsonl"
        _calibrate.write_predictions(docs, cv, corpus, pred)
        fig = cv.figures[corpus]
        print(f"{corpus:8} CV emitted {fig['kept']} of {fig['mentions']} (toponym head AUROC "
              f"{fig['toponym_auroc_all']:.3f}): confidence, area-aware rule: ECE {fig['ece_kept']:.3f} "
              f"AUROC {fig['auroc_kept']:.3f} ({fig['area_kept']} areas: ECE {fig['area_ece_kept']:.3f} "
              f"AUROC {fig['area_auroc_kept']:.3f}); point confidence, point rule: ECE "
              f"{fig['point_ece_kept']:.3f} AUROC {fig['point_auroc_kept']:.3f}")
        if scorer is not None:
            scores = _eval.run_scorer(scorer, a.geoeval / f"{corpus}.jsonl", pred)
            (a.out_dir / f"{corpus}.cv.scores.json").write_text(json.dumps(scores, indent=1))
            for line in _eval.summary_lines(scores):
                print(f"{corpus:8} CV {line}")
        report[corpus] = {k: round(v, 4) if isinstance(v, float) else v for k, v in fig.items()}
    thr = statistics.median(cv.thresholds)
    print(f"fold thresholds {[round(t, 3) for t in cv.thresholds]} -> {thr:.3f}")
    if a.dry_run:
        return
    model = _calibrate.fit_final(docs, thr).to_json()
    model["cross_validated"] = report
    model["demonyms"] = a.demonyms
    a.model_out.write_text(json.dumps(model, separators=(",", ":")) + "\n")
    print(f"model -> {a.model_out}")


if __name__ == "__main__":
    main()
