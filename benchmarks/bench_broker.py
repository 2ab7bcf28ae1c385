"""Broker benchmark: cold-start ready time, and raw aiokafka produce/consume rates on it.

    python -m benchmarks.bench_broker [--starts 5] [--runs 3] [-n 50000] [--size 2048]

Ready time is from ``LocalBroker.start()`` (storage format included) until the node logs
"Kafka Server started" and accepts connections. Rates are for 2 KB records, acks=all with
idempotence, on one single-node broker; each run writes and then reads a fresh topic.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks._kafka_baseline import (
    Rate,
    jars_dir,
    make_topic,
    median_rate,
    raw_consume_rate,
    raw_produce_rate,
)
from wiremap.broker import LocalBroker


def ready_times(starts: int, nodes: int = 1) -> list[float]:
    times = []
    for _ in range(starts):
        with tempfile.TemporaryDirectory(prefix="bench-kafka-") as tmp:
            broker = LocalBroker(Path(tmp), jars_dir(), nodes=nodes)
            began = time.perf_counter()
            broker.start()
            times.append(time.perf_counter() - began)
            broker.stop()
    return times


def rates(runs: int, n: int, size: int) -> tuple[list[Rate], list[Rate]]:
    produced, consumed = [], []
    with tempfile.TemporaryDirectory(prefix="bench-kafka-") as tmp, LocalBroker(
        Path(tmp), jars_dir()
    ) as broker:
        bootstrap = broker.bootstrap_servers
        warm = make_topic(bootstrap)
        raw_produce_rate(bootstrap, warm, 2_000, size)
        raw_consume_rate(bootstrap, warm, 2_000)
        for _ in range(runs):
            topic = make_topic(bootstrap)
            produced.append(raw_produce_rate(bootstrap, topic, n, size))
            consumed.append(raw_consume_rate(bootstrap, topic, n))
    return produced, consumed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("-n", type=int, default=50_000)
    parser.add_argument("--size", type=int, default=2048)
    args = parser.parse_args()

    starts = ready_times(args.starts)
    produced, consumed = rates(args.runs, args.n, args.size)
    p, c = median_rate(produced), median_rate(consumed)
    result = {
        "ready_s": {"median": statistics.median(starts), "all": [round(t, 2) for t in starts]},
        "produce": {"items_per_s": round(p.items_per_s), "mb_per_s": round(p.mb_per_s, 1),
                    "all": [round(r.items_per_s) for r in produced]},
        "consume": {"items_per_s": round(c.items_per_s), "mb_per_s": round(c.mb_per_s, 1),
                    "all": [round(r.items_per_s) for r in consumed]},
        "n": args.n,
        "size": args.size,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
