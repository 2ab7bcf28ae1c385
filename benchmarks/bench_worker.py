"""Worker benchmark: items/s end to end through ``wiremap worker``, beside raw aiokafka consume.

    python -m benchmarks.bench_worker [--runs 2] [-n 20000] [--workers 1] [--write-docs]

Each run pre-loads ``n`` ~2 KB wire items into a fresh wire.items (4 partitions), reads
them back once with a bare aiokafka consumer (the baseline), then starts ``wiremap
worker`` (the real Geoparser) on a fresh app id and times: process start → first report on
reports.located (start-up: imports, gazetteer, group join) and first report → the n-th
report (steady state), and until every stage has committed its input (counts included).
The geoparser alone over the same items, in this process, is timed too: it is the
per-item floor of the worker on one core. Uses $KAFKA_BOOTSTRAP_SERVERS if set, else
starts a local broker for the run.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from benchmarks._kafka_baseline import broker, raw_consume_rate_async
from benchmarks._worker import Worker, items, produce, records, wait_drained
from wiremap.broker import contract_topic_configs, create_topics
from wiremap.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"


async def _located(bootstrap: str, topic: str, partitions: int) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(partitions)])
        return sum(ends.values())
    finally:
        await consumer.stop()


async def one_run(bootstrap: str, n: int, workers: int, data: Path, geo_processes: int) -> dict[str, float]:
    uid = uuid.uuid4().hex[:8]
    settings = Settings(
        kafka_bootstrap_servers=bootstrap,
        topic_items=f"bench.items.{uid}",
        topic_rejected=f"bench.rejected.{uid}",
        topic_located=f"bench.located.{uid}",
        topic_counts=f"bench.counts.{uid}",
        app_id=f"bench-{uid}",
        data_dir=data / uid,
    )
    settings.data_dir.mkdir(parents=True)
    await create_topics(bootstrap, contract_topic_configs(settings), partitions=settings.partitions)
    batch = items(n, prefix=uid, body_bytes=1650)
    recs = records(batch)
    await produce(bootstrap, settings.topic_items, recs)
    raw = await raw_consume_rate_async(bootstrap, settings.topic_items, n)

    procs = [Worker(settings) for _ in range(workers)]
    for w in procs:
        w.cmd += ["--geo-processes", str(geo_processes)]
    t0 = time.monotonic()
    for w in procs:
        w.start()
    try:
        first = done = 0.0
        while True:
            got = await _located(bootstrap, settings.topic_located, settings.partitions)
            now = time.monotonic()
            if got and not first:
                first = now
            if got >= n:
                done = now
                break
            assert all(w.alive() for w in procs), procs[0].tail()
            await asyncio.sleep(0.1)
        await wait_drained(settings, procs[0], timeout=600)
        drained = time.monotonic()
    finally:
        for w in procs:
            if w.alive():
                w.stop()
    return {
        "bytes": sum(len(v) for _, v in recs) / n,
        "raw": raw.items_per_s,
        "startup": first - t0,
        "steady": n / (done - first),
        "to_reports": n / (done - t0),
        "to_drained": n / (drained - t0),
    }


def geoparser_rate(n: int) -> float:
    from wiremap.stream.locate import load_locator

    locator = load_locator()
    batch = items(n, prefix="geo", body_bytes=1650)
    t = time.perf_counter()
    for item in batch:
        locator.locate(item)
    return n / (time.perf_counter() - t)


def render(results: list[dict[str, float]], workers: int, n: int, geo: float, geo_processes: int) -> str:
    def med(key: str) -> float:
        return statistics.median(r[key] for r in results)

    steady, raw = med("steady"), med("raw")
    if steady >= 2000:
        verdict = "The **2,000 items/s target is met** on this 2-core machine."
    else:
        bound = (
            f"the geoparser alone runs at {geo:,.0f} items/s, so the bound is the main process "
            "(merge, StoryStage, faust and the roll-up on one core)"
            if geo >= 2000
            else f"the geoparser process alone tops out at about {geo:,.0f} items/s"
        )
        verdict = (
            f"The **2,000 items/s target is not met** here ({steady / 2000:.0%} of it): {bound}; "
            "both processes share the 2 cores with the machine's other work."
        )
    cmd = f"--runs {len(results)} -n {n} --workers {workers} --geo-processes {geo_processes}"
    return f"""Script: `python -m benchmarks.bench_worker {cmd}`
({n:,} items of ~{med("bytes"):,.0f} bytes pre-loaded in a 4-partition wire.items; the real
Geoparser; medians of {len(results)} runs; the raw consume rate is measured in the same run on
the same broker; the machine is shared, so absolute figures move between runs).

| measure | items/s |
|---|---|
| raw aiokafka consume of the same wire.items (baseline) | {raw:,.0f} |
| worker steady state (first → last report; {workers} worker, {geo_processes} geo proc.) | **{steady:,.0f}** |
| worker, process start → last report (includes {med("startup"):.1f} s start-up) | {med("to_reports"):,.0f} |
| worker, process start → every stage committed (counts included) | {med("to_drained"):,.0f} |
| Geoparser alone on the same items, one core, no Kafka | {geo:,.0f} |

Per-run steady state: {", ".join(f"{r['steady']:,.0f}" for r in results)} items/s.
Worker steady state / raw consume: {steady / raw:.3f}. Worker steady state / geoparser alone:
{steady / geo:.2f}.

{verdict}

Where the main process's time goes (cProfile of the worker, stage by stage): the story stage
(StoryStage, ~0.15-0.3 ms per item on these template-like items) and the merge (validation,
dedupe keys) on the two single-partition stages, faust per batch, and the roll-up. Per-item
overhead removed there: the roll-up's changelog written as one aiokafka batch per partition
per input batch (only the keys that changed; faust's per-key table write cost ~0.2 ms), the
dedupe content key on a byte-table path for ASCII text (~17 instead of ~100 µs per 2 KB item),
one aiokafka batch per partition for reports.located
and regions.counts instead of a faust send per record (~0.1 ms each), no log record per
message (faust's terminal spinner set the root logger to DEBUG), internal rows serialized once
instead of twice, a one-pass content key, the roll-up filling batches for up to 0.5 s (each
batch rewrites the window states it touches to the changelog), and geolocation in slices so
the geoparser process parses the next slice while the previous one is written. Every item
is still parsed in full (no sampling, no skipping) at about {1000 / geo:.1f} ms per 2 KB item, in
a separate process (`--geo-processes`, default cores − 1). Before these changes the same
script measured 684 items/s (median of 3 runs, 0.006 of raw consume), with the geoparser
alone then at 962 items/s (it has been sped up since, separately). The last two changes
(changelog batches, ASCII content key), A/B in one run on one broker, 2 runs each: 1,042 →
1,165 items/s median steady state (the shared machine was at load ~4 on 2 cores).
Scaling out is by `--geo-processes` and by
more `wiremap worker` processes with the same app id (the locate stage is partitioned); merge
and stories stay on one partition."""


def write_docs(section: str) -> None:
    text = DOCS.read_text()
    pattern = re.compile(r"(## Worker\n\n)(.*?)(\n## )", re.S)
    if not pattern.search(text):
        raise SystemExit("no '## Worker' section in docs/benchmarks.md")
    DOCS.write_text(pattern.sub(lambda m: m.group(1) + section + "\n" + m.group(3), text, count=1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("-n", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--geo-processes", type=int, default=1)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    results: list[dict[str, Any]] = []
    with broker() as bootstrap, tempfile.TemporaryDirectory() as data:
        for run in range(args.runs):
            result = asyncio.run(one_run(bootstrap, args.n, args.workers, Path(data), args.geo_processes))
            print(f"run {run + 1}: " + ", ".join(f"{k}={v:,.1f}" for k, v in result.items()), file=sys.stderr)
            results.append(result)
    geo = geoparser_rate(min(args.n, 5000))
    section = render(results, args.workers, args.n, geo, args.geo_processes)
    print(section)
    if args.write_docs:
        write_docs(section)


if __name__ == "__main__":
    main()
