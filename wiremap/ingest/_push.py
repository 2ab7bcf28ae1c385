"""Drive validated results into Kafka in chunks, and count what happened."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wiremap.contracts import ReasonCode, Rejected, WireItem
from wiremap.ingest._producer import WireProducer, await_all
from wiremap.ingest._read import TextOptions, collect_files, read_sources
from wiremap.ingest._validate import Limits, Validator
from wiremap.settings import Settings

__all__ = ["PushSummary", "push_files", "push_results"]

#: Sends queued before their deliveries are awaited together.
CHUNK = 4096


@dataclass(slots=True)
class PushSummary:
    """What a push read, delivered and rejected. ``read == accepted + rejected`` always."""

    read: int = 0
    accepted: int = 0
    rejected: Counter[ReasonCode] = field(default_factory=Counter)
    accepted_ids: list[str] = field(default_factory=list)
    rejections: list[Rejected] = field(default_factory=list)
    keep: bool = False

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def add(self, result: WireItem | Rejected) -> None:
        self.read += 1
        if isinstance(result, WireItem):
            self.accepted += 1
            if self.keep:
                self.accepted_ids.append(result.id)
        else:
            self.rejected[result.reason] += 1
            if self.keep:
                self.rejections.append(result)
        self.check()

    def check(self) -> None:
        assert self.read == self.accepted + self.rejected_total, (
            f"ingest invariant broken: read {self.read} != accepted {self.accepted}"
            f" + rejected {self.rejected_total}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "accepted": self.accepted,
            "rejected": self.rejected_total,
            "rejected_by_reason": {code.value: n for code, n in sorted(self.rejected.items())},
        }

    def render(self) -> str:
        """The human summary: totals, then one line per reason code."""
        lines = [f"read {self.read}  accepted {self.accepted}  rejected {self.rejected_total}"]
        width = max((len(c.value) for c in self.rejected), default=0)
        for code, n in sorted(self.rejected.items(), key=lambda kv: (-kv[1], kv[0].value)):
            lines.append(f"  {code.value:<{width}}  {n}")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True)


async def push_results(
    results: Iterable[WireItem | Rejected],
    producer: WireProducer,
    *,
    chunk: int = CHUNK,
    summary: PushSummary | None = None,
) -> PushSummary:
    """Produce every result (items and rejections) and return the counts once all are delivered.

    Sends are queued without waiting for each delivery. Deliveries are awaited a chunk
    at a time, one chunk behind the sends, so the producer never runs dry while memory
    stays bounded and a broker error surfaces within two chunks.
    """
    summary = summary if summary is not None else PushSummary()
    pending: list[asyncio.Future[Any]] = []
    previous: list[asyncio.Future[Any]] = []
    for result in results:
        pending.append(await producer.send_result(result))
        summary.add(result)
        if len(pending) >= chunk:
            await await_all(previous)
            previous, pending = pending, []
    await await_all(previous)
    await await_all(pending)
    summary.check()
    return summary


async def push_files(
    settings: Settings,
    paths: Iterable[Path],
    *,
    bootstrap: str | None = None,
    text: TextOptions | None = None,
) -> PushSummary:
    """What ``wiremap push PATHS`` does, as a call: read, validate, produce, count.

    ``bootstrap`` defaults to ``resolve_bootstrap(settings)``; the contract topics are
    created if missing. Raises ``IngestError``/``BrokerError`` on operational failures.
    """
    from wiremap.broker import ensure_topics, resolve_bootstrap

    servers = bootstrap or resolve_bootstrap(settings)
    files = collect_files(paths)
    await ensure_topics(settings, bootstrap=servers)
    results = read_sources(files, Validator(Limits.from_settings(settings)), text=text or TextOptions())
    async with WireProducer(settings, servers) as producer:
        return await push_results(results, producer)
