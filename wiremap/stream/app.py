"""The faust app: topics, tables, a task and agents; the work itself lives in plain modules.

Topology (N = settings.partitions; internal topics are prefixed with the app id)::

    wire.items (N, keyed by id)
      └─ merge (task, leader only): event-time k-way merge, exact dedupe by id and by
         content key (``_merge``; bad records → wire.rejected)             → -stories (1)
    -stories (1)
      └─ stories:  StoryStage + seq numbers  (rebuilt by replay)           → -locate (N)
    -locate (N, routed by item id)
      └─ locate:   Geoparser, in a process pool (and here while it is full; ``_geopool``)
                                             → reports.located (keyed by id)
                                             → -regions (N, routed by region)
    -regions (N)
      └─ rollup:   hour/day/total windows    table rollup (changelog)      → regions.counts

Internal records are batches (see ``_wire``) and agents take their input in batches
(``take_events``), so faust's per-record cost is paid per batch, not per item. Rows sit
one per line in those records, so a stage forwards an item's bytes without re-encoding.

Why the merge comes first: dedupe winners and story ids depend on the order items are
seen, and Kafka orders records only within a partition. Merging wire.items partitions by
event time, ``(published_at, partition, offset)`` of their heads, in one place makes the
``-stories`` log a function of the per-partition sequences, so a restart or a replay into
a fresh app gives the same log, and everything after it is a deterministic function of
that log. Exact dedupe state is therefore keyed by the dedupe keys inside that one
partition rather than repartitioned: repartitioning would bring the race back.

Delivery: at-least-once (faust's default) with idempotent stages, not Kafka transactions
(``processing_guarantee="exactly_once"`` was not adopted: it makes exactness depend on
faust's per-partition transactional producers across four hops, which the design below
does not need). How each stage stays exact across a crash:
- merge: its output log is its state; it resumes from the position stored in the last
  ``-stories`` record and rebuilds dedupe state by reading that log (idempotent producer).
- stories: rebuilt by replaying ``-stories`` up to the first uncommitted offset; each new
  item's ``seq`` is derived from its offset, so reprocessing gives the same numbers.
- locate: a pure function; reprocessing re-sends identical reports (same key and content).
- rollup: each window state keeps the highest ``seq`` applied per locate partition and
  skips anything at or below it (``rollup``), so counts never double.
Faust flushes the producer before it commits offsets, so nothing is lost. After a crash
reports.located may hold a report twice (same key, same content; readers keep the latest
per key) and regions.counts a count twice (same key, same value); the counts themselves
are exact.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import faust
import mode
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from wiremap.broker import create_topics, ensure_topics, resolve_bootstrap
from wiremap.contracts import Rejected
from wiremap.errors import StreamError
from wiremap.settings import Settings
from wiremap.stream import _geopool, _stages
from wiremap.stream._merge import Merger
from wiremap.stream._sequence import StorySequencer
from wiremap.stream._tables import ChangelogBatch, RoutedTable
from wiremap.stream._wire import group_by_partition, loads, route, split_rows, stories_rows
from wiremap.stream.locate import Locator, RegionNames
from wiremap.stream.rollup import RegionEvent, Rollup, to_region_count
from wiremap.stream.stories import StoryStage

__all__ = ["ensure_worker_topics", "make_app", "worker_topics"]

log = logging.getLogger(__name__)

TABLES = ("rollup",)
BATCH = 1000
WITHIN = 0.05
#: Seconds the roll-up waits to fill a batch (counts lag by at most about this much).
ROLLUP_WITHIN = 0.5
_TOPIC_CONFIG = {"max.message.bytes": str(8 * 1024 * 1024)}


def worker_topics(settings: Settings) -> dict[str, tuple[int, dict[str, str]]]:
    """Every topic the worker reads or writes besides the contract ones: name → (partitions, configs)."""
    n, app_id = settings.partitions, settings.app_id
    topics = {f"{app_id}-{name}": (n, dict(_TOPIC_CONFIG)) for name in ("locate", "regions")}
    topics[f"{app_id}-stories"] = (1, dict(_TOPIC_CONFIG))
    topics[f"{app_id}-__assignor-__leader"] = (1, {})
    for table in TABLES:
        topics[f"{app_id}-{table}-changelog"] = (n, {"cleanup.policy": "compact"})
    return topics


async def ensure_worker_topics(settings: Settings) -> None:
    """Create the contract, internal and changelog topics before faust starts.

    Faust would declare them itself, but only once an agent subscribes; a metadata request
    that comes first lets a broker with auto-creation make them with one partition.
    """
    bootstrap = resolve_bootstrap(settings)
    await ensure_topics(settings, bootstrap=bootstrap)
    by_partitions: dict[int, dict[str, dict[str, str]]] = {}
    for name, (partitions, configs) in worker_topics(settings).items():
        by_partitions.setdefault(partitions, {})[name] = configs
    for partitions, specs in by_partitions.items():
        await create_topics(bootstrap, specs, partitions=partitions)
    expected = {name: partitions for name, (partitions, _) in worker_topics(settings).items()}
    expected.update({t: settings.partitions for t in (settings.topic_items, settings.topic_counts)})
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(sorted(expected))
    finally:
        await admin.close()
    wrong = {
        d["topic"]: (len(d["partitions"]), expected[d["topic"]])
        for d in described
        if len(d["partitions"]) != expected[d["topic"]]
    }
    if wrong:
        detail = ", ".join(f"{t} has {got} (needs {want})" for t, (got, want) in sorted(wrong.items()))
        raise StreamError(
            f"topic partition counts do not match WIREMAP_PARTITIONS: {detail}. Keyed state "
            "would land in the wrong partitions; delete the topics or use a new WIREMAP_APP_ID."
        )


def faust_broker_url(bootstrap: str) -> str:
    return ";".join(f"kafka://{server.strip()}" for server in bootstrap.split(",") if server.strip())


def make_app(
    settings: Settings,
    *,
    locator: Locator | None = None,
    region_names: RegionNames | None = None,
    batch: int = BATCH,
    within: float = WITHIN,
    geo_processes: int = 0,
) -> faust.App:
    """Build the worker app.

    The geoparser runs in ``geo_processes`` spawned processes, or in a thread of this
    process when that is 0; a given ``locator`` is the one this process uses (for all of it,
    or for the slices it takes while the pool is full), else it loads at first use.
    """
    bootstrap = resolve_bootstrap(settings)
    n = settings.partitions
    datadir = settings.data_dir / "faust"
    datadir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.app_id,
        broker=faust_broker_url(bootstrap),
        store="memory://",
        datadir=str(datadir),
        autodiscover=False,
        web_enabled=False,
        topic_partitions=n,
        topic_allow_declare=False,
        table_standby_replicas=0,
        consumer_auto_offset_reset="earliest",
        # A SIGKILLed worker's partitions come back after this long, not faust's 60 s.
        broker_session_timeout=10.0,
        broker_heartbeat_interval=2.0,
        stream_recovery_delay=0.0,
        producer_acks=-1,
        producer_linger=0.005,
        producer_max_batch_size=1024 * 1024,
        producer_max_request_size=8 * 1024 * 1024,
        consumer_max_fetch_size=8 * 1024 * 1024,
        stream_buffer_maxsize=max(4096, 2 * batch),
        processing_guarantee="at_least_once",
        # An agent that raises stops the worker (non-zero exit) instead of idling while
        # its partitions stall; the supervisor (systemd, compose, the test) restarts it.
        agent_supervisor=mode.CrashingSupervisor,
    )
    raw: dict[str, Any] = {
        "key_type": bytes,
        "value_type": bytes,
        "key_serializer": "raw",
        "value_serializer": "raw",
    }

    def internal(suffix: str, partitions: int) -> faust.TopicT:
        return app.topic(
            f"{settings.app_id}-{suffix}",
            partitions=partitions,
            internal=True,
            config=_TOPIC_CONFIG,
            **raw,
        )

    rejected_topic = app.topic(settings.topic_rejected, **raw)
    located_topic = app.topic(settings.topic_located, **raw)
    counts_topic = app.topic(settings.topic_counts, **raw)
    stories_topic = internal("stories", 1)
    locate_topic = internal("locate", n)
    regions_topic = internal("regions", n)

    # JSON keys: faust's recovery decodes changelog keys itself and does not honour a
    # raw key serializer; the partition still comes from the router, not from the bytes.
    str_keys: faust.Schema = faust.Schema(key_type=str, key_serializer="json", value_serializer="json")

    def table(name: str, schema: faust.Schema, router: Callable[[Any], int]) -> faust.Table:
        made = RoutedTable(
            app, name=name, beacon=app.tables.beacon, partitions=n, schema=schema, router=router
        )
        return cast(faust.Table, app.tables.add(made))

    @functools.lru_cache(maxsize=65536)
    def region_partition(region: str) -> int:  # murmur2 is pure Python: once per region
        return route(region.encode(), n)

    rollup_table = table("rollup", str_keys, lambda key: region_partition(key.split("|", 1)[0]))


    state: dict[str, Any] = {}
    geo_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geolocate")

    async def send_rows(topic: faust.TopicT, rows_by_partition: dict[int, list[Any]]) -> None:
        for partition, rows in sorted(rows_by_partition.items()):
            for chunk in _stages.encode_chunks(rows):
                await topic.send(value=chunk, partition=partition)

    async def produce(topic: str, records: list[tuple[bytes, bytes]]) -> None:
        """Keyed records to a contract topic, one aiokafka batch per partition.

        faust's per-record ``send`` costs about 0.1 ms each on this process; a batch costs
        that once. Partitions follow Kafka's default partitioner, as a keyed send would.
        Delivery is awaited, so a failed write fails the agent before its input is committed.
        """
        if not records:
            return
        producer = app.producer._ensure_producer()  # type: ignore[attr-defined]  # faust's aiokafka one
        partitions = state.setdefault("partitions", {}).get(topic)
        if partitions is None:
            await producer.client._wait_on_metadata(topic)
            partitions = len(producer.client.cluster.partitions_for_topic(topic) or ())
            if partitions < 1:
                raise StreamError(f"topic {topic} has no partitions")
            state["partitions"][topic] = partitions
        await send_batches(topic, group_by_partition(((k, (k, v)) for k, v in records), partitions))

    async def send_batches(topic: str, routed: dict[int, list[tuple[bytes, bytes | None]]]) -> None:
        """Records ``(key, value)`` by partition, one aiokafka batch each; delivery awaited."""
        producer = app.producer._ensure_producer()  # type: ignore[attr-defined]
        futures = []
        for partition, rows in sorted(routed.items()):
            batch = producer.create_batch()
            for key, value in rows:
                if batch.append(timestamp=None, key=key, value=value) is None:
                    futures.append(await producer.send_batch(batch, topic, partition=partition))
                    batch = producer.create_batch()
                    if batch.append(timestamp=None, key=key, value=value) is None:
                        size = len(value or b"")
                        raise StreamError(f"a record of {size} bytes does not fit a batch for {topic}")
            futures.append(await producer.send_batch(batch, topic, partition=partition))
        await asyncio.gather(*futures)

    async def reject(rejected: Rejected) -> None:
        await rejected_topic.send(value=rejected.to_bytes())

    @app.task(on_leader=True)
    async def merge() -> None:
        merger = Merger(
            bootstrap=bootstrap,
            items_topic=settings.topic_items,
            stories_topic=stories_topic.get_topic_name(),
            partitions=n,
            window_s=settings.dedupe_window_s,
            on_reject=reject,
        )
        await merger.run(asyncio.Event())

    @app.agent(stories_topic)
    async def stories(stream: Any) -> None:
        async for events in stream.take_events(batch, within=within):
            out: list[tuple[bytes, Any]] = []
            for e in events:
                sequencer = await _sequencer_at(e.message.offset)
                raw = stories_rows(e.value)
                done = sequencer.process(e.message.offset, [loads(row) for row in raw])
                for s, row in zip(done, raw, strict=True):
                    out.append((s.item["id"].encode(), _stages.sequenced_row(s, row)))
                state["stories_next"] = e.message.offset + 1
            await send_rows(locate_topic, group_by_partition(out, n))

    async def _sequencer_at(offset: int) -> StorySequencer:
        """The story state as of ``offset``: kept while contiguous, else rebuilt by replay."""
        if state.get("stories_next") != offset:
            sequencer = StorySequencer(
                StoryStage(threshold=settings.story_threshold, window_s=settings.story_window_s)
            )
            replayed = 0
            async for at, value in _read_partition(bootstrap, stories_topic.get_topic_name(), offset):
                sequencer.process(at, loads(value)["rows"])
                replayed += 1
            log.info("story stage rebuilt from %d records before offset %d", replayed, offset)
            state["sequencer"] = sequencer
        current: StorySequencer = state["sequencer"]
        return current

    runner = _geopool.GeoRunner(
        n, processes=geo_processes, thread=geo_thread,
        locator=locator, names=region_names,
    )

    async def write_located(located: _geopool.Located) -> None:
        reports, region_rows = located
        await produce(located_topic.get_topic_name(), reports)
        await send_rows(regions_topic, region_rows)

    @app.agent(locate_topic)
    async def locate(stream: Any) -> None:
        async for events in stream.take_events(batch, within=within):
            rows = [(e.message.partition, row) for e in events for row in split_rows(e.value)]
            await runner.run(rows, write_located)

    @app.agent(regions_topic)
    async def rollup(stream: Any) -> None:
        # faust blocks the writing agent whenever more than 100 changelog writes are queued
        # and then drains them one at a time; a roll-up batch touches hundreds of windows.
        app.producer.buffer.max_messages = 100_000
        # A longer wait than the other stages: each batch rewrites every window state it
        # touches to the changelog, so fewer, larger batches mean fewer writes per item.
        async for events in stream.take_events(batch, within=max(within, ROLLUP_WITHIN)):
            by_partition: dict[int, list[RegionEvent]] = {}
            for e in events:
                rows = loads(e.value)
                by_partition.setdefault(e.message.partition, []).extend(map(RegionEvent.from_json, rows))
            counts: list[tuple[bytes, bytes]] = []
            for partition, region_events in sorted(by_partition.items()):
                roll = state.setdefault("rollups", {}).get(partition)
                if roll is None:
                    roll = state["rollups"][partition] = _new_rollup(partition)
                for key in roll.apply(region_events):
                    count = to_region_count(rollup_store[key])
                    counts.append((count.key.encode(), count.to_bytes()))
                roll.expire()
            # the changelog is written (and acknowledged) before the input is committed,
            # exactly as faust's own flush-before-commit would have it
            await send_batches(rollup_changelog, rollup_store.drain())
            await produce(counts_topic.get_topic_name(), counts)

    rollup_changelog = f"{settings.app_id}-rollup-changelog"
    rollup_store = ChangelogBatch(rollup_table, lambda key: region_partition(key.split("|", 1)[0]))

    def _new_rollup(partition: int) -> Rollup:
        retention = max(settings.dedupe_window_s, settings.story_window_s) + 86400.0
        return Rollup(
            rollup_store,
            retention_s=retention,
            story_window_s=settings.story_window_s,
            owns=lambda region: region_partition(region) == partition,
            sources=n,
        )

    return app


async def _read_partition(
    bootstrap: str, topic: str, until: int, partition: int = 0
) -> AsyncIterator[tuple[int, bytes]]:
    """Records of one partition from its start up to (not including) offset ``until``."""
    if until <= 0:
        return
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        group_id=None,
        max_partition_fetch_bytes=8 * 1024 * 1024,
        fetch_max_bytes=16 * 1024 * 1024,
    )
    await consumer.start()
    try:
        tp = TopicPartition(topic, partition)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        while await consumer.position(tp) < until:
            batch = await consumer.getmany(tp, timeout_ms=1000)
            for record in batch.get(tp, []):
                if record.offset >= until:
                    return
                if record.value is not None:
                    yield record.offset, record.value
    finally:
        await consumer.stop()
