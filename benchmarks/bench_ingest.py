"""Ingest benchmark: ``wiremap push`` rate beside the raw aiokafka produce rate, same broker, same run.

    python -m benchmarks.bench_ingest [--runs 3] [-n 50000] [--size 2048] [--write-docs]

Push rate is the real path — JSONL read from a file, each line validated into a
``WireItem``, produced idempotently with acks=all (10 ms linger, uncompressed), every delivery
awaited — timed from the first line read to the last acknowledgement. The CLI figure
adds process start-up and imports (``wiremap push FILE`` in a subprocess). The baseline
produces pre-built 2 KB values with aiokafka directly (``benchmarks/_kafka_baseline``).
Runs alternate push and baseline on fresh topics; medians are reported with the ratio.
Uses $KAFKA_BOOTSTRAP_SERVERS if set, else starts a local broker for the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._kafka_baseline import Rate, broker, make_topic, median_rate, raw_produce_rate_async
from wiremap.ingest import PushSummary, Validator, WireProducer, push_results
from wiremap.ingest._read import read_sources
from wiremap.ingest._validate import Limits
from wiremap.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"


def write_feed(path: Path, n: int, size: int) -> int:
    """``n`` valid wire items, each ``size`` bytes of JSON; returns the file size."""
    words = os.urandom(n * size // 2 + 64).hex()
    with path.open("w") as fh:
        for i in range(n):
            head = {
                "id": f"bench-{i:08d}",
                "source": "bench",
                "url": f"https://news.example.org/bench/{i}",
                "headline": f"Drones reported over region {i % 85}",
                "published_at": "2026-11-23T12:00:00+03:00",
                "body": "",
            }
            pad = size - len(json.dumps(head)) - 1
            start = (i * size // 2) % (len(words) - size)
            head["body"] = words[start : start + pad]
            fh.write(json.dumps(head) + "\n")
    return path.stat().st_size


async def push_rate(settings: Settings, bootstrap: str, feed: Path, n: int) -> Rate:
    validator = Validator(Limits.from_settings(settings))
    async with WireProducer(settings, bootstrap) as producer:
        began = time.perf_counter()
        summary = await push_results(read_sources([feed], validator), producer, summary=PushSummary())
        elapsed = time.perf_counter() - began
    assert summary.read == summary.accepted == n, summary.as_dict()
    return Rate(n, feed.stat().st_size, elapsed)


def cli_rate(settings: Settings, feed: Path, n: int) -> Rate:
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers or "",
        "WIREMAP_TOPIC_ITEMS": settings.topic_items,
        "WIREMAP_TOPIC_REJECTED": settings.topic_rejected,
    }
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from wiremap.cli import main; main()", "push", str(feed), "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"wiremap push failed ({done.returncode}): {done.stderr}")
    assert json.loads(done.stdout)["accepted"] == n, done.stdout
    return Rate(n, feed.stat().st_size, elapsed)


def fresh_settings(bootstrap: str, partitions: int) -> Settings:
    items = make_topic(bootstrap, partitions=partitions, prefix="bench-items")
    rejected = make_topic(bootstrap, partitions=1, prefix="bench-rejected")
    return Settings(
        kafka_bootstrap_servers=bootstrap,
        topic_items=items,
        topic_rejected=rejected,
        partitions=partitions,
    )


def run(runs: int, n: int, size: int, partitions: int) -> dict[str, Any]:
    pushes: list[Rate] = []
    raws: list[Rate] = []
    clis: list[Rate] = []
    with tempfile.TemporaryDirectory(prefix="bench-feed-") as tmp, broker("bench-ingest-") as bootstrap:
        feed = Path(tmp) / "feed.jsonl"
        write_feed(feed, n, size)
        warm = fresh_settings(bootstrap, partitions)
        asyncio.run(raw_produce_rate_async(bootstrap, warm.topic_items, 2_000, size))
        for _ in range(runs):
            settings = fresh_settings(bootstrap, partitions)
            pushes.append(asyncio.run(push_rate(settings, bootstrap, feed, n)))
            topic = make_topic(bootstrap, partitions=partitions, prefix="bench-raw")
            raws.append(asyncio.run(raw_produce_rate_async(bootstrap, topic, n, size)))
            clis.append(cli_rate(fresh_settings(bootstrap, partitions), feed, n))
    push, raw, cli = median_rate(pushes), median_rate(raws), median_rate(clis)
    return {
        "n": n,
        "size": size,
        "partitions": partitions,
        "push": round(push.items_per_s),
        "raw": round(raw.items_per_s),
        "cli": round(cli.items_per_s),
        "ratio": round(push.items_per_s / raw.items_per_s, 2),
        "push_all": [round(r.items_per_s) for r in pushes],
        "raw_all": [round(r.items_per_s) for r in raws],
        "cli_all": [round(r.items_per_s) for r in clis],
        "push_mb_s": round(push.mb_per_s, 1),
        "load": round(os.getloadavg()[0], 1),
    }


def render(result: dict[str, Any], runs: int) -> str:
    push, raw, cli = result["push"], result["raw"], result["cli"]
    push_all, raw_all, cli_all = result["push_all"], result["raw_all"], result["cli_all"]
    load = (
        f" The machine is shared: load average {result['load']} (1 min) when the run ended."
        if "load" in result
        else ""
    )
    return f"""Script: `python -m benchmarks.bench_ingest` (`benchmarks/bench_ingest.py`). {result["n"]:,}
items of {result["size"]} bytes of JSON each, {result["partitions"]} partitions, one local
single-node broker; push and the raw baseline alternate on fresh topics, {runs} runs each,
medians quoted (all runs in brackets).

| path | items/s (median) | runs |
|---|---|---|
| push path: read file → validate → produce (idempotent, acks=all), all acked | **{push:,}** | {push_all} |
| raw aiokafka produce of pre-built values, idempotent, acks=all (baseline) | {raw:,} | {raw_all} |
| `wiremap push FILE` in a subprocess (adds start-up, imports, topic check) | {cli:,} | {cli_all} |

Push / raw produce ratio: **{result["ratio"]}** (target: push ≥ 10,000 items/s).{load}

Where the difference goes: reading and validating a 2 KB line into a `WireItem` costs
~20-25 µs on this machine (JSON decode, pydantic validation, the reason-code path only on
failure), serialising it ~3 µs; the raw baseline sends one pre-built value. Compression is
off by default (`--compression zstd|lz4|gzip` turns it on): aiokafka compresses on the same
event-loop thread at fixed high levels, and gzip/lz4 measured at about half the push rate
against the local broker. The CLI row also pays interpreter start-up and imports (~1 s).
"""


def write_docs(text: str) -> None:
    doc = DOCS.read_text()
    pattern = re.compile(r"(## Ingest\n\n)(.*?)(\n## )", re.S)
    if not pattern.search(doc):
        raise SystemExit("docs/benchmarks.md has no '## Ingest' section")
    DOCS.write_text(pattern.sub(lambda m: m.group(1) + text + m.group(3), doc, count=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("-n", type=int, default=50_000)
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    result = run(args.runs, args.n, args.size, args.partitions)
    print(json.dumps(result, indent=2))
    if args.write_docs:
        write_docs(render(result, args.runs))


if __name__ == "__main__":
    main()
