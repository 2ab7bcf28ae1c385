"""Helpers for worker integration tests: run the worker, wait until it has drained, read outputs.

The worker subprocess and the drain check are shared with the benchmark (``benchmarks._worker``).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from benchmarks._worker import ROOT, Worker, pipeline_lag, settings_env, wait_drained
from wiremap.contracts import LocatedReport, RegionCount
from wiremap.settings import Settings

__all__ = [
    "ROOT",
    "Worker",
    "diff",
    "expected_totals",
    "outputs",
    "pipeline_lag",
    "read_topic",
    "run_to_end",
    "settings_env",
    "totals",
    "wait_drained",
]


async def read_topic(bootstrap: str, topic: str) -> list[ConsumerRecord]:
    """Every record of ``topic`` up to its current end."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    parts = [p["partition"] for p in described["partitions"]]
    assert parts, f"topic {topic} not found: {described}"
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        out: list[ConsumerRecord] = []

        async def behind() -> bool:
            return any([await consumer.position(tp) < ends[tp] for tp in tps])

        while await behind():
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                out.extend(records)
        return out
    finally:
        await consumer.stop()


def _strip(d: dict[str, Any], *fields: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in fields}


async def outputs(
    settings: Settings,
) -> tuple[list[ConsumerRecord], dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(raw located records, latest report per id, latest count per key) without processing times."""
    bootstrap = str(settings.kafka_bootstrap_servers)
    located = await read_topic(bootstrap, settings.topic_located)
    counts = await read_topic(bootstrap, settings.topic_counts)
    reports = {
        r.key.decode(): _strip(json.loads(LocatedReport.from_bytes(r.value).model_dump_json()), "located_at")
        for r in located
    }
    latest = {
        r.key.decode(): _strip(json.loads(RegionCount.from_bytes(r.value).model_dump_json()), "updated_at")
        for r in counts
    }
    return located, reports, latest


def expected_totals(reports: dict[str, dict[str, Any]], floor: float | None = None
                    ) -> dict[str, tuple[int, int, float]]:
    """Region totals computed straight from reports.located, independently of the roll-up: a
    placement counts when it is at least ``floor`` (the setting's default) likely right."""
    if floor is None:
        floor = Settings().rollup_min_confidence
    per_region: dict[str, dict[str, Any]] = defaultdict(lambda: {"reports": 0, "stories": {}})
    for report in reports.values():
        best: dict[str, float] = {}
        for p in report["placements"]:
            if p["admin1"] and p["confidence"] >= floor:
                best[p["admin1"]] = max(best.get(p["admin1"], 0.0), p["confidence"])
        for region, conf in best.items():
            agg = per_region[region]
            agg["reports"] += 1
            sid = report["story_id"]
            agg["stories"][sid] = max(agg["stories"].get(sid, 0.0), conf)
    return {
        r: (a["reports"], len(a["stories"]), round(math.fsum(a["stories"].values()), 6))
        for r, a in per_region.items()
    }


def diff(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Keys whose values differ (or are missing on one side), for readable failures."""
    return [(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)][:10]


def totals(counts: dict[str, dict[str, Any]]) -> dict[str, tuple[int, int, float]]:
    return {
        c["region"]: (c["reports"], c["stories"], round(c["weighted"], 6))
        for c in counts.values()
        if c["window"] == "total"
    }


async def run_to_end(settings: Settings, timeout: float = 240.0) -> tuple[Any, Any, Any]:
    with Worker(settings) as worker:
        await wait_drained(settings, worker, timeout=timeout)
        assert worker.stop() == 0, worker.tail()
    return await outputs(settings)
