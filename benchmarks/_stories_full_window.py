"""The stories stage at a full window: ``python -m benchmarks.bench_stories --full-window``.

N feed items (seed 23, event time +1 s per item) are generated once and pickled; each run
is a fresh process that loads them, runs ``assign`` over all of them and times the last
``tail`` (by then 172,800 items are live: the default 2-day window is full). The feed's
generation is outside what is timed, so the stage's data stays in cache as it does in the
worker. With ``--against REF`` the stage as committed at REF runs too, alternating with
the work tree's run by run (the order flipping each time), so the shared machine's load
hits both; each process also hashes its assignments, so the two can be seen to agree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def child(items_path: str, tail: int, ref: str | None) -> dict[str, Any]:
    """One run in this process: rates over the last ``tail`` items, and a digest of every
    assignment."""
    from benchmarks.bench_stories import reference
    from wiremap.stream.stories import StoryStage

    with open(items_path, "rb") as fh:
        items: list[tuple[str, str, float]] = pickle.load(fh)
    stage: Any = (reference(ref) if ref else StoryStage)()
    assign = stage.assign
    split = len(items) - tail
    results = [assign(*item) for item in items[:split]]
    load = os.getloadavg()[0]
    cpu, wall = time.process_time(), time.perf_counter()
    results += [assign(*item) for item in items[split:]]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    digest = hashlib.sha256()
    for r in results:
        digest.update(f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\n".encode())
    return {"stage": ref or "work tree", "items": len(items), "timed": tail,
            "live_items": len(stage),
            "cpu_items_per_s": round(tail / cpu), "wall_items_per_s": round(tail / wall),
            "cpu_us_per_item": round(cpu / tail * 1e6, 1),
            "load_1min": [round(load, 2), round(os.getloadavg()[0], 2)],
            "assignments_sha256": digest.hexdigest()}


def run(n: int, tail: int, runs: int, against: str | None) -> dict[str, Any]:
    """``runs`` fresh processes per stage, alternating; medians and their ratio."""
    from benchmarks.bench_stories import feed

    if not 0 < tail <= n:
        raise SystemExit(f"--tail must be in (0, {n}]")
    load = [round(x, 2) for x in os.getloadavg()]
    began = time.perf_counter()
    items = list(feed(n, seed=23))
    print(json.dumps({"generated": n, "seconds": round(time.perf_counter() - began, 1)}), flush=True)
    stages: list[str | None] = [None, against] if against else [None]
    out: dict[str, list[dict[str, Any]]] = {s or "work tree": [] for s in stages}
    with tempfile.TemporaryDirectory(prefix="stories-window-") as tmp:
        path = Path(tmp) / "items.pickle"
        with open(path, "wb") as fh:
            pickle.dump(items, fh, protocol=pickle.HIGHEST_PROTOCOL)
        del items
        for k in range(runs):
            for ref in stages if k % 2 == 0 else stages[::-1]:
                cmd = [sys.executable, "-m", "benchmarks._stories_full_window", str(path),
                       "--tail", str(tail)] + (["--against", ref] if ref else [])
                done = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
                result = json.loads(done.stdout.strip().splitlines()[-1])
                out[ref or "work tree"].append(result)
                print(json.dumps(result), flush=True)
    summary: dict[str, Any] = {"items": n, "timed": f"items {n - tail + 1:,}-{n:,}", "runs": runs,
                               "loadavg_1_5_15": [load, [round(x, 2) for x in os.getloadavg()]]}
    for name, results in out.items():
        cpu = [r["cpu_items_per_s"] for r in results]
        wall = [r["wall_items_per_s"] for r in results]
        summary[name] = {"median_cpu_items_per_s": round(statistics.median(cpu)), "cpu_items_per_s": cpu,
                         "median_wall_items_per_s": round(statistics.median(wall)),
                         "load_1min": [r["load_1min"] for r in results]}
    if against:
        new, old = summary["work tree"], summary[against]
        summary["ratio"] = round(new["median_cpu_items_per_s"] / old["median_cpu_items_per_s"], 3)
        digests = {r["assignments_sha256"] for rs in out.values() for r in rs}
        summary["same_assignments"] = len(digests) == 1
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description="one full-window run (see benchmarks.bench_stories)")
    parser.add_argument("items")
    parser.add_argument("--tail", type=int, required=True)
    parser.add_argument("--against", metavar="REF")
    args = parser.parse_args()
    print(json.dumps(child(args.items, args.tail, args.against)))


if __name__ == "__main__":
    main()
