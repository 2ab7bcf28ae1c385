"""Topic creation through the admin API, waiting until every partition has a leader."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from wiremap.errors import BrokerError
from wiremap.settings import Settings

__all__ = ["contract_topic_configs", "create_topics", "ensure_topics"]

_TOPIC_ALREADY_EXISTS = 36


def contract_topic_configs(settings: Settings) -> dict[str, dict[str, str]]:
    """Per-topic configs of the four contract topics.

    Inputs, rejects and located reports are kept forever (topics are the source of truth and
    replays start from offset 0); region counts are compacted to the latest count per key.
    """
    max_bytes = str(max(settings.max_record_bytes + 64 * 1024, 1_048_588))
    keep = {"cleanup.policy": "delete", "retention.ms": "-1", "max.message.bytes": max_bytes}
    return {
        settings.topic_items: dict(keep),
        settings.topic_rejected: dict(keep),
        settings.topic_located: dict(keep),
        settings.topic_counts: {"cleanup.policy": "compact", "max.message.bytes": max_bytes},
    }


async def ensure_topics(settings: Settings, *, bootstrap: str | None = None) -> None:
    """Create the four contract topics if missing (``settings.partitions`` each)."""
    from wiremap.broker._resolve import resolve_bootstrap

    servers = bootstrap or resolve_bootstrap(settings)
    await create_topics(servers, contract_topic_configs(settings), partitions=settings.partitions)


async def create_topics(
    bootstrap: str,
    topics: Mapping[str, Mapping[str, str]] | list[str],
    *,
    partitions: int = 1,
    replication: int | None = None,
    timeout: float = 30.0,
) -> None:
    """Create ``topics`` (name → configs, or names) unless they exist; wait for their leaders.

    ``replication`` defaults to min(3, brokers in the cluster), with ``min.insync.replicas=2``
    when that is 3, so the same call suits a single local node and a real cluster.
    """
    specs = {t: {} for t in topics} if isinstance(topics, list) else dict(topics)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    try:
        await asyncio.wait_for(admin.start(), timeout)
    except Exception as exc:
        await admin.close()
        raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc!r}") from exc
    try:
        if replication is None:
            brokers = len((await admin.describe_cluster())["brokers"])
            replication = min(3, max(1, brokers))
        new = []
        for name, configs in specs.items():
            cfg = {k: str(v) for k, v in configs.items()}
            if replication >= 3:
                cfg.setdefault("min.insync.replicas", "2")
            new.append(NewTopic(name, partitions, replication, topic_configs=cfg))
        if new:
            response = await admin.create_topics(new, timeout_ms=int(timeout * 1000))
            for name, code, message in (e[:3] for e in response.topic_errors):
                if code not in (0, _TOPIC_ALREADY_EXISTS):
                    raise BrokerError(f"creating topic {name!r} failed: error {code}: {message}")
        await _wait_for_leaders(admin, list(specs), time.monotonic() + timeout)
    finally:
        await admin.close()


async def _wait_for_leaders(admin: AIOKafkaAdminClient, names: list[str], deadline: float) -> None:
    pending = set(names)
    while pending:
        for topic in await admin.describe_topics(sorted(pending)):
            parts = topic["partitions"]
            if topic["error_code"] == 0 and parts and all(p["leader"] >= 0 for p in parts):
                pending.discard(topic["topic"])
        if not pending:
            return
        if time.monotonic() > deadline:
            raise BrokerError(f"topics without a leader after the deadline: {sorted(pending)}")
        await asyncio.sleep(0.05)
