"""Follow ``reports.located`` and ``regions.counts`` into a MapView.

The server owns a consumer group of its own (one member, so it sees every partition) and
seeks to the beginning whenever partitions are assigned: the view is rebuilt from the
topics at every start, never from local state.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from pydantic import ValidationError

from wiremap.contracts import LocatedReport, RegionCount
from wiremap.mapview._view import MapView
from wiremap.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["Follower"]


class _FromStart(ConsumerRebalanceListener):
    def __init__(self, follower: Follower) -> None:
        self.follower = follower

    async def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        return None

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        await self.follower._rewind(list(assigned))


class Follower:
    """Consumes both topics and applies each record to ``view``; bad records are recorded."""

    def __init__(self, settings: Settings, view: MapView, bootstrap: str) -> None:
        self.settings = settings
        self.view = view
        self.bootstrap = bootstrap
        self.group_id = f"{settings.app_id}.mapview.{uuid.uuid4().hex[:8]}"
        self.consumer: AIOKafkaConsumer | None = None
        self._targets: dict[TopicPartition, int] = {}
        self.caught_up = asyncio.Event()
        self.records = 0
        self.error: str | None = None

    async def _rewind(self, assigned: list[TopicPartition]) -> None:
        assert self.consumer is not None
        if not assigned:
            return
        await self.consumer.seek_to_beginning(*assigned)
        ends = await self.consumer.end_offsets(assigned)
        self._targets.update(ends)

    async def _check_caught_up(self) -> None:
        if self.caught_up.is_set() or self.consumer is None or not self._targets:
            return
        assigned = self.consumer.assignment()
        for tp, end in self._targets.items():
            if tp not in assigned or await self.consumer.position(tp) < end:
                return
        self.caught_up.set()
        # The rebuilt view is long-lived: keep it out of every later GC pass, so a full
        # collection does not stall a poll (see benchmarks/bench_mapview.py).
        gc.freeze()

    async def run(self) -> None:
        s = self.settings
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=self.group_id,
            client_id=f"{s.app_id}-mapview",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            metadata_max_age_ms=5000,
        )
        await self.consumer.start()
        self.consumer.subscribe([s.topic_located, s.topic_counts], listener=_FromStart(self))
        try:
            while True:
                batches = await self.consumer.getmany(timeout_ms=250, max_records=5000)
                for records in batches.values():
                    for record in records:
                        self._apply(record)
                await self._check_caught_up()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            log.exception("map follower stopped")
            raise
        finally:
            await self.consumer.stop()

    def _apply(self, record: ConsumerRecord) -> None:
        self.records += 1
        where = f"{record.topic}[{record.partition}]@{record.offset}"
        if record.topic == self.settings.topic_located:
            if record.value is None:
                if record.key:
                    self.view.retract(record.key.decode("utf-8", "replace"))
                return
            try:
                self.view.apply(LocatedReport.from_bytes(record.value))
            except ValidationError as exc:
                self.view.record_error(where, f"not a LocatedReport: {_short(exc)}")
        elif record.topic == self.settings.topic_counts:
            if record.value is None:
                return
            try:
                self.view.apply_count(RegionCount.from_bytes(record.value))
            except ValidationError as exc:
                self.view.record_error(where, f"not a RegionCount: {_short(exc)}")


def _short(exc: ValidationError) -> str:
    errs = exc.errors()
    first = errs[0] if errs else {"loc": (), "msg": str(exc)}
    loc = ".".join(str(x) for x in first.get("loc", ())) or "record"
    return f"{loc}: {first.get('msg')} ({len(errs)} error(s))"
