"""A thin async wrapper over aiokafka's idempotent producer.

What goes on the wire is decided by pure functions (``item_record``, ``rejected_record``,
``producer_config``); the wrapper only owns the connection and hands back delivery
futures, so callers can queue many sends and await them together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from types import TracebackType
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from wiremap.contracts import Rejected, WireItem
from wiremap.errors import IngestError
from wiremap.settings import Settings

__all__ = ["WireProducer", "item_record", "producer_config", "rejected_record"]

#: Records batch up for this long before a request goes out; throughput over latency.
LINGER_MS = 10
#: Per-partition batch size: ~100 items of 2 KB share one request.
BATCH_BYTES = 256 * 1024


#: Codecs ``compression`` may name; lz4 and zstd need cramjam (a declared dependency).
COMPRESSION = ("none", "gzip", "lz4", "zstd")


def producer_config(
    bootstrap: str, *, client_id: str = "wiremap-ingest", compression: str = "none"
) -> dict[str, Any]:
    """aiokafka producer settings: idempotent, acks from all in-sync replicas, batched.

    Compression is off by default: aiokafka compresses on the event-loop thread that also
    validates and sends, at fixed high levels (gzip 9, lz4 HC 9), which measured at half
    the push rate against a local broker. Turn on zstd for a remote, bandwidth-bound cluster.
    """
    if compression not in COMPRESSION:
        raise IngestError(f"unknown compression {compression!r}; choose from {COMPRESSION}")
    return {
        "bootstrap_servers": bootstrap,
        "client_id": client_id,
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": LINGER_MS,
        "max_batch_size": BATCH_BYTES,
        "max_request_size": 4 * 1024 * 1024,
        "compression_type": None if compression == "none" else compression,
        "request_timeout_ms": 30_000,
    }


def item_record(item: WireItem) -> tuple[bytes, bytes]:
    """(key, value) for ``wire.items``: keyed by item id so one item stays on one partition."""
    return item.key, item.to_bytes()


def rejected_record(rejected: Rejected) -> tuple[bytes, bytes]:
    """(key, value) for ``wire.rejected``: keyed by the original's hash, stable across retries."""
    return rejected.original_sha256.encode(), rejected.to_bytes()


class WireProducer:
    """Sends items and rejections to the topics named in ``settings``."""

    def __init__(
        self,
        settings: Settings,
        bootstrap: str,
        *,
        client_id: str = "wiremap-ingest",
        compression: str = "none",
        **overrides: Any,
    ) -> None:
        self.settings = settings
        self.bootstrap = bootstrap
        config = producer_config(bootstrap, client_id=client_id, compression=compression)
        self._config = {**config, **overrides}
        self._producer: AIOKafkaProducer | None = None

    @property
    def started(self) -> bool:
        return self._producer is not None

    async def start(self) -> None:
        producer = AIOKafkaProducer(**self._config)
        try:
            await producer.start()
        except KafkaError as exc:
            await producer.stop()
            raise IngestError(f"cannot reach Kafka at {self.bootstrap}: {exc}") from exc
        self._producer = producer

    async def stop(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()

    async def __aenter__(self) -> WireProducer:
        await self.start()
        return self

    async def __aexit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def _require(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise IngestError("producer is not started")
        return self._producer

    async def send(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        *,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> asyncio.Future[Any]:
        """Queue one record; returns once buffered, with a future that resolves on delivery."""
        return await self._require().send(
            topic,
            value=value,
            key=key,
            partition=partition,
            timestamp_ms=timestamp_ms,
            headers=headers,
        )

    async def send_result(self, result: WireItem | Rejected) -> asyncio.Future[Any]:
        """Queue an item to the items topic, or a rejection to the rejected topic."""
        producer = self._require()
        if isinstance(result, WireItem):
            key, value = item_record(result)
            return await producer.send(self.settings.topic_items, value=value, key=key)
        key, value = rejected_record(result)
        return await producer.send(self.settings.topic_rejected, value=value, key=key)

    async def partitions(self, topic: str) -> set[int]:
        return set(await self._require().partitions_for(topic))

    async def flush(self) -> None:
        await self._require().flush()


async def await_all(futures: Iterable[Awaitable[Any]]) -> None:
    """Wait for every delivery; the first failure becomes an ``IngestError``."""
    try:
        await asyncio.gather(*futures)
    except KafkaError as exc:
        raise IngestError(f"Kafka did not accept a record: {exc}") from exc
