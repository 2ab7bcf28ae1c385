"""Gazetteer benchmark: index load time and memory in fresh processes, and lookup rate.

    python -m benchmarks.bench_gazetteer [--runs 7] [--lookups 200000] [--index PATH]

Each run is a new Python process (so nothing is warm but the OS page cache) that imports the
package, then times `Gazetteer.load()` alone; RSS is read from /proc after the load, and the
peak (VmHWM) covers the whole process. Targets (issue 3): load ≤ 1 s, RSS ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, random, sys, time
from pathlib import Path

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0

t0 = time.perf_counter()
from wiremap.stream.geo.gazetteer import Gazetteer
t1 = time.perf_counter()
rss0 = status("VmRSS")
g = Gazetteer.load(Path(sys.argv[2]) if len(sys.argv) > 2 else None)
t2 = time.perf_counter()
rss1 = status("VmRSS")
p = g.get("a1:RU.47")
t3 = time.perf_counter()
g.admin1_geometry("RU.47")
t4 = time.perf_counter()
g.get("gn:524901")
t4b = time.perf_counter()
prom = g.prominent_keys(50_000)
t4c = time.perf_counter()
keys = g.keys()
rng = random.Random(7)
sample = [keys[rng.randrange(len(keys))] for _ in range(int(sys.argv[1]))]
t5 = time.perf_counter()
hits = sum(len(g.lookup(k)) for k in sample)
t6 = time.perf_counter()
print(json.dumps({
    "import_s": t1 - t0, "load_s": t2 - t1, "first_get_s": t3 - t2, "polygons_s": t4 - t3,
    "first_city_get_s": t4b - t4, "prominent_keys_s": t4c - t4b, "prominent_keys": len(prom),
    "rss_before_mb": rss0, "rss_after_mb": rss1, "peak_mb": status("VmHWM"),
    "lookups_per_s": len(sample) / (t6 - t5), "hits": hits, "keys": len(keys), "places": len(g),
}))
"""


def run_once(lookups: int, index: Path | None) -> dict[str, float]:
    argv = [sys.executable, "-c", _CHILD, str(lookups), *([str(index)] if index else [])]
    out = subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--lookups", type=int, default=200_000)
    ap.add_argument("--index", type=Path, help="another index file (e.g. a cities15000 build)")
    args = ap.parse_args()
    runs = [run_once(args.lookups, args.index) for _ in range(args.runs)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    data = ROOT / "wiremap" / "stream" / "geo" / "data"
    sizes = {p.name: p.stat().st_size / 1e6 for p in sorted(data.iterdir()) if p.is_file()}
    print(f"runs: {args.runs} fresh processes (medians)")
    print(f"places {med['places']:.0f}, name keys {med['keys']:.0f}")
    print(f"import wiremap.stream.geo.gazetteer: {med['import_s'] * 1000:.0f} ms")
    print(f"Gazetteer.load(): {med['load_s'] * 1000:.0f} ms "
          f"(min {min(r['load_s'] for r in runs) * 1000:.0f}, "
          f"max {max(r['load_s'] for r in runs) * 1000:.0f})")
    print(f"first get() of a country/admin-1 id (small id map): {med['first_get_s'] * 1000:.0f} ms")
    print(f"first get() of a city id (full id map): {med['first_city_get_s'] * 1000:.0f} ms")
    print(f"prominent_keys(50_000): {med['prominent_keys']:.0f} keys in "
          f"{med['prominent_keys_s'] * 1000:.0f} ms")
    print(f"first admin1_geometry() (reads admin1.geojson): {med['polygons_s'] * 1000:.0f} ms")
    print(f"RSS before load {med['rss_before_mb']:.0f} MB, after load {med['rss_after_mb']:.0f} MB"
          f", peak (after polygons) {med['peak_mb']:.0f} MB")
    print(f"lookup(): {med['lookups_per_s']:,.0f} keys/s over {args.lookups} random keys")
    print("data files: " + ", ".join(f"{n} {s:.1f} MB" for n, s in sizes.items()))


if __name__ == "__main__":
    main()
