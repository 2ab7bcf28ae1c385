"""Session-wide fixtures: one real Kafka for the run, and per-test topics, groups and settings.

``kafka_bootstrap`` uses $KAFKA_BOOTSTRAP_SERVERS when set; otherwise it starts one local
KRaft broker (wiremap.broker.LocalBroker, jars from `make jars`) for the whole session and
stops it at the end, pass or fail. Where the jars are missing but a Docker engine answers,
testcontainers' Kafka module is used instead.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from wiremap.broker import LocalBroker, contract_topic_configs, create_topics
from wiremap.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even inside a running event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def jars_dir() -> Path:
    path = Settings().kafka_jars_dir
    return path if path.is_absolute() else ROOT / path


def _docker_reachable() -> bool:
    return bool(os.environ.get("DOCKER_HOST")) or Path("/var/run/docker.sock").exists()


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``host:port`` of a real Kafka, shared by the whole session."""
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    jars = jars_dir()
    if not any(jars.glob("kafka_2.13-*.jar")) and _docker_reachable():
        from testcontainers.community.kafka import KafkaContainer

        # Confluent Platform 8.1 ships Apache Kafka 4.1; the module expects cp-kafka images.
        with KafkaContainer("confluentinc/cp-kafka:8.1.0").with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    broker = LocalBroker(tmp_path_factory.mktemp("kafka"), jars)
    broker.start()
    try:
        yield broker.bootstrap_servers
    finally:
        broker.stop()


@pytest.fixture
def new_topic(kafka_bootstrap: str) -> Callable[..., str]:
    """Factory: ``new_topic(prefix="t", partitions=1)`` creates a uniquely named topic."""

    def make(prefix: str = "t", partitions: int = 1) -> str:
        name = _unique(prefix)
        run_sync(create_topics(kafka_bootstrap, [name], partitions=partitions))
        return name

    return make


@pytest.fixture
def new_group() -> Callable[..., str]:
    """Factory: ``new_group(prefix="g")`` gives a consumer group id no other test uses."""

    def make(prefix: str = "g") -> str:
        return _unique(prefix)

    return make


@pytest.fixture
def make_settings(kafka_bootstrap: str, tmp_path: Path) -> Callable[..., Settings]:
    """Factory: Settings with fresh contract topics (created), app id and data dir."""

    def make(**overrides: Any) -> Settings:
        uid = uuid.uuid4().hex[:10]
        fields: dict[str, Any] = {
            "kafka_bootstrap_servers": kafka_bootstrap,
            "topic_items": f"wire.items.{uid}",
            "topic_rejected": f"wire.rejected.{uid}",
            "topic_located": f"reports.located.{uid}",
            "topic_counts": f"regions.counts.{uid}",
            "app_id": f"wiremap-{uid}",
            "data_dir": tmp_path / f"wiremap-{uid}",
            "kafka_jars_dir": jars_dir(),
        }
        fields.update(overrides)
        settings = Settings(**fields)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        bootstrap = settings.kafka_bootstrap_servers or kafka_bootstrap
        topics = contract_topic_configs(settings)
        run_sync(create_topics(bootstrap, topics, partitions=settings.partitions))
        return settings

    return make
