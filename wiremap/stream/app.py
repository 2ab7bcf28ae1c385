"""The faust app: topics, tables, a task and agents; the work itself lives in plain modules.

Topology (N = settings.partitions; internal topics are prefixed with the app id)::

    wire.items (N, keyed by id)
      └─ merge (task, leader only): event-time k-way merge, exact dedupe by id and by
         content key (``_merge``; bad records → wire.rejected)             → -stories (1)
    -stories (1)
      └─ stories:  StoryStage + seq numbers  (rebuilt by replay)           → -locate (N)
    -locate (N, routed by item id)
      └─ locate:   Geoparser, in a thread    → reports.located (keyed by id)
                                             → -regions (N, routed by region)
    -regions (N)
      └─ rollup:   hour/day/total windows    table rollup (changelog)      → regions.counts

Internal records are batches (see ``_wire``) and agents take their input in batches
(``take_events``), so faust's per-record cost is paid per batch, not per item.

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
import multiprocessing
from collections.abc import AsyncIterator, Callable, Iterator, MutableMapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, cast

import faust
import mode
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from faust.serializers.codecs import json as json_codec

from wiremap.broker import create_topics, ensure_topics, resolve_bootstrap
from wiremap.contracts import Rejected
from wiremap.errors import StreamError
from wiremap.settings import Settings
from wiremap.stream import _geopool, _stages
from wiremap.stream._merge import Merger
from wiremap.stream._sequence import StorySequencer
from wiremap.stream._wire import dumps, group_by_partition, loads, route
from wiremap.stream.locate import Locator, RegionNames, load_locator, load_region_names
from wiremap.stream.rollup import RegionEvent, Rollup, to_region_count
from wiremap.stream.stories import StoryStage

__all__ = ["ensure_worker_topics", "make_app", "worker_topics"]

Located = tuple[list[tuple[bytes, bytes]], dict[int, list[Any]]]  # reports, region rows

log = logging.getLogger(__name__)

TABLES = ("rollup",)
BATCH = 1000
WITHIN = 0.05
#: Seconds the roll-up waits to fill a batch (counts lag by at most about this much).
ROLLUP_WITHIN = 0.5
#: Rows per geolocate call: small enough that writing one slice overlaps parsing the next.
GEO_SLICE = 200
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

    The geoparser loads once per process at first use: in a thread of this process when
    ``geo_processes`` is 0 (or a locator is given), else in that many spawned processes.
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
        made = _RoutedTable(
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
                for s in sequencer.process(e.message.offset, loads(e.value)["rows"]):
                    out.append((s.item["id"].encode(), _stages.sequenced_row(s)))
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

    async def geolocate(rows: list[tuple[int, list[Any]]]) -> list[asyncio.Future[Located]]:
        """Submit rows in contiguous slices; one future per slice, in slice order."""
        loop = asyncio.get_running_loop()
        slices = [rows[i : i + GEO_SLICE] for i in range(0, len(rows), GEO_SLICE)]
        if locator is not None or geo_processes < 1:  # given locator (tests), or in-process
            if "locator" not in state:
                state["locator"], state["names"] = await loop.run_in_executor(
                    geo_thread, _load, locator, region_names
                )
            located, names = state["locator"], state["names"]
            calls = [functools.partial(_geopool.locate_rows_with, located, names, part, n) for part in slices]
            return [loop.run_in_executor(geo_thread, call) for call in calls]
        if "pool" not in state:
            state["pool"] = ProcessPoolExecutor(
                geo_processes, mp_context=multiprocessing.get_context("spawn"), initializer=_geopool.init
            )
        return [loop.run_in_executor(state["pool"], _geopool.locate_rows, part, n) for part in slices]

    @app.agent(locate_topic)
    async def locate(stream: Any) -> None:
        async for events in stream.take_events(batch, within=within):
            rows = [(e.message.partition, row) for e in events for row in loads(e.value)]
            # Slices are geolocated while earlier ones are written, so the geoparser does not
            # idle during writes. Written in slice order: each source partition's events stay
            # in increasing seq order, which the roll-up's idempotence relies on.
            pending = await geolocate(rows)
            try:
                for part in pending:
                    reports, region_rows = await part
                    await produce(located_topic.get_topic_name(), reports)
                    await send_rows(regions_topic, region_rows)
            finally:
                for part in pending:
                    part.cancel()

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
    rollup_store = _ChangelogBatch(rollup_table, lambda key: region_partition(key.split("|", 1)[0]))

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


class _RoutedTable(faust.Table):
    """A table whose changelog partition is a function of the key, not of the current event.

    The agents take events in batches that span partitions, so "the current event's
    partition" (faust's default) would be wrong; the router is the same function that
    routes records to the stage, so a key's state and its records share a partition.
    """

    def __init__(self, app: faust.App, *, router: Callable[[Any], int], **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._router = router

    def partition_for_key(self, key: Any) -> int:
        return self._router(key)


class _ChangelogBatch(MutableMapping[str, Any]):
    """A table's local store that collects changed keys, for one changelog batch per partition.

    Setting a faust table key sends one changelog record through faust's producer buffer
    (~0.2 ms each, and the roll-up rewrites hundreds of window states per batch). Here a
    batch's changes are written by the agent as aiokafka batches, in faust's own key and
    value encoding (JSON) to the same partitions, so faust's recovery reads them unchanged;
    a deleted key gets a tombstone, as faust writes one.
    """

    def __init__(self, table: faust.Table, router: Callable[[str], int]) -> None:
        self.data = table.data
        self.router = router
        self._key_codec = json_codec()
        self._dirty: dict[str, None] = {}

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value
        self._dirty[key] = None

    def __delitem__(self, key: str) -> None:
        del self.data[key]
        self._dirty[key] = None

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def drain(self) -> dict[int, list[tuple[bytes, bytes | None]]]:
        """The changelog records for keys changed since the last call, by partition."""
        out: dict[int, list[tuple[bytes, bytes | None]]] = {}
        for key in self._dirty:
            value = self.data.get(key)
            encoded = None if value is None else dumps(value)
            out.setdefault(self.router(key), []).append((self._key_codec.dumps(key), encoded))
        self._dirty.clear()
        return out


def _load(locator: Locator | None, names: RegionNames | None) -> tuple[Locator, RegionNames]:
    return locator or load_locator(), names or load_region_names()


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
