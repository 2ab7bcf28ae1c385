"""Geoparser benchmark: accuracy on the development corpora (cross-validated) and speed.

    python -m benchmarks.bench_geoparser [--runs 5] [--folds 5] [--no-accuracy]

Accuracy: the geoparser runs over ../shared/geoeval/{lgl,geovirus}.jsonl; the confidence model
is refitted by document-level K-fold cross-validation (wiremap/stream/geo/_calibrate.py), so
every confidence and every emission threshold applied to a document comes from a model that
never saw it; the corpora's own score.py scores those predictions. Speed: documents per second
of `Geoparser.parse` on one core (the process is pinned to one CPU where the OS allows), as
CPU time and wall time, median of --runs passes over the same documents after a first pass
(reported too: the memo tables start empty, as for a live stream's new names); load time of
`Geoparser.load()` in a fresh process; and `Geoparser.locate` over the worker benchmark's
5,000 synthetic ~2 KB items (benchmarks/_worker.py), CPU items/s on the same core; and
Russian and Ukrainian items (benchmarks/*_items.txt), read through their morphology.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GEOEVAL = ROOT.parent / "shared" / "geoeval"
CORPORA = ("lgl", "geovirus")

_LOAD_CHILD = r"""
import json, time
t0 = time.perf_counter()
from wiremap.stream.geo import Geoparser
t1 = time.perf_counter()
gp = Geoparser.load()
t2 = time.perf_counter()
rss = 0.0
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        rss = int(line.split()[1]) / 1024
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "peak_rss_mb": rss}))
"""


def load_times(runs: int) -> dict[str, float]:
    out = []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-c", _LOAD_CHILD], capture_output=True, text=True,
                              check=True, cwd=ROOT)
        out.append(json.loads(proc.stdout))
    return {k: statistics.median(o[k] for o in out) for k in out[0]}


def speed(runs: int) -> dict[str, Any]:
    from wiremap.stream.geo import Geoparser

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    texts = [json.loads(line)["text"] for c in CORPORA
             for line in (GEOEVAL / f"{c}.jsonl").open(encoding="utf-8") if line.strip()]
    gp = Geoparser.load()
    # First pass: every name is new to the parser's memo tables, as in a live stream.
    c0 = time.process_time()
    for t in texts:
        gp.parse(t)
    first = len(texts) / (time.process_time() - c0)
    cpu, wall = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        for t in texts:
            gp.parse(t)
        cpu.append(len(texts) / (time.process_time() - c0))
        wall.append(len(texts) / (time.perf_counter() - w0))
    out = {"docs": len(texts), "avg_kb": sum(len(t.encode()) for t in texts) / len(texts) / 1024,
           "docs_per_s_cpu": statistics.median(cpu), "docs_per_s_wall": statistics.median(wall),
           "docs_per_s_cpu_first_pass": first,
           "runs": runs}
    out.update(worker_items_speed(gp, runs))
    out.update(cyrillic_speed(gp, runs))
    return out


def cyrillic_speed(gp: Any, runs: int) -> dict[str, float]:
    """``parse`` over Russian and Ukrainian items (benchmarks/{russian,ukrainian}_items.txt, one
    per line): the first call of each language (it loads its morphological dictionary), and
    warm CPU items/s, median of passes of 50 rounds."""
    out: dict[str, float] = {}
    for lang in ("russian", "ukrainian"):
        path = ROOT / "benchmarks" / f"{lang}_items.txt"
        texts = [t for t in path.read_text(encoding="utf-8").split("\n") if t.strip()]
        w0 = time.perf_counter()
        gp.parse(texts[0])
        out[f"{lang}_first_call_s"] = time.perf_counter() - w0
        cpu = []
        for _ in range(runs):
            c0 = time.process_time()
            for _ in range(50):
                for t in texts:
                    gp.parse(t)
            cpu.append(50 * len(texts) / (time.process_time() - c0))
        out[f"{lang}_items_per_s_cpu"] = statistics.median(cpu)
    return out


def worker_items_speed(gp: Any, runs: int, n: int = 5000, slice_rows: int = 32) -> dict[str, float]:
    """``Geoparser.locate`` over the worker benchmark's items (``bench_worker``'s "Geoparser
    alone" figure, there in wall time on an unpinned process): CPU items/s, median of passes;
    and ``locate_many`` over slices of ``slice_rows`` items, as the worker's geolocate stage
    calls it (the smallest slice it uses; a tree without ``locate_many`` loops ``locate``)."""
    from benchmarks._worker import items

    batch = items(n, prefix="geo", body_bytes=1650)
    many = getattr(gp, "locate_many", None) or (lambda part: [gp.locate(i) for i in part])
    slices = [batch[i:i + slice_rows] for i in range(0, n, slice_rows)]
    c0 = time.process_time()
    for item in batch:
        gp.locate(item)
    first = n / (time.process_time() - c0)
    cpu, batched = [], []
    for _ in range(runs):
        c0 = time.process_time()
        for item in batch:
            gp.locate(item)
        cpu.append(n / (time.process_time() - c0))
        c0 = time.process_time()
        for part in slices:
            many(part)
        batched.append(n / (time.process_time() - c0))
    return {"worker_items_per_s_cpu": statistics.median(cpu),
            "worker_items_per_s_cpu_first_pass": first,
            "worker_items_per_s_cpu_batched": statistics.median(batched)}


def accuracy(folds: int) -> dict[str, Any]:
    from wiremap.stream.geo import _calibrate, _eval
    from wiremap.stream.geo.gazetteer import Gazetteer
    from wiremap.stream.geo.geoparser import Geoparser

    gp = Geoparser(Gazetteer.load(), min_confidence=0.0)
    docs = _calibrate.collect(gp, {c: GEOEVAL / f"{c}.jsonl" for c in CORPORA})
    cv = _calibrate.cross_validate(docs, folds=folds)
    scorer = _eval.find_scorer()
    out: dict[str, Any] = {"thresholds": cv.thresholds}
    outdir = ROOT / "test-output" / "bench-geoparser"
    outdir.mkdir(parents=True, exist_ok=True)
    for corpus in CORPORA:
        pred = outdir / f"{corpus}.cv.pred.jsonl"
        _calibrate.write_predictions(docs, cv, corpus, pred)
        out[corpus] = {"cv": cv.figures[corpus]}
        if scorer is not None:
            out[corpus]["scorer"] = _eval.run_scorer(scorer, GEOEVAL / f"{corpus}.jsonl", pred)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-accuracy", action="store_true")
    a = ap.parse_args()
    result: dict[str, Any] = {"load": load_times(3)}
    if not a.no_accuracy:
        result["accuracy"] = accuracy(a.folds)
    result["speed"] = speed(a.runs)
    print(json.dumps(result, indent=1, default=float))
    for corpus in CORPORA if not a.no_accuracy else ():
        s = result["accuracy"][corpus].get("scorer")
        if s:
            e = s["exact"]
            print(f"{corpus}: recognition F1 {e['recognition']['f1']:.3f}  "
                  f"acc@161 {e['resolution_on_matched']['acc@161km']:.3f}  "
                  f"geo-F1 {e['end_to_end']['f1']:.3f}  ECE {e['calibration']['ece_equal_mass15']:.3f}"
                  f"  AUROC {e['calibration']['auroc']:.3f}")
    sp = result["speed"]
    print(f"speed: {sp['docs_per_s_cpu']:.0f} docs/s (CPU), {sp['docs_per_s_wall']:.0f} docs/s (wall)"
          f" on {sp['docs']} docs of {sp['avg_kb']:.1f} KB; first pass "
          f"{sp['docs_per_s_cpu_first_pass']:.0f} docs/s (CPU); load {result['load']['load_s']:.2f} s;"
          f" worker items {sp['worker_items_per_s_cpu']:.0f}/s (CPU), in slices of 32 "
          f"{sp['worker_items_per_s_cpu_batched']:.0f}/s; Russian / Ukrainian items "
          f"{sp['russian_items_per_s_cpu']:.0f} / {sp['ukrainian_items_per_s_cpu']:.0f}/s (CPU)")


if __name__ == "__main__":
    main()
