"""Geoparser speed, this tree against a baseline tree, side by side in alternating fresh processes.

    git archive <commit> | tar -x -C /tmp/geo-base      # any tree holding the baseline `wiremap`
    python scripts/geo_speed_ab.py /tmp/geo-base [--pairs 3] [--runs 5] [--cpu 1]

Each child process is pinned to one CPU (``taskset``) and runs ``benchmarks.bench_geoparser``'s
speed mode (this tree's benchmark code) with ``wiremap`` imported from the baseline tree or from
this one; the pairs alternate (base, this, base, this, ...) so that load on a shared machine
falls on both. Prints each pair and the median of each figure and its ratio (this / base).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ("docs_per_s_cpu", "docs_per_s_cpu_first_pass", "worker_items_per_s_cpu",
           "worker_items_per_s_cpu_first_pass", "worker_items_per_s_cpu_batched")

_CHILD = r"""
import json, sys
sys.path[:0] = [{wiremap_dir!r}, {root!r}]
import wiremap.stream.geo
assert wiremap.stream.geo.__file__.startswith({wiremap_dir!r}), wiremap.stream.geo.__file__
from benchmarks import bench_geoparser
print(json.dumps(bench_geoparser.speed({runs})))
"""


def run(wiremap_dir: Path, runs: int, cpu: int) -> dict[str, float]:
    code = _CHILD.format(wiremap_dir=str(wiremap_dir), root=str(ROOT), runs=runs)
    proc = subprocess.run(["taskset", "-c", str(cpu), sys.executable, "-c", code],
                          capture_output=True, text=True, check=True, cwd="/")
    out: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("base", type=Path, help="a tree whose wiremap/ is the baseline code")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cpu", type=int, default=1)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # Only the baseline's `wiremap` goes on the path, so `benchmarks` is this tree's.
        base_dir = Path(tmp)
        (base_dir / "wiremap").symlink_to(a.base.resolve() / "wiremap")
        results: dict[str, list[dict[str, float]]] = {"base": [], "this": []}
        for i in range(a.pairs):
            for label, d in (("base", base_dir), ("this", ROOT)):
                r = run(d, a.runs, a.cpu)
                results[label].append(r)
                print(f"pair {i + 1} {label}: " + ", ".join(f"{k} {r[k]:,.0f}" for k in FIGURES),
                      flush=True)
    for k in FIGURES:
        b = statistics.median(r[k] for r in results["base"])
        t = statistics.median(r[k] for r in results["this"])
        print(f"{k}: base {b:,.0f} (range {min(r[k] for r in results['base']):,.0f}-"
              f"{max(r[k] for r in results['base']):,.0f}), this {t:,.0f} (range "
              f"{min(r[k] for r in results['this']):,.0f}-{max(r[k] for r in results['this']):,.0f})"
              f", ratio x{t / b:.3f}")


if __name__ == "__main__":
    main()
